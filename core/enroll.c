/* Enrolled agents (enroll.h). */
#include "core/enroll.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_FILE_MAX 4096

int enroll_name_check(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > ENROLL_NAME_MAX || name[0] == '.')
        return XY_EINVAL;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return XY_EINVAL;
    }
    return 0;
}

static int s_write(const char *dir, const enroll_entry_t *e)
{
    char nid[33], pk[65], path[4096], tmp[4200];
    json_t *o = json_pack("{s:s, s:s, s:s, s:b}", "name", e->name, "node_id",
                          xy_hex(nid, e->node_id, 16), "public_key",
                          xy_hex(pk, e->public_key, 32), "revoked",
                          e->revoked);
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(o);
    if (!text)
        return XY_ENOMEM;
    snprintf(path, sizeof path, "%s/%s.json", dir, e->name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int rc = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = XY_EIO;
    } else {
        size_t len = strlen(text);
        if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0)
            rc = XY_EIO;
        close(fd);
        if (!rc && rename(tmp, path) != 0)
            rc = XY_EIO;
        if (rc)
            unlink(tmp);
    }
    free(text);
    return rc;
}

int enroll_put(const char *dir, const enroll_entry_t *e)
{
    if (enroll_name_check(e->name))
        return XY_EINVAL;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return XY_EIO;
    enroll_list_t l;
    int rc = enroll_load(dir, &l, NULL);
    if (rc)
        return rc;
    for (size_t i = 0; i < l.n; i++) {
        if (strcmp(l.items[i].name, e->name) == 0)
            continue;
        if (!memcmp(l.items[i].public_key, e->public_key, 32) ||
            !memcmp(l.items[i].node_id, e->node_id, 16)) {
            enroll_list_free(&l);
            return XY_EEXIST;
        }
    }
    enroll_list_free(&l);
    enroll_entry_t copy = *e;
    copy.revoked = false;
    return s_write(dir, &copy);
}

int enroll_revoke(const char *dir, const char *name)
{
    if (enroll_name_check(name))
        return XY_EINVAL;
    enroll_list_t l;
    int rc = enroll_load(dir, &l, NULL);
    if (rc)
        return rc;
    const enroll_entry_t *e = enroll_find_name(&l, name);
    if (!e) {
        enroll_list_free(&l);
        return XY_ENOENT;
    }
    enroll_entry_t copy = *e;
    copy.revoked = true;
    enroll_list_free(&l);
    return s_write(dir, &copy);
}

static int s_read_one(const char *path, enroll_entry_t *e)
{
    json_error_t je;
    struct stat st;
    if (stat(path, &st) != 0 || st.st_size > S_FILE_MAX)
        return XY_EIO;
    json_t *o = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!o)
        return XY_EPARSE;
    const char *name = NULL, *nid = NULL, *pk = NULL;
    int revoked = 0;
    int rc = json_unpack(o, "{s:s, s:s, s:s, s?:b}", "name", &name, "node_id",
                         &nid, "public_key", &pk, "revoked", &revoked)
                 ? XY_EPARSE
                 : 0;
    if (!rc && (enroll_name_check(name) || xy_unhex(e->node_id, 16, nid) ||
                xy_unhex(e->public_key, 32, pk)))
        rc = XY_EPARSE;
    if (!rc) {
        snprintf(e->name, sizeof e->name, "%s", name);
        e->revoked = revoked;
    }
    json_decref(o);
    return rc;
}

int enroll_load(const char *dir, enroll_list_t *out, size_t *bad)
{
    out->items = NULL;
    out->n = 0;
    if (bad)
        *bad = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : XY_EIO;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) && out->n < ENROLL_MAX) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        enroll_entry_t e;
        if (s_read_one(path, &e)) {
            if (bad)
                (*bad)++;
            continue;
        }
        if (out->n == cap) {
            cap = cap ? 2 * cap : 16;
            out->items = xrealloc(out->items, cap * sizeof *out->items);
        }
        out->items[out->n++] = e;
    }
    closedir(d);
    return 0;
}

void enroll_list_free(enroll_list_t *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

const enroll_entry_t *enroll_find_key(const enroll_list_t *l,
                                      const uint8_t key[32])
{
    for (size_t i = 0; i < l->n; i++)
        if (!l->items[i].revoked && !memcmp(l->items[i].public_key, key, 32))
            return &l->items[i];
    return NULL;
}

const enroll_entry_t *enroll_find_name(const enroll_list_t *l,
                                       const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

uint64_t enroll_stamp(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return 0;
    return (uint64_t)st.st_ctim.tv_sec * 1000000000ull +
           (uint64_t)st.st_ctim.tv_nsec;
}
