/*
 * tests/policy/pt_leaks.c - the access log is a view of the record too:
 * docs/policy.md says a denied document is "absent from results, from
 * _total and from every derived view". The patient, a guardian and a
 * delegate may read the patient's access log (GET /citizen/v1/.../access-log,
 * GET /fhir/AuditEvent); an entry about a document that is hidden from the
 * reader must not name it (neither its node id nor its uniqueId), or the
 * reader learns that it exists.
 */
#include "pt.h"

#include <stdio.h>
#include <string.h>

#include "fse/util.h"

typedef struct leak_doc {
    const char *what;
    unsigned vis;
    char unique[96];
    char id[FSE_STORE_ID_LEN];
} leak_doc;

static int get_status(pt_conn *k, const pt_who *who, const char *path)
{
    pt_resp r;
    int status;

    pt_call(k, &r, "GET", path, who, NULL);
    status = r.status;
    pt_resp_free(&r);
    return status;
}

static void must_succeed(pt_conn *k, const char *method, const char *path, const pt_who *who,
                         const char *body)
{
    pt_resp r;

    pt_call(k, &r, method, path, who, body);
    if (r.status < 200 || r.status > 299) {
        fail_msg("%s %s: HTTP %d %.*s", method, path, r.status, (int)r.raw.body_len,
                 r.raw.body != NULL ? (const char *)r.raw.body : "");
    }
    pt_resp_free(&r);
}

/* The reader's two renderings of the log name none of the documents that
 * are hidden from it; returns how many names it found (reported). */
static int scan_log(pt_conn *k, const pt_who *who, const char *who_name, const leak_doc *docs,
                    size_t n_docs, const bool *hidden)
{
    char path[160];
    int leaks = 0;
    size_t p, d;

    for (p = 0; p < 2; p++) {
        pt_resp r;

        if (p == 0) {
            snprintf(path, sizeof(path), "/citizen/v1/patients/%s/access-log?limit=1000",
                     who->patient);
        } else {
            snprintf(path, sizeof(path), "/fhir/AuditEvent?patient.identifier=%s", who->patient);
        }
        pt_call(k, &r, "GET", path, who, NULL);
        if (r.status != 200) {
            fail_msg("%s: %s answered %d", who_name, path, r.status);
        }
        for (d = 0; d < n_docs; d++) {
            const char *body = (const char *)r.raw.body;

            if (!hidden[d] || body == NULL) {
                continue;
            }
            if (strstr(body, docs[d].id) != NULL || strstr(body, docs[d].unique) != NULL) {
                print_error("LEAK: %s reading %s learns of the %s document %s (hidden from it)\n",
                            who_name, path, docs[d].what, docs[d].unique);
                leaks++;
            }
        }
        pt_resp_free(&r);
    }
    return leaks;
}

void pt_test_access_log_names_no_hidden_document(void **state)
{
    leak_doc docs[] = {
        {"obscured (P99)", FSE_STORE_VIS_OBSCURED, "", ""},
        {"maggior tutela", FSE_STORE_VIS_TUTELA, "", ""},
        {"hidden from the patient (P98)", FSE_STORE_VIS_NOT_PATIENT, "", ""},
        {"visible", 0, "", ""},
    };
    /* Which documents each reader may not see (docs/policy.md, citizen
     * side): the patient not P98; the guardian not P98 nor unreleased
     * tutela; the delegate nothing hidden, nothing P98. */
    const bool hidden_patient[] = {false, false, true, false};
    const bool hidden_guardian[] = {false, true, true, false};
    const bool hidden_delegate[] = {true, true, true, false};
    pt_node n;
    pt_conn k;
    char cf[17], gp[17], admin[17], deleg[17], guard[17];
    char path[256], body[256];
    int leaks = 0;
    size_t i;

    (void)state;
    pt_clock_set(PT_T0_MS + 40 * PT_DAY_MS);
    pt_node_start(&n, "policy-log", false);
    pt_conn_init(&k, n.port);
    pt_cf(cf, 9000, 80, 5, 10);
    pt_cf(gp, 9001, 60, 1, 1);
    pt_cf(admin, 9002, 70, 1, 1);
    pt_cf(deleg, 9003, 71, 1, 1);
    pt_cf(guard, 9004, 72, 1, 1);
    {
        pt_who adm = {admin, "OAM", "ADMINISTRATIVE", cf, NULL};
        pt_who self = {cf, "ASS", "PERSONAL", cf, NULL};

        snprintf(path, sizeof(path), "/admin/v1/patients/%s", cf);
        snprintf(body, sizeof(body),
                 "{\"birth_date\":\"1980-05-10\",\"region\":\"120\",\"gp\":\"%s\","
                 "\"gp_from\":\"2020-01-01\"}",
                 gp);
        must_succeed(&k, "PUT", path, &adm, body);
        snprintf(path, sizeof(path), "/citizen/v1/patients/%s/consents/cura", cf);
        must_succeed(&k, "PUT", path, &self, "{\"given\":true,\"channel\":\"web\"}");
        snprintf(path, sizeof(path), "/citizen/v1/patients/%s/delegates", cf);
        snprintf(body, sizeof(body),
                 "{\"delegate\":\"%s\",\"kind\":\"delegate\",\"valid_from\":\"2025-01-01\","
                 "\"valid_to\":\"2030-12-31\"}",
                 deleg);
        must_succeed(&k, "POST", path, &self, body);
        snprintf(body, sizeof(body),
                 "{\"delegate\":\"%s\",\"kind\":\"guardian\",\"valid_from\":\"2025-01-01\","
                 "\"valid_to\":\"2030-12-31\"}",
                 guard);
        must_succeed(&k, "POST", path, &self, body);
    }
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        snprintf(docs[i].unique, sizeof(docs[i].unique), "2.16.840.1.113883.2.9.2.120.4.4^LOG.%zu",
                 i);
        pt_put_doc(n.store, cf, i == 1 ? "11502-2" : "68604-8", docs[i].unique,
                   pt_locality(PT_FAC_Q), docs[i].vis, docs[i].id);
    }
    /* Accesses that the log records: the patient reads what it sees, the
     * GP what the patient does not. */
    {
        pt_who self = {cf, "ASS", "PERSONAL", cf, NULL};
        pt_who gpw = {gp, "APR", "TREATMENT", cf, pt_locality(3)};

        for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
            const pt_who *reader = hidden_patient[i] ? &gpw : &self;

            snprintf(path, sizeof(path), "/fhir/DocumentReference/%s", docs[i].id);
            assert_int_equal(get_status(&k, reader, path), 200);
            snprintf(path, sizeof(path), "/fhir/Binary/%s", docs[i].id);
            assert_int_equal(get_status(&k, reader, path), 200);
        }
    }
    {
        pt_who self = {cf, "ASS", "PERSONAL", cf, NULL};
        pt_who g = {guard, "TUT", "PERSONAL", cf, NULL};
        pt_who d = {deleg, "ING", "PERSONAL", cf, NULL};

        leaks += scan_log(&k, &self, "the patient", docs, 4, hidden_patient);
        leaks += scan_log(&k, &g, "the guardian", docs, 4, hidden_guardian);
        leaks += scan_log(&k, &d, "the delegate", docs, 4, hidden_delegate);
    }
    pt_conn_close(&k);
    pt_node_stop(&n);
    if (leaks > 0) {
        fail_msg("%d access-log renderings name a document hidden from their reader", leaks);
    }
}
