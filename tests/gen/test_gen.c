/*
 * tests/gen/test_gen.c - unit tests of lib/gen: every supported document
 * type (RAP and VPS included), for 20 seeds, passes the real validator (the
 * official catalog at FSE_RULES_DIR: XSD, schematron, terminology) with
 * outcome 00 and no warning; same seed, same bytes; different seeds,
 * different patients; codici fiscali with a valid check character (and
 * known reference codes); PDF round trip; every code written is in the
 * catalog's terminology (ATC, which the terminology allow-lists, against the
 * catalog's ATC list; SNOMED CT, which the catalog does not manage, by its
 * Verhoeff check digit); the metadata passes the Gateway's requestBody and
 * JWT-vs-CDA checks of lib/cda; bad options; allocation failures.
 * The catalog is loaded once for the whole file. The Gateway tokens and the
 * `fse gen --pki` command are tested in test_gen_tokens.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "fse/cda.h"
#include "fse/gen.h"
#include "fse/pdf.h"
#include "fse/terminology.h"
#include "fse/util.h"
#include "fse/validate.h"
#include "fse/xml.h"

#include "gen/gen_int.h"
#include "test_gen.h"

#define SEEDS 20
#define ATC_CSV FSE_RULES_DIR "/terminology/csv/2.16.840.1.113883.6.73.csv"

typedef struct fixture {
    fse_catalog *catalog;
    fse_validator *validator;
    fse_terminology *terminology;
    char *atc_csv; /* the catalog's ATC list, for the allow-listed system */
} fixture;

static fixture g;

static int setup(void **state)
{
    size_t len = 0;

    (void)state;
    if (fse_catalog_load(&g.catalog, FSE_RULES_DIR, NULL) != FSE_OK ||
        fse_validator_new(&g.validator, g.catalog) != FSE_OK ||
        fse_terminology_load(&g.terminology, FSE_RULES_DIR) != FSE_OK ||
        fse_file_read(ATC_CSV, 16u << 20, (uint8_t **)&g.atc_csv, &len) != FSE_OK) {
        fprintf(stderr, "setup: %s\n", fse_error_last()->message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fse_validator_free(g.validator);
    fse_catalog_free(g.catalog);
    fse_terminology_free(g.terminology);
    fse_free(g.atc_csv);
    return 0;
}

static fse_gen_opts opts_for(fse_doc_type type, uint64_t seed)
{
    fse_gen_opts o = FSE_GEN_OPTS_INIT;

    o.doc_type = type;
    o.seed = seed;
    return o;
}

static void gen(uint8_t **cda, size_t *len, fse_gen_meta *meta, fse_doc_type type, uint64_t seed,
                uint64_t index)
{
    fse_gen_opts o = opts_for(type, seed);
    fse_err rc = fse_gen_document(cda, len, meta, &o, index);

    if (rc != FSE_OK) {
        fail_msg("fse_gen_document: %s", fse_error_last()->message);
    }
}

static void print_report(const char *type, uint64_t seed, const fse_report *r)
{
    size_t i;

    fprintf(stderr, "%s seed %llu: %s\n", type, (unsigned long long)seed,
            fse_outcome_code(r->outcome));
    for (i = 0; i < r->n_failures; i++) {
        fprintf(stderr, "  %s %s %s: %.200s\n", fse_failure_kind_name(r->failures[i].kind),
                r->failures[i].rule, r->failures[i].location, r->failures[i].message);
    }
    for (i = 0; i < r->n_warnings; i++) {
        fprintf(stderr, "  warning %s %s\n", r->warnings[i].rule, r->warnings[i].location);
    }
}

/* Every supported type, 20 seeds: outcome 00 with no warning. */
static void test_all_types_validate(void **state)
{
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);
    size_t bad = 0;

    (void)state;
    assert_true(n_types >= 1);
    for (size_t t = 0; t < n_types; t++) {
        const char *name = fse_cda_doc_desc_get(types[t])->name;

        for (uint64_t seed = 1; seed <= SEEDS; seed++) {
            uint8_t *cda = NULL;
            size_t len = 0;
            fse_report *r = NULL;

            gen(&cda, &len, NULL, types[t], seed, 1);
            assert_int_equal(fse_validator_run(g.validator, cda, len, NULL, &r), FSE_OK);
            assert_string_equal(r->doc_type, name);
            if (r->outcome != FSE_OUTCOME_OK || r->n_warnings != 0) {
                print_report(name, seed, r);
                bad++;
            }
            fse_report_free(r);
            fse_free(cda);
        }
    }
    assert_int_equal(bad, 0);
}

/* Same options and index: identical bytes and metadata. */
static void test_deterministic(void **state)
{
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);

    (void)state;
    for (size_t t = 0; t < n_types; t++) {
        uint8_t *a = NULL;
        uint8_t *b = NULL;
        size_t la = 0;
        size_t lb = 0;
        fse_gen_meta *ma = calloc(1, sizeof(*ma));
        fse_gen_meta *mb = calloc(1, sizeof(*mb));

        assert_non_null(ma);
        assert_non_null(mb);
        gen(&a, &la, ma, types[t], 4242, 3);
        gen(&b, &lb, mb, types[t], 4242, 3);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        assert_string_equal(ma->identificativo_doc, mb->identificativo_doc);
        fse_free(b);
        /* Another index of the same seed is another document. */
        gen(&b, &lb, mb, types[t], 4242, 4);
        assert_false(la == lb && memcmp(a, b, la) == 0);
        fse_free(a);
        fse_free(b);
        free(ma);
        free(mb);
    }
}

