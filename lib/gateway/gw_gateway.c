/*
 * lib/gateway/gw_gateway.c - the gateway object: options, catalog and
 * verifier, the slot pool, the clock and logging.
 *
 * Owns the checks and defaults of fse_gateway_opts, the lifetime of the
 * catalog (when not lent), of the JWT verifier and of every slot, and the
 * pool that lends slots to request threads (see the CACHE note on gw_slot in
 * gateway_int.h). Does not own the endpoints (gw_routes.c) or the worker
 * thread (gw_outbox.c), though fse_gateway_free stops it.
 */
#include "gateway_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int64_t fse_gateway__now_ms(const fse_gateway *gw)
{
    return gw->clock != NULL ? gw->clock(gw->clock_ud) : fse_store_now_ms();
}

void fse_gateway__log(const fse_gateway *gw, fse_http_log_level level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (gw == NULL || gw->log == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    gw->log(gw->log_ud, level, line);
}

gw_slot *fse_gateway__slot_acquire(fse_gateway *gw)
{
    return &gw->slots[fse_pool_acquire(&gw->pool)];
}

void fse_gateway__slot_release(fse_gateway *gw, gw_slot *slot)
{
    if (slot == NULL) {
        return;
    }
    /* A transaction left open by a failed step must not leak into the next
     * request on this handle. */
    if (slot->store != NULL && fse_store_in_tx(slot->store)) {
        (void)fse_store_tx_rollback(slot->store);
    }
    fse_pool_release(&gw->pool, (size_t)(slot - gw->slots));
}

static void slot_close(gw_slot *slot)
{
    fse_validator_free(slot->validator);
    fse_xml_parser_free(slot->parser);
    fse_store_free(slot->store);
    memset(slot, 0, sizeof(*slot));
}

static fse_err slot_open(fse_gateway *gw, gw_slot *slot, bool with_validator)
{
    fse_err rc = fse_store_open(&slot->store, &gw->store_opts);

    if (rc != FSE_OK) {
        return fse_error_prefix(FSE_GW_MODULE);
    }
    if (!with_validator) {
        return FSE_OK;
    }
    rc = fse_validator_new(&slot->validator, gw->catalog);
    if (rc == FSE_OK) {
        rc = fse_xml_parser_new(&slot->parser);
    }
    if (rc != FSE_OK) {
        return fse_error_prefix(FSE_GW_MODULE);
    }
    return FSE_OK;
}

static fse_err copy_opt(char **out, const char *value, const char *what, bool required)
{
    *out = NULL;
    if (value == NULL || value[0] == '\0') {
        if (required) {
            return fse_error_set(FSE_E_ARG, FSE_GW_MODULE, "option %s is required", what);
        }
        return FSE_OK;
    }
    *out = fse_strdup(value);
    if (*out == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_GW_MODULE, "copying %s", what);
    }
    return FSE_OK;
}

static fse_err check_opts(const fse_gateway_opts *o)
{
    if (o->version != FSE_GATEWAY_OPTS_VERSION) {
        return fse_error_set(FSE_E_ARG, FSE_GW_MODULE, "options version %u, expected %u",
                             o->version, FSE_GATEWAY_OPTS_VERSION);
    }
    if (o->catalog == NULL && (o->rules_dir == NULL || o->rules_dir[0] == '\0')) {
        return fse_error_set(FSE_E_ARG, FSE_GW_MODULE, "a catalog or a rules directory is needed");
    }
    if (o->n_slots > GW_MAX_SLOTS) {
        return fse_error_set(FSE_E_ARG, FSE_GW_MODULE, "n_slots %u is over the cap %u", o->n_slots,
                             GW_MAX_SLOTS);
    }
    if (o->callback_timeout_ms > GW_MAX_CALLBACK_MS) {
        return fse_error_set(FSE_E_ARG, FSE_GW_MODULE, "callback timeout %u ms over the cap %u",
                             o->callback_timeout_ms, GW_MAX_CALLBACK_MS);
    }
    if (o->outbox_lease_ms < 0) {
        return fse_error_set(FSE_E_ARG, FSE_GW_MODULE, "negative outbox lease");
    }
    return FSE_OK;
}

static fse_err load_trust(fse_gateway *gw, const fse_gateway_opts *o)
{
    fse_jwt_verifier_opts vo = FSE_JWT_VERIFIER_OPTS_INIT;
    fse_err rc;

    vo.ca_files = o->ca_files;
    vo.n_ca_files = o->n_ca_files;
    vo.ca_pem = o->ca_pem;
    vo.ca_pem_len = o->ca_pem_len;
    vo.audience = o->audience;
    if (o->clock_skew_s != 0) {
        vo.clock_skew = o->clock_skew_s;
    }
    rc = fse_jwt_verifier_new(&gw->verifier, &vo);
    return rc == FSE_OK ? FSE_OK : fse_error_prefix(FSE_GW_MODULE);
}

