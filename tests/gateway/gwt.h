/*
 * tests/gateway/gwt.h - the fixture and helpers of the gateway end-to-end
 * suite: a real fse_gateway and fse_http_server on 127.0.0.1 (port 0) with a
 * temporary store, a test PKI from fse/jwt.h, documents from fse/gen.h,
 * tokens for each call, a raw HTTP/1.1 client over sockets, PAdES-style
 * signed PDFs, a callback listener and a controllable clock.
 *
 * Owns the global fixture `g` built once per run and the helper
 * prototypes; the tests are in gwt_test_*.c and registered by
 * test_gateway.c.
 */
#ifndef FSE_TEST_GWT_H
#define FSE_TEST_GWT_H

#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "fse/audit.h"
#include "fse/gateway.h"
#include "fse/gen.h"
#include "fse/http.h"
#include "fse/jwt.h"
#include "fse/store.h"
#include "fse/validate.h"

/* The node's base URL as the tokens' audience. */
#define GWT_AUD "https://fse-node.test/v1"
/* The clock starts at 2026-01-01T00:00:00Z. */
#define GWT_T0_MS ((int64_t)1767225600000)
/* The operator (sub) of every call: a valid codice fiscale. */
#define GWT_USER_CF "MRTMTT91D08F205J"
#define GWT_DAY_MS (24LL * 60 * 60 * 1000)

/* ---- Fixture ------------------------------------------------------------ */

/* What the FHIR hook saw, and how many of its next calls fail. */
typedef struct gwt_hook {
    pthread_mutex_t lock;
    int calls;
    int fail_next;
    fse_gateway_fhir_op last_op;
    size_t last_cda_len;
    char last_unique_id[300];
} gwt_hook;

/* One received callback push. */
#define GWT_MAX_PUSHES 64
typedef struct gwt_listener {
    int fd;
    uint16_t port;
    pthread_t thread;
    pthread_mutex_t lock;
    int n;
    char *paths[GWT_MAX_PUSHES];
    char *bodies[GWT_MAX_PUSHES];
    atomic_bool stop;
} gwt_listener;

/* A gateway with its server and store, in its own directory. */
typedef struct gwt_node {
    char dir[PATH_MAX];
    char db[PATH_MAX];
    char key[PATH_MAX];
    fse_gateway *gw;
    fse_http_server *srv;
    uint16_t port;
    fse_store *store; /* the test's own handle on the same database */
} gwt_node;

typedef struct gwt_fixture {
    char dir[PATH_MAX];
    char ca_path[PATH_MAX];
    fse_catalog *catalog;
    fse_jwt_testca *ca;
    fse_jwt_testca *other_ca;
    fse_jwt_cred *signer;       /* S1#120#TESTVENDOR from ca */
    fse_jwt_cred *signer_130;   /* S1#130#OTHERREGION from ca */
    fse_jwt_cred *foreign;      /* S1#120#TESTVENDOR from other_ca */
    char signer_cert[PATH_MAX]; /* PEM of signer (PDF signing) */
    char signer_key[PATH_MAX];
    gwt_node node; /* PAdES check off, worker running */
    gwt_hook hook;
    gwt_listener listener;
    uint64_t next_index; /* documents are never reused between tests */
} gwt_fixture;

extern gwt_fixture g;
extern _Atomic int64_t gwt_now_ms;

int gwt_setup(void **state);
int gwt_teardown(void **state);

/* Start a node in a new directory (pades: require signed PDFs; rate: server
 * rate limit per minute, 0 off; worker: start the outbox worker). */
void gwt_node_start(gwt_node *n, const char *name, bool pades, unsigned rate, bool worker);
void gwt_node_stop(gwt_node *n);

/* Move the clock. */
void gwt_advance(int64_t ms);

/* ---- Documents ---------------------------------------------------------- */

typedef struct gwt_doc {
    fse_gen_meta meta;
    uint8_t *cda;
    size_t cda_len;
    uint8_t *pdf;
    size_t pdf_len;
    char pdf_sha256[65];
} gwt_doc;

/* A new LAB document (a fresh index each call) and its PDF. */
void gwt_doc_new(gwt_doc *d);
/* Replace the document's CDA by edited bytes and rebuild its PDF. */
void gwt_doc_set_cda(gwt_doc *d, const char *cda);
/* Replace the PDF (hash recomputed). Takes ownership of pdf. */
void gwt_doc_set_pdf(gwt_doc *d, uint8_t *pdf, size_t len);
void gwt_doc_free(gwt_doc *d);

/* The requestBody JSON of d: activity "VALIDATION"/"VERIFICA" for the
 * validation call, NULL for the publication calls. Caller decrefs. */
json_t *gwt_body(const gwt_doc *d, const char *activity);

/* ---- Tokens ------------------------------------------------------------- */

/* The standard pair for op and d at the current clock (d may be NULL for
 * STATUS and DELETE, then patient_cf is used). */
void gwt_tokens(char **auth, char **sig, fse_jwt_op op, const gwt_doc *d, const char *patient_cf);
/* Claims of the standard pair, parsed (caller decrefs). */
json_t *gwt_claims(fse_jwt_op op, const gwt_doc *d, bool signature_token);
/* Sign claims with cred (RS256). Caller frees with fse_free. */
char *gwt_sign(const fse_jwt_cred *cred, const json_t *claims);

/* ---- HTTP --------------------------------------------------------------- */

