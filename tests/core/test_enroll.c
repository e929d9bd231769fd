/* Tests of the register of enrolled agents (core/enroll.h). */
#include "core/enroll.h"
#include "common/xy_error.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static char *dir;
static char reg[1024];

static void setup(void)
{
    dir = xy_test_mkdtemp();
    snprintf(reg, sizeof reg, "%s/enrolled", dir);
}

static void teardown(void)
{
    xy_test_rmdir(&dir);
}

TestSuite(enroll, .init = setup, .fini = teardown);

static enroll_entry_t s_entry(const char *name, uint8_t seed)
{
    enroll_entry_t e = {0};
    snprintf(e.name, sizeof e.name, "%s", name);
    memset(e.node_id, seed, sizeof e.node_id);
    memset(e.public_key, seed + 100, sizeof e.public_key);
    return e;
}

Test(enroll, usage_enroll_find_by_key_and_revoke)
{
    enroll_entry_t e = s_entry("laptop-1", 1);
    cr_assert_eq(enroll_put(reg, &e), 0);
    enroll_list_t l;
    cr_assert_eq(enroll_load(reg, &l, NULL), 0);
    cr_assert_eq(l.n, 1);
    const enroll_entry_t *f = enroll_find_key(&l, e.public_key);
    cr_assert_not_null(f);
    cr_assert_str_eq(f->name, "laptop-1");
    cr_assert_eq(memcmp(f->node_id, e.node_id, 16), 0);
    enroll_list_free(&l);

    cr_assert_eq(enroll_revoke(reg, "laptop-1"), 0);
    cr_assert_eq(enroll_load(reg, &l, NULL), 0);
    cr_assert_null(enroll_find_key(&l, e.public_key), "revoked keys fail");
    cr_assert(enroll_find_name(&l, "laptop-1")->revoked);
    enroll_list_free(&l);
}

Test(enroll, same_key_under_another_name_is_refused)
{
    enroll_entry_t a = s_entry("a", 1), b = s_entry("b", 1);
    cr_assert_eq(enroll_put(reg, &a), 0);
    cr_assert_eq(enroll_put(reg, &b), XY_EEXIST);
    b = s_entry("b", 2);
    memcpy(b.node_id, a.node_id, 16);
    cr_assert_eq(enroll_put(reg, &b), XY_EEXIST, "same node id");
}

Test(enroll, enrolling_again_lifts_a_revocation)
{
    enroll_entry_t a = s_entry("a", 3);
    cr_assert_eq(enroll_put(reg, &a), 0);
    cr_assert_eq(enroll_revoke(reg, "a"), 0);
    cr_assert_eq(enroll_put(reg, &a), 0);
    enroll_list_t l;
    cr_assert_eq(enroll_load(reg, &l, NULL), 0);
    cr_assert_not_null(enroll_find_key(&l, a.public_key));
    enroll_list_free(&l);
}

Test(enroll, bad_names_and_unknown_revocations_are_refused)
{
    const char *bad[] = {"", ".hidden", "a/b", "name with space",
                         "0123456789012345678901234567890123456789012345678"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        enroll_entry_t e = s_entry(bad[i], 4);
        snprintf(e.name, sizeof e.name, "%s", bad[i]);
        cr_assert_eq(enroll_name_check(bad[i]), XY_EINVAL, "%s", bad[i]);
    }
    cr_assert_eq(enroll_revoke(reg, "ghost"), XY_ENOENT);
}

Test(enroll, unreadable_file_is_skipped_and_counted)
{
    enroll_entry_t a = s_entry("good", 5);
    cr_assert_eq(enroll_put(reg, &a), 0);
    char path[1100];
    snprintf(path, sizeof path, "%s/broken.json", reg);
    FILE *f = fopen(path, "w");
    fputs("{\"name\": \"broken\", \"node_id\": \"zz\"}", f);
    fclose(f);
    enroll_list_t l;
    size_t bad = 0;
    cr_assert_eq(enroll_load(reg, &l, &bad), 0);
    cr_assert_eq(l.n, 1);
    cr_assert_eq(bad, 1);
    enroll_list_free(&l);
}

Test(enroll, the_stamp_changes_when_the_register_changes)
{
    enroll_entry_t a = s_entry("a", 6);
    cr_assert_eq(enroll_stamp(reg), 0, "absent register");
    cr_assert_eq(enroll_put(reg, &a), 0);
    uint64_t s1 = enroll_stamp(reg);
    cr_assert_neq(s1, 0);
    /* ctime has nanosecond resolution on the filesystems used here, but
     * wait for a tick to be safe. */
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    enroll_entry_t b = s_entry("b", 7);
    cr_assert_eq(enroll_put(reg, &b), 0);
    cr_assert_neq(enroll_stamp(reg), s1);
}
