/*
 * lib/xml/xml_parse.c - safe parsing of untrusted XML with libxml2.
 *
 * Owns parser options and limits: XML_PARSE_NONET, never NOENT, DTDLOAD or
 * HUGE; any DOCTYPE is refused from the SAX internalSubset hook before an
 * entity can be declared; size is checked before parsing, depth by libxml2's
 * own limit and by ours, node count after parsing. XSD validation, when asked
 * for, is plugged into the same SAX stream. Does not own the schema objects
 * (xml_schema.c).
 */
#include "fse/xml.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "fse/limits.h"
#include "fse/util.h"

/* State shared with the SAX hooks for one parse. */
typedef struct parse_state {
    xmlParserCtxtPtr ctxt;
    bool doctype_seen;
    bool depth_exceeded;
    unsigned depth;
    unsigned max_depth;
    char first_error[256];
    int first_error_line;
    startElementNsSAX2Func next_start;
    endElementNsSAX2Func next_end;
    internalSubsetSAXFunc next_subset;
    void *next_user;
} parse_state;

/* Contexts are replaced when their dictionary holds this many names: short
 * text values are interned too, and the dictionary must not grow forever. */
#define PARSER_DICT_MAX_NAMES 65536u

struct fse_xml_parser {
    xmlParserCtxtPtr ctxt;
    xmlSAXHandler sax; /* the context's original handlers */
};

static xmlParserCtxtPtr new_context(xmlSAXHandler *sax_out)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();

    if (ctxt != NULL) {
        *sax_out = *ctxt->sax;
    }
    return ctxt;
}

fse_err fse_xml_parser_new(fse_xml_parser **out)
{
    fse_xml_parser *p = fse_calloc(1, sizeof(*p));

    *out = NULL;
    if (p == NULL || (p->ctxt = new_context(&p->sax)) == NULL) {
        fse_free(p);
        return fse_error_set(FSE_E_NOMEM, "xml", "parser context");
    }
    *out = p;
    return FSE_OK;
}

void fse_xml_parser_free(fse_xml_parser *parser)
{
    if (parser == NULL) {
        return;
    }
    xmlFreeParserCtxt(parser->ctxt);
    fse_free(parser);
}

/* The context for one parse: the parser's (refreshed when its dictionary is
 * large or after a failed parse) or a new one. */
static xmlParserCtxtPtr take_context(fse_xml_parser *parser, xmlSAXHandler *sax)
{
    if (parser == NULL) {
        return new_context(sax);
    }
    if (parser->ctxt == NULL || (size_t)xmlDictSize(parser->ctxt->dict) > PARSER_DICT_MAX_NAMES) {
        xmlFreeParserCtxt(parser->ctxt);
        parser->ctxt = new_context(&parser->sax);
    }
    if (parser->ctxt != NULL) {
        *parser->ctxt->sax = parser->sax;
        *sax = parser->sax;
    }
    return parser->ctxt;
}

static void give_back_context(fse_xml_parser *parser, xmlParserCtxtPtr ctxt, bool failed)
{
    ctxt->_private = NULL;
    if (parser == NULL) {
        xmlFreeParserCtxt(ctxt);
    } else if (failed) {
        /* A refused or malformed document: start the next one from scratch. */
        xmlFreeParserCtxt(parser->ctxt);
        parser->ctxt = NULL;
    }
}

void fse_xml_init(void)
{
    xmlInitParser();
}

static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                           const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *st = ctxt->_private;

    (void)name;
    (void)external_id;
    (void)system_id;
    st->doctype_seen = true;
    xmlStopParser(ctxt);
}

static void count_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                        const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                        int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *st = ctxt->_private;

    if (++st->depth > st->max_depth) {
        st->depth_exceeded = true;
        xmlStopParser(ctxt);
        return;
    }
    st->next_start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                   nb_defaulted, attributes);
}

static void count_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                      const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *st = ctxt->_private;

    st->depth--;
    st->next_end(ctx, localname, prefix, uri);
}

/* Structured error handler: keep the first well-formedness error. */
static void keep_first_error(void *user, xmlErrorPtr err)
{
    parse_state *st = user;
    size_t n;

    if (err == NULL || err->level < XML_ERR_ERROR || st->first_error[0] != '\0') {
        return;
    }
    snprintf(st->first_error, sizeof(st->first_error), "%s",
             err->message != NULL ? err->message : "malformed XML");
    n = strlen(st->first_error);
    while (n > 0 && (st->first_error[n - 1] == '\n' || st->first_error[n - 1] == ' ')) {
        st->first_error[--n] = '\0';
    }
    st->first_error_line = err->line;
}

