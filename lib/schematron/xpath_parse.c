/*
 * lib/schematron/xpath_parse.c - parser for the XPath 2.0 subset used by the
 * official schematron files: location paths (child, attribute, descendant,
 * self, parent, ancestor and sibling axes), predicates, the usual operators,
 * value and general comparisons, if/then/else, variables and function calls.
 *
 * Owns lexing, the syntax tree, static checks (unknown functions, arity,
 * undeclared prefixes and variables) and two rewrites: `//x[p]` becomes
 * descendant::x[p] when p is not positional, and literal regexes of matches()
 * are compiled once. Does not evaluate anything (xpath_eval.c).
 */
#include "sch_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/limits.h"

#include "xpath_parser.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/limits.h"

/* ------------------------------------------------------------ AST nodes -- */

static xp_expr *new_expr(parser *p, xp_kind kind)
{
    xp_expr *e = fse_sch__arena_alloc(p->env->arena, sizeof(*e));

    if (e == NULL) {
        fse_sch__fail(p, FSE_E_NOMEM, "expression tree");
        return NULL;
    }
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->var_slot = -1;
    e->cache_slot = -1;
    e->depth = 1;
    return e;
}

static const char *arena_str(parser *p, const char *s, size_t n)
{
    char *copy = fse_sch__arena_strndup(p->env->arena, s, n);

    if (copy == NULL) {
        fse_sch__fail(p, FSE_E_NOMEM, "string");
    }
    return copy;
}

/* Growable pointer array in the arena (old copies are simply abandoned). */
static bool push_ptr(parser *p, void ***items, size_t *n, void *item)
{
    void **grown;

    if ((*n & (*n - 1)) == 0) {
        size_t cap = *n == 0 ? 2 : *n * 2;

        grown = fse_sch__arena_alloc(p->env->arena, cap * sizeof(void *));
        if (grown == NULL) {
            return fse_sch__fail(p, FSE_E_NOMEM, "expression list");
        }
        if (*n > 0) {
            memcpy(grown, *items, *n * sizeof(void *));
        }
        *items = grown;
    }
    (*items)[(*n)++] = item;
    return true;
}

/* ------------------------------------------------------------- grammar -- */

static xp_expr *parse_expr(parser *p);

static bool depth_enter(parser *p)
{
    if (++p->depth > FSE_MAX_XPATH_DEPTH) {
        return fse_sch__fail(p, FSE_E_LIMIT, "expression nested deeper than %d",
                             FSE_MAX_XPATH_DEPTH);
    }
    return true;
}

static const char *unquote(parser *p, const token *t, size_t *len_out)
{
    char q = t->start[0];
    size_t i;
    size_t n = 0;
    char *out = fse_sch__arena_alloc(p->env->arena, t->len);

    if (out == NULL) {
        fse_sch__fail(p, FSE_E_NOMEM, "literal");
        return NULL;
    }
    for (i = 1; i + 1 < t->len; i++) {
        out[n++] = t->start[i];
        if (t->start[i] == q) {
            i++; /* doubled quote */
        }
    }
    out[n] = '\0';
    *len_out = n;
    return out;
}

static bool parse_predicates(parser *p, xp_expr ***preds, size_t *n)
{
    while (p->tok.kind == T_LBRACK) {
        xp_expr *pred;

        fse_sch__lex(p);
        pred = parse_expr(p);
        if (pred == NULL || !fse_sch__expect(p, T_RBRACK, "']'")) {
            return false;
        }
        pred->positional = !fse_sch__statically_boolean(pred) || fse_sch__uses_position(pred);
        if (!push_ptr(p, (void ***)preds, n, pred)) {
            return false;
        }
    }
    return true;
}

/* Give the step's local name an index in the schema's name table. */
static bool intern_name(parser *p, xp_step *step)
{
    size_t i;
    const char **table = *p->env->names;

    for (i = 0; i < *p->env->n_names; i++) {
        if (strcmp(table[i], step->local) == 0) {
            step->name_index = i;
            return true;
        }
    }
    step->name_index = *p->env->n_names;
    return push_ptr(p, (void ***)p->env->names, p->env->n_names, (void *)step->local);
}

