/*
 * tests/policy/test_policy_fhir.c - FHIR conformance of the consultation
 * API with real requests made by /usr/bin/curl against the built
 * `fse serve` on an ephemeral port (docs/consult.md): CapabilityStatement;
 * the searchset Bundle (resourceType, type, total, self/next/previous
 * links, _count paging to the end without duplicates, the default page of
 * 20, _count=0, _total=none); _sort=date and -date; date prefixes; the
 * type, category, author, facility and status parameters; an unknown
 * parameter refused (400 OperationOutcome) unless Prefer:
 * handling=lenient; the content type application/fhir+json;
 * charset=utf-8; 401 without a token; 404 for an unknown id as an
 * OperationOutcome; Binary as bytes and as a resource; Patient and
 * AuditEvent.
 *
 * The node's documents are stored with fse_store_doc_put on its store
 * file before the server starts; everything else goes over HTTP. The
 * subject is the patient (ASS, PERSONAL), who sees all of them. The
 * search parameter cases are in test_policy_fhir_params.c.
 */
#include "pt_fhir.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fse/util.h"

fh_fixture f;

/* ---- Checks ------------------------------------------------------------- */

void fh_expect_json(const pt_curl_out *o, const char *what)
{
    char ct[256];

    pt_curl_header(o, "Content-Type", ct, sizeof(ct));
    if (strcasecmp(ct, FHIR_JSON) != 0) {
        fail_msg("%s: Content-Type \"%s\", docs/consult.md: \"%s\"", what, ct, FHIR_JSON);
    }
    if (o->json == NULL) {
        fail_msg("%s: body is not JSON: %.300s", what, o->body);
    }
}

/* An OperationOutcome with this status and issue code (NULL: any). */
void fh_expect_outcome(const pt_curl_out *o, int status, const char *code, const char *what)
{
    json_t *issue = json_array_get(json_object_get(o->json, "issue"), 0);
    const char *type = json_string_value(json_object_get(o->json, "resourceType"));
    const char *c = json_string_value(json_object_get(issue, "code"));
    const char *diag = json_string_value(json_object_get(issue, "diagnostics"));

    if (o->status != status) {
        fail_msg("%s: HTTP %d, expected %d: %.300s", what, o->status, status, o->body);
    }
    fh_expect_json(o, what);
    if (type == NULL || strcmp(type, "OperationOutcome") != 0 || c == NULL ||
        (code != NULL && strcmp(c, code) != 0) || diag == NULL || diag[0] == '\0') {
        fail_msg("%s: not an OperationOutcome with code %s and diagnostics: %.300s", what,
                 code != NULL ? code : "(any)", o->body);
    }
}

/* ---- The node ----------------------------------------------------------- */

static void plan(void)
{
    int i;

    pt_cf(f.cf, 7000, 82, 4, 4);
    pt_cf(f.author_a, 7002, 61, 1, 11);
    pt_cf(f.author_b, 7003, 62, 2, 12);
    for (i = 0; i < N_DOCS; i++) {
        fdoc *d = &f.docs[i];
        /* Days 2025-03-01 .. 25 in a scrambled order; the new version on the 26th. */
        int day = i < N_ORIG ? 1 + (i * 7) % N_ORIG : 26;

        snprintf(d->unique, sizeof(d->unique), "2.16.840.1.113883.2.9.2.120.4.4^FHIR.%d", i);
        snprintf(d->created, sizeof(d->created), "202503%02d100000", day);
        d->loinc = i % 2 == 0 ? "11502-2" : "68604-8";
        d->category = i % 5 == 0 ? "LDO" : "REF";
        d->facility = i % 3 == 0 ? "Territorio" : "Ospedale";
        d->author = i % 4 == 0 ? f.author_a : f.author_b;
        d->institution = i % 4 == 1 ? PT_FAC_P : PT_FAC_Q;
        d->current = i != 0;
    }
}

