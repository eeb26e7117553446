/*
 * lib/schematron/sch_int.h - internal types of the schematron engine: the
 * arena, the XPath abstract syntax tree, values, the evaluation context, and
 * the compiled schema.
 *
 * The XPath side (xpath_parse.c, xpath_eval.c, xpath_func.c) knows nothing of
 * schematron except variable slots; sch_compile.c and sch_run.c own the
 * schematron structure (patterns, rules, lets, asserts, messages).
 */
#ifndef FSE_SCH_INT_H
#define FSE_SCH_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <libxml/tree.h>

#include "fse/schematron.h"
#include "fse/util.h"

/* ---------------------------------------------------------------- arena -- */

/* Bump allocator: many small allocations, freed all at once (or back to a mark). */
typedef struct sch_arena_chunk {
    struct sch_arena_chunk *next;
    size_t used;
    size_t cap;
    _Alignas(16) unsigned char data[];
} sch_arena_chunk;

typedef struct sch_arena {
    sch_arena_chunk *head;
    size_t bytes;     /* total allocated, for the limit */
    size_t max_bytes; /* allocations past this fail */
} sch_arena;

typedef struct sch_arena_mark {
    sch_arena_chunk *chunk;
    size_t used;
} sch_arena_mark;

void fse_sch__arena_init(sch_arena *a, size_t max_bytes);
void *fse_sch__arena_alloc(sch_arena *a, size_t n);
char *fse_sch__arena_strndup(sch_arena *a, const char *s, size_t n);
sch_arena_mark fse_sch__arena_mark(const sch_arena *a);
void fse_sch__arena_reset(sch_arena *a, sch_arena_mark mark);
void fse_sch__arena_free(sch_arena *a);

/* ------------------------------------------------------------ XPath AST -- */

typedef enum xp_axis {
    XP_AXIS_CHILD,
    XP_AXIS_DESCENDANT,
    XP_AXIS_DESCENDANT_OR_SELF,
    XP_AXIS_ATTRIBUTE,
    XP_AXIS_SELF,
    XP_AXIS_PARENT,
    XP_AXIS_ANCESTOR,
    XP_AXIS_ANCESTOR_OR_SELF,
    XP_AXIS_FOLLOWING_SIBLING,
    XP_AXIS_PRECEDING_SIBLING
} xp_axis;

typedef enum xp_test {
    XP_TEST_NAME,     /* ns:local or local */
    XP_TEST_ANY_NAME, /* * (principal node kind) */
    XP_TEST_NS_ANY,   /* ns:* */
    XP_TEST_NODE,     /* node() */
    XP_TEST_TEXT,     /* text() */
    XP_TEST_ELEMENT   /* element() */
} xp_test;

typedef enum xp_kind {
    XP_OR,
    XP_AND,
    XP_EQ,
    XP_NE,
    XP_LT,
    XP_LE,
    XP_GT,
    XP_GE, /* general comparisons */
    XP_VEQ,
    XP_VNE,
    XP_VLT,
    XP_VLE,
    XP_VGT,
    XP_VGE, /* value comparisons */
    XP_ADD,
    XP_SUB,
    XP_MUL,
    XP_DIV,
    XP_IDIV,
    XP_MOD,
    XP_NEG,
    XP_UNION,
    XP_PATH, /* [filter] steps..., absolute or relative */
    XP_LITERAL,
    XP_NUMBER,
    XP_VAR,
    XP_CALL,
    XP_IF,
    XP_CONTEXT, /* . */
    XP_ATTR_EQ  /* @name = 'literal': a (the attribute path), str (the literal) */
} xp_kind;

typedef struct xp_expr xp_expr;

typedef struct xp_step {
    xp_expr *expr; /* a filter step (path/count(x)): evaluated per node; else NULL */
    xp_axis axis;
    xp_test test;
    const char *ns_uri; /* NULL: no namespace */
    const char *local;
    size_t name_index; /* XP_TEST_NAME: index of local in the schema's name table */
    xp_expr **preds;
    size_t n_preds;
} xp_step;

typedef enum xp_func {
    XF_COUNT,
    XF_NOT,
    XF_STRING,
    XF_CONTAINS,
    XF_LOCAL_NAME,
    XF_NAME,
    XF_MATCHES,
    XF_NUMBER,
    XF_STRING_LENGTH,
    XF_FALSE,
    XF_TRUE,
    XF_SUBSTRING_AFTER,
    XF_SUBSTRING_BEFORE,
    XF_SUBSTRING,
    XF_EXISTS,
    XF_EMPTY,
    XF_CONCAT,
    XF_STARTS_WITH,
    XF_ENDS_WITH,
    XF_NORMALIZE_SPACE,
    XF_BOOLEAN,
    XF_POSITION,
    XF_LAST,
    XF_SUM,
    XF_TRANSLATE,
    XF_UPPER_CASE,
    XF_LOWER_CASE,
    XF_STRING_JOIN,
    XF_NAMESPACE_URI,
    XF_FLOOR,
    XF_CEILING,
    XF_ROUND
} xp_func;

