/*
 * tests/monitor/mon_test.h - what the files of the monitor suite share: the
 * per-test store fixture, times, the builders of a hand-made store and the
 * world of known answers (mon_fixture.c), and the tests of the outputs,
 * volumes, store API and routes (test_monitor_io.c).
 */
#ifndef FSE_TEST_MON_H
#define FSE_TEST_MON_H

#include <limits.h>
#include <stdint.h>

#include "fse/audit.h"
#include "fse/monitor.h"
#include "fse/store_monitor.h"

typedef struct fx {
    char dir[PATH_MAX];
    char db[PATH_MAX + 16];
    char key[PATH_MAX + 16];
    fse_store *s;
} fx;

/* cmocka setup/teardown: a fresh store with its key in *state (fx). */
int setup(void **state);
int teardown(void **state);

/* UTC milliseconds of a date and time. */
int64_t utc(int y, int mo, int d, int h, int mi, int s);

/* Quarter starts in UTC: 00:00 Italian time (CET in January, CEST in
 * April, July and October), and the tests' now (in 2026Q1). */
#define Q1_2025 utc(2024, 12, 31, 23, 0, 0)
#define Q2_2025 utc(2025, 3, 31, 22, 0, 0)
#define Q3_2025 utc(2025, 6, 30, 22, 0, 0)
#define Q4_2025 utc(2025, 9, 30, 22, 0, 0)
#define Q1_2026 utc(2025, 12, 31, 23, 0, 0)
#define NOW utc(2026, 2, 15, 12, 0, 0)
#define DAY_MS 86400000LL

/* The people of the world. */
#define GPA "GPAAAA80A01H501A"
#define GPB "GPBBBB80A01H501B"
#define S1 "SPECIA80A01H501C"
#define S2 "SPECIB80A01H501D"
#define S3 "NURSEC80A01H501E"
#define S4 "SPECID80A01H501F"

/* Builders: patient "PAT<region><i>" (registry record created at created,
 * its GP until gp_to), a consent act, a document of a type stored at t, an
 * audit record, a citizen's access (the patient as ASS, someone else in
 * another role), an enabled professional. Each asserts success. */
const char *pid(char out[32], const char *region, int i);
void patient(fse_store *s, const char *region, int i, const char *gp, int64_t gp_to,
             int64_t created);
void consent(fse_store *s, const char *region, int i, fse_store_consent_purpose purpose, bool given,
             int64_t t, bool minor);
void doc(fse_store *s, const char *region, int i, const char *type_code, int64_t t);
void audit_rec(fse_store *s, const char *actor, const char *role, const char *purpose,
               const char *patient, fse_audit_outcome outcome, int64_t t);
void citizen(fse_store *s, const char *region, int i, const char *role, const char *purpose,
             fse_audit_outcome outcome, int64_t t);
void professional(fse_store *s, const char *cf, const char *role, const char *region, int64_t from,
                  int64_t to);

/* The world of the known answers (mon_fixture.c says who is who). */
void world(fse_store *s);

/* The cell of region in a result's period (fails the test when absent);
 * a ratio published with num/den; a quarter "YYYYQn"; the indicators of
 * from..to at NOW. */
const fse_monitor_cell *cell(const fse_monitor_result *r, size_t period, const char *region);
void ratio_is(const fse_monitor_ratio *r, int64_t num, int64_t den);
fse_monitor_quarter quarter(const char *text);
fse_monitor_result *compute(fse_store *s, const char *from, const char *to);

/* test_monitor_io.c */
void json_and_csv(void **state);
void volumes(void **state);
void professionals_and_counters_reject_bad_input(void **state);
void keyless_store_reads_the_same(void **state);
void routes(void **state);
void stale_answers_are_refreshed(void **state);

#endif /* FSE_TEST_MON_H */
