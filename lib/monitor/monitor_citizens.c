/*
 * lib/monitor/monitor_citizens.c - the citizens' indicators of any number
 * of quarters in one read of each table (fse_store_mon_citizen_rows):
 * registry records, each patient's first document per type, the cura
 * consent history and the citizens' accesses, folded into counts per
 * quarter and region, and the time each monitored document type first
 * appeared in each region.
 *
 * Owns the table of patients met (keyed references as 32 bytes, open
 * addressing; about 56 bytes per registry record, freed with the
 * request), the region list, the state of the patient being read in the
 * consent and access streams (both come ordered by patient), and what
 * counts at a quarter's end (fse/monitor.h). Does not own the SQL
 * (lib/store) nor the cells, national sums and suppression
 * (monitor_compute.c).
 */
#include "monitor_int.h"

#include <stdio.h>
#include <string.h>

#define MS_DAY 86400000LL

typedef struct pat {
    uint8_t key[32];
    bool used;
    uint16_t region;
    int64_t created_ms;
    int64_t first_doc_ms; /* INT64_MAX: none */
} pat;

typedef struct fold {
    mon_citizens *out;
    pat *pats;
    size_t n_pats;
    size_t cap;  /* power of two */
    bool sealed; /* the region list is complete (a row other than PATIENT came) */
    /* The patient being read in the consent or access stream. */
    fse_store_mon_row_kind cur_kind;
    uint8_t cur_key[32];
    bool has_cur;
    bool flag[FSE_MONITOR_MAX_QUARTERS]; /* consent given / accessed, per period */
} fold;

static bool key_of(uint8_t out[32], const char *hex)
{
    size_t i;

    if (hex == NULL || strlen(hex) != 64) {
        return false;
    }
    for (i = 0; i < 64; i++) {
        char c = hex[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

        if (v < 0) {
            return false;
        }
        out[i / 2] = (uint8_t)(i % 2 == 0 ? v << 4 : out[i / 2] | v);
    }
    return true;
}

/* Keyed references are HMAC outputs: their first bytes are a hash. */
static size_t slot_of(const uint8_t key[32], size_t cap)
{
    uint64_t h = 0;
    size_t i;

    for (i = 0; i < 8; i++) {
        h = h << 8 | key[i];
    }
    return (size_t)(h & (cap - 1));
}

static pat *find(const fold *f, const uint8_t key[32])
{
    size_t i;

    if (f->cap == 0) {
        return NULL;
    }
    for (i = slot_of(key, f->cap); f->pats[i].used; i = (i + 1) & (f->cap - 1)) {
        if (memcmp(f->pats[i].key, key, 32) == 0) {
            return &f->pats[i];
        }
    }
    return NULL;
}

static fse_err grow(fold *f)
{
    size_t cap = f->cap == 0 ? 1024 : f->cap * 2;
    pat *pats = fse_calloc(cap, sizeof(*pats));
    size_t i;

    if (pats == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "patients table");
    }
    for (i = 0; i < f->cap; i++) {
        if (f->pats[i].used) {
            size_t j = slot_of(f->pats[i].key, cap);

            while (pats[j].used) {
                j = (j + 1) & (cap - 1);
            }
            pats[j] = f->pats[i];
        }
    }
    fse_free(f->pats);
    f->pats = pats;
    f->cap = cap;
    return FSE_OK;
}

static fse_err region_index(uint16_t *out, mon_citizens *c, const char *code)
{
    size_t i;

    for (i = 0; i < c->n_regions; i++) {
        if (strcmp(c->regions[i], code) == 0) {
            *out = (uint16_t)i;
            return FSE_OK;
        }
    }
    if (c->n_regions == MON_MAX_REGIONS) {
        return fse_error_set(FSE_E_LIMIT, FSE_MONITOR_MODULE, "more than %u regions",
                             MON_MAX_REGIONS);
    }
    snprintf(c->regions[c->n_regions], sizeof(c->regions[0]), "%s", code);
    for (i = 0; i < FSE_MONITOR_N_DOC_TYPES; i++) {
        c->type_first[c->n_regions][i] = INT64_MAX;
    }
    *out = (uint16_t)c->n_regions++;
    return FSE_OK;
}

static fse_err on_patient(fold *f, const fse_store_mon_row *row)
{
    const char *region = row->text != NULL ? row->text : "";
    uint8_t key[32];
    pat *p;
    size_t i;
    fse_err rc;

    if (!key_of(key, row->patient_ref) || strlen(region) > 3 || find(f, key) != NULL) {
        return FSE_OK; /* not a keyed reference or a region code: not counted */
    }
    if (2 * (f->n_pats + 1) > f->cap && (rc = grow(f)) != FSE_OK) {
        return rc;
    }
    for (i = slot_of(key, f->cap); f->pats[i].used; i = (i + 1) & (f->cap - 1)) {
    }
    p = &f->pats[i];
    memcpy(p->key, key, 32);
    p->used = true;
    p->created_ms = row->time_ms;
    p->first_doc_ms = INT64_MAX;
    f->n_pats++;
    return region_index(&p->region, f->out, region);
}

static int64_t *count(mon_citizens *c, size_t period, size_t region, int what)
{
    return &c->counts[(period * c->n_regions + region) * 4 + (size_t)what];
}

/* The counts arrays, once every registry record (and so every region) is in. */
static fse_err seal(fold *f)
{
    mon_citizens *c = f->out;

    f->sealed = true;
    c->counts =
        fse_calloc(c->n_periods * (c->n_regions > 0 ? c->n_regions : 1) * 4, sizeof(int64_t));
    return c->counts != NULL ? FSE_OK : fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "counts");
}

