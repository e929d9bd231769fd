/* Tests of follow-up and handoff to community services: the CST calendar
 * and schedules (domain/civil_date.h, domain/followup.h), the handoff
 * lattice (domain/handoff.h), closure and reopening (domain/case.h), and
 * overdue detection read back from a reopened store. */
#include "core/event_log.h"
#include "common/xy_error.h"
#include "domain/case.h"
#include "domain/civil_date.h"
#include "domain/followup.h"
#include "domain/handoff.h"
#include "domain/service.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t s_day(const char *ymd)
{
    civil_date_t d;
    cr_assert_eq(civil_date_parse(ymd, &d), 0, "%s", ymd);
    return civil_date_to_ms(&d);
}

static const char *s_fmt(uint64_t ms)
{
    static char buf[4][CIVIL_DATE_TEXT];
    static int i;
    civil_date_t d;
    cr_assert_eq(civil_date_from_ms(ms, &d), 0);
    return civil_date_format(&d, buf[i++ % 4]);
}

Test(followup, usage_schedule_follow_ups_from_a_handoff)
{
    followup_schedule_t s;
    domain_error_t err;
    cr_assert_eq(followup_schedule_parse("1w,1m,3m,6m,12m", &s, &err), 0);
    handoff_view_t h;
    memset(&h, 0, sizeof h);
    h.id.b[0] = 1;
    h.person.b[0] = 2;
    h.service.b[0] = 3;
    h.proposed_hlc = s_day("2024-01-31") << 16;
    followup_plan_t plan;
    cr_assert_eq(followup_plan(&plan, &h, &s, "w"), 0);
    cr_assert_eq(plan.n, 5);
    const char *want[] = {"2024-02-07", "2024-02-29", "2024-04-30",
                          "2024-07-31", "2025-01-31"};
    for (size_t i = 0; i < 5; i++)
        cr_assert_str_eq(s_fmt(plan.sched[i].due_at), want[i]);
    /* Ids come from the handoff: a second accept schedules the same ones. */
    followup_plan_t again;
    cr_assert_eq(followup_plan(&again, &h, &s, "x"), 0);
    cr_assert_eq(memcmp(plan.ids, again.ids, sizeof plan.ids), 0);
    cr_assert_neq(memcmp(plan.ids[0], plan.ids[1], DOMAIN_ID_LEN), 0);
}

Test(followup, month_addition_clamps_at_month_ends_and_leap_days)
{
    civil_date_t d = {2023, 1, 31};
    cr_assert_eq(civil_date_add_months(&d, 1), 0);
    cr_assert_eq(d.month, 2);
    cr_assert_eq(d.day, 28);
    d = (civil_date_t){2024, 2, 29};
    cr_assert_eq(civil_date_add_months(&d, 12), 0);
    cr_assert_eq(d.year, 2025);
    cr_assert_eq(d.day, 28);
    d = (civil_date_t){2023, 2, 28};
    cr_assert_eq(civil_date_add_months(&d, 12), 0);
    cr_assert_eq(d.day, 28, "a leap year adds no day to the 28th");
    d = (civil_date_t){2024, 12, 28};
    cr_assert_eq(civil_date_add_days(&d, 7), 0);
    cr_assert_eq(d.year, 2025);
    cr_assert_eq(d.month, 1);
    cr_assert_eq(d.day, 4);
    d = (civil_date_t){2100, 2, 28};
    cr_assert_eq(civil_date_add_days(&d, 1), 0);
    cr_assert_eq(d.month, 3, "2100 is not a leap year");
    d = (civil_date_t){9999, 12, 1};
    cr_assert_eq(civil_date_add_months(&d, 1), XY_ERANGE);
    cr_assert_eq(d.month, 12, "unchanged on error");
    cr_assert(civil_is_leap(2000));
    cr_assert_not(civil_is_leap(1900));
}

