/* Tests of affected people at the command line, run as real processes:
 * personal data sealed under a passphrase-wrapped key, names shown only to
 * key holders, and no name, phone or note in plaintext anywhere in a data
 * directory. */
#include "common/xy_mem.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *dir;

static void setup(void)
{
    dir = xy_test_mkdtemp();
    setenv("XINYUAN_PASSPHRASE", "correct horse battery", 1);
}

static void teardown(void)
{
    xy_test_rmdir(&dir);
}

TestSuite(people_cli, .init = setup, .fini = teardown, .timeout = 120);

typedef xy_test_out_t s_out_t;

/* Runs bin with the NULL-terminated arguments; captures output. */
static void s_run(s_out_t *r, const char *bin, ...)
{
    va_list ap;
    va_start(ap, bin);
    xy_test_run_va(r, dir, &bin, 1, ap);
    va_end(ap);
}

/* The value of "key": "..." in JSON output (static buffer). */
static const char *s_field(const char *json, const char *key)
{
    return xy_test_json_field(json, key);
}

/* init, declare an incident, create its data key; returns the incident. */
static const char *s_node(const char *bin, const char *data)
{
    static char inc[33];
    s_out_t r;
    s_run(&r, bin, "-d", data, "init", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run(&r, bin, "-d", data, "--json", "incident", "declare", "--hazard",
          "earthquake", "--title", "Luding", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    snprintf(inc, sizeof inc, "%s", s_field(r.out, "id"));
    s_run(&r, bin, "-d", data, "key", "create", "--incident", inc, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    return inc;
}

Test(people_cli, usage_register_with_a_name_and_read_it_back)
{
    char data[1100];
    snprintf(data, sizeof data, "%s/agent", dir);
    const char *inc = s_node(XY_AGENT_BIN, data);
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "person", "add", "--incident", inc,
          "--age-band", "30", "--site", "Shelter 3", "--name", "张三丰",
          "--phone", "13800138000", "--birth-year", "1994", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "persons", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "张三丰"), "%s", r.out);
    unsetenv("XINYUAN_PASSPHRASE");
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "persons", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_null(strstr(r.out, "张三丰"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "(sealed)"), "%s", r.out);
}

Test(people_cli, every_listing_that_opens_names_is_audited)
{
    char data[1100], person[33];
    snprintf(data, sizeof data, "%s/agent", dir);
    const char *inc = s_node(XY_AGENT_BIN, data);
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "--json", "person", "add",
          "--incident", inc, "--age-band", "30", "--site", "Shelter 3",
          "--name", "张三丰", "--phone", "13800138000", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    snprintf(person, sizeof person, "%s", s_field(r.out, "id"));
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "audits", "--person", person,
          NULL);
    cr_assert_not_null(strstr(r.out, "(0)"), "no view yet: %s", r.out);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "persons", NULL);
    cr_assert_not_null(strstr(r.out, "张三丰"), "%s", r.out);
    /* Without the key nothing is shown, so nothing is recorded. */
    unsetenv("XINYUAN_PASSPHRASE");
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "persons", NULL);
    cr_assert_null(strstr(r.out, "张三丰"), "%s", r.out);
    s_run(&r, XY_AGENT_BIN, "-d", data, "--json", "list", "audits",
          "--person", person, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *arr = json_loads(r.out, 0, NULL);
    cr_assert_eq(json_array_size(arr), 1, "one view recorded: %s", r.out);
    json_t *a = json_array_get(arr, 0);
    cr_assert_str_eq(json_string_value(json_object_get(a, "role")),
                     "command line");
    cr_assert_str_eq(json_string_value(json_array_get(
                         json_object_get(a, "fields"), 0)),
                     "name");
    json_decref(arr);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "audits", NULL);
    cr_assert_eq(r.status, 2, "--person is required: %s", r.err);
}

Test(people_cli, a_wrong_passphrase_opens_nothing_and_stores_nothing)
{
    char data[1100];
    snprintf(data, sizeof data, "%s/agent", dir);
    const char *inc = s_node(XY_AGENT_BIN, data);
    setenv("XINYUAN_PASSPHRASE", "not the passphrase", 1);
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "person", "add", "--incident", inc,
          "--age-band", "30", "--site", "S", "--name", "李四", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "passphrase does not open"), "%s",
                       r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "status", NULL);
    cr_assert_not_null(strstr(r.out, "events         1"), "%s", r.out);
}

