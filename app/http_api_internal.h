/* What the files of the HTTP API share (app/http_api.c and its route
 * files http_auth.c, http_people.c, http_dispatch.c, http_map.c): the
 * API's state, error replies, body parsing and the one way to write an
 * event. Not for use outside the API. */
#ifndef XY_APP_HTTP_API_INTERNAL_H
#define XY_APP_HTTP_API_INTERNAL_H

#include "app/http_api.h"
#include "app/users.h"
#include "core/http.h"
#include "domain/domain_event.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct api_auth api_auth_t;
typedef struct api_map api_map_t;

/* Who is asking, for the request being handled (set by the guard). */
typedef struct api_caller {
    char user[USERS_NAME_MAX + 1]; /* "" for a public route */
    users_role_t role;             /* their role */
} api_caller_t;

struct app_http {
    app_t *app;            /* borrowed: the daemon */
    http_server_t *srv;    /* the server */
    uint64_t last_pos;     /* log position last announced */
    api_auth_t *auth;      /* users and sessions (http_auth.c) */
    api_map_t *map;        /* cached map layers (http_map.c) */
    api_caller_t caller;   /* the caller of the request in hand */
    personal_keyring_t *ring; /* data keys the daemon could open */
    uint64_t ring_loaded_ms;  /* when ring was last loaded */
};

/* Route needs beyond the permission bits of users.h. */
#define API_PUBLIC 0u               /* no session: login */
#define API_SESSION (1u << 31)      /* a session, no permission: me */

/* Fills resp with {"error": {code, field, message}} and status. */
void api_error(http_response_t *resp, int status, int code,
               const char *field, const char *msg);
/* The HTTP status of a domain or store error. */
int api_status_of(int code);

/* Appends the strings of a JSON array to buf, after what it holds,
 * separated by sep. 0 when arr is NULL or fits; XY_EINVAL when it is not
 * an array of strings, a string holds one of the characters of forbidden,
 * or the whole does not fit in len bytes. */
int api_join(json_t *arr, char sep, const char *forbidden, char *buf,
             size_t len);
void api_domain_error(http_response_t *resp, const domain_error_t *err);

/* The request body as a JSON object (owned by the caller); NULL with
 * resp holding a 400 otherwise. */
json_t *api_body(const http_request_t *req, http_response_t *resp);

/* Checks one own event against the exercise rule and writes it; 0, or
 * resp holds the refusal (409 XY_EEXERCISE naming why, or a store error)
 * and the code is returned. position may be NULL. */
int api_write(app_http_t *h, Xy__Event *ev, uint64_t *position,
              http_response_t *resp);

/* Now, wall clock, in ms since the epoch. */
uint64_t api_wall_ms(void);

/* The id in the path segment after prefix ("/api/orders/" ID "/ack").
 * On a malformed id answers 404 naming what and returns XY_ENOENT. */
int api_path_id(const http_request_t *req, const char *prefix,
                const char *what, domain_id_t *id, char hex[DOMAIN_ID_HEX],
                http_response_t *resp);

/* The ?name=ID argument as an id; on a missing or malformed one answers
 * 400 naming name and returns XY_EINVAL. */
int api_query_id(const http_request_t *req, const char *name,
                 domain_id_t *id, http_response_t *resp);

/* The author of events written for the request in hand: the session's
 * user. */
const char *api_author(const app_http_t *h);

/* Runs fn in one read transaction of the node's log. Returns 0, or the
 * error: XY_ENOENT is left for the caller to answer, any other error is
 * answered here with its status. */
int api_read(app_http_t *h, int (*fn)(view_txn_t *vt, void *arg), void *arg,
             http_response_t *resp);

/* Sessions and login (http_auth.c). */
int api_auth_new(api_auth_t **out, app_t *app);
void api_auth_destroy(api_auth_t **a);
int api_guard(void *arg, const http_request_t *req, const http_route_t *route,
              http_response_t *resp);
void api_post_login(void *arg, const http_request_t *req,
                    http_response_t *resp);
void api_post_logout(void *arg, const http_request_t *req,
                     http_response_t *resp);
void api_get_me(void *arg, const http_request_t *req, http_response_t *resp);

/* People, audit, follow-ups, services, handoffs (http_people.c). */
void api_get_persons(void *arg, const http_request_t *req,
                     http_response_t *resp);
void api_get_person(void *arg, const http_request_t *req,
                    http_response_t *resp);
void api_get_audit(void *arg, const http_request_t *req,
                   http_response_t *resp);
void api_get_followups(void *arg, const http_request_t *req,
                       http_response_t *resp);
void api_get_services(void *arg, const http_request_t *req,
                      http_response_t *resp);
void api_post_handoff(void *arg, const http_request_t *req,
                      http_response_t *resp);
void api_keyring_free(app_http_t *h);

/* Teams, orders, agents, zones (http_dispatch.c). */
void api_post_person(void *arg, const http_request_t *req,
                     http_response_t *resp);
void api_post_triage(void *arg, const http_request_t *req,
                     http_response_t *resp);
void api_get_teams(void *arg, const http_request_t *req,
                   http_response_t *resp);
void api_post_team_status(void *arg, const http_request_t *req,
                          http_response_t *resp);
void api_post_team_add(void *arg, const http_request_t *req,
                       http_response_t *resp);
void api_post_team_edit(void *arg, const http_request_t *req,
                        http_response_t *resp);
void api_get_orders(void *arg, const http_request_t *req,
                    http_response_t *resp);
void api_post_order_ack(void *arg, const http_request_t *req,
                        http_response_t *resp);
void api_get_agents(void *arg, const http_request_t *req,
                    http_response_t *resp);
void api_get_zones(void *arg, const http_request_t *req,
                   http_response_t *resp);
/* The zones of the incident's latest assessment with need and deployed
 * capacity: {zone, name, band, intensity, county_code, exposed,
 * need_workers, deployed_workers, triaged, flags_open}. A new array, or
 * NULL with resp holding the error (404 when no assessment is held). */
json_t *api_zone_rows(app_http_t *h, const domain_id_t *incident,
                      http_response_t *resp);

/* The map (http_map.c). */
void api_get_map(void *arg, const http_request_t *req,
                 http_response_t *resp);
void api_map_destroy(api_map_t **m);

#endif
