/*
 * lib/store/store_doc.c - document operations of the store front end: put
 * (with replacement), get, read, metadata update, visibility and logical
 * delete, and the opening of a row for the lists (store_doc_list.c).
 *
 * Owns the document protection scheme: a random 32-byte data key per
 * document, wrapped by the master key (store_keys.c); the PDF, the CDA and
 * the full metadata record sealed with it (AES-256-GCM), with associated
 * data naming the document id and the blob kind; the check of every read
 * (tag, then the recorded SHA-256 and size; plain columns against the
 * sealed record, the visibility bits included: changing them reseals the
 * record); and the status transitions approved -> deprecated (on replace)
 * and -> deleted (tombstone). Does not own the record layout
 * (store_meta.c), key files and primitives (store_crypto.c) or SQL.
 */
#include "store_int.h"

#include <string.h>

#include "fse/limits.h"

/* A document loaded and checked: its record and, unless it is a tombstone,
 * its data key. */
typedef struct loaded_doc {
    fse_store_doc_meta *meta;
    uint8_t dk[STORE_KEY_LEN];
    uint8_t wrapped[STORE_WRAPPED_LEN];
    char kid[FSE_STORE_KID_LEN];
    int64_t seq;
    bool sealed; /* false for a tombstone */
} loaded_doc;

static void loaded_clear(loaded_doc *d)
{
    fse_store_doc_meta_free(d->meta);
    fse_store__wipe(d, sizeof(*d));
}

static void meta_aad(store_aad *a, const char *doc_id)
{
    fse_store__aad_init(a, "fse-meta v1");
    fse_store__aad_str(a, doc_id);
}

static void blob_aad(store_aad *a, const char *doc_id, int kind)
{
    fse_store__aad_init(a, "fse-blob v1");
    fse_store__aad_str(a, doc_id);
    fse_store__aad_i64(a, kind);
}

/* Open and check one row into out. */
static fse_err decode_row(fse_store *s, const store_doc_row *row, loaded_doc *out)
{
    store_doc_row expect;
    char ref[FSE_STORE_REF_LEN];
    fse_buf codes;
    store_aad aad;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    const char *diff = NULL;
    fse_err rc = FSE_OK;

    memset(out, 0, sizeof(*out));
    out->seq = row->seq;
    if (row->status == FSE_STORE_DOC_DELETED) {
        return fse_store__meta_tombstone(&out->meta, row);
    }
    fse_buf_init(&codes, STORE_MAX_META_BYTES);
    rc = fse_store__need_keys(s);
    if (rc != FSE_OK) {
        goto done;
    }
    if (row->doc_id == NULL || row->dk_kid == NULL || strcmp(row->dk_kid, s->kid) != 0) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                           "document %s: data key wrapped by master key %s, not by %s",
                           row->unique_id != NULL ? row->unique_id : "?",
                           row->dk_kid != NULL ? row->dk_kid : "(none)", s->kid);
        goto done;
    }
    rc = fse_store__dk_unwrap(out->dk, s->kek, row->dk_kid, row->doc_id, row->dk_wrapped,
                              row->dk_wrapped_len);
    if (rc != FSE_OK) {
        goto done;
    }
    if (row->meta_ct_len > STORE_MAX_META_BYTES) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "document %s: metadata too large",
                           row->doc_id);
        goto done;
    }
    meta_aad(&aad, row->doc_id);
    rc = fse_store__aead_open(&plain, &plain_len, out->dk, aad.data, aad.len, row->meta_ct,
                              row->meta_ct_len);
    if (rc == FSE_OK) {
        rc = fse_store__meta_decode(&out->meta, plain, plain_len);
        if (rc == FSE_E_PARSE) {
            rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "document %s: metadata malformed",
                               row->doc_id);
        }
    }
    if (rc == FSE_OK) {
        rc = fse_store__meta_plain(&expect, &codes, ref, s, out->meta);
    }
    if (rc == FSE_OK) {
        diff = fse_store__meta_row_diff(&expect, row);
    }
    if (rc == FSE_OK && diff != NULL) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                           "document %s: column %s differs from the sealed metadata", row->doc_id,
                           diff);
    }
    if (rc == FSE_OK) {
        memcpy(out->wrapped, row->dk_wrapped, STORE_WRAPPED_LEN);
        memcpy(out->kid, row->dk_kid, FSE_STORE_KID_LEN);
        out->sealed = true;
    }
