/*
 * tests/eds/eds_fixture.c - the fixture of the clinical store suites: test
 * PKI, the node (gateway + clinical store hook on one server and one store,
 * plus what a suite adds with et_extra_start), documents, the Gateway calls
 * that publish, replace and delete them, the outbox, and requests with
 * consultation token pairs.
 */
#include "et.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fse/cda.h"
#include "fse/util.h"
#include "http_client.h"

et_fixture et;
_Atomic int64_t et_now_ms = ET_T0_MS;
void (*et_extra_start)(et_node *n, const char *ca_path);
void (*et_extra_stop)(et_node *n);

#define BOUNDARY "etBoundary7d2f"
/* An OID no document type has: the converter has no mapping for it. */
#define UNMAPPED_TEMPLATE "1.3.6.1.4.1.99999.1"

int64_t et_clock(void *ud)
{
    (void)ud;
    return atomic_load(&et_now_ms);
}

/* ---- Directories -------------------------------------------------------- */

static void make_dir(char *out, size_t cap, const char *name)
{
    char base[PATH_MAX];
    struct stat st;

    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0) {
        snprintf(base, sizeof(base), "/dev/shm/fse-test-tmp");
    } else {
        snprintf(base, sizeof(base), "%s/test-tmp", FSE_BUILD_DIR);
    }
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

/* ---- The hook ----------------------------------------------------------- */

/* The jobs of et.break_unique_id get a CDA whose first templateId names no
 * mapped type: the conversion is refused as for a type without a mapping. */
static fse_err hook(void *ud, const fse_gateway_fhir_job *job)
{
    fse_gateway_fhir_job copy;
    const char *at;
    const char *end;
    fse_buf b;
    fse_err rc;

    (void)ud;
    if (et.break_unique_id[0] == '\0' || job->cda == NULL || job->unique_id == NULL ||
        strcmp(job->unique_id, et.break_unique_id) != 0) {
        return fse_eds_gateway_hook(et.node.eds, job);
    }
    at = strstr((const char *)job->cda, "<templateId root=\"");
    assert_non_null(at);
    at += strlen("<templateId root=\"");
    end = strchr(at, '"');
    assert_non_null(end);
    fse_buf_init(&b, 64u << 20);
    assert_int_equal(fse_buf_append(&b, job->cda, (size_t)(at - (const char *)job->cda)), FSE_OK);
    assert_int_equal(fse_buf_append_str(&b, UNMAPPED_TEMPLATE), FSE_OK);
    assert_int_equal(fse_buf_append_str(&b, end), FSE_OK);
    copy = *job;
    copy.cda = (const uint8_t *)b.data;
    copy.cda_len = b.len;
    rc = fse_eds_gateway_hook(et.node.eds, &copy);
    fse_buf_free(&b);
    return rc;
}

/* ---- The node ----------------------------------------------------------- */

static void node_start(et_node *n)
{
    fse_gateway_opts go = FSE_GATEWAY_OPTS_INIT;
    fse_eds_opts eo = FSE_EDS_OPTS_INIT;
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_http_opts ho;
    const char *cas[1] = {et.ca_path};

    memset(n, 0, sizeof(*n));
    make_dir(n->dir, sizeof(n->dir), "eds-node");
    snprintf(n->db, sizeof(n->db), "%s/node.db", n->dir);
    snprintf(n->key, sizeof(n->key), "%s/master.key", n->dir);
    assert_int_equal(fse_store_keyfile_create(n->key), FSE_OK);
    memset(&ho, 0, sizeof(ho));
    ho.threads = 4;
    ho.max_connections_per_ip = 64;
    assert_int_equal(fse_http_server_new(&n->srv, &ho), FSE_OK);

    eo.store_path = n->db;
    eo.master_key_path = n->key;
    eo.clock = et_clock;
    if (fse_eds_new(&n->eds, &eo) != FSE_OK) {
        fail_msg("eds: %s", fse_error_last()->message);
    }
    n->eds_opts = eo;

    go.catalog = et.catalog;
    go.store_path = n->db;
    go.master_key_path = n->key;
    go.ca_files = cas;
    go.n_ca_files = 1;
    go.audience = ET_AUD;
    go.pades_check_off = true;
    go.n_slots = 2;
    go.clock = et_clock;
    go.fhir = hook;
    go.outbox_backoff_base_ms = 1;
    go.outbox_backoff_max_ms = 1;
    if (fse_gateway_new(&n->gw, &go) != FSE_OK) {
        fail_msg("gateway: %s", fse_error_last()->message);
    }
    assert_int_equal(fse_gateway_routes(n->gw, n->srv), FSE_OK);

    if (et_extra_start != NULL) {
        et_extra_start(n, et.ca_path);
    }
    assert_int_equal(fse_http_server_start(n->srv), FSE_OK);
    n->port = fse_http_server_port(n->srv);
    so.path = n->db;
    so.master_key_path = n->key;
    so.busy_timeout_ms = 30000;
    assert_int_equal(fse_store_open(&n->store, &so), FSE_OK);
}

