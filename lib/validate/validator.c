/*
 * lib/validate/validator.c - the validation pipeline, in the national
 * validator's order (ValidationCTL): CDA out of the PDF when the input is a
 * PDF; safe parse with the CDA XSD chosen by typeId/@extension (01); the
 * schematron chosen by the first templateId/@root (03 on a failed assert, 05
 * on reports only); the vocabulary step only after 00 or 05 (02).
 *
 * Owns the per-thread validator (one XSD validation context per schema) and
 * the speculative streaming of the XSD during the parse: the schema is
 * guessed from the first bytes, checked against the parsed typeId, and the
 * tree is validated again only when the guess was wrong.
 */
#define _GNU_SOURCE /* memmem */
#include "validate_int.h"

#include <stdio.h>
#include <string.h>

#include <libxml/xmlschemas.h>

#include "fse/limits.h"
#include "fse/pdf.h"

struct fse_validator {
    const fse_catalog *catalog;
    fse_xml_parser *parser;
    /* Contexts streamed into the parser (xmlSchemaSAXPlug) and contexts for
     * validating a tree afterwards: libxml2 does not support both uses of one
     * context (after a plug, tree validation no longer resolves xsi:type). */
    xmlSchemaValidCtxtPtr xsd_ctxt[FSE_CATALOG_N_XSD];
    xmlSchemaValidCtxtPtr xsd_tree_ctxt[FSE_CATALOG_N_XSD];
};

/* State of one run, handed to the XSD error callback. */
typedef struct run {
    fse_report *report;
    fse_err rc;
    size_t n_xsd_errors;
} run;

fse_err fse_validator_new(fse_validator **out, const fse_catalog *catalog)
{
    fse_validator *v = fse_calloc(1, sizeof(*v));
    size_t i;

    *out = NULL;
    if (v == NULL) {
        return fse_error_set(FSE_E_NOMEM, "validate", "validator");
    }
    v->catalog = catalog;
    if (fse_xml_parser_new(&v->parser) != FSE_OK) {
        fse_validator_free(v);
        return fse_error_last()->code;
    }
    for (i = 0; i < FSE_CATALOG_N_XSD; i++) {
        v->xsd_ctxt[i] = fse_xml_schema_new_context(catalog->xsd[i]);
        v->xsd_tree_ctxt[i] = fse_xml_schema_new_context(catalog->xsd[i]);
        if (v->xsd_ctxt[i] == NULL || v->xsd_tree_ctxt[i] == NULL) {
            fse_validator_free(v);
            return fse_error_set(FSE_E_NOMEM, "validate", "XSD validation context");
        }
    }
    *out = v;
    return FSE_OK;
}

void fse_validator_free(fse_validator *validator)
{
    size_t i;

    if (validator == NULL) {
        return;
    }
    for (i = 0; i < FSE_CATALOG_N_XSD; i++) {
        if (validator->xsd_ctxt[i] != NULL) {
            xmlSchemaFreeValidCtxt(validator->xsd_ctxt[i]);
        }
        if (validator->xsd_tree_ctxt[i] != NULL) {
            xmlSchemaFreeValidCtxt(validator->xsd_tree_ctxt[i]);
        }
    }
    fse_xml_parser_free(validator->parser);
    fse_free(validator);
}

static int xsd_index(const char *extension)
{
    int i;

    for (i = 0; i < FSE_CATALOG_N_XSD; i++) {
        if (strcmp(extension, fse_validate__xsd_extensions[i]) == 0) {
            return i;
        }
    }
    return -1;
}

/* Guess the XSD from the bytes: the extension attribute of the first typeId
 * tag. Only an optimisation: the parsed typeId is checked afterwards. */
static int guess_xsd(const uint8_t *data, size_t len)
{
    size_t limit = len < 65536 ? len : 65536;
    const char *tag = memmem(data, limit, "typeId", 6);
    const char *end;
    int k;

    if (tag == NULL) {
        return -1;
    }
    end = memchr(tag, '>', (size_t)((const char *)data + limit - tag));
    for (k = 0; end != NULL && k < FSE_CATALOG_N_XSD; k++) {
        char quoted[64];
        size_t n =
            (size_t)snprintf(quoted, sizeof(quoted), "\"%s\"", fse_validate__xsd_extensions[k]);

        if (memmem(tag, (size_t)(end - tag), quoted, n) != NULL) {
            return k;
        }
        quoted[0] = quoted[n - 1] = '\'';
        if (memmem(tag, (size_t)(end - tag), quoted, n) != NULL) {
            return k;
        }
    }
    return -1;
}