done:
    if (plain != NULL) {
        fse_store__wipe(plain, plain_len);
        fse_free(plain);
    }
    fse_buf_free(&codes);
    if (rc != FSE_OK) {
        loaded_clear(out);
    }
    return rc;
}

fse_err fse_store__doc_row_meta(fse_store_doc_meta **out, fse_store *s, const store_doc_row *row)
{
    loaded_doc d;
    fse_err rc = decode_row(s, row, &d);

    *out = NULL;
    if (rc == FSE_OK) {
        *out = d.meta;
        d.meta = NULL;
        loaded_clear(&d);
    }
    return rc;
}

typedef struct load_ctx {
    fse_store *s;
    loaded_doc *out;
} load_ctx;

static fse_err on_load(const store_doc_row *row, void *ctx)
{
    load_ctx *l = ctx;

    return decode_row(l->s, row, l->out);
}

/* Load a document by uniqueId. */
static fse_err load_doc(fse_store *s, const char *unique_id, loaded_doc *out)
{
    load_ctx l = {s, out};
    fse_err rc;

    memset(out, 0, sizeof(*out));
    rc = s->be->doc_get(s->conn, unique_id, on_load, &l);
    if (rc == FSE_E_NOT_FOUND) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "document %s not found", unique_id);
    }
    return rc;
}

/* Load a document that is not a tombstone: NOT_FOUND for a deleted one. */
static fse_err load_live(fse_store *s, const char *unique_id, loaded_doc *out)
{
    fse_err rc = load_doc(s, unique_id, out);

    if (rc == FSE_OK && !out->sealed) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "document %s was deleted", unique_id);
    }
    return rc;
}

/* Seal m with dk and write it (insert or update) with its plain columns. */
static fse_err write_meta(fse_store *s, const fse_store_doc_meta *m, const uint8_t *dk,
                          const uint8_t *wrapped, const char *kid, bool insert)
{
    store_doc_row row;
    char ref[FSE_STORE_REF_LEN];
    fse_buf codes;
    fse_buf rec;
    store_aad aad;
    uint8_t *ct = NULL;
    size_t ct_len = 0;
    fse_err rc;

    fse_buf_init(&codes, STORE_MAX_META_BYTES);
    fse_buf_init(&rec, STORE_MAX_META_BYTES);
    rc = fse_store__meta_encode(&rec, m);
    if (rc == FSE_OK) {
        meta_aad(&aad, m->doc_id);
        rc = fse_store__aead_seal(&ct, &ct_len, dk, aad.data, aad.len, (const uint8_t *)rec.data,
                                  rec.len);
    }
    if (rc == FSE_OK) {
        rc = fse_store__meta_plain(&row, &codes, ref, s, m);
    }
    if (rc == FSE_OK) {
        row.dk_kid = kid;
        row.dk_wrapped = wrapped;
        row.dk_wrapped_len = STORE_WRAPPED_LEN;
        row.meta_ct = ct;
        row.meta_ct_len = ct_len;
        rc = insert ? s->be->doc_insert(s->conn, &row) : s->be->doc_update(s->conn, &row);
        if (rc == FSE_E_CONFLICT) {
            rc = fse_error_set(FSE_E_CONFLICT, FSE_STORE_MODULE, "document %s already exists",
                               m->unique_id);
        }
    }
    if (rec.data != NULL) {
        fse_store__wipe(rec.data, rec.len);
    }
    fse_buf_free(&rec);
    fse_buf_free(&codes);
    fse_free(ct);
    return rc;
}

