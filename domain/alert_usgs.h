/* USGS earthquake events: reads one event in the GeoJSON of the USGS
 * ComCat feeds (a "detail" Feature, or a summary FeatureCollection holding
 * exactly one Feature) from a buffer into an alert_t with hazard earthquake.
 * Pure: the bytes are given, nothing is fetched (the product URLs in a
 * detail document are not followed). docs/alerts.md has the details. */
#ifndef XY_DOMAIN_ALERT_USGS_H
#define XY_DOMAIN_ALERT_USGS_H

#include <stddef.h>

#include "domain/alert.h"

#define ALERT_USGS_MAX_BYTES (4 * 1024 * 1024) /* largest document accepted */

/* Parses len bytes of GeoJSON (borrowed, need not be NUL-terminated). On
 * success *out is a new alert owned by the caller (alert_destroy): source
 * USGS, identifier = Feature id, sender "earthquake.usgs.gov/<net>", status
 * Actual, msgType Alert, sent = properties.updated (else time), hazard
 * earthquake, quake filled (epicentre, depth, magnitude, magType, time,
 * title, PAGER alert, review status, tsunami), headline = title and
 * description = place. On error *out is untouched and err names the field:
 *   XY_ETOOBIG  over ALERT_USGS_MAX_BYTES;
 *   XY_EPARSE   not JSON (jansson's message, line and column);
 *   XY_EMISSING a required field is absent ("geometry.coordinates", ...);
 *   XY_EINVAL   a field of the wrong type or value, a collection that does
 *               not hold exactly one event, an event that is not an
 *               earthquake;
 *   XY_ECOORD   latitude or longitude out of range. */
int alert_usgs_parse(const char *buf, size_t len, alert_t **out,
                     alert_error_t *err);

#endif
