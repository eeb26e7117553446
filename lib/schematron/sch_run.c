/*
 * lib/schematron/sch_run.c - running a compiled schematron over a document.
 *
 * Owns the single traversal: every element is visited once in document
 * order, and for each pattern the first rule (in file order) whose context
 * matches handles it, as the ISO skeleton's template priorities do. Owns
 * lazy let evaluation (pattern lets once per run, rule lets once per
 * context node), message rendering, locations, and the result. A dynamic
 * XPath error stops the run, as Saxon aborts the transformation.
 */
#include "sch_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/limits.h"

#define HL7_NS "urn:hl7-org:v3"
#define SCRATCH_MAX_BYTES (512u * 1024u * 1024u)

typedef struct run_state {
    const fse_sch_schema *schema;
    const sch_pattern *pattern;
    const sch_rule *rule; /* rule being fired, or NULL */
    xmlNode *context;     /* its context node */
    sch_arena persistent; /* pattern-let values: live for the whole run */
    sch_arena scratch;    /* reset after each rule firing */
    fse_sch_result *result;
    size_t cap_findings;
    fse_err rc;
    /* The pattern's rule buckets by interned element name (open addressing),
     * built per run when names are interned; NULL: search by text. */
    const sch_rule_bucket **bucket_slots;
    size_t bucket_mask;
} run_state;

/* ------------------------------------------------------ document order -- */

/* Next node of a pre-order walk of the document's element tree, or NULL. */
static xmlNode *preorder_next(xmlNode *cur)
{
    if (cur->type == XML_ELEMENT_NODE && cur->children != NULL) {
        return cur->children;
    }
    while (cur != NULL && cur->next == NULL) {
        cur = cur->parent;
        if (cur != NULL && cur->type == XML_DOCUMENT_NODE) {
            return NULL;
        }
    }
    return cur != NULL ? cur->next : NULL;
}

/*
 * Store the document order in _private. Returns whether every element and
 * attribute name comes from the document's dictionary, so that names can be
 * compared by pointer.
 */
static bool number_nodes(xmlDocPtr doc, size_t *max_order)
{
    uintptr_t order = 1;
    xmlNode *cur = xmlDocGetRootElement(doc);
    bool interned = doc->dict != NULL;

    doc->_private = (void *)0;
    /* Iterative pre-order walk; attributes come right after their element. */
    for (; cur != NULL; cur = preorder_next(cur)) {
        cur->_private = (void *)order++;
        if (cur->type == XML_ELEMENT_NODE) {
            xmlAttr *a;

            interned = interned && xmlDictOwns(doc->dict, cur->name) == 1;
            for (a = cur->properties; a != NULL; a = a->next) {
                a->_private = (void *)order++;
                interned = interned && xmlDictOwns(doc->dict, a->name) == 1;
            }
        }
    }
    /* Top-level siblings of the root (comments, PIs) */
    for (cur = doc->children; cur != NULL; cur = cur->next) {
        if (cur->_private == NULL) {
            cur->_private = (void *)order++;
        }
    }
    *max_order = order;
    return interned;
}

/* The schema's node-test names as the document's dictionary holds them. */
static const xmlChar **intern_names(const fse_sch_schema *schema, xmlDocPtr doc)
{
    const xmlChar **names = fse_calloc(schema->n_names + 1, sizeof(*names));
    size_t i;

    for (i = 0; names != NULL && i < schema->n_names; i++) {
        names[i] = xmlDictExists(doc->dict, (const xmlChar *)schema->names[i], -1);
    }
    return names;
}

/* ------------------------------------------------------------ messages -- */

static bool render(xp_ctx *ctx, const sch_tpl *items, size_t n, fse_buf *out);

