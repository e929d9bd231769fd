/* Triage rules (triage.h), version TRIAGE_RULES_VERSION. The rules are a
 * table: each row has a test over the inputs, the level it sets, whether it
 * raises a red flag, and a sayer that writes its part of the reason. The
 * most urgent level among the rows that fire wins; every row that fires is
 * named in the reason. docs/screening.md is the rule book. */
#include "domain/triage.h"
#include "common/xy_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define S_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Factors each sufficient for HIGH_RISK on their own (rule H3). */
#define S_SEVERE                                                               \
    (TRIAGE_FACTOR_TRAPPED | TRIAGE_FACTOR_INJURED |                           \
     TRIAGE_FACTOR_DEATH_CLOSE | TRIAGE_FACTOR_MISSING_CLOSE |                 \
     TRIAGE_FACTOR_SEPARATED)
#define S_MANY_FACTORS 3       /* rule H4: this many factors or more */
#define S_VULNERABLE_EXPOSED 2 /* rule H5: exposure factors when vulnerable */

/* A name in both languages. */
typedef struct s_name {
    const char *en; /* English */
    const char *zh; /* Simplified Chinese */
} s_name_t;

/* Names of the factor bits, in bit order. */
static const s_name_t s_factors[] = {
    {"extreme panic or fear", "极度惊恐或害怕"},
    {"direct threat to life", "感到生命直接受到威胁"},
    {"trapped or delayed evacuation", "被困或撤离延误"},
    {"injured", "受伤"},
    {"saw or heard death or serious injury", "目睹或听到死亡或重伤"},
    {"death of a family member or close friend", "家人或密友死亡"},
    {"missing family member", "家人失踪"},
    {"home lost or displaced", "房屋损毁或流离失所"},
    {"child separated from caregiver", "儿童与照料者分离"},
    {"prior trauma or mental-health history", "既往创伤或精神健康问题史"},
    {"ongoing stressors", "持续的压力源"},
};

/* Names of the vulnerability bits, in bit order. */
static const s_name_t s_vulns[] = {
    {"child", "儿童"},
    {"older adult", "老年人"},
    {"perinatal", "围产期"},
    {"disability", "残疾"},
    {"bereaved", "丧亲"},
    {"pre-existing mental illness", "原有精神疾病"},
    {"prior trauma", "既往创伤"},
};

/* A reason being written: whole pieces only, so UTF-8 is never cut. */
typedef struct s_text {
    char *buf;  /* destination, TRIAGE_REASON_MAX bytes */
    size_t len; /* bytes written, without the NUL */
    bool full;  /* a piece did not fit; the text ends with an ellipsis */
} s_text_t;

/* What the rules look at, worked out once. */
typedef struct s_ctx {
    const triage_input_t *in; /* the caller's input */
    uint32_t factors;         /* input factors plus PsySTART answers */
    int n_factors;            /* exposure factors present */
    int n_exposure;           /* the same without prior history */
    bool vulnerable;          /* a vulnerability or prior history */
} s_ctx_t;

