/* The HTTP server (http.h): libwebsockets 4.1 on a foreign libuv loop. One
 * protocol, the first of the vhost, receives every HTTP transaction; a
 * connection's state (s_conn_t) lives in libwebsockets' per-session data
 * and is reset at every new transaction and when the protocol is dropped or
 * the connection closes. */
#include "core/http.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <arpa/inet.h>
#include <libwebsockets.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#define S_CHUNK 4096         /* bytes written per writable callback */
#define S_NOTICE_MAX 1024    /* longest notice pushed to listeners */
#define S_KEEPALIVE_MS 15000 /* comment line to idle listeners */

typedef struct s_conn s_conn_t;

struct http_server {
    struct lws_context *ctx;     /* the libwebsockets context */
    void *foreign[1];            /* the loop, as lws wants it */
    uv_timer_t *timer;           /* poll and keep-alive; freed on close */
    const http_route_t *routes;  /* borrowed */
    char *web_root;              /* owned, NULL when none */
    char *events_path;           /* owned, NULL when none */
    http_guard_fn guard;         /* checked before routes and events */
    void *arg;                   /* handlers' argument */
    void (*poll)(void *, http_server_t *); /* periodic hook */
    s_conn_t *listeners;         /* events clients, linked */
    size_t n_listeners;          /* their number */
    uint64_t notice_seq;         /* notices pushed so far */
    char notice[S_NOTICE_MAX];   /* the latest */
    uint64_t since_keepalive;    /* ms since the last keep-alive */
    uint64_t poll_ms;            /* timer period */
};

struct s_conn {
    s_conn_t *next;          /* in srv->listeners */
    http_server_t *srv;      /* set while linked as a listener */
    bool listening;          /* an events client */
    bool keepalive;          /* a keep-alive comment is due */
    uint64_t seen;           /* notice_seq last sent */
    char method[8];          /* "GET", "POST" */
    char path[HTTP_PATH_MAX];
    char query[HTTP_QUERY_MAX];
    char cookie[HTTP_COOKIE_MAX];  /* Cookie header, "" when none */
    char auth[HTTP_AUTH_MAX];      /* Authorization header, "" when none */
    char *body;              /* request body so far (owned) */
    size_t body_len;         /* its length */
    char *out;               /* LWS_PRE + response body (owned) */
    size_t out_len, out_off; /* body length, bytes written */
};

static const struct {
    const char *ext;
    const char *type;
} s_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json"},
};

static void s_conn_reset(s_conn_t *c)
{
    if (c->listening && c->srv) {
        s_conn_t **pp = &c->srv->listeners;
        while (*pp && *pp != c)
            pp = &(*pp)->next;
        if (*pp) {
            *pp = c->next;
            c->srv->n_listeners--;
        }
    }
    free(c->body);
    free(c->out);
    memset(c, 0, sizeof *c);
}

/* Sends the headers of a reply whose body (len bytes) c->out holds, with
 * a Set-Cookie header when cookie is not empty, and asks to write the
 * body. Returns non-zero to close the connection. */
static int s_send_head(struct lws *wsi, int status, const char *type,
                       lws_filepos_t len, const char *cookie)
{
    uint8_t buf[LWS_PRE + 1024];
    uint8_t *start = &buf[LWS_PRE], *p = start, *end = &buf[sizeof buf - 1];
    if (lws_add_http_common_headers(wsi, (unsigned)status, type, len, &p,
                                    end) ||
        (cookie && *cookie &&
         lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_SET_COOKIE,
                                      (const uint8_t *)cookie,
                                      (int)strlen(cookie), &p, end)) ||
        lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
                                     (const uint8_t *)"no-store", 8, &p,
                                     end) ||
        lws_add_http_header_by_name(wsi,
                                    (const uint8_t *)"x-content-type-options:",
                                    (const uint8_t *)"nosniff", 7, &p, end) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return 1;
    lws_callback_on_writable(wsi);
    return 0;
}

