/* Part 1 of bench_sync: wire bytes per triage record in one 1,000-record
 * batch. Two real sync engines (core/sync.h) exchange frames over an
 * in-memory link, as tests/core/test_sync.c runs them; every frame is
 * counted by type. Baselines, built in the same run from the same records:
 * their protobuf size, one JSON POST over HTTP/1.1 per record, and one
 * OpenRosa-style multipart/form-data POST of the record as XML per record. */
#include "bench/sync/bench_sync.h"
#include "common/xy_error.h"
#include "core/sync.h"
#include "proto/codec.h"
#include "tests/sync/sync_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define S_N 1000
#define S_QMAX 64

/* ZeroMQ per-message overhead on a CURVE connection (ZMTP 3.1, libzmq 4.3):
 * each message travels as a MESSAGE command: the ZMTP frame header (2 bytes
 * when the command body is at most 255 bytes, 9 otherwise), "\x07MESSAGE"
 * (8), the short nonce (8), the box's MAC (16) and the encrypted flags byte
 * (1): 33 bytes plus the header. TCP/IP headers are not counted, for any
 * protocol here. */
#define S_CURVE_BODY 33u
static size_t s_zmq_overhead(size_t len)
{
    return S_CURVE_BODY + (len + S_CURVE_BODY > 255 ? 9u : 2u);
}

typedef struct s_frame {
    uint8_t *data;
    size_t len;
} s_frame_t;

/* One direction of the in-memory link, with what went through it. */
typedef struct s_dir {
    s_frame_t q[S_QMAX];
    size_t head, tail;
    size_t batch_frames, batch_bytes, batch_events, batch_zmq;
    size_t other_frames, other_bytes, other_zmq;
} s_dir_t;

static int s_send(void *arg, const uint8_t *frame, size_t len)
{
    s_dir_t *d = arg;
    if (d->tail - d->head == S_QMAX)
        return XY_ENET;
    xy_decoded_t *dec = NULL;
    if (xy_frame_unpack(frame, len, &dec) == 0) {
        const Xy__Frame *f = xy_decoded_frame(dec);
        if (f->msg_case == XY__FRAME__MSG_BATCH) {
            d->batch_frames++;
            d->batch_bytes += len;
            d->batch_events += f->batch->count;
            d->batch_zmq += s_zmq_overhead(len);
        } else {
            d->other_frames++;
            d->other_bytes += len;
            d->other_zmq += s_zmq_overhead(len);
        }
        xy_decoded_destroy(&dec);
    }
    s_frame_t *f = &d->q[d->tail++ % S_QMAX];
    f->data = malloc(len);
    memcpy(f->data, frame, len);
    f->len = len;
    return 0;
}

/* Delivers everything queued on d to p; true when something was. */
static bool s_deliver(s_dir_t *d, sync_peer_t *p, uint64_t now)
{
    bool any = d->head < d->tail;
    while (d->head < d->tail) {
        s_frame_t f = d->q[d->head++ % S_QMAX];
        sync_peer_receive(p, f.data, f.len, now);
        free(f.data);
        sync_peer_pump(p, now);
    }
    return any;
}

static event_log_t *s_log(const char *name, const uint8_t *id)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", bs_root, name);
    mkdir(path, 0700);
    event_log_opts_t o = {.no_sync = true};
    event_log_t *log = NULL;
    int rc = event_log_open(&log, path, id, &o);
    if (rc)
        bs_die("cannot open %s: %s", path, xy_strerror(rc));
    return log;
}

typedef struct s_exchange {
    s_dir_t up, down;  /* agent -> coordinator, and back */
    uint64_t pb_bytes; /* packed events stored at the agent */
    uint64_t stored;   /* events the coordinator stored */
} s_exchange_t;

static int s_sum_len(const event_ref_t *ev, void *arg)
{
    *(uint64_t *)arg += ev->len;
    return 0;
}

/* Writes the records at an agent and lets its engine send them to a
 * coordinator's engine until the link is quiet. The agent's window is set
 * large enough for the whole backlog to go in one batch. */
