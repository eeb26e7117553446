/*
 * tests/policy/pt_fixture.c - the fixture of the consultation suites: test
 * PKI, nodes (store + consultation, optionally the gateway, on one server
 * on 127.0.0.1), the clock, codici fiscali, token pairs, keep-alive HTTP
 * and the normalisation of answers.
 */
#include "pt.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fse/cda.h"
#include "fse/util.h"

pt_fixture pt;
_Atomic int64_t pt_now_ms = PT_T0_MS;

/* ---- Clock -------------------------------------------------------------- */

static int64_t clock_fn(void *ud)
{
    (void)ud;
    return atomic_load(&pt_now_ms);
}

void pt_clock_set(int64_t ms)
{
    atomic_store(&pt_now_ms, ms);
}

/* ---- Directories -------------------------------------------------------- */

/* The root of temporary directories: on tmpfs when there is one (a node's
 * every audited request is an fsync, and durability is not what these
 * suites test), else under the build directory. */
static void tmp_root(char *out, size_t cap)
{
    struct stat st;

    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0) {
        snprintf(out, cap, "/dev/shm/fse-test-tmp");
    } else {
        snprintf(out, cap, "%s/test-tmp", FSE_BUILD_DIR);
    }
}

void pt_make_dir(char *out, size_t cap, const char *name)
{
    char base[PATH_MAX];

    tmp_root(base, sizeof(base));
    if (mkdir(base, 0700) != 0 && errno != EEXIST) {
        fail_msg("mkdir %s: %s", base, strerror(errno));
    }
    snprintf(out, cap, "%s/%s-XXXXXX", base, name);
    assert_non_null(mkdtemp(out));
}

void pt_remove_dir(const char *dir)
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

static void start_gateway(pt_node *n, const char *const *cas)
{
    fse_gateway_opts go = FSE_GATEWAY_OPTS_INIT;
    fse_eds_opts eo = FSE_EDS_OPTS_INIT;

    assert_non_null(pt.catalog);
    eo.store_path = n->db;
    eo.master_key_path = n->key;
    eo.clock = clock_fn;
    if (fse_eds_new(&n->eds, &eo) != FSE_OK) {
        fail_msg("eds: %s", fse_error_last()->message);
    }
    go.fhir = fse_eds_gateway_hook;
    go.fhir_ud = n->eds;
    go.catalog = pt.catalog;
    go.store_path = n->db;
    go.master_key_path = n->key;
    go.ca_files = cas;
    go.n_ca_files = 1;
    go.audience = PT_AUD;
    go.pades_check_off = true;
    go.n_slots = 2;
    go.clock = clock_fn;
    go.outbox_poll_ms = 50;
    if (fse_gateway_new(&n->gw, &go) != FSE_OK) {
        fail_msg("gateway: %s", fse_error_last()->message);
    }
    assert_int_equal(fse_gateway_routes(n->gw, n->srv), FSE_OK);
}

void pt_node_start(pt_node *n, const char *name, bool with_gateway)
{
    fse_consult_opts co = FSE_CONSULT_OPTS_INIT;
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_http_opts ho;
    const char *cas[1] = {pt.ca_path};

    memset(n, 0, sizeof(*n));
    pt_make_dir(n->dir, sizeof(n->dir), name);
    snprintf(n->db, sizeof(n->db), "%s/node.db", n->dir);
    snprintf(n->key, sizeof(n->key), "%s/master.key", n->dir);
    assert_int_equal(fse_store_keyfile_create(n->key), FSE_OK);
    memset(&ho, 0, sizeof(ho));
    ho.threads = 4;
    ho.max_connections_per_ip = 64;
    assert_int_equal(fse_http_server_new(&n->srv, &ho), FSE_OK);
    co.store_path = n->db;
    co.master_key_path = n->key;
    co.ca_files = cas;
    co.n_ca_files = 1;
    co.audience = PT_AUD;
    co.n_slots = 4;
    co.clock = clock_fn;
    if (fse_consult_new(&n->consult, &co) != FSE_OK) {
        fail_msg("consult: %s", fse_error_last()->message);
    }
    if (with_gateway) {
        start_gateway(n, cas);
    }
    assert_int_equal(fse_consult_routes(n->consult, n->srv), FSE_OK);
    assert_int_equal(fse_http_server_start(n->srv), FSE_OK);
    n->port = fse_http_server_port(n->srv);
    so.path = n->db;
    so.master_key_path = n->key;
    so.busy_timeout_ms = 30000;
    assert_int_equal(fse_store_open(&n->store, &so), FSE_OK);
}