static bool render_item(xp_ctx *ctx, const sch_tpl *t, fse_buf *out)
{
    xv v;
    size_t i;
    xmlNode *saved = ctx->node;
    bool ok = true;

    switch (t->kind) {
    case SCH_TPL_TEXT:
        return fse_sch__buf_ok(ctx, fse_buf_append_str(out, t->text));
    case SCH_TPL_NAME: {
        const xmlNode *n = ctx->node;

        if (t->expr != NULL) {
            if (!fse_sch__eval(ctx, t->expr, &v)) {
                return false;
            }
            n = v.kind == XV_NODES && v.n > 0 ? v.nodes[0] : NULL;
        }
        if (n != NULL && (n->type == XML_ELEMENT_NODE || n->type == XML_ATTRIBUTE_NODE)) {
            if (n->ns != NULL && n->ns->prefix != NULL &&
                (!fse_sch__buf_ok(ctx, fse_buf_append_str(out, (const char *)n->ns->prefix)) ||
                 !fse_sch__buf_ok(ctx, fse_buf_append_str(out, ":")))) {
                return false;
            }
            return fse_sch__buf_ok(ctx, fse_buf_append_str(out, (const char *)n->name));
        }
        return true;
    }
    case SCH_TPL_VALUE_OF:
        if (!fse_sch__eval(ctx, t->expr, &v)) {
            return false;
        }
        return fse_sch__buf_ok(ctx, fse_buf_append_str(out, fse_sch__value_join(ctx, &v)));
    case SCH_TPL_FOR_EACH:
        if (!fse_sch__eval(ctx, t->expr, &v)) {
            return false;
        }
        if (v.kind != XV_NODES) {
            return fse_sch__raise(ctx, "XTTE0520", "for-each over values that are not nodes");
        }
        for (i = 0; i < v.n && ok; i++) {
            ctx->node = v.nodes[i];
            ok = render(ctx, t->children, t->n_children, out);
        }
        ctx->node = saved;
        return ok;
    }
    return true;
}

static bool render(xp_ctx *ctx, const sch_tpl *items, size_t n, fse_buf *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        bool pad = items[i].padded;

        if ((pad && !fse_sch__buf_ok(ctx, fse_buf_append_str(out, " "))) ||
            !render_item(ctx, &items[i], out) ||
            (pad && !fse_sch__buf_ok(ctx, fse_buf_append_str(out, " ")))) {
            return false;
        }
    }
    return true;
}

/* Collapse runs of whitespace and trim, in place. */
static void normalise_space(char *s)
{
    char *r = s;
    char *w = s;
    bool space = false;

    for (; *r != '\0'; r++) {
        if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
            space = w != s;
            continue;
        }
        if (space) {
            *w++ = ' ';
            space = false;
        }
        *w++ = *r;
    }
    *w = '\0';
}

static bool same_namespace(const xmlNs *a, const xmlNs *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return a == b || strcmp((const char *)a->href, (const char *)b->href) == 0;
}

/* Cut a message longer than FSE_MAX_MESSAGE_BYTES at a character boundary. */
static void shorten_message(char *s)
{
    size_t n = strlen(s);
    size_t cut = FSE_MAX_MESSAGE_BYTES - 4;

    if (n < FSE_MAX_MESSAGE_BYTES) {
        return;
    }
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) {
        cut--;
    }
    memcpy(s + cut, "...", 4);
}

/* /hl7:ClinicalDocument[1]/hl7:component[2]/... for the node; NULL when out of memory. */
static char *node_location(const xmlNode *node)
{
    const xmlNode *chain[FSE_MAX_XML_DEPTH + 2];
    size_t depth = 0;
    fse_buf b;
    const xmlNode *n;
    fse_err rc = FSE_OK;

    for (n = node;
         n != NULL && n->type != XML_DOCUMENT_NODE && depth < sizeof(chain) / sizeof(chain[0]);
         n = n->parent) {
        chain[depth++] = n;
    }
    fse_buf_init(&b, FSE_MAX_MESSAGE_BYTES);
    while (depth > 0 && rc == FSE_OK) {
        const xmlNode *cur = chain[--depth];
        const char *prefix = NULL;
        size_t pos = 1;
        const xmlNode *s;

        if (cur->ns != NULL) {
            prefix = cur->ns->prefix != NULL ? (const char *)cur->ns->prefix
                     : strcmp((const char *)cur->ns->href, HL7_NS) == 0 ? "hl7"
                                                                        : "*";
        }
        if (cur->type == XML_ATTRIBUTE_NODE) {
            rc = fse_buf_printf(&b, "/@%s", (const char *)cur->name);
            continue;
        }
        for (s = cur->prev; s != NULL; s = s->prev) {
            pos += s->type == XML_ELEMENT_NODE &&
                   strcmp((const char *)s->name, (const char *)cur->name) == 0 &&
                   same_namespace(s->ns, cur->ns);
        }
        rc = fse_buf_printf(&b, "/%s%s%s[%zu]", prefix != NULL ? prefix : "",
                            prefix != NULL ? ":" : "", (const char *)cur->name, pos);
    }
    if (rc != FSE_OK) {
        fse_buf_free(&b);
        return NULL;
    }
    return fse_buf_steal(&b, NULL);
}

