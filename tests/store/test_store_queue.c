/*
 * tests/store/test_store_queue.c - store tests of validation links (single
 * use, 5-day expiry, workflow match, rollback), status events (order,
 * sealed fields, retention), the outbox (idempotency, leases and their
 * expiry, back-off, dead letter, tampered payloads) and transactions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fse/store.h"
#include "fse/util.h"
#include "store_fixture.h"
#include "test_store.h"

void validation_links(void **state)
{
    fx *f = *state;
    fse_store_link_result r;
    char *wii = NULL;
    const int64_t ttl = FSE_STORE_LINK_TTL_MS;
    size_t n = 0;

    assert_int_equal(fse_store_link_put(f->s, "hashA=", "wiiA", T0), FSE_OK);
    assert_int_equal(fse_store_link_consume(&r, &wii, f->s, "hashA=", NULL, T0 + 1000), FSE_OK);
    assert_int_equal(r, FSE_STORE_LINK_OK);
    assert_string_equal(wii, "wiiA");
    fse_free(wii);
    assert_int_equal(fse_store_link_consume(&r, NULL, f->s, "hashA=", NULL, T0 + 2000), FSE_OK);
    assert_int_equal(r, FSE_STORE_LINK_USED);
    /* Validated again: usable again. */
    assert_int_equal(fse_store_link_put(f->s, "hashA=", "wiiA2", T0 + 3000), FSE_OK);
    assert_int_equal(fse_store_link_consume(&r, NULL, f->s, "hashA=", "wiiA", T0 + 4000), FSE_OK);
    assert_int_equal(r, FSE_STORE_LINK_NOT_FOUND); /* other workflow */
    assert_int_equal(fse_store_link_consume(&r, NULL, f->s, "hashA=", "wiiA2", T0 + 4000), FSE_OK);
    assert_int_equal(r, FSE_STORE_LINK_OK);

    /* Expiry: exactly 5 days is still valid, one ms more is not. */
    assert_int_equal(fse_store_link_put(f->s, "hashB=", "wiiB", T0), FSE_OK);
    assert_int_equal(fse_store_link_put(f->s, "hashC=", "wiiC", T0), FSE_OK);
    assert_int_equal(fse_store_link_consume(&r, NULL, f->s, "hashB=", NULL, T0 + ttl + 1), FSE_OK);
    assert_int_equal(r, FSE_STORE_LINK_EXPIRED);
    assert_int_equal(fse_store_link_consume(&r, NULL, f->s, "hashC=", NULL, T0 + ttl), FSE_OK);
    assert_int_equal(r, FSE_STORE_LINK_OK);
    assert_int_equal(fse_store_link_consume(&r, NULL, f->s, "hashZ=", NULL, T0), FSE_OK);
    assert_int_equal(r, FSE_STORE_LINK_NOT_FOUND);
    assert_int_equal(fse_store_link_consume(&r, NULL, f->s, "", NULL, T0), FSE_E_ARG);

    /* Consumed inside a transaction that rolls back: still usable. */
    assert_int_equal(fse_store_link_put(f->s, "hashD=", "wiiD", T0), FSE_OK);
    assert_int_equal(fse_store_tx_begin(f->s), FSE_OK);
    assert_int_equal(fse_store_link_consume(&r, NULL, f->s, "hashD=", NULL, T0 + 1), FSE_OK);
    assert_int_equal(r, FSE_STORE_LINK_OK);
    assert_int_equal(fse_store_tx_rollback(f->s), FSE_OK);
    assert_int_equal(fse_store_link_consume(&r, NULL, f->s, "hashD=", NULL, T0 + 2), FSE_OK);
    assert_int_equal(r, FSE_STORE_LINK_OK);
    assert_int_equal(fse_store_link_purge(f->s, T0 + ttl + 1, &n), FSE_OK);
    assert_int_equal(n, 3); /* B, C, D; A was renewed later */
}

