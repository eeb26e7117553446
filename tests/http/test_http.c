/*
 * tests/http/test_http.c - the http module suite: test routes, server
 * set-up, routing, query decoding, path parameter checks, problem+json and
 * the error table; runs the tests of the other files too.
 *
 * Every test starts a real server on 127.0.0.1 port 0 and talks to it with
 * hand-written HTTP/1.1 over plain sockets (http_client.c), so malformed
 * requests can be sent as they are.
 */
#include "http_tests.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "fse/json.h"

atomic_int ts_slow_started;
atomic_int ts_access_count;
atomic_int ts_access_errors;

/* ---- Test routes -------------------------------------------------------- */

static fse_err reply_kv(fse_http_req *req, unsigned status, const char *key, const char *value)
{
    fse_buf b;
    fse_json w;
    fse_err rc;

    fse_buf_init(&b, 65536);
    fse_json_init(&w, &b);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, key, value != NULL ? value : "(null)");
    fse_json_object_end(&w);
    rc = fse_json_status(&w);
    if (rc == FSE_OK) {
        rc = fse_http_respond_json(req, status, &b);
    }
    fse_buf_free(&b);
    return rc;
}

static fse_err h_doc(fse_http_req *req, void *ud)
{
    (void)ud;
    return reply_kv(req, 200, "id", fse_http_req_param(req, "id"));
}

static fse_err h_doc_put(fse_http_req *req, void *ud)
{
    (void)ud;
    return reply_kv(req, 202, "replaced", fse_http_req_param(req, "id"));
}

static fse_err h_status_search(fse_http_req *req, void *ud)
{
    (void)ud;
    return reply_kv(req, 200, "traceId", fse_http_req_param(req, "traceId"));
}

static fse_err h_meta(fse_http_req *req, void *ud)
{
    json_t *doc = NULL;
    char n[32];
    fse_err rc;

    (void)ud;
    rc = fse_http_req_json(req, &doc);
    if (rc != FSE_OK) {
        return rc;
    }
    snprintf(n, sizeof n, "%zu", json_is_object(doc) ? json_object_size(doc) : 0);
    json_decref(doc);
    return reply_kv(req, 200, "members", n);
}

static fse_err h_echo(fse_http_req *req, void *ud)
{
    fse_buf b;
    fse_json w;
    size_t len;
    size_t i;
    const char *name;
    const char *value;
    fse_err rc;

    (void)ud;
    fse_http_req_body(req, &len);
    fse_buf_init(&b, 65536);
    fse_json_init(&w, &b);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "method", fse_http_req_method(req));
    fse_json_kv_int(&w, "len", (long long)len);
    fse_json_key(&w, "query");
    fse_json_array_begin(&w);
    for (i = 0; fse_http_req_query_at(req, i, &name, &value); i++) {
        fse_json_string(&w, name);
        fse_json_string(&w, value);
    }
    fse_json_array_end(&w);
    fse_json_kv_string(
        &w, "x", fse_http_req_query(req, "x") != NULL ? fse_http_req_query(req, "x") : "(none)");
    fse_json_object_end(&w);
    rc = fse_json_status(&w);
    if (rc == FSE_OK) {
        rc = fse_http_respond_json(req, 200, &b);
    }
    fse_buf_free(&b);
    return rc;
}

/* POST /v1/documents/validation: answers with the bytes of the "file" part
 * and describes the parts in headers. */
static fse_err h_upload(fse_http_req *req, void *ud)
{
    const fse_http_multipart *mp = NULL;
    const fse_http_part *file;
    const fse_http_part *body;
    char count[16];
    fse_err rc;

    (void)ud;
    rc = fse_http_req_multipart(req, &mp);
    if (rc != FSE_OK) {
        return rc;
    }
    file = fse_http_multipart_get(mp, "file");
    body = fse_http_multipart_get(mp, "requestBody");
    if (file == NULL || body == NULL) {
        return fse_error_set(FSE_E_PARSE, "test", "part file or requestBody missing");
    }
    snprintf(count, sizeof count, "%zu", fse_http_multipart_count(mp));
    rc = fse_http_set_header(req, "X-Parts", count);
    if (rc == FSE_OK) {
        rc = fse_http_set_header(req, "X-Filename", file->filename != NULL ? file->filename : "-");
    }
    if (rc == FSE_OK) {
        rc = fse_http_set_header(req, "X-File-Type",
                                 file->content_type != NULL ? file->content_type : "-");
    }
    if (rc == FSE_OK) {
        rc = fse_http_set_header(req, "X-Body-Len",
                                 (snprintf(count, sizeof count, "%zu", body->len), count));
    }
    if (rc == FSE_OK) {
        rc = fse_http_respond(req, 201, "application/pdf", file->data, file->len);
    }
    return rc;
}

