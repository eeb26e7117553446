/*
 * src/bench_validate.c - `fse bench validate`: documents/s of our validator
 * against the national validator's pipeline (JDK XSD + Saxon-HE schematron),
 * measured in the same run, and whether both give the same verdicts.
 *
 * Owns the options, the order of the steps (catalog, corpus, our untimed
 * verdict passes, the timed modes on one and on all cores, the reference),
 * the machine description, and the goals: full validation >= 5x the
 * reference pipeline on one core, the schematron step >= 10x Saxon's,
 * >= 1.8x from one core to two, identical verdicts. Does not own the threads
 * (bench_timing.c), the reference process (bench_reference.c) or the output
 * files (bench_output.c).
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include "fse/xml.h"
#include "tool.h"

#define GOAL_FULL_RATIO 5.0
#define GOAL_SCH_RATIO 10.0
#define GOAL_SCALING 1.8
/* Runs of one configuration at most, when other processes disturb it. */
#define FULL_ATTEMPTS 3
#define QUICK_ATTEMPTS 1

typedef struct options {
    bool quick;
    bool no_reference;
    double seconds;
    const char *rules;
    const char *corpus;
    const char *out_dir;
} options;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: fse bench validate [--quick] [--seconds S] [--rules DIR] [--corpus TSV|DIR]\n"
            "                          [--no-reference] [--out DIR]\n"
            "\n"
            "Documents/s of raw parse, parse + XSD and full validation, on one core and on all\n"
            "cores, against the reference pipeline (bench/reference/run.sh: JDK XSD, then the\n"
            "official schematron on Saxon-HE) pinned to one core in the same run; verdict\n"
            "agreement with the reference. Writes validate.md and validate.json.\n"
            "\n"
            "  --quick          about 1.5 s per mode (under a minute in all)\n"
            "  --seconds S      seconds per timed mode and reference step (default 5)\n"
            "  --rules DIR      rules catalog (default: $FSE_RULES, then %s)\n"
            "  --corpus P       expected.tsv or directory (default: <catalog>/expected.tsv,\n"
            "                   else <catalog>/samples)\n"
            "  --no-reference   do not run the Java reference (goals then not met)\n"
            "  --out DIR        results directory (default: bench/results in the source tree)\n",
            FSE_DEFAULT_RULES_DIR);
}

/* 0 parsed, 1 --help, 2 usage error. */
static int parse_options(options *o, int argc, char **argv)
{
    int i;

    memset(o, 0, sizeof(*o));
    for (i = 1; i < argc; i++) {
        long secs = 0;

        if (strcmp(argv[i], "--quick") == 0) {
            o->quick = true;
        } else if (strcmp(argv[i], "--no-reference") == 0) {
            o->no_reference = true;
        } else if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc) {
            o->rules = argv[++i];
        } else if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc) {
            o->corpus = argv[++i];
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            o->out_dir = argv[++i];
        } else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            if (!tool_parse_long(argv[++i], 1, 3600, &secs)) {
                fprintf(stderr, "fse bench validate: --seconds wants a whole number, 1 to 3600\n");
                return 2;
            }
            o->seconds = (double)secs;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 1;
        } else {
            fprintf(stderr, "fse bench validate: unknown argument %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (o->seconds == 0) {
        o->seconds = o->quick ? 1.5 : 5.0;
    }
    return 0;
}

static void read_cpu_model(char *out, size_t size)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];

    snprintf(out, size, "unknown");
    if (f == NULL) {
        return;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        char *colon = strchr(line, ':');

        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            colon++;
            while (*colon == ' ' || *colon == '\t') {
                colon++;
            }
            colon[strcspn(colon, "\n")] = '\0';
            snprintf(out, size, "%s", colon);
            break;
        }
    }
    fclose(f);
}

