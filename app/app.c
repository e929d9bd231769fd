/* Command-line front end shared by the daemons (app.h). */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "core/runloop.h"

#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct app {
    const app_spec_t *spec;   /* the daemon's description */
    const char *data_dir;     /* --data-dir or $XINYUAN_DATA_DIR */
    const char *config_path;  /* --config, or NULL for the default */
    const char *user;         /* --user or $USER */
    bool json;                /* --json */
    node_t *node;             /* opened for commands that need it */
    domain_model_t *model;    /* views and reducers */
    void *served;             /* the serve hook's state */
    config_key_t schema[APP_SCHEMA_MAX + 1]; /* own keys, then common */
};

const config_key_t *app_schema(const app_t *app)
{
    return app->schema;
}

/* Joins the daemon's keys and the common ones into app->schema. */
static void s_merge_schema(app_t *app)
{
    size_t n = 0;
    const config_key_t *lists[] = {app->spec->schema, app_common_schema};
    for (size_t l = 0; l < 2; l++)
        for (const config_key_t *k = lists[l]; k && k->name; k++)
            if (n < APP_SCHEMA_MAX)
                app->schema[n++] = *k;
    app->schema[n] = (config_key_t){NULL, 0, NULL, NULL};
}

static const app_command_t *s_find_command(const app_spec_t *spec,
                                           const char *name)
{
    const app_command_t *lists[] = {spec->commands, app_common_commands};
    for (size_t l = 0; l < 2; l++)
        for (const app_command_t *k = lists[l]; k->name; k++)
            if (strcmp(k->name, name) == 0)
                return k;
    return NULL;
}

void *app_served(const app_t *app)
{
    return app->served;
}

void app_set_served(app_t *app, void *state)
{
    app->served = state;
}

node_t *app_node(app_t *app)
{
    return app->node;
}

const domain_model_t *app_model(const app_t *app)
{
    return app->model;
}

const app_spec_t *app_spec(const app_t *app)
{
    return app->spec;
}

const char *app_data_dir(const app_t *app)
{
    return app->data_dir;
}

const char *app_user(const app_t *app)
{
    return app->user;
}

bool app_json(const app_t *app)
{
    return app->json;
}

int app_fail(const app_t *app, int status, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", app->spec->program);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return status;
}

void app_random_id(uint8_t out[16])
{
    if (sodium_init() < 0)
        abort();
    randombytes_buf(out, 16);
}

static void s_usage(const app_spec_t *s, FILE *f)
{
    fprintf(f, "Usage: %s [OPTIONS] COMMAND [ARGS]\n%s\n\nOptions:\n"
               "  -d, --data-dir DIR   node data directory "
               "(default: $XINYUAN_DATA_DIR)\n"
               "  -c, --config FILE    configuration file "
               "(default: DIR/config.json)\n"
               "  -u, --user NAME      who is acting (default: $USER)\n"
               "      --json           print JSON instead of tables\n"
               "  -h, --help           show this help\n"
               "  -V, --version        show the version\n\nCommands:\n",
            s->program, s->summary);
    const app_command_t *lists[] = {app_common_commands, s->commands};
    for (size_t l = 0; l < 2; l++)
        for (const app_command_t *c = lists[l]; c->name; c++)
            fprintf(f, "  %s %s\n      %s\n", c->name,
                    c->usage ? c->usage : "", c->help);
}

int app_main(const app_spec_t *spec, int argc, char **argv)
{
    app_t app = {.spec = spec};
    s_merge_schema(&app);
    app.data_dir = getenv("XINYUAN_DATA_DIR");
    app.user = getenv("USER") ? getenv("USER") : "unknown";
    static const struct option opts[] = {
        {"data-dir", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"user", required_argument, NULL, 'u'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    optind = 1;
    int c;
    /* "+": stop at the command name; its own options follow it. */
    while ((c = getopt_long(argc, argv, "+:d:c:u:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            app.data_dir = optarg;
            break;
        case 'c':
            app.config_path = optarg;
            break;
        case 'u':
            app.user = optarg;
            break;
        case 'j':
            app.json = true;
            break;
        case 'h':
            s_usage(spec, stdout);
            return 0;
        case 'V':
            printf("%s %s\n", spec->program, XY_VERSION);
            return 0;
        case ':':
            return app_fail(&app, APP_EXIT_USAGE, "option %s needs a value "
                            "(see --help)", argv[optind - 1]);
        default:
            return app_fail(&app, APP_EXIT_USAGE, "unknown option '%s' (see "
                            "--help)", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return app_fail(&app, APP_EXIT_USAGE, "no command given (see --help)");
    int cmd_index = optind;
    const char *name = argv[cmd_index];
    const app_command_t *cmd = s_find_command(spec, name);
    if (!cmd)
        return app_fail(&app, APP_EXIT_USAGE, "unknown command '%s' (see "
                        "--help)", name);
    if (!app.data_dir || !*app.data_dir)
        return app_fail(&app, APP_EXIT_USAGE, "no data directory: give "
                        "--data-dir DIR or set XINYUAN_DATA_DIR");
    app.model = domain_model_new();
    int status = 0;
    if (cmd->needs_node) {
        char err[512];
        int rc = node_open(&app.node, app.data_dir, app.config_path,
                           app.schema, app.model->views,
                           cmd->needs_node == APP_NODE_DAEMON, err,
                           sizeof err);
        if (rc)
            status = app_fail(&app, APP_EXIT_FAIL, "%s", err);
    }
    if (!status) {
        /* The command parses its own options, its name standing where
         * getopt expects the program name. optind 0 makes glibc's getopt
         * start afresh. */
        optind = 0;
        status = cmd->run(&app, argc - cmd_index, argv + cmd_index);
    }
    node_destroy(&app.node);
    domain_model_destroy(&app.model);
    return status;
}
