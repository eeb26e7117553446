/*
 * lib/monitor/monitor.c - the public API of the indicators on an http
 * server: GET /monitor/v1/indicators, /monitor/v1/indicators.csv and
 * /monitor/v1/volumes (docs/monitor.md).
 *
 * Owns the fse_monitor object: its store handle, opened without the master
 * key (the aggregates read plain columns and keyed references only, so the
 * routes cannot decrypt anything), the query parameters and their
 * defaults, the answers' headers, and the cache of recent answers with its
 * refresher thread. An answer is fresh for cache_ttl_s; after that it is
 * still served, at once, for up to 15 times as long while the refresher
 * computes it again (stale while revalidate), so that a page never waits
 * for the heavy queries once an answer exists. Computations are serialised
 * on the one store handle; serving from the cache never waits for one.
 * Does not own the numbers (monitor_compute.c, monitor_volumes.c) nor the
 * outputs (monitor_output.c).
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
/* A stale answer is served while it is younger than this many TTLs. */
#define STALE_TTLS 15

typedef enum query_kind { Q_JSON = 0, Q_CSV = 1, Q_VOLUMES = 2 } query_kind;

/* What one answer is computed from (the defaults resolved). */
typedef struct query {
    query_kind kind;
    fse_monitor_quarter from;
    fse_monitor_quarter to;
    unsigned days;
} query;

typedef struct cache_slot {
    char key[64];
    query q;
    int64_t at_ms; /* when computed */
    char *body;    /* fse_malloc'd; NULL: not computed yet */
    size_t len;
    bool refreshing; /* queued for (or being computed by) the refresher */
    bool used;
} cache_slot;

struct fse_monitor {
    fse_store *store;
    /* The store handle: one computation at a time. */
    pthread_mutex_t compute_lock;
    /* CACHE: recent answers by route and parameters; lock: lock (held only
     * to read or replace a slot, never while computing); bound:
     * MON_CACHE_SLOTS answers of at most MON_MAX_OUTPUT bytes, served
     * fresh for ttl_ms and stale up to STALE_TTLS * ttl_ms while the
     * refresher recomputes them; the least recently computed replaced. */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    cache_slot cache[MON_CACHE_SLOTS];
    pthread_t refresher;
    bool started;
    bool stopping;
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

static void log_line(fse_monitor *m, const char *trace, fse_err rc)
{
    char line[768];

    if (m->log == NULL || rc == FSE_E_ARG) {
        return;
    }
    snprintf(line, sizeof(line), "module=monitor event=query_failed trace=%s code=%s msg=\"%s\"",
             trace, fse_strerror(rc), fse_error_last()->message);
    m->log(m->log_ud, FSE_HTTP_LOG_ERROR, line);
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
    if (pthread_mutex_init(&m->compute_lock, NULL) != 0) {
        fse_store_free(m->store);
        fse_free(m);
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "mutex");
    }
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        pthread_mutex_destroy(&m->compute_lock);
        fse_store_free(m->store);
        fse_free(m);
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "mutex");
    }
    if (pthread_cond_init(&m->wake, NULL) != 0) {
        pthread_mutex_destroy(&m->lock);
        pthread_mutex_destroy(&m->compute_lock);
        fse_store_free(m->store);
        fse_free(m);
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "condition variable");
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
    if (m->started) {
        pthread_mutex_lock(&m->lock);
        m->stopping = true;
        pthread_cond_signal(&m->wake);
        pthread_mutex_unlock(&m->lock);
        pthread_join(m->refresher, NULL);
    }
    for (i = 0; i < MON_CACHE_SLOTS; i++) {
        fse_free(m->cache[i].body);
    }
    pthread_cond_destroy(&m->wake);
    pthread_mutex_destroy(&m->lock);
    pthread_mutex_destroy(&m->compute_lock);
    fse_store_free(m->store);
    fse_free(m);
}

/* ---- Answers --------------------------------------------------------------- */

static void key_of(char out[64], const query *q)
{
    char from[7];
    char to[7];

    if (q->kind == Q_VOLUMES) {
        snprintf(out, 64, "volumes:%u", q->days);
        return;
    }
    fse_monitor_quarter_text(from, q->from);
    fse_monitor_quarter_text(to, q->to);
    snprintf(out, 64, "%s:%s:%s", q->kind == Q_JSON ? "json" : "csv", from, to);
}

/* Compute an answer (the caller holds compute_lock). */
static fse_err compute(fse_monitor *m, const query *q, int64_t now, fse_buf *out)
{
    fse_monitor_result *r = NULL;
    fse_err rc;

    if (q->kind == Q_VOLUMES) {
        return fse_monitor_volumes_json(out, m->store, q->days, now);
    }
    rc = fse_monitor_compute(&r, m->store, q->from, q->to, now);
    if (rc == FSE_OK) {
        rc = q->kind == Q_JSON ? fse_monitor_result_json(out, r, now)
                               : fse_monitor_result_csv(out, r);
    }
    fse_monitor_result_free(r);
    return rc;
}