Test(people_cli, bad_personal_data_is_refused_with_field_and_reason)
{
    char data[1100];
    snprintf(data, sizeof data, "%s/agent", dir);
    const char *inc = s_node(XY_AGENT_BIN, data);
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "person", "add", "--incident", inc,
          "--age-band", "5", "--site", "S", "--name", "王五", "--birth-year",
          "1950", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "--birth-year: born 1950"), "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "person", "add", "--incident", inc,
          "--age-band", "30", "--site", "S", "--phone", "13800138000", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "--name: a name is required"), "%s",
                       r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "status", NULL);
    cr_assert_not_null(strstr(r.out, "events         1"), "%s", r.out);
}

static const char *const s_secrets[] = {"张三丰", "13800138000",
                                        "notes-secret-XYZ", "110105194912310"};

/* Fails if any secret appears in any file under path. Returns files read. */
static int s_scan(const char *path, int depth)
{
    cr_assert_lt(depth, 8, "directory too deep: %s", path);
    DIR *d = opendir(path);
    cr_assert_not_null(d, "%s", path);
    struct dirent *de;
    int files = 0;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char sub[2048];
        int w = snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
        cr_assert(w > 0 && (size_t)w < sizeof sub, "path too long: %s", path);
        struct stat st;
        cr_assert_eq(lstat(sub, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            files += s_scan(sub, depth + 1);
            continue;
        }
        FILE *f = fopen(sub, "rb");
        cr_assert_not_null(f, "%s", sub);
        size_t cap = (size_t)st.st_size + 1, n;
        char *buf = xmalloc(cap);
        n = fread(buf, 1, cap, f);
        fclose(f);
        for (size_t i = 0; i < sizeof s_secrets / sizeof s_secrets[0]; i++)
            cr_assert_null(memmem(buf, n, s_secrets[i], strlen(s_secrets[i])),
                           "'%s' in plaintext in %s", s_secrets[i], sub);
        free(buf);
        files++;
    }
    closedir(d);
    return files;
}

static void s_register_secrets(const char *bin, const char *data,
                               const char *inc)
{
    s_out_t r;
    s_run(&r, bin, "-d", data, "person", "add", "--incident", inc,
          "--age-band", "75", "--site", "Tent 1", "--name", "张三丰",
          "--phone", "13800138000", "--id-number", "11010519491231002X",
          "--notes", "notes-secret-XYZ", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run(&r, bin, "-d", data, "list", "persons", NULL);
    cr_assert_not_null(strstr(r.out, "张三丰"), "the key holder reads it");
}

Test(people_cli, no_name_phone_or_note_in_plaintext_in_any_data_file)
{
    char agent[1100], coord[1100];
    snprintf(agent, sizeof agent, "%s/agent", dir);
    snprintf(coord, sizeof coord, "%s/coordinator", dir);
    const char *inc = s_node(XY_AGENT_BIN, agent);
    s_register_secrets(XY_AGENT_BIN, agent, inc);
    inc = s_node(XY_COORDINATOR_BIN, coord);
    s_register_secrets(XY_COORDINATOR_BIN, coord, inc);
    /* node.key, config.json, keys/, store/data.mdb, store/lock.mdb, ... */
    cr_assert_geq(s_scan(agent, 0), 5);
    cr_assert_geq(s_scan(coord, 0), 5);
}

Test(people_cli, a_key_exported_to_the_coordinator_opens_names_there)
{
    char agent[1100], coord[1100], file[1100];
    snprintf(agent, sizeof agent, "%s/agent", dir);
    snprintf(coord, sizeof coord, "%s/coordinator", dir);
    snprintf(file, sizeof file, "%s/key.txt", dir);
    const char *inc = s_node(XY_AGENT_BIN, agent);
    char incident[33];
    snprintf(incident, sizeof incident, "%s", inc);
    s_out_t r;
    s_run(&r, XY_COORDINATOR_BIN, "-d", coord, "--json", "init", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char pk[65];
    snprintf(pk, sizeof pk, "%s", s_field(r.out, "public_key"));
    s_run(&r, XY_AGENT_BIN, "-d", agent, "key", "export", "--incident",
          incident, "--to", pk, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "xinyuan-data-key-v1 "), "%s", r.out);
    FILE *f = fopen(file, "w");
    fputs(r.out, f);
    fclose(f);
    /* The agent cannot import what was sealed to the coordinator. */
    s_run(&r, XY_AGENT_BIN, "-d", agent, "key", "import", file, NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "not sealed to this node"), "%s", r.err);
    s_run(&r, XY_COORDINATOR_BIN, "-d", coord, "key", "import", file, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run(&r, XY_COORDINATOR_BIN, "-d", coord, "--json", "key", "list", NULL);
    cr_assert_not_null(strstr(r.out, incident), "%s", r.out);
}
