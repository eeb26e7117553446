/*
 * lib/pdf/pdf_extract.c - finding the CDA inside an untrusted PDF.
 *
 * Owns the public fse_pdf_detect and fse_pdf_extract_cda: the checks made
 * before qpdf sees the bytes (size, %PDF- header, %%EOF trailer marker), the
 * object-count limit, the bounded walk of the /EmbeddedFiles and
 * /XFAResources name trees and the /AcroForm /XFA packet array, and the
 * order in which the Gateway's two embedding modes are tried
 * (gateway-api.md §6: ATTACHMENT, then RESOURCE). Does not own qpdf set-up
 * and stream decoding (pdf_qpdf.c) or the XML side of XFA (pdf_xfa.c).
 */
#include "pdf_int.h"

#include <string.h>

#include "fse/limits.h"
#include "fse/util.h"

/* State of one bounded name-tree lookup. */
typedef struct tree_walk {
    fse_pdf__session *s;
    const char *want;    /* the key looked for */
    bool match_filespec; /* also match a value's /UF or /F file name */
    unsigned long visits;
    qpdf_oh found; /* the matching value; 0 while not found */
} tree_walk;

bool fse_pdf_detect(const uint8_t *data, size_t len)
{
    static const char magic[] = "%PDF-";
    size_t window = len < FSE_PDF_MARKER_WINDOW ? len : FSE_PDF_MARKER_WINDOW;
    size_t i;

    if (data == NULL || window < sizeof(magic) - 1) {
        return false;
    }
    for (i = 0; i + sizeof(magic) - 1 <= window; i++) {
        if (memcmp(data + i, magic, sizeof(magic) - 1) == 0) {
            return true;
        }
    }
    return false;
}

/* Whether "%%EOF" occurs in the last FSE_PDF_MARKER_WINDOW bytes. */
static bool has_eof_marker(const uint8_t *data, size_t len)
{
    static const char marker[] = "%%EOF";
    size_t m = sizeof(marker) - 1;
    size_t start = len > FSE_PDF_MARKER_WINDOW ? len - FSE_PDF_MARKER_WINDOW : 0;
    size_t i;

    for (i = start; i + m <= len; i++) {
        if (memcmp(data + i, marker, m) == 0) {
            return true;
        }
    }
    return false;
}

/* Whether oh is a PDF string whose text (PDFDocEncoding or UTF-16) is want. */
static bool string_equals(fse_pdf__session *s, qpdf_oh oh, const char *want)
{
    const char *text;
    size_t len;

    if (!qpdf_oh_is_string(s->q, oh)) {
        return false;
    }
    text = qpdf_oh_get_binary_utf8_value(s->q, oh, &len);
    return text != NULL && len == strlen(want) && memcmp(text, want, len) == 0;
}

/* Whether a file specification names want in /UF or /F. */
static bool filespec_names(fse_pdf__session *s, qpdf_oh spec, const char *want)
{
    if (!qpdf_oh_is_dictionary(s->q, spec)) {
        return false;
    }
    return string_equals(s, qpdf_oh_get_key(s->q, spec, "/UF"), want) ||
           string_equals(s, qpdf_oh_get_key(s->q, spec, "/F"), want);
}

static fse_err count_visit(tree_walk *w)
{
    if (++w->visits > FSE_PDF_MAX_NAME_TREE_VISITS) {
        return fse_error_set(FSE_E_LIMIT, FSE_PDF_MODULE,
                             "name tree has more than %u nodes and entries",
                             FSE_PDF_MAX_NAME_TREE_VISITS);
    }
    return FSE_OK;
}

/* Scan a flat [key1 value1 key2 value2 ...] array. */
static fse_err scan_names_array(tree_walk *w, qpdf_oh names)
{
    fse_pdf__session *s = w->s;
    int n = qpdf_oh_get_array_n_items(s->q, names);
    int i;
    fse_err rc = FSE_OK;

    for (i = 0; i + 1 < n && w->found == 0; i += 2) {
        qpdf_oh key = qpdf_oh_get_array_item(s->q, names, i);
        qpdf_oh value = qpdf_oh_get_array_item(s->q, names, i + 1);

        rc = count_visit(w);
        if (rc == FSE_OK) {
            rc = fse_pdf__check(s, "PDF name tree entry is damaged");
        }
        if (rc != FSE_OK) {
            return rc;
        }
        if (string_equals(s, key, w->want) ||
            (w->match_filespec && filespec_names(s, value, w->want))) {
            w->found = value;
        } else {
            qpdf_oh_release(s->q, value);
        }
        qpdf_oh_release(s->q, key);
    }
    return fse_pdf__check(s, "PDF name tree is damaged");
}