Test(followup, due_days_follow_china_standard_time_not_utc)
{
    /* 2024-01-31T16:30Z is 00:30 on 1 February in Beijing. */
    uint64_t t = 1706718600000ull;
    civil_date_t d;
    cr_assert_eq(civil_date_from_ms(t, &d), 0);
    cr_assert_eq(d.month, 2);
    cr_assert_eq(d.day, 1);
    cr_assert_eq(s_day("2024-02-01"), 1706716800000ull,
                 "00:00 CST is 16:00 UTC the day before");
    followup_schedule_t s;
    cr_assert_eq(followup_schedule_parse("1m", &s, NULL), 0);
    uint64_t due[FOLLOWUP_SCHEDULE_MAX];
    cr_assert_eq(followup_due_times(&s, t, due), 0);
    cr_assert_str_eq(s_fmt(due[0]), "2024-03-01");
}

Test(followup, bad_schedules_and_dates_are_refused_with_the_reason)
{
    followup_schedule_t s;
    domain_error_t err;
    cr_assert_eq(followup_schedule_parse("1m,1w", &s, &err), XY_EINVAL);
    cr_assert_str_eq(err.field, "schedule");
    cr_assert_not_null(strstr(err.msg, "entry 2"), "%s", err.msg);
    cr_assert_eq(followup_schedule_parse("1y", &s, &err), XY_EINVAL);
    cr_assert_eq(followup_schedule_parse("1m,", &s, &err), XY_EINVAL);
    cr_assert_eq(followup_schedule_parse("0d", &s, &err), XY_EINVAL);
    cr_assert_eq(followup_schedule_parse("", &s, &err), XY_EMISSING);
    cr_assert_eq(followup_schedule_parse(
                     "1d,2d,3d,4d,5d,6d,7d,8d,9d,10d,11d,12d,13d", &s, &err),
                 XY_ETOOBIG);
    civil_date_t d;
    cr_assert_eq(civil_date_parse("2023-02-29", &d), XY_EINVAL);
    cr_assert_eq(civil_date_parse("2024-2-01", &d), XY_EINVAL);
    cr_assert_eq(civil_date_parse("2024-02-29", &d), 0);
}

/* ------------------------------------------------ events through a store */

static uint8_t *s_pack(Xy__Event *ev, uint32_t origin, uint64_t seq,
                       uint64_t hlc, size_t *len)
{
    uint8_t oid[XY_ID_LEN], *buf = NULL;
    xy_test_id(oid, origin);
    ev->origin = (ProtobufCBinaryData){XY_ID_LEN, oid};
    ev->seq = seq;
    ev->hlc = hlc;
    cr_assert_eq(xy_event_pack(ev, &buf, len), 0);
    return buf;
}

static event_log_t *s_open(const char *dir, const char *name, uint32_t node,
                           const domain_model_t *m)
{
    char sub[1200];
    snprintf(sub, sizeof sub, "%s/%s", dir, name);
    mkdir(sub, 0700);
    uint8_t id[XY_ID_LEN];
    xy_test_id(id, node);
    event_log_opts_t opts = {.views = m->views};
    event_log_t *log = NULL;
    cr_assert_eq(event_log_open(&log, sub, id, &opts), 0);
    return log;
}

static void s_store(event_log_t *log, uint8_t *ev, size_t len)
{
    event_write_t w = {.kind = EVENT_WRITE_FOREIGN, .bytes = ev, .len = len};
    cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
    cr_assert_eq(w.status, 0);
}

static const domain_model_t *s_m;
static domain_id_t s_hid;
static handoff_view_t s_h;
static int s_read_handoff(view_txn_t *vt, void *arg)
{
    (void)arg;
    return handoff_find(vt, s_m, &s_hid, &s_h);
}

/* Three events of one handoff: proposed by the coordinator (origin 100),
 * accepted at the coordinator by a community worker (origin 100, hlc
 * 300), declined concurrently at the service's own agent (origin 7, a
 * later hlc 400). */
