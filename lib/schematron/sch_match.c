/*
 * lib/schematron/sch_match.c - XSLT match patterns (rule contexts): does a
 * node match `hl7:a/hl7:b[p]`, `//hl7:x`, `/hl7:ClinicalDocument`? Matching
 * walks up from the node step by step; the answer for each (context prefix,
 * node) pair is remembered for the run (sch_memo.c), since the rules of one
 * file share long prefixes.
 */
#include "sch_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/limits.h"

/* ---------------------------------------------------- pattern matching -- */

static bool step_matches_node(xp_ctx *ctx, const xp_step *s, xmlNode *node, bool *out)
{
    nodevec siblings;
    size_t i;
    size_t pos = 0;
    bool positional = false;

    *out = false;
    if (s->axis == XP_AXIS_ATTRIBUTE) {
        if (node->type != XML_ATTRIBUTE_NODE || !fse_sch__node_test(ctx, s, node)) {
            return true;
        }
    } else if (node->type == XML_ATTRIBUTE_NODE || !fse_sch__node_test(ctx, s, node)) {
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

            if (!fse_sch__predicate_keeps(ctx, s->preds[i], node, 1, 1, &keep)) {
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
        if (fse_sch__parent(node) == NULL ||
            !fse_sch__collect_axis(ctx, &child, fse_sch__parent(node), &siblings) ||
            !fse_sch__apply_predicates(ctx, s->preds, s->n_preds, &siblings)) {
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
static bool match_steps_uncached(xp_ctx *ctx, const xp_expr *e, size_t k, xmlNode *node, bool *out);
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
static bool match_steps_uncached(xp_ctx *ctx, const xp_expr *e, size_t k, xmlNode *node, bool *out)
{
    const xp_step *s = &e->steps[k];
    xmlNode *up;

    *out = false;
    if (s->axis == XP_AXIS_DESCENDANT_OR_SELF) {
        /* a bare '//' step that was not folded: ancestors-or-self of node */
        for (up = node; up != NULL; up = fse_sch__parent(up)) {
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
    up = fse_sch__parent(node);
    if (k == 0) {
        if (e->absolute && s->axis != XP_AXIS_DESCENDANT) {
            *out = up != NULL && up->type == XML_DOCUMENT_NODE;
        }
        return true;
    }
    if (s->axis == XP_AXIS_DESCENDANT) {
        for (; up != NULL; up = fse_sch__parent(up)) {
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
    /* The whole context is asked once per node: only its prefixes are memoised. */
    return match_steps_uncached(ctx, pattern, pattern->n_steps - 1, node, out);
}
