/*
 * include/fse/monitor.h - the adoption indicators the Ministry publishes
 * (domain-rules §7.2), computed live from the node's own data per region
 * and per quarter with the national aggregate, the volumes of the node
 * (documents published per type and day, validation outcomes and failing
 * rules, publication latency), and their public HTTP API under
 * /monitor/v1 (docs/monitor.md).
 *
 * Owns the definitions: the quarters (Italian civil time, Europe/Rome), the
 * 16 monitored document types with their LOINC codes, the regions, the
 * roles that make a citizen's access and a GP's or specialist's operation,
 * the suppression of small cells, the outputs (JSON, CSV) and the routes.
 * Every number comes from aggregates over plain columns and keyed
 * references (fse/store_monitor.h): nothing is decrypted, and the routes
 * open the store without its master key. Does not own the rows
 * (lib/store) nor what the gateway records besides the one call
 * fse_monitor_record_validation.
 *
 * Indicators of a quarter [start, end) (end: the next quarter's start, or
 * now for the quarter in progress), per region of the patient's registry
 * record (documents by their patient's region):
 *  - consent: registry records created before end whose last cura consent
 *    act before end gives it ÷ registry records created before end. A
 *    consent given while a minor is counted: whether the patient came of
 *    age since needs the birth date, which is sealed and not opened.
 *  - usage: of the registry records with >= 1 document stored before end,
 *    those with an audit record of purpose PERSONAL, role ASS, TUT, GEN or
 *    ING and outcome success in the 90 days before end ÷ those records.
 *  - gp: distinct GPs (registry GP references) of the region's records
 *    whose assignment overlaps the quarter with >= 1 successful audit
 *    record in role APR in the quarter ÷ those GPs.
 *  - specialists: distinct professionals of role AAS, DRS, MRP or RSA
 *    enabled in the region during the quarter (fse_store_professional_put)
 *    with >= 1 successful audit record in the quarter ÷ those enabled.
 *  - doc_types: of the 16 monitored types, those with >= 1 document of a
 *    patient of the region stored before end ÷ 16.
 * The national aggregate ("ITA") sums the regions' numerators and
 * denominators (doc_types: the mean of the regions, i.e. the sums over the
 * regions with a 3-digit code). Suppression: a citizen indicator (consent,
 * usage) whose numerator or denominator is between 1 and 9 is suppressed,
 * and when that leaves one region suppressed in a quarter the published
 * region with the smallest denominator is suppressed too, so that the
 * national figure cannot give it back by subtraction.
 *
 * Threading: fse_monitor_new and fse_monitor_routes before the server
 * starts; then the object is shared by the server's threads (its cache and
 * its store handle have their own locks) and runs one thread of its own,
 * the refresher, started by fse_monitor_routes and joined by
 * fse_monitor_free. The other functions take the caller's store handle
 * (one thread).
 */
#ifndef FSE_MONITOR_H
#define FSE_MONITOR_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/http.h"
#include "fse/store.h"
#include "fse/util.h"

struct fse_report;

/* Cells of citizens smaller than this are suppressed in the public views. */
#define FSE_MONITOR_SUPPRESS_BELOW 10
/* Document types monitored (DM23 art.3 c.1, see fse_monitor_doc_types). */
#define FSE_MONITOR_N_DOC_TYPES 16u
/* Citizens' accesses count in this many days before a quarter's end. */
#define FSE_MONITOR_RECENT_DAYS 90
/* Most quarters one request may span (ten years). */
#define FSE_MONITOR_MAX_QUARTERS 40u
/* Most days of the volumes (a year and a day). */
#define FSE_MONITOR_MAX_DAYS 366u
/* The national aggregate's region code in the outputs. */
#define FSE_MONITOR_NATIONAL "ITA"

/* One of the 16 monitored document types. Static data. */
typedef struct fse_monitor_doc_type {
    const char *code;     /* short code: "LDO", "LAB", ... */
    const char *label;    /* Italian name */
    const char *dm23;     /* DM 7/9/2023 art.3 c.1 letter it falls under: "b", "d", ... */
    const char *loinc[4]; /* typeCodes (GW §15.3.3), NULL-terminated */
} fse_monitor_doc_type;

