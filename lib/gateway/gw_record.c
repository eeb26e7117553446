/*
 * lib/gateway/gw_record.c - what a request leaves behind besides its act:
 * the status event (gateway-api §5) and the audit record (who, role,
 * organisation, purpose, action, patient, document, outcome, time,
 * traceId), both written with the slot's store handle inside the
 * transaction the caller opened, so they commit with the act or not at all.
 *
 * Owns which claims fill which fields: only claims of tokens that passed
 * verification are used (a refused token names nobody), and every value is
 * cut to the stores' field limits so a hostile claim can never keep a
 * refusal from being recorded. Does not own the refusal transaction itself
 * (gw_request.c) nor the formats of the rows (fse/store.h, fse/audit.h).
 */
#include "gateway_int.h"

#include <ctype.h>
#include <string.h>

#include "fse/monitor.h"

const char *fse_gateway__clip(char out[GW_MAX_FIELD + 1], const char *s)
{
    size_t n;

    if (s == NULL) {
        return NULL;
    }
    n = strnlen(s, GW_MAX_FIELD);
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

/* The patient of a CX or CF value when it looks like an identifier (the
 * audit keeps only its keyed reference), else NULL. */
static const char *patient_of(char out[GW_MAX_FIELD + 1], const char *cx)
{
    size_t n;
    size_t i;

    if (cx == NULL) {
        return NULL;
    }
    n = strcspn(cx, "^");
    if (n == 0 || n > 64) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        if (!isalnum((unsigned char)cx[i])) {
            return NULL;
        }
    }
    memcpy(out, cx, n);
    out[n] = '\0';
    return out;
}

/* The token that speaks for the request: the signature token when the call
 * has one, else the Bearer token. */
static const fse_jwt_claims *speaker(const gw_ctx *ctx)
{
    return ctx->sig != NULL ? ctx->sig : ctx->auth;
}

fse_err fse_gateway__event(gw_ctx *ctx, const char *type, const char *status, const char *message,
                           const char *extra)
{
    const fse_jwt_claims *c = speaker(ctx);
    char sub[GW_MAX_FIELD + 1];
    char role[GW_MAX_FIELD + 1];
    char org[GW_MAX_FIELD + 1];
    char iss[GW_MAX_FIELD + 1];
    char uid[GW_MAX_FIELD + 1];
    char wii[GW_MAX_FIELD + 1];
    char tipo[GW_MAX_FIELD + 1];
    char msg[GW_MAX_EVENT_MESSAGE];
    fse_store_event ev;
    fse_err rc;

    memset(&ev, 0, sizeof(ev));
    ev.trace_id = ctx->trace_id;
    ev.workflow_instance_id = fse_gateway__clip(wii, ctx->wii);
    ev.event_type = type;
    ev.event_status = status;
    ev.identificativo_documento = fse_gateway__clip(uid, ctx->unique_id);
    if (message != NULL) {
        size_t n = strnlen(message, sizeof(msg) - 1);

        memcpy(msg, message, n);
        msg[n] = '\0';
        ev.message = msg;
    }
    if (c != NULL) {
        ev.subject = fse_gateway__clip(sub, c->sub);
        ev.subject_role = fse_gateway__clip(role, c->subject_role);
        ev.organizzazione = fse_gateway__clip(org, c->subject_organization_id);
        ev.issuer = fse_gateway__clip(iss, c->iss);
    }
    ev.tipo_attivita = fse_gateway__clip(tipo, ctx->body.meta.tipo_attivita_clinica);
    ev.extra = extra;
    ev.event_date_ms = ctx->now_ms;
    rc = fse_store_event_append(ctx->slot->store, &ev, NULL);
    if (rc == FSE_OK) { /* validation counters of the volumes (docs/monitor.md) */
        rc = fse_monitor_record_validation(ctx->slot->store, type, ctx->doc.report, ctx->now_ms);
    }
    return rc == FSE_OK ? FSE_OK : fse_error_prefix(FSE_GW_MODULE);
}

fse_err fse_gateway__audit(gw_ctx *ctx, fse_audit_outcome outcome, const char *reason)
{
    const fse_jwt_claims *c = speaker(ctx);
    char actor[GW_MAX_FIELD + 1];
    char role[GW_MAX_FIELD + 1];
    char org[GW_MAX_FIELD + 1];
    char purpose[GW_MAX_FIELD + 1];
    char patient[GW_MAX_FIELD + 1];
    char doc[GW_MAX_FIELD + 1];
    fse_audit_event ev;
    fse_err rc;

    memset(&ev, 0, sizeof(ev));
    ev.time_ms = ctx->now_ms;
    ev.trace_id = ctx->trace_id;
    ev.action = ctx->info->audit_action;
    ev.outcome = outcome;
    ev.reason = reason;
    ev.document_id = fse_gateway__clip(doc, ctx->unique_id);
    if (c != NULL) {
        ev.actor = fse_gateway__clip(actor, ctx->auth != NULL ? ctx->auth->sub : c->sub);
        ev.role = fse_gateway__clip(role, c->subject_role);
        ev.organisation = fse_gateway__clip(org, c->subject_organization_id);
        ev.purpose = fse_gateway__clip(purpose, c->purpose_of_use);
        ev.patient = patient_of(patient, c->person_id);
    }
    if (ev.patient == NULL && ctx->doc.header != NULL) {
        ev.patient = patient_of(patient, ctx->doc.header->patient_id.extension);
    }
    rc = fse_audit_append(ctx->slot->store, &ev, NULL);
    return rc == FSE_OK ? FSE_OK : fse_error_prefix(FSE_GW_MODULE);
}
