/* The CST civil calendar (civil_date.h). Day numbers use Howard Hinnant's
 * days_from_civil / civil_from_days (public domain), which count days from
 * 1970-01-01 on the proleptic Gregorian calendar with integer arithmetic
 * only. */
#include "domain/civil_date.h"
#include "common/xy_error.h"

#include <stdio.h>
#include <string.h>

bool civil_is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int civil_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && civil_is_leap(year) ? 29 : days[month - 1];
}

bool civil_date_valid(const civil_date_t *d)
{
    return d->year >= CIVIL_YEAR_MIN && d->year <= CIVIL_YEAR_MAX &&
           d->month >= 1 && d->month <= 12 && d->day >= 1 &&
           d->day <= civil_days_in_month(d->year, d->month);
}

static int64_t s_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void s_civil_from_days(int64_t z, civil_date_t *out)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    out->year = (int)(yoe + era * 400 + (m <= 2));
    out->month = (int)m;
    out->day = (int)d;
}

int civil_date_from_ms(uint64_t ms, civil_date_t *out)
{
    /* 253402300800000 is 10000-01-01T00:00Z: beyond it no year fits. */
    if (ms > 253402300800000ull - CIVIL_TZ_OFFSET_MS - 1)
        return XY_ERANGE;
    civil_date_t d;
    s_civil_from_days((int64_t)((ms + CIVIL_TZ_OFFSET_MS) / CIVIL_DAY_MS),
                      &d);
    *out = d;
    return 0;
}

uint64_t civil_date_to_ms(const civil_date_t *d)
{
    int64_t days = s_days_from_civil(d->year, d->month, d->day);
    int64_t ms = days * (int64_t)CIVIL_DAY_MS - (int64_t)CIVIL_TZ_OFFSET_MS;
    /* 1970-01-01 00:00 CST is 8 hours before the epoch. */
    return ms < 0 ? 0 : (uint64_t)ms;
}

int civil_date_add_months(civil_date_t *d, int months)
{
    int64_t idx = (int64_t)d->year * 12 + (d->month - 1) + months;
    int64_t y = idx / 12;
    if (idx < 0 || y < CIVIL_YEAR_MIN || y > CIVIL_YEAR_MAX)
        return XY_ERANGE;
    int m = (int)(idx % 12) + 1;
    int last = civil_days_in_month((int)y, m);
    d->year = (int)y;
    d->month = m;
    if (d->day > last)
        d->day = last;
    return 0;
}

int civil_date_add_days(civil_date_t *d, int days)
{
    civil_date_t n;
    s_civil_from_days(s_days_from_civil(d->year, d->month, d->day) + days,
                      &n);
    if (n.year < CIVIL_YEAR_MIN || n.year > CIVIL_YEAR_MAX)
        return XY_ERANGE;
    *d = n;
    return 0;
}

int civil_date_parse(const char *text, civil_date_t *out)
{
    civil_date_t d;
    char tail;
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
        sscanf(text, "%4d-%2d-%2d%c", &d.year, &d.month, &d.day, &tail) != 3)
        return XY_EINVAL;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            return XY_EINVAL;
    if (!civil_date_valid(&d))
        return XY_EINVAL;
    *out = d;
    return 0;
}

char *civil_date_format(const civil_date_t *d, char out[CIVIL_DATE_TEXT])
{
    snprintf(out, CIVIL_DATE_TEXT, "%04u-%02u-%02u",
             (unsigned)d->year % 10000u, (unsigned)d->month % 100u,
             (unsigned)d->day % 100u);
    return out;
}