/* Seal one blob of document doc_id with dk and store it. */
static fse_err put_blob(fse_store *s, const char *doc_id, const uint8_t *dk, int kind,
                        const uint8_t *data, size_t len)
{
    store_aad aad;
    uint8_t *ct = NULL;
    size_t ct_len = 0;
    fse_err rc;

    blob_aad(&aad, doc_id, kind);
    rc = fse_store__aead_seal(&ct, &ct_len, dk, aad.data, aad.len, data, len);
    if (rc == FSE_OK) {
        rc = s->be->blob_put(s->conn, doc_id, kind, ct, ct_len);
    }
    fse_free(ct);
    return rc;
}

static fse_err check_bytes(const uint8_t *p, size_t len, const char *what)
{
    if (p == NULL || len == 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "%s bytes missing", what);
    }
    if (len > FSE_MAX_DOCUMENT_BYTES) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "%s over %u bytes", what,
                             FSE_MAX_DOCUMENT_BYTES);
    }
    return FSE_OK;
}

/* Load the version being replaced and check it may be replaced by m. */
static fse_err load_replaced(fse_store *s, const fse_store_doc_meta *m, loaded_doc *old)
{
    char new_ref[FSE_STORE_REF_LEN];
    char old_ref[FSE_STORE_REF_LEN];
    fse_err rc = load_doc(s, m->replaces_unique_id, old);

    if (rc != FSE_OK) {
        return rc;
    }
    if (old->meta->status != FSE_STORE_DOC_APPROVED) {
        return fse_error_set(FSE_E_CONFLICT, FSE_STORE_MODULE,
                             "document %s is not the current version and cannot be replaced",
                             m->replaces_unique_id);
    }
    rc = fse_store_ref(new_ref, s, FSE_STORE_REF_PATIENT, m->patient_id);
    if (rc == FSE_OK) {
        rc = fse_store_ref(old_ref, s, FSE_STORE_REF_PATIENT, old->meta->patient_id);
    }
    if (rc == FSE_OK && strcmp(new_ref, old_ref) != 0) {
        rc = fse_error_set(FSE_E_CONFLICT, FSE_STORE_MODULE,
                           "replacement of %s is about another patient", m->replaces_unique_id);
    }
    return rc;
}

/* Digests the metadata records about the stored bytes. */
typedef struct doc_digests {
    char sha1[41];       /* INI hash of the PDF */
    char sha256[65];     /* attachment_hash of the PDF */
    char cda_sha256[65]; /* checked when the CDA is read */
} doc_digests;

static fse_err digest(doc_digests *d, const uint8_t *pdf, size_t pdf_len, const uint8_t *cda,
                      size_t cda_len)
{
    fse_err rc = fse_store__sha1_hex(d->sha1, pdf, pdf_len);

    if (rc == FSE_OK) {
        rc = fse_store__sha256_hex(d->sha256, pdf, pdf_len);
    }
    if (rc == FSE_OK) {
        rc = fse_store__sha256_hex(d->cda_sha256, cda, cda_len);
    }
    return rc;
}