static cache_slot *slot_find(fse_monitor *m, const char *key)
{
    size_t i;

    for (i = 0; i < MON_CACHE_SLOTS; i++) {
        if (m->cache[i].used && strcmp(m->cache[i].key, key) == 0) {
            return &m->cache[i];
        }
    }
    return NULL;
}

/* The slot of key, made when new (replacing an unused slot, else the least
 * recently computed one not being refreshed). Under lock. */
static cache_slot *slot_take(fse_monitor *m, const query *q, const char *key)
{
    cache_slot *slot = slot_find(m, key);
    size_t i;

    for (i = 0; slot == NULL && i < MON_CACHE_SLOTS; i++) {
        if (!m->cache[i].used) {
            slot = &m->cache[i];
        }
    }
    if (slot == NULL) {
        for (i = 0; i < MON_CACHE_SLOTS; i++) {
            cache_slot *c = &m->cache[i];

            if (!c->refreshing && (slot == NULL || c->at_ms < slot->at_ms)) {
                slot = c;
            }
        }
        if (slot == NULL) {
            return NULL; /* every slot is being refreshed */
        }
        fse_free(slot->body);
        memset(slot, 0, sizeof(*slot));
    }
    if (!slot->used) {
        slot->used = true;
        slot->q = *q;
        snprintf(slot->key, sizeof(slot->key), "%s", key);
    }
    return slot;
}

/* Store a computed answer in its slot. Under lock. */
static void slot_fill(fse_monitor *m, const query *q, const char *key, int64_t now,
                      const fse_buf *body)
{
    cache_slot *slot = slot_take(m, q, key);
    char *copy;

    if (slot == NULL) {
        return;
    }
    slot->refreshing = false;
    copy = fse_malloc(body->len + 1);
    if (copy == NULL) {
        return; /* kept as it was: computed again next time */
    }
    memcpy(copy, body->data, body->len + 1);
    fse_free(slot->body);
    slot->body = copy;
    slot->len = body->len;
    slot->at_ms = now;
}

/* Ask the refresher for key's answer. Under lock. */
static void queue(fse_monitor *m, const query *q, const char *key)
{
    cache_slot *slot = slot_take(m, q, key);

    if (slot != NULL && !slot->refreshing && m->started) {
        slot->refreshing = true;
        pthread_cond_signal(&m->wake);
    }
}

/*
 * The answer of q into out: from the cache when there is one young enough
 * (queuing a refresh once it is past its TTL), else computed now.
 */
static fse_err answer_of(fse_monitor *m, const query *q, fse_buf *out, const char *trace)
{
    int64_t now = now_of(m);
    char key[64];
    cache_slot *slot;
    fse_err rc;

    key_of(key, q);
    pthread_mutex_lock(&m->lock);
    slot = slot_find(m, key);
    if (slot != NULL && slot->body != NULL && now >= slot->at_ms &&
        now - slot->at_ms < STALE_TTLS * m->ttl_ms) {
        rc = fse_buf_append(out, slot->body, slot->len);
        if (now - slot->at_ms >= m->ttl_ms) {
            queue(m, q, key);
        }
        pthread_mutex_unlock(&m->lock);
        return rc;
    }
    pthread_mutex_unlock(&m->lock);
    pthread_mutex_lock(&m->compute_lock);
    /* Computed meanwhile (by another request or the refresher)? */
    pthread_mutex_lock(&m->lock);
    slot = slot_find(m, key);
    if (slot != NULL && slot->body != NULL && slot->at_ms >= now) {
        rc = fse_buf_append(out, slot->body, slot->len);
        pthread_mutex_unlock(&m->lock);
        pthread_mutex_unlock(&m->compute_lock);
        return rc;
    }
    pthread_mutex_unlock(&m->lock);
    rc = compute(m, q, now, out);
    if (rc == FSE_OK) {
        pthread_mutex_lock(&m->lock);
        slot_fill(m, q, key, now, out);
        pthread_mutex_unlock(&m->lock);
    } else {
        log_line(m, trace, rc);
    }
    pthread_mutex_unlock(&m->compute_lock);
    return rc;
}

