/* The style sheet inlined into every after-action report: screen and A4
 * print layout, the EXERCISE marking, and the colours of chart marks. */
#ifndef DRILL_STYLE_H
#define DRILL_STYLE_H

extern const char drill_report_css[];

#endif
