/* Wrapped incident data keys (keystore.h). A key file is text:
 *   # comment lines
 *   format=1
 *   incident=<32 hex>   key_id=<32 hex>
 *   salt=<32 hex>       opslimit=<n>   memlimit=<n>   (Argon2id)
 *   nonce=<48 hex>      wrapped=<96 hex>  (XChaCha20-Poly1305 of the key)
 * The additional data of the wrapping is "xinyuan-key-v1" | incident |
 * key_id, so a wrapped key cannot be relabelled for another incident. */
#include "core/keystore.h"
#include "common/xy_error.h"
#include "common/xy_file.h"
#include "common/xy_mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_PATH_MAX 4096
#define S_FILE_MAX 4096
#define S_SALT_LEN crypto_pwhash_SALTBYTES
#define S_NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define S_WRAPPED_LEN \
    (KEYSTORE_KEY_LEN + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define S_AD_TAG "xinyuan-key-v1"
#define S_EXPORT_TAG "xinyuan-data-key-v1 "
#define S_PLAIN_LEN (2 * KEYSTORE_ID_LEN + KEYSTORE_KEY_LEN)
#define S_SEALED_LEN (S_PLAIN_LEN + crypto_box_SEALBYTES)
/* Bounds on parameters read from a file, so a crafted file cannot make the
 * derivation take all memory or all night. */
#define S_OPS_MAX crypto_pwhash_OPSLIMIT_SENSITIVE
#define S_MEM_MAX ((uint64_t)crypto_pwhash_MEMLIMIT_SENSITIVE)

typedef struct s_file {
    keystore_entry_t id;       /* incident and key id */
    uint8_t salt[S_SALT_LEN];  /* Argon2id salt */
    uint64_t opslimit;         /* Argon2id passes */
    uint64_t memlimit;         /* Argon2id memory in bytes */
    uint8_t nonce[S_NONCE_LEN];
    uint8_t wrapped[S_WRAPPED_LEN];
} s_file_t;

void keystore_key_wipe(keystore_key_t *key)
{
    if (key)
        sodium_memzero(key->key, sizeof key->key);
}

static void s_ad(uint8_t ad[sizeof S_AD_TAG - 1 + 2 * KEYSTORE_ID_LEN],
                 const keystore_entry_t *id)
{
    memcpy(ad, S_AD_TAG, sizeof S_AD_TAG - 1);
    memcpy(ad + sizeof S_AD_TAG - 1, id->incident, KEYSTORE_ID_LEN);
    memcpy(ad + sizeof S_AD_TAG - 1 + KEYSTORE_ID_LEN, id->key_id,
           KEYSTORE_ID_LEN);
}

static int s_kek(uint8_t kek[32], const char *pass, const s_file_t *f)
{
    if (crypto_pwhash(kek, 32, pass, strlen(pass), f->salt, f->opslimit,
                      (size_t)f->memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return XY_ECRYPTO;
    return 0;
}

static int s_pass_ok(const char *pass)
{
    size_t n = pass ? strlen(pass) : 0;
    return n >= KEYSTORE_PASS_MIN && n <= KEYSTORE_PASS_MAX ? 0 : XY_EINVAL;
}

static int s_key_path(char out[S_PATH_MAX], const char *dir,
                      const keystore_entry_t *id)
{
    char inc[33], kid[33];
    int n = snprintf(out, S_PATH_MAX, "%s/keys/%s-%s.key", dir,
                     xy_hex(inc, id->incident, KEYSTORE_ID_LEN),
                     xy_hex(kid, id->key_id, KEYSTORE_ID_LEN));
    return n > 0 && n < S_PATH_MAX ? 0 : XY_EINVAL;
}

/* Writes text to path with mode 0600 through a temporary file; link()
 * refuses an existing target, so a key is never replaced. */
static int s_write_new(const char *path, const char *text, size_t len)
{
    char tmp[S_PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return XY_EIO;
    int rc = xy_write_all(fd, text, len);
    if (!rc && fsync(fd) != 0)
        rc = XY_EIO;
    close(fd);
    if (!rc && link(tmp, path) != 0)
        rc = errno == EEXIST ? XY_EEXIST : XY_EIO;
    unlink(tmp);
    return rc;
}

int keystore_save(const char *data_dir, const keystore_key_t *key,
                  const char *passphrase)
{
    if (sodium_init() < 0)
        return XY_ECRYPTO;
    if (s_pass_ok(passphrase))
        return XY_EINVAL;
    s_file_t f = {0};
    memcpy(f.id.incident, key->incident, KEYSTORE_ID_LEN);
    memcpy(f.id.key_id, key->key_id, KEYSTORE_ID_LEN);
    char path[S_PATH_MAX], keys[S_PATH_MAX];
    if (s_key_path(path, data_dir, &f.id))
        return XY_EINVAL;
    snprintf(keys, sizeof keys, "%s/keys", data_dir);
    if (mkdir(keys, 0700) != 0 && errno != EEXIST)
        return XY_EIO;
    if (access(path, F_OK) == 0)
        return XY_EEXIST;
    randombytes_buf(f.salt, sizeof f.salt);
    randombytes_buf(f.nonce, sizeof f.nonce);
    f.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    f.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    uint8_t kek[32], ad[sizeof S_AD_TAG - 1 + 2 * KEYSTORE_ID_LEN];
    int rc = s_kek(kek, passphrase, &f);
    if (rc)
        goto out;
    s_ad(ad, &f.id);
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        f.wrapped, NULL, key->key, KEYSTORE_KEY_LEN, ad, sizeof ad, NULL,
        f.nonce, kek);
    char inc[33], kid[33], salt[2 * S_SALT_LEN + 1], nonce[2 * S_NONCE_LEN + 1],
        wr[2 * S_WRAPPED_LEN + 1], text[1024];
    int n = snprintf(
        text, sizeof text,
        "# Xinyuan incident data key, wrapped under a passphrase (Argon2id, "
        "XChaCha20-Poly1305).\n# Keep mode 0600. docs/personal-data.md\n"
        "format=1\nincident=%s\nkey_id=%s\nsalt=%s\nopslimit=%" PRIu64
        "\nmemlimit=%" PRIu64 "\nnonce=%s\nwrapped=%s\n",
        xy_hex(inc, f.id.incident, KEYSTORE_ID_LEN),
        xy_hex(kid, f.id.key_id, KEYSTORE_ID_LEN),
        xy_hex(salt, f.salt, S_SALT_LEN), f.opslimit, f.memlimit,
        xy_hex(nonce, f.nonce, S_NONCE_LEN),
        xy_hex(wr, f.wrapped, S_WRAPPED_LEN));
    rc = n > 0 && (size_t)n < sizeof text ? s_write_new(path, text, (size_t)n)
                                           : XY_EINVAL;
out:
    sodium_memzero(kek, sizeof kek);
    return rc;
}

int keystore_create(const char *data_dir, const uint8_t incident[16],
                    const char *passphrase, keystore_key_t *out)
{
    if (sodium_init() < 0)
        return XY_ECRYPTO;
    keystore_key_t k;
    memcpy(k.incident, incident, KEYSTORE_ID_LEN);
    randombytes_buf(k.key_id, sizeof k.key_id);
    crypto_aead_xchacha20poly1305_ietf_keygen(k.key);
    int rc = keystore_save(data_dir, &k, passphrase);
    if (!rc && out)
        *out = k;
    keystore_key_wipe(&k);
    return rc;
}

static int s_u64(const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || !end || end == s || *end)
        return XY_EKEYFILE;
    *out = v;
    return 0;
}

static int s_field(s_file_t *f, const char *name, const char *val,
                   unsigned *seen)
{
    static const char *const names[] = {"format", "incident", "key_id",
                                        "salt", "opslimit", "memlimit",
                                        "nonce", "wrapped"};
    unsigned i = 0;
    while (i < 8 && strcmp(names[i], name) != 0)
        i++;
    if (i == 8 || (*seen & (1u << i)))
        return XY_EKEYFILE;
    *seen |= 1u << i;
    switch (i) {
    case 0:
        return strcmp(val, "1") == 0 ? 0 : XY_EKEYFILE;
    case 1:
        return xy_unhex(f->id.incident, KEYSTORE_ID_LEN, val) ? XY_EKEYFILE
                                                               : 0;
    case 2:
        return xy_unhex(f->id.key_id, KEYSTORE_ID_LEN, val) ? XY_EKEYFILE : 0;
    case 3:
        return xy_unhex(f->salt, S_SALT_LEN, val) ? XY_EKEYFILE : 0;
    case 4:
        return s_u64(val, &f->opslimit);
    case 5:
        return s_u64(val, &f->memlimit);
    case 6:
        return xy_unhex(f->nonce, S_NONCE_LEN, val) ? XY_EKEYFILE : 0;
    default:
        return xy_unhex(f->wrapped, S_WRAPPED_LEN, val) ? XY_EKEYFILE : 0;
    }
}

static int s_parse(char *text, s_file_t *f)
{
    unsigned seen = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *eq = strchr(line, '=');
        if (!eq)
            return XY_EKEYFILE;
        *eq = '\0';
        int rc = s_field(f, line, eq + 1, &seen);
        if (rc)
            return rc;
    }
    if (seen != 0xffu)
        return XY_EKEYFILE;
    if (f->opslimit < crypto_pwhash_OPSLIMIT_MIN || f->opslimit > S_OPS_MAX ||
        f->memlimit < crypto_pwhash_MEMLIMIT_MIN || f->memlimit > S_MEM_MAX)
        return XY_EKEYFILE;
    return 0;
}

static int s_read_file(const char *path, s_file_t *f)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? XY_ENOENT : XY_EIO;
    struct stat st;
    int rc = 0;
    char text[S_FILE_MAX + 1];
    if (fstat(fd, &st) != 0)
        rc = XY_EIO;
    else if (st.st_mode & (S_IRWXG | S_IRWXO))
        rc = XY_EPERM;
    else if (st.st_size <= 0 || st.st_size > S_FILE_MAX)
        rc = XY_EKEYFILE;
    if (!rc && read(fd, text, (size_t)st.st_size) != st.st_size)
        rc = XY_EIO;
    close(fd);
    if (!rc) {
        text[st.st_size] = '\0';
        rc = s_parse(text, f);
    }
    return rc;
}

