/* SVG chart building blocks (svg.h). */
#include "drills/report/svg.h"
#include "drills/report/html.h"

#include <math.h>

/* Width of one display column of 12px text, in SVG units. */
#define S_COL 7.0
/* Most ticks an axis draws. */
#define S_MAX_TICKS 16

static const char *const s_palette[] = {
    "#1f6fb4", "#e07b00", "#2a9d3f", "#c0392b",
    "#7b4fb0", "#8c5a3c", "#d4569c", "#5f6b73",
};
#define S_NPAL (sizeof s_palette / sizeof s_palette[0])

const char *svg_color(size_t i)
{
    return s_palette[i % S_NPAL];
}

const char *svg_dash(size_t i)
{
    static const char *const dash[] = {"none", "6 3", "2 3", "8 3 2 3"};
    return dash[(i / S_NPAL) % 4];
}

/* A round step (1, 2 or 5 times a power of ten) giving about want ticks
 * over span. */
static double s_step(double span, int want)
{
    double raw = span / want;
    if (!(raw > 0) || !isfinite(raw))
        return 1;
    double mag = pow(10, floor(log10(raw)));
    double r = raw / mag;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

svg_scale_t svg_scale(double lo, double hi, double r0, double r1)
{
    svg_scale_t s = {lo < 0 ? lo : 0, hi, r0, r1};
    if (!(s.d1 > s.d0) || !isfinite(s.d1))
        s.d1 = s.d0 + 1;
    double step = s_step(s.d1 - s.d0, 5);
    double top = ceil(s.d1 / step) * step;
    double bottom = floor(s.d0 / step) * step;
    if (isfinite(top) && top >= s.d1)
        s.d1 = top;
    if (isfinite(bottom) && bottom <= s.d0)
        s.d0 = bottom;
    return s;
}

double svg_map(const svg_scale_t *s, double v)
{
    double span = s->d1 - s->d0;
    double t = span > 0 && isfinite(span) ? (v - s->d0) / span : 0;
    if (!(t >= 0))
        t = 0;
    if (t > 1)
        t = 1;
    return s->r0 + t * (s->r1 - s->r0);
}

void svg_open(FILE *f, const char *name, int h, const char *title_zh,
              const char *title_en)
{
    fprintf(f,
            "<svg id=\"chart-%s\" data-chart=\"%s\" class=\"chart\" "
            "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
            "width=\"%d\" height=\"%d\" role=\"img\" "
            "aria-labelledby=\"chart-%s-t\">\n"
            "<title id=\"chart-%s-t\">%s %s</title>\n"
            "<rect class=\"bg\" width=\"%d\" height=\"%d\"/>\n",
            name, name, SVG_WIDTH, h, SVG_WIDTH, h, name, name, title_zh,
            title_en, SVG_WIDTH, h);
}

void svg_close(FILE *f)
{
    fputs("</svg>\n", f);
}

void svg_no_data(FILE *f, double x, double y)
{
    fprintf(f,
            "<text class=\"nodata\" x=\"%.1f\" y=\"%.1f\" "
            "text-anchor=\"middle\">无数据 No data</text>\n",
            x, y);
}

/* A tick label: short exponent form from a million up, so labels of
 * huge axes do not run into each other. */
static const char *s_tick(char buf[HTML_NUM_LEN], double v)
{
    if (fabs(v) >= 1e6) {
        snprintf(buf, HTML_NUM_LEN, "%.3g", v);
        return buf;
    }
    return html_num(buf, v);
}

/* Seconds per display unit of a time axis whose domain ends at d1. */
static double s_time_unit(double d1, const char **name)
{
    if (d1 <= 600) {
        *name = "s";
        return 1;
    }
    if (d1 <= 36000) {
        *name = "min";
        return 60;
    }
    *name = "h";
    return 3600;
}

void svg_axis_x(FILE *f, const svg_scale_t *s, double y, double top, int time,
                const char *label)
{
    const char *unit = "";
    double div = time ? s_time_unit(s->d1, &unit) : 1;
    double step = s_step((s->d1 - s->d0) / div, 6) * div;
    char n[HTML_NUM_LEN];
    fprintf(f,
            "<g class=\"axis\">\n<line x1=\"%.1f\" y1=\"%.1f\" "
            "x2=\"%.1f\" y2=\"%.1f\"/>\n",
            s->r0, y, s->r1, y);
    double first = ceil(s->d0 / step) * step;
    for (int i = 0; i < S_MAX_TICKS; i++) {
        double v = first + i * step;
        if (v > s->d1 + step * 1e-9 || !isfinite(v))
            break;
        double x = svg_map(s, v);
        fprintf(f,
                "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                "y2=\"%.1f\"/><text x=\"%.1f\" y=\"%.1f\" "
                "text-anchor=\"middle\">%s</text>\n",
                x, top, x, y + 4, x, y + 16, s_tick(n, v / div));
    }
    fprintf(f,
            "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" "
            "text-anchor=\"middle\">%s%s%s%s</text>\n</g>\n",
            (s->r0 + s->r1) / 2, y + 34, label, time ? " (" : "", unit,
            time ? ")" : "");
}

void svg_axis_y(FILE *f, const svg_scale_t *s, double x, double right,
                const char *label)
{
    double step = s_step(s->d1 - s->d0, 5);
    char n[HTML_NUM_LEN];
    fprintf(f,
            "<g class=\"axis\">\n<line x1=\"%.1f\" y1=\"%.1f\" "
            "x2=\"%.1f\" y2=\"%.1f\"/>\n",
            x, s->r0, x, s->r1);
    double first = ceil(s->d0 / step) * step;
    for (int i = 0; i < S_MAX_TICKS; i++) {
        double v = first + i * step;
        if (v > s->d1 + step * 1e-9 || !isfinite(v))
            break;
        double y = svg_map(s, v);
        fprintf(f,
                "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                "y2=\"%.1f\"/><text x=\"%.1f\" y=\"%.1f\" "
                "text-anchor=\"end\">%s</text>\n",
                x - 4, y, right, y, x - 7, y + 4, s_tick(n, v));
    }
    double mid = (s->r0 + s->r1) / 2;
    fprintf(f,
            "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" "
            "text-anchor=\"middle\" transform=\"rotate(-90 %.1f %.1f)\">"
            "%s</text>\n</g>\n",
            x - 52, mid, x - 52, mid, label);
}

static double s_entry_w(int label_w)
{
    return 24 + label_w * S_COL + 16;
}

double svg_legend_next(svg_legend_t *lg, int label_w)
{
    double w = s_entry_w(label_w);
    if (lg->x > lg->x0 && lg->x + w > lg->x_max) {
        lg->x = lg->x0;
        lg->y += SVG_LEGEND_ROW;
    }
    double at = lg->x;
    lg->x += w;
    return at;
}

int svg_legend_rows(const int *w, size_t n, double x0, double x_max)
{
    svg_legend_t lg = {x0, x0, 0, x_max};
    for (size_t i = 0; i < n; i++)
        svg_legend_next(&lg, w[i]);
    return n ? (int)(lg.y / SVG_LEGEND_ROW) + 1 : 0;
}
