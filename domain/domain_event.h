/* Building events from what a person typed or an alert said: each builder
 * validates its input and fills a domain_event_t, which holds the Event
 * envelope and every sub-message inline, ready for the event log. Strings
 * are borrowed from the input and must outlive the domain_event_t. Errors
 * name the field and the reason in a line a person can act on. */
#ifndef XY_DOMAIN_EVENT_H
#define XY_DOMAIN_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/ids.h"
#include "proto/codec.h"

typedef struct domain_error {
    int code;         /* XY_E* */
    char field[32];   /* the field at fault, e.g. "age_band" */
    char msg[192];    /* what is wrong, for a person */
} domain_error_t;

/* Sets err (when not NULL) and returns code. */
int domain_fail(domain_error_t *err, int code, const char *field,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

typedef struct domain_event {
    Xy__Event ev;                      /* the envelope; body points below */
    union {
        Xy__IncidentDeclared incident_declared;
        Xy__IncidentLevelSet incident_level_set;
        Xy__PersonRegistered person_registered;
        Xy__PersonMoved person_moved;
        Xy__RedFlagAcknowledged red_flag_acknowledged;
        Xy__DeploymentOrdered deployment_ordered;
    } body;                            /* the body, by ev.body_case */
    Xy__Point point;                   /* a position, when the body has one */
    Xy__Place place;                   /* a place, when the body has one */
    uint8_t incident_id[DOMAIN_ID_LEN]; /* envelope incident */
    uint8_t subject_id[DOMAIN_ID_LEN];  /* the body's own id */
    uint8_t zone_id[DOMAIN_ID_LEN];     /* a zone, when given */
} domain_event_t;

/* Starts an event's envelope: ev initialised, its incident (copied into
 * incident_store, which must outlive ev; NULL: none), exercise flag and
 * author (borrowed; NULL: ""). */
void domain_envelope(Xy__Event *ev, uint8_t incident_store[DOMAIN_ID_LEN],
                     const domain_id_t *incident, bool exercise,
                     const char *author);

/* Checks a text field from outside: present when required, at most max
 * bytes, valid UTF-8 (protobuf strings must be). Returns 0, or
 * XY_EMISSING / XY_ETOOBIG / XY_EINVAL with err naming field. */
int domain_text_check(const char *text, size_t max, bool required,
                      const char *field, domain_error_t *err);

/* Parses the lower-case short name of a protobuf enum value: with prefix
 * "HAZARD_", "flood" gives XY__HAZARD_TYPE__HAZARD_FLOOD. Returns 0 or
 * XY_EINVAL. Listing the accepted names: domain_enum_names. */
int domain_enum_parse(const ProtobufCEnumDescriptor *d, const char *prefix,
                      const char *text, int *out);

/* Writes the accepted short names, comma-separated, into buf. */
const char *domain_enum_names(const ProtobufCEnumDescriptor *d,
                              const char *prefix, char *buf, size_t len);

/* The short name of value (e.g. "flood"), written into buf. */
const char *domain_enum_name(const ProtobufCEnumDescriptor *d,
                             const char *prefix, int value, char *buf,
                             size_t len);

#endif
