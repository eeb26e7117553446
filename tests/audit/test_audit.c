/*
 * tests/audit/test_audit.c - unit tests of lib/audit on real SQLite files:
 * append and verify; raw-SQL tampering (update, delete, reorder, insert,
 * truncated tail, a chain recomputed without the node key) detected at the
 * right record; records joining or leaving with the caller's transaction;
 * the per-patient access log; keyless verification.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "audit/audit_int.h"
#include "fse/audit.h"
#include "fse/store.h"
#include "fse/util.h"
#include "../store/store_fixture.h"

#define T0 1700000000000LL
#define N_RECORDS 10

static int setup(void **state)
{
    static fx f;

    if (fx_setup(&f, "audit") != 0) {
        return -1;
    }
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fx_teardown(*state);
    return 0;
}

/* Append record i: patients alternate, every third one refused. */
static fse_err append(fse_store *s, int i)
{
    fse_audit_event a;
    char doc[64], trace[32];

    snprintf(doc, sizeof(doc), "2.16.840.1.113883.2.9.2.80.4.4^D%d", i);
    snprintf(trace, sizeof(trace), "trace-%d", i);
    memset(&a, 0, sizeof(a));
    a.time_ms = T0 + i;
    a.trace_id = trace;
    a.actor = i % 2 == 0 ? FX_DOCTOR_CF : FX_PATIENT_CF;
    a.role = i % 2 == 0 ? "AAS" : "ASS";
    a.organisation = "080105";
    a.purpose = "TREATMENT";
    a.action = i % 4 == 0 ? "CREATE" : "READ";
    a.patient = i % 3 == 2 ? FX_OTHER_CF : FX_PATIENT_XDS;
    a.document_id = doc;
    a.outcome = i % 3 == 1 ? FSE_AUDIT_REFUSED : FSE_AUDIT_SUCCESS;
    a.reason = i % 3 == 1 ? "consenso assente" : NULL;
    return fse_audit_append(s, &a, NULL);
}

static void fill(fx *f)
{
    int i;

    for (i = 1; i <= N_RECORDS; i++) {
        assert_int_equal(append(f->s, i), FSE_OK);
    }
}

static void expect(fx *f, fse_audit_defect defect, int64_t first_bad)
{
    fse_audit_report r;

    assert_int_equal(fse_audit_verify(&r, f->s), FSE_OK);
    if (r.defect != defect || r.first_bad_seq != first_bad) {
        fail_msg("expected defect %d at %lld, got %d at %lld (%s)", (int)defect,
                 (long long)first_bad, (int)r.defect, (long long)r.first_bad_seq, r.detail);
    }
    assert_int_equal(r.intact, defect == FSE_AUDIT_INTACT);
}

/* A raw connection without the append-only guards, as an attacker has. */
static sqlite3 *attacker(const fx *f)
{
    sqlite3 *db = fx_raw(f);

    assert_non_null(db);
    assert_int_equal(fx_exec(db, "DROP TRIGGER IF EXISTS audit_log_no_update;"
                                 "DROP TRIGGER IF EXISTS audit_log_no_delete;"),
                     SQLITE_OK);
    return db;
}

/* ------------------------------------------------------------------------ */

static void append_and_verify(void **state)
{
    fx *f = *state;
    fse_audit_report r;
    fse_audit_event bad;
    int64_t seq = 0;
    uint8_t hash[32];
    sqlite3 *db;

    expect(f, FSE_AUDIT_INTACT, 0); /* empty log */
    fill(f);
    assert_int_equal(fse_audit_verify(&r, f->s), FSE_OK);
    assert_true(r.intact);
    assert_true(r.macs_checked);
    assert_int_equal(r.n_records, N_RECORDS);
    assert_int_equal(r.last_seq, N_RECORDS);
    assert_int_equal(fse_audit_head(&seq, hash, f->s), FSE_OK);
    assert_int_equal(seq, N_RECORDS);

    memset(&bad, 0, sizeof(bad));
    bad.time_ms = T0;
    assert_int_equal(fse_audit_append(f->s, &bad, NULL), FSE_E_ARG); /* no action */
    bad.action = "READ";
    bad.outcome = (fse_audit_outcome)7;
    assert_int_equal(fse_audit_append(f->s, &bad, NULL), FSE_E_ARG);

    /* The database refuses changes from application code. */
    db = fx_raw(f);
    assert_int_equal(fx_exec(db, "UPDATE audit_log SET purpose = 'X' WHERE seq = 1"),
                     SQLITE_CONSTRAINT);
    assert_int_equal(fx_exec(db, "DELETE FROM audit_log WHERE seq = 1"), SQLITE_CONSTRAINT);
    sqlite3_close(db);
    expect(f, FSE_AUDIT_INTACT, 0);
}

