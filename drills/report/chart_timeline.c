/* The timeline chart (charts.h): one row per actor along scenario time.
 * Link-down periods are bands made by pairing each "link down" entry of an
 * actor with its next "link up"; a link still down at the end runs to the
 * end of the chart. Other entries are marks shaped by kind, each with its
 * time, actor and text as tooltip. */
#include "drills/report/charts.h"
#include "common/xy_mem.h"
#include "drills/report/html.h"
#include "drills/report/svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S_LEFT 170.0
#define S_RIGHT (SVG_WIDTH - 24.0)
#define S_ROW 26.0
#define S_MAX_ROWS 40 /* actors beyond share the last row, "其他 other" */
#define S_LABEL_COLS 22

static const char *const s_kind_label[DR_KIND_COUNT] = {
    "链路 link", "注入 inject", "指令 order", "确认 ack",
    "红旗 flag", "崩溃 crash",  "备注 note",  "同步 sync",
};

typedef struct s_rows {
    const char *name[S_MAX_ROWS]; /* actor of each row */
    size_t n;                     /* rows used */
    int other;                    /* the last row gathers the rest */
} s_rows_t;

static void s_add_row(s_rows_t *rows, const char *name)
{
    for (size_t i = 0; i < rows->n; i++)
        if (!strcmp(rows->name[i], name))
            return;
    if (rows->n < S_MAX_ROWS) {
        rows->name[rows->n++] = name;
        return;
    }
    rows->other = 1;
}

/* Row of actor: its own, or the last one when rows ran out. */
static size_t s_row_of(const s_rows_t *rows, const char *actor)
{
    for (size_t i = 0; i < rows->n; i++)
        if (!strcmp(rows->name[i], actor))
            return i;
    return rows->n - 1;
}

/* The coordinator first, then the agents, then anyone else in the order
 * they first appear. */
static void s_collect(s_rows_t *rows, const drill_result_t *r)
{
    for (size_t i = 0; i < r->n_timeline; i++)
        if (!strcmp(r->timeline[i].actor, "coordinator"))
            s_add_row(rows, "coordinator");
    for (size_t i = 0; i < r->n_agents; i++)
        s_add_row(rows, r->agents[i].name);
    for (size_t i = 0; i < r->n_timeline; i++)
        s_add_row(rows, r->timeline[i].actor);
}

static int s_by_time(const void *a, const void *b)
{
    const dr_entry_t *x = *(const dr_entry_t *const *)a;
    const dr_entry_t *y = *(const dr_entry_t *const *)b;
    if (x->t_s != y->t_s)
        return x->t_s < y->t_s ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Link entries: 1 for the link going down, 2 for up, 0 otherwise. */
static int s_link_state(const dr_entry_t *e)
{
    if (e->kind != DR_LINK)
        return 0;
    if (strstr(e->what, "down") || strstr(e->what, "中断"))
        return 1;
    if (strstr(e->what, "up") || strstr(e->what, "恢复"))
        return 2;
    return 0;
}

/* The shape of a kind's mark centred on (x, y). */
static void s_mark(FILE *f, dr_kind_t k, double x, double y)
{
    switch (k) {
    case DR_INJECT:
        fprintf(f, "<path d=\"M%.1f %.1fl6 6-6 6-6-6z\"/>", x, y - 6);
        break;
    case DR_ORDER:
        fprintf(f, "<path d=\"M%.1f %.1fl6 11h-12z\"/>", x, y - 6);
        break;
    case DR_ACK:
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\"/>", x, y);
        break;
    case DR_FLAG:
        fprintf(f, "<path d=\"M%.1f %.1fv14M%.1f %.1fh9l-3 4 3 4h-9z\"/>", x,
                y - 7, x, y - 7);
        break;
    case DR_CRASH:
        fprintf(f, "<path d=\"M%.1f %.1fl10 10m0-10l-10 10\"/>", x - 5, y - 5);
        break;
    case DR_NOTE:
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\"/>",
                x - 3.5, y - 3.5);
        break;
    case DR_SYNC:
        fprintf(f, "<path d=\"M%.1f %.1fl3 4 6-8\"/>", x - 4, y + 1);
        break;
    default:
        fprintf(f, "<path d=\"M%.1f %.1fv14\"/>", x, y - 7);
        break;
    }
}

