/*
 * lib/schematron/xpath_lex.c - the XPath lexer: names (with prefixes,
 * recognising function calls and axes by what follows), numbers, string
 * literals with doubled quotes, variables and punctuation; and the parser's
 * error reporting. Operators spelt as names (and, div, ...) are told apart
 * by the grammar (xpath_parse.c), which knows where an operator may stand.
 */
#include "xpath_parser.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/limits.h"

bool fse_sch__fail(parser *p, fse_err rc, const char *fmt, ...)
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
const char *fse_sch__after_space(const char *s)
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
    next = fse_sch__after_space(p->src + p->pos);
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
            fse_sch__fail(p, FSE_E_PARSE, "unterminated string literal");
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
    {"//", T_DSLASH}, {"..", T_DDOT},  {"!=", T_NE},    {"<=", T_LE},    {">=", T_GE},
    {"(", T_LPAREN},  {")", T_RPAREN}, {"[", T_LBRACK}, {"]", T_RBRACK}, {"/", T_SLASH},
    {"@", T_AT},      {".", T_DOT},    {",", T_COMMA},  {"|", T_PIPE},   {"=", T_EQ},
    {"<", T_LT},      {">", T_GT},     {"+", T_PLUS},   {"-", T_MINUS},  {"*", T_STAR},
};

void fse_sch__lex(parser *p)
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
        fse_sch__fail(p, FSE_E_UNSUPPORTED, "XPath comments are not supported");
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
            fse_sch__fail(p, FSE_E_PARSE, "'$' not followed by a variable name");
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
    fse_sch__fail(p, FSE_E_PARSE, "unexpected character '%c' at offset %zu", *s, p->pos);
}

bool fse_sch__tok_is_name(const parser *p, const char *name)
{
    return (p->tok.kind == T_NAME || p->tok.kind == T_FUNC) && p->tok.len == strlen(name) &&
           p->tok.local == p->tok.start && strncmp(p->tok.start, name, p->tok.len) == 0;
}

bool fse_sch__tok_name_equals(const token *t, const char *name)
{
    return t->len == strlen(name) && strncmp(t->start, name, t->len) == 0;
}

bool fse_sch__expect(parser *p, tok_kind kind, const char *what)
{
    if (p->tok.kind != kind) {
        return fse_sch__fail(p, FSE_E_PARSE, "expected %s at offset %zu", what, p->pos);
    }
    fse_sch__lex(p);
    return true;
}
