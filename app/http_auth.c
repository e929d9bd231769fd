/* Login, sessions and permissions of the HTTP API (docs/api.md, "Login and
 * roles"). Users come from the node's users.json (app/users.h), reread
 * when the file changes, so `user add` and `user remove` take effect at the
 * next request. Sessions live in memory only (a restart logs everyone
 * out): a random 32-byte token, sent as the cookie xy_session or as
 * "Authorization: Bearer TOKEN", that expires after 12 hours idle. The
 * guard runs before every API route and the events stream and refuses,
 * with 401 or 403, what the caller's role may not do; refusals are
 * written to stderr. Failed logins are counted per user name: more than
 * five in a minute are answered 429 without checking the password; and
 * for the whole node: more than twenty in ten seconds are answered 429 for
 * everyone, since checking a password holds the daemon's loop (and its
 * sync) for a tenth of a second or more. */
#include "app/http_api_internal.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_SESSIONS_MAX 1024              /* sessions held at once */
#define S_TOKEN_BYTES 32                 /* random bytes of a token */
#define S_TOKEN_HEX (2 * S_TOKEN_BYTES)  /* its hex digits */
#define S_IDLE_MS (12ull * 3600 * 1000)  /* a session's idle lifetime */
#define S_FAIL_WINDOW_MS 60000           /* failed logins counted over */
#define S_FAIL_MAX 5                     /* failures allowed per window */
#define S_FAIL_TRACK 256                 /* user names tracked */
#define S_FAIL_ALL_WINDOW_MS 10000       /* the node's failures counted over */
#define S_FAIL_ALL_MAX 20                /* failures allowed per window */
#define S_COOKIE "xy_session"

typedef struct s_session {
    char token[S_TOKEN_HEX + 1];   /* "" when the slot is free */
    char user[USERS_NAME_MAX + 1]; /* who logged in */
    uint64_t last_ms;              /* last request */
} s_session_t;

typedef struct s_failures {
    char user[USERS_NAME_MAX + 1]; /* the name tried ("" when free) */
    uint64_t at[S_FAIL_MAX];       /* the latest failures, a ring */
    size_t n;                      /* failures recorded, all told */
} s_failures_t;

struct api_auth {
    app_t *app;                       /* borrowed */
    users_t *users;                   /* as last read */
    struct timespec mtime;            /* of users.json when read */
    int64_t size;                     /* of users.json when read */
    bool loaded;                      /* users were read once */
    int load_rc;                      /* 0, or why users.json is unusable */
    char load_err[512];               /* and what to do */
    s_session_t sessions[S_SESSIONS_MAX];
    s_failures_t fails[S_FAIL_TRACK];
    uint64_t fail_all[S_FAIL_ALL_MAX]; /* the node's latest failures, a ring */
    size_t n_fail_all;                 /* its failures, all told */
};

int api_auth_new(api_auth_t **out, app_t *app)
{
    api_auth_t *a = xcalloc(1, sizeof *a);
    a->app = app;
    a->users = xcalloc(1, sizeof *a->users);
    *out = a;
    return 0;
}

void api_auth_destroy(api_auth_t **ap)
{
    if (!ap || !*ap)
        return;
    sodium_memzero((*ap)->sessions, sizeof (*ap)->sessions);
    free((*ap)->users);
    free(*ap);
    *ap = NULL;
}

/* Rereads users.json when its time or size changed. */
static void s_refresh(api_auth_t *a)
{
    struct timespec mt;
    int64_t size;
    users_stamp(app_data_dir(a->app), &mt, &size);
    if (a->loaded && mt.tv_sec == a->mtime.tv_sec &&
        mt.tv_nsec == a->mtime.tv_nsec && size == a->size)
        return;
    a->load_rc = users_load(a->users, app_data_dir(a->app), a->load_err,
                            sizeof a->load_err);
    a->mtime = mt;
    a->size = size;
    a->loaded = true;
    if (a->load_rc)
        fprintf(stderr, "%s: users: %s\n", app_spec(a->app)->program,
                a->load_err);
}

/* Answers when there is no usable user store; returns non-zero then. */
static int s_no_users(api_auth_t *a, http_response_t *resp)
{
    s_refresh(a);
    char msg[640];
    if (a->load_rc) {
        snprintf(msg, sizeof msg, "users: %s", a->load_err);
        api_error(resp, 500, a->load_rc, "", msg);
        return 1;
    }
    if (a->users->n == 0) {
        snprintf(msg, sizeof msg, "no user on this node yet: run '%s user "
                 "add NAME --role ROLE' on it first",
                 app_spec(a->app)->program);
        api_error(resp, 401, XY_EAUTH, "", msg);
        return 1;
    }
    return 0;
}

