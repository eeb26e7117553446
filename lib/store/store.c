/*
 * lib/store/store.c - the store handle: backend choice, open and close,
 * caller transactions and the internal operation scope, argument checks,
 * and the pass-through of audit-chain rows to the backend.
 *
 * Owns the backend table (one row per backend, like curl's vtls list), the
 * transaction state machine (caller transaction, savepoint per operation
 * inside it, or one transaction per operation outside it) and the
 * durability promise of the API (FSE_OK from a write or a commit means the
 * backend committed it with fsync). Does not own keys (store_keys.c),
 * documents (store_doc.c), links and events (store_queue.c), the outbox
 * (store_outbox.c) or SQL (store_sqlite*.c).
 */
#include "store_int.h"

#include <string.h>
#include <time.h>

/* Backends by name. */
static const store_backend *const backends[] = {
    &fse_store__sqlite_backend,
};

static const store_backend *find_backend(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
        if (strcmp(backends[i]->name, name) == 0) {
            return backends[i];
        }
    }
    return NULL;
}

int64_t fse_store_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

fse_err fse_store__check_str(const char *v, const char *what, size_t max, bool required)
{
    if (v == NULL || v[0] == '\0') {
        if (required) {
            return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "%s is required", what);
        }
        return FSE_OK;
    }
    if (strnlen(v, max + 1) > max) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "%s is longer than %zu bytes", what,
                             max);
    }
    return FSE_OK;
}

fse_err fse_store__need_keys(const fse_store *s)
{
    if (!s->has_keys) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "store opened without its master key");
    }
    return FSE_OK;
}

fse_err fse_store_open(fse_store **out, const fse_store_opts *opts)
{
    fse_store *s = NULL;
    const char *backend_name;
    fse_err rc = FSE_OK;

    if (out == NULL || opts == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "open: missing argument");
    }
    *out = NULL;
    if (opts->version != FSE_STORE_OPTS_VERSION) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "options version %u, expected %u",
                             opts->version, FSE_STORE_OPTS_VERSION);
    }
    if (opts->path == NULL || opts->path[0] == '\0') {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "database path missing");
    }
    backend_name = opts->backend != NULL ? opts->backend : "sqlite";
    s = fse_calloc(1, sizeof(*s));
    if (s == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "store handle");
    }
    s->be = find_backend(backend_name);
    if (s->be == NULL) {
        rc = fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "unknown storage backend '%s'",
                           backend_name);
        goto done;
    }
    s->max_attempts =
        opts->outbox_max_attempts > 0 ? opts->outbox_max_attempts : STORE_DEFAULT_MAX_ATTEMPTS;
    if (s->max_attempts > STORE_MAX_MAX_ATTEMPTS) {
        s->max_attempts = STORE_MAX_MAX_ATTEMPTS;
    }
    s->backoff_base_ms = opts->outbox_backoff_base_ms > 0 ? opts->outbox_backoff_base_ms
                                                          : STORE_DEFAULT_BACKOFF_BASE_MS;
    s->backoff_max_ms = opts->outbox_backoff_max_ms > 0 ? opts->outbox_backoff_max_ms
                                                        : STORE_DEFAULT_BACKOFF_MAX_MS;
    if (opts->master_key_path != NULL) {
        rc = fse_store__keyfile_read(s->master, opts->master_key_path);
        if (rc != FSE_OK) {
            goto done;
        }
        fse_store__derive(s->kek, s->kid, s->master);
        s->has_keys = true;
    }
    rc = s->be->open(&s->conn, opts);
    if (rc != FSE_OK) {
        goto done;
    }
    if (s->has_keys) {
        rc = fse_store__keys_load(s, fse_store_now_ms());
    }
done:
    if (rc != FSE_OK) {
        fse_store_free(s);
        return rc;
    }
    *out = s;
    return FSE_OK;
}

void fse_store_free(fse_store *s)
{
    if (s == NULL) {
        return;
    }
    if (s->conn != NULL) {
        if (s->tx_mode != 0) {
            (void)s->be->rollback(s->conn);
        }
        s->be->close(s->conn);
    }
    fse_store__wipe(s, sizeof(*s));
    fse_free(s);
}

const char *fse_store_master_kid(const fse_store *s)
{
    return s->kid;
}

bool fse_store_has_keys(const fse_store *s)
{
    return s->has_keys;
}

/* ------------------------------------------------------------------------ */
/* Transactions                                                             */
/* ------------------------------------------------------------------------ */

