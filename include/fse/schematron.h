/*
 * include/fse/schematron.h - a native ISO Schematron engine.
 *
 * Compiles official .sch files as they are (queryBinding xslt2: the XPath 2.0
 * subset the FSE rules use, evaluated with XPath 2.0 semantics) into an
 * immutable rule set, and runs it over a parsed document. No XSLT, no Java.
 * A compiled schema is read-only and may be shared by threads; each run keeps
 * its own state.
 */
#ifndef FSE_SCHEMATRON_H
#define FSE_SCHEMATRON_H

#include <libxml/tree.h>

#include "fse/common.h"
#include "fse/error.h"

typedef struct fse_sch_schema fse_sch_schema;

/*
 * Compile the schematron in sch (len bytes, not NUL-terminated). name labels
 * errors (usually the file name). Returns FSE_E_PARSE for a file that is not
 * a schematron or holds an expression that does not compile (the message
 * names the rule and the expression), FSE_E_UNSUPPORTED for XPath constructs
 * outside the supported subset. *out is owned by the caller (fse_sch_free).
 */
FSE_API fse_err fse_sch_compile(fse_sch_schema **out, const uint8_t *sch, size_t len,
                                const char *name);
FSE_API void fse_sch_free(fse_sch_schema *schema);

/* Title of the schema (borrowed; "" when absent). */
FSE_API const char *fse_sch_title(const fse_sch_schema *schema);
/* Number of rules, asserts and reports compiled. */
FSE_API size_t fse_sch_rule_count(const fse_sch_schema *schema);
FSE_API size_t fse_sch_check_count(const fse_sch_schema *schema);

typedef enum fse_sch_kind {
    FSE_SCH_FAILED_ASSERT = 0, /* an assert whose test was false: an error */
    FSE_SCH_REPORT = 1         /* a report whose test was true: a warning */
} fse_sch_kind;

typedef struct fse_sch_finding {
    fse_sch_kind kind;
    const char *label; /* text before the first '|' of the message (borrowed from the schema) */
    char *message;     /* whole message, whitespace-normalised (owned by the result) */
    char *location;    /* XPath of the context node (owned by the result) */
} fse_sch_finding;

typedef struct fse_sch_result {
    fse_sch_finding *findings;
    size_t n_findings;
    size_t n_failed_asserts;
    size_t n_reports;
    size_t n_rules_fired; /* context nodes handled by a rule */
    bool dynamic_error;   /* an XPath 2.0 dynamic error stopped the run (as Saxon aborts) */
    char error_message[256];
} fse_sch_result;

/*
 * Run schema over doc. The document's nodes get their document-order index
 * stored in _private (the caller owns doc and must not use _private itself).
 * *out is owned by the caller (fse_sch_result_free). A dynamic XPath error is
 * not an fse_err: it is reported in the result (dynamic_error).
 */
FSE_API fse_err fse_sch_run(const fse_sch_schema *schema, xmlDocPtr doc, fse_sch_result **out);
FSE_API void fse_sch_result_free(fse_sch_result *result);

#endif /* FSE_SCHEMATRON_H */
