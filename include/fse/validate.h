/*
 * include/fse/validate.h - the whole validation pipeline of the national
 * Gateway FSE 2.0 and its report.
 *
 * Owns the rules catalog (XSDs, schematron per document type, terminology,
 * loaded once and shared read-only), the per-thread validator, the pipeline
 * order (input detection and PDF extraction, XSD chosen by typeId/@extension,
 * schematron chosen by the first templateId/@root, vocabulary only after 00
 * or 05) and the outcome codes 00/01/02/03/05. The validator is pure: bytes
 * in, report out; it reads no file after the catalog is loaded.
 */
#ifndef FSE_VALIDATE_H
#define FSE_VALIDATE_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/util.h"

/* Outcome codes as the Gateway's validator (RawValidationEnum). */
typedef enum fse_outcome {
    FSE_OUTCOME_OK = 0,
    FSE_OUTCOME_SYNTAX_ERROR = 1,
    FSE_OUTCOME_VOCABULARY_ERROR = 2,
    FSE_OUTCOME_SEMANTIC_ERROR = 3,
    FSE_OUTCOME_SCHEMATRON_NOT_FOUND = 4, /* declared by the Gateway, never produced */
    FSE_OUTCOME_SEMANTIC_WARNING = 5
} fse_outcome;

/* "00", "01", ... */
FSE_API const char *fse_outcome_code(fse_outcome outcome);
/* "OK", "SYNTAX_ERROR", ... */
FSE_API const char *fse_outcome_name(fse_outcome outcome);

typedef enum fse_failure_kind {
    FSE_FAILURE_INPUT = 0,   /* not a readable CDA: PDF without CDA, malformed XML, DOCTYPE... */
    FSE_FAILURE_XSD = 1,     /* CDA schema violation */
    FSE_FAILURE_ROUTING = 2, /* no schema or schematron for the document's typeId/templateId */
    FSE_FAILURE_SCHEMATRON = 3,
    FSE_FAILURE_VOCABULARY = 4
} fse_failure_kind;

/* "input", "xsd", "routing", "schematron", "vocabulary" */
FSE_API const char *fse_failure_kind_name(fse_failure_kind kind);

/* One finding of the report; failures with the same kind and rule are grouped. */
typedef struct fse_failure {
    fse_failure_kind kind;
    char *rule;     /* schematron label ("ERRORE-45"), "" when the kind has none */
    size_t count;   /* how many times it fired (context nodes) */
    char *location; /* XPath of the first context node, or "line N" for XSD; may be "" */
    char *message;  /* Italian message of the first occurrence (as the rule text) */
} fse_failure;

typedef struct fse_report {
    fse_outcome outcome;
    bool valid;              /* 00 or 05 */
    char doc_type[32];       /* "LDO", "" when not routed */
    char schematron[128];    /* schematron file name used, "" when none */
    char type_id[64];        /* typeId/@extension */
    char template_root[128]; /* first templateId/@root */
    bool from_pdf;
    int pdf_embedding;     /* fse_pdf_embedding when from_pdf */
    fse_failure *failures; /* errors: input, xsd, routing, schematron asserts, vocabulary */
    size_t n_failures;
    fse_failure *warnings; /* schematron reports */
    size_t n_warnings;
    char *message; /* the Gateway's summary message for the outcome */
    /* Time spent per stage, in nanoseconds. */
    uint64_t ns_extract;
    uint64_t ns_parse_xsd;
    uint64_t ns_schematron;
    uint64_t ns_vocabulary;
} fse_report;

FSE_API void fse_report_free(fse_report *report);

/*
 * Write the report as one JSON object (no newline) into out:
 * {"file":..., "outcome":"03", "outcome_name":..., "valid":false, "doctype":...,
 *  "failures":[{"kind","rule","count","location","message"}...], "warnings":[...]}.
 * file may be NULL (then omitted).
 */
FSE_API fse_err fse_report_write_json(fse_buf *out, const fse_report *report, const char *file);

/* The rules catalog: immutable after loading, shareable between threads. */
typedef struct fse_catalog fse_catalog;

typedef struct fse_catalog_opts {
    bool skip_terminology; /* do not load terminology: the vocabulary step is skipped */
} fse_catalog_opts;

/*
 * Load the catalog in dir: xsd/<typeId extension>/CDA.xsd, schematron/<TYPE>/<file>.sch
 * (one per document type of the type table), terminology/mongo-dump/. A missing
 * or unusable part is an error naming it (FSE_E_NOT_FOUND, FSE_E_PARSE).
 * Not thread-safe (compiles XSDs): call at start-up.
 */
FSE_API fse_err fse_catalog_load(fse_catalog **out, const char *dir, const fse_catalog_opts *opts);
FSE_API void fse_catalog_free(fse_catalog *catalog);
FSE_API size_t fse_catalog_schematron_count(const fse_catalog *catalog);
/* Milliseconds the load took, per part. */
FSE_API double fse_catalog_load_ms(const fse_catalog *catalog, const char *part);

/* A validator belongs to one thread; many may share one catalog. */
typedef struct fse_validator fse_validator;

FSE_API fse_err fse_validator_new(fse_validator **out, const fse_catalog *catalog);
FSE_API void fse_validator_free(fse_validator *validator);

typedef struct fse_validate_opts {
    bool skip_vocabulary; /* the Gateway's "system: TS" header */
    bool skip_schematron; /* XSD only (benchmarks) */
} fse_validate_opts;

/*
 * Validate a CDA (XML) or a PDF carrying one (detected by content). Problems
 * of the document are data in *report_out (caller frees with fse_report_free):
 * FSE_OK is returned for every verdict. Errors: FSE_E_NOMEM, FSE_E_INTERNAL.
 */
FSE_API fse_err fse_validator_run(fse_validator *validator, const uint8_t *data, size_t len,
                                  const fse_validate_opts *opts, fse_report **report_out);

#endif /* FSE_VALIDATE_H */
