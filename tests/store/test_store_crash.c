/*
 * tests/store/test_store_crash.c - crash safety: a child process publishes
 * in a loop (consume a validation link, store the document, append a status
 * event, enqueue the outbox job and the audit record, all in one
 * transaction) and reports each id on a pipe once commit has returned; it
 * also runs the outbox worker now and then. The parent SIGKILLs it at
 * pseudo-random moments (fixed seed), several rounds, then reopens the
 * store and checks: every acknowledged document is readable and intact,
 * every committed transaction is whole (one document, event, job, audit
 * record and used link each), the audit chain verifies, and the outbox
 * drains to done.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fse/audit.h"
#include "fse/store.h"
#include "fse/util.h"
#include "store_fixture.h"
#include "test_store.h"

#define ROUNDS 12
#define IDS_PER_ROUND 100000
#define MAX_REPORTED 200000
/* A job left leased by a killed worker is retried after this. */
#define LEASE_MS 60000

/* xorshift64*: the kill schedule is the same on every run. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static void uid_of(char *out, size_t cap, int id)
{
    snprintf(out, cap, "2.16.840.1.113883.2.9.2.80.4.4^CRASH%d", id);
}

static fse_err job_ok(const fse_store_job *job, void *ctx)
{
    (void)job;
    (void)ctx;
    return FSE_OK;
}

/* One publication transaction for document id. */
static fse_err publish(fse_store *s, int id)
{
    char uid[96], link[64], wii[64], pdf[512], cda[1024];
    fse_store_doc_meta m;
    fse_store_event ev;
    fse_audit_event a;
    fse_store_link_result r;
    int64_t now = fse_store_now_ms();
    size_t pdf_len, cda_len;
    fse_err rc;

    uid_of(uid, sizeof(uid), id);
    snprintf(link, sizeof(link), "link-%d=", id);
    snprintf(wii, sizeof(wii), "wii-%d", id);
    pdf_len = fx_pdf(pdf, sizeof(pdf), uid);
    cda_len = fx_cda(cda, sizeof(cda), uid, FX_PATIENT_CF);
    rc = fse_store_link_put(s, link, wii, now); /* the validation, earlier */
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_store_tx_begin(s);
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_store_link_consume(&r, NULL, s, link, wii, now);
    if (rc == FSE_OK && r != FSE_STORE_LINK_OK) {
        rc = FSE_E_CONFLICT;
    }
    if (rc == FSE_OK) {
        fx_meta(&m, uid, FX_PATIENT_XDS);
        m.workflow_instance_id = wii;
        rc = fse_store_doc_put(s, &m, (const uint8_t *)pdf, pdf_len, (const uint8_t *)cda, cda_len,
                               now, NULL);
    }
    if (rc == FSE_OK) {
        memset(&ev, 0, sizeof(ev));
        ev.trace_id = link;
        ev.workflow_instance_id = wii;
        ev.event_type = "PUBLICATION";
        ev.event_status = "SUCCESS";
        ev.identificativo_documento = uid;
        ev.event_date_ms = now;
        rc = fse_store_event_append(s, &ev, NULL);
    }
    if (rc == FSE_OK) {
        rc = fse_store_outbox_enqueue(NULL, NULL, s, "ini.register", uid, (const uint8_t *)uid,
                                      strlen(uid), now, now);
    }
    if (rc == FSE_OK) {
        memset(&a, 0, sizeof(a));
        a.time_ms = now;
        a.trace_id = link;
        a.actor = FX_DOCTOR_CF;
        a.role = "AAS";
        a.organisation = "080105";
        a.purpose = "TREATMENT";
        a.action = "CREATE";
        a.patient = FX_PATIENT_XDS;
        a.document_id = uid;
        rc = fse_audit_append(s, &a, NULL);
    }
    if (rc == FSE_OK) {
        return fse_store_tx_commit(s);
    }
    fse_store_tx_rollback(s);
    return rc;
}

