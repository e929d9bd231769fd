/* The CSV record reader of the registries (domain/csv.h): quoting, line
 * breaks inside quotes, CRLF, blank lines, and each limit refused with
 * the line it is on. */
#include "domain/csv.h"
#include "common/xy_error.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static csv_row_t *row;

static void setup(void)
{
    row = calloc(1, sizeof *row);
}

static void teardown(void)
{
    free(row);
}

TestSuite(csv, .init = setup, .fini = teardown);

Test(csv, quotes_line_breaks_and_crlf_are_read_with_their_lines)
{
    const char *t = "a,\"b \"\"q\"\", c\"\r\n\"two\nlines\",x\n\nlast";
    size_t len = strlen(t), pos = 0, line = 1;
    domain_error_t err = {0};
    cr_assert_eq(csv_read_row(t, len, &pos, &line, row, 4, &err), 0);
    cr_assert_eq(row->n, 2);
    cr_assert_str_eq(row->f[0], "a");
    cr_assert_str_eq(row->f[1], "b \"q\", c");
    cr_assert_eq(line, 2);
    cr_assert_eq(csv_read_row(t, len, &pos, &line, row, 4, &err), 0);
    cr_assert_str_eq(row->f[0], "two\nlines");
    cr_assert_str_eq(row->f[1], "x");
    cr_assert_eq(line, 4, "the record spanned lines 2 and 3");
    cr_assert_eq(csv_read_row(t, len, &pos, &line, row, 4, &err), 0);
    cr_assert(csv_row_blank(row));
    cr_assert_eq(csv_read_row(t, len, &pos, &line, row, 4, &err), 0);
    cr_assert_str_eq(row->f[0], "last");
    cr_assert_eq(line, 6);
    cr_assert_eq(csv_read_row(t, len, &pos, &line, row, 4, &err), 1);
}

Test(csv, limits_and_broken_records_name_their_line)
{
    static char long_line[CSV_LINE_MAX + 20];
    memset(long_line, 'x', sizeof long_line - 1);
    long_line[0] = '\n';
    static const struct {
        const char *t;
        size_t len;
        int code;
        const char *want;
    } cases[] = {
        {"a,b,c\n", 6, XY_ETOOBIG, "line 1: more than 2 columns"},
        {"ok\n\"open", 8, XY_EPARSE, "line 2: a quote is never closed"},
        {"ok\na\0b\n", 7, XY_EINVAL, "line 2: a NUL byte"},
        {long_line, sizeof long_line - 1, XY_ETOOBIG, "line 2: over 4096"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t pos = 0, line = 1;
        domain_error_t err = {0};
        int rc = 0;
        while (rc == 0)
            rc = csv_read_row(cases[i].t, cases[i].len, &pos, &line, row, 2,
                              &err);
        cr_assert_eq(rc, cases[i].code, "case %zu: %d (%s)", i, rc, err.msg);
        cr_assert_not_null(strstr(err.msg, cases[i].want), "case %zu: %s", i,
                           err.msg);
    }
}
