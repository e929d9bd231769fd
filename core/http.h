/* The daemon's HTTP server: libwebsockets on the daemon's own libuv loop
 * (core/runloop.h), bound to one address (loopback by default). It serves a
 * table of routes {method, path prefix -> handler} with JSON bodies, the
 * static files of one directory (the built web UI), and server-sent events
 * on one path, where the owner pushes small JSON notices. Handlers see a
 * plain request and fill a plain response: the libwebsockets types never
 * leave core/http.c. Every request body has a hard maximum
 * (HTTP_BODY_MAX); a larger one is answered 413 without being read. */
#ifndef XY_HTTP_H
#define XY_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/runloop.h"

#define HTTP_BODY_MAX (256 * 1024) /* largest request body accepted */
#define HTTP_PATH_MAX 256          /* longest request path accepted */
#define HTTP_QUERY_MAX 512         /* longest query string kept */
#define HTTP_COOKIE_MAX 4096       /* longest Cookie header kept */
#define HTTP_AUTH_MAX 256          /* longest Authorization header kept */
#define HTTP_SET_COOKIE_MAX 256    /* longest Set-Cookie value sent */

typedef struct http_server http_server_t;

/* A request as a handler sees it; everything is borrowed for the call. */
typedef struct http_request {
    const char *method; /* "GET" or "POST" */
    const char *path;   /* decoded path without the query, e.g. "/api/x" */
    const char *query;  /* decoded arguments joined by '&', "" when none */
    const char *body;   /* the body, NUL-terminated, "" when none */
    size_t body_len;    /* its length */
    const char *cookie; /* the Cookie header, "" when none or too long */
    const char *authorization; /* the Authorization header, "" when none */
} http_request_t;

/* What a handler fills. The server sends json (which it then frees) with
 * Content-Type application/json; a NULL json sends "{}". */
typedef struct http_response {
    int status;     /* HTTP status; 200 unless set */
    json_t *json;   /* the body, owned by the response */
    int json_flags; /* more json_dumps flags, e.g. JSON_REAL_PRECISION(7) */
    char set_cookie[HTTP_SET_COOKIE_MAX]; /* a Set-Cookie value, "" none */
} http_response_t;

typedef void (*http_handler_fn)(void *arg, const http_request_t *req,
                                http_response_t *resp);

/* One route: the first whose method equals the request's and whose
 * pattern matches its path handles it. A pattern ending in '/' matches
 * everything below it; otherwise it matches that path exactly, where a
 * '*' segment stands for any one non-empty path segment
 * ("/api/flags/" "*" "/ack"). */
typedef struct http_route {
    const char *method;  /* "GET" or "POST" */
    const char *prefix;  /* e.g. "/api/flags/" "*" "/ack" */
    http_handler_fn fn;  /* called with http_opts_t.arg */
    unsigned need;       /* given to the guard (e.g. permission bits) */
} http_route_t;

/* Decides whether a request may go on to its handler (or, with route NULL,
 * to the events stream): returns 0 to let it, else fills resp with the
 * refusal, which is sent instead. */
typedef int (*http_guard_fn)(void *arg, const http_request_t *req,
                             const http_route_t *route,
                             http_response_t *resp);

typedef struct http_opts {
    const char *listen;         /* "HOST:PORT", e.g. "127.0.0.1:8701" */
    const char *web_root;       /* static files; NULL or "": none */
    const http_route_t *routes; /* terminated by {NULL} */
    const char *events_path;    /* server-sent events; NULL: none */
    http_guard_fn guard;        /* checked before routes and events; NULL */
    void *arg;                  /* given to handlers, guard and poll */
    uint64_t poll_ms;           /* call poll this often (0: never) */
    void (*poll)(void *arg, http_server_t *srv); /* may call notify */
} http_opts_t;

/* Starts listening on the loop of rl. The strings of o are copied; routes
 * and arg are borrowed and must outlive the server. Errors: XY_ECONFIG
 * (listen is not HOST:PORT), XY_ENET (cannot bind), XY_ENOENT (web_root
 * is not a directory). */
int http_server_new(http_server_t **out, runloop_t *rl, const http_opts_t *o);

/* Closes every connection and the listener; the loop finishes closing
 * their handles (runloop_destroy runs it). Sets *srv to NULL; safe on
 * NULL. */
void http_server_destroy(http_server_t **srv);

/* Sends text (one line of JSON) as one event to every events_path client;
 * a client that has not yet taken the previous notice gets only the
 * latest. */
void http_server_notify(http_server_t *srv, const char *text);

/* Clients listening on events_path now. */
size_t http_server_listeners(const http_server_t *srv);

/* The value of cookie name in req->cookie, copied into buf; NULL when
 * absent or longer than len - 1. */
const char *http_cookie_get(const http_request_t *req, const char *name,
                            char *buf, size_t len);

/* The value of argument name in req->query (e.g. "open" in "open=1"),
 * copied into buf; NULL when absent or longer than len - 1. */
const char *http_query_get(const http_request_t *req, const char *name,
                           char *buf, size_t len);

#endif
