/*
 * tests/monitor/test_monitor.c - the adoption indicators (lib/monitor) on
 * a store built by hand with known answers: each indicator, the split by
 * region, the quarter boundaries (a millisecond before and at a quarter's
 * end, the 90-day window), the national aggregate, primary and secondary
 * suppression, the outputs (JSON, CSV), the volumes (documents per type and
 * day, validation counters written through the gateway's call, failing
 * rules, publication latency), Italian time, the professionals registry,
 * that the routes read a store opened without its key, and the routes over
 * HTTP on 127.0.0.1.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
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
#include <jansson.h>

#include "fse/audit.h"
#include "fse/monitor.h"
#include "fse/store_monitor.h"
#include "fse/validate.h"
#include "http_client.h"

/* ------------------------------------------------------------------------ */
/* Fixture                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct fx {
    char dir[PATH_MAX];
    char db[PATH_MAX + 16];
    char key[PATH_MAX + 16];
    fse_store *s;
} fx;

static int setup(void **state)
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

static int teardown(void **state)
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
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
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
#define Q1_2025 utc(2024, 12, 31, 23, 0, 0)
#define Q2_2025 utc(2025, 3, 31, 22, 0, 0)
#define Q3_2025 utc(2025, 6, 30, 22, 0, 0)
#define Q4_2025 utc(2025, 9, 30, 22, 0, 0)
#define Q1_2026 utc(2025, 12, 31, 23, 0, 0)
#define NOW utc(2026, 2, 15, 12, 0, 0)
#define DAY_MS 86400000LL

static const char *pid(char out[32], const char *region, int i)
{
    snprintf(out, 32, "PAT%s%04d", region, i);
    return out;
}

static void patient(fse_store *s, const char *region, int i, const char *gp, int64_t gp_to,
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

static void consent(fse_store *s, const char *region, int i, fse_store_consent_purpose purpose,
                    bool given, int64_t t, bool minor)
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

static void doc(fse_store *s, const char *region, int i, const char *type_code, int64_t t)
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
static void audit_rec(fse_store *s, const char *actor, const char *role, const char *purpose,
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

static void citizen(fse_store *s, const char *region, int i, const char *role, const char *purpose,
                    fse_audit_outcome outcome, int64_t t)
{
    char id[32];

    pid(id, region, i);
    audit_rec(s, role[0] == 'A' && role[1] == 'S' ? id : "DELEGATO00000001", role, purpose, id,
              outcome, t);
}

static void professional(fse_store *s, const char *cf, const char *role, const char *region,
                         int64_t from, int64_t to)
{
    fse_store_professional p = {cf, role, region, from, to};

    assert_int_equal(fse_store_professional_put(s, &p, from), FSE_OK);
}

#define GPA "GPAAAA80A01H501A"
#define GPB "GPBBBB80A01H501B"
#define S1 "SPECIA80A01H501C"
#define S2 "SPECIB80A01H501D"
#define S3 "NURSEC80A01H501E"
#define S4 "SPECID80A01H501F"

/*
 * The world of the known answers (see each indicator's test):
 *  region 010: 30 patients (GPA for 0-14, GPB for 15-29 until 15 May
 *  2025), consents, documents, citizens' accesses, GP operations and the
 *  specialists S1-S4; region 020: 5 patients with consent (suppressed);
 *  region 030: 20 patients, 10 with consent.
 */
static void world(fse_store *s)
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

static const fse_monitor_cell *cell(const fse_monitor_result *r, size_t period, const char *region)
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

static void ratio_is(const fse_monitor_ratio *r, int64_t num, int64_t den)
{
    assert_false(r->suppressed);
    assert_int_equal(r->num, num);
    assert_int_equal(r->den, den);
}

static fse_monitor_quarter quarter(const char *text)
{
    fse_monitor_quarter q = 0;

    assert_true(fse_monitor_quarter_parse(&q, text));
    return q;
}

static fse_monitor_result *compute(fse_store *s, const char *from, const char *to)
{
    fse_monitor_result *r = NULL;

    assert_int_equal(fse_monitor_compute(&r, s, quarter(from), quarter(to), NOW), FSE_OK);
    return r;
}

/* ------------------------------------------------------------------------ */
/* Time                                                                     */
/* ------------------------------------------------------------------------ */

