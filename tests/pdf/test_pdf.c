/*
 * tests/pdf/test_pdf.c - unit tests of lib/pdf: CDA extraction from the
 * official sample PDFs (checked against SHA-256 values verified with
 * pdfdetach and `qpdf --show-attachment`, and against the sample XML files
 * where the same CDA ships on its own), embed/extract round trips in both
 * embedding modes on the real sample CDAs, and hostile input: truncation,
 * encryption, missing or misnamed attachments, wrong object types, loops,
 * compression bombs, unsupported filters, size limits and allocation
 * failures. Hand-made PDFs are built in memory with exact xref offsets; the
 * official fixtures are read from FSE_SHARED_DIR by path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/tree.h>
#include <qpdf/qpdf-c.h>
#include <zlib.h>

#include "fse/error.h"
#include "fse/limits.h"
#include "fse/pdf.h"
#include "fse/util.h"
#include "fse/xml.h"

#include "pdf_fixture.h"

#define SAMPLES FSE_SHARED_DIR "/fixtures/validation/samples"
#define TOY_CDA                                                                                    \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                                 \
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>Toy</title></ClinicalDocument>\n"

/* The official PDFs and the SHA-256 of their cda.xml attachment, as given
 * by both `pdfdetach -save 1` and `qpdf --show-attachment=cda.xml`. same_as
 * names the sample XML that holds the same bytes, when there is one. */
static const struct official_pdf {
    const char *path;
    size_t cda_len;
    const char *sha256;
    const char *same_as;
} official[] = {
    {SAMPLES "/CERT_VACC/valid/testcontainer_CERT_VACC.pdf", 16288,
     "f4a9210070ae78ed80a5a2bdfb46ceb579b283171e40e099f6af6939f339e0a8", NULL},
    {SAMPLES "/LAB/valid/testcontainer_LAB.pdf", 14965,
     "f9a740e3fbd773cc4f576ee6ab52efefe8d0ea40d1c60b7b447dd774cca0d674",
     SAMPLES "/LAB/valid/support_esempi_LAB.xml"},
    {SAMPLES "/LDO/valid/testcontainer_LDO.pdf", 35598,
     "361ba632d502d294e58f187877543a0d76b4bf16ce1bee02537e2f01dabea54e", NULL},
    {SAMPLES "/RAD/invalid/testcontainer_RAD.pdf", 27723,
     "2abeca62c9ddcf972814020adb49df968ae4bd3441deff3c41d36804bedd9ee1",
     SAMPLES "/RAD/invalid/testcontainer_RAD.xml"},
    {SAMPLES "/RSA/valid/testcontainer_RSA.pdf", 31487,
     "0b2fb06c375bbe1906a12aaa801376b1b9e037b41ceb7b58fd0a71e788280841",
     SAMPLES "/RSA/valid/support_esempi_RSA.xml"},
    {SAMPLES "/SING_VACC/valid/testcontainer_SING_VACC.pdf", 16282,
     "304557dcd3de97ca5193669de7710e8581ec8369395412eadf003b8b9a7ac607", NULL},
};
#define N_OFFICIAL (sizeof(official) / sizeof(official[0]))

/* ---------------------------------------------------------------------------
 * Expectations
 */

/* Extraction must fail with code and leave a clear "pdf" message. */
static void expect_failure(const uint8_t *pdf, size_t len, fse_err code, const char *fragment)
{
    uint8_t *cda = (uint8_t *)"sentinel";
    size_t cda_len = 99;
    fse_pdf_embedding how = FSE_PDF_EMBED_ATTACHMENT;
    fse_err rc = fse_pdf_extract_cda(&cda, &cda_len, &how, pdf, len);

    if (rc != code) {
        print_error("expected %s, got %s: %s\n", fse_strerror(code), fse_strerror(rc),
                    fse_error_last()->message);
    }
    assert_int_equal(rc, code);
    if (getenv("FSE_PDF_TEST_VERBOSE") != NULL) {
        print_message("%-18s %s\n", fse_strerror(rc), fse_error_last()->message);
    }
    assert_null(cda);
    assert_int_equal(cda_len, 0);
    assert_int_equal(how, FSE_PDF_EMBED_NONE);
    assert_string_equal(fse_error_last()->module, "pdf");
    assert_true(strlen(fse_error_last()->message) > 10);
    if (fragment != NULL && strstr(fse_error_last()->message, fragment) == NULL) {
        print_error("message \"%s\" lacks \"%s\"\n", fse_error_last()->message, fragment);
        fail();
    }
}

/* Extraction must succeed with exactly these bytes. */
static void expect_cda(const uint8_t *pdf, size_t len, fse_pdf_embedding want_how,
                       const uint8_t *want, size_t want_len)
{
    uint8_t *cda = NULL;
    size_t cda_len = 0;
    fse_pdf_embedding how = FSE_PDF_EMBED_NONE;
    fse_err rc = fse_pdf_extract_cda(&cda, &cda_len, &how, pdf, len);

    if (rc != FSE_OK) {
        print_error("extract failed: %s\n", fse_error_last()->message);
    }
    assert_int_equal(rc, FSE_OK);
    assert_int_equal(how, want_how);
    assert_int_equal(cda_len, want_len);
    assert_memory_equal(cda, want, want_len);
    assert_int_equal(cda[cda_len], '\0');
    fse_free(cda);
}

