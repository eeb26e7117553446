/*
 * src/bench_output.c - the output of `fse bench validate`.
 *
 * Owns the throughput and goals tables (Markdown, the same on stdout and in
 * bench/results/validate.md), the run description, the verdict agreement
 * with its disagreements, bench/results/validate.json (through the fse_json
 * writer) and the last line "bench validate: ... : met|not met". Does not own
 * any measurement (bench_validate.c, bench_timing.c, bench_reference.c).
 */
#include "bench.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/xmlversion.h>

#include "fse/json.h"

#define JSON_MAX_BYTES (64u * 1024u * 1024u)
#define STDOUT_MAX_DISAGREEMENTS 10

static double ratio(double ours, double theirs)
{
    return theirs > 0 ? ours / theirs : 0.0;
}

static void rate_cell(FILE *out, const bench_rate *r)
{
    if (r->done) {
        fprintf(out, " %.0f |", r->docs_per_s);
    } else {
        fprintf(out, " failed |");
    }
}

static void ref_cells(FILE *out, const bench_reference *ref, const char *what, double theirs,
                      double ours)
{
    if (!ref->available) {
        fprintf(out, " %s | unavailable | - |\n", what);
    } else {
        fprintf(out, " %s | %.0f | %.1fx |\n", what, theirs, ratio(ours, theirs));
    }
}

static void repeated(FILE *out, const char *what, unsigned threads, const bench_rate *r,
                     bool *first)
{
    if (r->attempts > 1) {
        fprintf(out, "%s %s on %u core%s (%u runs)", *first ? "" : ";", what, threads,
                threads == 1 ? "" : "s", r->attempts);
        *first = false;
    }
}

/* Say so when other processes took CPU time from the measurements. */
static void contention(FILE *out, const bench_results *res)
{
    bool low = res->ref.available && res->ref.cpu_share < BENCH_CPU_SHARE_OK;
    bool first = true;
    int m;

    fprintf(out, "\nRepeated because other processes took CPU time:");
    for (m = 0; m < BENCH_N_MODES; m++) {
        low = low || (res->one[m].done && res->one[m].cpu_share < BENCH_CPU_SHARE_OK) ||
              (res->all[m].done && res->all[m].cpu_share < BENCH_CPU_SHARE_OK);
        repeated(out, bench_mode_label((bench_mode)m), 1, &res->one[m], &first);
        repeated(out, bench_mode_label((bench_mode)m), res->all[m].threads, &res->all[m], &first);
    }
    if (res->ref.attempts > 1) {
        fprintf(out, "%s the reference (2 runs)", first ? "" : ";");
        first = false;
    }
    fprintf(out, "%s\n", first ? " nothing" : ".");
    if (low) {
        fprintf(out,
                "\nWarning: some runs had less than %.0f%% of their CPUs even after repeating "
                "(CPU share column, and the reference's share above): other processes were "
                "running, so those figures and the ratios built on them understate.\n",
                100.0 * BENCH_CPU_SHARE_OK);
    }
}

/* Where the time of the 1-core full run went, from the reports' stage timers. */
static void stage_split(FILE *out, const bench_rate *r)
{
    static const char *const names[4] = {"PDF extraction", "parse + XSD", "schematron",
                                         "vocabulary"};
    double wall = r->seconds * 1e9 * (r->threads == 0 ? 1 : r->threads);
    double rest = wall;
    int k;

    if (!r->done || r->docs == 0 || wall <= 0) {
        return;
    }
    fprintf(out, "\nOne-core full validation, time per stage (report timers, mean per document):");
    for (k = 0; k < 4; k++) {
        rest -= (double)r->stage_ns[k];
        fprintf(out, " %s %.0f%% (%.0f us);", names[k], 100.0 * (double)r->stage_ns[k] / wall,
                (double)r->stage_ns[k] / 1e3 / (double)r->docs);
    }
    fprintf(out, " rest (detection, routing, report) %.0f%% (%.0f us).\n", 100.0 * rest / wall,
            rest / 1e3 / (double)r->docs);
}

