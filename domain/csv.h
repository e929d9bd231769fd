/* One reader of CSV records (RFC 4180) for the registries imported from
 * spreadsheets: teams (team_csv.c) and services (service.c). Fields may be
 * quoted, with "" for a quote and line breaks inside; records end with LF
 * or CRLF. Every error names the line. */
#ifndef XY_DOMAIN_CSV_H
#define XY_DOMAIN_CSV_H

#include "domain/domain_event.h"

#include <stddef.h>

#define CSV_LINE_MAX 4096  /* bytes of one record's fields */
#define CSV_FIELDS_MAX 16  /* columns of one record */

typedef struct csv_row {
    char buf[CSV_LINE_MAX + 1];    /* field bytes, NUL-separated */
    const char *f[CSV_FIELDS_MAX]; /* the fields, into buf */
    size_t n;                      /* fields in the record (>= 1) */
} csv_row_t;

/* Reads the record at *pos of t (len bytes) into row, with at most
 * max_fields (<= CSV_FIELDS_MAX) columns; *pos moves past it and *line
 * (the line it starts on) past the line breaks it spans. Returns 0, 1 at
 * the end of the text, or an error with err naming the line (field
 * "csv"): XY_ETOOBIG (too long, too many columns), XY_EINVAL (a NUL
 * byte), XY_EPARSE (a quote never closed). A blank line is a record of one
 * empty field. */
int csv_read_row(const char *t, size_t len, size_t *pos, size_t *line,
                 csv_row_t *row, size_t max_fields, domain_error_t *err);

/* Whether the record is a blank line. */
bool csv_row_blank(const csv_row_t *row);

#endif