/* Different seeds give different patients. */
static void test_seeds_differ(void **state)
{
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);

    (void)state;
    for (size_t t = 0; t < n_types; t++) {
        char cfs[SEEDS][17];
        size_t distinct = 0;

        for (uint64_t seed = 1; seed <= SEEDS; seed++) {
            uint8_t *cda = NULL;
            size_t len = 0;
            fse_gen_meta meta;

            gen(&cda, &len, &meta, types[t], seed, 1);
            memcpy(cfs[seed - 1], meta.patient_cf, 17);
            fse_free(cda);
        }
        for (size_t i = 0; i < SEEDS; i++) {
            bool seen = false;

            for (size_t k = 0; k < i; k++) {
                seen = seen || strcmp(cfs[i], cfs[k]) == 0;
            }
            distinct += !seen;
        }
        assert_true(distinct >= SEEDS - 2);
    }
}

/* The codice fiscale algorithm against known codes, and on generated people. */
static void test_codice_fiscale(void **state)
{
    char cf[17];
    char why[128];
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);

    (void)state;
    fse_gen__cf(cf, "Rossi", "Mario", 'M', fse_gen__days_from_civil(1980, 1, 1), "H501");
    assert_string_equal(cf, "RSSMRA80A01H501U");
    /* Four consonants in the name: 1st, 3rd, 4th; women: day + 40. */
    fse_gen__cf(cf, "Bianchi", "Francesca", 'F', fse_gen__days_from_civil(1975, 12, 26), "E506");
    assert_memory_equal(cf, "BNCFNC75T66E506", 15);
    assert_true(fse_cf_check(cf, why, sizeof(why)));
    /* Short surname padded with X; apostrophes dropped. */
    fse_gen__cf(cf, "Fo", "Ida", 'F', fse_gen__days_from_civil(2001, 2, 3), "F205");
    assert_memory_equal(cf, "FOXDIA01B43F205", 15);
    fse_gen__cf(cf, "D'Amico", "Luca", 'M', fse_gen__days_from_civil(1990, 7, 9), "D612");
    assert_memory_equal(cf, "DMCLCU90L09D612", 15);
    assert_true(fse_cf_check(cf, why, sizeof(why)));

    for (size_t t = 0; t < n_types; t++) {
        for (uint64_t seed = 1; seed <= SEEDS; seed++) {
            uint8_t *cda = NULL;
            size_t len = 0;
            fse_gen_meta meta;

            gen(&cda, &len, &meta, types[t], seed, 2);
            assert_int_equal(fse_cf_classify(meta.patient_cf, why, sizeof(why)), FSE_CF_PERSON);
            assert_int_equal(fse_cf_classify(meta.author_cf, why, sizeof(why)), FSE_CF_PERSON);
            fse_free(cda);
        }
    }
}