static void italian_time(void **state)
{
    char text[11];
    char q[7];

    (void)state;
    assert_int_equal(fse_monitor_quarter_start_ms(quarter("2025Q1")), Q1_2025);
    assert_int_equal(fse_monitor_quarter_start_ms(quarter("2025Q2")), Q2_2025);
    assert_int_equal(fse_monitor_quarter_start_ms(quarter("2025Q3")), Q3_2025);
    assert_int_equal(fse_monitor_quarter_start_ms(quarter("2025q4")), Q4_2025);
    assert_int_equal(fse_monitor_quarter_start_ms(quarter("2026Q1")), Q1_2026);
    assert_int_equal(fse_monitor_quarter_of(Q2_2025 - 1), quarter("2025Q1"));
    assert_int_equal(fse_monitor_quarter_of(Q2_2025), quarter("2025Q2"));
    fse_monitor_quarter_text(q, quarter("2031Q4"));
    assert_string_equal(q, "2031Q4");
    /* 2025: CEST from 30 March 01:00 UTC to 26 October 01:00 UTC. */
    assert_int_equal(fse_monitor_rome_offset_ms(utc(2025, 3, 30, 0, 59, 59)), 3600000);
    assert_int_equal(fse_monitor_rome_offset_ms(utc(2025, 3, 30, 1, 0, 0)), 7200000);
    assert_int_equal(fse_monitor_rome_offset_ms(utc(2025, 10, 26, 0, 59, 59)), 7200000);
    assert_int_equal(fse_monitor_rome_offset_ms(utc(2025, 10, 26, 1, 0, 0)), 3600000);
    /* 23:30 UTC on 14 Feb is 00:30 on 15 Feb in Rome. */
    fse_monitor_day_text(text, fse_monitor_day_of(utc(2026, 2, 14, 23, 30, 0)));
    assert_string_equal(text, "2026-02-15");
    fse_monitor_day_text(text, fse_monitor_day_of(utc(2025, 7, 1, 21, 59, 59)));
    assert_string_equal(text, "2025-07-01");
    assert_int_equal(fse_monitor_day_start_ms(fse_monitor_day_of(utc(2025, 7, 1, 12, 0, 0))),
                     utc(2025, 6, 30, 22, 0, 0));
    assert_false(fse_monitor_quarter_parse(&(fse_monitor_quarter){0}, "2025Q5"));
    assert_false(fse_monitor_quarter_parse(&(fse_monitor_quarter){0}, "1999Q1"));
    assert_false(fse_monitor_quarter_parse(&(fse_monitor_quarter){0}, "2025-Q1"));
    assert_false(fse_monitor_quarter_parse(&(fse_monitor_quarter){0}, NULL));
}

static void doc_type_table(void **state)
{
    size_t n = 0;
    const fse_monitor_doc_type *t = fse_monitor_doc_types(&n);
    size_t i;

    (void)state;
    assert_int_equal(n, 16);
    for (i = 0; i < n; i++) {
        assert_non_null(t[i].loinc[0]);
        assert_int_equal(fse_monitor_doc_type_of(t[i].loinc[0]), (int)i);
    }
    assert_int_equal(fse_monitor_doc_type_of("18842-5"), fse_monitor_doc_type_of("34105-7"));
    assert_int_equal(fse_monitor_doc_type_of("57827-8"), -1);
    assert_string_equal(fse_monitor_region_name("120"), "Lazio");
    assert_null(fse_monitor_region_name("999"));
}

/* ------------------------------------------------------------------------ */
/* Indicators                                                               */
/* ------------------------------------------------------------------------ */

static void consent_indicator(void **state)
{
    fx *f = *state;
    fse_monitor_result *r;

    world(f->s);
    r = compute(f->s, "2025Q1", "2025Q3");
    assert_int_equal(r->n_periods, 3);
    /* Q1: 15 + #15 (a ms before the end) + #17 (minor); not #16 (at the
     * end) nor #20 (prevention). */
    ratio_is(&cell(r, 0, "010")->ind[FSE_MONITOR_CONSENT], 17, 30);
    /* Q2: + #16, - #0 and #1 revoked. */
    ratio_is(&cell(r, 1, "010")->ind[FSE_MONITOR_CONSENT], 16, 30);
    /* Nationally 010, 020 and 030 (whose patient registered at Q1's end
     * counts from Q2). */
    ratio_is(&cell(r, 0, "ITA")->ind[FSE_MONITOR_CONSENT], 17 + 5 + 10, 30 + 5 + 20);
    ratio_is(&cell(r, 1, "ITA")->ind[FSE_MONITOR_CONSENT], 16 + 5 + 10, 30 + 5 + 21);
    fse_monitor_result_free(r);
}

