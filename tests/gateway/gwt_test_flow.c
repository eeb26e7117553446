/*
 * tests/gateway/gwt_test_flow.c - the workflows of gateway-api §5-§6 end to
 * end: one publication per validation, the 5-day window (injected clock),
 * replace deprecating the old version, delete and metadata update in the
 * store, status events in order by workflowInstanceId and traceId, the
 * outbox (FHIR hook, retry with back-off, dead letter), the X-Callback-Url
 * push and the PAdES requirement both ways. The command-line tests are in
 * gwt_test_tool.c.
 */
#include "gwt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fse/util.h"

/* Wait until the node's outbox has nothing pending or leased. */
static void wait_idle(const gwt_node *n)
{
    int waited;

    for (waited = 0; waited < 10000; waited += 20) {
        size_t pending = 0;
        size_t leased = 0;

        assert_int_equal(fse_store_outbox_count(&pending, n->store, FSE_STORE_JOB_PENDING), FSE_OK);
        assert_int_equal(fse_store_outbox_count(&leased, n->store, FSE_STORE_JOB_LEASED), FSE_OK);
        if (pending == 0 && leased == 0) {
            return;
        }
        usleep(20000);
    }
    fail_msg("outbox not idle after 10 s");
}

static void send_create(const gwt_node *n, const gwt_doc *d, gwt_resp *r)
{
    gwt_call c;

    gwt_prepare_publish(&c, d, FSE_JWT_OP_CREATE, "/v1/documents", NULL);
    gwt_send(n, &c, r);
    gwt_call_free(&c);
}

/* ---- One publication per validation ------------------------------------- */

void gwt_test_publish_once(void **state)
{
    gwt_doc d;
    gwt_doc twin;
    gwt_resp r;
    gwt_call c;
    json_t *body;
    char *wii;

    (void)state;
    gwt_doc_new(&d);
    wii = gwt_publish(&g.node, &d);
    /* IMPLEMENTATION-OF: gateway-api §0 "consumed by one publication". */
    send_create(&g.node, &d, &r);
    gwt_expect(&r, 400, "/msg/cda-match", "second publication of the same CDA");
    gwt_resp_free(&r);
    /* Validating again gives a new link: the same identificativoDoc is then
     * a conflict with the stored document. */
    fse_free(gwt_validate(&g.node, &d));
    send_create(&g.node, &d, &r);
    gwt_expect(&r, 409, "/msg/conflict", "identificativoDoc already published");
    gwt_resp_free(&r);
    fse_free(wii);

    /* validate-and-create consumes its own validation too. */
    gwt_doc_new(&twin);
    fse_free(gwt_validate(&g.node, &twin));
    gwt_prepare_publish(&c, &twin, FSE_JWT_OP_CREATE, "/v1/documents/validate-and-create", NULL);
    gwt_send(&g.node, &c, &r);
    gwt_expect(&r, 202, NULL, "validate-and-create");
    wii = fse_strdup(gwt_str(&r, "workflowInstanceId"));
    gwt_resp_free(&r);
    gwt_call_free(&c);
    assert_true(gwt_wait_event(&g.node, wii, "VALIDATION_FOR_PUBLICATION", 100));
    assert_true(gwt_wait_event(&g.node, wii, "PUBLICATION", 100));
    fse_free(wii);
    body = gwt_body(&twin, NULL);
    json_object_set_new(body, "identificativoDoc",
                        json_string("2.16.840.1.113883.2.9.2.120.4.4^ALTRO-ID-1"));
    gwt_prepare_publish(&c, &twin, FSE_JWT_OP_CREATE, "/v1/documents", NULL);
    gwt_call_body(&c, body);
    json_decref(body);
    gwt_send(&g.node, &c, &r);
    gwt_expect(&r, 400, "/msg/cda-match", "publication after validate-and-create");
    gwt_resp_free(&r);
    gwt_call_free(&c);
    gwt_doc_free(&twin);
    gwt_doc_free(&d);
}

