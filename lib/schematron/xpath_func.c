/*
 * lib/schematron/xpath_func.c - the XPath 2.0 functions the official rules
 * call (count, not, string, contains, local-name, matches, number, ...), with
 * XPath 2.0 argument rules: a sequence of more than one item where a single
 * item is expected raises XPTY0004, as Saxon does.
 *
 * Owns function semantics and the regex translation for matches() (XSD
 * regular expressions with ^ and $, unanchored search, on PCRE2).
 */
#include "xpath_parser.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fse/limits.h"

/* The function library: name, arity, and the tag the evaluator dispatches on. */
static const struct xp_function_def {
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

bool fse_sch__lookup_function(parser *p, const token *t, xp_expr *call)
{
    size_t i;
    const char *name = t->local;
    size_t len = t->local_len;

    if (t->local != t->start && !(t->local - t->start == 3 && strncmp(t->start, "fn:", 3) == 0)) {
        return fse_sch__fail(p, FSE_E_UNSUPPORTED, "unknown function %.*s()", (int)t->len,
                             t->start);
    }
    for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
        if (strlen(functions[i].name) == len && strncmp(functions[i].name, name, len) == 0) {
            call->func = functions[i].func;
            if (call->n_args < functions[i].min_args || call->n_args > functions[i].max_args) {
                return fse_sch__fail(p, FSE_E_PARSE, "wrong number of arguments to %s()",
                                     functions[i].name);
            }
            return true;
        }
    }
    return fse_sch__fail(p, FSE_E_UNSUPPORTED, "unsupported function %.*s()", (int)len, name);
}

/* Name of a function, for messages. */
static const char *function_name(xp_func func)
{
    size_t i;

    for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
        if (functions[i].func == func) {
            return functions[i].name;
        }
    }
    return "?";
}

static bool set_string(xv *out, const char *s)
{
    memset(out, 0, sizeof(*out));
    out->kind = XV_STRING;
    out->s = s;
    return true;
}

static bool set_number(xv *out, double d)
{
    memset(out, 0, sizeof(*out));
    out->kind = XV_NUMBER;
    out->num = d;
    return true;
}

static bool set_bool(xv *out, bool b)
{
    memset(out, 0, sizeof(*out));
    out->kind = XV_BOOL;
    out->b = b;
    return true;
}

static size_t n_items(const xv *v)
{
    return fse_sch__items(v);
}

/*
 * Evaluate argument i as xs:string? (empty -> ""), raising XPTY0004 on a
 * sequence of several items. *empty tells whether the argument was empty.
 */
static bool too_many(xp_ctx *ctx, const xp_expr *e, size_t i)
{
    return fse_sch__raise(ctx, "XPTY0004",
                          "a sequence of more than one item is not allowed as argument %zu "
                          "of %s()",
                          i + 1, function_name(e->func));
}

static bool arg_string(xp_ctx *ctx, const xp_expr *e, size_t i, const char **out, bool *empty)
{
    xv v;
    bool handled;
    size_t count;
    xmlNode *first;

    if (!fse_sch__path_single(ctx, e->args[i], &handled, &count, &first)) {
        return false;
    }
    if (handled) {
        if (count > 1) {
            return too_many(ctx, e, i);
        }
        if (empty != NULL) {
            *empty = count == 0;
        }
        *out = count == 0 ? "" : fse_sch__node_string(ctx, first);
        return true;
    }
    if (!fse_sch__eval(ctx, e->args[i], &v)) {
        return false;
    }
    if (empty != NULL) {
        *empty = n_items(&v) == 0;
    }
    if (n_items(&v) > 1) {
        return too_many(ctx, e, i);
    }
    if (n_items(&v) == 0) {
        *out = "";
        return true;
    }
    *out = fse_sch__value_join(ctx, &v);
    return true;
}

