/*
 * lib/schematron/sch_arena.c - the bump allocator used for compiled rule sets
 * (lifetime of the schema) and for evaluation scratch memory (reset after
 * each rule firing).
 *
 * Owns chunk growth and the byte limit; nothing is freed piecemeal.
 */
#include "sch_int.h"

#include <string.h>

#define ARENA_CHUNK_MIN 8192u

void fse_sch__arena_init(sch_arena *a, size_t max_bytes)
{
    a->head = NULL;
    a->bytes = 0;
    a->max_bytes = max_bytes;
}

void *fse_sch__arena_alloc(sch_arena *a, size_t n)
{
    sch_arena_chunk *c = a->head;
    size_t need = (n + 15u) & ~(size_t)15u;
    size_t cap;

    if (need < n) {
        return NULL;
    }
    if (c == NULL || c->used + need > c->cap) {
        cap = need > ARENA_CHUNK_MIN ? need : ARENA_CHUNK_MIN;
        if (c != NULL && c->cap * 2 > cap && c->cap < (1u << 20)) {
            cap = c->cap * 2;
        }
        if (a->bytes + cap > a->max_bytes) {
            return NULL;
        }
        c = fse_malloc(sizeof(*c) + cap);
        if (c == NULL) {
            return NULL;
        }
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
        a->bytes += cap;
    }
    c->used += need;
    return c->data + c->used - need;
}

char *fse_sch__arena_strndup(sch_arena *a, const char *s, size_t n)
{
    char *copy = fse_sch__arena_alloc(a, n + 1);

    if (copy != NULL) {
        memcpy(copy, s, n);
        copy[n] = '\0';
    }
    return copy;
}

sch_arena_mark fse_sch__arena_mark(const sch_arena *a)
{
    sch_arena_mark m;

    m.chunk = a->head;
    m.used = a->head != NULL ? a->head->used : 0;
    return m;
}

void fse_sch__arena_reset(sch_arena *a, sch_arena_mark mark)
{
    /* Free the chunks allocated after the mark, rewind the marked one. */
    while (a->head != NULL && a->head != mark.chunk) {
        sch_arena_chunk *next = a->head->next;

        a->bytes -= a->head->cap;
        fse_free(a->head);
        a->head = next;
    }
    if (a->head != NULL) {
        a->head->used = mark.used;
    }
}

void fse_sch__arena_free(sch_arena *a)
{
    fse_sch__arena_reset(a, (sch_arena_mark){NULL, 0});
}
