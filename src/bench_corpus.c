/*
 * src/bench_corpus.c - the corpus of `fse bench validate`, loaded into memory
 * before anything is timed.
 *
 * Owns reading the document list (the `file` column of an expected.tsv, paths
 * relative to it, with the expected outcome and labels of each row; or every
 * .xml and .pdf under a directory), the file bytes, and for PDFs the CDA
 * extracted once at load time for the raw-parse mode. Does not own timing
 * (bench_timing.c) or validation (the library).
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fse/limits.h"
#include "fse/pdf.h"
#include "tool.h"

#define TSV_MAX_BYTES (16u * 1024u * 1024u)
#define TSV_MAX_FIELDS 32
#define TSV_MAX_REPEAT 100000

/* Labels of an expected.tsv cell: "A, B*3" (any order) into the canonical form. */
static char *tsv_labels(const char *cell)
{
    const char **labels = NULL;
    size_t n = 0;
    size_t cap = 0;
    char *copy = fse_strdup(cell);
    char *p = copy;
    char *out = NULL;

    while (p != NULL && *p != '\0') {
        char *end = strchr(p, ',');
        char *star;
        long repeat = 1;

        if (end != NULL) {
            *end = '\0';
        }
        while (*p == ' ') {
            p++;
        }
        for (size_t k = strlen(p); k > 0 && p[k - 1] == ' '; k--) {
            p[k - 1] = '\0';
        }
        star = strrchr(p, '*');
        if (star != NULL && tool_parse_long(star + 1, 1, TSV_MAX_REPEAT, &repeat)) {
            *star = '\0';
        } else {
            repeat = 1;
        }
        for (long r = 0; r < repeat && *p != '\0'; r++) {
            if (n == cap) {
                size_t ncap = cap == 0 ? 16 : cap * 2;
                const char **grown = realloc(labels, ncap * sizeof(*grown));

                if (grown == NULL) {
                    goto done;
                }
                labels = grown;
                cap = ncap;
            }
            labels[n++] = p;
        }
        p = end != NULL ? end + 1 : NULL;
    }
    if (copy != NULL) {
        out = bench_labels_compact(labels, n);
    }
done:
    free(labels);
    fse_free(copy);
    return out;
}

static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;

    while (n < max) {
        char *tab = strchr(line, '\t');

        fields[n++] = line;
        if (tab == NULL) {
            break;
        }
        *tab = '\0';
        line = tab + 1;
    }
    return n;
}

