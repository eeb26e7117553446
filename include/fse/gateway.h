/*
 * include/fse/gateway.h - the Gateway FSE 2.0 compatible publication node:
 * the REST endpoints of gateway-api.md §1 under /v1, their request checks,
 * the two JWTs, validation, the validation -> publication link, the
 * publication transaction, replace/delete/metadata update, the status
 * events and the outbox worker that runs the asynchronous steps (INI
 * registration, EDS/FHIR hand-off, callback push).
 *
 * Owns: the fse_gateway object (the rules catalog unless one is lent, the
 * JWT verifier, a pool of per-thread resources: a validator, an XML parser
 * and a store handle per slot), the routes it adds to an fse_http_server,
 * the order of the checks of each endpoint, the mapping of every refusal to
 * the Gateway's problem catalogue (§4), the status events of §5, the audit
 * record of every request that reaches an endpoint, the outbox job kinds
 * and the worker thread. Does not own the HTTP transport (fse/http.h), the
 * token and claim rules (fse/jwt.h), the request-body and document
 * cross-checks (fse/cda.h), validation (fse/validate.h), storage
 * (fse/store.h) or the audit chain (fse/audit.h).
 *
 * Threading: fse_gateway_new and fse_gateway_routes run before the server
 * starts. Afterwards the gateway is shared by the server's worker threads,
 * the outbox worker and callers of fse_gateway_outbox_run: every public
 * function below is thread-safe unless noted. Time comes from the clock in
 * the options, so tests control token expiry and the 5-day link window.
 */
#ifndef FSE_GATEWAY_H
#define FSE_GATEWAY_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/http.h"
#include "fse/validate.h"

typedef struct fse_gateway fse_gateway; /* opaque */

/* The node's clock: Unix milliseconds, UTC. */
typedef int64_t (*fse_gateway_clock_fn)(void *ud);

/* What a FHIR hand-off job is about. Never renumbered. */
typedef enum fse_gateway_fhir_op {
    FSE_GATEWAY_FHIR_CREATE = 1,  /* a new document: convert and send to the EDS */
    FSE_GATEWAY_FHIR_REPLACE = 2, /* a new version replacing replaced_unique_id */
    FSE_GATEWAY_FHIR_UPDATE = 3,  /* metadata of unique_id changed */
    FSE_GATEWAY_FHIR_DELETE = 4   /* unique_id deleted */
} fse_gateway_fhir_op;

/* One EDS hand-off, given to the FHIR hook. Everything is borrowed for the
 * duration of the call. */
typedef struct fse_gateway_fhir_job {
    fse_gateway_fhir_op op;
    const char *workflow_instance_id;
    const char *unique_id;          /* identificativoDoc */
    const char *replaced_unique_id; /* REPLACE only, else NULL */
    const uint8_t *cda;             /* CREATE and REPLACE: the stored CDA, else NULL */
    size_t cda_len;
} fse_gateway_fhir_job;

/*
 * The FHIR conversion hook (fse/eds.h fse_eds_gateway_hook). Runs on the
 * outbox worker (or the caller of fse_gateway_outbox_run), never on a
 * request thread; it must be idempotent, since a job may run again after a
 * crash between its effect and its completion. FSE_OK completes the job
 * (event SEND_TO_EDS, EDS_UPDATE or EDS_DELETE SUCCESS); FSE_E_UNSUPPORTED
 * is a permanent refusal the hook has recorded (a document type without a
 * mapping): the job completes with event status NON_BLOCKING_ERROR and the
 * hook's message, and is not retried; any other code fails the attempt,
 * which is retried with back-off.
 */
typedef fse_err (*fse_gateway_fhir_fn)(void *ud, const fse_gateway_fhir_job *job);

/* A log event: one key=value line without a newline. Levels as
 * fse_http_log_level. Never carries fiscal codes, tokens or content. */
typedef void (*fse_gateway_log_fn)(void *ud, fse_http_log_level level, const char *line);

#define FSE_GATEWAY_OPTS_VERSION 1

/*
 * Options of fse_gateway_new. Start from FSE_GATEWAY_OPTS_INIT; zero means
 * the default noted. Strings are copied (or only read during the call).
 */
