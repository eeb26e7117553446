/*
 * tests/schematron/sch_test_files.c - the engine on the official files: the
 * 22 current .sch compile with the rule and check counts of the survey
 * (§4), the legacy ones compile or fail cleanly (the outcome is printed),
 * and every current schematron runs over the samples of its type.
 */
#include "sch_harness.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/util.h"
#include "fse/xml.h"
#include "sch_tests.h"

#define SCH_DIR FSE_RULES_DIR "/schematron"
#define SAMPLES_DIR FSE_RULES_DIR "/samples"
#define MAX_FILE (16u * 1024u * 1024u)

typedef struct official_file {
    const char *type;
    const char *file;
    size_t rules;
    size_t checks; /* asserts + reports */
} official_file;

/* survey §4: rules, asserts + reports */
static const official_file official[] = {
    {"LAB", "schematronFSE_LAB_v27.1.sch", 21, 80 + 3},
    {"LDO", "schematronFSE_LDO_v5.5.sch", 43, 163 + 4},
    {"PSS", "schematron_PSS_v4.0.sch", 44, 372 + 3},
    {"RAD", "schematronFSE_RAD_v4.1.sch", 27, 129 + 3},
    {"RAP", "schematronFSE_RAP_1.4.sch", 58, 271 + 1},
    {"RSA", "schematron_RSA_v8.3.sch", 36, 161 + 2},
    {"VPS", "schematron_VPS_v3.8.sch", 80, 388 + 3},
    {"CERT_VACC", "schematron_certificato_VACC_v2.4.sch", 18, 91 + 1},
    {"SING_VACC", "schematron_singola_VACC_v3.3.sch", 18, 93 + 4},
    {"PrF", "schematronFSE_PrF_4.6.sch", 21, 131 + 1},
    {"PrF_NoSSN", "schematron_PrFNoSSN_1.2.sch", 26, 143 + 1},
    {"PrS", "schematron_PrS_v2.7.sch", 19, 128 + 1},
    {"ErF", "schematronFSE_ErF_1.1.sch", 19, 75 + 1},
    {"ErF_NoSSN", "schematron_ErF_NoSSN_1.2.sch", 20, 88 + 1},
    {"ErS", "schematronFSE_ErS_1.1.sch", 19, 72 + 1},
    {"CC", "schematron_CC_v1.0.sch", 18, 100},
    {"TPI", "schematron_TPI_v1.1.sch", 17, 81},
    {"Lettera_Screening", "schematron_Lettera_Screening_v1.2.sch", 18, 74},
    {"Lettera_VACC", "schematron_Lettera_VACC_v1.4.sch", 19, 75},
    {"Televisita", "schematron_Referto_Televisita_v1.0.sch", 43, 236 + 5},
    {"Teleassistenza", "schematron_Rel_Fin_Teleassistenza_v1.0.sch", 40, 234 + 5},
    {"Teleconsulto", "schematron_Relazione_CTC_v1.0.sch", 42, 233 + 5},
};
#define N_OFFICIAL (sizeof(official) / sizeof(official[0]))

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s);
    size_t lx = strlen(suffix);

    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static fse_err compile_path(const char *path, fse_sch_schema **out)
{
    uint8_t *data = NULL;
    size_t len = 0;
    fse_err rc;

    assert_int_equal(fse_file_read(path, MAX_FILE, &data, &len), FSE_OK);
    rc = fse_sch_compile(out, data, len, path);
    fse_free(data);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted names of the entries of dir ending with suffix (caller frees each and the array). */
static char **list_dir(const char *dir, const char *suffix, size_t *n_out)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;

    *n_out = 0;
    if (d == NULL) {
        return NULL;
    }
    while ((e = readdir(d)) != NULL) {
        char **grown;

        if (e->d_name[0] == '.' || !ends_with(e->d_name, suffix)) {
            continue;
        }
        grown = fse_realloc(names, (n + 1) * sizeof(*names));
        assert_non_null(grown);
        names = grown;
        names[n] = fse_strdup(e->d_name);
        assert_non_null(names[n]);
        n++;
    }
    closedir(d);
    if (n > 1) {
        qsort(names, n, sizeof(*names), cmp_str);
    }
    *n_out = n;
    return names;
}

static void free_list(char **names, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        fse_free(names[i]);
    }
    fse_free(names);
}

