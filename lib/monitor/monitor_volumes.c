/*
 * lib/monitor/monitor_volumes.c - the volumes of the node as the JSON of
 * GET /monitor/v1/volumes: documents published per type and Italian day,
 * validation outcomes per day and per document type, the most failing
 * rules, and the publication latency (from the publication's status event
 * to the INI registration's, per workflow).
 *
 * Owns the day buckets (the store counts per hour, mapped here to Italian
 * days), the type labels, the outcome labels and the percentiles
 * (nearest rank). Does not own the SQL (lib/store/store_sqlite_monitor.c)
 * nor what the gateway records (fse_monitor_record_validation).
 */
#include "monitor_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/json.h"

/* Distinct type codes listed; the others are summed as "altro". */
#define MAX_TYPES 64u
/* Outcomes of the validator (fse/validate.h), in display order. */
static const struct {
    const char *code;
    const char *label;
} outcomes[] = {
    {"00", "Valido"},
    {"05", "Valido con avvisi"},
    {"01", "Errore di sintassi"},
    {"02", "Errore di vocabolario"},
    {"03", "Errore semantico"},
};
#define N_OUTCOMES (sizeof(outcomes) / sizeof(outcomes[0]))
/* Validator document types counted per type; the others as "". */
#define MAX_VTYPES 32u

typedef struct type_row {
    char code[32];
    int64_t total;
    int64_t *counts; /* per day */
} type_row;

typedef struct vtype_row {
    char doc_type[32];
    int64_t counts[N_OUTCOMES + 1]; /* the last: other outcomes */
    int64_t total;
} vtype_row;

typedef struct sample {
    int64_t day;
    int64_t latency_ms;
} sample;

typedef struct vol {
    int64_t first_day;
    size_t days;
    type_row types[MAX_TYPES + 1]; /* the last: "altro" */
    size_t n_types;
    int64_t *outcome_counts; /* (N_OUTCOMES + 1) x days */
    vtype_row vtypes[MAX_VTYPES + 1];
    size_t n_vtypes;
    sample *samples;
    size_t n_samples;
    size_t cap_samples;
    fse_json *w;
} vol;

static int64_t *day_array(size_t days)
{
    return fse_calloc(days, sizeof(int64_t));
}

/* The row of a type code, made when new; the "altro" row when full. */
static type_row *type_of(vol *v, const char *code)
{
    size_t i;

    for (i = 0; i < v->n_types; i++) {
        if (strcmp(v->types[i].code, code) == 0) {
            return &v->types[i];
        }
    }
    if (v->n_types == MAX_TYPES || strlen(code) >= sizeof(v->types[0].code)) {
        i = MAX_TYPES;
        if (v->types[i].counts == NULL) {
            snprintf(v->types[i].code, sizeof(v->types[i].code), "altro");
            v->types[i].counts = day_array(v->days);
        }
        return v->types[i].counts != NULL ? &v->types[i] : NULL;
    }
    i = v->n_types;
    snprintf(v->types[i].code, sizeof(v->types[i].code), "%s", code);
    v->types[i].counts = day_array(v->days);
    if (v->types[i].counts == NULL) {
        return NULL;
    }
    v->n_types++;
    return &v->types[i];
}

static bool day_index(const vol *v, int64_t day, size_t *out)
{
    if (day < v->first_day || day >= v->first_day + (int64_t)v->days) {
        return false;
    }
    *out = (size_t)(day - v->first_day);
    return true;
}

static fse_err on_hour(void *ctx, int64_t hour, const char *type_code, int64_t n)
{
    vol *v = ctx;
    type_row *t;
    size_t d;

    if (!day_index(v, fse_monitor_day_of(hour * 3600000LL), &d)) {
        return FSE_OK;
    }
    t = type_of(v, type_code != NULL ? type_code : "");
    if (t == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "volumes per type");
    }
    t->counts[d] += n;
    t->total += n;
    return FSE_OK;
}

static size_t outcome_index(const char *code)
{
    size_t i;

    for (i = 0; i < N_OUTCOMES; i++) {
        if (code != NULL && strcmp(outcomes[i].code, code) == 0) {
            return i;
        }
    }
    return N_OUTCOMES;
}