static void s_add(s_text_t *t, const char *fmt, ...)
{
    static const char ellipsis[] = "…";
    if (t->full)
        return;
    char piece[TRIAGE_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(piece, sizeof piece, fmt, ap);
    va_end(ap);
    size_t room = TRIAGE_REASON_MAX - sizeof ellipsis - t->len;
    if (n < 0 || (size_t)n >= sizeof piece || (size_t)n > room) {
        memcpy(t->buf + t->len, ellipsis, sizeof ellipsis);
        t->len += sizeof ellipsis - 1;
        t->full = true;
        return;
    }
    memcpy(t->buf + t->len, piece, (size_t)n + 1);
    t->len += (size_t)n;
}

/* Appends the names of the set bits of mask, joined in each language. */
static void s_add_names(s_text_t *en, s_text_t *zh, uint32_t mask,
                        const s_name_t *names, size_t n)
{
    const char *sep_en = "", *sep_zh = "";
    for (size_t i = 0; i < n; i++) {
        if (!(mask & (1u << i)))
            continue;
        s_add(en, "%s%s", sep_en, names[i].en);
        s_add(zh, "%s%s", sep_zh, names[i].zh);
        sep_en = ", ";
        sep_zh = "、";
    }
}

static void s_add_factor_names(s_text_t *en, s_text_t *zh, uint32_t mask)
{
    s_add_names(en, zh, mask, s_factors, S_LEN(s_factors));
}

static void s_add_vuln_names(s_text_t *en, s_text_t *zh, uint32_t mask)
{
    s_add_names(en, zh, mask, s_vulns, S_LEN(s_vulns));
}

/* A result's static string, or "" when a caller-built result lacks it. */
static const char *s_str(const char *s)
{
    return s ? s : "";
}

static int s_popcount(uint32_t v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

/* Results carrying a suicide flag, urgent or not as asked. */
static bool s_is_flagged(const screening_result_t *r, bool urgent)
{
    if (!(r->flags & SCREENING_FLAG_SUICIDE))
        return false;
    return urgent == ((r->flags & SCREENING_FLAG_URGENT) != 0);
}

static bool s_is_positive(const screening_result_t *r)
{
    return r->positive &&
           screening_kind(r->instrument) == SCREENING_KIND_SYMPTOM;
}

static bool s_any_result(const s_ctx_t *c, bool urgent, bool flagged)
{
    for (size_t i = 0; i < c->in->n_results; i++) {
        const screening_result_t *r = &c->in->results[i];
        if (flagged ? s_is_flagged(r, urgent) : s_is_positive(r))
            return true;
    }
    return false;
}

/* Writes the flagged results: "C-SSRS high risk, item 5 = 1: ...". */
static void s_say_flags(const s_ctx_t *c, bool urgent, s_text_t *en,
                        s_text_t *zh)
{
    const char *sep = "";
    for (size_t i = 0; i < c->in->n_results; i++) {
        const screening_result_t *r = &c->in->results[i];
        if (!s_is_flagged(r, urgent))
            continue;
        const char *name = screening_name(r->instrument);
        bool level = screening_kind(r->instrument) == SCREENING_KIND_SUICIDE;
        s_add(en, "%s%s%s%s, item %d = %d: %s", sep, name, level ? " " : "",
              level ? s_str(r->band_en) : "", r->flag_item, r->flag_answer,
              s_str(r->flag_en));
        s_add(zh, "%s%s%s%s，第%d题 = %d：%s", *sep ? "；" : "", name,
              level ? " " : "", level ? s_str(r->band_zh) : "", r->flag_item,
              r->flag_answer, s_str(r->flag_zh));
        sep = "; ";
    }
}

static bool s_test_i1(const s_ctx_t *c)
{
    return s_any_result(c, true, true);
}

static void s_say_i1(const s_ctx_t *c, s_text_t *en, s_text_t *zh)
{
    s_say_flags(c, true, en, zh);
}

static bool s_test_i2(const s_ctx_t *c)
{
    return (c->factors & TRIAGE_FACTOR_ACUTE_SUICIDALITY) != 0;
}

static void s_say_i2(const s_ctx_t *c, s_text_t *en, s_text_t *zh)
{
    (void)c;
    s_add(en, "the worker judges the person acutely suicidal");
    s_add(zh, "工作人员判断其存在急性自杀风险");
}

static bool s_test_h1(const s_ctx_t *c)
{
    return s_any_result(c, false, true);
}

static void s_say_h1(const s_ctx_t *c, s_text_t *en, s_text_t *zh)
{
    s_say_flags(c, false, en, zh);
}

static bool s_test_h2(const s_ctx_t *c)
{
    return s_any_result(c, false, false);
}

static void s_say_h2(const s_ctx_t *c, s_text_t *en, s_text_t *zh)
{
    const char *sep = "";
    for (size_t i = 0; i < c->in->n_results; i++) {
        const screening_result_t *r = &c->in->results[i];
        if (!s_is_positive(r))
            continue;
        const char *name = screening_name(r->instrument);
        s_add(en, "%s%s positive (score %d, %s%s)", sep, name, r->score,
              s_str(r->band_en), r->pattern_met ? ", DSM-5 pattern met" : "");
        s_add(zh, "%s%s筛查阳性（%d分，%s%s）", *sep ? "；" : "", name,
              r->score, s_str(r->band_zh),
              r->pattern_met ? "，符合DSM-5症状组合" : "");
        sep = "; ";
    }
}

static bool s_test_h3(const s_ctx_t *c)
{
    return (c->factors & S_SEVERE) != 0;
}

static void s_say_h3(const s_ctx_t *c, s_text_t *en, s_text_t *zh)
{
    s_add(en, "severe exposure: ");
    s_add(zh, "严重暴露：");
    s_add_factor_names(en, zh, c->factors & S_SEVERE);
}

static bool s_test_h4(const s_ctx_t *c)
{
    return c->n_factors >= S_MANY_FACTORS;
}

static void s_say_h4(const s_ctx_t *c, s_text_t *en, s_text_t *zh)
{
    s_add(en, "%d risk factors: ", c->n_factors);
    s_add(zh, "%d项风险因素：", c->n_factors);
    s_add_factor_names(en, zh, c->factors & TRIAGE_FACTORS_EXPOSURE);
}

static bool s_test_h5(const s_ctx_t *c)
{
    return c->vulnerable && c->n_exposure >= S_VULNERABLE_EXPOSED;
}

static void s_say_h5(const s_ctx_t *c, s_text_t *en, s_text_t *zh)
{
    uint32_t vuln = c->in->vulnerability;
    s_add(en, "vulnerable (");
    s_add(zh, "易感人群（");
    s_add_vuln_names(en, zh, vuln);
    if (c->factors & TRIAGE_FACTOR_PRIOR_HISTORY) {
        s_add(en, "%s", vuln ? ", " : "");
        s_add(zh, "%s", vuln ? "、" : "");
        s_add_factor_names(en, zh, TRIAGE_FACTOR_PRIOR_HISTORY);
    }
    s_add(en, ") with %d exposure factors", c->n_exposure);
    s_add(zh, "），%d项暴露因素", c->n_exposure);
}

static bool s_test_l1(const s_ctx_t *c)
{
    (void)c;
    return true;
}

static void s_say_l1(const s_ctx_t *c, s_text_t *en, s_text_t *zh)
{
    (void)c;
    s_add(en, "no rule for a higher level applies");
    s_add(zh, "未触发更高级别的规则");
}

/* The rule book of TRIAGE_RULES_VERSION, most urgent first. L1 is last
 * and counts only when no other row fired. */
static const struct {
    uint32_t bit;                   /* TRIAGE_RULE_* */
    const char *name;               /* short name, "I1" */
    triage_level_t level;           /* level it sets */
    bool red_flag;                  /* raises a red flag */
    bool (*test)(const s_ctx_t *c); /* whether it fires */
    void (*say)(const s_ctx_t *c, s_text_t *en, s_text_t *zh); /* reason */
} s_rules[] = {
    {TRIAGE_RULE_I1_SUICIDE_URGENT, "I1", TRIAGE_IMMEDIATE, true, s_test_i1,
     s_say_i1},
    {TRIAGE_RULE_I2_ACUTE_SUICIDALITY, "I2", TRIAGE_IMMEDIATE, true, s_test_i2,
     s_say_i2},
    {TRIAGE_RULE_H1_SUICIDE_SCREEN, "H1", TRIAGE_HIGH_RISK, true, s_test_h1,
     s_say_h1},
    {TRIAGE_RULE_H2_POSITIVE_SCREEN, "H2", TRIAGE_HIGH_RISK, false, s_test_h2,
     s_say_h2},
    {TRIAGE_RULE_H3_SEVERE_EXPOSURE, "H3", TRIAGE_HIGH_RISK, false, s_test_h3,
     s_say_h3},
    {TRIAGE_RULE_H4_MANY_FACTORS, "H4", TRIAGE_HIGH_RISK, false, s_test_h4,
     s_say_h4},
    {TRIAGE_RULE_H5_VULNERABLE_EXPOSED, "H5", TRIAGE_HIGH_RISK, false,
     s_test_h5, s_say_h5},
    {TRIAGE_RULE_L1_NONE, "L1", TRIAGE_LOW_RISK, false, s_test_l1, s_say_l1},
};

/* What the worker does now, per situation (docs/screening.md). */
static const char s_guide_immediate_en[] =
    "1. Stay with the person; do not leave them alone, even briefly. "
    "Keep calm and listen.\n"
    "2. If it is safe, remove or keep away means of self-harm (medicines, "
    "pesticides, blades, ropes) and move away from heights and water.\n"
    "3. Call the team psychiatrist or on-call clinician now. The red flag "
    "stays open until a named person acknowledges it.\n"
    "4. If they have harmed themselves, taken poison or an overdose, or are "
    "in medical danger, call 120 now.\n"
    "5. Hand over only to a named colleague, relative or clinician who "
    "stays with them. Give the 12356 psychological assistance hotline.";
static const char s_guide_immediate_zh[] =
    "1. 陪伴在其身边，不要让其独处，哪怕片刻。保持冷静，耐心倾听。\n"
    "2. 在确保安全的前提下，移除或远离可用于自伤的物品（药物、农药、刀具、"
    "绳索），远离高处和水边。\n"
    "3. 立即联系本队精神科医生或值班医生。红色警示在有具名人员确认前保持"
    "开启。\n"
    "4. 如已自伤、服毒或过量服药，或有医疗危险，立即拨打120。\n"
    "5. 只能交接给会留在其身边的具名同事、亲属或医生。告知12356心理援助"
    "热线。";
static const char s_guide_suicide_en[] =
    "1. Ask calmly and directly about suicidal thoughts, plans and past "
    "attempts (complete the C-SSRS screener if not done). Asking does not "
    "put the idea in their head.\n"
    "2. Do not leave the person alone until the risk has been assessed.\n"
    "3. Contact the team psychiatrist or on-call clinician for a same-day "
    "suicide-risk assessment. The red flag stays open until acknowledged.\n"
    "4. With the person and their family, reduce access to means "
    "(medicines, pesticides, blades, ropes).\n"
    "5. If the risk becomes imminent, act as for IMMEDIATE; for self-harm "
    "or poisoning call 120. Give the 12356 psychological assistance "
    "hotline.";
static const char s_guide_suicide_zh[] =
    "1. 平静、直接地询问自杀想法、计划和既往自杀行为（如未完成，请完成"
    "C-SSRS筛查）。询问不会诱发自杀念头。\n"
    "2. 在风险评估完成前，不要让其独处。\n"
    "3. 联系本队精神科医生或值班医生，当天完成自杀风险评估。红色警示在"
    "确认前保持开启。\n"
    "4. 与本人及家属一起减少接触危险物品（药物、农药、刀具、绳索）的"
    "机会。\n"
    "5. 如风险变得紧迫，按“立即”级别处理；如有自伤或服毒，拨打120。"
    "告知12356心理援助热线。";
static const char s_guide_high_en[] =
    "1. Offer Psychological First Aid: make sure they are safe, help them "
    "calm down, meet urgent practical needs, connect them with family and "
    "support.\n"
    "2. Refer to the team psychiatrist or psychotherapist for further "
    "assessment and schedule a follow-up; do not close the case at this "
    "contact.\n"
    "3. Ask about thoughts of suicide at this and every contact; if there "
    "are any, triage again.\n"
    "4. Refer injuries and medical needs to a hospital (call 120 in an "
    "emergency).\n"
    "5. Give the 12356 psychological assistance hotline and how to reach "
    "your team.";
static const char s_guide_high_zh[] =
    "1. 提供心理急救：确保安全，帮助其平复情绪，满足紧迫的实际需要，联系"
    "家人和支持资源。\n"
    "2. 转介本队精神科医生或心理治疗师进一步评估，并安排随访；本次接触后"
    "不要结案。\n"
    "3. 本次及每次接触时询问是否有自杀想法；如有，重新分诊。\n"
    "4. 受伤或有医疗需要时转介医院（紧急情况拨打120）。\n"
    "5. 告知12356心理援助热线及联系本队的方式。";
static const char s_guide_low_en[] =
    "1. Offer Psychological First Aid: listen without pressing for "
    "details, help with basic needs and information, connect them with "
    "family and community support.\n"
    "2. Explain that strong reactions after a disaster are common and "
    "usually ease with time and support.\n"
    "3. Tell them how to reach your team and the 12356 psychological "
    "assistance hotline.\n"
    "4. Screen again at follow-up, or sooner if distress persists or "
    "worsens or thoughts of suicide appear.";
static const char s_guide_low_zh[] =
    "1. 提供心理急救：倾听但不追问细节，协助解决基本需要和获取信息，联系"
    "家人和社区支持。\n"
    "2. 说明灾后出现强烈反应很常见，通常会随时间和支持而缓解。\n"
    "3. 告知联系本队的方式及12356心理援助热线。\n"
    "4. 随访时再次筛查；如痛苦持续、加重或出现自杀想法，应提前筛查。";

static int s_validate(const triage_input_t *in)
{
    if (in->n_results > TRIAGE_MAX_RESULTS)
        return XY_EINVAL;
    if (in->n_results > 0 && !in->results)
        return XY_EINVAL;
    for (size_t i = 0; i < in->n_results; i++)
        if (!in->results[i].instrument)
            return XY_EINVAL;
    if (in->factors & ~(uint32_t)TRIAGE_FACTORS_ALL)
        return XY_EINVAL;
    if (in->vulnerability & ~(uint32_t)TRIAGE_VULN_ALL)
        return XY_EINVAL;
    return 0;
}

/* Works out the factors: the input's plus the "yes" items of any PsySTART
 * result, whose items are the factor bits in order. */
static void s_context(const triage_input_t *in, s_ctx_t *c)
{
    c->in = in;
    c->factors = in->factors;
    for (size_t i = 0; i < in->n_results; i++) {
        const screening_result_t *r = &in->results[i];
        if (screening_kind(r->instrument) == SCREENING_KIND_EXPOSURE)
            c->factors |= screening_yes_mask(r) & TRIAGE_FACTORS_EXPOSURE;
    }
    uint32_t exposure = c->factors & TRIAGE_FACTORS_EXPOSURE;
    c->n_factors = s_popcount(exposure);
    c->n_exposure =
        s_popcount(exposure & ~(uint32_t)TRIAGE_FACTOR_PRIOR_HISTORY);
    c->vulnerable =
        in->vulnerability != 0 || (exposure & TRIAGE_FACTOR_PRIOR_HISTORY) != 0;
}

static void s_guidance(triage_outcome_t *out)
{
    if (out->level == TRIAGE_IMMEDIATE) {
        out->guidance_en = s_guide_immediate_en;
        out->guidance_zh = s_guide_immediate_zh;
    } else if (out->rules & TRIAGE_RULE_H1_SUICIDE_SCREEN) {
        out->guidance_en = s_guide_suicide_en;
        out->guidance_zh = s_guide_suicide_zh;
    } else if (out->level == TRIAGE_HIGH_RISK) {
        out->guidance_en = s_guide_high_en;
        out->guidance_zh = s_guide_high_zh;
    } else {
        out->guidance_en = s_guide_low_en;
        out->guidance_zh = s_guide_low_zh;
    }
}

int triage_assess(const triage_input_t *in, triage_outcome_t *out)
{
    if (!in || !out)
        return XY_EINVAL;
    int rc = s_validate(in);
    if (rc)
        return rc;

    s_ctx_t c;
    s_context(in, &c);
    memset(out, 0, sizeof *out);
    out->rules_version = TRIAGE_RULES_VERSION;
    out->factors = c.factors;
    out->level = TRIAGE_LOW_RISK;
    s_text_t en = {.buf = out->reason_en}, zh = {.buf = out->reason_zh};
    for (size_t i = 0; i < S_LEN(s_rules); i++) {
        if (s_rules[i].bit == TRIAGE_RULE_L1_NONE && out->rules)
            break;
        if (!s_rules[i].test(&c))
            continue;
        s_add(&en, "%s%s: ", out->rules ? "; " : "", s_rules[i].name);
        s_add(&zh, "%s%s：", out->rules ? "；" : "", s_rules[i].name);
        s_rules[i].say(&c, &en, &zh);
        out->rules |= s_rules[i].bit;
        out->red_flag = out->red_flag || s_rules[i].red_flag;
        if (s_rules[i].level < out->level)
            out->level = s_rules[i].level;
    }
    s_guidance(out);
    return 0;
}

const char *triage_rule_name(uint32_t rule)
{
    for (size_t i = 0; i < S_LEN(s_rules); i++)
        if (s_rules[i].bit == rule)
            return s_rules[i].name;
    return NULL;
}

const char *triage_level_en(triage_level_t level)
{
    switch (level) {
    case TRIAGE_IMMEDIATE:
        return "IMMEDIATE";
    case TRIAGE_HIGH_RISK:
        return "HIGH_RISK";
    case TRIAGE_LOW_RISK:
        return "LOW_RISK";
    default:
        return "UNSPECIFIED";
    }
}

const char *triage_level_zh(triage_level_t level)
{
    switch (level) {
    case TRIAGE_IMMEDIATE:
        return "立即";
    case TRIAGE_HIGH_RISK:
        return "高风险";
    case TRIAGE_LOW_RISK:
        return "低风险";
    default:
        return "未指定";
    }
}