static bool resolve_qname(parser *p, const token *t, xp_step *step)
{
    if (t->local != t->start) {
        char prefix[64];
        size_t plen = (size_t)(t->local - t->start - 1);

        if (plen >= sizeof(prefix)) {
            return fse_sch__fail(p, FSE_E_PARSE, "namespace prefix too long");
        }
        memcpy(prefix, t->start, plen);
        prefix[plen] = '\0';
        step->ns_uri = p->env->resolve_ns(p->env->user, prefix);
        if (step->ns_uri == NULL) {
            return fse_sch__fail(p, FSE_E_PARSE, "undeclared namespace prefix '%s'", prefix);
        }
    }
    step->local = arena_str(p, t->local, t->local_len);
    return step->local != NULL && intern_name(p, step);
}

static const struct {
    const char *name;
    xp_axis axis;
} axes[] = {
    {"child", XP_AXIS_CHILD},
    {"descendant", XP_AXIS_DESCENDANT},
    {"descendant-or-self", XP_AXIS_DESCENDANT_OR_SELF},
    {"attribute", XP_AXIS_ATTRIBUTE},
    {"self", XP_AXIS_SELF},
    {"parent", XP_AXIS_PARENT},
    {"ancestor", XP_AXIS_ANCESTOR},
    {"ancestor-or-self", XP_AXIS_ANCESTOR_OR_SELF},
    {"following-sibling", XP_AXIS_FOLLOWING_SIBLING},
    {"preceding-sibling", XP_AXIS_PRECEDING_SIBLING},
};

static bool parse_node_test(parser *p, xp_step *step)
{
    token t = p->tok;

    if (t.kind == T_STAR) {
        step->test = XP_TEST_ANY_NAME;
        fse_sch__lex(p);
        return true;
    }
    if (t.kind == T_NS_STAR) {
        char prefix[64];

        if (t.len >= sizeof(prefix)) {
            return fse_sch__fail(p, FSE_E_PARSE, "namespace prefix too long");
        }
        memcpy(prefix, t.start, t.len);
        prefix[t.len] = '\0';
        step->test = XP_TEST_NS_ANY;
        step->ns_uri = p->env->resolve_ns(p->env->user, prefix);
        fse_sch__lex(p);
        return step->ns_uri != NULL ||
               fse_sch__fail(p, FSE_E_PARSE, "undeclared namespace prefix '%s'", prefix);
    }
    if (t.kind == T_FUNC) {
        if (fse_sch__tok_name_equals(&t, "node")) {
            step->test = XP_TEST_NODE;
        } else if (fse_sch__tok_name_equals(&t, "text")) {
            step->test = XP_TEST_TEXT;
        } else if (fse_sch__tok_name_equals(&t, "element")) {
            step->test = XP_TEST_ELEMENT;
        } else {
            return fse_sch__fail(p, FSE_E_UNSUPPORTED, "unsupported node test %.*s()", (int)t.len,
                                 t.start);
        }
        fse_sch__lex(p);
        return fse_sch__expect(p, T_LPAREN, "'('") && fse_sch__expect(p, T_RPAREN, "')'");
    }
    if (t.kind == T_NAME) {
        step->test = XP_TEST_NAME;
        fse_sch__lex(p);
        return resolve_qname(p, &t, step);
    }
    return fse_sch__fail(p, FSE_E_PARSE, "expected a node test at offset %zu", p->pos);
}

static bool parse_step(parser *p, xp_step *step)
{
    memset(step, 0, sizeof(*step));
    step->axis = XP_AXIS_CHILD;
    if (p->tok.kind == T_DDOT || p->tok.kind == T_DOT) {
        step->axis = p->tok.kind == T_DDOT ? XP_AXIS_PARENT : XP_AXIS_SELF;
        step->test = XP_TEST_NODE;
        fse_sch__lex(p);
        return parse_predicates(p, &step->preds, &step->n_preds);
    }
    if (p->tok.kind == T_AT) {
        step->axis = XP_AXIS_ATTRIBUTE;
        fse_sch__lex(p);
    } else if (p->tok.kind == T_AXIS) {
        size_t i;
        bool found = false;

        for (i = 0; i < sizeof(axes) / sizeof(axes[0]); i++) {
            if (fse_sch__tok_name_equals(&p->tok, axes[i].name)) {
                step->axis = axes[i].axis;
                found = true;
            }
        }
        if (!found) {
            return fse_sch__fail(p, FSE_E_UNSUPPORTED, "unsupported axis %.*s::", (int)p->tok.len,
                                 p->tok.start);
        }
        fse_sch__lex(p);
    }
    if (!parse_node_test(p, step)) {
        return false;
    }
    return parse_predicates(p, &step->preds, &step->n_preds);
}

