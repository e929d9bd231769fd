#!/usr/bin/python3
"""An independent Xinyuan sync client, written from docs/protocol.md and the
.proto files only, to prove that the specification is enough to talk to the
coordinator. tests/interop/test_python_client.c drives it.

It plays a field agent: makes its own CURVE key pair and node id, writes an
enrollment request, waits for the join bundle, says Hello, sends two events
of its own, receives the coordinator's feed and urgent lane (and the PUB
fan-out), acknowledges what it receives, and prints a JSON summary.
Events are held in memory: a real agent stores events and cursor in one
durable transaction before it acknowledges (protocol.md, section 6).

Steps are coordinated with the test through files in --work:
  request.json  written by the client (enrollment request)
  bundle.json   written by the test (the output of `enroll`)
  acked         written by the client once its batch is acknowledged
  summary.json  written by the client at the end (also printed)

Modes: "agent" (enrolled key, full scenario) and "rogue" (waits for the
bundle like an agent, then connects with a fresh key that was never
enrolled and reports what came back).
"""

import argparse
import ctypes
import ctypes.util
import importlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import zmq
import zmq.utils.z85

# Error codes (protocol.md 5.7)
XY_ESTATE = -14

# Limits (protocol.md 13)
XY_FRAME_MAX_BYTES = 4 * 1024 * 1024
XY_EVENT_MAX_BYTES = 256 * 1024
SYNC_BATCH_MAX_RAW = 1024 * 1024

HELLO_RETRY_S = 3.0
PING_EVERY_S = 1.0
CREDIT = 8


def load_protos(proto_dir, protoc):
    """Generates the Python modules of event.proto and sync.proto into a
    temporary directory and imports them."""
    out = tempfile.mkdtemp(prefix="xy-pb-")
    subprocess.run([protoc, "-I", proto_dir, "--python_out=" + out,
                    os.path.join(proto_dir, "event.proto"),
                    os.path.join(proto_dir, "sync.proto")], check=True)
    sys.path.insert(0, out)
    return (importlib.import_module("event_pb2"),
            importlib.import_module("sync_pb2"), out)


class Zstd:
    """Decompression of zstd payloads (compression 1) through libzstd."""

    def __init__(self):
        name = ctypes.util.find_library("zstd") or "libzstd.so.1"
        self.lib = ctypes.CDLL(name)
        self.lib.ZSTD_getFrameContentSize.restype = ctypes.c_ulonglong
        self.lib.ZSTD_getFrameContentSize.argtypes = [ctypes.c_char_p,
                                                      ctypes.c_size_t]
        self.lib.ZSTD_decompress.restype = ctypes.c_size_t
        self.lib.ZSTD_decompress.argtypes = [ctypes.c_char_p, ctypes.c_size_t,
                                             ctypes.c_char_p, ctypes.c_size_t]
        self.lib.ZSTD_isError.restype = ctypes.c_uint
        self.lib.ZSTD_isError.argtypes = [ctypes.c_size_t]

    def decompress(self, data, max_out):
        size = self.lib.ZSTD_getFrameContentSize(data, len(data))
        if size >= (1 << 64) - 2:  # unknown (-1) or error (-2)
            raise ValueError("zstd frame without a content size")
        if size > max_out:
            raise ValueError("zstd content too big")
        buf = ctypes.create_string_buffer(max(size, 1))
        n = self.lib.ZSTD_decompress(buf, size, data, len(data))
        if self.lib.ZSTD_isError(n) or n != size:
            raise ValueError("corrupt zstd frame")
        return buf.raw[:size]


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def split_events(payload, count):
    """Splits a batch payload: varint length + packed event, repeated."""
    events, off = [], 0
    while off < len(payload):
        n, shift = 0, 0
        while True:
            if off >= len(payload) or shift > 63:
                raise ValueError("truncated varint")
            b = payload[off]
            off += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        if n == 0 or n > XY_EVENT_MAX_BYTES or n > len(payload) - off:
            raise ValueError("bad event length")
        events.append(payload[off:off + n])
        off += n
    if len(events) != count:
        raise ValueError("count does not match")
    return events


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(tmp, path)


def wait_file(path, deadline):
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                return f.read()
        time.sleep(0.05)
    raise TimeoutError("no " + os.path.basename(path))


