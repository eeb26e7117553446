/*
 * tests/gateway/gwt_test_endpoints.c - table-driven tests of the endpoints
 * of gateway-api §1 that carry a document (validation, create, replace,
 * validate-and-create, validate-and-replace), the case runner and the edits
 * shared with gwt_test_manage.c: for each endpoint, the success path and
 * each error of the §4 catalogue that applies to it, with the exact status
 * code and problem type, and an audit record for every call (accepted or
 * refused).
 *
 * A case starts from the endpoint's standard call for a fresh document
 * (baseline), optionally edits the document first (doc) or the call after
 * (mutate), and checks the answer.
 */
#include "gwt_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/util.h"

void gwt_run_cases(const char *endpoint, const ep_case *cases, size_t n, baseline_fn base)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const ep_case *k = &cases[i];
        char what[256];
        gwt_doc d;
        gwt_call c;
        gwt_resp r;
        int outcome = -1;

        snprintf(what, sizeof(what), "%s: %s", endpoint, k->name);
        gwt_doc_new(&d);
        if (k->doc != NULL) {
            k->doc(&d);
        }
        base(&c, &d, k);
        if (k->mutate != NULL) {
            k->mutate(&c, &d);
        }
        gwt_send(&g.node, &c, &r);
        gwt_expect(&r, k->status, k->type, what);
        if (k->type == NULL) {
            assert_non_null(gwt_str(&r, "traceID"));
            assert_non_null(gwt_str(&r, "spanID"));
        }
        if (k->check != NULL) {
            k->check(&r, &d);
        }
        /* Every request that reached an endpoint is audited. */
        if (!gwt_audit_find(&g.node, gwt_str(&r, "traceID"), &outcome, NULL, 0)) {
            fail_msg("%s: no audit record for trace %s", what, gwt_str(&r, "traceID"));
        }
        assert_int_equal(outcome, k->type == NULL
                                      ? FSE_AUDIT_SUCCESS
                                      : (r.status >= 500 ? FSE_AUDIT_ERROR : FSE_AUDIT_REFUSED));
        gwt_resp_free(&r);
        gwt_call_free(&c);
        gwt_doc_free(&d);
    }
}

/* ---- Edits of documents ------------------------------------------------- */

static void replace_first(gwt_doc *d, const char *from, const char *to)
{
    const char *cda = (const char *)d->cda;
    const char *at = strstr(cda, from);
    fse_buf b;

    assert_non_null(at);
    fse_buf_init(&b, d->cda_len + strlen(to) + 1);
    fse_buf_append(&b, cda, (size_t)(at - cda));
    fse_buf_append_str(&b, to);
    fse_buf_append_str(&b, at + strlen(from));
    gwt_doc_set_cda(d, b.data);
    fse_buf_free(&b);
}

static void doc_syntax(gwt_doc *d)
{
    replace_first(d, "<realmCode code=\"IT\"/>", "<realmCode code=\"IT\"/><bogus/>");
}

static void doc_semantic(gwt_doc *d)
{
    replace_first(d, "<realmCode code=\"IT\"/>", "<realmCode code=\"FR\"/>");
}

/* The code of the first observation: a LOINC code the terminology lacks. */
static void doc_vocabulary(gwt_doc *d)
{
    const char *cda = (const char *)d->cda;
    const char *obs = strstr(cda, "<observation");
    const char *code;
    const char *end;
    char from[128];

    assert_non_null(obs);
    code = strstr(obs, "<code code=\"");
    assert_non_null(code);
    end = strchr(code + 12, '"');
    snprintf(from, sizeof(from), "%.*s", (int)(end - code + 1), code);
    replace_first(d, from, "<code code=\"99999-9\"");
}

static void doc_no_id_root(gwt_doc *d)
{
    const char *cda = (const char *)d->cda;
    const char *id = strstr(cda, "\n  <id root=\"");
    const char *end;
    char from[128];

    assert_non_null(id);
    end = strchr(id + 13, '"');
    snprintf(from, sizeof(from), "%.*s", (int)(end - id + 1), id);
    replace_first(d, from, "\n  <id");
}

