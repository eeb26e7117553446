/*
 * lib/store/store_outbox.c - the store front end for the outbox of
 * asynchronous jobs (index registration, FHIR hand-off).
 *
 * Owns the outbox policy: payloads and error messages sealed (they may name
 * the patient), bound to the job kind and idempotency key; one job per
 * idempotency key; claims as leases whose token is the attempt count;
 * exponential back-off with a cap; dead letter after max attempts, and for
 * a job whose payload fails its integrity check (so it cannot block the
 * queue). Does not own the statements (store_sqlite_queue.c) or what a job
 * does (the caller's handler, which must be idempotent).
 */
#include "store_int.h"

#include <string.h>

static void job_aad(store_aad *a, const char *domain, const char *kind, const char *idem_key)
{
    fse_store__aad_init(a, domain);
    fse_store__aad_str(a, kind);
    fse_store__aad_str(a, idem_key);
}

fse_err fse_store_outbox_enqueue(int64_t *id_out, bool *created_out, fse_store *s, const char *kind,
                                 const char *idem_key, const uint8_t *payload, size_t payload_len,
                                 int64_t not_before_ms, int64_t now_ms)
{
    store_job_row row;
    store_aad aad;
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;
    int64_t id = 0;
    bool created = false;
    fse_err rc;

    if (s == NULL || (payload == NULL && payload_len > 0)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "enqueue: missing argument");
    }
    rc = fse_store__check_str(kind, "job kind", STORE_MAX_ID_LEN, true);
    if (rc == FSE_OK) {
        rc = fse_store__check_str(idem_key, "idempotency key", STORE_MAX_ID_LEN, true);
    }
    if (rc == FSE_OK && payload_len > STORE_MAX_PAYLOAD_BYTES) {
        rc = fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "job payload over %u bytes",
                           STORE_MAX_PAYLOAD_BYTES);
    }
    if (rc == FSE_OK) {
        rc = fse_store__need_keys(s);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    job_aad(&aad, "fse-job v1", kind, idem_key);
    rc = fse_store__aead_seal(&sealed, &sealed_len, s->node_keys[STORE_NK_SEAL], aad.data, aad.len,
                              payload != NULL ? payload : (const uint8_t *)"", payload_len);
    if (rc == FSE_OK) {
        memset(&row, 0, sizeof(row));
        row.kind = kind;
        row.idem_key = idem_key;
        row.payload = sealed;
        row.payload_len = sealed_len;
        row.max_attempts = s->max_attempts;
        row.not_before_ms = not_before_ms;
        row.created_ms = now_ms;
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
        if (rc == FSE_OK) {
            rc = fse_store__op_end(s, s->be->job_insert(s->conn, &row, &id, &created));
        }
    }
    if (rc == FSE_OK) {
        if (id_out != NULL) {
            *id_out = id;
        }
        if (created_out != NULL) {
            *created_out = created;
        }
    }
    fse_free(sealed);
    return rc;
}

typedef struct job_ctx {
    fse_store *s;
    fse_store_job *job;
    /* Set when the payload fails its integrity check (claim dead-letters it). */
    bool bad;
    int64_t bad_id;
    unsigned bad_attempt;
} job_ctx;

/* Open a sealed value into the arena (NUL-terminated). */
static fse_err open_into(const uint8_t **out, size_t *out_len, store_arena *a,
                         const uint8_t key[STORE_KEY_LEN], const store_aad *aad, const uint8_t *ct,
                         size_t ct_len)
{
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    uint8_t *copy;
    fse_err rc = fse_store__aead_open(&plain, &plain_len, key, aad->data, aad->len, ct, ct_len);

    if (rc != FSE_OK) {
        return rc;
    }
    copy = fse_store__arena_alloc(a, plain_len + 1);
    if (copy == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "job");
    } else {
        memcpy(copy, plain, plain_len + 1);
        *out = copy;
        *out_len = plain_len;
    }
    fse_store__wipe(plain, plain_len);
    fse_free(plain);
    return rc;
}

