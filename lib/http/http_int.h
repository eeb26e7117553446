/*
 * lib/http/http_int.h - internals shared by the files of the http module.
 *
 * Owns the module's limits (with their reasons), the server, route and
 * request structures, and the prototypes that tie the files together:
 * http_server.c (daemon lifecycle, MHD callbacks, shutdown), http_request.c
 * (request accessors, body intake, dispatch), http_uri.c (path, query,
 * percent-decoding), http_route.c (router), http_response.c (responses and
 * headers), http_problem.c (the catalogue and the fse_err table),
 * http_static.c (files), http_multipart.c, http_json.c, http_ratelimit.c
 * (token buckets) and http_tls.c (client certificates). The public API is in
 * fse/http.h.
 */
#ifndef FSE_HTTP_INT_H
#define FSE_HTTP_INT_H

/* The http module is a byte parser: implicit narrowing and sign changes are
 * errors here (STYLE.md, compiler flags). */
#pragma GCC diagnostic error "-Wconversion"
#pragma GCC diagnostic error "-Wsign-conversion"

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>

#include <microhttpd.h>

#include "fse/http.h"
#include "fse/limits.h"

#define FSE_HTTP_MODULE "http"

/* ---- Limits ------------------------------------------------------------- */

/* Hard cap on opts.max_body_bytes: a 5 MB document (the Gateway's limit,
 * FSE_MAX_DOCUMENT_BYTES) plus its requestBody and the multipart framing. */
#define FSE_HTTP_MAX_BODY_HARD (FSE_MAX_DOCUMENT_BYTES + 256u * 1024u)

/* Default and hard cap of the bytes of bodies held at once by all requests:
 * bounds memory when many clients upload at the same time (503 past it). */
#define FSE_HTTP_BUFFERED_DEFAULT ((size_t)256u * 1024u * 1024u)
#define FSE_HTTP_BUFFERED_HARD ((size_t)4096u * 1024u * 1024u)

/* After a chunked body overflows, up to this many more bytes are read and
 * dropped so that a 413 can still be sent; past it the connection is cut. */
#define FSE_HTTP_DISCARD_MAX (1024u * 1024u)

/* Longest request target (path + query) kept. Gateway ids are <= 256 bytes
 * (gateway-api.md §1) and FHIR searches stay far below; longer is 414. */
#define FSE_HTTP_MAX_URI_BYTES 8192u
/* Longest path accepted (400 past it). */
#define FSE_HTTP_MAX_PATH_BYTES 2048u
/* Most path segments and most query parameters in one request. */
#define FSE_HTTP_MAX_SEGMENTS 64u
#define FSE_HTTP_MAX_QUERY_PARAMS 64u

/* Routes per server and parameters per route pattern. */
#define FSE_HTTP_MAX_ROUTES 256u
/* Longest Cache-Control max-age of versioned static assets: a year, the
 * longest any cache honours (RFC 9111 §1.2.2 suggests no more). */
#define FSE_HTTP_MAX_STATIC_AGE_S (365u * 24u * 3600u)
#define FSE_HTTP_MAX_PARAMS 8u
/* Longest route pattern or method name. */
#define FSE_HTTP_MAX_PATTERN_BYTES 512u
#define FSE_HTTP_MAX_METHOD_BYTES 16u

/* Headers a handler may add to one response. */
#define FSE_HTTP_MAX_EXTRA_HEADERS 16u
/* Extra members of one problem+json body. */
#define FSE_HTTP_MAX_PROBLEM_EXTRA 16u

/* multipart/form-data: the Gateway sends 2 parts; 64 leaves room for forms
 * while bounding the part table. A part's header block is a few hundred bytes
 * in practice. RFC 2046 §5.1.1 caps a boundary at 70 characters. */
#define FSE_HTTP_MAX_PARTS 64u
#define FSE_HTTP_MAX_PART_HEADER_BYTES 8192u
#define FSE_HTTP_MAX_BOUNDARY 70u

/* Deepest JSON nesting accepted. Gateway request bodies are flat objects with
 * string arrays (depth 2); FHIR resources stay under 20. Jansson's own cap
 * (2048) is far too deep for a request body. */
#define FSE_HTTP_MAX_JSON_DEPTH 32u

/* Hard caps of the numeric options. */
#define FSE_HTTP_MAX_THREADS 256u
#define FSE_HTTP_MAX_TIMEOUT_S 3600u
#define FSE_HTTP_MAX_CONNECTIONS 65536u
#define FSE_HTTP_MAX_SHUTDOWN_MS 600000u
#define FSE_HTTP_MAX_RATE_WINDOW_S 86400u
#define FSE_HTTP_MAX_RATE_REQUESTS 1000000u

