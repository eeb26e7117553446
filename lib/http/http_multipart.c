/*
 * lib/http/http_multipart.c - a bounded multipart/form-data parser.
 *
 * Owns the boundary taken from the Content-Type (RFC 2046 §5.1.1), the split
 * of a whole, already bounded body into parts, each part's header block
 * (Content-Disposition: form-data with name and filename, Content-Type;
 * RFC 7578) and the limits on parts and header size. Part data are views into
 * the body, byte-exact: a PDF part keeps its NUL bytes and any CRLF or "--"
 * sequence that is not a full delimiter. The body is already held whole
 * (bounded by the server's body limit), so parsing it in place is simpler and
 * exact where libmicrohttpd's streaming post processor would copy pieces.
 * It does not own reading the body (http_request.c).
 */
#include "http_int.h"

#include <string.h>
#include <strings.h>

/* A part and the strings it owns (pub points at them once parsed). */
typedef struct mp_part {
    fse_http_part pub;
    char *name;
    char *filename;
    char *content_type;
} mp_part;

struct fse_http_multipart {
    mp_part parts[FSE_HTTP_MAX_PARTS];
    size_t n;
};

static fse_err bad(const char *what)
{
    return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "multipart: %s", what);
}

/* First occurrence of needle in hay[0..hay_len); NULL if none. */
static const uint8_t *find(const uint8_t *hay, size_t hay_len, const uint8_t *needle,
                           size_t needle_len)
{
    const uint8_t *p = hay;
    const uint8_t *end = hay + hay_len;

    while ((size_t)(end - p) >= needle_len) {
        p = memchr(p, needle[0], (size_t)(end - p) - needle_len + 1);
        if (p == NULL) {
            return NULL;
        }
        if (memcmp(p, needle, needle_len) == 0) {
            return p;
        }
        p++;
    }
    return NULL;
}

static bool boundary_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
}

/* Read a parameter value at *p (token or quoted-string with backslash
 * escapes) into out (size out_len). Advances *p. */
static fse_err param_value(const char **p, char *out, size_t out_len)
{
    const char *s = *p;
    size_t n = 0;

    if (*s == '"') {
        s++;
        while (*s != '"') {
            if (*s == '\0') {
                return bad("unterminated quoted string");
            }
            if (*s == '\\' && s[1] != '\0') {
                s++;
            }
            if (n + 1 >= out_len) {
                return fse_error_set(FSE_E_LIMIT, FSE_HTTP_MODULE, "multipart: value too long");
            }
            out[n++] = *s++;
        }
        s++;
    } else {
        while (*s != '\0' && *s != ';' && *s != ' ' && *s != '\t') {
            if (n + 1 >= out_len) {
                return fse_error_set(FSE_E_LIMIT, FSE_HTTP_MODULE, "multipart: value too long");
            }
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
    *p = s;
    return FSE_OK;
}

/* Walk "; key=value" parameters after a media type or disposition type,
 * calling take for each. */
typedef fse_err (*param_fn)(void *ctx, const char *key, size_t key_len, const char *value);

static fse_err walk_params(const char *s, param_fn take, void *ctx)
{
    char value[FSE_HTTP_MAX_PART_HEADER_BYTES];
    fse_err rc = FSE_OK;

    while (rc == FSE_OK) {
        const char *key;
        size_t key_len;

        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (*s == '\0') {
            return FSE_OK;
        }
        if (*s != ';') {
            return bad("malformed header parameters");
        }
        s++;
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        key = s;
        while (*s != '\0' && *s != '=' && *s != ';' && *s != ' ') {
            s++;
        }
        key_len = (size_t)(s - key);
        if (*s != '=' || key_len == 0) {
            return bad("header parameter without a value");
        }
        s++;
        rc = param_value(&s, value, sizeof value);
        if (rc == FSE_OK) {
            rc = take(ctx, key, key_len, value);
        }
    }
    return rc;
}

static bool key_is(const char *key, size_t key_len, const char *want)
{
    return strlen(want) == key_len && strncasecmp(key, want, key_len) == 0;
}

typedef struct boundary_ctx {
    char value[FSE_HTTP_MAX_BOUNDARY + 1];
    bool found;
} boundary_ctx;

static fse_err take_boundary(void *ctx, const char *key, size_t key_len, const char *value)
{
    boundary_ctx *b = ctx;
    size_t n = strlen(value);
    size_t i;

    if (!key_is(key, key_len, "boundary")) {
        return FSE_OK;
    }
    if (b->found || n == 0 || n > FSE_HTTP_MAX_BOUNDARY || value[n - 1] == ' ') {
        return bad("invalid boundary");
    }
    for (i = 0; i < n; i++) {
        if (!boundary_char(value[i])) {
            return bad("invalid boundary character");
        }
    }
    memcpy(b->value, value, n + 1);
    b->found = true;
    return FSE_OK;
}

static fse_err get_boundary(const char *content_type, boundary_ctx *b)
{
    static const char media[] = "multipart/form-data";
    fse_err rc;

    b->found = false;
    if (strncasecmp(content_type, media, sizeof media - 1) != 0) {
        return bad("Content-Type is not multipart/form-data");
    }
    rc = walk_params(content_type + sizeof media - 1, take_boundary, b);
    if (rc == FSE_OK && !b->found) {
        rc = bad("no boundary in Content-Type");
    }
    return rc;
}

/* ---- Part headers ------------------------------------------------------- */

static fse_err text_copy(char **out, const char *value, bool utf8)
{
    size_t n = strlen(value);
    size_t i;

    if (*out != NULL) {
        return bad("repeated header parameter");
    }
    if (utf8 && !fse_http__utf8_valid((const uint8_t *)value, n)) {
        return bad("header value is not UTF-8");
    }
    for (i = 0; i < n; i++) {
        if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f) {
            return bad("control character in a header value");
        }
    }
    *out = fse_strndup(value, n);
    return *out != NULL ? FSE_OK : fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "multipart");
}

