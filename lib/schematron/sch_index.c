/*
 * lib/schematron/sch_index.c - per-document index of element children by
 * name, so that a child step with a name test (hl7:component/hl7:section)
 * visits only the children with that name instead of all of them.
 *
 * Owns the index layout: for each element (found by its document-order
 * number in _private) a short list of groups {interned name, run of
 * children}, built the first time a child step asks for that element (most
 * elements are never asked). Valid only when every name comes from the
 * document's dictionary.
 */
#include "sch_int.h"

#include <string.h>

typedef struct child_group {
    const xmlChar *name;
    uint32_t first; /* index into nodes */
    uint32_t count;
} child_group;

#define NOT_BUILT UINT32_MAX

typedef struct elem_entry {
    uint32_t first_group;
    uint32_t n_groups; /* NOT_BUILT until first asked */
} elem_entry;

struct sch_child_index {
    elem_entry *elems; /* by document order number */
    size_t n_elems;
    child_group *groups;
    size_t n_groups;
    xmlNode **nodes;
    size_t n_nodes;
};

static xmlNode *first_child_element(const xmlNode *n)
{
    xmlNode *c;

    for (c = n->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            return c;
        }
    }
    return NULL;
}

static xmlNode *next_element_sibling(const xmlNode *n)
{
    xmlNode *c;

    for (c = n->next; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            return c;
        }
    }
    return NULL;
}

/* Group the element children of e (names in first-seen order). */
static void index_element(sch_child_index *ix, xmlNode *e)
{
    elem_entry *entry = &ix->elems[fse_sch__order(e)];
    xmlNode *c;
    uint32_t g;
    uint32_t fill;

    entry->first_group = (uint32_t)ix->n_groups;
    entry->n_groups = 0;
    for (c = first_child_element(e); c != NULL; c = next_element_sibling(c)) {
        for (g = 0; g < entry->n_groups; g++) {
            if (ix->groups[entry->first_group + g].name == c->name) {
                break;
            }
        }
        if (g == entry->n_groups) {
            child_group *grp = &ix->groups[ix->n_groups++];

            grp->name = c->name;
            grp->count = 0;
            entry->n_groups++;
        }
        ix->groups[entry->first_group + g].count++;
    }
    fill = (uint32_t)ix->n_nodes;
    for (g = 0; g < entry->n_groups; g++) {
        child_group *grp = &ix->groups[entry->first_group + g];

        grp->first = fill;
        fill += grp->count;
        grp->count = 0;
    }
    for (c = first_child_element(e); c != NULL; c = next_element_sibling(c)) {
        for (g = 0; g < entry->n_groups; g++) {
            child_group *grp = &ix->groups[entry->first_group + g];

            if (grp->name == c->name) {
                ix->nodes[grp->first + grp->count++] = c;
                break;
            }
        }
    }
    ix->n_nodes = fill;
}

fse_err fse_sch__index_build(sch_child_index **out, xmlDocPtr doc, size_t max_order)
{
    sch_child_index *ix = fse_calloc(1, sizeof(*ix));
    size_t i;

    (void)doc;
    *out = NULL;
    if (ix == NULL) {
        return fse_error_set(FSE_E_NOMEM, "schematron", "child index");
    }
    ix->n_elems = max_order + 1;
    ix->elems = fse_malloc(ix->n_elems * sizeof(*ix->elems));
    ix->groups = fse_malloc(ix->n_elems * sizeof(*ix->groups));
    ix->nodes = fse_malloc(ix->n_elems * sizeof(*ix->nodes));
    if (ix->elems == NULL || ix->groups == NULL || ix->nodes == NULL) {
        fse_sch__index_free(ix);
        return fse_error_set(FSE_E_NOMEM, "schematron", "child index");
    }
    for (i = 0; i < ix->n_elems; i++) {
        ix->elems[i].n_groups = NOT_BUILT;
    }
    *out = ix;
    return FSE_OK;
}

xmlNode *const *fse_sch__index_children(sch_child_index *ix, xmlNode *parent, const xmlChar *name,
                                        size_t *n)
{
    uintptr_t order = fse_sch__order(parent);
    const elem_entry *entry;
    uint32_t g;

    *n = 0;
    if (order >= ix->n_elems || name == NULL) {
        return NULL;
    }
    entry = &ix->elems[order];
    if (entry->n_groups == NOT_BUILT) {
        index_element(ix, parent);
    }
    for (g = 0; g < entry->n_groups; g++) {
        const child_group *grp = &ix->groups[entry->first_group + g];

        if (grp->name == name) {
            *n = grp->count;
            return ix->nodes + grp->first;
        }
    }
    return NULL;
}

void fse_sch__index_free(sch_child_index *ix)
{
    if (ix == NULL) {
        return;
    }
    fse_free(ix->elems);
    fse_free(ix->groups);
    fse_free(ix->nodes);
    fse_free(ix);
}
