/* Configuration files (config.h), read with jansson. */
#include "core/config.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct config {
    json_t *root;               /* the object read */
    const config_key_t *schema; /* borrowed */
};

static const config_key_t *s_find(const config_key_t *schema, const char *key)
{
    for (const config_key_t *k = schema; k->name; k++)
        if (strcmp(k->name, key) == 0)
            return k;
    return NULL;
}

static bool s_type_ok(const json_t *v, config_type_t t)
{
    switch (t) {
    case CONFIG_STRING:
        return json_is_string(v);
    case CONFIG_INT:
        return json_is_integer(v);
    case CONFIG_BOOL:
        return json_is_boolean(v);
    }
    return false;
}

static const char *s_type_name(config_type_t t)
{
    return t == CONFIG_STRING ? "a string"
           : t == CONFIG_INT  ? "an integer"
                              : "true or false";
}

int config_load(config_t **out, const char *path, const config_key_t *schema,
                char *err, size_t errlen)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? XY_ENOENT : XY_EIO;
    }
    if (st.st_size > CONFIG_FILE_MAX) {
        snprintf(err, errlen, "%s: larger than %d bytes", path,
                 CONFIG_FILE_MAX);
        return XY_ETOOBIG;
    }
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column,
                 je.text);
        return XY_ECONFIG;
    }
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s: the configuration must be a JSON object",
                 path);
        json_decref(root);
        return XY_ECONFIG;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        const config_key_t *k = s_find(schema, key);
        if (!k) {
            snprintf(err, errlen, "%s: unknown key \"%s\"", path, key);
            json_decref(root);
            return XY_ECONFIG;
        }
        if (!s_type_ok(val, k->type)) {
            snprintf(err, errlen, "%s: key \"%s\" must be %s", path, key,
                     s_type_name(k->type));
            json_decref(root);
            return XY_ECONFIG;
        }
    }
    config_t *c = xcalloc(1, sizeof *c);
    c->root = root;
    c->schema = schema;
    *out = c;
    return 0;
}

int config_write_default(const char *path, const config_key_t *schema)
{
    json_t *root = json_object();
    for (const config_key_t *k = schema; k->name; k++) {
        if (!k->deflt)
            continue;
        json_t *v = k->type == CONFIG_STRING ? json_string(k->deflt)
                    : k->type == CONFIG_INT
                        ? json_integer(strtoll(k->deflt, NULL, 10))
                        : json_boolean(strcmp(k->deflt, "true") == 0);
        json_object_set_new(root, k->name, v);
    }
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(root);
    if (!text)
        return XY_ENOMEM;
    int rc = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = errno == EEXIST ? XY_EEXIST : XY_EIO;
    } else {
        size_t len = strlen(text);
        if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
            fsync(fd) != 0)
            rc = XY_EIO;
        close(fd);
    }
    free(text);
    return rc;
}

void config_destroy(config_t **cfg)
{
    if (!cfg || !*cfg)
        return;
    json_decref((*cfg)->root);
    free(*cfg);
    *cfg = NULL;
}

const char *config_string(const config_t *cfg, const char *key)
{
    json_t *v = json_object_get(cfg->root, key);
    if (json_is_string(v))
        return json_string_value(v);
    const config_key_t *k = s_find(cfg->schema, key);
    return k && k->type == CONFIG_STRING ? k->deflt : NULL;
}

int64_t config_int(const config_t *cfg, const char *key)
{
    json_t *v = json_object_get(cfg->root, key);
    if (json_is_integer(v))
        return json_integer_value(v);
    const config_key_t *k = s_find(cfg->schema, key);
    return k && k->deflt && k->type == CONFIG_INT ? strtoll(k->deflt, NULL, 10)
                                                  : 0;
}

bool config_bool(const config_t *cfg, const char *key)
{
    json_t *v = json_object_get(cfg->root, key);
    if (json_is_boolean(v))
        return json_is_true(v);
    const config_key_t *k = s_find(cfg->schema, key);
    return k && k->deflt && strcmp(k->deflt, "true") == 0;
}
