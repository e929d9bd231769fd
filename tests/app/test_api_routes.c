/* Tests of the API routes the web UI's dashboard and field page use
 * (app/http_dispatch.c, app/http_people.c, app/http_map.c, docs/api.md):
 * teams added and edited, people registered, the map, orders, services,
 * handoffs, follow-ups and agents, against a real coordinator daemon on
 * loopback with users (api_fixture.h). */
#include "tests/app/api_fixture.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(api_routes, .init = af_setup, .fini = af_teardown,
          .timeout = 240);

Test(api_routes, teams_are_added_and_edited_and_bad_input_stores_nothing)
{
    af_init();
    af_user("boss", "commander");
    af_start();
    const char *boss = af_login("boss");
    json_int_t events = af_events(boss);
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"name\": \"T\", \"level\": \"county\", \"lat\": 30, \"lon\": 104,"
         " \"members\": [{\"name\": \"Wang\", \"role\": \"wizard\"}]}",
         "members"},
        {"{\"name\": \"T\", \"level\": \"county\", \"lat\": 300, \"lon\": 104,"
         " \"members\": [{\"name\": \"Wang\", \"role\": \"counselor\"}]}",
         "lat"},
        {"{\"name\": \"T\", \"level\": \"county\", \"lon\": 104,"
         " \"members\": [{\"name\": \"Wang\", \"role\": \"counselor\"}]}",
         "lat"},
        {"{\"name\": \"T\", \"level\": \"city\", \"lat\": 30, \"lon\": 104,"
         " \"members\": [{\"name\": \"Wang\", \"role\": \"counselor\"}]}",
         "level"},
        {"{\"name\": \"T\", \"level\": \"county\", \"lat\": 30, \"lon\": 104,"
         " \"members\": []}",
         "members"},
        {"{\"name\": \"T\", \"level\": \"county\", \"lat\": 30, \"lon\": 104,"
         " \"members\": [{\"name\": \"Wang\", \"role\": \"counselor\","
         " \"languages\": [\"zh|bo\"]}]}",
         "members"},
        {"{\"name\": \"T\", \"level\": \"county\", \"lat\": 30, \"lon\": 104,"
         " \"members\": [{\"name\": \"Wang\", \"role\": \"counselor\","
         " \"qualifications\": \"CBT\"}]}",
         "members"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(af_req("POST", "/api/teams", bad[i].body, boss), 400,
                     "%zu: %s", i, af_resp);
        char want[64];
        snprintf(want, sizeof want, "\"field\":\"%s\"", bad[i].field);
        cr_assert_not_null(strstr(af_body(), want), "%zu: %s", i, af_resp);
    }
    cr_assert_eq(af_events(boss), events, "nothing stored");

    cr_assert_eq(af_req("POST", "/api/teams",
                       "{\"name\": \"Sichuan 1\", \"level\": \"province\", "
                       "\"lat\": 30.6, \"lon\": 104.06, \"languages\": "
                       "[\"zh\"], \"min_rest_days\": 3, \"members\": "
                       "[{\"name\": \"Wang\", \"role\": \"psychiatrist\", "
                       "\"languages\": [\"zh\", \"bo\"]}, {\"name\": \"Li\", "
                       "\"role\": \"counselor\"}]}",
                       boss),
                 201, "%s", af_resp);
    char team[64], path[128];
    json_t *j = af_json();
    snprintf(team, sizeof team, "%s",
             json_string_value(json_object_get(j, "id")));
    json_decref(j);
    snprintf(path, sizeof path, "/api/teams/%s", team);
    cr_assert_eq(af_req("POST", path, "{\"name\": \"Sichuan One\"}", boss),
                 200, "%s", af_resp);
    cr_assert_eq(af_req("POST", path, "{\"level\": \"galaxy\"}", boss), 400,
                 "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "\"field\":\"level\""), "%s", af_resp);
    cr_assert_eq(af_req("POST", "/api/teams/" AF_ZERO_ID, "{\"name\": \"X\"}",
                       boss),
                 404, "%s", af_resp);
    cr_assert_eq(af_events(boss), events + 2);
    cr_assert_eq(af_req("GET", "/api/teams", NULL, boss), 200, "%s", af_resp);
    j = af_json();
    json_t *t = json_array_get(j, 0);
    cr_assert_str_eq(json_string_value(json_object_get(t, "name")),
                     "Sichuan One");
    cr_assert_eq(json_integer_value(json_object_get(t, "min_rest_days")), 3);
    cr_assert_eq(json_array_size(json_object_get(t, "members")), 2);
    json_decref(j);
    xy_test_out_t r;
    af_run(&r, "list", "teams", NULL);
    cr_assert_not_null(strstr(r.out, "Sichuan One"), "%s", r.out);
}


/* Checks a FeatureCollection's layers come in the contract's order and
 * returns how many features of layer it holds. */
