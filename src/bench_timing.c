/*
 * src/bench_timing.c - the timed runs of `fse bench validate`.
 *
 * Owns the worker threads (one per CPU, each pinned with
 * pthread_setaffinity_np and holding its own validator), the warm-up pass,
 * the common start and deadline, and the sums a run returns (documents,
 * seconds, schematron time from the reports). Does not own the corpus or the
 * catalog (bench_validate.c) nor any output (bench_output.c).
 */
#define _GNU_SOURCE
#include "bench.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fse/xml.h"
#include "tool.h"

typedef struct shared {
    const bench_corpus *corpus;
    const fse_catalog *catalog;
    bench_mode mode;
    fse_validate_opts opts;
    uint64_t t0;
    uint64_t deadline;
    atomic_uint ready; /* workers done with the warm-up */
    atomic_bool go;    /* t0 and deadline are set */
    atomic_bool failed;
    atomic_size_t next;
} shared;

typedef struct worker {
    shared *sh;
    int cpu;
    uint64_t docs;
    uint64_t sch_ns;
    uint64_t sch_docs;
    uint64_t stage_ns[4];
    uint64_t cpu_ns;
    uint64_t end_ns;
    char error[256];
} worker;

static const struct {
    const char *key;
    const char *label;
} mode_names[BENCH_N_MODES] = {
    {"raw_parse", "raw libxml2 parse (no schema)"},
    {"parse_xsd", "parse + XSD"},
    {"full", "full validation (XSD + schematron + vocabulary)"},
    {"full_no_vocabulary", "full validation without vocabulary"},
};

const char *bench_mode_label(bench_mode mode)
{
    return mode_names[mode].label;
}

const char *bench_mode_key(bench_mode mode)
{
    return mode_names[mode].key;
}

void bench_cpus_get(bench_cpus *out)
{
    cpu_set_t set;
    long n;
    int i;

    out->n = 0;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        for (i = 0; i < CPU_SETSIZE && out->n < BENCH_MAX_CPUS; i++) {
            if (CPU_ISSET(i, &set)) {
                out->ids[out->n++] = i;
            }
        }
    }
    if (out->n > 0) {
        return;
    }
    n = sysconf(_SC_NPROCESSORS_ONLN);
    for (i = 0; i < n && i < BENCH_MAX_CPUS; i++) {
        out->ids[out->n++] = i;
    }
    if (out->n == 0) {
        out->ids[out->n++] = 0;
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static void fail(worker *w, const char *what)
{
    snprintf(w->error, sizeof(w->error), "%s", what);
    atomic_store(&w->sh->failed, true);
}

/* One document through the mode; false (with w->error) on a failure of the run itself. */
static bool one_doc(worker *w, fse_validator *v, const bench_doc *d, bool count)
{
    const shared *sh = w->sh;
    fse_report *r = NULL;
    fse_err rc;

    if (sh->mode == BENCH_MODE_RAW) {
        fse_xml_parse_opts popts;
        xmlDocPtr doc = NULL;

        /* Malformed documents fail here as they would in the validator: still work done. */
        memset(&popts, 0, sizeof(popts));
        rc = fse_xml_parse(&doc, NULL, d->xml, d->xml_len, &popts);
        xmlFreeDoc(doc);
        if (rc == FSE_E_NOMEM) {
            fail(w, "fse_xml_parse: out of memory");
            return false;
        }
        return true;
    }
    rc = fse_validator_run(v, d->data, d->len, &sh->opts, &r);
    if (rc != FSE_OK) {
        fail(w, fse_error_last()->message);
        return false;
    }
    if (count) {
        if (r->schematron[0] != '\0' && r->ns_schematron > 0) {
            w->sch_ns += r->ns_schematron;
            w->sch_docs++;
        }
        w->stage_ns[0] += r->ns_extract;
        w->stage_ns[1] += r->ns_parse_xsd;
        w->stage_ns[2] += r->ns_schematron;
        w->stage_ns[3] += r->ns_vocabulary;
    }
    fse_report_free(r);
    return true;
}

static bool pin(int cpu)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) {
        return 0;
    }
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void timed_loop(worker *w, fse_validator *v)
{
    shared *sh = w->sh;
    const bench_corpus *c = sh->corpus;
    uint64_t cpu0 = thread_cpu_ns();

    while (!atomic_load(&sh->failed)) {
        size_t i = atomic_fetch_add(&sh->next, 1) % c->n;

        if (!one_doc(w, v, &c->docs[i], true)) {
            break;
        }
        w->docs++;
        if (tool_now_ns() >= sh->deadline) {
            break;
        }
    }
    w->cpu_ns = thread_cpu_ns() - cpu0;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    shared *sh = w->sh;
    fse_validator *v = NULL;
    size_t i;

    if (!pin(w->cpu)) {
        fail(w, "cannot pin the thread to its CPU");
    } else if (sh->mode != BENCH_MODE_RAW && fse_validator_new(&v, sh->catalog) != FSE_OK) {
        fail(w, fse_error_last()->message);
    }
    for (i = 0; i < sh->corpus->n && !atomic_load(&sh->failed); i++) {
        if (!one_doc(w, v, &sh->corpus->docs[i], false)) {
            break;
        }
    }
    atomic_fetch_add(&sh->ready, 1);
    while (!atomic_load(&sh->go)) {
        sleep_ms(1);
    }
    if (!atomic_load(&sh->failed)) {
        timed_loop(w, v);
    }
    w->end_ns = tool_now_ns();
    fse_validator_free(v);
    return NULL;
}

