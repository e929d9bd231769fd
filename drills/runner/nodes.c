/* The nodes of a drill: stores made with the real command lines (init,
 * request, enroll, join), configuration for loopback and the agents' links,
 * teams and services registered, daemons started, watched and stopped, and
 * every command an actor runs. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "drills/runner/drill_internal.h"
#include "drills/runner/proc.h"

#define S_START_MS 30000 /* a daemon must say it runs within this */
#define S_STOP_MS 10000  /* SIGTERM grace before SIGKILL */

/* The JSON in out: the whole text, or from its first '{' or '[' (some
 * commands print a line before their JSON). */
static json_t *s_parse(const char *out)
{
    json_t *j = json_loads(out, JSON_DECODE_ANY, NULL);
    for (const char *p = out; !j && *p; p++)
        if (*p == '{' || *p == '[')
            j = json_loads(p, JSON_DECODE_ANY, NULL);
    return j;
}

static const char *s_bin(const drill_t *d, const d_node_t *n)
{
    return n == &d->coord ? d->opts->coord_bin : d->opts->agent_bin;
}

json_t *d_cli(drill_t *d, d_node_t *n, bool quiet_fail, const char *const *args)
{
    return d_cli_err(d, n, quiet_fail, args, NULL, 0);
}

json_t *d_cli_err(drill_t *d, d_node_t *n, bool quiet_fail,
                  const char *const *args, char *errline, size_t errlen)
{
    const char *argv[PROC_MAX_ARGS + 8];
    size_t k = 0;
    argv[k++] = s_bin(d, n);
    argv[k++] = "-d";
    argv[k++] = n->dir;
    argv[k++] = "-u";
    argv[k++] = n == &d->coord ? d->scn->commander.by : n->name;
    argv[k++] = "--json";
    for (size_t i = 0; args[i] && k < PROC_MAX_ARGS + 6; i++)
        argv[k++] = args[i];
    argv[k] = NULL;
    char *out = NULL, *err = NULL;
    int st = proc_run(d->work, argv, &out, &err);
    json_t *j = st == 0 && out ? s_parse(out) : NULL;
    if (st == 0 && !j)
        j = json_object(); /* succeeded, printed no JSON */
    char *nl = err ? strchr(err, '\n') : NULL;
    if (nl)
        *nl = '\0';
    if (!j && errlen)
        snprintf(errline, errlen, "%s", err && *err ? err : "no output");
    if (!j && !quiet_fail) {
        d_timeline(d, n->name, "note", "%s %s failed (status %d): %s",
                   args[0], args[1] ? args[1] : "", st,
                   err && *err ? err : "no output");
    }
    free(out);
    free(err);
    return j;
}

/* Sets keys of DIR/config.json: pairs of key and value, NULL-terminated;
 * values that are all digits are stored as numbers. */
static int s_config(const d_node_t *n, ...)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/config.json", n->dir);
    json_t *cfg = json_load_file(path, 0, NULL);
    if (!cfg)
        return -1;
    va_list ap;
    va_start(ap, n);
    const char *k;
    while ((k = va_arg(ap, const char *))) {
        const char *v = va_arg(ap, const char *);
        bool num = *v && strspn(v, "0123456789") == strlen(v);
        json_object_set_new(cfg, k, num ? json_integer(atoll(v))
                                        : json_string(v));
    }
    va_end(ap);
    int rc = json_dump_file(cfg, path, JSON_INDENT(2));
    json_decref(cfg);
    return rc;
}

static uint16_t s_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    uint16_t port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* `init` and the node id from `status`. */
static int s_init(drill_t *d, d_node_t *n, const char *name)
{
    snprintf(n->name, sizeof n->name, "%s", name);
    snprintf(n->dir, sizeof n->dir, "%s/%s", d->work, name);
    snprintf(n->log, sizeof n->log, "%s/%s.log", d->out, name);
    n->pid = -1;
    n->backlog = -1;
    const char *init[] = {"init", NULL};
    json_t *j = d_cli(d, n, true, init);
    json_decref(j);
    const char *status[] = {"status", NULL};
    j = d_cli(d, n, false, status);
    const char *id = json_string_value(json_object_get(j, "node_id"));
    if (id)
        snprintf(n->id, sizeof n->id, "%s", id);
    json_decref(j);
    if (!id) {
        fprintf(stderr, "xinyuan-drill: %s: init failed (see %s)\n", name,
                d->work);
        return -1;
    }
    return 0;
}

/* Fast sync timers: a compressed drill cannot wait 20 s for a timeout. */
static int s_fast(const d_node_t *n)
{
    return s_config(n, "http", "", "sync_timeout_ms", "3000", "sync_ping_ms",
                    "1000", "sync_tick_ms", "50", NULL);
}

