/*
 * lib/gateway/gw_request.c - the request context of an endpoint: its inputs
 * (multipart parts, the requestBody JSON, the JSON body of a metadata
 * update, path ids, X-Callback-Url), the requestBody field rules, the file
 * checks, and the two ways a request ends: a refusal (recorded, then
 * answered with problem+json) or a success body.
 *
 * Owns the decoding of the requestBody into fse_cda_request_metadata (the
 * rules themselves are fse_cda_check_request's), the refusal record kept in
 * gw_ctx, and the JSON of the success answers (PublicationResDTO /
 * ValidationResDTO / ResponseWifDTO: traceID, spanID, workflowInstanceId,
 * warning). Does not own what each endpoint does (gw_routes.c and the step
 * files) nor how events and audit rows are written (gw_record.c).
 */
#include "gateway_int.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fse/json.h"

/* ---- Context ------------------------------------------------------------ */

void fse_gateway__ctx_init(gw_ctx *ctx, fse_gateway *gw, fse_http_req *req, gw_op op)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->gw = gw;
    ctx->req = req;
    ctx->op = op;
    ctx->info = fse_gateway__op(op);
    ctx->event_type = ctx->info->event_type;
    ctx->now_ms = fse_gateway__now_ms(gw);
    ctx->trace_id = fse_http_req_trace_id(req);
    fse_buf_init(&ctx->warning, GW_MAX_WARNING + 8);
    ctx->slot = fse_gateway__slot_acquire(gw);
}

static void body_free(gw_body *b)
{
    json_decref(b->json);
    fse_free(b->atti);
    fse_free(b->descriptions);
    fse_free(b->admin);
    memset(b, 0, sizeof(*b));
}

void fse_gateway__ctx_free(gw_ctx *ctx)
{
    fse_gateway__slot_release(ctx->gw, ctx->slot);
    ctx->slot = NULL;
    fse_jwt_claims_free(ctx->auth);
    fse_jwt_claims_free(ctx->sig);
    body_free(&ctx->body);
    fse_gateway__doc_free(&ctx->doc);
    fse_free(ctx->wii);
    fse_free(ctx->problem.detail);
    fse_buf_free(&ctx->warning);
    memset(ctx, 0, sizeof(*ctx));
}

/* ---- Refusals ----------------------------------------------------------- */

static bool set_problem(gw_ctx *ctx, fse_http_problem problem, const char *instance,
                        const char *detail)
{
    gw_problem *p = &ctx->problem;

    if (p->set) {
        return false; /* the first refusal is the answer */
    }
    p->set = true;
    p->problem = problem;
    p->instance = instance;
    p->outcome = FSE_AUDIT_REFUSED;
    if (detail != NULL) {
        p->detail = fse_strndup(detail, strnlen(detail, GW_MAX_DETAIL));
    }
    return false;
}

bool fse_gateway__refuse(gw_ctx *ctx, fse_http_problem problem, const char *instance,
                         const char *fmt, ...)
{
    char detail[2048];
    va_list ap;

    if (fmt == NULL) {
        return set_problem(ctx, problem, instance, NULL);
    }
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return set_problem(ctx, problem, instance, detail);
}

