/*
 * tests/policy/pt_accept.c - two acceptance cases of consultation:
 *  - consent revoked: the next request of a third party is denied, given
 *    again: visible again; every act and every allowed or denied read is
 *    in the patient's access log, and the audit chain verifies;
 *  - a document carrying a maggior tutela category, published through
 *    the gateway, is hidden on arrival: from searches, reads and the
 *    derived views of the regional clinical store ($summary, resource
 *    searches), until the patient releases it.
 * Expected answers come from docs/policy.md and docs/consult.md.
 */
#include "pt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/audit.h"
#include "fse/cda.h"
#include "fse/gen.h"
#include "fse/util.h"

/* ---- Helpers ------------------------------------------------------------ */

static void expect(const pt_resp *r, int status, const char *what)
{
    if (r->status != status) {
        fail_msg("%s: HTTP %d, expected %d: %.*s", what, r->status, status,
                 (int)(r->raw.body_len > 600 ? 600 : r->raw.body_len),
                 r->raw.body != NULL ? (const char *)r->raw.body : "");
    }
}

static void expect_2xx(const pt_resp *r, const char *what)
{
    if (r->status < 200 || r->status > 299) {
        fail_msg("%s: HTTP %d: %.*s", what, r->status, (int)r->raw.body_len,
                 r->raw.body != NULL ? (const char *)r->raw.body : "");
    }
}

/* Search total for who (-1 when not 200). */
static long long search_total(pt_conn *k, const pt_who *who)
{
    char path[160];
    pt_resp r;
    long long total = -1;

    snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s", who->patient);
    pt_call(k, &r, "GET", path, who, NULL);
    if (r.status == 200 && json_is_integer(json_object_get(r.json, "total"))) {
        total = json_integer_value(json_object_get(r.json, "total"));
    }
    pt_resp_free(&r);
    return total;
}

/* GET path with who's tokens: the status, and the normalised answer in
 * *norm (caller frees) when norm is given. */
static int get_norm(pt_conn *k, const pt_who *who, const char *path, const char *id, char **norm)
{
    pt_resp r;
    int status;

    pt_call(k, &r, "GET", path, who, NULL);
    status = r.status;
    if (norm != NULL) {
        *norm = pt_normalise(&r, id);
    }
    pt_resp_free(&r);
    return status;
}

static void consent_put(pt_conn *k, const char *cf, bool given)
{
    pt_who self = {cf, "ASS", "PERSONAL", cf, NULL};
    char path[128];
    pt_resp r;

    snprintf(path, sizeof(path), "/citizen/v1/patients/%s/consents/cura", cf);
    pt_call(k, &r, "PUT", path, &self,
            given ? "{\"given\":true,\"channel\":\"app\"}"
                  : "{\"given\":false,\"channel\":\"app\"}");
    expect_2xx(&r, given ? "consent given" : "consent revoked");
    pt_resp_free(&r);
}

/* ---- Acceptance 2: consent revoked, given again ------------------------ */

/* One access-log entry matched by what it must say. */
typedef struct log_want {
    const char *action;
    const char *actor;
    const char *role;
    const char *purpose;
    const char *outcome;  /* "success" or anything else for a denial */
    const char *document; /* a node id or uniqueId, or NULL */
    const char *what;
} log_want;

static bool entry_matches(json_t *e, const log_want *w, const char *doc_unique)
{
    const char *action = json_string_value(json_object_get(e, "action"));
    const char *role = json_string_value(json_object_get(e, "role"));
    const char *outcome = json_string_value(json_object_get(e, "outcome"));
    const char *doc = json_string_value(json_object_get(e, "document"));
    const char *actor = json_string_value(json_object_get(e, "actor"));
    const char *purpose = json_string_value(json_object_get(e, "purpose"));
    bool success = outcome != NULL && strcmp(outcome, "success") == 0;

    if (action == NULL || strcmp(action, w->action) != 0 || role == NULL ||
        strcmp(role, w->role) != 0 || success != (strcmp(w->outcome, "success") == 0) ||
        actor == NULL || strstr(actor, w->actor) == NULL || purpose == NULL ||
        strcmp(purpose, w->purpose) != 0 || json_string_value(json_object_get(e, "time")) == NULL) {
        return false;
    }
    return w->document == NULL ||
           (doc != NULL && (strcmp(doc, w->document) == 0 || strcmp(doc, doc_unique) == 0));
}

