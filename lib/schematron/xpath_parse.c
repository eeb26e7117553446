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

typedef enum tok_kind {
    T_EOF, T_NAME, T_FUNC, T_AXIS, T_STAR, T_NS_STAR, T_LITERAL, T_NUMBER, T_VAR,
    T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_SLASH, T_DSLASH, T_AT, T_DOT, T_DDOT,
    T_COMMA, T_PIPE, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_PLUS, T_MINUS, T_ERROR
} tok_kind;

typedef struct token {
    tok_kind kind;
    const char *start; /* name / literal text / prefix */
    size_t len;
    const char *local; /* QName: local part after ':' */
    size_t local_len;
    double num;
} token;

typedef struct parser {
    const char *src;
    size_t pos;
    token tok;
    const xp_compile_env *env;
    fse_err rc;
    char err[256];
    unsigned depth;
} parser;

static bool fail(parser *p, fse_err rc, const char *fmt, ...) FSE_PRINTF(3, 4);

static bool fail(parser *p, fse_err rc, const char *fmt, ...)
{
    va_list ap;

    if (p->rc == FSE_OK) {
        p->rc = rc;
        va_start(ap, fmt);
        vsnprintf(p->err, sizeof(p->err), fmt, ap);
        va_end(ap);
    }
    return false;
}

/* ---------------------------------------------------------------- lexer -- */

static bool is_name_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static bool is_name_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '-' || c == '.' || c >= 0x80;
}

static void skip_space(parser *p)
{
    while (p->src[p->pos] != '\0' && isspace((unsigned char)p->src[p->pos])) {
        p->pos++;
    }
}

static size_t scan_ncname(const char *s)
{
    size_t n = 0;

    if (!is_name_start((unsigned char)s[0])) {
        return 0;
    }
    while (is_name_char((unsigned char)s[n])) {
        n++;
    }
    return n;
}

/* After a name: what follows, ignoring spaces? */
static const char *after_space(const char *s)
{
    while (*s != '\0' && isspace((unsigned char)*s)) {
        s++;
    }
    return s;
}

static void lex_name(parser *p, token *t)
{
    const char *s = p->src + p->pos;
    size_t n = scan_ncname(s);
    const char *next;

    t->kind = T_NAME;
    t->start = s;
    t->len = n;
    t->local = s;
    t->local_len = n;
    p->pos += n;
    if (s[n] == ':' && s[n + 1] == '*') {
        t->kind = T_NS_STAR;
        p->pos += 2;
        return;
    }
    if (s[n] == ':' && s[n + 1] != ':' && is_name_start((unsigned char)s[n + 1])) {
        size_t m = scan_ncname(s + n + 1);

        t->local = s + n + 1;
        t->local_len = m;
        p->pos += 1 + m;
    }
    next = after_space(p->src + p->pos);
    if (next[0] == ':' && next[1] == ':') {
        t->kind = T_AXIS;
        p->pos = (size_t)(next + 2 - p->src);
    } else if (next[0] == '(') {
        t->kind = T_FUNC;
    }
}

static void lex_number(parser *p, token *t)
{
    const char *s = p->src + p->pos;
    char *end;

    t->kind = T_NUMBER;
    t->start = s;
    t->num = strtod(s, &end);
    t->len = (size_t)(end - s);
    p->pos += t->len;
}

static void lex_literal(parser *p, token *t)
{
    char q = p->src[p->pos];
    size_t i = p->pos + 1;

    /* The token keeps the raw text; doubled quotes are undone in unquote(). */
    for (;;) {
        if (p->src[i] == '\0') {
            t->kind = T_ERROR;
            fail(p, FSE_E_PARSE, "unterminated string literal");
            return;
        }
        if (p->src[i] == q) {
            if (p->src[i + 1] == q) {
                i += 2;
                continue;
            }
            break;
        }
        i++;
    }
    t->kind = T_LITERAL;
    t->start = p->src + p->pos;
    t->len = i + 1 - p->pos;
    p->pos = i + 1;
}

static const struct {
    const char *text;
    tok_kind kind;
} punctuation[] = {
    {"//", T_DSLASH}, {"..", T_DDOT}, {"!=", T_NE}, {"<=", T_LE}, {">=", T_GE},
    {"(", T_LPAREN}, {")", T_RPAREN}, {"[", T_LBRACK}, {"]", T_RBRACK}, {"/", T_SLASH},
    {"@", T_AT}, {".", T_DOT}, {",", T_COMMA}, {"|", T_PIPE}, {"=", T_EQ}, {"<", T_LT},
    {">", T_GT}, {"+", T_PLUS}, {"-", T_MINUS}, {"*", T_STAR},
};

