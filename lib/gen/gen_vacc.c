/*
 * lib/gen/gen_vacc.c - vaccination entries shared by the single vaccination
 * record (SING_VACC) and the vaccination certificate (CERT_VACC): the
 * substanceAdministration of template 2.16.840.1.113883.2.9.10.1.11.4.1 with
 * its product (AIC code, ATC translation), route, site and dose (so reports
 * W003..W005 do not fire), dose number (4.3), target diseases (4.9) and next
 * due date (4.4); and the bodies of both document types.
 *
 * Owns which vaccines suit a patient's age and the dates of a vaccination
 * history. The vaccine table is gen_codes.c.
 */
#include "gen_int.h"

#include <stdio.h>
#include <string.h>

#define TPL_VACC "2.16.840.1.113883.2.9.10.1.11.4.1"
#define TPL_DOSE "2.16.840.1.113883.2.9.10.1.11.4.3"
#define TPL_DUE "2.16.840.1.113883.2.9.10.1.11.4.4"
#define TPL_TARGET "2.16.840.1.113883.2.9.10.1.11.4.9"

static const gen_coded sites[] = {
    {"LD", "2.16.840.1.113883.5.1052", "HL7 ActSite", "Deltoide sinistro"},
    {"RD", "2.16.840.1.113883.5.1052", "HL7 ActSite", "Deltoide destro"},
    {"LT", "2.16.840.1.113883.5.1052", "HL7 ActSite", "Coscia sinistra"},
};

static xmlNodePtr rel_observation(gen_ctx *c, xmlNodePtr sa, const char *type, const char *tpl,
                                  const char *code, const char *display)
{
    xmlNodePtr er = fse_gen__el(c, sa, "entryRelationship");
    xmlNodePtr obs = fse_gen__el(c, er, "observation");

    fse_gen__attr(c, er, "typeCode", type);
    if (strcmp(type, "SUBJ") == 0) {
        fse_gen__attr(c, er, "inversionInd", "true");
    }
    fse_gen__attr(c, obs, "classCode", "OBS");
    fse_gen__attr(c, obs, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, obs, "templateId"), "root", tpl);
    fse_gen__code(c, obs, "code", code, GEN_OID_LOINC, "LOINC", display);
    fse_gen__attr(c, fse_gen__el(c, obs, "statusCode"), "code", "completed");
    return obs;
}

void fse_gen__vaccination(gen_ctx *c, xmlNodePtr section, const gen_vaccine *v, int dose,
                          int64_t when, int64_t next)
{
    xmlNodePtr sa = fse_gen__el(c, fse_gen__el(c, section, "entry"), "substanceAdministration");
    const gen_coded *site = v->max_age <= 1 ? &sites[2] : GEN_PICK(c, sites, 2);
    xmlNodePtr n;
    xmlNodePtr mat;
    xmlNodePtr code;
    const char *t;
    char lot[16];
    char num[8];

    fse_gen__attr(c, sa, "classCode", "SBADM");
    fse_gen__attr(c, sa, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, sa, "templateId"), "root", TPL_VACC);
    fse_gen__attr(c, fse_gen__el(c, sa, "statusCode"), "code", "completed");
    fse_gen__ts(c, sa, "effectiveTime", when);
    fse_gen__code(c, sa, "routeCode", "IM", GEN_OID_ROUTE, "HL7 RouteOfAdministration",
                  "Iniezione intramuscolare");
    fse_gen__code(c, sa, "approachSiteCode", site->code, site->system, site->system_name,
                  site->display);
    n = fse_gen__el(c, sa, "doseQuantity");
    fse_gen__attr(c, n, "value", "0.5");
    fse_gen__attr(c, n, "unit", "mL");
    n = fse_gen__el(c, sa, "consumable");
    fse_gen__attr(c, n, "typeCode", "CSM");
    n = fse_gen__el(c, n, "manufacturedProduct");
    fse_gen__attr(c, n, "classCode", "MANU");
    mat = fse_gen__el(c, n, "manufacturedMaterial");
    code = fse_gen__code(c, mat, "code", v->aic, GEN_OID_AIC, "AIC", v->name);
    fse_gen__code(c, code, "translation", v->atc, GEN_OID_ATC, "WHO ATC", v->atc_display);
    fse_gen__text(c, mat, "name", v->name);
    (void)snprintf(lot, sizeof(lot), "%c%c%05u", 'A' + (int)fse_gen__rng_below(&c->rng, 26),
                   'A' + (int)fse_gen__rng_below(&c->rng, 26), fse_gen__rng_below(&c->rng, 100000));
    fse_gen__text(c, mat, "lotNumberText", lot);

    n = rel_observation(c, sa, "SUBJ", TPL_DOSE, "30973-2", "Numero della dose");
    (void)snprintf(num, sizeof(num), "%d", dose);
    n = fse_gen__el(c, n, "value");
    fse_gen__xsi_type(c, n, "INT");
    fse_gen__attr(c, n, "value", num);

    for (t = v->targets; *t != '\0'; t += t[2] == ' ' ? 3 : 2) {
        const char *tc = fse_gen__vaccine_target(t);

        if (tc == NULL) {
            break;
        }
        n = rel_observation(c, sa, "RSON", TPL_TARGET, "75323-6", "Condizione");
        n = fse_gen__code(c, n, "value", tc, "2.16.840.1.113883.2.9.6.1.56.4", NULL,
                          fse_gen__vaccine_target_name(tc));
        fse_gen__xsi_type(c, n, "CD");
        if (t[2] == '\0') {
            break;
        }
    }
    if (next > 0) {
        n = rel_observation(c, sa, "REFR", TPL_DUE, "30980-7", "Data della prossima dose");
        n = fse_gen__el(c, n, "value");
        fse_gen__xsi_type(c, n, "TS");
        {
            char day[9];

            fse_gen__format_date(day, next / 86400);
            fse_gen__attr(c, n, "value", day);
        }
    }
}

