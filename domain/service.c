/* The community service registry (service.h). View services: service_id ->
 * LWW [exercise] packed ServiceRegistered. The CSV reader follows RFC 4180
 * (quotes, doubled quotes, CRLF); every limit is checked before it is
 * reached and every error names the line and the column. */
#include "domain/service.h"
#include "domain/csv.h"
#include "domain/lww.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_FIELDS_MAX 12

int service_kind_parse(const char *text, int *kind, domain_error_t *err)
{
    if (text && domain_enum_parse(&xy__service_kind__descriptor, "SERVICE_",
                                  text, kind) == 0 && *kind != 0)
        return 0;
    return domain_fail(err, XY_EINVAL, "kind", "'%s' is not one of "
                       "community_health, social_work, school, hotline, "
                       "psychiatric_hospital, ngo", text ? text : "");
}

/* Splits list on ';' into at most max items of at most width bytes each,
 * calling put for each. */
static int s_split(const char *list, size_t max, size_t width,
                   const char *field, domain_error_t *err,
                   int (*put)(service_t *s, size_t i, const char *item,
                              domain_error_t *err),
                   service_t *s, size_t *n)
{
    *n = 0;
    if (!list || !*list)
        return 0;
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ";");
        if (len > 0) {
            if (*n == max)
                return domain_fail(err, XY_ETOOBIG, field, "more than %zu "
                                   "entries", max);
            if (len > width)
                return domain_fail(err, XY_ETOOBIG, field, "entry %zu is "
                                   "over %zu bytes", *n + 1, width);
            char item[128];
            memcpy(item, p, len);
            item[len] = '\0';
            int rc = put(s, *n, item, err);
            if (rc)
                return rc;
            (*n)++;
        }
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

static int s_put_zone(service_t *s, size_t i, const char *item,
                      domain_error_t *err)
{
    if (domain_id_parse(&s->zones[i], item))
        return domain_fail(err, XY_EINVAL, "zones", "'%s' is not a zone id "
                           "(32 hex digits)", item);
    return 0;
}

static int s_put_county(service_t *s, size_t i, const char *item,
                        domain_error_t *err)
{
    bool ok = strlen(item) == 6;
    for (size_t k = 0; ok && k < 6; k++)
        ok = item[k] >= '0' && item[k] <= '9';
    if (!ok)
        return domain_fail(err, XY_EINVAL, "counties", "'%s' is not a "
                           "6-digit county code", item);
    memcpy(s->counties[i], item, 7);
    return 0;
}

static int s_put_lang(service_t *s, size_t i, const char *item,
                      domain_error_t *err)
{
    size_t n = strlen(item);
    if (n >= sizeof s->langs[i])
        return domain_fail(err, XY_EINVAL, "languages",
                           "language '%.40s' is longer than %zu bytes", item,
                           sizeof s->langs[i] - 1);
    memcpy(s->langs[i], item, n + 1);
    return 0;
}

int service_lists_parse(service_t *s, const char *zones,
                        const char *counties, const char *langs,
                        domain_error_t *err)
{
    int rc = s_split(zones, SERVICE_ZONES_MAX, 2 * DOMAIN_ID_LEN, "zones",
                     err, s_put_zone, s, &s->n_zones);
    if (!rc)
        rc = s_split(counties, SERVICE_COUNTIES_MAX, 6, "counties", err,
                     s_put_county, s, &s->n_counties);
    if (!rc)
        rc = s_split(langs, SERVICE_LANGS_MAX, SERVICE_LANG_MAX, "languages",
                     err, s_put_lang, s, &s->n_langs);
    return rc;
}

int service_check(const service_t *s, domain_error_t *err)
{
    if (s->kind <= 0 || s->kind > XY__SERVICE_KIND__SERVICE_NGO)
        return domain_fail(err, XY_EINVAL, "kind", "is required "
                           "(community_health, social_work, school, "
                           "hotline, psychiatric_hospital, ngo)");
    if (!s->name[0])
        return domain_fail(err, XY_EMISSING, "name", "is required");
    if (s->capacity < 1 || s->capacity > SERVICE_CAPACITY_MAX)
        return domain_fail(err, XY_ERANGE, "capacity", "%u is not in "
                           "1..%d people", s->capacity, SERVICE_CAPACITY_MAX);
    if (!s->n_zones && !s->n_counties)
        return domain_fail(err, XY_EMISSING, "zones", "name the zones or "
                           "counties the service covers");
    if (!s->contact[0])
        return domain_fail(err, XY_EMISSING, "contact", "is required (a "
                           "phone number or address people can use)");
    if (domain_id_is_zero(&s->id))
        return domain_fail(err, XY_EINVAL, "id", "is all zeros");
    return 0;
}

