/* PFIF import (pfif.h): a hardened libxml2 parse of PFIF 1.1 to 1.4 into
 * person records checked as a typed registration would be. The export is
 * in pfif_export.c. docs/pfif.md has the mapping tables. */
#include "domain/pfif.h"
#include "domain/xml_safe.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/civil_date.h"

#define S_AGE_MAX 150       /* largest age accepted in <age> */
#define S_AGE_NOW_MAX 124   /* oldest age the 120 band holds */
#define S_FIELD_MAX 4096    /* bytes of one field's text */
#define S_IDSET_SLOTS 32768 /* > 2 * PFIF_RECORDS_MAX, a power of two */

static int s_fail(pfif_error_t *err, int code, int line, const char *element,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int s_fail(pfif_error_t *err, int code, int line, const char *element,
                  const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->line = line;
    snprintf(err->element, sizeof err->element, "%s", element);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- The hardened parse (domain/xml_safe.c) --------------------------- */

static int s_xml_read(const char *buf, size_t len, xmlDocPtr *out,
                      pfif_error_t *err)
{
    xml_safe_state_t st;
    int rc = xml_safe_read(buf, len, PFIF_MAX_BYTES, out, &st);
    if (rc == XY_ETOOBIG)
        return s_fail(err, XY_ETOOBIG, 0, "pfif", "document of %zu bytes is "
                      "over the maximum of %d", len, PFIF_MAX_BYTES);
    if (rc == XY_EPERM)
        return s_fail(err, XY_EPERM, st.line, "DOCTYPE", "refused at line %d: "
                      "the document has a DOCTYPE or entity declaration; PFIF "
                      "needs none (nothing was resolved)", st.line);
    if (rc && st.line == 0 && strstr(st.msg, "empty input"))
        return s_fail(err, XY_EPARSE, 0, "pfif", "empty input: not XML");
    if (rc)
        return s_fail(err, XY_EPARSE, st.line, "pfif", "malformed XML at "
                      "line %d: %s", st.line, st.msg);
    return 0;
}

/* ---- Field text ------------------------------------------------------- */

static bool s_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copies text into out with leading and trailing white space removed and
 * inner runs of it made one space; first_line: only up to the first line
 * break after some text (PFIF 1.4 lists several names one per line). */
static int s_clean(const char *text, bool first_line, char *out, size_t cap)
{
    size_t n = 0;
    bool gap = false;
    for (const char *p = text; *p; p++) {
        if (first_line && n > 0 && (*p == '\n' || *p == '\r'))
            break;
        if (s_space(*p)) {
            gap = n > 0;
            continue;
        }
        if (n + (gap ? 2 : 1) >= cap)
            return XY_ETOOBIG;
        if (gap)
            out[n++] = ' ';
        gap = false;
        out[n++] = *p;
    }
    out[n] = '\0';
    return 0;
}

/* The fields of <person> read here; the others are ignored. */
enum { F_ID, F_FULL, F_GIVEN, F_FAMILY, F_FIRST, F_LAST, F_SEX, F_DOB, F_AGE,
       F_CITY, F_STATE, F_SOURCE_DATE, F_ENTRY_DATE, F_N };

static const char *const s_fields[F_N] = {
    "person_record_id", "full_name", "given_name", "family_name",
    "first_name", "last_name", "sex", "date_of_birth", "age", "home_city",
    "home_state", "source_date", "entry_date",
};

typedef struct s_person {
    const xmlNode *node[F_N]; /* the element of each field, or NULL */
    char *text[F_N];          /* its text, cleaned (owned) */
} s_person_t;

static void s_person_free(s_person_t *p)
{
    for (int i = 0; i < F_N; i++) {
        if (p->text[i])
            memset(p->text[i], 0, strlen(p->text[i]));
        free(p->text[i]);
    }
}

static bool s_in_ns(const xmlNode *n, const char *ns, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns &&
           strcmp((const char *)n->ns->href, ns) == 0 &&
           (!name || strcmp((const char *)n->name, name) == 0);
}

/* Reads the fields of one <person>; counts its notes. */
static int s_person_fields(const xmlNode *person, const char *ns,
                           s_person_t *p, size_t *notes, pfif_error_t *err)
{
    for (const xmlNode *c = person->children; c; c = c->next) {
        if (!s_in_ns(c, ns, NULL))
            continue;
        if (strcmp((const char *)c->name, "note") == 0) {
            (*notes)++;
            continue;
        }
        int f = 0;
        while (f < F_N && strcmp((const char *)c->name, s_fields[f]) != 0)
            f++;
        if (f == F_N)
            continue;
        int line = (int)xmlGetLineNo(c);
        if (p->node[f])
            return s_fail(err, XY_EINVAL, line, s_fields[f], "line %d: "
                          "<%s> given twice in one person (first at line "
                          "%ld)", line, s_fields[f],
                          xmlGetLineNo(p->node[f]));
        xmlChar *raw = xmlNodeGetContent(c);
        size_t rl = raw ? strlen((const char *)raw) : 0;
        p->node[f] = c;
        p->text[f] = xmalloc(rl + 1);
        int rc = rl > S_FIELD_MAX
                     ? XY_ETOOBIG
                     : s_clean(raw ? (const char *)raw : "",
                               f == F_FULL, p->text[f], rl + 1);
        xmlFree(raw);
        if (rc)
            return s_fail(err, XY_ETOOBIG, line, s_fields[f], "line %d: "
                          "<%s> is over %d bytes", line, s_fields[f],
                          S_FIELD_MAX);
    }
    return 0;
}

static const char *s_text(const s_person_t *p, int f)
{
    return p->text[f] ? p->text[f] : "";
}

static int s_line(const s_person_t *p, int f, int dflt)
{
    return p->node[f] ? (int)xmlGetLineNo(p->node[f]) : dflt;
}

/* ---- Names, dates and ages ------------------------------------------- */

/* Joins given and family: Chinese order (family first, no space) when
 * both start with a non-ASCII character, else "given family". */
static void s_join_name(const char *given, const char *family, char *out,
                        size_t cap)
{
    if (!*given || !*family)
        snprintf(out, cap, "%s", *given ? given : family);
    else if ((unsigned char)given[0] >= 0x80 &&
             (unsigned char)family[0] >= 0x80)
        snprintf(out, cap, "%s%s", family, given);
    else
        snprintf(out, cap, "%s %s", given, family);
}

static int s_digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a real date): the year, or -1. */
static int s_dob_year(const char *s)
{
    size_t n = strlen(s);
    int y = n >= 4 ? s_digits(s, 4) : -1;
    if (y < 0 || (n != 4 && n != 7 && n != 10))
        return -1;
    if (n == 4)
        return y;
    int m = s[4] == '-' ? s_digits(s + 5, 2) : -1;
    if (m < 1 || m > 12)
        return -1;
    if (n == 7)
        return y;
    int d = s[7] == '-' ? s_digits(s + 8, 2) : -1;
    return d >= 1 && d <= civil_days_in_month(y, m) ? y : -1;
}

/* The year of a "YYYY-MM-DDThh:mm:ssZ" date, or 0 when it is not one. */
static int s_date_year(const char *s)
{
    char day[11];
    if (strlen(s) != 20 || s[10] != 'T' || s[19] != 'Z')
        return 0;
    memcpy(day, s, 10);
    day[10] = '\0';
    if (s_dob_year(day) < 0)
        return 0;
    int h = s_digits(s + 11, 2), mi = s_digits(s + 14, 2);
    int se = s_digits(s + 17, 2);
    if (s[13] != ':' || s[16] != ':' || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || se < 0 || se > 60)
        return 0;
    return s_digits(s, 4);
}

/* "N" or "MIN-MAX": the age, the midpoint of a range; -1 when malformed. */
static int s_age(const char *s)
{
    const char *dash = strchr(s, '-');
    size_t n1 = dash ? (size_t)(dash - s) : strlen(s);
    if (n1 == 0 || n1 > 3)
        return -1;
    int lo = s_digits(s, n1), hi = lo;
    if (dash) {
        size_t n2 = strlen(dash + 1);
        hi = n2 >= 1 && n2 <= 3 ? s_digits(dash + 1, n2) : -1;
    }
    if (lo < 0 || hi < lo || hi > S_AGE_MAX)
        return -1;
    return (lo + hi) / 2;
}

static int s_year_of(uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

/* The birth year and the age band of p, as pfif_import_parse says. */
static int s_age_band(const s_person_t *p, int line, uint64_t now_ms,
                      int default_band, pfif_record_t *r, pfif_error_t *err)
{
    int now_year = s_year_of(now_ms), age = -1;
    r->birth_year = 0;
    r->age_band = -1;
    if (*s_text(p, F_DOB)) {
        int l = s_line(p, F_DOB, line), y = s_dob_year(s_text(p, F_DOB));
        if (y < 0)
            return s_fail(err, XY_EINVAL, l, "date_of_birth", "line %d: "
                          "'%s' is not YYYY, YYYY-MM or YYYY-MM-DD", l,
                          s_text(p, F_DOB));
        if (y > now_year || now_year - y > S_AGE_NOW_MAX)
            return s_fail(err, XY_ERANGE, l, "date_of_birth", "line %d: "
                          "born %d is not a birth year now (%d..%d)", l, y,
                          now_year - S_AGE_NOW_MAX, now_year);
        r->birth_year = y;
        age = now_year - y;
    } else if (*s_text(p, F_AGE)) {
        int l = s_line(p, F_AGE, line), a = s_age(s_text(p, F_AGE));
        if (a < 0)
            return s_fail(err, XY_EINVAL, l, "age", "line %d: '%s' is not "
                          "an age N or a range MIN-MAX (0..%d)", l,
                          s_text(p, F_AGE), S_AGE_MAX);
        /* PFIF ages are as of the source_date. */
        int ref = s_date_year(s_text(p, F_SOURCE_DATE));
        if (!ref)
            ref = s_date_year(s_text(p, F_ENTRY_DATE));
        age = a + (ref && ref < now_year ? now_year - ref : 0);
        if (age > S_AGE_NOW_MAX)
            return s_fail(err, XY_ERANGE, l, "age", "line %d: age %s then "
                          "makes %d now, over %d", l, s_text(p, F_AGE), age,
                          S_AGE_NOW_MAX);
    } else if (default_band >= 0) {
        r->age_band = default_band;
        return 0;
    } else {
        return s_fail(err, XY_EMISSING, line, "age", "line %d: neither "
                      "<date_of_birth> nor <age> is given, and no default "
                      "age band", line);
    }
    r->age_band = age >= 120 ? 120 : age / 5 * 5;
    return 0;
}

/* ---- One record ------------------------------------------------------- */

static int s_name(const s_person_t *p, int line, pfif_record_t *r,
                  int *name_field, pfif_error_t *err)
{
    *name_field = F_FULL;
    char joined[2 * S_FIELD_MAX + 2];
    if (*s_text(p, F_FULL)) {
        snprintf(joined, sizeof joined, "%s", s_text(p, F_FULL));
    } else if (*s_text(p, F_GIVEN) || *s_text(p, F_FAMILY)) {
        *name_field = *s_text(p, F_GIVEN) ? F_GIVEN : F_FAMILY;
        s_join_name(s_text(p, F_GIVEN), s_text(p, F_FAMILY), joined,
                    sizeof joined);
    } else {
        *name_field = *s_text(p, F_FIRST) ? F_FIRST : F_LAST;
        s_join_name(s_text(p, F_FIRST), s_text(p, F_LAST), joined,
                    sizeof joined);
    }
    if (!joined[0])
        return s_fail(err, XY_EMISSING, line, "full_name", "line %d: no "
                      "name (full_name, given_name/family_name or "
                      "first_name/last_name)", line);
    int l = s_line(p, *name_field, line);
    if (strlen(joined) > PERSONAL_NAME_MAX)
        return s_fail(err, XY_ETOOBIG, l, s_fields[*name_field], "line %d: "
                      "the name is over %d bytes", l, PERSONAL_NAME_MAX);
    snprintf(r->name, sizeof r->name, "%s", joined);
    memset(joined, 0, sizeof joined);
    return 0;
}

static int s_site(const s_person_t *p, int line, pfif_record_t *r,
                  pfif_error_t *err)
{
    const char *city = s_text(p, F_CITY), *state = s_text(p, F_STATE);
    size_t n = strlen(city) + strlen(state) + 2;
    if (n > PERSON_SITE_MAX + 2 || (*city && *state && n > PERSON_SITE_MAX)) {
        int l = s_line(p, *city ? F_CITY : F_STATE, line);
        return s_fail(err, XY_ETOOBIG, l, *city ? "home_city" : "home_state",
                      "line %d: home_city and home_state make a site over "
                      "%d bytes", l, PERSON_SITE_MAX);
    }
    snprintf(r->site, sizeof r->site, "%s%s%s", city,
             *city && *state ? ", " : "", state);
    return 0;
}

/* Maps a personal_check field to the PFIF element it came from. */
static const char *s_element_of(const char *field, int name_field)
{
    if (strcmp(field, "name") == 0)
        return s_fields[name_field];
    if (strcmp(field, "notes") == 0)
        return "person_record_id";
    if (strcmp(field, "birth_year") == 0)
        return "date_of_birth";
    return field;
}

static int s_record(const s_person_t *p, int line, uint64_t now_ms,
                    int default_band, pfif_record_t *r, pfif_error_t *err)
{
    memset(r, 0, sizeof *r);
    r->line = line;
    const char *id = s_text(p, F_ID);
    int l = s_line(p, F_ID, line);
    if (!*id)
        return s_fail(err, XY_EMISSING, l, "person_record_id", "line %d: "
                      "<person> has no person_record_id", l);
    if (strlen(id) > PFIF_RECORD_ID_MAX)
        return s_fail(err, XY_ETOOBIG, l, "person_record_id", "line %d: "
                      "person_record_id is over %d bytes", l,
                      PFIF_RECORD_ID_MAX);
    snprintf(r->record_id, sizeof r->record_id, "%s", id);
    snprintf(r->notes, sizeof r->notes, PFIF_NOTE_PREFIX "%s", id);
    const char *sex = s_text(p, F_SEX);
    if (*sex && strcmp(sex, "female") && strcmp(sex, "male") &&
        strcmp(sex, "other")) {
        l = s_line(p, F_SEX, line);
        return s_fail(err, XY_EINVAL, l, "sex", "line %d: '%s' is not "
                      "female, male or other", l, sex);
    }
    snprintf(r->sex, sizeof r->sex, "%s", sex);
    int name_field;
    int rc = s_name(p, line, r, &name_field, err);
    if (!rc)
        rc = s_age_band(p, line, now_ms, default_band, r, err);
    if (!rc)
        rc = s_site(p, line, r, err);
    if (rc)
        return rc;
    /* The same check as a typed registration, so that what is accepted
     * here is sealed later without surprise. */
    personal_input_t in = {.name = r->name, .notes = r->notes,
                           .birth_year = r->birth_year};
    personal_data_t *pd = xcalloc(1, sizeof *pd);
    domain_error_t de;
    rc = personal_check(&in, r->age_band, now_ms, pd, &de);
    personal_data_wipe(pd);
    free(pd);
    if (rc) {
        const char *el = s_element_of(de.field, name_field);
        int fl = strcmp(el, "date_of_birth") == 0 ? s_line(p, F_DOB, line)
                 : strcmp(el, "person_record_id") == 0 ? l
                 : s_line(p, name_field, line);
        return s_fail(err, rc, fl, el, "line %d: <%s>: %s", fl, el, de.msg);
    }
    return 0;
}

/* ---- The document ----------------------------------------------------- */

/* Record ids seen in a document: open addressing over indices + 1. */
typedef struct s_idset {
    uint32_t slot[S_IDSET_SLOTS]; /* index + 1 into ids, 0: empty */
    const char **ids;             /* borrowed */
    const int *lines;             /* line of each id's <person> */
} s_idset_t;

/* Adds ids[i]; returns the line of an earlier equal id, or 0. */
static int s_idset_add(s_idset_t *s, uint32_t i)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s->ids[i]; *p; p++)
        h = (h ^ *p) * 16777619u;
    for (uint32_t k = h & (S_IDSET_SLOTS - 1);;
         k = (k + 1) & (S_IDSET_SLOTS - 1)) {
        if (!s->slot[k]) {
            s->slot[k] = i + 1;
            return 0;
        }
        if (strcmp(s->ids[s->slot[k] - 1], s->ids[i]) == 0)
            return s->lines[s->slot[k] - 1];
    }
}