/* Depth-first lookup in a name tree; depth and total work are bounded. */
static fse_err walk_node(tree_walk *w, qpdf_oh node, int depth)
{
    fse_pdf__session *s = w->s;
    qpdf_oh names;
    qpdf_oh kids;
    int n;
    int i;
    fse_err rc;

    if (depth > FSE_PDF_MAX_NAME_TREE_DEPTH) {
        return fse_error_set(FSE_E_LIMIT, FSE_PDF_MODULE,
                             "name tree nested deeper than %d levels of /Kids (a loop?)",
                             FSE_PDF_MAX_NAME_TREE_DEPTH);
    }
    rc = count_visit(w);
    if (rc != FSE_OK) {
        return rc;
    }
    if (!qpdf_oh_is_dictionary(s->q, node)) {
        rc = fse_pdf__check(s, "PDF name tree node is damaged");
        if (rc != FSE_OK) {
            return rc;
        }
        return fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE,
                             "name tree node is not a dictionary (type: %s)",
                             qpdf_oh_get_type_name(s->q, node));
    }
    names = qpdf_oh_get_key(s->q, node, "/Names");
    if (qpdf_oh_is_array(s->q, names)) {
        rc = scan_names_array(w, names);
        if (rc != FSE_OK || w->found != 0) {
            return rc;
        }
    }
    kids = qpdf_oh_get_key(s->q, node, "/Kids");
    rc = fse_pdf__check(s, "PDF name tree node is damaged");
    if (rc != FSE_OK || !qpdf_oh_is_array(s->q, kids)) {
        return rc;
    }
    n = qpdf_oh_get_array_n_items(s->q, kids);
    for (i = 0; i < n && w->found == 0; i++) {
        qpdf_oh kid = qpdf_oh_get_array_item(s->q, kids, i);

        rc = walk_node(w, kid, depth + 1);
        qpdf_oh_release(s->q, kid);
        if (rc != FSE_OK) {
            return rc;
        }
    }
    return FSE_OK;
}

/* Look want up in a name tree (a dictionary) or a bare names array. */
static fse_err name_lookup(qpdf_oh *found_out, fse_pdf__session *s, qpdf_oh tree, const char *want,
                           bool match_filespec)
{
    tree_walk w;
    fse_err rc;

    memset(&w, 0, sizeof(w));
    w.s = s;
    w.want = want;
    w.match_filespec = match_filespec;
    *found_out = 0;
    if (qpdf_oh_is_array(s->q, tree)) {
        rc = scan_names_array(&w, tree);
    } else {
        rc = walk_node(&w, tree, 0);
    }
    *found_out = w.found;
    return rc;
}

/* The trailer's /Size bounds the object numbers qpdf will resolve. */
static fse_err check_object_count(fse_pdf__session *s)
{
    qpdf_oh size = qpdf_oh_get_key(s->q, qpdf_get_trailer(s->q), "/Size");
    long long n;

    if (!qpdf_oh_is_integer(s->q, size)) {
        return fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE, "PDF trailer has no integer /Size");
    }
    n = qpdf_oh_get_int_value(s->q, size);
    if (n < 0 || (unsigned long long)n > FSE_MAX_PDF_OBJECTS) {
        return fse_error_set(FSE_E_LIMIT, FSE_PDF_MODULE,
                             "PDF declares %lld objects, over the limit of %u", n,
                             FSE_MAX_PDF_OBJECTS);
    }
    return FSE_OK;
}

