/*
 * tests/terminology/test_terminology.c - unit tests of lib/terminology on the
 * real catalog dump: load counts and time, membership, every rule of
 * specs/vocabulary-rules.md on small CDA snippets, the Java message order,
 * and the 00/05/02 verdicts of fixtures/validation/expected.tsv. Malformed
 * dumps are in test_terminology_dump.c.
 */
#include "test_terminology.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "fse/error.h"
#include "fse/limits.h"
#include "fse/terminology.h"
#include "fse/util.h"
#include "fse/xml.h"
#include "terminology/terminology_int.h"

#define LOINC "2.16.840.1.113883.6.1"
#define ICD9 "2.16.840.1.113883.6.103"
#define AIC "2.16.840.1.113883.2.9.6.1.5"
#define ATC "2.16.840.1.113883.6.73"

/* The tables, loaded once for the whole group. */
static fse_terminology *g_term;

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int group_setup(void **state)
{
    double t0;
    double t1;

    (void)state;
    fse_xml_init();
    t0 = now_ms();
    if (fse_terminology_load(&g_term, FSE_RULES_DIR) != FSE_OK) {
        print_error("load failed: %s\n", fse_error_last()->message);
        return -1;
    }
    t1 = now_ms();
    print_message("terminology load: %.1f ms, %zu codes, %zu dictionary entries, %zu KiB\n",
                  t1 - t0, fse_terminology_count(g_term), fse_terminology_dictionary_count(g_term),
                  fse_terminology_memory_bytes(g_term) / 1024);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    fse_terminology_free(g_term);
    g_term = NULL;
    return 0;
}

/* Run the check on a CDA snippet wrapped in a ClinicalDocument. */
static fse_vocab_result check_snippet(const char *body)
{
    static const char head[] = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" "
                               "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                               "xmlns:lab=\"urn:oid:2.16.840.1.113883.2.9.4.3.2\">";
    static const char tail[] = "</ClinicalDocument>";
    fse_vocab_result r = {false, NULL};
    fse_buf b;
    xmlDocPtr doc = NULL;

    fse_buf_init(&b, 1u << 20);
    assert_int_equal(fse_buf_append_str(&b, head), FSE_OK);
    assert_int_equal(fse_buf_append_str(&b, body), FSE_OK);
    assert_int_equal(fse_buf_append_str(&b, tail), FSE_OK);
    assert_int_equal(fse_xml_parse(&doc, NULL, (const uint8_t *)b.data, b.len, NULL), FSE_OK);
    assert_int_equal(fse_terminology_check(g_term, doc, &r), FSE_OK);
    xmlFreeDoc(doc);
    fse_buf_free(&b);
    return r;
}

static void expect_ok(const char *body)
{
    fse_vocab_result r = check_snippet(body);

    if (!r.ok) {
        print_error("unexpected failure: %s\n", r.message);
    }
    assert_true(r.ok);
    assert_null(r.message);
}

static void expect_message(const char *body, const char *message)
{
    fse_vocab_result r = check_snippet(body);

    assert_false(r.ok);
    assert_non_null(r.message);
    assert_string_equal(r.message, message);
    fse_free(r.message);
}

static void load_counts_match_the_dump(void **state)
{
    size_t loinc = 0;
    size_t i;
    long s;

    (void)state;
    /* 162,301 non-deleted terminology documents, 66 dictionary entries. */
    assert_int_equal(fse_terminology_count(g_term), 162301);
    assert_int_equal(fse_terminology_dictionary_count(g_term), 66);
    for (i = 0; i < g_term->n_codes; i++) {
        const term_pair *p = &g_term->pairs[g_term->codes[i].pair];

        if (strcmp(term_str(g_term, p->system), LOINC) == 0 && p->version != TERM_NONE &&
            strcmp(term_str(g_term, p->version), "2.80") == 0) {
            loinc++;
        }
    }
    assert_int_equal(loinc, 104672);
    /* Rule 5e on the real dictionary: LOINC's max is 2.80, ICD9's is null. */
    s = fse_terminology__find_system(g_term, LOINC);
    assert_true(s >= 0);
    assert_string_equal(term_str(g_term, g_term->systems[s].max_version), "2.80");
    s = fse_terminology__find_system(g_term, ICD9);
    assert_true(s >= 0);
    assert_int_equal(g_term->systems[s].max_version, TERM_NONE);
    s = fse_terminology__find_system(g_term, ATC);
    assert_true(s >= 0 && g_term->systems[s].whitelist);
    assert_true(fse_terminology_memory_bytes(g_term) < 32u * 1024u * 1024u);
}