void pt_node_stop(pt_node *n)
{
    if (n->gw != NULL) {
        fse_gateway_worker_stop(n->gw);
    }
    fse_http_server_free(n->srv);
    fse_consult_free(n->consult);
    fse_gateway_free(n->gw);
    fse_eds_free(n->eds);
    fse_store_free(n->store);
    pt_remove_dir(n->dir);
    memset(n, 0, sizeof(*n));
}

/* ---- Set-up ------------------------------------------------------------- */

int pt_setup(void **state)
{
    fse_jwt_cert_opts ca_opts = {"FSE POLICY TEST CA", 2048, PT_T0_MS / 1000 - 86400,
                                 PT_T0_MS / 1000 + 3650 * 86400LL};
    fse_jwt_cert_opts sig_opts = {"S1#120#TESTVENDOR", 2048, PT_T0_MS / 1000 - 86400,
                                  PT_T0_MS / 1000 + 3650 * 86400LL};

    (void)state;
    memset(&pt, 0, sizeof(pt));
    pt_make_dir(pt.dir, sizeof(pt.dir), "policy-pki");
    snprintf(pt.ca_path, sizeof(pt.ca_path), "%s/ca.pem", pt.dir);
    if (fse_jwt_testca_new(&pt.ca, &ca_opts) != FSE_OK ||
        fse_jwt_testca_write_pem(pt.ca, pt.ca_path) != FSE_OK ||
        fse_jwt_testca_issue(&pt.signer, pt.ca, &sig_opts) != FSE_OK) {
        fprintf(stderr, "test PKI: %s\n", fse_error_last()->message);
        return -1;
    }
    return 0;
}

int pt_teardown(void **state)
{
    (void)state;
    fse_catalog_free(pt.catalog);
    fse_jwt_cred_free(pt.signer);
    fse_jwt_testca_free(pt.ca);
    pt_remove_dir(pt.dir);
    return 0;
}

/* ---- Documents ---------------------------------------------------------- */

void pt_put_doc(fse_store *s, const char *cf, const char *loinc, const char *unique_id,
                const char *facility, unsigned vis, char id_out[FSE_STORE_ID_LEN])
{
    fse_store_doc_meta m;
    char patient_id[64];
    char pdf[256];

    snprintf(patient_id, sizeof(patient_id), "%s^^^&2.16.840.1.113883.2.9.4.3.2&ISO", cf);
    snprintf(pdf, sizeof(pdf), "%%PDF-1.4\n%% %s\n%%%%EOF\n", unique_id);
    memset(&m, 0, sizeof(m));
    m.unique_id = unique_id;
    m.repository_id = "2.16.840.1.113883.2.9.2.120.4.5.1";
    m.patient_id = patient_id;
    m.class_code = "REF";
    m.type_code = loinc;
    m.author_person = "RSSMRA80A01H501U^^^^^^^^&2.16.840.1.113883.2.9.4.3.2&ISO";
    m.author_role = "APR";
    m.author_institution = facility;
    m.confidentiality_code = "N";
    m.creation_time = "20251201100000";
    m.visibility = vis;
    if (fse_store_doc_put(s, &m, (const uint8_t *)pdf, strlen(pdf),
                          (const uint8_t *)"<ClinicalDocument/>", 19, atomic_load(&pt_now_ms),
                          id_out) != FSE_OK) {
        fail_msg("doc put: %s", fse_error_last()->message);
    }
}

/* ---- Codici fiscali ----------------------------------------------------- */

/* Check character of the first 15 characters (DM 23/12/1976). */
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

        if (i % 2 == 0) {
            sum += isdigit(ch) ? odd[k] : odd[10 + k];
        } else {
            sum += k;
        }
    }
    return (char)('A' + sum % 26);
}