fse_err fse_store_doc_put(fse_store *s, const fse_store_doc_meta *meta, const uint8_t *pdf,
                          size_t pdf_len, const uint8_t *cda, size_t cda_len, int64_t now_ms,
                          char doc_id_out[FSE_STORE_ID_LEN])
{
    fse_store_doc_meta m;
    loaded_doc old;
    uint8_t raw_id[(FSE_STORE_ID_LEN - 1) / 2];
    char doc_id[FSE_STORE_ID_LEN];
    doc_digests dg;
    uint8_t dk[STORE_KEY_LEN];
    uint8_t *wrapped = NULL;
    size_t wrapped_len = 0;
    bool replacing = false;
    fse_err rc;

    memset(&old, 0, sizeof(old));
    if (s == NULL || meta == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "put: missing argument");
    }
    rc = fse_store__meta_check(meta);
    if (rc == FSE_OK) {
        rc = check_bytes(pdf, pdf_len, "PDF");
    }
    if (rc == FSE_OK) {
        rc = check_bytes(cda, cda_len, "CDA");
    }
    if (rc == FSE_OK) {
        rc = fse_store__need_keys(s);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc != FSE_OK) {
        return rc;
    }
    m = *meta;
    m.arena_ = NULL;
    m.version = 1;
    replacing = m.replaces_unique_id != NULL && m.replaces_unique_id[0] != '\0';
    if (!replacing) {
        m.replaces_unique_id = NULL;
    } else {
        rc = load_replaced(s, &m, &old);
        if (rc == FSE_OK) {
            m.version = old.meta->version + 1;
        }
    }
    if (rc == FSE_OK) {
        rc = fse_store__random(raw_id, sizeof(raw_id));
    }
    if (rc == FSE_OK) {
        rc = fse_store__random(dk, sizeof(dk));
    }
    if (rc == FSE_OK) {
        rc = digest(&dg, pdf, pdf_len, cda, cda_len);
    }
    if (rc != FSE_OK) {
        goto done;
    }
    fse_hex_encode(doc_id, raw_id, sizeof(raw_id));
    m.doc_id = doc_id;
    m.status = FSE_STORE_DOC_APPROVED;
    m.replaced_by_unique_id = NULL;
    m.hash_sha1 = dg.sha1;
    m.hash_sha256 = dg.sha256;
    m.cda_sha256 = dg.cda_sha256;
    m.size = pdf_len;
    m.cda_size = cda_len;
    m.created_ms = now_ms;
    m.updated_ms = now_ms;
    m.deleted_ms = 0;
    rc = fse_store__dk_wrap(&wrapped, &wrapped_len, s->kek, s->kid, doc_id, dk);
    if (rc == FSE_OK) {
        rc = write_meta(s, &m, dk, wrapped, s->kid, true);
    }
    if (rc == FSE_OK) {
        rc = put_blob(s, doc_id, dk, FSE_STORE_BLOB_PDF, pdf, pdf_len);
    }
    if (rc == FSE_OK) {
        rc = put_blob(s, doc_id, dk, FSE_STORE_BLOB_CDA, cda, cda_len);
    }
    if (rc == FSE_OK && replacing) {
        old.meta->status = FSE_STORE_DOC_DEPRECATED;
        old.meta->replaced_by_unique_id = m.unique_id;
        old.meta->updated_ms = now_ms;
        rc = write_meta(s, old.meta, old.dk, old.wrapped, old.kid, false);
    }
done:
    rc = fse_store__op_end(s, rc);
    if (rc == FSE_OK && doc_id_out != NULL) {
        memcpy(doc_id_out, doc_id, FSE_STORE_ID_LEN);
    }
    fse_store__wipe(dk, sizeof(dk));
    fse_free(wrapped);
    loaded_clear(&old);
    return rc;
}

fse_err fse_store_doc_get(fse_store_doc_meta **out, fse_store *s, const char *unique_id)
{
    loaded_doc d;
    fse_err rc;

    if (out == NULL || s == NULL || unique_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "get: missing argument");
    }
    *out = NULL;
    rc = load_doc(s, unique_id, &d);
    if (rc == FSE_OK) {
        *out = d.meta;
        d.meta = NULL;
    }
    loaded_clear(&d);
    return rc;
}

typedef struct blob_ctx {
    const uint8_t *dk;
    store_aad aad;
    uint8_t *plain;
    size_t plain_len;
} blob_ctx;

static fse_err on_blob(const uint8_t *ct, size_t ct_len, void *ctx)
{
    blob_ctx *b = ctx;

    return fse_store__aead_open(&b->plain, &b->plain_len, b->dk, b->aad.data, b->aad.len, ct,
                                ct_len);
}

