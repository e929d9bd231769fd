/* Activation (activation.h): alerts, drawn areas and held incidents turned
 * into a footprint source and an IncidentDeclared event. */
#include "domain/activation.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/lww.h"
#include "geo/geo.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_CIRCLE_VERTICES 64 /* vertices of a CAP circle drawn as a polygon */

static void s_init(activation_t *out)
{
    memset(out, 0, sizeof *out);
    out->depth_km = NAN;
    out->strike_deg = NAN;
    out->magnitude = 0;
}

static int s_hazard(activation_t *out, const char *hazard, domain_error_t *err)
{
    if (!hazard || domain_enum_parse(&xy__hazard_type__descriptor, "HAZARD_",
                                     hazard, &out->hazard)) {
        char names[256];
        return domain_fail(err, XY_EINVAL, "hazard",
                           "unknown hazard '%s' (one of: %s)",
                           hazard ? hazard : "",
                           domain_enum_names(&xy__hazard_type__descriptor,
                                             "HAZARD_", names, sizeof names));
    }
    return 0;
}

static int s_title(activation_t *out, const char *title, domain_error_t *err)
{
    size_t n = title ? strlen(title) : 0;
    if (n == 0 || n > INCIDENT_TITLE_MAX)
        return domain_fail(err, XY_EINVAL, "title", "a title of 1 to %d bytes "
                           "is required", INCIDENT_TITLE_MAX);
    memcpy(out->title, title, n + 1);
    return 0;
}

void activation_clear(activation_t *a)
{
    if (!a)
        return;
    free(a->area);
    s_init(a);
}

int activation_polygon(activation_t *out, const char *hazard,
                       const char *title, const char *text, size_t len,
                       domain_error_t *err)
{
    s_init(out);
    int rc = s_hazard(out, hazard, err);
    if (!rc)
        rc = s_title(out, title, err);
    if (!rc && len > GEO_HAZARD_MAX_TEXT)
        rc = domain_fail(err, XY_ETOOBIG, "polygon", "polygon of %zu bytes is "
                         "over the %u-byte limit", len, GEO_HAZARD_MAX_TEXT);
    if (rc)
        return rc;
    out->kind = ACTIVATION_POLYGON;
    snprintf(out->source, sizeof out->source, "manual");
    out->area = xmalloc(len + 1);
    memcpy(out->area, text, len);
    out->area[len] = '\0';
    out->area_len = len;
    return 0;
}

int activation_rings(activation_t *out, const char *hazard, const char *title,
                     double lat, double lon, const double *radii, size_t n,
                     domain_error_t *err)
{
    s_init(out);
    int rc = s_hazard(out, hazard, err);
    if (!rc)
        rc = s_title(out, title, err);
    if (rc)
        return rc;
    if (geo_check_point(lat, lon))
        return domain_fail(err, XY_ECOORD, "point", "latitude %g / longitude "
                           "%g out of range (-90..90, -180..180)", lat, lon);
    if (n == 0 || n > GEO_HAZARD_MAX_RINGS)
        return domain_fail(err, XY_EINVAL, "radii", "give 1 to %u radii",
                           GEO_HAZARD_MAX_RINGS);
    out->kind = ACTIVATION_RINGS;
    snprintf(out->source, sizeof out->source, "manual");
    out->lat = lat;
    out->lon = lon;
    memcpy(out->radii_km, radii, n * sizeof *radii);
    out->n_radii = n;
    return 0;
}

/* Appends a CAP polygon (lat,lon points) to a GeoJSON MultiPolygon. */
static void s_add_polygon(json_t *polys, const alert_polygon_t *p)
{
    json_t *ring = json_array();
    for (size_t i = 0; i < p->n_points; i++)
        json_array_append_new(ring, json_pack("[f, f]", p->points[i].lon,
                                              p->points[i].lat));
    json_array_append_new(polys, json_pack("[o]", ring));
}