static void usage_indicator(void **state)
{
    fx *f = *state;
    fse_monitor_result *r;

    world(f->s);
    r = compute(f->s, "2025Q1", "2025Q3");
    /* Q1: with documents 0-19 and 21 (an unmonitored type counts); used:
     * 0-11 (ASS), 12 (ING); not 13 (refused), 14 (TREATMENT), 15 (APR),
     * 25 (no document). */
    ratio_is(&cell(r, 0, "010")->ind[FSE_MONITOR_USAGE], 13, 21);
    /* Q2: + #20 (document at Q1's end); used in the 90 days: 0-9 and #11,
     * not #10 (a ms before the window). */
    ratio_is(&cell(r, 1, "010")->ind[FSE_MONITOR_USAGE], 11, 22);
    /* Q3: nobody in the 90 days before 1 October. */
    ratio_is(&cell(r, 2, "010")->ind[FSE_MONITOR_USAGE], 0, 22);
    /* No documents: 0 of 0, published without a percentage. */
    ratio_is(&cell(r, 0, "030")->ind[FSE_MONITOR_USAGE], 0, 0);
    fse_monitor_result_free(r);
}

static void gp_indicator(void **state)
{
    fx *f = *state;
    fse_monitor_result *r;

    world(f->s);
    r = compute(f->s, "2025Q1", "2025Q3");
    /* Q1: GPA operates; GPB only refused, or in another role. */
    ratio_is(&cell(r, 0, "010")->ind[FSE_MONITOR_GP], 1, 2);
    /* Q2: GPB (assigned until 15 May) operates, GPA does not. */
    ratio_is(&cell(r, 1, "010")->ind[FSE_MONITOR_GP], 1, 2);
    /* Q3: only GPA is assigned, and idle. */
    ratio_is(&cell(r, 2, "010")->ind[FSE_MONITOR_GP], 0, 1);
    /* Regions without GPs. */
    ratio_is(&cell(r, 0, "030")->ind[FSE_MONITOR_GP], 0, 0);
    fse_monitor_result_free(r);
}

static void specialists_indicator(void **state)
{
    fx *f = *state;
    fse_monitor_result *r;

    world(f->s);
    r = compute(f->s, "2025Q1", "2025Q3");
    /* Q1: S1 (operates) and S2 (enabled until 1 February, idle); not S3,
     * a nurse; not S4, enabled later. */
    ratio_is(&cell(r, 0, "010")->ind[FSE_MONITOR_SPECIALISTS], 1, 2);
    /* Q2: S1 idle, S4 operates. */
    ratio_is(&cell(r, 1, "010")->ind[FSE_MONITOR_SPECIALISTS], 1, 2);
    ratio_is(&cell(r, 2, "010")->ind[FSE_MONITOR_SPECIALISTS], 0, 2);
    fse_monitor_result_free(r);
}

static void doc_types_indicator(void **state)
{
    fx *f = *state;
    fse_monitor_result *r;
    int lab = fse_monitor_doc_type_of("11502-2");
    int rad = fse_monitor_doc_type_of("68604-8");
    int ldo = fse_monitor_doc_type_of("34105-7");

    world(f->s);
    r = compute(f->s, "2025Q1", "2025Q2");
    ratio_is(&cell(r, 0, "010")->ind[FSE_MONITOR_DOC_TYPES], 2, 16);
    assert_int_equal(cell(r, 0, "010")->types_available, (1u << lab) | (1u << rad));
    /* The LDO stored at Q1's end is available from Q2. */
    ratio_is(&cell(r, 1, "010")->ind[FSE_MONITOR_DOC_TYPES], 3, 16);
    assert_int_equal(cell(r, 1, "010")->types_available, (1u << lab) | (1u << rad) | (1u << ldo));
    ratio_is(&cell(r, 0, "020")->ind[FSE_MONITOR_DOC_TYPES], 0, 16);
    /* National: the mean of the three regions (the VPS of a patient
     * without a registry record is nobody's). */
    ratio_is(&cell(r, 0, "ITA")->ind[FSE_MONITOR_DOC_TYPES], 2, 48);
    fse_monitor_result_free(r);
}