/* ---- The 5-day window --------------------------------------------------- */

void gwt_test_link_expiry(void **state)
{
    gwt_doc early;
    gwt_doc late;
    gwt_resp r;

    (void)state;
    gwt_doc_new(&early);
    gwt_doc_new(&late);
    fse_free(gwt_validate(&g.node, &early));
    fse_free(gwt_validate(&g.node, &late));
    gwt_advance(5 * GWT_DAY_MS - 60000);
    send_create(&g.node, &early, &r);
    gwt_expect(&r, 202, NULL, "publication 5 days - 1 minute after validation");
    gwt_resp_free(&r);
    gwt_advance(120000);
    /* IMPLEMENTATION-OF: gateway-api §0 "expires after 5 days". */
    send_create(&g.node, &late, &r);
    gwt_expect(&r, 400, "/msg/max-day-limit-exceed", "publication 5 days + 1 minute after");
    gwt_resp_free(&r);
    /* A new validation opens a new window. */
    fse_free(gwt_validate(&g.node, &late));
    send_create(&g.node, &late, &r);
    gwt_expect(&r, 202, NULL, "publication after validating again");
    gwt_resp_free(&r);
    gwt_doc_free(&early);
    gwt_doc_free(&late);
}

/* ---- Replace ------------------------------------------------------------ */

void gwt_test_replace_deprecates(void **state)
{
    gwt_doc old;
    gwt_doc next;
    gwt_doc third;
    gwt_call c;
    gwt_resp r;
    fse_store_doc_meta *m = NULL;
    char *wii;

    (void)state;
    gwt_doc_new(&old);
    gwt_doc_new(&next);
    gwt_doc_new(&third);
    fse_free(gwt_publish(&g.node, &old));
    fse_free(gwt_validate(&g.node, &next));
    gwt_prepare_publish(&c, &next, FSE_JWT_OP_REPLACE, "/v1/documents",
                        old.meta.identificativo_doc);
    gwt_send(&g.node, &c, &r);
    gwt_expect(&r, 202, NULL, "replace");
    wii = fse_strdup(gwt_str(&r, "workflowInstanceId"));
    gwt_resp_free(&r);
    gwt_call_free(&c);

    assert_int_equal(fse_store_doc_get(&m, g.node.store, old.meta.identificativo_doc), FSE_OK);
    assert_int_equal(m->status, FSE_STORE_DOC_DEPRECATED);
    assert_string_equal(m->replaced_by_unique_id, next.meta.identificativo_doc);
    fse_store_doc_meta_free(m);
    assert_int_equal(fse_store_doc_get(&m, g.node.store, next.meta.identificativo_doc), FSE_OK);
    assert_int_equal(m->status, FSE_STORE_DOC_APPROVED);
    assert_int_equal(m->version, 2);
    fse_store_doc_meta_free(m);
    assert_true(gwt_wait_event(&g.node, wii, "REPLACE", 100));
    assert_true(gwt_wait_event(&g.node, wii, "SEND_TO_INI", 5000));
    assert_true(gwt_wait_event(&g.node, wii, "INI_REPLACE_SOAP", 100));
    assert_true(gwt_wait_event(&g.node, wii, "SEND_TO_EDS", 5000));
    fse_free(wii);

    /* The deprecated version cannot be replaced again. */
    fse_free(gwt_validate(&g.node, &third));
    gwt_prepare_publish(&c, &third, FSE_JWT_OP_REPLACE, "/v1/documents",
                        old.meta.identificativo_doc);
    gwt_send(&g.node, &c, &r);
    gwt_expect(&r, 409, "/msg/conflict", "replace of a deprecated version");
    gwt_resp_free(&r);
    gwt_call_free(&c);
    gwt_doc_free(&old);
    gwt_doc_free(&next);
    gwt_doc_free(&third);
}

/* ---- Delete and metadata update ----------------------------------------- */