static void throughput_table(FILE *out, const bench_results *res)
{
    const bench_reference *ref = &res->ref;
    const bench_rate *one = res->one;
    const bench_rate *all = res->all;
    unsigned n = res->cpus.n;
    int m;

    fprintf(out,
            "| mode | 1 core | %u cores | 1 -> %u | CPU share | reference (1 core) | docs/s | "
            "ours/ref |\n",
            n, n);
    fprintf(out, "|---|---:|---:|---:|---:|---|---:|---:|\n");
    for (m = 0; m < BENCH_N_MODES; m++) {
        fprintf(out, "| %s |", bench_mode_label((bench_mode)m));
        rate_cell(out, &one[m]);
        rate_cell(out, &all[m]);
        fprintf(out, " %.2fx | %.0f%% / %.0f%% |", ratio(all[m].docs_per_s, one[m].docs_per_s),
                100.0 * one[m].cpu_share, 100.0 * all[m].cpu_share);
        if (m == BENCH_MODE_RAW) {
            fprintf(out, " - | - | - |\n");
        } else if (m == BENCH_MODE_XSD) {
            ref_cells(out, ref, "JDK XSD (javax.xml.validation)", ref->xsd, one[m].docs_per_s);
        } else {
            ref_cells(out, ref, "pipeline: JDK XSD + Saxon-HE schematron", ref->pipeline,
                      one[m].docs_per_s);
        }
    }
    fprintf(out, "| schematron step alone (report ns_schematron) | %.0f | - | - | - |",
            res->sch_docs_per_s);
    ref_cells(out, ref, "Saxon-HE schematron (tree + transform)", ref->sch, res->sch_docs_per_s);
    stage_split(out, &one[BENCH_MODE_FULL]);
    contention(out, res);
    if (n > 2 && res->two_full.done) {
        fprintf(out, "\nFull validation on 2 cores: %.0f docs/s (%.2fx one core).\n",
                res->two_full.docs_per_s,
                ratio(res->two_full.docs_per_s, one[BENCH_MODE_FULL].docs_per_s));
    }
}

static void goals_table(FILE *out, const bench_results *res)
{
    int i;

    fprintf(out, "| goal | target | measured | met |\n|---|---|---:|---|\n");
    for (i = 0; i < BENCH_N_GOALS; i++) {
        const bench_goal *g = &res->goals[i];

        if (!g->measured) {
            fprintf(out, "| %s | %s | not measured | no |\n", g->name, g->target);
        } else if (i == BENCH_N_GOALS - 1) {
            fprintf(out, "| %s | %s | %zu/%zu (%.1f%%) | %s |\n", g->name, g->target,
                    res->vs_ref.agree, res->vs_ref.compared, g->value, g->met ? "yes" : "no");
        } else {
            fprintf(out, "| %s | %s | %.2fx | %s |\n", g->name, g->target, g->value,
                    g->met ? "yes" : "no");
        }
    }
}

static void agreement_lines(FILE *out, const bench_agreement *a, size_t max)
{
    size_t i;

    for (i = 0; i < a->n_lines && i < max; i++) {
        fprintf(out, "- %s\n", a->lines[i]);
    }
    if (a->n_lines > max) {
        fprintf(out, "- ... %zu more in validate.md\n", a->n_lines - max);
    }
}