/* Appends a circle drawn as a polygon of S_CIRCLE_VERTICES on the sphere. */
static void s_add_circle(json_t *polys, const alert_circle_t *c)
{
    json_t *ring = json_array();
    for (int i = 0; i <= S_CIRCLE_VERTICES; i++) {
        double lat, lon;
        geo_destination(c->centre.lat, c->centre.lon,
                        360.0 * (i % S_CIRCLE_VERTICES) / S_CIRCLE_VERTICES,
                        c->radius_km, &lat, &lon);
        json_array_append_new(ring, json_pack("[f, f]", lon, lat));
    }
    json_array_append_new(polys, json_pack("[o]", ring));
}

/* The area of an alert's polygons and circles: one circle alone gives
 * rings, anything else a MultiPolygon. */
static int s_alert_area(activation_t *out, const alert_t *a,
                        domain_error_t *err)
{
    size_t shapes = 0;
    const alert_circle_t *one = NULL;
    json_t *polys = json_array();
    for (size_t i = 0; i < a->n_areas; i++) {
        const alert_area_t *ar = &a->areas[i];
        for (size_t k = 0; k < ar->n_polygons; k++, shapes++)
            s_add_polygon(polys, &ar->polygons[k]);
        for (size_t k = 0; k < ar->n_circles; k++) {
            if (ar->circles[k].radius_km <= 0)
                continue; /* a point (epicentre), no area */
            if (ar->circles[k].radius_km > GEO_HAZARD_MAX_RADIUS_KM) {
                json_decref(polys);
                return domain_fail(err, XY_EDOMAIN, "circle", "circle of %g "
                                   "km in area %zu is over %g km",
                                   ar->circles[k].radius_km, i + 1,
                                   GEO_HAZARD_MAX_RADIUS_KM);
            }
            s_add_circle(polys, &ar->circles[k]);
            one = &ar->circles[k];
            shapes++;
        }
    }
    int rc = 0;
    if (shapes == 0) {
        rc = domain_fail(err, XY_EDOMAIN, "area", "the alert gives no polygon "
                         "or circle (only area names or geocodes), so no "
                         "footprint can be drawn: draw it with --polygon");
    } else if (shapes == 1 && one) {
        out->kind = ACTIVATION_RINGS;
        out->lat = one->centre.lat;
        out->lon = one->centre.lon;
        out->radii_km[0] = one->radius_km;
        out->n_radii = 1;
    } else {
        json_t *g = json_pack("{s:s, s:o}", "type", "MultiPolygon",
                              "coordinates", json_incref(polys));
        out->area = json_dumps(g, JSON_COMPACT);
        out->area_len = out->area ? strlen(out->area) : 0;
        out->kind = ACTIVATION_POLYGON;
        json_decref(g);
        if (!out->area)
            rc = XY_ENOMEM;
    }
    json_decref(polys);
    return rc;
}