static void s_tip(FILE *f, double t, const char *actor, const char *what,
                  const char *kind)
{
    char n[HTML_NUM_LEN];
    fprintf(f, "<title>%s · ", html_secs(n, t));
    html_esc(f, actor);
    fprintf(f, " · %s · ", kind);
    html_esc(f, what);
    fputs("</title>", f);
}

static void s_band(FILE *f, const svg_scale_t *x, double y, double from,
                   double to, const dr_entry_t *e, int open)
{
    char a[HTML_NUM_LEN], b[HTML_NUM_LEN];
    double x0 = svg_map(x, from), x1 = svg_map(x, to);
    fprintf(f,
            "<rect class=\"down\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
            "height=\"%.1f\"><title>链路中断 link down ",
            x0, y + 3, fmax(x1 - x0, 2), S_ROW - 6);
    html_esc(f, e->actor);
    fprintf(f, ": %s – %s</title></rect>\n", html_secs(a, from),
            open ? "到结束仍中断 still down at the end" : html_secs(b, to));
}

/* Ends the open band of every row at t ("every link up" from the runner
 * at the end of the scenario's link timeline). */
static void s_close_all(FILE *f, const svg_scale_t *x, double top,
                        const s_rows_t *rows, double *since,
                        const dr_entry_t **at, double t)
{
    for (size_t row = 0; row < rows->n; row++)
        if (!isnan(since[row])) {
            s_band(f, x, top + row * S_ROW, since[row], t, at[row], 0);
            since[row] = NAN;
        }
}

/* Bands of every row: each down paired with the next up of its actor, or
 * with an "every link up" entry of anyone. */
static void s_bands(FILE *f, const svg_scale_t *x, double top,
                    const s_rows_t *rows, const dr_entry_t **ix, size_t n)
{
    double *since = xmalloc(rows->n * sizeof *since);
    const dr_entry_t **at = xcalloc(rows->n, sizeof *at);
    for (size_t i = 0; i < rows->n; i++)
        since[i] = NAN;
    for (size_t i = 0; i < n; i++) {
        int st = s_link_state(ix[i]);
        size_t row = s_row_of(rows, ix[i]->actor);
        if (st == 1 && isnan(since[row])) {
            since[row] = ix[i]->t_s;
            at[row] = ix[i];
        } else if (st == 2 && strstr(ix[i]->what, "every link")) {
            s_close_all(f, x, top, rows, since, at, ix[i]->t_s);
        } else if (st == 2 && !isnan(since[row])) {
            s_band(f, x, top + row * S_ROW, since[row], ix[i]->t_s, at[row], 0);
            since[row] = NAN;
        }
    }
    for (size_t row = 0; row < rows->n; row++)
        if (!isnan(since[row]))
            s_band(f, x, top + row * S_ROW, since[row], x->d1, at[row], 1);
    free(since);
    free(at);
}

static void s_marks(FILE *f, const svg_scale_t *x, double top,
                    const s_rows_t *rows, const dr_entry_t **ix, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const dr_entry_t *e = ix[i];
        double y = top + s_row_of(rows, e->actor) * S_ROW + S_ROW / 2;
        fprintf(f, "<g class=\"m k-%s\">", dr_kind_name(e->kind));
        s_tip(f, e->t_s, e->actor, e->what, s_kind_label[e->kind]);
        s_mark(f, e->kind, svg_map(x, e->t_s), y);
        fputs("</g>\n", f);
    }
}