fse_err fse_store_doc_read(uint8_t **data_out, size_t *len_out, fse_store *s, const char *unique_id,
                           fse_store_blob kind)
{
    loaded_doc d;
    blob_ctx b;
    char sha[65];
    const char *want_sha = NULL;
    uint64_t want_len = 0;
    fse_err rc;

    memset(&d, 0, sizeof(d));
    memset(&b, 0, sizeof(b));
    if (data_out == NULL || len_out == NULL || s == NULL || unique_id == NULL ||
        (kind != FSE_STORE_BLOB_PDF && kind != FSE_STORE_BLOB_CDA)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "read: bad argument");
    }
    *data_out = NULL;
    *len_out = 0;
    rc = fse_store__op_begin(s, STORE_TX_READ);
    if (rc != FSE_OK) {
        return rc;
    }
    rc = load_live(s, unique_id, &d);
    if (rc == FSE_OK) {
        b.dk = d.dk;
        blob_aad(&b.aad, d.meta->doc_id, (int)kind);
        rc = s->be->blob_get(s->conn, d.meta->doc_id, (int)kind, on_blob, &b);
        if (rc == FSE_E_NOT_FOUND) {
            rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "document %s: stored bytes missing",
                               unique_id);
        } else if (rc == FSE_E_CRYPTO) {
            rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                               "document %s: %s bytes fail the integrity check", unique_id,
                               kind == FSE_STORE_BLOB_PDF ? "PDF" : "CDA");
        }
    }
    if (rc == FSE_OK) {
        want_sha = kind == FSE_STORE_BLOB_PDF ? d.meta->hash_sha256 : d.meta->cda_sha256;
        want_len = kind == FSE_STORE_BLOB_PDF ? d.meta->size : d.meta->cda_size;
        rc = fse_store__sha256_hex(sha, b.plain, b.plain_len);
    }
    if (rc == FSE_OK &&
        (want_sha == NULL || strcmp(sha, want_sha) != 0 || want_len != b.plain_len)) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                           "document %s: bytes do not match the recorded hash", unique_id);
    }
    rc = fse_store__op_end(s, rc);
    if (rc == FSE_OK) {
        *data_out = b.plain;
        *len_out = b.plain_len;
        b.plain = NULL;
    }
    if (b.plain != NULL) {
        fse_store__wipe(b.plain, b.plain_len);
        fse_free(b.plain);
    }
    loaded_clear(&d);
    return rc;
}

fse_err fse_store_doc_update(fse_store *s, const fse_store_doc_meta *meta, int64_t now_ms)
{
    static const struct {
        const char *name;
        size_t off;
    } mutable_fields[] = {
#define M(f) {#f, offsetof(fse_store_doc_meta, f)}
        M(class_code),        M(practice_setting_code), M(facility_type_code),
        M(content_type_code), M(service_start_time),    M(service_stop_time),
        M(repository_type),   M(submission_set_id),
#undef M
    };
    loaded_doc d;
    fse_store_doc_meta m;
    fse_err rc = FSE_OK;
    size_t i;

    memset(&d, 0, sizeof(d));
    if (s == NULL || meta == NULL || meta->unique_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "update: missing argument");
    }
    for (i = 0; i < sizeof(mutable_fields) / sizeof(mutable_fields[0]) && rc == FSE_OK; i++) {
        const char *v =
            *(const char *const *)(const void *)((const char *)meta + mutable_fields[i].off);

        rc = fse_store__check_str(v, mutable_fields[i].name, STORE_MAX_TEXT_LEN, false);
    }
    if (rc == FSE_OK && (meta->n_event_codes > STORE_MAX_EVENT_CODES ||
                         (meta->n_event_codes > 0 && meta->event_codes == NULL))) {
        rc = fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "event codes missing or over %u",
                           STORE_MAX_EVENT_CODES);
    }
    for (i = 0; i < meta->n_event_codes && rc == FSE_OK; i++) {
        rc = fse_store__check_str(meta->event_codes[i], "event code", STORE_MAX_TEXT_LEN, true);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc != FSE_OK) {
        return rc;
    }
    rc = load_doc(s, meta->unique_id, &d);
    if (rc == FSE_OK && d.meta->status != FSE_STORE_DOC_APPROVED) {
        rc = fse_error_set(FSE_E_CONFLICT, FSE_STORE_MODULE,
                           "document %s is not the current version", meta->unique_id);
    }
    if (rc == FSE_OK) {
        m = *d.meta;
        for (i = 0; i < sizeof(mutable_fields) / sizeof(mutable_fields[0]); i++) {
            const char *v =
                *(const char *const *)(const void *)((const char *)meta + mutable_fields[i].off);

            *(const char **)(void *)((char *)&m + mutable_fields[i].off) = v;
        }
        m.event_codes = meta->event_codes;
        m.n_event_codes = meta->n_event_codes;
        m.updated_ms = now_ms;
        rc = write_meta(s, &m, d.dk, d.wrapped, d.kid, false);
    }
    rc = fse_store__op_end(s, rc);
    loaded_clear(&d);
    return rc;
}

