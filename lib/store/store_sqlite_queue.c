/*
 * lib/store/store_sqlite_queue.c - the SQLite statements on validation
 * links, status events and the outbox.
 *
 * States are the fse_store_job_state numbers (1 pending, 2 leased, 3 done,
 * 4 dead), written as literals in the statements.
 *
 * Owns the claim statement sequence of the outbox (dead-letter expired last
 * attempts, pick the oldest due job, lease it) and the lease-token check of
 * job_settle. Does not own expiry, back-off or sealing decisions
 * (store_queue.c, store_outbox.c) nor the schema (store_sqlite.c).
 */
#include "store_sqlite.h"

#include <string.h>

/* Run st and report the number of changed rows. */
static fse_err run_count(store_conn *c, sqlite3_stmt *st, const char *what, int64_t *n_out)
{
    fse_err rc = fse_store__sq_run(c, st, what);

    if (rc == FSE_OK && n_out != NULL) {
        *n_out = sqlite3_changes64(c->db);
    }
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Validation links                                                         */
/* ------------------------------------------------------------------------ */

fse_err fse_store__sq_link_put(store_conn *c, const char *hash, const char *wii, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c,
        "INSERT INTO validation_links(link_hash, wii, created_ms, used_ms)"
        " VALUES (?1, ?2, ?3, NULL) ON CONFLICT(link_hash) DO UPDATE SET"
        " wii = excluded.wii, created_ms = excluded.created_ms, used_ms = NULL",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, hash) != SQLITE_OK ||
        fse_store__sq_text(st, 2, wii) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, now_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return fse_store__sq_run(c, st, "writing a validation link");
}

fse_err fse_store__sq_link_get(store_conn *c, const char *hash, store_link_row *out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c, "SELECT wii, created_ms, used_ms FROM validation_links WHERE link_hash = ?1", &st);
    int step;

    memset(out, 0, sizeof(*out));
    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, hash) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = FSE_E_NOT_FOUND;
    } else if (step != SQLITE_ROW) {
        rc = fse_store__sq_fail(c, "reading a validation link");
    } else {
        const char *wii = fse_store__sq_col_text(st, 0);

        out->wii = fse_strdup(wii != NULL ? wii : "");
        out->created_ms = sqlite3_column_int64(st, 1);
        out->used_ms = sqlite3_column_int64(st, 2);
        if (out->wii == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "link wii");
        }
    }
    sqlite3_finalize(st);
    return rc;
}

fse_err fse_store__sq_link_use(store_conn *c, const char *hash, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int64_t n = 0;
    fse_err rc = fse_store__sq_prepare(c,
                                       "UPDATE validation_links SET used_ms = ?2"
                                       " WHERE link_hash = ?1 AND used_ms IS NULL",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, hash) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, now_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = run_count(c, st, "consuming a validation link", &n);
    if (rc == FSE_OK && n != 1) {
        rc = fse_error_set(FSE_E_CONFLICT, FSE_STORE_MODULE, "validation link already used");
    }
    return rc;
}

fse_err fse_store__sq_link_purge(store_conn *c, int64_t created_before_ms, int64_t *n_out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc =
        fse_store__sq_prepare(c, "DELETE FROM validation_links WHERE created_ms < ?1", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, created_before_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return run_count(c, st, "purging validation links", n_out);
}

/* ------------------------------------------------------------------------ */
/* Status events                                                            */
/* ------------------------------------------------------------------------ */

fse_err fse_store__sq_event_insert(store_conn *c, const store_event_row *row, int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c,
        "INSERT INTO status_events(trace_id, workflow_instance_id, event_type, event_status,"
        " identificativo_documento, event_date_ms, expiring_date_ms, sealed)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, row->trace_id) != SQLITE_OK ||
        fse_store__sq_text(st, 2, row->workflow_instance_id) != SQLITE_OK ||
        fse_store__sq_text(st, 3, row->event_type) != SQLITE_OK ||
        fse_store__sq_text(st, 4, row->event_status) != SQLITE_OK ||
        fse_store__sq_text(st, 5, row->identificativo_documento) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, row->event_date_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 7, row->expiring_date_ms) != SQLITE_OK ||
        fse_store__sq_blob(st, 8, row->sealed, row->sealed_len) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = fse_store__sq_run(c, st, "writing a status event");
    if (rc == FSE_OK && id_out != NULL) {
        *id_out = sqlite3_last_insert_rowid(c->db);
    }
    return rc;
}

