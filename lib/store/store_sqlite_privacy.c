/*
 * lib/store/store_sqlite_privacy.c - the SQLite statements on a patient's
 * privacy state: the registry row, the consent history, the relations and
 * the notifications.
 *
 * Owns the column lists and their binding order, and the statement per
 * relation query (by patient or by actor, each on its own index, with the
 * in-force test of store_relation_filter). Does not own what the columns
 * mean, their sealing or the checks of their values (store_privacy.c,
 * store_relation.c) nor the schema (store_sqlite.c). Times of 0 are stored
 * as NULL where the column is optional (gp_to_ms, valid_to_ms, ended_ms)
 * and read back as 0.
 */
#include "store_sqlite.h"

#include <string.h>

/* The caller's row callback, of the type the statement's table needs. */
typedef struct row_cb {
    union {
        store_patient_fn patient;
        store_consent_fn consent;
        store_relation_fn relation;
        store_notification_fn notification;
    } fn;
    void *ctx;
} row_cb;

/* Reads the current row of a statement into a row structure and passes it
 * to the callback. */
typedef fse_err (*row_each)(sqlite3_stmt *st, const row_cb *cb);

/* Step st, calling each on every row; NOT_FOUND when want_one and no row
 * came. Finalizes st. */
static fse_err rows(store_conn *c, sqlite3_stmt *st, row_each each, const row_cb *cb, bool want_one,
                    const char *what)
{
    fse_err rc = FSE_OK;
    bool any = false;

    while (rc == FSE_OK) {
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, what);
            break;
        }
        any = true;
        rc = each(st, cb);
    }
    if (rc == FSE_OK && want_one && !any) {
        rc = FSE_E_NOT_FOUND;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Run an INSERT and give the new row's id. */
static fse_err run_insert(store_conn *c, sqlite3_stmt *st, const char *what, int64_t *id_out)
{
    fse_err rc = fse_store__sq_run(c, st, what);

    if (rc == FSE_OK && id_out != NULL) {
        *id_out = sqlite3_last_insert_rowid(c->db);
    }
    return rc;
}

static bool col_bool(sqlite3_stmt *st, int col)
{
    return sqlite3_column_int64(st, col) != 0;
}

/* ------------------------------------------------------------------------ */
/* Registry                                                                 */
/* ------------------------------------------------------------------------ */

static fse_err each_patient(sqlite3_stmt *st, const row_cb *cb)
{
    store_patient_row row;

    memset(&row, 0, sizeof(row));
    row.patient_ref = fse_store__sq_col_text(st, 0);
    row.region = fse_store__sq_col_text(st, 1);
    row.gp_ref = fse_store__sq_col_text(st, 2);
    row.gp_from_ms = sqlite3_column_int64(st, 3);
    row.gp_to_ms = sqlite3_column_int64(st, 4);
    row.notifications_off = col_bool(st, 5);
    row.notify_channel = fse_store__sq_col_text(st, 6);
    row.created_ms = sqlite3_column_int64(st, 7);
    row.updated_ms = sqlite3_column_int64(st, 8);
    row.sealed = fse_store__sq_col_blob(st, 9, &row.sealed_len);
    return cb->fn.patient(&row, cb->ctx);
}

fse_err fse_store__sq_patient_put(store_conn *c, const store_patient_row *row)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c,
        "INSERT INTO patients(patient_ref, region, gp_ref, gp_from_ms, gp_to_ms,"
        " notifications_off, notify_channel, created_ms, updated_ms, sealed)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(patient_ref) DO UPDATE"
        " SET region = excluded.region, gp_ref = excluded.gp_ref,"
        " gp_from_ms = excluded.gp_from_ms, gp_to_ms = excluded.gp_to_ms,"
        " notifications_off = excluded.notifications_off,"
        " notify_channel = excluded.notify_channel, created_ms = excluded.created_ms,"
        " updated_ms = excluded.updated_ms, sealed = excluded.sealed",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, row->patient_ref) != SQLITE_OK ||
        fse_store__sq_text(st, 2, row->region) != SQLITE_OK ||
        fse_store__sq_text(st, 3, row->gp_ref) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, row->gp_from_ms) != SQLITE_OK ||
        fse_store__sq_opt_i64(st, 5, row->gp_to_ms) != SQLITE_OK ||
        sqlite3_bind_int(st, 6, row->notifications_off ? 1 : 0) != SQLITE_OK ||
        fse_store__sq_text(st, 7, row->notify_channel) != SQLITE_OK ||
        sqlite3_bind_int64(st, 8, row->created_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 9, row->updated_ms) != SQLITE_OK ||
        fse_store__sq_blob(st, 10, row->sealed, row->sealed_len) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return fse_store__sq_run(c, st, "writing a registry record");
}

fse_err fse_store__sq_patient_get(store_conn *c, const char *patient_ref, store_patient_fn fn,
                                  void *ctx)
{
    row_cb cb = {.fn.patient = fn, .ctx = ctx};
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c,
        "SELECT patient_ref, region, gp_ref, gp_from_ms, gp_to_ms, notifications_off,"
        " notify_channel, created_ms, updated_ms, sealed FROM patients WHERE patient_ref = ?1",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, patient_ref) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return rows(c, st, each_patient, &cb, true, "reading a registry record");
}