int activation_from_alert(activation_t *out, const alert_t *a,
                          const activation_opts_t *opts, domain_error_t *err)
{
    s_init(out);
    alert_error_t aerr = {0};
    if (alert_activation_check(a, &aerr))
        return domain_fail(err, XY_EDOMAIN, "status", "%s", aerr.msg);
    if (opts && !isnan(opts->ms) &&
        !(opts->ms >= GEO_QUAKE_MIN_MS && opts->ms <= GEO_QUAKE_MAX_MS))
        return domain_fail(err, XY_ERANGE, "ms", "--ms %g outside %.1f..%.1f",
                           opts->ms, GEO_QUAKE_MIN_MS, GEO_QUAKE_MAX_MS);
    if (opts && !isnan(opts->strike_deg) &&
        !(opts->strike_deg >= 0 && opts->strike_deg <= 360))
        return domain_fail(err, XY_ERANGE, "strike", "strike %g outside "
                           "0..360 degrees", opts->strike_deg);
    out->hazard = (int)a->hazard; /* alert_hazard_t follows HazardType */
    if (a->hazard == ALERT_HAZARD_OTHER)
        out->hazard = XY__HAZARD_TYPE__HAZARD_OTHER;
    const char *title = a->headline[0] ? a->headline
                        : a->event[0]  ? a->event
                                       : a->identifier;
    alert_copy_text(out->title, sizeof out->title, title);
    snprintf(out->source, sizeof out->source, "%s",
             alert_source_name(a->source));
    snprintf(out->source_ref, sizeof out->source_ref, "%s", a->identifier);
    out->exercise = a->exercise || (opts && opts->exercise);
    out->started_at = a->sent_ms > 0 ? (uint64_t)a->sent_ms : 0;
    const alert_quake_t *q = &a->quake;
    if (a->has_quake && q->time_ms > 0)
        out->started_at = (uint64_t)q->time_ms;
    double ms = opts && !isnan(opts->ms) ? opts->ms : q->magnitude;
    if (a->has_quake && q->has_epicentre && isfinite(ms)) {
        if (geo_check_point(q->lat, q->lon))
            return domain_fail(err, XY_ECOORD, "epicentre", "latitude %g / "
                               "longitude %g out of range", q->lat, q->lon);
        out->kind = ACTIVATION_QUAKE;
        out->lat = q->lat;
        out->lon = q->lon;
        out->magnitude = ms;
        out->depth_km = q->depth_km;
        out->strike_deg = opts ? opts->strike_deg : NAN;
        return 0;
    }
    int rc = s_alert_area(out, a, err);
    if (rc)
        activation_clear(out);
    return rc;
}

int activation_footprint(const activation_t *a, const geo_quake_model_t *qm,
                         geo_footprint_t **out, domain_error_t *err)
{
    char gerr[256] = "";
    int rc = 0;
    switch (a->kind) {
    case ACTIVATION_QUAKE:
        rc = geo_quake_footprint(qm, a->lat, a->lon, a->magnitude,
                                 a->strike_deg, out);
        if (rc == XY_EOUTSIDE)
            return domain_fail(err, rc, "epicentre", "epicentre %.4fN %.4fE "
                               "is outside the data (China's provinces, or "
                               "within %d km of one): no footprint",
                               a->lat, a->lon, GEO_QUAKE_OFFSHORE_KM);
        if (rc == XY_ERANGE)
            return domain_fail(err, rc, "magnitude", "magnitude %.1f outside "
                               "%.1f..%.1f, or the footprint would cross a "
                               "pole or the antimeridian", a->magnitude,
                               GEO_QUAKE_MIN_MS, GEO_QUAKE_MAX_MS);
        if (rc)
            return domain_fail(err, rc, "epicentre", "latitude %g / longitude "
                               "%g: %s", a->lat, a->lon, xy_strerror(rc));
        return 0;
    case ACTIVATION_POLYGON:
        rc = geo_hazard_polygon(out, a->area, a->area_len, gerr, sizeof gerr);
        if (rc)
            return domain_fail(err, rc, "polygon", "%s (%s)", gerr,
                               xy_strerror(rc));
        return 0;
    case ACTIVATION_RINGS:
        rc = geo_hazard_rings(out, a->lat, a->lon, a->radii_km, a->n_radii,
                              gerr, sizeof gerr);
        if (rc)
            return domain_fail(err, rc, "radii", "%s (%s)", gerr,
                               xy_strerror(rc));
        return 0;
    }
    return domain_fail(err, XY_EINVAL, "kind", "no footprint source");
}

