/*
 * tests/policy/pt_matrix.c - the access-matrix test: every combination of
 * patient (consent state, minor or adult), relationship, role, purpose and
 * emergency state is asked of a real server, and every answer is compared
 * with pt_oracle.h's reading of docs/policy.md.
 *
 * Per combination: a DocumentReference search paged to the end (the set
 * of ids and `total` must be the oracle's allowed set; citizens see hidden
 * documents marked). On a deterministic subset: reads of DocumentReference
 * and Binary of sampled documents and of one denied hidden document, each
 * denial compared byte for byte (normalised) with the answer for an id no
 * document has, and a count-only search. At the end every hidden document
 * of every patient has been read at least once by a subject it is denied
 * to. Discrepancies are listed with their combination; the test fails if
 * there is any.
 */
#define _GNU_SOURCE /* strcasestr */
#include "pt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fse/util.h"

/* Client threads (the server has 4 workers). */
#define N_CLIENTS 4
/* One combination in READ_EVERY also reads documents. */
#define READ_EVERY 12
/* Documents sampled for reading per reading combination. */
#define READ_SAMPLES 1

static const char *const roles[] = {"APR", "AAS", "INF", "FAR", "OAM", "ASS", "TUT", "GEN", "ING"};
static const char *const purposes[] = {"TREATMENT", "EMERGENCY", "PUBEMERGENCY", "PERSONAL",
                                       "UPDATE"};

#define N_ROLES (sizeof(roles) / sizeof(roles[0]))
#define N_PURPOSES (sizeof(purposes) / sizeof(purposes[0]))

typedef struct task {
    unsigned patient, rel, role, purpose;
} task;

typedef struct run {
    pt_world *w;
    task *tasks;
    size_t n_tasks;
    atomic_size_t next;
    size_t seq_base; /* makes sampling differ between epochs */
    atomic_size_t searches, reads, binaries, counts, denials_compared, decisions;
} run;

/* One combination, described for a report. */
typedef struct combo {
    pt_world *w;
    pt_patient *p;
    pt_relship rel;
    const char *role;
    const char *purpose;
    pt_facts f;
    pt_who who;
    char *auth;
    char *sig;
    char label[256];
    bool allowed[PT_MAX_DOCS];
    bool marked[PT_MAX_DOCS];
    size_t n_allowed;
    pt_scope scope;
} combo;

/* ---- Document lookup ---------------------------------------------------- */

