/*
 * tests/gateway/gwt_test_manage.c - table-driven tests of the endpoints
 * that act on a stored document or read the workflow (gateway-api §1 rows
 * 5-7, 10-12): delete, metadata update, status by workflowInstanceId and by
 * traceId, and the transport answers (health, FHIR validation, 413, 429).
 * The runner and the shared edits are in gwt_test_endpoints.c.
 */
#include "gwt_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/util.h"

/* ---- Delete ------------------------------------------------------------- */

static void base_delete(gwt_call *c, gwt_doc *d, const ep_case *k)
{
    char enc[1024];

    (void)k;
    fse_free(gwt_publish(&g.node, d));
    gwt_encode(enc, d->meta.identificativo_doc);
    gwt_call_init(c, "DELETE", "/v1/documents/%s", enc);
    gwt_tokens(&c->auth, &c->sig, FSE_JWT_OP_DELETE, d, NULL);
}

SIG_EDIT(del_person_other, FSE_JWT_OP_DELETE, "person_id",
         json_string(OTHER_CF "^^^&2.16.840.1.113883.2.9.4.3.2&ISO"))
SIG_EDIT(del_purpose_treatment, FSE_JWT_OP_DELETE, "purpose_of_use", json_string("TREATMENT"))
SIG_EDIT(del_action_update, FSE_JWT_OP_DELETE, "action_id", json_string("UPDATE"))

static const ep_case delete_cases[] = {
    {"accepted", NULL, false, NULL, 200, NULL, gwt_check_wii},
    {"document absent", NULL, false, gwt_path_absent, 404, "/msg/record-not-found", NULL},
    {"path id without ^", NULL, false, gwt_path_no_caret, 400, "/msg/id-doc",
     gwt_check_req_id_instance},
    {"person_id of another patient", NULL, false, del_person_other, 403, "/msg/jwt-validation",
     gwt_check_person_instance},
    {"purpose_of_use TREATMENT", NULL, false, del_purpose_treatment, 403, "/msg/jwt-validation",
     NULL},
    {"action_id UPDATE", NULL, false, del_action_update, 403, "/msg/jwt-validation", NULL},
    {"no tokens", NULL, false, gwt_no_tokens, 403, "/msg/missing-token", NULL},
};

void gwt_test_delete_table(void **state)
{
    (void)state;
    gwt_run_cases("DELETE /v1/documents/{id}", delete_cases,
                  sizeof(delete_cases) / sizeof(delete_cases[0]), base_delete);
}

/* ---- Metadata update ---------------------------------------------------- */

static json_t *metadata_body(const gwt_doc *d)
{
    json_t *o = json_object();

    json_object_set_new(o, "tipologiaStruttura", json_string("Territorio"));
    json_object_set_new(o, "tipoDocumentoLivAlto", json_string(d->meta.tipo_documento_liv_alto));
    json_object_set_new(o, "assettoOrganizzativo", json_string("AD_PSC001"));
    json_object_set_new(o, "tipoAttivitaClinica", json_string("CON"));
    json_object_set_new(o, "identificativoSottomissione",
                        json_string(d->meta.identificativo_sottomissione));
    json_object_set_new(o, "attiCliniciRegoleAccesso", json_pack("[s]", "P99"));
    json_object_set_new(o, "dataInizioPrestazione", json_string("20241021094300"));
    return o;
}

static void base_metadata(gwt_call *c, gwt_doc *d, const ep_case *k)
{
    json_t *body = metadata_body(d);
    char enc[1024];

    (void)k;
    fse_free(gwt_publish(&g.node, d));
    gwt_encode(enc, d->meta.identificativo_doc);
    gwt_call_init(c, "PUT", "/v1/documents/%s/metadata", enc);
    gwt_tokens(&c->auth, &c->sig, FSE_JWT_OP_METADATA_UPDATE, d, NULL);
    c->json_body = true;
    gwt_call_body(c, body);
    json_decref(body);
}

static void iti57_path(gwt_call *c, gwt_doc *d)
{
    char enc[1024];

    gwt_encode(enc, d->meta.identificativo_doc);
    snprintf(c->path, sizeof(c->path), "/v1/documents/%s/metadata-iti-57", enc);
}

static void meta_path_absent(gwt_call *c, gwt_doc *d)
{
    char enc[256];

    (void)d;
    gwt_encode(enc, OTHER_ID);
    snprintf(c->path, sizeof(c->path), "/v1/documents/%s/metadata", enc);
}

static void text_plain(gwt_call *c, gwt_doc *d)
{
    (void)d;
    c->content_type = "text/plain";
}

