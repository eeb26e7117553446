/*
 * include/fse/store.h - the node's durable storage: published documents and
 * their XDS metadata, validation -> publication links, workflow status
 * events, the outbox of asynchronous jobs, the rows of the audit chain, and
 * the node keys that protect all of it at rest.
 *
 * Owns: the storage interface seen by servers and tools, the at-rest
 * protection model and the transaction rules. Backends sit behind an
 * internal function table (lib/store/store_int.h, like curl's vtls); today
 * "sqlite" (one WAL database file per node), later "pg", without changes
 * to callers. Does not own: policy checks (lib/policy), what an audit record
 * means, its chain hash and its verification (fse/audit.h), CDA parsing
 * (fse/cda.h) or the workflow itself (lib/gateway).
 *
 * At rest:
 *  - A node master key (32 random bytes in a key file, mode 0600) never
 *    touches the database. It wraps (AES-256-GCM) every per-document data key
 *    and three node keys kept in the database: "ref" (HMAC-SHA256 keyed
 *    references of persons), "seal" (AES-256-GCM for small sensitive
 *    fields) and "audit" (HMAC of the audit chain). Each wrapped key records
 *    the id of the master key that wrapped it (kid), so a wrong key file is
 *    reported as such and fse_store_rotate_master_key can rewrap them all.
 *  - Document bytes (PDF, CDA) and the full metadata record are sealed with
 *    the document's own data key; the associated data names the document id
 *    and the blob kind, so a blob moved to another row or kind fails to open.
 *    Every read verifies the tag: a changed byte gives FSE_E_CRYPTO, never
 *    wrong data. The plain columns that search needs are a copy checked
 *    against the sealed record on every read.
 *  - Patients and actors are never stored in clear: search and audit use
 *    keyed references (HMAC with the "ref" node key; a bare hash of a codice
 *    fiscale could be reversed by enumeration), and fields naming a person
 *    (patient id, author, event subject, audit actor, outbox payloads) are
 *    sealed.
 *
 * Durability: every write is committed with the WAL fsync'd
 * (synchronous=FULL) before the call returns FSE_OK, or before
 * fse_store_tx_commit returns FSE_OK when the caller groups writes.
 *
 * Time is passed in by the caller (now_ms, Unix milliseconds UTC); the store
 * reads no clock except in fse_store_now_ms.
 *
 * Threading: an fse_store is one database connection and belongs to one
 * thread. Open one handle per worker thread (or keep a small pool whose
 * handles each serve one thread at a time); handles on the same file in any
 * number of threads and processes are safe: readers see committed snapshots,
 * writers are serialised by the backend (SQLite: BEGIN IMMEDIATE plus the
 * busy timeout). Error details are per thread (fse/error.h).
 */
#ifndef FSE_STORE_H
#define FSE_STORE_H

#include "fse/common.h"
#include "fse/error.h"

typedef struct fse_store fse_store; /* opaque */
struct fse_store_arena;             /* private allocation block of returned records */

/* ------------------------------------------------------------------------ */
/* Opening, keys, transactions                                              */
/* ------------------------------------------------------------------------ */

#define FSE_STORE_OPTS_VERSION 1

/* Options of fse_store_open. Start from FSE_STORE_OPTS_INIT; 0 means default. */
typedef struct fse_store_opts {
    unsigned version;               /* FSE_STORE_OPTS_VERSION */
    const char *backend;            /* "sqlite" (NULL: "sqlite") */
    const char *path;               /* sqlite: the database file (created if absent) */
    const char *master_key_path;    /* key file; NULL opens without keys: only the audit
                                       chain can be read and verified (hashes, no MACs) */
    int busy_timeout_ms;            /* wait for another writer (default 5000, max 60000) */
    unsigned outbox_max_attempts;   /* claims before a job is dead-lettered (default 8) */
    int64_t outbox_backoff_base_ms; /* first retry delay, doubled per attempt (default 1000) */
    int64_t outbox_backoff_max_ms;  /* cap of the retry delay (default 300000) */
} fse_store_opts;

#define FSE_STORE_OPTS_INIT                                                                        \
    {                                                                                              \
        FSE_STORE_OPTS_VERSION, "sqlite", NULL, NULL, 0, 0, 0, 0                                   \
    }

/* Length of a document id (32 lowercase hex) plus NUL. */
#define FSE_STORE_ID_LEN 33
/* Length of a keyed reference (64 lowercase hex) plus NUL. */
#define FSE_STORE_REF_LEN 65
/* Length of a master key id (16 lowercase hex) plus NUL. */
#define FSE_STORE_KID_LEN 17

/*
 * Open (creating or migrating the schema when needed) a store. With a
 * master key the node keys are loaded, or created on first use.
 * @param[out] out  the store, freed with fse_store_free
 * @return FSE_OK; FSE_E_ARG (bad options, unknown backend); FSE_E_CRYPTO
 *         (key file unreadable, group/world-readable, malformed, or not the
 *         key this database was written with); FSE_E_UNSUPPORTED (schema
 *         newer than this build); FSE_E_DB.
 */
FSE_API fse_err fse_store_open(fse_store **out, const fse_store_opts *opts);

/* Close the connection (rolling back an open transaction) and wipe the keys.
 * NULL: no-op. */
FSE_API void fse_store_free(fse_store *s);

/*
 * Create a master key file: 32 random bytes written as 64 hex digits and a
 * newline, mode 0600, fsync'd. Refuses to overwrite (FSE_E_CONFLICT).
 * @return FSE_OK, FSE_E_CONFLICT, FSE_E_IO, FSE_E_CRYPTO (no randomness).
 */
FSE_API fse_err fse_store_keyfile_create(const char *path);

/* Id of the master key the store was opened with ("" when keyless). The
 * pointer is borrowed from s and changes after a rotation. */
FSE_API const char *fse_store_master_kid(const fse_store *s);

