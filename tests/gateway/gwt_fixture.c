/*
 * tests/gateway/gwt_fixture.c - the fixture of the gateway suite: test PKI,
 * catalog, nodes (gateway + server + store in a temporary directory),
 * generated documents, tokens, the standard validate/publish calls, event
 * polling and audit lookups.
 */
#include "gwt.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fse/cda.h"
#include "fse/util.h"

gwt_fixture g;
_Atomic int64_t gwt_now_ms = GWT_T0_MS;

/* ---- Clock and hook ----------------------------------------------------- */

static int64_t clock_fn(void *ud)
{
    (void)ud;
    return atomic_load(&gwt_now_ms);
}

void gwt_advance(int64_t ms)
{
    atomic_fetch_add(&gwt_now_ms, ms);
}

static fse_err hook_fn(void *ud, const fse_gateway_fhir_job *job)
{
    gwt_hook *h = ud;
    fse_err rc = FSE_OK;

    pthread_mutex_lock(&h->lock);
    h->calls++;
    h->last_op = job->op;
    h->last_cda_len = job->cda_len;
    snprintf(h->last_unique_id, sizeof(h->last_unique_id), "%s",
             job->unique_id != NULL ? job->unique_id : "");
    if (h->fail_next > 0) {
        h->fail_next--;
        rc = fse_error_set(FSE_E_IO, "test", "FHIR converter unavailable");
    }
    pthread_mutex_unlock(&h->lock);
    return rc;
}

/* ---- Directories -------------------------------------------------------- */

static void make_dir(char *out, size_t cap, const char *name)
{
    char base[PATH_MAX];

    snprintf(base, sizeof(base), "%s/test-tmp", FSE_BUILD_DIR);
    if (mkdir(base, 0700) != 0 && errno != EEXIST) {
        fail_msg("mkdir %s: %s", base, strerror(errno));
    }
    snprintf(out, cap, "%s/%s-XXXXXX", base, name);
    assert_non_null(mkdtemp(out));
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL) {
        return;
    }
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        char p[PATH_MAX + 256];

        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
            unlink(p);
        }
    }
    closedir(d);
    rmdir(dir);
}

/* ---- Nodes -------------------------------------------------------------- */

void gwt_node_start(gwt_node *n, const char *name, bool pades, unsigned rate, bool worker)
{
    fse_gateway_opts go = FSE_GATEWAY_OPTS_INIT;
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_http_opts ho;
    const char *cas[1] = {g.ca_path};

    memset(n, 0, sizeof(*n));
    make_dir(n->dir, sizeof(n->dir), name);
    snprintf(n->db, sizeof(n->db), "%s/node.db", n->dir);
    snprintf(n->key, sizeof(n->key), "%s/master.key", n->dir);
    assert_int_equal(fse_store_keyfile_create(n->key), FSE_OK);
    go.catalog = g.catalog;
    go.store_path = n->db;
    go.master_key_path = n->key;
    go.outbox_max_attempts = 3;
    go.outbox_backoff_base_ms = 1000;
    go.outbox_backoff_max_ms = 4000;
    go.ca_files = cas;
    go.n_ca_files = 1;
    go.audience = GWT_AUD;
    go.pades_check_off = !pades;
    go.n_slots = 4;
    go.clock = clock_fn;
    go.fhir = hook_fn;
    go.fhir_ud = &g.hook;
    go.outbox_poll_ms = 50;
    go.callback_timeout_ms = 3000;
    if (fse_gateway_new(&n->gw, &go) != FSE_OK) {
        fail_msg("gateway: %s", fse_error_last()->message);
    }
    memset(&ho, 0, sizeof(ho));
    ho.threads = 4;
    ho.rate_limit_requests = rate;
    ho.rate_limit_window_s = 60;
    assert_int_equal(fse_http_server_new(&n->srv, &ho), FSE_OK);
    assert_int_equal(fse_gateway_routes(n->gw, n->srv), FSE_OK);
    assert_int_equal(fse_http_server_start(n->srv), FSE_OK);
    n->port = fse_http_server_port(n->srv);
    if (worker) {
        assert_int_equal(fse_gateway_worker_start(n->gw), FSE_OK);
    }
    so.path = n->db;
    so.master_key_path = n->key;
    assert_int_equal(fse_store_open(&n->store, &so), FSE_OK);
}