static void store_docs(void)
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_store *s = NULL;
    char patient_id[64];
    int i;

    so.path = f.s.db;
    so.master_key_path = f.s.key;
    assert_int_equal(fse_store_open(&s, &so), FSE_OK);
    snprintf(patient_id, sizeof(patient_id), "%s^^^&2.16.840.1.113883.2.9.4.3.2&ISO", f.cf);
    for (i = 0; i < N_DOCS; i++) {
        fdoc *d = &f.docs[i];
        fse_store_doc_meta m;
        char author[96];
        char pdf[160];
        char cda[160];

        memset(&m, 0, sizeof(m));
        snprintf(pdf, sizeof(pdf), "%%PDF-1.4\n%% %s\n%%%%EOF\n", d->unique);
        snprintf(cda, sizeof(cda), "<ClinicalDocument><id extension=\"%d\"/></ClinicalDocument>",
                 i);
        snprintf(author, sizeof(author), "%s^^^^^^^^&2.16.840.1.113883.2.9.4.3.2&ISO", d->author);
        m.unique_id = d->unique;
        m.repository_id = "2.16.840.1.113883.2.9.2.120.4.5.1";
        m.patient_id = patient_id;
        m.class_code = d->category;
        m.type_code = d->loinc;
        m.facility_type_code = d->facility;
        m.author_person = author;
        m.author_role = "APR";
        m.author_institution = pt_locality(d->institution);
        m.confidentiality_code = "N";
        m.creation_time = d->created;
        m.replaces_unique_id = i == N_ORIG ? f.docs[0].unique : NULL;
        assert_int_equal(fse_store_doc_put(s, &m, (const uint8_t *)pdf, strlen(pdf),
                                           (const uint8_t *)cda, strlen(cda), fse_store_now_ms(),
                                           d->id),
                         FSE_OK);
    }
    fse_store_free(s);
}

static int setup(void **state)
{
    pt_who self;

    if (pt_setup(state) != 0) {
        return -1;
    }
    memset(&f, 0, sizeof(f));
    /* fse serve reads the real clock. */
    pt_clock_set((int64_t)time(NULL) * 1000);
    pt_serve_init(&f.s, "policy-fhir");
    f.s.extra_conf = "server.rate_limit = 0\n";
    plan();
    store_docs();
    pt_serve_start(&f.s);
    self.sub = f.cf;
    self.role = "ASS";
    self.purpose = "PERSONAL";
    self.patient = f.cf;
    self.locality = NULL;
    pt_tokens(&f.s.auth, &f.s.sig, &self);
    return 0;
}

static int teardown(void **state)
{
    print_message("fhir conformance: %zu curl requests\n", f.s.curls);
    pt_serve_stop(&f.s);
    return pt_teardown(state);
}

void fh_get(pt_curl_out *o, const char *path)
{
    pt_curl(&f.s, o, "GET", path, true, NULL);
}

/* ---- Search helpers ----------------------------------------------------- */

static int doc_of(const char *id)
{
    int i;

    for (i = 0; id != NULL && i < N_DOCS; i++) {
        if (strcmp(f.docs[i].id, id) == 0) {
            return i;
        }
    }
    return -1;
}

/* The path of an absolute link. */
static void link_path(char *out, size_t cap, const char *url)
{
    const char *p = strstr(url, "://");

    p = p != NULL ? strchr(p + 3, '/') : url;
    assert_non_null(p);
    snprintf(out, cap, "%s", p);
}

/* Check one searchset page; its documents appended to order[]; the next
 * link's path in next (or ""). Returns the page's total. */
