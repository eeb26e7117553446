/*
 * lib/consult/consult_log.c - the patient's access log: who accessed what,
 * when, why and with which outcome (DM 7/9/2023 art.9 c.1, art.21 c.3), as
 * JSON (/citizen/v1/patients/{cf}/access-log) and as FHIR AuditEvent
 * resources (/fhir/AuditEvent?patient.identifier=).
 *
 * Owns the paging parameters (after, limit) and both renderings of an
 * fse_audit_entry. The records come from fse_audit_query_patient, which
 * checks each one against its hash.
 */
#include "consult_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_DEFAULT_LIMIT 100u

static const char *outcome_name(fse_audit_outcome o)
{
    switch (o) {
    case FSE_AUDIT_SUCCESS:
        return "success";
    case FSE_AUDIT_REFUSED:
        return "refused";
    default:
        return "error";
    }
}

/* after and limit query parameters; answers 400 itself. */
static bool paging(cs_ctx *ctx, int64_t *after, size_t *limit)
{
    const char *a = fse_http_req_query(ctx->req, "after");
    const char *l = fse_http_req_query(ctx->req, "limit");
    char *end = NULL;

    *after = 0;
    *limit = LOG_DEFAULT_LIMIT;
    if (a != NULL) {
        *after = strtoll(a, &end, 10);
        if (*end != '\0' || *after < 0) {
            (void)fse_consult__fail(ctx, 400, "Parametro after non valido");
            return false;
        }
    }
    if (l != NULL) {
        unsigned long long v = strtoull(l, &end, 10);

        if (*end != '\0' || v == 0 || v > FSE_AUDIT_MAX_PAGE) {
            (void)fse_consult__fail(ctx, 400, "Parametro limit non valido (1..1000)");
            return false;
        }
        *limit = (size_t)v;
    }
    return true;
}

static void kv_opt(fse_json *w, const char *key, const char *value)
{
    if (value != NULL) {
        fse_json_kv_string(w, key, value);
    }
}

static void entry_json(fse_json *w, const fse_audit_entry *e)
{
    char when[32];

    fse_consult__iso_ms(when, e->time_ms);
    fse_json_object_begin(w);
    fse_json_kv_int(w, "seq", (long long)e->seq);
    fse_json_kv_string(w, "time", when);
    kv_opt(w, "actor", e->actor);
    kv_opt(w, "role", e->role);
    kv_opt(w, "organisation", e->organisation);
    kv_opt(w, "purpose", e->purpose);
    kv_opt(w, "action", e->action);
    kv_opt(w, "document", e->document_id);
    fse_json_kv_string(w, "outcome", outcome_name(e->outcome));
    kv_opt(w, "reason", e->reason);
    fse_json_object_end(w);
}

/* Whether the subject may see the document a record names. */
static bool doc_visible(const cs_ctx *ctx, const fse_store_doc_list *docs, const char *unique_id)
{
    size_t i;

    for (i = 0; i < docs->n_docs; i++) {
        if (strcmp(docs->docs[i]->unique_id, unique_id) == 0) {
            fse_policy_decision d;

            fse_consult__decide(ctx, docs->docs[i], &d);
            return d.allow;
        }
    }
    return false;
}

/*
 * The log is a derived view too: a record about a document the reader may
 * not see (P98 for the patient, maggior tutela for a guardian, anything
 * hidden for a delegate, or a deleted document) is left out whole, so
 * neither the document nor the access to it shows.
 */
static bool drop_hidden(cs_ctx *ctx, fse_audit_list *l)
{
    unsigned statuses = FSE_STORE_STATUS_BIT(FSE_STORE_DOC_APPROVED) |
                        FSE_STORE_STATUS_BIT(FSE_STORE_DOC_DEPRECATED);
    fse_store_doc_list *docs = NULL;
    size_t kept = 0;
    size_t i;

    if (!fse_consult__load_docs(ctx, statuses, &docs)) {
        return false;
    }
    for (i = 0; i < l->n_entries; i++) {
        fse_audit_entry *e = &l->entries[i];

        if (e->document_id != NULL && !doc_visible(ctx, docs, e->document_id)) {
            fse_audit_entry_clear(e);
            continue;
        }
        l->entries[kept++] = *e;
    }
    l->n_entries = kept;
    fse_store_doc_list_free(docs);
    return true;
}

/* The gate and the query shared by both renderings. */
static bool load_log(cs_ctx *ctx, fse_audit_list **out)
{
    int64_t after;
    size_t limit;

    if (!paging(ctx, &after, &limit)) {
        return false;
    }
    if (fse_audit_query_patient(out, ctx->store, ctx->patient, after, limit) != FSE_OK) {
        (void)fse_consult__internal(ctx, "access log");
        return false;
    }
    if (!drop_hidden(ctx, *out)) {
        fse_audit_list_free(*out);
        *out = NULL;
        return false;
    }
    /* Reading the log is itself an access to record. */
    if (!fse_consult__audit(ctx, NULL, FSE_AUDIT_SUCCESS, "access-log")) {
        fse_audit_list_free(*out);
        *out = NULL;
        (void)fse_consult__internal(ctx, "audit");
        return false;
    }
    return true;
}

