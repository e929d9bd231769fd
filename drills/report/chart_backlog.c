/* The sync backlog chart (charts.h): events waiting to be sent by each
 * agent along scenario time, one line per agent in the result's order
 * (samples sorted by time), a lone sample as a dot, and a legend naming
 * every agent with its peak. */
#include "drills/report/charts.h"
#include "common/xy_mem.h"
#include "drills/report/html.h"
#include "drills/report/svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S_LEFT 90.0
#define S_RIGHT (SVG_WIDTH - 24.0)
#define S_PLOT_H 260.0
#define S_LABEL_COLS 24

static int s_by_time(const void *a, const void *b)
{
    const dr_sample_t *x = a, *y = b;
    return (x->t_s > y->t_s) - (x->t_s < y->t_s);
}

static double s_peak(const dr_backlog_t *b)
{
    double m = 0;
    for (size_t i = 0; i < b->n; i++)
        m = fmax(m, b->samples[i].waiting);
    return m;
}

/* Display columns of the legend label of series b (name, cut, + peak). */
static int s_label_w(const dr_backlog_t *b)
{
    int w = html_width(b->agent);
    return (w > S_LABEL_COLS ? S_LABEL_COLS : w) + 16;
}

static void s_legend(FILE *f, const drill_result_t *r, double y0)
{
    svg_legend_t lg = {S_LEFT, S_LEFT, y0, S_RIGHT};
    char n[HTML_NUM_LEN];
    for (size_t i = 0; i < r->n_backlog; i++) {
        const dr_backlog_t *b = &r->backlog[i];
        double x = svg_legend_next(&lg, s_label_w(b));
        fprintf(f, "<g class=\"legend\"><title>");
        html_esc(f, b->agent);
        fprintf(f,
                "</title><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                "y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"%s\" "
                "stroke-width=\"3\"/><text x=\"%.1f\" y=\"%.1f\">",
                x, lg.y - 4, x + 18, lg.y - 4, svg_color(i), svg_dash(i),
                x + 22, lg.y);
        html_esc_fit(f, b->agent, S_LABEL_COLS);
        if (b->n)
            fprintf(f, " (峰值 peak %s)", html_num(n, s_peak(b)));
        else
            fputs(" (无数据 no samples)", f);
        fputs("</text></g>\n", f);
    }
}

static void s_series(FILE *f, const svg_scale_t *x, const svg_scale_t *y,
                     const dr_backlog_t *b, size_t i)
{
    if (!b->n)
        return;
    dr_sample_t *s = xmalloc(b->n * sizeof *s);
    memcpy(s, b->samples, b->n * sizeof *s);
    qsort(s, b->n, sizeof *s, s_by_time);
    char n[HTML_NUM_LEN];
    fprintf(f, "<g class=\"series\" fill=\"%s\" stroke=\"%s\"><title>",
            svg_color(i), svg_color(i));
    html_esc(f, b->agent);
    fprintf(f, ": 峰值 peak %s</title>", html_num(n, s_peak(b)));
    if (b->n == 1) {
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>",
                svg_map(x, s[0].t_s), svg_map(y, s[0].waiting));
    } else {
        fprintf(f,
                "<polyline fill=\"none\" stroke-width=\"2\" "
                "stroke-dasharray=\"%s\" points=\"",
                svg_dash(i));
        for (size_t k = 0; k < b->n; k++)
            fprintf(f, "%s%.1f,%.1f", k ? " " : "", svg_map(x, s[k].t_s),
                    svg_map(y, s[k].waiting));
        fputs("\"/>", f);
    }
    fputs("</g>\n", f);
    free(s);
}

void chart_backlog(FILE *f, const drill_result_t *r)
{
    double end = r->drill.scenario_s, peak = 0;
    size_t points = 0;
    int *w = xcalloc(r->n_backlog + 1, sizeof *w);
    for (size_t i = 0; i < r->n_backlog; i++) {
        const dr_backlog_t *b = &r->backlog[i];
        for (size_t k = 0; k < b->n; k++)
            end = fmax(end, b->samples[k].t_s);
        peak = fmax(peak, s_peak(b));
        points += b->n;
        w[i] = s_label_w(b);
    }
    int lrows = svg_legend_rows(w, r->n_backlog, S_LEFT, S_RIGHT);
    free(w);
    double top = 18 + lrows * SVG_LEGEND_ROW + 8;
    double bottom = top + S_PLOT_H;
    svg_open(f, "backlog", (int)(bottom + 48), "同步积压", "Sync backlog");
    s_legend(f, r, 18);
    svg_scale_t x = svg_scale(0, end, S_LEFT, S_RIGHT);
    svg_scale_t y = svg_scale(0, peak, bottom, top);
    svg_axis_y(f, &y, S_LEFT, S_RIGHT, "待发送事件 Events waiting");
    svg_axis_x(f, &x, bottom, top, 1, "场景时间 Scenario time");
    if (!points)
        svg_no_data(f, (S_LEFT + S_RIGHT) / 2, (top + bottom) / 2);
    for (size_t i = 0; i < r->n_backlog; i++)
        s_series(f, &x, &y, &r->backlog[i], i);
    svg_close(f);
}
