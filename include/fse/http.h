/*
 * include/fse/http.h - the HTTP/1.1 server layer that the Gateway endpoints,
 * the FHIR consultation API and the web pages sit on.
 *
 * Owns the server lifecycle (bind, worker thread pool, TLS and mutual TLS,
 * graceful shutdown), the router (method + path pattern with parameters,
 * prefix routes for static files, 404/405), the request object (decoded path
 * parameters and query, headers, bounded body, multipart/form-data parts,
 * JSON bodies), the transport limits (body size with 413, per-client rate
 * limit with 429, timeouts), the responses (JSON, problem+json with the
 * Gateway's fields, static files with ETag and security headers) and the one
 * table that maps an fse_err to an HTTP status and a problem type. It does not
 * own what the endpoints do (the gateway and fhir modules), token checks (jwt)
 * or configuration parsing (the tool builds fse_http_opts).
 *
 * Threading: routes are registered before fse_http_server_start; after that
 * the server is shared by its worker threads. A handler runs on a worker
 * thread and owns its fse_http_req for the duration of the call only.
 */
#ifndef FSE_HTTP_H
#define FSE_HTTP_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/util.h"

struct json_t; /* jansson's value type */

typedef struct fse_http_server fse_http_server;
typedef struct fse_http_req fse_http_req;

/* ---- Options ------------------------------------------------------------ */

typedef enum fse_http_log_level {
    FSE_HTTP_LOG_DEBUG = 0,
    FSE_HTTP_LOG_INFO = 1,
    FSE_HTTP_LOG_WARN = 2,
    FSE_HTTP_LOG_ERROR = 3
} fse_http_log_level;

/* One finished (or aborted) request, given to the access-log callback. The
 * strings are borrowed for the duration of the call. The query string is
 * never included: it may carry personal data. */
typedef struct fse_http_access_entry {
    const char *method;    /* "" when the request line was never read whole */
    const char *path;      /* raw path as received, without the query */
    const char *client_ip; /* text form of the peer address */
    const char *trace_id;  /* as sent in problem+json bodies */
    const char *span_id;
    unsigned status;      /* 0 when no response was queued */
    size_t bytes_in;      /* request body bytes kept */
    size_t bytes_out;     /* response body bytes (0 for files not yet sent) */
    uint64_t duration_us; /* from the request line to completion */
    bool completed;       /* false: the connection ended before the response */
} fse_http_access_entry;

typedef void (*fse_http_access_fn)(void *ud, const fse_http_access_entry *entry);
/* A log event: one key=value line without a trailing newline. */
typedef void (*fse_http_log_fn)(void *ud, fse_http_log_level level, const char *line);

/*
 * Server options. A zeroed struct gives the defaults noted per field. Values
 * above a field's hard cap (lib/http/http_int.h) make fse_http_server_new fail
 * with FSE_E_ARG.
 */
typedef struct fse_http_opts {
    const char *bind_address;        /* IPv4 or IPv6 literal; NULL: "127.0.0.1" */
    uint16_t port;                   /* 0: an ephemeral port (fse_http_server_port) */
    unsigned threads;                /* worker threads; 0: 2 */
    unsigned connection_timeout_s;   /* idle connection timeout; 0: 30 */
    unsigned request_timeout_s;      /* deadline for a whole request body; 0: 120 */
    size_t max_body_bytes;           /* 0: FSE_MAX_DOCUMENT_BYTES (5 MB); over it: 413 */
    size_t max_buffered_bytes;       /* bodies held by all requests; 0: 256 MiB; 503 */
    unsigned max_connections;        /* 0: 256 */
    unsigned max_connections_per_ip; /* 0: 32 */
    unsigned rate_limit_requests;    /* requests per window per client; 0: no limit */
    unsigned rate_limit_window_s;    /* 0: 60 */
    unsigned shutdown_timeout_ms;    /* wait for in-flight requests; 0: 10000 */
    const char *tls_cert_pem;        /* server certificate chain (PEM); NULL: plain HTTP */
    const char *tls_key_pem;         /* its private key (PEM); required with tls_cert_pem */
    const char *tls_client_ca_pem;   /* CA(s) for client certificates: mutual TLS required */
    fse_http_access_fn access_log;   /* NULL: no access log */
    fse_http_log_fn log;             /* NULL: events are dropped */
    void *log_ud;                    /* passed to access_log and log */
} fse_http_opts;

/* ---- Server ------------------------------------------------------------- */

