/* Tests of the domain model's builders and views (domain/model.h,
 * domain/incident.h, domain/person.h) through a real event log. */
#include "core/event_log.h"
#include "common/xy_error.h"
#include "domain/incident.h"
#include "domain/person.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *dir;

static void setup(void)
{
    dir = xy_test_mkdtemp();
}

static void teardown(void)
{
    xy_test_rmdir(&dir);
}

TestSuite(model, .init = setup, .fini = teardown);

static event_log_t *s_open(const domain_model_t *m, uint32_t node,
                           const char *sub)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    mkdir(path, 0700);
    uint8_t id[XY_ID_LEN];
    xy_test_id(id, node);
    event_log_opts_t o = {.views = m->views};
    event_log_t *log = NULL;
    cr_assert_eq(event_log_open(&log, path, id, &o), 0);
    return log;
}

static void s_write(event_log_t *log, Xy__Event *ev)
{
    event_write_t w = {.kind = EVENT_WRITE_OWN, .own = ev};
    cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
    cr_assert_eq(w.status, 0);
}

static json_t *s_list;
static int s_read_persons(view_txn_t *vt, void *arg)
{
    s_list = person_list(vt, arg);
    return s_list ? 0 : XY_ECORRUPT;
}

static int s_read_sites(view_txn_t *vt, void *arg)
{
    s_list = person_site_counts(vt, arg);
    return s_list ? 0 : XY_ECORRUPT;
}

static int s_read_incidents(view_txn_t *vt, void *arg)
{
    s_list = incident_list(vt, arg);
    return s_list ? 0 : XY_ECORRUPT;
}

Test(model, usage_declare_register_and_list)
{
    domain_model_t *m = domain_model_new();
    event_log_t *log = s_open(m, 1, "a");
    domain_id_t inc_id = {{1}}, pid = {{2}};
    incident_input_t ii = {.hazard = "earthquake", .title = "Luding Ms6.8",
                           .has_epicentre = true, .lat = 29.59, .lon = 102.08,
                           .magnitude = 6.8, .level = "II", .author = "cmd"};
    domain_event_t de;
    domain_error_t err;
    cr_assert_eq(incident_declare(&de, &inc_id, &ii, 1000, &err), 0);
    s_write(log, &de.ev);
    person_input_t pi = {.incident = &inc_id, .age_band = 45, .sex = "female",
                         .vulnerability = "bereaved,older_adult",
                         .site = "Moxi shelter", .worker = "w1"};
    cr_assert_eq(person_register(&de, &pid, &pi, &err), 0);
    s_write(log, &de.ev);

    cr_assert_eq(event_log_view_read(log, s_read_incidents, m), 0);
    cr_assert_eq(json_array_size(s_list), 1);
    json_t *o = json_array_get(s_list, 0);
    cr_assert_str_eq(json_string_value(json_object_get(o, "title")),
                     "Luding Ms6.8");
    cr_assert_str_eq(json_string_value(json_object_get(o, "hazard")),
                     "earthquake");
    cr_assert_str_eq(json_string_value(json_object_get(o, "level")), "II");
    json_decref(s_list);

    cr_assert_eq(event_log_view_read(log, s_read_persons, m), 0);
    cr_assert_eq(json_array_size(s_list), 1);
    o = json_array_get(s_list, 0);
    cr_assert_eq(json_integer_value(json_object_get(o, "age_band")), 45);
    cr_assert_str_eq(json_string_value(json_object_get(o, "site")),
                     "Moxi shelter");
    cr_assert_eq(json_array_size(json_object_get(o, "vulnerability")), 2);
    json_decref(s_list);
    event_log_destroy(&log);
    domain_model_destroy(&m);
}

Test(model, refused_input_names_the_field)
{
    domain_id_t id = {{1}};
    domain_event_t de;
    domain_error_t err;
    incident_input_t ii = {.hazard = "meteor", .title = "x"};
    cr_assert_eq(incident_declare(&de, &id, &ii, 0, &err), XY_EINVAL);
    cr_assert_str_eq(err.field, "hazard");
    cr_assert_not_null(strstr(err.msg, "flood"), "lists choices: %s", err.msg);
    ii = (incident_input_t){.hazard = "fire", .title = ""};
    cr_assert_eq(incident_declare(&de, &id, &ii, 0, &err), XY_EINVAL);
    cr_assert_str_eq(err.field, "title");
    ii = (incident_input_t){.hazard = "fire", .title = "t", .level = "V"};
    cr_assert_eq(incident_declare(&de, &id, &ii, 0, &err), XY_EINVAL);
    cr_assert_str_eq(err.field, "level");
    ii = (incident_input_t){.hazard = "fire", .title = "t",
                            .has_epicentre = true, .lat = 91, .lon = 0};
    cr_assert_eq(incident_declare(&de, &id, &ii, 0, &err), XY_ECOORD);
    cr_assert_str_eq(err.field, "epicentre");

    person_input_t pi = {.incident = &id, .age_band = 121, .site = "s"};
    cr_assert_eq(person_register(&de, &id, &pi, &err), XY_ERANGE);
    cr_assert_str_eq(err.field, "age_band");
    pi.age_band = 30;
    pi.site = NULL;
    cr_assert_eq(person_register(&de, &id, &pi, &err), XY_EINVAL);
    cr_assert_str_eq(err.field, "site");
    domain_id_t zero = {{0}};
    pi = (person_input_t){.incident = &zero, .age_band = 30, .site = "s"};
    cr_assert_eq(person_register(&de, &id, &pi, &err), XY_EINVAL);
    cr_assert_str_eq(err.field, "incident");
}