/* Queues the JSON reply of resp and frees its body. */
static int s_reply_resp(struct lws *wsi, s_conn_t *c, http_response_t *resp)
{
    json_t *body = resp->json ? resp->json : json_object();
    char *text = json_dumps(body, JSON_COMPACT | (size_t)resp->json_flags);
    json_decref(body);
    size_t n = text ? strlen(text) : 0;
    free(c->out);
    c->out = xmalloc(LWS_PRE + n + 1);
    memcpy(c->out + LWS_PRE, text ? text : "", n);
    free(text);
    c->out_len = n;
    c->out_off = 0;
    return s_send_head(wsi, resp->status, "application/json", n,
                       resp->set_cookie);
}

static int s_reply(struct lws *wsi, s_conn_t *c, int status, json_t *body)
{
    http_response_t resp = {.status = status, .json = body};
    return s_reply_resp(wsi, c, &resp);
}

static int s_reply_error(struct lws *wsi, s_conn_t *c, int status,
                         const char *code, const char *msg)
{
    return s_reply(wsi, c, status,
                   json_pack("{s:{s:s, s:s, s:s}}", "error", "code", code,
                             "field", "", "message", msg));
}

/* Whether path matches pattern (http_route_t): '*' is one non-empty
 * segment, a trailing '/' matches everything below. */
static bool s_pattern_match(const char *pat, const char *path)
{
    while (*pat) {
        if (*pat == '*') {
            size_t seg = strcspn(path, "/");
            if (seg == 0)
                return false;
            path += seg;
            pat++;
            continue;
        }
        if (*pat != *path)
            return false;
        if (*pat == '/' && pat[1] == '\0')
            return true;
        pat++;
        path++;
    }
    return *path == '\0';
}

static bool s_route_match(const http_route_t *r, const char *method,
                          const char *path)
{
    return strcmp(r->method, method) == 0 && s_pattern_match(r->prefix, path);
}

static http_request_t s_request(const s_conn_t *c)
{
    return (http_request_t){c->method, c->path, c->query,
                            c->body ? c->body : "", c->body_len, c->cookie,
                            c->auth};
}

static int s_dispatch(struct lws *wsi, s_conn_t *c, http_server_t *srv)
{
    http_request_t req = s_request(c);
    for (const http_route_t *r = srv->routes; r && r->method; r++) {
        if (!s_route_match(r, c->method, c->path))
            continue;
        http_response_t resp = {.status = 200};
        if (!srv->guard || srv->guard(srv->arg, &req, r, &resp) == 0)
            r->fn(srv->arg, &req, &resp);
        return s_reply_resp(wsi, c, &resp);
    }
    return s_reply_error(wsi, c, 404, "XY_ENOENT", "no such API route");
}

static const char *s_type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof s_types / sizeof s_types[0]; i++)
        if (strcmp(dot, s_types[i].ext) == 0)
            return s_types[i].type;
    return "application/octet-stream";
}

/* Serves a file of web_root; "/" and paths with no extension (pages of the
 * UI) are index.html. Returns what the lws callback returns. */
static int s_static(struct lws *wsi, s_conn_t *c, http_server_t *srv)
{
    if (!srv->web_root || strcmp(c->method, "GET") != 0)
        return s_reply_error(wsi, c, 404, "XY_ENOENT", "not found");
    if (strstr(c->path, "..") || c->path[0] != '/')
        return s_reply_error(wsi, c, 404, "XY_ENOENT", "not found");
    const char *base = strrchr(c->path, '/');
    const char *rel = strchr(base, '.') ? c->path : "/index.html";
    char file[4096];
    snprintf(file, sizeof file, "%s%s", srv->web_root, rel);
    struct stat st;
    if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
        return s_reply_error(wsi, c, 404, "XY_ENOENT", "not found");
    int n = lws_serve_http_file(wsi, file, s_type_of(file), NULL, 0);
    if (n < 0 || (n > 0 && lws_http_transaction_completed(wsi)))
        return -1;
    return 0;
}