/*
 * A request handler. It answers through one of the fse_http_respond_* calls.
 * Returning an error without having answered sends the problem+json that the
 * error table gives for the code (see fse_http_respond_error); returning
 * FSE_OK without having answered is a 500.
 */
typedef fse_err (*fse_http_handler)(fse_http_req *req, void *ud);

/*
 * Create a server (not yet listening). Copies what it needs from opts,
 * including the TLS material. Errors: FSE_E_ARG (bad option or TLS without a
 * key), FSE_E_NOMEM.
 */
FSE_API fse_err fse_http_server_new(fse_http_server **out, const fse_http_opts *opts);

/*
 * Route method (e.g. "GET"; a GET route also answers HEAD) and pattern to
 * handler. A pattern is an absolute path whose segments are literals,
 * parameters "{name}" (one whole segment, decoded, see fse_http_req_param) or,
 * as the last segment, "*" (the rest of the path, one or more segments,
 * fetched as parameter "*"). The first registered match wins. Call before
 * fse_http_server_start. Errors: FSE_E_ARG (bad pattern, started server),
 * FSE_E_LIMIT (too many routes), FSE_E_NOMEM.
 */
FSE_API fse_err fse_http_server_route(fse_http_server *srv, const char *method, const char *pattern,
                                      fse_http_handler handler, void *ud);

/*
 * Errors under a path prefix in another format: every problem answer of a
 * request whose target starts with prefix (those the server gives itself
 * before any handler, such as 429, 413, 414 or an unknown route, and those
 * of fse_http_respond_problem/_error) is rendered by fn instead of
 * problem+json. fn answers with fse_http_respond (status, detail: the
 * catalogue title when no detail). At most FSE_HTTP_MAX_ERROR_STYLES; call
 * before start. Errors: FSE_E_ARG, FSE_E_LIMIT, FSE_E_NOMEM.
 */
#define FSE_HTTP_MAX_ERROR_STYLES 4
typedef fse_err (*fse_http_error_fn)(void *ud, fse_http_req *req, unsigned status,
                                     const char *detail);
FSE_API fse_err fse_http_server_error_style(fse_http_server *srv, const char *prefix,
                                            fse_http_error_fn fn, void *ud);

/*
 * Serve the files under dir at GET/HEAD prefix/... ("prefix" itself and paths
 * ending in "/" give index.html). dir is opened now; symbolic links and
 * dot-files below it are never served. Errors as fse_http_server_route, plus
 * FSE_E_IO when dir cannot be opened.
 */
FSE_API fse_err fse_http_server_static(fse_http_server *srv, const char *prefix, const char *dir);

/* Options of a static route (fse_http_server_static_opts). Zero: the
 * defaults of fse_http_server_static. Strings are copied. */
typedef struct fse_http_static_opts {
    /* Content-Security-Policy and X-Frame-Options of the files, in place of
     * the defaults every response carries; NULL: the defaults. */
    const char *csp;
    const char *frame_options;
    /* Versioned assets: a file other than HTML asked for with the query
     * parameter "v" (page.css?v=3) is cached for this many seconds
     * (Cache-Control: public, max-age); 0: revalidated as every file
     * (Cache-Control: no-cache with the ETag). At most a year. */
    unsigned versioned_max_age_s;
} fse_http_static_opts;

/*
 * fse_http_server_static with options (NULL: none). A static route answers
 * GET and HEAD only (another method on a path only it matches is a 404) and
 * never hides the 405 of a route registered before it for the same path, so
 * a site at prefix "/" can be registered after the API routes. Errors as
 * fse_http_server_static, FSE_E_ARG for a header value with control
 * characters or a max-age over a year.
 */
FSE_API fse_err fse_http_server_static_opts(fse_http_server *srv, const char *prefix,
                                            const char *dir, const fse_http_static_opts *opts);

/*
 * Bind and start the worker threads; returns once the server accepts
 * connections. GET /v1/status answers 200 {"status":"UP"} unless a route for
 * it was registered. Errors: FSE_E_IO (bind failed), FSE_E_CRYPTO (TLS
 * material refused), FSE_E_ARG (already started), FSE_E_NOMEM.
 */
FSE_API fse_err fse_http_server_start(fse_http_server *srv);

/* The bound port (the real one when opts.port was 0); 0 before start. */
FSE_API uint16_t fse_http_server_port(const fse_http_server *srv);

/*
 * Ask the server to shut down. Async-signal-safe (one write(2) on a pipe):
 * call it from a SIGTERM handler. srv must stay valid until
 * fse_http_server_wait has returned.
 */
FSE_API void fse_http_server_shutdown_signal(fse_http_server *srv);