struct xp_expr {
    xp_kind kind;
    unsigned depth;     /* height of the tree below (bounded at compile time) */
    xp_expr *a, *b, *c; /* operands; if: cond, then, else */
    /* XP_PATH */
    bool absolute;          /* starts at the document root */
    xp_expr *filter;        /* primary expression the path starts from, or NULL */
    xp_expr **filter_preds; /* predicates on the filter expression */
    size_t n_filter_preds;
    xp_step *steps;
    size_t n_steps;
    /* XP_LITERAL, XP_NUMBER */
    const char *str;
    size_t str_len;
    double num;
    /* XP_VAR: slot in the variable table of the scope */
    int var_slot;
    const char *var_name;
    /* XP_CALL */
    xp_func func;
    xp_expr **args;
    size_t n_args;
    pcre2_code *regex; /* matches() with a literal pattern: compiled once */
    bool positional;   /* as a predicate: uses position()/last() or is numeric */
    int cache_slot;    /* XP_PATH from the root with no variables: result cached per
                        * document in this slot; -1 otherwise */
    bool streamable;   /* XP_PATH countable without materialising or sorting */
    int *prefix_ids;   /* rule context paths: id of steps[0..k] (equal prefixes of
                        * different rules share an id), for matching memos */
};

/* Resolves $name to a slot at compile time; returns -1 when unknown. */
typedef int (*xp_var_resolver)(void *user, const char *name);
/* Resolves a namespace prefix; returns NULL when undeclared. */
typedef const char *(*xp_ns_resolver)(void *user, const char *prefix);

typedef struct xp_compile_env {
    sch_arena *arena;
    xp_var_resolver resolve_var;
    xp_ns_resolver resolve_ns;
    void *user;
    pcre2_code ***regexes; /* every compiled regex is recorded here for freeing */
    size_t *n_regexes;
    const char ***names; /* table of the local names node tests use */
    size_t *n_names;
    size_t *n_cache_slots; /* cache slots handed out to root paths */
} xp_compile_env;

/* Compile expr; on failure returns FSE_E_PARSE/FSE_E_UNSUPPORTED with a message. */
fse_err fse_sch__xpath_compile(xp_expr **out, const char *expr, const xp_compile_env *env);
/* Compile an XSLT match pattern (rule context) into a path expression. */
fse_err fse_sch__pattern_compile(xp_expr **out, const char *pattern, const xp_compile_env *env);
/* Structural equality of two expressions or steps (same meaning, same text). */
bool fse_sch__expr_equal(const xp_expr *a, const xp_expr *b);
bool fse_sch__step_equal(const xp_step *a, const xp_step *b);
/* Compile a regex with XPath 2.0 matches() semantics; NULL + message on error. */
pcre2_code *fse_sch__regex_compile(const char *pattern, size_t len, const char *flags, char *err,
                                   size_t err_len);

/* --------------------------------------------------------------- values -- */

typedef enum xv_kind { XV_NODES, XV_STRING, XV_NUMBER, XV_BOOL, XV_ATOMS } xv_kind;

typedef struct xv {
    xv_kind kind;
    bool untyped;     /* XV_STRING coming from a node (xs:untypedAtomic) */
    xmlNode **nodes;  /* XV_NODES, document order, no duplicates */
    struct xv *items; /* XV_ATOMS: a sequence of single atomic values */
    size_t n;         /* number of nodes or items */
    const char *s;    /* XV_STRING */
    double num;
    bool b;
} xv;

/* Lazily evaluated variable: state of one let for the current context. */
typedef enum xp_var_state { XP_VAR_UNSET, XP_VAR_BUSY, XP_VAR_DONE } xp_var_state;

/* Children of each element grouped by name (sch_index.c). */
typedef struct sch_child_index sch_child_index;
fse_err fse_sch__index_build(sch_child_index **out, xmlDocPtr doc, size_t max_order);
/* The children of parent with this interned name (n = 0 when none). */
xmlNode *const *fse_sch__index_children(sch_child_index *ix, xmlNode *parent, const xmlChar *name,
                                        size_t *n);
void fse_sch__index_free(sch_child_index *ix);

struct xp_ctx;
/* Evaluates slot for the current rule firing (called on first use). */
typedef bool (*xp_var_eval_fn)(struct xp_ctx *ctx, int slot, xv *out);