static void node_stop(et_node *n)
{
    fse_http_server_free(n->srv);
    if (et_extra_stop != NULL) {
        et_extra_stop(n);
    }
    fse_gateway_free(n->gw);
    fse_eds_free(n->eds);
    fse_store_free(n->store);
    remove_dir(n->dir);
    memset(n, 0, sizeof(*n));
}

int et_setup(void **state)
{
    fse_jwt_cert_opts ca_opts = {"FSE EDS TEST CA", 2048, ET_T0_MS / 1000 - 86400,
                                 ET_T0_MS / 1000 + 3650 * 86400LL};
    fse_jwt_cert_opts sig_opts = {"S1#120#TESTVENDOR", 2048, ET_T0_MS / 1000 - 86400,
                                  ET_T0_MS / 1000 + 3650 * 86400LL};

    (void)state;
    memset(&et, 0, sizeof(et));
    make_dir(et.dir, sizeof(et.dir), "eds-pki");
    snprintf(et.ca_path, sizeof(et.ca_path), "%s/ca.pem", et.dir);
    if (fse_jwt_testca_new(&et.ca, &ca_opts) != FSE_OK ||
        fse_jwt_testca_write_pem(et.ca, et.ca_path) != FSE_OK ||
        fse_jwt_testca_issue(&et.signer, et.ca, &sig_opts) != FSE_OK) {
        fprintf(stderr, "test PKI: %s\n", fse_error_last()->message);
        return -1;
    }
    if (fse_catalog_load(&et.catalog, FSE_RULES_DIR, NULL) != FSE_OK) {
        fprintf(stderr, "catalog: %s\n", fse_error_last()->message);
        return -1;
    }
    node_start(&et.node);
    return 0;
}

int et_teardown(void **state)
{
    (void)state;
    node_stop(&et.node);
    fse_catalog_free(et.catalog);
    fse_jwt_cred_free(et.signer);
    fse_jwt_testca_free(et.ca);
    remove_dir(et.dir);
    return 0;
}

/* ---- Codici fiscali ----------------------------------------------------- */

static char cf_check(const char *cf)
{
    static const int odd[36] = {1,  0, 5, 7,  9,  13, 15, 17, 19, 21, 1,  0,
                                5,  7, 9, 13, 15, 17, 19, 21, 2,  4,  18, 20,
                                11, 3, 6, 8,  12, 14, 16, 10, 22, 25, 24, 23};
    int sum = 0;
    int i;

    for (i = 0; i < 15; i++) {
        int ch = (unsigned char)cf[i];
        int k = isdigit(ch) ? ch - '0' : ch - 'A';

        sum += i % 2 == 0 ? (isdigit(ch) ? odd[k] : odd[10 + k]) : k;
    }
    return (char)('A' + sum % 26);
}

