/* Tests of the triage rules (domain/triage.h), one path per rule of
 * xy-triage-1 as written in docs/screening.md. */
#include "domain/triage.h"
#include "common/xy_error.h"

#include <criterion/criterion.h>
#include <string.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Scores a complete instrument; the test fails if it does not score. */
static screening_result_t s_score(const char *name, const int *answers,
                                  size_t n)
{
    screening_result_t r;
    screening_error_t err;
    int rc = screening_score(screening_find(name), answers, n, &r, &err);
    cr_assert_eq(rc, 0, "%s: %s", name, err.msg);
    return r;
}

/* An instrument answered at its minimum except for the items given. */
static screening_result_t s_score_with(const char *name, int item, int a)
{
    const screening_instrument_t *in = screening_find(name);
    int answers[SCREENING_MAX_ITEMS];
    size_t n = screening_required_items(in);
    for (size_t i = 0; i < n; i++) {
        int min, max;
        screening_answer_range(in, (int)i + 1, &min, &max);
        answers[i] = min;
    }
    if (item)
        answers[item - 1] = a;
    return s_score(name, answers, n);
}

static triage_outcome_t s_assess(const screening_result_t *results, size_t n,
                                 uint32_t factors, uint32_t vuln)
{
    triage_input_t in = {.results = results,
                         .n_results = n,
                         .factors = factors,
                         .vulnerability = vuln};
    triage_outcome_t out;
    cr_assert_eq(triage_assess(&in, &out), 0);
    return out;
}

/* True when s is well-formed UTF-8. */
static bool s_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int extra = *p < 0x80         ? 0
                    : (*p >> 5) == 6  ? 1
                    : (*p >> 4) == 14 ? 2
                    : (*p >> 3) == 30 ? 3
                                      : -1;
        if (extra < 0)
            return false;
        p++;
        for (int i = 0; i < extra; i++, p++)
            if ((*p & 0xc0) != 0x80)
                return false;
    }
    return true;
}

Test(triage, usage_triage_a_screened_person_and_show_the_worker_what_to_do)
{
    int phq9[] = {2, 2, 1, 2, 1, 1, 1, 1, 0}; /* 11: moderate, positive */
    screening_result_t results[] = {s_score("PHQ-9", phq9, LEN(phq9))};
    triage_input_t in = {
        .results = results,
        .n_results = LEN(results),
        .factors = TRIAGE_FACTOR_PANIC | TRIAGE_FACTOR_HOME_LOST,
        .vulnerability = TRIAGE_VULN_OLDER_ADULT,
    };
    triage_outcome_t out;

    int rc = triage_assess(&in, &out);

    cr_assert_eq(rc, 0);
    cr_assert_str_eq(out.rules_version, "xy-triage-1");
    cr_assert_eq(out.level, TRIAGE_HIGH_RISK);
    cr_assert_eq(out.rules, TRIAGE_RULE_H2_POSITIVE_SCREEN |
                                TRIAGE_RULE_H5_VULNERABLE_EXPOSED);
    cr_assert_not(out.red_flag);
    cr_assert_str_eq(out.reason_en,
                     "H2: PHQ-9 positive (score 11, moderate); "
                     "H5: vulnerable (older adult) with 2 exposure factors");
    cr_assert_not_null(strstr(out.guidance_en, "Psychological First Aid"));
    cr_assert_not_null(strstr(out.guidance_zh, "心理急救"));
}

Test(triage, rules_version_is_in_every_outcome)
{
    int cssrs_high[6] = {1, 1, 1, 1, 1, 2};
    screening_result_t r = s_score("C-SSRS", cssrs_high, 6);
    triage_outcome_t a = s_assess(NULL, 0, 0, 0);
    triage_outcome_t b = s_assess(&r, 1, 0, 0);
    triage_outcome_t c = s_assess(NULL, 0, TRIAGE_FACTOR_INJURED, 0);
    cr_assert_str_eq(a.rules_version, TRIAGE_RULES_VERSION);
    cr_assert_str_eq(b.rules_version, TRIAGE_RULES_VERSION);
    cr_assert_str_eq(c.rules_version, TRIAGE_RULES_VERSION);
    cr_assert_str_eq(TRIAGE_RULES_VERSION, "xy-triage-1");
}

