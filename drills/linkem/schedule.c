/* Link schedules: a growable array of timed steps and the parser of the
 * schedule text format (docs/linkem.md). Every error names the line and
 * what is wrong, because trainers write these files by hand and drills embed
 * them in scenarios. Numbers are parsed without floating point or the locale,
 * so "1.5s" means the same thing everywhere. */
#include "drills/linkem/schedule.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xy_error.h"
#include "common/xy_mem.h"

struct linkem_schedule {
    linkem_step_t *steps; /* owned array of count steps */
    size_t count;         /* steps in use */
    size_t alloc;         /* steps allocated */
};

/* A unit word and how many base units (ms or bit/s) it stands for. */
typedef struct s_unit {
    const char *name; /* as written after the number */
    uint64_t mult;    /* base units per unit */
} s_unit_t;

static const s_unit_t s_time_units[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {NULL, 0},
};

static const s_unit_t s_rate_units[] = {
    {"bit", 1},           {"kbit", 1000}, {"mbit", 1000000},
    {"gbit", 1000000000}, {NULL, 0},
};

linkem_schedule_t *linkem_schedule_new(void)
{
    return xcalloc(1, sizeof(linkem_schedule_t));
}

void linkem_schedule_destroy(linkem_schedule_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->steps);
    free(*self_p);
    *self_p = NULL;
}

int linkem_step_check(const linkem_step_t *step)
{
    unsigned known = LINKEM_STEP_UP | LINKEM_STEP_DOWN | LINKEM_STEP_RESET |
                     LINKEM_STEP_RATE_C2S | LINKEM_STEP_RATE_S2C |
                     LINKEM_STEP_LATENCY_C2S | LINKEM_STEP_LATENCY_S2C |
                     LINKEM_STEP_MODE;

    if (step->what == 0 || (step->what & ~known))
        return XY_EINVAL;
    if ((step->what & LINKEM_STEP_UP) && (step->what & LINKEM_STEP_DOWN))
        return XY_EINVAL;
    if (step->down_mode != LINKEM_DOWN_HOLD &&
        step->down_mode != LINKEM_DOWN_REFUSE)
        return XY_EINVAL;
    if (step->at_ms > LINKEM_MAX_TIME_MS)
        return XY_ERANGE;
    for (int d = 0; d < 2; d++) {
        if (step->rate_bps[d] > LINKEM_MAX_RATE_BPS ||
            step->latency_ms[d] > LINKEM_MAX_LATENCY_MS)
            return XY_ERANGE;
    }
    return 0;
}

int linkem_schedule_append(linkem_schedule_t *self, const linkem_step_t *step)
{
    int rc = linkem_step_check(step);
    if (rc)
        return rc;
    if (self->count && step->at_ms < self->steps[self->count - 1].at_ms)
        return XY_ERANGE;
    if (self->count >= LINKEM_SCHEDULE_MAX_STEPS)
        return XY_ETOOBIG;
    if (self->count == self->alloc) {
        self->alloc = self->alloc ? self->alloc * 2 : 16;
        self->steps = xrealloc(self->steps, self->alloc * sizeof(*self->steps));
    }
    self->steps[self->count++] = *step;
    return 0;
}

size_t linkem_schedule_count(const linkem_schedule_t *self)
{
    return self->count;
}

const linkem_step_t *linkem_schedule_step(const linkem_schedule_t *self,
                                          size_t i)
{
    return i < self->count ? &self->steps[i] : NULL;
}

/* Parses "<digits>[.<digits>]<unit>" into base units, rounding to nearest.
 * A bare "0" needs no unit. Returns 0, XY_EPARSE or XY_ERANGE (above max). */
static int s_parse_scaled(const char *text, const s_unit_t *units, uint64_t max,
                          uint64_t *out)
{
    const char *p = text;
    uint64_t ip = 0, fp = 0, fscale = 1;
    int idigits = 0;

    while (*p >= '0' && *p <= '9') {
        if (ip > (UINT64_MAX - 9) / 10)
            return XY_ERANGE;
        ip = ip * 10 + (uint64_t)(*p - '0');
        idigits++;
        p++;
    }
    if (idigits == 0)
        return XY_EPARSE;
    if (*p == '.') {
        int fdigits = 0;
        p++;
        while (*p >= '0' && *p <= '9') {
            if (fscale < 1000000000ull) {
                fp = fp * 10 + (uint64_t)(*p - '0');
                fscale *= 10;
            }
            fdigits++;
            p++;
        }
        if (fdigits == 0)
            return XY_EPARSE;
    }
    if (*p == '\0') {
        if (ip != 0 || fp != 0)
            return XY_EPARSE;
        *out = 0;
        return 0;
    }
    for (const s_unit_t *u = units; u->name; u++) {
        if (strcmp(p, u->name) != 0)
            continue;
        if (ip > max / u->mult)
            return XY_ERANGE;
        uint64_t v = ip * u->mult + (fp * u->mult + fscale / 2) / fscale;
        if (v > max)
            return XY_ERANGE;
        *out = v;
        return 0;
    }
    return XY_EPARSE;
}