/*
 * Rewrap every node key and document data key with the master key read from
 * new_key_path, in one transaction, and continue with the new key. The data
 * itself is not re-encrypted. Afterwards the database opens only with the
 * new key file: point the configuration to it. Run it while no other handle
 * is writing (the other handles keep the old key and fail to unwrap).
 * @return FSE_OK; FSE_E_ARG (keyless store, open transaction, same key);
 *         FSE_E_CRYPTO (unreadable key, a key that does not unwrap); FSE_E_DB.
 */
FSE_API fse_err fse_store_rotate_master_key(fse_store *s, const char *new_key_path);

/*
 * Start a write transaction: the following calls commit together or not at
 * all. The backend takes the write lock now (SQLite BEGIN IMMEDIATE), so the
 * transaction cannot fail later for a lock upgrade. A call that fails inside
 * the transaction has undone its own partial work; the caller decides
 * whether to commit the rest or roll back.
 * @return FSE_OK, FSE_E_ARG (already in a transaction), FSE_E_DB (busy).
 */
FSE_API fse_err fse_store_tx_begin(fse_store *s);

/* Start a read transaction: the following reads see one snapshot. Writes
 * inside it fail with FSE_E_ARG. End it with commit or rollback. */
FSE_API fse_err fse_store_tx_begin_read(fse_store *s);

/* Commit: FSE_OK means the data is durable (fsync'd). On failure the
 * transaction is rolled back. FSE_E_ARG without a transaction. */
FSE_API fse_err fse_store_tx_commit(fse_store *s);

/* Roll back the open transaction (no-op without one). */
FSE_API fse_err fse_store_tx_rollback(fse_store *s);

/* Whether a transaction opened by fse_store_tx_begin* is in progress. */
FSE_API bool fse_store_in_tx(const fse_store *s);

/* The real clock in Unix milliseconds, for callers that have no injected one. */
FSE_API int64_t fse_store_now_ms(void);

/* ------------------------------------------------------------------------ */
/* Keyed references and sealing (node keys)                                 */
/* ------------------------------------------------------------------------ */

/* Domain of a keyed reference: the same identifier gives unrelated
 * references in different domains. */
typedef enum fse_store_ref_kind {
    FSE_STORE_REF_PATIENT = 1, /* the patient a document or an access is about */
    FSE_STORE_REF_ACTOR = 2    /* the person acting (JWT sub) */
} fse_store_ref_kind;

/*
 * Keyed reference of a person identifier: hex HMAC-SHA256 with the "ref"
 * node key. The identifier is normalised first: the part before the first
 * '^' (an XDS "CF^^^&OID&ISO" gives the CF), blanks trimmed, ASCII upper
 * case, so a CF and its XDS form give the same reference.
 * @return FSE_OK; FSE_E_ARG (empty or over 256 bytes); FSE_E_CRYPTO (keyless).
 */
FSE_API fse_err fse_store_ref(char out[FSE_STORE_REF_LEN], fse_store *s, fse_store_ref_kind kind,
                              const char *id);

/*
 * Seal len bytes with the "seal" node key (AES-256-GCM, random nonce), bound
 * to context (associated data: the same context must be given to open).
 * @param[out] out  sealed bytes, caller frees with fse_free
 * @return FSE_OK, FSE_E_ARG, FSE_E_NOMEM, FSE_E_CRYPTO (keyless).
 */
FSE_API fse_err fse_store_seal(uint8_t **out, size_t *out_len, fse_store *s, const char *context,
                               const uint8_t *data, size_t len);

/* Open what fse_store_seal made. *out is NUL-terminated (not counted in
 * *out_len) and caller-owned. FSE_E_CRYPTO if the bytes or the context
 * differ, or the store is keyless. */
FSE_API fse_err fse_store_unseal(uint8_t **out, size_t *out_len, fse_store *s, const char *context,
                                 const uint8_t *sealed, size_t sealed_len);

/* HMAC-SHA256 of len bytes with the "audit" node key. FSE_E_CRYPTO keyless. */
FSE_API fse_err fse_store_mac(uint8_t out[32], fse_store *s, const uint8_t *data, size_t len);

/* Whether the store was opened with its master key. */
FSE_API bool fse_store_has_keys(const fse_store *s);

/* ------------------------------------------------------------------------ */
/* Documents                                                                */
/* ------------------------------------------------------------------------ */

/* XDS availability status. Never renumbered. */
typedef enum fse_store_doc_status {
    FSE_STORE_DOC_APPROVED = 1,   /* current version */
    FSE_STORE_DOC_DEPRECATED = 2, /* replaced by a newer version */
    FSE_STORE_DOC_DELETED = 3     /* tombstone: content and keys wiped */
} fse_store_doc_status;

/* Bit of fse_store_doc_status s in a status mask. */
#define FSE_STORE_STATUS_BIT(s) (1u << (unsigned)(s))

/* Which stored bytes of a document. */
typedef enum fse_store_blob {
    FSE_STORE_BLOB_PDF = 1, /* the PDF as received (signed), hash/size of INI */
    FSE_STORE_BLOB_CDA = 2  /* the CDA extracted from it */
} fse_store_blob;

/*
 * Document metadata, modelled on the XDS DocumentEntry the Gateway sends to
 * INI (gateway-api §6.2). As input (fse_store_doc_put, _update) every
 * pointer is borrowed; as output the record and its strings are one block
 * freed with fse_store_doc_meta_free.
 * [sealed] fields are stored only inside the document's sealed record;
 * the others are also kept as plain columns for search and indexing.
 */