/* The token the request carries (cookie, else bearer), or NULL. */
static const char *s_token(const http_request_t *req, char *buf, size_t len)
{
    const char *t = http_cookie_get(req, S_COOKIE, buf, len);
    if (t && *t)
        return t;
    const char *h = req->authorization;
    if (h && strncasecmp(h, "Bearer ", 7) == 0) {
        h += 7;
        h += strspn(h, " ");
        if (strlen(h) < len) {
            snprintf(buf, len, "%s", h);
            return buf;
        }
    }
    return NULL;
}

static s_session_t *s_session_of(api_auth_t *a, const http_request_t *req,
                                 uint64_t now)
{
    char buf[S_TOKEN_HEX + 8];
    const char *t = s_token(req, buf, sizeof buf);
    if (!t || strlen(t) != S_TOKEN_HEX)
        return NULL;
    for (size_t i = 0; i < S_SESSIONS_MAX; i++) {
        s_session_t *s = &a->sessions[i];
        if (!s->token[0] || sodium_memcmp(s->token, t, S_TOKEN_HEX) != 0)
            continue;
        if (now - s->last_ms > S_IDLE_MS) {
            memset(s, 0, sizeof *s);
            return NULL;
        }
        return s;
    }
    return NULL;
}

static void s_refused(const app_http_t *h, const http_request_t *req,
                      const char *who, const char *why)
{
    fprintf(stderr, "%s: API refused %s %s%s%s: %s\n",
            app_spec(h->app)->program, req->method, req->path,
            who[0] ? " for " : "", who, why);
}

/* The name of the first permission of need. */
static const char *s_need_name(unsigned need)
{
    for (unsigned i = 0; i < USERS_P_COUNT; i++)
        if (need & (1u << i))
            return users_perm_name(1u << i);
    return "unknown";
}

int api_guard(void *arg, const http_request_t *req, const http_route_t *route,
              http_response_t *resp)
{
    app_http_t *h = arg;
    api_auth_t *a = h->auth;
    memset(&h->caller, 0, sizeof h->caller);
    unsigned need = route ? route->need : USERS_P_READ;
    if (need == API_PUBLIC)
        return 0;
    if (s_no_users(a, resp)) {
        s_refused(h, req, "", "no user store");
        return 1;
    }
    uint64_t now = api_wall_ms();
    s_session_t *s = s_session_of(a, req, now);
    const users_entry_t *u = s ? users_find(a->users, s->user) : NULL;
    if (s && !u)
        memset(s, 0, sizeof *s); /* the user was removed */
    if (!u) {
        api_error(resp, 401, XY_EAUTH, "", "login required");
        s_refused(h, req, "", "login required");
        return 1;
    }
    s->last_ms = now;
    snprintf(h->caller.user, sizeof h->caller.user, "%s", u->name);
    h->caller.role = u->role;
    if (need == API_SESSION || (users_role_perms(u->role) & need))
        return 0;
    char msg[192];
    snprintf(msg, sizeof msg, "role %s may not %s (%s %s)",
             users_role_name(u->role), s_need_name(need), req->method,
             route ? route->prefix : req->path);
    api_error(resp, 403, XY_EPERM, "", msg);
    s_refused(h, req, u->name, msg);
    return 1;
}

/* {"user", "role", "permissions", "expires_at"} of a session. */
static json_t *s_me(const char *user, users_role_t role, uint64_t last_ms)
{
    json_t *perms = json_array();
    unsigned bits = users_role_perms(role);
    for (unsigned i = 0; i < USERS_P_COUNT; i++)
        if (bits & (1u << i))
            json_array_append_new(perms,
                                  json_string(users_perm_name(1u << i)));
    return json_pack("{s:s, s:s, s:o, s:I}", "user", user, "role",
                     users_role_name(role), "permissions", perms,
                     "expires_at", (json_int_t)(last_ms + S_IDLE_MS));
}

static s_failures_t *s_failures(api_auth_t *a, const char *user, bool make)
{
    s_failures_t *free_slot = NULL, *oldest = &a->fails[0];
    for (size_t i = 0; i < S_FAIL_TRACK; i++) {
        s_failures_t *f = &a->fails[i];
        if (f->user[0] && strcmp(f->user, user) == 0)
            return f;
        if (!f->user[0] && !free_slot)
            free_slot = f;
        uint64_t last = f->n ? f->at[(f->n - 1) % S_FAIL_MAX] : 0;
        uint64_t old = oldest->n ? oldest->at[(oldest->n - 1) % S_FAIL_MAX]
                                 : 0;
        if (last < old)
            oldest = f;
    }
    if (!make)
        return NULL;
    s_failures_t *f = free_slot ? free_slot : oldest;
    memset(f, 0, sizeof *f);
    snprintf(f->user, sizeof f->user, "%s", user);
    return f;
}