static void s_exchange(s_exchange_t *x, xs_event_t *e, const char *tag)
{
    uint8_t aid[XY_ID_LEN] = {0xa1, 0x01}, cid[XY_ID_LEN] = {0xc0, 0x01};
    char an[64], cn[64];
    snprintf(an, sizeof an, "%s-agent", tag);
    snprintf(cn, sizeof cn, "%s-coordinator", tag);
    event_log_t *alog = s_log(an, aid), *clog = s_log(cn, cid);
    event_write_t *w = calloc(S_N, sizeof *w);
    for (int i = 0; i < S_N; i++)
        w[i] = (event_write_t){.kind = EVENT_WRITE_OWN, .own = &e[i].ev};
    int rc = event_log_write(alog, w, S_N, NULL);
    if (rc)
        bs_die("writing records: %s", xy_strerror(rc));
    free(w);
    memset(x, 0, sizeof *x);
    event_log_changes(alog, 0, 0, NULL, NULL, s_sum_len, &x->pb_bytes, NULL);
    sync_io_t aio = {.send = s_send, .arg = &x->up};
    sync_io_t cio = {.send = s_send, .arg = &x->down};
    sync_opts_t ao = {.role = SYNC_AGENT,
                      .peer_name = "coordinator",
                      .window_min = 4u << 20,
                      .window_max = 4u << 20};
    ao.scope.everything = true;
    sync_opts_t co = {
        .role = SYNC_COORDINATOR, .peer_name = "agent", .peer_node_id = aid};
    sync_peer_t *a = NULL, *c = NULL;
    if (sync_peer_new(&a, alog, &ao, &aio) ||
        sync_peer_new(&c, clog, &co, &cio))
        bs_die("cannot make sync peers");
    uint64_t now = 1000;
    sync_peer_start(a, now);
    for (int round = 0; round < 100; round++) {
        now += 5;
        bool any = s_deliver(&x->up, c, now);
        any = s_deliver(&x->down, a, now) || any;
        if (!any)
            break;
    }
    x->stored = sync_peer_stats(c)->events_stored;
    sync_peer_destroy(&a);
    sync_peer_destroy(&c);
    event_log_destroy(&alog);
    event_log_destroy(&clog);
}

static void s_make(xs_event_t *e, uint64_t seed)
{
    uint8_t inc[XY_ID_LEN] = {0x17, 0x09};
    uint64_t rng = seed;
    for (int i = 0; i < S_N; i++)
        xs_event_make(&e[i], XS_TRIAGE, &rng, inc);
}

double bs_wire_per_record(void)
{
    xs_event_t *e = calloc(S_N, sizeof *e);
    s_make(e, 7);
    s_exchange_t x;
    s_exchange(&x, e, "size");
    free(e);
    return (double)(x.up.batch_bytes + x.up.batch_zmq) / S_N;
}

static void s_uuid(char *out, const ProtobufCBinaryData *id)
{
    static const char *hex = "0123456789abcdef";
    size_t k = 0;
    for (size_t i = 0; i < id->len && i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[k++] = '-';
        out[k++] = hex[id->data[i] >> 4];
        out[k++] = hex[id->data[i] & 15];
    }
    out[k] = '\0';
}

static const char *s_level(const Xy__TriageRecorded *t)
{
    return t->level == XY__TRIAGE_LEVEL__TRIAGE_HIGH_RISK ? "high_risk"
                                                          : "low_risk";
}

/* The JSON a REST collector would take for one record. */
static int s_json(char *out, size_t cap, const xs_event_t *e)
{
    const Xy__TriageRecorded *t = e->ev.triage_recorded;
    char tid[40], pid[40], iid[40];
    s_uuid(tid, &t->triage_id);
    s_uuid(pid, &t->person_id);
    s_uuid(iid, &e->ev.incident_id);
    int n = snprintf(out, cap,
                     "{\"triage_id\":\"%s\",\"person_id\":\"%s\","
                     "\"incident_id\":\"%s\",\"rules_version\":\"%s\","
                     "\"level\":\"%s\",\"risk_factors\":%u,"
                     "\"recorded_at\":\"2024-09-17T08:31:12.345+08:00\","
                     "\"author\":\"%s\",\"instruments\":[",
                     tid, pid, iid, t->rules_version, s_level(t),
                     t->risk_factors, e->ev.author);
    for (size_t i = 0; i < t->n_instruments; i++) {
        const Xy__InstrumentResult *r = t->instruments[i];
        n += snprintf(out + n, cap - (size_t)n,
                      "%s{\"instrument\":\"%s\",\"answers\":[", i ? "," : "",
                      r->instrument);
        for (size_t k = 0; k < r->answers.len; k++)
            n += snprintf(out + n, cap - (size_t)n, "%s%u", k ? "," : "",
                          r->answers.data[k]);
        n += snprintf(out + n, cap - (size_t)n,
                      "],\"score\":%u,\"band\":\"%s\",\"positive\":%s}",
                      r->score, r->band, r->positive ? "true" : "false");
    }
    n += snprintf(out + n, cap - (size_t)n, "]}");
    return n;
}

