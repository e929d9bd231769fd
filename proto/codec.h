/* The codec: packs and unpacks Events and sync Frames with hard size limits
 * and a bounded allocator, so that no input, however malformed, can make the
 * decoder crash or allocate without bound. It also validates what protobuf
 * itself cannot: identifier lengths, the envelope's required fields, and that
 * the body is a type this node knows. Unpacked messages live in an arena owned
 * by an xy_decoded_t; they never outlive it. */
#ifndef XY_CODEC_H
#define XY_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "proto/event.pb-c.h"
#include "proto/sync.pb-c.h"

#define XY_ID_LEN 16                     /* node, person, team... ids */
#define XY_EVENT_MAX_BYTES (256u * 1024) /* one packed Event */
#define XY_FRAME_MAX_BYTES (4u * 1024 * 1024) /* one packed Frame */
#define XY_DECODE_BUDGET_FACTOR 16       /* arena bytes per input byte */
#define XY_DECODE_BUDGET_MIN (64u * 1024)

typedef struct xy_decoded xy_decoded_t;

/* Packs ev into a new buffer. On success *out (owned by the caller, free())
 * holds *len bytes. Returns XY_ETOOBIG when the packed event would exceed
 * XY_EVENT_MAX_BYTES, XY_EMISSING when the body is not set. */
int xy_event_pack(const Xy__Event *ev, uint8_t **out, size_t *len);

/* Hands out len writable bytes at *out, or returns a negative code. */
typedef int (*xy_reserve_fn)(size_t len, void *arg, uint8_t **out);

/* Packs ev, into memory the caller provides (a value reserved in the store),
 * to the same bytes as xy_event_pack. Once the size is known, calls
 * reserve(len, arg, &out) exactly once and packs into out; the errors of
 * xy_event_pack are returned before any call. Returns 0, reserve's error, or
 * XY_EIO when the event did not take exactly len bytes (out then holds
 * garbage). */
int xy_event_pack_with(const Xy__Event *ev, xy_reserve_fn reserve, void *arg);

/* Unpacks and validates an Event from len bytes at buf (borrowed, not kept).
 * On success *out owns the message; read it with xy_decoded_event() and free
 * it with xy_decoded_destroy(). Errors: XY_ETOOBIG (len over the maximum),
 * XY_EMALFORMED (not a valid Event, or an id of the wrong length),
 * XY_EMISSING (origin or seq missing, or no body), XY_EUNKNOWNTYPE (a body
 * this node does not know). Nothing is allocated on error. */
int xy_event_unpack(const uint8_t *buf, size_t len, xy_decoded_t **out);

/* As xy_event_unpack, but an event whose body is of a type this node does
 * not know (a newer peer's) is accepted: its envelope is read and
 * body_case is XY__EVENT__BODY__NOT_SET. Such an event can be stored and
 * forwarded, never folded. */
int xy_event_unpack_envelope(const uint8_t *buf, size_t len,
                             xy_decoded_t **out);

/* Packs a Frame; same contract as xy_event_pack with XY_FRAME_MAX_BYTES. */
int xy_frame_pack(const Xy__Frame *f, uint8_t **out, size_t *len);

/* Unpacks a Frame; same contract as xy_event_unpack. XY_EVERSION when the
 * version is not 1, XY_EUNKNOWNTYPE when the message type is unknown. */
int xy_frame_unpack(const uint8_t *buf, size_t len, xy_decoded_t **out);

/* The message held by d: valid until xy_decoded_destroy(). */
const Xy__Event *xy_decoded_event(const xy_decoded_t *d);
const Xy__Frame *xy_decoded_frame(const xy_decoded_t *d);

/* Frees the message and its arena, and sets *d to NULL. Safe on NULL. */
void xy_decoded_destroy(xy_decoded_t **d);

/* A short name for an event body type ("person_registered"), or "unknown". */
const char *xy_event_type_name(Xy__Event__BodyCase type);

/* Compresses len bytes at src with zstd into a new buffer (*out, owned by
 * the caller). Returns 0 or XY_ETOOBIG/XY_EIO. */
int xy_compress(const uint8_t *src, size_t len, uint8_t **out, size_t *out_len);

/* Decompresses a zstd frame of at most max_out bytes of content. Returns
 * XY_EDECOMPRESS for a corrupt frame, XY_ETOOBIG when the content is larger
 * than max_out. *out is owned by the caller. */
int xy_decompress(const uint8_t *src, size_t len, size_t max_out,
                  uint8_t **out, size_t *out_len);

#endif
