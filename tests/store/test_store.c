/*
 * tests/store/test_store.c - unit tests of lib/store on real SQLite files:
 * document round trip, replacement, update, tombstone, search; protection
 * at rest (no plaintext CF or CDA in the database, WAL or SHM; flipped or
 * swapped bytes give FSE_E_CRYPTO; wrong key refused; rotation); schema
 * versioning. Links, events, outbox and transactions are in
 * test_store_queue.c; visibility, patient listing and the privacy state in
 * test_store_privacy.c; `test_store crash` runs the crash-safety test instead
 * (test_store_crash.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "fse/audit.h"
#include "fse/store.h"
#include "fse/util.h"
#include "store_fixture.h"
#include "test_store.h"

int store_setup(void **state)
{
    static fx f;

    if (fx_setup(&f, "store") != 0) {
        return -1;
    }
    *state = &f;
    return 0;
}

int store_teardown(void **state)
{
    fx_teardown(*state);
    return 0;
}

/* Put the sample document uid for patient pid. */
fse_err store_put_doc(fse_store *s, const char *uid, const char *pid, int64_t now)
{
    fse_store_doc_meta m;
    char pdf[512], cda[1024];
    size_t pdf_len = fx_pdf(pdf, sizeof(pdf), uid);
    size_t cda_len = fx_cda(cda, sizeof(cda), uid, FX_PATIENT_CF);

    fx_meta(&m, uid, pid);
    return fse_store_doc_put(s, &m, (const uint8_t *)pdf, pdf_len, (const uint8_t *)cda, cda_len,
                             now, NULL);
}

static void sha1_hex(char out[41], const void *p, size_t n)
{
    uint8_t d[20];
    unsigned int len = 0;

    EVP_Digest(p, n, d, &len, EVP_sha1(), NULL);
    fse_hex_encode(out, d, sizeof(d));
}

/* ------------------------------------------------------------------------ */

