/* Screening instruments (screening.h): the instrument table and the one
 * engine that validates answers and scores them. Every instrument is data:
 * runs of items with their answer range and skip logic, severity bands, a
 * cut-off, item rules that raise flags (or, for the C-SSRS, set the risk
 * level) and clusters with sub-scores. The numbers come from
 * shared/data/screening/SCREENING_RULES.md; docs/screening.md explains each
 * choice. Item wording is not held here (licences differ, see the doc). */
#include "domain/screening.h"
#include "common/xy_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define S_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* How the score is formed. */
typedef enum s_method {
    S_SUM = 1,   /* sum of the scored items */
    S_LEVEL = 2, /* highest level among the item rules that match */
} s_method_t;

/* A run of consecutive items sharing a range and skip logic. */
typedef struct s_run {
    int first;         /* first item of the run, 1-based */
    int last;          /* last item of the run, inclusive */
    int min;           /* lowest allowed answer */
    int max;           /* highest allowed answer */
    bool extra;        /* not scored and may stay unanswered */
    int gate;          /* asked only when this item...; 0: always asked */
    int gate_at_least; /* ...is answered at least this */
} s_run_t;

/* An item rule: when item >= at_least, raise flags and reach level. */
typedef struct s_rule {
    int item;       /* 1-based item */
    int at_least;   /* lowest answer that matches */
    int level;      /* risk level reached (S_LEVEL instruments) */
    unsigned flags; /* SCREENING_FLAG_* raised */
    const char *en; /* what the answer means, English */
    const char *zh; /* the same in Simplified Chinese */
} s_rule_t;

/* A cluster of items with a sub-score and a count needed for a pattern. */
typedef struct s_cluster {
    int first; /* first item, 1-based */
    int last;  /* last item, inclusive */
    int need;  /* items rated at or above the threshold needed */
} s_cluster_t;

struct screening_instrument {
    const char *name;              /* canonical name, "PHQ-9" */
    const char *title_en;          /* full title, English */
    const char *title_zh;          /* full title, Simplified Chinese */
    screening_kind_t kind;         /* what it measures */
    s_method_t method;             /* how the score is formed */
    const s_run_t *runs;           /* item runs, in item order */
    size_t n_runs;                 /* entries in runs */
    const screening_band_t *bands; /* bands in score order */
    size_t n_bands;                /* entries in bands */
    bool bands_follow_cutoff;      /* two bands split at the cut-off */
    int cutoff;                    /* positive at score >= cutoff; 0: none */
    bool cutoff_fixed;             /* the cut-off cannot be configured */
    const s_rule_t *rules;         /* item rules */
    size_t n_rules;                /* entries in rules */
    const s_cluster_t *clusters;   /* clusters with sub-scores */
    size_t n_clusters;             /* entries in clusters */
    int cluster_at_least;          /* item rating that counts in a cluster */
};

/* PHQ-9: 9 items 0-3; item 10 (functional difficulty) is not scored. */
static const s_run_t s_phq9_runs[] = {
    {.first = 1, .last = 9, .min = 0, .max = 3},
    {.first = 10, .last = 10, .min = 0, .max = 3, .extra = true},
};
static const screening_band_t s_phq9_bands[] = {
    {0, 4, "none/minimal", "无/极轻微"},
    {5, 9, "mild", "轻度"},
    {10, 14, "moderate", "中度"},
    {15, 19, "moderately severe", "中重度"},
    {20, 27, "severe", "重度"},
};
static const s_rule_t s_phq9_rules[] = {
    {9, 1, 0, SCREENING_FLAG_SUICIDE,
     "thoughts of death or self-harm: same-day suicide-risk assessment",
     "有死亡或自伤的念头：需当天进行自杀风险评估"},
};

static const s_run_t s_gad7_runs[] = {
    {.first = 1, .last = 7, .min = 0, .max = 3},
};
static const screening_band_t s_gad7_bands[] = {
    {0, 4, "minimal", "极轻微"},
    {5, 9, "mild", "轻度"},
    {10, 14, "moderate", "中度"},
    {15, 21, "severe", "重度"},
};

/* PCL-5 clusters B (1-5), C (6-7), D (8-14), E (15-20). */
static const s_run_t s_pcl5_runs[] = {
    {.first = 1, .last = 20, .min = 0, .max = 4},
};
static const screening_band_t s_pcl5_bands[] = {
    {0, 32, "below cut-off", "低于临界值"},
    {33, 80, "probable PTSD", "可能存在创伤后应激障碍"},
};
static const s_cluster_t s_pcl5_clusters[] = {
    {1, 5, 1},
    {6, 7, 1},
    {8, 14, 2},
    {15, 20, 2},
};