void fse_gen__meta_vaccine(gen_ctx *c, const gen_vaccine *v)
{
    fse_gen_meta *m = c->meta;
    size_t i;

    for (i = 0; i < m->n_atti_clinici; i++) {
        if (strcmp(m->atti_clinici[i], v->atc) == 0) {
            return;
        }
    }
    if (m->n_atti_clinici < FSE_GEN_MAX_LIST) {
        (void)snprintf(m->atti_clinici[m->n_atti_clinici++], sizeof(m->atti_clinici[0]), "%s",
                       v->atc);
    }
    if (m->n_descriptions < FSE_GEN_MAX_LIST) {
        (void)snprintf(m->descriptions[m->n_descriptions++], sizeof(m->descriptions[0]), "%s^%s^%s",
                       v->aic, v->name, GEN_OID_AIC);
    }
}

static int age_years(const gen_ctx *c, int64_t at)
{
    return (int)((at / 86400 - c->patient.birth_day) / 365);
}

/* Vaccines whose age range contains age; returns how many were written. */
static size_t suitable(const gen_vaccine **out, size_t cap, int age)
{
    size_t n = 0;
    size_t i;

    for (i = 0; i < fse_gen__n_vaccines && n < cap; i++) {
        if (fse_gen__vaccines[i].min_age <= age && age <= fse_gen__vaccines[i].max_age) {
            out[n++] = &fse_gen__vaccines[i];
        }
    }
    return n;
}

static xmlNodePtr vacc_section(gen_ctx *c, xmlNodePtr sb, const char *tpl, const char *title)
{
    return fse_gen__section(c, sb, tpl, "11369-6", "Storia delle vaccinazioni", title);
}

void fse_gen__body_sing_vacc(gen_ctx *c, xmlNodePtr sb)
{
    const gen_vaccine *pool[16];
    size_t n = suitable(pool, 16, age_years(c, c->t_start));
    const gen_vaccine *v = pool[n > 0 ? fse_gen__rng_below(&c->rng, (uint32_t)n) : 0];
    int dose = fse_gen__rng_range(&c->rng, 1, v->doses);
    int64_t next =
        dose < v->doses ? c->t_start + (int64_t)fse_gen__rng_range(&c->rng, 30, 180) * 86400 : 0;
    xmlNodePtr s = vacc_section(c, sb, "2.16.840.1.113883.2.9.10.1.11.3.1", "Vaccinazione");
    char text[384];

    (void)snprintf(text, sizeof(text), "Somministrata dose %d di %s (%s) per %s.", dose, v->name,
                   v->atc_display, v->disease);
    fse_gen__narrative(c, s, text, NULL, 0);
    fse_gen__vaccination(c, s, v, dose, c->t_start, next);
    fse_gen__meta_vaccine(c, v);
}

void fse_gen__body_cert_vacc(gen_ctx *c, xmlNodePtr sb)
{
    const gen_vaccine *pool[16];
    int age = age_years(c, c->t_doc);
    size_t n = 0;
    xmlNodePtr s =
        vacc_section(c, sb, "2.16.840.1.113883.2.9.10.1.11.3.2", "Certificato Vaccinale");
    xmlNodePtr list;
    size_t i;

    bool used[16] = {false};
    size_t want;

    /* Vaccines the patient has been old enough for during a whole year, so
     * the first dose (61 days past that birthday) precedes the certificate. */
    for (i = 0; i < fse_gen__n_vaccines && n < 16; i++) {
        if (fse_gen__vaccines[i].min_age + 1 <= age) {
            pool[n++] = &fse_gen__vaccines[i];
        }
    }
    want = n < 4 ? n : 4;
    want = want > 1 ? (size_t)fse_gen__rng_range(&c->rng, 1, (int)want) : want;
    list = fse_gen__el(c, fse_gen__el(c, s, "text"), "list");
    for (i = 0; i < want; i++) {
        size_t k = fse_gen__rng_below(&c->rng, (uint32_t)n);
        const gen_vaccine *v;
        int64_t first;
        int dose;

        while (used[k]) {
            k = (k + 1) % n;
        }
        used[k] = true;
        v = pool[k];
        first = (c->patient.birth_day + (int64_t)v->min_age * 365 + 61) * 86400 + 10 * 3600;
        for (dose = 1; dose <= v->doses; dose++) {
            int64_t when = first + (int64_t)(dose - 1) * 60 * 86400;
            char text[256];

            if (when >= c->t_doc) {
                break;
            }
            (void)snprintf(text, sizeof(text), "%s (%s): dose %d", v->name, v->disease, dose);
            fse_gen__text(c, list, "item", text);
            fse_gen__vaccination(c, s, v, dose, when, 0);
        }
        fse_gen__meta_vaccine(c, v);
    }
}