bool fse_gateway__refuse_err(gw_ctx *ctx, fse_err code, const char *fmt, ...)
{
    char detail[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    if (!ctx->problem.set) {
        set_problem(ctx, FSE_HTTP_PROBLEM_GENERIC_ERROR, NULL, detail);
        ctx->problem.as_error = true;
        ctx->problem.err = code;
    }
    return false;
}

bool fse_gateway__fail(gw_ctx *ctx, const char *what)
{
    const fse_error_info *e = fse_error_last();

    fse_gateway__log(ctx->gw, FSE_HTTP_LOG_ERROR,
                     "module=gateway event=failure trace=%s what=%s code=%s msg=\"%s\"",
                     ctx->trace_id, what, fse_strerror(e->code), e->message);
    if (!ctx->problem.set) {
        set_problem(ctx, FSE_HTTP_PROBLEM_GENERIC_ERROR, NULL, NULL);
        ctx->problem.outcome = FSE_AUDIT_ERROR;
    }
    return false;
}

bool fse_gateway__refuse_type(gw_ctx *ctx, const char *type, const char *instance,
                              const char *detail)
{
    int p;

    for (p = 0; p < (int)FSE_HTTP_PROBLEM_COUNT_; p++) {
        if (strcmp(fse_http_problem_type((fse_http_problem)p), type) == 0) {
            return set_problem(ctx, (fse_http_problem)p, instance, detail);
        }
    }
    return set_problem(ctx, FSE_HTTP_PROBLEM_GENERIC_ERROR, NULL, detail);
}

/* ---- Inputs ------------------------------------------------------------- */

bool fse_gateway__read_multipart(gw_ctx *ctx)
{
    const fse_http_multipart *mp = NULL;
    const fse_http_part *file;
    const fse_http_part *body;
    fse_err rc = fse_http_req_multipart(ctx->req, &mp);

    if (rc != FSE_OK) {
        return fse_gateway__refuse_err(ctx, FSE_E_PARSE, "Corpo multipart/form-data non valido: %s",
                                       fse_error_last()->message);
    }
    file = fse_http_multipart_get(mp, "file");
    body = fse_http_multipart_get(mp, "requestBody");
    if (file == NULL) {
        return fse_gateway__refuse_err(ctx, FSE_E_PARSE,
                                       "Required request part 'file' is not present");
    }
    if (body == NULL) {
        return fse_gateway__refuse_err(ctx, FSE_E_PARSE,
                                       "Required request part 'requestBody' is not present");
    }
    ctx->pdf = file->data;
    ctx->pdf_len = file->len;
    rc = fse_http_json_parse(&ctx->body.json, body->data, body->len);
    if (rc != FSE_OK) {
        return fse_gateway__refuse_err(ctx, FSE_E_PARSE, "requestBody non valido: %s",
                                       fse_error_last()->message);
    }
    return true;
}

/* Scalar requestBody members and their place in fse_cda_request_metadata. */
static const struct {
    const char *name;
    size_t offset;
} scalar_fields[] = {
    {"activity", offsetof(fse_cda_request_metadata, activity)},
    {"healthDataFormat", offsetof(fse_cda_request_metadata, health_data_format)},
    {"mode", offsetof(fse_cda_request_metadata, mode)},
    {"workflowInstanceId", offsetof(fse_cda_request_metadata, workflow_instance_id)},
    {"tipologiaStruttura", offsetof(fse_cda_request_metadata, tipologia_struttura)},
    {"identificativoDoc", offsetof(fse_cda_request_metadata, identificativo_doc)},
    {"identificativoRep", offsetof(fse_cda_request_metadata, identificativo_rep)},
    {"tipoDocumentoLivAlto", offsetof(fse_cda_request_metadata, tipo_documento_liv_alto)},
    {"assettoOrganizzativo", offsetof(fse_cda_request_metadata, assetto_organizzativo)},
    {"dataInizioPrestazione", offsetof(fse_cda_request_metadata, data_inizio_prestazione)},
    {"dataFinePrestazione", offsetof(fse_cda_request_metadata, data_fine_prestazione)},
    {"conservazioneANorma", offsetof(fse_cda_request_metadata, conservazione_a_norma)},
    {"tipoAttivitaClinica", offsetof(fse_cda_request_metadata, tipo_attivita_clinica)},
    {"identificativoSottomissione",
     offsetof(fse_cda_request_metadata, identificativo_sottomissione)},
};

/* A string list member: NULL/absent is empty; else an array of strings. */
static bool decode_list(gw_ctx *ctx, const char *name, const char ***items_out, size_t *n_out)
{
    json_t *v = json_object_get(ctx->body.json, name);
    size_t i;
    size_t n;

    *items_out = NULL;
    *n_out = 0;
    if (v == NULL || json_is_null(v)) {
        return true;
    }
    if (!json_is_array(v)) {
        return fse_gateway__refuse_err(ctx, FSE_E_PARSE, "requestBody: %s deve essere una lista",
                                       name);
    }
    n = json_array_size(v);
    if (n > GW_MAX_LIST) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_MANDATORY_ELEMENT, NULL,
                                   "Il campo %s ammette al massimo %u valori", name, GW_MAX_LIST);
    }
    if (n == 0) {
        return true;
    }
    *items_out = fse_calloc(n, sizeof(char *));
    if (*items_out == NULL) {
        fse_error_set(FSE_E_NOMEM, FSE_GW_MODULE, "requestBody list");
        return fse_gateway__fail(ctx, "requestBody");
    }
    for (i = 0; i < n; i++) {
        const json_t *item = json_array_get(v, i);

        if (!json_is_string(item)) {
            return fse_gateway__refuse_err(ctx, FSE_E_PARSE,
                                           "requestBody: %s deve contenere stringhe", name);
        }
        if (json_string_length(item) > GW_MAX_LIST_ITEM) {
            return fse_gateway__refuse_err(ctx, FSE_E_ARG,
                                           "requestBody: un valore di %s supera i %u caratteri",
                                           name, GW_MAX_LIST_ITEM);
        }
        (*items_out)[i] = json_string_value(item);
    }
    *n_out = n;
    return true;
}