static void regions_and_national(void **state)
{
    fx *f = *state;
    fse_monitor_result *r;
    const fse_monitor_period *p;

    world(f->s);
    r = compute(f->s, "2025Q2", "2025Q2");
    p = &r->periods[0];
    /* Regions in code order, then the national aggregate. */
    assert_int_equal(p->n_cells, 4);
    assert_string_equal(p->cells[0].region, "010");
    assert_string_equal(p->cells[1].region, "020");
    assert_string_equal(p->cells[2].region, "030");
    assert_string_equal(p->cells[3].region, "ITA");
    assert_int_equal(p->start_ms, Q2_2025);
    assert_int_equal(p->end_ms, Q3_2025);
    assert_false(p->partial);
    /* Consent in Q2: 16 + 5 (suppressed in 020) + 10 = 31 of 56. */
    ratio_is(&cell(r, 0, "ITA")->ind[FSE_MONITOR_CONSENT], 31, 56);
    ratio_is(&cell(r, 0, "ITA")->ind[FSE_MONITOR_GP], 1, 2);
    ratio_is(&cell(r, 0, "ITA")->ind[FSE_MONITOR_USAGE], 11, 22);
    fse_monitor_result_free(r);
}

static void partial_quarter_and_range(void **state)
{
    fx *f = *state;
    fse_monitor_result *r = NULL;

    world(f->s);
    r = compute(f->s, "2026Q1", "2026Q1");
    assert_true(r->periods[0].partial);
    assert_int_equal(r->periods[0].end_ms, NOW);
    fse_monitor_result_free(r);
    r = NULL;
    /* After the current quarter, reversed, or too long. */
    assert_int_equal(fse_monitor_compute(&r, f->s, quarter("2026Q2"), quarter("2026Q2"), NOW),
                     FSE_E_ARG);
    assert_int_equal(fse_monitor_compute(&r, f->s, quarter("2025Q3"), quarter("2025Q1"), NOW),
                     FSE_E_ARG);
    assert_int_equal(fse_monitor_compute(&r, f->s, quarter("2010Q1"), quarter("2025Q1"), NOW),
                     FSE_E_ARG);
    assert_null(r);
}

static void suppression(void **state)
{
    fx *f = *state;
    fse_monitor_result *r;
    const fse_monitor_cell *c;

    world(f->s);
    r = compute(f->s, "2025Q1", "2025Q1");
    /* 020 has 5 citizens: suppressed. Alone, it would be the national
     * figure minus the others: 030 (the smallest other) goes too. */
    c = cell(r, 0, "020");
    assert_true(c->ind[FSE_MONITOR_CONSENT].suppressed);
    assert_int_equal(c->ind[FSE_MONITOR_CONSENT].num, 0);
    assert_int_equal(c->ind[FSE_MONITOR_CONSENT].den, 0);
    assert_true(cell(r, 0, "030")->ind[FSE_MONITOR_CONSENT].suppressed);
    ratio_is(&cell(r, 0, "010")->ind[FSE_MONITOR_CONSENT], 17, 30);
    ratio_is(&cell(r, 0, "ITA")->ind[FSE_MONITOR_CONSENT], 32, 55);
    /* Professionals' and documents' cells are not about citizens. */
    ratio_is(&cell(r, 0, "010")->ind[FSE_MONITOR_GP], 1, 2);
    ratio_is(&cell(r, 0, "010")->ind[FSE_MONITOR_SPECIALISTS], 1, 2);
    /* Usage: 13 of 21 in 010, nothing elsewhere: no suppression. */
    ratio_is(&cell(r, 0, "010")->ind[FSE_MONITOR_USAGE], 13, 21);
    fse_monitor_result_free(r);
}

static void small_numerator_is_suppressed(void **state)
{
    fx *f = *state;
    fse_monitor_result *r;
    int i;

    /* 40 citizens, 3 with consent: 3 is a small cell; the national figure
     * equals the only region's, so it goes too. */
    for (i = 0; i < 40; i++) {
        patient(f->s, "050", i, NULL, 0, utc(2025, 1, 10, 0, 0, 0));
    }
    for (i = 0; i < 3; i++) {
        consent(f->s, "050", i, FSE_STORE_CONSENT_CURA, true, utc(2025, 1, 11, 0, 0, 0), false);
    }
    r = compute(f->s, "2025Q1", "2025Q1");
    assert_true(cell(r, 0, "050")->ind[FSE_MONITOR_CONSENT].suppressed);
    assert_true(cell(r, 0, "ITA")->ind[FSE_MONITOR_CONSENT].suppressed);
    ratio_is(&cell(r, 0, "050")->ind[FSE_MONITOR_USAGE], 0, 0);
    fse_monitor_result_free(r);
}

