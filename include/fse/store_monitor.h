/*
 * include/fse/store_monitor.h - what the node's store keeps and answers for
 * the adoption indicators (lib/monitor, domain-rules §7.2): the registry of
 * professionals enabled to use the FSE per region, the daily counters of
 * validation outcomes and failing rules the gateway writes in its
 * validation transaction, and the aggregate counts the indicators are
 * computed from.
 *
 * Owns these rows and the aggregate queries over plain columns only: keyed
 * references (patients and actors are HMACs in two unrelated domains; a
 * query joins a patient reference only with patient references and an
 * actor reference only with actor references), regions, roles, purposes,
 * outcomes, times, type codes. No aggregate reads a sealed value, so they
 * work on a store opened without its master key (the statistics never
 * decrypt personal data); writing a professional needs the key (its keyed
 * reference). Does not own what the counts mean, the quarters, the 16
 * monitored types or the suppression of small cells (fse/monitor.h).
 *
 * Kept beside fse/store.h with the same handle, transaction and threading
 * rules (one handle per thread).
 */
#ifndef FSE_STORE_MONITOR_H
#define FSE_STORE_MONITOR_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/store.h"

/* ------------------------------------------------------------------------ */
/* Professionals enabled to use the FSE                                     */
/* ------------------------------------------------------------------------ */

/* A professional enabled in a region (the regional registry of operators
 * with FSE access: the denominator of "specialists using"). As input every
 * pointer is borrowed. */
typedef struct fse_store_professional {
    const char *actor_id;    /* codice fiscale; required [keyed actor reference only] */
    const char *role;        /* subject_role: AAS, APR, DRS, MRP, INF, FAR, ...; required */
    const char *region;      /* 3 digits ("120"); required */
    int64_t enabled_from_ms; /* start of the enabling; required (> 0) */
    int64_t enabled_to_ms;   /* its end (exclusive); 0: open */
} fse_store_professional;

/*
 * Record (or replace: same person, role and region) an enabling. The person
 * is kept only as a keyed actor reference.
 * @return FSE_OK; FSE_E_ARG (missing field, region not 3 digits, a role
 *         over 16 bytes, enabled_to_ms not after enabled_from_ms);
 *         FSE_E_CRYPTO (keyless store); FSE_E_DB.
 */
FSE_API fse_err fse_store_professional_put(fse_store *s, const fse_store_professional *p,
                                           int64_t now_ms);

/* ------------------------------------------------------------------------ */
/* Validation counters                                                      */
/* ------------------------------------------------------------------------ */

/* Most failing rules counted for one validation (the first ones of the
 * report; the rest are not counted). */
#define FSE_STORE_MON_MAX_RULES 32u

/*
 * Count one validation of day (a day number chosen by the caller) and
 * document type: outcome ("00", "01", ...) and, once each, the labels of
 * the rules that failed. Inside the caller's transaction when one is open.
 * @return FSE_OK; FSE_E_ARG (missing outcome, more than
 *         FSE_STORE_MON_MAX_RULES rules, a label over 128 bytes); FSE_E_DB.
 */
FSE_API fse_err fse_store_mon_validation_add(fse_store *s, int64_t day, const char *doc_type,
                                             const char *outcome, const char *const *rules,
                                             size_t n_rules);

/* ------------------------------------------------------------------------ */
/* Aggregates                                                               */
/* ------------------------------------------------------------------------ */

/* Most roles in one role list of a query. */
#define FSE_STORE_MON_MAX_ROLES 8u

/*
 * The professionals' counts of one quarter [start_ms, end_ms): the state
 * "at its end" is what was recorded before end_ms.
 */
typedef struct fse_store_mon_query {
    int64_t start_ms;
    int64_t end_ms;
    const char *gp_role;                 /* role of a GP's operation ("APR") */
    const char *const *specialist_roles; /* professionals counted as specialists */
    size_t n_specialist_roles;           /* 1..FSE_STORE_MON_MAX_ROLES */
} fse_store_mon_query;

/* The professionals of one region ("" for registry records without one). */
typedef struct fse_store_mon_operators {
    const char *region;
    int64_t gps;                /* distinct GPs of registry records of the region created before end
                                   whose assignment overlaps [start, end) */
    int64_t gps_active;         /* of those, with a successful operation in the GP role in
                                   [start, end) */
    int64_t specialists;        /* distinct professionals of a specialist role enabled in the
                                   region during [start, end) */
    int64_t specialists_active; /* of those, with a successful operation in [start, end) */
} fse_store_mon_operators;

/* Receives one region's counts (borrowed for the call); any code but
 * FSE_OK stops and is returned. */
typedef fse_err (*fse_store_mon_operators_fn)(void *ctx, const fse_store_mon_operators *c);

/*
 * The professionals' counts of every region with GPs or enabled
 * specialists in the quarter, in region order.
 * @return FSE_OK; FSE_E_ARG (bad query); FSE_E_DB; or fn's code.
 */
