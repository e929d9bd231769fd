/* Tests of configuration files (core/config.h). */
#include "core/config.h"
#include "common/xy_error.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static char *dir;
static char path[1024];

static const config_key_t schema[] = {
    {"name", CONFIG_STRING, "field-agent", "name"},
    {"port", CONFIG_INT, "7701", "port"},
    {"verbose", CONFIG_BOOL, "false", "verbose"},
    {"key", CONFIG_STRING, NULL, "no default"},
    {NULL, 0, NULL, NULL},
};

static void setup(void)
{
    dir = xy_test_mkdtemp();
    snprintf(path, sizeof path, "%s/config.json", dir);
}

static void teardown(void)
{
    xy_test_rmdir(&dir);
}

TestSuite(config, .init = setup, .fini = teardown);

static void s_write(const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(config, usage_load_and_read_typed_values_with_defaults)
{
    s_write("{\"port\": 9000, \"verbose\": true}");
    config_t *c = NULL;
    char err[256];
    cr_assert_eq(config_load(&c, path, schema, err, sizeof err), 0);
    cr_assert_eq(config_int(c, "port"), 9000);
    cr_assert(config_bool(c, "verbose"));
    cr_assert_str_eq(config_string(c, "name"), "field-agent");
    cr_assert_null(config_string(c, "key"));
    config_destroy(&c);
    cr_assert_null(c);
}

Test(config, default_file_holds_every_default_and_mode_0600)
{
    cr_assert_eq(config_write_default(path, schema), 0);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    config_t *c = NULL;
    char err[256];
    cr_assert_eq(config_load(&c, path, schema, err, sizeof err), 0);
    cr_assert_eq(config_int(c, "port"), 7701);
    config_destroy(&c);
    cr_assert_eq(config_write_default(path, schema), XY_EEXIST);
}

Test(config, syntax_error_names_file_line_and_column)
{
    s_write("{\n  \"port\": 9000,\n  \"name\" \"x\"\n}\n");
    config_t *c = NULL;
    char err[512];
    cr_assert_eq(config_load(&c, path, schema, err, sizeof err), XY_ECONFIG);
    cr_assert_null(c);
    char want[1100];
    snprintf(want, sizeof want, "%s:3:", path);
    cr_assert_not_null(strstr(err, want), "%s", err);
}

Test(config, unknown_key_wrong_type_and_duplicates_are_refused)
{
    config_t *c = NULL;
    char err[512];
    s_write("{\"prot\": 1}");
    cr_assert_eq(config_load(&c, path, schema, err, sizeof err), XY_ECONFIG);
    cr_assert_not_null(strstr(err, "unknown key \"prot\""), "%s", err);
    s_write("{\"port\": \"7701\"}");
    cr_assert_eq(config_load(&c, path, schema, err, sizeof err), XY_ECONFIG);
    cr_assert_not_null(strstr(err, "\"port\" must be an integer"), "%s", err);
    s_write("{\"port\": 1, \"port\": 2}");
    cr_assert_eq(config_load(&c, path, schema, err, sizeof err), XY_ECONFIG);
    s_write("[1, 2]");
    cr_assert_eq(config_load(&c, path, schema, err, sizeof err), XY_ECONFIG);
    cr_assert_not_null(strstr(err, "must be a JSON object"), "%s", err);
}

Test(config, missing_and_oversized_files_are_refused)
{
    config_t *c = NULL;
    char err[512];
    cr_assert_eq(config_load(&c, path, schema, err, sizeof err), XY_ENOENT);
    FILE *f = fopen(path, "w");
    for (int i = 0; i < CONFIG_FILE_MAX / 8 + 10; i++)
        fputs("        ", f);
    fclose(f);
    cr_assert_eq(config_load(&c, path, schema, err, sizeof err), XY_ETOOBIG);
}
