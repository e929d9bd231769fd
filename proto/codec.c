/* Event and Frame codec with bounded allocation and validation (codec.h). */
#include "proto/codec.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* A bump arena with a byte budget: protobuf-c allocates every part of an
 * unpacked message through it, so one malformed length cannot make the
 * decoder allocate more than a fixed multiple of its input. */
typedef struct s_chunk {
    struct s_chunk *next; /* older chunk */
    size_t used;          /* bytes handed out from data */
    size_t size;          /* bytes in data */
    max_align_t data[];   /* the memory */
} s_chunk_t;

struct xy_decoded {
    ProtobufCMessage *msg;       /* the unpacked message, in the arena */
    ProtobufCAllocator alloc;    /* allocator whose data is this object */
    s_chunk_t *chunks;           /* newest first */
    size_t budget;               /* bytes the arena may still take */
};

#define S_CHUNK_MIN 4096u

static void *s_arena_alloc(void *data, size_t size)
{
    xy_decoded_t *d = data;
    size_t need = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (need == 0)
        need = sizeof(max_align_t);
    s_chunk_t *c = d->chunks;
    if (!c || c->size - c->used < need) {
        size_t sz = need > S_CHUNK_MIN ? need : S_CHUNK_MIN;
        if (sz > d->budget)
            return NULL;
        d->budget -= sz;
        c = xmalloc(sizeof *c + sz);
        c->size = sz;
        c->used = 0;
        c->next = d->chunks;
        d->chunks = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += need;
    return p;
}

static void s_arena_free(void *data, void *ptr)
{
    /* Everything goes at once in xy_decoded_destroy. */
    (void)data;
    (void)ptr;
}

static xy_decoded_t *s_decoded_new(size_t input_len)
{
    xy_decoded_t *d = xcalloc(1, sizeof *d);
    d->alloc.alloc = s_arena_alloc;
    d->alloc.free = s_arena_free;
    d->alloc.allocator_data = d;
    d->budget = input_len * XY_DECODE_BUDGET_FACTOR;
    if (d->budget < XY_DECODE_BUDGET_MIN)
        d->budget = XY_DECODE_BUDGET_MIN;
    return d;
}

void xy_decoded_destroy(xy_decoded_t **dp)
{
    if (!dp || !*dp)
        return;
    s_chunk_t *c = (*dp)->chunks;
    while (c) {
        s_chunk_t *next = c->next;
        free(c);
        c = next;
    }
    free(*dp);
    *dp = NULL;
}

const Xy__Event *xy_decoded_event(const xy_decoded_t *d)
{
    return (const Xy__Event *)d->msg;
}

const Xy__Frame *xy_decoded_frame(const xy_decoded_t *d)
{
    return (const Xy__Frame *)d->msg;
}

/* Identifier fields are bytes fields named "origin", "*_id", "*_ids",
 * "person_a" or "person_b": each must be empty or exactly XY_ID_LEN bytes.
 * Walks the message and its sub-messages through their descriptors, so new
 * event types are checked without new code. Depth is bounded by the schema,
 * which has no recursive types. */
static bool s_is_id_field(const char *name)
{
    size_t n = strlen(name);
    if (strcmp(name, "origin") == 0 || strcmp(name, "person_a") == 0 ||
        strcmp(name, "person_b") == 0)
        return true;
    if (n > 3 && strcmp(name + n - 3, "_id") == 0)
        return true;
    return n > 4 && strcmp(name + n - 4, "_ids") == 0;
}

static bool s_id_ok(const ProtobufCBinaryData *b)
{
    return b->len == 0 || b->len == XY_ID_LEN;
}

static bool s_check_ids(const ProtobufCMessage *m, int depth)
{
    if (depth > 8)
        return false;
    const ProtobufCMessageDescriptor *desc = m->descriptor;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        const char *base = (const char *)m;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t qcase = *(const uint32_t *)(base + f->quantifier_offset);
            if (qcase != f->id)
                continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(base + f->quantifier_offset);
            if (f->type == PROTOBUF_C_TYPE_BYTES && s_is_id_field(f->name)) {
                const ProtobufCBinaryData *arr =
                    *(ProtobufCBinaryData *const *)(base + f->offset);
                for (size_t k = 0; k < n; k++)
                    if (arr[k].len != XY_ID_LEN)
                        return false;
            } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
                ProtobufCMessage *const *arr =
                    *(ProtobufCMessage *const *const *)(base + f->offset);
                for (size_t k = 0; k < n; k++)
                    if (!s_check_ids(arr[k], depth + 1))
                        return false;
            }
            continue;
        }
        if (f->type == PROTOBUF_C_TYPE_BYTES && s_is_id_field(f->name)) {
            if (!s_id_ok((const ProtobufCBinaryData *)(base + f->offset)))
                return false;
        } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
            const ProtobufCMessage *sub =
                *(ProtobufCMessage *const *)(base + f->offset);
            if (sub && !s_check_ids(sub, depth + 1))
                return false;
        }
    }
    return true;
}

static int s_unpack(const ProtobufCMessageDescriptor *desc, size_t max,
                    const uint8_t *buf, size_t len, xy_decoded_t **out)
{
    *out = NULL;
    if (len > max)
        return XY_ETOOBIG;
    if (len > 0 && !buf)
        return XY_EINVAL;
    xy_decoded_t *d = s_decoded_new(len);
    d->msg = protobuf_c_message_unpack(desc, &d->alloc, len, buf);
    if (!d->msg) {
        xy_decoded_destroy(&d);
        return XY_EMALFORMED;
    }
    if (!s_check_ids(d->msg, 0)) {
        xy_decoded_destroy(&d);
        return XY_EMALFORMED;
    }
    *out = d;
    return 0;
}

