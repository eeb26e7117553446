/*
 * tests/store/test_store_privacy.c - store tests of document visibility and
 * the listing of a patient's documents.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fse/store.h"
#include "fse/util.h"
#include "store_fixture.h"
#include "test_store.h"

/* Put the sample document uid of pid with a creation time and visibility. */
static fse_err put_doc(fse_store *s, const char *uid, const char *pid, const char *ctime,
                       unsigned visibility, const char *replaces, int64_t now)
{
    fse_store_doc_meta m;
    char pdf[512], cda[1024];
    size_t pdf_len = fx_pdf(pdf, sizeof(pdf), uid);
    size_t cda_len = fx_cda(cda, sizeof(cda), uid, FX_PATIENT_CF);

    fx_meta(&m, uid, pid);
    m.creation_time = ctime;
    m.visibility = visibility;
    m.replaces_unique_id = replaces;
    return fse_store_doc_put(s, &m, (const uint8_t *)pdf, pdf_len, (const uint8_t *)cda, cda_len,
                             now, NULL);
}

/* The query plan of sql on the raw database contains want and no sort. */
static void assert_plan(const fx *f, const char *sql, const char *want)
{
    sqlite3 *db = fx_raw(f);
    sqlite3_stmt *st = NULL;
    char plan[1024] = "";
    size_t used = 0;

    assert_non_null(db);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW && used < sizeof(plan)) {
        int n = snprintf(plan + used, sizeof(plan) - used, "%s;", sqlite3_column_text(st, 3));

        used += n > 0 ? (size_t)n : 0;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (strstr(plan, want) == NULL || strstr(plan, "TEMP B-TREE") != NULL) {
        fail_msg("plan of %s: %s", sql, plan);
    }
}

/* ------------------------------------------------------------------------ */
/* Documents                                                                */
/* ------------------------------------------------------------------------ */