static void keyfile_rules(void **state)
{
    fx *f = *state;
    fse_store_opts o = fx_opts(f, f->key);
    fse_store *s = NULL;
    char path[PATH_MAX + 16];
    FILE *fp;

    assert_int_equal(fse_store_keyfile_create(f->key), FSE_E_CONFLICT);
    fse_store_free(f->s);
    f->s = NULL;
    assert_int_equal(chmod(f->key, 0640), 0);
    assert_int_equal(fse_store_open(&s, &o), FSE_E_CRYPTO);
    assert_non_null(strstr(fse_error_last()->message, "group or others"));
    assert_int_equal(chmod(f->key, 0600), 0);
    assert_int_equal(fse_store_open(&s, &o), FSE_OK);
    assert_int_equal(strlen(fse_store_master_kid(s)), FSE_STORE_KID_LEN - 1);
    fse_store_free(s);

    snprintf(path, sizeof(path), "%s/bad.key", f->dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("not a key\n", fp);
    fclose(fp);
    chmod(path, 0600);
    o.master_key_path = path;
    assert_int_equal(fse_store_open(&s, &o), FSE_E_CRYPTO);
    assert_null(s);
    assert_int_equal(fx_reopen(f, f->key), FSE_OK);
}

static void put_get_round_trip(void **state)
{
    fx *f = *state;
    fse_store_doc_meta m;
    fse_store_doc_meta *got = NULL;
    char pdf[512], cda[1024], sha1[41];
    char id[FSE_STORE_ID_LEN];
    size_t pdf_len = fx_pdf(pdf, sizeof(pdf), "2.16.840.1.113883.2.9.2.80.4.4^DOC1");
    size_t cda_len = fx_cda(cda, sizeof(cda), "DOC1", FX_PATIENT_CF);
    uint8_t *data = NULL;
    size_t len = 0;

    fx_meta(&m, "2.16.840.1.113883.2.9.2.80.4.4^DOC1", FX_PATIENT_XDS);
    assert_int_equal(fse_store_doc_put(f->s, &m, (const uint8_t *)pdf, pdf_len,
                                       (const uint8_t *)cda, cda_len, T0, id),
                     FSE_OK);
    assert_int_equal(strlen(id), FSE_STORE_ID_LEN - 1);

    assert_int_equal(fse_store_doc_get(&got, f->s, m.unique_id), FSE_OK);
    assert_string_equal(got->doc_id, id);
    assert_string_equal(got->unique_id, m.unique_id);
    assert_string_equal(got->repository_id, m.repository_id);
    assert_string_equal(got->patient_id, FX_PATIENT_XDS);
    assert_string_equal(got->class_code, "REF");
    assert_string_equal(got->type_code, "11502-2");
    assert_string_equal(got->format_code, m.format_code);
    assert_string_equal(got->practice_setting_code, "AD_PSC001");
    assert_string_equal(got->facility_type_code, "Ospedale");
    assert_string_equal(got->content_type_code, "PHR");
    assert_int_equal(got->n_event_codes, 2);
    assert_string_equal(got->event_codes[0], "P99");
    assert_string_equal(got->event_codes[1], "LP418019-8");
    assert_string_equal(got->author_person, m.author_person);
    assert_string_equal(got->author_role, "AAS");
    assert_string_equal(got->author_institution, "080105");
    assert_string_equal(got->confidentiality_code, "N");
    assert_string_equal(got->title, m.title);
    assert_string_equal(got->creation_time, "20240301103000");
    assert_string_equal(got->service_start_time, m.service_start_time);
    assert_string_equal(got->service_stop_time, m.service_stop_time);
    assert_string_equal(got->reference_id, m.reference_id);
    assert_string_equal(got->repository_type, m.repository_type);
    assert_string_equal(got->submission_set_id, m.submission_set_id);
    assert_string_equal(got->workflow_instance_id, m.workflow_instance_id);
    assert_null(got->replaces_unique_id);
    assert_null(got->replaced_by_unique_id);
    assert_int_equal(got->status, FSE_STORE_DOC_APPROVED);
    assert_int_equal(got->version, 1);
    sha1_hex(sha1, pdf, pdf_len);
    assert_string_equal(got->hash_sha1, sha1);
    assert_int_equal(strlen(got->hash_sha256), 64);
    assert_int_equal(got->size, pdf_len);
    assert_int_equal(got->cda_size, cda_len);
    assert_int_equal(got->created_ms, T0);
    fse_store_doc_meta_free(got);

    assert_int_equal(fse_store_doc_read(&data, &len, f->s, m.unique_id, FSE_STORE_BLOB_PDF),
                     FSE_OK);
    assert_int_equal(len, pdf_len);
    assert_memory_equal(data, pdf, len);
    fse_free(data);
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, m.unique_id, FSE_STORE_BLOB_CDA),
                     FSE_OK);
    assert_int_equal(len, cda_len);
    assert_memory_equal(data, cda, len);
    assert_int_equal(data[len], 0);
    fse_free(data);

    /* Same uniqueId again: conflict; unknown: not found; bad input. */
    assert_int_equal(fse_store_doc_put(f->s, &m, (const uint8_t *)pdf, pdf_len,
                                       (const uint8_t *)cda, cda_len, T0, NULL),
                     FSE_E_CONFLICT);
    assert_int_equal(fse_store_doc_get(&got, f->s, "nope^1"), FSE_E_NOT_FOUND);
    m.unique_id = "x^2";
    m.patient_id = NULL;
    assert_int_equal(fse_store_doc_put(f->s, &m, (const uint8_t *)pdf, pdf_len,
                                       (const uint8_t *)cda, cda_len, T0, NULL),
                     FSE_E_ARG);
    m.patient_id = FX_PATIENT_CF;
    assert_int_equal(fse_store_doc_put(f->s, &m, (const uint8_t *)pdf, 0, (const uint8_t *)cda,
                                       cda_len, T0, NULL),
                     FSE_E_ARG);
}