/* One record as JSON over HTTP/1.1 (keep-alive, no TLS): request and
 * response text. */
static size_t s_http_json(const xs_event_t *e)
{
    char json[4096], req[8192], resp[1024];
    int n = s_json(json, sizeof json, e);
    int rq = snprintf(req, sizeof req,
                      "POST /api/v1/triage HTTP/1.1\r\n"
                      "Host: command.example.gov.cn\r\n"
                      "User-Agent: okhttp/4.12.0\r\n"
                      "Accept: application/json\r\n"
                      "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6Ik"
                      "pXVCJ9.eyJzdWIiOiJ3b3JrZXItMDMiLCJleHAiOjE3MjY1NjAw"
                      "MDB9.kXz1bq8o1wq7rJb2v0zv8Jm1b6e2W0QvX3fS2a9cY4E\r\n"
                      "Content-Type: application/json\r\n"
                      "Content-Length: %d\r\n\r\n%s",
                      n, json);
    const char *body = "{\"status\":\"stored\"}";
    int rs = snprintf(resp, sizeof resp,
                      "HTTP/1.1 201 Created\r\n"
                      "Date: Tue, 17 Sep 2024 00:31:12 GMT\r\n"
                      "Content-Type: application/json\r\n"
                      "Content-Length: %zu\r\n\r\n%s",
                      strlen(body), body);
    return (size_t)rq + (size_t)rs;
}

/* The record as an XForm instance, one element per answer. */
static int s_xml(char *out, size_t cap, const xs_event_t *e)
{
    static const char *tags[] = {"phq9", "gad7", "pcl5"};
    const Xy__TriageRecorded *t = e->ev.triage_recorded;
    char tid[40], pid[40], iid[40];
    s_uuid(tid, &t->triage_id);
    s_uuid(pid, &t->person_id);
    s_uuid(iid, &e->ev.incident_id);
    int n = snprintf(out, cap,
                     "<?xml version='1.0' ?><data id=\"triage\" "
                     "version=\"2024091701\" xmlns:jr=\"http://openrosa.org/"
                     "javarosa\" xmlns:orx=\"http://openrosa.org/xforms\">"
                     "<person_id>%s</person_id><incident_id>%s</incident_id>"
                     "<start>2024-09-17T08:24:02.118+08:00</start>"
                     "<end>2024-09-17T08:31:12.345+08:00</end>"
                     "<worker>%s</worker>",
                     pid, iid, e->ev.author);
    for (size_t i = 0; i < t->n_instruments && i < 3; i++) {
        const Xy__InstrumentResult *r = t->instruments[i];
        n += snprintf(out + n, cap - (size_t)n, "<%s>", tags[i]);
        for (size_t k = 0; k < r->answers.len; k++)
            n += snprintf(out + n, cap - (size_t)n, "<q%zu>%u</q%zu>", k + 1,
                          r->answers.data[k], k + 1);
        n += snprintf(out + n, cap - (size_t)n,
                      "<score>%u</score><band>%s</band></%s>", r->score,
                      r->band, tags[i]);
    }
    n += snprintf(out + n, cap - (size_t)n,
                  "<risk_factors>%u</risk_factors><level>%s</level>"
                  "<rules_version>%s</rules_version><meta><instanceID>uuid:%s"
                  "</instanceID></meta></data>",
                  t->risk_factors, s_level(t), t->rules_version, tid);
    return n;
}

/* One record as an OpenRosa submission: multipart/form-data with the XML
 * instance as xml_submission_file, and the OpenRosaResponse. */