static fse_err add_finding(run_state *st, xp_ctx *ctx, const sch_check *chk)
{
    fse_sch_result *r = st->result;
    fse_sch_finding *f;
    fse_buf msg;

    if (chk->kind == FSE_SCH_FAILED_ASSERT) {
        r->n_failed_asserts++;
    } else {
        r->n_reports++;
    }
    if (r->n_findings >= FSE_MAX_REPORT_FAILURES) {
        return FSE_OK;
    }
    if (r->n_findings == st->cap_findings) {
        size_t cap = st->cap_findings == 0 ? 16 : st->cap_findings * 2;
        fse_sch_finding *grown = fse_realloc(r->findings, cap * sizeof(*grown));

        if (grown == NULL) {
            return fse_error_set(FSE_E_NOMEM, "schematron", "findings");
        }
        r->findings = grown;
        st->cap_findings = cap;
    }
    f = &r->findings[r->n_findings];
    memset(f, 0, sizeof(*f));
    f->kind = chk->kind;
    f->label = chk->label;
    /* Rendered whole (values are bounded by the document), shortened after. */
    fse_buf_init(&msg, 4u * FSE_MAX_DOCUMENT_BYTES);
    if (!render(ctx, chk->message, chk->n_message, &msg)) {
        /* An error while building a message aborts the run like any other. */
        fse_buf_free(&msg);
        return FSE_OK;
    }
    f->message = fse_buf_steal(&msg, NULL);
    f->location = node_location(st->context);
    if (f->message == NULL || f->location == NULL) {
        fse_free(f->message);
        fse_free(f->location);
        return fse_error_set(FSE_E_NOMEM, "schematron", "finding");
    }
    normalise_space(f->message);
    shorten_message(f->message);
    r->n_findings++;
    return FSE_OK;
}

/* ----------------------------------------------------------- variables -- */

static bool eval_let_content(xp_ctx *ctx, const sch_let *let, xv *out)
{
    fse_buf b;
    char *s;

    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    if (!render(ctx, let->content, let->n_content, &b)) {
        fse_buf_free(&b);
        return false;
    }
    s = fse_sch__arena_strndup(ctx->arena, b.data != NULL ? b.data : "", b.len);
    fse_buf_free(&b);
    if (s == NULL) {
        return fse_sch__raise(ctx, "FSE0001", "out of memory while evaluating");
    }
    memset(out, 0, sizeof(*out));
    out->kind = XV_STRING;
    out->untyped = true; /* a temporary tree atomizes to xs:untypedAtomic */
    out->s = s;
    return true;
}

static bool eval_var(xp_ctx *ctx, int slot, xv *out)
{
    run_state *st = ctx->user;
    const sch_pattern *p = st->pattern;
    const sch_let *let;
    xmlNode *saved_node = ctx->node;
    size_t saved_pos = ctx->position;
    size_t saved_size = ctx->size;
    sch_arena *saved_arena = ctx->arena;
    bool ok;

    if ((size_t)slot < p->n_lets) {
        let = &p->lets[slot];
        ctx->node = (xmlNode *)ctx->doc;
        ctx->arena = &st->persistent;
    } else {
        let = &st->rule->lets[(size_t)slot - p->n_lets];
        ctx->node = st->context;
    }
    ctx->position = 1;
    ctx->size = 1;
    ok = let->value != NULL ? fse_sch__eval(ctx, let->value, out) : eval_let_content(ctx, let, out);
    ctx->node = saved_node;
    ctx->position = saved_pos;
    ctx->size = saved_size;
    ctx->arena = saved_arena;
    return ok;
}

/* ---------------------------------------------------------------- rules -- */

