/* CAP 1.2 / 1.1 alerts read with libxml2: a hardened parse of the bytes (no
 * DOCTYPE, no entities, no network), schema validation against the shipped
 * XSD, semantic checks, and the mapping of the chosen <info> block into an
 * alert_t. See alert_cap.h and docs/alerts.md. */
#include "domain/alert_cap.h"
#include "domain/xml_safe.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "common/xy_error.h"
#include "common/xy_mem.h"

#define S_XSD_NS "http://www.w3.org/2001/XMLSchema"
#define S_DSIG_NS "http://www.w3.org/2000/09/xmldsig#"


struct alert_cap_validator {
    xmlDocPtr doc12;       /* the CAP 1.2 XSD document */
    xmlSchemaPtr schema12; /* compiled CAP 1.2 schema */
    xmlDocPtr doc11;       /* the CAP 1.1 XSD document, or NULL */
    xmlSchemaPtr schema11; /* compiled CAP 1.1 schema, or NULL */
};

static void s_on_schema_error(void *ctx, xmlErrorPtr e)
{
    if (e->level >= XML_ERR_ERROR)
        xml_safe_record(ctx, e->line, e->message);
}

/* Parses len bytes into *out (owned by the caller, xmlFreeDoc). */
static int s_xml_read(const char *buf, size_t len, size_t max, xmlDocPtr *out,
                      alert_error_t *err)
{
    xml_safe_state_t st;
    int rc = xml_safe_read(buf, len, max, out, &st);
    if (rc == XY_ETOOBIG)
        return alert_fail(err, XY_ETOOBIG, 0,
                          "input of %zu bytes is over the maximum of %zu", len,
                          max);
    if (rc == XY_EPERM)
        return alert_fail(err, XY_EPERM, st.line,
                          "refused at line %d: document has a DOCTYPE or "
                          "entity declaration; alerts must carry none "
                          "(XXE protection, nothing was resolved)",
                          st.line);
    if (rc && st.line == 0 && strstr(st.msg, "empty input"))
        return alert_fail(err, XY_EPARSE, 0, "empty input: not XML");
    if (rc)
        return alert_fail(err, XY_EPARSE, st.line,
                          "malformed XML at line %d: %s", st.line, st.msg);
    return 0;
}

static bool s_is(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0 &&
           (ns ? n->ns && strcmp((const char *)n->ns->href, ns) == 0 : true);
}

