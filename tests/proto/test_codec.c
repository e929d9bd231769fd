/* Tests of the codec (proto/codec.h): packing and unpacking Events and
 * Frames, the validation protobuf cannot do (identifier lengths, required
 * envelope fields, unknown body types, protocol version), size limits, the
 * decoder's bounded arena, zstd batch compression, and the decoder's
 * robustness against random, truncated and bit-flipped input. */
#include "proto/codec.h"
#include "common/xy_error.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------- helpers */

/* splitmix64: a small seeded generator, so every run sees the same inputs. */
static uint64_t s_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t s_below(uint64_t *state, size_t n)
{
    return (size_t)(s_rand(state) % n);
}

/* Identifiers used by the builders (16 bytes each). */
static uint8_t s_origin[XY_ID_LEN], s_person[XY_ID_LEN], s_other[XY_ID_LEN];

static void s_ids(void)
{
    xy_test_id(s_origin, 1);
    xy_test_id(s_person, 2);
    xy_test_id(s_other, 3);
}

static ProtobufCBinaryData s_id(uint8_t *id)
{
    return (ProtobufCBinaryData){XY_ID_LEN, id};
}

/* Fills the envelope of ev: origin 1, seq, an hlc, an incident. */
static void s_envelope(Xy__Event *ev, uint64_t seq)
{
    xy__event__init(ev);
    ev->origin = s_id(s_origin);
    ev->seq = seq;
    ev->hlc = 0x18bcfe56800ull << 16 | 3;
    ev->incident_id = s_id(s_other);
    ev->exercise = true;
    ev->author = "worker-07";
}

/* Packs an envelope with no body (which xy_event_pack refuses) followed by
 * extra raw bytes; the caller frees *out. */
static void s_pack_bare(uint64_t seq, const uint8_t *extra, size_t elen,
                        uint8_t **out, size_t *len)
{
    Xy__Event ev;
    s_envelope(&ev, seq);
    size_t n = protobuf_c_message_get_packed_size(&ev.base);
    uint8_t *buf = malloc(n + elen);
    cr_assert_eq(protobuf_c_message_pack(&ev.base, buf), n);
    if (elen)
        memcpy(buf + n, extra, elen);
    *out = buf;
    *len = n + elen;
}

/* Packed events of several body types, the seeds the fuzzer mutates. */
enum { S_SEEDS = 5 };

static void s_seed_person(uint8_t **out, size_t *len)
{
    Xy__Event ev;
    Xy__PersonRegistered pr = XY__PERSON_REGISTERED__INIT;
    Xy__Sealed sealed = XY__SEALED__INIT;
    Xy__Place place = XY__PLACE__INIT;
    Xy__Point pos = XY__POINT__INIT;
    static uint8_t nonce[24], cipher[96];
    memset(nonce, 0x11, sizeof nonce);
    memset(cipher, 0x22, sizeof cipher);
    s_envelope(&ev, 1);
    sealed.key_id = s_id(s_other);
    sealed.nonce = (ProtobufCBinaryData){sizeof nonce, nonce};
    sealed.ciphertext = (ProtobufCBinaryData){sizeof cipher, cipher};
    pos.lat = 31.0;
    pos.lon = 103.4;
    place.zone_id = s_id(s_other);
    place.site = "Yingxiu middle school shelter";
    place.position = &pos;
    pr.person_id = s_id(s_person);
    pr.personal = &sealed;
    pr.age_band = 45;
    pr.sex = XY__SEX__SEX_FEMALE;
    pr.language = "zh";
    pr.vulnerability = XY__VULNERABILITY__VULN_BEREAVED;
    pr.place = &place;
    ev.body_case = XY__EVENT__BODY_PERSON_REGISTERED;
    ev.person_registered = &pr;
    cr_assert_eq(xy_event_pack(&ev, out, len), 0);
}

