/*
 * src/cmd_validate.c - `fse validate`: validate CDA documents (XML, or PDF
 * carrying a CDA) as the national Gateway does, many files in parallel.
 *
 * Owns argument parsing, the rules-catalog lookup order (--rules, FSE_RULES,
 * the default catalog beside the source tree), the worker threads (one
 * validator each), output (text or one JSON line per file, in input order),
 * the progress bar on a terminal, the summary table and the exit code
 * (0 all valid, 1 some invalid, 2 usage or I/O error).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "fse/limits.h"
#include "fse/validate.h"
#include "tool.h"

typedef struct job {
    char *path;
    fse_report *report;
    char error[FSE_ERROR_MSG_MAX]; /* I/O error: the file could not be read */
    atomic_bool done;
} job;

typedef struct pool {
    const fse_catalog *catalog;
    fse_validate_opts opts;
    job *jobs;
    size_t n_jobs;
    atomic_size_t next;
    atomic_size_t finished;
} pool;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: fse validate [--config FILE] [--rules DIR] [--json] [--jobs N] [--summary]\n"
            "                    [--no-vocabulary] FILE|DIR...\n"
            "\n"
            "Validate CDA R2 documents (XML, or PDF with the CDA attached as cda.xml or as an\n"
            "XFA datasets resource) with the official XSD, schematron and terminology.\n"
            "Directories are searched for .xml and .pdf files.\n"
            "\n"
            "  --config FILE     configuration file (default: $FSE_CONFIG)\n"
            "  --rules DIR       rules catalog (validate.rules_dir; default: $FSE_RULES, then\n"
            "                    %s)\n"
            "  --json            one JSON object per line per file\n"
            "  --jobs N          worker threads (default: all cores)\n"
            "  --summary         print a table of outcomes per document type\n"
            "  --no-vocabulary   skip the terminology step (the Gateway's 'system: TS')\n"
            "\n"
            "Exit status: 0 all valid, 1 some invalid, 2 usage or I/O error.\n",
            FSE_DEFAULT_RULES_DIR);
}

static void *worker(void *arg)
{
    pool *p = arg;
    fse_validator *v = NULL;

    if (fse_validator_new(&v, p->catalog) != FSE_OK) {
        return NULL;
    }
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        job *j;
        uint8_t *data = NULL;
        size_t len = 0;
        fse_err rc;

        if (i >= p->n_jobs) {
            break;
        }
        j = &p->jobs[i];
        /* Read a little past the limit so oversized files are reported as such. */
        rc = fse_file_read(j->path, FSE_MAX_DOCUMENT_BYTES, &data, &len);
        if (rc == FSE_E_LIMIT) {
            static const uint8_t big = 0;

            rc = fse_validator_run(v, &big, (size_t)FSE_MAX_DOCUMENT_BYTES + 1, &p->opts,
                                   &j->report);
        } else if (rc == FSE_OK) {
            rc = fse_validator_run(v, data, len, &p->opts, &j->report);
        }
        if (rc != FSE_OK) {
            snprintf(j->error, sizeof(j->error), "%s", fse_error_last()->message);
        }
        fse_free(data);
        atomic_store(&j->done, true);
        atomic_fetch_add(&p->finished, 1);
    }
    fse_validator_free(v);
    return NULL;
}

static void print_text(const job *j)
{
    const fse_report *r = j->report;
    size_t i;

    printf("%s: %s %s", j->path, fse_outcome_code(r->outcome), fse_outcome_name(r->outcome));
    if (r->doc_type[0] != '\0') {
        printf(" (%s, %s)", r->doc_type, r->schematron);
    }
    printf("\n");
    for (i = 0; i < r->n_failures; i++) {
        const fse_failure *f = &r->failures[i];

        printf("  %-10s %s%s", fse_failure_kind_name(f->kind), f->rule, f->rule[0] ? " " : "");
        if (f->count > 1) {
            printf("x%zu ", f->count);
        }
        printf("%s%s%s\n", f->location, f->location[0] ? ": " : "", f->message);
    }
    for (i = 0; i < r->n_warnings; i++) {
        const fse_failure *f = &r->warnings[i];

        printf("  warning    %s %s: %s\n", f->rule, f->location, f->message);
    }
}

