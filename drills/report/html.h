/* HTML text output for the after-action report: escaping of every string
 * that comes from a drill result (it may hold any text, markup included),
 * labels cut to a display width for charts, and the number and duration
 * formats the report uses. */
#ifndef DRILL_HTML_H
#define DRILL_HTML_H

#include <stddef.h>
#include <stdio.h>

/* Writes s to f as HTML text, safe both between tags and inside a quoted
 * attribute: & < > " ' are escaped and control characters other than tab
 * and newline become U+FFFD. */
void html_esc(FILE *f, const char *s);

/* Writes at most max_w display columns of s (a CJK character counts 2, any
 * other 1), escaped; a cut label ends with "…". Returns 1 when s was cut. */
int html_esc_fit(FILE *f, const char *s, int max_w);

/* Display columns of s, counted as html_esc_fit does. */
int html_width(const char *s);

/* Buffer size for the formats below. */
#define HTML_NUM_LEN 80

/* Formats a number: whole numbers in full up to 1e15, others with up to
 * three decimals, huge ones in exponent form; NAN as "—". Returns buf. */
const char *html_num(char buf[HTML_NUM_LEN], double v);

/* Formats a duration in seconds as "420 s (7 min 00 s)" ("12.5 s" below a
 * minute, "1 h 35 min" above an hour); NAN as "—". Returns buf. */
const char *html_secs(char buf[HTML_NUM_LEN], double s);

#endif