static void manage_call(gwt_resp *r, const char *method, const gwt_doc *d, const char *suffix,
                        const json_t *body)
{
    gwt_call c;
    char enc[1024];

    gwt_encode(enc, d->meta.identificativo_doc);
    gwt_call_init(&c, method, "/v1/documents/%s%s", enc, suffix);
    gwt_tokens(&c.auth, &c.sig, body != NULL ? FSE_JWT_OP_METADATA_UPDATE : FSE_JWT_OP_DELETE, d,
               NULL);
    if (body != NULL) {
        c.json_body = true;
        gwt_call_body(&c, body);
    }
    gwt_send(&g.node, &c, r);
    gwt_call_free(&c);
}

void gwt_test_delete_and_metadata(void **state)
{
    gwt_doc d;
    gwt_resp r;
    fse_store_doc_meta *m = NULL;
    json_t *body = json_object();
    char *wii;

    (void)state;
    gwt_doc_new(&d);
    fse_free(gwt_publish(&g.node, &d));
    json_object_set_new(body, "tipologiaStruttura", json_string("Prevenzione"));
    json_object_set_new(body, "tipoDocumentoLivAlto", json_string("REF"));
    json_object_set_new(body, "assettoOrganizzativo", json_string("AD_PSC010"));
    json_object_set_new(body, "tipoAttivitaClinica", json_string("PHR"));
    json_object_set_new(body, "identificativoSottomissione",
                        json_string("2.16.840.1.113883.2.9.2.120.4.3.77"));
    json_object_set_new(body, "attiCliniciRegoleAccesso", json_pack("[s]", "P99"));
    manage_call(&r, "PUT", &d, "/metadata", body);
    gwt_expect(&r, 200, NULL, "metadata update");
    wii = fse_strdup(gwt_str(&r, "workflowInstanceId"));
    gwt_resp_free(&r);
    assert_int_equal(fse_store_doc_get(&m, g.node.store, d.meta.identificativo_doc), FSE_OK);
    assert_string_equal(m->facility_type_code, "Prevenzione");
    assert_string_equal(m->practice_setting_code, "AD_PSC010");
    assert_string_equal(m->content_type_code, "PHR");
    assert_int_equal(m->n_event_codes, 1);
    assert_string_equal(m->event_codes[0], "P99");
    fse_store_doc_meta_free(m);
    assert_true(gwt_wait_event(&g.node, wii, "UPDATE", 100));
    assert_true(gwt_wait_event(&g.node, wii, "INI_UPDATE", 5000));
    assert_true(gwt_wait_event(&g.node, wii, "EDS_UPDATE", 5000));
    fse_free(wii);

    manage_call(&r, "DELETE", &d, "", NULL);
    gwt_expect(&r, 200, NULL, "delete");
    wii = fse_strdup(gwt_str(&r, "workflowInstanceId"));
    gwt_resp_free(&r);
    assert_int_equal(fse_store_doc_get(&m, g.node.store, d.meta.identificativo_doc), FSE_OK);
    assert_int_equal(m->status, FSE_STORE_DOC_DELETED);
    fse_store_doc_meta_free(m);
    assert_true(gwt_wait_event(&g.node, wii, "RIFERIMENTI_INI", 100));
    assert_true(gwt_wait_event(&g.node, wii, "DELETE", 100));
    assert_true(gwt_wait_event(&g.node, wii, "INI_DELETE", 5000));
    assert_true(gwt_wait_event(&g.node, wii, "EDS_DELETE", 5000));
    fse_free(wii);

    manage_call(&r, "DELETE", &d, "", NULL);
    gwt_expect(&r, 404, "/msg/record-not-found", "second delete");
    gwt_resp_free(&r);
    manage_call(&r, "PUT", &d, "/metadata", body);
    gwt_expect(&r, 404, "/msg/record-not-found", "metadata update after delete");
    gwt_resp_free(&r);
    json_decref(body);
    gwt_doc_free(&d);
}