static void s_handoff_events(uint8_t *ev[3], size_t len[3])
{
    domain_id_t inc = {{9}}, person = {{5}}, service = {{6}};
    s_hid = (domain_id_t){{1}};
    handoff_event_t he;
    handoff_input_t in = {&inc, &person, &service, "current risk: high",
                          XY__TRIAGE_LEVEL__TRIAGE_HIGH_RISK, true, false,
                          "w"};
    cr_assert_eq(handoff_propose(&he, &s_hid, &in, NULL), 0);
    ev[0] = s_pack(&he.ev, 100, 1, 100 << 16, &len[0]);
    handoff_view_t h;
    memset(&h, 0, sizeof h);
    h.id = s_hid;
    h.incident = inc;
    cr_assert_eq(handoff_answer(&he, &h, true, "王社工", NULL, "w", NULL),
                 0);
    ev[1] = s_pack(&he.ev, 100, 2, 300 << 16, &len[1]);
    cr_assert_eq(handoff_answer(&he, &h, false, "Li", "no capacity", "a",
                                NULL), 0);
    ev[2] = s_pack(&he.ev, 7, 1, 400 << 16, &len[2]);
}

Test(followup, concurrent_accept_and_decline_converge_to_accepted)
{
    domain_model_t *m = domain_model_new();
    s_m = m;
    uint8_t *ev[3];
    size_t len[3];
    s_handoff_events(ev, len);
    int orders[2][3] = {{0, 1, 2}, {0, 2, 1}};
    uint8_t digest[2][32];
    char *dir = xy_test_mkdtemp();
    for (int o = 0; o < 2; o++) {
        char name[8];
        snprintf(name, sizeof name, "n%d", o);
        event_log_t *log = s_open(dir, name, 50 + (uint32_t)o, m);
        for (int i = 0; i < 3; i++)
            s_store(log, ev[orders[o][i]], len[orders[o][i]]);
        cr_assert_eq(event_log_view_digest(log, digest[o]), 0);
        cr_assert_eq(event_log_view_read(log, s_read_handoff, NULL), 0);
        cr_assert_eq(s_h.status, HANDOFF_ACCEPTED, "order %d", o);
        cr_assert_str_eq(s_h.by, "王社工");
        event_log_destroy(&log);
    }
    cr_assert_eq(memcmp(digest[0], digest[1], 32), 0);
    for (int i = 0; i < 3; i++)
        free(ev[i]);
    xy_test_rmdir(&dir);
    domain_model_destroy(&m);
}

Test(followup, an_answered_handoff_cannot_be_answered_again_here)
{
    handoff_view_t h;
    memset(&h, 0, sizeof h);
    h.status = HANDOFF_DECLINED;
    snprintf(h.by, sizeof h.by, "Li");
    handoff_event_t he;
    domain_error_t err;
    cr_assert_eq(handoff_answer(&he, &h, true, "Wang", NULL, "w", &err),
                 XY_ESTATE);
    cr_assert_not_null(strstr(err.msg, "declined by Li"), "%s", err.msg);
    h.status = HANDOFF_PROPOSED;
    cr_assert_eq(handoff_answer(&he, &h, false, "Wang", NULL, "w", &err),
                 XY_EMISSING);
    cr_assert_str_eq(err.field, "reason");
}

static uint64_t s_now;
static json_t *s_list;
static int s_read_overdue(view_txn_t *vt, void *arg)
{
    (void)arg;
    s_list = followup_list(vt, s_m, FOLLOWUP_OVERDUE, NULL, s_now,
                           FOLLOWUP_GRACE_DEFAULT_MS);
    return s_list ? 0 : XY_ESTORE;
}

