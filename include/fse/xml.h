/*
 * include/fse/xml.h - the one place where untrusted XML is parsed.
 *
 * Owns the libxml2 parser set-up: no network, no DTD (a document type
 * declaration is refused outright, which rules out XXE and entity expansion
 * attacks), size, depth and node-count limits, and optional XSD validation
 * streamed during the same parse. Returns libxml2 trees: the validator,
 * schematron and CDA modules work on xmlDoc.
 */
#ifndef FSE_XML_H
#define FSE_XML_H

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "fse/common.h"
#include "fse/error.h"

/*
 * A parser kept by one thread across documents: reusing the libxml2 context
 * and its name dictionary saves work on every parse. Not thread-safe.
 */
typedef struct fse_xml_parser fse_xml_parser;

FSE_API fse_err fse_xml_parser_new(fse_xml_parser **out);
FSE_API void fse_xml_parser_free(fse_xml_parser *parser);

typedef struct fse_xml_parse_opts {
    size_t max_bytes;   /* 0: FSE_MAX_DOCUMENT_BYTES */
    unsigned max_depth; /* 0: FSE_MAX_XML_DEPTH */
    size_t max_nodes;   /* 0: FSE_MAX_XML_NODES */
    /* Optional: validate against this schema while parsing. The context
     * belongs to the calling thread (see fse_xml_schema_new_context); its
     * findings go to the structured error handler set on it. */
    xmlSchemaValidCtxtPtr schema_ctxt;
    /* Optional: the calling thread's reusable parser. */
    fse_xml_parser *parser;
} fse_xml_parse_opts;

/* Call once at start-up, before threads: initialises libxml2. */
FSE_API void fse_xml_init(void);

/*
 * Parse data (not NUL-terminated) into *doc_out (caller frees with xmlFreeDoc).
 * Returns FSE_E_PARSE for malformed XML or a refused DTD, FSE_E_LIMIT past a
 * limit, FSE_E_NOMEM; the detail is in fse_error_last(). When a schema context
 * is given, *schema_valid_out says whether the document conformed (findings go
 * to on_schema_error); schema_valid_out may be NULL otherwise.
 */
FSE_API fse_err fse_xml_parse(xmlDocPtr *doc_out, bool *schema_valid_out, const uint8_t *data,
                              size_t len, const fse_xml_parse_opts *opts);

/* Compiled XSD, immutable after loading and shareable between threads. */
typedef struct fse_xml_schema fse_xml_schema;

/* Compile the XSD at path (with its includes). Not thread-safe: call at start-up. */
FSE_API fse_err fse_xml_schema_load(fse_xml_schema **out, const char *path);
FSE_API void fse_xml_schema_free(fse_xml_schema *schema);
/* A validation context for one thread; free with xmlSchemaFreeValidCtxt. */
FSE_API xmlSchemaValidCtxtPtr fse_xml_schema_new_context(const fse_xml_schema *schema);

/* Attribute value of node (no namespace) as a borrowed string, or NULL. */
FSE_API const char *fse_xml_attr(const xmlNode *node, const char *name);
/* First child element with this local name (any namespace), or NULL. */
FSE_API xmlNode *fse_xml_child(const xmlNode *node, const char *local_name);
/* Next element sibling (skipping text and comments) or NULL. */
FSE_API xmlNode *fse_xml_next_element(const xmlNode *node);
/* First element child or NULL. */
FSE_API xmlNode *fse_xml_first_element(const xmlNode *node);

#endif /* FSE_XML_H */