static int s_listen(struct lws *wsi, s_conn_t *c, http_server_t *srv)
{
    if (srv->guard) {
        http_request_t req = s_request(c);
        http_response_t resp = {.status = 200};
        if (srv->guard(srv->arg, &req, NULL, &resp))
            return s_reply_resp(wsi, c, &resp);
        json_decref(resp.json);
    }
    uint8_t buf[LWS_PRE + 512];
    uint8_t *start = &buf[LWS_PRE], *p = start, *end = &buf[sizeof buf - 1];
    if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, "text/event-stream",
                                    LWS_ILLEGAL_HTTP_CONTENT_LEN, &p, end) ||
        lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
                                     (const uint8_t *)"no-store", 8, &p,
                                     end) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return 1;
    /* A listener stays until the browser leaves, however quiet. */
    lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
    c->listening = true;
    c->srv = srv;
    c->seen = 0;
    c->next = srv->listeners;
    srv->listeners = c;
    srv->n_listeners++;
    lws_callback_on_writable(wsi);
    return 0;
}

static int s_write_listener(struct lws *wsi, s_conn_t *c)
{
    http_server_t *srv = c->srv;
    char buf[LWS_PRE + S_NOTICE_MAX + 64];
    char *start = buf + LWS_PRE;
    int n;
    if (c->seen == 0 && srv->notice_seq == 0)
        n = snprintf(start, S_NOTICE_MAX + 64, "retry: 2000\n\n");
    else if (c->seen < srv->notice_seq)
        n = snprintf(start, S_NOTICE_MAX + 64, "data: %s\n\n", srv->notice);
    else if (c->keepalive)
        n = snprintf(start, S_NOTICE_MAX + 64, ": keep-alive\n\n");
    else
        return 0;
    c->seen = srv->notice_seq ? srv->notice_seq : 1;
    c->keepalive = false;
    if (lws_write(wsi, (unsigned char *)start, (size_t)n, LWS_WRITE_HTTP) !=
        n)
        return -1;
    return 0;
}

static int s_write_reply(struct lws *wsi, s_conn_t *c)
{
    if (!c->out)
        return 0;
    size_t left = c->out_len - c->out_off;
    size_t n = left > S_CHUNK ? S_CHUNK : left;
    enum lws_write_protocol wp = n == left ? LWS_WRITE_HTTP_FINAL
                                           : LWS_WRITE_HTTP;
    /* lws_write needs LWS_PRE writable bytes before what it sends; the
     * bytes already sent serve for that. */
    unsigned char *at = (unsigned char *)c->out + LWS_PRE + c->out_off;
    if (lws_write(wsi, at, n, wp) != (int)n)
        return -1;
    c->out_off += n;
    if (c->out_off < c->out_len) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    free(c->out);
    c->out = NULL;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static void s_method(struct lws *wsi, s_conn_t *c)
{
    if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0)
        snprintf(c->method, sizeof c->method, "POST");
    else if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0)
        snprintf(c->method, sizeof c->method, "GET");
    else
        snprintf(c->method, sizeof c->method, "OTHER");
}

/* Copies header token tok into buf; "" when absent or too long. */
static void s_header(struct lws *wsi, char *buf, size_t len,
                     enum lws_token_indexes tok)
{
    buf[0] = '\0';
    int n = lws_hdr_total_length(wsi, tok);
    if (n <= 0 || (size_t)n >= len ||
        lws_hdr_copy(wsi, buf, (int)len, tok) < 0)
        buf[0] = '\0';
}

/* A new transaction: path in `in`. */
static int s_on_http(struct lws *wsi, s_conn_t *c, http_server_t *srv,
                     const char *in)
{
    s_conn_reset(c);
    s_method(wsi, c);
    if (!in || strlen(in) >= sizeof c->path)
        return s_reply_error(wsi, c, 414, "XY_ETOOBIG", "path too long");
    snprintf(c->path, sizeof c->path, "%s", in);
    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS) > 0 &&
        lws_hdr_copy(wsi, c->query, sizeof c->query,
                     WSI_TOKEN_HTTP_URI_ARGS) < 0)
        c->query[0] = '\0';
    s_header(wsi, c->cookie, sizeof c->cookie, WSI_TOKEN_HTTP_COOKIE);
    s_header(wsi, c->auth, sizeof c->auth, WSI_TOKEN_HTTP_AUTHORIZATION);
    if (strcmp(c->method, "POST") == 0) {
        char cl[32] = "";
        lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH);
        long long want = atoll(cl);
        if (want > HTTP_BODY_MAX)
            return s_reply_error(wsi, c, 413, "XY_ETOOBIG",
                                 "request body larger than 256 KiB");
        if (want <= 0)
            return s_dispatch(wsi, c, srv);
        c->body = xmalloc(1);
        c->body[0] = '\0';
        return 0; /* the body follows */
    }
    if (srv->events_path && strcmp(c->path, srv->events_path) == 0 &&
        strcmp(c->method, "GET") == 0)
        return s_listen(wsi, c, srv);
    if (strncmp(c->path, "/api/", 5) == 0 || strcmp(c->path, "/api") == 0)
        return s_dispatch(wsi, c, srv);
    return s_static(wsi, c, srv);
}

