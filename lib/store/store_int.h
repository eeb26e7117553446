/*
 * lib/store/store_int.h - internals shared by the files of the store module.
 *
 * Owns the backend function table (the curl vtls model: store.c and its
 * siblings call only through it; store_sqlite*.c implements it, a
 * store_pg.c would be a second row), the row structures exchanged with a
 * backend, the store's private limits, the handle layout, and the prototypes
 * of the crypto, arena and record-codec helpers. The public API is
 * include/fse/store.h; no other module includes this header.
 *
 * Split of work: the front end (store.c, store_keys.c, store_doc.c,
 * store_doc_list.c, store_meta.c, store_queue.c, store_outbox.c,
 * store_privacy.c, store_relation.c, store_record.c) validates arguments,
 * encrypts and decrypts, computes keyed references and decides policy
 * (expiry, back-off, status transitions, when a relation is in force). A
 * backend only stores and finds rows: it never sees plaintext document
 * bytes, keys or person identifiers.
 */
#ifndef FSE_STORE_INT_H
#define FSE_STORE_INT_H

#include "fse/store.h"
#include "fse/util.h"

/* Module name for fse_error_set. */
#define FSE_STORE_MODULE "store"

/* ------------------------------------------------------------------------ */
/* Limits (include/fse/limits.h is not ours; each has its reason)          */
/* ------------------------------------------------------------------------ */

/* Longest identifier (uniqueId, wii, traceId, link hash, idempotency key,
 * job kind): the Gateway caps idDoc and workflowInstanceId at 256. */
#define STORE_MAX_ID_LEN 256u
/* Longest other metadata string: codes, titles and OID strings are short;
 * this bounds what one request can make the store seal and index. */
#define STORE_MAX_TEXT_LEN 4096u
/* Longest event message: SOAP request/response traces (§5) can be long. */
#define STORE_MAX_MESSAGE_LEN (256u * 1024u)
/* Most event codes per document: attiCliniciRegoleAccesso <= 100 (§2). */
#define STORE_MAX_EVENT_CODES 100u
/* Largest sealed metadata record accepted back from the database. */
#define STORE_MAX_META_BYTES (1024u * 1024u)
/* Largest outbox payload: jobs carry metadata JSON, never documents. */
#define STORE_MAX_PAYLOAD_BYTES (1024u * 1024u)
/* Search page size: bounds decrypt work and memory per call. */
#define STORE_DEFAULT_PAGE 20u
#define STORE_MAX_PAGE 100u
/* Events returned by one status query: a workflow has a few dozen. */
#define STORE_MAX_EVENTS_PER_QUERY 1000u
/* Busy timeout: default and cap (a writer never waits longer). */
#define STORE_DEFAULT_BUSY_MS 5000
#define STORE_MAX_BUSY_MS 60000
/* Outbox defaults (fse_store_opts); the cap keeps 2^attempts in range. */
#define STORE_DEFAULT_MAX_ATTEMPTS 8u
#define STORE_MAX_MAX_ATTEMPTS 30u
#define STORE_DEFAULT_BACKOFF_BASE_MS 1000
#define STORE_DEFAULT_BACKOFF_MAX_MS 300000
/* Data keys rewrapped per backend round trip during rotation. */
#define STORE_ROTATE_BATCH 256u
/* Rows of one patient's consent history, and relations returned by one
 * query: a person has a handful; the cap bounds the decrypt work of the
 * facts a policy decision loads on every request. */
#define STORE_MAX_PRIVACY_ROWS 1000u
/* Notifications per page: default and cap (fse_store_notification_list_get). */
#define STORE_DEFAULT_NOTIFICATIONS 100u
#define STORE_MAX_NOTIFICATIONS 1000u

/* ------------------------------------------------------------------------ */
/* Crypto (store_crypto.c)                                                  */
/* ------------------------------------------------------------------------ */