static int s_entry_cmp(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(keystore_entry_t));
}

/* Key file names: 32 hex, '-', 32 hex, ".key". */
static int s_name_entry(const char *name, keystore_entry_t *e)
{
    char inc[33], kid[33];
    if (strlen(name) != 69 || name[32] != '-' ||
        strcmp(name + 65, ".key") != 0)
        return XY_ENOENT;
    memcpy(inc, name, 32);
    inc[32] = '\0';
    memcpy(kid, name + 33, 32);
    kid[32] = '\0';
    if (xy_unhex(e->incident, KEYSTORE_ID_LEN, inc) ||
        xy_unhex(e->key_id, KEYSTORE_ID_LEN, kid))
        return XY_ENOENT;
    return 0;
}

int keystore_list(const char *data_dir, keystore_entry_t *out, size_t max,
                  size_t *n)
{
    *n = 0;
    char keys[S_PATH_MAX];
    if (snprintf(keys, sizeof keys, "%s/keys", data_dir) >= S_PATH_MAX)
        return XY_EINVAL;
    DIR *d = opendir(keys);
    if (!d)
        return errno == ENOENT ? 0 : XY_EIO;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        keystore_entry_t e;
        if (s_name_entry(de->d_name, &e))
            continue;
        if (*n == max) {
            rc = XY_ETOOBIG;
            break;
        }
        out[(*n)++] = e;
    }
    closedir(d);
    qsort(out, *n, sizeof *out, s_entry_cmp);
    return rc;
}

