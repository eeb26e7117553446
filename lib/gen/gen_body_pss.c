/*
 * lib/gen/gen_body_pss.c - body of the patient summary (PSS, template
 * 2.16.840.1.113883.2.9.10.1.4.1.1) written by the general practitioner: the
 * four mandatory sections with their templates - allergies (48765-2, here the
 * coded absence of known allergies, 4.3.1.4 with the 2.16.840.1.113883.11.22.9
 * value set, ERRORE-b1..b4, b70..b98), current medicines (10160-0, 4.3.2.1
 * with route and 4.3.2.2 product, ERRORE-b5..b9, b107..b115), problem list
 * (11450-4, concern act 4.3.4.1 with an ICD-9-CM problem 4.3.4.2,
 * ERRORE-b10..b13, b146..b160) and family history (10157-6, organizer
 * 4.3.16.1, ERRORE-b14..b17a, b174..b188).
 *
 * Owns the clinical picture of a summary; the code lists are gen_codes.c.
 */
#include "gen_int.h"

#include <stdio.h>

#define TPL "2.16.840.1.113883.2.9.10.1.4."

static void local_id(gen_ctx *c, xmlNodePtr parent)
{
    char root[64];
    char ext[24];

    (void)snprintf(root, sizeof(root), "2.16.840.1.113883.2.9.2.%s.4.7",
                   c->facility.region->oid_arc);
    (void)snprintf(ext, sizeof(ext), "%08X", (unsigned)(fse_gen__rng_next(&c->rng) >> 32));
    fse_gen__ii(c, parent, "id", root, ext, NULL);
}

static void na_code(gen_ctx *c, xmlNodePtr parent)
{
    fse_gen__attr(c, fse_gen__el(c, parent, "code"), "nullFlavor", "NA");
}

static xmlNodePtr concern(gen_ctx *c, xmlNodePtr section, const char *tpl, int64_t low)
{
    xmlNodePtr act = fse_gen__el(c, fse_gen__el(c, section, "entry"), "act");

    fse_gen__attr(c, act, "classCode", "ACT");
    fse_gen__attr(c, act, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, act, "templateId"), "root", tpl);
    local_id(c, act);
    na_code(c, act);
    fse_gen__attr(c, fse_gen__el(c, act, "statusCode"), "code", "active");
    fse_gen__ivl(c, act, "effectiveTime", low, -1);
    return act;
}

static xmlNodePtr subj_observation(gen_ctx *c, xmlNodePtr act, const char *tpl, int64_t low)
{
    xmlNodePtr er = fse_gen__el(c, act, "entryRelationship");
    xmlNodePtr obs = fse_gen__el(c, er, "observation");

    fse_gen__attr(c, er, "typeCode", "SUBJ");
    fse_gen__attr(c, obs, "classCode", "OBS");
    fse_gen__attr(c, obs, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, obs, "templateId"), "root", tpl);
    local_id(c, obs);
    (void)low;
    return obs;
}

static void allergies(gen_ctx *c, xmlNodePtr sb)
{
    xmlNodePtr s = fse_gen__section(c, sb, TPL "2.1", "48765-2", "Allergie e/o reazioni avverse",
                                    "Allergie e Intolleranze");
    xmlNodePtr act;
    xmlNodePtr obs;
    xmlNodePtr v;
    int64_t low = (c->patient.birth_day + 365) * 86400;
    char ref[40];

    fse_gen__narrative(c, s, "Nessuna allergia nota.", ref, sizeof(ref));
    act = concern(c, s, TPL "3.1.1", low);
    obs = subj_observation(c, act, TPL "3.1.4", low);
    fse_gen__code(c, obs, "code", "OINT", GEN_OID_ACTCODE, "HL7 ActCode", "Intolleranza");
    fse_gen__attr(c, fse_gen__el(c, obs, "statusCode"), "code", "completed");
    fse_gen__ivl(c, obs, "effectiveTime", low, -1);
    v = fse_gen__code(c, obs, "value", "no-known-allergies", "2.16.840.1.113883.11.22.9", NULL,
                      "Nessuna allergia nota");
    fse_gen__xsi_type(c, v, "CD");
    fse_gen__orig_ref(c, v, ref);
}

