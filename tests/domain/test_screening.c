/* Tests of the screening instruments (domain/screening.h). Expected values
 * are written from shared/data/screening/SCREENING_RULES.md, not read back
 * from the instrument table. */
#include "domain/screening.h"
#include "common/xy_error.h"

#include <criterion/criterion.h>
#include <string.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static const screening_instrument_t *s_get(const char *name)
{
    const screening_instrument_t *in = screening_find(name);
    cr_assert_not_null(in, "instrument %s", name);
    return in;
}

/* Answers of every required item giving `target` as a sum: each item
 * takes as much of what is left as its range allows. */
static size_t s_fill(const screening_instrument_t *in, int target,
                     int answers[SCREENING_MAX_ITEMS])
{
    size_t n = screening_required_items(in);
    int left = target;
    for (size_t i = 0; i < n; i++) {
        int min, max;
        cr_assert_eq(screening_answer_range(in, (int)i + 1, &min, &max), 0);
        left -= min;
        answers[i] = min;
    }
    for (size_t i = 0; i < n && left > 0; i++) {
        int min, max;
        screening_answer_range(in, (int)i + 1, &min, &max);
        int add = left < max - min ? left : max - min;
        answers[i] += add;
        left -= add;
    }
    cr_assert_eq(left, 0, "%s cannot reach %d", screening_name(in), target);
    return n;
}

Test(screening, usage_score_a_phq9_and_read_band_and_flags)
{
    const screening_instrument_t *phq9 = screening_find("PHQ-9");
    int answers[] = {2, 1, 2, 1, 1, 2, 1, 1, 1}; /* items 1..9 */
    screening_result_t r;
    screening_error_t err;

    int rc = screening_score(phq9, answers, LEN(answers), &r, &err);

    cr_assert_eq(rc, 0, "%s", err.msg);
    cr_assert_eq(r.score, 12);
    cr_assert_str_eq(r.band_en, "moderate");
    cr_assert_str_eq(r.band_zh, "中度");
    cr_assert(r.positive, "PHQ-9 >= 10 is screen-positive");
    cr_assert(r.flags & SCREENING_FLAG_SUICIDE, "item 9 > 0 is a flag");
    cr_assert_eq(r.flag_item, 9);
    cr_assert_eq(r.flag_answer, 1);
}

Test(screening, find_is_case_insensitive_and_refuses_unknown_names)
{
    cr_assert_eq(screening_find("phq-9"), screening_find("PHQ-9"));
    cr_assert_str_eq(screening_name(screening_find("c-ssrs")), "C-SSRS");
    cr_assert_str_eq(screening_name(screening_find("PSYSTART")), "PsySTART");
    cr_assert_null(screening_find("PHQ-8"));
    cr_assert_null(screening_find(""));
    cr_assert_null(screening_find(NULL));
    char longname[200];
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    cr_assert_null(screening_find(longname));
}

Test(screening, every_instrument_is_listed_once)
{
    const char *names[] = {"PHQ-9", "GAD-7", "PCL-5",  "SRQ-20",
                           "K6",    "K10",   "C-SSRS", "PsySTART"};
    cr_assert_eq(screening_count(), LEN(names));
    for (size_t i = 0; i < LEN(names); i++) {
        const screening_instrument_t *in = s_get(names[i]);
        size_t seen = 0;
        for (size_t j = 0; j < screening_count(); j++)
            seen += screening_at(j) == in;
        cr_expect_eq(seen, 1, "%s", names[i]);
        cr_expect_gt(strlen(screening_title_zh(in)), 0);
        cr_expect_gt(strlen(screening_title_en(in)), 0);
    }
    cr_assert_null(screening_at(screening_count()));
}