static const s_run_t s_srq20_runs[] = {
    {.first = 1, .last = 20, .min = 0, .max = 1},
};
static const screening_band_t s_srq20_bands[] = {
    {0, 7, "below cut-off", "低于临界值"},
    {8, 20, "at or above cut-off", "达到或超过临界值"},
};
static const s_rule_t s_srq20_rules[] = {
    {17, 1, 0, SCREENING_FLAG_SUICIDE,
     "thoughts of ending one's life: suicide-risk assessment",
     "有结束自己生命的想法：需进行自杀风险评估"},
};

static const s_run_t s_k6_runs[] = {
    {.first = 1, .last = 6, .min = 0, .max = 4},
};
static const screening_band_t s_k6_bands[] = {
    {0, 4, "low distress", "低度心理困扰"},
    {5, 12, "moderate distress", "中度心理困扰"},
    {13, 24, "serious psychological distress", "严重心理困扰"},
};

/* K10 coded 1-5 (Australian bands). */
static const s_run_t s_k10_runs[] = {
    {.first = 1, .last = 10, .min = 1, .max = 5},
};
static const screening_band_t s_k10_bands[] = {
    {10, 15, "low", "低度心理困扰"},
    {16, 21, "moderate", "中度心理困扰"},
    {22, 29, "high", "高度心理困扰"},
    {30, 50, "very high", "极高度心理困扰"},
};

/* C-SSRS screener: items 3-5 are asked only when item 2 is yes; item 6 is
 * 0 no, 1 yes but not in the past 3 months, 2 yes in the past 3 months. */
static const s_run_t s_cssrs_runs[] = {
    {.first = 1, .last = 2, .min = 0, .max = 1},
    {.first = 3, .last = 5, .min = 0, .max = 1, .gate = 2, .gate_at_least = 1},
    {.first = 6, .last = 6, .min = 0, .max = 2},
};
static const screening_band_t s_cssrs_bands[] = {
    {0, 0, "no risk identified", "未发现自杀风险"},
    {1, 1, "low risk", "低风险"},
    {2, 2, "moderate risk", "中风险"},
    {3, 3, "high risk", "高风险"},
};
static const s_rule_t s_cssrs_rules[] = {
    {1, 1, 1, SCREENING_FLAG_SUICIDE, "wish to be dead", "希望自己死去"},
    {2, 1, 1, SCREENING_FLAG_SUICIDE, "non-specific active suicidal thoughts",
     "非特定的主动自杀想法"},
    {3, 1, 2, SCREENING_FLAG_SUICIDE,
     "suicidal thoughts with method, without intent",
     "有自杀想法及方法，但无意图"},
    {4, 1, 3, SCREENING_FLAG_SUICIDE | SCREENING_FLAG_URGENT,
     "suicidal intent without specific plan", "有自杀意图，但无具体计划"},
    {5, 1, 3, SCREENING_FLAG_SUICIDE | SCREENING_FLAG_URGENT,
     "suicidal intent with specific plan", "有自杀意图及具体计划"},
    {6, 1, 2, SCREENING_FLAG_SUICIDE,
     "suicidal behaviour, not in the past 3 months",
     "曾有自杀行为（非近3个月内）"},
    {6, 2, 3, SCREENING_FLAG_SUICIDE | SCREENING_FLAG_URGENT,
     "suicidal behaviour in the past 3 months", "近3个月内有自杀行为"},
};

/* PsySTART-style factors, in TRIAGE_FACTOR_* bit order (triage.h). */
static const s_run_t s_psystart_runs[] = {
    {.first = 1, .last = 11, .min = 0, .max = 1},
};
static const screening_band_t s_psystart_bands[] = {
    {0, 0, "no risk factor", "无风险因素"},
    {1, 11, "risk factors present", "存在风险因素"},
};

