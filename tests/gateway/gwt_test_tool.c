/*
 * tests/gateway/gwt_test_tool.c - the fse commands of the node, run as the
 * built binary: `fse audit verify` on an intact and on a tampered chain,
 * `fse keys create` refusing to overwrite a key, and `fse serve` answering
 * a validation and stopping cleanly on SIGTERM.
 */
#include "gwt.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fse/util.h"

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

void gwt_test_serve_binary(void **state)
{
    char dir[PATH_MAX];
    char conf[PATH_MAX + 16];
    char key[PATH_MAX + 16];
    char tool[PATH_MAX];
    char line[512] = "";
    int pipefd[2];
    pid_t pid;
    FILE *f;
    FILE *err;
    unsigned port = 0;
    int status = 0;
    gwt_node client;
    gwt_doc d;
    int64_t saved = atomic_load(&gwt_now_ms);

    (void)state;
    snprintf(dir, sizeof(dir), "%s/test-tmp/gateway-serve-XXXXXX", FSE_BUILD_DIR);
    assert_non_null(mkdtemp(dir));
    snprintf(conf, sizeof(conf), "%s/node.conf", dir);
    snprintf(key, sizeof(key), "%s/master.key", dir);
    snprintf(tool, sizeof(tool), "%s/fse", FSE_BUILD_DIR);
    assert_int_equal(fse_store_keyfile_create(key), FSE_OK);
    f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f,
            "server.port = 0\nserver.threads = 2\nserver.pades_check = false\n"
            "store.path = %s/node.db\nstore.master_key = %s\njwt.ca_file = %s\n"
            "jwt.audience = %s\nvalidate.rules_dir = %s\nlog.level = warn\n",
            dir, key, g.ca_path, GWT_AUD, FSE_RULES_DIR);
    fclose(f);
    assert_int_equal(pipe(pipefd), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        execl(tool, tool, "serve", "--config", conf, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    err = fdopen(pipefd[0], "r");
    assert_non_null(err);
    while (port == 0 && fgets(line, sizeof(line), err) != NULL) {
        const char *at = strstr(line, "listening on http://127.0.0.1:");

        if (at != NULL) {
            port = (unsigned)strtoul(at + 30, NULL, 10);
        }
    }
    if (port == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("fse serve did not start: %s", line);
    }

    /* The binary reads the real clock: tokens are minted for it. */
    atomic_store(&gwt_now_ms, fse_store_now_ms());
    memset(&client, 0, sizeof(client));
    client.port = (uint16_t)port;
    gwt_doc_new(&d);
    fse_free(gwt_validate(&client, &d));
    gwt_doc_free(&d);
    atomic_store(&gwt_now_ms, saved);

    /* SIGTERM: graceful shutdown, exit 0. */
    assert_int_equal(kill(pid, SIGTERM), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    fclose(err);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    snprintf(line, sizeof(line), "%s/node.db", dir);
    unlink(line);
    snprintf(line, sizeof(line), "%s/node.db-wal", dir);
    unlink(line);
    snprintf(line, sizeof(line), "%s/node.db-shm", dir);
    unlink(line);
    unlink(conf);
    unlink(key);
    rmdir(dir);
}