Test(triage, i1_cssrs_high_risk_is_immediate_with_a_red_flag)
{
    /* item 4, item 5, item 6 in the past 3 months */
    int cases[][6] = {
        {1, 1, 0, 1, 0, 0}, {0, 1, 0, 0, 1, 0}, {0, 0, -1, -1, -1, 2}};
    for (size_t i = 0; i < LEN(cases); i++) {
        screening_result_t r = s_score("C-SSRS", cases[i], 6);
        triage_outcome_t out = s_assess(&r, 1, 0, 0);
        cr_expect_eq(out.level, TRIAGE_IMMEDIATE, "case %zu", i);
        cr_expect_eq(out.rules, TRIAGE_RULE_I1_SUICIDE_URGENT, "case %zu", i);
        cr_expect(out.red_flag, "case %zu", i);
        cr_expect_not_null(strstr(out.reason_en, "C-SSRS high risk"),
                           "case %zu: %s", i, out.reason_en);
        cr_expect_not_null(strstr(out.guidance_en, "Stay with the person"));
    }
    screening_result_t r = s_score("C-SSRS", cases[1], 6);
    triage_outcome_t out = s_assess(&r, 1, 0, 0);
    cr_assert_str_eq(out.reason_en, "I1: C-SSRS high risk, item 5 = 1: "
                                    "suicidal intent with specific plan");
    cr_assert_str_eq(out.reason_zh, "I1：C-SSRS 高风险，第5题 = 1："
                                    "有自杀意图及具体计划");
}

Test(triage, i2_acute_suicidality_overrides_everything_else)
{
    triage_outcome_t out =
        s_assess(NULL, 0, TRIAGE_FACTOR_ACUTE_SUICIDALITY, 0);
    cr_assert_eq(out.level, TRIAGE_IMMEDIATE);
    cr_assert_eq(out.rules, TRIAGE_RULE_I2_ACUTE_SUICIDALITY);
    cr_assert(out.red_flag);
    cr_assert_str_eq(out.reason_en,
                     "I2: the worker judges the person acutely suicidal");
    cr_assert_eq(out.factors, TRIAGE_FACTOR_ACUTE_SUICIDALITY);
}

Test(triage, h1_phq9_item9_is_high_risk_with_a_red_flag_and_same_day_steps)
{
    screening_result_t r = s_score_with("PHQ-9", 9, 1);
    triage_outcome_t out = s_assess(&r, 1, 0, 0);
    cr_assert_eq(out.level, TRIAGE_HIGH_RISK);
    cr_assert_eq(out.rules, TRIAGE_RULE_H1_SUICIDE_SCREEN);
    cr_assert(out.red_flag);
    cr_assert_str_eq(out.reason_en,
                     "H1: PHQ-9, item 9 = 1: thoughts of death or self-harm: "
                     "same-day suicide-risk assessment");
    cr_assert_not_null(strstr(out.guidance_en, "same-day"));
    cr_assert_not_null(strstr(out.guidance_en, "C-SSRS"));
    cr_assert_not_null(strstr(out.guidance_zh, "当天"));
}

Test(triage, h1_srq20_item17_is_high_risk_with_a_red_flag)
{
    screening_result_t r = s_score_with("SRQ-20", 17, 1);
    triage_outcome_t out = s_assess(&r, 1, 0, 0);
    cr_assert_eq(out.level, TRIAGE_HIGH_RISK);
    cr_assert_eq(out.rules, TRIAGE_RULE_H1_SUICIDE_SCREEN);
    cr_assert(out.red_flag);
    cr_assert_not_null(strstr(out.reason_en, "SRQ-20, item 17 = 1"));
}

Test(triage, h1_cssrs_low_and_moderate_are_high_risk_with_a_red_flag)
{
    int cases[][6] = {{1, 0, -1, -1, -1, 0},  /* low */
                      {1, 1, 1, 0, 0, 0},     /* moderate, item 3 */
                      {0, 0, -1, -1, -1, 1}}; /* moderate, lifetime */
    const char *band[] = {"low risk", "moderate risk", "moderate risk"};
    for (size_t i = 0; i < LEN(cases); i++) {
        screening_result_t r = s_score("C-SSRS", cases[i], 6);
        triage_outcome_t out = s_assess(&r, 1, 0, 0);
        cr_expect_eq(out.level, TRIAGE_HIGH_RISK, "case %zu", i);
        cr_expect_eq(out.rules, TRIAGE_RULE_H1_SUICIDE_SCREEN, "case %zu", i);
        cr_expect(out.red_flag, "case %zu", i);
        cr_expect_not_null(strstr(out.reason_en, band[i]), "%s", out.reason_en);
    }
}

