/*
 * src/bench_consult_raw.c - the floor of `fse bench consult`: the index
 * query behind a patient's document search, run straight on the node's
 * SQLite database, read-only, one connection per thread.
 *
 * Owns the only SQL of the tool: the statement fse_store_doc_list_patient
 * runs (lib/store/store_sqlite_doc.c: the same columns, the same WHERE on
 * the keyed patient reference and the status mask, the same ORDER BY
 * served by the documents_patient_time index), every column of every row
 * read as the store reads them, and the query plan shown in the report.
 * It must follow that statement when the store changes it. What the store
 * adds on top (unwrapping each document's key, opening and checking its
 * sealed record) and everything lib/consult does is what the floor leaves
 * out. Does not own the threads (bench_consult_run.c).
 */
#include "bench_consult.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "fse/util.h"
#include "tool.h"

#define RAW_SQL                                                                                    \
    "SELECT seq, doc_id, unique_id, status, version, repository_id, patient_ref, class_code,"      \
    " type_code, practice_setting_code, facility_type_code, confidentiality_code, event_codes,"    \
    " author_institution, creation_time, workflow_instance_id, replaces, replaced_by,"             \
    " created_ms, updated_ms, deleted_ms, dk_kid, dk_wrapped, meta_ct, visibility FROM documents " \
    "WHERE patient_ref = ?1 AND ((?2 >> status) & 1) = 1"                                          \
    " ORDER BY creation_time DESC, seq DESC LIMIT ?3"
#define RAW_BUSY_MS 5000

typedef struct raw_state {
    sqlite3 *db;
    sqlite3_stmt *st;
} raw_state;

static void raw_close(void *state)
{
    raw_state *r = state;

    sqlite3_finalize(r->st);
    sqlite3_close_v2(r->db);
    fse_free(r);
}

static void *raw_open(const void *ud, char *err, size_t cap)
{
    const bc_store *s = ud;
    raw_state *r = fse_calloc(1, sizeof(*r));

    if (r == NULL) {
        (void)snprintf(err, cap, "out of memory");
        return NULL;
    }
    if (sqlite3_open_v2(s->db, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_busy_timeout(r->db, RAW_BUSY_MS) != SQLITE_OK ||
        sqlite3_prepare_v3(r->db, RAW_SQL, -1, SQLITE_PREPARE_PERSISTENT, &r->st, NULL) !=
            SQLITE_OK) {
        (void)snprintf(err, cap, "sqlite: %s", r->db != NULL ? sqlite3_errmsg(r->db) : "no memory");
        raw_close(r);
        return NULL;
    }
    return r;
}

/* Read every column of the current row as the store does; its byte count. */
static size_t read_row(sqlite3_stmt *st)
{
    int n = sqlite3_column_count(st);
    size_t bytes = 0;
    int i;

    for (i = 0; i < n; i++) {
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            bytes += sqlite3_column_int64(st, i) != 0 ? 8 : 0;
            break;
        case SQLITE_TEXT:
            bytes += sqlite3_column_text(st, i) != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0;
            break;
        case SQLITE_BLOB:
            bytes += sqlite3_column_blob(st, i) != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0;
            break;
        default:
            break;
        }
    }
    return bytes;
}

static bool raw_one(void *state, const bc_query *q, bool full, uint64_t *ns_out, char *err,
                    size_t cap)
{
    raw_state *r = state;
    uint64_t t0 = tool_now_ns();
    size_t rows = 0;
    size_t bytes = 0;
    int rc;

    (void)full; /* every answer is checked: it costs a comparison */
    rc = sqlite3_bind_text(r->st, 1, q->ref, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_int64(r->st, 2,
                                (sqlite3_int64)FSE_STORE_STATUS_BIT(FSE_STORE_DOC_APPROVED));
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_int64(r->st, 3, (sqlite3_int64)FSE_STORE_MAX_PATIENT_DOCS);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(r->st);
    }
    while (rc == SQLITE_ROW) {
        bytes += read_row(r->st);
        rows++;
        rc = sqlite3_step(r->st);
    }
    (void)sqlite3_reset(r->st);
    *ns_out = tool_now_ns() - t0;
    if (rc != SQLITE_DONE) {
        (void)snprintf(err, cap, "sqlite: %s", sqlite3_errmsg(r->db));
        return false;
    }
    if (rows != q->current || bytes == 0) {
        (void)snprintf(err, cap, "patient %llu: %zu rows, expected %zu",
                       (unsigned long long)q->patient, rows, q->current);
        return false;
    }
    return true;
}

void bc_raw_ops(bc_worker_ops *ops, const bc_store *s)
{
    ops->open = raw_open;
    ops->one = raw_one;
    ops->close = raw_close;
    ops->ud = s;
}

bool bc_raw_plan(char *out, size_t cap, const bc_store *s)
{
    char err[200] = "";
    raw_state *r = raw_open(s, err, sizeof(err));
    sqlite3_stmt *st = NULL;
    size_t len = 0;

    out[0] = '\0';
    if (r == NULL) {
        return false;
    }
    if (sqlite3_prepare_v2(r->db, "EXPLAIN QUERY PLAN " RAW_SQL, -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW && len + 1 < cap) {
            const unsigned char *detail = sqlite3_column_text(st, 3);
            int n = snprintf(out + len, cap - len, "%s%s", len > 0 ? "; " : "",
                             detail != NULL ? (const char *)detail : "");

            len = n > 0 && (size_t)n < cap - len ? len + (size_t)n : cap - 1;
        }
    }
    sqlite3_finalize(st);
    raw_close(r);
    return out[0] != '\0';
}

const char *bc_raw_sql(void)
{
    return RAW_SQL;
}
