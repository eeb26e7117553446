/*
 * lib/web/web_session.c - the session table.
 *
 * Owns the ids (256 random bits from the system's CSPRNG, base64url; only
 * their SHA-256 is kept, so a memory dump gives no usable cookie), the CSRF
 * token of each session, the lookup (a hash table over the SHA-256, the
 * final comparison in constant time), the absolute expiry (the session's
 * lifetime, and never past its token pair), the idle timeout, the bound
 * (the longest idle session makes room for a new login when the table is
 * full) and the wiping of tokens. It does not own the cookie, the CSRF
 * check of a request or the handlers (web_routes.c).
 */
#include "web_int.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* WEB_TOKEN_BYTES random bytes as WEB_TOKEN_CHARS base64url characters. */
static fse_err random_token(char out[WEB_TOKEN_CHARS + 1])
{
    uint8_t raw[WEB_TOKEN_BYTES + 1];
    size_t i;
    size_t o = 0;

    if (RAND_bytes(raw, (int)WEB_TOKEN_BYTES) != 1) {
        return fse_error_set(FSE_E_CRYPTO, FSE_WEB_MODULE, "no random bytes");
    }
    raw[WEB_TOKEN_BYTES] = 0;
    /* 32 bytes: ten groups of 3 and one of 2 (43 characters). */
    for (i = 0; i < WEB_TOKEN_BYTES; i += 3) {
        uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8;

        if (i + 2 < WEB_TOKEN_BYTES) {
            v |= raw[i + 2];
        }
        out[o++] = b64url[(v >> 18) & 63];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
        if (i + 2 < WEB_TOKEN_BYTES) {
            out[o++] = b64url[v & 63];
        }
    }
    out[o] = '\0';
    OPENSSL_cleanse(raw, sizeof(raw));
    return FSE_OK;
}

/* A cookie value that could be one of our ids. */
static bool token_shape(const char *s)
{
    size_t n = 0;

    if (s == NULL) {
        return false;
    }
    for (; s[n] != '\0'; n++) {
        if (n == WEB_TOKEN_CHARS || strchr(b64url, s[n]) == NULL) {
            return false;
        }
    }
    return n == WEB_TOKEN_CHARS;
}

bool fse_web__token_equal(const char *a, const char *b)
{
    return token_shape(a) && token_shape(b) && CRYPTO_memcmp(a, b, WEB_TOKEN_CHARS) == 0;
}

void fse_web__token_free(char *t)
{
    if (t != NULL) {
        OPENSSL_cleanse(t, strlen(t));
        fse_free(t);
    }
}

static bool sha256(uint8_t out[32], const char *s)
{
    unsigned len = 0;

    return EVP_Digest(s, strlen(s), out, &len, EVP_sha256(), NULL) == 1 && len == 32;
}

static size_t bucket_of(const fse_web *w, const uint8_t key[32])
{
    size_t h = (size_t)key[0] | (size_t)key[1] << 8 | (size_t)key[2] << 16 | (size_t)key[3] << 24;

    return h & (w->n_buckets - 1);
}

fse_err fse_web__table_init(fse_web *w)
{
    size_t i;

    w->n_buckets = 1;
    while (w->n_buckets < w->cap) {
        w->n_buckets <<= 1;
    }
    w->slots = fse_calloc(w->cap, sizeof(*w->slots));
    w->buckets = fse_malloc(w->n_buckets * sizeof(*w->buckets));
    if (w->slots == NULL || w->buckets == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_WEB_MODULE, "session table");
    }
    for (i = 0; i < w->n_buckets; i++) {
        w->buckets[i] = -1;
    }
    return FSE_OK;
}

/* Wipe a slot and give it back (it must be unlinked already). */
static void slot_clear(fse_web *w, web_session *s)
{
    fse_web__token_free(s->auth);
    fse_web__token_free(s->sig);
    OPENSSL_cleanse(s, sizeof(*s));
    s->next = -1;
    w->n_used--;
}

static void unlink_slot(fse_web *w, int32_t idx)
{
    int32_t *p = &w->buckets[bucket_of(w, w->slots[idx].key)];

    while (*p != -1) {
        if (*p == idx) {
            *p = w->slots[idx].next;
            break;
        }
        p = &w->slots[*p].next;
    }
    slot_clear(w, &w->slots[idx]);
}