static void lex(parser *p)
{
    token *t = &p->tok;
    const char *s;
    size_t i;

    memset(t, 0, sizeof(*t));
    skip_space(p);
    s = p->src + p->pos;
    if (*s == '\0') {
        t->kind = T_EOF;
        return;
    }
    if (*s == '(' && s[1] == ':') {
        fail(p, FSE_E_UNSUPPORTED, "XPath comments are not supported");
        t->kind = T_ERROR;
        return;
    }
    if (is_name_start((unsigned char)*s)) {
        lex_name(p, t);
        return;
    }
    if (isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]))) {
        lex_number(p, t);
        return;
    }
    if (*s == '\'' || *s == '"') {
        lex_literal(p, t);
        return;
    }
    if (*s == '$') {
        size_t n = scan_ncname(s + 1);

        if (n == 0) {
            t->kind = T_ERROR;
            fail(p, FSE_E_PARSE, "'$' not followed by a variable name");
            return;
        }
        t->kind = T_VAR;
        t->start = s + 1;
        t->len = n;
        p->pos += 1 + n;
        return;
    }
    for (i = 0; i < sizeof(punctuation) / sizeof(punctuation[0]); i++) {
        size_t n = strlen(punctuation[i].text);

        if (strncmp(s, punctuation[i].text, n) == 0) {
            t->kind = punctuation[i].kind;
            t->start = s;
            t->len = n;
            p->pos += n;
            return;
        }
    }
    t->kind = T_ERROR;
    fail(p, FSE_E_PARSE, "unexpected character '%c' at offset %zu", *s, p->pos);
}

static bool tok_is_name(const parser *p, const char *name)
{
    return (p->tok.kind == T_NAME || p->tok.kind == T_FUNC) && p->tok.len == strlen(name) &&
           p->tok.local == p->tok.start && strncmp(p->tok.start, name, p->tok.len) == 0;
}

static bool tok_name_equals(const token *t, const char *name)
{
    return t->len == strlen(name) && strncmp(t->start, name, t->len) == 0;
}

static bool expect(parser *p, tok_kind kind, const char *what)
{
    if (p->tok.kind != kind) {
        return fail(p, FSE_E_PARSE, "expected %s at offset %zu", what, p->pos);
    }
    lex(p);
    return true;
}

/* ------------------------------------------------------------ AST nodes -- */

static xp_expr *new_expr(parser *p, xp_kind kind)
{
    xp_expr *e = fse_sch__arena_alloc(p->env->arena, sizeof(*e));

    if (e == NULL) {
        fail(p, FSE_E_NOMEM, "expression tree");
        return NULL;
    }
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->var_slot = -1;
    e->cache_slot = -1;
    e->depth = 1;
    return e;
}

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
static bool finish_node(parser *p, xp_expr *e)
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
        return fail(p, FSE_E_LIMIT, "expression nested deeper than %u levels",
                    XP_MAX_TREE_DEPTH);
    }
    return true;
}

static const char *arena_str(parser *p, const char *s, size_t n)
{
    char *copy = fse_sch__arena_strndup(p->env->arena, s, n);

    if (copy == NULL) {
        fail(p, FSE_E_NOMEM, "string");
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
            return fail(p, FSE_E_NOMEM, "expression list");
        }
        if (*n > 0) {
            memcpy(grown, *items, *n * sizeof(void *));
        }
        *items = grown;
    }
    (*items)[(*n)++] = item;
    return true;
}

/* ------------------------------------------------------------ functions -- */