#define STORE_KEY_LEN 32u
#define STORE_NONCE_LEN 12u
#define STORE_TAG_LEN 16u
/* First byte of every sealed value: the format (AES-256-GCM, 12-byte nonce). */
#define STORE_SEAL_V1 0x01u
#define STORE_SEAL_OVERHEAD (1u + STORE_NONCE_LEN + STORE_TAG_LEN)
/* A wrapped 32-byte key. */
#define STORE_WRAPPED_LEN (STORE_SEAL_OVERHEAD + STORE_KEY_LEN)

/* AES-256-GCM seal: out = version || nonce || ciphertext || tag; the version
 * byte is authenticated with aad. *out is fse_malloc'd. */
fse_err fse_store__aead_seal(uint8_t **out, size_t *out_len, const uint8_t key[STORE_KEY_LEN],
                             const uint8_t *aad, size_t aad_len, const uint8_t *pt, size_t pt_len);
/* Open a sealed value; *out is NUL-terminated (not counted). FSE_E_CRYPTO on
 * any mismatch, without detail about which part failed. */
fse_err fse_store__aead_open(uint8_t **out, size_t *out_len, const uint8_t key[STORE_KEY_LEN],
                             const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t ct_len);
/* HMAC-SHA256. */
fse_err fse_store__hmac(uint8_t out[32], const uint8_t *key, size_t key_len, const uint8_t *data,
                        size_t len);
/* Hex SHA-1 (41 bytes) and SHA-256 (65 bytes) of data. */
fse_err fse_store__sha1_hex(char out[41], const uint8_t *data, size_t len);
fse_err fse_store__sha256_hex(char out[65], const uint8_t *data, size_t len);
/* Cryptographic random bytes. */
fse_err fse_store__random(uint8_t *out, size_t len);
/* Read a master key file (raw 32 bytes, or 64 hex digits and optional
 * trailing whitespace); refuses files readable by group or others. */
fse_err fse_store__keyfile_read(uint8_t key[STORE_KEY_LEN], const char *path);
/* Wipe secrets (not optimised away). */
void fse_store__wipe(void *p, size_t n);
/* Constant-time comparison; true when equal. */
bool fse_store__ct_equal(const uint8_t *a, const uint8_t *b, size_t n);

/* Associated data: a bounded buffer of length-prefixed parts, so that
 * ("ab","c") and ("a","bc") differ. */
typedef struct store_aad {
    uint8_t data[1024];
    size_t len;
    bool overflow;
} store_aad;

void fse_store__aad_init(store_aad *a, const char *domain);
void fse_store__aad_str(store_aad *a, const char *s);
void fse_store__aad_i64(store_aad *a, int64_t v);

/* ------------------------------------------------------------------------ */
/* Arena and record codec (store_codec.c)                                   */
/* ------------------------------------------------------------------------ */

/* The block behind returned records: freed in one call. */
struct fse_store_arena;
typedef struct fse_store_arena store_arena;

store_arena *fse_store__arena_new(void);
void *fse_store__arena_alloc(store_arena *a, size_t n); /* zeroed, 16-aligned */
char *fse_store__arena_strndup(store_arena *a, const char *s, size_t n);
char *fse_store__arena_strdup(store_arena *a, const char *s); /* NULL -> NULL */
void fse_store__arena_free(store_arena *a);

/* A growable array of fixed-size items (rows being collected for a returned
 * list); finish copies the items into the list's arena. */
typedef struct store_vec {
    unsigned char *data; /* fse_malloc'd */
    size_t n, cap, size;
} store_vec;

void fse_store__vec_init(store_vec *v, size_t item_size);
void *fse_store__vec_push(store_vec *v); /* zeroed item; NULL when out of memory */
void *fse_store__vec_finish(store_vec *v, store_arena *a); /* NULL when empty or out of memory */
void fse_store__vec_free(store_vec *v);

/* Tag-length-value record used inside sealed values: tag (1 byte), length
 * (4 bytes big-endian), value. Unknown tags are skipped when read, so newer
 * records stay readable. */
fse_err fse_store__tlv_str(fse_buf *b, uint8_t tag, const char *s); /* NULL: nothing */
fse_err fse_store__tlv_i64(fse_buf *b, uint8_t tag, int64_t v);

