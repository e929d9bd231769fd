/* xinyuan-agent: the field laptop daemon and its command line. Everything it
 * records is written locally first and works with no network. */
#include "app/app.h"

static const config_key_t s_schema[] = {
    {"name", CONFIG_STRING, "field-agent", "name of this laptop or team"},
    {"coordinator", CONFIG_STRING, "", "the coordinator's endpoint (join)"},
    {"coordinator_publish", CONFIG_STRING, "",
     "the coordinator's fan-out endpoint (join)"},
    {"coordinator_key", CONFIG_STRING, "",
     "the coordinator's public key (join)"},
    {"scope", CONFIG_STRING, "all",
     "incidents to receive: all, or incident ids separated by commas"},
    {"http", CONFIG_STRING, "127.0.0.1:8701",
     "web UI and API address HOST:PORT (loopback by default; empty: off)"},
    {NULL, 0, NULL, NULL},
};

static const app_command_t s_commands[] = {
    {"orders", app_list_dispatch, APP_NODE_SHARED, "[--team ID]",
     "the deployment orders held for this team"},
    {"order", app_cmd_order_ack, APP_NODE_SHARED, "ack ORDER_ID --by NAME",
     "the team leader acknowledges an order"},
    {"position", app_cmd_position, APP_NODE_SHARED,
     "--team ID --lat X --lon Y [--accuracy M --status READINESS]",
     "report the team's position (and readiness)"},
    {"request", app_cmd_request, APP_NODE_SHARED, "",
     "print the enrollment request for the coordinator"},
    {"join", app_cmd_join, APP_NODE_SHARED, "FILE",
     "take the coordinator's join bundle (from enroll)"},
    
    {NULL, NULL, 0, NULL, NULL},
};

int main(int argc, char **argv)
{
    static const app_spec_t spec = {
        "xinyuan-agent",
        "Xinyuan field agent: works offline, syncs with the coordinator.",
        s_schema, s_commands, "agent", app_serve_agent, app_unserve_agent,
        app_status_agent};
    return app_main(&spec, argc, argv);
}
