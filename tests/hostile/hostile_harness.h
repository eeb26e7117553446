/*
 * tests/hostile/hostile_harness.h - helpers shared by the hostile-input
 * tests: the catalog and validator loaded once, validation with assertions
 * on the refusal, inputs derived from the official samples, a validation in
 * a child process with a time budget, and PDFs rewritten with qpdf.
 *
 * Owns nothing of the library; the tests live in hostile_*.c and are listed
 * in test_hostile.c.
 */
#ifndef HOSTILE_HARNESS_H
#define HOSTILE_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>

#include <qpdf/qpdf-c.h>

#include "fse/pdf.h"
#include "fse/util.h"
#include "fse/validate.h"

#define SAMPLES FSE_RULES_DIR "/samples"
#define WORK_DIR FSE_BUILD_DIR "/hostile"
#define TOOL_PATH FSE_BUILD_DIR "/fse"
#define MAX_READ (16u * 1024u * 1024u)
#define MIB (1024u * 1024u)

/* Small valid samples used as the base of several inputs. */
#define LDO_1 SAMPLES "/LDO/valid/accr_CasiOK_LDO_-_Caso_di_Test_1.xml"
#define CERT_2 SAMPLES "/CERT_VACC/valid/accr_CasiOK_CERT_VACC_-_Caso_di_Test_2.xml"
#define CERT_4 SAMPLES "/CERT_VACC/valid/accr_CasiOK_CERT_VACC_-_Caso_di_Test_4.xml"

/* Wall-clock budget for one hostile document of up to 5 MB (ASan build). A
 * valid 5 MB CDA takes well under a second. */
#define BUDGET_SECONDS 5u

/* Start and end of an XFA datasets packet. */
#define XFA_OPEN "<xfa:datasets xmlns:xfa=\"http://www.xfa.org/schema/xfa-data/1.0/\"><xfa:data>"
#define XFA_CLOSE "</xfa:data></xfa:datasets>"

/* State shared by every test, loaded once in the group setup. */
typedef struct h_state {
    fse_catalog *catalog;
    fse_validator *validator;
    char passwd_line[256]; /* first line of /etc/passwd, the XXE target */
} h_state;

extern h_state g;

/* The official signed PDFs with a valid CDA attached. */
extern const char *const h_official_pdfs[];
extern const size_t h_n_official_pdfs;

/* Group setup and teardown: catalog, validator, XXE target. */
int h_group_setup(void **state);
int h_group_teardown(void **state);

/* ---- input and checks ---------------------------------------------------- */

/* Whole file (NUL-terminated, fse_free); fails the test when unreadable. */
uint8_t *h_read(const char *path, size_t *len);
/* Offset of the first occurrence of needle in data, or len when absent. */
size_t h_find(const uint8_t *data, size_t len, const char *needle);
uint64_t h_now_ns(void);
/* xorshift64*: a fixed, portable stream of bytes for the random inputs. */
uint64_t h_rng(uint64_t *s);
/* Validate with the shared validator; asserts FSE_OK and a report. */
fse_report *h_validate(const uint8_t *data, size_t len);
/* Validate with a validator of its own, which has seen no other document. */
fse_report *h_validate_fresh(const uint8_t *data, size_t len);
void h_print_report(const char *what, const fse_report *r);
/* The report as JSON (fse_free). */
char *h_report_json(const fse_report *r);
bool h_has_failure(const fse_report *r, fse_failure_kind kind, const char *fragment);
/* Outcome 01, not valid, a failure of this kind whose message holds
 * fragment (NULL: any), and a JSON form that parses. */
void h_expect_refused(const fse_report *r, fse_failure_kind kind, const char *fragment,
                      const char *what);
/* Validate and expect an input refusal (01, kind input). */
void h_expect_input_refusal(const uint8_t *data, size_t len, const char *fragment,
                            const char *what);
void h_expect_valid(const uint8_t *data, size_t len, const char *what);
bool h_same_verdict(const fse_report *a, const fse_report *b);
/* Copy of cda with doctype in front and, when entity is not NULL, a
 * reference to it as the first content of <title> (fse_free). */
