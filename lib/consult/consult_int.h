/*
 * lib/consult/consult_int.h - internals shared by the files of the
 * consultation module.
 *
 * Owns the module's limits, the fse_consult and slot structures, the
 * request context (cs_ctx) every endpoint fills step by step, and the
 * prototypes tying the files together:
 *   consult.c          lifecycle, options, slot pool, clock, logging
 *   consult_routes.c   the route table and the request frame (slot, clock,
 *                      token, answer) shared by every endpoint
 *   consult_auth.c     the token pair, its claims, the patient it names
 *   consult_facts.c    registry, consents and relations -> policy inputs;
 *                      the document decision of one stored record
 *   consult_answer.c   OperationOutcome answers, FHIR content type
 *   consult_record.c   audit records and patient notifications
 *   consult_search.c   DocumentReference search parameters, filter, sort, page
 *   consult_fhir.c     DocumentReference, Patient, Bundle JSON
 *   consult_read.c     DocumentReference/{id}, Binary, Patient, metadata,
 *                      AuditEvent
 *   consult_citizen.c  consents, visibility, delegates, log, notifications
 *   consult_taccuino.c the patient's taccuino (notes, files)
 *   consult_pro.c      care declarations, emergency access, the registry
 * The public API is fse/consult.h; docs/consult.md and docs/policy.md.
 */
#ifndef FSE_CONSULT_INT_H
#define FSE_CONSULT_INT_H

#include <pthread.h>

#include <jansson.h>

#include "fse/audit.h"
#include "fse/consult.h"
#include "fse/http.h"
#include "fse/json.h"
#include "fse/jwt.h"
#include "fse/policy.h"
#include "fse/pool.h"
#include "fse/store.h"
#include "fse/util.h"

#define FSE_CONSULT_MODULE "consult"

/* ---- Limits ------------------------------------------------------------- */

#define CS_MAX_SLOTS 256u
#define CS_DEFAULT_SLOTS 4u
/* A break-the-glass grant lasts this long unless configured (DM23 art.20:
 * "only as long as strictly needed"); the cap keeps grants short. */
#define CS_DEFAULT_EMERGENCY_MS (60LL * 60 * 1000)
#define CS_MAX_EMERGENCY_MS (24LL * 60 * 60 * 1000)
/* Care declarations: 1..365 days, default 30. */
#define CS_DEFAULT_CARE_DAYS 30
#define CS_MAX_CARE_DAYS 365
/* FHIR paging: _count default and cap (the store's page cap). */
#define CS_DEFAULT_COUNT 20u
#define CS_MAX_COUNT 100u
/* A codice fiscale (16) or a temporary code (11 digits): identifiers of
 * persons are at most this long once the CX suffix is cut. */
#define CS_MAX_PERSON 32u
/* Longest locality kept (an XON with name, OID and id). */
#define CS_MAX_LOCALITY 512u
/* Longest free text (declaration, emergency reason). */
#define CS_MAX_TEXT 1000u
/* Largest answer body: a Binary resource of a 5 MB PDF in base64, plus room. */
#define CS_MAX_OUTPUT (8u * 1024u * 1024u)
/* Minimum length of an emergency reason: a reason must say something. */
#define CS_MIN_REASON 10u

/* ---- Service and slots -------------------------------------------------- */

/* Verified token pairs remembered (consult_auth.c): a client sends the same
 * pair for many requests, and the RSA and chain checks dominate a search. */
#define CS_TOKEN_CACHE 1024u

/* What a verified pair says, kept until the earlier exp of the two. */
typedef struct cs_token_entry {
    uint8_t key[32]; /* SHA-256 of both tokens */
    int64_t exp_s;   /* 0: empty slot */
    bool read_ok;    /* the READ coherence rule passed (else only the registry accepts it) */
    char role[8];
    char org[8];
    char purpose[16];
    char actor[CS_MAX_PERSON + 1];
    char patient[CS_MAX_PERSON + 1];
    char locality[CS_MAX_LOCALITY];
} cs_token_entry;

/* Most routes: the table in consult_routes.c is checked against it. */
#define CS_MAX_ROUTES 48u

/* What a registered route hands its handler: the service and its row of
 * the route table. */
typedef struct cs_binding {
    struct fse_consult *c;
    const struct cs_route *route;
} cs_binding;

/* One record to commit (consult_journal.c): an audit record and/or a
 * notification, owned by the waiting request. */
