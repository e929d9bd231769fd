/* The registry of community services that take people over after the acute
 * phase (ServiceRegistered): community health centers, social-work
 * stations, school counselors, the 12356 psychological aid hotline,
 * psychiatric hospitals and NGOs, each with a capacity, the zones and
 * counties it serves, its languages and a contact. A registry event has no
 * incident and goes to every node; registering the same id again replaces
 * the entry (last writer wins by (hlc, origin)). Services are added one at
 * a time or imported from CSV (docs/followup.md, "Service registry"). */
#ifndef XY_DOMAIN_SERVICE_H
#define XY_DOMAIN_SERVICE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/domain_event.h"
#include "domain/model.h"

#define SERVICE_NAME_MAX 200
#define SERVICE_CONTACT_MAX 300
#define SERVICE_ZONES_MAX 32        /* zones served */
#define SERVICE_COUNTIES_MAX 32     /* county codes served */
#define SERVICE_LANGS_MAX 8         /* languages */
#define SERVICE_LANG_MAX 32         /* bytes of one language name */
#define SERVICE_CAPACITY_MAX 1000000
#define SERVICE_CSV_MAX (1024 * 1024) /* bytes of an import file */
#define SERVICE_CSV_ROWS_MAX 5000

/* A service as typed or imported; strings are owned by the struct. */
typedef struct service {
    domain_id_t id;
    int kind;                                   /* Xy__ServiceKind */
    char name[SERVICE_NAME_MAX + 1];
    uint32_t capacity;                          /* people at a time, >= 1 */
    size_t n_zones;
    domain_id_t zones[SERVICE_ZONES_MAX];       /* zones served */
    size_t n_counties;
    char counties[SERVICE_COUNTIES_MAX][7];     /* 6-digit GB/T 2260 codes */
    size_t n_langs;
    char langs[SERVICE_LANGS_MAX][SERVICE_LANG_MAX + 1];
    char contact[SERVICE_CONTACT_MAX + 1];
    bool exercise;                              /* as held: a drill's */
} service_t;

/* A ServiceRegistered ready to write; borrows from the service_t it was
 * built from, which must outlive it. */
typedef struct service_event {
    Xy__Event ev;
    Xy__ServiceRegistered reg;
    ProtobufCBinaryData zones[SERVICE_ZONES_MAX];
    char *counties[SERVICE_COUNTIES_MAX];
    char *langs[SERVICE_LANGS_MAX];
} service_event_t;

/* Parses the short kind name (community_health, social_work, school,
 * hotline, psychiatric_hospital, ngo). XY_EINVAL naming them otherwise. */
int service_kind_parse(const char *text, int *kind, domain_error_t *err);

/* Fills s->zones from "HEX;HEX", s->counties from "510000;510100" and
 * s->langs from "zh;bo" (any of them may be NULL or empty). Errors name
 * the field: XY_EINVAL, XY_ETOOBIG. */
int service_lists_parse(service_t *s, const char *zones,
                        const char *counties, const char *langs,
                        domain_error_t *err);

/* Checks s: kind set, name 1..SERVICE_NAME_MAX bytes, capacity
 * 1..SERVICE_CAPACITY_MAX, at least one zone or county, contact given.
 * Errors name the field. */
int service_check(const service_t *s, domain_error_t *err);

/* Checks s and builds its ServiceRegistered into out (borrowing s). */
int service_register(service_event_t *out, const service_t *s, bool exercise,
                     const char *author, domain_error_t *err);

/* Parses a CSV import (docs/followup.md): a header row naming the columns
 * id (may be empty: then new_ids[i] is used), kind, name, capacity, zones,
 * counties, languages, contact in any order, one service per row. On
 * success *out is an array of *n services owned by the caller (free()).
 * new_ids holds SERVICE_CSV_ROWS_MAX ids to give rows without one. Errors
 * name the line and column; nothing is returned on any error. */
int service_csv_parse(service_t **out, size_t *n, const char *text,
                      size_t len, const domain_id_t *new_ids,
                      domain_error_t *err);

/* Looks a service up into out. XY_ENOENT when not held. */
int service_find(view_txn_t *vt, const domain_model_t *m,
                 const domain_id_t *id, service_t *out);

/* Calls fn for every service held, in id order; fn returns 0 to go on, 1
 * to stop, or an error, which is returned. s is valid during the call. */
int service_each(view_txn_t *vt, const domain_model_t *m,
                 int (*fn)(const service_t *s, void *arg), void *arg);

/* True when s serves zone. */
bool service_serves(const service_t *s, const domain_id_t *zone);

/* A new JSON array of services {id, kind, name, capacity, zones, counties,
 * languages, contact}. NULL on a store error. */
json_t *service_list(view_txn_t *vt, const domain_model_t *m);

void service_reducers(domain_model_t *m);

#endif
