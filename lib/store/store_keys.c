/*
 * lib/store/store_keys.c - the key hierarchy of a node and the services
 * built on it: keyed references, sealing of small values, audit MACs, and
 * master-key rotation.
 *
 * Owns the hierarchy:
 *   master key (key file, never stored)
 *     -> kid  = first 8 bytes of HMAC(master, "fse-store kid v1"), in hex
 *     -> kek  = HMAC(master, "fse-store kek v1")
 *          wraps (AES-256-GCM, aad = purpose or doc id, and kid):
 *            node keys "ref", "seal", "audit" (random, created once per node)
 *            one data key per document
 * Rotation rewraps the node keys and the data keys under a new kek in one
 * transaction; the values sealed with them are untouched, so keyed
 * references stay stable across rotations.
 * Does not own the AEAD itself (store_crypto.c) or what is sealed with the
 * data keys (store_doc.c).
 */
#include "store_int.h"

#include <ctype.h>
#include <string.h>

/* Purpose names of the node keys, as stored. */
static const char *const node_key_names[STORE_NK_COUNT] = {
    [STORE_NK_REF] = "ref",
    [STORE_NK_SEAL] = "seal",
    [STORE_NK_AUDIT] = "audit",
};

/* Wrapped key: version, nonce, 32-byte key, tag. */
#define WRAPPED_LEN STORE_WRAPPED_LEN

void fse_store__derive(uint8_t kek[STORE_KEY_LEN], char kid[FSE_STORE_KID_LEN],
                       const uint8_t master[STORE_KEY_LEN])
{
    static const char kid_label[] = "fse-store kid v1";
    static const char kek_label[] = "fse-store kek v1";
    uint8_t mac[32];

    /* HMAC-SHA256 with a 32-byte key cannot fail short of a broken
     * libcrypto; a zero kid would then fail every unwrap loudly. */
    memset(mac, 0, sizeof(mac));
    (void)fse_store__hmac(mac, master, STORE_KEY_LEN, (const uint8_t *)kid_label,
                          sizeof(kid_label) - 1);
    fse_hex_encode(kid, mac, (FSE_STORE_KID_LEN - 1) / 2);
    (void)fse_store__hmac(kek, master, STORE_KEY_LEN, (const uint8_t *)kek_label,
                          sizeof(kek_label) - 1);
    fse_store__wipe(mac, sizeof(mac));
}

static fse_err wrap_key(uint8_t **out, size_t *out_len, const uint8_t kek[STORE_KEY_LEN],
                        const char *domain, const char *name, const char *kid,
                        const uint8_t key[STORE_KEY_LEN])
{
    store_aad aad;

    fse_store__aad_init(&aad, domain);
    fse_store__aad_str(&aad, name);
    fse_store__aad_str(&aad, kid);
    if (aad.overflow) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "key name too long");
    }
    return fse_store__aead_seal(out, out_len, kek, aad.data, aad.len, key, STORE_KEY_LEN);
}

static fse_err unwrap_key(uint8_t key[STORE_KEY_LEN], const uint8_t kek[STORE_KEY_LEN],
                          const char *domain, const char *name, const char *kid,
                          const uint8_t *wrapped, size_t len)
{
    store_aad aad;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    fse_err rc;

    fse_store__aad_init(&aad, domain);
    fse_store__aad_str(&aad, name);
    fse_store__aad_str(&aad, kid);
    if (aad.overflow || len != WRAPPED_LEN) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "wrapped key of %s malformed", name);
    }
    rc = fse_store__aead_open(&plain, &plain_len, kek, aad.data, aad.len, wrapped, len);
    if (rc == FSE_E_NOMEM) {
        return rc;
    }
    if (rc != FSE_OK) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                             "key of %s does not unwrap: wrong master key or changed data", name);
    }
    if (plain_len == STORE_KEY_LEN) {
        memcpy(key, plain, STORE_KEY_LEN);
    } else {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "key of %s malformed", name);
    }
    fse_store__wipe(plain, plain_len);
    fse_free(plain);
    return rc;
}

