/*
 * include/fse/json.h - a small streaming JSON writer.
 *
 * Owns JSON output: string escaping, commas between members, nesting, and
 * numbers written exactly as their decimal text is given (FHIR decimals keep
 * "1.50"). Parsing JSON is done with jansson where needed, not here.
 */
#ifndef FSE_JSON_H
#define FSE_JSON_H

#include "fse/util.h"

#define FSE_JSON_MAX_DEPTH 64

typedef struct fse_json {
    fse_buf *out; /* borrowed; the writer appends to it */
    int depth;
    bool need_comma[FSE_JSON_MAX_DEPTH + 1];
    bool after_key;
    fse_err err; /* first error; later calls do nothing */
} fse_json;

/* Start writing into out (borrowed, must outlive the writer). */
FSE_API void fse_json_init(fse_json *w, fse_buf *out);
FSE_API void fse_json_object_begin(fse_json *w);
FSE_API void fse_json_object_end(fse_json *w);
FSE_API void fse_json_array_begin(fse_json *w);
FSE_API void fse_json_array_end(fse_json *w);
/* A member name inside an object; the next value call gives its value. */
FSE_API void fse_json_key(fse_json *w, const char *key);
FSE_API void fse_json_string(fse_json *w, const char *s);
FSE_API void fse_json_string_len(fse_json *w, const char *s, size_t len);
FSE_API void fse_json_int(fse_json *w, long long v);
FSE_API void fse_json_bool(fse_json *w, bool v);
FSE_API void fse_json_null(fse_json *w);
/* A number given as its decimal text, written as is (caller checks syntax). */
FSE_API void fse_json_number_text(fse_json *w, const char *text);
/* Shorthands for "key": value. */
FSE_API void fse_json_kv_string(fse_json *w, const char *key, const char *s);
FSE_API void fse_json_kv_int(fse_json *w, const char *key, long long v);
FSE_API void fse_json_kv_bool(fse_json *w, const char *key, bool v);
/* FSE_OK or the first error met (FSE_E_LIMIT, FSE_E_NOMEM, FSE_E_ARG). */
FSE_API fse_err fse_json_status(const fse_json *w);

/* Append s to out as a JSON string literal, quotes included. */
FSE_API fse_err fse_json_escape(fse_buf *out, const char *s, size_t len);

#endif /* FSE_JSON_H */