/* The node argument of name()/local-name()/namespace-uri(): NULL when empty. */
static bool arg_node(xp_ctx *ctx, const xp_expr *e, xmlNode **out)
{
    xv v;
    bool handled;
    size_t count;

    if (e->n_args == 0) {
        *out = ctx->node;
        return true;
    }
    if (!fse_sch__path_single(ctx, e->args[0], &handled, &count, out)) {
        return false;
    }
    if (handled) {
        return count <= 1 || too_many(ctx, e, 0);
    }
    if (!fse_sch__eval(ctx, e->args[0], &v)) {
        return false;
    }
    if (v.kind != XV_NODES) {
        return fse_sch__raise(ctx, "XPTY0004", "argument of %s() is not a node",
                              function_name(e->func));
    }
    if (v.n > 1) {
        return fse_sch__raise(ctx, "XPTY0004",
                              "a sequence of more than one item is not allowed as the first "
                              "argument of %s()",
                              function_name(e->func));
    }
    *out = v.n == 1 ? v.nodes[0] : NULL;
    return true;
}

static const char *node_name(xp_ctx *ctx, const xmlNode *n, bool qualified)
{
    if (n == NULL ||
        (n->type != XML_ELEMENT_NODE && n->type != XML_ATTRIBUTE_NODE && n->type != XML_PI_NODE)) {
        return "";
    }
    if (qualified && n->ns != NULL && n->ns->prefix != NULL) {
        size_t lp = strlen((const char *)n->ns->prefix);
        size_t ll = strlen((const char *)n->name);
        char *q = fse_sch__arena_alloc(ctx->arena, lp + ll + 2);

        if (q == NULL) {
            return "";
        }
        memcpy(q, n->ns->prefix, lp);
        q[lp] = ':';
        memcpy(q + lp + 1, n->name, ll + 1);
        return q;
    }
    return (const char *)n->name;
}

static size_t utf8_length(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

/* Byte offset of the character at index chars (or end of string). */
static size_t utf8_offset(const char *s, size_t chars)
{
    size_t i = 0;
    size_t seen = 0;

    while (s[i] != '\0') {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (seen == chars) {
                return i;
            }
            seen++;
        }
        i++;
    }
    return i;
}

static char *arena_copy(xp_ctx *ctx, const char *s, size_t n)
{
    char *c = fse_sch__arena_strndup(ctx->arena, s, n);

    if (c == NULL) {
        fse_sch__raise(ctx, FSE_SCH_OOM, "out of memory while evaluating");
    }
    return c;
}

static bool fn_number(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    xv v;

    if (e->n_args == 0) {
        return set_number(out, fse_sch__string_to_number(fse_sch__node_string(ctx, ctx->node)));
    }
    if (!fse_sch__eval(ctx, e->args[0], &v)) {
        return false;
    }
    if (n_items(&v) > 1) {
        return fse_sch__raise(ctx, "XPTY0004",
                              "a sequence of more than one item is not allowed as the first "
                              "argument of number()");
    }
    if (n_items(&v) == 0) {
        return set_number(out, NAN);
    }
    v = *fse_sch__single(&v);
    switch (v.kind) {
    case XV_NUMBER:
        return set_number(out, v.num);
    case XV_BOOL:
        return set_number(out, v.b ? 1 : 0);
    default:
        return set_number(out, fse_sch__string_to_number(fse_sch__value_join(ctx, &v)));
    }
}

static bool fn_matches(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    const char *input;
    const char *pattern;
    const char *flags = "";
    pcre2_code *re = e->regex;
    int rc;

    if (!arg_string(ctx, e, 0, &input, NULL)) {
        return false;
    }
    if (re == NULL) {
        char err[128];

        if (!arg_string(ctx, e, 1, &pattern, NULL) ||
            (e->n_args == 3 && !arg_string(ctx, e, 2, &flags, NULL))) {
            return false;
        }
        re = fse_sch__regex_compile(pattern, strlen(pattern), flags, err, sizeof(err));
        if (re == NULL) {
            return fse_sch__raise(ctx, "FORX0002", "invalid regular expression: %s", err);
        }
    }
    rc = pcre2_match(re, (PCRE2_SPTR)input, strlen(input), 0, 0, ctx->match_data, NULL);
    if (re != e->regex) {
        pcre2_code_free(re);
    }
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
        return fse_sch__raise(ctx, "FSE0004", "regular expression matching failed (%d)", rc);
    }
    return set_bool(out, rc >= 0);
}