typedef struct cs_journal_item {
    const fse_audit_event *audit;               /* NULL: none */
    const fse_store_notification *notification; /* NULL: none */
    const char *patient;                        /* the notification's patient */
    bool notification_failed;
    fse_err rc;
    bool done;
    struct cs_journal_item *next;
} cs_journal_item;

/* The group-commit writer: a thread with its own store handle. */
typedef struct cs_journal {
    fse_store *store;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t work;     /* items queued, or stop */
    pthread_cond_t finished; /* a batch was committed */
    cs_journal_item *head, *tail;
    uint64_t batches;
    bool stop;
    bool running;
    bool initialised;
} cs_journal;

fse_err fse_consult__journal_start(cs_journal *j, const fse_store_opts *so);
void fse_consult__journal_stop(cs_journal *j);
/* Queue the item and wait until it is committed (or failed). */
fse_err fse_consult__journal_write(cs_journal *j, cs_journal_item *it);

/* One store handle lent to one request at a time (see fse/store.h). */
typedef struct cs_slot {
    fse_store *store;
} cs_slot;

struct fse_consult {
    fse_jwt_verifier *verifier;
    fse_policy *policy;
    fse_store_opts store_opts;
    char *store_path;
    char *master_key_path;
    char *base_url; /* NULL: from the Host header */
    cs_slot *slots;
    size_t n_slots;
    fse_pool pool; /* which slots are lent */
    int64_t emergency_ms;
    fse_consult_clock_fn clock;
    void *clock_ud;
    fse_http_log_fn log;
    void *log_ud;
    fse_consult_session_fn session;
    void *session_ud;
    cs_binding bindings[CS_MAX_ROUTES];
    /* CACHE: verified token pairs, direct-mapped by key; guarded by
     * token_lock; an entry is used only until its exp, and the trust store
     * never changes while the service runs. Bound: CS_TOKEN_CACHE. */
    cs_token_entry *tokens;
    pthread_mutex_t token_lock;
    cs_journal journal;
};

int64_t fse_consult__now_ms(const fse_consult *c);
void fse_consult__log(const fse_consult *c, fse_http_log_level level, const char *fmt, ...)
    FSE_PRINTF(3, 4);
cs_slot *fse_consult__slot_acquire(fse_consult *c);
void fse_consult__slot_release(fse_consult *c, cs_slot *slot);

/* ---- Request context ---------------------------------------------------- */

/* What the request's token and the store say about subject and patient. */
typedef struct cs_ctx {
    fse_consult *c;
    fse_http_req *req;
    int64_t now_ms;
    fse_store *store;
    const char *action; /* audit action of the endpoint */
    bool fhir;          /* answer errors as OperationOutcome (else problem+json) */
    bool answered;
    /* token: what the verified pair says (copied from the claims or the cache) */
    cs_token_entry token;
    const char *role;                /* subject_role (points into token) */
    const char *org;                 /* subject_organization_id */
    const char *purpose;             /* purpose_of_use */
    char actor[CS_MAX_PERSON + 1];   /* sub, identifier part, upper case */
    char patient[CS_MAX_PERSON + 1]; /* person_id, identifier part, upper case */
    char locality[CS_MAX_LOCALITY];  /* locality as sent (cut to fit) */
    /* facts */
    bool facts_loaded;
    fse_store_patient *registry; /* NULL: not in the registry */
    fse_policy_subject subject;
    fse_policy_patient pat;
    int64_t emergency_id; /* the grant in force, 0 when none */
    char patient_ref[FSE_STORE_REF_LEN];
    /* a notification waiting to be committed with the next audit record */
    bool note_pending;
    char note_kind[16];
    char note_text[200];
} cs_ctx;

/* The frame: acquire a slot, read the clock, run fn, release, free. */
typedef fse_err (*cs_endpoint_fn)(cs_ctx *ctx);
fse_err fse_consult__run(fse_consult *c, fse_http_req *req, const char *action, bool fhir,
                         bool needs_token, cs_endpoint_fn fn);

/* ---- Answers (consult_answer.c) ----------------------------------------- */

/* Answer an error: OperationOutcome for FHIR routes (issue code from the
 * status), problem+json otherwise. Returns FSE_OK once answered. */
