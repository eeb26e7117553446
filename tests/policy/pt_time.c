/*
 * tests/policy/pt_time.c - relations count only while in force
 * (docs/policy.md "Facts"): a delegate in its validity period and not
 * ended, the GP within the registry's assignment, a care declaration for
 * its days, an emergency grant for 60 minutes, a parent while the patient
 * is a minor, and a consent given by a minor until 18. The node's clock
 * moves; every change counts from the next request.
 */
#include "pt.h"

#include <stdio.h>
#include <string.h>

#include "fse/util.h"

#define MINUTE_MS (60LL * 1000)

typedef struct tcase {
    pt_node n;
    pt_conn k;
    char cf[17];    /* an adult */
    char minor[17]; /* 18 on T + 10 days */
    char admin[17];
    char gp1[17], gp2[17];
    char deleg[17], deleg_past[17], deleg_future[17], parent[17];
    char care[17], er[17];
    char pss[FSE_STORE_ID_LEN];
} tcase;

static void put_doc(tcase *t, const char *cf, const char *loinc, int n, char *id_out)
{
    char unique[96];

    snprintf(unique, sizeof(unique), "2.16.840.1.113883.2.9.2.120.4.4^TIME.%s.%d", cf, n);
    pt_put_doc(t->n.store, cf, loinc, unique, pt_locality(PT_FAC_Q), 0, id_out);
}

/* A call that must succeed; the answer's "id" member when it has one. */
static long long ok_call(tcase *t, const char *method, const char *path, const pt_who *who,
                         const char *body)
{
    pt_resp r;
    long long id = 0;

    pt_call(&t->k, &r, method, path, who, body);
    if (r.status < 200 || r.status > 299) {
        fail_msg("%s %s: HTTP %d %.*s", method, path, r.status, (int)r.raw.body_len,
                 r.raw.body != NULL ? (const char *)r.raw.body : "");
    }
    if (json_is_integer(json_object_get(r.json, "id"))) {
        id = json_integer_value(json_object_get(r.json, "id"));
    }
    pt_resp_free(&r);
    return id;
}

/* The search total of sub (role, purpose) on patient; -403 when refused. */
static long long total(tcase *t, const char *sub, const char *role, const char *purpose,
                       const char *patient)
{
    pt_who who = {sub, role, purpose, patient, pt_locality(3)};
    char path[160];
    pt_resp r;
    long long n = -1;

    snprintf(path, sizeof(path), "/fhir/DocumentReference?patient.identifier=%s", patient);
    pt_call(&t->k, &r, "GET", path, &who, NULL);
    if (r.status == 403) {
        n = -403;
    } else if (r.status == 200 && json_is_integer(json_object_get(r.json, "total"))) {
        n = json_integer_value(json_object_get(r.json, "total"));
    }
    pt_resp_free(&r);
    return n;
}

static void registry(tcase *t, const char *cf, const char *birth, const char *gp,
                     const char *gp_from)
{
    pt_who adm = {t->admin, "OAM", "ADMINISTRATIVE", cf, NULL};
    char path[128];
    char body[256];

    snprintf(path, sizeof(path), "/admin/v1/patients/%s", cf);
    snprintf(body, sizeof(body),
             "{\"birth_date\":\"%s\",\"region\":\"120\",\"gp\":\"%s\",\"gp_from\":\"%s\"}", birth,
             gp, gp_from);
    ok_call(t, "PUT", path, &adm, body);
}

static long long delegate(tcase *t, const char *patient, const char *who_cf, const char *kind,
                          const char *from, const char *to)
{
    pt_who self = {patient, "ASS", "PERSONAL", patient, NULL};
    char path[128];
    char body[256];

    snprintf(path, sizeof(path), "/citizen/v1/patients/%s/delegates", patient);
    snprintf(body, sizeof(body),
             "{\"delegate\":\"%s\",\"kind\":\"%s\",\"valid_from\":\"%s\",\"valid_to\":\"%s\"}",
             who_cf, kind, from, to);
    return ok_call(t, "POST", path, &self, body);
}