static void membership_is_exact(void **state)
{
    (void)state;
    assert_true(fse_terminology_has_code(g_term, LOINC, "2.80", "10006-5"));
    assert_true(fse_terminology_has_code(g_term, LOINC, NULL, "10006-5"));
    assert_false(fse_terminology_has_code(g_term, LOINC, "2.73", "10006-5"));
    assert_false(fse_terminology_has_code(g_term, LOINC, "2.80", "10006-5 "));
    assert_false(fse_terminology_has_code(g_term, LOINC, "2.80", "10006-6"));
    assert_true(fse_terminology_has_code(g_term, ICD9, NULL, "008.47"));
    assert_false(fse_terminology_has_code(g_term, ICD9, "1", "008.47"));
    assert_true(
        fse_terminology_has_code(g_term, "1.3.6.1.4.1.12009.10.1.1356", "2.73", "LA18981-3"));
    assert_true(
        fse_terminology_has_code(g_term, "2.16.840.1.113883.2.9.77.22.11.7", NULL, "LA16666-2"));
    assert_false(fse_terminology_has_code(g_term, "1.2.3", NULL, "LA16666-2"));
    assert_false(fse_terminology_has_code(NULL, LOINC, NULL, "10006-5"));
}

static void missing_catalog_is_a_clear_error(void **state)
{
    fse_terminology *t = (fse_terminology *)1;

    (void)state;
    assert_int_equal(fse_terminology_load(&t, "/nonexistent/catalog"), FSE_E_IO);
    assert_null(t);
    assert_non_null(strstr(fse_error_last()->message,
                           "/nonexistent/catalog/terminology/mongo-dump/dictionary.json.gzip"));
    assert_int_equal(fse_terminology_load(&t, NULL), FSE_E_ARG);
    assert_int_equal(fse_terminology_load(&t, FSE_RULES_DIR "/xsd"), FSE_E_IO);
    fse_terminology_free(NULL);
}

static void known_codes_pass(void **state)
{
    (void)state;
    expect_ok("<code code=\"10006-5\" codeSystem=\"" LOINC "\" codeSystemVersion=\"2.80\"/>");
    /* Rule 5e: no version -> max version 2.80. */
    expect_ok("<code code=\"10006-5\" codeSystem=\"" LOINC "\"/>");
    /* Null max version: any version matches. */
    expect_ok("<value code=\"008.47\" codeSystem=\"" ICD9 "\"/>");
    expect_ok("");
}

static void allow_list_drops_codes(void **state)
{
    (void)state;
    /* Rule 5b: ATC is whitelisted, its codes are not looked up. */
    expect_ok("<translation code=\"B01AX05\" codeSystem=\"" ATC "\"/>");
    expect_ok("<translation code=\"C08CA01\" codeSystem=\"" ATC "\" codeSystemVersion=\"9\"/>");
}

static void block_list_arcs_999_and_9999(void **state)
{
    (void)state;
    expect_message("<code code=\"x\" codeSystem=\"2.16.840.1.113883.999.1\"/>"
                   "<code code=\"y\" codeSystem=\"1.9999\"/>"
                   "<code code=\"z\" codeSystem=\"2.16.840.1.113883.999.1\"/>",
                   "\xc3\x88 stato trovato almeno un dizionario presente in Blocklist: "
                   "[2.16.840.1.113883.999.1, 1.9999]");
    /* An arc 99 (LAB_5) or 99999 is not blocked; unknown systems are ignored. */
    expect_ok("<code code=\"x\" codeSystem=\"2.16.840.1.113883.2.9.99\"/>"
              "<code code=\"x\" codeSystem=\"1.99999.1\"/>");
    /* The block-list runs before unknown-code checks. */
    expect_message("<code code=\"nope\" codeSystem=\"" LOINC "\"/>"
                   "<code codeSystem=\"9999\"/>",
                   "\xc3\x88 stato trovato almeno un dizionario presente in Blocklist: [9999]");
}

