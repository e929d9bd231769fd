/* Tests of affected people beyond registration: sealing personal data
 * (domain/personal.h), pinyin and duplicate scoring (domain/pinyin.h,
 * domain/dedupe.h), links that converge (domain/person_link.h) and the
 * forward-only referral status (domain/referral.h). */
#include "core/event_log.h"
#include "common/xy_error.h"
#include "domain/dedupe.h"
#include "domain/person.h"
#include "domain/person_link.h"
#include "domain/personal.h"
#include "domain/pinyin.h"
#include "domain/referral.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 2024-06-01T00:00:00Z */
#define S_NOW 1717200000000ull

static personal_key_t s_key(uint8_t n)
{
    personal_key_t k;
    memset(&k, 0, sizeof k);
    memset(k.incident, 7, sizeof k.incident);
    memset(k.key_id, n, sizeof k.key_id);
    memset(k.key, n + 100, sizeof k.key);
    return k;
}

Test(people, usage_seal_then_open_with_the_key)
{
    personal_input_t in = {.name = "张三丰", .phone = "138 0013-8000",
                           .notes = "notes-secret-XYZ", .birth_year = 1990};
    personal_data_t pd, back;
    domain_error_t err;
    cr_assert_eq(personal_check(&in, 30, S_NOW, &pd, &err), 0, "%s", err.msg);
    cr_assert_str_eq(pd.phone, "13800138000");
    personal_keyring_t ring = {.n = 1};
    ring.keys[0] = s_key(1);
    uint8_t person[16] = {1}, nonce[PERSONAL_NONCE_LEN] = {9};
    personal_sealed_t s;
    cr_assert_eq(personal_seal(&ring.keys[0], person, &pd, "zsf", nonce, &s),
                 0);
    cr_assert_null(memmem(s.ct, s.msg.ciphertext.len, "张三丰",
                          strlen("张三丰")));
    cr_assert_eq(personal_open(&ring, person, &s.msg, &back), 0);
    cr_assert_str_eq(back.name, "张三丰");
    cr_assert_str_eq(back.notes, "notes-secret-XYZ");
    cr_assert_eq(back.birth_year, 1990);
}

Test(people, ciphertext_moved_to_another_person_does_not_open)
{
    personal_input_t in = {.name = "李四"};
    personal_data_t pd, back;
    cr_assert_eq(personal_check(&in, 30, S_NOW, &pd, NULL), 0);
    personal_keyring_t ring = {.n = 1};
    ring.keys[0] = s_key(1);
    uint8_t a[16] = {1}, b[16] = {2}, nonce[PERSONAL_NONCE_LEN] = {0};
    personal_sealed_t s;
    cr_assert_eq(personal_seal(&ring.keys[0], a, &pd, "ls", nonce, &s), 0);
    cr_assert_eq(personal_open(&ring, b, &s.msg, &back), XY_ECRYPTO);
    personal_keyring_t other = {.n = 1};
    other.keys[0] = s_key(2);
    cr_assert_eq(personal_open(&other, a, &s.msg, &back), XY_ENOENT);
}

Test(people, impossible_age_and_bad_id_number_name_the_field)
{
    personal_data_t pd;
    domain_error_t err;
    personal_input_t old = {.name = "王五", .birth_year = 1950};
    cr_assert_eq(personal_check(&old, 20, S_NOW, &pd, &err), XY_ERANGE);
    cr_assert_str_eq(err.field, "birth_year");
    personal_input_t future = {.name = "王五", .birth_year = 2090};
    cr_assert_eq(personal_check(&future, 0, S_NOW, &pd, &err), XY_ERANGE);
    /* 11010519491231002X is the standard's example; one digit changed. */
    personal_input_t good = {.name = "王五",
                             .id_number = "11010519491231002X"};
    cr_assert_eq(personal_check(&good, 75, S_NOW, &pd, &err), 0, "%s",
                 err.msg);
    cr_assert_eq(pd.birth_year, 1949);
    personal_input_t typo = {.name = "王五",
                             .id_number = "11010519491231003X"};
    cr_assert_eq(personal_check(&typo, 75, S_NOW, &pd, &err), XY_EINVAL);
    cr_assert_str_eq(err.field, "id_number");
    personal_input_t noname = {.phone = "13800138000"};
    cr_assert_eq(personal_check(&noname, 30, S_NOW, &pd, &err), XY_EMISSING);
    cr_assert_str_eq(err.field, "name");
    personal_input_t phone = {.name = "x", .phone = "138-abc"};
    cr_assert_eq(personal_check(&phone, 30, S_NOW, &pd, &err), XY_EINVAL);
    cr_assert_str_eq(err.field, "phone");
}

