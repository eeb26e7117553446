/*
 * lib/store/store_monitor_be.h - the backend interface of the monitoring
 * rows and aggregates (fse/store_monitor.h), shared by store_monitor.c (the
 * front end) and the backends that implement it (store_sqlite_monitor.c).
 *
 * Owns the function table, separate from store_backend (store_int.h) as
 * the clinical store's and the taccuino's are: a backend provides it and
 * fse_store__monitor_backend picks the one that goes with a handle's
 * backend. Every function sees keyed references and plain columns only.
 */
#ifndef FSE_STORE_MONITOR_BE_H
#define FSE_STORE_MONITOR_BE_H

#include "fse/store_monitor.h"
#include "store_int.h"

/*
 * Functions return FSE_OK or an fse_err with the message set (FSE_E_DB for
 * backend failures), or the callback's code. They run inside the front
 * end's operation scope (fse_store__op_begin); arguments are checked there.
 */
typedef struct store_monitor_backend {
    /* Insert or replace the enabling of (actor_ref, role, region). */
    fse_err (*professional_put)(store_conn *c, const char *actor_ref,
                                const fse_store_professional *p, int64_t now_ms);
    /* Add 1 to the outcome counter and to each rule's counter. */
    fse_err (*validation_add)(store_conn *c, int64_t day, const char *doc_type, const char *outcome,
                              const char *const *rules, size_t n_rules);
    fse_err (*operators)(store_conn *c, const fse_store_mon_query *q, fse_store_mon_operators_fn fn,
                         void *ctx);
    fse_err (*citizen_rows)(store_conn *c, const fse_store_mon_access *a, fse_store_mon_row_fn fn,
                            void *ctx);
    fse_err (*doc_hourly)(store_conn *c, int64_t from_ms, int64_t to_ms, fse_store_mon_hourly_fn fn,
                          void *ctx);
    fse_err (*validations)(store_conn *c, int64_t from_day, int64_t to_day,
                           fse_store_mon_validation_fn fn, void *ctx);
    fse_err (*top_rules)(store_conn *c, int64_t from_day, int64_t to_day, size_t limit,
                         fse_store_mon_rule_fn fn, void *ctx);
    /* At most max_rows rows; FSE_E_LIMIT when there were more. */
    fse_err (*latencies)(store_conn *c, const char *const *start_types, size_t n_start_types,
                         const char *end_type, const char *status, int64_t from_ms, int64_t to_ms,
                         size_t max_rows, fse_store_mon_latency_fn fn, void *ctx);
} store_monitor_backend;

/* The SQLite statements (store_sqlite_monitor.c). */
extern const store_monitor_backend fse_store__sqlite_monitor_backend;

/* The table that goes with s's backend; NULL when it has none. */
const store_monitor_backend *fse_store__monitor_backend(const fse_store *s);

#endif /* FSE_STORE_MONITOR_BE_H */
