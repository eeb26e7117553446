/*
 * lib/gen/gen_time.c - calendar arithmetic for generated documents.
 *
 * Owns civil dates as day numbers (Howard Hinnant's algorithms), the Italian
 * UTC offset with summer time (last Sunday of March to last Sunday of
 * October), and the HL7 TS and requestBody date formats. Reads no clock:
 * every date derives from the caller's base date.
 */
#include "gen_int.h"

#include <stdio.h>
#include <string.h>

int64_t fse_gen__days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

void fse_gen__civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era;
    int64_t doe;
    int64_t yoe;
    int64_t doy;
    int64_t mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

bool fse_gen__parse_date(const char *s, int64_t *days_out)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int v[8];
    int y;
    int m;
    int d;
    int i;

    if (s == NULL || strlen(s) != 8) {
        return false;
    }
    for (i = 0; i < 8; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v[i] = s[i] - '0';
    }
    y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    m = v[4] * 10 + v[5];
    d = v[6] * 10 + v[7];
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) {
        return false;
    }
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        return false;
    }
    *days_out = fse_gen__days_from_civil(y, m, d);
    return true;
}

/* Day number of the last Sunday of a month. */
static int64_t last_sunday(int y, int m)
{
    int64_t last = fse_gen__days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
    /* 1970-01-01 was a Thursday: weekday 0 = Sunday. */
    int64_t wd = ((last % 7) + 7 + 4) % 7;

    return last - wd;
}

static int offset_hours(int64_t days)
{
    int y;
    int m;
    int d;

    fse_gen__civil_from_days(days, &y, &m, &d);
    return days >= last_sunday(y, 3) && days < last_sunday(y, 10) ? 2 : 1;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

void fse_gen__format_plain(char out[15], int64_t t)
{
    int64_t days = floor_div(t, 86400);
    int64_t sec = t - days * 86400;
    int y;
    int m;
    int d;

    fse_gen__civil_from_days(days, &y, &m, &d);
    (void)snprintf(out, 15, "%04d%02d%02d%02d%02d%02d", y % 10000, m, d, (int)(sec / 3600),
                   (int)(sec / 60 % 60), (int)(sec % 60));
}

void fse_gen__format_ts(char out[24], int64_t t)
{
    char plain[15];

    fse_gen__format_plain(plain, t);
    (void)snprintf(out, 24, "%s+0%d00", plain, offset_hours(floor_div(t, 86400)));
}

void fse_gen__format_date(char out[9], int64_t days)
{
    int y;
    int m;
    int d;

    fse_gen__civil_from_days(days, &y, &m, &d);
    (void)snprintf(out, 9, "%04d%02d%02d", y % 10000, m, d);
}