static void child(const fx *f, int round, int fd)
{
    fse_store_opts o = fx_opts(f, f->key);
    fse_store *s = NULL;
    int i;

    if (fse_store_open(&s, &o) != FSE_OK) {
        _exit(2);
    }
    for (i = 0; i < IDS_PER_ROUND; i++) {
        int id = round * IDS_PER_ROUND + i;
        bool ran = false;

        if (publish(s, id) != FSE_OK) {
            _exit(3);
        }
        /* Acknowledge only after the commit returned. */
        if (write(fd, &id, sizeof(id)) != (ssize_t)sizeof(id)) {
            _exit(4);
        }
        if (i % 3 == 2 && fse_store_outbox_run_once(&ran, s, "crash-worker", job_ok, NULL,
                                                    fse_store_now_ms(), LEASE_MS) != FSE_OK) {
            _exit(5);
        }
    }
    _exit(0);
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read whole ids from fd into ids; keeps a partial id in carry. */
static void take_ids(int fd, int *ids, size_t *n, unsigned char *carry, size_t *n_carry)
{
    unsigned char buf[4096];
    ssize_t got = read(fd, buf, sizeof(buf));
    ssize_t k;

    for (k = 0; k < got; k++) {
        carry[(*n_carry)++] = buf[k];
        if (*n_carry == sizeof(int)) {
            if (*n < MAX_REPORTED) {
                memcpy(&ids[(*n)++], carry, sizeof(int));
            }
            *n_carry = 0;
        }
    }
}

static int64_t count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t n = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

static void check_survivors(fx *f, const int *ids, size_t n_ids)
{
    fse_audit_report rep;
    sqlite3 *db;
    int64_t n_docs;
    size_t i, n = 0;
    bool ran = true;
    int64_t later = fse_store_now_ms() + 2 * LEASE_MS;

    assert_int_equal(fx_reopen(f, f->key), FSE_OK);
    for (i = 0; i < n_ids; i++) {
        char uid[96], want[1024];
        fse_store_doc_meta *m = NULL;
        uint8_t *data = NULL;
        size_t len = 0, want_len;

        uid_of(uid, sizeof(uid), ids[i]);
        assert_int_equal(fse_store_doc_get(&m, f->s, uid), FSE_OK);
        assert_int_equal(m->status, FSE_STORE_DOC_APPROVED);
        fse_store_doc_meta_free(m);
        assert_int_equal(fse_store_doc_read(&data, &len, f->s, uid, FSE_STORE_BLOB_CDA), FSE_OK);
        want_len = fx_cda(want, sizeof(want), uid, FX_PATIENT_CF);
        assert_int_equal(len, want_len);
        assert_memory_equal(data, want, len);
        fse_free(data);
        assert_int_equal(fse_store_doc_read(&data, &len, f->s, uid, FSE_STORE_BLOB_PDF), FSE_OK);
        fse_free(data);
    }

    /* Nothing half-visible: each transaction left all of its rows or none. */
    db = fx_raw(f);
    assert_non_null(db);
    n_docs = count(db, "SELECT count(*) FROM documents");
    assert_true(n_docs >= (int64_t)n_ids);
    assert_true(n_docs <= (int64_t)n_ids + ROUNDS); /* at most one unacknowledged per kill */
    assert_int_equal(count(db, "SELECT count(*) FROM document_blobs"), 2 * n_docs);
    assert_int_equal(count(db, "SELECT count(*) FROM status_events"), n_docs);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox"), n_docs);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), n_docs);
    assert_int_equal(count(db, "SELECT count(*) FROM validation_links WHERE used_ms IS NOT NULL"),
                     n_docs);
    sqlite3_close(db);

    assert_int_equal(fse_audit_verify(&rep, f->s), FSE_OK);
    if (!rep.intact) {
        fail_msg("audit chain broken: %s", rep.detail);
    }
    assert_int_equal(rep.n_records, n_docs);

    /* The outbox drains, leases of killed workers included. */
    while (ran) {
        assert_int_equal(
            fse_store_outbox_run_once(&ran, f->s, "checker", job_ok, NULL, later, LEASE_MS),
            FSE_OK);
    }
    assert_int_equal(fse_store_outbox_count(&n, f->s, FSE_STORE_JOB_DONE), FSE_OK);
    assert_int_equal(n, (size_t)n_docs);
    assert_int_equal(fse_store_outbox_count(&n, f->s, FSE_STORE_JOB_DEAD), FSE_OK);
    assert_int_equal(n, 0);
}

static void crash_safety(void **state)
{
    static int ids[MAX_REPORTED];
    fx f;
    size_t n_ids = 0;
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    int round;

    (void)state;
    assert_int_equal(fx_setup(&f, "crash"), 0);
    fse_store_free(f.s); /* schema and keys exist; the children write */
    f.s = NULL;
    for (round = 0; round < ROUNDS; round++) {
        unsigned char carry[sizeof(int)];
        size_t n_carry = 0;
        int64_t deadline = mono_ms() + 40 + (int64_t)(next_random(&rng) % 400);
        int p[2];
        int status = 0;
        pid_t pid;

        assert_int_equal(pipe(p), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            child(&f, round, p[1]);
        }
        close(p[1]);
        while (mono_ms() < deadline) {
            struct pollfd pfd = {p[0], POLLIN, 0};
            int left = (int)(deadline - mono_ms());

            if (poll(&pfd, 1, left > 0 ? left : 0) > 0) {
                take_ids(p[0], ids, &n_ids, carry, &n_carry);
            }
        }
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status)) {
            fail_msg("round %d: the writer exited by itself (status %d)", round,
                     WEXITSTATUS(status));
        }
        /* Ids written before the kill are still in the pipe. */
        for (;;) {
            struct pollfd pfd = {p[0], POLLIN, 0};
            size_t before = n_ids;
            size_t carry_before = n_carry;

            if (poll(&pfd, 1, 0) <= 0 || (pfd.revents & POLLIN) == 0) {
                break;
            }
            take_ids(p[0], ids, &n_ids, carry, &n_carry);
            if (before == n_ids && carry_before == n_carry) {
                break;
            }
        }
        close(p[0]);
    }
    assert_true(n_ids > ROUNDS); /* the children did get work done */
    check_survivors(&f, ids, n_ids);
    print_message("crash: %d kills, %zu acknowledged publications verified\n", ROUNDS, n_ids);
    fx_teardown(&f);
}

int test_store_crash_run(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crash_safety),
    };

    return cmocka_run_group_tests_name("store_crash", tests, NULL, NULL);
}
