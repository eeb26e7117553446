/*
 * lib/pdf/pdf_xfa.c - the XML side of the pdf module: the XFA datasets
 * packet and the checks made on a CDA before it is embedded.
 *
 * Owns taking the <ClinicalDocument> element out of a datasets packet
 * (gateway-api.md §6, RESOURCE: the Gateway selects that element) and
 * serialising it as a standalone document with every namespace declaration
 * in scope, and building the datasets packet that wraps a CDA. All parsing
 * goes through fse_xml_parse (fse/xml.h), which owns the parser hardening.
 * Does not own PDF objects (pdf_extract.c, pdf_embed.c).
 */
#include "pdf_int.h"

#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "fse/limits.h"
#include "fse/util.h"
#include "fse/xml.h"

#define CDA_ROOT "ClinicalDocument"
#define XFA_DATA_NS "http://www.xfa.org/schema/xfa-data/1.0/"

/* Re-record the xml module's failure as this module's, prefixed with what. */
static fse_err relabel(fse_err rc, const char *what)
{
    char detail[FSE_ERROR_MSG_MAX];

    snprintf(detail, sizeof(detail), "%s", fse_error_last()->message);
    return fse_error_set(rc, FSE_PDF_MODULE, "%s: %s", what, detail);
}

static bool is_element(const xmlNode *node, const char *local_name)
{
    return node != NULL && node->type == XML_ELEMENT_NODE &&
           strcmp((const char *)node->name, local_name) == 0;
}

/* First element named local_name in document order; iterative walk. */
static xmlNode *find_element(xmlNode *top, const char *local_name)
{
    xmlNode *cur = top;

    while (cur != NULL) {
        if (is_element(cur, local_name)) {
            return cur;
        }
        if (cur->type == XML_ELEMENT_NODE && cur->children != NULL) {
            cur = cur->children;
            continue;
        }
        while (cur != NULL && cur != top && cur->next == NULL) {
            cur = cur->parent;
        }
        if (cur == NULL || cur == top) {
            return NULL;
        }
        cur = cur->next;
    }
    return NULL;
}

/* Serialise doc as UTF-8 into a NUL-terminated fse buffer. */
static fse_err dump_doc(uint8_t **out, size_t *len_out, xmlDocPtr doc, size_t max, const char *what)
{
    xmlChar *mem = NULL;
    int size = 0;
    fse_err rc = FSE_OK;

    *out = NULL;
    *len_out = 0;
    xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
    if (mem == NULL || size < 0) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_PDF_MODULE, "%s: cannot serialise XML", what);
        goto done;
    }
    if ((size_t)size > max) {
        rc = fse_error_set(FSE_E_LIMIT, FSE_PDF_MODULE, "%s is %d bytes, over the limit of %zu",
                           what, size, max);
        goto done;
    }
    *out = (uint8_t *)fse_strndup((const char *)mem, (size_t)size);
    if (*out == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_PDF_MODULE, "%s: %d bytes", what, size);
        goto done;
    }
    *len_out = (size_t)size;
done:
    xmlFree(mem);
    return rc;
}

/* Declare on copy every namespace in scope at orig that copy cannot see. */
static fse_err keep_namespaces(xmlNode *copy, xmlDocPtr orig_doc, xmlNode *orig)
{
    xmlNsPtr *list = xmlGetNsList(orig_doc, orig);
    size_t i;
    fse_err rc = FSE_OK;

    for (i = 0; list != NULL && list[i] != NULL; i++) {
        if (xmlSearchNs(copy->doc, copy, list[i]->prefix) != NULL) {
            continue;
        }
        if (xmlNewNs(copy, list[i]->href, list[i]->prefix) == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, FSE_PDF_MODULE, "namespace declaration");
            break;
        }
    }
    xmlFree(list);
    return rc;
}