void gwt_node_stop(gwt_node *n)
{
    fse_gateway_worker_stop(n->gw);
    fse_http_server_free(n->srv);
    fse_gateway_free(n->gw);
    fse_store_free(n->store);
    remove_dir(n->dir);
    memset(n, 0, sizeof(*n));
}

/* ---- Set-up ------------------------------------------------------------- */

static fse_jwt_cred *issue(const fse_jwt_testca *ca, const char *cn)
{
    fse_jwt_cert_opts o = {cn, 2048, GWT_T0_MS / 1000 - 86400, GWT_T0_MS / 1000 + 3650 * 86400LL};
    fse_jwt_cred *cred = NULL;

    assert_int_equal(fse_jwt_testca_issue(&cred, ca, &o), FSE_OK);
    return cred;
}

int gwt_setup(void **state)
{
    fse_jwt_cert_opts ca_opts = {"FSE GATEWAY TEST CA", 2048, GWT_T0_MS / 1000 - 86400,
                                 GWT_T0_MS / 1000 + 3650 * 86400LL};
    fse_jwt_cert_opts other_opts = {"FSE ROGUE CA", 2048, GWT_T0_MS / 1000 - 86400,
                                    GWT_T0_MS / 1000 + 3650 * 86400LL};

    (void)state;
    memset(&g, 0, sizeof(g));
    pthread_mutex_init(&g.hook.lock, NULL);
    make_dir(g.dir, sizeof(g.dir), "gateway-pki");
    snprintf(g.ca_path, sizeof(g.ca_path), "%s/ca.pem", g.dir);
    snprintf(g.signer_cert, sizeof(g.signer_cert), "%s/signer.pem", g.dir);
    snprintf(g.signer_key, sizeof(g.signer_key), "%s/signer.key", g.dir);
    if (fse_jwt_testca_new(&g.ca, &ca_opts) != FSE_OK ||
        fse_jwt_testca_new(&g.other_ca, &other_opts) != FSE_OK ||
        fse_jwt_testca_write_pem(g.ca, g.ca_path) != FSE_OK) {
        return -1;
    }
    g.signer = issue(g.ca, "S1#120#TESTVENDOR");
    g.signer_130 = issue(g.ca, "S1#130#OTHERREGION");
    g.foreign = issue(g.other_ca, "S1#120#TESTVENDOR");
    if (fse_jwt_cred_write_pem(g.signer, g.signer_cert, g.signer_key) != FSE_OK) {
        return -1;
    }
    if (fse_catalog_load(&g.catalog, FSE_RULES_DIR, NULL) != FSE_OK) {
        fprintf(stderr, "catalog: %s\n", fse_error_last()->message);
        return -1;
    }
    gwt_listener_start(&g.listener);
    gwt_node_start(&g.node, "gateway", false, 0, true);
    return 0;
}

int gwt_teardown(void **state)
{
    (void)state;
    gwt_node_stop(&g.node);
    gwt_listener_stop(&g.listener);
    fse_catalog_free(g.catalog);
    fse_jwt_cred_free(g.signer);
    fse_jwt_cred_free(g.signer_130);
    fse_jwt_cred_free(g.foreign);
    fse_jwt_testca_free(g.ca);
    fse_jwt_testca_free(g.other_ca);
    remove_dir(g.dir);
    pthread_mutex_destroy(&g.hook.lock);
    return 0;
}

/* ---- Documents ---------------------------------------------------------- */

static void rebuild_pdf(gwt_doc *d)
{
    fse_free(d->pdf);
    d->pdf = NULL;
    assert_int_equal(fse_gen_pdf(&d->pdf, &d->pdf_len, &d->meta, d->cda, d->cda_len), FSE_OK);
    assert_int_equal(fse_cda_sha256_hex(d->pdf_sha256, d->pdf, d->pdf_len), FSE_OK);
}

void gwt_doc_new(gwt_doc *d)
{
    fse_gen_opts o = FSE_GEN_OPTS_INIT;

    memset(d, 0, sizeof(*d));
    o.doc_type = FSE_CDA_DOC_LAB;
    o.seed = 11;
    o.patient_pool_size = 1;
    if (fse_gen_document(&d->cda, &d->cda_len, &d->meta, &o, ++g.next_index) != FSE_OK) {
        fail_msg("gen: %s", fse_error_last()->message);
    }
    rebuild_pdf(d);
}

