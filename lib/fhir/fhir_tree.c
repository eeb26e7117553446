/*
 * lib/fhir/fhir_tree.c - the per-conversion arena and the small JSON tree the
 * converter builds before writing the Bundle.
 *
 * Owns allocation of every node and string of one conversion (freed at once),
 * member insertion order, and serialisation through the util JSON writer
 * (numbers written as their decimal text). Does not own what the tree means
 * (fhir_bundle.c, fhir_rules.c) or parsing JSON (the checks use jansson).
 */
#include "fhir_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fse/json.h"

/* Arena blocks: 64 KiB, or one larger block for a larger request. */
#define ARENA_BLOCK 65536u

struct fhir_arena_block {
    fhir_arena_block *next;
    size_t size;
    size_t used;
    max_align_t data[];
};

void fhir_arena_init(fhir_arena *a)
{
    memset(a, 0, sizeof(*a));
}

void fhir_arena_free(fhir_arena *a)
{
    fhir_arena_block *b = a->head;

    while (b != NULL) {
        fhir_arena_block *next = b->next;
        fse_free(b);
        b = next;
    }
    a->head = NULL;
}

void *fhir_arena_alloc(fhir_arena *a, size_t size)
{
    fhir_arena_block *b = a->head;
    size_t align = sizeof(max_align_t);
    size_t need = (size + align - 1) / align * align;

    if (a->err != FSE_OK) {
        return NULL;
    }
    if (need > FSE_FHIR_MAX_WORK_BYTES - a->used) {
        a->err = fse_error_set(FSE_E_LIMIT, FSE_FHIR_MODULE, "conversion uses more than %u bytes",
                               FSE_FHIR_MAX_WORK_BYTES);
        return NULL;
    }
    if (b == NULL || b->size - b->used < need) {
        size_t size_block = need > ARENA_BLOCK ? need : ARENA_BLOCK;
        b = fse_malloc(sizeof(*b) + size_block);
        if (b == NULL) {
            a->err = fse_error_set(FSE_E_NOMEM, FSE_FHIR_MODULE, "out of memory");
            return NULL;
        }
        b->size = size_block;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += need;
    a->used += need;
    memset(p, 0, need);
    return p;
}

char *fhir_arena_strndup(fhir_arena *a, const char *s, size_t n)
{
    char *p;

    if (s == NULL) {
        return NULL;
    }
    p = fhir_arena_alloc(a, n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *fhir_arena_strdup(fhir_arena *a, const char *s)
{
    return s == NULL ? NULL : fhir_arena_strndup(a, s, strlen(s));
}

char *fhir_arena_printf(fhir_arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return NULL;
    }
    p = fhir_arena_alloc(a, (size_t)n + 1);
    if (p == NULL) {
        return NULL;
    }
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

fhir_node *fhir_node_new(fhir_arena *a, fhir_kind kind, const char *text)
{
    fhir_node *n = fhir_arena_alloc(a, sizeof(*n));

    if (n == NULL) {
        return NULL;
    }
    n->kind = kind;
    if (text != NULL) {
        n->text = fhir_arena_strdup(a, text);
        if (n->text == NULL) {
            return NULL;
        }
    }
    return n;
}

fhir_node *fhir_get(const fhir_node *obj, const char *key)
{
    fhir_node *n;

    if (obj == NULL || obj->kind != FHIR_NODE_OBJECT) {
        return NULL;
    }
    for (n = obj->first; n != NULL; n = n->next) {
        if (strcmp(n->key, key) == 0) {
            return n;
        }
    }
    return NULL;
}

static void link_child(fhir_node *parent, fhir_node *child)
{
    child->next = NULL;
    if (parent->last == NULL) {
        parent->first = child;
    } else {
        parent->last->next = child;
    }
    parent->last = child;
    parent->n++;
}

void fhir_remove(fhir_node *obj, const char *key)
{
    fhir_node *prev = NULL;
    fhir_node *n;

    if (obj == NULL) {
        return;
    }
    for (n = obj->first; n != NULL; prev = n, n = n->next) {
        if (n->key != NULL && strcmp(n->key, key) == 0) {
            if (prev == NULL) {
                obj->first = n->next;
            } else {
                prev->next = n->next;
            }
            if (obj->last == n) {
                obj->last = prev;
            }
            obj->n--;
            return;
        }
    }
}

fhir_node *fhir_put(fhir_arena *a, fhir_node *obj, const char *key, fhir_node *value)
{
    fhir_node *old;

    if (obj == NULL || value == NULL || obj->kind != FHIR_NODE_OBJECT) {
        return NULL;
    }
    value->key = fhir_arena_strdup(a, key);
    if (value->key == NULL) {
        return NULL;
    }
    old = fhir_get(obj, key);
    if (old != NULL) {
        /* replace in place: the member keeps its position */
        fhir_node *next = old->next;
        *old = *value;
        old->next = next;
        return old;
    }
    link_child(obj, value);
    return value;
}

fhir_node *fhir_obj(fhir_arena *a, fhir_node *obj, const char *key)
{
    fhir_node *n = fhir_get(obj, key);

    if (n != NULL && n->kind == FHIR_NODE_OBJECT) {
        return n;
    }
    if (obj == NULL) {
        return NULL;
    }
    return fhir_put(a, obj, key, fhir_node_new(a, FHIR_NODE_OBJECT, NULL));
}

fhir_node *fhir_arr(fhir_arena *a, fhir_node *obj, const char *key)
{
    fhir_node *n = fhir_get(obj, key);

    if (n != NULL && n->kind == FHIR_NODE_ARRAY) {
        return n;
    }
    if (obj == NULL) {
        return NULL;
    }
    return fhir_put(a, obj, key, fhir_node_new(a, FHIR_NODE_ARRAY, NULL));
}

fhir_node *fhir_append(fhir_node *arr, fhir_node *value)
{
    if (arr == NULL || value == NULL) {
        return NULL;
    }
    value->key = NULL;
    link_child(arr, value);
    return value;
}

fhir_node *fhir_push(fhir_arena *a, fhir_node *obj, const char *key)
{
    fhir_node *arr = fhir_arr(a, obj, key);

    if (arr == NULL) {
        return NULL;
    }
    return fhir_append(arr, fhir_node_new(a, FHIR_NODE_OBJECT, NULL));
}

fhir_node *fhir_put_str(fhir_arena *a, fhir_node *obj, const char *key, const char *value)
{
    if (value == NULL || obj == NULL) {
        return NULL;
    }
    return fhir_put(a, obj, key, fhir_node_new(a, FHIR_NODE_STRING, value));
}

fhir_node *fhir_put_num(fhir_arena *a, fhir_node *obj, const char *key, const char *text)
{
    if (text == NULL || obj == NULL) {
        return NULL;
    }
    return fhir_put(a, obj, key, fhir_node_new(a, FHIR_NODE_NUMBER, text));
}

fhir_node *fhir_put_bool(fhir_arena *a, fhir_node *obj, const char *key, bool value)
{
    if (obj == NULL) {
        return NULL;
    }
    return fhir_put(a, obj, key, fhir_node_new(a, FHIR_NODE_BOOL, value ? "true" : "false"));
}

fhir_node *fhir_copy(fhir_arena *a, const fhir_node *n)
{
    fhir_node *c;
    const fhir_node *ch;

    if (n == NULL) {
        return NULL;
    }
    c = fhir_node_new(a, n->kind, NULL);
    if (c == NULL) {
        return NULL;
    }
    c->text = n->text;
    for (ch = n->first; ch != NULL; ch = ch->next) {
        fhir_node *cc = fhir_copy(a, ch);
        if (cc == NULL) {
            return NULL;
        }
        cc->key = ch->key;
        link_child(c, cc);
    }
    return c;
}

bool fhir_empty(const fhir_node *n)
{
    if (n == NULL) {
        return true;
    }
    if (n->kind == FHIR_NODE_OBJECT || n->kind == FHIR_NODE_ARRAY) {
        return n->first == NULL;
    }
    return false;
}

void fhir_prune(fhir_node *n)
{
    fhir_node *prev = NULL;
    fhir_node *ch;

    if (n == NULL || (n->kind != FHIR_NODE_OBJECT && n->kind != FHIR_NODE_ARRAY)) {
        return;
    }
    ch = n->first;
    while (ch != NULL) {
        fhir_node *next = ch->next;
        fhir_prune(ch);
        if ((ch->kind == FHIR_NODE_OBJECT || ch->kind == FHIR_NODE_ARRAY) && ch->first == NULL) {
            if (prev == NULL) {
                n->first = next;
            } else {
                prev->next = next;
            }
            if (n->last == ch) {
                n->last = prev;
            }
            n->n--;
        } else {
            prev = ch;
        }
        ch = next;
    }
}

void fhir_write(fse_json *w, const fhir_node *n)
{
    const fhir_node *ch;

    switch (n->kind) {
    case FHIR_NODE_OBJECT:
        fse_json_object_begin(w);
        for (ch = n->first; ch != NULL; ch = ch->next) {
            fse_json_key(w, ch->key);
            fhir_write(w, ch);
        }
        fse_json_object_end(w);
        break;
    case FHIR_NODE_ARRAY:
        fse_json_array_begin(w);
        for (ch = n->first; ch != NULL; ch = ch->next) {
            fhir_write(w, ch);
        }
        fse_json_array_end(w);
        break;
    case FHIR_NODE_STRING:
        fse_json_string(w, n->text);
        break;
    case FHIR_NODE_NUMBER:
        fse_json_number_text(w, n->text);
        break;
    case FHIR_NODE_BOOL:
        fse_json_bool(w, strcmp(n->text, "true") == 0);
        break;
    case FHIR_NODE_NULL:
        fse_json_null(w);
        break;
    }
}