/*
 * Block until fse_http_server_shutdown_signal is called, then shut down
 * gracefully: stop accepting connections, let in-flight requests finish (up
 * to opts.shutdown_timeout_ms), then close every connection and stop the
 * threads. Returns FSE_OK, or FSE_E_LIMIT when requests were still running at
 * the deadline (they were cut). Call from one thread only.
 */
FSE_API fse_err fse_http_server_wait(fse_http_server *srv);

/* Stop (immediately if still running) and free. NULL is a no-op. */
FSE_API void fse_http_server_free(fse_http_server *srv);

/* ---- Request ------------------------------------------------------------ */
/* Every pointer a getter returns is borrowed from req and valid until the
 * handler returns. */

/* The request method as sent ("GET", "POST", ...). */
FSE_API const char *fse_http_req_method(const fse_http_req *req);
/* The path as received, without the query string, still percent-encoded. */
FSE_API const char *fse_http_req_path(const fse_http_req *req);

/*
 * A path parameter of the matched route, percent-decoded. Values are checked
 * before the handler runs: valid UTF-8, no NUL or other control character, no
 * backslash, no "." or ".." segment, and for "{name}" no "/". NULL when the
 * route has no such parameter.
 */
FSE_API const char *fse_http_req_param(const fse_http_req *req, const char *name);

/* First value of a query parameter, decoded ("+" is a space); NULL if absent. */
FSE_API const char *fse_http_req_query(const fse_http_req *req, const char *name);
FSE_API size_t fse_http_req_query_count(const fse_http_req *req);
/* The i-th query parameter in request order; false when i is out of range. */
FSE_API bool fse_http_req_query_at(const fse_http_req *req, size_t i, const char **name_out,
                                   const char **value_out);

/* A request header, looked up case-insensitively; NULL if absent. */
FSE_API const char *fse_http_req_header(const fse_http_req *req, const char *name);

/* The token of an "Authorization: Bearer <token>" header (scheme
 * case-insensitive, blanks after it skipped); NULL when the header is absent,
 * another scheme, or empty. */
FSE_API const char *fse_http_req_bearer(const fse_http_req *req);

/* The request body (never NULL; *len_out may be 0). It is also NUL-terminated,
 * but may contain NUL bytes. */
FSE_API const uint8_t *fse_http_req_body(const fse_http_req *req, size_t *len_out);

/* Peer address in text form ("127.0.0.1", "::1"). */
FSE_API const char *fse_http_req_client_ip(const fse_http_req *req);

/*
 * Subject distinguished name (RFC 4514) of the verified client certificate,
 * e.g. "CN=A1#120#FOO,O=Example,C=IT"; NULL without mutual TLS. The DER of
 * that certificate is given by fse_http_req_client_cert (NULL, 0 without).
 */
FSE_API const char *fse_http_req_client_subject(const fse_http_req *req);
FSE_API const uint8_t *fse_http_req_client_cert(const fse_http_req *req, size_t *len_out);

/* The request's trace id (32 lowercase hex; taken from a valid W3C traceparent
 * header when one is sent) and span id (16 lowercase hex, always new). */
FSE_API const char *fse_http_req_trace_id(const fse_http_req *req);
FSE_API const char *fse_http_req_span_id(const fse_http_req *req);

/* ---- multipart/form-data ------------------------------------------------ */

/* One part of a multipart/form-data body. data points into the body it was
 * parsed from and is exact (binary-safe, any bytes). */
typedef struct fse_http_part {
    const char *name;         /* form field name, never NULL */
    const char *filename;     /* NULL when the part is not a file */
    const char *content_type; /* NULL when the part gives none */
    const uint8_t *data;
    size_t len;
} fse_http_part;

typedef struct fse_http_multipart fse_http_multipart;

/*
 * Parse body as multipart/form-data with the boundary of content_type (the
 * Content-Type header value). Parts borrow from body, which must outlive
 * *out. Two parts with the same name are refused. Errors: FSE_E_PARSE (not
 * multipart/form-data, no boundary, malformed or unterminated body), FSE_E_LIMIT
 * (too many parts, part headers too long), FSE_E_NOMEM. Caller frees with
 * fse_http_multipart_free.
 */
FSE_API fse_err fse_http_multipart_parse(fse_http_multipart **out, const char *content_type,
                                         const uint8_t *body, size_t len);
