/*
 * lib/gateway/gw_manage.c - DELETE /v1/documents/{id} and
 * PUT /v1/documents/{id}/metadata[-iti-57] (gateway-api §1 rows 5-7).
 *
 * Owns the order of their checks (path id, tokens, body), the lookup of the
 * stored document (404 when absent or deleted, 409 when not the approved
 * version), the person_id and resource_hl7_type checks against the stored
 * document, and their transactions: tombstone or metadata update, the
 * RIFERIMENTI_INI and DELETE/UPDATE events, the INI/EDS jobs and the audit
 * record, committed before the 200. A metadata update that changes P99, P97
 * or P98 in eventCodeList changes the document's visibility in the same
 * transaction; TUTELA and the patient's own choices are kept
 * (docs/gateway.md "Default obscuring"). Does not own the store operations
 * (fse/store.h), the event code bits (gw_publish.c) or the jobs
 * (gw_outbox.c).
 */
#include "gateway_int.h"

#include <stdio.h>
#include <string.h>

/* The LOINC code system (ClinicalDocument/code of every FSE document). */
#define OID_LOINC "2.16.840.1.113883.6.1"

/* The stored document the request is about, approved, same patient. */
static bool find_document(gw_ctx *ctx, fse_store_doc_meta **out)
{
    fse_err rc = fse_store_doc_get(out, ctx->slot->store, ctx->path_id);

    ctx->event_type = GW_EV_RIFERIMENTI_INI;
    if (rc == FSE_E_NOT_FOUND || (rc == FSE_OK && (*out)->status == FSE_STORE_DOC_DELETED)) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_RECORD_NOT_FOUND, NULL,
                                   "Nessun riferimento trovato per il documento");
    }
    if (rc != FSE_OK) {
        return fse_gateway__fail(ctx, "document lookup");
    }
    if ((*out)->status != FSE_STORE_DOC_APPROVED) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_CONFLICT, NULL,
                                   "Il documento non è nello stato Approved");
    }
    if (!fse_gateway__jwt_patient(ctx, (*out)->patient_id)) {
        return false;
    }
    ctx->event_type = ctx->info->event_type;
    return fse_gateway__event(ctx, GW_EV_RIFERIMENTI_INI, GW_ST_SUCCESS, "Riferimenti trovati",
                              NULL) == FSE_OK ||
           fse_gateway__fail(ctx, "event");
}

/* Commit the act's event, jobs and audit record. */
static bool finish(gw_ctx *ctx, fse_gateway_fhir_op op)
{
    fse_store *s = ctx->slot->store;
    fse_err rc = fse_gateway__event(ctx, ctx->info->event_type, GW_ST_SUCCESS, NULL, NULL);

    if (rc == FSE_OK) {
        rc = fse_gateway__enqueue_jobs(ctx, op, NULL);
    }
    if (rc == FSE_OK) {
        rc = fse_gateway__audit(ctx, FSE_AUDIT_SUCCESS, NULL);
    }
    if (rc == FSE_OK) {
        rc = fse_store_tx_commit(s);
    }
    if (rc != FSE_OK) {
        (void)fse_store_tx_rollback(s);
        return fse_gateway__fail(ctx, "commit");
    }
    return true;
}

/* The steps every management call starts with. */
static bool begin(gw_ctx *ctx)
{
    return fse_gateway__read_path_id(ctx, "id") && fse_gateway__new_wii_for_id(ctx, ctx->path_id) &&
           fse_gateway__jwt_step(ctx) && fse_gateway__read_callback(ctx);
}

static bool delete_tx(gw_ctx *ctx)
{
    fse_store *s = ctx->slot->store;
    fse_store_doc_meta *doc = NULL;
    bool ok;
    fse_err rc;

    if (fse_store_tx_begin(s) != FSE_OK) {
        return fse_gateway__fail(ctx, "begin");
    }
    ok = find_document(ctx, &doc);
    fse_store_doc_meta_free(doc);
    if (ok) {
        rc = fse_store_doc_delete(s, ctx->path_id, ctx->now_ms);
        ok = rc == FSE_OK || fse_gateway__fail(ctx, "delete");
    }
    if (ok) {
        return finish(ctx, FSE_GATEWAY_FHIR_DELETE);
    }
    (void)fse_store_tx_rollback(s);
    return false;
}

fse_err fse_gateway__delete(gw_ctx *ctx)
{
    if (!begin(ctx) || !delete_tx(ctx)) {
        return fse_gateway__answer_refusal(ctx);
    }
    fse_gateway__kick(ctx->gw);
    /* IMPLEMENTATION-OF: gateway-api §9 "delete and metadata return 200 (sync
     * OK)": the node's own registry is updated in the transaction. */
    return fse_gateway__answer_ok(ctx, 200);
}