/* ---- Status events ------------------------------------------------------ */

/* Index of the first item of type in the status list, or -1. */
static int index_of(const json_t *data, const char *type)
{
    size_t i;

    for (i = 0; i < json_array_size(data); i++) {
        const char *t = json_string_value(json_object_get(json_array_get(data, i), "eventType"));

        if (t != NULL && strcmp(t, type) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static void get_status(gwt_resp *r, const char *prefix, const char *key)
{
    gwt_call c;
    char enc[1024];

    gwt_encode(enc, key);
    gwt_call_init(&c, "GET", "%s/%s", prefix, enc);
    gwt_tokens(&c.auth, &c.sig, FSE_JWT_OP_STATUS, NULL, NULL);
    fse_free(c.sig);
    c.sig = NULL;
    gwt_send(&g.node, &c, r);
    gwt_call_free(&c);
}

void gwt_test_status_events(void **state)
{
    gwt_doc d;
    gwt_resp r;
    char *wii;
    char *trace;
    const json_t *data;
    int hook_calls;
    size_t i;

    (void)state;
    wait_idle(&g.node);
    pthread_mutex_lock(&g.hook.lock);
    hook_calls = g.hook.calls;
    pthread_mutex_unlock(&g.hook.lock);
    gwt_doc_new(&d);
    fse_free(gwt_validate(&g.node, &d));
    send_create(&g.node, &d, &r);
    gwt_expect(&r, 202, NULL, "publication");
    wii = fse_strdup(gwt_str(&r, "workflowInstanceId"));
    trace = fse_strdup(gwt_str(&r, "traceID"));
    gwt_resp_free(&r);
    assert_true(gwt_wait_event(&g.node, wii, "SEND_TO_EDS", 5000));
    assert_true(gwt_wait_event(&g.node, wii, "SEND_TO_INI", 5000));
    wait_idle(&g.node);

    /* The FHIR hook got the stored CDA of this document. */
    pthread_mutex_lock(&g.hook.lock);
    assert_int_equal(g.hook.calls, hook_calls + 1);
    assert_int_equal(g.hook.last_op, FSE_GATEWAY_FHIR_CREATE);
    assert_int_equal(g.hook.last_cda_len, d.cda_len);
    assert_string_equal(g.hook.last_unique_id, d.meta.identificativo_doc);
    pthread_mutex_unlock(&g.hook.lock);

    /* By workflowInstanceId: the whole workflow, in order (§5). */
    get_status(&r, "/v1/status", wii);
    gwt_expect(&r, 200, NULL, "status by wii");
    data = json_object_get(r.json, "transactionData");
    assert_int_equal(json_array_size(data), 5);
    assert_int_equal(index_of(data, "VALIDATION"), 0);
    assert_int_equal(index_of(data, "PUBLICATION"), 1);
    assert_true(index_of(data, "INI_CREATE_SOAP") > 1);
    assert_true(index_of(data, "SEND_TO_INI") > index_of(data, "INI_CREATE_SOAP"));
    assert_true(index_of(data, "SEND_TO_EDS") > 1);
    for (i = 1; i < json_array_size(data); i++) {
        const char *a =
            json_string_value(json_object_get(json_array_get(data, i - 1), "eventDate"));
        const char *b = json_string_value(json_object_get(json_array_get(data, i), "eventDate"));

        assert_true(strcmp(a, b) <= 0);
    }
    for (i = 0; i < json_array_size(data); i++) {
        const json_t *e = json_array_get(data, i);

        assert_string_equal(json_string_value(json_object_get(e, "workflowInstanceId")), wii);
        assert_string_equal(json_string_value(json_object_get(e, "eventStatus")), "SUCCESS");
        assert_string_equal(json_string_value(json_object_get(e, "identificativoDocumento")),
                            d.meta.identificativo_doc);
        assert_string_equal(json_string_value(json_object_get(e, "issuer")),
                            "integrity:S1#120#TESTVENDOR");
    }
    /* The XDS DocumentEntry the node sends to INI (§6.2). */
    {
        const char *msg = json_string_value(json_object_get(
            json_array_get(data, (size_t)index_of(data, "INI_CREATE_SOAP")), "message"));
        json_t *xds;
        const json_t *entry;

        assert_non_null(msg);
        assert_true(strncmp(msg, "XDS_REQUEST:", 12) == 0);
        xds = json_loads(msg + 12, 0, NULL);
        assert_non_null(xds);
        entry = json_object_get(xds, "documentEntry");
        assert_string_equal(json_string_value(json_object_get(entry, "uniqueId")),
                            d.meta.identificativo_doc);
        assert_string_equal(json_string_value(json_object_get(entry, "typeCode")), "11502-2");
        assert_string_equal(json_string_value(json_object_get(entry, "mimeType")),
                            "application/pdf+text/x-cda-r2+xml");
        assert_int_equal(json_integer_value(json_object_get(entry, "size")), (json_int_t)d.pdf_len);
        assert_int_equal(strlen(json_string_value(json_object_get(entry, "hash"))), 40);
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(xds, "submissionSet"), "sourceId")),
            "2.16.840.1.113883.2.9.2.120");
        json_decref(xds);
    }
    gwt_resp_free(&r);

    /* By traceId: the publication request and the steps it started. */
    get_status(&r, "/v1/status/search", trace);
    gwt_expect(&r, 200, NULL, "status by traceId");
    data = json_object_get(r.json, "transactionData");
    assert_int_equal(index_of(data, "VALIDATION"), -1);
    assert_int_equal(index_of(data, "PUBLICATION"), 0);
    assert_true(index_of(data, "SEND_TO_INI") > 0);
    assert_true(index_of(data, "SEND_TO_EDS") > 0);
    gwt_resp_free(&r);
    fse_free(wii);
    fse_free(trace);
    gwt_doc_free(&d);
}

