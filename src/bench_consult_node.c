/*
 * src/bench_consult_node.c - the node `fse bench consult` measures and the
 * searches sent to it.
 *
 * Owns the in-process node (fse_consult and fse_http_server on 127.0.0.1
 * as `fse serve` runs them: the node's store, a test CA in memory as its
 * trust store, no rate limit) and the two pools of prepared searches: per
 * pooled patient the GP's READ token pair (role APR, purpose TREATMENT,
 * locality the GP's practice), signed before any timing on every CPU, the
 * raw request bytes, the patient's keyed reference for the index query,
 * and the answers the model expects. Does not own the store, the runs or
 * the report.
 */
#include "bench_consult.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fse/util.h"
#include "tool.h"

#define BC_AUDIENCE "https://fse.bench.local"
/* Token pairs outlive the longest run. */
#define BC_TOKEN_VALIDITY_S (4u * 3600u)
#define BC_MAX_SIGNERS 64

bool bc_node_start(bc_node *n, const bc_opts *opts, const bc_store *s)
{
    fse_consult_opts co = FSE_CONSULT_OPTS_INIT;
    fse_http_opts ho;
    uint64_t t0 = tool_now_ns();
    fse_err rc;

    memset(n, 0, sizeof(*n));
    n->threads = opts->threads;
    rc = bench_test_pki(&n->ca, &n->signer, &n->ca_pem, "FSE BENCH CONSULT CA",
                        "S1#120#FSEBENCHCONSULT");
    if (rc == FSE_OK) {
        rc = fse_policy_new(&n->policy, NULL);
    }
    co.store_path = s->db;
    co.master_key_path = s->key;
    co.ca_pem = n->ca_pem;
    co.ca_pem_len = n->ca_pem != NULL ? strlen(n->ca_pem) : 0;
    co.audience = BC_AUDIENCE;
    co.n_slots = opts->threads;
    memset(&ho, 0, sizeof(ho));
    ho.threads = opts->threads;
    ho.max_connections = 512;
    ho.max_connections_per_ip = 256;
    if (rc == FSE_OK) {
        rc = fse_consult_new(&n->cs, &co);
    }
    if (rc == FSE_OK) {
        rc = fse_http_server_new(&n->srv, &ho);
    }
    if (rc == FSE_OK) {
        rc = fse_consult_routes(n->cs, n->srv);
    }
    if (rc == FSE_OK) {
        rc = fse_http_server_start(n->srv);
    }
    if (rc != FSE_OK) {
        fprintf(stderr, "fse bench consult: node: %s\n", fse_error_last()->message);
        return false;
    }
    n->port = fse_http_server_port(n->srv);
    n->start_seconds = (double)(tool_now_ns() - t0) / 1e9;
    return true;
}

static void free_pool(bc_query *q, size_t n)
{
    size_t i;

    for (i = 0; q != NULL && i < n; i++) {
        fse_free(q[i].request);
    }
    fse_free(q);
}

void bc_node_stop(bc_node *n)
{
    fse_http_server_free(n->srv);
    fse_consult_free(n->cs);
    free_pool(n->fresh, n->n_fresh);
    free_pool(n->cached, n->n_cached);
    fse_policy_free(n->policy);
    fse_free(n->ca_pem);
    fse_jwt_cred_free(n->signer);
    fse_jwt_testca_free(n->ca);
    memset(n, 0, sizeof(*n));
}

/* Patient, expectations and keyed reference of every query of a pool. */
static fse_err describe_pool(bc_query *pool, size_t n, fse_store *st, const bc_node *node,
                             const bc_store *s)
{
    int64_t now_ms = fse_store_now_ms();
    fse_err rc = FSE_OK;
    size_t k;

    for (k = 0; k < n && rc == FSE_OK; k++) {
        bc_patient p;

        bc_model_patient(&p, bc_model_pool_patient(k, n, s->patients), s->patients, s->base_ms);
        pool[k].patient = p.index;
        memcpy(pool[k].cf, p.cf, sizeof(pool[k].cf));
        pool[k].visible = bc_model_visible(&p, node->policy, now_ms);
        pool[k].current = bc_model_current(&p);
        rc = fse_store_ref(pool[k].ref, st, FSE_STORE_REF_PATIENT, p.cf);
    }
    return rc;
}

