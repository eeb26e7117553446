/*
 * lib/audit/audit.c - appending audit records to the hash chain.
 *
 * Owns the canonical serialisation (version label, then every field as a
 * 4-byte big-endian length and its bytes, 0xFFFFFFFF for an absent field;
 * integers as 8 bytes big-endian), the chain hash (SHA-256 of it), the
 * record and head MACs (HMAC with the store's audit key over labelled
 * input), and the sealed details (actor and reason, in the same
 * length-prefixed layout). Does not own row storage or the append's
 * atomicity (fse_store_audit_append) nor verification (audit_verify.c).
 */
#include "audit_int.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

/* Absent field marker in the serialisation. */
#define ABSENT 0xFFFFFFFFu

static fse_err put_field(fse_buf *b, const void *p, size_t len)
{
    uint8_t head[4];
    uint32_t n = p == NULL ? ABSENT : (uint32_t)len;
    fse_err rc;

    if (p != NULL && len >= ABSENT) {
        return fse_error_set(FSE_E_LIMIT, FSE_AUDIT_MODULE, "audit field too large");
    }
    head[0] = (uint8_t)(n >> 24);
    head[1] = (uint8_t)(n >> 16);
    head[2] = (uint8_t)(n >> 8);
    head[3] = (uint8_t)n;
    rc = fse_buf_append(b, head, sizeof(head));
    if (rc == FSE_OK && p != NULL && len > 0) {
        rc = fse_buf_append(b, p, len);
    }
    return rc;
}

static fse_err put_str(fse_buf *b, const char *s)
{
    return put_field(b, s, s != NULL ? strlen(s) : 0);
}

static fse_err put_i64(fse_buf *b, int64_t v)
{
    uint8_t be[8];
    uint64_t u = (uint64_t)v;
    int i;

    for (i = 7; i >= 0; i--) {
        be[i] = (uint8_t)u;
        u >>= 8;
    }
    return put_field(b, be, sizeof(be));
}

fse_err fse_audit__hash(uint8_t out[AUDIT_HASH_LEN], const fse_store_audit_row *row)
{
    const char *const strs[] = {row->trace_id, row->actor_ref, row->role,        row->organisation,
                                row->purpose,  row->action,    row->patient_ref, row->document_id};
    fse_buf b;
    unsigned int n = 0;
    fse_err rc;
    size_t i;

    fse_buf_init(&b, AUDIT_MAX_RECORD_BYTES);
    rc = put_str(&b, "fse-audit v1");
    if (rc == FSE_OK) {
        rc = put_i64(&b, row->seq);
    }
    if (rc == FSE_OK) {
        rc = put_i64(&b, row->time_ms);
    }
    if (rc == FSE_OK) {
        rc = put_i64(&b, row->outcome);
    }
    for (i = 0; i < sizeof(strs) / sizeof(strs[0]) && rc == FSE_OK; i++) {
        rc = put_str(&b, strs[i]);
    }
    if (rc == FSE_OK) {
        rc = put_field(&b, row->sealed, row->sealed_len);
    }
    if (rc == FSE_OK) {
        rc = put_field(&b, row->prev_hash, row->prev_hash_len);
    }
    if (rc == FSE_OK &&
        (EVP_Digest(b.data, b.len, out, &n, EVP_sha256(), NULL) != 1 || n != AUDIT_HASH_LEN)) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_AUDIT_MODULE, "SHA-256 failed");
    }
    if (rc == FSE_E_LIMIT) {
        rc = fse_error_set(FSE_E_LIMIT, FSE_AUDIT_MODULE, "audit record %lld too large",
                           (long long)row->seq);
    }
    fse_buf_free(&b);
    return rc;
}

fse_err fse_audit__row_mac(uint8_t out[AUDIT_HASH_LEN], fse_store *s,
                           const uint8_t hash[AUDIT_HASH_LEN])
{
    static const char label[] = "fse-audit-row v1";
    uint8_t in[sizeof(label) - 1 + AUDIT_HASH_LEN];

    memcpy(in, label, sizeof(label) - 1);
    memcpy(in + sizeof(label) - 1, hash, AUDIT_HASH_LEN);
    return fse_store_mac(out, s, in, sizeof(in));
}

