/*
 * include/fse/consult.h - consultation: the FHIR R4 document API, the
 * citizen's rights API, the professionals' declarations and emergency
 * access, and the patient registry endpoint (docs/consult.md).
 *
 * Owns the fse_consult object (the JWT verifier, the policy, a pool of
 * per-thread store handles), the routes it adds to an fse_http_server, the
 * gathering of the facts every policy decision needs (token, registry,
 * consents, relations, document visibility), the FHIR JSON of
 * DocumentReference, Patient, Binary, AuditEvent, Bundle, OperationOutcome
 * and CapabilityStatement, the audit record of every decision and the
 * patient's notifications. Does not own the decisions (fse/policy.h), the
 * storage (fse/store.h), the chain (fse/audit.h) or the transport
 * (fse/http.h).
 *
 * Threading: fse_consult_new and fse_consult_routes run before the server
 * starts; afterwards the object is shared by the server's worker threads.
 */
#ifndef FSE_CONSULT_H
#define FSE_CONSULT_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/http.h"

typedef struct fse_consult fse_consult; /* opaque */

/* The node's clock: Unix milliseconds, UTC. */
typedef int64_t (*fse_consult_clock_fn)(void *ud);

/*
 * A browser session standing in for the token headers (lib/web): called
 * when a request carries no Authorization header. On FSE_OK *auth_out and
 * *sig_out (caller frees with fse_free) are the session's token pair and
 * *csrf_ok tells whether the request carried the session's CSRF token
 * (required for every method but GET and HEAD). FSE_E_NOT_FOUND: no valid
 * session.
 */
typedef fse_err (*fse_consult_session_fn)(void *ud, fse_http_req *req, char **auth_out,
                                          char **sig_out, bool *csrf_ok);

#define FSE_CONSULT_OPTS_VERSION 1

/* Options of fse_consult_new. Zero means the default noted. Strings are
 * copied or read during the call. */
typedef struct fse_consult_opts {
    unsigned version; /* FSE_CONSULT_OPTS_VERSION */

    const char *store_path;      /* required: the node's store */
    const char *master_key_path; /* required */
    int store_busy_timeout_ms;

    /* Tokens: the same trust store and audience as publication. */
    const char *const *ca_files;
    size_t n_ca_files;
    const char *ca_pem;
    size_t ca_pem_len;
    const char *audience; /* required */
    unsigned clock_skew_s;

    const char *base_url;           /* public base URL of links ("https://fse.example.it");
                                       NULL: "http://" + the request's Host */
    const char *policy_matrix_path; /* NULL: the shipped matrix */
    int64_t emergency_ms;           /* length of a break-the-glass grant; 0: 60 minutes */
    unsigned n_slots;               /* requests served at once; 0: 4 */
    fse_consult_clock_fn clock;     /* NULL: the real clock */
    void *clock_ud;

    fse_http_log_fn log; /* NULL: events dropped */
    void *log_ud;

    fse_consult_session_fn session; /* NULL: token headers only */
    void *session_ud;
} fse_consult_opts;

#define FSE_CONSULT_OPTS_INIT                                                                      \
    {                                                                                              \
        .version = FSE_CONSULT_OPTS_VERSION                                                        \
    }

/*
 * Build the consultation service: JWT verifier, policy (shipped or file
 * matrix), n_slots store handles. *out is caller-owned (fse_consult_free).
 * @return FSE_OK; FSE_E_ARG; the codes of fse_jwt_verifier_new,
 *         fse_policy_new and fse_store_open.
 */
FSE_API fse_err fse_consult_new(fse_consult **out, const fse_consult_opts *opts);

/*
 * Add the routes of docs/consult.md: /fhir/..., /citizen/v1/...,
 * /consult/v1/... and /admin/v1/patients/{cf}. c must outlive srv.
 */
FSE_API fse_err fse_consult_routes(fse_consult *c, fse_http_server *srv);

/* Free everything. The server must have been stopped first. NULL: no-op. */
FSE_API void fse_consult_free(fse_consult *c);

#endif /* FSE_CONSULT_H */