Test(screening, items_answer_ranges_and_score_ranges_follow_the_rules)
{
    static const struct {
        const char *name;
        size_t items, required;
        int item, min, max; /* one item's range */
        int score_min, score_max;
        screening_kind_t kind;
    } want[] = {
        {"PHQ-9", 10, 9, 1, 0, 3, 0, 27, SCREENING_KIND_SYMPTOM},
        {"GAD-7", 7, 7, 7, 0, 3, 0, 21, SCREENING_KIND_SYMPTOM},
        {"PCL-5", 20, 20, 20, 0, 4, 0, 80, SCREENING_KIND_SYMPTOM},
        {"SRQ-20", 20, 20, 17, 0, 1, 0, 20, SCREENING_KIND_SYMPTOM},
        {"K6", 6, 6, 6, 0, 4, 0, 24, SCREENING_KIND_SYMPTOM},
        {"K10", 10, 10, 10, 1, 5, 10, 50, SCREENING_KIND_SYMPTOM},
        {"C-SSRS", 6, 6, 6, 0, 2, 0, 3, SCREENING_KIND_SUICIDE},
        {"C-SSRS", 6, 6, 4, 0, 1, 0, 3, SCREENING_KIND_SUICIDE},
        {"PsySTART", 11, 11, 11, 0, 1, 0, 11, SCREENING_KIND_EXPOSURE},
    };
    for (size_t i = 0; i < LEN(want); i++) {
        const screening_instrument_t *in = s_get(want[i].name);
        int min, max, lo, hi;
        cr_expect_eq(screening_items(in), want[i].items, "%s", want[i].name);
        cr_expect_eq(screening_required_items(in), want[i].required, "%s",
                     want[i].name);
        cr_assert_eq(screening_answer_range(in, want[i].item, &min, &max), 0);
        cr_expect_eq(min, want[i].min, "%s", want[i].name);
        cr_expect_eq(max, want[i].max, "%s", want[i].name);
        screening_score_range(in, &lo, &hi);
        cr_expect_eq(lo, want[i].score_min, "%s", want[i].name);
        cr_expect_eq(hi, want[i].score_max, "%s", want[i].name);
        cr_expect_eq(screening_kind(in), want[i].kind, "%s", want[i].name);
        cr_expect_eq(screening_answer_range(in, 0, &min, &max), XY_ERANGE);
        cr_expect_eq(
            screening_answer_range(in, (int)want[i].items + 1, &min, &max),
            XY_ERANGE);
    }
}

/* Every band of every summed instrument, from SCREENING_RULES.md, with
 * the default cut-offs (docs/screening.md). */
static const struct {
    const char *name;
    int lo, hi;
    const char *en, *zh;
    bool positive;
} s_bands[] = {
    {"PHQ-9", 0, 4, "none/minimal", "无/极轻微", false},
    {"PHQ-9", 5, 9, "mild", "轻度", false},
    {"PHQ-9", 10, 14, "moderate", "中度", true},
    {"PHQ-9", 15, 19, "moderately severe", "中重度", true},
    {"PHQ-9", 20, 27, "severe", "重度", true},
    {"GAD-7", 0, 4, "minimal", "极轻微", false},
    {"GAD-7", 5, 9, "mild", "轻度", false},
    {"GAD-7", 10, 14, "moderate", "中度", true},
    {"GAD-7", 15, 21, "severe", "重度", true},
    {"PCL-5", 0, 32, "below cut-off", "低于临界值", false},
    {"PCL-5", 33, 80, "probable PTSD", "可能存在创伤后应激障碍", true},
    {"SRQ-20", 0, 7, "below cut-off", "低于临界值", false},
    {"SRQ-20", 8, 20, "at or above cut-off", "达到或超过临界值", true},
    {"K6", 0, 4, "low distress", "低度心理困扰", false},
    {"K6", 5, 12, "moderate distress", "中度心理困扰", false},
    {"K6", 13, 24, "serious psychological distress", "严重心理困扰", true},
    {"K10", 10, 15, "low", "低度心理困扰", false},
    {"K10", 16, 21, "moderate", "中度心理困扰", false},
    {"K10", 22, 29, "high", "高度心理困扰", true},
    {"K10", 30, 50, "very high", "极高度心理困扰", true},
    {"PsySTART", 0, 0, "no risk factor", "无风险因素", false},
    {"PsySTART", 1, 11, "risk factors present", "存在风险因素", false},
};