void fse_web__table_free(fse_web *w)
{
    size_t i;

    if (w->slots != NULL) {
        for (i = 0; i < w->cap; i++) {
            if (w->slots[i].used) {
                fse_web__token_free(w->slots[i].auth);
                fse_web__token_free(w->slots[i].sig);
            }
        }
        OPENSSL_cleanse(w->slots, w->cap * sizeof(*w->slots));
    }
    fse_free(w->slots);
    fse_free(w->buckets);
    w->slots = NULL;
    w->buckets = NULL;
    w->n_used = 0;
}

static bool expired(const fse_web *w, const web_session *s, int64_t now)
{
    return now >= s->expires_ms || now >= s->last_ms + (int64_t)w->idle_s * 1000;
}

/* The slot of key, or -1. Expired sessions met are removed. Lock held. */
static int32_t find(fse_web *w, const uint8_t key[32], int64_t now)
{
    int32_t idx = w->buckets[bucket_of(w, key)];

    while (idx != -1) {
        web_session *s = &w->slots[idx];
        int32_t next = s->next;

        if (CRYPTO_memcmp(s->key, key, 32) == 0) {
            if (expired(w, s, now)) {
                unlink_slot(w, idx);
                return -1;
            }
            return idx;
        }
        idx = next;
    }
    return -1;
}

/* A free slot, making room when the table is full. Lock held. */
static int32_t free_slot(fse_web *w, int64_t now)
{
    int32_t oldest = -1;
    size_t i;

    if (w->n_used == w->cap) {
        for (i = 0; i < w->cap; i++) {
            if (w->slots[i].used && expired(w, &w->slots[i], now)) {
                unlink_slot(w, (int32_t)i);
            }
        }
    }
    if (w->n_used == w->cap) {
        for (i = 0; i < w->cap; i++) {
            if (oldest == -1 || w->slots[i].last_ms < w->slots[oldest].last_ms) {
                oldest = (int32_t)i;
            }
        }
        unlink_slot(w, oldest);
        fse_web__log(w, FSE_HTTP_LOG_WARN, "module=web event=session_evicted sessions=%zu", w->cap);
    }
    for (i = 0; i < w->cap; i++) {
        if (!w->slots[i].used) {
            return (int32_t)i;
        }
    }
    return -1; /* not reached: a slot was freed above */
}

static void view_of(const fse_web *w, const web_session *s, web_view *v)
{
    if (v == NULL) {
        return;
    }
    memcpy(v->csrf, s->csrf, sizeof(v->csrf));
    v->ident = s->ident;
    v->created_ms = s->created_ms;
    v->expires_ms = s->expires_ms;
    v->idle_until_ms = s->last_ms + (int64_t)w->idle_s * 1000;
}

/* The end of a session given a pair valid for ttl_s from now. */
static int64_t expiry(const fse_web *w, int64_t created_ms, int64_t now, int64_t ttl_s)
{
    int64_t life = created_ms + (int64_t)w->lifetime_s * 1000;
    int64_t pair = now + (ttl_s - WEB_PAIR_MARGIN_S) * 1000;

    return pair < life ? pair : life;
}

fse_err fse_web__session_create(fse_web *w, const web_ident *ident, char *auth, char *sig,
                                int64_t ttl_s, char id_out[WEB_TOKEN_CHARS + 1], web_view *view_out)
{
    int64_t now = fse_web__now_ms(w);
    uint8_t key[32];
    char csrf[WEB_TOKEN_CHARS + 1];
    web_session *s;
    int32_t idx;
    fse_err rc;

    id_out[0] = '\0';
    if (ttl_s <= WEB_PAIR_MARGIN_S) {
        fse_web__token_free(auth);
        fse_web__token_free(sig);
        return fse_error_set(FSE_E_INTERNAL, FSE_WEB_MODULE,
                             "identity provider: pair valid for %lld s only", (long long)ttl_s);
    }
    rc = random_token(id_out);
    if (rc == FSE_OK) {
        rc = random_token(csrf);
    }
    if (rc == FSE_OK && !sha256(key, id_out)) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_WEB_MODULE, "SHA-256");
    }
    if (rc != FSE_OK) {
        fse_web__token_free(auth);
        fse_web__token_free(sig);
        OPENSSL_cleanse(id_out, WEB_TOKEN_CHARS + 1);
        return rc;
    }
    pthread_mutex_lock(&w->lock);
    idx = free_slot(w, now);
    s = &w->slots[idx];
    s->used = true;
    memcpy(s->key, key, sizeof(key));
    memcpy(s->csrf, csrf, sizeof(csrf));
    s->ident = *ident;
    s->auth = auth;
    s->sig = sig;
    s->created_ms = now;
    s->last_ms = now;
    s->expires_ms = expiry(w, now, now, ttl_s);
    s->next = w->buckets[bucket_of(w, key)];
    w->buckets[bucket_of(w, key)] = idx;
    w->n_used++;
    view_of(w, s, view_out);
    pthread_mutex_unlock(&w->lock);
    OPENSSL_cleanse(csrf, sizeof(csrf));
    return FSE_OK;
}