/* The wanted entries appear in this order in the log. */
static void check_log(json_t *entries, const log_want *want, size_t n_want, const char *doc_unique)
{
    size_t i = 0;
    size_t w = 0;

    for (i = 0; i < json_array_size(entries) && w < n_want; i++) {
        if (entry_matches(json_array_get(entries, i), &want[w], doc_unique)) {
            w++;
        }
    }
    if (w < n_want) {
        char *text = json_dumps(entries, JSON_INDENT(1));

        fail_msg("access log: no entry for \"%s\" (action %s, actor %s, role %s, purpose %s, "
                 "outcome %s) in order; log:\n%s",
                 want[w].what, want[w].action, want[w].actor, want[w].role, want[w].purpose,
                 want[w].outcome, text);
    }
}

/* The patient's notifications: their number, and whether one of kind
 * exists; no text names the document. */
static size_t notes(pt_conn *k, const char *cf, const char *kind, bool *has_kind,
                    const char *const *secrets)
{
    pt_who self = {cf, "ASS", "PERSONAL", cf, NULL};
    char path[128];
    pt_resp r;
    json_t *items;
    size_t n, i, j;

    snprintf(path, sizeof(path), "/citizen/v1/patients/%s/notifications", cf);
    pt_call(k, &r, "GET", path, &self, NULL);
    expect(&r, 200, "notifications");
    items = json_object_get(r.json, "items");
    n = json_array_size(items);
    *has_kind = false;
    for (i = 0; i < n; i++) {
        const char *k_i = json_string_value(json_object_get(json_array_get(items, i), "kind"));
        const char *text = json_string_value(json_object_get(json_array_get(items, i), "text"));

        *has_kind = *has_kind || (k_i != NULL && strcmp(k_i, kind) == 0);
        for (j = 0; secrets[j] != NULL; j++) {
            if (text != NULL && strstr(text, secrets[j]) != NULL) {
                fail_msg("notification \"%s\" names the document (%s)", text, secrets[j]);
            }
        }
    }
    pt_resp_free(&r);
    return n;
}

/* "A read by anyone but the patient, and every emergency grant, adds a
 * notification for the patient (on by default; it names the kind of
 * access, never the document or its content)." */
static void notifications(pt_conn *k, const char *cf, const char *gp, const char *lab,
                          const char *lab_unique)
{
    const char *const secrets[] = {lab, lab_unique, "11502-2", "Documento di prova", NULL};
    pt_who gpw = {gp, "APR", "TREATMENT", cf, pt_locality(3)};
    pt_who self = {cf, "ASS", "PERSONAL", cf, NULL};
    char er[17];
    pt_who doctor = {er, "AAS", "EMERGENCY", cf, pt_locality(3)};
    char read_lab[128], path[128], body[160];
    bool has = false;
    size_t before, after;
    pt_resp r;

    pt_cf(er, 5003, 75, 5, 5);
    snprintf(read_lab, sizeof(read_lab), "/fhir/DocumentReference/%s", lab);
    before = notes(k, cf, "ACCESS", &has, secrets);
    assert_true(has);
    /* The patient's own reads notify nobody. */
    assert_int_equal(get_norm(k, &self, read_lab, lab, NULL), 200);
    assert_int_equal(notes(k, cf, "ACCESS", &has, secrets), before);
    /* An emergency grant does. */
    snprintf(body, sizeof(body),
             "{\"patient\":\"%s\",\"reason\":\"Paziente incosciente in pronto soccorso\"}", cf);
    pt_call(k, &r, "POST", "/consult/v1/emergency-access", &doctor, body);
    expect(&r, 201, "emergency access");
    pt_resp_free(&r);
    after = notes(k, cf, "EMERGENCY", &has, secrets);
    assert_true(has);
    assert_true(after > before);
    /* Off: a read adds nothing; on again: it does. */
    snprintf(path, sizeof(path), "/citizen/v1/patients/%s/notifications", cf);
    pt_call(k, &r, "PUT", path, &self, "{\"enabled\":false,\"channel\":\"app\"}");
    expect_2xx(&r, "notifications off");
    pt_resp_free(&r);
    before = notes(k, cf, "ACCESS", &has, secrets);
    assert_int_equal(get_norm(k, &gpw, read_lab, lab, NULL), 200);
    assert_int_equal(notes(k, cf, "ACCESS", &has, secrets), before);
    pt_call(k, &r, "PUT", path, &self, "{\"enabled\":true,\"channel\":\"both\"}");
    expect_2xx(&r, "notifications on");
    pt_resp_free(&r);
    assert_int_equal(get_norm(k, &gpw, read_lab, lab, NULL), 200);
    assert_int_equal(notes(k, cf, "ACCESS", &has, secrets), before + 1);
}

