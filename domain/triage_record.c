/* Recording a triage (triage_record.h). */
#include "domain/triage_record.h"
#include "common/xy_error.h"

#include <string.h>
#include <strings.h>

static int s_score(triage_record_t *out, const triage_screen_t *s, size_t i,
                   domain_error_t *err)
{
    const screening_instrument_t *in = screening_find(s->instrument);
    if (!in)
        return domain_fail(err, XY_EINVAL, "instrument",
                           "unknown instrument '%s'",
                           s->instrument ? s->instrument : "");
    for (size_t k = 0; k < i; k++)
        if (out->results[k].instrument == in)
            return domain_fail(err, XY_EINVAL, "instrument",
                               "%s given twice", screening_name(in));
    screening_error_t se = {0};
    int rc = screening_score(in, s->answers, s->n, &out->results[i], &se);
    if (rc)
        return domain_fail(err, rc, screening_name(in), "%s", se.msg);
    return 0;
}

static void s_instrument(triage_record_t *out, size_t i)
{
    const screening_result_t *r = &out->results[i];
    Xy__InstrumentResult *ir = &out->instruments[i];
    xy__instrument_result__init(ir);
    for (size_t k = 0; k < r->n_answers; k++)
        out->answers[i][k] = r->answers[k] == SCREENING_MISSING
                                 ? 0xff
                                 : (uint8_t)r->answers[k];
    ir->instrument = (char *)screening_name(r->instrument);
    ir->answers = (ProtobufCBinaryData){r->n_answers, out->answers[i]};
    ir->score = (uint32_t)r->score;
    ir->band = (char *)(r->band_en ? r->band_en : "");
    ir->positive = r->positive;
    out->instrument_ptrs[i] = ir;
}

int triage_record_build(triage_record_t *out, const domain_id_t *triage_id,
                        const domain_id_t *flag_id,
                        const triage_record_input_t *in, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (!in->person || domain_id_is_zero(in->person) || !in->incident ||
        domain_id_is_zero(in->incident))
        return domain_fail(err, XY_EINVAL, "person",
                           "a registered person is required");
    if (in->n_screens > TRIAGE_MAX_RESULTS)
        return domain_fail(err, XY_EINVAL, "instrument",
                           "at most %d instruments at once",
                           TRIAGE_MAX_RESULTS);
    if (in->factors & ~(uint32_t)TRIAGE_FACTORS_ALL)
        return domain_fail(err, XY_EINVAL, "factors", "unknown factor bits");
    for (size_t i = 0; i < in->n_screens; i++) {
        int rc = s_score(out, &in->screens[i], i, err);
        if (rc)
            return rc;
        out->n_results++;
    }
    triage_input_t ti = {out->results, out->n_results, in->factors,
                         in->vulnerability & TRIAGE_VULN_ALL};
    int rc = triage_assess(&ti, &out->outcome);
    if (rc)
        return domain_fail(err, rc, "triage", "the triage rules refused the "
                           "input");

    memcpy(out->incident_id, in->incident->b, DOMAIN_ID_LEN);
    memcpy(out->person_id, in->person->b, DOMAIN_ID_LEN);
    memcpy(out->triage_id, triage_id->b, DOMAIN_ID_LEN);
    memcpy(out->flag_id, flag_id->b, DOMAIN_ID_LEN);
    for (size_t i = 0; i < out->n_results; i++)
        s_instrument(out, i);

    Xy__TriageRecorded *b = &out->body;
    xy__triage_recorded__init(b);
    b->triage_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->triage_id};
    b->person_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->person_id};
    b->rules_version = (char *)out->outcome.rules_version;
    b->level = (Xy__TriageLevel)out->outcome.level;
    b->n_instruments = out->n_results;
    b->instruments = out->instrument_ptrs;
    b->risk_factors = out->outcome.factors;
    xy__event__init(&out->triage);
    out->triage.incident_id =
        (ProtobufCBinaryData){DOMAIN_ID_LEN, out->incident_id};
    out->triage.exercise = in->exercise;
    out->triage.author = (char *)(in->author ? in->author : "");
    out->triage.body_case = XY__EVENT__BODY_TRIAGE_RECORDED;
    out->triage.triage_recorded = b;

    out->has_flag = out->outcome.red_flag;
    if (out->has_flag) {
        Xy__RedFlagRaised *f = &out->flag_body;
        xy__red_flag_raised__init(f);
        f->flag_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->flag_id};
        f->person_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->person_id};
        f->triage_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->triage_id};
        f->reason = out->outcome.reason_en;
        f->reason_zh = out->outcome.reason_zh;
        xy__event__init(&out->flag);
        out->flag.incident_id = out->triage.incident_id;
        out->flag.exercise = in->exercise;
        out->flag.author = out->triage.author;
        out->flag.body_case = XY__EVENT__BODY_RED_FLAG_RAISED;
        out->flag.red_flag_raised = f;
    }
    return 0;
}