/* A PDF whose attachment is no longer called cda.xml (same length). */
static void doc_no_cda(gwt_doc *d)
{
    size_t i;

    for (i = 0; i + 7 <= d->pdf_len; i++) {
        if (memcmp(d->pdf + i, "cda.xml", 7) == 0) {
            memcpy(d->pdf + i, "cdx.xml", 7);
        }
    }
    gwt_doc_set_pdf(d, d->pdf, d->pdf_len);
}

/* ---- Edits of calls ----------------------------------------------------- */

void gwt_body_set(gwt_call *c, const char *key, json_t *value)
{
    json_t *o = json_loads(c->body, 0, NULL);

    assert_non_null(o);
    if (value == NULL) {
        json_object_del(o, key);
    } else {
        json_object_set_new(o, key, value);
    }
    gwt_call_body(c, o);
    json_decref(o);
}

/* Re-sign the signature token of op for d with claim key set (NULL: removed). */
void gwt_sig_set(gwt_call *c, fse_jwt_op op, const gwt_doc *d, const char *key, json_t *value)
{
    json_t *claims = gwt_claims(op, d, true);

    if (value == NULL) {
        json_object_del(claims, key);
    } else {
        json_object_set_new(claims, key, value);
    }
    fse_free(c->sig);
    c->sig = gwt_sign(g.signer, claims);
    json_decref(claims);
}

void gwt_no_auth(gwt_call *c, gwt_doc *d)
{
    (void)d;
    fse_free(c->auth);
    c->auth = NULL;
}

static void no_sig(gwt_call *c, gwt_doc *d)
{
    (void)d;
    fse_free(c->sig);
    c->sig = NULL;
}

void gwt_no_tokens(gwt_call *c, gwt_doc *d)
{
    gwt_no_auth(c, d);
    no_sig(c, d);
}

static void no_file(gwt_call *c, gwt_doc *d)
{
    (void)d;
    c->with_file = false;
}

static void no_body(gwt_call *c, gwt_doc *d)
{
    (void)d;
    free(c->body);
    c->body = NULL;
}

static void body_not_json(gwt_call *c, gwt_doc *d)
{
    (void)d;
    free(c->body);
    c->body = strdup("{\"activity\": VALIDATION");
}

static void empty_file(gwt_call *c, gwt_doc *d)
{
    (void)d;
    c->file_len = 0;
}

static void not_pdf(gwt_call *c, gwt_doc *d)
{
    (void)d;
    c->file = (const uint8_t *)"<ClinicalDocument/>";
    c->file_len = 19;
}

static void activity_missing(gwt_call *c, gwt_doc *d)
{
    (void)d;
    gwt_body_set(c, "activity", NULL);
}

static void activity_unknown(gwt_call *c, gwt_doc *d)
{
    (void)d;
    gwt_body_set(c, "activity", json_string("PUBLISH"));
}

static void activity_verifica(gwt_call *c, gwt_doc *d)
{
    (void)d;
    gwt_body_set(c, "activity", json_string("VERIFICA"));
}

static void mode_missing(gwt_call *c, gwt_doc *d)
{
    (void)d;
    gwt_body_set(c, "mode", NULL);
}

static void mode_resource(gwt_call *c, gwt_doc *d)
{
    (void)d;
    gwt_body_set(c, "mode", json_string("RESOURCE"));
}

void gwt_date_malformed(gwt_call *c, gwt_doc *d)
{
    (void)d;
    gwt_body_set(c, "dataInizioPrestazione", json_string("2024-10-21"));
}

static void id_doc_missing(gwt_call *c, gwt_doc *d)
{
    (void)d;
    gwt_body_set(c, "identificativoDoc", NULL);
}

