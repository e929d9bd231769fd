/* The API's routes about affected people (docs/api.md): the pseudonymous
 * person list, one person with their personal data for the roles allowed
 * to see it (every such view writes a PersonalDataViewed audit event), the
 * audit trail of a person, follow-ups, the service registry, handoffs,
 * and registering and triaging a person (POST /api/persons, /api/triage).
 * Personal data is opened with the data keys the daemon could unwrap with
 * its $XINYUAN_PASSPHRASE (loaded when first needed, and again at most
 * every 30 s while a person's key is missing). */
#include "app/http_api_internal.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/audit.h"
#include "domain/followup.h"
#include "domain/handoff.h"
#include "domain/lww.h"
#include "domain/person.h"
#include "domain/screening.h"
#include "domain/service.h"
#include "domain/triage_record.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define S_VULN_TEXT 512 /* longest vulnerability list, joined */

#define S_RING_RETRY_MS 30000 /* reload the keys at most this often */

static const char *const s_levels[] = {"untriaged", "immediate", "high_risk",
                                       "low_risk"};

void api_keyring_free(app_http_t *h)
{
    if (!h->ring)
        return;
    personal_keyring_wipe(h->ring);
    free(h->ring);
    h->ring = NULL;
}

/* Loads the data keys when never loaded, or when the key of incident is
 * missing and the last load is old enough. */
static void s_keys_for(app_http_t *h, const domain_id_t *incident)
{
    uint64_t now = api_wall_ms();
    if (h->ring_loaded_ms &&
        (personal_keyring_for(h->ring, incident->b) ||
         now - h->ring_loaded_ms < S_RING_RETRY_MS))
        return;
    h->ring_loaded_ms = now;
    if (app_keyring_load(h->app, NULL, h->ring, false))
        h->ring->n = 0;
}

/* Adds "zone" (hex or null) and "level" of person o to it, and drops the
 * "(sealed)" placeholder of the name: lists never speak of names. */
static void s_place_level(view_txn_t *vt, const domain_model_t *m,
                          const domain_id_t *id, json_t *o)
{
    json_object_del(o, "name");
    const void *v;
    size_t n;
    const char *level = s_levels[0];
    if (lww_get(vt, m->triage_latest, id->b, DOMAIN_ID_LEN, &v, &n) == 0 &&
        n >= 1 && ((const uint8_t *)v)[0] < 4)
        level = s_levels[((const uint8_t *)v)[0]];
    json_t *zone = json_null();
    if (lww_get(vt, m->person_places, id->b, DOMAIN_ID_LEN, &v, &n) == 0 &&
        n >= DOMAIN_ID_LEN) {
        Xy__Place *p = xy__place__unpack(NULL, n - DOMAIN_ID_LEN,
                                         (const uint8_t *)v + DOMAIN_ID_LEN);
        if (p && p->zone_id.len == DOMAIN_ID_LEN) {
            domain_id_t z;
            char hex[DOMAIN_ID_HEX];
            memcpy(z.b, p->zone_id.data, DOMAIN_ID_LEN);
            json_decref(zone);
            zone = json_string(domain_id_format(&z, hex));
        }
        if (p)
            xy__place__free_unpacked(p, NULL);
    }
    json_object_set_new(o, "zone", zone);
    json_object_set_new(o, "level", json_string(level));
}

typedef struct s_persons {
    const domain_model_t *m;
    json_t *out;
} s_persons_t;

static int s_persons_cb(view_txn_t *vt, void *arg)
{
    s_persons_t *r = arg;
    r->out = person_list(vt, r->m);
    if (!r->out)
        return XY_ECORRUPT;
    size_t i;
    json_t *o;
    json_array_foreach(r->out, i, o)
    {
        domain_id_t id;
        if (domain_id_parse(&id, json_string_value(json_object_get(o, "id"))))
            return XY_ECORRUPT;
        s_place_level(vt, r->m, &id, o);
    }
    return 0;
}

void api_get_persons(void *arg, const http_request_t *req,
                     http_response_t *resp)
{
    (void)req;
    app_http_t *h = arg;
    s_persons_t r = {app_model(h->app), NULL};
    if (api_read(h, s_persons_cb, &r, resp)) {
        json_decref(r.out);
        return;
    }
    resp->json = r.out;
}