void et_cf(char out[17], unsigned i)
{
    unsigned v = i;
    int k;

    for (k = 5; k >= 0; k--) {
        out[k] = (char)('A' + v % 26);
        v /= 26;
    }
    snprintf(out + 6, 11, "%02dA%02dH501", 60 + (int)(i % 30), 1 + (int)(i % 28));
    out[15] = cf_check(out);
    out[16] = '\0';
    assert_true(fse_cf_check(out, NULL, 0));
}

/* ---- Documents ---------------------------------------------------------- */

/* Replace every occurrence of from in *text (len *len) by to. */
static void replace_all(uint8_t **text, size_t *len, const char *from, const char *to)
{
    const char *p = (const char *)*text;
    const char *hit;
    fse_buf b;

    fse_buf_init(&b, 64u << 20);
    while ((hit = strstr(p, from)) != NULL) {
        assert_int_equal(fse_buf_append(&b, p, (size_t)(hit - p)), FSE_OK);
        assert_int_equal(fse_buf_append_str(&b, to), FSE_OK);
        p = hit + strlen(from);
    }
    assert_int_equal(fse_buf_append_str(&b, p), FSE_OK);
    fse_free(*text);
    *text = (uint8_t *)fse_buf_steal(&b, len);
}

void et_doc_new(et_doc *d, fse_doc_type type, const char *patient_cf)
{
    fse_gen_opts o = FSE_GEN_OPTS_INIT;

    memset(d, 0, sizeof(*d));
    o.doc_type = type;
    o.seed = 23;
    o.patient_pool_size = 1;
    if (fse_gen_document(&d->cda, &d->cda_len, &d->meta, &o, ++et.next_index) != FSE_OK) {
        fail_msg("gen: %s", fse_error_last()->message);
    }
    if (patient_cf != NULL && strcmp(patient_cf, d->meta.patient_cf) != 0) {
        char old[17];

        memcpy(old, d->meta.patient_cf, sizeof(old));
        replace_all(&d->cda, &d->cda_len, old, patient_cf);
        snprintf(d->meta.patient_cf, sizeof(d->meta.patient_cf), "%s", patient_cf);
        snprintf(d->meta.person_id, sizeof(d->meta.person_id),
                 "%s^^^&2.16.840.1.113883.2.9.4.3.2&ISO", patient_cf);
    }
    assert_int_equal(fse_gen_pdf(&d->pdf, &d->pdf_len, &d->meta, d->cda, d->cda_len), FSE_OK);
}

void et_doc_free(et_doc *d)
{
    fse_free(d->cda);
    fse_free(d->pdf);
    memset(d, 0, sizeof(*d));
}

/* ---- Gateway calls ------------------------------------------------------ */

static void set_opt(json_t *o, const char *key, const char *value)
{
    if (value != NULL && value[0] != '\0') {
        json_object_set_new(o, key, json_string(value));
    }
}

/* The requestBody of a publication (gateway-api §2). */
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

static void encode(char *out, size_t cap, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;

    for (; *s != '\0' && k + 4 < cap; s++) {
        unsigned char ch = (unsigned char)*s;

        if (isalnum(ch) || ch == '.' || ch == '-' || ch == '_') {
            out[k++] = (char)ch;
        } else {
            out[k++] = '%';
            out[k++] = hex[ch >> 4];
            out[k++] = hex[ch & 15];
        }
    }
    out[k] = '\0';
}

static void tokens(char **auth, char **sig, fse_jwt_op op, const et_doc *d)
{
    fse_jwt_pair_opts o = FSE_JWT_PAIR_OPTS_INIT;

    o.op = op;
    o.audience = ET_AUD;
    o.patient_cf = d->meta.patient_cf;
    o.loinc = d->meta.loinc;
    o.pdf_sha256 = op == FSE_JWT_OP_CREATE || op == FSE_JWT_OP_REPLACE ? d->meta.pdf_sha256 : NULL;
    o.sub_cf = "MRTMTT91D08F205J";
    o.iat = atomic_load(&et_now_ms) / 1000 - 10;
    o.validity = 3600;
    assert_int_equal(fse_jwt_make_pair(auth, sig, et.signer, &o), FSE_OK);
}

