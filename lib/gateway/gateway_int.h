/*
 * lib/gateway/gateway_int.h - internals shared by the files of the gateway
 * module.
 *
 * Owns the module's limits, the gateway and slot structures, the request
 * context every endpoint fills step by step (gw_ctx), the names of
 * operations, events and job kinds, and the prototypes tying the files
 * together:
 *   gw_gateway.c   lifecycle, options, the slot pool, clock, logging
 *   gw_routes.c    the route table and the endpoint functions
 *   gw_request.c   multipart/JSON inputs, requestBody model, path ids,
 *                  the refusal record and the success/problem answers
 *   gw_jwt.c       the JWT step (headers, verification, claim rules, the
 *                  claims against the document)
 *   gw_document.c  CDA extraction, header, workflowInstanceId, link hash,
 *                  the validation step and its answer
 *   gw_publish.c   the publication transaction (create, replace, v&c, v&r)
 *                  and the visibility bits a document is stored with
 *   gw_manage.c    delete and metadata update
 *   gw_status.c    the status endpoints and the event JSON
 *   gw_record.c    status events and audit records written in the caller's
 *                  transaction, and the refusal transaction
 *   gw_outbox.c    job kinds, payloads, the job handlers, the worker
 *   gw_xds.c       the XDS DocumentEntry of §6.2 as JSON
 *   gw_callback.c  the bounded HTTP/1.1 client of X-Callback-Url pushes
 *   gw_sign.c      the PAdES structural and CMS signature check
 * The public API is fse/gateway.h.
 */
#ifndef FSE_GATEWAY_INT_H
#define FSE_GATEWAY_INT_H

#include <pthread.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "fse/audit.h"
#include "fse/cda.h"
#include "fse/gateway.h"
#include "fse/http.h"
#include "fse/jwt.h"
#include "fse/pdf.h"
#include "fse/pool.h"
#include "fse/store.h"
#include "fse/util.h"
#include "fse/validate.h"
#include "fse/xml.h"

#define FSE_GW_MODULE "gateway"

/* ---- Limits ------------------------------------------------------------- */

/* Path id limits (gateway-api §1): idDoc 1..256, workflowInstanceId <= 256,
 * traceId <= 100. */
#define GW_MAX_ID_DOC 256u
#define GW_MAX_WII 256u
#define GW_MAX_TRACE_ID 100u

/* Most slots (concurrent requests holding a validator and a store handle):
 * the http module's thread cap. */
#define GW_MAX_SLOTS 256u

/* The warning member is at most 200000 characters, cut with "..." (§4). */
#define GW_MAX_WARNING 200000u

/* A problem detail kept for the answer and the refusal event. Validation
 * details list the failing rules; longer ones are cut. */
#define GW_MAX_DETAIL 65536u

/* Audit and event identifier fields are capped at 256 bytes by the store
 * and audit modules; longer claim values are cut to fit so that a refusal
 * is always recorded. */
#define GW_MAX_FIELD 256u

/* Event messages are cut here (the store seals up to 256 KiB). */
#define GW_MAX_EVENT_MESSAGE 4096u

/* List members of the requestBody (attiCliniciRegoleAccesso <= 100; the
 * others have no published bound and get the same), and the longest member
 * (the store's text limit: they are kept in XDS slots). */
#define GW_MAX_LIST 100u
#define GW_MAX_LIST_ITEM 4096u

/* Job payloads and callback bodies. */
#define GW_MAX_PAYLOAD (256u * 1024u)
#define GW_MAX_CALLBACK_BODY (512u * 1024u)
/* Longest X-Callback-Url accepted. */
#define GW_MAX_CALLBACK_URL 2048u
/* Most bytes of a callback reply read (the status line is all we need). */
#define GW_MAX_CALLBACK_REPLY 16384u

/* Defaults of the options. */
#define GW_DEFAULT_SLOTS 4u
#define GW_DEFAULT_POLL_MS 1000u
#define GW_DEFAULT_LEASE_MS 60000
#define GW_DEFAULT_CALLBACK_MS 5000u
#define GW_MAX_CALLBACK_MS 60000u