static const struct {
    const char *name;
    xp_func func;
    unsigned min_args;
    unsigned max_args;
} functions[] = {
    {"count", XF_COUNT, 1, 1},
    {"not", XF_NOT, 1, 1},
    {"string", XF_STRING, 0, 1},
    {"contains", XF_CONTAINS, 2, 2},
    {"local-name", XF_LOCAL_NAME, 0, 1},
    {"name", XF_NAME, 0, 1},
    {"matches", XF_MATCHES, 2, 3},
    {"number", XF_NUMBER, 0, 1},
    {"string-length", XF_STRING_LENGTH, 0, 1},
    {"false", XF_FALSE, 0, 0},
    {"true", XF_TRUE, 0, 0},
    {"substring-after", XF_SUBSTRING_AFTER, 2, 2},
    {"substring-before", XF_SUBSTRING_BEFORE, 2, 2},
    {"substring", XF_SUBSTRING, 2, 3},
    {"exists", XF_EXISTS, 1, 1},
    {"empty", XF_EMPTY, 1, 1},
    {"concat", XF_CONCAT, 2, 64},
    {"starts-with", XF_STARTS_WITH, 2, 2},
    {"ends-with", XF_ENDS_WITH, 2, 2},
    {"normalize-space", XF_NORMALIZE_SPACE, 0, 1},
    {"boolean", XF_BOOLEAN, 1, 1},
    {"position", XF_POSITION, 0, 0},
    {"last", XF_LAST, 0, 0},
    {"sum", XF_SUM, 1, 1},
    {"translate", XF_TRANSLATE, 3, 3},
    {"upper-case", XF_UPPER_CASE, 1, 1},
    {"lower-case", XF_LOWER_CASE, 1, 1},
    {"string-join", XF_STRING_JOIN, 2, 2},
    {"namespace-uri", XF_NAMESPACE_URI, 0, 1},
    {"floor", XF_FLOOR, 1, 1},
    {"ceiling", XF_CEILING, 1, 1},
    {"round", XF_ROUND, 1, 1},
};

static bool lookup_function(parser *p, const token *t, xp_expr *call)
{
    size_t i;
    const char *name = t->local;
    size_t len = t->local_len;

    if (t->local != t->start && !(t->local - t->start == 3 && strncmp(t->start, "fn:", 3) == 0)) {
        return fail(p, FSE_E_UNSUPPORTED, "unknown function %.*s()", (int)t->len, t->start);
    }
    for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
        if (strlen(functions[i].name) == len && strncmp(functions[i].name, name, len) == 0) {
            call->func = functions[i].func;
            if (call->n_args < functions[i].min_args || call->n_args > functions[i].max_args) {
                return fail(p, FSE_E_PARSE, "wrong number of arguments to %s()",
                            functions[i].name);
            }
            return true;
        }
    }
    return fail(p, FSE_E_UNSUPPORTED, "unsupported function %.*s()", (int)len, name);
}

/* ------------------------------------------------------------- grammar -- */

static xp_expr *parse_expr(parser *p);

