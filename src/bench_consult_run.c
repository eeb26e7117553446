/*
 * src/bench_consult_run.c - the timed runs of `fse bench consult` and the
 * FHIR search they send.
 *
 * Owns the driver shared by every scenario (N threads, each with its own
 * state: a keep-alive connection or a database connection; a start gate so
 * that all begin together once connected; the pool taken in turn by all;
 * every latency recorded; the answers checked) and the search scenario:
 * the prepared GET /fhir/DocumentReference?patient.identifier=CF on one
 * keep-alive connection per client, each answer checked for status 200
 * and the "total" the model expects, and every BC_FULL_CHECK_EVERY-th (and
 * every one of the untimed pass) parsed whole with its DocumentReference
 * entries counted. Does not own the index query (bench_consult_raw.c).
 */
#include "bench_consult.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http_client.h"
#include "tool.h"

#define BC_MAX_CLIENTS 256
/* One answer in this many is parsed whole during the timed runs. */
#define BC_FULL_CHECK_EVERY 64
/* The search's default page (_count): entries of an answer at most. */
#define BC_PAGE 20
#define BC_CLIENT_TIMEOUT_MS 60000

/* ---- The driver --------------------------------------------------------- */

typedef struct drive_ctx {
    const bc_worker_ops *ops;
    const bc_query *pool;
    size_t n_pool;
    bool pass;            /* one checked pass over the pool instead of a timed run */
    pthread_mutex_t lock; /* guards the gate and first_error */
    pthread_cond_t gate;
    unsigned ready;
    bool go;
    uint64_t deadline_ns;
    _Atomic size_t next;
    _Atomic uint64_t ok;
    _Atomic uint64_t errors;
    _Atomic uint64_t full;
    char first_error[200];
} drive_ctx;

typedef struct worker {
    drive_ctx *d;
    bench_samples *lat; /* ns per answered query */
} worker;

static void note_error(drive_ctx *d, const char *why)
{
    atomic_fetch_add(&d->errors, 1);
    pthread_mutex_lock(&d->lock);
    if (d->first_error[0] == '\0') {
        (void)snprintf(d->first_error, sizeof(d->first_error), "%s", why);
    }
    pthread_mutex_unlock(&d->lock);
}

/* Say ready, then wait for the start. */
static void wait_gate(drive_ctx *d)
{
    pthread_mutex_lock(&d->lock);
    d->ready++;
    pthread_cond_broadcast(&d->gate);
    while (!d->go) {
        pthread_cond_wait(&d->gate, &d->lock);
    }
    pthread_mutex_unlock(&d->lock);
}