static const screening_instrument_t s_instruments[] = {
    {.name = "PHQ-9",
     .title_en = "Patient Health Questionnaire-9",
     .title_zh = "患者健康问卷（PHQ-9）",
     .kind = SCREENING_KIND_SYMPTOM,
     .method = S_SUM,
     .runs = s_phq9_runs,
     .n_runs = S_LEN(s_phq9_runs),
     .bands = s_phq9_bands,
     .n_bands = S_LEN(s_phq9_bands),
     .cutoff = 10,
     .rules = s_phq9_rules,
     .n_rules = S_LEN(s_phq9_rules)},
    {.name = "GAD-7",
     .title_en = "Generalized Anxiety Disorder-7",
     .title_zh = "广泛性焦虑量表（GAD-7）",
     .kind = SCREENING_KIND_SYMPTOM,
     .method = S_SUM,
     .runs = s_gad7_runs,
     .n_runs = S_LEN(s_gad7_runs),
     .bands = s_gad7_bands,
     .n_bands = S_LEN(s_gad7_bands),
     .cutoff = 10},
    {.name = "PCL-5",
     .title_en = "PTSD Checklist for DSM-5",
     .title_zh = "创伤后应激障碍检查量表（PCL-5）",
     .kind = SCREENING_KIND_SYMPTOM,
     .method = S_SUM,
     .runs = s_pcl5_runs,
     .n_runs = S_LEN(s_pcl5_runs),
     .bands = s_pcl5_bands,
     .n_bands = S_LEN(s_pcl5_bands),
     .bands_follow_cutoff = true,
     .cutoff = 33,
     .clusters = s_pcl5_clusters,
     .n_clusters = S_LEN(s_pcl5_clusters),
     .cluster_at_least = 2},
    {.name = "SRQ-20",
     .title_en = "Self-Reporting Questionnaire-20",
     .title_zh = "自评问卷（SRQ-20）",
     .kind = SCREENING_KIND_SYMPTOM,
     .method = S_SUM,
     .runs = s_srq20_runs,
     .n_runs = S_LEN(s_srq20_runs),
     .bands = s_srq20_bands,
     .n_bands = S_LEN(s_srq20_bands),
     .bands_follow_cutoff = true,
     .cutoff = 8,
     .rules = s_srq20_rules,
     .n_rules = S_LEN(s_srq20_rules)},
    {.name = "K6",
     .title_en = "Kessler Psychological Distress Scale, 6 items",
     .title_zh = "凯斯勒心理困扰量表（K6）",
     .kind = SCREENING_KIND_SYMPTOM,
     .method = S_SUM,
     .runs = s_k6_runs,
     .n_runs = S_LEN(s_k6_runs),
     .bands = s_k6_bands,
     .n_bands = S_LEN(s_k6_bands),
     .cutoff = 13},
    {.name = "K10",
     .title_en = "Kessler Psychological Distress Scale, 10 items",
     .title_zh = "凯斯勒心理困扰量表（K10）",
     .kind = SCREENING_KIND_SYMPTOM,
     .method = S_SUM,
     .runs = s_k10_runs,
     .n_runs = S_LEN(s_k10_runs),
     .bands = s_k10_bands,
     .n_bands = S_LEN(s_k10_bands),
     .cutoff = 22},
    {.name = "C-SSRS",
     .title_en = "Columbia Suicide Severity Rating Scale, screener",
     .title_zh = "哥伦比亚自杀严重程度评定量表（筛查版）",
     .kind = SCREENING_KIND_SUICIDE,
     .method = S_LEVEL,
     .runs = s_cssrs_runs,
     .n_runs = S_LEN(s_cssrs_runs),
     .bands = s_cssrs_bands,
     .n_bands = S_LEN(s_cssrs_bands),
     .cutoff = 1,
     .cutoff_fixed = true,
     .rules = s_cssrs_rules,
     .n_rules = S_LEN(s_cssrs_rules)},
    {.name = "PsySTART",
     .title_en = "PsySTART-style rapid exposure risk factors",
     .title_zh = "PsySTART式快速暴露风险因素",
     .kind = SCREENING_KIND_EXPOSURE,
     .method = S_SUM,
     .runs = s_psystart_runs,
     .n_runs = S_LEN(s_psystart_runs),
     .bands = s_psystart_bands,
     .n_bands = S_LEN(s_psystart_bands),
     .cutoff_fixed = true},
};

