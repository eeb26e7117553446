/*
 * lib/pdf/pdf_embed.c - building a small PDF that carries a CDA.
 *
 * Owns the public fse_pdf_embed_cda: the one-page document (title line in
 * Helvetica, WinAnsi text), the /EmbeddedFiles attachment "cda.xml" with its
 * PDF/A-3 associated-file links (/AF, /AFRelationship /Source, mime type in
 * /Subtype), the /XFAResources "datasets" alternative, and the writer
 * settings that make the output deterministic (no clock, /ID from a hash of
 * the content). Does not own the XML checks on the CDA or the datasets
 * packet (pdf_xfa.c) or the qpdf session set-up (pdf_qpdf.c).
 */
#include "pdf_int.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "fse/limits.h"
#include "fse/util.h"

/* Longest title shown on the page, in characters; longer ones end in "...". */
#define TITLE_MAX_CHARS 80u
#define DEFAULT_TITLE "Clinical document (CDA)"

/* Page and font set-up: A4 portrait, standard Helvetica, WinAnsi encoding. */
static const char page_template[] =
    "<< /Type /Page /MediaBox [0 0 595 842] /Resources << /Font << /F1 << /Type /Font "
    "/Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >> >> >> >>";

/* Read one UTF-8 sequence at s[*i]; return its code point, or 0xFFFD. */
static unsigned long next_code_point(const unsigned char *s, size_t len, size_t *i)
{
    unsigned char c = s[*i];
    unsigned long cp;
    size_t n;
    size_t k;

    if (c < 0x80) {
        *i += 1;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        cp = c & 0x07u;
    } else {
        *i += 1;
        return 0xFFFD;
    }
    for (k = 1; k <= n; k++) {
        if (*i + k >= len || (s[*i + k] & 0xC0u) != 0x80u) {
            *i += k;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[*i + k] & 0x3Fu);
    }
    *i += n + 1;
    return cp;
}

/* One code point as a WinAnsi byte: Latin-1 plus a few common marks. */
static unsigned char winansi(unsigned long cp)
{
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
        return ' ';
    }
    if (cp < 0x100) {
        return (unsigned char)cp;
    }
    switch (cp) {
    case 0x20AC:
        return 0x80; /* euro sign */
    case 0x2018:
        return 0x91;
    case 0x2019:
        return 0x92;
    case 0x201C:
        return 0x93;
    case 0x201D:
        return 0x94;
    case 0x2013:
        return 0x96;
    case 0x2014:
        return 0x97;
    default:
        return '?';
    }
}

/* The page content stream: the title as a hex string, whitespace collapsed. */
static fse_err page_content(fse_buf *out, const char *title)
{
    const unsigned char *s = (const unsigned char *)title;
    size_t len = strlen(title);
    size_t i = 0;
    unsigned n = 0;
    bool space = true; /* drops leading and repeated blanks */
    fse_err rc;

    rc = fse_buf_append_str(out, "BT\n/F1 12 Tf\n56 780 Td\n<");
    while (rc == FSE_OK && i < len && n < TITLE_MAX_CHARS) {
        unsigned char b = winansi(next_code_point(s, len, &i));

        if (b == ' ' && space) {
            continue;
        }
        space = b == ' ';
        rc = fse_buf_printf(out, "%02X", b);
        n++;
    }
    if (rc == FSE_OK && i < len) {
        rc = fse_buf_append_str(out, "2E2E2E");
    }
    if (rc == FSE_OK) {
        rc = fse_buf_append_str(out, "> Tj\nET\n");
    }
    return rc;
}

/* A new stream holding data, uncompressed: the writer compresses it. */
static qpdf_oh new_stream(qpdf_data q, const uint8_t *data, size_t len)
{
    qpdf_oh stream = qpdf_oh_new_stream(q);

    qpdf_oh_replace_stream_data(q, stream, data, len, qpdf_oh_new_null(q), qpdf_oh_new_null(q));
    return stream;
}

static void add_page(qpdf_data q, const fse_buf *content)
{
    qpdf_oh page = qpdf_oh_parse(q, page_template);

    qpdf_oh_replace_key(q, page, "/Contents",
                        new_stream(q, (const uint8_t *)content->data, content->len));
    page = qpdf_make_indirect_object(q, page);
    qpdf_add_page(q, q, page, QPDF_FALSE);
}