/* ---------------------------------------------------------------------------
 * Detection and the official sample PDFs
 */

static void detect_accepts_header_in_first_kilobyte(void **state)
{
    uint8_t buf[1100];

    (void)state;
    assert_true(fse_pdf_detect((const uint8_t *)"%PDF-1.7\n", 9));
    assert_false(fse_pdf_detect((const uint8_t *)"%PDF", 4));
    assert_false(fse_pdf_detect(NULL, 0));
    assert_false(fse_pdf_detect((const uint8_t *)"<?xml version", 13));
    memset(buf, ' ', sizeof(buf));
    memcpy(buf + 1019, "%PDF-", 5);
    assert_true(fse_pdf_detect(buf, sizeof(buf)));
    memset(buf, ' ', sizeof(buf));
    memcpy(buf + 1020, "%PDF-", 5);
    assert_false(fse_pdf_detect(buf, sizeof(buf)));
}

static void official_pdfs_give_the_pdfdetach_bytes(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_OFFICIAL; i++) {
        size_t pdf_len = 0;
        uint8_t *pdf = load_file(official[i].path, &pdf_len);
        uint8_t *cda = NULL;
        size_t cda_len = 0;
        fse_pdf_embedding how = FSE_PDF_EMBED_NONE;
        char hex[65];

        assert_true(fse_pdf_detect(pdf, pdf_len));
        if (fse_pdf_extract_cda(&cda, &cda_len, &how, pdf, pdf_len) != FSE_OK) {
            print_error("%s: %s\n", official[i].path, fse_error_last()->message);
            fail();
        }
        assert_int_equal(how, FSE_PDF_EMBED_ATTACHMENT);
        assert_int_equal(cda_len, official[i].cda_len);
        assert_int_equal(cda[cda_len], '\0');
        sha256_hex(hex, cda, cda_len);
        assert_string_equal(hex, official[i].sha256);
        assert_clinical_document(cda, cda_len);
        if (official[i].same_as != NULL) {
            size_t xml_len = 0;
            uint8_t *xml = load_file(official[i].same_as, &xml_len);

            assert_int_equal(xml_len, cda_len);
            assert_memory_equal(xml, cda, cda_len);
            fse_free(xml);
        }
        fse_free(cda);
        fse_free(pdf);
    }
}

/* A damaged PDF: a PARSE error, or exactly the expected CDA. */
static bool expect_refused_or_same(const uint8_t *pdf, size_t len, const char *sha256)
{
    uint8_t *cda = NULL;
    size_t cda_len = 0;
    char hex[65];
    fse_err rc = fse_pdf_extract_cda(&cda, &cda_len, NULL, pdf, len);

    if (rc == FSE_OK) {
        sha256_hex(hex, cda, cda_len);
        fse_free(cda);
        assert_string_equal(hex, sha256);
        return false;
    }
    if (rc != FSE_E_PARSE) {
        print_error("cut at %zu: %s\n", len, fse_error_last()->message);
    }
    assert_int_equal(rc, FSE_E_PARSE);
    assert_null(cda);
    assert_string_equal(fse_error_last()->module, "pdf");
    assert_true(strlen(fse_error_last()->message) > 10);
    return true;
}

static void truncated_official_pdfs_are_refused(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_OFFICIAL; i++) {
        size_t len = 0;
        uint8_t *pdf = load_file(official[i].path, &len);
        uint8_t *cut;
        size_t at;
        size_t n_cuts = 0;
        size_t n_refused = 0;

        /* Cut in half (LDO's first, unsigned revision ends just before). */
        expect_refused_or_same(pdf, len / 2, official[i].sha256);
        cut = fse_malloc(len + 8);
        assert_non_null(cut);
        /* Cut at many offsets, also with a forged %%EOF so that qpdf itself
         * has to notice the missing cross-reference data: an error, or the
         * very same CDA when the cut falls after the first revision of an
         * incrementally updated (signed) file, which is then a complete
         * PDF followed by bytes no xref points to. */
        for (at = 1; at < len; at += len / 41 + 1) {
            size_t k;

            for (k = 0; k < 2; k++) {
                memcpy(cut, pdf, at);
                if (k == 1) {
                    memcpy(cut + at, "\n%%EOF\n", 7);
                }
                n_refused += expect_refused_or_same(cut, k == 1 ? at + 7 : at, official[i].sha256);
                n_cuts++;
            }
        }
        memcpy(cut, pdf, len / 2);
        memcpy(cut + len / 2, "\n%%EOF\n", 7);
        expect_refused_or_same(cut, len / 2 + 7, official[i].sha256);
        /* Only cuts past the end of a first revision may still read. */
        assert_true(n_refused * 3 >= n_cuts);
        expect_failure(pdf, len - 8, FSE_E_PARSE, "truncated");
        fse_free(cut);
        fse_free(pdf);
    }
}

