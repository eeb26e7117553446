/*
 * tests/policy/test_policy_fhir_params.c - the search parameters of the
 * FHIR conformance suite, with curl against fse serve: date with its
 * prefixes and precisions, type, category, facility, author, status, and
 * strict or lenient handling of parameters (docs/consult.md).
 */
#include "pt_fhir.h"

#include <stdio.h>
#include <string.h>

typedef struct day_range {
    int lo, hi; /* creation day of March 2025, inclusive */
} day_range;

static bool in_days(const fdoc *d, const void *arg)
{
    const day_range *r = arg;
    int day = (d->created[6] - '0') * 10 + (d->created[7] - '0');

    return d->current && day >= r->lo && day <= r->hi;
}

void fh_test_date_prefixes(void **state)
{
    static const struct {
        const char *query;
        day_range days;
    } cases[] = {
        {"&date=ge2025-03-10", {10, 99}},
        {"&date=le2025-03-04", {0, 4}},
        {"&date=gt2025-03-10", {11, 99}},
        {"&date=lt2025-03-04", {0, 3}},
        {"&date=eq2025-03-07", {7, 7}},
        {"&date=2025-03-07", {7, 7}},
        {"&date=ge2025-03-05&date=le2025-03-08", {5, 8}},
        {"&date=ge2025-03-05T10:00:00", {5, 99}},
        {"&date=gt2025-03-05T10:00:00", {6, 99}},
        {"&date=le2025-03-05T09:59:59", {0, 4}},
        {"&date=le2025-03", {0, 99}},
        {"&date=ge2025-04", {99, 99}},
        {"&date=lt2025", {99, 0}},
        {"&date=eq2025", {0, 99}},
    };
    size_t c;

    (void)state;
    for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        fh_expect_set(cases[c].query, in_days, &cases[c].days);
    }
}

typedef struct match {
    const char *loinc, *category, *facility, *author;
    int institution; /* -1 any */
    int status;      /* 0 current, 1 superseded, 2 both */
} match;

static bool matches(const fdoc *d, const void *arg)
{
    const match *m = arg;

    if ((m->status == 0 && !d->current) || (m->status == 1 && d->current)) {
        return false;
    }
    return (m->loinc == NULL || strcmp(d->loinc, m->loinc) == 0) &&
           (m->category == NULL || strcmp(d->category, m->category) == 0) &&
           (m->facility == NULL || strcmp(d->facility, m->facility) == 0) &&
           (m->author == NULL || strcmp(d->author, m->author) == 0) &&
           (m->institution < 0 || d->institution == m->institution);
}

static bool nothing(const fdoc *d, const void *arg)
{
    (void)d;
    (void)arg;
    return false;
}

void fh_test_parameters(void **state)
{
    const match lab = {"11502-2", NULL, NULL, NULL, -1, 0};
    const match ldo = {NULL, "LDO", NULL, NULL, -1, 0};
    const match any = {NULL, NULL, NULL, NULL, -1, 0};
    const match territorio = {NULL, NULL, "Territorio", NULL, -1, 0};
    const match by_a = {NULL, NULL, NULL, f.author_a, -1, 0};
    const match by_p = {NULL, NULL, NULL, NULL, PT_FAC_P, 0};
    const match superseded = {NULL, NULL, NULL, NULL, -1, 1};
    const match all = {NULL, NULL, NULL, NULL, -1, 2};
    const match lab_ldo = {"11502-2", "LDO", NULL, NULL, -1, 0};
    char query[256];

    (void)state;
    fh_expect_set("&type=11502-2", matches, &lab);
    fh_expect_set("&type=http://loinc.org%7C11502-2", matches, &lab);
    fh_expect_set("&type=http://example.org/other%7C11502-2", nothing, NULL);
    fh_expect_set("&type=11502-2,68604-8", matches, &any);
    fh_expect_set("&category=LDO", matches, &ldo);
    fh_expect_set("&category=REF,LDO", matches, &any);
    fh_expect_set("&type=11502-2&category=LDO", matches, &lab_ldo);
    fh_expect_set("&facility=Territorio", matches, &territorio);
    snprintf(query, sizeof(query), "&author.identifier=%s", f.author_a);
    fh_expect_set(query, matches, &by_a);
    fh_expect_set("&author.identifier=120201", matches, &by_p);
    fh_expect_set("&status=superseded", matches, &superseded);
    fh_expect_set("&status=current,superseded", matches, &all);
    fh_expect_set("&status=current", matches, &any);
}

void fh_test_strict_and_lenient(void **state)
{
    const char *lenient[] = {"Prefer: handling=lenient", NULL};
    const char *strict[] = {"Prefer: handling=strict", NULL};
    char path[512];
    pt_curl_out o;

    (void)state;
    fh_search_path(path, sizeof(path), "&colour=blue");
    fh_get(&o, path);
    fh_expect_outcome(&o, 400, "invalid", "unknown parameter");
    pt_curl_free(&o);
    pt_curl(&f.s, &o, "GET", path, true, strict);
    fh_expect_outcome(&o, 400, "invalid", "unknown parameter, strict");
    pt_curl_free(&o);
    pt_curl(&f.s, &o, "GET", path, true, lenient);
    assert_int_equal(o.status, 200);
    fh_expect_json(&o, "lenient");
    assert_int_equal(json_integer_value(json_object_get(o.json, "total")), N_CURRENT);
    pt_curl_free(&o);
    /* A known parameter with a bad value is refused either way. */
    fh_search_path(path, sizeof(path), "&date=yesterday");
    pt_curl(&f.s, &o, "GET", path, true, lenient);
    fh_expect_outcome(&o, 400, "invalid", "bad date");
    pt_curl_free(&o);
    fh_search_path(path, sizeof(path), "&_sort=title");
    fh_get(&o, path);
    fh_expect_outcome(&o, 400, "invalid", "bad _sort");
    pt_curl_free(&o);
    fh_search_path(path, sizeof(path), "&status=archived");
    fh_get(&o, path);
    fh_expect_outcome(&o, 400, "invalid", "bad status");
    pt_curl_free(&o);
    /* The patient is required. */
    fh_get(&o, "/fhir/DocumentReference?type=11502-2");
    fh_expect_outcome(&o, 400, "invalid", "no patient");
    pt_curl_free(&o);
}