void pt_cf(char out[17], unsigned i, int year, int month, int day)
{
    static const char months[] = "ABCDEHLMPRST";
    unsigned v = i;
    int k;

    /* Six name letters carry i in base 26. */
    for (k = 5; k >= 0; k--) {
        out[k] = (char)('A' + v % 26);
        v /= 26;
    }
    snprintf(out + 6, 11, "%02d%c%02dH501", year % 100, months[(month - 1) % 12], day);
    out[15] = cf_check(out);
    out[16] = '\0';
    if (!fse_cf_check(out, NULL, 0)) {
        fail_msg("generated codice fiscale %s refused", out);
    }
}

/* ---- Tokens ------------------------------------------------------------- */

void pt_tokens(char **auth, char **sig, const pt_who *who)
{
    fse_jwt_pair_opts o = FSE_JWT_PAIR_OPTS_INIT;

    o.op = FSE_JWT_OP_READ;
    o.audience = PT_AUD;
    o.patient_cf = who->patient;
    o.sub_cf = who->sub;
    o.subject_role = who->role;
    o.purpose_of_use = who->purpose;
    o.locality = who->locality;
    o.iat = atomic_load(&pt_now_ms) / 1000 - 10;
    o.validity = 3600;
    *auth = NULL;
    *sig = NULL;
    if (fse_jwt_make_pair(auth, sig, pt.signer, &o) != FSE_OK) {
        fail_msg("tokens: %s", fse_error_last()->message);
    }
}

/* ---- HTTP --------------------------------------------------------------- */

void pt_conn_init(pt_conn *k, uint16_t port)
{
    memset(k, 0, sizeof(*k));
    k->port = port;
    k->c.fd = -1;
}

void pt_conn_close(pt_conn *k)
{
    if (k->open) {
        tc_close(&k->c);
        k->open = false;
    }
}

static bool send_and_read(pt_conn *k, const fse_buf *req, tc_response *raw, bool head)
{
    if (!k->open) {
        if (!tc_open(&k->c, k->port)) {
            return false;
        }
        k->open = true;
    }
    if (!tc_send(&k->c, req->data, req->len) || !tc_read(&k->c, raw, head)) {
        tc_response_free(raw);
        pt_conn_close(k);
        return false;
    }
    return true;
}

bool pt_try_request(pt_conn *k, pt_resp *r, const char *method, const char *path, const char *auth,
                    const char *sig, const char *body, const char *extra)
{
    fse_buf req;
    const char *conn;
    bool head = strcmp(method, "HEAD") == 0;
    bool ok;

    memset(r, 0, sizeof(*r));
    fse_buf_init(&req, 1u << 20);
    ok = fse_buf_printf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n", method, path,
                        (unsigned)k->port) == FSE_OK &&
         (auth == NULL || fse_buf_printf(&req, "Authorization: Bearer %s\r\n", auth) == FSE_OK) &&
         (sig == NULL || fse_buf_printf(&req, "FSE-JWT-Signature: %s\r\n", sig) == FSE_OK) &&
         (extra == NULL || fse_buf_printf(&req, "%s", extra) == FSE_OK);
    if (ok && body != NULL) {
        ok = fse_buf_printf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                            strlen(body), body) == FSE_OK;
    } else if (ok) {
        ok = fse_buf_printf(&req, "\r\n") == FSE_OK;
    }
    /* A keep-alive connection the server closed meanwhile: once more. */
    ok = ok && (send_and_read(k, &req, &r->raw, head) || send_and_read(k, &req, &r->raw, head));
    fse_buf_free(&req);
    if (!ok) {
        return false;
    }
    k->requests++;
    r->status = r->raw.status;
    conn = tc_header(&r->raw, "Connection");
    if (conn != NULL && strcasecmp(conn, "close") == 0) {
        pt_conn_close(k);
    }
    if (r->raw.body_len > 0) {
        r->json = json_loadb((const char *)r->raw.body, r->raw.body_len, 0, NULL);
    }
    return true;
}