typedef struct xp_ctx {
    sch_arena *arena; /* scratch memory of the current evaluation */
    xmlDocPtr doc;
    xmlNode *node;   /* context item */
    size_t position; /* context position, 1-based */
    size_t size;     /* context size */
    xv *vars;        /* variable values by slot */
    xp_var_state *var_state;
    size_t n_vars;
    xp_var_eval_fn eval_var;
    void *user;
    pcre2_match_data *match_data;
    const xmlChar **names;       /* the schema's names interned in the document's dictionary
                                  * (NULL entry: no node has that name); NULL: compare text */
    sch_child_index *children;   /* element children by name, or NULL */
    struct sch_match_memo *memo; /* rule-context prefix matches already decided, or NULL */
    const xmlNs *ns_seen;        /* last namespace compared, its URI, and the answer */
    const char *ns_seen_uri;
    bool ns_seen_equal;
    sch_arena *persistent; /* memory living for the whole run (cached values) */
    xv *cache;             /* per-document values of root paths, by cache slot */
    bool *cached;
    bool error; /* a dynamic error was raised */
    char error_message[256];
    unsigned depth; /* recursion guard */
} xp_ctx;

/* ------------------------------------------------ evaluator internals -- */

/* A growable node array in the scratch arena. */
typedef struct nodevec {
    xmlNode **items;
    size_t n;
    size_t cap;
} nodevec;

static inline xmlNode *fse_sch__parent(const xmlNode *n)
{
    return n->parent;
}

/* Raise out-of-memory; always returns false. */
bool fse_sch__oom(xp_ctx *ctx);
bool fse_sch__node_test(xp_ctx *ctx, const xp_step *s, const xmlNode *node);
bool fse_sch__predicate_keeps(xp_ctx *ctx, const xp_expr *pred, xmlNode *node, size_t pos,
                              size_t size, bool *keep);
bool fse_sch__apply_predicates(xp_ctx *ctx, xp_expr *const *preds, size_t n_preds, nodevec *v);
bool fse_sch__collect_axis(xp_ctx *ctx, const xp_step *s, xmlNode *node, nodevec *v);
xmlNode *fse_sch__next_descendant(xmlNode *cur, const xmlNode *root);
bool fse_sch__eval_path(xp_ctx *ctx, const xp_expr *e, xv *out);
bool fse_sch__eval_attr_eq(xp_ctx *ctx, const xp_expr *e, bool *out);
bool fse_sch__eval_union(xp_ctx *ctx, const xp_expr *e, xv *out);
bool fse_sch__general_compare(xp_ctx *ctx, xp_kind op, const xv *x, const xv *y, bool *res);
bool fse_sch__value_compare(xp_ctx *ctx, xp_kind op, const xv *x, const xv *y, xv *out);
bool fse_sch__eval_arithmetic(xp_ctx *ctx, const xp_expr *e, xv *out);
bool fse_sch__eval_negate(xp_ctx *ctx, const xp_expr *e, xv *out);
/* xs:double cast of a string, NaN when it is not one. */
double fse_sch__string_to_number(const char *s);

/* Evaluate e in ctx. Returns false after a dynamic error (ctx->error set). */
bool fse_sch__eval(xp_ctx *ctx, const xp_expr *e, xv *out);
/* Effective boolean value of e. */
bool fse_sch__eval_bool(xp_ctx *ctx, const xp_expr *e, bool *out);
/* Number of items e selects, without building node sets where possible. */
bool fse_sch__path_count(xp_ctx *ctx, const xp_expr *e, bool stop_at_first, size_t *count);
/* Memo of (context prefix id, node) -> matched, for one run (sch_run.c). */
typedef struct sch_match_memo sch_match_memo;
fse_err fse_sch__memo_new(sch_match_memo **out);
void fse_sch__memo_free(sch_match_memo *m);
/* 0 unknown, 1 matched, 2 not matched */
int fse_sch__memo_get(const sch_match_memo *m, int prefix_id, const xmlNode *node);
void fse_sch__memo_put(sch_match_memo *m, int prefix_id, const xmlNode *node, bool matched);
/*
 * For a path whose value is used as a single item: walk at most two nodes
 * without building a node set. *handled is false when the path cannot be
 * walked that way (then nothing was evaluated).
 */
bool fse_sch__path_single(xp_ctx *ctx, const xp_expr *e, bool *handled, size_t *count,
                          xmlNode **first);
/* Does node match the compiled pattern (rule context)? */
bool fse_sch__pattern_matches(xp_ctx *ctx, const xp_expr *pattern, xmlNode *node, bool *out);
/* Error code of an allocation failure during evaluation: the run then fails
 * with FSE_E_NOMEM instead of reporting a dynamic error. */
