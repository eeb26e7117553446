/*
 * tests/policy/test_policy_scenarios.c - lib/policy against docs/policy.md
 * decision by decision: a table of named scenarios, each one line of the
 * page (checked against the oracle too), and lib/policy against the
 * test's own oracle (pt_oracle.c) over every combination of role class,
 * purpose, relations, patient facts and document. Part of
 * test_policy_unit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fse/policy.h"
#include "fse/store.h"
#include "pt_oracle.h"
#include "pt_unit.h"

#define V_OBS FSE_STORE_VIS_OBSCURED
#define V_TUT FSE_STORE_VIS_TUTELA
#define V_REL FSE_STORE_VIS_TUTELA_RELEASED
#define V_P97 FSE_STORE_VIS_NOT_PARENTS
#define V_P98 FSE_STORE_VIS_NOT_PATIENT

/* ---- lib/policy through the oracle's facts ----------------------------- */

/* The policy's subject and patient for the oracle's facts: what lib/consult
 * would gather (fse/policy.h: the PARENT bit only for a minor, pss_read
 * also when no PSS exists). */
static void to_policy(const pt_facts *f, fse_policy_subject *sub, fse_policy_patient *pat)
{
    static const struct {
        unsigned pt;
        unsigned policy;
    } rels[] = {
        {PT_REL_SELF, FSE_POLICY_REL_SELF},
        {PT_REL_GUARDIAN, FSE_POLICY_REL_GUARDIAN},
        {PT_REL_PARENT, FSE_POLICY_REL_PARENT},
        {PT_REL_DELEGATE, FSE_POLICY_REL_DELEGATE},
        {PT_REL_GP, FSE_POLICY_REL_GP},
        {PT_REL_CARE, FSE_POLICY_REL_CARE},
        {PT_REL_EMERGENCY, FSE_POLICY_REL_EMERGENCY},
    };
    size_t i;

    memset(sub, 0, sizeof(*sub));
    memset(pat, 0, sizeof(*pat));
    sub->role = f->role;
    sub->purpose = fse_policy_purpose_parse(f->purpose);
    for (i = 0; i < sizeof(rels) / sizeof(rels[0]); i++) {
        if ((f->rel & rels[i].pt) != 0 && (rels[i].pt != PT_REL_PARENT || f->minor)) {
            sub->relations |= rels[i].policy;
        }
    }
    sub->emergency_pss_read = f->pss_read || !f->has_pss;
    pat->consent_cura = f->cura;
    pat->consent_profilassi = f->profilassi;
    pat->minor = f->minor;
}

static const char *scope_name(int s)
{
    return s == PT_SCOPE_NONE ? "none" : s == PT_SCOPE_PRODUCED ? "produced" : "record";
}

static void facts_text(char *out, size_t cap, const pt_facts *f)
{
    snprintf(out, cap,
             "role=%s purpose=%s rel=0x%x pss_read=%d has_pss=%d minor=%d cura=%d profilassi=%d",
             f->role, f->purpose, f->rel, f->pss_read, f->has_pss, f->minor, f->cura,
             f->profilassi);
}

/* ---- Named scenarios ---------------------------------------------------- */

/* Expected marking: not checked (the page is silent), no, yes. */
enum { MK_ANY = -1, MK_NO = 0, MK_YES = 1 };

typedef struct scenario {
    const char *name;
    pt_facts f;
    pt_doc d;
    int scope; /* pt_scope */
    bool allow;
    int marked; /* MK_* */
} scenario;

#define LAB "11502-2"
#define PSS "60591-5"
#define ANAT "11526-1"
#define RXF "57833-6"
#define DISP "60593-1"
#define UNKNOWN "99999-9"

/* Patient facts: adult with both consents, adult without, minor. */
#define ADULT_OK false, true, true
#define ADULT_NO false, false, false
#define MINOR_OK true, true, true

