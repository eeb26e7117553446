/*
 * lib/web/web.c - the web module's object: options, clock, logging and the
 * registration of its routes (the /web/session handlers, then the pages).
 *
 * Owns the defaults and caps of fse_web_opts, the check that the pages'
 * directory can be opened, and the pages' static route options (the
 * Content-Security-Policy of docs/web.md, X-Frame-Options SAMEORIGIN, a
 * day's caching of versioned assets). The session table is web_session.c's,
 * the handlers web_routes.c's, file serving lib/http's.
 */
#include "web_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int64_t fse_web__now_ms(const fse_web *w)
{
    struct timespec ts;

    if (w->clock != NULL) {
        return w->clock(w->clock_ud);
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void fse_web__log(const fse_web *w, fse_http_log_level level, const char *fmt, ...)
{
    char line[512];
    va_list ap;

    if (w->log == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    w->log(w->log_ud, level, line);
}

static fse_err check_opts(const fse_web_opts *o)
{
    if (o == NULL || o->version != FSE_WEB_OPTS_VERSION) {
        return fse_error_set(FSE_E_ARG, FSE_WEB_MODULE, "options missing or of another version");
    }
    if (o->max_sessions > FSE_WEB_MAX_SESSIONS) {
        return fse_error_set(FSE_E_ARG, FSE_WEB_MODULE, "max_sessions over %u",
                             FSE_WEB_MAX_SESSIONS);
    }
    if (o->lifetime_s > FSE_WEB_MAX_LIFETIME_S || o->idle_timeout_s > FSE_WEB_MAX_LIFETIME_S) {
        return fse_error_set(FSE_E_ARG, FSE_WEB_MODULE, "session times over %u s",
                             FSE_WEB_MAX_LIFETIME_S);
    }
    if (o->asset_max_age_s > 365u * 24u * 3600u) {
        return fse_error_set(FSE_E_ARG, FSE_WEB_MODULE, "asset_max_age_s over a year");
    }
    if (o->static_dir != NULL) {
        int fd = open(o->static_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0) {
            return fse_error_set(FSE_E_IO, FSE_WEB_MODULE, "pages directory %s: %s", o->static_dir,
                                 strerror(errno));
        }
        close(fd);
    }
    return FSE_OK;
}

fse_err fse_web_new(fse_web **out, const fse_web_opts *o)
{
    fse_web *w;
    fse_err rc;

    if (out == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_WEB_MODULE, "NULL out");
    }
    *out = NULL;
    rc = check_opts(o);
    if (rc != FSE_OK) {
        return rc;
    }
    w = fse_calloc(1, sizeof(*w));
    if (w == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_WEB_MODULE, "web");
    }
    pthread_mutex_init(&w->lock, NULL);
    w->idp = o->idp;
    w->idp_ud = o->idp_ud;
    w->idle_s = o->idle_timeout_s != 0 ? o->idle_timeout_s : WEB_DEFAULT_IDLE_S;
    w->lifetime_s = o->lifetime_s != 0 ? o->lifetime_s : WEB_DEFAULT_LIFETIME_S;
    w->asset_age_s = o->asset_max_age_s != 0 ? o->asset_max_age_s : WEB_DEFAULT_ASSET_AGE_S;
    w->secure_cookie = o->secure_cookie;
    w->clock = o->clock;
    w->clock_ud = o->clock_ud;
    w->log = o->log;
    w->log_ud = o->log_ud;
    w->cap = o->max_sessions != 0 ? o->max_sessions : WEB_DEFAULT_SESSIONS;
    rc = fse_web__table_init(w);
    if (rc == FSE_OK && o->static_dir != NULL) {
        w->static_dir = fse_strdup(o->static_dir);
        if (w->static_dir == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, FSE_WEB_MODULE, "web");
        }
    }
    if (rc != FSE_OK) {
        fse_web_free(w);
        return rc;
    }
    *out = w;
    return FSE_OK;
}

fse_err fse_web_routes(fse_web *w, fse_http_server *srv)
{
    static const struct {
        const char *method;
        const char *pattern;
        fse_http_handler fn;
    } routes[] = {
        {"POST", "/web/session", fse_web__login},
        {"GET", "/web/session", fse_web__whoami},
        {"DELETE", "/web/session", fse_web__logout},
        {"PUT", "/web/session/context", fse_web__context},
    };
    fse_http_static_opts so = {FSE_WEB_CSP, "SAMEORIGIN", 0};
    fse_err rc = FSE_OK;
    size_t i;

    if (w == NULL || srv == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_WEB_MODULE, "NULL argument");
    }
    for (i = 0; rc == FSE_OK && i < sizeof(routes) / sizeof(routes[0]); i++) {
        rc = fse_http_server_route(srv, routes[i].method, routes[i].pattern, routes[i].fn, w);
    }
    if (rc == FSE_OK && w->static_dir != NULL) {
        so.versioned_max_age_s = w->asset_age_s;
        rc = fse_http_server_static_opts(srv, "/", w->static_dir, &so);
    }
    return rc;
}

size_t fse_web_session_count(fse_web *w)
{
    return w != NULL ? fse_web__session_count(w) : 0;
}

void fse_web_free(fse_web *w)
{
    if (w == NULL) {
        return;
    }
    fse_web__table_free(w);
    pthread_mutex_destroy(&w->lock);
    fse_free(w->static_dir);
    fse_free(w);
}
