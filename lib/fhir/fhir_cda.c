/*
 * lib/fhir/fhir_cda.c - navigation in a parsed CDA for the mapping tables: a
 * small path language (steps, predicates on attributes and sub-paths),
 * attributes including xsi:type, text content and templateId tests.
 *
 * Owns the path syntax documented in fhir_int.h. Does not own parsing (the
 * tree comes from fse/xml.h) or any mapping decision.
 */
#include "fhir_int.h"

#include <string.h>

#include "fse/xml.h"

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

/* Longest step or predicate text handled; paths in the tables are short. */
#define STEP_MAX 256

typedef struct node_vec {
    const xmlNode **items;
    size_t n;
    size_t cap;
} node_vec;

static void vec_push(fhir_ctx *c, node_vec *v, const xmlNode *n)
{
    size_t i;

    for (i = 0; i < v->n; i++) {
        if (v->items[i] == n) {
            return;
        }
    }
    if (v->n == v->cap) {
        size_t cap = v->cap == 0 ? 8 : v->cap * 2;
        const xmlNode **items = fhir_arena_alloc(FA(c), cap * sizeof(*items));
        if (items == NULL) {
            return;
        }
        if (v->n > 0) {
            memcpy(items, v->items, v->n * sizeof(*items));
        }
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = n;
}

static bool space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* The raw attribute value (borrowed from the tree). */
static const char *raw_attr(const xmlNode *n, const char *name)
{
    const xmlAttr *a;

    if (n == NULL || n->type != XML_ELEMENT_NODE) {
        return NULL;
    }
    if (strcmp(name, "xsi:type") == 0) {
        for (a = n->properties; a != NULL; a = a->next) {
            if (a->ns != NULL && strcmp((const char *)a->ns->href, XSI_NS) == 0 &&
                strcmp((const char *)a->name, "type") == 0 && a->children != NULL) {
                const char *v = (const char *)a->children->content;
                const char *colon = strchr(v, ':');
                return colon != NULL ? colon + 1 : v;
            }
        }
        return NULL;
    }
    return fse_xml_attr(n, name);
}

const char *fhir_cda_attr(fhir_ctx *c, const xmlNode *n, const char *name)
{
    const char *v = raw_attr(n, name);
    size_t len;

    if (v == NULL) {
        return NULL;
    }
    len = strlen(v);
    if (len == 0 || (!space(v[0]) && !space(v[len - 1]))) {
        return v;
    }
    return fhir_trim(c, v);
}

static bool name_is(const xmlNode *n, const char *name, size_t len)
{
    if (n->type != XML_ELEMENT_NODE) {
        return false;
    }
    if (len == 1 && name[0] == '*') {
        return true;
    }
    return strlen((const char *)n->name) == len && memcmp(n->name, name, len) == 0;
}

static bool pred_holds(fhir_ctx *c, const xmlNode *n, const char *p, size_t len);

/* Split "name[p1][p2]" and test the predicates on n. */
static bool step_matches(fhir_ctx *c, const xmlNode *n, const char *step, size_t len)
{
    const char *br = memchr(step, '[', len);
    size_t name_len = br != NULL ? (size_t)(br - step) : len;
    const char *end = step + len;

    if (!name_is(n, step, name_len)) {
        return false;
    }
    while (br != NULL && br < end) {
        const char *close = br + 1;
        int depth = 1;
        bool quoted = false;
        while (close < end && depth > 0) {
            if (*close == '\'') {
                quoted = !quoted;
            } else if (!quoted && *close == '[') {
                depth++;
            } else if (!quoted && *close == ']') {
                depth--;
            }
            if (depth > 0) {
                close++;
            }
        }
        if (!pred_holds(c, n, br + 1, (size_t)(close - br - 1))) {
            return false;
        }
        br = close + 1 < end && close[1] == '[' ? close + 1 : NULL;
    }
    return true;
}

static void select_steps(fhir_ctx *c, node_vec *out, const xmlNode *ctx, const char *path);

/* First (or last) occurrence of s in p outside brackets and quotes, or NULL:
 * a predicate's own test, not one of a nested predicate. */
static const char *find_top(const char *p, const char *s, bool last)
{
    size_t n = strlen(s);
    int depth = 0;
    bool quoted = false;
    const char *found = NULL;

    for (; *p != '\0'; p++) {
        if (depth == 0 && !quoted && strncmp(p, s, n) == 0) {
            found = p;
            if (!last) {
                return found;
            }
        }
        if (*p == '\'') {
            quoted = !quoted;
        } else if (!quoted && *p == '[') {
            depth++;
        } else if (!quoted && *p == ']') {
            depth--;
        }
    }
    return found;
}

/* A predicate: [!]sub/path[/@attr][(=|!=)'value'] or [!]@attr[(=|!=)'v']. */
static bool pred_holds(fhir_ctx *c, const xmlNode *n, const char *p, size_t len)
{
    char buf[STEP_MAX];
    bool negate = false;
    const char *op;
    const char *value = NULL;
    size_t value_len = 0;
    bool not_equal = false;
    char *at;
    const char *got;
    node_vec v = {0};
    size_t i;
    bool any = false;

    if (len >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, p, len);
    buf[len] = '\0';
    p = buf;
    if (*p == '!') {
        negate = true;
        p++;
    }
    op = find_top(p, "='", false);
    if (op != NULL) {
        not_equal = op > p && op[-1] == '!';
        value = op + 2;
        value_len = strlen(value);
        if (value_len > 0 && value[value_len - 1] == '\'') {
            value_len--;
        }
        buf[(size_t)(op - buf) - (not_equal ? 1 : 0)] = '\0';
    }
    got = find_top(p, "@", true);
    at = got != NULL ? buf + (got - buf) : NULL;
    if (at != NULL) {
        if (at == p) {
            v.items = &n;
            v.n = 1;
        } else {
            at[-1] = '\0'; /* the '/' before '@' */
            select_steps(c, &v, n, p);
        }
        for (i = 0; i < v.n && !any; i++) {
            got = fhir_cda_attr(c, v.items[i], at + 1);
            if (value == NULL) {
                any = got != NULL;
            } else if (got != NULL) {
                bool eq = strlen(got) == value_len && memcmp(got, value, value_len) == 0;
                any = not_equal ? !eq : eq;
            }
        }
    } else {
        select_steps(c, &v, n, p);
        any = v.n > 0;
    }
    return negate ? !any : any;
}

/* Select from ctx along path into out. */
static void select_steps(fhir_ctx *c, node_vec *out, const xmlNode *ctx, const char *path)
{
    const char *slash = path;
    size_t len;
    int depth = 0;
    bool quoted = false;
    const xmlNode *ch;

    /* find the end of the first step, outside brackets and quotes */
    while (*slash != '\0' && (*slash != '/' || depth > 0 || quoted)) {
        if (*slash == '\'') {
            quoted = !quoted;
        } else if (!quoted && *slash == '[') {
            depth++;
        } else if (!quoted && *slash == ']') {
            depth--;
        }
        slash++;
    }
    len = (size_t)(slash - path);
    if (len == 2 && memcmp(path, "..", 2) == 0) {
        if (ctx->parent != NULL && ctx->parent->type == XML_ELEMENT_NODE) {
            if (*slash == '\0') {
                vec_push(c, out, ctx->parent);
            } else {
                select_steps(c, out, ctx->parent, slash + 1);
            }
        }
        return;
    }
    if (len >= 1 && path[0] == '.') {
        /* the context itself, with optional predicates: ".[...]" */
        char self[STEP_MAX];
        if (len + 1 >= sizeof(self)) {
            return;
        }
        self[0] = '*';
        memcpy(self + 1, path + 1, len - 1);
        if (!step_matches(c, ctx, self, len)) {
            return;
        }
        if (*slash == '\0') {
            vec_push(c, out, ctx);
        } else {
            select_steps(c, out, ctx, slash + 1);
        }
        return;
    }
    for (ch = ctx->children; ch != NULL; ch = ch->next) {
        if (!step_matches(c, ch, path, len)) {
            continue;
        }
        if (*slash == '\0') {
            vec_push(c, out, ch);
        } else {
            select_steps(c, out, ch, slash + 1);
        }
    }
}

/* Select path, or each alternative of "a | b" in turn. */
static void select_union(fhir_ctx *c, node_vec *v, const xmlNode *ctx, const char *path)
{
    const char *bar = strstr(path, " | ");
    char first[STEP_MAX];

    if (bar == NULL) {
        select_steps(c, v, ctx, path);
        return;
    }
    if ((size_t)(bar - path) >= sizeof(first)) {
        return;
    }
    memcpy(first, path, (size_t)(bar - path));
    first[bar - path] = '\0';
    select_steps(c, v, ctx, first);
    select_union(c, v, ctx, bar + 3);
}

fhir_nodes fhir_cda_select(fhir_ctx *c, const xmlNode *ctx, const char *path)
{
    node_vec v = {0};
    fhir_nodes r = {NULL, 0};

    if (ctx == NULL) {
        return r;
    }
    if (path == NULL || path[0] == '\0') {
        vec_push(c, &v, ctx);
    } else {
        select_union(c, &v, ctx, path);
    }
    r.items = v.items;
    r.n = v.n;
    return r;
}

const xmlNode *fhir_cda_first(fhir_ctx *c, const xmlNode *ctx, const char *path)
{
    fhir_nodes v = fhir_cda_select(c, ctx, path);

    return v.n > 0 ? v.items[0] : NULL;
}

const char *fhir_cda_path_attr(fhir_ctx *c, const xmlNode *ctx, const char *path, const char *name)
{
    return fhir_cda_attr(c, fhir_cda_first(c, ctx, path), name);
}

const char *fhir_cda_text(fhir_ctx *c, const xmlNode *n)
{
    xmlChar *s;
    const char *r;

    if (n == NULL) {
        return NULL;
    }
    s = xmlNodeGetContent(n);
    if (s == NULL) {
        return NULL;
    }
    r = fhir_trim(c, (const char *)s);
    xmlFree(s);
    return r;
}

bool fhir_cda_has_template(const xmlNode *n, const char *root)
{
    const xmlNode *ch;

    if (n == NULL) {
        return false;
    }
    for (ch = n->children; ch != NULL; ch = ch->next) {
        if (ch->type == XML_ELEMENT_NODE && strcmp((const char *)ch->name, "templateId") == 0) {
            const char *r = fse_xml_attr(ch, "root");
            if (r != NULL && strcmp(r, root) == 0) {
                return true;
            }
        }
    }
    return false;
}

const char *fhir_trim(fhir_ctx *c, const char *s)
{
    size_t len;

    if (s == NULL) {
        return NULL;
    }
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
        s++;
    }
    len = strlen(s);
    while (len > 0 &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r')) {
        len--;
    }
    return fhir_arena_strndup(FA(c), s, len);
}