/* tipoDocumentoLivAlto and resource_hl7_type against the stored type code. */
static bool check_against(gw_ctx *ctx, const fse_store_doc_meta *doc)
{
    fse_cda_findings findings;
    fse_cda_header h;
    bool ok = true;
    fse_err rc;

    memset(&h, 0, sizeof(h));
    h.code = (char *)(uintptr_t)doc->type_code;
    h.code_system = (char *)(uintptr_t)OID_LOINC;
    fse_cda_findings_init(&findings);
    rc = fse_cda_check_class(&findings, ctx->body.meta.tipo_documento_liv_alto, doc->type_code);
    if (rc == FSE_OK && findings.n_items == 0) {
        rc = fse_cda_check_hl7_type(&findings, ctx->sig->resource_hl7_type, &h);
    }
    if (rc != FSE_OK) {
        ok = fse_gateway__fail(ctx, "metadata checks");
    } else if (findings.n_items > 0) {
        const fse_cda_rule_info *r = fse_cda_rule_get(findings.items[0].rule);

        ok = fse_gateway__refuse_type(ctx, r->type, r->instance, findings.items[0].detail);
    }
    fse_cda_findings_free(&findings);
    return ok;
}

/*
 * The visibility after the update: eventCodeList is replaced by the request's
 * list (gateway-api §2 column "metadata"), so P99, P97 and P98 move only
 * when the list adds or drops them; TUTELA, TUTELA_RELEASED and an obscuring
 * the patient made through the citizen's function are kept.
 * IMPLEMENTATION-OF: domain-rules §3 "the producer sends a metadata update
 * that sets or clears P99 in eventCodeList".
 */
static unsigned updated_visibility(const gw_ctx *ctx, const fse_store_doc_meta *doc)
{
    const fse_cda_request_metadata *b = &ctx->body.meta;

    return fse_gateway__visibility_change(
        doc->visibility, fse_gateway__event_visibility(doc->event_codes, doc->n_event_codes),
        fse_gateway__event_visibility(b->atti_clinici, b->n_atti_clinici));
}

static bool update_tx(gw_ctx *ctx)
{
    const fse_cda_request_metadata *b = &ctx->body.meta;
    fse_store *s = ctx->slot->store;
    fse_store_doc_meta *doc = NULL;
    fse_store_doc_meta m;
    unsigned old_vis = 0;
    unsigned new_vis = 0;
    bool ok;
    fse_err rc;

    if (fse_store_tx_begin(s) != FSE_OK) {
        return fse_gateway__fail(ctx, "begin");
    }
    ok = find_document(ctx, &doc) && check_against(ctx, doc);
    if (ok) {
        old_vis = doc->visibility;
        new_vis = updated_visibility(ctx, doc);
    }
    fse_store_doc_meta_free(doc);
    if (ok) {
        /* IMPLEMENTATION-OF: gateway-api §2 column "metadata". */
        memset(&m, 0, sizeof(m));
        m.unique_id = ctx->path_id;
        m.class_code = b->tipo_documento_liv_alto;
        m.practice_setting_code = b->assetto_organizzativo;
        m.facility_type_code = b->tipologia_struttura;
        m.content_type_code = b->tipo_attivita_clinica;
        m.event_codes = b->atti_clinici;
        m.n_event_codes = b->n_atti_clinici;
        m.service_start_time = b->data_inizio_prestazione;
        m.service_stop_time = b->data_fine_prestazione;
        m.repository_type = b->conservazione_a_norma;
        m.submission_set_id = b->identificativo_sottomissione;
        rc = fse_store_doc_update(s, &m, ctx->now_ms);
        if (rc == FSE_E_ARG || rc == FSE_E_LIMIT) {
            ok = fse_gateway__refuse_err(ctx, FSE_E_ARG, "Metadati non memorizzabili: %s",
                                         fse_error_last()->message);
        } else if (rc != FSE_OK) {
            ok = fse_gateway__fail(ctx, "metadata update");
        }
    }
    if (ok && new_vis != old_vis) {
        rc = fse_store_doc_visibility_set(s, ctx->path_id, new_vis, ctx->now_ms);
        ok = rc == FSE_OK || fse_gateway__fail(ctx, "visibility");
    }
    if (ok) {
        return finish(ctx, FSE_GATEWAY_FHIR_UPDATE);
    }
    (void)fse_store_tx_rollback(s);
    return false;
}

fse_err fse_gateway__update_metadata(gw_ctx *ctx)
{
    if (!begin(ctx) || !fse_gateway__read_json_body(ctx) || !fse_gateway__check_body(ctx) ||
        !update_tx(ctx)) {
        return fse_gateway__answer_refusal(ctx);
    }
    fse_gateway__kick(ctx->gw);
    return fse_gateway__answer_ok(ctx, 200);
}
