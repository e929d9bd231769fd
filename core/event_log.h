/* The event log: every event a node holds, durably, in one LMDB environment.
 * It is the one source of truth of a node (DESIGN.md, "Events" and "Store").
 *
 * - Own events get the next per-origin seq and an HLC timestamp inside the
 *   write transaction that stores them.
 * - Foreign events are stored idempotently: an (origin, seq) already held is
 *   a no-op.
 * - Every stored event gets the next local log position; reading the log
 *   after a position is the changes feed, the one thing sync streams.
 * - Each origin's frontier (highest seq held with no gap) is kept.
 * - Views registered before opening are folded in the same transaction as
 *   the events that change them.
 * - Group commit: event_log_write stores many events in one synced
 *   transaction; when it returns 0 all of them are durable.
 * - MDB_MAP_FULL grows the map and retries, invisibly to the caller.
 *
 * Within a process, event_log_write is called from one thread (the loop
 * thread); readers on other threads may call the read functions
 * concurrently. Other processes may write to the same store (the command
 * line beside a running daemon): LMDB serialises writers, and every write
 * transaction reads the counters afresh. */
#ifndef XY_EVENT_LOG_H
#define XY_EVENT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/view.h"
#include "proto/codec.h"

typedef struct event_log event_log_t;

/* Flags kept with each stored event in the local log (not part of it). */
#define EVENT_FLAG_CLOCK_AHEAD 0x01u /* its HLC was too far ahead: not adopted */
#define EVENT_FLAG_UNKNOWN_TYPE 0x02u /* a body type this node cannot fold */

typedef struct event_log_opts {
    size_t map_size;          /* initial map size in bytes; 0: 64 MiB */
    uint64_t max_offset_ms;   /* HLC maximum offset; 0: 5 minutes */
    uint64_t (*now_ms)(void *arg); /* wall clock; NULL: CLOCK_REALTIME */
    void *now_arg;            /* passed to now_ms */
    const view_set_t *views;  /* reducers to fold; borrowed for the log's life */
    bool no_sync;             /* tests and benches of non-durable paths only */
} event_log_opts_t;

/* Opens (creating if needed) the log in directory dir, which must exist,
 * for the node whose 16-byte id is node_id. opts may be NULL for defaults.
 * The log keeps its own copy of node_id; views (if any) are borrowed.
 * Errors: XY_ENOENT (no such directory), XY_ELOCKED, XY_ECORRUPT (not a log
 * of this node or of this version), XY_ESTORE. */
int event_log_open(event_log_t **out, const char *dir,
                   const uint8_t node_id[XY_ID_LEN],
                   const event_log_opts_t *opts);

/* Closes the log and frees it; sets *log to NULL. Safe on NULL. */
void event_log_destroy(event_log_t **log);

typedef enum event_write_kind {
    EVENT_WRITE_OWN = 1,     /* a new event of this node */
    EVENT_WRITE_FOREIGN = 2, /* a packed event received from another node */
} event_write_kind_t;

/* One event to store in a group commit. */
typedef struct event_write {
    event_write_kind_t kind; /* in */
    Xy__Event *own;          /* in, OWN: body, incident_id, exercise, author
                                set by the caller (borrowed); origin, seq and
                                hlc are written into it by the log */
    const uint8_t *bytes;    /* in, FOREIGN: packed event (borrowed) */
    size_t len;              /* in, FOREIGN: its length */
    int status;              /* out: 0 stored, XY_EEXIST already held (a
                                no-op), or the reason it was refused */
    uint64_t position;       /* out: log position when stored */
    uint64_t seq;            /* out: seq (own: assigned) */
    uint64_t hlc;            /* out: hlc (own: assigned) */
    uint8_t flags;           /* out: EVENT_FLAG_* */
} event_write_t;

/* A peer cursor to persist in the same transaction as the events. */
typedef struct event_cursor {
    const char *peer; /* peer name, at most 64 bytes (borrowed) */
    uint64_t position;
} event_cursor_t;