Test(screening, every_band_edge_scores_into_its_band)
{
    for (size_t i = 0; i < LEN(s_bands); i++) {
        const screening_instrument_t *in = s_get(s_bands[i].name);
        int edges[2] = {s_bands[i].lo, s_bands[i].hi};
        for (int e = 0; e < 2; e++) {
            int answers[SCREENING_MAX_ITEMS];
            size_t n = s_fill(in, edges[e], answers);
            screening_result_t r;
            screening_error_t err;
            int rc = screening_score(in, answers, n, &r, &err);
            cr_assert_eq(rc, 0, "%s: %s", s_bands[i].name, err.msg);
            cr_expect_eq(r.score, edges[e], "%s", s_bands[i].name);
            cr_expect_str_eq(r.band_en, s_bands[i].en, "%s score %d",
                             s_bands[i].name, edges[e]);
            cr_expect_str_eq(r.band_zh, s_bands[i].zh, "%s score %d",
                             s_bands[i].name, edges[e]);
            cr_expect_eq(r.positive, s_bands[i].positive, "%s score %d",
                         s_bands[i].name, edges[e]);
        }
    }
}

Test(screening, bands_cover_the_score_range_without_gaps)
{
    for (size_t i = 0; i < screening_count(); i++) {
        const screening_instrument_t *in = screening_at(i);
        int lo, hi;
        screening_score_range(in, &lo, &hi);
        int next = lo;
        screening_band_t b;
        for (size_t j = 0; j < screening_band_count(in); j++) {
            cr_assert_eq(screening_band_get(in, j, &b), 0);
            cr_expect_eq(b.lo, next, "%s band %zu", screening_name(in), j);
            cr_expect_geq(b.hi, b.lo, "%s band %zu", screening_name(in), j);
            next = b.hi + 1;
        }
        cr_expect_eq(next, hi + 1, "%s", screening_name(in));
        cr_expect_eq(screening_band_get(in, screening_band_count(in), &b),
                     XY_ERANGE);
    }
}

Test(screening, out_of_range_answer_is_refused_naming_the_item)
{
    int answers[] = {0, 0, 0, 5, 0, 0, 0, 0, 0};
    screening_result_t r;
    screening_error_t err;
    int rc = screening_score(s_get("PHQ-9"), answers, LEN(answers), &r, &err);
    cr_assert_eq(rc, XY_EANSWER);
    cr_assert_eq(err.code, XY_EANSWER);
    cr_assert_eq(err.item, 4);
    cr_assert_str_eq(err.msg, "PHQ-9 item 4: answer 5 out of range 0..3");

    answers[3] = -2;
    rc = screening_score(s_get("PHQ-9"), answers, LEN(answers), &r, &err);
    cr_assert_eq(rc, XY_EANSWER, "a negative answer is not 'missing'");
    cr_assert_str_eq(err.msg, "PHQ-9 item 4: answer -2 out of range 0..3");
}

Test(screening, answer_above_the_last_items_range_is_refused_everywhere)
{
    for (size_t i = 0; i < screening_count(); i++) {
        const screening_instrument_t *in = screening_at(i);
        int answers[SCREENING_MAX_ITEMS], lo, hi, min, max;
        screening_score_range(in, &lo, &hi);
        size_t n = s_fill(in, lo, answers);
        screening_answer_range(in, (int)n, &min, &max);
        answers[n - 1] = max + 1;
        screening_result_t r;
        screening_error_t err;
        int rc = screening_score(in, answers, n, &r, &err);
        cr_expect_eq(rc, XY_EANSWER, "%s", screening_name(in));
        cr_expect_eq(err.item, (int)n, "%s", screening_name(in));
        cr_expect_not_null(strstr(err.msg, screening_name(in)), "%s", err.msg);
    }
}