/* PDF round trip: the attachment is the CDA byte for byte, and the PDF validates. */
static void test_pdf_round_trip(void **state)
{
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);

    (void)state;
    for (size_t t = 0; t < n_types; t++) {
        uint8_t *cda = NULL;
        uint8_t *pdf = NULL;
        uint8_t *back = NULL;
        size_t len = 0;
        size_t pdf_len = 0;
        size_t back_len = 0;
        fse_pdf_embedding how = FSE_PDF_EMBED_NONE;
        fse_gen_meta meta;
        char sha[65];
        fse_report *r = NULL;

        gen(&cda, &len, &meta, types[t], 99, 1);
        assert_string_equal(meta.pdf_sha256, "");
        assert_int_equal(fse_gen_pdf(&pdf, &pdf_len, &meta, cda, len), FSE_OK);
        assert_int_equal(fse_pdf_extract_cda(&back, &back_len, &how, pdf, pdf_len), FSE_OK);
        assert_int_equal(how, FSE_PDF_EMBED_ATTACHMENT);
        assert_int_equal(back_len, len);
        assert_memory_equal(back, cda, len);
        assert_int_equal(fse_cda_sha256_hex(sha, pdf, pdf_len), FSE_OK);
        assert_string_equal(sha, meta.pdf_sha256);
        assert_int_equal(fse_validator_run(g.validator, pdf, pdf_len, NULL, &r), FSE_OK);
        assert_true(r->from_pdf);
        assert_int_equal(r->outcome, FSE_OUTCOME_OK);
        fse_report_free(r);
        fse_free(cda);
        fse_free(pdf);
        fse_free(back);
    }
}

/* An ATC code is a line "<version>,<code>,..." of the catalog's list. */
static bool atc_listed(const char *code)
{
    char needle[32];

    (void)snprintf(needle, sizeof(needle), ",%s,", code);
    return strstr(g.atc_csv, needle) != NULL;
}

/* A SNOMED CT identifier: 6 to 18 digits, no leading zero, Verhoeff check
 * digit last. */
