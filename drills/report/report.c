/* The after-action report document (report.h): the page around the
 * charts, the score and its must-haves, the tables, and the safe write
 * (temporary file, fsync, rename). Every string from the result goes
 * through html_esc. */
#include "drills/report/report.h"
#include "common/xy_error.h"
#include "drills/report/charts.h"
#include "drills/report/html.h"
#include "drills/report/result.h"
#include "drills/report/style.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Timeline entries listed in the table at the end (the chart shows all). */
#define S_MAX_LISTED 1000

static void s_cell(FILE *f, const char *s)
{
    fputs("<td>", f);
    html_esc(f, s);
    fputs("</td>", f);
}

static void s_cell_secs(FILE *f, double v, const char *if_null)
{
    char n[HTML_NUM_LEN];
    if (isnan(v))
        fprintf(f, "<td class=\"n bad\">%s</td>", if_null);
    else
        fprintf(f, "<td class=\"n\">%s</td>", html_secs(n, v));
}

static void s_head(FILE *f, const drill_result_t *r)
{
    fputs("<!DOCTYPE html>\n<html lang=\"zh-Hans\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<title>演练 EXERCISE · 演练评估报告 "
          "After-action report · ",
          f);
    html_esc(f, r->drill.name);
    fprintf(f,
            "</title>\n<style>\n%s</style>\n</head>\n<body>\n"
            "<div class=\"watermark\" aria-hidden=\"true\">演练 "
            "EXERCISE</div>\n<main>\n",
            drill_report_css);
}

static void s_meta_row(FILE *f, const char *label, const char *value)
{
    fprintf(f, "<dt>%s</dt><dd>", label);
    html_esc(f, value && *value ? value : "—");
    fputs("</dd>\n", f);
}

static void s_title(FILE *f, const drill_result_t *r)
{
    char a[HTML_NUM_LEN], b[HTML_NUM_LEN];
    fputs("<header>\n<div class=\"banner\" id=\"exercise\"><span "
          "class=\"big\">演练 EXERCISE</span><span>本报告全部数据为演练数据，"
          "不是真实事件。<br>All data in this report is exercise data, not a "
          "real incident.</span></div>\n",
          f);
    if (!r->drill.exercise)
        fputs("<p class=\"warn\">警告：结果未标记为演练（drill.exercise 为 "
              "false）。Warning: the result is not marked as an exercise "
              "(drill.exercise is false).</p>\n",
              f);
    fputs("<h1>演练评估报告 After-action report</h1>\n<p id=\"drill-name\" "
          "style=\"font-size:20px;margin:0\">",
          f);
    html_esc(f, r->drill.name);
    fputs("</p>\n<dl class=\"meta\">\n", f);
    s_meta_row(f, "场景 Scenario", r->drill.scenario);
    s_meta_row(f, "灾种 Hazard", r->drill.hazard);
    s_meta_row(f, "事件 Incident", r->drill.incident);
    s_meta_row(f, "开始 Started", r->drill.started_at);
    fprintf(f,
            "<dt>时间压缩 Compression</dt><dd id=\"compress\">×%s "
            "(1 实际秒 real s = %s 场景秒 scenario s)</dd>\n",
            html_num(a, r->drill.compress), html_num(b, r->drill.compress));
    fprintf(f, "<dt>实际时长 Wall time</dt><dd id=\"wall\">%s</dd>\n",
            html_secs(a, r->drill.wall_s));
    fprintf(f,
            "<dt>场景时长 Scenario time</dt><dd id=\"scenario-time\">"
            "%s</dd>\n</dl>\n</header>\n",
            html_secs(b, r->drill.scenario_s));
}

static void s_must(FILE *f, const char *id, int ok, const char *label,
                   const char *value, const char *detail)
{
    fprintf(f,
            "<div class=\"must %s\" id=\"%s\"><div>%s</div><div "
            "class=\"v\">%s %s</div><div>%s</div></div>\n",
            ok ? "ok" : "bad", id, label, ok ? "✓" : "✗", value, detail);
}

static void s_musts(FILE *f, const drill_result_t *r)
{
    char lost[HTML_NUM_LEN], dup[HTML_NUM_LEN], d[160];
    char rec[HTML_NUM_LEN], at[HTML_NUM_LEN];
    snprintf(d, sizeof d, "记录 recorded %s · 指挥中心 at coordinator %s",
             html_num(rec, r->score.recorded),
             html_num(at, r->score.at_coordinator));
    fputs("<h3>必达项 Must-haves</h3>\n<div class=\"musts\">\n", f);
    s_must(f, "must-lost", r->score.lost == 0, "丢失事件 Events lost",
           html_num(lost, r->score.lost), d);
    s_must(f, "must-duplicates", r->score.duplicates == 0,
           "重复事件 Duplicates", html_num(dup, r->score.duplicates),
           "同一事件只存一次 each event stored once");
    s_must(f, "must-convergence", r->score.converged, "收敛 Convergence",
           r->score.converged ? "一致 converged" : "不一致 diverged",
           "各节点视图摘要 view digests of every node");
    fputs("</div>\n", f);
}