/* Written from docs/policy.md, one line of the page per scenario. */
static const scenario scenarios[] = {
    /* Record scope, citizen side. */
    {"patient reads own record",
     {"ASS", "PERSONAL", PT_REL_SELF, false, true, ADULT_NO},
     {LAB, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"patient with purpose TREATMENT is refused",
     {"ASS", "TREATMENT", PT_REL_SELF, false, true, ADULT_OK},
     {LAB, 0, false},
     PT_SCOPE_NONE,
     false,
     MK_ANY},
    {"ASS who is not the patient is refused",
     {"ASS", "PERSONAL", PT_REL_DELEGATE, false, true, ADULT_OK},
     {LAB, 0, false},
     PT_SCOPE_NONE,
     false,
     MK_ANY},
    {"guardian with a guardian record",
     {"TUT", "PERSONAL", PT_REL_GUARDIAN, false, true, ADULT_NO},
     {LAB, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"guardian without a record",
     {"TUT", "PERSONAL", PT_REL_DELEGATE, false, true, ADULT_OK},
     {LAB, 0, false},
     PT_SCOPE_NONE,
     false,
     MK_ANY},
    {"parent of a minor",
     {"GEN", "PERSONAL", PT_REL_PARENT, false, true, MINOR_OK},
     {LAB, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"parent of an adult is refused",
     {"GEN", "PERSONAL", PT_REL_PARENT, false, true, ADULT_OK},
     {LAB, 0, false},
     PT_SCOPE_NONE,
     false,
     MK_ANY},
    {"delegate",
     {"ING", "PERSONAL", PT_REL_DELEGATE, false, true, ADULT_NO},
     {LAB, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"delegate role without delegation",
     {"ING", "PERSONAL", PT_REL_GUARDIAN, false, true, ADULT_OK},
     {LAB, 0, false},
     PT_SCOPE_NONE,
     false,
     MK_ANY},
    /* Citizen side, documents. */
    {"patient sees an obscured document, marked",
     {"ASS", "PERSONAL", PT_REL_SELF, false, true, ADULT_OK},
     {LAB, V_OBS, false},
     PT_SCOPE_RECORD,
     true,
     MK_YES},
    {"patient sees a tutela document, marked",
     {"ASS", "PERSONAL", PT_REL_SELF, false, true, ADULT_OK},
     {LAB, V_TUT, false},
     PT_SCOPE_RECORD,
     true,
     MK_YES},
    {"patient does not see P98",
     {"ASS", "PERSONAL", PT_REL_SELF, false, true, ADULT_OK},
     {LAB, V_P98, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"patient sees P97",
     {"ASS", "PERSONAL", PT_REL_SELF, false, true, MINOR_OK},
     {LAB, V_P97, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"patient sees a type no professional may read",
     {"ASS", "PERSONAL", PT_REL_SELF, false, true, ADULT_OK},
     {UNKNOWN, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"guardian sees an obscured document, marked",
     {"TUT", "PERSONAL", PT_REL_GUARDIAN, false, true, ADULT_OK},
     {LAB, V_OBS, false},
     PT_SCOPE_RECORD,
     true,
     MK_YES},
    {"guardian does not see unreleased tutela",
     {"TUT", "PERSONAL", PT_REL_GUARDIAN, false, true, ADULT_OK},
     {LAB, V_TUT, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"guardian sees released tutela",
     {"TUT", "PERSONAL", PT_REL_GUARDIAN, false, true, ADULT_OK},
     {LAB, V_TUT | V_REL, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"guardian does not see P98",
     {"TUT", "PERSONAL", PT_REL_GUARDIAN, false, true, ADULT_OK},
     {LAB, V_P98, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"guardian sees P97",
     {"TUT", "PERSONAL", PT_REL_GUARDIAN, false, true, MINOR_OK},
     {LAB, V_P97, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"parent does not see P97",
     {"GEN", "PERSONAL", PT_REL_PARENT, false, true, MINOR_OK},
     {LAB, V_P97, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"parent does not see unreleased tutela",
     {"GEN", "PERSONAL", PT_REL_PARENT, false, true, MINOR_OK},
     {LAB, V_TUT, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"parent sees an obscured document, marked",
     {"GEN", "PERSONAL", PT_REL_PARENT, false, true, MINOR_OK},
     {LAB, V_OBS, false},
     PT_SCOPE_RECORD,
     true,
     MK_YES},
    {"delegate does not see an obscured document",
     {"ING", "PERSONAL", PT_REL_DELEGATE, false, true, ADULT_OK},
     {LAB, V_OBS, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"delegate does not see unreleased tutela",
     {"ING", "PERSONAL", PT_REL_DELEGATE, false, true, ADULT_OK},
     {LAB, V_TUT, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"delegate sees released tutela",
     {"ING", "PERSONAL", PT_REL_DELEGATE, false, true, ADULT_OK},
     {LAB, V_TUT | V_REL, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"delegate sees P97",
     {"ING", "PERSONAL", PT_REL_DELEGATE, false, true, MINOR_OK},
     {LAB, V_P97, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"delegate does not see P98",
     {"ING", "PERSONAL", PT_REL_DELEGATE, false, true, ADULT_OK},
     {LAB, V_P98, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    /* Treatment. */
    {"GP with consent reads the record",
     {"APR", "TREATMENT", PT_REL_GP, false, true, ADULT_OK},
     {LAB, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"GP without consent: produced only",
     {"APR", "TREATMENT", PT_REL_GP, false, true, ADULT_NO},
     {LAB, 0, false},
     PT_SCOPE_PRODUCED,
     false,
     MK_ANY},
    {"GP without consent reads what it produced",
     {"APR", "TREATMENT", PT_REL_GP, false, true, ADULT_NO},
     {LAB, 0, true},
     PT_SCOPE_PRODUCED,
     true,
     MK_ANY},
    {"doctor without relation: produced only",
     {"AAS", "TREATMENT", 0, false, true, ADULT_OK},
     {LAB, 0, false},
     PT_SCOPE_PRODUCED,
     false,
     MK_ANY},
    {"nurse as GP has no GP relation",
     {"INF", "TREATMENT", PT_REL_GP, false, true, ADULT_OK},
     {LAB, 0, false},
     PT_SCOPE_PRODUCED,
     false,
     MK_ANY},
    {"nurse with declared care",
     {"INF", "TREATMENT", PT_REL_CARE, false, true, ADULT_OK},
     {LAB, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"nurse with care, anatomia patologica not in matrix",
     {"INF", "TREATMENT", PT_REL_CARE, false, true, ADULT_OK},
     {ANAT, 0, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"pharmacist with care reads a prescription",
     {"FAR", "TREATMENT", PT_REL_CARE, false, true, ADULT_OK},
     {RXF, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"pharmacist with care reads a dispensation",
     {"FAR", "TREATMENT", PT_REL_CARE, false, true, ADULT_OK},
     {DISP, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"pharmacist with care, not a lab report",
     {"FAR", "TREATMENT", PT_REL_CARE, false, true, ADULT_OK},
     {LAB, 0, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"doctor with care, unknown LOINC denied",
     {"AAS", "TREATMENT", PT_REL_CARE, false, true, ADULT_OK},
     {UNKNOWN, 0, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"GP, obscured document absent",
     {"APR", "TREATMENT", PT_REL_GP, false, true, ADULT_OK},
     {LAB, V_OBS, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"GP, tutela document absent",
     {"APR", "TREATMENT", PT_REL_GP, false, true, ADULT_OK},
     {LAB, V_TUT, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"GP, released tutela visible",
     {"APR", "TREATMENT", PT_REL_GP, false, true, ADULT_OK},
     {LAB, V_TUT | V_REL, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"GP, P97 and P98 do not concern professionals",
     {"APR", "TREATMENT", PT_REL_GP, false, true, ADULT_OK},
     {LAB, V_P97 | V_P98, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"producer reads its obscured document",
     {"AAS", "TREATMENT", 0, false, true, ADULT_NO},
     {LAB, V_OBS, true},
     PT_SCOPE_PRODUCED,
     true,
     MK_ANY},
    {"producer reads its unknown-type document",
     {"INF", "UPDATE", 0, false, true, ADULT_NO},
     {UNKNOWN, V_TUT, true},
     PT_SCOPE_PRODUCED,
     true,
     MK_ANY},
    {"producer pharmacist reads its lab report",
     {"FAR", "TREATMENT", 0, false, true, ADULT_NO},
     {LAB, 0, true},
     PT_SCOPE_PRODUCED,
     true,
     MK_ANY},
    {"UPDATE: produced only even with GP and consent",
     {"APR", "UPDATE", PT_REL_GP, false, true, ADULT_OK},
     {LAB, 0, false},
     PT_SCOPE_PRODUCED,
     false,
     MK_ANY},
    {"doctor with PERSONAL is refused, even as producer",
     {"APR", "PERSONAL", PT_REL_GP, false, true, ADULT_OK},
     {LAB, 0, true},
     PT_SCOPE_NONE,
     false,
     MK_ANY},
    {"OAM never consults",
     {"OAM", "TREATMENT", PT_REL_GP | PT_REL_CARE, false, true, ADULT_OK},
     {LAB, 0, true},
     PT_SCOPE_NONE,
     false,
     MK_ANY},
    /* Emergency. */
    {"emergency grant, PSS first: the PSS",
     {"AAS", "EMERGENCY", PT_REL_EMERGENCY, false, true, ADULT_NO},
     {PSS, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"emergency grant, PSS first: not the lab report",
     {"AAS", "EMERGENCY", PT_REL_EMERGENCY, false, true, ADULT_NO},
     {LAB, 0, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"emergency grant, PSS read: the lab report",
     {"INF", "EMERGENCY", PT_REL_EMERGENCY, true, true, ADULT_NO},
     {LAB, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"emergency grant, no PSS exists: the lab report",
     {"INF", "EMERGENCY", PT_REL_EMERGENCY, false, false, ADULT_NO},
     {LAB, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"emergency grant, PSS read, matrix still applies",
     {"INF", "EMERGENCY", PT_REL_EMERGENCY, true, true, ADULT_NO},
     {ANAT, 0, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"emergency grant, obscured PSS absent",
     {"AAS", "EMERGENCY", PT_REL_EMERGENCY, false, true, ADULT_OK},
     {PSS, V_OBS, false},
     PT_SCOPE_RECORD,
     false,
     MK_ANY},
    {"emergency without grant: produced only",
     {"AAS", "EMERGENCY", PT_REL_GP | PT_REL_CARE, false, true, ADULT_OK},
     {PSS, 0, false},
     PT_SCOPE_PRODUCED,
     false,
     MK_ANY},
    {"emergency, producer reads its lab report before the PSS",
     {"AAS", "EMERGENCY", PT_REL_EMERGENCY, false, true, ADULT_OK},
     {LAB, 0, true},
     PT_SCOPE_RECORD,
     true,
     MK_ANY},
    {"pharmacist in emergency is refused",
     {"FAR", "EMERGENCY", PT_REL_EMERGENCY, true, true, ADULT_OK},
     {DISP, 0, true},
     PT_SCOPE_NONE,
     false,
     MK_ANY},
    /* Profilassi. */
    {"PUBEMERGENCY doctor with the profilassi consent",
     {"DRS", "PUBEMERGENCY", 0, false, true, false, false, true},
     {LAB, 0, false},
     PT_SCOPE_RECORD,
     true,
     MK_NO},
    {"PUBEMERGENCY: the cura consent does not count",
     {"DRS", "PUBEMERGENCY", 0, false, true, false, true, false},
     {LAB, 0, false},
     PT_SCOPE_PRODUCED,
     false,
     MK_ANY},
    {"TREATMENT: the profilassi consent does not count",
     {"APR", "TREATMENT", PT_REL_GP, false, true, false, false, true},
     {LAB, 0, false},
     PT_SCOPE_PRODUCED,
     false,
     MK_ANY},
    {"PUBEMERGENCY nurse is refused",
     {"INF", "PUBEMERGENCY", 0, false, true, ADULT_OK},
     {LAB, 0, true},
     PT_SCOPE_NONE,
     false,
     MK_ANY},
    {"unknown purpose is refused",
     {"APR", "SYSADMIN", PT_REL_GP, false, true, ADULT_OK},
     {LAB, 0, true},
     PT_SCOPE_NONE,
     false,
     MK_ANY},
};

void pt_test_scenarios(void **state)
{
    fse_policy *p = NULL;
    size_t i;
    int failures = 0;

    (void)state;
    assert_int_equal(fse_policy_new(&p, NULL), FSE_OK);
    for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
        const scenario *s = &scenarios[i];
        fse_policy_subject sub;
        fse_policy_patient pat;
        fse_policy_doc doc = {s->d.loinc, s->d.vis, s->d.produced};
        fse_policy_decision d;
        bool marked = false;
        int scope;

        /* The oracle says what the scenario says (checks the oracle). */
        if ((int)pt_oracle_scope(&s->f) != s->scope ||
            pt_oracle_doc(&s->f, &s->d, &marked) != s->allow ||
            (s->marked != MK_ANY && (int)marked != s->marked)) {
            print_error("oracle disagrees with scenario '%s'\n", s->name);
            failures++;
        }
        to_policy(&s->f, &sub, &pat);
        scope = (int)fse_policy_record_scope(p, &sub, &pat, &d);
        fse_policy_document(p, &sub, &pat, &doc, &d);
        if (scope != s->scope || d.allow != s->allow ||
            (s->allow && s->marked != MK_ANY && (int)d.shown_obscured != s->marked)) {
            print_error("lib/policy: scenario '%s': scope %s allow %d marked %d; docs/policy.md: "
                        "scope %s allow %d marked %d\n",
                        s->name, scope_name(scope), d.allow, d.shown_obscured, scope_name(s->scope),
                        s->allow, s->marked);
            failures++;
        }
        /* "Every denied document answers exactly as a document that does
         * not exist." */
        if (!d.allow && !d.as_absent) {
            print_error("lib/policy: scenario '%s': denied but not as absent\n", s->name);
            failures++;
        }
    }
    fse_policy_free(p);
    assert_int_equal(failures, 0);
}

/* ---- lib/policy against the oracle, every combination ------------------ */

/* One role per class (test_names checks the class of every role). */
static const char *const ex_roles[] = {"APR", "INF", "FAR", "ASS", "TUT", "GEN", "ING", "OAM"};
static const char *const ex_purposes[] = {"TREATMENT", "EMERGENCY", "PUBEMERGENCY",  "PERSONAL",
                                          "UPDATE",    "SYSADMIN",  "ADMINISTRATIVE"};
/* One LOINC per kind of matrix row (M, MI, MF, MIF) and one outside it. */
static const char *const ex_loincs[] = {LAB, PSS, ANAT, RXF, DISP, UNKNOWN};
static const unsigned ex_vis[] = {0,     V_OBS, V_TUT,         V_TUT | V_REL,
                                  V_P97, V_P98, V_OBS | V_REL, V_P97 | V_P98 | V_TUT};

typedef struct ex_count {
    size_t checked;
    size_t failures;
} ex_count;

static void ex_docs(const fse_policy *p, const pt_facts *f, ex_count *n)
{
    fse_policy_subject sub;
    fse_policy_patient pat;
    size_t l, v, prod;

    to_policy(f, &sub, &pat);
    for (l = 0; l < sizeof(ex_loincs) / sizeof(ex_loincs[0]); l++) {
        for (v = 0; v < sizeof(ex_vis) / sizeof(ex_vis[0]); v++) {
            for (prod = 0; prod < 2; prod++) {
                pt_doc d = {ex_loincs[l], ex_vis[v], prod != 0};
                fse_policy_doc doc = {d.loinc, d.vis, d.produced};
                fse_policy_decision dec;
                bool marked = false;
                bool want = pt_oracle_doc(f, &d, &marked);
                bool citizen = pt_class_citizen(pt_class_of(f->role));

                fse_policy_document(p, &sub, &pat, &doc, &dec);
                n->checked++;
                if (dec.allow != want || (!dec.allow && !dec.as_absent) ||
                    (citizen && want && dec.shown_obscured != marked)) {
                    char text[256];

                    if (n->failures++ < 20) {
                        facts_text(text, sizeof(text), f);
                        print_error("%s loinc=%s vis=0x%x produced=%d: lib/policy allow=%d "
                                    "marked=%d, oracle allow=%d marked=%d\n",
                                    text, d.loinc, d.vis, d.produced, dec.allow, dec.shown_obscured,
                                    want, marked);
                    }
                }
            }
        }
    }
}

/* Scope and the citizen's acts for one set of facts. */
static void ex_scope(const fse_policy *p, const pt_facts *f, ex_count *n)
{
    fse_policy_subject sub;
    fse_policy_patient pat;
    fse_policy_decision d;
    char text[256];
    int scope;
    int a;

    to_policy(f, &sub, &pat);
    scope = (int)fse_policy_record_scope(p, &sub, &pat, &d);
    n->checked++;
    if (scope != (int)pt_oracle_scope(f) && n->failures++ < 20) {
        facts_text(text, sizeof(text), f);
        print_error("%s: lib/policy scope %s, oracle %s\n", text, scope_name(scope),
                    scope_name((int)pt_oracle_scope(f)));
    }
    for (a = 0; a < PT_ACT_COUNT; a++) {
        fse_policy_citizen_act(p, &sub, &pat, (fse_policy_act)a, &d);
        n->checked++;
        if (d.allow != pt_oracle_act(f, (pt_act)a) && n->failures++ < 20) {
            facts_text(text, sizeof(text), f);
            print_error("%s act %d: lib/policy %d, oracle %d\n", text, a, d.allow,
                        pt_oracle_act(f, (pt_act)a));
        }
    }
}

void pt_test_policy_vs_oracle(void **state)
{
    fse_policy *p = NULL;
    ex_count n = {0, 0};
    size_t r, pu;
    unsigned rel, facts;

    (void)state;
    assert_int_equal(fse_policy_new(&p, NULL), FSE_OK);
    for (r = 0; r < sizeof(ex_roles) / sizeof(ex_roles[0]); r++) {
        for (pu = 0; pu < sizeof(ex_purposes) / sizeof(ex_purposes[0]); pu++) {
            for (rel = 0; rel < 128; rel++) {
                for (facts = 0; facts < 32; facts++) {
                    /* pss_read and has_pss matter in emergency only. */
                    if ((facts & 3) != 0 && strcmp(ex_purposes[pu], "EMERGENCY") != 0) {
                        continue;
                    }
                    pt_facts f = {ex_roles[r],      ex_purposes[pu],  rel,
                                  (facts & 1) != 0, (facts & 2) != 0, (facts & 4) != 0,
                                  (facts & 8) != 0, (facts & 16) != 0};

                    ex_scope(p, &f, &n);
                    ex_docs(p, &f, &n);
                }
            }
        }
    }
    fse_policy_free(p);
    print_message("lib/policy vs oracle: %zu decisions, %zu differ\n", n.checked, n.failures);
    assert_int_equal(n.failures, 0);
}