fse_err fse_web__session_get(fse_web *w, const char *id, web_view *view_out, char **auth_out,
                             char **sig_out)
{
    int64_t now = fse_web__now_ms(w);
    uint8_t key[32];
    fse_err rc = FSE_OK;
    int32_t idx;

    if (auth_out != NULL) {
        *auth_out = NULL;
        *sig_out = NULL;
    }
    if (!token_shape(id) || !sha256(key, id)) {
        return FSE_E_NOT_FOUND;
    }
    pthread_mutex_lock(&w->lock);
    idx = find(w, key, now);
    if (idx == -1) {
        rc = FSE_E_NOT_FOUND;
    } else {
        web_session *s = &w->slots[idx];

        s->last_ms = now;
        view_of(w, s, view_out);
        if (auth_out != NULL) {
            *auth_out = fse_strdup(s->auth);
            *sig_out = fse_strdup(s->sig);
            if (*auth_out == NULL || *sig_out == NULL) {
                fse_web__token_free(*auth_out);
                fse_web__token_free(*sig_out);
                *auth_out = NULL;
                *sig_out = NULL;
                rc = fse_error_set(FSE_E_NOMEM, FSE_WEB_MODULE, "session pair");
            }
        }
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

fse_err fse_web__session_update(fse_web *w, const char *id, const web_ident *ident, char *auth,
                                char *sig, int64_t ttl_s, web_view *view_out)
{
    int64_t now = fse_web__now_ms(w);
    uint8_t key[32];
    fse_err rc = FSE_OK;
    int32_t idx;

    if (ttl_s <= WEB_PAIR_MARGIN_S) {
        rc = fse_error_set(FSE_E_INTERNAL, FSE_WEB_MODULE,
                           "identity provider: pair valid for %lld s only", (long long)ttl_s);
    } else if (!token_shape(id) || !sha256(key, id)) {
        rc = FSE_E_NOT_FOUND;
    }
    if (rc != FSE_OK) {
        fse_web__token_free(auth);
        fse_web__token_free(sig);
        return rc;
    }
    pthread_mutex_lock(&w->lock);
    idx = find(w, key, now);
    if (idx == -1) {
        rc = FSE_E_NOT_FOUND;
        fse_web__token_free(auth);
        fse_web__token_free(sig);
    } else {
        web_session *s = &w->slots[idx];

        fse_web__token_free(s->auth);
        fse_web__token_free(s->sig);
        s->auth = auth;
        s->sig = sig;
        s->ident = *ident;
        s->last_ms = now;
        s->expires_ms = expiry(w, s->created_ms, now, ttl_s);
        view_of(w, s, view_out);
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

void fse_web__session_end(fse_web *w, const char *id)
{
    uint8_t key[32];
    int32_t idx;

    if (!token_shape(id) || !sha256(key, id)) {
        return;
    }
    pthread_mutex_lock(&w->lock);
    idx = find(w, key, fse_web__now_ms(w));
    if (idx != -1) {
        unlink_slot(w, idx);
    }
    pthread_mutex_unlock(&w->lock);
}

size_t fse_web__session_count(fse_web *w)
{
    int64_t now = fse_web__now_ms(w);
    size_t n = 0;
    size_t i;

    pthread_mutex_lock(&w->lock);
    for (i = 0; i < w->cap; i++) {
        if (w->slots[i].used && !expired(w, &w->slots[i], now)) {
            n++;
        }
    }
    pthread_mutex_unlock(&w->lock);
    return n;
}
