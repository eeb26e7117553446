/*
 * lib/terminology/terminology_check.c - the vocabulary step (outcome 02) of
 * the national validator on a parsed CDA.
 *
 * Owns rules 3-5 of specs/vocabulary-rules.md: the answer-list rewrite of
 * `value` code systems (CodeSystemUtility.sanitizeCda), the extraction of
 * every element carrying a codeSystem attribute (CDAHelper.extractAllCodes),
 * and the allow-list, block-list, unknown-system, missing-version,
 * unmanaged-version and code-lookup steps of TerminologySRV, in that order.
 * The validator reads the CDA with jsoup's HTML parser; this file reproduces
 * what decides verdicts: element names are lower-cased qualified names (a
 * prefixed `lab:code` is not `code`), attribute names match
 * case-insensitively (first one wins), empty values count as null. The
 * libxml2 tree is only read. Does not own message wording and ordering
 * (terminology_message.c) nor the tables (terminology_index.c).
 */
#include "terminology_int.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "fse/limits.h"

/* Rule 3 (enums/CodeSystemChangeEnum.java), applied in this order: values
 * under an observation whose `code` child has this @code get this system. */
static const struct answer_list {
    const char *question; /* LOINC question code */
    const char *system;   /* answer-list OID */
} answer_lists[] = {
    {"89261-2", "2.16.840.1.113883.2.9.10.1.4.3.4.5"},
    {"33999-4", "2.16.840.1.113883.2.9.77.22.11.7"},
    {"75246-9", "2.16.840.1.113883.2.9.77.22.11.15"},
    {"72166-2", "1.3.6.1.4.1.12009.10.1.1356"},
    {"74204-9", "1.3.6.1.4.1.12009.10.1.1694"},
    {"45404-1", "1.3.6.1.4.1.12009.10.1.3342"},
};
#define N_ANSWER_LISTS (sizeof(answer_lists) / sizeof(answer_lists[0]))

/* One extracted element while the rules run. */
typedef struct check_item {
    term_item it;
    long system; /* index of the managed system, -1 if unknown */
    bool sanitized;
} check_item;

typedef struct check_ctx {
    const fse_terminology *t;
    check_item *items;
    size_t n_items;
    size_t cap_items;
    xmlChar **owned; /* attribute values that had to be copied */
    size_t n_owned;
    size_t cap_owned;
} check_ctx;

static const char MSG_EMPTY_DB[] = "Non \xc3\xa8 stato trovato alcun dizionario gestito su FSE";
static const char MSG_BLOCKLIST[] =
    "\xc3\x88 stato trovato almeno un dizionario presente in Blocklist: ";
static const char MSG_VERSION[] =
    "\xc3\x88 stata trovata almeno una versione non gestita di un dizionario: ";

/* jsoup's view of an element name: the lower-cased qualified name. */
static bool html_name_is(const xmlNode *n, const char *lower_name)
{
    if (n->type != XML_ELEMENT_NODE) {
        return false;
    }
    if (n->ns != NULL && n->ns->prefix != NULL) {
        return false;
    }
    return xmlStrcasecmp(n->name, (const xmlChar *)lower_name) == 0;
}

/* First unprefixed attribute whose name matches case-insensitively. */
static const xmlAttr *html_attr(const xmlNode *n, const char *name)
{
    const xmlAttr *a;

    for (a = n->properties; a != NULL; a = a->next) {
        if ((a->ns == NULL || a->ns->prefix == NULL) &&
            xmlStrcasecmp(a->name, (const xmlChar *)name) == 0) {
            return a;
        }
    }
    return NULL;
}

/* The attribute's value, borrowed from the tree or copied into ctx->owned. */
static fse_err attr_value(check_ctx *c, const xmlAttr *a, const char **out)
{
    xmlChar *copy;

    *out = NULL;
    if (a == NULL) {
        return FSE_OK;
    }
    if (a->children == NULL) {
        *out = "";
        return FSE_OK;
    }
    if (a->children->next == NULL && a->children->type == XML_TEXT_NODE) {
        *out = a->children->content != NULL ? (const char *)a->children->content : "";
        return FSE_OK;
    }
    if (c->n_owned == c->cap_owned) {
        size_t cap = c->cap_owned == 0 ? 8 : c->cap_owned * 2;
        xmlChar **grown = fse_realloc(c->owned, cap * sizeof(*grown));

        if (grown == NULL) {
            return fse_error_set(FSE_E_NOMEM, TERM_MODULE, "attribute copies");
        }
        c->owned = grown;
        c->cap_owned = cap;
    }
    copy = xmlNodeListGetString(a->doc, a->children, 1);
    if (copy == NULL) {
        return fse_error_set(FSE_E_NOMEM, TERM_MODULE, "attribute copy");
    }
    c->owned[c->n_owned++] = copy;
    *out = (const char *)copy;
    return FSE_OK;
}