void pt_request(pt_conn *k, pt_resp *r, const char *method, const char *path, const char *auth,
                const char *sig, const char *body, const char *extra)
{
    if (!pt_try_request(k, r, method, path, auth, sig, body, extra)) {
        fail_msg("%s %s: no answer", method, path);
    }
}

void pt_call(pt_conn *k, pt_resp *r, const char *method, const char *path, const pt_who *who,
             const char *body)
{
    char *auth = NULL;
    char *sig = NULL;

    if (who != NULL) {
        pt_tokens(&auth, &sig, who);
    }
    pt_request(k, r, method, path, auth, sig, body, NULL);
    fse_free(auth);
    fse_free(sig);
}

void pt_resp_free(pt_resp *r)
{
    tc_response_free(&r->raw);
    if (r->json != NULL) {
        json_decref(r->json);
    }
    memset(r, 0, sizeof(*r));
}

void pt_unknown_id(char out[33], unsigned n)
{
    snprintf(out, 33, "%08x%08x%08x%08x", 0xfeedf00du, n, 0xdeadbeefu, n * 2654435761u);
}

/* Headers that differ between two requests whatever they are about. */
static bool per_request_header(const char *name)
{
    static const char *const skip[] = {"Date",      "Content-Length", "traceparent", "X-Trace-Id",
                                       "X-Span-Id", "X-Request-Id",   "Keep-Alive",  "Connection"};
    size_t i;

    for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
        if (strcasecmp(name, skip[i]) == 0) {
            return true;
        }
    }
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replace every run of exactly 16 or 32 hex digits by "#", and id by "@". */
static void scrub(fse_buf *out, const char *text, size_t len, const char *id)
{
    size_t id_len = id != NULL ? strlen(id) : 0;
    size_t i = 0;

    while (i < len) {
        size_t run = 0;

        if (id_len > 0 && i + id_len <= len && memcmp(text + i, id, id_len) == 0) {
            assert_int_equal(fse_buf_append(out, "@", 1), FSE_OK);
            i += id_len;
            continue;
        }
        while (i + run < len && isxdigit((unsigned char)text[i + run])) {
            run++;
        }
        if ((run == 16 || run == 32) && (i == 0 || !isalnum((unsigned char)text[i - 1]))) {
            assert_int_equal(fse_buf_append(out, "#", 1), FSE_OK);
            i += run;
        } else if (run > 0) {
            assert_int_equal(fse_buf_append(out, text + i, run), FSE_OK);
            i += run;
        } else {
            assert_int_equal(fse_buf_append(out, text + i, 1), FSE_OK);
            i++;
        }
    }
}

char *pt_normalise(const pt_resp *r, const char *id)
{
    char *lines[TC_MAX_HEADERS];
    size_t n = 0;
    size_t i;
    fse_buf out;
    char *text;

    fse_buf_init(&out, 1u << 24);
    assert_int_equal(fse_buf_printf(&out, "%d\n", r->status), FSE_OK);
    for (i = 0; i < r->raw.n_headers; i++) {
        fse_buf h;

        if (per_request_header(r->raw.names[i])) {
            continue;
        }
        fse_buf_init(&h, 1u << 16);
        scrub(&h, r->raw.names[i], strlen(r->raw.names[i]), NULL);
        assert_int_equal(fse_buf_append(&h, ": ", 2), FSE_OK);
        scrub(&h, r->raw.values[i], strlen(r->raw.values[i]), id);
        assert_int_equal(fse_buf_append(&h, "", 1), FSE_OK);
        lines[n++] = strdup(h.data);
        fse_buf_free(&h);
    }
    qsort(lines, n, sizeof(lines[0]), cmp_str);
    for (i = 0; i < n; i++) {
        assert_int_equal(fse_buf_printf(&out, "%s\n", lines[i]), FSE_OK);
        free(lines[i]);
    }
    assert_int_equal(fse_buf_append(&out, "\n", 1), FSE_OK);
    scrub(&out, (const char *)r->raw.body, r->raw.body_len, id);
    assert_int_equal(fse_buf_append(&out, "", 1), FSE_OK);
    text = strdup(out.data);
    fse_buf_free(&out);
    assert_non_null(text);
    return text;
}