static size_t s_layer_count(json_t *fc, const char *layer)
{
    static const char *const order[] = {"province", "county", "zone",
                                        "team"};
    cr_assert_str_eq(json_string_value(json_object_get(fc, "type")),
                     "FeatureCollection");
    size_t i, at = 0, n = 0;
    json_t *f;
    json_array_foreach(json_object_get(fc, "features"), i, f)
    {
        cr_assert_str_eq(json_string_value(json_object_get(f, "type")),
                         "Feature");
        cr_assert(json_is_object(json_object_get(f, "geometry")));
        const char *l = json_string_value(
            json_object_get(json_object_get(f, "properties"), "layer"));
        cr_assert_not_null(l);
        while (at < 4 && strcmp(order[at], l) != 0)
            at++;
        cr_assert_lt(at, 4, "layer %s out of order", l);
        n += strcmp(l, layer) == 0;
    }
    return n;
}

Test(api_routes, map_has_provinces_counties_zones_and_teams)
{
    af_init();
    af_user("boss", "commander");
    char incident[64];
    snprintf(incident, sizeof incident, "%s",
             af_ok("incident", "assess", "--point", "30.5,103.5", "--radii",
                  "5,10", "--hazard", "explosion", "--title", "Blast",
                  "--publish", NULL));
    af_ok("id", "team", "add", "--name", "Sichuan team 1", "--level",
         "province", "--lat", "30.6", "--lon", "104.06", "--member",
         "Wang:psychiatrist", NULL);
    af_start();
    const char *boss = af_login("boss");
    cr_assert_eq(af_req("GET", "/api/map", NULL, boss), 200, "%s", af_resp);
    size_t bytes = strlen(af_body());
    cr_assert_lt(bytes, 300 * 1024, "provinces: %zu bytes", bytes);
    json_t *j = af_json();
    cr_assert_geq(s_layer_count(j, "province"), 30);
    cr_assert_eq(s_layer_count(j, "team"), 0);
    json_decref(j);

    char path[128];
    snprintf(path, sizeof path, "/api/map?incident=%s", incident);
    cr_assert_eq(af_req("GET", path, NULL, boss), 200, "%.300s", af_resp);
    j = af_json();
    cr_assert_geq(s_layer_count(j, "county"), 1);
    cr_assert_geq(s_layer_count(j, "zone"), 2);
    cr_assert_eq(s_layer_count(j, "team"), 1);
    json_decref(j);
    cr_assert_not_null(strstr(af_body(), "大邑县"), "a county of the blast");

    snprintf(path, sizeof path, "/api/zones?incident=%s", incident);
    cr_assert_eq(af_req("GET", path, NULL, boss), 200, "%s", af_resp);
    j = af_json();
    cr_assert_geq(json_array_size(j), 2);
    json_t *z = json_array_get(j, 0);
    cr_assert_gt(json_integer_value(json_object_get(z, "need_workers")), 0);
    cr_assert_eq(json_integer_value(json_object_get(z, "deployed_workers")),
                 0);
    json_decref(j);
    cr_assert_eq(af_req("GET", "/api/zones?incident=" AF_ZERO_ID, NULL, boss),
                 404, "%s", af_resp);
    cr_assert_eq(af_req("GET", "/api/map?incident=nothex", NULL, boss), 400,
                 "%s", af_resp);
}

Test(api_routes, orders_are_listed_and_acknowledged_once)
{
    af_init();
    af_user("boss", "commander");
    af_user("lead", "team_leader");
    char incident[64], team[64], order[64], path[128];
    snprintf(incident, sizeof incident, "%s",
             af_ok("id", "incident", "declare", "--hazard", "flood",
                  "--title", "Flood", NULL));
    snprintf(team, sizeof team, "%s",
             af_ok("id", "team", "add", "--name", "T1", "--level", "county",
                  "--lat", "30.6", "--lon", "104.06", "--member",
                  "Wang:counselor", NULL));
    snprintf(order, sizeof order, "%s",
             af_ok("id", "order", "--incident", incident, "--team", team,
                  "--zone-name", "Shelter 3", "--explain", "nearest", NULL));
    af_start();
    const char *lead = af_login("lead");
    cr_assert_eq(af_req("GET", "/api/orders", NULL, lead), 200, "%s", af_resp);
    json_t *j = af_json();
    json_t *o = json_array_get(j, 0);
    cr_assert_str_eq(json_string_value(json_object_get(o, "id")), order);
    cr_assert(json_is_false(json_object_get(o, "acked")));
    cr_assert(json_is_false(json_object_get(o, "overdue")));
    json_decref(j);
    snprintf(path, sizeof path, "/api/orders/%s/ack", order);
    cr_assert_eq(af_req("POST", path, "{}", lead), 400, "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "\"field\":\"by\""), "%s", af_resp);
    cr_assert_eq(af_req("POST", path, "{\"by\": \"Wang\"}", lead), 200, "%s",
                 af_resp);
    cr_assert_eq(af_req("POST", path, "{\"by\": \"Wang\"}", lead), 409, "%s",
                 af_resp);
    cr_assert_eq(af_req("GET", "/api/orders", NULL, lead), 200, "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "\"acked\":true"), "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "\"acked_by\":\"Wang\""), "%s",
                       af_resp);
    cr_assert_eq(af_req("POST", path, "{\"by\": \"Wang\"}", af_login("boss")),
                 403, "%s", af_resp);
}