/* Scan the database, WAL and SHM for the patient's CF and the CDA text. */
static void assert_files_clean(const fx *f)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    static const char *const needles[] = {FX_PATIENT_CF, FX_OTHER_CF, FX_CDA_MARKER, FX_DOCTOR_CF,
                                          "Referto di laboratorio"};
    size_t i, j;

    for (i = 0; i < 3; i++) {
        char path[PATH_MAX + 8];

        snprintf(path, sizeof(path), "%s%s", f->db, suffixes[i]);
        for (j = 0; j < sizeof(needles) / sizeof(needles[0]); j++) {
            if (fx_file_contains(path, needles[j], strlen(needles[j]))) {
                fail_msg("%s found in %s", needles[j], path);
            }
        }
    }
}

static void no_plaintext_at_rest(void **state)
{
    fx *f = *state;
    fse_store_event ev;
    fse_audit_event a;
    char payload[256];
    struct stat st;

    assert_int_equal(store_put_doc(f->s, "2.16.840.1.113883.2.9.2.80.4.4^P1", FX_PATIENT_XDS, T0),
                     FSE_OK);
    assert_int_equal(store_put_doc(f->s, "2.16.840.1.113883.2.9.2.80.4.4^P2", FX_OTHER_CF, T0),
                     FSE_OK);
    memset(&ev, 0, sizeof(ev));
    ev.trace_id = "trace-1";
    ev.workflow_instance_id = "wii-1";
    ev.event_type = "PUBLICATION";
    ev.event_status = "SUCCESS";
    ev.subject = FX_DOCTOR_CF;
    ev.message = "Pubblicazione per " FX_PATIENT_CF;
    ev.event_date_ms = T0;
    assert_int_equal(fse_store_event_append(f->s, &ev, NULL), FSE_OK);
    snprintf(payload, sizeof(payload), "{\"patientId\":\"%s\",\"title\":\"%s\"}", FX_PATIENT_XDS,
             FX_CDA_MARKER);
    assert_int_equal(fse_store_outbox_enqueue(NULL, NULL, f->s, "ini.register", "P1",
                                              (const uint8_t *)payload, strlen(payload), T0, T0),
                     FSE_OK);
    memset(&a, 0, sizeof(a));
    a.time_ms = T0;
    a.trace_id = "trace-1";
    a.actor = FX_PATIENT_CF; /* the citizen reading their own record */
    a.role = "ASS";
    a.action = "READ";
    a.patient = FX_PATIENT_XDS;
    a.document_id = "2.16.840.1.113883.2.9.2.80.4.4^P1";
    a.reason = "consultazione di " FX_OTHER_CF;
    assert_int_equal(fse_audit_append(f->s, &a, NULL), FSE_OK);

    /* While open: the committed data sits in the WAL. */
    assert_true(fx_file_contains(f->db, "SQLite format 3", 15));
    assert_files_clean(f);
    /* After close: checkpointed into the database file. */
    fse_store_free(f->s);
    f->s = NULL;
    assert_files_clean(f);
    assert_int_equal(stat(f->db, &st), 0);
    assert_int_equal(st.st_mode & 077, 0);
    assert_int_equal(fx_reopen(f, f->key), FSE_OK);
}

