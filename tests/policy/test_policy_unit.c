/*
 * tests/policy/test_policy_unit.c - lib/policy on its own: the shipped
 * matrix against the table of docs/policy.md, matrix files (good file,
 * comments, bad lines, duplicates, the 512-row cap, unreadable and empty
 * files), default deny, fse_policy_consent_effective, a table of named
 * scenarios written from docs/policy.md, and lib/policy against the
 * test's own oracle (pt_oracle.c) over every combination of role class,
 * purpose, relations, patient facts and document.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fse/policy.h"
#include "fse/store.h"
#include "pt_oracle.h"

#define V_OBS FSE_STORE_VIS_OBSCURED
#define V_TUT FSE_STORE_VIS_TUTELA
#define V_REL FSE_STORE_VIS_TUTELA_RELEASED
#define V_P97 FSE_STORE_VIS_NOT_PARENTS
#define V_P98 FSE_STORE_VIS_NOT_PATIENT

static char tmp_dir[PATH_MAX];

static int setup(void **state)
{
    char base[PATH_MAX];

    (void)state;
    snprintf(base, sizeof(base), "%s/test-tmp", FSE_BUILD_DIR);
    if (mkdir(base, 0700) != 0 && errno != EEXIST) {
        return -1;
    }
    snprintf(tmp_dir, sizeof(tmp_dir), "%s/policy-unit-XXXXXX", base);
    return mkdtemp(tmp_dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[PATH_MAX + 16];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Write text to <tmp>/name; the path in out. */
static void write_file(char out[PATH_MAX], const char *name, const char *text)
{
    FILE *f;

    snprintf(out, PATH_MAX, "%s/%s", tmp_dir, name);
    f = fopen(out, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static unsigned class_bits(bool m, bool i, bool f)
{
    return (m ? 1u << FSE_POLICY_ROLE_DOCTOR : 0) | (i ? 1u << FSE_POLICY_ROLE_NURSE : 0) |
           (f ? 1u << FSE_POLICY_ROLE_PHARMACIST : 0);
}

static const fse_policy_role_class all_classes[] = {
    FSE_POLICY_ROLE_NONE,       FSE_POLICY_ROLE_DOCTOR,   FSE_POLICY_ROLE_NURSE,
    FSE_POLICY_ROLE_PHARMACIST, FSE_POLICY_ROLE_PATIENT,  FSE_POLICY_ROLE_GUARDIAN,
    FSE_POLICY_ROLE_PARENT,     FSE_POLICY_ROLE_DELEGATE,
};

/* ---- Shipped matrix ----------------------------------------------------- */

static void test_shipped_matrix(void **state)
{
    fse_policy *p = NULL;
    const char *loinc;
    unsigned classes;
    size_t i;
    size_t n = 0;

    (void)state;
    assert_int_equal(fse_policy_new(&p, NULL), FSE_OK);
    /* Every row of the page, with its letters. */
    for (i = 0; i < pt_matrix_len; i++) {
        const pt_matrix_row *r = &pt_matrix[i];

        if (fse_policy_matrix_allows(p, FSE_POLICY_ROLE_DOCTOR, r->loinc) != r->m ||
            fse_policy_matrix_allows(p, FSE_POLICY_ROLE_NURSE, r->loinc) != r->i ||
            fse_policy_matrix_allows(p, FSE_POLICY_ROLE_PHARMACIST, r->loinc) != r->f) {
            fail_msg("shipped matrix row %s (%s) differs from docs/policy.md", r->loinc, r->what);
        }
    }
    /* Nothing more: the enumeration has the same rows. */
    while (fse_policy_matrix_row(p, n, &loinc, &classes)) {
        bool found = false;

        for (i = 0; i < pt_matrix_len; i++) {
            if (strcmp(pt_matrix[i].loinc, loinc) == 0) {
                found = true;
                assert_int_equal(classes,
                                 class_bits(pt_matrix[i].m, pt_matrix[i].i, pt_matrix[i].f));
            }
        }
        if (!found) {
            fail_msg("shipped matrix row %s is not in docs/policy.md", loinc);
        }
        n++;
    }
    assert_int_equal(n, pt_matrix_len);
    assert_false(fse_policy_matrix_row(p, n, &loinc, &classes));
    /* Default deny, and citizen classes never come from the matrix. */
    for (i = 0; i < sizeof(all_classes) / sizeof(all_classes[0]); i++) {
        assert_false(fse_policy_matrix_allows(p, all_classes[i], "99999-9"));
        assert_false(fse_policy_matrix_allows(p, all_classes[i], ""));
        assert_false(fse_policy_matrix_allows(p, all_classes[i], NULL));
        assert_false(fse_policy_matrix_allows(p, all_classes[i], "11502-2 "));
        assert_false(fse_policy_matrix_allows(p, all_classes[i], "11502-22222222222222222"));
    }
    assert_false(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_PATIENT, "11502-2"));
    assert_false(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_NONE, "11502-2"));
    fse_policy_free(p);
    fse_policy_free(NULL);
}