int linkem_parse_duration_ms(const char *text, uint64_t *ms)
{
    return s_parse_scaled(text, s_time_units, LINKEM_MAX_TIME_MS, ms);
}

int linkem_parse_rate_bps(const char *text, uint64_t *bps)
{
    if (strcmp(text, "unlimited") == 0) {
        *bps = 0;
        return 0;
    }
    return s_parse_scaled(text, s_rate_units, LINKEM_MAX_RATE_BPS, bps);
}

/* Writes "line N: <message>" into err when there is room. */
static void s_fail(char *err, size_t errlen, unsigned line, const char *fmt,
                   ...)
{
    if (!err || errlen == 0)
        return;
    int n = snprintf(err, errlen, "line %u: ", line);
    if (n < 0 || (size_t)n >= errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* Parses one key=value word of a step into step. Returns 0 or an error code
 * with err filled in. */
static int s_parse_setting(linkem_step_t *step, char *word, unsigned line,
                           char *err, size_t errlen)
{
    char *eq = strchr(word, '=');
    *eq = '\0';
    const char *key = word, *val = eq + 1;
    int rc;

    if (strcmp(key, "rate") == 0 || strcmp(key, "rate_c2s") == 0 ||
        strcmp(key, "rate_s2c") == 0) {
        uint64_t bps;
        rc = linkem_parse_rate_bps(val, &bps);
        if (rc) {
            s_fail(err, errlen, line,
                   rc == XY_ERANGE ? "%s '%s' is above 100gbit"
                                   : "%s '%s' is not a rate (use a number "
                                     "with bit, kbit, mbit or gbit, or 0)",
                   key, val);
            return rc;
        }
        if (strcmp(key, "rate_s2c") != 0) {
            step->what |= LINKEM_STEP_RATE_C2S;
            step->rate_bps[LINKEM_C2S] = bps;
        }
        if (strcmp(key, "rate_c2s") != 0) {
            step->what |= LINKEM_STEP_RATE_S2C;
            step->rate_bps[LINKEM_S2C] = bps;
        }
        return 0;
    }
    if (strcmp(key, "latency") == 0 || strcmp(key, "latency_c2s") == 0 ||
        strcmp(key, "latency_s2c") == 0) {
        uint64_t ms;
        rc = linkem_parse_duration_ms(val, &ms);
        if (rc == 0 && ms > LINKEM_MAX_LATENCY_MS)
            rc = XY_ERANGE;
        if (rc) {
            s_fail(err, errlen, line,
                   rc == XY_ERANGE ? "%s '%s' is above 10 minutes"
                                   : "%s '%s' is not a duration (use a "
                                     "number with ms, s, m or h, or 0)",
                   key, val);
            return rc;
        }
        if (strcmp(key, "latency_s2c") != 0) {
            step->what |= LINKEM_STEP_LATENCY_C2S;
            step->latency_ms[LINKEM_C2S] = (uint32_t)ms;
        }
        if (strcmp(key, "latency_c2s") != 0) {
            step->what |= LINKEM_STEP_LATENCY_S2C;
            step->latency_ms[LINKEM_S2C] = (uint32_t)ms;
        }
        return 0;
    }
    if (strcmp(key, "mode") == 0) {
        if (strcmp(val, "hold") == 0) {
            step->down_mode = LINKEM_DOWN_HOLD;
        } else if (strcmp(val, "refuse") == 0) {
            step->down_mode = LINKEM_DOWN_REFUSE;
        } else {
            s_fail(err, errlen, line,
                   "mode '%s' is unknown (use hold or refuse)", val);
            return XY_EPARSE;
        }
        step->what |= LINKEM_STEP_MODE;
        return 0;
    }
    s_fail(err, errlen, line,
           "unknown setting '%s' (use rate, rate_c2s, rate_s2c, latency, "
           "latency_c2s, latency_s2c or mode)",
           key);
    return XY_EPARSE;
}

/* Parses one line (comment stripped, NUL-terminated, modified in place)
 * into step. Returns 1 when the line holds a step, 0 when it is blank, or a
 * negative error code with err filled in. */
static int s_parse_line(linkem_step_t *step, char *text, unsigned line,
                        char *err, size_t errlen)
{
    const char *seps = " \t\r\v\f";
    char *save = NULL;
    char *word = strtok_r(text, seps, &save);
    int rc;

    memset(step, 0, sizeof(*step));
    if (!word)
        return 0;
    rc = linkem_parse_duration_ms(word, &step->at_ms);
    if (rc) {
        s_fail(err, errlen, line,
               rc == XY_ERANGE
                   ? "time '%s' is beyond 30 days"
                   : "time '%s' is not a duration (use 0 or a number with "
                     "ms, s, m or h, e.g. 30s)",
               word);
        return rc;
    }
    while ((word = strtok_r(NULL, seps, &save)) != NULL) {
        unsigned bit = 0;
        if (strcmp(word, "up") == 0)
            bit = LINKEM_STEP_UP;
        else if (strcmp(word, "down") == 0)
            bit = LINKEM_STEP_DOWN;
        else if (strcmp(word, "reset") == 0)
            bit = LINKEM_STEP_RESET;
        if (bit) {
            if (step->what & bit) {
                s_fail(err, errlen, line, "'%s' appears twice", word);
                return XY_EPARSE;
            }
            step->what |= bit;
            continue;
        }
        if (!strchr(word, '=')) {
            s_fail(err, errlen, line,
                   "unknown word '%s' (use up, down, reset or key=value)",
                   word);
            return XY_EPARSE;
        }
        rc = s_parse_setting(step, word, line, err, errlen);
        if (rc)
            return rc;
    }
    if ((step->what & LINKEM_STEP_UP) && (step->what & LINKEM_STEP_DOWN)) {
        s_fail(err, errlen, line, "a step cannot be both up and down");
        return XY_EPARSE;
    }
    if (step->what == 0) {
        s_fail(err, errlen, line,
               "a time needs an action (up, down, reset, rate=, latency=, "
               "mode=)");
        return XY_EPARSE;
    }
    return 1;
}

int linkem_schedule_parse(linkem_schedule_t **out, const char *text, size_t len,
                          char *err, size_t errlen)
{
    linkem_schedule_t *self = NULL;
    char buf[LINKEM_SCHEDULE_MAX_LINE + 1];
    unsigned line = 0;
    size_t pos = 0;
    int rc = 0;

    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (len > LINKEM_SCHEDULE_MAX_TEXT) {
        if (err && errlen)
            snprintf(err, errlen, "schedule text is longer than %u bytes",
                     LINKEM_SCHEDULE_MAX_TEXT);
        return XY_ETOOBIG;
    }
    self = linkem_schedule_new();
    while (pos < len) {
        const char *start = text + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos;
        pos += n + (nl ? 1 : 0);
        line++;
        if (n > LINKEM_SCHEDULE_MAX_LINE) {
            s_fail(err, errlen, line, "longer than %u bytes",
                   LINKEM_SCHEDULE_MAX_LINE);
            rc = XY_ETOOBIG;
            goto out;
        }
        if (memchr(start, '\0', n)) {
            s_fail(err, errlen, line, "contains a NUL byte");
            rc = XY_EPARSE;
            goto out;
        }
        memcpy(buf, start, n);
        buf[n] = '\0';
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        linkem_step_t step;
        rc = s_parse_line(&step, buf, line, err, errlen);
        if (rc < 0)
            goto out;
        if (rc == 0)
            continue;
        rc = linkem_schedule_append(self, &step);
        if (rc == XY_ERANGE) {
            s_fail(err, errlen, line,
                   "time goes backwards (steps must be in time order)");
            goto out;
        }
        if (rc) {
            s_fail(err, errlen, line, "more than %u steps",
                   LINKEM_SCHEDULE_MAX_STEPS);
            goto out;
        }
    }
    *out = self;
    self = NULL;
    rc = 0;
out:
    linkem_schedule_destroy(&self);
    return rc;
}

int linkem_schedule_load(linkem_schedule_t **out, const char *path, char *err,
                         size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = NULL;
    int rc = 0;

    *out = NULL;
    f = fopen(path, "rb");
    if (!f) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        rc = errno == ENOENT ? XY_ENOENT : XY_EIO;
        goto out;
    }
    text = xmalloc(LINKEM_SCHEDULE_MAX_TEXT + 1);
    len = fread(text, 1, LINKEM_SCHEDULE_MAX_TEXT + 1, f);
    if (ferror(f)) {
        if (err && errlen)
            snprintf(err, errlen, "%s: read error", path);
        rc = XY_EIO;
        goto out;
    }
    if (len > LINKEM_SCHEDULE_MAX_TEXT) {
        if (err && errlen)
            snprintf(err, errlen, "%s: longer than %u bytes", path,
                     LINKEM_SCHEDULE_MAX_TEXT);
        rc = XY_ETOOBIG;
        goto out;
    }
    rc = linkem_schedule_parse(out, text, len, err, errlen);
    if (rc && err && errlen) {
        char tmp[512];
        snprintf(tmp, sizeof(tmp), "%s", err);
        snprintf(err, errlen, "%s: %s", path, tmp);
    }
out:
    if (f)
        fclose(f);
    free(text);
    return rc;
}
