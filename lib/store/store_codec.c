/*
 * lib/store/store_codec.c - the allocation block behind records the store
 * returns, and the tag-length-value codec of the values it seals.
 *
 * Owns the arena (chunks that never move, freed in one call, so a returned
 * record and all its strings go away with one _free), the growable array
 * that collects the items of a list before they move into its arena, and
 * the TLV layout.
 * Does not own what the tags mean (store_meta.c, store_queue.c).
 */
#include "store_int.h"

#include <string.h>

/* Bytes per arena chunk; bigger requests get a chunk of their own. */
#define ARENA_CHUNK 4096u

typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t used;
    size_t cap;
    _Alignas(16) unsigned char data[];
} arena_chunk;

struct fse_store_arena {
    arena_chunk *head;
};

store_arena *fse_store__arena_new(void)
{
    return fse_calloc(1, sizeof(store_arena));
}

void *fse_store__arena_alloc(store_arena *a, size_t n)
{
    arena_chunk *c = a->head;
    size_t need = (n + 15u) & ~(size_t)15u;
    void *p;

    if (need < n) {
        return NULL;
    }
    if (c == NULL || c->cap - c->used < need) {
        size_t cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;

        if (cap > SIZE_MAX - sizeof(arena_chunk)) {
            return NULL;
        }
        c = fse_malloc(sizeof(arena_chunk) + cap);
        if (c == NULL) {
            return NULL;
        }
        c->used = 0;
        c->cap = cap;
        /* A dedicated big chunk goes behind the current one, which keeps
         * its free space for small strings. */
        if (a->head != NULL && need > ARENA_CHUNK) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    p = c->data + c->used;
    c->used += need;
    memset(p, 0, need);
    return p;
}

char *fse_store__arena_strndup(store_arena *a, const char *s, size_t n)
{
    char *p;

    if (n == SIZE_MAX) {
        return NULL;
    }
    p = fse_store__arena_alloc(a, n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *fse_store__arena_strdup(store_arena *a, const char *s)
{
    if (s == NULL) {
        return NULL;
    }
    return fse_store__arena_strndup(a, s, strlen(s));
}

void fse_store__arena_free(store_arena *a)
{
    arena_chunk *c;

    if (a == NULL) {
        return;
    }
    c = a->head;
    while (c != NULL) {
        arena_chunk *next = c->next;

        /* Records may hold decrypted personal data: wipe before freeing. */
        fse_store__wipe(c->data, c->used);
        fse_free(c);
        c = next;
    }
    fse_free(a);
}

/* ------------------------------------------------------------------------ */
/* Growable array                                                           */
/* ------------------------------------------------------------------------ */

void fse_store__vec_init(store_vec *v, size_t item_size)
{
    memset(v, 0, sizeof(*v));
    v->size = item_size;
}

void *fse_store__vec_push(store_vec *v)
{
    unsigned char *item;

    if (v->n == v->cap) {
        size_t cap = v->cap == 0 ? 16 : v->cap * 2;
        size_t bytes = 0;
        unsigned char *grown;

        if (__builtin_mul_overflow(cap, v->size, &bytes)) {
            return NULL;
        }
        grown = fse_realloc(v->data, bytes);
        if (grown == NULL) {
            return NULL;
        }
        v->data = grown;
        v->cap = cap;
    }
    item = v->data + v->n * v->size;
    memset(item, 0, v->size);
    v->n++;
    return item;
}

void *fse_store__vec_finish(store_vec *v, store_arena *a)
{
    void *items;

    if (v->n == 0) {
        return NULL;
    }
    /* n * size fitted in the grown buffer: no overflow. */
    items = fse_store__arena_alloc(a, v->n * v->size);
    if (items != NULL) {
        memcpy(items, v->data, v->n * v->size);
    }
    return items;
}

void fse_store__vec_free(store_vec *v)
{
    fse_free(v->data);
    v->data = NULL;
    v->n = 0;
    v->cap = 0;
}

/* ------------------------------------------------------------------------ */
/* TLV                                                                      */
/* ------------------------------------------------------------------------ */

static fse_err tlv_put(fse_buf *b, uint8_t tag, const void *val, size_t len)
{
    uint8_t head[5];
    fse_err rc;

    if (len > UINT32_MAX) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "record field too large");
    }
    head[0] = tag;
    head[1] = (uint8_t)(len >> 24);
    head[2] = (uint8_t)(len >> 16);
    head[3] = (uint8_t)(len >> 8);
    head[4] = (uint8_t)len;
    rc = fse_buf_append(b, head, sizeof(head));
    if (rc == FSE_OK && len > 0) {
        rc = fse_buf_append(b, val, len);
    }
    return rc;
}

fse_err fse_store__tlv_str(fse_buf *b, uint8_t tag, const char *s)
{
    if (s == NULL) {
        return FSE_OK;
    }
    return tlv_put(b, tag, s, strlen(s));
}

fse_err fse_store__tlv_i64(fse_buf *b, uint8_t tag, int64_t v)
{
    uint8_t be[8];
    uint64_t u = (uint64_t)v;
    int i;

    for (i = 7; i >= 0; i--) {
        be[i] = (uint8_t)u;
        u >>= 8;
    }
    return tlv_put(b, tag, be, sizeof(be));
}

fse_err fse_store__tlv_next(store_tlv_reader *r, uint8_t *tag, const uint8_t **val, size_t *val_len)
{
    size_t len;

    if (r->off == r->len) {
        return FSE_E_NOT_FOUND;
    }
    if (r->len - r->off < 5) {
        return fse_error_set(FSE_E_PARSE, FSE_STORE_MODULE, "record truncated");
    }
    *tag = r->p[r->off];
    len = (size_t)r->p[r->off + 1] << 24 | (size_t)r->p[r->off + 2] << 16 |
          (size_t)r->p[r->off + 3] << 8 | (size_t)r->p[r->off + 4];
    if (len > r->len - r->off - 5) {
        return fse_error_set(FSE_E_PARSE, FSE_STORE_MODULE, "record field overruns");
    }
    *val = r->p + r->off + 5;
    *val_len = len;
    r->off += 5 + len;
    return FSE_OK;
}

bool fse_store__tlv_get_i64(const uint8_t *val, size_t len, int64_t *out)
{
    uint64_t u = 0;
    size_t i;

    if (len != 8) {
        return false;
    }
    for (i = 0; i < 8; i++) {
        u = u << 8 | val[i];
    }
    *out = (int64_t)u;
    return true;
}