static void s_seed_triage(uint8_t **out, size_t *len)
{
    Xy__Event ev;
    Xy__TriageRecorded tr = XY__TRIAGE_RECORDED__INIT;
    Xy__InstrumentResult phq = XY__INSTRUMENT_RESULT__INIT;
    Xy__InstrumentResult gad = XY__INSTRUMENT_RESULT__INIT;
    Xy__InstrumentResult *inst[] = {&phq, &gad};
    static uint8_t a9[9] = {3, 2, 2, 1, 3, 2, 1, 0, 1};
    static uint8_t a7[7] = {2, 2, 3, 1, 1, 2, 0};
    s_envelope(&ev, 2);
    phq.instrument = "PHQ-9";
    phq.answers = (ProtobufCBinaryData){sizeof a9, a9};
    phq.score = 15;
    phq.band = "moderately severe";
    phq.positive = true;
    gad.instrument = "GAD-7";
    gad.answers = (ProtobufCBinaryData){sizeof a7, a7};
    gad.score = 11;
    gad.band = "moderate";
    tr.triage_id = s_id(s_other);
    tr.person_id = s_id(s_person);
    tr.rules_version = "psystart-2024.1";
    tr.level = XY__TRIAGE_LEVEL__TRIAGE_HIGH_RISK;
    tr.n_instruments = 2;
    tr.instruments = inst;
    tr.risk_factors = 0x15;
    ev.body_case = XY__EVENT__BODY_TRIAGE_RECORDED;
    ev.triage_recorded = &tr;
    cr_assert_eq(xy_event_pack(&ev, out, len), 0);
}

static void s_seed_assessment(uint8_t **out, size_t *len)
{
    Xy__Event ev;
    Xy__AssessmentPublished ap = XY__ASSESSMENT_PUBLISHED__INIT;
    Xy__ZoneNeed z1 = XY__ZONE_NEED__INIT, z2 = XY__ZONE_NEED__INIT;
    Xy__ZoneNeed *zones[] = {&z1, &z2};
    static uint64_t tiers[5] = {120, 900, 4000, 15000, 60000};
    s_envelope(&ev, 3);
    z1.zone_id = s_id(s_person);
    z1.name = "Wenchuan";
    z1.county_code = "513221";
    z1.intensity = 11;
    z1.population = 80000;
    z1.n_tier_counts = 5;
    z1.tier_counts = tiers;
    z1.workers_needed = 120;
    z1.priority = 0.93;
    z2.zone_id = s_id(s_other);
    z2.name = "Beichuan";
    z2.n_tier_counts = 3;
    z2.tier_counts = tiers;
    ap.assessment_id = s_id(s_other);
    ap.revision = 2;
    ap.n_zones = 2;
    ap.zones = zones;
    ap.proposed_level = XY__RESPONSE_LEVEL__LEVEL_I;
    ap.parameters_version = "rates-2024";
    ap.population_total = 95000;
    ev.body_case = XY__EVENT__BODY_ASSESSMENT_PUBLISHED;
    ev.assessment_published = &ap;
    cr_assert_eq(xy_event_pack(&ev, out, len), 0);
}

static void s_seed_team(uint8_t **out, size_t *len)
{
    Xy__Event ev;
    Xy__TeamRegistered tm = XY__TEAM_REGISTERED__INIT;
    Xy__Member m = XY__MEMBER__INIT;
    Xy__Member *members[] = {&m};
    Xy__Point home = XY__POINT__INIT;
    char *langs[] = {"zh", "sichuanese"};
    s_envelope(&ev, 4);
    m.member_id = s_id(s_person);
    m.name = "Li Wei";
    m.role = XY__ROLE__ROLE_PSYCHIATRIST;
    m.n_languages = 2;
    m.languages = langs;
    home.lat = 30.66;
    home.lon = 104.06;
    tm.team_id = s_id(s_other);
    tm.name = "Sichuan provincial team 1";
    tm.level = XY__TEAM_LEVEL__TEAM_PROVINCE;
    tm.home = &home;
    tm.n_members = 1;
    tm.members = members;
    tm.max_deployed_days = 14;
    tm.min_rest_days = 7;
    ev.body_case = XY__EVENT__BODY_TEAM_REGISTERED;
    ev.team_registered = &tm;
    cr_assert_eq(xy_event_pack(&ev, out, len), 0);
}

static void s_seed_service(uint8_t **out, size_t *len)
{
    Xy__Event ev;
    Xy__ServiceRegistered sv = XY__SERVICE_REGISTERED__INIT;
    ProtobufCBinaryData zones[] = {s_id(s_person), s_id(s_other)};
    char *counties[] = {"513221", "510727"};
    s_envelope(&ev, 5);
    ev.incident_id = (ProtobufCBinaryData){0, NULL};
    sv.service_id = s_id(s_person);
    sv.kind = XY__SERVICE_KIND__SERVICE_COMMUNITY_HEALTH;
    sv.name = "Dujiangyan community health center";
    sv.capacity = 40;
    sv.n_zone_ids = 2;
    sv.zone_ids = zones;
    sv.n_county_codes = 2;
    sv.county_codes = counties;
    sv.contact = "028-8720xxxx";
    ev.body_case = XY__EVENT__BODY_SERVICE_REGISTERED;
    ev.service_registered = &sv;
    cr_assert_eq(xy_event_pack(&ev, out, len), 0);
}