/* The table of the 16 types; *n_out gets FSE_MONITOR_N_DOC_TYPES. */
FSE_API const fse_monitor_doc_type *fse_monitor_doc_types(size_t *n_out);

/* Index of the monitored type a LOINC typeCode belongs to, or -1. */
FSE_API int fse_monitor_doc_type_of(const char *loinc);

/* Name of a region code ("120": "Lazio"); NULL when unknown. */
FSE_API const char *fse_monitor_region_name(const char *code);

/* ---- Time -------------------------------------------------------------- */

/* Offset of Italian civil time from UTC at utc_ms (3600000 or 7200000:
 * CEST from 01:00 UTC of the last Sunday of March to 01:00 UTC of the last
 * Sunday of October). */
FSE_API int64_t fse_monitor_rome_offset_ms(int64_t utc_ms);

/* The Italian calendar day of utc_ms as days since 1970-01-01. */
FSE_API int64_t fse_monitor_day_of(int64_t utc_ms);

/* UTC ms of 00:00 Italian time of a day number. */
FSE_API int64_t fse_monitor_day_start_ms(int64_t day);

/* "YYYY-MM-DD" of a day number into out (11 bytes). */
FSE_API void fse_monitor_day_text(char out[11], int64_t day);

/* A quarter as year * 4 + (q - 1). */
typedef int64_t fse_monitor_quarter;

/* Parse "YYYYQn" (2000 <= YYYY <= 2999, n 1-4). false when it is not one. */
FSE_API bool fse_monitor_quarter_parse(fse_monitor_quarter *out, const char *text);

/* "YYYYQn" into out (7 bytes). */
FSE_API void fse_monitor_quarter_text(char out[7], fse_monitor_quarter q);

/* UTC ms of 00:00 Italian time of the quarter's first day. */
FSE_API int64_t fse_monitor_quarter_start_ms(fse_monitor_quarter q);

/* The quarter utc_ms falls in (Italian time). */
FSE_API fse_monitor_quarter fse_monitor_quarter_of(int64_t utc_ms);

/* ---- Indicators -------------------------------------------------------- */

/* One indicator of one cell: numerator and denominator, or suppressed
 * (then both are 0 in the public outputs). */
typedef struct fse_monitor_ratio {
    int64_t num;
    int64_t den;
    bool suppressed;
} fse_monitor_ratio;

typedef enum fse_monitor_indicator {
    FSE_MONITOR_CONSENT = 0,
    FSE_MONITOR_USAGE = 1,
    FSE_MONITOR_GP = 2,
    FSE_MONITOR_SPECIALISTS = 3,
    FSE_MONITOR_DOC_TYPES = 4,
    FSE_MONITOR_N_INDICATORS = 5
} fse_monitor_indicator;

/* "consenso", "utilizzo", "mmg_pls", "specialisti", "tipologie"; and the
 * Italian label. NULL out of range. */
FSE_API const char *fse_monitor_indicator_id(fse_monitor_indicator i);
FSE_API const char *fse_monitor_indicator_label(fse_monitor_indicator i);

/* One region (or the national aggregate) in one quarter. */
typedef struct fse_monitor_cell {
    char region[4]; /* 3 digits, "" (registry records without a region) or "ITA" */
    fse_monitor_ratio ind[FSE_MONITOR_N_INDICATORS];
    uint32_t types_available; /* bit i: fse_monitor_doc_types()[i] available */
} fse_monitor_cell;

typedef struct fse_monitor_period {
    fse_monitor_quarter quarter;
    int64_t start_ms;
    int64_t end_ms; /* exclusive: the next quarter's start, or now when partial */
    bool partial;   /* the quarter in progress */
    size_t n_cells; /* regions in code order, then the national aggregate */
    fse_monitor_cell *cells;
} fse_monitor_period;

typedef struct fse_monitor_result {
    size_t n_periods;
    fse_monitor_period *periods; /* oldest first */
} fse_monitor_result;

