/* Typed JSON field reads with the path of every error (jfield.h). */
#include "drills/report/jfield.h"
#include "common/xy_error.h"

#include <math.h>
#include <stdio.h>

void jf_member(char *buf, size_t len, const char *path, const char *key)
{
    if (!key)
        snprintf(buf, len, "%s", path);
    else if (!path || !*path)
        snprintf(buf, len, "%s", key);
    else
        snprintf(buf, len, "%s.%s", path, key);
}

void jf_element(char *buf, size_t len, const char *path, size_t i)
{
    snprintf(buf, len, "%s[%zu]", path ? path : "", i);
}

int jf_fail(jf_ctx_t *c, const char *path, const char *key, const char *why)
{
    char full[JF_PATH_MAX];
    jf_member(full, sizeof full, path, key);
    if (c->err && c->errlen) {
        if (*full)
            snprintf(c->err, c->errlen, "%s: %s: %s", c->what, full, why);
        else
            snprintf(c->err, c->errlen, "%s: %s", c->what, why);
    }
    return XY_EMALFORMED;
}

/* Looks the value up. Returns 1 when it is there and not null, 0 when it
 * may be taken as absent, or an error. */
static int s_find(jf_ctx_t *c, const json_t *obj, const char *path,
                  const char *key, unsigned flags, const json_t **v)
{
    *v = obj;
    if (key) {
        if (!json_is_object(obj))
            return jf_fail(c, path, NULL, "not an object");
        *v = json_object_get(obj, key);
    }
    if (!*v) {
        if (flags & JF_OPTIONAL)
            return 0;
        return jf_fail(c, path, key, "missing");
    }
    if (json_is_null(*v)) {
        if (flags & (JF_NULLABLE | JF_OPTIONAL))
            return 0;
        return jf_fail(c, path, key, "null where a value is required");
    }
    return 1;
}

int jf_num(jf_ctx_t *c, const json_t *obj, const char *path, const char *key,
           unsigned flags, double *out)
{
    const json_t *v;
    int rc = s_find(c, obj, path, key, flags, &v);
    *out = NAN;
    if (rc <= 0)
        return rc;
    if (!json_is_number(v))
        return jf_fail(c, path, key, "not a number");
    double d = json_number_value(v);
    if (!isfinite(d))
        return jf_fail(c, path, key, "not a finite number");
    if ((flags & (JF_NONNEG | JF_COUNT)) && d < 0)
        return jf_fail(c, path, key, "negative");
    if ((flags & JF_COUNT) && d != floor(d))
        return jf_fail(c, path, key, "not a whole number");
    *out = d;
    return 0;
}

int jf_str(jf_ctx_t *c, const json_t *obj, const char *path, const char *key,
           unsigned flags, const char **out)
{
    const json_t *v;
    int rc = s_find(c, obj, path, key, flags, &v);
    *out = "";
    if (rc <= 0)
        return rc;
    if (!json_is_string(v))
        return jf_fail(c, path, key, "not a string");
    *out = json_string_value(v);
    return 0;
}

int jf_bool(jf_ctx_t *c, const json_t *obj, const char *path, const char *key,
            unsigned flags, int *out)
{
    const json_t *v;
    int rc = s_find(c, obj, path, key, flags, &v);
    *out = 0;
    if (rc <= 0)
        return rc;
    if (!json_is_boolean(v))
        return jf_fail(c, path, key, "not true or false");
    *out = json_is_true(v);
    return 0;
}

int jf_obj(jf_ctx_t *c, const json_t *obj, const char *path, const char *key,
           unsigned flags, const json_t **out)
{
    const json_t *v;
    int rc = s_find(c, obj, path, key, flags, &v);
    *out = NULL;
    if (rc <= 0)
        return rc;
    if (!json_is_object(v))
        return jf_fail(c, path, key, "not an object");
    *out = v;
    return 0;
}

int jf_arr(jf_ctx_t *c, const json_t *obj, const char *path, const char *key,
           unsigned flags, const json_t **out)
{
    const json_t *v;
    int rc = s_find(c, obj, path, key, flags, &v);
    *out = NULL;
    if (rc <= 0)
        return rc;
    if (!json_is_array(v))
        return jf_fail(c, path, key, "not an array");
    *out = v;
    return 0;
}
