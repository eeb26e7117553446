/*
 * src/bench_consult.h - shared parts of `fse bench consult`: p50/p99
 * latency of a patient's document search with the policy applied
 * (GET /fhir/DocumentReference?patient.identifier=CF over HTTP), on a node
 * holding 1,000,000 documents of 100,000 patients, at 1 and 64 concurrent
 * clients, against the same search straight on the SQLite index (the
 * floor) measured in the same run.
 *
 * bench_consult.c owns the options, the order of the steps and the exit
 * code; bench_consult_model.c the synthetic patients (registry, consent,
 * documents) and what the GP token must see of each; bench_consult_load.c
 * the store built from the model through the store API (cached between
 * runs); bench_consult_node.c the in-process node and the pools of signed
 * queries; bench_consult_run.c the timed client threads and the HTTP
 * search; bench_consult_raw.c the index query on SQLite (the only file of
 * the tool that opens the database itself); bench_consult_out.c the
 * tables, consult.md, consult.json and the last line. Everything else uses
 * the public API, src/http_client.h and src/bench_common.h.
 */
#ifndef FSE_BENCH_CONSULT_H
#define FSE_BENCH_CONSULT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench_common.h"
#include "fse/consult.h"
#include "fse/http.h"
#include "fse/jwt.h"
#include "fse/policy.h"
#include "fse/store.h"

/* Entry point of `fse bench consult`. */
int bench_consult(int argc, char **argv);

/* Concurrency levels, in order; the goal is judged at BC_GOAL_CLIENTS. */
#define BC_N_LEVELS 2
#define BC_GOAL_CLIENTS 64
#define BC_GOAL_P99_MS 5.0
#define BC_GOAL_RATIO 2.0
/* Documents of every patient (the last may replace the one before it). */
#define BC_DOCS_PER_PATIENT 10
/* Clients of the untimed pass that checks every pooled answer. */
#define BC_CHECK_CLIENTS 2

/* ---- Options ------------------------------------------------------------ */

typedef struct bc_opts {
    bool quick;
    uint64_t patients;  /* in the store; documents = patients x BC_DOCS_PER_PATIENT */
    double seconds;     /* per timed run */
    unsigned threads;   /* server threads and consultation slots */
    size_t pool;        /* patients with a signed pair, searched in turn */
    size_t cached_pool; /* pairs of the "pair cached" scenario (fit the node's cache) */
    char cache_dir[PATH_MAX];
    char results_dir[PATH_MAX];
    char out_md[PATH_MAX + 16];
    char out_json[PATH_MAX + 16];
} bc_opts;

/* ---- The synthetic node population (bench_consult_model.c) -------------- */

/* One document of a patient. */
typedef struct bc_doc {
    const char *loinc;
    const char *class_code;
    const char *format_code;
    char creation[15];   /* yyyyMMddHHmmss */
    unsigned visibility; /* FSE_STORE_VIS_* */
    bool by_gp;          /* written by the patient's GP (a prescription, the PSS) */
    unsigned facility;   /* the producing hospital when not by_gp */
    bool replaces;       /* replaces the patient's previous document */
    bool replaced;       /* replaced by the next one: deprecated */
} bc_doc;

/* A patient as the model makes it: a pure function of the index and the
 * store's base time, so any run can tell what the store holds. */
typedef struct bc_patient {
    uint64_t index;
    char cf[17];
    char birth[9]; /* yyyyMMdd */
    unsigned gp;
    char gp_cf[17];
    int64_t gp_from_ms;
    size_t n_consents; /* cura acts: 0, 1 (given) or 2 (given, then revoked) */
    int64_t consent_ms[2];
    size_t n_docs;
    bc_doc docs[BC_DOCS_PER_PATIENT];
} bc_patient;

void bc_model_patient(bc_patient *p, uint64_t index, uint64_t n_patients, int64_t base_ms);
/* Number of GPs for a population (about 1,500 patients each). */
unsigned bc_model_n_gps(uint64_t n_patients);
/* A valid codice fiscale for person number code (patients, GPs, hospital
 * doctors live in separate ranges). */
void bc_model_cf(char out[17], uint64_t code, const char *birth, bool female);
/* The GP's practice (token locality, author institution of the GP's
 * documents) and a hospital, as XON. */
void bc_model_practice(char *out, size_t cap, unsigned gp);
void bc_model_facility(char *out, size_t cap, unsigned facility);
/* The CF of a hospital's doctor (author of its documents). */
void bc_model_hospital_doctor(char out[17], unsigned facility);
/* Under 18 at at_ms (as lib/consult computes it from the registry). */
bool bc_model_minor(const char *birth, int64_t at_ms);
/* Whether the cura consent is effective at now_ms (DM23 art.8 c.2). */
bool bc_model_consent_effective(const bc_patient *p, int64_t now_ms);
/* Documents the search must answer for the patient's GP (role APR, purpose
 * TREATMENT, locality = the practice): docs/policy.md worked out by hand. */
size_t bc_model_visible(const bc_patient *p, const fse_policy *pol, int64_t now_ms);
/* Current (approved) documents: the rows of the raw index query. */
size_t bc_model_current(const bc_patient *p);
/* The patient behind pool entry k of a pool of n (spread over the store). */
uint64_t bc_model_pool_patient(size_t k, size_t n, uint64_t n_patients);

