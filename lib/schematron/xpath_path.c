/*
 * lib/schematron/xpath_path.c - location paths over a libxml2 tree: node
 * tests (names compared by dictionary pointer when the document allows),
 * axes, predicates with context position, document order and duplicates,
 * XPath 2.0 filter steps (a/count(b)), root paths cached per document, and
 * the streaming walk that counts or tests a path without building node sets.
 */
#include "sch_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/limits.h"

/* ---------------------------------------------------------- node vectors -- */

static bool vec_push(xp_ctx *ctx, nodevec *v, xmlNode *node)
{
    if (v->n == v->cap) {
        size_t cap = v->cap == 0 ? 8 : v->cap * 2;
        xmlNode **grown = fse_sch__arena_alloc(ctx->arena, cap * sizeof(*grown));

        if (grown == NULL) {
            return fse_sch__oom(ctx);
        }
        if (v->n > 0) {
            memcpy(grown, v->items, v->n * sizeof(*grown));
        }
        v->items = grown;
        v->cap = cap;
    }
    v->items[v->n++] = node;
    return true;
}
static int cmp_order(const void *a, const void *b)
{
    uintptr_t x = fse_sch__order(*(xmlNode *const *)a);
    uintptr_t y = fse_sch__order(*(xmlNode *const *)b);

    return x < y ? -1 : x > y;
}
/* Put v in document order without duplicates. */
static void vec_normalise(nodevec *v)
{
    size_t i;
    size_t out;
    bool sorted = true;

    for (i = 1; i < v->n && sorted; i++) {
        sorted = fse_sch__order(v->items[i - 1]) < fse_sch__order(v->items[i]);
    }
    if (sorted) {
        return;
    }
    qsort(v->items, v->n, sizeof(*v->items), cmp_order);
    for (i = 1, out = 1; i < v->n; i++) {
        if (v->items[i] != v->items[out - 1]) {
            v->items[out++] = v->items[i];
        }
    }
    v->n = out;
}
static void set_nodes(xv *out, const nodevec *v)
{
    memset(out, 0, sizeof(*out));
    out->kind = XV_NODES;
    out->nodes = v->items;
    out->n = v->n;
}
/* ------------------------------------------------------------ node tests -- */

/* Does the node's namespace have this URI? One-entry cache: documents
 * declare the HL7 namespace once, and schemas share one URI string per prefix. */
static bool ns_matches(xp_ctx *ctx, const xmlNs *ns, const char *uri)
{
    if (uri == NULL || ns == NULL) {
        return uri == NULL && ns == NULL;
    }
    if (ns == ctx->ns_seen && uri == ctx->ns_seen_uri) {
        return ctx->ns_seen_equal;
    }
    ctx->ns_seen = ns;
    ctx->ns_seen_uri = uri;
    ctx->ns_seen_equal = strcmp((const char *)ns->href, uri) == 0;
    return ctx->ns_seen_equal;
}
static bool name_matches(xp_ctx *ctx, const xp_step *s, const xmlNode *node)
{
    switch (s->test) {
    case XP_TEST_NAME:
        if (ctx->names != NULL ? node->name != ctx->names[s->name_index]
                               : strcmp((const char *)node->name, s->local) != 0) {
            return false;
        }
        return ns_matches(ctx, node->ns, s->ns_uri);
    case XP_TEST_NS_ANY:
        return node->ns != NULL && ns_matches(ctx, node->ns, s->ns_uri);
    default:
        return true;
    }
}
/* Node test against a node met on an axis whose principal kind is element
 * (or attribute for the attribute axis). */
static inline bool node_test(xp_ctx *ctx, const xp_step *s, const xmlNode *node)
{
    xmlElementType principal = s->axis == XP_AXIS_ATTRIBUTE ? XML_ATTRIBUTE_NODE : XML_ELEMENT_NODE;

    switch (s->test) {
    case XP_TEST_NODE:
        return node->type != XML_DTD_NODE && node->type != XML_XINCLUDE_START &&
               node->type != XML_XINCLUDE_END && node->type != XML_ENTITY_DECL;
    case XP_TEST_TEXT:
        return node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE;
    case XP_TEST_ELEMENT:
        return node->type == XML_ELEMENT_NODE;
    default:
        return node->type == principal && name_matches(ctx, s, node);
    }
}
bool fse_sch__node_test(xp_ctx *ctx, const xp_step *s, const xmlNode *node)
{
    return node_test(ctx, s, node);
}