class Client:
    def __init__(self, pb_event, pb_sync, bundle, node_id, public, secret,
                 incident):
        self.ev = pb_event
        self.sy = pb_sync
        self.node_id = node_id
        self.incident = incident
        self.zstd = Zstd()
        self.ctx = zmq.Context()
        server_key = bytes.fromhex(bundle["coordinator_key"])
        self.dealer = self._socket(zmq.DEALER, server_key, public, secret)
        self.dealer.setsockopt(zmq.IMMEDIATE, 1)
        self.dealer.setsockopt(zmq.SNDBUF, 32 * 1024)
        self.monitor = self.dealer.get_monitor_socket(
            zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_HANDSHAKE_FAILED_AUTH)
        self.sub = self._socket(zmq.SUB, server_key, public, secret)
        self.sub.setsockopt(zmq.SUBSCRIBE, b"r")
        self.sub.setsockopt(zmq.SUBSCRIBE, b"i" + incident.hex().encode())
        self.dealer.connect(bundle["coordinator"])
        self.sub.connect(bundle["coordinator_publish"])
        self.poller = zmq.Poller()
        self.poller.register(self.dealer, zmq.POLLIN)
        self.poller.register(self.sub, zmq.POLLIN)
        self.poller.register(self.monitor, zmq.POLLIN)
        # session
        self.state = "idle"
        self.session = 0
        self.hello_at = 0.0
        self.last_sent = 0.0
        self.welcome = None
        # what we hold of the coordinator's feed, and what it holds of ours
        self.cursor = 0
        self.held = {}          # (origin, seq) -> Event, the "store"
        self.acked = None       # Ack.position for our feed
        # report
        self.frames = 0
        self.errors = []
        self.auth = {"succeeded": 0, "failed": 0}
        self.received = []      # [{type, via, ...}]
        self.batches = {"bulk": 0, "urgent": 0, "empty": 0}

    def _socket(self, kind, server_key, public, secret):
        s = self.ctx.socket(kind)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.MAXMSGSIZE, XY_FRAME_MAX_BYTES + 4096)
        s.setsockopt(zmq.HEARTBEAT_IVL, 5000)
        s.setsockopt(zmq.HEARTBEAT_TIMEOUT, 15000)
        s.setsockopt(zmq.HEARTBEAT_TTL, 15000)
        s.setsockopt(zmq.RECONNECT_IVL, 100 + self.node_id[0] % 200)
        s.setsockopt(zmq.RECONNECT_IVL_MAX, 30000)
        s.curve_serverkey = server_key
        s.curve_publickey = public
        s.curve_secretkey = secret
        return s

    def close(self):
        self.dealer.disable_monitor()
        for s in (self.monitor, self.dealer, self.sub):
            s.close(0)
        self.ctx.term()

    # ------------------------------------------------------------ sending

    def send(self, **body):
        f = self.sy.Frame(version=1, **body)
        try:
            self.dealer.send(f.SerializeToString(), zmq.NOBLOCK)
        except zmq.Again:
            return False  # no connection yet (ZMQ_IMMEDIATE)
        self.last_sent = time.monotonic()
        return True

    def hello(self):
        self.session = random.getrandbits(63) | 1
        scope = self.sy.Scope(incident_ids=[self.incident])
        if self.send(hello=self.sy.Hello(node_id=self.node_id,
                                         cursor=self.cursor, scope=scope,
                                         credit=CREDIT,
                                         software="xy-interop-python/1",
                                         session=self.session)):
            self.state = "hello_sent"
            self.hello_at = time.monotonic()

    def send_events(self, events, after, last):
        payload = b"".join(varint(len(e)) + e for e in events)
        return self.send(batch=self.sy.Batch(after=after, last=last,
                                             urgent=False, compression=0,
                                             events=payload,
                                             count=len(events),
                                             raw_size=len(payload)))

    def tick(self):
        now = time.monotonic()
        if self.state == "idle":
            self.hello()
        elif self.state == "hello_sent" and now - self.hello_at >= \
                HELLO_RETRY_S:
            self.hello()
        elif self.state == "active" and now - self.last_sent >= PING_EVERY_S:
            ms = int(time.time() * 1000)
            self.send(ping=self.sy.Ping(nonce=ms, sent_at=ms))

    # ------------------------------------------------------------ receiving

    def poll(self, timeout_s):
        for sock, _ in self.poller.poll(int(timeout_s * 1000)):
            if sock is self.monitor:
                self.on_monitor()
            elif sock is self.dealer:
                while self.dealer.getsockopt(zmq.EVENTS) & zmq.POLLIN:
                    self.on_frame(self.dealer.recv_multipart(zmq.NOBLOCK))
            else:
                while self.sub.getsockopt(zmq.EVENTS) & zmq.POLLIN:
                    self.on_pub(self.sub.recv_multipart(zmq.NOBLOCK))

    def on_monitor(self):
        from zmq.utils.monitor import recv_monitor_message
        while self.monitor.getsockopt(zmq.EVENTS) & zmq.POLLIN:
            m = recv_monitor_message(self.monitor, zmq.NOBLOCK)
            if m["event"] == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                self.auth["succeeded"] += 1
            elif m["event"] == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
                self.auth["failed"] += 1

    def on_frame(self, parts):
        if len(parts) != 1:
            return
        f = self.sy.Frame()
        try:
            f.ParseFromString(parts[0])
        except Exception:  # a malformed frame: dropped
            return
        self.frames += 1
        kind = f.WhichOneof("msg")
        if f.version != 1 or kind is None:
            return
        getattr(self, "on_" + kind, lambda m: None)(getattr(f, kind))

    def on_welcome(self, w):
        if self.state != "hello_sent" or w.session != self.session:
            return
        self.welcome = {"cursor": w.cursor, "credit": w.credit,
                        "feed_position": w.feed_position,
                        "node_id": w.node_id.hex()}
        self.state = "active"

    def on_ack(self, a):
        if not a.urgent and not a.rewind:
            self.acked = a.position

    def on_ping(self, p):
        self.send(pong=self.sy.Pong(nonce=p.nonce, sent_at=p.sent_at))

    def on_error(self, e):
        self.errors.append({"code": e.code, "message": e.message,
                            "fatal": e.fatal})
        if e.fatal:
            self.state = "refused"
        elif e.code == XY_ESTATE:
            self.state = "idle"

    def on_batch(self, b):
        if self.state != "active":
            return
        if not b.urgent and b.after > self.cursor:
            self.send(ack=self.sy.Ack(position=self.cursor, credit=CREDIT,
                                      rewind=True))
            return
        payload = b.events
        if b.compression == 1:
            payload = self.zstd.decompress(payload, SYNC_BATCH_MAX_RAW)
        events = split_events(payload, b.count)
        via = "urgent" if b.urgent else "bulk"
        self.batches[via] += 1
        if not events:
            self.batches["empty"] += 1
        for raw in events:
            self.store(raw, via)
        if b.urgent:
            self.send(ack=self.sy.Ack(position=self.cursor, credit=CREDIT,
                                      urgent=True, urgent_last=b.last))
        else:
            self.cursor = max(self.cursor, b.last)
            self.send(ack=self.sy.Ack(position=self.cursor, credit=CREDIT))

    def on_pub(self, parts):
        if len(parts) != 2:
            return
        self.store(parts[1], "pub:" + parts[0].decode("ascii", "replace"))

    def store(self, raw, via):
        e = self.ev.Event()
        e.ParseFromString(raw)
        body = e.WhichOneof("body")
        key = (e.origin, e.seq)
        item = {"type": body, "via": via, "origin": e.origin.hex(),
                "seq": e.seq, "duplicate": key in self.held}
        if body == "deployment_ordered":
            o = e.deployment_ordered
            item.update(explanation=o.explanation, zone_name=o.zone_name,
                        team_id=o.team_id.hex(), order_id=o.order_id.hex())
        self.received.append(item)
        self.held.setdefault(key, e)

    def run_until(self, done, timeout_s):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if done():
                return True
            self.tick()
            self.poll(0.1)
        return done()