static bool fn_substring(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    const char *s;
    xv vstart;
    xv vlen;
    double start;
    double end = INFINITY;
    size_t len;
    size_t first;
    size_t last;
    size_t from;
    size_t to;

    if (!arg_string(ctx, e, 0, &s, NULL) || !fse_sch__eval(ctx, e->args[1], &vstart)) {
        return false;
    }
    start = vstart.kind == XV_NUMBER ? vstart.num
                                     : fse_sch__string_to_number(fse_sch__value_join(ctx, &vstart));
    start = round(start);
    if (e->n_args == 3) {
        if (!fse_sch__eval(ctx, e->args[2], &vlen)) {
            return false;
        }
        end = start + round(vlen.kind == XV_NUMBER
                                ? vlen.num
                                : fse_sch__string_to_number(fse_sch__value_join(ctx, &vlen)));
    }
    len = utf8_length(s);
    if (isnan(start) || isnan(end) || end <= 1 || start > (double)len) {
        return set_string(out, "");
    }
    first = start < 1 ? 0 : (size_t)start - 1;
    last = end > (double)len + 1 ? len : (size_t)end - 1;
    if (last <= first) {
        return set_string(out, "");
    }
    from = utf8_offset(s, first);
    to = utf8_offset(s, last);
    return set_string(out, arena_copy(ctx, s + from, to - from));
}

static bool fn_two_strings(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    const char *a;
    const char *b;
    const char *hit;
    size_t la;
    size_t lb;

    if (!arg_string(ctx, e, 0, &a, NULL) || !arg_string(ctx, e, 1, &b, NULL)) {
        return false;
    }
    la = strlen(a);
    lb = strlen(b);
    switch (e->func) {
    case XF_CONTAINS:
        return set_bool(out, strstr(a, b) != NULL);
    case XF_STARTS_WITH:
        return set_bool(out, strncmp(a, b, lb) == 0);
    case XF_ENDS_WITH:
        return set_bool(out, la >= lb && strcmp(a + la - lb, b) == 0);
    case XF_SUBSTRING_AFTER:
        hit = strstr(a, b);
        return set_string(out, hit != NULL ? hit + lb : "");
    case XF_SUBSTRING_BEFORE:
        hit = strstr(a, b);
        return set_string(out, hit != NULL && lb > 0 ? arena_copy(ctx, a, (size_t)(hit - a)) : "");
    default:
        return false;
    }
}

static bool fn_concat(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    fse_buf b;
    size_t i;
    char *s;

    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    for (i = 0; i < e->n_args; i++) {
        const char *part;

        if (!arg_string(ctx, e, i, &part, NULL)) {
            fse_buf_free(&b);
            return false;
        }
        if (!fse_sch__buf_ok(ctx, fse_buf_append_str(&b, part))) {
            fse_buf_free(&b);
            return false;
        }
    }
    s = arena_copy(ctx, b.data != NULL ? b.data : "", b.len);
    fse_buf_free(&b);
    return s != NULL && set_string(out, s);
}

static bool fn_normalize_space(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    const char *s;
    char *r;
    size_t n = 0;
    bool space = false;

    if (e->n_args == 0) {
        s = fse_sch__node_string(ctx, ctx->node);
    } else if (!arg_string(ctx, e, 0, &s, NULL)) {
        return false;
    }
    r = fse_sch__arena_alloc(ctx->arena, strlen(s) + 1);
    if (r == NULL) {
        return fse_sch__raise(ctx, FSE_SCH_OOM, "out of memory while evaluating");
    }
    for (; *s != '\0'; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
            space = n > 0;
            continue;
        }
        if (space) {
            r[n++] = ' ';
            space = false;
        }
        r[n++] = *s;
    }
    r[n] = '\0';
    return set_string(out, r);
}

static bool fn_case(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    const char *s;
    char *r;
    size_t i;

    if (!arg_string(ctx, e, 0, &s, NULL)) {
        return false;
    }
    r = arena_copy(ctx, s, strlen(s));
    if (r == NULL) {
        return false;
    }
    for (i = 0; r[i] != '\0'; i++) {
        r[i] = (char)(e->func == XF_UPPER_CASE ? toupper((unsigned char)r[i])
                                               : tolower((unsigned char)r[i]));
    }
    return set_string(out, r);
}

