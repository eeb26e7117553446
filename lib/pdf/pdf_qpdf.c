/*
 * lib/pdf/pdf_qpdf.c - the module's one gateway to libqpdf.
 *
 * Owns the set-up of a qpdf handle that never prints (errors silenced,
 * warnings suppressed, a logger that discards everything, recovery off),
 * the conversion of qpdf errors and warnings into fse_err with an English
 * message, and bounded decoding of stream data (Flate is inflated here with
 * zlib so a compression bomb stops at the caller's limit). Does not own what
 * is looked up in the PDF (pdf_extract.c) or what is built (pdf_embed.c).
 */
#include "pdf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "fse/util.h"

/* Size of the inflate output window appended to the result at a time. */
#define INFLATE_CHUNK 65536u

fse_err fse_pdf__session_open(fse_pdf__session *s)
{
    s->q = NULL;
    s->logger = NULL;
    s->q = qpdf_init();
    if (s->q == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_PDF_MODULE, "cannot create a qpdf handle");
    }
    qpdf_silence_errors(s->q);
    qpdf_set_suppress_warnings(s->q, QPDF_TRUE);
    qpdf_set_attempt_recovery(s->q, QPDF_FALSE);
    s->logger = qpdflogger_create();
    if (s->logger != NULL) {
        qpdflogger_set_info(s->logger, qpdf_log_dest_discard, NULL, NULL);
        qpdflogger_set_warn(s->logger, qpdf_log_dest_discard, NULL, NULL);
        qpdflogger_set_error(s->logger, qpdf_log_dest_discard, NULL, NULL);
        qpdf_set_logger(s->q, s->logger);
    }
    return FSE_OK;
}

void fse_pdf__session_close(fse_pdf__session *s)
{
    if (s->q != NULL) {
        qpdf_cleanup(&s->q);
    }
    if (s->logger != NULL) {
        qpdflogger_cleanup(&s->logger);
    }
    s->q = NULL;
    s->logger = NULL;
}

fse_err fse_pdf__fail(fse_pdf__session *s, fse_err code, const char *what)
{
    qpdf_error e = NULL;
    const char *text;

    if (qpdf_has_error(s->q)) {
        e = qpdf_get_error(s->q);
    } else if (qpdf_more_warnings(s->q)) {
        e = qpdf_next_warning(s->q);
    }
    if (e == NULL) {
        return fse_error_set(code, FSE_PDF_MODULE, "%s", what);
    }
    if (qpdf_get_error_code(s->q, e) == qpdf_e_password) {
        return fse_error_set(FSE_E_UNSUPPORTED, FSE_PDF_MODULE,
                             "PDF is encrypted and needs a password to open; "
                             "password-protected PDFs are not supported");
    }
    text = qpdf_get_error_full_text(s->q, e);
    return fse_error_set(code, FSE_PDF_MODULE, "%s: %s", what,
                         text != NULL && text[0] != '\0' ? text : "qpdf reported a failure");
}

fse_err fse_pdf__check(fse_pdf__session *s, const char *what)
{
    if (qpdf_has_error(s->q) || qpdf_more_warnings(s->q)) {
        return fse_pdf__fail(s, FSE_E_PARSE, what);
    }
    return FSE_OK;
}

typedef enum stream_codec {
    CODEC_NONE,    /* no filter: the raw bytes are the data */
    CODEC_FLATE,   /* one /FlateDecode without predictor: inflated here */
    CODEC_SHRINK,  /* only ASCIIHex / ASCII85: qpdf decodes, output <= input */
    CODEC_REFUSED, /* anything else */
} stream_codec;

static bool is_shrinking_filter(fse_pdf__session *s, qpdf_oh name)
{
    return qpdf_oh_is_name_and_equals(s->q, name, "/ASCIIHexDecode") ||
           qpdf_oh_is_name_and_equals(s->q, name, "/ASCII85Decode");
}

/* Whether /DecodeParms asks for nothing beyond plain Flate (no predictor). */
static bool plain_flate_parms(fse_pdf__session *s, qpdf_oh parms)
{
    qpdf_oh predictor;

    if (qpdf_oh_is_array(s->q, parms) && qpdf_oh_get_array_n_items(s->q, parms) == 1) {
        parms = qpdf_oh_get_array_item(s->q, parms, 0);
    }
    if (qpdf_oh_is_null(s->q, parms)) {
        return true;
    }
    if (!qpdf_oh_is_dictionary(s->q, parms)) {
        return false;
    }
    predictor = qpdf_oh_get_key(s->q, parms, "/Predictor");
    return qpdf_oh_is_null(s->q, predictor) ||
           (qpdf_oh_is_integer(s->q, predictor) && qpdf_oh_get_int_value(s->q, predictor) == 1);
}