fse_err fse_consult__fail(cs_ctx *ctx, unsigned status, const char *detail);
/* fse_http_error_fn of /fhir/: the server's own errors as OperationOutcome. */
fse_err fse_consult__error_style(void *ud, fse_http_req *req, unsigned status, const char *detail);
/* The one answer for a resource that does not exist or may not be seen. */
fse_err fse_consult__not_found(cs_ctx *ctx);
/* A server-side failure: logs the error and answers 500. */
fse_err fse_consult__internal(cs_ctx *ctx, const char *what);
/* Start a JSON answer body (bounded by CS_MAX_OUTPUT). */
void fse_consult__json_begin(fse_buf *out, fse_json *w);
/* Finish the body written with w: answer it with status (FHIR content type
 * on FHIR routes, application/json otherwise) and free out. */
fse_err fse_consult__send(cs_ctx *ctx, fse_json *w, fse_buf *out, unsigned status);
/* Answer a FHIR resource body (application/fhir+json; charset=utf-8). */
fse_err fse_consult__respond_fhir(cs_ctx *ctx, unsigned status, const fse_buf *body);

/* ---- Token (consult_auth.c) --------------------------------------------- */

/* Verify the pair and fill role, purpose, actor, patient, locality.
 * Answers 401/403 itself and returns false when refused. */
bool fse_consult__auth(cs_ctx *ctx);
/* Identifier part of a person id ("CF^^^&OID&ISO" -> "CF"), upper case,
 * into out; false when empty, too long or not [A-Z0-9]. */
bool fse_consult__person(char out[CS_MAX_PERSON + 1], const char *id);
/* The request names the token's patient (a CF or CX query value, or a path
 * segment). Answers 403 and returns false otherwise. */
bool fse_consult__same_patient(cs_ctx *ctx, const char *named);

/* The token's patient, named by patient.identifier (identifier) and/or
 * patient=Patient/{id} (ref), either may be NULL; facts must be loaded.
 * Answers 403 (audited) and returns false otherwise. */
bool fse_consult__named_patient(cs_ctx *ctx, const char *identifier, const char *ref);

/* ---- Facts (consult_facts.c) -------------------------------------------- */

/* Load registry, consents and relations of the token's patient and fill
 * ctx->subject and ctx->pat. Answers 500 itself on store failure. */
bool fse_consult__facts(cs_ctx *ctx);
/* The value of n decimal digits at s; -1 when one is not a digit. */
int fse_consult__digits(const char *s, size_t n);
/* Whether the patient is a minor at now (registry birth date; unknown: no). */
bool fse_consult__minor(const fse_store_patient *reg, int64_t now_ms);
/* The record scope of the subject; NONE is audited and answered (403). */
fse_policy_scope fse_consult__scope(cs_ctx *ctx, fse_policy_decision *d);
/* The patient's documents with these statuses (newest first), and the
 * emergency "PSS first" state settled on them. Answers 500 itself. */
bool fse_consult__load_docs(cs_ctx *ctx, unsigned statuses, fse_store_doc_list **out);
/* After the PSS was read under an emergency grant, the rest may follow:
 * flags the grant (no-op for other purposes and documents). */
void fse_consult__mark_pss_read(cs_ctx *ctx, const fse_store_doc_meta *m);
/* The policy decision for one stored document. */
void fse_consult__decide(const cs_ctx *ctx, const fse_store_doc_meta *m, fse_policy_decision *out);

/* ---- Records (consult_record.c) ----------------------------------------- */

/* Append the audit record of this request's decision (document NULL for
 * record-level acts); reason is a short text (policy reason name, counts).
 * Failures are logged and reported as false: callers must not disclose
 * data whose access could not be recorded. */
bool fse_consult__audit(cs_ctx *ctx, const char *document_id, fse_audit_outcome outcome,
                        const char *reason);
/* Notify the patient (when notifications are on) of an access or an act by
 * someone other than the patient. kind: ACCESS, EMERGENCY, CONSENT, ...
 * The notification is committed with the request's next audit record (or
 * at the end of the request by fse_consult__flush). */
void fse_consult__notify(cs_ctx *ctx, const char *kind, const char *text);
/* Commit a notification still pending. */
void fse_consult__flush(cs_ctx *ctx);
/* The notification of a consultation by someone other than the patient. */
void fse_consult__notify_access(cs_ctx *ctx);

/* ---- FHIR JSON (consult_fhir.c) ----------------------------------------- */

/* Base URL of links ("http://host:port"), from the Host header. */
void fse_consult__base_url(const cs_ctx *ctx, char *out, size_t cap);
/* A DocumentReference resource. */
void fse_consult__docref_json(fse_json *w, const cs_ctx *ctx, const fse_store_doc_meta *m,
                              bool shown_obscured);
