/*
 * tests/store/test_store_privacy.c - store tests of document visibility and
 * the listing of a patient's documents, and of the patient privacy state:
 * registry, consent history, relations (in force at a time, ended,
 * flagged, listed per actor) and notifications; protection at rest (no
 * person identifier or text in the files, tampered or moved sealed values
 * and changed plain columns give FSE_E_CRYPTO) and the migration of a real
 * schema-1 database (fixtures/store-v1.sql).
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

/* A delegate and another doctor, never stored in clear. */
#define PV_DELEGATE_CF "BNCMRC80A01H501U"
#define PV_DOCTOR2_CF "GLLLCU75B02F205X"
#define PV_TEXT_MARKER "Notifica-marcatore-41c7"
#define PV_REASON_MARKER "Dichiarazione-marcatore-93b2"

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

/* A relation of kind for actor, valid in [from, to). */
static fse_store_relation relation(fse_store_relation_kind kind, const char *actor, int64_t from,
                                   int64_t to)
{
    fse_store_relation r;

    memset(&r, 0, sizeof(r));
    r.kind = kind;
    r.actor_id = actor;
    r.actor_role = kind == FSE_STORE_REL_DELEGATE ? "ING" : "TUT";
    r.valid_from_ms = from;
    r.valid_to_ms = to;
    return r;
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

/* ------------------------------------------------------------------------ */
/* Registry                                                                 */
/* ------------------------------------------------------------------------ */

static fse_store_patient sample_patient(void)
{
    fse_store_patient p;

    memset(&p, 0, sizeof(p));
    p.patient_id = FX_PATIENT_CF;
    p.birth_date = "19851210";
    p.region = "120";
    p.gp_id = FX_DOCTOR_CF;
    p.gp_from_ms = T0 - 1000;
    return p;
}

void registry_round_trip(void **state)
{
    fx *f = *state;
    fse_store_patient p = sample_patient();
    fse_store_patient *got = NULL;
    char gp_ref[FSE_STORE_REF_LEN];

    assert_int_equal(fse_store_patient_get(&got, f->s, FX_PATIENT_CF), FSE_E_NOT_FOUND);
    assert_null(got);
    assert_int_equal(fse_store_patient_put(f->s, &p, T0), FSE_OK);
    /* Found by either form of the identifier. */
    assert_int_equal(fse_store_patient_get(&got, f->s, FX_PATIENT_XDS), FSE_OK);
    assert_string_equal(got->patient_id, FX_PATIENT_CF);
    assert_string_equal(got->birth_date, "19851210");
    assert_string_equal(got->region, "120");
    assert_string_equal(got->gp_id, FX_DOCTOR_CF);
    assert_int_equal(got->gp_from_ms, T0 - 1000);
    assert_int_equal(got->gp_to_ms, 0);
    assert_false(got->notifications_off);
    assert_string_equal(got->notify_channel, "app");
    assert_int_equal(got->created_ms, T0);
    assert_int_equal(got->updated_ms, T0);
    assert_int_equal(fse_store_ref(gp_ref, f->s, FSE_STORE_REF_ACTOR, FX_DOCTOR_CF), FSE_OK);
    assert_string_equal(got->gp_ref, gp_ref);
    fse_store_patient_free(got);

    /* Replaced whole; the creation time stays. */
    p.region = NULL;
    p.gp_id = NULL;
    p.notify_channel = "email";
    p.notifications_off = true;
    assert_int_equal(fse_store_patient_put(f->s, &p, T0 + 10), FSE_OK);
    assert_int_equal(fse_store_patient_get(&got, f->s, FX_PATIENT_CF), FSE_OK);
    assert_null(got->region);
    assert_null(got->gp_id);
    assert_string_equal(got->gp_ref, "");
    assert_true(got->notifications_off);
    assert_string_equal(got->notify_channel, "email");
    assert_int_equal(got->created_ms, T0);
    assert_int_equal(got->updated_ms, T0 + 10);
    fse_store_patient_free(got);

    /* Notifications on, channel kept; then another channel. */
    assert_int_equal(fse_store_patient_notify_set(f->s, FX_PATIENT_CF, true, NULL, T0 + 20),
                     FSE_OK);
    assert_int_equal(fse_store_patient_get(&got, f->s, FX_PATIENT_CF), FSE_OK);
    assert_false(got->notifications_off);
    assert_string_equal(got->notify_channel, "email");
    assert_int_equal(got->updated_ms, T0 + 20);
    assert_string_equal(got->birth_date, "19851210");
    fse_store_patient_free(got);
    assert_int_equal(fse_store_patient_notify_set(f->s, FX_PATIENT_CF, false, "both", T0 + 30),
                     FSE_OK);
    assert_int_equal(fse_store_patient_get(&got, f->s, FX_PATIENT_CF), FSE_OK);
    assert_true(got->notifications_off);
    assert_string_equal(got->notify_channel, "both");
    fse_store_patient_free(got);
    assert_int_equal(fse_store_patient_notify_set(f->s, FX_PATIENT_CF, true, "sms", T0), FSE_E_ARG);
    assert_int_equal(fse_store_patient_notify_set(f->s, FX_OTHER_CF, true, NULL, T0),
                     FSE_E_NOT_FOUND);
    fse_store_patient_free(NULL);

    /* A master-key rotation rewraps the seal key: the record still opens. */
    assert_int_equal(fse_store_rotate_master_key(f->s, f->key2), FSE_OK);
    assert_int_equal(fx_reopen(f, f->key2), FSE_OK);
    assert_int_equal(fse_store_patient_get(&got, f->s, FX_PATIENT_CF), FSE_OK);
    assert_string_equal(got->notify_channel, "both");
    assert_string_equal(got->gp_ref, "");
    fse_store_patient_free(got);
}

void registry_rejects_bad_input(void **state)
{
    fx *f = *state;
    static const char *const bad_dates[] = {"1985121",  "198512100", "1985121a", "19851310",
                                            "19850000", "19851232",  "",         NULL};
    static const char *const bad_regions[] = {"12", "1200", "12a", "abc"};
    char long_id[300];
    fse_store_patient p;
    fse_store_patient *got = NULL;
    size_t i;

    for (i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]); i++) {
        p = sample_patient();
        p.birth_date = bad_dates[i];
        assert_int_equal(fse_store_patient_put(f->s, &p, T0), FSE_E_ARG);
    }
    for (i = 0; i < sizeof(bad_regions) / sizeof(bad_regions[0]); i++) {
        p = sample_patient();
        p.region = bad_regions[i];
        assert_int_equal(fse_store_patient_put(f->s, &p, T0), FSE_E_ARG);
    }
    p = sample_patient();
    p.notify_channel = "pigeon";
    assert_int_equal(fse_store_patient_put(f->s, &p, T0), FSE_E_ARG);
    p = sample_patient();
    p.gp_to_ms = p.gp_from_ms - 1;
    assert_int_equal(fse_store_patient_put(f->s, &p, T0), FSE_E_ARG);
    p = sample_patient();
    p.patient_id = NULL;
    assert_int_equal(fse_store_patient_put(f->s, &p, T0), FSE_E_ARG);
    memset(long_id, 'A', sizeof(long_id) - 1);
    long_id[sizeof(long_id) - 1] = '\0';
    p = sample_patient();
    p.patient_id = long_id;
    assert_int_equal(fse_store_patient_put(f->s, &p, T0), FSE_E_LIMIT);
    p = sample_patient();
    p.gp_id = long_id;
    assert_int_equal(fse_store_patient_put(f->s, &p, T0), FSE_E_LIMIT);
    assert_int_equal(fse_store_patient_put(f->s, NULL, T0), FSE_E_ARG);
    assert_int_equal(fse_store_patient_get(&got, f->s, FX_PATIENT_CF), FSE_E_NOT_FOUND);
}

