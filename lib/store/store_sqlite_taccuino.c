/*
 * lib/store/store_sqlite_taccuino.c - the SQLite statements of the taccuino
 * rows (store_taccuino_be.h).
 *
 * Owns the column list, its binding order and the table handed out for
 * SQLite handles. Does not own the schema (store_sqlite.c: table taccuino
 * and its index) nor what the columns mean or their sealing
 * (store_taccuino.c).
 */
#include "store_sqlite.h"
#include "store_taccuino_be.h"

#include <string.h>

#define NOTE_COLS "SELECT note_id, patient_ref, created_ms, author_role, file_len, sealed"

static fse_err each_note(store_conn *c, sqlite3_stmt *st, bool with_file, store_note_fn fn,
                         void *ctx, bool want_one)
{
    fse_err rc = FSE_OK;
    bool any = false;

    while (rc == FSE_OK) {
        store_note_row row;
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "reading notes");
            break;
        }
        any = true;
        memset(&row, 0, sizeof(row));
        row.note_id = fse_store__sq_col_text(st, 0);
        row.patient_ref = fse_store__sq_col_text(st, 1);
        row.created_ms = sqlite3_column_int64(st, 2);
        row.author_role = fse_store__sq_col_text(st, 3);
        row.file_len = sqlite3_column_int64(st, 4);
        row.sealed = fse_store__sq_col_blob(st, 5, &row.sealed_len);
        if (with_file) {
            row.file_ct = fse_store__sq_col_blob(st, 6, &row.file_ct_len);
        }
        rc = fn(&row, ctx);
    }
    if (rc == FSE_OK && want_one && !any) {
        rc = FSE_E_NOT_FOUND;
    }
    sqlite3_finalize(st);
    return rc;
}

static fse_err sq_insert(store_conn *c, const store_note_row *row)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c,
                                       "INSERT INTO taccuino(note_id, patient_ref, created_ms,"
                                       " author_role, file_len, sealed, file_ct)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, row->note_id) != SQLITE_OK ||
        fse_store__sq_text(st, 2, row->patient_ref) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, row->created_ms) != SQLITE_OK ||
        fse_store__sq_text(st, 4, row->author_role) != SQLITE_OK ||
        sqlite3_bind_int64(st, 5, row->file_len) != SQLITE_OK ||
        fse_store__sq_blob(st, 6, row->sealed, row->sealed_len) != SQLITE_OK ||
        fse_store__sq_blob(st, 7, row->file_ct, row->file_ct_len) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return fse_store__sq_run(c, st, "adding a note");
}

static fse_err sq_count(store_conn *c, const char *patient_ref, int64_t *n_out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc =
        fse_store__sq_prepare(c, "SELECT count(*) FROM taccuino WHERE patient_ref = ?1", &st);

    *n_out = 0;
    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, patient_ref) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = fse_store__sq_fail(c, "counting notes");
    } else {
        *n_out = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rc;
}

static fse_err sq_list(store_conn *c, const char *patient_ref, size_t limit, store_note_fn fn,
                       void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c,
                                       NOTE_COLS " FROM taccuino WHERE patient_ref = ?1"
                                                 " ORDER BY created_ms DESC, rowid DESC LIMIT ?2",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, patient_ref) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)limit) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return each_note(c, st, false, fn, ctx, false);
}

static fse_err sq_get(store_conn *c, const char *patient_ref, const char *note_id, bool with_file,
                      store_note_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c, NOTE_COLS ", file_ct FROM taccuino WHERE note_id = ?1 AND patient_ref = ?2", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, note_id) != SQLITE_OK ||
        fse_store__sq_text(st, 2, patient_ref) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    return each_note(c, st, with_file, fn, ctx, true);
}

static fse_err sq_remove(store_conn *c, const char *patient_ref, const char *note_id)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c, "DELETE FROM taccuino WHERE note_id = ?1 AND patient_ref = ?2", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, note_id) != SQLITE_OK ||
        fse_store__sq_text(st, 2, patient_ref) != SQLITE_OK) {
        return fse_store__sq_bind_fail(c, st);
    }
    rc = fse_store__sq_run(c, st, "deleting a note");
    if (rc == FSE_OK && sqlite3_changes(c->db) == 0) {
        rc = FSE_E_NOT_FOUND;
    }
    return rc;
}

const store_taccuino_backend fse_store__sqlite_taccuino_backend = {
    sq_insert, sq_count, sq_list, sq_get, sq_remove,
};
