/* Duplicate people: the same person registered by two teams offline is
 * found by blocking (records that share the initials of their pinyin and
 * their birth year, or the last 7 digits of their phone) and then scoring
 * each pair of a block; pairs at or above the threshold are proposed for
 * linking (person_link.h). Pure: the records are opened personal data.
 * Weights and threshold: docs/personal-data.md. */
#ifndef XY_DOMAIN_DEDUPE_H
#define XY_DOMAIN_DEDUPE_H

#include <stddef.h>
#include <stdint.h>

#include "domain/ids.h"
#include "domain/personal.h"

#define DEDUPE_THRESHOLD 0.70   /* proposed at or above */
#define DEDUPE_RECORDS_MAX 100000
#define DEDUPE_BLOCK_MAX 200    /* a larger block is compared in part */
#define DEDUPE_INITIALS_MAX 40

typedef struct dedupe_record {
    domain_id_t person;                          /* the person */
    domain_id_t incident;                        /* blocks never cross it */
    char phonetic[PERSONAL_PHONETIC_MAX + 1];    /* "zhang san feng" */
    char initials[DEDUPE_INITIALS_MAX + 1];      /* "zsf" */
    char phone[PERSONAL_PHONE_MAX + 1];          /* normalised, or "" */
    uint32_t birth_year;                         /* 0: unknown */
    int sex;                                     /* Xy__Sex */
    int age_band;                                /* lower bound */
} dedupe_record_t;

typedef struct dedupe_pair {
    size_t a, b;    /* indexes into the records, a < b */
    double score;   /* 0..1 */
} dedupe_pair_t;

/* Jaro-Winkler similarity of two strings (bytes), 0..1; 1 when equal. */
double dedupe_jaro_winkler(const char *a, const char *b);

/* The score of a pair: 0.45 x name similarity (Jaro-Winkler on pinyin),
 * 0.20 same birth year (0.10 one apart), 0.25 same phone (last 8 digits),
 * 0.05 same sex (-0.20 when both known and different), 0.05 same age band
 * (-0.10 when more than one band apart); clamped to 0..1. */
double dedupe_score(const dedupe_record_t *a, const dedupe_record_t *b);

/* Proposes the pairs of recs (n at most DEDUPE_RECORDS_MAX) that share a
 * block and score at least threshold, best first, at most max into out;
 * *np receives their number. XY_ETOOBIG when n is over the maximum. */
int dedupe_find(const dedupe_record_t *recs, size_t n, double threshold,
                dedupe_pair_t *out, size_t max, size_t *np);

#endif