/* Refuses a schema that would pull in another document. */
static int s_xsd_self_contained(const xmlNode *n, const char *path,
                                alert_error_t *err)
{
    static const char *const pulls[] = {"import", "include", "redefine",
                                        "override"};
    for (; n; n = n->next) {
        for (size_t i = 0; i < sizeof pulls / sizeof pulls[0]; i++)
            if (s_is(n, S_XSD_NS, pulls[i]))
                return alert_fail(err, XY_EPERM, (int)xmlGetLineNo(n),
                                  "schema %s line %ld: <%s> refused; the "
                                  "CAP schema must be self-contained (no "
                                  "fetching)",
                                  path, xmlGetLineNo(n), pulls[i]);
        int rc = s_xsd_self_contained(n->children, path, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int s_schema_load(const char *path, xmlDocPtr *doc_out,
                         xmlSchemaPtr *out, alert_error_t *err)
{
    char *buf = NULL;
    size_t len = 0;
    xmlDocPtr doc = NULL;
    xmlSchemaParserCtxtPtr pc = NULL;
    int rc =
        alert_cap_read_file(path, ALERT_CAP_XSD_MAX_BYTES, &buf, &len, err);
    if (rc)
        goto out;
    rc = s_xml_read(buf, len, ALERT_CAP_XSD_MAX_BYTES, &doc, err);
    if (rc)
        goto out;
    rc = s_xsd_self_contained(xmlDocGetRootElement(doc), path, err);
    if (rc)
        goto out;
    xml_safe_state_t st = {0};
    pc = xmlSchemaNewDocParserCtxt(doc);
    xmlSchemaSetParserStructuredErrors(pc, s_on_schema_error, &st);
    *out = xmlSchemaParse(pc);
    if (!*out) {
        rc = alert_fail(err, XY_ECONFIG, st.line,
                        "schema %s line %d does not compile: %s", path, st.line,
                        st.failed ? st.msg : "unknown error");
        goto out;
    }
    *doc_out = doc;
    doc = NULL;
out:
    xmlSchemaFreeParserCtxt(pc);
    xmlFreeDoc(doc);
    free(buf);
    return rc;
}

int alert_cap_validator_new(alert_cap_validator_t **out, const char *xsd12_path,
                            const char *xsd11_path, alert_error_t *err)
{
    if (!out || !xsd12_path)
        return alert_fail(err, XY_EINVAL, 0, "no CAP 1.2 schema path given");
    alert_cap_validator_t *v = xcalloc(1, sizeof *v);
    int rc = s_schema_load(xsd12_path, &v->doc12, &v->schema12, err);
    if (!rc && xsd11_path)
        rc = s_schema_load(xsd11_path, &v->doc11, &v->schema11, err);
    if (rc) {
        alert_cap_validator_destroy(&v);
        return rc;
    }
    *out = v;
    return 0;
}

void alert_cap_validator_destroy(alert_cap_validator_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    alert_cap_validator_t *v = *self_p;
    xmlSchemaFree(v->schema12);
    xmlSchemaFree(v->schema11);
    xmlFreeDoc(v->doc12);
    xmlFreeDoc(v->doc11);
    free(v);
    *self_p = NULL;
}

/* CAP 1.1 allows an XML signature as the last child of <alert> (spec
 * 3.3.2.1) but its XSD does not declare it; it is dropped before
 * validation. Signatures are not verified (docs/alerts.md). */
static void s_drop_signatures(xmlNodePtr root)
{
    xmlNodePtr n = root->children;
    while (n) {
        xmlNodePtr next = n->next;
        if (s_is(n, S_DSIG_NS, "Signature")) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        }
        n = next;
    }
}

static int s_validate(const alert_cap_validator_t *v, xmlDocPtr doc,
                      const char *ns, alert_error_t *err)
{
    xmlSchemaPtr schema = v->schema12;
    if (strcmp(ns, ALERT_CAP_NS_11) == 0) {
        if (!v->schema11)
            return alert_fail(err, XY_ENOTSUP, 0,
                              "CAP 1.1 alert but no CAP 1.1 schema loaded");
        schema = v->schema11;
        s_drop_signatures(xmlDocGetRootElement(doc));
    }
    xml_safe_state_t st = {0};
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidStructuredErrors(vc, s_on_schema_error, &st);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    if (rc == 0)
        return 0;
    return alert_fail(err, XY_EINVAL, st.line,
                      "not a valid CAP alert (schema), line %d: %s", st.line,
                      st.failed ? st.msg : "validation failed");
}

/* First child element of n named name in namespace ns, or NULL. */
static xmlNodePtr s_child(const xmlNode *n, const char *ns, const char *name)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (s_is(c, ns, name))
            return c;
    return NULL;
}

/* Copies the text of n (NULL gives "") into buf, truncated to fit. */
static bool s_text_of(const xmlNode *n, char *buf, size_t cap)
{
    xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
    bool fits = alert_copy_text(buf, cap, (const char *)t);
    xmlFree(t);
    return fits;
}

/* Copies the text of child name of n; an over-long value is an error. */
static int s_exact(const xmlNode *n, const char *ns, const char *name,
                   char *buf, size_t cap, alert_error_t *err)
{
    xmlNodePtr c = s_child(n, ns, name);
    if (!s_text_of(c, buf, cap))
        return alert_fail(err, XY_ETOOBIG, (int)xmlGetLineNo(c),
                          "%s at line %ld is longer than %zu bytes", name,
                          xmlGetLineNo(c), cap - 1);
    return 0;
}

/* CAP references: whitespace-separated "sender,identifier,sent" triples. */
static int s_check_references(const xmlNode *root, const char *ns,
                              alert_error_t *err)
{
    xmlNodePtr r = s_child(root, ns, "references");
    if (!r)
        return 0;
    int line = (int)xmlGetLineNo(r);
    xmlChar *t = xmlNodeGetContent(r);
    int rc = 0, n = 0;
    char *save = NULL;
    for (char *tok = strtok_r((char *)t, " \t\r\n", &save); tok && !rc;
         tok = strtok_r(NULL, " \t\r\n", &save), n++) {
        char *c1 = strchr(tok, ',');
        char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        int64_t ms;
        if (!c2 || c1 == tok || c2 == c1 + 1 || alert_time_parse(c2 + 1, &ms))
            rc = alert_fail(err, XY_EINVAL, line,
                            "references at line %d: '%.80s' is not "
                            "'sender,identifier,sent'",
                            line, tok);
    }
    if (!rc && n == 0)
        rc = alert_fail(err, XY_EINVAL, line,
                        "references at line %d is empty; CAP requires one "
                        "or more 'sender,identifier,sent' entries",
                        line);
    xmlFree(t);
    return rc;
}

/* Rank of a language for the choice of <info>: lower is preferred. A
 * missing language means en-US (CAP 1.2, 3.2.2). */
static int s_language_rank(const char *lang)
{
    if (!*lang)
        lang = "en-US";
    if (strcasecmp(lang, "zh-CN") == 0)
        return 0;
    if (strncasecmp(lang, "zh", 2) == 0 && (lang[2] == '\0' || lang[2] == '-'))
        return 1;
    if (strncasecmp(lang, "en", 2) == 0 && (lang[2] == '\0' || lang[2] == '-'))
        return 2;
    return 3;
}

static xmlNodePtr s_pick_info(const xmlNode *root, const char *ns)
{
    xmlNodePtr best = NULL;
    int best_rank = INT_MAX;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!s_is(c, ns, "info"))
            continue;
        char lang[ALERT_WORD_MAX];
        s_text_of(s_child(c, ns, "language"), lang, sizeof lang);
        int rank = s_language_rank(lang);
        if (rank < best_rank) {
            best = c;
            best_rank = rank;
        }
    }
    return best;
}

