/*
 * lib/schematron/xpath_eval.c - the evaluator's entry points: expression
 * dispatch, effective boolean values, lazily evaluated variables, and the
 * dynamic errors XPath 2.0 raises (the run stops on the first, as Saxon's).
 *
 * Paths and axes live in xpath_path.c, atomization, comparisons and
 * arithmetic in xpath_value.c, functions in xpath_func.c, rule-context
 * matching in sch_match.c.
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
bool fse_sch__oom(xp_ctx *ctx)
{
    return fse_sch__raise(ctx, FSE_SCH_OOM, "out of memory while evaluating");
}
bool fse_sch__buf_ok(xp_ctx *ctx, fse_err rc)
{
    if (rc == FSE_OK) {
        return true;
    }
    if (rc == FSE_E_NOMEM) {
        return fse_sch__oom(ctx);
    }
    return fse_sch__raise(ctx, "FSE0007", "a string value is over %u bytes",
                          FSE_MAX_DOCUMENT_BYTES);
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
        return fse_sch__eval_attr_eq(ctx, e, out);
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
            return fse_sch__raise(ctx, "FORG0006",
                                  "effective boolean value of a sequence of "
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
            return fse_sch__oom(ctx);
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
    case XP_EQ:
    case XP_NE:
    case XP_LT:
    case XP_LE:
    case XP_GT:
    case XP_GE:
        if (!fse_sch__eval(ctx, e->a, &x) || !fse_sch__eval(ctx, e->b, &y) ||
            !fse_sch__general_compare(ctx, e->kind, &x, &y, &b)) {
            return false;
        }
        memset(out, 0, sizeof(*out));
        out->kind = XV_BOOL;
        out->b = b;
        return true;
    case XP_VEQ:
    case XP_VNE:
    case XP_VLT:
    case XP_VLE:
    case XP_VGT:
    case XP_VGE:
        return fse_sch__eval(ctx, e->a, &x) && fse_sch__eval(ctx, e->b, &y) &&
               fse_sch__value_compare(ctx, e->kind, &x, &y, out);
    case XP_ADD:
    case XP_SUB:
    case XP_MUL:
    case XP_DIV:
    case XP_IDIV:
    case XP_MOD:
        return fse_sch__eval_arithmetic(ctx, e, out);
    case XP_NEG:
        return fse_sch__eval_negate(ctx, e, out);
    case XP_UNION:
        return fse_sch__eval_union(ctx, e, out);
    case XP_PATH:
        return fse_sch__eval_path(ctx, e, out);
    case XP_CALL:
        return fse_sch__call(ctx, e, out);
    case XP_IF:
        if (!fse_sch__eval_bool(ctx, e->a, &b)) {
            return false;
        }
        return fse_sch__eval(ctx, b ? e->b : e->c, out);
    case XP_ATTR_EQ:
        if (!fse_sch__eval_attr_eq(ctx, e, &b)) {
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
