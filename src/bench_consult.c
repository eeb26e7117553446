/*
 * src/bench_consult.c - `fse bench consult`: p50/p99 latency of a
 * patient's document search with the policy applied, over HTTP, at 1 and
 * 64 concurrent clients, on a node holding 1,000,000 documents of 100,000
 * patients (50,000 of 5,000 with --quick), against the same search's index
 * query run straight on SQLite in the same run. Not a test: it measures,
 * writes bench/results/consult.md and consult.json and ends with
 * "bench consult: ... met|not met".
 *
 * Owns the options, the order of the steps (store, node, signed pools, an
 * untimed pass checking every pooled answer, then per concurrency level
 * the index query, the search and the search with cached pairs) and the
 * exit code (0 the benchmark ran, met or not; 2 usage or set-up error).
 * The parts are bench_consult_{model,load,node,run,raw,out}.c.
 */
#include "bench_consult.h"

#include <stdlib.h>
#include <string.h>

#include "tool.h"

#define BC_PATIENTS_FULL 100000
#define BC_PATIENTS_QUICK 5000
#define BC_SECONDS_FULL 10.0
#define BC_SECONDS_QUICK 2.0
#define BC_POOL_FULL 2000
#define BC_POOL_QUICK 500
#define BC_CACHED_POOL 64

static const unsigned levels[BC_N_LEVELS] = {1, BC_GOAL_CLIENTS};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: fse bench consult [--quick] [--patients N] [--seconds S] [--threads N]\n"
            "                         [--tokens N] [--cache DIR] [--results DIR]\n"
            "\n"
            "p50/p99 latency of GET /fhir/DocumentReference?patient.identifier=CF (the GP's\n"
            "token pair, the policy applied, the search audited) over HTTP at 1 and %d\n"
            "clients, on a node holding %d patients with %d documents each, against the\n"
            "same search's index query run straight on SQLite (the floor). The store is\n"
            "built once into the cache directory and reused; --quick uses %d patients and\n"
            "%.0f s per run.\n"
            "\n"
            "  --quick        reduced run, under a minute\n"
            "  --patients N   patients in the store (documents: N x %d)\n"
            "  --seconds S    length of each timed run (default %.0f, quick %.0f)\n"
            "  --threads N    server threads and consultation slots (default: server.threads)\n"
            "  --tokens N     patients searched in turn, one signed pair each (default %d,\n"
            "                 quick %d)\n"
            "  --cache DIR    where stores are kept (default: bench-consult beside the fse\n"
            "                 binary, i.e. in its build directory)\n"
            "  --results DIR  where consult.md and consult.json go (default bench/results in\n"
            "                 the sources)\n",
            BC_GOAL_CLIENTS, BC_PATIENTS_FULL, BC_DOCS_PER_PATIENT, BC_PATIENTS_QUICK,
            BC_SECONDS_QUICK, BC_DOCS_PER_PATIENT, BC_SECONDS_FULL, BC_SECONDS_QUICK, BC_POOL_FULL,
            BC_POOL_QUICK);
}

/* One option with a value; false when unknown or malformed. */
static bool parse_value(const char *name, const char *val, long *patients, long *threads,
                        long *tokens, double *seconds, const char **cache, const char **results)
{
    char *end = NULL;

    if (strcmp(name, "--patients") == 0) {
        return tool_parse_long(val, 10, 10000000, patients);
    }
    if (strcmp(name, "--threads") == 0) {
        return tool_parse_long(val, 1, 256, threads);
    }
    if (strcmp(name, "--tokens") == 0) {
        return tool_parse_long(val, 1, 100000, tokens);
    }
    if (strcmp(name, "--seconds") == 0) {
        *seconds = strtod(val, &end);
        return end != val && *end == '\0' && *seconds > 0 && *seconds <= 3600;
    }
    if (strcmp(name, "--cache") == 0) {
        *cache = val;
        return true;
    }
    if (strcmp(name, "--results") == 0) {
        *results = val;
        return true;
    }
    return false;
}

/* Defaults, then the flags. 0 run, 1 help shown, 2 usage error. */
static int parse_args(bc_opts *o, int argc, char **argv)
{
    const char *cache = NULL;
    const char *results = FSE_SOURCE_DIR "/bench/results";
    long patients = 0;
    long threads = 0;
    long tokens = 0;
    double seconds = 0;
    fse_config cfg;
    int i;

    memset(o, 0, sizeof(*o));
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 1;
        }
        if (strcmp(argv[i], "--quick") == 0) {
            o->quick = true;
            continue;
        }
        if (i + 1 >= argc || !parse_value(argv[i], argv[i + 1], &patients, &threads, &tokens,
                                          &seconds, &cache, &results)) {
            fprintf(stderr, "fse bench consult: unknown option or bad value: %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
        i++;
    }
    if (!tool_config_load(&cfg, NULL)) {
        return 2;
    }
    o->patients = (uint64_t)(patients > 0 ? patients
                             : o->quick   ? BC_PATIENTS_QUICK
                                          : BC_PATIENTS_FULL);
    o->seconds = seconds > 0 ? seconds : o->quick ? BC_SECONDS_QUICK : BC_SECONDS_FULL;
    o->threads = threads > 0 ? (unsigned)threads : (unsigned)cfg.server.threads;
    o->pool = (size_t)(tokens > 0 ? tokens : o->quick ? BC_POOL_QUICK : BC_POOL_FULL);
    o->pool = o->pool < o->patients ? o->pool : (size_t)o->patients;
    o->cached_pool = BC_CACHED_POOL < o->pool ? BC_CACHED_POOL : o->pool;
    bench_cache_dir(o->cache_dir, sizeof(o->cache_dir), cache, "bench-consult");
    (void)snprintf(o->results_dir, sizeof(o->results_dir), "%s", results);
    (void)snprintf(o->out_md, sizeof(o->out_md), "%s/consult.md", o->results_dir);
    (void)snprintf(o->out_json, sizeof(o->out_json), "%s/consult.json", o->results_dir);
    return 0;
}

