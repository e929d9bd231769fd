/* Incidents: declaring one by hand and reading what is held. Activation from
 * alerts (CAP, USGS) builds on incident_declare. */
#ifndef XY_DOMAIN_INCIDENT_H
#define XY_DOMAIN_INCIDENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/domain_event.h"
#include "domain/model.h"

#define INCIDENT_TITLE_MAX 200

typedef struct incident_input {
    const char *hazard;      /* "earthquake", "flood", ... */
    const char *title;       /* 1..INCIDENT_TITLE_MAX bytes */
    uint64_t started_at;     /* ms since epoch; 0: now_ms */
    bool has_epicentre;      /* lat/lon below are set */
    double lat, lon;         /* WGS84 */
    double magnitude;        /* earthquakes; 0 when unknown */
    const char *level;       /* "I".."IV" or NULL */
    bool exercise;           /* a drill incident */
    const char *author;      /* user id */
} incident_input_t;

/* Fills out with an IncidentDeclared event for incident id. Borrows the
 * strings of in. Errors (with err filled): XY_EINVAL naming the field,
 * XY_ECOORD for an epicentre out of range. */
int incident_declare(domain_event_t *out, const domain_id_t *id,
                     const incident_input_t *in, uint64_t now_ms,
                     domain_error_t *err);

/* Parses a response level "I".."IV" (or "1".."4"); XY_EINVAL otherwise. */
int incident_level_parse(const char *text, int *level);

/* Returns a new JSON array of the incidents in the views (owned by the
 * caller): id, title, hazard, level, started_at, exercise. */
json_t *incident_list(view_txn_t *vt, const domain_model_t *m);

#endif