typedef struct fse_gateway_opts {
    unsigned version; /* FSE_GATEWAY_OPTS_VERSION */

    /* Validation: a catalog lent by the caller (must outlive the gateway),
     * else the one loaded from rules_dir and owned by the gateway. */
    const fse_catalog *catalog;
    const char *rules_dir;
    bool skip_vocabulary; /* the Gateway's "system: TS" for every document */

    /* Store: one handle per slot and one for the worker. */
    const char *store_path;      /* required */
    const char *master_key_path; /* required: documents are sealed at rest */
    int store_busy_timeout_ms;
    unsigned outbox_max_attempts;
    int64_t outbox_backoff_base_ms;
    int64_t outbox_backoff_max_ms;

    /* Tokens (gateway-api §3). */
    const char *const *ca_files; /* PEM files with the CA certificates */
    size_t n_ca_files;
    const char *ca_pem; /* and/or CA certificates in memory */
    size_t ca_pem_len;
    const char *audience; /* required: the node's base URL including /v1 */
    unsigned clock_skew_s;

    /* Publication requires a PAdES-signed PDF (§6). Default on: set
     * pades_check_off to accept unsigned PDFs (tests, demos). */
    bool pades_check_off;

    unsigned n_slots;           /* requests served at once; 0: 4. Give the server's thread count. */
    fse_gateway_clock_fn clock; /* NULL: the real clock */
    void *clock_ud;
    fse_gateway_fhir_fn fhir; /* NULL: the EDS hand-off is recorded only */
    void *fhir_ud;

    /* Outbox worker and X-Callback-Url push. */
    unsigned outbox_poll_ms;      /* idle wait between polls; 0: 1000 */
    int64_t outbox_lease_ms;      /* a claimed job's lease; 0: 60000 */
    unsigned callback_timeout_ms; /* connect + send + reply; 0: 5000 */
    const char *callback_hosts;   /* comma-separated "host" or "host:port" allowed in
                                     X-Callback-Url; NULL or "": any */

    fse_gateway_log_fn log; /* NULL: events dropped */
    void *log_ud;
} fse_gateway_opts;

#define FSE_GATEWAY_OPTS_INIT                                                                      \
    {                                                                                              \
        .version = FSE_GATEWAY_OPTS_VERSION                                                        \
    }

/*
 * Build a gateway: load (or borrow) the catalog, build the JWT verifier, open
 * the store slots (creating the schema when needed) and one validator and
 * parser per slot. Not thread-safe (the catalog load compiles XSDs): call at
 * start-up. *out is caller-owned (fse_gateway_free).
 * @return FSE_OK; FSE_E_ARG (missing or bad option); the codes of
 *         fse_catalog_load, fse_jwt_verifier_new and fse_store_open.
 */
FSE_API fse_err fse_gateway_new(fse_gateway **out, const fse_gateway_opts *opts);

/*
 * Add the endpoints of gateway-api §1 under /v1 to srv (before it starts):
 * POST /v1/documents/validation, POST /v1/documents/fhir-validation,
 * POST /v1/documents, POST /v1/documents/validate-and-create,
 * PUT /v1/documents/validate-and-replace/{idDoc}, PUT /v1/documents/{id},
 * DELETE /v1/documents/{id}, PUT /v1/documents/{id}/metadata and
 * /metadata-iti-57, GET /v1/status/{wii}, GET /v1/status/search/{traceId}
 * and the health check GET /v1/status. gw must outlive srv.
 * @return FSE_OK or the codes of fse_http_server_route.
 */
FSE_API fse_err fse_gateway_routes(fse_gateway *gw, fse_http_server *srv);

/*
 * Start the outbox worker thread: it claims due jobs, runs them, completes
 * or fails them (retry with back-off, dead letter after the last attempt),
 * and waits outbox_poll_ms when idle (a publication wakes it at once).
 * @return FSE_OK; FSE_E_ARG (already running); FSE_E_DB (its store handle);
 *         FSE_E_INTERNAL (thread creation).
 */
FSE_API fse_err fse_gateway_worker_start(fse_gateway *gw);

/* Stop the worker after its current job and join it. No-op when stopped. */
FSE_API void fse_gateway_worker_stop(fse_gateway *gw);

/*
 * Run up to max_jobs due jobs (0: until none is due) on the calling thread,
 * with one of the request slots. For tests and tools; safe alongside the
 * worker (jobs are leased). *n_out (optional) gets how many ran.
 * @return FSE_OK or a store error.
 */
FSE_API fse_err fse_gateway_outbox_run(fse_gateway *gw, size_t max_jobs, size_t *n_out);

/* Stop the worker, close the slots and free everything. NULL: no-op. The
 * server the routes were added to must have been stopped first. */
FSE_API void fse_gateway_free(fse_gateway *gw);

#endif /* FSE_GATEWAY_H */
