/* Tests of recording a triage and its red flag (domain/triage_record.h,
 * domain/red_flag.h) through a real event log and the model's views. */
#include "core/event_log.h"
#include "common/xy_error.h"
#include "domain/person.h"
#include "domain/red_flag.h"
#include "domain/triage_record.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static char *dir;
static domain_model_t *m;
static event_log_t *log_;
static domain_id_t inc = {{7}}, pid = {{8}};

static void setup(void)
{
    dir = xy_test_mkdtemp();
    m = domain_model_new();
    uint8_t node[XY_ID_LEN];
    xy_test_id(node, 1);
    event_log_opts_t o = {.views = m->views};
    cr_assert_eq(event_log_open(&log_, dir, node, &o), 0);
}

static void teardown(void)
{
    event_log_destroy(&log_);
    domain_model_destroy(&m);
    xy_test_rmdir(&dir);
}

TestSuite(triage_record, .init = setup, .fini = teardown);

static void s_write(Xy__Event *a, Xy__Event *b)
{
    event_write_t w[2] = {{.kind = EVENT_WRITE_OWN, .own = a},
                          {.kind = EVENT_WRITE_OWN, .own = b}};
    cr_assert_eq(event_log_write(log_, w, b ? 2 : 1, NULL), 0);
    cr_assert_eq(w[0].status, 0);
}

static json_t *s_out;
static int s_flags(view_txn_t *vt, void *arg)
{
    s_out = red_flag_list(vt, m, arg != NULL);
    return s_out ? 0 : XY_ECORRUPT;
}

static int s_levels(view_txn_t *vt, void *arg)
{
    (void)arg;
    s_out = person_triage_counts(vt, m);
    return s_out ? 0 : XY_ECORRUPT;
}

static triage_record_t rec;

static const int *phq9_zero(void)
{
    static const int zero[9] = {0};
    return zero;
}

static int s_record(const char *instrument, const int *answers, size_t n,
                    uint32_t factors, uint8_t id_seed)
{
    triage_screen_t s = {instrument, answers, n};
    triage_record_input_t in = {&inc, &pid, &s, 1, factors, 0, false, "w1"};
    domain_id_t tid = {{id_seed}}, fid = {{id_seed, 1}};
    domain_error_t err = {0};
    int rc = triage_record_build(&rec, &tid, &fid, &in, &err);
    if (rc)
        cr_log_info("%s: %s", err.field, err.msg);
    return rc;
}

Test(triage_record, usage_phq9_item9_records_high_risk_and_a_red_flag)
{
    int phq9[] = {1, 2, 1, 2, 1, 1, 0, 1, 2};
    cr_assert_eq(s_record("PHQ-9", phq9, 9, 0, 1), 0);
    cr_assert_eq(rec.outcome.level, TRIAGE_HIGH_RISK);
    cr_assert(rec.has_flag);
    cr_assert_str_eq(rec.body.rules_version, TRIAGE_RULES_VERSION);
    cr_assert_eq(rec.body.n_instruments, 1);
    cr_assert_eq(rec.body.instruments[0]->score, 11);
    /* PHQ-9 has a tenth, optional item: unanswered, stored as 0xff. */
    cr_assert_eq(rec.body.instruments[0]->answers.len, 10);
    cr_assert_eq(rec.body.instruments[0]->answers.data[8], 2);
    cr_assert_eq(rec.body.instruments[0]->answers.data[9], 0xff);
    cr_assert_eq(memcmp(rec.flag_body.triage_id.data, rec.triage_id, 16), 0);
    s_write(&rec.triage, &rec.flag);

    cr_assert_eq(event_log_view_read(log_, s_flags, (void *)1), 0);
    cr_assert_eq(json_array_size(s_out), 1, "one open flag");
    /* The reason in both languages, as the triage gave it. */
    json_t *f0 = json_array_get(s_out, 0);
    cr_assert_str_eq(json_string_value(json_object_get(f0, "reason")),
                     rec.outcome.reason_en);
    cr_assert_str_eq(json_string_value(json_object_get(f0, "reason_zh")),
                     rec.outcome.reason_zh);
    cr_assert_neq(strcmp(rec.outcome.reason_zh, rec.outcome.reason_en), 0);
    json_decref(s_out);
    cr_assert_eq(event_log_view_read(log_, s_levels, NULL), 0);
    cr_assert_eq(json_array_size(s_out), 1);
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(s_out, 0), "level")),
                     "high_risk");
    json_decref(s_out);

    domain_event_t ack;
    domain_id_t fid;
    memcpy(fid.b, rec.flag_id, 16);
    cr_assert_eq(red_flag_ack(&ack, &fid, &inc, "Dr Wang", "seen", false,
                              "cmd", NULL),
                 0);
    s_write(&ack.ev, NULL);
    cr_assert_eq(event_log_view_read(log_, s_flags, (void *)1), 0);
    cr_assert_eq(json_array_size(s_out), 0, "no open flag left");
    json_decref(s_out);
    cr_assert_eq(event_log_view_read(log_, s_flags, NULL), 0);
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(s_out, 0), "acknowledged_by")),
                     "Dr Wang");
    json_decref(s_out);
}

