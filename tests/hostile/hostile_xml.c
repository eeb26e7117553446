/*
 * tests/hostile/hostile_xml.c - hostile XML: entities and DOCTYPE, nesting,
 * size and node limits, attribute and namespace floods, huge text and
 * values, foreign encodings, empty, NUL and random bytes.
 */
#include "hostile_harness.h"

#include <stdio.h>
#include <string.h>

#include "fse/limits.h"

/* ---- entities and DOCTYPE ------------------------------------------- */

/* An external entity to /etc/passwd, alone and inside a real CDA (in text
 * and in an attribute): refused for its DOCTYPE, and no byte of the file
 * reaches the report. */
void xxe_is_refused_and_never_read(void **state)
{
    static const char *const bare[] = {
        "<?xml version=\"1.0\"?>\n<!DOCTYPE ClinicalDocument [\n"
        "  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>&xxe;</title></ClinicalDocument>\n",
        "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"/etc/passwd\">]><r a=\"&xxe;\"/>",
        "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"http://127.0.0.1:9/x\">]><r>&xxe;</r>",
    };
    size_t len = 0;
    uint8_t *cda = h_read(LDO_1, &len);
    size_t evil_len = 0;
    uint8_t *evil = h_with_doctype(&evil_len, cda, len,
                                   "<!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "
                                   "\"file:///etc/passwd\">]>\n",
                                   "xxe");
    uint8_t *pdf;
    size_t pdf_len = 0;
    size_t i;

    (void)state;
    for (i = 0; i <= sizeof(bare) / sizeof(bare[0]); i++) {
        const uint8_t *data = i < 3 ? (const uint8_t *)bare[i] : evil;
        size_t data_len = i < 3 ? strlen(bare[i]) : evil_len;
        fse_report *r = h_validate(data, data_len);
        char *json = h_report_json(r);

        h_expect_refused(r, FSE_FAILURE_INPUT, "DOCTYPE", "XXE");
        assert_null(strstr(json, g.passwd_line));
        assert_null(strstr(json, ":/bin/"));
        fse_free(json);
        fse_report_free(r);
    }
    /* The same CDA carried by a PDF. */
    pdf = h_pdf_with_cda(&pdf_len, evil, evil_len, true);
    {
        fse_report *r = h_validate(pdf, pdf_len);
        char *json = h_report_json(r);

        assert_true(r->from_pdf);
        h_expect_refused(r, FSE_FAILURE_INPUT, "DOCTYPE", "XXE in a PDF");
        assert_null(strstr(json, g.passwd_line));
        fse_free(json);
        fse_report_free(r);
    }
    fse_free(pdf);
    fse_free(evil);
    fse_free(cda);
}

