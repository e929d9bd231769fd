/* The coordinator's register of enrolled agents: which CURVE public keys may
 * connect, under which name, for which node id. One JSON file per agent in
 * <data-dir>/enrolled/NAME.json, written atomically, so that the command
 * line can enroll and revoke while the daemon runs (the daemon notices by
 * the directory's change time). The name is what ZAP hands ZeroMQ as the
 * connection's User-Id: the only identity the coordinator trusts. */
#ifndef XY_ENROLL_H
#define XY_ENROLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENROLL_NAME_MAX 48
#define ENROLL_MAX 4096

typedef struct enroll_entry {
    char name[ENROLL_NAME_MAX + 1]; /* letters, digits, '-', '_', '.' */
    uint8_t node_id[16];            /* the agent's node id */
    uint8_t public_key[32];         /* its CURVE public key */
    bool revoked;                   /* refused from now on */
} enroll_entry_t;

typedef struct enroll_list {
    enroll_entry_t *items; /* owned */
    size_t n;
} enroll_list_t;

/* Checks a name: 1..ENROLL_NAME_MAX of [A-Za-z0-9._-], not starting with
 * '.'. Returns 0 or XY_EINVAL. */
int enroll_name_check(const char *name);

/* Writes (or replaces, un-revoking) the entry for e->name under dir
 * (<data-dir>/enrolled, created if missing). XY_EEXIST when another name
 * holds the same public key or node id. */
int enroll_put(const char *dir, const enroll_entry_t *e);

/* Marks name revoked. XY_ENOENT when it was never enrolled. */
int enroll_revoke(const char *dir, const char *name);

/* Reads every entry under dir (an absent dir is an empty list). A file that
 * cannot be read is skipped and counted in *bad (may be NULL). The caller
 * frees the list with enroll_list_free. */
int enroll_load(const char *dir, enroll_list_t *out, size_t *bad);
void enroll_list_free(enroll_list_t *l);

/* The entry (not revoked) with this public key, or NULL. */
const enroll_entry_t *enroll_find_key(const enroll_list_t *l,
                                      const uint8_t key[32]);
/* The entry with this name (revoked or not), or NULL. */
const enroll_entry_t *enroll_find_name(const enroll_list_t *l,
                                       const char *name);

/* The directory's change time in nanoseconds (0 when absent): a cheap way
 * to notice that the register changed. */
uint64_t enroll_stamp(const char *dir);

#endif
