/* Incident data keys at the command line and the sealing of personal data
 * (app.h): `key create|list|export|import`, the passphrase (from
 * $XINYUAN_PASSPHRASE or --passphrase-file, never the command line), the
 * keyring a command opens names with, and the sealing `person add` does
 * with --name, --phone, --id-number, --notes, --birth-year. */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "core/keystore.h"
#include "domain/pinyin.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Reads the passphrase from file (mode 0600, at most KEYSTORE_PASS_MAX
 * bytes, one trailing newline dropped) or $XINYUAN_PASSPHRASE into buf.
 * Returns 0 with buf[0] == '\0' when neither is given, or an exit status. */
static int s_passphrase(app_t *app, const char *file, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (!file) {
        const char *env = getenv("XINYUAN_PASSPHRASE");
        if (env && strlen(env) >= cap)
            return app_fail(app, APP_EXIT_USAGE, "XINYUAN_PASSPHRASE is "
                            "longer than %d bytes", KEYSTORE_PASS_MAX);
        if (env)
            snprintf(buf, cap, "%s", env);
        return 0;
    }
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return app_fail(app, APP_EXIT_FAIL, "%s: %s", file, strerror(errno));
    struct stat st;
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && !(st.st_mode & (S_IRWXG | S_IRWXO)))
        n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0)
        return app_fail(app, APP_EXIT_FAIL, "%s: cannot read, or readable by "
                        "group or others (chmod 600)", file);
    if ((size_t)n == cap - 1)
        return app_fail(app, APP_EXIT_FAIL, "%s: longer than %d bytes", file,
                        KEYSTORE_PASS_MAX);
    buf[n] = '\0';
    if (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    return 0;
}

int app_keyring_load(app_t *app, const char *pass_file,
                     personal_keyring_t *ring, bool required)
{
    ring->n = 0;
    char pass[KEYSTORE_PASS_MAX + 2];
    int rc = s_passphrase(app, pass_file, pass, sizeof pass);
    if (rc)
        return rc;
    if (!pass[0])
        return required ? app_fail(app, APP_EXIT_USAGE, "personal data needs "
                                   "the data keys: set XINYUAN_PASSPHRASE or "
                                   "give --passphrase-file FILE")
                        : 0;
    keystore_key_t *keys = xcalloc(KEYSTORE_MAX_KEYS, sizeof *keys);
    size_t n = 0;
    char err[512];
    rc = keystore_load_all(app_data_dir(app), pass, keys, KEYSTORE_MAX_KEYS,
                           &n, err, sizeof err);
    sodium_memzero(pass, sizeof pass);
    for (size_t i = 0; i < n && i < PERSONAL_KEYRING_MAX; i++) {
        memcpy(ring->keys[i].incident, keys[i].incident, DOMAIN_ID_LEN);
        memcpy(ring->keys[i].key_id, keys[i].key_id, DOMAIN_ID_LEN);
        memcpy(ring->keys[i].key, keys[i].key, PERSONAL_KEY_LEN);
        ring->n++;
    }
    sodium_memzero(keys, KEYSTORE_MAX_KEYS * sizeof *keys);
    free(keys);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "data keys: %s", err);
    return 0;
}