static bool push_step(parser *p, xp_expr *path, const xp_step *step)
{
    xp_step *grown;

    if ((path->n_steps & (path->n_steps - 1)) == 0) {
        size_t cap = path->n_steps == 0 ? 4 : path->n_steps * 2;

        grown = fse_sch__arena_alloc(p->env->arena, cap * sizeof(*grown));
        if (grown == NULL) {
            return fse_sch__fail(p, FSE_E_NOMEM, "path steps");
        }
        if (path->n_steps > 0) {
            memcpy(grown, path->steps, path->n_steps * sizeof(*grown));
        }
        path->steps = grown;
    }
    path->steps[path->n_steps++] = *step;
    return true;
}

static bool push_descendant_or_self(parser *p, xp_expr *path)
{
    xp_step dos;

    memset(&dos, 0, sizeof(dos));
    dos.axis = XP_AXIS_DESCENDANT_OR_SELF;
    dos.test = XP_TEST_NODE;
    return push_step(p, path, &dos);
}

static bool starts_step(const parser *p)
{
    switch (p->tok.kind) {
    case T_NAME:
    case T_STAR:
    case T_NS_STAR:
    case T_AT:
    case T_DOT:
    case T_DDOT:
    case T_AXIS:
        return true;
    case T_FUNC:
        return fse_sch__tok_name_equals(&p->tok, "node") ||
               fse_sch__tok_name_equals(&p->tok, "text") ||
               fse_sch__tok_name_equals(&p->tok, "element");
    default:
        return false;
    }
}

static xp_expr *parse_function_call(parser *p)
{
    token name = p->tok;
    xp_expr *call = new_expr(p, XP_CALL);

    if (call == NULL) {
        return NULL;
    }
    fse_sch__lex(p);
    if (!fse_sch__expect(p, T_LPAREN, "'('")) {
        return NULL;
    }
    if (p->tok.kind != T_RPAREN) {
        for (;;) {
            xp_expr *arg = parse_expr(p);

            if (arg == NULL || !push_ptr(p, (void ***)&call->args, &call->n_args, arg)) {
                return NULL;
            }
            if (p->tok.kind != T_COMMA) {
                break;
            }
            fse_sch__lex(p);
        }
    }
    if (!fse_sch__expect(p, T_RPAREN, "')'") || !fse_sch__lookup_function(p, &name, call) ||
        !fse_sch__finish_node(p, call)) {
        return NULL;
    }
    if (call->func == XF_MATCHES && call->args[1]->kind == XP_LITERAL &&
        (call->n_args == 2 || call->args[2]->kind == XP_LITERAL)) {
        char err[128];

        call->regex =
            fse_sch__regex_compile(call->args[1]->str, call->args[1]->str_len,
                                   call->n_args == 3 ? call->args[2]->str : "", err, sizeof(err));
        if (call->regex == NULL) {
            fse_sch__fail(p, FSE_E_PARSE, "invalid regular expression '%s': %s", call->args[1]->str,
                          err);
            return NULL;
        }
        if (!push_ptr(p, (void ***)p->env->regexes, p->env->n_regexes, call->regex)) {
            return NULL;
        }
    }
    return call;
}