static void agreement(FILE *out, const bench_results *res, size_t max_lines)
{
    const bench_agreement *r = &res->vs_ref;
    const bench_agreement *e = &res->vs_expected;

    if (res->ref.available) {
        fprintf(out,
                "Verdicts against the reference (ours with the vocabulary step skipped, as the "
                "reference has none; outcome code, failing labels and warning labels counted per "
                "firing): %zu/%zu agree.\n",
                r->agree, r->compared);
        if (res->ref.n_unknown > 0) {
            fprintf(out, "The reference printed %zu verdicts for files not in the corpus.\n",
                    res->ref.n_unknown);
        }
        agreement_lines(out, r, max_lines);
    } else {
        fprintf(out, "Verdicts against the reference: not compared (reference %s).\n",
                res->ref.why);
    }
    if (e->compared > 0) {
        fprintf(out, "\nVerdicts against expected.tsv (ours with vocabulary): %zu/%zu agree.\n",
                e->agree, e->compared);
        agreement_lines(out, e, max_lines);
    }
}

static void describe_run(FILE *out, const bench_results *res)
{
    const bench_corpus *c = res->corpus;
    const bench_reference *ref = &res->ref;
    double n = c->n > 0 ? (double)c->n : 1.0;
    unsigned i;

    fprintf(out, "- date: %s; %s run, %.1f s per timed mode\n", res->date,
            res->quick ? "quick" : "full", res->seconds);
    fprintf(out, "- machine: %s, %u CPUs usable (", res->cpu_model, res->cpus.n);
    for (i = 0; i < res->cpus.n; i++) {
        fprintf(out, "%s%d", i > 0 ? "," : "", res->cpus.ids[i]);
    }
    fprintf(out, "), %s; libxml2 %s; compiler %s\n", res->kernel, LIBXML_DOTTED_VERSION,
            __VERSION__);
    fprintf(out, "- load average (1, 5, 15 min) before: %s; after: %s\n", res->load_before,
            res->load_after);
    fprintf(out, "- catalog: %s\n", res->catalog);
    fprintf(out, "- corpus: %s: %zu documents (%zu PDF), mean file %.1f KB, mean CDA %.1f KB\n",
            c->source, c->n, c->n_pdf, (double)c->bytes / n / 1024.0,
            (double)c->xml_bytes / n / 1024.0);
    if (ref->available) {
        fprintf(out,
                "- reference: %s pinned to CPU %d (as taskset -c %d), Java %s, Saxon-HE %s, "
                "%.1f s warm-up and %.1f s per step; documents per pass: xsd %ld, sch %ld, "
                "pipeline %ld; %.0f s wall, CPU share %.0f%%\n",
                ref->script, res->cpus.ids[0], res->cpus.ids[0], ref->java, ref->saxon, ref->warmup,
                ref->seconds, ref->xsd_pass, ref->sch_pass, ref->pipeline_pass, ref->wall_s,
                100.0 * ref->cpu_share);
    } else {
        fprintf(out, "- reference: unavailable: %s\n", ref->why);
    }
}

static const char *notes =
    "## How it is measured\n\n"
    "- Every file is read into memory first; only validation is timed. Each mode runs for the "
    "time above, cycling over the corpus, after one untimed warm-up pass per thread.\n"
    "- CPU share: the threads' CPU time over threads x wall time; for the reference, the JVM's "
    "CPU time over its wall time. In a full run, a run under 90% is repeated (ours up to 3 "
    "runs, the reference once) and the run with the highest CPU share is kept; --quick does "
    "not repeat.\n"
    "- 1 core: one thread pinned to the first usable CPU. All cores: one thread per CPU, each "
    "pinned to its CPU with its own validator; the catalog is shared read-only.\n"
    "- raw libxml2 parse: `fse_xml_parse` of the CDA bytes without a schema, tree freed. PDFs "
    "use the CDA extracted at load time; malformed documents are counted (they stop in the "
    "parser).\n"
    "- parse + XSD: `fse_validator_run` with `skip_schematron` (XSD streamed during the parse; "
    "PDF extraction timed).\n"
    "- full validation: `fse_validator_run` with defaults (XSD, schematron, vocabulary), report "
    "built and freed; also without vocabulary, since the reference has no vocabulary step.\n"
    "- schematron step alone: the documents whose schematron ran in the 1-core full run divided "
    "by the sum of their reports' `ns_schematron` (the tree comes from the XSD parse, so no "
    "parse is included). Saxon's `sch` step includes building its tree from the bytes and runs "
    "on every routed document, XSD-valid or not.\n"
    "- Reference: `bench/reference/run.sh --mode pipeline --json --seconds S`, the whole JVM "
    "pinned to the first CPU. Its pipeline mode times the `xsd`, `sch` and `pipeline` steps "
    "in the same warm JVM, each after its own warm-up (the steps `--mode xsd` and `--mode sch` "
    "time on their own), and prints one verdict per file from an untimed pass.\n";