/* ---------------------------------------------------------------------------
 * Round trips
 */

static void attachment_round_trip_on_sample_cdas(void **state)
{
    glob_t g;
    size_t i;
    size_t n_done = 0;

    (void)state;
    assert_int_equal(glob(SAMPLES "/*/valid/*.xml", 0, NULL, &g), 0);
    for (i = 0; i < g.gl_pathc; i++) {
        size_t cda_len = 0;
        uint8_t *cda = load_file(g.gl_pathv[i], &cda_len);
        uint8_t *pdf = NULL;
        uint8_t *again = NULL;
        size_t pdf_len = 0;
        size_t again_len = 0;
        fse_err rc = fse_pdf_embed_cda(&pdf, &pdf_len, cda, cda_len, NULL);

        if (rc != FSE_OK) {
            print_error("%s: %s\n", g.gl_pathv[i], fse_error_last()->message);
            fail();
        }
        assert_memory_equal(pdf, "%PDF-1.7", 8);
        expect_cda(pdf, pdf_len, FSE_PDF_EMBED_ATTACHMENT, cda, cda_len);
        /* Deterministic: same input, same bytes. */
        assert_int_equal(fse_pdf_embed_cda(&again, &again_len, cda, cda_len, NULL), FSE_OK);
        assert_int_equal(again_len, pdf_len);
        assert_memory_equal(again, pdf, pdf_len);
        fse_free(again);
        fse_free(pdf);
        fse_free(cda);
        n_done++;
    }
    globfree(&g);
    assert_true(n_done >= 20);
}

static void xfa_round_trip_on_sample_cdas(void **state)
{
    glob_t g;
    size_t i;
    fse_pdf_embed_opts opts = {FSE_PDF_EMBED_XFA, NULL};

    (void)state;
    assert_int_equal(glob(SAMPLES "/*/valid/*.xml", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 20);
    for (i = 0; i < g.gl_pathc; i++) {
        size_t cda_len = 0;
        uint8_t *cda = load_file(g.gl_pathv[i], &cda_len);
        uint8_t *pdf = NULL;
        size_t pdf_len = 0;
        uint8_t *out = NULL;
        size_t out_len = 0;
        fse_pdf_embedding how = FSE_PDF_EMBED_NONE;
        char *want;
        char *got;

        assert_int_equal(fse_pdf_embed_cda(&pdf, &pdf_len, cda, cda_len, &opts), FSE_OK);
        if (fse_pdf_extract_cda(&out, &out_len, &how, pdf, pdf_len) != FSE_OK) {
            print_error("%s: %s\n", g.gl_pathv[i], fse_error_last()->message);
            fail();
        }
        assert_int_equal(how, FSE_PDF_EMBED_XFA);
        assert_memory_equal(out, "<?xml", 5);
        assert_clinical_document(out, out_len);
        want = canonical_xml(cda, cda_len);
        got = canonical_xml(out, out_len);
        assert_string_equal(got, want);
        fse_free(want);
        fse_free(got);
        fse_free(out);
        fse_free(pdf);
        fse_free(cda);
    }
    globfree(&g);
}

/* The built PDF: one page, PDF 1.7, /AF and /AFRelationship /Source, mime
 * type in /Subtype, title on the page and in /Info. */
static void embedded_pdf_has_pdfa3_attachment_links(void **state)
{
    static const char title[] = "Lettera di dimissione \xE2\x80\x93 citt\xC3\xA0";
    fse_pdf_embed_opts opts = {FSE_PDF_EMBED_ATTACHMENT, title};
    uint8_t *pdf = NULL;
    size_t pdf_len = 0;
    qpdf_data q = qpdf_init();
    qpdf_oh root;
    qpdf_oh af;
    qpdf_oh spec;
    qpdf_oh ef;
    unsigned char *content = NULL;
    size_t content_len = 0;
    uint8_t *other = NULL;
    size_t other_len = 0;

    (void)state;
    assert_int_equal(
        fse_pdf_embed_cda(&pdf, &pdf_len, (const uint8_t *)TOY_CDA, strlen(TOY_CDA), &opts),
        FSE_OK);
    qpdf_silence_errors(q);
    assert_int_equal(qpdf_read_memory(q, "built", (const char *)pdf, pdf_len, NULL), 0);
    assert_string_equal(qpdf_get_pdf_version(q), "1.7");
    assert_int_equal(qpdf_get_num_pages(q), 1);
    root = qpdf_get_root(q);
    af = qpdf_oh_get_key(q, root, "/AF");
    assert_int_equal(qpdf_oh_get_array_n_items(q, af), 1);
    spec = qpdf_oh_get_array_item(q, af, 0);
    assert_true(
        qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, spec, "/AFRelationship"), "/Source"));
    assert_string_equal(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, spec, "/UF")), "cda.xml");
    ef = qpdf_oh_get_key(q, qpdf_oh_get_key(q, spec, "/EF"), "/F");
    assert_true(qpdf_oh_is_name_and_equals(
        q, qpdf_oh_get_key(q, qpdf_oh_get_dict(q, ef), "/Subtype"), "/text/xml"));
    assert_int_equal(
        qpdf_oh_get_page_content_data(q, qpdf_get_page_n(q, 0), &content, &content_len), 0);
    /* "citt\xE0" in WinAnsi, as a hex string, and the en dash as 0x96. */
    assert_non_null(strstr((const char *)content, "63697474E0"));
    assert_non_null(strstr((const char *)content, "96"));
    free(content);
    assert_string_equal(
        qpdf_oh_get_utf8_value(
            q, qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Info"), "/Title")),
        title);
    assert_false(qpdf_more_warnings(q));
    qpdf_cleanup(&q);
    /* A different CDA gives a different /ID. */
    assert_int_equal(
        fse_pdf_embed_cda(&other, &other_len, (const uint8_t *)TOY_CDA, strlen(TOY_CDA) - 1, &opts),
        FSE_OK);
    assert_true(strcmp(trailer_id(other, other_len), trailer_id(pdf, pdf_len)) != 0);
    fse_free(other);
    fse_free(pdf);
}