fse_err fse_store_doc_visibility_set(fse_store *s, const char *unique_id, unsigned visibility,
                                     int64_t now_ms)
{
    loaded_doc d;
    fse_store_doc_meta m;
    fse_err rc;

    memset(&d, 0, sizeof(d));
    if (s == NULL || unique_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "visibility: missing argument");
    }
    if ((visibility & ~FSE_STORE_VIS_ALL) != 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "unknown visibility bits 0x%x",
                             visibility & ~FSE_STORE_VIS_ALL);
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc != FSE_OK) {
        return rc;
    }
    rc = load_live(s, unique_id, &d);
    if (rc == FSE_OK) {
        /* The bits are in the sealed record too: reseal it with them. */
        m = *d.meta;
        m.visibility = visibility;
        m.updated_ms = now_ms;
        rc = write_meta(s, &m, d.dk, d.wrapped, d.kid, false);
    }
    rc = fse_store__op_end(s, rc);
    loaded_clear(&d);
    return rc;
}

typedef struct del_ctx {
    char doc_id[FSE_STORE_ID_LEN];
    int status;
} del_ctx;

static fse_err on_delete_row(const store_doc_row *row, void *ctx)
{
    del_ctx *d = ctx;

    if (row->doc_id == NULL || strlen(row->doc_id) >= sizeof(d->doc_id)) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "document row malformed");
    }
    memcpy(d->doc_id, row->doc_id, strlen(row->doc_id) + 1);
    d->status = row->status;
    return FSE_OK;
}

fse_err fse_store_doc_delete(fse_store *s, const char *unique_id, int64_t now_ms)
{
    del_ctx d;
    fse_err rc;

    memset(&d, 0, sizeof(d));
    if (s == NULL || unique_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "delete: missing argument");
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc != FSE_OK) {
        return rc;
    }
    rc = s->be->doc_get(s->conn, unique_id, on_delete_row, &d);
    if (rc == FSE_E_NOT_FOUND) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "document %s not found", unique_id);
    }
    if (rc == FSE_OK && d.status == FSE_STORE_DOC_DELETED) {
        rc = fse_error_set(FSE_E_CONFLICT, FSE_STORE_MODULE, "document %s is already deleted",
                           unique_id);
    }
    if (rc == FSE_OK) {
        rc = s->be->doc_tombstone(s->conn, d.doc_id, now_ms);
    }
    return fse_store__op_end(s, rc);
}

void fse_store_doc_meta_free(fse_store_doc_meta *m)
{
    if (m != NULL) {
        fse_store__arena_free(m->arena_);
    }
}
