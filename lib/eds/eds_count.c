/*
 * lib/eds/eds_count.c - aggregate counts over the pseudonymised store
 * (UD-P): the resources fse_eds__export_run writes for a purpose, grouped
 * by resource type or by type and code, with every cell under
 * FSE_EDS_MIN_CELL resources or distinct patients refused (k-anonymity).
 *
 * Owns the cells and their suppression. Does not own which resources are
 * exported or how they are pseudonymised (eds_export.c).
 */
#include "eds_export.h"

#include <stdlib.h>
#include <string.h>

/* ---- Aggregate counts ---------------------------------------------------- */

typedef struct cell_acc {
    char *key;
    size_t count;
    size_t n_patients;                                   /* distinct, up to FSE_EDS_MIN_CELL */
    char patients[FSE_EDS_MIN_CELL][EDS_PSEUDO_LEN + 1]; /* the first distinct ones */
} cell_acc;

typedef struct count_run {
    fse_eds_count_by by;
    cell_acc *cells;
    size_t n, cap;
    size_t *index; /* open addressing: position + 1 in cells, 0 free */
    size_t index_cap;
} count_run;

static const char *coding_member(yajl_val res, const char *member)
{
    const char *path[] = {"code", "coding", NULL};
    yajl_val codings = yajl_tree_get(res, path, yajl_t_array);
    yajl_val first;
    const char *mpath[] = {member, NULL};
    yajl_val v;

    if (codings == NULL || codings->u.array.len == 0) {
        return NULL;
    }
    first = codings->u.array.values[0];
    v = YAJL_IS_OBJECT(first) ? yajl_tree_get(first, mpath, yajl_t_string) : NULL;
    return v == NULL ? NULL : v->u.string;
}

static size_t *index_slot(const count_run *c, const char *key)
{
    size_t i = (size_t)fse_eds__fnv(key, 0) & (c->index_cap - 1);

    while (c->index[i] != 0 && strcmp(c->cells[c->index[i] - 1].key, key) != 0) {
        i = (i + 1) & (c->index_cap - 1);
    }
    return &c->index[i];
}

/* Make room for one more cell (cells and their index). */
static fse_err cells_grow(count_run *c)
{
    size_t i;

    if (c->n == c->cap) {
        size_t cap = c->cap == 0 ? 32 : c->cap * 2;
        cell_acc *g = fse_realloc(c->cells, cap * sizeof(*g));

        if (g == NULL) {
            return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "count");
        }
        c->cells = g;
        c->cap = cap;
    }
    if ((c->n + 1) * 2 > c->index_cap) {
        size_t *old = c->index;

        c->index_cap = c->index_cap == 0 ? 64 : c->index_cap * 2;
        c->index = fse_calloc(c->index_cap, sizeof(size_t));
        if (c->index == NULL) {
            c->index = old;
            c->index_cap /= 2;
            return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "count");
        }
        fse_free(old);
        for (i = 0; i < c->n; i++) {
            *index_slot(c, c->cells[i].key) = i + 1;
        }
    }
    return FSE_OK;
}

static fse_err cell_for(cell_acc **out, count_run *c, const char *key)
{
    size_t *slot;
    fse_err rc;

    if (c->index_cap > 0) {
        slot = index_slot(c, key);
        if (*slot != 0) {
            *out = &c->cells[*slot - 1];
            return FSE_OK;
        }
    }
    rc = cells_grow(c);
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&c->cells[c->n], 0, sizeof(c->cells[0]));
    c->cells[c->n].key = fse_strdup(key);
    if (c->cells[c->n].key == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "count");
    }
    *index_slot(c, key) = c->n + 1;
    *out = &c->cells[c->n++];
    return FSE_OK;
}

static fse_err count_one(void *ud, const char *type, yajl_val res, const char *patient)
{
    count_run *c = ud;
    cell_acc *cell = NULL;
    fse_buf key;
    size_t i;
    fse_err rc;

    fse_buf_init(&key, 4096);
    rc = fse_buf_append_str(&key, type);
    if (rc == FSE_OK && c->by == FSE_EDS_COUNT_BY_CODE) {
        const char *sys = coding_member(res, "system");
        const char *code = coding_member(res, "code");

        if (code == NULL) {
            fse_buf_free(&key);
            return FSE_OK; /* no code: not in any cell */
        }
        rc = fse_buf_printf(&key, "|%s|%s", sys == NULL ? "" : sys, code);
    }
    if (rc == FSE_OK) {
        rc = cell_for(&cell, c, key.data);
    }
    fse_buf_free(&key);
    if (rc != FSE_OK) {
        return rc;
    }
    cell->count++;
    for (i = 0; i < cell->n_patients; i++) {
        if (strcmp(cell->patients[i], patient) == 0) {
            return FSE_OK;
        }
    }
    if (cell->n_patients < FSE_EDS_MIN_CELL) {
        memcpy(cell->patients[cell->n_patients++], patient, EDS_PSEUDO_LEN + 1);
    }
    return FSE_OK;
}

static int cell_cmp(const void *a, const void *b)
{
    return strcmp(((const fse_eds_cell *)a)->key, ((const fse_eds_cell *)b)->key);
}

/* The cells of c as the public list (keys moved). */
static fse_err cells_out(fse_eds_cells **out, count_run *c)
{
    fse_eds_cells *l = fse_calloc(1, sizeof(*l));
    size_t i;

    if (l == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "count");
    }
    l->items = fse_calloc(c->n == 0 ? 1 : c->n, sizeof(*l->items));
    if (l->items == NULL) {
        fse_free(l);
        return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "count");
    }
    for (i = 0; i < c->n; i++) {
        fse_eds_cell *e = &l->items[l->n++];

        e->key = c->cells[i].key;
        c->cells[i].key = NULL;
        /* k-anonymity: a small cell gives no number */
        e->suppressed =
            c->cells[i].count < FSE_EDS_MIN_CELL || c->cells[i].n_patients < FSE_EDS_MIN_CELL;
        e->count = e->suppressed ? 0 : c->cells[i].count;
    }
    qsort(l->items, l->n, sizeof(*l->items), cell_cmp);
    *out = l;
    return FSE_OK;
}

fse_err fse_eds_count(fse_eds_cells **out, fse_store *s, const fse_eds_export_opts *o,
                      fse_eds_count_by by)
{
    count_run c;
    size_t i;
    fse_err rc;

    if (out == NULL || (by != FSE_EDS_COUNT_BY_TYPE && by != FSE_EDS_COUNT_BY_CODE)) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "count: bad arguments");
    }
    *out = NULL;
    memset(&c, 0, sizeof(c));
    c.by = by;
    rc = fse_eds__export_run(NULL, s, o, NULL, count_one, &c);
    if (rc == FSE_OK) {
        rc = cells_out(out, &c);
    }
    for (i = 0; i < c.n; i++) {
        fse_free(c.cells[i].key);
    }
    fse_free(c.cells);
    fse_free(c.index);
    return rc;
}

void fse_eds_cells_free(fse_eds_cells *c)
{
    size_t i;

    if (c == NULL) {
        return;
    }
    for (i = 0; i < c->n; i++) {
        fse_free((void *)c->items[i].key);
    }
    fse_free(c->items);
    fse_free(c);
}
