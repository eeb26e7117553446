/*
 * tests/eds/test_eds_summary.c - the views derived from the regional
 * clinical store through consultation: GET /fhir/Patient/{id}/$summary and
 * GET /fhir/{type}?patient.identifier= as the patient and as the GP, before
 * and after the patient obscures a document (DM23 art.4 c.3, art.15 c.2:
 * an obscured document feeds no derived view of anyone it is hidden from),
 * the audit record of every summary, and the refusals.
 */
#include "et.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/consult.h"
#include "fse/util.h"

/* ---- The consultation service on the node ------------------------------- */

static void consult_start(et_node *n, const char *ca_path)
{
    fse_consult_opts co = FSE_CONSULT_OPTS_INIT;
    const char *cas[1] = {ca_path};
    fse_consult *c = NULL;

    co.store_path = n->db;
    co.master_key_path = n->key;
    co.ca_files = cas;
    co.n_ca_files = 1;
    co.audience = ET_AUD;
    co.n_slots = 4;
    co.clock = et_clock;
    if (fse_consult_new(&c, &co) != FSE_OK) {
        fail_msg("consult: %s", fse_error_last()->message);
    }
    assert_int_equal(fse_consult_routes(c, n->srv), FSE_OK);
    n->extra = c;
}

static void consult_stop(et_node *n)
{
    fse_consult_free(n->extra);
    n->extra = NULL;
}

static void stored_meta(const et_doc *d, fse_store_doc_meta **keep)
{
    assert_int_equal(fse_store_doc_get(keep, et.node.store, d->meta.identificativo_doc), FSE_OK);
}

