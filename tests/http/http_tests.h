/*
 * tests/http/http_tests.h - what the files of the http test suite share.
 *
 * Owns the test server set-up (every test starts its own server on
 * 127.0.0.1, port 0, with the test routes of test_http.c) and the lists of
 * tests each file contributes to the one cmocka run in test_http.c.
 */
#ifndef FSE_TEST_HTTP_TESTS_H
#define FSE_TEST_HTTP_TESTS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <cmocka.h>

#include "fse/http.h"
#include "http_client.h"

/* Start a server with opts (NULL: defaults plus a 5 s idle timeout) and the
 * test routes; static files from static_dir when not NULL (at /web). */
fse_http_server *ts_start(const fse_http_opts *opts, const char *static_dir, uint16_t *port);
/* Graceful shutdown, then free. */
void ts_stop(fse_http_server *srv);

/* Set by the /slow handler once it runs; it then waits slow_release_ms. */
extern atomic_int ts_slow_started;
/* Access-log entries seen, and those with a status of 400 or more. */
extern atomic_int ts_access_count;
extern atomic_int ts_access_errors;

/* true when s is n lowercase hex digits. */
bool ts_is_hex(const char *s, size_t n);
/* Value of "key":"..." in a flat JSON body (copied into out), or false. */
bool ts_json_string(const tc_response *r, const char *key, char *out, size_t out_len);

/* The tests of each file. */
extern const struct CMUnitTest ts_body_tests[];
extern const size_t ts_n_body_tests;
extern const struct CMUnitTest ts_static_tests[];
extern const size_t ts_n_static_tests;
extern const struct CMUnitTest ts_server_tests[];
extern const size_t ts_n_server_tests;

#endif /* FSE_TEST_HTTP_TESTS_H */
