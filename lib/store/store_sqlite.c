/*
 * lib/store/store_sqlite.c - the SQLite backend of the store: connection,
 * durability settings, schema and its migrations, transactions, settings and
 * node-key rows, and the backend function table.
 *
 * Owns: WAL mode with synchronous=FULL (a commit returns after the WAL is
 * fsync'd), secure_delete (freed pages are zeroed, so wiped content does not
 * linger), the busy timeout, the file mode of a new database (0600), the
 * versioned schema (PRAGMA user_version; each migration runs in one
 * transaction) and the append-only triggers of the audit log and the consent
 * history.
 * Does not own encryption, keyed references or any policy: the rows it
 * receives are already sealed by the front end (store_doc.c, store_queue.c,
 * store_outbox.c, store_privacy.c, store_relation.c, lib/audit). Document,
 * queue, privacy-state and audit statements are in store_sqlite_doc.c,
 * store_sqlite_queue.c, store_sqlite_privacy.c and store_sqlite_audit.c.
 *
 * Threading: one store_conn per thread (opened SQLITE_OPEN_NOMUTEX).
 */
#include "store_sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Schema migrations: migrations[i] takes user_version i to i + 1. Never edit
 * a released step; append a new one. */
static const char *const migrations[] = {
    /* 0 -> 1: initial schema. */
    "CREATE TABLE store_settings("
    "  key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE node_keys("
    "  purpose TEXT PRIMARY KEY, kid TEXT NOT NULL, wrapped BLOB NOT NULL,"
    "  created_ms INTEGER NOT NULL) STRICT;"
    "CREATE TABLE documents("
    "  seq INTEGER PRIMARY KEY,"
    "  doc_id TEXT NOT NULL UNIQUE,"
    "  unique_id TEXT NOT NULL UNIQUE,"
    "  status INTEGER NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  repository_id TEXT, patient_ref TEXT, class_code TEXT, type_code TEXT,"
    "  practice_setting_code TEXT, facility_type_code TEXT, confidentiality_code TEXT,"
    "  event_codes TEXT, author_institution TEXT, creation_time TEXT,"
    "  workflow_instance_id TEXT, replaces TEXT, replaced_by TEXT,"
    "  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, deleted_ms INTEGER,"
    "  dk_kid TEXT, dk_wrapped BLOB, meta_ct BLOB) STRICT;"
    "CREATE INDEX documents_patient ON documents(patient_ref, seq);"
    "CREATE INDEX documents_kid ON documents(dk_kid);"
    "CREATE TABLE document_blobs("
    "  doc_id TEXT NOT NULL, kind INTEGER NOT NULL, ct BLOB NOT NULL,"
    "  PRIMARY KEY (doc_id, kind)) STRICT;"
    "CREATE TABLE validation_links("
    "  link_hash TEXT PRIMARY KEY, wii TEXT NOT NULL, created_ms INTEGER NOT NULL,"
    "  used_ms INTEGER) STRICT;"
    "CREATE INDEX validation_links_created ON validation_links(created_ms);"
    "CREATE TABLE status_events("
    "  id INTEGER PRIMARY KEY, trace_id TEXT NOT NULL, workflow_instance_id TEXT,"
    "  event_type TEXT NOT NULL, event_status TEXT NOT NULL,"
    "  identificativo_documento TEXT, event_date_ms INTEGER NOT NULL,"
    "  expiring_date_ms INTEGER NOT NULL, sealed BLOB) STRICT;"
    "CREATE INDEX status_events_wii ON status_events(workflow_instance_id, event_date_ms);"
    "CREATE INDEX status_events_trace ON status_events(trace_id, event_date_ms);"
    "CREATE INDEX status_events_expiry ON status_events(expiring_date_ms);"
    "CREATE TABLE outbox("
    "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, idem_key TEXT NOT NULL UNIQUE,"
    "  payload BLOB NOT NULL, state INTEGER NOT NULL, attempts INTEGER NOT NULL,"
    "  max_attempts INTEGER NOT NULL, not_before_ms INTEGER NOT NULL,"
    "  lease_until_ms INTEGER, lease_owner TEXT, last_error BLOB,"
    "  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL) STRICT;"
    "CREATE INDEX outbox_due ON outbox(state, not_before_ms);"
    "CREATE INDEX outbox_lease ON outbox(state, lease_until_ms);"
    "CREATE TABLE audit_log("
    "  seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, trace_id TEXT, actor_ref TEXT,"
    "  role TEXT, organisation TEXT, purpose TEXT, action TEXT, patient_ref TEXT,"
    "  document_id TEXT, outcome INTEGER NOT NULL, sealed BLOB,"
    "  prev_hash BLOB NOT NULL, hash BLOB NOT NULL, mac BLOB) STRICT;"
    "CREATE INDEX audit_log_patient ON audit_log(patient_ref, seq);"
    "CREATE INDEX audit_log_actor ON audit_log(actor_ref, seq);"
    "CREATE INDEX audit_log_document ON audit_log(document_id, seq);"
    "CREATE TABLE audit_head("
    "  id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash BLOB NOT NULL,"
    "  mac BLOB) STRICT;"
    /* Guard against accidental changes by application code. Not a security
     * boundary (anyone with the file can drop them): fse_audit_verify is. */
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",

    /* 1 -> 2: document visibility and the patient privacy state. Every
     * person is a keyed reference; sealed holds what names a person. */
    "ALTER TABLE documents ADD COLUMN visibility INTEGER NOT NULL DEFAULT 0;"
    /* fse_store_doc_list_patient: one range scan in the order it returns. */
    "CREATE INDEX documents_patient_time"
    "  ON documents(patient_ref, creation_time DESC, seq DESC, status);"
    "CREATE TABLE patients("
    "  patient_ref TEXT PRIMARY KEY, region TEXT, gp_ref TEXT, gp_from_ms INTEGER NOT NULL,"
    "  gp_to_ms INTEGER, notifications_off INTEGER NOT NULL, notify_channel TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, sealed BLOB NOT NULL) STRICT;"
    "CREATE TABLE consents("
    "  id INTEGER PRIMARY KEY, patient_ref TEXT NOT NULL, purpose INTEGER NOT NULL,"
    "  given INTEGER NOT NULL, time_ms INTEGER NOT NULL, channel TEXT, actor_role TEXT,"
    "  patient_minor INTEGER NOT NULL, sealed BLOB NOT NULL) STRICT;"
    "CREATE INDEX consents_patient ON consents(patient_ref, time_ms, id);"
    "CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents"
    "  BEGIN SELECT RAISE(ABORT, 'consents are append-only'); END;"
    "CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents"
    "  BEGIN SELECT RAISE(ABORT, 'consents are append-only'); END;"
    "CREATE TABLE relations("
    "  id INTEGER PRIMARY KEY, patient_ref TEXT NOT NULL, kind INTEGER NOT NULL,"
    "  actor_ref TEXT NOT NULL, actor_role TEXT, organisation TEXT,"
    "  valid_from_ms INTEGER NOT NULL, valid_to_ms INTEGER, ended_ms INTEGER,"
    "  flags INTEGER NOT NULL, created_ms INTEGER NOT NULL, sealed BLOB NOT NULL) STRICT;"
    "CREATE INDEX relations_patient ON relations(patient_ref, id);"
    "CREATE INDEX relations_actor ON relations(actor_ref, id);"
    "CREATE TABLE notifications("
    "  id INTEGER PRIMARY KEY, patient_ref TEXT NOT NULL, time_ms INTEGER NOT NULL,"
    "  kind TEXT NOT NULL, channel TEXT, sealed BLOB NOT NULL) STRICT;"
    "CREATE INDEX notifications_patient ON notifications(patient_ref, id);",

    /* 2 -> 3: the regional clinical store (fse/store_eds.h): the FHIR bundle
     * of each document and its resources, sealed with the document's key. */
    "CREATE TABLE eds_bundles("
    "  unique_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, patient_ref TEXT NOT NULL,"
    "  status INTEGER NOT NULL, replaced_by TEXT, n_resources INTEGER NOT NULL,"
    "  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, ct BLOB NOT NULL) STRICT;"
    "CREATE INDEX eds_bundles_patient ON eds_bundles(patient_ref, status, created_ms);"
    "CREATE TABLE eds_resources("
    "  unique_id TEXT NOT NULL, seq INTEGER NOT NULL, patient_ref TEXT NOT NULL,"
    "  type TEXT NOT NULL, ct BLOB NOT NULL, PRIMARY KEY (unique_id, seq)) STRICT;"
    /* fse_store_eds_resources: a document's resources of some types. */
    "CREATE INDEX eds_resources_type ON eds_resources(unique_id, type, seq);"
    /* A patient's resources of one type, across documents. */
    "CREATE INDEX eds_resources_patient ON eds_resources(patient_ref, type);",

    /* 3 -> 4: the patient's taccuino (DM23 art.5, store_taccuino.c): the
     * patient a keyed reference, each note and its file sealed. */
    "CREATE TABLE taccuino("
    "  note_id TEXT PRIMARY KEY, patient_ref TEXT NOT NULL, created_ms INTEGER NOT NULL,"
    "  author_role TEXT NOT NULL, file_len INTEGER NOT NULL, sealed BLOB NOT NULL,"
    "  file_ct BLOB) STRICT;"
    "CREATE INDEX taccuino_patient ON taccuino(patient_ref, created_ms);",

    /* 4 -> 5: monitoring (fse/store_monitor.h): the professionals enabled
     * per region (keyed actor references), the daily validation counters,
     * and the indexes of the indicators' time windows. */
    "CREATE TABLE professionals("
    "  actor_ref TEXT NOT NULL, role TEXT NOT NULL, region TEXT NOT NULL,"
    "  enabled_from_ms INTEGER NOT NULL, enabled_to_ms INTEGER, updated_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (actor_ref, role, region)) STRICT;"
    "CREATE INDEX professionals_region ON professionals(region, role);"
    "CREATE TABLE mon_validation("
    "  day INTEGER NOT NULL, doc_type TEXT NOT NULL, outcome TEXT NOT NULL, n INTEGER NOT NULL,"
    "  PRIMARY KEY (day, doc_type, outcome)) WITHOUT ROWID, STRICT;"
    "CREATE TABLE mon_validation_rules("
    "  day INTEGER NOT NULL, doc_type TEXT NOT NULL, rule TEXT NOT NULL, n INTEGER NOT NULL,"
    "  PRIMARY KEY (day, doc_type, rule)) WITHOUT ROWID, STRICT;"
    /* A person's audit records in a period (citizens' accesses, GPs' and
     * specialists' operations in a quarter), read in patient order. */
    "CREATE INDEX audit_log_patient_time ON audit_log(patient_ref, time_ms);"
    "CREATE INDEX audit_log_actor_time ON audit_log(actor_ref, time_ms);"
    /* A patient's first document of each type (covering); documents stored
     * per hour; publication events of a period. */
    "CREATE INDEX documents_patient_type ON documents(patient_ref, type_code, created_ms);"
    "CREATE INDEX documents_created ON documents(created_ms, type_code);"
    "CREATE INDEX status_events_type_date ON status_events(event_type, event_date_ms);",
};

