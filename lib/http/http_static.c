/*
 * lib/http/http_static.c - static files under a directory.
 *
 * Owns the resolution of a checked relative path below the directory opened
 * at registration (one openat per segment with O_NOFOLLOW, so no symbolic
 * link is ever followed and nothing outside the directory is reachable;
 * dot-files are hidden; only regular files are served), directory index
 * files, Content-Type by extension (text types with charset=utf-8, deps.md
 * §2), ETag / If-None-Match (304), Cache-Control (revalidate, or a max-age
 * for versioned assets: a request with the query parameter "v") and the
 * route's own Content-Security-Policy and X-Frame-Options when its options
 * give them. The file is streamed by MHD from its descriptor. It does not own
 * path decoding or the parameter rules (http_uri.c), nor the default
 * security headers (http_response.c).
 */
#include "http_int.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define INDEX_FILE "index.html"
/* Longest relative path built (decoded tail plus the index name). */
#define STATIC_PATH_MAX (FSE_HTTP_MAX_PATH_BYTES + sizeof INDEX_FILE)

static const char *const mime_types[][2] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"xml", "application/xml; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"pdf", "application/pdf"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"wasm", "application/wasm"},
};

static const char *content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    size_t i;

    if (dot != NULL && (slash == NULL || dot > slash)) {
        for (i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++) {
            if (strcasecmp(dot + 1, mime_types[i][0]) == 0) {
                return mime_types[i][1];
            }
        }
    }
    return "application/octet-stream";
}

/* Open rel (segments already checked) below dir_fd without following any
 * symbolic link. Returns the descriptor or -1 (not found, link, hidden). */
static int open_below(int dir_fd, char *rel)
{
    int cur = dir_fd;
    char *seg = rel;
    char *slash;
    int next;

    for (;;) {
        bool last;

        slash = strchr(seg, '/');
        last = slash == NULL;
        if (!last) {
            *slash = '\0';
        }
        if (seg[0] == '.' || seg[0] == '\0') {
            next = -1; /* dot-files and dot segments are never served */
        } else {
            next =
                openat(cur, seg,
                       O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | (last ? 0 : O_DIRECTORY));
        }
        if (!last) {
            *slash = '/';
        }
        if (cur != dir_fd) {
            close(cur);
        }
        if (next < 0 || last) {
            return next;
        }
        cur = next;
        seg = slash + 1;
    }
}

static bool etag_matches(const char *if_none_match, const char *etag)
{
    const char *p = if_none_match;
    size_t elen = strlen(etag);

    while (*p != '\0') {
        const char *end;

        while (*p == ' ' || *p == '\t' || *p == ',') {
            p++;
        }
        if (*p == '*') {
            return true;
        }
        if (strncmp(p, "W/", 2) == 0) {
            p += 2;
        }
        end = strchr(p, ',');
        if (end == NULL) {
            end = p + strlen(p);
        }
        while (end > p && (end[-1] == ' ' || end[-1] == '\t')) {
            end--;
        }
        if ((size_t)(end - p) == elen && memcmp(p, etag, elen) == 0) {
            return true;
        }
        p = *end == '\0' ? end : end + 1;
        while (*p != '\0' && *p != ',' && (*p == ' ' || *p == '\t')) {
            p++;
        }
    }
    return false;
}

static fse_err redirect_to_dir(fse_http_req *req)
{
    fse_buf loc;
    fse_err rc;

    fse_buf_init(&loc, FSE_HTTP_MAX_PATH_BYTES + 2);
    rc = fse_buf_append_str(&loc, req->path);
    if (rc == FSE_OK) {
        rc = fse_buf_append_str(&loc, "/");
    }
    if (rc == FSE_OK) {
        rc = fse_http_set_header(req, "Location", loc.data);
    }
    if (rc == FSE_OK) {
        rc = fse_http_respond(req, 301, "text/plain; charset=utf-8", "", 0);
    }
    fse_buf_free(&loc);
    return rc;
}