static void print_json(const job *j)
{
    fse_buf b;

    fse_buf_init(&b, 64u * 1024u * 1024u);
    if (fse_report_write_json(&b, j->report, j->path) == FSE_OK) {
        printf("%s\n", b.data);
    }
    fse_buf_free(&b);
}

static void progress(const pool *p, size_t done, bool final)
{
    char bar[41];
    size_t filled = p->n_jobs == 0 ? 40 : done * 40 / p->n_jobs;
    size_t i;

    for (i = 0; i < 40; i++) {
        bar[i] = i < filled ? '#' : '.';
    }
    bar[40] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu%s", bar, done, p->n_jobs, final ? "\n" : "");
    fflush(stderr);
}

/* Per document type: count of each outcome. */
typedef struct summary_row {
    char doc_type[32];
    size_t by_outcome[6];
    size_t errors;
    size_t total;
} summary_row;

static void add_to_summary(summary_row *rows, size_t *n_rows, const job *j)
{
    const char *type = j->report != NULL && j->report->doc_type[0] ? j->report->doc_type : "-";
    size_t i;

    for (i = 0; i < *n_rows; i++) {
        if (strcmp(rows[i].doc_type, type) == 0) {
            break;
        }
    }
    if (i == *n_rows) {
        memset(&rows[i], 0, sizeof(rows[i]));
        snprintf(rows[i].doc_type, sizeof(rows[i].doc_type), "%s", type);
        (*n_rows)++;
    }
    rows[i].total++;
    if (j->report == NULL) {
        rows[i].errors++;
    } else {
        rows[i].by_outcome[j->report->outcome]++;
    }
}

static void print_summary(const pool *p, double seconds)
{
    summary_row *rows = calloc(p->n_jobs + 1, sizeof(*rows));
    summary_row total;
    size_t n_rows = 0;
    size_t i;
    size_t k;

    if (rows == NULL) {
        return;
    }
    for (i = 0; i < p->n_jobs; i++) {
        add_to_summary(rows, &n_rows, &p->jobs[i]);
    }
    memset(&total, 0, sizeof(total));
    printf("\n%-18s %6s %6s %6s %6s %6s %6s %6s\n", "tipo documento", "totale", "00 OK", "01 SIN",
           "02 VOC", "03 SEM", "05 WRN", "errori");
    for (i = 0; i < n_rows; i++) {
        printf("%-18s %6zu %6zu %6zu %6zu %6zu %6zu %6zu\n", rows[i].doc_type, rows[i].total,
               rows[i].by_outcome[0], rows[i].by_outcome[1], rows[i].by_outcome[2],
               rows[i].by_outcome[3], rows[i].by_outcome[5], rows[i].errors);
        total.total += rows[i].total;
        total.errors += rows[i].errors;
        for (k = 0; k < 6; k++) {
            total.by_outcome[k] += rows[i].by_outcome[k];
        }
    }
    printf("%-18s %6zu %6zu %6zu %6zu %6zu %6zu %6zu\n", "totale", total.total, total.by_outcome[0],
           total.by_outcome[1], total.by_outcome[2], total.by_outcome[3], total.by_outcome[5],
           total.errors);
    printf("%zu documenti in %.2f s (%.0f documenti/s)\n", total.total, seconds,
           seconds > 0 ? (double)total.total / seconds : 0.0);
    free(rows);
}

