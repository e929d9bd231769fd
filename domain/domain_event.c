/* Event building helpers (domain_event.h). */
#include "domain/domain_event.h"
#include "common/xy_error.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int domain_fail(domain_error_t *err, int code, const char *field,
                const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

/* Compares the short form of an enum name (after prefix, case-folded, '_'
 * and '-' alike) with text. */
static bool s_short_eq(const char *name, const char *prefix, const char *text)
{
    size_t pl = strlen(prefix);
    if (strncmp(name, prefix, pl) != 0)
        return false;
    name += pl;
    for (; *name && *text; name++, text++) {
        char a = (char)tolower((unsigned char)*name);
        char b = (char)tolower((unsigned char)*text);
        if (b == '-')
            b = '_';
        if (a != b)
            return false;
    }
    return *name == '\0' && *text == '\0';
}

static bool s_listed(const ProtobufCEnumValue *v, const char *prefix)
{
    /* UNSPECIFIED and NONE are defaults, not choices. */
    return strncmp(v->name, prefix, strlen(prefix)) == 0 && v->value != 0;
}

int domain_enum_parse(const ProtobufCEnumDescriptor *d, const char *prefix,
                      const char *text, int *out)
{
    for (unsigned i = 0; i < d->n_values; i++) {
        const ProtobufCEnumValue *v = &d->values[i];
        if (s_listed(v, prefix) && s_short_eq(v->name, prefix, text)) {
            *out = v->value;
            return 0;
        }
    }
    return XY_EINVAL;
}

const char *domain_enum_name(const ProtobufCEnumDescriptor *d,
                             const char *prefix, int value, char *buf,
                             size_t len)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, value);
    const char *name = v ? v->name : "";
    size_t pl = strlen(prefix);
    if (strncmp(name, prefix, pl) == 0)
        name += pl;
    size_t i = 0;
    for (; name[i] && i + 1 < len; i++)
        buf[i] = (char)tolower((unsigned char)name[i]);
    buf[i] = '\0';
    return buf;
}

const char *domain_enum_names(const ProtobufCEnumDescriptor *d,
                              const char *prefix, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < d->n_values; i++) {
        const ProtobufCEnumValue *v = &d->values[i];
        if (!s_listed(v, prefix))
            continue;
        char one[48];
        domain_enum_name(d, prefix, v->value, one, sizeof one);
        int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                         one);
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

int domain_text_check(const char *text, size_t max, bool required,
                      const char *field, domain_error_t *err)
{
    size_t n = text ? strlen(text) : 0;
    if (required && n == 0)
        return domain_fail(err, XY_EMISSING, field, "is required");
    if (n > max)
        return domain_fail(err, XY_ETOOBIG, field, "%zu bytes is over the "
                           "maximum of %zu", n, max);
    /* jansson refuses invalid UTF-8: a cheap, well-kept validator. */
    json_t *utf8 = n ? json_stringn(text, n) : NULL;
    if (n && !utf8)
        return domain_fail(err, XY_EINVAL, field, "is not valid UTF-8");
    json_decref(utf8);
    return 0;
}

void domain_envelope(Xy__Event *ev, uint8_t incident_store[DOMAIN_ID_LEN],
                     const domain_id_t *incident, bool exercise,
                     const char *author)
{
    xy__event__init(ev);
    if (incident) {
        memcpy(incident_store, incident->b, DOMAIN_ID_LEN);
        ev->incident_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, incident_store};
    }
    ev->exercise = exercise;
    ev->author = (char *)(author ? author : "");
}
