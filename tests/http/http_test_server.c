/*
 * tests/http/http_test_server.c - the server as a whole: idle (slowloris)
 * timeout, per-client rate limit, the server-wide body budget, concurrent
 * clients on keep-alive connections, graceful shutdown from a signal handler
 * with a request in flight, the access log, TLS and mutual TLS with
 * certificates made for the test.
 */
#include "http_tests.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static void idle_connections_are_closed(void **state)
{
    fse_http_opts o;
    uint16_t port;
    fse_http_server *srv;
    tc_conn c;
    double t0;

    (void)state;
    memset(&o, 0, sizeof o);
    o.connection_timeout_s = 1;
    srv = ts_start(&o, NULL, &port);
    /* Headers started, never finished. */
    assert_true(tc_open(&c, port));
    assert_true(tc_send_str(&c, "GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    t0 = now_s();
    assert_true(tc_wait_closed(&c, 5000));
    assert_true(now_s() - t0 < 4.0);
    tc_close(&c);
    /* Connected, nothing sent. */
    assert_true(tc_open(&c, port));
    assert_true(tc_wait_closed(&c, 5000));
    tc_close(&c);
    ts_stop(srv);
}

static void rate_limit_answers_429(void **state)
{
    fse_http_opts o;
    uint16_t port;
    fse_http_server *srv;
    tc_response r;
    char v[64];
    int i;

    (void)state;
    memset(&o, 0, sizeof o);
    o.rate_limit_requests = 3;
    o.rate_limit_window_s = 60;
    srv = ts_start(&o, NULL, &port);
    atomic_store(&ts_access_count, 0);
    atomic_store(&ts_access_errors, 0);
    for (i = 0; i < 3; i++) {
        assert_true(tc_request(port, "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n", &r));
        assert_int_equal(r.status, 200);
        tc_response_free(&r);
    }
    assert_true(tc_request(port, "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n", &r));
    assert_int_equal(r.status, 429);
    assert_non_null(tc_header(&r, "Retry-After"));
    i = (int)strtol(tc_header(&r, "Retry-After"), NULL, 10);
    assert_true(i >= 1 && i <= 20);
    assert_true(ts_json_string(&r, "type", v, sizeof v));
    assert_string_equal(v, "/msg/too-many-requests");
    tc_response_free(&r);
    ts_stop(srv);
    assert_int_equal(atomic_load(&ts_access_count), 4);
    assert_int_equal(atomic_load(&ts_access_errors), 1);
}

static void body_budget_answers_503(void **state)
{
    fse_http_opts o;
    uint16_t port;
    fse_http_server *srv;
    tc_response r;
    tc_conn a;
    tc_conn b;
    static uint8_t data[65536];
    int tries;

    (void)state;
    memset(&o, 0, sizeof o);
    o.max_body_bytes = 65536;
    o.max_buffered_bytes = 65536;
    srv = ts_start(&o, NULL, &port);
    assert_true(tc_open(&a, port));
    assert_true(tc_send_str(&a, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 65536\r\n\r\n"));
    assert_true(tc_send(&a, data, 60000));
    /* Once the server holds A's 60000 bytes, B's 10000 exceed the budget. */
    for (tries = 0; tries < 50; tries++) {
        sleep_ms(100);
        assert_true(tc_open(&b, port));
        assert_true(
            tc_send_str(&b, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n"));
        assert_true(tc_send(&b, data, 10000));
        assert_true(tc_read(&b, &r, false));
        tc_close(&b);
        if (r.status == 503) {
            break;
        }
        tc_response_free(&r);
    }
    assert_int_equal(r.status, 503);
    assert_non_null(tc_header(&r, "Retry-After"));
    tc_response_free(&r);
    assert_true(tc_send(&a, data, 5536));
    assert_true(tc_read(&a, &r, false));
    assert_int_equal(r.status, 200);
    tc_response_free(&r);
    tc_close(&a);
    ts_stop(srv);
}

typedef struct client_job {
    uint16_t port;
    int id;
    int ok;
} client_job;

static void *client_main(void *arg)
{
    client_job *job = arg;
    tc_conn c;
    int i;

    if (!tc_open(&c, job->port)) {
        return NULL;
    }
    for (i = 0; i < 25; i++) {
        size_t len = (size_t)(job->id * 101 + i * 37);
        char head[128];
        char want[32];
        uint8_t *body = malloc(len + 1);
        tc_response r;

        if (body == NULL) {
            break;
        }
        memset(body, 'a' + job->id, len);
        snprintf(head, sizeof head,
                 "POST /echo?x=%d-%d HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n\r\n", job->id,
                 i, len);
        snprintf(want, sizeof want, "\"len\":%zu", len);
        if (tc_send_str(&c, head) && tc_send(&c, body, len) && tc_read(&c, &r, false)) {
            if (r.status == 200 && strstr((const char *)r.body, want) != NULL) {
                job->ok++;
            }
            tc_response_free(&r);
        }
        free(body);
    }
    tc_close(&c);
    return NULL;
}

static void concurrent_clients(void **state)
{
    fse_http_opts o;
    uint16_t port;
    fse_http_server *srv;
    pthread_t threads[6];
    client_job jobs[6];
    int i;

    (void)state;
    memset(&o, 0, sizeof o);
    o.threads = 4;
    srv = ts_start(&o, NULL, &port);
    for (i = 0; i < 6; i++) {
        jobs[i] = (client_job){port, i, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, client_main, &jobs[i]), 0);
    }
    for (i = 0; i < 6; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(jobs[i].ok, 25);
    }
    ts_stop(srv);
}

/* ---- Graceful shutdown -------------------------------------------------- */

static fse_http_server *signal_target;

static void on_signal(int sig)
{
    (void)sig;
    fse_http_server_shutdown_signal(signal_target);
}

typedef struct waiter {
    fse_http_server *srv;
    fse_err rc;
} waiter;

static void *wait_main(void *arg)
{
    waiter *w = arg;

    w->rc = fse_http_server_wait(w->srv);
    return NULL;
}

typedef struct slow_job {
    uint16_t port;
    tc_response r;
    bool ok;
} slow_job;

static void *slow_main(void *arg)
{
    slow_job *job = arg;

    job->ok = tc_request(job->port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", &job->r);
    return NULL;
}

static void wait_slow_started(void)
{
    int i;

    for (i = 0; i < 500 && atomic_load(&ts_slow_started) == 0; i++) {
        sleep_ms(10);
    }
    assert_int_equal(atomic_load(&ts_slow_started), 1);
}

static void shutdown_finishes_in_flight_request(void **state)
{
    struct sigaction sa;
    struct sigaction old;
    fse_http_opts o;
    uint16_t port;
    pthread_t wt;
    pthread_t ct;
    waiter w;
    slow_job job;
    tc_conn c;

    (void)state;
    memset(&o, 0, sizeof o);
    o.shutdown_timeout_ms = 5000;
    atomic_store(&ts_slow_started, 0);
    w.srv = ts_start(&o, NULL, &port);
    w.rc = FSE_E_INTERNAL;
    memset(&job, 0, sizeof job);
    job.port = port;
    signal_target = w.srv;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);

    assert_int_equal(pthread_create(&wt, NULL, wait_main, &w), 0);
    assert_int_equal(pthread_create(&ct, NULL, slow_main, &job), 0);
    wait_slow_started();
    assert_int_equal(raise(SIGUSR1), 0);
    pthread_join(ct, NULL);
    pthread_join(wt, NULL);
    sigaction(SIGUSR1, &old, NULL);

    assert_true(job.ok);
    assert_int_equal(job.r.status, 200);
    assert_string_equal((const char *)job.r.body, "done");
    assert_string_equal(tc_header(&job.r, "Connection"), "close");
    tc_response_free(&job.r);
    assert_int_equal(w.rc, FSE_OK);
    /* No longer accepting. */
    assert_false(tc_open(&c, port));
    fse_http_server_free(w.srv);
}

static void shutdown_deadline_cuts_long_requests(void **state)
{
    fse_http_opts o;
    uint16_t port;
    fse_http_server *srv;
    pthread_t ct;
    slow_job job;

    (void)state;
    memset(&o, 0, sizeof o);
    o.shutdown_timeout_ms = 50;
    atomic_store(&ts_slow_started, 0);
    srv = ts_start(&o, NULL, &port);
    memset(&job, 0, sizeof job);
    job.port = port;
    assert_int_equal(pthread_create(&ct, NULL, slow_main, &job), 0);
    wait_slow_started();
    fse_http_server_shutdown_signal(srv);
    assert_int_equal(fse_http_server_wait(srv), FSE_E_LIMIT);
    pthread_join(ct, NULL);
    tc_response_free(&job.r);
    fse_http_server_free(srv);
}

/* ---- TLS ---------------------------------------------------------------- */

static bool tls_get(uint16_t port, SSL_CTX *ctx, const char *path, tc_response *r)
{
    char raw[256];
    tc_conn c;
    bool ok;

    memset(r, 0, sizeof *r);
    if (!tc_open_tls(&c, port, ctx)) {
        return false;
    }
    snprintf(raw, sizeof raw, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
             path);
    ok = tc_send_str(&c, raw) && tc_read(&c, r, false);
    tc_close(&c);
    return ok;
}

static int pki_setup(void **state)
{
    tc_pki *pki = calloc(1, sizeof *pki);

    assert_non_null(pki);
    assert_true(tc_pki_make(pki, "A1#120#TESTCLIENT"));
    *state = pki;
    return 0;
}

static int pki_teardown(void **state)
{
    tc_pki_free(*state);
    free(*state);
    return 0;
}

static void tls_serves_https(void **state)
{
    tc_pki *pki = *state;
    fse_http_opts o;
    uint16_t port;
    fse_http_server *srv;
    SSL_CTX *ctx = tc_ssl_ctx(pki, NULL, NULL);
    tc_response r;
    char v[128];

    assert_non_null(ctx);
    memset(&o, 0, sizeof o);
    o.tls_cert_pem = pki->server_cert_pem;
    o.tls_key_pem = pki->server_key_pem;
    srv = ts_start(&o, NULL, &port);
    assert_true(tls_get(port, ctx, "/whoami", &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_json_string(&r, "subject", v, sizeof v));
    assert_string_equal(v, "none");
    assert_string_equal(tc_header(&r, "Strict-Transport-Security"), "max-age=31536000");
    tc_response_free(&r);
    /* Plain HTTP on the TLS port gets no HTTP answer. */
    assert_false(tc_request(port, "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n", &r));
    tc_response_free(&r);
    ts_stop(srv);
    SSL_CTX_free(ctx);
}

static void mutual_tls_requires_a_trusted_client(void **state)
{
    tc_pki *pki = *state;
    fse_http_opts o;
    uint16_t port;
    fse_http_server *srv;
    SSL_CTX *with_cert = tc_ssl_ctx(pki, pki->client_cert_pem, pki->client_key_pem);
    SSL_CTX *without = tc_ssl_ctx(pki, NULL, NULL);
    SSL_CTX *rogue = tc_ssl_ctx(pki, pki->rogue_cert_pem, pki->rogue_key_pem);
    tc_response r;
    char v[256];

    assert_non_null(with_cert);
    assert_non_null(without);
    assert_non_null(rogue);
    memset(&o, 0, sizeof o);
    o.tls_cert_pem = pki->server_cert_pem;
    o.tls_key_pem = pki->server_key_pem;
    o.tls_client_ca_pem = pki->ca_pem;
    srv = ts_start(&o, NULL, &port);

    assert_true(tls_get(port, with_cert, "/whoami", &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_json_string(&r, "subject", v, sizeof v));
    assert_non_null(strstr(v, "CN=A1#120#TESTCLIENT"));
    assert_non_null(strstr(v, "O=fse test"));
    tc_response_free(&r);

    assert_false(tls_get(port, without, "/whoami", &r));
    tc_response_free(&r);
    assert_false(tls_get(port, rogue, "/whoami", &r));
    tc_response_free(&r);

    /* The server keeps serving good clients. */
    assert_true(tls_get(port, with_cert, "/v1/status", &r));
    assert_int_equal(r.status, 200);
    tc_response_free(&r);
    ts_stop(srv);
    SSL_CTX_free(with_cert);
    SSL_CTX_free(without);
    SSL_CTX_free(rogue);
}

static void bad_tls_material_fails_to_start(void **state)
{
    tc_pki *pki = *state;
    fse_http_opts o;
    fse_http_server *srv = NULL;

    memset(&o, 0, sizeof o);
    o.tls_cert_pem = pki->server_cert_pem;
    o.tls_key_pem = pki->rogue_key_pem; /* not the certificate's key */
    assert_int_equal(fse_http_server_new(&srv, &o), FSE_OK);
    assert_int_equal(fse_http_server_start(srv), FSE_E_CRYPTO);
    fse_http_server_free(srv);
}

const struct CMUnitTest ts_server_tests[] = {
    cmocka_unit_test(idle_connections_are_closed),
    cmocka_unit_test(rate_limit_answers_429),
    cmocka_unit_test(body_budget_answers_503),
    cmocka_unit_test(concurrent_clients),
    cmocka_unit_test(shutdown_finishes_in_flight_request),
    cmocka_unit_test(shutdown_deadline_cuts_long_requests),
    cmocka_unit_test_setup_teardown(tls_serves_https, pki_setup, pki_teardown),
    cmocka_unit_test_setup_teardown(mutual_tls_requires_a_trusted_client, pki_setup, pki_teardown),
    cmocka_unit_test_setup_teardown(bad_tls_material_fails_to_start, pki_setup, pki_teardown),
};
const size_t ts_n_server_tests = sizeof ts_server_tests / sizeof ts_server_tests[0];