/* One Gateway call: multipart file + requestBody when with_file, else the
 * JSON body json (NULL: none); the response (caller frees). */
static void gateway_call(tc_response *raw, const char *method, const char *path, fse_jwt_op op,
                         const et_doc *d, bool with_file, const char *json_body)
{
    char *auth = NULL;
    char *sig = NULL;
    char *json = NULL;
    fse_buf body;
    fse_buf req;

    tokens(&auth, &sig, op, d);
    fse_buf_init(&body, 32u << 20);
    if (with_file) {
        json = request_body(&d->meta);
        assert_int_equal(fse_buf_printf(&body, "--" BOUNDARY "\r\nContent-Disposition: form-data;"
                                               " name=\"file\"; filename=\"doc.pdf\"\r\n"
                                               "Content-Type: application/pdf\r\n\r\n"),
                         FSE_OK);
        assert_int_equal(fse_buf_append(&body, d->pdf, d->pdf_len), FSE_OK);
        assert_int_equal(fse_buf_printf(&body,
                                        "\r\n--" BOUNDARY "\r\nContent-Disposition: form-data;"
                                        " name=\"requestBody\"\r\nContent-Type: application/json"
                                        "\r\n\r\n%s\r\n--" BOUNDARY "--\r\n",
                                        json),
                         FSE_OK);
    }
    fse_buf_init(&req, 64u << 20);
    assert_int_equal(fse_buf_printf(&req,
                                    "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                    "Accept: application/json\r\nAuthorization: Bearer %s\r\n"
                                    "FSE-JWT-Signature: %s\r\n",
                                    method, path, auth, sig),
                     FSE_OK);
    if (with_file) {
        assert_int_equal(fse_buf_printf(&req,
                                        "Content-Type: multipart/form-data; boundary=" BOUNDARY
                                        "\r\nContent-Length: %zu\r\n\r\n",
                                        body.len),
                         FSE_OK);
        assert_int_equal(fse_buf_append(&req, body.data, body.len), FSE_OK);
    } else if (json_body != NULL) {
        assert_int_equal(fse_buf_printf(&req,
                                        "Content-Type: application/json\r\n"
                                        "Content-Length: %zu\r\n\r\n%s",
                                        strlen(json_body), json_body),
                         FSE_OK);
    } else {
        assert_int_equal(fse_buf_printf(&req, "Content-Length: 0\r\n\r\n"), FSE_OK);
    }
    assert_true(tc_request_len(et.node.port, req.data, req.len, raw));
    fse_buf_free(&req);
    fse_buf_free(&body);
    free(json);
    fse_free(auth);
    fse_free(sig);
}

/* Expect 2xx and keep the workflowInstanceId. */
static void expect_accepted(tc_response *raw, et_doc *d, const char *what)
{
    json_t *o;

    if (raw->status < 200 || raw->status > 299) {
        fail_msg("%s answered %d: %.*s", what, raw->status, (int)raw->body_len,
                 raw->body != NULL ? (const char *)raw->body : "");
    }
    o = json_loadb((const char *)raw->body, raw->body_len, 0, NULL);
    assert_non_null(o);
    if (d != NULL) {
        const char *wii = json_string_value(json_object_get(o, "workflowInstanceId"));

        assert_non_null(wii);
        snprintf(d->wii, sizeof(d->wii), "%s", wii);
    }
    json_decref(o);
    tc_response_free(raw);
}

void et_publish(et_doc *d)
{
    tc_response raw;

    gateway_call(&raw, "POST", "/v1/documents/validate-and-create", FSE_JWT_OP_CREATE, d, true,
                 NULL);
    expect_accepted(&raw, d, "publication");
}

void et_replace(et_doc *d, const et_doc *old)
{
    char enc[600];
    char path[700];
    tc_response raw;

    encode(enc, sizeof(enc), old->meta.identificativo_doc);
    snprintf(path, sizeof(path), "/v1/documents/validate-and-replace/%s", enc);
    gateway_call(&raw, "PUT", path, FSE_JWT_OP_REPLACE, d, true, NULL);
    expect_accepted(&raw, d, "replace");
}

