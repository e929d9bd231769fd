/* Last-writer-wins registers over views: the value kept under a key is the
 * one written by the event with the greatest (hlc, origin), whatever order
 * the events arrive in. Stored bytes: hlc (8, big-endian), origin (16), then
 * the payload. */
#ifndef XY_DOMAIN_LWW_H
#define XY_DOMAIN_LWW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/view.h"

#define LWW_HEADER 24 /* hlc + origin */

/* Writes payload under key when ev is newer than what is stored (or nothing
 * is). *won, if not NULL, says whether it was written. When prev/prev_len are
 * not NULL and a value is replaced, the old payload is copied into prev (at
 * most *prev_len bytes; *prev_len receives its length, 0 when none). */
int lww_put(view_txn_t *vt, int view, const void *key, size_t klen,
            const Xy__Event *ev, const void *payload, size_t plen, bool *won,
            void *prev, size_t *prev_len);

/* The head most event records carry: [exercise (1)] [incident (16, zeros
 * when the event has none)]. Writes LWW_EVENT_HEAD bytes into out. */
#define LWW_EVENT_HEAD (1 + 16)
void lww_event_head(const Xy__Event *ev, uint8_t out[LWW_EVENT_HEAD]);

/* lww_put of the hlen bytes of head followed by msg packed. A payload
 * over LWW_MSG_MAX is not stored (the codec's limits keep events far
 * below it) and returns 0. */
#define LWW_MSG_MAX (256u * 1024)
int lww_put_msg(view_txn_t *vt, int view, const void *key, size_t klen,
                const Xy__Event *ev, const void *head, size_t hlen,
                const ProtobufCMessage *msg);

/* Reads the payload under key. XY_ENOENT when absent. *payload is borrowed
 * (see view_get). */
int lww_get(view_txn_t *vt, int view, const void *key, size_t klen,
            const void **payload, size_t *plen);

#endif