static xp_expr *parse_primary(parser *p)
{
    xp_expr *e;

    switch (p->tok.kind) {
    case T_LITERAL:
        e = new_expr(p, XP_LITERAL);
        if (e != NULL) {
            e->str = unquote(p, &p->tok, &e->str_len);
            fse_sch__lex(p);
        }
        return e;
    case T_NUMBER:
        e = new_expr(p, XP_NUMBER);
        if (e != NULL) {
            e->num = p->tok.num;
            fse_sch__lex(p);
        }
        return e;
    case T_VAR:
        e = new_expr(p, XP_VAR);
        if (e == NULL) {
            return NULL;
        }
        e->var_name = arena_str(p, p->tok.start, p->tok.len);
        if (e->var_name == NULL) {
            return NULL;
        }
        e->var_slot = p->env->resolve_var(p->env->user, e->var_name);
        if (e->var_slot < 0) {
            fse_sch__fail(p, FSE_E_PARSE, "undeclared variable $%s", e->var_name);
            return NULL;
        }
        fse_sch__lex(p);
        return e;
    case T_LPAREN:
        fse_sch__lex(p);
        if (p->tok.kind == T_RPAREN) {
            fse_sch__fail(p, FSE_E_UNSUPPORTED, "empty sequence () is not supported");
            return NULL;
        }
        e = parse_expr(p);
        if (e != NULL && !fse_sch__expect(p, T_RPAREN, "')'")) {
            return NULL;
        }
        return e;
    case T_FUNC:
        return parse_function_call(p);
    default:
        fse_sch__fail(p, FSE_E_PARSE, "unexpected token at offset %zu", p->pos);
        return NULL;
    }
}

static xp_expr *parse_path(parser *p)
{
    xp_expr *path = new_expr(p, XP_PATH);
    xp_step step;

    if (path == NULL) {
        return NULL;
    }
    if (p->tok.kind == T_SLASH || p->tok.kind == T_DSLASH) {
        bool dslash = p->tok.kind == T_DSLASH;

        path->absolute = true;
        fse_sch__lex(p);
        if (dslash && !push_descendant_or_self(p, path)) {
            return NULL;
        }
        if (!starts_step(p)) {
            if (dslash) {
                fse_sch__fail(p, FSE_E_PARSE, "'//' must be followed by a step");
                return NULL;
            }
            return path; /* "/" alone: the document node */
        }
    } else if (!starts_step(p)) {
        path->filter = parse_primary(p);
        if (path->filter == NULL ||
            !parse_predicates(p, &path->filter_preds, &path->n_filter_preds)) {
            return NULL;
        }
        if (p->tok.kind != T_SLASH && p->tok.kind != T_DSLASH) {
            if (path->n_filter_preds == 0) {
                return path->filter;
            }
            return fse_sch__finish_node(p, path) ? path : NULL;
        }
        goto separator;
    }
    for (;;) {
        if (!parse_step(p, &step) || !push_step(p, path, &step)) {
            return NULL;
        }
    separator:
        if (p->tok.kind == T_SLASH) {
            fse_sch__lex(p);
        } else if (p->tok.kind == T_DSLASH) {
            fse_sch__lex(p);
            if (!push_descendant_or_self(p, path)) {
                return NULL;
            }
        } else {
            break;
        }
        if (!starts_step(p)) {
            /* XPath 2.0 filter step: a/count(b) evaluates count(b) for each a. */
            memset(&step, 0, sizeof(step));
            step.expr = parse_primary(p);
            if (step.expr == NULL || !parse_predicates(p, &step.preds, &step.n_preds) ||
                !push_step(p, path, &step)) {
                return NULL;
            }
            if (p->tok.kind == T_SLASH || p->tok.kind == T_DSLASH) {
                fse_sch__fail(p, FSE_E_UNSUPPORTED, "a filter step must end its path (offset %zu)",
                              p->pos);
                return NULL;
            }
            break;
        }
    }
    fse_sch__fold_descendant_steps(path);
    fse_sch__mark_path(p, path);
    return fse_sch__finish_node(p, path) ? path : NULL;
}

