/* The HTTP API and web UI of a running daemon (docs/api.md): the routes
 * that read the views and record people, triages, acknowledgements, teams
 * and handoffs through the same domain builders as the command line, on
 * the HTTP server of core/http.h, behind a login: users of the node
 * (app/users.h), sessions in memory and a permission per route. Started by
 * `run` when the configuration key "http" is set; the static files come
 * from "web_root" and need no login. */
#ifndef XY_APP_HTTP_API_H
#define XY_APP_HTTP_API_H

#include "app/app.h"

typedef struct app_http app_http_t;

/* Starts the API on the loop of rl when "http" is not empty; *out is NULL
 * when it is off. Returns an exit status (says what failed). */
int app_http_start(app_t *app, runloop_t *rl, app_http_t **out);

/* Stops it before the loop closes. Sets *h to NULL; safe on NULL. */
void app_http_stop(app_http_t **h);

#endif