static void id_doc_malformed(gwt_call *c, gwt_doc *d)
{
    (void)d;
    gwt_body_set(c, "identificativoDoc",
                 json_string("2.16.840.1.113883.2.9.2.120.4.4-senza-caret"));
}

void gwt_class_mismatch(gwt_call *c, gwt_doc *d)
{
    (void)d;
    gwt_body_set(c, "tipoDocumentoLivAlto", json_string("LDO"));
}

void gwt_struttura_missing(gwt_call *c, gwt_doc *d)
{
    (void)d;
    gwt_body_set(c, "tipologiaStruttura", NULL);
}

static void wii_other(gwt_call *c, gwt_doc *d)
{
    (void)d;
    gwt_body_set(
        c, "workflowInstanceId",
        json_string("2.16.840.1.113883.2.9.2.120.4.4.00.0000000000^^^^urn:ihe:iti:xdw:2013:"
                    "workflowInstanceId"));
}

static void callback_ftp(gwt_call *c, gwt_doc *d)
{
    (void)d;
    snprintf(c->extra_header, sizeof(c->extra_header), "X-Callback-Url: ftp://127.0.0.1/cb");
}

SIG_EDIT(val_person_other, FSE_JWT_OP_VALIDATION, "person_id",
         json_string(OTHER_CF "^^^&2.16.840.1.113883.2.9.4.3.2&ISO"))
SIG_EDIT(val_hl7_other, FSE_JWT_OP_VALIDATION, "resource_hl7_type",
         json_string("('68604-8^^2.16.840.1.113883.6.1')"))
SIG_EDIT(val_action_delete, FSE_JWT_OP_VALIDATION, "action_id", json_string("DELETE"))
SIG_EDIT(val_action_test, FSE_JWT_OP_VALIDATION, "action_id", json_string("TEST"))
SIG_EDIT(val_no_purpose, FSE_JWT_OP_VALIDATION, "purpose_of_use", NULL)
SIG_EDIT(cre_hash_other, FSE_JWT_OP_CREATE, "attachment_hash",
         json_string("0f343b0931126a20f133d67c2b018a3b5b2e2e5f5d1e6c1c5c8a1e1d2c3b4a59"))
SIG_EDIT(cre_locality_bad, FSE_JWT_OP_CREATE, "locality", json_string("LABORATORIO DI PROVA"))
SIG_EDIT(cre_purpose_update, FSE_JWT_OP_CREATE, "purpose_of_use", json_string("UPDATE"))
SIG_EDIT(cre_action_update, FSE_JWT_OP_CREATE, "action_id", json_string("UPDATE"))
SIG_EDIT(rep_action_create, FSE_JWT_OP_REPLACE, "action_id", json_string("CREATE"))

/* The signature token signed with another certificate than the Bearer one. */
static void cre_other_signer(gwt_call *c, gwt_doc *d)
{
    json_t *claims = gwt_claims(FSE_JWT_OP_CREATE, d, true);

    json_object_set_new(claims, "iss", json_string("integrity:S1#130#OTHERREGION"));
    fse_free(c->sig);
    c->sig = gwt_sign(g.signer_130, claims);
    json_decref(claims);
}

/* ---- Checks ------------------------------------------------------------- */

void gwt_check_wii(const gwt_resp *r, const gwt_doc *d)
{
    (void)d;
    assert_non_null(gwt_str(r, "workflowInstanceId"));
    assert_non_null(
        strstr(gwt_str(r, "workflowInstanceId"), "^^^^urn:ihe:iti:xdw:2013:workflowInstanceId"));
}

static void check_no_warning(const gwt_resp *r, const gwt_doc *d)
{
    gwt_check_wii(r, d);
    assert_null(gwt_str(r, "warning"));
}

static void check_extract_warning(const gwt_resp *r, const gwt_doc *d)
{
    gwt_check_wii(r, d);
    assert_non_null(gwt_str(r, "warning"));
    assert_non_null(strstr(gwt_str(r, "warning"), "[WARNING_EXTRACT]"));
}

