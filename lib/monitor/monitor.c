/*
 * lib/monitor/monitor.c - the public API of the indicators on an http
 * server: GET /monitor/v1/indicators, /monitor/v1/indicators.csv and
 * /monitor/v1/volumes (docs/monitor.md).
 *
 * Owns the fse_monitor object: its store handle, opened without the master
 * key (the aggregates read plain columns and keyed references only, so the
 * routes cannot decrypt anything), the query parameters and their
 * defaults, the answers' headers, and the cache of recent answers. The
 * requests are served one at a time: the queries are heavy and the data
 * public, so a second request waits for the first and usually finds its
 * answer in the cache. Does not own the numbers (monitor_compute.c,
 * monitor_volumes.c) nor the outputs (monitor_output.c).
 */
#include "monitor_int.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Quarters shown when the query names none: the last two years. */
#define DEFAULT_QUARTERS 8
/* Days of the volumes when the query names none. */
#define DEFAULT_DAYS 30u
#define DEFAULT_TTL_S 60u
#define MAX_TTL_S 3600u

typedef enum answer_kind { ANSWER_JSON = 0, ANSWER_CSV = 1 } answer_kind;

typedef struct cache_slot {
    char key[64];
    int64_t at_ms;
    char *body; /* fse_malloc'd; NULL: empty slot */
    size_t len;
} cache_slot;

struct fse_monitor {
    fse_store *store;
    /* CACHE: recent answers by route and parameters; lock: lock (also held
     * while computing, so the store handle serves one request at a time);
     * bound: MON_CACHE_SLOTS answers of at most MON_MAX_OUTPUT bytes, each
     * kept ttl_ms, the oldest replaced. */
    pthread_mutex_t lock;
    cache_slot cache[MON_CACHE_SLOTS];
    int64_t ttl_ms;
    fse_monitor_clock_fn clock;
    void *clock_ud;
    fse_http_log_fn log;
    void *log_ud;
};

static int64_t now_of(const fse_monitor *m)
{
    return m->clock != NULL ? m->clock(m->clock_ud) : fse_store_now_ms();
}

fse_err fse_monitor_new(fse_monitor **out, const fse_monitor_opts *opts)
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_monitor *m;
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || opts == NULL || opts->version != FSE_MONITOR_OPTS_VERSION ||
        opts->store_path == NULL || opts->cache_ttl_s > MAX_TTL_S) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE,
                             "options: version, store path and a cache TTL up to %u s", MAX_TTL_S);
    }
    m = fse_calloc(1, sizeof(*m));
    if (m == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "monitor");
    }
    so.path = opts->store_path;
    so.master_key_path = NULL; /* never the key: nothing is decrypted here */
    so.busy_timeout_ms = opts->store_busy_timeout_ms;
    rc = fse_store_open(&m->store, &so);
    if (rc != FSE_OK) {
        fse_free(m);
        return fse_error_prefix(FSE_MONITOR_MODULE);
    }
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        fse_store_free(m->store);
        fse_free(m);
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "mutex");
    }
    m->ttl_ms = (int64_t)(opts->cache_ttl_s != 0 ? opts->cache_ttl_s : DEFAULT_TTL_S) * 1000;
    m->clock = opts->clock;
    m->clock_ud = opts->clock_ud;
    m->log = opts->log;
    m->log_ud = opts->log_ud;
    *out = m;
    return FSE_OK;
}

void fse_monitor_free(fse_monitor *m)
{
    size_t i;

    if (m == NULL) {
        return;
    }
    for (i = 0; i < MON_CACHE_SLOTS; i++) {
        fse_free(m->cache[i].body);
    }
    pthread_mutex_destroy(&m->lock);
    fse_store_free(m->store);
    fse_free(m);
}