static void read_load(char *out, size_t size)
{
    FILE *f = fopen("/proc/loadavg", "r");
    char line[128];
    char *end;
    int fields = 0;

    snprintf(out, size, "unknown");
    if (f == NULL) {
        return;
    }
    if (fgets(line, sizeof(line), f) != NULL) {
        /* Keep the three averages only. */
        for (end = line; *end != '\0' && *end != '\n'; end++) {
            if (*end == ' ' && ++fields == 3) {
                break;
            }
        }
        *end = '\0';
        snprintf(out, size, "%s", line);
    }
    fclose(f);
}

static void describe_machine(bench_results *res)
{
    time_t now = time(NULL);
    struct tm tm;
    struct utsname u;

    bench_cpus_get(&res->cpus);
    read_cpu_model(res->cpu_model, sizeof(res->cpu_model));
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(res->date, sizeof(res->date), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
        snprintf(res->date, sizeof(res->date), "unknown");
    }
    if (uname(&u) == 0) {
        snprintf(res->kernel, sizeof(res->kernel), "%s %s %s", u.sysname, u.release, u.machine);
    } else {
        snprintf(res->kernel, sizeof(res->kernel), "unknown");
    }
}

/* Our verdict for every document: one untimed pass with these options. */
static int our_verdicts(bench_verdict *out, const bench_corpus *c, const fse_catalog *catalog,
                        bool skip_vocabulary)
{
    fse_validate_opts opts = {0};
    fse_validator *v = NULL;
    size_t i;

    opts.skip_vocabulary = skip_vocabulary;
    if (fse_validator_new(&v, catalog) != FSE_OK) {
        fprintf(stderr, "fse bench validate: %s\n", fse_error_last()->message);
        return -1;
    }
    for (i = 0; i < c->n; i++) {
        fse_report *r = NULL;

        if (fse_validator_run(v, c->docs[i].data, c->docs[i].len, &opts, &r) != FSE_OK) {
            fprintf(stderr, "fse bench validate: %s: %s\n", c->docs[i].name,
                    fse_error_last()->message);
            fse_validator_free(v);
            return -1;
        }
        bench_verdict_from_report(&out[i], r);
        fse_report_free(r);
    }
    fse_validator_free(v);
    return 0;
}

static void progress(const char *what, unsigned threads, const bench_rate *r)
{
    if (r->done) {
        fprintf(stderr, "bench validate: %-48s %2u thread%s %9.0f docs/s\n", what, threads,
                threads == 1 ? " " : "s", r->docs_per_s);
    } else {
        fprintf(stderr, "bench validate: %s, %u threads: failed: %s\n", what, threads, r->error);
    }
}

/*
 * Measure one configuration; while other processes take CPU time from it
 * (CPU share below BENCH_CPU_SHARE_OK), repeat it, up to attempts runs, and
 * keep the run with the highest CPU share.
 */
static void measure_steady(bench_rate *out, const bench_results *res, const fse_catalog *catalog,
                           bench_mode mode, unsigned threads, unsigned attempts)
{
    bench_rate again;
    unsigned k;

    bench_measure(out, res->corpus, catalog, mode, &res->cpus, threads, res->seconds);
    out->attempts = 1;
    for (k = 1; k < attempts && out->done && out->cpu_share < BENCH_CPU_SHARE_OK; k++) {
        fprintf(stderr, "bench validate: %s, %u thread%s: CPU share %.0f%%, measuring again\n",
                bench_mode_label(mode), threads, threads == 1 ? "" : "s", 100.0 * out->cpu_share);
        bench_measure(&again, res->corpus, catalog, mode, &res->cpus, threads, res->seconds);
        again.attempts = k + 1;
        if (again.done && again.cpu_share > out->cpu_share) {
            *out = again;
        }
        out->attempts = k + 1;
    }
    progress(bench_mode_label(mode), threads, out);
}

