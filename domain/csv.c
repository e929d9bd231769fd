/* The CSV record reader (csv.h). */
#include "domain/csv.h"
#include "common/xy_error.h"

#include <stdbool.h>

/* Where one record ends: after its LF (CRLF), or at the end of the text. */
static int s_scan(const char *t, size_t len, size_t *i, size_t *line,
                  size_t start, csv_row_t *row, size_t max_fields,
                  domain_error_t *err)
{
    size_t o = 0;
    bool quoted = false;
    for (; *i < len; (*i)++) {
        char c = t[*i];
        if (c == '\0')
            return domain_fail(err, XY_EINVAL, "csv", "line %zu: a NUL byte",
                               *line);
        if (quoted) {
            if (c == '"' && *i + 1 < len && t[*i + 1] == '"') {
                (*i)++;
            } else if (c == '"') {
                quoted = false;
                continue;
            } else if (c == '\n') {
                (*line)++;
            }
        } else if (c == '"') {
            quoted = true;
            continue;
        } else if (c == ',') {
            if (row->n == max_fields)
                return domain_fail(err, XY_ETOOBIG, "csv", "line %zu: more "
                                   "than %zu columns", start, max_fields);
            row->buf[o++] = '\0';
            row->f[row->n++] = row->buf + o;
            continue;
        } else if (c == '\r' && *i + 1 < len && t[*i + 1] == '\n') {
            continue;
        } else if (c == '\n') {
            (*i)++;
            break;
        }
        if (o + 1 >= sizeof row->buf)
            return domain_fail(err, XY_ETOOBIG, "csv", "line %zu: over %d "
                               "bytes", start, CSV_LINE_MAX);
        row->buf[o++] = c;
    }
    if (quoted)
        return domain_fail(err, XY_EPARSE, "csv", "line %zu: a quote is "
                           "never closed", start);
    row->buf[o] = '\0';
    return 0;
}

int csv_read_row(const char *t, size_t len, size_t *pos, size_t *line,
                 csv_row_t *row, size_t max_fields, domain_error_t *err)
{
    size_t i = *pos, start = *line;
    if (i >= len)
        return 1;
    if (max_fields == 0 || max_fields > CSV_FIELDS_MAX)
        max_fields = CSV_FIELDS_MAX;
    row->n = 1;
    row->f[0] = row->buf;
    int rc = s_scan(t, len, &i, line, start, row, max_fields, err);
    if (rc)
        return rc;
    *pos = i;
    (*line)++;
    return 0;
}

bool csv_row_blank(const csv_row_t *row)
{
    return row->n == 1 && row->buf[0] == '\0';
}