static void s_fact(FILE *f, const char *id, const char *label,
                   const char *value)
{
    fprintf(f, "<div id=\"%s\">%s<b>%s</b></div>\n", id, label, value);
}

static void s_facts(FILE *f, const drill_result_t *r)
{
    char a[HTML_NUM_LEN], b[HTML_NUM_LEN], c[HTML_NUM_LEN], v[160];
    double cov = r->score.triage_coverage;
    if (isnan(cov) && r->score.triage_people > 0)
        cov = r->score.triage_triaged / r->score.triage_people;
    fputs("<div class=\"facts\">\n", f);
    s_fact(f, "activation", "启动 Activation",
           isnan(r->score.activation_s) ? "未启动 never"
                                        : html_secs(a, r->score.activation_s));
    s_fact(f, "first-dispatch", "首次派遣 First dispatch",
           isnan(r->score.first_dispatch_s)
               ? "未派遣 never"
               : html_secs(a, r->score.first_dispatch_s));
    snprintf(v, sizeof v, "%s / %s (%s%%)",
             html_num(a, r->score.triage_triaged),
             html_num(b, r->score.triage_people),
             html_num(c, isnan(cov) ? NAN : round(cov * 1000) / 10));
    s_fact(f, "triage", "分诊 Triaged / people", v);
    snprintf(v, sizeof v, "%s / %s", html_num(a, r->score.handoffs_completed),
             html_num(b, r->score.handoffs_proposed));
    s_fact(f, "handoffs", "转介完成 Handoffs completed / proposed", v);
    fputs("</div>\n", f);
}

/* Opens a table: its heading (tag h2 or h3), its id and its header cells,
 * ncols of them; the rows follow. */
static void s_table_open(FILE *f, const char *tag, const char *title,
                         const char *id, const char *const *cols,
                         size_t ncols)
{
    fprintf(f, "<%s>%s</%s>\n<table id=\"%s\"><thead><tr>", tag, title, tag,
            id);
    for (size_t i = 0; i < ncols; i++)
        fprintf(f, "<th>%s</th>", cols[i]);
    fputs("</tr></thead><tbody>\n", f);
}

/* Closes a table of rows rows and ncols columns, saying empty when it has
 * none. */
static void s_table_close(FILE *f, size_t rows, size_t ncols,
                          const char *empty)
{
    if (!rows)
        fprintf(f, "<tr><td colspan=\"%zu\">%s</td></tr>\n", ncols, empty);
    fputs("</tbody></table>\n", f);
}

static void s_items(FILE *f, const drill_result_t *r)
{
    char a[HTML_NUM_LEN], b[HTML_NUM_LEN];
    static const char *const cols[] = {"项目 Item", "实际 Value",
                                       "目标 Target", "得分 Points",
                                       "说明 Note"};
    s_table_open(f, "h3", "评分项 Score items", "items", cols, 5);
    for (size_t i = 0; i < r->score.n_items; i++) {
        const dr_item_t *it = &r->score.items[i];
        fputs("<tr>", f);
        s_cell(f, it->name);
        if (it->truth >= 0)
            fprintf(f, "<td class=\"n\">%s ", it->truth ? "是 yes" : "否 no");
        else
            fprintf(f, "<td class=\"n\">%s ", html_num(a, it->value));
        html_esc(f, isnan(it->value) ? "" : it->unit);
        fprintf(f, "</td><td class=\"n\">%s ", html_num(a, it->target));
        html_esc(f, isnan(it->target) ? "" : it->unit);
        fprintf(f, "</td><td class=\"n%s\">%s / %s</td>",
                it->points < it->max ? " bad" : "", html_num(a, it->points),
                html_num(b, it->max));
        s_cell(f, it->note);
        fputs("</tr>\n", f);
    }
    s_table_close(f, r->score.n_items, 5, "无评分项 No items");
}

static void s_score(FILE *f, const drill_result_t *r)
{
    char p[HTML_NUM_LEN], m[HTML_NUM_LEN];
    fprintf(f,
            "<section id=\"score\">\n<h2>评分 Score</h2>\n<div "
            "class=\"total\"><span class=\"points\" id=\"points\">%s "
            "<small>/ %s</small></span><span class=\"verdict %s\" "
            "id=\"verdict\">%s</span></div>\n",
            html_num(p, r->score.points), html_num(m, r->score.max),
            r->score.pass ? "pass" : "fail",
            r->score.pass ? "通过 PASS" : "未通过 FAIL");
    s_musts(f, r);
    s_facts(f, r);
    s_items(f, r);
    fputs("</section>\n", f);
}