/* A decimal number of at most 32 characters: digits, one point, a sign. */
static bool s_number(const char *s, size_t n, double *out)
{
    char tmp[33];
    if (n == 0 || n >= sizeof tmp)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789.+-", s[i]))
            return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    errno = 0;
    *out = strtod(tmp, &end);
    return *end == '\0' && errno == 0 && isfinite(*out);
}

/* Parses "lat,lon" of length n; what names the element for messages. */
static int s_point(const char *s, size_t n, alert_point_t *p, const char *what,
                   int line, alert_error_t *err)
{
    const char *comma = memchr(s, ',', n);
    if (!comma || !s_number(s, (size_t)(comma - s), &p->lat) ||
        !s_number(comma + 1, n - (size_t)(comma + 1 - s), &p->lon))
        return alert_fail(err, XY_EINVAL, line,
                          "%s at line %d: '%.*s' is not 'lat,lon'", what, line,
                          (int)(n > 60 ? 60 : n), s);
    if (p->lat < -90 || p->lat > 90 || p->lon < -180 || p->lon > 180)
        return alert_fail(err, XY_ECOORD, line,
                          "%s at line %d: point %g,%g out of range (lat "
                          "-90..90, lon -180..180)",
                          what, line, p->lat, p->lon);
    return 0;
}

static int s_polygon(const xmlNode *n, alert_polygon_t *poly,
                     alert_error_t *err)
{
    int line = (int)xmlGetLineNo(n);
    xmlChar *t = xmlNodeGetContent(n);
    const char *ws = " \t\r\n";
    size_t count = 0;
    for (const char *p = (const char *)t; *p;) {
        p += strspn(p, ws);
        size_t k = strcspn(p, ws);
        count += k > 0;
        p += k;
    }
    int rc = 0;
    if (count > ALERT_MAX_POINTS) {
        rc = alert_fail(err, XY_ETOOBIG, line,
                        "polygon at line %d has %zu points, over the "
                        "maximum of %d",
                        line, count, ALERT_MAX_POINTS);
        goto out;
    }
    poly->points = xcalloc(count ? count : 1, sizeof(alert_point_t));
    for (const char *p = (const char *)t; *p && !rc;) {
        p += strspn(p, ws);
        size_t k = strcspn(p, ws);
        if (k > 0)
            rc = s_point(p, k, &poly->points[poly->n_points++], "polygon", line,
                         err);
        p += k;
    }
    if (rc)
        goto out;
    if (count < 4) {
        rc = alert_fail(err, XY_EINVAL, line,
                        "polygon at line %d has %zu points; at least 4 "
                        "(first repeated last) are required",
                        line, count);
        goto out;
    }
    alert_point_t a = poly->points[0], b = poly->points[count - 1];
    if (a.lat != b.lat || a.lon != b.lon)
        rc = alert_fail(err, XY_EINVAL, line,
                        "polygon at line %d is not closed: first point "
                        "%g,%g differs from last %g,%g",
                        line, a.lat, a.lon, b.lat, b.lon);
out:
    xmlFree(t);
    return rc;
}

