/*
 * lib/gateway/gw_outbox.c - the asynchronous steps after an act (gateway-api
 * §5): the durable outbox jobs, their handlers and the worker thread.
 *
 * Owns the job kinds and payloads: "ini" (the XDS registration the node
 * would send to INI: RegisterDocumentSet-b for a create, UpdateDocumentSet
 * for a replace or a metadata update, DeleteDocumentSet for a delete;
 * recorded as the SEND_TO_INI / INI_UPDATE / INI_DELETE event, preceded by
 * an INI_*_SOAP trace event whose message holds the XDS DocumentEntry), "eds" (the FHIR conversion
 * hand-off through the hook of fse_gateway_opts, recorded as SEND_TO_EDS / EDS_UPDATE / EDS_DELETE,
 * NON_BLOCKING_ERROR when the hook refuses the document for good)
 * and "callback" (the workflow's events pushed to the request's X-Callback-Url). A job's event, the
 * callback job it triggers and its completion are one transaction, so a job that ran to completion
 * is recorded exactly once; an attempt that fails records ASYNC_RETRY, the last one BLOCKING_ERROR
 * (dead letter). Retry and back-off are the store's (fse/store.h). Owns the worker thread too: it
 * runs on its own store handle and never on a request thread. Does not own the XDS JSON (gw_xds.c)
 * or the HTTP client (gw_callback.c).
 */
#include "gateway_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fse/json.h"

/* ---- Enqueueing (request threads, inside the act's transaction) --------- */

static const char *fhir_op_name(fse_gateway_fhir_op op)
{
    switch (op) {
    case FSE_GATEWAY_FHIR_CREATE:
        return "CREATE";
    case FSE_GATEWAY_FHIR_REPLACE:
        return "REPLACE";
    case FSE_GATEWAY_FHIR_UPDATE:
        return "UPDATE";
    case FSE_GATEWAY_FHIR_DELETE:
        return "DELETE";
    }
    return "";
}

static fse_gateway_fhir_op fhir_op_parse(const char *name)
{
    static const fse_gateway_fhir_op ops[] = {FSE_GATEWAY_FHIR_CREATE, FSE_GATEWAY_FHIR_REPLACE,
                                              FSE_GATEWAY_FHIR_UPDATE, FSE_GATEWAY_FHIR_DELETE};
    size_t i;

    for (i = 0; name != NULL && i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (strcmp(fhir_op_name(ops[i]), name) == 0) {
            return ops[i];
        }
    }
    return (fse_gateway_fhir_op)0;
}

static void kv_opt(fse_json *w, const char *key, const char *value)
{
    if (value != NULL) {
        fse_json_kv_string(w, key, value);
    }
}

static void list(fse_json *w, const char *key, const char *const *items, size_t n)
{
    size_t i;

    fse_json_key(w, key);
    fse_json_array_begin(w);
    for (i = 0; i < n; i++) {
        fse_json_string(w, items[i]);
    }
    fse_json_array_end(w);
}

/* The payload of both jobs: what the asynchronous steps need and the store
 * does not keep (assertion claims, XDS slots, callback URL). */
static fse_err payload_json(fse_buf *out, const gw_ctx *ctx, fse_gateway_fhir_op op,
                            const char *replaced)
{
    const fse_jwt_claims *c = ctx->sig;
    const fse_cda_request_metadata *b = &ctx->body.meta;
    fse_json w;

    fse_json_init(&w, out);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "op", fhir_op_name(op));
    fse_json_kv_string(&w, "traceId", ctx->trace_id);
    fse_json_kv_string(&w, "wii", ctx->wii);
    kv_opt(&w, "uniqueId", ctx->unique_id);
    kv_opt(&w, "replacedUniqueId", replaced);
    kv_opt(&w, "callback", ctx->callback_url);
    kv_opt(&w, "tipoAttivita", b->tipo_attivita_clinica);
    fse_json_kv_bool(&w, "signed", ctx->signed_pdf);
    if (c != NULL) {
        kv_opt(&w, "iss", c->iss);
        kv_opt(&w, "sub", c->sub);
        kv_opt(&w, "role", c->subject_role);
        kv_opt(&w, "orgId", c->subject_organization_id);
        kv_opt(&w, "org", c->subject_organization);
        kv_opt(&w, "locality", c->locality);
        kv_opt(&w, "purpose", c->purpose_of_use);
        kv_opt(&w, "action", c->action_id);
        kv_opt(&w, "personId", c->person_id);
        kv_opt(&w, "hl7Type", c->resource_hl7_type);
        kv_opt(&w, "appId", c->subject_application_id);
        kv_opt(&w, "appVendor", c->subject_application_vendor);
        kv_opt(&w, "appVersion", c->subject_application_version);
        fse_json_kv_bool(&w, "consent", c->patient_consent == FSE_JWT_BOOL_TRUE);
        fse_json_kv_bool(&w, "subjectAsAuthor", c->use_subject_as_author == FSE_JWT_BOOL_TRUE);
    }
    list(&w, "descriptions", b->descriptions, b->n_descriptions);
    list(&w, "administrativeRequest", b->administrative_request, b->n_administrative_request);
    fse_json_object_end(&w);
    return fse_json_status(&w);
}