/*
 * The indicators of quarters from..to (inclusive; to not after now's
 * quarter; at most FSE_MONITOR_MAX_QUARTERS), suppression applied, read
 * from s (keys not needed).
 * @param[out] out  caller frees with fse_monitor_result_free
 * @return FSE_OK; FSE_E_ARG (empty or too long range, a quarter after
 *         now's); FSE_E_NOMEM; the store's errors.
 */
FSE_API fse_err fse_monitor_compute(fse_monitor_result **out, fse_store *s,
                                    fse_monitor_quarter from, fse_monitor_quarter to,
                                    int64_t now_ms);

FSE_API void fse_monitor_result_free(fse_monitor_result *r);

/* The result as the JSON of GET /monitor/v1/indicators (docs/monitor.md). */
FSE_API fse_err fse_monitor_result_json(fse_buf *out, const fse_monitor_result *r, int64_t now_ms);

/* The result as the CSV of GET /monitor/v1/indicators.csv: a header line,
 * then one line per quarter, region and indicator; ';' separated, decimal
 * comma, suppressed values "<10". */
FSE_API fse_err fse_monitor_result_csv(fse_buf *out, const fse_monitor_result *r);

/*
 * The volumes of the last days Italian days up to now's (1 to
 * FSE_MONITOR_MAX_DAYS) as the JSON of GET /monitor/v1/volumes.
 * @return FSE_OK; FSE_E_ARG; FSE_E_NOMEM; FSE_E_LIMIT; the store's errors.
 */
FSE_API fse_err fse_monitor_volumes_json(fse_buf *out, fse_store *s, unsigned days, int64_t now_ms);

/*
 * The gateway's one call, made inside its transaction with every status
 * event it writes: for the validation events (VALIDATION,
 * VALIDATION_FOR_PUBLICATION, VALIDATION_FOR_REPLACE) with a report, count
 * the outcome and the failing rules of the report's document type on the
 * Italian day of now_ms. Any other event type, or no report: FSE_OK,
 * nothing written.
 * @return FSE_OK or the store's error.
 */
FSE_API fse_err fse_monitor_record_validation(fse_store *s, const char *event_type,
                                              const struct fse_report *report, int64_t now_ms);

/* ---- HTTP -------------------------------------------------------------- */

typedef struct fse_monitor fse_monitor; /* opaque */

typedef int64_t (*fse_monitor_clock_fn)(void *ud);

#define FSE_MONITOR_OPTS_VERSION 1

typedef struct fse_monitor_opts {
    unsigned version;           /* FSE_MONITOR_OPTS_VERSION */
    const char *store_path;     /* the node's database (opened without its key) */
    int store_busy_timeout_ms;  /* 0: the store's default */
    unsigned cache_ttl_s;       /* answers fresh this long, then served stale up to 15
                                   times as long while recomputed; 0: 60; at most 3600 */
    fse_monitor_clock_fn clock; /* NULL: the real clock */
    void *clock_ud;
    fse_http_log_fn log; /* NULL: events dropped */
    void *log_ud;
} fse_monitor_opts;

#define FSE_MONITOR_OPTS_INIT                                                                      \
    {                                                                                              \
        .version = FSE_MONITOR_OPTS_VERSION                                                        \
    }

/* Open the store (keyless) and build the object. *out: fse_monitor_free.
 * @return FSE_OK, FSE_E_ARG, FSE_E_NOMEM, the store's errors. */
FSE_API fse_err fse_monitor_new(fse_monitor **out, const fse_monitor_opts *opts);

/* GET /monitor/v1/indicators?from=YYYYQn&to=YYYYQn (JSON),
 * /monitor/v1/indicators.csv (same query) and /monitor/v1/volumes?days=N:
 * public aggregates, no session or token; then start the refresher (it
 * recomputes the answers served stale). Once per object. m must outlive
 * srv. */
FSE_API fse_err fse_monitor_routes(fse_monitor *m, fse_http_server *srv);

/* Stop and join the refresher, free everything. NULL: no-op. The server
 * must have been stopped first. */
FSE_API void fse_monitor_free(fse_monitor *m);

#endif /* FSE_MONITOR_H */