/* "lat,lon radius_km": radius 0 marks a point (USGS puts the epicentre so),
 * which is kept but covers no area. */
static int s_circle(const xmlNode *n, alert_circle_t *c, alert_error_t *err)
{
    int line = (int)xmlGetLineNo(n);
    char t[128];
    s_text_of(n, t, sizeof t);
    char *p = t + strspn(t, " \t\r\n");
    size_t k = strcspn(p, " \t\r\n");
    int rc = s_point(p, k, &c->centre, "circle", line, err);
    if (rc)
        return rc;
    char *r = p + k + strspn(p + k, " \t\r\n");
    size_t rk = strcspn(r, " \t\r\n");
    if (!s_number(r, rk, &c->radius_km) || r[rk + strspn(r + rk, " \t\r\n")])
        return alert_fail(err, XY_EINVAL, line,
                          "circle at line %d: '%.60s' is not 'lat,lon "
                          "radius_km'",
                          line, p);
    if (c->radius_km < 0)
        return alert_fail(err, XY_EINVAL, line,
                          "circle at line %d: radius %g km is negative", line,
                          c->radius_km);
    return 0;
}

static size_t s_count(const xmlNode *n, const char *ns, const char *name)
{
    size_t k = 0;
    for (xmlNodePtr c = n->children; c; c = c->next)
        k += s_is(c, ns, name);
    return k;
}

static int s_area(const xmlNode *n, const char *ns, alert_area_t *a,
                  alert_error_t *err)
{
    size_t np = s_count(n, ns, "polygon"), nc = s_count(n, ns, "circle");
    size_t ng = s_count(n, ns, "geocode");
    if (np > ALERT_MAX_SHAPES || nc > ALERT_MAX_SHAPES || ng > ALERT_MAX_SHAPES)
        return alert_fail(err, XY_ETOOBIG, (int)xmlGetLineNo(n),
                          "area at line %ld has more than %d polygons, "
                          "circles or geocodes",
                          xmlGetLineNo(n), ALERT_MAX_SHAPES);
    s_text_of(s_child(n, ns, "areaDesc"), a->desc, sizeof a->desc);
    a->polygons = xcalloc(np + 1, sizeof *a->polygons);
    a->circles = xcalloc(nc + 1, sizeof *a->circles);
    a->geocodes = xcalloc(ng + 1, sizeof *a->geocodes);
    int rc = 0;
    for (xmlNodePtr c = n->children; c && !rc; c = c->next) {
        if (s_is(c, ns, "polygon")) {
            rc = s_polygon(c, &a->polygons[a->n_polygons++], err);
        } else if (s_is(c, ns, "circle")) {
            rc = s_circle(c, &a->circles[a->n_circles++], err);
        } else if (s_is(c, ns, "geocode")) {
            alert_geocode_t *g = &a->geocodes[a->n_geocodes++];
            s_text_of(s_child(c, ns, "valueName"), g->name, sizeof g->name);
            s_text_of(s_child(c, ns, "value"), g->value, sizeof g->value);
        }
    }
    return rc;
}