/* Find /Root/Names/EmbeddedFiles "cda.xml" and read its /EF stream. */
static fse_err find_attachment(uint8_t **data_out, size_t *len_out, fse_pdf__session *s,
                               qpdf_oh names)
{
    qpdf_oh tree = qpdf_oh_get_key(s->q, names, "/EmbeddedFiles");
    qpdf_oh spec;
    qpdf_oh ef;
    qpdf_oh stream;
    fse_err rc;

    if (qpdf_oh_is_null(s->q, tree)) {
        return fse_pdf__check(s, "PDF /EmbeddedFiles is damaged");
    }
    rc = name_lookup(&spec, s, tree, FSE_PDF_CDA_NAME, true);
    if (rc != FSE_OK || spec == 0) {
        return rc;
    }
    if (!qpdf_oh_is_dictionary(s->q, spec)) {
        rc = fse_pdf__check(s, "attachment " FSE_PDF_CDA_NAME " is damaged");
        if (rc != FSE_OK) {
            return rc;
        }
        return fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE,
                             "attachment " FSE_PDF_CDA_NAME
                             ": file specification is not a dictionary (type: %s)",
                             qpdf_oh_get_type_name(s->q, spec));
    }
    ef = qpdf_oh_get_key(s->q, spec, "/EF");
    if (!qpdf_oh_is_dictionary(s->q, ef)) {
        rc = fse_pdf__check(s, "attachment " FSE_PDF_CDA_NAME " is damaged");
        if (rc != FSE_OK) {
            return rc;
        }
        return fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE,
                             "attachment " FSE_PDF_CDA_NAME ": /EF is not a dictionary (type: %s)",
                             qpdf_oh_get_type_name(s->q, ef));
    }
    stream = qpdf_oh_get_key(s->q, ef, "/F");
    if (qpdf_oh_is_null(s->q, stream)) {
        stream = qpdf_oh_get_key(s->q, ef, "/UF");
    }
    rc = fse_pdf__check(s, "attachment " FSE_PDF_CDA_NAME " is damaged");
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_pdf__stream_data(s, stream, FSE_MAX_EMBEDDED_CDA_BYTES,
                              "attachment " FSE_PDF_CDA_NAME " (/EF /F)", data_out, len_out);
    if (rc == FSE_OK && *len_out == 0) {
        rc = fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE, "attachment " FSE_PDF_CDA_NAME " is empty");
    }
    return rc;
}

/* The "datasets" entry of an /AcroForm /XFA array, or the XFA stream itself. */
static fse_err acroform_datasets(qpdf_oh *stream_out, fse_pdf__session *s, qpdf_oh root)
{
    qpdf_oh form = qpdf_oh_get_key(s->q, root, "/AcroForm");
    qpdf_oh xfa;
    int n;
    int i;

    *stream_out = 0;
    if (!qpdf_oh_is_dictionary(s->q, form)) {
        return fse_pdf__check(s, "PDF /AcroForm is damaged");
    }
    xfa = qpdf_oh_get_key(s->q, form, "/XFA");
    if (qpdf_oh_is_stream(s->q, xfa)) {
        *stream_out = xfa;
        return FSE_OK;
    }
    if (!qpdf_oh_is_array(s->q, xfa)) {
        return fse_pdf__check(s, "PDF /AcroForm /XFA is damaged");
    }
    n = qpdf_oh_get_array_n_items(s->q, xfa);
    if (n > FSE_PDF_MAX_XFA_PACKETS) {
        return fse_error_set(FSE_E_LIMIT, FSE_PDF_MODULE,
                             "/AcroForm /XFA has %d items, over the limit of %d", n,
                             FSE_PDF_MAX_XFA_PACKETS);
    }
    for (i = 0; i + 1 < n; i += 2) {
        if (string_equals(s, qpdf_oh_get_array_item(s->q, xfa, i), FSE_PDF_XFA_DATASETS)) {
            *stream_out = qpdf_oh_get_array_item(s->q, xfa, i + 1);
            break;
        }
    }
    return fse_pdf__check(s, "PDF /AcroForm /XFA is damaged");
}

/* Find the XFA datasets packet and take its <ClinicalDocument>. */
static fse_err find_xfa(uint8_t **data_out, size_t *len_out, fse_pdf__session *s, qpdf_oh root,
                        qpdf_oh names)
{
    qpdf_oh stream = 0;
    uint8_t *packet = NULL;
    size_t packet_len = 0;
    fse_err rc = FSE_OK;

    if (qpdf_oh_is_dictionary(s->q, names)) {
        qpdf_oh tree = qpdf_oh_get_key(s->q, names, "/XFAResources");

        rc = fse_pdf__check(s, "PDF /XFAResources is damaged");
        if (rc != FSE_OK) {
            goto done;
        }
        if (!qpdf_oh_is_null(s->q, tree)) {
            rc = name_lookup(&stream, s, tree, FSE_PDF_XFA_DATASETS, false);
            if (rc != FSE_OK) {
                goto done;
            }
        }
    }
    if (stream == 0) {
        rc = acroform_datasets(&stream, s, root);
        if (rc != FSE_OK || stream == 0) {
            goto done;
        }
    }
    rc = fse_pdf__stream_data(s, stream, FSE_MAX_EMBEDDED_CDA_BYTES, "XFA datasets packet", &packet,
                              &packet_len);
    if (rc != FSE_OK) {
        goto done;
    }
    rc = fse_pdf__xfa_take_cda(data_out, len_out, packet, packet_len);
done:
    fse_free(packet);
    return rc;
}

