/* The four charts of the after-action report, each one inline <svg> with
 * id "chart-NAME" and data-chart="NAME": timeline, backlog, flags and
 * coverage. Each copes with empty series (it then says "无数据 No data"),
 * single points, nulls (never acknowledged), huge values and long names;
 * every string from the result is escaped and long labels are cut with the
 * full text in a tooltip. */
#ifndef DRILL_CHARTS_H
#define DRILL_CHARTS_H

#include <stdio.h>

#include "drills/report/result.h"

/* Events by actor along scenario time: link-down periods as bands per
 * row, injects, orders, acks, flags, crashes, notes and syncs as marks. */
void chart_timeline(FILE *f, const drill_result_t *r);

/* Events waiting to be sent by each agent over scenario time, one line per
 * agent, with a legend. */
void chart_backlog(FILE *f, const drill_result_t *r);

/* Raise-to-acknowledge time of each red flag as a bar, never-acknowledged
 * flags marked across the chart, and the target as a line. */
void chart_flags(FILE *f, const drill_result_t *r);

/* People and triaged people per zone as pairs of bars. */
void chart_coverage(FILE *f, const drill_result_t *r);

/* The red-flag target in seconds from the score items (an item whose name
 * mentions "flag" and has a target), or NAN when the score has none. */
double chart_flag_target(const drill_result_t *r);

#endif