Test(screening, k10_is_coded_1_to_5_so_0_is_refused)
{
    int answers[10] = {1, 1, 1, 1, 1, 1, 0, 1, 1, 1};
    screening_result_t r;
    screening_error_t err;
    int rc = screening_score(s_get("K10"), answers, 10, &r, &err);
    cr_assert_eq(rc, XY_EANSWER);
    cr_assert_str_eq(err.msg, "K10 item 7: answer 0 out of range 1..5");
}

Test(screening, missing_answer_is_refused_naming_the_item)
{
    int answers[] = {1, 1, SCREENING_MISSING, 1, 1, 1, 1};
    screening_result_t r;
    screening_error_t err;
    int rc = screening_score(s_get("GAD-7"), answers, LEN(answers), &r, &err);
    cr_assert_eq(rc, XY_EINCOMPLETE);
    cr_assert_eq(err.item, 3);
    cr_assert_str_eq(err.msg, "GAD-7 item 3: no answer (required item)");
}

Test(screening, short_answer_array_is_incomplete_at_the_next_item)
{
    int answers[] = {1, 1, 1, 1, 1};
    screening_result_t r;
    screening_error_t err;
    int rc = screening_score(s_get("PHQ-9"), answers, LEN(answers), &r, &err);
    cr_assert_eq(rc, XY_EINCOMPLETE);
    cr_assert_eq(err.item, 6);
    rc = screening_score(s_get("PHQ-9"), NULL, 0, &r, &err);
    cr_assert_eq(rc, XY_EINCOMPLETE);
    cr_assert_eq(err.item, 1);
}

Test(screening, first_item_at_fault_is_the_one_reported)
{
    int answers[] = {0, 9, SCREENING_MISSING, 0, 0, 0, 0};
    screening_error_t err;
    screening_result_t r;
    cr_assert_eq(screening_score(s_get("GAD-7"), answers, 7, &r, &err),
                 XY_EANSWER);
    cr_assert_eq(err.item, 2);
    answers[1] = SCREENING_MISSING;
    answers[2] = 9;
    cr_assert_eq(screening_score(s_get("GAD-7"), answers, 7, &r, &err),
                 XY_EINCOMPLETE);
    cr_assert_eq(err.item, 2);
}

Test(screening, more_answers_than_items_are_refused)
{
    int answers[11] = {0};
    screening_result_t r;
    screening_error_t err;
    int rc = screening_score(s_get("PHQ-9"), answers, 11, &r, &err);
    cr_assert_eq(rc, XY_EINVAL);
    cr_assert_str_eq(err.msg, "PHQ-9: 11 answers given, the instrument has "
                              "10 items");
}

Test(screening, result_is_untouched_when_scoring_fails)
{
    int answers[] = {0, 0, 0, 4, 0, 0, 0};
    screening_result_t r;
    memset(&r, 0x5a, sizeof r);
    screening_result_t before = r;
    screening_error_t err;
    cr_assert_eq(screening_score(s_get("GAD-7"), answers, 7, &r, &err),
                 XY_EANSWER);
    cr_assert_eq(memcmp(&r, &before, sizeof r), 0);
    cr_assert_eq(screening_score(NULL, answers, 7, &r, &err), XY_EINVAL);
    cr_assert_eq(screening_score(s_get("GAD-7"), answers, 7, NULL, NULL),
                 XY_EINVAL);
}

