/*
 * lib/consult/consult_record.c - what consultation writes about itself:
 * the audit record of every decision and the patient's notifications.
 *
 * Owns the mapping of a request to fse_audit_event (DM 7/9/2023 art.21:
 * object, operation, subject category, time, purpose) and the rule of
 * notifications: every access or act by someone other than the patient,
 * when the patient has not switched them off, with a text that names the
 * kind of access and never a document or its content. Both go through the
 * journal (consult_journal.c) and are durable when these calls return.
 */
#include "consult_int.h"

#include <stdio.h>
#include <string.h>

/* The pending notification as a store record; false when there is none. */
static bool pending_note(cs_ctx *ctx, fse_store_notification *n)
{
    const fse_store_patient *reg = ctx->registry;

    if (!ctx->note_pending) {
        return false;
    }
    memset(n, 0, sizeof(*n));
    n->time_ms = ctx->now_ms;
    n->kind = ctx->note_kind;
    n->text = ctx->note_text;
    n->channel = reg != NULL && reg->notify_channel != NULL ? reg->notify_channel : "app";
    return true;
}

/* Commit an item (audit and/or the pending notification). */
static fse_err commit(cs_ctx *ctx, const fse_audit_event *ev)
{
    cs_journal_item it;
    fse_store_notification n;
    fse_err rc;

    memset(&it, 0, sizeof(it));
    it.audit = ev;
    it.patient = ctx->patient;
    if (pending_note(ctx, &n)) {
        it.notification = &n;
    }
    ctx->note_pending = false;
    rc = fse_consult__journal_write(&ctx->c->journal, &it);
    if (it.notification_failed) {
        fse_consult__log(ctx->c, FSE_HTTP_LOG_WARN, "module=consult event=notify-failure kind=%s",
                         n.kind);
    }
    return rc;
}

bool fse_consult__audit(cs_ctx *ctx, const char *document_id, fse_audit_outcome outcome,
                        const char *reason)
{
    fse_audit_event ev;
    fse_err rc;

    memset(&ev, 0, sizeof(ev));
    ev.time_ms = ctx->now_ms;
    ev.trace_id = fse_http_req_trace_id(ctx->req);
    ev.actor = ctx->actor[0] != '\0' ? ctx->actor : NULL;
    ev.role = ctx->role;
    ev.organisation = ctx->org;
    ev.purpose = ctx->purpose;
    ev.action = ctx->action;
    ev.patient = ctx->patient[0] != '\0' ? ctx->patient : NULL;
    ev.document_id = document_id;
    ev.outcome = outcome;
    ev.reason = reason;
    rc = commit(ctx, &ev);
    if (rc != FSE_OK) {
        const fse_error_info *e = fse_error_last();

        fse_consult__log(ctx->c, FSE_HTTP_LOG_ERROR,
                         "module=consult event=audit-failure action=%s code=%d msg=\"%s\"",
                         ctx->action, (int)rc, e->message);
        return false;
    }
    return true;
}

void fse_consult__notify(cs_ctx *ctx, const char *kind, const char *text)
{
    const fse_store_patient *reg = ctx->registry;

    if (strcmp(ctx->actor, ctx->patient) == 0 || (reg != NULL && reg->notifications_off) ||
        ctx->patient[0] == '\0') {
        return;
    }
    snprintf(ctx->note_kind, sizeof(ctx->note_kind), "%s", kind);
    snprintf(ctx->note_text, sizeof(ctx->note_text), "%s", text);
    ctx->note_pending = true;
}

void fse_consult__flush(cs_ctx *ctx)
{
    if (ctx->note_pending && commit(ctx, NULL) != FSE_OK) {
        fse_consult__log(ctx->c, FSE_HTTP_LOG_WARN, "module=consult event=notify-failure kind=%s",
                         ctx->note_kind);
    }
}

void fse_consult__notify_access(cs_ctx *ctx)
{
    char text[200];

    if (ctx->subject.purpose == FSE_POLICY_PURPOSE_EMERGENCY) {
        snprintf(text, sizeof(text),
                 "Il tuo Fascicolo e' stato consultato in emergenza (ruolo %s).",
                 ctx->role != NULL ? ctx->role : "-");
        fse_consult__notify(ctx, "EMERGENCY", text);
        return;
    }
    snprintf(text, sizeof(text), "Il tuo Fascicolo e' stato consultato (ruolo %s, finalita' %s).",
             ctx->role != NULL ? ctx->role : "-", ctx->purpose != NULL ? ctx->purpose : "-");
    fse_consult__notify(ctx, "ACCESS", text);
}
