/* Views: the state a node shows, folded from its events by reducers that the
 * daemons register (core knows nothing of the crisis model). A view is a
 * sorted key-value table stored beside the events and updated in the same
 * transaction as the event that changes it. Reducers must give the same bytes
 * whatever the order the events arrive in (last-writer-wins registers ordered
 * by (hlc, origin), grow-only sets, forward-only status lattices), so that a
 * digest over all views proves two nodes converged. */
#ifndef XY_VIEW_H
#define XY_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "proto/codec.h"

#define VIEW_MAX 48          /* views in one set */
#define VIEW_NAME_MAX 32     /* bytes in a view name */
#define VIEW_KEY_MAX 255     /* bytes in a key (LMDB's default limit is 511) */
#define VIEW_REDUCERS_MAX 128 /* reducers in one set */

typedef struct view_set view_set_t;
typedef struct view_txn view_txn_t;

/* Folds one event into views. ev is borrowed for the call. Returns 0, or a
 * negative code that aborts the whole write (use only for store errors: a
 * reducer must accept any valid event, in any order). */
typedef int (*view_reducer_fn)(view_txn_t *vt, const Xy__Event *ev,
                               void *arg);

/* Creates an empty set; the caller owns it (view_set_destroy). */
view_set_t *view_set_new(void);
void view_set_destroy(view_set_t **vs);

/* Adds a view named name (letters, digits, '_' and '.', at most
 * VIEW_NAME_MAX bytes, unique). Returns its index (>= 0), or XY_EINVAL,
 * XY_EEXIST or XY_ETOOBIG. */
int view_set_add(view_set_t *vs, const char *name);

/* Calls fn(arg) for every event whose body is type (an
 * Xy__Event__BodyCase). Several reducers may follow one type; they run in
 * registration order. arg is borrowed for the set's life. XY_ETOOBIG when
 * the set is full. */
int view_set_on(view_set_t *vs, uint32_t type, view_reducer_fn fn, void *arg);

/* The index of the view named name, or XY_ENOENT. */
int view_set_find(const view_set_t *vs, const char *name);

size_t view_set_count(const view_set_t *vs);
const char *view_set_name(const view_set_t *vs, int view);

/* Sets the version of what the reducers store (0 when never set): the
 * owner bumps it whenever a reducer changes what it writes, so that stores
 * folded by the older reducers are folded again (event_log_open). */
void view_set_version(view_set_t *vs, uint32_t version);

#define VIEW_FINGERPRINT_LEN 16

/* A fingerprint of the set: its view names in order and its version. A
 * store whose views were folded by a set of another fingerprint is folded
 * again when opened with this one. */
void view_set_fingerprint(const view_set_t *vs,
                          uint8_t out[VIEW_FINGERPRINT_LEN]);

/* Reads key in view. On success *val points at *vlen bytes owned by the
 * store, valid until the next put or delete in this transaction or its end.
 * XY_ENOENT when absent. */
int view_get(view_txn_t *vt, int view, const void *key, size_t klen,
             const void **val, size_t *vlen);

/* Sets key to the vlen bytes at val (copied). XY_EPERM in a read-only
 * transaction, XY_EINVAL for a key over VIEW_KEY_MAX. */
int view_put(view_txn_t *vt, int view, const void *key, size_t klen,
             const void *val, size_t vlen);

/* Removes key (no error when absent). XY_EPERM when read-only. */
int view_del(view_txn_t *vt, int view, const void *key, size_t klen);

/* Visits, in key order, every entry of view whose key starts with the plen
 * bytes of prefix (plen 0: all). Pointers are valid during the call only.
 * The visitor returns 0 to go on, 1 to stop, a negative code to fail. */
typedef int (*view_entry_fn)(const void *key, size_t klen, const void *val,
                             size_t vlen, void *arg);
int view_scan(view_txn_t *vt, int view, const void *prefix, size_t plen,
              view_entry_fn visit, void *arg);

/* Adds delta to a signed 64-bit counter stored at key (absent reads as 0);
 * a counter that reaches 0 is removed, so that views stay canonical. */
int view_count_add(view_txn_t *vt, int view, const void *key, size_t klen,
                   int64_t delta);

/* Reads a counter (0 when absent). */
int64_t view_count_get(view_txn_t *vt, int view, const void *key,
                       size_t klen);

/* The set of views this transaction sees. */
const view_set_t *view_txn_set(const view_txn_t *vt);

/* A reader: runs inside a read transaction opened by event_log_view_read. */
typedef int (*view_read_fn)(view_txn_t *vt, void *arg);

#endif
