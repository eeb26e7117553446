/*
 * tests/e2e/test_e2e_demo_consult.c - `fse demo` as a consultation node:
 * the demo runs as a child (serving, not --no-wait), tokens come from its
 * identity provider (POST /demo/idp/token) for the people it lists (GET
 * /demo/idp/people), and FHIR searches as the patient, the GP, the
 * delegate, the parent and the specialist give consistent totals; the
 * identity provider refuses bad input with 400 problem+json; `fse serve`
 * on the same node has no identity provider.
 */
#include "e2e.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "fse/cda.h"
#include "fse/util.h"

/* A child fse with its stdout read line by line (copied to a log). */
typedef struct child {
    pid_t pid;
    int out; /* read end of its stdout */
    FILE *log;
    uint16_t port;
} child;

/* One line of the child's stdout within timeout_ms; false at the end. */
static bool child_line(child *c, char *line, size_t cap, int timeout_ms)
{
    size_t len = 0;

    while (len + 1 < cap) {
        struct pollfd p = {c->out, POLLIN, 0};

        if (poll(&p, 1, timeout_ms) <= 0 || read(c->out, line + len, 1) != 1) {
            return false;
        }
        if (line[len] == '\n') {
            break;
        }
        len++;
    }
    line[len] = '\0';
    fprintf(c->log, "%s\n", line);
    fflush(c->log);
    return true;
}

/* Spawn fse args (NULL-terminated, without argv[0]); read its stdout until
 * a line holds ready, taking the port from the first "http://127.0.0.1:". */