static void medicines(gen_ctx *c, xmlNodePtr sb, const gen_drug *d)
{
    xmlNodePtr s =
        fse_gen__section(c, sb, TPL "2.2", "10160-0", "Uso di farmaci", "Terapie farmacologiche");
    xmlNodePtr sa;
    xmlNodePtr et;
    xmlNodePtr mp;
    xmlNodePtr mat;
    xmlNodePtr code;
    char text[256];

    (void)snprintf(text, sizeof(text), "%s: %s.", d->name, d->dose);
    fse_gen__narrative(c, s, text, NULL, 0);
    sa = fse_gen__el(c, fse_gen__el(c, s, "entry"), "substanceAdministration");
    fse_gen__attr(c, sa, "classCode", "SBADM");
    fse_gen__attr(c, sa, "moodCode", "INT");
    fse_gen__attr(c, fse_gen__el(c, sa, "templateId"), "root", TPL "3.2.1");
    fse_gen__attr(c, fse_gen__el(c, sa, "statusCode"), "code", "active");
    et = fse_gen__ivl(c, sa, "effectiveTime", c->t_doc - 86400 * 90, -1);
    fse_gen__xsi_type(c, et, "IVL_TS");
    fse_gen__code(c, sa, "routeCode", "PO", GEN_OID_ROUTE, "HL7 RouteOfAdministration",
                  "Per via orale");
    mp = fse_gen__el(c, fse_gen__el(c, sa, "consumable"), "manufacturedProduct");
    fse_gen__attr(c, fse_gen__el(c, mp, "templateId"), "root", TPL "3.2.2");
    mat = fse_gen__el(c, mp, "manufacturedMaterial");
    code = fse_gen__code(c, mat, "code", d->atc, GEN_OID_ATC, "WHO ATC", d->active);
    fse_gen__code(c, code, "translation", d->aic, GEN_OID_AIC, "AIC", d->name);
    fse_gen__text(c, mat, "name", d->name);
}

static void problems(gen_ctx *c, xmlNodePtr sb, const gen_concept *dx)
{
    xmlNodePtr s =
        fse_gen__section(c, sb, TPL "2.4", "11450-4", "Lista dei problemi", "Lista dei problemi");
    int64_t low = c->t_doc - (int64_t)fse_gen__rng_range(&c->rng, 200, 3000) * 86400;
    xmlNodePtr act;
    xmlNodePtr obs;
    xmlNodePtr v;
    char ref[40];

    fse_gen__narrative(c, s, dx->display, ref, sizeof(ref));
    act = concern(c, s, TPL "3.4.1", low);
    obs = subj_observation(c, act, TPL "3.4.2", low);
    fse_gen__code(c, obs, "code", "75326-9", GEN_OID_LOINC, "LOINC", "Problema");
    fse_gen__attr(c, fse_gen__el(c, obs, "statusCode"), "code", "completed");
    fse_gen__ivl(c, obs, "effectiveTime", low, -1);
    v = fse_gen__code(c, obs, "value", dx->code, GEN_OID_ICD9, "ICD-9-CM", dx->display);
    fse_gen__xsi_type(c, v, "CD");
    fse_gen__orig_ref(c, v, ref);
}

static void family_history(gen_ctx *c, xmlNodePtr sb, const gen_concept *dx)
{
    static const gen_concept relatives[] = {{"FTH", "Padre"}, {"MTH", "Madre"}};
    const gen_concept *who = GEN_PICK(c, relatives, 2);
    xmlNodePtr s =
        fse_gen__section(c, sb, TPL "2.16", "10157-6", "Anamnesi familiare", "Anamnesi Familiare");
    xmlNodePtr org;
    xmlNodePtr rs;
    xmlNodePtr obs;
    xmlNodePtr v;
    char text[256];

    (void)snprintf(text, sizeof(text), "%s: %s.", who->display, dx->display);
    fse_gen__narrative(c, s, text, NULL, 0);
    org = fse_gen__el(c, fse_gen__el(c, s, "entry"), "organizer");
    fse_gen__attr(c, org, "classCode", "CLUSTER");
    fse_gen__attr(c, org, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, org, "templateId"), "root", TPL "3.16.1");
    fse_gen__attr(c, fse_gen__el(c, org, "statusCode"), "code", "completed");
    rs = fse_gen__el(c, fse_gen__el(c, org, "subject"), "relatedSubject");
    fse_gen__attr(c, rs, "classCode", "PRS");
    fse_gen__code(c, rs, "code", who->code, GEN_OID_ROLECODE, "HL7 RoleCode", who->display);
    obs = fse_gen__el(c, fse_gen__el(c, org, "component"), "observation");
    fse_gen__attr(c, obs, "classCode", "OBS");
    fse_gen__attr(c, obs, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, obs, "templateId"), "root", TPL "3.16.2");
    local_id(c, obs);
    fse_gen__code(c, obs, "code", "75326-9", GEN_OID_LOINC, "LOINC", "Problema");
    fse_gen__attr(c, fse_gen__el(c, obs, "statusCode"), "code", "completed");
    v = fse_gen__code(c, obs, "value", dx->code, GEN_OID_ICD9, "ICD-9-CM", dx->display);
    fse_gen__xsi_type(c, v, "CD");
}

void fse_gen__body_pss(gen_ctx *c, xmlNodePtr sb)
{
    const gen_concept *dx = GEN_PICK(c, fse_gen__diagnoses, fse_gen__n_diagnoses);
    const gen_concept *fam = GEN_PICK(c, fse_gen__diagnoses, fse_gen__n_diagnoses);
    const gen_drug *d = GEN_PICK(c, fse_gen__drugs, fse_gen__n_drugs);

    allergies(c, sb);
    medicines(c, sb, d);
    problems(c, sb, dx);
    family_history(c, sb, fam);
}