fse_err fse_audit__head_mac(uint8_t out[AUDIT_HASH_LEN], fse_store *s, int64_t seq,
                            const uint8_t hash[AUDIT_HASH_LEN])
{
    static const char label[] = "fse-audit-head v1";
    uint8_t in[sizeof(label) - 1 + 8 + AUDIT_HASH_LEN];
    uint64_t u = (uint64_t)seq;
    int i;

    memcpy(in, label, sizeof(label) - 1);
    for (i = 7; i >= 0; i--) {
        in[sizeof(label) - 1 + (size_t)i] = (uint8_t)u;
        u >>= 8;
    }
    memcpy(in + sizeof(label) - 1 + 8, hash, AUDIT_HASH_LEN);
    return fse_store_mac(out, s, in, sizeof(in));
}

void fse_audit__seal_context(char out[48], int64_t seq)
{
    snprintf(out, 48, "fse-audit details v1 %lld", (long long)seq);
}

/* ------------------------------------------------------------------------ */
/* Append                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct append_ctx {
    fse_store *s;
    const fse_audit_event *ev;
    char patient_ref[FSE_STORE_REF_LEN];
    char actor_ref[FSE_STORE_REF_LEN];
    bool has_patient;
    bool has_actor;
    uint8_t *sealed;
    size_t sealed_len;
    uint8_t prev[AUDIT_HASH_LEN];
    uint8_t hash[AUDIT_HASH_LEN];
    uint8_t mac[AUDIT_HASH_LEN];
    uint8_t head_mac[AUDIT_HASH_LEN];
    int64_t seq;
} append_ctx;

/* Seal actor and reason (the reason cut to AUDIT_MAX_REASON_LEN). */
static fse_err seal_details(append_ctx *c, int64_t seq)
{
    char context[48];
    fse_buf b;
    fse_err rc;

    fse_buf_init(&b, AUDIT_MAX_RECORD_BYTES);
    rc = put_str(&b, c->ev->actor);
    if (rc == FSE_OK) {
        const char *r = c->ev->reason;

        rc = put_field(&b, r, r != NULL ? strnlen(r, AUDIT_MAX_REASON_LEN) : 0);
    }
    if (rc == FSE_OK) {
        fse_audit__seal_context(context, seq);
        fse_free(c->sealed);
        c->sealed = NULL;
        rc = fse_store_seal(&c->sealed, &c->sealed_len, c->s, context, (const uint8_t *)b.data,
                            b.len);
    }
    if (b.data != NULL) {
        memset(b.data, 0, b.len);
    }
    fse_buf_free(&b);
    return rc;
}

static fse_err build_row(fse_store_audit_row *row, void *ctx, int64_t seq,
                         const uint8_t prev_hash[32])
{
    append_ctx *c = ctx;
    const fse_audit_event *ev = c->ev;
    fse_err rc = seal_details(c, seq);

    if (rc != FSE_OK) {
        return rc;
    }
    memcpy(c->prev, prev_hash, AUDIT_HASH_LEN);
    c->seq = seq;
    row->seq = seq;
    row->time_ms = ev->time_ms;
    row->trace_id = ev->trace_id;
    row->actor_ref = c->has_actor ? c->actor_ref : NULL;
    row->role = ev->role;
    row->organisation = ev->organisation;
    row->purpose = ev->purpose;
    row->action = ev->action;
    row->patient_ref = c->has_patient ? c->patient_ref : NULL;
    row->document_id = ev->document_id;
    row->outcome = (int)ev->outcome;
    row->sealed = c->sealed;
    row->sealed_len = c->sealed_len;
    row->prev_hash = c->prev;
    row->prev_hash_len = AUDIT_HASH_LEN;
    rc = fse_audit__hash(c->hash, row);
    if (rc == FSE_OK) {
        rc = fse_audit__row_mac(c->mac, c->s, c->hash);
    }
    if (rc == FSE_OK) {
        rc = fse_audit__head_mac(c->head_mac, c->s, seq, c->hash);
    }
    row->hash = c->hash;
    row->hash_len = AUDIT_HASH_LEN;
    row->mac = c->mac;
    row->mac_len = AUDIT_HASH_LEN;
    row->head_mac = c->head_mac;
    row->head_mac_len = AUDIT_HASH_LEN;
    return rc;
}

