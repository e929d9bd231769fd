/* Last-writer-wins registers over views: the value kept under a key is the
 * one written by the event with the greatest (hlc, origin), whatever order
 * the events arrive in. Stored bytes: hlc (8, big-endian), origin (16), then
 * the payload. */
#ifndef XY_DOMAIN_LWW_H
#define XY_DOMAIN_LWW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/view.h"

#define LWW_HEADER 24 /* hlc + origin */

/* Writes payload under key when ev is newer than what is stored (or nothing
 * is). *won, if not NULL, says whether it was written. When prev/prev_len are
 * not NULL and a value is replaced, the old payload is copied into prev (at
 * most *prev_len bytes; *prev_len receives its length, 0 when none). */
int lww_put(view_txn_t *vt, int view, const void *key, size_t klen,
            const Xy__Event *ev, const void *payload, size_t plen, bool *won,
            void *prev, size_t *prev_len);

/* Reads the payload under key. XY_ENOENT when absent. *payload is borrowed
 * (see view_get). */
int lww_get(view_txn_t *vt, int view, const void *key, size_t klen,
            const void **payload, size_t *plen);

#endif