static bool sctid_valid(const char *s)
{
    static const unsigned char d[10][10] = {
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
        {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
        {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
        {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
        {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
    static const unsigned char p[8][10] = {
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
        {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
        {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
        {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};
    size_t n = strlen(s);
    unsigned c = 0;

    if (n < 6 || n > 18 || s[0] == '0') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = s[n - 1 - i];

        if (ch < '0' || ch > '9') {
            return false;
        }
        c = d[c][p[i % 8][ch - '0']];
    }
    return c == 0;
}

/* Every code written is known to the catalog's terminology. */
static void test_codes_in_terminology(void **state)
{
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);
    size_t checked = 0;

    (void)state;
    for (size_t t = 0; t < n_types; t++) {
        for (uint64_t seed = 1; seed <= SEEDS; seed++) {
            uint8_t *cda = NULL;
            size_t len = 0;
            fse_gen_meta *meta = calloc(1, sizeof(*meta));

            assert_non_null(meta);
            gen(&cda, &len, meta, types[t], seed, 1);
            assert_true(meta->n_codes > 0);
            assert_true(meta->n_codes < FSE_GEN_MAX_CODES);
            for (size_t i = 0; i < meta->n_codes; i++) {
                const fse_gen_code *c = &meta->codes[i];
                bool ok;

                if (strcmp(c->system, GEN_OID_ATC) == 0) {
                    ok = atc_listed(c->code);
                } else if (strcmp(c->system, GEN_OID_SNOMED) == 0) {
                    /* Not in the catalog's dictionary: the vocabulary step
                     * skips it (vocabulary-rules rule 3). */
                    ok = sctid_valid(c->code);
                } else {
                    ok = fse_terminology_has_code(g.terminology, c->system, NULL, c->code);
                }

                if (!ok) {
                    fail_msg("%s seed %llu: code %s of %s not in the terminology", meta->type_name,
                             (unsigned long long)seed, c->code, c->system);
                }
                checked++;
            }
            fse_free(cda);
            free(meta);
        }
    }
    assert_true(checked > 0);
}

/* The metadata passes the Gateway checks of lib/cda against the document. */
static void test_metadata_gateway_checks(void **state)
{
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);

    (void)state;
    for (size_t t = 0; t < n_types; t++) {
        for (uint64_t seed = 1; seed <= 5; seed++) {
            uint8_t *cda = NULL;
            size_t len = 0;
            fse_gen_meta meta;
            fse_cda_request_metadata req;
            const char *atti[FSE_GEN_MAX_LIST];
            const char *desc[FSE_GEN_MAX_LIST];
            fse_cda_findings f;
            xmlDocPtr doc = NULL;
            fse_cda_header *h = NULL;

            gen(&cda, &len, &meta, types[t], seed, 1);
            fse_gen_meta_request(&req, &meta, atti, desc);
            fse_cda_findings_init(&f);
            assert_int_equal(fse_cda_check_request(&f, &req, FSE_CDA_OP_CREATE), FSE_OK);
            assert_int_equal(fse_cda_check_request(&f, &req, FSE_CDA_OP_VALIDATION), FSE_OK);
            assert_int_equal(fse_cda_check_class(&f, meta.tipo_documento_liv_alto, meta.loinc),
                             FSE_OK);
            assert_int_equal(fse_xml_parse(&doc, NULL, cda, len, NULL), FSE_OK);
            assert_int_equal(fse_cda_header_extract(&h, doc), FSE_OK);
            assert_int_equal(fse_cda_check_person_id(&f, meta.person_id, h), FSE_OK);
            assert_int_equal(fse_cda_check_hl7_type(&f, meta.resource_hl7_type, h), FSE_OK);
            assert_int_equal(fse_cda_check_locality(&f, meta.locality), FSE_OK);
            if (f.n_items != 0) {
                fail_msg("%s seed %llu: %zu findings, first: %s", meta.type_name,
                         (unsigned long long)seed, f.n_items, f.items[0].detail);
            }
            assert_int_equal(h->doc_type, types[t]);
            assert_string_equal(h->patient_id.extension, meta.patient_cf);
            assert_string_equal(h->set_id.extension, meta.set_id_extension);
            fse_cda_header_free(h);
            xmlFreeDoc(doc);
            fse_cda_findings_free(&f);
            fse_free(cda);
        }
    }
}

/* The JSON metadata parses and carries the requestBody and the claims. */
static void test_metadata_json(void **state)
{
    uint8_t *cda = NULL;
    uint8_t *pdf = NULL;
    size_t len = 0;
    size_t pdf_len = 0;
    fse_gen_meta meta;
    fse_buf b;
    json_error_t err;
    json_t *root;

    (void)state;
    gen(&cda, &len, &meta, fse_gen_types(NULL)[0], 5, 1);
    assert_int_equal(fse_gen_pdf(&pdf, &pdf_len, &meta, cda, len), FSE_OK);
    fse_buf_init(&b, 1u << 20);
    assert_int_equal(fse_gen_meta_to_json(&b, &meta), FSE_OK);
    root = json_loads(b.data, 0, &err);
    assert_non_null(root);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(root, "patient"), "codiceFiscale")),
        meta.patient_cf);
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "requestBody"),
                                                          "identificativoDoc")),
                        meta.identificativo_doc);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(root, "jwtClaims"), "attachment_hash")),
        meta.pdf_sha256);
    assert_true(json_array_size(json_object_get(root, "codes")) == meta.n_codes);
    json_decref(root);
    fse_buf_free(&b);
    fse_free(cda);
    fse_free(pdf);
}