/* The version of a PFIF namespace (11..14), or 0. */
static int s_version(const xmlNode *root)
{
    size_t pl = strlen(PFIF_NS_PREFIX);
    const char *href = root->ns ? (const char *)root->ns->href : "";
    if (strncmp(href, PFIF_NS_PREFIX, pl) != 0 || href[pl] < '1' ||
        href[pl] > '4' || href[pl + 1] != '\0')
        return 0;
    return 10 + (href[pl] - '0');
}

static void s_refuse(pfif_import_t *imp, const pfif_error_t *e)
{
    imp->refused = xrealloc(imp->refused,
                            (imp->n_refused + 1) * sizeof *imp->refused);
    imp->refused[imp->n_refused++] = *e;
}

/* Reads every <person> under root into imp. */
static int s_persons(const xmlNode *root, const char *ns, uint64_t now_ms,
                     int default_band, pfif_import_t *imp, pfif_error_t *err)
{
    size_t persons = 0;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (s_in_ns(c, ns, "person") && ++persons > PFIF_RECORDS_MAX)
            return s_fail(err, XY_ETOOBIG, (int)xmlGetLineNo(c), "person",
                          "more than %d <person> records in one document",
                          PFIF_RECORDS_MAX);
        if (s_in_ns(c, ns, "note"))
            imp->notes++;
    }
    imp->records = xcalloc(persons ? persons : 1, sizeof *imp->records);
    const char **ids = xcalloc(persons ? persons : 1, sizeof *ids);
    int *lines = xcalloc(persons ? persons : 1, sizeof *lines);
    s_idset_t *set = xcalloc(1, sizeof *set);
    set->ids = ids;
    set->lines = lines;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!s_in_ns(c, ns, "person"))
            continue;
        int line = (int)xmlGetLineNo(c);
        s_person_t p = {0};
        pfif_error_t e = {0};
        pfif_record_t *r = &imp->records[imp->n];
        int rc = s_person_fields(c, ns, &p, &imp->notes, &e);
        if (!rc)
            rc = s_record(&p, line, now_ms, default_band, r, &e);
        s_person_free(&p);
        int first = 0;
        if (!rc) {
            ids[imp->n] = r->record_id;
            lines[imp->n] = line;
            first = s_idset_add(set, (uint32_t)imp->n);
        }
        if (first)
            s_fail(&e, XY_EEXIST, line, "person_record_id", "line %d: "
                   "person_record_id '%s' was already given at line %d",
                   line, r->record_id, first);
        if (rc || first) {
            memset(r, 0, sizeof *r);
            s_refuse(imp, &e);
        } else {
            imp->n++;
        }
    }
    free(set);
    free(ids);
    free(lines);
    return 0;
}

