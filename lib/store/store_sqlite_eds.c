/*
 * lib/store/store_sqlite_eds.c - the SQLite statements of the regional
 * clinical store rows (store_eds_be.h): the bundle row of a document and
 * its resource rows.
 *
 * Owns the column lists, their binding order and the table that
 * fse_store__eds_backend hands out for SQLite handles. Does not own the
 * schema (store_sqlite.c: tables eds_bundles and eds_resources and their
 * indexes) nor what the columns mean or their protection (store_eds.c).
 */
#include "store_eds_be.h"
#include "store_sqlite.h"

#include <string.h>

#define BUNDLE_COLS                                                                                \
    "SELECT unique_id, doc_id, patient_ref, status, replaced_by, n_resources, created_ms,"         \
    " updated_ms"

static void read_bundle(store_eds_row *row, sqlite3_stmt *st, bool with_ct)
{
    memset(row, 0, sizeof(*row));
    row->unique_id = fse_store__sq_col_text(st, 0);
    row->doc_id = fse_store__sq_col_text(st, 1);
    row->patient_ref = fse_store__sq_col_text(st, 2);
    row->status = sqlite3_column_int(st, 3);
    row->replaced_by = fse_store__sq_col_text(st, 4);
    row->n_resources = sqlite3_column_int64(st, 5);
    row->created_ms = sqlite3_column_int64(st, 6);
    row->updated_ms = sqlite3_column_int64(st, 7);
    if (with_ct) {
        row->ct = fse_store__sq_col_blob(st, 8, &row->ct_len);
    }
}

static fse_err each_bundle(store_conn *c, sqlite3_stmt *st, bool with_ct, store_eds_fn fn,
                           void *ctx, bool want_one)
{
    fse_err rc = FSE_OK;
    bool any = false;

    while (rc == FSE_OK) {
        store_eds_row row;
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "reading bundles");
            break;
        }
        any = true;
        read_bundle(&row, st, with_ct);
        rc = fn(&row, ctx);
    }
    if (rc == FSE_OK && want_one && !any) {
        rc = FSE_E_NOT_FOUND;
    }
    sqlite3_finalize(st);
    return rc;
}

static fse_err sq_put(store_conn *c, const store_eds_row *row)
{
    sqlite3_stmt *st = NULL;
    /* A bundle put again (a job that ran twice, a metadata update) keeps
     * the time it was first kept. */
    fse_err rc = fse_store__sq_prepare(
        c,
        "INSERT INTO eds_bundles(unique_id, doc_id, patient_ref, status, replaced_by,"
        " n_resources, created_ms, updated_ms, ct) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        " ON CONFLICT(unique_id) DO UPDATE SET doc_id = excluded.doc_id,"
        " patient_ref = excluded.patient_ref, status = excluded.status,"
        " replaced_by = COALESCE(excluded.replaced_by, eds_bundles.replaced_by),"
        " n_resources = excluded.n_resources, updated_ms = excluded.updated_ms, ct = excluded.ct",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, row->unique_id) != SQLITE_OK ||
        fse_store__sq_text(st, 2, row->doc_id) != SQLITE_OK ||
        fse_store__sq_text(st, 3, row->patient_ref) != SQLITE_OK ||
        sqlite3_bind_int(st, 4, row->status) != SQLITE_OK ||
        fse_store__sq_text(st, 5, row->replaced_by) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, row->n_resources) != SQLITE_OK ||
        sqlite3_bind_int64(st, 7, row->created_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 8, row->updated_ms) != SQLITE_OK ||
        fse_store__sq_blob(st, 9, row->ct, row->ct_len) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return fse_store__sq_run(c, st, "writing a bundle");
}

