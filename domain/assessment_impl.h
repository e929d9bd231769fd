/* What assessment.c and assessment_store.c share inside domain/: the
 * assessment's layout and a few helpers. Not for use outside these two
 * files. */
#ifndef XY_DOMAIN_ASSESSMENT_IMPL_H
#define XY_DOMAIN_ASSESSMENT_IMPL_H

#include "domain/assessment.h"

#define ASSESSMENT_MAX_BANDS 16 /* bands summed in the summary */

typedef struct assessment_band {
    int level;         /* band level */
    double population; /* people in its zones */
    double area_km2;   /* area of its zones (0 when rebuilt from a view) */
} assessment_band_t;

struct assessment {
    int hazard;                               /* XY__HAZARD_TYPE__* */
    bool quake;                               /* bands are intensities */
    bool exercise;                            /* published for a drill */
    double magnitude;                         /* Ms; 0 when not a quake */
    int level;                                /* proposed, 1..4 */
    char reason_en[ASSESSMENT_REASON_MAX];    /* why that level */
    char reason_zh[ASSESSMENT_REASON_MAX];    /* the same in Chinese */
    char params_version[ASSESS_VERSION_MAX];  /* parameters used */
    uint32_t revision;                        /* 0 until published */
    assessment_zone_t *zones;                 /* owned, ranked */
    size_t n_zones;                           /* entries in zones */
    assessment_band_t bands[ASSESSMENT_MAX_BANDS]; /* people per band */
    size_t n_bands;                           /* entries in bands */
    assessment_totals_t totals;               /* sums over zones */
};

/* Ranks the zones and sums totals and bands. */
void assessment_finish(assessment_t *a);

/* "IX" for intensity 9, "ring 2" for other hazards; returns buf. */
const char *assessment_band_label(bool quake, int level, char *buf,
                                  size_t len);

#endif
