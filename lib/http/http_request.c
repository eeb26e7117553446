/*
 * lib/http/http_request.c - one request from its request line to completion.
 *
 * Owns the request object and its getters, trace and span ids, the checks
 * made once the headers are in (client certificate, rate limit, target
 * syntax, message framing, body size announced by Content-Length, routing),
 * the bounded intake of the body (413 past the limit, also for chunked
 * bodies; 503 past the server-wide budget; a deadline for the whole upload),
 * the call of the handler and the access-log entry. It does not own routing
 * rules (http_route.c), how responses are built (http_response.c) or the
 * MHD daemon (http_server.c).
 */
#include "http_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

/* ---- Ids ---------------------------------------------------------------- */

static void random_hex(char *out, size_t n_hex)
{
    static atomic_uint_fast64_t counter;
    uint8_t bytes[FSE_HTTP_TRACE_HEX / 2];
    size_t n = n_hex / 2;
    size_t i;

    if (getrandom(bytes, n, 0) != (ssize_t)n) {
        /* Ids are correlation handles, not secrets: fall back to a counter
         * mixed with the clock. */
        uint64_t x = fse_http__now_us() ^ (atomic_fetch_add(&counter, 1) * 0x9e3779b97f4a7c15u);

        for (i = 0; i < n; i++) {
            x ^= x >> 33;
            x *= 0xff51afd7ed558ccdu;
            bytes[i] = (uint8_t)(x >> 56);
        }
    }
    fse_hex_encode(out, bytes, n);
}

static bool is_lower_hex(const char *s, size_t n)
{
    size_t i;
    bool nonzero = false;

    for (i = 0; i < n; i++) {
        bool digit = s[i] >= '0' && s[i] <= '9';
        bool letter = s[i] >= 'a' && s[i] <= 'f';

        if (!digit && !letter) {
            return false;
        }
        nonzero = nonzero || s[i] != '0';
    }
    return nonzero;
}

/* W3C Trace Context: "00-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>".
 * A valid trace id is kept so a caller's trace continues here. */
static void trace_from_header(fse_http_req *req)
{
    const char *tp = fse_http_req_header(req, "traceparent");

    if (tp == NULL || strlen(tp) != 55 || strncmp(tp, "00-", 3) != 0 || tp[35] != '-' ||
        tp[52] != '-') {
        return;
    }
    if (!is_lower_hex(tp + 3, FSE_HTTP_TRACE_HEX) || !is_lower_hex(tp + 36, FSE_HTTP_SPAN_HEX)) {
        return;
    }
    memcpy(req->trace_id, tp + 3, FSE_HTTP_TRACE_HEX);
    req->trace_id[FSE_HTTP_TRACE_HEX] = '\0';
}

/* ---- Creation ----------------------------------------------------------- */

static void client_address(fse_http_req *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

    snprintf(req->client_ip, sizeof req->client_ip, "unknown");
    if (sa == NULL) {
        return;
    }
    if (sa->sa_family == AF_INET) {
        memcpy(&req->client_addr, sa, sizeof(struct sockaddr_in));
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                  req->client_ip, sizeof req->client_ip);
    } else if (sa->sa_family == AF_INET6) {
        memcpy(&req->client_addr, sa, sizeof(struct sockaddr_in6));
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                  req->client_ip, sizeof req->client_ip);
    }
}

fse_http_req *fse_http__req_new(fse_http_server *srv, struct MHD_Connection *conn, const char *uri)
{
    fse_http_req *req = fse_calloc(1, sizeof *req);
    size_t len;

    if (req == NULL) {
        fse_http__log(srv, FSE_HTTP_LOG_ERROR, "module=http event=oom what=request");
        return NULL;
    }
    len = strnlen(uri, FSE_HTTP_MAX_URI_BYTES + 1);
    if (len > FSE_HTTP_MAX_URI_BYTES) {
        req->uri_too_long = true;
        len = FSE_HTTP_MAX_URI_BYTES;
    }
    req->uri = fse_strndup(uri, len);
    if (req->uri == NULL) {
        fse_free(req);
        fse_http__log(srv, FSE_HTTP_LOG_ERROR, "module=http event=oom what=request");
        return NULL;
    }
    req->srv = srv;
    req->conn = conn;
    req->start_us = fse_http__now_us();
    fse_buf_init(&req->body, srv->opts.max_body_bytes);
    random_hex(req->trace_id, FSE_HTTP_TRACE_HEX);
    random_hex(req->span_id, FSE_HTTP_SPAN_HEX);
    client_address(req);
    pthread_mutex_lock(&srv->lock);
    srv->in_flight++;
    pthread_mutex_unlock(&srv->lock);
    return req;
}