/* ------------------------------------------------------------------------ */
/* Outputs                                                                  */
/* ------------------------------------------------------------------------ */

static json_t *parse(const fse_buf *b)
{
    json_error_t err;
    json_t *j = json_loadb(b->data, b->len, 0, &err);

    if (j == NULL) {
        fail_msg("JSON: %s", err.text);
    }
    return j;
}

static json_t *json_cell(json_t *root, size_t period, const char *region)
{
    json_t *cells =
        json_object_get(json_array_get(json_object_get(root, "quarters"), period), "cells");
    size_t i;

    for (i = 0; i < json_array_size(cells); i++) {
        json_t *c = json_array_get(cells, i);

        if (strcmp(json_string_value(json_object_get(c, "region")), region) == 0) {
            return c;
        }
    }
    fail_msg("no cell %s", region);
    return NULL;
}

static void json_and_csv(void **state)
{
    fx *f = *state;
    fse_monitor_result *r;
    fse_buf b;
    json_t *root;
    json_t *c;

    world(f->s);
    r = compute(f->s, "2025Q1", "2025Q2");
    fse_buf_init(&b, 1u << 24);
    assert_int_equal(fse_monitor_result_json(&b, r, NOW), FSE_OK);
    root = parse(&b);
    assert_string_equal(json_string_value(json_object_get(root, "from")), "2025Q1");
    assert_string_equal(json_string_value(json_object_get(root, "to")), "2025Q2");
    assert_int_equal(json_array_size(json_object_get(root, "doc_types")), 16);
    assert_int_equal(json_array_size(json_object_get(root, "regions")), 21);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(root, "quarters"), 1), "start")),
                        "2025-03-31T22:00:00.000Z");
    c = json_cell(root, 0, "010");
    assert_string_equal(json_string_value(json_object_get(c, "name")), "Piemonte");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "consenso"), "num")),
                     17);
    /* 17 / 30 = 56.666...: 56.7 */
    assert_true(json_number_value(json_object_get(json_object_get(c, "consenso"), "pct")) == 56.7);
    assert_true(json_is_null(
        json_object_get(json_object_get(json_cell(root, 0, "030"), "utilizzo"), "pct")));
    assert_true(json_is_true(
        json_object_get(json_object_get(json_cell(root, 0, "020"), "consenso"), "suppressed")));
    assert_null(json_object_get(json_object_get(json_cell(root, 0, "020"), "consenso"), "num"));
    assert_int_equal(json_array_size(json_object_get(c, "types_available")), 2);
    json_decref(root);

    fse_buf_reset(&b);
    assert_int_equal(fse_monitor_result_csv(&b, r), FSE_OK);
    assert_non_null(strstr(b.data, "trimestre;codice_regione;regione;indicatore;numeratore;"
                                   "denominatore;percentuale\r\n"));
    assert_non_null(strstr(b.data, "2025Q1;010;Piemonte;consenso;17;30;56,7\r\n"));
    assert_non_null(strstr(b.data, "2025Q1;020;Valle d'Aosta;consenso;<10;<10;<10\r\n"));
    assert_non_null(strstr(b.data, "2025Q2;ITA;Italia;mmg_pls;1;2;50,0\r\n"));
    assert_non_null(strstr(b.data, "2025Q1;030;Lombardia;utilizzo;0;0;\r\n"));
    fse_buf_free(&b);
    fse_monitor_result_free(r);
}

/* ------------------------------------------------------------------------ */
/* Volumes                                                                  */
/* ------------------------------------------------------------------------ */

static void event(fse_store *s, const char *wii, const char *type, const char *status, int64_t t)
{
    fse_store_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.trace_id = "0123456789abcdef0123456789abcdef";
    ev.workflow_instance_id = wii;
    ev.event_type = type;
    ev.event_status = status;
    ev.event_date_ms = t;
    assert_int_equal(fse_store_event_append(s, &ev, NULL), FSE_OK);
}