FSE_API size_t fse_http_multipart_count(const fse_http_multipart *mp);
/* The i-th part, or NULL when out of range. */
FSE_API const fse_http_part *fse_http_multipart_at(const fse_http_multipart *mp, size_t i);
/* The part called name, or NULL. */
FSE_API const fse_http_part *fse_http_multipart_get(const fse_http_multipart *mp, const char *name);
FSE_API void fse_http_multipart_free(fse_http_multipart *mp);

/* The request body parsed as multipart/form-data (parsed once, owned by req).
 * Errors as fse_http_multipart_parse. */
FSE_API fse_err fse_http_req_multipart(fse_http_req *req, const fse_http_multipart **out);

/* ---- JSON bodies -------------------------------------------------------- */

/*
 * Parse len bytes of JSON (an object or an array at the top) with jansson:
 * duplicate keys, NUL characters, invalid UTF-8 and nesting deeper than
 * FSE_HTTP_MAX_JSON_DEPTH (lib/http/http_int.h: 32) are refused. Caller owns *out (json_decref).
 * Errors: FSE_E_PARSE (with line and column, or the depth), FSE_E_NOMEM.
 */
FSE_API fse_err fse_http_json_parse(struct json_t **out, const uint8_t *data, size_t len);

/* The request body as JSON (fse_http_json_parse); the Content-Type must be
 * application/json, else FSE_E_PARSE. Caller owns *out (json_decref). */
FSE_API fse_err fse_http_req_json(const fse_http_req *req, struct json_t **out);

/* ---- Responses ---------------------------------------------------------- */

/* Application problem types: the Gateway's catalogue (gateway-api.md §4) and
 * the transport problems of this layer. */
typedef enum fse_http_problem {
    FSE_HTTP_PROBLEM_GENERIC_ERROR = 0,       /* /msg/generic-error 500 */
    FSE_HTTP_PROBLEM_CDA_ELEMENT,             /* /msg/cda-element 400 */
    FSE_HTTP_PROBLEM_SYNTAX,                  /* /msg/syntax 400 */
    FSE_HTTP_PROBLEM_SEMANTIC,                /* /msg/semantic 422 */
    FSE_HTTP_PROBLEM_VOCABULARY,              /* /msg/vocabulary 400 */
    FSE_HTTP_PROBLEM_VALIDATOR,               /* /msg/validator 400 */
    FSE_HTTP_PROBLEM_CDA_MATCH,               /* /msg/cda-match 400 */
    FSE_HTTP_PROBLEM_EMPTY_FILE,              /* /msg/empty-file 400 */
    FSE_HTTP_PROBLEM_DOCUMENT_TYPE,           /* /msg/document-type 415 */
    FSE_HTTP_PROBLEM_DOCUMENT_HASH,           /* /msg/document-hash 400 */
    FSE_HTTP_PROBLEM_MANDATORY_ELEMENT,       /* /msg/mandatory-element 400 */
    FSE_HTTP_PROBLEM_INVALID_FORMAT,          /* /msg/invalid-format 400 */
    FSE_HTTP_PROBLEM_MANDATORY_ELEMENT_TOKEN, /* /msg/mandatory-element-token 403 */
    FSE_HTTP_PROBLEM_JWT_VALIDATION,          /* /msg/jwt-validation 403 */
    FSE_HTTP_PROBLEM_MISSING_TOKEN,           /* /msg/missing-token 403 */
    FSE_HTTP_PROBLEM_ID_DOC,                  /* /msg/id-doc 400 */
    FSE_HTTP_PROBLEM_WII,                     /* /msg/wii 400 */
    FSE_HTTP_PROBLEM_WORKFLOW_ID_EXTRACTION,  /* /msg/workflow-id-error-extraction 400 */
    FSE_HTTP_PROBLEM_FHIR_MAPPING_TYPE,       /* /msg/fhir-mapping-type 400 */
    FSE_HTTP_PROBLEM_FHIR_MAPPING_TIMEOUT,    /* /msg/fhir-mapping-timeout 400 */
    FSE_HTTP_PROBLEM_GENERIC_TIMEOUT,         /* /msg/generic-timeout 504 */
    FSE_HTTP_PROBLEM_RECORD_NOT_FOUND,        /* /msg/record-not-found 404 */
    FSE_HTTP_PROBLEM_INI_ERROR,               /* /msg/ini-error 502 */
    FSE_HTTP_PROBLEM_EDS_ERROR,               /* /msg/eds-error 404 */
    FSE_HTTP_PROBLEM_MAX_DAY_LIMIT_EXCEED,    /* /msg/max-day-limit-exceed 400 */
    FSE_HTTP_PROBLEM_SIGN_ERROR,              /* /msg/sign-error 400 */
    FSE_HTTP_PROBLEM_SIMULATION_ERROR,        /* /msg/simulation-error 400 */
    FSE_HTTP_PROBLEM_UNAUTHORIZED,            /* /msg/unauthorized 401 */
    FSE_HTTP_PROBLEM_SERVICE_ERROR,           /* /msg/service-error 500 */
    FSE_HTTP_PROBLEM_NOT_IMPLEMENTED,         /* /msg/not-implemented 503 */
    FSE_HTTP_PROBLEM_ACCESS_DENIED,           /* /msg/access-denied 403 */
    FSE_HTTP_PROBLEM_CONFLICT,                /* /msg/conflict 409 */
    FSE_HTTP_PROBLEM_NOT_FOUND,               /* /msg/not-found 404: no such route */
    FSE_HTTP_PROBLEM_METHOD_NOT_ALLOWED,      /* /msg/method-not-allowed 405 */
    FSE_HTTP_PROBLEM_PAYLOAD_TOO_LARGE,       /* /msg/payload-too-large 413 */
    FSE_HTTP_PROBLEM_TOO_MANY_REQUESTS,       /* /msg/too-many-requests 429 */
    FSE_HTTP_PROBLEM_SERVICE_UNAVAILABLE,     /* /msg/service-unavailable 503 */
    FSE_HTTP_PROBLEM_URI_TOO_LONG,            /* /msg/uri-too-long 414 */
    FSE_HTTP_PROBLEM_COUNT_                   /* number of entries, not a problem */
} fse_http_problem;

