/*
 * src/bench_common.h - what the benchmarks that run a node (`fse bench
 * publish`, `fse bench consult`) share: the machine description, the load
 * average, latency percentiles, the process CPU clock, the cache
 * directories, JSON numbers and the in-memory test CA whose signer makes
 * the token pairs.
 *
 * Owns these helpers only; each benchmark owns its options, runs and
 * report (src/bench_publish.h, src/bench_consult.h). `fse bench validate`
 * keeps its own pinned-thread timing (src/bench.h). Public API only.
 */
#ifndef FSE_BENCH_COMMON_H
#define FSE_BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fse/json.h"
#include "fse/jwt.h"

/* Where and when a benchmark ran. */
typedef struct bench_machine {
    char date[32]; /* "2026-11-23 20:59:44 UTC" */
    char cpu_model[128];
    unsigned cpus;    /* online CPUs */
    char kernel[128]; /* "Linux 6.x x86_64" */
} bench_machine;

/* Fill m from /proc/cpuinfo, sysconf, uname and the clock. */
void bench_machine_describe(bench_machine *m);

/* The report lines "- date: ..." and "- machine: ..." of a run (Markdown). */
void bench_machine_md(FILE *f, const bench_machine *m, bool quick, double seconds_per_run,
                      double total_seconds, const char *load_before, const char *load_after);

/* The 1, 5 and 15 minute load averages as "a b c", "?" when unknown. */
void bench_load_average(char *out, size_t cap);

/* CPU time (user + system) of the whole process so far, in seconds. */
double bench_cpu_seconds(void);

/* Latency figures of a run, in milliseconds. */
typedef struct bench_pct {
    size_t n; /* samples counted */
    double p50_ms, p99_ms, max_ms, mean_ms;
} bench_pct;

/*
 * Percentiles of n samples: zero samples are skipped (no sample), the rest
 * sorted in place (values is reordered). unit_per_ms: 1000 for
 * microseconds, 1e6 for nanoseconds. p99 is the sample at rank
 * floor(k * 99 / 100) of the k counted.
 */
void bench_percentiles(bench_pct *out, uint64_t *values, size_t n, double unit_per_ms);

/* A growable list of samples owned by one thread. */
typedef struct bench_samples {
    uint64_t *v;
    size_t n, cap;
    bool lost; /* an append failed for lack of memory */
} bench_samples;

/* Append one sample; on allocation failure the sample is lost (noted). */
void bench_samples_add(bench_samples *s, uint64_t value);
void bench_samples_free(bench_samples *s);

/*
 * Percentiles over the samples of n_lists threads (merged into one
 * allocation; out->n stays 0 when it fails). Unit as bench_percentiles.
 */
void bench_samples_percentiles(bench_pct *out, const bench_samples *lists, size_t n_lists,
                               double unit_per_ms);

/* The cache directory of a benchmark: given (not NULL), else <name> beside
 * the fse binary, i.e. in its build directory. */
void bench_cache_dir(char *out, size_t cap, const char *given, const char *name);

/* mkdir -p with mode 0700; prints "fse bench <who>: path: error" and
 * returns false on failure. */
bool bench_make_dirs(const char *path, const char *who);

/* key: the number v printed with decimals digits (JSON number). */
void bench_json_num(fse_json *w, const char *key, double v, int decimals);

/* A test CA (RSA 2048, valid from a day ago for ten years), a signer it
 * issued (the signature certificate of the token pairs) and the CA's PEM
 * for the node's trust store. Free with fse_jwt_testca_free,
 * fse_jwt_cred_free and fse_free, also after a failure. */
fse_err bench_test_pki(fse_jwt_testca **ca_out, fse_jwt_cred **signer_out, char **ca_pem_out,
                       const char *ca_cn, const char *signer_cn);

#endif /* FSE_BENCH_COMMON_H */
