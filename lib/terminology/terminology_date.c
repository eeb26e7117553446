/*
 * lib/terminology/terminology_date.c - the dates of the catalog's Mongo dumps.
 *
 * Owns turning the text of a Mongo extended-JSON date into milliseconds since
 * the epoch: ISO-8601 timestamps ({"$date": "2022-04-04T00:00:00Z"}) and
 * plain decimal milliseconds ({"$date": 1649030400000} or
 * {"$numberLong": "..."}). Pure functions on bytes. Does not own reading the
 * JSON nor deciding which field is a date (terminology_load.c).
 */
#include "terminology_int.h"

bool fse_terminology__parse_ms(const char *s, size_t len, int64_t *ms_out)
{
    int64_t v = 0;
    size_t i = 0;
    bool neg = false;

    if (len > 0 && s[0] == '-') {
        neg = true;
        i = 1;
    }
    /* 18 digits never overflow int64. */
    if (i == len || len - i > 18) {
        return false;
    }
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *ms_out = neg ? -v : v;
    return true;
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