/* Packs a PersonMoved of person pid to site at hlc from origin. */
static void s_moved(uint8_t **buf, size_t *len, uint32_t origin, uint64_t seq,
                    uint64_t hlc, const domain_id_t *inc,
                    const domain_id_t *pid, const char *site)
{
    uint8_t oid[XY_ID_LEN];
    xy_test_id(oid, origin);
    Xy__Event ev = XY__EVENT__INIT;
    Xy__PersonMoved pm = XY__PERSON_MOVED__INIT;
    Xy__Place pl = XY__PLACE__INIT;
    pl.site = (char *)site;
    pm.person_id = (ProtobufCBinaryData){XY_ID_LEN, (uint8_t *)pid->b};
    pm.place = &pl;
    ev.origin = (ProtobufCBinaryData){XY_ID_LEN, oid};
    ev.seq = seq;
    ev.hlc = hlc;
    ev.incident_id = (ProtobufCBinaryData){XY_ID_LEN, (uint8_t *)inc->b};
    ev.body_case = XY__EVENT__BODY_PERSON_MOVED;
    ev.person_moved = &pm;
    cr_assert_eq(xy_event_pack(&ev, buf, len), 0);
}

static void s_registered(uint8_t **buf, size_t *len, uint32_t origin,
                         uint64_t seq, uint64_t hlc, const domain_id_t *inc,
                         const domain_id_t *pid, const char *site)
{
    domain_event_t de;
    person_input_t pi = {.incident = inc, .age_band = 20, .site = site};
    cr_assert_eq(person_register(&de, pid, &pi, NULL), 0);
    uint8_t oid[XY_ID_LEN];
    xy_test_id(oid, origin);
    de.ev.origin = (ProtobufCBinaryData){XY_ID_LEN, oid};
    de.ev.seq = seq;
    de.ev.hlc = hlc;
    cr_assert_eq(xy_event_pack(&de.ev, buf, len), 0);
}

Test(model, moves_converge_to_the_latest_place_in_any_order)
{
    domain_model_t *m = domain_model_new();
    domain_id_t inc = {{9}}, p1 = {{1, 1}}, p2 = {{2, 2}};
    uint8_t *ev[6];
    size_t len[6];
    s_registered(&ev[0], &len[0], 1, 1, 100, &inc, &p1, "School");
    s_registered(&ev[1], &len[1], 2, 1, 101, &inc, &p2, "School");
    s_moved(&ev[2], &len[2], 1, 2, 200, &inc, &p1, "Gym");
    s_moved(&ev[3], &len[3], 2, 2, 300, &inc, &p1, "Temple");
    /* Same hlc from two origins: origin 3 wins the tie over origin 2. */
    s_moved(&ev[4], &len[4], 2, 3, 400, &inc, &p2, "Gym");
    s_moved(&ev[5], &len[5], 3, 1, 400, &inc, &p2, "Tent");
    int orders[3][6] = {{0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0},
                        {3, 5, 0, 4, 2, 1}};
    uint8_t digest[3][32];
    for (int o = 0; o < 3; o++) {
        char sub[8];
        snprintf(sub, sizeof sub, "n%d", o);
        event_log_t *log = s_open(m, 50 + o, sub);
        for (int i = 0; i < 6; i++) {
            int k = orders[o][i];
            event_write_t w = {.kind = EVENT_WRITE_FOREIGN, .bytes = ev[k],
                               .len = len[k]};
            cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
            cr_assert_eq(w.status, 0);
        }
        cr_assert_eq(event_log_view_digest(log, digest[o]), 0);
        cr_assert_eq(event_log_view_read(log, s_read_sites, m), 0);
        /* p1 in Temple, p2 in Tent: two sites with one person each. */
        cr_assert_eq(json_array_size(s_list), 2, "order %d", o);
        size_t i;
        json_t *row;
        json_array_foreach(s_list, i, row)
        {
            const char *site = json_string_value(json_object_get(row, "site"));
            cr_assert(strcmp(site, "Temple") == 0 || strcmp(site, "Tent") == 0,
                      "order %d: unexpected site %s", o, site);
            cr_assert_eq(json_integer_value(json_object_get(row, "persons")),
                         1);
        }
        json_decref(s_list);
        event_log_destroy(&log);
    }
    cr_assert_eq(memcmp(digest[0], digest[1], 32), 0);
    cr_assert_eq(memcmp(digest[0], digest[2], 32), 0);
    for (int i = 0; i < 6; i++)
        free(ev[i]);
    domain_model_destroy(&m);
}
