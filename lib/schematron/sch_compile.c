/*
 * lib/schematron/sch_compile.c - loading an ISO Schematron file into an
 * immutable rule set.
 *
 * Owns the schematron structure: ns declarations, schema/pattern/rule lets,
 * asserts and reports with their message templates (text, name, value-of and
 * the foreign xsl:for-each / xsl:value-of the official files put in
 * messages), rule labels (the text before the first '|'), variable slots and
 * the index of rules by the element name their context ends with. XPath
 * parsing lives in xpath_parse.c; running in sch_run.c.
 */
#include "sch_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/limits.h"
#include "fse/xml.h"

#define SCH_NS_ISO "http://purl.oclc.org/dsdl/schematron"
#define SCH_NS_ASCC "http://www.ascc.net/xml/schematron"
#define XSL_NS "http://www.w3.org/1999/XSL/Transform"
#define SCH_MAX_NAMESPACES 64

typedef struct ns_decl {
    const char *prefix;
    const char *uri;
} ns_decl;

/* Compile-time state for one schema. */
typedef struct compiler {
    fse_sch_schema *schema;
    const char *file;
    ns_decl ns[SCH_MAX_NAMESPACES];
    size_t n_ns;
    /* variables in scope: schema lets, pattern lets, then the rule's lets */
    const sch_let *scope[2];
    size_t scope_n[2];
    size_t scope_base[2];
    xp_compile_env env;
} compiler;

static bool is_sch(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           (strcmp((const char *)n->ns->href, SCH_NS_ISO) == 0 ||
            strcmp((const char *)n->ns->href, SCH_NS_ASCC) == 0) &&
           strcmp((const char *)n->name, name) == 0;
}

static bool is_xsl(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           strcmp((const char *)n->ns->href, XSL_NS) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

static const char *resolve_ns(void *user, const char *prefix)
{
    compiler *c = user;
    size_t i;

    for (i = 0; i < c->n_ns; i++) {
        if (strcmp(c->ns[i].prefix, prefix) == 0) {
            return c->ns[i].uri;
        }
    }
    if (strcmp(prefix, "xml") == 0) {
        return "http://www.w3.org/XML/1998/namespace";
    }
    return NULL;
}

static int resolve_var(void *user, const char *name)
{
    compiler *c = user;
    int level;
    size_t i;

    /* innermost scope first: rule lets (scope 1), then pattern-level (scope 0) */
    for (level = 1; level >= 0; level--) {
        for (i = 0; i < c->scope_n[level]; i++) {
            if (strcmp(c->scope[level][i].name, name) == 0) {
                return (int)(c->scope_base[level] + i);
            }
        }
    }
    return -1;
}

static char *arena_dup(compiler *c, const char *s)
{
    return fse_sch__arena_strndup(&c->schema->arena, s, strlen(s));
}

static fse_err nomem(void)
{
    return fse_error_set(FSE_E_NOMEM, "schematron", "out of memory compiling rules");
}

static const char *attr(const xmlNode *n, const char *name)
{
    return fse_xml_attr(n, name);
}

/* ---------------------------------------------------------- templates -- */

typedef struct tpl_list {
    sch_tpl *items;
    size_t n;
    size_t cap;
} tpl_list;

static fse_err tpl_push(compiler *c, tpl_list *l, const sch_tpl *t)
{
    if (l->n == l->cap) {
        size_t cap = l->cap == 0 ? 4 : l->cap * 2;
        sch_tpl *grown = fse_sch__arena_alloc(&c->schema->arena, cap * sizeof(*grown));

        if (grown == NULL) {
            return nomem();
        }
        if (l->n > 0) {
            memcpy(grown, l->items, l->n * sizeof(*grown));
        }
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->n++] = *t;
    return FSE_OK;
}

static fse_err compile_select(compiler *c, const xmlNode *n, const char *attr_name, xp_expr **out)
{
    const char *select = attr(n, attr_name);

    if (select == NULL) {
        return fse_error_set(FSE_E_PARSE, "schematron", "<%s> without @%s", (const char *)n->name,
                             attr_name);
    }
    return fse_sch__xpath_compile(out, select, &c->env);
}

static fse_err compile_template(compiler *c, const xmlNode *parent, tpl_list *out)
{
    const xmlNode *n;
    fse_err rc = FSE_OK;

    for (n = parent->children; n != NULL && rc == FSE_OK; n = n->next) {
        sch_tpl t;

        memset(&t, 0, sizeof(t));
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (xmlIsBlankNode(n)) {
                continue; /* whitespace-only text is stripped, as in an XSLT stylesheet */
            }
            t.kind = SCH_TPL_TEXT;
            t.text = arena_dup(c, (const char *)n->content);
            rc = t.text != NULL ? tpl_push(c, out, &t) : nomem();
        } else if (n->type != XML_ELEMENT_NODE) {
            continue;
        } else if (is_sch(n, "name")) {
            t.kind = SCH_TPL_NAME;
            t.padded = true;
            if (attr(n, "path") != NULL) {
                rc = compile_select(c, n, "path", &t.expr);
            }
            if (rc == FSE_OK) {
                rc = tpl_push(c, out, &t);
            }
        } else if (is_sch(n, "value-of") || is_xsl(n, "value-of")) {
            t.kind = SCH_TPL_VALUE_OF;
            t.padded = is_sch(n, "value-of");
            rc = compile_select(c, n, "select", &t.expr);
            if (rc == FSE_OK) {
                rc = tpl_push(c, out, &t);
            }
        } else if (is_xsl(n, "for-each")) {
            tpl_list body;

            memset(&body, 0, sizeof(body));
            t.kind = SCH_TPL_FOR_EACH;
            rc = compile_select(c, n, "select", &t.expr);
            if (rc == FSE_OK) {
                rc = compile_template(c, n, &body);
            }
            t.children = body.items;
            t.n_children = body.n;
            if (rc == FSE_OK) {
                rc = tpl_push(c, out, &t);
            }
        } else {
            /* emph, dir, span, xsl:text...: their content is message text */
            rc = compile_template(c, n, out);
        }
    }
    return rc;
}