/* Largest PEM blob (certificate chain, key, CA list) accepted. */
#define FSE_HTTP_MAX_PEM_BYTES (256u * 1024u)

/* Per-client token buckets: a fixed table (no growth under a flood of
 * addresses); a new client evicts the least recently seen bucket among
 * FSE_HTTP_RATE_PROBE slots. IPv6 clients are keyed by their /64. */
#define FSE_HTTP_RATE_SLOTS 8192u
#define FSE_HTTP_RATE_PROBE 8u

/* MHD's per-connection memory pool (request line, headers, I/O buffers). */
#define FSE_HTTP_CONNECTION_MEMORY (64u * 1024u)

#define FSE_HTTP_TRACE_HEX 32u
#define FSE_HTTP_SPAN_HEX 16u
#define FSE_HTTP_IP_TEXT 64u

/* ---- Structures --------------------------------------------------------- */

typedef enum http_route_kind { HTTP_ROUTE_HANDLER = 0, HTTP_ROUTE_STATIC = 1 } http_route_kind;

typedef struct http_route {
    char method[FSE_HTTP_MAX_METHOD_BYTES];
    char *pattern; /* owned copy, NUL-separated segments in segs */
    const char *segs[FSE_HTTP_MAX_SEGMENTS];
    size_t n_segs;
    bool tail; /* last segment is "*" */
    http_route_kind kind;
    fse_http_handler handler;
    void *ud;
    int dir_fd; /* HTTP_ROUTE_STATIC: the directory, else -1 */
    /* HTTP_ROUTE_STATIC: fse_http_static_opts (owned copies; NULL: defaults) */
    char *csp;
    char *frame_options;
    unsigned versioned_max_age_s;
} http_route;

typedef struct http_rate http_rate; /* http_ratelimit.c */

struct fse_http_server {
    fse_http_opts opts; /* defaults applied; strings below are owned */
    char *bind_address;
    char *tls_cert;
    char *tls_key; /* wiped before it is freed */
    char *tls_ca;
    http_route *routes[FSE_HTTP_MAX_ROUTES];
    size_t n_routes;
    struct MHD_Daemon *daemon;
    uint16_t port;
    int pipe_rd; /* shutdown self-pipe */
    int pipe_wr;
    bool started;
    bool stopped;
    atomic_bool shutting_down;
    atomic_size_t buffered; /* body bytes held by live requests */
    pthread_mutex_t lock;   /* guards in_flight */
    pthread_cond_t idle;    /* signalled when in_flight drops to 0 */
    size_t in_flight;
    http_rate *rate; /* NULL without a rate limit */
    struct {
        char *prefix;
        fse_http_error_fn fn;
        void *ud;
    } error_styles[FSE_HTTP_MAX_ERROR_STYLES];
    size_t n_error_styles;
};

/* Per-connection state (MHD socket context): the verified client
 * certificate, read once per TLS connection. */
typedef struct http_conn {
    bool tls_checked;
    bool tls_ok;
    char *subject;
    uint8_t *cert_der;
    size_t cert_len;
} http_conn;

typedef struct http_kv {
    char *name;
    char *value;
} http_kv;

typedef enum http_phase {
    HTTP_PHASE_NEW = 0,  /* request line seen, headers not yet */
    HTTP_PHASE_BODY = 1, /* routed, receiving the body */
    HTTP_PHASE_DONE = 2  /* a response is queued */
} http_phase;

struct fse_http_req {
    fse_http_server *srv;
    struct MHD_Connection *conn;
    http_conn *cconn;
    http_phase phase;
    char *uri; /* raw request target, NUL-terminated */
    bool uri_too_long;
    char method[FSE_HTTP_MAX_METHOD_BYTES];
    char *path; /* raw path, no query */
    http_kv *query;
    size_t n_query;
    const http_route *route;
    const char *param_name[FSE_HTTP_MAX_PARAMS];
    char *param_value[FSE_HTTP_MAX_PARAMS];
    size_t n_params;
    fse_buf body;
    size_t buffered; /* bytes of body counted in srv->buffered */
    bool body_too_big;
    bool budget_exceeded;
    size_t discarded;
    fse_http_multipart *multipart;
    struct MHD_Response *resp;
    unsigned status;
    size_t resp_len;
    char *hdr_name[FSE_HTTP_MAX_EXTRA_HEADERS];
    char *hdr_value[FSE_HTTP_MAX_EXTRA_HEADERS];
    size_t n_hdrs;
    char trace_id[FSE_HTTP_TRACE_HEX + 1];
    char span_id[FSE_HTTP_SPAN_HEX + 1];
    char client_ip[FSE_HTTP_IP_TEXT];
    struct sockaddr_storage client_addr;
    uint64_t start_us;
};