static void embed_refuses_bad_cda(void **state)
{
    uint8_t *pdf = (uint8_t *)"sentinel";
    size_t pdf_len = 1;
    uint8_t *big;
    fse_pdf_embed_opts bad = {(fse_pdf_embedding)7, NULL};

    (void)state;
    assert_int_equal(fse_pdf_embed_cda(&pdf, &pdf_len, (const uint8_t *)"not xml", 7, NULL),
                     FSE_E_PARSE);
    assert_null(pdf);
    assert_int_equal(pdf_len, 0);
    assert_non_null(strstr(fse_error_last()->message, "not well-formed"));
    assert_int_equal(fse_pdf_embed_cda(&pdf, &pdf_len, (const uint8_t *)"<a/>", 4, NULL),
                     FSE_E_PARSE);
    assert_non_null(strstr(fse_error_last()->message, "ClinicalDocument"));
    assert_int_equal(fse_pdf_embed_cda(&pdf, &pdf_len, NULL, 0, NULL), FSE_E_ARG);
    assert_int_equal(
        fse_pdf_embed_cda(&pdf, &pdf_len, (const uint8_t *)TOY_CDA, strlen(TOY_CDA), &bad),
        FSE_E_ARG);
    big = fse_calloc(1, FSE_MAX_EMBEDDED_CDA_BYTES + 1);
    assert_non_null(big);
    assert_int_equal(fse_pdf_embed_cda(&pdf, &pdf_len, big, FSE_MAX_EMBEDDED_CDA_BYTES + 1, NULL),
                     FSE_E_LIMIT);
    fse_free(big);
}

/* ---------------------------------------------------------------------------
 * Hostile and unusual PDFs
 */

static void non_pdf_input_is_refused(void **state)
{
    uint8_t *cda = NULL;
    size_t cda_len = 0;
    uint8_t noise[4096];
    uint32_t x = 2463534242u;
    size_t i;
    uint8_t *big;

    (void)state;
    expect_failure((const uint8_t *)"", 0, FSE_E_PARSE, "empty");
    assert_int_equal(fse_pdf_extract_cda(NULL, &cda_len, NULL, (const uint8_t *)"%PDF-", 5),
                     FSE_E_ARG);
    assert_int_equal(fse_pdf_extract_cda(&cda, &cda_len, NULL, NULL, 5), FSE_E_ARG);
    expect_failure((const uint8_t *)TOY_CDA, strlen(TOY_CDA), FSE_E_PARSE, "not a PDF");
    for (i = 0; i < sizeof(noise); i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise[i] = (uint8_t)x;
    }
    expect_failure(noise, sizeof(noise), FSE_E_PARSE, NULL);
    memcpy(noise, "%PDF-1.7\n", 9);
    expect_failure(noise, sizeof(noise), FSE_E_PARSE, "truncated");
    memcpy(noise + sizeof(noise) - 6, "%%EOF\n", 6);
    expect_failure(noise, sizeof(noise), FSE_E_PARSE, NULL);
    /* 6 MB: refused before parsing. */
    big = fse_calloc(1, 6u * 1024u * 1024u);
    assert_non_null(big);
    memcpy(big, "%PDF-1.7\n", 9);
    expect_failure(big, 6u * 1024u * 1024u, FSE_E_LIMIT, "over the limit");
    fse_free(big);
}

