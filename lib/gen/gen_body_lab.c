/*
 * lib/gen/gen_body_lab.c - body of the laboratory report (LAB, template
 * 2.16.840.1.113883.2.9.10.1.1): one to three specialty sections (ERRORE-b1),
 * each with a results table and one act entry (ERORE-b6/b7) whose
 * observations carry a LOINC code, a PQ value in UCUM units, an
 * interpretation and a reference range with its own interpretation code
 * (ERRORE-b22..b27).
 *
 * Owns the choice of tests and values. The test catalogue is
 * gen_codes_lab.c; the header is gen_header.c.
 */
#include "gen_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_TESTS 8

typedef struct result {
    const gen_lab_test *test;
    char value[24];
    const char *interp; /* "N", "H", "L" */
} result;

static void format_num(char *out, size_t len, double v, int decimals)
{
    (void)snprintf(out, len, "%.*f", decimals, v);
}

static void draw(gen_ctx *c, result *r, const gen_lab_test *t)
{
    /* Mostly normal values, some out of range. */
    double lo = t->lo;
    double hi = t->hi;
    double u = (double)(fse_gen__rng_next(&c->rng) >> 11) / 9007199254740992.0;
    double v;

    if (fse_gen__rng_chance(&c->rng, 75) && t->ref_hi > t->ref_lo) {
        lo = t->ref_lo > t->lo ? t->ref_lo : t->lo;
        hi = t->ref_hi < t->hi ? t->ref_hi : t->hi;
    }
    r->test = t;
    format_num(r->value, sizeof(r->value), lo + (hi - lo) * u, t->decimals);
    v = strtod(r->value, NULL);
    r->interp = v < t->ref_lo ? "L" : v > t->ref_hi ? "H" : "N";
}

static const char *interp_display(const char *code)
{
    return code[0] == 'H' ? "Alto" : code[0] == 'L' ? "Basso" : "Normale";
}

static void range_text(char *out, size_t len, const gen_lab_test *t)
{
    char lo[24];
    char hi[24];

    format_num(lo, sizeof(lo), t->ref_lo, t->decimals);
    format_num(hi, sizeof(hi), t->ref_hi, t->decimals);
    if (t->ref_lo <= 0) {
        (void)snprintf(out, len, "< %s", hi);
    } else {
        (void)snprintf(out, len, "%s - %s", lo, hi);
    }
}

static void table(gen_ctx *c, xmlNodePtr section, const result *res, size_t n)
{
    static const char *const heads[] = {"Esame", "Risultato", "Unità di misura",
                                        "Intervallo di riferimento", "Interpretazione"};
    xmlNodePtr tbl = fse_gen__el(c, fse_gen__el(c, section, "text"), "table");
    xmlNodePtr tr = fse_gen__el(c, fse_gen__el(c, tbl, "thead"), "tr");
    xmlNodePtr tbody = fse_gen__el(c, tbl, "tbody");
    size_t i;

    for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
        fse_gen__text(c, tr, "th", heads[i]);
    }
    for (i = 0; i < n; i++) {
        char range[64];

        range_text(range, sizeof(range), res[i].test);
        tr = fse_gen__el(c, tbody, "tr");
        fse_gen__text(c, tr, "td", res[i].test->name);
        fse_gen__text(c, tr, "td", res[i].value);
        fse_gen__text(c, tr, "td", res[i].test->unit);
        fse_gen__text(c, tr, "td", range);
        fse_gen__text(c, tr, "td", interp_display(res[i].interp));
    }
}

static void pq(gen_ctx *c, xmlNodePtr parent, const char *name, const char *value, const char *unit)
{
    xmlNodePtr v = fse_gen__el(c, parent, name);

    fse_gen__attr(c, v, "value", value);
    fse_gen__attr(c, v, "unit", unit);
}

static void reference_range(gen_ctx *c, xmlNodePtr obs, const gen_lab_test *t)
{
    xmlNodePtr range = fse_gen__el(c, fse_gen__el(c, obs, "referenceRange"), "observationRange");
    xmlNodePtr v = fse_gen__el(c, range, "value");
    char num[24];

    fse_gen__xsi_type(c, v, "IVL_PQ");
    if (t->ref_lo > 0) {
        format_num(num, sizeof(num), t->ref_lo, t->decimals);
        pq(c, v, "low", num, t->unit);
    }
    format_num(num, sizeof(num), t->ref_hi, t->decimals);
    pq(c, v, "high", num, t->unit);
    fse_gen__code(c, range, "interpretationCode", "N", GEN_OID_INTERP,
                  "HL7 ObservationInterpretation", "Normale");
}

