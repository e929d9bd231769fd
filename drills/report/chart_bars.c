/* The two bar charts of the report (charts.h): red-flag latencies, one
 * horizontal bar per flag against the target line, and triage coverage,
 * a pair of bars (people, triaged) per zone. Bars run left to right so
 * long zone and agent names fit as row labels. */
#include "drills/report/charts.h"
#include "drills/report/html.h"
#include "drills/report/svg.h"

#include <math.h>
#include <string.h>

#define S_LEFT 230.0
#define S_RIGHT (SVG_WIDTH - 150.0) /* room for the value after a bar */
#define S_LABEL_COLS 30
#define S_FLAG_ROW 24.0
#define S_ZONE_ROW 36.0
#define S_TOP 48.0

double chart_flag_target(const drill_result_t *r)
{
    for (size_t i = 0; i < r->score.n_items; i++) {
        const dr_item_t *it = &r->score.items[i];
        if ((strcasestr(it->name, "flag") || strstr(it->name, "红旗")) &&
            !isnan(it->target))
            return it->target;
    }
    return NAN;
}

static double s_latency(const dr_flag_t *fl)
{
    if (!isnan(fl->latency_s) || isnan(fl->acked_s))
        return fl->latency_s;
    return fmax(fl->acked_s - fl->raised_s, 0);
}

/* A row label (cut to fit, full text as tooltip) ending at S_LEFT. */
static void s_label(FILE *f, double y, const char *a, const char *b)
{
    fputs("<text class=\"rowname\" text-anchor=\"end\" ", f);
    fprintf(f, "x=\"%.1f\" y=\"%.1f\"><title>", S_LEFT - 8, y);
    html_esc(f, a);
    if (b && *b) {
        fputs(" · ", f);
        html_esc(f, b);
    }
    fputs("</title>", f);
    int wa = html_width(a);
    html_esc_fit(f, a, b && *b ? S_LABEL_COLS / 2 : S_LABEL_COLS);
    if (b && *b) {
        fputs(" · ", f);
        html_esc_fit(f, b,
                     S_LABEL_COLS -
                         (wa < S_LABEL_COLS / 2 ? wa : S_LABEL_COLS / 2) - 3);
    }
    fputs("</text>\n", f);
}

static void s_swatch(FILE *f, svg_legend_t *lg, const char *cls,
                     const char *label)
{
    double x = svg_legend_next(lg, html_width(label));
    fprintf(f,
            "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"16\" "
            "height=\"12\"/><text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
            cls, x, lg->y - 10, x + 22, lg->y, label);
}

static void s_flag_row(FILE *f, const svg_scale_t *x, double y,
                       const dr_flag_t *fl, double target)
{
    char a[HTML_NUM_LEN], b[HTML_NUM_LEN];
    double lat = s_latency(fl);
    s_label(f, y + 16, fl->agent, fl->zone);
    fputs("<g class=\"bar\"><title>红旗 flag ", f);
    html_esc_fit(f, fl->flag, 16);
    fputs(" · ", f);
    html_esc(f, fl->agent);
    fprintf(f, " · 发出 raised %s · ", html_secs(a, fl->raised_s));
    if (isnan(lat)) {
        fprintf(f,
                "未确认 never acked</title><rect class=\"never\" "
                "x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\"/>"
                "<text class=\"val bad\" x=\"%.1f\" y=\"%.1f\">未确认 "
                "never acked</text></g>\n",
                S_LEFT, y + 4, S_RIGHT - S_LEFT, S_RIGHT + 6, y + 16);
        return;
    }
    double w = svg_map(x, lat) - S_LEFT;
    fprintf(f, "确认 acked %s · 用时 latency %s</title>",
            html_secs(a, fl->acked_s), html_secs(b, lat));
    fprintf(f,
            "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
            "height=\"16\"/><text class=\"val\" x=\"%.1f\" y=\"%.1f\">"
            "%s</text></g>\n",
            !isnan(target) && lat > target ? "late" : "ok", S_LEFT, y + 4,
            fmax(w, 1), S_LEFT + w + 6, y + 16, html_secs(a, lat));
}

static void s_flag_target(FILE *f, const svg_scale_t *x, double target,
                          double top, double bottom)
{
    char n[HTML_NUM_LEN];
    if (isnan(target))
        return;
    double tx = svg_map(x, target);
    fprintf(f,
            "<g class=\"target\"><line x1=\"%.1f\" y1=\"%.1f\" "
            "x2=\"%.1f\" y2=\"%.1f\"/><text x=\"%.1f\" y=\"%.1f\" "
            "text-anchor=\"middle\">目标 target %s</text></g>\n",
            tx, top - 4, tx, bottom, tx, top - 8, html_secs(n, target));
}