static bool fn_translate(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    const char *s;
    const char *from;
    const char *to;
    char *r;
    size_t n = 0;

    if (!arg_string(ctx, e, 0, &s, NULL) || !arg_string(ctx, e, 1, &from, NULL) ||
        !arg_string(ctx, e, 2, &to, NULL)) {
        return false;
    }
    r = fse_sch__arena_alloc(ctx->arena, strlen(s) + 1);
    if (r == NULL) {
        return fse_sch__raise(ctx, FSE_SCH_OOM, "out of memory while evaluating");
    }
    /* ASCII mapping; other characters are copied unchanged. */
    for (; *s != '\0'; s++) {
        const char *hit = strchr(from, *s);

        if (hit == NULL || (unsigned char)*s >= 0x80) {
            r[n++] = *s;
        } else if ((size_t)(hit - from) < strlen(to)) {
            r[n++] = to[hit - from];
        }
    }
    r[n] = '\0';
    return set_string(out, r);
}

static bool fn_sum(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    xv v;
    size_t i;
    double total = 0;

    if (!fse_sch__eval(ctx, e->args[0], &v)) {
        return false;
    }
    if (v.kind == XV_NUMBER) {
        return set_number(out, v.num);
    }
    if (v.kind != XV_NODES) {
        return fse_sch__raise(ctx, "FORG0006", "sum() of a non-numeric value");
    }
    for (i = 0; i < v.n; i++) {
        double d = fse_sch__string_to_number(fse_sch__node_string(ctx, v.nodes[i]));

        if (isnan(d)) {
            return fse_sch__raise(ctx, "FORG0001", "sum() of a value that is not a number");
        }
        total += d;
    }
    return set_number(out, total);
}

static bool fn_string_join(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    xv v;
    const char *sep;
    fse_buf b;
    size_t i;
    char *s;

    if (!fse_sch__eval(ctx, e->args[0], &v) || !arg_string(ctx, e, 1, &sep, NULL)) {
        return false;
    }
    if (v.kind != XV_NODES) {
        return set_string(out, fse_sch__value_join(ctx, &v));
    }
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    for (i = 0; i < v.n; i++) {
        if ((i > 0 && !fse_sch__buf_ok(ctx, fse_buf_append_str(&b, sep))) ||
            !fse_sch__buf_ok(ctx, fse_buf_append_str(&b, fse_sch__node_string(ctx, v.nodes[i])))) {
            fse_buf_free(&b);
            return false;
        }
    }
    s = arena_copy(ctx, b.data != NULL ? b.data : "", b.len);
    fse_buf_free(&b);
    return s != NULL && set_string(out, s);
}

static bool fn_rounding(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    xv v;
    double d;

    if (!fse_sch__eval(ctx, e->args[0], &v)) {
        return false;
    }
    d = v.kind == XV_NUMBER ? v.num : fse_sch__string_to_number(fse_sch__value_join(ctx, &v));
    switch (e->func) {
    case XF_FLOOR:
        return set_number(out, floor(d));
    case XF_CEILING:
        return set_number(out, ceil(d));
    default:
        return set_number(out, floor(d + 0.5));
    }
}