static fse_err enqueue(fse_store *s, const char *kind, const char *key_prefix, const char *wii,
                       const fse_buf *payload, int64_t now_ms)
{
    char key[GW_MAX_WII + 32];

    snprintf(key, sizeof(key), "%s:%s", key_prefix, wii);
    return fse_store_outbox_enqueue(NULL, NULL, s, kind, key, (const uint8_t *)payload->data,
                                    payload->len, now_ms, now_ms);
}

fse_err fse_gateway__enqueue_jobs(gw_ctx *ctx, fse_gateway_fhir_op op,
                                  const char *replaced_unique_id)
{
    fse_store *s = ctx->slot->store;
    fse_buf payload;
    char prefix[32];
    fse_err rc;

    fse_buf_init(&payload, GW_MAX_PAYLOAD);
    rc = payload_json(&payload, ctx, op, replaced_unique_id);
    /* Idempotency keys: one INI and one EDS job per workflow and act. */
    if (rc == FSE_OK) {
        snprintf(prefix, sizeof(prefix), "ini.%s", fhir_op_name(op));
        rc = enqueue(s, GW_JOB_INI, prefix, ctx->wii, &payload, ctx->now_ms);
    }
    if (rc == FSE_OK) {
        snprintf(prefix, sizeof(prefix), "eds.%s", fhir_op_name(op));
        rc = enqueue(s, GW_JOB_EDS, prefix, ctx->wii, &payload, ctx->now_ms);
    }
    fse_buf_free(&payload);
    return rc == FSE_OK ? FSE_OK : fse_error_prefix(FSE_GW_MODULE);
}

/* ---- Running a job ------------------------------------------------------ */

/* What a handler decided, written in the job's transaction. */
typedef struct job_result {
    const char *trace_type; /* INI_*_SOAP: the request the node sends, or NULL */
    char *trace_message;    /* owned: "XDS_REQUEST:" + the XDS JSON */
    const char *event_type;
    const char *event_status;
    char message[512];
} job_result;

typedef struct job_run {
    fse_gateway *gw;
    gw_slot *slot;
    const fse_store_job *job;
    json_t *payload;
    int64_t now_ms;
} job_run;

static const char *pstr(const job_run *r, const char *key)
{
    return json_string_value(json_object_get(r->payload, key));
}

/* A worker event: the request's trace and workflow, its speaker's claims. */
static fse_err worker_event(const job_run *r, const char *type, const char *status,
                            const char *message, const char *extra)
{
    char fields[8][GW_MAX_FIELD + 1];
    fse_store_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.trace_id = fse_gateway__clip(fields[0], pstr(r, "traceId"));
    ev.workflow_instance_id = fse_gateway__clip(fields[1], pstr(r, "wii"));
    ev.event_type = type;
    ev.event_status = status;
    ev.identificativo_documento = fse_gateway__clip(fields[2], pstr(r, "uniqueId"));
    ev.message = message;
    ev.subject = fse_gateway__clip(fields[3], pstr(r, "sub"));
    ev.subject_role = fse_gateway__clip(fields[4], pstr(r, "role"));
    ev.organizzazione = fse_gateway__clip(fields[6], pstr(r, "orgId"));
    ev.issuer = fse_gateway__clip(fields[5], pstr(r, "iss"));
    ev.tipo_attivita = fse_gateway__clip(fields[7], pstr(r, "tipoAttivita"));
    ev.extra = extra;
    ev.event_date_ms = r->now_ms;
    if (ev.trace_id == NULL) {
        return fse_error_set(FSE_E_INTERNAL, FSE_GW_MODULE, "job %lld without a traceId",
                             (long long)r->job->id);
    }
    return fse_store_event_append(r->slot->store, &ev, NULL);
}

