/*
 * tests/policy/test_policy_fhir.c - FHIR conformance of the consultation
 * API with real requests made by /usr/bin/curl against the built
 * `fse serve` on an ephemeral port (docs/consult.md): CapabilityStatement,
 * the searchset Bundle (resourceType, type, total, self/next/previous
 * links, _count paging to the end without duplicates), _sort=date and
 * -date, date prefixes, an unknown parameter refused (400
 * OperationOutcome) unless Prefer: handling=lenient, the content type
 * application/fhir+json; charset=utf-8, 401 without a token, 404 for an
 * unknown id as an OperationOutcome.
 *
 * The node's documents are stored with fse_store_doc_put on its store
 * file before the server starts; everything else goes over HTTP.
 */
#define _GNU_SOURCE /* strcasestr */
#include "pt.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fse/util.h"

#define CURL "/usr/bin/curl"
#define FHIR_JSON "application/fhir+json; charset=utf-8"
#define N_DOCS 13

/* The node: fse serve as a child. */
static struct {
    char dir[PATH_MAX];
    char conf[PATH_MAX + 16];
    char db[PATH_MAX + 16];
    char key[PATH_MAX + 16];
    char log[PATH_MAX + 16];
    pid_t pid;
    uint16_t port;
    char cf[17];
    char ids[N_DOCS][FSE_STORE_ID_LEN];
    char created[N_DOCS][15];
    char *auth;
    char *sig;
    size_t curls;
} node;

/* ---- curl --------------------------------------------------------------- */

typedef struct curl_out {
    int status;
    char *headers; /* the last response's header block */
    char *body;
    size_t body_len;
    json_t *json;
} curl_out;

static char *slurp(const char *path, size_t *len_out)
{
    uint8_t *data = NULL;
    size_t len = 0;

    if (fse_file_read(path, 64u << 20, &data, &len) != FSE_OK) {
        data = (uint8_t *)fse_strdup("");
        len = 0;
    }
    if (len_out != NULL) {
        *len_out = len;
    }
    return (char *)data;
}

