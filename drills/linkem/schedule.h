/* Link schedules for the link emulator: a list of timed steps (at t ms the
 * link goes up or down, live connections are reset, the bandwidth or the
 * latency changes), read from the text format documented in docs/linkem.md
 * (`30s down`, `0 up rate=64kbit latency=200ms`). Drill scenarios embed the
 * same syntax, so the parser works on a string and names the line of every
 * error. This file knows nothing of sockets or event loops. */
#ifndef LINKEM_SCHEDULE_H
#define LINKEM_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Direction of a byte stream through the emulator. */
enum linkem_dir {
    LINKEM_C2S = 0, /* client (field agent) to server (coordinator) */
    LINKEM_S2C = 1, /* server to client */
};

/* Hard limits of the schedule format. */
#define LINKEM_SCHEDULE_MAX_STEPS 100000u   /* steps in one schedule */
#define LINKEM_SCHEDULE_MAX_TEXT (4u << 20) /* bytes of schedule text */
#define LINKEM_SCHEDULE_MAX_LINE 1024u      /* bytes of one line */
#define LINKEM_MAX_TIME_MS (30ull * 24 * 3600 * 1000) /* 30 days */
#define LINKEM_MAX_RATE_BPS 100000000000ull           /* 100 gbit/s */
#define LINKEM_MAX_LATENCY_MS 600000u                 /* 10 minutes one way */

/* What the link does with connections while it is down. */
typedef enum linkem_down_mode {
    LINKEM_DOWN_HOLD = 0,   /* accept, hold data until the link is up */
    LINKEM_DOWN_REFUSE = 1, /* reset live and new connections */
} linkem_down_mode_t;

/* Bits of linkem_step_t.what: what a step changes. Anything not named keeps
 * its current value. */
enum linkem_step_what {
    LINKEM_STEP_UP = 1u << 0,          /* the link goes up */
    LINKEM_STEP_DOWN = 1u << 1,        /* the link goes down (see down_mode) */
    LINKEM_STEP_RESET = 1u << 2,       /* abort every live connection (RST) */
    LINKEM_STEP_RATE_C2S = 1u << 3,    /* set rate_bps[LINKEM_C2S] */
    LINKEM_STEP_RATE_S2C = 1u << 4,    /* set rate_bps[LINKEM_S2C] */
    LINKEM_STEP_LATENCY_C2S = 1u << 5, /* set latency_ms[LINKEM_C2S] */
    LINKEM_STEP_LATENCY_S2C = 1u << 6, /* set latency_ms[LINKEM_S2C] */
    LINKEM_STEP_MODE = 1u << 7,        /* set what down means (down_mode) */
};

/* One timed change of the link. */
typedef struct linkem_step {
    uint64_t at_ms;               /* time from the start of the schedule */
    unsigned what;                /* LINKEM_STEP_* bits, never 0 */
    linkem_down_mode_t down_mode; /* with LINKEM_STEP_MODE */
    uint64_t rate_bps[2];   /* bits per second per direction, 0 = unlimited */
    uint32_t latency_ms[2]; /* one-way delay per direction */
} linkem_step_t;

typedef struct linkem_schedule linkem_schedule_t;

/* Returns a new empty schedule, owned by the caller (linkem_schedule_destroy).
 * Aborts when memory is exhausted. */
linkem_schedule_t *linkem_schedule_new(void);

/* Frees a schedule and nulls *self_p; safe on NULL and twice. */
void linkem_schedule_destroy(linkem_schedule_t **self_p);

/* Checks one step on its own. Returns 0; XY_EINVAL when step->what is 0, has
 * unknown bits or both UP and DOWN, or down_mode is unknown; XY_ERANGE when
 * a time, rate or latency is beyond the limits above. */
int linkem_step_check(const linkem_step_t *step);

/* Appends a copy of step. Returns 0; the codes of linkem_step_check;
 * XY_ERANGE when step->at_ms is earlier than the last step; XY_ETOOBIG when
 * the schedule holds LINKEM_SCHEDULE_MAX_STEPS already. */
int linkem_schedule_append(linkem_schedule_t *self, const linkem_step_t *step);

/* Number of steps. */
size_t linkem_schedule_count(const linkem_schedule_t *self);

/* Step i (i < count), borrowed until the schedule changes or is destroyed. */
const linkem_step_t *linkem_schedule_step(const linkem_schedule_t *self,
                                          size_t i);

/* Parses schedule text (len bytes, need not be NUL-terminated) into a new
 * schedule handed out in *out (owned by the caller). On error returns
 * XY_EPARSE (bad syntax or value; err says "line N: ..."), XY_ERANGE (time
 * going backwards, value beyond a limit) or XY_ETOOBIG (text, a line or the
 * step count beyond its limit), leaves *out NULL and writes a message for a
 * person into err (errlen bytes, may be 0). */
int linkem_schedule_parse(linkem_schedule_t **out, const char *text, size_t len,
                          char *err, size_t errlen);

/* Reads the file at path (at most LINKEM_SCHEDULE_MAX_TEXT bytes) and parses
 * it as linkem_schedule_parse does. Returns its codes, or XY_ENOENT / XY_EIO
 * when the file cannot be read; err names the file. */
int linkem_schedule_load(linkem_schedule_t **out, const char *path, char *err,
                         size_t errlen);

/* Parses a duration: "0", or a non-negative number with a unit ms, s, m or h
 * ("200ms", "1.5s", "2m"); the result is rounded to whole milliseconds.
 * Returns 0, XY_EPARSE, or XY_ERANGE above LINKEM_MAX_TIME_MS. */
int linkem_parse_duration_ms(const char *text, uint64_t *ms);

/* Parses a rate: "0" or "unlimited" (0), or a number with a unit bit, kbit,
 * mbit or gbit (powers of 1000, as tc counts them). Returns 0, XY_EPARSE, or
 * XY_ERANGE above LINKEM_MAX_RATE_BPS. */
int linkem_parse_rate_bps(const char *text, uint64_t *bps);

#endif
