/*
 * tests/cda/test_cda_tutela_corpus.c - the maggior tutela detector on
 * documents it did not choose: every official example CDA of
 * ../shared/fixtures (XML, and the CDA inside each PDF) with the flags it
 * must get (none), the closest calls among them, and hostile trees (a
 * document at the parser's size limit with ~100k coded elements and
 * oversized codes and systems, a tree 200,000 elements deep built without
 * the parser).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>

#include "fse/cda.h"
#include "fse/pdf.h"
#include "fse/util.h"
#include "fse/xml.h"

#include "test_cda.h"

#define FIXTURES_DIR FSE_SHARED_DIR "/fixtures"
#define OID_ICD9 "2.16.840.1.113883.6.103"
#define OID_ATC "2.16.840.1.113883.6.73"

#define HIV FSE_CDA_TUTELA_HIV

/* ---- official examples -------------------------------------------------- */

/* Official example CDAs that reveal a category (path under fixtures/).
 * None does: the samples are routine reports, and the codes closest to the
 * categories (the support PSS's "Bevande alcoliche al giorno" 11295-3 and
 * "Aborti.spontanei" 11614-5) are social and obstetric history the table
 * leaves out on purpose (official_close_calls). */
typedef struct official_flag {
    const char *path;
    unsigned categories;
} official_flag;

static const official_flag official_flags[] = {
    {NULL, 0},
};

static unsigned expected_flags(const char *rel)
{
    size_t i;

    for (i = 0; official_flags[i].path != NULL; i++) {
        if (strcmp(official_flags[i].path, rel) == 0) {
            return official_flags[i].categories;
        }
    }
    return 0;
}

typedef struct scan_totals {
    size_t files;
    size_t unparsable;
    size_t flagged;
} scan_totals;

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s);
    size_t k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void scan_file(const char *path, const char *rel, scan_totals *t)
{
    uint8_t *data = NULL;
    uint8_t *cda = NULL;
    size_t len = 0;
    size_t cda_len = 0;
    xmlDocPtr doc = NULL;
    fse_cda_tutela_result r;
    unsigned want = expected_flags(rel);
    unsigned i;

    assert_int_equal(fse_file_read(path, 16u * 1024u * 1024u, &data, &len), FSE_OK);
    if (has_suffix(path, ".pdf")) {
        assert_int_equal(fse_pdf_extract_cda(&cda, &cda_len, NULL, data, len), FSE_OK);
    }
    if (fse_xml_parse(&doc, NULL, cda != NULL ? cda : data, cda != NULL ? cda_len : len, NULL) !=
        FSE_OK) {
        t->unparsable++;
        goto done;
    }
    t->files++;
    assert_int_equal(fse_cda_tutela_detect(&r, doc), FSE_OK);
    for (i = 0; i < FSE_CDA_TUTELA_N_CATEGORIES; i++) {
        const fse_cda_tutela_hit *h = &r.first[i];

        if (h->rule != NULL) {
            print_message("tutela: %s: %s by %s %s (%s, line %ld): %s\n", rel,
                          fse_cda_tutela_category_name(1u << i), h->rule->system, h->code,
                          h->element, h->line, h->rule->reason);
        }
    }
    t->flagged += r.categories != 0;
    if (r.categories != want) {
        fail_msg("%s: categories %#x, expected %#x", rel, r.categories, want);
    }
done:
    xmlFreeDoc(doc);
    fse_free(cda);
    fse_free(data);
}

static void scan_dir(const char *dir, size_t root_len, scan_totals *t)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char path[2048];
        struct stat st;

        if (e->d_name[0] == '.') {
            continue;
        }
        assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < sizeof(path));
        assert_int_equal(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            /* XSD and schematron directories hold no CDA. */
            if (strcmp(e->d_name, "xsd") != 0 && strcmp(e->d_name, "schematron") != 0) {
                scan_dir(path, root_len, t);
            }
        } else if (has_suffix(e->d_name, ".xml") || has_suffix(e->d_name, ".pdf")) {
            scan_file(path, path + root_len + 1, t);
        }
    }
    closedir(d);
}

static void official_examples(void **state)
{
    scan_totals t = {0, 0, 0};
    size_t expected = 0;

    (void)state;
    scan_dir(FIXTURES_DIR, strlen(FIXTURES_DIR), &t);
    while (official_flags[expected].path != NULL) {
        expected++;
    }
    print_message("tutela: %zu example CDAs read (%zu unparsable), %zu flagged\n", t.files,
                  t.unparsable, t.flagged);
    /* 384 samples, the FHIR-mapping inputs. */
    assert_true(t.files >= 390);
    assert_int_equal(t.flagged, expected);
}