/* ---- Matrix files ------------------------------------------------------- */

static void test_matrix_file_good(void **state)
{
    char path[PATH_MAX];
    fse_policy *p = NULL;
    const char *loinc;
    unsigned classes;
    size_t n = 0;

    (void)state;
    write_file(path, "good.matrix",
               "# roles x types of a region\n"
               "   # an indented comment\n"
               "\n"
               "11502-2 MI   # laboratorio, with a comment after it\n"
               "68604-8\tM\n"
               "  57833-6   F  \n"
               "11526-1 -\n"
               "12345-6 MIF\n"
               "99999-1 IM\n"
               "\t\n");
    assert_int_equal(fse_policy_new(&p, path), FSE_OK);
    while (fse_policy_matrix_row(p, n, &loinc, &classes)) {
        n++;
    }
    assert_int_equal(n, 6);
    assert_true(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_DOCTOR, "11502-2"));
    assert_true(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_NURSE, "11502-2"));
    assert_false(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_PHARMACIST, "11502-2"));
    assert_true(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_DOCTOR, "68604-8"));
    assert_false(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_NURSE, "68604-8"));
    assert_false(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_DOCTOR, "57833-6"));
    assert_true(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_PHARMACIST, "57833-6"));
    assert_false(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_DOCTOR, "11526-1"));
    assert_false(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_NURSE, "11526-1"));
    assert_false(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_PHARMACIST, "11526-1"));
    assert_true(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_PHARMACIST, "12345-6"));
    assert_true(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_NURSE, "99999-1"));
    /* The file replaces the shipped table: a shipped type it omits is
     * denied (default deny). */
    assert_false(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_DOCTOR, "60591-5"));
    fse_policy_free(p);

    /* An empty file and a file of comments: nothing is given to anyone. */
    write_file(path, "empty.matrix", "");
    assert_int_equal(fse_policy_new(&p, path), FSE_OK);
    assert_false(fse_policy_matrix_row(p, 0, &loinc, &classes));
    assert_false(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_DOCTOR, "11502-2"));
    fse_policy_free(p);
    write_file(path, "comments.matrix", "# nothing\n#11502-2 M\n");
    assert_int_equal(fse_policy_new(&p, path), FSE_OK);
    assert_false(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_DOCTOR, "11502-2"));
    fse_policy_free(p);
    /* No newline at the end. */
    write_file(path, "no-eol.matrix", "11502-2 F");
    assert_int_equal(fse_policy_new(&p, path), FSE_OK);
    assert_true(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_PHARMACIST, "11502-2"));
    fse_policy_free(p);
}