static int run_pool(pool *p, bool json, bool summary, size_t n_threads)
{
    pthread_t *threads = calloc(n_threads, sizeof(*threads));
    bool tty = isatty(STDERR_FILENO) && !json;
    size_t printed = 0;
    size_t i;
    int status = 0;
    uint64_t t0 = tool_now_ns();

    if (threads == NULL) {
        fprintf(stderr, "fse validate: out of memory\n");
        return 2;
    }
    for (i = 0; i < n_threads; i++) {
        if (pthread_create(&threads[i], NULL, worker, p) != 0) {
            n_threads = i;
            break;
        }
    }
    /* Print results in input order as they complete. */
    while (printed < p->n_jobs) {
        job *j = &p->jobs[printed];

        if (!atomic_load(&j->done)) {
            if (tty) {
                progress(p, atomic_load(&p->finished), false);
            }
            usleep(2000);
            continue;
        }
        if (tty) {
            fprintf(stderr, "\r\033[K");
        }
        if (j->report == NULL) {
            fprintf(stderr, "fse validate: %s: %s\n", j->path, j->error);
            status = 2;
        } else {
            if (!j->report->valid && status == 0) {
                status = 1;
            }
            if (json) {
                print_json(j);
            } else if (!summary) {
                print_text(j);
            }
        }
        printed++;
    }
    for (i = 0; i < n_threads; i++) {
        pthread_join(threads[i], NULL);
    }
    if (tty) {
        progress(p, p->n_jobs, true);
    }
    if (summary) {
        print_summary(p, (double)(tool_now_ns() - t0) / 1e9);
    }
    free(threads);
    return status;
}

/* Flags override the configuration file and the environment. */
static int apply_flags(fse_config *cfg, const char *rules, long jobs, bool skip_vocabulary)
{
    char text[32];

    if (rules != NULL && fse_config_set(cfg, "validate.rules_dir", rules) != FSE_OK) {
        fprintf(stderr, "fse validate: %s\n", fse_error_last()->message);
        return 2;
    }
    snprintf(text, sizeof(text), "%ld", jobs);
    if (jobs > 0 && fse_config_set(cfg, "validate.jobs", text) != FSE_OK) {
        return 2;
    }
    if (skip_vocabulary) {
        cfg->validate.skip_vocabulary = true;
    }
    return 0;
}

int cmd_validate(int argc, char **argv)
{
    const char *rules = NULL;
    const char *config_file = NULL;
    fse_config cfg;
    bool json = false;
    bool summary = false;
    bool skip_vocabulary = false;
    long jobs = 0;
    tool_paths files = {0};
    fse_catalog *catalog = NULL;
    fse_catalog_opts copts = {0};
    pool p;
    int status;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc) {
            rules = argv[++i];
        } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_file = argv[++i];
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--summary") == 0) {
            summary = true;
        } else if (strcmp(argv[i], "--no-vocabulary") == 0) {
            skip_vocabulary = true;
        } else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) {
            if (!tool_parse_long(argv[++i], 1, 1024, &jobs)) {
                fprintf(stderr, "fse validate: --jobs wants a number from 1 to 1024\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "fse validate: unknown option %s\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (tool_paths_collect(&files, argv[i], ".xml", ".pdf") != 0) {
            tool_paths_free(&files);
            return 2;
        }
    }
    if (files.n == 0) {
        usage(stderr);
        return 2;
    }
    if (!tool_config_load(&cfg, config_file) ||
        apply_flags(&cfg, rules, jobs, skip_vocabulary) != 0) {
        tool_paths_free(&files);
        return 2;
    }
    skip_vocabulary = cfg.validate.skip_vocabulary;
    jobs = cfg.validate.jobs;
    copts.skip_terminology = skip_vocabulary;
    if (fse_catalog_load(&catalog, cfg.validate.rules_dir, &copts) != FSE_OK) {
        fprintf(stderr, "fse validate: %s\n", fse_error_last()->message);
        tool_paths_free(&files);
        return 2;
    }
    memset(&p, 0, sizeof(p));
    p.catalog = catalog;
    p.opts.skip_vocabulary = skip_vocabulary;
    p.n_jobs = files.n;
    p.jobs = calloc(files.n, sizeof(*p.jobs));
    if (p.jobs == NULL) {
        fse_catalog_free(catalog);
        tool_paths_free(&files);
        return 2;
    }
    for (size_t k = 0; k < files.n; k++) {
        p.jobs[k].path = files.items[k];
    }
    if (jobs == 0) {
        jobs = sysconf(_SC_NPROCESSORS_ONLN);
    }
    if ((size_t)jobs > files.n) {
        jobs = (long)files.n;
    }
    status = run_pool(&p, json, summary, (size_t)(jobs < 1 ? 1 : jobs));
    for (size_t k = 0; k < files.n; k++) {
        fse_report_free(p.jobs[k].report);
    }
    free(p.jobs);
    fse_catalog_free(catalog);
    tool_paths_free(&files);
    return status;
}