static void flipped_byte_is_integrity_error(void **state)
{
    fx *f = *state;
    const char *uid = "2.16.840.1.113883.2.9.2.80.4.4^FLIP";
    fse_store_doc_meta *got = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    sqlite3 *db;

    assert_int_equal(store_put_doc(f->s, uid, FX_PATIENT_CF, T0), FSE_OK);
    db = fx_raw(f);
    assert_non_null(db);
    assert_int_equal(fx_flip_blob(db, "document_blobs", "ct",
                                  "kind = 1 AND doc_id = (SELECT doc_id FROM documents"
                                  " WHERE unique_id = '2.16.840.1.113883.2.9.2.80.4.4^FLIP')",
                                  40),
                     SQLITE_OK);
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, uid, FSE_STORE_BLOB_PDF), FSE_E_CRYPTO);
    assert_null(data);
    /* The CDA of the same document is untouched. */
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, uid, FSE_STORE_BLOB_CDA), FSE_OK);
    fse_free(data);
    /* The tag itself. */
    assert_int_equal(fx_flip_blob(db, "document_blobs", "ct",
                                  "kind = 2 AND doc_id = (SELECT doc_id FROM documents"
                                  " WHERE unique_id = '2.16.840.1.113883.2.9.2.80.4.4^FLIP')",
                                  -1),
                     SQLITE_OK);
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, uid, FSE_STORE_BLOB_CDA), FSE_E_CRYPTO);
    /* The sealed metadata, the wrapped key, and a plain column. */
    assert_int_equal(store_put_doc(f->s, "u^M", FX_PATIENT_CF, T0), FSE_OK);
    assert_int_equal(fx_flip_blob(db, "documents", "meta_ct", "unique_id = 'u^M'", 30), SQLITE_OK);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^M"), FSE_E_CRYPTO);
    assert_int_equal(store_put_doc(f->s, "u^K", FX_PATIENT_CF, T0), FSE_OK);
    assert_int_equal(fx_flip_blob(db, "documents", "dk_wrapped", "unique_id = 'u^K'", 20),
                     SQLITE_OK);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^K"), FSE_E_CRYPTO);
    assert_int_equal(store_put_doc(f->s, "u^C", FX_PATIENT_CF, T0), FSE_OK);
    assert_int_equal(fx_exec(db, "UPDATE documents SET confidentiality_code = 'V'"
                                 " WHERE unique_id = 'u^C'"),
                     SQLITE_OK);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^C"), FSE_E_CRYPTO);
    assert_non_null(strstr(fse_error_last()->message, "confidentiality_code"));
    assert_null(got);
    sqlite3_close(db);
}

static void swapped_blobs_fail(void **state)
{
    fx *f = *state;
    uint8_t *data = NULL;
    size_t len = 0;
    sqlite3 *db;

    assert_int_equal(store_put_doc(f->s, "u^A", FX_PATIENT_CF, T0), FSE_OK);
    assert_int_equal(store_put_doc(f->s, "u^B", FX_PATIENT_CF, T0), FSE_OK);
    assert_int_equal(store_put_doc(f->s, "u^S", FX_PATIENT_CF, T0), FSE_OK);
    db = fx_raw(f);
    assert_non_null(db);
    /* PDF bytes of A and B exchanged. */
    assert_int_equal(
        fx_exec(db, "CREATE TEMP TABLE ids AS SELECT unique_id, doc_id FROM documents;"
                    "CREATE TEMP TABLE old AS SELECT doc_id, kind, ct FROM document_blobs;"
                    "UPDATE document_blobs SET ct = (SELECT ct FROM old WHERE kind = 1 AND doc_id ="
                    " (SELECT doc_id FROM ids WHERE unique_id = 'u^B')) WHERE kind = 1 AND doc_id ="
                    " (SELECT doc_id FROM ids WHERE unique_id = 'u^A');"
                    "UPDATE document_blobs SET ct = (SELECT ct FROM old WHERE kind = 1 AND doc_id ="
                    " (SELECT doc_id FROM ids WHERE unique_id = 'u^A')) WHERE kind = 1 AND doc_id ="
                    " (SELECT doc_id FROM ids WHERE unique_id = 'u^B');"
                    /* PDF and CDA of S exchanged. */
                    "UPDATE document_blobs SET kind = kind + 10 WHERE doc_id ="
                    " (SELECT doc_id FROM ids WHERE unique_id = 'u^S');"
                    "UPDATE document_blobs SET kind = 13 - kind WHERE doc_id ="
                    " (SELECT doc_id FROM ids WHERE unique_id = 'u^S');"),
        SQLITE_OK);
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, "u^A", FSE_STORE_BLOB_PDF),
                     FSE_E_CRYPTO);
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, "u^B", FSE_STORE_BLOB_PDF),
                     FSE_E_CRYPTO);
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, "u^S", FSE_STORE_BLOB_PDF),
                     FSE_E_CRYPTO);
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, "u^S", FSE_STORE_BLOB_CDA),
                     FSE_E_CRYPTO);
    /* Key and metadata of B moved into row A. */
    assert_int_equal(fx_exec(db, "UPDATE documents SET (dk_wrapped, meta_ct) = (SELECT"
                                 " dk_wrapped, meta_ct FROM documents WHERE unique_id ="
                                 " 'u^B') WHERE unique_id = 'u^A'"),
                     SQLITE_OK);
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, "u^A", FSE_STORE_BLOB_CDA),
                     FSE_E_CRYPTO);
    sqlite3_close(db);
}