/* The event type of each step of a job kind and act. */
static const char *step_event(const char *kind, fse_gateway_fhir_op op)
{
    bool ini = strcmp(kind, GW_JOB_INI) == 0;

    switch (op) {
    case FSE_GATEWAY_FHIR_UPDATE:
        return ini ? GW_EV_INI_UPDATE : GW_EV_EDS_UPDATE;
    case FSE_GATEWAY_FHIR_DELETE:
        return ini ? GW_EV_INI_DELETE : GW_EV_EDS_DELETE;
    case FSE_GATEWAY_FHIR_CREATE:
    case FSE_GATEWAY_FHIR_REPLACE:
    default:
        return ini ? GW_EV_SEND_TO_INI : GW_EV_SEND_TO_EDS;
    }
}

/* INI: build the XDS entry the node sends (§6.2) from the stored record. */
static fse_err run_ini(job_run *r, fse_gateway_fhir_op op, job_result *out)
{
    fse_store_doc_meta *m = NULL;
    const char *uid = pstr(r, "uniqueId");
    fse_buf xds;
    fse_err rc;

    out->event_type = step_event(GW_JOB_INI, op);
    out->event_status = GW_ST_SUCCESS;
    if (op == FSE_GATEWAY_FHIR_DELETE) {
        snprintf(out->message, sizeof(out->message),
                 "DeleteDocumentSet: metadati del documento rimossi dal registro");
        return FSE_OK;
    }
    rc = fse_store_doc_get(&m, r->slot->store, uid != NULL ? uid : "");
    if (rc == FSE_E_NOT_FOUND || (rc == FSE_OK && m->status == FSE_STORE_DOC_DELETED)) {
        /* Deleted before its registration ran: nothing left to register. */
        fse_store_doc_meta_free(m);
        out->event_status = GW_ST_NON_BLOCKING;
        snprintf(out->message, sizeof(out->message), "Documento non più presente");
        return FSE_OK;
    }
    if (rc != FSE_OK) {
        return rc;
    }
    fse_buf_init(&xds, GW_MAX_PAYLOAD * 2);
    rc = fse_buf_append_str(&xds, "XDS_REQUEST:");
    if (rc == FSE_OK) {
        rc = fse_gateway__xds_entry(&xds, m, r->payload, r->now_ms);
    }
    if (rc == FSE_OK) {
        /* gateway-api §5: the INI request is traced as its own *_SOAP event. */
        out->trace_type = op == FSE_GATEWAY_FHIR_CREATE    ? "INI_CREATE_SOAP"
                          : op == FSE_GATEWAY_FHIR_REPLACE ? "INI_REPLACE_SOAP"
                                                           : "INI_UPDATE_SOAP";
        out->trace_message = fse_buf_steal(&xds, NULL);
        snprintf(out->message, sizeof(out->message), "%s",
                 op == FSE_GATEWAY_FHIR_CREATE ? "RegisterDocumentSet-b: documento indicizzato"
                                               : "UpdateDocumentSet: metadati aggiornati");
    }
    fse_buf_free(&xds);
    fse_store_doc_meta_free(m);
    return rc;
}