typedef void (*s_chart_fn)(FILE *f, const drill_result_t *r);

static void s_figure(FILE *f, const drill_result_t *r, s_chart_fn chart,
                     const char *heading, const char *caption)
{
    fprintf(f, "<figure>\n<h3>%s</h3>\n", heading);
    chart(f, r);
    fprintf(f, "<figcaption>%s</figcaption>\n</figure>\n", caption);
}

static void s_charts(FILE *f, const drill_result_t *r)
{
    fputs("<section id=\"charts\">\n<h2>图表 Charts</h2>\n", f);
    s_figure(f, r, chart_timeline, "演练时间线 Drill timeline",
             "每行一个参与方；红色带为链路中断时段；标记形状区分类型，"
             "悬停可见详情。One row per actor; red bands are link-down "
             "periods; mark shapes tell the kinds apart (hover for "
             "details).");
    s_figure(f, r, chart_backlog, "同步积压 Sync backlog",
             "每个现场节点等待发送到指挥中心的事件数。链路中断时上升，"
             "恢复后应回落到零。Events each field agent holds waiting to "
             "be sent to the coordinator: it climbs while the link is down "
             "and should drain to zero once it is back.");
    s_figure(f, r, chart_flags, "红旗响应时间 Red-flag latency",
             "每面红旗从发出到有人确认的时间；虚线为目标。Time from "
             "raising each red flag to a person acknowledging it; the "
             "dashed line is the target.");
    s_figure(f, r, chart_coverage, "各区分诊覆盖 Triage coverage by zone",
             "每个区登记的人数与已分诊人数。People registered in each zone "
             "and how many of them were triaged.");
    fputs("</section>\n", f);
}

static void s_team_acks(FILE *f, const drill_result_t *r)
{
    static const char *const cols[] = {"队伍 Team", "级别 Level",
                                       "下达 Ordered", "确认 Acked",
                                       "用时 Latency"};
    s_table_open(f, "h2", "队伍确认 Team acknowledgements", "team-acks", cols,
                 5);
    for (size_t i = 0; i < r->score.n_team_acks; i++) {
        const dr_team_ack_t *t = &r->score.team_acks[i];
        fputs("<tr>", f);
        s_cell(f, t->team);
        s_cell(f, t->level);
        s_cell_secs(f, t->ordered_s, "未下达 never ordered");
        s_cell_secs(f, t->acked_s, "未确认 never acked");
        s_cell_secs(f, t->latency_s, "—");
        fputs("</tr>\n", f);
    }
    s_table_close(f, r->score.n_team_acks, 5, "无派遣 No deployments");
}

static void s_flags(FILE *f, const drill_result_t *r)
{
    static const char *const cols[] = {"红旗 Flag", "节点 Agent",
                                       "区域 Zone", "发出 Raised",
                                       "确认 Acked", "用时 Latency"};
    s_table_open(f, "h2", "红旗 Red flags", "red-flags", cols, 6);
    for (size_t i = 0; i < r->score.n_flags; i++) {
        const dr_flag_t *fl = &r->score.flags[i];
        fputs("<tr><td><code>", f);
        html_esc(f, fl->flag);
        fputs("</code></td>", f);
        s_cell(f, fl->agent);
        s_cell(f, fl->zone);
        s_cell_secs(f, fl->raised_s, "—");
        s_cell_secs(f, fl->acked_s, "未确认 never acked");
        s_cell_secs(f, fl->latency_s, "未确认 never acked");
        fputs("</tr>\n", f);
    }
    s_table_close(f, r->score.n_flags, 6, "无红旗 No red flags");
}

/* The coordinator's digest (or the first) is the one the others match. */
static void s_digests(FILE *f, const drill_result_t *r)
{
    const char *ref = r->score.n_digests ? r->score.digests[0].digest : "";
    for (size_t i = 0; i < r->score.n_digests; i++)
        if (!strcmp(r->score.digests[i].node, "coordinator"))
            ref = r->score.digests[i].digest;
    static const char *const cols[] = {"节点 Node", "视图摘要 View digest",
                                       "一致 Same"};
    s_table_open(f, "h2", "收敛 Convergence", "digests", cols, 3);
    for (size_t i = 0; i < r->score.n_digests; i++) {
        const dr_digest_t *d = &r->score.digests[i];
        int same = !strcmp(d->digest, ref);
        fputs("<tr>", f);
        s_cell(f, d->node);
        fputs("<td><code>", f);
        html_esc(f, d->digest);
        fprintf(f, "</code></td><td class=\"%s\">%s</td></tr>\n",
                same ? "ok" : "bad", same ? "✓" : "✗ 不同 differs");
    }
    s_table_close(f, r->score.n_digests, 3, "无摘要 No digests");
}