static void wrong_key_and_rotation(void **state)
{
    fx *f = *state;
    char kid1[FSE_STORE_KID_LEN];
    fse_store_doc_list *l = NULL;
    fse_store_doc_query q;
    uint8_t *data = NULL;
    size_t len = 0;
    int i;

    for (i = 0; i < 5; i++) {
        char uid[32];

        snprintf(uid, sizeof(uid), "u^R%d", i);
        assert_int_equal(store_put_doc(f->s, uid, FX_PATIENT_CF, T0 + i), FSE_OK);
    }
    memcpy(kid1, fse_store_master_kid(f->s), sizeof(kid1));
    assert_int_equal(fx_reopen(f, f->key2), FSE_E_CRYPTO);
    assert_non_null(strstr(fse_error_last()->message, "wrong master key"));
    assert_null(f->s);
    assert_int_equal(fx_reopen(f, NULL), FSE_OK); /* keyless: documents refused */
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, "u^R1", FSE_STORE_BLOB_PDF),
                     FSE_E_CRYPTO);

    assert_int_equal(fx_reopen(f, f->key), FSE_OK);
    assert_int_equal(fse_store_rotate_master_key(f->s, f->key), FSE_E_ARG);
    assert_int_equal(fse_store_rotate_master_key(f->s, f->key2), FSE_OK);
    assert_string_not_equal(fse_store_master_kid(f->s), kid1);
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, "u^R3", FSE_STORE_BLOB_CDA), FSE_OK);
    fse_free(data);
    assert_int_equal(store_put_doc(f->s, "u^R9", FX_PATIENT_CF, T0), FSE_OK);

    assert_int_equal(fx_reopen(f, f->key), FSE_E_CRYPTO);
    assert_int_equal(fx_reopen(f, f->key2), FSE_OK);
    for (i = 0; i < 5; i++) {
        char uid[32];

        snprintf(uid, sizeof(uid), "u^R%d", i);
        assert_int_equal(fse_store_doc_read(&data, &len, f->s, uid, FSE_STORE_BLOB_PDF), FSE_OK);
        fse_free(data);
    }
    /* Keyed references survive the rotation. */
    memset(&q, 0, sizeof(q));
    q.patient_id = FX_PATIENT_CF;
    q.page_size = 50;
    assert_int_equal(fse_store_doc_search(&l, f->s, &q), FSE_OK);
    assert_int_equal(l->n_docs, 6);
    fse_store_doc_list_free(l);
}