static void consent(tcase *t, const char *patient)
{
    pt_who self = {patient, "ASS", "PERSONAL", patient, NULL};
    char path[128];

    snprintf(path, sizeof(path), "/citizen/v1/patients/%s/consents/cura", patient);
    ok_call(t, "PUT", path, &self, "{\"given\":true,\"channel\":\"web\"}");
}

static void setup_case(tcase *t)
{
    char lab[FSE_STORE_ID_LEN], lab2[FSE_STORE_ID_LEN], pss2[FSE_STORE_ID_LEN];

    memset(t, 0, sizeof(*t));
    /* T = 2026-01-31; the minor turns 18 on 2026-02-10. */
    pt_clock_set(PT_T0_MS + 30 * PT_DAY_MS);
    pt_node_start(&t->n, "policy-time", false);
    pt_conn_init(&t->k, t->n.port);
    pt_cf(t->cf, 8000, 80, 5, 10);
    pt_cf(t->minor, 8001, 8, 2, 10);
    pt_cf(t->admin, 8002, 70, 1, 1);
    pt_cf(t->gp1, 8003, 60, 1, 1);
    pt_cf(t->gp2, 8004, 61, 1, 1);
    pt_cf(t->deleg, 8005, 62, 1, 1);
    pt_cf(t->deleg_past, 8006, 63, 1, 1);
    pt_cf(t->deleg_future, 8007, 64, 1, 1);
    pt_cf(t->parent, 8008, 65, 1, 1);
    pt_cf(t->care, 8009, 66, 1, 1);
    pt_cf(t->er, 8010, 67, 1, 1);
    registry(t, t->cf, "1980-05-10", t->gp1, "2020-01-01");
    registry(t, t->minor, "2008-02-10", t->gp1, "2020-01-01");
    consent(t, t->cf);
    consent(t, t->minor);
    put_doc(t, t->cf, "11502-2", 1, lab);
    put_doc(t, t->cf, PT_LOINC_PSS, 2, t->pss);
    put_doc(t, t->minor, "11502-2", 1, lab2);
    put_doc(t, t->minor, PT_LOINC_PSS, 2, pss2);
}