static long long page(const pt_curl_out *o, int n_page, int *order, int *n, int cap, char *next,
                      size_t next_cap)
{
    json_t *links = json_object_get(o->json, "link");
    json_t *entries = json_object_get(o->json, "entry");
    bool self = false;
    bool previous = false;
    size_t i;

    fh_expect_json(o, "search");
    assert_string_equal(json_string_value(json_object_get(o->json, "resourceType")), "Bundle");
    assert_string_equal(json_string_value(json_object_get(o->json, "type")), "searchset");
    assert_true(json_is_integer(json_object_get(o->json, "total")));
    next[0] = '\0';
    for (i = 0; i < json_array_size(links); i++) {
        const char *rel = json_string_value(json_object_get(json_array_get(links, i), "relation"));
        const char *url = json_string_value(json_object_get(json_array_get(links, i), "url"));

        assert_non_null(rel);
        assert_non_null(url);
        assert_int_equal(strncmp(url, "http", 4), 0);
        self = self || strcmp(rel, "self") == 0;
        previous = previous || strcmp(rel, "previous") == 0;
        if (strcmp(rel, "next") == 0) {
            link_path(next, next_cap, url);
        }
    }
    if (!self) {
        fail_msg("search page %d has no self link", n_page + 1);
    }
    if ((n_page > 0) != previous) {
        fail_msg("search page %d: previous link %s", n_page + 1,
                 previous ? "on the first page" : "missing");
    }
    for (i = 0; i < json_array_size(entries); i++) {
        json_t *e = json_array_get(entries, i);
        json_t *res = json_object_get(e, "resource");
        const char *mode = json_string_value(json_object_get(json_object_get(e, "search"), "mode"));
        int d;

        if (mode != NULL && strcmp(mode, "match") != 0) {
            continue;
        }
        assert_string_equal(json_string_value(json_object_get(res, "resourceType")),
                            "DocumentReference");
        assert_non_null(json_string_value(json_object_get(e, "fullUrl")));
        d = doc_of(json_string_value(json_object_get(res, "id")));
        assert_true(d >= 0);
        assert_true(*n < cap);
        order[(*n)++] = d;
    }
    return json_integer_value(json_object_get(o->json, "total"));
}

/* Follow a search through its next links; the documents in order into
 * order[] (returns how many; total must equal it). */
int fh_search_all(const char *first, int *order, int cap, int *pages_out)
{
    char path[4096];
    char next[4096];
    int n = 0;
    int pages = 0;
    long long total = -1;

    snprintf(path, sizeof(path), "%s", first);
    for (;;) {
        pt_curl_out o;
        long long t;

        fh_get(&o, path);
        if (o.status != 200) {
            fail_msg("GET %s: HTTP %d %.300s", path, o.status, o.body);
        }
        t = page(&o, pages, order, &n, cap, next, sizeof(next));
        if (total >= 0 && t != total) {
            fail_msg("GET %s: total %lld, the first page said %lld", path, t, total);
        }
        total = t;
        pt_curl_free(&o);
        pages++;
        if (next[0] == '\0') {
            break;
        }
        assert_true(pages < 60);
        snprintf(path, sizeof(path), "%s", next);
    }
    if (n != total) {
        fail_msg("%s: %d documents through the pages, total %lld", first, n, total);
    }
    if (pages_out != NULL) {
        *pages_out = pages;
    }
    return n;
}

/* The search path of the patient with a query suffix ("&..." or ""). */
void fh_search_path(char *out, size_t cap, const char *query)
{
    snprintf(out, cap, "/fhir/DocumentReference?patient.identifier=%s%s", f.cf, query);
}

/* The search with query gives exactly the documents pred selects. */
void fh_expect_set(const char *query, fh_doc_pred pred, const void *arg)
{
    char path[1024];
    int order[N_DOCS * 2];
    bool seen[N_DOCS] = {false};
    int n, i;

    fh_search_path(path, sizeof(path), query);
    n = fh_search_all(path, order, N_DOCS * 2, NULL);
    for (i = 0; i < n; i++) {
        if (seen[order[i]]) {
            fail_msg("%s: document %d twice", query, order[i]);
        }
        seen[order[i]] = true;
    }
    for (i = 0; i < N_DOCS; i++) {
        if (seen[i] != pred(&f.docs[i], arg)) {
            fail_msg("%s: document %d (created %s, %s, %s, %s) %s", query, i, f.docs[i].created,
                     f.docs[i].loinc, f.docs[i].category, f.docs[i].facility,
                     seen[i] ? "returned, not expected" : "expected, not returned");
        }
    }
}

/* ---- Cases -------------------------------------------------------------- */

static bool has_member(json_t *arr, const char *key, const char *value)
{
    size_t i;

    for (i = 0; i < json_array_size(arr); i++) {
        const char *v = json_string_value(json_object_get(json_array_get(arr, i), key));

        if (v != NULL && strcmp(v, value) == 0) {
            return true;
        }
    }
    return false;
}

