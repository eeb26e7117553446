/*
 * lib/store/store_sqlite_monitor.c - the SQLite statements of the
 * monitoring rows and aggregates (store_monitor_be.h).
 *
 * Owns the SQL of the professionals registry, of the validation counters
 * (upserts) and of the aggregate queries: every one reads plain columns
 * only (keyed references, regions, roles, purposes, outcomes, times, type
 * codes) and joins a reference only with one of its own domain (patient
 * references of documents, consents and audit records with the registry's;
 * actor references of the audit with the registry's GP references and the
 * professionals'). Does not own the schema (store_sqlite.c: the tables
 * professionals, mon_validation, mon_validation_rules and the indexes of
 * schema 5) nor what the counts mean (lib/monitor).
 */
#include "store_monitor_be.h"
#include "store_sqlite.h"

#include <string.h>

/* Bind a list of up to FSE_STORE_MON_MAX_ROLES strings to ?first ...
 * ?first+7; the unused ones are NULL (never equal to anything). */
static int bind_list(sqlite3_stmt *st, int first, const char *const *v, size_t n)
{
    size_t i;

    for (i = 0; i < FSE_STORE_MON_MAX_ROLES; i++) {
        int rc = fse_store__sq_text(st, first + (int)i, i < n ? v[i] : NULL);

        if (rc != SQLITE_OK) {
            return rc;
        }
    }
    return SQLITE_OK;
}

#define LIST8(a, b, c, d, e, f, g, h) "(" a "," b "," c "," d "," e "," f "," g "," h ")"

static fse_err sq_professional_put(store_conn *c, const char *actor_ref,
                                   const fse_store_professional *p, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c,
        "INSERT INTO professionals(actor_ref, role, region, enabled_from_ms, enabled_to_ms,"
        " updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT(actor_ref, role, region) DO UPDATE SET"
        " enabled_from_ms = excluded.enabled_from_ms, enabled_to_ms = excluded.enabled_to_ms,"
        " updated_ms = excluded.updated_ms",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, actor_ref) != SQLITE_OK ||
        fse_store__sq_text(st, 2, p->role) != SQLITE_OK ||
        fse_store__sq_text(st, 3, p->region) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, p->enabled_from_ms) != SQLITE_OK ||
        fse_store__sq_opt_i64(st, 5, p->enabled_to_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, now_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return fse_store__sq_run(c, st, "writing a professional");
}

/* One upsert of a counter table: ?1 day, ?2 type, ?3 key. */
static fse_err bump(store_conn *c, const char *sql, int64_t day, const char *doc_type,
                    const char *key)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, sql, &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, day) != SQLITE_OK ||
        fse_store__sq_text(st, 2, doc_type) != SQLITE_OK ||
        fse_store__sq_text(st, 3, key) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return fse_store__sq_run(c, st, "counting a validation");
}

static fse_err sq_validation_add(store_conn *c, int64_t day, const char *doc_type,
                                 const char *outcome, const char *const *rules, size_t n_rules)
{
    fse_err rc = bump(c,
                      "INSERT INTO mon_validation(day, doc_type, outcome, n) VALUES (?1, ?2, ?3, 1)"
                      " ON CONFLICT(day, doc_type, outcome) DO UPDATE SET n = n + 1",
                      day, doc_type, outcome);
    size_t i;

    for (i = 0; rc == FSE_OK && i < n_rules; i++) {
        rc = bump(c,
                  "INSERT INTO mon_validation_rules(day, doc_type, rule, n) VALUES (?1, ?2, ?3, 1)"
                  " ON CONFLICT(day, doc_type, rule) DO UPDATE SET n = n + 1",
                  day, doc_type, rules[i]);
    }
    return rc;
}

/*
 * The professionals' counts of a quarter, one row per region. Parameters:
 * ?1 start, ?2 end, ?5 GP role, ?20-?27 specialist roles.
 * IMPLEMENTATION-OF: domain-rules §7.2 (MMG/PLS using, specialists using),
 * as fse/monitor.h states them.
 */