SIG_EDIT(meta_purpose_treatment, FSE_JWT_OP_METADATA_UPDATE, "purpose_of_use",
         json_string("TREATMENT"))
SIG_EDIT(meta_hl7_other, FSE_JWT_OP_METADATA_UPDATE, "resource_hl7_type",
         json_string("('68604-8^^2.16.840.1.113883.6.1')"))
SIG_EDIT(meta_access_update, FSE_JWT_OP_METADATA_UPDATE, "purpose_of_use",
         json_string("ACCESS UPDATE"))

static const ep_case metadata_cases[] = {
    {"accepted", NULL, false, NULL, 200, NULL, gwt_check_wii},
    {"accepted on metadata-iti-57", NULL, false, iti57_path, 200, NULL, gwt_check_wii},
    {"accepted with purpose ACCESS UPDATE", NULL, false, meta_access_update, 200, NULL,
     gwt_check_wii},
    {"body not application/json", NULL, false, text_plain, 400, "/msg/generic-error", NULL},
    {"tipologiaStruttura missing", NULL, false, gwt_struttura_missing, 400,
     "/msg/mandatory-element", NULL},
    {"tipoDocumentoLivAlto not the document's", NULL, false, gwt_class_mismatch, 400,
     "/msg/mandatory-element", NULL},
    {"date malformed", NULL, false, gwt_date_malformed, 400, "/msg/invalid-format", NULL},
    {"document absent", NULL, false, meta_path_absent, 404, "/msg/record-not-found", NULL},
    {"purpose_of_use TREATMENT", NULL, false, meta_purpose_treatment, 403, "/msg/jwt-validation",
     NULL},
    {"resource_hl7_type of another type", NULL, false, meta_hl7_other, 403, "/msg/jwt-validation",
     gwt_check_type_instance},
    {"no tokens", NULL, false, gwt_no_tokens, 403, "/msg/missing-token", NULL},
};

void gwt_test_metadata_table(void **state)
{
    (void)state;
    gwt_run_cases("PUT /v1/documents/{id}/metadata", metadata_cases,
                  sizeof(metadata_cases) / sizeof(metadata_cases[0]), base_metadata);
}

/* ---- Status ------------------------------------------------------------- */

static char status_wii[1024];
static char status_trace[128];

static void base_status(gwt_call *c, gwt_doc *d, const ep_case *k)
{
    char enc[1024];

    (void)k;
    if (status_wii[0] == '\0') {
        char *wii = gwt_validate(&g.node, d);

        snprintf(status_wii, sizeof(status_wii), "%s", wii);
        fse_free(wii);
    }
    gwt_encode(enc, status_wii);
    gwt_call_init(c, "GET", "/v1/status/%s", enc);
    gwt_tokens(&c->auth, &c->sig, FSE_JWT_OP_STATUS, NULL, NULL);
    fse_free(c->sig);
    c->sig = NULL;
}

static void by_trace(gwt_call *c, gwt_doc *d)
{
    gwt_call probe;
    gwt_resp r;
    char enc[1024];

    /* A traceId from a status call itself is not an event key: use the one
     * of a validation. */
    gwt_base_validation(&probe, d, NULL);
    gwt_send(&g.node, &probe, &r);
    gwt_expect(&r, 201, NULL, "validation for the trace search");
    snprintf(status_trace, sizeof(status_trace), "%s", gwt_str(&r, "traceID"));
    gwt_resp_free(&r);
    gwt_call_free(&probe);
    gwt_encode(enc, status_trace);
    snprintf(c->path, sizeof(c->path), "/v1/status/search/%s", enc);
}

static void unknown_wii(gwt_call *c, gwt_doc *d)
{
    (void)d;
    snprintf(c->path, sizeof(c->path), "/v1/status/nessuno.%s", "0000%5E%5E%5E%5Eurn");
}

static void wii_too_long(gwt_call *c, gwt_doc *d)
{
    int n;

    (void)d;
    n = snprintf(c->path, sizeof(c->path), "/v1/status/");
    memset(c->path + n, 'w', 300);
    c->path[n + 300] = '\0';
}

static void trace_too_long(gwt_call *c, gwt_doc *d)
{
    int n;

    (void)d;
    n = snprintf(c->path, sizeof(c->path), "/v1/status/search/");
    memset(c->path + n, 't', 101);
    c->path[n + 101] = '\0';
}

/* A Bearer token of another region's certificate (S1#130#...). */
static void other_region(gwt_call *c, gwt_doc *d)
{
    json_t *claims = gwt_claims(FSE_JWT_OP_STATUS, d, false);

    json_object_set_new(claims, "iss", json_string("auth:S1#130#OTHERREGION"));
    fse_free(c->auth);
    c->auth = gwt_sign(g.signer_130, claims);
    json_decref(claims);
}

