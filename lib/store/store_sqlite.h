/*
 * lib/store/store_sqlite.h - private to the SQLite backend files
 * (store_sqlite*.c): the connection layout and the statement helpers.
 *
 * Owns nothing but these declarations; the schema and pragmas live in
 * store_sqlite.c, the row statements in store_sqlite_doc.c,
 * store_sqlite_queue.c, store_sqlite_privacy.c and store_sqlite_audit.c.
 * Nothing outside the backend includes it.
 */
#ifndef FSE_STORE_SQLITE_H
#define FSE_STORE_SQLITE_H

#include <sqlite3.h>

#include "store_int.h"

struct store_conn {
    sqlite3 *db;
};

/* Record the last SQLite failure of c as an fse error: FSE_E_CONFLICT for a
 * uniqueness violation, FSE_E_DB otherwise. what names the operation. */
fse_err fse_store__sq_fail(store_conn *c, const char *what);

/* A bind failed: record it, finalize st, return the code. */
fse_err fse_store__sq_bind_fail(store_conn *c, sqlite3_stmt *st);

/* Prepare sql (static text, parameters bound later). */
fse_err fse_store__sq_prepare(store_conn *c, const char *sql, sqlite3_stmt **st);

/* Bind helpers: NULL strings and blobs bind SQL NULL; 0 times bind NULL
 * where the column is optional (bind_opt_i64). Return SQLite codes. */
int fse_store__sq_text(sqlite3_stmt *st, int idx, const char *s);
int fse_store__sq_blob(sqlite3_stmt *st, int idx, const uint8_t *p, size_t n);
int fse_store__sq_opt_i64(sqlite3_stmt *st, int idx, int64_t v);

/* Column readers: NULL for SQL NULL. */
const char *fse_store__sq_col_text(sqlite3_stmt *st, int col);
const uint8_t *fse_store__sq_col_blob(sqlite3_stmt *st, int col, size_t *len);

/* Step a statement expected to finish (no rows), then finalize it. */
fse_err fse_store__sq_run(store_conn *c, sqlite3_stmt *st, const char *what);

/* Row operations of the function table (store_sqlite_doc.c,
 * store_sqlite_queue.c, store_sqlite_privacy.c, store_sqlite_audit.c);
 * semantics in store_int.h. */
fse_err fse_store__sq_doc_insert(store_conn *c, const store_doc_row *row);
fse_err fse_store__sq_doc_update(store_conn *c, const store_doc_row *row);
fse_err fse_store__sq_doc_get(store_conn *c, const char *unique_id, store_doc_fn fn, void *ctx);
fse_err fse_store__sq_doc_search(store_conn *c, const store_doc_filter *f, store_doc_fn fn,
                                 void *ctx);
fse_err fse_store__sq_doc_list_patient(store_conn *c, const char *patient_ref, unsigned statuses,
                                       size_t limit, store_doc_fn fn, void *ctx);
fse_err fse_store__sq_doc_tombstone(store_conn *c, const char *doc_id, int64_t now_ms);
fse_err fse_store__sq_doc_keys(store_conn *c, const char *kid, size_t limit, store_doc_fn fn,
                               void *ctx);
fse_err fse_store__sq_doc_key_set(store_conn *c, const char *doc_id, const char *kid,
                                  const uint8_t *wrapped, size_t len);
fse_err fse_store__sq_doc_key_count_other(store_conn *c, const char *kid, int64_t *n_out);
fse_err fse_store__sq_blob_put(store_conn *c, const char *doc_id, int kind, const uint8_t *ct,
                               size_t len);
fse_err fse_store__sq_blob_get(store_conn *c, const char *doc_id, int kind, store_blob_fn fn,
                               void *ctx);

fse_err fse_store__sq_link_put(store_conn *c, const char *hash, const char *wii, int64_t now_ms);
fse_err fse_store__sq_link_get(store_conn *c, const char *hash, store_link_row *out);
fse_err fse_store__sq_link_use(store_conn *c, const char *hash, int64_t now_ms);
fse_err fse_store__sq_link_purge(store_conn *c, int64_t created_before_ms, int64_t *n_out);
fse_err fse_store__sq_event_insert(store_conn *c, const store_event_row *row, int64_t *id_out);
fse_err fse_store__sq_event_query(store_conn *c, int key, const char *value, size_t limit,
                                  store_event_fn fn, void *ctx);
fse_err fse_store__sq_event_purge(store_conn *c, int64_t now_ms, int64_t *n_out);
fse_err fse_store__sq_job_insert(store_conn *c, const store_job_row *row, int64_t *id_out,
                                 bool *created_out);
fse_err fse_store__sq_job_claim(store_conn *c, const char *worker, int64_t now_ms, int64_t lease_ms,
                                store_job_fn fn, void *ctx);
fse_err fse_store__sq_job_settle(store_conn *c, int64_t id, unsigned attempt, int state,
                                 int64_t not_before_ms, const uint8_t *error, size_t error_len,
                                 int64_t now_ms);
fse_err fse_store__sq_job_get(store_conn *c, int64_t id, store_job_fn fn, void *ctx);
fse_err fse_store__sq_job_retry(store_conn *c, int64_t id, int64_t now_ms);
fse_err fse_store__sq_job_count(store_conn *c, int state, int64_t *n_out);

fse_err fse_store__sq_patient_put(store_conn *c, const store_patient_row *row);
fse_err fse_store__sq_patient_get(store_conn *c, const char *patient_ref, store_patient_fn fn,
                                  void *ctx);
fse_err fse_store__sq_consent_insert(store_conn *c, const store_consent_row *row, int64_t *id_out);
fse_err fse_store__sq_consent_count(store_conn *c, const char *patient_ref, int64_t *n_out);
fse_err fse_store__sq_consent_list(store_conn *c, const char *patient_ref, size_t limit,
                                   store_consent_fn fn, void *ctx);
fse_err fse_store__sq_relation_insert(store_conn *c, const store_relation_row *row,
                                      int64_t *id_out);
fse_err fse_store__sq_relation_update(store_conn *c, const store_relation_row *row);
fse_err fse_store__sq_relation_list(store_conn *c, const store_relation_filter *f,
                                    store_relation_fn fn, void *ctx);
fse_err fse_store__sq_notification_insert(store_conn *c, const store_notification_row *row,
                                          int64_t *id_out);
fse_err fse_store__sq_notification_list(store_conn *c, const char *patient_ref, int64_t before_id,
                                        size_t limit, store_notification_fn fn, void *ctx);

fse_err fse_store__sq_audit_head(store_conn *c, fse_store_audit_head *out);
fse_err fse_store__sq_audit_insert(store_conn *c, const fse_store_audit_row *row);
fse_err fse_store__sq_audit_scan(store_conn *c, const fse_store_audit_filter *f,
                                 fse_store_audit_row_fn fn, void *ctx);

#endif /* FSE_STORE_SQLITE_H */