/* Run curl on url (a path on the node) with header lines; fills o. */
static void curl(curl_out *o, const char *method, const char *path, bool token,
                 const char *const *headers)
{
    char url[4096], hdr_file[PATH_MAX + 32], body_file[PATH_MAX + 32], code_file[PATH_MAX + 32];
    char auth_h[8192], sig_h[8192];
    const char *argv[64];
    size_t n = 0;
    int status = 0;
    char *code;
    char *last;
    pid_t pid;

    memset(o, 0, sizeof(*o));
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", (unsigned)node.port, path);
    snprintf(hdr_file, sizeof(hdr_file), "%s/curl.headers", node.dir);
    snprintf(body_file, sizeof(body_file), "%s/curl.body", node.dir);
    snprintf(code_file, sizeof(code_file), "%s/curl.code", node.dir);
    argv[n++] = CURL;
    argv[n++] = "-sS";
    argv[n++] = "-g";
    argv[n++] = "--max-time";
    argv[n++] = "60";
    argv[n++] = "-X";
    argv[n++] = method;
    argv[n++] = "-D";
    argv[n++] = hdr_file;
    argv[n++] = "-o";
    argv[n++] = body_file;
    argv[n++] = "-w";
    argv[n++] = "%{http_code}";
    if (token) {
        snprintf(auth_h, sizeof(auth_h), "Authorization: Bearer %s", node.auth);
        snprintf(sig_h, sizeof(sig_h), "FSE-JWT-Signature: %s", node.sig);
        argv[n++] = "-H";
        argv[n++] = auth_h;
        argv[n++] = "-H";
        argv[n++] = sig_h;
    }
    while (headers != NULL && *headers != NULL && n < 60) {
        argv[n++] = "-H";
        argv[n++] = *headers++;
    }
    argv[n++] = url;
    argv[n] = NULL;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int f = open(code_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        if (f >= 0) {
            dup2(f, 1);
            close(f);
        }
        execv(CURL, (char *const *)argv);
        _exit(127);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail_msg("curl %s %s exited with %d", method, path,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    node.curls++;
    code = slurp(code_file, NULL);
    o->status = (int)strtol(code, NULL, 10);
    fse_free(code);
    o->headers = slurp(hdr_file, NULL);
    /* With redirects or 100-continue there may be several blocks. */
    last = strstr(o->headers, "\r\n\r\nHTTP/");
    while (last != NULL) {
        memmove(o->headers, last + 4, strlen(last + 4) + 1);
        last = strstr(o->headers, "\r\n\r\nHTTP/");
    }
    o->body = slurp(body_file, &o->body_len);
    o->json = json_loadb(o->body, o->body_len, 0, NULL);
}

static void curl_free(curl_out *o)
{
    fse_free(o->headers);
    fse_free(o->body);
    if (o->json != NULL) {
        json_decref(o->json);
    }
    memset(o, 0, sizeof(*o));
}

/* A header value of the answer ("" when absent), copied to out. */
static const char *header(const curl_out *o, const char *name, char *out, size_t cap)
{
    const char *line = o->headers;

    out[0] = '\0';
    while (line != NULL && *line != '\0') {
        const char *eol = strstr(line, "\r\n");
        size_t n = eol != NULL ? (size_t)(eol - line) : strlen(line);

        if (n > strlen(name) && strncasecmp(line, name, strlen(name)) == 0 &&
            line[strlen(name)] == ':') {
            const char *v = line + strlen(name) + 1;

            while (*v == ' ') {
                v++;
            }
            snprintf(out, cap, "%.*s", (int)(n - (size_t)(v - line)), v);
            return out;
        }
        line = eol != NULL ? eol + 2 : NULL;
    }
    return out;
}

static void expect_fhir_json(const curl_out *o, const char *what)
{
    char ct[256];

    header(o, "Content-Type", ct, sizeof(ct));
    if (strcasecmp(ct, FHIR_JSON) != 0) {
        fail_msg("%s: Content-Type \"%s\", docs/consult.md: \"%s\"", what, ct, FHIR_JSON);
    }
    if (o->json == NULL) {
        fail_msg("%s: body is not JSON: %.300s", what, o->body);
    }
}

static void expect_outcome(const curl_out *o, int status, const char *code, const char *what)
{
    json_t *issue = json_array_get(json_object_get(o->json, "issue"), 0);
    const char *type = json_string_value(json_object_get(o->json, "resourceType"));
    const char *c = json_string_value(json_object_get(issue, "code"));
    const char *diag = json_string_value(json_object_get(issue, "diagnostics"));

    if (o->status != status) {
        fail_msg("%s: HTTP %d, expected %d: %.300s", what, o->status, status, o->body);
    }
    expect_fhir_json(o, what);
    if (type == NULL || strcmp(type, "OperationOutcome") != 0 || c == NULL ||
        strcmp(c, code) != 0 || diag == NULL || diag[0] == '\0') {
        fail_msg("%s: not an OperationOutcome with code %s and diagnostics: %.300s", what, code,
                 o->body);
    }
}

/* ---- The node ----------------------------------------------------------- */

static void store_docs(void)
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_store *s = NULL;
    char patient_id[64];
    int i;

    so.path = node.db;
    so.master_key_path = node.key;
    assert_int_equal(fse_store_open(&s, &so), FSE_OK);
    snprintf(patient_id, sizeof(patient_id), "%s^^^&2.16.840.1.113883.2.9.4.3.2&ISO", node.cf);
    for (i = 0; i < N_DOCS; i++) {
        fse_store_doc_meta m;
        char unique[96];
        char pdf[160];

        memset(&m, 0, sizeof(m));
        snprintf(unique, sizeof(unique), "2.16.840.1.113883.2.9.2.120.4.4^FHIR.%d", i);
        snprintf(pdf, sizeof(pdf), "%%PDF-1.4\n%% %s\n%%%%EOF\n", unique);
        /* Days 2025-03-01 .. 2025-03-13, at 10:00, submitted out of order. */
        snprintf(node.created[i], sizeof(node.created[i]), "202503%02d100000",
                 1 + (i * 5) % N_DOCS);
        m.unique_id = unique;
        m.repository_id = "2.16.840.1.113883.2.9.2.120.4.5.1";
        m.patient_id = patient_id;
        m.class_code = "REF";
        m.type_code = i % 2 == 0 ? "11502-2" : "68604-8";
        m.author_person = "RSSMRA80A01H501U^^^^^^^^&2.16.840.1.113883.2.9.4.3.2&ISO";
        m.author_role = "APR";
        m.author_institution = pt_locality(PT_FAC_Q);
        m.confidentiality_code = "N";
        m.creation_time = node.created[i];
        assert_int_equal(fse_store_doc_put(s, &m, (const uint8_t *)pdf, strlen(pdf),
                                           (const uint8_t *)"<ClinicalDocument/>", 19,
                                           fse_store_now_ms(), node.ids[i]),
                         FSE_OK);
    }
    fse_store_free(s);
}

/* Read one line from fd within timeout_ms. */
static bool read_line(int fd, char *line, size_t cap, int timeout_ms)
{
    size_t len = 0;

    while (len + 1 < cap) {
        struct pollfd p = {fd, POLLIN, 0};

        if (poll(&p, 1, timeout_ms) <= 0 || read(fd, line + len, 1) != 1) {
            return false;
        }
        if (line[len] == '\n') {
            break;
        }
        len++;
    }
    line[len] = '\0';
    return true;
}

static void serve_start(void)
{
    char bin[PATH_MAX];
    char line[256] = "";
    int out[2];
    FILE *f;

    snprintf(bin, sizeof(bin), "%s/fse", FSE_BUILD_DIR);
    f = fopen(node.conf, "w");
    assert_non_null(f);
    fprintf(f,
            "server.port = 0\nserver.threads = 2\nserver.rate_limit = 0\n"
            "server.pades_check = false\nstore.path = %s\nstore.master_key = %s\n"
            "jwt.ca_file = %s\njwt.audience = %s\nvalidate.rules_dir = %s\nlog.level = warn\n",
            node.db, node.key, pt.ca_path, PT_AUD, FSE_RULES_DIR);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(pipe(out), 0);
    node.pid = fork();
    assert_true(node.pid >= 0);
    if (node.pid == 0) {
        int e = open(node.log, O_WRONLY | O_CREAT | O_APPEND, 0600);

        close(out[0]);
        dup2(out[1], 1);
        close(out[1]);
        if (e >= 0) {
            dup2(e, 2);
            close(e);
        }
        execl(bin, bin, "serve", "--config", node.conf, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    if (!read_line(out[0], line, sizeof(line), 180000) ||
        strncmp(line, "http://127.0.0.1:", 17) != 0) {
        kill(node.pid, SIGKILL);
        waitpid(node.pid, NULL, 0);
        node.pid = 0;
        close(out[0]);
        fail_msg("fse serve did not start (see %s): '%s'", node.log, line);
    }
    close(out[0]);
    node.port = (uint16_t)strtoul(line + 17, NULL, 10);
}

static int setup(void **state)
{
    pt_who self;

    if (pt_setup(state) != 0) {
        return -1;
    }
    memset(&node, 0, sizeof(node));
    /* fse serve reads the real clock. */
    pt_clock_set((int64_t)time(NULL) * 1000);
    pt_make_dir(node.dir, sizeof(node.dir), "policy-fhir");
    snprintf(node.conf, sizeof(node.conf), "%s/node.conf", node.dir);
    snprintf(node.db, sizeof(node.db), "%s/node.db", node.dir);
    snprintf(node.key, sizeof(node.key), "%s/master.key", node.dir);
    snprintf(node.log, sizeof(node.log), "%s/server.log", node.dir);
    if (fse_store_keyfile_create(node.key) != FSE_OK) {
        return -1;
    }
    pt_cf(node.cf, 7000, 82, 4, 4);
    store_docs();
    serve_start();
    self.sub = node.cf;
    self.role = "ASS";
    self.purpose = "PERSONAL";
    self.patient = node.cf;
    self.locality = NULL;
    pt_tokens(&node.auth, &node.sig, &self);
    return 0;
}

static int teardown(void **state)
{
    int status = 0;

    if (node.pid > 0) {
        kill(node.pid, SIGTERM);
        waitpid(node.pid, &status, 0);
    }
    print_message("fhir conformance: %zu curl requests\n", node.curls);
    fse_free(node.auth);
    fse_free(node.sig);
    pt_remove_dir(node.dir);
    return pt_teardown(state);
}

/* ---- Cases -------------------------------------------------------------- */

static void test_capability_statement(void **state)
{
    curl_out o;
    json_t *rest;
    json_t *resources;
    const char *want[] = {"DocumentReference", "Binary", "Patient", "AuditEvent"};
    size_t i, j;

    (void)state;
    curl(&o, "GET", "/fhir/metadata", false, NULL);
    assert_int_equal(o.status, 200);
    expect_fhir_json(&o, "metadata");
    assert_string_equal(json_string_value(json_object_get(o.json, "resourceType")),
                        "CapabilityStatement");
    assert_non_null(json_string_value(json_object_get(o.json, "fhirVersion")));
    assert_int_equal(strncmp(json_string_value(json_object_get(o.json, "fhirVersion")), "4.0", 3),
                     0);
    assert_non_null(json_string_value(json_object_get(o.json, "status")));
    assert_non_null(json_string_value(json_object_get(o.json, "kind")));
    rest = json_array_get(json_object_get(o.json, "rest"), 0);
    assert_string_equal(json_string_value(json_object_get(rest, "mode")), "server");
    resources = json_object_get(rest, "resource");
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        bool found = false;

        for (j = 0; j < json_array_size(resources); j++) {
            const char *t =
                json_string_value(json_object_get(json_array_get(resources, j), "type"));

            if (t != NULL && strcmp(t, want[i]) == 0) {
                found = true;
            }
        }
        if (!found) {
            fail_msg("CapabilityStatement does not list %s", want[i]);
        }
    }
    /* The search parameters of DocumentReference (docs/consult.md). */
    for (j = 0; j < json_array_size(resources); j++) {
        json_t *r = json_array_get(resources, j);
        const char *params[] = {"patient.identifier", "type",     "category", "date",
                                "author.identifier",  "facility", "status"};
        size_t p, q;

        if (strcmp(json_string_value(json_object_get(r, "type")), "DocumentReference") != 0) {
            continue;
        }
        for (p = 0; p < sizeof(params) / sizeof(params[0]); p++) {
            bool found = false;
            json_t *sp = json_object_get(r, "searchParam");

            for (q = 0; q < json_array_size(sp); q++) {
                const char *name =
                    json_string_value(json_object_get(json_array_get(sp, q), "name"));

                found = found || (name != NULL && strcmp(name, params[p]) == 0);
            }
            if (!found) {
                fail_msg("CapabilityStatement: DocumentReference lacks searchParam %s", params[p]);
            }
        }
    }
    curl_free(&o);
}

/* Index of a DocumentReference id among the node's documents. */
static int doc_of(const char *id)
{
    int i;

    for (i = 0; id != NULL && i < N_DOCS; i++) {
        if (strcmp(node.ids[i], id) == 0) {
            return i;
        }
    }
    return -1;
}

/* Follow a search through its next links; the documents in order into
 * order[] (returns how many), checking each page's shape. */
static int search_all(const char *first, int *order, int cap, int *pages_out)
{
    char path[4096];
    int n = 0;
    int pages = 0;
    long long total = -1;

    snprintf(path, sizeof(path), "%s", first);
    for (;;) {
        curl_out o;
        json_t *links;
        json_t *entries;
        const char *next = NULL;
        bool self = false;
        bool previous = false;
        size_t i;

        curl(&o, "GET", path, true, NULL);
        if (o.status != 200) {
            fail_msg("GET %s: HTTP %d %.300s", path, o.status, o.body);
        }
        expect_fhir_json(&o, "search");
        assert_string_equal(json_string_value(json_object_get(o.json, "resourceType")), "Bundle");
        assert_string_equal(json_string_value(json_object_get(o.json, "type")), "searchset");
        assert_true(json_is_integer(json_object_get(o.json, "total")));
        if (total >= 0) {
            assert_int_equal(json_integer_value(json_object_get(o.json, "total")), total);
        }
        total = json_integer_value(json_object_get(o.json, "total"));
        links = json_object_get(o.json, "link");
        for (i = 0; i < json_array_size(links); i++) {
            const char *rel =
                json_string_value(json_object_get(json_array_get(links, i), "relation"));
            const char *url = json_string_value(json_object_get(json_array_get(links, i), "url"));

            assert_non_null(rel);
            assert_non_null(url);
            self = self || strcmp(rel, "self") == 0;
            previous = previous || strcmp(rel, "previous") == 0;
            if (strcmp(rel, "next") == 0) {
                next = url;
            }
        }
        if (!self) {
            fail_msg("search page %d has no self link", pages + 1);
        }
        if ((pages > 0) != previous) {
            fail_msg("search page %d: previous link %s", pages + 1,
                     previous ? "on the first page" : "missing");
        }
        entries = json_object_get(o.json, "entry");
        for (i = 0; i < json_array_size(entries); i++) {
            json_t *e = json_array_get(entries, i);
            json_t *res = json_object_get(e, "resource");
            const char *mode =
                json_string_value(json_object_get(json_object_get(e, "search"), "mode"));
            int d;

            if (mode != NULL && strcmp(mode, "match") != 0) {
                continue;
            }
            assert_string_equal(json_string_value(json_object_get(res, "resourceType")),
                                "DocumentReference");
            assert_non_null(json_string_value(json_object_get(e, "fullUrl")));
            d = doc_of(json_string_value(json_object_get(res, "id")));
            assert_true(d >= 0);
            assert_true(n < cap);
            order[n++] = d;
        }
        pages++;
        if (next == NULL) {
            curl_free(&o);
            break;
        }
        assert_true(pages < 50);
        {
            const char *p = strstr(next, "://");

            p = p != NULL ? strchr(p + 3, '/') : next;
            assert_non_null(p);
            snprintf(path, sizeof(path), "%s", p);
        }
        curl_free(&o);
    }
    assert_int_equal(n, total);
    if (pages_out != NULL) {
        *pages_out = pages;
    }
    return n;
}

static void test_search_paging(void **state)
{
    char path[512];
    int order[N_DOCS * 2];
    bool seen[N_DOCS] = {false};
    int pages = 0;
    int n, i;

    (void)state;
    snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s&_count=3", node.cf);
    n = search_all(path, order, N_DOCS * 2, &pages);
    assert_int_equal(n, N_DOCS);
    assert_int_equal(pages, (N_DOCS + 2) / 3);
    for (i = 0; i < n; i++) {
        if (seen[order[i]]) {
            fail_msg("paging returned document %d twice", order[i]);
        }
        seen[order[i]] = true;
    }
    /* The identifier with its system, and Patient/{id} are the same search. */
    snprintf(path, sizeof(path),
             "/fhir/DocumentReference?patient.identifier=http://hl7.it/sid/codiceFiscale%%7C%s"
             "&_count=100",
             node.cf);
    assert_int_equal(search_all(path, order, N_DOCS * 2, NULL), N_DOCS);
}

static void test_sort(void **state)
{
    char path[512];
    int asc[N_DOCS], desc[N_DOCS];
    int i;

    (void)state;
    snprintf(path, sizeof(path),
             "/fhir/DocumentReference?patient.identifier=%s&_sort=date&_count=4", node.cf);
    assert_int_equal(search_all(path, asc, N_DOCS, NULL), N_DOCS);
    snprintf(path, sizeof(path),
             "/fhir/DocumentReference?patient.identifier=%s&_sort=-date&_count=5", node.cf);
    assert_int_equal(search_all(path, desc, N_DOCS, NULL), N_DOCS);
    for (i = 1; i < N_DOCS; i++) {
        if (strcmp(node.created[asc[i - 1]], node.created[asc[i]]) > 0) {
            fail_msg("_sort=date: %s before %s", node.created[asc[i - 1]], node.created[asc[i]]);
        }
        if (strcmp(node.created[desc[i - 1]], node.created[desc[i]]) < 0) {
            fail_msg("_sort=-date: %s before %s", node.created[desc[i - 1]], node.created[desc[i]]);
        }
    }
    /* The default is -date (docs/consult.md). */
    snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s", node.cf);
    assert_int_equal(search_all(path, asc, N_DOCS, NULL), N_DOCS);
    assert_memory_equal(asc, desc, sizeof(asc));
}

/* How many documents a date filter must give: creation days are
 * 2025-03-01 .. 2025-03-13 at 10:00. */
static int count_days(int lo, int hi)
{
    int n = 0;
    int i;

    for (i = 0; i < N_DOCS; i++) {
        int day = (node.created[i][6] - '0') * 10 + (node.created[i][7] - '0');

        n += day >= lo && day <= hi ? 1 : 0;
    }
    return n;
}

static void test_date_prefixes(void **state)
{
    static const struct {
        const char *filter;
        int lo, hi;
    } cases[] = {
        {"date=ge2025-03-10", 10, 31},
        {"date=le2025-03-04", 0, 4},
        {"date=gt2025-03-10", 11, 31},
        {"date=lt2025-03-04", 0, 3},
        {"date=eq2025-03-07", 7, 7},
        {"date=2025-03-07", 7, 7},
        {"date=ge2025-03-05&date=le2025-03-08", 5, 8},
        {"date=ge2025-03-05T10:00:00", 5, 31},
        {"date=gt2025-03-05T10:00:00", 6, 31},
        {"date=le2025-03", 0, 31},
        {"date=ge2025-04", 32, 32},
        {"date=lt2025", 0, -1},
    };
    char path[512];
    int order[N_DOCS];
    size_t c;

    (void)state;
    for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        int want = count_days(cases[c].lo, cases[c].hi);
        int got;

        snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s&%s", node.cf,
                 cases[c].filter);
        got = search_all(path, order, N_DOCS, NULL);
        if (got != want) {
            fail_msg("%s: %d documents, expected %d", cases[c].filter, got, want);
        }
    }
}