static void on_xsd_error(void *user, xmlErrorPtr err)
{
    run *r = user;
    char location[32];
    char message[1024];
    size_t n;

    if (err == NULL || err->level < XML_ERR_ERROR || r->rc != FSE_OK) {
        return;
    }
    r->n_xsd_errors++;
    snprintf(location, sizeof(location), "line %d", err->line);
    snprintf(message, sizeof(message), "%s: %s", err->level == XML_ERR_FATAL ? "FATAL" : "ERROR",
             err->message != NULL ? err->message : "schema violation");
    n = strlen(message);
    while (n > 0 && (message[n - 1] == '\n' || message[n - 1] == ' ')) {
        message[--n] = '\0';
    }
    r->rc = fse_validate__add_failure(r->report, false, FSE_FAILURE_XSD, "", location, message);
}

/* First element with this local name in document order, or NULL. */
static xmlNode *first_element_named(xmlNode *root, const char *name)
{
    xmlNode *cur = root;

    while (cur != NULL) {
        if (cur->type == XML_ELEMENT_NODE && strcmp((const char *)cur->name, name) == 0) {
            return cur;
        }
        if (cur->type == XML_ELEMENT_NODE && cur->children != NULL) {
            cur = cur->children;
            continue;
        }
        while (cur != NULL && cur != root && cur->next == NULL) {
            cur = cur->parent;
        }
        if (cur == NULL || cur == root) {
            return NULL;
        }
        cur = cur->next;
    }
    return NULL;
}

static void copy_attr(char *out, size_t out_len, const xmlNode *node, const char *name)
{
    const char *value = node != NULL ? fse_xml_attr(node, name) : NULL;

    snprintf(out, out_len, "%s", value != NULL ? value : "");
}

static fse_err finish(fse_report *r, fse_outcome outcome, const char *message)
{
    r->outcome = outcome;
    r->valid = outcome == FSE_OUTCOME_OK || outcome == FSE_OUTCOME_SEMANTIC_WARNING;
    return fse_validate__set_message(r, message);
}

static fse_err refuse_input(fse_report *r, const char *what)
{
    const fse_error_info *e = fse_error_last();
    char message[FSE_ERROR_MSG_MAX + 64];
    fse_err rc;

    snprintf(message, sizeof(message), "%s: %s", what, e->message);
    rc = fse_validate__add_failure(r, false, FSE_FAILURE_INPUT, "", "", message);
    return rc != FSE_OK ? rc : finish(r, FSE_OUTCOME_SYNTAX_ERROR, "Errore di sintassi");
}

