/* Dispatch orders (dispatch.h). */
#include "domain/dispatch.h"
#include "common/xy_error.h"

#include <string.h>

/* A text field of 1..max bytes; one line when one_line is set. */
static int s_text(const char *text, size_t max, bool one_line,
                  const char *field, domain_error_t *err)
{
    size_t n = text ? strlen(text) : 0;
    if (n == 0)
        return domain_fail(err, XY_EINVAL, field,
                           "a text of 1 to %zu bytes "
                           "is required",
                           max);
    if (n > max)
        return domain_fail(err, XY_ETOOBIG, field, "%zu bytes, at most %zu", n,
                           max);
    if (one_line && strpbrk(text, "\r\n"))
        return domain_fail(err, XY_EINVAL, field, "must be one line");
    return 0;
}

int dispatch_order(domain_event_t *out, const domain_id_t *id,
                   const dispatch_order_input_t *in, uint64_t now_ms,
                   domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (!id || domain_id_is_zero(id))
        return domain_fail(err, XY_EINVAL, "order", "an order id is required");
    if (!in->incident || domain_id_is_zero(in->incident))
        return domain_fail(err, XY_EINVAL, "incident",
                           "an incident id is required");
    if (!in->team || domain_id_is_zero(in->team))
        return domain_fail(err, XY_EINVAL, "team", "a team id is required");
    if (in->zone && domain_id_is_zero(in->zone))
        return domain_fail(err, XY_EINVAL, "zone", "a zone id cannot be zero");
    int rc =
        s_text(in->zone_name, DISPATCH_ZONE_NAME_MAX, true, "zone_name", err);
    if (!rc)
        rc = s_text(in->explanation, DISPATCH_EXPLAIN_MAX, true, "explanation",
                    err);
    if (rc)
        return rc;
    if (in->report_by && in->report_by < now_ms)
        return domain_fail(err, XY_ERANGE, "report_by",
                           "the deadline is in the past");

    memcpy(out->incident_id, in->incident->b, DOMAIN_ID_LEN);
    memcpy(out->subject_id, id->b, DOMAIN_ID_LEN);
    xy__event__init(&out->ev);
    Xy__DeploymentOrdered *b = &out->body.deployment_ordered;
    xy__deployment_ordered__init(b);
    b->order_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->subject_id};
    b->team_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, (uint8_t *)in->team->b};
    if (in->zone) {
        memcpy(out->zone_id, in->zone->b, DOMAIN_ID_LEN);
        b->zone_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->zone_id};
    }
    b->zone_name = (char *)in->zone_name;
    b->explanation = (char *)in->explanation;
    b->report_by = in->report_by;
    out->ev.incident_id = (ProtobufCBinaryData){XY_ID_LEN, out->incident_id};
    out->ev.exercise = in->exercise;
    out->ev.author = (char *)(in->author ? in->author : "");
    out->ev.body_case = XY__EVENT__BODY_DEPLOYMENT_ORDERED;
    out->ev.deployment_ordered = b;
    return 0;
}