static void test_strict_and_lenient(void **state)
{
    const char *lenient[] = {"Prefer: handling=lenient", NULL};
    const char *strict[] = {"Prefer: handling=strict", NULL};
    char path[512];
    curl_out o;

    (void)state;
    snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s&colour=blue",
             node.cf);
    curl(&o, "GET", path, true, NULL);
    expect_outcome(&o, 400, "invalid", "unknown parameter");
    curl_free(&o);
    curl(&o, "GET", path, true, strict);
    expect_outcome(&o, 400, "invalid", "unknown parameter, strict");
    curl_free(&o);
    curl(&o, "GET", path, true, lenient);
    assert_int_equal(o.status, 200);
    expect_fhir_json(&o, "lenient");
    assert_int_equal(json_integer_value(json_object_get(o.json, "total")), N_DOCS);
    curl_free(&o);
    /* A known parameter with a bad value is refused either way. */
    snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s&date=yesterday",
             node.cf);
    curl(&o, "GET", path, true, lenient);
    expect_outcome(&o, 400, "invalid", "bad date");
    curl_free(&o);
    snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s&_sort=title",
             node.cf);
    curl(&o, "GET", path, true, NULL);
    expect_outcome(&o, 400, "invalid", "bad _sort");
    curl_free(&o);
    /* The patient is required. */
    curl(&o, "GET", "/fhir/DocumentReference?type=11502-2", true, NULL);
    expect_outcome(&o, 400, "invalid", "no patient");
    curl_free(&o);
}

