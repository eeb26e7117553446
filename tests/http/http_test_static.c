/*
 * tests/http/http_test_static.c - static files: Content-Type with charset,
 * ETag and 304, directory index, security headers, and path traversal
 * attempts (dot segments raw and encoded, encoded NUL and slashes,
 * backslashes, symbolic links to /etc/passwd and to /etc, dot-files, FIFOs);
 * a static route's own CSP, X-Frame-Options and versioned-asset caching, a
 * handler replacing a security header, a site at "/" behind API routes.
 */
#include "http_tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct site {
    char dir[64];
} site;

static const char *const site_files[][2] = {
    {"index.html", "<!doctype html><meta charset=utf-8><title>FSE</title>\xc3\xa0\xc3\xa8\n"},
    {"app.css", "body{margin:0}\n"},
    {"app.js", "console.log('fse');\n"},
    {"data.bin", "\x01\x02\x03"},
    {".hidden", "secret\n"},
    {"sub/index.html", "<p>sub</p>\n"},
    {"sub/page.html", "<p>page</p>\n"},
};

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

static int site_setup(void **state)
{
    site *s = calloc(1, sizeof *s);
    char path[256];
    size_t i;

    assert_non_null(s);
    snprintf(s->dir, sizeof s->dir, "/tmp/fse-http-static-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(path, sizeof path, "%s/sub", s->dir);
    assert_int_equal(mkdir(path, 0755), 0);
    for (i = 0; i < sizeof site_files / sizeof site_files[0]; i++) {
        write_file(s->dir, site_files[i][0], site_files[i][1]);
    }
    snprintf(path, sizeof path, "%s/passwd", s->dir);
    assert_int_equal(symlink("/etc/passwd", path), 0);
    snprintf(path, sizeof path, "%s/etcdir", s->dir);
    assert_int_equal(symlink("/etc", path), 0);
    snprintf(path, sizeof path, "%s/inner.html", s->dir);
    assert_int_equal(symlink("index.html", path), 0);
    snprintf(path, sizeof path, "%s/pipe.html", s->dir);
    assert_int_equal(mkfifo(path, 0644), 0);
    *state = s;
    return 0;
}

static int site_teardown(void **state)
{
    static const char *const extra[] = {"passwd", "etcdir", "inner.html", "pipe.html"};
    site *s = *state;
    char path[256];
    size_t i;

    for (i = 0; i < sizeof site_files / sizeof site_files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", s->dir, site_files[i][0]);
        unlink(path);
    }
    for (i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", s->dir, extra[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/sub", s->dir);
    rmdir(path);
    rmdir(s->dir);
    free(s);
    return 0;
}

static bool fetch(uint16_t port, const char *method, const char *path, const char *extra,
                  tc_response *r)
{
    char raw[2048];

    snprintf(raw, sizeof raw, "%s %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n\r\n", method,
             path, extra != NULL ? extra : "");
    return tc_request(port, raw, r);
}

static void expect_security_headers(const tc_response *r)
{
    assert_non_null(tc_header(r, "Content-Security-Policy"));
    assert_non_null(strstr(tc_header(r, "Content-Security-Policy"), "default-src 'self'"));
    assert_non_null(strstr(tc_header(r, "Content-Security-Policy"), "frame-ancestors 'none'"));
    assert_string_equal(tc_header(r, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(tc_header(r, "Referrer-Policy"), "no-referrer");
    assert_string_equal(tc_header(r, "X-Frame-Options"), "DENY");
}

static void static_files_types_index_and_etag(void **state)
{
    site *s = *state;
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, s->dir, &port);
    tc_response r;
    char etag[128];
    char hdr[256];

    assert_true(fetch(port, "GET", "/web/index.html", NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal(tc_header(&r, "Content-Type"), "text/html; charset=utf-8");
    assert_string_equal((const char *)r.body, site_files[0][1]);
    assert_string_equal(tc_header(&r, "Cache-Control"), "no-cache");
    assert_non_null(tc_header(&r, "ETag"));
    snprintf(etag, sizeof etag, "%s", tc_header(&r, "ETag"));
    assert_true(etag[0] == '"');
    expect_security_headers(&r);
    tc_response_free(&r);

    snprintf(hdr, sizeof hdr, "If-None-Match: %s\r\n", etag);
    assert_true(fetch(port, "GET", "/web/index.html", hdr, &r));
    assert_int_equal(r.status, 304);
    assert_int_equal(r.body_len, 0);
    assert_string_equal(tc_header(&r, "ETag"), etag);
    tc_response_free(&r);
    snprintf(hdr, sizeof hdr, "If-None-Match: \"other\", W/%s\r\n", etag);
    assert_true(fetch(port, "GET", "/web/index.html", hdr, &r));
    assert_int_equal(r.status, 304);
    tc_response_free(&r);
    assert_true(fetch(port, "GET", "/web/index.html", "If-None-Match: \"stale\"\r\n", &r));
    assert_int_equal(r.status, 200);
    tc_response_free(&r);

    assert_true(fetch(port, "GET", "/web/", NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal((const char *)r.body, site_files[0][1]);
    tc_response_free(&r);
    assert_true(fetch(port, "GET", "/web", NULL, &r));
    assert_int_equal(r.status, 301);
    assert_string_equal(tc_header(&r, "Location"), "/web/");
    tc_response_free(&r);
    assert_true(fetch(port, "GET", "/web/sub/", NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal((const char *)r.body, "<p>sub</p>\n");
    tc_response_free(&r);
    assert_true(fetch(port, "GET", "/web/sub", NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal((const char *)r.body, "<p>sub</p>\n");
    tc_response_free(&r);
    assert_true(fetch(port, "GET", "/web/sub/page%2Ehtml", NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal((const char *)r.body, "<p>page</p>\n");
    tc_response_free(&r);

    assert_true(fetch(port, "GET", "/web/app.css", NULL, &r));
    assert_string_equal(tc_header(&r, "Content-Type"), "text/css; charset=utf-8");
    tc_response_free(&r);
    assert_true(fetch(port, "GET", "/web/data.bin", NULL, &r));
    assert_string_equal(tc_header(&r, "Content-Type"), "application/octet-stream");
    assert_int_equal(r.body_len, 3);
    tc_response_free(&r);
    assert_true(fetch(port, "HEAD", "/web/app.js", NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal(tc_header(&r, "Content-Type"), "text/javascript; charset=utf-8");
    assert_string_equal(tc_header(&r, "Content-Length"), "20");
    assert_int_equal(r.body_len, 0);
    tc_response_free(&r);
    /* A static route answers GET and HEAD only; another method is no route. */
    assert_true(fetch(port, "POST", "/web/app.js", "Content-Length: 0\r\n", &r));
    assert_int_equal(r.status, 404);
    tc_response_free(&r);
    ts_stop(srv);
}

static void static_traversal_is_refused(void **state)
{
    static const struct {
        const char *path;
        int status;
    } attempts[] = {
        {"/web/../etc/passwd", 400},
        {"/web/sub/../../etc/passwd", 400},
        {"/web/%2e%2e/%2e%2e/etc/passwd", 400},
        {"/web/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", 400},
        {"/web/..%2f..%2fetc%2fpasswd", 400},
        {"/web/sub%5c..%5c..%5cetc%5cpasswd", 400},
        {"/web/index.html%00.png", 400},
        {"/web/%00", 400},
        {"/web/%2fetc%2fpasswd", 400},
        {"/web//etc/passwd", 400},
        {"/web/%C0%AE%C0%AE/etc/passwd", 400},
        {"/web/passwd", 404},
        {"/web/etcdir/passwd", 404},
        {"/web/etcdir/", 404},
        {"/web/inner.html", 404},
        {"/web/.hidden", 404},
        {"/web/%2ehidden", 404},
        {"/web/pipe.html", 404},
        {"/web/missing.html", 404},
    };
    site *s = *state;
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, s->dir, &port);
    tc_response r;
    size_t i;

    for (i = 0; i < sizeof attempts / sizeof attempts[0]; i++) {
        assert_true(fetch(port, "GET", attempts[i].path, NULL, &r));
        if (r.status != attempts[i].status) {
            print_error("%s gave %d\n", attempts[i].path, r.status);
        }
        assert_int_equal(r.status, attempts[i].status);
        assert_null(strstr(r.body != NULL ? (const char *)r.body : "", "root:"));
        assert_string_equal(tc_header(&r, "Content-Type"), "application/problem+json");
        expect_security_headers(&r);
        tc_response_free(&r);
    }
    ts_stop(srv);
}

static void root_prefix_keeps_health_endpoint(void **state)
{
    site *s = *state;
    fse_http_server *srv = NULL;
    uint16_t port;
    tc_response r;

    assert_int_equal(fse_http_server_new(&srv, NULL), FSE_OK);
    assert_int_equal(fse_http_server_static(srv, "/", s->dir), FSE_OK);
    assert_int_equal(fse_http_server_start(srv), FSE_OK);
    port = fse_http_server_port(srv);
    assert_true(fetch(port, "GET", "/v1/status", NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal((const char *)r.body, "{\"status\":\"UP\"}");
    tc_response_free(&r);
    assert_true(fetch(port, "GET", "/", NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal((const char *)r.body, site_files[0][1]);
    tc_response_free(&r);
    assert_true(fetch(port, "GET", "/sub/page.html", NULL, &r));
    assert_int_equal(r.status, 200);
    tc_response_free(&r);
    assert_true(fetch(port, "GET", "/../etc/passwd", NULL, &r));
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    ts_stop(srv);
}

static void every_response_has_security_headers(void **state)
{
    static const char *const paths[] = {"/v1/status", "/problem", "/nothing", "/fail/12"};
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, NULL, &port);
    tc_response r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        assert_true(fetch(port, "GET", paths[i], NULL, &r));
        expect_security_headers(&r);
        assert_null(tc_header(&r, "Strict-Transport-Security"));
        tc_response_free(&r);
    }
    ts_stop(srv);
}

static fse_err post_only(fse_http_req *req, void *ud)
{
    (void)ud;
    return fse_http_respond(req, 200, "text/plain; charset=utf-8", "ok", 2);
}

/* A handler that sets its own frame policy (as lib/web does for pages that
 * frame a document). */
static fse_err framable(fse_http_req *req, void *ud)
{
    fse_err rc;

    (void)ud;
    rc = fse_http_set_header(req, "Content-Security-Policy",
                             "default-src 'self'; frame-ancestors 'self'");
    if (rc == FSE_OK) {
        rc = fse_http_set_header(req, "X-Frame-Options", "SAMEORIGIN");
    }
    if (rc == FSE_OK) {
        rc = fse_http_respond(req, 200, "application/pdf", "%PDF", 4);
    }
    return rc;
}

static void static_opts_headers_caching_and_api_routes(void **state)
{
    static const char csp[] = "default-src 'self'; script-src 'self'; frame-ancestors 'self'";
    fse_http_static_opts o = {csp, "SAMEORIGIN", 86400};
    fse_http_static_opts bad = {"default-src\r\nX: y", NULL, 0};
    site *s = *state;
    fse_http_server *srv = NULL;
    uint16_t port;
    tc_response r;

    assert_int_equal(fse_http_server_new(&srv, NULL), FSE_OK);
    assert_int_equal(fse_http_server_route(srv, "POST", "/api/thing", post_only, NULL), FSE_OK);
    assert_int_equal(fse_http_server_route(srv, "GET", "/api/pdf", framable, NULL), FSE_OK);
    assert_int_equal(fse_http_server_static_opts(srv, "/", s->dir, &bad), FSE_E_ARG);
    o.versioned_max_age_s = 400u * 24u * 3600u;
    assert_int_equal(fse_http_server_static_opts(srv, "/", s->dir, &o), FSE_E_ARG);
    o.versioned_max_age_s = 86400;
    assert_int_equal(fse_http_server_static_opts(srv, "/", s->dir, &o), FSE_OK);
    assert_int_equal(fse_http_server_start(srv), FSE_OK);
    port = fse_http_server_port(srv);

    /* The route's policy replaces the default one (a single header). */
    assert_true(fetch(port, "GET", "/", NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal(tc_header(&r, "Content-Security-Policy"), csp);
    assert_string_equal(tc_header(&r, "X-Frame-Options"), "SAMEORIGIN");
    assert_string_equal(tc_header(&r, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(tc_header(&r, "Cache-Control"), "no-cache");
    assert_non_null(tc_header(&r, "ETag"));
    tc_response_free(&r);
    /* A versioned asset is cached; HTML never, even with ?v. */
    assert_true(fetch(port, "GET", "/app.js?v=3", NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal(tc_header(&r, "Cache-Control"), "public, max-age=86400");
    tc_response_free(&r);
    assert_true(fetch(port, "GET", "/app.js", NULL, &r));
    assert_string_equal(tc_header(&r, "Cache-Control"), "no-cache");
    tc_response_free(&r);
    assert_true(fetch(port, "GET", "/index.html?v=3", NULL, &r));
    assert_string_equal(tc_header(&r, "Cache-Control"), "no-cache");
    tc_response_free(&r);
    /* The site at "/" does not hide the API route's 405, nor its answer. */
    assert_true(fetch(port, "GET", "/api/thing", NULL, &r));
    assert_int_equal(r.status, 405);
    assert_non_null(strstr(tc_header(&r, "Allow"), "POST"));
    expect_security_headers(&r);
    tc_response_free(&r);
    assert_true(fetch(port, "POST", "/api/thing", "Content-Length: 0\r\n", &r));
    assert_int_equal(r.status, 200);
    tc_response_free(&r);
    assert_true(fetch(port, "POST", "/nothing/here", "Content-Length: 0\r\n", &r));
    assert_int_equal(r.status, 404);
    tc_response_free(&r);
    /* A handler's own frame policy replaces the default. */
    assert_true(fetch(port, "GET", "/api/pdf", NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal(tc_header(&r, "Content-Security-Policy"),
                        "default-src 'self'; frame-ancestors 'self'");
    assert_string_equal(tc_header(&r, "X-Frame-Options"), "SAMEORIGIN");
    tc_response_free(&r);
    ts_stop(srv);
}

const struct CMUnitTest ts_static_tests[] = {
    cmocka_unit_test_setup_teardown(static_opts_headers_caching_and_api_routes, site_setup,
                                    site_teardown),
    cmocka_unit_test_setup_teardown(static_files_types_index_and_etag, site_setup, site_teardown),
    cmocka_unit_test_setup_teardown(static_traversal_is_refused, site_setup, site_teardown),
    cmocka_unit_test_setup_teardown(root_prefix_keeps_health_endpoint, site_setup, site_teardown),
    cmocka_unit_test(every_response_has_security_headers),
};
const size_t ts_n_static_tests = sizeof ts_static_tests / sizeof ts_static_tests[0];