static void set_info(qpdf_data q, const char *title)
{
    qpdf_oh info = qpdf_oh_new_dictionary(q);

    qpdf_oh_replace_key(q, info, "/Title", qpdf_oh_new_unicode_string(q, title));
    qpdf_oh_replace_key(q, qpdf_get_trailer(q), "/Info", qpdf_make_indirect_object(q, info));
}

/* The embedded file stream, its file specification, /Names and /AF. */
static fse_err add_attachment(qpdf_data q, qpdf_oh root, const uint8_t *cda, size_t cda_len)
{
    unsigned char md5[EVP_MAX_MD_SIZE];
    unsigned int md5_len = 0;
    qpdf_oh ef;
    qpdf_oh dict;
    qpdf_oh params;
    qpdf_oh spec;
    qpdf_oh ef_dict;
    qpdf_oh list;
    qpdf_oh tree;
    qpdf_oh names;
    qpdf_oh af;

    if (EVP_Digest(cda, cda_len, md5, &md5_len, EVP_md5(), NULL) != 1) {
        return fse_error_set(FSE_E_CRYPTO, FSE_PDF_MODULE, "MD5 of the CDA for /CheckSum");
    }
    ef = new_stream(q, cda, cda_len);
    dict = qpdf_oh_get_dict(q, ef);
    qpdf_oh_replace_key(q, dict, "/Type", qpdf_oh_new_name(q, "/EmbeddedFile"));
    qpdf_oh_replace_key(q, dict, "/Subtype", qpdf_oh_new_name(q, "/text/xml"));
    params = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, params, "/Size", qpdf_oh_new_integer(q, (long long)cda_len));
    qpdf_oh_replace_key(q, params, "/CheckSum",
                        qpdf_oh_new_binary_string(q, (const char *)md5, md5_len));
    qpdf_oh_replace_key(q, dict, "/Params", params);

    spec = qpdf_oh_parse(q, "<< /Type /Filespec /F (" FSE_PDF_CDA_NAME ") /UF (" FSE_PDF_CDA_NAME
                            ") /AFRelationship /Source /Desc (Clinical Document, HL7 CDA R2) >>");
    ef_dict = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, ef_dict, "/F", ef);
    qpdf_oh_replace_key(q, ef_dict, "/UF", ef);
    qpdf_oh_replace_key(q, spec, "/EF", ef_dict);
    spec = qpdf_make_indirect_object(q, spec);

    list = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, list, qpdf_oh_new_string(q, FSE_PDF_CDA_NAME));
    qpdf_oh_append_item(q, list, spec);
    tree = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, tree, "/Names", list);
    names = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, names, "/EmbeddedFiles", tree);
    qpdf_oh_replace_key(q, root, "/Names", names);
    af = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, af, spec);
    qpdf_oh_replace_key(q, root, "/AF", af);
    return FSE_OK;
}

/* /Root/Names/XFAResources << /Names [(datasets) stream] >> */
static void add_xfa(qpdf_data q, qpdf_oh root, const uint8_t *packet, size_t packet_len)
{
    qpdf_oh list = qpdf_oh_new_array(q);
    qpdf_oh tree = qpdf_oh_new_dictionary(q);
    qpdf_oh names = qpdf_oh_new_dictionary(q);

    qpdf_oh_append_item(q, list, qpdf_oh_new_string(q, FSE_PDF_XFA_DATASETS));
    qpdf_oh_append_item(q, list, new_stream(q, packet, packet_len));
    qpdf_oh_replace_key(q, tree, "/Names", list);
    qpdf_oh_replace_key(q, names, "/XFAResources", tree);
    qpdf_oh_replace_key(q, root, "/Names", names);
}