void doc_visibility(void **state)
{
    fx *f = *state;
    const unsigned vis = FSE_STORE_VIS_OBSCURED | FSE_STORE_VIS_TUTELA_RELEASED;
    fse_store_doc_meta *got = NULL;
    fse_store_doc_list *l = NULL;
    fse_store_doc_query q;
    sqlite3 *db;

    assert_int_equal(
        put_doc(f->s, "u^VIS1", FX_PATIENT_CF, "20240101000000", FSE_STORE_VIS_TUTELA, NULL, T0),
        FSE_OK);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^VIS1"), FSE_OK);
    assert_int_equal(got->visibility, FSE_STORE_VIS_TUTELA);
    fse_store_doc_meta_free(got);
    assert_int_equal(put_doc(f->s, "u^VIS2", FX_PATIENT_CF, NULL, 1u << 5, NULL, T0), FSE_E_ARG);

    /* Changed: visible at once to get and search, the record resealed. */
    assert_int_equal(fse_store_doc_visibility_set(f->s, "u^VIS1", vis, T0 + 5), FSE_OK);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^VIS1"), FSE_OK);
    assert_int_equal(got->visibility, vis);
    assert_int_equal(got->updated_ms, T0 + 5);
    assert_int_equal(got->created_ms, T0);
    assert_string_equal(got->patient_id, FX_PATIENT_CF);
    assert_int_equal(got->n_event_codes, 2);
    fse_store_doc_meta_free(got);
    memset(&q, 0, sizeof(q));
    q.patient_id = FX_PATIENT_CF;
    assert_int_equal(fse_store_doc_search(&l, f->s, &q), FSE_OK);
    assert_int_equal(l->n_docs, 1);
    assert_int_equal(l->docs[0]->visibility, vis);
    fse_store_doc_list_free(l);

    assert_int_equal(fse_store_doc_visibility_set(f->s, "u^VIS1", FSE_STORE_VIS_ALL + 1, T0),
                     FSE_E_ARG);
    assert_int_equal(fse_store_doc_visibility_set(f->s, "u^NONE", 0, T0), FSE_E_NOT_FOUND);
    assert_int_equal(fse_store_doc_visibility_set(NULL, "u^VIS1", 0, T0), FSE_E_ARG);

    /* A deprecated version may change; a deleted one is not found. */
    assert_int_equal(put_doc(f->s, "u^VIS3", FX_PATIENT_CF, NULL, 0, "u^VIS1", T0 + 6), FSE_OK);
    assert_int_equal(fse_store_doc_visibility_set(f->s, "u^VIS1", FSE_STORE_VIS_ALL, T0 + 7),
                     FSE_OK);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^VIS1"), FSE_OK);
    assert_int_equal(got->status, FSE_STORE_DOC_DEPRECATED);
    assert_int_equal(got->visibility, FSE_STORE_VIS_ALL);
    fse_store_doc_meta_free(got);
    assert_int_equal(fse_store_doc_delete(f->s, "u^VIS3", T0 + 8), FSE_OK);
    assert_int_equal(fse_store_doc_visibility_set(f->s, "u^VIS3", 0, T0 + 9), FSE_E_NOT_FOUND);

    /* The plain column is checked against the sealed record. */
    db = fx_raw(f);
    assert_non_null(db);
    assert_int_equal(fx_exec(db, "UPDATE documents SET visibility = 0 WHERE unique_id = 'u^VIS1'"),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^VIS1"), FSE_E_CRYPTO);
    assert_non_null(strstr(fse_error_last()->message, "visibility"));
    assert_null(got);
}

/* Unique ids of l, comma-separated, into buf. */
static const char *uids(char *buf, size_t cap, const fse_store_doc_list *l)
{
    size_t i;

    buf[0] = '\0';
    for (i = 0; i < l->n_docs; i++) {
        size_t used = strlen(buf);

        snprintf(buf + used, cap - used, "%s%s", i > 0 ? "," : "", l->docs[i]->unique_id);
    }
    return buf;
}

void doc_list_patient(void **state)
{
    fx *f = *state;
    const unsigned both = FSE_STORE_STATUS_BIT(FSE_STORE_DOC_APPROVED) |
                          FSE_STORE_STATUS_BIT(FSE_STORE_DOC_DEPRECATED);
    fse_store_doc_list *l = NULL;
    bool truncated = true;
    char buf[256];

    assert_int_equal(put_doc(f->s, "u^L1", FX_PATIENT_CF, "20240105000000", 0, NULL, T0), FSE_OK);
    assert_int_equal(put_doc(f->s, "u^L2", FX_PATIENT_XDS, "20240103000000", 0, NULL, T0), FSE_OK);
    assert_int_equal(put_doc(f->s, "u^L3", FX_PATIENT_CF, "20240105000000", 0, NULL, T0), FSE_OK);
    assert_int_equal(put_doc(f->s, "u^L4", FX_PATIENT_CF, NULL, 0, NULL, T0), FSE_OK);
    assert_int_equal(put_doc(f->s, "u^L5", FX_PATIENT_CF, "20240101000000", 0, NULL, T0), FSE_OK);
    assert_int_equal(put_doc(f->s, "u^L6", FX_PATIENT_CF, "20240102000000", 0, "u^L5", T0), FSE_OK);
    assert_int_equal(put_doc(f->s, "u^L7", FX_PATIENT_CF, "20240110000000", 0, NULL, T0), FSE_OK);
    assert_int_equal(fse_store_doc_delete(f->s, "u^L7", T0), FSE_OK);
    assert_int_equal(put_doc(f->s, "u^O1", FX_OTHER_CF, "20240120000000", 0, NULL, T0), FSE_OK);

    /* Newest creation first, ties newest submission first, no time last. */
    assert_int_equal(fse_store_doc_list_patient(&l, &truncated, f->s, FX_PATIENT_XDS, 0, 0),
                     FSE_OK);
    assert_string_equal(uids(buf, sizeof(buf), l), "u^L3,u^L1,u^L2,u^L6,u^L4");
    assert_false(truncated);
    assert_int_equal(l->next_cursor, 0);
    fse_store_doc_list_free(l);
    assert_int_equal(fse_store_doc_list_patient(&l, NULL, f->s, FX_PATIENT_CF, both, 0), FSE_OK);
    assert_string_equal(uids(buf, sizeof(buf), l), "u^L3,u^L1,u^L2,u^L6,u^L5,u^L4");
    fse_store_doc_list_free(l);
    /* Tombstones keep no patient reference. */
    assert_int_equal(fse_store_doc_list_patient(&l, &truncated, f->s, FX_PATIENT_CF,
                                                FSE_STORE_STATUS_BIT(FSE_STORE_DOC_DELETED), 0),
                     FSE_OK);
    assert_int_equal(l->n_docs, 0);
    fse_store_doc_list_free(l);

    /* The cap and the truncated flag. */
    assert_int_equal(fse_store_doc_list_patient(&l, &truncated, f->s, FX_PATIENT_CF, 0, 2), FSE_OK);
    assert_string_equal(uids(buf, sizeof(buf), l), "u^L3,u^L1");
    assert_true(truncated);
    fse_store_doc_list_free(l);
    assert_int_equal(fse_store_doc_list_patient(&l, &truncated, f->s, FX_PATIENT_CF, 0, 5), FSE_OK);
    assert_int_equal(l->n_docs, 5);
    assert_false(truncated);
    fse_store_doc_list_free(l);
    assert_int_equal(fse_store_doc_list_patient(&l, &truncated, f->s, FX_PATIENT_CF, 1u << 6, 0),
                     FSE_E_ARG);
    assert_null(l);
    assert_int_equal(fse_store_doc_list_patient(&l, &truncated, f->s, NULL, 0, 0), FSE_E_ARG);
    assert_int_equal(fse_store_doc_list_patient(&l, &truncated, f->s, "XXXXXX00X00X000X", 0, 0),
                     FSE_OK);
    assert_int_equal(l->n_docs, 0);
    fse_store_doc_list_free(l);

    /* One index range scan in the order returned, no sort. */
    assert_plan(f,
                "EXPLAIN QUERY PLAN SELECT seq, meta_ct FROM documents WHERE patient_ref = ?1"
                " AND ((?2 >> status) & 1) = 1 ORDER BY creation_time DESC, seq DESC LIMIT ?3",
                "USING INDEX documents_patient_time (patient_ref=?)");
}