Test(triage, cssrs_with_no_yes_raises_nothing)
{
    int none[6] = {0, 0, -1, -1, -1, 0};
    screening_result_t r = s_score("C-SSRS", none, 6);
    triage_outcome_t out = s_assess(&r, 1, 0, 0);
    cr_assert_eq(out.level, TRIAGE_LOW_RISK);
    cr_assert_eq(out.rules, TRIAGE_RULE_L1_NONE);
    cr_assert_not(out.red_flag);
}

Test(triage, h2_each_positive_symptom_screen_is_high_risk_without_flag)
{
    static const struct {
        const char *name;
        int cutoff; /* default cut-off, SCREENING_RULES.md */
    } scales[] = {{"PHQ-9", 10}, {"GAD-7", 10}, {"PCL-5", 33},
                  {"SRQ-20", 8}, {"K6", 13},    {"K10", 22}};
    for (size_t i = 0; i < LEN(scales); i++) {
        const screening_instrument_t *in = screening_find(scales[i].name);
        for (int below = 0; below < 2; below++) {
            int target = scales[i].cutoff - below;
            int answers[SCREENING_MAX_ITEMS], min, max, left;
            size_t n = screening_required_items(in);
            screening_score_range(in, &min, &max);
            left = target - min;
            /* Spread from the first item; PHQ-9 item 9 and SRQ-20 item
             * 17 stay low, far from the first items used. */
            for (size_t k = 0; k < n; k++) {
                int lo, hi;
                screening_answer_range(in, (int)k + 1, &lo, &hi);
                int add = left < hi - lo ? left : hi - lo;
                answers[k] = lo + add;
                left -= add;
            }
            screening_result_t r = s_score(scales[i].name, answers, n);
            cr_assert_eq(r.score, target);
            triage_outcome_t out = s_assess(&r, 1, 0, 0);
            triage_level_t want = below ? TRIAGE_LOW_RISK : TRIAGE_HIGH_RISK;
            cr_expect_eq(out.level, want, "%s at %d", scales[i].name, target);
            cr_expect_eq(out.rules,
                         below ? TRIAGE_RULE_L1_NONE
                               : TRIAGE_RULE_H2_POSITIVE_SCREEN,
                         "%s at %d", scales[i].name, target);
            cr_expect_not(out.red_flag, "%s", scales[i].name);
        }
    }
}

Test(triage, h2_pcl5_symptom_pattern_below_the_cutoff_is_high_risk)
{
    int answers[20] = {0};
    int rated[] = {1, 6, 8, 9, 15, 16};
    for (size_t i = 0; i < LEN(rated); i++)
        answers[rated[i] - 1] = 2;
    screening_result_t r = s_score("PCL-5", answers, 20);
    triage_outcome_t out = s_assess(&r, 1, 0, 0);
    cr_assert_eq(out.level, TRIAGE_HIGH_RISK);
    cr_assert_eq(out.rules, TRIAGE_RULE_H2_POSITIVE_SCREEN);
    cr_assert_str_eq(out.reason_en, "H2: PCL-5 positive (score 12, below "
                                    "cut-off, DSM-5 pattern met)");
}

Test(triage, h3_each_severe_exposure_alone_is_high_risk)
{
    uint32_t severe[] = {TRIAGE_FACTOR_TRAPPED, TRIAGE_FACTOR_INJURED,
                         TRIAGE_FACTOR_DEATH_CLOSE, TRIAGE_FACTOR_MISSING_CLOSE,
                         TRIAGE_FACTOR_SEPARATED};
    for (size_t i = 0; i < LEN(severe); i++) {
        triage_outcome_t out = s_assess(NULL, 0, severe[i], 0);
        cr_expect_eq(out.level, TRIAGE_HIGH_RISK, "factor %#x", severe[i]);
        cr_expect_eq(out.rules, TRIAGE_RULE_H3_SEVERE_EXPOSURE, "%#x",
                     severe[i]);
        cr_expect_not(out.red_flag);
    }
    triage_outcome_t out = s_assess(NULL, 0, TRIAGE_FACTOR_MISSING_CLOSE, 0);
    cr_assert_str_eq(out.reason_en,
                     "H3: severe exposure: missing family member");
    cr_assert_str_eq(out.reason_zh, "H3：严重暴露：家人失踪");
}

