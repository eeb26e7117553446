/*
 * tests/e2e/test_e2e_crash.c - crash safety of the publication node
 * (acceptance 3): `fse serve` runs as a child process; client threads
 * publish documents over HTTP (validation, then publication, keep-alive)
 * while the server is killed with SIGKILL at moments drawn from a fixed
 * seed and restarted on the same store. Every publication is a new document
 * id and CDA (re-identified from a pool of generated documents).
 *
 * What must hold afterwards:
 *  - every publication answered 202 is stored and readable: GET
 *    /v1/status/{wii} lists its PUBLICATION event, and the store (read
 *    through the library) gives its metadata, PDF and CDA with the hashes
 *    that were sent, one PUBLICATION event and one CREATE audit record;
 *  - nothing else is half-visible: a publication whose answer was lost is
 *    either wholly there (document, event, audit record) or wholly absent,
 *    a document whose publication was never sent is absent, and the store
 *    holds no document that was not sent;
 *  - after the restarts the outbox completes: no job pending, leased or
 *    dead, and every stored document has exactly one SEND_TO_INI and one
 *    SEND_TO_EDS event;
 *  - the server stops cleanly on SIGTERM and `fse audit verify` passes.
 *
 * A publication whose answer was lost is sent again once the server is
 * back: 202 means the first attempt had not committed; /msg/cda-match means
 * it had (its validation link was consumed), and the document must be
 * there. That second try also checks that a validation answered 201
 * survives the crash.
 *
 * Scale: FSE_E2E_CRASH_PUBLICATIONS (default 2000), FSE_E2E_CRASH_ROUNDS
 * (kills, default 6), FSE_E2E_CRASH_SEED, FSE_E2E_CRASH_CLIENTS (default 4),
 * FSE_E2E_FSE (the server binary, default FSE_BUILD_DIR/fse). The full run:
 *   FSE_E2E_CRASH_PUBLICATIONS=10000 FSE_E2E_CRASH_ROUNDS=10 \
 *     ctest --test-dir build -R test_e2e_crash --output-on-failure
 */
#include "e2e.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fse/audit.h"
#include "fse/cda.h"
#include "fse/http.h"
#include "fse/util.h"

#define N_BASES 200
#define MAX_CLIENTS 16
/* How long a client waits for the killed server to be back. */
#define BACK_TIMEOUT_MS 180000
/* How long the outbox may take to drain after the last restart: a job
 * leased by a killed worker waits for its lease (60 s) to expire. */
#define OUTBOX_TIMEOUT_MS 180000

/* What became of one publication. */
typedef enum pub_state {
    PUB_TODO = 0,
    PUB_NOT_SENT,  /* the validation call got no answer: never published */
    PUB_ACKED,     /* 202 */
    PUB_COMMITTED, /* no answer; the second try found its link consumed */
    PUB_UNKNOWN,   /* no answer, and the second try got none either */
    PUB_REFUSED    /* any other answer: a failure of the test */
} pub_state;

typedef struct pub_rec {
    pub_state state;
    unsigned status;
    char problem[64];
    char unique_id[168];
    char patient_cf[17];
    char wii[257];
    char pdf_sha256[65];
    char cda_sha256[65];
} pub_rec;

typedef struct crash_ctx {
    const e2e_pki *pki;
    const e2e_base *bases;
    pub_rec *recs;
    size_t total;
    _Atomic size_t next;     /* next publication number */
    _Atomic unsigned port;   /* 0 while the server is down */
    _Atomic unsigned epoch;  /* completed restarts */
    _Atomic size_t spurious; /* transport failures with no kill around them */
    _Atomic size_t retried;
    pthread_mutex_t lock; /* guards error */
    char error[512];
} crash_ctx;

static uint64_t rng_state;