static int column(char **head, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(head[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static bench_doc *add_doc(bench_corpus *c, size_t *cap, const char *name)
{
    if (c->n == *cap) {
        size_t ncap = *cap == 0 ? 256 : *cap * 2;
        bench_doc *grown = realloc(c->docs, ncap * sizeof(*grown));

        if (grown == NULL) {
            return NULL;
        }
        c->docs = grown;
        *cap = ncap;
    }
    memset(&c->docs[c->n], 0, sizeof(c->docs[c->n]));
    c->docs[c->n].name = fse_strdup(name);
    if (c->docs[c->n].name == NULL) {
        return NULL;
    }
    return &c->docs[c->n++];
}

static void take_expected(bench_doc *d, char **f, size_t n, const int *col)
{
    bench_verdict *v = &d->expected;

    if (col[1] < 0 || (size_t)col[1] >= n || (size_t)col[2] >= n || (size_t)col[3] >= n) {
        return;
    }
    snprintf(v->outcome, sizeof(v->outcome), "%s", f[col[1]]);
    v->rules = tsv_labels(f[col[2]]);
    v->warnings = tsv_labels(f[col[3]]);
    v->present = v->rules != NULL && v->warnings != NULL;
}

static int load_tsv_list(bench_corpus *c, char *text)
{
    char *head[TSV_MAX_FIELDS];
    char *f[TSV_MAX_FIELDS];
    int col[4];
    size_t n_head;
    size_t cap = 0;
    char *line = text;
    char *nl = strchr(line, '\n');

    if (nl == NULL) {
        return -1;
    }
    *nl = '\0';
    n_head = split_tabs(line, head, TSV_MAX_FIELDS);
    col[0] = column(head, n_head, "file");
    col[1] = column(head, n_head, "outcome_code");
    col[2] = column(head, n_head, "failing_asserts");
    col[3] = column(head, n_head, "warnings");
    if (col[0] < 0) {
        return -1;
    }
    for (line = nl + 1; line != NULL && *line != '\0'; line = nl != NULL ? nl + 1 : NULL) {
        size_t n;
        bench_doc *d;

        nl = strchr(line, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        n = split_tabs(line, f, TSV_MAX_FIELDS);
        if ((size_t)col[0] >= n || f[col[0]][0] == '\0') {
            continue;
        }
        d = add_doc(c, &cap, f[col[0]]);
        if (d == NULL) {
            return -1;
        }
        take_expected(d, f, n, col);
    }
    return 0;
}

/* Read the bytes of every document; for a PDF also extract its CDA. */
static int load_bytes(bench_corpus *c, const char *base)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        bench_doc *d = &c->docs[i];
        char path[8192];

        snprintf(path, sizeof(path), "%s%s%s", base, base[0] ? "/" : "", d->name);
        if (fse_file_read(path, FSE_MAX_DOCUMENT_BYTES, &d->data, &d->len) != FSE_OK) {
            fprintf(stderr, "fse bench validate: %s\n", fse_error_last()->message);
            return -1;
        }
        d->xml = d->data;
        d->xml_len = d->len;
        d->is_pdf = fse_pdf_detect(d->data, d->len);
        if (d->is_pdf) {
            uint8_t *cda = NULL;
            size_t cda_len = 0;

            c->n_pdf++;
            if (fse_pdf_extract_cda(&cda, &cda_len, NULL, d->data, d->len) == FSE_OK) {
                d->xml = cda;
                d->xml_len = cda_len;
            }
        }
        c->bytes += d->len;
        c->xml_bytes += d->xml_len;
    }
    return 0;
}

static int load_from_tsv(bench_corpus *c, const char *tsv)
{
    uint8_t *text = NULL;
    size_t len = 0;
    char base[4096];
    const char *slash = strrchr(tsv, '/');
    int rc;

    if (fse_file_read(tsv, TSV_MAX_BYTES, &text, &len) != FSE_OK) {
        fprintf(stderr, "fse bench validate: %s\n", fse_error_last()->message);
        return -1;
    }
    rc = load_tsv_list(c, (char *)text);
    fse_free(text);
    if (rc != 0) {
        fprintf(stderr, "fse bench validate: %s: no 'file' column or out of memory\n", tsv);
        return -1;
    }
    c->from_tsv = true;
    snprintf(base, sizeof(base), "%.*s", slash == NULL ? 1 : (int)(slash - tsv),
             slash == NULL ? "." : tsv);
    return load_bytes(c, base);
}

static int load_from_dir(bench_corpus *c, const char *dir)
{
    tool_paths paths = {0};
    size_t cap = 0;
    size_t i;
    int rc = 0;

    if (tool_paths_collect(&paths, dir, ".xml", ".pdf") != 0) {
        return -1;
    }
    for (i = 0; i < paths.n && rc == 0; i++) {
        if (add_doc(c, &cap, paths.items[i]) == NULL) {
            rc = -1;
        }
    }
    tool_paths_free(&paths);
    return rc == 0 ? load_bytes(c, "") : rc;
}

int bench_corpus_load(bench_corpus *c, const char *source)
{
    struct stat st;
    size_t len;
    int rc;

    memset(c, 0, sizeof(*c));
    snprintf(c->source, sizeof(c->source), "%s", source);
    for (len = strlen(c->source); len > 1 && c->source[len - 1] == '/'; len--) {
        c->source[len - 1] = '\0';
    }
    if (stat(c->source, &st) != 0) {
        fprintf(stderr, "fse bench validate: corpus %s not found\n", c->source);
        return -1;
    }
    rc = S_ISDIR(st.st_mode) ? load_from_dir(c, c->source) : load_from_tsv(c, c->source);
    if (rc == 0 && c->n == 0) {
        fprintf(stderr, "fse bench validate: no documents in %s\n", c->source);
        rc = -1;
    }
    return rc;
}

void bench_corpus_free(bench_corpus *c)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        bench_doc *d = &c->docs[i];

        if (d->xml != d->data) {
            fse_free(d->xml);
        }
        fse_free(d->data);
        fse_free(d->name);
        bench_verdict_clear(&d->expected);
    }
    free(c->docs);
    memset(c, 0, sizeof(*c));
}
