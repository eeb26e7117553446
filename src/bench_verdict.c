/*
 * src/bench_verdict.c - verdicts of `fse bench validate` in a form both
 * validators can state, and their comparison document by document.
 *
 * Owns the canonical label form (sorted multiset, "ERRORE-45*3" for three
 * firings), the verdict taken from one of our reports (schematron failure
 * labels times their count, warning labels likewise) and the agreement
 * record with its list of disagreements. Does not own where the other side's
 * verdicts come from (bench_reference.c, expected.tsv in bench_validate.c).
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

#define LABELS_MAX_BYTES (1024u * 1024u)

void bench_verdict_clear(bench_verdict *v)
{
    fse_free(v->rules);
    fse_free(v->warnings);
    memset(v, 0, sizeof(*v));
}

static int cmp_label(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *bench_labels_compact(const char **labels, size_t n)
{
    const char **sorted = NULL;
    fse_buf b;
    size_t i;
    size_t run;
    fse_err rc = FSE_OK;

    fse_buf_init(&b, LABELS_MAX_BYTES);
    if (n > 0) {
        sorted = malloc(n * sizeof(*sorted));
        if (sorted == NULL) {
            return NULL;
        }
        memcpy(sorted, labels, n * sizeof(*sorted));
        qsort(sorted, n, sizeof(*sorted), cmp_label);
    }
    for (i = 0; i < n && rc == FSE_OK; i += run) {
        for (run = 1; i + run < n && strcmp(sorted[i], sorted[i + run]) == 0; run++) {
        }
        rc = fse_buf_printf(&b, "%s%s", i > 0 ? ", " : "", sorted[i]);
        if (rc == FSE_OK && run > 1) {
            rc = fse_buf_printf(&b, "*%zu", run);
        }
    }
    free(sorted);
    if (rc != FSE_OK) {
        fse_buf_free(&b);
        return NULL;
    }
    return fse_buf_steal(&b, NULL);
}

/* Labels of the findings, each repeated count times. */
static char *compact_findings(const fse_failure *f, size_t n, bool schematron_only)
{
    const char **labels;
    size_t total = 0;
    size_t k = 0;
    size_t i;
    size_t j;
    char *out;

    for (i = 0; i < n; i++) {
        if (!schematron_only || f[i].kind == FSE_FAILURE_SCHEMATRON) {
            total += f[i].count == 0 ? 1 : f[i].count;
        }
    }
    labels = malloc((total == 0 ? 1 : total) * sizeof(*labels));
    if (labels == NULL) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        if (schematron_only && f[i].kind != FSE_FAILURE_SCHEMATRON) {
            continue;
        }
        for (j = 0; j < (f[i].count == 0 ? 1 : f[i].count); j++) {
            labels[k++] = f[i].rule;
        }
    }
    out = bench_labels_compact(labels, k);
    free(labels);
    return out;
}

bool bench_verdict_from_report(bench_verdict *out, const fse_report *r)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->outcome, sizeof(out->outcome), "%s", fse_outcome_code(r->outcome));
    out->rules = compact_findings(r->failures, r->n_failures, true);
    out->warnings = compact_findings(r->warnings, r->n_warnings, false);
    out->present = out->rules != NULL && out->warnings != NULL;
    if (!out->present) {
        bench_verdict_clear(out);
        return false;
    }
    return true;
}

bool bench_verdict_equal(const bench_verdict *a, const bench_verdict *b)
{
    return a->present && b->present && strcmp(a->outcome, b->outcome) == 0 &&
           strcmp(a->rules, b->rules) == 0 && strcmp(a->warnings, b->warnings) == 0;
}

static fse_err describe(fse_buf *b, const char *who, const bench_verdict *v)
{
    if (!v->present) {
        return fse_buf_printf(b, "%s: no verdict", who);
    }
    return fse_buf_printf(b, "%s: %s [%s] {%s}", who, v->outcome, v->rules, v->warnings);
}

void bench_agreement_add(bench_agreement *a, const char *name, const bench_verdict *ours,
                         const bench_verdict *theirs, const char *their_name)
{
    fse_buf b;
    char **grown;

    a->compared++;
    if (bench_verdict_equal(ours, theirs)) {
        a->agree++;
        return;
    }
    fse_buf_init(&b, LABELS_MAX_BYTES * 3);
    if (fse_buf_printf(&b, "%s: ", name) != FSE_OK || describe(&b, "ours", ours) != FSE_OK ||
        fse_buf_append_str(&b, "; ") != FSE_OK || describe(&b, their_name, theirs) != FSE_OK) {
        fse_buf_free(&b);
        return;
    }
    grown = realloc(a->lines, (a->n_lines + 1) * sizeof(*grown));
    if (grown == NULL) {
        fse_buf_free(&b);
        return;
    }
    a->lines = grown;
    a->lines[a->n_lines++] = fse_buf_steal(&b, NULL);
}

void bench_agreement_free(bench_agreement *a)
{
    size_t i;

    for (i = 0; i < a->n_lines; i++) {
        fse_free(a->lines[i]);
    }
    free(a->lines);
    memset(a, 0, sizeof(*a));
}