typedef struct store_tlv_reader {
    const uint8_t *p;
    size_t len;
    size_t off;
} store_tlv_reader;

/* Next field: FSE_OK, FSE_E_NOT_FOUND at the end, FSE_E_PARSE if malformed. */
fse_err fse_store__tlv_next(store_tlv_reader *r, uint8_t *tag, const uint8_t **val,
                            size_t *val_len);
bool fse_store__tlv_get_i64(const uint8_t *val, size_t len, int64_t *out);

/* ------------------------------------------------------------------------ */
/* Backend interface                                                        */
/* ------------------------------------------------------------------------ */

typedef struct store_conn store_conn; /* a backend's connection */

typedef enum store_tx_mode {
    STORE_TX_READ = 1, /* snapshot reads */
    STORE_TX_WRITE = 2 /* takes the write lock at once */
} store_tx_mode;

/* A document row: the plain columns plus the sealed parts. */
typedef struct store_doc_row {
    int64_t seq; /* insertion order; search cursor */
    const char *doc_id;
    const char *unique_id;
    int status;
    int version;
    const char *repository_id;
    const char *patient_ref;
    const char *class_code;
    const char *type_code;
    const char *practice_setting_code;
    const char *facility_type_code;
    const char *confidentiality_code;
    const char *event_codes; /* JSON array text */
    const char *author_institution;
    const char *creation_time;
    const char *workflow_instance_id;
    const char *replaces;
    const char *replaced_by;
    int64_t created_ms, updated_ms, deleted_ms;
    const char *dk_kid;
    const uint8_t *dk_wrapped;
    size_t dk_wrapped_len;
    const uint8_t *meta_ct;
    size_t meta_ct_len;
    unsigned visibility; /* FSE_STORE_VIS_* bits */
} store_doc_row;

/* Search filter as the backend sees it (patient already a keyed ref). */
typedef struct store_doc_filter {
    const char *patient_ref;
    const char *type_code;
    const char *class_code;
    const char *created_from;
    const char *created_to;
    unsigned statuses;
    int64_t before_seq; /* 0: no bound */
    size_t limit;
} store_doc_filter;

typedef struct store_event_row {
    int64_t id;
    const char *trace_id;
    const char *workflow_instance_id;
    const char *event_type;
    const char *event_status;
    const char *identificativo_documento;
    int64_t event_date_ms;
    int64_t expiring_date_ms;
    const uint8_t *sealed;
    size_t sealed_len;
} store_event_row;

typedef struct store_job_row {
    int64_t id;
    const char *kind;
    const char *idem_key;
    const uint8_t *payload; /* sealed */
    size_t payload_len;
    int state;
    unsigned attempts;
    unsigned max_attempts;
    int64_t not_before_ms, lease_until_ms, created_ms, updated_ms;
    const char *lease_owner;
    const uint8_t *last_error; /* sealed */
    size_t last_error_len;
} store_job_row;

/* The privacy state rows (store_privacy.c, store_relation.c): plain
 * columns, and the sealed fields as one value whose associated data binds
 * the plain columns of its row. */
typedef struct store_patient_row {
    const char *patient_ref;
    const char *region;
    const char *gp_ref; /* NULL: no GP */
    int64_t gp_from_ms, gp_to_ms;
    bool notifications_off;
    const char *notify_channel;
    int64_t created_ms, updated_ms;
    const uint8_t *sealed; /* patient id, birth date, GP id */
    size_t sealed_len;
} store_patient_row;

typedef struct store_consent_row {
    int64_t id;
    const char *patient_ref;
    int purpose;
    bool given;
    int64_t time_ms;
    const char *channel;
    const char *actor_role;
    bool patient_minor;
    const uint8_t *sealed; /* actor id */
    size_t sealed_len;
} store_consent_row;

