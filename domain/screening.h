/* Screening instruments: PHQ-9, GAD-7, PCL-5, SRQ-20, K6, K10, the C-SSRS
 * screener and the PsySTART-style exposure risk factors. Each instrument is
 * a row of data (item ranges, skip logic, bands, cut-off, flag rules,
 * clusters) read by one scoring engine; the rules are those of
 * shared/data/screening/SCREENING_RULES.md and docs/screening.md. Pure
 * functions over plain structs: no I/O, no clock, no allocation. The
 * domain event mapper turns results and drafts into TriageRecorded. */
#ifndef XY_DOMAIN_SCREENING_H
#define XY_DOMAIN_SCREENING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCREENING_MAX_ITEMS 20     /* most item positions of any instrument */
#define SCREENING_MAX_CLUSTERS 4   /* most sub-scores of any instrument */
#define SCREENING_NAME_MAX 32      /* longest name screening_find reads */
#define SCREENING_ERROR_MAX 160    /* size of screening_error_t.msg */
#define SCREENING_MISSING (-1)     /* an item not answered (or not asked) */
#define SCREENING_DEFAULT_CUTOFF 0 /* use the instrument's own cut-off */

/* What an instrument measures; triage reads each kind differently. */
typedef enum screening_kind {
    SCREENING_KIND_SYMPTOM = 1,  /* symptom scale with a screen-positive rule */
    SCREENING_KIND_SUICIDE = 2,  /* suicide-risk screen (C-SSRS) */
    SCREENING_KIND_EXPOSURE = 3, /* exposure risk factors (PsySTART-style) */
} screening_kind_t;

/* Flags a result may carry (OR-ed into screening_result_t.flags). */
enum screening_flag {
    SCREENING_FLAG_SUICIDE = 1u << 0, /* suicide-risk assessment needed */
    SCREENING_FLAG_URGENT = 1u << 1,  /* immediate safety action needed */
};

/* An instrument descriptor: static, never freed, opaque. */
typedef struct screening_instrument screening_instrument_t;

/* One severity band: scores lo..hi inclusive. */
typedef struct screening_band {
    int lo;         /* lowest score of the band */
    int hi;         /* highest score of the band */
    const char *en; /* name in English (static) */
    const char *zh; /* name in Simplified Chinese (static) */
} screening_band_t;

/* Why scoring failed, for a person to read. */
typedef struct screening_error {
    int code;                      /* the XY_E* code returned, or 0 */
    int item;                      /* 1-based item at fault; 0 if none */
    char msg[SCREENING_ERROR_MAX]; /* "PHQ-9 item 4: answer 5 out of ..." */
} screening_error_t;

/* The scored outcome of one complete instrument. Plain value: copy freely;
 * the const char pointers are static. */
typedef struct screening_result {
    const screening_instrument_t *instrument; /* static descriptor */
    int answers[SCREENING_MAX_ITEMS]; /* as given; SCREENING_MISSING if none */
    size_t n_answers;                 /* item positions of the instrument */
    int score;           /* sum, or risk level 0..3 for the C-SSRS */
    int cutoff;          /* screen-positive cut-off used; 0 if none */
    bool positive;       /* screen positive by the instrument's rule */
    const char *band_en; /* severity band, English */
    const char *band_zh; /* severity band, Simplified Chinese */
    unsigned flags;      /* SCREENING_FLAG_* */
    int flag_item;       /* item behind the strongest flag; 0 if none */
    int flag_answer;     /* that item's answer */
    const char *flag_en; /* what that item means, English; NULL if none */
    const char *flag_zh; /* the same in Simplified Chinese */
    int subscores[SCREENING_MAX_CLUSTERS]; /* cluster sums (PCL-5 B..E) */
    size_t n_subscores; /* clusters of the instrument; 0 if none */
    bool pattern_met;   /* PCL-5: DSM-5 symptom pattern met */
} screening_result_t;

/* A screen saved half-filled. Plain value; answers hold SCREENING_MISSING
 * for items not answered yet. Scoring refuses it until it is complete. */
typedef struct screening_draft {
    const screening_instrument_t *instrument; /* static descriptor */
    int answers[SCREENING_MAX_ITEMS]; /* per item; SCREENING_MISSING if none */
    size_t n_answers;                 /* item positions of the instrument */
} screening_draft_t;

/* Finds an instrument by name, case-insensitively ("PHQ-9", "gad-7",
 * "C-SSRS", "PsySTART"). Returns a static descriptor, or NULL for NULL, an
 * unknown name or one longer than SCREENING_NAME_MAX. */