static void encrypted_pdfs(void **state)
{
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    uint8_t *locked;
    size_t locked_len = 0;

    (void)state;
    assert_int_equal(
        fse_pdf_embed_cda(&plain, &plain_len, (const uint8_t *)TOY_CDA, strlen(TOY_CDA), NULL),
        FSE_OK);
    /* A user password: refused as unsupported, and said so. */
    locked = encrypt_pdf(&locked_len, plain, plain_len, "user-secret");
    expect_failure(locked, locked_len, FSE_E_UNSUPPORTED, "password");
    fse_free(locked);
    /* Only an owner password: readable, and the data comes out decrypted. */
    locked = encrypt_pdf(&locked_len, plain, plain_len, "");
    expect_cda(locked, locked_len, FSE_PDF_EMBED_ATTACHMENT, (const uint8_t *)TOY_CDA,
               strlen(TOY_CDA));
    fse_free(locked);
    fse_free(plain);
}

static void pdf_without_cda_is_not_found(void **state)
{
    const pdf_obj plain[] = {{CATALOG_WITH(""), 0}, {PAGES, 0}, {PAGE, 0}};
    size_t len = 0;
    uint8_t *pdf;

    (void)state;
    pdf = make_pdf(&len, plain, 3, 0);
    expect_failure(pdf, len, FSE_E_NOT_FOUND, "no CDA");
    fse_free(pdf);
    /* Only an attachment with another name, both as key and file name. */
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Names [(other.xml) 5 0 R] >>",
                              "<< /Type /Filespec /F (other.xml) /UF (other.xml) "
                              "/EF << /F 6 0 R >> >>",
                              "/Type /EmbeddedFile", TOY_CDA, strlen(TOY_CDA));
    expect_failure(pdf, len, FSE_E_NOT_FOUND, "cda.xml");
    fse_free(pdf);
    /* Case matters, as in the Gateway code. */
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Names [(CDA.XML) 5 0 R] >>",
                              "<< /Type /Filespec /F (CDA.XML) /EF << /F 6 0 R >> >>",
                              "/Type /EmbeddedFile", TOY_CDA, strlen(TOY_CDA));
    expect_failure(pdf, len, FSE_E_NOT_FOUND, NULL);
    fse_free(pdf);
}

static void attachment_found_by_key_filespec_or_kids(void **state)
{
    const uint8_t *toy = (const uint8_t *)TOY_CDA;
    size_t toy_len = strlen(TOY_CDA);
    size_t len = 0;
    uint8_t *pdf;
    uLongf z_len = compressBound((uLong)toy_len);
    Bytef *z = fse_malloc(z_len);

    (void)state;
    /* Key "Allegato 1", file name cda.xml in /UF (UTF-16BE with BOM). */
    pdf = make_attachment_pdf(
        &len, EF_NAMES, "<< /Names [(Allegato 1) 5 0 R] >>",
        "<< /Type /Filespec /UF <FEFF006300640061002E0078006D006C> /EF << /F 6 0 R >> >>",
        "/Type /EmbeddedFile", toy, toy_len);
    expect_cda(pdf, len, FSE_PDF_EMBED_ATTACHMENT, toy, toy_len);
    fse_free(pdf);
    /* One level of /Kids, after a sibling leaf; /EF holds only /UF. */
    pdf = make_attachment_pdf(&len, EF_NAMES,
                              "<< /Kids [<< /Names [(a.txt) 5 0 R] >> << /Limits [(cda.xml) "
                              "(cda.xml)] /Names [(cda.xml) 5 0 R] >>] >>",
                              "<< /Type /Filespec /F (cda.xml) /EF << /UF 6 0 R >> >>",
                              "/Type /EmbeddedFile", toy, toy_len);
    expect_cda(pdf, len, FSE_PDF_EMBED_ATTACHMENT, toy, toy_len);
    fse_free(pdf);
    /* Flate-compressed stream, array form of /Filter. */
    assert_non_null(z);
    assert_int_equal(compress(z, &z_len, toy, (uLong)toy_len), Z_OK);
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Names [(cda.xml) 5 0 R] >>", SPEC_CDA,
                              "/Type /EmbeddedFile /Filter [/FlateDecode]", z, z_len);
    expect_cda(pdf, len, FSE_PDF_EMBED_ATTACHMENT, toy, toy_len);
    fse_free(pdf);
    /* ASCIIHex: decoded by qpdf. */
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Names [(cda.xml) 5 0 R] >>", SPEC_CDA,
                              "/Type /EmbeddedFile /Filter /ASCIIHexDecode", "3C612F3E>", 9);
    expect_cda(pdf, len, FSE_PDF_EMBED_ATTACHMENT, (const uint8_t *)"<a/>", 4);
    fse_free(pdf);
    fse_free(z);
}

