/*
 * lib/audit/audit_verify.c - verification of the audit chain and the
 * per-patient access log.
 *
 * Owns the walk order and the defect rules: records must run 1, 2, 3...
 * without gaps (removed records), each prev_hash must equal the previous
 * hash (removed, inserted or moved records), each hash must match the
 * record (changed records), each MAC must match (a chain recomputed by
 * someone without the node key), and the head must name the last record
 * with a valid MAC (records cut from the tail or appended outside the
 * store). Does not own the serialisation and MACs (audit.c) or storage.
 */
#include "audit_int.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

typedef struct verify_ctx {
    fse_store *s;
    fse_audit_report *r;
    uint8_t prev[AUDIT_HASH_LEN];
    bool found; /* a defect stopped the walk */
} verify_ctx;

/* Record the first defect; the returned code stops the scan. */
static fse_err defect(verify_ctx *c, fse_audit_defect d, int64_t seq, const char *what)
{
    c->found = true;
    c->r->intact = false;
    c->r->defect = d;
    c->r->first_bad_seq = seq;
    snprintf(c->r->detail, sizeof(c->r->detail), "record %lld: %s", (long long)seq, what);
    return FSE_E_CONFLICT;
}

static fse_err on_row(const fse_store_audit_row *row, void *ctx)
{
    verify_ctx *c = ctx;
    int64_t expect = c->r->last_seq + 1;
    uint8_t hash[AUDIT_HASH_LEN];
    uint8_t mac[AUDIT_HASH_LEN];
    fse_err rc;

    if (row->seq != expect) {
        return defect(c, FSE_AUDIT_GAP, expect, "missing: sequence numbers skip (records removed)");
    }
    if (row->prev_hash == NULL || row->prev_hash_len != AUDIT_HASH_LEN || row->hash == NULL ||
        row->hash_len != AUDIT_HASH_LEN) {
        return defect(c, FSE_AUDIT_MALFORMED, row->seq, "hash of the wrong length");
    }
    if (CRYPTO_memcmp(row->prev_hash, c->prev, AUDIT_HASH_LEN) != 0) {
        return defect(c, FSE_AUDIT_BROKEN_LINK, row->seq,
                      "does not follow the previous record (removed, inserted or moved)");
    }
    rc = fse_audit__hash(hash, row);
    if (rc == FSE_E_LIMIT) {
        return defect(c, FSE_AUDIT_MALFORMED, row->seq, "field of impossible size");
    }
    if (rc != FSE_OK) {
        return rc;
    }
    if (CRYPTO_memcmp(hash, row->hash, AUDIT_HASH_LEN) != 0) {
        return defect(c, FSE_AUDIT_CHANGED, row->seq, "content does not match its hash");
    }
    if (c->r->macs_checked) {
        if (row->mac == NULL || row->mac_len != AUDIT_HASH_LEN) {
            return defect(c, FSE_AUDIT_BAD_MAC, row->seq, "MAC missing");
        }
        rc = fse_audit__row_mac(mac, c->s, hash);
        if (rc != FSE_OK) {
            return rc;
        }
        if (CRYPTO_memcmp(mac, row->mac, AUDIT_HASH_LEN) != 0) {
            return defect(c, FSE_AUDIT_BAD_MAC, row->seq,
                          "MAC does not match (chain rewritten without the node key)");
        }
    }
    memcpy(c->prev, row->hash, AUDIT_HASH_LEN);
    c->r->last_seq = row->seq;
    c->r->n_records++;
    return FSE_OK;
}

/* Compare the head with the last record walked. */
static fse_err check_head(verify_ctx *c)
{
    fse_store_audit_head head;
    uint8_t mac[AUDIT_HASH_LEN];
    int64_t last = c->r->last_seq;
    fse_err rc = fse_store_audit_head_get(&head, c->s);

    if (rc == FSE_E_NOT_FOUND) {
        if (last == 0) {
            return FSE_OK;
        }
        return defect(c, FSE_AUDIT_HEAD, last, "chain head missing");
    }
    if (rc != FSE_OK) {
        return rc;
    }
    if (!head.well_formed) {
        return defect(c, FSE_AUDIT_MALFORMED, last > 0 ? last : 1, "chain head malformed");
    }
    if (head.seq > last) {
        return defect(c, FSE_AUDIT_HEAD, last + 1,
                      "missing: the head names a later record (tail removed)");
    }
    if (head.seq < last) {
        return defect(c, FSE_AUDIT_HEAD, head.seq + 1,
                      "after the head: appended outside the store");
    }
    if (last > 0 && CRYPTO_memcmp(head.hash, c->prev, AUDIT_HASH_LEN) != 0) {
        return defect(c, FSE_AUDIT_HEAD, last, "differs from the chain head");
    }
    if (c->r->macs_checked) {
        rc = fse_audit__head_mac(mac, c->s, head.seq, head.hash);
        if (rc != FSE_OK) {
            return rc;
        }
        if (!head.has_mac || CRYPTO_memcmp(mac, head.mac, AUDIT_HASH_LEN) != 0) {
            return defect(c, FSE_AUDIT_HEAD, last > 0 ? last : 1, "chain head MAC does not match");
        }
    }
    return FSE_OK;
}