/* A fresh cached answer for key, copied into out; false when none. */
static bool cache_get(fse_monitor *m, const char *key, int64_t now, fse_buf *out)
{
    size_t i;

    for (i = 0; i < MON_CACHE_SLOTS; i++) {
        cache_slot *c = &m->cache[i];

        if (c->body != NULL && strcmp(c->key, key) == 0 && now - c->at_ms < m->ttl_ms &&
            now >= c->at_ms) {
            return fse_buf_append(out, c->body, c->len) == FSE_OK;
        }
    }
    return false;
}

static void cache_put(fse_monitor *m, const char *key, int64_t now, const fse_buf *body)
{
    cache_slot *slot = &m->cache[0];
    char *copy;
    size_t i;

    for (i = 0; i < MON_CACHE_SLOTS; i++) {
        cache_slot *c = &m->cache[i];

        if (c->body == NULL || strcmp(c->key, key) == 0) {
            slot = c;
            break;
        }
        if (c->at_ms < slot->at_ms) {
            slot = c;
        }
    }
    copy = fse_malloc(body->len + 1);
    if (copy == NULL) {
        return; /* not cached: computed again next time */
    }
    memcpy(copy, body->data, body->len + 1);
    fse_free(slot->body);
    snprintf(slot->key, sizeof(slot->key), "%s", key);
    slot->at_ms = now;
    slot->body = copy;
    slot->len = body->len;
}

static void log_failure(fse_monitor *m, fse_http_req *req, fse_err rc)
{
    char line[768];

    if (m->log == NULL || rc == FSE_E_ARG) {
        return;
    }
    snprintf(line, sizeof(line), "module=monitor event=query_failed trace=%s code=%s msg=\"%s\"",
             fse_http_req_trace_id(req), fse_strerror(rc), fse_error_last()->message);
    m->log(m->log_ud, FSE_HTTP_LOG_ERROR, line);
}

/* from and to of the query (defaults: the last DEFAULT_QUARTERS quarters up
 * to now's; from alone: up to now's; to alone: DEFAULT_QUARTERS up to it). */
static fse_err quarters_of(fse_monitor_quarter *from, fse_monitor_quarter *to, fse_http_req *req,
                           int64_t now)
{
    const char *f = fse_http_req_query(req, "from");
    const char *t = fse_http_req_query(req, "to");
    fse_monitor_quarter current = fse_monitor_quarter_of(now);

    *to = current;
    if (t != NULL && !fse_monitor_quarter_parse(to, t)) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "to: a quarter as YYYYQn");
    }
    *from = *to - (DEFAULT_QUARTERS - 1);
    if (f != NULL && !fse_monitor_quarter_parse(from, f)) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "from: a quarter as YYYYQn");
    }
    if (*to > current) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "to: not after the current quarter");
    }
    if (*from > *to || *to - *from >= (int64_t)FSE_MONITOR_MAX_QUARTERS) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE,
                             "from..to: from not after to, at most %u quarters",
                             FSE_MONITOR_MAX_QUARTERS);
    }
    return FSE_OK;
}

static fse_err answer(fse_http_req *req, answer_kind kind, const fse_buf *body, const char *name)
{
    char disposition[128];
    fse_err rc = FSE_OK;

    if (kind == ANSWER_JSON) {
        return fse_http_respond_json(req, 200, body);
    }
    snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", name);
    rc = fse_http_set_header(req, "Content-Disposition", disposition);
    if (rc == FSE_OK) {
        rc = fse_http_respond(req, 200, "text/csv; charset=utf-8", body->data, body->len);
    }
    return rc;
}

