/*
 * lib/monitor/monitor_int.h - internals shared by the files of the monitor
 * module: the role lists of the indicators, the module's limits and the
 * helpers of the outputs.
 *
 * The public API is include/fse/monitor.h; no other module includes this
 * header.
 */
#ifndef FSE_MONITOR_INT_H
#define FSE_MONITOR_INT_H

#include "fse/monitor.h"
#include "fse/store_monitor.h"

#include <stdint.h>

#define FSE_MONITOR_MODULE "monitor"

/* Most regions (cells) of one quarter: the 3-digit codes and "". */
#define MON_MAX_REGIONS 1001u
/* Workflows whose publication latency one volumes request reads: the
 * samples are kept in memory (16 bytes each) and sorted. */
#define MON_MAX_LATENCY_SAMPLES 2000000u
/* Failing rules listed by the volumes. */
#define MON_TOP_RULES 10u
/* Largest answer of one request. */
#define MON_MAX_OUTPUT (16u * 1024u * 1024u)
/* Answers kept by the cache of an fse_monitor. */
#define MON_CACHE_SLOTS 16u

/* The role and purpose lists of the indicators (monitor_tables.c). */
extern const char *const fse_monitor__citizen_roles[];
extern const size_t fse_monitor__n_citizen_roles;
extern const char *const fse_monitor__specialist_roles[];
extern const size_t fse_monitor__n_specialist_roles;
#define MON_CITIZEN_PURPOSE "PERSONAL"
#define MON_GP_ROLE "APR"

/* The citizens' counts of quarters (monitor_citizens.c): per period and
 * region, MON_PATIENTS registry records created before the period's end,
 * MON_CONSENT of them with the cura consent then, MON_WITH_DOCS with a
 * document stored before it, MON_CONSULTED of those with an access in
 * the 90 days before it; and when each monitored type first appeared in
 * each region. */
enum { MON_PATIENTS = 0, MON_CONSENT = 1, MON_WITH_DOCS = 2, MON_CONSULTED = 3 };

typedef struct mon_citizens {
    size_t n_periods;
    const int64_t *ends; /* borrowed: each period's end (exclusive), ascending */
    size_t n_regions;
    char (*regions)[4];                             /* codes, in the order met */
    int64_t (*type_first)[FSE_MONITOR_N_DOC_TYPES]; /* per region; INT64_MAX: never */
    int64_t *counts;                                /* [period][region][4] */
} mon_citizens;

fse_err fse_monitor__citizens(mon_citizens *out, fse_store *s, const int64_t *ends,
                              size_t n_periods);
/* The 4 counts of a period and region. */
const int64_t *fse_monitor__citizen_counts(const mon_citizens *c, size_t period, size_t region);
void fse_monitor__citizens_free(mon_citizens *c);

/* A ratio as a percentage with one decimal ("41.2", or with a comma) into
 * out (16 bytes); "" when den is 0. */
void fse_monitor__pct(char out[16], const fse_monitor_ratio *r, char decimal_point);

/* ISO 8601 UTC text of ms with milliseconds ("2026-03-31T22:00:00.000Z":
 * a partial quarter ends at a millisecond) into out (25 bytes). */
void fse_monitor__iso(char out[25], int64_t ms);

#endif /* FSE_MONITOR_INT_H */