static void detects_changed_record(void **state)
{
    fx *f = *state;
    sqlite3 *db;

    fill(f);
    db = attacker(f);
    assert_int_equal(fx_exec(db, "UPDATE audit_log SET purpose = 'EMERGENCY' WHERE seq = 4"),
                     SQLITE_OK);
    sqlite3_close(db);
    expect(f, FSE_AUDIT_CHANGED, 4);

    db = attacker(f);
    assert_int_equal(fx_exec(db, "UPDATE audit_log SET purpose = 'TREATMENT' WHERE seq = 4;"
                                 "UPDATE audit_log SET outcome = 0 WHERE seq = 7"),
                     SQLITE_OK);
    sqlite3_close(db);
    expect(f, FSE_AUDIT_CHANGED, 7);
    db = attacker(f);
    assert_int_equal(fx_exec(db, "UPDATE audit_log SET outcome = 1 WHERE seq = 7"), SQLITE_OK);
    assert_int_equal(fx_flip_blob(db, "audit_log", "sealed", "seq = 2", 20), SQLITE_OK);
    sqlite3_close(db);
    expect(f, FSE_AUDIT_CHANGED, 2);
}

static void detects_removed_record(void **state)
{
    fx *f = *state;
    sqlite3 *db;

    fill(f);
    db = attacker(f);
    assert_int_equal(fx_exec(db, "DELETE FROM audit_log WHERE seq = 5"), SQLITE_OK);
    sqlite3_close(db);
    expect(f, FSE_AUDIT_GAP, 5);
    /* Renumbered to hide the gap: the link breaks instead. */
    db = attacker(f);
    assert_int_equal(fx_exec(db, "UPDATE audit_log SET seq = -(seq - 1) WHERE seq > 5;"
                                 "UPDATE audit_log SET seq = -seq WHERE seq < 0;"
                                 "UPDATE audit_head SET seq = 9"),
                     SQLITE_OK);
    sqlite3_close(db);
    expect(f, FSE_AUDIT_BROKEN_LINK, 5);
}

static void detects_reordered_records(void **state)
{
    fx *f = *state;
    sqlite3 *db;

    fill(f);
    db = attacker(f);
    assert_int_equal(fx_exec(db, "UPDATE audit_log SET seq = -3 WHERE seq = 3;"
                                 "UPDATE audit_log SET seq = 3 WHERE seq = 6;"
                                 "UPDATE audit_log SET seq = 6 WHERE seq = -3;"),
                     SQLITE_OK);
    sqlite3_close(db);
    expect(f, FSE_AUDIT_BROKEN_LINK, 3);
}

/* Rows as an attacker reads them, with owned copies of every field. */
typedef struct raw_row {
    fse_store_audit_row r;
    char *text[8];
    uint8_t *blob[4];
} raw_row;

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t != NULL ? strdup((const char *)t) : NULL;
}

static uint8_t *col_blob(sqlite3_stmt *st, int i, size_t *len)
{
    uint8_t *p;

    *len = (size_t)sqlite3_column_bytes(st, i);
    if (sqlite3_column_type(st, i) == SQLITE_NULL) {
        return NULL;
    }
    p = malloc(*len + 1);
    memcpy(p, sqlite3_column_blob(st, i), *len);
    return p;
}