static void test_bad_options(void **state)
{
    uint8_t *cda = (uint8_t *)"x";
    size_t len = 1;
    fse_gen_opts o = FSE_GEN_OPTS_INIT;

    (void)state;
    o.doc_type = FSE_CDA_DOC_TPI;
    assert_int_equal(fse_gen_document(&cda, &len, NULL, &o, 1), FSE_E_ARG);
    assert_null(cda);
    o = opts_for(fse_gen_types(NULL)[0], 1);
    o.base_date = "20250230";
    assert_int_equal(fse_gen_document(&cda, &len, NULL, &o, 1), FSE_E_ARG);
    o.base_date = NULL;
    assert_int_equal(fse_gen_document(&cda, &len, NULL, &o, 1), FSE_E_ARG);
    o = opts_for(fse_gen_types(NULL)[0], 1);
    o.version = 99;
    assert_int_equal(fse_gen_document(&cda, &len, NULL, &o, 1), FSE_E_ARG);
    assert_int_equal(fse_gen_document(NULL, &len, NULL, &o, 1), FSE_E_ARG);
    assert_false(fse_gen_supports(FSE_CDA_DOC_UNKNOWN));
}

/* Allocation failures anywhere in a build: an error, no leak, no crash. */
static void test_alloc_failures(void **state)
{
    const fse_doc_type types[] = {fse_gen_types(NULL)[0], FSE_CDA_DOC_RAP, FSE_CDA_DOC_VPS};

    (void)state;
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        fse_gen_opts o = opts_for(types[t], 3);

        for (unsigned long nth = 1; nth < 40; nth++) {
            uint8_t *cda = NULL;
            size_t len = 0;
            fse_err rc;

            fse_alloc_fail_at(nth);
            rc = fse_gen_document(&cda, &len, NULL, &o, 1);
            fse_alloc_fail_at(0);
            assert_true(rc == FSE_OK || rc == FSE_E_NOMEM);
            fse_free(cda);
        }
    }
}

/* RAP and VPS are generated, listed, and routed to their own schematron. */
static void test_rap_vps_listed(void **state)
{
    const fse_doc_type want[] = {FSE_CDA_DOC_RAP, FSE_CDA_DOC_VPS};
    const char *const sch[] = {"schematronFSE_RAP_1.4.sch", "schematron_VPS_v3.8.sch"};
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);

    (void)state;
    for (size_t w = 0; w < 2; w++) {
        bool listed = false;
        uint8_t *cda = NULL;
        size_t len = 0;
        fse_report *r = NULL;

        for (size_t t = 0; t < n_types; t++) {
            listed = listed || types[t] == want[w];
        }
        assert_true(listed);
        assert_true(fse_gen_supports(want[w]));
        gen(&cda, &len, NULL, want[w], 7, 1);
        assert_int_equal(fse_validator_run(g.validator, cda, len, NULL, &r), FSE_OK);
        assert_string_equal(r->schematron, sch[w]);
        assert_int_equal(r->outcome, FSE_OUTCOME_OK);
        fse_report_free(r);
        fse_free(cda);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_types_validate),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_seeds_differ),
        cmocka_unit_test(test_codice_fiscale),
        cmocka_unit_test(test_pdf_round_trip),
        cmocka_unit_test(test_codes_in_terminology),
        cmocka_unit_test(test_metadata_gateway_checks),
        cmocka_unit_test(test_metadata_json),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_rap_vps_listed),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);

    return failed + gen_token_tests();
}