static fse_err take_disposition(void *ctx, const char *key, size_t key_len, const char *value)
{
    mp_part *part = ctx;

    if (key_is(key, key_len, "name")) {
        return text_copy(&part->name, value, true);
    }
    if (key_is(key, key_len, "filename")) {
        return text_copy(&part->filename, value, true);
    }
    return FSE_OK; /* filename* and others: ignored (RFC 7578 §4.2) */
}

static fse_err header_line(mp_part *part, const char *line)
{
    static const char form_data[] = "form-data";
    const char *colon = strchr(line, ':');
    const char *value;
    size_t name_len;

    if (colon == NULL || colon == line || line[0] == ' ' || line[0] == '\t') {
        return bad("malformed part header");
    }
    name_len = (size_t)(colon - line);
    value = colon + 1;
    while (*value == ' ' || *value == '\t') {
        value++;
    }
    if (key_is(line, name_len, "Content-Disposition")) {
        if (strncasecmp(value, form_data, sizeof form_data - 1) != 0) {
            return bad("part disposition is not form-data");
        }
        return walk_params(value + sizeof form_data - 1, take_disposition, part);
    }
    if (key_is(line, name_len, "Content-Type")) {
        return text_copy(&part->content_type, value, false);
    }
    return FSE_OK;
}

/* Parse the header block hdr[0..len) (CRLF-separated lines, no final CRLF). */
static fse_err part_headers(mp_part *part, const uint8_t *hdr, size_t len)
{
    char block[FSE_HTTP_MAX_PART_HEADER_BYTES + 1];
    char *line = block;
    fse_err rc = FSE_OK;

    if (memchr(hdr, '\0', len) != NULL) {
        return bad("NUL in part headers");
    }
    memcpy(block, hdr, len);
    block[len] = '\0';
    while (rc == FSE_OK && line != NULL && *line != '\0') {
        char *crlf = strstr(line, "\r\n");

        if (crlf != NULL) {
            *crlf = '\0';
        }
        if (strchr(line, '\r') != NULL || strchr(line, '\n') != NULL) {
            return bad("bare CR or LF in part headers");
        }
        rc = header_line(part, line);
        line = crlf != NULL ? crlf + 2 : NULL;
    }
    if (rc == FSE_OK && part->name == NULL) {
        rc = bad("part without a form-data name");
    }
    part->pub.name = part->name;
    part->pub.filename = part->filename;
    part->pub.content_type = part->content_type;
    return rc;
}

/* ---- Body --------------------------------------------------------------- */

static fse_err check_unique(const fse_http_multipart *mp)
{
    size_t i;

    for (i = 0; i + 1 < mp->n; i++) {
        if (strcmp(mp->parts[i].name, mp->parts[mp->n - 1].name) == 0) {
            return bad("two parts with the same name");
        }
    }
    return FSE_OK;
}

