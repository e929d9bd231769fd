/* Duplicate links (person_link.h). View person_links: link id -> status (1
 * linked, 2 unlinked) | a (16) | b (16) | score (8, IEEE big-endian); view
 * person_link_index: person | link id -> "" (grow-only), to walk groups. */
#include "domain/person_link.h"
#include "domain/person.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdlib.h>
#include <string.h>

#define S_LINKED 1
#define S_UNLINKED 2
#define S_VAL (1 + 2 * DOMAIN_ID_LEN + 8)

static void s_envelope(person_link_event_t *out, const domain_id_t *incident,
                       bool exercise, const char *author)
{
    domain_envelope(&out->ev, out->incident_id, incident, exercise, author);
}

int person_link_build(person_link_event_t *out, const domain_id_t *link_id,
                      const domain_id_t *incident, const domain_id_t *a,
                      const domain_id_t *b, double score, bool exercise,
                      const char *author, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (memcmp(a->b, b->b, DOMAIN_ID_LEN) == 0)
        return domain_fail(err, XY_EINVAL, "person", "a person cannot be "
                           "linked to itself");
    if (!(score >= 0 && score <= 1))
        return domain_fail(err, XY_EINVAL, "score", "must be in 0..1");
    s_envelope(out, incident, exercise, author);
    memcpy(out->link_id, link_id->b, DOMAIN_ID_LEN);
    memcpy(out->a, a->b, DOMAIN_ID_LEN);
    memcpy(out->b, b->b, DOMAIN_ID_LEN);
    xy__persons_linked__init(&out->linked);
    out->linked.link_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->link_id};
    out->linked.person_a = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->a};
    out->linked.person_b = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->b};
    out->linked.score = score;
    out->ev.body_case = XY__EVENT__BODY_PERSONS_LINKED;
    out->ev.persons_linked = &out->linked;
    return 0;
}

int person_unlink_build(person_link_event_t *out, const domain_id_t *link_id,
                        const domain_id_t *incident, bool exercise,
                        const char *author)
{
    memset(out, 0, sizeof *out);
    s_envelope(out, incident, exercise, author);
    memcpy(out->link_id, link_id->b, DOMAIN_ID_LEN);
    xy__persons_unlinked__init(&out->unlinked);
    out->unlinked.link_id = (ProtobufCBinaryData){DOMAIN_ID_LEN,
                                                  out->link_id};
    out->ev.body_case = XY__EVENT__BODY_PERSONS_UNLINKED;
    out->ev.persons_unlinked = &out->unlinked;
    return 0;
}

static void s_put_double(uint8_t *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    for (int i = 7; i >= 0; i--, u >>= 8)
        p[i] = (uint8_t)u;
}

static double s_get_double(const uint8_t *p)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = u << 8 | p[i];
    double d;
    memcpy(&d, &u, 8);
    return d;
}

static int s_index(view_txn_t *vt, const domain_model_t *m,
                   const uint8_t *person, const uint8_t *link)
{
    uint8_t key[2 * DOMAIN_ID_LEN];
    memcpy(key, person, DOMAIN_ID_LEN);
    memcpy(key + DOMAIN_ID_LEN, link, DOMAIN_ID_LEN);
    return view_put(vt, m->person_link_index, key, sizeof key, "", 0);
}

static int s_on_linked(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__PersonsLinked *l = ev->persons_linked;
    if (l->link_id.len != DOMAIN_ID_LEN || l->person_a.len != DOMAIN_ID_LEN ||
        l->person_b.len != DOMAIN_ID_LEN)
        return 0;
    uint8_t val[S_VAL];
    val[0] = S_LINKED;
    memcpy(val + 1, l->person_a.data, DOMAIN_ID_LEN);
    memcpy(val + 1 + DOMAIN_ID_LEN, l->person_b.data, DOMAIN_ID_LEN);
    s_put_double(val + 1 + 2 * DOMAIN_ID_LEN, l->score);
    const void *cur;
    size_t clen;
    int rc = view_get(vt, m->person_links, l->link_id.data, DOMAIN_ID_LEN,
                      &cur, &clen);
    if (rc == 0 && clen == S_VAL) {
        const uint8_t *c = cur;
        static const uint8_t zero[DOMAIN_ID_LEN];
        /* The status only moves forward; the persons are the link's own
         * (the smaller bytes win should two events ever share a link id). */
        if (c[0] > val[0])
            val[0] = c[0];
        if (memcmp(c + 1, zero, DOMAIN_ID_LEN) != 0 &&
            memcmp(c + 1, val + 1, S_VAL - 1) < 0)
            memcpy(val + 1, c + 1, S_VAL - 1);
    } else if (rc && rc != XY_ENOENT) {
        return rc;
    }
    rc = view_put(vt, m->person_links, l->link_id.data, DOMAIN_ID_LEN, val,
                  sizeof val);
    if (!rc)
        rc = s_index(vt, m, l->person_a.data, l->link_id.data);
    if (!rc)
        rc = s_index(vt, m, l->person_b.data, l->link_id.data);
    return rc;
}

static int s_on_unlinked(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__PersonsUnlinked *u = ev->persons_unlinked;
    if (u->link_id.len != DOMAIN_ID_LEN)
        return 0;
    uint8_t val[S_VAL] = {0};
    const void *cur;
    size_t clen;
    int rc = view_get(vt, m->person_links, u->link_id.data, DOMAIN_ID_LEN,
                      &cur, &clen);
    if (rc == 0 && clen == S_VAL)
        memcpy(val, cur, S_VAL);
    else if (rc && rc != XY_ENOENT)
        return rc;
    val[0] = S_UNLINKED;
    return view_put(vt, m->person_links, u->link_id.data, DOMAIN_ID_LEN, val,
                    sizeof val);
}