static int s_areas(const xmlNode *info, const char *ns, alert_t *al,
                   alert_error_t *err)
{
    size_t na = s_count(info, ns, "area");
    if (na > ALERT_MAX_AREAS)
        return alert_fail(err, XY_ETOOBIG, (int)xmlGetLineNo(info),
                          "info at line %ld has %zu areas, over the maximum "
                          "of %d",
                          xmlGetLineNo(info), na, ALERT_MAX_AREAS);
    al->areas = xcalloc(na + 1, sizeof *al->areas);
    int rc = 0;
    for (xmlNodePtr c = info->children; c && !rc; c = c->next)
        if (s_is(c, ns, "area"))
            rc = s_area(c, ns, &al->areas[al->n_areas++], err);
    return rc;
}

/* Earthquake parameters as USGS and others publish them in CAP: the
 * epicentre is the first zero-radius circle (else the first circle), the
 * magnitude, depth and origin time come from <parameter> entries. */
static void s_quake(const xmlNode *info, const char *ns, alert_t *al)
{
    alert_quake_t *q = &al->quake;
    al->has_quake = true;
    q->magnitude = NAN;
    q->depth_km = NAN;
    alert_copy_text(q->title, sizeof q->title, al->headline);
    const alert_circle_t *first = NULL, *point = NULL;
    for (size_t i = 0; i < al->n_areas; i++)
        for (size_t j = 0; j < al->areas[i].n_circles; j++) {
            const alert_circle_t *c = &al->areas[i].circles[j];
            if (!first)
                first = c;
            if (!point && c->radius_km == 0)
                point = c;
        }
    if (point || first) {
        q->has_epicentre = true;
        q->lat = (point ? point : first)->centre.lat;
        q->lon = (point ? point : first)->centre.lon;
    }
    for (xmlNodePtr c = info->children; c; c = c->next) {
        if (!s_is(c, ns, "parameter"))
            continue;
        char name[ALERT_WORD_MAX], value[ALERT_WORD_MAX];
        s_text_of(s_child(c, ns, "valueName"), name, sizeof name);
        s_text_of(s_child(c, ns, "value"), value, sizeof value);
        if (strcasecmp(name, "Magnitude") == 0)
            s_number(value, strcspn(value, " "), &q->magnitude);
        else if (strcasecmp(name, "Depth") == 0)
            s_number(value, strcspn(value, " "), &q->depth_km);
        else if (strcasecmp(name, "EventTime") == 0)
            alert_time_parse(value, &q->time_ms);
    }
}

static int s_info(const xmlNode *root, const char *ns, alert_t *al,
                  alert_error_t *err)
{
    xmlNodePtr info = s_pick_info(root, ns);
    if (!info)
        return 0;
    al->has_info = true;
    s_text_of(s_child(info, ns, "language"), al->language, sizeof al->language);
    if (!al->language[0])
        alert_copy_text(al->language, sizeof al->language, "en-US");
    s_text_of(s_child(info, ns, "category"), al->category, sizeof al->category);
    s_text_of(s_child(info, ns, "event"), al->event, sizeof al->event);
    s_text_of(s_child(info, ns, "headline"), al->headline, sizeof al->headline);
    s_text_of(s_child(info, ns, "description"), al->description,
              sizeof al->description);
    al->hazard = alert_hazard_map(al->category, al->event);
    /* A Fire-category alert of another event keeps its own category too. */
    for (xmlNodePtr c = info->children; c && al->hazard == ALERT_HAZARD_OTHER;
         c = c->next)
        if (s_is(c, ns, "category")) {
            char cat[ALERT_WORD_MAX];
            s_text_of(c, cat, sizeof cat);
            al->hazard = alert_hazard_map(cat, al->event);
        }
    int rc = s_areas(info, ns, al, err);
    if (!rc && al->hazard == ALERT_HAZARD_EARTHQUAKE)
        s_quake(info, ns, al);
    return rc;
}