static fse_err indicators(fse_http_req *req, fse_monitor *m, answer_kind kind)
{
    fse_monitor_result *r = NULL;
    fse_monitor_quarter from = 0;
    fse_monitor_quarter to = 0;
    char key[64];
    char name[64];
    char qf[7];
    char qt[7];
    int64_t now = now_of(m);
    fse_buf body;
    fse_err rc = quarters_of(&from, &to, req, now);

    if (rc != FSE_OK) {
        return rc;
    }
    fse_monitor_quarter_text(qf, from);
    fse_monitor_quarter_text(qt, to);
    snprintf(key, sizeof(key), "%s:%s:%s", kind == ANSWER_JSON ? "json" : "csv", qf, qt);
    snprintf(name, sizeof(name), "fse-indicatori-%s-%s.csv", qf, qt);
    fse_buf_init(&body, MON_MAX_OUTPUT);
    pthread_mutex_lock(&m->lock);
    if (!cache_get(m, key, now, &body)) {
        fse_buf_reset(&body);
        rc = fse_monitor_compute(&r, m->store, from, to, now);
        if (rc == FSE_OK) {
            rc = kind == ANSWER_JSON ? fse_monitor_result_json(&body, r, now)
                                     : fse_monitor_result_csv(&body, r);
        }
        if (rc == FSE_OK) {
            cache_put(m, key, now, &body);
        }
    }
    pthread_mutex_unlock(&m->lock);
    fse_monitor_result_free(r);
    if (rc == FSE_OK) {
        rc = answer(req, kind, &body, name);
    } else {
        log_failure(m, req, rc);
    }
    fse_buf_free(&body);
    return rc;
}

static fse_err on_indicators(fse_http_req *req, void *ud)
{
    return indicators(req, ud, ANSWER_JSON);
}

static fse_err on_indicators_csv(fse_http_req *req, void *ud)
{
    return indicators(req, ud, ANSWER_CSV);
}

/* days=N: 1 to FSE_MONITOR_MAX_DAYS digits-only; absent: DEFAULT_DAYS. */
static fse_err days_of(unsigned *out, fse_http_req *req)
{
    const char *d = fse_http_req_query(req, "days");
    unsigned v = 0;
    size_t i;

    *out = DEFAULT_DAYS;
    if (d == NULL) {
        return FSE_OK;
    }
    for (i = 0; d[i] != '\0'; i++) {
        if (d[i] < '0' || d[i] > '9' || i >= 3) {
            v = 0;
            break;
        }
        v = v * 10 + (unsigned)(d[i] - '0');
    }
    if (v == 0 || v > FSE_MONITOR_MAX_DAYS) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "days: 1 to %u", FSE_MONITOR_MAX_DAYS);
    }
    *out = v;
    return FSE_OK;
}

static fse_err on_volumes(fse_http_req *req, void *ud)
{
    fse_monitor *m = ud;
    int64_t now = now_of(m);
    unsigned days = 0;
    char key[64];
    fse_buf body;
    fse_err rc = days_of(&days, req);

    if (rc != FSE_OK) {
        return rc;
    }
    snprintf(key, sizeof(key), "volumes:%u", days);
    fse_buf_init(&body, MON_MAX_OUTPUT);
    pthread_mutex_lock(&m->lock);
    if (!cache_get(m, key, now, &body)) {
        fse_buf_reset(&body);
        rc = fse_monitor_volumes_json(&body, m->store, days, now);
        if (rc == FSE_OK) {
            cache_put(m, key, now, &body);
        }
    }
    pthread_mutex_unlock(&m->lock);
    if (rc == FSE_OK) {
        rc = fse_http_respond_json(req, 200, &body);
    } else {
        log_failure(m, req, rc);
    }
    fse_buf_free(&body);
    return rc;
}

fse_err fse_monitor_routes(fse_monitor *m, fse_http_server *srv)
{
    fse_err rc;

    if (m == NULL || srv == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "routes: missing argument");
    }
    rc = fse_http_server_route(srv, "GET", "/monitor/v1/indicators", on_indicators, m);
    if (rc == FSE_OK) {
        rc = fse_http_server_route(srv, "GET", "/monitor/v1/indicators.csv", on_indicators_csv, m);
    }
    if (rc == FSE_OK) {
        rc = fse_http_server_route(srv, "GET", "/monitor/v1/volumes", on_volumes, m);
    }
    return rc;
}