static void show(const char *what, const bc_run *r)
{
    fprintf(stderr,
            "  %-24s %3u clients: %8.0f req/s, p50 %7.3f ms, p99 %7.3f ms, max %7.1f ms, "
            "%llu errors%s%s\n",
            what, r->clients, r->per_s, r->lat.p50_ms, r->lat.p99_ms, r->lat.max_ms,
            (unsigned long long)r->errors, r->errors > 0 ? ": " : "",
            r->errors > 0 ? r->first_error : "");
}

/* The untimed pass: every pooled answer checked whole. */
static void check_pools(bc_results *r, const bc_node *n, const bc_store *s)
{
    bc_worker_ops search;
    bc_worker_ops raw;

    bc_search_ops(&search, n);
    bc_raw_ops(&raw, s);
    fprintf(stderr, "fse bench consult: checking every pooled answer (untimed)\n");
    bc_drive(&r->checks[BC_RAW], &raw, n->fresh, n->n_fresh, BC_CHECK_CLIENTS, 0);
    show("check: index query", &r->checks[BC_RAW]);
    bc_drive(&r->checks[BC_SEARCH], &search, n->fresh, n->n_fresh, BC_CHECK_CLIENTS, 0);
    show("check: search", &r->checks[BC_SEARCH]);
    bc_drive(&r->checks[BC_SEARCH_CACHED], &search, n->cached, n->n_cached, BC_CHECK_CLIENTS, 0);
    show("check: search, cached", &r->checks[BC_SEARCH_CACHED]);
}

/* Per level: the floor, the search, the search with cached pairs. */
static void measure_all(bc_results *r, const bc_node *n, const bc_store *s, double seconds)
{
    bc_worker_ops search;
    bc_worker_ops raw;
    size_t i;

    bc_search_ops(&search, n);
    bc_raw_ops(&raw, s);
    fprintf(stderr, "fse bench consult: %.1f s per run, %u server threads\n", seconds, n->threads);
    for (i = 0; i < BC_N_LEVELS; i++) {
        r->levels[i] = levels[i];
        bc_drive(&r->runs[BC_RAW][i], &raw, n->fresh, n->n_fresh, levels[i], seconds);
        show("SQLite index query", &r->runs[BC_RAW][i]);
        bc_drive(&r->runs[BC_SEARCH][i], &search, n->fresh, n->n_fresh, levels[i], seconds);
        show("search", &r->runs[BC_SEARCH][i]);
        bc_drive(&r->runs[BC_SEARCH_CACHED][i], &search, n->cached, n->n_cached, levels[i],
                 seconds);
        show("search, pair cached", &r->runs[BC_SEARCH_CACHED][i]);
    }
}

/* Node, pools, checks and runs; false when the node could not be set up. */
static bool run_node(bc_results *r, bc_node *n, const bc_opts *o, const bc_store *s)
{
    if (!bc_node_start(n, o, s) || !bc_node_pools(n, o, s)) {
        return false;
    }
    (void)bc_raw_plan(r->plan, sizeof(r->plan), s);
    bench_load_average(r->load_before, sizeof(r->load_before));
    check_pools(r, n, s);
    measure_all(r, n, s, o->seconds);
    bench_load_average(r->load_after, sizeof(r->load_after));
    return true;
}

/* Tables on stdout, the result files, then the last line. */
static int report(const bc_results *r)
{
    bool written;

    printf("\n");
    bc_output_table(stdout, r);
    printf("\nreport: %s\n", r->opts->out_md);
    written = bc_output_files(r);
    bc_output_last_line(stdout, r);
    return written ? 0 : 2;
}

/* Everything after the options; the exit code. */
static int run(const bc_opts *o, uint64_t t0)
{
    bc_store s;
    bc_node n;
    bc_results r;
    int status = 2;

    memset(&n, 0, sizeof(n));
    memset(&r, 0, sizeof(r));
    r.opts = o;
    r.store = &s;
    r.node = &n;
    bench_machine_describe(&r.machine);
    if (bc_store_prepare(&s, o) && run_node(&r, &n, o, &s)) {
        r.total_seconds = (double)(tool_now_ns() - t0) / 1e9;
        status = report(&r);
    }
    bc_node_stop(&n);
    return status;
}

int bench_consult(int argc, char **argv)
{
    uint64_t t0 = tool_now_ns();
    bc_opts o;

    switch (parse_args(&o, argc, argv)) {
    case 0:
        return run(&o, t0);
    case 1:
        return 0; /* --help */
    default:
        return 2;
    }
}
