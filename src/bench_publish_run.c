/*
 * src/bench_publish_run.c - the node `fse bench publish` measures and its
 * timed runs.
 *
 * Owns the in-process node (gateway with its outbox worker and HTTP server
 * on 127.0.0.1, as `fse serve` runs them: PAdES check off for the unsigned
 * generated PDFs, no rate limit, a test CA in memory), the document pool
 * (built before any timing, one slice of new documents per concurrency
 * level), and the runs: N client threads, one keep-alive connection each,
 * sending prepared requests for a fixed time and recording each document's
 * latency; the outbox backlog after a run and the time to drain it. Does not
 * own the pre-loaded store (bench_publish_load.c) or the report.
 */
#include "bench_publish.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fse/gen.h"
#include "fse/store.h"
#include "tool.h"

#define BP_AUDIENCE "http://127.0.0.1/v1"
#define BP_RUN_SEED 77
#define BP_CLIENT_TIMEOUT_MS 120000
#define BP_MAX_CLIENTS 64
/* Latencies kept per run (VERIFICA runs cycle over the level's documents). */
#define BP_MAX_LATENCIES 200000u
/* Documents built per level: enough for the run's seconds at a few
 * thousand documents/s, fewer for one client and for --quick. */
static const size_t level_docs_full[BP_N_LEVELS] = {1500, 5000, 5000};
static const size_t level_docs_quick[BP_N_LEVELS] = {300, 800, 800};

/* ---- The node ----------------------------------------------------------- */

/* Run the jobs earlier runs left, so every run starts with an empty queue. */
static void drain_outbox(bp_node *n)
{
    size_t ran = 0;

    (void)fse_gateway_outbox_run(n->gw, 0, &ran);
    if (ran > 0) {
        fprintf(stderr, "fse bench publish: ran %zu outbox jobs left by an earlier run\n", ran);
    }
}

bool bp_node_start(bp_node *n, const bp_opts *opts, const bp_store *s)
{
    fse_gateway_opts go = FSE_GATEWAY_OPTS_INIT;
    fse_http_opts ho;
    uint64_t t0 = tool_now_ns();
    fse_err rc;

    memset(n, 0, sizeof(*n));
    n->threads = opts->threads;
    rc = bench_test_pki(&n->ca, &n->signer, &n->ca_pem, "FSE BENCH CA", "S1#120#FSEBENCH");
    go.rules_dir = opts->rules_dir;
    go.store_path = s->db;
    go.master_key_path = s->key;
    go.ca_pem = n->ca_pem;
    go.ca_pem_len = n->ca_pem != NULL ? strlen(n->ca_pem) : 0;
    go.audience = BP_AUDIENCE;
    go.pades_check_off = true;
    go.n_slots = opts->threads;
    go.outbox_poll_ms = 200;
    memset(&ho, 0, sizeof(ho));
    ho.threads = opts->threads;
    ho.max_connections = 512;
    ho.max_connections_per_ip = 256;
    if (rc == FSE_OK) {
        rc = fse_gateway_new(&n->gw, &go);
    }
    if (rc == FSE_OK) {
        rc = fse_http_server_new(&n->srv, &ho);
    }
    if (rc == FSE_OK) {
        rc = fse_gateway_routes(n->gw, n->srv);
    }
    if (rc == FSE_OK) {
        drain_outbox(n);
        rc = fse_gateway_worker_start(n->gw);
    }
    if (rc == FSE_OK) {
        rc = fse_http_server_start(n->srv);
    }
    if (rc != FSE_OK) {
        fprintf(stderr, "fse bench publish: node: %s\n", fse_error_last()->message);
        return false;
    }
    n->port = fse_http_server_port(n->srv);
    n->start_seconds = (double)(tool_now_ns() - t0) / 1e9;
    return true;
}

void bp_node_stop(bp_node *n)
{
    size_t i;

    fse_gateway_worker_stop(n->gw);
    fse_http_server_free(n->srv);
    fse_gateway_free(n->gw);
    for (i = 0; n->docs != NULL && i < n->n_docs; i++) {
        hc_doc_free(&n->docs[i]);
    }
    fse_free(n->docs);
    fse_free(n->ca_pem);
    fse_jwt_cred_free(n->signer);
    fse_jwt_testca_free(n->ca);
    memset(n, 0, sizeof(*n));
}