static int s_coord_setup(drill_t *d)
{
    if (s_init(d, &d->coord, "coordinator"))
        return -1;
    d->port = s_free_port();
    do
        d->pub_port = s_free_port();
    while (d->pub_port == d->port);
    char ep[64], pub[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", d->port);
    snprintf(pub, sizeof pub, "tcp://127.0.0.1:%u", d->pub_port);
    return s_config(&d->coord, "listen", ep, "publish", pub, NULL) ||
                   s_fast(&d->coord)
               ? -1
               : 0;
}

/* init, request, enroll at the coordinator, join, then route the agent's
 * two endpoints through its link. */
static int s_agent_setup(drill_t *d, size_t i)
{
    d_node_t *a = &d->agents[i];
    if (s_init(d, a, d->scn->agents[i].name))
        return -1;
    char req[4300], bundle[4300];
    snprintf(req, sizeof req, "%s/%s.request.json", d->work, a->name);
    snprintf(bundle, sizeof bundle, "%s/%s.join.json", d->work, a->name);
    const char *request[] = {"request", NULL};
    json_t *j = d_cli(d, a, false, request);
    int rc = j ? json_dump_file(j, req, 0) : -1;
    json_decref(j);
    const char *enroll[] = {"enroll", a->name, "--request", req, NULL};
    j = rc ? NULL : d_cli(d, &d->coord, false, enroll);
    rc = j ? json_dump_file(j, bundle, 0) : -1;
    json_decref(j);
    const char *join[] = {"join", bundle, NULL};
    j = rc ? NULL : d_cli(d, a, false, join);
    if (!rc && !j)
        rc = -1;
    json_decref(j);
    char ep[64], pub[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", linkset_port(d->links, i));
    snprintf(pub, sizeof pub, "tcp://127.0.0.1:%u",
             linkset_pub_port(d->links, i));
    if (!rc)
        rc = s_config(a, "coordinator", ep, "coordinator_publish", pub,
                      "name", a->name, NULL);
    if (!rc)
        rc = s_fast(a);
    if (rc)
        fprintf(stderr, "xinyuan-drill: agent %s: enrollment failed\n",
                a->name);
    return rc;
}

static int s_team_add(drill_t *d, const scn_team_t *t)
{
    const char *args[PROC_MAX_ARGS];
    size_t k = 0;
    const char *head[] = {"team", "add", "--exercise", "--name", t->name,
                          "--level", t->level, "--lat", t->lat, "--lon",
                          t->lon};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        args[k++] = head[i];
    for (size_t i = 0; i < t->n_members; i++) {
        args[k++] = "--member";
        args[k++] = t->members[i];
    }
    args[k] = NULL;
    json_t *j = d_cli(d, &d->coord, false, args);
    json_decref(j);
    return j ? 0 : -1;
}

/* Registers the teams as drill teams (--exercise: the planner keeps a
 * drill's teams apart from real ones) and reads back their ids. */
static int s_teams(drill_t *d)
{
    const scenario_t *s = d->scn;
    if (s->teams_csv[0]) {
        const char *imp[] = {"team", "import", s->teams_csv, "--exercise",
                             NULL};
        char why[512];
        json_t *j = d_cli_err(d, &d->coord, true, imp, why, sizeof why);
        if (!j) {
            fprintf(stderr, "%s:%d: teams: %s\n", s->path, s->teams_line,
                    why);
            return -2;
        }
        json_decref(j);
    }
    for (size_t i = 0; i < s->n_teams; i++)
        if (s_team_add(d, &s->teams[i]))
            return -1;
    const char *list[] = {"list", "teams", NULL};
    json_t *all = d_cli(d, &d->coord, false, list);
    size_t i;
    json_t *t;
    json_array_foreach(all, i, t)
    {
        if (d->n_teams == D_MAX_TEAMS)
            break;
        d_team_t *dt = &d->teams[d->n_teams++];
        snprintf(dt->id, sizeof dt->id, "%s",
                 json_string_value(json_object_get(t, "id")));
        snprintf(dt->name, sizeof dt->name, "%s",
                 json_string_value(json_object_get(t, "name")));
        snprintf(dt->level, sizeof dt->level, "%s",
                 json_string_value(json_object_get(t, "level")));
        json_t *home = json_object_get(t, "home");
        dt->lat = json_number_value(json_object_get(home, "lat"));
        dt->lon = json_number_value(json_object_get(home, "lon"));
    }
    json_decref(all);
    return 0;
}

static int s_services(drill_t *d)
{
    for (size_t i = 0; i < d->scn->n_services; i++) {
        const scn_service_t *v = &d->scn->services[i];
        const char *args[] = {"service", "add", "--kind", v->kind, "--name",
                              v->name, "--capacity", v->capacity,
                              "--counties", v->counties, "--contact",
                              v->contact, "--exercise", NULL};
        json_t *j = d_cli(d, &d->coord, false, args);
        const char *id = json_string_value(json_object_get(j, "id"));
        if (id)
            snprintf(d->services[i], 33, "%s", id);
        json_decref(j);
        if (!id) {
            fprintf(stderr, "%s: service %s could not be registered\n",
                    d->scn->path, v->name);
            return -1;
        }
    }
    return 0;
}

/* Every agent's team must be registered. */
static int s_check_teams(drill_t *d)
{
    for (size_t i = 0; i < d->scn->n_agents; i++) {
        const scn_agent_t *a = &d->scn->agents[i];
        bool found = false;
        for (size_t t = 0; t < d->n_teams && !found; t++)
            found = strcmp(d->teams[t].name, a->team) == 0;
        if (!found) {
            fprintf(stderr, "%s:%d: agent %s: team '%s' is not among the "
                    "teams registered\n", d->scn->path, a->line, a->name,
                    a->team);
            return -2;
        }
    }
    return 0;
}

/* A dry run of the activation (nothing stored): a bad alert file is a
 * scenario error, found before anything starts. */
static int s_check_incident(drill_t *d)
{
    const scn_incident_t *inc = &d->scn->incident;
    if (inc->kind == SCN_INCIDENT_POINT)
        return 0;
    const char *args[] = {"assess",
                          inc->kind == SCN_INCIDENT_USGS ? "--usgs" : "--cap",
                          inc->file, "--exercise", NULL};
    char why[512];
    json_t *j = d_cli_err(d, &d->coord, true, args, why, sizeof why);
    if (j) {
        json_decref(j);
        return 0;
    }
    fprintf(stderr, "%s:%d: incident: %s\n", d->scn->path, inc->line, why);
    return -2;
}

int d_nodes_setup(drill_t *d)
{
    char err[256];
    if (s_coord_setup(d))
        return -1;
    int rc = s_check_incident(d);
    if (rc)
        return rc;
    if (linkset_new(&d->links, d->scn->n_agents, d->port, d->pub_port, err,
                  sizeof err)) {
        fprintf(stderr, "xinyuan-drill: %s\n", err);
        return -1;
    }
    for (size_t i = 0; i < d->scn->n_agents; i++)
        if (s_agent_setup(d, i))
            return -1;
    rc = s_teams(d);
    if (!rc)
        rc = s_check_teams(d);
    return rc ? rc : s_services(d);
}

int d_node_start(drill_t *d, d_node_t *n)
{
    const char *argv[] = {s_bin(d, n), "-d", n->dir, "run", NULL};
    FILE *f = fopen(n->log, "a");
    if (f) {
        fprintf(f, "--- xinyuan-drill: start at t=%.0f s\n", d_now_s(d));
        fclose(f);
    }
    n->pid = proc_start(argv, n->log);
    if (n->pid < 0 || !proc_wait_log(n->pid, n->log, " running: ", S_START_MS)) {
        fprintf(stderr, "xinyuan-drill: %s did not start (see %s)\n",
                n->name, n->log);
        proc_stop(&n->pid, SIGKILL, 1000);
        return -1;
    }
    return 0;
}

void d_nodes_stop(drill_t *d)
{
    for (size_t i = 0; i < d->scn->n_agents; i++)
        proc_stop(&d->agents[i].pid, SIGTERM, S_STOP_MS);
    proc_stop(&d->coord.pid, SIGTERM, S_STOP_MS);
}

static void s_poll(drill_t *d, d_node_t *n)
{
    const char *status[] = {"status", NULL};
    json_t *j = d_cli(d, n, true, status);
    if (!j)
        return;
    const char *dg = json_string_value(json_object_get(j, "view_digest"));
    if (dg)
        snprintf(n->digest, sizeof n->digest, "%s", dg);
    n->events = (long)json_integer_value(json_object_get(j, "events"));
    json_t *b = json_object_get(json_object_get(j, "live"), "backlog");
    n->backlog = json_is_integer(b) ? (long)json_integer_value(b) : -1;
    json_decref(j);
}

void d_nodes_poll(drill_t *d)
{
    if (d->coord.pid > 0)
        s_poll(d, &d->coord);
    for (size_t i = 0; i < d->scn->n_agents; i++)
        if (d->agents[i].pid > 0)
            s_poll(d, &d->agents[i]);
}
