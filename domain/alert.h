/* Alerts that can open an incident: the common record read from a CAP 1.2
 * (or 1.1) message or from a USGS GeoJSON earthquake event, before it becomes
 * an IncidentDeclared event. The parsers (alert_cap.h, alert_usgs.h) fill an
 * alert_t; this file holds the record, its destructor, the mappings shared by
 * both parsers (status, hazard, ISO 8601 time) and the activation rule. Pure
 * functions over bytes: nothing here reads a file, the clock or the network.
 * docs/alerts.md describes what is accepted and why. */
#ifndef XY_DOMAIN_ALERT_H
#define XY_DOMAIN_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALERT_ID_MAX 256           /* identifier, bytes with the NUL */
#define ALERT_SENDER_MAX 256       /* sender, bytes with the NUL */
#define ALERT_WORD_MAX 64          /* language, category, magType, ... */
#define ALERT_EVENT_MAX 256        /* CAP event text */
#define ALERT_HEADLINE_MAX 512     /* headline / title, truncated to fit */
#define ALERT_DESCRIPTION_MAX 4096 /* description / place, truncated */
#define ALERT_AREA_DESC_MAX 1024   /* areaDesc, truncated */
#define ALERT_GEOCODE_MAX 128      /* geocode valueName and value */
#define ALERT_MAX_AREAS 64         /* areas per alert */
#define ALERT_MAX_SHAPES 64        /* polygons, circles, geocodes per area */
#define ALERT_MAX_POINTS 16384     /* points per polygon */

typedef enum alert_source {
    ALERT_SOURCE_CAP = 1,  /* OASIS Common Alerting Protocol 1.2 / 1.1 */
    ALERT_SOURCE_USGS = 2, /* USGS ComCat GeoJSON event */
} alert_source_t;

typedef enum alert_status {
    ALERT_STATUS_ACTUAL = 1,   /* a real event */
    ALERT_STATUS_EXERCISE = 2, /* a drill: opens an exercise incident */
    ALERT_STATUS_SYSTEM = 3,   /* network housekeeping: never activates */
    ALERT_STATUS_TEST = 4,     /* technical test: never activates */
    ALERT_STATUS_DRAFT = 5,    /* not issued: never activates */
} alert_status_t;

typedef enum alert_msg_type {
    ALERT_MSG_ALERT = 1,  /* first message about an event */
    ALERT_MSG_UPDATE = 2, /* supersedes earlier messages (references) */
    ALERT_MSG_CANCEL = 3, /* withdraws earlier messages */
    ALERT_MSG_ACK = 4,    /* acknowledgement of a message */
    ALERT_MSG_ERROR = 5,  /* rejection of a message */
} alert_msg_type_t;

/* The hazards of the event schema (proto HazardType), by the same names. */
typedef enum alert_hazard {
    ALERT_HAZARD_OTHER = 0,
    ALERT_HAZARD_EARTHQUAKE,
    ALERT_HAZARD_FLOOD,
    ALERT_HAZARD_LANDSLIDE,
    ALERT_HAZARD_EXPLOSION,
    ALERT_HAZARD_FIRE,
    ALERT_HAZARD_MASS_CASUALTY,
    ALERT_HAZARD_TYPHOON,
} alert_hazard_t;

/* What went wrong and where, for a person. line is the 1-based line of the
 * input for XML input, 0 when unknown or not applicable. */
typedef struct alert_error {
    int code;      /* XY_E*, 0 when no error */
    int line;      /* line in the input, 0 when unknown */
    char msg[256]; /* what is wrong and where */
} alert_error_t;

typedef struct alert_point {
    double lat; /* WGS84 degrees, -90..90 */
    double lon; /* WGS84 degrees, -180..180 */
} alert_point_t;

typedef struct alert_polygon {
    size_t n_points;       /* >= 4, first equals last */
    alert_point_t *points; /* owned by the alert */
} alert_polygon_t;

typedef struct alert_circle {
    alert_point_t centre; /* centre of the circle */
    double radius_km;     /* > 0 for an area; 0 marks a point (epicentre) */
} alert_circle_t;

typedef struct alert_geocode {
    char name[ALERT_GEOCODE_MAX];  /* valueName, e.g. "SAME" */
    char value[ALERT_GEOCODE_MAX]; /* value, e.g. "006109" */
} alert_geocode_t;

typedef struct alert_area {
    char desc[ALERT_AREA_DESC_MAX]; /* areaDesc, truncated to fit */
    size_t n_polygons;              /* entries in polygons */
    alert_polygon_t *polygons;      /* owned by the alert */
    size_t n_circles;               /* entries in circles */
    alert_circle_t *circles;        /* owned by the alert */
    size_t n_geocodes;              /* entries in geocodes */
    alert_geocode_t *geocodes;      /* owned by the alert */
} alert_area_t;