/* ------------------------------------------------------------ one person */

typedef struct s_person {
    const domain_model_t *m;
    const domain_id_t *id;
    const personal_keyring_t *ring; /* NULL: do not open */
    json_t *out;                    /* the pseudonymous fields */
    bool found, sealed_data;        /* held; has personal data */
    bool opened;                    /* pd holds the opened data */
    domain_id_t incident;
    bool exercise;
    personal_data_t pd;             /* secret: wiped after use */
} s_person_t;

static int s_person_entry(const person_view_t *v, void *arg)
{
    s_person_t *p = arg;
    if (memcmp(v->id.b, p->id->b, DOMAIN_ID_LEN) != 0)
        return 0;
    p->found = true;
    p->incident = v->incident;
    p->exercise = v->exercise;
    p->sealed_data = v->reg->personal != NULL;
    if (p->ring && v->reg->personal &&
        personal_open(p->ring, v->id.b, v->reg->personal, &p->pd) == 0)
        p->opened = true;
    return 1;
}

static int s_person_cb(view_txn_t *vt, void *arg)
{
    s_person_t *p = arg;
    int rc = person_each(vt, p->m, NULL, s_person_entry, p);
    if (rc || !p->found)
        return rc ? rc : XY_ENOENT;
    json_t *all = person_list(vt, p->m), *o;
    char hex[DOMAIN_ID_HEX];
    domain_id_format(p->id, hex);
    size_t i;
    json_array_foreach(all, i, o)
        if (strcmp(json_string_value(json_object_get(o, "id")), hex) == 0)
            p->out = json_incref(o);
    json_decref(all);
    if (!p->out)
        return XY_ECORRUPT;
    s_place_level(vt, p->m, p->id, p->out);
    return 0;
}

/* The personal object of pd and the names of the fields it shows. */
static json_t *s_personal_json(const personal_data_t *pd,
                               const char **fields, size_t *n)
{
    *n = 0;
    fields[(*n)++] = "name";
    if (pd->phone[0])
        fields[(*n)++] = "phone";
    if (pd->id_number[0])
        fields[(*n)++] = "id_number";
    if (pd->birth_year)
        fields[(*n)++] = "birth_year";
    if (pd->notes[0])
        fields[(*n)++] = "notes";
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "name", pd->name, "phone",
                          pd->phone, "id_number", pd->id_number, "notes",
                          pd->notes);
    json_object_set_new(o, "birth_year", pd->birth_year
                                             ? json_integer(pd->birth_year)
                                             : json_null());
    return o;
}

/* Writes the audit event of a view of p's data; 0 or resp holds why. */
static int s_audit(app_http_t *h, const s_person_t *p, const char **fields,
                   size_t n, http_response_t *resp)
{
    domain_id_t id;
    app_random_id(id.b);
    audit_input_t in = {p->id, &p->incident, p->exercise, h->caller.user,
                        users_role_name(h->caller.role), fields, n,
                        api_wall_ms()};
    audit_event_t *e = xmalloc(sizeof *e);
    domain_error_t err;
    int rc = audit_build(e, &id, &in, api_author(h), &err);
    if (rc)
        api_domain_error(resp, &err);
    else
        rc = api_write(h, &e->ev, NULL, resp);
    free(e);
    return rc;
}