/* The patient of the consent or access stream is complete: count it. */
static void flush(fold *f)
{
    mon_citizens *c = f->out;
    const pat *p = f->has_cur ? find(f, f->cur_key) : NULL;
    size_t q;

    for (q = 0; p != NULL && q < c->n_periods; q++) {
        int64_t end = c->ends[q];

        if (!f->flag[q] || p->created_ms >= end) {
            continue;
        }
        if (f->cur_kind == FSE_STORE_MON_CONSENT) {
            (*count(c, q, p->region, MON_CONSENT))++;
        } else if (p->first_doc_ms < end) {
            (*count(c, q, p->region, MON_CONSULTED))++;
        }
    }
    f->has_cur = false;
    memset(f->flag, 0, sizeof(f->flag));
}

static void on_act(fold *f, const fse_store_mon_row *row, const uint8_t key[32])
{
    const mon_citizens *c = f->out;
    size_t q;

    if (!f->has_cur || f->cur_kind != row->kind || memcmp(f->cur_key, key, 32) != 0) {
        flush(f);
        f->has_cur = true;
        f->cur_kind = row->kind;
        memcpy(f->cur_key, key, 32);
    }
    for (q = 0; q < c->n_periods; q++) {
        int64_t end = c->ends[q];

        if (row->kind == FSE_STORE_MON_CONSENT && row->time_ms < end) {
            /* IMPLEMENTATION-OF: domain-rules §2 "the current state of a
             * purpose is its last act": acts come in time order. */
            f->flag[q] = row->given;
        } else if (row->kind == FSE_STORE_MON_ACCESS && row->time_ms < end &&
                   row->time_ms >= end - (int64_t)FSE_MONITOR_RECENT_DAYS * MS_DAY) {
            f->flag[q] = true;
        }
    }
}

static fse_err on_row(void *ctx, const fse_store_mon_row *row)
{
    fold *f = ctx;
    uint8_t key[32];
    pat *p;
    int t;
    fse_err rc;

    if (row->kind == FSE_STORE_MON_PATIENT) {
        return on_patient(f, row);
    }
    if (!f->sealed && (rc = seal(f)) != FSE_OK) {
        return rc;
    }
    if (!key_of(key, row->patient_ref)) {
        return FSE_OK;
    }
    if (row->kind != FSE_STORE_MON_DOC_TYPE) {
        on_act(f, row, key);
        return FSE_OK;
    }
    p = find(f, key);
    if (p == NULL) {
        return FSE_OK; /* a patient without a registry record: no region */
    }
    if (row->time_ms < p->first_doc_ms) {
        p->first_doc_ms = row->time_ms;
    }
    t = fse_monitor_doc_type_of(row->text);
    if (t >= 0 && row->time_ms < f->out->type_first[p->region][t]) {
        f->out->type_first[p->region][t] = row->time_ms;
    }
    return FSE_OK;
}

/* Registered and with documents, per quarter. */
static void totals(fold *f)
{
    mon_citizens *c = f->out;
    size_t i;
    size_t q;

    for (i = 0; i < f->cap; i++) {
        const pat *p = &f->pats[i];

        for (q = 0; p->used && q < c->n_periods; q++) {
            if (p->created_ms < c->ends[q]) {
                (*count(c, q, p->region, MON_PATIENTS))++;
                if (p->first_doc_ms < c->ends[q]) {
                    (*count(c, q, p->region, MON_WITH_DOCS))++;
                }
            }
        }
    }
}

fse_err fse_monitor__citizens(mon_citizens *out, fse_store *s, const int64_t *ends,
                              size_t n_periods)
{
    fse_store_mon_access a;
    fold f;
    fse_err rc;

    memset(out, 0, sizeof(*out));
    memset(&f, 0, sizeof(f));
    if (n_periods == 0 || n_periods > FSE_MONITOR_MAX_QUARTERS) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "citizens: 1 to %u quarters",
                             FSE_MONITOR_MAX_QUARTERS);
    }
    out->n_periods = n_periods;
    out->ends = ends;
    out->regions = fse_calloc(MON_MAX_REGIONS, sizeof(*out->regions));
    out->type_first = fse_calloc(MON_MAX_REGIONS, sizeof(*out->type_first));
    if (out->regions == NULL || out->type_first == NULL) {
        fse_monitor__citizens_free(out);
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "regions");
    }
    f.out = out;
    memset(&a, 0, sizeof(a));
    a.purpose = MON_CITIZEN_PURPOSE;
    a.roles = fse_monitor__citizen_roles;
    a.n_roles = fse_monitor__n_citizen_roles;
    /* IMPLEMENTATION-OF: domain-rules §7.2 "accessed their FSE at least once
     * in the 90 days before the survey date": the window of every quarter. */
    a.from_ms = ends[0] - (int64_t)FSE_MONITOR_RECENT_DAYS * MS_DAY;
    a.to_ms = ends[n_periods - 1];
    rc = fse_store_mon_citizen_rows(s, &a, on_row, &f);
    if (rc == FSE_OK && !f.sealed) {
        rc = seal(&f);
    }
    if (rc == FSE_OK) {
        flush(&f);
        totals(&f);
    }
    fse_free(f.pats);
    if (rc != FSE_OK) {
        fse_monitor__citizens_free(out);
    }
    return rc;
}

const int64_t *fse_monitor__citizen_counts(const mon_citizens *c, size_t period, size_t region)
{
    return &c->counts[(period * c->n_regions + region) * 4];
}

void fse_monitor__citizens_free(mon_citizens *c)
{
    fse_free(c->regions);
    fse_free(c->type_first);
    fse_free(c->counts);
    memset(c, 0, sizeof(*c));
}
