/*
 * tests/web/test_web.c - lib/web: browser sessions and the pages.
 *
 * A real server on 127.0.0.1 with the web module, a test identity provider
 * (records what it was asked, refuses or fails on cue, issues fake pairs
 * with a chosen lifetime) and a probe route standing in for lib/consult: it
 * calls fse_web_consult_session exactly as the consultation service does.
 * The clock is the test's. Covered: login without a provider (501), the
 * cookie's attributes and a new id at every login, the CSRF token (header,
 * constant-time compare, foreign Origin, cross-site fetch), bad logins
 * (400) and refused ones (403), idle timeout, absolute expiry and a pair
 * that expires first, the bounded table (the longest idle session goes),
 * the change of context (same person, new patient and purpose), logout,
 * the frame policy of answers to a session, the pages' headers and caching,
 * and option checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fse/web.h"
#include "http_client.h"

/* Valid codici fiscali (check characters right). */
#define CF_PATIENT "GRDFNC75T66E506Z"
#define CF_GP "FRRGLI72C54H501K"
#define CF_REFUSED "RSSMRA80A01H501U"

/* ---- The test identity provider and clock ------------------------------- */

typedef struct fake_idp {
    atomic_int calls;
    char last_cf[17];
    char last_role[16];
    char last_patient[17];
    char last_purpose[16];
    char last_locality[256];
    int64_t ttl_s;
    fse_err fail_with; /* FSE_OK: issue */
} fake_idp;

static fake_idp idp;
static _Atomic int64_t now_ms = 1700000000000LL;

static int64_t test_clock(void *ud)
{
    (void)ud;
    return atomic_load(&now_ms);
}

static void advance_s(int64_t s)
{
    atomic_fetch_add(&now_ms, s * 1000);
}

/* "<what>.<cf>.<patient>.<purpose>", fse_malloc'd. */
static char *fake_token(const char *what, const fse_web_login *l)
{
    char tmp[256];

    snprintf(tmp, sizeof(tmp), "%s.%s.%s.%s", what, l->cf, l->patient, l->purpose);
    return fse_strdup(tmp);
}

static fse_err fake_issue(void *ud, fse_http_req *req, const fse_web_login *l, char **auth,
                          char **sig, int64_t *ttl)
{
    fake_idp *f = ud;

    (void)req;
    atomic_fetch_add(&f->calls, 1);
    snprintf(f->last_cf, sizeof(f->last_cf), "%s", l->cf);
    snprintf(f->last_role, sizeof(f->last_role), "%s", l->role);
    snprintf(f->last_patient, sizeof(f->last_patient), "%s", l->patient);
    snprintf(f->last_purpose, sizeof(f->last_purpose), "%s", l->purpose);
    snprintf(f->last_locality, sizeof(f->last_locality), "%s",
             l->locality != NULL ? l->locality : "(none)");
    if (strcmp(l->cf, CF_REFUSED) == 0) {
        return fse_error_set(FSE_E_AUTH, "test", "not this one");
    }
    if (f->fail_with != FSE_OK) {
        return fse_error_set(f->fail_with, "test", "identity provider says no");
    }
    *auth = fake_token("auth", l);
    *sig = fake_token("sig", l);
    *ttl = f->ttl_s;
    return FSE_OK;
}

/* ---- The probe: lib/consult's side of the hook --------------------------- */