void api_get_person(void *arg, const http_request_t *req,
                    http_response_t *resp)
{
    app_http_t *h = arg;
    char hex[DOMAIN_ID_HEX];
    domain_id_t id;
    if (api_path_id(req, "/api/persons/", "person", &id, hex, resp))
        return;
    bool may = users_role_perms(h->caller.role) & USERS_P_PERSONAL;
    s_person_t *p = xcalloc(1, sizeof *p);
    p->m = app_model(h->app);
    p->id = &id;
    int rc = api_read(h, s_person_cb, p, resp);
    if (!rc && may && p->sealed_data) {
        /* Open in a second pass, once the incident (and its key) is
         * known. */
        s_keys_for(h, &p->incident);
        p->ring = h->ring;
        json_decref(p->out);
        p->out = NULL;
        rc = api_read(h, s_person_cb, p, resp);
    }
    if (rc == XY_ENOENT)
        api_error(resp, 404, rc, "person", "no such person here");
    if (rc)
        goto out;
    const char *fields[AUDIT_FIELDS_MAX];
    size_t n = 0;
    json_t *personal = p->opened ? s_personal_json(&p->pd, fields, &n)
                                 : json_null();
    if (p->opened && s_audit(h, p, fields, n, resp)) {
        json_decref(personal);
        goto out;
    }
    json_object_set_new(p->out, "personal", personal);
    json_object_set_new(p->out, "sealed", json_boolean(!p->opened));
    resp->json = p->out;
    p->out = NULL;
out:
    json_decref(p->out);
    personal_data_wipe(&p->pd);
    sodium_memzero(p, sizeof *p);
    free(p);
}

/* ------------------------------------------------------------ audit */

typedef struct s_audit_read {
    const domain_model_t *m;
    domain_id_t person;
    json_t *out;
} s_audit_read_t;

static int s_audit_cb(view_txn_t *vt, void *arg)
{
    s_audit_read_t *r = arg;
    r->out = audit_list(vt, r->m, &r->person);
    return r->out ? 0 : XY_ECORRUPT;
}

void api_get_audit(void *arg, const http_request_t *req,
                   http_response_t *resp)
{
    app_http_t *h = arg;
    s_audit_read_t r = {app_model(h->app), {{0}}, NULL};
    if (api_query_id(req, "person", &r.person, resp))
        return;
    if (api_read(h, s_audit_cb, &r, resp) == 0)
        resp->json = r.out;
}

/* ------------------------------------------------------------ follow-ups */

typedef struct s_list_read {
    const domain_model_t *m;
    int what;            /* 0 follow-ups, 1 services */
    followup_filter_t filter;
    json_t *out;
} s_list_read_t;

static int s_list_cb(view_txn_t *vt, void *arg)
{
    s_list_read_t *r = arg;
    r->out = r->what == 0
                 ? followup_list(vt, r->m, r->filter, NULL, api_wall_ms(),
                                 FOLLOWUP_GRACE_DEFAULT_MS)
                 : service_list(vt, r->m);
    return r->out ? 0 : XY_ECORRUPT;
}

void api_get_followups(void *arg, const http_request_t *req,
                       http_response_t *resp)
{
    app_http_t *h = arg;
    char v[8];
    const char *od = http_query_get(req, "overdue", v, sizeof v);
    const char *due = http_query_get(req, "due", v, sizeof v);
    s_list_read_t r = {app_model(h->app), 0, FOLLOWUP_ALL, NULL};
    if (od && strcmp(od, "0") != 0)
        r.filter = FOLLOWUP_OVERDUE;
    else if (due && strcmp(due, "0") != 0)
        r.filter = FOLLOWUP_DUE;
    if (api_read(h, s_list_cb, &r, resp) == 0)
        resp->json = r.out;
}

void api_get_services(void *arg, const http_request_t *req,
                      http_response_t *resp)
{
    (void)req;
    app_http_t *h = arg;
    s_list_read_t r = {app_model(h->app), 1, FOLLOWUP_ALL, NULL};
    if (api_read(h, s_list_cb, &r, resp) == 0)
        resp->json = r.out;
}

/* ------------------------------------------------------------ handoffs */

typedef struct s_propose {
    const domain_model_t *m;
    handoff_context_t c;
} s_propose_t;

static int s_propose_cb(view_txn_t *vt, void *arg)
{
    s_propose_t *p = arg;
    return handoff_context_read(vt, p->m, &p->c);
}