static void wrong_types_and_loops_are_refused(void **state)
{
    const uint8_t *toy = (const uint8_t *)TOY_CDA;
    size_t toy_len = strlen(TOY_CDA);
    size_t len = 0;
    uint8_t *pdf;

    (void)state;
    /* /EF /F is an integer. */
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Names [(cda.xml) 5 0 R] >>",
                              "<< /Type /Filespec /F (cda.xml) /EF << /F 42 >> >>",
                              "/Type /EmbeddedFile", toy, toy_len);
    expect_failure(pdf, len, FSE_E_PARSE, "not a stream");
    fse_free(pdf);
    /* /EF /F points at an object that is a reference to itself. */
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Names [(cda.xml) 5 0 R] >>",
                              "<< /Type /Filespec /F (cda.xml) /EF << /F 7 0 R >> >>",
                              "/Type /EmbeddedFile", toy, toy_len);
    /* Object 7 is missing from this file: a dangling reference. */
    expect_failure(pdf, len, FSE_E_PARSE, NULL);
    fse_free(pdf);
    {
        size_t stream_len = 0;
        char *stream = make_stream(&stream_len, "", toy, toy_len);
        const pdf_obj objs[] = {
            {CATALOG_WITH(EF_NAMES), 0},
            {PAGES, 0},
            {PAGE, 0},
            {"<< /Names [(cda.xml) 5 0 R] >>", 0},
            {"<< /Type /Filespec /F (cda.xml) /EF << /F 7 0 R >> >>", 0},
            {stream, stream_len},
            {"7 0 R", 0},
        };

        pdf = make_pdf(&len, objs, 7, 0);
        expect_failure(pdf, len, FSE_E_PARSE, NULL);
        fse_free(pdf);
        fse_free(stream);
    }
    /* The file specification is a string, the /EF is an array. */
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Names [(cda.xml) (cda.xml)] >>", "null", "", toy,
                              toy_len);
    expect_failure(pdf, len, FSE_E_PARSE, "not a dictionary");
    fse_free(pdf);
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Names [(cda.xml) 5 0 R] >>",
                              "<< /F (cda.xml) /EF [6 0 R] >>", "", toy, toy_len);
    expect_failure(pdf, len, FSE_E_PARSE, "/EF");
    fse_free(pdf);
    /* A /Kids loop: the tree node lists itself. */
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Kids [4 0 R] >>", "null", "", toy, toy_len);
    expect_failure(pdf, len, FSE_E_LIMIT, "deeper");
    fse_free(pdf);
    /* A kid that is not a dictionary. */
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Kids [5 0 R] >>", "[1 2 3]", "", toy, toy_len);
    expect_failure(pdf, len, FSE_E_PARSE, "not a dictionary");
    fse_free(pdf);
    /* A stream /Length that overruns "endstream": no repair. */
    {
        size_t stream_len = 0;
        char *stream = make_stream(&stream_len, "", toy, toy_len);
        char *bad_length = strstr(stream, "/Length");
        const pdf_obj objs[] = {
            {CATALOG_WITH(EF_NAMES), 0},           {PAGES, 0},    {PAGE, 0},
            {"<< /Names [(cda.xml) 5 0 R] >>", 0}, {SPEC_CDA, 0}, {stream, stream_len},
        };

        assert_non_null(bad_length);
        memcpy(bad_length, "/Length 9", 9); /* "/Length 99..." */
        pdf = make_pdf(&len, objs, 6, 0);
        expect_failure(pdf, len, FSE_E_PARSE, NULL);
        fse_free(pdf);
        fse_free(stream);
    }
}

static void bombs_filters_and_object_counts(void **state)
{
    size_t bomb_len = FSE_MAX_EMBEDDED_CDA_BYTES + 4096;
    uint8_t *zeros = fse_calloc(1, bomb_len);
    uLongf z_len = compressBound((uLong)bomb_len);
    Bytef *z = fse_malloc(z_len);
    size_t len = 0;
    uint8_t *pdf;
    const pdf_obj many[] = {{CATALOG_WITH(""), 0}, {PAGES, 0}, {PAGE, 0}};

    (void)state;
    assert_non_null(zeros);
    assert_non_null(z);
    /* 5 MB + 4 KB of zeros compress to a few KB: a bomb stopped at the limit. */
    assert_int_equal(compress(z, &z_len, zeros, (uLong)bomb_len), Z_OK);
    assert_true(z_len < 64u * 1024u);
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Names [(cda.xml) 5 0 R] >>", SPEC_CDA,
                              "/Filter /FlateDecode", z, z_len);
    expect_failure(pdf, len, FSE_E_LIMIT, "over the limit");
    fse_free(pdf);
    /* Corrupt Flate data. */
    z[z_len / 2] ^= 0xFF;
    z[z_len / 2 + 1] ^= 0xFF;
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Names [(cda.xml) 5 0 R] >>", SPEC_CDA,
                              "/Filter /FlateDecode", z, z_len / 2 + 8);
    expect_failure(pdf, len, FSE_E_PARSE, "Flate");
    fse_free(pdf);
    /* Filters that are not handled (and could expand without bound). */
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Names [(cda.xml) 5 0 R] >>", SPEC_CDA,
                              "/Filter /LZWDecode", "\x80\x0b\x60\x50", 4);
    expect_failure(pdf, len, FSE_E_UNSUPPORTED, "LZWDecode");
    fse_free(pdf);
    pdf = make_attachment_pdf(&len, EF_NAMES, "<< /Names [(cda.xml) 5 0 R] >>", SPEC_CDA,
                              "/Filter [/ASCIIHexDecode /FlateDecode]", "00>", 3);
    expect_failure(pdf, len, FSE_E_UNSUPPORTED, "chain");
    fse_free(pdf);
    /* An empty attachment. */
    pdf =
        make_attachment_pdf(&len, EF_NAMES, "<< /Names [(cda.xml) 5 0 R] >>", SPEC_CDA, "", "", 0);
    expect_failure(pdf, len, FSE_E_PARSE, "empty");
    fse_free(pdf);
    /* A trailer claiming more objects than the limit. */
    pdf = make_pdf(&len, many, 3, FSE_MAX_PDF_OBJECTS + 1);
    expect_failure(pdf, len, FSE_E_LIMIT, "objects");
    fse_free(pdf);
    fse_free(z);
    fse_free(zeros);
}