void pt_test_consent_revocation(void **state)
{
    pt_node n;
    pt_conn k;
    char cf[17], gp[17], admin[17];
    char lab[FSE_STORE_ID_LEN], pss[FSE_STORE_ID_LEN], unknown[33];
    char path[256], body[256];
    char *norm_unknown = NULL;
    char *norm_denied = NULL;
    pt_resp r;
    fse_audit_report report;
    const char *lab_unique = "2.16.840.1.113883.2.9.2.120.4.4^CONSENT.LAB";

    (void)state;
    pt_clock_set(PT_T0_MS + 10 * PT_DAY_MS);
    pt_node_start(&n, "policy-consent", false);
    pt_conn_init(&k, n.port);
    pt_cf(cf, 5000, 80, 5, 10);
    pt_cf(gp, 5001, 60, 2, 2);
    pt_cf(admin, 5002, 70, 1, 1);
    {
        pt_who adm = {admin, "OAM", "ADMINISTRATIVE", cf, NULL};

        snprintf(path, sizeof(path), "/admin/v1/patients/%s", cf);
        snprintf(body, sizeof(body),
                 "{\"birth_date\":\"1980-05-10\",\"region\":\"120\",\"gp\":\"%s\","
                 "\"gp_from\":\"2020-01-01\"}",
                 gp);
        pt_call(&k, &r, "PUT", path, &adm, body);
        expect_2xx(&r, "registry PUT");
        pt_resp_free(&r);
    }
    pt_put_doc(n.store, cf, "11502-2", lab_unique, pt_locality(PT_FAC_Q), 0, lab);
    pt_put_doc(n.store, cf, PT_LOINC_PSS, "2.16.840.1.113883.2.9.2.120.4.4^CONSENT.PSS",
               pt_locality(PT_FAC_Q), 0, pss);
    pt_unknown_id(unknown, 77);
    consent_put(&k, cf, true);
    {
        pt_who gpw = {gp, "APR", "TREATMENT", cf, pt_locality(3)};
        char read_lab[128], read_unknown[128], bin_lab[128];

        snprintf(read_lab, sizeof(read_lab), "/fhir/DocumentReference/%s", lab);
        snprintf(read_unknown, sizeof(read_unknown), "/fhir/DocumentReference/%s", unknown);
        snprintf(bin_lab, sizeof(bin_lab), "/fhir/Binary/%s", lab);
        /* With the consent the GP reads the record. */
        assert_int_equal(search_total(&k, &gpw), 2);
        assert_int_equal(get_norm(&k, &gpw, read_lab, lab, NULL), 200);
        /* Revoked: the very next request is denied, as for a missing id. */
        consent_put(&k, cf, false);
        assert_int_equal(get_norm(&k, &gpw, read_lab, lab, &norm_denied), 404);
        assert_int_equal(get_norm(&k, &gpw, read_unknown, unknown, &norm_unknown), 404);
        assert_string_equal(norm_denied, norm_unknown);
        assert_int_equal(get_norm(&k, &gpw, bin_lab, lab, NULL), 404);
        assert_int_equal(search_total(&k, &gpw), 0);
        /* Given again: visible again at once. */
        consent_put(&k, cf, true);
        assert_int_equal(get_norm(&k, &gpw, read_lab, lab, NULL), 200);
        assert_int_equal(get_norm(&k, &gpw, bin_lab, lab, NULL), 200);
        assert_int_equal(search_total(&k, &gpw), 2);
    }
    free(norm_denied);
    free(norm_unknown);
    /* The patient's access log holds each act and each read, in order. */
    {
        pt_who self = {cf, "ASS", "PERSONAL", cf, NULL};
        const log_want want[] = {
            {"CONSENT", cf, "ASS", "PERSONAL", "success", NULL, "consent given"},
            {"SEARCH", gp, "APR", "TREATMENT", "success", NULL, "GP search with the consent"},
            {"READ", gp, "APR", "TREATMENT", "success", lab, "GP read with the consent"},
            {"CONSENT", cf, "ASS", "PERSONAL", "success", NULL, "consent revoked"},
            {"READ", gp, "APR", "TREATMENT", "refused", lab, "GP read denied after revoking"},
            {"BINARY", gp, "APR", "TREATMENT", "refused", lab, "GP download denied after revoking"},
            {"SEARCH", gp, "APR", "TREATMENT", "success", NULL, "GP search after revoking"},
            {"CONSENT", cf, "ASS", "PERSONAL", "success", NULL, "consent given again"},
            {"READ", gp, "APR", "TREATMENT", "success", lab, "GP read with the consent again"},
            {"BINARY", gp, "APR", "TREATMENT", "success", lab, "GP download, consent again"},
        };

        snprintf(path, sizeof(path), "/citizen/v1/patients/%s/access-log?limit=1000", cf);
        pt_call(&k, &r, "GET", path, &self, NULL);
        expect(&r, 200, "access log");
        assert_non_null(r.json);
        check_log(json_object_get(r.json, "entries"), want, sizeof(want) / sizeof(want[0]),
                  lab_unique);
        pt_resp_free(&r);
    }
    notifications(&k, cf, gp, lab, lab_unique);
    /* The chain verifies. */
    memset(&report, 0, sizeof(report));
    assert_int_equal(fse_audit_verify(&report, n.store), FSE_OK);
    assert_true(report.intact);
    pt_conn_close(&k);
    pt_node_stop(&n);
}

