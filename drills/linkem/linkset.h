/* A link set: the links of a drill. For each field agent, two link
 * emulators (linkem.h) in front of the coordinator's two sockets (ROUTER
 * `listen` and PUB `publish`), driven by the same schedule. They run on a
 * libuv loop of their own in a thread of their own, so that a caller that
 * blocks (the drill runner waiting for command-line runs) never stalls the
 * links, and the caller needs no libuv of its own. */
#ifndef XY_LINKEM_LINKSET_H
#define XY_LINKEM_LINKSET_H

#include <stddef.h>
#include <stdint.h>

#include "drills/linkem/schedule.h"

typedef struct linkset linkset_t;

/* Builds n agents' emulator pairs towards 127.0.0.1:port and :pub_port,
 * links up, and starts the thread. *out is owned by the caller
 * (linkset_destroy). Returns 0 or the codes of linkem_new (err says which
 * agent). */
int linkset_new(linkset_t **out, size_t n, uint16_t port, uint16_t pub_port,
              char *err, size_t errlen);

/* Starts each agent's schedule now (schedules[i], n of them, may be NULL
 * for always up); takes them over and nulls them. */
void linkset_start(linkset_t *self, linkem_schedule_t **schedules);

/* The ports agent i dials instead of the coordinator's two. */
uint16_t linkset_port(const linkset_t *self, size_t i);
uint16_t linkset_pub_port(const linkset_t *self, size_t i);

/* Stops every schedule and brings every link up (the end of a drill);
 * returns once the link thread has done it. */
void linkset_all_up(linkset_t *self);

/* Stops the thread, closes every emulator and frees everything; nulls
 * *self_p. Safe on NULL and twice. */
void linkset_destroy(linkset_t **self_p);

#endif