typedef struct store_relation_row {
    int64_t id;
    const char *patient_ref;
    int kind;
    const char *actor_ref;
    const char *actor_role;
    const char *organisation;
    int64_t valid_from_ms, valid_to_ms, ended_ms; /* 0: open, not ended */
    unsigned flags;
    int64_t created_ms;
    const uint8_t *sealed; /* patient id, actor id, reason */
    size_t sealed_len;
} store_relation_row;

/* Relations wanted: by patient_ref or, when it is NULL, by actor_ref; the
 * other members filter (NULL/0: no filter). at_ms: in force at that time
 * (valid_from <= at < valid_to or open, and not ended). */
typedef struct store_relation_filter {
    const char *patient_ref;
    const char *actor_ref;
    int64_t id;
    unsigned kinds; /* FSE_STORE_REL_BIT mask */
    int64_t at_ms;
    size_t limit;
} store_relation_filter;

typedef struct store_notification_row {
    int64_t id;
    const char *patient_ref;
    int64_t time_ms;
    const char *kind;
    const char *channel;
    const uint8_t *sealed; /* text */
    size_t sealed_len;
} store_notification_row;

typedef struct store_link_row {
    char *wii; /* fse_malloc'd */
    int64_t created_ms;
    int64_t used_ms; /* 0: unused */
} store_link_row;

/* Row callbacks: the row is borrowed for the duration of the call; a code
 * other than FSE_OK stops the iteration and is returned by the backend. */
typedef fse_err (*store_doc_fn)(const store_doc_row *row, void *ctx);
typedef fse_err (*store_blob_fn)(const uint8_t *ct, size_t ct_len, void *ctx);
typedef fse_err (*store_event_fn)(const store_event_row *row, void *ctx);
typedef fse_err (*store_job_fn)(const store_job_row *row, void *ctx);
typedef fse_err (*store_key_fn)(const char *kid, const uint8_t *wrapped, size_t len, void *ctx);
typedef fse_err (*store_patient_fn)(const store_patient_row *row, void *ctx);
typedef fse_err (*store_consent_fn)(const store_consent_row *row, void *ctx);
typedef fse_err (*store_relation_fn)(const store_relation_row *row, void *ctx);
typedef fse_err (*store_notification_fn)(const store_notification_row *row, void *ctx);

/*
 * The backend function table. Every function returns FSE_OK or an fse_err
 * with the message set (FSE_E_DB for backend failures, FSE_E_CONFLICT for a
 * uniqueness violation, FSE_E_NOT_FOUND where stated). Single-row changes
 * that find no row return FSE_E_NOT_FOUND.
 *
 * Serialisation a backend must provide inside a STORE_TX_WRITE transaction:
 * audit_head locks the chain head until the transaction ends, so appends
 * never fork the chain; link_use and job_settle change a row only if it is
 * still in the expected state; job_claim never hands one job to two
 * claimants. SQLite gets all of it from the single writer lock taken by
 * BEGIN IMMEDIATE; a PostgreSQL backend would use SELECT ... FOR UPDATE on
 * the head row and FOR UPDATE SKIP LOCKED in job_claim.
 */