/* ------------------------------------------------------------------------ */
/* Consents                                                                 */
/* ------------------------------------------------------------------------ */

static fse_err each_consent(sqlite3_stmt *st, const row_cb *cb)
{
    store_consent_row row;

    memset(&row, 0, sizeof(row));
    row.id = sqlite3_column_int64(st, 0);
    row.patient_ref = fse_store__sq_col_text(st, 1);
    row.purpose = sqlite3_column_int(st, 2);
    row.given = col_bool(st, 3);
    row.time_ms = sqlite3_column_int64(st, 4);
    row.channel = fse_store__sq_col_text(st, 5);
    row.actor_role = fse_store__sq_col_text(st, 6);
    row.patient_minor = col_bool(st, 7);
    row.sealed = fse_store__sq_col_blob(st, 8, &row.sealed_len);
    return cb->fn.consent(&row, cb->ctx);
}

fse_err fse_store__sq_consent_insert(store_conn *c, const store_consent_row *row, int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c,
                                       "INSERT INTO consents(patient_ref, purpose, given, time_ms,"
                                       " channel, actor_role, patient_minor, sealed)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, row->patient_ref) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, row->purpose) != SQLITE_OK ||
        sqlite3_bind_int(st, 3, row->given ? 1 : 0) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, row->time_ms) != SQLITE_OK ||
        fse_store__sq_text(st, 5, row->channel) != SQLITE_OK ||
        fse_store__sq_text(st, 6, row->actor_role) != SQLITE_OK ||
        sqlite3_bind_int(st, 7, row->patient_minor ? 1 : 0) != SQLITE_OK ||
        fse_store__sq_blob(st, 8, row->sealed, row->sealed_len) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return run_insert(c, st, "writing a consent", id_out);
}

fse_err fse_store__sq_consent_count(store_conn *c, const char *patient_ref, int64_t *n_out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc =
        fse_store__sq_prepare(c, "SELECT count(*) FROM consents WHERE patient_ref = ?1", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, patient_ref) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = fse_store__sq_fail(c, "counting consents");
    } else {
        *n_out = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rc;
}

fse_err fse_store__sq_consent_list(store_conn *c, const char *patient_ref, size_t limit,
                                   store_consent_fn fn, void *ctx)
{
    row_cb cb = {.fn.consent = fn, .ctx = ctx};
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c,
        "SELECT id, patient_ref, purpose, given, time_ms, channel, actor_role, patient_minor,"
        " sealed FROM consents WHERE patient_ref = ?1 ORDER BY time_ms, id LIMIT ?2",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, patient_ref) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)limit) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return rows(c, st, each_consent, &cb, false, "reading consents");
}

/* ------------------------------------------------------------------------ */
/* Relations                                                                */
/* ------------------------------------------------------------------------ */

static fse_err each_relation(sqlite3_stmt *st, const row_cb *cb)
{
    store_relation_row row;

    memset(&row, 0, sizeof(row));
    row.id = sqlite3_column_int64(st, 0);
    row.patient_ref = fse_store__sq_col_text(st, 1);
    row.kind = sqlite3_column_int(st, 2);
    row.actor_ref = fse_store__sq_col_text(st, 3);
    row.actor_role = fse_store__sq_col_text(st, 4);
    row.organisation = fse_store__sq_col_text(st, 5);
    row.valid_from_ms = sqlite3_column_int64(st, 6);
    row.valid_to_ms = sqlite3_column_int64(st, 7);
    row.ended_ms = sqlite3_column_int64(st, 8);
    row.flags = (unsigned)sqlite3_column_int64(st, 9);
    row.created_ms = sqlite3_column_int64(st, 10);
    row.sealed = fse_store__sq_col_blob(st, 11, &row.sealed_len);
    return cb->fn.relation(&row, cb->ctx);
}

fse_err fse_store__sq_relation_insert(store_conn *c, const store_relation_row *row, int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c,
        "INSERT INTO relations(patient_ref, kind, actor_ref, actor_role, organisation,"
        " valid_from_ms, valid_to_ms, ended_ms, flags, created_ms, sealed)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, row->patient_ref) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, row->kind) != SQLITE_OK ||
        fse_store__sq_text(st, 3, row->actor_ref) != SQLITE_OK ||
        fse_store__sq_text(st, 4, row->actor_role) != SQLITE_OK ||
        fse_store__sq_text(st, 5, row->organisation) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, row->valid_from_ms) != SQLITE_OK ||
        fse_store__sq_opt_i64(st, 7, row->valid_to_ms) != SQLITE_OK ||
        fse_store__sq_opt_i64(st, 8, row->ended_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 9, (sqlite3_int64)row->flags) != SQLITE_OK ||
        sqlite3_bind_int64(st, 10, row->created_ms) != SQLITE_OK ||
        fse_store__sq_blob(st, 11, row->sealed, row->sealed_len) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return run_insert(c, st, "writing a relation", id_out);
}

