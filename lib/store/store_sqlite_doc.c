/*
 * lib/store/store_sqlite_doc.c - the SQLite statements on documents and
 * their sealed blobs: insert, update, lookup, patient search and listing,
 * tombstone, and the data-key rows walked by master-key rotation.
 *
 * Owns the column lists and their binding order. Does not own what the
 * columns mean or their protection (store_doc.c seals and checks them) nor
 * the schema (store_sqlite.c).
 */
#include "store_sqlite.h"

#include <stddef.h>
#include <string.h>

/* The text columns after (seq, doc_id, unique_id, status, version), in the
 * order of SELECT_COLS and of parameters ?5..?17 of INSERT and UPDATE. */
static const size_t text_cols[] = {
    offsetof(store_doc_row, repository_id),
    offsetof(store_doc_row, patient_ref),
    offsetof(store_doc_row, class_code),
    offsetof(store_doc_row, type_code),
    offsetof(store_doc_row, practice_setting_code),
    offsetof(store_doc_row, facility_type_code),
    offsetof(store_doc_row, confidentiality_code),
    offsetof(store_doc_row, event_codes),
    offsetof(store_doc_row, author_institution),
    offsetof(store_doc_row, creation_time),
    offsetof(store_doc_row, workflow_instance_id),
    offsetof(store_doc_row, replaces),
    offsetof(store_doc_row, replaced_by),
};
#define N_TEXT_COLS (sizeof(text_cols) / sizeof(text_cols[0]))

#define SELECT_COLS                                                                                \
    "SELECT seq, doc_id, unique_id, status, version, repository_id, patient_ref, class_code,"      \
    " type_code, practice_setting_code, facility_type_code, confidentiality_code, event_codes,"    \
    " author_institution, creation_time, workflow_instance_id, replaces, replaced_by,"             \
    " created_ms, updated_ms, deleted_ms, dk_kid, dk_wrapped, meta_ct, visibility FROM documents "

static const char *text_at(const store_doc_row *row, size_t i)
{
    const char *const *p = (const char *const *)(const void *)((const char *)row + text_cols[i]);

    return *p;
}

static void set_text_at(store_doc_row *row, size_t i, const char *v)
{
    const char **p = (const char **)(void *)((char *)row + text_cols[i]);

    *p = v;
}

/* Read the current result row of a SELECT_COLS statement. */
static void read_row(store_doc_row *row, sqlite3_stmt *st)
{
    size_t i;

    memset(row, 0, sizeof(*row));
    row->seq = sqlite3_column_int64(st, 0);
    row->doc_id = fse_store__sq_col_text(st, 1);
    row->unique_id = fse_store__sq_col_text(st, 2);
    row->status = sqlite3_column_int(st, 3);
    row->version = sqlite3_column_int(st, 4);
    for (i = 0; i < N_TEXT_COLS; i++) {
        set_text_at(row, i, fse_store__sq_col_text(st, (int)(5 + i)));
    }
    row->created_ms = sqlite3_column_int64(st, 18);
    row->updated_ms = sqlite3_column_int64(st, 19);
    row->deleted_ms = sqlite3_column_int64(st, 20);
    row->dk_kid = fse_store__sq_col_text(st, 21);
    row->dk_wrapped = fse_store__sq_col_blob(st, 22, &row->dk_wrapped_len);
    row->meta_ct = fse_store__sq_col_blob(st, 23, &row->meta_ct_len);
    row->visibility = (unsigned)sqlite3_column_int64(st, 24);
}

/* Bind parameters ?1..?24 of INSERT/UPDATE. */
static int bind_row(sqlite3_stmt *st, const store_doc_row *row)
{
    int rc = SQLITE_OK;
    size_t i;

    if (fse_store__sq_text(st, 1, row->doc_id) != SQLITE_OK ||
        fse_store__sq_text(st, 2, row->unique_id) != SQLITE_OK ||
        sqlite3_bind_int(st, 3, row->status) != SQLITE_OK ||
        sqlite3_bind_int(st, 4, row->version) != SQLITE_OK) {
        return SQLITE_ERROR;
    }
    for (i = 0; i < N_TEXT_COLS && rc == SQLITE_OK; i++) {
        rc = fse_store__sq_text(st, (int)(5 + i), text_at(row, i));
    }
    if (rc != SQLITE_OK || sqlite3_bind_int64(st, 18, row->created_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 19, row->updated_ms) != SQLITE_OK ||
        fse_store__sq_opt_i64(st, 20, row->deleted_ms) != SQLITE_OK ||
        fse_store__sq_text(st, 21, row->dk_kid) != SQLITE_OK ||
        fse_store__sq_blob(st, 22, row->dk_wrapped, row->dk_wrapped_len) != SQLITE_OK ||
        fse_store__sq_blob(st, 23, row->meta_ct, row->meta_ct_len) != SQLITE_OK ||
        sqlite3_bind_int64(st, 24, (sqlite3_int64)row->visibility) != SQLITE_OK) {
        return SQLITE_ERROR;
    }
    return SQLITE_OK;
}

