/*
 * tests/pdf/pdf_fixture.h - test-only helpers of the pdf tests: fixture
 * reading, hashing, hand-made PDFs and XML comparison. Every helper fails
 * the running cmocka test on error, so callers need no checks. Not part of
 * the library.
 */
#ifndef FSE_TEST_PDF_FIXTURE_H
#define FSE_TEST_PDF_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

/* Objects of the hand-made PDFs: 1 catalog, 2 page tree, 3 page. */
#define CATALOG_WITH(names) "<< /Type /Catalog /Pages 2 0 R " names " >>"
#define PAGES "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
#define PAGE "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
/* Catalog /Names pointing at an /EmbeddedFiles tree in object 4, and a file
 * specification for cda.xml whose data is object 6. */
#define EF_NAMES "/Names << /EmbeddedFiles 4 0 R >>"
#define SPEC_CDA "<< /Type /Filespec /F (cda.xml) /EF << /F 6 0 R >> >>"

/* One hand-made PDF object: text, or bytes when len is not 0. */
typedef struct pdf_obj {
    const char *data;
    size_t len;
} pdf_obj;

/* Whole file (fse_free). */
uint8_t *load_file(const char *path, size_t *len_out);
/* Lowercase hex SHA-256 of data. */
void sha256_hex(char out[65], const uint8_t *data, size_t len);

/* A PDF whose objects are numbered from 1 (the catalog) with an exact
 * classic xref table; the trailer /Size is declared_size, or n + 1 when 0. */
uint8_t *make_pdf(size_t *len_out, const pdf_obj *objs, size_t n, size_t declared_size);
/* A stream object "<< dict /Length n >> stream data endstream" (fse_free). */
char *make_stream(size_t *len_out, const char *dict, const void *data, size_t len);
/* Catalog with names, pages, page, objects 4 and 5 as given, then object 6:
 * a stream with stream_dict holding data. */
uint8_t *make_attachment_pdf(size_t *len_out, const char *names, const char *obj4, const char *obj5,
                             const char *stream_dict, const void *data, size_t data_len);
/* pdf encrypted by qpdf with AES-256 (R6), user password user (may be ""). */
uint8_t *encrypt_pdf(size_t *len_out, const uint8_t *pdf, size_t len, const char *user);

/* Exclusive C14N of the document element alone (fse_free). */
char *canonical_xml(const uint8_t *xml, size_t len);
/* The first /ID string of the trailer, as hex (static buffer, two in turn). */
const char *trailer_id(const uint8_t *pdf, size_t len);
/* Fails unless xml parses with root urn:hl7-org:v3 ClinicalDocument. */
void assert_clinical_document(const uint8_t *xml, size_t len);

#endif /* FSE_TEST_PDF_FIXTURE_H */
