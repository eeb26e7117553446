/*
 * lib/store/store_sqlite_audit.c - the SQLite statements on the audit chain:
 * the head row, appending a row together with the head, and filtered scans.
 *
 * Owns the choice of statement per filter (one indexed statement each for
 * patient, actor, document and the whole log). Does not own the chain
 * hashing, MACs or verification (lib/audit) nor the schema and its
 * append-only triggers (store_sqlite.c).
 */
#include "store_sqlite.h"

#include <string.h>

fse_err fse_store__sq_audit_head(store_conn *c, fse_store_audit_head *out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc =
        fse_store__sq_prepare(c, "SELECT seq, hash, mac FROM audit_head WHERE id = 1", &st);
    int step;

    memset(out, 0, sizeof(*out));
    if (rc != FSE_OK) {
        return rc;
    }
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = FSE_E_NOT_FOUND;
    } else if (step != SQLITE_ROW) {
        rc = fse_store__sq_fail(c, "reading the audit head");
    } else {
        size_t hash_len = 0;
        size_t mac_len = 0;
        const uint8_t *hash = fse_store__sq_col_blob(st, 1, &hash_len);
        const uint8_t *mac = fse_store__sq_col_blob(st, 2, &mac_len);

        out->seq = sqlite3_column_int64(st, 0);
        out->well_formed = hash != NULL && hash_len == sizeof(out->hash) &&
                           (mac == NULL || mac_len == sizeof(out->mac));
        if (out->well_formed) {
            memcpy(out->hash, hash, sizeof(out->hash));
            out->has_mac = mac != NULL;
            if (out->has_mac) {
                memcpy(out->mac, mac, sizeof(out->mac));
            }
        }
    }
    sqlite3_finalize(st);
    return rc;
}

fse_err fse_store__sq_audit_insert(store_conn *c, const fse_store_audit_row *row)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c,
        "INSERT INTO audit_log(seq, time_ms, trace_id, actor_ref, role, organisation, purpose,"
        " action, patient_ref, document_id, outcome, sealed, prev_hash, hash, mac)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, row->seq) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, row->time_ms) != SQLITE_OK ||
        fse_store__sq_text(st, 3, row->trace_id) != SQLITE_OK ||
        fse_store__sq_text(st, 4, row->actor_ref) != SQLITE_OK ||
        fse_store__sq_text(st, 5, row->role) != SQLITE_OK ||
        fse_store__sq_text(st, 6, row->organisation) != SQLITE_OK ||
        fse_store__sq_text(st, 7, row->purpose) != SQLITE_OK ||
        fse_store__sq_text(st, 8, row->action) != SQLITE_OK ||
        fse_store__sq_text(st, 9, row->patient_ref) != SQLITE_OK ||
        fse_store__sq_text(st, 10, row->document_id) != SQLITE_OK ||
        sqlite3_bind_int(st, 11, row->outcome) != SQLITE_OK ||
        fse_store__sq_blob(st, 12, row->sealed, row->sealed_len) != SQLITE_OK ||
        fse_store__sq_blob(st, 13, row->prev_hash, row->prev_hash_len) != SQLITE_OK ||
        fse_store__sq_blob(st, 14, row->hash, row->hash_len) != SQLITE_OK ||
        fse_store__sq_blob(st, 15, row->mac, row->mac_len) != SQLITE_OK) {
        rc = fse_store__sq_fail(c, "bind");
        sqlite3_finalize(st);
        return rc;
    }
    rc = fse_store__sq_run(c, st, "appending an audit record");
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_store__sq_prepare(c,
                               "INSERT INTO audit_head(id, seq, hash, mac) VALUES (1, ?1, ?2, ?3)"
                               " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq,"
                               " hash = excluded.hash, mac = excluded.mac",
                               &st);
    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, row->seq) != SQLITE_OK ||
        fse_store__sq_blob(st, 2, row->hash, row->hash_len) != SQLITE_OK ||
        fse_store__sq_blob(st, 3, row->head_mac, row->head_mac_len) != SQLITE_OK) {
        rc = fse_store__sq_fail(c, "bind");
        sqlite3_finalize(st);
        return rc;
    }
    return fse_store__sq_run(c, st, "moving the audit head");
}