void status_events(void **state)
{
    fx *f = *state;
    fse_store_event ev;
    fse_store_event_list *l = NULL;
    static const char *const types[] = {"VALIDATION", "PUBLICATION", "SEND_TO_INI"};
    size_t n = 0;
    int i;

    for (i = 2; i >= 0; i--) {
        memset(&ev, 0, sizeof(ev));
        ev.trace_id = i == 0 ? "trace-v" : "trace-p";
        ev.workflow_instance_id = "wii-9";
        ev.event_type = types[i];
        ev.event_status = "SUCCESS";
        ev.identificativo_documento = "u^E1";
        ev.subject = FX_DOCTOR_CF;
        ev.subject_role = "AAS";
        ev.organizzazione = "080";
        ev.message = i == 2 ? "Documento registrato" : NULL;
        ev.event_date_ms = T0 + i * 1000;
        assert_int_equal(fse_store_event_append(f->s, &ev, NULL), FSE_OK);
    }
    assert_int_equal(fse_store_event_query(&l, f->s, FSE_STORE_EVENT_BY_WII, "wii-9"), FSE_OK);
    assert_int_equal(l->n_events, 3);
    for (i = 0; i < 3; i++) {
        assert_string_equal(l->events[i].event_type, types[i]); /* by date */
        assert_string_equal(l->events[i].subject, FX_DOCTOR_CF);
        assert_int_equal(l->events[i].expiring_date_ms, T0 + i * 1000 + FSE_STORE_EVENT_TTL_MS);
    }
    assert_string_equal(l->events[2].message, "Documento registrato");
    assert_null(l->events[0].message);
    assert_false(l->truncated);
    fse_store_event_list_free(l);
    assert_int_equal(fse_store_event_query(&l, f->s, FSE_STORE_EVENT_BY_TRACE, "trace-p"), FSE_OK);
    assert_int_equal(l->n_events, 2);
    fse_store_event_list_free(l);
    assert_int_equal(fse_store_event_query(&l, f->s, FSE_STORE_EVENT_BY_TRACE, "none"), FSE_OK);
    assert_int_equal(l->n_events, 0);
    fse_store_event_list_free(l);
    memset(&ev, 0, sizeof(ev));
    ev.trace_id = "t";
    assert_int_equal(fse_store_event_append(f->s, &ev, NULL), FSE_E_ARG);
    assert_int_equal(fse_store_event_purge(f->s, T0 + 1000 + FSE_STORE_EVENT_TTL_MS + 1, &n),
                     FSE_OK);
    assert_int_equal(n, 2);
}

static fse_err handler_fails(const fse_store_job *job, void *ctx)
{
    int *calls = ctx;

    (*calls)++;
    return fse_error_set(FSE_E_IO, "test", "INI unreachable for job %lld", (long long)job->id);
}

static fse_err handler_ok(const fse_store_job *job, void *ctx)
{
    int *calls = ctx;

    (void)job;
    (*calls)++;
    return FSE_OK;
}