static void child_start(child *c, const char *const *args, const char *log, const char *ready)
{
    const char *argv[16];
    char line[4096];
    size_t n = 0;
    int fds[2];

    memset(c, 0, sizeof(*c));
    argv[n++] = e2e_fse_binary();
    while (*args != NULL && n < sizeof(argv) / sizeof(argv[0]) - 1) {
        argv[n++] = *args++;
    }
    argv[n] = NULL;
    c->log = fopen(log, "a");
    assert_non_null(c->log);
    assert_int_equal(pipe(fds), 0);
    c->pid = fork();
    assert_true(c->pid >= 0);
    if (c->pid == 0) {
        int f = open(log, O_WRONLY | O_APPEND);

        close(fds[0]);
        dup2(fds[1], 1);
        dup2(f, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    c->out = fds[0];
    while (child_line(c, line, sizeof(line), 300000)) {
        const char *at = strstr(line, "http://127.0.0.1:");

        if (at != NULL && c->port == 0) {
            c->port = (uint16_t)strtoul(at + 17, NULL, 10);
        }
        if (strstr(line, ready) != NULL) {
            assert_true(c->port != 0);
            return;
        }
    }
    kill(c->pid, SIGKILL);
    waitpid(c->pid, NULL, 0);
    fail_msg("%s did not get ready (see %s)", argv[1], log);
}

/* SIGTERM, the rest of its output to the log, and its exit status. */
static int child_stop(child *c)
{
    char line[4096];
    int status = 0;

    assert_int_equal(kill(c->pid, SIGTERM), 0);
    while (child_line(c, line, sizeof(line), 60000)) {
    }
    assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
    close(c->out);
    fclose(c->log);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- Requests ----------------------------------------------------------- */

/* A request with an optional body (Content-Type ctype) and token pair. */
static json_t *call(hc_conn *c, const char *method, const char *path, const char *ctype,
                    const char *body, const char *auth, const char *sig, unsigned *status)
{
    hc_resp r;
    fse_buf req;
    json_t *out;

    fse_buf_init(&req, 1u << 20);
    assert_int_equal(fse_buf_printf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n", method, path,
                                    (unsigned)c->port),
                     FSE_OK);
    if (auth != NULL) {
        assert_int_equal(fse_buf_printf(&req,
                                        "Authorization: Bearer %s\r\nFSE-JWT-Signature: %s\r\n",
                                        auth, sig),
                         FSE_OK);
    }
    if (body != NULL) {
        assert_int_equal(fse_buf_printf(&req, "Content-Type: %s\r\nContent-Length: %zu\r\n", ctype,
                                        strlen(body)),
                         FSE_OK);
    }
    assert_int_equal(fse_buf_printf(&req, "\r\n%s", body != NULL ? body : ""), FSE_OK);
    assert_int_equal(hc_roundtrip(c, req.data, req.len, &r), FSE_OK);
    *status = r.status;
    out = json_loadb(r.body, r.body_len, 0, NULL);
    hc_resp_free(&r);
    fse_buf_free(&req);
    return out;
}

/* A token pair from the identity provider (200 expected). */
typedef struct pair {
    char *auth;
    char *sig;
} pair;

static pair idp_token(hc_conn *c, const char *cf, const char *role, const char *patient,
                      const char *purpose, const char *locality)
{
    json_t *req = json_pack("{s:s, s:s, s:s, s:s, s:s}", "cf", cf, "role", role, "patient", patient,
                            "purpose", purpose, "organization", "120");
    char *body;
    unsigned status = 0;
    json_t *res;
    pair p;

    if (locality != NULL && locality[0] != '\0') {
        json_object_set_new(req, "locality", json_string(locality));
    }
    body = json_dumps(req, JSON_COMPACT);
    res = call(c, "POST", "/demo/idp/token", "application/json", body, NULL, NULL, &status);
    assert_int_equal(status, 200);
    assert_non_null(res);
    assert_int_equal(json_integer_value(json_object_get(res, "expires_in")), 3600);
    p.auth = strdup(json_string_value(json_object_get(res, "authorization")));
    p.sig = strdup(json_string_value(json_object_get(res, "signature")));
    assert_non_null(p.auth);
    assert_non_null(p.sig);
    json_decref(res);
    free(body);
    json_decref(req);
    return p;
}

static void pair_free(pair *p)
{
    free(p->auth);
    free(p->sig);
}

/* The total of a DocumentReference search about cf with the pair. */
static long search_total(hc_conn *c, const pair *p, const char *cf)
{
    char path[256];
    unsigned status = 0;
    json_t *res;
    long total;

    snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s&_count=0", cf);
    res = call(c, "GET", path, NULL, NULL, p->auth, p->sig, &status);
    assert_int_equal(status, 200);
    assert_non_null(res);
    assert_string_equal(json_string_value(json_object_get(res, "resourceType")), "Bundle");
    total = (long)json_integer_value(json_object_get(res, "total"));
    json_decref(res);
    return total;
}

/* The total person kind of the people list sees about cf. */
static long total_as(hc_conn *c, json_t *person, const char *cf)
{
    const char *loc = json_string_value(json_object_get(person, "locality"));
    pair p = idp_token(c, json_string_value(json_object_get(person, "cf")),
                       json_string_value(json_object_get(person, "role")), cf,
                       json_string_value(json_object_get(person, "purpose")), loc);
    long total = search_total(c, &p, cf);

    pair_free(&p);
    return total;
}

/* ---- The people --------------------------------------------------------- */

/* The first person of kind (and, for patients, with the consent wanted,
 * adult); NULL when none. */
static json_t *person(json_t *people, const char *kind, int consent)
{
    json_t *list = json_object_get(people, "people");
    size_t i;

    for (i = 0; i < json_array_size(list); i++) {
        json_t *p = json_array_get(list, i);

        if (strcmp(json_string_value(json_object_get(p, "kind")), kind) != 0) {
            continue;
        }
        if (consent >= 0 && (json_is_true(json_object_get(p, "minor")) ||
                             json_is_true(json_object_get(p, "consent_cura")) != (consent == 1))) {
            continue;
        }
        return p;
    }
    return NULL;
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    assert_non_null(s);
    return s;
}

/* A representative sees at most what the patient sees. */
static void check_representative(hc_conn *c, json_t *rep)
{
    const char *cf = str(rep, "patient");
    pair p = idp_token(c, cf, "ASS", cf, "PERSONAL", NULL);
    long own = search_total(c, &p, cf);

    pair_free(&p);
    assert_true(total_as(c, rep, cf) <= own);
}

/* Searches by the people of the list about their patients. */
static void check_totals(hc_conn *c, json_t *people)
{
    json_t *with = person(people, "patient", 1);
    json_t *without = person(people, "patient", 0);
    json_t *gp = person(people, "gp", -1);
    json_t *delegate = person(people, "delegate", -1);
    json_t *parent = person(people, "parent", -1);
    json_t *specialist = person(people, "specialist", -1);
    json_t *list = json_object_get(people, "people");
    long own;
    long t;
    size_t i;

    assert_non_null(with);
    assert_non_null(without);
    assert_non_null(gp);
    assert_non_null(delegate);
    assert_non_null(specialist);
    for (i = 0; i < json_array_size(list); i++) {
        assert_true(fse_cf_check(str(json_array_get(list, i), "cf"), NULL, 0));
    }

    /* A patient with the consent: the GP (record scope) sees at most
     * what the patient sees, and so does a specialist (produced only). */
    own = total_as(c, with, str(with, "cf"));
    assert_true(own > 0);
    t = total_as(c, gp, str(with, "cf"));
    assert_true(t <= own);
    assert_true(t > 0);
    print_message("demo consult: %s sees %ld, the GP %ld\n", str(with, "cf"), own, t);
    t = total_as(c, specialist, str(with, "cf"));
    assert_true(t <= own);
    /* The specialist works where a document of the first patient listed
     * was produced: the producer sees it whatever the consent. */
    assert_true(total_as(c, specialist, str(json_array_get(list, 0), "cf")) > 0);

    /* Without the consent the GP sees only what the GP's facility produced:
     * nothing (its facility id is outside the generator's). */
    own = total_as(c, without, str(without, "cf"));
    assert_true(own > 0);
    assert_int_equal(total_as(c, gp, str(without, "cf")), 0);
    print_message("demo consult: %s (no consent) sees %ld, the GP 0\n", str(without, "cf"), own);

    /* The delegate and the parent see at most what their patient sees. */
    check_representative(c, delegate);
    if (parent != NULL) {
        check_representative(c, parent);
    } else {
        print_message("demo consult: no minor among the published patients: parent skipped\n");
    }
}

/* Bodies the identity provider refuses with 400 problem+json. */
static void check_refusals(hc_conn *c)
{
    static const struct {
        const char *ctype;
        const char *body;
    } bad[] = {
        {"application/json", "not json"},
        {"application/json", "[1, 2]"},
        {"text/plain", "{\"cf\": \"RSSMRA85T10A562S\"}"},
        {"application/json", "{}"},
        {"application/json", "{\"role\": \"ASS\", \"patient\": \"RSSMRA85T10A562S\", "
                             "\"purpose\": \"PERSONAL\", \"organization\": \"120\"}"},
        {"application/json", "{\"cf\": \"RSSMRA85T10A562X\", \"role\": \"ASS\", \"patient\": "
                             "\"RSSMRA85T10A562S\", \"purpose\": \"PERSONAL\", "
                             "\"organization\": \"120\"}"},
        {"application/json", "{\"cf\": \"RSSMRA85T10A562S\", \"role\": \"XYZ\", \"patient\": "
                             "\"RSSMRA85T10A562S\", \"purpose\": \"PERSONAL\", "
                             "\"organization\": \"120\"}"},
        {"application/json", "{\"cf\": \"RSSMRA85T10A562S\", \"role\": \"ASS\", \"patient\": "
                             "\"RSSMRA85T10A562S\", \"purpose\": \"FUN\", "
                             "\"organization\": \"120\"}"},
        {"application/json", "{\"cf\": \"RSSMRA85T10A562S\", \"role\": \"ASS\", \"patient\": 7, "
                             "\"purpose\": \"PERSONAL\", \"organization\": \"120\"}"},
        {"application/json", "{\"cf\": \"RSSMRA85T10A562S\", \"role\": \"ASS\", \"patient\": "
                             "\"RSSMRA85T10A562S\", \"purpose\": \"PERSONAL\"}"},
        {"application/json", "{\"cf\": \"RSSMRA85T10A562S\", \"role\": \"ASS\", \"patient\": "
                             "\"RSSMRA85T10A562S\", \"purpose\": \"PERSONAL\", "
                             "\"organization\": \"121\"}"},
        {"application/json", "{\"cf\": \"RSSMRA85T10A562S\", \"role\": \"ASS\", \"patient\": "
                             "\"RSSMRA85T10A562S\", \"purpose\": \"PERSONAL\", "
                             "\"organization\": \"120\", \"locality\": \"\"}"},
        {"application/json", "{\"cf\": \"RSSMRA85T10A562S\", \"role\": \"ASS\", \"patient\": "
                             "\"RSSMRA85T10A562S\", \"purpose\": \"PERSONAL\", "
                             "\"organization\": \"120\", \"locality\": 5}"},
        {"application/json", "{\"cf\": \"RSSMRA85T10A562S\", \"role\": \"ASS\", \"patient\": "
                             "\"RSSMRA85T10A562S\", \"purpose\": \"PERSONAL\", "
                             "\"organization\": \"120\", \"admin\": true}"},
    };
    size_t i;
    unsigned status = 0;
    json_t *res;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        res = call(c, "POST", "/demo/idp/token", bad[i].ctype, bad[i].body, NULL, NULL, &status);
        if (status != 400) {
            fail_msg("body %zu (%s) answered %u", i, bad[i].body, status);
        }
        assert_non_null(res);
        assert_int_equal(json_integer_value(json_object_get(res, "status")), 400);
        assert_non_null(json_string_value(json_object_get(res, "detail")));
        json_decref(res);
    }
    /* The same request made valid is accepted (lower-case codes too). */
    res = call(c, "POST", "/demo/idp/token", "application/json",
               "{\"cf\": \"rssmra85t10a562s\", \"role\": \"ASS\", \"patient\": "
               "\"RSSMRA85T10A562S\", \"purpose\": \"PERSONAL\", \"organization\": \"120\"}",
               NULL, NULL, &status);
    assert_int_equal(status, 200);
    json_decref(res);
}

static void demo_consultation(void **state)
{
    const char *demo[] = {"demo",   "--dir", NULL,     "--count", "45",
                          "--port", "0",     "--seed", "7",       NULL};
    const char *serve[] = {"serve", "--config", NULL, "--port", "0", NULL};
    char node[PATH_MAX + 16];
    char log[PATH_MAX + 16];
    char conf[PATH_MAX + 32];
    char path[PATH_MAX + 64];
    unsigned status = 0;
    e2e_node holder;
    e2e_pki pki;
    json_t *people;
    child ch;
    hc_conn c;

    (void)state;
    e2e_pki_make(&pki);
    e2e_node_init(&holder, "e2e-demo-consult", &pki, 1, "");
    snprintf(node, sizeof(node), "%s/node", holder.dir);
    snprintf(log, sizeof(log), "%s/demo.log", holder.dir);
    snprintf(conf, sizeof(conf), "%s/fse.conf", node);
    demo[2] = node;
    serve[2] = conf;

    child_start(&ch, demo, log, "until Ctrl-C");
    snprintf(path, sizeof(path), "%s/curl/citizen.sig", node);
    assert_int_equal(access(path, R_OK), 0);
    snprintf(path, sizeof(path), "%s/curl/gp.auth", node);
    assert_int_equal(access(path, R_OK), 0);
    assert_true(e2e_file_contains(log, "/fhir/DocumentReference?patient.identifier=", 42));
    hc_conn_init(&c, "127.0.0.1", ch.port, E2E_TIMEOUT_MS);
    people = call(&c, "GET", "/demo/idp/people", NULL, NULL, NULL, NULL, &status);
    assert_int_equal(status, 200);
    assert_non_null(people);
    check_totals(&c, people);
    check_refusals(&c);
    json_decref(people);
    hc_conn_close(&c);
    assert_int_equal(child_stop(&ch), 0);

    /* fse serve on the same node: consultation, never the identity provider. */
    child_start(&ch, serve, log, "http://127.0.0.1:");
    hc_conn_init(&c, "127.0.0.1", ch.port, E2E_TIMEOUT_MS);
    json_decref(call(&c, "POST", "/demo/idp/token", "application/json", "{}", NULL, NULL, &status));
    assert_int_equal(status, 404);
    json_decref(call(&c, "GET", "/demo/idp/people", NULL, NULL, NULL, NULL, &status));
    assert_int_equal(status, 404);
    hc_conn_close(&c);
    assert_int_equal(child_stop(&ch), 0);
    e2e_node_remove(&holder);
    e2e_pki_free(&pki);
}

int test_e2e_demo_consult_run(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_consultation),
    };

    return cmocka_run_group_tests_name("e2e_demo_consult", tests, NULL, NULL);
}