Test(screening, phq9_item9_above_zero_flags_suicide_risk_whatever_the_total)
{
    int low[9] = {0, 0, 0, 0, 0, 0, 0, 0, 1};
    screening_result_t r;
    cr_assert_eq(screening_score(s_get("PHQ-9"), low, 9, &r, NULL), 0);
    cr_assert_eq(r.score, 1);
    cr_assert_not(r.positive);
    cr_assert_eq(r.flags, SCREENING_FLAG_SUICIDE);
    cr_assert_eq(r.flag_item, 9);
    cr_assert_not_null(strstr(r.flag_en, "same-day"));

    int high[9] = {3, 3, 3, 3, 3, 3, 3, 3, 0};
    cr_assert_eq(screening_score(s_get("PHQ-9"), high, 9, &r, NULL), 0);
    cr_assert_eq(r.score, 24);
    cr_assert_eq(r.flags, 0, "item 9 = 0 raises no flag");
    cr_assert_eq(r.flag_item, 0);
    cr_assert_null(r.flag_en);
}

Test(screening, phq9_item10_is_optional_and_not_scored)
{
    int answers[10] = {1, 1, 1, 1, 1, 0, 0, 0, 0, 3};
    screening_result_t r;
    cr_assert_eq(screening_score(s_get("PHQ-9"), answers, 10, &r, NULL), 0);
    cr_assert_eq(r.score, 5);
    cr_assert_eq(r.n_answers, 10);
    cr_assert_eq(r.answers[9], 3);
    cr_assert_eq(screening_score(s_get("PHQ-9"), answers, 9, &r, NULL), 0);
    cr_assert_eq(r.answers[9], SCREENING_MISSING);
    answers[9] = 4;
    cr_assert_eq(screening_score(s_get("PHQ-9"), answers, 10, &r, NULL),
                 XY_EANSWER);
}

Test(screening, srq20_item17_yes_flags_suicide_risk)
{
    int answers[20] = {0};
    answers[16] = 1;
    screening_result_t r;
    cr_assert_eq(screening_score(s_get("SRQ-20"), answers, 20, &r, NULL), 0);
    cr_assert_eq(r.score, 1);
    cr_assert_eq(r.flags, SCREENING_FLAG_SUICIDE);
    cr_assert_eq(r.flag_item, 17);
    cr_assert_not(r.positive);
}

Test(screening, srq20_other_yes_items_raise_no_flag)
{
    int answers[20];
    for (int i = 0; i < 20; i++)
        answers[i] = i == 16 ? 0 : 1;
    screening_result_t r;
    cr_assert_eq(screening_score(s_get("SRQ-20"), answers, 20, &r, NULL), 0);
    cr_assert_eq(r.score, 19);
    cr_assert_eq(r.flags, 0);
    cr_assert(r.positive);
}

Test(screening, symptom_scales_without_flag_rules_never_flag)
{
    const char *names[] = {"GAD-7", "PCL-5", "K6", "K10", "PsySTART"};
    for (size_t i = 0; i < LEN(names); i++) {
        const screening_instrument_t *in = s_get(names[i]);
        int lo, hi, answers[SCREENING_MAX_ITEMS];
        screening_score_range(in, &lo, &hi);
        size_t n = s_fill(in, hi, answers);
        screening_result_t r;
        cr_assert_eq(screening_score(in, answers, n, &r, NULL), 0);
        cr_expect_eq(r.flags, 0, "%s", names[i]);
    }
}

/* C-SSRS answers: items 1-5 yes/no, item 6 0 no / 1 lifetime / 2 past 3
 * months; items 3-5 SCREENING_MISSING when not asked. */
