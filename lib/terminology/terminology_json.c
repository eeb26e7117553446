/*
 * lib/terminology/terminology_json.c - a small streaming JSON scanner for the
 * catalog's Mongo dumps.
 *
 * Owns tokenising one document of a JSON array at a time from a window of
 * decompressed bytes: strings (with escapes decoded into a scratch area),
 * literals, numbers, skipped nested values and Mongo {"$date": ...} values.
 * Any call may answer TERM_JSON_MORE when the window ends inside a value; the
 * caller then feeds more bytes and restarts the document. It builds no tree
 * and allocates nothing. Does not own reading or decompression, nor what the
 * fields mean (terminology_load.c).
 */
#include "terminology_int.h"

#include <string.h>

static bool is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static int bad(term_json *j, const char *reason)
{
    j->reason = reason;
    return TERM_JSON_BAD;
}

int fse_terminology__json_ws(term_json *j)
{
    while (j->p < j->end && is_ws(*j->p)) {
        j->p++;
    }
    return j->p < j->end ? TERM_JSON_OK : TERM_JSON_MORE;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        char c = p[i];

        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= (unsigned)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= (unsigned)(c - 'A' + 10);
        } else {
            return -1;
        }
    }
    *out = v;
    return 0;
}

static size_t utf8_put(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decode one escape at p (on the backslash) into out; returns bytes read. */
static int decode_escape(term_json *j, const char *p, char *out, size_t *n_out, size_t *read_out)
{
    unsigned cp;
    unsigned lo;

    if (p + 1 >= j->end) {
        return TERM_JSON_MORE;
    }
    *read_out = 2;
    *n_out = 1;
    switch (p[1]) {
    case '"':
    case '\\':
    case '/':
        out[0] = p[1];
        return TERM_JSON_OK;
    case 'b':
        out[0] = '\b';
        return TERM_JSON_OK;
    case 'f':
        out[0] = '\f';
        return TERM_JSON_OK;
    case 'n':
        out[0] = '\n';
        return TERM_JSON_OK;
    case 'r':
        out[0] = '\r';
        return TERM_JSON_OK;
    case 't':
        out[0] = '\t';
        return TERM_JSON_OK;
    case 'u':
        break;
    default:
        return bad(j, "invalid escape in string");
    }
    if (j->end - p < 6) {
        return TERM_JSON_MORE;
    }
    if (hex4(p + 2, &cp) != 0) {
        return bad(j, "invalid \\u escape");
    }
    *read_out = 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (j->end - p < 12) {
            return TERM_JSON_MORE;
        }
        if (p[6] != '\\' || p[7] != 'u' || hex4(p + 8, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
            return bad(j, "unpaired surrogate in string");
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        *read_out = 12;
    } else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp == 0) {
        return bad(j, "unpaired surrogate or NUL in string");
    }
    *n_out = utf8_put(out, cp);
    return TERM_JSON_OK;
}

/* Slow path: the string at start has escapes; decode it into scratch. */
static int string_escaped(term_json *j, const char *start, const char **s, size_t *len)
{
    const char *p = start;
    size_t begin = j->scratch_len;
    size_t n = j->scratch_len;

    while (p < j->end && *p != '"') {
        if ((unsigned char)*p < 0x20) {
            return bad(j, "control character in string");
        }
        if (n + 4 > j->scratch_cap) {
            return bad(j, "string too long");
        }
        if (*p == '\\') {
            size_t put = 0;
            size_t used = 0;
            int st = decode_escape(j, p, j->scratch + n, &put, &used);

            if (st != TERM_JSON_OK) {
                return st;
            }
            n += put;
            p += used;
        } else {
            j->scratch[n++] = *p++;
        }
    }
    if (p >= j->end) {
        return TERM_JSON_MORE;
    }
    j->p = p + 1;
    j->scratch_len = n;
    *s = j->scratch + begin;
    *len = n - begin;
    return TERM_JSON_OK;
}

int fse_terminology__json_string(term_json *j, const char **s, size_t *len)
{
    const char *p;
    const char *start;

    if (j->p >= j->end) {
        return TERM_JSON_MORE;
    }
    if (*j->p != '"') {
        return bad(j, "expected a string");
    }
    start = j->p + 1;
    p = start;
    while (p < j->end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) {
        p++;
    }
    if (p >= j->end) {
        return TERM_JSON_MORE;
    }
    if (*p == '"') {
        *s = start;
        *len = (size_t)(p - start);
        j->p = p + 1;
        return TERM_JSON_OK;
    }
    if (*p != '\\') {
        return bad(j, "control character in string");
    }
    return string_escaped(j, start, s, len);
}

int fse_terminology__json_member(term_json *j, bool *first, const char **key, size_t *key_len,
                                 bool *done)
{
    int st = fse_terminology__json_ws(j);

    *done = false;
    if (st != TERM_JSON_OK) {
        return st;
    }
    if (*j->p == '}') {
        j->p++;
        *done = true;
        return TERM_JSON_OK;
    }
    if (!*first) {
        if (*j->p != ',') {
            return bad(j, "expected ',' or '}' in object");
        }
        j->p++;
        st = fse_terminology__json_ws(j);
        if (st != TERM_JSON_OK) {
            return st;
        }
    }
    *first = false;
    st = fse_terminology__json_string(j, key, key_len);
    if (st != TERM_JSON_OK) {
        return st;
    }
    st = fse_terminology__json_ws(j);
    if (st != TERM_JSON_OK) {
        return st;
    }
    if (*j->p != ':') {
        return bad(j, "expected ':' in object");
    }
    j->p++;
    return fse_terminology__json_ws(j);
}

static int literal(term_json *j, const char *word, size_t n, term_json_value *v,
                   term_json_type type)
{
    size_t avail = (size_t)(j->end - j->p);

    if (memcmp(j->p, word, avail < n ? avail : n) != 0) {
        return bad(j, "invalid literal");
    }
    if (avail < n) {
        return TERM_JSON_MORE;
    }
    j->p += n;
    v->type = type;
    return TERM_JSON_OK;
}

static int number(term_json *j, term_json_value *v)
{
    const char *p = j->p;

    while (p < j->end && ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == '.' ||
                          *p == 'e' || *p == 'E')) {
        p++;
    }
    if (p >= j->end) {
        return TERM_JSON_MORE;
    }
    if (p == j->p) {
        return bad(j, "unexpected character");
    }
    v->type = TERM_JSON_NUMBER;
    v->str = j->p;
    v->len = (size_t)(p - j->p);
    j->p = p;
    return TERM_JSON_OK;
}