static fse_err sq_res_insert(store_conn *c, const store_eds_res_row *rows, size_t n)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = FSE_OK;
    size_t i;

    if (n == 0) {
        return FSE_OK;
    }
    rc = fse_store__sq_prepare(c,
                               "INSERT INTO eds_resources(unique_id, seq, patient_ref, type, ct)"
                               " VALUES (?1, ?2, ?3, ?4, ?5)",
                               &st);
    for (i = 0; i < n && rc == FSE_OK; i++) {
        const store_eds_res_row *r = &rows[i];

        if (fse_store__sq_text(st, 1, r->unique_id) != SQLITE_OK ||
            sqlite3_bind_int64(st, 2, r->seq) != SQLITE_OK ||
            fse_store__sq_text(st, 3, r->patient_ref) != SQLITE_OK ||
            fse_store__sq_text(st, 4, r->type) != SQLITE_OK ||
            fse_store__sq_blob(st, 5, r->ct, r->ct_len) != SQLITE_OK) {
            return fse_store__sq_bind_fail(c, st);
        }
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = fse_store__sq_fail(c, "writing a resource");
        }
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static fse_err sq_res_clear(store_conn *c, const char *unique_id, int64_t *n_out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, "DELETE FROM eds_resources WHERE unique_id = ?1", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, unique_id) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = fse_store__sq_run(c, st, "removing resources");
    if (rc == FSE_OK && n_out != NULL) {
        *n_out = sqlite3_changes64(c->db);
    }
    return rc;
}

static fse_err sq_remove(store_conn *c, const char *unique_id)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, "DELETE FROM eds_bundles WHERE unique_id = ?1", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, unique_id) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return fse_store__sq_run(c, st, "removing a bundle");
}

static fse_err sq_get(store_conn *c, const char *unique_id, bool with_ct, store_eds_fn fn,
                      void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc =
        fse_store__sq_prepare(c,
                              with_ct ? BUNDLE_COLS ", ct FROM eds_bundles WHERE unique_id = ?1"
                                      : BUNDLE_COLS " FROM eds_bundles WHERE unique_id = ?1",
                              &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, unique_id) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return each_bundle(c, st, with_ct, fn, ctx, true);
}

static fse_err sq_set_status(store_conn *c, const char *unique_id, int status,
                             const char *replaced_by, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c,
        "UPDATE eds_bundles SET status = ?2, replaced_by = COALESCE(?3, replaced_by),"
        " updated_ms = ?4 WHERE unique_id = ?1",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, unique_id) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, status) != SQLITE_OK ||
        fse_store__sq_text(st, 3, replaced_by) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, now_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = fse_store__sq_run(c, st, "setting a bundle's status");
    if (rc == FSE_OK && sqlite3_changes64(c->db) == 0) {
        rc = FSE_E_NOT_FOUND;
    }
    return rc;
}

static fse_err sq_list_patient(store_conn *c, const char *patient_ref, unsigned statuses,
                               size_t limit, store_eds_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c,
                                       BUNDLE_COLS " FROM eds_bundles WHERE patient_ref = ?1"
                                                   " AND ((?2 >> status) & 1) = 1"
                                                   " ORDER BY created_ms DESC, rowid DESC"
                                                   " LIMIT ?3",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, patient_ref) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)statuses) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, (sqlite3_int64)limit) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return each_bundle(c, st, false, fn, ctx, false);
}

/* head + " AND type <op> (?first, ?first+1, ...)" + tail, with n
 * placeholders (no values in the text: they are bound). */
static fse_err types_sql(fse_buf *sql, const char *head, const char *op, size_t n_types,
                         size_t first, const char *tail)
{
    size_t i;
    fse_err rc = fse_buf_append_str(sql, head);

    if (rc == FSE_OK && n_types > 0) {
        rc = fse_buf_printf(sql, " AND type %s (", op);
        for (i = 0; i < n_types && rc == FSE_OK; i++) {
            rc = fse_buf_printf(sql, "%s?%zu", i > 0 ? ", " : "", i + first);
        }
        if (rc == FSE_OK) {
            rc = fse_buf_append_str(sql, ")");
        }
    }
    if (rc == FSE_OK) {
        rc = fse_buf_append_str(sql, tail);
    }
    return rc;
}

/* Prepare sql built by types_sql and bind unique_id to ?1 and the types
 * from ?first. */