Test(screening, cssrs_risk_levels_follow_the_columbia_triage)
{
    static const struct {
        int a[6];
        int level;
        const char *band;
        unsigned flags;
        int flag_item;
    } cases[] = {
        {{0, 0, -1, -1, -1, 0}, 0, "no risk identified", 0, 0},
        {{1, 0, -1, -1, -1, 0}, 1, "low risk", SCREENING_FLAG_SUICIDE, 1},
        {{0, 1, 0, 0, 0, 0}, 1, "low risk", SCREENING_FLAG_SUICIDE, 2},
        {{1, 1, 1, 0, 0, 0}, 2, "moderate risk", SCREENING_FLAG_SUICIDE, 3},
        {{0, 0, -1, -1, -1, 1}, 2, "moderate risk", SCREENING_FLAG_SUICIDE, 6},
        {{1, 1, 0, 1, 0, 0},
         3,
         "high risk",
         SCREENING_FLAG_SUICIDE | SCREENING_FLAG_URGENT,
         4},
        {{1, 1, 1, 1, 1, 0},
         3,
         "high risk",
         SCREENING_FLAG_SUICIDE | SCREENING_FLAG_URGENT,
         4},
        {{1, 1, 0, 0, 1, 0},
         3,
         "high risk",
         SCREENING_FLAG_SUICIDE | SCREENING_FLAG_URGENT,
         5},
        {{0, 0, -1, -1, -1, 2},
         3,
         "high risk",
         SCREENING_FLAG_SUICIDE | SCREENING_FLAG_URGENT,
         6},
    };
    for (size_t i = 0; i < LEN(cases); i++) {
        screening_result_t r;
        screening_error_t err;
        int rc = screening_score(s_get("C-SSRS"), cases[i].a, 6, &r, &err);
        cr_assert_eq(rc, 0, "case %zu: %s", i, err.msg);
        cr_expect_eq(r.score, cases[i].level, "case %zu", i);
        cr_expect_str_eq(r.band_en, cases[i].band, "case %zu", i);
        cr_expect_eq(r.flags, cases[i].flags, "case %zu", i);
        cr_expect_eq(r.flag_item, cases[i].flag_item, "case %zu", i);
        cr_expect_eq(r.positive, cases[i].level > 0, "case %zu", i);
    }
}

Test(screening, cssrs_items_3_to_5_are_required_when_item2_is_yes)
{
    int answers[6] = {0, 1, 0, -1, 0, 0};
    screening_result_t r;
    screening_error_t err;
    cr_assert_eq(screening_score(s_get("C-SSRS"), answers, 6, &r, &err),
                 XY_EINCOMPLETE);
    cr_assert_eq(err.item, 4);
}

Test(screening, cssrs_yes_to_an_item_not_asked_is_refused)
{
    int answers[6] = {1, 0, -1, 1, -1, 0};
    screening_result_t r;
    screening_error_t err;
    cr_assert_eq(screening_score(s_get("C-SSRS"), answers, 6, &r, &err),
                 XY_EANSWER);
    cr_assert_eq(err.item, 4);
    cr_assert_not_null(strstr(err.msg, "asked only when item 2"), "%s",
                       err.msg);
}

Test(screening, pcl5_cluster_subscores_are_sums_per_cluster)
{
    int answers[20];
    for (int i = 0; i < 20; i++)
        answers[i] = i % 5; /* 0 1 2 3 4 0 1 2 ... */
    screening_result_t r;
    cr_assert_eq(screening_score(s_get("PCL-5"), answers, 20, &r, NULL), 0);
    cr_assert_eq(r.n_subscores, 4);
    cr_assert_eq(r.subscores[0], 0 + 1 + 2 + 3 + 4);         /* B 1-5 */
    cr_assert_eq(r.subscores[1], 0 + 1);                     /* C 6-7 */
    cr_assert_eq(r.subscores[2], 2 + 3 + 4 + 0 + 1 + 2 + 3); /* D 8-14 */
    cr_assert_eq(r.subscores[3], 4 + 0 + 1 + 2 + 3 + 4);     /* E 15-20 */
    cr_assert_eq(r.score, 40);
}

Test(screening, pcl5_dsm5_pattern_makes_a_positive_below_the_cutoff)
{
    /* 1 B, 1 C, 2 D, 2 E items rated 2: total 12. */
    int answers[20] = {0};
    answers[0] = 2;
    answers[5] = 2;
    answers[7] = 2;
    answers[8] = 2;
    answers[14] = 2;
    answers[15] = 2;
    screening_result_t r;
    cr_assert_eq(screening_score(s_get("PCL-5"), answers, 20, &r, NULL), 0);
    cr_assert_eq(r.score, 12);
    cr_assert(r.pattern_met);
    cr_assert(r.positive);
    cr_assert_str_eq(r.band_en, "below cut-off");

    answers[15] = 1; /* only one E item at 2 */
    cr_assert_eq(screening_score(s_get("PCL-5"), answers, 20, &r, NULL), 0);
    cr_assert_not(r.pattern_met);
    cr_assert_not(r.positive);
}

