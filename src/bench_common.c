/*
 * src/bench_common.c - the helpers the node benchmarks share (see
 * bench_common.h): machine description, load average, process CPU time,
 * latency samples and percentiles, cache directories, JSON numbers and
 * the test PKI.
 *
 * Owns nothing that outlives a call except the sample lists, which belong
 * to the thread that fills them until it is joined.
 */
#include "bench_common.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "fse/util.h"

/* First sample list allocation; it doubles from there. */
#define SAMPLES_FIRST 4096u

static void cpu_model(char *out, size_t cap)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];

    (void)snprintf(out, cap, "unknown CPU");
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        const char *colon = strchr(line, ':');

        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            (void)snprintf(out, cap, "%.*s", (int)strcspn(colon + 2, "\n"), colon + 2);
            break;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
}

void bench_machine_describe(bench_machine *m)
{
    struct utsname u;
    time_t now = time(NULL);
    struct tm tm;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    memset(m, 0, sizeof(*m));
    cpu_model(m->cpu_model, sizeof(m->cpu_model));
    m->cpus = cpus > 0 ? (unsigned)cpus : 1;
    if (uname(&u) == 0) {
        (void)snprintf(m->kernel, sizeof(m->kernel), "%s %s %s", u.sysname, u.release, u.machine);
    }
    gmtime_r(&now, &tm);
    (void)strftime(m->date, sizeof(m->date), "%Y-%m-%d %H:%M:%S UTC", &tm);
}

void bench_machine_md(FILE *f, const bench_machine *m, bool quick, double seconds_per_run,
                      double total_seconds, const char *load_before, const char *load_after)
{
    fprintf(f, "- date: %s; %s run, %.0f s per timed run, %.0f s in all\n", m->date,
            quick ? "quick (--quick)" : "full", seconds_per_run, total_seconds);
    fprintf(f, "- machine: %s, %u CPUs, %s; load average before the runs %s, after %s\n",
            m->cpu_model, m->cpus, m->kernel, load_before, load_after);
}

void bench_load_average(char *out, size_t cap)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double a = 0;
    double b = 0;
    double c = 0;

    if (f != NULL && fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3) {
        (void)snprintf(out, cap, "%.2f %.2f %.2f", a, b, c);
    } else {
        (void)snprintf(out, cap, "?");
    }
    if (f != NULL) {
        fclose(f);
    }
}

double bench_cpu_seconds(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru) != 0) {
        return 0.0;
    }
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

void bench_percentiles(bench_pct *out, uint64_t *values, size_t n, double unit_per_ms)
{
    double sum = 0;
    size_t k = 0;
    size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < n; i++) {
        if (values[i] > 0) {
            values[k++] = values[i];
            sum += (double)values[i];
        }
    }
    if (k == 0) {
        return;
    }
    qsort(values, k, sizeof(*values), cmp_u64);
    out->n = k;
    out->p50_ms = (double)values[k / 2] / unit_per_ms;
    out->p99_ms = (double)values[(k * 99) / 100] / unit_per_ms;
    out->max_ms = (double)values[k - 1] / unit_per_ms;
    out->mean_ms = sum / (double)k / unit_per_ms;
}

void bench_samples_add(bench_samples *s, uint64_t value)
{
    if (s->n == s->cap) {
        size_t cap = s->cap != 0 ? s->cap * 2 : SAMPLES_FIRST;
        uint64_t *v = fse_realloc(s->v, cap * sizeof(*v));

        if (v == NULL) {
            s->lost = true;
            return;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = value;
}

void bench_samples_free(bench_samples *s)
{
    fse_free(s->v);
    memset(s, 0, sizeof(*s));
}

void bench_samples_percentiles(bench_pct *out, const bench_samples *lists, size_t n_lists,
                               double unit_per_ms)
{
    uint64_t *all;
    size_t total = 0;
    size_t at = 0;
    size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < n_lists; i++) {
        total += lists[i].n;
    }
    all = fse_calloc(total + 1, sizeof(*all));
    if (all == NULL) {
        return;
    }
    for (i = 0; i < n_lists; i++) {
        if (lists[i].n > 0) {
            memcpy(all + at, lists[i].v, lists[i].n * sizeof(*all));
            at += lists[i].n;
        }
    }
    bench_percentiles(out, all, total, unit_per_ms);
    fse_free(all);
}

void bench_cache_dir(char *out, size_t cap, const char *given, const char *name)
{
    char exe[PATH_MAX];
    ssize_t n;

    if (given != NULL) {
        (void)snprintf(out, cap, "%s", given);
        return;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = '\0';
    (void)snprintf(out, cap, "%s/%s", n > 0 ? dirname(exe) : ".", name);
}

bool bench_make_dirs(const char *path, const char *who)
{
    char tmp[PATH_MAX];
    char *p;

    (void)snprintf(tmp, sizeof(tmp), "%s", path);
    for (p = tmp + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
                break;
            }
            *p = '/';
        }
    }
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "fse bench %s: %s: %s\n", who, tmp, strerror(errno));
        return false;
    }
    return true;
}

void bench_json_num(fse_json *w, const char *key, double v, int decimals)
{
    char text[64];

    (void)snprintf(text, sizeof(text), "%.*f", decimals, v);
    fse_json_key(w, key);
    fse_json_number_text(w, text);
}

fse_err bench_test_pki(fse_jwt_testca **ca_out, fse_jwt_cred **signer_out, char **ca_pem_out,
                       const char *ca_cn, const char *signer_cn)
{
    int64_t now = (int64_t)time(NULL);
    fse_jwt_cert_opts ca = {ca_cn, 2048, now - 86400, now + 3650 * 86400LL};
    fse_jwt_cert_opts sig = {signer_cn, 2048, now - 86400, now + 3650 * 86400LL};
    size_t len = 0;
    fse_err rc;

    *ca_out = NULL;
    *signer_out = NULL;
    *ca_pem_out = NULL;
    rc = fse_jwt_testca_new(ca_out, &ca);
    if (rc == FSE_OK) {
        rc = fse_jwt_testca_issue(signer_out, *ca_out, &sig);
    }
    if (rc == FSE_OK) {
        rc = fse_jwt_testca_cert_pem(ca_pem_out, &len, *ca_out);
    }
    return rc;
}