/* An XFA datasets packet whose namespaces are declared on ancestors. */
static const char xfa_packet[] =
    "<xfa:datasets xmlns:xfa=\"http://www.xfa.org/schema/xfa-data/1.0/\" "
    "xmlns:hl7=\"urn:hl7-org:v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
    "<xfa:data><form><hl7:ClinicalDocument xsi:schemaLocation=\"urn:hl7-org:v3 CDA.xsd\">"
    "<hl7:title>Referto</hl7:title><hl7:value xsi:type=\"hl7:CD\"/>"
    "</hl7:ClinicalDocument></form></xfa:data></xfa:datasets>";

static void xfa_variants(void **state)
{
    size_t stream_len = 0;
    char *stream = make_stream(&stream_len, "", xfa_packet, strlen(xfa_packet));
    const pdf_obj acroform[] = {
        {CATALOG_WITH("/AcroForm << /Fields [] /XFA [(preamble) 5 0 R (datasets) 4 0 R] >>"), 0},
        {PAGES, 0},
        {PAGE, 0},
        {stream, stream_len},
        {"<< /Length 0 >>\nstream\n\nendstream", 0},
    };
    const pdf_obj bare_array[] = {
        {CATALOG_WITH("/Names << /XFAResources [(datasets) 4 0 R] >>"), 0},
        {PAGES, 0},
        {PAGE, 0},
        {stream, stream_len},
    };
    uint8_t *pdf;
    size_t len = 0;
    uint8_t *cda = NULL;
    size_t cda_len = 0;
    fse_pdf_embedding how = FSE_PDF_EMBED_NONE;
    xmlDocPtr doc = NULL;
    xmlNode *root;
    xmlNsPtr xsi;

    (void)state;
    pdf = make_pdf(&len, acroform, 5, 0);
    assert_int_equal(fse_pdf_extract_cda(&cda, &cda_len, &how, pdf, len), FSE_OK);
    assert_int_equal(how, FSE_PDF_EMBED_XFA);
    assert_int_equal(fse_xml_parse(&doc, NULL, cda, cda_len, NULL), FSE_OK);
    root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "ClinicalDocument");
    assert_string_equal((const char *)root->ns->href, "urn:hl7-org:v3");
    /* xsi and hl7 stay declared: xsi:type="hl7:CD" must still resolve. */
    xsi = xmlSearchNs(doc, root, (const xmlChar *)"xsi");
    assert_non_null(xsi);
    assert_non_null(xmlSearchNs(doc, root, (const xmlChar *)"hl7"));
    assert_null(strstr((const char *)cda, "datasets"));
    xmlFreeDoc(doc);
    fse_free(cda);
    fse_free(pdf);

    pdf = make_pdf(&len, bare_array, 4, 0);
    assert_int_equal(fse_pdf_extract_cda(&cda, &cda_len, &how, pdf, len), FSE_OK);
    assert_int_equal(how, FSE_PDF_EMBED_XFA);
    fse_free(cda);
    fse_free(pdf);
    fse_free(stream);

    /* Datasets without a ClinicalDocument, malformed, or with a DOCTYPE. */
    {
        static const char *const bodies[] = {
            "<xfa:datasets xmlns:xfa=\"x\"><xfa:data/></xfa:datasets>",
            "<xfa:datasets xmlns:xfa=\"x\"><xfa:data>",
            "<!DOCTYPE d [<!ENTITY e \"x\">]><d>&e;</d>",
        };
        static const fse_err codes[] = {FSE_E_NOT_FOUND, FSE_E_PARSE, FSE_E_PARSE};
        static const char *const fragments[] = {"ClinicalDocument", "well-formed", "DOCTYPE"};
        size_t i;

        for (i = 0; i < 3; i++) {
            const pdf_obj objs[] = {
                {CATALOG_WITH("/Names << /XFAResources << /Names [(datasets) 4 0 R] >> >>"), 0},
                {PAGES, 0},
                {PAGE, 0},
                {NULL, 0},
            };
            pdf_obj with_stream[4];

            memcpy(with_stream, objs, sizeof(objs));
            stream = make_stream(&stream_len, "", bodies[i], strlen(bodies[i]));
            with_stream[3] = (pdf_obj){stream, stream_len};
            pdf = make_pdf(&len, with_stream, 4, 0);
            expect_failure(pdf, len, codes[i], fragments[i]);
            fse_free(pdf);
            fse_free(stream);
        }
    }
}