Test(people, chinese_names_read_in_pinyin_with_initials)
{
    pinyin_table_t *t = NULL;
    cr_assert_eq(pinyin_table_load(&t, PINYIN_TABLE_PATH, NULL), 0);
    cr_assert_gt(pinyin_table_size(t), 20000);
    char p[128], i[16];
    cr_assert_eq(pinyin_of(t, "张三丰", p, sizeof p, i, sizeof i), 0);
    cr_assert_str_eq(p, "zhang san feng");
    cr_assert_str_eq(i, "zsf");
    cr_assert_eq(pinyin_of(t, "Tashi Dorje", p, sizeof p, i, sizeof i), 0);
    cr_assert_str_eq(p, "tashi dorje");
    cr_assert_str_eq(i, "td");
    cr_assert_eq(pinyin_of(t, "张三丰", p, 4, i, sizeof i), XY_ETOOBIG);
    pinyin_table_destroy(&t);
    cr_assert_null(t);
}

Test(people, jaro_winkler_matches_published_values)
{
    cr_assert_float_eq(dedupe_jaro_winkler("martha", "marhta"), 0.9611, 1e-3);
    cr_assert_float_eq(dedupe_jaro_winkler("dwayne", "duane"), 0.84, 1e-3);
    cr_assert_float_eq(dedupe_jaro_winkler("abc", "abc"), 1.0, 1e-9);
    cr_assert_float_eq(dedupe_jaro_winkler("abc", "xyz"), 0.0, 1e-9);
}

static dedupe_record_t s_rec(uint8_t id, const char *ph, const char *ini,
                             uint32_t year, const char *phone)
{
    dedupe_record_t r;
    memset(&r, 0, sizeof r);
    r.person.b[0] = id;
    snprintf(r.phonetic, sizeof r.phonetic, "%s", ph);
    snprintf(r.initials, sizeof r.initials, "%s", ini);
    snprintf(r.phone, sizeof r.phone, "%s", phone);
    r.birth_year = year;
    r.age_band = 30;
    return r;
}