fse_err fse_pdf__xfa_take_cda(uint8_t **cda_out, size_t *cda_len_out, const uint8_t *xml,
                              size_t xml_len)
{
    xmlDocPtr doc = NULL;
    xmlDocPtr out = NULL;
    xmlNode *cda;
    xmlNode *copy;
    fse_err rc;

    *cda_out = NULL;
    *cda_len_out = 0;
    rc = fse_xml_parse(&doc, NULL, xml, xml_len, NULL);
    if (rc != FSE_OK) {
        rc = relabel(rc, "XFA datasets packet is not well-formed XML");
        goto done;
    }
    cda = find_element(xmlDocGetRootElement(doc), CDA_ROOT);
    if (cda == NULL) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_PDF_MODULE,
                           "XFA datasets packet holds no <" CDA_ROOT "> element");
        goto done;
    }
    out = xmlNewDoc((const xmlChar *)"1.0");
    copy = out != NULL ? xmlDocCopyNode(cda, out, 1) : NULL;
    if (copy == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_PDF_MODULE, "copy of the XFA " CDA_ROOT);
        goto done;
    }
    xmlDocSetRootElement(out, copy);
    rc = keep_namespaces(copy, doc, cda);
    if (rc != FSE_OK) {
        goto done;
    }
    rc = dump_doc(cda_out, cda_len_out, out, FSE_MAX_EMBEDDED_CDA_BYTES, "XFA " CDA_ROOT);
done:
    xmlFreeDoc(out);
    xmlFreeDoc(doc);
    return rc;
}

/* <xfa:datasets><xfa:data>root copy</xfa:data></xfa:datasets> */
static fse_err build_datasets(uint8_t **out, size_t *len_out, xmlNode *root)
{
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *datasets = NULL;
    xmlNode *data = NULL;
    xmlNode *copy = NULL;
    xmlNsPtr ns = NULL;
    fse_err rc = FSE_OK;

    if (doc != NULL) {
        datasets = xmlNewDocNode(doc, NULL, (const xmlChar *)"datasets", NULL);
    }
    if (datasets != NULL) {
        xmlDocSetRootElement(doc, datasets);
        ns = xmlNewNs(datasets, (const xmlChar *)XFA_DATA_NS, (const xmlChar *)"xfa");
    }
    if (ns != NULL) {
        xmlSetNs(datasets, ns);
        data = xmlNewChild(datasets, ns, (const xmlChar *)"data", NULL);
    }
    if (data != NULL) {
        copy = xmlDocCopyNode(root, doc, 1);
    }
    if (copy == NULL || xmlAddChild(data, copy) == NULL) {
        xmlFreeNode(copy);
        rc = fse_error_set(FSE_E_NOMEM, FSE_PDF_MODULE, "building the XFA datasets packet");
        goto done;
    }
    rc = dump_doc(out, len_out, doc, FSE_MAX_EMBEDDED_CDA_BYTES, "XFA datasets packet");
done:
    xmlFreeDoc(doc);
    return rc;
}

fse_err fse_pdf__cda_inspect(char **title_out, uint8_t **datasets_out, size_t *datasets_len_out,
                             const uint8_t *cda, size_t cda_len)
{
    xmlDocPtr doc = NULL;
    xmlNode *root;
    xmlNode *title;
    fse_err rc;

    if (title_out != NULL) {
        *title_out = NULL;
    }
    rc = fse_xml_parse(&doc, NULL, cda, cda_len, NULL);
    if (rc != FSE_OK) {
        rc = relabel(rc, "CDA is not well-formed XML");
        goto done;
    }
    root = xmlDocGetRootElement(doc);
    if (!is_element(root, CDA_ROOT)) {
        rc = fse_error_set(FSE_E_PARSE, FSE_PDF_MODULE,
                           "CDA root element is <%s>, not <" CDA_ROOT ">",
                           root != NULL ? (const char *)root->name : "");
        goto done;
    }
    title = fse_xml_child(root, "title");
    if (title_out != NULL && title != NULL) {
        xmlChar *text = xmlNodeGetContent(title);

        if (text != NULL) {
            *title_out = fse_strdup((const char *)text);
            xmlFree(text);
            if (*title_out == NULL) {
                rc = fse_error_set(FSE_E_NOMEM, FSE_PDF_MODULE, "CDA title");
                goto done;
            }
        }
    }
    if (datasets_out != NULL) {
        rc = build_datasets(datasets_out, datasets_len_out, root);
    }
done:
    if (rc != FSE_OK && title_out != NULL) {
        fse_free(*title_out);
        *title_out = NULL;
    }
    xmlFreeDoc(doc);
    return rc;
}