fse_err fse_store__sq_event_query(store_conn *c, int key, const char *value, size_t limit,
                                  store_event_fn fn, void *ctx)
{
    static const char *const by_wii =
        "SELECT id, trace_id, workflow_instance_id, event_type, event_status,"
        " identificativo_documento, event_date_ms, expiring_date_ms, sealed"
        " FROM status_events WHERE workflow_instance_id = ?1"
        " ORDER BY event_date_ms, id LIMIT ?2";
    static const char *const by_trace =
        "SELECT id, trace_id, workflow_instance_id, event_type, event_status,"
        " identificativo_documento, event_date_ms, expiring_date_ms, sealed"
        " FROM status_events WHERE trace_id = ?1"
        " ORDER BY event_date_ms, id LIMIT ?2";
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, key == FSE_STORE_EVENT_BY_WII ? by_wii : by_trace, &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, value) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)limit) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    while (rc == FSE_OK) {
        store_event_row row;
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "reading status events");
            break;
        }
        row.id = sqlite3_column_int64(st, 0);
        row.trace_id = fse_store__sq_col_text(st, 1);
        row.workflow_instance_id = fse_store__sq_col_text(st, 2);
        row.event_type = fse_store__sq_col_text(st, 3);
        row.event_status = fse_store__sq_col_text(st, 4);
        row.identificativo_documento = fse_store__sq_col_text(st, 5);
        row.event_date_ms = sqlite3_column_int64(st, 6);
        row.expiring_date_ms = sqlite3_column_int64(st, 7);
        row.sealed = fse_store__sq_col_blob(st, 8, &row.sealed_len);
        rc = fn(&row, ctx);
    }
    sqlite3_finalize(st);
    return rc;
}

fse_err fse_store__sq_event_purge(store_conn *c, int64_t now_ms, int64_t *n_out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc =
        fse_store__sq_prepare(c, "DELETE FROM status_events WHERE expiring_date_ms < ?1", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, now_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return run_count(c, st, "purging status events", n_out);
}

/* ------------------------------------------------------------------------ */
/* Outbox                                                                   */
/* ------------------------------------------------------------------------ */

#define JOB_COLS                                                                                   \
    "SELECT id, kind, idem_key, payload, state, attempts, max_attempts, not_before_ms,"            \
    " lease_until_ms, created_ms, updated_ms, lease_owner, last_error FROM outbox "

static fse_err job_rows(store_conn *c, sqlite3_stmt *st, store_job_fn fn, void *ctx)
{
    fse_err rc = FSE_OK;
    bool any = false;

    while (rc == FSE_OK) {
        store_job_row row;
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "reading outbox jobs");
            break;
        }
        any = true;
        row.id = sqlite3_column_int64(st, 0);
        row.kind = fse_store__sq_col_text(st, 1);
        row.idem_key = fse_store__sq_col_text(st, 2);
        row.payload = fse_store__sq_col_blob(st, 3, &row.payload_len);
        row.state = sqlite3_column_int(st, 4);
        row.attempts = (unsigned)sqlite3_column_int(st, 5);
        row.max_attempts = (unsigned)sqlite3_column_int(st, 6);
        row.not_before_ms = sqlite3_column_int64(st, 7);
        row.lease_until_ms = sqlite3_column_int64(st, 8);
        row.created_ms = sqlite3_column_int64(st, 9);
        row.updated_ms = sqlite3_column_int64(st, 10);
        row.lease_owner = fse_store__sq_col_text(st, 11);
        row.last_error = fse_store__sq_col_blob(st, 12, &row.last_error_len);
        rc = fn(&row, ctx);
    }
    if (rc == FSE_OK && !any) {
        rc = FSE_E_NOT_FOUND;
    }
    sqlite3_finalize(st);
    return rc;
}

fse_err fse_store__sq_job_insert(store_conn *c, const store_job_row *row, int64_t *id_out,
                                 bool *created_out)
{
    sqlite3_stmt *st = NULL;
    int64_t n = 0;
    fse_err rc = fse_store__sq_prepare(
        c,
        "INSERT INTO outbox(kind, idem_key, payload, state, attempts, max_attempts,"
        " not_before_ms, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?7)"
        " ON CONFLICT(idem_key) DO NOTHING",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, row->kind) != SQLITE_OK ||
        fse_store__sq_text(st, 2, row->idem_key) != SQLITE_OK ||
        fse_store__sq_blob(st, 3, row->payload, row->payload_len) != SQLITE_OK ||
        sqlite3_bind_int(st, 4, FSE_STORE_JOB_PENDING) != SQLITE_OK ||
        sqlite3_bind_int(st, 5, (int)row->max_attempts) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, row->not_before_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 7, row->created_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = run_count(c, st, "enqueueing a job", &n);
    if (rc != FSE_OK) {
        return rc;
    }
    *created_out = n == 1;
    if (n == 1) {
        *id_out = sqlite3_last_insert_rowid(c->db);
        return FSE_OK;
    }
    rc = fse_store__sq_prepare(c, "SELECT id FROM outbox WHERE idem_key = ?1", &st);
    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, row->idem_key) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = fse_store__sq_fail(c, "finding a job by idempotency key");
    } else {
        *id_out = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rc;
}