Test(followup, overdue_detection_survives_a_restart)
{
    char *dir = xy_test_mkdtemp();
    handoff_view_t h;
    memset(&h, 0, sizeof h);
    h.id.b[0] = 1;
    h.incident.b[0] = 9;
    h.person.b[0] = 2;
    h.service.b[0] = 3;
    h.proposed_hlc = s_day("2024-03-01") << 16;
    followup_schedule_t s;
    cr_assert_eq(followup_schedule_parse("1w,1m", &s, NULL), 0);
    followup_plan_t plan;
    cr_assert_eq(followup_plan(&plan, &h, &s, "w"), 0);
    domain_model_t *m = domain_model_new();
    s_m = m;
    event_log_t *log = s_open(dir, "coord", 100, m);
    for (size_t i = 0; i < plan.n; i++) {
        size_t len;
        uint8_t *ev = s_pack(&plan.ev[i], 7, i + 1, (200 + i) << 16, &len);
        s_store(log, ev, len);
        free(ev);
    }
    /* Due 2024-03-08; with 3 days' grace overdue from 2024-03-12 00:00. */
    s_now = s_day("2024-03-11");
    cr_assert_eq(event_log_view_read(log, s_read_overdue, NULL), 0);
    cr_assert_eq(json_array_size(s_list), 0);
    json_decref(s_list);
    event_log_destroy(&log);
    domain_model_destroy(&m);

    /* A new process: nothing in memory, the store alone answers. */
    m = domain_model_new();
    s_m = m;
    log = s_open(dir, "coord", 100, m);
    s_now = s_day("2024-03-12");
    cr_assert_eq(event_log_view_read(log, s_read_overdue, NULL), 0);
    cr_assert_eq(json_array_size(s_list), 1);
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(s_list, 0), "due")),
                     "2024-03-08");
    json_decref(s_list);
    s_now = s_day("2024-06-01");
    cr_assert_eq(event_log_view_read(log, s_read_overdue, NULL), 0);
    cr_assert_eq(json_array_size(s_list), 2);
    json_decref(s_list);
    event_log_destroy(&log);
    domain_model_destroy(&m);
    xy_test_rmdir(&dir);
}

static domain_id_t s_person = {{5}};
static case_state_t s_cs;
static int s_read_case(view_txn_t *vt, void *arg)
{
    (void)arg;
    return case_state(vt, s_m, &s_person, &s_cs);
}

static uint8_t *s_flag(uint32_t origin, uint64_t hlc, size_t *len)
{
    Xy__Event ev = XY__EVENT__INIT;
    Xy__RedFlagRaised f = XY__RED_FLAG_RAISED__INIT;
    uint8_t fid[16];
    xy_test_id(fid, (uint32_t)hlc);
    f.flag_id = (ProtobufCBinaryData){16, fid};
    f.person_id = (ProtobufCBinaryData){16, s_person.b};
    f.reason = "C-SSRS positive";
    ev.body_case = XY__EVENT__BODY_RED_FLAG_RAISED;
    ev.red_flag_raised = &f;
    return s_pack(&ev, origin, hlc, hlc << 16, len);
}

Test(followup, a_red_flag_after_closure_reopens_the_case_in_any_order)
{
    domain_id_t inc = {{9}};
    case_state_t open;
    memset(&open, 0, sizeof open);
    case_event_t ce;
    domain_error_t err;
    cr_assert_eq(case_close(&ce, &s_person, &inc, &open, "sleeping", NULL,
                            false, "w", &err), XY_EINVAL);
    cr_assert_str_eq(err.field, "reason");
    cr_assert_eq(case_close(&ce, &s_person, &inc, &open, "recovered",
                            "PHQ-9 below 5 twice", false, "w", &err), 0);
    size_t len[3];
    uint8_t *ev[3];
    ev[0] = s_pack(&ce.ev, 100, 1, 500 << 16, &len[0]);
    ev[1] = s_flag(7, 400, &len[1]); /* before the closure */
    ev[2] = s_flag(8, 600, &len[2]); /* after it */
    int orders[2][3] = {{0, 1, 2}, {2, 1, 0}};
    uint8_t digest[2][32];
    char *dir = xy_test_mkdtemp();
    domain_model_t *m = domain_model_new();
    s_m = m;
    for (int o = 0; o < 2; o++) {
        char name[8];
        snprintf(name, sizeof name, "n%d", o);
        event_log_t *log = s_open(dir, name, 60 + (uint32_t)o, m);
        s_store(log, ev[orders[o][0]], len[orders[o][0]]);
        s_store(log, ev[orders[o][1]], len[orders[o][1]]);
        cr_assert_eq(event_log_view_read(log, s_read_case, NULL), 0);
        /* Order 0 holds the closure and the earlier flag: closed. */
        cr_assert_eq(s_cs.closed, o == 0, "order %d", o);
        s_store(log, ev[orders[o][2]], len[orders[o][2]]);
        cr_assert_eq(event_log_view_read(log, s_read_case, NULL), 0);
        cr_assert_not(s_cs.closed, "order %d", o);
        cr_assert(s_cs.reopened);
        cr_assert_str_eq(s_cs.reason, "recovered: PHQ-9 below 5 twice");
        cr_assert_eq(event_log_view_digest(log, digest[o]), 0);
        event_log_destroy(&log);
    }
    cr_assert_eq(memcmp(digest[0], digest[1], 32), 0);
    for (int i = 0; i < 3; i++)
        free(ev[i]);
    xy_test_rmdir(&dir);
    domain_model_destroy(&m);
}