static void s_seed(int which, uint8_t **out, size_t *len)
{
    switch (which) {
    case 0:
        s_seed_person(out, len);
        break;
    case 1:
        s_seed_triage(out, len);
        break;
    case 2:
        s_seed_assessment(out, len);
        break;
    case 3:
        s_seed_team(out, len);
        break;
    default:
        s_seed_service(out, len);
        break;
    }
}

/* A packed Frame of the given message case with version 1. */
static void s_frame_batch(const uint8_t *events, size_t elen, uint8_t **out,
                          size_t *len)
{
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Batch b = XY__BATCH__INIT;
    f.version = 1;
    b.after = 9;
    b.last = 12;
    b.compression = 0;
    b.events = (ProtobufCBinaryData){elen, (uint8_t *)events};
    b.raw_size = elen;
    b.count = 3;
    f.msg_case = XY__FRAME__MSG_BATCH;
    f.batch = &b;
    cr_assert_eq(xy_frame_pack(&f, out, len), 0);
}

static void s_frame_hello(uint32_t version, uint8_t **out, size_t *len)
{
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Hello h = XY__HELLO__INIT;
    Xy__Scope sc = XY__SCOPE__INIT;
    ProtobufCBinaryData inc[] = {s_id(s_other)};
    f.version = version;
    sc.n_incident_ids = 1;
    sc.incident_ids = inc;
    h.node_id = s_id(s_origin);
    h.cursor = 77;
    h.scope = &sc;
    h.credit = 8;
    h.software = "xinyuan-agent/0.1.0";
    f.msg_case = XY__FRAME__MSG_HELLO;
    f.hello = &h;
    cr_assert_eq(xy_frame_pack(&f, out, len), 0);
}

TestSuite(codec, .init = s_ids);

/* ---------------------------------------------------------------- tests */

Test(codec, usage_pack_an_event_with_a_body_and_unpack_it)
{
    Xy__Event ev;
    Xy__RedFlagRaised rf = XY__RED_FLAG_RAISED__INIT;
    s_envelope(&ev, 42);
    rf.flag_id = s_id(s_other);
    rf.person_id = s_id(s_person);
    rf.reason = "expressed intent to self-harm";
    ev.body_case = XY__EVENT__BODY_RED_FLAG_RAISED;
    ev.red_flag_raised = &rf;

    uint8_t *buf = NULL;
    size_t len = 0;
    cr_assert_eq(xy_event_pack(&ev, &buf, &len), 0);
    cr_assert_gt(len, 0);

    xy_decoded_t *d = NULL;
    cr_assert_eq(xy_event_unpack(buf, len, &d), 0);
    const Xy__Event *got = xy_decoded_event(d);
    cr_assert_eq(got->origin.len, XY_ID_LEN);
    cr_assert_eq(memcmp(got->origin.data, s_origin, XY_ID_LEN), 0);
    cr_assert_eq(got->seq, 42);
    cr_assert_eq(got->hlc, ev.hlc);
    cr_assert_eq(memcmp(got->incident_id.data, s_other, XY_ID_LEN), 0);
    cr_assert(got->exercise);
    cr_assert_str_eq(got->author, "worker-07");
    cr_assert_eq(got->body_case, XY__EVENT__BODY_RED_FLAG_RAISED);
    cr_assert_eq(
        memcmp(got->red_flag_raised->person_id.data, s_person, XY_ID_LEN), 0);
    cr_assert_str_eq(got->red_flag_raised->reason,
                     "expressed intent to self-harm");
    cr_assert_str_eq(xy_event_type_name(got->body_case), "red_flag_raised");
    xy_decoded_destroy(&d);
    cr_assert_null(d);
    xy_decoded_destroy(&d); /* safe twice */
    free(buf);
}