static size_t s_http_openrosa(const xs_event_t *e)
{
    char xml[8192], body[9216], req[12288], resp[1024];
    const char *bnd = "----OpenRosaBoundary3f9a0c1e5b7d";
    int x = s_xml(xml, sizeof xml, e);
    int b = snprintf(body, sizeof body,
                     "--%s\r\nContent-Disposition: form-data; "
                     "name=\"xml_submission_file\"; "
                     "filename=\"submission.xml\"\r\n"
                     "Content-Type: text/xml\r\n\r\n%.*s\r\n--%s--\r\n",
                     bnd, x, xml, bnd);
    int rq = snprintf(req, sizeof req,
                      "POST /submission HTTP/1.1\r\n"
                      "Host: command.example.gov.cn\r\n"
                      "User-Agent: org.odk.collect.android/v2024.2.4 "
                      "okhttp/4.12.0\r\n"
                      "X-OpenRosa-Version: 1.0\r\n"
                      "Date: Tue, 17 Sep 2024 00:31:12 GMT\r\n"
                      "Accept: */*\r\n"
                      "Authorization: Basic d29ya2VyLTAzOmV4YW1wbGUtcGFz"
                      "c3dvcmQ=\r\n"
                      "Content-Type: multipart/form-data; boundary=%s\r\n"
                      "Content-Length: %d\r\n\r\n%s",
                      bnd, b, body);
    const char *rb = "<OpenRosaResponse xmlns=\"http://openrosa.org/http/"
                     "response\"><message nature=\"submit_success\">"
                     "Success</message></OpenRosaResponse>";
    int rs = snprintf(resp, sizeof resp,
                      "HTTP/1.1 201 Created\r\n"
                      "Date: Tue, 17 Sep 2024 00:31:12 GMT\r\n"
                      "X-OpenRosa-Version: 1.0\r\n"
                      "X-OpenRosa-Accept-Content-Length: 10485760\r\n"
                      "Content-Type: text/xml; charset=utf-8\r\n"
                      "Content-Length: %zu\r\n\r\n%s",
                      strlen(rb), rb);
    return (size_t)rq + (size_t)rs;
}

static void s_row(const char *what, double bytes, double base)
{
    printf("   %-50s %9.0f %8.1f %8.3f\n", what, bytes, bytes / S_N,
           base > 0 ? bytes / base : 0);
}

int bs_part_wire(void)
{
    bs_say("wire: building %d TriageRecorded records and syncing them "
           "between two engines in memory",
           S_N);
    xs_event_t *e = calloc(S_N, sizeof *e);
    s_make(e, 42);
    s_exchange_t x;
    s_exchange(&x, e, "wire");
    size_t json = 0, rosa = 0;
    for (int i = 0; i < S_N; i++) {
        json += s_http_json(&e[i]);
        rosa += s_http_openrosa(&e[i]);
    }
    free(e);
    double batch = (double)(x.up.batch_bytes + x.up.batch_zmq);
    double reply = (double)(x.down.other_bytes + x.down.other_zmq);
    printf("\n1. Wire bytes per triage record (%d TriageRecorded, PHQ-9 + "
           "GAD-7 + PCL-5)\n",
           S_N);
    printf("   engine: %zu Batch frame(s) carrying %zu events, %llu stored "
           "at the coordinator; %zu other frames up, %zu down\n",
           x.up.batch_frames, x.up.batch_events, (unsigned long long)x.stored,
           x.up.other_frames, x.down.other_frames);
    printf("   ZeroMQ overhead counted: CURVE MESSAGE command 33 B + ZMTP "
           "frame header 2 B (<=255) or 9 B per message; no TCP/IP, no "
           "handshake\n");
    printf("   %-50s %9s %8s %8s\n", "", "bytes", "/record", "/sync");
    s_row("sync Batch frame, zstd (engine output)", (double)x.up.batch_bytes,
          batch);
    s_row("sync Batch + ZMTP/CURVE  = Xinyuan wire", batch, batch);
    s_row("  + Hello/Welcome/Ack frames both ways, ZMTP/CURVE",
          batch + reply + (double)(x.up.other_bytes + x.up.other_zmq), batch);
    s_row("protobuf Events, packed (baseline)", (double)x.pb_bytes, batch);
    s_row("JSON POST per record, HTTP/1.1 + response", (double)json, batch);
    s_row("OpenRosa multipart XML POST per record + response", (double)rosa,
          batch);
    printf("   ratios: Xinyuan/protobuf %.3f, Xinyuan/JSON-HTTP %.4f "
           "(%.1fx smaller), Xinyuan/OpenRosa %.4f (%.1fx smaller)\n",
           batch / (double)x.pb_bytes, batch / (double)json,
           (double)json / batch, batch / (double)rosa, (double)rosa / batch);
    printf("   target <= 60 B a record: %.1f B a record: %s\n", batch / S_N,
           batch / S_N <= 60 ? "met" : "NOT met");
    return x.up.batch_events == S_N && x.stored == S_N ? 0 : 1;
}