static void test_matrix_file_bad_lines(void **state)
{
    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        {"11502-2", "no classes"},
        {"11502-2 MX", "unknown class letter"},
        {"11502-2 M I", "a third field"},
        {"LOINC M", "not a LOINC"},
        {"11502 M", "no check digit"},
        {"11502-22 M", "two check digits"},
        {"1a502-2 M", "letter in the code"},
        {"11502-2 M-", "letters and '-' mixed"},
        {"- M", "no code"},
        {"M 11502-2", "fields swapped"},
    };
    char path[PATH_MAX];
    char text[512];
    char where[PATH_MAX + 16];
    fse_policy *p;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        /* The bad line is line 3, after a comment and a good row. */
        snprintf(text, sizeof(text), "# matrix\n60591-5 MI\n%s\n11502-2 M\n", bad[i].line);
        write_file(path, "bad.matrix", text);
        p = (fse_policy *)1;
        if (fse_policy_new(&p, path) != FSE_E_PARSE) {
            fail_msg("bad line '%s' (%s) accepted", bad[i].line, bad[i].why);
        }
        assert_null(p);
        snprintf(where, sizeof(where), "%s:3", path);
        if (strstr(fse_error_last()->message, where) == NULL) {
            fail_msg("'%s': message does not name the line: %s", bad[i].line,
                     fse_error_last()->message);
        }
    }
    /* A line longer than any row may be. */
    memset(text, '1', 400);
    memcpy(text + 400, "-1 M\n", 6);
    write_file(path, "long.matrix", text);
    assert_int_not_equal(fse_policy_new(&p, path), FSE_OK);
    /* Unreadable file. */
    snprintf(path, sizeof(path), "%s/absent.matrix", tmp_dir);
    assert_int_equal(fse_policy_new(&p, path), FSE_E_IO);
    assert_int_equal(fse_policy_new(NULL, NULL), FSE_E_ARG);
}

static void test_matrix_file_duplicates(void **state)
{
    char path[PATH_MAX];
    fse_policy *p = (fse_policy *)1;

    (void)state;
    write_file(path, "dup.matrix", "11502-2 M\n60591-5 MI\n11502-2 MI\n");
    assert_int_equal(fse_policy_new(&p, path), FSE_E_PARSE);
    assert_null(p);
    assert_non_null(strstr(fse_error_last()->message, "11502-2"));
    /* The same class set twice is still two statements of one type. */
    write_file(path, "dup2.matrix", "11502-2 M\n11502-2 M\n");
    assert_int_equal(fse_policy_new(&p, path), FSE_E_PARSE);
}

/* A file of n distinct rows (and, with comments, a comment and a blank line
 * before each). */
static void write_rows(char path[PATH_MAX], size_t n, bool comments)
{
    size_t cap = n * 64 + 64;
    char *text = malloc(cap);
    size_t len = 0;
    size_t i;

    assert_non_null(text);
    text[0] = '\0';
    for (i = 0; i < n; i++) {
        if (comments) {
            len += (size_t)snprintf(text + len, cap - len, "# row %zu\n\n", i);
        }
        len += (size_t)snprintf(text + len, cap - len, "%zu-%zu %s\n", 10000 + i, i % 10,
                                i % 2 == 0 ? "M" : "IF");
    }
    write_file(path, "rows.matrix", text);
    free(text);
}

static void test_matrix_file_row_cap(void **state)
{
    char path[PATH_MAX];
    fse_policy *p = NULL;
    const char *loinc;
    unsigned classes;

    (void)state;
    assert_int_equal(FSE_POLICY_MAX_TYPES, 512);
    write_rows(path, FSE_POLICY_MAX_TYPES, false);
    assert_int_equal(fse_policy_new(&p, path), FSE_OK);
    assert_true(fse_policy_matrix_row(p, FSE_POLICY_MAX_TYPES - 1, &loinc, &classes));
    assert_false(fse_policy_matrix_row(p, FSE_POLICY_MAX_TYPES, &loinc, &classes));
    assert_true(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_DOCTOR, "10000-0"));
    assert_true(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_PHARMACIST, "10511-1"));
    assert_false(fse_policy_matrix_allows(p, FSE_POLICY_ROLE_DOCTOR, "10511-1"));
    fse_policy_free(p);
    /* Comments and blank lines do not count. */
    write_rows(path, FSE_POLICY_MAX_TYPES, true);
    assert_int_equal(fse_policy_new(&p, path), FSE_OK);
    fse_policy_free(p);
    /* One more row is refused. */
    write_rows(path, FSE_POLICY_MAX_TYPES + 1, false);
    p = (fse_policy *)1;
    assert_int_equal(fse_policy_new(&p, path), FSE_E_LIMIT);
    assert_null(p);
    write_rows(path, 2000, false);
    assert_int_equal(fse_policy_new(&p, path), FSE_E_LIMIT);
}

