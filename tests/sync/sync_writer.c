/* sync_writer: a second writer beside a running daemon, for the sync tests.
 * It opens a node's store (<dir>/store, with the node's id from
 * <dir>/node.key) while the daemon runs on it, and appends own events in
 * batches, each batch one durable transaction, sleeping between batches.
 *
 *   sync_writer DIR KIND COUNT BATCH SLEEP_MS SEED [INCIDENT|-]
 *
 * KIND: field (registrations and triage records alternating), triage,
 * redflag, command (orders and assessments alternating, and a team
 * registration without incident every tenth event), order. On success it
 * prints one line: "first LAST_SEQ count N done_ms T" with the first and last
 * seq written and the wall-clock time (ms) right after the last commit. */
#include "common/xy_error.h"
#include "core/event_log.h"
#include "core/identity.h"
#include "domain/model.h"
#include "tests/sync/sync_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int s_unhex(uint8_t *out, const char *hex)
{
    if (strlen(hex) != 2 * XY_ID_LEN)
        return -1;
    for (int i = 0; i < XY_ID_LEN; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

static xs_kind_t s_kind(const char *kind, long i, bool *with_incident)
{
    *with_incident = true;
    if (strcmp(kind, "field") == 0)
        return i % 2 ? XS_TRIAGE : XS_PERSON;
    if (strcmp(kind, "triage") == 0)
        return XS_TRIAGE;
    if (strcmp(kind, "redflag") == 0)
        return XS_RED_FLAG;
    if (strcmp(kind, "order") == 0)
        return XS_ORDER;
    if (i % 10 == 9) {
        *with_incident = false;
        return XS_TEAM;
    }
    return i % 2 ? XS_ASSESSMENT : XS_ORDER;
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: sync_writer DIR KIND COUNT BATCH SLEEP_MS "
                        "SEED [INCIDENT|-]\n");
        return 2;
    }
    const char *dir = argv[1], *kind = argv[2];
    long count = atol(argv[3]), batch = atol(argv[4]);
    long sleep_ms = atol(argv[5]);
    uint64_t rng = strtoull(argv[6], NULL, 10);
    uint8_t incident[XY_ID_LEN];
    bool has_incident = argc > 7 && strcmp(argv[7], "-") != 0;
    if (has_incident && s_unhex(incident, argv[7])) {
        fprintf(stderr, "sync_writer: bad incident id '%s'\n", argv[7]);
        return 2;
    }
    if (batch < 1)
        batch = 1;
    char path[4096];
    snprintf(path, sizeof path, "%s/node.key", dir);
    node_identity_t id;
    int rc = identity_load(path, &id);
    if (rc) {
        fprintf(stderr, "sync_writer: %s: %s\n", path, xy_strerror(rc));
        return 1;
    }
    domain_model_t *m = domain_model_new();
    event_log_opts_t o = {.views = m->views};
    event_log_t *log = NULL;
    snprintf(path, sizeof path, "%s/store", dir);
    rc = event_log_open(&log, path, id.node_id, &o);
    identity_wipe(&id);
    if (rc) {
        fprintf(stderr, "sync_writer: %s: %s\n", path, xy_strerror(rc));
        domain_model_destroy(&m);
        return 1;
    }
    xs_event_t *evs = calloc((size_t)batch, sizeof *evs);
    event_write_t *w = calloc((size_t)batch, sizeof *w);
    uint64_t first = 0, last = 0;
    long done = 0;
    while (!rc && done < count) {
        long n = count - done < batch ? count - done : batch;
        for (long i = 0; i < n; i++) {
            bool inc = false;
            xs_kind_t k = s_kind(kind, done + i, &inc);
            xs_event_make(&evs[i], k, &rng,
                          inc && has_incident ? incident : NULL);
            w[i] = (event_write_t){.kind = EVENT_WRITE_OWN, .own = &evs[i].ev};
        }
        rc = event_log_write(log, w, (size_t)n, NULL);
        for (long i = 0; !rc && i < n; i++) {
            if (w[i].status) {
                rc = w[i].status;
                break;
            }
            if (!first)
                first = w[i].seq;
            last = w[i].seq;
        }
        done += n;
        if (!rc && sleep_ms > 0 && done < count)
            usleep((useconds_t)sleep_ms * 1000);
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t done_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    free(evs);
    free(w);
    event_log_destroy(&log);
    domain_model_destroy(&m);
    if (rc) {
        fprintf(stderr, "sync_writer: writing: %s\n", xy_strerror(rc));
        return 1;
    }
    printf("first %llu last %llu count %ld done_ms %llu\n",
           (unsigned long long)first, (unsigned long long)last, done,
           (unsigned long long)done_ms);
    return 0;
}
