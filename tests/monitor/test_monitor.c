/*
 * tests/monitor/test_monitor.c - the adoption indicators (lib/monitor) on
 * a store built by hand with known answers (mon_fixture.c): each
 * indicator, the split by region, the quarter boundaries (a millisecond
 * before and at a quarter's end, the 90-day window), the partial quarter,
 * the national aggregate, primary and secondary suppression, Italian time
 * and the table of the 16 types. The outputs, volumes, store API, keyless
 * reading and routes are in test_monitor_io.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mon_test.h"

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
        cmocka_unit_test_setup_teardown(stale_answers_are_refreshed, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
