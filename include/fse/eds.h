/*
 * include/fse/eds.h - the node's regional clinical store (UA-R, eds-fhir
 * §1.2): the FHIR bundle of every published document, kept as the
 * documents change, and the views derived from it (the patient summary,
 * the clinical resource search).
 *
 * Owns the fse_eds object and the gateway's FHIR hook (fse_gateway_fhir_fn)
 * it provides: after a publication, replacement, metadata update or
 * delete, the outbox worker hands the job to fse_eds_gateway_hook, which
 * converts the stored CDA (fse/fhir.h, options derived from the stored
 * metadata) and keeps or removes the bundle and its resources
 * (fse/store_eds.h). Owns also the derived views: from the documents a
 * subject may see, the Profilo Sanitario Sintetico sections and the
 * resources of one type, each resource tagged with its source document.
 * Does not own who may see which document: the caller (lib/consult) gives
 * the views only the documents its policy allowed, one decision per source
 * document (DM23 art.4 c.3, art.15 c.2; domain-rules §3), so an obscured
 * document contributes nothing to a derived view of anyone it is hidden
 * from. Does not own the conversion (fse/fhir.h) or the rows (fse/store_eds.h).
 *
 * Threading: fse_eds_new and fse_eds_free run outside the server; the hook
 * may be called from several threads at once (the outbox worker and
 * fse_gateway_outbox_run): it converts in the calling thread and serialises
 * only its own store handle. The view functions use the caller's handle.
 */
#ifndef FSE_EDS_H
#define FSE_EDS_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/fhir.h"
#include "fse/gateway.h"
#include "fse/http.h"
#include "fse/json.h"
#include "fse/store.h"

typedef struct fse_eds fse_eds; /* opaque */

/* The node's clock: Unix milliseconds, UTC. */
typedef int64_t (*fse_eds_clock_fn)(void *ud);

#define FSE_EDS_OPTS_VERSION 1

/* Options of fse_eds_new. Start from FSE_EDS_OPTS_INIT; zero means default. */
typedef struct fse_eds_opts {
    unsigned version; /* FSE_EDS_OPTS_VERSION */

    const char *store_path;      /* required: the node's store */
    const char *master_key_path; /* required */
    int store_busy_timeout_ms;

    /* Conversion choices (fse/fhir.h, docs/fhir.md): defaults as the Gateway. */
    fse_fhir_compat compat;
    fse_fhir_cf_system cf_system;
    fse_fhir_cond_url cond_url;
    /* Offset of the publication's local times (dataInizio/FinePrestazione)
     * in the DocumentReference, "+01:00"; NULL: Italian time of that date
     * (+01:00, or +02:00 from the last Sunday of March to the last Sunday of
     * October, 01:00 UTC). */
    const char *tz_offset;

    fse_eds_clock_fn clock; /* NULL: the real clock */
    void *clock_ud;
    fse_http_log_fn log; /* NULL: events dropped */
    void *log_ud;
} fse_eds_opts;

#define FSE_EDS_OPTS_INIT                                                                          \
    {                                                                                              \
        .version = FSE_EDS_OPTS_VERSION                                                            \
    }

/*
 * Build the clinical store service: opens its store handle (creating or
 * migrating the schema). *out is caller-owned (fse_eds_free).
 * @return FSE_OK; FSE_E_ARG; the codes of fse_store_open.
 */
FSE_API fse_err fse_eds_new(fse_eds **out, const fse_eds_opts *opts);

/* Close the store handle and free. NULL: no-op. Stop the gateway's worker
 * first: the hook must not run any more. */
FSE_API void fse_eds_free(fse_eds *e);

/*
 * The gateway's FHIR hook: set fse_gateway_opts.fhir = fse_eds_gateway_hook
 * and .fhir_ud = the fse_eds. Idempotent (a job run twice leaves the same
 * state):
 *  - CREATE, UPDATE: convert the stored CDA with the options of
 *    fse_eds_conv_init and keep the bundle (replacing the one kept);
 *  - REPLACE: the same for the new version, then the replaced version's
 *    bundle is marked superseded;
 *  - DELETE: the bundle and its resources are removed.
 * A document deleted before its job ran is skipped (FSE_OK). A document the
 * converter cannot convert (a type without a mapping, a CDA it refuses) is
 * recorded as FAILED with the reason and the hook returns FSE_E_UNSUPPORTED:
 * the gateway completes the job with event status NON_BLOCKING_ERROR
 * instead of retrying it. Other failures (store, memory) are returned for
 * the gateway to retry.
 */
FSE_API fse_err fse_eds_gateway_hook(void *ud, const fse_gateway_fhir_job *job);

/*
 * The conversion options of a stored document, as the hook uses them:
 * seed = FNV-1a 64 of the uniqueId (the same document always gets the same
 * resource ids), timestamp = now, the publication metadata of the
 * DocumentReference (eds-fhir §2.5) from the stored record. Everything is
 * borrowed from m and from *out: keep both while the options are used.
 */
typedef struct fse_eds_conv {
    fse_fhir_opts opts;
    fse_fhir_publication pub;
    char timestamp[40];
    char date[40];
    char tz[8];
} fse_eds_conv;