Test(codec, every_seed_event_round_trips_to_the_same_bytes)
{
    for (int i = 0; i < S_SEEDS; i++) {
        uint8_t *buf, *again;
        size_t len, alen;
        s_seed(i, &buf, &len);
        xy_decoded_t *d = NULL;
        cr_assert_eq(xy_event_unpack(buf, len, &d), 0, "seed %d", i);
        cr_assert_eq(xy_event_pack(xy_decoded_event(d), &again, &alen), 0);
        cr_assert_eq(alen, len, "seed %d", i);
        cr_assert_eq(memcmp(again, buf, len), 0, "seed %d", i);
        free(again);
        xy_decoded_destroy(&d);
        free(buf);
    }
}

Test(codec, unknown_body_type_is_refused_as_unknown)
{
    /* Field 99, length-delimited (tag 99 << 3 | 2 = 794 = 0x9a 0x06), three
     * bytes long: a body from a newer schema. */
    static const uint8_t body99[] = {0x9a, 0x06, 0x03, 0x0a, 0x01, 0x41};
    uint8_t *buf;
    size_t len;
    s_pack_bare(9, body99, sizeof body99, &buf, &len);
    xy_decoded_t *d = (xy_decoded_t *)&d; /* must be reset to NULL */
    cr_assert_eq(xy_event_unpack(buf, len, &d), XY_EUNKNOWNTYPE);
    cr_assert_null(d);
    free(buf);

    /* An unknown field below the body range is envelope growth, not a type:
     * without a body the event is then merely incomplete. */
    static const uint8_t field9[] = {0x48, 0x01}; /* field 9, varint 1 */
    s_pack_bare(9, field9, sizeof field9, &buf, &len);
    cr_assert_eq(xy_event_unpack(buf, len, &d), XY_EMISSING);
    free(buf);
}

Test(codec, event_without_body_is_refused_as_missing)
{
    uint8_t *buf;
    size_t len;
    s_pack_bare(9, NULL, 0, &buf, &len);
    xy_decoded_t *d = NULL;
    cr_assert_eq(xy_event_unpack(buf, len, &d), XY_EMISSING);
    cr_assert_null(d);
    free(buf);

    Xy__Event ev;
    s_envelope(&ev, 1);
    uint8_t *out = (uint8_t *)&out;
    size_t olen = 7;
    cr_assert_eq(xy_event_pack(&ev, &out, &olen), XY_EMISSING);
    cr_assert_null(out);
    cr_assert_eq(olen, 0);
}

Test(codec, event_without_origin_or_seq_is_refused_as_missing)
{
    Xy__Event ev;
    Xy__CaseClosed cc = XY__CASE_CLOSED__INIT;
    cc.person_id = s_id(s_person);
    cc.reason = "handed off";
    uint8_t *buf;
    size_t len;
    xy_decoded_t *d = NULL;

    s_envelope(&ev, 0); /* seq 0: never given */
    ev.body_case = XY__EVENT__BODY_CASE_CLOSED;
    ev.case_closed = &cc;
    cr_assert_eq(xy_event_pack(&ev, &buf, &len), 0);
    cr_assert_eq(xy_event_unpack(buf, len, &d), XY_EMISSING);
    free(buf);

    ev.seq = 1;
    ev.origin = (ProtobufCBinaryData){0, NULL};
    cr_assert_eq(xy_event_pack(&ev, &buf, &len), 0);
    cr_assert_eq(xy_event_unpack(buf, len, &d), XY_EMISSING);
    free(buf);
    cr_assert_null(d);
}

Test(codec, identifier_of_wrong_length_is_malformed)
{
    Xy__Event ev;
    Xy__CaseClosed cc = XY__CASE_CLOSED__INIT;
    uint8_t five[5] = {1, 2, 3, 4, 5};
    uint8_t *buf;
    size_t len;
    xy_decoded_t *d = NULL;
    s_envelope(&ev, 1);
    ev.body_case = XY__EVENT__BODY_CASE_CLOSED;
    ev.case_closed = &cc;

    cc.person_id = (ProtobufCBinaryData){sizeof five, five};
    cr_assert_eq(xy_event_pack(&ev, &buf, &len), 0);
    cr_assert_eq(xy_event_unpack(buf, len, &d), XY_EMALFORMED);
    free(buf);

    cc.person_id = s_id(s_person);
    ev.origin = (ProtobufCBinaryData){sizeof five, five};
    cr_assert_eq(xy_event_pack(&ev, &buf, &len), 0);
    cr_assert_eq(xy_event_unpack(buf, len, &d), XY_EMALFORMED);
    free(buf);

    /* Nested: a repeated id inside a sub-message. */
    ev.origin = s_id(s_origin);
    Xy__ServiceRegistered sv = XY__SERVICE_REGISTERED__INIT;
    ProtobufCBinaryData zones[] = {s_id(s_person), {sizeof five, five}};
    sv.service_id = s_id(s_other);
    sv.n_zone_ids = 2;
    sv.zone_ids = zones;
    ev.body_case = XY__EVENT__BODY_SERVICE_REGISTERED;
    ev.service_registered = &sv;
    cr_assert_eq(xy_event_pack(&ev, &buf, &len), 0);
    cr_assert_eq(xy_event_unpack(buf, len, &d), XY_EMALFORMED);
    free(buf);
    cr_assert_null(d);
}