FSE_API fse_err fse_store_mon_operators_count(fse_store *s, const fse_store_mon_query *q,
                                              fse_store_mon_operators_fn fn, void *ctx);

/* Kinds of the rows of fse_store_mon_citizen_rows. Never renumbered. */
typedef enum fse_store_mon_row_kind {
    FSE_STORE_MON_PATIENT = 1,  /* a registry record: created_ms, region ("" none) */
    FSE_STORE_MON_DOC_TYPE = 2, /* a patient's first document of a type: time, type code */
    FSE_STORE_MON_CONSENT = 3,  /* a cura consent act: time, given */
    FSE_STORE_MON_ACCESS = 4    /* a citizen's successful access: time */
} fse_store_mon_row_kind;

/* One row; strings borrowed for the call. */
typedef struct fse_store_mon_row {
    fse_store_mon_row_kind kind;
    const char *patient_ref; /* keyed patient reference (64 hex) */
    const char *text;        /* PATIENT: the region; DOC_TYPE: the type code */
    int64_t time_ms;
    bool given; /* CONSENT */
} fse_store_mon_row;

typedef fse_err (*fse_store_mon_row_fn)(void *ctx, const fse_store_mon_row *row);

/* Which audit records are a citizen's access (fse_store_mon_citizen_rows). */
typedef struct fse_store_mon_access {
    const char *purpose;      /* "PERSONAL" */
    const char *const *roles; /* ASS, TUT, GEN, ING */
    size_t n_roles;           /* 1..FSE_STORE_MON_MAX_ROLES */
    int64_t from_ms;          /* accesses in [from_ms, to_ms) */
    int64_t to_ms;
} fse_store_mon_access;

/*
 * What the citizens' indicators are computed from, in one pass per table
 * (so that any number of quarters costs one read of each): every registry
 * record, then for every patient and type code the time of the first
 * document stored (every version; deleted ones have lost both), then every
 * cura consent act ordered by patient, time and insertion, then every
 * successful audit record of a citizen's access in the window, ordered by
 * patient and time. Rows of patients without a registry record are given
 * too (the caller skips them).
 * @return FSE_OK; FSE_E_ARG; FSE_E_DB; or fn's code.
 */
FSE_API fse_err fse_store_mon_citizen_rows(fse_store *s, const fse_store_mon_access *a,
                                           fse_store_mon_row_fn fn, void *ctx);

/* Receives (hour number = Unix ms / 3600000, type code ("" once deleted),
 * documents stored in that hour). */
typedef fse_err (*fse_store_mon_hourly_fn)(void *ctx, int64_t hour, const char *type_code,
                                           int64_t n);

/* Documents stored (every version, deleted ones too) in [from_ms, to_ms),
 * per hour and type code, in hour order. */
FSE_API fse_err fse_store_mon_doc_hourly(fse_store *s, int64_t from_ms, int64_t to_ms,
                                         fse_store_mon_hourly_fn fn, void *ctx);

/* Receives (day, document type, outcome, validations) of the counters. */
typedef fse_err (*fse_store_mon_validation_fn)(void *ctx, int64_t day, const char *doc_type,
                                               const char *outcome, int64_t n);

/* The validation counters of days [from_day, to_day), in day order. */
FSE_API fse_err fse_store_mon_validations(fse_store *s, int64_t from_day, int64_t to_day,
                                          fse_store_mon_validation_fn fn, void *ctx);

/* Receives (rule label, validations it failed) of fse_store_mon_top_rules. */
typedef fse_err (*fse_store_mon_rule_fn)(void *ctx, const char *rule, int64_t n);

/* The limit most failing rules of days [from_day, to_day), most frequent
 * first (ties by label); limit 1..100. */
FSE_API fse_err fse_store_mon_top_rules(fse_store *s, int64_t from_day, int64_t to_day,
                                        size_t limit, fse_store_mon_rule_fn fn, void *ctx);

/* Receives (time of the start event, ms until the end event). */
typedef fse_err (*fse_store_mon_latency_fn)(void *ctx, int64_t start_ms, int64_t latency_ms);

/*
 * Latencies between two status events of the same workflow: for each event
 * of a type in start_types with status in [from_ms, to_ms), the time to the
 * first later-or-equal event of type end_type and the same status of its
 * workflowInstanceId (workflows without one are skipped), in start order.
 * At most max_rows (FSE_E_LIMIT beyond, after max_rows calls).
 */
FSE_API fse_err fse_store_mon_latencies(fse_store *s, const char *const *start_types,
                                        size_t n_start_types, const char *end_type,
                                        const char *status, int64_t from_ms, int64_t to_ms,
                                        size_t max_rows, fse_store_mon_latency_fn fn, void *ctx);

#endif /* FSE_STORE_MONITOR_H */