/* Status, type, title and default instance of a catalogue entry (static
 * strings; an out-of-range value gives the GENERIC_ERROR entry). */
FSE_API unsigned fse_http_problem_status(fse_http_problem problem);
FSE_API const char *fse_http_problem_type(fse_http_problem problem);
FSE_API const char *fse_http_problem_title(fse_http_problem problem);
FSE_API const char *fse_http_problem_instance(fse_http_problem problem);

/* The error table: the catalogue entry and HTTP status for an fse_err. */
FSE_API fse_http_problem fse_http_problem_for_err(fse_err code, unsigned *status_out);

/* An extra member of a problem+json body, e.g. {"workflowInstanceId", wii}. */
typedef struct fse_http_field {
    const char *name;
    const char *value;
} fse_http_field;

/*
 * Add a response header (e.g. Location) to the response the handler is about
 * to send. Names and values with CR, LF or other control characters, and the
 * framing headers the server sets itself (Content-Length, Transfer-Encoding,
 * Connection, Date, Upgrade, Trailer) are refused (FSE_E_ARG). Setting
 * Content-Security-Policy, X-Frame-Options or Cache-Control replaces the
 * server's default for that header. Errors: FSE_E_LIMIT (too many),
 * FSE_E_NOMEM.
 */
FSE_API fse_err fse_http_set_header(fse_http_req *req, const char *name, const char *value);

/*
 * Answer with status and len bytes of data (copied) of content_type. Every
 * response carries the security headers (CSP default-src 'self' and
 * frame-ancestors 'none', X-Content-Type-Options, Referrer-Policy,
 * X-Frame-Options; HSTS over TLS) and Cache-Control: no-store. Errors:
 * FSE_E_ARG (a response was already given, bad status), FSE_E_NOMEM.
 */
FSE_API fse_err fse_http_respond(fse_http_req *req, unsigned status, const char *content_type,
                                 const void *data, size_t len);

/* Answer with body as application/json. Errors as fse_http_respond. */
FSE_API fse_err fse_http_respond_json(fse_http_req *req, unsigned status, const fse_buf *body);

/*
 * Answer with an application/problem+json body {traceID, spanID, type, title,
 * detail, status, instance, extra...} for a catalogue entry. detail NULL gives
 * the title; instance NULL the entry's default instance. Extra fields are
 * string members added after the standard ones (standard names are refused).
 * Errors as fse_http_respond.
 */
FSE_API fse_err fse_http_respond_problem(fse_http_req *req, fse_http_problem problem,
                                         const char *detail, const char *instance,
                                         const fse_http_field *extra, size_t n_extra);

/*
 * Answer with the problem+json that the error table gives for code. For a
 * client error (4xx) the detail is the message of fse_error_last() when it
 * carries that code; for a server error (5xx) the detail is generic and the
 * message goes to the log callback with the trace id. Errors as
 * fse_http_respond.
 */
FSE_API fse_err fse_http_respond_error(fse_http_req *req, fse_err code);

#endif /* FSE_HTTP_H */