/* Checks the body of a handoff into p; 0, or resp holds the 400. */
static int s_propose_parse(json_t *b, s_propose_t *p, http_response_t *resp)
{
    const char *person = json_string_value(json_object_get(b, "person"));
    const char *service = json_string_value(json_object_get(b, "service"));
    json_t *consent = json_object_get(b, "consent");
    json_t *summary = json_object_get(b, "summary");
    p->c.prefs = json_string_value(summary);
    if (!person || domain_id_parse(&p->c.person, person))
        api_error(resp, 400, XY_EINVAL, "person",
                  "person must be a person id of 32 hex digits");
    else if (!service || domain_id_parse(&p->c.service, service))
        api_error(resp, 400, XY_EINVAL, "service",
                  "service must be a service id of 32 hex digits "
                  "(GET /api/services)");
    else if (!json_is_boolean(consent))
        api_error(resp, 400, XY_EINVAL, "consent",
                  "consent must be true or false (did the person agree?)");
    else if ((summary && !p->c.prefs) ||
             (p->c.prefs && strlen(p->c.prefs) > HANDOFF_PREFS_MAX))
        api_error(resp, 400, XY_EINVAL, "summary",
                  "summary must be text of at most 500 bytes");
    else {
        p->c.consent = json_is_true(consent);
        return 0;
    }
    return XY_EINVAL;
}

void api_post_handoff(void *arg, const http_request_t *req,
                      http_response_t *resp)
{
    app_http_t *h = arg;
    json_t *b = api_body(req, resp);
    if (!b)
        return;
    s_propose_t *p = xcalloc(1, sizeof *p);
    handoff_event_t *he = xmalloc(sizeof *he);
    p->m = app_model(h->app);
    int rc = s_propose_parse(b, p, resp);
    if (!rc)
        rc = api_read(h, s_propose_cb, p, resp);
    if (rc == XY_ENOENT)
        api_error(resp, 404, rc, "person", "no such person here");
    else if (!rc && !p->c.have_service) {
        rc = XY_ENOENT;
        api_error(resp, 404, rc, "service",
                  "no such service here (GET /api/services)");
    } else if (!rc && p->c.active) {
        rc = XY_ESTATE;
        api_error(resp, 409, rc, "person",
                  "the person already has a handoff proposed or accepted");
    }
    domain_id_t id;
    app_random_id(id.b);
    handoff_input_t in = {&p->c.incident, &p->c.person, &p->c.service,
                          p->c.summary, p->c.level, p->c.consent,
                          p->c.exercise, api_author(h)};
    domain_error_t err;
    if (!rc && (rc = handoff_propose(he, &id, &in, &err)))
        api_domain_error(resp, &err);
    if (!rc && api_write(h, &he->ev, NULL, resp) == 0) {
        char hex[DOMAIN_ID_HEX];
        resp->status = 201;
        resp->json = json_pack("{s:s, s:s}", "id", domain_id_format(&id, hex),
                               "status", "proposed");
    }
    free(he);
    free(p);
    json_decref(b);
}

/* ------------------------------------------------------------ persons */


void api_post_person(void *arg, const http_request_t *req,
                          http_response_t *resp)
{
    app_http_t *h = arg;
    json_t *b = api_body(req, resp);
    if (!b)
        return;
    domain_id_t incident, id;
    const char *inc = json_string_value(json_object_get(b, "incident"));
    json_t *age = json_object_get(b, "age_band");
    char vuln[S_VULN_TEXT] = "";
    if (!inc || domain_id_parse(&incident, inc))
        api_error(resp, 400, XY_EINVAL, "incident",
                  "incident must be an incident id of 32 hex digits");
    else if (!json_is_integer(age))
        api_error(resp, 400, XY_EINVAL, "age_band",
                  "age_band must be a whole number (a multiple of 5)");
    else if (api_join(json_object_get(b, "vulnerability"), ',', ",", vuln,
                      sizeof vuln))
        api_error(resp, 400, XY_EINVAL, "vulnerability",
                  "vulnerability must be a short array of names");
    else {
        json_int_t a = json_integer_value(age);
        person_input_t in = {
            .incident = &incident,
            .age_band = a < -1 || a > 1000 ? -1 : (int)a,
            .sex = json_string_value(json_object_get(b, "sex")),
            .language = json_string_value(json_object_get(b, "language")),
            .vulnerability = vuln[0] ? vuln : NULL,
            .site = json_string_value(json_object_get(b, "site")),
            .worker = api_author(h),
            .exercise = json_is_true(json_object_get(b, "exercise")),
            .author = api_author(h)};
        app_random_id(id.b);
        domain_event_t de;
        domain_error_t err;
        uint64_t pos = 0;
        int rc = person_register(&de, &id, &in, &err);
        if (rc)
            api_domain_error(resp, &err);
        else if (api_write(h, &de.ev, &pos, resp) == 0) {
            char hex[DOMAIN_ID_HEX];
            resp->status = 201;
            resp->json = json_pack("{s:s, s:I}", "id",
                                   domain_id_format(&id, hex), "position",
                                   (json_int_t)pos);
        }
    }
    json_decref(b);
}

