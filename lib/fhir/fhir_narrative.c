/*
 * lib/fhir/fhir_narrative.c - CDA narrative block (section/text) -> the
 * XHTML div of a FHIR Narrative, as the official engine writes it: CDA
 * narrative elements renamed to their XHTML counterparts (list -> ul/ol,
 * item -> li, paragraph -> p, content -> span, caption -> h2, linkHtml -> a),
 * ID -> id, other attributes kept, comments and whitespace-only text dropped
 * (next to a comment it is one space), empty elements self-closed.
 *
 * Owns this serialisation. Does not own where the div goes (the tables).
 */
#include "fhir_int.h"

#include <string.h>

#include "fse/limits.h"
#include "fse/xml.h"

static const struct {
    const char *cda;
    const char *xhtml;
} renames[] = {{"list", "ul"},      {"item", "li"},    {"paragraph", "p"},
               {"content", "span"}, {"caption", "h2"}, {"linkHtml", "a"}};

static const char *xhtml_name(const xmlNode *n)
{
    const char *name = (const char *)n->name;
    size_t i;

    if (strcmp(name, "list") == 0) {
        const char *t = fse_xml_attr(n, "listType");
        return t != NULL && strcmp(t, "ordered") == 0 ? "ol" : "ul";
    }
    for (i = 0; i < sizeof(renames) / sizeof(renames[0]); i++) {
        if (strcmp(name, renames[i].cda) == 0) {
            return renames[i].xhtml;
        }
    }
    return name;
}

static void escape(fse_buf *b, const char *s, bool attr)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            fse_buf_append_str(b, "&amp;");
            break;
        case '<':
            fse_buf_append_str(b, "&lt;");
            break;
        case '>':
            fse_buf_append_str(b, "&gt;");
            break;
        case '"':
            fse_buf_append_str(b, attr ? "&quot;" : "\"");
            break;
        default:
            fse_buf_append(b, s, 1);
        }
    }
}

static bool blank(const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
            return false;
        }
    }
    return true;
}

/*
 * What a text node writes: its text, or nothing when it is white space only.
 * White space next to a comment (the comment itself is dropped) is written as
 * one space, as the official engine does.
 */
static const char *text_out(const xmlNode *ch)
{
    if (ch->type != XML_TEXT_NODE && ch->type != XML_CDATA_SECTION_NODE) {
        return NULL;
    }
    if (!blank((const char *)ch->content)) {
        return (const char *)ch->content;
    }
    if ((ch->prev != NULL && ch->prev->type == XML_COMMENT_NODE) ||
        (ch->next != NULL && ch->next->type == XML_COMMENT_NODE)) {
        return " ";
    }
    return NULL;
}

static void children(fse_buf *b, const xmlNode *n, unsigned depth);

static void element(fse_buf *b, const xmlNode *n, unsigned depth)
{
    const char *name = xhtml_name(n);
    const xmlAttr *a;
    bool empty = true;
    const xmlNode *ch;

    fse_buf_printf(b, "<%s", name);
    for (a = n->properties; a != NULL; a = a->next) {
        const char *an = (const char *)a->name;
        xmlChar *v;
        if (a->ns != NULL || strcmp(an, "listType") == 0) {
            continue;
        }
        v = xmlNodeGetContent((const xmlNode *)a);
        fse_buf_printf(b, " %s=\"", strcmp(an, "ID") == 0 ? "id" : an);
        escape(b, v != NULL ? (const char *)v : "", true);
        fse_buf_append_str(b, "\"");
        xmlFree(v);
    }
    for (ch = n->children; ch != NULL && empty; ch = ch->next) {
        if (ch->type == XML_ELEMENT_NODE || text_out(ch) != NULL) {
            empty = false;
        }
    }
    if (empty) {
        fse_buf_append_str(b, "/>");
        return;
    }
    fse_buf_append_str(b, ">");
    children(b, n, depth + 1);
    fse_buf_printf(b, "</%s>", name);
}

static void children(fse_buf *b, const xmlNode *n, unsigned depth)
{
    const xmlNode *ch;

    if (depth > FSE_MAX_XML_DEPTH) {
        return;
    }
    for (ch = n->children; ch != NULL; ch = ch->next) {
        if (ch->type == XML_ELEMENT_NODE) {
            element(b, ch, depth);
        } else if (text_out(ch) != NULL) {
            escape(b, text_out(ch), false);
        }
    }
}

const char *fhir_narrative(fhir_ctx *c, const xmlNode *text)
{
    fse_buf b;
    const char *r = NULL;

    if (text == NULL) {
        return NULL;
    }
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    fse_buf_append_str(&b, "<div xmlns=\"http://www.w3.org/1999/xhtml\">");
    children(&b, text, 0);
    if (fse_buf_append_str(&b, "</div>") == FSE_OK) {
        r = fhir_arena_strdup(FA(c), b.data);
    } else if (c->arena.err == FSE_OK) {
        c->arena.err = fse_error_set(FSE_E_LIMIT, FSE_FHIR_MODULE, "narrative too large");
    }
    fse_buf_free(&b);
    return r;
}
