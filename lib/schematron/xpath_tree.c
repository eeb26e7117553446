/*
 * lib/schematron/xpath_tree.c - facts about compiled expression trees: depth
 * (bounded at compile time, so evaluation and every walk stay shallow),
 * positional predicates, the `//x[p]` -> descendant::x[p] rewrite, root
 * paths cached per document, streamable paths, rule-context pattern shape,
 * and structural equality (shared context prefixes).
 */
#include "xpath_parser.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/limits.h"

/* Most nesting of an expression tree: evaluation and every walk over the tree
 * recurse along it. Long flat chains (a or b or c ...) count too. */
#define XP_MAX_TREE_DEPTH (4u * FSE_MAX_XPATH_DEPTH)

static unsigned child_depth(const xp_expr *e)
{
    return e != NULL ? e->depth : 0;
}

static unsigned list_depth(xp_expr *const *list, size_t n)
{
    unsigned d = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (child_depth(list[i]) > d) {
            d = child_depth(list[i]);
        }
    }
    return d;
}

/* Set e's depth from its children; false (and an error) when it is too deep. */
bool fse_sch__finish_node(parser *p, xp_expr *e)
{
    unsigned d = child_depth(e->a);
    size_t i;

    d = child_depth(e->b) > d ? child_depth(e->b) : d;
    d = child_depth(e->c) > d ? child_depth(e->c) : d;
    d = child_depth(e->filter) > d ? child_depth(e->filter) : d;
    d = list_depth(e->args, e->n_args) > d ? list_depth(e->args, e->n_args) : d;
    d = list_depth(e->filter_preds, e->n_filter_preds) > d
            ? list_depth(e->filter_preds, e->n_filter_preds)
            : d;
    for (i = 0; i < e->n_steps; i++) {
        unsigned sd = list_depth(e->steps[i].preds, e->steps[i].n_preds);

        sd = child_depth(e->steps[i].expr) > sd ? child_depth(e->steps[i].expr) : sd;
        d = sd > d ? sd : d;
    }
    e->depth = d + 1;
    if (e->depth > XP_MAX_TREE_DEPTH) {
        return fse_sch__fail(p, FSE_E_LIMIT, "expression nested deeper than %u levels",
                             XP_MAX_TREE_DEPTH);
    }
    return true;
}

/* True when a predicate's value may be a number or it uses position()/last():
 * such predicates depend on the context position. */
bool fse_sch__uses_position(const xp_expr *e)
{
    size_t i;

    if (e == NULL) {
        return false;
    }
    if (e->kind == XP_CALL && (e->func == XF_POSITION || e->func == XF_LAST)) {
        return true;
    }
    if (e->kind == XP_PATH) {
        return fse_sch__uses_position(e->filter);
    }
    for (i = 0; i < e->n_args; i++) {
        if (fse_sch__uses_position(e->args[i])) {
            return true;
        }
    }
    return fse_sch__uses_position(e->a) || fse_sch__uses_position(e->b) ||
           fse_sch__uses_position(e->c);
}

bool fse_sch__statically_boolean(const xp_expr *e)
{
    switch (e->kind) {
    case XP_OR:
    case XP_AND:
    case XP_EQ:
    case XP_NE:
    case XP_LT:
    case XP_LE:
    case XP_GT:
    case XP_GE:
    case XP_VEQ:
    case XP_VNE:
    case XP_VLT:
    case XP_VLE:
    case XP_VGT:
    case XP_VGE:
    case XP_PATH:
    case XP_LITERAL:
    case XP_UNION:
    case XP_ATTR_EQ:
        return true;
    case XP_CALL:
        switch (e->func) {
        case XF_NOT:
        case XF_CONTAINS:
        case XF_MATCHES:
        case XF_EXISTS:
        case XF_EMPTY:
        case XF_TRUE:
        case XF_FALSE:
        case XF_BOOLEAN:
        case XF_STARTS_WITH:
        case XF_ENDS_WITH:
            return true;
        default:
            return false;
        }
    default:
        return false;
    }
}

/* Rewrite descendant-or-self::node()/child::x[p] into descendant::x[p]. */
void fse_sch__fold_descendant_steps(xp_expr *path)
{
    size_t i;
    size_t out = 0;

    for (i = 0; i < path->n_steps; i++) {
        xp_step *s = &path->steps[i];
        xp_step *next = i + 1 < path->n_steps ? &path->steps[i + 1] : NULL;
        bool positional = false;
        size_t k;

        if (next != NULL) {
            for (k = 0; k < next->n_preds; k++) {
                positional = positional || next->preds[k]->positional;
            }
        }
        if (s->expr == NULL && s->axis == XP_AXIS_DESCENDANT_OR_SELF && s->test == XP_TEST_NODE &&
            s->n_preds == 0 && next != NULL && next->expr == NULL && next->axis == XP_AXIS_CHILD &&
            !positional) {
            next->axis = XP_AXIS_DESCENDANT;
            continue;
        }
        path->steps[out++] = *s;
    }
    path->n_steps = out;
}

static bool refers_to_variables(const xp_expr *e)
{
    size_t i;
    size_t k;

    if (e == NULL) {
        return false;
    }
    if (e->kind == XP_VAR) {
        return true;
    }
    for (i = 0; i < e->n_args; i++) {
        if (refers_to_variables(e->args[i])) {
            return true;
        }
    }
    for (i = 0; i < e->n_steps; i++) {
        if (refers_to_variables(e->steps[i].expr)) {
            return true;
        }
        for (k = 0; k < e->steps[i].n_preds; k++) {
            if (refers_to_variables(e->steps[i].preds[k])) {
                return true;
            }
        }
    }
    for (i = 0; i < e->n_filter_preds; i++) {
        if (refers_to_variables(e->filter_preds[i])) {
            return true;
        }
    }
    return refers_to_variables(e->a) || refers_to_variables(e->b) || refers_to_variables(e->c) ||
           refers_to_variables(e->filter);
}