static size_t load_rows(sqlite3 *db, raw_row *rows, size_t cap)
{
    sqlite3_stmt *st = NULL;
    size_t n = 0;

    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT seq, time_ms, trace_id, actor_ref, role,"
                                        " organisation, purpose, action, patient_ref,"
                                        " document_id, outcome, sealed, prev_hash, hash, mac"
                                        " FROM audit_log ORDER BY seq",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (n < cap && sqlite3_step(st) == SQLITE_ROW) {
        raw_row *x = &rows[n++];
        int i;

        memset(x, 0, sizeof(*x));
        x->r.seq = sqlite3_column_int64(st, 0);
        x->r.time_ms = sqlite3_column_int64(st, 1);
        for (i = 0; i < 8; i++) {
            x->text[i] = col_text(st, 2 + i);
        }
        x->r.trace_id = x->text[0];
        x->r.actor_ref = x->text[1];
        x->r.role = x->text[2];
        x->r.organisation = x->text[3];
        x->r.purpose = x->text[4];
        x->r.action = x->text[5];
        x->r.patient_ref = x->text[6];
        x->r.document_id = x->text[7];
        x->r.outcome = sqlite3_column_int(st, 10);
        x->blob[0] = col_blob(st, 11, &x->r.sealed_len);
        x->blob[1] = col_blob(st, 12, &x->r.prev_hash_len);
        x->blob[2] = col_blob(st, 13, &x->r.hash_len);
        x->blob[3] = col_blob(st, 14, &x->r.mac_len);
        x->r.sealed = x->blob[0];
        x->r.prev_hash = x->blob[1];
        x->r.hash = x->blob[2];
        x->r.mac = x->blob[3];
    }
    sqlite3_finalize(st);
    return n;
}

static void free_rows(raw_row *rows, size_t n)
{
    size_t i;
    int j;

    for (i = 0; i < n; i++) {
        for (j = 0; j < 8; j++) {
            free(rows[i].text[j]);
        }
        for (j = 0; j < 4; j++) {
            free(rows[i].blob[j]);
        }
    }
}

/* Write a forged row (fields of x->r) with a correct SHA-256 link. */
static void write_row(sqlite3 *db, const char *verb, const fse_store_audit_row *r,
                      const uint8_t *mac)
{
    char sql[512];
    sqlite3_stmt *st = NULL;

    snprintf(sql, sizeof(sql),
             "%s INTO audit_log(seq, time_ms, trace_id, actor_ref, role, organisation, purpose,"
             " action, patient_ref, document_id, outcome, sealed, prev_hash, hash, mac)"
             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
             verb);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, r->seq);
    sqlite3_bind_int64(st, 2, r->time_ms);
    sqlite3_bind_text(st, 3, r->trace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->actor_ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, r->organisation, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, r->purpose, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, r->patient_ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, r->document_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 11, r->outcome);
    sqlite3_bind_blob(st, 12, r->sealed, (int)r->sealed_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 13, r->prev_hash, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 14, r->hash, 32, SQLITE_STATIC);
    if (mac != NULL) {
        sqlite3_bind_blob(st, 15, mac, 32, SQLITE_STATIC);
    }
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

static void detects_inserted_record(void **state)
{
    fx *f = *state;
    raw_row rows[N_RECORDS];
    uint8_t hash[32];
    fse_store_audit_row forged;
    sqlite3 *db;
    size_t n;

    fill(f);
    db = attacker(f);
    n = load_rows(db, rows, N_RECORDS);
    assert_int_equal(n, N_RECORDS);
    /* A record slipped in after 5 with a correct hash link; the later ones
     * are renumbered to make room. */
    assert_int_equal(fx_exec(db, "UPDATE audit_log SET seq = -(seq + 1) WHERE seq > 5;"
                                 "UPDATE audit_log SET seq = -seq WHERE seq < 0;"
                                 "UPDATE audit_head SET seq = seq + 1"),
                     SQLITE_OK);
    forged = rows[4].r;
    forged.seq = 6;
    forged.purpose = "EMERGENCY";
    forged.prev_hash = rows[4].r.hash;
    assert_int_equal(fse_audit__hash(hash, &forged), FSE_OK);
    forged.hash = hash;
    write_row(db, "INSERT", &forged, rows[4].r.mac);
    sqlite3_close(db);
    expect(f, FSE_AUDIT_BAD_MAC, 6);
    free_rows(rows, n);
}