/* The Patient resource of the token's patient. */
void fse_consult__patient_json(fse_json *w, const cs_ctx *ctx);
/* Whether the request says Prefer: handling=lenient (unknown search
 * parameters ignored instead of refused). */
bool fse_consult__lenient(const cs_ctx *ctx);
/* Append base URL + path + the request's query parameters, percent-encoded
 * in request order, leaving out the names in skip (NULL-terminated, or
 * NULL); returns how many parameters were written. */
size_t fse_consult__query_url(fse_buf *b, const cs_ctx *ctx, const char *path,
                              const char *const *skip);
/* Open a Bundle object: resourceType, meta.lastUpdated (now) and type. */
void fse_consult__bundle_begin(fse_json *w, const cs_ctx *ctx, const char *type);
/* The Patient id: the first 32 digits of the patient's keyed reference. */
void fse_consult__patient_id(char out[33], const cs_ctx *ctx);
/* ISO 8601 date-time of Unix ms, and of an HL7 "yyyyMMddHHmmss[+zzzz]". */
void fse_consult__iso_ms(char out[32], int64_t ms);
void fse_consult__iso_hl7(char out[32], const char *hl7);

/* ---- Shared steps of the JSON APIs -------------------------------------- */

/* The path's patient is the token's and the policy allows the citizen's
 * act; answers 403 (audited) itself. */
bool fse_consult__citizen_gate(cs_ctx *ctx, fse_policy_act act);
/* The request body as a JSON object; answers 400 itself. */
bool fse_consult__body(cs_ctx *ctx, json_t **out);
/* A date "yyyy-mm-dd" as Unix ms at 00:00 UTC; false when malformed. */
bool fse_consult__date_ms(const char *s, int64_t *out);

/* ---- Endpoints ---------------------------------------------------------- */

fse_err fse_consult__search(cs_ctx *ctx);         /* GET /fhir/DocumentReference */
fse_err fse_consult__read_docref(cs_ctx *ctx);    /* GET /fhir/DocumentReference/{id} */
fse_err fse_consult__read_binary(cs_ctx *ctx);    /* GET /fhir/Binary/{id} */
fse_err fse_consult__search_patient(cs_ctx *ctx); /* GET /fhir/Patient */
fse_err fse_consult__read_patient(cs_ctx *ctx);   /* GET /fhir/Patient/{id} */
fse_err fse_consult__search_audit(cs_ctx *ctx);   /* GET /fhir/AuditEvent */
fse_err fse_consult__metadata(cs_ctx *ctx);
fse_err fse_consult__unknown(cs_ctx *ctx); /* GET /fhir/... no resource: 404 */
fse_err fse_consult__not_allowed(cs_ctx *ctx);
    /* other methods under /fhir: 405 */            /* GET /fhir/metadata */
fse_err fse_consult__summary(cs_ctx *ctx);          /* GET /fhir/Patient/{id}/$summary */
fse_err fse_consult__search_resources(cs_ctx *ctx); /* GET /fhir/{type} (consult_summary.c) */

fse_err fse_consult__consents_get(cs_ctx *ctx);
fse_err fse_consult__consent_put(cs_ctx *ctx);
fse_err fse_consult__visibility_put(cs_ctx *ctx);
fse_err fse_consult__delegates_get(cs_ctx *ctx);
fse_err fse_consult__delegate_post(cs_ctx *ctx);
fse_err fse_consult__delegate_delete(cs_ctx *ctx);
fse_err fse_consult__access_log(cs_ctx *ctx);
fse_err fse_consult__notifications_get(cs_ctx *ctx);
fse_err fse_consult__notifications_put(cs_ctx *ctx);

/* The taccuino (consult_taccuino.c). */
fse_err fse_consult__taccuino_get(cs_ctx *ctx);
fse_err fse_consult__taccuino_post(cs_ctx *ctx);
fse_err fse_consult__taccuino_file(cs_ctx *ctx);
fse_err fse_consult__taccuino_delete(cs_ctx *ctx);

fse_err fse_consult__care_post(cs_ctx *ctx);
fse_err fse_consult__emergency_post(cs_ctx *ctx);
fse_err fse_consult__registry_put(cs_ctx *ctx);

/* Look up one of the patient's documents by its node id (any status but
 * deleted). *out NULL when absent. Answers 500 itself on store failure. */
bool fse_consult__find_doc(cs_ctx *ctx, const char *doc_id, fse_store_doc_list **list_out,
                           const fse_store_doc_meta **out);

#endif /* FSE_CONSULT_INT_H */