/* ---- Acceptance 3: maggior tutela hidden on arrival -------------------- */

static void set_opt(json_t *o, const char *key, const char *value)
{
    if (value != NULL && value[0] != '\0') {
        json_object_set_new(o, key, json_string(value));
    }
}

/* The gateway's requestBody for a generated document (gateway-api §2). */
static char *request_body(const fse_gen_meta *m)
{
    json_t *o = json_object();
    json_t *atti = json_array();
    json_t *desc = json_array();
    char *text;
    size_t i;

    set_opt(o, "healthDataFormat", "CDA");
    set_opt(o, "mode", "ATTACHMENT");
    set_opt(o, "tipologiaStruttura", m->tipologia_struttura);
    for (i = 0; i < m->n_atti_clinici; i++) {
        json_array_append_new(atti, json_string(m->atti_clinici[i]));
    }
    json_object_set_new(o, "attiCliniciRegoleAccesso", atti);
    set_opt(o, "identificativoDoc", m->identificativo_doc);
    set_opt(o, "identificativoRep", m->identificativo_rep);
    set_opt(o, "tipoDocumentoLivAlto", m->tipo_documento_liv_alto);
    set_opt(o, "assettoOrganizzativo", m->assetto_organizzativo);
    set_opt(o, "dataInizioPrestazione", m->data_inizio_prestazione);
    set_opt(o, "dataFinePrestazione", m->data_fine_prestazione);
    set_opt(o, "tipoAttivitaClinica", m->tipo_attivita_clinica);
    set_opt(o, "identificativoSottomissione", m->identificativo_sottomissione);
    for (i = 0; i < m->n_descriptions; i++) {
        json_array_append_new(desc, json_string(m->descriptions[i]));
    }
    json_object_set_new(o, "descriptions", desc);
    text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    assert_non_null(text);
    return text;
}

#define BOUNDARY "ptBoundary5c1e"

