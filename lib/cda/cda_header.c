/*
 * lib/cda/cda_header.c - extraction of the CDA R2 header into
 * fse_cda_header.
 *
 * Owns which element each header field comes from and the routing key (the
 * first templateId in document order, as the validator's CDAHelper does).
 * Reads only; never trusts the tree's shape: every step tolerates a missing
 * element. Does not own parsing (lib/xml) or the type table (cda_doctype.c).
 */
#include "cda_int.h"

#include <string.h>

#include <libxml/tree.h>

#include "fse/util.h"
#include "fse/xml.h"

/* Copy of an optional string into *dst; false on allocation failure. */
static bool copy_str(char **dst, const char *src)
{
    if (src == NULL) {
        *dst = NULL;
        return true;
    }
    *dst = fse_strdup(src);
    return *dst != NULL;
}

/* Copy of the text content of an element (NULL element: NULL field). */
static bool copy_text(char **dst, const xmlNode *n)
{
    xmlChar *text;
    bool ok;

    *dst = NULL;
    if (n == NULL) {
        return true;
    }
    text = xmlNodeGetContent(n);
    if (text == NULL) {
        return true;
    }
    ok = copy_str(dst, (const char *)text);
    xmlFree(text);
    return ok;
}

static bool copy_attr(char **dst, const xmlNode *n, const char *attr)
{
    return copy_str(dst, fse_cda__attr(n, attr));
}

static bool copy_ii(fse_cda_ii *dst, const xmlNode *n)
{
    return copy_attr(&dst->root, n, "root") && copy_attr(&dst->extension, n, "extension");
}

static void free_ii(fse_cda_ii *ii)
{
    fse_free(ii->root);
    fse_free(ii->extension);
}

/* Descend a path of child names from n; NULL as soon as one is missing. */
static xmlNode *path(const xmlNode *n, const char *const *names)
{
    const xmlNode *cur = n;
    size_t i;

    for (i = 0; names[i] != NULL && cur != NULL; i++) {
        cur = fse_cda__child(cur, names[i]);
    }
    return (xmlNode *)cur;
}

#define PATH(n, ...) path((n), (const char *const[]){__VA_ARGS__, NULL})

/* First element child, NULL-tolerant. */
static xmlNode *first_el(const xmlNode *n)
{
    return n != NULL ? fse_xml_first_element(n) : NULL;
}

/* Every recordTarget/patientRole/id of the header, in document order. */
static bool copy_patient_ids(fse_cda_header *h, const xmlNode *root)
{
    const xmlNode *rt;
    size_t n = 0;
    size_t k = 0;

    for (rt = fse_xml_first_element(root); rt != NULL; rt = fse_xml_next_element(rt)) {
        const xmlNode *id;

        if (strcmp((const char *)rt->name, "recordTarget") != 0) {
            continue;
        }
        for (id = first_el(PATH(rt, "patientRole")); id != NULL; id = fse_xml_next_element(id)) {
            n += strcmp((const char *)id->name, "id") == 0;
        }
    }
    if (n == 0) {
        return true;
    }
    h->patient_ids = fse_calloc(n, sizeof(*h->patient_ids));
    if (h->patient_ids == NULL) {
        return false;
    }
    for (rt = fse_xml_first_element(root); rt != NULL; rt = fse_xml_next_element(rt)) {
        const xmlNode *id;

        if (strcmp((const char *)rt->name, "recordTarget") != 0) {
            continue;
        }
        for (id = first_el(PATH(rt, "patientRole")); id != NULL && k < n;
             id = fse_xml_next_element(id)) {
            if (strcmp((const char *)id->name, "id") != 0) {
                continue;
            }
            h->n_patient_ids = k + 1;
            if (!copy_ii(&h->patient_ids[k], id)) {
                return false;
            }
            k++;
        }
    }
    return true;
}

static bool copy_patient(fse_cda_header *h, const xmlNode *root)
{
    const xmlNode *role = PATH(root, "recordTarget", "patientRole");
    const xmlNode *patient = fse_cda__child(role, "patient");
    const xmlNode *name = fse_cda__child(patient, "name");

    return copy_ii(&h->patient_id, fse_cda__child(role, "id")) && copy_patient_ids(h, root) &&
           copy_text(&h->patient_family, fse_cda__child(name, "family")) &&
           copy_text(&h->patient_given, fse_cda__child(name, "given")) &&
           copy_attr(&h->patient_gender, fse_cda__child(patient, "administrativeGenderCode"),
                     "code") &&
           copy_attr(&h->patient_birth_time, fse_cda__child(patient, "birthTime"), "value");
}