/*
 * Markup limits checked on the raw bytes before libxml2 sees them (see
 * limits.h: its start-tag checks are quadratic). A small scanner that knows
 * only comments, CDATA, processing instructions, quotes and tag ends; it
 * never decides well-formedness, which stays libxml2's job.
 */
typedef struct markup_scan {
    unsigned depth;
    unsigned ns_in_scope;
    uint32_t ns_at_depth[FSE_MAX_XML_DEPTH + 2];
} markup_scan;

static const uint8_t *skip_past(const uint8_t *p, const uint8_t *end, const char *term)
{
    size_t n = strlen(term);

    for (; p + n <= end; p++) {
        if (memcmp(p, term, n) == 0) {
            return p + n;
        }
    }
    return end;
}

/* Scan one start tag from p ('<' already consumed); returns its end. */
static fse_err scan_start_tag(markup_scan *ms, const uint8_t **pp, const uint8_t *end)
{
    const uint8_t *p = *pp;
    const uint8_t *start = p;
    unsigned attributes = 0;
    unsigned ns_decls = 0;
    uint8_t quote = 0;
    bool after_space = false;

    for (; p < end; p++) {
        uint8_t c = *p;

        if (quote != 0) {
            quote = c == quote ? 0 : quote;
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '=') {
            attributes++;
        } else if (c == '>') {
            break;
        } else if (after_space && c == 'x' && end - p >= 5 && memcmp(p, "xmlns", 5) == 0) {
            ns_decls++;
        }
        after_space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (attributes > FSE_MAX_XML_ATTRIBUTES) {
            return fse_error_set(FSE_E_LIMIT, "xml", "an element has more than %u attributes",
                                 FSE_MAX_XML_ATTRIBUTES);
        }
    }
    *pp = p;
    if (p < end && p > start && p[-1] == '/') {
        return FSE_OK; /* empty element: its declarations go out of scope at once */
    }
    if (ms->depth < FSE_MAX_XML_DEPTH + 1) {
        ms->depth++;
        ms->ns_at_depth[ms->depth] = ns_decls;
        ms->ns_in_scope += ns_decls;
    }
    if (ms->ns_in_scope > FSE_MAX_XML_NAMESPACES) {
        return fse_error_set(FSE_E_LIMIT, "xml", "more than %u namespace declarations in scope",
                             FSE_MAX_XML_NAMESPACES);
    }
    return FSE_OK;
}

static fse_err check_markup_limits(const uint8_t *data, size_t len)
{
    markup_scan ms;
    const uint8_t *p = data;
    const uint8_t *end = data + len;
    fse_err rc = FSE_OK;

    memset(&ms, 0, sizeof(ms));
    while (rc == FSE_OK && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        p++;
        if (end - p >= 3 && memcmp(p, "!--", 3) == 0) {
            p = skip_past(p + 3, end, "-->");
        } else if (end - p >= 8 && memcmp(p, "![CDATA[", 8) == 0) {
            p = skip_past(p + 8, end, "]]>");
        } else if (p < end && (*p == '?' || *p == '!')) {
            p = skip_past(p, end, ">");
        } else if (p < end && *p == '/') {
            if (ms.depth > 0) {
                ms.ns_in_scope -= ms.ns_at_depth[ms.depth];
                ms.depth--;
            }
            p = skip_past(p, end, ">");
        } else {
            rc = scan_start_tag(&ms, &p, end);
        }
    }
    return rc;
}

static size_t count_nodes(const xmlNode *node, size_t limit)
{
    size_t n = 0;
    const xmlNode *cur = node;

    /* Iterative pre-order walk: no recursion on untrusted depth. */
    while (cur != NULL && n <= limit) {
        const xmlAttr *a;

        n++;
        if (cur->type == XML_ELEMENT_NODE) {
            for (a = cur->properties; a != NULL; a = a->next) {
                n++;
            }
        }
        if (cur->children != NULL && cur->type == XML_ELEMENT_NODE) {
            cur = cur->children;
            continue;
        }
        while (cur != NULL && cur->next == NULL) {
            cur = cur->parent;
            if (cur == node || (cur != NULL && cur->type == XML_DOCUMENT_NODE)) {
                return n;
            }
        }
        if (cur != NULL) {
            cur = cur->next;
        }
    }
    return n;
}

