/*
 * lib/store/store_record.c - the sealed records and returned lists of the
 * privacy state, shared by store_privacy.c and store_relation.c.
 *
 * Owns the layout of a record's sealed value (its string fields as TLV
 * under tags each record type fixes; absent or empty fields are left out,
 * unknown tags skipped on reading), sealing it with the "seal" node key
 * under the associated data its caller builds from the row, the uniform
 * FSE_E_CRYPTO of a value that does not open, and the building of a list
 * from backend rows (items collected, capped, then moved into the list's
 * arena). Does not own what a record binds or contains (its callers) nor
 * the AEAD (store_crypto.c) or the arena and TLV codecs (store_codec.c).
 */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

const char *fse_store__nonempty(const char *v)
{
    return v != NULL && v[0] != '\0' ? v : NULL;
}

bool fse_store__arena_set(store_arena *a, const char **dst, const char *src)
{
    *dst = fse_store__arena_strdup(a, src);
    return src == NULL || *dst != NULL;
}

static const char **field_at(void *rec, const store_rec_field *f)
{
    return (const char **)(void *)((char *)rec + f->off);
}

fse_err fse_store__rec_seal(uint8_t **out, size_t *out_len, fse_store *s, const store_aad *aad,
                            const void *rec, const store_rec_field *fields, size_t n)
{
    fse_buf buf;
    fse_err rc = FSE_OK;
    size_t i;

    *out = NULL;
    *out_len = 0;
    if (aad->overflow) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "record columns too long to bind");
    }
    fse_buf_init(&buf, STORE_MAX_META_BYTES);
    for (i = 0; i < n && rc == FSE_OK; i++) {
        const char *v = *(const char *const *)(const void *)((const char *)rec + fields[i].off);

        rc = fse_store__tlv_str(&buf, fields[i].tag, fse_store__nonempty(v));
    }
    if (rc == FSE_OK) {
        rc = fse_store__aead_seal(
            out, out_len, s->node_keys[STORE_NK_SEAL], aad->data, aad->len,
            buf.data != NULL ? (const uint8_t *)buf.data : (const uint8_t *)"", buf.len);
    }
    if (buf.data != NULL) {
        fse_store__wipe(buf.data, buf.len);
    }
    fse_buf_free(&buf);
    return rc;
}

/* Copy the fields of an opened record into rec. */
static fse_err rec_fields(const uint8_t *p, size_t len, store_arena *a, void *rec,
                          const store_rec_field *fields, size_t n)
{
    store_tlv_reader r = {p, len, 0};
    fse_err rc;

    for (;;) {
        uint8_t tag = 0;
        const uint8_t *val = NULL;
        size_t val_len = 0;
        size_t i;

        rc = fse_store__tlv_next(&r, &tag, &val, &val_len);
        if (rc != FSE_OK) {
            return rc == FSE_E_NOT_FOUND ? FSE_OK : rc;
        }
        /* A tag no field has is skipped: newer records stay readable. */
        for (i = 0; i < n; i++) {
            const char **slot;

            if (fields[i].tag != tag) {
                continue;
            }
            slot = field_at(rec, &fields[i]);
            *slot = fse_store__arena_strndup(a, (const char *)val, val_len);
            if (*slot == NULL) {
                return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "privacy record");
            }
        }
    }
}

fse_err fse_store__rec_open(fse_store *s, const store_aad *aad, const uint8_t *ct, size_t ct_len,
                            store_arena *a, void *rec, const store_rec_field *fields, size_t n,
                            const char *what, int64_t id)
{
    char id_text[32] = "";
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    fse_err rc = FSE_E_CRYPTO;

    if (id != 0) {
        snprintf(id_text, sizeof(id_text), " %lld", (long long)id);
    }
    if (!aad->overflow && ct != NULL) {
        rc = fse_store__aead_open(&plain, &plain_len, s->node_keys[STORE_NK_SEAL], aad->data,
                                  aad->len, ct, ct_len);
    }
    if (rc == FSE_E_NOMEM) {
        return rc;
    }
    if (rc != FSE_OK) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "%s%s fails its integrity check", what,
                             id_text);
    }
    rc = rec_fields(plain, plain_len, a, rec, fields, n);
    fse_store__wipe(plain, plain_len);
    fse_free(plain);
    if (rc == FSE_E_PARSE) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "%s%s malformed", what, id_text);
    }
    return rc;
}

fse_err fse_store__list_begin(store_list *l, fse_store *s, size_t item_size, size_t max)
{
    memset(l, 0, sizeof(*l));
    l->s = s;
    l->max = max;
    fse_store__vec_init(&l->v, item_size);
    l->a = fse_store__arena_new();
    if (l->a == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "list");
    }
    return FSE_OK;
}

void *fse_store__list_push(store_list *l, fse_err *rc)
{
    void *item;

    *rc = FSE_OK;
    if (l->v.n == l->max) {
        l->over = true;
        return NULL;
    }
    item = fse_store__vec_push(&l->v);
    if (item == NULL) {
        *rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "list");
    }
    return item;
}

void *fse_store__list_open(store_list *l, fse_err *rc, const store_aad *aad, const uint8_t *ct,
                           size_t ct_len, const store_rec_field *fields, size_t n, const char *what,
                           int64_t id)
{
    void *item = fse_store__list_push(l, rc);

    if (item == NULL) {
        return NULL;
    }
    *rc = fse_store__rec_open(l->s, aad, ct, ct_len, l->a, item, fields, n, what, id);
    return *rc == FSE_OK ? item : NULL;
}

void *fse_store__list_end(store_list *l, fse_err *rc, size_t list_size, const char *what)
{
    void *list = NULL;

    if (*rc == FSE_OK && l->over) {
        *rc = fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "more than %zu %s", l->max, what);
    }
    if (*rc == FSE_OK) {
        list = fse_store__arena_alloc(l->a, list_size);
        l->n = l->v.n;
        l->items = fse_store__vec_finish(&l->v, l->a);
        if (list == NULL || (l->n > 0 && l->items == NULL)) {
            *rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "%s", what);
        }
    }
    fse_store__vec_free(&l->v);
    if (*rc != FSE_OK) {
        fse_store__arena_free(l->a);
        l->a = NULL;
        return NULL;
    }
    return list;
}
