/* Activation: what opens an incident and where its hazard lies. An
 * activation is built from an alert (a CAP message or a USGS earthquake
 * event, alert.h), from a person (a drawn polygon, a point and radii), or
 * from an incident already held (to re-run its assessment); it holds the
 * incident's description and the source of its footprint, turns into the
 * footprint (geo/) and into the IncidentDeclared event. Pure: no file, no
 * clock (now_ms is passed in). docs/assessment.md, "Activation". */
#ifndef XY_DOMAIN_ACTIVATION_H
#define XY_DOMAIN_ACTIVATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/alert.h"
#include "domain/domain_event.h"
#include "domain/incident.h"
#include "domain/model.h"
#include "geo/geo_footprint.h"
#include "geo/geo_hazard.h"
#include "geo/geo_quake.h"

/* Largest drawn area stored in IncidentDeclared (the event itself is at
 * most XY_EVENT_MAX_BYTES); larger areas are assessed but not published. */
#define ACTIVATION_AREA_MAX (128u * 1024u)

typedef enum activation_kind {
    ACTIVATION_QUAKE = 1,   /* epicentre and magnitude: intensity bands */
    ACTIVATION_POLYGON = 2, /* a drawn or alert polygon: one band */
    ACTIVATION_RINGS = 3,   /* rings of given radii around a point */
} activation_kind_t;

typedef struct activation {
    activation_kind_t kind;           /* which footprint */
    int hazard;                       /* XY__HAZARD_TYPE__* */
    char title[INCIDENT_TITLE_MAX + 1]; /* incident title */
    char source[8];                   /* "manual", "cap", "usgs" */
    char source_ref[ALERT_ID_MAX];    /* CAP identifier, USGS id, or "" */
    uint64_t started_at;              /* ms since epoch; 0: now */
    bool exercise;                    /* opens an exercise incident */
    double lat, lon;                  /* epicentre or centre (QUAKE, RINGS) */
    double magnitude;                 /* Ms used for the footprint (QUAKE) */
    double depth_km;                  /* hypocentre depth; NAN unknown */
    double strike_deg;                /* fault strike; NAN unknown */
    double radii_km[GEO_HAZARD_MAX_RINGS]; /* RINGS: increasing radii */
    size_t n_radii;                   /* entries in radii_km */
    char *area;                       /* POLYGON: GeoJSON text, owned */
    size_t area_len;                  /* bytes in area */
} activation_t;

/* Choices a person adds to an alert. */
typedef struct activation_opts {
    double ms;         /* magnitude to use instead of the alert's; NAN: none */
    double strike_deg; /* fault strike; NAN: unknown */
    bool exercise;     /* force an exercise incident */
} activation_opts_t;

/* Fills out (owned by the caller: activation_clear) from a parsed alert.
 * The alert must pass alert_activation_check (status Test, System, Draft,
 * msgType Cancel... are refused with its reason). An earthquake with an
 * epicentre and a magnitude gives a QUAKE activation (the magnitude is used
 * as given unless opts->ms is set); otherwise the alert's polygons and
 * circles of positive radius make the area (one circle alone: RINGS).
 * Errors with err filled: XY_EDOMAIN (refused for activation; no area to
 * assess), XY_ECOORD, XY_ERANGE (opts out of range). */
int activation_from_alert(activation_t *out, const alert_t *alert,
                          const activation_opts_t *opts, domain_error_t *err);

/* A drawn polygon: GeoJSON text of len bytes (copied), hazard by name
 * ("flood", ...). Only the hazard and title are checked here; the polygon
 * is checked when the footprint is built. */
int activation_polygon(activation_t *out, const char *hazard,
                       const char *title, const char *text, size_t len,
                       domain_error_t *err);

/* Rings of radii (n of them, increasing) around (lat, lon). */
int activation_rings(activation_t *out, const char *hazard, const char *title,
                     double lat, double lon, const double *radii, size_t n,
                     domain_error_t *err);

/* Fills out from the incident held in the views, to re-run its assessment:
 * the stored epicentre, magnitude and strike (earthquakes), area (drawn
 * polygons) or centre and radii (rings); out->exercise gets the incident's
 * flag (on XY_EDOMAIN too). Errors: XY_ENOENT (no such incident),
 * XY_EDOMAIN (the incident holds no footprint: declared by hand without an
 * area), XY_ECORRUPT. */
int activation_from_incident(view_txn_t *vt, const domain_model_t *m,
                             const domain_id_t *incident, activation_t *out,
                             domain_error_t *err);

/* Frees what out owns and zeroes it; safe twice. */
void activation_clear(activation_t *a);

/* Builds the footprint of a; qm is needed for QUAKE only. *out is owned by
 * the caller. Errors (err names the input): those of geo_quake_footprint
 * (XY_EOUTSIDE: epicentre outside the data; XY_ERANGE; XY_ECOORD), of
 * geo_hazard_polygon (XY_EGEOM with GEOS's reason: self-intersection...)
 * and geo_hazard_rings. */
int activation_footprint(const activation_t *a, const geo_quake_model_t *qm,
                         geo_footprint_t **out, domain_error_t *err);

/* The IncidentDeclared event of an activation and the storage it points
 * into; strings are borrowed from the activation. */
typedef struct activation_event {
    domain_event_t de;  /* the event, ready to write */
    Xy__Area area;      /* the drawn area, when POLYGON */
} activation_event_t;

/* Fills out for incident id with the proposed level (1..4, 0: none).
 * Errors: those of incident_declare; XY_ETOOBIG when the drawn area is over
 * ACTIVATION_AREA_MAX. */
int activation_declare(activation_event_t *out, const activation_t *a,
                       const domain_id_t *id, int level, const char *author,
                       uint64_t now_ms, domain_error_t *err);

/* The incident held whose IncidentDeclared came from the same alert
 * (source and source_ref equal, source_ref not empty, the same exercise
 * flag), so that assessing an alert again re-runs its incident instead of
 * opening a second one. 0 and *id filled, or XY_ENOENT. */
int activation_find_incident(view_txn_t *vt, const domain_model_t *m,
                             const activation_t *a, domain_id_t *id);

#define ACTIVATION_REASON_MAX 500 /* bytes of a level change's reason */

/* Fills out with an IncidentLevelSet event: the commander confirms or
 * changes the level ("I".."IV") of incident, saying why (1 to
 * ACTIVATION_REASON_MAX bytes). Borrows the strings. Errors: XY_EINVAL
 * naming "level" or "reason". */
int activation_level_set(domain_event_t *out, const domain_id_t *incident,
                         const char *level, const char *reason, bool exercise,
                         const char *author, domain_error_t *err);

#endif