/* Parse the parts that follow the first delimiter; p is just past it. */
static fse_err parse_parts(fse_http_multipart *mp, const uint8_t *p, const uint8_t *end,
                           const uint8_t *delim, size_t delim_len)
{
    for (;;) {
        const uint8_t *data;
        const uint8_t *next;
        size_t hdr_len;
        mp_part *part;
        fse_err rc;

        if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
            return FSE_OK; /* close delimiter; the epilogue is ignored */
        }
        while (p < end && (*p == ' ' || *p == '\t')) {
            p++; /* transport padding */
        }
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
            return bad("delimiter not followed by CRLF");
        }
        p += 2;
        if (mp->n == FSE_HTTP_MAX_PARTS) {
            return fse_error_set(FSE_E_LIMIT, FSE_HTTP_MODULE, "multipart: more than %u parts",
                                 FSE_HTTP_MAX_PARTS);
        }
        part = &mp->parts[mp->n++];
        if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
            hdr_len = 0; /* no header lines at all */
            data = p + 2;
        } else {
            /* A block of at most FSE_HTTP_MAX_PART_HEADER_BYTES ends in CRLF CRLF
             * within that many bytes plus 4. */
            size_t window = (size_t)(end - p);
            const uint8_t *blank;

            if (window > FSE_HTTP_MAX_PART_HEADER_BYTES + 4) {
                window = FSE_HTTP_MAX_PART_HEADER_BYTES + 4;
            }
            blank = find(p, window, (const uint8_t *)"\r\n\r\n", 4);
            if (blank == NULL && window < (size_t)(end - p)) {
                return fse_error_set(FSE_E_LIMIT, FSE_HTTP_MODULE,
                                     "multipart: part headers over %u bytes",
                                     FSE_HTTP_MAX_PART_HEADER_BYTES);
            }
            if (blank == NULL) {
                return bad("unterminated part headers");
            }
            hdr_len = (size_t)(blank - p);
            data = blank + 4;
        }
        rc = part_headers(part, p, hdr_len);
        if (rc == FSE_OK) {
            rc = check_unique(mp);
        }
        if (rc != FSE_OK) {
            return rc;
        }
        p = data;
        next = find(p, (size_t)(end - p), delim, delim_len);
        if (next == NULL) {
            return bad("unterminated body (no closing delimiter)");
        }
        part->pub.data = p;
        part->pub.len = (size_t)(next - p);
        p = next + delim_len;
    }
}

fse_err fse_http_multipart_parse(fse_http_multipart **out, const char *content_type,
                                 const uint8_t *body, size_t len)
{
    fse_http_multipart *mp = NULL;
    boundary_ctx b;
    uint8_t delim[FSE_HTTP_MAX_BOUNDARY + 4];
    size_t delim_len;
    const uint8_t *first;
    fse_err rc;

    *out = NULL;
    rc = get_boundary(content_type != NULL ? content_type : "", &b);
    if (rc != FSE_OK) {
        return rc;
    }
    if (body == NULL) {
        body = (const uint8_t *)"";
        len = 0;
    }
    /* The delimiter inside the body is CRLF "--" boundary; the first one may
     * also open the body without the CRLF. */
    delim_len = strlen(b.value) + 4;
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, b.value, delim_len - 4);
    if (len >= delim_len - 2 && memcmp(body, delim + 2, delim_len - 2) == 0) {
        first = body + delim_len - 2;
    } else {
        first = find(body, len, delim, delim_len);
        if (first == NULL) {
            return bad("no delimiter in body");
        }
        first += delim_len;
    }
    mp = fse_calloc(1, sizeof *mp);
    if (mp == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "multipart");
    }
    rc = parse_parts(mp, first, body + len, delim, delim_len);
    if (rc != FSE_OK) {
        fse_http_multipart_free(mp);
        return rc;
    }
    *out = mp;
    return FSE_OK;
}

size_t fse_http_multipart_count(const fse_http_multipart *mp)
{
    return mp != NULL ? mp->n : 0;
}

const fse_http_part *fse_http_multipart_at(const fse_http_multipart *mp, size_t i)
{
    return mp != NULL && i < mp->n ? &mp->parts[i].pub : NULL;
}

const fse_http_part *fse_http_multipart_get(const fse_http_multipart *mp, const char *name)
{
    size_t i;

    for (i = 0; mp != NULL && i < mp->n; i++) {
        if (strcmp(mp->parts[i].name, name) == 0) {
            return &mp->parts[i].pub;
        }
    }
    return NULL;
}

void fse_http_multipart_free(fse_http_multipart *mp)
{
    size_t i;

    if (mp == NULL) {
        return;
    }
    for (i = 0; i < mp->n; i++) {
        fse_free(mp->parts[i].name);
        fse_free(mp->parts[i].filename);
        fse_free(mp->parts[i].content_type);
    }
    fse_free(mp);
}