static fse_err h_slow(fse_http_req *req, void *ud)
{
    struct timespec ts = {0, 400 * 1000 * 1000};

    (void)ud;
    atomic_store(&ts_slow_started, 1);
    nanosleep(&ts, NULL);
    return fse_http_respond(req, 200, "text/plain; charset=utf-8", "done", 4);
}

static fse_err h_whoami(fse_http_req *req, void *ud)
{
    const char *subject = fse_http_req_client_subject(req);
    size_t der_len = 0;

    (void)ud;
    fse_http_req_client_cert(req, &der_len);
    if (subject != NULL && der_len == 0) {
        return fse_error_set(FSE_E_INTERNAL, "test", "subject without certificate");
    }
    return reply_kv(req, 200, "subject", subject != NULL ? subject : "none");
}

static fse_err h_fail(fse_http_req *req, void *ud)
{
    long code = strtol(fse_http_req_param(req, "code"), NULL, 10);

    (void)req;
    (void)ud;
    return fse_error_set((fse_err)code, "test", "secret detail %ld", code);
}

static fse_err h_problem(fse_http_req *req, void *ud)
{
    static const fse_http_field extra[] = {
        {"workflowInstanceId",
         "2.16.840.1.113883.2.9.2.120.4.4.abc^^^^urn:ihe:iti:xdw:2013:workflowInstanceId"}};

    (void)ud;
    return fse_http_respond_problem(req, FSE_HTTP_PROBLEM_SEMANTIC, "Errore semantico nel CDA",
                                    NULL, extra, 1);
}

/* Response headers: framing and injection attempts are refused. */
static fse_err h_headers(fse_http_req *req, void *ud)
{
    (void)ud;
    if (fse_http_set_header(req, "Content-Length", "1") != FSE_E_ARG ||
        fse_http_set_header(req, "transfer-encoding", "chunked") != FSE_E_ARG ||
        fse_http_set_header(req, "X-A", "v\r\nSet-Cookie: x=1") != FSE_E_ARG ||
        fse_http_set_header(req, "X A", "v") != FSE_E_ARG ||
        fse_http_set_header(req, "Location", "/v1/documents/x") != FSE_OK) {
        return fse_error_set(FSE_E_INTERNAL, "test", "header check");
    }
    if (fse_http_respond(req, 201, NULL, "", 0) != FSE_OK ||
        fse_http_respond(req, 200, NULL, "", 0) != FSE_E_ARG) {
        return fse_error_set(FSE_E_INTERNAL, "test", "second response accepted");
    }
    return FSE_OK;
}

static fse_err h_silent(fse_http_req *req, void *ud)
{
    (void)req;
    (void)ud;
    return FSE_OK;
}

static void access_log(void *ud, const fse_http_access_entry *e)
{
    (void)ud;
    atomic_fetch_add(&ts_access_count, 1);
    if (e->status >= 400) {
        atomic_fetch_add(&ts_access_errors, 1);
    }
}