FSE_API void fse_eds_conv_init(fse_eds_conv *out, const fse_store_doc_meta *m,
                               const fse_eds_opts *opts, int64_t now_ms);

/* ------------------------------------------------------------------------ */
/* Derived views                                                            */
/* ------------------------------------------------------------------------ */

/* A meta.tag added to the resources of one source document (NULL: none). */
typedef struct fse_eds_tag {
    const char *system;
    const char *code;
    const char *display;
} fse_eds_tag;

/* A document the subject may see, as the caller's policy decided. */
typedef struct fse_eds_source {
    const char *unique_id; /* the store key of its bundle */
    const char *doc_id;    /* its node id: meta.source of its resources */
    const char *type_code; /* LOINC of the document (60591-5: a PSS) */
    const fse_eds_tag *tag;
} fse_eds_source;

/* How a view is written. */
typedef struct fse_eds_view {
    const char *base_url;    /* "https://host": meta.source is
                                base_url + "/fhir/DocumentReference/" + doc_id */
    const char *patient_url; /* the summary Composition's subject reference */
    const char *date;        /* the summary Composition's date (FHIR dateTime) */
    size_t max_results;      /* Observations of the recent results; 0: 50 */
    size_t max_per_section;  /* other sections; 0: 200 */
} fse_eds_view;

/* The FHIR prefixes of a date search parameter. */
typedef enum fse_eds_date_op {
    FSE_EDS_DATE_EQ = 0,
    FSE_EDS_DATE_LT,
    FSE_EDS_DATE_LE,
    FSE_EDS_DATE_GT,
    FSE_EDS_DATE_GE
} fse_eds_date_op;

/* One date condition: the resource's clinical date compared with value at
 * value's precision (a year, a month, a day or a time). */
typedef struct fse_eds_date {
    fse_eds_date_op op;
    const char *value; /* FHIR date or dateTime, without the prefix (borrowed) */
} fse_eds_date;

/* Most date conditions of one search (a range is two). */
#define FSE_EDS_MAX_DATES 4u

/*
 * Parse a date search value "[eq|lt|le|gt|ge]YYYY[-MM[-DD[Thh:mm[:ss[.f]][Z|+hh:mm]]]]"
 * into out (value points into param).
 * @return FSE_OK; FSE_E_ARG (another prefix or a malformed date).
 */
FSE_API fse_err fse_eds_date_parse(fse_eds_date *out, const char *param);

/* A search of one resource type. */
typedef struct fse_eds_query {
    const char *type;        /* one of fse_eds_search_type's */
    const char *code_system; /* NULL: any system */
    const char *code;        /* NULL: any code */
    size_t count;            /* entries written; 0: none (total only) */
    /* date conditions, all to hold (a resource without a clinical date
     * matches none): Observation/DiagnosticReport effective[x],
     * Condition/AllergyIntolerance onset[x] or recordedDate, Immunization
     * occurrenceDateTime, Procedure performed[x], MedicationStatement
     * effective[x], MedicationRequest authoredOn (a period: its start) */
    fse_eds_date dates[FSE_EDS_MAX_DATES];
    size_t n_dates;
} fse_eds_query;

/* Whether type is a resource type the search serves (AllergyIntolerance,
 * Condition, Immunization, Observation, MedicationStatement,
 * MedicationRequest, Procedure, DiagnosticReport). */
FSE_API bool fse_eds_search_type(const char *type);

/* Opaque: what a view selected. It borrows v, docs and their strings:
 * keep them until fse_eds_result_free. */
typedef struct fse_eds_result fse_eds_result;

/*
 * The patient summary (Profilo Sanitario Sintetico view) from docs, in the
 * caller's order (newest first): the newest PSS among them first (older PSS
 * are left out), then the other documents. Sections: allergies
 * (AllergyIntolerance), active problems (Condition not resolved, inactive
 * or in remission), therapies (MedicationStatement, MedicationRequest, and
 * the Medication resources they reference), vaccinations (Immunization),
 * recent results (Observation, newest effective time first, at most
 * max_results). Entered-in-error resources are left out everywhere.
 * @param[out] out  caller frees with fse_eds_result_free
 * @return FSE_OK; FSE_E_ARG; FSE_E_NOMEM; FSE_E_CRYPTO, FSE_E_DB (store).
 */
FSE_API fse_err fse_eds_summary(fse_eds_result **out, fse_store *s, const fse_eds_view *v,
                                const fse_eds_source *docs, size_t n_docs);

/* The resources of q->type (and code) in docs, in document order then
 * bundle order. Same returns as fse_eds_summary. */
FSE_API fse_err fse_eds_search(fse_eds_result **out, fse_store *s, const fse_eds_view *v,
                               const fse_eds_query *q, const fse_eds_source *docs, size_t n_docs);

/* Resources selected (a search: every match, also those past count). */
FSE_API size_t fse_eds_result_total(const fse_eds_result *r);
/* Source documents that contributed at least one resource. */
FSE_API size_t fse_eds_result_documents(const fse_eds_result *r);
/* Whether a section or the search was cut at its bound. */
FSE_API bool fse_eds_result_truncated(const fse_eds_result *r);

