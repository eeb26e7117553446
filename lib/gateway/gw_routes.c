/*
 * lib/gateway/gw_routes.c - the endpoints under /v1 (gateway-api §1) and the
 * table of operations.
 *
 * Owns one row per operation (audit action, main event type, token rules,
 * requestBody rules, what the call carries), the route table, the small
 * handler of each route (context, steps, answer), the validation endpoint
 * (§1 row 1: 201 for VALIDATION with the link recorded, 200 for VERIFICA),
 * the FHIR validation route (answered as not implemented) and the health
 * check. Does not own the steps (gw_request.c, gw_jwt.c, gw_document.c),
 * publication (gw_publish.c), delete/metadata (gw_manage.c) or status
 * (gw_status.c).
 */
#include "gateway_int.h"

#include <string.h>

/* IMPLEMENTATION-OF: gateway-api §3 per-operation coherence (jwt_op) and §2
 * field columns (cda_op); the v&c/v&r tokens are checked as a publication
 * (DISP "Valido request e jwt come se fosse una pubblicazione"). */
static const gw_op_info op_table[GW_OP_COUNT] = {
    [GW_OP_VALIDATION] = {"VALIDATION", GW_EV_VALIDATION, FSE_JWT_OP_VALIDATION,
                          FSE_CDA_OP_VALIDATION, true, true, false, false},
    [GW_OP_CREATE] = {"CREATE", GW_EV_PUBLICATION, FSE_JWT_OP_CREATE, FSE_CDA_OP_CREATE, true,
                      false, true, false},
    [GW_OP_REPLACE] = {"REPLACE", GW_EV_REPLACE, FSE_JWT_OP_REPLACE, FSE_CDA_OP_REPLACE, true,
                       false, true, true},
    [GW_OP_VALIDATE_AND_CREATE] = {"VALIDATE_AND_CREATE", GW_EV_PUBLICATION, FSE_JWT_OP_CREATE,
                                   FSE_CDA_OP_CREATE, true, true, true, false},
    [GW_OP_VALIDATE_AND_REPLACE] = {"VALIDATE_AND_REPLACE", GW_EV_REPLACE, FSE_JWT_OP_REPLACE,
                                    FSE_CDA_OP_REPLACE, true, true, true, true},
    [GW_OP_METADATA] = {"UPDATE_METADATA", GW_EV_UPDATE, FSE_JWT_OP_METADATA_UPDATE,
                        FSE_CDA_OP_UPDATE_METADATA, false, false, false, true},
    [GW_OP_DELETE] = {"DELETE", GW_EV_DELETE, FSE_JWT_OP_DELETE, FSE_CDA_OP_UPDATE_METADATA, false,
                      false, false, true},
    [GW_OP_STATUS] = {"STATUS", NULL, FSE_JWT_OP_STATUS, FSE_CDA_OP_VALIDATION, false, false, false,
                      false},
};

const gw_op_info *fse_gateway__op(gw_op op)
{
    return &op_table[(unsigned)op < (unsigned)GW_OP_COUNT ? op : GW_OP_STATUS];
}

/* ---- Validation --------------------------------------------------------- */

static bool validation_steps(gw_ctx *ctx)
{
    return fse_gateway__jwt_step(ctx) && fse_gateway__read_multipart(ctx) &&
           fse_gateway__check_body(ctx) && fse_gateway__check_file(ctx) &&
           fse_gateway__load_document(ctx) && fse_gateway__new_wii(ctx) &&
           fse_gateway__jwt_document(ctx) && fse_gateway__check_signature(ctx) &&
           fse_gateway__validate(ctx);
}

/* Record the validation: the link (activity VALIDATION only), the event and
 * the audit record, in one transaction. */
static bool validation_commit(gw_ctx *ctx, bool for_publication)
{
    fse_store *s = ctx->slot->store;
    fse_err rc = fse_store_tx_begin(s);

    /* IMPLEMENTATION-OF: gateway-api §6 the link "is stored with the wii ...
     * when activity=VALIDATION and the result is OK or a semantic warning". */
    if (rc == FSE_OK && for_publication) {
        rc = fse_store_link_put(s, ctx->doc.link_hash, ctx->wii, ctx->now_ms);
    }
    if (rc == FSE_OK) {
        rc = fse_gateway__event(ctx, GW_EV_VALIDATION, GW_ST_SUCCESS, NULL, NULL);
    }
    if (rc == FSE_OK) {
        rc = fse_gateway__audit(ctx, FSE_AUDIT_SUCCESS, NULL);
    }
    if (rc == FSE_OK) {
        rc = fse_store_tx_commit(s);
    }
    if (rc != FSE_OK) {
        (void)fse_store_tx_rollback(s);
        return fse_gateway__fail(ctx, "validation commit");
    }
    return true;
}