/* Validation errors carry the workflowInstanceId (gateway-api §4). */
static void check_problem_wii(const gwt_resp *r, const gwt_doc *d)
{
    gwt_check_wii(r, d);
    assert_string_equal(gwt_str(r, "instance"), "/validation/error");
}

void gwt_check_person_instance(const gwt_resp *r, const gwt_doc *d)
{
    (void)d;
    assert_string_equal(gwt_str(r, "instance"), "/jwt-person-id");
}

void gwt_check_type_instance(const gwt_resp *r, const gwt_doc *d)
{
    (void)d;
    assert_string_equal(gwt_str(r, "instance"), "/jwt-document-type");
}

void gwt_check_req_id_instance(const gwt_resp *r, const gwt_doc *d)
{
    (void)d;
    assert_string_equal(gwt_str(r, "instance"), "/invalid-req-id");
}

/* ---- Validation --------------------------------------------------------- */

void gwt_base_validation(gwt_call *c, gwt_doc *d, const ep_case *k)
{
    json_t *body = gwt_body(d, "VALIDATION");

    (void)k;
    gwt_call_init(c, "POST", "/v1/documents/validation");
    gwt_tokens(&c->auth, &c->sig, FSE_JWT_OP_VALIDATION, d, NULL);
    c->with_file = true;
    c->file = d->pdf;
    c->file_len = d->pdf_len;
    gwt_call_body(c, body);
    json_decref(body);
}

static const ep_case validation_cases[] = {
    {"VALIDATION accepted", NULL, false, NULL, 201, NULL, check_no_warning},
    {"VERIFICA accepted", NULL, false, activity_verifica, 200, NULL, gwt_check_wii},
    {"mode missing: warning", NULL, false, mode_missing, 201, NULL, check_extract_warning},
    {"no Authorization", NULL, false, gwt_no_auth, 403, "/msg/missing-token", NULL},
    {"no FSE-JWT-Signature", NULL, false, no_sig, 403, "/msg/missing-token", NULL},
    {"no file part", NULL, false, no_file, 400, "/msg/generic-error", NULL},
    {"no requestBody part", NULL, false, no_body, 400, "/msg/generic-error", NULL},
    {"requestBody not JSON", NULL, false, body_not_json, 400, "/msg/generic-error", NULL},
    {"activity missing", NULL, false, activity_missing, 400, "/msg/mandatory-element", NULL},
    {"activity unknown", NULL, false, activity_unknown, 400, "/msg/mandatory-element", NULL},
    {"date malformed", NULL, false, gwt_date_malformed, 400, "/msg/invalid-format", NULL},
    {"empty file", NULL, false, empty_file, 400, "/msg/empty-file", NULL},
    {"not a PDF", NULL, false, not_pdf, 415, "/msg/document-type", NULL},
    {"PDF without CDA", doc_no_cda, false, NULL, 400, "/msg/cda-element", NULL},
    {"mode RESOURCE on an attachment", NULL, false, mode_resource, 400, "/msg/cda-element", NULL},
    {"CDA without id root", doc_no_id_root, false, NULL, 400, "/msg/workflow-id-error-extraction",
     NULL},
    {"XSD error", doc_syntax, false, NULL, 400, "/msg/syntax", check_problem_wii},
    {"schematron error", doc_semantic, false, NULL, 422, "/msg/semantic", check_problem_wii},
    {"unknown LOINC code", doc_vocabulary, false, NULL, 400, "/msg/vocabulary", check_problem_wii},
    {"person_id of another patient", NULL, false, val_person_other, 403, "/msg/jwt-validation",
     gwt_check_person_instance},
    {"resource_hl7_type of another type", NULL, false, val_hl7_other, 403, "/msg/jwt-validation",
     gwt_check_type_instance},
    {"action_id DELETE", NULL, false, val_action_delete, 403, "/msg/jwt-validation", NULL},
    {"action_id TEST", NULL, false, val_action_test, 403, "/msg/jwt-validation", NULL},
    {"purpose_of_use missing", NULL, false, val_no_purpose, 403, "/msg/jwt-validation", NULL},
};

