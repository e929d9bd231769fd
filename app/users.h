/* The users of one node (docs/api.md, "Login and roles"): who may log in
 * to the node's web UI and API, with which role. Users are local to a node
 * (a field laptop has its own) and kept in <data-dir>/users.json, mode 0600,
 * passwords hashed with libsodium's crypto_pwhash_str (Argon2id). A role
 * names a fixed set of permissions. The file is small and rewritten whole,
 * atomically (temporary file, fsync, rename). */
#ifndef XY_APP_USERS_H
#define XY_APP_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define USERS_FILE "users.json"
#define USERS_MAX 256          /* users of one node */
#define USERS_NAME_MAX 64      /* bytes of a user name */
#define USERS_PASSWORD_MIN 8   /* bytes of a password, at least */
#define USERS_PASSWORD_MAX 1024 /* bytes of a password, at most */
#define USERS_HASH_MAX 128     /* crypto_pwhash_STRBYTES */
#define USERS_FILE_MAX (256 * 1024) /* bytes of users.json */

/* Permissions (bits); users_perm_name gives their API names. */
enum {
    USERS_P_READ = 1u << 0,       /* aggregates: status, counts, map ... */
    USERS_P_PERSONS = 1u << 1,    /* pseudonymous person lists */
    USERS_P_PERSONAL = 1u << 2,   /* names, phones, ID numbers, notes */
    USERS_P_REGISTER = 1u << 3,   /* register people, record triage */
    USERS_P_ACK_FLAGS = 1u << 4,  /* acknowledge red flags */
    USERS_P_ACK_ORDERS = 1u << 5, /* acknowledge deployment orders */
    USERS_P_HANDOFF = 1u << 6,    /* hand people off to services */
    USERS_P_TEAMS_EDIT = 1u << 7, /* add and edit teams */
    USERS_P_FOLLOWUP = 1u << 8,   /* follow-up work */
    USERS_P_AUDIT = 1u << 9,      /* read the audit of personal data */
    USERS_P_COUNT = 10
};

/* Roles, in the order users_role_name lists them. */
typedef enum users_role {
    USERS_COMMANDER = 0,
    USERS_TEAM_LEADER = 1,
    USERS_FIELD_WORKER = 2,
    USERS_COMMUNITY_WORKER = 3,
    USERS_OBSERVER = 4,
    USERS_ROLES = 5
} users_role_t;

typedef struct users_entry {
    char name[USERS_NAME_MAX + 1]; /* login name */
    users_role_t role;             /* what they may do */
    char hash[USERS_HASH_MAX];     /* crypto_pwhash_str output */
} users_entry_t;

typedef struct users {
    users_entry_t items[USERS_MAX]; /* in the order added */
    size_t n;                       /* users held */
} users_t;

/* The role named text ("team_leader"), or XY_EINVAL. */
int users_role_parse(const char *text, users_role_t *out);
const char *users_role_name(users_role_t role);
/* "commander, team_leader, field_worker, community_worker, observer" */
const char *users_role_names(void);

/* The permission bits of a role, and the API name of one bit ("read"). */
unsigned users_role_perms(users_role_t role);
const char *users_perm_name(unsigned bit);

/* Checks a user name: 1..USERS_NAME_MAX bytes of valid UTF-8 with no
 * space, control character, '/' or ':'. 0 or XY_EINVAL / XY_ETOOBIG. */
int users_name_check(const char *name);

/* Loads <dir>/users.json into out; a missing file is no user. Errors:
 * XY_EIO, XY_ETOOBIG, XY_EPARSE (not the format; err says where),
 * XY_EPERM (group or others may read it). */
int users_load(users_t *out, const char *dir, char *err, size_t errlen);

/* Writes u to <dir>/users.json (0600) atomically. XY_EIO. */
int users_save(const users_t *u, const char *dir);

/* The user named name, or NULL. */
users_entry_t *users_find(users_t *u, const char *name);

/* Adds a user with password pw (hashed here). XY_EEXIST, XY_EINVAL
 * (name), XY_ERANGE (password length), XY_ETOOBIG (full), XY_ENOMEM. */
int users_add(users_t *u, const char *name, users_role_t role,
              const char *pw);

/* Sets the password of name. XY_ENOENT, XY_ERANGE, XY_ENOMEM. */
int users_set_password(users_t *u, const char *name, const char *pw);

/* Removes name. XY_ENOENT. */
int users_remove(users_t *u, const char *name);

/* Whether pw is the password of name; when name is not held the time
 * spent is that of a real check, so the answer's delay does not tell
 * whether the user exists. */
bool users_verify(const users_t *u, const char *name, const char *pw,
                  users_role_t *role);

/* The modification time and size of <dir>/users.json (0, 0 when absent),
 * to reload it when it changes. */
void users_stamp(const char *dir, struct timespec *mtime, int64_t *size);

#endif