static void unknown_and_null_systems_are_ignored(void **state)
{
    (void)state;
    expect_ok("<code code=\"nope\" codeSystem=\"2.16.840.1.113883.6.96\"/>"
              "<code code=\"nope\" codeSystem=\"\"/>"
              "<code code=\"nope\" codesystem=\"1.2.3.4\" codeSystemVersion=\"7\"/>");
}

static void unmanaged_version_fails(void **state)
{
    (void)state;
    expect_message("<code code=\"10006-5\" codeSystem=\"" LOINC "\" codeSystemVersion=\"2.73\"/>"
                   "<code code=\"10006-5\" codeSystem=\"" LOINC "\" codeSystemVersion=\"2.73\"/>"
                   "<code code=\"008.47\" codeSystem=\"" ICD9 "\" codeSystemVersion=\"2007\"/>",
                   "\xc3\x88 stata trovata almeno una versione non gestita di un dizionario: "
                   "[2.16.840.1.113883.6.1 v2.73, 2.16.840.1.113883.6.103 v2007]");
    /* The check decides on versions before codes. */
    expect_message("<code code=\"bad\" codeSystem=\"" LOINC "\"/>"
                   "<code code=\"1\" codeSystem=\"" AIC "\" codeSystemVersion=\"1\"/>",
                   "\xc3\x88 stata trovata almeno una versione non gestita di un dizionario: "
                   "[2.16.840.1.113883.2.9.6.1.5 v1]");
}

static void unknown_code_fails(void **state)
{
    (void)state;
    expect_message("<code code=\"99999-9\" codeSystem=\"" LOINC "\"/>",
                   "Almeno uno dei seguenti vocaboli non \xc3\xa8 censito: "
                   "[CodeSystem: 2.16.840.1.113883.6.1 v2.80, Codes: 99999-9]");
    /* A missing @code is never found and prints as null. */
    expect_message("<code codeSystem=\"" LOINC "\" codeSystemVersion=\"2.80\"/>"
                   "<code code=\"\" codeSystem=\"" LOINC "\" codeSystemVersion=\"2.80\"/>",
                   "Almeno uno dei seguenti vocaboli non \xc3\xa8 censito: "
                   "[CodeSystem: 2.16.840.1.113883.6.1 v2.80, Codes: null]");
    /* Exact match: case and spaces matter. */
    expect_message("<code code=\"10006-5 \" codeSystem=\"" LOINC "\"/>"
                   "<code code=\"la16666-2\" codeSystem=\"2.16.840.1.113883.2.9.77.22.11.7\"/>",
                   "Almeno uno dei seguenti vocaboli non \xc3\xa8 censito: "
                   "[CodeSystem: 2.16.840.1.113883.2.9.77.22.11.7, Codes: la16666-2], "
                   "[CodeSystem: 2.16.840.1.113883.6.1 v2.80, Codes: 10006-5 ]");
}

static void groups_follow_java_hashmap_order(void **state)
{
    (void)state;
    assert_int_equal(fse_terminology__java_hash(LOINC), 962935183);
    assert_int_equal(fse_terminology__java_hash("2.80"), 1535540);
    assert_int_equal(fse_terminology__java_hash(ICD9), 1962743762);
    assert_int_equal(fse_terminology__java_hash("\xc3\xa8\xf0\x9d\x84\x9e"), 1995346);
    /* ICD9 (bucket 15) is met first but AIC (bucket 10) prints first;
     * codes keep list order, without repeats. */
    expect_message("<code code=\"x1\" codeSystem=\"" ICD9 "\"/>"
                   "<code code=\"a1\" codeSystem=\"" AIC "\"/>"
                   "<code code=\"x2\" codeSystem=\"" ICD9 "\"/>"
                   "<code code=\"x1\" codeSystem=\"" ICD9 "\"/>",
                   "Almeno uno dei seguenti vocaboli non \xc3\xa8 censito: "
                   "[CodeSystem: 2.16.840.1.113883.2.9.6.1.5, Codes: a1], "
                   "[CodeSystem: 2.16.840.1.113883.6.103, Codes: x1, x2]");
    /* Rule 5e moves the items given the max version to the end of the list:
     * "a" (no version) is listed after "b" (explicit 2.80). */
    expect_message("<code code=\"a\" codeSystem=\"" LOINC "\"/>"
                   "<code code=\"b\" codeSystem=\"" LOINC "\" codeSystemVersion=\"2.80\"/>"
                   "<code code=\"a\" codeSystem=\"" LOINC "\" codeSystemVersion=\"2.80\"/>",
                   "Almeno uno dei seguenti vocaboli non \xc3\xa8 censito: "
                   "[CodeSystem: 2.16.840.1.113883.6.1 v2.80, Codes: b, a]");
}