Test(screening, pcl5_items_rated_1_do_not_count_towards_the_pattern)
{
    /* B and C at 4, every D and E item at 1: 28 + 13 = 41 >= 33. */
    int answers[20];
    for (int i = 0; i < 20; i++)
        answers[i] = i < 7 ? 4 : 1;
    screening_result_t r;
    cr_assert_eq(screening_score(s_get("PCL-5"), answers, 20, &r, NULL), 0);
    cr_assert_eq(r.score, 41);
    cr_assert_not(r.pattern_met);
    cr_assert(r.positive, "above the cut-off alone is positive");
}

Test(screening, cutoff_can_be_set_per_deployment)
{
    int answers[20] = {1, 1, 1, 1, 1, 1};
    screening_result_t r;
    screening_error_t err;
    const screening_instrument_t *srq = s_get("SRQ-20");
    cr_assert_eq(screening_score_cutoff(srq, 6, answers, 20, &r, &err), 0);
    cr_assert_eq(r.cutoff, 6);
    cr_assert(r.positive);
    cr_assert_str_eq(r.band_en, "at or above cut-off");
    answers[5] = 0;
    cr_assert_eq(screening_score_cutoff(srq, 6, answers, 20, &r, &err), 0);
    cr_assert_not(r.positive);
    cr_assert_str_eq(r.band_en, "below cut-off");
    cr_assert_eq(screening_score(srq, answers, 20, &r, &err), 0);
    cr_assert_eq(r.cutoff, 8, "the default SRQ-20 cut-off is 8");
}

Test(screening, cutoff_outside_the_score_range_is_refused)
{
    int answers[20] = {0};
    screening_result_t r;
    screening_error_t err;
    cr_assert_eq(
        screening_score_cutoff(s_get("SRQ-20"), 21, answers, 20, &r, &err),
        XY_ERANGE);
    cr_assert_str_eq(err.msg, "SRQ-20: cut-off 21 out of range 1..20");
    cr_assert_eq(
        screening_score_cutoff(s_get("K10"), 10, answers, 10, &r, &err),
        XY_ERANGE, "K10 scores start at 10");
    cr_assert_eq(
        screening_score_cutoff(s_get("PHQ-9"), -3, answers, 9, &r, &err),
        XY_ERANGE);
}

Test(screening, cutoff_cannot_be_set_where_the_rule_is_fixed)
{
    int answers[11] = {0};
    screening_result_t r;
    screening_error_t err;
    cr_assert_eq(
        screening_score_cutoff(s_get("C-SSRS"), 2, answers, 6, &r, &err),
        XY_ENOTSUP);
    cr_assert_eq(
        screening_score_cutoff(s_get("PsySTART"), 2, answers, 11, &r, &err),
        XY_ENOTSUP);
}

Test(screening, psystart_score_counts_factors_and_yes_mask_keeps_item_order)
{
    int answers[11] = {1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1};
    screening_result_t r;
    cr_assert_eq(screening_score(s_get("PsySTART"), answers, 11, &r, NULL), 0);
    cr_assert_eq(r.score, 3);
    cr_assert_not(r.positive, "PsySTART has no numeric cut-off");
    cr_assert_eq(screening_yes_mask(&r), (1u << 0) | (1u << 3) | (1u << 10));
}

