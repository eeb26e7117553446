/*
 * lib/consult/consult_read.c - the FHIR reads: DocumentReference/{id},
 * Binary/{id} (the PDF) and Binary/{id}-cda (the CDA), Patient search and
 * read, AuditEvent (the patient's access log) and the CapabilityStatement.
 *
 * Owns the lookup of one document among the token's patient's documents,
 * the rule that a document the subject may not see answers exactly as one
 * that does not exist (fse_consult__not_found), the content negotiation of
 * Binary, and marking an emergency grant once its PSS has been read.
 */
#include "consult_int.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

bool fse_consult__find_doc(cs_ctx *ctx, const char *doc_id, fse_store_doc_list **list_out,
                           const fse_store_doc_meta **out)
{
    unsigned statuses = FSE_STORE_STATUS_BIT(FSE_STORE_DOC_APPROVED) |
                        FSE_STORE_STATUS_BIT(FSE_STORE_DOC_DEPRECATED);
    size_t i;

    *out = NULL;
    if (!fse_consult__load_docs(ctx, statuses, list_out)) {
        return false;
    }
    for (i = 0; doc_id != NULL && i < (*list_out)->n_docs; i++) {
        if (strcmp((*list_out)->docs[i]->doc_id, doc_id) == 0) {
            *out = (*list_out)->docs[i];
            break;
        }
    }
    return true;
}

void fse_consult__mark_pss_read(cs_ctx *ctx, const fse_store_doc_meta *m)
{
    if (ctx->subject.purpose != FSE_POLICY_PURPOSE_EMERGENCY || ctx->emergency_id == 0 ||
        m->type_code == NULL || strcmp(m->type_code, FSE_POLICY_LOINC_PSS) != 0) {
        return;
    }
    if (fse_store_relation_flag(ctx->store, ctx->patient, ctx->emergency_id,
                                FSE_STORE_REL_F_PSS_READ) != FSE_OK) {
        fse_consult__log(ctx->c, FSE_HTTP_LOG_WARN, "module=consult event=pss-flag-failure");
    }
}

/*
 * The document the request names, if the subject may see it: answers 404
 * (absent or not visible, the same answer) or 500 itself and returns NULL.
 * The decision is audited either way.
 */
static const fse_store_doc_meta *visible_doc(cs_ctx *ctx, const char *doc_id,
                                             fse_store_doc_list **list, bool *shown_obscured)
{
    const fse_store_doc_meta *m = NULL;
    fse_policy_decision d;

    if (!fse_consult__facts(ctx) || !fse_consult__find_doc(ctx, doc_id, list, &m)) {
        return NULL;
    }
    if (m == NULL) {
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, "not-found");
        (void)fse_consult__not_found(ctx);
        return NULL;
    }
    fse_consult__decide(ctx, m, &d);
    if (!d.allow) {
        (void)fse_consult__audit(ctx, m->unique_id, FSE_AUDIT_REFUSED,
                                 fse_policy_reason_name(d.reason));
        (void)fse_consult__not_found(ctx);
        return NULL;
    }
    fse_consult__notify_access(ctx);
    if (!fse_consult__audit(ctx, m->unique_id, FSE_AUDIT_SUCCESS,
                            fse_policy_reason_name(d.reason))) {
        (void)fse_consult__internal(ctx, "audit");
        return NULL;
    }
    fse_consult__mark_pss_read(ctx, m);
    *shown_obscured = d.shown_obscured;
    return m;
}

fse_err fse_consult__read_docref(cs_ctx *ctx)
{
    fse_store_doc_list *list = NULL;
    bool shown = false;
    const fse_store_doc_meta *m =
        visible_doc(ctx, fse_http_req_param(ctx->req, "id"), &list, &shown);
    fse_buf out;
    fse_json w;
    fse_err rc = FSE_OK;

    if (m != NULL) {
        fse_buf_init(&out, CS_MAX_OUTPUT);
        fse_json_init(&w, &out);
        fse_consult__docref_json(&w, ctx, m, shown);
        rc = fse_json_status(&w);
        if (rc == FSE_OK) {
            rc = fse_consult__respond_fhir(ctx, 200, &out);
        }
        fse_buf_free(&out);
    }
    fse_store_doc_list_free(list);
    return rc;
}

/* Whether the client asked for the FHIR Binary resource rather than the bytes. */
static bool wants_resource(const cs_ctx *ctx)
{
    const char *accept = fse_http_req_header(ctx->req, "Accept");
    const char *format = fse_http_req_query(ctx->req, "_format");

    return (accept != NULL && strstr(accept, "fhir+json") != NULL) ||
           (format != NULL && strstr(format, "json") != NULL);
}