static void failed_goals(FILE *out, const bench_results *res)
{
    int i;

    if (res->met) {
        fprintf(out, "All goals met.\n");
        return;
    }
    fprintf(out, "Not met:");
    for (i = 0; i < BENCH_N_GOALS; i++) {
        if (!res->goals[i].met) {
            fprintf(out, " %s (%s%s);", res->goals[i].name, res->goals[i].target,
                    res->goals[i].measured ? "" : ", not measured");
        }
    }
    fprintf(out, "\n");
}

void bench_output_table(FILE *out, const bench_results *res)
{
    fprintf(out, "\nfse bench validate, documents/s\n\n");
    describe_run(out, res);
    fprintf(out, "\n");
    throughput_table(out, res);
    fprintf(out, "\n");
    goals_table(out, res);
    fprintf(out, "\n");
    failed_goals(out, res);
    fprintf(out, "\n");
    agreement(out, res, STDOUT_MAX_DISAGREEMENTS);
    fprintf(out, "\n");
}

void bench_output_last_line(FILE *out, const bench_results *res)
{
    const bench_rate *one = &res->one[BENCH_MODE_FULL];

    fprintf(out, "bench validate: %.0f docs/s, %.1fx reference pipeline (%s), goal 5x: %s\n",
            one->done ? one->docs_per_s : 0.0,
            res->ref.available ? ratio(one->docs_per_s, res->ref.pipeline) : 0.0,
            res->ref.available ? "Saxon-HE" : "Saxon-HE unavailable", res->met ? "met" : "not met");
    fflush(out);
}

