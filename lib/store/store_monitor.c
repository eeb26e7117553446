/*
 * lib/store/store_monitor.c - the monitoring rows and aggregates
 * (fse/store_monitor.h): the professionals registry, the validation
 * counters and the aggregate queries the adoption indicators are computed
 * from.
 *
 * Owns the argument checks, the keyed actor reference of a professional
 * and the read snapshot of the aggregates. Nothing here opens a sealed
 * value: the aggregates run on a keyless store too. Does not own the SQL
 * (store_sqlite_monitor.c) nor what the counts mean (lib/monitor).
 */
#include "store_monitor_be.h"

#include <string.h>

/* Longest rule label, document type or outcome counted. */
#define MON_MAX_LABEL 128u
/* Most rows one latency query may give: bounds the caller's memory. */
#define MON_MAX_LATENCY_ROWS 10000000u

const store_monitor_backend *fse_store__monitor_backend(const fse_store *s)
{
    if (s->be == &fse_store__sqlite_backend) {
        return &fse_store__sqlite_monitor_backend;
    }
    return NULL;
}

static fse_err backend(const store_monitor_backend **out, const fse_store *s)
{
    *out = fse_store__monitor_backend(s);
    if (*out == NULL) {
        return fse_error_set(FSE_E_UNSUPPORTED, FSE_STORE_MODULE, "backend %s has no monitoring",
                             s->be->name);
    }
    return FSE_OK;
}

static bool region_ok(const char *r)
{
    return r != NULL && strlen(r) == 3 && r[0] >= '0' && r[0] <= '9' && r[1] >= '0' &&
           r[1] <= '9' && r[2] >= '0' && r[2] <= '9';
}

fse_err fse_store_professional_put(fse_store *s, const fse_store_professional *p, int64_t now_ms)
{
    const store_monitor_backend *be = NULL;
    char ref[FSE_STORE_REF_LEN];
    fse_err rc;

    if (s == NULL || p == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "professional: missing argument");
    }
    rc = backend(&be, s);
    if (rc == FSE_OK) {
        rc = fse_store__check_str(p->role, "professional role", 16, true);
    }
    if (rc == FSE_E_LIMIT) {
        rc = fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "professional role over 16 bytes");
    }
    if (rc != FSE_OK) {
        return rc;
    }
    if (!region_ok(p->region)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "professional region: 3 digits");
    }
    if (p->enabled_from_ms <= 0 ||
        (p->enabled_to_ms != 0 && p->enabled_to_ms <= p->enabled_from_ms)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE,
                             "professional enabling: from > 0 and to 0 or after from");
    }
    rc = fse_store_ref(ref, s, FSE_STORE_REF_ACTOR, p->actor_id);
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, be->professional_put(s->conn, ref, p, now_ms));
    }
    return rc;
}

static fse_err label_check(const char *v, const char *what, bool required)
{
    fse_err rc = fse_store__check_str(v, what, MON_MAX_LABEL, required);

    if (rc == FSE_E_LIMIT) {
        rc = fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "%s over %u bytes", what, MON_MAX_LABEL);
    }
    return rc;
}

fse_err fse_store_mon_validation_add(fse_store *s, int64_t day, const char *doc_type,
                                     const char *outcome, const char *const *rules, size_t n_rules)
{
    const store_monitor_backend *be = NULL;
    fse_err rc;
    size_t i;

    if (s == NULL || (n_rules > 0 && rules == NULL)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "validation count: missing argument");
    }
    if (n_rules > FSE_STORE_MON_MAX_RULES) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "validation count: over %u rules",
                             FSE_STORE_MON_MAX_RULES);
    }
    rc = backend(&be, s);
    if (rc == FSE_OK) {
        rc = label_check(outcome, "validation outcome", true);
    }
    if (rc == FSE_OK) {
        rc = label_check(doc_type, "validation document type", false);
    }
    for (i = 0; rc == FSE_OK && i < n_rules; i++) {
        rc = label_check(rules[i], "failing rule", true);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, be->validation_add(s->conn, day, doc_type != NULL ? doc_type : "",
                                                     outcome, rules, n_rules));
    }
    return rc;
}

