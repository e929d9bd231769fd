/* The after-action report of a drill: one self-contained HTML file (inline
 * CSS and SVG charts, no script, nothing fetched) made from the drill
 * result that the runner writes (result.json, format
 * "xinyuan-drill-result-1", docs/after-action-report.md). It shows the
 * EXERCISE marking, the drill, the score with its must-haves, four charts
 * (timeline, sync backlog, red-flag latency, triage coverage by zone) and
 * the tables behind them. */
#ifndef DRILL_REPORT_H
#define DRILL_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* Checks result and writes the report as HTML to out. result is borrowed
 * for the call. Returns 0; XY_EMALFORMED or XY_EVERSION with a one-line
 * error naming the field in err ("result: score.events.lost: not a
 * number") and nothing written to out; XY_EIO if writing out failed. */
int drill_report_html(const json_t *result, FILE *out, char *err,
                      size_t errlen);

/* Checks result and writes the report to html_path: into a temporary file
 * beside it, flushed to disk, then renamed over html_path, so a reader
 * sees the old file or the whole new one. Returns 0, or the codes of
 * drill_report_html (plus XY_EIO when the file cannot be made), with a
 * one-line error in err; on error html_path is untouched and no temporary
 * file is left. */
int drill_report_write(const json_t *result, const char *html_path, char *err,
                       size_t errlen);

#endif