static xp_expr *binary(parser *p, xp_kind kind, xp_expr *a, xp_expr *b)
{
    xp_expr *e;

    if (a == NULL || b == NULL) {
        return NULL;
    }
    e = new_expr(p, kind);
    if (e == NULL) {
        return NULL;
    }
    e->a = a;
    e->b = b;
    /* @code = 'x' (either order): the dominant idiom, evaluated without sequences. */
    if (kind == XP_EQ && fse_sch__is_plain_attribute(b) && a->kind == XP_LITERAL) {
        e->a = b;
        e->b = a;
    }
    if (kind == XP_EQ && fse_sch__is_plain_attribute(e->a) && e->b->kind == XP_LITERAL) {
        e->kind = XP_ATTR_EQ;
        e->str = e->b->str;
    }
    return fse_sch__finish_node(p, e) ? e : NULL;
}

static xp_expr *parse_unary(parser *p)
{
    if (p->tok.kind == T_MINUS) {
        xp_expr *e = new_expr(p, XP_NEG);

        fse_sch__lex(p);
        if (e == NULL || !depth_enter(p)) {
            return NULL;
        }
        e->a = parse_unary(p);
        p->depth--;
        return e->a != NULL && fse_sch__finish_node(p, e) ? e : NULL;
    }
    if (p->tok.kind == T_PLUS) {
        fse_sch__lex(p);
    }
    return parse_path(p);
}

static xp_expr *parse_union(parser *p)
{
    xp_expr *e = parse_unary(p);

    while (e != NULL && (p->tok.kind == T_PIPE || fse_sch__tok_is_name(p, "union"))) {
        fse_sch__lex(p);
        e = binary(p, XP_UNION, e, parse_unary(p));
    }
    return e;
}

static xp_expr *parse_multiplicative(parser *p)
{
    xp_expr *e = parse_union(p);

    while (e != NULL) {
        xp_kind kind;

        if (p->tok.kind == T_STAR) {
            kind = XP_MUL;
        } else if (fse_sch__tok_is_name(p, "div")) {
            kind = XP_DIV;
        } else if (fse_sch__tok_is_name(p, "idiv")) {
            kind = XP_IDIV;
        } else if (fse_sch__tok_is_name(p, "mod")) {
            kind = XP_MOD;
        } else {
            break;
        }
        fse_sch__lex(p);
        e = binary(p, kind, e, parse_union(p));
    }
    return e;
}

static xp_expr *parse_additive(parser *p)
{
    xp_expr *e = parse_multiplicative(p);

    while (e != NULL && (p->tok.kind == T_PLUS || p->tok.kind == T_MINUS)) {
        xp_kind kind = p->tok.kind == T_PLUS ? XP_ADD : XP_SUB;

        fse_sch__lex(p);
        e = binary(p, kind, e, parse_multiplicative(p));
    }
    return e;
}

static bool comparison_kind(const parser *p, xp_kind *kind)
{
    static const struct {
        const char *name;
        xp_kind kind;
    } value_ops[] = {
        {"eq", XP_VEQ}, {"ne", XP_VNE}, {"lt", XP_VLT},
        {"le", XP_VLE}, {"gt", XP_VGT}, {"ge", XP_VGE},
    };
    size_t i;

    switch (p->tok.kind) {
    case T_EQ:
        *kind = XP_EQ;
        return true;
    case T_NE:
        *kind = XP_NE;
        return true;
    case T_LT:
        *kind = XP_LT;
        return true;
    case T_LE:
        *kind = XP_LE;
        return true;
    case T_GT:
        *kind = XP_GT;
        return true;
    case T_GE:
        *kind = XP_GE;
        return true;
    default:
        break;
    }
    for (i = 0; i < sizeof(value_ops) / sizeof(value_ops[0]); i++) {
        if (fse_sch__tok_is_name(p, value_ops[i].name)) {
            *kind = value_ops[i].kind;
            return true;
        }
    }
    return false;
}

static xp_expr *parse_comparison(parser *p)
{
    xp_expr *e = parse_additive(p);
    xp_kind kind;

    /* XPath 2.0 comparisons do not chain; accept a chain left to right as 1.0 did. */
    while (e != NULL && comparison_kind(p, &kind)) {
        fse_sch__lex(p);
        e = binary(p, kind, e, parse_additive(p));
    }
    return e;
}

static xp_expr *parse_and(parser *p)
{
    xp_expr *e = parse_comparison(p);

    while (e != NULL && fse_sch__tok_is_name(p, "and")) {
        fse_sch__lex(p);
        e = binary(p, XP_AND, e, parse_comparison(p));
    }
    return e;
}

