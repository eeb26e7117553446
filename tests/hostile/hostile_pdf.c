/*
 * tests/hostile/hostile_pdf.c - hostile PDFs: official files cut short,
 * encrypted, stripped of their CDA or carrying something else as cda.xml,
 * and hostile XFA datasets packets.
 */
#include "hostile_harness.h"

#include <string.h>

#include "fse/limits.h"

/* Cut official PDFs at many offsets: each cut is refused as a damaged PDF,
 * or - when it falls after the complete first revision of a signed file -
 * gives the verdict of the whole file. A cut before the first %%EOF is
 * always refused. */
void truncated_pdfs_are_refused(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < h_n_official_pdfs; k++) {
        size_t len = 0;
        uint8_t *pdf = h_read(h_official_pdfs[k], &len);
        fse_report *whole = h_validate(pdf, len);
        size_t first_eof = h_find(pdf, len, "%%EOF");
        size_t n_refused = 0;
        size_t n_cuts = 0;
        size_t at;

        assert_true(first_eof < len);
        assert_true(whole->valid && whole->from_pdf);
        for (at = 16; at < len; at += len / 23 + 1) {
            fse_report *r = h_validate(pdf, at);

            n_cuts++;
            if (r->outcome == FSE_OUTCOME_SYNTAX_ERROR) {
                h_expect_refused(r, FSE_FAILURE_INPUT,
                                 "Error while extracting CDA from PDF document",
                                 h_official_pdfs[k]);
                assert_true(r->from_pdf);
                n_refused++;
            } else if (at < first_eof || !h_same_verdict(r, whole)) {
                h_print_report(h_official_pdfs[k], r);
                fail_msg("%s cut at %zu of %zu was not refused", h_official_pdfs[k], at, len);
            }
            fse_report_free(r);
        }
        assert_true(n_refused * 2 >= n_cuts);
        /* Cut inside the final %%EOF marker. */
        h_expect_input_refusal(pdf, len - 4, "Error while extracting CDA", "last %%EOF cut");
        fse_report_free(whole);
        fse_free(pdf);
    }
}

/* Encrypted with a user password: refused, saying so. With an owner
 * password only the PDF opens without one, and the verdict is the plain
 * file's. The encrypted file is also written for the tool test. */
void encrypted_pdf(void **state)
{
    size_t len = 0;
    uint8_t *pdf = h_read(h_official_pdfs[1], &len);
    size_t locked_len = 0;
    uint8_t *locked = h_pdf_rewrite(&locked_len, pdf, len, NULL, NULL, "user-secret", true);
    fse_report *plain;
    fse_report *r;

    (void)state;
    h_ensure_work_dir();
    h_write_file(WORK_DIR "/encrypted.pdf", locked, locked_len);
    r = h_validate(locked, locked_len);
    assert_true(r->from_pdf);
    h_expect_refused(r, FSE_FAILURE_INPUT, "password", "user password");
    fse_report_free(r);
    fse_free(locked);

    locked = h_pdf_rewrite(&locked_len, pdf, len, NULL, NULL, "", true);
    plain = h_validate(pdf, len);
    r = h_validate(locked, locked_len);
    assert_true(plain->valid);
    assert_true(h_same_verdict(r, plain));
    fse_report_free(r);
    fse_report_free(plain);
    fse_free(locked);
    fse_free(pdf);
}

void pdf_without_cda_is_refused(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < h_n_official_pdfs; k++) {
        size_t len = 0;
        uint8_t *pdf = h_read(h_official_pdfs[k], &len);
        size_t bare_len = 0;
        uint8_t *bare = h_pdf_rewrite(&bare_len, pdf, len, h_drop_cda, NULL, NULL, true);
        fse_report *r = h_validate(bare, bare_len);

        assert_true(r->from_pdf);
        h_expect_refused(r, FSE_FAILURE_INPUT, "cda.xml", h_official_pdfs[k]);
        assert_int_equal(r->pdf_embedding, FSE_PDF_EMBED_NONE);
        fse_report_free(r);
        fse_free(bare);
        fse_free(pdf);
    }
}