static void detects_appended_and_truncated(void **state)
{
    fx *f = *state;
    raw_row rows[N_RECORDS];
    uint8_t hash[32];
    fse_store_audit_row forged;
    sqlite3 *db;
    size_t n;

    fill(f);
    db = attacker(f);
    n = load_rows(db, rows, N_RECORDS);
    /* Appended at the end with a valid link and the last record's MAC. */
    forged = rows[N_RECORDS - 1].r;
    forged.seq = N_RECORDS + 1;
    forged.prev_hash = rows[N_RECORDS - 1].r.hash;
    assert_int_equal(fse_audit__hash(hash, &forged), FSE_OK);
    forged.hash = hash;
    write_row(db, "INSERT", &forged, rows[N_RECORDS - 1].r.mac);
    sqlite3_close(db);
    expect(f, FSE_AUDIT_BAD_MAC, N_RECORDS + 1);

    /* Tail cut: the last three records removed (the forged one included). */
    db = attacker(f);
    assert_int_equal(fx_exec(db, "DELETE FROM audit_log WHERE seq > 8"), SQLITE_OK);
    sqlite3_close(db);
    expect(f, FSE_AUDIT_HEAD, 9);
    /* ... and the head moved back with the hash of record 8: its MAC fails. */
    db = attacker(f);
    assert_int_equal(fx_exec(db, "UPDATE audit_head SET seq = 8, hash = (SELECT hash FROM"
                                 " audit_log WHERE seq = 8)"),
                     SQLITE_OK);
    sqlite3_close(db);
    expect(f, FSE_AUDIT_HEAD, 8);
    free_rows(rows, n);
}

static void detects_recomputed_chain(void **state)
{
    fx *f = *state;
    raw_row rows[N_RECORDS];
    uint8_t hashes[N_RECORDS][32];
    fse_audit_report r;
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    size_t n, i;

    fill(f);
    db = attacker(f);
    n = load_rows(db, rows, N_RECORDS);
    /* Record 4 rewritten and every later hash recomputed, head included:
     * consistent for anyone without the node key. */
    rows[3].r.purpose = "EMERGENCY";
    for (i = 3; i < n; i++) {
        rows[i].r.prev_hash = i == 3 ? rows[2].r.hash : hashes[i - 1];
        assert_int_equal(fse_audit__hash(hashes[i], &rows[i].r), FSE_OK);
        rows[i].r.hash = hashes[i];
        write_row(db, "REPLACE", &rows[i].r, rows[i].r.mac);
    }
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE audit_head SET hash = ?1", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_blob(st, 1, hashes[n - 1], 32, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);

    expect(f, FSE_AUDIT_BAD_MAC, 4);
    /* Without the key only the hashes can be checked, and they agree. */
    assert_int_equal(fx_reopen(f, NULL), FSE_OK);
    assert_int_equal(fse_audit_verify(&r, f->s), FSE_OK);
    assert_true(r.intact);
    assert_false(r.macs_checked);
    assert_int_equal(
        fse_audit_append(f->s, &(fse_audit_event){.time_ms = T0, .action = "READ"}, NULL),
        FSE_E_CRYPTO);
    free_rows(rows, n);
}

static void joins_the_callers_transaction(void **state)
{
    fx *f = *state;
    fse_audit_report r;
    int64_t seq = 0;
    uint8_t hash[32];

    fill(f);
    assert_int_equal(fse_store_tx_begin(f->s), FSE_OK);
    assert_int_equal(append(f->s, 11), FSE_OK);
    assert_int_equal(append(f->s, 12), FSE_OK);
    assert_int_equal(fse_audit_verify(&r, f->s), FSE_OK); /* inside: sees its own records */
    assert_int_equal(r.n_records, 12);
    assert_true(r.intact);
    assert_int_equal(fse_store_tx_rollback(f->s), FSE_OK);
    assert_int_equal(fse_audit_head(&seq, hash, f->s), FSE_OK);
    assert_int_equal(seq, N_RECORDS);
    expect(f, FSE_AUDIT_INTACT, 0);
    assert_int_equal(fse_store_tx_begin(f->s), FSE_OK);
    assert_int_equal(append(f->s, 11), FSE_OK);
    assert_int_equal(fse_store_tx_commit(f->s), FSE_OK);
    assert_int_equal(fse_audit_head(&seq, hash, f->s), FSE_OK);
    assert_int_equal(seq, N_RECORDS + 1);
    expect(f, FSE_AUDIT_INTACT, 0);
}