fse_http_server *ts_start(const fse_http_opts *opts, const char *static_dir, uint16_t *port)
{
    static const struct {
        const char *method;
        const char *pattern;
        fse_http_handler handler;
    } routes[] = {
        {"GET", "/v1/documents/{id}", h_doc},
        {"PUT", "/v1/documents/{id}", h_doc_put},
        {"PUT", "/v1/documents/{id}/metadata", h_meta},
        {"GET", "/v1/status/search/{traceId}", h_status_search},
        {"POST", "/v1/documents/validation", h_upload},
        {"GET", "/echo", h_echo},
        {"POST", "/echo", h_echo},
        {"GET", "/slow", h_slow},
        {"GET", "/whoami", h_whoami},
        {"GET", "/fail/{code}", h_fail},
        {"GET", "/problem", h_problem},
        {"GET", "/silent", h_silent},
        {"GET", "/headers", h_headers},
    };
    fse_http_opts o;
    fse_http_server *srv = NULL;
    size_t i;

    memset(&o, 0, sizeof o);
    if (opts != NULL) {
        o = *opts;
    }
    if (o.connection_timeout_s == 0) {
        o.connection_timeout_s = 5;
    }
    if (o.access_log == NULL) {
        o.access_log = access_log;
    }
    assert_int_equal(fse_http_server_new(&srv, &o), FSE_OK);
    for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        assert_int_equal(fse_http_server_route(srv, routes[i].method, routes[i].pattern,
                                               routes[i].handler, NULL),
                         FSE_OK);
    }
    if (static_dir != NULL) {
        assert_int_equal(fse_http_server_static(srv, "/web", static_dir), FSE_OK);
    }
    assert_int_equal(fse_http_server_start(srv), FSE_OK);
    *port = fse_http_server_port(srv);
    assert_true(*port > 0);
    return srv;
}

void ts_stop(fse_http_server *srv)
{
    fse_http_server_shutdown_signal(srv);
    assert_int_equal(fse_http_server_wait(srv), FSE_OK);
    fse_http_server_free(srv);
}

bool ts_is_hex(const char *s, size_t n)
{
    size_t i;

    if (s == NULL || strlen(s) != n) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return false;
        }
    }
    return true;
}

bool ts_json_string(const tc_response *r, const char *key, char *out, size_t out_len)
{
    char pat[128];
    const char *p;
    const char *end;

    if (r->body == NULL) {
        return false;
    }
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    p = strstr((const char *)r->body, pat);
    if (p == NULL) {
        return false;
    }
    p += strlen(pat);
    end = strchr(p, '"');
    if (end == NULL || (size_t)(end - p) >= out_len) {
        return false;
    }
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return true;
}

/* GET path on a fresh connection. */
static bool get(uint16_t port, const char *path, tc_response *r)
{
    char raw[8192];

    snprintf(raw, sizeof raw, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
             path);
    return tc_request(port, raw, r);
}

static void expect_problem(const tc_response *r, int status, const char *type)
{
    char value[256];

    assert_int_equal(r->status, status);
    assert_non_null(tc_header(r, "Content-Type"));
    assert_string_equal(tc_header(r, "Content-Type"), "application/problem+json");
    assert_true(ts_json_string(r, "type", value, sizeof value));
    assert_string_equal(value, type);
}

/* ---- Tests -------------------------------------------------------------- */