static void answer_list_rewrite(void **state)
{
    (void)state;
    /* Rule 3: LA16666-2 is not LOINC 2.80, but under 33999-4 it is read in
     * the answer list 2.16.840.1.113883.2.9.77.22.11.7. */
    expect_ok("<observation><code code=\"33999-4\" codeSystem=\"" LOINC "\"/>"
              "<value xsi:type=\"CD\" code=\"LA16666-2\" codeSystem=\"" LOINC "\"/>"
              "</observation>");
    /* Trimmed, case-insensitive question code; nested values too. */
    expect_ok("<Observation><code code=\" 75246-9 \"/>"
              "<entryRelationship><act><value code=\"LA4270-0\"/></act></entryRelationship>"
              "</Observation>");
    /* Without the rewrite the same value fails. */
    expect_message("<observation><code code=\"11450-4\" codeSystem=\"" LOINC "\"/>"
                   "<value xsi:type=\"CD\" code=\"LA16666-2\" codeSystem=\"" LOINC "\"/>"
                   "</observation>",
                   "Almeno uno dei seguenti vocaboli non \xc3\xa8 censito: "
                   "[CodeSystem: 2.16.840.1.113883.6.1 v2.80, Codes: LA16666-2]");
    /* A value without @code gets the system and then fails. */
    expect_message("<observation><code code=\"89261-2\" codeSystem=\"" LOINC "\"/>"
                   "<value xsi:type=\"PQ\" value=\"1\" unit=\"d\"/></observation>",
                   "Almeno uno dei seguenti vocaboli non \xc3\xa8 censito: "
                   "[CodeSystem: 2.16.840.1.113883.2.9.10.1.4.3.4.5, Codes: null]");
    /* codeSystemVersion is kept: the answer list has no version 2.80. */
    expect_message("<observation><code code=\"33999-4\" codeSystem=\"" LOINC "\"/>"
                   "<value code=\"LA16666-2\" codeSystem=\"" LOINC "\" codeSystemVersion=\"2.80\"/>"
                   "</observation>",
                   "\xc3\x88 stata trovata almeno una versione non gestita di un dizionario: "
                   "[2.16.840.1.113883.2.9.77.22.11.7 v2.80]");
    /* A prefixed element is not `code` for jsoup: no rewrite. */
    expect_message("<observation><lab:code code=\"33999-4\"/>"
                   "<value code=\"LA16666-2\" codeSystem=\"" LOINC "\"/></observation>",
                   "Almeno uno dei seguenti vocaboli non \xc3\xa8 censito: "
                   "[CodeSystem: 2.16.840.1.113883.6.1 v2.80, Codes: LA16666-2]");
    /* The later rewrite in table order wins for nested observations. */
    expect_ok("<observation><code code=\"33999-4\"/><entryRelationship>"
              "<observation><code code=\"89261-2\"/><value code=\"LA16666-2\"/></observation>"
              "</entryRelationship></observation>");
    expect_message("<observation><code code=\"89261-2\"/><entryRelationship>"
                   "<observation><code code=\"33999-4\"/><value code=\"LA18821-1\"/></observation>"
                   "</entryRelationship></observation>",
                   "Almeno uno dei seguenti vocaboli non \xc3\xa8 censito: "
                   "[CodeSystem: 2.16.840.1.113883.2.9.77.22.11.7, Codes: LA18821-1]");
}

static void attribute_names_are_case_insensitive(void **state)
{
    (void)state;
    expect_message("<code CODE=\"99999-9\" CodeSystem=\"" LOINC "\"/>",
                   "Almeno uno dei seguenti vocaboli non \xc3\xa8 censito: "
                   "[CodeSystem: 2.16.840.1.113883.6.1 v2.80, Codes: 99999-9]");
    expect_message("<lab:code code=\"10006-5\" codeSystem=\"" LOINC "\" "
                   "CODESYSTEMVERSION=\"2.81\"/>",
                   "\xc3\x88 stata trovata almeno una versione non gestita di un dizionario: "
                   "[2.16.840.1.113883.6.1 v2.81]");
}

