/*
 * src/bench_publish.h - shared parts of `fse bench publish`: documents/s and
 * latency of the Gateway's validation + publication over HTTP, on a node
 * that already holds many documents, against the validation-only call
 * (activity VERIFICA) measured in the same run.
 *
 * cmd_bench_publish.c owns the options, the order of the steps and the last
 * line; bench_publish_load.c the pre-loaded store (built through the store
 * API in bulk transactions, cached between full runs); bench_publish_run.c
 * the in-process node, the document pool and the timed client runs;
 * bench_publish_out.c the tables and bench/results/publish.md. Everything
 * here uses the public API, src/http_client.h and src/bench_common.h only.
 */
#ifndef FSE_BENCH_PUBLISH_H
#define FSE_BENCH_PUBLISH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench_common.h"
#include "fse/gateway.h"
#include "fse/http.h"
#include "fse/jwt.h"
#include "http_client.h"

/* Concurrency levels measured, in order; the goal is judged at BP_GOAL_CLIENTS. */
#define BP_N_LEVELS 3
#define BP_GOAL_CLIENTS 16
#define BP_GOAL_DOCS_PER_S 1000.0
#define BP_GOAL_P99_MS 50.0

/* The options of a run. */
typedef struct bp_opts {
    bool quick;
    uint64_t preload; /* documents in the store before the runs */
    double seconds;   /* per timed run */
    unsigned threads; /* server threads (and gateway slots) */
    char cache_dir[PATH_MAX];
    char out_path[PATH_MAX];
    char rules_dir[1024];
} bp_opts;

/* The pre-loaded store the node runs on. */
typedef struct bp_store {
    char dir[PATH_MAX];
    char db[PATH_MAX + 32];
    char key[PATH_MAX + 32];
    char meta[PATH_MAX + 32]; /* preload.txt: count, seconds, next generator index */
    uint64_t n_docs;          /* documents pre-loaded */
    double load_seconds;      /* how long the pre-load took (when it was made) */
    double load_mb;           /* database size after the pre-load, MB */
    bool reused;              /* loaded by an earlier run */
    bool temporary;           /* removed at the end (--quick) */
    uint64_t next_index;      /* first generator index for this run's documents */
    uint64_t earlier_docs;    /* documents published into it by earlier runs */
    char made_on[32];         /* date of the pre-load */
} bp_store;

/*
 * Give s a store holding opts->preload documents: the cached one in
 * opts->cache_dir when it holds that many (full run), else a new one,
 * filled through fse_store_doc_put in transactions of many documents.
 * Progress on stderr. false after printing the error.
 */
bool bp_store_prepare(bp_store *s, const bp_opts *opts);
/* Record where the next run's documents start and how many this run
 * published; remove a temporary store. */
void bp_store_finish(bp_store *s, uint64_t used_indexes, uint64_t published);

/* One timed run: publish (validation + publication) or VERIFICA only. */
typedef struct bp_run {
    unsigned clients;
    bool done;
    uint64_t docs;   /* documents completed as expected (202, or 200 for VERIFICA) */
    uint64_t errors; /* other answers or transport failures */
    char first_error[160];
    double seconds;
    double docs_per_s;
    double p50_ms, p99_ms, max_ms; /* per document: both calls for publish */
    double cpu_ms_per_doc;         /* whole process (server, worker and clients) */
    size_t outbox_left;            /* jobs pending when the run ended */
    double outbox_drain_s;         /* time to drain them afterwards */
} bp_run;

/* The node under test and its document pool. */
typedef struct bp_node {
    fse_gateway *gw;
    fse_http_server *srv;
    uint16_t port;
    fse_jwt_testca *ca;
    fse_jwt_cred *signer;
    char *ca_pem;
    hc_doc *docs;
    size_t n_docs;
    size_t level_first[BP_N_LEVELS]; /* the pool slice of each level */
    size_t level_count[BP_N_LEVELS];
    double build_seconds;
    double start_seconds;
    unsigned threads;
} bp_node;

/* Start the gateway (worker on) and the server on 127.0.0.1 port 0 over
 * the store, and drain the outbox left by earlier runs. */
bool bp_node_start(bp_node *n, const bp_opts *opts, const bp_store *s);
/* Build the document pool: per level a slice of new documents. */
bool bp_node_build_pool(bp_node *n, const bp_opts *opts, const bp_store *s);
void bp_node_stop(bp_node *n);

/* Run `clients` keep-alive clients for opts->seconds (or until the level's
 * documents are used): publish, or VERIFICA only when verify. */
void bp_measure(bp_run *out, bp_node *n, const bp_opts *opts, const bp_store *s, size_t level,
                unsigned clients, bool verify);

/* Everything a report needs. */
typedef struct bp_results {
    const bp_opts *opts;
    const bp_store *store;
    const bp_node *node;
    unsigned levels[BP_N_LEVELS];
    bp_run publish[BP_N_LEVELS];
    bp_run verify[BP_N_LEVELS];
    bench_machine machine;
    char load_before[64]; /* /proc/loadavg: 1, 5, 15 minutes */
    char load_after[64];
    double total_seconds;
} bp_results;

/* The results table (Markdown) to out. */
void bp_output_table(FILE *out, const bp_results *r);
/* The last line: "bench publish: ... met|not met". */
void bp_output_last_line(FILE *out, const bp_results *r);
/* Write bench/results/publish.md (opts->out_path); false after printing the error. */
bool bp_output_md(const bp_results *r);
/* Whether the goal is met. */
bool bp_goal_met(const bp_results *r);

#endif /* FSE_BENCH_PUBLISH_H */
