/*
 * lib/http/http_response.c - building and queueing responses.
 *
 * Owns the response helpers (bytes, JSON, problem+json with the Gateway's
 * fields traceID, spanID, type, title, detail, status, instance plus extra
 * members), the headers every response carries (security headers, default
 * Cache-Control, Connection: close while shutting down), handler-added
 * headers and the final MHD_queue_response. It does not own which problem an
 * fse_err becomes (http_problem.c) or file responses (http_static.c).
 */
#include "http_int.h"

#include <string.h>
#include <strings.h>

#include "fse/json.h"

/* Largest problem+json body: the Gateway's warning member alone may reach
 * 200000 characters (gateway-api.md §4). */
#define PROBLEM_MAX_BYTES (1024u * 1024u)

/* The security headers of every response (STYLE: web pages are served with a
 * strict CSP; frame-ancestors 'none' also covers clickjacking). A handler
 * (or a static route's options) may replace one by setting a header of the
 * same name: the web pages' own policy (lib/web). */
static const char *const security_headers[][2] = {
    {"Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
};

static bool header_token(const char *s)
{
    size_t i;

    if (s[0] == '\0') {
        return false;
    }
    for (i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= 0x20 || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c) != NULL) {
            return false;
        }
    }
    return true;
}

static bool header_value(const char *s)
{
    size_t i;

    for (i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return false;
        }
    }
    return true;
}

/* Message framing and connection management belong to the server. */
static bool framing_header(const char *name)
{
    static const char *const names[] = {"Content-Length", "Transfer-Encoding", "Connection",
                                        "Date",           "Upgrade",           "Trailer"};
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(names[i], name) == 0) {
            return true;
        }
    }
    return false;
}

fse_err fse_http_set_header(fse_http_req *req, const char *name, const char *value)
{
    if (name == NULL || value == NULL || !header_token(name) || !header_value(value)) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "bad response header");
    }
    if (framing_header(name)) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "%s is set by the server", name);
    }
    if (req->n_hdrs == FSE_HTTP_MAX_EXTRA_HEADERS) {
        return fse_error_set(FSE_E_LIMIT, FSE_HTTP_MODULE, "more than %u response headers",
                             FSE_HTTP_MAX_EXTRA_HEADERS);
    }
    req->hdr_name[req->n_hdrs] = fse_strdup(name);
    req->hdr_value[req->n_hdrs] = fse_strdup(value);
    if (req->hdr_name[req->n_hdrs] == NULL || req->hdr_value[req->n_hdrs] == NULL) {
        fse_free(req->hdr_name[req->n_hdrs]);
        fse_free(req->hdr_value[req->n_hdrs]);
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "response header");
    }
    req->n_hdrs++;
    return FSE_OK;
}

fse_err fse_http__set_response(fse_http_req *req, unsigned status, struct MHD_Response *resp,
                               size_t body_len)
{
    if (resp == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "response");
    }
    if (req->resp != NULL || req->phase == HTTP_PHASE_DONE || status < 100 || status > 599) {
        MHD_destroy_response(resp);
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "response already given or bad status");
    }
    req->resp = resp;
    req->status = status;
    req->resp_len = body_len;
    return FSE_OK;
}

fse_err fse_http_respond(fse_http_req *req, unsigned status, const char *content_type,
                         const void *data, size_t len)
{
    struct MHD_Response *resp;
    void *copy = fse_malloc(len);

    if (copy == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "response of %zu bytes", len);
    }
    if (len > 0) {
        memcpy(copy, data, len);
    }
    resp = MHD_create_response_from_buffer_with_free_callback(len, copy, fse_free);
    if (resp == NULL) {
        fse_free(copy);
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "response");
    }
    if (content_type != NULL &&
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type) != MHD_YES) {
        MHD_destroy_response(resp);
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "bad content type");
    }
    return fse_http__set_response(req, status, resp, len);
}

fse_err fse_http_respond_json(fse_http_req *req, unsigned status, const fse_buf *body)
{
    return fse_http_respond(req, status, "application/json", body->data != NULL ? body->data : "",
                            body->len);
}