/* ------------------------------------------------------------------------ */
/* Consents                                                                 */
/* ------------------------------------------------------------------------ */

void consent_history(void **state)
{
    fx *f = *state;
    static const char *const names[] = {"cura", "prevenzione-regione", "prevenzione-ministero",
                                        "profilassi"};
    fse_store_consent_purpose p;
    fse_store_consent c;
    fse_store_consent_list *l = NULL;
    int64_t id1 = 0, id2 = 0;
    size_t i;

    for (i = 0; i < FSE_STORE_CONSENT_PURPOSES; i++) {
        assert_string_equal(fse_store_consent_purpose_name((fse_store_consent_purpose)i), names[i]);
        assert_true(fse_store_consent_purpose_parse(&p, names[i]));
        assert_int_equal(p, i);
    }
    assert_null(fse_store_consent_purpose_name(FSE_STORE_CONSENT_PURPOSES));
    assert_null(fse_store_consent_purpose_name((fse_store_consent_purpose)-1));
    assert_false(fse_store_consent_purpose_parse(&p, "Cura"));
    assert_false(fse_store_consent_purpose_parse(&p, NULL));

    assert_int_equal(fse_store_consent_list_get(&l, f->s, FX_PATIENT_CF), FSE_OK);
    assert_int_equal(l->n_consents, 0);
    fse_store_consent_list_free(l);

    memset(&c, 0, sizeof(c));
    c.purpose = FSE_STORE_CONSENT_CURA;
    c.given = true;
    c.time_ms = T0 + 100;
    c.channel = "web";
    c.actor_id = FX_PATIENT_CF;
    c.actor_role = "ASS";
    assert_int_equal(fse_store_consent_add(f->s, FX_PATIENT_CF, &c, &id1), FSE_OK);
    /* Recorded later but about an earlier moment: listed first. */
    c.purpose = FSE_STORE_CONSENT_PROFILASSI;
    c.time_ms = T0 + 50;
    c.channel = "sportello";
    c.actor_id = FX_DOCTOR_CF;
    c.actor_role = "TUT";
    c.patient_minor = true;
    assert_int_equal(fse_store_consent_add(f->s, FX_PATIENT_XDS, &c, &id2), FSE_OK);
    c.purpose = FSE_STORE_CONSENT_CURA;
    c.given = false;
    c.time_ms = T0 + 200;
    c.channel = NULL;
    c.actor_id = NULL;
    c.actor_role = NULL;
    c.patient_minor = false;
    assert_int_equal(fse_store_consent_add(f->s, FX_PATIENT_CF, &c, NULL), FSE_OK);
    assert_true(id2 > id1);

    assert_int_equal(fse_store_consent_list_get(&l, f->s, FX_PATIENT_CF), FSE_OK);
    assert_int_equal(l->n_consents, 3);
    assert_int_equal(l->consents[0].id, id2);
    assert_int_equal(l->consents[0].purpose, FSE_STORE_CONSENT_PROFILASSI);
    assert_true(l->consents[0].given);
    assert_true(l->consents[0].patient_minor);
    assert_string_equal(l->consents[0].channel, "sportello");
    assert_string_equal(l->consents[0].actor_id, FX_DOCTOR_CF);
    assert_string_equal(l->consents[0].actor_role, "TUT");
    assert_int_equal(l->consents[1].id, id1);
    assert_string_equal(l->consents[1].actor_id, FX_PATIENT_CF);
    assert_int_equal(l->consents[1].time_ms, T0 + 100);
    assert_int_equal(l->consents[2].purpose, FSE_STORE_CONSENT_CURA);
    assert_false(l->consents[2].given);
    assert_null(l->consents[2].actor_id);
    assert_null(l->consents[2].channel);
    fse_store_consent_list_free(l);
    assert_int_equal(fse_store_consent_list_get(&l, f->s, FX_OTHER_CF), FSE_OK);
    assert_int_equal(l->n_consents, 0);
    fse_store_consent_list_free(l);

    c.purpose = FSE_STORE_CONSENT_PURPOSES;
    assert_int_equal(fse_store_consent_add(f->s, FX_PATIENT_CF, &c, NULL), FSE_E_ARG);
    c.purpose = (fse_store_consent_purpose)-1;
    assert_int_equal(fse_store_consent_add(f->s, FX_PATIENT_CF, &c, NULL), FSE_E_ARG);
    fse_store_consent_list_free(NULL);
}