/* EDS: hand the document to the FHIR hook. */
static fse_err run_eds(job_run *r, fse_gateway_fhir_op op, job_result *out)
{
    fse_gateway *gw = r->gw;
    fse_gateway_fhir_job job;
    uint8_t *cda = NULL;
    size_t cda_len = 0;
    fse_err rc = FSE_OK;

    out->event_type = step_event(GW_JOB_EDS, op);
    out->event_status = GW_ST_SUCCESS;
    memset(&job, 0, sizeof(job));
    job.op = op;
    job.workflow_instance_id = pstr(r, "wii");
    job.unique_id = pstr(r, "uniqueId");
    job.replaced_unique_id = pstr(r, "replacedUniqueId");
    if (op == FSE_GATEWAY_FHIR_CREATE || op == FSE_GATEWAY_FHIR_REPLACE) {
        rc = fse_store_doc_read(&cda, &cda_len, r->slot->store,
                                job.unique_id != NULL ? job.unique_id : "", FSE_STORE_BLOB_CDA);
        if (rc == FSE_E_NOT_FOUND) {
            out->event_status = GW_ST_NON_BLOCKING;
            snprintf(out->message, sizeof(out->message), "Documento non più presente");
            return FSE_OK;
        }
        job.cda = cda;
        job.cda_len = cda_len;
    }
    if (rc == FSE_OK && gw->fhir != NULL) {
        rc = gw->fhir(gw->fhir_ud, &job);
        if (rc == FSE_E_UNSUPPORTED) {
            /* A permanent refusal the hook has recorded (a type without a
             * mapping): the step completes, saying so, and is not retried. */
            out->event_status = GW_ST_NON_BLOCKING;
            snprintf(out->message, sizeof(out->message), "%s", fse_error_last()->message);
            fse_free(cda);
            return FSE_OK;
        }
        if (rc != FSE_OK && fse_error_last()->code != rc) {
            fse_error_set(rc, FSE_GW_MODULE, "FHIR hook failed: %s", fse_strerror(rc));
        }
    }
    if (rc == FSE_OK) {
        snprintf(out->message, sizeof(out->message), "%s",
                 gw->fhir != NULL ? "Conversione FHIR consegnata all'EDS"
                                  : "Consegna all'EDS registrata (nessun convertitore FHIR)");
    }
    fse_free(cda);
    return rc;
}

/* {workflowInstanceId, events:[{eventType, eventDate, eventStatus, issuer,
 * message}]} in chronological order (gateway-api §1, swagger_status). */
static fse_err callback_body(fse_buf *out, const char *wii, const fse_store_event_list *l)
{
    fse_json w;
    size_t i;

    fse_json_init(&w, out);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "workflowInstanceId", wii);
    fse_json_key(&w, "events");
    fse_json_array_begin(&w);
    for (i = 0; i < l->n_events; i++) {
        const fse_store_event *e = &l->events[i];
        time_t secs = (time_t)(e->event_date_ms / 1000);
        struct tm tm;
        char date[32] = "";

        if (gmtime_r(&secs, &tm) != NULL) {
            snprintf(date, sizeof(date), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (int)(e->event_date_ms % 1000));
        }
        fse_json_object_begin(&w);
        fse_json_kv_string(&w, "eventType", e->event_type);
        fse_json_kv_string(&w, "eventDate", date);
        fse_json_kv_string(&w, "eventStatus", e->event_status);
        kv_opt(&w, "issuer", e->issuer);
        kv_opt(&w, "message", e->message);
        fse_json_object_end(&w);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    return fse_json_status(&w);
}

/* Push the workflow's events (no event of its own: pushes are not steps). */
static fse_err run_callback(job_run *r)
{
    const char *url = pstr(r, "callback");
    const char *wii = pstr(r, "wii");
    fse_store_event_list *l = NULL;
    fse_buf body;
    fse_err rc;

    if (url == NULL || wii == NULL) {
        return fse_error_set(FSE_E_INTERNAL, FSE_GW_MODULE, "callback job without url or wii");
    }
    rc = fse_store_event_query(&l, r->slot->store, FSE_STORE_EVENT_BY_WII, wii);
    if (rc != FSE_OK) {
        return rc;
    }
    fse_buf_init(&body, GW_MAX_CALLBACK_BODY);
    rc = callback_body(&body, wii, l);
    if (rc == FSE_OK) {
        rc = fse_gateway__callback_post(r->gw, url, body.data, body.len);
    }
    fse_buf_free(&body);
    fse_store_event_list_free(l);
    return rc;
}

/* After a step: push the events when the request gave a callback URL. */
static fse_err enqueue_callback(const job_run *r)
{
    const char *url = pstr(r, "callback");
    fse_buf payload;
    fse_json w;
    char key[64];
    fse_err rc;

    if (url == NULL) {
        return FSE_OK;
    }
    fse_buf_init(&payload, GW_MAX_PAYLOAD);
    fse_json_init(&w, &payload);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "callback", url);
    kv_opt(&w, "wii", pstr(r, "wii"));
    kv_opt(&w, "traceId", pstr(r, "traceId"));
    fse_json_object_end(&w);
    rc = fse_json_status(&w);
    snprintf(key, sizeof(key), "cb:%lld", (long long)r->job->id);
    if (rc == FSE_OK) {
        rc = fse_store_outbox_enqueue(NULL, NULL, r->slot->store, GW_JOB_CALLBACK, key,
                                      (const uint8_t *)payload.data, payload.len, r->now_ms,
                                      r->now_ms);
    }
    fse_buf_free(&payload);
    return rc;
}