static void test_capability_statement(void **state)
{
    static const char *const resources[] = {"DocumentReference", "Binary", "Patient", "AuditEvent"};
    static const char *const params[] = {"patient.identifier", "type",     "category", "date",
                                         "author.identifier",  "facility", "status"};
    pt_curl_out o;
    json_t *rest;
    json_t *list;
    size_t i, j;

    (void)state;
    pt_curl(&f.s, &o, "GET", "/fhir/metadata", false, NULL);
    assert_int_equal(o.status, 200);
    fh_expect_json(&o, "metadata");
    assert_string_equal(json_string_value(json_object_get(o.json, "resourceType")),
                        "CapabilityStatement");
    assert_non_null(json_string_value(json_object_get(o.json, "fhirVersion")));
    assert_int_equal(strncmp(json_string_value(json_object_get(o.json, "fhirVersion")), "4.0", 3),
                     0);
    assert_non_null(json_string_value(json_object_get(o.json, "status")));
    assert_non_null(json_string_value(json_object_get(o.json, "kind")));
    {
        json_t *formats = json_object_get(o.json, "format");
        bool json = false;

        for (i = 0; i < json_array_size(formats); i++) {
            const char *fmt = json_string_value(json_array_get(formats, i));

            json = json || (fmt != NULL && strstr(fmt, "json") != NULL);
        }
        if (!json) {
            fail_msg("CapabilityStatement: no JSON format listed");
        }
    }
    rest = json_array_get(json_object_get(o.json, "rest"), 0);
    assert_string_equal(json_string_value(json_object_get(rest, "mode")), "server");
    list = json_object_get(rest, "resource");
    for (i = 0; i < sizeof(resources) / sizeof(resources[0]); i++) {
        if (!has_member(list, "type", resources[i])) {
            fail_msg("CapabilityStatement does not list %s", resources[i]);
        }
    }
    for (j = 0; j < json_array_size(list); j++) {
        json_t *r = json_array_get(list, j);

        if (strcmp(json_string_value(json_object_get(r, "type")), "DocumentReference") != 0) {
            continue;
        }
        for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
            if (!has_member(json_object_get(r, "searchParam"), "name", params[i])) {
                fail_msg("CapabilityStatement: DocumentReference lacks searchParam %s", params[i]);
            }
        }
        assert_true(has_member(json_object_get(r, "interaction"), "code", "read"));
        assert_true(has_member(json_object_get(r, "interaction"), "code", "search-type"));
    }
    pt_curl_free(&o);
}

static void test_search_paging(void **state)
{
    char path[512];
    int order[N_DOCS * 2];
    bool seen[N_DOCS] = {false};
    int pages = 0;
    int n, i;
    pt_curl_out o;
    char next[1024];

    (void)state;
    fh_search_path(path, sizeof(path), "&_count=4");
    n = fh_search_all(path, order, N_DOCS * 2, &pages);
    assert_int_equal(n, N_CURRENT);
    assert_int_equal(pages, (N_CURRENT + 3) / 4);
    for (i = 0; i < n; i++) {
        if (seen[order[i]]) {
            fail_msg("paging returned document %d twice", order[i]);
        }
        seen[order[i]] = true;
        assert_true(f.docs[order[i]].current);
    }
    /* The default page is 20 documents, with a next link. */
    n = 0;
    fh_search_path(path, sizeof(path), "");
    fh_get(&o, path);
    assert_int_equal(o.status, 200);
    assert_int_equal(page(&o, 0, order, &n, N_DOCS * 2, next, sizeof(next)), N_CURRENT);
    assert_int_equal(n, 20);
    assert_true(next[0] != '\0');
    pt_curl_free(&o);
    /* _count=0: the total alone. */
    n = 0;
    fh_search_path(path, sizeof(path), "&_count=0");
    fh_get(&o, path);
    assert_int_equal(o.status, 200);
    assert_int_equal(page(&o, 0, order, &n, N_DOCS * 2, next, sizeof(next)), N_CURRENT);
    assert_int_equal(n, 0);
    pt_curl_free(&o);
    /* _total=none: no total. */
    fh_search_path(path, sizeof(path), "&_total=none");
    fh_get(&o, path);
    assert_int_equal(o.status, 200);
    fh_expect_json(&o, "_total=none");
    assert_null(json_object_get(o.json, "total"));
    assert_int_equal(json_array_size(json_object_get(o.json, "entry")), 20);
    pt_curl_free(&o);
    /* The identifier with its system is the same search. */
    snprintf(path, sizeof(path),
             "/fhir/DocumentReference?patient.identifier=http://hl7.it/sid/codiceFiscale%%7C%s"
             "&_count=100",
             f.cf);
    assert_int_equal(fh_search_all(path, order, N_DOCS * 2, NULL), N_CURRENT);
}