Test(people, duplicates_are_proposed_and_relatives_are_not)
{
    dedupe_record_t r[4] = {
        s_rec(1, "zhang san feng", "zsf", 1990, "13800138000"),
        s_rec(2, "zhang san feng", "zsf", 1990, ""),
        s_rec(3, "zhang si", "zs", 1962, "13800138000"),
        s_rec(4, "li si", "ls", 1990, ""),
    };
    dedupe_pair_t p[8];
    size_t n = 0;
    cr_assert_eq(dedupe_find(r, 4, DEDUPE_THRESHOLD, p, 8, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(p[0].a, 0);
    cr_assert_eq(p[0].b, 1);
    cr_assert_geq(p[0].score, DEDUPE_THRESHOLD);
}

static uint8_t *s_pack(Xy__Event *ev, uint32_t origin, uint64_t seq,
                       uint64_t hlc, size_t *len)
{
    uint8_t oid[XY_ID_LEN], *buf = NULL;
    xy_test_id(oid, origin);
    ev->origin = (ProtobufCBinaryData){XY_ID_LEN, oid};
    ev->seq = seq;
    ev->hlc = hlc;
    cr_assert_eq(xy_event_pack(ev, &buf, len), 0);
    return buf;
}

static domain_model_t *s_m;
static domain_id_t s_canon;
static int s_read_canon(view_txn_t *vt, void *arg)
{
    return person_link_canonical(vt, s_m, arg, &s_canon);
}

Test(people, a_link_and_its_unlink_converge_in_any_order)
{
    s_m = domain_model_new();
    domain_id_t inc = {{9}}, a = {{5}}, b = {{3}}, c = {{4}}, l1 = {{1}},
                l2 = {{2}};
    person_link_event_t le;
    uint8_t *ev[3];
    size_t len[3];
    cr_assert_eq(person_link_build(&le, &l1, &inc, &a, &b, 0.9, false, "w",
                                   NULL), 0);
    ev[0] = s_pack(&le.ev, 1, 1, 100, &len[0]);
    cr_assert_eq(person_link_build(&le, &l2, &inc, &a, &c, 0.8, false, "w",
                                   NULL), 0);
    ev[1] = s_pack(&le.ev, 2, 1, 110, &len[1]);
    person_unlink_build(&le, &l1, &inc, false, "w");
    ev[2] = s_pack(&le.ev, 2, 2, 120, &len[2]);
    int orders[3][3] = {{0, 1, 2}, {2, 1, 0}, {1, 2, 0}};
    uint8_t digest[3][32];
    char *dir = xy_test_mkdtemp();
    for (int o = 0; o < 3; o++) {
        char sub[1100];
        snprintf(sub, sizeof sub, "%s/n%d", dir, o);
        cr_assert_eq(mkdir(sub, 0700), 0);
        uint8_t node[XY_ID_LEN];
        xy_test_id(node, 50 + (uint32_t)o);
        event_log_opts_t opts = {.views = s_m->views};
        event_log_t *log = NULL;
        cr_assert_eq(event_log_open(&log, sub, node, &opts), 0);
        for (int i = 0; i < 3; i++) {
            int k = orders[o][i];
            event_write_t w = {.kind = EVENT_WRITE_FOREIGN, .bytes = ev[k],
                               .len = len[k]};
            cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
            cr_assert_eq(w.status, 0);
        }
        cr_assert_eq(event_log_view_digest(log, digest[o]), 0);
        /* l1 is undone: b stands alone, a joins c whose id is smaller. */
        cr_assert_eq(event_log_view_read(log, s_read_canon, &b), 0);
        cr_assert_eq(s_canon.b[0], 3, "order %d", o);
        cr_assert_eq(event_log_view_read(log, s_read_canon, &a), 0);
        cr_assert_eq(s_canon.b[0], 4, "order %d", o);
        event_log_destroy(&log);
    }
    cr_assert_eq(memcmp(digest[0], digest[1], 32), 0);
    cr_assert_eq(memcmp(digest[0], digest[2], 32), 0);
    for (int i = 0; i < 3; i++)
        free(ev[i]);
    xy_test_rmdir(&dir);
    domain_model_destroy(&s_m);
}

Test(people, referral_status_only_moves_forward)
{
    referral_event_t r;
    domain_id_t id = {{1}}, inc = {{2}}, person = {{3}};
    domain_error_t err;
    cr_assert_eq(referral_update(&r, &id, &inc,
                                 XY__REFERRAL_STATUS__REFERRAL_SEEN,
                                 "received", NULL, false, "w", &err),
                 XY_ESTATE);
    cr_assert_str_eq(err.field, "status");
    cr_assert_eq(referral_update(&r, &id, &inc,
                                 XY__REFERRAL_STATUS__REFERRAL_SEEN,
                                 "closed", "done", false, "w", &err), 0);
    referral_input_t in = {&inc, &person, "", "why", "urgent", false, "w"};
    cr_assert_eq(referral_make(&r, &id, &in, &err), XY_EMISSING);
    cr_assert_str_eq(err.field, "facility");
    in.facility = "华西医院";
    in.urgency = "whenever";
    cr_assert_eq(referral_make(&r, &id, &in, &err), XY_EINVAL);
    cr_assert_str_eq(err.field, "urgency");
}
