/*
 * tests/policy/pt_curl.h - `fse serve` as a child process on an ephemeral
 * port and /usr/bin/curl as its client, for the FHIR conformance suite.
 *
 * Owns the node directory and config file, the server process, the token
 * pair every call carries, and one curl run per request (status, the last
 * header block, the body and its JSON).
 */
#ifndef FSE_TEST_PT_CURL_H
#define FSE_TEST_PT_CURL_H

#include "pt.h"

#include <sys/types.h>

typedef struct pt_serve {
    char dir[PATH_MAX];
    char conf[PATH_MAX + 16];
    char db[PATH_MAX + 16];
    char key[PATH_MAX + 16];
    char log[PATH_MAX + 16];
    pid_t pid;
    uint16_t port;
    const char *extra_conf; /* more config lines, or NULL */
    char *auth;             /* the pair every call with a token carries */
    char *sig;
    size_t curls;
} pt_serve;

/* Directory, key file, store path (the caller fills the store, then calls
 * pt_serve_start). */
void pt_serve_init(pt_serve *s, const char *name);
/* Write the config and spawn `fse serve`; waits for its base URL. */
void pt_serve_start(pt_serve *s);
/* SIGTERM, reap, remove the directory. */
void pt_serve_stop(pt_serve *s);

typedef struct pt_curl_out {
    int status;
    char *headers; /* the last response's header block */
    char *body;
    size_t body_len;
    json_t *json;
} pt_curl_out;

/* Run curl: method and path on the node, with the node's tokens when
 * token, and the NULL-terminated header lines. */
void pt_curl(pt_serve *s, pt_curl_out *o, const char *method, const char *path, bool token,
             const char *const *headers);
void pt_curl_free(pt_curl_out *o);
/* A header value of the answer copied to out ("" when absent). */
const char *pt_curl_header(const pt_curl_out *o, const char *name, char *out, size_t cap);

#endif /* FSE_TEST_PT_CURL_H */