Test(triage_record, low_risk_records_no_flag_and_latest_triage_wins)
{
    int phq9_high[] = {3, 3, 3, 3, 3, 3, 3, 3, 0};
    int phq9_low[] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    cr_assert_eq(s_record("PHQ-9", phq9_high, 9, 0, 2), 0);
    cr_assert_eq(rec.outcome.level, TRIAGE_HIGH_RISK);
    cr_assert_not(rec.has_flag);
    s_write(&rec.triage, NULL);
    cr_assert_eq(s_record("PHQ-9", phq9_low, 9, 0, 3), 0);
    cr_assert_eq(rec.outcome.level, TRIAGE_LOW_RISK);
    s_write(&rec.triage, NULL);
    cr_assert_eq(event_log_view_read(log_, s_levels, NULL), 0);
    cr_assert_eq(json_array_size(s_out), 1, "the person counts once");
    json_t *row = json_array_get(s_out, 0);
    cr_assert_str_eq(json_string_value(json_object_get(row, "level")),
                     "low_risk");
    cr_assert_eq(json_integer_value(json_object_get(row, "persons")), 1);
    json_decref(s_out);
}

Test(triage_record, bad_answers_name_the_instrument_and_item)
{
    int bad[] = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    cr_assert_eq(s_record("PHQ-9", bad, 9, 0, 4), XY_EANSWER);
    int missing[] = {0, 0, SCREENING_MISSING, 0, 0, 0, 0, 0, 0};
    cr_assert_eq(s_record("PHQ-9", missing, 9, 0, 5), XY_EINCOMPLETE);
    cr_assert_eq(s_record("PHQ-99", bad, 9, 0, 6), XY_EINVAL);
    cr_assert_eq(s_record("PHQ-9", phq9_zero(), 9, 1u << 20, 7), XY_EINVAL);
}

Test(triage_record, acute_suicidality_is_immediate_with_a_flag)
{
    int gad7[] = {0, 0, 0, 0, 0, 0, 0};
    cr_assert_eq(s_record("GAD-7", gad7, 7, TRIAGE_FACTOR_ACUTE_SUICIDALITY,
                          8),
                 0);
    cr_assert_eq(rec.outcome.level, TRIAGE_IMMEDIATE);
    cr_assert(rec.has_flag);
    cr_assert_eq(rec.flag.body_case, XY__EVENT__BODY_RED_FLAG_RAISED);
}

Test(triage_record, acknowledgement_needs_a_name)
{
    domain_event_t ack;
    domain_error_t err;
    domain_id_t fid = {{9}};
    cr_assert_eq(red_flag_ack(&ack, &fid, &inc, "", NULL, false, "c", &err),
                 XY_EINVAL);
    cr_assert_str_eq(err.field, "by");
}

Test(triage_record, open_flags_past_the_timeout_are_overdue)
{
    json_t *flags = json_pack(
        "[{s:s, s:I}, {s:s, s:I}, {s:s, s:I, s:s}]", "id", "a", "raised_at",
        (json_int_t)1000, "id", "b", "raised_at", (json_int_t)9000, "id", "c",
        "raised_at", (json_int_t)1000, "acknowledged_by", "Dr Li");
    cr_assert_eq(red_flag_mark_overdue(flags, 10000, 5000), 1);
    cr_assert(json_is_true(json_object_get(json_array_get(flags, 0),
                                           "overdue")));
    cr_assert(json_is_false(json_object_get(json_array_get(flags, 1),
                                            "overdue")));
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(flags, 1),
                                                    "waiting_ms")),
                 1000);
    cr_assert_null(json_object_get(json_array_get(flags, 2), "overdue"),
                   "an acknowledged flag is never overdue");
    cr_assert_eq(red_flag_mark_overdue(flags, 20000, 5000), 2);
    json_decref(flags);
}