static void test_sort(void **state)
{
    char path[512];
    int asc[N_DOCS], desc[N_DOCS], dflt[N_DOCS];
    int i;

    (void)state;
    fh_search_path(path, sizeof(path), "&_sort=date&_count=7");
    assert_int_equal(fh_search_all(path, asc, N_DOCS, NULL), N_CURRENT);
    fh_search_path(path, sizeof(path), "&_sort=-date&_count=6");
    assert_int_equal(fh_search_all(path, desc, N_DOCS, NULL), N_CURRENT);
    for (i = 1; i < N_CURRENT; i++) {
        if (strcmp(f.docs[asc[i - 1]].created, f.docs[asc[i]].created) > 0) {
            fail_msg("_sort=date: %s before %s", f.docs[asc[i - 1]].created,
                     f.docs[asc[i]].created);
        }
        if (strcmp(f.docs[desc[i - 1]].created, f.docs[desc[i]].created) < 0) {
            fail_msg("_sort=-date: %s before %s", f.docs[desc[i - 1]].created,
                     f.docs[desc[i]].created);
        }
        assert_int_equal(asc[i - 1], desc[N_CURRENT - i]);
    }
    /* The default is -date (docs/consult.md). */
    fh_search_path(path, sizeof(path), "&_count=100");
    assert_int_equal(fh_search_all(path, dflt, N_DOCS, NULL), N_CURRENT);
    assert_memory_equal(dflt, desc, sizeof(int) * N_CURRENT);
}

static void test_errors(void **state)
{
    char path[512];
    char www[256];
    pt_curl_out o;

    (void)state;
    /* No token: 401 login. */
    fh_search_path(path, sizeof(path), "");
    pt_curl(&f.s, &o, "GET", path, false, NULL);
    fh_expect_outcome(&o, 401, "login", "search without a token");
    pt_curl_header(&o, "WWW-Authenticate", www, sizeof(www));
    assert_true(www[0] != '\0');
    pt_curl_free(&o);
    snprintf(path, sizeof(path), "/fhir/DocumentReference/%s", f.docs[1].id);
    pt_curl(&f.s, &o, "GET", path, false, NULL);
    fh_expect_outcome(&o, 401, "login", "read without a token");
    pt_curl_free(&o);
    {
        const char *bad[] = {"Authorization: Bearer abc.def.ghi", "FSE-JWT-Signature: abc.def.ghi",
                             NULL};

        pt_curl(&f.s, &o, "GET", path, false, bad);
        fh_expect_outcome(&o, 401, "login", "bad token");
        pt_curl_free(&o);
    }
    /* Unknown id: 404 not-found, as an OperationOutcome. */
    fh_get(&o, "/fhir/DocumentReference/0123456789abcdef0123456789abcdef");
    fh_expect_outcome(&o, 404, "not-found", "unknown DocumentReference");
    pt_curl_free(&o);
    fh_get(&o, "/fhir/DocumentReference/not-an-id");
    fh_expect_outcome(&o, 404, "not-found", "malformed DocumentReference id");
    pt_curl_free(&o);
    fh_get(&o, "/fhir/Binary/0123456789abcdef0123456789abcdef");
    fh_expect_outcome(&o, 404, "not-found", "unknown Binary");
    pt_curl_free(&o);
    /* Another patient than the token's: 403. */
    {
        char other[17];

        pt_cf(other, 7001, 83, 3, 3);
        snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s", other);
        fh_get(&o, path);
        fh_expect_outcome(&o, 403, "forbidden", "another patient");
        pt_curl_free(&o);
    }
}