/* ------------------------------------------------------------ triage */

typedef struct s_screens {
    triage_screen_t s[TRIAGE_MAX_RESULTS];
    int answers[TRIAGE_MAX_RESULTS][SCREENING_MAX_ITEMS];
    size_t n;
    uint32_t factors;
} s_screens_t;

/* Reads "screens" {NAME: [answer|null, ...]} and "factors" [name, ...]. */
static int s_parse_triage(json_t *b, s_screens_t *t, http_response_t *resp)
{
    json_t *screens = json_object_get(b, "screens"), *v, *a;
    const char *name;
    size_t i;
    char msg[192];
    if (screens && !json_is_object(screens))
        goto bad_screens;
    json_object_foreach(screens, name, v)
    {
        if (t->n == TRIAGE_MAX_RESULTS || !json_is_array(v) ||
            json_array_size(v) > SCREENING_MAX_ITEMS)
            goto bad_screens;
        triage_screen_t *s = &t->s[t->n];
        s->instrument = name;
        s->answers = t->answers[t->n];
        s->n = json_array_size(v);
        json_array_foreach(v, i, a)
        {
            if (json_is_null(a)) {
                t->answers[t->n][i] = SCREENING_MISSING;
                continue;
            }
            json_int_t x = json_integer_value(a);
            if (!json_is_integer(a) || x < 0 || x > 99) {
                snprintf(msg, sizeof msg, "%s item %zu: an answer is a small "
                         "whole number, or null for none", name, i + 1);
                api_error(resp, 400, XY_EANSWER, "screens", msg);
                return XY_EANSWER;
            }
            t->answers[t->n][i] = (int)x;
        }
        t->n++;
    }
    json_t *factors = json_object_get(b, "factors");
    if (factors && !json_is_array(factors))
        goto bad_factors;
    json_array_foreach(factors, i, v)
    {
        uint32_t bit = 0;
        if (!json_is_string(v) || app_triage_factor(json_string_value(v), &bit))
            goto bad_factors;
        t->factors |= bit;
    }
    return 0;
bad_screens:
    api_error(resp, 400, XY_EINVAL, "screens", "screens must be an object "
              "{\"PHQ-9\": [answers...], ...} of at most 16 instruments");
    return XY_EINVAL;
bad_factors:
    api_error(resp, 400, XY_EINVAL, "factors",
              "factors must be an array of: " APP_TRIAGE_FACTORS);
    return XY_EINVAL;
}

void api_post_triage(void *arg, const http_request_t *req,
                          http_response_t *resp)
{
    app_http_t *h = arg;
    json_t *b = api_body(req, resp);
    if (!b)
        return;
    const char *person = json_string_value(json_object_get(b, "person"));
    domain_id_t pid, tid, fid;
    s_screens_t *t = xcalloc(1, sizeof *t);
    triage_record_t *r = NULL;
    if (!person || domain_id_parse(&pid, person)) {
        api_error(resp, 400, XY_EINVAL, "person",
                  "person must be a person id of 32 hex digits");
        goto out;
    }
    if (s_parse_triage(b, t, resp))
        goto out;
    r = xmalloc(sizeof *r);
    domain_error_t err;
    int rc = app_triage_record(h->app, &pid, t->s, t->n, t->factors, r, &tid,
                               &fid, &err);
    if (rc) {
        api_domain_error(resp, &err);
        goto out;
    }
    char th[DOMAIN_ID_HEX], fh[DOMAIN_ID_HEX];
    resp->status = 201;
    resp->json = app_triage_json(r, domain_id_format(&tid, th),
                                 domain_id_format(&fid, fh));
out:
    free(r);
    free(t);
    json_decref(b);
}