/* ---- Gateway and slots -------------------------------------------------- */

/*
 * One slot: the resources a request needs that belong to one thread at a
 * time. CACHE: slots are created at start-up (n_slots of them), lent to a
 * request by gw_slot_acquire and given back by gw_slot_release; the pool
 * mutex guards the busy flags only, never the resources. A slot is never
 * used by two threads at once; its validator and parser keep their caches
 * between requests (see fse/validate.h and fse/xml.h), its store handle is
 * one SQLite connection. Bound: n_slots, at most GW_MAX_SLOTS.
 */
typedef struct gw_slot {
    fse_validator *validator;
    fse_xml_parser *parser;
    fse_store *store;
} gw_slot;

struct fse_gateway {
    fse_catalog *owned_catalog; /* NULL when lent */
    const fse_catalog *catalog;
    fse_jwt_verifier *verifier;
    bool skip_vocabulary;
    bool pades_check;
    char *store_path;
    char *master_key_path;
    fse_store_opts store_opts; /* path strings point at the copies above */
    gw_slot *slots;
    size_t n_slots;
    fse_pool pool; /* which slots are lent */
    fse_gateway_clock_fn clock;
    void *clock_ud;
    fse_gateway_fhir_fn fhir;
    void *fhir_ud;
    fse_gateway_log_fn log;
    void *log_ud;
    unsigned poll_ms;
    int64_t lease_ms;
    unsigned callback_timeout_ms;
    char *callback_hosts; /* NULL: any */
    /* The worker thread. */
    pthread_t worker;
    bool worker_running;
    gw_slot worker_slot; /* its store handle only */
    pthread_mutex_t worker_lock;
    pthread_cond_t worker_wake;
    bool worker_stop;
    bool worker_kick;
};

/* The clock (Unix ms). */
int64_t fse_gateway__now_ms(const fse_gateway *gw);
/* Log a key=value line through opts.log (printf-style). */
void fse_gateway__log(const fse_gateway *gw, fse_http_log_level level, const char *fmt, ...)
    FSE_PRINTF(3, 4);
/* Borrow a free slot (waits until one is free) / give it back. */
gw_slot *fse_gateway__slot_acquire(fse_gateway *gw);
void fse_gateway__slot_release(fse_gateway *gw, gw_slot *slot);
/* Tell the worker that jobs were enqueued. */
void fse_gateway__kick(fse_gateway *gw);
/* The worker's own slot (a store handle, no validator). */
fse_err fse_gateway__worker_slot_open(fse_gateway *gw);
void fse_gateway__worker_slot_close(fse_gateway *gw);

/* ---- Operations --------------------------------------------------------- */

/* The endpoint a request came in on. */
typedef enum gw_op {
    GW_OP_VALIDATION = 0,
    GW_OP_CREATE,
    GW_OP_REPLACE,
    GW_OP_VALIDATE_AND_CREATE,
    GW_OP_VALIDATE_AND_REPLACE,
    GW_OP_METADATA,
    GW_OP_DELETE,
    GW_OP_STATUS,
    GW_OP_COUNT
} gw_op;

/* Per operation: the audit action, the event type of its main step, the
 * token rules, the requestBody rules, and what the call carries. */
typedef struct gw_op_info {
    const char *audit_action; /* "VALIDATION", "CREATE", ... */
    const char *event_type;   /* "VALIDATION", "PUBLICATION", ...; NULL: no event */
    fse_jwt_op jwt_op;
    fse_cda_operation cda_op;
    bool has_document; /* multipart file + requestBody */
    bool validates;    /* runs the validation pipeline itself */
    bool publishes;    /* stores a document */
    bool path_id;      /* {id} / {idDoc} in the path */
} gw_op_info;

const gw_op_info *fse_gateway__op(gw_op op);