/* The search of q with its GP's pair, as raw request bytes. */
static fse_err build_request(bc_query *q, const bc_node *n, const bc_store *s, int64_t iat)
{
    fse_jwt_pair_opts o = FSE_JWT_PAIR_OPTS_INIT;
    bc_patient p;
    char practice[160];
    char *auth = NULL;
    char *sig = NULL;
    fse_buf b;
    fse_err rc;

    bc_model_patient(&p, q->patient, s->patients, s->base_ms);
    bc_model_practice(practice, sizeof(practice), p.gp);
    o.op = FSE_JWT_OP_READ;
    o.audience = BC_AUDIENCE;
    o.patient_cf = p.cf;
    o.sub_cf = p.gp_cf;
    o.subject_role = "APR";
    o.subject_organization_id = "120";
    o.locality = practice;
    o.purpose_of_use = "TREATMENT";
    o.iat = iat;
    o.validity = BC_TOKEN_VALIDITY_S;
    rc = fse_jwt_make_pair(&auth, &sig, n->signer, &o);
    fse_buf_init(&b, 64u * 1024u);
    if (rc == FSE_OK) {
        rc = fse_buf_printf(&b,
                            "GET /fhir/DocumentReference?patient.identifier=%s HTTP/1.1\r\n"
                            "Host: 127.0.0.1:%u\r\nAccept: application/fhir+json\r\n"
                            "Authorization: Bearer %s\r\nFSE-JWT-Signature: %s\r\n\r\n",
                            p.cf, (unsigned)n->port, auth, sig);
    }
    if (rc == FSE_OK) {
        q->request = fse_buf_steal(&b, &q->request_len);
        rc = q->request != NULL ? FSE_OK : FSE_E_NOMEM;
    }
    fse_buf_free(&b);
    fse_free(auth);
    fse_free(sig);
    return rc;
}

/* Signing, shared by the signer threads. */
typedef struct sign_job {
    bc_query *pool;
    size_t n;
    const bc_node *node;
    const bc_store *store;
    int64_t iat;
    _Atomic size_t next;
    _Atomic int failed; /* an fse_err, 0 while none */
    char error[256];
    pthread_mutex_t lock; /* guards error */
} sign_job;

static void *sign_main(void *arg)
{
    sign_job *j = arg;

    while (atomic_load(&j->failed) == 0) {
        size_t k = atomic_fetch_add(&j->next, 1);
        fse_err rc;

        if (k >= j->n) {
            break;
        }
        rc = build_request(&j->pool[k], j->node, j->store, j->iat);
        if (rc != FSE_OK) {
            pthread_mutex_lock(&j->lock);
            if (atomic_load(&j->failed) == 0) {
                (void)snprintf(j->error, sizeof(j->error), "%s", fse_error_last()->message);
                atomic_store(&j->failed, (int)rc);
            }
            pthread_mutex_unlock(&j->lock);
        }
    }
    return NULL;
}

/* Sign every pair of a pool on all CPUs. */
static bool sign_pool(bc_query *pool, size_t n, const bc_node *node, const bc_store *s)
{
    pthread_t tids[BC_MAX_SIGNERS];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned want = cpus > 0 ? (unsigned)cpus : 1;
    unsigned started = 0;
    sign_job j;
    unsigned i;

    memset(&j, 0, sizeof(j));
    j.pool = pool;
    j.n = n;
    j.node = node;
    j.store = s;
    j.iat = (int64_t)time(NULL) - 60;
    pthread_mutex_init(&j.lock, NULL);
    for (i = 0; i < want && i < BC_MAX_SIGNERS; i++) {
        if (pthread_create(&tids[started], NULL, sign_main, &j) == 0) {
            started++;
        }
    }
    if (started == 0) {
        sign_main(&j);
    }
    for (i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
    }
    pthread_mutex_destroy(&j.lock);
    if (atomic_load(&j.failed) != 0) {
        fprintf(stderr, "fse bench consult: token pairs: %s\n", j.error);
        return false;
    }
    return true;
}

static bool make_pool(bc_query **out, size_t n, fse_store *st, const bc_node *node,
                      const bc_store *s)
{
    *out = fse_calloc(n, sizeof(**out));
    if (*out == NULL) {
        fprintf(stderr, "fse bench consult: out of memory\n");
        return false;
    }
    if (describe_pool(*out, n, st, node, s) != FSE_OK) {
        fprintf(stderr, "fse bench consult: %s\n", fse_error_last()->message);
        return false;
    }
    return sign_pool(*out, n, node, s);
}

bool bc_node_pools(bc_node *n, const bc_opts *opts, const bc_store *s)
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_store *st = NULL;
    uint64_t t0 = tool_now_ns();
    bool ok;

    so.path = s->db;
    so.master_key_path = s->key;
    if (fse_store_open(&st, &so) != FSE_OK) {
        fprintf(stderr, "fse bench consult: %s\n", fse_error_last()->message);
        return false;
    }
    fprintf(stderr, "fse bench consult: signing %zu + %zu token pairs\n", opts->pool,
            opts->cached_pool);
    n->n_fresh = opts->pool;
    n->n_cached = opts->cached_pool;
    ok = make_pool(&n->fresh, n->n_fresh, st, n, s) && make_pool(&n->cached, n->n_cached, st, n, s);
    fse_store_free(st);
    n->sign_seconds = (double)(tool_now_ns() - t0) / 1e9;
    return ok;
}
