/* Tests of login, roles and the audit of personal data in the HTTP API
 * (app/http_auth.c, app/http_people.c, docs/api.md "Login and roles")
 * against a real coordinator daemon on loopback (api_fixture.h), and of
 * the `user` command that makes its users. */
#include "common/xy_mem.h"
#include "tests/app/api_fixture.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite(auth, .init = af_setup, .fini = af_teardown, .timeout = 240);

Test(auth, usage_log_in_use_the_session_and_log_out)
{
    af_init();
    af_user("boss", "commander");
    af_start();
    cr_assert_eq(af_req("GET", "/api/status", NULL, NULL), 401, "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "login required"), "%s", af_resp);
    const char *me = af_login("boss");
    cr_assert_not_null(strstr(af_resp, "HttpOnly; SameSite=Strict; Path=/"),
                       "%s", af_resp);
    json_t *j = af_json();
    cr_assert_str_eq(json_string_value(json_object_get(j, "user")), "boss");
    cr_assert_str_eq(json_string_value(json_object_get(j, "role")),
                     "commander");
    cr_assert_gt(json_integer_value(json_object_get(j, "expires_at")), 0);
    char *perms = json_dumps(json_object_get(j, "permissions"), JSON_COMPACT);
    cr_assert_str_eq(perms,
                     "[\"read\",\"persons\",\"ack_flags\",\"teams_edit\","
                     "\"audit\"]");
    free(perms);
    json_decref(j);
    cr_assert_eq(af_req("GET", "/api/me", NULL, me), 200, "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "\"user\":\"boss\""), "%s", af_resp);
    cr_assert_eq(af_req("GET", "/api/status", NULL, me), 200, "%s", af_resp);
    cr_assert_eq(af_req("POST", "/api/logout", "{}", me), 200, "%s", af_resp);
    cr_assert_eq(af_req("GET", "/api/me", NULL, me), 401, "%s", af_resp);
    cr_assert_eq(af_req("GET", "/api/status", NULL, me), 401, "%s", af_resp);
}