static void no_job_left(void)
{
    size_t n = 0;

    assert_int_equal(fse_store_outbox_count(&n, et.node.store, FSE_STORE_JOB_PENDING), FSE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(fse_store_outbox_count(&n, et.node.store, FSE_STORE_JOB_DEAD), FSE_OK);
    assert_int_equal(n, 0);
}

/* ---- Summary and search under the policy ------------------------------- */

/* Entries of a Bundle whose resource has this type and (when doc_id is
 * given) whose meta.source names that document. */
static size_t entries(json_t *bundle, const char *type, const char *doc_id, bool *tagged)
{
    json_t *list = json_object_get(bundle, "entry");
    size_t n = 0;
    size_t i;

    for (i = 0; i < json_array_size(list); i++) {
        json_t *res = json_object_get(json_array_get(list, i), "resource");
        json_t *meta = json_object_get(res, "meta");
        const char *rt = json_string_value(json_object_get(res, "resourceType"));
        const char *src = json_string_value(json_object_get(meta, "source"));

        if (rt == NULL || strcmp(rt, type) != 0) {
            continue;
        }
        if (doc_id != NULL && (src == NULL || strstr(src, doc_id) == NULL)) {
            continue;
        }
        n++;
        if (tagged != NULL && json_array_size(json_object_get(meta, "tag")) > 0) {
            *tagged = true;
        }
    }
    return n;
}

/* Whether any entry's meta.source names doc_id. */
static bool mentions(json_t *bundle, const char *doc_id)
{
    json_t *list = json_object_get(bundle, "entry");
    size_t i;

    for (i = 0; i < json_array_size(list); i++) {
        json_t *res = json_object_get(json_array_get(list, i), "resource");
        const char *src =
            json_string_value(json_object_get(json_object_get(res, "meta"), "source"));

        if (src != NULL && strstr(src, doc_id) != NULL) {
            return true;
        }
    }
    return false;
}

static json_t *summary(const et_who *who, const char *pid, int want_status)
{
    char path[128];
    json_t *b = NULL;
    int status;

    snprintf(path, sizeof(path), "/fhir/Patient/%s/$summary", pid);
    status = et_get(who, path, &b);
    if (status != want_status) {
        fail_msg("%s summary: HTTP %d", who->role, status);
    }
    return b;
}

/* total of GET /fhir/<type>?patient.identifier=..<extra> as who. */
static long long search_total_q(const et_who *who, const char *type, const char *extra)
{
    char path[200];
    json_t *b = NULL;
    long long total;

    snprintf(path, sizeof(path), "/fhir/%s?patient.identifier=%s%s", type, who->patient, extra);
    assert_int_equal(et_get(who, path, &b), 200);
    total = json_integer_value(json_object_get(b, "total"));
    json_decref(b);
    return total;
}

static long long search_total(const et_who *who, const char *type)
{
    return search_total_q(who, type, "");
}

static void register_patient(const char *cf, const char *gp, const char *birth)
{
    fse_store_patient p;
    fse_store_consent c;

    memset(&p, 0, sizeof(p));
    p.patient_id = cf;
    p.birth_date = birth;
    p.region = "120";
    p.gp_id = gp;
    p.gp_from_ms = ET_T0_MS - 365LL * 86400000;
    assert_int_equal(fse_store_patient_put(et.node.store, &p, atomic_load(&et_now_ms)), FSE_OK);
    memset(&c, 0, sizeof(c));
    c.purpose = FSE_STORE_CONSENT_CURA;
    c.given = true;
    c.time_ms = atomic_load(&et_now_ms) - 1000;
    c.channel = "app";
    c.actor_id = cf;
    c.actor_role = "ASS";
    assert_int_equal(fse_store_consent_add(et.node.store, cf, &c, NULL), FSE_OK);
}

typedef struct audit_count {
    size_t success, refused;
} audit_count;

static fse_err on_audit(const fse_store_audit_row *row, void *ctx)
{
    audit_count *c = ctx;

    if (row->action != NULL && strcmp(row->action, "SUMMARY") == 0) {
        if (row->outcome == 0) {
            c->success++;
        } else {
            c->refused++;
        }
    }
    return FSE_OK;
}

static void test_summary_and_obscuring(void **state)
{
    et_doc pss, vacc, lab;
    fse_store_doc_meta *m_pss = NULL, *m_vacc = NULL, *m_lab = NULL;
    char cf[17], gp[17], ref[FSE_STORE_REF_LEN], pid[33], other[33], path[256];
    json_t *b;
    json_t *comp;
    bool tagged = false;

    (void)state;
    /* A patient of their own: the documents of the other cases are not theirs. */
    et_cf(cf, 777);
    et_doc_new(&pss, FSE_CDA_DOC_PSS, cf);
    et_doc_new(&vacc, FSE_CDA_DOC_SING_VACC, pss.meta.patient_cf);
    et_doc_new(&lab, FSE_CDA_DOC_LAB, pss.meta.patient_cf);
    et_publish(&pss);
    et_publish(&vacc);
    et_publish(&lab);
    et_outbox();
    no_job_left();
    stored_meta(&pss, &m_pss);
    stored_meta(&vacc, &m_vacc);
    stored_meta(&lab, &m_lab);
    et_cf(gp, 4242);
    register_patient(pss.meta.patient_cf, gp, pss.meta.patient_birth_date);
    assert_int_equal(fse_store_ref(ref, et.node.store, FSE_STORE_REF_PATIENT, pss.meta.patient_cf),
                     FSE_OK);
    snprintf(pid, sizeof(pid), "%.32s", ref);
    {
        et_who self = {pss.meta.patient_cf, "ASS", "PERSONAL", pss.meta.patient_cf};
        et_who doc = {gp, "APR", "TREATMENT", pss.meta.patient_cf};

        /* The patient: every section from the visible documents. */
        b = summary(&self, pid, 200);
        if (getenv("ET_DUMP") != NULL) {
            json_dumpf(b, stderr, JSON_INDENT(1));
        }
        assert_string_equal(json_string_value(json_object_get(b, "type")), "collection");
        comp = json_object_get(json_array_get(json_object_get(b, "entry"), 0), "resource");
        assert_string_equal(json_string_value(json_object_get(comp, "resourceType")),
                            "Composition");
        assert_int_equal(json_array_size(json_object_get(comp, "section")), 5);
        assert_true(entries(b, "AllergyIntolerance", m_pss->doc_id, NULL) >= 1);
        assert_true(entries(b, "Immunization", m_vacc->doc_id, NULL) >= 1);
        assert_true(entries(b, "Observation", m_lab->doc_id, NULL) >= 1);
        assert_int_equal(entries(b, "Patient", NULL, NULL), 1);
        json_decref(b);

        /* The GP (consent, registry): the same documents. */
        b = summary(&doc, pid, 200);
        assert_true(entries(b, "AllergyIntolerance", m_pss->doc_id, NULL) >= 1);
        assert_true(entries(b, "Immunization", m_vacc->doc_id, NULL) >= 1);
        json_decref(b);
        assert_true(search_total(&doc, "Immunization") >= 1);
        assert_int_equal(search_total_q(&doc, "Immunization", "&date=ge1900&date=lt3000"),
                         search_total(&doc, "Immunization"));
        assert_int_equal(search_total_q(&doc, "Immunization", "&date=gt9999"), 0);
        snprintf(path, sizeof(path), "/fhir/Immunization?patient.identifier=%s&date=ne2020",
                 doc.patient);
        assert_int_equal(et_get(&doc, path, NULL), 400);

        /* The patient obscures the vaccination. */
        snprintf(path, sizeof(path), "/citizen/v1/patients/%s/documents/%s/visibility",
                 pss.meta.patient_cf, m_vacc->doc_id);
        assert_int_equal(et_put(&self, path, "{\"obscured\":true}"), 200);

        /* The GP: nothing from it, not even in a derived view. */
        b = summary(&doc, pid, 200);
        assert_false(mentions(b, m_vacc->doc_id));
        assert_int_equal(entries(b, "Immunization", NULL, NULL), 0);
        assert_true(entries(b, "AllergyIntolerance", m_pss->doc_id, NULL) >= 1);
        assert_true(entries(b, "Observation", m_lab->doc_id, NULL) >= 1);
        json_decref(b);
        assert_int_equal(search_total(&doc, "Immunization"), 0);
        assert_int_equal(search_total_q(&doc, "Immunization", "&date=ge1900"), 0);
        assert_true(search_total(&doc, "AllergyIntolerance") >= 1);

        /* The patient still sees it, marked as obscured. */
        b = summary(&self, pid, 200);
        assert_true(entries(b, "Immunization", m_vacc->doc_id, &tagged) >= 1);
        assert_true(tagged);
        json_decref(b);
        assert_true(search_total(&self, "Immunization") >= 1);

        /* Another patient's id: as an unknown one. */
        snprintf(other, sizeof(other), "%032d", 7);
        json_decref(summary(&doc, other, 404));
        /* A type the search does not serve. */
        snprintf(path, sizeof(path), "/fhir/Encounter?patient.identifier=%s", pss.meta.patient_cf);
        assert_int_equal(et_get(&doc, path, NULL), 404);
    }
    {
        /* Every summary is in the audit chain, the refused one too. */
        audit_count c = {0, 0};
        fse_store_audit_filter f;

        memset(&f, 0, sizeof(f));
        assert_int_equal(fse_store_audit_scan(et.node.store, &f, on_audit, &c), FSE_OK);
        assert_int_equal(c.success, 4);
        assert_int_equal(c.refused, 1);
    }
    fse_store_doc_meta_free(m_pss);
    fse_store_doc_meta_free(m_vacc);
    fse_store_doc_meta_free(m_lab);
    et_doc_free(&pss);
    et_doc_free(&vacc);
    et_doc_free(&lab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_and_obscuring),
    };

    et_extra_start = consult_start;
    et_extra_stop = consult_stop;
    return cmocka_run_group_tests(tests, et_setup, et_teardown);
}