static void access_log_of_a_patient(void **state)
{
    fx *f = *state;
    fse_audit_list *l = NULL;
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    size_t i, total = 0;
    int64_t after = 0;

    fill(f);
    /* Records 2, 5, 8 are about the other patient. */
    assert_int_equal(fse_audit_query_patient(&l, f->s, FX_PATIENT_CF, 0, 0), FSE_OK);
    assert_int_equal(l->n_entries, 7);
    assert_int_equal(l->next_after_seq, 0);
    assert_int_equal(l->entries[0].seq, 1);
    assert_string_equal(l->entries[0].actor, FX_PATIENT_CF);
    assert_string_equal(l->entries[0].role, "ASS");
    assert_string_equal(l->entries[0].action, "READ");
    assert_string_equal(l->entries[0].reason, "consenso assente");
    assert_int_equal(l->entries[0].outcome, FSE_AUDIT_REFUSED);
    assert_int_equal(l->entries[3].seq, 6);
    assert_string_equal(l->entries[3].actor, FX_DOCTOR_CF);
    assert_null(l->entries[3].reason);
    assert_int_equal(l->entries[3].outcome, FSE_AUDIT_SUCCESS);
    assert_string_equal(l->entries[3].document_id, "2.16.840.1.113883.2.9.2.80.4.4^D6");
    fse_audit_list_free(l);
    do {
        assert_int_equal(fse_audit_query_patient(&l, f->s,
                                                 FX_OTHER_CF "^^^&2.16.840.1.113883"
                                                             ".2.9.4.3.2&ISO",
                                                 after, 2),
                         FSE_OK);
        for (i = 0; i < l->n_entries; i++) {
            assert_int_equal(l->entries[i].seq % 3, 2);
        }
        total += l->n_entries;
        after = l->next_after_seq;
        fse_audit_list_free(l);
    } while (after != 0);
    assert_int_equal(total, 3);
    assert_int_equal(fse_audit_query_patient(&l, f->s, FX_PATIENT_CF, 0, 5000), FSE_E_LIMIT);

    /* Only keyed references in the table: no CF in any column. */
    db = fx_raw(f);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM audit_log WHERE instr(coalesce("
                                        "trace_id,'') || coalesce(actor_ref,'') || coalesce("
                                        "patient_ref,'') || coalesce(document_id,''), ?1) > 0"
                                        " OR instr(sealed, CAST(?1 AS BLOB)) > 0",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, FX_PATIENT_CF, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    /* A changed record is not shown as if it were genuine. */
    assert_int_equal(fx_exec(db, "DROP TRIGGER IF EXISTS audit_log_no_update;"
                                 "UPDATE audit_log SET role = 'APR' WHERE seq = 4"),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(fse_audit_query_patient(&l, f->s, FX_PATIENT_CF, 0, 0), FSE_E_CRYPTO);
    assert_null(l);
}

/* Each allocation of an append failing in turn leaves the chain intact. */
static void allocation_failures_keep_the_chain(void **state)
{
    fx *f = *state;
    unsigned long n;
    fse_err rc = FSE_E_NOMEM;

    fill(f);
    for (n = 1; rc != FSE_OK; n++) {
        fse_alloc_fail_at(n);
        rc = append(f->s, 11);
        fse_alloc_fail_at(0);
        assert_true(rc == FSE_OK || rc == FSE_E_NOMEM);
        if (rc == FSE_E_NOMEM) {
            expect(f, FSE_AUDIT_INTACT, 0);
        }
    }
    assert_true(n > 2);
    expect(f, FSE_AUDIT_INTACT, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(append_and_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(detects_changed_record, setup, teardown),
        cmocka_unit_test_setup_teardown(detects_removed_record, setup, teardown),
        cmocka_unit_test_setup_teardown(detects_reordered_records, setup, teardown),
        cmocka_unit_test_setup_teardown(detects_inserted_record, setup, teardown),
        cmocka_unit_test_setup_teardown(detects_appended_and_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(detects_recomputed_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(joins_the_callers_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(access_log_of_a_patient, setup, teardown),
        cmocka_unit_test_setup_teardown(allocation_failures_keep_the_chain, setup, teardown),
    };

    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