int service_register(service_event_t *out, const service_t *s, bool exercise,
                     const char *author, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    int rc = service_check(s, err);
    if (rc)
        return rc;
    xy__event__init(&out->ev);
    out->ev.exercise = exercise;
    out->ev.author = (char *)(author ? author : "");
    Xy__ServiceRegistered *r = &out->reg;
    xy__service_registered__init(r);
    r->service_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, (uint8_t *)s->id.b};
    r->kind = (Xy__ServiceKind)s->kind;
    r->name = (char *)s->name;
    r->capacity = s->capacity;
    for (size_t i = 0; i < s->n_zones; i++)
        out->zones[i] = (ProtobufCBinaryData){DOMAIN_ID_LEN,
                                              (uint8_t *)s->zones[i].b};
    for (size_t i = 0; i < s->n_counties; i++)
        out->counties[i] = (char *)s->counties[i];
    for (size_t i = 0; i < s->n_langs; i++)
        out->langs[i] = (char *)s->langs[i];
    r->n_zone_ids = s->n_zones;
    r->zone_ids = out->zones;
    r->n_county_codes = s->n_counties;
    r->county_codes = out->counties;
    r->n_languages = s->n_langs;
    r->languages = out->langs;
    r->contact = (char *)s->contact;
    out->ev.body_case = XY__EVENT__BODY_SERVICE_REGISTERED;
    out->ev.service_registered = r;
    return 0;
}

/* ---------------------------------------------------------------- CSV */

enum { C_ID, C_KIND, C_NAME, C_CAPACITY, C_ZONES, C_COUNTIES, C_LANGS,
       C_CONTACT, C_N };

static const char *const s_cols[C_N] = {
    "id", "kind", "name", "capacity", "zones", "counties", "languages",
    "contact"};

/* Maps header columns to C_*; col[c] is the field index, or -1. */
static int s_header(const csv_row_t *h, int col[C_N], domain_error_t *err)
{
    for (int c = 0; c < C_N; c++)
        col[c] = -1;
    for (size_t i = 0; i < h->n; i++) {
        int c = 0;
        while (c < C_N && strcmp(h->f[i], s_cols[c]) != 0)
            c++;
        if (c == C_N)
            return domain_fail(err, XY_EINVAL, "csv", "line 1: unknown "
                               "column '%s' (id, kind, name, capacity, "
                               "zones, counties, languages, contact)",
                               h->f[i]);
        if (col[c] >= 0)
            return domain_fail(err, XY_EINVAL, "csv", "line 1: column '%s' "
                               "appears twice", h->f[i]);
        col[c] = (int)i;
    }
    for (int c = C_KIND; c <= C_CAPACITY; c++)
        if (col[c] < 0)
            return domain_fail(err, XY_EMISSING, "csv", "line 1: the "
                               "header has no '%s' column", s_cols[c]);
    if (col[C_CONTACT] < 0)
        return domain_fail(err, XY_EMISSING, "csv", "line 1: the header "
                           "has no 'contact' column");
    return 0;
}

static const char *s_cell(const csv_row_t *r, const int col[C_N], int c)
{
    return col[c] >= 0 && (size_t)col[c] < r->n ? r->f[col[c]] : "";
}