/* Rule 4: an empty attribute counts as null. */
static fse_err attr_nonempty(check_ctx *c, const xmlNode *n, const char *name, const char **out)
{
    fse_err rc = attr_value(c, html_attr(n, name), out);

    if (rc == FSE_OK && *out != NULL && (*out)[0] == '\0') {
        *out = NULL;
    }
    return rc;
}

/* jsoup [code='X']: trimmed (Java String.trim) and case-insensitive. */
static bool code_matches(const char *value, const char *want)
{
    size_t len = strlen(value);
    size_t want_len = strlen(want);

    while (len > 0 && (unsigned char)value[0] <= ' ') {
        value++;
        len--;
    }
    while (len > 0 && (unsigned char)value[len - 1] <= ' ') {
        len--;
    }
    return len == want_len &&
           xmlStrncasecmp((const xmlChar *)value, (const xmlChar *)want, (int)len) == 0;
}

/*
 * Rule 3 for one observation: the highest answer list whose question code is
 * the @code of a `code` child (jsoup `observation > code[code='Q']`).
 * The rewrites run in table order, so the last one to match wins. -1: none.
 */
static fse_err observation_list(check_ctx *c, const xmlNode *obs, int *list_out)
{
    const xmlNode *ch;
    const char *v;
    size_t k;
    fse_err rc = FSE_OK;

    *list_out = -1;
    for (ch = obs->children; ch != NULL && rc == FSE_OK; ch = ch->next) {
        if (!html_name_is(ch, "code")) {
            continue;
        }
        rc = attr_value(c, html_attr(ch, "code"), &v);
        if (rc != FSE_OK || v == NULL) {
            continue;
        }
        for (k = 0; k < N_ANSWER_LISTS; k++) {
            if ((int)k > *list_out && code_matches(v, answer_lists[k].question)) {
                *list_out = (int)k;
            }
        }
    }
    return rc;
}

static fse_err push_item(check_ctx *c, const check_item *item)
{
    if (c->n_items == c->cap_items) {
        size_t cap = c->cap_items == 0 ? 64 : c->cap_items * 2;
        check_item *grown;

        if (cap > FSE_MAX_XML_NODES) {
            return fse_error_set(FSE_E_LIMIT, TERM_MODULE, "more than %u coded elements",
                                 FSE_MAX_XML_NODES);
        }
        grown = fse_realloc(c->items, cap * sizeof(*grown));
        if (grown == NULL) {
            return fse_error_set(FSE_E_NOMEM, TERM_MODULE, "coded elements");
        }
        c->items = grown;
        c->cap_items = cap;
    }
    c->items[c->n_items++] = *item;
    return FSE_OK;
}

/*
 * Visit one element at depth d. lists[d] receives the answer list in force
 * for its descendants; inherited is the one in force from its ancestors.
 */
static fse_err visit(check_ctx *c, const xmlNode *n, int inherited, int *own_out)
{
    const xmlAttr *system_attr;
    check_item item;
    bool rewrite;
    int own = inherited;
    fse_err rc = FSE_OK;

    if (html_name_is(n, "observation")) {
        int k;

        rc = observation_list(c, n, &k);
        if (k > own) {
            own = k;
        }
    }
    *own_out = own;
    if (rc != FSE_OK) {
        return rc;
    }
    /* IMPLEMENTATION-OF: rule 3 - every descendant `value` of a matching
     * observation gets the answer-list system (added if absent). */
    rewrite = inherited >= 0 && html_name_is(n, "value");
    system_attr = html_attr(n, "codesystem");
    if (system_attr == NULL && !rewrite) {
        return FSE_OK;
    }
    /* IMPLEMENTATION-OF: rule 4 - every element with a codeSystem attribute. */
    memset(&item, 0, sizeof(item));
    if (rewrite) {
        item.it.system = answer_lists[inherited].system;
    } else {
        rc = attr_nonempty(c, n, "codesystem", &item.it.system);
    }
    if (rc == FSE_OK) {
        rc = attr_nonempty(c, n, "code", &item.it.code);
    }
    if (rc == FSE_OK) {
        rc = attr_nonempty(c, n, "codesystemversion", &item.it.version);
    }
    if (rc == FSE_OK) {
        item.system = fse_terminology__find_system(c->t, item.it.system);
        rc = push_item(c, &item);
    }
    return rc;
}