/* Event types and statuses of §5 used by the node. */
#define GW_EV_VALIDATION "VALIDATION"
#define GW_EV_VALIDATION_FOR_PUBLICATION "VALIDATION_FOR_PUBLICATION"
#define GW_EV_VALIDATION_FOR_REPLACE "VALIDATION_FOR_REPLACE"
#define GW_EV_PUBLICATION "PUBLICATION"
#define GW_EV_REPLACE "REPLACE"
#define GW_EV_UPDATE "UPDATE"
#define GW_EV_DELETE "DELETE"
#define GW_EV_RIFERIMENTI_INI "RIFERIMENTI_INI"
#define GW_EV_SEND_TO_INI "SEND_TO_INI"
#define GW_EV_SEND_TO_EDS "SEND_TO_EDS"
#define GW_EV_INI_UPDATE "INI_UPDATE"
#define GW_EV_INI_DELETE "INI_DELETE"
#define GW_EV_EDS_UPDATE "EDS_UPDATE"
#define GW_EV_EDS_DELETE "EDS_DELETE"
#define GW_ST_SUCCESS "SUCCESS"
#define GW_ST_BLOCKING "BLOCKING_ERROR"
#define GW_ST_NON_BLOCKING "NON_BLOCKING_ERROR"
#define GW_ST_RETRY "ASYNC_RETRY"

/* ---- Request context ---------------------------------------------------- */

/* The answer a refused request gets. */
typedef struct gw_problem {
    bool set;
    bool as_error; /* answer with fse_http_respond_error(err) instead */
    fse_err err;   /* as_error: the code (its message is the detail) */
    fse_http_problem problem;
    const char *instance;      /* static; NULL: the catalogue's default */
    char *detail;              /* owned; NULL: the title */
    bool with_wii;             /* add workflowInstanceId (validation errors) */
    fse_audit_outcome outcome; /* REFUSED, or ERROR for server failures */
} gw_problem;

/* The requestBody decoded: strings borrowed from json, lists allocated. */
typedef struct gw_body {
    json_t *json;
    fse_cda_request_metadata meta;
    const char **atti;
    const char **descriptions;
    const char **admin;
} gw_body;

/* A loaded document: the CDA out of the PDF and what is read from it. */
typedef struct gw_doc {
    uint8_t *cda;
    size_t cda_len;
    fse_pdf_embedding how;
    xmlDoc *xml; /* NULL when the CDA did not parse */
    fse_cda_header *header;
    char link_hash[FSE_CDA_LINK_HASH_LEN];
    fse_report *report; /* after the validation step */
    unsigned tutela;    /* fse_cda_tutela_category bits of the CDA (publication only) */
} gw_doc;

typedef struct gw_ctx {
    fse_gateway *gw;
    fse_http_req *req;
    gw_op op;
    const gw_op_info *info;
    int64_t now_ms;
    gw_slot *slot;
    const char *trace_id; /* borrowed from req */
    /* JWT step */
    fse_jwt_claims *auth;
    fse_jwt_claims *sig;
    /* inputs */
    const uint8_t *pdf;
    size_t pdf_len;
    gw_body body;
    const char *path_id;      /* decoded {id} / {idDoc} */
    const char *callback_url; /* X-Callback-Url, checked */
    bool signed_pdf;          /* the PDF passed the signature check */
    /* document */
    gw_doc doc;
    char *wii;             /* the workflow this request belongs to */
    const char *unique_id; /* the document the request is about (audit, events) */
    fse_buf warning;
    /* the current event type of a refusal (may change during v&c/v&r) */
    const char *event_type;
    gw_problem problem;
} gw_ctx;

/* ---- gw_request.c ------------------------------------------------------- */

/* Start a request context: time, slot, trace id. */
void fse_gateway__ctx_init(gw_ctx *ctx, fse_gateway *gw, fse_http_req *req, gw_op op);
/* Give the slot back and free everything the context owns. */
void fse_gateway__ctx_free(gw_ctx *ctx);

/*
 * Refuse: record the answer in ctx->problem (the first refusal wins) and
 * return false, so a step can `return fse_gateway__refuse(...)`. detail is
 * printf-style; NULL gives the catalogue title.
 */
bool fse_gateway__refuse(gw_ctx *ctx, fse_http_problem problem, const char *instance,
                         const char *fmt, ...) FSE_PRINTF(4, 5);