/* ---- Outbox retries ----------------------------------------------------- */

static bool has_event(const gwt_node *n, const char *wii, const char *type, const char *status)
{
    fse_store_event_list *l = NULL;
    bool found = false;
    size_t i;

    assert_int_equal(fse_store_event_query(&l, n->store, FSE_STORE_EVENT_BY_WII, wii), FSE_OK);
    for (i = 0; i < l->n_events; i++) {
        if (strcmp(l->events[i].event_type, type) == 0 &&
            strcmp(l->events[i].event_status, status) == 0) {
            found = true;
        }
    }
    fse_store_event_list_free(l);
    return found;
}

static bool wait_status(const gwt_node *n, const char *wii, const char *type, const char *status)
{
    int waited;

    for (waited = 0; waited < 5000; waited += 20) {
        if (has_event(n, wii, type, status)) {
            return true;
        }
        usleep(20000);
    }
    return false;
}

void gwt_test_outbox_retry(void **state)
{
    gwt_doc d;
    gwt_doc e;
    char *wii;
    size_t dead = 0;

    (void)state;
    wait_idle(&g.node);
    /* One failure: ASYNC_RETRY, then success once the back-off has passed. */
    pthread_mutex_lock(&g.hook.lock);
    g.hook.fail_next = 1;
    pthread_mutex_unlock(&g.hook.lock);
    gwt_doc_new(&d);
    wii = gwt_publish(&g.node, &d);
    assert_true(wait_status(&g.node, wii, "SEND_TO_EDS", "ASYNC_RETRY"));
    assert_false(has_event(&g.node, wii, "SEND_TO_EDS", "SUCCESS"));
    gwt_advance(1500);
    assert_true(wait_status(&g.node, wii, "SEND_TO_EDS", "SUCCESS"));
    fse_free(wii);
    wait_idle(&g.node);

    /* Always failing: dead letter after 3 attempts, BLOCKING_ERROR. */
    pthread_mutex_lock(&g.hook.lock);
    g.hook.fail_next = 3;
    pthread_mutex_unlock(&g.hook.lock);
    gwt_doc_new(&e);
    wii = gwt_publish(&g.node, &e);
    assert_true(wait_status(&g.node, wii, "SEND_TO_EDS", "ASYNC_RETRY"));
    gwt_advance(1500);
    usleep(300000);
    gwt_advance(2500);
    assert_true(wait_status(&g.node, wii, "SEND_TO_EDS", "BLOCKING_ERROR"));
    assert_true(has_event(&g.node, wii, "SEND_TO_INI", "SUCCESS"));
    assert_int_equal(fse_store_outbox_count(&dead, g.node.store, FSE_STORE_JOB_DEAD), FSE_OK);
    assert_int_equal(dead, 1);
    fse_free(wii);
    gwt_doc_free(&d);
    gwt_doc_free(&e);
}