static bool depth_enter(parser *p)
{
    if (++p->depth > FSE_MAX_XPATH_DEPTH) {
        return fail(p, FSE_E_LIMIT, "expression nested deeper than %d", FSE_MAX_XPATH_DEPTH);
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
        fail(p, FSE_E_NOMEM, "literal");
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

/* True when a predicate's value may be a number or it uses position()/last():
 * such predicates depend on the context position. */
static bool uses_position(const xp_expr *e)
{
    size_t i;

    if (e == NULL) {
        return false;
    }
    if (e->kind == XP_CALL && (e->func == XF_POSITION || e->func == XF_LAST)) {
        return true;
    }
    if (e->kind == XP_PATH) {
        return uses_position(e->filter);
    }
    for (i = 0; i < e->n_args; i++) {
        if (uses_position(e->args[i])) {
            return true;
        }
    }
    return uses_position(e->a) || uses_position(e->b) || uses_position(e->c);
}

static bool statically_boolean(const xp_expr *e)
{
    switch (e->kind) {
    case XP_OR: case XP_AND:
    case XP_EQ: case XP_NE: case XP_LT: case XP_LE: case XP_GT: case XP_GE:
    case XP_VEQ: case XP_VNE: case XP_VLT: case XP_VLE: case XP_VGT: case XP_VGE:
    case XP_PATH: case XP_LITERAL: case XP_UNION: case XP_ATTR_EQ:
        return true;
    case XP_CALL:
        switch (e->func) {
        case XF_NOT: case XF_CONTAINS: case XF_MATCHES: case XF_EXISTS: case XF_EMPTY:
        case XF_TRUE: case XF_FALSE: case XF_BOOLEAN: case XF_STARTS_WITH: case XF_ENDS_WITH:
            return true;
        default:
            return false;
        }
    default:
        return false;
    }
}

static bool parse_predicates(parser *p, xp_expr ***preds, size_t *n)
{
    while (p->tok.kind == T_LBRACK) {
        xp_expr *pred;

        lex(p);
        pred = parse_expr(p);
        if (pred == NULL || !expect(p, T_RBRACK, "']'")) {
            return false;
        }
        pred->positional = !statically_boolean(pred) || uses_position(pred);
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
            return fail(p, FSE_E_PARSE, "namespace prefix too long");
        }
        memcpy(prefix, t->start, plen);
        prefix[plen] = '\0';
        step->ns_uri = p->env->resolve_ns(p->env->user, prefix);
        if (step->ns_uri == NULL) {
            return fail(p, FSE_E_PARSE, "undeclared namespace prefix '%s'", prefix);
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
        lex(p);
        return true;
    }
    if (t.kind == T_NS_STAR) {
        char prefix[64];

        if (t.len >= sizeof(prefix)) {
            return fail(p, FSE_E_PARSE, "namespace prefix too long");
        }
        memcpy(prefix, t.start, t.len);
        prefix[t.len] = '\0';
        step->test = XP_TEST_NS_ANY;
        step->ns_uri = p->env->resolve_ns(p->env->user, prefix);
        lex(p);
        return step->ns_uri != NULL ||
               fail(p, FSE_E_PARSE, "undeclared namespace prefix '%s'", prefix);
    }
    if (t.kind == T_FUNC) {
        if (tok_name_equals(&t, "node")) {
            step->test = XP_TEST_NODE;
        } else if (tok_name_equals(&t, "text")) {
            step->test = XP_TEST_TEXT;
        } else if (tok_name_equals(&t, "element")) {
            step->test = XP_TEST_ELEMENT;
        } else {
            return fail(p, FSE_E_UNSUPPORTED, "unsupported node test %.*s()", (int)t.len,
                        t.start);
        }
        lex(p);
        return expect(p, T_LPAREN, "'('") && expect(p, T_RPAREN, "')'");
    }
    if (t.kind == T_NAME) {
        step->test = XP_TEST_NAME;
        lex(p);
        return resolve_qname(p, &t, step);
    }
    return fail(p, FSE_E_PARSE, "expected a node test at offset %zu", p->pos);
}

static bool parse_step(parser *p, xp_step *step)
{
    memset(step, 0, sizeof(*step));
    step->axis = XP_AXIS_CHILD;
    if (p->tok.kind == T_DDOT || p->tok.kind == T_DOT) {
        step->axis = p->tok.kind == T_DDOT ? XP_AXIS_PARENT : XP_AXIS_SELF;
        step->test = XP_TEST_NODE;
        lex(p);
        return parse_predicates(p, &step->preds, &step->n_preds);
    }
    if (p->tok.kind == T_AT) {
        step->axis = XP_AXIS_ATTRIBUTE;
        lex(p);
    } else if (p->tok.kind == T_AXIS) {
        size_t i;
        bool found = false;

        for (i = 0; i < sizeof(axes) / sizeof(axes[0]); i++) {
            if (tok_name_equals(&p->tok, axes[i].name)) {
                step->axis = axes[i].axis;
                found = true;
            }
        }
        if (!found) {
            return fail(p, FSE_E_UNSUPPORTED, "unsupported axis %.*s::", (int)p->tok.len,
                        p->tok.start);
        }
        lex(p);
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
            return fail(p, FSE_E_NOMEM, "path steps");
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
    case T_NAME: case T_STAR: case T_NS_STAR: case T_AT: case T_DOT: case T_DDOT: case T_AXIS:
        return true;
    case T_FUNC:
        return tok_name_equals(&p->tok, "node") || tok_name_equals(&p->tok, "text") ||
               tok_name_equals(&p->tok, "element");
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
    lex(p);
    if (!expect(p, T_LPAREN, "'('")) {
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
            lex(p);
        }
    }
    if (!expect(p, T_RPAREN, "')'") || !lookup_function(p, &name, call) ||
        !finish_node(p, call)) {
        return NULL;
    }
    if (call->func == XF_MATCHES && call->args[1]->kind == XP_LITERAL &&
        (call->n_args == 2 || call->args[2]->kind == XP_LITERAL)) {
        char err[128];

        call->regex = fse_sch__regex_compile(call->args[1]->str, call->args[1]->str_len,
                                             call->n_args == 3 ? call->args[2]->str : "", err,
                                             sizeof(err));
        if (call->regex == NULL) {
            fail(p, FSE_E_PARSE, "invalid regular expression '%s': %s", call->args[1]->str,
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
            lex(p);
        }
        return e;
    case T_NUMBER:
        e = new_expr(p, XP_NUMBER);
        if (e != NULL) {
            e->num = p->tok.num;
            lex(p);
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
            fail(p, FSE_E_PARSE, "undeclared variable $%s", e->var_name);
            return NULL;
        }
        lex(p);
        return e;
    case T_LPAREN:
        lex(p);
        if (p->tok.kind == T_RPAREN) {
            fail(p, FSE_E_UNSUPPORTED, "empty sequence () is not supported");
            return NULL;
        }
        e = parse_expr(p);
        if (e != NULL && !expect(p, T_RPAREN, "')'")) {
            return NULL;
        }
        return e;
    case T_FUNC:
        return parse_function_call(p);
    default:
        fail(p, FSE_E_PARSE, "unexpected token at offset %zu", p->pos);
        return NULL;
    }
}

/* Rewrite descendant-or-self::node()/child::x[p] into descendant::x[p]. */
static void fold_descendant_steps(xp_expr *path)
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
        if (s->expr == NULL && s->axis == XP_AXIS_DESCENDANT_OR_SELF &&
            s->test == XP_TEST_NODE && s->n_preds == 0 && next != NULL && next->expr == NULL &&
            next->axis == XP_AXIS_CHILD && !positional) {
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
    return refers_to_variables(e->a) || refers_to_variables(e->b) ||
           refers_to_variables(e->c) || refers_to_variables(e->filter);
}

/*
 * Root paths without variables give the same value for every context node:
 * cache them per document. Paths of child/attribute/self steps with at most
 * one descendant step and no positional predicate yield each node once and
 * in document order: they can be counted or tested without sorting.
 */
static void mark_path(parser *p, xp_expr *path)
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

        streamable = s->expr == NULL && (reverse ? !forward_seen
                                                 : s->axis == XP_AXIS_CHILD ||
                                                       s->axis == XP_AXIS_ATTRIBUTE ||
                                                       s->axis == XP_AXIS_SELF ||
                                                       s->axis == XP_AXIS_DESCENDANT);
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
        lex(p);
        if (dslash && !push_descendant_or_self(p, path)) {
            return NULL;
        }
        if (!starts_step(p)) {
            if (dslash) {
                fail(p, FSE_E_PARSE, "'//' must be followed by a step");
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
            return finish_node(p, path) ? path : NULL;
        }
        goto separator;
    }
    for (;;) {
        if (!parse_step(p, &step) || !push_step(p, path, &step)) {
            return NULL;
        }
    separator:
        if (p->tok.kind == T_SLASH) {
            lex(p);
        } else if (p->tok.kind == T_DSLASH) {
            lex(p);
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
                fail(p, FSE_E_UNSUPPORTED, "a filter step must end its path (offset %zu)",
                     p->pos);
                return NULL;
            }
            break;
        }
    }
    fold_descendant_steps(path);
    mark_path(p, path);
    return finish_node(p, path) ? path : NULL;
}

/* A relative path of one attribute name step without predicates: @name. */
static bool is_plain_attribute(const xp_expr *e)
{
    return e->kind == XP_PATH && !e->absolute && e->filter == NULL && e->n_steps == 1 &&
           e->steps[0].axis == XP_AXIS_ATTRIBUTE && e->steps[0].test == XP_TEST_NAME &&
           e->steps[0].n_preds == 0;
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
    if (kind == XP_EQ && is_plain_attribute(b) && a->kind == XP_LITERAL) {
        e->a = b;
        e->b = a;
    }
    if (kind == XP_EQ && is_plain_attribute(e->a) && e->b->kind == XP_LITERAL) {
        e->kind = XP_ATTR_EQ;
        e->str = e->b->str;
    }
    return finish_node(p, e) ? e : NULL;
}

static xp_expr *parse_unary(parser *p)
{
    if (p->tok.kind == T_MINUS) {
        xp_expr *e = new_expr(p, XP_NEG);

        lex(p);
        if (e == NULL || !depth_enter(p)) {
            return NULL;
        }
        e->a = parse_unary(p);
        p->depth--;
        return e->a != NULL && finish_node(p, e) ? e : NULL;
    }
    if (p->tok.kind == T_PLUS) {
        lex(p);
    }
    return parse_path(p);
}

static xp_expr *parse_union(parser *p)
{
    xp_expr *e = parse_unary(p);

    while (e != NULL && (p->tok.kind == T_PIPE || tok_is_name(p, "union"))) {
        lex(p);
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
        } else if (tok_is_name(p, "div")) {
            kind = XP_DIV;
        } else if (tok_is_name(p, "idiv")) {
            kind = XP_IDIV;
        } else if (tok_is_name(p, "mod")) {
            kind = XP_MOD;
        } else {
            break;
        }
        lex(p);
        e = binary(p, kind, e, parse_union(p));
    }
    return e;
}

