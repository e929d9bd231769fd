/* Last-writer-wins registers (lww.h). */
#include "domain/lww.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdlib.h>
#include <string.h>

static void s_header(uint8_t out[LWW_HEADER], const Xy__Event *ev)
{
    uint64_t h = ev->hlc;
    for (int i = 7; i >= 0; i--, h >>= 8)
        out[i] = (uint8_t)h;
    memset(out + 8, 0, XY_ID_LEN);
    if (ev->origin.len == XY_ID_LEN)
        memcpy(out + 8, ev->origin.data, XY_ID_LEN);
}

int lww_put(view_txn_t *vt, int view, const void *key, size_t klen,
            const Xy__Event *ev, const void *payload, size_t plen, bool *won,
            void *prev, size_t *prev_len)
{
    uint8_t hdr[LWW_HEADER];
    s_header(hdr, ev);
    const void *cur;
    size_t clen;
    if (won)
        *won = false;
    size_t prev_cap = prev_len ? *prev_len : 0;
    if (prev_len)
        *prev_len = 0;
    int rc = view_get(vt, view, key, klen, &cur, &clen);
    if (rc == 0) {
        if (clen < LWW_HEADER)
            return XY_ECORRUPT;
        /* Big-endian hlc then origin: one memcmp orders (hlc, origin). */
        if (memcmp(hdr, cur, LWW_HEADER) <= 0)
            return 0;
        if (prev && prev_len) {
            size_t n = clen - LWW_HEADER;
            memcpy(prev, (const uint8_t *)cur + LWW_HEADER,
                   n < prev_cap ? n : prev_cap);
            *prev_len = n;
        }
    } else if (rc != XY_ENOENT) {
        return rc;
    }
    uint8_t stack[512];
    uint8_t *buf = LWW_HEADER + plen <= sizeof stack
                       ? stack
                       : xmalloc(LWW_HEADER + plen);
    memcpy(buf, hdr, LWW_HEADER);
    if (plen)
        memcpy(buf + LWW_HEADER, payload, plen);
    rc = view_put(vt, view, key, klen, buf, LWW_HEADER + plen);
    if (buf != stack)
        free(buf);
    if (!rc && won)
        *won = true;
    return rc;
}

int lww_get(view_txn_t *vt, int view, const void *key, size_t klen,
            const void **payload, size_t *plen)
{
    const void *cur;
    size_t clen;
    int rc = view_get(vt, view, key, klen, &cur, &clen);
    if (rc)
        return rc;
    if (clen < LWW_HEADER)
        return XY_ECORRUPT;
    *payload = (const uint8_t *)cur + LWW_HEADER;
    *plen = clen - LWW_HEADER;
    return 0;
}

void lww_event_head(const Xy__Event *ev, uint8_t out[LWW_EVENT_HEAD])
{
    out[0] = ev->exercise ? 1 : 0;
    memset(out + 1, 0, XY_ID_LEN);
    if (ev->incident_id.len == XY_ID_LEN)
        memcpy(out + 1, ev->incident_id.data, XY_ID_LEN);
}

int lww_put_msg(view_txn_t *vt, int view, const void *key, size_t klen,
                const Xy__Event *ev, const void *head, size_t hlen,
                const ProtobufCMessage *msg)
{
    size_t n = protobuf_c_message_get_packed_size(msg);
    if (hlen + n > LWW_MSG_MAX)
        return 0;
    uint8_t *buf = xmalloc(hlen + n);
    if (hlen)
        memcpy(buf, head, hlen);
    protobuf_c_message_pack(msg, buf + hlen);
    int rc = lww_put(vt, view, key, klen, ev, buf, hlen + n, NULL, NULL,
                     NULL);
    free(buf);
    return rc;
}