typedef struct alert_quake {
    bool has_epicentre;                 /* lat and lon below are set */
    double lat;                         /* epicentre, WGS84 degrees */
    double lon;                         /* epicentre, WGS84 degrees */
    double depth_km;                    /* hypocentre depth; NAN unknown */
    double magnitude;                   /* NAN when unknown */
    char mag_type[ALERT_WORD_MAX];      /* "mww", "ml", ... or "" */
    int64_t time_ms;                    /* origin time, 0 when unknown */
    char title[ALERT_HEADLINE_MAX];     /* "M 7.1 - ...", truncated */
    char pager_alert[ALERT_WORD_MAX];   /* PAGER green..red, or "" */
    char review_status[ALERT_WORD_MAX]; /* USGS "reviewed", ... or "" */
    bool tsunami;                       /* USGS tsunami flag */
} alert_quake_t;

typedef struct alert {
    alert_source_t source;                   /* where it came from */
    char identifier[ALERT_ID_MAX];           /* unique per sender */
    char sender[ALERT_SENDER_MAX];           /* who issued it */
    int64_t sent_ms;                         /* ms since the epoch, UTC */
    alert_status_t status;                   /* CAP status */
    bool exercise;                           /* status == EXERCISE */
    alert_msg_type_t msg_type;               /* CAP msgType */
    bool has_info;                           /* CAP: an <info> was chosen */
    char language[ALERT_WORD_MAX];           /* chosen <info> language */
    char category[ALERT_WORD_MAX];           /* first CAP category or "" */
    char event[ALERT_EVENT_MAX];             /* CAP event text or "" */
    alert_hazard_t hazard;                   /* from category and event */
    char headline[ALERT_HEADLINE_MAX];       /* truncated to fit */
    char description[ALERT_DESCRIPTION_MAX]; /* truncated to fit */
    size_t n_areas;                          /* entries in areas */
    alert_area_t *areas;                     /* owned by the alert */
    bool has_quake;                          /* quake below is set */
    alert_quake_t quake;                     /* earthquake parameters */
} alert_t;

/* Returns a new, zeroed alert owned by the caller (alert_destroy). */
alert_t *alert_new(void);

/* Frees the alert and everything it owns and nulls *self_p; safe on NULL
 * and on an already destroyed alert. */
void alert_destroy(alert_t **self_p);

/* Fills err (when not NULL) with code, line and the formatted message, and
 * returns code. */
int alert_fail(alert_error_t *err, int code, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Lower-case names: "earthquake", "flood", ... (the HazardType names of the
 * event schema); "actual", "exercise", ...; "alert", "update", ...; "cap",
 * "usgs". Static strings, never NULL. */
const char *alert_hazard_name(alert_hazard_t hazard);
const char *alert_status_name(alert_status_t status);
const char *alert_msg_type_name(alert_msg_type_t type);
const char *alert_source_name(alert_source_t source);

/* Maps a CAP status / msgType word (exact, as the schema spells it) to its
 * value. Returns 0, or XY_EINVAL for any other word. */
int alert_status_parse(const char *word, alert_status_t *out);
int alert_msg_type_parse(const char *word, alert_msg_type_t *out);

/* The hazard of an alert from its CAP category (may be NULL or "") and
 * event text (may be NULL): keywords of the event first (English and
 * Chinese), then the category. The table is in docs/alerts.md. */
alert_hazard_t alert_hazard_map(const char *category, const char *event);

/* Parses an ISO 8601 date-time with seconds and a time-zone designator
 * ("2010-08-31T00:09:25-05:00", "...Z", optional fraction) into ms since the
 * epoch, UTC. Returns 0, or XY_EINVAL when the text is not of that form or a
 * field is out of range. */
int alert_time_parse(const char *text, int64_t *out_ms);

/* Whether the alert may open an incident: 0 for status Actual or Exercise
 * with msgType Alert or Update, carrying an <info> block (CAP) or an
 * event not deleted by its network (USGS);
 * XY_EDOMAIN otherwise, with the reason in err. The alert is borrowed. */
int alert_activation_check(const alert_t *alert, alert_error_t *err);

/* Copies at most cap-1 bytes of src (NULL copies "") into dst, cutting at a
 * UTF-8 character boundary, always NUL-terminated. Returns true when the
 * whole of src fitted. */
bool alert_copy_text(char *dst, size_t cap, const char *src);

#endif