void consent_history_cap(void **state)
{
    fx *f = *state;
    fse_store_consent c;
    fse_store_consent_list *l = NULL;
    char long_channel[300];
    unsigned i;

    memset(&c, 0, sizeof(c));
    c.purpose = FSE_STORE_CONSENT_CURA;
    c.channel = "app";
    assert_int_equal(fse_store_tx_begin(f->s), FSE_OK);
    for (i = 0; i < 1000; i++) {
        c.given = i % 2 == 0;
        c.time_ms = T0 + i;
        assert_int_equal(fse_store_consent_add(f->s, FX_PATIENT_CF, &c, NULL), FSE_OK);
    }
    assert_int_equal(fse_store_tx_commit(f->s), FSE_OK);
    assert_int_equal(fse_store_consent_add(f->s, FX_PATIENT_CF, &c, NULL), FSE_E_LIMIT);
    assert_int_equal(fse_store_consent_list_get(&l, f->s, FX_PATIENT_CF), FSE_OK);
    assert_int_equal(l->n_consents, 1000);
    assert_int_equal(l->consents[999].time_ms, T0 + 999);
    fse_store_consent_list_free(l);
    /* Another patient is not affected; fields are bounded. */
    assert_int_equal(fse_store_consent_add(f->s, FX_OTHER_CF, &c, NULL), FSE_OK);
    memset(long_channel, 'w', sizeof(long_channel) - 1);
    long_channel[sizeof(long_channel) - 1] = '\0';
    c.channel = long_channel;
    assert_int_equal(fse_store_consent_add(f->s, FX_OTHER_CF, &c, NULL), FSE_E_LIMIT);
}

/* ------------------------------------------------------------------------ */
/* Relations                                                                */
/* ------------------------------------------------------------------------ */

/* Ids of the relations of patient (kinds, actor) in force at at, as "a,b". */
static const char *in_force(char *buf, size_t cap, fse_store *s, const char *patient,
                            unsigned kinds, const char *actor, int64_t at)
{
    fse_store_relation_query q = {patient, kinds, actor, at};
    fse_store_relation_list *l = NULL;
    size_t i;

    assert_int_equal(fse_store_relation_list_get(&l, s, &q), FSE_OK);
    buf[0] = '\0';
    for (i = 0; i < l->n_relations; i++) {
        size_t used = strlen(buf);

        snprintf(buf + used, cap - used, "%s%lld", i > 0 ? "," : "", (long long)l->relations[i].id);
    }
    fse_store_relation_list_free(l);
    return buf;
}