#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* ------------------------------------------------------------------------ */
/* Statement helpers                                                        */
/* ------------------------------------------------------------------------ */

fse_err fse_store__sq_fail(store_conn *c, const char *what)
{
    int ext = sqlite3_extended_errcode(c->db);

    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return fse_error_set(FSE_E_CONFLICT, FSE_STORE_MODULE, "%s: already exists (%s)", what,
                             sqlite3_errmsg(c->db));
    }
    return fse_error_set(FSE_E_DB, FSE_STORE_MODULE, "%s: %s (sqlite %d)", what,
                         sqlite3_errmsg(c->db), ext);
}

fse_err fse_store__sq_bind_fail(store_conn *c, sqlite3_stmt *st)
{
    fse_err rc = fse_store__sq_fail(c, "bind");

    sqlite3_finalize(st);
    return rc;
}

fse_err fse_store__sq_prepare(store_conn *c, const char *sql, sqlite3_stmt **st)
{
    *st = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, st, NULL) != SQLITE_OK) {
        return fse_store__sq_fail(c, "prepare");
    }
    return FSE_OK;
}

int fse_store__sq_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s == NULL) {
        return sqlite3_bind_null(st, idx);
    }
    return sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC);
}

int fse_store__sq_blob(sqlite3_stmt *st, int idx, const uint8_t *p, size_t n)
{
    if (p == NULL) {
        return sqlite3_bind_null(st, idx);
    }
    return sqlite3_bind_blob64(st, idx, p, (sqlite3_uint64)n, SQLITE_STATIC);
}

