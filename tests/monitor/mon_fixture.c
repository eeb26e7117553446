/*
 * tests/monitor/mon_fixture.c - the monitor suite's fixture (mon_test.h): a
 * temporary store with its key under the build tree, the builders of a
 * hand-made store, and the world whose indicators the tests know.
 */
#include "mon_test.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* ------------------------------------------------------------------------ */
/* Fixture                                                                  */
/* ------------------------------------------------------------------------ */

int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    char base[PATH_MAX];
    fse_store_opts o = FSE_STORE_OPTS_INIT;

    if (f == NULL) {
        return -1;
    }
    snprintf(base, sizeof(base), "%s/test-tmp", FSE_BUILD_DIR);
    if (mkdir(base, 0700) != 0 && errno != EEXIST) {
        return -1;
    }
    snprintf(f->dir, sizeof(f->dir), "%s/monitor-XXXXXX", base);
    if (mkdtemp(f->dir) == NULL) {
        return -1;
    }
    snprintf(f->db, sizeof(f->db), "%s/node.db", f->dir);
    snprintf(f->key, sizeof(f->key), "%s/master.key", f->dir);
    if (fse_store_keyfile_create(f->key) != FSE_OK) {
        return -1;
    }
    o.path = f->db;
    o.master_key_path = f->key;
    if (fse_store_open(&f->s, &o) != FSE_OK) {
        return -1;
    }
    *state = f;
    return 0;
}

int teardown(void **state)
{
    fx *f = *state;
    DIR *d;
    struct dirent *e;

    fse_store_free(f->s);
    d = opendir(f->dir);
    if (d != NULL) {
        for (e = readdir(d); e != NULL; e = readdir(d)) {
            char p[PATH_MAX + 300];

            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
                unlink(p);
            }
        }
        closedir(d);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* UTC milliseconds of a date and time. */
int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (int64_t)timegm(&tm) * 1000;
}

/* Quarter starts in UTC: 00:00 Italian time (CET in January, CEST in
 * April, July and October). */

const char *pid(char out[32], const char *region, int i)
{
    snprintf(out, 32, "PAT%s%04d", region, i);
    return out;
}

void patient(fse_store *s, const char *region, int i, const char *gp, int64_t gp_to,
             int64_t created)
{
    fse_store_patient p;
    char id[32];

    memset(&p, 0, sizeof(p));
    p.patient_id = pid(id, region, i);
    p.birth_date = "19800101";
    p.region = region;
    p.gp_id = gp;
    p.gp_from_ms = utc(2024, 1, 1, 0, 0, 0);
    p.gp_to_ms = gp_to;
    assert_int_equal(fse_store_patient_put(s, &p, created), FSE_OK);
}

void consent(fse_store *s, const char *region, int i, fse_store_consent_purpose purpose, bool given,
             int64_t t, bool minor)
{
    fse_store_consent c;
    char id[32];

    memset(&c, 0, sizeof(c));
    c.purpose = purpose;
    c.given = given;
    c.time_ms = t;
    c.channel = "web";
    c.actor_id = pid(id, region, i);
    c.actor_role = minor ? "GEN" : "ASS";
    c.patient_minor = minor;
    assert_int_equal(fse_store_consent_add(s, id, &c, NULL), FSE_OK);
}

void doc(fse_store *s, const char *region, int i, const char *type_code, int64_t t)
{
    static int n;
    static const char *const codes[] = {"P00"};
    fse_store_doc_meta m;
    char uid[64];
    char id[32];

    snprintf(uid, sizeof(uid), "2.16.840.1.113883.2.9.2.80.4.4^DOC%05d", ++n);
    memset(&m, 0, sizeof(m));
    m.unique_id = uid;
    m.repository_id = "2.16.840.1.113883.2.9.2.80.4.5.1";
    m.patient_id = pid(id, region, i);
    m.class_code = "REF";
    m.type_code = type_code;
    m.event_codes = codes;
    m.n_event_codes = 1;
    m.author_institution = "080105";
    m.confidentiality_code = "N";
    m.creation_time = "20250101100000";
    assert_int_equal(fse_store_doc_put(s, &m, (const uint8_t *)"%PDF-1.4 x", 10,
                                       (const uint8_t *)"<ClinicalDocument/>", 19, t, NULL),
                     FSE_OK);
}

/* An audit record; patient NULL for none. */
void audit_rec(fse_store *s, const char *actor, const char *role, const char *purpose,
               const char *patient, fse_audit_outcome outcome, int64_t t)
{
    fse_audit_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.time_ms = t;
    ev.actor = actor;
    ev.role = role;
    ev.purpose = purpose;
    ev.action = "READ";
    ev.patient = patient;
    ev.outcome = outcome;
    assert_int_equal(fse_audit_append(s, &ev, NULL), FSE_OK);
}