/*
 * Write the entries into the open "entry" array of w: for a summary the
 * Composition first (its sections referencing the resources), then the
 * resources; for a search the first count matches with search.mode match.
 * Each resource is written as stored (decimal text kept) with meta.source
 * naming its source document and the source's tag.
 */
FSE_API fse_err fse_eds_result_write(fse_json *w, const fse_eds_result *r);

FSE_API void fse_eds_result_free(fse_eds_result *r);

/* ------------------------------------------------------------------------ */
/* Pseudonymised store (UD-P): export and aggregate counts                  */
/* ------------------------------------------------------------------------ */

/* Smallest aggregate cell shown (k-anonymity): a cell with fewer resources
 * or fewer distinct patients is refused. */
#define FSE_EDS_MIN_CELL 10u
/* Shortest node secret accepted (bytes). */
#define FSE_EDS_SECRET_MIN 32u
/* Longest purpose name ([A-Za-z0-9._-]). */
#define FSE_EDS_PURPOSE_MAX 64u

/* Options of the pseudonymised views. Everything is borrowed. */
typedef struct fse_eds_export_opts {
    const uint8_t *node_secret; /* at least FSE_EDS_SECRET_MIN bytes */
    size_t node_secret_len;
    /* What the data is for: the pseudonyms are keyed with
     * HMAC-SHA256(node_secret, "eds-pseudonym:" + purpose), so two purposes
     * get unrelated pseudonyms. 1..FSE_EDS_PURPOSE_MAX of [A-Za-z0-9._-]. */
    const char *purpose;
} fse_eds_export_opts;

/* Receives one pseudonymised resource: its type and one NDJSON line
 * (without the newline; borrowed for the call). Any code but FSE_OK stops
 * the export and is returned. */
typedef fse_err (*fse_eds_export_fn)(void *ud, const char *type, const char *line, size_t len);

typedef struct fse_eds_export_stats {
    size_t n_documents; /* current documents exported */
    size_t n_hidden;    /* current documents left out: obscured or unreleased tutela */
    size_t n_resources; /* lines written */
    size_t n_patients;  /* distinct pseudonyms */
} fse_eds_export_stats;

/*
 * The pseudonymised copy of the regional store for one purpose (UD-P,
 * docs/fhir.md "Pseudonymised store"): every resource of every current
 * bundle, in document order then bundle order, handed to fn. Documents
 * whose visibility hides them (obscured, or tutela not released) are left
 * out (DMEDS art.3 c.2). The patient becomes Patient/<pseudonym>
 * (HMAC of the codice fiscale with the purpose key), Patient keeps only
 * gender and the year of birth, direct identifiers (identifier,
 * masterIdentifier, name of persons, telecom, address, photo, contact,
 * narratives, attachment urls and data) are removed, every resource id and
 * reference is replaced by the HMAC of the original id. Shared entities
 * (the same patient, practitioner or organisation in several documents)
 * are written once. A line still carrying the patient's codice fiscale,
 * full birth date or the document's uniqueId stops the export
 * (FSE_E_INTERNAL) rather than leaking it.
 * Documents are enumerated from the document ids of the audit chain
 * (every publication is audited; the store has no list of all bundles).
 * @param stats_out  optional
 * @return FSE_OK; FSE_E_ARG (secret too short, bad purpose); FSE_E_NOMEM;
 *         FSE_E_PARSE (a stored resource is not JSON); FSE_E_INTERNAL;
 *         FSE_E_CRYPTO, FSE_E_DB (store); fn's code.
 */
FSE_API fse_err fse_eds_export(fse_eds_export_stats *stats_out, fse_store *s,
                               const fse_eds_export_opts *o, fse_eds_export_fn fn, void *ud);

/* What an aggregate count groups by. */
typedef enum fse_eds_count_by {
    FSE_EDS_COUNT_BY_TYPE = 1, /* resourceType */
    FSE_EDS_COUNT_BY_CODE = 2  /* resourceType + first coding of code: "Type|system|code" */
} fse_eds_count_by;

typedef struct fse_eds_cell {
    const char *key;
    size_t count;    /* 0 when suppressed: the value is not given */
    bool suppressed; /* under FSE_EDS_MIN_CELL resources or patients */
} fse_eds_cell;

typedef struct fse_eds_cells {
    size_t n;
    fse_eds_cell *items; /* sorted by key */
} fse_eds_cells;

/*
 * Counts over the pseudonymised export of o (the same documents and
 * resources as fse_eds_export), grouped by by; a cell with fewer than
 * FSE_EDS_MIN_CELL resources or distinct patients is suppressed.
 * @param[out] out  caller frees with fse_eds_cells_free
 * @return the codes of fse_eds_export.
 */
FSE_API fse_err fse_eds_count(fse_eds_cells **out, fse_store *s, const fse_eds_export_opts *o,
                              fse_eds_count_by by);

FSE_API void fse_eds_cells_free(fse_eds_cells *c);

#endif /* FSE_EDS_H */