typedef struct fse_store_doc_meta {
    /* Given by the caller. */
    const char *unique_id;             /* uniqueId = identificativoDoc; required, <= 256 */
    const char *repository_id;         /* repositoryUniqueId = identificativoRep; required */
    const char *patient_id;            /* patientId "CF^^^&OID&ISO"; required [sealed];
                                          searchable only through its keyed reference */
    const char *class_code;            /* classCode = tipoDocumentoLivAlto (REF, LDO, ...) */
    const char *type_code;             /* typeCode = ClinicalDocument/code (LOINC) */
    const char *format_code;           /* formatCode = templateId/@root */
    const char *practice_setting_code; /* assettoOrganizzativo (AD_PSC###) */
    const char *facility_type_code;    /* healthcareFacilityTypeCode = tipologiaStruttura */
    const char *content_type_code;     /* SubmissionSet contentTypeCode = tipoAttivitaClinica */
    const char *const *event_codes;    /* eventCodeList = attiCliniciRegoleAccesso */
    size_t n_event_codes;              /* <= 100 */
    const char *author_person;         /* authorPerson "CF^^^^^^^^&OID&ISO" [sealed] */
    const char *author_role;           /* authorRole = subject_role [sealed] */
    const char *author_institution;    /* authorInstitution (organisation) */
    const char *confidentiality_code;  /* N, R or V */
    const char *title;                 /* ClinicalDocument/title [sealed] */
    const char *creation_time;         /* effectiveTime as yyyyMMddHHmmss */
    const char *service_start_time;    /* dataInizioPrestazione yyyyMMddHHmmss [sealed] */
    const char *service_stop_time;     /* dataFinePrestazione yyyyMMddHHmmss [sealed] */
    const char *reference_id;          /* referenceIdList (NRE) [sealed] */
    const char *repository_type;       /* conservazioneANorma [sealed] */
    const char *submission_set_id;     /* identificativoSottomissione [sealed] */
    const char *workflow_instance_id;  /* workflow that published it */
    const char *replaces_unique_id;    /* put: the approved version this one replaces */
    unsigned visibility;               /* FSE_STORE_VIS_* bits: a plain column, also in the
                                          sealed record and checked on every read; put sets
                                          it, fse_store_doc_visibility_set reseals with it */

    /* Set by the store; ignored on input. */
    const char *doc_id;                /* internal id (FSE_STORE_ID_LEN - 1 hex) */
    fse_store_doc_status status;       /* approved / deprecated / deleted */
    int version;                       /* 1, then +1 per replacement */
    const char *replaced_by_unique_id; /* newer version, when deprecated */
    const char *hash_sha1;             /* INI hash: hex SHA-1 of the PDF */
    const char *hash_sha256;           /* hex SHA-256 of the PDF (attachment_hash) */
    const char *cda_sha256;            /* hex SHA-256 of the CDA */
    uint64_t size;                     /* INI size: PDF bytes */
    uint64_t cda_size;                 /* CDA bytes */
    int64_t created_ms, updated_ms, deleted_ms;

    struct fse_store_arena *arena_; /* private: the block holding output strings */
} fse_store_doc_meta;

/*
 * Store a new document: metadata, PDF and CDA, each sealed under a fresh
 * data key. With meta->replaces_unique_id the named approved version must
 * exist for the same patient; it becomes deprecated and linked to the new
 * one (version + 1) in the same operation.
 * @param doc_id_out  the new internal id, or NULL
 * @return FSE_OK; FSE_E_ARG (missing field, empty bytes); FSE_E_LIMIT (over
 *         FSE_MAX_DOCUMENT_BYTES or a field limit); FSE_E_CONFLICT (uniqueId
 *         exists; replaced version not approved or another patient);
 *         FSE_E_NOT_FOUND (replaced version absent); FSE_E_CRYPTO; FSE_E_DB.
 */
FSE_API fse_err fse_store_doc_put(fse_store *s, const fse_store_doc_meta *meta, const uint8_t *pdf,
                                  size_t pdf_len, const uint8_t *cda, size_t cda_len,
                                  int64_t now_ms, char doc_id_out[FSE_STORE_ID_LEN]);

/*
 * Metadata of a document by uniqueId, checked against its sealed record.
 * A tombstone gives status FSE_STORE_DOC_DELETED with only the ids and
 * times set.
 * @param[out] out  caller frees with fse_store_doc_meta_free
 * @return FSE_OK, FSE_E_NOT_FOUND, FSE_E_CRYPTO (tampered or wrong key), FSE_E_DB.
 */
FSE_API fse_err fse_store_doc_get(fse_store_doc_meta **out, fse_store *s, const char *unique_id);

/*
 * The PDF or the CDA of a document, decrypted and verified (AEAD tag, then
 * the SHA-256 and size recorded in the metadata).
 * @param[out] data_out  caller frees with fse_free (NUL-terminated, not counted)
 * @return FSE_OK; FSE_E_NOT_FOUND (absent or deleted); FSE_E_CRYPTO
 *         (changed, moved or truncated bytes); FSE_E_DB.
 */
FSE_API fse_err fse_store_doc_read(uint8_t **data_out, size_t *len_out, fse_store *s,
                                   const char *unique_id, fse_store_blob kind);

/*
 * Update the metadata a Gateway metadata update may change (gateway-api §2,
 * column "metadata"): class, practice setting, facility type, content type,
 * event codes, service start/stop, repository type, submission set id.
 * meta->unique_id names the document; every other field is kept.
 * @return FSE_OK, FSE_E_NOT_FOUND, FSE_E_CONFLICT (not approved), FSE_E_ARG,
 *         FSE_E_CRYPTO, FSE_E_DB.
 */
FSE_API fse_err fse_store_doc_update(fse_store *s, const fse_store_doc_meta *meta, int64_t now_ms);

/*
 * Logical delete: the row stays as a tombstone (uniqueId, ids, times,
 * status deleted); the bytes, the sealed metadata, the wrapped data key and
 * the plain metadata are wiped (secure_delete overwrites the freed pages).
 * @return FSE_OK, FSE_E_NOT_FOUND, FSE_E_CONFLICT (already deleted), FSE_E_DB.
 */
