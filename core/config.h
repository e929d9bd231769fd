/* Daemon configuration: a JSON object in a file, checked against a schema
 * of known keys and their types, so that a typo or a wrong type is one clear
 * line naming the key, never a silent default. */
#ifndef XY_CONFIG_H
#define XY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_FILE_MAX (256 * 1024)

typedef enum config_type {
    CONFIG_STRING = 1,
    CONFIG_INT = 2,
    CONFIG_BOOL = 3,
} config_type_t;

typedef struct config_key {
    const char *name;    /* the key */
    config_type_t type;  /* its JSON type */
    const char *deflt;   /* default, as text ("7700", "true", "x"); NULL:
                            no default */
    const char *help;    /* one line, for the written default file */
} config_key_t;

typedef struct config config_t;

/* Reads path and checks it against schema (terminated by a {NULL} entry).
 * On error returns XY_ENOENT, XY_ETOOBIG or XY_ECONFIG, and writes a line
 * saying where and what into err (the file, line and column for a syntax
 * error, the key for a schema error). *out is owned by the caller. */
int config_load(config_t **out, const char *path, const config_key_t *schema,
                char *err, size_t errlen);

/* Writes a file holding every key with a default, with mode 0600. Fails with
 * XY_EEXIST when path exists. */
int config_write_default(const char *path, const config_key_t *schema);

void config_destroy(config_t **cfg);

/* Typed getters; a key absent from the file gives its schema default, or
 * NULL / 0 / false. The string is valid for the config's life. */
const char *config_string(const config_t *cfg, const char *key);
int64_t config_int(const config_t *cfg, const char *key);
bool config_bool(const config_t *cfg, const char *key);

#endif
