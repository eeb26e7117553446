/*
 * tests/pdf/pdf_fixture.c - builders and checks shared by the pdf tests:
 * reading the official fixtures, SHA-256, hand-made PDFs with exact xref
 * offsets, encryption through the qpdf C API, and XML comparison by
 * canonical form. The declarations are documented in pdf_fixture.h.
 */
#include "pdf_fixture.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/c14n.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <qpdf/qpdf-c.h>

#include "fse/util.h"
#include "fse/xml.h"

uint8_t *load_file(const char *path, size_t *len_out)
{
    uint8_t *data = NULL;

    assert_int_equal(fse_file_read(path, 64u * 1024u * 1024u, &data, len_out), FSE_OK);
    return data;
}

void sha256_hex(char out[65], const uint8_t *data, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;

    assert_int_equal(EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL), 1);
    assert_int_equal(md_len, 32);
    fse_hex_encode(out, md, md_len);
}

uint8_t *make_pdf(size_t *len_out, const pdf_obj *objs, size_t n, size_t declared_size)
{
    fse_buf b;
    size_t offsets[32];
    size_t xref;
    size_t i;

    assert_true(n < 32);
    fse_buf_init(&b, 64u * 1024u * 1024u);
    assert_int_equal(fse_buf_append_str(&b, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), FSE_OK);
    for (i = 0; i < n; i++) {
        offsets[i] = b.len;
        assert_int_equal(fse_buf_printf(&b, "%zu 0 obj\n", i + 1), FSE_OK);
        assert_int_equal(
            fse_buf_append(&b, objs[i].data, objs[i].len != 0 ? objs[i].len : strlen(objs[i].data)),
            FSE_OK);
        assert_int_equal(fse_buf_append_str(&b, "\nendobj\n"), FSE_OK);
    }
    xref = b.len;
    assert_int_equal(fse_buf_printf(&b, "xref\n0 %zu\n0000000000 65535 f \n", n + 1), FSE_OK);
    for (i = 0; i < n; i++) {
        assert_int_equal(fse_buf_printf(&b, "%010zu 00000 n \n", offsets[i]), FSE_OK);
    }
    assert_int_equal(
        fse_buf_printf(&b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                       declared_size != 0 ? declared_size : n + 1, xref),
        FSE_OK);
    return (uint8_t *)fse_buf_steal(&b, len_out);
}

/* A stream object "<< dict /Length n >> stream data endstream". */
char *make_stream(size_t *len_out, const char *dict, const void *data, size_t len)
{
    fse_buf b;

    fse_buf_init(&b, 64u * 1024u * 1024u);
    assert_int_equal(fse_buf_printf(&b, "<< %s /Length %zu >>\nstream\n", dict, len), FSE_OK);
    assert_int_equal(fse_buf_append(&b, data, len), FSE_OK);
    assert_int_equal(fse_buf_append_str(&b, "\nendstream"), FSE_OK);
    return fse_buf_steal(&b, len_out);
}

/* Catalog, pages, page, then objects 4.. as given; the CDA stream is last. */
uint8_t *make_attachment_pdf(size_t *len_out, const char *names, const char *obj4, const char *obj5,
                             const char *stream_dict, const void *data, size_t data_len)
{
    char catalog[256];
    size_t stream_len = 0;
    char *stream = make_stream(&stream_len, stream_dict, data, data_len);
    pdf_obj objs[6];
    uint8_t *pdf;

    snprintf(catalog, sizeof(catalog), "<< /Type /Catalog /Pages 2 0 R %s >>", names);
    objs[0] = (pdf_obj){catalog, 0};
    objs[1] = (pdf_obj){PAGES, 0};
    objs[2] = (pdf_obj){PAGE, 0};
    objs[3] = (pdf_obj){obj4, 0};
    objs[4] = (pdf_obj){obj5, 0};
    objs[5] = (pdf_obj){stream, stream_len};
    pdf = make_pdf(len_out, objs, 6, 0);
    fse_free(stream);
    return pdf;
}

/* Encrypt pdf with qpdf (AES-256, R6). */
uint8_t *encrypt_pdf(size_t *len_out, const uint8_t *pdf, size_t len, const char *user)
{
    qpdf_data q = qpdf_init();
    uint8_t *out;

    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    assert_int_equal(qpdf_read_memory(q, "plain", (const char *)pdf, len, NULL) & QPDF_ERRORS, 0);
    assert_int_equal(qpdf_init_write_memory(q) & QPDF_ERRORS, 0);
    qpdf_set_r6_encryption_parameters2(q, user, "owner-secret", QPDF_TRUE, QPDF_TRUE, QPDF_TRUE,
                                       QPDF_TRUE, QPDF_TRUE, QPDF_TRUE, qpdf_r3p_full, QPDF_TRUE);
    assert_int_equal(qpdf_write(q) & QPDF_ERRORS, 0);
    *len_out = qpdf_get_buffer_length(q);
    out = (uint8_t *)fse_strndup((const char *)qpdf_get_buffer(q), *len_out);
    assert_non_null(out);
    qpdf_cleanup(&q);
    return out;
}

/* Exclusive C14N of the document element alone (top-level comments and
 * processing instructions dropped, unused namespace declarations ignored),
 * for comparing XML by content. */
char *canonical_xml(const uint8_t *xml, size_t len)
{
    xmlDocPtr doc = NULL;
    xmlNode *cur;
    xmlChar *out = NULL;
    char *copy;

    assert_int_equal(fse_xml_parse(&doc, NULL, xml, len, NULL), FSE_OK);
    cur = doc->children;
    while (cur != NULL) {
        xmlNode *next = cur->next;

        if (cur->type != XML_ELEMENT_NODE) {
            xmlUnlinkNode(cur);
            xmlFreeNode(cur);
        }
        cur = next;
    }
    assert_true(xmlC14NDocDumpMemory(doc, NULL, XML_C14N_EXCLUSIVE_1_0, NULL, 0, &out) > 0);
    copy = fse_strdup((const char *)out);
    xmlFree(out);
    xmlFreeDoc(doc);
    return copy;
}

/* The first /ID string of the trailer, hex (static buffer). */
const char *trailer_id(const uint8_t *pdf, size_t len)
{
    static char id[2][80];
    static int which;
    const char *p = NULL;
    size_t i;

    for (i = 0; i + 6 < len; i++) {
        if (memcmp(pdf + i, "/ID [<", 6) == 0) {
            p = (const char *)pdf + i + 6;
        }
    }
    assert_non_null(p);
    which ^= 1;
    snprintf(id[which], sizeof(id[which]), "%.32s", p);
    return id[which];
}

void assert_clinical_document(const uint8_t *xml, size_t len)
{
    xmlDocPtr doc = NULL;
    xmlNode *root;

    assert_int_equal(fse_xml_parse(&doc, NULL, xml, len, NULL), FSE_OK);
    root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "ClinicalDocument");
    assert_non_null(root->ns);
    assert_string_equal((const char *)root->ns->href, "urn:hl7-org:v3");
    xmlFreeDoc(doc);
}