bool fse_sch__call(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    const char *s;
    xmlNode *node;
    bool b;

    switch (e->func) {
    case XF_COUNT: {
        size_t n;

        return fse_sch__path_count(ctx, e->args[0], false, &n) && set_number(out, (double)n);
    }
    case XF_NOT:
        return fse_sch__eval_bool(ctx, e->args[0], &b) && set_bool(out, !b);
    case XF_BOOLEAN:
        return fse_sch__eval_bool(ctx, e->args[0], &b) && set_bool(out, b);
    case XF_TRUE:
    case XF_FALSE:
        return set_bool(out, e->func == XF_TRUE);
    case XF_STRING:
        if (e->n_args == 0) {
            return set_string(out, fse_sch__node_string(ctx, ctx->node));
        }
        return arg_string(ctx, e, 0, &s, NULL) && set_string(out, s);
    case XF_STRING_LENGTH:
        if (e->n_args == 0) {
            return set_number(out, (double)utf8_length(fse_sch__node_string(ctx, ctx->node)));
        }
        return arg_string(ctx, e, 0, &s, NULL) && set_number(out, (double)utf8_length(s));
    case XF_CONTAINS:
    case XF_STARTS_WITH:
    case XF_ENDS_WITH:
    case XF_SUBSTRING_AFTER:
    case XF_SUBSTRING_BEFORE:
        return fn_two_strings(ctx, e, out);
    case XF_SUBSTRING:
        return fn_substring(ctx, e, out);
    case XF_LOCAL_NAME:
    case XF_NAME:
        return arg_node(ctx, e, &node) && set_string(out, node_name(ctx, node, e->func == XF_NAME));
    case XF_NAMESPACE_URI:
        return arg_node(ctx, e, &node) &&
               set_string(out,
                          node != NULL && node->ns != NULL ? (const char *)node->ns->href : "");
    case XF_MATCHES:
        return fn_matches(ctx, e, out);
    case XF_NUMBER:
        return fn_number(ctx, e, out);
    case XF_EXISTS:
    case XF_EMPTY: {
        size_t n;

        return fse_sch__path_count(ctx, e->args[0], true, &n) &&
               set_bool(out, (n > 0) == (e->func == XF_EXISTS));
    }
    case XF_CONCAT:
        return fn_concat(ctx, e, out);
    case XF_NORMALIZE_SPACE:
        return fn_normalize_space(ctx, e, out);
    case XF_POSITION:
        return set_number(out, (double)ctx->position);
    case XF_LAST:
        return set_number(out, (double)ctx->size);
    case XF_SUM:
        return fn_sum(ctx, e, out);
    case XF_TRANSLATE:
        return fn_translate(ctx, e, out);
    case XF_UPPER_CASE:
    case XF_LOWER_CASE:
        return fn_case(ctx, e, out);
    case XF_STRING_JOIN:
        return fn_string_join(ctx, e, out);
    case XF_FLOOR:
    case XF_CEILING:
    case XF_ROUND:
        return fn_rounding(ctx, e, out);
    }
    return fse_sch__raise(ctx, "XPST0017", "unknown function");
}

/*
 * XSD regular expression (plus ^ and $ as in XPath 2.0) to PCRE2. The XSD
 * syntax is close to a subset of PCRE; differences handled: '$' only at the
 * very end (DOLLAR_ENDONLY), '.' excludes only newlines as in XPath without
 * the s flag, and the x/i/m/s flags map to PCRE2 options.
 */
pcre2_code *fse_sch__regex_compile(const char *pattern, size_t len, const char *flags, char *err,
                                   size_t err_len)
{
    uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY | PCRE2_NO_AUTO_CAPTURE;
    int errcode;
    PCRE2_SIZE erroffset;
    pcre2_code *re;

    for (; flags != NULL && *flags != '\0'; flags++) {
        switch (*flags) {
        case 'i':
            options |= PCRE2_CASELESS;
            break;
        case 'm':
            options = (options | PCRE2_MULTILINE) & ~(uint32_t)PCRE2_DOLLAR_ENDONLY;
            break;
        case 's':
            options |= PCRE2_DOTALL;
            break;
        case 'x':
            options |= PCRE2_EXTENDED;
            break;
        default:
            snprintf(err, err_len, "unknown flag '%c'", *flags);
            return NULL;
        }
    }
    re = pcre2_compile((PCRE2_SPTR)pattern, len, options, &errcode, &erroffset, NULL);
    if (re == NULL) {
        PCRE2_UCHAR msg[120];

        pcre2_get_error_message(errcode, msg, sizeof(msg));
        snprintf(err, err_len, "%s at offset %zu", (const char *)msg, (size_t)erroffset);
        return NULL;
    }
    if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0) {
        /* JIT is optional: the interpreter gives the same results. */
    }
    return re;
}