static int s_on_body(s_conn_t *c, const void *in, size_t len)
{
    if (!c->body)
        return 0;
    if (c->body_len + len > HTTP_BODY_MAX)
        return -1; /* more than the announced length: drop the peer */
    c->body = xrealloc(c->body, c->body_len + len + 1);
    memcpy(c->body + c->body_len, in, len);
    c->body_len += len;
    c->body[c->body_len] = '\0';
    return 0;
}

static int s_callback(struct lws *wsi, enum lws_callback_reasons reason,
                      void *user, void *in, size_t len)
{
    s_conn_t *c = user;
    struct lws_context *ctx = lws_get_context(wsi);
    http_server_t *srv = ctx ? lws_context_user(ctx) : NULL;
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return s_on_http(wsi, c, srv, in);
    case LWS_CALLBACK_HTTP_BODY:
        return s_on_body(c, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return s_dispatch(wsi, c, srv);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (!c)
            return 0;
        return c->listening ? s_write_listener(wsi, c) : s_write_reply(wsi, c);
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
        if (c)
            s_conn_reset(c);
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* Debian's 4.1 headers lack LWS_PROTOCOL_LIST_TERM: a zeroed entry ends
 * the list. */
static const struct lws_protocols s_protocols[] = {
    {"http", s_callback, sizeof(s_conn_t), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void s_on_timer(uv_timer_t *t)
{
    http_server_t *srv = t->data;
    if (srv->poll)
        srv->poll(srv->arg, srv);
    srv->since_keepalive += srv->poll_ms;
    if (srv->since_keepalive < S_KEEPALIVE_MS)
        return;
    srv->since_keepalive = 0;
    for (s_conn_t *c = srv->listeners; c; c = c->next)
        c->keepalive = true;
    lws_callback_on_writable_all_protocol(srv->ctx, &s_protocols[0]);
}

static void s_free_handle(uv_handle_t *h)
{
    free(h);
}

static int s_parse_listen(const char *text, char *host, size_t hlen,
                          int *port)
{
    const char *colon = text ? strrchr(text, ':') : NULL;
    if (!colon || colon == text || (size_t)(colon - text) >= hlen)
        return XY_ECONFIG;
    char *end = NULL;
    long p = strtol(colon + 1, &end, 10);
    if (!end || *end || end == colon + 1 || p < 1 || p > 65535)
        return XY_ECONFIG;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    *port = (int)p;
    return 0;
}

/* Whether host:port can be bound now. libwebsockets 4.1 keeps a context
 * whose listening vhost failed to bind (and says so only in its log), so
 * a port another program holds is found here first. A host that is not a
 * numeric IPv4 address is left to libwebsockets. */
static bool s_port_free(const char *host, int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        return true;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return true;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bool ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

int http_server_new(http_server_t **out, runloop_t *rl, const http_opts_t *o)
{
    char host[256];
    int port = 0;
    if (s_parse_listen(o->listen, host, sizeof host, &port))
        return XY_ECONFIG;
    if (!s_port_free(host, port))
        return XY_ENET;
    struct stat st;
    if (o->web_root && *o->web_root &&
        (stat(o->web_root, &st) != 0 || !S_ISDIR(st.st_mode)))
        return XY_ENOENT;
    http_server_t *srv = xcalloc(1, sizeof *srv);
    srv->routes = o->routes;
    srv->web_root = o->web_root && *o->web_root ? xstrdup(o->web_root) : NULL;
    srv->events_path = o->events_path ? xstrdup(o->events_path) : NULL;
    srv->arg = o->arg;
    srv->guard = o->guard;
    srv->poll = o->poll;
    srv->poll_ms = o->poll_ms ? o->poll_ms : 1000;
    srv->foreign[0] = runloop_loop(rl);
    lws_set_log_level(LLL_ERR, NULL);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = port;
    info.iface = host;
    info.protocols = s_protocols;
    info.options = LWS_SERVER_OPTION_LIBUV |
                   LWS_SERVER_OPTION_DISABLE_IPV6;
    info.foreign_loops = srv->foreign;
    info.user = srv;
    info.timeout_secs = 20;
    srv->ctx = lws_create_context(&info);
    if (!srv->ctx) {
        free(srv->web_root);
        free(srv->events_path);
        free(srv);
        return XY_ENET;
    }
    srv->timer = xcalloc(1, sizeof *srv->timer);
    uv_timer_init(runloop_loop(rl), srv->timer);
    srv->timer->data = srv;
    uv_timer_start(srv->timer, s_on_timer, srv->poll_ms, srv->poll_ms);
    *out = srv;
    return 0;
}

static void s_count_closing(uv_handle_t *h, void *arg)
{
    if (uv_is_closing(h))
        (*(size_t *)arg)++;
}

void http_server_destroy(http_server_t **srvp)
{
    if (!srvp || !*srvp)
        return;
    http_server_t *srv = *srvp;
    uv_loop_t *loop = srv->foreign[0];
    uv_timer_stop(srv->timer);
    uv_close((uv_handle_t *)srv->timer, s_free_handle);
    /* Listeners forget the server first: their closing is reported while
     * the context goes down. */
    for (s_conn_t *c = srv->listeners; c; c = c->next)
        c->srv = NULL;
    srv->listeners = NULL;
    lws_context_destroy(srv->ctx);
    /* On a foreign loop libwebsockets closes its connections' handles now
     * and its own timers only from their close callbacks. Let the loop
     * finish that here, so that nothing of it is left for runloop_destroy
     * to close a second time. */
    for (int i = 0; i < 1000; i++) {
        size_t closing = 0;
        uv_walk(loop, s_count_closing, &closing);
        if (!closing)
            break;
        uv_run(loop, UV_RUN_NOWAIT);
    }
    /* The second call frees what the first left for after the closes
     * (libwebsockets' foreign-loop teardown; one call leaks its buffers). */
    lws_context_destroy(srv->ctx);
    free(srv->web_root);
    free(srv->events_path);
    free(srv);
    *srvp = NULL;
}

void http_server_notify(http_server_t *srv, const char *text)
{
    snprintf(srv->notice, sizeof srv->notice, "%s", text);
    srv->notice_seq++;
    if (srv->listeners)
        lws_callback_on_writable_all_protocol(srv->ctx, &s_protocols[0]);
}

size_t http_server_listeners(const http_server_t *srv)
{
    return srv->n_listeners;
}

const char *http_cookie_get(const http_request_t *req, const char *name,
                            char *buf, size_t len)
{
    size_t n = strlen(name);
    for (const char *p = req->cookie; p && *p;) {
        p += strspn(p, " ");
        const char *semi = strchr(p, ';');
        size_t seg = semi ? (size_t)(semi - p) : strlen(p);
        if (seg > n && strncmp(p, name, n) == 0 && p[n] == '=') {
            size_t vlen = seg - n - 1;
            if (vlen >= len)
                return NULL;
            memcpy(buf, p + n + 1, vlen);
            buf[vlen] = '\0';
            return buf;
        }
        p = semi ? semi + 1 : NULL;
    }
    return NULL;
}

const char *http_query_get(const http_request_t *req, const char *name,
                           char *buf, size_t len)
{
    size_t n = strlen(name);
    for (const char *p = req->query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t seg = amp ? (size_t)(amp - p) : strlen(p);
        if (seg > n && strncmp(p, name, n) == 0 && p[n] == '=') {
            size_t vlen = seg - n - 1;
            if (vlen >= len)
                return NULL;
            memcpy(buf, p + n + 1, vlen);
            buf[vlen] = '\0';
            return buf;
        }
        if (seg == n && strncmp(p, name, n) == 0) {
            buf[0] = '\0';
            return buf;
        }
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}