const screening_instrument_t *screening_find(const char *name);

/* Number of instruments, and the i-th (NULL past the end), to list them. */
size_t screening_count(void);
const screening_instrument_t *screening_at(size_t i);

/* Descriptor fields. Strings are static. */
const char *screening_name(const screening_instrument_t *in);
const char *screening_title_en(const screening_instrument_t *in);
const char *screening_title_zh(const screening_instrument_t *in);
screening_kind_t screening_kind(const screening_instrument_t *in);

/* Number of item positions, including unscored ones (PHQ-9 item 10). */
size_t screening_items(const screening_instrument_t *in);

/* Number of items that must be answered (skip logic aside): answers
 * arrays shorter than this are incomplete. */
size_t screening_required_items(const screening_instrument_t *in);

/* Allowed answers of a 1-based item. Returns 0, or XY_ERANGE for an item
 * the instrument does not have. */
int screening_answer_range(const screening_instrument_t *in, int item, int *min,
                           int *max);

/* Lowest and highest score the instrument can give. */
void screening_score_range(const screening_instrument_t *in, int *min,
                           int *max);

/* Default screen-positive cut-off (positive when score >= it); 0 when the
 * instrument has none (PsySTART). The C-SSRS cut-off is a fixed 1 (any
 * "yes" is positive). */
int screening_cutoff(const screening_instrument_t *in);

/* Severity bands under the default cut-off: count, and the i-th into
 * *out. Returns 0, or XY_ERANGE past the end. */
size_t screening_band_count(const screening_instrument_t *in);
int screening_band_get(const screening_instrument_t *in, size_t i,
                       screening_band_t *out);

/* Scores n answers (item 1 first) with the default cut-off into *out.
 * Errors (and *err, when not NULL, names the first item at fault):
 * XY_EINVAL for NULL arguments or more answers than items; XY_EINCOMPLETE
 * for a required item missing (SCREENING_MISSING, or beyond n); XY_EANSWER
 * for an answer out of its item's range, or a "yes" to an item asked only
 * after another item's "yes" (C-SSRS items 3-5). *out is untouched on
 * error. */
int screening_score(const screening_instrument_t *in, const int *answers,
                    size_t n, screening_result_t *out, screening_error_t *err);

/* As screening_score, with a deployment's cut-off (SCREENING_DEFAULT_CUTOFF
 * keeps the instrument's own). Also XY_ERANGE for a cut-off outside
 * min+1..max of the score, XY_ENOTSUP for a cut-off on an instrument
 * whose positive rule is fixed (C-SSRS, PsySTART). Bands that follow the
 * cut-off (PCL-5, SRQ-20) move with it. */
int screening_score_cutoff(const screening_instrument_t *in, int cutoff,
                           const int *answers, size_t n,
                           screening_result_t *out, screening_error_t *err);

/* Bit i set when item i+1 was answered above 0 (yes): the PsySTART factor
 * mask, in item order (triage.h, TRIAGE_FACTOR_*). */
uint32_t screening_yes_mask(const screening_result_t *r);

/* Starts an empty draft of an instrument (every item missing). */
void screening_draft_init(screening_draft_t *d,
                          const screening_instrument_t *in);

/* Loads a saved draft: n answers, SCREENING_MISSING allowed anywhere.
 * Returns 0; XY_EINVAL for NULL or too many answers, XY_EANSWER for an
 * answer out of range (err names the item). *d is untouched on error. */
int screening_draft_load(screening_draft_t *d, const screening_instrument_t *in,
                         const int *answers, size_t n, screening_error_t *err);

/* Sets (or, with SCREENING_MISSING, clears) the answer of 1-based item.
 * Returns 0; XY_ERANGE for an item the instrument lacks, XY_EANSWER for an
 * answer out of range or a change that leaves a "yes" on an item no longer
 * asked (C-SSRS item 2 set to no while items 3-5 hold a yes; err names that
 * item). The draft is unchanged on error. */
int screening_draft_set(screening_draft_t *d, int item, int answer,
                        screening_error_t *err);

/* The first required item still missing (skip logic applied), or 0 when
 * the draft can be scored. */
int screening_draft_next_missing(const screening_draft_t *d);

/* Scores a draft with cut-off `cutoff` (SCREENING_DEFAULT_CUTOFF for the
 * instrument's). A draft with a missing required item is refused with
 * XY_EINCOMPLETE and err names that first item; other errors as
 * screening_score_cutoff. */
int screening_draft_score(const screening_draft_t *d, int cutoff,
                          screening_result_t *out, screening_error_t *err);

#endif
