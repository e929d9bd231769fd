/* Tests of PFIF at the command line, run as real processes: a Person Finder
 * sample imported with its names sealed, names shown only with the
 * passphrase, bad records stopping the whole import unless skipped, and an
 * export that another node imports again. */
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

TestSuite(pfif_cli, .init = setup, .fini = teardown, .timeout = 120);

typedef xy_test_out_t s_out_t;

static void s_run(s_out_t *r, const char *bin, ...)
{
    va_list ap;
    va_start(ap, bin);
    xy_test_run_va(r, dir, &bin, 1, ap);
    va_end(ap);
}

/* init, declare an incident, create its data key; returns the incident
 * (a static buffer of a few, rotated). */
static const char *s_node(const char *data)
{
    static char inc[2][33];
    static int k;
    char *out = inc[k++ % 2];
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "init", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "--json", "incident", "declare",
          "--hazard", "earthquake", "--title", "Luding", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    snprintf(out, 33, "%s", xy_test_json_field(r.out, "id"));
    s_run(&r, XY_AGENT_BIN, "-d", data, "key", "create", "--incident", out,
          NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    return out;
}

static void s_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(pfif_cli, usage_import_a_sample_and_list_the_names)
{
    char data[1100];
    snprintf(data, sizeof data, "%s/agent", dir);
    const char *inc = s_node(data);
    const char *sample = xy_test_shared("pfif/test.pfif-1.4.xml");
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "pfif", "import", sample,
          "--incident", inc, "--site-default", "Shelter 3", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "imported 1 person(s)"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "4 note(s) ignored"), "%s", r.out);
    s_run(&r, XY_AGENT_BIN, "-d", data, "--json", "list", "persons", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(xy_test_json_field(r.out, "name"), "_test_full_name1");
    cr_assert_str_eq(xy_test_json_field(r.out, "sex"), "female");
    cr_assert_str_eq(xy_test_json_field(r.out, "site"),
                     "_test_home_city, _test_home_state");
    cr_assert_not_null(strstr(r.out, "\"birth_year\": 1970"), "%s", r.out);

    /* The same records again: already held, nothing added. */
    s_run(&r, XY_AGENT_BIN, "-d", data, "pfif", "import", sample,
          "--incident", inc, "--site-default", "Shelter 3", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "imported 0 person(s)"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "1 already held"), "%s", r.out);

    unsetenv("XINYUAN_PASSPHRASE");
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "persons", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_null(strstr(r.out, "_test_full_name1"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "(sealed)"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "(1)"), "%s", r.out);
}

Test(pfif_cli, a_bad_record_stops_the_import_unless_skipped)
{
    char data[1100], file[1100];
    snprintf(data, sizeof data, "%s/agent", dir);
    snprintf(file, sizeof file, "%s/bad.xml", dir);
    const char *inc = s_node(data);
    s_write(file,
            "<?xml version=\"1.0\"?>\n"
            "<pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.3\">\n"
            "<pfif:person><pfif:person_record_id>x.org/1</pfif:"
            "person_record_id><pfif:full_name>Anna Schmidt</pfif:full_name>"
            "<pfif:age>40</pfif:age></pfif:person>\n"
            "<pfif:person><pfif:full_name>No Id</pfif:full_name>"
            "</pfif:person>\n</pfif:pfif>\n");
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "pfif", "import", file,
          "--incident", inc, "--site-default", "S", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "line 4: <person> has no "
                                     "person_record_id"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "nothing stored"), "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "persons", NULL);
    cr_assert_not_null(strstr(r.out, "(0)"), "%s", r.out);

    s_run(&r, XY_AGENT_BIN, "-d", data, "pfif", "import", file,
          "--incident", inc, "--site-default", "S", "--skip-bad", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "<person> skipped: line 4"), "%s",
                       r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "persons", NULL);
    cr_assert_not_null(strstr(r.out, "Anna Schmidt"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "(1)"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "  S  "), "%s", r.out);
}

Test(pfif_cli, a_doctype_is_refused_and_nothing_stored)
{
    char data[1100], file[1100];
    snprintf(data, sizeof data, "%s/agent", dir);
    snprintf(file, sizeof file, "%s/xxe.xml", dir);
    const char *inc = s_node(data);
    s_write(file,
            "<?xml version=\"1.0\"?>\n"
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
            "<pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.4\">&e;"
            "</pfif:pfif>\n");
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "pfif", "import", file,
          "--incident", inc, "--site-default", "S", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "refused at line 2"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "DOCTYPE"), "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "status", NULL);
    cr_assert_not_null(strstr(r.out, "events         1"), "%s", r.out);
}

Test(pfif_cli, an_export_is_imported_by_another_node)
{
    char a[1100], b[1100], out[1100];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(out, sizeof out, "%s/export.xml", dir);
    const char *inc_a = s_node(a);
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", a, "--json", "person", "add", "--incident",
          inc_a, "--age-band", "30", "--site", "Shelter 3", "--name",
          "张三丰", "--sex", "male", "--birth-year", "1994", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char named[33];
    snprintf(named, sizeof named, "%s", xy_test_json_field(r.out, "id"));
    s_run(&r, XY_AGENT_BIN, "-d", a, "person", "add", "--incident", inc_a,
          "--age-band", "10", "--site", "Shelter 3", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", a, "pfif", "export", "--incident", inc_a,
          "--out", out, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "exported 1 person(s)"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "1 registered without a name"), "%s",
                       r.out);
    struct stat st;
    cr_assert_eq(stat(out, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    /* The named person's data left the node: the export is on record. */
    s_run(&r, XY_AGENT_BIN, "-d", a, "list", "audits", "--person", named,
          NULL);
    cr_assert_not_null(strstr(r.out, "pfif export"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "(1)"), "%s", r.out);
    /* Never over an existing file. */
    s_run(&r, XY_AGENT_BIN, "-d", a, "pfif", "export", "--incident", inc_a,
          "--out", out, NULL);
    cr_assert_eq(r.status, 1);

    const char *inc_b = s_node(b);
    s_run(&r, XY_AGENT_BIN, "-d", b, "pfif", "import", out, "--incident",
          inc_b, "--site-default", "Reunification desk", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "(PFIF 1.4)"), "%s", r.out);
    s_run(&r, XY_AGENT_BIN, "-d", b, "--json", "list", "persons", NULL);
    cr_assert_str_eq(xy_test_json_field(r.out, "name"), "张三丰");
    cr_assert_str_eq(xy_test_json_field(r.out, "sex"), "male");
    cr_assert_str_eq(xy_test_json_field(r.out, "site"),
                     "Reunification desk");
    cr_assert_not_null(strstr(r.out, "\"birth_year\": 1994"), "%s", r.out);

    /* Without the passphrase there is nothing to export. */
    unsetenv("XINYUAN_PASSPHRASE");
    s_run(&r, XY_AGENT_BIN, "-d", a, "pfif", "export", "--incident", inc_a,
          NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "XINYUAN_PASSPHRASE"), "%s", r.err);
}
