/*
 * tests/monitor/test_monitor_io.c - the monitor's outputs (JSON and CSV of
 * the known world), the volumes (documents per type and Italian day,
 * validation counters through the gateway's call, failing rules,
 * publication latency), the store API's checks, reading through a keyless
 * store, and the routes over HTTP on 127.0.0.1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "fse/validate.h"
#include "http_client.h"
#include "mon_test.h"

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

void json_and_csv(void **state)
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

void volumes(void **state)
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

void professionals_and_counters_reject_bad_input(void **state)
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

void keyless_store_reads_the_same(void **state)
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

void routes(void **state)
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

/* A clock the test moves; read by the server's threads and the refresher. */
static _Atomic int64_t moving_now;

static int64_t moving_clock(void *ud)
{
    (void)ud;
    return atomic_load(&moving_now);
}

/* The consent numerator of 010 in 2025Q1 as the route answers it. */
static int64_t consent_010(uint16_t port)
{
    tc_response r;
    fse_buf b;
    json_t *root;
    int64_t num;

    get(port, "/monitor/v1/indicators?from=2025Q1&to=2025Q1", &r);
    assert_int_equal(r.status, 200);
    fse_buf_init(&b, 1u << 24);
    assert_int_equal(fse_buf_append(&b, r.body, r.body_len), FSE_OK);
    root = parse(&b);
    num = json_integer_value(
        json_object_get(json_object_get(json_cell(root, 0, "010"), "consenso"), "num"));
    json_decref(root);
    fse_buf_free(&b);
    tc_response_free(&r);
    return num;
}

void stale_answers_are_refreshed(void **state)
{
    fx *f = *state;
    fse_monitor_opts mo = FSE_MONITOR_OPTS_INIT;
    fse_http_opts ho;
    fse_monitor *m = NULL;
    fse_http_server *srv = NULL;
    struct timespec pause = {0, 50 * 1000 * 1000};
    uint16_t port;
    int64_t got = 0;
    int i;

    world(f->s);
    atomic_store(&moving_now, NOW);
    mo.store_path = f->db;
    mo.clock = moving_clock;
    mo.cache_ttl_s = 1;
    assert_int_equal(fse_monitor_new(&m, &mo), FSE_OK);
    memset(&ho, 0, sizeof(ho));
    assert_int_equal(fse_http_server_new(&srv, &ho), FSE_OK);
    assert_int_equal(fse_monitor_routes(m, srv), FSE_OK);
    assert_int_equal(fse_http_server_start(srv), FSE_OK);
    port = fse_http_server_port(srv);

    assert_int_equal(consent_010(port), 17);
    /* A consent recorded with a past time: the fresh answer stays. */
    consent(f->s, "010", 18, FSE_STORE_CONSENT_CURA, true, utc(2025, 2, 2, 0, 0, 0), false);
    assert_int_equal(consent_010(port), 17);
    /* Past the TTL: the stale answer at once, the new one once refreshed. */
    atomic_store(&moving_now, NOW + 2000);
    assert_int_equal(consent_010(port), 17);
    for (i = 0; i < 200 && got != 18; i++) {
        nanosleep(&pause, NULL);
        got = consent_010(port);
    }
    assert_int_equal(got, 18);
    /* Past 15 TTLs an answer is computed again before it is served. */
    consent(f->s, "010", 19, FSE_STORE_CONSENT_CURA, true, utc(2025, 2, 2, 0, 0, 0), false);
    atomic_store(&moving_now, NOW + 60000);
    assert_int_equal(consent_010(port), 19);

    fse_http_server_free(srv);
    fse_monitor_free(m);
}