static void auth_expired(gwt_call *c, gwt_doc *d)
{
    json_t *claims = gwt_claims(FSE_JWT_OP_STATUS, d, false);
    int64_t now = atomic_load(&gwt_now_ms) / 1000;

    json_object_set_new(claims, "iat", json_integer(now - 7200));
    json_object_set_new(claims, "exp", json_integer(now - 3600));
    fse_free(c->auth);
    c->auth = gwt_sign(g.signer, claims);
    json_decref(claims);
}

static void check_events(const gwt_resp *r, const gwt_doc *d)
{
    const json_t *data = json_object_get(r->json, "transactionData");
    const json_t *first = json_array_get(data, 0);
    const char *fields[] = {
        "eventType", "eventDate",   "eventStatus",  "message",        "identificativoDocumento",
        "subject",   "subjectRole", "tipoAttivita", "organizzazione", "workflowInstanceId",
        "traceId",   "issuer",      "expiringDate", "extra"};
    size_t i;

    (void)d;
    assert_true(json_array_size(data) >= 1);
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (json_object_get(first, fields[i]) == NULL) {
            fail_msg("status item without %s: %s", fields[i], r->body);
        }
    }
    assert_string_equal(json_string_value(json_object_get(first, "eventType")), "VALIDATION");
}

static const ep_case status_cases[] = {
    {"by workflowInstanceId", NULL, false, NULL, 200, NULL, check_events},
    {"by traceId", NULL, false, by_trace, 200, NULL, check_events},
    {"unknown workflowInstanceId", NULL, false, unknown_wii, 404, "/msg/record-not-found", NULL},
    {"workflowInstanceId over 256", NULL, false, wii_too_long, 400, "/msg/wii", NULL},
    {"traceId over 100", NULL, false, trace_too_long, 400, "/msg/generic-error", NULL},
    {"no token", NULL, false, gwt_no_auth, 403, "/msg/missing-token", NULL},
    {"expired token", NULL, false, auth_expired, 403, "/msg/mandatory-element-token", NULL},
    {"token of another region", NULL, false, other_region, 401, "/msg/unauthorized", NULL},
};

void gwt_test_status_table(void **state)
{
    (void)state;
    gwt_run_cases("GET /v1/status", status_cases, sizeof(status_cases) / sizeof(status_cases[0]),
                  base_status);
}

/* ---- Transport and fixed routes ----------------------------------------- */

void gwt_test_transport(void **state)
{
    static const char health[] = "GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    gwt_node limited;
    gwt_resp r;
    gwt_call c;
    gwt_doc d;
    char big_head[512];
    int i;

    (void)state;
    gwt_send_raw(g.node.port, health, sizeof(health) - 1, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(gwt_str(&r, "status"), "UP");
    gwt_resp_free(&r);

    /* FHIR validation is answered, audited, as not implemented. */
    gwt_doc_new(&d);
    gwt_base_validation(&c, &d, NULL);
    snprintf(c.path, sizeof(c.path), "/v1/documents/fhir-validation");
    gwt_send(&g.node, &c, &r);
    gwt_expect(&r, 503, "/msg/not-implemented", "fhir-validation");
    assert_true(gwt_audit_find(&g.node, gwt_str(&r, "traceID"), NULL, NULL, 0));
    gwt_resp_free(&r);
    gwt_call_free(&c);
    gwt_doc_free(&d);

    /* 413 above 5 MB, before the body is read. */
    snprintf(big_head, sizeof(big_head),
             "POST /v1/documents/validation HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
             "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: %u\r\n\r\n",
             5u * 1024u * 1024u + 1u);
    gwt_send_raw(g.node.port, big_head, strlen(big_head), &r);
    gwt_expect(&r, 413, "/msg/payload-too-large", "5 MB + 1");
    gwt_resp_free(&r);

    /* 429 past the per-client rate limit. */
    gwt_node_start(&limited, "gateway-rate", false, 3, false);
    for (i = 0; i < 3; i++) {
        gwt_send_raw(limited.port, health, sizeof(health) - 1, &r);
        assert_int_equal(r.status, 200);
        gwt_resp_free(&r);
    }
    gwt_send_raw(limited.port, health, sizeof(health) - 1, &r);
    gwt_expect(&r, 429, "/msg/too-many-requests", "rate limit");
    assert_non_null(strstr(r.head, "Retry-After"));
    gwt_resp_free(&r);
    gwt_node_stop(&limited);
}
