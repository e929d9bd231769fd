/* The links of a drill: for each field agent, two link emulators
 * (drills/linkem) in front of the coordinator's two sockets (ROUTER
 * `listen` and PUB `publish`), driven by the same schedule. They run on
 * their own libuv loop in a thread of their own, so that the runner's
 * blocking command-line runs never stall the links. */
#ifndef DRILL_LINKS_H
#define DRILL_LINKS_H

#include <stddef.h>
#include <stdint.h>

#include "drills/linkem/schedule.h"

typedef struct links links_t;

/* Builds n agents' emulator pairs towards 127.0.0.1:port and :pub_port,
 * links up, and starts the thread. *out is owned by the caller
 * (links_destroy). Returns 0 or the codes of linkem_new (err says which
 * agent). */
int links_new(links_t **out, size_t n, uint16_t port, uint16_t pub_port,
              char *err, size_t errlen);

/* Starts each agent's schedule now (schedules[i], n of them, may be NULL
 * for always up); takes them over and nulls them. */
void links_start(links_t *self, linkem_schedule_t **schedules);

/* The ports agent i dials instead of the coordinator's two. */
uint16_t links_port(const links_t *self, size_t i);
uint16_t links_pub_port(const links_t *self, size_t i);

/* Stops every schedule and brings every link up (the end of a drill);
 * returns once the link thread has done it. */
void links_all_up(links_t *self);

/* Stops the thread, closes every emulator and frees everything; nulls
 * *self_p. Safe on NULL and twice. */
void links_destroy(links_t **self_p);

#endif