/* ---- The document pool -------------------------------------------------- */

typedef struct pool_ctx {
    const fse_doc_type *types;
    size_t n_types;
    uint64_t first_index;
    hc_doc_opts opts;
} pool_ctx;

/* Document i: type i mod 9, a generator index no earlier run used. */
static fse_err make_doc(hc_doc *d, size_t i, void *ud)
{
    const pool_ctx *p = ud;

    return hc_doc_generate(d, BP_RUN_SEED, p->types[i % p->n_types],
                           p->first_index + i / p->n_types + 1, &p->opts);
}

bool bp_node_build_pool(bp_node *n, const bp_opts *opts, const bp_store *s)
{
    const size_t *per_level = opts->quick ? level_docs_quick : level_docs_full;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t t0 = tool_now_ns();
    pool_ctx p;
    size_t i;

    memset(&p, 0, sizeof(p));
    p.types = fse_gen_types(&p.n_types);
    p.first_index = s->next_index;
    p.opts.signer = n->signer;
    p.opts.audience = BP_AUDIENCE;
    p.opts.iat = (int64_t)time(NULL) - 60;
    p.opts.host = "127.0.0.1";
    p.opts.with_verification = true;
    for (i = 0; i < BP_N_LEVELS; i++) {
        n->level_first[i] = n->n_docs;
        n->level_count[i] = per_level[i];
        n->n_docs += per_level[i];
    }
    n->docs = fse_calloc(n->n_docs, sizeof(*n->docs));
    if (n->docs == NULL) {
        fprintf(stderr, "fse bench publish: out of memory\n");
        return false;
    }
    fprintf(stderr, "fse bench publish: building %zu documents (PDF, two token pairs, requests)\n",
            n->n_docs);
    if (hc_build_all(n->docs, n->n_docs, cpus > 0 ? (unsigned)cpus : 1, make_doc, &p, NULL) !=
        FSE_OK) {
        fprintf(stderr, "fse bench publish: documents: %s\n", fse_error_last()->message);
        return false;
    }
    n->build_seconds = (double)(tool_now_ns() - t0) / 1e9;
    return true;
}

/* ---- Timed runs --------------------------------------------------------- */

typedef struct run_ctx {
    bp_node *node;
    bool verify;
    size_t first, count;
    uint64_t deadline_ns;
    _Atomic size_t next;
    _Atomic uint64_t ok;
    _Atomic uint64_t errors;
    uint64_t *latency_us; /* per taken slot; 0: not completed as expected */
    size_t n_latency;
    pthread_mutex_t lock; /* guards first_error */
    char first_error[160];
} run_ctx;

static void note_error(run_ctx *r, const hc_outcome *o)
{
    atomic_fetch_add(&r->errors, 1);
    pthread_mutex_lock(&r->lock);
    if (r->first_error[0] == '\0') {
        if (o->answered) {
            (void)snprintf(r->first_error, sizeof(r->first_error), "%u %s", o->status, o->problem);
        } else {
            (void)snprintf(r->first_error, sizeof(r->first_error), "no answer: %s",
                           fse_error_last()->message);
        }
    }
    pthread_mutex_unlock(&r->lock);
}

static void *client_main(void *arg)
{
    run_ctx *r = arg;
    hc_conn c;

    hc_conn_init(&c, "127.0.0.1", r->node->port, BP_CLIENT_TIMEOUT_MS);
    while (tool_now_ns() < r->deadline_ns) {
        size_t slot = atomic_fetch_add(&r->next, 1);
        const hc_doc *d;
        hc_outcome o;
        bool ok;

        /* Publishing needs a new document each time; VERIFICA cycles. */
        if (!r->verify && slot >= r->count) {
            break;
        }
        d = &r->node->docs[r->first + slot % r->count];
        if (r->verify) {
            ok = hc_verify(&c, d, &o) == FSE_OK && o.status == 200;
        } else {
            ok = hc_publish(&c, d, &o) == FSE_OK && o.published;
        }
        if (ok) {
            atomic_fetch_add(&r->ok, 1);
            if (slot < r->n_latency) {
                r->latency_us[slot] = o.validation_us + o.publication_us;
            }
        } else {
            note_error(r, &o);
        }
    }
    hc_conn_close(&c);
    return NULL;
}

