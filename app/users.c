/* The node's users (users.h): roles and their permissions, users.json read
 * and written whole, passwords hashed and checked with libsodium. */
#include "app/users.h"
#include "common/xy_error.h"
#include "common/xy_file.h"
#include "domain/domain_event.h"

#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const s_roles[USERS_ROLES] = {
    "commander", "team_leader", "field_worker", "community_worker",
    "observer"};

/* docs/api.md, "Roles and permissions". */
static const unsigned s_perms[USERS_ROLES] = {
    [USERS_COMMANDER] = USERS_P_READ | USERS_P_PERSONS | USERS_P_ACK_FLAGS |
                        USERS_P_TEAMS_EDIT | USERS_P_AUDIT,
    [USERS_TEAM_LEADER] = USERS_P_READ | USERS_P_PERSONS | USERS_P_PERSONAL |
                          USERS_P_REGISTER | USERS_P_ACK_ORDERS |
                          USERS_P_HANDOFF | USERS_P_FOLLOWUP,
    [USERS_FIELD_WORKER] = USERS_P_READ | USERS_P_PERSONS |
                           USERS_P_PERSONAL | USERS_P_REGISTER |
                           USERS_P_HANDOFF,
    [USERS_COMMUNITY_WORKER] = USERS_P_READ | USERS_P_PERSONS |
                               USERS_P_PERSONAL | USERS_P_FOLLOWUP,
    [USERS_OBSERVER] = USERS_P_READ,
};

static const char *const s_perm_names[USERS_P_COUNT] = {
    "read",       "persons", "personal",   "register", "ack_flags",
    "ack_orders", "handoff", "teams_edit", "followup", "audit"};

int users_role_parse(const char *text, users_role_t *out)
{
    for (int i = 0; text && i < USERS_ROLES; i++)
        if (strcmp(text, s_roles[i]) == 0) {
            *out = (users_role_t)i;
            return 0;
        }
    return XY_EINVAL;
}

const char *users_role_name(users_role_t role)
{
    return (unsigned)role < USERS_ROLES ? s_roles[role] : "unknown";
}

const char *users_role_names(void)
{
    return "commander, team_leader, field_worker, community_worker, "
           "observer";
}

unsigned users_role_perms(users_role_t role)
{
    return (unsigned)role < USERS_ROLES ? s_perms[role] : 0;
}

const char *users_perm_name(unsigned bit)
{
    for (unsigned i = 0; i < USERS_P_COUNT; i++)
        if (bit == 1u << i)
            return s_perm_names[i];
    return "unknown";
}

int users_name_check(const char *name)
{
    domain_error_t err;
    int rc = domain_text_check(name, USERS_NAME_MAX, true, "user", &err);
    if (rc)
        return rc == XY_ETOOBIG ? XY_ETOOBIG : XY_EINVAL;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '/' || *p == ':')
            return XY_EINVAL;
    return 0;
}

static void s_path(char *out, size_t len, const char *dir, const char *file)
{
    snprintf(out, len, "%s/%s", dir, file);
}

static int s_fail(char *err, size_t errlen, int rc, const char *path,
                  const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", path, what);
    return rc;
}

/* Reads one {"name", "role", "hash"} entry into e. */
static int s_entry(json_t *o, users_entry_t *e)
{
    const char *name = json_string_value(json_object_get(o, "name"));
    const char *role = json_string_value(json_object_get(o, "role"));
    const char *hash = json_string_value(json_object_get(o, "hash"));
    if (!name || users_name_check(name) || users_role_parse(role, &e->role) ||
        !hash || strlen(hash) >= sizeof e->hash)
        return XY_EPARSE;
    snprintf(e->name, sizeof e->name, "%s", name);
    snprintf(e->hash, sizeof e->hash, "%s", hash);
    return 0;
}

int users_load(users_t *out, const char *dir, char *err, size_t errlen)
{
    char path[4200];
    s_path(path, sizeof path, dir, USERS_FILE);
    out->n = 0;
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (st.st_mode & 077)
        return s_fail(err, errlen, XY_EPERM, path,
                      "group or others may read it (chmod 600)");
    if (st.st_size > USERS_FILE_MAX)
        return s_fail(err, errlen, XY_ETOOBIG, path, "larger than 256 KiB");
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    json_t *arr = json_object_get(root, "users");
    if (!root || !json_is_array(arr) || json_array_size(arr) > USERS_MAX) {
        json_decref(root);
        return s_fail(err, errlen, root ? XY_EPARSE : XY_EIO, path,
                      root ? "no \"users\" array of at most 256"
                           : je.text);
    }
    size_t i;
    json_t *o;
    int rc = 0;
    json_array_foreach(arr, i, o)
    {
        if (s_entry(o, &out->items[out->n])) {
            char what[64];
            snprintf(what, sizeof what, "user %zu is not {name, role, hash}",
                     i + 1);
            rc = s_fail(err, errlen, XY_EPARSE, path, what);
            out->n = 0;
            break;
        }
        out->n++;
    }
    json_decref(root);
    return rc;
}