void gwt_doc_set_cda(gwt_doc *d, const char *cda)
{
    fse_free(d->cda);
    d->cda = (uint8_t *)fse_strdup(cda);
    assert_non_null(d->cda);
    d->cda_len = strlen(cda);
    rebuild_pdf(d);
}

void gwt_doc_set_pdf(gwt_doc *d, uint8_t *pdf, size_t len)
{
    if (pdf != d->pdf) {
        fse_free(d->pdf);
    }
    d->pdf = pdf;
    d->pdf_len = len;
    assert_int_equal(fse_cda_sha256_hex(d->pdf_sha256, d->pdf, d->pdf_len), FSE_OK);
}

void gwt_doc_free(gwt_doc *d)
{
    fse_free(d->cda);
    fse_free(d->pdf);
    memset(d, 0, sizeof(*d));
}

static void set_opt(json_t *o, const char *key, const char *value)
{
    if (value != NULL && value[0] != '\0') {
        json_object_set_new(o, key, json_string(value));
    }
}

json_t *gwt_body(const gwt_doc *d, const char *activity)
{
    const fse_gen_meta *m = &d->meta;
    json_t *o = json_object();
    json_t *atti = json_array();
    json_t *desc = json_array();
    size_t i;

    set_opt(o, "activity", activity);
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
    return o;
}

/* ---- Tokens ------------------------------------------------------------- */

static fse_jwt_pair_opts pair_opts(fse_jwt_op op, const gwt_doc *d, const char *patient_cf)
{
    fse_jwt_pair_opts o = FSE_JWT_PAIR_OPTS_INIT;

    o.op = op;
    o.audience = GWT_AUD;
    o.patient_cf = d != NULL ? d->meta.patient_cf : patient_cf;
    o.loinc = d != NULL ? d->meta.loinc : "11502-2";
    o.pdf_sha256 = d != NULL ? d->pdf_sha256 : NULL;
    o.sub_cf = GWT_USER_CF;
    o.iat = atomic_load(&gwt_now_ms) / 1000 - 10;
    o.validity = 3600;
    return o;
}

void gwt_tokens(char **auth, char **sig, fse_jwt_op op, const gwt_doc *d, const char *patient_cf)
{
    fse_jwt_pair_opts o = pair_opts(op, d, patient_cf != NULL ? patient_cf : GWT_USER_CF);

    *auth = NULL;
    *sig = NULL;
    if (fse_jwt_make_pair(auth, sig, g.signer, &o) != FSE_OK) {
        fail_msg("tokens: %s", fse_error_last()->message);
    }
}

