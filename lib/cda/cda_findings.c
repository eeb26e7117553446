/*
 * lib/cda/cda_findings.c - the findings list of the Gateway cross-checks,
 * the rule table (stable code, Gateway problem type/instance/title), and the
 * module's small shared helpers: NULL-tolerant tree accessors and SHA-256.
 *
 * Does not own the checks themselves (cda_check.c, cda_request.c) nor the
 * mapping of findings to HTTP responses (lib/http).
 */
#include "cda_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "fse/util.h"
#include "fse/xml.h"

/* Types, instances and titles: DISP RestExecutionResultEnum/ErrorInstanceEnum
 * as summarised in gateway-api §4. The classCode map is spec §15.4.1 and has
 * no DISP error of its own: it is reported as a request field error. */
static const fse_cda_rule_info rule_table[FSE_CDA_RULE_COUNT] = {
    [FSE_CDA_RULE_CLASS_MISMATCH] = {"CDA-CLASS-MISMATCH", "/msg/mandatory-element",
                                     "/request-missing-field", "Campo obbligatorio non presente."},
    [FSE_CDA_RULE_CLASS_UNMAPPED] = {"CDA-CLASS-UNMAPPED", "/msg/mandatory-element",
                                     "/request-missing-field", "Campo obbligatorio non presente."},
    [FSE_CDA_RULE_PERSON_ID_MISSING] = {"CDA-JWT-PERSON-ID-MISSING", "/msg/jwt-validation",
                                        "/jwt-person-id", "Campo token JWT non valido."},
    [FSE_CDA_RULE_PERSON_ID_MISMATCH] = {"CDA-JWT-PERSON-ID", "/msg/jwt-validation",
                                         "/jwt-person-id", "Campo token JWT non valido."},
    [FSE_CDA_RULE_PERSON_ID_CF] = {"CDA-JWT-PERSON-ID-CF", "/msg/jwt-validation",
                                   "/jwt-mandatory-field-malformed", "Campo token JWT non valido."},
    [FSE_CDA_RULE_HL7_TYPE_MISSING] = {"CDA-JWT-HL7-TYPE-MISSING", "/msg/jwt-validation",
                                       "/jwt-document-type", "Campo token JWT non valido."},
    [FSE_CDA_RULE_HL7_TYPE_MISMATCH] = {"CDA-JWT-HL7-TYPE", "/msg/jwt-validation",
                                        "/jwt-document-type", "Campo token JWT non valido."},
    [FSE_CDA_RULE_HASH_MISMATCH] = {"CDA-JWT-HASH", "/msg/document-hash", "/jwt-hash-match",
                                    "Verifica hash fallita."},
    [FSE_CDA_RULE_LOCALITY] = {"CDA-JWT-LOCALITY", "/msg/jwt-validation",
                               "/jwt-mandatory-field-malformed", "Campo token JWT non valido."},
    [FSE_CDA_RULE_MISSING_FIELD] = {"CDA-REQ-MISSING", "/msg/mandatory-element",
                                    "/request-missing-field", "Campo obbligatorio non presente."},
    [FSE_CDA_RULE_BAD_VALUE] = {"CDA-REQ-VALUE", "/msg/mandatory-element", "/request-missing-field",
                                "Campo obbligatorio non presente."},
    [FSE_CDA_RULE_BAD_FORMAT] = {"CDA-REQ-FORMAT", "/msg/id-doc", "/invalid-id",
                                 "Campo id documento non valido"},
    [FSE_CDA_RULE_BAD_DATE] = {"CDA-REQ-DATE", "/msg/invalid-format",
                               "/request-invalid-date-format", "Formato campo non valido."},
};

const fse_cda_rule_info *fse_cda_rule_get(fse_cda_rule rule)
{
    static const fse_cda_rule_info none = {"", "", "", ""};

    if ((int)rule < 0 || rule >= FSE_CDA_RULE_COUNT) {
        return &none;
    }
    return &rule_table[rule];
}