/* Success: the step's event, the callback push and the completion commit
 * together. */
static fse_err commit_success(job_run *r, const job_result *res)
{
    fse_store *s = r->slot->store;
    fse_err rc = fse_store_tx_begin(s);

    if (rc == FSE_OK && res->trace_type != NULL) {
        rc = worker_event(r, res->trace_type, GW_ST_SUCCESS, res->trace_message, NULL);
    }
    if (rc == FSE_OK && res->event_type != NULL) {
        rc = worker_event(r, res->event_type, res->event_status, res->message, NULL);
    }
    if (rc == FSE_OK && res->event_type != NULL) {
        rc = enqueue_callback(r);
    }
    if (rc == FSE_OK) {
        rc = fse_store_outbox_complete(s, r->job, r->now_ms);
    }
    if (rc == FSE_OK) {
        rc = fse_store_tx_commit(s);
    } else {
        (void)fse_store_tx_rollback(s);
    }
    return rc;
}

/* Failure: the attempt is recorded; ASYNC_RETRY, or BLOCKING_ERROR when the
 * job is dead-lettered. */
static fse_err commit_failure(job_run *r, const char *event_type, const char *error)
{
    fse_store *s = r->slot->store;
    fse_store_job_state state = FSE_STORE_JOB_PENDING;
    fse_err rc = fse_store_tx_begin(s);

    if (rc == FSE_OK) {
        rc = fse_store_outbox_fail(&state, s, r->job, error, r->now_ms);
    }
    if (rc == FSE_OK && event_type != NULL) {
        rc = worker_event(r, event_type, state == FSE_STORE_JOB_DEAD ? GW_ST_BLOCKING : GW_ST_RETRY,
                          error, NULL);
    }
    if (rc == FSE_OK) {
        rc = fse_store_tx_commit(s);
    } else {
        (void)fse_store_tx_rollback(s);
    }
    fse_gateway__log(r->gw, state == FSE_STORE_JOB_DEAD ? FSE_HTTP_LOG_ERROR : FSE_HTTP_LOG_WARN,
                     "module=gateway event=job_failed job=%lld kind=%s attempt=%u state=%s",
                     (long long)r->job->id, r->job->kind, r->job->attempts,
                     state == FSE_STORE_JOB_DEAD ? "dead" : "retry");
    return rc;
}

static fse_err dispatch(job_run *r)
{
    const char *kind = r->job->kind;
    fse_gateway_fhir_op op = fhir_op_parse(pstr(r, "op"));
    job_result res;
    const char *step = NULL;
    char error[FSE_ERROR_MSG_MAX];
    fse_err rc;

    memset(&res, 0, sizeof(res));
    if (strcmp(kind, GW_JOB_CALLBACK) == 0) {
        rc = run_callback(r);
    } else if (op == 0) {
        rc = fse_error_set(FSE_E_INTERNAL, FSE_GW_MODULE, "job %lld: unknown act",
                           (long long)r->job->id);
    } else if (strcmp(kind, GW_JOB_INI) == 0) {
        step = step_event(kind, op);
        rc = run_ini(r, op, &res);
    } else if (strcmp(kind, GW_JOB_EDS) == 0) {
        step = step_event(kind, op);
        rc = run_eds(r, op, &res);
    } else {
        rc = fse_error_set(FSE_E_INTERNAL, FSE_GW_MODULE, "unknown job kind %s", kind);
    }
    if (rc == FSE_OK) {
        rc = commit_success(r, &res);
        if (rc == FSE_E_CONFLICT) {
            rc = FSE_OK; /* the lease was lost: the new owner runs it */
        }
    } else {
        snprintf(error, sizeof(error), "%s", fse_error_last()->message);
        rc = commit_failure(r, step, error);
    }
    fse_free(res.trace_message);
    return rc;
}