/* A cda.xml attachment that is not a readable CDA. */
void pdf_whose_cda_is_not_xml_is_refused(void **state)
{
    static const struct {
        const char *data;
        size_t len;
        bool compress;
        const char *fragment;
    } cases[] = {
        {"this is not XML at all", 22, true, "XML non leggibile"},
        {"this is not XML at all", 22, false, "XML non leggibile"},
        {"\0\0\0\0\0\0\0\0", 8, true, "XML non leggibile"},
        {"<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>", 48, true, "XML non leggibile"},
        {"%PDF-1.7\n%%EOF\n", 15, true, "XML non leggibile"},
        {"\xff\xfe<\0", 4, true, "XML non leggibile"},
        {"", 0, false, "is empty"},
        /* qpdf writes an empty stream as /FlateDecode with no data at all. */
        {"", 0, true, "Flate"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t pdf_len = 0;
        uint8_t *pdf = h_pdf_with_cda(&pdf_len, (const uint8_t *)cases[i].data, cases[i].len,
                                      cases[i].compress);
        fse_report *r = h_validate(pdf, pdf_len);

        assert_true(r->from_pdf);
        h_expect_refused(r, FSE_FAILURE_INPUT, cases[i].fragment, cases[i].data);
        fse_report_free(r);
        fse_free(pdf);
    }
}

/* The XFA datasets packet is parsed as hostile input too. */
void hostile_xfa_datasets_are_refused(void **state)
{
    static const struct {
        const char *head;
        const char *fragment;
    } cases[] = {
        {"<!DOCTYPE xdp [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" XFA_OPEN
         "<ClinicalDocument "
         "xmlns=\"urn:hl7-org:v3\"><title>&xxe;</title></ClinicalDocument>" XFA_CLOSE,
         "DOCTYPE"},
        {XFA_OPEN "<somethingElse/>" XFA_CLOSE, "ClinicalDocument"},
        {XFA_OPEN "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>" XFA_CLOSE,
         "not well-formed"},
        {"<<< not XML >>>", "not well-formed"},
    };
    fse_buf b;
    size_t i;

    (void)state;
    fse_buf_init(&b, 2u * MIB);
    for (i = 0; i <= sizeof(cases) / sizeof(cases[0]); i++) {
        size_t pdf_len = 0;
        uint8_t *pdf;
        fse_report *r;
        char *json;

        fse_buf_reset(&b);
        if (i < sizeof(cases) / sizeof(cases[0])) {
            h_put(&b, cases[i].head);
        } else {
            size_t k;

            /* 100k nested elements around the CDA. */
            h_put(&b, XFA_OPEN);
            for (k = 0; k < 100000; k++) {
                h_put(&b, "<a>");
            }
            for (k = 0; k < 100000; k++) {
                h_put(&b, "</a>");
            }
            h_put(&b, XFA_CLOSE);
        }
        pdf = h_pdf_with_datasets(&pdf_len, (const uint8_t *)b.data, b.len);
        r = h_validate(pdf, pdf_len);
        json = h_report_json(r);
        assert_true(r->from_pdf);
        h_expect_refused(r, FSE_FAILURE_INPUT,
                         i < sizeof(cases) / sizeof(cases[0]) ? cases[i].fragment : "deeper than",
                         "XFA datasets");
        assert_null(strstr(json, g.passwd_line));
        fse_free(json);
        fse_report_free(r);
        fse_free(pdf);
    }
    fse_buf_free(&b);
}

/* The CDA inside an XFA packet whose root declares a thousand namespaces:
 * the declarations in scope travel with the CDA, and it stays valid. */
void xfa_namespaces_in_scope_keep_the_verdict(void **state)
{
    size_t len = 0;
    uint8_t *cda = h_read(CERT_2, &len);
    const char *root = strstr((const char *)cda, "<ClinicalDocument");
    fse_buf b;
    char name[16];
    size_t pdf_len = 0;
    uint8_t *pdf;
    size_t i;

    (void)state;
    assert_non_null(root);
    fse_buf_init(&b, 2u * MIB);
    h_put(&b, "<xfa:datasets xmlns:xfa=\"http://www.xfa.org/schema/xfa-data/1.0/\"");
    for (i = 0; i < 1000; i++) {
        h_name_of(name, i);
        assert_int_equal(fse_buf_printf(&b, " xmlns:n%s=\"urn:x:%zu\"", name, i), FSE_OK);
    }
    h_put(&b, "><xfa:data>");
    assert_int_equal(fse_buf_append(&b, root, len - (size_t)(root - (const char *)cda)), FSE_OK);
    h_put(&b, XFA_CLOSE);
    pdf = h_pdf_with_datasets(&pdf_len, (const uint8_t *)b.data, b.len);
    h_expect_valid(pdf, pdf_len, "CDA under 1000 XFA namespace declarations");
    fse_free(pdf);
    fse_buf_free(&b);
    fse_free(cda);
}

/*
 * An XFA packet of 3 MB (a 500 KB PDF, the stream being compressed) that
 * nests the CDA in 200 elements declaring 1000 namespaces each: copying the
 * namespaces in scope onto the extracted CDA is quadratic in their number,
 * so the packet is refused by the parser's FSE_MAX_XML_NAMESPACES limit.
 */
void xfa_namespace_flood_is_refused_quickly(void **state)
{
    fse_buf b;
    char name[16];
    size_t pdf_len = 0;
    uint8_t *pdf;
    size_t level;
    size_t i;
    fse_outcome outcome = FSE_OUTCOME_OK;
    int kind = -1;
    double seconds = 0;
    bool finished;

    (void)state;
    fse_buf_init(&b, FSE_MAX_EMBEDDED_CDA_BYTES);
    h_put(&b, XFA_OPEN);
    for (level = 0; level < 200; level++) {
        h_put(&b, "<d");
        for (i = 0; i < 1000; i++) {
            h_name_of(name, level * 1000 + i);
            assert_int_equal(fse_buf_printf(&b, " xmlns:n%s=\"u\"", name), FSE_OK);
        }
        h_put(&b, ">");
    }
    h_put(&b, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>");
    for (level = 0; level < 200; level++) {
        h_put(&b, "</d>");
    }
    h_put(&b, XFA_CLOSE);
    pdf = h_pdf_with_datasets(&pdf_len, (const uint8_t *)b.data, b.len);
    fse_buf_free(&b);
    finished = h_validate_within(pdf, pdf_len, BUDGET_SECONDS, &outcome, &kind, &seconds);
    fse_free(pdf);
    if (!finished) {
        fail_msg("an XFA packet with 200 x 1000 nested namespace declarations (%zu-byte "
                 "PDF) still running after %u s",
                 pdf_len, BUDGET_SECONDS);
    }
    print_message("%.2f s, outcome %s, kind %d\n", seconds, fse_outcome_code(outcome), kind);
    assert_int_not_equal(outcome, FSE_OUTCOME_OK);
}