static fse_err probe(fse_http_req *req, void *ud)
{
    char *auth = NULL;
    char *sig = NULL;
    bool csrf = false;
    char body[512];
    fse_err rc = fse_web_consult_session(ud, req, &auth, &sig, &csrf);

    if (rc == FSE_E_NOT_FOUND) {
        return fse_http_respond(req, 401, "text/plain; charset=utf-8", "no session", 10);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    snprintf(body, sizeof(body), "%s %s csrf=%s", auth, sig, csrf ? "yes" : "no");
    fse_free(auth);
    fse_free(sig);
    return fse_http_respond(req, 200, "text/plain; charset=utf-8", body, strlen(body));
}

static fse_err post_only(fse_http_req *req, void *ud)
{
    (void)ud;
    return fse_http_respond(req, 200, "text/plain; charset=utf-8", "ok", 2);
}

/* ---- Fixture ------------------------------------------------------------ */

typedef struct site {
    char dir[64];
    fse_web *web;
    fse_http_server *srv;
    uint16_t port;
} site;

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

/* A server with the web module (opts adjusted by the caller). */
static void site_start(site *s, fse_web_opts *o)
{
    fse_http_opts ho;

    memset(&ho, 0, sizeof(ho));
    ho.connection_timeout_s = 5;
    o->clock = test_clock;
    assert_int_equal(fse_web_new(&s->web, o), FSE_OK);
    assert_int_equal(fse_http_server_new(&s->srv, &ho), FSE_OK);
    assert_int_equal(fse_http_server_route(s->srv, "GET", "/probe", probe, s->web), FSE_OK);
    assert_int_equal(fse_http_server_route(s->srv, "POST", "/probe", probe, s->web), FSE_OK);
    assert_int_equal(fse_http_server_route(s->srv, "POST", "/api/thing", post_only, NULL), FSE_OK);
    assert_int_equal(fse_web_routes(s->web, s->srv), FSE_OK);
    assert_int_equal(fse_http_server_start(s->srv), FSE_OK);
    s->port = fse_http_server_port(s->srv);
}

static void site_stop(site *s)
{
    fse_http_server_shutdown_signal(s->srv);
    (void)fse_http_server_wait(s->srv);
    fse_http_server_free(s->srv);
    fse_web_free(s->web);
    s->srv = NULL;
    s->web = NULL;
}

static int setup(void **state)
{
    site *s = calloc(1, sizeof(*s));
    char path[128];

    assert_non_null(s);
    memset(&idp, 0, sizeof(idp));
    idp.ttl_s = 3600;
    snprintf(s->dir, sizeof(s->dir), "/tmp/fse-web-test-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    write_file(s->dir, "index.html",
               "<!doctype html><html lang=it><meta charset=utf-8>"
               "<title>FSE</title>Benvenuti \xc3\xa8\n");
    write_file(s->dir, "app.js", "export const x = 1;\n");
    snprintf(path, sizeof(path), "%s/cittadino", s->dir);
    assert_int_equal(mkdir(path, 0755), 0);
    write_file(s->dir, "cittadino/index.html", "<!doctype html><title>C</title>\n");
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    site *s = *state;
    char path[128];

    if (s->srv != NULL) {
        site_stop(s);
    }
    snprintf(path, sizeof(path), "%s/cittadino/index.html", s->dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/cittadino", s->dir);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/index.html", s->dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/app.js", s->dir);
    unlink(path);
    rmdir(s->dir);
    free(s);
    return 0;
}

static void web_opts(fse_web_opts *o, const site *s)
{
    fse_web_opts init = FSE_WEB_OPTS_INIT;

    *o = init;
    o->static_dir = s->dir;
    o->idp = fake_issue;
    o->idp_ud = &idp;
}

/* ---- Requests ----------------------------------------------------------- */

typedef struct client {
    char cookie[128]; /* "fse_session=..." or "" */
    char csrf[64];
} client;

/* A request with an optional JSON body, the client's cookie and, when
 * with_csrf, its CSRF token; extra are more header lines. */
static void call(const site *s, const client *c, const char *method, const char *path,
                 const char *json, bool with_csrf, const char *extra, tc_response *r)
{
    char raw[4096];
    int n;

    n = snprintf(raw, sizeof(raw),
                 "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n%s%s%s%s%s%s%s"
                 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                 method, path, (unsigned)s->port, c != NULL && c->cookie[0] ? "Cookie: " : "",
                 c != NULL && c->cookie[0] ? c->cookie : "",
                 c != NULL && c->cookie[0] ? "\r\n" : "", with_csrf ? "X-CSRF-Token: " : "",
                 with_csrf ? c->csrf : "", with_csrf ? "\r\n" : "",
                 json != NULL ? "Content-Type: application/json\r\n" : "",
                 json != NULL ? strlen(json) : 0, json != NULL ? json : "");
    assert_true(n > 0 && (size_t)n < sizeof(raw));
    if (extra != NULL) {
        /* insert the extra header lines after the request line */
        char tmp[4096];
        const char *eol = strstr(raw, "\r\n");

        snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(eol + 2 - raw), raw, extra, eol + 2);
        memcpy(raw, tmp, strlen(tmp) + 1);
    }
    assert_true(tc_request(s->port, raw, r));
}

/* Value of "key":"..." in a flat JSON body. */
static bool json_str(const tc_response *r, const char *key, char *out, size_t cap)
{
    char pat[64];
    const char *p;
    const char *end;

    snprintf(pat, sizeof(pat), "\"%s\":\"", key);
    p = r->body != NULL ? strstr((const char *)r->body, pat) : NULL;
    if (p == NULL) {
        return false;
    }
    p += strlen(pat);
    end = strchr(p, '"');
    if (end == NULL || (size_t)(end - p) >= cap) {
        return false;
    }
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return true;
}

static bool body_has(const tc_response *r, const char *s)
{
    return r->body != NULL && strstr((const char *)r->body, s) != NULL;
}

/* Log in (expecting status); fills the client's cookie and CSRF token. */
static void login(const site *s, client *c, const char *json, int status)
{
    tc_response r;
    const char *set;

    call(s, c, "POST", "/web/session", json, false, NULL, &r);
    assert_int_equal(r.status, status);
    if (status == 201) {
        set = tc_header(&r, "Set-Cookie");
        assert_non_null(set);
        assert_int_equal(strncmp(set, FSE_WEB_COOKIE "=", strlen(FSE_WEB_COOKIE) + 1), 0);
        snprintf(c->cookie, sizeof(c->cookie), "%.*s", (int)strcspn(set, ";"), set);
        assert_true(json_str(&r, "csrf", c->csrf, sizeof(c->csrf)));
        assert_int_equal(strlen(c->csrf), 43);
    }
    tc_response_free(&r);
}

static const char patient_login[] =
    "{\"cf\":\"" CF_PATIENT "\",\"role\":\"ASS\",\"patient\":\"" CF_PATIENT
    "\",\"purpose\":\"PERSONAL\",\"organization\":\"120\"}";
static const char gp_login[] =
    "{\"cf\":\"frrgli72c54h501k\",\"role\":\"APR\",\"patient\":\"" CF_PATIENT
    "\",\"purpose\":\"TREATMENT\",\"organization\":\"120\","
    "\"locality\":\"ASL ROMA 1\"}";

/* ---- Tests -------------------------------------------------------------- */

static void login_without_identity_provider_is_501(void **state)
{
    site *s = *state;
    fse_web_opts o;
    client c;
    tc_response r;

    memset(&c, 0, sizeof(c));
    web_opts(&o, s);
    o.idp = NULL;
    site_start(s, &o);
    call(s, NULL, "POST", "/web/session", patient_login, false, NULL, &r);
    assert_int_equal(r.status, 501);
    assert_string_equal(tc_header(&r, "Content-Type"), "application/problem+json");
    assert_true(body_has(&r, "identity provider"));
    assert_null(tc_header(&r, "Set-Cookie"));
    tc_response_free(&r);
    call(s, NULL, "GET", "/web/session", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(body_has(&r, "\"logged_in\":false"));
    tc_response_free(&r);
    call(s, NULL, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 401);
    tc_response_free(&r);
}

static void login_sets_a_strict_cookie_and_the_hook_gives_the_pair(void **state)
{
    site *s = *state;
    fse_web_opts o;
    client c;
    client forged;
    tc_response r;
    char csrf[64];
    char cookie1[128];
    char expect[256];

    memset(&c, 0, sizeof(c));
    web_opts(&o, s);
    site_start(s, &o);
    call(s, &c, "POST", "/web/session", patient_login, false, NULL, &r);
    assert_int_equal(r.status, 201);
    assert_non_null(strstr(tc_header(&r, "Set-Cookie"), "; Path=/; HttpOnly; SameSite=Strict"));
    assert_null(strstr(tc_header(&r, "Set-Cookie"), "Secure"));
    assert_true(body_has(&r, "\"role\":\"ASS\""));
    assert_false(body_has(&r, "auth."));
    tc_response_free(&r);
    login(s, &c, patient_login, 201);
    assert_int_equal(fse_web_session_count(s->web), 2);
    snprintf(cookie1, sizeof(cookie1), "%s", c.cookie);

    /* who is logged in: the same CSRF token, never the tokens */
    call(s, &c, "GET", "/web/session", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(json_str(&r, "csrf", csrf, sizeof(csrf)));
    assert_string_equal(csrf, c.csrf);
    assert_true(body_has(&r, "\"cf\":\"" CF_PATIENT "\""));
    assert_true(body_has(&r, "\"purpose\":\"PERSONAL\""));
    assert_false(body_has(&r, "auth."));
    tc_response_free(&r);

    /* the hook: the pair, CSRF only with the header, a frame policy */
    snprintf(expect, sizeof(expect), "auth.%s.%s.PERSONAL sig.%s.%s.PERSONAL csrf=no", CF_PATIENT,
             CF_PATIENT, CF_PATIENT, CF_PATIENT);
    call(s, &c, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal((const char *)r.body, expect);
    assert_string_equal(tc_header(&r, "X-Frame-Options"), "SAMEORIGIN");
    assert_non_null(strstr(tc_header(&r, "Content-Security-Policy"), "frame-ancestors 'self'"));
    tc_response_free(&r);
    call(s, &c, "POST", "/probe", "{}", true, NULL, &r);
    assert_true(body_has(&r, "csrf=yes"));
    tc_response_free(&r);
    call(s, &c, "POST", "/probe", "{}", true, "Origin: http://evil.example\r\n", &r);
    assert_true(body_has(&r, "csrf=no"));
    tc_response_free(&r);
    call(s, &c, "POST", "/probe", "{}", true, "Sec-Fetch-Site: cross-site\r\n", &r);
    assert_true(body_has(&r, "csrf=no"));
    tc_response_free(&r);
    snprintf(expect, sizeof(expect),
             "Origin: http://127.0.0.1:%u\r\nSec-Fetch-Site: same-origin\r\n", (unsigned)s->port);
    call(s, &c, "POST", "/probe", "{}", true, expect, &r);
    assert_true(body_has(&r, "csrf=yes"));
    tc_response_free(&r);
    forged = c;
    forged.csrf[0] = forged.csrf[0] == 'A' ? 'B' : 'A';
    call(s, &forged, "POST", "/probe", "{}", true, NULL, &r);
    assert_true(body_has(&r, "csrf=no"));
    tc_response_free(&r);

    /* a forged or malformed cookie is no session */
    forged = c;
    forged.cookie[strlen(forged.cookie) - 1] ^= 1;
    call(s, &forged, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 401);
    tc_response_free(&r);
    snprintf(forged.cookie, sizeof(forged.cookie), "other=1; %s=short", FSE_WEB_COOKIE);
    call(s, &forged, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 401);
    tc_response_free(&r);
    snprintf(forged.cookie, sizeof(forged.cookie), "lang=it; %s", c.cookie);
    call(s, &forged, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    tc_response_free(&r);

    /* a new login with the cookie ends the old session: a new id */
    login(s, &c, gp_login, 201);
    assert_string_not_equal(c.cookie, cookie1);
    assert_string_equal(idp.last_cf, CF_GP);
    assert_string_equal(idp.last_locality, "ASL ROMA 1");
    snprintf(forged.cookie, sizeof(forged.cookie), "%s", cookie1);
    call(s, &forged, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 401);
    tc_response_free(&r);
    assert_int_equal(fse_web_session_count(s->web), 2);
}

static void secure_cookie_under_tls(void **state)
{
    site *s = *state;
    fse_web_opts o;
    tc_response r;

    web_opts(&o, s);
    o.secure_cookie = true;
    site_start(s, &o);
    call(s, NULL, "POST", "/web/session", patient_login, false, NULL, &r);
    assert_int_equal(r.status, 201);
    assert_non_null(strstr(tc_header(&r, "Set-Cookie"), "; Secure"));
    tc_response_free(&r);
}

static void bad_and_refused_logins(void **state)
{
    static const char *const bad[] = {
        "not json",
        "[]",
        "{\"cf\":\"" CF_PATIENT "\"}",
        "{\"cf\":\"GRDFNC75T66E506A\",\"role\":\"ASS\",\"patient\":\"" CF_PATIENT
        "\",\"purpose\":\"PERSONAL\",\"organization\":\"120\"}",
        "{\"cf\":\"" CF_PATIENT "\",\"role\":\"as s\",\"patient\":\"" CF_PATIENT
        "\",\"purpose\":\"PERSONAL\",\"organization\":\"120\"}",
        "{\"cf\":\"" CF_PATIENT "\",\"role\":\"ASS\",\"patient\":\"" CF_PATIENT
        "\",\"purpose\":\"PERSONAL\",\"organization\":\"120\",\"admin\":\"1\"}",
        "{\"cf\":\"" CF_PATIENT "\",\"role\":\"ASS\",\"patient\":\"" CF_PATIENT
        "\",\"purpose\":\"PERSONAL\",\"organization\":120}",
        "{\"cf\":\"" CF_PATIENT "\",\"role\":\"ASS\",\"patient\":\"" CF_PATIENT
        "\",\"purpose\":\"PERSONAL\",\"organization\":\"120\",\"locality\":\"a\\u0001b\"}",
    };
    site *s = *state;
    fse_web_opts o;
    tc_response r;
    size_t i;

    web_opts(&o, s);
    site_start(s, &o);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        call(s, NULL, "POST", "/web/session", bad[i], false, NULL, &r);
        if (r.status != 400) {
            fail_msg("body %zu: status %d", i, r.status);
        }
        assert_string_equal(tc_header(&r, "Content-Type"), "application/problem+json");
        assert_null(tc_header(&r, "Set-Cookie"));
        tc_response_free(&r);
    }
    assert_int_equal(atomic_load(&idp.calls), 0);
    call(s, NULL, "POST", "/web/session",
         "{\"cf\":\"" CF_REFUSED "\",\"role\":\"ASS\",\"patient\":\"" CF_REFUSED
         "\",\"purpose\":\"PERSONAL\",\"organization\":\"120\"}",
         false, NULL, &r);
    assert_int_equal(r.status, 403);
    assert_null(tc_header(&r, "Set-Cookie"));
    tc_response_free(&r);
    idp.fail_with = FSE_E_ARG;
    call(s, NULL, "POST", "/web/session", patient_login, false, NULL, &r);
    assert_int_equal(r.status, 400);
    assert_true(body_has(&r, "identity provider says no"));
    tc_response_free(&r);
    idp.fail_with = FSE_E_IO;
    call(s, NULL, "POST", "/web/session", patient_login, false, NULL, &r);
    assert_int_equal(r.status, 500);
    assert_false(body_has(&r, "identity provider says no"));
    tc_response_free(&r);
    idp.fail_with = FSE_OK;
    idp.ttl_s = 10; /* a pair that is as good as expired */
    call(s, NULL, "POST", "/web/session", patient_login, false, NULL, &r);
    assert_int_equal(r.status, 500);
    tc_response_free(&r);
    assert_int_equal(fse_web_session_count(s->web), 0);
}

static void sessions_expire_idle_at_their_end_and_with_their_pair(void **state)
{
    site *s = *state;
    fse_web_opts o;
    client c;
    tc_response r;
    int i;

    memset(&c, 0, sizeof(c));
    web_opts(&o, s);
    o.idle_timeout_s = 600;
    o.lifetime_s = 1800;
    site_start(s, &o);

    /* idle: 599 s is fine (and touches), 600 s ends it */
    login(s, &c, patient_login, 201);
    advance_s(599);
    call(s, &c, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    tc_response_free(&r);
    advance_s(600);
    call(s, &c, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 401);
    tc_response_free(&r);
    call(s, &c, "GET", "/web/session", NULL, false, NULL, &r);
    assert_true(body_has(&r, "\"logged_in\":false"));
    tc_response_free(&r);

    /* lifetime: active all along, still ends at 1800 s */
    login(s, &c, patient_login, 201);
    for (i = 0; i < 5; i++) {
        advance_s(350);
        call(s, &c, "GET", "/probe", NULL, false, NULL, &r);
        assert_int_equal(r.status, 200);
        tc_response_free(&r);
    }
    advance_s(60);
    call(s, &c, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 401);
    tc_response_free(&r);

    /* a pair valid for 300 s ends the session 30 s before it expires */
    idp.ttl_s = 300;
    login(s, &c, patient_login, 201);
    advance_s(269);
    call(s, &c, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    tc_response_free(&r);
    advance_s(1);
    call(s, &c, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 401);
    tc_response_free(&r);
    assert_int_equal(fse_web_session_count(s->web), 0);
}

static void a_full_table_drops_the_longest_idle_session(void **state)
{
    site *s = *state;
    fse_web_opts o;
    client c[4];
    tc_response r;
    int i;

    memset(c, 0, sizeof(c));
    web_opts(&o, s);
    o.max_sessions = 3;
    site_start(s, &o);
    for (i = 0; i < 3; i++) {
        login(s, &c[i], patient_login, 201);
        advance_s(10);
    }
    /* c[0] is used now: c[1] becomes the longest idle */
    call(s, &c[0], "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    tc_response_free(&r);
    advance_s(10);
    login(s, &c[3], patient_login, 201);
    assert_int_equal(fse_web_session_count(s->web), 3);
    for (i = 0; i < 4; i++) {
        call(s, &c[i], "GET", "/probe", NULL, false, NULL, &r);
        assert_int_equal(r.status, i == 1 ? 401 : 200);
        tc_response_free(&r);
    }
}

static void context_change_asks_a_new_pair_for_the_same_person(void **state)
{
    site *s = *state;
    fse_web_opts o;
    client c;
    tc_response r;
    char expect[256];

    memset(&c, 0, sizeof(c));
    web_opts(&o, s);
    site_start(s, &o);
    login(s, &c, gp_login, 201);
    call(s, &c, "PUT", "/web/session/context", "{\"patient\":\"" CF_REFUSED "\"}", false, NULL, &r);
    assert_int_equal(r.status, 403);
    tc_response_free(&r);
    call(s, NULL, "PUT", "/web/session/context", "{\"patient\":\"" CF_REFUSED "\"}", false, NULL,
         &r);
    assert_int_equal(r.status, 401);
    tc_response_free(&r);
    call(s, &c, "PUT", "/web/session/context", "{\"patient\":\"nope\"}", true, NULL, &r);
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    call(s, &c, "PUT", "/web/session/context", "{\"role\":\"ASS\"}", true, NULL, &r);
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    call(s, &c, "PUT", "/web/session/context",
         "{\"patient\":\"rssmra80a01h501u\",\"purpose\":\"EMERGENCY\"}", true, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(body_has(&r, "\"patient\":\"" CF_REFUSED "\""));
    assert_true(body_has(&r, "\"purpose\":\"EMERGENCY\""));
    assert_true(body_has(&r, "\"role\":\"APR\""));
    tc_response_free(&r);
    assert_string_equal(idp.last_cf, CF_GP);
    assert_string_equal(idp.last_role, "APR");
    assert_string_equal(idp.last_locality, "ASL ROMA 1");
    snprintf(expect, sizeof(expect), "auth.%s.%s.EMERGENCY", CF_GP, CF_REFUSED);
    call(s, &c, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(body_has(&r, expect));
    tc_response_free(&r);
}

static void logout_needs_the_csrf_token_and_ends_the_session(void **state)
{
    site *s = *state;
    fse_web_opts o;
    client c;
    tc_response r;

    memset(&c, 0, sizeof(c));
    web_opts(&o, s);
    site_start(s, &o);
    login(s, &c, patient_login, 201);
    call(s, &c, "DELETE", "/web/session", NULL, false, NULL, &r);
    assert_int_equal(r.status, 403);
    tc_response_free(&r);
    call(s, &c, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    tc_response_free(&r);
    call(s, &c, "DELETE", "/web/session", NULL, true, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(tc_header(&r, "Set-Cookie"), "Max-Age=0"));
    tc_response_free(&r);
    call(s, &c, "GET", "/probe", NULL, false, NULL, &r);
    assert_int_equal(r.status, 401);
    tc_response_free(&r);
    call(s, &c, "DELETE", "/web/session", NULL, true, NULL, &r);
    assert_int_equal(r.status, 401);
    tc_response_free(&r);
    assert_int_equal(fse_web_session_count(s->web), 0);
}

static void pages_carry_the_strict_policy_and_caching(void **state)
{
    site *s = *state;
    fse_web_opts o;
    tc_response r;

    web_opts(&o, s);
    site_start(s, &o);
    call(s, NULL, "GET", "/", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(tc_header(&r, "Content-Type"), "text/html; charset=utf-8");
    assert_string_equal(tc_header(&r, "Content-Security-Policy"), FSE_WEB_CSP);
    assert_string_equal(tc_header(&r, "X-Frame-Options"), "SAMEORIGIN");
    assert_string_equal(tc_header(&r, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(tc_header(&r, "Referrer-Policy"), "no-referrer");
    assert_string_equal(tc_header(&r, "Cache-Control"), "no-cache");
    assert_non_null(tc_header(&r, "ETag"));
    assert_true(body_has(&r, "Benvenuti \xc3\xa8"));
    tc_response_free(&r);
    call(s, NULL, "GET", "/cittadino/", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    tc_response_free(&r);
    call(s, NULL, "GET", "/app.js?v=2", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(tc_header(&r, "Content-Type"), "text/javascript; charset=utf-8");
    assert_string_equal(tc_header(&r, "Cache-Control"), "public, max-age=86400");
    tc_response_free(&r);
    call(s, NULL, "GET", "/missing.html", NULL, false, NULL, &r);
    assert_int_equal(r.status, 404);
    tc_response_free(&r);
    /* the pages never hide an API route nor its 405 */
    call(s, NULL, "GET", "/api/thing", NULL, false, NULL, &r);
    assert_int_equal(r.status, 405);
    tc_response_free(&r);
    call(s, NULL, "GET", "/v1/status", NULL, false, NULL, &r);
    assert_int_equal(r.status, 200);
    tc_response_free(&r);
}

static void options_are_checked(void **state)
{
    site *s = *state;
    fse_web_opts o;
    fse_web *w = NULL;

    web_opts(&o, s);
    o.version = 99;
    assert_int_equal(fse_web_new(&w, &o), FSE_E_ARG);
    web_opts(&o, s);
    o.max_sessions = FSE_WEB_MAX_SESSIONS + 1;
    assert_int_equal(fse_web_new(&w, &o), FSE_E_ARG);
    web_opts(&o, s);
    o.lifetime_s = FSE_WEB_MAX_LIFETIME_S + 1;
    assert_int_equal(fse_web_new(&w, &o), FSE_E_ARG);
    web_opts(&o, s);
    o.static_dir = "/nonexistent/web";
    assert_int_equal(fse_web_new(&w, &o), FSE_E_IO);
    assert_null(w);
    web_opts(&o, s);
    o.static_dir = NULL;
    assert_int_equal(fse_web_new(&w, &o), FSE_OK);
    assert_int_equal(fse_web_session_count(w), 0);
    fse_web_free(w);
    fse_web_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(login_without_identity_provider_is_501, setup, teardown),
        cmocka_unit_test_setup_teardown(login_sets_a_strict_cookie_and_the_hook_gives_the_pair,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(secure_cookie_under_tls, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_and_refused_logins, setup, teardown),
        cmocka_unit_test_setup_teardown(sessions_expire_idle_at_their_end_and_with_their_pair,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_full_table_drops_the_longest_idle_session, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(context_change_asks_a_new_pair_for_the_same_person, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(logout_needs_the_csrf_token_and_ends_the_session, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pages_carry_the_strict_policy_and_caching, setup, teardown),
        cmocka_unit_test_setup_teardown(options_are_checked, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