/* Whether user has failed S_FAIL_MAX times in the last window. */
static bool s_throttled(api_auth_t *a, const char *user, uint64_t now)
{
    const s_failures_t *f = s_failures(a, user, false);
    if (!f || f->n < S_FAIL_MAX)
        return false;
    /* The oldest of the last S_FAIL_MAX failures. */
    uint64_t first = f->at[f->n % S_FAIL_MAX];
    return now - first < S_FAIL_WINDOW_MS;
}

/* Whether the node has had S_FAIL_ALL_MAX failures in its last window. */
static bool s_throttled_all(const api_auth_t *a, uint64_t now)
{
    if (a->n_fail_all < S_FAIL_ALL_MAX)
        return false;
    uint64_t first = a->fail_all[a->n_fail_all % S_FAIL_ALL_MAX];
    return now - first < S_FAIL_ALL_WINDOW_MS;
}

static void s_fail(api_auth_t *a, const char *user, uint64_t now)
{
    s_failures_t *f = s_failures(a, user, true);
    f->at[f->n % S_FAIL_MAX] = now;
    f->n++;
    a->fail_all[a->n_fail_all % S_FAIL_ALL_MAX] = now;
    a->n_fail_all++;
}

static s_session_t *s_session_new(api_auth_t *a, const char *user,
                                  uint64_t now)
{
    s_session_t *slot = &a->sessions[0];
    for (size_t i = 0; i < S_SESSIONS_MAX; i++) {
        s_session_t *s = &a->sessions[i];
        if (!s->token[0] || now - s->last_ms > S_IDLE_MS) {
            slot = s;
            break;
        }
        if (s->last_ms < slot->last_ms)
            slot = s;
    }
    uint8_t raw[S_TOKEN_BYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(slot->token, sizeof slot->token, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    snprintf(slot->user, sizeof slot->user, "%s", user);
    slot->last_ms = now;
    return slot;
}

void api_post_login(void *arg, const http_request_t *req,
                    http_response_t *resp)
{
    app_http_t *h = arg;
    api_auth_t *a = h->auth;
    if (s_no_users(a, resp))
        return;
    json_t *b = api_body(req, resp);
    if (!b)
        return;
    const char *user = json_string_value(json_object_get(b, "user"));
    const char *pw = json_string_value(json_object_get(b, "password"));
    uint64_t now = api_wall_ms();
    users_role_t role = USERS_OBSERVER;
    if (!user || !*user || strlen(user) > USERS_NAME_MAX)
        api_error(resp, 400, XY_EINVAL, "user",
                  "user must be a user name of 1..64 bytes");
    else if (!pw)
        api_error(resp, 400, XY_EINVAL, "password",
                  "password must be a string");
    else if (s_throttled(a, user, now)) {
        api_error(resp, 429, XY_EAGAIN, "user", "too many failed logins "
                  "for this user: wait a minute");
        s_refused(h, req, user, "too many failed logins");
    } else if (s_throttled_all(a, now)) {
        api_error(resp, 429, XY_EAGAIN, "", "too many failed logins on this "
                  "node: wait ten seconds");
        s_refused(h, req, user, "too many failed logins on this node");
    } else if (!users_verify(a->users, user, pw, &role)) {
        s_fail(a, user, api_wall_ms());
        api_error(resp, 401, XY_EAUTH, "", "wrong user or password");
        s_refused(h, req, user, "wrong user or password");
    } else {
        s_session_t *s = s_session_new(a, user, now);
        resp->json = s_me(user, role, now);
        snprintf(resp->set_cookie, sizeof resp->set_cookie,
                 S_COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/",
                 s->token);
    }
    json_decref(b);
}

void api_post_logout(void *arg, const http_request_t *req,
                     http_response_t *resp)
{
    app_http_t *h = arg;
    s_session_t *s = s_session_of(h->auth, req, api_wall_ms());
    if (s)
        memset(s, 0, sizeof *s);
    resp->json = json_pack("{s:b}", "logged_out", true);
    snprintf(resp->set_cookie, sizeof resp->set_cookie,
             S_COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
}

void api_get_me(void *arg, const http_request_t *req, http_response_t *resp)
{
    app_http_t *h = arg;
    s_session_t *s = s_session_of(h->auth, req, api_wall_ms());
    if (!s) {
        api_error(resp, 401, XY_EAUTH, "", "login required");
        return;
    }
    resp->json = s_me(h->caller.user, h->caller.role, s->last_ms);
}