/* True when the message carries an unknown field in the oneof's range, i.e.
 * a body or message type from a newer schema. */
static bool s_has_unknown_at_least(const ProtobufCMessage *m, uint32_t first)
{
    for (unsigned i = 0; i < m->n_unknown_fields; i++)
        if (m->unknown_fields[i].tag >= first)
            return true;
    return false;
}

static int s_event_unpack(const uint8_t *buf, size_t len, bool lenient,
                          xy_decoded_t **out)
{
    *out = NULL;
    xy_decoded_t *d = NULL;
    int rc = s_unpack(&xy__event__descriptor, XY_EVENT_MAX_BYTES, buf, len, &d);
    if (rc)
        return rc;
    const Xy__Event *ev = xy_decoded_event(d);
    if (ev->origin.len != XY_ID_LEN || ev->seq == 0)
        rc = XY_EMISSING;
    else if (ev->body_case == XY__EVENT__BODY__NOT_SET)
        rc = !s_has_unknown_at_least(&ev->base, 16) ? XY_EMISSING
             : lenient                               ? 0
                                                     : XY_EUNKNOWNTYPE;
    if (rc) {
        xy_decoded_destroy(&d);
        return rc;
    }
    *out = d;
    return 0;
}

int xy_event_unpack(const uint8_t *buf, size_t len, xy_decoded_t **out)
{
    return s_event_unpack(buf, len, false, out);
}

int xy_event_unpack_envelope(const uint8_t *buf, size_t len,
                             xy_decoded_t **out)
{
    return s_event_unpack(buf, len, true, out);
}

int xy_frame_unpack(const uint8_t *buf, size_t len, xy_decoded_t **out)
{
    *out = NULL;
    xy_decoded_t *d = NULL;
    int rc = s_unpack(&xy__frame__descriptor, XY_FRAME_MAX_BYTES, buf, len, &d);
    if (rc)
        return rc;
    const Xy__Frame *f = xy_decoded_frame(d);
    if (f->version != 1)
        rc = XY_EVERSION;
    else if (f->msg_case == XY__FRAME__MSG__NOT_SET)
        rc = s_has_unknown_at_least(&f->base, 16) ? XY_EUNKNOWNTYPE
                                                  : XY_EMISSING;
    if (rc) {
        xy_decoded_destroy(&d);
        return rc;
    }
    *out = d;
    return 0;
}

static int s_pack(const ProtobufCMessage *m, size_t max, uint8_t **out,
                  size_t *len)
{
    *out = NULL;
    *len = 0;
    size_t n = protobuf_c_message_get_packed_size(m);
    if (n > max)
        return XY_ETOOBIG;
    uint8_t *buf = xmalloc(n);
    size_t w = protobuf_c_message_pack(m, buf);
    if (w != n) {
        free(buf);
        return XY_EIO;
    }
    *out = buf;
    *len = n;
    return 0;
}

int xy_event_pack(const Xy__Event *ev, uint8_t **out, size_t *len)
{
    if (ev->body_case == XY__EVENT__BODY__NOT_SET) {
        *out = NULL;
        *len = 0;
        return XY_EMISSING;
    }
    return s_pack(&ev->base, XY_EVENT_MAX_BYTES, out, len);
}

int xy_event_pack_with(const Xy__Event *ev, xy_reserve_fn reserve, void *arg)
{
    if (ev->body_case == XY__EVENT__BODY__NOT_SET)
        return XY_EMISSING;
    size_t n = protobuf_c_message_get_packed_size(&ev->base);
    if (n > XY_EVENT_MAX_BYTES)
        return XY_ETOOBIG;
    uint8_t *out = NULL;
    int rc = reserve(n, arg, &out);
    if (rc)
        return rc;
    return protobuf_c_message_pack(&ev->base, out) == n ? 0 : XY_EIO;
}

int xy_frame_pack(const Xy__Frame *f, uint8_t **out, size_t *len)
{
    if (f->msg_case == XY__FRAME__MSG__NOT_SET) {
        *out = NULL;
        *len = 0;
        return XY_EMISSING;
    }
    return s_pack(&f->base, XY_FRAME_MAX_BYTES, out, len);
}

const char *xy_event_type_name(Xy__Event__BodyCase type)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&xy__event__descriptor,
                                                (unsigned)type);
    if (!f || !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
        return "unknown";
    return f->name;
}

int xy_compress(const uint8_t *src, size_t len, uint8_t **out, size_t *out_len)
{
    size_t cap = ZSTD_compressBound(len);
    uint8_t *buf = xmalloc(cap);
    size_t n = ZSTD_compress(buf, cap, src, len, 3);
    if (ZSTD_isError(n)) {
        free(buf);
        *out = NULL;
        *out_len = 0;
        return XY_EIO;
    }
    *out = buf;
    *out_len = n;
    return 0;
}

int xy_decompress(const uint8_t *src, size_t len, size_t max_out,
                  uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    unsigned long long content = ZSTD_getFrameContentSize(src, len);
    if (content == ZSTD_CONTENTSIZE_ERROR)
        return XY_EDECOMPRESS;
    /* Frames this codec writes always carry their content size; a frame
     * without one is refused rather than streamed without a bound. */
    if (content == ZSTD_CONTENTSIZE_UNKNOWN)
        return XY_EDECOMPRESS;
    if (content > max_out)
        return XY_ETOOBIG;
    uint8_t *buf = xmalloc(content ? (size_t)content : 1);
    size_t n = ZSTD_decompress(buf, (size_t)content, src, len);
    if (ZSTD_isError(n) || n != content) {
        free(buf);
        return XY_EDECOMPRESS;
    }
    *out = buf;
    *out_len = n;
    return 0;
}
