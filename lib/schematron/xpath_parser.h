/*
 * lib/schematron/xpath_parser.h - what the XPath lexer (xpath_lex.c), the
 * grammar (xpath_parse.c) and the tree analyses (xpath_tree.c) share: the
 * token, the parser state and their functions. Nothing outside these three
 * files uses it; the compiler's entry points are in sch_int.h.
 */
#ifndef FSE_XPATH_PARSER_H
#define FSE_XPATH_PARSER_H

#include "sch_int.h"

typedef enum tok_kind {
    T_EOF,
    T_NAME,
    T_FUNC,
    T_AXIS,
    T_STAR,
    T_NS_STAR,
    T_LITERAL,
    T_NUMBER,
    T_VAR,
    T_LPAREN,
    T_RPAREN,
    T_LBRACK,
    T_RBRACK,
    T_SLASH,
    T_DSLASH,
    T_AT,
    T_DOT,
    T_DDOT,
    T_COMMA,
    T_PIPE,
    T_EQ,
    T_NE,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_PLUS,
    T_MINUS,
    T_ERROR
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

/* Record the first error (code + message) in the parser; returns false. */
bool fse_sch__fail(parser *p, fse_err rc, const char *fmt, ...) FSE_PRINTF(3, 4);
/* Read the next token into p->tok. */
void fse_sch__lex(parser *p);
/* Is the current token the unprefixed name (or operator word) `name`? */
bool fse_sch__tok_is_name(const parser *p, const char *name);
bool fse_sch__tok_name_equals(const token *t, const char *name);
/* Consume a token of this kind or fail naming `what`. */
bool fse_sch__expect(parser *p, tok_kind kind, const char *what);
/* First non-space character at or after s. */
const char *fse_sch__after_space(const char *s);

/* Resolve a function call's name and check its arity (xpath_func.c). */
bool fse_sch__lookup_function(parser *p, const token *t, xp_expr *call);
/* Set e's depth from its children; fails when the tree is too deep. */
bool fse_sch__finish_node(parser *p, xp_expr *e);
/* Does a predicate depend on the context position (numeric, position(), last())? */
bool fse_sch__uses_position(const xp_expr *e);
bool fse_sch__statically_boolean(const xp_expr *e);
/* Rewrite descendant-or-self::node()/child::x[p] into descendant::x[p]. */
void fse_sch__fold_descendant_steps(xp_expr *path);
/* Mark a path streamable and give root paths without variables a cache slot. */
void fse_sch__mark_path(parser *p, xp_expr *path);
/* @name without predicates (the left side of the @a = 'lit' fast node). */
bool fse_sch__is_plain_attribute(const xp_expr *e);
/* Is e an XSLT match pattern this engine supports (rule contexts)? */
bool fse_sch__is_pattern_path(const xp_expr *e);

#endif /* FSE_XPATH_PARSER_H */
