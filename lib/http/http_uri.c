/*
 * lib/http/http_uri.c - the request target: syntax, percent-decoding, UTF-8,
 * path parameter rules and the query string.
 *
 * Owns the check of the raw target as received (origin form, allowed bytes,
 * escapes, no dot segments, path length), its split into path and query, the
 * decoding of query parameters and the rules a decoded path parameter must
 * follow (no NUL or control characters, no backslash, no "." or ".."
 * segment, valid UTF-8). It does not own route matching (http_route.c).
 */
#include "http_int.h"

#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* RFC 3986 pchar (unreserved, sub-delims, ':' and '@'; '%' checked apart)
 * plus '^' and '|', which clients send unencoded in Gateway document ids and
 * FHIR token searches. */
static bool pchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return c != '\0' && strchr("-._~!$&'()*+,;=:@^|", c) != NULL;
}

/* Check the bytes of a raw path or query; query adds '/' and '?'. */
static fse_err check_raw(const char *s, size_t len, bool query)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '%') {
            if (len - i < 3) {
                return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "truncated percent escape");
            }
            if (hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) {
                return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "bad percent escape");
            }
            i += 2;
        } else if (!pchar(c) && c != '/' && !(query && c == '?')) {
            return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE,
                                 "character 0x%02x not allowed in the request target", c);
        }
    }
    return FSE_OK;
}

/* A raw path must not hold "." or ".." segments: nothing normalises them. */
static fse_err check_dot_segments(const char *path, size_t len)
{
    size_t start = 1;
    size_t i;

    for (i = 1; i <= len; i++) {
        if (i == len || path[i] == '/') {
            size_t n = i - start;

            if ((n == 1 && path[start] == '.') ||
                (n == 2 && path[start] == '.' && path[start + 1] == '.')) {
                return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "dot segment in path");
            }
            start = i + 1;
        }
    }
    return FSE_OK;
}

bool fse_http__utf8_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        uint8_t c = s[i];
        size_t need;
        uint32_t cp;
        uint32_t min;
        size_t k;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1fu;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0fu;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07u;
            min = 0x10000;
        } else {
            return false;
        }
        if (need > len - i - 1) {
            return false;
        }
        for (k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0u) != 0x80u) {
                return false;
            }
            cp = (cp << 6) | (s[i + k] & 0x3fu);
        }
        if (cp < min || cp > 0x10ffffu || (cp >= 0xd800u && cp <= 0xdfffu)) {
            return false;
        }
        i += need + 1;
    }
    return true;
}

fse_err fse_http__decode(char **out, const char *src, size_t len, bool plus_space)
{
    char *dst;
    size_t n = 0;
    size_t i;

    *out = NULL;
    dst = fse_malloc(len + 1);
    if (dst == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "decoding %zu bytes", len);
    }
    for (i = 0; i < len; i++) {
        if (src[i] == '%') {
            int hi = len - i >= 3 ? hex_value(src[i + 1]) : -1;
            int lo = len - i >= 3 ? hex_value(src[i + 2]) : -1;

            if (hi < 0 || lo < 0) {
                fse_free(dst);
                return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "bad percent escape");
            }
            dst[n++] = (char)(unsigned char)(hi * 16 + lo);
            i += 2;
        } else if (plus_space && src[i] == '+') {
            dst[n++] = ' ';
        } else {
            dst[n++] = src[i];
        }
    }
    dst[n] = '\0';
    if (memchr(dst, '\0', n) != NULL) {
        fse_free(dst);
        return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "encoded NUL in the request target");
    }
    if (!fse_http__utf8_valid((const uint8_t *)dst, n)) {
        fse_free(dst);
        return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "invalid UTF-8 in the request target");
    }
    *out = dst;
    return FSE_OK;
}

fse_err fse_http__param_check(const char *value, bool multi_segment)
{
    const char *seg = value;
    const char *p;

    if (value[0] == '\0') {
        return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "empty path parameter");
    }
    for (p = value;; p++) {
        unsigned char c = (unsigned char)*p;

        if (c == '\0' || c == '/') {
            size_t n = (size_t)(p - seg);

            if (c == '/' && !multi_segment) {
                return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "'/' in a path parameter");
            }
            if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) {
                return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE,
                                     "empty, '.' or '..' segment in a path parameter");
            }
            if (c == '\0') {
                return FSE_OK;
            }
            seg = p + 1;
        } else if (c < 0x20 || c == 0x7f || c == '\\') {
            return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE,
                                 "control character or backslash in a path parameter");
        }
    }
}

static fse_err parse_query(fse_http_req *req, const char *q, size_t len)
{
    size_t start = 0;
    size_t i;
    fse_err rc = FSE_OK;

    if (len == 0) {
        return FSE_OK;
    }
    req->query = fse_calloc(FSE_HTTP_MAX_QUERY_PARAMS, sizeof *req->query);
    if (req->query == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "query table");
    }
    for (i = 0; i <= len && rc == FSE_OK; i++) {
        const char *piece = q + start;
        const char *eq;
        size_t plen;
        http_kv *kv;

        if (i < len && q[i] != '&') {
            continue;
        }
        plen = i - start;
        start = i + 1;
        if (plen == 0) {
            continue;
        }
        if (req->n_query == FSE_HTTP_MAX_QUERY_PARAMS) {
            return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "more than %u query parameters",
                                 FSE_HTTP_MAX_QUERY_PARAMS);
        }
        kv = &req->query[req->n_query];
        eq = memchr(piece, '=', plen);
        if (eq == NULL) {
            eq = piece + plen;
        }
        rc = fse_http__decode(&kv->name, piece, (size_t)(eq - piece), true);
        if (rc == FSE_OK) {
            size_t vlen = eq < piece + plen ? plen - (size_t)(eq - piece) - 1 : 0;

            rc = fse_http__decode(&kv->value, eq < piece + plen ? eq + 1 : eq, vlen, true);
        }
        req->n_query++; /* counted even on failure, so the strings are freed */
    }
    return rc;
}

fse_err fse_http__uri_split(fse_http_req *req)
{
    const char *uri = req->uri;
    const char *q = strchr(uri, '?');
    size_t path_len = q != NULL ? (size_t)(q - uri) : strlen(uri);
    size_t query_len = q != NULL ? strlen(q + 1) : 0;
    fse_err rc;

    if (uri[0] != '/') {
        return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE,
                             "request target must be an absolute path");
    }
    if (path_len > FSE_HTTP_MAX_PATH_BYTES) {
        return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "path over %u bytes",
                             FSE_HTTP_MAX_PATH_BYTES);
    }
    rc = check_raw(uri, path_len, false);
    if (rc == FSE_OK) {
        rc = check_dot_segments(uri, path_len);
    }
    if (rc == FSE_OK && q != NULL) {
        rc = check_raw(q + 1, query_len, true);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    req->path = fse_strndup(uri, path_len);
    if (req->path == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "path");
    }
    return q != NULL ? parse_query(req, q + 1, query_len) : FSE_OK;
}