Test(codec, oversized_input_is_refused_before_decoding)
{
    size_t big = XY_EVENT_MAX_BYTES + 1;
    uint8_t *buf = calloc(1, XY_FRAME_MAX_BYTES + 1);
    xy_decoded_t *d = NULL;
    cr_assert_eq(xy_event_unpack(buf, big, &d), XY_ETOOBIG);
    cr_assert_eq(xy_frame_unpack(buf, XY_FRAME_MAX_BYTES + 1, &d), XY_ETOOBIG);
    cr_assert_null(d);
    free(buf);

    /* And an event that would pack over the limit is not packed. */
    Xy__Event ev;
    Xy__CaseClosed cc = XY__CASE_CLOSED__INIT;
    char *reason = malloc(big + 1);
    memset(reason, 'r', big);
    reason[big] = '\0';
    cc.person_id = s_id(s_person);
    cc.reason = reason;
    s_envelope(&ev, 1);
    ev.body_case = XY__EVENT__BODY_CASE_CLOSED;
    ev.case_closed = &cc;
    uint8_t *out;
    size_t olen;
    cr_assert_eq(xy_event_pack(&ev, &out, &olen), XY_ETOOBIG);
    cr_assert_null(out);
    free(reason);
}

Test(codec, decoding_beyond_the_arena_budget_is_refused)
{
    /* 20,000 empty ZoneNeed entries: 2 bytes each on the wire, far more in
     * memory, so the arena runs out of budget and the event is refused. */
    enum { N = 20000 };
    Xy__Event ev;
    Xy__AssessmentPublished ap = XY__ASSESSMENT_PUBLISHED__INIT;
    Xy__ZoneNeed *zones = calloc(N, sizeof *zones);
    Xy__ZoneNeed **ptrs = calloc(N, sizeof *ptrs);
    for (size_t i = 0; i < N; i++) {
        xy__zone_need__init(&zones[i]);
        ptrs[i] = &zones[i];
    }
    ap.n_zones = N;
    ap.zones = ptrs;
    s_envelope(&ev, 1);
    ev.body_case = XY__EVENT__BODY_ASSESSMENT_PUBLISHED;
    ev.assessment_published = &ap;
    uint8_t *buf;
    size_t len;
    cr_assert_eq(xy_event_pack(&ev, &buf, &len), 0);
    cr_assert_lt(len, XY_EVENT_MAX_BYTES);
    xy_decoded_t *d = NULL;
    cr_assert_eq(xy_event_unpack(buf, len, &d), XY_EMALFORMED);
    cr_assert_null(d);
    free(buf);

    /* A few hundred fit comfortably. */
    ap.n_zones = 300;
    cr_assert_eq(xy_event_pack(&ev, &buf, &len), 0);
    cr_assert_eq(xy_event_unpack(buf, len, &d), 0);
    cr_assert_eq(xy_decoded_event(d)->assessment_published->n_zones, 300);
    xy_decoded_destroy(&d);
    free(buf);
    free(ptrs);
    free(zones);
}

Test(codec, frame_round_trips_and_other_versions_are_refused)
{
    uint8_t *buf;
    size_t len;
    xy_decoded_t *d = NULL;
    s_frame_hello(1, &buf, &len);
    cr_assert_eq(xy_frame_unpack(buf, len, &d), 0);
    const Xy__Frame *f = xy_decoded_frame(d);
    cr_assert_eq(f->version, 1);
    cr_assert_eq(f->msg_case, XY__FRAME__MSG_HELLO);
    cr_assert_eq(f->hello->cursor, 77);
    cr_assert_str_eq(f->hello->software, "xinyuan-agent/0.1.0");
    cr_assert_eq(f->hello->scope->n_incident_ids, 1);
    xy_decoded_destroy(&d);
    free(buf);

    uint32_t versions[] = {0, 2, 0xffffffffu};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        s_frame_hello(versions[i], &buf, &len);
        cr_assert_eq(xy_frame_unpack(buf, len, &d), XY_EVERSION, "version %u",
                     versions[i]);
        cr_assert_null(d);
        free(buf);
    }
}