static fse_err not_found(void)
{
    return fse_error_set(FSE_E_NOT_FOUND, FSE_HTTP_MODULE, "no such file");
}

/* HTML is never a versioned asset: a page names the versions of its assets. */
static bool is_html(const char *name)
{
    return strncmp(content_type(name), "text/html", 9) == 0;
}

/* ETag, Cache-Control and the route's own security headers. */
static fse_err file_headers(fse_http_req *req, const http_route *route, const char *etag,
                            const char *name)
{
    char cache[64] = "no-cache";
    fse_err rc;

    if (route->versioned_max_age_s > 0 && !is_html(name) && fse_http_req_query(req, "v") != NULL) {
        snprintf(cache, sizeof cache, "public, max-age=%u", route->versioned_max_age_s);
    }
    rc = fse_http_set_header(req, MHD_HTTP_HEADER_ETAG, etag);
    if (rc == FSE_OK) {
        rc = fse_http_set_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    }
    if (rc == FSE_OK && route->csp != NULL) {
        rc = fse_http_set_header(req, "Content-Security-Policy", route->csp);
    }
    if (rc == FSE_OK && route->frame_options != NULL) {
        rc = fse_http_set_header(req, "X-Frame-Options", route->frame_options);
    }
    return rc;
}

/* Respond from an open regular file; takes ownership of fd. */
static fse_err send_file(fse_http_req *req, const http_route *route, int fd, const struct stat *st,
                         const char *name)
{
    char etag[96];
    const char *inm = fse_http_req_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH);
    struct MHD_Response *resp;
    fse_err rc;

    snprintf(etag, sizeof etag, "\"%llx-%llx-%llx\"", (unsigned long long)st->st_ino,
             (unsigned long long)st->st_size,
             (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
                 (unsigned long long)st->st_mtim.tv_nsec);
    rc = file_headers(req, route, etag, name);
    if (rc != FSE_OK) {
        close(fd);
        return rc;
    }
    if (inm != NULL && etag_matches(inm, etag)) {
        close(fd);
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        return fse_http__set_response(req, 304, resp, 0);
    }
    resp = MHD_create_response_from_fd((uint64_t)st->st_size, fd);
    if (resp == NULL) {
        close(fd);
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "file response");
    }
    if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type(name)) !=
        MHD_YES) {
        MHD_destroy_response(resp);
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "file response header");
    }
    return fse_http__set_response(req, 200, resp, (size_t)st->st_size);
}

fse_err fse_http__static_serve(fse_http_req *req, const http_route *route)
{
    int dir_fd = route->dir_fd;
    const char *tail = fse_http_req_param(req, "*");
    char rel[STATIC_PATH_MAX];
    struct stat st;
    size_t n;
    int fd;

    if (tail == NULL) {
        return redirect_to_dir(req);
    }
    n = strlen(tail);
    if (n + sizeof INDEX_FILE > sizeof rel) {
        return not_found();
    }
    memcpy(rel, tail, n + 1);
    if (n == 0 || rel[n - 1] == '/') {
        memcpy(rel + n, INDEX_FILE, sizeof INDEX_FILE);
    }
    fd = open_below(dir_fd, rel);
    if (fd < 0) {
        return not_found();
    }
    if (fstat(fd, &st) != 0) {
        close(fd);
        return not_found();
    }
    if (S_ISDIR(st.st_mode)) {
        int index_fd = openat(fd, INDEX_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

        close(fd);
        fd = index_fd;
        if (fd < 0 || fstat(fd, &st) != 0) {
            if (fd >= 0) {
                close(fd);
            }
            return not_found();
        }
        n = strlen(rel);
        snprintf(rel + n, sizeof rel - n, "/" INDEX_FILE);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return not_found();
    }
    return send_file(req, route, fd, &st, rel);
}