static void measure_all(bench_results *res, const fse_catalog *catalog, unsigned attempts)
{
    unsigned n = res->cpus.n;
    int m;

    for (m = 0; m < BENCH_N_MODES; m++) {
        measure_steady(&res->one[m], res, catalog, (bench_mode)m, 1, attempts);
        measure_steady(&res->all[m], res, catalog, (bench_mode)m, n, attempts);
    }
    if (n > 2) {
        measure_steady(&res->two_full, res, catalog, BENCH_MODE_FULL, 2, attempts);
    }
    if (res->one[BENCH_MODE_FULL].sch_ns > 0) {
        res->sch_docs_per_s = (double)res->one[BENCH_MODE_FULL].sch_docs /
                              ((double)res->one[BENCH_MODE_FULL].sch_ns / 1e9);
    }
}

/* The reference, run again once (full runs only) when other processes took its CPU. */
static void run_reference(bench_results *res, const options *o)
{
    bench_reference again;
    double warmup = o->quick ? 1.0 : 3.0;

    fprintf(stderr, "bench validate: reference pipeline (Java/Saxon-HE) on CPU %d...\n",
            res->cpus.ids[0]);
    bench_reference_run(&res->ref, res->corpus, res->catalog, res->cpus.ids[0], res->seconds,
                        warmup);
    res->ref.attempts = 1;
    if (o->quick || !res->ref.available || res->ref.cpu_share >= BENCH_CPU_SHARE_OK) {
        return;
    }
    fprintf(stderr, "bench validate: reference CPU share %.0f%%, running it again...\n",
            100.0 * res->ref.cpu_share);
    bench_reference_run(&again, res->corpus, res->catalog, res->cpus.ids[0], res->seconds, warmup);
    if (again.available && again.cpu_share > res->ref.cpu_share) {
        bench_reference_free(&res->ref, res->corpus->n);
        res->ref = again;
    } else {
        bench_reference_free(&again, res->corpus->n);
    }
    res->ref.attempts = 2;
}

static void set_goal(bench_goal *g, const char *name, const char *target, double value,
                     bool measured, bool met)
{
    g->name = name;
    g->target = target;
    g->value = value;
    g->measured = measured;
    g->met = measured && met;
}

static void judge(bench_results *res)
{
    const bench_reference *ref = &res->ref;
    const bench_rate *one = &res->one[BENCH_MODE_FULL];
    const bench_rate *two = res->cpus.n > 2 ? &res->two_full : &res->all[BENCH_MODE_FULL];
    double full = ref->available ? one->docs_per_s / ref->pipeline : 0.0;
    double sch = ref->available ? res->sch_docs_per_s / ref->sch : 0.0;
    double scaling = one->docs_per_s > 0 ? two->docs_per_s / one->docs_per_s : 0.0;
    const bench_agreement *a = &res->vs_ref;
    bool same = ref->available && a->compared == res->corpus->n && a->agree == a->compared;
    int i;

    set_goal(&res->goals[0], "full validation vs reference pipeline, 1 core", ">= 5x", full,
             ref->available && one->done, full >= GOAL_FULL_RATIO);
    set_goal(&res->goals[1], "schematron step vs Saxon-HE schematron, 1 core", ">= 10x", sch,
             ref->available && res->sch_docs_per_s > 0, sch >= GOAL_SCH_RATIO);
    set_goal(&res->goals[2], "full validation, 1 core -> 2 cores", ">= 1.8x", scaling,
             res->cpus.n >= 2 && two->done, scaling >= GOAL_SCALING);
    set_goal(&res->goals[3], "verdicts identical to the reference (no vocabulary)", "100%",
             a->compared > 0 ? 100.0 * (double)a->agree / (double)a->compared : 0.0, ref->available,
             same);
    res->met = true;
    for (i = 0; i < BENCH_N_GOALS; i++) {
        res->met = res->met && res->goals[i].met;
    }
}

static void compare_verdicts(bench_results *res, const bench_verdict *novoc,
                             const bench_verdict *withvoc)
{
    const bench_corpus *c = res->corpus;
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (res->ref.available) {
            bench_agreement_add(&res->vs_ref, c->docs[i].name, &novoc[i], &res->ref.verdicts[i],
                                "reference");
        }
        if (c->docs[i].expected.present) {
            bench_agreement_add(&res->vs_expected, c->docs[i].name, &withvoc[i],
                                &c->docs[i].expected, "expected.tsv");
        }
    }
}

