/*
 * lib/schematron/xpath_eval.c - evaluation of compiled XPath expressions over
 * a libxml2 tree with XPath 2.0 semantics: general comparisons on untyped
 * node values (string comparison between two nodes or strings, numeric when
 * a number is involved, with FORG0001 when a node value is not a number),
 * effective boolean values, lazily evaluated variables, and dynamic errors
 * where XPath 2.0 raises them.
 *
 * Owns axis traversal, node tests, predicates, document order and XSLT
 * pattern matching. Functions live in xpath_func.c.
 */
#include "sch_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/limits.h"

bool fse_sch__raise(xp_ctx *ctx, const char *code, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!ctx->error) {
        ctx->error = true;
        n = snprintf(ctx->error_message, sizeof(ctx->error_message), "%s: ", code);
        va_start(ap, fmt);
        if (n > 0 && (size_t)n < sizeof(ctx->error_message)) {
            vsnprintf(ctx->error_message + n, sizeof(ctx->error_message) - (size_t)n, fmt, ap);
        }
        va_end(ap);
    }
    return false;
}

static bool out_of_memory(xp_ctx *ctx)
{
    return fse_sch__raise(ctx, FSE_SCH_OOM, "out of memory while evaluating");
}

bool fse_sch__buf_ok(xp_ctx *ctx, fse_err rc)
{
    if (rc == FSE_OK) {
        return true;
    }
    if (rc == FSE_E_NOMEM) {
        return out_of_memory(ctx);
    }
    return fse_sch__raise(ctx, "FSE0007", "a string value is over %u bytes", FSE_MAX_MESSAGE_BYTES);
}

/* ---------------------------------------------------------- node vectors -- */

typedef struct nodevec {
    xmlNode **items;
    size_t n;
    size_t cap;
} nodevec;