Test(triage, other_single_factors_alone_are_low_risk)
{
    uint32_t mild[] = {
        TRIAGE_FACTOR_PANIC,         TRIAGE_FACTOR_THREAT_TO_LIFE,
        TRIAGE_FACTOR_SAW_DEATH,     TRIAGE_FACTOR_HOME_LOST,
        TRIAGE_FACTOR_PRIOR_HISTORY, TRIAGE_FACTOR_ONGOING_STRESS};
    for (size_t i = 0; i < LEN(mild); i++) {
        triage_outcome_t out = s_assess(NULL, 0, mild[i], 0);
        cr_expect_eq(out.level, TRIAGE_LOW_RISK, "factor %#x", mild[i]);
        cr_expect_eq(out.rules, TRIAGE_RULE_L1_NONE, "factor %#x", mild[i]);
    }
}

Test(triage, h4_three_factors_are_high_risk_and_two_are_not)
{
    uint32_t two = TRIAGE_FACTOR_PANIC | TRIAGE_FACTOR_THREAT_TO_LIFE;
    triage_outcome_t out = s_assess(NULL, 0, two, 0);
    cr_assert_eq(out.level, TRIAGE_LOW_RISK);
    out = s_assess(NULL, 0, two | TRIAGE_FACTOR_HOME_LOST, 0);
    cr_assert_eq(out.level, TRIAGE_HIGH_RISK);
    cr_assert_eq(out.rules, TRIAGE_RULE_H4_MANY_FACTORS);
    cr_assert_str_eq(out.reason_en,
                     "H4: 3 risk factors: extreme panic or fear, direct "
                     "threat to life, home lost or displaced");
}

Test(triage, h5_each_vulnerability_with_two_exposure_factors_is_high_risk)
{
    uint32_t two = TRIAGE_FACTOR_PANIC | TRIAGE_FACTOR_SAW_DEATH;
    for (uint32_t v = 1; v <= TRIAGE_VULN_PRIOR_TRAUMA; v <<= 1) {
        triage_outcome_t out = s_assess(NULL, 0, two, v);
        cr_expect_eq(out.level, TRIAGE_HIGH_RISK, "vulnerability %#x", v);
        cr_expect_eq(out.rules, TRIAGE_RULE_H5_VULNERABLE_EXPOSED, "%#x", v);
        out = s_assess(NULL, 0, TRIAGE_FACTOR_PANIC, v);
        cr_expect_eq(out.level, TRIAGE_LOW_RISK, "one factor, %#x", v);
    }
    triage_outcome_t out =
        s_assess(NULL, 0, two, TRIAGE_VULN_CHILD | TRIAGE_VULN_DISABILITY);
    cr_assert_str_eq(out.reason_zh, "H5：易感人群（儿童、残疾），2项暴露因素");
}

Test(triage, prior_history_counts_as_vulnerability_not_as_exposure)
{
    uint32_t hist = TRIAGE_FACTOR_PRIOR_HISTORY;
    triage_outcome_t out =
        s_assess(NULL, 0, hist | TRIAGE_FACTOR_PANIC, TRIAGE_VULN_CHILD);
    cr_assert_eq(out.level, TRIAGE_LOW_RISK, "one exposure is not enough");
    out = s_assess(NULL, 0,
                   hist | TRIAGE_FACTOR_PANIC | TRIAGE_FACTOR_HOME_LOST, 0);
    cr_assert_eq(out.level, TRIAGE_HIGH_RISK);
    cr_assert_eq(out.rules, TRIAGE_RULE_H4_MANY_FACTORS |
                                TRIAGE_RULE_H5_VULNERABLE_EXPOSED);
    cr_assert_not_null(strstr(out.reason_en, "vulnerable (prior trauma or "
                                             "mental-health history) with 2"),
                       "%s", out.reason_en);
}

