/* EDXL-RM-style export (dispatch_edxl.h). */
#include "domain/dispatch_edxl.h"
#include "domain/dispatch_model.h"
#include "domain/exercise.h"
#include "common/xy_error.h"

#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_NS "urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg"

static void s_time(char out[32], uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void s_el(xmlTextWriterPtr w, const char *name, const char *text)
{
    xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST text);
}

/* What every message of one export shares. */
typedef struct s_doc {
    const char *sent;      /* SentDateTime */
    const char *incident;  /* IncidentID */
    bool exercise;         /* the incident is an exercise */
} s_doc_t;

static void s_header(xmlTextWriterPtr w, const char *type, const char *id,
                     const s_doc_t *d)
{
    xmlTextWriterStartElement(w, BAD_CAST type);
    s_el(w, "MessageID", id);
    s_el(w, "SentDateTime", d->sent);
    s_el(w, "MessageContentType", type);
    /* EDXL-RM has no exercise status: the free-text descriptions say it. */
    if (d->exercise)
        s_el(w, "MessageDescription", EXERCISE_BANNER);
    xmlTextWriterStartElement(w, BAD_CAST "IncidentInformation");
    if (d->exercise)
        s_el(w, "IncidentDescription", EXERCISE_BANNER);
    s_el(w, "IncidentID", d->incident);
    xmlTextWriterEndElement(w);
}

static void s_request(xmlTextWriterPtr w, const dispatch_zone_t *z,
                      const s_doc_t *d)
{
    char id[DOMAIN_ID_HEX], num[32];
    domain_id_format(&z->id, id);
    s_header(w, "RequestResource", id, d);
    xmlTextWriterStartElement(w, BAD_CAST "ResourceInformation");
    s_el(w, "ResourceInfoElementID", id);
    xmlTextWriterStartElement(w, BAD_CAST "Resource");
    xmlTextWriterStartElement(w, BAD_CAST "TypeStructure");
    s_el(w, "Value", "crisis-intervention-worker");
    s_el(w, "ValueListURN", "urn:xinyuan:resource-type");
    xmlTextWriterEndElement(w);
    if (z->psychiatrists_needed) {
        snprintf(num, sizeof num, "%u", z->psychiatrists_needed);
        xmlTextWriterStartElement(w, BAD_CAST "Keyword");
        s_el(w, "ValueListURN", "urn:xinyuan:psychiatrists-needed");
        s_el(w, "Value", num);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "AssignmentInformation");
    xmlTextWriterStartElement(w, BAD_CAST "Quantity");
    xmlTextWriterStartElement(w, BAD_CAST "MeasuredQuantity");
    snprintf(num, sizeof num, "%u", z->workers_needed);
    s_el(w, "Amount", num);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    s_el(w, "AnticipatedFunction", "psychological crisis intervention");
    snprintf(num, sizeof num, "%.2f", z->priority);
    s_el(w, "Restrictions", num);
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "ScheduleInformation");
    s_el(w, "ScheduleType", "RequestedArrival");
    xmlTextWriterStartElement(w, BAD_CAST "Location");
    s_el(w, "LocationDescription", z->name);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
}

static void s_commit(xmlTextWriterPtr w, json_t *o, const s_doc_t *d,
                     view_txn_t *vt, const domain_model_t *m)
{
    const char *team = json_string_value(json_object_get(o, "team"));
    const char *by = json_string_value(json_object_get(o, "acknowledged_by"));
    domain_id_t tid;
    team_t *t = malloc(sizeof *t);
    bool named = t && domain_id_parse(&tid, team) == 0 &&
                 dispatch_team_get(vt, m, &tid, t, NULL) == 0;
    char num[32], when[32];
    s_header(w, "CommitResource",
             json_string_value(json_object_get(o, "id")), d);
    xmlTextWriterStartElement(w, BAD_CAST "ResourceInformation");
    s_el(w, "ResourceInfoElementID",
         json_string_value(json_object_get(o, "zone")));
    xmlTextWriterStartElement(w, BAD_CAST "Resource");
    s_el(w, "ResourceID", team);
    s_el(w, "Name", named ? t->name : team);
    xmlTextWriterStartElement(w, BAD_CAST "TypeStructure");
    s_el(w, "Value", "crisis-intervention-team");
    s_el(w, "ValueListURN", "urn:xinyuan:resource-type");
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "ResponseInformation");
    s_el(w, "ResponseType", by ? "Accepted" : "Provisional");
    if (by)
        s_el(w, "ReasonCode", by);
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "AssignmentInformation");
    xmlTextWriterStartElement(w, BAD_CAST "Quantity");
    xmlTextWriterStartElement(w, BAD_CAST "MeasuredQuantity");
    snprintf(num, sizeof num, "%u", named ? team_capacity(t) : 0);
    s_el(w, "Amount", num);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    s_el(w, "AnticipatedFunction",
         json_string_value(json_object_get(o, "explanation")));
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "ScheduleInformation");
    s_el(w, "ScheduleType", "EstimatedArrival");
    json_int_t rb = json_integer_value(json_object_get(o, "report_by"));
    if (rb > 0) {
        s_time(when, (uint64_t)rb);
        s_el(w, "DateTime", when);
    }
    xmlTextWriterStartElement(w, BAD_CAST "Location");
    s_el(w, "LocationDescription",
         json_string_value(json_object_get(o, "zone_name")));
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    free(t);
}

int dispatch_edxl_export(char **out, view_txn_t *vt, const domain_model_t *m,
                         const domain_id_t *incident,
                         const dispatch_zone_t *zones, size_t n_zones,
                         uint64_t now_ms)
{
    *out = NULL;
    json_t *orders = dispatch_order_list(vt, m, NULL, incident);
    if (!orders)
        return XY_ECORRUPT;
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!w) {
        xmlBufferFree(buf);
        json_decref(orders);
        return XY_ENOMEM;
    }
    char inc[DOMAIN_ID_HEX], sent[32];
    domain_id_format(incident, inc);
    s_time(sent, now_ms);
    s_doc_t d = {sent, inc, false};
    if (exercise_incident(vt, m, incident->b, &d.exercise) == XY_ENOENT)
        d.exercise = false;
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
    if (d.exercise)
        xmlTextWriterWriteComment(w, BAD_CAST " " EXERCISE_BANNER " ");
    xmlTextWriterStartElement(w, BAD_CAST "EDXLResourceMessages");
    xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST S_NS);
    for (size_t j = 0; j < n_zones; j++)
        s_request(w, &zones[j], &d);
    size_t i;
    json_t *o;
    json_array_foreach(orders, i, o)
        s_commit(w, o, &d, vt, m);
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    json_decref(orders);
    *out = strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return *out ? 0 : XY_ENOMEM;
}