void relations_in_force(void **state)
{
    fx *f = *state;
    fse_store_relation r;
    fse_store_relation_list *l = NULL;
    fse_store_relation_query q;
    char ref[FSE_STORE_REF_LEN];
    char buf[128], want[128];
    int64_t d = 0, g = 0, p = 0, c = 0;

    /* Delegate [T0, T0+1000), open guardian from T0, a parent from
     * T0+500, a care declaration ended at T0+300. */
    r = relation(FSE_STORE_REL_DELEGATE, PV_DELEGATE_CF, T0, T0 + 1000);
    r.reason = "delega " PV_REASON_MARKER;
    assert_int_equal(fse_store_relation_add(f->s, FX_PATIENT_CF, &r, &d), FSE_OK);
    r = relation(FSE_STORE_REL_GUARDIAN, FX_DOCTOR_CF, T0, 0);
    assert_int_equal(fse_store_relation_add(f->s, FX_PATIENT_XDS, &r, &g), FSE_OK);
    r = relation(FSE_STORE_REL_PARENT, PV_DELEGATE_CF, T0 + 500, 0);
    assert_int_equal(fse_store_relation_add(f->s, FX_PATIENT_CF, &r, &p), FSE_OK);
    r = relation(FSE_STORE_REL_CARE, PV_DOCTOR2_CF, T0, T0 + 100000);
    r.organisation = "080105";
    r.actor_role = "APR";
    assert_int_equal(fse_store_relation_add(f->s, FX_PATIENT_CF, &r, &c), FSE_OK);
    assert_int_equal(fse_store_relation_end(f->s, FX_PATIENT_CF, c, T0 + 300), FSE_OK);

    snprintf(want, sizeof(want), "%lld,%lld,%lld,%lld", (long long)d, (long long)g, (long long)p,
             (long long)c);
    assert_string_equal(in_force(buf, sizeof(buf), f->s, FX_PATIENT_CF, 0, NULL, 0), want);
    assert_string_equal(in_force(buf, sizeof(buf), f->s, FX_PATIENT_CF, 0, NULL, T0 - 1), "");
    snprintf(want, sizeof(want), "%lld,%lld", (long long)d, (long long)g);
    assert_string_equal(in_force(buf, sizeof(buf), f->s, FX_PATIENT_CF, 0, NULL, T0), want);
    snprintf(want, sizeof(want), "%lld,%lld,%lld", (long long)d, (long long)g, (long long)p);
    assert_string_equal(in_force(buf, sizeof(buf), f->s, FX_PATIENT_CF, 0, NULL, T0 + 999), want);
    snprintf(want, sizeof(want), "%lld,%lld", (long long)g, (long long)p);
    assert_string_equal(in_force(buf, sizeof(buf), f->s, FX_PATIENT_CF, 0, NULL, T0 + 1000), want);
    /* Ended: out of force at once, even for a time before the end. */
    assert_string_equal(in_force(buf, sizeof(buf), f->s, FX_PATIENT_CF,
                                 FSE_STORE_REL_BIT(FSE_STORE_REL_CARE), NULL, T0 + 1),
                        "");
    /* Kind mask and actor filter. */
    snprintf(want, sizeof(want), "%lld", (long long)p);
    assert_string_equal(in_force(buf, sizeof(buf), f->s, FX_PATIENT_CF,
                                 FSE_STORE_REL_BIT(FSE_STORE_REL_PARENT), NULL, 0),
                        want);
    snprintf(want, sizeof(want), "%lld,%lld", (long long)d, (long long)p);
    assert_string_equal(in_force(buf, sizeof(buf), f->s, FX_PATIENT_CF, 0, " bncmrc80a01h501u", 0),
                        want);
    snprintf(want, sizeof(want), "%lld", (long long)d);
    assert_string_equal(in_force(buf, sizeof(buf), f->s, FX_PATIENT_CF, 0, PV_DELEGATE_CF, T0),
                        want);
    assert_string_equal(in_force(buf, sizeof(buf), f->s, FX_OTHER_CF, 0, NULL, 0), "");

    /* Every field back; the actor as a keyed reference. */
    memset(&q, 0, sizeof(q));
    q.patient_id = FX_PATIENT_CF;
    q.kinds = FSE_STORE_REL_BIT(FSE_STORE_REL_DELEGATE) | FSE_STORE_REL_BIT(FSE_STORE_REL_CARE);
    assert_int_equal(fse_store_relation_list_get(&l, f->s, &q), FSE_OK);
    assert_int_equal(l->n_relations, 2);
    assert_int_equal(l->relations[0].kind, FSE_STORE_REL_DELEGATE);
    assert_string_equal(l->relations[0].actor_id, PV_DELEGATE_CF);
    assert_string_equal(l->relations[0].actor_role, "ING");
    assert_null(l->relations[0].organisation);
    assert_string_equal(l->relations[0].reason, "delega " PV_REASON_MARKER);
    assert_int_equal(l->relations[0].valid_from_ms, T0);
    assert_int_equal(l->relations[0].valid_to_ms, T0 + 1000);
    assert_int_equal(l->relations[0].ended_ms, 0);
    assert_true(l->relations[0].created_ms > 0);
    assert_int_equal(fse_store_ref(ref, f->s, FSE_STORE_REF_ACTOR, PV_DELEGATE_CF), FSE_OK);
    assert_string_equal(l->relations[0].actor_ref, ref);
    assert_int_equal(l->relations[1].ended_ms, T0 + 300);
    assert_string_equal(l->relations[1].organisation, "080105");
    assert_null(l->relations[1].reason);
    fse_store_relation_list_free(l);

    /* End and flag: once, and only for the patient's own relation. */
    assert_int_equal(fse_store_relation_end(f->s, FX_PATIENT_CF, c, T0 + 400), FSE_E_NOT_FOUND);
    assert_int_equal(fse_store_relation_end(f->s, FX_OTHER_CF, d, T0 + 400), FSE_E_NOT_FOUND);
    assert_int_equal(fse_store_relation_end(f->s, FX_PATIENT_CF, 999999, T0 + 400),
                     FSE_E_NOT_FOUND);
    assert_int_equal(fse_store_relation_end(f->s, FX_PATIENT_CF, d, 0), FSE_E_ARG);
    assert_int_equal(fse_store_relation_flag(f->s, FX_OTHER_CF, d, FSE_STORE_REL_F_PSS_READ),
                     FSE_E_NOT_FOUND);
    assert_int_equal(fse_store_relation_flag(f->s, FX_PATIENT_CF, d, 1u << 4), FSE_E_ARG);
    assert_int_equal(fse_store_relation_flag(f->s, FX_PATIENT_CF, d, FSE_STORE_REL_F_PSS_READ),
                     FSE_OK);
    assert_int_equal(fse_store_relation_end(f->s, FX_PATIENT_XDS, d, T0 + 400), FSE_OK);
    q.kinds = FSE_STORE_REL_BIT(FSE_STORE_REL_DELEGATE);
    assert_int_equal(fse_store_relation_list_get(&l, f->s, &q), FSE_OK);
    assert_int_equal(l->n_relations, 1);
    assert_int_equal(l->relations[0].flags, FSE_STORE_REL_F_PSS_READ);
    assert_int_equal(l->relations[0].ended_ms, T0 + 400);
    assert_string_equal(l->relations[0].reason, "delega " PV_REASON_MARKER);
    fse_store_relation_list_free(l);
    snprintf(want, sizeof(want), "%lld,%lld", (long long)g, (long long)p);
    assert_string_equal(in_force(buf, sizeof(buf), f->s, FX_PATIENT_CF, 0, NULL, T0 + 600), want);
    fse_store_relation_list_free(NULL);
}