static xp_expr *parse_or(parser *p)
{
    xp_expr *e = parse_and(p);

    while (e != NULL && fse_sch__tok_is_name(p, "or")) {
        fse_sch__lex(p);
        e = binary(p, XP_OR, e, parse_and(p));
    }
    return e;
}

static xp_expr *parse_if(parser *p)
{
    xp_expr *e = new_expr(p, XP_IF);

    if (e == NULL) {
        return NULL;
    }
    fse_sch__lex(p); /* if */
    if (!fse_sch__expect(p, T_LPAREN, "'(' after if")) {
        return NULL;
    }
    e->a = parse_expr(p);
    if (e->a == NULL || !fse_sch__expect(p, T_RPAREN, "')'")) {
        return NULL;
    }
    if (!fse_sch__tok_is_name(p, "then")) {
        fse_sch__fail(p, FSE_E_PARSE, "expected 'then' at offset %zu", p->pos);
        return NULL;
    }
    fse_sch__lex(p);
    e->b = parse_expr(p);
    if (e->b == NULL) {
        return NULL;
    }
    if (!fse_sch__tok_is_name(p, "else")) {
        fse_sch__fail(p, FSE_E_PARSE, "expected 'else' at offset %zu", p->pos);
        return NULL;
    }
    fse_sch__lex(p);
    e->c = parse_expr(p);
    return e->c != NULL && fse_sch__finish_node(p, e) ? e : NULL;
}

static xp_expr *parse_expr(parser *p)
{
    xp_expr *e;

    if (!depth_enter(p)) {
        return NULL;
    }
    if (p->tok.kind == T_FUNC && fse_sch__tok_name_equals(&p->tok, "if")) {
        e = parse_if(p);
    } else if (p->tok.kind == T_NAME &&
               (fse_sch__tok_name_equals(&p->tok, "for") ||
                fse_sch__tok_name_equals(&p->tok, "some") ||
                fse_sch__tok_name_equals(&p->tok, "every")) &&
               fse_sch__after_space(p->src + p->pos)[0] == '$') {
        fse_sch__fail(p, FSE_E_UNSUPPORTED, "for/some/every expressions are not supported");
        e = NULL;
    } else {
        e = parse_or(p);
    }
    if (e != NULL && p->tok.kind == T_COMMA && p->depth == 1) {
        fse_sch__fail(p, FSE_E_UNSUPPORTED, "sequence expressions (a, b) are not supported");
        e = NULL;
    }
    p->depth--;
    return e;
}

static fse_err compile_common(xp_expr **out, const char *expr, const xp_compile_env *env,
                              const char *what)
{
    parser p;
    xp_expr *e;

    memset(&p, 0, sizeof(p));
    p.src = expr;
    p.env = env;
    *out = NULL;
    fse_sch__lex(&p);
    e = parse_expr(&p);
    if (e != NULL && p.tok.kind != T_EOF) {
        fse_sch__fail(&p, FSE_E_PARSE, "unexpected text at offset %zu", p.pos);
        e = NULL;
    }
    if (e == NULL) {
        if (p.rc == FSE_OK) {
            fse_sch__fail(&p, FSE_E_PARSE, "invalid expression");
        }
        return fse_error_set(p.rc, "schematron", "%s '%s': %s", what, expr, p.err);
    }
    *out = e;
    return FSE_OK;
}

fse_err fse_sch__xpath_compile(xp_expr **out, const char *expr, const xp_compile_env *env)
{
    return compile_common(out, expr, env, "XPath");
}

fse_err fse_sch__pattern_compile(xp_expr **out, const char *pattern, const xp_compile_env *env)
{
    fse_err rc = compile_common(out, pattern, env, "rule context");

    if (rc == FSE_OK && !fse_sch__is_pattern_path(*out)) {
        *out = NULL;
        return fse_error_set(FSE_E_UNSUPPORTED, "schematron",
                             "rule context '%s' is not an XSLT match pattern this engine "
                             "supports (child, attribute and // steps)",
                             pattern);
    }
    return rc;
}
