/*
 * tests/e2e/test_e2e_encryption.c - encryption at rest of the publication
 * node (acceptance 4), on `fse serve` run as a child process:
 *  - after documents of every type are published over HTTP and the outbox
 *    has run, the raw database files (node.db, node.db-wal, node.db-shm,
 *    read while the server runs and again after it stopped) contain no
 *    CDA text (markup, namespace, a slice of each document's body, its
 *    title), no patient codice fiscale or name, no author codice fiscale
 *    and no PDF;
 *  - a byte flipped with sqlite3 in a stored document blob (the CDA, the
 *    PDF, the sealed metadata record) makes the read through the library
 *    an integrity error (FSE_E_CRYPTO) instead of data, and the HTTP calls
 *    that read the document (metadata update, delete) answer problem+json
 *    500 /msg/generic-error whose detail says nothing about the cause;
 *  - the audit chain still verifies and the server stops cleanly.
 */
#define _GNU_SOURCE /* strcasestr */
#include "e2e.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "fse/http.h"
#include "fse/util.h"

/* Two documents of each of the nine types. */
#define N_DOCS 18
#define OUTBOX_TIMEOUT_S 120

typedef struct enc_doc {
    hc_doc d;
    const e2e_base *base;
    char doc_id[FSE_STORE_ID_LEN];
} enc_doc;

/* ---- Plaintext search --------------------------------------------------- */

static void expect_absent(const char *path, const char *what, const void *needle, size_t len)
{
    if (e2e_file_contains(path, needle, len)) {
        fail_msg("%s holds %s in clear", path, what);
    }
}

/* Whether a name occurs in a field stored in clear by design (the
 * organisation's XON in authorInstitution): "Martino" in "Ospedale San
 * Martino" is not a leak of a patient's name. */
static bool in_plain_fields(const enc_doc *docs, const char *name)
{
    size_t i;

    for (i = 0; i < N_DOCS; i++) {
        if (strstr(docs[i].base->meta.locality, name) != NULL) {
            return true;
        }
    }
    return false;
}

/* None of the documents' sensitive text is in the file (if it exists). */
static void check_file(const char *path, const enc_doc *docs)
{
    static const char *const markup[] = {"<ClinicalDocument", "urn:hl7-org:v3", "%PDF-",
                                         "<structuredBody"};
    size_t i;

    if (access(path, F_OK) != 0) {
        return;
    }
    for (i = 0; i < sizeof(markup) / sizeof(markup[0]); i++) {
        expect_absent(path, markup[i], markup[i], strlen(markup[i]));
    }
    for (i = 0; i < N_DOCS; i++) {
        const fse_gen_meta *m = &docs[i].base->meta;
        const uint8_t *cda = docs[i].base->cda;
        size_t mid = docs[i].base->cda_len / 2;

        expect_absent(path, "a patient codice fiscale", m->patient_cf, strlen(m->patient_cf));
        if (!in_plain_fields(docs, m->patient_family)) {
            expect_absent(path, "a patient family name", m->patient_family,
                          strlen(m->patient_family));
        }
        expect_absent(path, "an author codice fiscale", m->author_cf, strlen(m->author_cf));
        expect_absent(path, "a document title", m->title, strlen(m->title));
        expect_absent(path, "a slice of a CDA", cda + mid, 48);
    }
}

static void check_files(const e2e_node *n, const enc_doc *docs, bool running)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    const char *uid = docs[N_DOCS - 1].d.unique_id;
    char path[PATH_MAX + 32];
    bool control = false;
    size_t i;

    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", n->db, suffixes[i]);
        if (running && i < 2) {
            /* WAL mode: while the server runs the log holds recent commits. */
            assert_int_equal(access(path, F_OK), 0);
        }
        check_file(path, docs);
        /* Control: the search does find what is stored in clear by design
         * (identificativoDoc, a plain column for lookups). */
        control = control || e2e_file_contains(path, uid, strlen(uid));
    }
    assert_true(control);
}

/* ---- Editing the database ----------------------------------------------- */

/* Flip one bit in the middle of a BLOB column of one row, with sqlite3. */
static void flip_byte(const char *db, const char *table, const char *column, const char *where,
                      const char *doc_id, int kind)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    char sql[512];
    uint8_t *blob;
    int len;

    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(h, 30000);
    snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE %s", column, table, where);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
    if (kind > 0) {
        sqlite3_bind_int(st, 2, kind);
    }
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    len = sqlite3_column_bytes(st, 0);
    assert_true(len > 32);
    blob = fse_malloc((size_t)len);
    assert_non_null(blob);
    memcpy(blob, sqlite3_column_blob(st, 0), (size_t)len);
    sqlite3_finalize(st);
    blob[len / 2] ^= 0x01;
    snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ?3 WHERE %s", table, column, where);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
    if (kind > 0) {
        sqlite3_bind_int(st, 2, kind);
    }
    sqlite3_bind_blob(st, 3, blob, len, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    assert_int_equal(sqlite3_changes(h), 1);
    sqlite3_finalize(st);
    sqlite3_close(h);
    fse_free(blob);
}