static void routes_bind_decoded_params(void **state)
{
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, NULL, &port);
    tc_response r;
    char v[256];

    (void)state;
    assert_true(get(port, "/v1/documents/2.16.840.1.113883.2.9.2.120.4.4%5EABC%20123", &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_json_string(&r, "id", v, sizeof v));
    assert_string_equal(v, "2.16.840.1.113883.2.9.2.120.4.4^ABC 123");
    tc_response_free(&r);

    /* '^' unencoded, as some clients send Gateway ids. */
    assert_true(get(port, "/v1/documents/2.16.840.1.113883.2.9.2.120.4.4^X1", &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_json_string(&r, "id", v, sizeof v));
    assert_string_equal(v, "2.16.840.1.113883.2.9.2.120.4.4^X1");
    tc_response_free(&r);

    assert_true(get(port, "/v1/status/search/0123456789abcdef", &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_json_string(&r, "traceId", v, sizeof v));
    assert_string_equal(v, "0123456789abcdef");
    tc_response_free(&r);

    assert_true(tc_request(port,
                           "PUT /v1/documents/D%5E1/metadata HTTP/1.1\r\nHost: x\r\n"
                           "Content-Type: application/json\r\nContent-Length: 17\r\n"
                           "Connection: close\r\n\r\n{\"a\":1,\"b\":[2,3]}",
                           &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_json_string(&r, "members", v, sizeof v));
    assert_string_equal(v, "2");
    tc_response_free(&r);

    assert_true(tc_request(port,
                           "PUT /v1/documents/D%5E1 HTTP/1.1\r\nHost: x\r\n"
                           "Content-Length: 0\r\nConnection: close\r\n\r\n",
                           &r));
    assert_int_equal(r.status, 202);
    tc_response_free(&r);
    ts_stop(srv);
}

static void health_endpoint_and_head(void **state)
{
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, NULL, &port);
    tc_response r;

    (void)state;
    assert_true(get(port, "/v1/status", &r));
    assert_int_equal(r.status, 200);
    assert_string_equal((const char *)r.body, "{\"status\":\"UP\"}");
    assert_string_equal(tc_header(&r, "Content-Type"), "application/json");
    tc_response_free(&r);

    assert_true(
        tc_request(port, "HEAD /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r));
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 0);
    tc_response_free(&r);
    ts_stop(srv);
}

static void unknown_path_is_404_and_wrong_method_405(void **state)
{
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, NULL, &port);
    tc_response r;
    const char *allow;

    (void)state;
    assert_true(get(port, "/v1/nothing/here", &r));
    expect_problem(&r, 404, "/msg/not-found");
    tc_response_free(&r);

    /* A literal segment never matches its encoded form. */
    assert_true(get(port, "/v1/%64ocuments/x", &r));
    assert_int_equal(r.status, 404);
    tc_response_free(&r);

    assert_true(tc_request(
        port, "DELETE /v1/documents/abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r));
    expect_problem(&r, 405, "/msg/method-not-allowed");
    allow = tc_header(&r, "Allow");
    assert_non_null(allow);
    assert_string_equal(allow, "GET, HEAD, PUT");
    tc_response_free(&r);

    assert_true(tc_request(port,
                           "POST /v1/status HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                           "Connection: close\r\n\r\n",
                           &r));
    assert_int_equal(r.status, 405);
    tc_response_free(&r);
    ts_stop(srv);
}

static void query_parameters_are_decoded(void **state)
{
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, NULL, &port);
    tc_response r;
    char v[256];

    (void)state;
    assert_true(get(port, "/echo?x=a%20b+c&y=%E2%82%AC&x=second&flag&&z=", &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_json_string(&r, "x", v, sizeof v));
    assert_string_equal(v, "a b c");
    assert_non_null(strstr((const char *)r.body,
                           "\"query\":[\"x\",\"a b c\",\"y\",\"\xe2\x82\xac\",\"x\",\"second\","
                           "\"flag\",\"\",\"z\",\"\"]"));
    tc_response_free(&r);

    /* FHIR token search with an unencoded '|'. */
    assert_true(get(port, "/echo?x=http://loinc.org|11502-2", &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_json_string(&r, "x", v, sizeof v));
    assert_string_equal(v, "http://loinc.org|11502-2");
    tc_response_free(&r);

    assert_true(get(port, "/echo?x=%zz", &r));
    expect_problem(&r, 400, "/msg/generic-error");
    tc_response_free(&r);
    assert_true(get(port, "/echo?x=a%00b", &r));
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    assert_true(get(port, "/echo?x=%C3%28", &r));
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    assert_true(get(port, "/echo?x=%E0%80%AF", &r)); /* overlong '/' */
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    assert_true(get(port, "/echo?x=%2", &r));
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    ts_stop(srv);
}

static void bad_path_parameters_are_refused(void **state)
{
    static const char *const bad[] = {
        "/v1/documents/%00",
        "/v1/documents/a%00b",
        "/v1/documents/%2e%2e",
        "/v1/documents/%2E",
        "/v1/documents/a%2Fb",
        "/v1/documents/a%5Cb",
        "/v1/documents/%C3%28",
        "/v1/documents/%ED%A0%80",
        "/v1/documents/%0d%0aX:1",
        "/v1/../v1/status",
        "/v1/./status",
        "/v1/documents/a\"b",
        "/v1/documents/%",
        "/v1/documents/%G1",
    };
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, NULL, &port);
    tc_response r;
    char long_path[3100];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_true(get(port, bad[i], &r));
        if (r.status != 400) {
            print_error("path %s gave %d\n", bad[i], r.status);
        }
        assert_int_equal(r.status, 400);
        tc_response_free(&r);
    }
    memcpy(long_path, "/v1/documents/", 14);
    memset(long_path + 14, 'a', sizeof long_path - 15);
    long_path[sizeof long_path - 1] = '\0';
    assert_true(get(port, long_path, &r));
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    /* An empty parameter segment does not match the route. */
    assert_true(get(port, "/v1/documents//metadata", &r));
    assert_int_equal(r.status, 404);
    tc_response_free(&r);
    /* Absolute-form and asterisk targets are not served. */
    assert_true(get(port, "http://127.0.0.1/v1/status", &r));
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    ts_stop(srv);
}

static void problem_json_has_gateway_fields(void **state)
{
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, NULL, &port);
    tc_response r;
    json_t *doc;
    json_error_t jerr;

    (void)state;
    assert_true(get(port, "/problem", &r));
    expect_problem(&r, 422, "/msg/semantic");
    doc = json_loadb((const char *)r.body, r.body_len, JSON_REJECT_DUPLICATES, &jerr);
    assert_non_null(doc);
    assert_true(ts_is_hex(json_string_value(json_object_get(doc, "traceID")), 32));
    assert_true(ts_is_hex(json_string_value(json_object_get(doc, "spanID")), 16));
    assert_string_equal(json_string_value(json_object_get(doc, "title")), "Errore semantico.");
    assert_string_equal(json_string_value(json_object_get(doc, "detail")),
                        "Errore semantico nel CDA");
    assert_int_equal(json_integer_value(json_object_get(doc, "status")), 422);
    assert_string_equal(json_string_value(json_object_get(doc, "instance")), "/validation/error");
    assert_non_null(json_string_value(json_object_get(doc, "workflowInstanceId")));
    assert_int_equal(json_object_size(doc), 8);
    json_decref(doc);
    assert_string_equal(tc_header(&r, "Cache-Control"), "no-store");
    tc_response_free(&r);

    /* Client errors carry the message; server errors never do. */
    assert_true(get(port, "/fail/5", &r));
    expect_problem(&r, 404, "/msg/record-not-found");
    assert_non_null(strstr((const char *)r.body, "secret detail 5"));
    tc_response_free(&r);
    assert_true(get(port, "/fail/12", &r));
    expect_problem(&r, 500, "/msg/generic-error");
    assert_null(strstr((const char *)r.body, "secret"));
    tc_response_free(&r);
    assert_true(get(port, "/fail/13", &r));
    expect_problem(&r, 501, "/msg/not-implemented");
    tc_response_free(&r);
    assert_true(get(port, "/silent", &r));
    expect_problem(&r, 500, "/msg/generic-error");
    tc_response_free(&r);
    assert_true(get(port, "/headers", &r));
    assert_int_equal(r.status, 201);
    assert_string_equal(tc_header(&r, "Location"), "/v1/documents/x");
    assert_null(tc_header(&r, "Set-Cookie"));
    tc_response_free(&r);

    /* A W3C traceparent continues the caller's trace. */
    assert_true(tc_request(port,
                           "GET /problem HTTP/1.1\r\nHost: x\r\nConnection: close\r\ntraceparent: "
                           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n",
                           &r));
    assert_non_null(
        strstr((const char *)r.body, "\"traceID\":\"4bf92f3577b34da6a3ce929d0e0e4736\""));
    assert_null(strstr((const char *)r.body, "00f067aa0ba902b7"));
    tc_response_free(&r);
    ts_stop(srv);
}

static void error_table_maps_every_code(void **state)
{
    static const struct {
        fse_err code;
        unsigned status;
        const char *type;
    } want[] = {
        {FSE_E_PARSE, 400, "/msg/generic-error"},
        {FSE_E_AUTH, 401, "/msg/unauthorized"},
        {FSE_E_DENIED, 403, "/msg/access-denied"},
        {FSE_E_LIMIT, 413, "/msg/payload-too-large"},
        {FSE_E_NOT_FOUND, 404, "/msg/record-not-found"},
        {FSE_E_CONFLICT, 409, "/msg/conflict"},
        {FSE_E_NOMEM, 500, "/msg/generic-error"},
        {FSE_E_INTERNAL, 500, "/msg/generic-error"},
        {FSE_E_DB, 500, "/msg/generic-error"},
        {FSE_E_UNSUPPORTED, 501, "/msg/not-implemented"},
    };
    size_t i;
    unsigned status = 0;
    int p;

    (void)state;
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        fse_http_problem prob = fse_http_problem_for_err(want[i].code, &status);

        assert_int_equal(status, want[i].status);
        assert_string_equal(fse_http_problem_type(prob), want[i].type);
    }
    for (p = 0; p < (int)FSE_HTTP_PROBLEM_COUNT_; p++) {
        assert_non_null(fse_http_problem_type((fse_http_problem)p));
        assert_true(fse_http_problem_type((fse_http_problem)p)[0] == '/');
        assert_non_null(fse_http_problem_title((fse_http_problem)p));
        assert_non_null(fse_http_problem_instance((fse_http_problem)p));
        assert_true(fse_http_problem_status((fse_http_problem)p) >= 400);
    }
    assert_int_equal(fse_http_problem_status(FSE_HTTP_PROBLEM_DOCUMENT_TYPE), 415);
    assert_string_equal(fse_http_problem_type(FSE_HTTP_PROBLEM_COUNT_), "/msg/generic-error");
}

static void route_patterns_are_checked(void **state)
{
    fse_http_server *srv = NULL;
    uint16_t port;

    (void)state;
    assert_int_equal(fse_http_server_new(&srv, NULL), FSE_OK);
    assert_int_equal(fse_http_server_route(srv, "GET", "no-slash", h_doc, NULL), FSE_E_ARG);
    assert_int_equal(fse_http_server_route(srv, "get", "/x", h_doc, NULL), FSE_E_ARG);
    assert_int_equal(fse_http_server_route(srv, "GET", "/a/*/b", h_doc, NULL), FSE_E_ARG);
    assert_int_equal(fse_http_server_route(srv, "GET", "/a/{}", h_doc, NULL), FSE_E_ARG);
    assert_int_equal(fse_http_server_route(srv, "GET", "/a/{x-y}", h_doc, NULL), FSE_E_ARG);
    assert_int_equal(fse_http_server_route(srv, "GET", "/a/b%20", h_doc, NULL), FSE_E_ARG);
    assert_int_equal(fse_http_server_route(srv, "GET", "/a/{id}", NULL, NULL), FSE_E_ARG);
    assert_int_equal(fse_http_server_static(srv, "/w", "/nonexistent/dir"), FSE_E_IO);
    assert_int_equal(fse_http_server_start(srv), FSE_OK);
    assert_int_equal(fse_http_server_route(srv, "GET", "/late", h_doc, NULL), FSE_E_ARG);
    fse_http_server_free(srv); /* stops a running server */

    {
        fse_http_opts o;

        memset(&o, 0, sizeof o);
        o.max_body_bytes = 100u * 1024u * 1024u;
        assert_int_equal(fse_http_server_new(&srv, &o), FSE_E_ARG);
        memset(&o, 0, sizeof o);
        o.tls_cert_pem = "x";
        assert_int_equal(fse_http_server_new(&srv, &o), FSE_E_ARG);
        memset(&o, 0, sizeof o);
        o.bind_address = "localhost";
        assert_int_equal(fse_http_server_new(&srv, &o), FSE_OK);
        assert_int_equal(fse_http_server_start(srv), FSE_E_ARG);
        fse_http_server_free(srv);
    }
    srv = ts_start(NULL, NULL, &port);
    ts_stop(srv);
}

static const struct CMUnitTest routing_tests[] = {
    cmocka_unit_test(routes_bind_decoded_params),
    cmocka_unit_test(health_endpoint_and_head),
    cmocka_unit_test(unknown_path_is_404_and_wrong_method_405),
    cmocka_unit_test(query_parameters_are_decoded),
    cmocka_unit_test(bad_path_parameters_are_refused),
    cmocka_unit_test(problem_json_has_gateway_fields),
    cmocka_unit_test(error_table_maps_every_code),
    cmocka_unit_test(route_patterns_are_checked),
};

int main(void)
{
    int failed = 0;

    signal(SIGPIPE, SIG_IGN);
    failed += _cmocka_run_group_tests("http_routing", routing_tests,
                                      sizeof routing_tests / sizeof routing_tests[0], NULL, NULL);
    failed += _cmocka_run_group_tests("http_body", ts_body_tests, ts_n_body_tests, NULL, NULL);
    failed +=
        _cmocka_run_group_tests("http_static", ts_static_tests, ts_n_static_tests, NULL, NULL);
    failed +=
        _cmocka_run_group_tests("http_server", ts_server_tests, ts_n_server_tests, NULL, NULL);
    return failed == 0 ? 0 : 1;
}
