/* Views of affected people beyond registration (people_model.h). The counts
 * are folded at read time from the registers (persons, places, latest
 * triage, links), so they follow the registers' winners on every node. */
#include "domain/people_model.h"
#include "domain/encounter.h"
#include "domain/lww.h"
#include "domain/person_link.h"
#include "domain/referral.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void people_model_register(domain_model_t *m)
{
    m->person_links = view_set_add(m->views, "person_links");
    m->person_link_index = view_set_add(m->views, "person_link_index");
    m->encounters = view_set_add(m->views, "encounters");
    m->referrals = view_set_add(m->views, "referrals");
    m->referral_status = view_set_add(m->views, "referral_status");
    person_link_reducers(m);
    encounter_reducers(m);
    referral_reducers(m);
}

typedef struct s_ctx {
    view_txn_t *vt;
    const domain_model_t *m;
    json_t *acc;  /* "incident zone level vuln" -> count */
} s_ctx_t;

static const char *s_level(view_txn_t *vt, const domain_model_t *m,
                           const void *person)
{
    static const char *const names[] = {"unspecified", "immediate",
                                        "high_risk", "low_risk"};
    const void *v;
    size_t n;
    if (lww_get(vt, m->triage_latest, person, DOMAIN_ID_LEN, &v, &n) ||
        n < 1)
        return "untriaged";
    uint8_t l = ((const uint8_t *)v)[0];
    return l < 4 ? names[l] : "unknown";
}

static void s_zone(view_txn_t *vt, const domain_model_t *m,
                   const void *person, char out[DOMAIN_ID_HEX])
{
    const void *v;
    size_t n;
    snprintf(out, DOMAIN_ID_HEX, "none");
    if (lww_get(vt, m->person_places, person, DOMAIN_ID_LEN, &v, &n) ||
        n < DOMAIN_ID_LEN)
        return;
    Xy__Place *p = xy__place__unpack(NULL, n - DOMAIN_ID_LEN,
                                     (const uint8_t *)v + DOMAIN_ID_LEN);
    if (p && p->zone_id.len == DOMAIN_ID_LEN) {
        domain_id_t z;
        memcpy(z.b, p->zone_id.data, DOMAIN_ID_LEN);
        domain_id_format(&z, out);
    }
    if (p)
        xy__place__free_unpacked(p, NULL);
}

static void s_add(json_t *acc, const char *key)
{
    json_t *v = json_object_get(acc, key);
    json_object_set_new(acc, key,
                        json_integer(v ? json_integer_value(v) + 1 : 1));
}

static int s_person(const void *key, size_t klen, const void *val,
                    size_t vlen, void *arg)
{
    s_ctx_t *c = arg;
    size_t head = LWW_HEADER + 1 + DOMAIN_ID_LEN;
    if (klen != DOMAIN_ID_LEN || vlen < head)
        return XY_ECORRUPT;
    domain_id_t id, canon;
    memcpy(id.b, key, DOMAIN_ID_LEN);
    int rc = person_link_canonical(c->vt, c->m, &id, &canon);
    if (rc)
        return rc;
    if (memcmp(canon.b, id.b, DOMAIN_ID_LEN) != 0)
        return 0;
    const uint8_t *p = (const uint8_t *)val + LWW_HEADER;
    Xy__PersonRegistered *pr =
        xy__person_registered__unpack(NULL, vlen - head, p + 1 + DOMAIN_ID_LEN);
    if (!pr)
        return XY_ECORRUPT;
    char inc[DOMAIN_ID_HEX], zone[DOMAIN_ID_HEX], k[200];
    domain_id_t iid;
    memcpy(iid.b, p + 1, DOMAIN_ID_LEN);
    domain_id_format(&iid, inc);
    s_zone(c->vt, c->m, key, zone);
    const char *level = s_level(c->vt, c->m, key);
    uint32_t flags = pr->vulnerability;
    xy__person_registered__free_unpacked(pr, NULL);
    char ex = p[0] ? 'x' : 'r';
    if (!flags) {
        snprintf(k, sizeof k, "%s %s %s none %c", inc, zone, level, ex);
        s_add(c->acc, k);
    }
    for (unsigned i = 0; i < xy__vulnerability__descriptor.n_values; i++) {
        int v = xy__vulnerability__descriptor.values[i].value;
        if (!v || !(flags & (uint32_t)v))
            continue;
        char name[48];
        snprintf(k, sizeof k, "%s %s %s %s %c", inc, zone, level,
                 domain_enum_name(&xy__vulnerability__descriptor, "VULN_", v,
                                  name, sizeof name),
                 ex);
        s_add(c->acc, k);
    }
    return 0;
}

static int s_key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *people_counts(view_txn_t *vt, const domain_model_t *m)
{
    s_ctx_t c = {vt, m, json_object()};
    if (view_scan(vt, m->persons, NULL, 0, s_person, &c)) {
        json_decref(c.acc);
        return NULL;
    }
    size_t n = json_object_size(c.acc), i = 0;
    const char **keys = xcalloc(n + 1, sizeof *keys);
    const char *k;
    json_t *v;
    json_object_foreach(c.acc, k, v) keys[i++] = k;
    qsort(keys, n, sizeof *keys, s_key_cmp);
    json_t *arr = json_array();
    for (i = 0; i < n; i++) {
        char inc[40], zone[40], level[32], vuln[48], ex[2];
        if (sscanf(keys[i], "%39s %39s %31s %47s %1s", inc, zone, level, vuln,
                   ex) != 5)
            continue;
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s, s:I, s:b}", "incident", inc,
                           "zone", zone, "level", level, "vulnerability",
                           vuln, "persons",
                           json_integer_value(json_object_get(c.acc,
                                                              keys[i])),
                           "exercise", ex[0] == 'x'));
    }
    free(keys);
    json_decref(c.acc);
    return arr;
}