/* p50, p99 and max of the recorded latencies (microseconds, 0: none). */
static void percentiles(bp_run *out, uint64_t *lat, size_t n)
{
    bench_pct pct;

    bench_percentiles(&pct, lat, n, 1000.0);
    out->p50_ms = pct.p50_ms;
    out->p99_ms = pct.p99_ms;
    out->max_ms = pct.max_ms;
}

/* Jobs still queued, and how long the worker takes to finish them. */
static void outbox_backlog(bp_run *out, const bp_store *s)
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_store *st = NULL;
    uint64_t t0 = tool_now_ns();
    size_t pending = 0;
    size_t leased = 0;

    so.path = s->db;
    so.master_key_path = s->key;
    if (fse_store_open(&st, &so) != FSE_OK) {
        return;
    }
    (void)fse_store_outbox_count(&pending, st, FSE_STORE_JOB_PENDING);
    out->outbox_left = pending;
    while (pending + leased > 0 && tool_now_ns() - t0 < 600ull * 1000000000ull) {
        usleep(50000);
        if (fse_store_outbox_count(&pending, st, FSE_STORE_JOB_PENDING) != FSE_OK ||
            fse_store_outbox_count(&leased, st, FSE_STORE_JOB_LEASED) != FSE_OK) {
            break;
        }
    }
    out->outbox_drain_s = (double)(tool_now_ns() - t0) / 1e9;
    fse_store_free(st);
}

void bp_measure(bp_run *out, bp_node *n, const bp_opts *opts, const bp_store *s, size_t level,
                unsigned clients, bool verify)
{
    pthread_t tids[BP_MAX_CLIENTS];
    run_ctx r;
    unsigned started = 0;
    uint64_t t0;
    double cpu0;
    unsigned i;

    memset(out, 0, sizeof(*out));
    memset(&r, 0, sizeof(r));
    out->clients = clients;
    r.node = n;
    r.verify = verify;
    r.first = n->level_first[level];
    r.count = n->level_count[level];
    r.n_latency = r.count > BP_MAX_LATENCIES ? r.count : BP_MAX_LATENCIES;
    r.latency_us = fse_calloc(r.n_latency, sizeof(*r.latency_us));
    if (r.latency_us == NULL || clients > BP_MAX_CLIENTS) {
        (void)snprintf(out->first_error, sizeof(out->first_error), "cannot run");
        fse_free(r.latency_us);
        return;
    }
    pthread_mutex_init(&r.lock, NULL);
    cpu0 = bench_cpu_seconds();
    t0 = tool_now_ns();
    r.deadline_ns = t0 + (uint64_t)(opts->seconds * 1e9);
    for (i = 0; i < clients; i++) {
        if (pthread_create(&tids[started], NULL, client_main, &r) == 0) {
            started++;
        }
    }
    for (i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
    }
    out->seconds = (double)(tool_now_ns() - t0) / 1e9;
    out->docs = atomic_load(&r.ok);
    out->errors = atomic_load(&r.errors);
    out->docs_per_s = out->seconds > 0 ? (double)out->docs / out->seconds : 0.0;
    out->cpu_ms_per_doc =
        out->docs > 0 ? (bench_cpu_seconds() - cpu0) * 1000.0 / (double)out->docs : 0.0;
    (void)snprintf(out->first_error, sizeof(out->first_error), "%s", r.first_error);
    percentiles(out, r.latency_us, r.n_latency);
    out->done = true;
    if (!verify) {
        outbox_backlog(out, s);
    }
    fse_free(r.latency_us);
    pthread_mutex_destroy(&r.lock);
}