fse_err fse_store__dk_wrap(uint8_t **out, size_t *out_len, const uint8_t kek[STORE_KEY_LEN],
                           const char *kid, const char *doc_id, const uint8_t dk[STORE_KEY_LEN])
{
    return wrap_key(out, out_len, kek, "fse-dk v1", doc_id, kid, dk);
}

fse_err fse_store__dk_unwrap(uint8_t dk[STORE_KEY_LEN], const uint8_t kek[STORE_KEY_LEN],
                             const char *kid, const char *doc_id, const uint8_t *wrapped,
                             size_t len)
{
    if (kid == NULL || wrapped == NULL) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "document %s has no data key", doc_id);
    }
    return unwrap_key(dk, kek, "fse-dk v1", doc_id, kid, wrapped, len);
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct node_key_ctx {
    fse_store *s;
    store_node_key which;
} node_key_ctx;

static fse_err on_node_key(const char *kid, const uint8_t *wrapped, size_t len, void *ctx)
{
    node_key_ctx *k = ctx;

    if (kid == NULL || strcmp(kid, k->s->kid) != 0) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                             "node key %s is wrapped by master key %s, not by %s",
                             node_key_names[k->which], kid != NULL ? kid : "(none)", k->s->kid);
    }
    return unwrap_key(k->s->node_keys[k->which], k->s->kek, "fse-nk v1", node_key_names[k->which],
                      kid, wrapped, len);
}

/* Create node key `which` for a database that has none yet. */
static fse_err create_node_key(fse_store *s, store_node_key which, int64_t now_ms)
{
    uint8_t *wrapped = NULL;
    size_t len = 0;
    fse_err rc = fse_store__random(s->node_keys[which], STORE_KEY_LEN);

    if (rc == FSE_OK) {
        rc = wrap_key(&wrapped, &len, s->kek, "fse-nk v1", node_key_names[which], s->kid,
                      s->node_keys[which]);
    }
    if (rc == FSE_OK) {
        rc = s->be->node_key_put(s->conn, node_key_names[which], s->kid, wrapped, len, now_ms);
    }
    fse_free(wrapped);
    return rc;
}

fse_err fse_store__keys_load(fse_store *s, int64_t now_ms)
{
    char *db_kid = NULL;
    fse_err rc = fse_store__op_begin(s, STORE_TX_WRITE);
    int i;

    if (rc != FSE_OK) {
        return rc;
    }
    rc = s->be->kv_get(s->conn, "master_kid", &db_kid);
    if (rc == FSE_E_NOT_FOUND) {
        rc = s->be->kv_set(s->conn, "master_kid", s->kid);
    } else if (rc == FSE_OK && strcmp(db_kid, s->kid) != 0) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                           "wrong master key: the database was written with key %s, the key "
                           "file holds key %s",
                           db_kid, s->kid);
    }
    for (i = 0; i < STORE_NK_COUNT && rc == FSE_OK; i++) {
        node_key_ctx k = {s, (store_node_key)i};

        rc = s->be->node_key_get(s->conn, node_key_names[i], on_node_key, &k);
        if (rc == FSE_E_NOT_FOUND) {
            rc = create_node_key(s, (store_node_key)i, now_ms);
        }
    }
    fse_free(db_kid);
    return fse_store__op_end(s, rc);
}

/* ------------------------------------------------------------------------ */
/* Rotation                                                                 */
/* ------------------------------------------------------------------------ */

/* A batch of data keys copied out of the backend before rewrapping, so no
 * statement reads the rows being changed. */
typedef struct rotate_item {
    char doc_id[FSE_STORE_ID_LEN];
    uint8_t wrapped[WRAPPED_LEN];
    bool well_formed;
} rotate_item;

typedef struct rotate_batch {
    rotate_item items[STORE_ROTATE_BATCH];
    size_t n;
} rotate_batch;

static fse_err on_rotate_row(const store_doc_row *row, void *ctx)
{
    rotate_batch *b = ctx;
    rotate_item *it;

    if (b->n == STORE_ROTATE_BATCH) {
        return FSE_OK;
    }
    it = &b->items[b->n++];
    memset(it, 0, sizeof(*it));
    if (row->doc_id != NULL && strlen(row->doc_id) < sizeof(it->doc_id)) {
        memcpy(it->doc_id, row->doc_id, strlen(row->doc_id) + 1);
    }
    it->well_formed = row->dk_wrapped_len == WRAPPED_LEN;
    if (it->well_formed) {
        memcpy(it->wrapped, row->dk_wrapped, WRAPPED_LEN);
    }
    return FSE_OK;
}