/* Ten levels of ten-fold expansion: refused at the DOCTYPE, at once. */
void billion_laughs_is_refused_quickly(void **state)
{
    fse_buf b;
    uint64_t t0;
    int i;
    int k;

    (void)state;
    fse_buf_init(&b, MIB);
    h_put(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for (i = 1; i <= 9; i++) {
        assert_int_equal(fse_buf_printf(&b, " <!ENTITY lol%d \"", i), FSE_OK);
        for (k = 0; k < 10; k++) {
            if (i == 1) {
                h_put(&b, "&lol;");
            } else {
                assert_int_equal(fse_buf_printf(&b, "&lol%d;", i - 1), FSE_OK);
            }
        }
        h_put(&b, "\">\n");
    }
    h_put(&b, "]>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>&lol9;</title>"
              "</ClinicalDocument>\n");
    t0 = h_now_ns();
    h_expect_input_refusal((const uint8_t *)b.data, b.len, "DOCTYPE", "billion laughs");
    assert_true(h_now_ns() - t0 < 2000000000u);
    /* Quadratic blowup: one big entity referenced many times. */
    fse_buf_reset(&b);
    h_put(&b, "<!DOCTYPE r [<!ENTITY a \"");
    for (i = 0; i < 50000; i++) {
        h_put(&b, "a");
    }
    h_put(&b, "\">]><r>");
    for (i = 0; i < 50000; i++) {
        h_put(&b, "&a;");
    }
    h_put(&b, "</r>");
    h_expect_input_refusal((const uint8_t *)b.data, b.len, "DOCTYPE", "quadratic blowup");
    fse_buf_free(&b);
}

/* Parameter entities: the classic out-of-band exfiltration set-up, and an
 * external DTD (which would need the network). */
void parameter_entity_dtd_is_refused(void **state)
{
    static const char *const docs[] = {
        "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n"
        "  <!ENTITY % file SYSTEM \"file:///etc/passwd\">\n"
        "  <!ENTITY % wrap \"<!ENTITY &#x25; send SYSTEM 'http://127.0.0.1:9/?%file;'>\">\n"
        "  %wrap;\n  %send;\n]>\n<r/>",
        "<!DOCTYPE r [<!ENTITY % ext SYSTEM \"http://127.0.0.1:9/evil.dtd\"> %ext;]><r/>",
        "<!DOCTYPE ClinicalDocument SYSTEM \"http://127.0.0.1:9/CDA.dtd\">"
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>",
        "<!DOCTYPE r PUBLIC \"-//X//DTD X//EN\" \"file:///etc/passwd\"><r/>",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        fse_report *r = h_validate((const uint8_t *)docs[i], strlen(docs[i]));
        char *json = h_report_json(r);

        h_expect_refused(r, FSE_FAILURE_INPUT, "DOCTYPE", "parameter entity");
        assert_null(strstr(json, g.passwd_line));
        fse_free(json);
        fse_report_free(r);
    }
}

/* A DOCTYPE is refused even when harmless and even on a valid CDA. */
void any_doctype_is_refused(void **state)
{
    static const char *const doctypes[] = {
        "<!DOCTYPE ClinicalDocument [<!ATTLIST ClinicalDocument classCode CDATA \"DOCCLIN\">]>\n",
        "<!DOCTYPE ClinicalDocument [<!ELEMENT ClinicalDocument ANY>]>\n",
        "<!DOCTYPE ClinicalDocument>\n",
        "<!DOCTYPE ClinicalDocument [<!ENTITY name \"Mario\">]>\n",
    };
    size_t len = 0;
    uint8_t *cda = h_read(CERT_2, &len);
    size_t i;

    (void)state;
    h_expect_valid(cda, len, "the unmodified sample");
    for (i = 0; i < sizeof(doctypes) / sizeof(doctypes[0]); i++) {
        size_t evil_len = 0;
        uint8_t *evil = h_with_doctype(&evil_len, cda, len, doctypes[i], i == 3 ? "name" : NULL);

        h_expect_input_refusal(evil, evil_len, "DOCTYPE", doctypes[i]);
        fse_free(evil);
    }
    fse_free(cda);
}

/* ---- structure and size limits -------------------------------------- */

void deep_nesting_is_refused(void **state)
{
    const size_t depth = 100000;
    fse_buf b;
    size_t i;

    (void)state;
    fse_buf_init(&b, 2u * MIB);
    h_put(&b, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">");
    for (i = 0; i < depth; i++) {
        h_put(&b, "<a>");
    }
    /* Unclosed first, then closed. */
    h_expect_input_refusal((const uint8_t *)b.data, b.len, "deeper than", "100k open elements");
    for (i = 0; i < depth; i++) {
        h_put(&b, "</a>");
    }
    h_put(&b, "</ClinicalDocument>");
    h_expect_input_refusal((const uint8_t *)b.data, b.len, "deeper than", "100k nested elements");
    /* Just over the limit. */
    fse_buf_reset(&b);
    for (i = 0; i <= FSE_MAX_XML_DEPTH; i++) {
        h_put(&b, "<a>");
    }
    for (i = 0; i <= FSE_MAX_XML_DEPTH; i++) {
        h_put(&b, "</a>");
    }
    h_expect_input_refusal((const uint8_t *)b.data, b.len, "deeper than", "limit + 1 levels");
    fse_buf_free(&b);
}

/* 50 MB, as XML and as PDF: refused for its size before any parsing. */
void fifty_megabytes_are_refused_by_size_quickly(void **state)
{
    const size_t len = 50u * MIB;
    uint8_t *big = fse_malloc(len);
    uint64_t t0;
    uint64_t elapsed;
    int k;

    (void)state;
    assert_non_null(big);
    for (k = 0; k < 2; k++) {
        const char *head = k == 0 ? "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">" : "%PDF-1.7\n";

        memset(big, k == 0 ? 'x' : ' ', len);
        memcpy(big, head, strlen(head));
        t0 = h_now_ns();
        h_expect_input_refusal(big, len, "troppo grande", k == 0 ? "50 MB XML" : "50 MB PDF");
        elapsed = h_now_ns() - t0;
        if (elapsed > 100000000u) {
            fail_msg("a 50 MB input took %.3f s to refuse", (double)elapsed / 1e9);
        }
    }
    fse_free(big);
}

/* A valid CDA padded with a comment to exactly the limit is validated (and
 * valid); one byte more is refused for its size. */
void size_limit_is_exact(void **state)
{
    size_t len = 0;
    uint8_t *cda = h_read(CERT_2, &len);
    uint8_t *padded = fse_malloc(FSE_MAX_DOCUMENT_BYTES + 1);
    size_t total;

    (void)state;
    assert_non_null(padded);
    for (total = FSE_MAX_DOCUMENT_BYTES; total <= FSE_MAX_DOCUMENT_BYTES + 1; total++) {
        memcpy(padded, cda, len);
        memcpy(padded + len, "<!--", 4);
        memset(padded + len + 4, 'c', total - len - 7);
        memcpy(padded + total - 3, "-->", 3);
        if (total == FSE_MAX_DOCUMENT_BYTES) {
            h_expect_valid(padded, total, "a valid CDA of exactly 5 MB");
        } else {
            h_expect_input_refusal(padded, total, "troppo grande", "5 MB + 1 byte");
        }
    }
    fse_free(padded);
    fse_free(cda);
}

/* Just under the limit, well-formed, not a CDA. */
void just_under_the_limit_not_cda(void **state)
{
    const size_t target = FSE_MAX_DOCUMENT_BYTES - 64;
    fse_buf b;
    fse_report *r;
    size_t i;

    (void)state;
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    /* One big text node: no typeId, so no schema: the Gateway's own answer. */
    h_put(&b, "<notCda>");
    while (b.len < target) {
        h_put(&b, "lorem ipsum dolor sit amet ");
    }
    h_put(&b, "</notCda>");
    r = h_validate((const uint8_t *)b.data, b.len);
    h_expect_refused(r, FSE_FAILURE_ROUTING, "Schema with version  not found on database.",
                     "5 MB of text");
    fse_report_free(r);
    /* A CDA typeId on a foreign root: the schema refuses the root. */
    fse_buf_reset(&b);
    h_put(&b, "<notCda xmlns=\"urn:hl7-org:v3\"><typeId root=\"2.16.840.1.113883.1.3\" "
              "extension=\"POCD_MT000040UV02\"/>");
    while (b.len < target) {
        h_put(&b, "<p>lorem ipsum dolor sit amet</p>");
    }
    h_put(&b, "</notCda>");
    r = h_validate((const uint8_t *)b.data, b.len);
    h_expect_refused(r, FSE_FAILURE_XSD, "notCda", "5 MB foreign root");
    fse_report_free(r);
    /* 1.3 million empty elements: over the node limit. */
    fse_buf_reset(&b);
    h_put(&b, "<r>");
    for (i = 0; b.len < target; i++) {
        h_put(&b, "<x/>");
    }
    h_put(&b, "</r>");
    h_expect_input_refusal((const uint8_t *)b.data, b.len, "XML nodes", "1.3M elements");
    fse_buf_free(&b);
}

/* One attribute per name for a million names does not fit in 5 MB: refused
 * for its size. */
void million_attributes_are_refused_by_size(void **state)
{
    fse_buf b;
    char name[16];
    size_t i;
    uint64_t t0;

    (void)state;
    fse_buf_init(&b, 16u * MIB);
    h_put(&b, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"");
    for (i = 0; i < 1000000; i++) {
        h_name_of(name, i);
        assert_int_equal(fse_buf_printf(&b, " %s=\"\"", name), FSE_OK);
    }
    h_put(&b, "/>");
    assert_true(b.len > FSE_MAX_DOCUMENT_BYTES);
    t0 = h_now_ns();
    h_expect_input_refusal((const uint8_t *)b.data, b.len, "troppo grande", "1M attributes");
    assert_true(h_now_ns() - t0 < 1000000000u);
    fse_buf_free(&b);
}

/*
 * Attributes filling the 5 MB limit (about 600 000 on one element) must be
 * refused at once: libxml2 2.9's xmlParseStartTag2 checks each attribute for
 * duplicates against all the previous ones (quadratic: 150 000 attributes
 * take over a minute), so fse_xml_parse checks FSE_MAX_XML_ATTRIBUTES on the
 * raw bytes before libxml2 sees the tag.
 */
void attribute_flood_is_refused_quickly(void **state)
{
    fse_buf b;
    char name[16];
    size_t i;
    fse_outcome outcome = FSE_OUTCOME_OK;
    int kind = -1;
    double seconds = 0;

    (void)state;
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    h_put(&b, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"");
    for (i = 0; b.len < FSE_MAX_DOCUMENT_BYTES - 64; i++) {
        h_name_of(name, i);
        assert_int_equal(fse_buf_printf(&b, " %s=\"\"", name), FSE_OK);
    }
    h_put(&b, "/>");
    if (!h_validate_within((const uint8_t *)b.data, b.len, BUDGET_SECONDS, &outcome, &kind,
                           &seconds)) {
        size_t total = b.len;

        fse_buf_free(&b);
        fail_msg("%zu attributes on one element (%zu bytes) still running after %u s", i,
                 total, BUDGET_SECONDS);
    }
    assert_int_equal(outcome, FSE_OUTCOME_SYNTAX_ERROR);
    fse_buf_free(&b);
}

/* Two thousand namespace declarations on a valid CDA change nothing. */
void many_namespace_declarations_on_a_valid_cda(void **state)
{
    size_t len = 0;
    uint8_t *cda = h_read(CERT_2, &len);
    const char *root = strstr((const char *)cda, "<ClinicalDocument");
    size_t at;
    fse_buf b;
    char name[16];
    size_t i;

    (void)state;
    assert_non_null(root);
    at = (size_t)(root - (const char *)cda) + strlen("<ClinicalDocument");
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    assert_int_equal(fse_buf_append(&b, cda, at), FSE_OK);
    for (i = 0; i < 2000; i++) {
        h_name_of(name, i);
        assert_int_equal(fse_buf_printf(&b, " xmlns:n%s=\"urn:x:%zu\"", name, i), FSE_OK);
    }
    assert_int_equal(fse_buf_append(&b, cda + at, len - at), FSE_OK);
    h_expect_valid((const uint8_t *)b.data, b.len, "2000 namespace declarations");
    fse_buf_free(&b);
    fse_free(cda);
}

/*
 * A namespace bomb within the 5 MB limit: the default namespace, then
 * 150 000 prefixed declarations on the root, then 600 000 empty children.
 * libxml2 2.9 resolves each element's namespace by scanning the declarations
 * in scope linearly and checks each new declaration against the previous
 * ones, so fse_xml_parse refuses more than FSE_MAX_XML_NAMESPACES in scope,
 * before parsing.
 */
void namespace_flood_is_refused_quickly(void **state)
{
    fse_buf b;
    char name[16];
    size_t i;
    fse_outcome outcome = FSE_OUTCOME_OK;
    int kind = -1;
    double seconds = 0;

    (void)state;
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    h_put(&b, "<r xmlns=\"urn:hl7-org:v3\"");
    for (i = 0; i < 150000; i++) {
        h_name_of(name, i);
        assert_int_equal(fse_buf_printf(&b, " xmlns:n%s=\"u\"", name), FSE_OK);
    }
    h_put(&b, ">");
    while (b.len < FSE_MAX_DOCUMENT_BYTES - 64) {
        h_put(&b, "<a/>");
    }
    h_put(&b, "</r>");
    if (!h_validate_within((const uint8_t *)b.data, b.len, BUDGET_SECONDS, &outcome, &kind,
                           &seconds)) {
        size_t total = b.len;

        fse_buf_free(&b);
        fail_msg("150000 namespace declarations in %zu bytes still running after %u s", total,
                 BUDGET_SECONDS);
    }
    assert_int_equal(outcome, FSE_OUTCOME_SYNTAX_ERROR);
    fse_buf_free(&b);
}

/* A 4.5 MB title in a valid CDA: validated as usual, within the budget. */
void huge_text_node_keeps_the_verdict(void **state)
{
    size_t len = 0;
    uint8_t *cda = h_read(CERT_2, &len);
    const char *title = strstr((const char *)cda, "<title>");
    size_t at;
    fse_buf b;
    size_t i;
    fse_outcome outcome = FSE_OUTCOME_SYNTAX_ERROR;
    int kind = 0;
    double seconds = 0;

    (void)state;
    assert_non_null(title);
    at = (size_t)(title - (const char *)cda) + strlen("<title>");
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    assert_int_equal(fse_buf_append(&b, cda, at), FSE_OK);
    for (i = 0; i < 450000; i++) {
        h_put(&b, "Certifica ");
    }
    assert_int_equal(fse_buf_append(&b, cda + at, len - at), FSE_OK);
    assert_true(h_validate_within((const uint8_t *)b.data, b.len, BUDGET_SECONDS, &outcome, &kind,
                                  &seconds));
    print_message("4.5 MB title: %.2f s\n", seconds);
    assert_int_equal(outcome, FSE_OUTCOME_OK);
    h_expect_valid((const uint8_t *)b.data, b.len, "4.5 MB title");
    fse_buf_free(&b);
    fse_free(cda);
}

/*
 * An over-long attribute value (a 4.5 MB codice fiscale) still gives the
 * rule's own failure, ERRORE-33, as the Gateway does, with a message of at
 * most FSE_MAX_MESSAGE_BYTES that shows the start of the value (messages are
 * rendered whole, then cut).
 */
void huge_value_in_a_message_is_cut_not_dropped(void **state)
{
    static const char cf[] = "extension=\"RSSMRA22A01A399Z\"";
    size_t len = 0;
    uint8_t *cda = h_read(CERT_2, &len);
    const char *at = strstr((const char *)cda, cf);
    size_t head;
    fse_buf b;
    fse_report *r;
    size_t i;
    const fse_failure *f = NULL;
    bool cut = false;

    (void)state;
    assert_non_null(at);
    head = (size_t)(at - (const char *)cda);
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    assert_int_equal(fse_buf_append(&b, cda, head), FSE_OK);
    h_put(&b, "extension=\"");
    for (i = 0; i < 4500000 / 16; i++) {
        h_put(&b, "ABCDEFGHIJKLMNOP");
    }
    h_put(&b, "\"");
    assert_int_equal(fse_buf_append(&b, at + strlen(cf), len - head - strlen(cf)), FSE_OK);
    r = h_validate((const uint8_t *)b.data, b.len);
    fse_buf_free(&b);
    fse_free(cda);
    for (i = 0; i < r->n_failures; i++) {
        if (strcmp(r->failures[i].rule, "ERRORE-33") == 0) {
            f = &r->failures[i];
        }
    }
    if (f != NULL) {
        assert_true(strlen(f->message) <= FSE_MAX_MESSAGE_BYTES);
        /* value-of is written with a space on each side, as the ISO skeleton does */
        cut = strstr(f->message, "' ABCDEFGHIJKLMNOP") != NULL;
    }
    if (r->outcome != FSE_OUTCOME_SEMANTIC_ERROR || !cut) {
        h_print_report("4.5 MB codice fiscale", r);
        fse_report_free(r);
        fail_msg("expected 03 with ERRORE-33 showing the start of the value");
    }
    fse_report_free(r);
}

/* ---- encodings and junk --------------------------------------------- */

/*
 * Latin-1 bytes without an encoding declaration are not UTF-8: refused,
 * naming the problem. With the declaration the document is read correctly
 * and valid. UTF-16 (LE or BE) with a byte order mark is decoded by the
 * parser and validates exactly like the UTF-8 original: that is the
 * behaviour asserted here, with and without an encoding declaration. Each
 * UTF-16 run uses a fresh validator: on a validator that has already
 * streamed a document the same input gets false XSD errors (see
 * xsd_tree_fallback_keeps_the_verdict).
 */
void foreign_encodings(void **state)
{
    static const char decl_latin1[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n";
    static const char decl_utf16[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n";
    size_t len = 0;
    uint8_t *cda = h_read(CERT_4, &len);
    size_t l1_len = 0;
    uint8_t *latin1 = h_to_latin1(&l1_len, cda, len);
    fse_buf b;
    fse_report *base = h_validate(cda, len);
    int be;

    (void)state;
    assert_true(base->valid);
    assert_true(l1_len < len); /* the sample does have non-ASCII characters */
    h_expect_input_refusal(latin1, l1_len, "not proper UTF-8", "Latin-1 without declaration");
    fse_buf_init(&b, 2u * MIB);
    h_put(&b, decl_latin1);
    assert_int_equal(fse_buf_append(&b, latin1, l1_len), FSE_OK);
    h_expect_valid((const uint8_t *)b.data, b.len, "Latin-1 with its declaration");
    for (be = 0; be <= 1; be++) {
        int with_decl;

        for (with_decl = 0; with_decl <= 1; with_decl++) {
            size_t u16_len = 0;
            uint8_t *u16;
            fse_report *r;

            fse_buf_reset(&b);
            if (with_decl) {
                h_put(&b, decl_utf16);
            }
            assert_int_equal(fse_buf_append(&b, cda, len), FSE_OK);
            u16 = h_to_utf16(&u16_len, (const uint8_t *)b.data, b.len, be);
            r = h_validate_fresh(u16, u16_len);
            if (!h_same_verdict(r, base) || !r->valid) {
                h_print_report("UTF-16", r);
                fail_msg("UTF-16%s%s: verdict differs from UTF-8", be ? "BE" : "LE",
                         with_decl ? " with declaration" : "");
            }
            fse_report_free(r);
            fse_free(u16);
        }
    }
    fse_buf_free(&b);
    fse_report_free(base);
    fse_free(latin1);
    fse_free(cda);
}

/*
 * The verdict must not depend on what the validator saw before. When the XSD
 * cannot be guessed from the first 64 KB of bytes (UTF-16 input, or a
 * typeId after 64 KB of comments or namespace declarations), the parsed tree
 * is validated with xmlSchemaValidateDoc. libxml2 2.9 cannot use for that a
 * context once plugged into a SAX stream (xsi:type no longer resolves), so
 * the validator keeps separate contexts for tree validation.
 */
void xsd_tree_fallback_keeps_the_verdict(void **state)
{
    size_t len = 0;
    uint8_t *cda = h_read(CERT_4, &len);
    size_t u16_len = 0;
    uint8_t *u16 = h_to_utf16(&u16_len, cda, len, false);
    fse_buf b;
    fse_validator *v = NULL;
    const uint8_t *inputs[2];
    size_t lens[2];
    size_t bad = 0;
    size_t k;

    (void)state;
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    h_put(&b, "<!--");
    while (b.len < 70000) {
        h_put(&b, " padding padding padding padding");
    }
    h_put(&b, " -->\n");
    assert_int_equal(fse_buf_append(&b, cda, len), FSE_OK);
    inputs[0] = u16;
    lens[0] = u16_len;
    inputs[1] = (const uint8_t *)b.data;
    lens[1] = b.len;
    for (k = 0; k < 2; k++) {
        fse_report *first = NULL;
        fse_report *streamed = NULL;
        fse_report *again = NULL;

        assert_int_equal(fse_validator_new(&v, g.catalog), FSE_OK);
        assert_int_equal(fse_validator_run(v, inputs[k], lens[k], NULL, &first), FSE_OK);
        assert_int_equal(fse_validator_run(v, cda, len, NULL, &streamed), FSE_OK);
        assert_int_equal(fse_validator_run(v, inputs[k], lens[k], NULL, &again), FSE_OK);
        assert_true(first->valid);
        assert_true(streamed->valid);
        if (!again->valid) {
            h_print_report(k == 0 ? "UTF-16 after a streamed run"
                                  : "typeId past 64 KB after a "
                                    "streamed run",
                           again);
            bad++;
        }
        fse_report_free(first);
        fse_report_free(streamed);
        fse_report_free(again);
        fse_validator_free(v);
    }
    fse_buf_free(&b);
    fse_free(u16);
    fse_free(cda);
    if (bad > 0) {
        fail_msg("%zu input(s) valid on a fresh validator get 01 after another run", bad);
    }
}

void empty_and_nul_input(void **state)
{
    static const uint8_t one = 0;
    uint8_t *zeros = fse_calloc(1, 64u * 1024u);

    (void)state;
    assert_non_null(zeros);
    h_expect_input_refusal(&one, 0, "vuoto", "empty");
    h_expect_input_refusal(&one, 1, "XML non leggibile", "one NUL");
    h_expect_input_refusal(zeros, 4096, "XML non leggibile", "4 KB of NUL");
    h_expect_input_refusal(zeros, 64u * 1024u, "XML non leggibile", "64 KB of NUL");
    memcpy(zeros, "%PDF-1.7\n", 9);
    h_expect_input_refusal(zeros, 4096, "Error while extracting CDA", "PDF header then NUL");
    fse_free(zeros);
}

/* Random bytes, alone and after an XML or PDF start (fixed seed). */
void random_bytes_are_refused(void **state)
{
    static const char *const heads[] = {"",
                                        "<?xml version=\"1.0\"?>\n<ClinicalDocument "
                                        "xmlns=\"urn:hl7-org:v3\">",
                                        "%PDF-1.7\n"};
    uint64_t seed = 0x5eed5eed5eedULL;
    uint8_t *buf = fse_malloc(64u * 1024u);
    size_t round;

    (void)state;
    assert_non_null(buf);
    for (round = 0; round < 96; round++) {
        const char *head = heads[round % 3];
        size_t len = 1 + (size_t)(h_rng(&seed) % (64u * 1024u - 1));
        size_t i;
        fse_report *r;

        for (i = 0; i < len; i++) {
            buf[i] = (uint8_t)(h_rng(&seed) >> 56);
        }
        if (strlen(head) < len) {
            memcpy(buf, head, strlen(head));
        }
        r = h_validate(buf, len);
        h_expect_refused(r, FSE_FAILURE_INPUT,
                         round % 3 == 2 ? "Error while extracting CDA from PDF document"
                                        : "XML non leggibile",
                         "random bytes");
        fse_report_free(r);
    }
    fse_free(buf);
}