static void flip_blob(const char *db, const char *doc_id, fse_store_blob kind)
{
    flip_byte(db, "document_blobs", "ct", "doc_id = ?1 AND kind = ?2", doc_id, (int)kind);
}

static void flip_meta(const char *db, const char *doc_id)
{
    flip_byte(db, "documents", "meta_ct", "doc_id = ?1", doc_id, 0);
}

/* ---- Reads after the flip ----------------------------------------------- */

static void expect_blob(fse_store *s, const char *uid, fse_store_blob kind, fse_err want)
{
    uint8_t *data = NULL;
    size_t len = 0;
    fse_err rc = fse_store_doc_read(&data, &len, s, uid, kind);

    if (rc != want) {
        fail_msg("%s blob %d: %s, expected %s", uid, (int)kind, fse_strerror(rc),
                 fse_strerror(want));
    }
    assert_true(rc == FSE_OK || data == NULL);
    fse_free(data);
}

/* A call on the stored document answers 500 /msg/generic-error, and the
 * detail names neither the cause nor the document. */
static void expect_generic_500(const e2e_node *n, const e2e_pki *pki, const enc_doc *e,
                               const char *method, fse_jwt_op op)
{
    fse_jwt_pair_opts o = FSE_JWT_PAIR_OPTS_INIT;
    static const char *const leaks[] = {"crypt", "tag",       "seal", "sqlite",
                                        "store", "integrity", "key",  "blob"};
    char *auth = NULL;
    char *sig = NULL;
    char enc[600];
    fse_buf req;
    hc_conn c;
    hc_resp r;
    json_t *j = NULL;
    const char *detail;
    char body[512];
    size_t i;

    snprintf(body, sizeof(body),
             "{\"tipologiaStruttura\":\"Territorio\",\"tipoAttivitaClinica\":\"CON\","
             "\"tipoDocumentoLivAlto\":\"%s\",\"assettoOrganizzativo\":\"AD_PSC001\","
             "\"identificativoSottomissione\":\"%s\",\"attiCliniciRegoleAccesso\":[\"P99\"]}",
             e->base->meta.tipo_documento_liv_alto, e->base->meta.identificativo_sottomissione);
    o.op = op;
    o.audience = E2E_AUD;
    o.patient_cf = e->d.patient_cf;
    o.loinc = e->base->meta.loinc;
    o.sub_cf = "MRTMTT91D08F205J";
    o.iat = (int64_t)time(NULL) - 60;
    assert_int_equal(fse_jwt_make_pair(&auth, &sig, pki->signer, &o), FSE_OK);
    hc_encode_segment(enc, e->d.unique_id);
    fse_buf_init(&req, 1u << 20);
    assert_int_equal(fse_buf_printf(&req,
                                    "%s /v1/documents/%s%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    "Authorization: Bearer %s\r\nFSE-JWT-Signature: %s\r\n",
                                    method, enc,
                                    op == FSE_JWT_OP_METADATA_UPDATE ? "/metadata" : "", auth, sig),
                     FSE_OK);
    if (op == FSE_JWT_OP_METADATA_UPDATE) {
        assert_int_equal(fse_buf_printf(&req,
                                        "Content-Type: application/json\r\n"
                                        "Content-Length: %zu\r\n\r\n%s",
                                        strlen(body), body),
                         FSE_OK);
    } else {
        assert_int_equal(fse_buf_append_str(&req, "Content-Length: 0\r\n\r\n"), FSE_OK);
    }
    hc_conn_init(&c, "127.0.0.1", n->port, E2E_TIMEOUT_MS);
    assert_int_equal(hc_roundtrip(&c, req.data, req.len, &r), FSE_OK);
    if (r.status != 500 || fse_http_json_parse(&j, (const uint8_t *)r.body, r.body_len) != FSE_OK ||
        strcmp(json_string_value(json_object_get(j, "type")) != NULL
                   ? json_string_value(json_object_get(j, "type"))
                   : "",
               "/msg/generic-error") != 0) {
        fail_msg("%s of a damaged document: %u %.400s", method, r.status, r.body);
    }
    detail = json_string_value(json_object_get(j, "detail"));
    assert_non_null(detail);
    for (i = 0; i < sizeof(leaks) / sizeof(leaks[0]); i++) {
        if (strcasestr(detail, leaks[i]) != NULL) {
            fail_msg("the detail of a 500 names its cause: %s", detail);
        }
    }
    assert_null(strstr(r.body, e->d.patient_cf));
    print_message("encryption: %s of a damaged document: 500 %s \"%s\"\n", method,
                  json_string_value(json_object_get(j, "type")), detail);
    json_decref(j);
    hc_resp_free(&r);
    hc_conn_close(&c);
    fse_buf_free(&req);
    fse_free(auth);
    fse_free(sig);
}