static fse_err binary_resource(cs_ctx *ctx, const char *id, const char *type, const uint8_t *data,
                               size_t len)
{
    fse_buf out;
    fse_json w;
    char *b64 = fse_malloc(4 * ((len + 2) / 3) + 1);
    fse_err rc;

    if (b64 == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_CONSULT_MODULE, "binary");
    }
    EVP_EncodeBlock((unsigned char *)b64, data, (int)len);
    fse_consult__json_begin(&out, &w);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "resourceType", "Binary");
    fse_json_kv_string(&w, "id", id);
    fse_json_kv_string(&w, "contentType", type);
    fse_json_kv_string(&w, "data", b64);
    fse_json_object_end(&w);
    rc = fse_consult__send(ctx, &w, &out, 200);
    fse_free(b64);
    return rc;
}

fse_err fse_consult__read_binary(cs_ctx *ctx)
{
    const char *id = fse_http_req_param(ctx->req, "id");
    char doc_id[FSE_STORE_ID_LEN];
    size_t n = id != NULL ? strlen(id) : 0;
    bool cda = n == FSE_STORE_ID_LEN - 1 + 4 && strcmp(id + FSE_STORE_ID_LEN - 1, "-cda") == 0;
    fse_store_doc_list *list = NULL;
    const fse_store_doc_meta *m;
    bool shown = false;
    uint8_t *data = NULL;
    size_t len = 0;
    fse_err rc = FSE_OK;

    snprintf(doc_id, sizeof(doc_id), "%.*s", (int)(FSE_STORE_ID_LEN - 1), id != NULL ? id : "");
    if (n != FSE_STORE_ID_LEN - 1 && !cda) {
        doc_id[0] = '\0';
    }
    m = visible_doc(ctx, doc_id, &list, &shown);
    if (m != NULL) {
        const char *type = cda ? "application/xml" : "application/pdf";

        rc = fse_store_doc_read(&data, &len, ctx->store, m->unique_id,
                                cda ? FSE_STORE_BLOB_CDA : FSE_STORE_BLOB_PDF);
        if (rc != FSE_OK) {
            rc = fse_consult__internal(ctx, "binary read");
        } else if (wants_resource(ctx)) {
            rc = binary_resource(ctx, id, type, data, len);
        } else {
            ctx->answered = true;
            rc = fse_http_respond(ctx->req, 200, type, data, len);
        }
    }
    fse_free(data);
    fse_store_doc_list_free(list);
    return rc;
}

/* A searchset Bundle holding the patient, or nothing. */
static fse_err patient_bundle(cs_ctx *ctx, bool with_patient)
{
    fse_buf out;
    fse_json w;
    fse_err rc;

    fse_consult__json_begin(&out, &w);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "resourceType", "Bundle");
    fse_json_kv_string(&w, "type", "searchset");
    fse_json_kv_int(&w, "total", with_patient ? 1 : 0);
    fse_json_key(&w, "entry");
    fse_json_array_begin(&w);
    if (with_patient) {
        fse_json_object_begin(&w);
        fse_json_key(&w, "resource");
        fse_consult__patient_json(&w, ctx);
        fse_json_key(&w, "search");
        fse_json_object_begin(&w);
        fse_json_kv_string(&w, "mode", "match");
        fse_json_object_end(&w);
        fse_json_object_end(&w);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    rc = fse_consult__send(ctx, &w, &out, 200);
    return rc;
}

/* The patient may be shown when the subject may look at the record at all. */
static bool patient_visible(cs_ctx *ctx)
{
    fse_policy_decision d;

    if (!fse_consult__facts(ctx) || fse_consult__scope(ctx, &d) == FSE_POLICY_SCOPE_NONE) {
        return false;
    }
    if (!fse_consult__audit(ctx, NULL, FSE_AUDIT_SUCCESS, fse_policy_reason_name(d.reason))) {
        (void)fse_consult__internal(ctx, "audit");
        return false;
    }
    return true;
}

fse_err fse_consult__search_patient(cs_ctx *ctx)
{
    const char *identifier = fse_http_req_query(ctx->req, "identifier");

    if (identifier == NULL) {
        return fse_consult__fail(ctx, 400, "Parametro obbligatorio mancante: identifier");
    }
    if (!fse_consult__same_patient(ctx, identifier) || !patient_visible(ctx)) {
        return FSE_OK;
    }
    return patient_bundle(ctx, true);
}

fse_err fse_consult__read_patient(cs_ctx *ctx)
{
    char pid[33];
    fse_buf out;
    fse_json w;
    fse_err rc;

    if (!fse_consult__facts(ctx)) {
        return FSE_OK;
    }
    fse_consult__patient_id(pid, ctx);
    if (strcmp(pid, fse_http_req_param(ctx->req, "id")) != 0) {
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, "not-found");
        return fse_consult__not_found(ctx);
    }
    if (!patient_visible(ctx)) {
        return FSE_OK;
    }
    fse_consult__json_begin(&out, &w);
    fse_consult__patient_json(&w, ctx);
    rc = fse_consult__send(ctx, &w, &out, 200);
    return rc;
}
