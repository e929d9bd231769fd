/* The civil calendar of follow-up due dates: proleptic Gregorian dates in
 * China Standard Time (UTC+8, no daylight saving), so that "one month after
 * 31 January" means the same day on every node whatever its own time zone.
 * Month addition clamps to the last day of the target month (31 January + 1
 * month = 28 or 29 February). Pure arithmetic: no clock, no locale, years
 * 1970..9999 only (docs/followup.md, "Schedules and the calendar"). */
#ifndef XY_DOMAIN_CIVIL_DATE_H
#define XY_DOMAIN_CIVIL_DATE_H

#include <stdbool.h>
#include <stdint.h>

#define CIVIL_TZ_OFFSET_MS (8ull * 3600 * 1000) /* China Standard Time */
#define CIVIL_DAY_MS (24ull * 3600 * 1000)
#define CIVIL_YEAR_MIN 1970
#define CIVIL_YEAR_MAX 9999
#define CIVIL_DATE_TEXT 11 /* "YYYY-MM-DD" and a NUL */

typedef struct civil_date {
    int year;  /* CIVIL_YEAR_MIN..CIVIL_YEAR_MAX */
    int month; /* 1..12 */
    int day;   /* 1..days in the month */
} civil_date_t;

bool civil_is_leap(int year);

/* Days in month of year (28..31); 0 for a month outside 1..12. */
int civil_days_in_month(int year, int month);

/* The CST date of the instant ms (milliseconds since the Unix epoch, UTC).
 * XY_ERANGE past CIVIL_YEAR_MAX. */
int civil_date_from_ms(uint64_t ms, civil_date_t *out);

/* Milliseconds since the epoch of 00:00 CST on d. d must be valid
 * (civil_date_valid). */
uint64_t civil_date_to_ms(const civil_date_t *d);

bool civil_date_valid(const civil_date_t *d);

/* Moves d by months (may be negative), clamping the day to the target
 * month's last day. XY_ERANGE when the year leaves the supported range (d
 * is then unchanged). */
int civil_date_add_months(civil_date_t *d, int months);

/* Moves d by days (may be negative). XY_ERANGE as above. */
int civil_date_add_days(civil_date_t *d, int days);

/* Parses "YYYY-MM-DD" (a real date). XY_EINVAL otherwise. */
int civil_date_parse(const char *text, civil_date_t *out);

/* Writes "YYYY-MM-DD" into out; returns out. */
char *civil_date_format(const civil_date_t *d, char out[CIVIL_DATE_TEXT]);

#endif