static fse_err tx_begin(fse_store *s, store_tx_mode mode)
{
    fse_err rc;

    if (s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "no store");
    }
    if (s->tx_mode != 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "a transaction is already open");
    }
    rc = s->be->begin(s->conn, mode);
    if (rc == FSE_OK) {
        s->tx_mode = mode;
    }
    return rc;
}

fse_err fse_store_tx_begin(fse_store *s)
{
    return tx_begin(s, STORE_TX_WRITE);
}

fse_err fse_store_tx_begin_read(fse_store *s)
{
    return tx_begin(s, STORE_TX_READ);
}

fse_err fse_store_tx_commit(fse_store *s)
{
    fse_err rc;

    if (s == NULL || s->tx_mode == 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "commit without a transaction");
    }
    /* The backend rolls back itself when the commit fails. */
    rc = s->be->commit(s->conn);
    s->tx_mode = 0;
    return rc;
}

fse_err fse_store_tx_rollback(fse_store *s)
{
    fse_err rc;

    if (s == NULL || s->tx_mode == 0) {
        return FSE_OK;
    }
    rc = s->be->rollback(s->conn);
    s->tx_mode = 0;
    return rc;
}

bool fse_store_in_tx(const fse_store *s)
{
    return s->tx_mode != 0;
}

fse_err fse_store__op_begin(fse_store *s, store_tx_mode mode)
{
    fse_err rc = FSE_OK;

    if (s->op_depth > 0) {
        s->op_depth++;
        return FSE_OK;
    }
    if (s->tx_mode == STORE_TX_READ && mode == STORE_TX_WRITE) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "write inside a read transaction");
    }
    rc = s->tx_mode != 0 ? s->be->savepoint(s->conn) : s->be->begin(s->conn, mode);
    if (rc == FSE_OK) {
        s->op_depth = 1;
    }
    return rc;
}

fse_err fse_store__op_end(fse_store *s, fse_err rc)
{
    fse_err end_rc;

    if (s->op_depth > 1) {
        s->op_depth--;
        return rc;
    }
    s->op_depth = 0;
    if (s->tx_mode != 0) {
        end_rc = rc == FSE_OK ? s->be->release(s->conn) : s->be->rollback_to(s->conn);
    } else {
        end_rc = rc == FSE_OK ? s->be->commit(s->conn) : s->be->rollback(s->conn);
    }
    /* A failure of the operation wins over a failure of its cleanup. */
    return rc != FSE_OK ? rc : end_rc;
}

/* ------------------------------------------------------------------------ */
/* Audit chain rows                                                         */
/* ------------------------------------------------------------------------ */

fse_err fse_store_audit_append(fse_store *s, fse_store_audit_build_fn build, void *ctx)
{
    static const uint8_t genesis[32] = {0};
    fse_store_audit_head head;
    fse_store_audit_row row;
    fse_err rc;

    if (s == NULL || build == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "audit append: missing argument");
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc != FSE_OK) {
        return rc;
    }
    rc = s->be->audit_head(s->conn, &head);
    if (rc == FSE_E_NOT_FOUND) {
        memset(&head, 0, sizeof(head));
        head.well_formed = true;
        memcpy(head.hash, genesis, sizeof(head.hash));
        rc = FSE_OK;
    }
    if (rc == FSE_OK && !head.well_formed) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                           "audit head is malformed: run the audit verification");
    }
    if (rc == FSE_OK) {
        memset(&row, 0, sizeof(row));
        rc = build(&row, ctx, head.seq + 1, head.hash);
    }
    if (rc == FSE_OK && (row.seq != head.seq + 1 || row.hash_len != 32)) {
        rc = fse_error_set(FSE_E_INTERNAL, FSE_STORE_MODULE, "audit row built out of sequence");
    }
    if (rc == FSE_OK) {
        rc = s->be->audit_insert(s->conn, &row);
    }
    return fse_store__op_end(s, rc);
}

fse_err fse_store_audit_head_get(fse_store_audit_head *out, fse_store *s)
{
    fse_err rc;

    if (out == NULL || s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "audit head: missing argument");
    }
    rc = s->be->audit_head(s->conn, out);
    if (rc == FSE_E_NOT_FOUND) {
        return fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "audit log is empty");
    }
    return rc;
}

fse_err fse_store_audit_scan(fse_store *s, const fse_store_audit_filter *f,
                             fse_store_audit_row_fn fn, void *ctx)
{
    fse_store_audit_filter all;

    if (s == NULL || fn == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "audit scan: missing argument");
    }
    if (f == NULL) {
        memset(&all, 0, sizeof(all));
        f = &all;
    }
    return s->be->audit_scan(s->conn, f, fn, ctx);
}