static fse_err load_catalog(fse_gateway *gw, const fse_gateway_opts *o)
{
    fse_catalog_opts co = {o->skip_vocabulary};
    fse_err rc;

    if (o->catalog != NULL) {
        gw->catalog = o->catalog;
        return FSE_OK;
    }
    rc = fse_catalog_load(&gw->owned_catalog, o->rules_dir, &co);
    if (rc != FSE_OK) {
        return fse_error_prefix(FSE_GW_MODULE);
    }
    gw->catalog = gw->owned_catalog;
    return FSE_OK;
}

static fse_err set_store_opts(fse_gateway *gw, const fse_gateway_opts *o)
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_err rc = copy_opt(&gw->store_path, o->store_path, "store_path", true);

    if (rc == FSE_OK) {
        rc = copy_opt(&gw->master_key_path, o->master_key_path, "master_key_path", true);
    }
    if (rc == FSE_OK) {
        rc = copy_opt(&gw->callback_hosts, o->callback_hosts, "callback_hosts", false);
    }
    so.path = gw->store_path;
    so.master_key_path = gw->master_key_path;
    so.busy_timeout_ms = o->store_busy_timeout_ms;
    so.outbox_max_attempts = o->outbox_max_attempts;
    so.outbox_backoff_base_ms = o->outbox_backoff_base_ms;
    so.outbox_backoff_max_ms = o->outbox_backoff_max_ms;
    gw->store_opts = so;
    return rc;
}

static void set_runtime(fse_gateway *gw, const fse_gateway_opts *o)
{
    gw->skip_vocabulary = o->skip_vocabulary;
    gw->pades_check = !o->pades_check_off;
    gw->clock = o->clock;
    gw->clock_ud = o->clock_ud;
    gw->fhir = o->fhir;
    gw->fhir_ud = o->fhir_ud;
    gw->log = o->log;
    gw->log_ud = o->log_ud;
    gw->poll_ms = o->outbox_poll_ms != 0 ? o->outbox_poll_ms : GW_DEFAULT_POLL_MS;
    gw->lease_ms = o->outbox_lease_ms != 0 ? o->outbox_lease_ms : GW_DEFAULT_LEASE_MS;
    gw->callback_timeout_ms =
        o->callback_timeout_ms != 0 ? o->callback_timeout_ms : GW_DEFAULT_CALLBACK_MS;
    gw->n_slots = o->n_slots != 0 ? o->n_slots : GW_DEFAULT_SLOTS;
}

fse_err fse_gateway_new(fse_gateway **out, const fse_gateway_opts *opts)
{
    fse_gateway *gw = NULL;
    fse_err rc;
    size_t i;

    if (out == NULL || opts == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_GW_MODULE, "new: missing argument");
    }
    *out = NULL;
    rc = check_opts(opts);
    if (rc != FSE_OK) {
        return rc;
    }
    gw = fse_calloc(1, sizeof(*gw));
    if (gw == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_GW_MODULE, "gateway");
    }
    pthread_mutex_init(&gw->worker_lock, NULL);
    pthread_cond_init(&gw->worker_wake, NULL);
    set_runtime(gw, opts);
    rc = set_store_opts(gw, opts);
    if (rc == FSE_OK) {
        rc = load_trust(gw, opts);
    }
    if (rc == FSE_OK) {
        rc = load_catalog(gw, opts);
    }
    if (rc == FSE_OK) {
        gw->slots = fse_calloc(gw->n_slots, sizeof(*gw->slots));
        if (gw->slots == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, FSE_GW_MODULE, "slots");
        }
    }
    for (i = 0; rc == FSE_OK && i < gw->n_slots; i++) {
        rc = slot_open(gw, &gw->slots[i], true);
    }
    if (rc == FSE_OK) {
        rc = fse_pool_init(&gw->pool, gw->n_slots);
    }
    if (rc != FSE_OK) {
        fse_gateway_free(gw);
        return rc;
    }
    fse_gateway__log(
        gw, FSE_HTTP_LOG_INFO, "module=gateway event=ready slots=%zu pades_check=%s vocabulary=%s",
        gw->n_slots, gw->pades_check ? "on" : "off", gw->skip_vocabulary ? "skipped" : "on");
    *out = gw;
    return FSE_OK;
}

void fse_gateway_free(fse_gateway *gw)
{
    size_t i;

    if (gw == NULL) {
        return;
    }
    fse_gateway_worker_stop(gw);
    for (i = 0; gw->slots != NULL && i < gw->n_slots; i++) {
        slot_close(&gw->slots[i]);
    }
    fse_free(gw->slots);
    fse_jwt_verifier_free(gw->verifier);
    fse_catalog_free(gw->owned_catalog);
    fse_free(gw->store_path);
    fse_free(gw->master_key_path);
    fse_free(gw->callback_hosts);
    pthread_cond_destroy(&gw->worker_wake);
    pthread_mutex_destroy(&gw->worker_lock);
    fse_pool_destroy(&gw->pool);
    fse_free(gw);
}

fse_err fse_gateway__worker_slot_open(fse_gateway *gw)
{
    return slot_open(gw, &gw->worker_slot, false);
}

void fse_gateway__worker_slot_close(fse_gateway *gw)
{
    slot_close(&gw->worker_slot);
}