static int s_unwrap(const char *dir, const keystore_entry_t *e,
                    const char *pass, keystore_key_t *out)
{
    char path[S_PATH_MAX];
    s_file_t f;
    if (s_key_path(path, dir, e))
        return XY_EINVAL;
    int rc = s_read_file(path, &f);
    if (rc)
        return rc;
    if (memcmp(&f.id, e, sizeof *e) != 0)
        return XY_EKEYFILE;
    uint8_t kek[32], ad[sizeof S_AD_TAG - 1 + 2 * KEYSTORE_ID_LEN];
    rc = s_kek(kek, pass, &f);
    s_ad(ad, &f.id);
    if (!rc && crypto_aead_xchacha20poly1305_ietf_decrypt(
                   out->key, NULL, NULL, f.wrapped, S_WRAPPED_LEN, ad,
                   sizeof ad, f.nonce, kek) != 0)
        rc = XY_ECRYPTO;
    sodium_memzero(kek, sizeof kek);
    if (!rc) {
        memcpy(out->incident, e->incident, KEYSTORE_ID_LEN);
        memcpy(out->key_id, e->key_id, KEYSTORE_ID_LEN);
    }
    return rc;
}

int keystore_load_all(const char *data_dir, const char *passphrase,
                      keystore_key_t *keys, size_t max, size_t *n,
                      char *err, size_t errlen)
{
    *n = 0;
    if (sodium_init() < 0)
        return XY_ECRYPTO;
    if (s_pass_ok(passphrase)) {
        snprintf(err, errlen, "the passphrase must be %d to %d bytes",
                 KEYSTORE_PASS_MIN, KEYSTORE_PASS_MAX);
        return XY_EINVAL;
    }
    keystore_entry_t *ents = xcalloc(KEYSTORE_MAX_KEYS, sizeof *ents);
    size_t count = 0;
    int rc = keystore_list(data_dir, ents, KEYSTORE_MAX_KEYS, &count);
    if (rc) {
        snprintf(err, errlen, "%s/keys: %s", data_dir, xy_strerror(rc));
        goto out;
    }
    for (size_t i = 0; i < count && *n < max; i++) {
        rc = s_unwrap(data_dir, &ents[i], passphrase, &keys[*n]);
        if (rc) {
            char path[S_PATH_MAX];
            s_key_path(path, data_dir, &ents[i]);
            snprintf(err, errlen, "%s: %s", path,
                     rc == XY_ECRYPTO ? "the passphrase does not open this "
                                        "key"
                                      : xy_strerror(rc));
            break;
        }
        (*n)++;
    }
out:
    free(ents);
    if (rc) {
        for (size_t i = 0; i < *n; i++)
            keystore_key_wipe(&keys[i]);
        *n = 0;
    }
    return rc;
}

