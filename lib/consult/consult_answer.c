/*
 * lib/consult/consult_answer.c - the error answers of consultation.
 *
 * Owns the status -> OperationOutcome issue code table (FHIR R4 IssueType),
 * the status -> problem catalogue entry for the JSON APIs, the single
 * "not found" answer that a hidden document shares with a missing one, and
 * the FHIR content type.
 */
#include "consult_int.h"

#include <string.h>

#define FHIR_JSON "application/fhir+json; charset=utf-8"

typedef struct status_row {
    unsigned status;
    const char *issue;        /* OperationOutcome.issue.code */
    fse_http_problem problem; /* problem+json for the JSON APIs */
} status_row;

static const status_row status_table[] = {
    {400, "invalid", FSE_HTTP_PROBLEM_INVALID_FORMAT},
    {401, "login", FSE_HTTP_PROBLEM_UNAUTHORIZED},
    {403, "forbidden", FSE_HTTP_PROBLEM_ACCESS_DENIED},
    {404, "not-found", FSE_HTTP_PROBLEM_RECORD_NOT_FOUND},
    {405, "not-supported", FSE_HTTP_PROBLEM_METHOD_NOT_ALLOWED},
    {406, "not-supported", FSE_HTTP_PROBLEM_INVALID_FORMAT},
    {409, "conflict", FSE_HTTP_PROBLEM_CONFLICT},
    {413, "too-long", FSE_HTTP_PROBLEM_PAYLOAD_TOO_LARGE},
    {414, "too-long", FSE_HTTP_PROBLEM_URI_TOO_LONG},
    {429, "throttled", FSE_HTTP_PROBLEM_TOO_MANY_REQUESTS},
    {503, "transient", FSE_HTTP_PROBLEM_SERVICE_UNAVAILABLE},
    {500, "exception", FSE_HTTP_PROBLEM_GENERIC_ERROR}, /* last: the answer for any other */
};

static const status_row *row_for(unsigned status)
{
    size_t i;

    for (i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++) {
        if (status_table[i].status == status) {
            return &status_table[i];
        }
    }
    return &status_table[sizeof(status_table) / sizeof(status_table[0]) - 1];
}

fse_err fse_consult__respond_fhir(cs_ctx *ctx, unsigned status, const fse_buf *body)
{
    fse_err rc = fse_http_respond(ctx->req, status, FHIR_JSON, body->data, body->len);

    ctx->answered = true;
    return rc;
}

void fse_consult__json_begin(fse_buf *out, fse_json *w)
{
    fse_buf_init(out, CS_MAX_OUTPUT);
    fse_json_init(w, out);
}

fse_err fse_consult__send(cs_ctx *ctx, fse_json *w, fse_buf *out, unsigned status)
{
    fse_err rc = fse_json_status(w);

    if (rc == FSE_OK && ctx->fhir) {
        rc = fse_consult__respond_fhir(ctx, status, out);
    } else if (rc == FSE_OK) {
        ctx->answered = true;
        rc = fse_http_respond_json(ctx->req, status, out);
    }
    fse_buf_free(out);
    return rc;
}

/* An OperationOutcome answer of req. */
static fse_err outcome_req(fse_http_req *req, unsigned status, const char *issue,
                           const char *detail)
{
    fse_buf out;
    fse_json w;
    fse_err rc;

    fse_consult__json_begin(&out, &w);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "resourceType", "OperationOutcome");
    fse_json_key(&w, "issue");
    fse_json_array_begin(&w);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "severity", "error");
    fse_json_kv_string(&w, "code", issue);
    fse_json_kv_string(&w, "diagnostics", detail);
    fse_json_object_end(&w);
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    rc = fse_json_status(&w);
    if (rc == FSE_OK) {
        rc = fse_http_respond(req, status, FHIR_JSON, out.data, out.len);
    }
    fse_buf_free(&out);
    return rc;
}

static fse_err outcome(cs_ctx *ctx, unsigned status, const char *issue, const char *detail)
{
    ctx->answered = true;
    return outcome_req(ctx->req, status, issue, detail);
}

fse_err fse_consult__error_style(void *ud, fse_http_req *req, unsigned status, const char *detail)
{
    (void)ud;
    return outcome_req(req, status, row_for(status)->issue, detail);
}

fse_err fse_consult__fail(cs_ctx *ctx, unsigned status, const char *detail)
{
    const status_row *row = row_for(status);

    ctx->answered = true;
    if (ctx->fhir) {
        return outcome(ctx, status, row->issue, detail);
    }
    return fse_http_respond_problem(ctx->req, row->problem, detail, NULL, NULL, 0);
}

fse_err fse_consult__not_found(cs_ctx *ctx)
{
    /* The same body for every resource that does not exist or may not be
     * seen: nothing in it depends on the document. */
    return fse_consult__fail(ctx, 404, "Risorsa non trovata");
}

fse_err fse_consult__internal(cs_ctx *ctx, const char *what)
{
    const fse_error_info *e = fse_error_last();

    fse_consult__log(ctx->c, FSE_HTTP_LOG_ERROR,
                     "module=consult event=failure step=%s code=%d msg=\"%s\"", what, (int)e->code,
                     e->message);
    return fse_consult__fail(ctx, 500, "Errore interno del servizio di consultazione");
}

fse_err fse_consult__unknown(cs_ctx *ctx)
{
    return fse_consult__fail(ctx, 404, "Risorsa o operazione FHIR non supportata");
}

fse_err fse_consult__not_allowed(cs_ctx *ctx)
{
    (void)fse_http_set_header(ctx->req, "Allow", "GET, HEAD");
    return fse_consult__fail(ctx, 405,
                             "Metodo non consentito: l'API di consultazione e' in sola lettura");
}