/* ---- Checks once the headers are in ------------------------------------- */

typedef struct framing {
    unsigned n_length;
    unsigned n_encoding;
    const char *length;
    const char *encoding;
} framing;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    framing *f = cls;

    (void)kind;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        f->n_length++;
        f->length = value;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->n_encoding++;
        f->encoding = value;
    }
    return MHD_YES;
}

/* Refuse ambiguous framing (request smuggling) and bodies announced too big.
 * Sets *too_big for a Content-Length over the limit. */
static fse_err check_framing(fse_http_req *req, bool *too_big)
{
    framing f = {0, 0, NULL, NULL};
    unsigned long long announced = 0;
    const char *p;

    *too_big = false;
    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, count_framing, &f);
    if (f.n_length > 1 || f.n_encoding > 1 || (f.n_length > 0 && f.n_encoding > 0)) {
        return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE,
                             "ambiguous message framing (Content-Length/Transfer-Encoding)");
    }
    if (f.n_encoding > 0 && strcasecmp(f.encoding, "chunked") != 0) {
        return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "unsupported transfer coding");
    }
    if (f.n_length == 0) {
        return FSE_OK;
    }
    if (f.length[0] == '\0') {
        return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "empty Content-Length");
    }
    for (p = f.length; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "malformed Content-Length");
        }
        if (announced > req->srv->opts.max_body_bytes) {
            break; /* already too big; stop before the value can overflow */
        }
        announced = announced * 10u + (unsigned long long)(*p - '0');
    }
    *too_big = announced > req->srv->opts.max_body_bytes;
    return FSE_OK;
}

static enum MHD_Result early(fse_http_req *req, fse_http_problem problem, const char *detail,
                             const char *hdr_name, const char *hdr_value)
{
    if (fse_http__problem_with_header(req, problem, detail, hdr_name, hdr_value) != FSE_OK) {
        return MHD_NO;
    }
    return fse_http__queue(req);
}

static enum MHD_Result early_error(fse_http_req *req, fse_err code)
{
    if (fse_http_respond_error(req, code) != FSE_OK) {
        return MHD_NO;
    }
    return fse_http__queue(req);
}

static enum MHD_Result start(fse_http_req *req, const char *method)
{
    fse_http_server *srv = req->srv;
    const union MHD_ConnectionInfo *ci;
    char allow[128];
    char retry[16];
    unsigned retry_s = 0;
    http_match match = HTTP_MATCH_NO_PATH;
    bool too_big = false;
    fse_err rc;

    ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    req->cconn = ci != NULL ? ci->socket_context : NULL;
    if (req->cconn == NULL) {
        return MHD_NO; /* the connection state could not be allocated */
    }
    trace_from_header(req);
    snprintf(req->method, sizeof req->method, "%s", method);
    if (strlen(method) >= sizeof req->method) {
        return early(req, FSE_HTTP_PROBLEM_METHOD_NOT_ALLOWED, "unknown method", NULL, NULL);
    }
    if (srv->tls_ca != NULL && !fse_http__tls_client(srv, req->conn, req->cconn)) {
        return early(req, FSE_HTTP_PROBLEM_ACCESS_DENIED,
                     "a verified client certificate is required", NULL, NULL);
    }
    if (srv->rate != NULL &&
        !fse_http__rate_take(srv->rate, &req->client_addr, fse_http__now_us(), &retry_s)) {
        snprintf(retry, sizeof retry, "%u", retry_s);
        return early(req, FSE_HTTP_PROBLEM_TOO_MANY_REQUESTS, "rate limit exceeded", "Retry-After",
                     retry);
    }
    if (req->uri_too_long) {
        return early(req, FSE_HTTP_PROBLEM_URI_TOO_LONG, NULL, NULL, NULL);
    }
    rc = fse_http__uri_split(req);
    if (rc == FSE_OK) {
        rc = check_framing(req, &too_big);
    }
    if (rc != FSE_OK) {
        return early_error(req, rc);
    }
    if (too_big) {
        return early(req, FSE_HTTP_PROBLEM_PAYLOAD_TOO_LARGE, "request body over the limit", NULL,
                     NULL);
    }
    rc = fse_http__route_match(req, &match, allow, sizeof allow);
    if (rc != FSE_OK) {
        return early_error(req, rc);
    }
    if (match == HTTP_MATCH_NO_PATH) {
        return early(req, FSE_HTTP_PROBLEM_NOT_FOUND, NULL, NULL, NULL);
    }
    if (match == HTTP_MATCH_NO_METHOD) {
        return early(req, FSE_HTTP_PROBLEM_METHOD_NOT_ALLOWED, NULL, "Allow", allow);
    }
    req->phase = HTTP_PHASE_BODY;
    return MHD_YES;
}