void fse_cda_findings_init(fse_cda_findings *list)
{
    list->items = NULL;
    list->n_items = 0;
    list->cap = 0;
}

void fse_cda_findings_free(fse_cda_findings *list)
{
    size_t i;

    if (list == NULL) {
        return;
    }
    for (i = 0; i < list->n_items; i++) {
        fse_free(list->items[i].detail);
    }
    fse_free(list->items);
    fse_cda_findings_init(list);
}

bool fse_cda_findings_has(const fse_cda_findings *list, fse_cda_rule rule)
{
    size_t i;

    for (i = 0; list != NULL && i < list->n_items; i++) {
        if (list->items[i].rule == rule) {
            return true;
        }
    }
    return false;
}

fse_err fse_cda__add(fse_cda_findings *list, fse_cda_rule rule, const char *fmt, ...)
{
    char msg[FSE_CDA_DETAIL_MAX];
    char *detail;
    va_list ap;

    va_start(ap, fmt);
    /* A longer detail is cut: the message is informative, never parsed. */
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (list->n_items == list->cap) {
        size_t cap = list->cap == 0 ? 4 : list->cap * 2;
        size_t bytes;
        fse_cda_finding *items;

        if (__builtin_mul_overflow(cap, sizeof(*items), &bytes)) {
            return fse_error_set(FSE_E_NOMEM, FSE_CDA_MODULE, "findings list too large");
        }
        items = fse_realloc(list->items, bytes);
        if (items == NULL) {
            return fse_error_set(FSE_E_NOMEM, FSE_CDA_MODULE, "findings list");
        }
        list->items = items;
        list->cap = cap;
    }
    detail = fse_strdup(msg);
    if (detail == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_CDA_MODULE, "finding detail");
    }
    list->items[list->n_items].rule = rule;
    list->items[list->n_items].detail = detail;
    list->n_items++;
    return FSE_OK;
}

xmlNode *fse_cda__child(const xmlNode *n, const char *local)
{
    if (n == NULL || n->type != XML_ELEMENT_NODE) {
        return NULL;
    }
    return fse_xml_child(n, local);
}

const char *fse_cda__attr(const xmlNode *n, const char *name)
{
    if (n == NULL || n->type != XML_ELEMENT_NODE) {
        return NULL;
    }
    return fse_xml_attr(n, name);
}

xmlNode *fse_cda__next_in_order(const xmlNode *cur, const xmlNode *root)
{
    const xmlNode *n;

    n = fse_xml_first_element(cur);
    if (n != NULL) {
        return (xmlNode *)n;
    }
    for (n = cur; n != NULL && n != root; n = n->parent) {
        const xmlNode *next = fse_xml_next_element(n);

        if (next != NULL) {
            return (xmlNode *)next;
        }
    }
    return NULL;
}

xmlNode *fse_cda__find_first(const xmlNode *root, const char *local)
{
    const xmlNode *n;

    for (n = root; n != NULL; n = fse_cda__next_in_order(n, root)) {
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0) {
            return (xmlNode *)n;
        }
    }
    return NULL;
}

fse_err fse_cda__sha256(uint8_t digest[32], const uint8_t *data, size_t len)
{
    unsigned int n = 0;

    if (EVP_Digest(data, len, digest, &n, EVP_sha256(), NULL) != 1 || n != 32) {
        return fse_error_set(FSE_E_CRYPTO, FSE_CDA_MODULE, "SHA-256 failed");
    }
    return FSE_OK;
}

fse_err fse_cda_sha256_hex(char out[65], const uint8_t *data, size_t len)
{
    uint8_t digest[32];
    fse_err rc;

    out[0] = '\0';
    rc = fse_cda__sha256(digest, data, len);
    if (rc == FSE_OK) {
        fse_hex_encode(out, digest, sizeof(digest));
    }
    return rc;
}