Test(api_routes, services_handoffs_followups_and_agents)
{
    af_init();
    af_user("boss", "commander");
    af_user("field", "field_worker");
    char incident[64], person[64], service[64], body[256];
    snprintf(incident, sizeof incident, "%s",
             af_ok("id", "incident", "declare", "--hazard", "flood",
                  "--title", "Flood", NULL));
    snprintf(person, sizeof person, "%s",
             af_ok("id", "person", "add", "--incident", incident,
                  "--age-band", "35", "--site", "Shelter 1", NULL));
    snprintf(service, sizeof service, "%s",
             af_ok("id", "service", "add", "--kind", "community_health",
                  "--name", "Centre 1", "--capacity", "10", "--zones",
                  AF_ZERO_ID, "--contact", "028-1234", NULL));
    af_ok(NULL, "enroll", "field-1", "--node-id",
         "0123456789abcdef0123456789abcdef", "--public-key",
         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         NULL);
    af_start();
    const char *field = af_login("field");
    cr_assert_eq(af_req("GET", "/api/services", NULL, field), 200, "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), service), "%s", af_resp);
    snprintf(body, sizeof body,
             "{\"person\": \"%s\", \"service\": \"%s\", \"consent\": \"yes\"}",
             person, service);
    cr_assert_eq(af_req("POST", "/api/handoffs", body, field), 400, "%s",
                 af_resp);
    cr_assert_not_null(strstr(af_body(), "\"field\":\"consent\""), "%s", af_resp);
    snprintf(body, sizeof body,
             "{\"person\": \"%s\", \"service\": \"%s\", \"consent\": true, "
             "\"summary\": \"prefers mornings\"}",
             person, service);
    cr_assert_eq(af_req("POST", "/api/handoffs", body, field), 201, "%s",
                 af_resp);
    cr_assert_eq(af_req("POST", "/api/handoffs", body, field), 409, "%s",
                 af_resp);
    xy_test_out_t r;
    af_run(&r, "list", "handoffs", NULL);
    cr_assert_not_null(strstr(r.out, person), "%s", r.out);
    cr_assert_eq(af_req("GET", "/api/followups?overdue=1", NULL, field), 200,
                 "%s", af_resp);
    cr_assert_str_eq(af_body(), "[]");

    const char *boss = af_login("boss");
    cr_assert_eq(af_req("GET", "/api/agents", NULL, boss), 200, "%s", af_resp);
    json_t *j = af_json();
    json_t *a = json_array_get(j, 0);
    cr_assert_str_eq(json_string_value(json_object_get(a, "name")),
                     "field-1");
    cr_assert_str_eq(json_string_value(json_object_get(a, "node_id")),
                     "0123456789abcdef0123456789abcdef");
    cr_assert_str_eq(json_string_value(json_object_get(a, "state")),
                     "not connected");
    json_decref(j);
}

Test(api_routes, a_person_registered_over_the_api_keeps_its_vulnerabilities)
{
    af_init();
    af_user("field", "field_worker");
    char incident[64];
    snprintf(incident, sizeof incident, "%s",
             af_ok("id", "incident", "declare", "--hazard", "flood",
                  "--title", "Flood", NULL));
    af_start();
    const char *field = af_login("field");
    json_int_t events = af_events(field);
    char body[512];
    snprintf(body, sizeof body,
             "{\"incident\": \"%s\", \"age_band\": 10, \"sex\": \"male\", "
             "\"site\": \"School\", \"vulnerability\": [\"child\", \"a,b\"]}",
             incident);
    cr_assert_eq(af_req("POST", "/api/persons", body, field), 400, "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "\"field\":\"vulnerability\""), "%s",
                       af_resp);
    cr_assert_eq(af_events(field), events, "nothing stored");
    snprintf(body, sizeof body,
             "{\"incident\": \"%s\", \"age_band\": 10, \"sex\": \"male\", "
             "\"site\": \"School\", \"vulnerability\": [\"child\", "
             "\"bereaved\"]}",
             incident);
    cr_assert_eq(af_req("POST", "/api/persons", body, field), 201, "%s", af_resp);
    cr_assert_eq(af_req("GET", "/api/persons", NULL, field), 200, "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "child"), "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "bereaved"), "%s", af_resp);
}