static fse_err parse_failure(parse_state *st, size_t len)
{
    if (st->doctype_seen) {
        return fse_error_set(FSE_E_PARSE, "xml",
                             "document type declarations (DOCTYPE) are not allowed");
    }
    if (st->depth_exceeded) {
        return fse_error_set(FSE_E_LIMIT, "xml", "element nesting deeper than %u levels",
                             st->max_depth);
    }
    if (len == 0) {
        return fse_error_set(FSE_E_PARSE, "xml", "empty document");
    }
    if (st->first_error[0] != '\0') {
        if (strstr(st->first_error, "Excessive depth") != NULL) {
            return fse_error_set(FSE_E_LIMIT, "xml", "element nesting deeper than %u levels",
                                 st->max_depth);
        }
        return fse_error_set(FSE_E_PARSE, "xml", "line %d: %s", st->first_error_line,
                             st->first_error);
    }
    return fse_error_set(FSE_E_PARSE, "xml", "malformed XML");
}

fse_err fse_xml_parse(xmlDocPtr *doc_out, bool *schema_valid_out, const uint8_t *data, size_t len,
                      const fse_xml_parse_opts *opts)
{
    static const fse_xml_parse_opts defaults = {0};
    const fse_xml_parse_opts *o = opts != NULL ? opts : &defaults;
    size_t max_bytes = o->max_bytes != 0 ? o->max_bytes : FSE_MAX_DOCUMENT_BYTES;
    size_t max_nodes = o->max_nodes != 0 ? o->max_nodes : FSE_MAX_XML_NODES;
    parse_state st;
    xmlSchemaSAXPlugPtr plug = NULL;
    xmlSAXHandler sax;
    xmlDocPtr doc = NULL;
    fse_err rc = FSE_OK;
    int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING | XML_PARSE_NOERROR |
                  XML_PARSE_COMPACT;

    *doc_out = NULL;
    if (schema_valid_out != NULL) {
        *schema_valid_out = false;
    }
    if (len > max_bytes) {
        return fse_error_set(FSE_E_LIMIT, "xml", "document is %zu bytes, over the limit of %zu",
                             len, max_bytes);
    }
    if (len > INT32_MAX) {
        return fse_error_set(FSE_E_LIMIT, "xml", "document too large");
    }
    rc = check_markup_limits(data, len);
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&st, 0, sizeof(st));
    st.max_depth =
        o->max_depth != 0 && o->max_depth < FSE_MAX_XML_DEPTH ? o->max_depth : FSE_MAX_XML_DEPTH;
    st.ctxt = take_context(o->parser, &sax);
    if (st.ctxt == NULL) {
        return fse_error_set(FSE_E_NOMEM, "xml", "parser context");
    }
    st.ctxt->_private = &st;
    /* Errors go to the thread-local structured handler set around the read
     * below: the SAX block's own handler would receive userData, which the
     * XSD plug replaces. */
    st.ctxt->sax->serror = NULL;
    st.next_subset = sax.internalSubset;
    st.ctxt->sax->internalSubset = refuse_doctype;
    st.ctxt->sax->externalSubset = NULL;
    st.next_start = sax.startElementNs;
    st.next_end = sax.endElementNs;
    st.ctxt->sax->startElementNs = count_start;
    st.ctxt->sax->endElementNs = count_end;
    if (o->schema_ctxt != NULL) {
        plug = xmlSchemaSAXPlug(o->schema_ctxt, &st.ctxt->sax, &st.ctxt->userData);
        if (plug == NULL) {
            rc = fse_error_set(FSE_E_INTERNAL, "xml", "cannot attach the XSD validator");
            goto done;
        }
    }
    xmlSetStructuredErrorFunc(&st, keep_first_error);
    doc = xmlCtxtReadMemory(st.ctxt, (const char *)data, (int)len, NULL, NULL, options);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (doc == NULL || !st.ctxt->wellFormed || st.doctype_seen || st.depth_exceeded) {
        rc = parse_failure(&st, len);
        goto done;
    }
    if (xmlDocGetRootElement(doc) == NULL) {
        rc = fse_error_set(FSE_E_PARSE, "xml", "no root element");
        goto done;
    }
    if (count_nodes(xmlDocGetRootElement(doc), max_nodes) > max_nodes) {
        rc = fse_error_set(FSE_E_LIMIT, "xml", "more than %zu XML nodes", max_nodes);
        goto done;
    }
    if (schema_valid_out != NULL && o->schema_ctxt != NULL) {
        *schema_valid_out = xmlSchemaIsValid(o->schema_ctxt) == 1;
    }
    *doc_out = doc;
    doc = NULL;
done:
    if (plug != NULL) {
        xmlSchemaSAXUnplug(plug);
    }
    xmlFreeDoc(doc);
    give_back_context(o->parser, st.ctxt, rc != FSE_OK);
    return rc;
}