static void collect(bench_rate *out, const shared *sh, const worker *ws, unsigned n)
{
    uint64_t end = sh->t0;
    uint64_t cpu = 0;
    unsigned i;
    int k;

    for (i = 0; i < n; i++) {
        out->docs += ws[i].docs;
        out->sch_ns += ws[i].sch_ns;
        out->sch_docs += ws[i].sch_docs;
        cpu += ws[i].cpu_ns;
        for (k = 0; k < 4; k++) {
            out->stage_ns[k] += ws[i].stage_ns[k];
        }
        if (ws[i].end_ns > end) {
            end = ws[i].end_ns;
        }
        if (ws[i].error[0] != '\0' && out->error[0] == '\0') {
            snprintf(out->error, sizeof(out->error), "%s", ws[i].error);
        }
    }
    out->seconds = (double)(end - sh->t0) / 1e9;
    out->docs_per_s = out->seconds > 0 ? (double)out->docs / out->seconds : 0.0;
    out->cpu_share = out->seconds > 0 ? (double)cpu / 1e9 / (out->seconds * n) : 0.0;
    out->done = out->error[0] == '\0';
}

void bench_measure(bench_rate *out, const bench_corpus *corpus, const fse_catalog *catalog,
                   bench_mode mode, const bench_cpus *cpus, unsigned n_threads, double seconds)
{
    shared sh;
    worker *ws = calloc(n_threads, sizeof(*ws));
    pthread_t *tids = calloc(n_threads, sizeof(*tids));
    unsigned created;

    memset(out, 0, sizeof(*out));
    out->threads = n_threads;
    if (ws == NULL || tids == NULL || n_threads > cpus->n || corpus->n == 0) {
        snprintf(out->error, sizeof(out->error), "cannot start %u threads", n_threads);
        goto done;
    }
    memset(&sh, 0, sizeof(sh));
    sh.corpus = corpus;
    sh.catalog = catalog;
    sh.mode = mode;
    sh.opts.skip_schematron = mode == BENCH_MODE_XSD;
    sh.opts.skip_vocabulary = mode != BENCH_MODE_FULL;
    atomic_init(&sh.ready, 0);
    atomic_init(&sh.go, false);
    atomic_init(&sh.failed, false);
    atomic_init(&sh.next, 0);
    for (created = 0; created < n_threads; created++) {
        ws[created].sh = &sh;
        ws[created].cpu = cpus->ids[created];
        if (pthread_create(&tids[created], NULL, worker_main, &ws[created]) != 0) {
            snprintf(out->error, sizeof(out->error), "pthread_create failed");
            atomic_store(&sh.failed, true);
            break;
        }
    }
    while (atomic_load(&sh.ready) < created) {
        sleep_ms(1);
    }
    sh.t0 = tool_now_ns();
    sh.deadline = sh.t0 + (uint64_t)(seconds * 1e9);
    atomic_store(&sh.go, true);
    for (unsigned i = 0; i < created; i++) {
        pthread_join(tids[i], NULL);
    }
    if (out->error[0] == '\0') {
        collect(out, &sh, ws, created);
    }
done:
    free(ws);
    free(tids);
}