static fse_err on_validation(void *ctx, int64_t day, const char *doc_type, const char *outcome,
                             int64_t n)
{
    vol *v = ctx;
    size_t o = outcome_index(outcome);
    vtype_row *t = NULL;
    size_t d;
    size_t i;

    if (!day_index(v, day, &d)) {
        return FSE_OK;
    }
    v->outcome_counts[o * v->days + d] += n;
    if (doc_type == NULL || strlen(doc_type) >= sizeof(t->doc_type)) {
        doc_type = "";
    }
    for (i = 0; i < v->n_vtypes; i++) {
        if (strcmp(v->vtypes[i].doc_type, doc_type) == 0) {
            t = &v->vtypes[i];
        }
    }
    if (t == NULL && v->n_vtypes < MAX_VTYPES) {
        t = &v->vtypes[v->n_vtypes++];
        snprintf(t->doc_type, sizeof(t->doc_type), "%s", doc_type);
    } else if (t == NULL) {
        t = &v->vtypes[MAX_VTYPES];
        snprintf(t->doc_type, sizeof(t->doc_type), "altro");
    }
    t->counts[o] += n;
    t->total += n;
    return FSE_OK;
}

static fse_err on_rule(void *ctx, const char *rule, int64_t n)
{
    fse_json *w = ctx;

    fse_json_object_begin(w);
    fse_json_kv_string(w, "rule", rule != NULL ? rule : "");
    fse_json_kv_int(w, "count", n);
    fse_json_object_end(w);
    return FSE_OK;
}

static fse_err on_latency(void *ctx, int64_t start_ms, int64_t latency_ms)
{
    vol *v = ctx;

    if (v->n_samples == v->cap_samples) {
        size_t cap = v->cap_samples == 0 ? 1024 : v->cap_samples * 2;
        sample *grown;

        if (cap > MON_MAX_LATENCY_SAMPLES) {
            cap = MON_MAX_LATENCY_SAMPLES;
        }
        grown = fse_realloc(v->samples, cap * sizeof(*grown));
        if (grown == NULL) {
            return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "latency samples");
        }
        v->samples = grown;
        v->cap_samples = cap;
    }
    v->samples[v->n_samples].day = fse_monitor_day_of(start_ms);
    v->samples[v->n_samples].latency_ms = latency_ms < 0 ? 0 : latency_ms;
    v->n_samples++;
    return FSE_OK;
}