Test(triage, l1_nothing_found_is_low_risk_with_first_aid_guidance)
{
    int phq9[9] = {1, 1, 1, 1, 0, 0, 0, 0, 0};
    screening_result_t r = s_score("PHQ-9", phq9, 9);
    triage_outcome_t out =
        s_assess(&r, 1, TRIAGE_FACTOR_PANIC, TRIAGE_VULN_CHILD);
    cr_assert_eq(out.level, TRIAGE_LOW_RISK);
    cr_assert_eq(out.rules, TRIAGE_RULE_L1_NONE);
    cr_assert_not(out.red_flag);
    cr_assert_str_eq(out.reason_en, "L1: no rule for a higher level applies");
    cr_assert_not_null(strstr(out.guidance_en, "12356"));
    cr_assert_null(strstr(out.guidance_en, "Stay with the person"));
}

Test(triage, psystart_answers_become_factors)
{
    int answers[11] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0};
    screening_result_t r = s_score("PsySTART", answers, 11);
    triage_outcome_t out = s_assess(&r, 1, TRIAGE_FACTOR_ONGOING_STRESS, 0);
    cr_assert_eq(out.factors,
                 TRIAGE_FACTOR_PANIC | TRIAGE_FACTOR_THREAT_TO_LIFE |
                     TRIAGE_FACTOR_HOME_LOST | TRIAGE_FACTOR_ONGOING_STRESS);
    cr_assert_eq(out.level, TRIAGE_HIGH_RISK);
    cr_assert_eq(out.rules, TRIAGE_RULE_H4_MANY_FACTORS);
    cr_assert_not(r.positive, "the PsySTART result is not an H2 positive");
}

Test(triage, psystart_items_are_the_factor_bits_in_order)
{
    uint32_t bits[] = {
        TRIAGE_FACTOR_PANIC,         TRIAGE_FACTOR_THREAT_TO_LIFE,
        TRIAGE_FACTOR_TRAPPED,       TRIAGE_FACTOR_INJURED,
        TRIAGE_FACTOR_SAW_DEATH,     TRIAGE_FACTOR_DEATH_CLOSE,
        TRIAGE_FACTOR_MISSING_CLOSE, TRIAGE_FACTOR_HOME_LOST,
        TRIAGE_FACTOR_SEPARATED,     TRIAGE_FACTOR_PRIOR_HISTORY,
        TRIAGE_FACTOR_ONGOING_STRESS};
    cr_assert_eq(LEN(bits), screening_items(screening_find("PsySTART")));
    for (size_t i = 0; i < LEN(bits); i++) {
        screening_result_t r = s_score_with("PsySTART", (int)i + 1, 1);
        triage_outcome_t out = s_assess(&r, 1, 0, 0);
        cr_expect_eq(out.factors, bits[i], "item %zu", i + 1);
    }
}

Test(triage, immediate_outranks_high_and_the_reason_names_every_rule)
{
    int cssrs[6] = {1, 1, 0, 0, 1, 0};
    int phq9[9] = {3, 3, 3, 3, 3, 0, 0, 0, 2};
    screening_result_t results[] = {s_score("PHQ-9", phq9, 9),
                                    s_score("C-SSRS", cssrs, 6)};
    triage_outcome_t out = s_assess(results, 2, TRIAGE_FACTOR_INJURED, 0);
    cr_assert_eq(out.level, TRIAGE_IMMEDIATE);
    cr_assert_eq(out.rules, TRIAGE_RULE_I1_SUICIDE_URGENT |
                                TRIAGE_RULE_H1_SUICIDE_SCREEN |
                                TRIAGE_RULE_H2_POSITIVE_SCREEN |
                                TRIAGE_RULE_H3_SEVERE_EXPOSURE);
    cr_assert(out.red_flag);
    const char *order[] = {"I1: ", "; H1: ", "; H2: ", "; H3: "};
    const char *at = out.reason_en;
    for (size_t i = 0; i < LEN(order); i++) {
        const char *p = strstr(at, order[i]);
        cr_assert_not_null(p, "%s missing or out of order: %s", order[i],
                           out.reason_en);
        at = p + 1;
    }
    cr_assert_null(strstr(out.reason_en, "L1"));
    cr_assert_not_null(strstr(out.guidance_en, "call 120"));
}

