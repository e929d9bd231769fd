/* Hybrid logical clock (Kulkarni et al., 2014): a 64-bit timestamp that
 * follows wall-clock milliseconds but never goes backwards and orders causally
 * related events across nodes. Layout: physical milliseconds << 16 | logical
 * counter. A remote timestamp further ahead of the local wall clock than the
 * maximum offset is not adopted (laptop clocks drift), and is reported so the
 * event can be flagged. Pure: the wall clock is passed in. */
#ifndef XY_HLC_H
#define XY_HLC_H

#include <stdint.h>

#define HLC_LOGICAL_BITS 16
#define HLC_MS(ts) ((ts) >> HLC_LOGICAL_BITS)
#define HLC_LOGICAL(ts) ((ts) & 0xffffu)
#define HLC_MAKE(ms, l) (((uint64_t)(ms) << HLC_LOGICAL_BITS) | (l))

typedef struct hlc {
    uint64_t last;          /* last timestamp issued or adopted */
    uint64_t max_offset_ms; /* how far ahead of wall time a remote may be */
} hlc_t;

/* Starts a clock that will never issue a timestamp at or below `floor` (the
 * last one persisted before a restart). */
void hlc_init(hlc_t *c, uint64_t floor, uint64_t max_offset_ms);

/* Issues a timestamp for a local event at wall time wall_ms. Strictly
 * greater than every timestamp issued or adopted before. */
uint64_t hlc_now(hlc_t *c, uint64_t wall_ms);

/* Merges a timestamp received from another node. Returns 0 when it was
 * adopted (the clock is now at or past it), or XY_ECLOCK when it lies more
 * than max_offset_ms ahead of wall_ms: then the clock is left as it was. */
int hlc_observe(hlc_t *c, uint64_t remote, uint64_t wall_ms);

#endif