/* Refuse with an fse_err answered by the http error table (400 generic
 * error for FSE_E_PARSE/FSE_E_ARG, 500 otherwise); message from fmt. */
bool fse_gateway__refuse_err(gw_ctx *ctx, fse_err code, const char *fmt, ...) FSE_PRINTF(3, 4);
/* A server-side failure (store, memory): 500 generic error, outcome ERROR;
 * the fse_error_last() message goes to the log with the trace id. */
bool fse_gateway__fail(gw_ctx *ctx, const char *what);
/* Refuse with the problem whose type string is type (jwt and cda tables). */
bool fse_gateway__refuse_type(gw_ctx *ctx, const char *type, const char *instance,
                              const char *detail);

/* The multipart inputs: file and requestBody parts (false: refused). */
bool fse_gateway__read_multipart(gw_ctx *ctx);
/* The JSON body of a metadata update (false: refused). */
bool fse_gateway__read_json_body(gw_ctx *ctx);
/* The {id} or {idDoc} path parameter: 1..256 with '^' (false: refused). */
bool fse_gateway__read_path_id(gw_ctx *ctx, const char *name);
/* X-Callback-Url when present (false: refused). */
bool fse_gateway__read_callback(gw_ctx *ctx);
/* The requestBody field rules for the operation (false: refused). */
bool fse_gateway__check_body(gw_ctx *ctx);
/* The PDF magic bytes and emptiness (false: refused). */
bool fse_gateway__check_file(gw_ctx *ctx);

/* Answer a refusal: record it (event + audit in one transaction), then the
 * problem+json. */
fse_err fse_gateway__answer_refusal(gw_ctx *ctx);
/* Answer a success: {traceID, spanID, workflowInstanceId[, warning]}. */
fse_err fse_gateway__answer_ok(gw_ctx *ctx, unsigned status);
/* Append a warning (cut at GW_MAX_WARNING with "..."). */
void fse_gateway__warn(gw_ctx *ctx, const char *text);

/* ---- gw_jwt.c ----------------------------------------------------------- */

/* Both tokens (or only the Bearer one for STATUS): present, verified, claim
 * rules of the operation (false: refused). */
bool fse_gateway__jwt_step(gw_ctx *ctx);
/* The claims against the loaded CDA and the uploaded bytes (false: refused). */
bool fse_gateway__jwt_document(gw_ctx *ctx);
/* person_id against a stored patient id (delete, metadata, replace). */
bool fse_gateway__jwt_patient(gw_ctx *ctx, const char *stored_patient_id);
/* The requester's region for the status check ("" when unknown). */
void fse_gateway__jwt_region(char out[4], const fse_jwt_claims *claims);
/* The region of an issuer ("integrity:S1#120#..." gives "120"; "" unknown). */
void fse_gateway__issuer_region(char out[4], const char *iss);

/* ---- gw_document.c ------------------------------------------------------ */

/* Extract the CDA (mode), parse it, read its header (false: refused). */
bool fse_gateway__load_document(gw_ctx *ctx);
/* A new validation workflowInstanceId from the CDA id into ctx->wii. */
bool fse_gateway__new_wii(gw_ctx *ctx);
/* A workflowInstanceId for delete/update: sha256hex(idDoc).<random>suffix. */
bool fse_gateway__new_wii_for_id(gw_ctx *ctx, const char *id_doc);
/* Run the validation pipeline on the CDA; refuse on 01/02/03, keep the
 * semantic warnings of 05 (false: refused). */
bool fse_gateway__validate(gw_ctx *ctx);
/* tipoDocumentoLivAlto against the CDA's LOINC code (false: refused). */
bool fse_gateway__check_class(gw_ctx *ctx);
/* The PAdES check of a publication (false: refused). */
bool fse_gateway__check_signature(gw_ctx *ctx);
void fse_gateway__doc_free(gw_doc *doc);

/* ---- gw_publish.c, gw_manage.c, gw_status.c ----------------------------- */

/* The visibility bits an eventCodeList (attiCliniciRegoleAccesso) asks for
 * (domain-rules §3): P99 FSE_STORE_VIS_OBSCURED, P97 _NOT_PARENTS, P98
 * _NOT_PATIENT. P00 and the other codes give no bit. */
