/*
 * lib/xml/xml_schema.c - compiled XSD schemas and per-thread validation
 * contexts, plus small tree-navigation helpers.
 *
 * Owns fse_xml_schema: compiled once at start-up (xmlSchemaParse is not
 * thread-safe), then shared read-only; each thread validates with its own
 * xmlSchemaValidCtxt. Loading never touches the network: includes are read
 * from the schema's own directory.
 */
#include "fse/xml.h"

#include <string.h>

#include <libxml/xmlschemas.h>

#include "fse/util.h"

struct fse_xml_schema {
    xmlSchemaPtr schema;
};

typedef struct load_errors {
    char first[256];
} load_errors;

static void keep_load_error(void *user, xmlErrorPtr err)
{
    load_errors *le = user;

    if (err != NULL && err->level >= XML_ERR_ERROR && le->first[0] == '\0' &&
        err->message != NULL) {
        size_t n;

        strncpy(le->first, err->message, sizeof(le->first) - 1);
        n = strlen(le->first);
        while (n > 0 && le->first[n - 1] == '\n') {
            le->first[--n] = '\0';
        }
    }
}

fse_err fse_xml_schema_load(fse_xml_schema **out, const char *path)
{
    xmlSchemaParserCtxtPtr pctxt;
    xmlSchemaPtr schema;
    fse_xml_schema *s;
    load_errors le;

    *out = NULL;
    memset(&le, 0, sizeof(le));
    pctxt = xmlSchemaNewParserCtxt(path);
    if (pctxt == NULL) {
        return fse_error_set(FSE_E_NOMEM, "xml", "schema parser for %s", path);
    }
    xmlSchemaSetParserStructuredErrors(pctxt, keep_load_error, &le);
    schema = xmlSchemaParse(pctxt);
    xmlSchemaFreeParserCtxt(pctxt);
    if (schema == NULL) {
        return fse_error_set(FSE_E_PARSE, "xml", "cannot compile XSD %s: %s", path,
                             le.first[0] != '\0' ? le.first : "unreadable schema");
    }
    s = fse_calloc(1, sizeof(*s));
    if (s == NULL) {
        xmlSchemaFree(schema);
        return fse_error_set(FSE_E_NOMEM, "xml", "schema handle");
    }
    s->schema = schema;
    *out = s;
    return FSE_OK;
}

void fse_xml_schema_free(fse_xml_schema *schema)
{
    if (schema == NULL) {
        return;
    }
    xmlSchemaFree(schema->schema);
    fse_free(schema);
}

xmlSchemaValidCtxtPtr fse_xml_schema_new_context(const fse_xml_schema *schema)
{
    return xmlSchemaNewValidCtxt(schema->schema);
}

const char *fse_xml_attr(const xmlNode *node, const char *name)
{
    const xmlAttr *a;

    for (a = node->properties; a != NULL; a = a->next) {
        if (a->ns == NULL && strcmp((const char *)a->name, name) == 0) {
            const xmlNode *t = a->children;

            if (t == NULL) {
                return "";
            }
            if (t->next == NULL && t->type == XML_TEXT_NODE) {
                return (const char *)t->content;
            }
            return NULL;
        }
    }
    return NULL;
}

xmlNode *fse_xml_next_element(const xmlNode *node)
{
    const xmlNode *n;

    for (n = node->next; n != NULL; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            return (xmlNode *)n;
        }
    }
    return NULL;
}

xmlNode *fse_xml_first_element(const xmlNode *node)
{
    const xmlNode *n;

    for (n = node->children; n != NULL; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            return (xmlNode *)n;
        }
    }
    return NULL;
}

xmlNode *fse_xml_child(const xmlNode *node, const char *local_name)
{
    xmlNode *n;

    for (n = fse_xml_first_element(node); n != NULL; n = fse_xml_next_element(n)) {
        if (strcmp((const char *)n->name, local_name) == 0) {
            return n;
        }
    }
    return NULL;
}
