/* Seeded flapping: splitmix64 for the random numbers (tiny, fast, the same on
 * every platform) and inverse-transform sampling for exponential period
 * lengths, clamped so that a period is never shorter than
 * LINKEM_FLAP_MIN_PERIOD_MS nor longer than ten times its mean. */
#include "drills/linkem/flap.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xy_error.h"

/* Returns the next 64 random bits of the splitmix64 sequence in *state. */
static uint64_t s_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Returns a uniform double in [0, 1). */
static double s_uniform(uint64_t *state)
{
    return (double)(s_splitmix64(state) >> 11) * 0x1.0p-53;
}

/* Returns an exponentially distributed period with the given mean, in ms. */
static uint64_t s_period(uint64_t *state, uint64_t mean_ms)
{
    double v = -log(1.0 - s_uniform(state)) * (double)mean_ms;
    double hi = 10.0 * (double)mean_ms;
    if (v > hi)
        v = hi;
    if (v < LINKEM_FLAP_MIN_PERIOD_MS)
        v = LINKEM_FLAP_MIN_PERIOD_MS;
    return (uint64_t)(v + 0.5);
}

int linkem_flapper_init(linkem_flapper_t *self, const linkem_flap_t *flap)
{
    if (flap->mean_up_ms == 0 || flap->mean_down_ms == 0 ||
        flap->mean_up_ms > LINKEM_MAX_TIME_MS ||
        flap->mean_down_ms > LINKEM_MAX_TIME_MS)
        return XY_EINVAL;
    if (!(flap->reset_prob >= 0.0 && flap->reset_prob <= 1.0))
        return XY_EINVAL;
    memset(self, 0, sizeof(*self));
    self->flap = *flap;
    self->rng = flap->seed;
    self->at_ms = 0;
    self->next_up = 1;
    return 0;
}

void linkem_flapper_next(linkem_flapper_t *self, linkem_step_t *step)
{
    memset(step, 0, sizeof(*step));
    step->at_ms = self->at_ms;
    if (self->next_up) {
        step->what = LINKEM_STEP_UP;
        self->at_ms += s_period(&self->rng, self->flap.mean_up_ms);
    } else {
        step->what = LINKEM_STEP_DOWN;
        step->down_mode = LINKEM_DOWN_HOLD;
        /* Always draw, so that the period lengths of a seed do not depend
         * on the reset probability. */
        if (s_uniform(&self->rng) < self->flap.reset_prob)
            step->what |= LINKEM_STEP_RESET;
        self->at_ms += s_period(&self->rng, self->flap.mean_down_ms);
    }
    self->next_up = !self->next_up;
}

int linkem_flap_schedule(linkem_schedule_t **out, const linkem_flap_t *flap,
                         uint64_t horizon_ms)
{
    linkem_schedule_t *sched = NULL;
    linkem_flapper_t fl;
    linkem_step_t step;
    int rc;

    *out = NULL;
    rc = linkem_flapper_init(&fl, flap);
    if (rc)
        return rc;
    sched = linkem_schedule_new();
    for (;;) {
        linkem_flapper_next(&fl, &step);
        if (step.at_ms >= horizon_ms)
            break;
        rc = linkem_schedule_append(sched, &step);
        if (rc) {
            rc = rc == XY_ERANGE ? XY_ETOOBIG : rc;
            goto out;
        }
    }
    *out = sched;
    sched = NULL;
out:
    linkem_schedule_destroy(&sched);
    return rc;
}

/* Writes a message for a person into err when there is room. */
static void s_fail(char *err, size_t errlen, const char *what, const char *val)
{
    if (err && errlen)
        snprintf(err, errlen, "%s '%s'", what, val);
}

/* Parses a probability "0", "1", "0.25" into *p. Returns 0 or XY_EPARSE. */
static int s_parse_prob(const char *text, double *p)
{
    char *end = NULL;
    if (text[0] < '0' || text[0] > '9')
        return XY_EPARSE;
    double v = strtod(text, &end);
    if (*end != '\0' || !(v >= 0.0 && v <= 1.0))
        return XY_EPARSE;
    *p = v;
    return 0;
}

int linkem_flap_parse(linkem_flap_t *flap, const char *spec, char *err,
                      size_t errlen)
{
    char buf[256];
    char *save = NULL;
    int have_up = 0, have_down = 0;
    int rc;

    memset(flap, 0, sizeof(*flap));
    flap->seed = 1;
    if (strlen(spec) >= sizeof(buf)) {
        s_fail(err, errlen, "specification too long", "...");
        return XY_EPARSE;
    }
    strcpy(buf, spec);
    for (char *kv = strtok_r(buf, ",", &save); kv;
         kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) {
            s_fail(err, errlen, "expected key=value, got", kv);
            return XY_EPARSE;
        }
        *eq = '\0';
        const char *val = eq + 1;
        if (strcmp(kv, "up") == 0 || strcmp(kv, "down") == 0) {
            uint64_t ms = 0;
            rc = linkem_parse_duration_ms(val, &ms);
            if (rc || ms == 0) {
                s_fail(err, errlen,
                       "up= and down= need a duration above 0 (e.g. 5s), got",
                       val);
                return rc ? rc : XY_ERANGE;
            }
            if (kv[0] == 'u') {
                flap->mean_up_ms = ms;
                have_up = 1;
            } else {
                flap->mean_down_ms = ms;
                have_down = 1;
            }
        } else if (strcmp(kv, "reset") == 0) {
            if (s_parse_prob(val, &flap->reset_prob)) {
                s_fail(err, errlen,
                       "reset= needs a probability from 0 to 1, got", val);
                return XY_EPARSE;
            }
        } else if (strcmp(kv, "seed") == 0) {
            char *end = NULL;
            if (val[0] < '0' || val[0] > '9') {
                s_fail(err, errlen, "seed= needs a whole number, got", val);
                return XY_EPARSE;
            }
            errno = 0;
            unsigned long long s = strtoull(val, &end, 10);
            if (*end != '\0' || errno == ERANGE) {
                s_fail(err, errlen, "seed= needs a whole number, got", val);
                return XY_EPARSE;
            }
            flap->seed = s;
        } else {
            s_fail(err, errlen, "unknown key (use up, down, reset, seed)", kv);
            return XY_EPARSE;
        }
    }
    if (!have_up || !have_down) {
        s_fail(err, errlen, "both up= and down= are required in", spec);
        return XY_EPARSE;
    }
    return 0;
}