typedef struct store_backend {
    const char *name;
    fse_err (*open)(store_conn **out, const fse_store_opts *opts);
    void (*close)(store_conn *c);

    /* Transactions, and one level of savepoint for a call inside one. */
    fse_err (*begin)(store_conn *c, store_tx_mode mode);
    fse_err (*commit)(store_conn *c);
    fse_err (*rollback)(store_conn *c);
    fse_err (*savepoint)(store_conn *c);
    fse_err (*release)(store_conn *c);
    fse_err (*rollback_to)(store_conn *c);

    /* Settings of the node (master key id). kv_get: NOT_FOUND; *value_out fse_malloc'd. */
    fse_err (*kv_get)(store_conn *c, const char *key, char **value_out);
    fse_err (*kv_set)(store_conn *c, const char *key, const char *value);

    /* Wrapped node keys by purpose. node_key_get: NOT_FOUND. */
    fse_err (*node_key_get)(store_conn *c, const char *purpose, store_key_fn fn, void *ctx);
    fse_err (*node_key_put)(store_conn *c, const char *purpose, const char *kid,
                            const uint8_t *wrapped, size_t len, int64_t now_ms);

    /* Documents. doc_update rewrites every plain column and the sealed
     * metadata of row->doc_id; doc_tombstone wipes all but ids and times. */
    fse_err (*doc_insert)(store_conn *c, const store_doc_row *row);
    fse_err (*doc_update)(store_conn *c, const store_doc_row *row);
    fse_err (*doc_get)(store_conn *c, const char *unique_id, store_doc_fn fn, void *ctx);
    fse_err (*doc_search)(store_conn *c, const store_doc_filter *f, store_doc_fn fn, void *ctx);
    /* A patient's documents with a status in the mask, newest creation_time
     * first, then newest seq; at most limit. */
    fse_err (*doc_list_patient)(store_conn *c, const char *patient_ref, unsigned statuses,
                                size_t limit, store_doc_fn fn, void *ctx);
    fse_err (*doc_tombstone)(store_conn *c, const char *doc_id, int64_t now_ms);
    /* Rows whose data key is wrapped under kid (at most limit). */
    fse_err (*doc_keys)(store_conn *c, const char *kid, size_t limit, store_doc_fn fn, void *ctx);
    fse_err (*doc_key_set)(store_conn *c, const char *doc_id, const char *kid,
                           const uint8_t *wrapped, size_t len);
    /* Rows with a data key not wrapped under kid. */
    fse_err (*doc_key_count_other)(store_conn *c, const char *kid, int64_t *n_out);
    fse_err (*blob_put)(store_conn *c, const char *doc_id, int kind, const uint8_t *ct, size_t len);
    fse_err (*blob_get)(store_conn *c, const char *doc_id, int kind, store_blob_fn fn, void *ctx);

    /* Validation links. link_get: NOT_FOUND. link_use: CONFLICT when already used. */
    fse_err (*link_put)(store_conn *c, const char *hash, const char *wii, int64_t now_ms);
    fse_err (*link_get)(store_conn *c, const char *hash, store_link_row *out);
    fse_err (*link_use)(store_conn *c, const char *hash, int64_t now_ms);
    fse_err (*link_purge)(store_conn *c, int64_t created_before_ms, int64_t *n_out);

    /* Status events. */
    fse_err (*event_insert)(store_conn *c, const store_event_row *row, int64_t *id_out);
    fse_err (*event_query)(store_conn *c, int key, const char *value, size_t limit,
                           store_event_fn fn, void *ctx);
    fse_err (*event_purge)(store_conn *c, int64_t now_ms, int64_t *n_out);

    /* Outbox. job_claim: NOT_FOUND when nothing is due; it dead-letters
     * expired leases that used their last attempt. job_settle moves a
     * leased job whose attempts equal attempt (the lease token) to state,
     * keeping the previous error when error is NULL: NOT_FOUND when the
     * lease was lost. */
    fse_err (*job_insert)(store_conn *c, const store_job_row *row, int64_t *id_out,
                          bool *created_out);
    fse_err (*job_claim)(store_conn *c, const char *worker, int64_t now_ms, int64_t lease_ms,
                         store_job_fn fn, void *ctx);
    fse_err (*job_settle)(store_conn *c, int64_t id, unsigned attempt, int state,
                          int64_t not_before_ms, const uint8_t *error, size_t error_len,
                          int64_t now_ms);
    fse_err (*job_get)(store_conn *c, int64_t id, store_job_fn fn, void *ctx);
    fse_err (*job_retry)(store_conn *c, int64_t id, int64_t now_ms);
    fse_err (*job_count)(store_conn *c, int state, int64_t *n_out);

    /* Patient privacy state. patient_put inserts or replaces the row of
     * row->patient_ref; patient_get: NOT_FOUND. Consents are append-only,
     * listed by time then id. relation_update rewrites ended_ms, flags and
     * the sealed value of relation row->id of row->patient_ref (NOT_FOUND).
     * Relations are listed by id, notifications newest id first below
     * before_id (0: no bound). */
    fse_err (*patient_put)(store_conn *c, const store_patient_row *row);
    fse_err (*patient_get)(store_conn *c, const char *patient_ref, store_patient_fn fn, void *ctx);
    fse_err (*consent_insert)(store_conn *c, const store_consent_row *row, int64_t *id_out);
    fse_err (*consent_count)(store_conn *c, const char *patient_ref, int64_t *n_out);
    fse_err (*consent_list)(store_conn *c, const char *patient_ref, size_t limit,
                            store_consent_fn fn, void *ctx);
    fse_err (*relation_insert)(store_conn *c, const store_relation_row *row, int64_t *id_out);
    fse_err (*relation_update)(store_conn *c, const store_relation_row *row);
    fse_err (*relation_list)(store_conn *c, const store_relation_filter *f, store_relation_fn fn,
                             void *ctx);
    fse_err (*notification_insert)(store_conn *c, const store_notification_row *row,
                                   int64_t *id_out);
    fse_err (*notification_list)(store_conn *c, const char *patient_ref, int64_t before_id,
                                 size_t limit, store_notification_fn fn, void *ctx);

    /* Audit chain rows. audit_head: NOT_FOUND on an empty log. */
    fse_err (*audit_head)(store_conn *c, fse_store_audit_head *out);
    fse_err (*audit_insert)(store_conn *c, const fse_store_audit_row *row);
    fse_err (*audit_scan)(store_conn *c, const fse_store_audit_filter *f, fse_store_audit_row_fn fn,
                          void *ctx);
} store_backend;

