/* Internals of the event log shared by its write side (event_log.c) and
 * its read side (event_log_read.c): the layout of the LMDB databases, the
 * log object, and helpers. Not for use outside core/. */
#ifndef XY_EVENT_LOG_INTERNAL_H
#define XY_EVENT_LOG_INTERNAL_H

#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/event_log.h"
#include "core/hlc.h"

#define EL_FORMAT "xinyuan-log-1"
#define EL_LOGVAL_LEN (XY_ID_LEN + 8 + 4 + 1)
#define EL_EVKEY_LEN (XY_ID_LEN + 8)
#define EL_MAP_DEFAULT ((size_t)64 << 20)
#define EL_MAP_LIMIT ((size_t)1 << 40)
#define EL_OFFSET_DEFAULT_MS (5u * 60 * 1000)
#define EL_PEER_MAX 64
#define EL_MAXDBS (8 + VIEW_MAX)
#define EL_GROW_TRIES 16

/* One origin's frontier as the write transaction in progress sees it. */
typedef struct el_front {
    uint8_t origin[XY_ID_LEN]; /* whose frontier */
    uint64_t seq;              /* highest seq held with no gap */
    size_t slot;               /* where its index sits in el_fronts_t.slots */
    bool dirty;                /* moved: to be written before commit */
} el_front_t;

/* The frontiers one write transaction moves, kept in memory and each written
 * once before commit: reading and rewriting the frontier record for every
 * event cost about as much as storing the event. Entries are dense, in order
 * of first use; slots is an open-addressing index into them. */
typedef struct el_fronts {
    el_front_t *ents; /* entries */
    size_t n;        /* entries in use */
    size_t cap;      /* entries allocated */
    size_t *slots;   /* 0: empty, else entry index + 1 */
    size_t nslots;   /* a power of two, more than twice n */
} el_fronts_t;

struct event_log {
    MDB_env *env;                 /* the environment */
    MDB_dbi events, log, frontier, cursors, meta; /* fixed databases */
    MDB_dbi views[VIEW_MAX];      /* one per view, by index */
    const view_set_t *vs;         /* registered views (borrowed) */
    uint8_t node_id[XY_ID_LEN];   /* this node */
    size_t map_size;              /* current map size */
    hlc_t hlc;                    /* committed clock state */
    uint64_t last_pos;            /* committed last position */
    uint64_t count;               /* committed number of events */
    uint64_t own_seq;             /* highest own seq assigned or seen */
    uint64_t (*now_ms)(void *);   /* wall clock */
    void *now_arg;                /* its argument */
    bool no_sync;                 /* MDB_NOSYNC was asked for */
    char *dir;                    /* the environment's directory */
    el_fronts_t fronts;            /* frontiers of the write in progress */
};

/* State of one write transaction attempt; copied back on commit. */
typedef struct el_wstate {
    MDB_txn *txn;
    hlc_t hlc;
    uint64_t last_pos;
    uint64_t count;
    uint64_t own_seq;
    MDB_cursor *ev_cur;  /* on events, while items are written */
    MDB_cursor *log_cur; /* on log, while items are written */
} el_wstate_t;

static inline void el_put_be64(uint8_t *out, uint64_t x)
{
    for (int i = 7; i >= 0; i--, x >>= 8)
        out[i] = (uint8_t)x;
}

static inline uint64_t el_be64(const uint8_t *in)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x = x << 8 | in[i];
    return x;
}

/* Begins a read-only transaction. */
int el_read_begin(event_log_t *log, MDB_txn **txn);

/* Fills ref from a log entry (position pk, value lv) and the event it
 * points at; XY_ECORRUPT when they do not match. */
int el_ref_from_log(event_log_t *log, MDB_txn *txn, const MDB_val *pk,
                    const MDB_val *lv, event_ref_t *ref);

#endif