/* ---- Callback push ------------------------------------------------------ */

void gwt_test_callback_push(void **state)
{
    gwt_doc d;
    gwt_call c;
    gwt_resp r;
    char *wii;
    int at;
    json_t *push;
    const json_t *events;

    (void)state;
    gwt_doc_new(&d);
    fse_free(gwt_validate(&g.node, &d));
    gwt_prepare_publish(&c, &d, FSE_JWT_OP_CREATE, "/v1/documents", NULL);
    snprintf(c.extra_header, sizeof(c.extra_header), "X-Callback-Url: http://127.0.0.1:%u/cb",
             (unsigned)g.listener.port);
    gwt_send(&g.node, &c, &r);
    gwt_expect(&r, 202, NULL, "publication with X-Callback-Url");
    wii = fse_strdup(gwt_str(&r, "workflowInstanceId"));
    gwt_resp_free(&r);
    gwt_call_free(&c);
    assert_true(gwt_wait_event(&g.node, wii, "SEND_TO_EDS", 5000));
    assert_true(gwt_wait_event(&g.node, wii, "SEND_TO_INI", 5000));

    /* The last push carries both steps, in chronological order. */
    for (at = -1; at < 0;) {
        int i = gwt_listener_wait(&g.listener, "SEND_TO_EDS", 5000);

        assert_true(i >= 0);
        pthread_mutex_lock(&g.listener.lock);
        for (i = 0; i < g.listener.n; i++) {
            if (strstr(g.listener.bodies[i], "SEND_TO_EDS") != NULL &&
                strstr(g.listener.bodies[i], "SEND_TO_INI") != NULL) {
                at = i;
            }
        }
        pthread_mutex_unlock(&g.listener.lock);
        if (at < 0) {
            usleep(50000);
        }
    }
    pthread_mutex_lock(&g.listener.lock);
    assert_string_equal(g.listener.paths[at], "/cb/v1/workflow/status");
    push = json_loads(g.listener.bodies[at], 0, NULL);
    pthread_mutex_unlock(&g.listener.lock);
    assert_non_null(push);
    assert_string_equal(json_string_value(json_object_get(push, "workflowInstanceId")), wii);
    events = json_object_get(push, "events");
    assert_true(json_array_size(events) >= 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(events, 0), "eventType")),
                        "VALIDATION");
    assert_string_equal(json_string_value(json_object_get(json_array_get(events, 1), "eventType")),
                        "PUBLICATION");
    assert_non_null(json_object_get(json_array_get(events, 0), "eventDate"));
    assert_non_null(json_object_get(json_array_get(events, 0), "eventStatus"));
    json_decref(push);
    fse_free(wii);
    gwt_doc_free(&d);
}

/* ---- PAdES -------------------------------------------------------------- */