/* Fill ctx->body.meta from ctx->body.json (strings borrowed from it). */
static bool decode_body(gw_ctx *ctx)
{
    fse_cda_request_metadata *m = &ctx->body.meta;
    json_t *prio;
    size_t i;

    if (!json_is_object(ctx->body.json)) {
        return fse_gateway__refuse_err(ctx, FSE_E_PARSE, "requestBody deve essere un oggetto JSON");
    }
    for (i = 0; i < sizeof(scalar_fields) / sizeof(scalar_fields[0]); i++) {
        json_t *v = json_object_get(ctx->body.json, scalar_fields[i].name);
        const char **slot = (const char **)(void *)((char *)m + scalar_fields[i].offset);

        if (v == NULL || json_is_null(v)) {
            continue;
        }
        if (!json_is_string(v)) {
            return fse_gateway__refuse_err(
                ctx, FSE_E_PARSE, "requestBody: %s deve essere una stringa", scalar_fields[i].name);
        }
        *slot = json_string_value(v);
    }
    /* priorita: deprecated (spec v2.15) but tolerated; only its type is checked. */
    prio = json_object_get(ctx->body.json, "priorita");
    if (prio != NULL && !json_is_null(prio) && !json_is_boolean(prio)) {
        return fse_gateway__refuse_err(ctx, FSE_E_PARSE,
                                       "requestBody: priorita deve essere booleano");
    }
    if (!decode_list(ctx, "attiCliniciRegoleAccesso", &ctx->body.atti, &m->n_atti_clinici) ||
        !decode_list(ctx, "descriptions", &ctx->body.descriptions, &m->n_descriptions) ||
        !decode_list(ctx, "administrativeRequest", &ctx->body.admin,
                     &m->n_administrative_request)) {
        return false;
    }
    m->atti_clinici = ctx->body.atti;
    m->descriptions = ctx->body.descriptions;
    m->administrative_request = ctx->body.admin;
    return true;
}

bool fse_gateway__read_json_body(gw_ctx *ctx)
{
    fse_err rc = fse_http_req_json(ctx->req, &ctx->body.json);

    if (rc != FSE_OK) {
        return fse_gateway__refuse_err(ctx, FSE_E_PARSE, "Corpo JSON non valido: %s",
                                       fse_error_last()->message);
    }
    return true;
}

/* DISP CdaUtility.isValidMasterId: a '^' with a non-empty part after it. */
static bool master_id_ok(const char *id)
{
    const char *caret = strchr(id, '^');

    return caret != NULL && caret[1] != '\0';
}

bool fse_gateway__read_path_id(gw_ctx *ctx, const char *name)
{
    const char *id = fse_http_req_param(ctx->req, name);
    size_t len = id != NULL ? strlen(id) : 0;

    /* IMPLEMENTATION-OF: gateway-api §1 "idDoc is 1..256 characters. It must
     * contain ^ with a non-empty part after it, else /msg/id-doc and
     * /invalid-req-id". */
    if (len == 0 || len > GW_MAX_ID_DOC || !master_id_ok(id)) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_ID_DOC, "/invalid-req-id",
                                   "Il campo identificativo documento nel path non è valido");
    }
    ctx->path_id = id;
    ctx->unique_id = id;
    return true;
}

bool fse_gateway__read_callback(gw_ctx *ctx)
{
    const char *url = fse_http_req_header(ctx->req, "X-Callback-Url");

    if (url == NULL) {
        return true;
    }
    if (!fse_gateway__callback_url_ok(ctx->gw, url)) {
        return fse_gateway__refuse(
            ctx, FSE_HTTP_PROBLEM_INVALID_FORMAT, "/request-invalid-callback",
            "X-Callback-Url non valido: atteso http://host[:porta][/percorso]"
            " di un host ammesso");
    }
    ctx->callback_url = url;
    return true;
}

bool fse_gateway__check_body(gw_ctx *ctx)
{
    fse_cda_findings findings;
    const fse_cda_request_metadata *m;
    bool ok = true;
    fse_err rc;

    if (!decode_body(ctx)) {
        return false;
    }
    m = &ctx->body.meta;
    fse_cda_findings_init(&findings);
    rc = fse_cda_check_request(&findings, m, ctx->info->cda_op);
    if (rc != FSE_OK) {
        ok = fse_gateway__fail(ctx, "request checks");
    } else if (findings.n_items > 0) {
        const fse_cda_rule_info *r = fse_cda_rule_get(findings.items[0].rule);

        ok = fse_gateway__refuse_type(ctx, r->type, r->instance, findings.items[0].detail);
    } else if (ctx->info->publishes &&
               (m->identificativo_doc == NULL || m->identificativo_doc[0] == '\0')) {
        /* IMPLEMENTATION-OF: gateway-api §2 identificativoDoc "req" for
         * create / replace / v&c / v&r (the new version's id on replace). */
        ok = fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_MANDATORY_ELEMENT, NULL,
                                 "Il campo identificativo documento deve essere valorizzato.");
    }
    fse_cda_findings_free(&findings);
    /* The document the request is about: the new version on publications,
     * else the path id, else the one the body names. */
    if (ok && m->identificativo_doc != NULL && m->identificativo_doc[0] != '\0' &&
        (ctx->info->publishes || ctx->unique_id == NULL)) {
        ctx->unique_id = m->identificativo_doc;
    }
    return ok;
}