void official_files_compile_with_survey_counts(void **state)
{
    size_t i;
    size_t total_rules = 0;
    size_t total_checks = 0;
    size_t n_types = 0;
    char **types;

    (void)state;
    /* the table covers every top-level .sch of the fixtures */
    types = list_dir(SCH_DIR, "", &n_types);
    assert_int_equal(n_types, N_OFFICIAL);
    for (i = 0; i < n_types; i++) {
        char dir[512];
        size_t n_sch = 0;
        char **sch;
        size_t k;
        bool listed = false;

        snprintf(dir, sizeof(dir), "%s/%s", SCH_DIR, types[i]);
        sch = list_dir(dir, ".sch", &n_sch);
        assert_int_equal(n_sch, 1);
        for (k = 0; k < N_OFFICIAL; k++) {
            listed = listed || (strcmp(official[k].type, types[i]) == 0 &&
                                strcmp(official[k].file, sch[0]) == 0);
        }
        if (!listed) {
            print_error("%s/%s is not in the survey table\n", types[i], sch[0]);
        }
        assert_true(listed);
        free_list(sch, n_sch);
    }
    free_list(types, n_types);

    for (i = 0; i < N_OFFICIAL; i++) {
        char path[512];
        fse_sch_schema *schema = NULL;
        fse_err rc;

        snprintf(path, sizeof(path), "%s/%s/%s", SCH_DIR, official[i].type, official[i].file);
        rc = compile_path(path, &schema);
        if (rc != FSE_OK) {
            print_error("%s: %s\n", official[i].file, fse_error_last()->message);
        }
        assert_int_equal(rc, FSE_OK);
        if (fse_sch_rule_count(schema) != official[i].rules ||
            fse_sch_check_count(schema) != official[i].checks) {
            print_error("%s: %zu rules, %zu checks; survey: %zu, %zu\n", official[i].file,
                        fse_sch_rule_count(schema), fse_sch_check_count(schema), official[i].rules,
                        official[i].checks);
        }
        assert_int_equal(fse_sch_rule_count(schema), official[i].rules);
        assert_int_equal(fse_sch_check_count(schema), official[i].checks);
        assert_non_null(fse_sch_title(schema));
        total_rules += fse_sch_rule_count(schema);
        total_checks += fse_sch_check_count(schema);
        fse_sch_free(schema);
    }
    assert_int_equal(total_rules, 666);
    assert_int_equal(total_checks, 3418 + 45);
}

void legacy_files_compile_or_fail_cleanly(void **state)
{
    size_t n_types = 0;
    char **types = list_dir(SCH_DIR, "", &n_types);
    size_t i;
    size_t n_seen = 0;
    size_t n_failed = 0;

    (void)state;
    for (i = 0; i < n_types; i++) {
        char dir[512];
        size_t n_sch = 0;
        char **sch;
        size_t k;

        snprintf(dir, sizeof(dir), "%s/%s/legacy", SCH_DIR, types[i]);
        sch = list_dir(dir, ".sch", &n_sch);
        for (k = 0; k < n_sch; k++) {
            char path[768];
            fse_sch_schema *schema = NULL;
            fse_err rc;

            snprintf(path, sizeof(path), "%s/%s", dir, sch[k]);
            fse_error_clear();
            rc = compile_path(path, &schema);
            n_seen++;
            if (rc == FSE_OK) {
                print_message("legacy %s/%s: compiles (%zu rules, %zu checks)\n", types[i], sch[k],
                              fse_sch_rule_count(schema), fse_sch_check_count(schema));
                assert_non_null(schema);
            } else {
                n_failed++;
                print_message("legacy %s/%s: does not compile: %s: %s\n", types[i], sch[k],
                              fse_strerror(rc), fse_error_last()->message);
                assert_null(schema);
                assert_true(rc == FSE_E_UNSUPPORTED || rc == FSE_E_PARSE);
                assert_true(fse_error_last()->message[0] != '\0');
            }
            fse_sch_free(schema);
        }
        free_list(sch, n_sch);
    }
    free_list(types, n_types);
    print_message("legacy: %zu files, %zu do not compile\n", n_seen, n_failed);
    assert_true(n_seen >= 17);
}

/* Run the current schematron of each sample type over every sample of it. */
void official_files_run_on_samples(void **state)
{
    size_t n_types = 0;
    char **types = list_dir(SAMPLES_DIR, "", &n_types);
    size_t i;
    size_t n_docs = 0;

    (void)state;
    assert_true(n_types > 0);
    for (i = 0; i < n_types; i++) {
        static const char *const kinds[] = {"valid", "invalid"};
        const official_file *f = NULL;
        fse_sch_schema *schema = NULL;
        char path[768];
        size_t k;

        for (k = 0; k < N_OFFICIAL; k++) {
            if (strcmp(official[k].type, types[i]) == 0) {
                f = &official[k];
            }
        }
        assert_non_null(f);
        snprintf(path, sizeof(path), "%s/%s/%s", SCH_DIR, f->type, f->file);
        assert_int_equal(compile_path(path, &schema), FSE_OK);
        for (k = 0; k < 2; k++) {
            char dir[512];
            size_t n_xml = 0;
            char **xml;
            size_t j;

            snprintf(dir, sizeof(dir), "%s/%s/%s", SAMPLES_DIR, types[i], kinds[k]);
            xml = list_dir(dir, ".xml", &n_xml);
            for (j = 0; j < n_xml; j++) {
                uint8_t *data = NULL;
                size_t len = 0;
                xmlDocPtr doc = NULL;
                fse_sch_result *r = NULL;

                snprintf(path, sizeof(path), "%s/%s", dir, xml[j]);
                assert_int_equal(fse_file_read(path, MAX_FILE, &data, &len), FSE_OK);
                if (fse_xml_parse(&doc, NULL, data, len, NULL) == FSE_OK) {
                    assert_int_equal(fse_sch_run(schema, doc, &r), FSE_OK);
                    if (r->dynamic_error) {
                        print_error("%s: dynamic error %s\n", path, r->error_message);
                    }
                    /* survey §3.3: no sample triggers a dynamic error */
                    assert_false(r->dynamic_error);
                    assert_true(r->n_rules_fired > 0);
                    n_docs++;
                }
                fse_sch_result_free(r);
                xmlFreeDoc(doc);
                fse_free(data);
            }
            free_list(xml, n_xml);
        }
        fse_sch_free(schema);
    }
    free_list(types, n_types);
    print_message("ran %zu samples\n", n_docs);
    assert_true(n_docs > 300);
}