/* POST /v1/documents/validate-and-create of pdf (multipart: file and
 * requestBody, one connection); the HTTP status. */
static int publish(uint16_t port, const fse_gen_meta *m, const uint8_t *pdf, size_t pdf_len,
                   const char *sub)
{
    fse_jwt_pair_opts o = FSE_JWT_PAIR_OPTS_INIT;
    char *auth = NULL;
    char *sig = NULL;
    char *json = request_body(m);
    fse_buf body;
    fse_buf req;
    tc_response raw;
    int status;

    o.op = FSE_JWT_OP_CREATE;
    o.audience = PT_AUD;
    o.patient_cf = m->patient_cf;
    o.loinc = m->loinc;
    o.pdf_sha256 = m->pdf_sha256;
    o.sub_cf = sub;
    o.iat = atomic_load(&pt_now_ms) / 1000 - 10;
    o.validity = 3600;
    assert_int_equal(fse_jwt_make_pair(&auth, &sig, pt.signer, &o), FSE_OK);
    fse_buf_init(&body, 16u << 20);
    assert_int_equal(fse_buf_printf(&body, "--" BOUNDARY "\r\nContent-Disposition: form-data; "
                                           "name=\"file\"; filename=\"doc.pdf\"\r\nContent-Type: "
                                           "application/pdf\r\n\r\n"),
                     FSE_OK);
    assert_int_equal(fse_buf_append(&body, pdf, pdf_len), FSE_OK);
    assert_int_equal(fse_buf_printf(&body,
                                    "\r\n--" BOUNDARY "\r\nContent-Disposition: form-data; "
                                    "name=\"requestBody\"\r\nContent-Type: application/json"
                                    "\r\n\r\n%s\r\n--" BOUNDARY "--\r\n",
                                    json),
                     FSE_OK);
    fse_buf_init(&req, 32u << 20);
    assert_int_equal(fse_buf_printf(&req,
                                    "POST /v1/documents/validate-and-create HTTP/1.1\r\n"
                                    "Host: 127.0.0.1\r\nConnection: close\r\n"
                                    "Accept: application/json\r\nAuthorization: Bearer %s\r\n"
                                    "FSE-JWT-Signature: %s\r\nContent-Type: multipart/form-data; "
                                    "boundary=" BOUNDARY "\r\nContent-Length: %zu\r\n\r\n",
                                    auth, sig, body.len),
                     FSE_OK);
    assert_int_equal(fse_buf_append(&req, body.data, body.len), FSE_OK);
    assert_true(tc_request_len(port, req.data, req.len, &raw));
    status = raw.status;
    if (status != 201 && status != 202) {
        print_error("publication answered %d: %.*s\n", status, (int)raw.body_len,
                    raw.body != NULL ? (const char *)raw.body : "");
    }
    tc_response_free(&raw);
    fse_buf_free(&req);
    fse_buf_free(&body);
    free(json);
    fse_free(auth);
    fse_free(sig);
    return status;
}

/* Generated LAB document number index, with the first occurrence of
 * `from` replaced by `to` (from NULL: as generated). */
static void lab_document(uint8_t **cda, size_t *cda_len, fse_gen_meta *m, uint64_t index,
                         const char *from, const char *to)
{
    fse_gen_opts o = FSE_GEN_OPTS_INIT;
    char *text;
    char *at;
    fse_buf b;

    o.doc_type = FSE_CDA_DOC_LAB;
    o.seed = 5;
    o.patient_pool_size = 1;
    assert_int_equal(fse_gen_document(cda, cda_len, m, &o, index), FSE_OK);
    if (from == NULL) {
        return;
    }
    text = fse_strndup((const char *)*cda, *cda_len);
    assert_non_null(text);
    at = strstr(text, from);
    if (at == NULL) {
        fail_msg("generated LAB document %llu has no \"%s\" to edit", (unsigned long long)index,
                 from);
    }
    fse_buf_init(&b, 16u << 20);
    assert_int_equal(fse_buf_append(&b, text, (size_t)(at - text)), FSE_OK);
    assert_int_equal(fse_buf_printf(&b, "%s%s", to, at + strlen(from)), FSE_OK);
    fse_free(*cda);
    fse_free(text);
    *cda = (uint8_t *)fse_buf_steal(&b, cda_len);
}