static int doc_index(const pt_patient *p, const char *id)
{
    size_t lo = 0;
    size_t hi = p->n_docs;

    while (id != NULL && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(p->docs[p->by_id[mid]].id, id);

        if (c == 0) {
            return (int)p->by_id[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}

static const char *doc_text(const pt_wdoc *d, char *out, size_t cap)
{
    static const char *const fac[] = {"P", "Q", "R"};

    snprintf(out, cap, "doc %s (LOINC %s, visibility 0x%x, facility %s)", d->id, d->loinc, d->vis,
             fac[d->fac]);
    return out;
}

/* ---- JSON helpers ------------------------------------------------------- */

/* "oscurato"/"obscured" in meta.tag or meta.security. */
static bool marked_obscured(json_t *res)
{
    static const char *const lists[] = {"tag", "security"};
    json_t *meta = json_object_get(res, "meta");
    size_t l, i;

    for (l = 0; l < 2; l++) {
        json_t *arr = json_object_get(meta, lists[l]);

        for (i = 0; i < json_array_size(arr); i++) {
            const char *code = json_string_value(json_object_get(json_array_get(arr, i), "code"));

            if (code != NULL &&
                (strcasestr(code, "oscur") != NULL || strcasestr(code, "obscur") != NULL)) {
                return true;
            }
        }
    }
    return false;
}

/* The path of a link URL ("http://host:port/path?query" -> "/path?query"). */
static const char *url_path(const char *url)
{
    const char *p = url != NULL ? strstr(url, "://") : NULL;

    if (p == NULL) {
        return url;
    }
    p = strchr(p + 3, '/');
    return p;
}

static const char *link_url(json_t *bundle, const char *relation)
{
    json_t *links = json_object_get(bundle, "link");
    size_t i;

    for (i = 0; i < json_array_size(links); i++) {
        json_t *l = json_array_get(links, i);
        const char *rel = json_string_value(json_object_get(l, "relation"));

        if (rel != NULL && strcmp(rel, relation) == 0) {
            return json_string_value(json_object_get(l, "url"));
        }
    }
    return NULL;
}

static bool is_outcome(const pt_resp *r, const char *code)
{
    json_t *issue = json_array_get(json_object_get(r->json, "issue"), 0);
    const char *type = json_string_value(json_object_get(r->json, "resourceType"));
    const char *c = json_string_value(json_object_get(issue, "code"));

    return type != NULL && strcmp(type, "OperationOutcome") == 0 && c != NULL &&
           (code == NULL || strcmp(c, code) == 0);
}

static bool request(combo *c, pt_conn *k, pt_resp *r, const char *path, const char *extra)
{
    if (!pt_try_request(k, r, "GET", path, c->auth, c->sig, NULL, extra)) {
        pt_report(c->w, "%s: GET %s: no answer", c->label, path);
        return false;
    }
    atomic_fetch_add(&c->w->requests, 1);
    return true;
}

/* ---- Search ------------------------------------------------------------- */

/* One page: ids into seen[], marks checked. false stops paging. */
static bool page(combo *c, json_t *bundle, bool *seen, size_t *n_seen)
{
    json_t *entries = json_object_get(bundle, "entry");
    pt_class cls = pt_class_of(c->role);
    char text[160];
    size_t i;

    for (i = 0; i < json_array_size(entries); i++) {
        json_t *res = json_object_get(json_array_get(entries, i), "resource");
        const char *type = json_string_value(json_object_get(res, "resourceType"));
        const char *id = json_string_value(json_object_get(res, "id"));
        int d;

        if (type == NULL || strcmp(type, "DocumentReference") != 0) {
            continue; /* an OperationOutcome entry (search.mode outcome) */
        }
        d = doc_index(c->p, id);
        if (d < 0) {
            pt_report(c->w, "%s: search returned an id of no document of the patient: %s", c->label,
                      id != NULL ? id : "(none)");
            continue;
        }
        if (seen[d]) {
            pt_report(c->w, "%s: search returned %s twice", c->label,
                      doc_text(&c->p->docs[d], text, sizeof(text)));
        }
        seen[d] = true;
        (*n_seen)++;
        if (!c->allowed[d]) {
            pt_report(c->w, "%s: search LEAKS %s (docs/policy.md: denied)", c->label,
                      doc_text(&c->p->docs[d], text, sizeof(text)));
        } else if (pt_class_citizen(cls) && marked_obscured(res) != c->marked[d]) {
            pt_report(c->w, "%s: %s %s marked as obscured (docs/policy.md: %s)", c->label,
                      doc_text(&c->p->docs[d], text, sizeof(text)),
                      marked_obscured(res) ? "is" : "is not", c->marked[d] ? "marked" : "not");
        }
    }
    return true;
}

static void search(run *rn, combo *c, pt_conn *k, size_t seq)
{
    char path[2048];
    bool seen[PT_MAX_DOCS] = {false};
    size_t n_seen = 0;
    size_t pages = 0;
    char text[160];
    size_t i;

    if (seq % 3 == 1) {
        snprintf(path, sizeof(path),
                 "/fhir/DocumentReference?patient.identifier=urn:oid:2.16.840.1.113883.2.9.4.3.2"
                 "%%7C%s&_count=100",
                 c->p->cf);
    } else {
        snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s&_count=100",
                 c->p->cf);
    }
    for (;;) {
        pt_resp r;
        const char *next;
        json_t *total;

        if (!request(c, k, &r, path, NULL)) {
            return;
        }
        atomic_fetch_add(&rn->searches, 1);
        if (c->scope == PT_SCOPE_NONE) {
            if (r.status != 403 || !is_outcome(&r, "forbidden")) {
                pt_report(c->w, "%s: search answered %d (docs/policy.md: refused record, 403)",
                          c->label, r.status);
            }
            pt_resp_free(&r);
            return;
        }
        if (r.status != 200 || r.json == NULL) {
            pt_report(c->w, "%s: search answered %d (expected 200 with %zu documents)", c->label,
                      r.status, c->n_allowed);
            pt_resp_free(&r);
            return;
        }
        total = json_object_get(r.json, "total");
        if (!json_is_integer(total) || (size_t)json_integer_value(total) != c->n_allowed) {
            pt_report(c->w, "%s: search total %lld (docs/policy.md: %zu)", c->label,
                      json_is_integer(total) ? (long long)json_integer_value(total) : -1LL,
                      c->n_allowed);
        }
        page(c, r.json, seen, &n_seen);
        next = url_path(link_url(r.json, "next"));
        if (next == NULL || ++pages > 10 || strlen(next) >= sizeof(path)) {
            pt_resp_free(&r);
            break;
        }
        snprintf(path, sizeof(path), "%s", next);
        pt_resp_free(&r);
    }
    for (i = 0; i < c->p->n_docs; i++) {
        if (c->allowed[i] && !seen[i]) {
            pt_report(c->w, "%s: search MISSES %s (docs/policy.md: allowed)", c->label,
                      doc_text(&c->p->docs[i], text, sizeof(text)));
        }
    }
    atomic_fetch_add(&rn->decisions, c->p->n_docs);
}

/* _count=0: the total alone. */
static void count(run *rn, combo *c, pt_conn *k)
{
    char path[256];
    pt_resp r;
    json_t *total;

    if (c->scope == PT_SCOPE_NONE) {
        return;
    }
    snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s&_count=0",
             c->p->cf);
    if (!request(c, k, &r, path, NULL)) {
        return;
    }
    atomic_fetch_add(&rn->counts, 1);
    total = json_object_get(r.json, "total");
    if (r.status != 200 || !json_is_integer(total) ||
        (size_t)json_integer_value(total) != c->n_allowed) {
        pt_report(c->w, "%s: count (_count=0) answered %d total %lld (docs/policy.md: %zu)",
                  c->label, r.status,
                  json_is_integer(total) ? (long long)json_integer_value(total) : -1LL,
                  c->n_allowed);
    }
    pt_resp_free(&r);
}

/* ---- Reads -------------------------------------------------------------- */

typedef struct baseline {
    bool cda; /* Binary/{id}-cda instead of Binary/{id} */
    char unknown[33];
    char *docref; /* normalised 404 of DocumentReference/{unknown} */
    char *binary; /* normalised 404 of Binary/{unknown} */
} baseline;

static bool baseline_get(combo *c, pt_conn *k, baseline *b, unsigned n, bool cda)
{
    char path[128];
    pt_resp r;

    memset(b, 0, sizeof(*b));
    b->cda = cda;
    pt_unknown_id(b->unknown, n);
    snprintf(path, sizeof(path), "/fhir/DocumentReference/%s", b->unknown);
    if (!request(c, k, &r, path, NULL)) {
        return false;
    }
    if (r.status != 404 || !is_outcome(&r, "not-found")) {
        pt_report(c->w, "%s: unknown id answered %d, not a 404 OperationOutcome", c->label,
                  r.status);
    }
    b->docref = pt_normalise(&r, b->unknown);
    pt_resp_free(&r);
    snprintf(path, sizeof(path), "/fhir/Binary/%s%s", b->unknown, cda ? "-cda" : "");
    if (!request(c, k, &r, path, NULL)) {
        return false;
    }
    if (r.status != 404) {
        pt_report(c->w, "%s: Binary of an unknown id answered %d", c->label, r.status);
    }
    b->binary = pt_normalise(&r, b->unknown);
    pt_resp_free(&r);
    return true;
}

static void baseline_free(baseline *b)
{
    free(b->docref);
    free(b->binary);
}

/* A denied answer must be the unknown id's, byte for byte once normalised. */
static void same_as_unknown(combo *c, const pt_resp *r, const char *id, const char *want,
                            const char *what, const pt_wdoc *d)
{
    char *got = pt_normalise(r, id);
    char text[160];

    if (strcmp(got, want) != 0) {
        pt_report(c->w,
                  "%s: %s of denied %s differs from an unknown id's answer:\n--- unknown ---\n%s"
                  "\n--- denied ---\n%s",
                  c->label, what, doc_text(d, text, sizeof(text)), want, got);
    }
    free(got);
}

static void read_doc(run *rn, combo *c, pt_conn *k, const baseline *b, size_t i)
{
    pt_wdoc *d = &c->p->docs[i];
    char path[128];
    char text[160];
    char pdf[512];
    pt_resp r;
    const char *type;

    snprintf(path, sizeof(path), "/fhir/DocumentReference/%s", d->id);
    if (!request(c, k, &r, path, NULL)) {
        return;
    }
    atomic_fetch_add(&rn->reads, 1);
    if (c->allowed[i]) {
        const char *id = json_string_value(json_object_get(r.json, "id"));

        if (r.status != 200 || id == NULL || strcmp(id, d->id) != 0) {
            pt_report(c->w, "%s: read of %s answered %d (docs/policy.md: allowed)", c->label,
                      doc_text(d, text, sizeof(text)), r.status);
        }
    } else {
        if (r.status != 404) {
            pt_report(c->w, "%s: read of %s answered %d (docs/policy.md: denied, 404)", c->label,
                      doc_text(d, text, sizeof(text)), r.status);
        }
        same_as_unknown(c, &r, d->id, b->docref, "read", d);
        atomic_fetch_add(&rn->denials_compared, 1);
    }
    pt_resp_free(&r);
    snprintf(path, sizeof(path), "/fhir/Binary/%s%s", d->id, b->cda ? "-cda" : "");
    if (!request(c, k, &r, path, NULL)) {
        return;
    }
    atomic_fetch_add(&rn->binaries, 1);
    if (c->allowed[i]) {
        const char *want_type = b->cda ? "application/xml" : "application/pdf";

        if (b->cda) {
            pt_world_cda(pdf, sizeof(pdf), d);
        } else {
            pt_world_pdf(pdf, sizeof(pdf), d);
        }
        type = tc_header(&r.raw, "Content-Type");
        if (r.status != 200 || r.raw.body_len != strlen(pdf) ||
            memcmp(r.raw.body, pdf, r.raw.body_len) != 0 || type == NULL ||
            strncmp(type, want_type, strlen(want_type)) != 0) {
            pt_report(c->w, "%s: %s of %s answered %d %s (docs/policy.md: allowed, %s bytes)",
                      c->label, path, doc_text(d, text, sizeof(text)), r.status,
                      type != NULL ? type : "", want_type);
        }
    } else {
        if (r.status != 404) {
            pt_report(c->w, "%s: Binary of %s answered %d (docs/policy.md: denied, 404)", c->label,
                      doc_text(d, text, sizeof(text)), r.status);
        }
        same_as_unknown(c, &r, d->id, b->binary, "Binary", d);
        atomic_fetch_add(&rn->denials_compared, 1);
        if (pt_hidden(d->vis)) {
            pthread_mutex_lock(&c->w->lock);
            d->hidden_checked = true;
            pthread_mutex_unlock(&c->w->lock);
        }
    }
    pt_resp_free(&r);
}

/* Reading a PSS under a grant whose PSS is not read yet would move the
 * epoch: not in epoch 1. */
static bool readable(const combo *c, size_t i)
{
    return c->w->epoch != 1 || strcmp(c->p->docs[i].loinc, PT_LOINC_PSS) != 0;
}

/* A denied hidden document, preferring one no denied read has covered. */
static int denied_hidden(const combo *c, size_t seq)
{
    int fallback = -1;
    size_t n = c->p->n_docs;
    size_t j;

    for (j = 0; j < n; j++) {
        size_t i = (seq + j) % n;
        bool checked;

        if (c->allowed[i] || !pt_hidden(c->p->docs[i].vis) || !readable(c, i)) {
            continue;
        }
        pthread_mutex_lock(&c->w->lock);
        checked = c->p->docs[i].hidden_checked;
        pthread_mutex_unlock(&c->w->lock);
        if (!checked) {
            return (int)i;
        }
        if (fallback < 0) {
            fallback = (int)i;
        }
    }
    return fallback;
}

static void reads(run *rn, combo *c, pt_conn *k, size_t seq)
{
    baseline b;
    size_t s;
    int h;

    if (!baseline_get(c, k, &b, (unsigned)seq, (seq / READ_EVERY) % 2 == 1)) {
        return;
    }
    for (s = 0; s < READ_SAMPLES; s++) {
        size_t i = (seq * 7919u + s * 104729u) % c->p->n_docs;

        if (readable(c, i)) {
            read_doc(rn, c, k, &b, i);
        }
    }
    h = denied_hidden(c, seq);
    if (h >= 0) {
        read_doc(rn, c, k, &b, (size_t)h);
    }
    baseline_free(&b);
}

/* ---- One combination ---------------------------------------------------- */

static void combo_init(combo *c, pt_world *w, const task *t)
{
    size_t i;

    memset(c, 0, sizeof(*c));
    c->w = w;
    c->p = &w->patients[t->patient];
    c->rel = (pt_relship)t->rel;
    c->role = roles[t->role];
    c->purpose = purposes[t->purpose];
    pt_world_facts(w, c->p, c->rel, c->role, c->purpose, &c->f);
    c->scope = pt_oracle_scope(&c->f);
    for (i = 0; i < c->p->n_docs; i++) {
        pt_doc d = {c->p->docs[i].loinc, c->p->docs[i].vis,
                    pt_world_produced(w, c->p, c->rel, &c->p->docs[i])};

        c->allowed[i] = pt_oracle_doc(&c->f, &d, &c->marked[i]);
        c->n_allowed += c->allowed[i] ? 1 : 0;
    }
    c->who.sub = pt_world_sub(w, c->p, c->rel);
    c->who.role = c->role;
    c->who.purpose = c->purpose;
    c->who.patient = c->p->cf;
    c->who.locality = pt_locality(c->rel == PT_RS_PRODUCER ? PT_FAC_P : 3);
    snprintf(c->label, sizeof(c->label),
             "[patient %s: %s, consent %s | subject: %s | role %s | purpose %s | emergency: %s]",
             c->p->cf, c->p->minor ? "minor" : "adult", pt_consent_name(c->p->consent),
             pt_relship_name(c->rel, c->p->minor), c->role, c->purpose,
             w->epoch == 0   ? "no grant"
             : w->epoch == 1 ? "grant in force, PSS not read"
                             : "grant in force, PSS read");
}

static void run_task(run *rn, pt_conn *k, size_t idx)
{
    combo c;
    size_t seq = rn->seq_base + idx;

    combo_init(&c, rn->w, &rn->tasks[idx]);
    pt_tokens(&c.auth, &c.sig, &c.who);
    search(rn, &c, k, seq);
    if (seq % READ_EVERY == 0) {
        reads(rn, &c, k, seq);
        count(rn, &c, k);
    }
    atomic_fetch_add(&rn->w->combinations, 1);
    fse_free(c.auth);
    fse_free(c.sig);
}

static void *worker(void *arg)
{
    run *rn = arg;
    pt_conn k;
    size_t i;

    pt_conn_init(&k, rn->w->node.port);
    for (i = atomic_fetch_add(&rn->next, 1); i < rn->n_tasks; i = atomic_fetch_add(&rn->next, 1)) {
        run_task(rn, &k, i);
    }
    pt_conn_close(&k);
    return NULL;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void run_epoch(run *rn)
{
    pthread_t threads[N_CLIENTS];
    size_t i;

    atomic_store(&rn->next, 0);
    for (i = 0; i < N_CLIENTS; i++) {
        assert_int_equal(pthread_create(&threads[i], NULL, worker, rn), 0);
    }
    for (i = 0; i < N_CLIENTS; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    }
    rn->seq_base += rn->n_tasks;
}

/* Every hidden document no combination read while denied: read it as a
 * subject with no relation (denied to it whatever the state). */
static void hidden_sweep(run *rn, pt_conn *k, size_t *n_hidden)
{
    pt_world *w = rn->w;
    size_t p, i;

    for (p = 0; p < w->n_patients; p++) {
        task t = {(unsigned)p, PT_RS_NONE, 0, 0}; /* APR, TREATMENT */
        combo c;
        baseline b;

        combo_init(&c, w, &t);
        pt_tokens(&c.auth, &c.sig, &c.who);
        if (baseline_get(&c, k, &b, 900000u + (unsigned)p, p % 2 == 1)) {
            for (i = 0; i < c.p->n_docs; i++) {
                if (!pt_hidden(c.p->docs[i].vis)) {
                    continue;
                }
                (*n_hidden)++;
                if (!c.p->docs[i].hidden_checked) {
                    assert_false(c.allowed[i]);
                    read_doc(rn, &c, k, &b, i);
                }
            }
            baseline_free(&b);
        }
        fse_free(c.auth);
        fse_free(c.sig);
    }
}

/* "at 18 the new adult confirms": the patient whose consents were given
 * while a minor gives them again as an adult; from the next request the
 * record opens as for a consent given by an adult. */
static void confirm_at_18(run *rn, pt_conn *k, size_t *n_checked)
{
    pt_world *w = rn->w;
    pt_patient *p = &w->patients[3];
    pt_who self = {p->cf, "ASS", "PERSONAL", p->cf, NULL};
    static const char *const purposes_given[] = {"cura", "profilassi"};
    size_t i, r, ro, pu;

    assert_int_equal(p->consent, PT_CONSENT_GIVEN_AS_MINOR);
    for (i = 0; i < 2; i++) {
        char path[160];
        pt_resp resp;

        snprintf(path, sizeof(path), "/citizen/v1/patients/%s/consents/%s", p->cf,
                 purposes_given[i]);
        pt_call(k, &resp, "PUT", path, &self, "{\"given\":true,\"channel\":\"web\"}");
        if (resp.status < 200 || resp.status > 299) {
            fail_msg("consent confirmed at 18: HTTP %d", resp.status);
        }
        pt_resp_free(&resp);
    }
    p->consent = PT_CONSENT_GIVEN;
    for (r = 0; r < PT_RS_COUNT; r++) {
        for (ro = 0; ro < N_ROLES; ro++) {
            for (pu = 0; pu < N_PURPOSES; pu++) {
                task t = {3, (unsigned)r, (unsigned)ro, (unsigned)pu};
                combo c;

                combo_init(&c, w, &t);
                pt_tokens(&c.auth, &c.sig, &c.who);
                search(rn, &c, k, rn->seq_base + (*n_checked)++);
                fse_free(c.auth);
                fse_free(c.sig);
            }
        }
    }
}

void pt_test_access_matrix(void **state)
{
    pt_world *w = calloc(1, sizeof(*w));
    run rn;
    pt_conn k;
    struct timespec t0, t1;
    size_t n_hidden = 0;
    size_t n_confirm = 0;
    size_t n_acts = 0;
    size_t p, r, ro, pu;

    (void)state;
    assert_non_null(w);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pt_node_start(&w->node, "policy-matrix", false);
    pt_conn_init(&k, w->node.port);
    pt_world_build(w, &k);
    print_message("access matrix: world built in %.1f s (%zu requests)\n", seconds_since(&t0),
                  atomic_load(&w->requests));
    memset(&rn, 0, sizeof(rn));
    rn.w = w;
    rn.n_tasks = w->n_patients * PT_RS_COUNT * N_ROLES * N_PURPOSES;
    rn.tasks = calloc(rn.n_tasks, sizeof(*rn.tasks));
    assert_non_null(rn.tasks);
    rn.n_tasks = 0;
    /* Interleaved so that concurrent clients ask about different patients. */
    for (pu = 0; pu < N_PURPOSES; pu++) {
        for (ro = 0; ro < N_ROLES; ro++) {
            for (r = 0; r < PT_RS_COUNT; r++) {
                for (p = 0; p < w->n_patients; p++) {
                    task t = {(unsigned)p, (unsigned)r, (unsigned)ro, (unsigned)pu};

                    rn.tasks[rn.n_tasks++] = t;
                }
            }
        }
    }
    for (;;) {
        run_epoch(&rn);
        print_message("access matrix: emergency state %d done at %.1f s (%zu requests)\n", w->epoch,
                      seconds_since(&t0), atomic_load(&w->requests));
        if (w->epoch == 2) {
            break;
        }
        pt_world_next_epoch(w, &k);
    }
    hidden_sweep(&rn, &k, &n_hidden);
    confirm_at_18(&rn, &k, &n_confirm);
    pt_acts_check(w, &k, &n_acts);
    pt_conn_close(&k);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    print_message("access matrix: %zu combinations (%zu patients x %d relationships x %zu roles x "
                  "%zu purposes x 3 emergency states), %zu document decisions checked by search, "
                  "%zu requests (%zu search pages, %zu counts, %zu reads, %zu Binary, %zu denials "
                  "compared with an unknown id; %zu hidden documents all read while denied; %zu "
                  "combinations after the consent confirmed at 18; %zu citizen and professional "
                  "acts), %.1f s, %zu "
                  "discrepancies\n",
                  atomic_load(&w->combinations), w->n_patients, PT_RS_COUNT, N_ROLES, N_PURPOSES,
                  atomic_load(&rn.decisions), atomic_load(&w->requests), atomic_load(&rn.searches),
                  atomic_load(&rn.counts), atomic_load(&rn.reads), atomic_load(&rn.binaries),
                  atomic_load(&rn.denials_compared), n_hidden, n_confirm, n_acts,
                  (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                  atomic_load(&w->failures));
    free(rn.tasks);
    pt_node_stop(&w->node);
    pthread_mutex_destroy(&w->lock);
    assert_int_equal(atomic_load(&w->failures), 0);
    free(w);
}