void gwt_test_validation_table(void **state)
{
    (void)state;
    gwt_run_cases("POST /v1/documents/validation", validation_cases,
                  sizeof(validation_cases) / sizeof(validation_cases[0]), gwt_base_validation);
}

/* ---- Create ------------------------------------------------------------- */

static void base_create(gwt_call *c, gwt_doc *d, const ep_case *k)
{
    if (!k->no_pre) {
        fse_free(gwt_validate(&g.node, d));
    }
    gwt_prepare_publish(c, d, FSE_JWT_OP_CREATE, "/v1/documents", NULL);
}

static const ep_case create_cases[] = {
    {"accepted after validation", NULL, false, NULL, 202, NULL, gwt_check_wii},
    {"not validated", NULL, true, NULL, 400, "/msg/cda-match", NULL},
    {"workflowInstanceId of another validation", NULL, false, wii_other, 400, "/msg/cda-match",
     NULL},
    {"no tokens", NULL, false, gwt_no_tokens, 403, "/msg/missing-token", NULL},
    {"attachment_hash of other bytes", NULL, false, cre_hash_other, 400, "/msg/document-hash",
     NULL},
    {"identificativoDoc missing", NULL, false, id_doc_missing, 400, "/msg/mandatory-element", NULL},
    {"identificativoDoc without ^", NULL, false, id_doc_malformed, 400, "/msg/id-doc", NULL},
    {"tipologiaStruttura missing", NULL, false, gwt_struttura_missing, 400,
     "/msg/mandatory-element", NULL},
    {"tipoDocumentoLivAlto not the LOINC's", NULL, false, gwt_class_mismatch, 400,
     "/msg/mandatory-element", NULL},
    {"date malformed", NULL, false, gwt_date_malformed, 400, "/msg/invalid-format", NULL},
    {"empty file", NULL, false, empty_file, 400, "/msg/empty-file", NULL},
    {"not a PDF", NULL, false, not_pdf, 415, "/msg/document-type", NULL},
    {"PDF without CDA", doc_no_cda, true, NULL, 400, "/msg/cda-element", NULL},
    {"locality not an XON", NULL, false, cre_locality_bad, 403, "/msg/jwt-validation", NULL},
    {"purpose_of_use UPDATE", NULL, false, cre_purpose_update, 403, "/msg/jwt-validation", NULL},
    {"action_id UPDATE", NULL, false, cre_action_update, 403, "/msg/jwt-validation", NULL},
    {"tokens of two certificates", NULL, false, cre_other_signer, 403, "/msg/jwt-validation", NULL},
    {"X-Callback-Url not http", NULL, false, callback_ftp, 400, "/msg/invalid-format", NULL},
};

void gwt_test_create_table(void **state)
{
    (void)state;
    gwt_run_cases("POST /v1/documents", create_cases,
                  sizeof(create_cases) / sizeof(create_cases[0]), base_create);
}

/* ---- Validate-and-create ------------------------------------------------ */

static void base_validate_and_create(gwt_call *c, gwt_doc *d, const ep_case *k)
{
    (void)k;
    gwt_prepare_publish(c, d, FSE_JWT_OP_CREATE, "/v1/documents/validate-and-create", NULL);
}

static const ep_case vac_cases[] = {
    {"accepted without a prior validation", NULL, false, NULL, 202, NULL, gwt_check_wii},
    {"XSD error", doc_syntax, false, NULL, 400, "/msg/syntax", check_problem_wii},
    {"schematron error", doc_semantic, false, NULL, 422, "/msg/semantic", check_problem_wii},
    {"attachment_hash of other bytes", NULL, false, cre_hash_other, 400, "/msg/document-hash",
     NULL},
    {"action_id UPDATE", NULL, false, cre_action_update, 403, "/msg/jwt-validation", NULL},
    {"identificativoDoc missing", NULL, false, id_doc_missing, 400, "/msg/mandatory-element", NULL},
};

