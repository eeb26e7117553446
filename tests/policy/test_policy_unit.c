/*
 * tests/policy/test_policy_unit.c - lib/policy on its own: the shipped
 * matrix against the table of docs/policy.md, matrix files (good file,
 * comments, bad lines, duplicates, the 512-row cap, unreadable and empty
 * files), default deny, role classes and purposes,
 * fse_policy_consent_effective. The named scenarios and the comparison
 * with the oracle over every combination are in test_policy_scenarios.c.
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
#include "pt_unit.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_matrix),        cmocka_unit_test(test_matrix_file_good),
        cmocka_unit_test(test_matrix_file_bad_lines), cmocka_unit_test(test_matrix_file_duplicates),
        cmocka_unit_test(test_matrix_file_row_cap),   cmocka_unit_test(test_names),
        cmocka_unit_test(test_consent_effective),     cmocka_unit_test(pt_test_scenarios),
        cmocka_unit_test(pt_test_policy_vs_oracle),
    };

    return cmocka_run_group_tests_name("policy_unit", tests, setup, teardown);
}