FSE_API fse_err fse_store_doc_delete(fse_store *s, const char *unique_id, int64_t now_ms);

/*
 * Visibility of a document (domain-rules §3). Bits, kept as a plain column so
 * that the policy can decide without opening the sealed record; the column is
 * a copy of the value in the sealed record, compared on every read, so a
 * changed column gives FSE_E_CRYPTO. Never renumbered.
 */
/* P99: obscured by the patient */
#define FSE_STORE_VIS_OBSCURED (1u << 0)
/* A maggior tutela category (DM23 art.6): hidden from all but the patient by default */
#define FSE_STORE_VIS_TUTELA (1u << 1)
/* The patient made the TUTELA document visible */
#define FSE_STORE_VIS_TUTELA_RELEASED (1u << 2)
/* P97: hidden from the parents of a minor */
#define FSE_STORE_VIS_NOT_PARENTS (1u << 3)
/* P98: hidden from the patient */
#define FSE_STORE_VIS_NOT_PATIENT (1u << 4)
#define FSE_STORE_VIS_ALL 0x1fu

/*
 * Change the visibility bits of a document (any status but deleted), with
 * immediate effect for every later read. The metadata record is opened,
 * checked and resealed with the new bits (updated_ms becomes now_ms).
 * @return FSE_OK, FSE_E_ARG (unknown bits), FSE_E_NOT_FOUND (absent or
 *         deleted), FSE_E_CRYPTO (tampered record, keyless store), FSE_E_DB.
 */
FSE_API fse_err fse_store_doc_visibility_set(fse_store *s, const char *unique_id,
                                             unsigned visibility, int64_t now_ms);

/* Search filter. Text bounds compare as text: pass full yyyyMMddHHmmss. */
typedef struct fse_store_doc_query {
    const char *patient_id;   /* required: CF or "CF^^^&OID&ISO" */
    const char *type_code;    /* optional LOINC */
    const char *class_code;   /* optional classCode */
    const char *created_from; /* optional lower bound of creation_time (inclusive) */
    const char *created_to;   /* optional upper bound (inclusive) */
    unsigned statuses;        /* FSE_STORE_STATUS_BIT mask; 0: approved only */
    size_t page_size;         /* 0: 20; at most 100 */
    int64_t cursor;           /* 0: first page; else next_cursor of the previous page */
} fse_store_doc_query;

/* One page of results, newest submission first. */
typedef struct fse_store_doc_list {
    size_t n_docs;
    fse_store_doc_meta **docs;
    int64_t next_cursor; /* 0 when this is the last page */
} fse_store_doc_list;

/*
 * Documents of a patient (by keyed reference), filtered and paged. Every
 * returned record is checked against its sealed copy.
 * @param[out] out  caller frees with fse_store_doc_list_free
 * @return FSE_OK (possibly empty), FSE_E_ARG, FSE_E_CRYPTO, FSE_E_DB.
 */
FSE_API fse_err fse_store_doc_search(fse_store_doc_list **out, fse_store *s,
                                     const fse_store_doc_query *q);

/* NULL: no-op. */
FSE_API void fse_store_doc_meta_free(fse_store_doc_meta *m);
FSE_API void fse_store_doc_list_free(fse_store_doc_list *l);

/*
 * Every document of a patient with a status in statuses (0: approved only),
 * newest creation_time first (ties: newest submission first; no
 * creation_time last), at most max_docs (0, or more than
 * FSE_STORE_MAX_PATIENT_DOCS: FSE_STORE_MAX_PATIENT_DOCS); *truncated_out
 * (optional) tells whether more matched. Tombstones keep no patient
 * reference, so FSE_STORE_DOC_DELETED never matches. Every record is checked
 * against its sealed copy. The consultation layer filters and pages these
 * after its policy check.
 * @param[out] out  caller frees with fse_store_doc_list_free (next_cursor 0)
 * @return FSE_OK (possibly empty), FSE_E_ARG (also unknown status bits),
 *         FSE_E_CRYPTO, FSE_E_DB.
 */
#define FSE_STORE_MAX_PATIENT_DOCS 10000u
FSE_API fse_err fse_store_doc_list_patient(fse_store_doc_list **out, bool *truncated_out,
                                           fse_store *s, const char *patient_id, unsigned statuses,
                                           size_t max_docs);

/* ------------------------------------------------------------------------ */
/* Patient privacy state: registry, consents, relations, notifications      */
/* ------------------------------------------------------------------------ */

/*
 * A patient as the node's registry (anagrafe) knows them: what the policy
 * needs about the person, not clinical data. As input every pointer is
 * borrowed; as output the record and its strings are one block freed with
 * fse_store_patient_free.
 *
 * Protection of the privacy state (registry, consents, relations,
 * notifications): persons are keyed references in the rows; [sealed] fields
 * are sealed with the "seal" node key, bound to every [plain] column of
 * their row (patient reference first), so a sealed value moved to another
 * row or a changed plain column gives FSE_E_CRYPTO on the next read; writes
 * that change a row reseal it. Every read and write needs the master key
 * (FSE_E_CRYPTO keyless). Removed rows are not detected here (the audit
 * chain is what records acts).
 */
typedef struct fse_store_patient {
    const char *patient_id;         /* codice fiscale (or CX form); required [keyed ref + sealed] */
    const char *birth_date;         /* yyyyMMdd; required [sealed] */
    const char *region;             /* region of assistance, 3 digits ("120") [plain] */
    const char *gp_id;              /* CF of the MMG/PLS, NULL: none [keyed actor ref + sealed] */
    int64_t gp_from_ms;             /* start of the GP assignment */
    int64_t gp_to_ms;               /* its end; 0: open */
    bool notifications_off;         /* the patient switched notifications off (default on) */
    const char *notify_channel;     /* "app", "email" or "both" (NULL: "app") [plain] */
    int64_t created_ms, updated_ms; /* set by the store */
    char gp_ref[FSE_STORE_REF_LEN]; /* output: keyed actor reference of gp_id ("" none) */
    struct fse_store_arena *arena_;
} fse_store_patient;