bool fse_gateway__check_file(gw_ctx *ctx)
{
    /* IMPLEMENTATION-OF: gateway-api §1.1 "an empty file gives
     * /msg/empty-file, a non-PDF gives 415 /msg/document-type" (the %PDF
     * magic bytes). */
    if (ctx->pdf_len == 0) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_EMPTY_FILE, NULL, "File vuoto.");
    }
    if (ctx->pdf_len < 4 || memcmp(ctx->pdf, "%PDF", 4) != 0) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_DOCUMENT_TYPE, NULL,
                                   "Il documento non è pdf.");
    }
    return true;
}

/* ---- Answers ------------------------------------------------------------ */

void fse_gateway__warn(gw_ctx *ctx, const char *text)
{
    fse_buf *w = &ctx->warning;
    size_t room;
    size_t n = strlen(text);

    if (w->len >= GW_MAX_WARNING) {
        return;
    }
    room = GW_MAX_WARNING - w->len;
    if (n <= room) {
        (void)fse_buf_append(w, text, n);
        return;
    }
    /* IMPLEMENTATION-OF: gateway-api §4 warning "string <= 200000,
     * truncated with ...". */
    (void)fse_buf_append(w, text, room > 3 ? room - 3 : 0);
    (void)fse_buf_append_str(w, "...");
}

fse_err fse_gateway__answer_ok(gw_ctx *ctx, unsigned status)
{
    fse_buf out;
    fse_json w;
    fse_err rc;

    fse_buf_init(&out, GW_MAX_WARNING + 4096);
    fse_json_init(&w, &out);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "traceID", ctx->trace_id);
    fse_json_kv_string(&w, "spanID", fse_http_req_span_id(ctx->req));
    if (ctx->wii != NULL) {
        fse_json_kv_string(&w, "workflowInstanceId", ctx->wii);
    }
    if (ctx->warning.len > 0) {
        fse_json_kv_string(&w, "warning", ctx->warning.data);
    }
    fse_json_object_end(&w);
    rc = fse_json_status(&w);
    if (rc == FSE_OK) {
        rc = fse_http_respond_json(ctx->req, status, &out);
    }
    fse_buf_free(&out);
    return rc;
}

/* Write the refusal's event and audit record in one transaction. */
static void record_refusal(gw_ctx *ctx)
{
    const gw_problem *p = &ctx->problem;
    fse_store *s = ctx->slot->store;
    char reason[GW_MAX_EVENT_MESSAGE];
    const char *detail = p->detail != NULL ? p->detail : fse_http_problem_title(p->problem);
    fse_err rc;

    snprintf(reason, sizeof(reason), "%s: %s",
             p->as_error ? fse_strerror(p->err) : fse_http_problem_type(p->problem), detail);
    if (fse_store_in_tx(s)) {
        (void)fse_store_tx_rollback(s);
    }
    rc = fse_store_tx_begin(s);
    if (rc == FSE_OK && ctx->event_type != NULL) {
        rc = fse_gateway__event(ctx, ctx->event_type, GW_ST_BLOCKING, detail, NULL);
    }
    if (rc == FSE_OK) {
        rc = fse_gateway__audit(ctx, p->outcome, reason);
    }
    if (rc == FSE_OK) {
        rc = fse_store_tx_commit(s);
    } else {
        (void)fse_store_tx_rollback(s);
    }
    if (rc != FSE_OK) {
        fse_gateway__log(ctx->gw, FSE_HTTP_LOG_ERROR,
                         "module=gateway event=record_failed trace=%s msg=\"%s\"", ctx->trace_id,
                         fse_error_last()->message);
    }
}

fse_err fse_gateway__answer_refusal(gw_ctx *ctx)
{
    const gw_problem *p = &ctx->problem;
    fse_http_field extra[1];
    size_t n_extra = 0;

    record_refusal(ctx);
    if (p->as_error) {
        fse_error_set(p->err, FSE_GW_MODULE, "%s", p->detail != NULL ? p->detail : "");
        return fse_http_respond_error(ctx->req, p->err);
    }
    /* IMPLEMENTATION-OF: gateway-api §4 "Validation errors add
     * workflowInstanceId": every refusal of a validating call once the
     * workflow id is known. */
    if ((p->with_wii || ctx->info->validates) && ctx->wii != NULL) {
        extra[0].name = "workflowInstanceId";
        extra[0].value = ctx->wii;
        n_extra = 1;
    }
    return fse_http_respond_problem(ctx->req, p->problem, p->detail, p->instance, extra, n_extra);
}