int fse_store__sq_opt_i64(sqlite3_stmt *st, int idx, int64_t v)
{
    if (v == 0) {
        return sqlite3_bind_null(st, idx);
    }
    return sqlite3_bind_int64(st, idx, v);
}

const char *fse_store__sq_col_text(sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        return NULL;
    }
    return (const char *)sqlite3_column_text(st, col);
}

const uint8_t *fse_store__sq_col_blob(sqlite3_stmt *st, int col, size_t *len)
{
    const uint8_t *p;

    *len = 0;
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        return NULL;
    }
    p = sqlite3_column_blob(st, col);
    *len = (size_t)sqlite3_column_bytes(st, col);
    /* A zero-length blob reads as NULL; give a non-NULL empty pointer. */
    return p != NULL ? p : (const uint8_t *)"";
}

fse_err fse_store__sq_run(store_conn *c, sqlite3_stmt *st, const char *what)
{
    fse_err rc = FSE_OK;

    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = fse_store__sq_fail(c, what);
    }
    sqlite3_finalize(st);
    return rc;
}

static fse_err exec(store_conn *c, const char *sql, const char *what)
{
    if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        return fse_store__sq_fail(c, what);
    }
    return FSE_OK;
}

/* ------------------------------------------------------------------------ */
/* Open and schema                                                          */
/* ------------------------------------------------------------------------ */

