/*
 * lib/gateway/gw_status.c - GET /v1/status/{workflowInstanceId} and
 * GET /v1/status/search/{traceId} (gateway-api §1 rows 10-11, §5).
 *
 * Owns the answer {traceID, spanID, transactionData:[...]} with one item
 * per event (eventType, eventDate, eventStatus, message,
 * identificativoDocumento, subject, subjectRole, tipoAttivita,
 * organizzazione, workflowInstanceId, traceId, issuer, expiringDate, extra)
 * in order of date then insertion, the 404 of an unknown key, and the
 * region check between the requester's token and the events' issuer
 * (401 /msg/unauthorized "Mismatch sub/issuer"). Does not own the Bearer
 * token step (gw_jwt.c) or how events are stored (fse/store.h).
 */
#include "gateway_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fse/json.h"

/* Largest status answer: 1000 events (the store's per-query cap) with
 * their messages and XDS extras. */
#define STATUS_MAX_BYTES (16u * 1024u * 1024u)

/* ISO 8601 UTC with milliseconds: "2026-01-01T00:00:00.000Z". */
static void iso_time(char out[32], int64_t ms)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;

    if (gmtime_r(&secs, &tm) == NULL) {
        snprintf(out, 32, "1970-01-01T00:00:00.000Z");
        return;
    }
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static void kv_opt(fse_json *w, const char *key, const char *value)
{
    fse_json_key(w, key);
    if (value != NULL) {
        fse_json_string(w, value);
    } else {
        fse_json_null(w);
    }
}

static void write_event(fse_json *w, const fse_store_event *e)
{
    char date[32];

    fse_json_object_begin(w);
    kv_opt(w, "eventType", e->event_type);
    iso_time(date, e->event_date_ms);
    fse_json_kv_string(w, "eventDate", date);
    kv_opt(w, "eventStatus", e->event_status);
    kv_opt(w, "message", e->message);
    kv_opt(w, "identificativoDocumento", e->identificativo_documento);
    kv_opt(w, "subject", e->subject);
    kv_opt(w, "subjectRole", e->subject_role);
    kv_opt(w, "tipoAttivita", e->tipo_attivita);
    kv_opt(w, "organizzazione", e->organizzazione);
    kv_opt(w, "workflowInstanceId", e->workflow_instance_id);
    kv_opt(w, "traceId", e->trace_id);
    kv_opt(w, "issuer", e->issuer);
    iso_time(date, e->expiring_date_ms);
    fse_json_kv_string(w, "expiringDate", date);
    kv_opt(w, "extra", e->extra);
    fse_json_object_end(w);
}

/* IMPLEMENTATION-OF: gateway-api §3 "The status endpoints also compare the
 * 3 characters after # ... with the issuer region stored on the events, and
 * answer 401 /msg/unauthorized "Mismatch sub/issuer"". Events without a
 * known issuer region (refusals of unverified tokens) are not compared. */
static bool region_ok(const gw_ctx *ctx, const fse_store_event_list *l)
{
    char mine[4];
    size_t i;

    fse_gateway__jwt_region(mine, ctx->auth);
    if (mine[0] == '\0') {
        return true;
    }
    for (i = 0; i < l->n_events; i++) {
        char theirs[4];

        fse_gateway__issuer_region(theirs, l->events[i].issuer);
        if (theirs[0] != '\0' && strcmp(theirs, mine) != 0) {
            return false;
        }
    }
    return true;
}

static fse_err answer(gw_ctx *ctx, const fse_store_event_list *l)
{
    fse_buf out;
    fse_json w;
    size_t i;
    fse_err rc;

    fse_buf_init(&out, STATUS_MAX_BYTES);
    fse_json_init(&w, &out);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "traceID", ctx->trace_id);
    fse_json_kv_string(&w, "spanID", fse_http_req_span_id(ctx->req));
    fse_json_key(&w, "transactionData");
    fse_json_array_begin(&w);
    for (i = 0; i < l->n_events; i++) {
        write_event(&w, &l->events[i]);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    rc = fse_json_status(&w);
    if (rc == FSE_OK) {
        rc = fse_http_respond_json(ctx->req, 200, &out);
    }
    fse_buf_free(&out);
    return rc;
}

fse_err fse_gateway__status(gw_ctx *ctx, fse_store_event_key key, const char *value)
{
    fse_store_event_list *l = NULL;
    fse_store *s = ctx->slot->store;
    fse_err rc;

    if (value == NULL || value[0] == '\0' ||
        strlen(value) > (key == FSE_STORE_EVENT_BY_WII ? GW_MAX_WII : GW_MAX_TRACE_ID)) {
        if (key == FSE_STORE_EVENT_BY_WII) {
            fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_WII, NULL,
                                "Il workflowInstanceId supera i %u caratteri", GW_MAX_WII);
        } else {
            fse_gateway__refuse_err(ctx, FSE_E_ARG, "Il traceId supera i %u caratteri",
                                    GW_MAX_TRACE_ID);
        }
        return fse_gateway__answer_refusal(ctx);
    }
    rc = fse_store_event_query(&l, s, key, value);
    if (rc != FSE_OK) {
        fse_gateway__fail(ctx, "status query");
    } else if (l->n_events == 0) {
        fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_RECORD_NOT_FOUND, NULL,
                            "Nessun evento trovato per %s",
                            key == FSE_STORE_EVENT_BY_WII ? "il workflowInstanceId" : "il traceId");
    } else if (!region_ok(ctx, l)) {
        fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_UNAUTHORIZED, NULL, "Mismatch sub/issuer");
    }
    if (ctx->problem.set) {
        fse_store_event_list_free(l);
        return fse_gateway__answer_refusal(ctx);
    }
    /* The read is audited like any request; a failed audit fails the read. */
    rc = fse_gateway__audit(ctx, FSE_AUDIT_SUCCESS, NULL);
    if (rc != FSE_OK) {
        fse_gateway__fail(ctx, "audit");
        fse_store_event_list_free(l);
        return fse_gateway__answer_refusal(ctx);
    }
    rc = answer(ctx, l);
    fse_store_event_list_free(l);
    return rc;
}