int activation_declare(activation_event_t *out, const activation_t *a,
                       const domain_id_t *id, int level, const char *author,
                       uint64_t now_ms, domain_error_t *err)
{
    char hazard[32];
    domain_enum_name(&xy__hazard_type__descriptor, "HAZARD_", a->hazard,
                     hazard, sizeof hazard);
    static const char *const levels[] = {NULL, "I", "II", "III", "IV"};
    incident_input_t in = {
        .hazard = hazard, .title = a->title, .started_at = a->started_at,
        .has_epicentre = a->kind != ACTIVATION_POLYGON, .lat = a->lat,
        .lon = a->lon, .magnitude = a->kind == ACTIVATION_QUAKE
                                        ? a->magnitude : 0,
        .level = level >= 1 && level <= 4 ? levels[level] : NULL,
        .exercise = a->exercise, .author = author};
    memset(out, 0, sizeof *out);
    int rc = incident_declare(&out->de, id, &in, now_ms, err);
    if (rc)
        return rc;
    Xy__IncidentDeclared *b = &out->de.body.incident_declared;
    b->source = (char *)a->source;
    b->source_ref = (char *)a->source_ref;
    if (isfinite(a->depth_km))
        b->depth_km = a->depth_km;
    if (isfinite(a->strike_deg))
        b->strike_deg = a->strike_deg <= 0 ? 360 + a->strike_deg
                                           : a->strike_deg;
    if (a->kind == ACTIVATION_RINGS) {
        b->n_radii_km = a->n_radii;
        b->radii_km = (double *)a->radii_km;
    }
    if (a->kind == ACTIVATION_POLYGON) {
        if (a->area_len > ACTIVATION_AREA_MAX)
            return domain_fail(err, XY_ETOOBIG, "polygon", "the area of %zu "
                               "bytes is over the %u bytes an incident may "
                               "hold: simplify it", a->area_len,
                               ACTIVATION_AREA_MAX);
        xy__area__init(&out->area);
        out->area.geojson = a->area;
        b->area = &out->area;
    }
    return 0;
}

/* Fills a from a stored IncidentDeclared. */
static int s_from_declared(activation_t *a, const Xy__IncidentDeclared *d,
                           domain_error_t *err)
{
    a->hazard = d->hazard;
    alert_copy_text(a->title, sizeof a->title, d->title);
    snprintf(a->source, sizeof a->source, "%s", d->source ? d->source : "");
    snprintf(a->source_ref, sizeof a->source_ref, "%s",
             d->source_ref ? d->source_ref : "");
    a->started_at = d->started_at;
    if (d->area && d->area->geojson && d->area->geojson[0]) {
        a->kind = ACTIVATION_POLYGON;
        a->area = xstrdup(d->area->geojson);
        a->area_len = strlen(a->area);
        return 0;
    }
    if (!d->epicentre)
        return domain_fail(err, XY_EDOMAIN, "incident", "the incident holds "
                           "no area and no epicentre: assess it with "
                           "--polygon or --point");
    a->lat = d->epicentre->lat;
    a->lon = d->epicentre->lon;
    if (d->n_radii_km > 0 && d->n_radii_km <= GEO_HAZARD_MAX_RINGS) {
        a->kind = ACTIVATION_RINGS;
        memcpy(a->radii_km, d->radii_km, d->n_radii_km * sizeof(double));
        a->n_radii = d->n_radii_km;
        return 0;
    }
    if (d->hazard != XY__HAZARD_TYPE__HAZARD_EARTHQUAKE || d->magnitude <= 0)
        return domain_fail(err, XY_EDOMAIN, "incident", "the incident holds "
                           "a point but no magnitude or radii: assess it "
                           "with --point and --radii");
    a->kind = ACTIVATION_QUAKE;
    a->magnitude = d->magnitude;
    a->depth_km = d->depth_km > 0 ? d->depth_km : NAN;
    a->strike_deg = d->strike_deg > 0 ? d->strike_deg : NAN;
    return 0;
}