def own_events(pb, node_id, incident):
    """A PersonRegistered and a TriageRecorded of our own origin."""
    hlc = int(time.time() * 1000) << 16
    person = uuid.uuid4().bytes
    p = pb.Event(origin=node_id, seq=1, hlc=hlc, incident_id=incident,
                 author="py-interop")
    p.person_registered.person_id = person
    p.person_registered.age_band = 35
    p.person_registered.sex = pb.SEX_FEMALE
    p.person_registered.language = "zh"
    p.person_registered.vulnerability = pb.VULN_BEREAVED
    p.person_registered.place.site = "Interop shelter"
    p.person_registered.worker = "py-interop"
    t = pb.Event(origin=node_id, seq=2, hlc=hlc + 1, incident_id=incident,
                 author="py-interop")
    t.triage_recorded.triage_id = uuid.uuid4().bytes
    t.triage_recorded.person_id = person
    t.triage_recorded.rules_version = "interop-1"
    t.triage_recorded.level = pb.TRIAGE_HIGH_RISK
    return person, [p.SerializeToString(), t.SerializeToString()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--proto-dir", required=True)
    ap.add_argument("--protoc", required=True)
    ap.add_argument("--incident", required=True, help="32 hex digits")
    ap.add_argument("--mode", choices=("agent", "rogue"), default="agent")
    ap.add_argument("--timeout", type=float, default=20.0)
    a = ap.parse_args()
    deadline = time.monotonic() + a.timeout
    pb_event, pb_sync, pb_dir = load_protos(a.proto_dir, a.protoc)
    incident = bytes.fromhex(a.incident)

    public, secret = zmq.curve_keypair()
    node_id = os.urandom(16)
    request = {"name": "py-interop", "node_id": node_id.hex(),
               "public_key": zmq.utils.z85.decode(public).hex()}
    write_atomic(os.path.join(a.work, "request.json"), json.dumps(request))
    bundle = json.loads(wait_file(os.path.join(a.work, "bundle.json"),
                                  deadline))
    if a.mode == "rogue":
        public, secret = zmq.curve_keypair()  # never enrolled

    c = Client(pb_event, pb_sync, bundle, node_id, public, secret, incident)
    summary = {"mode": a.mode, "node_id": node_id.hex()}
    try:
        if a.mode == "rogue":
            # Hello retried for a few seconds, and a batch sent blindly.
            person, events = own_events(pb_event, node_id, incident)
            end = min(deadline, time.monotonic() + 4.0)
            while time.monotonic() < end:
                c.tick()
                c.send_events(events, 0, 2)
                c.poll(0.2)
        else:
            if not c.run_until(lambda: c.state == "active",
                               deadline - time.monotonic()):
                raise TimeoutError("no Welcome")
            person, events = own_events(pb_event, node_id, incident)
            summary["person_id"] = person.hex()
            c.send_events(events, c.welcome["cursor"], 2)
            if not c.run_until(lambda: c.acked == 2,
                               deadline - time.monotonic()):
                raise TimeoutError("no Ack for our batch")
            write_atomic(os.path.join(a.work, "acked"), "2\n")

            def order_on(prefix):
                return any(r["type"] == "deployment_ordered" and
                           r["via"].startswith(prefix) for r in c.received)
            if not c.run_until(lambda: order_on("urgent") or
                               order_on("bulk"),
                               deadline - time.monotonic()):
                raise TimeoutError("no order on the reliable channel")
            # The PUB copy is best effort: give it a moment.
            c.run_until(lambda: order_on("pub"),
                        min(2.0, deadline - time.monotonic()))
        summary["ok"] = True
    except (TimeoutError, ValueError) as e:
        summary["ok"] = False
        summary["failure"] = str(e)
    finally:
        summary.update(state=c.state, welcome=c.welcome, acked=c.acked,
                       cursor=c.cursor, frames=c.frames, errors=c.errors,
                       handshakes=c.auth, batches=c.batches,
                       received=c.received)
        orders = [r for r in c.received if r["type"] == "deployment_ordered"]
        summary["order_explanation"] = (orders[0]["explanation"]
                                        if orders else None)
        summary["order_via"] = sorted({r["via"].split(":")[0]
                                       for r in orders})
        c.close()
        shutil.rmtree(pb_dir, ignore_errors=True)
    text = json.dumps(summary, indent=2, sort_keys=True)
    write_atomic(os.path.join(a.work, "summary.json"), text)
    print(text)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