/* Create or replace a patient's registry record (all fields; created_ms of
 * a replaced record is kept). Checks: birth_date 8 digits (month 01-12, day
 * 01-31), region NULL or 3 digits, gp_to_ms 0 or >= gp_from_ms,
 * notify_channel NULL/app/email/both, identifiers <= 256 bytes.
 * @return FSE_OK, FSE_E_ARG, FSE_E_LIMIT, FSE_E_CRYPTO, FSE_E_DB. */
FSE_API fse_err fse_store_patient_put(fse_store *s, const fse_store_patient *p, int64_t now_ms);

/* A patient's record. @param[out] out  caller frees with fse_store_patient_free
 * @return FSE_OK, FSE_E_NOT_FOUND, FSE_E_CRYPTO, FSE_E_DB. */
FSE_API fse_err fse_store_patient_get(fse_store_patient **out, fse_store *s,
                                      const char *patient_id);

/* Switch notifications on or off and choose the channel (NULL: unchanged).
 * @return FSE_OK, FSE_E_ARG (unknown channel), FSE_E_NOT_FOUND (not in the
 *         registry), FSE_E_CRYPTO, FSE_E_DB. */
FSE_API fse_err fse_store_patient_notify_set(fse_store *s, const char *patient_id, bool on,
                                             const char *channel, int64_t now_ms);

FSE_API void fse_store_patient_free(fse_store_patient *p);

/* Consent purposes (domain-rules §2: DM23 art.8 c.1, art.16). Never renumbered. */
typedef enum fse_store_consent_purpose {
    FSE_STORE_CONSENT_CURA = 0,                  /* "cura" */
    FSE_STORE_CONSENT_PREVENZIONE_REGIONE = 1,   /* "prevenzione-regione" */
    FSE_STORE_CONSENT_PREVENZIONE_MINISTERO = 2, /* "prevenzione-ministero" */
    FSE_STORE_CONSENT_PROFILASSI = 3,            /* "profilassi" (internazionale) */
    FSE_STORE_CONSENT_PURPOSES = 4               /* count, not a purpose */
} fse_store_consent_purpose;

/* "cura", ...; NULL out of range. And back: false for an unknown name. */
FSE_API const char *fse_store_consent_purpose_name(fse_store_consent_purpose p);
FSE_API bool fse_store_consent_purpose_parse(fse_store_consent_purpose *out, const char *name);

/* One consent act (append-only history). Strings as fse_store_event. */
typedef struct fse_store_consent {
    int64_t id; /* set by the store */
    fse_store_consent_purpose purpose;
    bool given; /* true: given (or confirmed), false: revoked */
    int64_t time_ms;
    const char *channel;    /* "web", "app", "sportello", "api", ... [plain] */
    const char *actor_id;   /* CF of who recorded it [sealed] */
    const char *actor_role; /* ASS, TUT, GEN, ING, OGC ... [plain] */
    bool patient_minor;     /* the patient was a minor at time_ms [plain] */
} fse_store_consent;

typedef struct fse_store_consent_list {
    size_t n_consents;
    fse_store_consent *consents; /* oldest first */
    struct fse_store_arena *arena_;
} fse_store_consent_list;

/* Append a consent act for a patient. Strings <= 256 bytes. The history of
 * one patient holds at most 1000 acts (it is read whole for every decision):
 * FSE_E_LIMIT once full.
 * @return FSE_OK, FSE_E_ARG (unknown purpose), FSE_E_LIMIT, FSE_E_CRYPTO,
 *         FSE_E_DB. */
FSE_API fse_err fse_store_consent_add(fse_store *s, const char *patient_id,
                                      const fse_store_consent *c, int64_t *id_out);

/* A patient's consent history, oldest first (by time_ms, then insertion;
 * the current state of a purpose is its last act). FSE_OK with an empty list
 * when none; FSE_E_CRYPTO when a row fails its check. */
FSE_API fse_err fse_store_consent_list_get(fse_store_consent_list **out, fse_store *s,
                                           const char *patient_id);
FSE_API void fse_store_consent_list_free(fse_store_consent_list *l);

/* Kinds of relation between a person and a patient. Never renumbered. */
typedef enum fse_store_relation_kind {
    FSE_STORE_REL_DELEGATE = 1, /* voluntary delegate (role ING) */
    FSE_STORE_REL_GUARDIAN = 2, /* tutore / amministratore di sostegno (TUT) */
    FSE_STORE_REL_PARENT = 3,   /* parent of a minor (GEN) */
    FSE_STORE_REL_CARE = 4,     /* declared ongoing care (DM23 art.15 b, DPR 445/2000 art.47) */
    FSE_STORE_REL_EMERGENCY = 5 /* break-the-glass grant (DM23 art.20) */
} fse_store_relation_kind;

/* Bit of a kind in a kind mask. */
#define FSE_STORE_REL_BIT(k) (1u << (unsigned)(k))

/* Flags of a relation (emergency grants). */
#define FSE_STORE_REL_F_PSS_READ (1u << 0) /* the grant has read the patient summary */

/* A relation: who (actor_id) stands in which relation to the patient, from
 * when to when. Strings borrowed on input, owned by the list on output. */