static void specimen(gen_ctx *c, xmlNodePtr parent, const char *code)
{
    xmlNodePtr sp = fse_gen__el(c, parent, "specimen");
    xmlNodePtr role = fse_gen__el(c, sp, "specimenRole");
    xmlNodePtr ent;

    fse_gen__attr(c, sp, "typeCode", "SPC");
    fse_gen__attr(c, role, "classCode", "SPEC");
    ent = fse_gen__el(c, role, "specimenPlayingEntity");
    fse_gen__code(c, ent, "code", code, GEN_OID_SPECIMEN, "HL7 SpecimenType",
                  fse_gen__specimen_display(code));
}

static void observation(gen_ctx *c, xmlNodePtr act, const result *r)
{
    xmlNodePtr er = fse_gen__el(c, act, "entryRelationship");
    xmlNodePtr obs = fse_gen__el(c, er, "observation");
    xmlNodePtr v;

    fse_gen__attr(c, er, "typeCode", "COMP");
    fse_gen__attr(c, obs, "classCode", "OBS");
    fse_gen__attr(c, obs, "moodCode", "EVN");
    fse_gen__code(c, obs, "code", r->test->loinc, GEN_OID_LOINC, "LOINC", r->test->name);
    fse_gen__attr(c, fse_gen__el(c, obs, "statusCode"), "code", "completed");
    fse_gen__ts(c, obs, "effectiveTime", c->t_end);
    v = fse_gen__el(c, obs, "value");
    fse_gen__xsi_type(c, v, "PQ");
    fse_gen__attr(c, v, "value", r->value);
    fse_gen__attr(c, v, "unit", r->test->unit);
    fse_gen__code(c, obs, "interpretationCode", r->interp, GEN_OID_INTERP,
                  "HL7 ObservationInterpretation", interp_display(r->interp));
    reference_range(c, obs, r->test);
}

static void lab_section(gen_ctx *c, xmlNodePtr sb, const gen_lab_section *s)
{
    result res[MAX_TESTS];
    bool used[32] = {false};
    size_t want = (size_t)fse_gen__rng_range(
        &c->rng, 2, (int)(s->n_tests < MAX_TESTS ? s->n_tests : MAX_TESTS));
    size_t n = 0;
    xmlNodePtr section = fse_gen__section(c, sb, NULL, s->loinc, s->name, s->name);
    xmlNodePtr entry;
    xmlNodePtr act;
    size_t i;

    /* Tests in catalogue order, a random subset. */
    while (n < want) {
        size_t k = fse_gen__rng_below(&c->rng, (uint32_t)s->n_tests);

        if (!used[k]) {
            used[k] = true;
            n++;
        }
    }
    n = 0;
    for (i = 0; i < s->n_tests; i++) {
        if (used[i]) {
            draw(c, &res[n++], &s->tests[i]);
        }
    }
    table(c, section, res, n);
    entry = fse_gen__el(c, section, "entry");
    fse_gen__attr(c, entry, "typeCode", "DRIV");
    act = fse_gen__el(c, entry, "act");
    fse_gen__attr(c, act, "classCode", "ACT");
    fse_gen__attr(c, act, "moodCode", "EVN");
    fse_gen__code(c, act, "code", s->loinc, GEN_OID_LOINC, "LOINC", s->name);
    fse_gen__attr(c, fse_gen__el(c, act, "statusCode"), "code", "completed");
    fse_gen__ts(c, act, "effectiveTime", c->t_end);
    specimen(c, act, res[0].test->specimen);
    for (i = 0; i < n; i++) {
        observation(c, act, &res[i]);
    }
}

void fse_gen__body_lab(gen_ctx *c, xmlNodePtr sb)
{
    bool used[16] = {false};
    size_t want = (size_t)fse_gen__rng_range(&c->rng, 1, 3);
    size_t n = 0;
    size_t i;

    while (n < want) {
        size_t k = fse_gen__rng_below(&c->rng, (uint32_t)fse_gen__n_lab_sections);

        if (!used[k]) {
            used[k] = true;
            n++;
        }
    }
    for (i = 0; i < fse_gen__n_lab_sections; i++) {
        if (used[i]) {
            lab_section(c, sb, &fse_gen__lab_sections[i]);
        }
    }
}
