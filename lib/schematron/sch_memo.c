/*
 * lib/schematron/sch_memo.c - memo of rule-context matches for one run.
 *
 * Owns an open-addressing hash table from (context prefix id, node) to the
 * answer "does this node match this prefix of a rule context". Rule contexts
 * of one file share long prefixes (hl7:ClinicalDocument/.../hl7:section[...]),
 * so each prefix predicate is evaluated once per node instead of once per
 * rule and per descendant. The memo is an optimisation only: when it cannot
 * grow, answers are simply not remembered.
 */
#include "sch_int.h"

#include <string.h>

#define MEMO_INITIAL_SLOTS 1024u
#define MEMO_MAX_SLOTS (1u << 22)

typedef struct memo_entry {
    const xmlNode *node; /* NULL: empty slot */
    int prefix;
    bool matched;
} memo_entry;

struct sch_match_memo {
    memo_entry *slots;
    size_t n_slots; /* power of two */
    size_t used;
};

static size_t memo_hash(int prefix, const xmlNode *node, size_t mask)
{
    uint64_t h = (uint64_t)(uintptr_t)node * 0x9E3779B97F4A7C15u;

    h ^= (uint64_t)(uint32_t)prefix * 0xC2B2AE3D27D4EB4Fu;
    h ^= h >> 29;
    return (size_t)h & mask;
}

fse_err fse_sch__memo_new(sch_match_memo **out)
{
    sch_match_memo *m = fse_calloc(1, sizeof(*m));

    *out = NULL;
    if (m == NULL || (m->slots = fse_calloc(MEMO_INITIAL_SLOTS, sizeof(*m->slots))) == NULL) {
        fse_free(m);
        return fse_error_set(FSE_E_NOMEM, "schematron", "match memo");
    }
    m->n_slots = MEMO_INITIAL_SLOTS;
    *out = m;
    return FSE_OK;
}

void fse_sch__memo_free(sch_match_memo *m)
{
    if (m != NULL) {
        fse_free(m->slots);
        fse_free(m);
    }
}

int fse_sch__memo_get(const sch_match_memo *m, int prefix_id, const xmlNode *node)
{
    size_t mask = m->n_slots - 1;
    size_t i = memo_hash(prefix_id, node, mask);

    while (m->slots[i].node != NULL) {
        if (m->slots[i].node == node && m->slots[i].prefix == prefix_id) {
            return m->slots[i].matched ? 1 : 2;
        }
        i = (i + 1) & mask;
    }
    return 0;
}

static void insert(memo_entry *slots, size_t n_slots, const memo_entry *e)
{
    size_t mask = n_slots - 1;
    size_t i = memo_hash(e->prefix, e->node, mask);

    while (slots[i].node != NULL) {
        i = (i + 1) & mask;
    }
    slots[i] = *e;
}

static bool grow(sch_match_memo *m)
{
    size_t n = m->n_slots * 2;
    memo_entry *slots;
    size_t i;

    if (n > MEMO_MAX_SLOTS || (slots = fse_calloc(n, sizeof(*slots))) == NULL) {
        return false;
    }
    for (i = 0; i < m->n_slots; i++) {
        if (m->slots[i].node != NULL) {
            insert(slots, n, &m->slots[i]);
        }
    }
    fse_free(m->slots);
    m->slots = slots;
    m->n_slots = n;
    return true;
}

void fse_sch__memo_put(sch_match_memo *m, int prefix_id, const xmlNode *node, bool matched)
{
    memo_entry e;

    if ((m->used + 1) * 2 > m->n_slots && !grow(m)) {
        return;
    }
    e.node = node;
    e.prefix = prefix_id;
    e.matched = matched;
    insert(m->slots, m->n_slots, &e);
    m->used++;
}
