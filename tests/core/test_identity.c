/* Tests of node identity key files (core/identity.h): create and load,
 * key consistency, file permissions, refusal to overwrite, and every way a
 * key file can be damaged. */
#include "core/identity.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_TEXT_MAX 8192

static char *dir;
static char path[1024];

static void setup(void)
{
    dir = xy_test_mkdtemp();
    snprintf(path, sizeof path, "%s/identity.key", dir);
}

static void teardown(void)
{
    xy_test_rmdir(&dir);
}

TestSuite(identity, .init = setup, .fini = teardown);

/* Reads the whole file at p into buf (S_TEXT_MAX bytes); returns its
 * length. */
static size_t s_read_file(const char *p, char *buf)
{
    FILE *f = fopen(p, "rb");
    cr_assert_not_null(f, "open %s", p);
    size_t n = fread(buf, 1, S_TEXT_MAX - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n;
}

/* Writes len bytes of text to the key file with the given mode. */
static void s_write_file(const char *text, size_t len, mode_t mode)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, len), (ssize_t)len);
    cr_assert_eq(fchmod(fd, mode), 0);
    close(fd);
}

/* The text of a key file for a freshly created identity, then the file is
 * removed so the test can write its own variant. */
static void s_fresh_text(char *text)
{
    node_identity_t id;
    cr_assert_eq(identity_create(path, &id), 0);
    s_read_file(path, text);
    unlink(path);
}

Test(identity, usage_create_then_load_gives_the_same_keys)
{
    node_identity_t made, loaded;
    cr_assert_eq(identity_create(path, &made), 0);
    memset(&loaded, 0, sizeof loaded);
    cr_assert_eq(identity_load(path, &loaded), 0);
    cr_assert_eq(memcmp(made.node_id, loaded.node_id, IDENTITY_ID_LEN), 0);
    cr_assert_eq(memcmp(made.public_key, loaded.public_key, IDENTITY_KEY_LEN),
                 0);
    cr_assert_eq(memcmp(made.secret_key, loaded.secret_key, IDENTITY_KEY_LEN),
                 0);
    identity_wipe(&loaded);
    uint8_t zero[IDENTITY_KEY_LEN] = {0};
    cr_assert_eq(memcmp(loaded.secret_key, zero, sizeof zero), 0,
                 "wipe clears the secret key");
    identity_wipe(&made);
}

Test(identity, public_key_matches_the_secret_key)
{
    node_identity_t id;
    cr_assert_eq(identity_create(path, &id), 0);
    uint8_t derived[IDENTITY_KEY_LEN];
    cr_assert_eq(crypto_scalarmult_base(derived, id.secret_key), 0);
    cr_assert_eq(memcmp(derived, id.public_key, sizeof derived), 0);
    uint8_t zero[IDENTITY_ID_LEN] = {0};
    cr_assert_neq(memcmp(id.node_id, zero, sizeof zero), 0);
    identity_wipe(&id);
}

Test(identity, two_identities_differ)
{
    node_identity_t a, b;
    char p2[1100];
    snprintf(p2, sizeof p2, "%s.second", path);
    cr_assert_eq(identity_create(path, &a), 0);
    cr_assert_eq(identity_create(p2, &b), 0);
    cr_assert_neq(memcmp(a.node_id, b.node_id, IDENTITY_ID_LEN), 0);
    cr_assert_neq(memcmp(a.public_key, b.public_key, IDENTITY_KEY_LEN), 0);
}

Test(identity, key_file_has_mode_0600)
{
    node_identity_t id;
    cr_assert_eq(identity_create(path, &id), 0);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0600, "mode %o",
                 (unsigned)(st.st_mode & 07777));
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    cr_assert_neq(access(tmp, F_OK), 0, "no temporary file left behind");
}