/* Rewrap every data key under old_kid with the new kek. */
static fse_err rotate_data_keys(fse_store *s, const uint8_t new_kek[STORE_KEY_LEN],
                                const char *new_kid)
{
    rotate_batch *b = fse_malloc(sizeof(*b));
    uint8_t dk[STORE_KEY_LEN];
    fse_err rc = FSE_OK;
    size_t i;

    if (b == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "rotation batch");
    }
    do {
        b->n = 0;
        rc = s->be->doc_keys(s->conn, s->kid, STORE_ROTATE_BATCH, on_rotate_row, b);
        for (i = 0; i < b->n && rc == FSE_OK; i++) {
            uint8_t *wrapped = NULL;
            size_t len = 0;

            if (!b->items[i].well_formed) {
                rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                                   "data key of document %s malformed", b->items[i].doc_id);
                break;
            }
            rc = fse_store__dk_unwrap(dk, s->kek, s->kid, b->items[i].doc_id, b->items[i].wrapped,
                                      WRAPPED_LEN);
            if (rc == FSE_OK) {
                rc = fse_store__dk_wrap(&wrapped, &len, new_kek, new_kid, b->items[i].doc_id, dk);
            }
            if (rc == FSE_OK) {
                rc = s->be->doc_key_set(s->conn, b->items[i].doc_id, new_kid, wrapped, len);
            }
            fse_free(wrapped);
        }
    } while (rc == FSE_OK && b->n == STORE_ROTATE_BATCH);
    fse_store__wipe(dk, sizeof(dk));
    fse_store__wipe(b, sizeof(*b));
    fse_free(b);
    return rc;
}

fse_err fse_store_rotate_master_key(fse_store *s, const char *new_key_path)
{
    uint8_t master[STORE_KEY_LEN];
    uint8_t kek[STORE_KEY_LEN];
    char kid[FSE_STORE_KID_LEN];
    int64_t others = 0;
    int64_t now_ms = fse_store_now_ms();
    fse_err rc;
    int i;

    if (s == NULL || new_key_path == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "rotate: missing argument");
    }
    if (!s->has_keys || s->tx_mode != 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE,
                             "rotation needs the current key and no open transaction");
    }
    rc = fse_store__keyfile_read(master, new_key_path);
    if (rc != FSE_OK) {
        return rc;
    }
    fse_store__derive(kek, kid, master);
    if (strcmp(kid, s->kid) == 0) {
        rc = fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "the new key is the current key");
        goto done;
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc != FSE_OK) {
        goto done;
    }
    for (i = 0; i < STORE_NK_COUNT && rc == FSE_OK; i++) {
        uint8_t *wrapped = NULL;
        size_t len = 0;

        rc = wrap_key(&wrapped, &len, kek, "fse-nk v1", node_key_names[i], kid, s->node_keys[i]);
        if (rc == FSE_OK) {
            rc = s->be->node_key_put(s->conn, node_key_names[i], kid, wrapped, len, now_ms);
        }
        fse_free(wrapped);
    }
    if (rc == FSE_OK) {
        rc = rotate_data_keys(s, kek, kid);
    }
    if (rc == FSE_OK) {
        rc = s->be->doc_key_count_other(s->conn, kid, &others);
    }
    if (rc == FSE_OK && others != 0) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                           "%lld data keys are wrapped by neither the old nor the new master key",
                           (long long)others);
    }
    if (rc == FSE_OK) {
        rc = s->be->kv_set(s->conn, "master_kid", kid);
    }
    rc = fse_store__op_end(s, rc);
    if (rc == FSE_OK) {
        memcpy(s->master, master, sizeof(master));
        memcpy(s->kek, kek, sizeof(kek));
        memcpy(s->kid, kid, sizeof(kid));
    }