static void s_fail(screening_error_t *err, int code, int item, const char *fmt,
                   ...)
{
    if (!err)
        return;
    err->code = code;
    err->item = item;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

static void s_ok(screening_error_t *err)
{
    if (!err)
        return;
    err->code = 0;
    err->item = 0;
    err->msg[0] = '\0';
}

/* ASCII case-insensitive equality, reading at most SCREENING_NAME_MAX + 1
 * bytes of the untrusted name. */
static bool s_name_eq(const char *name, const char *canon)
{
    for (size_t i = 0; i <= SCREENING_NAME_MAX; i++) {
        char a = name[i], b = canon[i];
        if (a >= 'a' && a <= 'z')
            a = (char)(a - 'a' + 'A');
        if (b >= 'a' && b <= 'z')
            b = (char)(b - 'a' + 'A');
        if (a != b)
            return false;
        if (a == '\0')
            return true;
    }
    return false;
}

const screening_instrument_t *screening_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < S_LEN(s_instruments); i++)
        if (s_name_eq(name, s_instruments[i].name))
            return &s_instruments[i];
    return NULL;
}

size_t screening_count(void)
{
    return S_LEN(s_instruments);
}

const screening_instrument_t *screening_at(size_t i)
{
    return i < S_LEN(s_instruments) ? &s_instruments[i] : NULL;
}

const char *screening_name(const screening_instrument_t *in)
{
    return in->name;
}

const char *screening_title_en(const screening_instrument_t *in)
{
    return in->title_en;
}

const char *screening_title_zh(const screening_instrument_t *in)
{
    return in->title_zh;
}

screening_kind_t screening_kind(const screening_instrument_t *in)
{
    return in->kind;
}

size_t screening_items(const screening_instrument_t *in)
{
    return (size_t)in->runs[in->n_runs - 1].last;
}

size_t screening_required_items(const screening_instrument_t *in)
{
    size_t n = 0;
    for (size_t i = 0; i < in->n_runs; i++)
        if (!in->runs[i].extra)
            n = (size_t)in->runs[i].last;
    return n;
}

/* The run holding a 1-based item, or NULL. */
static const s_run_t *s_run_of(const screening_instrument_t *in, int item)
{
    for (size_t i = 0; i < in->n_runs; i++)
        if (item >= in->runs[i].first && item <= in->runs[i].last)
            return &in->runs[i];
    return NULL;
}

int screening_answer_range(const screening_instrument_t *in, int item, int *min,
                           int *max)
{
    const s_run_t *run = s_run_of(in, item);
    if (!run)
        return XY_ERANGE;
    *min = run->min;
    *max = run->max;
    return 0;
}

void screening_score_range(const screening_instrument_t *in, int *min, int *max)
{
    int lo = 0, hi = 0;
    if (in->method == S_LEVEL) {
        for (size_t i = 0; i < in->n_rules; i++)
            if (in->rules[i].level > hi)
                hi = in->rules[i].level;
    } else {
        for (size_t i = 0; i < in->n_runs; i++) {
            const s_run_t *r = &in->runs[i];
            if (r->extra)
                continue;
            /* Items behind a gate may be skipped and then count as 0. */
            int n = r->last - r->first + 1;
            lo += r->gate ? 0 : n * r->min;
            hi += n * r->max;
        }
    }
    *min = lo;
    *max = hi;
}

int screening_cutoff(const screening_instrument_t *in)
{
    return in->cutoff;
}

size_t screening_band_count(const screening_instrument_t *in)
{
    return in->n_bands;
}

/* Band i under a cut-off: bands that follow the cut-off split there. */
static screening_band_t s_band(const screening_instrument_t *in, int cutoff,
                               size_t i)
{
    screening_band_t b = in->bands[i];
    if (in->bands_follow_cutoff && in->n_bands == 2) {
        if (i == 0)
            b.hi = cutoff - 1;
        else
            b.lo = cutoff;
    }
    return b;
}

int screening_band_get(const screening_instrument_t *in, size_t i,
                       screening_band_t *out)
{
    if (i >= in->n_bands)
        return XY_ERANGE;
    *out = s_band(in, in->cutoff, i);
    return 0;
}

/* The answer of a 1-based item among n, SCREENING_MISSING beyond n. */
static int s_answer(const int *answers, size_t n, int item)
{
    return (size_t)item <= n ? answers[item - 1] : SCREENING_MISSING;
}

/* Whether the run's items are asked, given the answers so far. An
 * unanswered gate counts as asked: the gate itself is reported first. */
static bool s_asked(const s_run_t *run, const int *answers, size_t n)
{
    if (!run->gate)
        return true;
    int g = s_answer(answers, n, run->gate);
    return g == SCREENING_MISSING || g >= run->gate_at_least;
}

/* Checks every item in order and reports the first at fault. Missing
 * required items are allowed only when `draft` is set. */