static fse_err check_event(const fse_audit_event *ev)
{
    const char *const fields[] = {ev->trace_id, ev->actor,  ev->role,    ev->organisation,
                                  ev->purpose,  ev->action, ev->patient, ev->document_id};
    size_t i;

    if (ev->action == NULL || ev->action[0] == '\0' || ev->time_ms <= 0) {
        return fse_error_set(FSE_E_ARG, FSE_AUDIT_MODULE, "audit record needs action and time");
    }
    if (ev->outcome != FSE_AUDIT_SUCCESS && ev->outcome != FSE_AUDIT_REFUSED &&
        ev->outcome != FSE_AUDIT_ERROR) {
        return fse_error_set(FSE_E_ARG, FSE_AUDIT_MODULE, "audit outcome %d unknown",
                             (int)ev->outcome);
    }
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (fields[i] != NULL &&
            strnlen(fields[i], AUDIT_MAX_FIELD_LEN + 1) > AUDIT_MAX_FIELD_LEN) {
            return fse_error_set(FSE_E_LIMIT, FSE_AUDIT_MODULE, "audit field over %u bytes",
                                 AUDIT_MAX_FIELD_LEN);
        }
    }
    return FSE_OK;
}

fse_err fse_audit_append(fse_store *s, const fse_audit_event *ev, int64_t *seq_out)
{
    append_ctx c;
    fse_err rc;

    if (s == NULL || ev == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_AUDIT_MODULE, "append: missing argument");
    }
    rc = check_event(ev);
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&c, 0, sizeof(c));
    c.s = s;
    c.ev = ev;
    c.has_patient = ev->patient != NULL && ev->patient[0] != '\0';
    c.has_actor = ev->actor != NULL && ev->actor[0] != '\0';
    if (c.has_patient) {
        rc = fse_store_ref(c.patient_ref, s, FSE_STORE_REF_PATIENT, ev->patient);
    }
    if (rc == FSE_OK && c.has_actor) {
        rc = fse_store_ref(c.actor_ref, s, FSE_STORE_REF_ACTOR, ev->actor);
    }
    if (rc == FSE_OK) {
        rc = fse_store_audit_append(s, build_row, &c);
    }
    if (rc != FSE_OK && strcmp(fse_error_last()->module, FSE_AUDIT_MODULE) != 0) {
        fse_error_prefix(FSE_AUDIT_MODULE);
    } else if (rc == FSE_OK && seq_out != NULL) {
        *seq_out = c.seq;
    }
    fse_free(c.sealed);
    return rc;
}

fse_err fse_audit_head(int64_t *seq_out, uint8_t hash_out[32], fse_store *s)
{
    fse_store_audit_head head;
    fse_err rc;

    if (seq_out == NULL || hash_out == NULL || s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_AUDIT_MODULE, "head: missing argument");
    }
    rc = fse_store_audit_head_get(&head, s);
    if (rc == FSE_OK && !head.well_formed) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_AUDIT_MODULE, "audit head malformed");
    }
    if (rc == FSE_OK) {
        *seq_out = head.seq;
        memcpy(hash_out, head.hash, 32);
    }
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Sealed details, read back                                                */
/* ------------------------------------------------------------------------ */

static fse_err get_field(char **out, const uint8_t *p, size_t len, size_t *off)
{
    uint32_t n;

    *out = NULL;
    if (len - *off < 4) {
        return FSE_E_PARSE;
    }
    n = (uint32_t)p[*off] << 24 | (uint32_t)p[*off + 1] << 16 | (uint32_t)p[*off + 2] << 8 |
        (uint32_t)p[*off + 3];
    *off += 4;
    if (n == ABSENT) {
        return FSE_OK;
    }
    if (n > len - *off) {
        return FSE_E_PARSE;
    }
    *out = fse_strndup((const char *)p + *off, n);
    *off += n;
    return *out == NULL ? FSE_E_NOMEM : FSE_OK;
}

fse_err fse_audit__open_details(char **actor_out, char **reason_out, fse_store *s,
                                const fse_store_audit_row *row)
{
    char context[48];
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    size_t off = 0;
    fse_err rc;

    *actor_out = NULL;
    *reason_out = NULL;
    if (row->sealed == NULL) {
        return FSE_OK;
    }
    fse_audit__seal_context(context, row->seq);
    rc = fse_store_unseal(&plain, &plain_len, s, context, row->sealed, row->sealed_len);
    if (rc == FSE_OK) {
        rc = get_field(actor_out, plain, plain_len, &off);
    }
    if (rc == FSE_OK) {
        rc = get_field(reason_out, plain, plain_len, &off);
    }
    if (rc == FSE_E_PARSE) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_AUDIT_MODULE, "record %lld: details malformed",
                           (long long)row->seq);
    } else if (rc == FSE_E_NOMEM) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_AUDIT_MODULE, "record details");
    }
    if (rc != FSE_OK) {
        fse_free(*actor_out);
        fse_free(*reason_out);
        *actor_out = NULL;
        *reason_out = NULL;
    }
    if (plain != NULL) {
        memset(plain, 0, plain_len);
        fse_free(plain);
    }
    return rc;
}