Test(codec, frame_with_unknown_or_no_message_is_refused)
{
    /* version 1 (0x08 0x01), then field 40 length-delimited, empty:
     * tag 40 << 3 | 2 = 322 = 0xc2 0x02. */
    static const uint8_t unknown[] = {0x08, 0x01, 0xc2, 0x02, 0x00};
    static const uint8_t bare[] = {0x08, 0x01};
    xy_decoded_t *d = NULL;
    cr_assert_eq(xy_frame_unpack(unknown, sizeof unknown, &d), XY_EUNKNOWNTYPE);
    cr_assert_eq(xy_frame_unpack(bare, sizeof bare, &d), XY_EMISSING);
    cr_assert_null(d);
    Xy__Frame f = XY__FRAME__INIT;
    f.version = 1;
    uint8_t *out;
    size_t olen;
    cr_assert_eq(xy_frame_pack(&f, &out, &olen), XY_EMISSING);
}

Test(codec, zstd_round_trip_restores_the_bytes)
{
    /* A batch-like payload: several packed events back to back. */
    uint8_t src[4096];
    size_t n = 0;
    for (int i = 0; n + 300 < sizeof src; i = (i + 1) % S_SEEDS) {
        uint8_t *buf;
        size_t len;
        s_seed(i, &buf, &len);
        memcpy(src + n, buf, len);
        n += len;
        free(buf);
    }
    uint8_t *z, *back;
    size_t zlen, blen;
    cr_assert_eq(xy_compress(src, n, &z, &zlen), 0);
    cr_assert_lt(zlen, n, "repetitive events compress");
    cr_assert_eq(xy_decompress(z, zlen, n, &back, &blen), 0);
    cr_assert_eq(blen, n);
    cr_assert_eq(memcmp(back, src, n), 0);
    free(back);

    /* Empty input round-trips too. */
    uint8_t *ez, *eback;
    size_t ezlen, eblen;
    cr_assert_eq(xy_compress(src, 0, &ez, &ezlen), 0);
    cr_assert_eq(xy_decompress(ez, ezlen, 16, &eback, &eblen), 0);
    cr_assert_eq(eblen, 0);
    free(eback);
    free(ez);
    free(z);
}

Test(codec, corrupt_zstd_frame_is_refused)
{
    uint8_t src[2048];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i * 7 % 13);
    uint8_t *z, *back = (uint8_t *)&back;
    size_t zlen, blen = 9;
    cr_assert_eq(xy_compress(src, sizeof src, &z, &zlen), 0);

    uint8_t *bad = malloc(zlen);
    memcpy(bad, z, zlen);
    bad[0] ^= 0xff; /* magic number */
    cr_assert_eq(xy_decompress(bad, zlen, sizeof src, &back, &blen),
                 XY_EDECOMPRESS);
    cr_assert_null(back);
    cr_assert_eq(blen, 0);
    /* Truncated: the header still promises the content. */
    cr_assert_eq(xy_decompress(z, zlen - 3, sizeof src, &back, &blen),
                 XY_EDECOMPRESS);
    cr_assert_eq(xy_decompress(z, 3, sizeof src, &back, &blen), XY_EDECOMPRESS);
    static const uint8_t junk[] = "not a zstd frame at all";
    cr_assert_eq(xy_decompress(junk, sizeof junk, sizeof src, &back, &blen),
                 XY_EDECOMPRESS);
    free(bad);
    free(z);
}

Test(codec, zstd_content_larger_than_max_out_is_too_big)
{
    uint8_t src[1000];
    memset(src, 'a', sizeof src);
    uint8_t *z, *back = NULL;
    size_t zlen, blen;
    cr_assert_eq(xy_compress(src, sizeof src, &z, &zlen), 0);
    cr_assert_eq(xy_decompress(z, zlen, sizeof src - 1, &back, &blen),
                 XY_ETOOBIG);
    cr_assert_null(back);
    cr_assert_eq(xy_decompress(z, zlen, sizeof src, &back, &blen), 0);
    cr_assert_eq(blen, sizeof src);
    free(back);
    free(z);
}

