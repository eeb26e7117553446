/*
 * lib/gen/gen_body_rap.c - body of the pathology report (RAP, template
 * 2.16.840.1.113883.2.9.10.1.8.1): clinical notes with the clinical question
 * (22636-5 and its 42349-1 sub-section, ERRORE-b1/b2, b84..b90), the sampling
 * procedure with its SNOMED CT method and site, specimen and container
 * (29300-1, ERRORE-b3..b7, b158..b171), the gross and microscopic findings as
 * BATTERY organizers of AP observations (22634-0, 22635-7, ERRORE-b8..b18,
 * b177..b181), the margin of an excision (33755-0, ERRORE-b19..b21,
 * b182..b186) and the final diagnosis in ICD-9-CM with the ICD-O-3 histology
 * of a tumour (22637-3, ERRORE-b30..b41).
 *
 * Owns the story of one specimen; the cases are gen_codes_rap.c. Every
 * observation has moodCode EVN (ERRORE-66) and every id a root and an
 * extension (ERRORE-45).
 */
#include "gen_int.h"

#include <stdio.h>

/* Template roots of the RAP implementation guide. */
#define TPL "2.16.840.1.113883.3.1937.777.63.10."
#define TPL_AP_OBS TPL "150"

/* A case that fits the patient's sex. */
static const gen_path_case *pick_case(gen_ctx *c)
{
    size_t fit = 0;
    size_t pick;
    size_t i;

    for (i = 0; i < fse_gen__n_path_cases; i++) {
        fit += fse_gen__path_cases[i].gender == 0 ||
               fse_gen__path_cases[i].gender == c->patient.gender;
    }
    pick = fse_gen__rng_below(&c->rng, (uint32_t)fit);
    for (i = 0; i < fse_gen__n_path_cases; i++) {
        const gen_path_case *pc = &fse_gen__path_cases[i];

        if ((pc->gender == 0 || pc->gender == c->patient.gender) && pick-- == 0) {
            return pc;
        }
    }
    return &fse_gen__path_cases[0];
}

/* Identifiers the laboratory assigns: the accession number of the specimen
 * and the code of its container, in the facility's local domains. */
static void lab_id(gen_ctx *c, xmlNodePtr parent, const char *arc, const char *ext)
{
    char root[64];

    (void)snprintf(root, sizeof(root), "2.16.840.1.113883.2.9.2.%s.4.8.%s",
                   c->facility.region->oid_arc, arc);
    fse_gen__ii(c, parent, "id", root, ext, c->facility.name);
}

static xmlNodePtr snomed(gen_ctx *c, xmlNodePtr parent, const char *name, const gen_concept *v)
{
    return fse_gen__code(c, parent, name, v->code, GEN_OID_SNOMED, "SNOMED CT", v->display);
}

/* AP observation (template 150): templateId, code, statusCode, effectiveTime. */
static xmlNodePtr ap_observation(gen_ctx *c, xmlNodePtr parent, const char *loinc,
                                 const char *display, int64_t when)
{
    xmlNodePtr obs = fse_gen__el(c, parent, "observation");

    fse_gen__attr(c, obs, "classCode", "OBS");
    fse_gen__attr(c, obs, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, obs, "templateId"), "root", TPL_AP_OBS);
    fse_gen__code(c, obs, "code", loinc, GEN_OID_LOINC, "LOINC", display);
    fse_gen__attr(c, fse_gen__el(c, obs, "statusCode"), "code", "completed");
    fse_gen__ts(c, obs, "effectiveTime", when);
    return obs;
}

/* The slides are read the hour before the report is signed; the specimen
 * was accepted at t_end, a day or more earlier. */
static int64_t read_time(const gen_ctx *c)
{
    return c->t_doc - 3600;
}

/* A BATTERY organizer (ERRORE-b10, b15, b35) with one AP observation whose
 * value is text; returns the observation. */
static xmlNodePtr battery(gen_ctx *c, xmlNodePtr section, const char *code, const char *display)
{
    xmlNodePtr org = fse_gen__el(c, fse_gen__el(c, section, "entry"), "organizer");
    xmlNodePtr comp;

    fse_gen__attr(c, org, "classCode", "BATTERY");
    fse_gen__attr(c, org, "moodCode", "EVN");
    fse_gen__code(c, org, "code", code, GEN_OID_LOINC, "LOINC", display);
    fse_gen__attr(c, fse_gen__el(c, org, "statusCode"), "code", "completed");
    comp = fse_gen__el(c, org, "component");
    fse_gen__attr(c, comp, "typeCode", "COMP");
    return comp;
}