/* One published document of the case. */
typedef struct tutela_doc {
    fse_gen_meta m;
    fse_store_doc_meta *stored;
    bool tutela; /* carries a maggior tutela category */
    const char *what;
} tutela_doc;

/* Generate, publish through the gateway, read back what was stored. */
static void publish_lab(pt_node *n, tutela_doc *d, uint64_t index, const char *from, const char *to,
                        const char *sub)
{
    uint8_t *cda = NULL;
    uint8_t *pdf = NULL;
    size_t cda_len = 0;
    size_t pdf_len = 0;
    int status;

    lab_document(&cda, &cda_len, &d->m, index, from, to);
    assert_int_equal(fse_gen_pdf(&pdf, &pdf_len, &d->m, cda, cda_len), FSE_OK);
    status = publish(n->port, &d->m, pdf, pdf_len, sub);
    if (status != 201 && status != 202) {
        fail_msg("%s: publication answered %d", d->what, status);
    }
    assert_int_equal(fse_store_doc_get(&d->stored, n->store, d->m.identificativo_doc), FSE_OK);
    if (((d->stored->visibility & FSE_STORE_VIS_TUTELA) != 0) != d->tutela) {
        fail_msg("%s: stored with visibility 0x%x (docs/policy.md: tutela %s)", d->what,
                 d->stored->visibility, d->tutela ? "expected" : "not expected");
    }
    fse_free(cda);
    fse_free(pdf);
}

/* Whether who's search lists document id; *marked whether it is marked
 * as obscured. */
static bool search_has(pt_conn *k, const pt_who *who, const char *id, bool *marked)
{
    char path[160];
    pt_resp r;
    json_t *entries;
    bool found = false;
    size_t i, j;

    snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s", who->patient);
    pt_call(k, &r, "GET", path, who, NULL);
    expect(&r, 200, "search");
    entries = json_object_get(r.json, "entry");
    for (i = 0; i < json_array_size(entries); i++) {
        json_t *res = json_object_get(json_array_get(entries, i), "resource");
        const char *rid = json_string_value(json_object_get(res, "id"));
        json_t *tags = json_object_get(json_object_get(res, "meta"), "tag");

        if (rid == NULL || strcmp(rid, id) != 0) {
            continue;
        }
        found = true;
        *marked = false;
        for (j = 0; j < json_array_size(tags); j++) {
            const char *code = json_string_value(json_object_get(json_array_get(tags, j), "code"));

            *marked = *marked || (code != NULL && strcmp(code, "oscurato") == 0);
        }
    }
    pt_resp_free(&r);
    return found;
}

/* Run the outbox (INI and the regional store's FHIR hook) until empty. */
static void drain_outbox(pt_node *n)
{
    size_t ran = 0;
    int rounds;

    for (rounds = 0; rounds < 20; rounds++) {
        assert_int_equal(fse_gateway_outbox_run(n->gw, 100, &ran), FSE_OK);
        if (ran == 0) {
            return;
        }
    }
    fail_msg("the outbox did not drain");
}

/* The resources of a derived view: each one's text, checked for the
 * hidden documents' ids (as meta.source) and the HIV test code; whether a
 * resource of a tutela document is tagged oscurato. */
static void view_check(json_t *bundle, const char *what, const tutela_doc *docs, bool patient,
                       bool *saw_hiv, bool *saw_hidden)
{
    json_t *entries = json_object_get(bundle, "entry");
    size_t i, d;

    for (i = 0; i < json_array_size(entries); i++) {
        json_t *res = json_object_get(json_array_get(entries, i), "resource");
        const char *source =
            json_string_value(json_object_get(json_object_get(res, "meta"), "source"));
        char *text = json_dumps(res, JSON_COMPACT);

        assert_non_null(text);
        *saw_hiv = *saw_hiv || strstr(text, "5220-9") != NULL;
        for (d = 0; d < 3; d++) {
            bool from_d = source != NULL && strstr(source, docs[d].stored->doc_id) != NULL;

            if (!docs[d].tutela || !from_d) {
                continue;
            }
            *saw_hidden = true;
            if (!patient) {
                fail_msg("%s: a resource of the hidden %s reaches the view: %.400s", what,
                         docs[d].what, text);
            }
            if (strstr(text, "oscurato") == NULL) {
                fail_msg("%s: a resource of the hidden %s is not tagged oscurato: %.400s", what,
                         docs[d].what, text);
            }
        }
        free(text);
    }
}

