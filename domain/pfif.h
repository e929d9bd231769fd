/* PFIF, the People Finder Interchange Format of family-reunification
 * systems: export of the persons whose personal data this node can open as
 * a PFIF 1.4 document, and import of the <person> records of a PFIF 1.1 to
 * 1.4 document as records ready to be checked, sealed and registered. The
 * import parses with libxml2's hardened settings (as domain/alert_cap.c: no
 * DOCTYPE, no entities, no network, a size cap). <note> records are counted
 * and ignored. Pure: the time comes from the caller. See docs/pfif.md. */
#ifndef XY_DOMAIN_PFIF_H
#define XY_DOMAIN_PFIF_H

#include <stddef.h>
#include <stdint.h>

#include "domain/person.h"
#include "domain/personal.h"

#define PFIF_NS_PREFIX "http://zesty.ca/pfif/1." /* then 1, 2, 3 or 4 */
#define PFIF_NS_14 "http://zesty.ca/pfif/1.4"     /* what export writes */
#define PFIF_DOMAIN_DEFAULT "xinyuan.local"        /* record id domain */
#define PFIF_MAX_BYTES (8 * 1024 * 1024)           /* largest document read */
#define PFIF_RECORDS_MAX 10000  /* <person> records of one document */
#define PFIF_REFUSED_MAX 10000  /* refusals kept (one per record at most) */
#define PFIF_RECORD_ID_MAX 500  /* bytes of a person_record_id */
#define PFIF_DOMAIN_MAX 100     /* bytes of an export domain */
#define PFIF_NOTE_PREFIX "pfif:" /* the record id kept in the notes */

/* A document-level failure, or why one record was refused. */
typedef struct pfif_error {
    int code;          /* XY_E* */
    int line;          /* line in the document; 0 when unknown */
    char element[32];  /* the element at fault, e.g. "person_record_id" */
    char msg[256];     /* what is wrong, for a person */
} pfif_error_t;

/* One <person> read from PFIF, checked with personal_check. */
typedef struct pfif_record {
    int line;                                 /* of its <person> */
    char record_id[PFIF_RECORD_ID_MAX + 1];   /* person_record_id */
    char name[PERSONAL_NAME_MAX + 1];         /* first line of the name */
    char sex[8];                              /* female, male, other or "" */
    int birth_year;                           /* 0: unknown */
    int age_band;                             /* -1: neither age nor birth */
    char site[PERSON_SITE_MAX + 1];           /* "city, state" or "" */
    char notes[PFIF_RECORD_ID_MAX + 8];       /* "pfif:<record id>" */
} pfif_record_t;

/* What an import read. Owned by the caller: pfif_import_destroy. */
typedef struct pfif_import {
    int version;              /* 11, 12, 13 or 14 */
    pfif_record_t *records;   /* accepted records, in document order */
    size_t n;
    pfif_error_t *refused;    /* refused records, in document order */
    size_t n_refused;
    size_t notes;             /* <note> elements met (ignored) */
} pfif_import_t;

/* Parses len bytes of PFIF (borrowed; need not be NUL-terminated). Each
 * <person> becomes a record, or a refusal naming the element and line: a
 * missing or empty person_record_id, one longer than PFIF_RECORD_ID_MAX or
 * met twice in the document, no name, an unknown sex, a malformed
 * date_of_birth or age, a field given twice, home_city/home_state too long
 * for a site, or what personal_check refuses. The age band comes from the
 * birth year (the year of now_ms minus it) or else from the age, taken as
 * of the source_date (the midpoint of a range). default_band (-1: none) is
 * used when neither is given; without it such a record is refused.
 * On success *out is owned by the caller. Errors, with err filled:
 *   XY_ETOOBIG  over PFIF_MAX_BYTES, or more than PFIF_RECORDS_MAX persons;
 *   XY_EPERM    a DOCTYPE or entity declaration (refused, never resolved);
 *   XY_EPARSE   not well-formed XML (libxml2's message and line);
 *   XY_ENOTSUP  the root is not <pfif> in a PFIF 1.1-1.4 namespace. */
int pfif_import_parse(const char *buf, size_t len, uint64_t now_ms,
                      int default_band, pfif_import_t **out,
                      pfif_error_t *err);

/* Frees an import (wiping the names) and nulls *self_p; safe twice. */
void pfif_import_destroy(pfif_import_t **self_p);

/* A PFIF 1.4 document being written. */
typedef struct pfif_export pfif_export_t;

/* What an export wrote and skipped. */
typedef struct pfif_export_stats {
    size_t written;   /* person records written */
    size_t sealed;    /* skipped: sealed to a key not held */
    size_t unnamed;   /* skipped: registered without personal data */
    size_t exercise;  /* of those written, exercise persons */
} pfif_export_stats_t;

/* The source_name of an exercise person (PFIF has no exercise field). */
#define PFIF_EXERCISE_SOURCE "EXERCISE 演练 (Xinyuan drill data)"


/* Starts a document whose record ids are "<domain>/<person id hex>"
 * (domain NULL or "": PFIF_DOMAIN_DEFAULT). *out is owned by the caller
 * (pfif_export_destroy). XY_EINVAL when domain is longer than
 * PFIF_DOMAIN_MAX, holds '/' or is not printable ASCII. */
int pfif_export_new(pfif_export_t **out, const char *domain);

/* Writes p (borrowed for the call) as a <person>: entry_date and
 * source_date from time_ms (the registration's time), full_name, given and
 * family name when the name is a Chinese name of 2 to 4 characters (a
 * known two-character surname taken whole), sex, date_of_birth (the year)
 * and age (the band, "35-39"). An exercise person is marked: an XML
 * comment before it and its source_name and description say EXERCISE
 * (docs/pfif.md). A person whose data is sealed to a key not
 * held (p->pd NULL) or who has none is skipped and counted. XY_ESTATE
 * after pfif_export_finish. */
int pfif_export_add(pfif_export_t *x, const person_view_t *p,
                    uint64_t time_ms);

/* Ends the document and hands it out: *out is a NUL-terminated UTF-8
 * buffer owned by the caller (free), *len its length. */
int pfif_export_finish(pfif_export_t *x, char **out, size_t *len);

/* What was written and skipped so far. */
pfif_export_stats_t pfif_export_stats(const pfif_export_t *x);

/* Frees x and nulls *self_p; safe on NULL and twice. */
void pfif_export_destroy(pfif_export_t **self_p);

#endif