static bool copy_parties(fse_cda_header *h, const xmlNode *root)
{
    const xmlNode *aa = PATH(root, "author", "assignedAuthor");
    const xmlNode *aname = PATH(aa, "assignedPerson", "name");
    const xmlNode *org = fse_cda__child(aa, "representedOrganization");
    const xmlNode *cust =
        PATH(root, "custodian", "assignedCustodian", "representedCustodianOrganization");
    const xmlNode *la = fse_cda__child(root, "legalAuthenticator");
    const xmlNode *rel = fse_cda__child(root, "relatedDocument");

    return copy_ii(&h->author_id, fse_cda__child(aa, "id")) &&
           copy_text(&h->author_family, fse_cda__child(aname, "family")) &&
           copy_text(&h->author_given, fse_cda__child(aname, "given")) &&
           copy_ii(&h->author_org_id, fse_cda__child(org, "id")) &&
           copy_text(&h->author_org_name, fse_cda__child(org, "name")) &&
           copy_ii(&h->custodian_id, fse_cda__child(cust, "id")) &&
           copy_text(&h->custodian_name, fse_cda__child(cust, "name")) &&
           copy_attr(&h->legal_auth_time, fse_cda__child(la, "time"), "value") &&
           copy_attr(&h->legal_auth_signature, fse_cda__child(la, "signatureCode"), "code") &&
           copy_ii(&h->legal_auth_id, PATH(la, "assignedEntity", "id")) &&
           copy_attr(&h->related_type, rel, "typeCode") &&
           copy_ii(&h->parent_id, PATH(rel, "parentDocument", "id")) &&
           copy_ii(&h->order_id, PATH(root, "inFulfillmentOf", "order", "id"));
}

static bool copy_document(fse_cda_header *h, const xmlNode *root)
{
    const xmlNode *code = fse_cda__child(root, "code");

    return copy_attr(&h->type_id_extension, fse_cda__child(root, "typeId"), "extension") &&
           copy_ii(&h->id, fse_cda__child(root, "id")) &&
           copy_ii(&h->set_id, fse_cda__child(root, "setId")) &&
           copy_attr(&h->version_number, fse_cda__child(root, "versionNumber"), "value") &&
           copy_attr(&h->code, code, "code") && copy_attr(&h->code_system, code, "codeSystem") &&
           copy_attr(&h->code_display, code, "displayName") &&
           copy_text(&h->title, fse_cda__child(root, "title")) &&
           copy_attr(&h->effective_time, fse_cda__child(root, "effectiveTime"), "value") &&
           copy_attr(&h->confidentiality, fse_cda__child(root, "confidentialityCode"), "code") &&
           copy_attr(&h->language, fse_cda__child(root, "languageCode"), "code");
}

fse_err fse_cda_header_extract(fse_cda_header **out, const xmlDoc *doc)
{
    fse_cda_header *h = NULL;
    const xmlNode *root;
    fse_err rc = FSE_OK;

    if (out == NULL || doc == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_CDA_MODULE, "header_extract: NULL argument");
    }
    *out = NULL;
    h = fse_calloc(1, sizeof(*h));
    if (h == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_CDA_MODULE, "header");
    }
    root = xmlDocGetRootElement(doc);
    /* Routing: @root of the first templateId anywhere in document order
     * (validator CDAHelper.extractInfo; MANIFEST "Routing"). */
    if (!copy_attr(&h->template_root, fse_cda__find_first(root, "templateId"), "root")) {
        goto nomem;
    }
    h->doc_type = fse_cda_doc_by_template(h->template_root);
    if (root != NULL && strcmp((const char *)root->name, "ClinicalDocument") == 0) {
        if (!copy_document(h, root) || !copy_patient(h, root) || !copy_parties(h, root)) {
            goto nomem;
        }
        /* XDS referenceIdList takes the order id only when it is an NRE
         * (gateway-api §6.2). */
        if (h->order_id.root != NULL && strcmp(h->order_id.root, FSE_CDA_OID_NRE) == 0 &&
            !copy_str(&h->nre, h->order_id.extension)) {
            goto nomem;
        }
    }
    *out = h;
    h = NULL;
    goto done;
nomem:
    rc = fse_error_set(FSE_E_NOMEM, FSE_CDA_MODULE, "header field");
done:
    fse_cda_header_free(h);
    return rc;
}

void fse_cda_header_free(fse_cda_header *h)
{
    size_t i;

    if (h == NULL) {
        return;
    }
    fse_free(h->type_id_extension);
    fse_free(h->template_root);
    free_ii(&h->id);
    free_ii(&h->set_id);
    fse_free(h->version_number);
    fse_free(h->code);
    fse_free(h->code_system);
    fse_free(h->code_display);
    fse_free(h->title);
    fse_free(h->effective_time);
    fse_free(h->confidentiality);
    fse_free(h->language);
    free_ii(&h->patient_id);
    for (i = 0; i < h->n_patient_ids; i++) {
        free_ii(&h->patient_ids[i]);
    }
    fse_free(h->patient_ids);
    fse_free(h->patient_family);
    fse_free(h->patient_given);
    fse_free(h->patient_gender);
    fse_free(h->patient_birth_time);
    free_ii(&h->author_id);
    fse_free(h->author_family);
    fse_free(h->author_given);
    free_ii(&h->author_org_id);
    fse_free(h->author_org_name);
    free_ii(&h->custodian_id);
    fse_free(h->custodian_name);
    fse_free(h->legal_auth_time);
    fse_free(h->legal_auth_signature);
    free_ii(&h->legal_auth_id);
    fse_free(h->related_type);
    free_ii(&h->parent_id);
    free_ii(&h->order_id);
    fse_free(h->nre);
    fse_free(h);
}
