/*
 * lib/consult/consult_routes.c - the consultation routes and the frame
 * every request runs in.
 *
 * Owns the route table (method, pattern, audit action, answer style,
 * whether a token is needed, the endpoint function) and fse_consult__run:
 * borrow a slot, read the clock, check the token, run the endpoint, make
 * sure something was answered, give everything back.
 */
#include "consult_int.h"

#include <string.h>

fse_err fse_consult__run(fse_consult *c, fse_http_req *req, const char *action, bool fhir,
                         bool needs_token, cs_endpoint_fn fn)
{
    cs_ctx ctx;
    cs_slot *slot = fse_consult__slot_acquire(c);
    fse_err rc = FSE_OK;

    memset(&ctx, 0, sizeof(ctx));
    ctx.c = c;
    ctx.req = req;
    ctx.now_ms = fse_consult__now_ms(c);
    ctx.store = slot->store;
    ctx.action = action;
    ctx.fhir = fhir;
    if (!needs_token || fse_consult__auth(&ctx)) {
        rc = fn(&ctx);
    }
    if (rc != FSE_OK && !ctx.answered) {
        (void)fse_consult__internal(&ctx, action);
    }
    fse_consult__flush(&ctx);
    fse_consult__slot_release(c, slot);
    fse_store_patient_free(ctx.registry);
    return FSE_OK;
}

struct cs_route {
    const char *method;
    const char *pattern;
    const char *action; /* audit action */
    bool fhir;          /* OperationOutcome errors */
    bool needs_token;
    cs_endpoint_fn fn;
};
typedef struct cs_route cs_route;

static const cs_route routes[] = {
    {"GET", "/fhir/metadata", "METADATA", true, false, fse_consult__metadata},
    {"GET", "/fhir/DocumentReference", "SEARCH", true, true, fse_consult__search},
    {"GET", "/fhir/DocumentReference/{id}", "READ", true, true, fse_consult__read_docref},
    {"GET", "/fhir/Binary/{id}", "BINARY", true, true, fse_consult__read_binary},
    {"GET", "/fhir/Patient", "PATIENT_SEARCH", true, true, fse_consult__search_patient},
    {"GET", "/fhir/Patient/{id}", "PATIENT_READ", true, true, fse_consult__read_patient},
    {"GET", "/fhir/AuditEvent", "LOG_READ", true, true, fse_consult__search_audit},
    {"GET", "/citizen/v1/patients/{cf}/consents", "CONSENT_READ", false, true,
     fse_consult__consents_get},
    {"PUT", "/citizen/v1/patients/{cf}/consents/{purpose}", "CONSENT", false, true,
     fse_consult__consent_put},
    {"PUT", "/citizen/v1/patients/{cf}/documents/{id}/visibility", "VISIBILITY", false, true,
     fse_consult__visibility_put},
    {"GET", "/citizen/v1/patients/{cf}/delegates", "DELEGATE_READ", false, true,
     fse_consult__delegates_get},
    {"POST", "/citizen/v1/patients/{cf}/delegates", "DELEGATE", false, true,
     fse_consult__delegate_post},
    {"DELETE", "/citizen/v1/patients/{cf}/delegates/{id}", "DELEGATE_END", false, true,
     fse_consult__delegate_delete},
    {"GET", "/citizen/v1/patients/{cf}/access-log", "LOG_READ", false, true,
     fse_consult__access_log},
    {"GET", "/citizen/v1/patients/{cf}/taccuino", "TACCUINO_READ", false, true,
     fse_consult__taccuino_get},
    {"POST", "/citizen/v1/patients/{cf}/taccuino", "TACCUINO_ADD", false, true,
     fse_consult__taccuino_post},
    {"GET", "/citizen/v1/patients/{cf}/taccuino/{id}/file", "TACCUINO_FILE", false, true,
     fse_consult__taccuino_file},
    {"DELETE", "/citizen/v1/patients/{cf}/taccuino/{id}", "TACCUINO_DELETE", false, true,
     fse_consult__taccuino_delete},
    {"GET", "/citizen/v1/patients/{cf}/notifications", "NOTIFY_READ", false, true,
     fse_consult__notifications_get},
    {"PUT", "/citizen/v1/patients/{cf}/notifications", "NOTIFY_SET", false, true,
     fse_consult__notifications_put},
    {"POST", "/consult/v1/care-declarations", "CARE_DECLARATION", false, true,
     fse_consult__care_post},
    {"POST", "/consult/v1/emergency-access", "EMERGENCY_ACCESS", false, true,
     fse_consult__emergency_post},
    {"PUT", "/admin/v1/patients/{cf}", "REGISTRY", false, true, fse_consult__registry_put},
    {"GET", "/fhir/Patient/{id}/$summary", "SUMMARY", true, true, fse_consult__summary},
    /* After every literal /fhir/X route: the clinical resources of one type. */
    {"GET", "/fhir/{type}", "RESOURCE_SEARCH", true, true, fse_consult__search_resources},
    /* Last: what no route above takes under /fhir answers as FHIR does. */
    {"GET", "/fhir/*", "UNKNOWN", true, false, fse_consult__unknown},
    {"POST", "/fhir/*", "UNKNOWN", true, false, fse_consult__not_allowed},
    {"PUT", "/fhir/*", "UNKNOWN", true, false, fse_consult__not_allowed},
    {"PATCH", "/fhir/*", "UNKNOWN", true, false, fse_consult__not_allowed},
    {"DELETE", "/fhir/*", "UNKNOWN", true, false, fse_consult__not_allowed},
};

#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

_Static_assert(N_ROUTES <= CS_MAX_ROUTES, "raise CS_MAX_ROUTES");

static fse_err dispatch(fse_http_req *req, void *ud)
{
    const cs_binding *b = ud;

    return fse_consult__run(b->c, req, b->route->action, b->route->fhir, b->route->needs_token,
                            b->route->fn);
}

fse_err fse_consult_routes(fse_consult *c, fse_http_server *srv)
{
    size_t i;
    fse_err rc;

    if (c == NULL || srv == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_CONSULT_MODULE, "NULL argument");
    }
    rc = fse_http_server_error_style(srv, "/fhir/", fse_consult__error_style, c);
    if (rc != FSE_OK) {
        return rc;
    }
    for (i = 0; i < N_ROUTES; i++) {
        c->bindings[i].c = c;
        c->bindings[i].route = &routes[i];
        rc = fse_http_server_route(srv, routes[i].method, routes[i].pattern, dispatch,
                                   &c->bindings[i]);
        if (rc != FSE_OK) {
            return rc;
        }
    }
    return FSE_OK;
}