/* ---- Names -------------------------------------------------------------- */

static void test_names(void **state)
{
    static const char *const roles[] = {"APR", "AAS", "DRS", "RSA", "MRP", "INF",
                                        "FAR", "ASS", "TUT", "GEN", "ING", "OAM",
                                        "NOR", "DSA", "PSS", "apr", "",    " APR"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
        assert_int_equal((int)fse_policy_role_class_of(roles[i]), (int)pt_class_of(roles[i]));
    }
    assert_int_equal(fse_policy_role_class_of(NULL), FSE_POLICY_ROLE_NONE);
    assert_int_equal(fse_policy_purpose_parse("TREATMENT"), FSE_POLICY_PURPOSE_TREATMENT);
    assert_int_equal(fse_policy_purpose_parse("EMERGENCY"), FSE_POLICY_PURPOSE_EMERGENCY);
    assert_int_equal(fse_policy_purpose_parse("PUBEMERGENCY"), FSE_POLICY_PURPOSE_PUBEMERGENCY);
    assert_int_equal(fse_policy_purpose_parse("PERSONAL"), FSE_POLICY_PURPOSE_PERSONAL);
    assert_int_equal(fse_policy_purpose_parse("UPDATE"), FSE_POLICY_PURPOSE_UPDATE);
    assert_int_equal(fse_policy_purpose_parse("SYSADMIN"), FSE_POLICY_PURPOSE_UNKNOWN);
    assert_int_equal(fse_policy_purpose_parse(""), FSE_POLICY_PURPOSE_UNKNOWN);
    assert_int_equal(fse_policy_purpose_parse(NULL), FSE_POLICY_PURPOSE_UNKNOWN);
    for (i = 0; i <= FSE_POLICY_DENY_ACT; i++) {
        if ((i <= FSE_POLICY_OK_PROFILASSI) || i >= FSE_POLICY_DENY_ROLE) {
            assert_true(fse_policy_reason_name((fse_policy_reason)i)[0] != '\0');
        }
        assert_non_null(fse_policy_reason_text((fse_policy_reason)i));
    }
    assert_string_equal(fse_policy_reason_name((fse_policy_reason)99), "");
    assert_non_null(fse_policy_reason_text((fse_policy_reason)99));
}

/* ---- Consent ------------------------------------------------------------ */

static void test_consent_effective(void **state)
{
    unsigned bits;

    (void)state;
    for (bits = 0; bits < 8; bits++) {
        bool given = (bits & 1) != 0;
        bool while_minor = (bits & 2) != 0;
        bool minor_now = (bits & 4) != 0;

        assert_int_equal(fse_policy_consent_effective(given, while_minor, minor_now),
                         pt_oracle_consent(given, while_minor, minor_now));
    }
    /* The named cases of docs/policy.md. */
    assert_true(fse_policy_consent_effective(true, false, false));   /* adult gave it */
    assert_true(fse_policy_consent_effective(true, true, true));     /* minor, still minor */
    assert_false(fse_policy_consent_effective(true, true, false));   /* now adult: confirm */
    assert_false(fse_policy_consent_effective(false, false, false)); /* revoked */
    assert_false(fse_policy_consent_effective(false, true, true));
}

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

static void test_scenarios(void **state)
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

static void test_policy_vs_oracle(void **state)
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_matrix),        cmocka_unit_test(test_matrix_file_good),
        cmocka_unit_test(test_matrix_file_bad_lines), cmocka_unit_test(test_matrix_file_duplicates),
        cmocka_unit_test(test_matrix_file_row_cap),   cmocka_unit_test(test_names),
        cmocka_unit_test(test_consent_effective),     cmocka_unit_test(test_scenarios),
        cmocka_unit_test(test_policy_vs_oracle),
    };

    return cmocka_run_group_tests_name("policy_unit", tests, setup, teardown);
}