/* Label: the static text before the first '|', trimmed. */
static const char *message_label(compiler *c, const sch_tpl *items, size_t n)
{
    fse_buf b;
    size_t i;
    const char *bar;
    const char *start;
    const char *end;
    char *label;

    fse_buf_init(&b, FSE_MAX_MESSAGE_BYTES);
    for (i = 0; i < n && items[i].kind == SCH_TPL_TEXT; i++) {
        if (fse_buf_append_str(&b, items[i].text) != FSE_OK) {
            fse_buf_free(&b);
            return NULL;
        }
    }
    bar = b.data != NULL ? strchr(b.data, '|') : NULL;
    start = b.data != NULL ? b.data : "";
    if (bar == NULL) {
        /* No '|': the first word stands as the label. */
        while (*start == ' ' || *start == '\n' || *start == '\t' || *start == '\r') {
            start++;
        }
        bar = start;
        while (*bar != '\0' && *bar != ' ' && *bar != '\n' && *bar != '\t' && *bar != '\r') {
            bar++;
        }
    }
    while (start < bar && (*start == ' ' || *start == '\n' || *start == '\t' || *start == '\r')) {
        start++;
    }
    end = bar;
    while (end > start &&
           (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\t' || end[-1] == '\r')) {
        end--;
    }
    label = fse_sch__arena_strndup(&c->schema->arena, start, (size_t)(end - start));
    fse_buf_free(&b);
    return label;
}

/* ------------------------------------------------------------- lets -- */

static size_t count_children(const xmlNode *parent, const char *name)
{
    const xmlNode *n;
    size_t count = 0;

    for (n = parent->children; n != NULL; n = n->next) {
        count += is_sch(n, name);
    }
    return count;
}

/* Collect the names of the lets under parent (compiled later, once all are known). */
static fse_err declare_lets(compiler *c, const xmlNode *parent, sch_let **out, size_t *n_out)
{
    const xmlNode *n;
    size_t count = count_children(parent, "let");
    sch_let *lets;
    size_t i = 0;

    *out = NULL;
    *n_out = 0;
    if (count == 0) {
        return FSE_OK;
    }
    lets = fse_sch__arena_alloc(&c->schema->arena, count * sizeof(*lets));
    if (lets == NULL) {
        return nomem();
    }
    memset(lets, 0, count * sizeof(*lets));
    for (n = parent->children; n != NULL; n = n->next) {
        const char *name;

        if (!is_sch(n, "let")) {
            continue;
        }
        name = attr(n, "name");
        if (name == NULL) {
            return fse_error_set(FSE_E_PARSE, "schematron", "%s: <let> without @name", c->file);
        }
        lets[i].name = arena_dup(c, name);
        if (lets[i].name == NULL) {
            return nomem();
        }
        i++;
    }
    *out = lets;
    *n_out = count;
    return FSE_OK;
}

static fse_err compile_lets(compiler *c, const xmlNode *parent, sch_let *lets)
{
    const xmlNode *n;
    size_t i = 0;
    fse_err rc = FSE_OK;

    for (n = parent->children; n != NULL && rc == FSE_OK; n = n->next) {
        if (!is_sch(n, "let")) {
            continue;
        }
        if (attr(n, "value") != NULL) {
            rc = fse_sch__xpath_compile(&lets[i].value, attr(n, "value"), &c->env);
        } else {
            tpl_list content;

            memset(&content, 0, sizeof(content));
            rc = compile_template(c, n, &content);
            lets[i].content = content.items;
            lets[i].n_content = content.n;
        }
        if (rc != FSE_OK) {
            fse_error_prefix(lets[i].name);
        }
        i++;
    }
    return rc;
}

/* ------------------------------------------------------------ rules -- */

static fse_err compile_checks(compiler *c, const xmlNode *rule_node, sch_rule *rule)
{
    const xmlNode *n;
    size_t count = count_children(rule_node, "assert") + count_children(rule_node, "report");
    size_t i = 0;
    fse_err rc = FSE_OK;

    rule->checks = fse_sch__arena_alloc(&c->schema->arena, (count + 1) * sizeof(sch_check));
    if (rule->checks == NULL) {
        return nomem();
    }
    for (n = rule_node->children; n != NULL && rc == FSE_OK; n = n->next) {
        sch_check *chk;
        tpl_list msg;
        const char *test;

        if (!is_sch(n, "assert") && !is_sch(n, "report")) {
            if (is_sch(n, "extends")) {
                return fse_error_set(FSE_E_UNSUPPORTED, "schematron",
                                     "%s: <extends> is not supported", c->file);
            }
            continue;
        }
        chk = &rule->checks[i++];
        memset(chk, 0, sizeof(*chk));
        chk->kind = is_sch(n, "assert") ? FSE_SCH_FAILED_ASSERT : FSE_SCH_REPORT;
        test = attr(n, "test");
        if (test == NULL) {
            return fse_error_set(FSE_E_PARSE, "schematron", "%s without @test",
                                 (const char *)n->name);
        }
        chk->test_text = arena_dup(c, test);
        rc = fse_sch__xpath_compile(&chk->test, test, &c->env);
        if (rc != FSE_OK) {
            return rc;
        }
        memset(&msg, 0, sizeof(msg));
        rc = compile_template(c, n, &msg);
        chk->message = msg.items;
        chk->n_message = msg.n;
        chk->label = rc == FSE_OK ? message_label(c, msg.items, msg.n) : "";
        if (chk->label == NULL) {
            return nomem();
        }
    }
    rule->n_checks = i;
    c->schema->n_checks += i;
    return rc;
}

static fse_err compile_rule(compiler *c, const xmlNode *rule_node, sch_rule *rule, size_t base_slot)
{
    const char *context = attr(rule_node, "context");
    fse_err rc;

    if (context == NULL) {
        return fse_error_set(FSE_E_UNSUPPORTED, "schematron",
                             "%s: abstract rules (rule without @context) are not supported",
                             c->file);
    }
    rule->context_text = arena_dup(c, context);
    rc = declare_lets(c, rule_node, &rule->lets, &rule->n_lets);
    if (rc != FSE_OK) {
        return rc;
    }
    /* The rule's own lets are not visible in its context (an XSLT match pattern). */
    c->scope_n[1] = 0;
    rc = fse_sch__pattern_compile(&rule->context, context, &c->env);
    c->scope[1] = rule->lets;
    c->scope_n[1] = rule->n_lets;
    c->scope_base[1] = base_slot;
    if (rc == FSE_OK) {
        rc = compile_lets(c, rule_node, rule->lets);
    }
    if (rc == FSE_OK) {
        rc = compile_checks(c, rule_node, rule);
    }
    if (rc != FSE_OK) {
        fse_error_prefix(c->file);
    }
    c->scope_n[1] = 0;
    return rc;
}

/* ---------------------------------------------------- context prefixes -- */

/* Id of the prefix (parent, step), adding it when new. */
static int prefix_id(compiler *c, int parent, bool absolute, const xp_step *step, size_t cap)
{
    fse_sch_schema *sc = c->schema;
    size_t i;

    for (i = 0; i < sc->n_prefixes; i++) {
        const sch_prefix *p = &sc->prefixes[i];

        if (p->parent == parent && p->absolute == absolute && fse_sch__step_equal(p->step, step)) {
            return (int)i;
        }
    }
    if (sc->n_prefixes == cap) {
        return -1;
    }
    sc->prefixes[sc->n_prefixes].parent = parent;
    sc->prefixes[sc->n_prefixes].absolute = absolute;
    sc->prefixes[sc->n_prefixes].step = step;
    return (int)sc->n_prefixes++;
}

/* Give every step prefix of a context path its shared id. */
static fse_err assign_prefixes(compiler *c, xp_expr *context, size_t cap)
{
    size_t k;
    int parent = -1;

    if (context->kind == XP_UNION) {
        fse_err rc = assign_prefixes(c, context->a, cap);

        return rc != FSE_OK ? rc : assign_prefixes(c, context->b, cap);
    }
    context->prefix_ids =
        fse_sch__arena_alloc(&c->schema->arena, (context->n_steps + 1) * sizeof(int));
    if (context->prefix_ids == NULL) {
        return nomem();
    }
    for (k = 0; k < context->n_steps; k++) {
        parent = prefix_id(c, parent, context->absolute, &context->steps[k], cap);
        if (parent < 0) {
            return fse_error_set(FSE_E_LIMIT, "schematron", "%s: too many rule contexts", c->file);
        }
        context->prefix_ids[k] = parent;
    }
    return FSE_OK;
}

static size_t count_steps(const xp_expr *e)
{
    return e->kind == XP_UNION ? count_steps(e->a) + count_steps(e->b) : e->n_steps;
}

static fse_err index_prefixes(compiler *c)
{
    fse_sch_schema *sc = c->schema;
    size_t cap = 0;
    size_t i;
    size_t r;
    fse_err rc = FSE_OK;

    for (i = 0; i < sc->n_patterns; i++) {
        for (r = 0; r < sc->patterns[i].n_rules; r++) {
            cap += count_steps(sc->patterns[i].rules[r].context);
        }
    }
    sc->prefixes = fse_sch__arena_alloc(&sc->arena, (cap + 1) * sizeof(*sc->prefixes));
    if (sc->prefixes == NULL) {
        return nomem();
    }
    for (i = 0; i < sc->n_patterns && rc == FSE_OK; i++) {
        for (r = 0; r < sc->patterns[i].n_rules && rc == FSE_OK; r++) {
            rc = assign_prefixes(c, sc->patterns[i].rules[r].context, cap);
        }
    }
    return rc;
}

/* --------------------------------------------------------- rule index -- */

/* The last step of a rule context when it tests a name, or NULL for wildcards. */
static const xp_step *context_key(const xp_expr *context)
{
    const xp_step *last;

    if (context->kind != XP_PATH || context->n_steps == 0) {
        return NULL;
    }
    last = &context->steps[context->n_steps - 1];
    if (last->test != XP_TEST_NAME || last->axis == XP_AXIS_ATTRIBUTE) {
        return NULL;
    }
    return last;
}

static int cmp_bucket(const void *a, const void *b)
{
    return strcmp(((const sch_rule_bucket *)a)->local, ((const sch_rule_bucket *)b)->local);
}

static fse_err bucket_add(compiler *c, sch_rule_bucket *bucket, const sch_rule *rule, size_t cap)
{
    if (bucket->rules == NULL) {
        bucket->rules = fse_sch__arena_alloc(&c->schema->arena, cap * sizeof(*bucket->rules));
        if (bucket->rules == NULL) {
            return nomem();
        }
    }
    bucket->rules[bucket->n_rules++] = rule;
    return FSE_OK;
}

static fse_err index_rules(compiler *c, sch_pattern *p)
{
    size_t i;
    size_t j;
    fse_err rc = FSE_OK;

    p->buckets = fse_sch__arena_alloc(&c->schema->arena, (p->n_rules + 1) * sizeof(*p->buckets));
    if (p->buckets == NULL) {
        return nomem();
    }
    memset(p->buckets, 0, (p->n_rules + 1) * sizeof(*p->buckets));
    memset(&p->wildcard, 0, sizeof(p->wildcard));
    for (i = 0; i < p->n_rules && rc == FSE_OK; i++) {
        const xp_step *key = context_key(p->rules[i].context);
        sch_rule_bucket *b = NULL;

        if (key == NULL) {
            rc = bucket_add(c, &p->wildcard, &p->rules[i], p->n_rules);
            continue;
        }
        for (j = 0; j < p->n_buckets; j++) {
            if (strcmp(p->buckets[j].local, key->local) == 0) {
                b = &p->buckets[j];
            }
        }
        if (b == NULL) {
            b = &p->buckets[p->n_buckets++];
            b->local = key->local;
            b->name_index = key->name_index;
        }
        rc = bucket_add(c, b, &p->rules[i], p->n_rules);
    }
    qsort(p->buckets, p->n_buckets, sizeof(*p->buckets), cmp_bucket);
    return rc;
}

/* ---------------------------------------------------------- patterns -- */

static fse_err compile_pattern(compiler *c, const xmlNode *pat_node, sch_pattern *p)
{
    const xmlNode *n;
    size_t n_rules = count_children(pat_node, "rule");
    size_t base;
    size_t i = 0;
    fse_err rc;

    if (attr(pat_node, "abstract") != NULL || attr(pat_node, "is-a") != NULL) {
        return fse_error_set(FSE_E_UNSUPPORTED, "schematron",
                             "%s: abstract patterns are not supported", c->file);
    }
    rc = declare_lets(c, pat_node, &p->lets, &p->n_lets);
    if (rc != FSE_OK) {
        return rc;
    }
    /* Pattern scope = schema lets followed by the pattern's own lets. */
    if (c->schema->n_lets > 0) {
        sch_let *all =
            fse_sch__arena_alloc(&c->schema->arena, (c->schema->n_lets + p->n_lets) * sizeof(*all));

        if (all == NULL) {
            return nomem();
        }
        memcpy(all, c->schema->lets, c->schema->n_lets * sizeof(*all));
        if (p->n_lets > 0) {
            memcpy(all + c->schema->n_lets, p->lets, p->n_lets * sizeof(*all));
        }
        p->lets = all;
        p->n_lets += c->schema->n_lets;
    }
    c->scope[0] = p->lets;
    c->scope_n[0] = p->n_lets;
    c->scope_base[0] = 0;
    rc = compile_lets(c, pat_node, p->lets + c->schema->n_lets);
    if (rc != FSE_OK) {
        return fse_error_prefix(c->file);
    }
    base = p->n_lets;
    p->max_slots = base;
    p->rules = fse_sch__arena_alloc(&c->schema->arena, (n_rules + 1) * sizeof(*p->rules));
    if (p->rules == NULL) {
        return nomem();
    }
    memset(p->rules, 0, (n_rules + 1) * sizeof(*p->rules));
    for (n = pat_node->children; n != NULL && rc == FSE_OK; n = n->next) {
        if (!is_sch(n, "rule")) {
            continue;
        }
        p->rules[i].index = i;
        rc = compile_rule(c, n, &p->rules[i], base);
        if (base + p->rules[i].n_lets > p->max_slots) {
            p->max_slots = base + p->rules[i].n_lets;
        }
        i++;
    }
    p->n_rules = i;
    c->schema->n_rules += i;
    return rc == FSE_OK ? index_rules(c, p) : rc;
}

static fse_err compile_schema(compiler *c, const xmlNode *root)
{
    const xmlNode *n;
    size_t n_patterns = count_children(root, "pattern");
    size_t i = 0;
    fse_err rc;

    for (n = root->children; n != NULL; n = n->next) {
        if (is_sch(n, "ns")) {
            const char *prefix = attr(n, "prefix");
            const char *uri = attr(n, "uri");

            if (prefix == NULL || uri == NULL || c->n_ns == SCH_MAX_NAMESPACES) {
                return fse_error_set(FSE_E_PARSE, "schematron", "%s: invalid <ns>", c->file);
            }
            c->ns[c->n_ns].prefix = arena_dup(c, prefix);
            c->ns[c->n_ns].uri = arena_dup(c, uri);
            if (c->ns[c->n_ns].prefix == NULL || c->ns[c->n_ns].uri == NULL) {
                return nomem();
            }
            c->n_ns++;
        } else if (is_sch(n, "title") && c->schema->title == NULL) {
            xmlChar *t = xmlNodeGetContent(n);

            c->schema->title = t != NULL ? arena_dup(c, (const char *)t) : NULL;
            xmlFree(t);
        } else if (is_sch(n, "include") || is_sch(n, "phase") || is_sch(n, "diagnostics")) {
            if (!is_sch(n, "phase") && !is_sch(n, "diagnostics")) {
                return fse_error_set(FSE_E_UNSUPPORTED, "schematron",
                                     "%s: <include> is not supported", c->file);
            }
        }
    }
    rc = declare_lets(c, root, &c->schema->lets, &c->schema->n_lets);
    if (rc != FSE_OK) {
        return rc;
    }
    c->scope[0] = c->schema->lets;
    c->scope_n[0] = c->schema->n_lets;
    rc = compile_lets(c, root, c->schema->lets);
    if (rc != FSE_OK) {
        return rc;
    }
    if (n_patterns == 0) {
        return fse_error_set(FSE_E_PARSE, "schematron", "%s: no <pattern>", c->file);
    }
    c->schema->patterns = fse_sch__arena_alloc(&c->schema->arena, n_patterns * sizeof(sch_pattern));
    if (c->schema->patterns == NULL) {
        return nomem();
    }
    memset(c->schema->patterns, 0, n_patterns * sizeof(sch_pattern));
    for (n = root->children; n != NULL; n = n->next) {
        if (is_sch(n, "pattern")) {
            rc = compile_pattern(c, n, &c->schema->patterns[i++]);
            if (rc != FSE_OK) {
                return rc;
            }
        }
    }
    c->schema->n_patterns = i;
    return index_prefixes(c);
}

fse_err fse_sch_compile(fse_sch_schema **out, const uint8_t *sch, size_t len, const char *name)
{
    fse_xml_parse_opts opts = {0};
    xmlDocPtr doc = NULL;
    xmlNode *root;
    compiler c;
    fse_sch_schema *schema;
    fse_err rc;

    *out = NULL;
    opts.max_bytes = FSE_MAX_RULES_FILE_BYTES;
    rc = fse_xml_parse(&doc, NULL, sch, len, &opts);
    if (rc != FSE_OK) {
        return fse_error_prefix(name);
    }
    schema = fse_calloc(1, sizeof(*schema));
    if (schema == NULL) {
        xmlFreeDoc(doc);
        return nomem();
    }
    fse_sch__arena_init(&schema->arena, 256u * 1024u * 1024u);
    memset(&c, 0, sizeof(c));
    c.schema = schema;
    c.file = name;
    c.env.arena = &schema->arena;
    c.env.resolve_var = resolve_var;
    c.env.resolve_ns = resolve_ns;
    c.env.user = &c;
    c.env.regexes = &schema->regexes;
    c.env.n_regexes = &schema->n_regexes;
    c.env.names = &schema->names;
    c.env.n_names = &schema->n_names;
    c.env.n_cache_slots = &schema->n_cache_slots;
    root = xmlDocGetRootElement(doc);
    if (!is_sch(root, "schema")) {
        rc = fse_error_set(FSE_E_PARSE, "schematron",
                           "%s: root element is not a schematron "
                           "<schema>",
                           name);
    } else {
        rc = compile_schema(&c, root);
    }
    xmlFreeDoc(doc);
    if (rc != FSE_OK) {
        fse_sch_free(schema);
        return rc;
    }
    if (schema->title == NULL) {
        schema->title = "";
    }
    *out = schema;
    return FSE_OK;
}

void fse_sch_free(fse_sch_schema *schema)
{
    size_t i;

    if (schema == NULL) {
        return;
    }
    for (i = 0; i < schema->n_regexes; i++) {
        pcre2_code_free(schema->regexes[i]);
    }
    fse_sch__arena_free(&schema->arena);
    fse_free(schema);
}

const char *fse_sch_title(const fse_sch_schema *schema)
{
    return schema->title;
}

size_t fse_sch_rule_count(const fse_sch_schema *schema)
{
    return schema->n_rules;
}

size_t fse_sch_check_count(const fse_sch_schema *schema)
{
    return schema->n_checks;
}
