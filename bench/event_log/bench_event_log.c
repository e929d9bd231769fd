/* Benchmark of durable group commit in the event log (core/event_log.h):
 * own events per second through event_log_write at batch sizes 1, 100 and
 * 1000, against a baseline of raw LMDB puts measured in the same run with
 * the same sync settings (fsync on commit, the same environment flags and
 * map size): one transaction per batch putting the same number of
 * pre-packed values of the same size under 24-byte keys, in a fresh
 * environment of its own. The two alternate in rounds so that both meet
 * the same disk conditions. Prints a table with the ratio ours/raw.
 *
 * Usage: bench_event_log [DIR]   (DIR: where the temporary stores go;
 * default $TMPDIR or /tmp; it must be on the disk whose fsync is meant). */
#include "core/event_log.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define S_MAP_SIZE ((size_t)4 << 30) /* both stores: never grows mid-run */
#define S_MAXDBS (8 + VIEW_MAX)      /* as the event log sets it */
#define S_BATCH_MAX 1000
#define S_SECONDS 2.5        /* per measurement, batch > 1 */
#define S_COMMITS_BATCH1 300 /* batch 1: a fixed number of commits */
#define S_COMMITS_MAX 1000000
#define S_ROUNDS 5 /* ours and raw alternate */

/* One own event and everything its body points at. */
typedef struct s_item {
    Xy__Event ev;
    Xy__PersonRegistered pr;
    Xy__Sealed sealed;
    Xy__Place place;
    Xy__Point pos;
} s_item_t;

static uint8_t s_node[XY_ID_LEN] = {0xbe, 0x4c, 0x01};
static uint8_t s_person[XY_ID_LEN] = {0x9e, 0x50, 0x4e};
static uint8_t s_key_id[XY_ID_LEN] = {0x4b, 0x01};
static uint8_t s_zone[XY_ID_LEN] = {0x20, 0x4e};
static uint8_t s_incident[XY_ID_LEN] = {0x1c, 0x1d};
static uint8_t s_nonce[24] = {0x0c};
static uint8_t s_cipher[48] = {0xc1};

/* A realistic PersonRegistered: sealed personal data and a place. */
static void s_item_init(s_item_t *it)
{
    xy__event__init(&it->ev);
    xy__person_registered__init(&it->pr);
    xy__sealed__init(&it->sealed);
    xy__place__init(&it->place);
    xy__point__init(&it->pos);
    it->sealed.key_id = (ProtobufCBinaryData){XY_ID_LEN, s_key_id};
    it->sealed.nonce = (ProtobufCBinaryData){sizeof s_nonce, s_nonce};
    it->sealed.ciphertext = (ProtobufCBinaryData){sizeof s_cipher, s_cipher};
    it->pos.lat = 31.832;
    it->pos.lon = 104.461;
    it->place.zone_id = (ProtobufCBinaryData){XY_ID_LEN, s_zone};
    it->place.site = "Beichuan shelter 3";
    it->place.position = &it->pos;
    it->pr.person_id = (ProtobufCBinaryData){XY_ID_LEN, s_person};
    it->pr.personal = &it->sealed;
    it->pr.age_band = 35;
    it->pr.sex = XY__SEX__SEX_FEMALE;
    it->pr.language = "zh";
    it->pr.vulnerability = XY__VULNERABILITY__VULN_BEREAVED;
    it->pr.place = &it->place;
    it->ev.incident_id = (ProtobufCBinaryData){XY_ID_LEN, s_incident};
    it->ev.author = "worker-0142";
    it->ev.body_case = XY__EVENT__BODY_PERSON_REGISTERED;
    it->ev.person_registered = &it->pr;
}

static double s_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *s_mkdir(const char *base, const char *what)
{
    char tmpl[1024];
    snprintf(tmpl, sizeof tmpl, "%s/xybench-%s.XXXXXX", base, what);
    char *p = mkdtemp(tmpl);
    if (!p) {
        perror("mkdtemp");
        exit(1);
    }
    return xstrdup(p);
}