/* xorshift64*: the kill schedule is the same on every run with a seed. */
static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t ms_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void set_error(crash_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(crash_ctx *x, const char *fmt, ...)
{
    va_list ap;

    pthread_mutex_lock(&x->lock);
    if (x->error[0] == '\0') {
        va_start(ap, fmt);
        vsnprintf(x->error, sizeof(x->error), fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&x->lock);
}

/* Point c at the running server, waiting while it is down. */
static bool wait_up(crash_ctx *x, hc_conn *c)
{
    uint64_t t0 = ms_now();

    while (atomic_load(&x->port) == 0) {
        if (ms_now() - t0 > BACK_TIMEOUT_MS) {
            return false;
        }
        usleep(5000);
    }
    if (c->port != atomic_load(&x->port)) {
        hc_conn_set_port(c, (uint16_t)atomic_load(&x->port));
    }
    return true;
}

/* After a lost answer: wait for the restart that follows the kill (or,
 * when no kill comes within two seconds, count a spurious failure). */
static bool wait_restart(crash_ctx *x, hc_conn *c, unsigned sent_epoch)
{
    uint64_t t0 = ms_now();

    while (atomic_load(&x->epoch) == sent_epoch && atomic_load(&x->port) != 0) {
        if (ms_now() - t0 > 2000) {
            atomic_fetch_add(&x->spurious, 1);
            break;
        }
        usleep(5000);
    }
    while (atomic_load(&x->epoch) == sent_epoch && atomic_load(&x->port) == 0) {
        if (ms_now() - t0 > BACK_TIMEOUT_MS) {
            return false;
        }
        usleep(5000);
    }
    return wait_up(x, c);
}

static void copy_answer(pub_rec *r, const hc_resp *resp)
{
    json_t *j = NULL;
    const char *s;

    r->status = resp->status;
    if (fse_http_json_parse(&j, (const uint8_t *)resp->body, resp->body_len) != FSE_OK) {
        return;
    }
    s = json_string_value(json_object_get(j, "workflowInstanceId"));
    if (s != NULL && r->wii[0] == '\0') {
        snprintf(r->wii, sizeof(r->wii), "%s", s);
    }
    s = json_string_value(json_object_get(j, "type"));
    if (s != NULL) {
        snprintf(r->problem, sizeof(r->problem), "%s", s);
    }
    json_decref(j);
}

/* The second try of a publication whose answer was lost. */
static void publish_again(crash_ctx *x, hc_conn *c, const hc_doc *d, pub_rec *r,
                          unsigned sent_epoch)
{
    hc_resp resp;

    atomic_fetch_add(&x->retried, 1);
    r->state = PUB_UNKNOWN;
    if (!wait_restart(x, c, sent_epoch)) {
        return;
    }
    if (hc_roundtrip(c, d->publication.data, d->publication.len, &resp) == FSE_OK) {
        copy_answer(r, &resp);
        if (resp.status == 202) {
            r->state = PUB_ACKED;
        } else if (resp.status == 400 && strcmp(r->problem, "/msg/cda-match") == 0) {
            r->state = PUB_COMMITTED;
        } else {
            r->state = PUB_REFUSED;
        }
    }
    hc_resp_free(&resp);
}

/* Validation, then publication, of d; the outcome into r. */
static void publish(crash_ctx *x, hc_conn *c, const hc_doc *d, pub_rec *r)
{
    unsigned epoch;
    hc_resp resp;

    if (!wait_up(x, c)) {
        r->state = PUB_NOT_SENT;
        return;
    }
    if (hc_roundtrip(c, d->validation.data, d->validation.len, &resp) != FSE_OK) {
        r->state = PUB_NOT_SENT;
        hc_resp_free(&resp);
        return;
    }
    copy_answer(r, &resp);
    hc_resp_free(&resp);
    if (r->status != 201) {
        r->state = PUB_REFUSED;
        return;
    }
    if (!wait_up(x, c)) {
        r->state = PUB_NOT_SENT;
        return;
    }
    epoch = atomic_load(&x->epoch);
    if (hc_roundtrip(c, d->publication.data, d->publication.len, &resp) != FSE_OK) {
        hc_resp_free(&resp);
        publish_again(x, c, d, r, epoch);
        return;
    }
    copy_answer(r, &resp);
    r->state = resp.status == 202 ? PUB_ACKED : PUB_REFUSED;
    hc_resp_free(&resp);
}

static void *client_main(void *arg)
{
    crash_ctx *x = arg;
    hc_conn c;

    hc_conn_init(&c, "127.0.0.1", 0, E2E_TIMEOUT_MS);
    for (;;) {
        size_t k = atomic_fetch_add(&x->next, 1);
        pub_rec *r;
        hc_doc d;

        if (k >= x->total) {
            break;
        }
        r = &x->recs[k];
        if (e2e_doc_reidentified(&d, &x->bases[k % N_BASES], k, x->pki) != FSE_OK) {
            set_error(x, "publication %zu: %s", k, fse_error_last()->message);
            hc_doc_free(&d);
            atomic_store(&x->next, x->total);
            break;
        }
        snprintf(r->unique_id, sizeof(r->unique_id), "%s", d.unique_id);
        snprintf(r->patient_cf, sizeof(r->patient_cf), "%s", d.patient_cf);
        snprintf(r->pdf_sha256, sizeof(r->pdf_sha256), "%s", d.pdf_sha256);
        snprintf(r->cda_sha256, sizeof(r->cda_sha256), "%s", d.cda_sha256);
        publish(x, &c, &d, r);
        hc_doc_free(&d);
    }
    hc_conn_close(&c);
    return NULL;
}

/* ---- Checks ------------------------------------------------------------- */

/* Events of a workflow of a type with status SUCCESS. */
static size_t count_events(fse_store *s, const char *wii, const char *type)
{
    fse_store_event_list *l = NULL;
    size_t n = 0;
    size_t i;

    assert_int_equal(fse_store_event_query(&l, s, FSE_STORE_EVENT_BY_WII, wii), FSE_OK);
    for (i = 0; i < l->n_events; i++) {
        if (strcmp(l->events[i].event_type, type) == 0 &&
            strcmp(l->events[i].event_status, "SUCCESS") == 0) {
            n++;
        }
    }
    fse_store_event_list_free(l);
    return n;
}

typedef struct audit_count {
    size_t create_ok;
} audit_count;

static fse_err count_row(const fse_store_audit_row *row, void *ctx)
{
    audit_count *a = ctx;

    if (row->outcome == FSE_AUDIT_SUCCESS && row->action != NULL &&
        strcmp(row->action, "CREATE") == 0) {
        a->create_ok++;
    }
    return FSE_OK;
}

static size_t audit_creates(fse_store *s, const char *unique_id)
{
    fse_store_audit_filter f;
    audit_count a = {0};

    memset(&f, 0, sizeof(f));
    f.document_id = unique_id;
    assert_int_equal(fse_store_audit_scan(s, &f, count_row, &a), FSE_OK);
    return a.create_ok;
}

static void check_blob(fse_store *s, const pub_rec *r, fse_store_blob kind, const char *sha)
{
    uint8_t *data = NULL;
    size_t len = 0;
    char got[65];

    if (fse_store_doc_read(&data, &len, s, r->unique_id, kind) != FSE_OK) {
        fail_msg("%s: blob %d unreadable: %s", r->unique_id, (int)kind, fse_error_last()->message);
    }
    assert_int_equal(fse_cda_sha256_hex(got, data, len), FSE_OK);
    assert_string_equal(got, sha);
    fse_free(data);
}

/* The document is wholly there: metadata, both blobs, one event, one audit record. */
static void check_present(fse_store *s, const pub_rec *r)
{
    fse_store_doc_meta *m = NULL;

    if (fse_store_doc_get(&m, s, r->unique_id) != FSE_OK) {
        fail_msg("%s (state %d): not readable: %s", r->unique_id, (int)r->state,
                 fse_error_last()->message);
    }
    assert_int_equal(m->status, FSE_STORE_DOC_APPROVED);
    assert_string_equal(m->hash_sha256, r->pdf_sha256);
    assert_string_equal(m->cda_sha256, r->cda_sha256);
    assert_string_equal(m->workflow_instance_id, r->wii);
    fse_store_doc_meta_free(m);
    check_blob(s, r, FSE_STORE_BLOB_PDF, r->pdf_sha256);
    check_blob(s, r, FSE_STORE_BLOB_CDA, r->cda_sha256);
    assert_int_equal(count_events(s, r->wii, "PUBLICATION"), 1);
    assert_int_equal(audit_creates(s, r->unique_id), 1);
}

/* The document is wholly absent: no row, no PUBLICATION event, no record. */
static void check_absent(fse_store *s, const pub_rec *r)
{
    fse_store_doc_meta *m = NULL;

    if (fse_store_doc_get(&m, s, r->unique_id) != FSE_E_NOT_FOUND) {
        fail_msg("%s (state %d): present though never published", r->unique_id, (int)r->state);
    }
    if (r->wii[0] != '\0') {
        assert_int_equal(count_events(s, r->wii, "PUBLICATION"), 0);
    }
    assert_int_equal(audit_creates(s, r->unique_id), 0);
}

/* GET /v1/status/{wii}: 200 with a PUBLICATION event. */
static void check_status(hc_conn *c, const char *token, const pub_rec *r)
{
    char *enc = fse_malloc(3 * strlen(r->wii) + 16);
    char *path = fse_malloc(3 * strlen(r->wii) + 32);
    hc_resp resp;

    assert_non_null(enc);
    assert_non_null(path);
    hc_encode_segment(enc, r->wii);
    snprintf(path, 3 * strlen(r->wii) + 32, "/v1/status/%s", enc);
    if (hc_get(c, path, token, &resp) != FSE_OK) {
        fail_msg("status of %s: %s", r->unique_id, fse_error_last()->message);
    }
    if (resp.status != 200 || strstr(resp.body, "\"PUBLICATION\"") == NULL) {
        fail_msg("status of %s: %u %.300s", r->unique_id, resp.status, resp.body);
    }
    hc_resp_free(&resp);
    fse_free(enc);
    fse_free(path);
}

/* Every document of the pool's patients is one the test sent and knows
 * to be there; their number. */
static size_t check_store_wide(fse_store *s, const crash_ctx *x, const bool *present)
{
    size_t n_docs = 0;
    size_t p;

    for (p = 0; p < N_BASES; p++) {
        fse_store_doc_query q;
        int64_t cursor = 0;
        bool seen = false;
        size_t earlier;

        for (earlier = 0; earlier < p && !seen; earlier++) {
            seen = strcmp(x->bases[earlier].meta.patient_cf, x->bases[p].meta.patient_cf) == 0;
        }
        if (seen) {
            continue;
        }
        do {
            fse_store_doc_list *l = NULL;
            size_t i;

            memset(&q, 0, sizeof(q));
            q.patient_id = x->bases[p].meta.patient_cf;
            q.statuses = ~0u;
            q.page_size = 100;
            q.cursor = cursor;
            assert_int_equal(fse_store_doc_search(&l, s, &q), FSE_OK);
            for (i = 0; i < l->n_docs; i++) {
                unsigned long long k = 0;
                const char *uid = l->docs[i]->unique_id;
                size_t len = strlen(uid);

                assert_true(len > 8);
                k = strtoull(uid + len - 8, NULL, 16) - 0xE0000000ull;
                if (k >= x->total || strcmp(x->recs[k].unique_id, uid) != 0 || !present[k]) {
                    fail_msg("stored document %s was never acknowledged nor found present", uid);
                }
                n_docs++;
            }
            cursor = l->next_cursor;
            fse_store_doc_list_free(l);
        } while (cursor != 0);
    }
    return n_docs;
}

/* Wait until no outbox job is pending or leased; none may be dead. */
static void wait_outbox(fse_store *s)
{
    uint64_t t0 = ms_now();
    size_t pending = 1;
    size_t leased = 1;
    size_t dead = 0;

    while (pending + leased > 0) {
        assert_int_equal(fse_store_outbox_count(&pending, s, FSE_STORE_JOB_PENDING), FSE_OK);
        assert_int_equal(fse_store_outbox_count(&leased, s, FSE_STORE_JOB_LEASED), FSE_OK);
        if (ms_now() - t0 > OUTBOX_TIMEOUT_MS) {
            fail_msg("outbox not drained: %zu pending, %zu leased", pending, leased);
        }
        if (pending + leased > 0) {
            usleep(200000);
        }
    }
    assert_int_equal(fse_store_outbox_count(&dead, s, FSE_STORE_JOB_DEAD), FSE_OK);
    assert_int_equal(dead, 0);
    print_message("crash: outbox drained %.1f s after the last publication\n",
                  (double)(ms_now() - t0) / 1000.0);
}

/* ---- The test ----------------------------------------------------------- */

/* Kill the server when the publication counter passes each threshold, at
 * a random delay after it, and restart it on the same store. */
static void kill_rounds(crash_ctx *x, e2e_node *n, unsigned rounds)
{
    unsigned r;

    for (r = 1; r <= rounds; r++) {
        size_t span = x->total / (rounds + 1);
        size_t at = r * span - span / 4 + (size_t)(rng_next() % (span / 2 + 1));

        while (atomic_load(&x->next) < at && x->error[0] == '\0') {
            usleep(2000);
        }
        usleep((useconds_t)(rng_next() % 40000));
        atomic_store(&x->port, 0);
        e2e_node_kill(n);
        e2e_node_start(n);
        atomic_fetch_add(&x->epoch, 1);
        atomic_store(&x->port, n->port);
    }
}

static void verify(crash_ctx *x, e2e_node *n, const e2e_pki *pki, size_t *counts,
                   size_t *unknown_present)
{
    fse_store *s = e2e_node_store(n);
    bool *present = fse_calloc(x->total, sizeof(*present));
    char *token = e2e_status_token(pki);
    hc_conn c;
    size_t k;

    assert_non_null(present);
    hc_conn_init(&c, "127.0.0.1", n->port, E2E_TIMEOUT_MS);
    for (k = 0; k < x->total; k++) {
        pub_rec *r = &x->recs[k];
        fse_store_doc_meta *m = NULL;
        fse_err rc;

        counts[r->state]++;
        switch (r->state) {
        case PUB_ACKED:
        case PUB_COMMITTED:
            check_status(&c, token, r);
            check_present(s, r);
            present[k] = true;
            break;
        case PUB_UNKNOWN:
            rc = fse_store_doc_get(&m, s, r->unique_id);
            fse_store_doc_meta_free(m);
            if (rc == FSE_OK) {
                check_present(s, r);
                present[k] = true;
                (*unknown_present)++;
            } else {
                assert_int_equal(rc, FSE_E_NOT_FOUND);
                check_absent(s, r);
            }
            break;
        case PUB_NOT_SENT:
            check_absent(s, r);
            break;
        default:
            fail_msg("publication %zu (%s): state %d, answer %u %s", k, r->unique_id, (int)r->state,
                     r->status, r->problem);
        }
    }
    k = check_store_wide(s, x, present);
    print_message("crash: %zu documents stored, every one sent and wholly readable\n", k);
    wait_outbox(s);
    for (k = 0; k < x->total; k++) {
        if (present[k]) {
            assert_int_equal(count_events(s, x->recs[k].wii, "SEND_TO_INI"), 1);
            assert_int_equal(count_events(s, x->recs[k].wii, "SEND_TO_EDS"), 1);
        }
    }
    hc_conn_close(&c);
    fse_free(token);
    fse_free(present);
    fse_store_free(s);
}

static void crash_safety(void **state)
{
    const unsigned long total = e2e_env_ulong("FSE_E2E_CRASH_PUBLICATIONS", 2000);
    const unsigned long rounds = e2e_env_ulong("FSE_E2E_CRASH_ROUNDS", 6);
    unsigned long clients = e2e_env_ulong("FSE_E2E_CRASH_CLIENTS", 4);
    const char *audit_args[] = {"audit", "verify", "--config", NULL, NULL};
    pthread_t tids[MAX_CLIENTS];
    size_t counts[PUB_REFUSED + 1] = {0};
    size_t unknown_present = 0;
    e2e_pki pki;
    e2e_node node;
    e2e_base *bases;
    crash_ctx x;
    uint64_t t0 = ms_now();
    unsigned long i;

    (void)state;
    assert_true(total >= 10 * (rounds + 1) && rounds >= 1);
    clients = clients < 1 ? 1 : clients > MAX_CLIENTS ? MAX_CLIENTS : clients;
    rng_state = e2e_env_ulong("FSE_E2E_CRASH_SEED", 20260101) | 1;
    e2e_pki_make(&pki);
    bases = e2e_bases_make(N_BASES, 4242);
    e2e_node_init(&node, "e2e-crash", &pki, 4, "");
    memset(&x, 0, sizeof(x));
    pthread_mutex_init(&x.lock, NULL);
    x.pki = &pki;
    x.bases = bases;
    x.total = total;
    x.recs = fse_calloc(total, sizeof(*x.recs));
    assert_non_null(x.recs);
    e2e_node_start(&node);
    atomic_store(&x.port, node.port);
    for (i = 0; i < clients; i++) {
        assert_int_equal(pthread_create(&tids[i], NULL, client_main, &x), 0);
    }
    kill_rounds(&x, &node, (unsigned)rounds);
    for (i = 0; i < clients; i++) {
        pthread_join(tids[i], NULL);
    }
    if (x.error[0] != '\0') {
        fail_msg("%s", x.error);
    }
    print_message("crash: %lu publications by %lu clients, %lu kills, %.1f s\n", total, clients,
                  rounds, (double)(ms_now() - t0) / 1000.0);
    verify(&x, &node, &pki, counts, &unknown_present);
    print_message("crash: %zu acknowledged, %zu committed without an answer, %zu unanswered "
                  "(%zu of them present), %zu validations unanswered; %zu resent, %zu transport "
                  "failures without a kill\n",
                  counts[PUB_ACKED], counts[PUB_COMMITTED], counts[PUB_UNKNOWN], unknown_present,
                  counts[PUB_NOT_SENT], atomic_load(&x.retried), atomic_load(&x.spurious));
    assert_int_equal(atomic_load(&x.spurious), 0);
    assert_int_equal(e2e_node_stop(&node), 0);
    audit_args[3] = node.conf;
    assert_int_equal(e2e_run_fse(node.log, audit_args), 0);
    print_message("crash: fse audit verify passed; %.1f s in all\n",
                  (double)(ms_now() - t0) / 1000.0);
    e2e_node_remove(&node);
    e2e_bases_free(bases, N_BASES);
    e2e_pki_free(&pki);
    fse_free(x.recs);
    pthread_mutex_destroy(&x.lock);
}

int test_e2e_crash_run(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crash_safety),
    };

    return cmocka_run_group_tests_name("e2e_crash", tests, NULL, NULL);
}
