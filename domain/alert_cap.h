/* CAP alerts: reads an OASIS Common Alerting Protocol 1.2 (or 1.1) message
 * from a buffer into an alert_t. The bytes go through libxml2 with no entity
 * substitution, no DTD loading and no network; any DOCTYPE or entity
 * declaration is refused before it is acted on (XXE). The document is then
 * validated against the CAP XSD held by an alert_cap_validator_t and checked
 * for what the schema cannot say (coordinates in range, closed polygons,
 * references). Parsing is pure: the only file reads are the schema load and
 * the capped alert_cap_read_file helper. docs/alerts.md has the details. */
#ifndef XY_DOMAIN_ALERT_CAP_H
#define XY_DOMAIN_ALERT_CAP_H

#include <stddef.h>

#include "domain/alert.h"

#define ALERT_CAP_MAX_BYTES (1024 * 1024)    /* largest alert accepted */
#define ALERT_CAP_XSD_MAX_BYTES (256 * 1024) /* largest schema accepted */

#define ALERT_CAP_NS_12 "urn:oasis:names:tc:emergency:cap:1.2"
#define ALERT_CAP_NS_11 "urn:oasis:names:tc:emergency:cap:1.1"

/* Compiled CAP schemas, loaded once and shared by every parse. Read-only
 * after alert_cap_validator_new, so parses may share it. */
typedef struct alert_cap_validator alert_cap_validator_t;

/* Loads and compiles the CAP 1.2 schema at xsd12_path and, when xsd11_path
 * is not NULL, the CAP 1.1 schema (XY_DATA_DIR "/cap/CAP-v1.2.xsd" and
 * "CAP-v1.1.xsd" ship with the product). A schema that imports, includes or
 * redefines another schema, or carries a DOCTYPE, is refused: nothing is
 * ever fetched. On success *out is owned by the caller
 * (alert_cap_validator_destroy). Errors, with err filled: XY_ENOENT or XY_EIO
 * when a file cannot be read, XY_ETOOBIG over ALERT_CAP_XSD_MAX_BYTES,
 * XY_EPERM for a DOCTYPE or an import, XY_ECONFIG when libxml2 cannot
 * compile the schema. */
int alert_cap_validator_new(alert_cap_validator_t **out, const char *xsd12_path,
                            const char *xsd11_path, alert_error_t *err);

/* Frees the schemas and nulls *self_p; safe on NULL and twice. */
void alert_cap_validator_destroy(alert_cap_validator_t **self_p);

/* Parses one CAP alert of len bytes (the buffer is borrowed, need not be
 * NUL-terminated; its encoding is read from the XML declaration). On
 * success *out is a new alert owned by the caller (alert_destroy). On error
 * *out is untouched and err says what and where:
 *   XY_ETOOBIG  over ALERT_CAP_MAX_BYTES, or too many areas/points;
 *   XY_EPERM    a DOCTYPE or entity declaration (refused, never resolved);
 *   XY_EPARSE   not well-formed XML (libxml2's message and line);
 *   XY_ENOTSUP  root is not a CAP 1.2/1.1 <alert> (Atom, RSS, EDXL-DE...),
 *               or CAP 1.1 while no 1.1 schema was loaded;
 *   XY_EINVAL   schema violation (libxml2's message and line), a bad time,
 *               empty references, an open or short polygon, a bad circle;
 *   XY_ECOORD   a latitude or longitude out of range.
 * Whether the alert may open an incident is a separate question:
 * alert_activation_check. */
int alert_cap_parse(const alert_cap_validator_t *v, const char *buf, size_t len,
                    alert_t **out, alert_error_t *err);

/* Reads a whole file of at most max bytes into a new buffer (NUL added, not
 * counted in *len) owned by the caller (free). Errors: XY_ENOENT, XY_EIO,
 * XY_ETOOBIG when the file is larger than max. */
int alert_cap_read_file(const char *path, size_t max, char **buf, size_t *len,
                        alert_error_t *err);

#endif
