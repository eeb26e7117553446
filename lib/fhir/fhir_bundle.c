/*
 * lib/fhir/fhir_bundle.c - the entries of the transaction Bundle: UUIDs,
 * fullUrls, POST entries, conditional-PUT candidates with the Gateway's
 * KEEP_PRIOR dedup (eds-fhir §2.5), references, the stack of resources being
 * built, and writing the Bundle.
 *
 * Owns entry identity and order and the Bundle envelope. Does not own what
 * goes into a resource (fhir_header.c, fhir_rules.c and the map tables).
 */
#include "fhir_int.h"

#include <string.h>

#include "fse/json.h"

#define BASE_URL "https://example/"

static uint64_t next_random(fhir_ctx *c)
{
    /* xorshift128+: the ids only need to be unique within a bundle */
    uint64_t s1 = c->rng[0];
    const uint64_t s0 = c->rng[1];

    c->rng[0] = s0;
    s1 ^= s1 << 23;
    c->rng[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
    return c->rng[1] + s0;
}

const char *fhir_uuid(fhir_ctx *c)
{
    uint8_t b[16];
    uint64_t hi = next_random(c);
    uint64_t lo = next_random(c);
    char hex[33];
    size_t i;

    for (i = 0; i < 8; i++) {
        b[i] = (uint8_t)(hi >> (8 * i));
        b[8 + i] = (uint8_t)(lo >> (8 * i));
    }
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    fse_hex_encode(hex, b, sizeof(b));
    return fhir_arena_printf(FA(c), "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
                             hex + 20);
}

const char *fhir_full_url(fhir_ctx *c, const char *type, const char *id)
{
    return fhir_arena_printf(FA(c), BASE_URL "%s/%s", type, id != NULL ? id : "");
}

static fhir_entry *entry_new(fhir_ctx *c, const char *type)
{
    fhir_entry *e = fhir_arena_alloc(FA(c), sizeof(*e));

    if (e == NULL) {
        return NULL;
    }
    e->type = type;
    e->res = fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL);
    fhir_put_str(FA(c), e->res, "resourceType", type);
    fhir_entry_set_id(c, e, fhir_uuid(c));
    return e->res != NULL ? e : NULL;
}

static void link_entry(fhir_ctx *c, fhir_entry *e)
{
    if (c->n_entries >= FSE_FHIR_MAX_ENTRIES) {
        if (c->arena.err == FSE_OK) {
            c->arena.err = fse_error_set(FSE_E_LIMIT, FSE_FHIR_MODULE, "more than %u entries",
                                         FSE_FHIR_MAX_ENTRIES);
        }
        return;
    }
    e->next = NULL;
    if (c->entries_tail == NULL) {
        c->entries = e;
    } else {
        c->entries_tail->next = e;
    }
    c->entries_tail = e;
    c->n_entries++;
}

fhir_entry *fhir_entry_post(fhir_ctx *c, const char *type)
{
    fhir_entry *e = entry_new(c, type);

    if (e != NULL) {
        link_entry(c, e);
    }
    return e;
}

fhir_entry *fhir_entry_candidate(fhir_ctx *c, const char *type, float weight)
{
    fhir_entry *e = entry_new(c, type);

    if (e != NULL) {
        e->put = true;
        e->weight = weight;
    }
    return e;
}

void fhir_entry_set_id(fhir_ctx *c, fhir_entry *e, const char *id)
{
    if (e == NULL || id == NULL) {
        return;
    }
    e->id = fhir_arena_strdup(FA(c), id);
    if (e->res != NULL && e->res->first != NULL) {
        /* id right after resourceType */
        fhir_node *n = fhir_get(e->res, "id");
        if (n == NULL) {
            n = fhir_node_new(FA(c), FHIR_NODE_STRING, id);
            if (n != NULL) {
                n->key = "id";
                n->next = e->res->first->next;
                e->res->first->next = n;
                if (e->res->last == e->res->first) {
                    e->res->last = n;
                }
                e->res->n++;
            }
        } else {
            n->text = e->id;
        }
    }
}

fhir_entry *fhir_entry_commit(fhir_ctx *c, fhir_entry *cand)
{
    fhir_entry *e;

    if (cand == NULL) {
        return NULL;
    }
    for (e = c->entries; e != NULL; e = e->next) {
        if (strcmp(e->type, cand->type) == 0 && e->id != NULL && cand->id != NULL &&
            strcmp(e->id, cand->id) == 0) {
            if (cand->weight > e->weight) {
                /* KEEP_PRIOR: the heavier candidate replaces the kept one */
                fhir_entry *next = e->next;
                *e = *cand;
                e->next = next;
            }
            return e;
        }
    }
    link_entry(c, cand);
    return cand;
}

fhir_node *fhir_ref_id(fhir_ctx *c, fhir_node *obj, const char *key, const char *type,
                       const char *id)
{
    fhir_node *ref = fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL);

    fhir_put_str(FA(c), ref, "reference", fhir_full_url(c, type, id));
    return fhir_rules_put(c, obj, key, ref);
}

fhir_node *fhir_ref(fhir_ctx *c, fhir_node *obj, const char *key, const fhir_entry *e)
{
    if (e == NULL) {
        return NULL;
    }
    return fhir_ref_id(c, obj, key, e->type, e->id);
}

void fhir_stack_push(fhir_ctx *c, fhir_entry *e)
{
    if (c->depth < FHIR_STACK_MAX) {
        c->stack[c->depth] = e;
    } else if (c->arena.err == FSE_OK) {
        c->arena.err = fse_error_set(FSE_E_INTERNAL, FSE_FHIR_MODULE, "mapping nests too deep");
    }
    c->depth++;
}

void fhir_stack_pop(fhir_ctx *c)
{
    if (c->depth > 0) {
        c->depth--;
    }
}

fhir_entry *fhir_stack_find(const fhir_ctx *c, const char *type)
{
    size_t i = c->depth < FHIR_STACK_MAX ? c->depth : FHIR_STACK_MAX;

    while (i > 0) {
        fhir_entry *e = c->stack[--i];
        if (type == NULL || (e != NULL && strcmp(e->type, type) == 0)) {
            return e;
        }
    }
    return NULL;
}