static int cmp_sample(const void *a, const void *b)
{
    const sample *x = a;
    const sample *y = b;

    if (x->day != y->day) {
        return x->day < y->day ? -1 : 1;
    }
    return x->latency_ms < y->latency_ms ? -1 : x->latency_ms > y->latency_ms;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a;
    int64_t y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

static int cmp_type_total(const void *a, const void *b)
{
    const type_row *x = a;
    const type_row *y = b;

    if (x->total != y->total) {
        return x->total > y->total ? -1 : 1;
    }
    return strcmp(x->code, y->code);
}

/* Nearest-rank percentile p (1-100) of n sorted values. */
static int64_t rank(const int64_t *sorted, size_t n, unsigned p)
{
    size_t k = (n * p + 99) / 100;

    return sorted[k == 0 ? 0 : k - 1];
}

static void json_days(fse_json *w, const vol *v)
{
    char day[11];
    size_t d;

    fse_json_key(w, "days");
    fse_json_array_begin(w);
    for (d = 0; d < v->days; d++) {
        fse_monitor_day_text(day, v->first_day + (int64_t)d);
        fse_json_string(w, day);
    }
    fse_json_array_end(w);
}

static void json_counts(fse_json *w, const char *key, const int64_t *counts, size_t n)
{
    size_t i;

    fse_json_key(w, key);
    fse_json_array_begin(w);
    for (i = 0; i < n; i++) {
        fse_json_int(w, counts[i]);
    }
    fse_json_array_end(w);
}

static void json_published(fse_json *w, vol *v)
{
    size_t n = v->n_types + (v->types[MAX_TYPES].counts != NULL ? 1 : 0);
    const fse_monitor_doc_type *dt = fse_monitor_doc_types(NULL);
    int64_t total = 0;
    size_t i;

    if (v->types[MAX_TYPES].counts != NULL && v->n_types < MAX_TYPES) {
        v->types[v->n_types] = v->types[MAX_TYPES];
        memset(&v->types[MAX_TYPES], 0, sizeof(v->types[MAX_TYPES]));
    }
    qsort(v->types, n, sizeof(v->types[0]), cmp_type_total);
    fse_json_key(w, "published");
    fse_json_object_begin(w);
    fse_json_key(w, "types");
    fse_json_array_begin(w);
    for (i = 0; i < n; i++) {
        const type_row *t = &v->types[i];
        int k = fse_monitor_doc_type_of(t->code);

        fse_json_object_begin(w);
        fse_json_kv_string(w, "type_code", t->code);
        fse_json_kv_string(w, "label",
                           k >= 0               ? dt[k].label
                           : t->code[0] == '\0' ? "Documenti poi eliminati"
                                                : t->code);
        fse_json_key(w, "monitored");
        if (k >= 0) {
            fse_json_string(w, dt[k].code);
        } else {
            fse_json_null(w);
        }
        fse_json_kv_int(w, "total", t->total);
        json_counts(w, "counts", t->counts, v->days);
        fse_json_object_end(w);
        total += t->total;
    }
    fse_json_array_end(w);
    fse_json_kv_int(w, "total", total);
    fse_json_object_end(w);
    v->n_types = n; /* every row now below MAX_TYPES is freed by vol_free */
}

static void json_validation(fse_json *w, const vol *v)
{
    int64_t total = 0;
    size_t o;
    size_t i;
    size_t d;

    fse_json_key(w, "validation");
    fse_json_object_begin(w);
    fse_json_key(w, "outcomes");
    fse_json_array_begin(w);
    for (o = 0; o <= N_OUTCOMES; o++) {
        const int64_t *c = &v->outcome_counts[o * v->days];
        int64_t sum = 0;

        for (d = 0; d < v->days; d++) {
            sum += c[d];
        }
        if (o == N_OUTCOMES && sum == 0) {
            continue;
        }
        fse_json_object_begin(w);
        fse_json_kv_string(w, "outcome", o < N_OUTCOMES ? outcomes[o].code : "altro");
        fse_json_kv_string(w, "label", o < N_OUTCOMES ? outcomes[o].label : "Altro esito");
        fse_json_kv_int(w, "total", sum);
        json_counts(w, "counts", c, v->days);
        fse_json_object_end(w);
        total += sum;
    }
    fse_json_array_end(w);
    fse_json_key(w, "by_type");
    fse_json_array_begin(w);
    for (i = 0; i < v->n_vtypes + (v->vtypes[MAX_VTYPES].total > 0 ? 1 : 0); i++) {
        const vtype_row *t = &v->vtypes[i < v->n_vtypes ? i : MAX_VTYPES];

        fse_json_object_begin(w);
        fse_json_kv_string(w, "doc_type", t->doc_type);
        fse_json_kv_int(w, "total", t->total);
        fse_json_key(w, "outcomes");
        fse_json_object_begin(w);
        for (o = 0; o <= N_OUTCOMES; o++) {
            if (t->counts[o] > 0) {
                fse_json_kv_int(w, o < N_OUTCOMES ? outcomes[o].code : "altro", t->counts[o]);
            }
        }
        fse_json_object_end(w);
        fse_json_object_end(w);
    }
    fse_json_array_end(w);
    fse_json_kv_int(w, "total", total);
    fse_json_object_end(w);
}

static void json_stats(fse_json *w, const int64_t *sorted, size_t n)
{
    int64_t sum = 0;
    size_t i;

    fse_json_kv_int(w, "n", (long long)n);
    if (n == 0) {
        return;
    }
    for (i = 0; i < n; i++) {
        sum += sorted[i];
    }
    fse_json_kv_int(w, "mean_ms", sum / (int64_t)n);
    fse_json_kv_int(w, "p50_ms", rank(sorted, n, 50));
    fse_json_kv_int(w, "p90_ms", rank(sorted, n, 90));
    fse_json_kv_int(w, "p95_ms", rank(sorted, n, 95));
    fse_json_kv_int(w, "max_ms", sorted[n - 1]);
}

static fse_err json_latency(fse_json *w, vol *v, bool truncated)
{
    int64_t *all = NULL;
    char day[11];
    size_t i;
    size_t j;

    if (v->n_samples > 0) {
        all = fse_malloc(v->n_samples * sizeof(*all));
        if (all == NULL) {
            return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "latency");
        }
    }
    if (v->n_samples > 0) {
        qsort(v->samples, v->n_samples, sizeof(*v->samples), cmp_sample);
    }
    for (i = 0; i < v->n_samples; i++) {
        all[i] = v->samples[i].latency_ms;
    }
    fse_json_key(w, "latency");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "from_event", "PUBLICATION, REPLACE");
    fse_json_kv_string(w, "to_event", "SEND_TO_INI");
    fse_json_kv_bool(w, "sampled", truncated);
    fse_json_key(w, "daily");
    fse_json_array_begin(w);
    for (i = 0; i < v->n_samples; i = j) {
        for (j = i; j < v->n_samples && v->samples[j].day == v->samples[i].day; j++) {
        }
        fse_json_object_begin(w);
        fse_monitor_day_text(day, v->samples[i].day);
        fse_json_kv_string(w, "day", day);
        json_stats(w, all + i, j - i); /* each day's run is sorted by latency */
        fse_json_object_end(w);
    }
    fse_json_array_end(w);
    if (v->n_samples > 0) {
        qsort(all, v->n_samples, sizeof(*all), cmp_i64);
    }
    json_stats(w, all, v->n_samples);
    fse_json_object_end(w);
    fse_free(all);
    return FSE_OK;
}

