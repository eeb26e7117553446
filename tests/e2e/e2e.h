/*
 * tests/e2e/e2e.h - the fixture of the end-to-end suite: `fse serve` run as
 * a child process (the built binary) on 127.0.0.1 port 0 with its own
 * directory, store, master key and config file, a test CA from fse/jwt.h,
 * generated documents from fse/gen.h sent with the tool's own HTTP client
 * (src/http_client.c), and the checks that read the store through the
 * library.
 *
 * Owns the temporary directories, the test PKI, spawning, killing and
 * stopping the server, the base documents and their re-identification, the
 * status token, and small file helpers. The tests are test_e2e_*.c.
 */
#ifndef FSE_TEST_E2E_H
#define FSE_TEST_E2E_H

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <cmocka.h>

#include "fse/gen.h"
#include "fse/jwt.h"
#include "fse/store.h"
#include "http_client.h"

/* The audience of every token: a fixed base URL, so the port may change
 * between restarts of the same node. */
#define E2E_AUD "https://fse-e2e.test/v1"
/* The signer's CN: region 120 for the status region check. */
#define E2E_SIGNER_CN "S1#120#E2ETEST"
/* Client timeout per call (a server under a sanitizer can be slow). */
#define E2E_TIMEOUT_MS 60000

/* A test CA and its signer, written to dir/ca.pem. */
typedef struct e2e_pki {
    char dir[PATH_MAX];
    char ca_pem[PATH_MAX + 16];
    fse_jwt_testca *ca;
    fse_jwt_cred *signer;
} e2e_pki;

void e2e_pki_make(e2e_pki *p);
void e2e_pki_free(e2e_pki *p);

/* A node: `fse serve --config <dir>/node.conf` on port 0. */
typedef struct e2e_node {
    char dir[PATH_MAX];
    char conf[PATH_MAX + 16];
    char db[PATH_MAX + 16];
    char key[PATH_MAX + 16];
    char log[PATH_MAX + 16];
    pid_t pid;     /* 0 when not running */
    uint16_t port; /* of the running server */
    unsigned starts;
} e2e_node;

/*
 * A new directory under FSE_BUILD_DIR/test-tmp with a master key and a
 * config file: port 0, `threads` workers, no rate limit, PAdES check off,
 * the outbox polled every 50 ms, the CA of pki, E2E_AUD, the rules catalog,
 * log level warn, then the extra lines (may be "").
 */
void e2e_node_init(e2e_node *n, const char *name, const e2e_pki *pki, unsigned threads,
                   const char *extra);
/* Spawn the server (stderr appended to <dir>/server.log) and wait for the
 * base URL it prints on stdout. */
void e2e_node_start(e2e_node *n);
/* kill -9 and reap. */
void e2e_node_kill(e2e_node *n);
/* SIGTERM (graceful shutdown); the exit status. */
int e2e_node_stop(e2e_node *n);
/* Remove the directory and its files (the node must be stopped). */
void e2e_node_remove(e2e_node *n);
/* A store handle on the node's database, with its master key. */
fse_store *e2e_node_store(const e2e_node *n);

/* The server binary: $FSE_E2E_FSE when set (e.g. a build without
 * sanitizers), else FSE_BUILD_DIR/fse. */
const char *e2e_fse_binary(void);
/* Run the fse binary with args (NULL-terminated, without argv[0]), output
 * appended to log (may be NULL: discarded); the exit status, -1 when it
 * did not exit normally. */
int e2e_run_fse(const char *log, const char *const *args);

/* An unsigned integer from the environment, or def when unset. */
unsigned long e2e_env_ulong(const char *name, unsigned long def);

/* ---- Documents ---------------------------------------------------------- */

/* A generated CDA and its metadata, kept to be re-identified. */
typedef struct e2e_base {
    fse_gen_meta meta;
    uint8_t *cda;
    size_t cda_len;
} e2e_base;

/* n base documents of the nine types in turn, from seed. */
e2e_base *e2e_bases_make(size_t n, uint64_t seed);
void e2e_bases_free(e2e_base *b, size_t n);

/*
 * Build publication number k from base b with a new identity: the last
 * eight characters of id/@extension (and setId's, identificativoDoc) become
 * the hex of 0xE0000000 + k, so every k gives a new document id, a new CDA
 * and a new CDA hash; then PDF, tokens and requests (hc_doc_build). No
 * cmocka assertion: safe on client threads. Free d with hc_doc_free.
 */
fse_err e2e_doc_reidentified(hc_doc *d, const e2e_base *b, uint64_t k, const e2e_pki *pki);

/* The Bearer token of GET /v1/status calls (fse_free). */
char *e2e_status_token(const e2e_pki *pki);

/* The options documents are built with (Host, audience, tokens). */
hc_doc_opts e2e_doc_opts(const e2e_pki *pki);

/* ---- Files -------------------------------------------------------------- */

/* Read a whole file (fse_free); NULL when it does not exist. */
uint8_t *e2e_read_file(const char *path, size_t *len_out);
/* Whether needle (len bytes) occurs in the file. */
bool e2e_file_contains(const char *path, const void *needle, size_t len);

/* ---- Tests (one executable, the test named by its argument) ------------ */

int test_e2e_crash_run(void);
int test_e2e_encryption_run(void);
int test_e2e_demo_run(void);
int test_e2e_demo_consult_run(void);

#endif /* FSE_TEST_E2E_H */