fse_err fse_audit_verify(fse_audit_report *report, fse_store *s)
{
    verify_ctx c;
    bool own_tx = false;
    fse_err rc;

    if (report == NULL || s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_AUDIT_MODULE, "verify: missing argument");
    }
    memset(report, 0, sizeof(*report));
    memset(&c, 0, sizeof(c));
    report->intact = true;
    report->macs_checked = fse_store_has_keys(s);
    c.s = s;
    c.r = report;
    if (!fse_store_in_tx(s)) {
        rc = fse_store_tx_begin_read(s);
        if (rc != FSE_OK) {
            return rc;
        }
        own_tx = true;
    }
    rc = fse_store_audit_scan(s, NULL, on_row, &c);
    if (rc == FSE_E_CONFLICT && c.found) {
        rc = FSE_OK;
    }
    if (rc == FSE_OK && !c.found) {
        rc = check_head(&c);
        if (rc == FSE_E_CONFLICT && c.found) {
            rc = FSE_OK;
        }
    }
    if (own_tx) {
        fse_err end = fse_store_tx_rollback(s);

        if (rc == FSE_OK) {
            rc = end;
        }
    }
    if (rc == FSE_OK && report->intact) {
        snprintf(report->detail, sizeof(report->detail), "%lld records intact%s",
                 (long long)report->n_records, report->macs_checked ? "" : " (MACs not checked)");
    }
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Access log                                                               */
/* ------------------------------------------------------------------------ */

typedef struct query_ctx {
    fse_store *s;
    fse_audit_list *list;
    size_t cap;
    bool more;
} query_ctx;

static fse_err dup_opt(char **out, const char *s)
{
    *out = NULL;
    if (s == NULL) {
        return FSE_OK;
    }
    *out = fse_strdup(s);
    return *out == NULL ? fse_error_set(FSE_E_NOMEM, FSE_AUDIT_MODULE, "access log") : FSE_OK;
}

static fse_err on_entry(const fse_store_audit_row *row, void *ctx)
{
    query_ctx *c = ctx;
    fse_audit_entry *e;
    uint8_t hash[AUDIT_HASH_LEN];
    char *actor = NULL;
    char *reason = NULL;
    fse_err rc;

    if (c->list->n_entries == c->cap) {
        c->more = true;
        return FSE_OK;
    }
    rc = fse_audit__hash(hash, row);
    if (rc == FSE_OK && (row->hash == NULL || row->hash_len != AUDIT_HASH_LEN ||
                         CRYPTO_memcmp(hash, row->hash, AUDIT_HASH_LEN) != 0)) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_AUDIT_MODULE,
                           "audit record %lld does not match its hash", (long long)row->seq);
    }
    if (rc == FSE_OK) {
        rc = fse_audit__open_details(&actor, &reason, c->s, row);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    e = &c->list->entries[c->list->n_entries++];
    e->seq = row->seq;
    e->time_ms = row->time_ms;
    e->outcome = (fse_audit_outcome)row->outcome;
    e->actor = actor;
    e->reason = reason;
    rc = dup_opt(&e->trace_id, row->trace_id);
    if (rc == FSE_OK) {
        rc = dup_opt(&e->role, row->role);
    }
    if (rc == FSE_OK) {
        rc = dup_opt(&e->organisation, row->organisation);
    }
    if (rc == FSE_OK) {
        rc = dup_opt(&e->purpose, row->purpose);
    }
    if (rc == FSE_OK) {
        rc = dup_opt(&e->action, row->action);
    }
    if (rc == FSE_OK) {
        rc = dup_opt(&e->document_id, row->document_id);
    }
    return rc;
}

fse_err fse_audit_query_patient(fse_audit_list **out, fse_store *s, const char *patient_id,
                                int64_t after_seq, size_t limit)
{
    char ref[FSE_STORE_REF_LEN];
    fse_store_audit_filter f;
    query_ctx c;
    fse_err rc;

    if (out == NULL || s == NULL || patient_id == NULL || after_seq < 0) {
        return fse_error_set(FSE_E_ARG, FSE_AUDIT_MODULE, "query: missing argument");
    }
    *out = NULL;
    if (limit > FSE_AUDIT_MAX_PAGE) {
        return fse_error_set(FSE_E_LIMIT, FSE_AUDIT_MODULE, "page over %u records",
                             FSE_AUDIT_MAX_PAGE);
    }
    rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&c, 0, sizeof(c));
    c.s = s;
    c.cap = limit == 0 ? AUDIT_DEFAULT_PAGE : limit;
    c.list = fse_calloc(1, sizeof(*c.list));
    if (c.list != NULL) {
        c.list->entries = fse_calloc(c.cap, sizeof(*c.list->entries));
    }
    if (c.list == NULL || c.list->entries == NULL) {
        fse_audit_list_free(c.list);
        return fse_error_set(FSE_E_NOMEM, FSE_AUDIT_MODULE, "access log");
    }
    memset(&f, 0, sizeof(f));
    f.patient_ref = ref;
    f.after_seq = after_seq;
    f.limit = c.cap + 1;
    rc = fse_store_audit_scan(s, &f, on_entry, &c);
    if (rc != FSE_OK) {
        fse_audit_list_free(c.list);
        return rc;
    }
    if (c.more && c.list->n_entries > 0) {
        c.list->next_after_seq = c.list->entries[c.list->n_entries - 1].seq;
    }
    *out = c.list;
    return FSE_OK;
}

void fse_audit_entry_clear(fse_audit_entry *e)
{
    if (e == NULL) {
        return;
    }
    fse_free(e->trace_id);
    fse_free(e->actor);
    fse_free(e->role);
    fse_free(e->organisation);
    fse_free(e->purpose);
    fse_free(e->action);
    fse_free(e->document_id);
    fse_free(e->reason);
    memset(e, 0, sizeof(*e));
}

void fse_audit_list_free(fse_audit_list *l)
{
    size_t i;

    if (l == NULL) {
        return;
    }
    for (i = 0; i < l->n_entries; i++) {
        fse_audit_entry_clear(&l->entries[i]);
    }
    fse_free(l->entries);
    fse_free(l);
}