static void s_rmdir(char **dir)
{
    char p[1100];
    snprintf(p, sizeof p, "%s/data.mdb", *dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/lock.mdb", *dir);
    unlink(p);
    rmdir(*dir);
    free(*dir);
    *dir = NULL;
}

/* Opens the event log under test in a fresh directory (*dir). */
static event_log_t *s_ours_open(const char *base, char **dir)
{
    *dir = s_mkdir(base, "ours");
    event_log_opts_t o = {.map_size = S_MAP_SIZE};
    event_log_t *log = NULL;
    int rc = event_log_open(&log, *dir, s_node, &o);
    if (rc) {
        fprintf(stderr, "event_log_open: %s\n", xy_strerror(rc));
        exit(1);
    }
    return log;
}

/* Runs event_log_write of batch own events per call: `commits` calls, or
 * (commits 0) as many as fit in `seconds`; *done receives the number made.
 * Returns the elapsed seconds. */
static double s_ours_run(event_log_t *log, size_t batch, size_t commits,
                         double seconds, size_t *done)
{
    static s_item_t items[S_BATCH_MAX];
    static event_write_t w[S_BATCH_MAX];
    size_t limit = commits ? commits : S_COMMITS_MAX;
    double start = s_now_s(), end = start;
    size_t c = 0;
    while (c < limit) {
        for (size_t i = 0; i < batch; i++) {
            s_item_init(&items[i]);
            w[i] =
                (event_write_t){.kind = EVENT_WRITE_OWN, .own = &items[i].ev};
        }
        int rc = event_log_write(log, w, batch, NULL);
        if (rc || w[batch - 1].status) {
            fprintf(stderr, "event_log_write: %s\n",
                    xy_strerror(rc ? rc : w[batch - 1].status));
            exit(1);
        }
        c++;
        end = s_now_s();
        if (!commits && end - start >= seconds)
            break;
    }
    *done = c;
    return end - start;
}

/* The baseline's store: a fresh environment with the event log's settings
 * (flags, map size, number of databases) and one database. */
typedef struct s_raw {
    MDB_env *env;
    MDB_dbi dbi;
    uint64_t seq; /* last key written */
} s_raw_t;

static void s_raw_open(const char *base, char **dir, s_raw_t *raw)
{
    *dir = s_mkdir(base, "raw");
    MDB_txn *txn = NULL;
    raw->seq = 0;
    int rc = mdb_env_create(&raw->env);
    if (!rc)
        rc = mdb_env_set_maxdbs(raw->env, S_MAXDBS);
    if (!rc)
        rc = mdb_env_set_mapsize(raw->env, S_MAP_SIZE);
    if (!rc)
        rc = mdb_env_open(raw->env, *dir, MDB_NOTLS, 0600);
    if (!rc)
        rc = mdb_txn_begin(raw->env, NULL, 0, &txn);
    if (!rc)
        rc = mdb_dbi_open(txn, "events", MDB_CREATE, &raw->dbi);
    if (!rc)
        rc = mdb_txn_commit(txn);
    if (rc) {
        fprintf(stderr, "lmdb setup: %s\n", mdb_strerror(rc));
        exit(1);
    }
}

/* Runs `commits` transactions of batch puts of the value (len bytes) under
 * origin|seq keys, fsync on every commit. Returns the elapsed seconds. */
static double s_raw_run(s_raw_t *raw, size_t batch, size_t commits,
                        const uint8_t *value, size_t len)
{
    uint8_t key[XY_ID_LEN + 8];
    memcpy(key, s_node, XY_ID_LEN);
    double start = s_now_s();
    for (size_t c = 0; c < commits; c++) {
        MDB_txn *txn = NULL;
        int rc = mdb_txn_begin(raw->env, NULL, 0, &txn);
        for (size_t i = 0; i < batch && !rc; i++) {
            uint64_t s = ++raw->seq;
            for (int b = 7; b >= 0; b--, s >>= 8)
                key[XY_ID_LEN + b] = (uint8_t)s;
            MDB_val k = {sizeof key, key}, v = {len, (void *)value};
            rc = mdb_put(txn, raw->dbi, &k, &v, MDB_NOOVERWRITE);
        }
        if (!rc)
            rc = mdb_txn_commit(txn);
        if (rc) {
            fprintf(stderr, "lmdb: %s\n", mdb_strerror(rc));
            exit(1);
        }
    }
    return s_now_s() - start;
}

/* Measures one batch size: ours and raw alternate in S_ROUNDS rounds, raw
 * making as many commits as ours just made, so that both see the same
 * disk conditions; prints one table row. */
static void s_measure(const char *base, size_t batch, const uint8_t *value,
                      size_t vlen)
{
    char *odir = NULL, *rdir = NULL;
    event_log_t *log = s_ours_open(base, &odir);
    s_raw_t raw;
    s_raw_open(base, &rdir, &raw);
    double t_ours = 0, t_raw = 0;
    size_t commits = 0;
    for (int r = 0; r < S_ROUNDS; r++) {
        size_t done = 0;
        t_ours +=
            s_ours_run(log, batch, batch == 1 ? S_COMMITS_BATCH1 / S_ROUNDS : 0,
                       S_SECONDS / S_ROUNDS, &done);
        t_raw += s_raw_run(&raw, batch, done, value, vlen);
        commits += done;
    }
    double ours = (double)(batch * commits) / t_ours;
    double rawr = (double)(batch * commits) / t_raw;
    printf("%6zu %8zu %9zu %12.0f %12.0f %7.2f\n", batch, commits,
           batch * commits, ours, rawr, ours / rawr);
    fflush(stdout);
    event_log_destroy(&log);
    mdb_env_close(raw.env);
    s_rmdir(&odir);
    s_rmdir(&rdir);
}

int main(int argc, char **argv)
{
    const char *base = argc > 1 ? argv[1] : getenv("TMPDIR");
    if (!base)
        base = "/tmp";

    /* The value the baseline stores: an event of exactly the size the log
     * stores, envelope included. */
    s_item_t probe;
    s_item_init(&probe);
    probe.ev.origin = (ProtobufCBinaryData){XY_ID_LEN, s_node};
    probe.ev.seq = 123456;
    probe.ev.hlc = (uint64_t)1700000000000ull << 16;
    uint8_t *value = NULL;
    size_t vlen = 0;
    if (xy_event_pack(&probe.ev, &value, &vlen)) {
        fprintf(stderr, "pack failed\n");
        return 1;
    }

    printf("event_log group commit vs raw LMDB (fsync on commit), "
           "PersonRegistered of %zu bytes, stores in %s\n",
           vlen, base);
    printf("%6s %8s %9s %12s %12s %7s\n", "batch", "commits", "events",
           "ours ev/s", "raw ev/s", "ratio");
    const size_t batches[] = {1, 100, 1000};
    for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++)
        s_measure(base, batches[b], value, vlen);
    free(value);
    return 0;
}