done:
    fse_store__wipe(master, sizeof(master));
    fse_store__wipe(kek, sizeof(kek));
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Services on the node keys                                                */
/* ------------------------------------------------------------------------ */

fse_err fse_store_ref(char out[FSE_STORE_REF_LEN], fse_store *s, fse_store_ref_kind kind,
                      const char *id)
{
    char norm[STORE_MAX_ID_LEN + 8];
    uint8_t mac[32];
    size_t start = 0;
    size_t end = 0;
    size_t n = 0;
    fse_err rc;

    if (out == NULL || s == NULL || id == NULL ||
        (kind != FSE_STORE_REF_PATIENT && kind != FSE_STORE_REF_ACTOR)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "ref: missing argument");
    }
    rc = fse_store__need_keys(s);
    if (rc != FSE_OK) {
        return rc;
    }
    /* Normalise: the part before '^', trimmed, upper case, behind a domain
     * prefix ("P:" or "A:") so the two kinds never collide. */
    while (id[end] != '\0' && id[end] != '^') {
        end++;
    }
    while (start < end && isspace((unsigned char)id[start])) {
        start++;
    }
    while (end > start && isspace((unsigned char)id[end - 1])) {
        end--;
    }
    if (end == start || end - start > STORE_MAX_ID_LEN) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE,
                             "person identifier empty or over %u bytes", STORE_MAX_ID_LEN);
    }
    norm[n++] = kind == FSE_STORE_REF_PATIENT ? 'P' : 'A';
    norm[n++] = ':';
    while (start < end) {
        norm[n++] = (char)toupper((unsigned char)id[start++]);
    }
    rc = fse_store__hmac(mac, s->node_keys[STORE_NK_REF], STORE_KEY_LEN, (const uint8_t *)norm, n);
    if (rc == FSE_OK) {
        fse_hex_encode(out, mac, sizeof(mac));
    }
    fse_store__wipe(norm, sizeof(norm));
    return rc;
}

static fse_err seal_aad(store_aad *aad, const char *context)
{
    fse_store__aad_init(aad, "fse-seal v1");
    fse_store__aad_str(aad, context);
    if (aad->overflow) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "seal context too long");
    }
    return FSE_OK;
}

fse_err fse_store_seal(uint8_t **out, size_t *out_len, fse_store *s, const char *context,
                       const uint8_t *data, size_t len)
{
    store_aad aad;
    fse_err rc;

    if (out == NULL || out_len == NULL || s == NULL || context == NULL ||
        (data == NULL && len > 0)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "seal: missing argument");
    }
    rc = fse_store__need_keys(s);
    if (rc == FSE_OK) {
        rc = seal_aad(&aad, context);
    }
    if (rc == FSE_OK) {
        rc = fse_store__aead_seal(out, out_len, s->node_keys[STORE_NK_SEAL], aad.data, aad.len,
                                  data != NULL ? data : (const uint8_t *)"", len);
    }
    return rc;
}

fse_err fse_store_unseal(uint8_t **out, size_t *out_len, fse_store *s, const char *context,
                         const uint8_t *sealed, size_t sealed_len)
{
    store_aad aad;
    fse_err rc;

    if (out == NULL || out_len == NULL || s == NULL || context == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "unseal: missing argument");
    }
    *out = NULL;
    *out_len = 0;
    rc = fse_store__need_keys(s);
    if (rc == FSE_OK) {
        rc = seal_aad(&aad, context);
    }
    if (rc == FSE_OK) {
        rc = fse_store__aead_open(out, out_len, s->node_keys[STORE_NK_SEAL], aad.data, aad.len,
                                  sealed, sealed_len);
    }
    return rc;
}

fse_err fse_store_mac(uint8_t out[32], fse_store *s, const uint8_t *data, size_t len)
{
    fse_err rc;

    if (out == NULL || s == NULL || (data == NULL && len > 0)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "mac: missing argument");
    }
    rc = fse_store__need_keys(s);
    if (rc != FSE_OK) {
        return rc;
    }
    return fse_store__hmac(out, s->node_keys[STORE_NK_AUDIT], STORE_KEY_LEN,
                           data != NULL ? data : (const uint8_t *)"", len);
}