static const char operators_sql[] =
    "WITH gpl AS (SELECT DISTINCT coalesce(region, '') AS region, gp_ref FROM patients"
    "   WHERE gp_ref IS NOT NULL AND created_ms < ?2 AND gp_from_ms < ?2"
    "   AND (gp_to_ms IS NULL OR gp_to_ms = 0 OR gp_to_ms > ?1)),"
    " gp AS (SELECT region, count(*) AS n, sum(EXISTS (SELECT 1 FROM audit_log a"
    "   WHERE a.actor_ref = gpl.gp_ref AND a.time_ms >= ?1 AND a.time_ms < ?2"
    "   AND a.outcome = 0 AND a.role = ?5)) AS active FROM gpl GROUP BY region),"
    " spl AS (SELECT DISTINCT region, actor_ref FROM professionals"
    "   WHERE role IN " LIST8(
        "?20", "?21", "?22", "?23", "?24", "?25", "?26",
        "?27") "   AND enabled_from_ms < ?2 AND (enabled_to_ms IS NULL OR enabled_to_ms > ?1)),"
               " sp AS (SELECT region, count(*) AS n, sum(EXISTS (SELECT 1 FROM audit_log a"
               "   WHERE a.actor_ref = spl.actor_ref AND a.time_ms >= ?1 AND a.time_ms < ?2"
               "   AND a.outcome = 0)) AS active FROM spl GROUP BY region),"
               " r AS (SELECT region FROM gp UNION SELECT region FROM sp)"
               " SELECT r.region, coalesce(gp.n, 0), coalesce(gp.active, 0), coalesce(sp.n, 0),"
               "  coalesce(sp.active, 0)"
               " FROM r LEFT JOIN gp ON gp.region = r.region LEFT JOIN sp ON sp.region = r.region"
               " ORDER BY r.region";

static fse_err sq_operators(store_conn *c, const fse_store_mon_query *q,
                            fse_store_mon_operators_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, operators_sql, &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, q->start_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, q->end_ms) != SQLITE_OK ||
        fse_store__sq_text(st, 5, q->gp_role) != SQLITE_OK ||
        bind_list(st, 20, q->specialist_roles, q->n_specialist_roles) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    while (rc == FSE_OK) {
        fse_store_mon_operators m;
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "counting the professionals");
            break;
        }
        m.region = fse_store__sq_col_text(st, 0);
        m.gps = sqlite3_column_int64(st, 1);
        m.gps_active = sqlite3_column_int64(st, 2);
        m.specialists = sqlite3_column_int64(st, 3);
        m.specialists_active = sqlite3_column_int64(st, 4);
        if (m.region == NULL) {
            m.region = "";
        }
        rc = fn(ctx, &m);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Run one statement of the citizens' rows: columns patient_ref, text,
 * time, given. */
static fse_err rows_of(store_conn *c, sqlite3_stmt *st, fse_store_mon_row_kind kind,
                       fse_store_mon_row_fn fn, void *ctx)
{
    fse_err rc = FSE_OK;

    while (rc == FSE_OK) {
        fse_store_mon_row row;
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "reading the citizens' rows");
            break;
        }
        row.kind = kind;
        row.patient_ref = fse_store__sq_col_text(st, 0);
        row.text = fse_store__sq_col_text(st, 1);
        row.time_ms = sqlite3_column_int64(st, 2);
        row.given = sqlite3_column_int(st, 3) != 0;
        if (row.patient_ref != NULL) {
            rc = fn(ctx, &row);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Each statement reads one table once, through an index in the order it
 * returns (documents_patient_type, consents_patient,
 * audit_log_patient_time). ?1 cura; ?2 purpose, ?3 from, ?4 to, ?10-?17
 * roles. */
static fse_err sq_citizen_rows(store_conn *c, const fse_store_mon_access *a,
                               fse_store_mon_row_fn fn, void *ctx)
{
    static const char *const sql[] = {
        "SELECT patient_ref, coalesce(region, ''), created_ms, 0 FROM patients",
        "SELECT patient_ref, type_code, min(created_ms), 0 FROM documents"
        " WHERE patient_ref IS NOT NULL AND type_code IS NOT NULL GROUP BY patient_ref, type_code",
        "SELECT patient_ref, NULL, time_ms, given FROM consents WHERE purpose = ?1"
        " ORDER BY patient_ref, time_ms, id",
        "SELECT patient_ref, NULL, time_ms, 0 FROM audit_log"
        " WHERE patient_ref IS NOT NULL AND time_ms >= ?3 AND time_ms < ?4 AND outcome = 0"
        " AND purpose = ?2 AND role IN " LIST8("?10", "?11", "?12", "?13", "?14", "?15", "?16",
                                               "?17") " ORDER BY patient_ref, time_ms",
    };
    static const fse_store_mon_row_kind kinds[] = {FSE_STORE_MON_PATIENT, FSE_STORE_MON_DOC_TYPE,
                                                   FSE_STORE_MON_CONSENT, FSE_STORE_MON_ACCESS};
    fse_err rc = FSE_OK;
    size_t i;

    for (i = 0; rc == FSE_OK && i < sizeof(sql) / sizeof(sql[0]); i++) {
        sqlite3_stmt *st = NULL;

        rc = fse_store__sq_prepare(c, sql[i], &st);
        if (rc != FSE_OK) {
            break;
        }
        if ((i == 2 && sqlite3_bind_int(st, 1, FSE_STORE_CONSENT_CURA) != SQLITE_OK) ||
            (i == 3 && (fse_store__sq_text(st, 2, a->purpose) != SQLITE_OK ||
                        sqlite3_bind_int64(st, 3, a->from_ms) != SQLITE_OK ||
                        sqlite3_bind_int64(st, 4, a->to_ms) != SQLITE_OK ||
                        bind_list(st, 10, a->roles, a->n_roles) != SQLITE_OK))) {
            return fse_store__sq_bind_fail(c, st);
        }
        rc = rows_of(c, st, kinds[i], fn, ctx);
    }
    return rc;
}

static fse_err sq_doc_hourly(store_conn *c, int64_t from_ms, int64_t to_ms,
                             fse_store_mon_hourly_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c,
                                       "SELECT created_ms / 3600000 AS h, coalesce(type_code, ''),"
                                       " count(*) FROM documents"
                                       " WHERE created_ms >= ?1 AND created_ms < ?2"
                                       " GROUP BY h, 2 ORDER BY h, 2",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, from_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, to_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    while (rc == FSE_OK) {
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "counting documents per hour");
            break;
        }
        rc = fn(ctx, sqlite3_column_int64(st, 0), fse_store__sq_col_text(st, 1),
                sqlite3_column_int64(st, 2));
    }
    sqlite3_finalize(st);
    return rc;
}