Test(auth, without_users_the_api_says_to_add_one_and_pages_are_served)
{
    af_init();
    af_start();
    cr_assert_eq(af_req("GET", "/api/status", NULL, NULL), 401, "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "user add NAME --role ROLE"), "%s",
                       af_resp);
    cr_assert_eq(af_req("POST", "/api/login",
                       "{\"user\": \"boss\", \"password\": \"" AF_PASS "\"}",
                       NULL),
                 401, "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "user add"), "%s", af_resp);
    cr_assert_eq(af_req("GET", "/", NULL, NULL), 200, "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "<title>Xinyuan</title>"), "%s",
                       af_resp);
    /* A user added while the daemon runs can log in at once. */
    af_user("boss", "commander");
    af_login("boss");
}

Test(auth, wrong_password_and_unknown_user_get_the_same_answer)
{
    af_init();
    af_user("boss", "commander");
    af_start();
    cr_assert_eq(af_req("POST", "/api/login",
                       "{\"user\": \"boss\", \"password\": \"nope-nope\"}",
                       NULL),
                 401, "%s", af_resp);
    char first[512];
    snprintf(first, sizeof first, "%s", af_body());
    cr_assert_eq(af_req("POST", "/api/login",
                       "{\"user\": \"nobody\", \"password\": \"nope-nope\"}",
                       NULL),
                 401, "%s", af_resp);
    cr_assert_str_eq(af_body(), first);
    cr_assert_not_null(strstr(first, "wrong user or password"), "%s", first);
    cr_assert_null(strstr(af_resp, "xy_session="), "%s", af_resp);
    cr_assert_eq(af_req("POST", "/api/login", "{\"user\": 5}", NULL), 400,
                 "%s", af_resp);
    cr_assert_eq(af_req("POST", "/api/login", "not json", NULL), 400, "%s",
                 af_resp);
    /* A removed user's session ends at once. */
    const char *boss = af_login("boss");
    cr_assert_eq(af_req("GET", "/api/status", NULL, boss), 200, "%s", af_resp);
    xy_test_out_t r;
    af_run(&r, "user", "remove", "boss", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(af_req("GET", "/api/status", NULL, boss), 401, "%s", af_resp);
}

Test(auth, more_than_five_failures_a_minute_are_refused_with_429)
{
    af_init();
    af_user("boss", "commander");
    af_user("other", "observer");
    af_start();
    for (int i = 0; i < 5; i++)
        cr_assert_eq(af_req("POST", "/api/login",
                           "{\"user\": \"boss\", \"password\": \"bad-pass\"}",
                           NULL),
                     401, "attempt %d: %s", i + 1, af_resp);
    /* Even the right password waits now. */
    cr_assert_eq(af_req("POST", "/api/login",
                       "{\"user\": \"boss\", \"password\": \"" AF_PASS "\"}",
                       NULL),
                 429, "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "XY_EAGAIN"), "%s", af_resp);
    /* Another user is not held back. */
    af_login("other");
}

Test(auth, more_than_twenty_failures_on_the_node_hold_every_login_back)
{
    af_init();
    af_user("boss", "commander");
    af_start();
    char body[128];
    for (int i = 0; i < 20; i++) {
        snprintf(body, sizeof body, "{\"user\": \"guess%d\", \"password\": "
                 "\"bad-pass\"}", i);
        cr_assert_eq(af_req("POST", "/api/login", body, NULL), 401,
                     "attempt %d: %s", i + 1, af_resp);
    }
    /* Each name failed once only, but the node has had enough. */
    cr_assert_eq(af_req("POST", "/api/login",
                       "{\"user\": \"boss\", \"password\": \"" AF_PASS "\"}",
                       NULL),
                 429, "%s", af_resp);
    cr_assert_not_null(strstr(af_body(), "on this node"), "%s", af_resp);
}

Test(auth, cookie_and_bearer_token_both_work)
{
    af_init();
    af_user("boss", "commander");
    af_start();
    const char *cookie = af_login("boss");
    char bearer[200];
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s",
             strchr(cookie, '=') + 1);
    cr_assert_eq(af_req("GET", "/api/incidents", NULL, cookie), 200, "%s",
                 af_resp);
    cr_assert_eq(af_req("GET", "/api/incidents", NULL, bearer), 200, "%s",
                 af_resp);
    cr_assert_eq(af_req("GET", "/api/incidents", NULL,
                       "Authorization: Bearer 00112233"),
                 401, "%s", af_resp);
    cr_assert_eq(af_req("GET", "/api/events", NULL, NULL), 401, "%s", af_resp);
    cr_assert_eq(af_req("POST", "/api/logout", "{}", bearer), 200, "%s",
                 af_resp);
    cr_assert_eq(af_req("GET", "/api/incidents", NULL, cookie), 401, "%s",
                 af_resp);
}


/* A route and the permission it needs (bodies are refused by the route
 * itself when it is allowed, so nothing is stored). */
static const struct {
    const char *method, *path, *body, *perm;
} s_routes[] = {
    {"GET", "/api/status", NULL, "read"},
    {"GET", "/api/counts", NULL, "read"},
    {"GET", "/api/map", NULL, "read"},
    {"GET", "/api/orders", NULL, "read"},
    {"GET", "/api/persons", NULL, "persons"},
    {"GET", "/api/persons/" AF_ZERO_ID, NULL, "persons"},
    {"GET", "/api/followups?overdue=1", NULL, "persons"},
    {"GET", "/api/audit?person=" AF_ZERO_ID, NULL, "audit"},
    {"POST", "/api/persons", "{}", "register"},
    {"POST", "/api/flags/" AF_ZERO_ID "/ack", "{}", "ack_flags"},
    {"POST", "/api/orders/" AF_ZERO_ID "/ack", "{}", "ack_orders"},
    {"POST", "/api/handoffs", "{}", "handoff"},
    {"POST", "/api/teams", "{}", "teams_edit"},
    {"POST", "/api/teams/" AF_ZERO_ID, "{}", "teams_edit"},
};

static const struct {
    const char *role;
    const char *perms; /* as /api/me lists them */
} s_roles[] = {
    {"commander", "read persons ack_flags teams_edit audit"},
    {"team_leader",
     "read persons personal register ack_orders handoff followup"},
    {"field_worker", "read persons personal register handoff"},
    {"community_worker", "read persons personal followup"},
    {"observer", "read"},
};

Test(auth, each_role_is_refused_exactly_what_it_may_not_do)
{
    af_init();
    for (size_t r = 0; r < sizeof s_roles / sizeof s_roles[0]; r++)
        af_user(s_roles[r].role, s_roles[r].role);
    af_start();
    json_int_t events = -1;
    for (size_t r = 0; r < sizeof s_roles / sizeof s_roles[0]; r++) {
        const char *who = af_login(s_roles[r].role);
        char perms[128];
        snprintf(perms, sizeof perms, " %s ", s_roles[r].perms);
        for (size_t i = 0; i < sizeof s_routes / sizeof s_routes[0]; i++) {
            char want[40];
            snprintf(want, sizeof want, " %s ", s_routes[i].perm);
            bool may = strstr(perms, want) != NULL;
            int st = af_req(s_routes[i].method, s_routes[i].path,
                           s_routes[i].body, who);
            cr_assert_eq(st == 403, !may, "%s %s %s: %d %s",
                         s_roles[r].role, s_routes[i].method,
                         s_routes[i].path, st, af_resp);
            if (!may) {
                char msg[96];
                snprintf(msg, sizeof msg, "role %s may not %s",
                         s_roles[r].role, s_routes[i].perm);
                cr_assert_not_null(strstr(af_body(), msg), "%s", af_resp);
            }
        }
        json_int_t now = af_events(who);
        cr_assert(events < 0 || now == events, "nothing was stored");
        events = now;
    }
}


/* An incident with a data key and a person with personal data; returns the
 * person id (static). */
static const char *s_person_with_name(char incident[64])
{
    setenv("XINYUAN_PASSPHRASE", "a long test passphrase", 1);
    snprintf(incident, 64, "%s",
             af_ok("id", "incident", "declare", "--hazard", "flood",
                  "--title", "Flood", NULL));
    af_ok(NULL, "key", "create", "--incident", incident, NULL);
    static char person[64];
    snprintf(person, sizeof person, "%s",
             af_ok("id", "person", "add", "--incident", incident,
                  "--age-band", "35", "--site", "Shelter 1", "--name",
                  "张三丰", "--phone", "138 0013 8000", NULL));
    return person;
}

Test(auth, personal_data_only_for_personal_roles_and_every_view_audited)
{
    af_init();
    af_user("boss", "commander");
    af_user("field", "field_worker");
    af_user("watch", "observer");
    char incident[64], path[128], audit[128];
    const char *person = s_person_with_name(incident);
    af_start();
    const char *boss = af_login("boss");
    const char *field = af_login("field");
    snprintf(path, sizeof path, "/api/persons/%s", person);
    snprintf(audit, sizeof audit, "/api/audit?person=%s", person);
    json_int_t before = af_events(boss);

    cr_assert_eq(af_req("GET", path, NULL, field), 200, "%s", af_resp);
    json_t *j = af_json();
    json_t *pd = json_object_get(j, "personal");
    cr_assert_str_eq(json_string_value(json_object_get(pd, "name")),
                     "张三丰");
    cr_assert_str_eq(json_string_value(json_object_get(pd, "phone")),
                     "13800138000");
    cr_assert(json_is_false(json_object_get(j, "sealed")));
    cr_assert_str_eq(json_string_value(json_object_get(j, "site")),
                     "Shelter 1");
    json_decref(j);
    cr_assert_eq(af_events(boss), before + 1, "one audit event per view");

    /* The commander sees the person but not the name, and that is not
     * audited. */
    cr_assert_eq(af_req("GET", path, NULL, boss), 200, "%s", af_resp);
    j = af_json();
    cr_assert(json_is_null(json_object_get(j, "personal")), "%s", af_resp);
    cr_assert(json_is_true(json_object_get(j, "sealed")));
    json_decref(j);
    cr_assert_null(strstr(af_resp, "张三丰"), "%s", af_resp);
    cr_assert_eq(af_events(boss), before + 1);
    /* Lists never carry names. */
    cr_assert_eq(af_req("GET", "/api/persons", NULL, field), 200, "%s", af_resp);
    cr_assert_null(strstr(af_resp, "张三丰"), "%s", af_resp);
    cr_assert_not_null(strstr(af_resp, "\"level\":\"untriaged\""), "%s", af_resp);

    cr_assert_eq(af_req("GET", audit, NULL, boss), 200, "%s", af_resp);
    j = af_json();
    cr_assert_eq(json_array_size(j), 1, "%s", af_resp);
    json_t *a = json_array_get(j, 0);
    cr_assert_str_eq(json_string_value(json_object_get(a, "viewer")),
                     "field");
    cr_assert_str_eq(json_string_value(json_object_get(a, "role")),
                     "field_worker");
    cr_assert_str_eq(json_string_value(json_object_get(a, "incident")),
                     incident);
    char *fields = json_dumps(json_object_get(a, "fields"), JSON_COMPACT);
    cr_assert_str_eq(fields, "[\"name\",\"phone\"]");
    free(fields);
    json_decref(j);

    cr_assert_eq(af_req("GET", path, NULL, field), 200, "%s", af_resp);
    cr_assert_eq(af_req("GET", audit, NULL, boss), 200, "%s", af_resp);
    j = af_json();
    cr_assert_eq(json_array_size(j), 2, "%s", af_resp);
    json_decref(j);
    cr_assert_eq(af_req("GET", audit, NULL, af_login("watch")), 403, "%s",
                 af_resp);
    cr_assert_eq(af_req("GET", "/api/persons/" AF_ZERO_ID, NULL, field), 404,
                 "%s", af_resp);
}

Test(auth, user_commands_refuse_bad_input_and_keep_users_json_private)
{
    xy_test_out_t r;
    af_init();
    unsetenv("XINYUAN_USER_PASSWORD");
    af_run(&r, "user", "add", "zhao", "--role", "commander", NULL);
    cr_assert_eq(r.status, 2, "no password: %s", r.err);
    cr_assert_not_null(strstr(r.err, "XINYUAN_USER_PASSWORD"), "%s", r.err);
    af_user("zhao", "commander");
    af_run(&r, "user", "add", "zhao", "--role", "observer", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "exists already"), "%s", r.err);
    af_run(&r, "user", "add", "chen", "--role", "king", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "--role must be one of"), "%s", r.err);
    setenv("XINYUAN_USER_PASSWORD", "short", 1);
    af_run(&r, "user", "add", "chen", "--role", "observer", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    af_run(&r, "user", "add", "a b", "--role", "observer", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);

    char path[1200], pw[1200];
    snprintf(path, sizeof path, "%s/users.json", af_data);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    /* The password is stored hashed only. */
    FILE *f = fopen(path, "r");
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    cr_assert_null(strstr(text, AF_PASS), "%s", text);
    cr_assert_not_null(strstr(text, "$argon2id$"), "%s", text);

    snprintf(pw, sizeof pw, "%s/pw.txt", af_dir);
    f = fopen(pw, "w");
    fputs("another-pass\n", f);
    fclose(f);
    chmod(pw, 0644);
    af_run(&r, "user", "passwd", "zhao", "--password-file", pw, NULL);
    cr_assert_eq(r.status, 1, "a readable file is refused: %s", r.err);
    chmod(pw, 0600);
    af_run(&r, "user", "passwd", "zhao", "--password-file", pw, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    af_run(&r, "--json", "user", "list", NULL);
    cr_assert_not_null(strstr(r.out, "\"role\": \"commander\""), "%s", r.out);
    af_run(&r, "user", "remove", "zhao", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    af_run(&r, "user", "remove", "zhao", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    chmod(path, 0644);
    af_run(&r, "user", "list", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "chmod 600"), "%s", r.err);
}