typedef struct fse_store_relation {
    int64_t id; /* set by the store */
    fse_store_relation_kind kind;
    const char *actor_id;     /* CF of the delegate / doctor [keyed actor ref + sealed] */
    const char *actor_role;   /* role the relation is for (ING, TUT, GEN, APR, AAS ...) */
    const char *organisation; /* organisation of a CARE/EMERGENCY actor [plain] */
    const char *reason;       /* declaration or emergency reason text [sealed] */
    int64_t valid_from_ms;
    int64_t valid_to_ms;               /* 0: open */
    int64_t ended_ms;                  /* set by fse_store_relation_end; 0: not ended */
    unsigned flags;                    /* FSE_STORE_REL_F_* */
    int64_t created_ms;                /* set by the store */
    char actor_ref[FSE_STORE_REF_LEN]; /* output: keyed actor reference */
} fse_store_relation;

typedef struct fse_store_relation_list {
    size_t n_relations;
    fse_store_relation *relations; /* oldest first */
    struct fse_store_arena *arena_;
} fse_store_relation_list;

/* Record a relation (id, ended_ms and created_ms of r are ignored; created_ms
 * is taken from fse_store_now_ms, as no time is passed in). Checks: a known
 * kind and flags, actor_id required, valid_to_ms 0 or > valid_from_ms,
 * actor_role and organisation <= 256 bytes, reason <= 4096.
 * @return FSE_OK, FSE_E_ARG, FSE_E_LIMIT, FSE_E_CRYPTO, FSE_E_DB. */
FSE_API fse_err fse_store_relation_add(fse_store *s, const char *patient_id,
                                       const fse_store_relation *r, int64_t *id_out);

/* End a relation now (revocation); it stays listed with ended_ms.
 * @return FSE_OK, FSE_E_ARG (now_ms <= 0), FSE_E_NOT_FOUND (no such
 *         relation of this patient, or already ended), FSE_E_CRYPTO, FSE_E_DB. */
FSE_API fse_err fse_store_relation_end(fse_store *s, const char *patient_id, int64_t id,
                                       int64_t now_ms);

/* Set flags (OR) on a relation of this patient (ended or not).
 * @return FSE_OK, FSE_E_ARG (unknown flags), FSE_E_NOT_FOUND, FSE_E_CRYPTO,
 *         FSE_E_DB. */
FSE_API fse_err fse_store_relation_flag(fse_store *s, const char *patient_id, int64_t id,
                                        unsigned flags);

/* Relations query: kinds mask (0: all); actor_id NULL: every actor; at_ms 0:
 * also ended and expired ones, else only those in force at at_ms
 * (valid_from <= at < valid_to or open, not ended: an ended relation is out
 * of force at every at_ms). Oldest (first recorded) first. At most 1000
 * relations match one query: FSE_E_LIMIT beyond. */
typedef struct fse_store_relation_query {
    const char *patient_id; /* required */
    unsigned kinds;
    const char *actor_id;
    int64_t at_ms;
} fse_store_relation_query;

FSE_API fse_err fse_store_relation_list_get(fse_store_relation_list **out, fse_store *s,
                                            const fse_store_relation_query *q);

/* Relations in force at at_ms (0: all, as in fse_store_relation_query)
 * where actor_id is the actor, of any patient (a delegate's "whom can I act
 * for"), oldest first: each item is the relation and its patient's id,
 * decrypted for the actor. At most 1000: FSE_E_LIMIT beyond. */
typedef struct fse_store_actor_relation {
    fse_store_relation rel;
    const char *patient_id; /* decrypted */
} fse_store_actor_relation;

typedef struct fse_store_actor_relation_list {
    size_t n;
    fse_store_actor_relation *items;
    struct fse_store_arena *arena_;
} fse_store_actor_relation_list;

FSE_API fse_err fse_store_relation_of_actor(fse_store_actor_relation_list **out, fse_store *s,
                                            const char *actor_id, unsigned kinds, int64_t at_ms);

FSE_API void fse_store_relation_list_free(fse_store_relation_list *l);
FSE_API void fse_store_actor_relation_list_free(fse_store_actor_relation_list *l);

/* A notification to the patient: what happened, never health data. */
typedef struct fse_store_notification {
    int64_t id;
    int64_t time_ms;
    const char *kind;    /* ACCESS, EMERGENCY, CONSENT, OBSCURING, DELEGATE, PUBLICATION [plain] */
    const char *text;    /* Italian one-liner without health data [sealed] */
    const char *channel; /* channel chosen at the time [plain] */
} fse_store_notification;

typedef struct fse_store_notification_list {
    size_t n;
    fse_store_notification *items; /* newest first */
    struct fse_store_arena *arena_;
} fse_store_notification_list;

/* Append a notification: kind one of those listed, text required (<= 4096
 * bytes), channel NULL or app/email/both. FSE_E_ARG otherwise. */
FSE_API fse_err fse_store_notification_add(fse_store *s, const char *patient_id,
                                           const fse_store_notification *n, int64_t *id_out);
/* Newest first, at most limit (0: 100; over 1000: FSE_E_LIMIT), with id <
 * before_id (0: newest). */
FSE_API fse_err fse_store_notification_list_get(fse_store_notification_list **out, fse_store *s,
                                                const char *patient_id, int64_t before_id,
                                                size_t limit);
FSE_API void fse_store_notification_list_free(fse_store_notification_list *l);

/* ------------------------------------------------------------------------ */
/* Validation -> publication links (gateway-api §6)                         */
/* ------------------------------------------------------------------------ */

/* A validation may be published for this long (days.allow-publish-after-validation=5). */
#define FSE_STORE_LINK_TTL_MS (5LL * 24 * 60 * 60 * 1000)

typedef enum fse_store_link_result {
    FSE_STORE_LINK_OK = 0,        /* consumed now */
    FSE_STORE_LINK_NOT_FOUND = 1, /* never validated (or another workflow) */
    FSE_STORE_LINK_EXPIRED = 2,   /* validated more than 5 days ago */
    FSE_STORE_LINK_USED = 3       /* already consumed by a publication */
} fse_store_link_result;