static void volumes(void **state)
{
    fx *f = *state;
    fse_failure fails[3];
    fse_report rep;
    fse_buf b;
    json_t *root;
    json_t *pub;
    json_t *val;
    json_t *lat;
    int64_t day1 = utc(2026, 2, 14, 23, 30, 0); /* 15 Feb in Rome */
    int64_t day0 = utc(2026, 2, 14, 22, 30, 0); /* 14 Feb in Rome */
    size_t i;

    patient(f->s, "010", 1, NULL, 0, day0);
    doc(f->s, "010", 1, "11502-2", day0);
    doc(f->s, "010", 1, "11502-2", day1);
    doc(f->s, "010", 1, "68604-8", day1);
    doc(f->s, "010", 1, "11502-2", utc(2025, 1, 1, 0, 0, 0)); /* outside the days */

    /* Validations through the gateway's call: a valid LAB, a semantic error
     * with two rules (one twice) and an XSD error; other events and no
     * report write nothing. */
    memset(&rep, 0, sizeof(rep));
    memset(fails, 0, sizeof(fails));
    snprintf(rep.doc_type, sizeof(rep.doc_type), "LAB");
    rep.outcome = FSE_OUTCOME_OK;
    assert_int_equal(fse_monitor_record_validation(f->s, "VALIDATION", &rep, day1), FSE_OK);
    assert_int_equal(fse_monitor_record_validation(f->s, "PUBLICATION", &rep, day1), FSE_OK);
    assert_int_equal(fse_monitor_record_validation(f->s, "VALIDATION", NULL, day1), FSE_OK);
    rep.outcome = FSE_OUTCOME_SEMANTIC_ERROR;
    fails[0].kind = FSE_FAILURE_SCHEMATRON;
    fails[0].rule = "ERRORE-45";
    fails[1].kind = FSE_FAILURE_SCHEMATRON;
    fails[1].rule = "ERRORE-7";
    fails[2].kind = FSE_FAILURE_SCHEMATRON;
    fails[2].rule = "ERRORE-45";
    rep.failures = fails;
    rep.n_failures = 3;
    assert_int_equal(fse_monitor_record_validation(f->s, "VALIDATION_FOR_PUBLICATION", &rep, day0),
                     FSE_OK);
    assert_int_equal(fse_monitor_record_validation(f->s, "VALIDATION_FOR_REPLACE", &rep, day1),
                     FSE_OK);
    rep.outcome = FSE_OUTCOME_SYNTAX_ERROR;
    fails[0].kind = FSE_FAILURE_XSD;
    fails[0].rule = "";
    rep.n_failures = 1;
    snprintf(rep.doc_type, sizeof(rep.doc_type), "LDO");
    assert_int_equal(fse_monitor_record_validation(f->s, "VALIDATION", &rep, day1), FSE_OK);

    /* Latency: 1.5 s and 4 s to the INI registration; one not registered. */
    event(f->s, "wii-1", "PUBLICATION", "SUCCESS", day0);
    event(f->s, "wii-1", "SEND_TO_INI", "SUCCESS", day0 + 1500);
    event(f->s, "wii-2", "REPLACE", "SUCCESS", day1);
    event(f->s, "wii-2", "SEND_TO_INI", "ASYNC_RETRY", day1 + 1000);
    event(f->s, "wii-2", "SEND_TO_INI", "SUCCESS", day1 + 4000);
    event(f->s, "wii-3", "PUBLICATION", "SUCCESS", day1);

    fse_buf_init(&b, 1u << 24);
    assert_int_equal(fse_monitor_volumes_json(&b, f->s, 2, NOW), FSE_OK);
    root = parse(&b);
    assert_string_equal(json_string_value(json_array_get(json_object_get(root, "days"), 0)),
                        "2026-02-14");
    assert_string_equal(json_string_value(json_array_get(json_object_get(root, "days"), 1)),
                        "2026-02-15");
    pub = json_object_get(root, "published");
    assert_int_equal(json_integer_value(json_object_get(pub, "total")), 3);
    for (i = 0; i < json_array_size(json_object_get(pub, "types")); i++) {
        json_t *t = json_array_get(json_object_get(pub, "types"), i);
        const char *code = json_string_value(json_object_get(t, "type_code"));
        json_t *counts = json_object_get(t, "counts");

        if (strcmp(code, "11502-2") == 0) {
            assert_int_equal(json_integer_value(json_array_get(counts, 0)), 1);
            assert_int_equal(json_integer_value(json_array_get(counts, 1)), 1);
            assert_string_equal(json_string_value(json_object_get(t, "monitored")), "LAB");
        } else {
            assert_string_equal(code, "68604-8");
            assert_int_equal(json_integer_value(json_array_get(counts, 1)), 1);
        }
    }
    val = json_object_get(root, "validation");
    assert_int_equal(json_integer_value(json_object_get(val, "total")), 4);
    for (i = 0; i < json_array_size(json_object_get(val, "outcomes")); i++) {
        json_t *o = json_array_get(json_object_get(val, "outcomes"), i);
        const char *code = json_string_value(json_object_get(o, "outcome"));
        int64_t total = json_integer_value(json_object_get(o, "total"));

        assert_int_equal(total, strcmp(code, "03") == 0                              ? 2
                                : strcmp(code, "00") == 0 || strcmp(code, "01") == 0 ? 1
                                                                                     : 0);
    }
    /* ERRORE-45 counted once per validation: 2; then ERRORE-7 2, xsd 1. */
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(root, "top_rules"), 0), "rule")),
                        "ERRORE-45");
    assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(json_object_get(root, "top_rules"), 0), "count")),
                     2);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(root, "top_rules"), 2), "rule")),
                        "xsd");
    lat = json_object_get(root, "latency");
    assert_int_equal(json_integer_value(json_object_get(lat, "n")), 2);
    assert_int_equal(json_integer_value(json_object_get(lat, "p50_ms")), 1500);
    assert_int_equal(json_integer_value(json_object_get(lat, "max_ms")), 4000);
    assert_int_equal(json_array_size(json_object_get(lat, "daily")), 2);
    json_decref(root);
    assert_int_equal(fse_monitor_volumes_json(&b, f->s, 0, NOW), FSE_E_ARG);
    assert_int_equal(fse_monitor_volumes_json(&b, f->s, 367, NOW), FSE_E_ARG);
    fse_buf_free(&b);
}