#define FSE_SCH_OOM "FSE0001"
/* true for FSE_OK; otherwise raises out-of-memory or over-limit and returns false. */
bool fse_sch__buf_ok(xp_ctx *ctx, fse_err rc);
/* Raise a dynamic error (XPath 2.0 error code + text); always returns false. */
bool fse_sch__raise(xp_ctx *ctx, const char *code, const char *fmt, ...) FSE_PRINTF(3, 4);

/* String value of a node (borrowed when possible, else arena copy). */
const char *fse_sch__node_string(xp_ctx *ctx, const xmlNode *node);
/* Atomize a value to one string for value-of (items joined by a space). */
const char *fse_sch__value_join(xp_ctx *ctx, const xv *v);
/* Number to string, XPath 2.0 style. */
const char *fse_sch__number_string(xp_ctx *ctx, double d);
/* Call a built-in function. */
bool fse_sch__call(xp_ctx *ctx, const xp_expr *e, xv *out);
/* Number of items in a value (a node set or an atomic sequence counts its members). */
static inline size_t fse_sch__items(const xv *v)
{
    return v->kind == XV_NODES || v->kind == XV_ATOMS ? v->n : 1;
}
/* The single item of a one-item atomic sequence, else v itself. */
static inline const xv *fse_sch__single(const xv *v)
{
    return v->kind == XV_ATOMS && v->n == 1 ? &v->items[0] : v;
}
/* Document-order index stored in a node. */
static inline uintptr_t fse_sch__order(const xmlNode *n)
{
    return (uintptr_t)n->_private;
}

/* ---------------------------------------------------- compiled schema -- */

typedef enum sch_tpl_kind {
    SCH_TPL_TEXT,
    SCH_TPL_NAME,
    SCH_TPL_VALUE_OF,
    SCH_TPL_FOR_EACH
} sch_tpl_kind;

/* One piece of a message or of a let with content. */
typedef struct sch_tpl {
    sch_tpl_kind kind;
    bool padded;              /* schematron name/value-of: a space on each side, as the
                               * ISO skeleton writes them into messages */
    const char *text;         /* SCH_TPL_TEXT */
    xp_expr *expr;            /* name path, value-of select, for-each select */
    struct sch_tpl *children; /* SCH_TPL_FOR_EACH body */
    size_t n_children;
} sch_tpl;

typedef struct sch_let {
    const char *name;
    xp_expr *value; /* @value, or NULL when the let has content */
    sch_tpl *content;
    size_t n_content;
} sch_let;

typedef struct sch_check {
    fse_sch_kind kind; /* failed assert / report */
    xp_expr *test;
    const char *test_text;
    const char *label;
    sch_tpl *message;
    size_t n_message;
} sch_check;

typedef struct sch_rule {
    size_t index; /* file order within the pattern */
    const char *context_text;
    xp_expr *context;
    sch_let *lets; /* slots n_pattern_lets .. */
    size_t n_lets;
    sch_check *checks;
    size_t n_checks;
} sch_rule;

/* Rules indexed by the local name their context's last step tests. */
typedef struct sch_rule_bucket {
    const char *local;      /* NULL: rules whose last step is a wildcard */
    size_t name_index;      /* index of local in the schema's name table */
    const sch_rule **rules; /* in file order */
    size_t n_rules;
} sch_rule_bucket;

typedef struct sch_pattern {
    sch_let *lets; /* pattern-level lets: slots 0 .. n_lets-1 */
    size_t n_lets;
    sch_rule *rules;
    size_t n_rules;
    sch_rule_bucket *buckets;
    size_t n_buckets;
    sch_rule_bucket wildcard;
    size_t max_slots; /* pattern lets + most rule lets */
} sch_pattern;

/* One distinct rule-context prefix: its parent prefix and its last step. */
typedef struct sch_prefix {
    int parent; /* -1 for a first step */
    bool absolute;
    const xp_step *step;
} sch_prefix;

struct fse_sch_schema {
    sch_arena arena; /* everything below lives here */
    const char *title;
    sch_let *lets; /* schema-level lets are folded into each pattern */
    size_t n_lets;
    sch_pattern *patterns;
    size_t n_patterns;
    size_t n_rules;
    size_t n_checks;
    pcre2_code **regexes;
    size_t n_regexes;
    sch_prefix *prefixes; /* distinct rule-context prefixes */
    size_t n_prefixes;
    const char **names; /* local names used by node tests (name_index) */
    size_t n_names;
    size_t n_cache_slots;
};

#endif /* FSE_SCH_INT_H */