static fse_err on_job(const store_job_row *row, void *ctx)
{
    job_ctx *c = ctx;
    store_arena *a = fse_store__arena_new();
    fse_store_job *job = NULL;
    store_aad aad;
    fse_err rc = FSE_OK;

    if (a != NULL) {
        job = fse_store__arena_alloc(a, sizeof(*job));
    }
    if (job == NULL) {
        fse_store__arena_free(a);
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "job");
    }
    job->arena_ = a;
    job->id = row->id;
    job->state = (fse_store_job_state)row->state;
    job->attempts = row->attempts;
    job->max_attempts = row->max_attempts;
    job->not_before_ms = row->not_before_ms;
    job->lease_until_ms = row->lease_until_ms;
    job->created_ms = row->created_ms;
    job->updated_ms = row->updated_ms;
    job->kind = fse_store__arena_strdup(a, row->kind);
    job->idem_key = fse_store__arena_strdup(a, row->idem_key);
    job->lease_owner = fse_store__arena_strdup(a, row->lease_owner);
    if (job->kind == NULL || job->idem_key == NULL ||
        (row->lease_owner != NULL && job->lease_owner == NULL)) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "job");
    }
    if (rc == FSE_OK) {
        job_aad(&aad, "fse-job v1", row->kind, row->idem_key);
        rc = open_into(&job->payload, &job->payload_len, a, c->s->node_keys[STORE_NK_SEAL], &aad,
                       row->payload, row->payload_len);
    }
    if (rc == FSE_OK && row->last_error != NULL) {
        const uint8_t *err = NULL;
        size_t len = 0;

        job_aad(&aad, "fse-job-error v1", row->kind, row->idem_key);
        rc = open_into(&err, &len, a, c->s->node_keys[STORE_NK_SEAL], &aad, row->last_error,
                       row->last_error_len);
        job->last_error = (const char *)err;
    }
    if (rc == FSE_E_CRYPTO) {
        c->bad = true;
        c->bad_id = row->id;
        c->bad_attempt = row->attempts;
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "job %lld fails its integrity check",
                           (long long)row->id);
    }
    if (rc != FSE_OK) {
        fse_store__arena_free(a);
        return rc;
    }
    c->job = job;
    return FSE_OK;
}

/* Seal a job error message (truncated to STORE_MAX_TEXT_LEN). */
static fse_err seal_error(uint8_t **out, size_t *out_len, fse_store *s, const char *kind,
                          const char *idem_key, const char *error)
{
    store_aad aad;
    size_t len = strnlen(error, STORE_MAX_TEXT_LEN);

    job_aad(&aad, "fse-job-error v1", kind, idem_key);
    return fse_store__aead_seal(out, out_len, s->node_keys[STORE_NK_SEAL], aad.data, aad.len,
                                (const uint8_t *)error, len);
}

fse_err fse_store_outbox_claim(fse_store_job **out, fse_store *s, const char *worker,
                               int64_t now_ms, int64_t lease_ms)
{
    job_ctx c;
    fse_err rc;

    if (out == NULL || s == NULL || lease_ms <= 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "claim: bad argument");
    }
    *out = NULL;
    rc = fse_store__check_str(worker, "worker", STORE_MAX_ID_LEN, true);
    if (rc == FSE_OK) {
        rc = fse_store__need_keys(s);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&c, 0, sizeof(c));
    c.s = s;
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc != FSE_OK) {
        return rc;
    }
    rc = s->be->job_claim(s->conn, worker, now_ms, lease_ms, on_job, &c);
    if (rc == FSE_E_CRYPTO && c.bad) {
        /* Dead-letter it, commit, and report: the queue must keep moving. */
        rc = s->be->job_settle(s->conn, c.bad_id, c.bad_attempt, FSE_STORE_JOB_DEAD, now_ms, NULL,
                               0, now_ms);
        rc = fse_store__op_end(s, rc);
        if (rc == FSE_OK) {
            rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                               "job %lld fails its integrity check: dead-lettered",
                               (long long)c.bad_id);
        }
        return rc;
    }
    if (rc == FSE_E_NOT_FOUND) {
        /* Nothing due: still commit the dead-lettering of expired leases. */
        rc = fse_store__op_end(s, FSE_OK);
        if (rc == FSE_OK) {
            rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "no job is due");
        }
        return rc;
    }
    rc = fse_store__op_end(s, rc);
    if (rc != FSE_OK) {
        fse_store_job_free(c.job);
        return rc;
    }
    *out = c.job;
    return FSE_OK;
}

static fse_err settle(fse_store *s, const fse_store_job *job, fse_store_job_state state,
                      int64_t not_before_ms, const char *error, int64_t now_ms)
{
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;
    fse_err rc = FSE_OK;

    if (error != NULL) {
        rc = seal_error(&sealed, &sealed_len, s, job->kind, job->idem_key, error);
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
    }
    if (rc == FSE_OK) {
        rc = s->be->job_settle(s->conn, job->id, job->attempts, (int)state, not_before_ms, sealed,
                               sealed_len, now_ms);
        if (rc == FSE_E_NOT_FOUND) {
            rc = fse_error_set(FSE_E_CONFLICT, FSE_STORE_MODULE,
                               "job %lld: lease lost (expired and claimed again)",
                               (long long)job->id);
        }
        rc = fse_store__op_end(s, rc);
    }
    fse_free(sealed);
    return rc;
}