static void replace_update_delete(void **state)
{
    fx *f = *state;
    fse_store_doc_meta m;
    fse_store_doc_meta *got = NULL;
    char pdf[256], cda[1024];
    size_t pdf_len = fx_pdf(pdf, sizeof(pdf), "v2");
    size_t cda_len = fx_cda(cda, sizeof(cda), "v2", FX_PATIENT_CF);
    static const char *const new_codes[] = {"P97"};
    uint8_t *data = NULL;
    size_t len = 0;
    sqlite3 *db;
    sqlite3_stmt *st;

    assert_int_equal(store_put_doc(f->s, "u^V1", FX_PATIENT_CF, T0), FSE_OK);
    fx_meta(&m, "u^V2", FX_PATIENT_XDS);
    m.replaces_unique_id = "u^V1";
    assert_int_equal(fse_store_doc_put(f->s, &m, (const uint8_t *)pdf, pdf_len,
                                       (const uint8_t *)cda, cda_len, T0 + 10, NULL),
                     FSE_OK);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^V1"), FSE_OK);
    assert_int_equal(got->status, FSE_STORE_DOC_DEPRECATED);
    assert_string_equal(got->replaced_by_unique_id, "u^V2");
    assert_int_equal(got->updated_ms, T0 + 10);
    fse_store_doc_meta_free(got);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^V2"), FSE_OK);
    assert_int_equal(got->version, 2);
    assert_string_equal(got->replaces_unique_id, "u^V1");
    fse_store_doc_meta_free(got);
    /* A deprecated version cannot be replaced or updated again. */
    m.unique_id = "u^V3";
    assert_int_equal(fse_store_doc_put(f->s, &m, (const uint8_t *)pdf, pdf_len,
                                       (const uint8_t *)cda, cda_len, T0, NULL),
                     FSE_E_CONFLICT);
    /* Another patient. */
    m.replaces_unique_id = "u^V2";
    m.patient_id = FX_OTHER_CF;
    assert_int_equal(fse_store_doc_put(f->s, &m, (const uint8_t *)pdf, pdf_len,
                                       (const uint8_t *)cda, cda_len, T0, NULL),
                     FSE_E_CONFLICT);
    m.replaces_unique_id = "u^NONE";
    assert_int_equal(fse_store_doc_put(f->s, &m, (const uint8_t *)pdf, pdf_len,
                                       (const uint8_t *)cda, cda_len, T0, NULL),
                     FSE_E_NOT_FOUND);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^V3"), FSE_E_NOT_FOUND);

    /* Metadata update. */
    memset(&m, 0, sizeof(m));
    m.unique_id = "u^V2";
    m.class_code = "LDO";
    m.practice_setting_code = "AD_PSC002";
    m.facility_type_code = "Territorio";
    m.content_type_code = "CON";
    m.event_codes = new_codes;
    m.n_event_codes = 1;
    m.submission_set_id = "2.16.840.1.113883.2.9.2.80.4.3.78";
    assert_int_equal(fse_store_doc_update(f->s, &m, T0 + 20), FSE_OK);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^V2"), FSE_OK);
    assert_string_equal(got->class_code, "LDO");
    assert_string_equal(got->facility_type_code, "Territorio");
    assert_int_equal(got->n_event_codes, 1);
    assert_string_equal(got->event_codes[0], "P97");
    assert_null(got->service_start_time);
    assert_string_equal(got->patient_id, FX_PATIENT_XDS);
    assert_string_equal(got->type_code, "11502-2");
    assert_int_equal(got->updated_ms, T0 + 20);
    fse_store_doc_meta_free(got);
    m.unique_id = "u^V1";
    assert_int_equal(fse_store_doc_update(f->s, &m, T0 + 20), FSE_E_CONFLICT);

    /* Delete: tombstone, bytes and key wiped. */
    assert_int_equal(fse_store_doc_delete(f->s, "u^V2", T0 + 30), FSE_OK);
    assert_int_equal(fse_store_doc_delete(f->s, "u^V2", T0 + 31), FSE_E_CONFLICT);
    assert_int_equal(fse_store_doc_delete(f->s, "u^NONE", T0 + 31), FSE_E_NOT_FOUND);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^V2"), FSE_OK);
    assert_int_equal(got->status, FSE_STORE_DOC_DELETED);
    assert_int_equal(got->deleted_ms, T0 + 30);
    assert_null(got->patient_id);
    fse_store_doc_meta_free(got);
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, "u^V2", FSE_STORE_BLOB_PDF),
                     FSE_E_NOT_FOUND);
    assert_int_equal(store_put_doc(f->s, "u^V2", FX_PATIENT_CF, T0), FSE_E_CONFLICT);
    db = fx_raw(f);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT (SELECT count(*) FROM document_blobs b WHERE"
                                        " b.doc_id = d.doc_id), dk_wrapped IS NULL, meta_ct IS"
                                        " NULL, patient_ref IS NULL FROM documents d WHERE"
                                        " unique_id = 'u^V2'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    assert_int_equal(sqlite3_column_int(st, 1), 1);
    assert_int_equal(sqlite3_column_int(st, 2), 1);
    assert_int_equal(sqlite3_column_int(st, 3), 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void search_by_patient(void **state)
{
    fx *f = *state;
    fse_store_doc_list *l = NULL;
    fse_store_doc_query q;
    fse_store_doc_meta m;
    char pdf[256], cda[1024];
    int i;
    int64_t cursor;
    size_t total = 0;

    for (i = 0; i < 7; i++) {
        char uid[32], ctime[16];
        size_t pdf_len, cda_len;

        snprintf(uid, sizeof(uid), "u^S%d", i);
        snprintf(ctime, sizeof(ctime), "202401%02d120000", i + 1);
        fx_meta(&m, uid, i < 5 ? FX_PATIENT_XDS : FX_OTHER_CF);
        m.type_code = i % 2 == 0 ? "11502-2" : "68604-8";
        m.creation_time = ctime;
        pdf_len = fx_pdf(pdf, sizeof(pdf), uid);
        cda_len = fx_cda(cda, sizeof(cda), uid, FX_PATIENT_CF);
        assert_int_equal(fse_store_doc_put(f->s, &m, (const uint8_t *)pdf, pdf_len,
                                           (const uint8_t *)cda, cda_len, T0 + i, NULL),
                         FSE_OK);
    }
    memset(&q, 0, sizeof(q));
    q.patient_id = " rssmra85t10a562s "; /* normalised: trimmed, upper case */
    q.page_size = 2;
    cursor = 0;
    do {
        q.cursor = cursor;
        assert_int_equal(fse_store_doc_search(&l, f->s, &q), FSE_OK);
        if (total == 0) {
            assert_string_equal(l->docs[0]->unique_id, "u^S4"); /* newest first */
        }
        total += l->n_docs;
        cursor = l->next_cursor;
        assert_true(l->n_docs <= 2);
        fse_store_doc_list_free(l);
    } while (cursor != 0);
    assert_int_equal(total, 5);

    q.page_size = 0;
    q.cursor = 0;
    q.type_code = "68604-8";
    assert_int_equal(fse_store_doc_search(&l, f->s, &q), FSE_OK);
    assert_int_equal(l->n_docs, 2);
    assert_int_equal(l->next_cursor, 0);
    fse_store_doc_list_free(l);
    q.type_code = NULL;
    q.created_from = "20240102000000";
    q.created_to = "20240103235959";
    assert_int_equal(fse_store_doc_search(&l, f->s, &q), FSE_OK);
    assert_int_equal(l->n_docs, 2);
    fse_store_doc_list_free(l);

    /* Deprecated versions only on request. */
    q.created_from = NULL;
    q.created_to = NULL;
    fx_meta(&m, "u^S9", FX_PATIENT_CF);
    m.replaces_unique_id = "u^S0";
    assert_int_equal(fse_store_doc_put(f->s, &m, (const uint8_t *)pdf, 10, (const uint8_t *)cda, 10,
                                       T0 + 9, NULL),
                     FSE_OK);
    assert_int_equal(fse_store_doc_search(&l, f->s, &q), FSE_OK);
    assert_int_equal(l->n_docs, 5);
    fse_store_doc_list_free(l);
    q.statuses = FSE_STORE_STATUS_BIT(FSE_STORE_DOC_APPROVED) |
                 FSE_STORE_STATUS_BIT(FSE_STORE_DOC_DEPRECATED);
    assert_int_equal(fse_store_doc_search(&l, f->s, &q), FSE_OK);
    assert_int_equal(l->n_docs, 6);
    fse_store_doc_list_free(l);
    q.patient_id = "XXXXXX00X00X000X";
    assert_int_equal(fse_store_doc_search(&l, f->s, &q), FSE_OK);
    assert_int_equal(l->n_docs, 0);
    fse_store_doc_list_free(l);
    q.page_size = 101;
    assert_int_equal(fse_store_doc_search(&l, f->s, &q), FSE_E_LIMIT);
}

/* Every allocation of a put, get and read failing in turn: a clean
 * FSE_E_NOMEM (nothing half-written, nothing leaked) or success. */
static void allocation_failures_are_clean(void **state)
{
    fx *f = *state;
    fse_store_doc_meta *got = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    unsigned long n;
    fse_err rc = FSE_E_NOMEM;

    for (n = 1; rc != FSE_OK; n++) {
        fse_alloc_fail_at(n);
        rc = store_put_doc(f->s, "u^NOMEM", FX_PATIENT_CF, T0);
        fse_alloc_fail_at(0);
        assert_true(rc == FSE_OK || rc == FSE_E_NOMEM);
        if (rc == FSE_E_NOMEM) {
            assert_int_equal(fse_store_doc_get(&got, f->s, "u^NOMEM"), FSE_E_NOT_FOUND);
        }
    }
    for (n = 1, rc = FSE_E_NOMEM; rc != FSE_OK; n++) {
        fse_alloc_fail_at(n);
        rc = fse_store_doc_get(&got, f->s, "u^NOMEM");
        fse_alloc_fail_at(0);
        assert_true(rc == FSE_OK || rc == FSE_E_NOMEM);
    }
    fse_store_doc_meta_free(got);
    for (n = 1, rc = FSE_E_NOMEM; rc != FSE_OK; n++) {
        fse_alloc_fail_at(n);
        rc = fse_store_doc_read(&data, &len, f->s, "u^NOMEM", FSE_STORE_BLOB_CDA);
        fse_alloc_fail_at(0);
        assert_true(rc == FSE_OK || rc == FSE_E_NOMEM);
    }
    fse_free(data);
}

static void schema_is_versioned(void **state)
{
    fx *f = *state;
    sqlite3 *db = fx_raw(f);
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), STORE_SCHEMA_VERSION);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    /* A database from a newer build is refused. */
    assert_int_equal(fx_exec(db, "PRAGMA user_version = 99"), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(fx_reopen(f, f->key), FSE_E_UNSUPPORTED);
}

/* The privacy-state tests (test_store_privacy.c) on a fresh store each. */
#define PRIVACY_TEST(t) cmocka_unit_test_setup_teardown(t, store_setup, store_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(keyfile_rules, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(put_get_round_trip, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(no_plaintext_at_rest, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(flipped_byte_is_integrity_error, store_setup,
                                        store_teardown),
        cmocka_unit_test_setup_teardown(swapped_blobs_fail, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(wrong_key_and_rotation, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(replace_update_delete, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(search_by_patient, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(validation_links, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(status_events, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(outbox_lease_backoff_idempotency, store_setup,
                                        store_teardown),
        cmocka_unit_test_setup_teardown(outbox_tampered_payload_is_dead_lettered, store_setup,
                                        store_teardown),
        cmocka_unit_test_setup_teardown(transactions_group_and_roll_back, store_setup,
                                        store_teardown),
        cmocka_unit_test_setup_teardown(allocation_failures_are_clean, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(schema_is_versioned, store_setup, store_teardown),
        PRIVACY_TEST(doc_visibility),
        PRIVACY_TEST(doc_list_patient),
        PRIVACY_TEST(registry_round_trip),
        PRIVACY_TEST(registry_rejects_bad_input),
        PRIVACY_TEST(consent_history),
        PRIVACY_TEST(consent_history_cap),
        PRIVACY_TEST(relations_in_force),
        PRIVACY_TEST(relations_reject_bad_input),
        PRIVACY_TEST(relations_of_actor),
        PRIVACY_TEST(notifications_paging),
        PRIVACY_TEST(privacy_no_plaintext_at_rest),
        PRIVACY_TEST(privacy_tamper_detection),
        PRIVACY_TEST(migration_from_schema_1),
        PRIVACY_TEST(privacy_allocation_failures),
        PRIVACY_TEST(taccuino_round_trip),
        PRIVACY_TEST(taccuino_rejects_bad_input),
        PRIVACY_TEST(taccuino_cap),
        PRIVACY_TEST(taccuino_at_rest),
    };

    if (argc > 1 && strcmp(argv[1], "crash") == 0) {
        return test_store_crash_run();
    }
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