static void bad_arguments(void **state)
{
    fse_vocab_result r = {true, NULL};

    (void)state;
    assert_int_equal(fse_terminology_check(g_term, NULL, &r), FSE_E_ARG);
    assert_false(r.ok);
    assert_int_equal(fse_terminology_check(g_term, NULL, NULL), FSE_E_ARG);
}

/* Split one TSV line in place into at most n fields. */
static size_t split_tsv(char *line, char **fields, size_t n)
{
    size_t k = 0;
    char *p = line;

    while (k < n) {
        char *tab = strchr(p, '\t');

        fields[k++] = p;
        if (tab == NULL) {
            break;
        }
        *tab = '\0';
        p = tab + 1;
    }
    return k;
}

static void expected_tsv_verdicts(void **state)
{
    uint8_t *tsv = NULL;
    size_t tsv_len = 0;
    char *line;
    char *next;
    size_t n_checked = 0;
    size_t n_failed = 0;
    double total_ms = 0;

    (void)state;
    assert_int_equal(fse_file_read(FSE_RULES_DIR "/expected.tsv", 1u << 24, &tsv, &tsv_len),
                     FSE_OK);
    for (line = (char *)tsv; line != NULL && *line != '\0'; line = next) {
        char *f[9];
        char path[4096];
        uint8_t *xml = NULL;
        size_t xml_len = 0;
        size_t len;
        xmlDocPtr doc = NULL;
        fse_vocab_result r = {false, NULL};
        bool want_ok;
        double t0;

        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        if (split_tsv(line, f, 9) < 9 || strcmp(f[0], "file") == 0) {
            continue;
        }
        len = strlen(f[0]);
        if (len < 4 || strcmp(f[0] + len - 4, ".xml") != 0) {
            continue;
        }
        if (strcmp(f[3], "00") != 0 && strcmp(f[3], "05") != 0 && strcmp(f[3], "02") != 0) {
            continue;
        }
        want_ok = strcmp(f[3], "02") != 0;
        snprintf(path, sizeof(path), "%s/%s", FSE_RULES_DIR, f[0]);
        assert_int_equal(fse_file_read(path, FSE_MAX_DOCUMENT_BYTES, &xml, &xml_len), FSE_OK);
        assert_int_equal(fse_xml_parse(&doc, NULL, xml, xml_len, NULL), FSE_OK);
        t0 = now_ms();
        assert_int_equal(fse_terminology_check(g_term, doc, &r), FSE_OK);
        total_ms += now_ms() - t0;
        if (r.ok != want_ok || (!want_ok && strcmp(r.message, f[8]) != 0)) {
            print_error("%s: expected %s, got %s (%s)\n", f[0], f[3], r.ok ? "ok" : "error",
                        r.message != NULL ? r.message : "");
            n_failed++;
        }
        n_checked++;
        fse_free(r.message);
        xmlFreeDoc(doc);
        fse_free(xml);
    }
    fse_free(tsv);
    print_message("expected.tsv: %zu samples checked (00/05/02, .xml), %zu wrong, %.2f ms total\n",
                  n_checked, n_failed, total_ms);
    assert_int_equal(n_checked, 27);
    assert_int_equal(n_failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_counts_match_the_dump),
        cmocka_unit_test(membership_is_exact),
        cmocka_unit_test(missing_catalog_is_a_clear_error),
        cmocka_unit_test(known_codes_pass),
        cmocka_unit_test(allow_list_drops_codes),
        cmocka_unit_test(block_list_arcs_999_and_9999),
        cmocka_unit_test(unknown_and_null_systems_are_ignored),
        cmocka_unit_test(unmanaged_version_fails),
        cmocka_unit_test(unknown_code_fails),
        cmocka_unit_test(groups_follow_java_hashmap_order),
        cmocka_unit_test(answer_list_rewrite),
        cmocka_unit_test(attribute_names_are_case_insensitive),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(expected_tsv_verdicts),
    };

    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);

    return failed + fse_test_terminology_dump();
}