/* ---- The test ----------------------------------------------------------- */

static void publish_all(const e2e_node *n, const e2e_pki *pki, enc_doc *docs, const e2e_base *bases)
{
    hc_conn c;
    size_t i;

    hc_conn_init(&c, "127.0.0.1", n->port, E2E_TIMEOUT_MS);
    for (i = 0; i < N_DOCS; i++) {
        hc_outcome o;

        docs[i].base = &bases[i];
        if (e2e_doc_reidentified(&docs[i].d, &bases[i], i, pki) != FSE_OK) {
            fail_msg("document %zu: %s", i, fse_error_last()->message);
        }
        if (hc_publish(&c, &docs[i].d, &o) != FSE_OK || !o.published) {
            fail_msg("%s: not published: %u %s", docs[i].d.unique_id, o.status, o.problem);
        }
    }
    hc_conn_close(&c);
}

static void wait_outbox(fse_store *s)
{
    size_t pending = 1;
    size_t leased = 1;
    int waited;

    for (waited = 0; pending + leased > 0; waited++) {
        assert_true(waited < OUTBOX_TIMEOUT_S * 10);
        usleep(100000);
        assert_int_equal(fse_store_outbox_count(&pending, s, FSE_STORE_JOB_PENDING), FSE_OK);
        assert_int_equal(fse_store_outbox_count(&leased, s, FSE_STORE_JOB_LEASED), FSE_OK);
    }
}

static void encryption_at_rest(void **state)
{
    const char *audit_args[] = {"audit", "verify", "--config", NULL, NULL};
    enc_doc docs[N_DOCS];
    e2e_base *bases;
    e2e_pki pki;
    e2e_node n;
    fse_store *s;
    fse_store_doc_meta *m = NULL;
    size_t i;

    (void)state;
    memset(docs, 0, sizeof(docs));
    e2e_pki_make(&pki);
    bases = e2e_bases_make(N_DOCS, 777);
    e2e_node_init(&n, "e2e-encryption", &pki, 2, "");
    e2e_node_start(&n);
    publish_all(&n, &pki, docs, bases);
    s = e2e_node_store(&n);
    wait_outbox(s);
    for (i = 0; i < 3; i++) {
        assert_int_equal(fse_store_doc_get(&m, s, docs[i].d.unique_id), FSE_OK);
        snprintf(docs[i].doc_id, sizeof(docs[i].doc_id), "%s", m->doc_id);
        fse_store_doc_meta_free(m);
    }
    check_files(&n, docs, true);
    print_message("encryption: %d documents published; no plaintext in %s, -wal, -shm\n", N_DOCS,
                  n.db);

    /* A changed byte is an integrity error, never other data. */
    flip_blob(n.db, docs[0].doc_id, FSE_STORE_BLOB_CDA);
    expect_blob(s, docs[0].d.unique_id, FSE_STORE_BLOB_CDA, FSE_E_CRYPTO);
    expect_blob(s, docs[0].d.unique_id, FSE_STORE_BLOB_PDF, FSE_OK);
    flip_blob(n.db, docs[1].doc_id, FSE_STORE_BLOB_PDF);
    expect_blob(s, docs[1].d.unique_id, FSE_STORE_BLOB_PDF, FSE_E_CRYPTO);
    expect_blob(s, docs[1].d.unique_id, FSE_STORE_BLOB_CDA, FSE_OK);
    flip_meta(n.db, docs[2].doc_id);
    assert_int_equal(fse_store_doc_get(&m, s, docs[2].d.unique_id), FSE_E_CRYPTO);
    assert_null(m);
    expect_generic_500(&n, &pki, &docs[2], "PUT", FSE_JWT_OP_METADATA_UPDATE);
    expect_generic_500(&n, &pki, &docs[2], "DELETE", FSE_JWT_OP_DELETE);
    /* The undamaged documents read as before. */
    expect_blob(s, docs[3].d.unique_id, FSE_STORE_BLOB_CDA, FSE_OK);
    fse_store_free(s);

    assert_int_equal(e2e_node_stop(&n), 0);
    check_files(&n, docs, false);
    audit_args[3] = n.conf;
    assert_int_equal(e2e_run_fse(n.log, audit_args), 0);
    for (i = 0; i < N_DOCS; i++) {
        hc_doc_free(&docs[i].d);
    }
    e2e_node_remove(&n);
    e2e_bases_free(bases, N_DOCS);
    e2e_pki_free(&pki);
}

int test_e2e_encryption_run(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encryption_at_rest),
    };

    return cmocka_run_group_tests_name("e2e_encryption", tests, NULL, NULL);
}