/* ------------------------------------------------------------- fuzzing */

/* Tallies of the robustness run. */
typedef struct s_tally {
    size_t accepted;   /* inputs decoded */
    size_t refused;    /* inputs refused with a documented code */
    size_t by_code[8]; /* refusals by code, in s_codes order */
} s_tally_t;

static const int s_codes[] = {XY_ETOOBIG, XY_EMALFORMED, XY_EMISSING,
                              XY_EUNKNOWNTYPE, XY_EVERSION};

/* Records rc; fails the test on any code the contract does not name. An
 * accepted message must also survive a re-pack and unpack. */
static void s_note(s_tally_t *t, int rc, xy_decoded_t *d, bool frame,
                   size_t case_no)
{
    if (rc == 0) {
        cr_assert_not_null(d);
        uint8_t *again;
        size_t alen;
        if (frame) {
            const Xy__Frame *f = xy_decoded_frame(d);
            cr_assert_eq(f->version, 1);
            cr_assert_neq(f->msg_case, XY__FRAME__MSG__NOT_SET);
            cr_assert_eq(xy_frame_pack(f, &again, &alen), 0);
        } else {
            const Xy__Event *ev = xy_decoded_event(d);
            cr_assert_eq(ev->origin.len, XY_ID_LEN);
            cr_assert_neq(ev->seq, 0);
            cr_assert_neq(ev->body_case, XY__EVENT__BODY__NOT_SET);
            cr_assert_eq(xy_event_pack(ev, &again, &alen), 0);
        }
        xy_decoded_t *d2 = NULL;
        int rc2 = frame ? xy_frame_unpack(again, alen, &d2)
                        : xy_event_unpack(again, alen, &d2);
        cr_assert_eq(rc2, 0, "case %zu: re-packed message refused: %s", case_no,
                     xy_errname(rc2));
        xy_decoded_destroy(&d2);
        free(again);
        xy_decoded_destroy(&d);
        t->accepted++;
        return;
    }
    cr_assert_null(d, "case %zu: output set on error", case_no);
    for (size_t i = 0; i < sizeof s_codes / sizeof s_codes[0]; i++) {
        if (rc == s_codes[i] && (frame || rc != XY_EVERSION)) {
            t->by_code[i]++;
            t->refused++;
            return;
        }
    }
    cr_assert_fail("case %zu: undocumented result %d (%s)", case_no, rc,
                   xy_errname(rc));
}

/* Appends a varint to buf at *n. */
static void s_varint(uint8_t *buf, size_t *n, uint64_t x)
{
    while (x >= 0x80) {
        buf[(*n)++] = (uint8_t)(x | 0x80);
        x >>= 7;
    }
    buf[(*n)++] = (uint8_t)x;
}

/* Builds one mutated input from a seed into out (cap bytes); returns its
 * length. */
static size_t s_mutate(uint64_t *rng, const uint8_t *seed, size_t slen,
                       uint8_t *out, size_t cap)
{
    size_t n = slen;
    memcpy(out, seed, slen);
    switch (s_below(rng, 6)) {
    case 0: { /* one bit flip */
        size_t i = s_below(rng, n);
        out[i] ^= (uint8_t)(1u << s_below(rng, 8));
        break;
    }
    case 1: { /* several bit flips */
        size_t k = 2 + s_below(rng, 8);
        for (size_t j = 0; j < k; j++)
            out[s_below(rng, n)] ^= (uint8_t)(1u << s_below(rng, 8));
        break;
    }
    case 2: /* random truncation, then maybe a flip */
        n = s_below(rng, slen + 1);
        if (n && s_below(rng, 2))
            out[s_below(rng, n)] ^= (uint8_t)(1u << s_below(rng, 8));
        break;
    case 3: { /* random bytes overwrite a random span */
        size_t at = s_below(rng, n);
        size_t k = 1 + s_below(rng, 16);
        for (size_t j = 0; j < k && at + j < n; j++)
            out[at + j] = (uint8_t)s_rand(rng);
        break;
    }
    case 4: { /* a field with a huge or lying length appended or inserted */
        uint8_t tail[24];
        size_t t = 0;
        uint32_t field = 1 + (uint32_t)s_below(rng, 60);
        s_varint(tail, &t, (uint64_t)field << 3 | 2);
        uint64_t lens[] = {0xffffffffffffffffull, 0x7fffffffull,
                           XY_EVENT_MAX_BYTES, 1u << 20, 5};
        s_varint(tail, &t, lens[s_below(rng, 5)]);
        size_t at = s_below(rng, n + 1);
        if (n + t <= cap) {
            memmove(out + at + t, out + at, n - at);
            memcpy(out + at, tail, t);
            n += t;
        }
        break;
    }
    default: /* entirely random bytes of random length */
        n = s_below(rng, cap < 600 ? cap : 600);
        for (size_t j = 0; j < n; j++)
            out[j] = (uint8_t)s_rand(rng);
        break;
    }
    return n;
}