void pt_test_relations_in_time(void **state)
{
    tcase *t = fse_calloc(1, sizeof(*t));
    long long deleg_id;
    int64_t now;

    (void)state;
    assert_non_null(t);
    setup_case(t);
    now = atomic_load(&pt_now_ms);
    /* The GP within the assignment; a new GP from the next request; an
     * assignment that starts later does not count yet. */
    assert_int_equal(total(t, t->gp1, "APR", "TREATMENT", t->cf), 2);
    assert_int_equal(total(t, t->gp2, "APR", "TREATMENT", t->cf), 0);
    registry(t, t->cf, "1980-05-10", t->gp2, "2020-01-01");
    assert_int_equal(total(t, t->gp1, "APR", "TREATMENT", t->cf), 0);
    assert_int_equal(total(t, t->gp2, "APR", "TREATMENT", t->cf), 2);
    registry(t, t->cf, "1980-05-10", t->gp1, "2099-01-01");
    assert_int_equal(total(t, t->gp1, "APR", "TREATMENT", t->cf), 0);
    registry(t, t->cf, "1980-05-10", t->gp1, "2020-01-01");
    assert_int_equal(total(t, t->gp1, "APR", "TREATMENT", t->cf), 2);
    /* Delegates in their validity period, until ended. */
    deleg_id = delegate(t, t->cf, t->deleg, "delegate", "2025-01-01", "2030-12-31");
    delegate(t, t->cf, t->deleg_past, "delegate", "2024-01-01", "2024-12-31");
    delegate(t, t->cf, t->deleg_future, "delegate", "2030-01-01", "2031-01-01");
    assert_int_equal(total(t, t->deleg, "ING", "PERSONAL", t->cf), 2);
    assert_int_equal(total(t, t->deleg_past, "ING", "PERSONAL", t->cf), -403);
    assert_int_equal(total(t, t->deleg_future, "ING", "PERSONAL", t->cf), -403);
    {
        pt_who self = {t->cf, "ASS", "PERSONAL", t->cf, NULL};
        char path[160];

        assert_true(deleg_id > 0);
        snprintf(path, sizeof(path), "/citizen/v1/patients/%s/delegates/%lld", t->cf, deleg_id);
        ok_call(t, "DELETE", path, &self, NULL);
    }
    assert_int_equal(total(t, t->deleg, "ING", "PERSONAL", t->cf), -403);
    /* A parent while the patient is a minor. */
    delegate(t, t->minor, t->parent, "parent", "2020-01-01", "2035-12-31");
    assert_int_equal(total(t, t->parent, "GEN", "PERSONAL", t->minor), 2);
    /* A care declaration for its days. */
    assert_int_equal(total(t, t->care, "INF", "TREATMENT", t->cf), 0);
    {
        pt_who nurse = {t->care, "INF", "TREATMENT", t->cf, pt_locality(3)};
        char body[200];

        snprintf(body, sizeof(body),
                 "{\"patient\":\"%s\",\"declaration\":\"Presa in carico domiciliare\",\"days\":1}",
                 t->cf);
        ok_call(t, "POST", "/consult/v1/care-declarations", &nurse, body);
    }
    assert_int_equal(total(t, t->care, "INF", "TREATMENT", t->cf), 2);
    /* An emergency grant: the PSS first, then the rest, for 60 minutes. */
    assert_int_equal(total(t, t->er, "AAS", "EMERGENCY", t->cf), 0);
    {
        pt_who er = {t->er, "AAS", "EMERGENCY", t->cf, pt_locality(3)};
        char body[200];
        char path[128];

        snprintf(body, sizeof(body),
                 "{\"patient\":\"%s\",\"reason\":\"Paziente incosciente in pronto soccorso\"}",
                 t->cf);
        ok_call(t, "POST", "/consult/v1/emergency-access", &er, body);
        assert_int_equal(total(t, t->er, "AAS", "EMERGENCY", t->cf), 1);
        snprintf(path, sizeof(path), "/fhir/DocumentReference/%s", t->pss);
        ok_call(t, "GET", path, &er, NULL);
        assert_int_equal(total(t, t->er, "AAS", "EMERGENCY", t->cf), 2);
    }
    pt_clock_set(now + 59 * MINUTE_MS);
    assert_int_equal(total(t, t->er, "AAS", "EMERGENCY", t->cf), 2);
    pt_clock_set(now + 61 * MINUTE_MS);
    assert_int_equal(total(t, t->er, "AAS", "EMERGENCY", t->cf), 0);
    /* The care declaration of one day has lapsed. */
    pt_clock_set(now + PT_DAY_MS + MINUTE_MS);
    assert_int_equal(total(t, t->care, "INF", "TREATMENT", t->cf), 0);
    assert_int_equal(total(t, t->gp1, "APR", "TREATMENT", t->cf), 2);
    /* At 18: the parent no longer acts, the consent given as a minor is
     * not effective until the new adult confirms it. */
    assert_int_equal(total(t, t->parent, "GEN", "PERSONAL", t->minor), 2);
    assert_int_equal(total(t, t->gp1, "APR", "TREATMENT", t->minor), 2);
    pt_clock_set(now + 10 * PT_DAY_MS + MINUTE_MS);
    assert_int_equal(total(t, t->parent, "GEN", "PERSONAL", t->minor), -403);
    assert_int_equal(total(t, t->gp1, "APR", "TREATMENT", t->minor), 0);
    consent(t, t->minor);
    assert_int_equal(total(t, t->gp1, "APR", "TREATMENT", t->minor), 2);
    pt_conn_close(&t->k);
    pt_node_stop(&t->n);
    fse_free(t);
}
