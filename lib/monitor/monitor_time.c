/*
 * lib/monitor/monitor_time.c - Italian civil time for the indicators:
 * quarters and days as Europe/Rome has them (CET, CEST from 01:00 UTC of
 * the last Sunday of March to 01:00 UTC of the last Sunday of October, EU
 * rule since 1996), without the process's time zone (no TZ, no
 * localtime_r): pure arithmetic on Unix milliseconds.
 *
 * Owns the calendar arithmetic and the texts of days and quarters. Reads
 * no clock.
 */
#include "monitor_int.h"

#include <stdio.h>
#include <string.h>

#define MS_HOUR 3600000LL
#define MS_DAY 86400000LL

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe;
    unsigned doy;
    unsigned doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* The date of a day number (civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y_out, unsigned *m_out, unsigned *d_out)
{
    int64_t era;
    unsigned doe;
    unsigned yoe;
    unsigned doy;
    unsigned mp;
    int64_t y;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d_out = doy - (153 * mp + 2) / 5 + 1;
    *m_out = mp < 10 ? mp + 3 : mp - 9;
    *y_out = y + (*m_out <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* 01:00 UTC of the last Sunday of month (March or October, 31 days). */
static int64_t last_sunday_1am(int64_t y, unsigned month)
{
    int64_t d31 = days_from_civil(y, month, 31);
    /* 1970-01-01 was a Thursday: (days + 4) mod 7 is 0 on Sundays. */
    int64_t wd = ((d31 + 4) % 7 + 7) % 7;

    return (d31 - wd) * MS_DAY + MS_HOUR;
}

int64_t fse_monitor_rome_offset_ms(int64_t utc_ms)
{
    int64_t y;
    unsigned m;
    unsigned d;

    civil_from_days(floor_div(utc_ms, MS_DAY), &y, &m, &d);
    if (utc_ms >= last_sunday_1am(y, 3) && utc_ms < last_sunday_1am(y, 10)) {
        return 2 * MS_HOUR;
    }
    return MS_HOUR;
}

int64_t fse_monitor_day_of(int64_t utc_ms)
{
    return floor_div(utc_ms + fse_monitor_rome_offset_ms(utc_ms), MS_DAY);
}

int64_t fse_monitor_day_start_ms(int64_t day)
{
    int64_t local = day * MS_DAY;
    /* The offset in force at that local midnight: the changes happen at
     * 02:00/03:00 local time, so the offset two hours before is the same. */
    int64_t off = fse_monitor_rome_offset_ms(local - 2 * MS_HOUR);

    return local - off;
}

void fse_monitor_day_text(char out[11], int64_t day)
{
    int64_t y;
    unsigned m;
    unsigned d;

    civil_from_days(day, &y, &m, &d);
    snprintf(out, 11, "%04lld-%02u-%02u", (long long)(y % 10000), m, d);
}

bool fse_monitor_quarter_parse(fse_monitor_quarter *out, const char *text)
{
    int y = 0;
    size_t i;

    if (text == NULL || strlen(text) != 6 || (text[4] != 'Q' && text[4] != 'q') || text[5] < '1' ||
        text[5] > '4') {
        return false;
    }
    for (i = 0; i < 4; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        y = y * 10 + (text[i] - '0');
    }
    if (y < 2000 || y > 2999) {
        return false;
    }
    *out = (fse_monitor_quarter)y * 4 + (text[5] - '1');
    return true;
}

void fse_monitor_quarter_text(char out[7], fse_monitor_quarter q)
{
    snprintf(out, 7, "%04lldQ%d", (long long)((q / 4) % 10000), (int)(q % 4) + 1);
}

int64_t fse_monitor_quarter_start_ms(fse_monitor_quarter q)
{
    return fse_monitor_day_start_ms(days_from_civil(q / 4, (unsigned)(q % 4) * 3 + 1, 1));
}

fse_monitor_quarter fse_monitor_quarter_of(int64_t utc_ms)
{
    int64_t y;
    unsigned m;
    unsigned d;

    civil_from_days(fse_monitor_day_of(utc_ms), &y, &m, &d);
    return y * 4 + (m - 1) / 3;
}

void fse_monitor__iso(char out[25], int64_t ms)
{
    int64_t day = floor_div(ms, MS_DAY);
    int64_t rest = ms - day * MS_DAY;
    int64_t y;
    unsigned m;
    unsigned d;

    civil_from_days(day, &y, &m, &d);
    snprintf(out, 25, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", (long long)(y % 10000), m, d,
             (unsigned)(rest / MS_HOUR), (unsigned)(rest / 60000 % 60),
             (unsigned)(rest / 1000 % 60), (unsigned)(rest % 1000));
}