/*
 * Record a successful validation: link_hash is the CDA hash with the
 * legalAuthenticator blanked (fse_cda_link_hash). Validating the same
 * content again replaces the previous link (new wii, new time, unused).
 * @return FSE_OK, FSE_E_ARG, FSE_E_DB.
 */
FSE_API fse_err fse_store_link_put(fse_store *s, const char *link_hash, const char *wii,
                                   int64_t now_ms);

/*
 * Consume a validation for one publication, atomically: of two concurrent
 * publications of the same content only one gets FSE_STORE_LINK_OK.
 * @param wii       optional: when given, the link must belong to this workflow
 * @param wii_out   optional: the validation's workflowInstanceId (fse_free)
 * @return FSE_OK with the outcome in *result_out; FSE_E_ARG; FSE_E_DB.
 */
FSE_API fse_err fse_store_link_consume(fse_store_link_result *result_out, char **wii_out,
                                       fse_store *s, const char *link_hash, const char *wii,
                                       int64_t now_ms);

/* Delete links older than the TTL; *n_out (optional) gets how many. */
FSE_API fse_err fse_store_link_purge(fse_store *s, int64_t now_ms, size_t *n_out);

/* ------------------------------------------------------------------------ */
/* Status events (gateway-api §5)                                           */
/* ------------------------------------------------------------------------ */

/* Events live about a year (expiringDate = eventDate + 1 year, §5). */
#define FSE_STORE_EVENT_TTL_MS (365LL * 24 * 60 * 60 * 1000)

/*
 * One workflow event. Strings are borrowed on input; on output they belong
 * to the list. [sealed] fields may name persons and are stored sealed; the
 * others are plain and must not carry patient identifiers.
 */
typedef struct fse_store_event {
    int64_t id;                           /* set by the store */
    const char *trace_id;                 /* required, <= 256 */
    const char *workflow_instance_id;     /* <= 256 */
    const char *event_type;               /* required: VALIDATION, PUBLICATION, SEND_TO_INI, ... */
    const char *event_status;             /* required: SUCCESS, BLOCKING_ERROR, ... */
    const char *identificativo_documento; /* uniqueId */
    const char *message;                  /* [sealed] */
    const char *subject;                  /* JWT sub [sealed] */
    const char *subject_role;             /* [sealed] */
    const char *tipo_attivita;            /* [sealed] */
    const char *organizzazione;           /* [sealed] */
    const char *issuer;                   /* [sealed] */
    const char *extra;                    /* [sealed] */
    int64_t event_date_ms;                /* required */
    int64_t expiring_date_ms;             /* 0 on input: event_date + FSE_STORE_EVENT_TTL_MS */
} fse_store_event;

/* Events of one workflow or one request, in order of date then insertion. */
typedef struct fse_store_event_list {
    size_t n_events;
    fse_store_event *events;
    bool truncated; /* more than the per-query cap matched */
    struct fse_store_arena *arena_;
} fse_store_event_list;

typedef enum fse_store_event_key {
    FSE_STORE_EVENT_BY_WII = 1,  /* workflowInstanceId */
    FSE_STORE_EVENT_BY_TRACE = 2 /* traceId */
} fse_store_event_key;

/* Append an event. @return FSE_OK, FSE_E_ARG, FSE_E_LIMIT, FSE_E_CRYPTO, FSE_E_DB. */
FSE_API fse_err fse_store_event_append(fse_store *s, const fse_store_event *ev, int64_t *id_out);

/* Events with the given wii or traceId. FSE_OK with an empty list when none.
 * @param[out] out  caller frees with fse_store_event_list_free */
FSE_API fse_err fse_store_event_query(fse_store_event_list **out, fse_store *s,
                                      fse_store_event_key key, const char *value);

/* Delete events whose expiring date has passed; *n_out optional. */
FSE_API fse_err fse_store_event_purge(fse_store *s, int64_t now_ms, size_t *n_out);

FSE_API void fse_store_event_list_free(fse_store_event_list *l);

/* ------------------------------------------------------------------------ */
/* Outbox of asynchronous jobs                                              */
/* ------------------------------------------------------------------------ */

typedef enum fse_store_job_state {
    FSE_STORE_JOB_PENDING = 1, /* waiting for not_before */
    FSE_STORE_JOB_LEASED = 2,  /* claimed by a worker until lease_until */
    FSE_STORE_JOB_DONE = 3,
    FSE_STORE_JOB_DEAD = 4 /* failed max_attempts times: dead letter */
} fse_store_job_state;

/* A job as read back. The record and its strings are one block. */
typedef struct fse_store_job {
    int64_t id;
    const char *kind;       /* e.g. "ini.register", "fhir.handoff" */
    const char *idem_key;   /* unique: enqueueing it again is a no-op */
    const uint8_t *payload; /* decrypted; NUL-terminated (not counted) */
    size_t payload_len;
    fse_store_job_state state;
    unsigned attempts; /* claims so far; the lease token of the current claim */
    unsigned max_attempts;
    int64_t not_before_ms, lease_until_ms, created_ms, updated_ms;
    const char *lease_owner; /* worker name of the last claim */
    const char *last_error;  /* of the last failure */
    struct fse_store_arena *arena_;
} fse_store_job;

/*
 * Enqueue a job, typically in the transaction of the act that needs it. The
 * payload (JSON, may name the patient) is sealed. An idem_key seen before
 * returns the existing job's id with *created_out false and changes nothing.
 * @return FSE_OK, FSE_E_ARG, FSE_E_LIMIT, FSE_E_CRYPTO, FSE_E_DB.
 */
FSE_API fse_err fse_store_outbox_enqueue(int64_t *id_out, bool *created_out, fse_store *s,
                                         const char *kind, const char *idem_key,
                                         const uint8_t *payload, size_t payload_len,
                                         int64_t not_before_ms, int64_t now_ms);