static void vol_free(vol *v)
{
    size_t i;

    for (i = 0; i <= MAX_TYPES; i++) {
        fse_free(v->types[i].counts);
    }
    fse_free(v->outcome_counts);
    fse_free(v->samples);
}

fse_err fse_monitor_volumes_json(fse_buf *out, fse_store *s, unsigned days, int64_t now_ms)
{
    static const char *const start_types[] = {"PUBLICATION", "REPLACE"};
    vol *v = NULL;
    fse_json w;
    int64_t today = fse_monitor_day_of(now_ms);
    int64_t from_ms;
    int64_t to_ms;
    char text[25];
    bool truncated = false;
    bool own_tx;
    fse_err rc;

    if (out == NULL || s == NULL || days == 0 || days > FSE_MONITOR_MAX_DAYS) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "volumes: days 1 to %u",
                             FSE_MONITOR_MAX_DAYS);
    }
    v = fse_calloc(1, sizeof(*v));
    if (v == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "volumes");
    }
    v->days = days;
    v->first_day = today - (int64_t)days + 1;
    v->outcome_counts = fse_calloc((N_OUTCOMES + 1) * days, sizeof(int64_t));
    if (v->outcome_counts == NULL) {
        fse_free(v);
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "volumes");
    }
    from_ms = fse_monitor_day_start_ms(v->first_day);
    to_ms = fse_monitor_day_start_ms(today + 1);
    fse_json_init(&w, out);
    fse_json_object_begin(&w);
    fse_monitor__iso(text, now_ms);
    fse_json_kv_string(&w, "generated", text);
    fse_json_kv_string(&w, "time_zone", "Europe/Rome");
    fse_json_kv_int(&w, "n_days", days);
    json_days(&w, v);
    own_tx = !fse_store_in_tx(s);
    rc = own_tx ? fse_store_tx_begin_read(s) : FSE_OK;
    if (rc == FSE_OK) {
        rc = fse_store_mon_doc_hourly(s, from_ms, to_ms, on_hour, v);
        if (rc == FSE_OK) {
            rc = fse_store_mon_validations(s, v->first_day, today + 1, on_validation, v);
        }
        if (rc == FSE_OK) {
            rc = fse_store_mon_latencies(s, start_types, 2, "SEND_TO_INI", "SUCCESS", from_ms,
                                         to_ms, MON_MAX_LATENCY_SAMPLES, on_latency, v);
            if (rc == FSE_E_LIMIT) {
                truncated = true; /* the first MON_MAX_LATENCY_SAMPLES workflows */
                rc = FSE_OK;
            }
        }
        if (rc == FSE_OK) {
            json_published(&w, v);
            json_validation(&w, v);
            fse_json_key(&w, "top_rules");
            fse_json_array_begin(&w);
            rc = fse_store_mon_top_rules(s, v->first_day, today + 1, MON_TOP_RULES, on_rule, &w);
            fse_json_array_end(&w);
        }
        if (rc == FSE_OK) {
            rc = json_latency(&w, v, truncated);
        }
        if (own_tx) {
            (void)fse_store_tx_rollback(s);
        }
    }
    fse_json_object_end(&w);
    if (rc == FSE_OK) {
        rc = fse_json_status(&w);
    }
    vol_free(v);
    fse_free(v);
    return rc;
}