static const char *results_dir(const options *o, char *buf, size_t size)
{
    struct stat st;

    if (o->out_dir != NULL) {
        return o->out_dir;
    }
    snprintf(buf, size, "%s/bench", FSE_SOURCE_DIR);
    if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(buf, size, "%s/bench/results", FSE_SOURCE_DIR);
        return buf;
    }
    return "bench/results";
}

static const char *default_corpus(const char *catalog, char *buf, size_t size)
{
    struct stat st;

    snprintf(buf, size, "%s/expected.tsv", catalog);
    if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
        return buf;
    }
    snprintf(buf, size, "%s/samples", catalog);
    return buf;
}

/* The benchmark proper, once the catalog and corpus are loaded. */
static int run(bench_results *res, const options *o, const fse_catalog *catalog)
{
    const bench_corpus *c = res->corpus;
    bench_verdict *novoc = calloc(c->n, sizeof(*novoc));
    bench_verdict *withvoc = calloc(c->n, sizeof(*withvoc));
    char dir[4096];
    int status = 2;
    size_t i;

    if (novoc == NULL || withvoc == NULL || our_verdicts(novoc, c, catalog, true) != 0 ||
        our_verdicts(withvoc, c, catalog, false) != 0) {
        goto done;
    }
    read_load(res->load_before, sizeof(res->load_before));
    measure_all(res, catalog, o->quick ? QUICK_ATTEMPTS : FULL_ATTEMPTS);
    if (o->no_reference) {
        memset(&res->ref, 0, sizeof(res->ref));
        snprintf(res->ref.why, sizeof(res->ref.why), "skipped (--no-reference)");
    } else {
        run_reference(res, o);
    }
    read_load(res->load_after, sizeof(res->load_after));
    compare_verdicts(res, novoc, withvoc);
    judge(res);
    if (bench_output_files(res, results_dir(o, dir, sizeof(dir))) == 0) {
        status = 0;
    }
    bench_output_table(stdout, res);
    bench_output_last_line(stdout, res);
done:
    for (i = 0; i < c->n; i++) {
        if (novoc != NULL) {
            bench_verdict_clear(&novoc[i]);
        }
        if (withvoc != NULL) {
            bench_verdict_clear(&withvoc[i]);
        }
    }
    free(novoc);
    free(withvoc);
    return status;
}

int bench_validate(int argc, char **argv)
{
    options o;
    bench_results *res = NULL;
    bench_corpus corpus;
    fse_catalog *catalog = NULL;
    fse_catalog_opts copts = {0};
    char corpus_path[4096];
    int status = parse_options(&o, argc, argv);
    fse_config cfg;

    if (status != 0) {
        return status == 1 ? 0 : 2;
    }
    res = calloc(1, sizeof(*res));
    if (res == NULL) {
        return 2;
    }
    res->quick = o.quick;
    res->seconds = o.seconds;
    if (!tool_config_load(&cfg, NULL)) {
        free(res);
        return 2;
    }
    snprintf(res->catalog, sizeof(res->catalog), "%s",
             o.rules != NULL ? o.rules : cfg.validate.rules_dir);
    describe_machine(res);
    fse_xml_init();
    if (fse_catalog_load(&catalog, res->catalog, &copts) != FSE_OK) {
        fprintf(stderr, "fse bench validate: %s\n", fse_error_last()->message);
        free(res);
        return 2;
    }
    status = 2;
    if (bench_corpus_load(&corpus, o.corpus != NULL ? o.corpus
                                                    : default_corpus(res->catalog, corpus_path,
                                                                     sizeof(corpus_path))) == 0) {
        res->corpus = &corpus;
        status = run(res, &o, catalog);
    }
    bench_reference_free(&res->ref, corpus.n);
    bench_agreement_free(&res->vs_ref);
    bench_agreement_free(&res->vs_expected);
    bench_corpus_free(&corpus);
    fse_catalog_free(catalog);
    free(res);
    return status;
}