void chart_flags(FILE *f, const drill_result_t *r)
{
    double target = chart_flag_target(r);
    double hi = isnan(target) ? 0 : target;
    for (size_t i = 0; i < r->score.n_flags; i++) {
        double lat = s_latency(&r->score.flags[i]);
        if (!isnan(lat))
            hi = fmax(hi, lat);
    }
    size_t rows = r->score.n_flags ? r->score.n_flags : 1;
    double top = S_TOP + 12, bottom = top + rows * S_FLAG_ROW;
    svg_open(f, "flags", (int)(bottom + 48), "红旗响应时间",
             "Red-flag latency");
    svg_legend_t lg = {S_LEFT, S_LEFT, 18, S_RIGHT};
    s_swatch(f, &lg, "ok", "达标 within target");
    s_swatch(f, &lg, "late", "超时 over target");
    s_swatch(f, &lg, "never", "未确认 never acked");
    svg_scale_t x = svg_scale(0, hi, S_LEFT, S_RIGHT);
    svg_axis_x(f, &x, bottom, top, 1, "发出到确认 Raise to acknowledge");
    if (!r->score.n_flags)
        svg_no_data(f, (S_LEFT + S_RIGHT) / 2, top + 16);
    for (size_t i = 0; i < r->score.n_flags; i++)
        s_flag_row(f, &x, top + i * S_FLAG_ROW, &r->score.flags[i], target);
    s_flag_target(f, &x, target, top, bottom);
    svg_close(f);
}

static void s_zone_row(FILE *f, const svg_scale_t *x, double y,
                       const dr_zone_t *z)
{
    char p[HTML_NUM_LEN], t[HTML_NUM_LEN], pc[HTML_NUM_LEN];
    html_num(p, z->people);
    html_num(t, z->triaged);
    s_label(f, y + 22, z->zone, NULL);
    fputs("<g class=\"bar\"><title>", f);
    html_esc(f, z->zone);
    fprintf(f, ": 人数 people %s, 已分诊 triaged %s</title>", p, t);
    double wp = svg_map(x, z->people) - S_LEFT;
    double wt = svg_map(x, z->triaged) - S_LEFT;
    fprintf(f,
            "<rect class=\"people\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
            "height=\"13\"/><text class=\"val\" x=\"%.1f\" y=\"%.1f\">"
            "%s</text>",
            S_LEFT, y + 4, fmax(wp, 1), S_LEFT + wp + 6, y + 15, p);
    if (z->people > 0)
        html_num(pc, round(1000 * z->triaged / z->people) / 10);
    fprintf(f,
            "<rect class=\"triaged\" x=\"%.1f\" y=\"%.1f\" "
            "width=\"%.1f\" height=\"13\"/><text class=\"val\" "
            "x=\"%.1f\" y=\"%.1f\">%s%s%s%s</text></g>\n",
            S_LEFT, y + 18, fmax(wt, 1), S_LEFT + wt + 6, y + 29, t,
            z->people > 0 ? " (" : "", z->people > 0 ? pc : "",
            z->people > 0 ? "%)" : "");
}

void chart_coverage(FILE *f, const drill_result_t *r)
{
    double hi = 0;
    for (size_t i = 0; i < r->n_zones; i++)
        hi = fmax(hi, fmax(r->zones[i].people, r->zones[i].triaged));
    size_t rows = r->n_zones ? r->n_zones : 1;
    double top = S_TOP, bottom = top + rows * S_ZONE_ROW;
    svg_open(f, "coverage", (int)(bottom + 48), "各区分诊覆盖",
             "Triage coverage by zone");
    svg_legend_t lg = {S_LEFT, S_LEFT, 18, S_RIGHT};
    s_swatch(f, &lg, "people", "登记人数 people");
    s_swatch(f, &lg, "triaged", "已分诊 triaged");
    svg_scale_t x = svg_scale(0, hi, S_LEFT, S_RIGHT);
    svg_axis_x(f, &x, bottom, top, 0, "人数 People");
    if (!r->n_zones)
        svg_no_data(f, (S_LEFT + S_RIGHT) / 2, top + 20);
    for (size_t i = 0; i < r->n_zones; i++)
        s_zone_row(f, &x, top + i * S_ZONE_ROW, &r->zones[i]);
    svg_close(f);
}
