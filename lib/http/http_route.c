/*
 * lib/http/http_route.c - the router: method + path pattern to handler.
 *
 * Owns pattern syntax ("/v1/documents/{id}/metadata", a trailing "*" for
 * prefix routes), matching a request path segment by segment against the
 * routes in registration order, the 404/405 decision with its Allow list,
 * and binding the decoded, checked parameters to the request. Literal
 * segments are compared with the raw (still encoded) path, so "%2e%2e" never
 * matches a literal and only reaches handlers through a checked parameter.
 * It does not own the target syntax or decoding rules (http_uri.c).
 */
#include "http_int.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool method_token(const char *m)
{
    size_t n = strlen(m);
    size_t i;

    if (n == 0 || n >= FSE_HTTP_MAX_METHOD_BYTES) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if (m[i] < 'A' || m[i] > 'Z') {
            return false;
        }
    }
    return true;
}

static bool param_name_ok(const char *s, size_t n)
{
    size_t i;

    if (n == 0) {
        return false;
    }
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_')) {
            return false;
        }
    }
    return true;
}

static fse_err check_segment(http_route *r, size_t k, bool last, size_t *n_params)
{
    const char *seg = r->segs[k];
    size_t n = strlen(seg);

    if (strcmp(seg, "*") == 0) {
        if (!last) {
            return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "'*' must be the last segment");
        }
        r->tail = true;
        (*n_params)++;
    } else if (seg[0] == '{') {
        if (n < 3 || seg[n - 1] != '}' || !param_name_ok(seg + 1, n - 2)) {
            return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "bad parameter segment %s", seg);
        }
        /* Keep "{name": the brace marks a parameter, the rest is its name. */
        r->pattern[(size_t)(seg - r->pattern) + n - 1] = '\0';
        (*n_params)++;
    } else if (strpbrk(seg, "{}*%") != NULL) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "bad literal segment %s", seg);
    }
    if (*n_params > FSE_HTTP_MAX_PARAMS) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "more than %u parameters",
                             FSE_HTTP_MAX_PARAMS);
    }
    return FSE_OK;
}

fse_err fse_http__route_new(http_route **out, const char *method, const char *pattern)
{
    http_route *r = NULL;
    size_t n_params = 0;
    size_t len;
    size_t k;
    char *p;
    fse_err rc = FSE_OK;

    *out = NULL;
    if (method == NULL || pattern == NULL || !method_token(method) || pattern[0] != '/') {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "bad route method or pattern");
    }
    len = strnlen(pattern, FSE_HTTP_MAX_PATTERN_BYTES + 1);
    if (len > FSE_HTTP_MAX_PATTERN_BYTES) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "route pattern too long");
    }
    r = fse_calloc(1, sizeof *r);
    if (r == NULL || (r->pattern = fse_strndup(pattern + 1, len - 1)) == NULL) {
        fse_free(r);
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "route");
    }
    r->dir_fd = -1;
    snprintf(r->method, sizeof r->method, "%s", method);
    r->segs[r->n_segs++] = r->pattern;
    for (p = r->pattern; *p != '\0' && rc == FSE_OK; p++) {
        if (*p == '/') {
            *p = '\0';
            if (r->n_segs == FSE_HTTP_MAX_SEGMENTS) {
                rc = fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE,
                                   "route pattern has too many segments");
            } else {
                r->segs[r->n_segs++] = p + 1;
            }
        }
    }
    for (k = 0; k < r->n_segs && rc == FSE_OK; k++) {
        rc = check_segment(r, k, k + 1 == r->n_segs, &n_params);
    }
    if (rc != FSE_OK) {
        fse_http__route_free(r);
        return rc;
    }
    *out = r;
    return FSE_OK;
}

void fse_http__route_free(http_route *route)
{
    if (route == NULL) {
        return;
    }
    if (route->dir_fd >= 0) {
        close(route->dir_fd);
    }
    fse_free(route->csp);
    fse_free(route->frame_options);
    fse_free(route->pattern);
    fse_free(route);
}

/* A request path split into raw segments (offsets into the path). */
typedef struct path_segs {
    size_t off[FSE_HTTP_MAX_SEGMENTS];
    size_t len[FSE_HTTP_MAX_SEGMENTS];
    size_t n;
} path_segs;

static bool split_path(const char *path, path_segs *ps)
{
    size_t start = 1;
    size_t i;

    ps->n = 0;
    for (i = 1;; i++) {
        if (path[i] == '/' || path[i] == '\0') {
            if (ps->n == FSE_HTTP_MAX_SEGMENTS) {
                return false;
            }
            ps->off[ps->n] = start;
            ps->len[ps->n] = i - start;
            ps->n++;
            start = i + 1;
            if (path[i] == '\0') {
                return true;
            }
        }
    }
}