int users_save(const users_t *u, const char *dir)
{
    char path[4200], tmp[4300];
    s_path(path, sizeof path, dir, USERS_FILE);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    json_t *arr = json_array();
    for (size_t i = 0; i < u->n; i++)
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s}", "name", u->items[i].name,
                           "role", users_role_name(u->items[i].role), "hash",
                           u->items[i].hash));
    json_t *root = json_pack("{s:i, s:o}", "version", 1, "users", arr);
    char *text = json_dumps(root, JSON_INDENT(2));
    json_decref(root);
    if (!text)
        return XY_ENOMEM;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = fd < 0 ? XY_EIO : 0;
    if (!rc)
        rc = xy_write_all(fd, text, strlen(text));
    if (!rc && (fchmod(fd, 0600) || fsync(fd)))
        rc = XY_EIO;
    if (fd >= 0 && close(fd) && !rc)
        rc = XY_EIO;
    if (!rc && rename(tmp, path))
        rc = XY_EIO;
    if (rc)
        unlink(tmp);
    sodium_memzero(text, strlen(text));
    free(text);
    return rc;
}

users_entry_t *users_find(users_t *u, const char *name)
{
    for (size_t i = 0; name && i < u->n; i++)
        if (strcmp(u->items[i].name, name) == 0)
            return &u->items[i];
    return NULL;
}

static int s_hash(char out[USERS_HASH_MAX], const char *pw)
{
    size_t n = strlen(pw);
    if (n < USERS_PASSWORD_MIN || n > USERS_PASSWORD_MAX)
        return XY_ERANGE;
    if (crypto_pwhash_str(out, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE))
        return XY_ENOMEM;
    return 0;
}

int users_add(users_t *u, const char *name, users_role_t role,
              const char *pw)
{
    int rc = users_name_check(name);
    if (rc)
        return XY_EINVAL;
    if (users_find(u, name))
        return XY_EEXIST;
    if (u->n == USERS_MAX)
        return XY_ETOOBIG;
    users_entry_t *e = &u->items[u->n];
    rc = s_hash(e->hash, pw);
    if (rc)
        return rc;
    snprintf(e->name, sizeof e->name, "%s", name);
    e->role = role;
    u->n++;
    return 0;
}

int users_set_password(users_t *u, const char *name, const char *pw)
{
    users_entry_t *e = users_find(u, name);
    if (!e)
        return XY_ENOENT;
    char hash[USERS_HASH_MAX];
    int rc = s_hash(hash, pw);
    if (!rc)
        memcpy(e->hash, hash, sizeof hash);
    return rc;
}

int users_remove(users_t *u, const char *name)
{
    users_entry_t *e = users_find(u, name);
    if (!e)
        return XY_ENOENT;
    size_t i = (size_t)(e - u->items);
    memmove(&u->items[i], &u->items[i + 1],
            (u->n - i - 1) * sizeof u->items[0]);
    u->n--;
    return 0;
}

bool users_verify(const users_t *u, const char *name, const char *pw,
                  users_role_t *role)
{
    /* A hash of no password anyone has, checked when the user is unknown
     * so that both answers take the same time. */
    static char dummy[USERS_HASH_MAX];
    if (!dummy[0] &&
        crypto_pwhash_str(dummy, "xinyuan-no-such-user", 20,
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE))
        return false;
    const users_entry_t *e = NULL;
    for (size_t i = 0; name && i < u->n; i++)
        if (strcmp(u->items[i].name, name) == 0)
            e = &u->items[i];
    size_t n = pw ? strlen(pw) : 0;
    bool ok = n <= USERS_PASSWORD_MAX &&
              crypto_pwhash_str_verify(e ? e->hash : dummy, pw ? pw : "",
                                       n) == 0;
    if (!e || !ok)
        return false;
    *role = e->role;
    return true;
}

void users_stamp(const char *dir, struct timespec *mtime, int64_t *size)
{
    char path[4200];
    s_path(path, sizeof path, dir, USERS_FILE);
    struct stat st;
    if (stat(path, &st) != 0) {
        *mtime = (struct timespec){0, 0};
        *size = 0;
        return;
    }
    *mtime = st.st_mtim;
    *size = (int64_t)st.st_size;
}