Test(codec, decoder_survives_random_truncated_and_flipped_input, .timeout = 120)
{
    enum { N_CASES = 100000, CAP = 4096 };
    uint64_t rng = 0x5eed2008c0dec0deull;
    uint8_t *seeds[S_SEEDS + 2];
    size_t slen[S_SEEDS + 2];
    for (int i = 0; i < S_SEEDS; i++)
        s_seed(i, &seeds[i], &slen[i]);
    /* Two frames: a Hello, and a Batch carrying the first three seeds. */
    s_frame_hello(1, &seeds[S_SEEDS], &slen[S_SEEDS]);
    uint8_t batch[1024];
    size_t blen = 0;
    for (int i = 0; i < 3; i++) {
        s_varint(batch, &blen, slen[i]);
        memcpy(batch + blen, seeds[i], slen[i]);
        blen += slen[i];
    }
    s_frame_batch(batch, blen, &seeds[S_SEEDS + 1], &slen[S_SEEDS + 1]);

    s_tally_t ev_t = {0}, fr_t = {0};
    uint8_t *in = malloc(CAP);
    size_t cases = 0;
    time_t start = time(NULL);

    /* Truncation at every length of every seed, through both decoders. */
    for (int s = 0; s < S_SEEDS + 2; s++) {
        for (size_t n = 0; n <= slen[s]; n++, cases++) {
            xy_decoded_t *d = NULL;
            int rc = xy_event_unpack(seeds[s], n, &d);
            s_note(&ev_t, rc, d, false, cases);
            d = NULL;
            rc = xy_frame_unpack(seeds[s], n, &d);
            s_note(&fr_t, rc, d, true, cases);
        }
    }
    /* Random mutations until N_CASES inputs, bounded in time as well. */
    while (cases < N_CASES && time(NULL) - start < 100) {
        size_t s = s_below(&rng, S_SEEDS + 2);
        size_t n = s_mutate(&rng, seeds[s], slen[s], in, CAP);
        /* A fresh heap copy of exactly n bytes, so ASan sees any read past
         * the end. */
        uint8_t *exact = malloc(n ? n : 1);
        memcpy(exact, in, n);
        xy_decoded_t *d = NULL;
        int rc = xy_event_unpack(exact, n, &d);
        s_note(&ev_t, rc, d, false, cases);
        d = NULL;
        rc = xy_frame_unpack(exact, n, &d);
        s_note(&fr_t, rc, d, true, cases);
        free(exact);
        cases++;
    }
    cr_log_info("%zu inputs; events: %zu accepted, %zu refused "
                "(toobig %zu malformed %zu missing %zu unknown %zu); "
                "frames: %zu accepted, %zu refused (version %zu)",
                cases, ev_t.accepted, ev_t.refused, ev_t.by_code[0],
                ev_t.by_code[1], ev_t.by_code[2], ev_t.by_code[3],
                fr_t.accepted, fr_t.refused, fr_t.by_code[4]);
    cr_assert_eq(cases, N_CASES, "ran out of time after %zu inputs", cases);
    cr_assert_gt(ev_t.accepted, 0);
    cr_assert_gt(ev_t.refused, 0);
    cr_assert_gt(fr_t.accepted, 0);
    cr_assert_gt(fr_t.refused, 0);
    cr_assert_gt(ev_t.by_code[1], 0, "some inputs were malformed");
    cr_assert_gt(ev_t.by_code[2] + ev_t.by_code[3], 0,
                 "some inputs lost or changed their body");
    free(in);
    for (int i = 0; i < S_SEEDS + 2; i++)
        free(seeds[i]);
}