static void text_value(gen_ctx *c, xmlNodePtr obs, const char *text)
{
    xmlNodePtr v = fse_gen__text(c, obs, "value", text);

    fse_gen__xsi_type(c, v, "ST");
}

static void clinical_notes(gen_ctx *c, xmlNodePtr sb, const gen_path_case *pc)
{
    xmlNodePtr s =
        fse_gen__section(c, sb, TPL "132", "22636-5", "Notizie cliniche", "Notizie cliniche");
    xmlNodePtr q;
    xmlNodePtr obs;
    xmlNodePtr v;
    char text[256];
    char ref[40];

    (void)snprintf(text, sizeof(text),
                   "Invio del campione da parte del curante con sospetto di: %s.",
                   pc->question.display);
    fse_gen__narrative(c, s, text, NULL, 0);
    q = fse_gen__section(c, s, TPL "130", "42349-1", "Quesito diagnostico", "Quesito diagnostico");
    fse_gen__narrative(c, q, pc->question.display, ref, sizeof(ref));
    obs = fse_gen__el(c, fse_gen__el(c, q, "entry"), "observation");
    fse_gen__attr(c, obs, "classCode", "OBS");
    fse_gen__attr(c, obs, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, obs, "templateId"), "root", TPL "131");
    fse_gen__code(c, obs, "code", "29308-4", GEN_OID_LOINC, "LOINC", "Diagnosi");
    fse_gen__attr(c, fse_gen__el(c, obs, "statusCode"), "code", "completed");
    v = fse_gen__code(c, obs, "value", pc->question.code, GEN_OID_ICD9, "ICD-9-CM",
                      pc->question.display);
    fse_gen__xsi_type(c, v, "CD");
    fse_gen__orig_ref(c, v, ref);
}

/* ERRORE-b158..b171: procedure with method (required with a coded
 * procedure), site, specimen and the container supply. */
static void procedure(gen_ctx *c, xmlNodePtr sb, const gen_path_case *pc, const char *accession)
{
    xmlNodePtr s = fse_gen__section(c, sb, TPL "142", "29300-1", "Procedura", "Procedura");
    xmlNodePtr p;
    xmlNodePtr spec;
    xmlNodePtr role;
    xmlNodePtr er;
    xmlNodePtr sup;
    char text[256];
    char container[48];

    (void)snprintf(text, sizeof(text), "%s. Campione n. %s.", pc->specimen, accession);
    fse_gen__narrative(c, s, text, NULL, 0);
    p = fse_gen__el(c, fse_gen__el(c, s, "entry"), "procedure");
    fse_gen__attr(c, p, "classCode", "PROC");
    fse_gen__attr(c, p, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, p, "templateId"), "root", TPL "143");
    if (pc->morphology != NULL) {
        fse_gen__code(c, p, "code", "85348-1", GEN_OID_LOINC, "LOINC",
                      "Procedura utilizzata per ottenere il campione tumorale");
    } else {
        fse_gen__code(c, p, "code", "29300-1", GEN_OID_LOINC, "LOINC", "Procedura");
    }
    fse_gen__attr(c, fse_gen__el(c, p, "statusCode"), "code", "completed");
    fse_gen__ts(c, p, "effectiveTime", c->t_start);
    snomed(c, p, "methodCode", &pc->method);
    snomed(c, p, "targetSiteCode", &pc->site);
    spec = fse_gen__el(c, p, "specimen");
    fse_gen__attr(c, spec, "typeCode", "SPC");
    role = fse_gen__el(c, spec, "specimenRole");
    fse_gen__attr(c, role, "classCode", "SPEC");
    fse_gen__attr(c, fse_gen__el(c, role, "templateId"), "root", TPL "259");
    lab_id(c, role, "1", accession);
    er = fse_gen__el(c, p, "entryRelationship");
    fse_gen__attr(c, er, "typeCode", "COMP");
    sup = fse_gen__el(c, er, "supply");
    fse_gen__attr(c, sup, "classCode", "SPLY");
    fse_gen__attr(c, sup, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, sup, "templateId"), "root", TPL "251");
    (void)snprintf(container, sizeof(container), "%s-A", accession);
    lab_id(c, sup, "2", container);
    fse_gen__code(c, sup, "code", "74384-9", GEN_OID_LOINC, "LOINC", "Contenitore del campione");
    fse_gen__attr(c, fse_gen__el(c, sup, "statusCode"), "code", "completed");
}