int keystore_export(const keystore_key_t *key, const uint8_t recipient[32],
                    char *out, size_t cap)
{
    if (sodium_init() < 0)
        return XY_ECRYPTO;
    uint8_t plain[S_PLAIN_LEN], sealed[S_SEALED_LEN];
    if (cap < sizeof S_EXPORT_TAG + 2 * S_SEALED_LEN + 1)
        return XY_ETOOBIG;
    memcpy(plain, key->incident, KEYSTORE_ID_LEN);
    memcpy(plain + KEYSTORE_ID_LEN, key->key_id, KEYSTORE_ID_LEN);
    memcpy(plain + 2 * KEYSTORE_ID_LEN, key->key, KEYSTORE_KEY_LEN);
    int rc = crypto_box_seal(sealed, plain, sizeof plain, recipient)
                 ? XY_ECRYPTO
                 : 0;
    sodium_memzero(plain, sizeof plain);
    if (rc)
        return rc;
    memcpy(out, S_EXPORT_TAG, sizeof S_EXPORT_TAG - 1);
    xy_hex(out + sizeof S_EXPORT_TAG - 1, sealed, sizeof sealed);
    strcat(out, "\n");
    return 0;
}

int keystore_import(const char *text, size_t len, const uint8_t pk[32],
                    const uint8_t sk[32], keystore_key_t *out)
{
    if (sodium_init() < 0)
        return XY_ECRYPTO;
    size_t tag = sizeof S_EXPORT_TAG - 1;
    if (len > KEYSTORE_EXPORT_MAX || len < tag + 2 * S_SEALED_LEN ||
        memcmp(text, S_EXPORT_TAG, tag) != 0)
        return XY_EPARSE;
    size_t rest = len - tag;
    while (rest > 2 * S_SEALED_LEN &&
           (text[tag + rest - 1] == '\n' || text[tag + rest - 1] == '\r' ||
            text[tag + rest - 1] == ' '))
        rest--;
    char hex[2 * S_SEALED_LEN + 1];
    uint8_t sealed[S_SEALED_LEN], plain[S_PLAIN_LEN];
    if (rest != 2 * S_SEALED_LEN)
        return XY_EPARSE;
    memcpy(hex, text + tag, rest);
    hex[rest] = '\0';
    if (xy_unhex(sealed, sizeof sealed, hex))
        return XY_EPARSE;
    if (crypto_box_seal_open(plain, sealed, sizeof sealed, pk, sk) != 0)
        return XY_ECRYPTO;
    memcpy(out->incident, plain, KEYSTORE_ID_LEN);
    memcpy(out->key_id, plain + KEYSTORE_ID_LEN, KEYSTORE_ID_LEN);
    memcpy(out->key, plain + 2 * KEYSTORE_ID_LEN, KEYSTORE_KEY_LEN);
    sodium_memzero(plain, sizeof plain);
    return 0;
}
