/* xinyuan-coordinator: the command-center daemon and its command line. */
#include "app/app.h"

static const config_key_t s_schema[] = {
    {"name", CONFIG_STRING, "coordinator", "name shown to agents and in logs"},
    {"max_clock_offset_ms", CONFIG_INT, "300000",
     "how far ahead of this clock a remote timestamp may be"},
    {NULL, 0, NULL, NULL},
};

static const app_command_t s_commands[] = {
    {"init", app_cmd_init, APP_NODE_NONE, "", "create the data directory and keys"},
    {"run", app_cmd_run, APP_NODE_DAEMON, "", "run the daemon until SIGINT/SIGTERM"},
    {"status", app_cmd_status, APP_NODE_SHARED, "", "node id, key, events, digest"},
    {"list", app_cmd_list, APP_NODE_SHARED, "incidents|persons|sites", "show what is held"},
    {"incident", app_cmd_incident, APP_NODE_SHARED,
     "declare --hazard H --title T [--lat --lon --magnitude --level --exercise]",
     "declare an incident"},
    {NULL, NULL, 0, NULL, NULL},
};

int main(int argc, char **argv)
{
    static const app_spec_t spec = {
        "xinyuan-coordinator",
        "Xinyuan command-center coordinator (psychological crisis "
        "intervention).",
        s_schema, s_commands, "coordinator"};
    return app_main(&spec, argc, argv);
}
