/* Typed reads of fields of a JSON document (jansson), each failure reported
 * as one line naming the field by its path from the root: "result:
 * score.events.lost: not a number". The after-action report reads the drill
 * result through these, so a malformed result is refused with the place of
 * the fault instead of drawn wrong. */
#ifndef DRILL_JFIELD_H
#define DRILL_JFIELD_H

#include <jansson.h>
#include <stddef.h>

/* Where the first error goes; the message starts with `what` ("result"). */
typedef struct jf_ctx {
    const char *what; /* name of the document, first word of every error */
    char *err;        /* caller's buffer for the one-line error */
    size_t errlen;    /* its size in bytes */
} jf_ctx_t;

/* Flags of a field read. */
enum jf_flags {
    JF_NULLABLE = 1u << 0, /* null is allowed: numbers read as NAN, others
                              as absent */
    JF_OPTIONAL = 1u << 1, /* the key may be missing (read as with null) */
    JF_NONNEG = 1u << 2,   /* a number must be >= 0 */
    JF_COUNT = 1u << 3,    /* a number must be a whole number >= 0 */
};

/* Longest path kept in an error message (longer ones are cut). */
#define JF_PATH_MAX 256

/* Each reads key of obj (or obj itself when key is NULL), at path (the
 * path of obj; "" at the root), and stores the value in *out. Strings and
 * JSON values are borrowed from obj and live as long as it. Returns 0, or
 * XY_EMALFORMED with the error written to c->err. An absent nullable
 * string reads as "", an absent object or array as NULL. */
int jf_num(jf_ctx_t *c, const json_t *obj, const char *path, const char *key,
           unsigned flags, double *out);
int jf_str(jf_ctx_t *c, const json_t *obj, const char *path, const char *key,
           unsigned flags, const char **out);
int jf_bool(jf_ctx_t *c, const json_t *obj, const char *path, const char *key,
            unsigned flags, int *out);
int jf_obj(jf_ctx_t *c, const json_t *obj, const char *path, const char *key,
           unsigned flags, const json_t **out);
int jf_arr(jf_ctx_t *c, const json_t *obj, const char *path, const char *key,
           unsigned flags, const json_t **out);

/* Writes the path of a member ("score" + "events" -> "score.events") or of
 * an element ("timeline" + 3 -> "timeline[3]") into buf. */
void jf_member(char *buf, size_t len, const char *path, const char *key);
void jf_element(char *buf, size_t len, const char *path, size_t i);

/* Reports "WHAT: PATH: why" (or "WHAT: why" at the root); returns
 * XY_EMALFORMED. */
int jf_fail(jf_ctx_t *c, const char *path, const char *key, const char *why);

#endif