void gwt_test_pades(void **state)
{
    gwt_node strict;
    gwt_doc d;
    gwt_doc s;
    gwt_call c;
    gwt_resp r;
    uint8_t *signed_pdf = NULL;
    size_t signed_len = 0;
    uint8_t *tampered;
    fse_jwt_cred *ts = NULL;
    fse_jwt_cert_opts ts_opts = {"S1#TS", 2048, GWT_T0_MS / 1000 - 86400,
                                 GWT_T0_MS / 1000 + 3650 * 86400LL};
    json_t *claims;

    (void)state;
    gwt_node_start(&strict, "gateway-pades", true, 0, false);

    /* Unsigned: validation is fine, publication is refused. */
    gwt_doc_new(&d);
    fse_free(gwt_validate(&strict, &d));
    send_create(&strict, &d, &r);
    gwt_expect(&r, 400, "/msg/sign-error", "unsigned PDF");
    assert_non_null(strstr(gwt_str(&r, "detail"), "non risulta firmato"));
    gwt_resp_free(&r);

    /* Signed (ByteRange over the whole file, CMS by the test signer). */
    gwt_doc_new(&s);
    assert_int_equal(
        gwt_sign_pdf(&signed_pdf, &signed_len, s.pdf, s.pdf_len, g.signer_cert, g.signer_key), 0);
    gwt_doc_set_pdf(&s, signed_pdf, signed_len);
    {
        json_t *body = gwt_body(&s, "VALIDATION");

        gwt_call_init(&c, "POST", "/v1/documents/validation");
        gwt_tokens(&c.auth, &c.sig, FSE_JWT_OP_VALIDATION, &s, NULL);
        c.with_file = true;
        c.file = s.pdf;
        c.file_len = s.pdf_len;
        gwt_call_body(&c, body);
        json_decref(body);
        gwt_send(&strict, &c, &r);
        gwt_expect(&r, 201, NULL, "validation of a signed PDF");
        assert_non_null(strstr(gwt_str(&r, "warning"), "[SIGN_WARN"));
        gwt_resp_free(&r);
        gwt_call_free(&c);
    }
    /* Tampered after signing: refused as an invalid signature. */
    tampered = fse_malloc(s.pdf_len);
    memcpy(tampered, s.pdf, s.pdf_len);
    tampered[12] ^= 0x01; /* inside the binary comment of line 2 */
    {
        gwt_doc t = s;

        t.pdf = tampered;
        assert_int_equal(fse_cda_sha256_hex(t.pdf_sha256, t.pdf, t.pdf_len), FSE_OK);
        send_create(&strict, &t, &r);
        gwt_expect(&r, 400, "/msg/sign-error", "tampered signed PDF");
        assert_non_null(strstr(gwt_str(&r, "detail"), "non risulta valida"));
        gwt_resp_free(&r);
    }
    fse_free(tampered);
    send_create(&strict, &s, &r);
    gwt_expect(&r, 202, NULL, "signed PDF");
    gwt_resp_free(&r);

    /* The Sistema TS issuer is exempt (gateway-api §3). */
    assert_int_equal(fse_jwt_testca_issue(&ts, g.ca, &ts_opts), FSE_OK);
    gwt_prepare_publish(&c, &d, FSE_JWT_OP_CREATE, "/v1/documents", NULL);
    claims = gwt_claims(FSE_JWT_OP_CREATE, &d, true);
    json_object_set_new(claims, "iss", json_string("integrity:S1#TS"));
    fse_free(c.sig);
    c.sig = gwt_sign(ts, claims);
    json_decref(claims);
    claims = gwt_claims(FSE_JWT_OP_CREATE, &d, false);
    json_object_set_new(claims, "iss", json_string("auth:S1#TS"));
    fse_free(c.auth);
    c.auth = gwt_sign(ts, claims);
    json_decref(claims);
    gwt_send(&strict, &c, &r);
    gwt_expect(&r, 202, NULL, "unsigned PDF from the Sistema TS issuer");
    gwt_resp_free(&r);
    gwt_call_free(&c);
    fse_jwt_cred_free(ts);

    gwt_audit_intact(&strict);
    gwt_node_stop(&strict);
    gwt_doc_free(&d);
    gwt_doc_free(&s);
}