static void findings(gen_ctx *c, xmlNodePtr sb, const gen_path_case *pc)
{
    xmlNodePtr s = fse_gen__section(c, sb, TPL "149", "22634-0", "Osservazione macroscopica",
                                    "Esame macroscopico");
    xmlNodePtr comp;

    fse_gen__narrative(c, s, pc->gross, NULL, 0);
    comp = battery(c, s, "22634-0", "Osservazione macroscopica");
    text_value(c, ap_observation(c, comp, "24419-4", "Osservazione macroscopica", c->t_end),
               pc->gross);

    /* ERRORE-b16: the microscopic organizer is coded 102034-6. */
    s = fse_gen__section(c, sb, TPL "193", "22635-7", "Osservazione microscopica",
                         "Esame microscopico");
    fse_gen__narrative(c, s, pc->micro, NULL, 0);
    comp = battery(c, s, "102034-6", "Osservazione microscopica");
    text_value(c, ap_observation(c, comp, "22635-7", "Osservazione microscopica", read_time(c)),
               pc->micro);
}

static void margins(gen_ctx *c, xmlNodePtr sb)
{
    xmlNodePtr s =
        fse_gen__section(c, sb, TPL "190", "33755-0", "Stato del margine", "Stato dei margini");
    xmlNodePtr obs;
    xmlNodePtr v;
    int mm = fse_gen__rng_range(&c->rng, 1, 6);
    char text[128];
    char num[8];

    (void)snprintf(text, sizeof(text), "Margini di resezione indenni; distanza minima %d mm.", mm);
    fse_gen__narrative(c, s, text, NULL, 0);
    obs = fse_gen__el(c, fse_gen__el(c, s, "entry"), "observation");
    fse_gen__attr(c, obs, "classCode", "OBS");
    fse_gen__attr(c, obs, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, obs, "templateId"), "root", TPL "196");
    fse_gen__code(c, obs, "code", "33738-6", GEN_OID_LOINC, "LOINC", "Margine piu' vicino");
    fse_gen__attr(c, fse_gen__el(c, obs, "statusCode"), "code", "completed");
    fse_gen__ts(c, obs, "effectiveTime", read_time(c));
    v = fse_gen__el(c, obs, "value");
    fse_gen__xsi_type(c, v, "PQ");
    (void)snprintf(num, sizeof(num), "%d", mm);
    fse_gen__attr(c, v, "value", num);
    fse_gen__attr(c, v, "unit", "mm");
}

/* ERRORE-b30..b41: the final diagnosis (29308-4) and, for a tumour, its
 * histology (22036-8). */
static void diagnosis(gen_ctx *c, xmlNodePtr sb, const gen_path_case *pc)
{
    xmlNodePtr s = fse_gen__section(c, sb, TPL "176", "22637-3", "Diagnosi", "Diagnosi");
    xmlNodePtr obs;
    xmlNodePtr v;
    char text[320];
    char ref[40];

    if (pc->morphology != NULL) {
        (void)snprintf(text, sizeof(text), "%s: %s.", pc->diagnosis.display, pc->morphology);
    } else {
        (void)snprintf(text, sizeof(text), "%s.", pc->diagnosis.display);
    }
    fse_gen__narrative(c, s, text, ref, sizeof(ref));
    obs = ap_observation(c, battery(c, s, "29308-4", "Diagnosi"), "29308-4", "Diagnosi",
                         read_time(c));
    v = fse_gen__code(c, obs, "value", pc->diagnosis.code, GEN_OID_ICD9, "ICD-9-CM",
                      pc->diagnosis.display);
    fse_gen__xsi_type(c, v, "CD");
    fse_gen__orig_ref(c, v, ref);
    if (pc->morphology != NULL) {
        obs = ap_observation(c, battery(c, s, "22036-8", "Istologia"), "59847-4",
                             "Istologia e comportamento ICD-O-3", read_time(c));
        text_value(c, obs, pc->morphology);
    }
}

void fse_gen__body_rap(gen_ctx *c, xmlNodePtr sb)
{
    const gen_path_case *pc = pick_case(c);
    char accession[24];
    char year[9];

    fse_gen__format_date(year, c->t_start / 86400);
    (void)snprintf(accession, sizeof(accession), "%.4s/I%06u", year,
                   fse_gen__rng_below(&c->rng, 1000000));
    clinical_notes(c, sb, pc);
    procedure(c, sb, pc, accession);
    findings(c, sb, pc);
    if (pc->margins) {
        margins(c, sb);
    }
    diagnosis(c, sb, pc);
}
