/*
 * src/cmd_bench_publish.c - `fse bench publish`: documents/s and p50/p99
 * latency of validation + publication over HTTP at 1, 16 and 64 concurrent
 * clients, on a node already holding 1,000,000 documents (20,000 with
 * --quick), against the validation-only call (VERIFICA) measured in the
 * same run. Not a test: it measures, writes bench/results/publish.md and
 * ends with "bench publish: ... met|not met".
 *
 * Owns the options, the order of the steps (store, node, document pool,
 * then per level a publish run and a VERIFICA run), the machine
 * description and the exit code (0 the benchmark ran, met or not; 2 usage
 * or set-up error). The parts are bench_publish_{load,run,out}.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_publish.h"
#include "cmd.h"
#include "fse/gen.h"
#include "tool.h"

#define BP_PRELOAD_FULL 1000000
#define BP_PRELOAD_QUICK 20000
#define BP_SECONDS_FULL 10.0
#define BP_SECONDS_QUICK 2.5

static const unsigned levels[BP_N_LEVELS] = {1, BP_GOAL_CLIENTS, 64};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: fse bench publish [--quick] [--preload N] [--seconds S] [--threads N]\n"
            "                         [--cache DIR] [--out FILE] [--rules DIR]\n"
            "\n"
            "Documents/s and p50/p99 latency of validation + publication over HTTP (one\n"
            "keep-alive connection per client) at 1, 16 and 64 clients, on a node holding\n"
            "%d documents, against the same documents sent as VERIFICA (validation\n"
            "only). The full run pre-loads its store once into the cache directory and\n"
            "reuses it (about 19 GB for a million documents); --quick pre-loads %d\n"
            "documents into a temporary store and runs %.1f s per level.\n"
            "\n"
            "  --quick        reduced run, under a minute\n"
            "  --preload N    documents in the store before the runs\n"
            "  --seconds S    length of each timed run (default %.0f, quick %.1f)\n"
            "  --threads N    server threads and gateway slots (default: server.threads)\n"
            "  --cache DIR    where stores are kept (default: bench-publish beside the\n"
            "                 fse binary, i.e. in its build directory)\n"
            "  --out FILE     report (default bench/results/publish.md in the sources)\n"
            "  --rules DIR    rules catalog (default: as fse validate)\n",
            BP_PRELOAD_FULL, BP_PRELOAD_QUICK, BP_SECONDS_QUICK, BP_SECONDS_FULL, BP_SECONDS_QUICK);
}

/* Defaults, then the flags. 0 run, 1 help shown, 2 usage error. */
static int parse_args(bp_opts *o, int argc, char **argv)
{
    const char *cache = NULL;
    const char *out = NULL;
    const char *rules = NULL;
    long preload = -1;
    long threads = 0;
    double seconds = 0;
    fse_config cfg;
    int i;

    memset(o, 0, sizeof(*o));
    for (i = 1; i < argc; i++) {
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 1;
        }
        if (strcmp(argv[i], "--quick") == 0) {
            o->quick = true;
            continue;
        }
        if (val == NULL) {
            ok = false;
        } else if (strcmp(argv[i], "--preload") == 0) {
            ok = tool_parse_long(val, 0, 100000000, &preload);
        } else if (strcmp(argv[i], "--threads") == 0) {
            ok = tool_parse_long(val, 1, 256, &threads);
        } else if (strcmp(argv[i], "--seconds") == 0) {
            char *end = NULL;

            seconds = strtod(val, &end);
            ok = end != val && *end == '\0' && seconds > 0 && seconds <= 3600;
        } else if (strcmp(argv[i], "--cache") == 0) {
            cache = val;
        } else if (strcmp(argv[i], "--out") == 0) {
            out = val;
        } else if (strcmp(argv[i], "--rules") == 0) {
            rules = val;
        } else {
            ok = false;
        }
        if (!ok) {
            fprintf(stderr, "fse bench publish: unknown option or bad value: %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
        i++;
    }
    if (!tool_config_load(&cfg, NULL)) {
        return 2;
    }
    o->preload = preload >= 0 ? (uint64_t)preload
                              : (uint64_t)(o->quick ? BP_PRELOAD_QUICK : BP_PRELOAD_FULL);
    o->seconds = seconds > 0 ? seconds : o->quick ? BP_SECONDS_QUICK : BP_SECONDS_FULL;
    o->threads = threads > 0 ? (unsigned)threads : (unsigned)cfg.server.threads;
    (void)snprintf(o->rules_dir, sizeof(o->rules_dir), "%s",
                   rules != NULL ? rules : cfg.validate.rules_dir);
    (void)snprintf(o->out_path, sizeof(o->out_path), "%s",
                   out != NULL ? out : FSE_SOURCE_DIR "/bench/results/publish.md");
    bench_cache_dir(o->cache_dir, sizeof(o->cache_dir), cache, "bench-publish");
    return 0;
}

/* Per level: the publish run, then the VERIFICA run on the same documents. */
static void measure_all(bp_results *r, bp_node *n, const bp_opts *o, const bp_store *s)
{
    size_t i;

    for (i = 0; i < BP_N_LEVELS; i++) {
        r->levels[i] = levels[i];
        bp_measure(&r->publish[i], n, o, s, i, levels[i], false);
        fprintf(stderr,
                "  %3u clients: publish %.0f docs/s, p50 %.1f ms, p99 %.1f ms, %" PRIu64
                " errors; outbox %zu queued\n",
                levels[i], r->publish[i].docs_per_s, r->publish[i].p50_ms, r->publish[i].p99_ms,
                r->publish[i].errors, r->publish[i].outbox_left);
        bp_measure(&r->verify[i], n, o, s, i, levels[i], true);
        fprintf(stderr, "  %3u clients: VERIFICA %.0f docs/s, p50 %.1f ms, p99 %.1f ms\n",
                levels[i], r->verify[i].docs_per_s, r->verify[i].p50_ms, r->verify[i].p99_ms);
    }
}

int cmd_bench_publish(int argc, char **argv)
{
    bp_opts o;
    bp_store s;
    bp_node n;
    bp_results r;
    size_t n_types;
    uint64_t used;
    uint64_t t0 = tool_now_ns();
    int status = parse_args(&o, argc, argv);

    if (status != 0) {
        return status == 1 ? 0 : 2;
    }
    memset(&r, 0, sizeof(r));
    memset(&n, 0, sizeof(n));
    bench_machine_describe(&r.machine);
    if (!bp_store_prepare(&s, &o)) {
        return 2;
    }
    status = 2;
    if (bp_node_start(&n, &o, &s) && bp_node_build_pool(&n, &o, &s)) {
        fprintf(stderr, "fse bench publish: %.1f s per run, %u server threads\n", o.seconds,
                o.threads);
        bench_load_average(r.load_before, sizeof(r.load_before));
        measure_all(&r, &n, &o, &s);
        bench_load_average(r.load_after, sizeof(r.load_after));
        status = 0;
    }
    (void)fse_gen_types(&n_types);
    r.opts = &o;
    r.store = &s;
    r.node = &n;
    r.total_seconds = (double)(tool_now_ns() - t0) / 1e9;
    if (status == 0) {
        printf("\n");
        bp_output_table(stdout, &r);
        printf("\nreport: %s\n", o.out_path);
        status = bp_output_md(&r) ? 0 : 2;
        bp_output_last_line(stdout, &r);
    }
    used = (n.n_docs + n_types - 1) / n_types + 1;
    bp_node_stop(&n);
    bp_store_finish(&s, used, r.publish[0].docs + r.publish[1].docs + r.publish[2].docs);
    return status;
}