/* docs/consult.md: "Errors are OperationOutcome ... 405": a method the API
 * does not have on a /fhir path answers 405 as an OperationOutcome. */
static void test_method_not_allowed_is_operation_outcome(void **state)
{
    char path[512];
    pt_curl_out o;

    (void)state;
    fh_search_path(path, sizeof(path), "");
    pt_curl(&f.s, &o, "DELETE", path, true, NULL);
    if (o.status != 405) {
        fail_msg("DELETE on a search: HTTP %d, expected 405", o.status);
    }
    {
        char ct[256];

        pt_curl_header(&o, "Content-Type", ct, sizeof(ct));
        if (strcasecmp(ct, FHIR_JSON) != 0) {
            char body[512];

            snprintf(body, sizeof(body), "%s", o.body);
            pt_curl_free(&o);
            fail_msg("DELETE on a search: 405 as \"%s\" (%s), docs/consult.md: an "
                     "OperationOutcome (%s)",
                     ct, body, FHIR_JSON);
        }
    }
    fh_expect_outcome(&o, 405, NULL, "DELETE on a search");
    pt_curl_free(&o);
}

/* docs/consult.md: "Errors are OperationOutcome ... 429": a node with a
 * rate limit answers the request over it on a /fhir path as an
 * OperationOutcome. */
static void test_rate_limit_is_operation_outcome(void **state)
{
    pt_serve s;
    pt_curl_out o;
    char ct[256];
    int i;
    int status = 0;

    (void)state;
    pt_serve_init(&s, "policy-fhir-rate");
    s.extra_conf = "server.rate_limit = 3\n";
    pt_serve_start(&s);
    for (i = 0; i < 6 && status != 429; i++) {
        pt_curl(&s, &o, "GET", "/fhir/metadata", false, NULL);
        status = o.status;
        if (status != 429) {
            pt_curl_free(&o);
        }
    }
    f.s.curls += s.curls;
    pt_serve_stop(&s);
    if (status != 429) {
        fail_msg("no 429 after %d requests with server.rate_limit = 3", i);
    }
    pt_curl_header(&o, "Content-Type", ct, sizeof(ct));
    if (strcasecmp(ct, FHIR_JSON) != 0) {
        char body[512];

        snprintf(body, sizeof(body), "%s", o.body);
        pt_curl_free(&o);
        fail_msg("GET /fhir/metadata over the rate limit: 429 as \"%s\" (%s), docs/consult.md: an "
                 "OperationOutcome (%s)",
                 ct, body, FHIR_JSON);
    }
    fh_expect_outcome(&o, 429, NULL, "over the rate limit");
    pt_curl_free(&o);
}

static void test_reads(void **state)
{
    const char *accept[] = {"Accept: application/fhir+json", NULL};
    char path[256];
    char ct[128];
    char want[160];
    pt_curl_out o;

    (void)state;
    snprintf(path, sizeof(path), "/fhir/DocumentReference/%s", f.docs[1].id);
    fh_get(&o, path);
    assert_int_equal(o.status, 200);
    fh_expect_json(&o, "read");
    assert_string_equal(json_string_value(json_object_get(o.json, "resourceType")),
                        "DocumentReference");
    assert_string_equal(json_string_value(json_object_get(o.json, "id")), f.docs[1].id);
    assert_string_equal(json_string_value(json_object_get(o.json, "status")), "current");
    pt_curl_free(&o);
    /* The superseded version still reads, as superseded. */
    snprintf(path, sizeof(path), "/fhir/DocumentReference/%s", f.docs[0].id);
    fh_get(&o, path);
    assert_int_equal(o.status, 200);
    assert_string_equal(json_string_value(json_object_get(o.json, "status")), "superseded");
    pt_curl_free(&o);
    /* Binary: the PDF bytes, or the Binary resource when asked for FHIR JSON. */
    snprintf(path, sizeof(path), "/fhir/Binary/%s", f.docs[1].id);
    fh_get(&o, path);
    assert_int_equal(o.status, 200);
    snprintf(want, sizeof(want), "%%PDF-1.4\n%% %s\n%%%%EOF\n", f.docs[1].unique);
    assert_int_equal(o.body_len, strlen(want));
    assert_memory_equal(o.body, want, o.body_len);
    assert_int_equal(
        strncmp(pt_curl_header(&o, "Content-Type", ct, sizeof(ct)), "application/pdf", 15), 0);
    pt_curl_free(&o);
    pt_curl(&f.s, &o, "GET", path, true, accept);
    assert_int_equal(o.status, 200);
    fh_expect_json(&o, "Binary resource");
    assert_string_equal(json_string_value(json_object_get(o.json, "resourceType")), "Binary");
    assert_string_equal(json_string_value(json_object_get(o.json, "contentType")),
                        "application/pdf");
    assert_non_null(json_string_value(json_object_get(o.json, "data")));
    pt_curl_free(&o);
    /* Binary/{id}-cda: the CDA as application/xml. */
    snprintf(path, sizeof(path), "/fhir/Binary/%s-cda", f.docs[1].id);
    fh_get(&o, path);
    assert_int_equal(o.status, 200);
    assert_non_null(strstr(o.body, "<ClinicalDocument><id extension=\"1\"/>"));
    assert_int_equal(
        strncmp(pt_curl_header(&o, "Content-Type", ct, sizeof(ct)), "application/xml", 15), 0);
    pt_curl_free(&o);
}