unsigned fse_gateway__event_visibility(const char *const *codes, size_t n);
/* The visibility after the producer changes eventCodeList from one asking
 * for old_events to one asking for new_events: a bit whose code was added is
 * set, one whose code was removed is cleared, every other bit of current
 * (the patient's own choices, TUTELA, TUTELA_RELEASED) is kept. */
unsigned fse_gateway__visibility_change(unsigned current, unsigned old_events, unsigned new_events);

fse_err fse_gateway__publish(gw_ctx *ctx);
fse_err fse_gateway__delete(gw_ctx *ctx);
fse_err fse_gateway__update_metadata(gw_ctx *ctx);
fse_err fse_gateway__status(gw_ctx *ctx, fse_store_event_key key, const char *value);

/* ---- gw_record.c -------------------------------------------------------- */

/* Append a status event for ctx (in the open transaction, if any). */
fse_err fse_gateway__event(gw_ctx *ctx, const char *type, const char *status, const char *message,
                           const char *extra);
/* Append the audit record of ctx with outcome and reason. */
fse_err fse_gateway__audit(gw_ctx *ctx, fse_audit_outcome outcome, const char *reason);
/* Copy at most GW_MAX_FIELD bytes of s into out (NULL stays NULL). */
const char *fse_gateway__clip(char out[GW_MAX_FIELD + 1], const char *s);

/* ---- gw_outbox.c -------------------------------------------------------- */

/* Job kinds. */
#define GW_JOB_INI "ini"           /* register / replace / update / delete on INI */
#define GW_JOB_EDS "eds"           /* FHIR conversion hand-off and EDS operations */
#define GW_JOB_CALLBACK "callback" /* push the workflow's events */

/* Enqueue the INI and EDS jobs of a committed-to-be act (in the caller's
 * transaction), with the callback URL when the request gave one. */
fse_err fse_gateway__enqueue_jobs(gw_ctx *ctx, fse_gateway_fhir_op op,
                                  const char *replaced_unique_id);
/* Run one due job on slot's store; *ran_out whether one was due. */
fse_err fse_gateway__run_job(fse_gateway *gw, gw_slot *slot, const char *worker, bool *ran_out);

/* ---- gw_xds.c ----------------------------------------------------------- */

/* The XDS DocumentEntry and SubmissionSet of §6.2 as a JSON object, from
 * the stored metadata m and the job payload (assertion claims, slots that
 * the store does not keep, submission time). */
fse_err fse_gateway__xds_entry(fse_buf *out, const fse_store_doc_meta *m, const json_t *payload,
                               int64_t now_ms);

/* ---- gw_callback.c ------------------------------------------------------ */

/* Whether url is an acceptable X-Callback-Url (http://host[:port][/path],
 * host allowed by the list). */
bool fse_gateway__callback_url_ok(const fse_gateway *gw, const char *url);
/* POST body (JSON) to url + "/v1/workflow/status"; FSE_OK on a 2xx reply.
 * FSE_E_IO for connection failures and timeouts, FSE_E_DENIED for a non-2xx
 * status. */
fse_err fse_gateway__callback_post(const fse_gateway *gw, const char *url, const char *body,
                                   size_t len);

/* ---- gw_sign.c ---------------------------------------------------------- */

typedef enum gw_sign_result {
    GW_SIGN_NONE = 0,    /* no signature dictionary */
    GW_SIGN_INVALID = 1, /* a signature that does not cover the file or does not verify */
    GW_SIGN_OK = 2
} gw_sign_result;

/*
 * Look for a PDF signature (PAdES / PKCS#7 detached): a /ByteRange
 * [0 b c d] whose gap [b, c) is exactly the hex string /Contents <...>, with
 * c + d the end of the file, and whose CMS SignedData verifies over the two
 * ranges with the certificate it carries. why (why_len bytes) gets the
 * reason for NONE/INVALID.
 */
gw_sign_result fse_gateway__sign_check(const uint8_t *pdf, size_t len, char *why, size_t why_len);

#endif /* FSE_GATEWAY_INT_H */