void et_delete(const et_doc *d)
{
    char enc[600];
    char path[700];
    tc_response raw;

    encode(enc, sizeof(enc), d->meta.identificativo_doc);
    snprintf(path, sizeof(path), "/v1/documents/%s", enc);
    gateway_call(&raw, "DELETE", path, FSE_JWT_OP_DELETE, d, false, NULL);
    expect_accepted(&raw, NULL, "delete");
}

void et_update(et_doc *d, const char *json_body)
{
    char enc[600];
    char path[700];
    tc_response raw;

    encode(enc, sizeof(enc), d->meta.identificativo_doc);
    snprintf(path, sizeof(path), "/v1/documents/%s/metadata", enc);
    gateway_call(&raw, "PUT", path, FSE_JWT_OP_METADATA_UPDATE, d, false, json_body);
    expect_accepted(&raw, d, "metadata update");
}

size_t et_outbox(void)
{
    size_t n = 0;

    if (fse_gateway_outbox_run(et.node.gw, 0, &n) != FSE_OK) {
        fail_msg("outbox: %s", fse_error_last()->message);
    }
    return n;
}

const char *et_event_status(const char *wii, const char *type)
{
    static char status[64];
    fse_store_event_list *l = NULL;
    size_t i;
    const char *found = NULL;

    assert_int_equal(fse_store_event_query(&l, et.node.store, FSE_STORE_EVENT_BY_WII, wii), FSE_OK);
    for (i = 0; i < l->n_events && found == NULL; i++) {
        if (strcmp(l->events[i].event_type, type) == 0) {
            snprintf(status, sizeof(status), "%s", l->events[i].event_status);
            found = status;
        }
    }
    fse_store_event_list_free(l);
    return found;
}

/* ---- Consultation ------------------------------------------------------- */

static int request(const et_who *who, const char *method, const char *path, const char *body,
                   json_t **json)
{
    fse_jwt_pair_opts o = FSE_JWT_PAIR_OPTS_INIT;
    char *auth = NULL;
    char *sig = NULL;
    tc_response raw;
    fse_buf req;
    int status;

    o.op = FSE_JWT_OP_READ;
    o.audience = ET_AUD;
    o.patient_cf = who->patient;
    o.sub_cf = who->sub;
    o.subject_role = who->role;
    o.purpose_of_use = who->purpose;
    o.locality = ET_NOWHERE;
    o.iat = atomic_load(&et_now_ms) / 1000 - 10;
    o.validity = 3600;
    assert_int_equal(fse_jwt_make_pair(&auth, &sig, et.signer, &o), FSE_OK);
    fse_buf_init(&req, 1u << 20);
    assert_int_equal(fse_buf_printf(&req,
                                    "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n"
                                    "Authorization: Bearer %s\r\nFSE-JWT-Signature: %s\r\n",
                                    method, path, (unsigned)et.node.port, auth, sig),
                     FSE_OK);
    if (body != NULL) {
        assert_int_equal(fse_buf_printf(&req,
                                        "Content-Type: application/json\r\nContent-Length: %zu"
                                        "\r\n\r\n%s",
                                        strlen(body), body),
                         FSE_OK);
    } else {
        assert_int_equal(fse_buf_printf(&req, "\r\n"), FSE_OK);
    }
    assert_true(tc_request_len(et.node.port, req.data, req.len, &raw));
    status = raw.status;
    if (json != NULL) {
        *json = raw.body_len > 0 ? json_loadb((const char *)raw.body, raw.body_len, 0, NULL) : NULL;
    }
    tc_response_free(&raw);
    fse_buf_free(&req);
    fse_free(auth);
    fse_free(sig);
    return status;
}

int et_get(const et_who *who, const char *path, json_t **json)
{
    return request(who, "GET", path, NULL, json);
}

int et_put(const et_who *who, const char *path, const char *body)
{
    return request(who, "PUT", path, body, NULL);
}