static fse_err sq_validations(store_conn *c, int64_t from_day, int64_t to_day,
                              fse_store_mon_validation_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c,
                                       "SELECT day, doc_type, outcome, n FROM mon_validation"
                                       " WHERE day >= ?1 AND day < ?2 ORDER BY 1, 2, 3",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, from_day) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, to_day) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    while (rc == FSE_OK) {
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "reading validation counters");
            break;
        }
        rc = fn(ctx, sqlite3_column_int64(st, 0), fse_store__sq_col_text(st, 1),
                fse_store__sq_col_text(st, 2), sqlite3_column_int64(st, 3));
    }
    sqlite3_finalize(st);
    return rc;
}

static fse_err sq_top_rules(store_conn *c, int64_t from_day, int64_t to_day, size_t limit,
                            fse_store_mon_rule_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c,
                                       "SELECT rule, sum(n) AS total FROM mon_validation_rules"
                                       " WHERE day >= ?1 AND day < ?2 GROUP BY rule"
                                       " ORDER BY total DESC, rule LIMIT ?3",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, from_day) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, to_day) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, (sqlite3_int64)limit) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    while (rc == FSE_OK) {
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "reading failing rules");
            break;
        }
        rc = fn(ctx, fse_store__sq_col_text(st, 0), sqlite3_column_int64(st, 1));
    }
    sqlite3_finalize(st);
    return rc;
}

/* Start events ?10-?17 with status ?2 in [?3, ?4); the first end event ?1
 * with the same status of the workflow, not before the start. */
static const char latency_sql[] =
    "SELECT s.event_date_ms, (SELECT min(e.event_date_ms) FROM status_events e"
    "   WHERE e.workflow_instance_id = s.workflow_instance_id AND e.event_type = ?1"
    "   AND e.event_status = ?2 AND e.event_date_ms >= s.event_date_ms) AS done"
    " FROM status_events s"
    " WHERE s.event_type IN " LIST8(
        "?10", "?11", "?12", "?13", "?14", "?15", "?16",
        "?17") " AND s.event_status = ?2 AND s.event_date_ms >= ?3 AND s.event_date_ms < ?4"
               " AND s.workflow_instance_id IS NOT NULL ORDER BY s.event_date_ms, s.id";

static fse_err sq_latencies(store_conn *c, const char *const *start_types, size_t n_start_types,
                            const char *end_type, const char *status, int64_t from_ms,
                            int64_t to_ms, size_t max_rows, fse_store_mon_latency_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, latency_sql, &st);
    size_t n = 0;

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, end_type) != SQLITE_OK ||
        fse_store__sq_text(st, 2, status) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, from_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, to_ms) != SQLITE_OK ||
        bind_list(st, 10, start_types, n_start_types) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    while (rc == FSE_OK) {
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "reading status events");
            break;
        }
        if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
            continue; /* not finished (yet) */
        }
        if (n == max_rows) {
            rc = fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "more than %zu workflows", max_rows);
            break;
        }
        n++;
        rc = fn(ctx, sqlite3_column_int64(st, 0),
                sqlite3_column_int64(st, 1) - sqlite3_column_int64(st, 0));
    }
    sqlite3_finalize(st);
    return rc;
}

const store_monitor_backend fse_store__sqlite_monitor_backend = {
    .professional_put = sq_professional_put,
    .validation_add = sq_validation_add,
    .operators = sq_operators,
    .citizen_rows = sq_citizen_rows,
    .doc_hourly = sq_doc_hourly,
    .validations = sq_validations,
    .top_rules = sq_top_rules,
    .latencies = sq_latencies,
};