fse_err fse_store__sq_relation_update(store_conn *c, const store_relation_row *row)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c,
                                       "UPDATE relations SET ended_ms = ?3, flags = ?4, sealed = ?5"
                                       " WHERE id = ?1 AND patient_ref = ?2",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, row->id) != SQLITE_OK ||
        fse_store__sq_text(st, 2, row->patient_ref) != SQLITE_OK ||
        fse_store__sq_opt_i64(st, 3, row->ended_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, (sqlite3_int64)row->flags) != SQLITE_OK ||
        fse_store__sq_blob(st, 5, row->sealed, row->sealed_len) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = fse_store__sq_run(c, st, "updating a relation");
    if (rc == FSE_OK && sqlite3_changes(c->db) != 1) {
        rc = FSE_E_NOT_FOUND;
    }
    return rc;
}

#define RELATION_COLS                                                                              \
    "SELECT id, patient_ref, kind, actor_ref, actor_role, organisation, valid_from_ms,"            \
    " valid_to_ms, ended_ms, flags, created_ms, sealed FROM relations "
/* The filters after the indexed equality; ?5 = 0 keeps every relation, else
 * only those in force at ?5. */
#define RELATION_FILTERS                                                                           \
    " AND (?3 = 0 OR id = ?3) AND (?4 = 0 OR ((?4 >> kind) & 1) = 1)"                              \
    " AND (?5 = 0 OR (valid_from_ms <= ?5 AND (valid_to_ms IS NULL OR ?5 < valid_to_ms)"           \
    " AND ended_ms IS NULL)) ORDER BY id LIMIT ?6"

fse_err fse_store__sq_relation_list(store_conn *c, const store_relation_filter *f,
                                    store_relation_fn fn, void *ctx)
{
    static const char *const by_patient =
        RELATION_COLS "WHERE patient_ref = ?1 AND (?2 IS NULL OR actor_ref = ?2)" RELATION_FILTERS;
    static const char *const by_actor =
        RELATION_COLS "WHERE actor_ref = ?2 AND (?1 IS NULL OR patient_ref = ?1)" RELATION_FILTERS;
    row_cb cb = {.fn.relation = fn, .ctx = ctx};
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, f->patient_ref != NULL ? by_patient : by_actor, &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, f->patient_ref) != SQLITE_OK ||
        fse_store__sq_text(st, 2, f->actor_ref) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, f->id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, (sqlite3_int64)f->kinds) != SQLITE_OK ||
        sqlite3_bind_int64(st, 5, f->at_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, (sqlite3_int64)f->limit) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return rows(c, st, each_relation, &cb, false, "reading relations");
}

/* ------------------------------------------------------------------------ */
/* Notifications                                                            */
/* ------------------------------------------------------------------------ */

static fse_err each_notification(sqlite3_stmt *st, const row_cb *cb)
{
    store_notification_row row;

    memset(&row, 0, sizeof(row));
    row.id = sqlite3_column_int64(st, 0);
    row.patient_ref = fse_store__sq_col_text(st, 1);
    row.time_ms = sqlite3_column_int64(st, 2);
    row.kind = fse_store__sq_col_text(st, 3);
    row.channel = fse_store__sq_col_text(st, 4);
    row.sealed = fse_store__sq_col_blob(st, 5, &row.sealed_len);
    return cb->fn.notification(&row, cb->ctx);
}

fse_err fse_store__sq_notification_insert(store_conn *c, const store_notification_row *row,
                                          int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c,
                                       "INSERT INTO notifications(patient_ref, time_ms, kind,"
                                       " channel, sealed) VALUES (?1, ?2, ?3, ?4, ?5)",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, row->patient_ref) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, row->time_ms) != SQLITE_OK ||
        fse_store__sq_text(st, 3, row->kind) != SQLITE_OK ||
        fse_store__sq_text(st, 4, row->channel) != SQLITE_OK ||
        fse_store__sq_blob(st, 5, row->sealed, row->sealed_len) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return run_insert(c, st, "writing a notification", id_out);
}

fse_err fse_store__sq_notification_list(store_conn *c, const char *patient_ref, int64_t before_id,
                                        size_t limit, store_notification_fn fn, void *ctx)
{
    row_cb cb = {.fn.notification = fn, .ctx = ctx};
    sqlite3_stmt *st = NULL;
    /* A range on (patient_ref, id), newest first: a page costs its own rows. */
    fse_err rc = fse_store__sq_prepare(c,
                                       "SELECT id, patient_ref, time_ms, kind, channel, sealed"
                                       " FROM notifications WHERE patient_ref = ?1 AND id < ?2"
                                       " ORDER BY id DESC LIMIT ?3",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, patient_ref) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, before_id != 0 ? before_id : INT64_MAX) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, (sqlite3_int64)limit) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return rows(c, st, each_notification, &cb, false, "reading notifications");
}
