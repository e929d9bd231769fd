/* Synthetic dispatch instances (dispatch_gen.h). */
#include "domain/dispatch_gen.h"
#include "geo/geo.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define S_EPI_LAT 31.0 /* Wenchuan, Sichuan */
#define S_EPI_LON 103.4

/* splitmix64: small, fast and the same everywhere. */
static uint64_t s_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double s_unit(uint64_t *s)
{
    return (double)(s_next(s) >> 11) / 9007199254740992.0;
}

static void s_id(domain_id_t *id, uint64_t *s)
{
    for (int k = 0; k < DOMAIN_ID_LEN; k += 8) {
        uint64_t v = s_next(s);
        memcpy(id->b + k, &v, 8);
    }
    id->b[0] |= 1; /* never the zero id */
}

void dispatch_gen(uint64_t seed, dispatch_team_t *teams, size_t n_teams,
                  dispatch_zone_t *zones, size_t n_zones)
{
    uint64_t s = seed * 0x2545f4914f6cdd1dull + 1;
    for (size_t i = 0; i < n_teams; i++) {
        dispatch_team_t *t = &teams[i];
        memset(t, 0, sizeof *t);
        s_id(&t->id, &s);
        snprintf(t->name, sizeof t->name, "Team %zu", i + 1);
        double km = 20 + 430 * s_unit(&s), az = 360 * s_unit(&s);
        geo_destination(S_EPI_LAT, S_EPI_LON, az, km, &t->lat, &t->lon);
        t->capacity = 4 + (uint32_t)(9 * s_unit(&s));
        double u = s_unit(&s);
        t->psychiatrists = u < 0.1 ? 2 : u < 0.35 ? 1 : 0;
        t->available = s_unit(&s) < 0.85;
    }
    for (size_t j = 0; j < n_zones; j++) {
        dispatch_zone_t *z = &zones[j];
        memset(z, 0, sizeof *z);
        s_id(&z->id, &s);
        snprintf(z->name, sizeof z->name, "Zone %zu", j + 1);
        double km = 120 * sqrt(s_unit(&s)), az = 360 * s_unit(&s);
        geo_destination(S_EPI_LAT, S_EPI_LON, az, km, &z->lat, &z->lon);
        z->located = true;
        double u = s_unit(&s);
        z->workers_needed = 5 + (uint32_t)(35 * u * u);
        z->population = 500ull * z->workers_needed;
        z->team_days = ceil(z->workers_needed / 8.0) * 14;
        z->psychiatrists_needed = s_unit(&s) < 0.5
                                      ? 1 + (uint32_t)(3 * s_unit(&s))
                                      : 0;
        z->priority = z->workers_needed * (0.5 + 2.5 * s_unit(&s));
    }
}
