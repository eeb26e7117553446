/*
 * tests/corpus/test_corpus.c - corpus agreement with the national validator.
 *
 * For every line of <catalog>/expected.tsv of one document type (argv[1]),
 * validates the sample and checks the outcome code and the multiset of
 * failing rule labels and warning labels, printing a readable diff for each
 * disagreement. Prints "N passed, N failed" and exits non-zero on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/validate.h"

#define MAX_LABELS 256

typedef struct label_count {
    char label[64];
    size_t count;
} label_count;

typedef struct label_set {
    label_count items[MAX_LABELS];
    size_t n;
} label_set;

static void set_add(label_set *s, const char *label, size_t count)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        if (strcmp(s->items[i].label, label) == 0) {
            s->items[i].count += count;
            return;
        }
    }
    if (s->n < MAX_LABELS) {
        snprintf(s->items[s->n].label, sizeof(s->items[s->n].label), "%s", label);
        s->items[s->n].count = count;
        s->n++;
    }
}

static size_t set_get(const label_set *s, const char *label)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        if (strcmp(s->items[i].label, label) == 0) {
            return s->items[i].count;
        }
    }
    return 0;
}

/* "ERRORE-1, ERRORE-10*2" -> set */
static void parse_labels(label_set *s, const char *field)
{
    char buf[8192];
    char *save = NULL;
    char *tok;

    snprintf(buf, sizeof(buf), "%s", field);
    for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        char *star;
        size_t count = 1;

        while (*tok == ' ') {
            tok++;
        }
        star = strrchr(tok, '*');
        if (star != NULL) {
            *star = '\0';
            count = strtoul(star + 1, NULL, 10);
        }
        if (*tok != '\0') {
            set_add(s, tok, count);
        }
    }
}

/* Lines "- LABEL xN" for labels whose counts differ; returns the number of differences. */
static size_t diff_sets(const char *what, const label_set *expected, const label_set *got)
{
    size_t i;
    size_t diffs = 0;

    for (i = 0; i < expected->n; i++) {
        size_t g = set_get(got, expected->items[i].label);

        if (g != expected->items[i].count) {
            printf("    %s %s: expected x%zu, got x%zu\n", what, expected->items[i].label,
                   expected->items[i].count, g);
            diffs++;
        }
    }
    for (i = 0; i < got->n; i++) {
        if (set_get(expected, got->items[i].label) == 0) {
            printf("    %s %s: not expected, got x%zu\n", what, got->items[i].label,
                   got->items[i].count);
            diffs++;
        }
    }
    return diffs;
}

/* Split a TSV line in place into at most n fields. */
static size_t split_tsv(char *line, char **fields, size_t n)
{
    size_t k = 0;

    fields[k++] = line;
    for (; *line != '\0' && k < n; line++) {
        if (*line == '\t') {
            *line = '\0';
            fields[k++] = line + 1;
        }
    }
    return k;
}

static bool check_sample(fse_validator *v, const char *catalog, char **f)
{
    char path[4096];
    uint8_t *data = NULL;
    size_t len = 0;
    fse_report *r = NULL;
    label_set exp_fail = {0};
    label_set exp_warn = {0};
    label_set got_fail = {0};
    label_set got_warn = {0};
    size_t i;
    bool ok;

    snprintf(path, sizeof(path), "%s/%s", catalog, f[0]);
    if (fse_file_read(path, 64u << 20, &data, &len) != FSE_OK ||
        fse_validator_run(v, data, len, NULL, &r) != FSE_OK) {
        printf("FAIL %s: %s\n", f[0], fse_error_last()->message);
        fse_free(data);
        return false;
    }
    parse_labels(&exp_fail, f[6]);
    parse_labels(&exp_warn, f[7]);
    for (i = 0; i < r->n_failures; i++) {
        if (r->failures[i].kind == FSE_FAILURE_SCHEMATRON && r->failures[i].rule[0] != '\0') {
            set_add(&got_fail, r->failures[i].rule, r->failures[i].count);
        }
    }
    for (i = 0; i < r->n_warnings; i++) {
        set_add(&got_warn, r->warnings[i].rule, r->warnings[i].count);
    }
    ok = strcmp(fse_outcome_code(r->outcome), f[3]) == 0;
    if (!ok) {
        printf("FAIL %s\n    outcome: expected %s %s, got %s %s (%s)\n", f[0], f[3], f[4],
               fse_outcome_code(r->outcome), fse_outcome_name(r->outcome),
               r->n_failures > 0 ? r->failures[0].message : "");
    }
    if (strcmp(f[3], "03") == 0 || strcmp(f[3], "05") == 0 || strcmp(f[3], "00") == 0) {
        if (!ok) {
            diff_sets("failing", &exp_fail, &got_fail);
            diff_sets("warning", &exp_warn, &got_warn);
        } else if (diff_sets("failing", &exp_fail, &got_fail) +
                       diff_sets("warning", &exp_warn, &got_warn) >
                   0) {
            printf("FAIL %s (labels above)\n", f[0]);
            ok = false;
        }
    }
    fse_report_free(r);
    fse_free(data);
    return ok;
}

int main(int argc, char **argv)
{
    const char *catalog = getenv("FSE_RULES") != NULL ? getenv("FSE_RULES") : FSE_RULES_DIR;
    char path[4096];
    uint8_t *tsv = NULL;
    size_t len = 0;
    fse_catalog *cat = NULL;
    fse_validator *v = NULL;
    size_t passed = 0;
    size_t failed = 0;
    char *save = NULL;
    char *line;

    if (argc != 2) {
        fprintf(stderr, "usage: test_corpus DOCTYPE\n");
        return 2;
    }
    snprintf(path, sizeof(path), "%s/expected.tsv", catalog);
    if (fse_file_read(path, 16u << 20, &tsv, &len) != FSE_OK ||
        fse_catalog_load(&cat, catalog, NULL) != FSE_OK || fse_validator_new(&v, cat) != FSE_OK) {
        fprintf(stderr, "setup failed: %s\n", fse_error_last()->message);
        return 1;
    }
    line = strtok_r((char *)tsv, "\n", &save); /* header */
    for (line = strtok_r(NULL, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *f[9] = {"", "", "", "", "", "", "", "", ""};

        if (split_tsv(line, f, 9) < 8 || strcmp(f[1], argv[1]) != 0) {
            continue;
        }
        if (check_sample(v, catalog, f)) {
            passed++;
        } else {
            failed++;
        }
    }
    printf("%s: %zu passed, %zu failed\n", argv[1], passed, failed);
    fse_validator_free(v);
    fse_catalog_free(cat);
    fse_free(tsv);
    return failed == 0 && passed > 0 ? 0 : 1;
}