#define AUDIT_COLS                                                                                 \
    "SELECT seq, time_ms, trace_id, actor_ref, role, organisation, purpose, action,"               \
    " patient_ref, document_id, outcome, sealed, prev_hash, hash, mac FROM audit_log "

fse_err fse_store__sq_audit_scan(store_conn *c, const fse_store_audit_filter *f,
                                 fse_store_audit_row_fn fn, void *ctx)
{
    static const char *const by_patient = AUDIT_COLS "WHERE patient_ref = ?2 AND seq > ?1"
                                                     " AND (?3 IS NULL OR actor_ref = ?3)"
                                                     " AND (?4 IS NULL OR document_id = ?4)"
                                                     " ORDER BY seq LIMIT ?5";
    static const char *const by_actor = AUDIT_COLS "WHERE actor_ref = ?3 AND seq > ?1"
                                                   " AND (?2 IS NULL OR patient_ref = ?2)"
                                                   " AND (?4 IS NULL OR document_id = ?4)"
                                                   " ORDER BY seq LIMIT ?5";
    static const char *const by_document = AUDIT_COLS "WHERE document_id = ?4 AND seq > ?1"
                                                      " AND (?2 IS NULL OR patient_ref = ?2)"
                                                      " AND (?3 IS NULL OR actor_ref = ?3)"
                                                      " ORDER BY seq LIMIT ?5";
    static const char *const all = AUDIT_COLS "WHERE seq > ?1 AND ?2 IS NULL AND ?3 IS NULL"
                                              " AND ?4 IS NULL ORDER BY seq LIMIT ?5";
    const char *sql = all;
    sqlite3_stmt *st = NULL;
    fse_err rc;

    if (f->patient_ref != NULL) {
        sql = by_patient;
    } else if (f->actor_ref != NULL) {
        sql = by_actor;
    } else if (f->document_id != NULL) {
        sql = by_document;
    }
    rc = fse_store__sq_prepare(c, sql, &st);
    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_bind_int64(st, 1, f->after_seq) != SQLITE_OK ||
        fse_store__sq_text(st, 2, f->patient_ref) != SQLITE_OK ||
        fse_store__sq_text(st, 3, f->actor_ref) != SQLITE_OK ||
        fse_store__sq_text(st, 4, f->document_id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 5, f->limit == 0 ? -1 : (sqlite3_int64)f->limit) != SQLITE_OK) {
        rc = fse_store__sq_fail(c, "bind");
        sqlite3_finalize(st);
        return rc;
    }
    while (rc == FSE_OK) {
        fse_store_audit_row row;
        int step = sqlite3_step(st);

        if (step == SQLITE_DONE) {
            break;
        }
        if (step != SQLITE_ROW) {
            rc = fse_store__sq_fail(c, "reading the audit log");
            break;
        }
        memset(&row, 0, sizeof(row));
        row.seq = sqlite3_column_int64(st, 0);
        row.time_ms = sqlite3_column_int64(st, 1);
        row.trace_id = fse_store__sq_col_text(st, 2);
        row.actor_ref = fse_store__sq_col_text(st, 3);
        row.role = fse_store__sq_col_text(st, 4);
        row.organisation = fse_store__sq_col_text(st, 5);
        row.purpose = fse_store__sq_col_text(st, 6);
        row.action = fse_store__sq_col_text(st, 7);
        row.patient_ref = fse_store__sq_col_text(st, 8);
        row.document_id = fse_store__sq_col_text(st, 9);
        row.outcome = sqlite3_column_int(st, 10);
        row.sealed = fse_store__sq_col_blob(st, 11, &row.sealed_len);
        row.prev_hash = fse_store__sq_col_blob(st, 12, &row.prev_hash_len);
        row.hash = fse_store__sq_col_blob(st, 13, &row.hash_len);
        row.mac = fse_store__sq_col_blob(st, 14, &row.mac_len);
        rc = fn(&row, ctx);
    }
    sqlite3_finalize(st);
    return rc;
}