uint8_t *h_with_doctype(size_t *len_out, const uint8_t *cda, size_t cda_len, const char *doctype,
                        const char *entity);
/* Append s to a test input; its buffer cap is part of the test. */
void h_put(fse_buf *b, const char *s);
/* Bijective base-52 name of n: a, b, ..., Z, aa, ab, ... (out: 16 bytes). */
void h_name_of(char *out, size_t n);
/* UTF-8 to Latin-1 (every character below U+0100) and to UTF-16 with a
 * byte order mark (BMP only); fse_free. */
uint8_t *h_to_latin1(size_t *len_out, const uint8_t *in, size_t len);
uint8_t *h_to_utf16(size_t *len_out, const uint8_t *in, size_t len, bool big_endian);
/*
 * Validate in a child process killed after budget seconds. false on a
 * timeout; otherwise the outcome and the kind of the first failure (-1 with
 * none) and the time taken.
 */
bool h_validate_within(const uint8_t *data, size_t len, unsigned budget, fse_outcome *outcome_out,
                       int *kind_out, double *seconds_out);
/* LeakSanitizer's check now: non-zero when leaks exist (0 without ASan). */
int h_leak_check(void);
void h_ensure_work_dir(void);
void h_write_file(const char *path, const uint8_t *data, size_t len);

/* ---- PDFs ----------------------------------------------------------------- */

typedef void (*pdf_edit_fn)(qpdf_data q, void *arg);

/* Read pdf with qpdf, apply edit (may be NULL) and write it back, encrypted
 * (R6) when user_password is not NULL ("" = owner password only), streams
 * compressed or not (fse_free). */
uint8_t *h_pdf_rewrite(size_t *len_out, const uint8_t *pdf, size_t len, pdf_edit_fn edit, void *arg,
                       const char *user_password, bool compress);
/* Edit: drop the name trees and the AcroForm. */
void h_drop_cda(qpdf_data q, void *arg);
/* An attachment PDF whose cda.xml holds exactly these bytes. */
uint8_t *h_pdf_with_cda(size_t *len_out, const uint8_t *data, size_t len, bool compress);
/* An XFA PDF whose datasets packet holds exactly these bytes. */
uint8_t *h_pdf_with_datasets(size_t *len_out, const uint8_t *data, size_t len);

/* ---- the tests, listed in test_hostile.c ---------------------------------- */

void xxe_is_refused_and_never_read(void **state);
void billion_laughs_is_refused_quickly(void **state);
void parameter_entity_dtd_is_refused(void **state);
void any_doctype_is_refused(void **state);
void deep_nesting_is_refused(void **state);
void fifty_megabytes_are_refused_by_size_quickly(void **state);
void size_limit_is_exact(void **state);
void just_under_the_limit_not_cda(void **state);
void million_attributes_are_refused_by_size(void **state);
void attribute_flood_is_refused_quickly(void **state);
void many_namespace_declarations_on_a_valid_cda(void **state);
void namespace_flood_is_refused_quickly(void **state);
void huge_text_node_keeps_the_verdict(void **state);
void huge_value_in_a_message_is_cut_not_dropped(void **state);
void foreign_encodings(void **state);
void xsd_tree_fallback_keeps_the_verdict(void **state);
void empty_and_nul_input(void **state);
void random_bytes_are_refused(void **state);
void truncated_pdfs_are_refused(void **state);
void encrypted_pdf(void **state);
void pdf_without_cda_is_refused(void **state);
void pdf_whose_cda_is_not_xml_is_refused(void **state);
void hostile_xfa_datasets_are_refused(void **state);
void xfa_namespaces_in_scope_keep_the_verdict(void **state);
void xfa_namespace_flood_is_refused_quickly(void **state);
void allocation_failures_are_clean(void **state);
void tool_exit_codes_and_json(void **state);

#endif /* HOSTILE_HARNESS_H */
