/*
 * lib/monitor/monitor_compute.c - the indicators of a range of quarters
 * (fse_monitor_compute): the citizens' counts of every quarter
 * (monitor_citizens.c) and the professionals' counts of each quarter
 * (fse_store_mon_operators_count) turned into cells per region, the
 * national aggregate, and the suppression of small cells of citizens.
 *
 * Owns the quarter windows (a partial quarter ends now), which regions a
 * quarter shows, the national sums and the primary and secondary
 * suppression (fse/monitor.h). Does not own the SQL
 * (lib/store/store_sqlite_monitor.c) nor the outputs (monitor_output.c).
 */
#include "monitor_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned popcount16(uint32_t v)
{
    unsigned n = 0;

    while (v != 0) {
        n += v & 1u;
        v >>= 1;
    }
    return n;
}

/* Cells of one quarter being collected. */
typedef struct period_acc {
    fse_monitor_period *p;
    size_t index; /* of the period in the citizens' counts */
    size_t cap;
    const mon_citizens *cit;
} period_acc;

static fse_monitor_ratio ratio(int64_t num, int64_t den)
{
    fse_monitor_ratio r = {num, den, false};

    return r;
}

/* The cell of region, made (with its citizens' counts and document types)
 * when new. */
static fse_monitor_cell *cell_of(period_acc *a, const char *region)
{
    const mon_citizens *c = a->cit;
    fse_monitor_cell *cell;
    size_t i;

    for (i = 0; i < a->p->n_cells; i++) {
        if (strcmp(a->p->cells[i].region, region) == 0) {
            return &a->p->cells[i];
        }
    }
    if (a->p->n_cells == a->cap) {
        size_t cap = a->cap == 0 ? 32 : a->cap * 2;

        if (cap > MON_MAX_REGIONS + 1) {
            cap = MON_MAX_REGIONS + 1;
        }
        if (cap == a->cap) {
            return NULL;
        }
        cell = fse_realloc(a->p->cells, cap * sizeof(*cell));
        if (cell == NULL) {
            return NULL;
        }
        a->p->cells = cell;
        a->cap = cap;
    }
    cell = &a->p->cells[a->p->n_cells++];
    memset(cell, 0, sizeof(*cell));
    snprintf(cell->region, sizeof(cell->region), "%s", region);
    for (i = 0; i < c->n_regions; i++) {
        const int64_t *n = fse_monitor__citizen_counts(c, a->index, i);
        size_t t;

        if (strcmp(c->regions[i], region) != 0) {
            continue;
        }
        cell->ind[FSE_MONITOR_CONSENT] = ratio(n[MON_CONSENT], n[MON_PATIENTS]);
        cell->ind[FSE_MONITOR_USAGE] = ratio(n[MON_CONSULTED], n[MON_WITH_DOCS]);
        for (t = 0; t < FSE_MONITOR_N_DOC_TYPES; t++) {
            if (c->type_first[i][t] < a->p->end_ms) {
                cell->types_available |= 1u << t;
            }
        }
    }
    cell->ind[FSE_MONITOR_DOC_TYPES] =
        ratio(popcount16(cell->types_available), FSE_MONITOR_N_DOC_TYPES);
    return cell;
}

static fse_err on_operators(void *ctx, const fse_store_mon_operators *o)
{
    period_acc *a = ctx;
    fse_monitor_cell *cell;

    if (strlen(o->region) > 3) {
        return FSE_OK; /* not a region code: not shown */
    }
    cell = cell_of(a, o->region);
    if (cell == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "cells of a quarter");
    }
    cell->ind[FSE_MONITOR_GP] = ratio(o->gps_active, o->gps);
    cell->ind[FSE_MONITOR_SPECIALISTS] = ratio(o->specialists_active, o->specialists);
    return FSE_OK;
}

static int cmp_cell(const void *a, const void *b)
{
    return strcmp(((const fse_monitor_cell *)a)->region, ((const fse_monitor_cell *)b)->region);
}

/* The national aggregate, appended after the regions. */
static fse_err national(period_acc *a)
{
    size_t n_regions = a->p->n_cells;
    fse_monitor_cell *nat = cell_of(a, FSE_MONITOR_NATIONAL);
    size_t i;
    int k;

    if (nat == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "national cell");
    }
    memset(nat->ind, 0, sizeof(nat->ind));
    nat->types_available = 0;
    for (i = 0; i < n_regions; i++) {
        const fse_monitor_cell *c = &a->p->cells[i];

        for (k = 0; k < FSE_MONITOR_DOC_TYPES; k++) {
            nat->ind[k].num += c->ind[k].num;
            nat->ind[k].den += c->ind[k].den;
        }
        /* Document availability: the mean of the regions (3-digit codes). */
        if (strlen(c->region) == 3) {
            nat->ind[FSE_MONITOR_DOC_TYPES].num += c->ind[FSE_MONITOR_DOC_TYPES].num;
            nat->ind[FSE_MONITOR_DOC_TYPES].den += c->ind[FSE_MONITOR_DOC_TYPES].den;
            nat->types_available |= c->types_available;
        }
    }
    return FSE_OK;
}

static bool small(int64_t v)
{
    return v > 0 && v < FSE_MONITOR_SUPPRESS_BELOW;
}

/* Primary and secondary suppression of one citizen indicator of a
 * quarter; the suppressed cells lose their numbers. */