static uint64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int app_personal_seal(app_t *app, const app_personal_opts_t *o,
                      const domain_id_t *incident, const domain_id_t *person,
                      int age_band, personal_sealed_t *out)
{
    personal_keyring_t *ring = xcalloc(1, sizeof *ring);
    personal_data_t *pd = xcalloc(1, sizeof *pd);
    pinyin_table_t *py = NULL;
    char phonetic[PERSONAL_PHONETIC_MAX + 1], initials[64], ih[DOMAIN_ID_HEX];
    int rc = app_keyring_load(app, o->passphrase_file, ring, true);
    if (rc)
        goto out;
    const personal_key_t *key = personal_keyring_for(ring, incident->b);
    if (!key) {
        domain_id_format(incident, ih);
        rc = app_fail(app, APP_EXIT_FAIL, "no data key for incident %s here: "
                      "run 'key create --incident %s' or import the "
                      "coordinator's key", ih, ih);
        goto out;
    }
    int line = 0;
    rc = pinyin_table_load(&py, PINYIN_TABLE_PATH, &line);
    if (!rc)
        rc = pinyin_of(py, o->name ? o->name : "", phonetic, sizeof phonetic,
                       initials, sizeof initials);
    if (rc) {
        rc = app_fail(app, APP_EXIT_FAIL, "--name: cannot spell it in pinyin "
                      "(%s; table %s line %d)", xy_strerror(rc),
                      PINYIN_TABLE_PATH, line);
        goto out;
    }
    personal_input_t in = {o->name, o->phone, o->id_number, o->notes,
                           phonetic, 0};
    if (o->birth_year) {
        char *end = NULL;
        long y = strtol(o->birth_year, &end, 10);
        if (!end || *end || end == o->birth_year || y < 1 || y > 9999) {
            rc = app_fail(app, APP_EXIT_USAGE, "person add: --birth-year '%s' "
                          "is not a year", o->birth_year);
            goto out;
        }
        in.birth_year = (int)y;
    }
    domain_error_t err;
    rc = personal_check(&in, age_band, s_now_ms(), pd, &err);
    if (rc) {
        rc = app_fail(app, APP_EXIT_FAIL, "person add: --%s: %s",
                      strcmp(err.field, "id_number") == 0    ? "id-number"
                      : strcmp(err.field, "birth_year") == 0 ? "birth-year"
                                                             : err.field,
                      err.msg);
        goto out;
    }
    uint8_t nonce[PERSONAL_NONCE_LEN];
    randombytes_buf(nonce, sizeof nonce);
    rc = personal_seal(key, person->b, pd, initials, nonce, out);
    if (rc)
        rc = app_fail(app, APP_EXIT_FAIL, "person add: sealing: %s",
                      xy_strerror(rc));
out:
    pinyin_table_destroy(&py);
    personal_data_wipe(pd);
    personal_keyring_wipe(ring);
    sodium_memzero(phonetic, sizeof phonetic);
    free(pd);
    free(ring);
    return rc;
}

static int s_key_create(app_t *app, const char *inc_hex, const char *pfile)
{
    domain_id_t inc;
    if (!inc_hex || domain_id_parse(&inc, inc_hex))
        return app_fail(app, APP_EXIT_USAGE, "key create: --incident needs "
                        "an incident id of 32 hex digits");
    char pass[KEYSTORE_PASS_MAX + 2];
    int rc = s_passphrase(app, pfile, pass, sizeof pass);
    if (rc)
        return rc;
    if (!pass[0])
        return app_fail(app, APP_EXIT_USAGE, "key create: set "
                        "XINYUAN_PASSPHRASE or give --passphrase-file FILE");
    keystore_key_t k;
    rc = keystore_create(app_data_dir(app), inc.b, pass, &k);
    sodium_memzero(pass, sizeof pass);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "key create: %s%s",
                        xy_strerror(rc), rc == XY_EINVAL
                                             ? " (the passphrase must be 8 "
                                               "to 1024 bytes)"
                                             : "");
    char kid[33];
    xy_hex(kid, k.key_id, 16);
    keystore_key_wipe(&k);
    printf(app_json(app) ? "{\"incident\": \"%s\", \"key_id\": \"%s\"}\n"
                         : "created data key for incident %s: key id %s\n",
           inc_hex, kid);
    return 0;
}

static int s_key_list(app_t *app)
{
    keystore_entry_t e[KEYSTORE_MAX_KEYS];
    size_t n = 0;
    int rc = keystore_list(app_data_dir(app), e, KEYSTORE_MAX_KEYS, &n);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "key list: %s", xy_strerror(rc));
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char inc[33], kid[33];
        json_array_append_new(arr, json_pack("{s:s, s:s}", "incident",
                                             xy_hex(inc, e[i].incident, 16),
                                             "key_id",
                                             xy_hex(kid, e[i].key_id, 16)));
        if (!app_json(app))
            printf("%s  %s\n", inc, kid);
    }
    if (app_json(app)) {
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
    }
    json_decref(arr);
    return 0;
}

/* key export --incident ID --to PUBKEY_HEX: every key of the incident,
 * one line each, sealed to the recipient node. */