void relations_reject_bad_input(void **state)
{
    fx *f = *state;
    fse_store_relation r = relation(FSE_STORE_REL_DELEGATE, PV_DELEGATE_CF, T0, T0 + 10);
    fse_store_relation_query q = {FX_PATIENT_CF, 0, NULL, 0};
    fse_store_relation_list *l = NULL;
    fse_store_actor_relation_list *al = NULL;
    char long_org[300];

    r.kind = (fse_store_relation_kind)0;
    assert_int_equal(fse_store_relation_add(f->s, FX_PATIENT_CF, &r, NULL), FSE_E_ARG);
    r.kind = (fse_store_relation_kind)6;
    assert_int_equal(fse_store_relation_add(f->s, FX_PATIENT_CF, &r, NULL), FSE_E_ARG);
    r = relation(FSE_STORE_REL_DELEGATE, PV_DELEGATE_CF, T0, T0);
    assert_int_equal(fse_store_relation_add(f->s, FX_PATIENT_CF, &r, NULL), FSE_E_ARG);
    r = relation(FSE_STORE_REL_DELEGATE, NULL, T0, 0);
    assert_int_equal(fse_store_relation_add(f->s, FX_PATIENT_CF, &r, NULL), FSE_E_ARG);
    r = relation(FSE_STORE_REL_DELEGATE, PV_DELEGATE_CF, T0, 0);
    r.flags = 1u << 3;
    assert_int_equal(fse_store_relation_add(f->s, FX_PATIENT_CF, &r, NULL), FSE_E_ARG);
    memset(long_org, 'O', sizeof(long_org) - 1);
    long_org[sizeof(long_org) - 1] = '\0';
    r = relation(FSE_STORE_REL_CARE, PV_DELEGATE_CF, T0, 0);
    r.organisation = long_org;
    assert_int_equal(fse_store_relation_add(f->s, FX_PATIENT_CF, &r, NULL), FSE_E_LIMIT);
    assert_int_equal(fse_store_relation_add(f->s, NULL, &r, NULL), FSE_E_ARG);

    q.kinds = 1u << 7;
    assert_int_equal(fse_store_relation_list_get(&l, f->s, &q), FSE_E_ARG);
    q.kinds = 0;
    q.at_ms = -1;
    assert_int_equal(fse_store_relation_list_get(&l, f->s, &q), FSE_E_ARG);
    q.at_ms = 0;
    q.patient_id = NULL;
    assert_int_equal(fse_store_relation_list_get(&l, f->s, &q), FSE_E_ARG);
    assert_null(l);
    assert_int_equal(fse_store_relation_of_actor(&al, f->s, NULL, 0, 0), FSE_E_ARG);
    assert_int_equal(fse_store_relation_of_actor(&al, f->s, PV_DELEGATE_CF, 1u, 0), FSE_E_ARG);
    assert_null(al);
}

void relations_of_actor(void **state)
{
    fx *f = *state;
    fse_store_relation r;
    fse_store_actor_relation_list *l = NULL;
    int64_t a = 0, b = 0, ended = 0;

    r = relation(FSE_STORE_REL_DELEGATE, PV_DELEGATE_CF, T0, 0);
    assert_int_equal(fse_store_relation_add(f->s, FX_PATIENT_XDS, &r, &a), FSE_OK);
    r = relation(FSE_STORE_REL_GUARDIAN, PV_DELEGATE_CF, T0, T0 + 50);
    assert_int_equal(fse_store_relation_add(f->s, FX_OTHER_CF, &r, &b), FSE_OK);
    r = relation(FSE_STORE_REL_DELEGATE, PV_DELEGATE_CF, T0, 0);
    assert_int_equal(fse_store_relation_add(f->s, FX_OTHER_CF, &r, &ended), FSE_OK);
    assert_int_equal(fse_store_relation_end(f->s, FX_OTHER_CF, ended, T0 + 1), FSE_OK);
    r = relation(FSE_STORE_REL_DELEGATE, FX_DOCTOR_CF, T0, 0);
    assert_int_equal(fse_store_relation_add(f->s, FX_OTHER_CF, &r, NULL), FSE_OK);

    /* Whom the delegate can act for now: the patients decrypted for them. */
    assert_int_equal(fse_store_relation_of_actor(&l, f->s, PV_DELEGATE_CF "^^^&ISO", 0, T0 + 10),
                     FSE_OK);
    assert_int_equal(l->n, 2);
    assert_int_equal(l->items[0].rel.id, a);
    assert_string_equal(l->items[0].patient_id, FX_PATIENT_XDS);
    assert_string_equal(l->items[0].rel.actor_id, PV_DELEGATE_CF);
    assert_int_equal(l->items[0].rel.kind, FSE_STORE_REL_DELEGATE);
    assert_int_equal(l->items[1].rel.id, b);
    assert_string_equal(l->items[1].patient_id, FX_OTHER_CF);
    assert_int_equal(l->items[1].rel.valid_to_ms, T0 + 50);
    fse_store_actor_relation_list_free(l);
    /* Later the guardianship has expired; kinds filter; all with at 0. */
    assert_int_equal(fse_store_relation_of_actor(&l, f->s, PV_DELEGATE_CF, 0, T0 + 50), FSE_OK);
    assert_int_equal(l->n, 1);
    fse_store_actor_relation_list_free(l);
    assert_int_equal(fse_store_relation_of_actor(&l, f->s, PV_DELEGATE_CF,
                                                 FSE_STORE_REL_BIT(FSE_STORE_REL_GUARDIAN), 0),
                     FSE_OK);
    assert_int_equal(l->n, 1);
    assert_int_equal(l->items[0].rel.id, b);
    fse_store_actor_relation_list_free(l);
    assert_int_equal(fse_store_relation_of_actor(&l, f->s, PV_DELEGATE_CF, 0, 0), FSE_OK);
    assert_int_equal(l->n, 3);
    assert_int_equal(l->items[2].rel.ended_ms, T0 + 1);
    fse_store_actor_relation_list_free(l);
    assert_int_equal(fse_store_relation_of_actor(&l, f->s, PV_DOCTOR2_CF, 0, 0), FSE_OK);
    assert_int_equal(l->n, 0);
    fse_store_actor_relation_list_free(l);
    fse_store_actor_relation_list_free(NULL);

    /* The listing reads the actor index. */
    assert_plan(f,
                "EXPLAIN QUERY PLAN SELECT id, sealed FROM relations WHERE actor_ref = ?2"
                " AND (?1 IS NULL OR patient_ref = ?1) AND (?3 = 0 OR id = ?3) ORDER BY id",
                "USING INDEX relations_actor (actor_ref=?)");
    assert_plan(f,
                "EXPLAIN QUERY PLAN SELECT id, sealed FROM relations WHERE patient_ref = ?1"
                " AND (?2 IS NULL OR actor_ref = ?2) AND (?3 = 0 OR id = ?3) ORDER BY id",
                "USING INDEX relations_patient (patient_ref=?)");
}

