/*
 * lib/pdf/pdf_int.h - internals shared by the files of the pdf module.
 *
 * Owns the qpdf session helpers (pdf_qpdf.c: a silenced qpdf handle, error
 * conversion, bounded stream decoding), the XFA datasets helpers (pdf_xfa.c)
 * and the module's structural limits. The public API is in fse/pdf.h;
 * extraction lives in pdf_extract.c and building in pdf_embed.c.
 */
#ifndef FSE_PDF_INT_H
#define FSE_PDF_INT_H

#include <qpdf/qpdf-c.h>

#include "fse/pdf.h"

#define FSE_PDF_MODULE "pdf"

/* Name of the attachment carrying the CDA (gateway-api.md §6, ATTACHMENT). */
#define FSE_PDF_CDA_NAME "cda.xml"
/* Name of the XFA packet carrying the CDA (gateway-api.md §6, RESOURCE). */
#define FSE_PDF_XFA_DATASETS "datasets"

/* Deepest /Kids nesting followed in a name tree. Real files use one level
 * (the Gateway reads flat /Names or one level of /Kids); a loop of /Kids
 * must end as an error, not as unbounded recursion. */
#define FSE_PDF_MAX_NAME_TREE_DEPTH 8

/* Most name-tree nodes plus entries visited in one lookup. Bounds the work a
 * tree of shared /Kids (a DAG that fans out at each level) can cause. */
#define FSE_PDF_MAX_NAME_TREE_VISITS 100000u

/* Most items read from an /AcroForm /XFA packet array. */
#define FSE_PDF_MAX_XFA_PACKETS 1000

/* Readers look for "%PDF-" and for %%EOF within this many bytes of the
 * start and of the end of the file. */
#define FSE_PDF_MARKER_WINDOW 1024u

/* A qpdf handle that never prints: errors silenced, warnings suppressed, all
 * log output discarded. */
typedef struct fse_pdf__session {
    qpdf_data q;
    qpdflogger_handle logger;
} fse_pdf__session;

/* Open a silenced qpdf session (recovery off). FSE_E_NOMEM on failure. */
fse_err fse_pdf__session_open(fse_pdf__session *s);
/* Release everything qpdf holds for the session. Safe on a zeroed session. */
void fse_pdf__session_close(fse_pdf__session *s);

/*
 * Turn the pending qpdf error (or, when there is none, the first pending
 * warning) into an fse error "<what>: <qpdf text>" with code. A password
 * error always becomes FSE_E_UNSUPPORTED.
 */
fse_err fse_pdf__fail(fse_pdf__session *s, fse_err code, const char *what);

/* FSE_OK when qpdf holds no error and no warning; otherwise a PARSE failure
 * that names what was being read. Warnings mean damage qpdf worked around. */
fse_err fse_pdf__check(fse_pdf__session *s, const char *what);

/*
 * Decoded data of a stream, at most max bytes (FSE_E_LIMIT past it), into a
 * NUL-terminated buffer the caller frees with fse_free. Unfiltered and
 * /FlateDecode streams are decoded here with a bound; ASCIIHex and ASCII85
 * (which only shrink) through qpdf; other filters give FSE_E_UNSUPPORTED.
 */
fse_err fse_pdf__stream_data(fse_pdf__session *s, qpdf_oh stream, size_t max, const char *what,
                             uint8_t **data_out, size_t *len_out);

/*
 * From an XFA datasets packet (untrusted XML), the first <ClinicalDocument>
 * element serialised as a standalone UTF-8 document with the namespace
 * declarations in scope. FSE_E_NOT_FOUND when the packet has none.
 */
fse_err fse_pdf__xfa_take_cda(uint8_t **cda_out, size_t *cda_len_out, const uint8_t *xml,
                              size_t xml_len);

/*
 * Check that cda is well-formed XML rooted at ClinicalDocument; optionally
 * return its <title> text (caller frees with fse_free; NULL when absent)
 * and an XFA datasets packet wrapping the root element.
 */
fse_err fse_pdf__cda_inspect(char **title_out, uint8_t **datasets_out, size_t *datasets_len_out,
                             const uint8_t *cda, size_t cda_len);

#endif /* FSE_PDF_INT_H */