fse_err fse_consult__access_log(cs_ctx *ctx)
{
    fse_audit_list *l = NULL;
    fse_buf out;
    fse_json w;
    size_t i;
    fse_err rc;

    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_LOG) || !load_log(ctx, &l)) {
        return FSE_OK;
    }
    fse_consult__json_begin(&out, &w);
    fse_json_object_begin(&w);
    fse_json_key(&w, "entries");
    fse_json_array_begin(&w);
    for (i = 0; i < l->n_entries; i++) {
        entry_json(&w, &l->entries[i]);
    }
    fse_json_array_end(&w);
    fse_json_kv_int(&w, "next_after", (long long)l->next_after_seq);
    fse_json_object_end(&w);
    rc = fse_consult__send(ctx, &w, &out, 200);
    fse_audit_list_free(l);
    return rc;
}

/* One AuditEvent (FHIR R4) of a record. */
static void audit_event_json(fse_json *w, const fse_audit_entry *e)
{
    char when[32];
    char id[32];

    fse_consult__iso_ms(when, e->time_ms);
    snprintf(id, sizeof(id), "%lld", (long long)e->seq);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "resourceType", "AuditEvent");
    fse_json_kv_string(w, "id", id);
    fse_json_key(w, "type");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "system", "http://dicom.nema.org/resources/ontology/DCM");
    fse_json_kv_string(w, "code", "110110");
    fse_json_kv_string(w, "display", "Patient Record");
    fse_json_object_end(w);
    fse_json_key(w, "subtype");
    fse_json_array_begin(w);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "code", e->action != NULL ? e->action : "");
    fse_json_object_end(w);
    fse_json_array_end(w);
    fse_json_kv_string(w, "recorded", when);
    fse_json_kv_string(w, "outcome", e->outcome == FSE_AUDIT_SUCCESS ? "0" : "4");
    if (e->reason != NULL) {
        fse_json_kv_string(w, "outcomeDesc", e->reason);
    }
    if (e->purpose != NULL) {
        fse_json_key(w, "purposeOfEvent");
        fse_json_array_begin(w);
        fse_json_object_begin(w);
        fse_json_kv_string(w, "text", e->purpose);
        fse_json_object_end(w);
        fse_json_array_end(w);
    }
    fse_json_key(w, "agent");
    fse_json_array_begin(w);
    fse_json_object_begin(w);
    fse_json_key(w, "who");
    fse_json_object_begin(w);
    fse_json_key(w, "identifier");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "value", e->actor != NULL ? e->actor : "");
    fse_json_object_end(w);
    fse_json_object_end(w);
    if (e->role != NULL) {
        fse_json_key(w, "role");
        fse_json_array_begin(w);
        fse_json_object_begin(w);
        fse_json_kv_string(w, "text", e->role);
        fse_json_object_end(w);
        fse_json_array_end(w);
    }
    fse_json_kv_bool(w, "requestor", true);
    fse_json_object_end(w);
    fse_json_array_end(w);
    fse_json_key(w, "source");
    fse_json_object_begin(w);
    fse_json_key(w, "observer");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "display", "fse");
    fse_json_object_end(w);
    fse_json_object_end(w);
    if (e->document_id != NULL) {
        fse_json_key(w, "entity");
        fse_json_array_begin(w);
        fse_json_object_begin(w);
        fse_json_key(w, "what");
        fse_json_object_begin(w);
        fse_json_key(w, "identifier");
        fse_json_object_begin(w);
        fse_json_kv_string(w, "value", e->document_id);
        fse_json_object_end(w);
        fse_json_object_end(w);
        fse_json_object_end(w);
        fse_json_array_end(w);
    }
    fse_json_object_end(w);
}

fse_err fse_consult__search_audit(cs_ctx *ctx)
{
    fse_audit_list *l = NULL;
    fse_policy_decision d;
    fse_buf out;
    fse_json w;
    size_t i;
    fse_err rc;

    if (!fse_consult__same_patient(ctx, fse_http_req_query(ctx->req, "patient.identifier")) ||
        !fse_consult__facts(ctx)) {
        return FSE_OK;
    }
    fse_policy_citizen_act(ctx->c->policy, &ctx->subject, &ctx->pat, FSE_POLICY_ACT_LOG, &d);
    if (!d.allow) {
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, fse_policy_reason_name(d.reason));
        return fse_consult__fail(ctx, 403, "Il registro degli accessi e' riservato all'assistito");
    }
    if (!load_log(ctx, &l)) {
        return FSE_OK;
    }
    fse_consult__json_begin(&out, &w);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "resourceType", "Bundle");
    fse_json_kv_string(&w, "type", "searchset");
    fse_json_kv_int(&w, "total", (long long)l->n_entries);
    fse_json_key(&w, "entry");
    fse_json_array_begin(&w);
    for (i = 0; i < l->n_entries; i++) {
        fse_json_object_begin(&w);
        fse_json_key(&w, "resource");
        audit_event_json(&w, &l->entries[i]);
        fse_json_object_end(&w);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    rc = fse_consult__send(ctx, &w, &out, 200);
    fse_audit_list_free(l);
    return rc;
}