int activation_from_incident(view_txn_t *vt, const domain_model_t *m,
                             const domain_id_t *incident, activation_t *out,
                             domain_error_t *err)
{
    s_init(out);
    const void *v;
    size_t n;
    int rc = lww_get(vt, m->incidents, incident->b, DOMAIN_ID_LEN, &v, &n);
    if (rc == XY_ENOENT)
        return domain_fail(err, rc, "incident", "no such incident here");
    if (rc)
        return domain_fail(err, rc, "incident", "%s", xy_strerror(rc));
    const uint8_t *p = v;
    if (n < 1)
        return domain_fail(err, XY_ECORRUPT, "incident", "stored incident is "
                           "corrupt");
    Xy__IncidentDeclared *d = xy__incident_declared__unpack(NULL, n - 1,
                                                            p + 1);
    if (!d)
        return domain_fail(err, XY_ECORRUPT, "incident", "stored incident is "
                           "corrupt");
    bool exercise = p[0] != 0;
    out->exercise = exercise;
    rc = s_from_declared(out, d, err);
    xy__incident_declared__free_unpacked(d, NULL);
    if (rc) {
        activation_clear(out);
        out->exercise = exercise;
    }
    return rc;
}

typedef struct s_find_ctx {
    const activation_t *a;
    domain_id_t *id;
    bool found;
} s_find_ctx_t;

static int s_find_entry(const void *key, size_t klen, const void *val,
                        size_t vlen, void *arg)
{
    s_find_ctx_t *c = arg;
    if (klen != DOMAIN_ID_LEN || vlen < LWW_HEADER + 1)
        return XY_ECORRUPT;
    Xy__IncidentDeclared *d = xy__incident_declared__unpack(
        NULL, vlen - LWW_HEADER - 1, (const uint8_t *)val + LWW_HEADER + 1);
    if (!d)
        return XY_ECORRUPT;
    bool exercise = ((const uint8_t *)val)[LWW_HEADER] != 0;
    bool same = exercise == c->a->exercise && d->source && d->source_ref &&
                strcmp(d->source, c->a->source) == 0 &&
                strcmp(d->source_ref, c->a->source_ref) == 0;
    xy__incident_declared__free_unpacked(d, NULL);
    if (!same)
        return 0;
    memcpy(c->id->b, key, DOMAIN_ID_LEN);
    c->found = true;
    return 1;
}

int activation_find_incident(view_txn_t *vt, const domain_model_t *m,
                             const activation_t *a, domain_id_t *id)
{
    if (!a->source_ref[0])
        return XY_ENOENT;
    s_find_ctx_t c = {a, id, false};
    int rc = view_scan(vt, m->incidents, NULL, 0, s_find_entry, &c);
    if (rc)
        return rc;
    return c.found ? 0 : XY_ENOENT;
}

int activation_level_set(domain_event_t *out, const domain_id_t *incident,
                         const char *level, const char *reason, bool exercise,
                         const char *author, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    int lv = 0;
    if (!level || incident_level_parse(level, &lv))
        return domain_fail(err, XY_EINVAL, "level", "level '%s' is not one of "
                           "I, II, III, IV", level ? level : "");
    size_t n = reason ? strlen(reason) : 0;
    if (n == 0 || n > ACTIVATION_REASON_MAX)
        return domain_fail(err, XY_EINVAL, "reason", "a reason of 1 to %d "
                           "bytes is required", ACTIVATION_REASON_MAX);
    memcpy(out->incident_id, incident->b, DOMAIN_ID_LEN);
    xy__event__init(&out->ev);
    Xy__IncidentLevelSet *b = &out->body.incident_level_set;
    xy__incident_level_set__init(b);
    b->level = lv;
    b->reason = (char *)reason;
    out->ev.incident_id = (ProtobufCBinaryData){XY_ID_LEN, out->incident_id};
    out->ev.exercise = exercise;
    out->ev.author = (char *)(author ? author : "");
    out->ev.body_case = XY__EVENT__BODY_INCIDENT_LEVEL_SET;
    out->ev.incident_level_set = b;
    return 0;
}