/* $summary and the Observation and DiagnosticReport searches of who. */
static void derived_views(pt_conn *k, const pt_who *who, const tutela_doc *docs, bool patient)
{
    static const char *const types[] = {"Observation", "DiagnosticReport"};
    char path[256];
    char pid[128];
    bool saw_hiv = false;
    bool saw_hidden = false;
    bool hiv_visible = patient || !docs[0].tutela;
    pt_resp r;
    size_t t;

    snprintf(path, sizeof(path), "/fhir/Patient?identifier=%s", who->patient);
    pt_call(k, &r, "GET", path, who, NULL);
    expect(&r, 200, "Patient search");
    snprintf(pid, sizeof(pid), "%s",
             json_string_value(json_object_get(
                 json_object_get(json_array_get(json_object_get(r.json, "entry"), 0), "resource"),
                 "id")));
    pt_resp_free(&r);
    snprintf(path, sizeof(path), "/fhir/Patient/%s/$summary", pid);
    pt_call(k, &r, "GET", path, who, NULL);
    expect(&r, 200, "$summary");
    view_check(r.json, "$summary", docs, patient, &saw_hiv, &saw_hidden);
    pt_resp_free(&r);
    for (t = 0; t < 2; t++) {
        snprintf(path, sizeof(path), "/fhir/%s?patient.identifier=%s&_count=500", types[t],
                 who->patient);
        pt_call(k, &r, "GET", path, who, NULL);
        expect(&r, 200, types[t]);
        view_check(r.json, types[t], docs, patient, &saw_hiv, &saw_hidden);
        pt_resp_free(&r);
    }
    if (saw_hiv != hiv_visible) {
        fail_msg("%s's derived views %s the HIV result (docs/policy.md: %s)", who->role,
                 saw_hiv ? "show" : "do not show", hiv_visible ? "shown" : "absent");
    }
    if (patient && !saw_hidden) {
        fail_msg("the patient's derived views hold nothing of the hidden documents");
    }
}

