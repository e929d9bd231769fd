/* The alert record shared by the CAP and USGS parsers: its destructor, the
 * word tables (status, msgType, hazard), the ISO 8601 time parser and the
 * activation rule. See alert.h and docs/alerts.md. */
#include "domain/alert.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xy_error.h"
#include "common/xy_mem.h"

alert_t *alert_new(void)
{
    return xcalloc(1, sizeof(alert_t));
}

void alert_destroy(alert_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    alert_t *self = *self_p;
    for (size_t i = 0; i < self->n_areas; i++) {
        alert_area_t *a = &self->areas[i];
        for (size_t j = 0; j < a->n_polygons; j++)
            free(a->polygons[j].points);
        free(a->polygons);
        free(a->circles);
        free(a->geocodes);
    }
    free(self->areas);
    free(self);
    *self_p = NULL;
}

int alert_fail(alert_error_t *err, int code, int line, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

static const char *const s_hazard_names[] = {
    [ALERT_HAZARD_OTHER] = "other",
    [ALERT_HAZARD_EARTHQUAKE] = "earthquake",
    [ALERT_HAZARD_FLOOD] = "flood",
    [ALERT_HAZARD_LANDSLIDE] = "landslide",
    [ALERT_HAZARD_EXPLOSION] = "explosion",
    [ALERT_HAZARD_FIRE] = "fire",
    [ALERT_HAZARD_MASS_CASUALTY] = "mass_casualty",
    [ALERT_HAZARD_TYPHOON] = "typhoon",
};

static const char *const s_status_words[] = {
    [ALERT_STATUS_ACTUAL] = "Actual", [ALERT_STATUS_EXERCISE] = "Exercise",
    [ALERT_STATUS_SYSTEM] = "System", [ALERT_STATUS_TEST] = "Test",
    [ALERT_STATUS_DRAFT] = "Draft",
};

static const char *const s_status_names[] = {
    [ALERT_STATUS_ACTUAL] = "actual", [ALERT_STATUS_EXERCISE] = "exercise",
    [ALERT_STATUS_SYSTEM] = "system", [ALERT_STATUS_TEST] = "test",
    [ALERT_STATUS_DRAFT] = "draft",
};

static const char *const s_msg_words[] = {
    [ALERT_MSG_ALERT] = "Alert",   [ALERT_MSG_UPDATE] = "Update",
    [ALERT_MSG_CANCEL] = "Cancel", [ALERT_MSG_ACK] = "Ack",
    [ALERT_MSG_ERROR] = "Error",
};

static const char *const s_msg_names[] = {
    [ALERT_MSG_ALERT] = "alert",   [ALERT_MSG_UPDATE] = "update",
    [ALERT_MSG_CANCEL] = "cancel", [ALERT_MSG_ACK] = "ack",
    [ALERT_MSG_ERROR] = "error",
};

#define S_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *s_name(const char *const *table, size_t n, int v)
{
    if (v < 0 || (size_t)v >= n || !table[v])
        return "unknown";
    return table[v];
}

const char *alert_hazard_name(alert_hazard_t hazard)
{
    return s_name(s_hazard_names, S_COUNT(s_hazard_names), (int)hazard);
}

const char *alert_status_name(alert_status_t status)
{
    return s_name(s_status_names, S_COUNT(s_status_names), (int)status);
}

const char *alert_msg_type_name(alert_msg_type_t type)
{
    return s_name(s_msg_names, S_COUNT(s_msg_names), (int)type);
}

const char *alert_source_name(alert_source_t source)
{
    switch (source) {
    case ALERT_SOURCE_CAP:
        return "cap";
    case ALERT_SOURCE_USGS:
        return "usgs";
    }
    return "unknown";
}

static int s_word_index(const char *const *table, size_t n, const char *w)
{
    for (size_t i = 1; w && i < n; i++)
        if (table[i] && strcmp(table[i], w) == 0)
            return (int)i;
    return 0;
}

int alert_status_parse(const char *word, alert_status_t *out)
{
    int i = s_word_index(s_status_words, S_COUNT(s_status_words), word);
    if (!i)
        return XY_EINVAL;
    *out = (alert_status_t)i;
    return 0;
}

int alert_msg_type_parse(const char *word, alert_msg_type_t *out)
{
    int i = s_word_index(s_msg_words, S_COUNT(s_msg_words), word);
    if (!i)
        return XY_EINVAL;
    *out = (alert_msg_type_t)i;
    return 0;
}

/* Event keywords, searched in order: the first hit decides. Tsunami comes
 * before flood and earthquake words because a tsunami warning often names
 * the earthquake that caused it; the model has no tsunami hazard yet. */
static const struct {
    const char *word;      /* lower-case ASCII or UTF-8 Chinese */
    alert_hazard_t hazard; /* what it maps to */
} s_keywords[] = {
    {"tsunami", ALERT_HAZARD_OTHER},
    {"海啸", ALERT_HAZARD_OTHER},
    {"earthquake", ALERT_HAZARD_EARTHQUAKE},
    {"quake", ALERT_HAZARD_EARTHQUAKE},
    {"地震", ALERT_HAZARD_EARTHQUAKE},
    {"landslide", ALERT_HAZARD_LANDSLIDE},
    {"mudslide", ALERT_HAZARD_LANDSLIDE},
    {"debris flow", ALERT_HAZARD_LANDSLIDE},
    {"滑坡", ALERT_HAZARD_LANDSLIDE},
    {"泥石流", ALERT_HAZARD_LANDSLIDE},
    {"崩塌", ALERT_HAZARD_LANDSLIDE},
    {"typhoon", ALERT_HAZARD_TYPHOON},
    {"hurricane", ALERT_HAZARD_TYPHOON},
    {"cyclone", ALERT_HAZARD_TYPHOON},
    {"台风", ALERT_HAZARD_TYPHOON},
    {"flood", ALERT_HAZARD_FLOOD},
    {"洪", ALERT_HAZARD_FLOOD},
    {"内涝", ALERT_HAZARD_FLOOD},
    {"explosion", ALERT_HAZARD_EXPLOSION},
    {"爆炸", ALERT_HAZARD_EXPLOSION},
    {"mass casualty", ALERT_HAZARD_MASS_CASUALTY},
    {"volcan", ALERT_HAZARD_OTHER},
    {"火山", ALERT_HAZARD_OTHER},
    {"fire", ALERT_HAZARD_FIRE},
    {"火", ALERT_HAZARD_FIRE},
};

alert_hazard_t alert_hazard_map(const char *category, const char *event)
{
    if (event && *event) {
        char low[ALERT_EVENT_MAX];
        size_t i = 0;
        for (; event[i] && i + 1 < sizeof low; i++)
            low[i] = (char)tolower((unsigned char)event[i]);
        low[i] = '\0';
        for (size_t k = 0; k < S_COUNT(s_keywords); k++)
            if (strstr(low, s_keywords[k].word))
                return s_keywords[k].hazard;
    }
    if (category && strcmp(category, "Fire") == 0)
        return ALERT_HAZARD_FIRE;
    return ALERT_HAZARD_OTHER;
}

/* Reads exactly n digits at *p into *v and advances *p. */
static bool s_digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return true;
}