Test(triage, guidance_is_bilingual_and_names_the_hotlines)
{
    int cssrs[6] = {0, 1, 0, 1, 0, 0};
    screening_result_t r = s_score("C-SSRS", cssrs, 6);
    screening_result_t flag = s_score_with("PHQ-9", 9, 3);
    triage_outcome_t outs[] = {s_assess(&r, 1, 0, 0), s_assess(&flag, 1, 0, 0),
                               s_assess(NULL, 0, TRIAGE_FACTOR_INJURED, 0),
                               s_assess(NULL, 0, 0, 0)};
    for (size_t i = 0; i < LEN(outs); i++) {
        cr_expect_not_null(strstr(outs[i].guidance_en, "12356"), "%zu", i);
        cr_expect_not_null(strstr(outs[i].guidance_zh, "12356"), "%zu", i);
        cr_expect(s_utf8(outs[i].guidance_zh), "%zu", i);
        for (size_t j = 0; j < i; j++)
            cr_expect_neq(outs[i].guidance_en, outs[j].guidance_en,
                          "%zu and %zu share guidance", i, j);
    }
    cr_assert_not_null(strstr(outs[0].guidance_en, "remove or keep away"));
    cr_assert_not_null(strstr(outs[0].guidance_en, "psychiatrist"));
    cr_assert_not_null(strstr(outs[0].guidance_zh, "不要让其独处"));
    cr_assert_not_null(strstr(outs[0].guidance_zh, "120"));
}

Test(triage, long_reason_is_cut_between_pieces_and_stays_utf8)
{
    screening_result_t flag = s_score_with("PHQ-9", 9, 3);
    screening_result_t results[TRIAGE_MAX_RESULTS];
    for (size_t i = 0; i < LEN(results); i++)
        results[i] = flag;
    triage_outcome_t out = s_assess(results, LEN(results), 0, 0);
    size_t len_en = strlen(out.reason_en), len_zh = strlen(out.reason_zh);
    cr_assert_lt(len_en, TRIAGE_REASON_MAX);
    cr_assert_lt(len_zh, TRIAGE_REASON_MAX);
    cr_assert_gt(len_en, TRIAGE_REASON_MAX / 2);
    cr_assert_str_eq(out.reason_en + len_en - strlen("…"), "…");
    cr_assert_str_eq(out.reason_zh + len_zh - strlen("…"), "…");
    cr_assert(s_utf8(out.reason_zh));
    cr_assert(out.red_flag);
}

Test(triage, malformed_input_is_refused)
{
    triage_outcome_t out;
    screening_result_t results[TRIAGE_MAX_RESULTS + 1];
    memset(results, 0, sizeof results);
    triage_input_t in = {0};
    cr_assert_eq(triage_assess(NULL, &out), XY_EINVAL);
    cr_assert_eq(triage_assess(&in, NULL), XY_EINVAL);
    in.factors = 1u << 12;
    cr_assert_eq(triage_assess(&in, &out), XY_EINVAL, "unknown factor");
    in.factors = 0;
    in.vulnerability = 1u << 7;
    cr_assert_eq(triage_assess(&in, &out), XY_EINVAL, "unknown vuln");
    in.vulnerability = 0;
    in.results = results;
    in.n_results = 1;
    cr_assert_eq(triage_assess(&in, &out), XY_EINVAL, "no instrument");
    for (size_t i = 0; i < LEN(results); i++)
        results[i] = s_score_with("GAD-7", 0, 0);
    in.n_results = TRIAGE_MAX_RESULTS + 1;
    cr_assert_eq(triage_assess(&in, &out), XY_EINVAL, "too many");
    in.n_results = TRIAGE_MAX_RESULTS;
    cr_assert_eq(triage_assess(&in, &out), 0);
    in.results = NULL;
    cr_assert_eq(triage_assess(&in, &out), XY_EINVAL, "results missing");
}

Test(triage, rule_and_level_names)
{
    cr_assert_str_eq(triage_rule_name(TRIAGE_RULE_I1_SUICIDE_URGENT), "I1");
    cr_assert_str_eq(triage_rule_name(TRIAGE_RULE_H5_VULNERABLE_EXPOSED), "H5");
    cr_assert_str_eq(triage_rule_name(TRIAGE_RULE_L1_NONE), "L1");
    cr_assert_null(triage_rule_name(TRIAGE_RULE_H1_SUICIDE_SCREEN |
                                    TRIAGE_RULE_H2_POSITIVE_SCREEN));
    cr_assert_str_eq(triage_level_en(TRIAGE_HIGH_RISK), "HIGH_RISK");
    cr_assert_str_eq(triage_level_zh(TRIAGE_IMMEDIATE), "立即");
    cr_assert_str_eq(triage_level_en((triage_level_t)9), "UNSPECIFIED");
}