static bool vec_push(xp_ctx *ctx, nodevec *v, xmlNode *node)
{
    if (v->n == v->cap) {
        size_t cap = v->cap == 0 ? 8 : v->cap * 2;
        xmlNode **grown = fse_sch__arena_alloc(ctx->arena, cap * sizeof(*grown));

        if (grown == NULL) {
            return out_of_memory(ctx);
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
    xmlElementType principal = s->axis == XP_AXIS_ATTRIBUTE ? XML_ATTRIBUTE_NODE
                                                            : XML_ELEMENT_NODE;

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

static bool is_tree_child(const xmlNode *n)
{
    return n->type == XML_ELEMENT_NODE || n->type == XML_TEXT_NODE ||
           n->type == XML_CDATA_SECTION_NODE || n->type == XML_COMMENT_NODE ||
           n->type == XML_PI_NODE;
}

static xmlNode *parent_of(const xmlNode *n)
{
    xmlNode *p = n->parent;

    return p;
}

/* ------------------------------------------------------------ predicates -- */

static bool predicate_keeps(xp_ctx *ctx, const xp_expr *pred, xmlNode *node, size_t pos,
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
            return fse_sch__raise(ctx, "FORG0006", "predicate value is a sequence of several "
                                                   "atomic values");
        }
        return true;
    }
}

/* Filter v in place by the predicates, positions counted in v's order. */
static bool apply_predicates(xp_ctx *ctx, xp_expr *const *preds, size_t n_preds, nodevec *v)
{
    size_t k;

    for (k = 0; k < n_preds && v->n > 0; k++) {
        size_t i;
        size_t out = 0;
        size_t size = v->n;

        for (i = 0; i < size; i++) {
            bool keep;

            if (!predicate_keeps(ctx, preds[k], v->items[i], i + 1, size, &keep)) {
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
static xmlNode *next_descendant(xmlNode *cur, const xmlNode *root)
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
static bool collect_axis(xp_ctx *ctx, const xp_step *s, xmlNode *node, nodevec *v)
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
            xmlNode *const *named = fse_sch__index_children(ctx->children, node,
                                                            ctx->names[s->name_index], &count);

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
        for (n = next_descendant(node, node); n != NULL; n = next_descendant(n, node)) {
            if (node_test(ctx, s, n) && !vec_push(ctx, v, n)) {
                return false;
            }
        }
        return true;
    case XP_AXIS_SELF:
        return !node_test(ctx, s, node) || vec_push(ctx, v, node);
    case XP_AXIS_PARENT:
        n = parent_of(node);
        return n == NULL || !node_test(ctx, s, n) || vec_push(ctx, v, n);
    case XP_AXIS_ANCESTOR_OR_SELF:
        if (node_test(ctx, s, node) && !vec_push(ctx, v, node)) {
            return false;
        }
        /* fall through */
    case XP_AXIS_ANCESTOR:
        for (n = parent_of(node); n != NULL; n = parent_of(n)) {
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
    return axis == XP_AXIS_PARENT || axis == XP_AXIS_ANCESTOR ||
           axis == XP_AXIS_ANCESTOR_OR_SELF || axis == XP_AXIS_PRECEDING_SIBLING;
}

static bool apply_step(xp_ctx *ctx, const xp_step *s, const nodevec *in, nodevec *out)
{
    size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < in->n; i++) {
        nodevec part;
        size_t k;

        if (s->n_preds == 0) {
            if (!collect_axis(ctx, s, in->items[i], out)) {
                return false;
            }
            continue;
        }
        memset(&part, 0, sizeof(part));
        if (!collect_axis(ctx, s, in->items[i], &part) ||
            !apply_predicates(ctx, s->preds, s->n_preds, &part)) {
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
    size_t limit;     /* stop once count reaches it; 0: no limit */
    xmlNode *first;   /* first node selected (in walk order) */
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
        if (!predicate_keeps(ctx, s->preds[k], n, 1, 1, keep)) {
            return false;
        }
    }
    return true;
}

static bool stream_steps(xp_ctx *ctx, const xp_expr *e, size_t i, xmlNode *node,
                         stream_state *st);

/* Candidate n for step i: test predicates, then go on with step i+1. */
static bool stream_candidate(xp_ctx *ctx, const xp_expr *e, size_t i, xmlNode *n,
                             stream_state *st)
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
        xmlNode *const *named = fse_sch__index_children(ctx->children, node,
                                                        ctx->names[s->name_index], &count);

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
static bool stream_steps(xp_ctx *ctx, const xp_expr *e, size_t i, xmlNode *node,
                         stream_state *st)
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
        for (n = next_descendant(node, node); n != NULL && !stream_full(st);
             n = next_descendant(n, node)) {
            if (!stream_candidate(ctx, e, i, n, st)) {
                return false;
            }
        }
        return true;
    case XP_AXIS_PARENT:
        n = parent_of(node);
        return n == NULL || stream_candidate(ctx, e, i, n, st);
    case XP_AXIS_ANCESTOR_OR_SELF:
        if (!stream_candidate(ctx, e, i, node, st)) {
            return false;
        }
        /* fall through */
    case XP_AXIS_ANCESTOR:
        for (n = parent_of(node); n != NULL && !stream_full(st); n = parent_of(n)) {
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

static bool eval_attr_eq(xp_ctx *ctx, const xp_expr *e, bool *out)
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
                ok = out_of_memory(ctx);
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
    if (!apply_predicates(ctx, s->preds, s->n_preds, &nodes)) {
        return false;
    }
    set_nodes(out, &nodes);
    return true;
}

static bool eval_path_uncached(xp_ctx *ctx, const xp_expr *e, xv *out);

/* Root paths without variables are evaluated once per document. */
static bool eval_path(xp_ctx *ctx, const xp_expr *e, xv *out)
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
                    if (!predicate_keeps(ctx, e->filter_preds[k], ctx->node, 1, 1, &keep)) {
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
            if (!apply_predicates(ctx, e->filter_preds, e->n_filter_preds, &cur)) {
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

/* ---------------------------------------------------------- atomization -- */

const char *fse_sch__node_string(xp_ctx *ctx, const xmlNode *node)
{
    const xmlNode *c;
    fse_buf b;
    char *copy;

    switch (node->type) {
    case XML_ATTRIBUTE_NODE:
    case XML_ELEMENT_NODE:
    case XML_DOCUMENT_NODE:
        c = node->children;
        if (c == NULL) {
            return "";
        }
        if (c->next == NULL && (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)) {
            return c->content != NULL ? (const char *)c->content : "";
        }
        break;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
        return node->content != NULL ? (const char *)node->content : "";
    default:
        return "";
    }
    /* Concatenate the descendant text nodes. */
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    for (c = next_descendant((xmlNode *)node, node); c != NULL;
         c = next_descendant((xmlNode *)c, node)) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
            c->content != NULL &&
            !fse_sch__buf_ok(ctx, fse_buf_append_str(&b, (const char *)c->content))) {
            fse_buf_free(&b);
            return "";
        }
    }
    copy = fse_sch__arena_strndup(ctx->arena, b.data != NULL ? b.data : "", b.len);
    fse_buf_free(&b);
    if (copy == NULL) {
        out_of_memory(ctx);
        return "";
    }
    return copy;
}

const char *fse_sch__number_string(xp_ctx *ctx, double d)
{
    char tmp[40];
    char *copy;

    if (isnan(d)) {
        return "NaN";
    }
    if (isinf(d)) {
        return d > 0 ? "INF" : "-INF";
    }
    if (d == floor(d) && fabs(d) < 1e15) {
        snprintf(tmp, sizeof(tmp), "%.0f", d == 0 ? 0.0 : d);
    } else {
        snprintf(tmp, sizeof(tmp), "%.15g", d);
    }
    copy = fse_sch__arena_strndup(ctx->arena, tmp, strlen(tmp));
    return copy != NULL ? copy : "";
}

const char *fse_sch__value_join(xp_ctx *ctx, const xv *v)
{
    fse_buf b;
    size_t i;
    char *copy;

    switch (v->kind) {
    case XV_STRING:
        return v->s;
    case XV_NUMBER:
        return fse_sch__number_string(ctx, v->num);
    case XV_BOOL:
        return v->b ? "true" : "false";
    case XV_NODES:
    case XV_ATOMS:
        break;
    }
    if (v->kind == XV_ATOMS) {
        fse_buf_init(&b, FSE_MAX_MESSAGE_BYTES);
        for (i = 0; i < v->n; i++) {
            if ((i > 0 && !fse_sch__buf_ok(ctx, fse_buf_append_str(&b, " "))) ||
                !fse_sch__buf_ok(ctx, fse_buf_append_str(&b, fse_sch__value_join(ctx, &v->items[i])))) {
                fse_buf_free(&b);
                return "";
            }
        }
        copy = fse_sch__arena_strndup(ctx->arena, b.data != NULL ? b.data : "", b.len);
        fse_buf_free(&b);
        return copy != NULL ? copy : "";
    }
    if (v->n == 1) {
        return fse_sch__node_string(ctx, v->nodes[0]);
    }
    fse_buf_init(&b, FSE_MAX_MESSAGE_BYTES);
    for (i = 0; i < v->n; i++) {
        if ((i > 0 && !fse_sch__buf_ok(ctx, fse_buf_append_str(&b, " "))) ||
            !fse_sch__buf_ok(ctx, fse_buf_append_str(&b, fse_sch__node_string(ctx, v->nodes[i])))) {
            fse_buf_free(&b);
            return "";
        }
    }
    copy = fse_sch__arena_strndup(ctx->arena, b.data != NULL ? b.data : "", b.len);
    fse_buf_free(&b);
    return copy != NULL ? copy : "";
}

/* -------------------------------------------------------- comparisons -- */

typedef enum atom_kind { A_UNTYPED, A_STRING, A_NUMBER, A_BOOL } atom_kind;

typedef struct atom {
    atom_kind kind;
    const char *s;
    double num;
    bool b;
} atom;

/* xs:double lexical form (with surrounding whitespace); false if not castable. */
static bool parse_xs_double(const char *s, double *out)
{
    const char *p = s;
    const char *start;
    char *end;
    bool digits = false;

    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        p++;
    }
    start = p;
    if (strncmp(p, "NaN", 3) == 0 || strncmp(p, "INF", 3) == 0 || strncmp(p, "-INF", 4) == 0) {
        *out = p[0] == 'N' ? NAN : p[0] == '-' ? -INFINITY : INFINITY;
        p += p[0] == '-' ? 4 : 3;
    } else {
        if (*p == '+' || *p == '-') {
            p++;
        }
        while (*p >= '0' && *p <= '9') {
            p++;
            digits = true;
        }
        if (*p == '.') {
            p++;
            while (*p >= '0' && *p <= '9') {
                p++;
                digits = true;
            }
        }
        if (!digits) {
            return false;
        }
        if (*p == 'e' || *p == 'E') {
            const char *exp = ++p;

            if (*p == '+' || *p == '-') {
                p++;
            }
            if (!(*p >= '0' && *p <= '9')) {
                (void)exp;
                return false;
            }
            while (*p >= '0' && *p <= '9') {
                p++;
            }
        }
        *out = strtod(start, &end);
        if (end != p) {
            return false;
        }
    }
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        p++;
    }
    return *p == '\0';
}

double fse_sch__string_to_number(const char *s);
double fse_sch__string_to_number(const char *s)
{
    double d;

    return parse_xs_double(s, &d) ? d : NAN;
}

static bool untyped_to_double(xp_ctx *ctx, const char *s, double *out)
{
    if (!parse_xs_double(s, out)) {
        return fse_sch__raise(ctx, "FORG0001", "cannot convert '%.40s' to xs:double", s);
    }
    return true;
}

static bool compare_doubles(xp_kind op, double a, double b)
{
    switch (op) {
    case XP_EQ: case XP_VEQ: return a == b;
    case XP_NE: case XP_VNE: return a != b;
    case XP_LT: case XP_VLT: return a < b;
    case XP_LE: case XP_VLE: return a <= b;
    case XP_GT: case XP_VGT: return a > b;
    case XP_GE: case XP_VGE: return a >= b;
    default: return false;
    }
}

static bool compare_strings(xp_kind op, const char *a, const char *b)
{
    int c = strcmp(a, b); /* UTF-8 byte order is codepoint order */

    switch (op) {
    case XP_EQ: case XP_VEQ: return c == 0;
    case XP_NE: case XP_VNE: return c != 0;
    case XP_LT: case XP_VLT: return c < 0;
    case XP_LE: case XP_VLE: return c <= 0;
    case XP_GT: case XP_VGT: return c > 0;
    case XP_GE: case XP_VGE: return c >= 0;
    default: return false;
    }
}

static bool untyped_to_bool(xp_ctx *ctx, const char *s, bool *out)
{
    if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0) {
        *out = true;
    } else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0) {
        *out = false;
    } else {
        return fse_sch__raise(ctx, "FORG0001", "cannot convert '%.40s' to xs:boolean", s);
    }
    return true;
}

/* Compare two atomic values (general comparison rules); *res = outcome. */
static bool compare_atoms(xp_ctx *ctx, xp_kind op, const atom *x, const atom *y, bool *res)
{
    double a;
    double b;
    bool xb;
    bool yb;

    if ((x->kind == A_UNTYPED || x->kind == A_STRING) &&
        (y->kind == A_UNTYPED || y->kind == A_STRING)) {
        *res = compare_strings(op, x->s, y->s);
        return true;
    }
    if (x->kind == A_NUMBER || y->kind == A_NUMBER) {
        if ((x->kind == A_STRING || y->kind == A_STRING) || x->kind == A_BOOL ||
            y->kind == A_BOOL) {
            return fse_sch__raise(ctx, "XPTY0004", "cannot compare %s with a number",
                                  x->kind == A_BOOL || y->kind == A_BOOL ? "xs:boolean"
                                                                         : "xs:string");
        }
        a = x->num;
        b = y->num;
        if (x->kind == A_UNTYPED && !untyped_to_double(ctx, x->s, &a)) {
            return false;
        }
        if (y->kind == A_UNTYPED && !untyped_to_double(ctx, y->s, &b)) {
            return false;
        }
        *res = compare_doubles(op, a, b);
        return true;
    }
    /* at least one boolean, the other boolean or untyped */
    if (x->kind == A_STRING || y->kind == A_STRING) {
        return fse_sch__raise(ctx, "XPTY0004", "cannot compare xs:boolean with xs:string");
    }
    xb = x->b;
    yb = y->b;
    if (x->kind == A_UNTYPED && !untyped_to_bool(ctx, x->s, &xb)) {
        return false;
    }
    if (y->kind == A_UNTYPED && !untyped_to_bool(ctx, y->s, &yb)) {
        return false;
    }
    *res = compare_doubles(op, xb, yb);
    return true;
}

static size_t item_count(const xv *v)
{
    return fse_sch__items(v);
}

static atom item_atom(xp_ctx *ctx, const xv *v, size_t i)
{
    atom a;

    memset(&a, 0, sizeof(a));
    switch (v->kind) {
    case XV_NODES:
        a.kind = A_UNTYPED;
        a.s = fse_sch__node_string(ctx, v->nodes[i]);
        break;
    case XV_STRING:
        a.kind = v->untyped ? A_UNTYPED : A_STRING;
        a.s = v->s;
        break;
    case XV_NUMBER:
        a.kind = A_NUMBER;
        a.num = v->num;
        break;
    case XV_BOOL:
        a.kind = A_BOOL;
        a.b = v->b;
        break;
    case XV_ATOMS:
        return item_atom(ctx, &v->items[i], 0);
    }
    return a;
}

static bool general_compare(xp_ctx *ctx, xp_kind op, const xv *x, const xv *y, bool *res)
{
    size_t i;
    size_t j;
    size_t nx = item_count(x);
    size_t ny = item_count(y);

    *res = false;
    for (i = 0; i < nx; i++) {
        atom a = item_atom(ctx, x, i);

        for (j = 0; j < ny; j++) {
            atom b = item_atom(ctx, y, j);

            if (!compare_atoms(ctx, op, &a, &b, res)) {
                return false;
            }
            if (*res) {
                return true;
            }
        }
    }
    return true;
}

static bool value_compare(xp_ctx *ctx, xp_kind op, const xv *x, const xv *y, xv *out)
{
    atom a;
    atom b;
    bool res = false;

    if (item_count(x) == 0 || item_count(y) == 0) {
        memset(out, 0, sizeof(*out));
        out->kind = XV_NODES; /* empty sequence */
        return true;
    }
    if (item_count(x) > 1 || item_count(y) > 1) {
        return fse_sch__raise(ctx, "XPTY0004", "value comparison of a sequence of more than "
                                               "one item");
    }
    a = item_atom(ctx, x, 0);
    b = item_atom(ctx, y, 0);
    if (a.kind == A_UNTYPED) {
        a.kind = A_STRING;
    }
    if (b.kind == A_UNTYPED) {
        b.kind = A_STRING;
    }
    if (!compare_atoms(ctx, op, &a, &b, &res)) {
        return false;
    }
    memset(out, 0, sizeof(*out));
    out->kind = XV_BOOL;
    out->b = res;
    return true;
}

/* ------------------------------------------------------------ arithmetic -- */

static bool arithmetic_operand(xp_ctx *ctx, const xv *v, double *out, bool *empty)
{
    atom a;

    *empty = item_count(v) == 0;
    if (*empty) {
        return true;
    }
    if (item_count(v) > 1) {
        return fse_sch__raise(ctx, "XPTY0004", "arithmetic on a sequence of more than one item");
    }
    a = item_atom(ctx, v, 0);
    switch (a.kind) {
    case A_UNTYPED:
        return untyped_to_double(ctx, a.s, out);
    case A_NUMBER:
        *out = a.num;
        return true;
    default:
        return fse_sch__raise(ctx, "XPTY0004", "arithmetic on a non-numeric value");
    }
}

static bool eval_arithmetic(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    xv x;
    xv y;
    double a = 0;
    double b = 0;
    bool ea;
    bool eb;

    if (!fse_sch__eval(ctx, e->a, &x) || !fse_sch__eval(ctx, e->b, &y) ||
        !arithmetic_operand(ctx, &x, &a, &ea) || !arithmetic_operand(ctx, &y, &b, &eb)) {
        return false;
    }
    memset(out, 0, sizeof(*out));
    if (ea || eb) {
        out->kind = XV_NODES;
        return true;
    }
    out->kind = XV_NUMBER;
    switch (e->kind) {
    case XP_ADD: out->num = a + b; break;
    case XP_SUB: out->num = a - b; break;
    case XP_MUL: out->num = a * b; break;
    case XP_DIV: out->num = a / b; break;
    case XP_MOD: out->num = fmod(a, b); break;
    case XP_IDIV:
        if (b == 0) {
            return fse_sch__raise(ctx, "FOAR0001", "integer division by zero");
        }
        out->num = trunc(a / b);
        break;
    default: break;
    }
    return true;
}

/* ----------------------------------------------------------- evaluation -- */

bool fse_sch__eval_bool(xp_ctx *ctx, const xp_expr *e, bool *out)
{
    xv v;

    if (e->kind == XP_PATH && e->streamable) {
        size_t n;

        if (!fse_sch__path_count(ctx, e, true, &n)) {
            return false;
        }
        *out = n > 0;
        return true;
    }
    if (e->kind == XP_ATTR_EQ) {
        return eval_attr_eq(ctx, e, out);
    }
    if (!fse_sch__eval(ctx, e, &v)) {
        return false;
    }
    switch (v.kind) {
    case XV_NODES:
        *out = v.n > 0;
        return true;
    case XV_STRING:
        *out = v.s[0] != '\0';
        return true;
    case XV_NUMBER:
        *out = v.num != 0 && !isnan(v.num);
        return true;
    case XV_BOOL:
        *out = v.b;
        return true;
    case XV_ATOMS:
        if (v.n > 1) {
            return fse_sch__raise(ctx, "FORG0006", "effective boolean value of a sequence of "
                                                   "several atomic values");
        }
        *out = false;
        if (v.n == 1) {
            const xv *one = &v.items[0];

            *out = one->kind == XV_BOOL     ? one->b
                   : one->kind == XV_NUMBER ? one->num != 0 && !isnan(one->num)
                                            : one->s[0] != '\0';
        }
        return true;
    }
    return true;
}

static bool eval_variable(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    int slot = e->var_slot;

    if (slot < 0 || (size_t)slot >= ctx->n_vars) {
        return fse_sch__raise(ctx, "XPST0008", "variable $%s is not in scope", e->var_name);
    }
    if (ctx->var_state[slot] == XP_VAR_DONE) {
        *out = ctx->vars[slot];
        return true;
    }
    if (ctx->var_state[slot] == XP_VAR_BUSY) {
        return fse_sch__raise(ctx, "XTDE0640", "circular definition of $%s", e->var_name);
    }
    ctx->var_state[slot] = XP_VAR_BUSY;
    if (!ctx->eval_var(ctx, slot, &ctx->vars[slot])) {
        return false;
    }
    ctx->var_state[slot] = XP_VAR_DONE;
    *out = ctx->vars[slot];
    return true;
}

static bool eval_union(xp_ctx *ctx, const xp_expr *e, xv *out)
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

static bool eval_inner(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    bool b;
    xv x;
    xv y;

    switch (e->kind) {
    case XP_LITERAL:
        memset(out, 0, sizeof(*out));
        out->kind = XV_STRING;
        out->s = e->str;
        return true;
    case XP_NUMBER:
        memset(out, 0, sizeof(*out));
        out->kind = XV_NUMBER;
        out->num = e->num;
        return true;
    case XP_VAR:
        return eval_variable(ctx, e, out);
    case XP_CONTEXT:
        memset(out, 0, sizeof(*out));
        out->kind = XV_NODES;
        out->nodes = fse_sch__arena_alloc(ctx->arena, sizeof(xmlNode *));
        if (out->nodes == NULL) {
            return out_of_memory(ctx);
        }
        out->nodes[0] = ctx->node;
        out->n = 1;
        return true;
    case XP_OR:
    case XP_AND:
        if (!fse_sch__eval_bool(ctx, e->a, &b)) {
            return false;
        }
        if (b == (e->kind == XP_AND) && !fse_sch__eval_bool(ctx, e->b, &b)) {
            return false;
        }
        memset(out, 0, sizeof(*out));
        out->kind = XV_BOOL;
        out->b = b;
        return true;
    case XP_EQ: case XP_NE: case XP_LT: case XP_LE: case XP_GT: case XP_GE:
        if (!fse_sch__eval(ctx, e->a, &x) || !fse_sch__eval(ctx, e->b, &y) ||
            !general_compare(ctx, e->kind, &x, &y, &b)) {
            return false;
        }
        memset(out, 0, sizeof(*out));
        out->kind = XV_BOOL;
        out->b = b;
        return true;
    case XP_VEQ: case XP_VNE: case XP_VLT: case XP_VLE: case XP_VGT: case XP_VGE:
        return fse_sch__eval(ctx, e->a, &x) && fse_sch__eval(ctx, e->b, &y) &&
               value_compare(ctx, e->kind, &x, &y, out);
    case XP_ADD: case XP_SUB: case XP_MUL: case XP_DIV: case XP_IDIV: case XP_MOD:
        return eval_arithmetic(ctx, e, out);
    case XP_NEG: {
        double a;
        bool empty;

        if (!fse_sch__eval(ctx, e->a, &x) || !arithmetic_operand(ctx, &x, &a, &empty)) {
            return false;
        }
        memset(out, 0, sizeof(*out));
        out->kind = empty ? XV_NODES : XV_NUMBER;
        out->num = -a;
        return true;
    }
    case XP_UNION:
        return eval_union(ctx, e, out);
    case XP_PATH:
        return eval_path(ctx, e, out);
    case XP_CALL:
        return fse_sch__call(ctx, e, out);
    case XP_IF:
        if (!fse_sch__eval_bool(ctx, e->a, &b)) {
            return false;
        }
        return fse_sch__eval(ctx, b ? e->b : e->c, out);
    case XP_ATTR_EQ:
        if (!eval_attr_eq(ctx, e, &b)) {
            return false;
        }
        memset(out, 0, sizeof(*out));
        out->kind = XV_BOOL;
        out->b = b;
        return true;
    }
    return fse_sch__raise(ctx, "FSE0002", "unknown expression kind");
}

bool fse_sch__eval(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    bool ok;

    if (ctx->error) {
        return false;
    }
    if (++ctx->depth > 4 * FSE_MAX_XPATH_DEPTH) {
        ctx->depth--;
        return fse_sch__raise(ctx, "FSE0003", "evaluation nested too deeply");
    }
    ok = eval_inner(ctx, e, out);
    ctx->depth--;
    return ok;
}

/* ---------------------------------------------------- pattern matching -- */

static bool step_matches_node(xp_ctx *ctx, const xp_step *s, xmlNode *node, bool *out)
{
    nodevec siblings;
    size_t i;
    size_t pos = 0;
    bool positional = false;

    *out = false;
    if (s->axis == XP_AXIS_ATTRIBUTE) {
        if (node->type != XML_ATTRIBUTE_NODE || !node_test(ctx, s, node)) {
            return true;
        }
    } else if (node->type == XML_ATTRIBUTE_NODE || !node_test(ctx, s, node)) {
        return true;
    }
    if (s->n_preds == 0) {
        *out = true;
        return true;
    }
    for (i = 0; i < s->n_preds; i++) {
        positional = positional || s->preds[i]->positional;
    }
    if (!positional) {
        for (i = 0; i < s->n_preds; i++) {
            bool keep;

            if (!predicate_keeps(ctx, s->preds[i], node, 1, 1, &keep)) {
                return false;
            }
            if (!keep) {
                return true;
            }
        }
        *out = true;
        return true;
    }
    /* Positional predicate in a pattern: evaluate over the node's siblings. */
    memset(&siblings, 0, sizeof(siblings));
    {
        xp_step child = *s;

        child.n_preds = 0;
        if (parent_of(node) == NULL || !collect_axis(ctx, &child, parent_of(node), &siblings) ||
            !apply_predicates(ctx, s->preds, s->n_preds, &siblings)) {
            return !ctx->error;
        }
    }
    for (i = 0; i < siblings.n; i++) {
        if (siblings.items[i] == node) {
            pos = i + 1;
        }
    }
    *out = pos > 0;
    return true;
}

static bool match_steps_uncached(xp_ctx *ctx, const xp_expr *e, size_t k, xmlNode *node,
                                 bool *out);

/* Does node match steps[0..k] of pattern e? Decided once per (prefix, node). */
static bool match_steps(xp_ctx *ctx, const xp_expr *e, size_t k, xmlNode *node, bool *out)
{
    int known;

    if (ctx->memo == NULL || e->prefix_ids == NULL) {
        return match_steps_uncached(ctx, e, k, node, out);
    }
    known = fse_sch__memo_get(ctx->memo, e->prefix_ids[k], node);
    if (known != 0) {
        *out = known == 1;
        return true;
    }
    if (!match_steps_uncached(ctx, e, k, node, out)) {
        return false;
    }
    fse_sch__memo_put(ctx->memo, e->prefix_ids[k], node, *out);
    return true;
}

static bool match_steps_uncached(xp_ctx *ctx, const xp_expr *e, size_t k, xmlNode *node,
                                 bool *out)
{
    const xp_step *s = &e->steps[k];
    xmlNode *up;

    *out = false;
    if (s->axis == XP_AXIS_DESCENDANT_OR_SELF) {
        /* a bare '//' step that was not folded: ancestors-or-self of node */
        for (up = node; up != NULL; up = parent_of(up)) {
            if (k == 0) {
                *out = true;
                return true;
            }
            if (!match_steps(ctx, e, k - 1, up, out)) {
                return false;
            }
            if (*out) {
                return true;
            }
        }
        return true;
    }
    if (!step_matches_node(ctx, s, node, out) || !*out) {
        return !ctx->error;
    }
    up = parent_of(node);
    if (k == 0) {
        if (e->absolute && s->axis != XP_AXIS_DESCENDANT) {
            *out = up != NULL && up->type == XML_DOCUMENT_NODE;
        }
        return true;
    }
    if (s->axis == XP_AXIS_DESCENDANT) {
        for (; up != NULL; up = parent_of(up)) {
            if (!match_steps(ctx, e, k - 1, up, out)) {
                return false;
            }
            if (*out) {
                return true;
            }
        }
        *out = false;
        return true;
    }
    if (up == NULL) {
        *out = false;
        return true;
    }
    return match_steps(ctx, e, k - 1, up, out);
}

bool fse_sch__pattern_matches(xp_ctx *ctx, const xp_expr *pattern, xmlNode *node, bool *out)
{
    if (pattern->kind == XP_UNION) {
        if (!fse_sch__pattern_matches(ctx, pattern->a, node, out)) {
            return false;
        }
        return *out || fse_sch__pattern_matches(ctx, pattern->b, node, out);
    }
    if (pattern->n_steps == 0) {
        *out = pattern->absolute && node->type == XML_DOCUMENT_NODE;
        return true;
    }
    return match_steps(ctx, pattern, pattern->n_steps - 1, node, out);
}
