/*
 * lib/audit/audit_int.h - internals shared by the files of the audit module.
 *
 * Owns the record limits, the canonical serialisation and the MAC
 * constructions used by both append (audit.c) and verification
 * (audit_verify.c). The public API is include/fse/audit.h; no other module
 * includes this header.
 */
#ifndef FSE_AUDIT_INT_H
#define FSE_AUDIT_INT_H

#include "fse/audit.h"
#include "fse/util.h"

/* Module name for fse_error_set. */
#define FSE_AUDIT_MODULE "audit"

/* Longest identifier field (traceId, uniqueId, role, purpose, action...):
 * the Gateway caps identifiers at 256. */
#define AUDIT_MAX_FIELD_LEN 256u
/* Longest refusal or failure reason kept. Longer ones are cut, not refused:
 * a refused request must still be recorded. */
#define AUDIT_MAX_REASON_LEN 2048u
/* Largest canonical serialisation of one record (fields above plus the
 * sealed details and the hashes, with room to spare). */
#define AUDIT_MAX_RECORD_BYTES (64u * 1024u)
/* Default page of the access-log query. */
#define AUDIT_DEFAULT_PAGE 100u

/* Length of hashes and MACs. */
#define AUDIT_HASH_LEN 32u

/* SHA-256 of the canonical serialisation of row (every field but hash and
 * mac, prev_hash included). FSE_E_LIMIT if a field is oversized. */
fse_err fse_audit__hash(uint8_t out[AUDIT_HASH_LEN], const fse_store_audit_row *row);

/* MAC of a record (over its hash) and of the chain head (over seq and hash). */
fse_err fse_audit__row_mac(uint8_t out[AUDIT_HASH_LEN], fse_store *s,
                           const uint8_t hash[AUDIT_HASH_LEN]);
fse_err fse_audit__head_mac(uint8_t out[AUDIT_HASH_LEN], fse_store *s, int64_t seq,
                            const uint8_t hash[AUDIT_HASH_LEN]);

/* The seal context of the details of record seq. */
void fse_audit__seal_context(char out[48], int64_t seq);

/* Open the sealed details (actor, reason) of a row; both fse_malloc'd,
 * NULL when absent. FSE_E_CRYPTO when they fail their check. */
fse_err fse_audit__open_details(char **actor_out, char **reason_out, fse_store *s,
                                const fse_store_audit_row *row);

#endif /* FSE_AUDIT_INT_H */