void citizen(fse_store *s, const char *region, int i, const char *role, const char *purpose,
             fse_audit_outcome outcome, int64_t t)
{
    char id[32];

    pid(id, region, i);
    audit_rec(s, role[0] == 'A' && role[1] == 'S' ? id : "DELEGATO00000001", role, purpose, id,
              outcome, t);
}

void professional(fse_store *s, const char *cf, const char *role, const char *region, int64_t from,
                  int64_t to)
{
    fse_store_professional p = {cf, role, region, from, to};

    assert_int_equal(fse_store_professional_put(s, &p, from), FSE_OK);
}

/*
 * The world of the known answers (see each indicator's test):
 *  region 010: 30 patients (GPA for 0-14, GPB for 15-29 until 15 May
 *  2025), consents, documents, citizens' accesses, GP operations and the
 *  specialists S1-S4; region 020: 5 patients with consent (suppressed);
 *  region 030: 20 patients, 10 with consent.
 */
void world(fse_store *s)
{
    int64_t created = utc(2025, 1, 10, 9, 0, 0);
    int64_t q1_end = Q2_2025;
    int i;

    assert_int_equal(fse_store_tx_begin(s), FSE_OK);
    for (i = 0; i < 30; i++) {
        patient(s, "010", i, i < 15 ? GPA : GPB, i < 15 ? 0 : utc(2025, 5, 15, 0, 0, 0), created);
    }
    for (i = 0; i < 5; i++) {
        patient(s, "020", i, NULL, 0, created);
        consent(s, "020", i, FSE_STORE_CONSENT_CURA, true, utc(2025, 2, 1, 0, 0, 0), false);
    }
    for (i = 0; i < 20; i++) {
        patient(s, "030", i, NULL, 0, created);
        if (i < 10) {
            consent(s, "030", i, FSE_STORE_CONSENT_CURA, true, utc(2025, 1, 20, 0, 0, 0), false);
        }
    }
    /* A patient registered in Q2: not in Q1's denominators. */
    patient(s, "030", 99, NULL, 0, q1_end);

    /* Consents of 010: 15 at 1 Feb; #15 a millisecond before Q1's end;
     * #16 at Q1's end (Q2 only); #17 given by a parent for a minor (counted);
     * #20 for prevention only; #0 and #1 revoked in Q2. */
    for (i = 0; i < 15; i++) {
        consent(s, "010", i, FSE_STORE_CONSENT_CURA, true, utc(2025, 2, 1, 0, 0, 0), false);
    }
    consent(s, "010", 15, FSE_STORE_CONSENT_CURA, true, q1_end - 1, false);
    consent(s, "010", 16, FSE_STORE_CONSENT_CURA, true, q1_end, false);
    consent(s, "010", 17, FSE_STORE_CONSENT_CURA, true, utc(2025, 2, 1, 0, 0, 0), true);
    consent(s, "010", 20, FSE_STORE_CONSENT_PREVENZIONE_REGIONE, true, utc(2025, 2, 1, 0, 0, 0),
            false);
    consent(s, "010", 0, FSE_STORE_CONSENT_CURA, false, utc(2025, 5, 1, 0, 0, 0), false);
    consent(s, "010", 1, FSE_STORE_CONSENT_CURA, false, utc(2025, 5, 1, 0, 0, 0), false);

    /* Documents of 010: LAB for 0-9, RAD for 10-19, an exemption (not a
     * monitored type) for 21 in Q1; an LDO for 20 at Q1's end. */
    for (i = 0; i < 20; i++) {
        doc(s, "010", i, i < 10 ? "11502-2" : "68604-8", utc(2025, 2, 10, 8, 0, 0));
    }
    doc(s, "010", 21, "57827-8", utc(2025, 2, 10, 8, 0, 0));
    doc(s, "010", 20, "34105-7", q1_end);
    /* A document of a patient without a registry record: no region. */
    doc(s, "999", 1, "59258-4", utc(2025, 2, 10, 8, 0, 0));
    assert_int_equal(fse_store_tx_commit(s), FSE_OK);

    /* Audit records in time order. Q1: citizens 0-11 as ASS, 12 through a
     * delegate (ING), 13 refused, 14 for TREATMENT, 15 as APR, 25 (no
     * document) as ASS; GPA operates, GPB is refused and acts as AAS; S1
     * and the nurse S3 operate. */
    for (i = 0; i < 12; i++) {
        citizen(s, "010", i, "ASS", "PERSONAL", FSE_AUDIT_SUCCESS, utc(2025, 3, 1, 10, 0, i));
    }
    citizen(s, "010", 12, "ING", "PERSONAL", FSE_AUDIT_SUCCESS, utc(2025, 3, 1, 11, 0, 0));
    citizen(s, "010", 13, "ASS", "PERSONAL", FSE_AUDIT_REFUSED, utc(2025, 3, 1, 11, 0, 1));
    citizen(s, "010", 14, "ASS", "TREATMENT", FSE_AUDIT_SUCCESS, utc(2025, 3, 1, 11, 0, 2));
    citizen(s, "010", 15, "APR", "PERSONAL", FSE_AUDIT_SUCCESS, utc(2025, 3, 1, 11, 0, 3));
    citizen(s, "010", 25, "ASS", "PERSONAL", FSE_AUDIT_SUCCESS, utc(2025, 3, 1, 11, 0, 4));
    audit_rec(s, GPA, "APR", "TREATMENT", "PAT0100001", FSE_AUDIT_SUCCESS,
              utc(2025, 2, 20, 9, 0, 0));
    audit_rec(s, GPB, "APR", "TREATMENT", "PAT0100016", FSE_AUDIT_REFUSED,
              utc(2025, 2, 20, 9, 0, 1));
    audit_rec(s, GPB, "AAS", "TREATMENT", "PAT0100016", FSE_AUDIT_SUCCESS,
              utc(2025, 2, 20, 9, 0, 2));
    audit_rec(s, S1, "AAS", "TREATMENT", "PAT0100002", FSE_AUDIT_SUCCESS,
              utc(2025, 2, 21, 9, 0, 0));
    audit_rec(s, S3, "INF", "TREATMENT", "PAT0100002", FSE_AUDIT_SUCCESS,
              utc(2025, 2, 21, 9, 0, 1));
    /* Q2: the 90 days before Q2's end start on 1 April 22:00 UTC: #10 a
     * millisecond before (not counted), #11 at it (counted), 0-9 a
     * millisecond before Q2's end; GPB operates on 1 May; S4 (enabled from
     * 15 April) operates. */
    citizen(s, "010", 10, "ASS", "PERSONAL", FSE_AUDIT_SUCCESS, Q3_2025 - 90 * DAY_MS - 1);
    citizen(s, "010", 11, "ASS", "PERSONAL", FSE_AUDIT_SUCCESS, Q3_2025 - 90 * DAY_MS);
    audit_rec(s, GPB, "APR", "TREATMENT", "PAT0100016", FSE_AUDIT_SUCCESS,
              utc(2025, 5, 1, 9, 0, 0));
    audit_rec(s, S4, "AAS", "TREATMENT", "PAT0100003", FSE_AUDIT_SUCCESS, utc(2025, 5, 2, 9, 0, 0));
    for (i = 0; i < 10; i++) {
        citizen(s, "010", i, "GEN", "PERSONAL", FSE_AUDIT_SUCCESS, Q3_2025 - 1);
    }

    professional(s, S1, "AAS", "010", utc(2025, 1, 1, 0, 0, 0), 0);
    professional(s, S2, "DRS", "010", utc(2025, 1, 1, 0, 0, 0), utc(2025, 2, 1, 0, 0, 0));
    professional(s, S3, "INF", "010", utc(2025, 1, 1, 0, 0, 0), 0);
    professional(s, S4, "AAS", "010", utc(2025, 4, 15, 0, 0, 0), 0);
}

const fse_monitor_cell *cell(const fse_monitor_result *r, size_t period, const char *region)
{
    const fse_monitor_period *p;
    size_t i;

    assert_true(period < r->n_periods);
    p = &r->periods[period];
    for (i = 0; i < p->n_cells; i++) {
        if (strcmp(p->cells[i].region, region) == 0) {
            return &p->cells[i];
        }
    }
    fail_msg("no cell %s in period %zu", region, period);
    return NULL;
}

void ratio_is(const fse_monitor_ratio *r, int64_t num, int64_t den)
{
    assert_false(r->suppressed);
    assert_int_equal(r->num, num);
    assert_int_equal(r->den, den);
}

fse_monitor_quarter quarter(const char *text)
{
    fse_monitor_quarter q = 0;

    assert_true(fse_monitor_quarter_parse(&q, text));
    return q;
}

fse_monitor_result *compute(fse_store *s, const char *from, const char *to)
{
    fse_monitor_result *r = NULL;

    assert_int_equal(fse_monitor_compute(&r, s, quarter(from), quarter(to), NOW), FSE_OK);
    return r;
}