/* Pre-order walk of the element tree, iterative and depth-bounded. */
static fse_err collect(check_ctx *c, const xmlNode *root)
{
    int lists[FSE_MAX_XML_DEPTH];
    const xmlNode *n = root;
    size_t d = 0;
    fse_err rc = FSE_OK;

    while (n != NULL && rc == FSE_OK) {
        if (n->type == XML_ELEMENT_NODE) {
            rc = visit(c, n, d > 0 ? lists[d - 1] : -1, &lists[d]);
            if (rc == FSE_OK && n->children != NULL) {
                if (d + 1 >= FSE_MAX_XML_DEPTH) {
                    rc = fse_error_set(FSE_E_LIMIT, TERM_MODULE,
                                       "element nesting deeper than %d levels", FSE_MAX_XML_DEPTH);
                    break;
                }
                n = n->children;
                d++;
                continue;
            }
        }
        while (n != root && n->next == NULL) {
            n = n->parent;
            d--;
        }
        if (n == root) {
            break;
        }
        n = n->next;
    }
    return rc;
}

/* Rule 5c (CodeSystemUtility.isBlocklisted): an OID arc exactly 999 or 9999. */
static bool is_blocklisted(const char *system)
{
    const char *p = system;

    if (system == NULL) {
        return false;
    }
    while (*p != '\0') {
        const char *dot = strchr(p, '.');
        size_t len = dot != NULL ? (size_t)(dot - p) : strlen(p);

        if ((len == 3 && memcmp(p, "999", 3) == 0) || (len == 4 && memcmp(p, "9999", 4) == 0)) {
            return true;
        }
        if (dot == NULL) {
            break;
        }
        p = dot + 1;
    }
    return false;
}

static bool opt_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return strcmp(a, b) == 0;
}

typedef bool (*item_pred)(const check_item *it, const fse_terminology *t);

/* Keep the items for which keep() holds, in order. */
static size_t filter_items(check_item *items, size_t n, item_pred keep, const fse_terminology *t)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++) {
        if (keep(&items[i], t)) {
            items[k++] = items[i];
        }
    }
    return k;
}

static bool not_allow_listed(const check_item *it, const fse_terminology *t)
{
    return it->system < 0 || !t->systems[it->system].whitelist;
}

static bool managed(const check_item *it, const fse_terminology *t)
{
    (void)t;
    return it->system >= 0;
}

/* Rule 5c: the distinct block-listed systems, in order; NULL list if none. */
static fse_err block_list(check_ctx *c, char **message)
{
    const char **parts = NULL;
    size_t n_parts = 0;
    size_t text_len = 0;
    size_t i, k;
    fse_err rc = FSE_OK;

    *message = NULL;
    for (i = 0; i < c->n_items; i++) {
        const char *s = c->items[i].it.system;

        if (!is_blocklisted(s)) {
            continue;
        }
        if (parts == NULL) {
            parts = fse_calloc(c->n_items, sizeof(*parts));
            if (parts == NULL) {
                return fse_error_set(FSE_E_NOMEM, TERM_MODULE, "block-list");
            }
        }
        for (k = 0; k < n_parts && strcmp(parts[k], s) != 0; k++) {
        }
        if (k == n_parts && text_len <= FSE_MAX_MESSAGE_BYTES) {
            parts[n_parts++] = s;
            text_len += strlen(s) + 2;
        }
    }
    if (n_parts > 0) {
        rc = fse_terminology__list_message(message, MSG_BLOCKLIST, parts, n_parts);
    }
    fse_free(parts);
    return rc;
}

static int cmp_opt(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return (a != NULL) - (b != NULL);
    }
    return strcmp(a, b);
}

/* Order of (system, version, code) triples, for the sanitized-item search. */
static int cmp_triple(const void *pa, const void *pb)
{
    const check_item *a = *(const check_item *const *)pa;
    const check_item *b = *(const check_item *const *)pb;
    int r = cmp_opt(a->it.system, b->it.system);

    if (r == 0) {
        r = cmp_opt(a->it.version, b->it.version);
    }
    if (r == 0) {
        r = cmp_opt(a->it.code, b->it.code);
    }
    return r;
}

