/*
 * tests/gateway/gwt_test_tool.c - the fse commands of the node, run as the
 * built binary: `fse audit verify` on an intact and on a tampered chain,
 * `fse keys create` refusing to overwrite a key, and `fse serve` answering
 * a validation, serving over TLS with client certificates required, and
 * stopping cleanly on SIGTERM. The TLS client is the http suite's
 * (tests/http/http_client.c).
 */
#include "gwt.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fse/util.h"
#include "http_client.h"

/* ---- fse audit verify --------------------------------------------------- */

static int run_tool(const char *const *argv)
{
    pid_t pid = fork();
    int status = 0;

    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        dup2(null, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void gwt_test_audit_cli(void **state)
{
    gwt_node n;
    gwt_doc d;
    char conf[PATH_MAX + 16];
    char tool[PATH_MAX];
    char db[PATH_MAX];
    FILE *f;
    sqlite3 *raw = NULL;
    const char *argv[5];

    (void)state;
    gwt_node_start(&n, "gateway-audit", false, 0, false);
    gwt_doc_new(&d);
    fse_free(gwt_validate(&n, &d));
    fse_free(gwt_validate(&n, &d));
    fse_free(gwt_validate(&n, &d));
    gwt_audit_intact(&n);
    /* Keep the directory: stop the gateway but not the node helper yet. */
    fse_http_server_free(n.srv);
    n.srv = NULL;
    fse_gateway_free(n.gw);
    n.gw = NULL;
    fse_store_free(n.store);
    n.store = NULL;

    snprintf(conf, sizeof(conf), "%s/node.conf", n.dir);
    snprintf(tool, sizeof(tool), "%s/fse", FSE_BUILD_DIR);
    snprintf(db, sizeof(db), "%s", n.db);
    f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f, "store.path = %s\nstore.master_key = %s\n", n.db, n.key);
    fclose(f);
    argv[0] = tool;
    argv[1] = "audit";
    argv[2] = "verify";
    argv[3] = "--config";
    argv[4] = conf;
    {
        const char *full[6] = {argv[0], argv[1], argv[2], argv[3], argv[4], NULL};

        assert_int_equal(run_tool(full), 0);
        /* Change the action of record 2 (the triggers are no security
         * boundary: anyone with the file can drop them). */
        assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
        assert_int_equal(sqlite3_exec(raw,
                                      "DROP TRIGGER audit_log_no_update;"
                                      "UPDATE audit_log SET action = 'READ' WHERE seq = 2;",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(raw);
        assert_int_equal(run_tool(full), 1);
    }
    {
        /* fse keys create never overwrites a key file. */
        const char *keys[6] = {tool, "keys", "create", "--config", conf, NULL};

        assert_int_equal(run_tool(keys), 1);
    }
    gwt_node_stop(&n);
    gwt_doc_free(&d);
}

/* ---- The fse serve binary ----------------------------------------------- */

/* A running `fse serve` child in its own directory. */
typedef struct serve_child {
    char dir[PATH_MAX];
    char conf[PATH_MAX + 16];
    pid_t pid;
    FILE *err;
    unsigned port;
} serve_child;

/* Write the config (plus extra lines), start the binary and read the port
 * from its "listening on" line. */
static void serve_start(serve_child *s, const char *extra)
{
    char key[PATH_MAX + 16];
    char tool[PATH_MAX];
    char line[512] = "";
    int pipefd[2];
    FILE *f;

    memset(s, 0, sizeof(*s));
    snprintf(s->dir, sizeof(s->dir), "%s/test-tmp/gateway-serve-XXXXXX", FSE_BUILD_DIR);
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->conf, sizeof(s->conf), "%s/node.conf", s->dir);
    snprintf(key, sizeof(key), "%s/master.key", s->dir);
    snprintf(tool, sizeof(tool), "%s/fse", FSE_BUILD_DIR);
    assert_int_equal(fse_store_keyfile_create(key), FSE_OK);
    f = fopen(s->conf, "w");
    assert_non_null(f);
    fprintf(f,
            "server.port = 0\nserver.threads = 2\nserver.pades_check = false\n"
            "store.path = %s/node.db\nstore.master_key = %s\njwt.ca_file = %s\n"
            "jwt.audience = %s\nvalidate.rules_dir = %s\nlog.level = warn\n%s",
            s->dir, key, g.ca_path, GWT_AUD, FSE_RULES_DIR, extra);
    fclose(f);
    assert_int_equal(pipe(pipefd), 0);
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        /* Never outlive the test, never hold the test runner's stdout. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(null, 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        execl(tool, tool, "serve", "--config", s->conf, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    s->err = fdopen(pipefd[0], "r");
    assert_non_null(s->err);
    while (s->port == 0 && fgets(line, sizeof(line), s->err) != NULL) {
        const char *at = strstr(line, "://127.0.0.1:");

        if (strstr(line, "listening on") != NULL && at != NULL) {
            s->port = (unsigned)strtoul(at + 13, NULL, 10);
        }
    }
    if (s->port == 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        fail_msg("fse serve did not start: %s", line);
    }
}

/* SIGTERM: graceful shutdown; the exit status. Removes the directory. */
static int serve_stop(serve_child *s)
{
    static const char *const files[] = {"node.db",   "node.db-wal",  "node.db-shm",
                                        "node.conf", "master.key",   "tls.pem",
                                        "tls.key",   "client-ca.pem"};
    char path[PATH_MAX + 32];
    int status = 0;
    size_t i;

    assert_int_equal(kill(s->pid, SIGTERM), 0);
    assert_int_equal(waitpid(s->pid, &status, 0), s->pid);
    fclose(s->err);
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", s->dir, files[i]);
        unlink(path);
    }
    rmdir(s->dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void gwt_test_serve_binary(void **state)
{
    serve_child s;
    gwt_node client;
    gwt_doc d;
    int64_t saved = atomic_load(&gwt_now_ms);

    (void)state;
    serve_start(&s, "");
    /* The binary reads the real clock: tokens are minted for it. */
    atomic_store(&gwt_now_ms, fse_store_now_ms());
    memset(&client, 0, sizeof(client));
    client.port = (uint16_t)s.port;
    gwt_doc_new(&d);
    fse_free(gwt_validate(&client, &d));
    gwt_doc_free(&d);
    atomic_store(&gwt_now_ms, saved);
    assert_int_equal(serve_stop(&s), 0);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX + 32];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* TLS with a client certificate required (server.tls_client_ca): a
 * verified client is served, one without a certificate is not. */
void gwt_test_serve_mtls(void **state)
{
    static const char health[] = "GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    char extra[3 * PATH_MAX + 128];
    char tmp[PATH_MAX];
    serve_child s;
    tc_pki pki;
    tc_conn conn;
    tc_response resp;
    SSL_CTX *with_cert;
    SSL_CTX *without_cert;

    (void)state;
    assert_true(tc_pki_make(&pki, "A1#120#TESTVENDOR"));
    /* The PEM files go into a directory made first, then named in the config. */
    snprintf(tmp, sizeof(tmp), "%s/test-tmp/gateway-tls-XXXXXX", FSE_BUILD_DIR);
    assert_non_null(mkdtemp(tmp));
    write_text(tmp, "tls.pem", pki.server_cert_pem);
    write_text(tmp, "tls.key", pki.server_key_pem);
    write_text(tmp, "client-ca.pem", pki.ca_pem);
    snprintf(extra, sizeof(extra),
             "server.tls_cert = %s/tls.pem\nserver.tls_key = %s/tls.key\n"
             "server.tls_client_ca = %s/client-ca.pem\n",
             tmp, tmp, tmp);
    serve_start(&s, extra);

    with_cert = tc_ssl_ctx(&pki, pki.client_cert_pem, pki.client_key_pem);
    assert_non_null(with_cert);
    assert_true(tc_open_tls(&conn, (uint16_t)s.port, with_cert));
    assert_true(tc_send_str(&conn, health));
    assert_true(tc_read(&conn, &resp, false));
    assert_int_equal(resp.status, 200);
    tc_response_free(&resp);
    tc_close(&conn);

    without_cert = tc_ssl_ctx(&pki, NULL, NULL);
    assert_non_null(without_cert);
    if (tc_open_tls(&conn, (uint16_t)s.port, without_cert)) {
        /* TLS 1.3 may finish the handshake before the server refuses. */
        if (tc_send_str(&conn, health) && tc_read(&conn, &resp, false)) {
            assert_int_equal(resp.status, 403);
            tc_response_free(&resp);
        }
        tc_close(&conn);
    }
    SSL_CTX_free(with_cert);
    SSL_CTX_free(without_cert);
    assert_int_equal(serve_stop(&s), 0);
    write_text(tmp, "x", "");
    {
        static const char *const names[] = {"tls.pem", "tls.key", "client-ca.pem", "x"};
        char path[PATH_MAX + 32];
        size_t i;

        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            snprintf(path, sizeof(path), "%s/%s", tmp, names[i]);
            unlink(path);
        }
        rmdir(tmp);
    }
    tc_pki_free(&pki);
}