static const sch_rule_bucket *find_bucket(const sch_pattern *p, const char *local)
{
    size_t lo = 0;
    size_t hi = p->n_buckets;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(local, p->buckets[mid].local);

        if (c == 0) {
            return &p->buckets[mid];
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

static size_t pointer_hash(const void *p, size_t mask)
{
    return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15u >> 7) & mask;
}

/* Index the pattern's buckets by the document's interned name pointers. */
static fse_err index_buckets(run_state *st, const xp_ctx *ctx)
{
    const sch_pattern *p = st->pattern;
    size_t n = 16;
    size_t i;

    fse_free(st->bucket_slots);
    st->bucket_slots = NULL;
    if (ctx->names == NULL) {
        return FSE_OK;
    }
    while (n < 4 * p->n_buckets) {
        n *= 2;
    }
    st->bucket_slots = fse_calloc(n, sizeof(*st->bucket_slots));
    if (st->bucket_slots == NULL) {
        return fse_error_set(FSE_E_NOMEM, "schematron", "rule index");
    }
    st->bucket_mask = n - 1;
    for (i = 0; i < p->n_buckets; i++) {
        const xmlChar *name = ctx->names[p->buckets[i].name_index];
        size_t h;

        if (name == NULL) {
            continue; /* no element of this document has that name */
        }
        for (h = pointer_hash(name, st->bucket_mask); st->bucket_slots[h] != NULL;
             h = (h + 1) & st->bucket_mask) {
        }
        st->bucket_slots[h] = &p->buckets[i];
    }
    return FSE_OK;
}

static const sch_rule_bucket *bucket_of(const run_state *st, const xp_ctx *ctx, const xmlNode *node)
{
    size_t h;

    if (st->bucket_slots == NULL) {
        return find_bucket(st->pattern, (const char *)node->name);
    }
    for (h = pointer_hash(node->name, st->bucket_mask); st->bucket_slots[h] != NULL;
         h = (h + 1) & st->bucket_mask) {
        if (ctx->names[st->bucket_slots[h]->name_index] == node->name) {
            return st->bucket_slots[h];
        }
    }
    return NULL;
}

/* First rule of the pattern whose context matches node, or NULL. */
static bool first_matching_rule(const run_state *st, xp_ctx *ctx, xmlNode *node,
                                const sch_rule **out)
{
    const sch_pattern *p = st->pattern;
    const sch_rule_bucket *named = bucket_of(st, ctx, node);
    size_t i = 0;
    size_t j = 0;
    size_t n_named = named != NULL ? named->n_rules : 0;

    *out = NULL;
    /* Merge the two candidate lists in file order. */
    while (i < n_named || j < p->wildcard.n_rules) {
        const sch_rule *r;
        bool match;

        if (j >= p->wildcard.n_rules ||
            (i < n_named && named->rules[i]->index < p->wildcard.rules[j]->index)) {
            r = named->rules[i++];
        } else {
            r = p->wildcard.rules[j++];
        }
        if (!fse_sch__pattern_matches(ctx, r->context, node, &match)) {
            return false;
        }
        if (match) {
            *out = r;
            return true;
        }
    }
    return true;
}

static bool fire_rule(run_state *st, xp_ctx *ctx, const sch_rule *rule, xmlNode *node)
{
    size_t i;
    size_t base = st->pattern->n_lets;

    st->rule = rule;
    st->context = node;
    for (i = 0; i < rule->n_lets; i++) {
        ctx->var_state[base + i] = XP_VAR_UNSET;
    }
    ctx->node = node;
    ctx->position = 1;
    ctx->size = 1;
    st->result->n_rules_fired++;
    for (i = 0; i < rule->n_checks; i++) {
        const sch_check *chk = &rule->checks[i];
        bool value;

        if (!fse_sch__eval_bool(ctx, chk->test, &value)) {
            return false;
        }
        if (value == (chk->kind == FSE_SCH_REPORT)) {
            st->rc = add_finding(st, ctx, chk);
            if (st->rc != FSE_OK || ctx->error) {
                return false;
            }
        }
    }
    return true;
}

static bool run_pattern(run_state *st, xp_ctx *ctx, xmlDocPtr doc)
{
    xmlNode *cur;

    for (cur = xmlDocGetRootElement(doc); cur != NULL; cur = preorder_next(cur)) {
        const sch_rule *rule;
        sch_arena_mark mark;
        bool ok;

        if (cur->type != XML_ELEMENT_NODE) {
            continue;
        }
        mark = fse_sch__arena_mark(&st->scratch);
        ok = first_matching_rule(st, ctx, cur, &rule) &&
             (rule == NULL || fire_rule(st, ctx, rule, cur));
        fse_sch__arena_reset(&st->scratch, mark);
        if (!ok) {
            return false;
        }
    }
    return true;
}

static size_t max_slots(const fse_sch_schema *schema)
{
    size_t i;
    size_t m = 1;

    for (i = 0; i < schema->n_patterns; i++) {
        if (schema->patterns[i].max_slots > m) {
            m = schema->patterns[i].max_slots;
        }
    }
    return m;
}

fse_err fse_sch_run(const fse_sch_schema *schema, xmlDocPtr doc, fse_sch_result **out)
{
    run_state st;
    xp_ctx ctx;
    size_t slots = max_slots(schema);
    size_t max_order = 0;
    sch_child_index *children = NULL;
    sch_match_memo *memo = NULL;
    size_t i;
    fse_err rc = FSE_OK;

    *out = NULL;
    if (xmlDocGetRootElement(doc) == NULL) {
        return fse_error_set(FSE_E_ARG, "schematron", "document has no root element");
    }
    memset(&st, 0, sizeof(st));
    memset(&ctx, 0, sizeof(ctx));
    st.schema = schema;
    fse_sch__arena_init(&st.persistent, SCRATCH_MAX_BYTES);
    fse_sch__arena_init(&st.scratch, SCRATCH_MAX_BYTES);
    st.result = fse_calloc(1, sizeof(*st.result));
    ctx.vars = fse_calloc(slots, sizeof(*ctx.vars));
    ctx.var_state = fse_calloc(slots, sizeof(*ctx.var_state));
    ctx.match_data = pcre2_match_data_create(4, NULL);
    ctx.cache = fse_calloc(schema->n_cache_slots + 1, sizeof(*ctx.cache));
    ctx.cached = fse_calloc(schema->n_cache_slots + 1, sizeof(*ctx.cached));
    if (st.result == NULL || ctx.vars == NULL || ctx.var_state == NULL || ctx.match_data == NULL ||
        ctx.cache == NULL || ctx.cached == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, "schematron", "run state");
        goto done;
    }
    if (number_nodes(doc, &max_order)) {
        ctx.names = intern_names(schema, doc);
        if (ctx.names == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, "schematron", "run state");
            goto done;
        }
        rc = fse_sch__index_build(&children, doc, max_order);
        if (rc != FSE_OK) {
            goto done;
        }
        ctx.children = children;
    }
    rc = fse_sch__memo_new(&memo);
    if (rc != FSE_OK) {
        goto done;
    }
    ctx.memo = memo;
    ctx.persistent = &st.persistent;
    ctx.doc = doc;
    ctx.arena = &st.scratch;
    ctx.n_vars = slots;
    ctx.eval_var = eval_var;
    ctx.user = &st;
    for (i = 0; i < schema->n_patterns; i++) {
        st.pattern = &schema->patterns[i];
        rc = index_buckets(&st, &ctx);
        if (rc != FSE_OK) {
            goto done;
        }
        memset(ctx.var_state, 0, slots * sizeof(*ctx.var_state));
        if (!run_pattern(&st, &ctx, doc)) {
            break;
        }
    }
    if (st.rc != FSE_OK) {
        rc = st.rc;
        goto done;
    }
    if (ctx.error && strncmp(ctx.error_message, FSE_SCH_OOM, strlen(FSE_SCH_OOM)) == 0) {
        rc = fse_error_set(FSE_E_NOMEM, "schematron", "out of memory while evaluating");
        goto done;
    }
    if (ctx.error) {
        st.result->dynamic_error = true;
        snprintf(st.result->error_message, sizeof(st.result->error_message), "%s",
                 ctx.error_message);
    }
    *out = st.result;
    st.result = NULL;
done:
    fse_sch_result_free(st.result);
    pcre2_match_data_free(ctx.match_data);
    fse_sch__index_free(children);
    fse_free(st.bucket_slots);
    fse_sch__memo_free(memo);
    fse_free((void *)ctx.names);
    fse_free(ctx.cache);
    fse_free(ctx.cached);
    fse_free(ctx.vars);
    fse_free(ctx.var_state);
    fse_sch__arena_free(&st.persistent);
    fse_sch__arena_free(&st.scratch);
    return rc;
}

void fse_sch_result_free(fse_sch_result *result)
{
    size_t i;

    if (result == NULL) {
        return;
    }
    for (i = 0; i < result->n_findings; i++) {
        fse_free(result->findings[i].message);
        fse_free(result->findings[i].location);
    }
    fse_free(result->findings);
    fse_free(result);
}