/*
 * Root paths without variables give the same value for every context node:
 * cache them per document. Paths of child/attribute/self steps with at most
 * one descendant step and no positional predicate yield each node once and
 * in document order: they can be counted or tested without sorting.
 */
void fse_sch__mark_path(parser *p, xp_expr *path)
{
    size_t i;
    size_t k;
    size_t descendant = 0;
    bool streamable = path->filter == NULL;

    bool forward_seen = false;

    /* Reverse chain steps (parent, ancestor) first, then forward steps: every
     * node is reached once. */
    for (i = 0; i < path->n_steps && streamable; i++) {
        const xp_step *s = &path->steps[i];
        bool reverse = s->axis == XP_AXIS_PARENT || s->axis == XP_AXIS_ANCESTOR ||
                       s->axis == XP_AXIS_ANCESTOR_OR_SELF;

        streamable = s->expr == NULL &&
                     (reverse ? !forward_seen
                              : s->axis == XP_AXIS_CHILD || s->axis == XP_AXIS_ATTRIBUTE ||
                                    s->axis == XP_AXIS_SELF || s->axis == XP_AXIS_DESCENDANT);
        forward_seen = forward_seen || (!reverse && s->axis != XP_AXIS_SELF);
        descendant += s->axis == XP_AXIS_DESCENDANT;
        for (k = 0; k < s->n_preds && streamable; k++) {
            streamable = !s->preds[k]->positional;
        }
    }
    path->streamable = streamable && descendant <= 1;
    if (path->absolute && path->filter == NULL && !refers_to_variables(path)) {
        path->cache_slot = (int)(*p->env->n_cache_slots)++;
    }
}

/* A relative path of one attribute name step without predicates: @name. */
bool fse_sch__is_plain_attribute(const xp_expr *e)
{
    return e->kind == XP_PATH && !e->absolute && e->filter == NULL && e->n_steps == 1 &&
           e->steps[0].axis == XP_AXIS_ATTRIBUTE && e->steps[0].test == XP_TEST_NAME &&
           e->steps[0].n_preds == 0;
}

bool fse_sch__is_pattern_path(const xp_expr *e)
{
    size_t i;

    if (e->kind == XP_UNION) {
        return fse_sch__is_pattern_path(e->a) && fse_sch__is_pattern_path(e->b);
    }
    if (e->kind != XP_PATH || e->filter != NULL) {
        return false;
    }
    for (i = 0; i < e->n_steps; i++) {
        xp_axis ax = e->steps[i].axis;

        if (e->steps[i].expr != NULL) {
            return false;
        }
        if (ax != XP_AXIS_CHILD && ax != XP_AXIS_ATTRIBUTE && ax != XP_AXIS_DESCENDANT &&
            !(ax == XP_AXIS_DESCENDANT_OR_SELF && e->steps[i].test == XP_TEST_NODE)) {
            return false;
        }
    }
    return true;
}

/* ---------------------------------------------------- structural equality -- */

static bool str_equal(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool expr_list_equal(xp_expr *const *a, xp_expr *const *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!fse_sch__expr_equal(a[i], b[i])) {
            return false;
        }
    }
    return true;
}

bool fse_sch__step_equal(const xp_step *a, const xp_step *b)
{
    return a->axis == b->axis && a->test == b->test && str_equal(a->ns_uri, b->ns_uri) &&
           str_equal(a->local, b->local) && a->n_preds == b->n_preds &&
           fse_sch__expr_equal(a->expr, b->expr) && expr_list_equal(a->preds, b->preds, a->n_preds);
}

bool fse_sch__expr_equal(const xp_expr *a, const xp_expr *b)
{
    size_t i;

    if (a == b) {
        return true;
    }
    if (a == NULL || b == NULL || a->kind != b->kind) {
        return false;
    }
    switch (a->kind) {
    case XP_LITERAL:
        return a->str_len == b->str_len && memcmp(a->str, b->str, a->str_len) == 0;
    case XP_NUMBER:
        return a->num == b->num;
    case XP_VAR:
        return a->var_slot == b->var_slot && str_equal(a->var_name, b->var_name);
    case XP_CALL:
        return a->func == b->func && a->n_args == b->n_args &&
               expr_list_equal(a->args, b->args, a->n_args);
    case XP_PATH:
        if (a->absolute != b->absolute || a->n_steps != b->n_steps ||
            a->n_filter_preds != b->n_filter_preds || !fse_sch__expr_equal(a->filter, b->filter) ||
            !expr_list_equal(a->filter_preds, b->filter_preds, a->n_filter_preds)) {
            return false;
        }
        for (i = 0; i < a->n_steps; i++) {
            if (!fse_sch__step_equal(&a->steps[i], &b->steps[i])) {
                return false;
            }
        }
        return true;
    case XP_ATTR_EQ:
        return str_equal(a->str, b->str) && fse_sch__expr_equal(a->a, b->a);
    default:
        return fse_sch__expr_equal(a->a, b->a) && fse_sch__expr_equal(a->b, b->b) &&
               fse_sch__expr_equal(a->c, b->c);
    }
}
