/*
 * lib/util/json.c - the streaming JSON writer of include/fse/json.h.
 *
 * Owns escaping (RFC 8259: quote, backslash, control characters; UTF-8 is
 * passed through) and separator bookkeeping. Does not validate UTF-8: callers
 * hand it text that came out of an XML parser or the program itself.
 */
#include "fse/json.h"

#include <stdio.h>
#include <string.h>

void fse_json_init(fse_json *w, fse_buf *out)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
}

static void emit(fse_json *w, const char *s, size_t len)
{
    if (w->err == FSE_OK) {
        w->err = fse_buf_append(w->out, s, len);
    }
}

/* Comma before a value or key when it is not the first in its container. */
static void before_value(fse_json *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->need_comma[w->depth]) {
        emit(w, ",", 1);
    }
    w->need_comma[w->depth] = true;
}

static void open_container(fse_json *w, const char *bracket)
{
    before_value(w);
    if (w->depth >= FSE_JSON_MAX_DEPTH) {
        if (w->err == FSE_OK) {
            w->err =
                fse_error_set(FSE_E_LIMIT, "json", "nesting deeper than %d", FSE_JSON_MAX_DEPTH);
        }
        return;
    }
    emit(w, bracket, 1);
    w->depth++;
    w->need_comma[w->depth] = false;
}

static void close_container(fse_json *w, const char *bracket)
{
    if (w->depth == 0) {
        if (w->err == FSE_OK) {
            w->err = fse_error_set(FSE_E_ARG, "json", "unbalanced close");
        }
        return;
    }
    w->depth--;
    emit(w, bracket, 1);
}

void fse_json_object_begin(fse_json *w)
{
    open_container(w, "{");
}

void fse_json_object_end(fse_json *w)
{
    close_container(w, "}");
}

void fse_json_array_begin(fse_json *w)
{
    open_container(w, "[");
}

void fse_json_array_end(fse_json *w)
{
    close_container(w, "]");
}

fse_err fse_json_escape(fse_buf *out, const char *s, size_t len)
{
    size_t i;
    size_t run = 0;
    fse_err rc = fse_buf_append(out, "\"", 1);

    for (i = 0; i < len && rc == FSE_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        const char *rep = NULL;

        if (c == '"') {
            rep = "\\\"";
        } else if (c == '\\') {
            rep = "\\\\";
        } else if (c == '\n') {
            rep = "\\n";
        } else if (c == '\r') {
            rep = "\\r";
        } else if (c == '\t') {
            rep = "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            rep = esc;
        }
        if (rep == NULL) {
            run++;
            continue;
        }
        rc = fse_buf_append(out, s + i - run, run);
        run = 0;
        if (rc == FSE_OK) {
            rc = fse_buf_append_str(out, rep);
        }
    }
    if (rc == FSE_OK) {
        rc = fse_buf_append(out, s + len - run, run);
    }
    if (rc == FSE_OK) {
        rc = fse_buf_append(out, "\"", 1);
    }
    return rc;
}

void fse_json_key(fse_json *w, const char *key)
{
    before_value(w);
    if (w->err == FSE_OK) {
        w->err = fse_json_escape(w->out, key, strlen(key));
    }
    emit(w, ":", 1);
    w->after_key = true;
}

void fse_json_string_len(fse_json *w, const char *s, size_t len)
{
    before_value(w);
    if (w->err == FSE_OK) {
        w->err = fse_json_escape(w->out, s, len);
    }
}

void fse_json_string(fse_json *w, const char *s)
{
    if (s == NULL) {
        fse_json_null(w);
        return;
    }
    fse_json_string_len(w, s, strlen(s));
}

void fse_json_int(fse_json *w, long long v)
{
    char num[32];
    int n = snprintf(num, sizeof(num), "%lld", v);

    before_value(w);
    emit(w, num, (size_t)n);
}

void fse_json_bool(fse_json *w, bool v)
{
    before_value(w);
    emit(w, v ? "true" : "false", v ? 4 : 5);
}

void fse_json_null(fse_json *w)
{
    before_value(w);
    emit(w, "null", 4);
}

void fse_json_number_text(fse_json *w, const char *text)
{
    before_value(w);
    emit(w, text, strlen(text));
}

void fse_json_kv_string(fse_json *w, const char *key, const char *s)
{
    fse_json_key(w, key);
    fse_json_string(w, s);
}

void fse_json_kv_int(fse_json *w, const char *key, long long v)
{
    fse_json_key(w, key);
    fse_json_int(w, v);
}

void fse_json_kv_bool(fse_json *w, const char *key, bool v)
{
    fse_json_key(w, key);
    fse_json_bool(w, v);
}

fse_err fse_json_status(const fse_json *w)
{
    return w->err;
}