/* ------------------------------------------------------------------------ */
/* Store API and keyless reading                                            */
/* ------------------------------------------------------------------------ */

static void professionals_and_counters_reject_bad_input(void **state)
{
    fx *f = *state;
    fse_store_professional p = {S1, "AAS", "010", 1000, 0};
    const char *many[FSE_STORE_MON_MAX_RULES + 1];
    size_t i;

    p.region = "10";
    assert_int_equal(fse_store_professional_put(f->s, &p, 1000), FSE_E_ARG);
    p.region = "010";
    p.enabled_to_ms = 1000;
    assert_int_equal(fse_store_professional_put(f->s, &p, 1000), FSE_E_ARG);
    p.enabled_to_ms = 0;
    p.role = "";
    assert_int_equal(fse_store_professional_put(f->s, &p, 1000), FSE_E_ARG);
    p.role = "AAS";
    p.actor_id = NULL;
    assert_int_equal(fse_store_professional_put(f->s, &p, 1000), FSE_E_ARG);
    for (i = 0; i <= FSE_STORE_MON_MAX_RULES; i++) {
        many[i] = "R";
    }
    assert_int_equal(fse_store_mon_validation_add(f->s, 1, "LAB", NULL, NULL, 0), FSE_E_ARG);
    assert_int_equal(
        fse_store_mon_validation_add(f->s, 1, "LAB", "00", many, FSE_STORE_MON_MAX_RULES + 1),
        FSE_E_ARG);
    assert_int_equal(fse_store_mon_validation_add(f->s, 1, "LAB", "00", many, 2), FSE_OK);
}

static void keyless_store_reads_the_same(void **state)
{
    fx *f = *state;
    fse_store_opts o = FSE_STORE_OPTS_INIT;
    fse_store *keyless = NULL;
    fse_store_professional p = {S1, "AAS", "010", 1000, 0};
    fse_monitor_result *a = NULL;
    fse_monitor_result *b = NULL;
    fse_buf ja;
    fse_buf jb;

    world(f->s);
    o.path = f->db;
    assert_int_equal(fse_store_open(&keyless, &o), FSE_OK);
    assert_int_equal(fse_monitor_compute(&a, f->s, quarter("2025Q1"), quarter("2025Q4"), NOW),
                     FSE_OK);
    assert_int_equal(fse_monitor_compute(&b, keyless, quarter("2025Q1"), quarter("2025Q4"), NOW),
                     FSE_OK);
    fse_buf_init(&ja, 1u << 24);
    fse_buf_init(&jb, 1u << 24);
    assert_int_equal(fse_monitor_result_json(&ja, a, NOW), FSE_OK);
    assert_int_equal(fse_monitor_result_json(&jb, b, NOW), FSE_OK);
    assert_string_equal(ja.data, jb.data);
    /* Writing a professional needs the key (its keyed reference). */
    assert_int_equal(fse_store_professional_put(keyless, &p, 1000), FSE_E_CRYPTO);
    fse_buf_free(&ja);
    fse_buf_free(&jb);
    fse_monitor_result_free(a);
    fse_monitor_result_free(b);
    fse_store_free(keyless);
}

