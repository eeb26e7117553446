/*
 * lib/consult/consult.c - the consultation service object: options, the JWT
 * verifier, the policy, the pool of store handles, the clock and logging.
 *
 * Owns the checks and defaults of fse_consult_opts and the lifetime of
 * everything fse_consult holds. Slots follow the gateway's model: created
 * at start-up, lent to one request at a time, a mutex guarding the busy
 * flags only.
 */
#include "consult_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int64_t fse_consult__now_ms(const fse_consult *c)
{
    return c->clock != NULL ? c->clock(c->clock_ud) : fse_store_now_ms();
}

void fse_consult__log(const fse_consult *c, fse_http_log_level level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (c == NULL || c->log == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    c->log(c->log_ud, level, line);
}

cs_slot *fse_consult__slot_acquire(fse_consult *c)
{
    return &c->slots[fse_pool_acquire(&c->pool)];
}

void fse_consult__slot_release(fse_consult *c, cs_slot *slot)
{
    if (slot == NULL) {
        return;
    }
    if (fse_store_in_tx(slot->store)) {
        (void)fse_store_tx_rollback(slot->store);
    }
    fse_pool_release(&c->pool, (size_t)(slot - c->slots));
}

static fse_err copy_required(char **out, const char *value, const char *what)
{
    if (value == NULL || value[0] == '\0') {
        return fse_error_set(FSE_E_ARG, FSE_CONSULT_MODULE, "option %s is required", what);
    }
    *out = fse_strdup(value);
    return *out != NULL ? FSE_OK : fse_error_set(FSE_E_NOMEM, FSE_CONSULT_MODULE, "%s", what);
}

static fse_err check_opts(const fse_consult_opts *o)
{
    if (o->version != FSE_CONSULT_OPTS_VERSION) {
        return fse_error_set(FSE_E_ARG, FSE_CONSULT_MODULE, "options version %u, expected %u",
                             o->version, FSE_CONSULT_OPTS_VERSION);
    }
    if (o->n_slots > CS_MAX_SLOTS) {
        return fse_error_set(FSE_E_ARG, FSE_CONSULT_MODULE, "n_slots %u is over the cap %u",
                             o->n_slots, CS_MAX_SLOTS);
    }
    if (o->emergency_ms < 0 || o->emergency_ms > CS_MAX_EMERGENCY_MS) {
        return fse_error_set(FSE_E_ARG, FSE_CONSULT_MODULE,
                             "emergency grant length out of range (0..24 h)");
    }
    return FSE_OK;
}

static fse_err load_trust(fse_consult *c, const fse_consult_opts *o)
{
    fse_jwt_verifier_opts vo = FSE_JWT_VERIFIER_OPTS_INIT;

    vo.ca_files = o->ca_files;
    vo.n_ca_files = o->n_ca_files;
    vo.ca_pem = o->ca_pem;
    vo.ca_pem_len = o->ca_pem_len;
    vo.audience = o->audience;
    if (o->clock_skew_s != 0) {
        vo.clock_skew = o->clock_skew_s;
    }
    return fse_jwt_verifier_new(&c->verifier, &vo) == FSE_OK ? FSE_OK
                                                             : fse_error_prefix(FSE_CONSULT_MODULE);
}

static fse_err open_slots(fse_consult *c, unsigned n)
{
    size_t i;

    c->n_slots = n != 0 ? n : CS_DEFAULT_SLOTS;
    c->slots = fse_calloc(c->n_slots, sizeof(*c->slots));
    if (c->slots == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_CONSULT_MODULE, "slots");
    }
    for (i = 0; i < c->n_slots; i++) {
        if (fse_store_open(&c->slots[i].store, &c->store_opts) != FSE_OK) {
            return fse_error_prefix(FSE_CONSULT_MODULE);
        }
    }
    return fse_pool_init(&c->pool, c->n_slots);
}

static fse_err build(fse_consult *c, const fse_consult_opts *o)
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_err rc = copy_required(&c->store_path, o->store_path, "store_path");

    if (rc == FSE_OK) {
        rc = copy_required(&c->master_key_path, o->master_key_path, "master_key_path");
    }
    if (rc == FSE_OK && (o->audience == NULL || o->audience[0] == '\0')) {
        rc = fse_error_set(FSE_E_ARG, FSE_CONSULT_MODULE, "option audience is required");
    }
    if (rc != FSE_OK) {
        return rc;
    }
    if (o->base_url != NULL && o->base_url[0] != '\0') {
        c->base_url = fse_strdup(o->base_url);
        if (c->base_url == NULL) {
            return fse_error_set(FSE_E_NOMEM, FSE_CONSULT_MODULE, "base_url");
        }
    }
    so.path = c->store_path;
    so.master_key_path = c->master_key_path;
    so.busy_timeout_ms = o->store_busy_timeout_ms;
    c->store_opts = so;
    c->emergency_ms = o->emergency_ms != 0 ? o->emergency_ms : CS_DEFAULT_EMERGENCY_MS;
    c->clock = o->clock;
    c->clock_ud = o->clock_ud;
    c->log = o->log;
    c->log_ud = o->log_ud;
    c->session = o->session;
    c->session_ud = o->session_ud;
    rc = load_trust(c, o);
    if (rc == FSE_OK && fse_policy_new(&c->policy, o->policy_matrix_path) != FSE_OK) {
        rc = fse_error_prefix(FSE_CONSULT_MODULE);
    }
    if (rc == FSE_OK) {
        rc = open_slots(c, o->n_slots);
    }
    return rc == FSE_OK ? fse_consult__journal_start(&c->journal, &c->store_opts) : rc;
}

fse_err fse_consult_new(fse_consult **out, const fse_consult_opts *opts)
{
    fse_consult *c;
    fse_err rc;

    if (out == NULL || opts == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_CONSULT_MODULE, "NULL argument");
    }
    *out = NULL;
    rc = check_opts(opts);
    if (rc != FSE_OK) {
        return rc;
    }
    c = fse_calloc(1, sizeof(*c));
    if (c == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_CONSULT_MODULE, "consult");
    }
    pthread_mutex_init(&c->token_lock, NULL);
    c->tokens = fse_calloc(CS_TOKEN_CACHE, sizeof(*c->tokens));
    rc = c->tokens != NULL ? build(c, opts)
                           : fse_error_set(FSE_E_NOMEM, FSE_CONSULT_MODULE, "token cache");
    if (rc != FSE_OK) {
        fse_consult_free(c);
        return rc;
    }
    *out = c;
    return FSE_OK;
}

void fse_consult_free(fse_consult *c)
{
    size_t i;

    if (c == NULL) {
        return;
    }
    fse_consult__journal_stop(&c->journal);
    for (i = 0; c->slots != NULL && i < c->n_slots; i++) {
        fse_store_free(c->slots[i].store);
    }
    fse_free(c->slots);
    fse_policy_free(c->policy);
    fse_jwt_verifier_free(c->verifier);
    fse_free(c->store_path);
    fse_free(c->master_key_path);
    fse_free(c->base_url);
    fse_free(c->tokens);
    pthread_mutex_destroy(&c->token_lock);
    fse_pool_destroy(&c->pool);
    fse_free(c);
}
