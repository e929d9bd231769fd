/* Tests of the hybrid logical clock (core/hlc.h): monotonic under a wall
 * clock that steps back, logical counting within one millisecond, adoption
 * of remote timestamps within the maximum offset and refusal beyond it. */
#include "core/hlc.h"
#include "common/xy_error.h"

#include <criterion/criterion.h>
#include <stdint.h>

#define S_WALL 1700000000000ull /* a plausible wall time, ms */
#define S_OFFSET 5000u          /* maximum offset used by these tests, ms */

Test(hlc, usage_issue_local_timestamps_and_merge_a_remote_one)
{
    hlc_t c;
    hlc_init(&c, 0, S_OFFSET);
    uint64_t a = hlc_now(&c, S_WALL);
    cr_assert_eq(HLC_MS(a), S_WALL);
    cr_assert_eq(HLC_LOGICAL(a), 0);

    /* A peer 2 s ahead: adopted, and the next local stamp follows it. */
    uint64_t remote = HLC_MAKE(S_WALL + 2000, 7);
    cr_assert_eq(hlc_observe(&c, remote, S_WALL + 1), 0);
    uint64_t b = hlc_now(&c, S_WALL + 1);
    cr_assert_gt(b, remote);
    cr_assert_eq(HLC_MS(b), S_WALL + 2000);
    cr_assert_eq(HLC_LOGICAL(b), 8);
}

Test(hlc, timestamps_stay_monotonic_when_the_wall_clock_steps_back)
{
    hlc_t c;
    hlc_init(&c, 0, S_OFFSET);
    /* Wall readings that jump forward, back by a minute, then crawl. */
    uint64_t walls[] = {S_WALL,         S_WALL + 10, S_WALL - 60000,
                        S_WALL - 59999, S_WALL + 5,  S_WALL + 10,
                        S_WALL + 11,    S_WALL - 1,  S_WALL + 500};
    uint64_t prev = 0;
    uint64_t peak_ms = 0;
    for (size_t i = 0; i < sizeof walls / sizeof walls[0]; i++) {
        uint64_t t = hlc_now(&c, walls[i]);
        cr_assert_gt(t, prev, "step %zu: %llu after %llu", i,
                     (unsigned long long)t, (unsigned long long)prev);
        if (walls[i] > peak_ms)
            peak_ms = walls[i];
        /* Never behind the highest wall time seen. */
        cr_assert_geq(HLC_MS(t), peak_ms);
        prev = t;
    }
    /* After the step back the clock kept counting on the peak millisecond,
     * then moved to wall time once the wall caught up. */
    cr_assert_eq(HLC_MS(prev), S_WALL + 500);
    cr_assert_eq(HLC_LOGICAL(prev), 0);
}

Test(hlc, logical_counter_increments_within_one_millisecond)
{
    hlc_t c;
    hlc_init(&c, 0, S_OFFSET);
    for (uint32_t i = 0; i < 1000; i++) {
        uint64_t t = hlc_now(&c, S_WALL);
        cr_assert_eq(HLC_MS(t), S_WALL);
        cr_assert_eq(HLC_LOGICAL(t), i);
    }
    uint64_t next = hlc_now(&c, S_WALL + 1);
    cr_assert_eq(HLC_MS(next), S_WALL + 1);
    cr_assert_eq(HLC_LOGICAL(next), 0, "a new millisecond restarts it");
}

Test(hlc, observe_adopts_a_remote_within_the_offset)
{
    hlc_t c;
    hlc_init(&c, 0, S_OFFSET);
    (void)hlc_now(&c, S_WALL);
    uint64_t edge = HLC_MAKE(S_WALL + S_OFFSET, 0xffff);
    cr_assert_eq(hlc_observe(&c, edge, S_WALL), 0);
    cr_assert_eq(c.last, edge);
    /* An older remote leaves the clock where it is. */
    cr_assert_eq(hlc_observe(&c, HLC_MAKE(S_WALL - 10, 0), S_WALL), 0);
    cr_assert_eq(c.last, edge);
}

Test(hlc, observe_refuses_a_remote_beyond_the_offset_and_keeps_the_clock)
{
    hlc_t c;
    hlc_init(&c, 0, S_OFFSET);
    uint64_t t = hlc_now(&c, S_WALL);
    uint64_t too_far = HLC_MAKE(S_WALL + S_OFFSET + 1, 0);
    cr_assert_eq(hlc_observe(&c, too_far, S_WALL), XY_ECLOCK);
    cr_assert_eq(c.last, t, "clock unchanged after a refusal");
    cr_assert_eq(hlc_observe(&c, HLC_MAKE(S_WALL + 3600 * 1000, 0), S_WALL),
                 XY_ECLOCK);
    cr_assert_eq(c.last, t);
    uint64_t u = hlc_now(&c, S_WALL);
    cr_assert_lt(u, too_far, "the next stamp stays near wall time");
    cr_assert_eq(u, t + 1);
}

Test(hlc, stamp_issued_after_observe_is_greater_than_the_remote)
{
    hlc_t c;
    hlc_init(&c, 0, S_OFFSET);
    /* Remotes at, behind and ahead of the local wall time. */
    uint64_t remotes[] = {HLC_MAKE(S_WALL, 40), HLC_MAKE(S_WALL + 1000, 3),
                          HLC_MAKE(S_WALL + 1000, 0xfffe),
                          HLC_MAKE(S_WALL + 4000, 0xffff)};
    for (size_t i = 0; i < sizeof remotes / sizeof remotes[0]; i++) {
        cr_assert_eq(hlc_observe(&c, remotes[i], S_WALL), 0);
        uint64_t t = hlc_now(&c, S_WALL);
        cr_assert_gt(t, remotes[i], "remote %zu", i);
    }
    /* The last remote had a full logical counter: it carried into ms. */
    cr_assert_eq(HLC_MS(c.last), S_WALL + 4001);
}

Test(hlc, init_floor_is_never_reissued)
{
    hlc_t c;
    uint64_t floor = HLC_MAKE(S_WALL + 100, 9);
    hlc_init(&c, floor, S_OFFSET);
    uint64_t t = hlc_now(&c, S_WALL); /* wall behind the persisted floor */
    cr_assert_gt(t, floor);
    cr_assert_eq(t, floor + 1);
    uint64_t u = hlc_now(&c, S_WALL + 200);
    cr_assert_eq(u, HLC_MAKE(S_WALL + 200, 0));
}