static int s_header(const xmlNode *root, const char *ns, alert_t *al,
                    alert_error_t *err)
{
    char word[ALERT_WORD_MAX], sent[ALERT_WORD_MAX];
    int rc = s_exact(root, ns, "identifier", al->identifier,
                     sizeof al->identifier, err);
    if (!rc)
        rc = s_exact(root, ns, "sender", al->sender, sizeof al->sender, err);
    if (rc)
        return rc;
    xmlNodePtr n = s_child(root, ns, "sent");
    s_text_of(n, sent, sizeof sent);
    if (alert_time_parse(sent, &al->sent_ms))
        return alert_fail(err, XY_EINVAL, (int)xmlGetLineNo(n),
                          "sent at line %ld: '%s' is not an ISO 8601 "
                          "date-time with offset",
                          xmlGetLineNo(n), sent);
    n = s_child(root, ns, "status");
    s_text_of(n, word, sizeof word);
    if (alert_status_parse(word, &al->status))
        return alert_fail(err, XY_EINVAL, (int)xmlGetLineNo(n),
                          "status at line %ld: unknown '%s'", xmlGetLineNo(n),
                          word);
    al->exercise = al->status == ALERT_STATUS_EXERCISE;
    n = s_child(root, ns, "msgType");
    s_text_of(n, word, sizeof word);
    if (alert_msg_type_parse(word, &al->msg_type))
        return alert_fail(err, XY_EINVAL, (int)xmlGetLineNo(n),
                          "msgType at line %ld: unknown '%s'", xmlGetLineNo(n),
                          word);
    return s_check_references(root, ns, err);
}

/* Sets *ns to the CAP namespace of root, or refuses another document. */
static int s_cap_namespace(const xmlNode *root, const char **ns_out,
                           alert_error_t *err)
{
    const char *ns = root->ns ? (const char *)root->ns->href : NULL;
    int line = (int)xmlGetLineNo(root);
    if (strcmp((const char *)root->name, "alert") != 0)
        return alert_fail(err, XY_ENOTSUP, line,
                          "not a CAP alert: root element is <%s>%s%s%s",
                          (const char *)root->name, ns ? " (namespace " : "",
                          ns ? ns : "", ns ? ")" : "");
    if (ns && strcmp(ns, ALERT_CAP_NS_12) == 0)
        *ns_out = ALERT_CAP_NS_12;
    else if (ns && strcmp(ns, ALERT_CAP_NS_11) == 0)
        *ns_out = ALERT_CAP_NS_11;
    else
        return alert_fail(err, XY_ENOTSUP, line,
                          "not a CAP alert: <alert> in namespace '%s', "
                          "expected %s or %s",
                          ns ? ns : "(none)", ALERT_CAP_NS_12, ALERT_CAP_NS_11);
    return 0;
}

int alert_cap_parse(const alert_cap_validator_t *v, const char *buf, size_t len,
                    alert_t **out, alert_error_t *err)
{
    if (!v || !buf || !out)
        return alert_fail(err, XY_EINVAL, 0, "no validator or input given");
    xmlDocPtr doc = NULL;
    alert_t *al = NULL;
    int rc = s_xml_read(buf, len, ALERT_CAP_MAX_BYTES, &doc, err);
    if (rc)
        goto out;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const char *ns = NULL;
    rc = root ? s_cap_namespace(root, &ns, err)
              : alert_fail(err, XY_EPARSE, 0, "no root element");
    if (!rc)
        rc = s_validate(v, doc, ns, err);
    if (rc)
        goto out;
    al = alert_new();
    al->source = ALERT_SOURCE_CAP;
    rc = s_header(root, ns, al, err);
    if (!rc)
        rc = s_info(root, ns, al, err);
    if (rc)
        goto out;
    *out = al;
    al = NULL;
out:
    alert_destroy(&al);
    xmlFreeDoc(doc);
    return rc;
}

int alert_cap_read_file(const char *path, size_t max, char **buf, size_t *len,
                        alert_error_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return alert_fail(err, errno == ENOENT ? XY_ENOENT : XY_EIO, 0,
                          "cannot open %s: %s", path, strerror(errno));
    char *data = xmalloc(max + 2);
    size_t n = fread(data, 1, max + 1, f);
    int rc = 0;
    if (ferror(f))
        rc = alert_fail(err, XY_EIO, 0, "cannot read %s", path);
    else if (n > max)
        rc =
            alert_fail(err, XY_ETOOBIG, 0,
                       "%s is larger than the maximum of %zu bytes", path, max);
    fclose(f);
    if (rc) {
        free(data);
        return rc;
    }
    data[n] = '\0';
    *buf = data;
    *len = n;
    return 0;
}