/* ---- The store (bench_consult_load.c) ----------------------------------- */

typedef struct bc_store {
    char dir[PATH_MAX];
    char db[PATH_MAX + 32];
    char key[PATH_MAX + 32];
    char stamp[PATH_MAX + 32]; /* store.txt: what was loaded, when, how long it took */
    uint64_t patients;
    uint64_t docs;
    int64_t base_ms; /* the model's base time (the load's clock) */
    double load_seconds;
    double load_mb;
    bool reused;
    char made_on[32];
} bc_store;

/* The cached store in opts->cache_dir when its stamp matches, else a new
 * one built from the model. Progress on stderr; false after printing. */
bool bc_store_prepare(bc_store *s, const bc_opts *opts);

/* ---- The node and its queries (bench_consult_node.c) -------------------- */

/* One prepared search: the patient, what the answer must say, the raw
 * request bytes with the GP's token pair. */
typedef struct bc_query {
    uint64_t patient;
    char cf[17];
    char ref[FSE_STORE_REF_LEN]; /* keyed patient reference (raw index query) */
    size_t visible;              /* "total" the search must answer */
    size_t current;              /* rows the raw index query must return */
    char *request;               /* GET ... HTTP/1.1 with both tokens (fse_free) */
    size_t request_len;
} bc_query;

typedef struct bc_node {
    fse_consult *cs;
    fse_http_server *srv;
    uint16_t port;
    unsigned threads;
    fse_jwt_testca *ca;
    fse_jwt_cred *signer;
    char *ca_pem;
    fse_policy *policy; /* the shipped matrix, for the model's expectations */
    bc_query *fresh;    /* the main pool */
    size_t n_fresh;
    bc_query *cached; /* the small pool whose pairs stay in the node's cache */
    size_t n_cached;
    double sign_seconds;
    double start_seconds;
} bc_node;

/* Start the consultation service and the HTTP server on 127.0.0.1:0. */
bool bc_node_start(bc_node *n, const bc_opts *opts, const bc_store *s);
/* Sign the pairs and build both query pools. */
bool bc_node_pools(bc_node *n, const bc_opts *opts, const bc_store *s);
void bc_node_stop(bc_node *n);

/* ---- Runs (bench_consult_run.c, bench_consult_raw.c) -------------------- */

typedef enum bc_scenario {
    BC_RAW = 0,           /* the index query on SQLite: the floor */
    BC_SEARCH = 1,        /* the FHIR search, pairs from the main pool */
    BC_SEARCH_CACHED = 2, /* the same with the small pool: pairs verified once */
    BC_N_SCENARIOS = 3
} bc_scenario;

typedef struct bc_run {
    bc_scenario scenario;
    unsigned clients;
    bool done;
    uint64_t requests;    /* answered as expected */
    uint64_t errors;      /* other answers, wrong totals or transport failures */
    uint64_t full_checks; /* answers parsed whole and their entries counted */
    char first_error[200];
    double seconds;
    double per_s;
    double cpu_ms_per_req; /* whole process: server, clients */
    bench_pct lat;
} bc_run;

/* What a worker thread does, per scenario. */
typedef struct bc_worker_ops {
    /* Per-thread state; NULL after writing the reason into err. */
    void *(*open)(const void *ud, char *err, size_t cap);
    /* One query, timed inside (*ns_out); false after writing the reason. */
    bool (*one)(void *state, const bc_query *q, bool full_check, uint64_t *ns_out, char *err,
                size_t cap);
    void (*close)(void *state);
    const void *ud;
} bc_worker_ops;

/*
 * Run `clients` threads over pool: for seconds when seconds > 0 (the pool
 * taken in turn, round and round), else one pass over it with every answer
 * checked whole (the untimed check before the runs).
 */
void bc_drive(bc_run *out, const bc_worker_ops *ops, const bc_query *pool, size_t n_pool,
              unsigned clients, double seconds);

/* The HTTP search against the node, and the index query on the store. */
void bc_search_ops(bc_worker_ops *ops, const bc_node *n);
void bc_raw_ops(bc_worker_ops *ops, const bc_store *s);
/* SQLite's plan of the index query ("SEARCH documents USING INDEX ..."). */
bool bc_raw_plan(char *out, size_t cap, const bc_store *s);
/* The index query's SQL text (static). */
const char *bc_raw_sql(void);

/* ---- Report (bench_consult_out.c) --------------------------------------- */

typedef struct bc_results {
    const bc_opts *opts;
    const bc_store *store;
    const bc_node *node;
    unsigned levels[BC_N_LEVELS];
    bc_run runs[BC_N_SCENARIOS][BC_N_LEVELS];
    bc_run checks[BC_N_SCENARIOS]; /* the untimed passes over the pools */
    bench_machine machine;
    char plan[512]; /* SQLite's plan of the index query */
    char load_before[64];
    char load_after[64];
    double total_seconds;
} bc_results;

bool bc_goal_met(const bc_results *r);
void bc_output_table(FILE *out, const bc_results *r);
/* "bench consult: ... met|not met" */
void bc_output_last_line(FILE *out, const bc_results *r);
/* consult.md and consult.json; false after printing the error. */
bool bc_output_files(const bc_results *r);

#endif /* FSE_BENCH_CONSULT_H */