static void work(worker *w, void *state)
{
    drive_ctx *d = w->d;
    char err[200];

    for (;;) {
        size_t slot = atomic_fetch_add(&d->next, 1);
        bool full = d->pass || slot % BC_FULL_CHECK_EVERY == 0;
        uint64_t ns = 0;

        if (d->pass ? slot >= d->n_pool : tool_now_ns() >= d->deadline_ns) {
            break;
        }
        err[0] = '\0';
        if (d->ops->one(state, &d->pool[slot % d->n_pool], full, &ns, err, sizeof(err))) {
            atomic_fetch_add(&d->ok, 1);
            atomic_fetch_add(&d->full, full ? 1 : 0);
            bench_samples_add(w->lat, ns > 0 ? ns : 1);
        } else {
            note_error(d, err);
        }
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    drive_ctx *d = w->d;
    char err[200] = "";
    void *state = d->ops->open(d->ops->ud, err, sizeof(err));

    if (state == NULL) {
        note_error(d, err);
    }
    wait_gate(d);
    if (state != NULL) {
        work(w, state);
        d->ops->close(state);
    }
    return NULL;
}

/* Start the workers, open the gate once all are ready; the number started. */
static unsigned start_workers(drive_ctx *d, pthread_t *tids, worker *workers, unsigned clients,
                              double seconds)
{
    unsigned started = 0;
    unsigned i;

    for (i = 0; i < clients; i++) {
        if (pthread_create(&tids[started], NULL, worker_main, &workers[i]) == 0) {
            started++;
        }
    }
    pthread_mutex_lock(&d->lock);
    while (d->ready < started) {
        pthread_cond_wait(&d->gate, &d->lock);
    }
    d->deadline_ns = tool_now_ns() + (uint64_t)(seconds > 0 ? seconds * 1e9 : 0);
    d->go = true;
    pthread_cond_broadcast(&d->gate);
    pthread_mutex_unlock(&d->lock);
    return started;
}

void bc_drive(bc_run *out, const bc_worker_ops *ops, const bc_query *pool, size_t n_pool,
              unsigned clients, double seconds)
{
    pthread_t tids[BC_MAX_CLIENTS];
    worker workers[BC_MAX_CLIENTS];
    bench_samples *lats = fse_calloc(clients + 1, sizeof(*lats));
    drive_ctx d;
    unsigned started;
    uint64_t t0;
    double cpu0;
    unsigned i;

    memset(out, 0, sizeof(*out));
    out->clients = clients;
    if (lats == NULL || clients == 0 || clients > BC_MAX_CLIENTS || n_pool == 0) {
        (void)snprintf(out->first_error, sizeof(out->first_error), "cannot run");
        fse_free(lats);
        return;
    }
    memset(&d, 0, sizeof(d));
    d.ops = ops;
    d.pool = pool;
    d.n_pool = n_pool;
    d.pass = seconds <= 0;
    pthread_mutex_init(&d.lock, NULL);
    pthread_cond_init(&d.gate, NULL);
    for (i = 0; i < clients; i++) {
        workers[i].d = &d;
        workers[i].lat = &lats[i];
    }
    cpu0 = bench_cpu_seconds();
    t0 = tool_now_ns();
    started = start_workers(&d, tids, workers, clients, seconds);
    for (i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
    }
    out->seconds = (double)(tool_now_ns() - t0) / 1e9;
    out->requests = atomic_load(&d.ok);
    out->errors = atomic_load(&d.errors) + (clients - started);
    out->full_checks = atomic_load(&d.full);
    out->per_s = out->seconds > 0 ? (double)out->requests / out->seconds : 0.0;
    out->cpu_ms_per_req =
        out->requests > 0 ? (bench_cpu_seconds() - cpu0) * 1000.0 / (double)out->requests : 0.0;
    (void)snprintf(out->first_error, sizeof(out->first_error), "%s", d.first_error);
    for (i = 0; i < clients; i++) {
        if (lats[i].lost) {
            out->errors++; /* the percentiles would be biased */
            (void)snprintf(out->first_error, sizeof(out->first_error), "latencies lost");
        }
    }
    bench_samples_percentiles(&out->lat, lats, clients, 1e6);
    out->done = started == clients;
    for (i = 0; i < clients; i++) {
        bench_samples_free(&lats[i]);
    }
    fse_free(lats);
    pthread_cond_destroy(&d.gate);
    pthread_mutex_destroy(&d.lock);
}

/* ---- The FHIR search ---------------------------------------------------- */

typedef struct search_state {
    hc_conn conn;
} search_state;

/* Connect (GET /fhir/metadata, no token), so no timed search pays it. */
static void *search_open(const void *ud, char *err, size_t cap)
{
    const bc_node *n = ud;
    search_state *s = fse_calloc(1, sizeof(*s));
    hc_resp r;
    fse_err rc;

    if (s == NULL) {
        (void)snprintf(err, cap, "out of memory");
        return NULL;
    }
    hc_conn_init(&s->conn, "127.0.0.1", n->port, BC_CLIENT_TIMEOUT_MS);
    rc = hc_get(&s->conn, "/fhir/metadata", NULL, &r);
    if (rc != FSE_OK || r.status != 200) {
        (void)snprintf(err, cap, "GET /fhir/metadata: %s",
                       rc != FSE_OK ? fse_error_last()->message : "not 200");
        hc_resp_free(&r);
        hc_conn_close(&s->conn);
        fse_free(s);
        return NULL;
    }
    hc_resp_free(&r);
    return s;
}

static void search_close(void *state)
{
    search_state *s = state;

    hc_conn_close(&s->conn);
    fse_free(s);
}

/* The Bundle's "total" (the writer is compact: "total":N), or -1. */
static long long bundle_total(const char *body)
{
    const char *p = body != NULL ? strstr(body, "\"total\":") : NULL;
    char *end = NULL;
    long long v;

    if (p == NULL) {
        return -1;
    }
    v = strtoll(p + 8, &end, 10);
    return end != p + 8 ? v : -1;
}

/* Parse the Bundle whole: its DocumentReference entries, or -1. */
static long long bundle_entries(const hc_resp *r)
{
    json_t *root = NULL;
    json_t *entries;
    long long n = 0;
    size_t i;

    if (fse_http_json_parse(&root, (const uint8_t *)r->body, r->body_len) != FSE_OK) {
        return -1;
    }
    entries = json_object_get(root, "entry");
    for (i = 0; json_is_array(entries) && i < json_array_size(entries); i++) {
        json_t *res = json_object_get(json_array_get(entries, i), "resource");
        const char *type = json_string_value(json_object_get(res, "resourceType"));

        n += type != NULL && strcmp(type, "DocumentReference") == 0 ? 1 : 0;
    }
    json_decref(root);
    return n;
}

static bool check_answer(const hc_resp *r, const bc_query *q, bool full, char *err, size_t cap)
{
    long long want_entries = (long long)(q->visible < BC_PAGE ? q->visible : BC_PAGE);
    long long total;
    long long entries;

    if (r->status != 200) {
        (void)snprintf(err, cap, "status %u: %.120s", r->status, r->body != NULL ? r->body : "");
        return false;
    }
    total = bundle_total(r->body);
    if (total != (long long)q->visible) {
        (void)snprintf(err, cap, "patient %llu: total %lld, expected %zu",
                       (unsigned long long)q->patient, total, q->visible);
        return false;
    }
    entries = full ? bundle_entries(r) : want_entries;
    if (entries != want_entries) {
        (void)snprintf(err, cap, "patient %llu: %lld DocumentReference entries, expected %lld",
                       (unsigned long long)q->patient, entries, want_entries);
        return false;
    }
    return true;
}

static bool search_one(void *state, const bc_query *q, bool full, uint64_t *ns_out, char *err,
                       size_t cap)
{
    search_state *s = state;
    hc_resp r;
    uint64_t t0 = tool_now_ns();
    fse_err rc = hc_roundtrip(&s->conn, q->request, q->request_len, &r);
    bool ok;

    *ns_out = tool_now_ns() - t0;
    if (rc != FSE_OK) {
        (void)snprintf(err, cap, "no answer: %s", fse_error_last()->message);
        hc_resp_free(&r);
        return false;
    }
    ok = check_answer(&r, q, full, err, cap);
    hc_resp_free(&r);
    return ok;
}

void bc_search_ops(bc_worker_ops *ops, const bc_node *n)
{
    ops->open = search_open;
    ops->one = search_one;
    ops->close = search_close;
    ops->ud = n;
}