fse_err fse_gateway__run_job(fse_gateway *gw, gw_slot *slot, const char *worker, bool *ran_out)
{
    fse_store_job *job = NULL;
    job_run r;
    int64_t now_ms = fse_gateway__now_ms(gw);
    fse_err rc;

    *ran_out = false;
    rc = fse_store_outbox_claim(&job, slot->store, worker, now_ms, gw->lease_ms);
    if (rc == FSE_E_NOT_FOUND) {
        return FSE_OK;
    }
    *ran_out = true;
    if (rc == FSE_E_CRYPTO) {
        return FSE_OK; /* dead-lettered by the store: claim the next one */
    }
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&r, 0, sizeof(r));
    r.gw = gw;
    r.slot = slot;
    r.job = job;
    r.now_ms = now_ms;
    r.payload =
        json_loadb((const char *)job->payload, job->payload_len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(r.payload)) {
        rc = commit_failure(&r, NULL, "job payload is not a JSON object");
    } else {
        rc = dispatch(&r);
    }
    json_decref(r.payload);
    fse_store_job_free(job);
    return rc;
}

/* ---- Worker ------------------------------------------------------------- */

void fse_gateway__kick(fse_gateway *gw)
{
    pthread_mutex_lock(&gw->worker_lock);
    gw->worker_kick = true;
    pthread_cond_signal(&gw->worker_wake);
    pthread_mutex_unlock(&gw->worker_lock);
}

/* Run due jobs until none is left (or a stop is asked). */
static void drain(fse_gateway *gw)
{
    bool ran = true;

    while (ran) {
        fse_err rc = fse_gateway__run_job(gw, &gw->worker_slot, "gw-worker", &ran);

        if (rc != FSE_OK) {
            fse_gateway__log(gw, FSE_HTTP_LOG_ERROR, "module=gateway event=worker_error msg=\"%s\"",
                             fse_error_last()->message);
            return;
        }
        pthread_mutex_lock(&gw->worker_lock);
        if (gw->worker_stop) {
            ran = false;
        }
        pthread_mutex_unlock(&gw->worker_lock);
    }
}

static void *worker_main(void *arg)
{
    fse_gateway *gw = arg;
    struct timespec deadline;

    pthread_mutex_lock(&gw->worker_lock);
    while (!gw->worker_stop) {
        gw->worker_kick = false;
        pthread_mutex_unlock(&gw->worker_lock);
        drain(gw);
        pthread_mutex_lock(&gw->worker_lock);
        if (gw->worker_stop || gw->worker_kick) {
            continue;
        }
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += (time_t)(gw->poll_ms / 1000u);
        deadline.tv_nsec += (long)(gw->poll_ms % 1000u) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        while (!gw->worker_stop && !gw->worker_kick) {
            if (pthread_cond_timedwait(&gw->worker_wake, &gw->worker_lock, &deadline) ==
                ETIMEDOUT) {
                break;
            }
        }
    }
    pthread_mutex_unlock(&gw->worker_lock);
    return NULL;
}

fse_err fse_gateway_worker_start(fse_gateway *gw)
{
    fse_err rc;

    if (gw == NULL || gw->worker_running) {
        return fse_error_set(FSE_E_ARG, FSE_GW_MODULE, "worker missing or already running");
    }
    rc = fse_gateway__worker_slot_open(gw);
    if (rc != FSE_OK) {
        return rc;
    }
    gw->worker_stop = false;
    if (pthread_create(&gw->worker, NULL, worker_main, gw) != 0) {
        fse_gateway__worker_slot_close(gw);
        return fse_error_set(FSE_E_INTERNAL, FSE_GW_MODULE, "cannot start the outbox worker");
    }
    gw->worker_running = true;
    return FSE_OK;
}

void fse_gateway_worker_stop(fse_gateway *gw)
{
    if (gw == NULL || !gw->worker_running) {
        return;
    }
    pthread_mutex_lock(&gw->worker_lock);
    gw->worker_stop = true;
    pthread_cond_signal(&gw->worker_wake);
    pthread_mutex_unlock(&gw->worker_lock);
    pthread_join(gw->worker, NULL);
    gw->worker_running = false;
    fse_gateway__worker_slot_close(gw);
}

fse_err fse_gateway_outbox_run(fse_gateway *gw, size_t max_jobs, size_t *n_out)
{
    gw_slot *slot;
    size_t n = 0;
    bool ran = true;
    fse_err rc = FSE_OK;

    if (gw == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_GW_MODULE, "outbox run: no gateway");
    }
    slot = fse_gateway__slot_acquire(gw);
    while (rc == FSE_OK && ran && (max_jobs == 0 || n < max_jobs)) {
        rc = fse_gateway__run_job(gw, slot, "gw-run", &ran);
        if (ran) {
            n++;
        }
    }
    fse_gateway__slot_release(gw, slot);
    if (n_out != NULL) {
        *n_out = n;
    }
    return rc;
}