/* ------------------------------------------------------------------------ */
/* Notifications                                                            */
/* ------------------------------------------------------------------------ */

void notifications_paging(void **state)
{
    fx *f = *state;
    static const char *const kinds[] = {"ACCESS", "EMERGENCY", "CONSENT", "OBSCURING", "DELEGATE"};
    fse_store_notification n;
    fse_store_notification_list *l = NULL;
    int64_t ids[5];
    size_t i;

    memset(&n, 0, sizeof(n));
    for (i = 0; i < 5; i++) {
        n.time_ms = T0 + (int64_t)i;
        n.kind = kinds[i];
        n.text = i == 0 ? "Accesso al Fascicolo " PV_TEXT_MARKER : "Evento";
        n.channel = i % 2 == 0 ? "app" : NULL;
        assert_int_equal(fse_store_notification_add(f->s, FX_PATIENT_CF, &n, &ids[i]), FSE_OK);
    }
    n.kind = "PUBLICATION";
    assert_int_equal(fse_store_notification_add(f->s, FX_OTHER_CF, &n, NULL), FSE_OK);

    assert_int_equal(fse_store_notification_list_get(&l, f->s, FX_PATIENT_XDS, 0, 0), FSE_OK);
    assert_int_equal(l->n, 5);
    assert_int_equal(l->items[0].id, ids[4]);
    assert_string_equal(l->items[0].kind, "DELEGATE");
    assert_int_equal(l->items[4].id, ids[0]);
    assert_string_equal(l->items[4].text, "Accesso al Fascicolo " PV_TEXT_MARKER);
    assert_string_equal(l->items[4].channel, "app");
    assert_int_equal(l->items[4].time_ms, T0);
    assert_null(l->items[3].channel);
    fse_store_notification_list_free(l);
    /* Pages of two below a cursor. */
    assert_int_equal(fse_store_notification_list_get(&l, f->s, FX_PATIENT_CF, ids[3], 2), FSE_OK);
    assert_int_equal(l->n, 2);
    assert_int_equal(l->items[0].id, ids[2]);
    assert_int_equal(l->items[1].id, ids[1]);
    fse_store_notification_list_free(l);
    assert_int_equal(fse_store_notification_list_get(&l, f->s, FX_PATIENT_CF, ids[0], 2), FSE_OK);
    assert_int_equal(l->n, 0);
    fse_store_notification_list_free(l);

    n.kind = "SPAM";
    assert_int_equal(fse_store_notification_add(f->s, FX_PATIENT_CF, &n, NULL), FSE_E_ARG);
    n.kind = "ACCESS";
    n.channel = "fax";
    assert_int_equal(fse_store_notification_add(f->s, FX_PATIENT_CF, &n, NULL), FSE_E_ARG);
    n.channel = NULL;
    n.text = NULL;
    assert_int_equal(fse_store_notification_add(f->s, FX_PATIENT_CF, &n, NULL), FSE_E_ARG);
    assert_int_equal(fse_store_notification_list_get(&l, f->s, FX_PATIENT_CF, 0, 1001),
                     FSE_E_LIMIT);
    assert_int_equal(fse_store_notification_list_get(&l, f->s, FX_PATIENT_CF, -1, 0), FSE_E_ARG);
    assert_null(l);
    fse_store_notification_list_free(NULL);
}

/* ------------------------------------------------------------------------ */
/* Protection at rest                                                       */
/* ------------------------------------------------------------------------ */

/* Write one of everything, naming persons and carrying marker texts. */
static void fill_privacy_state(fx *f)
{
    fse_store_patient p = sample_patient();
    fse_store_consent c;
    fse_store_relation r;
    fse_store_notification n;

    assert_int_equal(fse_store_patient_put(f->s, &p, T0), FSE_OK);
    memset(&c, 0, sizeof(c));
    c.purpose = FSE_STORE_CONSENT_CURA;
    c.given = true;
    c.time_ms = T0;
    c.actor_id = PV_DELEGATE_CF;
    assert_int_equal(fse_store_consent_add(f->s, FX_PATIENT_CF, &c, NULL), FSE_OK);
    r = relation(FSE_STORE_REL_DELEGATE, PV_DELEGATE_CF, T0, 0);
    r.reason = PV_REASON_MARKER " per " FX_OTHER_CF;
    assert_int_equal(fse_store_relation_add(f->s, FX_PATIENT_CF, &r, NULL), FSE_OK);
    r = relation(FSE_STORE_REL_EMERGENCY, PV_DOCTOR2_CF, T0, T0 + 3600000);
    assert_int_equal(fse_store_relation_add(f->s, FX_OTHER_CF, &r, NULL), FSE_OK);
    memset(&n, 0, sizeof(n));
    n.time_ms = T0;
    n.kind = "ACCESS";
    n.text = PV_TEXT_MARKER;
    assert_int_equal(fse_store_notification_add(f->s, FX_PATIENT_CF, &n, NULL), FSE_OK);
}

static void assert_no_persons(const fx *f)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    static const char *const needles[] = {FX_PATIENT_CF,  FX_OTHER_CF,     FX_DOCTOR_CF,
                                          PV_DELEGATE_CF, PV_DOCTOR2_CF,   PV_TEXT_MARKER,
                                          "19851210",     PV_REASON_MARKER};
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