/* Integer milliseconds of a plain decimal text (optionally negative). */
static bool parse_ms(const char *s, size_t len, int64_t *out)
{
    int64_t v = 0;
    size_t i = 0;
    bool neg = false;

    if (len > 0 && s[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == len || len - i > 18) {
        return false;
    }
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

static int value_at_depth(term_json *j, term_json_value *v, bool want_date, unsigned depth);

/* The value of "$date": an ISO string, a number, or {"$numberLong": "..."}. */
static int date_value(term_json *j, term_json_value *outer, unsigned depth)
{
    term_json_value d;
    int st = value_at_depth(j, &d, true, depth + 1);

    if (st != TERM_JSON_OK) {
        return st;
    }
    if (d.type == TERM_JSON_STRING) {
        if (!fse_terminology__parse_iso_date(d.str, d.len, &outer->date_ms)) {
            return bad(j, "invalid $date text");
        }
    } else if (d.type == TERM_JSON_NUMBER) {
        if (!parse_ms(d.str, d.len, &outer->date_ms)) {
            return bad(j, "invalid $date number");
        }
    } else if (d.type == TERM_JSON_OBJECT && d.has_date) {
        outer->date_ms = d.date_ms;
    } else {
        return bad(j, "invalid $date value");
    }
    outer->has_date = true;
    return TERM_JSON_OK;
}

static int object(term_json *j, term_json_value *v, bool want_date, unsigned depth)
{
    bool first = true;
    bool done = false;
    const char *key;
    size_t key_len;
    term_json_value skip;
    int st;

    j->p++;
    v->type = TERM_JSON_OBJECT;
    v->has_date = false;
    for (;;) {
        st = fse_terminology__json_member(j, &first, &key, &key_len, &done);
        if (st != TERM_JSON_OK || done) {
            return st;
        }
        if (want_date && key_len == 5 && memcmp(key, "$date", 5) == 0) {
            st = date_value(j, v, depth);
        } else if (want_date && key_len == 11 && memcmp(key, "$numberLong", 11) == 0) {
            st = value_at_depth(j, &skip, false, depth + 1);
            if (st == TERM_JSON_OK) {
                if (skip.type != TERM_JSON_STRING || !parse_ms(skip.str, skip.len, &v->date_ms)) {
                    return bad(j, "invalid $numberLong");
                }
                v->has_date = true;
            }
        } else {
            st = value_at_depth(j, &skip, false, depth + 1);
        }
        if (st != TERM_JSON_OK) {
            return st;
        }
    }
}

static int array(term_json *j, term_json_value *v, unsigned depth)
{
    term_json_value skip;
    bool first = true;
    int st;

    j->p++;
    v->type = TERM_JSON_ARRAY;
    for (;;) {
        st = fse_terminology__json_ws(j);
        if (st != TERM_JSON_OK) {
            return st;
        }
        if (*j->p == ']') {
            j->p++;
            return TERM_JSON_OK;
        }
        if (!first) {
            if (*j->p != ',') {
                return bad(j, "expected ',' or ']' in array");
            }
            j->p++;
        }
        first = false;
        st = value_at_depth(j, &skip, false, depth + 1);
        if (st != TERM_JSON_OK) {
            return st;
        }
    }
}

static int value_at_depth(term_json *j, term_json_value *v, bool want_date, unsigned depth)
{
    int st;

    if (depth > TERM_JSON_MAX_DEPTH) {
        return bad(j, "nesting too deep");
    }
    st = fse_terminology__json_ws(j);
    if (st != TERM_JSON_OK) {
        return st;
    }
    v->has_date = false;
    switch (*j->p) {
    case '"':
        v->type = TERM_JSON_STRING;
        return fse_terminology__json_string(j, &v->str, &v->len);
    case '{':
        return object(j, v, want_date, depth);
    case '[':
        return array(j, v, depth);
    case 'n':
        return literal(j, "null", 4, v, TERM_JSON_NULL);
    case 't':
        return literal(j, "true", 4, v, TERM_JSON_TRUE);
    case 'f':
        return literal(j, "false", 5, v, TERM_JSON_FALSE);
    default:
        return number(j, v);
    }
}

int fse_terminology__json_value(term_json *j, term_json_value *v, bool want_date)
{
    return value_at_depth(j, v, want_date, 0);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe;
    unsigned doy;
    unsigned doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

bool fse_terminology__parse_iso_date(const char *s, size_t len, int64_t *ms_out)
{
    unsigned y, mo, d, h, mi, sec = 0, frac = 0;
    size_t i = 16;
    int64_t ms;
    int sign;
    unsigned oh, om;

    if (len < 16 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi)) {
        return false;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) {
        return false;
    }
    if (i < len && s[i] == ':') {
        if (len < i + 3 || !digits(s + i + 1, 2, &sec) || sec > 60) {
            return false;
        }
        i += 3;
        if (i < len && s[i] == '.') {
            unsigned scale = 100;

            i++;
            if (i >= len || s[i] < '0' || s[i] > '9') {
                return false;
            }
            while (i < len && s[i] >= '0' && s[i] <= '9') {
                frac += (unsigned)(s[i] - '0') * scale;
                scale /= 10;
                i++;
            }
        }
    }
    ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000 + frac;
    if (i == len) {
        *ms_out = ms;
        return true;
    }
    if (s[i] == 'Z' && i + 1 == len) {
        *ms_out = ms;
        return true;
    }
    if ((s[i] == '+' || s[i] == '-') && len - i == 6 && digits(s + i + 1, 2, &oh) &&
        s[i + 3] == ':' && digits(s + i + 4, 2, &om)) {
        sign = s[i] == '+' ? 1 : -1;
        *ms_out = ms - sign * ((int64_t)oh * 60 + om) * 60000;
        return true;
    }
    return false;
}