typedef struct gwt_resp {
    int status;
    char *head; /* status line and headers */
    char *body;
    size_t body_len;
    json_t *json; /* parsed body, NULL when not JSON */
} gwt_resp;

/* One call: method, path, headers and body, on a new connection. */
typedef struct gwt_call {
    const char *method;
    char path[2048];
    char *auth; /* owned; NULL: no Authorization header */
    char *sig;  /* owned; NULL: no FSE-JWT-Signature header */
    /* multipart: file and requestBody parts (NULL: part absent) */
    const uint8_t *file;
    size_t file_len;
    bool with_file;
    char *body;               /* owned requestBody JSON text or raw JSON body */
    bool json_body;           /* send body as application/json instead of multipart */
    const char *content_type; /* overrides the Content-Type */
    char extra_header[1024];  /* "Name: value" or "" */
} gwt_call;

void gwt_call_init(gwt_call *c, const char *method, const char *path_fmt, ...)
    __attribute__((format(printf, 3, 4)));
void gwt_call_free(gwt_call *c);
/* Set the requestBody from a JSON object (takes a reference's text). */
void gwt_call_body(gwt_call *c, const json_t *body);
/* Send c to the node; fills r (free with gwt_resp_free). */
void gwt_send(const gwt_node *n, const gwt_call *c, gwt_resp *r);
/* Send raw bytes and read one response. */
void gwt_send_raw(uint16_t port, const void *data, size_t len, gwt_resp *r);
void gwt_resp_free(gwt_resp *r);
/* Percent-encode a path segment. Static buffer per call site is not used:
 * out must have 3 * strlen(s) + 1 bytes. */
void gwt_encode(char *out, const char *s);
/* A string member of the response JSON, or NULL. */
const char *gwt_str(const gwt_resp *r, const char *key);
/* Fail unless r has this status and (when type is not NULL) problem type. */
void gwt_expect(const gwt_resp *r, int status, const char *type, const char *what);

/* ---- Calls of the standard flows (on g.node unless n is given) ---------- */

/* POST /v1/documents/validation of d with activity VALIDATION; 201 expected.
 * Returns the workflowInstanceId (caller frees). */
char *gwt_validate(const gwt_node *n, const gwt_doc *d);
/* A publication call prepared for d (tokens, file, body) of the given op:
 * FSE_JWT_OP_CREATE for POST /v1/documents and validate-and-create,
 * FSE_JWT_OP_REPLACE for replace and validate-and-replace. The path is
 * path, then "/" and the encoded path_id when it is not NULL. */
void gwt_prepare_publish(gwt_call *c, const gwt_doc *d, fse_jwt_op op, const char *path,
                         const char *path_id);
/* Validate then publish d (202 expected); returns the wii (caller frees). */
char *gwt_publish(const gwt_node *n, const gwt_doc *d);

/* Wait until the events of wii include type (SUCCESS), up to timeout_ms;
 * false on timeout. */
bool gwt_wait_event(const gwt_node *n, const char *wii, const char *type, int timeout_ms);

/* ---- Audit -------------------------------------------------------------- */

/* The audit record of a traceId: true when found (outcome in *outcome). */
bool gwt_audit_find(const gwt_node *n, const char *trace_id, int *outcome, char *action,
                    size_t action_len);
/* Fail unless the node's audit chain verifies intact. */
void gwt_audit_intact(const gwt_node *n);

/* ---- PDF signature (tests/gateway/gwt_sign.c) --------------------------- */

/* Append an incremental update with a signature dictionary whose CMS
 * (detached, RSA-SHA256, signer's certificate) covers the whole file
 * but /Contents. *out is fse_malloc'd. 0 on success. */
int gwt_sign_pdf(uint8_t **out, size_t *out_len, const uint8_t *pdf, size_t len,
                 const char *cert_pem_path, const char *key_pem_path);

/* ---- Callback listener -------------------------------------------------- */

void gwt_listener_start(gwt_listener *l);
void gwt_listener_stop(gwt_listener *l);
/* Wait until a push whose body contains needle arrived; its index or -1. */
int gwt_listener_wait(gwt_listener *l, const char *needle, int timeout_ms);

/* ---- Test groups -------------------------------------------------------- */

void gwt_test_validation_table(void **state);
void gwt_test_create_table(void **state);
void gwt_test_replace_table(void **state);
void gwt_test_validate_and_create_table(void **state);
void gwt_test_validate_and_replace_table(void **state);
void gwt_test_delete_table(void **state);
void gwt_test_metadata_table(void **state);
void gwt_test_status_table(void **state);
void gwt_test_transport(void **state);

void gwt_test_jwt_attacks(void **state);

void gwt_test_publish_once(void **state);
void gwt_test_link_expiry(void **state);
void gwt_test_replace_deprecates(void **state);
void gwt_test_delete_and_metadata(void **state);
void gwt_test_status_events(void **state);
void gwt_test_outbox_retry(void **state);
void gwt_test_callback_push(void **state);
void gwt_test_pades(void **state);
void gwt_test_audit_cli(void **state);
void gwt_test_serve_binary(void **state);
void gwt_test_serve_mtls(void **state);

void gwt_test_visibility_publish(void **state);
void gwt_test_visibility_validate_and_create(void **state);
void gwt_test_visibility_replace(void **state);
void gwt_test_visibility_metadata(void **state);

#endif /* FSE_TEST_GWT_H */