/* The SQLite backend (store_sqlite*.c). */
extern const store_backend fse_store__sqlite_backend;

/* ------------------------------------------------------------------------ */
/* The handle                                                               */
/* ------------------------------------------------------------------------ */

/* Node key purposes, stored wrapped in the database. */
typedef enum store_node_key {
    STORE_NK_REF = 0,   /* HMAC of person identifiers */
    STORE_NK_SEAL = 1,  /* AEAD of small sensitive fields */
    STORE_NK_AUDIT = 2, /* HMAC of the audit chain */
    STORE_NK_COUNT
} store_node_key;

struct fse_store {
    const store_backend *be;
    store_conn *conn;
    bool has_keys;
    uint8_t master[STORE_KEY_LEN];
    uint8_t kek[STORE_KEY_LEN]; /* derived from master: wraps every other key */
    char kid[FSE_STORE_KID_LEN];
    uint8_t node_keys[STORE_NK_COUNT][STORE_KEY_LEN];
    store_tx_mode tx_mode; /* 0: no caller transaction */
    int op_depth;          /* nested internal operations */
    unsigned max_attempts;
    int64_t backoff_base_ms;
    int64_t backoff_max_ms;
};

/*
 * Internal operation scope. Outside a caller transaction, begin opens one
 * (write: immediate lock) and end commits it (or rolls back on failure).
 * Inside one, a savepoint makes the operation all-or-nothing. Nested scopes
 * join the outer one. end returns rc, or the commit failure.
 */
fse_err fse_store__op_begin(fse_store *s, store_tx_mode mode);
fse_err fse_store__op_end(fse_store *s, fse_err rc);

/* Require the master key: FSE_E_CRYPTO when keyless. */
fse_err fse_store__need_keys(const fse_store *s);

/* Check an argument string: FSE_E_ARG when required and NULL/empty,
 * FSE_E_LIMIT when over max bytes. what names it in the message. */
fse_err fse_store__check_str(const char *v, const char *what, size_t max, bool required);

/* The metadata record (store_meta.c): check caller input; serialise the
 * full record for sealing; decode it into an arena-backed record; build the
 * minimal record of a tombstone; derive the plain columns (patient as keyed
 * reference, event codes as JSON text in codes) and name the first plain
 * column that differs between two rows (NULL when none). */