static fse_err list_check(const char *const *v, size_t n, const char *what)
{
    size_t i;

    if (n == 0 || n > FSE_STORE_MON_MAX_ROLES || v == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "%s: 1 to %u values", what,
                             FSE_STORE_MON_MAX_ROLES);
    }
    for (i = 0; i < n; i++) {
        if (v[i] == NULL || v[i][0] == '\0') {
            return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "%s: empty value", what);
        }
    }
    return FSE_OK;
}

/* Start of the aggregate readers: arguments and backend. */
static fse_err reader(const store_monitor_backend **be, fse_store *s, bool has_fn)
{
    if (s == NULL || !has_fn) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "monitor query: missing argument");
    }
    return backend(be, s);
}

fse_err fse_store_mon_operators_count(fse_store *s, const fse_store_mon_query *q,
                                      fse_store_mon_operators_fn fn, void *ctx)
{
    const store_monitor_backend *be = NULL;
    fse_err rc = reader(&be, s, fn != NULL);

    if (rc == FSE_OK && (q == NULL || q->end_ms <= q->start_ms || q->gp_role == NULL)) {
        rc = fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "operators: bad period or role");
    }
    if (rc == FSE_OK) {
        rc = list_check(q->specialist_roles, q->n_specialist_roles, "specialist roles");
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_READ);
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, be->operators(s->conn, q, fn, ctx));
    }
    return rc;
}

fse_err fse_store_mon_citizen_rows(fse_store *s, const fse_store_mon_access *a,
                                   fse_store_mon_row_fn fn, void *ctx)
{
    const store_monitor_backend *be = NULL;
    fse_err rc = reader(&be, s, fn != NULL);

    if (rc == FSE_OK && (a == NULL || a->purpose == NULL || a->to_ms < a->from_ms)) {
        rc = fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "citizens: bad purpose or window");
    }
    if (rc == FSE_OK) {
        rc = list_check(a->roles, a->n_roles, "citizen roles");
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_READ);
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, be->citizen_rows(s->conn, a, fn, ctx));
    }
    return rc;
}

fse_err fse_store_mon_doc_hourly(fse_store *s, int64_t from_ms, int64_t to_ms,
                                 fse_store_mon_hourly_fn fn, void *ctx)
{
    const store_monitor_backend *be = NULL;
    fse_err rc = reader(&be, s, fn != NULL);

    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_READ);
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, be->doc_hourly(s->conn, from_ms, to_ms, fn, ctx));
    }
    return rc;
}

fse_err fse_store_mon_validations(fse_store *s, int64_t from_day, int64_t to_day,
                                  fse_store_mon_validation_fn fn, void *ctx)
{
    const store_monitor_backend *be = NULL;
    fse_err rc = reader(&be, s, fn != NULL);

    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_READ);
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, be->validations(s->conn, from_day, to_day, fn, ctx));
    }
    return rc;
}

fse_err fse_store_mon_top_rules(fse_store *s, int64_t from_day, int64_t to_day, size_t limit,
                                fse_store_mon_rule_fn fn, void *ctx)
{
    const store_monitor_backend *be = NULL;
    fse_err rc = reader(&be, s, fn != NULL);

    if (rc == FSE_OK && (limit == 0 || limit > 100)) {
        rc = fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "top rules: limit 1 to 100");
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_READ);
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, be->top_rules(s->conn, from_day, to_day, limit, fn, ctx));
    }
    return rc;
}

fse_err fse_store_mon_latencies(fse_store *s, const char *const *start_types, size_t n_start_types,
                                const char *end_type, const char *status, int64_t from_ms,
                                int64_t to_ms, size_t max_rows, fse_store_mon_latency_fn fn,
                                void *ctx)
{
    const store_monitor_backend *be = NULL;
    fse_err rc = reader(&be, s, fn != NULL);

    if (rc == FSE_OK) {
        rc = list_check(start_types, n_start_types, "start event types");
    }
    if (rc == FSE_OK &&
        (end_type == NULL || status == NULL || max_rows == 0 || max_rows > MON_MAX_LATENCY_ROWS)) {
        rc = fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "latencies: bad end type, status or cap");
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_READ);
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, be->latencies(s->conn, start_types, n_start_types, end_type,
                                                status, from_ms, to_ms, max_rows, fn, ctx));
    }
    return rc;
}