int pfif_import_parse(const char *buf, size_t len, uint64_t now_ms,
                      int default_band, pfif_import_t **out,
                      pfif_error_t *err)
{
    xmlDocPtr doc = NULL;
    pfif_import_t *imp = NULL;
    if (default_band > 120 || (default_band >= 0 && default_band % 5))
        return s_fail(err, XY_ERANGE, 0, "age", "default age band %d is not "
                      "a multiple of 5 in 0..120", default_band);
    int rc = s_xml_read(buf, len, &doc, err);
    if (rc)
        goto out;
    const xmlNode *root = xmlDocGetRootElement(doc);
    int version = root ? s_version(root) : 0;
    if (!root || strcmp((const char *)root->name, "pfif") != 0 || !version) {
        int line = root ? (int)xmlGetLineNo(root) : 0;
        rc = s_fail(err, XY_ENOTSUP, line, "pfif", "line %d: the root is "
                    "<%s> in namespace '%s', not <pfif> in a PFIF 1.1-1.4 "
                    "namespace (" PFIF_NS_PREFIX "1 ... 4)", line,
                    root ? (const char *)root->name : "",
                    root && root->ns ? (const char *)root->ns->href : "");
        goto out;
    }
    imp = xcalloc(1, sizeof *imp);
    imp->version = version;
    rc = s_persons(root, (const char *)root->ns->href, now_ms, default_band,
                   imp, err);
    if (rc)
        goto out;
    *out = imp;
    imp = NULL;
out:
    pfif_import_destroy(&imp);
    xmlFreeDoc(doc);
    return rc;
}

void pfif_import_destroy(pfif_import_t **self_p)
{
    pfif_import_t *imp = *self_p;
    if (!imp)
        return;
    if (imp->records)
        memset(imp->records, 0, imp->n * sizeof *imp->records);
    free(imp->records);
    free(imp->refused);
    free(imp);
    *self_p = NULL;
}