static bool is_tree_child(const xmlNode *n)
{
    return n->type == XML_ELEMENT_NODE || n->type == XML_TEXT_NODE ||
           n->type == XML_CDATA_SECTION_NODE || n->type == XML_COMMENT_NODE ||
           n->type == XML_PI_NODE;
}
/* ------------------------------------------------------------ predicates -- */

bool fse_sch__predicate_keeps(xp_ctx *ctx, const xp_expr *pred, xmlNode *node, size_t pos,
                              size_t size, bool *keep)
{
    xmlNode *saved_node = ctx->node;
    size_t saved_pos = ctx->position;
    size_t saved_size = ctx->size;
    xv v;
    bool ok;

    ctx->node = node;
    ctx->position = pos;
    ctx->size = size;
    if (!pred->positional) {
        ok = fse_sch__eval_bool(ctx, pred, keep);
        ctx->node = saved_node;
        ctx->position = saved_pos;
        ctx->size = saved_size;
        return ok;
    }
    ok = fse_sch__eval(ctx, pred, &v);
    ctx->node = saved_node;
    ctx->position = saved_pos;
    ctx->size = saved_size;
    if (!ok) {
        return false;
    }
    if (v.kind == XV_ATOMS && v.n == 1) {
        v = v.items[0];
    }
    if (v.kind == XV_NUMBER) {
        *keep = v.num == (double)pos;
        return true;
    }
    switch (v.kind) {
    case XV_NODES:
        *keep = v.n > 0;
        return true;
    case XV_STRING:
        *keep = v.s[0] != '\0';
        return true;
    case XV_BOOL:
        *keep = v.b;
        return true;
    default:
        *keep = v.n > 0;
        if (v.n > 1) {
            return fse_sch__raise(ctx, "FORG0006",
                                  "predicate value is a sequence of several "
                                  "atomic values");
        }
        return true;
    }
}
/* Filter v in place by the predicates, positions counted in v's order. */
bool fse_sch__apply_predicates(xp_ctx *ctx, xp_expr *const *preds, size_t n_preds, nodevec *v)
{
    size_t k;

    for (k = 0; k < n_preds && v->n > 0; k++) {
        size_t i;
        size_t out = 0;
        size_t size = v->n;

        for (i = 0; i < size; i++) {
            bool keep;

            if (!fse_sch__predicate_keeps(ctx, preds[k], v->items[i], i + 1, size, &keep)) {
                return false;
            }
            if (keep) {
                v->items[out++] = v->items[i];
            }
        }
        v->n = out;
    }
    return true;
}
/* ------------------------------------------------------------------ axes -- */