static fse_err pragma_text(store_conn *c, const char *sql, const char *expect)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, sql, &st);
    const char *got;

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = fse_store__sq_fail(c, sql);
        goto done;
    }
    got = fse_store__sq_col_text(st, 0);
    if (expect != NULL && (got == NULL || strcmp(got, expect) != 0)) {
        rc = fse_error_set(FSE_E_DB, FSE_STORE_MODULE, "%s gave %s, need %s", sql,
                           got != NULL ? got : "nothing", expect);
    }
done:
    sqlite3_finalize(st);
    return rc;
}

static fse_err user_version(store_conn *c, int *out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, "PRAGMA user_version", &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = fse_store__sq_fail(c, "reading the schema version");
    } else {
        *out = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Bring the schema to SCHEMA_VERSION, one transaction per step. */
static fse_err migrate(store_conn *c)
{
    fse_err rc = FSE_OK;
    int v = 0;

    for (;;) {
        char set[64];

        rc = exec(c, "BEGIN IMMEDIATE", "begin migration");
        if (rc != FSE_OK) {
            return rc;
        }
        rc = user_version(c, &v);
        if (rc != FSE_OK) {
            break;
        }
        if (v > SCHEMA_VERSION) {
            rc = fse_error_set(FSE_E_UNSUPPORTED, FSE_STORE_MODULE,
                               "database schema version %d is newer than this build (%d)", v,
                               SCHEMA_VERSION);
            break;
        }
        if (v == SCHEMA_VERSION) {
            return exec(c, "COMMIT", "end migration");
        }
        rc = exec(c, migrations[v], "schema migration");
        if (rc != FSE_OK) {
            break;
        }
        /* PRAGMA takes no parameters; v + 1 is our own integer. */
        snprintf(set, sizeof(set), "PRAGMA user_version = %d", v + 1);
        rc = exec(c, set, "schema version");
        if (rc == FSE_OK) {
            rc = exec(c, "COMMIT", "commit migration");
        }
        if (rc != FSE_OK) {
            break;
        }
    }
    (void)sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* fsync the directory of path so the names of a new database and WAL are
 * durable along with their contents. */
static fse_err sync_dir(const char *path)
{
    char *copy = fse_strdup(path);
    fse_err rc = FSE_OK;
    int fd;

    if (copy == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "path copy");
    }
    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        rc = fse_error_set(FSE_E_IO, FSE_STORE_MODULE, "fsync of the directory of %s: %s", path,
                           strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
    fse_free(copy);
    return rc;
}

static fse_err sq_open(store_conn **out, const fse_store_opts *opts)
{
    store_conn *c = NULL;
    struct stat st;
    bool created = stat(opts->path, &st) != 0;
    int busy = opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms : STORE_DEFAULT_BUSY_MS;
    fse_err rc = FSE_OK;

    *out = NULL;
    if (busy > STORE_MAX_BUSY_MS) {
        busy = STORE_MAX_BUSY_MS;
    }
    c = fse_calloc(1, sizeof(*c));
    if (c == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "connection");
    }
    if (sqlite3_open_v2(opts->path, &c->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                            SQLITE_OPEN_EXRESCODE,
                        NULL) != SQLITE_OK) {
        rc = fse_error_set(FSE_E_DB, FSE_STORE_MODULE, "opening %s: %s", opts->path,
                           c->db != NULL ? sqlite3_errmsg(c->db) : "out of memory");
        goto done;
    }
    /* A new database holds ciphertext and keyed references only, but its
     * owner alone needs it; -wal and -shm inherit this mode. */
    if (created && chmod(opts->path, 0600) != 0) {
        rc = fse_error_set(FSE_E_IO, FSE_STORE_MODULE, "chmod %s: %s", opts->path, strerror(errno));
        goto done;
    }
    sqlite3_busy_timeout(c->db, busy);
    rc = pragma_text(c, "PRAGMA journal_mode=WAL", "wal");
    if (rc == FSE_OK) {
        /* FULL in WAL mode: the WAL is fsync'd at every commit. */
        rc = exec(c,
                  "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;"
                  "PRAGMA trusted_schema=OFF; PRAGMA journal_size_limit=67108864;",
                  "pragmas");
    }
    if (rc == FSE_OK) {
        rc = migrate(c);
    }
    if (rc == FSE_OK && created) {
        rc = sync_dir(opts->path);
    }
done:
    if (rc != FSE_OK) {
        if (c->db != NULL) {
            sqlite3_close_v2(c->db);
        }
        fse_free(c);
        return rc;
    }
    *out = c;
    return FSE_OK;
}

static void sq_close(store_conn *c)
{
    if (c == NULL) {
        return;
    }
    sqlite3_close_v2(c->db);
    fse_free(c);
}

/* ------------------------------------------------------------------------ */
/* Transactions                                                             */
/* ------------------------------------------------------------------------ */

static fse_err sq_begin(store_conn *c, store_tx_mode mode)
{
    return exec(c, mode == STORE_TX_WRITE ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", "begin");
}

static fse_err sq_commit(store_conn *c)
{
    fse_err rc = exec(c, "COMMIT", "commit");

    if (rc != FSE_OK && !sqlite3_get_autocommit(c->db)) {
        (void)sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

static fse_err sq_rollback(store_conn *c)
{
    if (sqlite3_get_autocommit(c->db)) {
        return FSE_OK; /* SQLite already rolled back (e.g. after an I/O error) */
    }
    return exec(c, "ROLLBACK", "rollback");
}

static fse_err sq_savepoint(store_conn *c)
{
    return exec(c, "SAVEPOINT fse_op", "savepoint");
}

static fse_err sq_release(store_conn *c)
{
    return exec(c, "RELEASE fse_op", "release savepoint");
}

static fse_err sq_rollback_to(store_conn *c)
{
    return exec(c, "ROLLBACK TO fse_op; RELEASE fse_op", "rollback to savepoint");
}

/* ------------------------------------------------------------------------ */
/* Settings and node keys                                                   */
/* ------------------------------------------------------------------------ */

static fse_err sq_kv_get(store_conn *c, const char *key, char **value_out)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c, "SELECT value FROM store_settings WHERE key = ?1", &st);
    int step;

    *value_out = NULL;
    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, key) != SQLITE_OK) {
        rc = fse_store__sq_fail(c, "bind");
        goto done;
    }
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = FSE_E_NOT_FOUND;
    } else if (step != SQLITE_ROW) {
        rc = fse_store__sq_fail(c, "reading a setting");
    } else {
        *value_out = fse_strdup((const char *)sqlite3_column_text(st, 0));
        if (*value_out == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "setting value");
        }
    }
