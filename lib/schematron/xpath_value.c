/*
 * lib/schematron/xpath_value.c - values: string values of nodes, numbers as
 * text, atomization, XPath 2.0 general and value comparisons (strings by
 * codepoint, untyped node values cast to the other operand's type, FORG0001
 * when a node is not a number), and arithmetic.
 */
#include "sch_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/limits.h"

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
    for (c = fse_sch__next_descendant((xmlNode *)node, node); c != NULL;
         c = fse_sch__next_descendant((xmlNode *)c, node)) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != NULL &&
            !fse_sch__buf_ok(ctx, fse_buf_append_str(&b, (const char *)c->content))) {
            fse_buf_free(&b);
            return "";
        }
    }
    copy = fse_sch__arena_strndup(ctx->arena, b.data != NULL ? b.data : "", b.len);
    fse_buf_free(&b);
    if (copy == NULL) {
        fse_sch__oom(ctx);
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
        fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
        for (i = 0; i < v->n; i++) {
            if ((i > 0 && !fse_sch__buf_ok(ctx, fse_buf_append_str(&b, " "))) ||
                !fse_sch__buf_ok(ctx,
                                 fse_buf_append_str(&b, fse_sch__value_join(ctx, &v->items[i])))) {
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
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
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
    case XP_EQ:
    case XP_VEQ:
        return a == b;
    case XP_NE:
    case XP_VNE:
        return a != b;
    case XP_LT:
    case XP_VLT:
        return a < b;
    case XP_LE:
    case XP_VLE:
        return a <= b;
    case XP_GT:
    case XP_VGT:
        return a > b;
    case XP_GE:
    case XP_VGE:
        return a >= b;
    default:
        return false;
    }
}
static bool compare_strings(xp_kind op, const char *a, const char *b)
{
    int c = strcmp(a, b); /* UTF-8 byte order is codepoint order */

    switch (op) {
    case XP_EQ:
    case XP_VEQ:
        return c == 0;
    case XP_NE:
    case XP_VNE:
        return c != 0;
    case XP_LT:
    case XP_VLT:
        return c < 0;
    case XP_LE:
    case XP_VLE:
        return c <= 0;
    case XP_GT:
    case XP_VGT:
        return c > 0;
    case XP_GE:
    case XP_VGE:
        return c >= 0;
    default:
        return false;
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
bool fse_sch__general_compare(xp_ctx *ctx, xp_kind op, const xv *x, const xv *y, bool *res)
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
bool fse_sch__value_compare(xp_ctx *ctx, xp_kind op, const xv *x, const xv *y, xv *out)
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
        return fse_sch__raise(ctx, "XPTY0004",
                              "value comparison of a sequence of more than "
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
bool fse_sch__eval_arithmetic(xp_ctx *ctx, const xp_expr *e, xv *out)
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
    case XP_ADD:
        out->num = a + b;
        break;
    case XP_SUB:
        out->num = a - b;
        break;
    case XP_MUL:
        out->num = a * b;
        break;
    case XP_DIV:
        out->num = a / b;
        break;
    case XP_MOD:
        out->num = fmod(a, b);
        break;
    case XP_IDIV:
        if (b == 0) {
            return fse_sch__raise(ctx, "FOAR0001", "integer division by zero");
        }
        out->num = trunc(a / b);
        break;
    default:
        break;
    }
    return true;
}

bool fse_sch__eval_negate(xp_ctx *ctx, const xp_expr *e, xv *out)
{
    xv x;
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
