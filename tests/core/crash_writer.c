/* crash_writer: the victim process of tests/core/test_crash.c. It opens the
 * event log in a given directory as a given node and appends its own events
 * in durable batches of random size (1-200) until it is killed. After every
 * event_log_write that returns 0 it writes "<last seq>\n" to stdout with one
 * write(2): the acknowledgement the test holds the log to after a SIGKILL.
 *
 * Usage: crash_writer DIR NODE_ID_HEX SEED */
#include "core/event_log.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define S_BATCH_MAX 200
#define S_RUN_MAX_S 20          /* stop by itself if nobody kills it */
#define S_EVENTS_MAX 2000000ull /* and after this many events */

/* One own event and the body it points at. */
typedef struct s_item {
    Xy__Event ev;
    Xy__PersonRegistered pr;
    Xy__Place place;
    uint8_t person[XY_ID_LEN];
} s_item_t;

static uint64_t s_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void s_item_init(s_item_t *it, uint64_t *rng)
{
    xy__event__init(&it->ev);
    xy__person_registered__init(&it->pr);
    xy__place__init(&it->place);
    uint64_t a = s_next(rng), b = s_next(rng);
    memcpy(it->person, &a, 8);
    memcpy(it->person + 8, &b, 8);
    it->place.site = "Beichuan middle school shelter";
    it->pr.person_id = (ProtobufCBinaryData){XY_ID_LEN, it->person};
    it->pr.age_band = (uint32_t)(a % 18) * 5;
    it->pr.place = &it->place;
    it->ev.author = "crash-writer";
    it->ev.body_case = XY__EVENT__BODY_PERSON_REGISTERED;
    it->ev.person_registered = &it->pr;
}

/* Writes all of line; returns 0 or -1 when stdout is gone. */
static int s_ack(uint64_t seq)
{
    char line[32];
    int n = snprintf(line, sizeof line, "%llu\n", (unsigned long long)seq);
    return write(STDOUT_FILENO, line, (size_t)n) == n ? 0 : -1;
}

/* Appends batches until killed or a bound is reached. */
static int s_run(event_log_t *log, uint64_t seed)
{
    static s_item_t items[S_BATCH_MAX];
    static event_write_t w[S_BATCH_MAX];
    uint64_t rng = seed;
    uint64_t written = 0;
    time_t start = time(NULL);
    while (written < S_EVENTS_MAX && time(NULL) - start < S_RUN_MAX_S) {
        size_t n = 1 + (size_t)(s_next(&rng) % S_BATCH_MAX);
        for (size_t i = 0; i < n; i++) {
            s_item_init(&items[i], &rng);
            w[i] =
                (event_write_t){.kind = EVENT_WRITE_OWN, .own = &items[i].ev};
        }
        int rc = event_log_write(log, w, n, NULL);
        if (rc) {
            fprintf(stderr, "crash_writer: write: %s\n", xy_strerror(rc));
            return 1;
        }
        for (size_t i = 0; i < n; i++) {
            if (w[i].status) {
                fprintf(stderr, "crash_writer: item %zu: %s\n", i,
                        xy_strerror(w[i].status));
                return 1;
            }
        }
        if (s_ack(w[n - 1].seq))
            return 1;
        written += n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: crash_writer DIR NODE_ID_HEX SEED\n");
        return 2;
    }
    uint8_t node[XY_ID_LEN];
    if (xy_unhex(node, sizeof node, argv[2])) {
        fprintf(stderr, "crash_writer: node id must be %d hex digits\n",
                2 * XY_ID_LEN);
        return 2;
    }
    uint64_t seed = strtoull(argv[3], NULL, 10);
    event_log_t *log = NULL;
    int rc = event_log_open(&log, argv[1], node, NULL);
    if (rc) {
        fprintf(stderr, "crash_writer: open %s: %s\n", argv[1],
                xy_strerror(rc));
        return 1;
    }
    int status = s_run(log, seed);
    event_log_destroy(&log);
    return status;
}