static void s_row_labels(FILE *f, const s_rows_t *rows, double top)
{
    for (size_t i = 0; i < rows->n; i++) {
        double y = top + i * S_ROW;
        int other = rows->other && i == rows->n - 1;
        fprintf(f,
                "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                "height=\"%.1f\"/>\n<text class=\"rowname\" x=\"%.1f\" "
                "y=\"%.1f\" text-anchor=\"end\"><title>",
                i % 2 ? "row odd" : "row", S_LEFT, y, S_RIGHT - S_LEFT, S_ROW,
                S_LEFT - 8, y + S_ROW / 2 + 4);
        html_esc(f, other ? "其他 other" : rows->name[i]);
        fputs("</title>", f);
        html_esc_fit(f, other ? "其他 other" : rows->name[i], S_LABEL_COLS);
        fputs("</text>\n", f);
    }
}

#define S_DOWN_LABEL "链路中断 link down"

/* Rows the legend of kinds takes. */
static int s_legend_rows(void)
{
    int w[DR_KIND_COUNT + 1];
    w[0] = html_width(S_DOWN_LABEL);
    for (int k = 0; k < DR_KIND_COUNT; k++)
        w[k + 1] = html_width(s_kind_label[k]);
    return svg_legend_rows(w, DR_KIND_COUNT + 1, S_LEFT, S_RIGHT);
}

/* Legend of kinds, its first row at y 18. */
static void s_legend(FILE *f)
{
    svg_legend_t lg = {S_LEFT, S_LEFT, 18, S_RIGHT};
    double x = svg_legend_next(&lg, html_width(S_DOWN_LABEL));
    fprintf(f,
            "<rect class=\"down\" x=\"%.1f\" y=\"%.1f\" width=\"16\" "
            "height=\"12\"/><text x=\"%.1f\" y=\"%.1f\">" S_DOWN_LABEL
            "</text>\n",
            x, lg.y - 10, x + 22, lg.y);
    for (int k = 0; k < DR_KIND_COUNT; k++) {
        x = svg_legend_next(&lg, html_width(s_kind_label[k]));
        fprintf(f, "<g class=\"m k-%s\">", dr_kind_name((dr_kind_t)k));
        s_mark(f, (dr_kind_t)k, x + 8, lg.y - 4);
        fprintf(f, "</g><text x=\"%.1f\" y=\"%.1f\">%s</text>\n", x + 22, lg.y,
                s_kind_label[k]);
    }
}

void chart_timeline(FILE *f, const drill_result_t *r)
{
    s_rows_t rows = {0};
    s_collect(&rows, r);
    double end = r->drill.scenario_s;
    const dr_entry_t **ix = xcalloc(r->n_timeline + 1, sizeof *ix);
    for (size_t i = 0; i < r->n_timeline; i++) {
        ix[i] = &r->timeline[i];
        end = fmax(end, ix[i]->t_s);
    }
    qsort(ix, r->n_timeline, sizeof *ix, s_by_time);
    double top = 18 + s_legend_rows() * SVG_LEGEND_ROW + 8;
    size_t nrows = rows.n ? rows.n : 1;
    double bottom = top + nrows * S_ROW;
    svg_open(f, "timeline", (int)(bottom + 48), "演练时间线", "Drill timeline");
    s_legend(f);
    svg_scale_t x = svg_scale(0, end, S_LEFT, S_RIGHT);
    if (!rows.n) {
        svg_no_data(f, (S_LEFT + S_RIGHT) / 2, top + S_ROW / 2 + 4);
    } else {
        s_row_labels(f, &rows, top);
        s_bands(f, &x, top, &rows, ix, r->n_timeline);
    }
    svg_axis_x(f, &x, bottom, top, 1, "场景时间 Scenario time");
    if (rows.n)
        s_marks(f, &x, top, &rows, ix, r->n_timeline);
    svg_close(f);
    free(ix);
}