/* Look for the CDA in an opened PDF: attachment first, then XFA. */
static fse_err find_cda(uint8_t **data_out, size_t *len_out, fse_pdf_embedding *how,
                        fse_pdf__session *s)
{
    qpdf_oh root = qpdf_get_root(s->q);
    qpdf_oh names;
    fse_err rc;

    rc = fse_pdf__check(s, "PDF catalog is damaged");
    if (rc != FSE_OK) {
        return rc;
    }
    if (!qpdf_oh_is_dictionary(s->q, root)) {
        return fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE,
                             "PDF /Root is not a dictionary (type: %s)",
                             qpdf_oh_get_type_name(s->q, root));
    }
    names = qpdf_oh_get_key(s->q, root, "/Names");
    rc = fse_pdf__check(s, "PDF /Root /Names is damaged");
    if (rc != FSE_OK) {
        return rc;
    }
    if (qpdf_oh_is_dictionary(s->q, names)) {
        rc = find_attachment(data_out, len_out, s, names);
        if (rc != FSE_OK || *data_out != NULL) {
            *how = FSE_PDF_EMBED_ATTACHMENT;
            return rc;
        }
    }
    rc = find_xfa(data_out, len_out, s, root, names);
    if (rc != FSE_OK) {
        return rc;
    }
    if (*data_out != NULL) {
        *how = FSE_PDF_EMBED_XFA;
        return FSE_OK;
    }
    return fse_error_set(FSE_E_NOT_FOUND, FSE_PDF_MODULE,
                         "PDF carries no CDA: no /EmbeddedFiles entry named " FSE_PDF_CDA_NAME
                         " and no XFA datasets packet");
}

fse_err fse_pdf_extract_cda(uint8_t **cda_out, size_t *cda_len_out, fse_pdf_embedding *how_out,
                            const uint8_t *pdf, size_t pdf_len)
{
    fse_pdf__session s = {NULL, NULL};
    fse_pdf_embedding how = FSE_PDF_EMBED_NONE;
    uint8_t *data = NULL;
    size_t len = 0;
    fse_err rc = FSE_OK;

    if (cda_out == NULL || cda_len_out == NULL || (pdf == NULL && pdf_len > 0)) {
        return fse_error_set(FSE_E_ARG, FSE_PDF_MODULE, "fse_pdf_extract_cda: NULL argument");
    }
    *cda_out = NULL;
    *cda_len_out = 0;
    if (how_out != NULL) {
        *how_out = FSE_PDF_EMBED_NONE;
    }
    if (pdf_len == 0) {
        return fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE, "empty input is not a PDF");
    }
    if (pdf_len > FSE_MAX_DOCUMENT_BYTES) {
        return fse_error_set(FSE_E_LIMIT, FSE_PDF_MODULE,
                             "PDF is %zu bytes, over the limit of %u bytes", pdf_len,
                             FSE_MAX_DOCUMENT_BYTES);
    }
    if (!fse_pdf_detect(pdf, pdf_len)) {
        return fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE,
                             "not a PDF: no %%PDF- header in the first %u bytes",
                             FSE_PDF_MARKER_WINDOW);
    }
    if (!has_eof_marker(pdf, pdf_len)) {
        return fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE,
                             "PDF is truncated: no %%%%EOF marker in the last %u bytes",
                             FSE_PDF_MARKER_WINDOW);
    }
    rc = fse_pdf__session_open(&s);
    if (rc != FSE_OK) {
        goto done;
    }
    if ((qpdf_read_memory(s.q, "input", (const char *)pdf, pdf_len, NULL) & QPDF_ERRORS) != 0) {
        rc = fse_pdf__fail(&s, FSE_E_PARSE, "PDF is damaged or truncated");
        goto done;
    }
    /* Before the warning check: qpdf also warns about an oversized /Size. */
    rc = check_object_count(&s);
    if (rc != FSE_OK) {
        goto done;
    }
    rc = fse_pdf__check(&s, "PDF is damaged");
    if (rc != FSE_OK) {
        goto done;
    }
    rc = find_cda(&data, &len, &how, &s);
    if (rc != FSE_OK) {
        goto done;
    }
    /* Damage qpdf worked around while resolving objects is still damage. */
    rc = fse_pdf__check(&s, "PDF is damaged");
    if (rc != FSE_OK) {
        goto done;
    }
    *cda_out = data;
    *cda_len_out = len;
    data = NULL;
    if (how_out != NULL) {
        *how_out = how;
    }
done:
    fse_free(data);
    fse_pdf__session_close(&s);
    return rc;
}