void person_link_reducers(domain_model_t *m)
{
    view_set_on(m->views, XY__EVENT__BODY_PERSONS_LINKED, s_on_linked, m);
    view_set_on(m->views, XY__EVENT__BODY_PERSONS_UNLINKED, s_on_unlinked, m);
}

int person_link_find(view_txn_t *vt, const domain_model_t *m,
                     const domain_id_t *link_id, bool *active,
                     domain_id_t *a, domain_id_t *b)
{
    const void *v;
    size_t n;
    int rc = view_get(vt, m->person_links, link_id->b, DOMAIN_ID_LEN, &v, &n);
    if (rc)
        return rc;
    if (n != S_VAL)
        return XY_ECORRUPT;
    const uint8_t *p = v;
    *active = p[0] == S_LINKED;
    memcpy(a->b, p + 1, DOMAIN_ID_LEN);
    memcpy(b->b, p + 1 + DOMAIN_ID_LEN, DOMAIN_ID_LEN);
    return 0;
}

typedef struct s_walk {
    view_txn_t *vt;
    const domain_model_t *m;
    domain_id_t *seen;  /* persons reached */
    size_t n;
    const uint8_t *from; /* the person whose links are scanned */
} s_walk_t;

static bool s_seen(const s_walk_t *w, const uint8_t *id)
{
    for (size_t i = 0; i < w->n; i++)
        if (memcmp(w->seen[i].b, id, DOMAIN_ID_LEN) == 0)
            return true;
    return false;
}

static int s_walk_link(const void *key, size_t klen, const void *val,
                       size_t vlen, void *arg)
{
    (void)val;
    (void)vlen;
    s_walk_t *w = arg;
    if (klen != 2 * DOMAIN_ID_LEN)
        return XY_ECORRUPT;
    domain_id_t link, a, b;
    bool active = false;
    memcpy(link.b, (const uint8_t *)key + DOMAIN_ID_LEN, DOMAIN_ID_LEN);
    int rc = person_link_find(w->vt, w->m, &link, &active, &a, &b);
    if (rc || !active)
        return rc == XY_ENOENT ? 0 : rc;
    const uint8_t *other =
        memcmp(a.b, w->from, DOMAIN_ID_LEN) == 0 ? b.b : a.b;
    if (!s_seen(w, other) && w->n < PERSON_LINK_GROUP_MAX)
        memcpy(w->seen[w->n++].b, other, DOMAIN_ID_LEN);
    return 0;
}

int person_link_canonical(view_txn_t *vt, const domain_model_t *m,
                          const domain_id_t *person, domain_id_t *out)
{
    s_walk_t w = {vt, m, xcalloc(PERSON_LINK_GROUP_MAX, sizeof *w.seen), 1,
                  NULL};
    w.seen[0] = *person;
    int rc = 0;
    /* Breadth-first over the group, bounded by PERSON_LINK_GROUP_MAX. */
    for (size_t i = 0; i < w.n && !rc; i++) {
        w.from = w.seen[i].b;
        rc = view_scan(vt, m->person_link_index, w.seen[i].b, DOMAIN_ID_LEN,
                       s_walk_link, &w);
    }
    *out = *person;
    for (size_t i = 0; !rc && i < w.n; i++)
        if (memcmp(w.seen[i].b, out->b, DOMAIN_ID_LEN) < 0)
            *out = w.seen[i];
    free(w.seen);
    return rc;
}

typedef struct s_list {
    view_txn_t *vt;
    const domain_model_t *m;
    json_t *arr;
} s_list_t;

static int s_list_entry(const void *key, size_t klen, const void *val,
                        size_t vlen, void *arg)
{
    if (klen != DOMAIN_ID_LEN || vlen != S_VAL)
        return XY_ECORRUPT;
    const uint8_t *p = val;
    domain_id_t id, a, b;
    memcpy(id.b, key, DOMAIN_ID_LEN);
    memcpy(a.b, p + 1, DOMAIN_ID_LEN);
    memcpy(b.b, p + 1 + DOMAIN_ID_LEN, DOMAIN_ID_LEN);
    char ih[DOMAIN_ID_HEX], ah[DOMAIN_ID_HEX], bh[DOMAIN_ID_HEX];
    json_t *o = json_pack("{s:s, s:s, s:s, s:f, s:s}", "id",
                          domain_id_format(&id, ih), "a",
                          domain_id_format(&a, ah), "b",
                          domain_id_format(&b, bh), "score",
                          s_get_double(p + 1 + 2 * DOMAIN_ID_LEN), "status",
                          p[0] == S_LINKED ? "linked" : "unlinked");
    if (!o)
        return XY_ENOMEM;
    s_list_t *l = arg;
    domain_id_t inc;
    uint32_t vuln;
    bool ex = false;
    if (person_find(l->vt, l->m, &a, &inc, &vuln, &ex))
        ex = false;
    json_object_set_new(o, "exercise", json_boolean(ex));
    json_array_append_new(l->arr, o);
    return 0;
}

json_t *person_link_list(view_txn_t *vt, const domain_model_t *m)
{
    json_t *arr = json_array();
    s_list_t l = {vt, m, arr};
    if (view_scan(vt, m->person_links, NULL, 0, s_list_entry, &l)) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}