json_t *gwt_claims(fse_jwt_op op, const gwt_doc *d, bool signature_token)
{
    fse_jwt_pair_opts o = pair_opts(op, d, GWT_USER_CF);
    char *auth = NULL;
    char *sig = NULL;
    json_t *obj;

    assert_int_equal(fse_jwt_pair_claims(&auth, &sig, g.signer, &o), FSE_OK);
    obj = json_loads(signature_token ? sig : auth, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(obj);
    fse_free(auth);
    fse_free(sig);
    return obj;
}

char *gwt_sign(const fse_jwt_cred *cred, const json_t *claims)
{
    char *text = json_dumps(claims, JSON_COMPACT);
    char *token = NULL;

    assert_non_null(text);
    assert_int_equal(fse_jwt_sign(&token, cred, FSE_JWT_ALG_RS256, text, strlen(text)), FSE_OK);
    free(text);
    return token;
}

/* ---- Standard calls ----------------------------------------------------- */

char *gwt_validate(const gwt_node *n, const gwt_doc *d)
{
    gwt_call c;
    gwt_resp r;
    json_t *body = gwt_body(d, "VALIDATION");
    char *wii;

    gwt_call_init(&c, "POST", "/v1/documents/validation");
    gwt_tokens(&c.auth, &c.sig, FSE_JWT_OP_VALIDATION, d, NULL);
    c.with_file = true;
    c.file = d->pdf;
    c.file_len = d->pdf_len;
    gwt_call_body(&c, body);
    json_decref(body);
    gwt_send(n, &c, &r);
    gwt_expect(&r, 201, NULL, "validation");
    assert_non_null(gwt_str(&r, "workflowInstanceId"));
    wii = fse_strdup(gwt_str(&r, "workflowInstanceId"));
    gwt_resp_free(&r);
    gwt_call_free(&c);
    return wii;
}

void gwt_prepare_publish(gwt_call *c, const gwt_doc *d, fse_jwt_op op, const char *path,
                         const char *path_id)
{
    json_t *body = gwt_body(d, NULL);
    char enc[1024] = "";

    if (path_id != NULL) {
        gwt_encode(enc, path_id);
    }
    gwt_call_init(c, op == FSE_JWT_OP_CREATE ? "POST" : "PUT", "%s%s%s", path,
                  path_id != NULL ? "/" : "", enc);
    gwt_tokens(&c->auth, &c->sig, op, d, NULL);
    c->with_file = true;
    c->file = d->pdf;
    c->file_len = d->pdf_len;
    gwt_call_body(c, body);
    json_decref(body);
}

char *gwt_publish(const gwt_node *n, const gwt_doc *d)
{
    char *vwii = gwt_validate(n, d);
    gwt_call c;
    gwt_resp r;
    char *wii;

    gwt_prepare_publish(&c, d, FSE_JWT_OP_CREATE, "/v1/documents", NULL);
    gwt_send(n, &c, &r);
    gwt_expect(&r, 202, NULL, "publication");
    /* The publication continues the validation's workflow (gateway-api §6). */
    assert_string_equal(gwt_str(&r, "workflowInstanceId"), vwii);
    wii = fse_strdup(gwt_str(&r, "workflowInstanceId"));
    gwt_resp_free(&r);
    gwt_call_free(&c);
    fse_free(vwii);
    return wii;
}

bool gwt_wait_event(const gwt_node *n, const char *wii, const char *type, int timeout_ms)
{
    int waited;

    for (waited = 0; waited <= timeout_ms; waited += 20) {
        fse_store_event_list *l = NULL;
        bool found = false;
        size_t i;

        assert_int_equal(fse_store_event_query(&l, n->store, FSE_STORE_EVENT_BY_WII, wii), FSE_OK);
        for (i = 0; i < l->n_events; i++) {
            if (strcmp(l->events[i].event_type, type) == 0 &&
                strcmp(l->events[i].event_status, "SUCCESS") == 0) {
                found = true;
            }
        }
        fse_store_event_list_free(l);
        if (found) {
            return true;
        }
        usleep(20000);
    }
    return false;
}

/* ---- Audit -------------------------------------------------------------- */

typedef struct audit_probe {
    const char *trace_id;
    bool found;
    int outcome;
    char action[64];
} audit_probe;

static fse_err probe_row(const fse_store_audit_row *row, void *ctx)
{
    audit_probe *p = ctx;

    if (row->trace_id != NULL && strcmp(row->trace_id, p->trace_id) == 0) {
        p->found = true;
        p->outcome = row->outcome;
        snprintf(p->action, sizeof(p->action), "%s", row->action != NULL ? row->action : "");
    }
    return FSE_OK;
}

bool gwt_audit_find(const gwt_node *n, const char *trace_id, int *outcome, char *action,
                    size_t action_len)
{
    audit_probe p;

    memset(&p, 0, sizeof(p));
    p.trace_id = trace_id;
    assert_int_equal(fse_store_audit_scan(n->store, NULL, probe_row, &p), FSE_OK);
    if (p.found) {
        if (outcome != NULL) {
            *outcome = p.outcome;
        }
        if (action != NULL) {
            snprintf(action, action_len, "%s", p.action);
        }
    }
    return p.found;
}

void gwt_audit_intact(const gwt_node *n)
{
    fse_audit_report rep;

    assert_int_equal(fse_audit_verify(&rep, n->store), FSE_OK);
    if (!rep.intact) {
        fail_msg("audit chain: defect %d at %lld: %s", (int)rep.defect,
                 (long long)rep.first_bad_seq, rep.detail);
    }
    assert_true(rep.macs_checked);
    assert_true(rep.n_records > 0);
}