static void s_agents(FILE *f, const drill_result_t *r)
{
    static const char *const cols[] = {"节点 Agent", "队伍 Team",
                                       "区域 Zone"};
    s_table_open(f, "h2", "现场节点 Field agents", "agents", cols, 3);
    for (size_t i = 0; i < r->n_agents; i++) {
        fputs("<tr>", f);
        s_cell(f, r->agents[i].name);
        s_cell(f, r->agents[i].team);
        s_cell(f, r->agents[i].zone);
        fputs("</tr>\n", f);
    }
    s_table_close(f, r->n_agents, 3, "无节点 No agents");
}

static void s_entries(FILE *f, const drill_result_t *r)
{
    char n[HTML_NUM_LEN];
    size_t shown = r->n_timeline < S_MAX_LISTED ? r->n_timeline : S_MAX_LISTED;
    static const char *const cols[] = {"时间 Time", "参与方 Actor",
                                       "类型 Kind", "内容 What"};
    s_table_open(f, "h2", "时间线记录 Timeline entries", "timeline", cols, 4);
    for (size_t i = 0; i < shown; i++) {
        const dr_entry_t *e = &r->timeline[i];
        fprintf(f, "<tr><td class=\"n\">%s</td>", html_secs(n, e->t_s));
        s_cell(f, e->actor);
        fprintf(f, "<td>%s</td>", dr_kind_name(e->kind));
        s_cell(f, e->what);
        fputs("</tr>\n", f);
    }
    s_table_close(f, r->n_timeline, 4, "无记录 No entries");
    if (shown < r->n_timeline)
        fprintf(f,
                "<p>另有 %zu 条见 result.json。%zu more entries are in "
                "result.json.</p>\n",
                r->n_timeline - shown, r->n_timeline - shown);
}

static void s_render(FILE *f, const drill_result_t *r)
{
    s_head(f, r);
    s_title(f, r);
    s_score(f, r);
    s_charts(f, r);
    s_team_acks(f, r);
    s_flags(f, r);
    s_digests(f, r);
    s_agents(f, r);
    s_entries(f, r);
    fputs("</main>\n<footer>演练数据 Exercise data · " DRILL_RESULT_FORMAT
          " · xinyuan-drill report</footer>\n</body>\n</html>\n",
          f);
}

int drill_report_html(const json_t *result, FILE *out, char *err, size_t errlen)
{
    drill_result_t *r = NULL;
    int rc = drill_result_read(&r, result, err, errlen);
    if (rc)
        return rc;
    s_render(out, r);
    drill_result_destroy(&r);
    if (fflush(out) || ferror(out)) {
        snprintf(err, errlen, "report: cannot write the report: %s",
                 strerror(errno));
        return XY_EIO;
    }
    return 0;
}

/* Writes the report into the open temporary file tmp and makes it
 * durable; closes it whatever happens. */
static int s_write_tmp(const json_t *result, int fd, const char *tmp, char *err,
                       size_t errlen)
{
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        snprintf(err, errlen, "report: %s: %s", tmp, strerror(errno));
        return XY_EIO;
    }
    int rc = drill_report_html(result, f, err, errlen);
    if (!rc && (fchmod(fd, 0644) || fsync(fd))) {
        snprintf(err, errlen, "report: %s: %s", tmp, strerror(errno));
        rc = XY_EIO;
    }
    if (fclose(f) && !rc) {
        snprintf(err, errlen, "report: %s: %s", tmp, strerror(errno));
        rc = XY_EIO;
    }
    return rc;
}

int drill_report_write(const json_t *result, const char *html_path, char *err,
                       size_t errlen)
{
    char tmp[PATH_MAX];
    drill_result_t *r = NULL;
    /* Check first, so a malformed result leaves no file at all. */
    int rc = drill_result_read(&r, result, err, errlen);
    drill_result_destroy(&r);
    if (rc)
        return rc;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", html_path) >=
        sizeof tmp) {
        snprintf(err, errlen, "report: %s: path too long", html_path);
        return XY_EINVAL;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "report: cannot create %s: %s", tmp,
                 strerror(errno));
        return XY_EIO;
    }
    rc = s_write_tmp(result, fd, tmp, err, errlen);
    if (!rc && rename(tmp, html_path)) {
        snprintf(err, errlen, "report: cannot rename %s to %s: %s", tmp,
                 html_path, strerror(errno));
        rc = XY_EIO;
    }
    if (rc)
        unlink(tmp);
    return rc;
}