/* Next node of a pre-order walk below root (root excluded), or NULL. */
xmlNode *fse_sch__next_descendant(xmlNode *cur, const xmlNode *root)
{
    if (cur->type == XML_ELEMENT_NODE || cur->type == XML_DOCUMENT_NODE) {
        xmlNode *c;

        for (c = cur->children; c != NULL; c = c->next) {
            if (is_tree_child(c)) {
                return c;
            }
        }
    }
    while (cur != root) {
        xmlNode *s;

        for (s = cur->next; s != NULL; s = s->next) {
            if (is_tree_child(s)) {
                return s;
            }
        }
        cur = cur->parent;
    }
    return NULL;
}
/* Collect the nodes of one step from one context node, in axis order. */
bool fse_sch__collect_axis(xp_ctx *ctx, const xp_step *s, xmlNode *node, nodevec *v)
{
    xmlNode *n;

    switch (s->axis) {
    case XP_AXIS_CHILD:
        if (node->type != XML_ELEMENT_NODE && node->type != XML_DOCUMENT_NODE) {
            return true;
        }
        if (ctx->children != NULL && s->test == XP_TEST_NAME && node->type == XML_ELEMENT_NODE) {
            size_t k;
            size_t count;
            xmlNode *const *named =
                fse_sch__index_children(ctx->children, node, ctx->names[s->name_index], &count);

            for (k = 0; k < count; k++) {
                if (node_test(ctx, s, named[k]) && !vec_push(ctx, v, named[k])) {
                    return false;
                }
            }
            return true;
        }
        for (n = node->children; n != NULL; n = n->next) {
            if (is_tree_child(n) && node_test(ctx, s, n) && !vec_push(ctx, v, n)) {
                return false;
            }
        }
        return true;
    case XP_AXIS_ATTRIBUTE:
        if (node->type != XML_ELEMENT_NODE) {
            return true;
        }
        for (n = (xmlNode *)node->properties; n != NULL; n = n->next) {
            if (node_test(ctx, s, n) && !vec_push(ctx, v, n)) {
                return false;
            }
        }
        return true;
    case XP_AXIS_DESCENDANT_OR_SELF:
        if (node_test(ctx, s, node) && !vec_push(ctx, v, node)) {
            return false;
        }
        /* fall through */
    case XP_AXIS_DESCENDANT:
        if (node->type != XML_ELEMENT_NODE && node->type != XML_DOCUMENT_NODE) {
            return true;
        }
        for (n = fse_sch__next_descendant(node, node); n != NULL;
             n = fse_sch__next_descendant(n, node)) {
            if (node_test(ctx, s, n) && !vec_push(ctx, v, n)) {
                return false;
            }
        }
        return true;
    case XP_AXIS_SELF:
        return !node_test(ctx, s, node) || vec_push(ctx, v, node);
    case XP_AXIS_PARENT:
        n = fse_sch__parent(node);
        return n == NULL || !node_test(ctx, s, n) || vec_push(ctx, v, n);
    case XP_AXIS_ANCESTOR_OR_SELF:
        if (node_test(ctx, s, node) && !vec_push(ctx, v, node)) {
            return false;
        }
        /* fall through */
    case XP_AXIS_ANCESTOR:
        for (n = fse_sch__parent(node); n != NULL; n = fse_sch__parent(n)) {
            if (node_test(ctx, s, n) && !vec_push(ctx, v, n)) {
                return false;
            }
        }
        return true;
    case XP_AXIS_FOLLOWING_SIBLING:
        if (node->type == XML_ATTRIBUTE_NODE) {
            return true;
        }
        for (n = node->next; n != NULL; n = n->next) {
            if (is_tree_child(n) && node_test(ctx, s, n) && !vec_push(ctx, v, n)) {
                return false;
            }
        }
        return true;
    case XP_AXIS_PRECEDING_SIBLING:
        if (node->type == XML_ATTRIBUTE_NODE) {
            return true;
        }
        for (n = node->prev; n != NULL; n = n->prev) {
            if (is_tree_child(n) && node_test(ctx, s, n) && !vec_push(ctx, v, n)) {
                return false;
            }
        }
        return true;
    }
    return true;
}
static bool reverse_axis(xp_axis axis)
{
    return axis == XP_AXIS_PARENT || axis == XP_AXIS_ANCESTOR || axis == XP_AXIS_ANCESTOR_OR_SELF ||
           axis == XP_AXIS_PRECEDING_SIBLING;
}
static bool apply_step(xp_ctx *ctx, const xp_step *s, const nodevec *in, nodevec *out)
{
    size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < in->n; i++) {
        nodevec part;
        size_t k;

        if (s->n_preds == 0) {
            if (!fse_sch__collect_axis(ctx, s, in->items[i], out)) {
                return false;
            }
            continue;
        }
        memset(&part, 0, sizeof(part));
        if (!fse_sch__collect_axis(ctx, s, in->items[i], &part) ||
            !fse_sch__apply_predicates(ctx, s->preds, s->n_preds, &part)) {
            return false;
        }
        for (k = 0; k < part.n; k++) {
            if (!vec_push(ctx, out, part.items[k])) {
                return false;
            }
        }
    }
    if (in->n > 1 || reverse_axis(s->axis)) {
        vec_normalise(out);
    }
    return true;
}
/* ------------------------------------------------- streaming count/exists -- */

typedef struct stream_state {
    size_t count;
    size_t limit;   /* stop once count reaches it; 0: no limit */
    xmlNode *first; /* first node selected (in walk order) */
} stream_state;

