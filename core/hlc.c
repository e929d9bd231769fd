/* Hybrid logical clock (hlc.h). */
#include "core/hlc.h"
#include "common/xy_error.h"

void hlc_init(hlc_t *c, uint64_t floor, uint64_t max_offset_ms)
{
    c->last = floor;
    c->max_offset_ms = max_offset_ms;
}

uint64_t hlc_now(hlc_t *c, uint64_t wall_ms)
{
    uint64_t wall = HLC_MAKE(wall_ms, 0);
    /* Wall time ahead of everything seen: restart the logical counter.
     * Otherwise count on from the last timestamp; a counter overflow simply
     * carries into the millisecond part, which stays monotonic. */
    c->last = wall > c->last ? wall : c->last + 1;
    return c->last;
}

int hlc_observe(hlc_t *c, uint64_t remote, uint64_t wall_ms)
{
    if (HLC_MS(remote) > wall_ms + c->max_offset_ms)
        return XY_ECLOCK;
    if (remote > c->last)
        c->last = remote;
    return 0;
}