/* ---- Body --------------------------------------------------------------- */

static enum MHD_Result take_body(fse_http_req *req, const char *data, size_t size)
{
    fse_http_server *srv = req->srv;
    uint64_t deadline_us = (uint64_t)srv->opts.request_timeout_s * 1000000u;
    size_t before;

    if (fse_http__now_us() - req->start_us > deadline_us) {
        fse_http__log(srv, FSE_HTTP_LOG_WARN,
                      "module=http event=request_timeout client=%s trace=%s", req->client_ip,
                      req->trace_id);
        return MHD_NO;
    }
    if (!req->body_too_big && !req->budget_exceeded && size > req->body.max - req->body.len) {
        req->body_too_big = true;
    }
    if (!req->body_too_big && !req->budget_exceeded) {
        before = atomic_fetch_add(&srv->buffered, size);
        if (before + size > srv->opts.max_buffered_bytes) {
            atomic_fetch_sub(&srv->buffered, size);
            req->budget_exceeded = true;
        } else {
            req->buffered += size;
            if (fse_buf_append(&req->body, data, size) != FSE_OK) {
                fse_http__log(srv, FSE_HTTP_LOG_ERROR, "module=http event=oom what=body");
                return MHD_NO;
            }
            return MHD_YES;
        }
    }
    /* Over a limit: drop what follows, up to a bound, to still answer. */
    if (size > FSE_HTTP_DISCARD_MAX - req->discarded) {
        return MHD_NO;
    }
    req->discarded += size;
    return MHD_YES;
}

static enum MHD_Result finish(fse_http_req *req)
{
    const http_route *route = req->route;
    fse_err rc;

    if (req->body_too_big) {
        return early(req, FSE_HTTP_PROBLEM_PAYLOAD_TOO_LARGE, "request body over the limit", NULL,
                     NULL);
    }
    if (req->budget_exceeded) {
        return early(req, FSE_HTTP_PROBLEM_SERVICE_UNAVAILABLE, "server busy", "Retry-After", "5");
    }
    fse_error_clear();
    if (route->kind == HTTP_ROUTE_STATIC) {
        rc = fse_http__static_serve(req, route);
    } else {
        rc = route->handler(req, route->ud);
    }
    if (req->resp == NULL) {
        if (rc == FSE_OK) {
            rc = fse_error_set(FSE_E_INTERNAL, FSE_HTTP_MODULE, "handler gave no response");
        }
        if (fse_http_respond_error(req, rc) != FSE_OK) {
            return MHD_NO;
        }
    }
    return fse_http__queue(req);
}

enum MHD_Result fse_http__req_access(fse_http_req *req, const char *method, const char *upload_data,
                                     size_t *upload_data_size)
{
    size_t size = *upload_data_size;

    *upload_data_size = 0;
    switch (req->phase) {
    case HTTP_PHASE_NEW:
        return start(req, method);
    case HTTP_PHASE_BODY:
        if (size > 0) {
            return take_body(req, upload_data, size);
        }
        return finish(req);
    case HTTP_PHASE_DONE:
    default:
        return MHD_YES; /* answered early: MHD discards the rest */
    }
}

/* ---- Completion --------------------------------------------------------- */