static stream_codec classify_filters(fse_pdf__session *s, qpdf_oh dict, char *name_out,
                                     size_t name_size)
{
    qpdf_oh filter = qpdf_oh_get_key(s->q, dict, "/Filter");
    qpdf_oh parms = qpdf_oh_get_key(s->q, dict, "/DecodeParms");
    int n;
    int i;

    name_out[0] = '\0';
    if (qpdf_oh_is_array(s->q, filter) && qpdf_oh_get_array_n_items(s->q, filter) == 1) {
        filter = qpdf_oh_get_array_item(s->q, filter, 0);
    }
    if (qpdf_oh_is_null(s->q, filter) ||
        (qpdf_oh_is_array(s->q, filter) && qpdf_oh_get_array_n_items(s->q, filter) == 0)) {
        return CODEC_NONE;
    }
    if (qpdf_oh_is_name(s->q, filter)) {
        snprintf(name_out, name_size, "%s", qpdf_oh_get_name(s->q, filter));
        if (qpdf_oh_is_name_and_equals(s->q, filter, "/FlateDecode")) {
            return plain_flate_parms(s, parms) ? CODEC_FLATE : CODEC_REFUSED;
        }
        return is_shrinking_filter(s, filter) ? CODEC_SHRINK : CODEC_REFUSED;
    }
    if (!qpdf_oh_is_array(s->q, filter)) {
        snprintf(name_out, name_size, "(type: %s)", qpdf_oh_get_type_name(s->q, filter));
        return CODEC_REFUSED;
    }
    n = qpdf_oh_get_array_n_items(s->q, filter);
    snprintf(name_out, name_size, "a chain of %d filters", n);
    for (i = 0; i < n; i++) {
        if (!is_shrinking_filter(s, qpdf_oh_get_array_item(s->q, filter, i))) {
            return CODEC_REFUSED;
        }
    }
    return CODEC_SHRINK;
}

/* Inflate a zlib stream into out, refusing output past max. */
static fse_err inflate_bounded(fse_buf *out, const unsigned char *in, size_t in_len, size_t max,
                               const char *what)
{
    z_stream z;
    unsigned char *chunk = NULL;
    fse_err rc = FSE_OK;
    int zrc = Z_OK;
    bool started = false;

    if (in_len > UINT32_MAX) {
        return fse_error_set(FSE_E_LIMIT, FSE_PDF_MODULE, "%s: stream too large", what);
    }
    chunk = fse_malloc(INFLATE_CHUNK);
    if (chunk == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_PDF_MODULE, "%s: inflate buffer", what);
        goto done;
    }
    memset(&z, 0, sizeof(z));
    if (inflateInit(&z) != Z_OK) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_PDF_MODULE, "%s: cannot start zlib", what);
        goto done;
    }
    started = true;
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)in_len;
    while (zrc != Z_STREAM_END) {
        size_t produced;

        z.next_out = chunk;
        z.avail_out = INFLATE_CHUNK;
        zrc = inflate(&z, Z_NO_FLUSH);
        if (zrc != Z_OK && zrc != Z_STREAM_END) {
            rc = fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE,
                               "%s: corrupt or truncated Flate data (zlib: %s)", what,
                               z.msg != NULL ? z.msg : "no progress possible");
            goto done;
        }
        produced = INFLATE_CHUNK - z.avail_out;
        if (out->len + produced > max) {
            rc = fse_error_set(FSE_E_LIMIT, FSE_PDF_MODULE,
                               "%s: decoded data is over the limit of %zu bytes", what, max);
            goto done;
        }
        rc = fse_buf_append(out, chunk, produced);
        if (rc != FSE_OK) {
            goto done;
        }
        if (zrc == Z_OK && produced == 0 && z.avail_in == 0) {
            rc = fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE, "%s: truncated Flate data", what);
            goto done;
        }
    }
done:
    if (started) {
        inflateEnd(&z);
    }
    fse_free(chunk);
    return rc;
}

fse_err fse_pdf__stream_data(fse_pdf__session *s, qpdf_oh stream, size_t max, const char *what,
                             uint8_t **data_out, size_t *len_out)
{
    unsigned char *raw = NULL; /* malloc'd by qpdf: released with free() */
    size_t raw_len = 0;
    char filter_name[128];
    stream_codec codec;
    fse_buf out;
    fse_err rc = FSE_OK;

    *data_out = NULL;
    *len_out = 0;
    fse_buf_init(&out, max);
    if (!qpdf_oh_is_stream(s->q, stream)) {
        return fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE, "%s is not a stream (type: %s)", what,
                             qpdf_oh_get_type_name(s->q, stream));
    }
    codec = classify_filters(s, qpdf_oh_get_dict(s->q, stream), filter_name, sizeof(filter_name));
    rc = fse_pdf__check(s, what);
    if (rc != FSE_OK) {
        goto done;
    }
    if (codec == CODEC_REFUSED) {
        rc = fse_error_set(FSE_E_UNSUPPORTED, FSE_PDF_MODULE,
                           "%s uses stream filter %s; only none, FlateDecode (no predictor), "
                           "ASCIIHexDecode and ASCII85Decode are supported",
                           what, filter_name);
        goto done;
    }
    /* Raw data still has encryption removed by qpdf; only filters remain. */
    if ((qpdf_oh_get_stream_data(s->q, stream,
                                 codec == CODEC_SHRINK ? qpdf_dl_generalized : qpdf_dl_none, NULL,
                                 &raw, &raw_len) &
         QPDF_ERRORS) != 0) {
        rc = fse_pdf__fail(s, FSE_E_PARSE, what);
        goto done;
    }
    rc = fse_pdf__check(s, what);
    if (rc != FSE_OK) {
        goto done;
    }
    if (codec == CODEC_FLATE) {
        rc = inflate_bounded(&out, raw, raw_len, max, what);
    } else if (raw_len > max) {
        rc = fse_error_set(FSE_E_LIMIT, FSE_PDF_MODULE,
                           "%s is %zu bytes, over the limit of %zu bytes", what, raw_len, max);
    } else {
        rc = fse_buf_append(&out, raw, raw_len);
    }
    if (rc != FSE_OK) {
        goto done;
    }
    *data_out = (uint8_t *)fse_buf_steal(&out, len_out);
    if (*data_out == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_PDF_MODULE, "%s: output buffer", what);
    }
done:
    free(raw);
    fse_buf_free(&out);
    return rc;
}