static void official_close_calls(void **state)
{
    static const char *const files[] = {
        FIXTURES_DIR "/validation/samples/PSS/valid/support_esempi_PSS.xml",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        uint8_t *data = NULL;
        size_t len = 0;
        char *text;
        fse_cda_tutela_result r;

        assert_int_equal(fse_file_read(files[i], 16u * 1024u * 1024u, &data, &len), FSE_OK);
        text = fse_strndup((const char *)data, len);
        assert_non_null(text);
        /* 5 drinks a day and a spontaneous abortion: not the categories. */
        assert_non_null(strstr(text, "code=\"11295-3\""));
        assert_non_null(strstr(text, "code=\"11614-5\""));
        r = cda_tutela_detect_text(text);
        assert_int_equal(r.categories, 0);
        assert_true(r.n_coded > 50);
        fse_free(text);
        fse_free(data);
    }
}

/* ---- hostile trees ------------------------------------------------------ */

static void huge_document(void **state)
{
    /* Just under the parser's 5 MiB limit: ~100k coded elements, mixing
     * codes that match, codes and systems longer than anything in the table,
     * and codes that start with an ATC group but are longer than ATC codes. */
    size_t cap = 5u * 1024u * 1024u - 4096u;
    fse_buf b;
    char *text;
    size_t len = 0;
    size_t coded = 0;
    size_t hits = 0;
    fse_cda_tutela_result r;
    struct timespec t0;
    struct timespec t1;
    char long_code[12000];

    (void)state;
    memset(long_code, 'J', sizeof(long_code) - 1);
    long_code[sizeof(long_code) - 1] = '\0';
    fse_buf_init(&b, cap + 1);
    assert_int_equal(fse_buf_append_str(&b, "<ClinicalDocument xmlns='urn:hl7-org:v3'>"), FSE_OK);
    assert_int_equal(fse_buf_printf(&b, "<c code='%s' codeSystem='" OID_ATC "'/>", long_code),
                     FSE_OK);
    assert_int_equal(fse_buf_printf(&b, "<c code='042' codeSystem='%s'/>", long_code), FSE_OK);
    coded += 2;
    while (b.len + 200 < cap) {
        switch (coded % 4) {
        case 0:
            assert_int_equal(fse_buf_append_str(&b, "<c code='J05AG0399999999' "
                                                    "codeSystem='" OID_ATC "'/>"),
                             FSE_OK);
            break;
        case 1:
            assert_int_equal(fse_buf_append_str(&b, "<c code='401.9' codeSystem='" OID_ICD9 "'/>"),
                             FSE_OK);
            break;
        case 2:
            assert_int_equal(fse_buf_append_str(&b, "<c code='J05AG03' codeSystem='" OID_ATC "'/>"),
                             FSE_OK);
            hits++;
            break;
        default:
            assert_int_equal(fse_buf_append_str(&b, "<c code='0' codeSystem='1'/>"), FSE_OK);
            break;
        }
        coded++;
    }
    assert_int_equal(fse_buf_append_str(&b, "</ClinicalDocument>"), FSE_OK);
    text = fse_buf_steal(&b, &len);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    {
        xmlDocPtr doc = cda_parse_text(text, len);

        assert_int_equal(fse_cda_tutela_detect(&r, doc), FSE_OK);
        xmlFreeDoc(doc);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    print_message("tutela: %zu coded elements in %.2f s (parse and detect)\n", coded,
                  (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    assert_int_equal(r.n_coded, coded);
    assert_int_equal(r.n_hits, hits);
    assert_int_equal(r.categories, HIV);
    assert_string_equal(cda_tutela_hit_of(&r, HIV)->code, "J05AG03");
    fse_free(text);
    fse_buf_free(&b);
}

static void deep_tree(void **state)
{
    /* Deeper than the parser allows: built with the tree API, so only the
     * walk is tested. It must not recurse. */
    const int depth = 200000;
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr root = xmlNewNode(NULL, (const xmlChar *)"ClinicalDocument");
    xmlNodePtr cur = root;
    fse_cda_tutela_result r;
    int i;

    (void)state;
    assert_non_null(doc);
    assert_non_null(root);
    xmlDocSetRootElement(doc, root);
    for (i = 0; i < depth; i++) {
        cur = xmlNewChild(cur, NULL, (const xmlChar *)"component", NULL);
        assert_non_null(cur);
        if (i % 1000 == 999 && i != depth - 1) {
            xmlNewProp(cur, (const xmlChar *)"code", (const xmlChar *)"1.2");
            xmlNewProp(cur, (const xmlChar *)"codeSystem", (const xmlChar *)"1.2.3");
        }
    }
    xmlNewProp(cur, (const xmlChar *)"code", (const xmlChar *)"V08");
    xmlNewProp(cur, (const xmlChar *)"codeSystem", (const xmlChar *)OID_ICD9);
    assert_int_equal(fse_cda_tutela_detect(&r, doc), FSE_OK);
    assert_int_equal(r.categories, HIV);
    assert_int_equal(r.n_coded, depth / 1000);
    assert_string_equal(cda_tutela_hit_of(&r, HIV)->element, "component");
    xmlFreeDoc(doc);
}

int cda_tutela_corpus_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(official_examples),
        cmocka_unit_test(official_close_calls),
        cmocka_unit_test(huge_document),
        cmocka_unit_test(deep_tree),
    };

    return cmocka_run_group_tests_name("cda_tutela_corpus", tests, NULL, NULL);
}