void gwt_test_validate_and_create_table(void **state)
{
    (void)state;
    gwt_run_cases("POST /v1/documents/validate-and-create", vac_cases,
                  sizeof(vac_cases) / sizeof(vac_cases[0]), base_validate_and_create);
}

/* ---- Replace and validate-and-replace ----------------------------------- */

/* The document d replaces: published first (every document of the suite
 * has the same patient, as a new version must). */
static char *publish_old(void)
{
    gwt_doc old;
    char *id;

    gwt_doc_new(&old);
    fse_free(gwt_publish(&g.node, &old));
    id = fse_strdup(old.meta.identificativo_doc);
    gwt_doc_free(&old);
    return id;
}

static void base_replace(gwt_call *c, gwt_doc *d, const ep_case *k)
{
    char *old_id = publish_old();

    if (!k->no_pre) {
        fse_free(gwt_validate(&g.node, d));
    }
    gwt_prepare_publish(c, d, FSE_JWT_OP_REPLACE, "/v1/documents", old_id);
    fse_free(old_id);
}

void gwt_path_absent(gwt_call *c, gwt_doc *d)
{
    char enc[256];

    (void)d;
    gwt_encode(enc, OTHER_ID);
    snprintf(c->path, sizeof(c->path), "/v1/documents/%s", enc);
}

void gwt_path_no_caret(gwt_call *c, gwt_doc *d)
{
    (void)d;
    snprintf(c->path, sizeof(c->path), "/v1/documents/senza-caret");
}

static const ep_case replace_cases[] = {
    {"accepted", NULL, false, NULL, 202, NULL, gwt_check_wii},
    {"path id without ^", NULL, false, gwt_path_no_caret, 400, "/msg/id-doc",
     gwt_check_req_id_instance},
    {"document to replace absent", NULL, false, gwt_path_absent, 404, "/msg/record-not-found",
     NULL},
    {"not validated", NULL, true, NULL, 400, "/msg/cda-match", NULL},
    {"action_id CREATE", NULL, false, rep_action_create, 403, "/msg/jwt-validation", NULL},
    {"identificativoDoc missing", NULL, false, id_doc_missing, 400, "/msg/mandatory-element", NULL},
    {"no tokens", NULL, false, gwt_no_tokens, 403, "/msg/missing-token", NULL},
};

void gwt_test_replace_table(void **state)
{
    (void)state;
    gwt_run_cases("PUT /v1/documents/{id}", replace_cases,
                  sizeof(replace_cases) / sizeof(replace_cases[0]), base_replace);
}

static void base_validate_and_replace(gwt_call *c, gwt_doc *d, const ep_case *k)
{
    char *old_id = publish_old();

    (void)k;
    gwt_prepare_publish(c, d, FSE_JWT_OP_REPLACE, "/v1/documents/validate-and-replace", old_id);
    fse_free(old_id);
}

static void vr_path_absent(gwt_call *c, gwt_doc *d)
{
    char enc[256];

    (void)d;
    gwt_encode(enc, OTHER_ID);
    snprintf(c->path, sizeof(c->path), "/v1/documents/validate-and-replace/%s", enc);
}

static const ep_case var_cases[] = {
    {"accepted without a prior validation", NULL, false, NULL, 202, NULL, gwt_check_wii},
    {"document to replace absent", NULL, false, vr_path_absent, 404, "/msg/record-not-found", NULL},
    {"unknown LOINC code", doc_vocabulary, false, NULL, 400, "/msg/vocabulary", check_problem_wii},
    {"action_id CREATE", NULL, false, rep_action_create, 403, "/msg/jwt-validation", NULL},
};

void gwt_test_validate_and_replace_table(void **state)
{
    (void)state;
    gwt_run_cases("PUT /v1/documents/validate-and-replace/{idDoc}", var_cases,
                  sizeof(var_cases) / sizeof(var_cases[0]), base_validate_and_replace);
}
