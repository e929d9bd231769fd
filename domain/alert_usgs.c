/* USGS ComCat GeoJSON events read with jansson into an alert_t. Every field
 * is checked for presence, type and range, and a refusal names the field.
 * See alert_usgs.h and docs/alerts.md. */
#include "domain/alert_usgs.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/xy_error.h"

/* Lowest and highest depths accepted, km (above sea level is negative). */
#define S_DEPTH_MIN (-10.0)
#define S_DEPTH_MAX 1000.0

/* The member key of obj (path names it in messages), which must exist. */
static int s_get(json_t *obj, const char *path, const char *key, json_t **out,
                 alert_error_t *err)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v)
        return alert_fail(err, XY_EMISSING, 0, "%s%s is missing", path, key);
    *out = v;
    return 0;
}

static int s_string(json_t *obj, const char *path, const char *key,
                    bool required, char *buf, size_t cap, alert_error_t *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        buf[0] = '\0';
        return required ? alert_fail(err, XY_EMISSING, 0, "%s%s is missing",
                                     path, key)
                        : 0;
    }
    if (!json_is_string(v))
        return alert_fail(err, XY_EINVAL, 0, "%s%s is not a string", path, key);
    alert_copy_text(buf, cap, json_string_value(v));
    return 0;
}

static int s_time(json_t *props, const char *key, bool required, int64_t *out,
                  alert_error_t *err)
{
    json_t *v = json_object_get(props, key);
    if (!v && !required)
        return 0;
    if (!v)
        return alert_fail(err, XY_EMISSING, 0, "properties.%s is missing", key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return alert_fail(err, XY_EINVAL, 0,
                          "properties.%s is not a time in ms since the "
                          "epoch",
                          key);
    *out = (int64_t)json_integer_value(v);
    return 0;
}

static int s_geometry(json_t *feature, alert_quake_t *q, alert_error_t *err)
{
    json_t *geom, *type, *coords;
    int rc = s_get(feature, "", "geometry", &geom, err);
    if (!rc && !json_is_object(geom))
        rc = alert_fail(err, XY_EINVAL, 0, "geometry is not an object");
    if (!rc)
        rc = s_get(geom, "geometry.", "type", &type, err);
    if (!rc && (!json_is_string(type) ||
                strcmp(json_string_value(type), "Point") != 0))
        rc = alert_fail(err, XY_EINVAL, 0, "geometry.type is not \"Point\"");
    if (!rc)
        rc = s_get(geom, "geometry.", "coordinates", &coords, err);
    if (rc)
        return rc;
    size_t n = json_is_array(coords) ? json_array_size(coords) : 0;
    if (n < 2 || n > 3)
        return alert_fail(err, XY_EINVAL, 0,
                          "geometry.coordinates is not [lon, lat, depth]");
    for (size_t i = 0; i < n; i++)
        if (!json_is_number(json_array_get(coords, i)))
            return alert_fail(err, XY_EINVAL, 0,
                              "geometry.coordinates[%zu] is not a number", i);
    q->lon = json_number_value(json_array_get(coords, 0));
    q->lat = json_number_value(json_array_get(coords, 1));
    q->depth_km = n == 3 ? json_number_value(json_array_get(coords, 2)) : NAN;
    if (q->lat < -90 || q->lat > 90)
        return alert_fail(err, XY_ECOORD, 0,
                          "geometry.coordinates[1] (latitude) %g is out of "
                          "range -90..90",
                          q->lat);
    if (q->lon < -180 || q->lon > 180)
        return alert_fail(err, XY_ECOORD, 0,
                          "geometry.coordinates[0] (longitude) %g is out of "
                          "range -180..180",
                          q->lon);
    if (n == 3 && (q->depth_km < S_DEPTH_MIN || q->depth_km > S_DEPTH_MAX))
        return alert_fail(err, XY_ERANGE, 0,
                          "geometry.coordinates[2] (depth) %g km is out of "
                          "range %g..%g",
                          q->depth_km, S_DEPTH_MIN, S_DEPTH_MAX);
    q->has_epicentre = true;
    return 0;
}

static int s_magnitude(json_t *props, alert_quake_t *q, alert_error_t *err)
{
    json_t *mag;
    int rc = s_get(props, "properties.", "mag", &mag, err);
    if (rc)
        return rc;
    if (!json_is_number(mag) || json_number_value(mag) < -2 ||
        json_number_value(mag) > 10)
        return alert_fail(err, XY_EINVAL, 0,
                          "properties.mag is not a magnitude in -2..10");
    q->magnitude = json_number_value(mag);
    return 0;
}

static int s_properties(json_t *props, alert_t *al, alert_error_t *err)
{
    alert_quake_t *q = &al->quake;
    char type[ALERT_WORD_MAX], net[ALERT_WORD_MAX];
    int rc =
        s_string(props, "properties.", "type", false, type, sizeof type, err);
    if (!rc && type[0] && strcmp(type, "earthquake") != 0)
        rc = alert_fail(err, XY_EINVAL, 0,
                        "properties.type is '%s', not an earthquake", type);
    if (!rc)
        rc = s_magnitude(props, q, err);
    if (!rc)
        rc = s_time(props, "time", true, &q->time_ms, err);
    al->sent_ms = q->time_ms;
    if (!rc)
        rc = s_time(props, "updated", false, &al->sent_ms, err);
    if (!rc)
        rc = s_string(props, "properties.", "magType", false, q->mag_type,
                      sizeof q->mag_type, err);
    if (!rc)
        rc = s_string(props, "properties.", "title", true, q->title,
                      sizeof q->title, err);
    if (!rc)
        rc = s_string(props, "properties.", "place", false, al->description,
                      sizeof al->description, err);
    if (!rc)
        rc = s_string(props, "properties.", "alert", false, q->pager_alert,
                      sizeof q->pager_alert, err);
    if (!rc)
        rc = s_string(props, "properties.", "status", false, q->review_status,
                      sizeof q->review_status, err);
    if (!rc)
        rc = s_string(props, "properties.", "net", false, net, sizeof net, err);
    if (rc)
        return rc;
    json_t *ts = json_object_get(props, "tsunami");
    if (ts && !json_is_null(ts) && !json_is_integer(ts))
        return alert_fail(err, XY_EINVAL, 0,
                          "properties.tsunami is not 0 or 1");
    q->tsunami = ts && json_is_integer(ts) && json_integer_value(ts) != 0;
    snprintf(al->sender, sizeof al->sender, "earthquake.usgs.gov%s%s",
             net[0] ? "/" : "", net);
    alert_copy_text(al->headline, sizeof al->headline, q->title);
    return 0;
}

static int s_feature(json_t *feature, alert_t *al, alert_error_t *err)
{
    json_t *type = json_object_get(feature, "type"), *id, *props;
    if (!json_is_string(type) ||
        strcmp(json_string_value(type), "Feature") != 0)
        return alert_fail(err, XY_EINVAL, 0, "type is not \"Feature\"");
    int rc = s_get(feature, "", "id", &id, err);
    if (rc)
        return rc;
    if (!json_is_string(id) || !json_string_length(id))
        return alert_fail(err, XY_EINVAL, 0, "id is not a non-empty string");
    if (!alert_copy_text(al->identifier, sizeof al->identifier,
                         json_string_value(id)))
        return alert_fail(err, XY_ETOOBIG, 0, "id is longer than %d bytes",
                          ALERT_ID_MAX - 1);
    rc = s_get(feature, "", "properties", &props, err);
    if (!rc && !json_is_object(props))
        rc = alert_fail(err, XY_EINVAL, 0, "properties is not an object");
    if (!rc)
        rc = s_properties(props, al, err);
    if (!rc)
        rc = s_geometry(feature, &al->quake, err);
    return rc;
}

/* The one Feature of a document: itself, or the single member of a
 * FeatureCollection. */
static int s_the_feature(json_t *root, json_t **out, alert_error_t *err)
{
    json_t *type = json_object_get(root, "type");
    if (!json_is_object(root) || !json_is_string(type))
        return alert_fail(err, XY_EINVAL, 0,
                          "type is missing: not a GeoJSON object");
    if (strcmp(json_string_value(type), "Feature") == 0) {
        *out = root;
        return 0;
    }
    if (strcmp(json_string_value(type), "FeatureCollection") != 0)
        return alert_fail(err, XY_EINVAL, 0,
                          "type is '%s', expected Feature or "
                          "FeatureCollection",
                          json_string_value(type));
    json_t *features = json_object_get(root, "features");
    if (!json_is_array(features))
        return alert_fail(err, XY_EMISSING, 0, "features is missing");
    if (json_array_size(features) != 1)
        return alert_fail(err, XY_EINVAL, 0,
                          "features holds %zu events; exactly one expected",
                          json_array_size(features));
    *out = json_array_get(features, 0);
    if (!json_is_object(*out))
        return alert_fail(err, XY_EINVAL, 0, "features[0] is not an object");
    return 0;
}

int alert_usgs_parse(const char *buf, size_t len, alert_t **out,
                     alert_error_t *err)
{
    if (!buf || !out)
        return alert_fail(err, XY_EINVAL, 0, "no input given");
    if (len > ALERT_USGS_MAX_BYTES)
        return alert_fail(err, XY_ETOOBIG, 0,
                          "input of %zu bytes is over the maximum of %d", len,
                          ALERT_USGS_MAX_BYTES);
    json_error_t jerr;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return alert_fail(err, XY_EPARSE, jerr.line,
                          "not JSON: %s at line %d column %d", jerr.text,
                          jerr.line, jerr.column);
    alert_t *al = alert_new();
    al->source = ALERT_SOURCE_USGS;
    al->status = ALERT_STATUS_ACTUAL;
    al->msg_type = ALERT_MSG_ALERT;
    al->hazard = ALERT_HAZARD_EARTHQUAKE;
    al->has_quake = true;
    alert_copy_text(al->event, sizeof al->event, "Earthquake");
    alert_copy_text(al->category, sizeof al->category, "Geo");
    json_t *feature = NULL;
    int rc = s_the_feature(root, &feature, err);
    if (!rc)
        rc = s_feature(feature, al, err);
    json_decref(root);
    if (rc) {
        alert_destroy(&al);
        return rc;
    }
    *out = al;
    return 0;
}