/*
 * Rule 5e (TerminologySRV.sanitizeMissingVersion): items without a version
 * take their system's max version, then the list becomes "the items not
 * equal to a sanitized one" followed by the sanitized ones. Equality is
 * CodeDTO.equals, under which an item without @code equals nothing, so
 * such sanitized items stay in place and are appended again.
 */
static fse_err sanitize_versions(check_ctx *c)
{
    const fse_terminology *t = c->t;
    check_item *out = NULL;
    const check_item **keys = NULL;
    size_t n_keys = 0;
    size_t n_out = 0;
    size_t n_sanitized = 0;
    size_t total;
    size_t i;
    fse_err rc = FSE_OK;

    for (i = 0; i < c->n_items; i++) {
        check_item *it = &c->items[i];

        if (it->it.version == NULL) {
            uint32_t v = t->systems[it->system].max_version;

            it->it.version = v == TERM_NONE ? NULL : term_str(t, v);
            it->sanitized = true;
            n_sanitized++;
        }
    }
    if (n_sanitized == 0) {
        return FSE_OK;
    }
    if (__builtin_add_overflow(c->n_items, n_sanitized, &total)) {
        return fse_error_set(FSE_E_LIMIT, TERM_MODULE, "too many coded elements");
    }
    out = fse_calloc(total, sizeof(*out));
    keys = fse_calloc(n_sanitized, sizeof(*keys));
    if (out == NULL || keys == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, TERM_MODULE, "coded elements");
        goto done;
    }
    for (i = 0; i < c->n_items; i++) {
        if (c->items[i].sanitized && c->items[i].it.code != NULL) {
            keys[n_keys++] = &c->items[i];
        }
    }
    qsort(keys, n_keys, sizeof(*keys), cmp_triple);
    for (i = 0; i < c->n_items; i++) {
        const check_item *e = &c->items[i];

        if (e->it.code == NULL || bsearch(&e, keys, n_keys, sizeof(*keys), cmp_triple) == NULL) {
            out[n_out++] = *e;
        }
    }
    for (i = 0; i < c->n_items; i++) {
        if (c->items[i].sanitized) {
            out[n_out++] = c->items[i];
        }
    }
    fse_free(c->items);
    c->items = out;
    c->n_items = n_out;
    c->cap_items = total;
    out = NULL;
done:
    fse_free(out);
    fse_free(keys);
    return rc;
}

/* Rule 5f: distinct (system, version) pairs that are not dictionary pairs. */
static fse_err unmanaged_versions(check_ctx *c, char **message)
{
    const char **parts = NULL;
    char **owned = NULL;
    size_t *firsts = NULL;
    size_t n_parts = 0;
    size_t text_len = 0;
    size_t i, k;
    fse_err rc = FSE_OK;

    *message = NULL;
    for (i = 0; i < c->n_items && rc == FSE_OK; i++) {
        const term_item *it = &c->items[i].it;
        fse_buf b;

        if (fse_terminology__dict_has_pair(c->t, it->system, it->version)) {
            continue;
        }
        for (k = 0; k < n_parts; k++) {
            if (opt_eq(c->items[firsts[k]].it.system, it->system) &&
                opt_eq(c->items[firsts[k]].it.version, it->version)) {
                break;
            }
        }
        if (k < n_parts) {
            continue;
        }
        if (text_len > FSE_MAX_MESSAGE_BYTES) {
            /* The message is cut past this length anyway. */
            break;
        }
        if (parts == NULL) {
            parts = fse_calloc(c->n_items, sizeof(*parts));
            owned = fse_calloc(c->n_items, sizeof(*owned));
            firsts = fse_calloc(c->n_items, sizeof(*firsts));
            if (parts == NULL || owned == NULL || firsts == NULL) {
                rc = fse_error_set(FSE_E_NOMEM, TERM_MODULE, "version list");
                break;
            }
        }
        /* CodeSystemVersionDTO.toString: "S vV", or "S" without a version. */
        fse_buf_init(&b, FSE_MAX_MESSAGE_BYTES);
        rc = fse_buf_append_str(&b, it->system);
        if (rc == FSE_OK && it->version != NULL) {
            rc = fse_buf_printf(&b, " v%s", it->version);
        }
        if (rc == FSE_E_LIMIT) {
            rc = FSE_OK;
        }
        owned[n_parts] = fse_buf_steal(&b, NULL);
        fse_buf_free(&b);
        if (rc == FSE_OK && owned[n_parts] == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, TERM_MODULE, "version list");
        }
        parts[n_parts] = owned[n_parts];
        firsts[n_parts] = i;
        text_len += parts[n_parts] != NULL ? strlen(parts[n_parts]) + 2 : 0;
        n_parts++;
    }
    if (rc == FSE_OK && n_parts > 0) {
        rc = fse_terminology__list_message(message, MSG_VERSION, parts, n_parts);
    }
    for (i = 0; i < n_parts; i++) {
        fse_free(owned[i]);
    }
    fse_free(owned);
    fse_free(firsts);
    fse_free(parts);
    return rc;
}

