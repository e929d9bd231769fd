/* Seeded random flapping for the link emulator: an endless, reproducible
 * sequence of up and down periods with exponentially distributed lengths,
 * each down period starting with a reset of live connections with a given
 * probability. The same seed always gives the same sequence, so a test or a
 * drill that failed can be replayed. Pure computation: no clock, no I/O. */
#ifndef LINKEM_FLAP_H
#define LINKEM_FLAP_H

#include <stddef.h>
#include <stdint.h>

#include "drills/linkem/schedule.h"

/* Shortest period the generator produces, whatever the mean. */
#define LINKEM_FLAP_MIN_PERIOD_MS 10u

/* Parameters of flapping. */
typedef struct linkem_flap {
    uint64_t mean_up_ms;   /* mean length of an up period, > 0 */
    uint64_t mean_down_ms; /* mean length of a down period, > 0 */
    double reset_prob;     /* chance a down period starts with a reset, 0..1 */
    uint64_t seed;         /* random seed */
} linkem_flap_t;

/* State of one flapping sequence; plain data, copyable. */
typedef struct linkem_flapper {
    linkem_flap_t flap; /* parameters */
    uint64_t rng;       /* splitmix64 state */
    uint64_t at_ms;     /* time of the next step */
    int next_up;        /* 1 when the next step brings the link up */
} linkem_flapper_t;

/* Parses "up=5s,down=3s,reset=0.2,seed=1" (any order; reset defaults to 0
 * and seed to 1; up and down are required) into *flap. Returns 0, or
 * XY_EPARSE / XY_ERANGE with a message for a person in err. */
int linkem_flap_parse(linkem_flap_t *flap, const char *spec, char *err,
                      size_t errlen);

/* Starts a sequence: its first step (at 0 ms) brings the link up. Returns 0
 * or XY_EINVAL when a mean is 0 or above LINKEM_MAX_TIME_MS, or reset_prob
 * is outside 0..1. */
int linkem_flapper_init(linkem_flapper_t *self, const linkem_flap_t *flap);

/* Writes the next step of the sequence into *step (UP, or DOWN maybe with
 * RESET, in hold mode) and advances. Steps are strictly increasing in time
 * after the first. */
void linkem_flapper_next(linkem_flapper_t *self, linkem_step_t *step);

/* Expands the sequence into a schedule of every step before horizon_ms,
 * handed out in *out (owned by the caller). Returns 0, the codes of
 * linkem_flapper_init, or XY_ETOOBIG when it would exceed
 * LINKEM_SCHEDULE_MAX_STEPS. */
int linkem_flap_schedule(linkem_schedule_t **out, const linkem_flap_t *flap,
                         uint64_t horizon_ms);

#endif