/* Write the document to memory and copy it into an fse buffer. */
static fse_err write_pdf(uint8_t **pdf_out, size_t *pdf_len_out, fse_pdf__session *s)
{
    const unsigned char *buf;
    size_t len;

    if ((qpdf_init_write_memory(s->q) & QPDF_ERRORS) != 0) {
        return fse_pdf__fail(s, FSE_E_INTERNAL, "cannot start writing the PDF");
    }
    /* Deterministic: /ID is an MD5 of the content, no dates are written. */
    qpdf_set_deterministic_ID(s->q, QPDF_TRUE);
    qpdf_force_pdf_version(s->q, "1.7");
    qpdf_set_object_stream_mode(s->q, qpdf_o_disable);
    qpdf_set_compress_streams(s->q, QPDF_TRUE);
    if ((qpdf_write(s->q) & QPDF_ERRORS) != 0) {
        return fse_pdf__fail(s, FSE_E_INTERNAL, "writing the PDF failed");
    }
    if (qpdf_more_warnings(s->q)) {
        return fse_pdf__fail(s, FSE_E_INTERNAL, "writing the PDF gave a warning");
    }
    len = qpdf_get_buffer_length(s->q);
    buf = qpdf_get_buffer(s->q);
    if (buf == NULL) {
        return fse_error_set(FSE_E_INTERNAL, FSE_PDF_MODULE, "qpdf wrote no PDF");
    }
    if (len > FSE_MAX_DOCUMENT_BYTES) {
        return fse_error_set(FSE_E_LIMIT, FSE_PDF_MODULE,
                             "built PDF is %zu bytes, over the limit of %u bytes", len,
                             FSE_MAX_DOCUMENT_BYTES);
    }
    *pdf_out = (uint8_t *)fse_strndup((const char *)buf, len);
    if (*pdf_out == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_PDF_MODULE, "PDF of %zu bytes", len);
    }
    *pdf_len_out = len;
    return FSE_OK;
}

fse_err fse_pdf_embed_cda(uint8_t **pdf_out, size_t *pdf_len_out, const uint8_t *cda,
                          size_t cda_len, const fse_pdf_embed_opts *opts)
{
    fse_pdf__session s = {NULL, NULL};
    bool xfa = opts != NULL && opts->embedding == FSE_PDF_EMBED_XFA;
    char *cda_title = NULL;
    uint8_t *packet = NULL;
    size_t packet_len = 0;
    const char *title;
    fse_buf content;
    qpdf_oh root;
    fse_err rc = FSE_OK;

    fse_buf_init(&content, 4096);
    if (pdf_out == NULL || pdf_len_out == NULL || cda == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_PDF_MODULE, "fse_pdf_embed_cda: NULL argument");
    }
    *pdf_out = NULL;
    *pdf_len_out = 0;
    if (opts != NULL && ((int)opts->embedding < (int)FSE_PDF_EMBED_NONE ||
                         (int)opts->embedding > (int)FSE_PDF_EMBED_XFA)) {
        return fse_error_set(FSE_E_ARG, FSE_PDF_MODULE, "unknown embedding mode %d",
                             (int)opts->embedding);
    }
    if (cda_len > FSE_MAX_EMBEDDED_CDA_BYTES) {
        return fse_error_set(FSE_E_LIMIT, FSE_PDF_MODULE,
                             "CDA is %zu bytes, over the limit of %u bytes", cda_len,
                             FSE_MAX_EMBEDDED_CDA_BYTES);
    }
    rc = fse_pdf__cda_inspect(&cda_title, xfa ? &packet : NULL, xfa ? &packet_len : NULL, cda,
                              cda_len);
    if (rc != FSE_OK) {
        goto done;
    }
    title = opts != NULL && opts->title != NULL ? opts->title : cda_title;
    if (title == NULL || title[0] == '\0') {
        title = DEFAULT_TITLE;
    }
    rc = page_content(&content, title);
    if (rc != FSE_OK) {
        goto done;
    }
    rc = fse_pdf__session_open(&s);
    if (rc != FSE_OK) {
        goto done;
    }
    if ((qpdf_empty_pdf(s.q) & QPDF_ERRORS) != 0) {
        rc = fse_pdf__fail(&s, FSE_E_INTERNAL, "cannot start an empty PDF");
        goto done;
    }
    root = qpdf_get_root(s.q);
    add_page(s.q, &content);
    set_info(s.q, title);
    if (xfa) {
        add_xfa(s.q, root, packet, packet_len);
    } else {
        rc = add_attachment(s.q, root, cda, cda_len);
        if (rc != FSE_OK) {
            goto done;
        }
    }
    if (qpdf_has_error(s.q)) {
        rc = fse_pdf__fail(&s, FSE_E_INTERNAL, "building the PDF objects failed");
        goto done;
    }
    rc = write_pdf(pdf_out, pdf_len_out, &s);
done:
    fse_pdf__session_close(&s);
    fse_buf_free(&content);
    fse_free(packet);
    fse_free(cda_title);
    return rc;
}
