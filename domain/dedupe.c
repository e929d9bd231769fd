/* Duplicate detection (dedupe.h). Each record gives at most two block keys;
 * sorting (key, index) puts each block together, pairs within a block are
 * scored, and a pair met in both blocks is kept once. */
#include "domain/dedupe.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_KEY_MAX 64

double dedupe_jaro_winkler(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la == 0 && lb == 0)
        return 1.0;
    if (la == 0 || lb == 0)
        return 0.0;
    if (la > 512 || lb > 512)
        return strcmp(a, b) == 0 ? 1.0 : 0.0;
    size_t range = (la > lb ? la : lb) / 2;
    range = range ? range - 1 : 0;
    char ma[512] = {0}, mb[512] = {0};
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > range ? i - range : 0;
        size_t hi = i + range + 1 < lb ? i + range + 1 : lb;
        for (size_t j = lo; j < hi; j++)
            if (!mb[j] && a[i] == b[j]) {
                ma[i] = mb[j] = 1;
                m++;
                break;
            }
    }
    if (m == 0)
        return 0.0;
    size_t t = 0, k = 0;
    for (size_t i = 0; i < la; i++) {
        if (!ma[i])
            continue;
        while (!mb[k])
            k++;
        t += a[i] != b[k];
        k++;
    }
    double md = (double)m;
    double jaro = (md / (double)la + md / (double)lb +
                   (md - (double)t / 2.0) / md) / 3.0;
    size_t prefix = 0;
    while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
        prefix++;
    return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

static const char *s_tail(const char *phone, size_t n)
{
    size_t len = strlen(phone);
    return len > n ? phone + len - n : phone;
}

double dedupe_score(const dedupe_record_t *a, const dedupe_record_t *b)
{
    double s = 0.45 * dedupe_jaro_winkler(a->phonetic, b->phonetic);
    if (a->birth_year && a->birth_year == b->birth_year)
        s += 0.20;
    else if (a->birth_year && b->birth_year &&
             (a->birth_year + 1 == b->birth_year ||
              b->birth_year + 1 == a->birth_year))
        s += 0.10;
    if (strlen(a->phone) >= 5 && strlen(b->phone) >= 5 &&
        strcmp(s_tail(a->phone, 8), s_tail(b->phone, 8)) == 0)
        s += 0.25;
    if (a->sex && b->sex)
        s += a->sex == b->sex ? 0.05 : -0.20;
    int d = a->age_band - b->age_band;
    if (d == 0)
        s += 0.05;
    else if (d > 5 || d < -5)
        s -= 0.10;
    return s < 0 ? 0 : s > 1 ? 1 : s;
}

typedef struct s_block {
    char key[S_KEY_MAX];   /* incident-prefixed block key */
    size_t index;          /* record */
} s_block_t;

static int s_block_cmp(const void *x, const void *y)
{
    const s_block_t *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

static int s_pair_cmp(const void *x, const void *y)
{
    const dedupe_pair_t *a = x, *b = y;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

static int s_best_first(const void *x, const void *y)
{
    const dedupe_pair_t *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return s_pair_cmp(x, y);
}

static size_t s_keys(const dedupe_record_t *recs, size_t n, s_block_t *bl)
{
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        const dedupe_record_t *r = &recs[i];
        char inc[DOMAIN_ID_HEX];
        domain_id_format(&r->incident, inc);
        if (r->initials[0]) {
            snprintf(bl[nb].key, S_KEY_MAX, "%.8s n:%.40s|%u", inc,
                     r->initials, r->birth_year);
            bl[nb++].index = i;
        }
        if (strlen(r->phone) >= 7) {
            snprintf(bl[nb].key, S_KEY_MAX, "%.8s p:%s", inc,
                     s_tail(r->phone, 7));
            bl[nb++].index = i;
        }
    }
    qsort(bl, nb, sizeof *bl, s_block_cmp);
    return nb;
}

int dedupe_find(const dedupe_record_t *recs, size_t n, double threshold,
                dedupe_pair_t *out, size_t max, size_t *np)
{
    *np = 0;
    if (n > DEDUPE_RECORDS_MAX)
        return XY_ETOOBIG;
    s_block_t *bl = xcalloc(2 * n + 1, sizeof *bl);
    size_t nb = s_keys(recs, n, bl), cap = 64, used = 0;
    dedupe_pair_t *pairs = xmalloc(cap * sizeof *pairs);
    for (size_t s = 0; s < nb;) {
        size_t e = s + 1;
        while (e < nb && strcmp(bl[e].key, bl[s].key) == 0)
            e++;
        size_t end = e - s > DEDUPE_BLOCK_MAX ? s + DEDUPE_BLOCK_MAX : e;
        for (size_t i = s; i < end; i++)
            for (size_t j = i + 1; j < end; j++) {
                const dedupe_record_t *a = &recs[bl[i].index],
                                      *b = &recs[bl[j].index];
                if (memcmp(&a->incident, &b->incident, sizeof a->incident))
                    continue;
                double sc = dedupe_score(a, b);
                if (sc < threshold)
                    continue;
                if (used == cap) {
                    cap *= 2;
                    pairs = xrealloc(pairs, cap * sizeof *pairs);
                }
                pairs[used++] = (dedupe_pair_t){bl[i].index, bl[j].index, sc};
            }
        s = e;
    }
    qsort(pairs, used, sizeof *pairs, s_pair_cmp);
    size_t u = 0;
    for (size_t i = 0; i < used; i++)
        if (u == 0 || s_pair_cmp(&pairs[u - 1], &pairs[i]) != 0)
            pairs[u++] = pairs[i];
    qsort(pairs, u, sizeof *pairs, s_best_first);
    for (size_t i = 0; i < u && *np < max; i++)
        out[(*np)++] = pairs[i];
    free(pairs);
    free(bl);
    return 0;
}