/* XSD step: parse (streaming the guessed XSD) and validate against the routed one. */
static fse_err parse_and_validate_xsd(fse_validator *v, run *st, const uint8_t *cda, size_t len,
                                      xmlDocPtr *doc_out, bool *done)
{
    fse_report *r = st->report;
    fse_xml_parse_opts opts = {0};
    int guessed = guess_xsd(cda, len);
    int routed;
    bool valid = false;
    xmlNode *type_id;
    fse_err rc;

    *done = false;
    opts.parser = v->parser;
    if (guessed >= 0) {
        opts.schema_ctxt = v->xsd_ctxt[guessed];
        xmlSchemaSetValidStructuredErrors(v->xsd_ctxt[guessed], on_xsd_error, st);
    }
    rc = fse_xml_parse(doc_out, &valid, cda, len, &opts);
    if (guessed >= 0) {
        xmlSchemaSetValidStructuredErrors(v->xsd_ctxt[guessed], NULL, NULL);
    }
    if (rc == FSE_E_NOMEM) {
        return rc;
    }
    if (rc != FSE_OK) {
        *done = true;
        /* Findings of a half-parsed document are meaningless: keep only the refusal. */
        while (r->n_failures > 0) {
            fse_failure *f = &r->failures[--r->n_failures];

            fse_free(f->rule);
            fse_free(f->location);
            fse_free(f->message);
        }
        return refuse_input(r, "XML non leggibile");
    }
    if (st->rc != FSE_OK) {
        return st->rc;
    }
    type_id = first_element_named(xmlDocGetRootElement(*doc_out), "typeId");
    copy_attr(r->type_id, sizeof(r->type_id), type_id, "extension");
    routed = xsd_index(r->type_id);
    if (routed < 0) {
        char message[160];

        *done = true;
        snprintf(message, sizeof(message), "Schema with version %s not found on database.",
                 r->type_id);
        rc = fse_validate__add_failure(r, false, FSE_FAILURE_ROUTING, "", "", message);
        return rc != FSE_OK ? rc : finish(r, FSE_OUTCOME_SYNTAX_ERROR, "Errore di sintassi");
    }
    if (routed != guessed) {
        /* Wrong guess: drop its findings and validate the tree with the right schema. */
        while (r->n_failures > 0) {
            fse_failure *f = &r->failures[--r->n_failures];

            fse_free(f->rule);
            fse_free(f->location);
            fse_free(f->message);
        }
        xmlSchemaSetValidStructuredErrors(v->xsd_tree_ctxt[routed], on_xsd_error, st);
        valid = xmlSchemaValidateDoc(v->xsd_tree_ctxt[routed], *doc_out) == 0;
        xmlSchemaSetValidStructuredErrors(v->xsd_tree_ctxt[routed], NULL, NULL);
        if (st->rc != FSE_OK) {
            return st->rc;
        }
    }
    if (!valid || r->n_failures > 0) {
        *done = true;
        if (r->n_failures == 0) {
            rc = fse_validate__add_failure(r, false, FSE_FAILURE_XSD, "", "",
                                           "Error while executing validation on xsd schema");
            if (rc != FSE_OK) {
                return rc;
            }
        }
        return finish(r, FSE_OUTCOME_SYNTAX_ERROR, "Errore di sintassi");
    }
    return FSE_OK;
}

static fse_err run_schematron(fse_validator *v, fse_report *r, xmlDocPtr doc, bool *done)
{
    xmlNode *template_id = first_element_named(xmlDocGetRootElement(doc), "templateId");
    fse_doc_type type;
    fse_sch_result *res = NULL;
    size_t i;
    fse_err rc;

    *done = true;
    copy_attr(r->template_root, sizeof(r->template_root), template_id, "root");
    type = fse_cda_doc_by_template(r->template_root);
    if (type == FSE_CDA_DOC_UNKNOWN || v->catalog->sch[type] == NULL) {
        char message[256];

        snprintf(message, sizeof(message),
                 "Schematron with template id root %s not found on database.", r->template_root);
        rc = fse_validate__add_failure(r, false, FSE_FAILURE_ROUTING, "", "", message);
        return rc != FSE_OK ? rc : finish(r, FSE_OUTCOME_SEMANTIC_ERROR, "Errore semantico");
    }
    snprintf(r->doc_type, sizeof(r->doc_type), "%s", fse_cda_doc_desc_get(type)->name);
    snprintf(r->schematron, sizeof(r->schematron), "%s", v->catalog->sch_file[type]);
    rc = fse_sch_run(v->catalog->sch[type], doc, &res);
    if (rc != FSE_OK) {
        return rc;
    }
    if (res->dynamic_error) {
        char message[400];

        snprintf(message, sizeof(message),
                 "Error while executing validation on sch schematron (%s)", res->error_message);
        rc = fse_validate__add_failure(r, false, FSE_FAILURE_SCHEMATRON, "", "", message);
        fse_sch_result_free(res);
        return rc != FSE_OK ? rc : finish(r, FSE_OUTCOME_SEMANTIC_ERROR, "Errore semantico");
    }
    for (i = 0; i < res->n_findings && rc == FSE_OK; i++) {
        const fse_sch_finding *f = &res->findings[i];

        rc = fse_validate__add_failure(r, f->kind == FSE_SCH_REPORT, FSE_FAILURE_SCHEMATRON,
                                       f->label, f->location, f->message);
    }
    fse_sch_result_free(res);
    if (rc != FSE_OK) {
        return rc;
    }
    if (r->n_failures > 0) {
        return finish(r, FSE_OUTCOME_SEMANTIC_ERROR, "Errore semantico");
    }
    *done = false;
    return finish(r, r->n_warnings > 0 ? FSE_OUTCOME_SEMANTIC_WARNING : FSE_OUTCOME_OK,
                  r->n_warnings > 0 ? "Warning semantico" : "OK");
}

