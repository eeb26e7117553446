/*
 * lib/util/buf.c - fse_buf, the bounded growable byte buffer, plus whole-file
 * reading and hex encoding.
 *
 * Owns buffer growth and its limit check. Every buffer has a maximum size set
 * at init; appends past it fail with FSE_E_LIMIT and leave the buffer intact.
 */
#include "fse/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void fse_buf_init(fse_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

static fse_err buf_reserve(fse_buf *b, size_t extra)
{
    size_t need;
    size_t cap;
    char *grown;

    if (__builtin_add_overflow(b->len, extra, &need) || need > b->max) {
        return fse_error_set(FSE_E_LIMIT, "util", "buffer would exceed %zu bytes", b->max);
    }
    if (need + 1 <= b->cap) {
        return FSE_OK;
    }
    cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need + 1) {
        cap = cap > SIZE_MAX / 2 ? need + 1 : cap * 2;
    }
    grown = fse_realloc(b->data, cap);
    if (grown == NULL) {
        return fse_error_set(FSE_E_NOMEM, "util", "buffer of %zu bytes", cap);
    }
    b->data = grown;
    b->cap = cap;
    return FSE_OK;
}

fse_err fse_buf_append(fse_buf *b, const void *data, size_t len)
{
    fse_err rc = buf_reserve(b, len);

    if (rc != FSE_OK) {
        return rc;
    }
    if (len > 0) {
        memcpy(b->data + b->len, data, len);
    }
    b->len += len;
    b->data[b->len] = '\0';
    return FSE_OK;
}

fse_err fse_buf_append_str(fse_buf *b, const char *s)
{
    return fse_buf_append(b, s, strlen(s));
}

fse_err fse_buf_printf(fse_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    fse_err rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return fse_error_set(FSE_E_INTERNAL, "util", "bad format string");
    }
    rc = buf_reserve(b, (size_t)n);
    if (rc != FSE_OK) {
        return rc;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return FSE_OK;
}

void fse_buf_reset(fse_buf *b)
{
    b->len = 0;
    if (b->data != NULL) {
        b->data[0] = '\0';
    }
}

char *fse_buf_steal(fse_buf *b, size_t *len_out)
{
    char *data = b->data;

    if (data == NULL) {
        data = fse_calloc(1, 1);
    }
    if (len_out != NULL) {
        *len_out = b->len;
    }
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return data;
}

void fse_buf_free(fse_buf *b)
{
    fse_free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

fse_err fse_file_read(const char *path, size_t max, uint8_t **data_out, size_t *len_out)
{
    FILE *f;
    struct stat st;
    uint8_t *data = NULL;
    size_t len;
    fse_err rc = FSE_OK;

    *data_out = NULL;
    *len_out = 0;
    f = fopen(path, "rb");
    if (f == NULL) {
        return fse_error_set(FSE_E_IO, "util", "cannot open %s: %s", path, strerror(errno));
    }
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = fse_error_set(FSE_E_IO, "util", "%s is not a regular file", path);
        goto done;
    }
    if ((uint64_t)st.st_size > max) {
        rc = fse_error_set(FSE_E_LIMIT, "util", "%s is %lld bytes, over the limit of %zu", path,
                           (long long)st.st_size, max);
        goto done;
    }
    len = (size_t)st.st_size;
    data = fse_malloc(len + 1);
    if (data == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, "util", "reading %s", path);
        goto done;
    }
    if (len > 0 && fread(data, 1, len, f) != len) {
        rc = fse_error_set(FSE_E_IO, "util", "short read on %s", path);
        goto done;
    }
    data[len] = '\0';
    *data_out = data;
    *len_out = len;
    data = NULL;
done:
    fse_free(data);
    fclose(f);
    return rc;
}

void fse_hex_encode(char *out, const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * len] = '\0';
}