static int write_md(const bench_results *res, const char *path)
{
    FILE *f = fopen(path, "w");

    if (f == NULL) {
        fprintf(stderr, "fse bench validate: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(f, "# fse bench validate\n\n");
    describe_run(f, res);
    fprintf(f, "\n## Throughput (documents/s)\n\n");
    throughput_table(f, res);
    fprintf(f, "\n## Goals\n\n");
    goals_table(f, res);
    fprintf(f, "\n");
    failed_goals(f, res);
    fprintf(f, "\n## Verdict agreement\n\n");
    agreement(f, res, (size_t)-1);
    fprintf(f, "\n%s\nLast line: ", notes);
    bench_output_last_line(f, res);
    if (fclose(f) != 0) {
        fprintf(stderr, "fse bench validate: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static void kv_num(fse_json *w, const char *key, double v, int decimals)
{
    char text[64];

    snprintf(text, sizeof(text), "%.*f", decimals, v);
    fse_json_key(w, key);
    fse_json_number_text(w, text);
}

static void json_rate(fse_json *w, const char *key, const bench_rate *r)
{
    static const char *const stages[4] = {"extract_s", "parse_xsd_s", "schematron_s",
                                          "vocabulary_s"};
    int k;

    fse_json_key(w, key);
    fse_json_object_begin(w);
    fse_json_kv_int(w, "threads", r->threads);
    fse_json_kv_bool(w, "ok", r->done);
    fse_json_kv_int(w, "docs", (long long)r->docs);
    kv_num(w, "seconds", r->seconds, 3);
    kv_num(w, "docs_per_s", r->docs_per_s, 1);
    kv_num(w, "cpu_share", r->cpu_share, 3);
    fse_json_kv_int(w, "attempts", r->attempts);
    for (k = 0; k < 4; k++) {
        if (r->stage_ns[k] > 0) {
            kv_num(w, stages[k], (double)r->stage_ns[k] / 1e9, 3);
        }
    }
    if (!r->done) {
        fse_json_kv_string(w, "error", r->error);
    }
    fse_json_object_end(w);
}

static void json_modes(fse_json *w, const bench_results *res)
{
    int m;

    fse_json_key(w, "modes");
    fse_json_object_begin(w);
    for (m = 0; m < BENCH_N_MODES; m++) {
        fse_json_key(w, bench_mode_key((bench_mode)m));
        fse_json_object_begin(w);
        fse_json_kv_string(w, "label", bench_mode_label((bench_mode)m));
        json_rate(w, "one_core", &res->one[m]);
        json_rate(w, "all_cores", &res->all[m]);
        kv_num(w, "scaling", ratio(res->all[m].docs_per_s, res->one[m].docs_per_s), 3);
        fse_json_object_end(w);
    }
    if (res->cpus.n > 2) {
        json_rate(w, "full_two_cores", &res->two_full);
    }
    fse_json_object_end(w);
    fse_json_key(w, "schematron_step");
    fse_json_object_begin(w);
    fse_json_kv_int(w, "docs", (long long)res->one[BENCH_MODE_FULL].sch_docs);
    kv_num(w, "seconds", (double)res->one[BENCH_MODE_FULL].sch_ns / 1e9, 3);
    kv_num(w, "docs_per_s", res->sch_docs_per_s, 1);
    fse_json_object_end(w);
}

static void json_reference(fse_json *w, const bench_results *res)
{
    const bench_reference *ref = &res->ref;

    fse_json_key(w, "reference");
    fse_json_object_begin(w);
    fse_json_kv_bool(w, "available", ref->available);
    if (!ref->available) {
        fse_json_kv_string(w, "why", ref->why);
    } else {
        fse_json_kv_string(w, "script", ref->script);
        fse_json_kv_string(w, "java", ref->java);
        fse_json_kv_string(w, "saxon", ref->saxon);
        fse_json_kv_int(w, "cpu", res->cpus.ids[0]);
        kv_num(w, "wall_s", ref->wall_s, 1);
        kv_num(w, "cpu_share", ref->cpu_share, 3);
        fse_json_kv_int(w, "attempts", ref->attempts);
        kv_num(w, "warmup_s", ref->warmup, 1);
        kv_num(w, "seconds", ref->seconds, 1);
        kv_num(w, "xsd_docs_per_s", ref->xsd, 1);
        kv_num(w, "sch_docs_per_s", ref->sch, 1);
        kv_num(w, "pipeline_docs_per_s", ref->pipeline, 1);
        kv_num(w, "full_ratio", ratio(res->one[BENCH_MODE_FULL].docs_per_s, ref->pipeline), 2);
        kv_num(w, "full_no_vocabulary_ratio",
               ratio(res->one[BENCH_MODE_FULL_NOVOC].docs_per_s, ref->pipeline), 2);
        kv_num(w, "xsd_ratio", ratio(res->one[BENCH_MODE_XSD].docs_per_s, ref->xsd), 2);
        kv_num(w, "schematron_ratio", ratio(res->sch_docs_per_s, ref->sch), 2);
    }
    fse_json_object_end(w);
}

static void json_agreement(fse_json *w, const char *key, const bench_agreement *a)
{
    size_t i;

    fse_json_key(w, key);
    fse_json_object_begin(w);
    fse_json_kv_int(w, "compared", (long long)a->compared);
    fse_json_kv_int(w, "agree", (long long)a->agree);
    fse_json_key(w, "disagreements");
    fse_json_array_begin(w);
    for (i = 0; i < a->n_lines; i++) {
        fse_json_string(w, a->lines[i]);
    }
    fse_json_array_end(w);
    fse_json_object_end(w);
}

static void json_goals(fse_json *w, const bench_results *res)
{
    int i;

    fse_json_key(w, "goals");
    fse_json_array_begin(w);
    for (i = 0; i < BENCH_N_GOALS; i++) {
        fse_json_object_begin(w);
        fse_json_kv_string(w, "goal", res->goals[i].name);
        fse_json_kv_string(w, "target", res->goals[i].target);
        fse_json_kv_bool(w, "measured", res->goals[i].measured);
        kv_num(w, "value", res->goals[i].value, 2);
        fse_json_kv_bool(w, "met", res->goals[i].met);
        fse_json_object_end(w);
    }
    fse_json_array_end(w);
    fse_json_kv_bool(w, "met", res->met);
}

static void json_head(fse_json *w, const bench_results *res)
{
    const bench_corpus *c = res->corpus;

    fse_json_kv_string(w, "bench", "validate");
    fse_json_kv_string(w, "date", res->date);
    fse_json_kv_bool(w, "quick", res->quick);
    kv_num(w, "seconds_per_mode", res->seconds, 1);
    fse_json_key(w, "machine");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "cpu", res->cpu_model);
    fse_json_kv_int(w, "cpus", res->cpus.n);
    fse_json_kv_string(w, "kernel", res->kernel);
    fse_json_kv_string(w, "libxml2", LIBXML_DOTTED_VERSION);
    fse_json_kv_string(w, "compiler", __VERSION__);
    fse_json_kv_string(w, "load_before", res->load_before);
    fse_json_kv_string(w, "load_after", res->load_after);
    fse_json_object_end(w);
    fse_json_kv_string(w, "catalog", res->catalog);
    fse_json_key(w, "corpus");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "source", c->source);
    fse_json_kv_int(w, "docs", (long long)c->n);
    fse_json_kv_int(w, "pdf", (long long)c->n_pdf);
    fse_json_kv_int(w, "bytes", (long long)c->bytes);
    fse_json_kv_int(w, "cda_bytes", (long long)c->xml_bytes);
    fse_json_object_end(w);
}

static int write_json(const bench_results *res, const char *path)
{
    fse_buf b;
    fse_json w;
    FILE *f;
    int rc = -1;

    fse_buf_init(&b, JSON_MAX_BYTES);
    fse_json_init(&w, &b);
    fse_json_object_begin(&w);
    json_head(&w, res);
    json_modes(&w, res);
    json_reference(&w, res);
    json_agreement(&w, "agreement_reference", &res->vs_ref);
    json_agreement(&w, "agreement_expected", &res->vs_expected);
    json_goals(&w, res);
    fse_json_object_end(&w);
    if (fse_json_status(&w) != FSE_OK || fse_buf_append_str(&b, "\n") != FSE_OK) {
        fprintf(stderr, "fse bench validate: %s: %s\n", path, fse_error_last()->message);
        goto done;
    }
    f = fopen(path, "w");
    if (f != NULL) {
        bool written = fwrite(b.data, 1, b.len, f) == b.len;

        rc = fclose(f) == 0 && written ? 0 : -1;
    }
    if (rc != 0) {
        fprintf(stderr, "fse bench validate: %s: %s\n", path, strerror(errno));
    }
done:
    fse_buf_free(&b);
    return rc;
}

int bench_output_files(const bench_results *res, const char *dir)
{
    char path[4096];

    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "fse bench validate: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof(path), "%s/validate.md", dir);
    if (write_md(res, path) != 0) {
        return -1;
    }
    snprintf(path, sizeof(path), "%s/validate.json", dir);
    if (write_json(res, path) != 0) {
        return -1;
    }
    fprintf(stderr, "bench validate: wrote %s/validate.md and validate.json\n", dir);
    return 0;
}
