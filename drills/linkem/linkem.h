/* The link emulator: a TCP proxy on 127.0.0.1 that tests and drills put
 * between field agents and the coordinator. Each accepted connection is
 * forwarded to a loopback target through a link that can be up or down,
 * rate-limited per direction (token bucket), delayed per direction (one-way
 * latency, order preserved) and reset abruptly (RST). The link is driven by
 * the programmatic controls below, by a schedule of timed steps
 * (drills/linkem/schedule.h) or by seeded random flapping
 * (drills/linkem/flap.h). It runs on the caller's libuv loop, so a test can
 * run it in-process next to the code under test. docs/linkem.md describes
 * what it emulates and what it does not. */
#ifndef LINKEM_H
#define LINKEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "drills/linkem/flap.h"
#include "drills/linkem/schedule.h"

/* Bytes a connection may queue per direction unless configured. */
#define LINKEM_CONN_CAP_DEFAULT (4u << 20)
/* Smallest and largest configurable cap per direction. */
#define LINKEM_CONN_CAP_MIN (128u << 10)
#define LINKEM_CONN_CAP_MAX (256u << 20)

typedef struct linkem linkem_t;

/* How to build an emulator. Zeroed fields mean: ephemeral port, unlimited
 * rate, no latency, link up, hold mode, default cap. */
typedef struct linkem_config {
    const char *target_host; /* "127.x.y.z", "::1" or "localhost" */
    uint16_t target_port;    /* target TCP port, not 0 */
    uint16_t listen_port;    /* port on 127.0.0.1, 0 = ephemeral */
    uint64_t rate_bps[2];    /* per direction (LINKEM_C2S/S2C), 0 = unlimited */
    uint32_t latency_ms[2];  /* one-way delay per direction */
    bool start_down;         /* start with the link down */
    linkem_down_mode_t down_mode; /* what down means */
    size_t conn_cap;              /* bytes queued per direction, 0 = default */
} linkem_config_t;

/* Counters since the emulator started. */
typedef struct linkem_stats {
    uint64_t bytes[2]; /* bytes delivered per direction */
    uint64_t queued;   /* bytes read and not yet delivered, all connections */
    uint64_t connections;      /* connections accepted */
    uint64_t active;           /* connections open now */
    uint64_t resets;           /* connections aborted by a reset or refusal */
    uint64_t connect_failures; /* target could not be reached */
    uint64_t steps;            /* schedule or flapping steps applied */
} linkem_stats_t;

/* Called after each schedule or flapping step is applied; step is borrowed
 * for the call only. */
typedef void linkem_step_cb(void *arg, const linkem_step_t *step);

/* Resolves and checks the target, binds 127.0.0.1:listen_port and listens,
 * on loop (borrowed; it must outlive the emulator). The emulator is handed
 * out in *out and owned by the caller (linkem_destroy). Returns 0; XY_EINVAL
 * for a missing host, port 0, a cap outside LINKEM_CONN_CAP_MIN..MAX or a
 * value beyond the schedule limits; XY_EPERM when the target is not a
 * loopback address; XY_EEXIST when the port is in use; XY_ENET for another
 * socket error. After a configuration error the loop is untouched; after a
 * socket error the handles already made are closing, so run the loop before
 * closing it. Nothing is handed out on failure. */
int linkem_new(linkem_t **out, uv_loop_t *loop, const linkem_config_t *cfg);

/* Stops listening, closes every connection and timer and nulls *self_p. The
 * memory is freed by the last close callback, so the caller runs the loop
 * afterwards (uv_run) before closing it. Safe on NULL and twice. */
void linkem_destroy(linkem_t **self_p);

/* The TCP port the emulator listens on (the bound one when 0 was asked). */
uint16_t linkem_port(const linkem_t *self);

/* Brings the link up (queued data flows, waiting connections dial the
 * target) or down (data is held, or in refuse mode every live connection is
 * reset and new ones are reset on arrival). */
void linkem_set_up(linkem_t *self, bool up);

/* True while the link is up. */
bool linkem_is_up(const linkem_t *self);

/* Chooses what down means from now on; in refuse mode while already down,
 * live connections are reset at once. */
void linkem_set_down_mode(linkem_t *self, linkem_down_mode_t mode);

/* Aborts every live connection with a TCP reset on both sides. */
void linkem_reset(linkem_t *self);

/* Sets the rate per direction in bits per second (0 = unlimited). Returns 0
 * or XY_ERANGE above LINKEM_MAX_RATE_BPS (nothing changes). */
int linkem_set_rate(linkem_t *self, uint64_t c2s_bps, uint64_t s2c_bps);

/* Sets the one-way latency per direction; it applies to data read from now
 * on (queued data keeps its delivery time). Returns 0 or XY_ERANGE above
 * LINKEM_MAX_LATENCY_MS (nothing changes). */
int linkem_set_latency(linkem_t *self, uint32_t c2s_ms, uint32_t s2c_ms);

/* Applies one step now, whatever its at_ms: settings first, then the reset,
 * then up or down. Returns 0 or XY_EINVAL for a step with no action or
 * with values beyond the limits. */
int linkem_apply(linkem_t *self, const linkem_step_t *step);

/* Runs a schedule from now (its 0 ms is the time of this call), taking
 * ownership of *schedule_p (nulled). Steps already due run at once. A
 * running schedule or flapping is replaced. Returns 0. */
int linkem_run_schedule(linkem_t *self, linkem_schedule_t **schedule_p);

/* Starts seeded flapping from now, replacing any schedule. Returns 0 or the
 * codes of linkem_flapper_init. */
int linkem_run_flap(linkem_t *self, const linkem_flap_t *flap);

/* Stops a running schedule or flapping; the link keeps its current state. */
void linkem_stop_schedule(linkem_t *self);

/* Registers cb (may be NULL) to hear about every step applied by a schedule
 * or flapping; arg is passed back and must outlive the emulator. */
void linkem_on_step(linkem_t *self, linkem_step_cb *cb, void *arg);

/* Copies the counters into *out. */
void linkem_stats(const linkem_t *self, linkem_stats_t *out);

/* Resolves "host" as the emulator accepts a target: 127.0.0.0/8, ::1 or
 * "localhost" (127.0.0.1), numeric only. Writes the address with port into
 * *addr. Returns 0, XY_EPERM for any other valid address, XY_EINVAL for
 * something that is not an address. */
int linkem_target_resolve(const char *host, uint16_t port,
                          struct sockaddr_storage *addr);

#endif