/* Fills s from one row; errors carry the line and column. */
static int s_row_service(const csv_row_t *r, const int col[C_N], size_t line,
                         const domain_id_t *new_id, service_t *s,
                         domain_error_t *err)
{
    memset(s, 0, sizeof *s);
    const char *id = s_cell(r, col, C_ID);
    int rc = 0;
    if (*id && domain_id_parse(&s->id, id))
        rc = domain_fail(err, XY_EINVAL, "id", "'%s' is not 32 hex digits",
                         id);
    if (!*id)
        s->id = *new_id;
    if (!rc)
        rc = service_kind_parse(s_cell(r, col, C_KIND), &s->kind, err);
    const char *name = s_cell(r, col, C_NAME),
               *contact = s_cell(r, col, C_CONTACT),
               *cap = s_cell(r, col, C_CAPACITY);
    if (!rc && strlen(name) > SERVICE_NAME_MAX)
        rc = domain_fail(err, XY_ETOOBIG, "name", "over %d bytes",
                         SERVICE_NAME_MAX);
    if (!rc && strlen(contact) > SERVICE_CONTACT_MAX)
        rc = domain_fail(err, XY_ETOOBIG, "contact", "over %d bytes",
                         SERVICE_CONTACT_MAX);
    char *end = NULL;
    long v = strtol(cap, &end, 10);
    if (!rc && (!*cap || *end || v < 1 || v > SERVICE_CAPACITY_MAX))
        rc = domain_fail(err, XY_ERANGE, "capacity", "'%s' is not a whole "
                         "number in 1..%d", cap, SERVICE_CAPACITY_MAX);
    if (!rc) {
        snprintf(s->name, sizeof s->name, "%s", name);
        snprintf(s->contact, sizeof s->contact, "%s", contact);
        s->capacity = (uint32_t)v;
        rc = service_lists_parse(s, s_cell(r, col, C_ZONES),
                                 s_cell(r, col, C_COUNTIES),
                                 s_cell(r, col, C_LANGS), err);
    }
    if (!rc)
        rc = service_check(s, err);
    if (rc && err) {
        /* Truncation keeps the line and column, which matter most. */
        char msg[sizeof err->msg + sizeof err->field + 32];
        snprintf(msg, sizeof msg, "line %zu, column %s: %s", line,
                 err->field, err->msg);
        msg[sizeof err->msg - 1] = '\0';
        memcpy(err->msg, msg, sizeof err->msg);
    }
    return rc;
}

int service_csv_parse(service_t **out, size_t *n, const char *text,
                      size_t len, const domain_id_t *new_ids,
                      domain_error_t *err)
{
    *out = NULL;
    *n = 0;
    if (len > SERVICE_CSV_MAX)
        return domain_fail(err, XY_ETOOBIG, "csv", "%zu bytes is over the "
                           "maximum of %d", len, SERVICE_CSV_MAX);
    csv_row_t *row = xmalloc(sizeof *row);
    service_t *all = NULL;
    size_t pos = 0, line = 1, count = 0, cap = 0;
    int col[C_N];
    int rc = csv_read_row(text, len, &pos, &line, row, S_FIELDS_MAX,
                          err);
    if (rc == 1)
        rc = domain_fail(err, XY_EMISSING, "csv", "the file is empty");
    if (!rc)
        rc = s_header(row, col, err);
    while (!rc) {
        size_t at = line;
        rc = csv_read_row(text, len, &pos, &line, row, S_FIELDS_MAX,
                          err);
        if (rc)
            break;
        if (csv_row_blank(row))
            continue;
        if (count == SERVICE_CSV_ROWS_MAX) {
            rc = domain_fail(err, XY_ETOOBIG, "csv", "line %zu: more than "
                             "%d services", at, SERVICE_CSV_ROWS_MAX);
            break;
        }
        if (count == cap) {
            cap = cap ? 2 * cap : 16;
            all = xrealloc(all, cap * sizeof *all);
        }
        rc = s_row_service(row, col, at, &new_ids[count], &all[count], err);
        if (!rc)
            count++;
    }
    free(row);
    if (rc == 1 && count == 0)
        rc = domain_fail(err, XY_EMISSING, "csv", "no service after the "
                         "header");
    if (rc != 1) {
        free(all);
        return rc;
    }
    *out = all;
    *n = count;
    return 0;
}

/* ---------------------------------------------------------------- views */

static int s_on_registered(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__ServiceRegistered *r = ev->service_registered;
    if (r->service_id.len != DOMAIN_ID_LEN)
        return 0;
    uint8_t head = ev->exercise ? 1 : 0;
    return lww_put_msg(vt, m->services, r->service_id.data, DOMAIN_ID_LEN, ev,
                       &head, 1, &r->base);
}

void service_reducers(domain_model_t *m)
{
    view_set_on(m->views, XY__EVENT__BODY_SERVICE_REGISTERED, s_on_registered,
                m);
}