/*
 * Claim the next due job: a pending one whose not_before has come, or a
 * leased one whose lease expired (its worker died). The claim counts as an
 * attempt; a job whose lease expires after its last attempt is
 * dead-lettered instead.
 * @param worker    a name for the claimant (diagnostics)
 * @param[out] out  caller frees with fse_store_job_free
 * @return FSE_OK; FSE_E_NOT_FOUND when nothing is due; FSE_E_ARG; FSE_E_CRYPTO
 *         (keyless store, or the due job failed its integrity check: it has
 *         been dead-lettered, claim again); FSE_E_DB.
 */
FSE_API fse_err fse_store_outbox_claim(fse_store_job **out, fse_store *s, const char *worker,
                                       int64_t now_ms, int64_t lease_ms);

/* Mark a claimed job done. FSE_E_CONFLICT when the lease was lost (expired
 * and claimed again): the other worker owns it now. */
FSE_API fse_err fse_store_outbox_complete(fse_store *s, const fse_store_job *job, int64_t now_ms);

/*
 * Record a failed attempt: the job becomes pending again after
 * base * 2^(attempts-1) ms (capped), or dead once attempts reach
 * max_attempts. @param state_out optional: the resulting state.
 * @return FSE_OK, FSE_E_CONFLICT (lease lost), FSE_E_DB.
 */
FSE_API fse_err fse_store_outbox_fail(fse_store_job_state *state_out, fse_store *s,
                                      const fse_store_job *job, const char *error, int64_t now_ms);

/* A job by id. @return FSE_OK, FSE_E_NOT_FOUND, FSE_E_CRYPTO, FSE_E_DB. */
FSE_API fse_err fse_store_outbox_get(fse_store_job **out, fse_store *s, int64_t id);

/* Put a dead job back in the queue with its attempts reset.
 * @return FSE_OK, FSE_E_NOT_FOUND (no dead job with that id), FSE_E_DB. */
FSE_API fse_err fse_store_outbox_retry(fse_store *s, int64_t id, int64_t now_ms);

/* How many jobs are in a state. */
FSE_API fse_err fse_store_outbox_count(size_t *n_out, fse_store *s, fse_store_job_state state);

/* Handler of fse_store_outbox_run_once. It must be idempotent: a job may run
 * again after a crash between its effect and its completion. FSE_OK completes
 * the job; any other code fails the attempt with fse_error_last's message. */
typedef fse_err (*fse_store_job_fn)(const fse_store_job *job, void *ctx);

/*
 * Claim one due job, run fn on it, then complete or fail it.
 * @param ran_out  whether a job was due
 * @return FSE_OK (also when none was due or the handler failed: the failure
 *         is recorded on the job); FSE_E_DB and friends for store failures.
 */
FSE_API fse_err fse_store_outbox_run_once(bool *ran_out, fse_store *s, const char *worker,
                                          fse_store_job_fn fn, void *ctx, int64_t now_ms,
                                          int64_t lease_ms);

FSE_API void fse_store_job_free(fse_store_job *job);

/* ------------------------------------------------------------------------ */
/* Audit chain rows: persistence for lib/audit (use fse/audit.h instead)    */
/* ------------------------------------------------------------------------ */

/* One stored audit row. Pointers are borrowed from the caller (append) or
 * from the backend (scan callbacks: valid during the call only). */
typedef struct fse_store_audit_row {
    int64_t seq;
    int64_t time_ms;
    const char *trace_id;
    const char *actor_ref; /* keyed reference of the actor */
    const char *role;
    const char *organisation;
    const char *purpose;
    const char *action;
    const char *patient_ref; /* keyed reference of the patient */
    const char *document_id;
    int outcome;
    const uint8_t *sealed; /* sealed details (actor, reason) */
    size_t sealed_len;
    const uint8_t *prev_hash;
    size_t prev_hash_len;
    const uint8_t *hash;
    size_t hash_len;
    const uint8_t *mac; /* NULL when written keyless */
    size_t mac_len;
    const uint8_t *head_mac; /* append only: MAC of the new chain head */
    size_t head_mac_len;
} fse_store_audit_row;

/* The chain head, updated with every append (detects a truncated tail). */
typedef struct fse_store_audit_head {
    int64_t seq;
    uint8_t hash[32];
    uint8_t mac[32];
    bool well_formed; /* hash (and mac, when present) have the right length */
    bool has_mac;
} fse_store_audit_head;

/* Fills *row for sequence number seq chained to prev_hash (32 bytes, zeros
 * for the first row). Buffers stay owned by ctx until the append returns. */
typedef fse_err (*fse_store_audit_build_fn)(fse_store_audit_row *row, void *ctx, int64_t seq,
                                            const uint8_t prev_hash[32]);
/* Receives one row; any code but FSE_OK stops the scan and is returned. */
typedef fse_err (*fse_store_audit_row_fn)(const fse_store_audit_row *row, void *ctx);

/* Append one row atomically with the head update: reads the head, calls
 * build, inserts, moves the head. Inside the caller's transaction if one is
 * open (the chain is serialised by the write lock). */
FSE_API fse_err fse_store_audit_append(fse_store *s, fse_store_audit_build_fn build, void *ctx);

/* Current head. FSE_E_NOT_FOUND for an empty log. */
FSE_API fse_err fse_store_audit_head_get(fse_store_audit_head *out, fse_store *s);

/* Rows filter: NULL/0 members do not filter. Ascending seq. */
typedef struct fse_store_audit_filter {
    const char *patient_ref;
    const char *actor_ref;
    const char *document_id;
    int64_t after_seq;
    size_t limit; /* 0: no limit */
} fse_store_audit_filter;

/* Call fn on each matching row in seq order. */
FSE_API fse_err fse_store_audit_scan(fse_store *s, const fse_store_audit_filter *f,
                                     fse_store_audit_row_fn fn, void *ctx);

#endif /* FSE_STORE_H */