/* Days from 1970-01-01 to the given proleptic Gregorian date. */
static int64_t s_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int s_month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int alert_time_parse(const char *text, int64_t *out_ms)
{
    const char *p = text;
    int y, mo, d, h, mi, s, ms = 0, oh = 0, om = 0, sign = 0;
    if (!p || !s_digits(&p, 4, &y) || *p++ != '-' || !s_digits(&p, 2, &mo) ||
        *p++ != '-' || !s_digits(&p, 2, &d) || *p++ != 'T' ||
        !s_digits(&p, 2, &h) || *p++ != ':' || !s_digits(&p, 2, &mi) ||
        *p++ != ':' || !s_digits(&p, 2, &s))
        return XY_EINVAL;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return XY_EINVAL;
        /* Milliseconds from the first three digits; finer ones are dropped. */
        int scale = 100;
        for (; isdigit((unsigned char)*p); p++, scale /= 10)
            ms += scale * (*p - '0');
    }
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '-' ? -1 : 1;
        if (!s_digits(&p, 2, &oh) || *p++ != ':' || !s_digits(&p, 2, &om))
            return XY_EINVAL;
    } else {
        return XY_EINVAL;
    }
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > s_month_days(y, mo) ||
        h > 23 || mi > 59 || s > 60 || oh > 23 || om > 59)
        return XY_EINVAL;
    int64_t secs = s_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
                   s - sign * (oh * 3600 + om * 60);
    *out_ms = secs * 1000 + ms;
    return 0;
}

int alert_activation_check(const alert_t *alert, alert_error_t *err)
{
    switch (alert->status) {
    case ALERT_STATUS_ACTUAL:
    case ALERT_STATUS_EXERCISE:
        break;
    case ALERT_STATUS_SYSTEM:
        return alert_fail(err, XY_EDOMAIN, 0,
                          "alert '%s' has status System (network "
                          "housekeeping): it never opens an incident",
                          alert->identifier);
    case ALERT_STATUS_TEST:
        return alert_fail(err, XY_EDOMAIN, 0,
                          "alert '%s' has status Test (technical test): it "
                          "never opens an incident; drills use Exercise",
                          alert->identifier);
    case ALERT_STATUS_DRAFT:
        return alert_fail(err, XY_EDOMAIN, 0,
                          "alert '%s' has status Draft (not issued): it "
                          "never opens an incident",
                          alert->identifier);
    default:
        return alert_fail(err, XY_EDOMAIN, 0, "alert '%s' has no status",
                          alert->identifier);
    }
    if (alert->msg_type != ALERT_MSG_ALERT &&
        alert->msg_type != ALERT_MSG_UPDATE)
        return alert_fail(
            err, XY_EDOMAIN, 0,
            "alert '%s' has msgType %s: only Alert and Update "
            "open an incident",
            alert->identifier,
            s_name(s_msg_words, S_COUNT(s_msg_words), (int)alert->msg_type));
    if (alert->source == ALERT_SOURCE_CAP && !alert->has_info)
        return alert_fail(err, XY_EDOMAIN, 0,
                          "alert '%s' carries no <info> block: no event, "
                          "hazard or area to open an incident for",
                          alert->identifier);
    if (alert->source == ALERT_SOURCE_USGS &&
        strcmp(alert->quake.review_status, "deleted") == 0)
        return alert_fail(err, XY_EDOMAIN, 0,
                          "USGS event '%s' was deleted by the network",
                          alert->identifier);
    return 0;
}

bool alert_copy_text(char *dst, size_t cap, const char *src)
{
    if (!src)
        src = "";
    size_t n = strlen(src);
    bool fits = n < cap;
    if (!fits) {
        n = cap - 1;
        /* Back up over UTF-8 continuation bytes so no character is cut. */
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
    return fits;
}