static int s_key_export(app_t *app, const char *inc_hex, const char *to,
                        const char *pfile)
{
    domain_id_t inc;
    uint8_t pk[32];
    if (!inc_hex || domain_id_parse(&inc, inc_hex))
        return app_fail(app, APP_EXIT_USAGE, "key export: --incident needs "
                        "an incident id of 32 hex digits");
    if (!to || xy_unhex(pk, sizeof pk, to))
        return app_fail(app, APP_EXIT_USAGE, "key export: --to needs the "
                        "recipient node's public key (64 hex digits, from "
                        "its 'status')");
    personal_keyring_t *ring = xcalloc(1, sizeof *ring);
    int rc = app_keyring_load(app, pfile, ring, true), found = 0;
    for (size_t i = 0; !rc && i < ring->n; i++) {
        if (memcmp(ring->keys[i].incident, inc.b, DOMAIN_ID_LEN) != 0)
            continue;
        keystore_key_t k;
        memcpy(k.incident, ring->keys[i].incident, 16);
        memcpy(k.key_id, ring->keys[i].key_id, 16);
        memcpy(k.key, ring->keys[i].key, 32);
        char text[KEYSTORE_EXPORT_MAX];
        rc = keystore_export(&k, pk, text, sizeof text);
        keystore_key_wipe(&k);
        if (rc)
            rc = app_fail(app, APP_EXIT_FAIL, "key export: %s",
                          xy_strerror(rc));
        else
            fputs(text, stdout), found++;
    }
    personal_keyring_wipe(ring);
    free(ring);
    if (!rc && !found)
        rc = app_fail(app, APP_EXIT_FAIL, "key export: no data key for "
                      "incident %s here", inc_hex);
    return rc;
}

static int s_key_import(app_t *app, const char *file, const char *pfile)
{
    FILE *f = file ? fopen(file, "r") : NULL;
    if (!f)
        return app_fail(app, file ? APP_EXIT_FAIL : APP_EXIT_USAGE,
                        "key import: %s: %s", file ? file : "FILE",
                        file ? strerror(errno) : "say which file");
    char pass[KEYSTORE_PASS_MAX + 2];
    int rc = s_passphrase(app, pfile, pass, sizeof pass), line = 0;
    if (!rc && !pass[0])
        rc = app_fail(app, APP_EXIT_USAGE, "key import: set "
                      "XINYUAN_PASSPHRASE or give --passphrase-file FILE");
    char text[KEYSTORE_EXPORT_MAX + 2];
    const node_identity_t *id = node_identity(app_node(app));
    while (!rc && fgets(text, sizeof text, f) && line < KEYSTORE_MAX_KEYS) {
        line++;
        keystore_key_t k;
        rc = keystore_import(text, strlen(text), id->public_key,
                             id->secret_key, &k);
        if (!rc)
            rc = keystore_save(app_data_dir(app), &k, pass);
        keystore_key_wipe(&k);
        if (rc == XY_EEXIST)
            rc = 0;
        else if (rc)
            rc = app_fail(app, APP_EXIT_FAIL, "key import: %s:%d: %s%s", file,
                          line, xy_strerror(rc),
                          rc == XY_ECRYPTO ? " (not sealed to this node, or "
                                             "altered)"
                                           : "");
    }
    sodium_memzero(pass, sizeof pass);
    fclose(f);
    if (!rc)
        printf("imported %d data key(s) from %s\n", line, file);
    return rc;
}

enum { K_INCIDENT, K_TO, K_PASSFILE, K_N };

int app_cmd_key(app_t *app, int argc, char **argv)
{
    static const char *const subs[] = {"create", "list", "export", "import"};
    int sub = -1;
    for (int i = 0; argc >= 2 && i < 4; i++)
        if (strcmp(argv[1], subs[i]) == 0)
            sub = i;
    if (sub < 0)
        return app_fail(app, APP_EXIT_USAGE, "key: say create, list, export "
                        "or import (see --help)");
    static const struct option opts[] = {
        {"incident", required_argument, NULL, K_INCIDENT},
        {"to", required_argument, NULL, K_TO},
        {"passphrase-file", required_argument, NULL, K_PASSFILE},
        {NULL, 0, NULL, 0},
    };
    const char *v[K_N] = {0}, *file = NULL;
    int skip = 1;
    if (sub == 3 && argc >= 3 && argv[2][0] != '-') {
        file = argv[2];
        skip = 2;
    }
    int rc = app_parse_opts(app, argc - skip, argv + skip, opts, v);
    if (rc)
        return rc;
    if (sub == 0)
        return s_key_create(app, v[K_INCIDENT], v[K_PASSFILE]);
    if (sub == 1)
        return s_key_list(app);
    if (sub == 2)
        return s_key_export(app, v[K_INCIDENT], v[K_TO], v[K_PASSFILE]);
    return s_key_import(app, file, v[K_PASSFILE]);
}