static fse_err run_vocabulary(fse_validator *v, fse_report *r, xmlDocPtr doc)
{
    fse_vocab_result vr = {0};
    fse_err rc = fse_terminology_check(v->catalog->terminology, doc, &vr);

    if (rc != FSE_OK) {
        return rc;
    }
    if (!vr.ok) {
        rc = fse_validate__add_failure(r, false, FSE_FAILURE_VOCABULARY, "", "",
                                       vr.message != NULL ? vr.message : "");
        if (rc == FSE_OK) {
            rc = finish(r, FSE_OUTCOME_VOCABULARY_ERROR, "Errore vocabolario");
        }
    }
    fse_free(vr.message);
    return rc;
}

static fse_err validate_cda(fse_validator *v, fse_report *r, const uint8_t *cda, size_t len,
                            const fse_validate_opts *opts)
{
    run st = {r, FSE_OK, 0};
    xmlDocPtr doc = NULL;
    bool done = false;
    uint64_t t0 = fse_validate__now_ns();
    fse_err rc = parse_and_validate_xsd(v, &st, cda, len, &doc, &done);

    r->ns_parse_xsd = fse_validate__now_ns() - t0;
    if (rc != FSE_OK || done) {
        goto out;
    }
    if (opts->skip_schematron) {
        rc = finish(r, FSE_OUTCOME_OK, "OK");
        goto out;
    }
    t0 = fse_validate__now_ns();
    rc = run_schematron(v, r, doc, &done);
    r->ns_schematron = fse_validate__now_ns() - t0;
    if (rc != FSE_OK || done || opts->skip_vocabulary || v->catalog->terminology == NULL) {
        goto out;
    }
    t0 = fse_validate__now_ns();
    rc = run_vocabulary(v, r, doc);
    r->ns_vocabulary = fse_validate__now_ns() - t0;
out:
    xmlFreeDoc(doc);
    return rc;
}

fse_err fse_validator_run(fse_validator *v, const uint8_t *data, size_t len,
                          const fse_validate_opts *opts, fse_report **report_out)
{
    static const fse_validate_opts defaults = {0};
    fse_report *r = fse_calloc(1, sizeof(*r));
    uint8_t *extracted = NULL;
    size_t extracted_len = 0;
    fse_err rc;

    *report_out = NULL;
    if (r == NULL) {
        return fse_error_set(FSE_E_NOMEM, "validate", "report");
    }
    if (opts == NULL) {
        opts = &defaults;
    }
    if (len > FSE_MAX_DOCUMENT_BYTES) {
        fse_error_set(FSE_E_LIMIT, "validate", "%zu bytes, over the limit of %u bytes", len,
                      FSE_MAX_DOCUMENT_BYTES);
        rc = refuse_input(r, "documento troppo grande");
    } else if (len == 0) {
        fse_error_set(FSE_E_PARSE, "validate", "empty input");
        rc = refuse_input(r, "documento vuoto");
    } else if (fse_pdf_detect(data, len)) {
        fse_pdf_embedding how = FSE_PDF_EMBED_NONE;
        uint64_t t0 = fse_validate__now_ns();

        r->from_pdf = true;
        rc = fse_pdf_extract_cda(&extracted, &extracted_len, &how, data, len);
        r->ns_extract = fse_validate__now_ns() - t0;
        r->pdf_embedding = (int)how;
        if (rc == FSE_E_NOMEM) {
            goto done;
        }
        rc = rc != FSE_OK ? refuse_input(r, "Error while extracting CDA from PDF document")
                          : validate_cda(v, r, extracted, extracted_len, opts);
    } else {
        rc = validate_cda(v, r, data, len, opts);
    }
done:
    fse_free(extracted);
    if (rc != FSE_OK) {
        fse_report_free(r);
        return rc;
    }
    *report_out = r;
    return FSE_OK;
}
