/*
 * tests/fhir/test_fhir.c - tests of the fhir module: unit tests of the
 * conversion pieces and, with "pair NAME", one official CDA -> FHIR pair of
 * ../shared/fixtures/fhir-mapping compared after normalisation
 * (fhir_compare.c), with the structural and reachability checks run on the
 * converted Bundle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fhir_compare.h"
#include "fse/fhir.h"
#include "fse/util.h"

#define FIXTURES FSE_SHARED_DIR "/fixtures/fhir-mapping/"
#define MAX_FILE (16u * 1024u * 1024u)

/* One official pair: CDA, expected Bundle, engine behaviour to reproduce. */
typedef struct pair_desc {
    const char *name;
    const char *cda;
    const char *bundle;
    fse_fhir_compat compat;
} pair_desc;

static const pair_desc pairs[] = {
    {"LAB", "support-examples/cda/LAB.xml", "support-examples/fhir/LAB.json",
     FSE_FHIR_COMPAT_GATEWAY},
    {"LDO", "support-examples/cda/LDO.xml", "support-examples/fhir/LDO.json",
     FSE_FHIR_COMPAT_GATEWAY},
    {"PSS", "support-examples/cda/PSS.xml", "support-examples/fhir/PSS.json",
     FSE_FHIR_COMPAT_GATEWAY},
    {"RAD", "support-examples/cda/RAD.xml", "support-examples/fhir/RAD.json",
     FSE_FHIR_COMPAT_GATEWAY},
    {"RAP", "support-examples/cda/RAP.xml", "support-examples/fhir/RAP.json",
     FSE_FHIR_COMPAT_GATEWAY},
    {"RSA", "support-examples/cda/RSA.xml", "support-examples/fhir/RSA.json",
     FSE_FHIR_COMPAT_GATEWAY},
    {"CERT_VACC", "support-examples/cda/CERT_VACC.xml", "support-examples/fhir/CERT_VACC.json",
     FSE_FHIR_COMPAT_GATEWAY},
    {"SING_VACC", "support-examples/cda/SING_VACC.xml", "support-examples/fhir/SING_VACC.json",
     FSE_FHIR_COMPAT_GATEWAY},
    {"VPS", "support-examples/cda/VPS.xml", "support-examples/fhir/VPS.json",
     FSE_FHIR_COMPAT_GATEWAY},
    {"LDO_BENCH", "engine-benchmark-ldo/LDO_benchmark_cda.xml",
     "engine-benchmark-ldo/LDO_benchmark_bundle.json", FSE_FHIR_COMPAT_ENGINE_2023},
};

static const pair_desc *selected;

static char *read_fixture(const char *rel, size_t *len)
{
    char path[1024];
    uint8_t *data = NULL;

    snprintf(path, sizeof(path), FIXTURES "%s", rel);
    assert_int_equal(fse_file_read(path, MAX_FILE, &data, len), FSE_OK);
    return (char *)data;
}

static char *convert(const char *rel, fse_fhir_compat compat, size_t *len)
{
    size_t cda_len = 0;
    char *cda = read_fixture(rel, &cda_len);
    fse_fhir_opts opts = {0};
    char *json = NULL;
    fse_err rc;

    opts.compat = compat;
    opts.seed = 42;
    rc = fse_fhir_convert(&json, len, (const uint8_t *)cda, cda_len, &opts);
    if (rc != FSE_OK) {
        print_error("convert %s: %s\n", rel, fse_error_last()->message);
    }
    assert_int_equal(rc, FSE_OK);
    fse_free(cda);
    return json;
}

/* Issues of a check as one line each (for messages). */
static size_t count_issues(const char *json, size_t len, bool reach, fse_buf *text)
{
    fse_fhir_issues issues = {0};
    size_t i;
    size_t n;

    if (reach) {
        assert_int_equal(fse_fhir_check_reachability(&issues, json, len), FSE_OK);
    } else {
        assert_int_equal(fse_fhir_check_structure(&issues, json, len), FSE_OK);
    }
    for (i = 0; i < issues.n_items && text != NULL; i++) {
        fse_buf_printf(text, "  %s: %s\n", issues.items[i].where, issues.items[i].message);
    }
    n = issues.n_items;
    fse_fhir_issues_free(&issues);
    return n;
}

static void test_pair(void **state)
{
    const pair_desc *p = selected;
    size_t exp_len = 0;
    size_t got_len = 0;
    char *exp = read_fixture(p->bundle, &exp_len);
    char *got = convert(p->cda, p->compat, &got_len);
    fse_buf diff;
    long n;

    (void)state;
    fse_buf_init(&diff, MAX_FILE);
    n = fhir_compare_bundles(exp, exp_len, got, got_len, &diff);
    if (n != 0) {
        print_error("%s: %ld difference(s) from the official bundle:\n%s", p->name, n,
                    diff.data != NULL ? diff.data : "");
    }
    assert_int_equal(n, 0);
    fse_buf_reset(&diff);
    if (count_issues(got, got_len, false, &diff) != count_issues(exp, exp_len, false, NULL)) {
        print_error("%s: structural issues differ from the official bundle's:\n%s", p->name,
                    diff.data);
        fail();
    }
    fse_buf_reset(&diff);
    if (count_issues(got, got_len, true, &diff) != count_issues(exp, exp_len, true, NULL)) {
        print_error("%s: reachability issues differ from the official bundle's:\n%s", p->name,
                    diff.data);
        fail();
    }
    fse_buf_free(&diff);
    fse_free(exp);
    fse_free(got);
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc == 3 && strcmp(argv[1], "pair") == 0) {
        const struct CMUnitTest t[] = {cmocka_unit_test(test_pair)};
        for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
            if (strcmp(pairs[i].name, argv[2]) == 0) {
                selected = &pairs[i];
            }
        }
        if (selected == NULL) {
            fprintf(stderr, "unknown pair %s\n", argv[2]);
            return 2;
        }
        return cmocka_run_group_tests_name(argv[2], t, NULL, NULL);
    }
    {
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_pair),
        };
        selected = &pairs[0];
        return cmocka_run_group_tests(tests, NULL, NULL);
    }
}