done:
    sqlite3_finalize(st);
    return rc;
}

static fse_err sq_kv_set(store_conn *c, const char *key, const char *value)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(c,
                                       "INSERT INTO store_settings(key, value) VALUES (?1, ?2)"
                                       " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                       &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, key) != SQLITE_OK ||
        fse_store__sq_text(st, 2, value) != SQLITE_OK) {
        rc = fse_store__sq_fail(c, "bind");
        sqlite3_finalize(st);
        return rc;
    }
    return fse_store__sq_run(c, st, "writing a setting");
}

static fse_err sq_node_key_get(store_conn *c, const char *purpose, store_key_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    fse_err rc =
        fse_store__sq_prepare(c, "SELECT kid, wrapped FROM node_keys WHERE purpose = ?1", &st);
    int step;

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, purpose) != SQLITE_OK) {
        rc = fse_store__sq_fail(c, "bind");
        goto done;
    }
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = FSE_E_NOT_FOUND;
    } else if (step != SQLITE_ROW) {
        rc = fse_store__sq_fail(c, "reading a node key");
    } else {
        size_t len = 0;
        const uint8_t *w = fse_store__sq_col_blob(st, 1, &len);

        rc = fn(fse_store__sq_col_text(st, 0), w, len, ctx);
    }
done:
    sqlite3_finalize(st);
    return rc;
}

