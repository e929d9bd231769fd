/* Tests of wrapped incident data keys (core/keystore.h). */
#include "core/keystore.h"
#include "common/xy_error.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static char *dir;
static const uint8_t s_inc[16] = {1, 2, 3};

static void setup(void)
{
    dir = xy_test_mkdtemp();
}

static void teardown(void)
{
    xy_test_rmdir(&dir);
}

TestSuite(keystore, .init = setup, .fini = teardown);

Test(keystore, usage_create_then_load_with_the_passphrase)
{
    keystore_key_t made, got[4];
    cr_assert_eq(keystore_create(dir, s_inc, "a good passphrase", &made), 0);
    size_t n = 0;
    char err[256];
    cr_assert_eq(keystore_load_all(dir, "a good passphrase", got, 4, &n, err,
                                   sizeof err), 0, "%s", err);
    cr_assert_eq(n, 1);
    cr_assert_eq(memcmp(got[0].key, made.key, 32), 0);
    cr_assert_eq(memcmp(got[0].incident, s_inc, 16), 0);
}

Test(keystore, key_file_is_private_and_holds_no_key_bytes)
{
    keystore_key_t made;
    cr_assert_eq(keystore_create(dir, s_inc, "a good passphrase", &made), 0);
    keystore_entry_t e[2];
    size_t n = 0;
    cr_assert_eq(keystore_list(dir, e, 2, &n), 0);
    cr_assert_eq(n, 1);
    char path[2048], inc[33], kid[33], hex[65];
    snprintf(path, sizeof path, "%s/keys/%s-%s.key", dir,
             sodium_bin2hex(inc, sizeof inc, e[0].incident, 16),
             sodium_bin2hex(kid, sizeof kid, e[0].key_id, 16));
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    FILE *f = fopen(path, "r");
    char buf[4096];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    sodium_bin2hex(hex, sizeof hex, made.key, 32);
    cr_assert_null(memmem(buf, len, made.key, 32));
    cr_assert_null(memmem(buf, len, hex, 64));
}

Test(keystore, wrong_passphrase_opens_nothing)
{
    cr_assert_eq(keystore_create(dir, s_inc, "a good passphrase", NULL), 0);
    keystore_key_t got[2];
    size_t n = 9;
    char err[256];
    cr_assert_eq(keystore_load_all(dir, "another phrase", got, 2, &n, err,
                                   sizeof err), XY_ECRYPTO);
    cr_assert_eq(n, 0);
    cr_assert_not_null(strstr(err, "passphrase does not open"), "%s", err);
    cr_assert_eq(keystore_create(dir, s_inc, "short", NULL), XY_EINVAL);
}

Test(keystore, export_opens_only_for_its_recipient)
{
    uint8_t pk[32], sk[32], pk2[32], sk2[32];
    crypto_box_keypair(pk, sk);
    crypto_box_keypair(pk2, sk2);
    keystore_key_t k, back;
    cr_assert_eq(keystore_create(dir, s_inc, "a good passphrase", &k), 0);
    char text[KEYSTORE_EXPORT_MAX];
    cr_assert_eq(keystore_export(&k, pk, text, sizeof text), 0);
    cr_assert_eq(keystore_import(text, strlen(text), pk2, sk2, &back),
                 XY_ECRYPTO);
    cr_assert_eq(keystore_import(text, strlen(text), pk, sk, &back), 0);
    cr_assert_eq(memcmp(back.key, k.key, 32), 0);
    cr_assert_eq(memcmp(back.key_id, k.key_id, 16), 0);
    text[30] = text[30] == 'a' ? 'b' : 'a';
    cr_assert_eq(keystore_import(text, strlen(text), pk, sk, &back),
                 XY_ECRYPTO);
    cr_assert_eq(keystore_import("garbage", 7, pk, sk, &back), XY_EPARSE);
}