/* Stores n events in one durable transaction, with an optional cursor
 * update. Each item's status says what became of it: a refused item (bytes
 * that are not an event, an own event without a body) does not
 * stop the others. Returns 0 when the transaction committed and every item
 * with status 0 is durable; otherwise nothing of the call was stored (the
 * items' outputs are then meaningless) and the error is XY_ESTORE, XY_EIO or
 * the error a reducer returned. */
int event_log_write(event_log_t *log, event_write_t *w, size_t n,
                    const event_cursor_t *cursor);

/* One stored event as the changes feed and lookups present it. Every pointer
 * is borrowed and valid only during the callback. */
typedef struct event_ref {
    uint64_t position;     /* local log position */
    const uint8_t *origin; /* XY_ID_LEN bytes */
    uint64_t seq;
    uint32_t type;         /* Xy__Event__BodyCase */
    uint8_t flags;         /* EVENT_FLAG_* */
    const uint8_t *bytes;  /* the packed event */
    size_t len;
} event_ref_t;

/* A visitor returns 0 to go on, EVENT_VISIT_STOP to stop after this event,
 * EVENT_VISIT_STOP_BEFORE to stop as if this event had not been looked at
 * (it does not count in *last: a batch that is full leaves it for the
 * next), or a negative code to stop with it. */
#define EVENT_VISIT_STOP 1
#define EVENT_VISIT_STOP_BEFORE 2
typedef int (*event_visit_fn)(const event_ref_t *ev, void *arg);

/* Visits, in position order, the events after position `after`, at most max
 * of them (0: no limit) that filter accepts (filter NULL: all; a filter
 * returns true to keep). *last, if not NULL, receives the position of the last
 * event looked at, visited or filtered out (after, when none), so that a
 * reader can resume past filtered events. Returns 0, the visitor's negative
 * code, or XY_ESTORE. */
typedef bool (*event_filter_fn)(const event_ref_t *ev, void *arg);
int event_log_changes(event_log_t *log, uint64_t after, size_t max,
                      event_filter_fn filter, void *filter_arg,
                      event_visit_fn visit, void *visit_arg, uint64_t *last);

/* Visits the event (origin, seq). XY_ENOENT when it is not held. */
int event_log_get(event_log_t *log, const uint8_t origin[XY_ID_LEN],
                  uint64_t seq, event_visit_fn visit, void *arg);

/* The highest seq of origin held with no gap before it (0 if none). */
int event_log_frontier(event_log_t *log, const uint8_t origin[XY_ID_LEN],
                       uint64_t *seq);

/* Visits every origin's frontier in origin order. */
typedef int (*event_frontier_fn)(const uint8_t origin[XY_ID_LEN],
                                 uint64_t seq, void *arg);
int event_log_frontiers(event_log_t *log, event_frontier_fn visit, void *arg);

/* Re-reads the counters another process may have moved (last position,
 * count), so that the two functions below see its writes. */
int event_log_refresh(event_log_t *log);

/* The last log position given (0 for an empty log), as of this process's
 * last write or event_log_refresh. */
uint64_t event_log_last_position(event_log_t *log);

/* The number of events held. */
uint64_t event_log_count(event_log_t *log);

/* Reads the cursor of peer (0 when none was ever written). */
int event_log_cursor(event_log_t *log, const char *peer, uint64_t *position);

/* The directory the log lives in (valid for the log's life). */
const char *event_log_dir(const event_log_t *log);

/* This node's id (XY_ID_LEN bytes, valid for the log's life). */
const uint8_t *event_log_node_id(const event_log_t *log);

/* Runs fn inside a read transaction over the views: see view.h. */
int event_log_view_read(event_log_t *log, view_read_fn fn, void *arg);

/* BLAKE2b-256 digest over the canonical contents of every view: for each view
 * in name order, its name and every (key, value) in key order, each
 * length-prefixed. Two nodes that hold the same events have the same digest. */
int event_log_view_digest(event_log_t *log, uint8_t out[32]);

/* Empties every view and folds the whole log again, in position order, in
 * one transaction (after a reducer changed, for instance). */
int event_log_rebuild_views(event_log_t *log);

/* The map size in bytes now in force (it grows on demand). */
size_t event_log_map_size(const event_log_t *log);

#endif