fse_err fse_store__sq_job_claim(store_conn *c, const char *worker, int64_t now_ms, int64_t lease_ms,
                                store_job_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int64_t id = 0;
    int step;
    fse_err rc = fse_store__sq_prepare(
        c,
        "UPDATE outbox SET state = 4, updated_ms = ?1"
        " WHERE state = 2 AND lease_until_ms <= ?1 AND attempts >= max_attempts",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, now_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = fse_store__sq_run(c, st, "dead-lettering expired jobs");
    if (rc != FSE_OK) {
        return rc;
    }
    /* Two indexed probes: the oldest due pending job and the oldest expired
     * lease; take whichever became due first. */
    rc = fse_store__sq_prepare(
        c,
        "SELECT id FROM ("
        " SELECT * FROM (SELECT id, not_before_ms AS due FROM outbox"
        "   WHERE state = 1 AND not_before_ms <= ?1 ORDER BY not_before_ms, id LIMIT 1)"
        " UNION ALL"
        " SELECT * FROM (SELECT id, lease_until_ms AS due FROM outbox"
        "   WHERE state = 2 AND lease_until_ms <= ?1 ORDER BY lease_until_ms, id LIMIT 1))"
        " ORDER BY due, id LIMIT 1",
        &st);
    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, now_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
    } else if (step != SQLITE_DONE) {
        rc = fse_store__sq_fail(c, "finding a due job");
    }
    sqlite3_finalize(st);
    if (rc != FSE_OK) {
        return rc;
    }
    if (id == 0) {
        return FSE_E_NOT_FOUND;
    }
    rc = fse_store__sq_prepare(c,
                               "UPDATE outbox SET state = 2, attempts = attempts + 1,"
                               " lease_until_ms = ?2, lease_owner = ?3, updated_ms = ?4"
                               " WHERE id = ?1",
                               &st);
    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, now_ms + lease_ms) != SQLITE_OK ||
        fse_store__sq_text(st, 3, worker) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, now_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = fse_store__sq_run(c, st, "leasing a job");
    if (rc != FSE_OK) {
        return rc;
    }
    return fse_store__sq_job_get(c, id, fn, ctx);
}

fse_err fse_store__sq_job_settle(store_conn *c, int64_t id, unsigned attempt, int state,
                                 int64_t not_before_ms, const uint8_t *error, size_t error_len,
                                 int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int64_t n = 0;
    fse_err rc = fse_store__sq_prepare(
        c,
        "UPDATE outbox SET state = ?3, not_before_ms = ?4, last_error = coalesce(?5, last_error),"
        " lease_until_ms = NULL, updated_ms = ?6 WHERE id = ?1 AND state = 2 AND attempts = ?2",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)attempt) != SQLITE_OK ||
        sqlite3_bind_int(st, 3, state) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, not_before_ms) != SQLITE_OK ||
        fse_store__sq_blob(st, 5, error, error_len) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, now_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = run_count(c, st, "settling a job", &n);
    if (rc == FSE_OK && n != 1) {
        rc = FSE_E_NOT_FOUND;
    }
    return rc;
}

fse_err fse_store__sq_job_get(store_conn *c, int64_t id, store_job_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, JOB_COLS "WHERE id = ?1", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return job_rows(c, st, fn, ctx);
}

fse_err fse_store__sq_job_retry(store_conn *c, int64_t id, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int64_t n = 0;
    fse_err rc = fse_store__sq_prepare(c,
                                       "UPDATE outbox SET state = 1, attempts = 0,"
                                       " not_before_ms = ?2, lease_until_ms = NULL,"
                                       " updated_ms = ?2 WHERE id = ?1 AND state = 4",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, now_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = run_count(c, st, "requeueing a dead job", &n);
    if (rc == FSE_OK && n != 1) {
        rc = FSE_E_NOT_FOUND;
    }
    return rc;
}

fse_err fse_store__sq_job_count(store_conn *c, int state, int64_t *n_out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, "SELECT count(*) FROM outbox WHERE state = ?1", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int(st, 1, state) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = fse_store__sq_fail(c, "counting jobs");
    } else {
        *n_out = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rc;
}