/* ---- http_server.c ------------------------------------------------------ */

/* Monotonic microseconds. */
uint64_t fse_http__now_us(void);
/* Send a log line through opts.log (printf-style); does nothing without one. */
void fse_http__log(const fse_http_server *srv, fse_http_log_level level, const char *fmt, ...)
    FSE_PRINTF(3, 4);

/* ---- http_request.c ----------------------------------------------------- */

/* New request for a raw target (the MHD URI log callback); NULL on no memory. */
fse_http_req *fse_http__req_new(fse_http_server *srv, struct MHD_Connection *conn, const char *uri);
/* The MHD access handler body (see MHD_AccessHandlerCallback). */
enum MHD_Result fse_http__req_access(fse_http_req *req, const char *method, const char *upload_data,
                                     size_t *upload_data_size);
/* Access log, counters and free (MHD request-completed callback). */
void fse_http__req_done(fse_http_req *req, bool completed);

/* ---- http_uri.c --------------------------------------------------------- */

/* Check the raw request target and split it into req->path and req->query.
 * FSE_E_PARSE on a malformed target. */
fse_err fse_http__uri_split(fse_http_req *req);
/* Percent-decode src[0..len) into a new string (*out, fse_free). plus_space
 * turns '+' into ' ' (query strings). FSE_E_PARSE on a bad escape or a
 * decoded value that is not valid UTF-8 or holds a NUL. */
fse_err fse_http__decode(char **out, const char *src, size_t len, bool plus_space);
/* true when s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
bool fse_http__utf8_valid(const uint8_t *s, size_t len);
/* Check a decoded path parameter: no control character, no backslash, no
 * "." or ".." segment; no "/" unless multi_segment (then no empty segment). */
fse_err fse_http__param_check(const char *value, bool multi_segment);

/* ---- http_route.c ------------------------------------------------------- */

/* Build a route from method and pattern; FSE_E_ARG on a bad pattern. */
fse_err fse_http__route_new(http_route **out, const char *method, const char *pattern);
void fse_http__route_free(http_route *route);
typedef enum http_match {
    HTTP_MATCH_FOUND = 0,
    HTTP_MATCH_NO_PATH = 1,  /* 404 */
    HTTP_MATCH_NO_METHOD = 2 /* 405; allow lists the methods */
} http_match;
/* Find the route for req->method and req->path, fill req->route and params.
 * allow (size allow_len) gets "GET, POST" for a 405. FSE_E_PARSE when a
 * parameter does not decode or fails fse_http__param_check. */
fse_err fse_http__route_match(fse_http_req *req, http_match *match_out, char *allow,
                              size_t allow_len);

/* ---- http_response.c ---------------------------------------------------- */

/* Queue req->resp (or a 500 when the handler gave none) with the common
 * headers; MHD_NO when MHD refused it. */
enum MHD_Result fse_http__queue(fse_http_req *req);
/* Give req an MHD response (takes ownership of resp) with status. */
fse_err fse_http__set_response(fse_http_req *req, unsigned status, struct MHD_Response *resp,
                               size_t body_len);
/* Respond with a problem and one extra header (name NULL: none), used for 405
 * (Allow) and 429/503 (Retry-After). */
fse_err fse_http__problem_with_header(fse_http_req *req, fse_http_problem problem,
                                      const char *detail, const char *hdr_name,
                                      const char *hdr_value);

/* ---- http_static.c ------------------------------------------------------ */

/* Serve the file named by the "*" parameter of req under route->dir_fd,
 * with the route's static options. */
fse_err fse_http__static_serve(fse_http_req *req, const http_route *route);

/* ---- http_ratelimit.c --------------------------------------------------- */

fse_err fse_http__rate_new(http_rate **out, unsigned requests, unsigned window_s);
void fse_http__rate_free(http_rate *rate);
/* Take a token for addr at now_us. true: allowed; false: refused, and
 * *retry_after_s says when the next token comes. Thread-safe. */
bool fse_http__rate_take(http_rate *rate, const struct sockaddr_storage *addr, uint64_t now_us,
                         unsigned *retry_after_s);

/* ---- http_tls.c --------------------------------------------------------- */

/* Make a new TLS connection require a client certificate verified during the
 * handshake (mutual TLS); called when MHD announces the connection. */
void fse_http__tls_require_client(const fse_http_server *srv, struct MHD_Connection *conn);
/* Read and check the client certificate of conn into cconn (once). false when
 * mutual TLS is on and the peer has no verified certificate. */
bool fse_http__tls_client(const fse_http_server *srv, struct MHD_Connection *conn,
                          http_conn *cconn);
void fse_http__conn_free(http_conn *cconn);

#endif /* FSE_HTTP_INT_H */