static int s_check(const screening_instrument_t *in, const int *answers,
                   size_t n, bool draft, screening_error_t *err)
{
    size_t items = screening_items(in);
    if (n > items) {
        s_fail(err, XY_EINVAL, 0,
               "%s: %zu answers given, the instrument has %zu items", in->name,
               n, items);
        return XY_EINVAL;
    }
    if (n > 0 && !answers) {
        s_fail(err, XY_EINVAL, 0, "%s: no answers array", in->name);
        return XY_EINVAL;
    }
    for (int item = 1; (size_t)item <= items; item++) {
        const s_run_t *run = s_run_of(in, item);
        int a = s_answer(answers, n, item);
        bool asked = s_asked(run, answers, n);
        if (a == SCREENING_MISSING) {
            if (draft || run->extra || !asked)
                continue;
            s_fail(err, XY_EINCOMPLETE, item,
                   "%s item %d: no answer (required item)", in->name, item);
            return XY_EINCOMPLETE;
        }
        if (a < run->min || a > run->max) {
            s_fail(err, XY_EANSWER, item,
                   "%s item %d: answer %d out of range %d..%d", in->name, item,
                   a, run->min, run->max);
            return XY_EANSWER;
        }
        if (a > 0 && !asked) {
            s_fail(err, XY_EANSWER, item,
                   "%s item %d: answer %d given, but the item is asked only "
                   "when item %d is %d or more",
                   in->name, item, a, run->gate, run->gate_at_least);
            return XY_EANSWER;
        }
    }
    return 0;
}

/* Applies the item rules: flags, level, and the strongest rule's reason
 * (highest level; the first one among equals). Returns the level. */
static int s_apply_rules(const screening_instrument_t *in,
                         screening_result_t *out)
{
    int level = 0;
    const s_rule_t *best = NULL;
    for (size_t i = 0; i < in->n_rules; i++) {
        const s_rule_t *r = &in->rules[i];
        int a = out->answers[r->item - 1];
        if (a == SCREENING_MISSING || a < r->at_least)
            continue;
        out->flags |= r->flags;
        if (!best || r->level > best->level)
            best = r;
        if (r->level > level)
            level = r->level;
    }
    if (best) {
        out->flag_item = best->item;
        out->flag_answer = out->answers[best->item - 1];
        out->flag_en = best->en;
        out->flag_zh = best->zh;
    }
    return level;
}

/* Cluster sub-scores and the symptom pattern (every cluster has enough
 * items rated at or above the threshold). */
static void s_apply_clusters(const screening_instrument_t *in,
                             screening_result_t *out)
{
    bool met = in->n_clusters > 0;
    for (size_t c = 0; c < in->n_clusters; c++) {
        const s_cluster_t *cl = &in->clusters[c];
        int sum = 0, count = 0;
        for (int item = cl->first; item <= cl->last; item++) {
            int a = out->answers[item - 1];
            sum += a;
            count += a >= in->cluster_at_least;
        }
        out->subscores[c] = sum;
        if (count < cl->need)
            met = false;
    }
    out->n_subscores = in->n_clusters;
    out->pattern_met = met;
}

/* Scores answers already checked by s_check into *out. */
static void s_evaluate(const screening_instrument_t *in, int cutoff,
                       const int *answers, size_t n, screening_result_t *out)
{
    memset(out, 0, sizeof *out);
    out->instrument = in;
    out->n_answers = screening_items(in);
    for (int item = 1; (size_t)item <= out->n_answers; item++)
        out->answers[item - 1] = s_answer(answers, n, item);

    int sum = 0;
    for (int item = 1; (size_t)item <= out->n_answers; item++) {
        const s_run_t *run = s_run_of(in, item);
        int a = out->answers[item - 1];
        if (!run->extra && a != SCREENING_MISSING)
            sum += a;
    }
    int level = s_apply_rules(in, out);
    s_apply_clusters(in, out);
    out->score = in->method == S_LEVEL ? level : sum;
    out->cutoff = cutoff;
    out->positive = (cutoff > 0 && out->score >= cutoff) || out->pattern_met;
    for (size_t i = 0; i < in->n_bands; i++) {
        screening_band_t b = s_band(in, cutoff, i);
        if (out->score >= b.lo && out->score <= b.hi) {
            out->band_en = b.en;
            out->band_zh = b.zh;
        }
    }
}