static bool standard_member(const char *name)
{
    static const char *const names[] = {"traceID", "spanID", "type",    "title",
                                        "detail",  "status", "instance"};
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* The error style registered for the request's target, or -1. */
static int error_style(const fse_http_req *req)
{
    const fse_http_server *srv = req->srv;
    size_t i;

    for (i = 0; req->uri != NULL && i < srv->n_error_styles; i++) {
        const char *p = srv->error_styles[i].prefix;

        if (strncmp(req->uri, p, strlen(p)) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static fse_err problem_build(fse_http_req *req, fse_http_problem problem, unsigned status,
                             const char *detail, const char *instance, const fse_http_field *extra,
                             size_t n_extra)
{
    fse_buf b;
    fse_json w;
    size_t i;
    fse_err rc;
    int style = error_style(req);

    if (style >= 0) {
        return req->srv->error_styles[style].fn(req->srv->error_styles[style].ud, req, status,
                                                detail != NULL ? detail
                                                               : fse_http_problem_title(problem));
    }
    if (n_extra > FSE_HTTP_MAX_PROBLEM_EXTRA || (n_extra > 0 && extra == NULL)) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "bad extra problem fields");
    }
    for (i = 0; i < n_extra; i++) {
        if (extra[i].name == NULL || extra[i].value == NULL || standard_member(extra[i].name)) {
            return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "bad extra problem field");
        }
    }
    fse_buf_init(&b, PROBLEM_MAX_BYTES);
    fse_json_init(&w, &b);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "traceID", req->trace_id);
    fse_json_kv_string(&w, "spanID", req->span_id);
    fse_json_kv_string(&w, "type", fse_http_problem_type(problem));
    fse_json_kv_string(&w, "title", fse_http_problem_title(problem));
    fse_json_kv_string(&w, "detail", detail != NULL ? detail : fse_http_problem_title(problem));
    fse_json_kv_int(&w, "status", (long long)status);
    fse_json_kv_string(&w, "instance",
                       instance != NULL ? instance : fse_http_problem_instance(problem));
    for (i = 0; i < n_extra; i++) {
        fse_json_kv_string(&w, extra[i].name, extra[i].value);
    }
    fse_json_object_end(&w);
    rc = fse_json_status(&w);
    if (rc == FSE_OK) {
        rc = fse_http_respond(req, status, "application/problem+json", b.data, b.len);
    }
    fse_buf_free(&b);
    return rc;
}

fse_err fse_http_respond_problem(fse_http_req *req, fse_http_problem problem, const char *detail,
                                 const char *instance, const fse_http_field *extra, size_t n_extra)
{
    return problem_build(req, problem, fse_http_problem_status(problem), detail, instance, extra,
                         n_extra);
}

fse_err fse_http_respond_error(fse_http_req *req, fse_err code)
{
    const fse_error_info *last = fse_error_last();
    unsigned status = 500;
    fse_http_problem problem = fse_http_problem_for_err(code, &status);
    const char *detail = NULL;

    if (status < 500) {
        if (last->code == code && last->message[0] != '\0') {
            detail = last->message;
        }
    } else {
        fse_http__log(req->srv, FSE_HTTP_LOG_ERROR,
                      "module=http event=error status=%u code=%d trace=%s span=%s msg=\"%s\"",
                      status, (int)code, req->trace_id, req->span_id,
                      last->code == code ? last->message : fse_strerror(code));
        detail = "Errore interno.";
    }
    return problem_build(req, problem, status, detail, NULL, NULL, 0);
}

fse_err fse_http__problem_with_header(fse_http_req *req, fse_http_problem problem,
                                      const char *detail, const char *hdr_name,
                                      const char *hdr_value)
{
    fse_err rc = FSE_OK;

    if (hdr_name != NULL) {
        rc = fse_http_set_header(req, hdr_name, hdr_value);
    }
    if (rc == FSE_OK) {
        rc = fse_http_respond_problem(req, problem, detail, NULL, NULL, 0);
    }
    return rc;
}

static bool has_header(const fse_http_req *req, const char *name)
{
    size_t i;

    for (i = 0; i < req->n_hdrs; i++) {
        if (strcasecmp(req->hdr_name[i], name) == 0) {
            return true;
        }
    }
    return false;
}

static bool add_headers(fse_http_req *req, struct MHD_Response *resp)
{
    bool ok = true;
    size_t i;

    for (i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++) {
        if (has_header(req, security_headers[i][0])) {
            continue;
        }
        ok = ok && MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]) ==
                       MHD_YES;
    }
    if (req->srv->tls_cert != NULL) {
        ok = ok && MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000") ==
                       MHD_YES;
    }
    if (!has_header(req, MHD_HTTP_HEADER_CACHE_CONTROL)) {
        ok = ok &&
             MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") == MHD_YES;
    }
    for (i = 0; i < req->n_hdrs; i++) {
        ok = ok && MHD_add_response_header(resp, req->hdr_name[i], req->hdr_value[i]) == MHD_YES;
    }
    if (atomic_load(&req->srv->shutting_down)) {
        ok = ok && MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close") == MHD_YES;
    }
    return ok;
}

enum MHD_Result fse_http__queue(fse_http_req *req)
{
    struct MHD_Response *resp = req->resp;
    enum MHD_Result ret;

    req->phase = HTTP_PHASE_DONE;
    if (resp == NULL) {
        return MHD_NO;
    }
    req->resp = NULL;
    if (!add_headers(req, resp)) {
        fse_http__log(req->srv, FSE_HTTP_LOG_ERROR, "module=http event=header_refused trace=%s",
                      req->trace_id);
        MHD_destroy_response(resp);
        return MHD_NO;
    }
    ret = MHD_queue_response(req->conn, req->status, resp);
    MHD_destroy_response(resp);
    return ret;
}