void fse_http__req_done(fse_http_req *req, bool completed)
{
    fse_http_server *srv = req->srv;
    fse_http_access_entry e;
    size_t i;

    if (srv->opts.access_log != NULL) {
        e.method = req->method;
        e.path = req->path != NULL ? req->path : "";
        e.client_ip = req->client_ip;
        e.trace_id = req->trace_id;
        e.span_id = req->span_id;
        e.status = req->status;
        e.bytes_in = req->body.len;
        e.bytes_out = req->resp_len;
        e.duration_us = fse_http__now_us() - req->start_us;
        e.completed = completed;
        srv->opts.access_log(srv->opts.log_ud, &e);
    }
    atomic_fetch_sub(&srv->buffered, req->buffered);
    if (req->resp != NULL) {
        MHD_destroy_response(req->resp);
    }
    for (i = 0; i < req->n_query; i++) {
        fse_free(req->query[i].name);
        fse_free(req->query[i].value);
    }
    for (i = 0; i < req->n_params; i++) {
        fse_free(req->param_value[i]);
    }
    for (i = 0; i < req->n_hdrs; i++) {
        fse_free(req->hdr_name[i]);
        fse_free(req->hdr_value[i]);
    }
    fse_http_multipart_free(req->multipart);
    fse_free(req->query);
    fse_free(req->path);
    fse_free(req->uri);
    fse_buf_free(&req->body);
    fse_free(req);
    pthread_mutex_lock(&srv->lock);
    srv->in_flight--;
    if (srv->in_flight == 0) {
        pthread_cond_broadcast(&srv->idle);
    }
    pthread_mutex_unlock(&srv->lock);
}

/* ---- Getters ------------------------------------------------------------ */

const char *fse_http_req_method(const fse_http_req *req)
{
    return req->method;
}

const char *fse_http_req_path(const fse_http_req *req)
{
    return req->path != NULL ? req->path : "";
}

const char *fse_http_req_param(const fse_http_req *req, const char *name)
{
    size_t i;

    for (i = 0; i < req->n_params; i++) {
        if (strcmp(req->param_name[i], name) == 0) {
            return req->param_value[i];
        }
    }
    return NULL;
}

const char *fse_http_req_query(const fse_http_req *req, const char *name)
{
    size_t i;

    for (i = 0; i < req->n_query; i++) {
        if (strcmp(req->query[i].name, name) == 0) {
            return req->query[i].value;
        }
    }
    return NULL;
}

size_t fse_http_req_query_count(const fse_http_req *req)
{
    return req->n_query;
}

bool fse_http_req_query_at(const fse_http_req *req, size_t i, const char **name_out,
                           const char **value_out)
{
    if (i >= req->n_query) {
        return false;
    }
    *name_out = req->query[i].name;
    *value_out = req->query[i].value;
    return true;
}

const char *fse_http_req_header(const fse_http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *fse_http_req_bearer(const fse_http_req *req)
{
    const char *header = fse_http_req_header(req, "Authorization");

    if (header == NULL || strncasecmp(header, "Bearer ", 7) != 0) {
        return NULL;
    }
    header += 7;
    while (*header == ' ') {
        header++;
    }
    return *header != '\0' ? header : NULL;
}

const uint8_t *fse_http_req_body(const fse_http_req *req, size_t *len_out)
{
    *len_out = req->body.len;
    return req->body.data != NULL ? (const uint8_t *)req->body.data : (const uint8_t *)"";
}

const char *fse_http_req_client_ip(const fse_http_req *req)
{
    return req->client_ip;
}

const char *fse_http_req_client_subject(const fse_http_req *req)
{
    return req->cconn != NULL && req->cconn->tls_ok ? req->cconn->subject : NULL;
}

const uint8_t *fse_http_req_client_cert(const fse_http_req *req, size_t *len_out)
{
    if (req->cconn == NULL || !req->cconn->tls_ok || req->cconn->cert_der == NULL) {
        *len_out = 0;
        return NULL;
    }
    *len_out = req->cconn->cert_len;
    return req->cconn->cert_der;
}

const char *fse_http_req_trace_id(const fse_http_req *req)
{
    return req->trace_id;
}

const char *fse_http_req_span_id(const fse_http_req *req)
{
    return req->span_id;
}

fse_err fse_http_req_multipart(fse_http_req *req, const fse_http_multipart **out)
{
    const char *ctype;
    fse_err rc;

    *out = NULL;
    if (req->multipart == NULL) {
        ctype = fse_http_req_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
        rc = fse_http_multipart_parse(&req->multipart, ctype != NULL ? ctype : "",
                                      (const uint8_t *)req->body.data, req->body.len);
        if (rc != FSE_OK) {
            return rc;
        }
    }
    *out = req->multipart;
    return FSE_OK;
}