/* Turns a stored message into s; entries over the limits are left out. */
static void s_from_msg(service_t *s, const Xy__ServiceRegistered *r)
{
    memset(s, 0, sizeof *s);
    memcpy(s->id.b, r->service_id.data, DOMAIN_ID_LEN);
    s->kind = r->kind;
    snprintf(s->name, sizeof s->name, "%s", r->name ? r->name : "");
    s->capacity = r->capacity;
    for (size_t i = 0; i < r->n_zone_ids && s->n_zones < SERVICE_ZONES_MAX;
         i++)
        if (r->zone_ids[i].len == DOMAIN_ID_LEN)
            memcpy(s->zones[s->n_zones++].b, r->zone_ids[i].data,
                   DOMAIN_ID_LEN);
    for (size_t i = 0;
         i < r->n_county_codes && s->n_counties < SERVICE_COUNTIES_MAX; i++)
        snprintf(s->counties[s->n_counties++], 7, "%s", r->county_codes[i]);
    for (size_t i = 0; i < r->n_languages && s->n_langs < SERVICE_LANGS_MAX;
         i++)
        snprintf(s->langs[s->n_langs++], SERVICE_LANG_MAX + 1, "%s",
                 r->languages[i]);
    snprintf(s->contact, sizeof s->contact, "%s",
             r->contact ? r->contact : "");
}

static int s_decode(const void *val, size_t vlen, service_t *s)
{
    if (vlen < LWW_HEADER + 1)
        return XY_ECORRUPT;
    Xy__ServiceRegistered *r = xy__service_registered__unpack(
        NULL, vlen - LWW_HEADER - 1, (const uint8_t *)val + LWW_HEADER + 1);
    if (!r)
        return XY_ECORRUPT;
    int rc = r->service_id.len == DOMAIN_ID_LEN ? 0 : XY_ECORRUPT;
    if (!rc) {
        s_from_msg(s, r);
        s->exercise = ((const uint8_t *)val)[LWW_HEADER] != 0;
    }
    xy__service_registered__free_unpacked(r, NULL);
    return rc;
}

int service_find(view_txn_t *vt, const domain_model_t *m,
                 const domain_id_t *id, service_t *out)
{
    const void *v;
    size_t n;
    int rc = view_get(vt, m->services, id->b, DOMAIN_ID_LEN, &v, &n);
    return rc ? rc : s_decode(v, n, out);
}

typedef struct s_each {
    int (*fn)(const service_t *s, void *arg);
    void *arg;
    service_t s;
} s_each_t;

static int s_visit(const void *key, size_t klen, const void *val, size_t vlen,
                   void *arg)
{
    s_each_t *e = arg;
    (void)key;
    (void)klen;
    int rc = s_decode(val, vlen, &e->s);
    return rc ? rc : e->fn(&e->s, e->arg);
}

int service_each(view_txn_t *vt, const domain_model_t *m,
                 int (*fn)(const service_t *s, void *arg), void *arg)
{
    s_each_t *e = xmalloc(sizeof *e);
    e->fn = fn;
    e->arg = arg;
    int rc = view_scan(vt, m->services, NULL, 0, s_visit, e);
    free(e);
    return rc < 0 ? rc : 0;
}

bool service_serves(const service_t *s, const domain_id_t *zone)
{
    for (size_t i = 0; i < s->n_zones; i++)
        if (memcmp(s->zones[i].b, zone->b, DOMAIN_ID_LEN) == 0)
            return true;
    return false;
}

static int s_json(const service_t *s, void *arg)
{
    char h[DOMAIN_ID_HEX], kind[48];
    json_t *zones = json_array(), *counties = json_array(),
           *langs = json_array();
    for (size_t i = 0; i < s->n_zones; i++)
        json_array_append_new(zones,
                              json_string(domain_id_format(&s->zones[i], h)));
    for (size_t i = 0; i < s->n_counties; i++)
        json_array_append_new(counties, json_string(s->counties[i]));
    for (size_t i = 0; i < s->n_langs; i++)
        json_array_append_new(langs, json_string(s->langs[i]));
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:s, s:b}", "id",
        domain_id_format(&s->id, h), "kind",
        domain_enum_name(&xy__service_kind__descriptor, "SERVICE_", s->kind,
                         kind, sizeof kind),
        "name", s->name, "capacity", (json_int_t)s->capacity, "zones", zones,
        "counties", counties, "languages", langs, "contact", s->contact,
        "exercise", s->exercise);
    if (!o)
        return XY_ENOMEM;
    json_array_append_new(arg, o);
    return 0;
}

json_t *service_list(view_txn_t *vt, const domain_model_t *m)
{
    json_t *arr = json_array();
    if (service_each(vt, m, s_json, arr)) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}