static void suppress(fse_monitor_period *p, fse_monitor_indicator k)
{
    size_t n_regions = p->n_cells - 1;
    fse_monitor_ratio *nat = &p->cells[n_regions].ind[k];
    fse_monitor_ratio *pick = NULL;
    size_t n_suppressed = 0;
    size_t i;

    for (i = 0; i < p->n_cells; i++) {
        fse_monitor_ratio *r = &p->cells[i].ind[k];

        r->suppressed = small(r->num) || small(r->den);
        if (r->suppressed && i < n_regions) {
            n_suppressed++;
        }
    }
    if (n_suppressed == 1 && !nat->suppressed) {
        /* The national figure minus the published regions would give the
         * suppressed one back: suppress the smallest other one too. */
        for (i = 0; i < n_regions; i++) {
            fse_monitor_ratio *r = &p->cells[i].ind[k];

            if (!r->suppressed && r->den > 0 && (pick == NULL || r->den < pick->den)) {
                pick = r;
            }
        }
        if (pick == NULL) {
            pick = nat;
        }
        pick->suppressed = true;
    }
    for (i = 0; i < p->n_cells; i++) {
        fse_monitor_ratio *r = &p->cells[i].ind[k];

        if (r->suppressed) {
            r->num = 0;
            r->den = 0;
        }
    }
}

static int64_t period_end(fse_monitor_quarter q, int64_t now_ms)
{
    int64_t start = fse_monitor_quarter_start_ms(q);
    int64_t next = fse_monitor_quarter_start_ms(q + 1);
    int64_t end = now_ms < next ? now_ms : next;

    return end > start ? end : start + 1; /* the first millisecond of a quarter */
}

static fse_err one_period(fse_monitor_period *p, fse_store *s, const mon_citizens *cit,
                          size_t index, fse_monitor_quarter q, int64_t now_ms)
{
    fse_store_mon_query sq;
    period_acc a;
    size_t i;
    fse_err rc = FSE_OK;

    memset(p, 0, sizeof(*p));
    p->quarter = q;
    p->start_ms = fse_monitor_quarter_start_ms(q);
    p->end_ms = period_end(q, now_ms);
    p->partial = now_ms < fse_monitor_quarter_start_ms(q + 1);
    a.p = p;
    a.index = index;
    a.cap = 0;
    a.cit = cit;
    /* The regions with registry records at the end, then those with
     * professionals. */
    for (i = 0; rc == FSE_OK && i < cit->n_regions; i++) {
        if (fse_monitor__citizen_counts(cit, index, i)[MON_PATIENTS] > 0 &&
            cell_of(&a, cit->regions[i]) == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "cells of a quarter");
        }
    }
    memset(&sq, 0, sizeof(sq));
    sq.start_ms = p->start_ms;
    sq.end_ms = p->end_ms;
    sq.gp_role = MON_GP_ROLE;
    sq.specialist_roles = fse_monitor__specialist_roles;
    sq.n_specialist_roles = fse_monitor__n_specialist_roles;
    if (rc == FSE_OK) {
        rc = fse_store_mon_operators_count(s, &sq, on_operators, &a);
    }
    if (rc == FSE_OK && p->n_cells > 1) {
        qsort(p->cells, p->n_cells, sizeof(*p->cells), cmp_cell);
    }
    if (rc == FSE_OK) {
        rc = national(&a);
    }
    if (rc == FSE_OK) {
        suppress(p, FSE_MONITOR_CONSENT);
        suppress(p, FSE_MONITOR_USAGE);
    }
    return rc;
}

fse_err fse_monitor_compute(fse_monitor_result **out, fse_store *s, fse_monitor_quarter from,
                            fse_monitor_quarter to, int64_t now_ms)
{
    fse_monitor_result *r = NULL;
    int64_t ends[FSE_MONITOR_MAX_QUARTERS];
    mon_citizens cit;
    bool own_tx;
    size_t n;
    size_t i;
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "compute: missing argument");
    }
    if (from > to || to > fse_monitor_quarter_of(now_ms) ||
        to - from >= (int64_t)FSE_MONITOR_MAX_QUARTERS) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE,
                             "quarters: from not after to, to not after the current quarter, "
                             "at most %u quarters",
                             FSE_MONITOR_MAX_QUARTERS);
    }
    n = (size_t)(to - from + 1);
    for (i = 0; i < n; i++) {
        ends[i] = period_end(from + (fse_monitor_quarter)i, now_ms);
    }
    r = fse_calloc(1, sizeof(*r));
    if (r == NULL || (r->periods = fse_calloc(n, sizeof(*r->periods))) == NULL) {
        fse_free(r);
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "result");
    }
    /* One snapshot for every quarter (or the caller's transaction). */
    own_tx = !fse_store_in_tx(s);
    rc = own_tx ? fse_store_tx_begin_read(s) : FSE_OK;
    if (rc == FSE_OK) {
        rc = fse_monitor__citizens(&cit, s, ends, n);
        for (i = 0; rc == FSE_OK && i < n; i++) {
            rc = one_period(&r->periods[i], s, &cit, i, from + (fse_monitor_quarter)i, now_ms);
            r->n_periods = i + 1;
        }
        fse_monitor__citizens_free(&cit);
        if (own_tx) {
            (void)fse_store_tx_rollback(s);
        }
    }
    if (rc != FSE_OK) {
        fse_monitor_result_free(r);
        return rc;
    }
    *out = r;
    return FSE_OK;
}

void fse_monitor_result_free(fse_monitor_result *r)
{
    size_t i;

    if (r == NULL) {
        return;
    }
    for (i = 0; i < r->n_periods; i++) {
        fse_free(r->periods[i].cells);
    }
    fse_free(r->periods);
    fse_free(r);
}