static xp_expr *parse_additive(parser *p)
{
    xp_expr *e = parse_multiplicative(p);

    while (e != NULL && (p->tok.kind == T_PLUS || p->tok.kind == T_MINUS)) {
        xp_kind kind = p->tok.kind == T_PLUS ? XP_ADD : XP_SUB;

        lex(p);
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
    case T_EQ: *kind = XP_EQ; return true;
    case T_NE: *kind = XP_NE; return true;
    case T_LT: *kind = XP_LT; return true;
    case T_LE: *kind = XP_LE; return true;
    case T_GT: *kind = XP_GT; return true;
    case T_GE: *kind = XP_GE; return true;
    default: break;
    }
    for (i = 0; i < sizeof(value_ops) / sizeof(value_ops[0]); i++) {
        if (tok_is_name(p, value_ops[i].name)) {
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
        lex(p);
        e = binary(p, kind, e, parse_additive(p));
    }
    return e;
}

static xp_expr *parse_and(parser *p)
{
    xp_expr *e = parse_comparison(p);

    while (e != NULL && tok_is_name(p, "and")) {
        lex(p);
        e = binary(p, XP_AND, e, parse_comparison(p));
    }
    return e;
}

static xp_expr *parse_or(parser *p)
{
    xp_expr *e = parse_and(p);

    while (e != NULL && tok_is_name(p, "or")) {
        lex(p);
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
    lex(p); /* if */
    if (!expect(p, T_LPAREN, "'(' after if")) {
        return NULL;
    }
    e->a = parse_expr(p);
    if (e->a == NULL || !expect(p, T_RPAREN, "')'")) {
        return NULL;
    }
    if (!tok_is_name(p, "then")) {
        fail(p, FSE_E_PARSE, "expected 'then' at offset %zu", p->pos);
        return NULL;
    }
    lex(p);
    e->b = parse_expr(p);
    if (e->b == NULL) {
        return NULL;
    }
    if (!tok_is_name(p, "else")) {
        fail(p, FSE_E_PARSE, "expected 'else' at offset %zu", p->pos);
        return NULL;
    }
    lex(p);
    e->c = parse_expr(p);
    return e->c != NULL && finish_node(p, e) ? e : NULL;
}

static xp_expr *parse_expr(parser *p)
{
    xp_expr *e;

    if (!depth_enter(p)) {
        return NULL;
    }
    if (p->tok.kind == T_FUNC && tok_name_equals(&p->tok, "if")) {
        e = parse_if(p);
    } else if (p->tok.kind == T_NAME && (tok_name_equals(&p->tok, "for") ||
                                          tok_name_equals(&p->tok, "some") ||
                                          tok_name_equals(&p->tok, "every")) &&
               after_space(p->src + p->pos)[0] == '$') {
        fail(p, FSE_E_UNSUPPORTED, "for/some/every expressions are not supported");
        e = NULL;
    } else {
        e = parse_or(p);
    }
    if (e != NULL && p->tok.kind == T_COMMA && p->depth == 1) {
        fail(p, FSE_E_UNSUPPORTED, "sequence expressions (a, b) are not supported");
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
    lex(&p);
    e = parse_expr(&p);
    if (e != NULL && p.tok.kind != T_EOF) {
        fail(&p, FSE_E_PARSE, "unexpected text at offset %zu", p.pos);
        e = NULL;
    }
    if (e == NULL) {
        if (p.rc == FSE_OK) {
            fail(&p, FSE_E_PARSE, "invalid expression");
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

static bool is_pattern_path(const xp_expr *e)
{
    size_t i;

    if (e->kind == XP_UNION) {
        return is_pattern_path(e->a) && is_pattern_path(e->b);
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

fse_err fse_sch__pattern_compile(xp_expr **out, const char *pattern, const xp_compile_env *env)
{
    fse_err rc = compile_common(out, pattern, env, "rule context");

    if (rc == FSE_OK && !is_pattern_path(*out)) {
        *out = NULL;
        return fse_error_set(FSE_E_UNSUPPORTED, "schematron",
                             "rule context '%s' is not an XSLT match pattern this engine "
                             "supports (child, attribute and // steps)",
                             pattern);
    }
    return rc;
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
           fse_sch__expr_equal(a->expr, b->expr) &&
           expr_list_equal(a->preds, b->preds, a->n_preds);
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