Test(identity, create_refuses_to_overwrite_and_leaves_the_file_unchanged)
{
    node_identity_t first, second;
    cr_assert_eq(identity_create(path, &first), 0);
    static char before[S_TEXT_MAX], after[S_TEXT_MAX];
    size_t nb = s_read_file(path, before);
    memset(&second, 0x5a, sizeof second);
    cr_assert_eq(identity_create(path, &second), XY_EEXIST);
    size_t na = s_read_file(path, after);
    cr_assert_eq(na, nb);
    cr_assert_eq(memcmp(before, after, nb), 0);
    node_identity_t loaded;
    cr_assert_eq(identity_load(path, &loaded), 0);
    cr_assert_eq(memcmp(loaded.node_id, first.node_id, IDENTITY_ID_LEN), 0);
}

Test(identity, file_readable_by_others_is_refused)
{
    node_identity_t id;
    cr_assert_eq(identity_create(path, &id), 0);
    cr_assert_eq(chmod(path, 0644), 0);
    node_identity_t loaded;
    cr_assert_eq(identity_load(path, &loaded), XY_EPERM);
    cr_assert_eq(chmod(path, 0660), 0);
    cr_assert_eq(identity_load(path, &loaded), XY_EPERM);
    cr_assert_eq(chmod(path, 0600), 0);
    cr_assert_eq(identity_load(path, &loaded), 0);
}

Test(identity, missing_file_is_enoent)
{
    node_identity_t id;
    cr_assert_eq(identity_load(path, &id), XY_ENOENT);
}

/* Loads the key file and expects XY_EKEYFILE; why names the damage. */
static void s_expect_keyfile(const char *why)
{
    node_identity_t id;
    int rc = identity_load(path, &id);
    cr_assert_eq(rc, XY_EKEYFILE, "%s: got %s", why, xy_errname(rc));
}

/* Replaces the first occurrence of key= value's character at offset off
 * by c. */
static void s_poke(char *text, const char *key, size_t off, char c)
{
    char *p = strstr(text, key);
    cr_assert_not_null(p);
    p += strlen(key) + 1 + off;
    *p = c;
}

Test(identity, bad_hex_is_a_bad_key_file)
{
    static char text[S_TEXT_MAX];
    s_fresh_text(text);
    s_poke(text, "secret_key", 5, 'g');
    s_write_file(text, strlen(text), 0600);
    s_expect_keyfile("non-hex digit");
}

Test(identity, short_value_is_a_bad_key_file)
{
    static char text[S_TEXT_MAX];
    s_fresh_text(text);
    char *p = strstr(text, "node_id=");
    cr_assert_not_null(p);
    /* Drop the last digit of the node id. */
    char *nl = strchr(p, '\n');
    memmove(nl - 1, nl, strlen(nl) + 1);
    s_write_file(text, strlen(text), 0600);
    s_expect_keyfile("31 hex digits");
}

Test(identity, missing_line_is_a_bad_key_file)
{
    static char text[S_TEXT_MAX];
    s_fresh_text(text);
    char *p = strstr(text, "secret_key=");
    cr_assert_not_null(p);
    *p = '\0';
    s_write_file(text, strlen(text), 0600);
    s_expect_keyfile("no secret_key line");
}

Test(identity, unknown_line_is_a_bad_key_file)
{
    static char text[S_TEXT_MAX];
    s_fresh_text(text);
    strcat(text, "colour=blue\n");
    s_write_file(text, strlen(text), 0600);
    s_expect_keyfile("unknown key");
}

Test(identity, public_key_not_matching_the_secret_is_a_bad_key_file)
{
    static char text[S_TEXT_MAX];
    s_fresh_text(text);
    char *p = strstr(text, "public_key=");
    cr_assert_not_null(p);
    p += strlen("public_key=");
    *p = *p == '0' ? '1' : '0';
    s_write_file(text, strlen(text), 0600);
    s_expect_keyfile("public key of another secret");
}

Test(identity, empty_file_is_a_bad_key_file)
{
    s_write_file("", 0, 0600);
    s_expect_keyfile("empty file");
}

Test(identity, oversized_file_is_a_bad_key_file)
{
    static char text[S_TEXT_MAX];
    s_fresh_text(text);
    size_t n = strlen(text);
    /* Pad with comment lines past the 4 KiB limit: valid content, too big. */
    while (n < 5000) {
        memcpy(text + n, "# padding\n", 10);
        n += 10;
    }
    text[n] = '\0';
    s_write_file(text, n, 0600);
    s_expect_keyfile("oversized file");
}