/* Random byte changes in real PDFs (fixed seed): a result or a clear error,
 * never a crash, a leak or a half-filled output. */
static void mutated_pdfs_fail_cleanly(void **state)
{
    uint64_t seed = 42;
    size_t i;

    (void)state;
    for (i = 0; i <= N_OFFICIAL; i++) {
        size_t len = 0;
        uint8_t *pdf;
        uint8_t *copy;
        int round;

        if (i < N_OFFICIAL) {
            pdf = load_file(official[i].path, &len);
        } else {
            fse_pdf_embed_opts opts = {FSE_PDF_EMBED_XFA, NULL};

            assert_int_equal(
                fse_pdf_embed_cda(&pdf, &len, (const uint8_t *)TOY_CDA, strlen(TOY_CDA), &opts),
                FSE_OK);
        }
        copy = fse_malloc(len);
        assert_non_null(copy);
        for (round = 0; round < 150; round++) {
            uint8_t *cda = NULL;
            size_t cda_len = 0;
            int k;
            fse_err rc;

            memcpy(copy, pdf, len);
            for (k = 0; k < 1 + round % 8; k++) {
                seed = seed * 6364136223846793005u + 1442695040888963407u;
                copy[(seed >> 20) % len] = (uint8_t)(seed >> 52);
            }
            rc = fse_pdf_extract_cda(&cda, &cda_len, NULL, copy, len);
            if (rc == FSE_OK) {
                assert_non_null(cda);
                assert_int_equal(cda[cda_len], '\0');
                fse_free(cda);
                continue;
            }
            assert_null(cda);
            assert_true(rc == FSE_E_PARSE || rc == FSE_E_NOT_FOUND || rc == FSE_E_UNSUPPORTED ||
                        rc == FSE_E_LIMIT);
            assert_true(strlen(fse_error_last()->message) > 10);
        }
        fse_free(copy);
        fse_free(pdf);
    }
}

/* Every allocation of ours may fail: no crash, no leak, a NOMEM code. */
static void allocation_failures_are_clean(void **state)
{
    size_t pdf_len = 0;
    uint8_t *pdf = load_file(official[1].path, &pdf_len);
    const uint8_t *toy = (const uint8_t *)TOY_CDA;
    size_t toy_len = strlen(TOY_CDA);
    int mode;

    (void)state;
    for (mode = 0; mode < 4; mode++) {
        unsigned long n;

        for (n = 1; n < 200; n++) {
            fse_pdf_embed_opts opts = {mode == 2 ? FSE_PDF_EMBED_XFA : FSE_PDF_EMBED_ATTACHMENT,
                                       NULL};
            uint8_t *out = NULL;
            size_t out_len = 0;
            uint8_t *built = NULL;
            size_t built_len = 0;
            fse_err rc;

            if (mode == 3) {
                opts.embedding = FSE_PDF_EMBED_XFA;
                assert_int_equal(fse_pdf_embed_cda(&built, &built_len, toy, toy_len, &opts),
                                 FSE_OK);
            }
            fse_alloc_fail_at(n);
            if (mode == 0) {
                rc = fse_pdf_extract_cda(&out, &out_len, NULL, pdf, pdf_len);
            } else if (mode == 3) {
                rc = fse_pdf_extract_cda(&out, &out_len, NULL, built, built_len);
            } else {
                rc = fse_pdf_embed_cda(&out, &out_len, toy, toy_len, &opts);
            }
            fse_alloc_fail_at(0);
            fse_free(out);
            fse_free(built);
            if (rc == FSE_OK) {
                break;
            }
            assert_int_equal(rc, FSE_E_NOMEM);
            assert_null(out);
        }
        assert_true(n < 200);
    }
    fse_free(pdf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(detect_accepts_header_in_first_kilobyte),
        cmocka_unit_test(official_pdfs_give_the_pdfdetach_bytes),
        cmocka_unit_test(truncated_official_pdfs_are_refused),
        cmocka_unit_test(attachment_round_trip_on_sample_cdas),
        cmocka_unit_test(xfa_round_trip_on_sample_cdas),
        cmocka_unit_test(embedded_pdf_has_pdfa3_attachment_links),
        cmocka_unit_test(embed_refuses_bad_cda),
        cmocka_unit_test(non_pdf_input_is_refused),
        cmocka_unit_test(encrypted_pdfs),
        cmocka_unit_test(pdf_without_cda_is_not_found),
        cmocka_unit_test(attachment_found_by_key_filespec_or_kids),
        cmocka_unit_test(wrong_types_and_loops_are_refused),
        cmocka_unit_test(bombs_filters_and_object_counts),
        cmocka_unit_test(xfa_variants),
        cmocka_unit_test(mutated_pdfs_fail_cleanly),
        cmocka_unit_test(allocation_failures_are_clean),
    };

    fse_xml_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