/* Rules 5g-5h: look every code up; build the message of those not found. */
static fse_err lookup_codes(check_ctx *c, char **message)
{
    term_item *unfound = NULL;
    size_t n_unfound = 0;
    size_t i;
    fse_err rc = FSE_OK;

    *message = NULL;
    for (i = 0; i < c->n_items; i++) {
        const term_item *it = &c->items[i].it;

        if (it->code != NULL && fse_terminology_has_code(c->t, it->system, it->version, it->code)) {
            continue;
        }
        if (unfound == NULL) {
            unfound = fse_calloc(c->n_items, sizeof(*unfound));
            if (unfound == NULL) {
                return fse_error_set(FSE_E_NOMEM, TERM_MODULE, "unfound codes");
            }
        }
        unfound[n_unfound++] = *it;
    }
    if (n_unfound > 0) {
        rc = fse_terminology__unfound_message(message, unfound, n_unfound);
    }
    fse_free(unfound);
    return rc;
}

/* Rules 5a-5h in the validator's order; *message stays NULL when valid. */
static fse_err run_rules(check_ctx *c, char **message)
{
    fse_err rc;

    *message = NULL;
    /* IMPLEMENTATION-OF: rule 5a - no managed dictionary is an error. */
    if (c->t->n_dict == 0) {
        *message = fse_strdup(MSG_EMPTY_DB);
        return *message != NULL ? FSE_OK : fse_error_set(FSE_E_NOMEM, TERM_MODULE, "message");
    }
    /* IMPLEMENTATION-OF: rule 5b - allow-listed systems are not checked. */
    c->n_items = filter_items(c->items, c->n_items, not_allow_listed, c->t);
    /* IMPLEMENTATION-OF: rule 5c - a block-listed system fails at once. */
    rc = block_list(c, message);
    if (rc != FSE_OK || *message != NULL) {
        return rc;
    }
    /* IMPLEMENTATION-OF: rule 5d - unknown and null systems are dropped. */
    c->n_items = filter_items(c->items, c->n_items, managed, c->t);
    rc = sanitize_versions(c);
    if (rc != FSE_OK) {
        return rc;
    }
    /* IMPLEMENTATION-OF: rule 5f - every (system, version) must be managed. */
    rc = unmanaged_versions(c, message);
    if (rc != FSE_OK || *message != NULL) {
        return rc;
    }
    return lookup_codes(c, message);
}

fse_err fse_terminology_check(const fse_terminology *t, const xmlDoc *doc, fse_vocab_result *out)
{
    check_ctx c;
    const xmlNode *root;
    char *message = NULL;
    size_t i;
    fse_err rc = FSE_OK;

    if (out == NULL) {
        return fse_error_set(FSE_E_ARG, TERM_MODULE, "no result given");
    }
    out->ok = false;
    out->message = NULL;
    if (t == NULL || doc == NULL) {
        return fse_error_set(FSE_E_ARG, TERM_MODULE, "no terminology or document given");
    }
    memset(&c, 0, sizeof(c));
    c.t = t;
    root = xmlDocGetRootElement(doc);
    if (root != NULL) {
        rc = collect(&c, root);
    }
    if (rc == FSE_OK) {
        rc = run_rules(&c, &message);
    }
    if (rc == FSE_OK) {
        out->ok = message == NULL;
        out->message = message;
        message = NULL;
    }
    fse_free(message);
    for (i = 0; i < c.n_owned; i++) {
        xmlFree(c.owned[i]);
    }
    fse_free(c.owned);
    fse_free(c.items);
    return rc;
}