void pt_test_tutela_publication(void **state)
{
    pt_node n;
    pt_conn k;
    tutela_doc docs[3];
    char gp[17], admin[17], pub[17], unknown[33];
    char path[256], body[256];
    char *norm_unknown = NULL;
    bool marked = false;
    pt_resp r;
    size_t i;

    (void)state;
    if (pt.catalog == NULL && fse_catalog_load(&pt.catalog, FSE_RULES_DIR, NULL) != FSE_OK) {
        fail_msg("catalog: %s", fse_error_last()->message);
    }
    pt_clock_set(PT_T0_MS + 20 * PT_DAY_MS);
    pt_node_start(&n, "policy-tutela", true);
    pt_conn_init(&k, n.port);
    pt_cf(gp, 6001, 60, 2, 2);
    pt_cf(admin, 6002, 70, 1, 1);
    pt_cf(pub, 6003, 71, 7, 7);
    memset(docs, 0, sizeof(docs));
    docs[0].tutela = true;
    docs[0].what = "LAB with an HIV antibody test";
    docs[1].tutela = true;
    docs[1].what = "LAB with confidentialityCode V";
    docs[2].what = "LAB as generated";
    publish_lab(&n, &docs[0], 1,
                "code=\"3091-6\" codeSystem=\"2.16.840.1.113883.6.1\" "
                "codeSystemName=\"LOINC\" displayName=\"Urea\"",
                "code=\"5220-9\" codeSystem=\"2.16.840.1.113883.6.1\" "
                "codeSystemName=\"LOINC\" displayName=\"HIV 1 Ab\"",
                pub);
    publish_lab(&n, &docs[1], 2, "<confidentialityCode code=\"N\"",
                "<confidentialityCode code=\"V\"", pub);
    publish_lab(&n, &docs[2], 3, NULL, NULL, pub);
    drain_outbox(&n);
    {
        const char *cf = docs[0].m.patient_cf;
        pt_who adm = {admin, "OAM", "ADMINISTRATIVE", cf, NULL};
        pt_who gpw = {gp, "APR", "TREATMENT", cf, pt_locality(3)};
        pt_who self = {cf, "ASS", "PERSONAL", cf, NULL};

        for (i = 1; i < 3; i++) {
            assert_string_equal(docs[i].m.patient_cf, cf);
        }
        snprintf(path, sizeof(path), "/admin/v1/patients/%s", cf);
        snprintf(body, sizeof(body),
                 "{\"birth_date\":\"1970-01-01\",\"region\":\"120\",\"gp\":\"%s\","
                 "\"gp_from\":\"2020-01-01\"}",
                 gp);
        pt_call(&k, &r, "PUT", path, &adm, body);
        expect_2xx(&r, "registry PUT");
        pt_resp_free(&r);
        consent_put(&k, cf, true);
        pt_unknown_id(unknown, 99);
        snprintf(path, sizeof(path), "/fhir/DocumentReference/%s", unknown);
        assert_int_equal(get_norm(&k, &gpw, path, unknown, &norm_unknown), 404);
        /* The GP with the consent sees the ordinary document only; the
         * others answer exactly as documents that do not exist. */
        assert_int_equal(search_total(&k, &gpw), 1);
        assert_true(search_has(&k, &gpw, docs[2].stored->doc_id, &marked));
        for (i = 0; i < 2; i++) {
            char *norm = NULL;

            snprintf(path, sizeof(path), "/fhir/DocumentReference/%s", docs[i].stored->doc_id);
            assert_int_equal(get_norm(&k, &gpw, path, docs[i].stored->doc_id, &norm), 404);
            if (strcmp(norm, norm_unknown) != 0) {
                fail_msg("%s: the GP's 404 differs from an unknown id's:\n%s\n---\n%s",
                         docs[i].what, norm, norm_unknown);
            }
            free(norm);
            snprintf(path, sizeof(path), "/fhir/Binary/%s", docs[i].stored->doc_id);
            assert_int_equal(get_norm(&k, &gpw, path, docs[i].stored->doc_id, NULL), 404);
        }
        /* Nor do they feed any derived view of the GP's (docs/policy.md:
         * "absent ... from every derived view"); the patient's views hold
         * them, tagged. */
        derived_views(&k, &gpw, docs, false);
        derived_views(&k, &self, docs, true);
        /* The patient sees all three, the hidden ones marked. */
        assert_int_equal(search_total(&k, &self), 3);
        for (i = 0; i < 3; i++) {
            assert_true(search_has(&k, &self, docs[i].stored->doc_id, &marked));
            if (marked != docs[i].tutela) {
                fail_msg("%s: %s marked as obscured for the patient", docs[i].what,
                         marked ? "wrongly" : "not");
            }
        }
        /* Released by the patient: visible to the GP from the next request. */
        snprintf(path, sizeof(path), "/citizen/v1/patients/%s/documents/%s/visibility", cf,
                 docs[0].stored->doc_id);
        pt_call(&k, &r, "PUT", path, &self, "{\"tutela_released\":true}");
        expect_2xx(&r, "tutela released");
        pt_resp_free(&r);
        assert_int_equal(search_total(&k, &gpw), 2);
        snprintf(path, sizeof(path), "/fhir/DocumentReference/%s", docs[0].stored->doc_id);
        assert_int_equal(get_norm(&k, &gpw, path, docs[0].stored->doc_id, NULL), 200);
        assert_true(search_has(&k, &self, docs[0].stored->doc_id, &marked));
        assert_false(marked);
        /* The released document feeds the GP's views now; the other not. */
        docs[0].tutela = false;
        derived_views(&k, &gpw, docs, false);
    }
    free(norm_unknown);
    for (i = 0; i < 3; i++) {
        fse_store_doc_meta_free(docs[i].stored);
    }
    pt_conn_close(&k);
    pt_node_stop(&n);
}
