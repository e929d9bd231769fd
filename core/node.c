/* Node data directories (node.h). */
#include "core/node.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_PATH_MAX 4096

struct node {
    char *dir;              /* the data directory */
    int lock_fd;            /* holds the flock */
    node_identity_t id;     /* identity, secret included */
    config_t *config;       /* configuration */
    event_log_t *log;       /* the event log */
};

static int s_path(char *out, const char *dir, const char *name, char *err,
                  size_t errlen)
{
    if (snprintf(out, S_PATH_MAX, "%s/%s", dir, name) >= S_PATH_MAX) {
        snprintf(err, errlen, "%s: path too long", dir);
        return XY_EINVAL;
    }
    return 0;
}

int node_init(const char *dir, const config_key_t *schema,
              node_identity_t *id, char *err, size_t errlen)
{
    char key[S_PATH_MAX], cfg[S_PATH_MAX], store[S_PATH_MAX];
    int rc = s_path(key, dir, "node.key", err, errlen);
    if (!rc)
        rc = s_path(cfg, dir, "config.json", err, errlen);
    if (!rc)
        rc = s_path(store, dir, "store", err, errlen);
    if (rc)
        return rc;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create: %s", dir, strerror(errno));
        return XY_EIO;
    }
    if (access(key, F_OK) == 0) {
        snprintf(err, errlen, "%s: already holds a node (node.key exists); "
                 "nothing changed", dir);
        return XY_EEXIST;
    }
    if (mkdir(store, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create: %s", store, strerror(errno));
        return XY_EIO;
    }
    rc = config_write_default(cfg, schema);
    if (rc && rc != XY_EEXIST) {
        snprintf(err, errlen, "%s: cannot write: %s", cfg, xy_strerror(rc));
        return rc;
    }
    node_identity_t tmp;
    rc = identity_create(key, &tmp);
    if (rc) {
        snprintf(err, errlen, "%s: cannot create identity: %s", key,
                 xy_strerror(rc));
        return rc;
    }
    if (id)
        *id = tmp;
    identity_wipe(&tmp);
    return 0;
}

int node_open(node_t **out, const char *dir, const char *config_path,
              const config_key_t *schema, const view_set_t *views,
              bool daemon, char *err, size_t errlen)
{
    *out = NULL;
    char key[S_PATH_MAX], cfg[S_PATH_MAX], store[S_PATH_MAX], lock[S_PATH_MAX];
    int rc = s_path(key, dir, "node.key", err, errlen);
    if (!rc)
        rc = s_path(cfg, dir, "config.json", err, errlen);
    if (!rc)
        rc = s_path(store, dir, "store", err, errlen);
    if (!rc)
        rc = s_path(lock, dir, "lock", err, errlen);
    if (rc)
        return rc;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: no such data directory (run init first)",
                 dir);
        return XY_ENOENT;
    }
    if (access(key, F_OK) != 0) {
        snprintf(err, errlen, "%s: not a node directory: no node.key (run "
                 "init first)", dir);
        return XY_ENOENT;
    }
    node_t *n = xcalloc(1, sizeof *n);
    n->lock_fd = -1;
    n->dir = xstrdup(dir);
    if (daemon) {
        n->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (n->lock_fd < 0) {
            snprintf(err, errlen, "%s: %s", lock, strerror(errno));
            rc = XY_EIO;
            goto out;
        }
        if (flock(n->lock_fd, LOCK_EX | LOCK_NB) != 0) {
            snprintf(err, errlen, "%s: a daemon already runs on this "
                     "directory", dir);
            rc = XY_ELOCKED;
            goto out;
        }
    }
    rc = identity_load(key, &n->id);
    if (rc) {
        snprintf(err, errlen, "%s: %s%s", key, xy_strerror(rc),
                 rc == XY_EPERM ? " (must be readable by its owner only: "
                                  "chmod 600)"
                                : "");
        goto out;
    }
    rc = config_load(&n->config, config_path ? config_path : cfg, schema, err,
                     errlen);
    if (rc)
        goto out;
    /* "max_clock_offset_ms" is a key every node's schema has. */
    event_log_opts_t o = {.views = views};
    int64_t offset = config_int(n->config, "max_clock_offset_ms");
    if (offset < 0) {
        snprintf(err, errlen, "%s: max_clock_offset_ms must not be negative",
                 config_path ? config_path : cfg);
        rc = XY_ECONFIG;
        goto out;
    }
    o.max_offset_ms = (uint64_t)offset;
    rc = event_log_open(&n->log, store, n->id.node_id, &o);
    if (rc) {
        snprintf(err, errlen, "%s: cannot open the event store: %s", store,
                 xy_strerror(rc));
        goto out;
    }
out:
    if (rc) {
        node_destroy(&n);
        return rc;
    }
    *out = n;
    return 0;
}

void node_destroy(node_t **np)
{
    if (!np || !*np)
        return;
    node_t *n = *np;
    event_log_destroy(&n->log);
    config_destroy(&n->config);
    identity_wipe(&n->id);
    if (n->lock_fd >= 0)
        close(n->lock_fd);
    free(n->dir);
    free(n);
    *np = NULL;
}

event_log_t *node_log(node_t *node)
{
    return node->log;
}

const config_t *node_config(const node_t *node)
{
    return node->config;
}

const node_identity_t *node_identity(const node_t *node)
{
    return &node->id;
}

const char *node_dir(const node_t *node)
{
    return node->dir;
}