fse_err fse_store_outbox_complete(fse_store *s, const fse_store_job *job, int64_t now_ms)
{
    if (s == NULL || job == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "complete: missing argument");
    }
    return settle(s, job, FSE_STORE_JOB_DONE, job->not_before_ms, NULL, now_ms);
}

/* Delay before the next attempt after `attempts` failed ones. */
static int64_t backoff_ms(const fse_store *s, unsigned attempts)
{
    int64_t d = s->backoff_base_ms;
    unsigned i;

    for (i = 1; i < attempts && d < s->backoff_max_ms; i++) {
        d *= 2;
    }
    return d < s->backoff_max_ms ? d : s->backoff_max_ms;
}

fse_err fse_store_outbox_fail(fse_store_job_state *state_out, fse_store *s,
                              const fse_store_job *job, const char *error, int64_t now_ms)
{
    fse_store_job_state next;
    fse_err rc;

    if (s == NULL || job == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "fail: missing argument");
    }
    next = job->attempts >= job->max_attempts ? FSE_STORE_JOB_DEAD : FSE_STORE_JOB_PENDING;
    rc = settle(s, job, next, now_ms + backoff_ms(s, job->attempts),
                error != NULL ? error : "failed", now_ms);
    if (rc == FSE_OK && state_out != NULL) {
        *state_out = next;
    }
    return rc;
}

fse_err fse_store_outbox_get(fse_store_job **out, fse_store *s, int64_t id)
{
    job_ctx c;
    fse_err rc;

    if (out == NULL || s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "job get: missing argument");
    }
    *out = NULL;
    rc = fse_store__need_keys(s);
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&c, 0, sizeof(c));
    c.s = s;
    rc = s->be->job_get(s->conn, id, on_job, &c);
    if (rc == FSE_E_NOT_FOUND) {
        return fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "job %lld not found",
                             (long long)id);
    }
    if (rc != FSE_OK) {
        fse_store_job_free(c.job);
        return rc;
    }
    *out = c.job;
    return FSE_OK;
}

fse_err fse_store_outbox_retry(fse_store *s, int64_t id, int64_t now_ms)
{
    fse_err rc;

    if (s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "retry: no store");
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc != FSE_OK) {
        return rc;
    }
    rc = s->be->job_retry(s->conn, id, now_ms);
    if (rc == FSE_E_NOT_FOUND) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "no dead job %lld", (long long)id);
    }
    return fse_store__op_end(s, rc);
}

fse_err fse_store_outbox_count(size_t *n_out, fse_store *s, fse_store_job_state state)
{
    int64_t n = 0;
    fse_err rc;

    if (n_out == NULL || s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "count: missing argument");
    }
    rc = s->be->job_count(s->conn, (int)state, &n);
    if (rc == FSE_OK) {
        *n_out = (size_t)n;
    }
    return rc;
}

fse_err fse_store_outbox_run_once(bool *ran_out, fse_store *s, const char *worker,
                                  fse_store_job_fn fn, void *ctx, int64_t now_ms, int64_t lease_ms)
{
    fse_store_job *job = NULL;
    fse_err rc;
    fse_err job_rc;

    if (ran_out == NULL || fn == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "run: missing argument");
    }
    *ran_out = false;
    rc = fse_store_outbox_claim(&job, s, worker, now_ms, lease_ms);
    if (rc == FSE_E_NOT_FOUND) {
        return FSE_OK;
    }
    if (rc != FSE_OK) {
        return rc;
    }
    *ran_out = true;
    fse_error_clear();
    job_rc = fn(job, ctx);
    if (job_rc == FSE_OK) {
        rc = fse_store_outbox_complete(s, job, now_ms);
    } else {
        const char *msg = fse_error_last()->message;

        rc = fse_store_outbox_fail(NULL, s, job, msg[0] != '\0' ? msg : fse_strerror(job_rc),
                                   now_ms);
    }
    if (rc == FSE_E_CONFLICT) {
        rc = FSE_OK; /* another worker holds the job now */
    }
    fse_store_job_free(job);
    return rc;
}

void fse_store_job_free(fse_store_job *job)
{
    if (job != NULL) {
        fse_store__arena_free(job->arena_);
    }
}