/* Resolves a requested cut-off against the instrument's rule. */
static int s_cutoff(const screening_instrument_t *in, int cutoff, int *use,
                    screening_error_t *err)
{
    if (cutoff == SCREENING_DEFAULT_CUTOFF) {
        *use = in->cutoff;
        return 0;
    }
    if (in->cutoff_fixed) {
        s_fail(err, XY_ENOTSUP, 0,
               "%s: the positive rule is fixed, no cut-off can be set",
               in->name);
        return XY_ENOTSUP;
    }
    int lo, hi;
    screening_score_range(in, &lo, &hi);
    if (cutoff <= lo || cutoff > hi) {
        s_fail(err, XY_ERANGE, 0, "%s: cut-off %d out of range %d..%d",
               in->name, cutoff, lo + 1, hi);
        return XY_ERANGE;
    }
    *use = cutoff;
    return 0;
}

int screening_score_cutoff(const screening_instrument_t *in, int cutoff,
                           const int *answers, size_t n,
                           screening_result_t *out, screening_error_t *err)
{
    if (!in || !out) {
        s_fail(err, XY_EINVAL, 0, "no instrument or no result to fill");
        return XY_EINVAL;
    }
    int use = 0;
    int rc = s_cutoff(in, cutoff, &use, err);
    if (rc)
        return rc;
    rc = s_check(in, answers, n, false, err);
    if (rc)
        return rc;
    s_evaluate(in, use, answers, n, out);
    s_ok(err);
    return 0;
}

int screening_score(const screening_instrument_t *in, const int *answers,
                    size_t n, screening_result_t *out, screening_error_t *err)
{
    return screening_score_cutoff(in, SCREENING_DEFAULT_CUTOFF, answers, n, out,
                                  err);
}

uint32_t screening_yes_mask(const screening_result_t *r)
{
    uint32_t mask = 0;
    for (size_t i = 0; i < r->n_answers && i < 32; i++)
        if (r->answers[i] > 0)
            mask |= 1u << i;
    return mask;
}

void screening_draft_init(screening_draft_t *d,
                          const screening_instrument_t *in)
{
    d->instrument = in;
    d->n_answers = screening_items(in);
    for (size_t i = 0; i < SCREENING_MAX_ITEMS; i++)
        d->answers[i] = SCREENING_MISSING;
}

int screening_draft_load(screening_draft_t *d, const screening_instrument_t *in,
                         const int *answers, size_t n, screening_error_t *err)
{
    if (!d || !in) {
        s_fail(err, XY_EINVAL, 0, "no draft or no instrument");
        return XY_EINVAL;
    }
    int rc = s_check(in, answers, n, true, err);
    if (rc)
        return rc;
    screening_draft_init(d, in);
    for (size_t i = 0; i < n; i++)
        d->answers[i] = answers[i];
    s_ok(err);
    return 0;
}

int screening_draft_set(screening_draft_t *d, int item, int answer,
                        screening_error_t *err)
{
    const screening_instrument_t *in = d->instrument;
    const s_run_t *run = s_run_of(in, item);
    if (!run) {
        s_fail(err, XY_ERANGE, item, "%s: no item %d (items 1..%zu)", in->name,
               item, screening_items(in));
        return XY_ERANGE;
    }
    int saved = d->answers[item - 1];
    d->answers[item - 1] = answer;
    int rc = s_check(in, d->answers, d->n_answers, true, err);
    if (rc)
        d->answers[item - 1] = saved;
    return rc;
}

int screening_draft_next_missing(const screening_draft_t *d)
{
    const screening_instrument_t *in = d->instrument;
    for (int item = 1; (size_t)item <= d->n_answers; item++) {
        const s_run_t *run = s_run_of(in, item);
        if (d->answers[item - 1] == SCREENING_MISSING && !run->extra &&
            s_asked(run, d->answers, d->n_answers))
            return item;
    }
    return 0;
}

int screening_draft_score(const screening_draft_t *d, int cutoff,
                          screening_result_t *out, screening_error_t *err)
{
    if (!d || !d->instrument) {
        s_fail(err, XY_EINVAL, 0, "no draft to score");
        return XY_EINVAL;
    }
    int item = screening_draft_next_missing(d);
    if (item) {
        s_fail(err, XY_EINCOMPLETE, item,
               "%s item %d: no answer yet; a draft is scored only when every "
               "required item is answered",
               d->instrument->name, item);
        return XY_EINCOMPLETE;
    }
    return screening_score_cutoff(d->instrument, cutoff, d->answers,
                                  d->n_answers, out, err);
}