void outbox_lease_backoff_idempotency(void **state)
{
    fx *f = *state;
    fse_store_opts o = fx_opts(f, f->key);
    fse_store_job *j1 = NULL, *j2 = NULL, *j = NULL;
    fse_store_job_state st;
    int64_t id = 0, id2 = 0;
    bool created = false, ran = false;
    size_t n = 0;
    int calls = 0;
    const char *payload = "{\"uniqueId\":\"u^O1\"}";

    fse_store_free(f->s);
    o.outbox_max_attempts = 3;
    o.outbox_backoff_base_ms = 1000;
    o.outbox_backoff_max_ms = 1500;
    assert_int_equal(fse_store_open(&f->s, &o), FSE_OK);

    assert_int_equal(fse_store_outbox_enqueue(&id, &created, f->s, "ini.register", "idem-1",
                                              (const uint8_t *)payload, strlen(payload), T0, T0),
                     FSE_OK);
    assert_true(created);
    assert_int_equal(fse_store_outbox_enqueue(&id2, &created, f->s, "ini.register", "idem-1",
                                              (const uint8_t *)"{}", 2, T0, T0),
                     FSE_OK);
    assert_false(created);
    assert_int_equal(id2, id);
    assert_int_equal(fse_store_outbox_claim(&j, f->s, "w", T0 - 1, 100), FSE_E_NOT_FOUND);

    /* Worker 1 claims, then dies: its lease expires and worker 2 gets it. */
    assert_int_equal(fse_store_outbox_claim(&j1, f->s, "w1", T0, 100), FSE_OK);
    assert_int_equal(j1->id, id);
    assert_int_equal(j1->attempts, 1);
    assert_int_equal(j1->state, FSE_STORE_JOB_LEASED);
    assert_int_equal(j1->payload_len, strlen(payload));
    assert_string_equal((const char *)j1->payload, payload);
    assert_string_equal(j1->lease_owner, "w1");
    assert_int_equal(fse_store_outbox_claim(&j, f->s, "w2", T0 + 99, 100), FSE_E_NOT_FOUND);
    assert_int_equal(fse_store_outbox_claim(&j2, f->s, "w2", T0 + 100, 100), FSE_OK);
    assert_int_equal(j2->attempts, 2);
    /* The stale worker cannot settle it any more. */
    assert_int_equal(fse_store_outbox_complete(f->s, j1, T0 + 101), FSE_E_CONFLICT);
    assert_int_equal(fse_store_outbox_fail(&st, f->s, j2, "INI timeout", T0 + 110), FSE_OK);
    assert_int_equal(st, FSE_STORE_JOB_PENDING);
    fse_store_job_free(j2);
    assert_int_equal(fse_store_outbox_get(&j2, f->s, id), FSE_OK);
    assert_int_equal(j2->not_before_ms, T0 + 110 + 1500); /* 1000 * 2, capped at 1500 */
    assert_string_equal(j2->last_error, "INI timeout");
    fse_store_job_free(j2);
    assert_int_equal(fse_store_outbox_claim(&j, f->s, "w2", T0 + 1609, 100), FSE_E_NOT_FOUND);
    /* Third and last attempt fails: dead letter. */
    assert_int_equal(
        fse_store_outbox_run_once(&ran, f->s, "w3", handler_fails, &calls, T0 + 1610, 100), FSE_OK);
    assert_true(ran);
    assert_int_equal(calls, 1);
    assert_int_equal(fse_store_outbox_get(&j2, f->s, id), FSE_OK);
    assert_int_equal(j2->state, FSE_STORE_JOB_DEAD);
    assert_int_equal(j2->attempts, 3);
    assert_non_null(strstr(j2->last_error, "INI unreachable"));
    fse_store_job_free(j2);
    assert_int_equal(fse_store_outbox_count(&n, f->s, FSE_STORE_JOB_DEAD), FSE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(
        fse_store_outbox_run_once(&ran, f->s, "w3", handler_ok, &calls, T0 + 99999, 100), FSE_OK);
    assert_false(ran);
    /* Requeued by an operator, then done. */
    assert_int_equal(fse_store_outbox_retry(f->s, id, T0 + 100000), FSE_OK);
    assert_int_equal(fse_store_outbox_retry(f->s, id, T0 + 100000), FSE_E_NOT_FOUND);
    assert_int_equal(
        fse_store_outbox_run_once(&ran, f->s, "w3", handler_ok, &calls, T0 + 100000, 100), FSE_OK);
    assert_true(ran);
    assert_int_equal(fse_store_outbox_count(&n, f->s, FSE_STORE_JOB_DONE), FSE_OK);
    assert_int_equal(n, 1);
    /* A lease that expires on the last attempt is dead-lettered too. */
    assert_int_equal(
        fse_store_outbox_enqueue(&id, NULL, f->s, "fhir.handoff", "idem-2", NULL, 0, T0, T0),
        FSE_OK);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(fse_store_outbox_claim(&j, f->s, "w", T0 + k * 1000, 100), FSE_OK);
        fse_store_job_free(j);
    }
    assert_int_equal(fse_store_outbox_claim(&j, f->s, "w", T0 + 5000, 100), FSE_E_NOT_FOUND);
    assert_int_equal(fse_store_outbox_get(&j, f->s, id), FSE_OK);
    assert_int_equal(j->state, FSE_STORE_JOB_DEAD);
    fse_store_job_free(j);
    fse_store_job_free(j1);
}