static fse_err write_row(store_conn *c, const char *sql, const store_doc_row *row, const char *what)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, sql, &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (bind_row(st, row) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = fse_store__sq_run(c, st, what);
    if (rc == FSE_OK && sqlite3_changes(c->db) != 1) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "%s: no such document", what);
    }
    return rc;
}

fse_err fse_store__sq_doc_insert(store_conn *c, const store_doc_row *row)
{
    return write_row(c,
                     "INSERT INTO documents(doc_id, unique_id, status, version, repository_id,"
                     " patient_ref, class_code, type_code, practice_setting_code,"
                     " facility_type_code, confidentiality_code, event_codes,"
                     " author_institution, creation_time, workflow_instance_id, replaces,"
                     " replaced_by, created_ms, updated_ms, deleted_ms, dk_kid, dk_wrapped,"
                     " meta_ct, visibility) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                     " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
                     row, "inserting a document");
}

fse_err fse_store__sq_doc_update(store_conn *c, const store_doc_row *row)
{
    return write_row(c,
                     "UPDATE documents SET unique_id = ?2, status = ?3, version = ?4,"
                     " repository_id = ?5, patient_ref = ?6, class_code = ?7, type_code = ?8,"
                     " practice_setting_code = ?9, facility_type_code = ?10,"
                     " confidentiality_code = ?11, event_codes = ?12, author_institution = ?13,"
                     " creation_time = ?14, workflow_instance_id = ?15, replaces = ?16,"
                     " replaced_by = ?17, created_ms = ?18, updated_ms = ?19, deleted_ms = ?20,"
                     " dk_kid = ?21, dk_wrapped = ?22, meta_ct = ?23, visibility = ?24"
                     " WHERE doc_id = ?1",
                     row, "updating a document");
}

/* Step st, calling fn on each row; NOT_FOUND when want_one and no row. */
static fse_err each_row(store_conn *c, sqlite3_stmt *st, store_doc_fn fn, void *ctx, bool want_one)
{
    fse_err rc = FSE_OK;
    bool any = false;
    int step;

    while (rc == FSE_OK) {
        store_doc_row row;

        step = sqlite3_step(st);
        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "reading documents");
            break;
        }
        any = true;
        read_row(&row, st);
        rc = fn(&row, ctx);
    }
    if (rc == FSE_OK && want_one && !any) {
        rc = FSE_E_NOT_FOUND;
    }
    sqlite3_finalize(st);
    return rc;
}

fse_err fse_store__sq_doc_get(store_conn *c, const char *unique_id, store_doc_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, SELECT_COLS "WHERE unique_id = ?1", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, unique_id) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return each_row(c, st, fn, ctx, true);
}

fse_err fse_store__sq_doc_search(store_conn *c, const store_doc_filter *f, store_doc_fn fn,
                                 void *ctx)
{
    sqlite3_stmt *st = NULL;
    /* The (patient_ref, seq) index serves the patient and the order; the
     * optional filters are "?n IS NULL OR ..." on those few rows. */
    fse_err rc = fse_store__sq_prepare(c,
                                       SELECT_COLS "WHERE patient_ref = ?1"
                                                   " AND (?2 IS NULL OR type_code = ?2)"
                                                   " AND (?3 IS NULL OR class_code = ?3)"
                                                   " AND (?4 IS NULL OR creation_time >= ?4)"
                                                   " AND (?5 IS NULL OR creation_time <= ?5)"
                                                   " AND ((?6 >> status) & 1) = 1"
                                                   " AND (?7 = 0 OR seq < ?7)"
                                                   " ORDER BY seq DESC LIMIT ?8",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, f->patient_ref) != SQLITE_OK ||
        fse_store__sq_text(st, 2, f->type_code) != SQLITE_OK ||
        fse_store__sq_text(st, 3, f->class_code) != SQLITE_OK ||
        fse_store__sq_text(st, 4, f->created_from) != SQLITE_OK ||
        fse_store__sq_text(st, 5, f->created_to) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, (sqlite3_int64)f->statuses) != SQLITE_OK ||
        sqlite3_bind_int64(st, 7, f->before_seq) != SQLITE_OK ||
        sqlite3_bind_int64(st, 8, (sqlite3_int64)f->limit) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return each_row(c, st, fn, ctx, false);
}

