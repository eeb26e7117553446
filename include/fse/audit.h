/*
 * include/fse/audit.h - the node's audit log: one record per request,
 * accepted or refused, appended to a hash chain in the same transaction as
 * the act it records; its verification; and the citizen's view of who
 * accessed their documents (DM 7/9/2023 art. 21, domain-rules §6.1).
 *
 * Owns what a record holds, its canonical serialisation, the chain hash and
 * MACs, and the verification that finds the first changed, removed,
 * inserted or reordered record. Does not own where rows are kept (the
 * store's audit rows, fse/store.h, so the record joins the caller's
 * transaction) nor policy decisions (lib/policy decides; this records).
 *
 * Chain: record n holds prev_hash = hash of record n-1 (32 zero bytes for
 * n = 1) and hash = SHA-256 over the canonical serialisation of all its
 * fields including seq and prev_hash. Anyone with the database can check
 * the chain without keys. Since an attacker with write access could
 * recompute SHA-256 for a forged suffix, each record also carries
 * mac = HMAC-SHA256(audit node key, hash), and the chain head (last seq and
 * hash, kept in its own row and updated with every append) carries a MAC
 * too. The audit node key is wrapped by the master key, which never enters
 * the database: without the key file a forger cannot produce valid MACs,
 * and cutting records off the tail leaves a head that no longer matches.
 * What this cannot detect: a whole-database rollback to an older, fully
 * consistent copy (head included). Against that, export the head
 * (fse_audit_head) periodically to a witness outside the node.
 *
 * Persons: the patient is stored only as a keyed reference (never the
 * codice fiscale); the actor as a keyed reference plus, sealed, in clear
 * for the access log; the free-text reason sealed.
 *
 * Threading: as fse/store.h (the store handle belongs to one thread).
 */
#ifndef FSE_AUDIT_H
#define FSE_AUDIT_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/store.h"

/* Outcome of the audited request. Never renumbered. */
typedef enum fse_audit_outcome {
    FSE_AUDIT_SUCCESS = 0, /* accepted and done */
    FSE_AUDIT_REFUSED = 1, /* refused: authentication, policy, validation */
    FSE_AUDIT_ERROR = 2    /* accepted but failed */
} fse_audit_outcome;

/*
 * One audited request. Every pointer is borrowed. art. 21 fields: the
 * object (document_id), the operation type (action), the subject category
 * (role, organisation), the time, and the purpose for consultations.
 */
typedef struct fse_audit_event {
    int64_t time_ms;          /* when, Unix ms UTC; required */
    const char *trace_id;     /* the request's traceId */
    const char *actor;        /* who: JWT sub (a codice fiscale) [keyed ref + sealed] */
    const char *role;         /* subject_role (AAS, APR, ASS, ...) */
    const char *organisation; /* subject_organization_id */
    const char *purpose;      /* purpose_of_use (TREATMENT, ...) */
    const char *action;       /* required: CREATE, READ, REPLACE, UPDATE, DELETE, ... */
    const char *patient;      /* the patient's id (CF or "CF^^^&OID&ISO") [keyed ref only] */
    const char *document_id;  /* uniqueId of the document, when there is one */
    fse_audit_outcome outcome;
    const char *reason; /* why refused or failed [sealed] */
} fse_audit_event;

/*
 * Append a record. Inside the caller's store transaction when one is open
 * (so it commits or rolls back with the act), else in its own durable
 * transaction.
 * @param seq_out  optional: the record's sequence number
 * @return FSE_OK; FSE_E_ARG (missing action or time, bad outcome);
 *         FSE_E_LIMIT (a field too long); FSE_E_CRYPTO (store without keys,
 *         malformed head); FSE_E_DB.
 */
FSE_API fse_err fse_audit_append(fse_store *s, const fse_audit_event *ev, int64_t *seq_out);

/* What verification found. Never renumbered. */
typedef enum fse_audit_defect {
    FSE_AUDIT_INTACT = 0,
    FSE_AUDIT_CHANGED = 1,     /* a record no longer matches its own hash */
    FSE_AUDIT_BROKEN_LINK = 2, /* prev_hash differs from the previous record's hash:
                                  a record was removed, inserted or moved */
    FSE_AUDIT_GAP = 3,         /* sequence numbers skip: records removed */
    FSE_AUDIT_BAD_MAC = 4,     /* hashes consistent but the MAC is wrong: the chain
                                  was recomputed without the node key */
    FSE_AUDIT_HEAD = 5,        /* the head does not match the last record: records
                                  cut from the tail or added outside the store */
    FSE_AUDIT_MALFORMED = 6    /* a hash or MAC has an impossible length */
} fse_audit_defect;

typedef struct fse_audit_report {
    bool intact;
    fse_audit_defect defect;
    int64_t first_bad_seq; /* first record that cannot be trusted; 0 when intact */
    int64_t n_records;     /* records walked */
    int64_t last_seq;      /* last record walked */
    bool macs_checked;     /* false for a store opened without its master key */
    char detail[256];      /* one line, no personal data */
} fse_audit_report;

/*
 * Walk the whole chain in one read snapshot (or inside the caller's
 * transaction) and report the first defect. With keys, MACs are checked
 * too.
 * @return FSE_OK when the walk completed (see report->intact); FSE_E_DB,
 *         FSE_E_NOMEM otherwise.
 */
FSE_API fse_err fse_audit_verify(fse_audit_report *report, fse_store *s);

/* The chain head, for export to an outside witness. FSE_E_NOT_FOUND empty. */
FSE_API fse_err fse_audit_head(int64_t *seq_out, uint8_t hash_out[32], fse_store *s);

/* One record as shown in an access log. Strings (NULL when absent) are
 * owned by the list and freed with it. */
typedef struct fse_audit_entry {
    int64_t seq;
    int64_t time_ms;
    char *trace_id;
    char *actor; /* decrypted */
    char *role;
    char *organisation;
    char *purpose;
    char *action;
    char *document_id;
    char *reason; /* decrypted */
    fse_audit_outcome outcome;
} fse_audit_entry;

typedef struct fse_audit_list {
    size_t n_entries;
    fse_audit_entry *entries;
    int64_t next_after_seq; /* pass as after_seq for the next page; 0 at the end */
} fse_audit_list;

/* Most entries per page of fse_audit_query_patient. */
#define FSE_AUDIT_MAX_PAGE 1000u

/*
 * The records about one patient ("who accessed my documents"), oldest
 * first, after after_seq, at most limit (0: 100; max FSE_AUDIT_MAX_PAGE).
 * Each returned record is checked against its hash.
 * @param[out] out  caller frees with fse_audit_list_free
 * @return FSE_OK (possibly empty), FSE_E_ARG, FSE_E_LIMIT, FSE_E_CRYPTO
 *         (keyless store, or a record changed), FSE_E_DB.
 */
FSE_API fse_err fse_audit_query_patient(fse_audit_list **out, fse_store *s, const char *patient_id,
                                        int64_t after_seq, size_t limit);

/* NULL: no-op. */
FSE_API void fse_audit_list_free(fse_audit_list *l);

/* Free the strings of one entry of a list and zero it (a caller leaving an
 * entry out of a list it shows). NULL: no-op. */
FSE_API void fse_audit_entry_clear(fse_audit_entry *e);

#endif /* FSE_AUDIT_H */