static bool stream_full(const stream_state *st)
{
    return st->limit != 0 && st->count >= st->limit;
}
/* Do the (non-positional) predicates of step s keep n? */
static bool node_passes(xp_ctx *ctx, const xp_step *s, xmlNode *n, bool *keep)
{
    size_t k;

    *keep = true;
    for (k = 0; k < s->n_preds && *keep; k++) {
        if (!fse_sch__predicate_keeps(ctx, s->preds[k], n, 1, 1, keep)) {
            return false;
        }
    }
    return true;
}
static bool stream_steps(xp_ctx *ctx, const xp_expr *e, size_t i, xmlNode *node, stream_state *st);
/* Candidate n for step i: test predicates, then go on with step i+1. */
static bool stream_candidate(xp_ctx *ctx, const xp_expr *e, size_t i, xmlNode *n, stream_state *st)
{
    const xp_step *s = &e->steps[i];
    bool keep;

    if (!node_test(ctx, s, n)) {
        return true;
    }
    if (!node_passes(ctx, s, n, &keep)) {
        return false;
    }
    if (!keep) {
        return true;
    }
    if (i + 1 == e->n_steps) {
        if (st->count++ == 0) {
            st->first = n;
        }
        return true;
    }
    return stream_steps(ctx, e, i + 1, n, st);
}
/* Children of node with the step's name, from the index when there is one. */
static bool stream_children(xp_ctx *ctx, const xp_expr *e, size_t i, xmlNode *node,
                            stream_state *st)
{
    const xp_step *s = &e->steps[i];
    xmlNode *n;

    if (node->type != XML_ELEMENT_NODE && node->type != XML_DOCUMENT_NODE) {
        return true;
    }
    if (ctx->children != NULL && s->test == XP_TEST_NAME && node->type == XML_ELEMENT_NODE) {
        size_t k;
        size_t count;
        xmlNode *const *named =
            fse_sch__index_children(ctx->children, node, ctx->names[s->name_index], &count);

        for (k = 0; k < count && !stream_full(st); k++) {
            if (!stream_candidate(ctx, e, i, named[k], st)) {
                return false;
            }
        }
        return true;
    }
    for (n = node->children; n != NULL && !stream_full(st); n = n->next) {
        if (is_tree_child(n) && !stream_candidate(ctx, e, i, n, st)) {
            return false;
        }
    }
    return true;
}
/* Walk step i from node; counts the nodes the path selects. */
static bool stream_steps(xp_ctx *ctx, const xp_expr *e, size_t i, xmlNode *node, stream_state *st)
{
    const xp_step *s = &e->steps[i];
    xmlNode *n;

    switch (s->axis) {
    case XP_AXIS_CHILD:
        return stream_children(ctx, e, i, node, st);
    case XP_AXIS_ATTRIBUTE:
        if (node->type != XML_ELEMENT_NODE) {
            return true;
        }
        for (n = (xmlNode *)node->properties; n != NULL && !stream_full(st); n = n->next) {
            if (!stream_candidate(ctx, e, i, n, st)) {
                return false;
            }
        }
        return true;
    case XP_AXIS_SELF:
        return stream_candidate(ctx, e, i, node, st);
    case XP_AXIS_DESCENDANT:
        if (node->type != XML_ELEMENT_NODE && node->type != XML_DOCUMENT_NODE) {
            return true;
        }
        for (n = fse_sch__next_descendant(node, node); n != NULL && !stream_full(st);
             n = fse_sch__next_descendant(n, node)) {
            if (!stream_candidate(ctx, e, i, n, st)) {
                return false;
            }
        }
        return true;
    case XP_AXIS_PARENT:
        n = fse_sch__parent(node);
        return n == NULL || stream_candidate(ctx, e, i, n, st);
    case XP_AXIS_ANCESTOR_OR_SELF:
        if (!stream_candidate(ctx, e, i, node, st)) {
            return false;
        }
        /* fall through */
    case XP_AXIS_ANCESTOR:
        for (n = fse_sch__parent(node); n != NULL && !stream_full(st); n = fse_sch__parent(n)) {
            if (!stream_candidate(ctx, e, i, n, st)) {
                return false;
            }
        }
        return true;
    default:
        return fse_sch__raise(ctx, "FSE0006", "internal: axis not streamable");
    }
}
/* Walk a streamable path from its start node, up to limit nodes (0: all). */
static bool stream_path(xp_ctx *ctx, const xp_expr *e, size_t limit, stream_state *st)
{
    xmlNode *start = e->absolute ? (xmlNode *)ctx->doc : ctx->node;

    st->count = 0;
    st->limit = limit;
    st->first = NULL;
    if (start == NULL) {
        return fse_sch__raise(ctx, "XPDY0002", "the context item is absent");
    }
    if (e->n_steps == 0) {
        st->count = 1;
        st->first = start;
        return true;
    }
    return stream_steps(ctx, e, 0, start, st);
}
static bool use_stream(const xp_ctx *ctx, const xp_expr *e)
{
    return e->kind == XP_PATH && e->streamable &&
           (e->cache_slot < 0 || ctx->cached == NULL || !ctx->cached[e->cache_slot]);
}
/* Count (or test) a path without building its node set when that is possible. */
bool fse_sch__path_count(xp_ctx *ctx, const xp_expr *e, bool stop_at_first, size_t *count)
{
    xv v;

    if (e->kind == XP_PATH && e->cache_slot >= 0 && ctx->cached != NULL &&
        ctx->cached[e->cache_slot]) {
        *count = ctx->cache[e->cache_slot].n;
        return true;
    }
    if (e->kind == XP_PATH && e->streamable && e->cache_slot < 0) {
        stream_state st;

        if (!stream_path(ctx, e, stop_at_first ? 1 : 0, &st)) {
            return false;
        }
        *count = st.count;
        return true;
    }
    if (!fse_sch__eval(ctx, e, &v)) {
        return false;
    }
    *count = fse_sch__items(&v);
    return true;
}
bool fse_sch__path_single(xp_ctx *ctx, const xp_expr *e, bool *handled, size_t *count,
                          xmlNode **first)
{
    stream_state st;

    *handled = e->kind == XP_PATH && e->streamable && e->cache_slot < 0 && use_stream(ctx, e);
    if (!*handled) {
        return true;
    }
    if (!stream_path(ctx, e, 2, &st)) {
        return false;
    }
    *count = st.count;
    *first = st.first;
    return true;
}
bool fse_sch__eval_attr_eq(xp_ctx *ctx, const xp_expr *e, bool *out)
{
    const xp_step *s = &e->a->steps[0];
    xmlNode *a;

    *out = false;
    if (ctx->node == NULL) {
        return fse_sch__raise(ctx, "XPDY0002", "the context item is absent");
    }
    if (ctx->node->type != XML_ELEMENT_NODE) {
        return true;
    }
    for (a = (xmlNode *)ctx->node->properties; a != NULL; a = a->next) {
        if (node_test(ctx, s, a)) {
            *out = strcmp(fse_sch__node_string(ctx, a), e->str) == 0;
            return true;
        }
    }
    return true;
}
/* Last step E of a path a/E: E for each node of a, nodes merged or atoms in order. */
static bool eval_filter_step(xp_ctx *ctx, const xp_step *s, const nodevec *in, xv *out)
{
    nodevec nodes;
    xv *atoms = NULL;
    size_t n_atoms = 0;
    size_t i;
    xmlNode *saved_node = ctx->node;
    size_t saved_pos = ctx->position;
    size_t saved_size = ctx->size;
    bool ok = true;

    memset(&nodes, 0, sizeof(nodes));
    for (i = 0; i < in->n && ok; i++) {
        xv v;
        size_t k;

        ctx->node = in->items[i];
        ctx->position = i + 1;
        ctx->size = in->n;
        ok = fse_sch__eval(ctx, s->expr, &v);
        if (!ok) {
            break;
        }
        if (v.kind == XV_NODES) {
            for (k = 0; k < v.n && ok; k++) {
                ok = vec_push(ctx, &nodes, v.nodes[k]);
            }
            continue;
        }
        if (n_atoms % 16 == 0) {
            xv *grown = fse_sch__arena_alloc(ctx->arena, (n_atoms + 16) * sizeof(*grown));

            if (grown == NULL) {
                ok = fse_sch__oom(ctx);
                break;
            }
            if (n_atoms > 0) {
                memcpy(grown, atoms, n_atoms * sizeof(*grown));
            }
            atoms = grown;
        }
        atoms[n_atoms++] = v.kind == XV_ATOMS && v.n == 1 ? v.items[0] : v;
    }
    ctx->node = saved_node;
    ctx->position = saved_pos;
    ctx->size = saved_size;
    if (!ok) {
        return false;
    }
    if (nodes.n > 0 && n_atoms > 0) {
        return fse_sch__raise(ctx, "XPTY0018", "a path step returned both nodes and atomic values");
    }
    memset(out, 0, sizeof(*out));
    if (n_atoms > 0) {
        out->kind = XV_ATOMS;
        out->items = atoms;
        out->n = n_atoms;
        return s->n_preds == 0 ||
               fse_sch__raise(ctx, "FSE0005", "predicates on atomic values are not supported");
    }
    vec_normalise(&nodes);
    if (!fse_sch__apply_predicates(ctx, s->preds, s->n_preds, &nodes)) {
        return false;
    }
    set_nodes(out, &nodes);
    return true;
}
static bool eval_path_uncached(xp_ctx *ctx, const xp_expr *e, xv *out);
/* Root paths without variables are evaluated once per document. */
bool fse_sch__eval_path(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    sch_arena *saved;
    bool ok;

    if (e->cache_slot < 0 || ctx->cache == NULL) {
        return eval_path_uncached(ctx, e, out);
    }
    if (ctx->cached[e->cache_slot]) {
        *out = ctx->cache[e->cache_slot];
        return true;
    }
    saved = ctx->arena;
    ctx->arena = ctx->persistent;
    ok = eval_path_uncached(ctx, e, out);
    ctx->arena = saved;
    if (ok) {
        ctx->cache[e->cache_slot] = *out;
        ctx->cached[e->cache_slot] = true;
    }
    return ok;
}
static bool eval_path_uncached(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    nodevec cur;
    size_t i;

    memset(&cur, 0, sizeof(cur));
    if (e->filter != NULL) {
        xv start;

        if (!fse_sch__eval(ctx, e->filter, &start)) {
            return false;
        }
        if (start.kind != XV_NODES) {
            if (e->n_steps > 0) {
                return fse_sch__raise(ctx, "XPTY0019",
                                      "the left side of '/' is not a sequence of nodes");
            }
            if (e->n_filter_preds > 0) {
                /* A predicate on a single atomic value: keep it or drop it. */
                bool keep = true;
                size_t k;

                for (k = 0; k < e->n_filter_preds && keep; k++) {
                    if (!fse_sch__predicate_keeps(ctx, e->filter_preds[k], ctx->node, 1, 1,
                                                  &keep)) {
                        return false;
                    }
                }
                if (!keep) {
                    set_nodes(out, &cur);
                    return true;
                }
            }
            *out = start;
            return true;
        }
        cur.items = start.nodes;
        cur.n = start.n;
        cur.cap = start.n;
        if (e->n_filter_preds > 0) {
            nodevec copy;

            memset(&copy, 0, sizeof(copy));
            for (i = 0; i < cur.n; i++) {
                if (!vec_push(ctx, &copy, cur.items[i])) {
                    return false;
                }
            }
            cur = copy;
            if (!fse_sch__apply_predicates(ctx, e->filter_preds, e->n_filter_preds, &cur)) {
                return false;
            }
        }
    } else if (e->absolute) {
        if (!vec_push(ctx, &cur, (xmlNode *)ctx->doc)) {
            return false;
        }
    } else {
        if (ctx->node == NULL) {
            return fse_sch__raise(ctx, "XPDY0002", "the context item is absent");
        }
        if (!vec_push(ctx, &cur, ctx->node)) {
            return false;
        }
    }
    for (i = 0; i < e->n_steps && cur.n > 0; i++) {
        nodevec next;

        if (e->steps[i].expr != NULL) {
            return eval_filter_step(ctx, &e->steps[i], &cur, out);
        }
        if (!apply_step(ctx, &e->steps[i], &cur, &next)) {
            return false;
        }
        cur = next;
    }
    set_nodes(out, &cur);
    return true;
}
bool fse_sch__eval_union(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    xv x;
    xv y;
    nodevec v;
    size_t i;

    if (!fse_sch__eval(ctx, e->a, &x) || !fse_sch__eval(ctx, e->b, &y)) {
        return false;
    }
    if (x.kind != XV_NODES || y.kind != XV_NODES) {
        return fse_sch__raise(ctx, "XPTY0004", "union of values that are not nodes");
    }
    memset(&v, 0, sizeof(v));
    for (i = 0; i < x.n; i++) {
        if (!vec_push(ctx, &v, x.nodes[i])) {
            return false;
        }
    }
    for (i = 0; i < y.n; i++) {
        if (!vec_push(ctx, &v, y.nodes[i])) {
            return false;
        }
    }
    vec_normalise(&v);
    set_nodes(out, &v);
    return true;
}