/* The refresher: computes the queued answers one at a time. */
static void *refresh_loop(void *arg)
{
    fse_monitor *m = arg;

    pthread_mutex_lock(&m->lock);
    while (!m->stopping) {
        cache_slot *slot = NULL;
        char key[64];
        query q;
        fse_buf body;
        int64_t now;
        fse_err rc;
        size_t i;

        for (i = 0; i < MON_CACHE_SLOTS && slot == NULL; i++) {
            if (m->cache[i].used && m->cache[i].refreshing) {
                slot = &m->cache[i];
            }
        }
        if (slot == NULL) {
            pthread_cond_wait(&m->wake, &m->lock);
            continue;
        }
        q = slot->q;
        memcpy(key, slot->key, sizeof(key));
        pthread_mutex_unlock(&m->lock);
        fse_buf_init(&body, MON_MAX_OUTPUT);
        pthread_mutex_lock(&m->compute_lock);
        now = now_of(m);
        rc = compute(m, &q, now, &body);
        pthread_mutex_unlock(&m->compute_lock);
        if (rc != FSE_OK) {
            log_line(m, "refresh", rc);
        }
        pthread_mutex_lock(&m->lock);
        if (rc == FSE_OK) {
            slot_fill(m, &q, key, now, &body);
        } else if ((slot = slot_find(m, key)) != NULL) {
            slot->refreshing = false; /* asked again by the next stale hit */
        }
        fse_buf_free(&body);
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

/* ---- Routes ---------------------------------------------------------------- */

/* from and to of the query (defaults: the last DEFAULT_QUARTERS quarters up
 * to now's; from alone: up to now's; to alone: DEFAULT_QUARTERS up to it). */
static fse_err quarters_of(query *q, fse_http_req *req, int64_t now)
{
    const char *f = fse_http_req_query(req, "from");
    const char *t = fse_http_req_query(req, "to");
    fse_monitor_quarter current = fse_monitor_quarter_of(now);

    q->to = current;
    if (t != NULL && !fse_monitor_quarter_parse(&q->to, t)) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "to: a quarter as YYYYQn");
    }
    q->from = q->to - (DEFAULT_QUARTERS - 1);
    if (f != NULL && !fse_monitor_quarter_parse(&q->from, f)) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "from: a quarter as YYYYQn");
    }
    if (q->to > current) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "to: not after the current quarter");
    }
    if (q->from > q->to || q->to - q->from >= (int64_t)FSE_MONITOR_MAX_QUARTERS) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE,
                             "from..to: from not after to, at most %u quarters",
                             FSE_MONITOR_MAX_QUARTERS);
    }
    return FSE_OK;
}

/* days=N: 1 to FSE_MONITOR_MAX_DAYS digits-only; absent: DEFAULT_DAYS. */
static fse_err days_of(query *q, fse_http_req *req)
{
    const char *d = fse_http_req_query(req, "days");
    unsigned v = 0;
    size_t i;

    q->days = DEFAULT_DAYS;
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
    q->days = v;
    return FSE_OK;
}

static fse_err respond(fse_http_req *req, const query *q, const fse_buf *body)
{
    char disposition[128];
    char from[7];
    char to[7];
    fse_err rc;

    if (q->kind != Q_CSV) {
        return fse_http_respond_json(req, 200, body);
    }
    fse_monitor_quarter_text(from, q->from);
    fse_monitor_quarter_text(to, q->to);
    snprintf(disposition, sizeof(disposition), "attachment; filename=\"fse-indicatori-%s-%s.csv\"",
             from, to);
    rc = fse_http_set_header(req, "Content-Disposition", disposition);
    if (rc == FSE_OK) {
        rc = fse_http_respond(req, 200, "text/csv; charset=utf-8", body->data, body->len);
    }
    return rc;
}

static fse_err serve(fse_http_req *req, fse_monitor *m, query_kind kind)
{
    query q;
    fse_buf body;
    fse_err rc;

    memset(&q, 0, sizeof(q));
    q.kind = kind;
    rc = kind == Q_VOLUMES ? days_of(&q, req) : quarters_of(&q, req, now_of(m));
    if (rc != FSE_OK) {
        return rc;
    }
    fse_buf_init(&body, MON_MAX_OUTPUT);
    rc = answer_of(m, &q, &body, fse_http_req_trace_id(req));
    if (rc == FSE_OK) {
        rc = respond(req, &q, &body);
    }
    fse_buf_free(&body);
    return rc;
}

static fse_err on_indicators(fse_http_req *req, void *ud)
{
    return serve(req, ud, Q_JSON);
}

static fse_err on_indicators_csv(fse_http_req *req, void *ud)
{
    return serve(req, ud, Q_CSV);
}

static fse_err on_volumes(fse_http_req *req, void *ud)
{
    return serve(req, ud, Q_VOLUMES);
}

/* Start the refresher. It computes nothing ahead: an answer made before a
 * node is filled (fse demo seeds after the server starts) would be served
 * as fresh for a TTL. */
static fse_err start(fse_monitor *m)
{
    if (pthread_create(&m->refresher, NULL, refresh_loop, m) != 0) {
        return fse_error_set(FSE_E_NOMEM, FSE_MONITOR_MODULE, "refresher thread");
    }
    pthread_mutex_lock(&m->lock);
    m->started = true;
    pthread_mutex_unlock(&m->lock);
    return FSE_OK;
}

fse_err fse_monitor_routes(fse_monitor *m, fse_http_server *srv)
{
    fse_err rc;

    if (m == NULL || srv == NULL || m->started) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "routes: missing argument or twice");
    }
    rc = fse_http_server_route(srv, "GET", "/monitor/v1/indicators", on_indicators, m);
    if (rc == FSE_OK) {
        rc = fse_http_server_route(srv, "GET", "/monitor/v1/indicators.csv", on_indicators_csv, m);
    }
    if (rc == FSE_OK) {
        rc = fse_http_server_route(srv, "GET", "/monitor/v1/volumes", on_volumes, m);
    }
    if (rc == FSE_OK) {
        rc = start(m);
    }
    return rc;
}