/* Does route's pattern match the path? For a tail route the rest may be
 * absent (static prefix itself) or start at segment n_segs - 1. */
static bool path_matches(const http_route *r, const char *path, const path_segs *ps)
{
    size_t fixed = r->tail ? r->n_segs - 1 : r->n_segs;
    size_t k;

    if (r->tail ? ps->n < fixed : ps->n != fixed) {
        return false;
    }
    if (r->tail && ps->n == fixed && r->kind != HTTP_ROUTE_STATIC) {
        return false;
    }
    for (k = 0; k < fixed; k++) {
        const char *seg = r->segs[k];
        const char *raw = path + ps->off[k];

        if (seg[0] == '{') {
            if (ps->len[k] == 0) {
                return false;
            }
        } else if (strlen(seg) != ps->len[k] || memcmp(seg, raw, ps->len[k]) != 0) {
            return false;
        }
    }
    return true;
}

static bool method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

static void allow_add(char *allow, size_t allow_len, const char *method)
{
    size_t used = strlen(allow);
    const char *p = strstr(allow, method);
    size_t n = strlen(method);

    if (p != NULL && (p[n] == '\0' || p[n] == ',')) {
        return;
    }
    snprintf(allow + used, allow_len - used, "%s%s", used > 0 ? ", " : "", method);
}

static fse_err bind_param(fse_http_req *req, const char *name, const char *raw, size_t len,
                          bool tail)
{
    char *value = NULL;
    fse_err rc = fse_http__decode(&value, raw, len, false);
    size_t vlen;

    if (rc != FSE_OK) {
        return rc;
    }
    req->param_name[req->n_params] = name;
    req->param_value[req->n_params] = value;
    req->n_params++;
    vlen = strlen(value);
    if (tail && req->route->kind == HTTP_ROUTE_STATIC) {
        /* "" is the directory index; "dir/" the index of dir. */
        if (vlen == 0) {
            return FSE_OK;
        }
        if (value[vlen - 1] == '/') {
            value[vlen - 1] = '\0';
            rc = fse_http__param_check(value, true);
            value[vlen - 1] = '/';
            return rc;
        }
    }
    return fse_http__param_check(value, tail);
}

static fse_err bind_params(fse_http_req *req, const path_segs *ps)
{
    const http_route *r = req->route;
    size_t fixed = r->tail ? r->n_segs - 1 : r->n_segs;
    size_t k;
    fse_err rc = FSE_OK;

    for (k = 0; k < fixed && rc == FSE_OK; k++) {
        if (r->segs[k][0] == '{') {
            rc = bind_param(req, r->segs[k] + 1, req->path + ps->off[k], ps->len[k], false);
        }
    }
    if (rc == FSE_OK && r->tail && ps->n > fixed) {
        const char *rest = req->path + ps->off[fixed];

        rc = bind_param(req, "*", rest, strlen(rest), true);
    }
    return rc;
}

fse_err fse_http__route_match(fse_http_req *req, http_match *match_out, char *allow,
                              size_t allow_len)
{
    const fse_http_server *srv = req->srv;
    path_segs ps;
    bool path_seen = false;
    size_t i;

    *match_out = HTTP_MATCH_NO_PATH;
    allow[0] = '\0';
    if (!split_path(req->path, &ps)) {
        return FSE_OK;
    }
    for (i = 0; i < srv->n_routes; i++) {
        const http_route *r = srv->routes[i];

        if (!path_matches(r, req->path, &ps)) {
            continue;
        }
        /* A static prefix (often "/") never hides the 405 of an API route
         * registered before it for the same path, and never answers 405
         * itself: it claims every path below it, most of which name no
         * file, so another method there is a 404. */
        if (r->kind == HTTP_ROUTE_STATIC &&
            (path_seen || !method_matches(r->method, req->method))) {
            continue;
        }
        if (method_matches(r->method, req->method)) {
            req->route = r;
            *match_out = HTTP_MATCH_FOUND;
            return bind_params(req, &ps);
        }
        path_seen = true;
        allow_add(allow, allow_len, r->method);
        if (strcmp(r->method, "GET") == 0) {
            allow_add(allow, allow_len, "HEAD");
        }
    }
    if (path_seen) {
        *match_out = HTTP_MATCH_NO_METHOD;
    }
    return FSE_OK;
}
