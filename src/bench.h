/*
 * src/bench.h - shared parts of `fse bench validate`: the in-memory corpus,
 * the timed runs, the reference pipeline, verdicts and the result record.
 *
 * bench_validate.c owns the options, the corpus and the order of the steps;
 * bench_timing.c the pinned worker threads and the clock; bench_reference.c
 * the Java/Saxon child process and its JSON; bench_output.c the table,
 * bench/results/validate.md and validate.json. The dispatcher of `fse bench`
 * is src/cmd_bench.c. Everything here uses the public API only.
 */
#ifndef FSE_BENCH_H
#define FSE_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fse/validate.h"

#define BENCH_MAX_CPUS 1024
/* Below this CPU share other processes took CPU time from a run: it is repeated. */
#define BENCH_CPU_SHARE_OK 0.9

/* Entry point of `fse bench validate`. */
int bench_validate(int argc, char **argv);

/* One verdict as both sides can state it: outcome and sorted label multisets. */
typedef struct bench_verdict {
    bool present;
    char outcome[8]; /* "00", "01", "03", "05", "error" */
    char *rules;     /* failing labels "A, B*2" (fse_free), "" when none */
    char *warnings;  /* report labels, same form */
} bench_verdict;

void bench_verdict_clear(bench_verdict *v);
/* Compact labels (any order) into the sorted "A, B*2" form; NULL on no memory. */
char *bench_labels_compact(const char **labels, size_t n);
/* Our verdict from a report: schematron failure labels, warning labels. */
bool bench_verdict_from_report(bench_verdict *out, const fse_report *r);
/* Same outcome, failing labels and warnings. */
bool bench_verdict_equal(const bench_verdict *a, const bench_verdict *b);

typedef struct bench_doc {
    char *name;    /* the name the reference prints: expected.tsv path, or the file path */
    uint8_t *data; /* file bytes (fse_free) */
    size_t len;
    uint8_t *xml; /* the CDA: data, or extracted from a PDF at load time */
    size_t xml_len;
    bool is_pdf;
    bench_verdict expected; /* from expected.tsv, when the corpus came from one */
} bench_doc;

typedef struct bench_corpus {
    bench_doc *docs;
    size_t n;
    char source[4096]; /* the expected.tsv, or the directory */
    bool from_tsv;
    size_t n_pdf;
    size_t bytes;     /* sum of file sizes */
    size_t xml_bytes; /* sum of CDA sizes */
} bench_corpus;

/*
 * Load source: an expected.tsv (documents named by its `file` column, relative
 * to it) or a directory (every .xml and .pdf under it). Prints the error and
 * returns -1 on failure; free with bench_corpus_free either way.
 */
int bench_corpus_load(bench_corpus *c, const char *source);
void bench_corpus_free(bench_corpus *c);

typedef enum bench_mode {
    BENCH_MODE_RAW = 0,   /* fse_xml_parse, no schema */
    BENCH_MODE_XSD,       /* fse_validator_run, skip_schematron */
    BENCH_MODE_FULL,      /* fse_validator_run, default (vocabulary included) */
    BENCH_MODE_FULL_NOVOC /* fse_validator_run, skip_vocabulary */
} bench_mode;

#define BENCH_N_MODES 4

const char *bench_mode_label(bench_mode mode);
const char *bench_mode_key(bench_mode mode);

/* Result of one timed run. */
typedef struct bench_rate {
    bool done;
    unsigned threads;
    uint64_t docs;
    double seconds;
    double docs_per_s;
    uint64_t sch_ns;      /* summed report ns_schematron */
    uint64_t sch_docs;    /* documents whose schematron ran */
    uint64_t stage_ns[4]; /* summed ns_extract, ns_parse_xsd, ns_schematron, ns_vocabulary */
    double cpu_share;     /* thread CPU time / (threads x wall): below 1 when others took the CPU */
    unsigned attempts;    /* runs made; the one with the highest CPU share is kept */
    char error[256];      /* set when the run failed */
} bench_rate;

typedef struct bench_cpus {
    int ids[BENCH_MAX_CPUS];
    unsigned n;
} bench_cpus;

/* The CPUs this process may run on (sched_getaffinity). */
void bench_cpus_get(bench_cpus *out);

/*
 * Time mode over the corpus for seconds on the first n_threads CPUs of cpus,
 * one thread (and validator) per CPU, after a warm-up pass per thread.
 */
void bench_measure(bench_rate *out, const bench_corpus *corpus, const fse_catalog *catalog,
                   bench_mode mode, const bench_cpus *cpus, unsigned n_threads, double seconds);

/* The Java/Saxon reference pipeline, one core. */
typedef struct bench_reference {
    bool available;
    char why[512]; /* when not available */
    char script[4096];
    char java[32];
    char saxon[32];
    double seconds; /* per timed step */
    double warmup;
    double wall_s;     /* whole child process */
    double cpu_share;  /* its CPU time / wall time (1.0 = it had its CPU all along) */
    unsigned attempts; /* runs made; the one with the highest CPU share is kept */
    double xsd;        /* docs/s: JDK XSD validation */
    double sch;        /* docs/s: Saxon tree + schematron transform */
    double pipeline;   /* docs/s: routing + XSD + schematron */
    long xsd_pass, sch_pass, pipeline_pass; /* documents per pass of each step */
    bench_verdict *verdicts;                /* one per corpus document, same order */
    size_t n_unknown;                       /* reference lines naming no corpus document */
} bench_reference;

void bench_reference_run(bench_reference *ref, const bench_corpus *corpus, const char *catalog,
                         int cpu, double seconds, double warmup);
void bench_reference_free(bench_reference *ref, size_t n_docs);

/* Verdicts compared document by document. */
typedef struct bench_agreement {
    size_t compared;
    size_t agree;
    char **lines; /* one per disagreement (fse_free each) */
    size_t n_lines;
} bench_agreement;

/* Count one document; a disagreement adds a line "name: ours: ...; their_name: ...". */
void bench_agreement_add(bench_agreement *a, const char *name, const bench_verdict *ours,
                         const bench_verdict *theirs, const char *their_name);
void bench_agreement_free(bench_agreement *a);

typedef struct bench_goal {
    const char *name;
    const char *target;
    double value;
    bool measured;
    bool met;
} bench_goal;

#define BENCH_N_GOALS 4

/* Everything the output needs. */
typedef struct bench_results {
    bool quick;
    double seconds; /* per timed mode */
    char date[40];
    char cpu_model[160];
    char kernel[160];
    char load_before[64]; /* /proc/loadavg before and after the measurements */
    char load_after[64];
    char catalog[4096];
    bench_cpus cpus;
    const bench_corpus *corpus;
    bench_rate one[BENCH_N_MODES];
    bench_rate all[BENCH_N_MODES];
    bench_rate two_full; /* full on two cores when there are more than two */
    double sch_docs_per_s;
    bench_reference ref;
    bench_agreement vs_ref;      /* ours without vocabulary against the reference */
    bench_agreement vs_expected; /* ours with vocabulary against expected.tsv */
    bench_goal goals[BENCH_N_GOALS];
    bool met;
} bench_results;

/* Write validate.md and validate.json under dir; prints the error and returns -1 on failure. */
int bench_output_files(const bench_results *res, const char *dir);
/* The human table on out (stdout). */
void bench_output_table(FILE *out, const bench_results *res);
/* The last line, exactly "bench validate: ...: met|not met". */
void bench_output_last_line(FILE *out, const bench_results *res);

#endif /* FSE_BENCH_H */