static void test_errors(void **state)
{
    char path[512];
    char www[256];
    curl_out o;

    (void)state;
    /* No token: 401 login. */
    snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s", node.cf);
    curl(&o, "GET", path, false, NULL);
    expect_outcome(&o, 401, "login", "no token");
    header(&o, "WWW-Authenticate", www, sizeof(www));
    assert_true(www[0] != '\0');
    curl_free(&o);
    snprintf(path, sizeof(path), "/fhir/DocumentReference/%s", node.ids[0]);
    curl(&o, "GET", path, false, NULL);
    expect_outcome(&o, 401, "login", "read without a token");
    curl_free(&o);
    /* A bad token: 401 too. */
    {
        const char *bad[] = {"Authorization: Bearer abc.def.ghi", "FSE-JWT-Signature: abc.def.ghi",
                             NULL};

        curl(&o, "GET", path, false, bad);
        expect_outcome(&o, 401, "login", "bad token");
        curl_free(&o);
    }
    /* Unknown id: 404 not-found, as an OperationOutcome. */
    curl(&o, "GET", "/fhir/DocumentReference/0123456789abcdef0123456789abcdef", true, NULL);
    expect_outcome(&o, 404, "not-found", "unknown DocumentReference");
    curl_free(&o);
    curl(&o, "GET", "/fhir/DocumentReference/not-an-id", true, NULL);
    expect_outcome(&o, 404, "not-found", "malformed DocumentReference id");
    curl_free(&o);
    /* A known id reads as a DocumentReference. */
    curl(&o, "GET", path, true, NULL);
    assert_int_equal(o.status, 200);
    expect_fhir_json(&o, "read");
    assert_string_equal(json_string_value(json_object_get(o.json, "resourceType")),
                        "DocumentReference");
    assert_string_equal(json_string_value(json_object_get(o.json, "id")), node.ids[0]);
    curl_free(&o);
    /* Binary: the PDF, or the Binary resource when asked for FHIR JSON. */
    snprintf(path, sizeof(path), "/fhir/Binary/%s", node.ids[0]);
    curl(&o, "GET", path, true, NULL);
    assert_int_equal(o.status, 200);
    assert_int_equal(strncmp(o.body, "%PDF-", 5), 0);
    curl_free(&o);
    {
        const char *accept[] = {"Accept: application/fhir+json", NULL};

        curl(&o, "GET", path, true, accept);
        assert_int_equal(o.status, 200);
        expect_fhir_json(&o, "Binary resource");
        assert_string_equal(json_string_value(json_object_get(o.json, "resourceType")), "Binary");
        assert_string_equal(json_string_value(json_object_get(o.json, "contentType")),
                            "application/pdf");
        curl_free(&o);
    }
    /* Another patient than the token's: 403. */
    {
        char other[17];

        pt_cf(other, 7001, 83, 3, 3);
        snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s", other);
        curl(&o, "GET", path, true, NULL);
        expect_outcome(&o, 403, "forbidden", "another patient");
        curl_free(&o);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capability_statement),
        cmocka_unit_test(test_search_paging),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_date_prefixes),
        cmocka_unit_test(test_strict_and_lenient),
        cmocka_unit_test(test_errors),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests_name("policy_fhir", tests, setup, teardown);
}