fse_err fse_store__sq_doc_list_patient(store_conn *c, const char *patient_ref, unsigned statuses,
                                       size_t limit, store_doc_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    /* documents_patient_time serves the patient, the order and the status
     * test: one index range scan, no sort. */
    fse_err rc = fse_store__sq_prepare(c,
                                       SELECT_COLS "WHERE patient_ref = ?1"
                                                   " AND ((?2 >> status) & 1) = 1"
                                                   " ORDER BY creation_time DESC, seq DESC"
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
    return each_row(c, st, fn, ctx, false);
}

fse_err fse_store__sq_doc_tombstone(store_conn *c, const char *doc_id, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, "DELETE FROM document_blobs WHERE doc_id = ?1", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, doc_id) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = fse_store__sq_run(c, st, "wiping document bytes");
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_store__sq_prepare(
        c,
        "UPDATE documents SET status = 3, repository_id = NULL, patient_ref = NULL,"
        " class_code = NULL, type_code = NULL, practice_setting_code = NULL,"
        " facility_type_code = NULL, confidentiality_code = NULL, event_codes = NULL,"
        " author_institution = NULL, creation_time = NULL, workflow_instance_id = NULL,"
        " updated_ms = ?2, deleted_ms = ?2, dk_kid = NULL, dk_wrapped = NULL, meta_ct = NULL,"
        " visibility = 0 WHERE doc_id = ?1",
        &st);
    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, doc_id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, now_ms) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = fse_store__sq_run(c, st, "writing a tombstone");
    if (rc == FSE_OK && sqlite3_changes(c->db) != 1) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "tombstone: no such document");
    }
    return rc;
}

fse_err fse_store__sq_doc_keys(store_conn *c, const char *kid, size_t limit, store_doc_fn fn,
                               void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, SELECT_COLS "WHERE dk_kid = ?1 LIMIT ?2", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, kid) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)limit) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return each_row(c, st, fn, ctx, false);
}

fse_err fse_store__sq_doc_key_set(store_conn *c, const char *doc_id, const char *kid,
                                  const uint8_t *wrapped, size_t len)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c, "UPDATE documents SET dk_kid = ?2, dk_wrapped = ?3 WHERE doc_id = ?1", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, doc_id) != SQLITE_OK ||
        fse_store__sq_text(st, 2, kid) != SQLITE_OK ||
        fse_store__sq_blob(st, 3, wrapped, len) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = fse_store__sq_run(c, st, "rewrapping a data key");
    if (rc == FSE_OK && sqlite3_changes(c->db) != 1) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "rewrap: no such document");
    }
    return rc;
}

fse_err fse_store__sq_doc_key_count_other(store_conn *c, const char *kid, int64_t *n_out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c, "SELECT count(*) FROM documents WHERE dk_wrapped IS NOT NULL AND dk_kid IS NOT ?1", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, kid) != SQLITE_OK) {
        rc = fse_store__sq_fail(c, "bind");
    } else if (sqlite3_step(st) != SQLITE_ROW) {
        rc = fse_store__sq_fail(c, "counting data keys");
    } else {
        *n_out = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rc;
}

fse_err fse_store__sq_blob_put(store_conn *c, const char *doc_id, int kind, const uint8_t *ct,
                               size_t len)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c, "INSERT INTO document_blobs(doc_id, kind, ct) VALUES (?1, ?2, ?3)", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, doc_id) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, kind) != SQLITE_OK ||
        fse_store__sq_blob(st, 3, ct, len) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return fse_store__sq_run(c, st, "writing document bytes");
}

fse_err fse_store__sq_blob_get(store_conn *c, const char *doc_id, int kind, store_blob_fn fn,
                               void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c, "SELECT ct FROM document_blobs WHERE doc_id = ?1 AND kind = ?2", &st);
    int step;

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, doc_id) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, kind) != SQLITE_OK) {
        rc = fse_store__sq_fail(c, "bind");
        goto done;
    }
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = FSE_E_NOT_FOUND;
    } else if (step != SQLITE_ROW) {
        rc = fse_store__sq_fail(c, "reading document bytes");
    } else {
        size_t len = 0;
        const uint8_t *ct = fse_store__sq_col_blob(st, 0, &len);

        rc = fn(ct, len, ctx);
    }
done:
    sqlite3_finalize(st);
    return rc;
}
