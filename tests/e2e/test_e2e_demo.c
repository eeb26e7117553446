/*
 * tests/e2e/test_e2e_demo.c - `fse demo --no-wait` as the README runs it:
 * a new node directory, documents of every type published over HTTP with
 * none refused, a second run in the same directory publishing new
 * documents into the same store, the files the printed commands use, and
 * `fse audit verify` on the node's config file.
 */
#include "e2e.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fse/util.h"

/* The "total <published> <refused>" line of the summary in the log. */
static void expect_total(const char *log, unsigned long want)
{
    size_t len = 0;
    uint8_t *text = e2e_read_file(log, &len);
    const char *at;
    const char *last = NULL;
    unsigned long published = 0;
    unsigned long refused = 0;

    assert_non_null(text);
    for (at = strstr((const char *)text, "  total "); at != NULL; at = strstr(at + 1, "  total ")) {
        last = at;
    }
    if (last == NULL || sscanf(last, " total %lu %lu", &published, &refused) != 2) {
        fail_msg("no summary in %s", log);
    }
    assert_int_equal(published, want);
    assert_int_equal(refused, 0);
    fse_free(text);
}

static void demo_no_wait(void **state)
{
    const char *first[] = {"demo", "--dir",  NULL, "--count",   "45", "--port",
                           "0",    "--seed", "7",  "--no-wait", NULL};
    const char *second[] = {"demo",   "--dir", NULL,        "--count", "18",        "--port", "0",
                            "--seed", "7",     "--clients", "2",       "--no-wait", NULL};
    const char *audit[] = {"audit", "verify", "--config", NULL, NULL};
    char dir[PATH_MAX];
    char node[PATH_MAX + 16];
    char log[PATH_MAX + 16];
    char conf[PATH_MAX + 32];
    char path[PATH_MAX + 64];
    e2e_node holder;
    e2e_pki pki;

    (void)state;
    /* A node directory under test-tmp, with nothing in it yet. */
    e2e_pki_make(&pki);
    e2e_node_init(&holder, "e2e-demo", &pki, 1, "");
    snprintf(dir, sizeof(dir), "%s", holder.dir);
    snprintf(node, sizeof(node), "%s/node", dir);
    snprintf(log, sizeof(log), "%s/demo.log", dir);
    snprintf(conf, sizeof(conf), "%s/fse.conf", node);
    first[2] = node;
    second[2] = node;
    audit[3] = conf;

    assert_int_equal(e2e_run_fse(log, first), 0);
    expect_total(log, 45);
    assert_true(e2e_file_contains(log, "(created)", 9));
    snprintf(path, sizeof(path), "%s/curl/publication.sig", node);
    assert_int_equal(access(path, R_OK), 0);
    snprintf(path, sizeof(path), "%s/pki/sig.key", node);
    assert_int_equal(access(path, R_OK), 0);

    assert_int_equal(e2e_run_fse(log, second), 0);
    expect_total(log, 18);
    assert_true(e2e_file_contains(log, "(reused", 7));
    assert_int_equal(e2e_run_fse(log, audit), 0);
    print_message("demo: 45 then 18 documents published in the same node, audit chain intact\n");
    e2e_node_remove(&holder);
    e2e_pki_free(&pki);
}

int test_e2e_demo_run(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_no_wait),
    };

    return cmocka_run_group_tests_name("e2e_demo", tests, NULL, NULL);
}