fse_err fse_store__meta_check(const fse_store_doc_meta *m);
fse_err fse_store__meta_encode(fse_buf *out, const fse_store_doc_meta *m);
fse_err fse_store__meta_decode(fse_store_doc_meta **out, const uint8_t *p, size_t len);
fse_err fse_store__meta_tombstone(fse_store_doc_meta **out, const store_doc_row *row);
fse_err fse_store__meta_plain(store_doc_row *row, fse_buf *codes,
                              char patient_ref[FSE_STORE_REF_LEN], fse_store *s,
                              const fse_store_doc_meta *m);
const char *fse_store__meta_row_diff(const store_doc_row *a, const store_doc_row *b);

/* A document row opened and checked against its sealed record (store_doc.c)
 * as a record of its own; a tombstone gives its minimal record. */
fse_err fse_store__doc_row_meta(fse_store_doc_meta **out, fse_store *s, const store_doc_row *row);

/* Sealed records of the privacy state (store_record.c). A record's sealed
 * fields are strings of its struct, each stored under a TLV tag (never
 * renumbered). rec_seal seals the fields of rec (NULL or empty: absent)
 * with the "seal" node key under aad (FSE_E_LIMIT if aad overflowed);
 * rec_open opens ct under aad and copies each field found into arena a and
 * the field of rec (absent fields are left alone), FSE_E_CRYPTO naming
 * what and id (0: none) when it fails. */
typedef struct store_rec_field {
    uint8_t tag;
    size_t off; /* of a const char * in the record struct */
} store_rec_field;

fse_err fse_store__rec_seal(uint8_t **out, size_t *out_len, fse_store *s, const store_aad *aad,
                            const void *rec, const store_rec_field *fields, size_t n);
fse_err fse_store__rec_open(fse_store *s, const store_aad *aad, const uint8_t *ct, size_t ct_len,
                            store_arena *a, void *rec, const store_rec_field *fields, size_t n,
                            const char *what, int64_t id);
/* Copy src (NULL: NULL) into a at *dst; false when out of memory. */
bool fse_store__arena_set(store_arena *a, const char **dst, const char *src);
/* v, or NULL when v is NULL or empty (optional strings). */
const char *fse_store__nonempty(const char *v);

/* A list being built from backend rows: begin, push one item per row (NULL
 * with *rc FSE_OK once max items are in: over is set), then end: the list
 * block of list_size bytes and the items (items, n) moved into the arena a,
 * or NULL with *rc set (FSE_E_LIMIT "more than max <what>" when over) and
 * everything freed. */
typedef struct store_list {
    fse_store *s;
    store_arena *a;
    store_vec v;
    size_t max;
    bool over;
    void *items; /* after end */
    size_t n;
} store_list;

fse_err fse_store__list_begin(store_list *l, fse_store *s, size_t item_size, size_t max);
void *fse_store__list_push(store_list *l, fse_err *rc);
/* Push an item and open a row's sealed value into it (fse_store__rec_open):
 * NULL with *rc FSE_OK when over max, else NULL with the failure. */
void *fse_store__list_open(store_list *l, fse_err *rc, const store_aad *aad, const uint8_t *ct,
                           size_t ct_len, const store_rec_field *fields, size_t n, const char *what,
                           int64_t id);
void *fse_store__list_end(store_list *l, fse_err *rc, size_t list_size, const char *what);

/* Key handling (store_keys.c): derive kek and kid from a master key; load
 * or create the node keys; wrap/unwrap a data key for a document. */
void fse_store__derive(uint8_t kek[STORE_KEY_LEN], char kid[FSE_STORE_KID_LEN],
                       const uint8_t master[STORE_KEY_LEN]);
fse_err fse_store__keys_load(fse_store *s, int64_t now_ms);
fse_err fse_store__dk_wrap(uint8_t **out, size_t *out_len, const uint8_t kek[STORE_KEY_LEN],
                           const char *kid, const char *doc_id, const uint8_t dk[STORE_KEY_LEN]);
fse_err fse_store__dk_unwrap(uint8_t dk[STORE_KEY_LEN], const uint8_t kek[STORE_KEY_LEN],
                             const char *kid, const char *doc_id, const uint8_t *wrapped,
                             size_t len);

#endif /* FSE_STORE_INT_H */