void privacy_no_plaintext_at_rest(void **state)
{
    fx *f = *state;

    fill_privacy_state(f);
    assert_no_persons(f);
    fse_store_free(f->s);
    f->s = NULL;
    assert_no_persons(f);
    /* Keyless: nothing opens. */
    assert_int_equal(fx_reopen(f, NULL), FSE_OK);
    {
        fse_store_patient *p = NULL;
        fse_store_consent_list *l = NULL;

        assert_int_equal(fse_store_patient_get(&p, f->s, FX_PATIENT_CF), FSE_E_CRYPTO);
        assert_int_equal(fse_store_consent_list_get(&l, f->s, FX_PATIENT_CF), FSE_E_CRYPTO);
    }
    assert_int_equal(fx_reopen(f, f->key), FSE_OK);
}

/* Run sql on the raw database, then expect FSE_E_CRYPTO from each reader. */
static void tamper(fx *f, const char *sql)
{
    sqlite3 *db = fx_raw(f);

    assert_non_null(db);
    if (fx_exec(db, sql) != SQLITE_OK) {
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    }
    sqlite3_close(db);
}

static fse_err read_relations(fx *f, const char *patient)
{
    fse_store_relation_query q = {patient, 0, NULL, 0};
    fse_store_relation_list *l = NULL;
    fse_err rc = fse_store_relation_list_get(&l, f->s, &q);

    fse_store_relation_list_free(l);
    return rc;
}