Test(followup, outcomes_only_move_forward_and_rescreens_need_a_contact)
{
    followup_view_t f;
    memset(&f, 0, sizeof f);
    f.id.b[0] = 4;
    followup_done_event_t de;
    domain_error_t err;
    int ans[9] = {1, 1, 1, 1, 1, 1, 1, 1, 0};
    triage_screen_t sc = {"PHQ-9", ans, 9};
    cr_assert_eq(followup_done(&de, &f, "missed", &sc, 1, "w", &err),
                 XY_EINVAL);
    cr_assert_str_eq(err.field, "screen");
    cr_assert_eq(followup_done(&de, &f, "done", &sc, 1, "w", &err), 0);
    cr_assert_eq(de.done.n_rescreen, 1);
    cr_assert_eq(de.done.rescreen[0]->score, 8);
    f.outcome = FOLLOWUP_DONE;
    cr_assert_eq(followup_done(&de, &f, "lost", NULL, 0, "w", &err),
                 XY_ESTATE);
    f.outcome = FOLLOWUP_MISSED;
    cr_assert_eq(followup_done(&de, &f, "lost", NULL, 0, "w", &err), 0);
    cr_assert_eq(followup_done(&de, &f, "later", NULL, 0, "w", &err),
                 XY_EINVAL);
    cr_assert_str_eq(err.field, "outcome");
}

Test(followup, service_csv_errors_name_the_line_and_column)
{
    domain_id_t ids[4] = {{{1}}, {{2}}, {{3}}, {{4}}};
    service_t *s = NULL;
    size_t n = 0;
    domain_error_t err;
    const char *good =
        "kind,name,capacity,zones,contact,languages\r\n"
        "hotline,12356 心理援助热线,500,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,"
        "\"12356, 24h\",zh;bo\r\n";
    cr_assert_eq(service_csv_parse(&s, &n, good, strlen(good), ids, &err), 0,
                 "%s", err.msg);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(s[0].contact, "12356, 24h");
    cr_assert_eq(s[0].n_langs, 2);
    cr_assert_eq(s[0].id.b[0], 1);
    free(s);
    const char *bad = "kind,name,capacity,zones,contact\n"
                      "hotline,A,5,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,1\n"
                      "clinic,B,5,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,2\n";
    cr_assert_eq(service_csv_parse(&s, &n, bad, strlen(bad), ids, &err),
                 XY_EINVAL);
    cr_assert_null(s);
    cr_assert_not_null(strstr(err.msg, "line 3, column kind"), "%s",
                       err.msg);
    const char *cap = "kind,name,capacity,zones,contact\n"
                      "ngo,A,0,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,1\n";
    cr_assert_eq(service_csv_parse(&s, &n, cap, strlen(cap), ids, &err),
                 XY_ERANGE);
    cr_assert_not_null(strstr(err.msg, "line 2, column capacity"), "%s",
                       err.msg);
    const char *hdr = "kind,name,capacity,zones,contact,colour\n";
    cr_assert_eq(service_csv_parse(&s, &n, hdr, strlen(hdr), ids, &err),
                 XY_EINVAL);
    cr_assert_not_null(strstr(err.msg, "colour"), "%s", err.msg);
}