static fse_err sq_node_key_put(store_conn *c, const char *purpose, const char *kid,
                               const uint8_t *wrapped, size_t len, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    fse_err rc = fse_store__sq_prepare(
        c,
        "INSERT INTO node_keys(purpose, kid, wrapped, created_ms) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT(purpose) DO UPDATE SET kid = excluded.kid, wrapped = excluded.wrapped",
        &st);

    if (rc != FSE_OK) {
        return rc;
    }
    if (fse_store__sq_text(st, 1, purpose) != SQLITE_OK ||
        fse_store__sq_text(st, 2, kid) != SQLITE_OK ||
        fse_store__sq_blob(st, 3, wrapped, len) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, now_ms) != SQLITE_OK) {
        rc = fse_store__sq_fail(c, "bind");
        sqlite3_finalize(st);
        return rc;
    }
    return fse_store__sq_run(c, st, "writing a node key");
}

/* ------------------------------------------------------------------------ */
/* The function table                                                       */
/* ------------------------------------------------------------------------ */

const store_backend fse_store__sqlite_backend = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .savepoint = sq_savepoint,
    .release = sq_release,
    .rollback_to = sq_rollback_to,
    .kv_get = sq_kv_get,
    .kv_set = sq_kv_set,
    .node_key_get = sq_node_key_get,
    .node_key_put = sq_node_key_put,
    .doc_insert = fse_store__sq_doc_insert,
    .doc_update = fse_store__sq_doc_update,
    .doc_get = fse_store__sq_doc_get,
    .doc_search = fse_store__sq_doc_search,
    .doc_list_patient = fse_store__sq_doc_list_patient,
    .doc_tombstone = fse_store__sq_doc_tombstone,
    .doc_keys = fse_store__sq_doc_keys,
    .doc_key_set = fse_store__sq_doc_key_set,
    .doc_key_count_other = fse_store__sq_doc_key_count_other,
    .blob_put = fse_store__sq_blob_put,
    .blob_get = fse_store__sq_blob_get,
    .link_put = fse_store__sq_link_put,
    .link_get = fse_store__sq_link_get,
    .link_use = fse_store__sq_link_use,
    .link_purge = fse_store__sq_link_purge,
    .event_insert = fse_store__sq_event_insert,
    .event_query = fse_store__sq_event_query,
    .event_purge = fse_store__sq_event_purge,
    .job_insert = fse_store__sq_job_insert,
    .job_claim = fse_store__sq_job_claim,
    .job_settle = fse_store__sq_job_settle,
    .job_get = fse_store__sq_job_get,
    .job_retry = fse_store__sq_job_retry,
    .job_count = fse_store__sq_job_count,
    .patient_put = fse_store__sq_patient_put,
    .patient_get = fse_store__sq_patient_get,
    .consent_insert = fse_store__sq_consent_insert,
    .consent_count = fse_store__sq_consent_count,
    .consent_list = fse_store__sq_consent_list,
    .relation_insert = fse_store__sq_relation_insert,
    .relation_update = fse_store__sq_relation_update,
    .relation_list = fse_store__sq_relation_list,
    .notification_insert = fse_store__sq_notification_insert,
    .notification_list = fse_store__sq_notification_list,
    .audit_head = fse_store__sq_audit_head,
    .audit_insert = fse_store__sq_audit_insert,
    .audit_scan = fse_store__sq_audit_scan,
};
