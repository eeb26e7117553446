/*
 * lib/http/http_json.c - JSON request bodies with jansson.
 *
 * Owns the checks made before and while jansson parses a body: a nesting
 * depth scan (jansson 2.14 only caps depth at a compiled-in 2048),
 * JSON_REJECT_DUPLICATES, no NUL characters, and the Content-Type check of
 * fse_http_req_json. It does not own JSON output (lib/util/json.c).
 */
#include "http_int.h"

#include <string.h>
#include <strings.h>

#include <jansson.h>

/* Deepest nesting of [ and { outside strings; stops counting past cap. */
static size_t json_depth(const uint8_t *s, size_t len, size_t cap)
{
    size_t depth = 0;
    size_t max = 0;
    bool in_string = false;
    size_t i;

    for (i = 0; i < len && max <= cap; i++) {
        uint8_t c = s[i];

        if (in_string) {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            depth++;
            if (depth > max) {
                max = depth;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return max;
}

fse_err fse_http_json_parse(struct json_t **out, const uint8_t *data, size_t len)
{
    json_error_t err;
    json_t *value;

    *out = NULL;
    if (data == NULL) {
        data = (const uint8_t *)"";
        len = 0;
    }
    if (json_depth(data, len, FSE_HTTP_MAX_JSON_DEPTH) > FSE_HTTP_MAX_JSON_DEPTH) {
        return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "JSON nested deeper than %u",
                             FSE_HTTP_MAX_JSON_DEPTH);
    }
    value = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &err);
    if (value == NULL) {
        return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "JSON line %d column %d: %s", err.line,
                             err.column, err.text);
    }
    *out = value;
    return FSE_OK;
}

fse_err fse_http_req_json(const fse_http_req *req, struct json_t **out)
{
    static const char media[] = "application/json";
    const char *ctype = fse_http_req_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
    const uint8_t *body;
    size_t len;

    *out = NULL;
    if (ctype == NULL || strncasecmp(ctype, media, sizeof media - 1) != 0 ||
        (ctype[sizeof media - 1] != '\0' && ctype[sizeof media - 1] != ';' &&
         ctype[sizeof media - 1] != ' ')) {
        return fse_error_set(FSE_E_PARSE, FSE_HTTP_MODULE, "Content-Type is not application/json");
    }
    body = fse_http_req_body(req, &len);
    return fse_http_json_parse(out, body, len);
}