static void test_patient_and_audit(void **state)
{
    char path[256];
    char id[128];
    pt_curl_out o;
    json_t *res;
    size_t i;

    (void)state;
    snprintf(path, sizeof(path), "/fhir/Patient?identifier=%s", f.cf);
    fh_get(&o, path);
    assert_int_equal(o.status, 200);
    fh_expect_json(&o, "Patient search");
    assert_string_equal(json_string_value(json_object_get(o.json, "type")), "searchset");
    assert_int_equal(json_integer_value(json_object_get(o.json, "total")), 1);
    res = json_object_get(json_array_get(json_object_get(o.json, "entry"), 0), "resource");
    assert_string_equal(json_string_value(json_object_get(res, "resourceType")), "Patient");
    assert_non_null(json_string_value(json_object_get(res, "id")));
    snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(res, "id")));
    pt_curl_free(&o);
    snprintf(path, sizeof(path), "/fhir/Patient/%s", id);
    fh_get(&o, path);
    assert_int_equal(o.status, 200);
    fh_expect_json(&o, "Patient read");
    assert_string_equal(json_string_value(json_object_get(o.json, "id")), id);
    pt_curl_free(&o);
    fh_get(&o, "/fhir/Patient/0123456789abcdef0123456789abcdef");
    fh_expect_outcome(&o, 404, "not-found", "unknown Patient");
    pt_curl_free(&o);
    /* The access log as AuditEvent resources: the reads above are in it. */
    snprintf(path, sizeof(path), "/fhir/AuditEvent?patient.identifier=%s", f.cf);
    fh_get(&o, path);
    assert_int_equal(o.status, 200);
    fh_expect_json(&o, "AuditEvent search");
    assert_string_equal(json_string_value(json_object_get(o.json, "resourceType")), "Bundle");
    assert_string_equal(json_string_value(json_object_get(o.json, "type")), "searchset");
    assert_true(json_array_size(json_object_get(o.json, "entry")) > 0);
    for (i = 0; i < json_array_size(json_object_get(o.json, "entry")); i++) {
        res = json_object_get(json_array_get(json_object_get(o.json, "entry"), i), "resource");
        assert_string_equal(json_string_value(json_object_get(res, "resourceType")), "AuditEvent");
        assert_non_null(json_string_value(json_object_get(res, "recorded")));
    }
    pt_curl_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capability_statement),
        cmocka_unit_test(test_search_paging),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(fh_test_date_prefixes),
        cmocka_unit_test(fh_test_parameters),
        cmocka_unit_test(fh_test_strict_and_lenient),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_method_not_allowed_is_operation_outcome),
        cmocka_unit_test(test_rate_limit_is_operation_outcome),
        cmocka_unit_test(test_reads),
        cmocka_unit_test(test_patient_and_audit),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests_name("policy_fhir", tests, setup, teardown);
}
