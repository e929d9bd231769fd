/* Inline SVG building blocks for the after-action report's charts: linear
 * scales, "nice" axis ticks, time axes in seconds, minutes or hours, the
 * series palette and a wrapping legend. Everything is written with plain
 * stdio into the report; no script is needed to read a chart. Values of any
 * size map into the plot area (huge ones are clamped to its edge). */
#ifndef DRILL_SVG_H
#define DRILL_SVG_H

#include <stdio.h>

/* Width of every chart in SVG units (it scales down to the page). */
#define SVG_WIDTH 960

/* A linear map of the domain [d0, d1] onto [r0, r1] in SVG units. */
typedef struct svg_scale {
    double d0, d1; /* domain */
    double r0, r1; /* range */
} svg_scale_t;

/* Makes a scale from 0 (or lo when negative) to a "nice" value at or above
 * hi (1 when hi is not above lo), onto [r0, r1]. */
svg_scale_t svg_scale(double lo, double hi, double r0, double r1);

/* Maps v, clamped to the range. */
double svg_map(const svg_scale_t *s, double v);

/* Opens a chart: <svg> with an id, data-chart name, size, a title (shown
 * as tooltip and read by screen readers) and a white background. title_zh
 * and title_en are the project's own labels (not escaped). */
void svg_open(FILE *f, const char *name, int h, const char *title_zh,
              const char *title_en);
void svg_close(FILE *f);

/* Writes "无数据 No data" across the middle of the plot. */
void svg_no_data(FILE *f, double x, double y);

/* Draws the horizontal axis of s at y (ticks, grid lines up to top, tick
 * labels, and label centred below). With time set, the domain is seconds
 * and ticks read in s, min or h, named in the label. */
void svg_axis_x(FILE *f, const svg_scale_t *s, double y, double top, int time,
                const char *label);

/* Draws the vertical axis of s at x (ticks, grid lines across to right,
 * labels, and the rotated label). */
void svg_axis_y(FILE *f, const svg_scale_t *s, double x, double right,
                const char *label);

/* Colour and dash pattern of series i (the palette repeats with dashes
 * after its eight colours). */
const char *svg_color(size_t i);
const char *svg_dash(size_t i);

/* A legend filled left to right, wrapping at x_max. */
typedef struct svg_legend {
    double x0, x, y; /* left edge, next position */
    double x_max;    /* wrap before this */
} svg_legend_t;

/* Reserves room for an entry whose label is label_w display columns;
 * returns the x of its swatch and advances (y of the row in lg->y). */
double svg_legend_next(svg_legend_t *lg, int label_w);

/* Rows a legend of n entries of label widths w[] takes (so the caller can
 * size the chart before drawing it). */
int svg_legend_rows(const int *w, size_t n, double x0, double x_max);

/* Font size and line advance of legend rows. */
#define SVG_LEGEND_ROW 20

#endif