/* ------------------------------------------------------------------------ */
/* HTTP                                                                     */
/* ------------------------------------------------------------------------ */

static int64_t fixed_clock(void *ud)
{
    (void)ud;
    return NOW;
}

static void get(uint16_t port, const char *path, tc_response *r)
{
    char raw[512];

    snprintf(raw, sizeof(raw), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
             path);
    assert_true(tc_request(port, raw, r));
}

static void routes(void **state)
{
    fx *f = *state;
    fse_monitor_opts mo = FSE_MONITOR_OPTS_INIT;
    fse_http_opts ho;
    fse_monitor *m = NULL;
    fse_http_server *srv = NULL;
    tc_response r;
    uint16_t port;
    json_t *root;
    fse_buf b;

    world(f->s);
    mo.store_path = f->db;
    mo.clock = fixed_clock;
    assert_int_equal(fse_monitor_new(&m, &mo), FSE_OK);
    memset(&ho, 0, sizeof(ho));
    assert_int_equal(fse_http_server_new(&srv, &ho), FSE_OK);
    assert_int_equal(fse_monitor_routes(m, srv), FSE_OK);
    assert_int_equal(fse_http_server_start(srv), FSE_OK);
    port = fse_http_server_port(srv);

    get(port, "/monitor/v1/indicators?from=2025Q1&to=2025Q2", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(tc_header(&r, "Content-Type"), "application/json"));
    fse_buf_init(&b, 1u << 24);
    assert_int_equal(fse_buf_append(&b, r.body, r.body_len), FSE_OK);
    root = parse(&b);
    assert_int_equal(json_array_size(json_object_get(root, "quarters")), 2);
    json_decref(root);
    fse_buf_free(&b);
    tc_response_free(&r);

    /* Defaults: the last 8 quarters up to now's. */
    get(port, "/monitor/v1/indicators", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((const char *)r.body, "\"from\":\"2024Q2\",\"to\":\"2026Q1\""));
    tc_response_free(&r);

    get(port, "/monitor/v1/indicators.csv?from=2025Q1&to=2025Q1", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(tc_header(&r, "Content-Type"), "text/csv; charset=utf-8");
    assert_non_null(strstr(tc_header(&r, "Content-Disposition"), "fse-indicatori-2025Q1-2025Q1"));
    assert_non_null(strstr((const char *)r.body, "2025Q1;010;Piemonte;consenso;17;30;56,7"));
    tc_response_free(&r);

    get(port, "/monitor/v1/volumes?days=7", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((const char *)r.body, "\"n_days\":7"));
    tc_response_free(&r);

    get(port, "/monitor/v1/indicators?from=2025Q9", &r);
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    get(port, "/monitor/v1/indicators?from=2025Q1&to=2027Q1", &r);
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    get(port, "/monitor/v1/volumes?days=1000", &r);
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    get(port, "/monitor/v1/volumes?days=-1", &r);
    assert_int_equal(r.status, 400);
    tc_response_free(&r);

    fse_http_server_free(srv);
    fse_monitor_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(italian_time),
        cmocka_unit_test(doc_type_table),
        cmocka_unit_test_setup_teardown(consent_indicator, setup, teardown),
        cmocka_unit_test_setup_teardown(usage_indicator, setup, teardown),
        cmocka_unit_test_setup_teardown(gp_indicator, setup, teardown),
        cmocka_unit_test_setup_teardown(specialists_indicator, setup, teardown),
        cmocka_unit_test_setup_teardown(doc_types_indicator, setup, teardown),
        cmocka_unit_test_setup_teardown(regions_and_national, setup, teardown),
        cmocka_unit_test_setup_teardown(partial_quarter_and_range, setup, teardown),
        cmocka_unit_test_setup_teardown(suppression, setup, teardown),
        cmocka_unit_test_setup_teardown(small_numerator_is_suppressed, setup, teardown),
        cmocka_unit_test_setup_teardown(json_and_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(volumes, setup, teardown),
        cmocka_unit_test_setup_teardown(professionals_and_counters_reject_bad_input, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(keyless_store_reads_the_same, setup, teardown),
        cmocka_unit_test_setup_teardown(routes, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