static fse_err h_validation(fse_http_req *req, void *ud)
{
    gw_ctx ctx;
    bool for_publication;
    fse_err rc;

    fse_gateway__ctx_init(&ctx, ud, req, GW_OP_VALIDATION);
    if (!validation_steps(&ctx)) {
        rc = fse_gateway__answer_refusal(&ctx);
    } else {
        for_publication = strcmp(ctx.body.meta.activity, "VALIDATION") == 0;
        if (!validation_commit(&ctx, for_publication)) {
            rc = fse_gateway__answer_refusal(&ctx);
        } else {
            /* IMPLEMENTATION-OF: gateway-api §1 row 1 "201 for VALIDATION,
             * 200 for VERIFICA". */
            rc = fse_gateway__answer_ok(&ctx, for_publication ? 201 : 200);
        }
    }
    fse_gateway__ctx_free(&ctx);
    return rc;
}

/* §1 row 2: FHIR validation is "Not in production"; this node has no FHIR
 * validator yet and says so with /msg/not-implemented. */
static fse_err h_fhir_validation(fse_http_req *req, void *ud)
{
    gw_ctx ctx;
    fse_err rc;

    fse_gateway__ctx_init(&ctx, ud, req, GW_OP_VALIDATION);
    fse_gateway__refuse(&ctx, FSE_HTTP_PROBLEM_NOT_IMPLEMENTED, NULL,
                        "La validazione FHIR non è disponibile su questo nodo");
    rc = fse_gateway__answer_refusal(&ctx);
    fse_gateway__ctx_free(&ctx);
    return rc;
}

/* ---- Publication, management, status ----------------------------------- */

static fse_err run(fse_http_req *req, void *ud, gw_op op, fse_err (*fn)(gw_ctx *))
{
    gw_ctx ctx;
    fse_err rc;

    fse_gateway__ctx_init(&ctx, ud, req, op);
    rc = fn(&ctx);
    fse_gateway__ctx_free(&ctx);
    return rc;
}

static fse_err h_create(fse_http_req *req, void *ud)
{
    return run(req, ud, GW_OP_CREATE, fse_gateway__publish);
}

static fse_err h_replace(fse_http_req *req, void *ud)
{
    return run(req, ud, GW_OP_REPLACE, fse_gateway__publish);
}

static fse_err h_validate_and_create(fse_http_req *req, void *ud)
{
    return run(req, ud, GW_OP_VALIDATE_AND_CREATE, fse_gateway__publish);
}

static fse_err h_validate_and_replace(fse_http_req *req, void *ud)
{
    return run(req, ud, GW_OP_VALIDATE_AND_REPLACE, fse_gateway__publish);
}

static fse_err h_delete(fse_http_req *req, void *ud)
{
    return run(req, ud, GW_OP_DELETE, fse_gateway__delete);
}

static fse_err h_metadata(fse_http_req *req, void *ud)
{
    return run(req, ud, GW_OP_METADATA, fse_gateway__update_metadata);
}

static fse_err status_by(fse_http_req *req, void *ud, fse_store_event_key key, const char *param)
{
    gw_ctx ctx;
    fse_err rc;

    fse_gateway__ctx_init(&ctx, ud, req, GW_OP_STATUS);
    if (!fse_gateway__jwt_step(&ctx)) {
        rc = fse_gateway__answer_refusal(&ctx);
    } else {
        rc = fse_gateway__status(&ctx, key, fse_http_req_param(req, param));
    }
    fse_gateway__ctx_free(&ctx);
    return rc;
}

static fse_err h_status_wii(fse_http_req *req, void *ud)
{
    return status_by(req, ud, FSE_STORE_EVENT_BY_WII, "wii");
}

static fse_err h_status_trace(fse_http_req *req, void *ud)
{
    return status_by(req, ud, FSE_STORE_EVENT_BY_TRACE, "traceId");
}

/* §1 row 12: the health check (actuator). */
static fse_err h_health(fse_http_req *req, void *ud)
{
    static const char body[] = "{\"status\":\"UP\"}";

    (void)ud;
    return fse_http_respond(req, 200, "application/json", body, sizeof(body) - 1);
}

/* First match wins: the literal routes come before the {id} ones. */
static const struct {
    const char *method;
    const char *pattern;
    fse_http_handler handler;
} routes[] = {
    {"GET", "/v1/status", h_health},
    {"GET", "/v1/status/search/{traceId}", h_status_trace},
    {"GET", "/v1/status/{wii}", h_status_wii},
    {"POST", "/v1/documents/validation", h_validation},
    {"POST", "/v1/documents/fhir-validation", h_fhir_validation},
    {"POST", "/v1/documents/validate-and-create", h_validate_and_create},
    {"PUT", "/v1/documents/validate-and-replace/{idDoc}", h_validate_and_replace},
    {"PUT", "/v1/documents/{id}/metadata", h_metadata},
    {"PUT", "/v1/documents/{id}/metadata-iti-57", h_metadata},
    {"POST", "/v1/documents", h_create},
    {"PUT", "/v1/documents/{id}", h_replace},
    {"DELETE", "/v1/documents/{id}", h_delete},
};

fse_err fse_gateway_routes(fse_gateway *gw, fse_http_server *srv)
{
    size_t i;
    fse_err rc = FSE_OK;

    if (gw == NULL || srv == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_GW_MODULE, "routes: missing argument");
    }
    for (i = 0; i < sizeof(routes) / sizeof(routes[0]) && rc == FSE_OK; i++) {
        rc = fse_http_server_route(srv, routes[i].method, routes[i].pattern, routes[i].handler, gw);
    }
    return rc;
}
