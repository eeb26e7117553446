/*
 * include/fse/pdf.h - the CDA carried inside a PDF: detection, extraction and
 * embedding, as the national Gateway reads it (gateway-api.md §6).
 *
 * Owns the two embedding modes (an EmbeddedFiles attachment named cda.xml,
 * or an XFA "datasets" resource holding a <ClinicalDocument>) and the rules
 * for refusing damaged, encrypted or oversized PDFs. Does not own CDA
 * validation (fse/validate.h), XML parsing (fse/xml.h) or PAdES signature
 * checks. Every function is thread-safe: no state is shared between calls.
 */
#ifndef FSE_PDF_H
#define FSE_PDF_H

#include "fse/common.h"
#include "fse/error.h"

/* How the CDA is carried inside the PDF. */
typedef enum fse_pdf_embedding {
    FSE_PDF_EMBED_NONE = 0,       /* no CDA found (only as an out value on failure) */
    FSE_PDF_EMBED_ATTACHMENT = 1, /* /Root/Names/EmbeddedFiles entry "cda.xml" */
    FSE_PDF_EMBED_XFA = 2         /* XFA "datasets" packet holding <ClinicalDocument> */
} fse_pdf_embedding;

/*
 * True when data starts like a PDF: "%PDF-" within the first 1024 bytes, as
 * readers accept. Says nothing about whether the rest is well formed.
 */
FSE_API bool fse_pdf_detect(const uint8_t *data, size_t len);

/*
 * Extract the CDA carried by a PDF.
 *
 * Looks first for the EmbeddedFiles attachment named "cda.xml" (matching the
 * name-tree key or the filespec /UF or /F; flat /Names or nested /Kids, with
 * nesting and entry counts bounded), then for an XFA "datasets" resource
 * (/Root/Names/XFAResources, then /Root/AcroForm/XFA). An attachment is
 * returned byte for byte as stored. For XFA the <ClinicalDocument> element is
 * returned as a standalone UTF-8 XML document that keeps the namespace
 * declarations in scope, not the whole datasets packet.
 *
 * Damaged input is refused, never repaired: qpdf recovery is off, a missing
 * %%EOF marker or any qpdf warning makes the PDF invalid.
 *
 * @param[out] cda_out      the CDA, NUL-terminated; caller frees with fse_free
 * @param[out] cda_len_out  its length, NUL excluded
 * @param[out] how_out      the embedding found (may be NULL)
 * @param pdf, pdf_len      untrusted input, not NUL-terminated
 * @return FSE_OK; FSE_E_PARSE (not a PDF, damaged or truncated, malformed
 *         XFA datasets); FSE_E_NOT_FOUND (a PDF without a CDA);
 *         FSE_E_UNSUPPORTED (encrypted with a user password, or a stream
 *         filter not handled); FSE_E_LIMIT (input over FSE_MAX_DOCUMENT_BYTES,
 *         embedded CDA over FSE_MAX_EMBEDDED_CDA_BYTES, over
 *         FSE_MAX_PDF_OBJECTS objects, name tree too deep or too wide);
 *         FSE_E_NOMEM; FSE_E_ARG. The English detail is in fse_error_last().
 */
FSE_API fse_err fse_pdf_extract_cda(uint8_t **cda_out, size_t *cda_len_out,
                                    fse_pdf_embedding *how_out, const uint8_t *pdf, size_t pdf_len);

/* Options of fse_pdf_embed_cda. */
typedef struct fse_pdf_embed_opts {
    fse_pdf_embedding embedding; /* ATTACHMENT (also for NONE) or XFA */
    const char *title;           /* UTF-8 page title; NULL: the CDA's <title> */
} fse_pdf_embed_opts;

/*
 * Build a small PDF 1.7 carrying a CDA: one A4 page showing the title line,
 * and either an /EmbeddedFiles attachment "cda.xml" (mime text/xml in
 * /Subtype, referenced from the catalog /AF with /AFRelationship /Source as
 * PDF/A-3 does) or, with FSE_PDF_EMBED_XFA, a /Names /XFAResources "datasets"
 * packet wrapping the <ClinicalDocument>. The CDA must be well-formed XML
 * whose root is ClinicalDocument. Output is deterministic: no clock is read
 * and the /ID is derived from a hash of the content.
 *
 * @param[out] pdf_out, pdf_len_out  the PDF; caller frees with fse_free
 * @param cda, cda_len  the CDA bytes (stored verbatim as an attachment)
 * @param opts          may be NULL (attachment, title from the CDA)
 * @return FSE_OK; FSE_E_ARG; FSE_E_PARSE (CDA not well-formed or not a
 *         ClinicalDocument); FSE_E_LIMIT (CDA over FSE_MAX_EMBEDDED_CDA_BYTES
 *         or PDF over FSE_MAX_DOCUMENT_BYTES); FSE_E_NOMEM; FSE_E_INTERNAL
 *         (qpdf failed while writing).
 */
FSE_API fse_err fse_pdf_embed_cda(uint8_t **pdf_out, size_t *pdf_len_out, const uint8_t *cda,
                                  size_t cda_len, const fse_pdf_embed_opts *opts);

#endif /* FSE_PDF_H */