void outbox_tampered_payload_is_dead_lettered(void **state)
{
    fx *f = *state;
    fse_store_job *j = NULL;
    int64_t bad = 0, good = 0;
    sqlite3 *db;

    assert_int_equal(
        fse_store_outbox_enqueue(&bad, NULL, f->s, "k", "a", (const uint8_t *)"{}", 2, T0, T0),
        FSE_OK);
    assert_int_equal(
        fse_store_outbox_enqueue(&good, NULL, f->s, "k", "b", (const uint8_t *)"{}", 2, T0 + 1, T0),
        FSE_OK);
    db = fx_raw(f);
    assert_int_equal(fx_flip_blob(db, "outbox", "payload", "idem_key = 'a'", 15), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(fse_store_outbox_claim(&j, f->s, "w", T0 + 5, 100), FSE_E_CRYPTO);
    assert_int_equal(fse_store_outbox_claim(&j, f->s, "w", T0 + 5, 100), FSE_OK);
    assert_int_equal(j->id, good);
    fse_store_job_free(j);
}

void transactions_group_and_roll_back(void **state)
{
    fx *f = *state;
    fse_store_doc_meta *got = NULL;
    fse_store_event_list *l = NULL;
    fse_store_event ev;
    size_t n = 0;

    memset(&ev, 0, sizeof(ev));
    ev.trace_id = "trace-tx";
    ev.event_type = "PUBLICATION";
    ev.event_status = "SUCCESS";
    ev.event_date_ms = T0;

    assert_int_equal(fse_store_tx_begin(f->s), FSE_OK);
    assert_int_equal(fse_store_tx_begin(f->s), FSE_E_ARG);
    assert_true(fse_store_in_tx(f->s));
    assert_int_equal(store_put_doc(f->s, "u^T1", FX_PATIENT_CF, T0), FSE_OK);
    assert_int_equal(fse_store_event_append(f->s, &ev, NULL), FSE_OK);
    assert_int_equal(fse_store_outbox_enqueue(NULL, NULL, f->s, "k", "tx-1", NULL, 0, T0, T0),
                     FSE_OK);
    assert_int_equal(fse_store_tx_rollback(f->s), FSE_OK);
    assert_false(fse_store_in_tx(f->s));
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^T1"), FSE_E_NOT_FOUND);
    assert_int_equal(fse_store_event_query(&l, f->s, FSE_STORE_EVENT_BY_TRACE, "trace-tx"), FSE_OK);
    assert_int_equal(l->n_events, 0);
    fse_store_event_list_free(l);
    assert_int_equal(fse_store_outbox_count(&n, f->s, FSE_STORE_JOB_PENDING), FSE_OK);
    assert_int_equal(n, 0);

    /* A failed call inside a transaction undoes only itself. */
    assert_int_equal(fse_store_tx_begin(f->s), FSE_OK);
    assert_int_equal(store_put_doc(f->s, "u^T2", FX_PATIENT_CF, T0), FSE_OK);
    assert_int_equal(store_put_doc(f->s, "u^T2", FX_PATIENT_CF, T0), FSE_E_CONFLICT);
    assert_int_equal(fse_store_event_append(f->s, &ev, NULL), FSE_OK);
    assert_int_equal(fse_store_tx_commit(f->s), FSE_OK);
    assert_int_equal(fse_store_tx_commit(f->s), FSE_E_ARG);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^T2"), FSE_OK);
    fse_store_doc_meta_free(got);
    assert_int_equal(fse_store_event_query(&l, f->s, FSE_STORE_EVENT_BY_TRACE, "trace-tx"), FSE_OK);
    assert_int_equal(l->n_events, 1);
    fse_store_event_list_free(l);

    /* Writes are refused inside a read transaction. */
    assert_int_equal(fse_store_tx_begin_read(f->s), FSE_OK);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^T2"), FSE_OK);
    fse_store_doc_meta_free(got);
    assert_int_equal(store_put_doc(f->s, "u^T3", FX_PATIENT_CF, T0), FSE_E_ARG);
    assert_int_equal(fse_store_tx_rollback(f->s), FSE_OK);
}