static fse_err types_prepare(store_conn *c, sqlite3_stmt **st, fse_buf *sql,
                             const char *unique_id, const char *const *types, size_t n_types,
                             size_t first)
{
    fse_err rc;
    size_t i;

    if (n_types > STORE_EDS_MAX_QUERY_TYPES) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "too many resource types");
    }
    rc = fse_store__sq_prepare(c, sql->data, st);
    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(*st, 1, unique_id) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, *st);
    }
    for (i = 0; i < n_types; i++) {
        if (fse_store__sq_text(*st, (int)(i + first), types[i]) != SQLITE_OK) {
            return fse_store__sq_bind_fail(c, *st);
        }
    }
    return FSE_OK;
}

static fse_err sq_res_prune(store_conn *c, const char *unique_id, const char *const *keep,
                            size_t n_keep, int64_t *n_left)
{
    sqlite3_stmt *st = NULL;
    fse_buf sql;
    fse_err rc;

    *n_left = 0;
    fse_buf_init(&sql, 4096);
    rc = types_sql(&sql, "DELETE FROM eds_resources WHERE unique_id = ?1", "NOT IN", n_keep, 2,
                   "");
    if (rc == FSE_OK) {
        rc = types_prepare(c, &st, &sql, unique_id, keep, n_keep, 2);
    }
    if (rc == FSE_OK) {
        rc = fse_store__sq_run(c, st, "removing a replaced version's resources");
    }
    fse_buf_reset(&sql);
    if (rc == FSE_OK) {
        rc = fse_store__sq_prepare(c, "SELECT count(*) FROM eds_resources WHERE unique_id = ?1",
                                   &st);
    }
    fse_buf_free(&sql);
    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, unique_id) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        *n_left = sqlite3_column_int64(st, 0);
    } else {
        rc = fse_store__sq_fail(c, "counting resources");
    }
    sqlite3_finalize(st);
    return rc;
}

static fse_err sq_list_all(store_conn *c, unsigned statuses, const char *after, size_t limit,
                           store_eds_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c,
                                       BUNDLE_COLS " FROM eds_bundles WHERE unique_id > ?2"
                                                   " AND ((?1 >> status) & 1) = 1"
                                                   " ORDER BY unique_id LIMIT ?3",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, (sqlite3_int64)statuses) != SQLITE_OK ||
        fse_store__sq_text(st, 2, after != NULL ? after : "") != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, (sqlite3_int64)limit) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return each_bundle(c, st, false, fn, ctx, false);
}

static fse_err sq_res_list(store_conn *c, const char *unique_id, const char *const *types,
                           size_t n_types, size_t limit, store_eds_res_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_buf sql;
    fse_err rc;

    fse_buf_init(&sql, 4096);
    rc = types_sql(&sql,
                   "SELECT unique_id, seq, patient_ref, type, ct"
                   " FROM eds_resources WHERE unique_id = ?1",
                   "IN", n_types, 3, " ORDER BY seq LIMIT ?2");
    if (rc == FSE_OK) {
        rc = types_prepare(c, &st, &sql, unique_id, types, n_types, 3);
    }
    fse_buf_free(&sql);
    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 2, (sqlite3_int64)limit) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    while (rc == FSE_OK) {
        store_eds_res_row row;
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "reading resources");
            break;
        }
        memset(&row, 0, sizeof(row));
        row.unique_id = fse_store__sq_col_text(st, 0);
        row.seq = sqlite3_column_int64(st, 1);
        row.patient_ref = fse_store__sq_col_text(st, 2);
        row.type = fse_store__sq_col_text(st, 3);
        row.ct = fse_store__sq_col_blob(st, 4, &row.ct_len);
        rc = fn(&row, ctx);
    }
    sqlite3_finalize(st);
    return rc;
}

const store_eds_backend fse_store__sqlite_eds_backend = {
    .put = sq_put,
    .res_insert = sq_res_insert,
    .res_clear = sq_res_clear,
    .res_prune = sq_res_prune,
    .remove = sq_remove,
    .get = sq_get,
    .set_status = sq_set_status,
    .list_patient = sq_list_patient,
    .list_all = sq_list_all,
    .res_list = sq_res_list,
};