void privacy_tamper_detection(void **state)
{
    fx *f = *state;
    fse_store_patient *p = NULL;
    fse_store_consent_list *cl = NULL;
    fse_store_notification_list *nl = NULL;
    fse_store_actor_relation_list *al = NULL;
    sqlite3 *db;

    fill_privacy_state(f);
    /* Registry: a plain column, then a flipped sealed byte. */
    tamper(f, "UPDATE patients SET region = '010'");
    assert_int_equal(fse_store_patient_get(&p, f->s, FX_PATIENT_CF), FSE_E_CRYPTO);
    assert_null(p);
    fill_privacy_state(f);
    db = fx_raw(f);
    assert_int_equal(fx_flip_blob(db, "patients", "sealed", "1 = 1", 20), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(fse_store_patient_get(&p, f->s, FX_PATIENT_CF), FSE_E_CRYPTO);
    assert_int_equal(fse_store_patient_notify_set(f->s, FX_PATIENT_CF, false, NULL, T0),
                     FSE_E_CRYPTO);
    fill_privacy_state(f);
    tamper(f, "UPDATE patients SET notifications_off = 1");
    assert_int_equal(fse_store_patient_get(&p, f->s, FX_PATIENT_CF), FSE_E_CRYPTO);

    /* Relations: an ended one brought back, a sealed value moved to
     * another patient's row, flags changed. */
    assert_int_equal(read_relations(f, FX_PATIENT_CF), FSE_OK);
    assert_int_equal(fse_store_relation_end(f->s, FX_PATIENT_CF, 1, T0 + 1), FSE_OK);
    tamper(f, "UPDATE relations SET ended_ms = NULL WHERE id = 1");
    assert_int_equal(read_relations(f, FX_PATIENT_CF), FSE_E_CRYPTO);
    assert_non_null(strstr(fse_error_last()->message, "relation 1"));
    tamper(f, "UPDATE relations SET sealed = (SELECT sealed FROM relations WHERE id = 3)"
              " WHERE id = 2");
    assert_int_equal(read_relations(f, FX_OTHER_CF), FSE_E_CRYPTO);
    assert_int_equal(fse_store_relation_of_actor(&al, f->s, PV_DOCTOR2_CF, 0, 0), FSE_E_CRYPTO);
    assert_null(al);
    /* (fill_privacy_state ran three times: relations 1, 3, 5 are the
     * patient's delegates, 2, 4, 6 the other patient's emergency grants.) */
    tamper(f, "UPDATE relations SET flags = 1 WHERE id = 5");
    assert_int_equal(fse_store_relation_flag(f->s, FX_PATIENT_CF, 5, FSE_STORE_REL_F_PSS_READ),
                     FSE_E_CRYPTO);

    /* Consents are append-only for application code; past the trigger a
     * changed act is caught. */
    db = fx_raw(f);
    assert_int_not_equal(fx_exec(db, "UPDATE consents SET given = 0"), SQLITE_OK);
    assert_int_not_equal(fx_exec(db, "DELETE FROM consents"), SQLITE_OK);
    assert_int_equal(fx_exec(db, "DROP TRIGGER consents_no_update;"
                                 "UPDATE consents SET given = 0 WHERE id = 1"),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(fse_store_consent_list_get(&cl, f->s, FX_PATIENT_CF), FSE_E_CRYPTO);
    assert_null(cl);

    /* Notifications: the plain kind. */
    tamper(f, "UPDATE notifications SET kind = 'CONSENT' WHERE id = 1");
    assert_int_equal(fse_store_notification_list_get(&nl, f->s, FX_PATIENT_CF, 0, 0), FSE_E_CRYPTO);
    assert_null(nl);
}

/* ------------------------------------------------------------------------ */
/* Migration                                                                */
/* ------------------------------------------------------------------------ */

/* Replace the fixture's database and key by the schema-1 fixture. */
static void load_v1(fx *f)
{
    char side[PATH_MAX + 8];
    uint8_t *sql = NULL;
    uint8_t *key = NULL;
    size_t sql_len = 0, key_len = 0;
    sqlite3 *db = NULL;
    FILE *fp;

    fse_store_free(f->s);
    f->s = NULL;
    assert_int_equal(remove(f->db), 0);
    snprintf(side, sizeof(side), "%s-wal", f->db);
    (void)remove(side);
    snprintf(side, sizeof(side), "%s-shm", f->db);
    (void)remove(side);
    assert_int_equal(fse_file_read(FSE_TEST_DIR "/fixtures/store-v1.sql", 1u << 20, &sql, &sql_len),
                     FSE_OK);
    assert_int_equal(fse_file_read(FSE_TEST_DIR "/fixtures/store-v1.key", 1024, &key, &key_len),
                     FSE_OK);
    fp = fopen(f->key, "w"); /* keeps the 0600 mode of the fixture's key file */
    assert_non_null(fp);
    assert_int_equal(fwrite(key, 1, key_len, fp), key_len);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(fx_exec(db, "PRAGMA journal_mode=WAL"), SQLITE_OK);
    if (fx_exec(db, (const char *)sql) != SQLITE_OK) {
        fail_msg("loading store-v1.sql: %s", sqlite3_errmsg(db));
    }
    sqlite3_close(db);
    fse_free(sql);
    fse_free(key);
}

static int user_version(const fx *f)
{
    sqlite3 *db = fx_raw(f);
    sqlite3_stmt *st = NULL;
    int v = -1;

    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        v = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

void migration_from_schema_1(void **state)
{
    fx *f = *state;
    fse_store_doc_meta *got = NULL;
    fse_store_doc_list *l = NULL;
    fse_store_patient p = sample_patient();
    uint8_t *data = NULL;
    size_t len = 0;
    bool truncated = true;
    char buf[128];

    load_v1(f);
    assert_int_equal(user_version(f), 1);
    assert_int_equal(fx_reopen(f, f->key), FSE_OK);
    assert_int_equal(user_version(f), STORE_SCHEMA_VERSION);

    /* Old records: no visibility sealed, the new column's default 0. */
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^OLD1"), FSE_OK);
    assert_int_equal(got->visibility, 0);
    assert_string_equal(got->patient_id, FX_PATIENT_CF);
    fse_store_doc_meta_free(got);
    assert_int_equal(fse_store_doc_read(&data, &len, f->s, "u^OLD3", FSE_STORE_BLOB_CDA), FSE_OK);
    assert_non_null(strstr((const char *)data, "u^OLD3"));
    fse_free(data);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^OLD4"), FSE_OK);
    assert_int_equal(got->status, FSE_STORE_DOC_DELETED);
    fse_store_doc_meta_free(got);
    assert_int_equal(fse_store_doc_list_patient(&l, &truncated, f->s, FX_PATIENT_CF, 0, 0), FSE_OK);
    assert_string_equal(uids(buf, sizeof(buf), l), "u^OLD1,u^OLD3");
    assert_false(truncated);
    fse_store_doc_list_free(l);
    assert_int_equal(fse_store_doc_list_patient(&l, NULL, f->s, FX_PATIENT_CF,
                                                FSE_STORE_STATUS_BIT(FSE_STORE_DOC_APPROVED) |
                                                    FSE_STORE_STATUS_BIT(FSE_STORE_DOC_DEPRECATED),
                                                0),
                     FSE_OK);
    assert_string_equal(uids(buf, sizeof(buf), l), "u^OLD1,u^OLD3,u^OLD2");
    fse_store_doc_list_free(l);

    /* An old record resealed with visibility; new state on the old node. */
    assert_int_equal(fse_store_doc_visibility_set(f->s, "u^OLD1", FSE_STORE_VIS_OBSCURED, T0),
                     FSE_OK);
    assert_int_equal(fse_store_doc_get(&got, f->s, "u^OLD1"), FSE_OK);
    assert_int_equal(got->visibility, FSE_STORE_VIS_OBSCURED);
    fse_store_doc_meta_free(got);
    assert_int_equal(fse_store_patient_put(f->s, &p, T0), FSE_OK);
    assert_int_equal(put_doc(f->s, "u^NEW1", FX_PATIENT_CF, "20240101000000", 0, NULL, T0), FSE_OK);

    /* Reopening does not migrate again. */
    assert_int_equal(fx_reopen(f, f->key), FSE_OK);
    assert_int_equal(user_version(f), STORE_SCHEMA_VERSION);
    assert_int_equal(fse_store_doc_list_patient(&l, NULL, f->s, FX_PATIENT_CF, 0, 0), FSE_OK);
    assert_string_equal(uids(buf, sizeof(buf), l), "u^NEW1,u^OLD1,u^OLD3");
    fse_store_doc_list_free(l);
}

/* Every allocation of the privacy reads failing in turn: a clean
 * FSE_E_NOMEM or success, nothing leaked. */
void privacy_allocation_failures(void **state)
{
    fx *f = *state;
    fse_store_relation_query q = {FX_PATIENT_CF, 0, NULL, 0};
    unsigned long n;
    fse_err rc;

    fill_privacy_state(f);
    for (n = 1, rc = FSE_E_NOMEM; rc != FSE_OK; n++) {
        fse_store_patient *p = NULL;
        fse_store_consent_list *cl = NULL;
        fse_store_relation_list *rl = NULL;
        fse_store_actor_relation_list *al = NULL;
        fse_store_notification_list *nl = NULL;

        fse_alloc_fail_at(n);
        rc = fse_store_patient_get(&p, f->s, FX_PATIENT_CF);
        if (rc == FSE_OK) {
            rc = fse_store_consent_list_get(&cl, f->s, FX_PATIENT_CF);
        }
        if (rc == FSE_OK) {
            rc = fse_store_relation_list_get(&rl, f->s, &q);
        }
        if (rc == FSE_OK) {
            rc = fse_store_relation_of_actor(&al, f->s, PV_DELEGATE_CF, 0, 0);
        }
        if (rc == FSE_OK) {
            rc = fse_store_notification_list_get(&nl, f->s, FX_PATIENT_CF, 0, 0);
        }
        if (rc == FSE_OK) {
            rc = fse_store_patient_notify_set(f->s, FX_PATIENT_CF, true, "email", T0);
        }
        fse_alloc_fail_at(0);
        assert_true(rc == FSE_OK || rc == FSE_E_NOMEM);
        fse_store_patient_free(p);
        fse_store_consent_list_free(cl);
        fse_store_relation_list_free(rl);
        fse_store_actor_relation_list_free(al);
        fse_store_notification_list_free(nl);
    }
}