Test(screening, draft_with_missing_items_is_saved_but_not_scored)
{
    const screening_instrument_t *gad7 = s_get("GAD-7");
    screening_draft_t d;
    screening_error_t err;
    screening_result_t r;
    screening_draft_init(&d, gad7);
    cr_assert_eq(screening_draft_set(&d, 1, 2, &err), 0);
    cr_assert_eq(screening_draft_set(&d, 2, 3, &err), 0);
    cr_assert_eq(screening_draft_set(&d, 4, 1, &err), 0);
    cr_assert_eq(screening_draft_next_missing(&d), 3);

    int rc = screening_draft_score(&d, SCREENING_DEFAULT_CUTOFF, &r, &err);

    cr_assert_eq(rc, XY_EINCOMPLETE);
    cr_assert_eq(err.item, 3);
    cr_assert_not_null(strstr(err.msg, "GAD-7 item 3"), "%s", err.msg);
    cr_assert_not_null(strstr(err.msg, "draft"), "%s", err.msg);
}

Test(screening, completed_draft_is_scored)
{
    screening_draft_t d;
    screening_result_t r;
    screening_error_t err;
    screening_draft_init(&d, s_get("GAD-7"));
    for (int item = 7; item >= 1; item--)
        cr_assert_eq(screening_draft_set(&d, item, 2, &err), 0, "%s", err.msg);
    cr_assert_eq(screening_draft_next_missing(&d), 0);
    cr_assert_eq(screening_draft_score(&d, 0, &r, &err), 0, "%s", err.msg);
    cr_assert_eq(r.score, 14);
    cr_assert_str_eq(r.band_en, "moderate");
}

Test(screening, draft_refuses_bad_answers_and_keeps_the_previous_one)
{
    screening_draft_t d;
    screening_error_t err;
    screening_draft_init(&d, s_get("PHQ-9"));
    cr_assert_eq(screening_draft_set(&d, 4, 2, &err), 0);
    cr_assert_eq(screening_draft_set(&d, 4, 7, &err), XY_EANSWER);
    cr_assert_str_eq(err.msg, "PHQ-9 item 4: answer 7 out of range 0..3");
    cr_assert_eq(d.answers[3], 2);
    cr_assert_eq(screening_draft_set(&d, 11, 0, &err), XY_ERANGE);
    cr_assert_eq(screening_draft_set(&d, 0, 0, &err), XY_ERANGE);
    cr_assert_eq(screening_draft_set(&d, 4, SCREENING_MISSING, &err), 0);
    cr_assert_eq(d.answers[3], SCREENING_MISSING);
}

Test(screening, draft_loaded_from_storage_is_checked)
{
    const screening_instrument_t *k6 = s_get("K6");
    int saved[6] = {4, SCREENING_MISSING, 2, SCREENING_MISSING, 0, 1};
    screening_draft_t d;
    screening_error_t err;
    cr_assert_eq(screening_draft_load(&d, k6, saved, 6, &err), 0);
    cr_assert_eq(screening_draft_next_missing(&d), 2);
    cr_assert_eq(d.answers[2], 2);
    saved[4] = 5;
    cr_assert_eq(screening_draft_load(&d, k6, saved, 6, &err), XY_EANSWER);
    cr_assert_eq(err.item, 5);
    int too_many[7] = {0};
    cr_assert_eq(screening_draft_load(&d, k6, too_many, 7, &err), XY_EINVAL);
}

Test(screening, draft_of_cssrs_skips_items_not_asked)
{
    screening_draft_t d;
    screening_result_t r;
    screening_error_t err;
    screening_draft_init(&d, s_get("C-SSRS"));
    screening_draft_set(&d, 1, 1, &err);
    cr_assert_eq(screening_draft_next_missing(&d), 2);
    screening_draft_set(&d, 2, 0, &err);
    cr_assert_eq(screening_draft_next_missing(&d), 6, "3-5 are not asked");
    cr_assert_eq(screening_draft_set(&d, 4, 1, &err), XY_EANSWER);
    screening_draft_set(&d, 6, 0, &err);
    cr_assert_eq(screening_draft_score(&d, 0, &r, &err), 0, "%s", err.msg);
    cr_assert_eq(r.score, 1);
    cr_assert_str_eq(r.band_en, "low risk");
}
