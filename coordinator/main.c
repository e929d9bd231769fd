/* xinyuan-coordinator: the command-center daemon and its command line. */
#include "app/app.h"

static const config_key_t s_schema[] = {
    {"name", CONFIG_STRING, "coordinator", "name shown to agents and in logs"},
    {"listen", CONFIG_STRING, "tcp://127.0.0.1:7701",
     "where agents connect for the reliable exchange"},
    {"publish", CONFIG_STRING, "tcp://127.0.0.1:7702",
     "where agents subscribe to the fast fan-out"},
    {"advertise", CONFIG_STRING, "", "endpoint given to agents (default: listen)"},
    {"advertise_publish", CONFIG_STRING, "",
     "publish endpoint given to agents (default: publish)"},
    {"data_dir", CONFIG_STRING, XY_DATA_DIR,
     "reference data: county boundaries, attenuation, CAP schema"},
    {"http", CONFIG_STRING, "127.0.0.1:8700",
     "web UI and API address HOST:PORT (loopback by default; empty: off)"},
    {"exercises", CONFIG_STRING, "allow",
     "exercise data from agents: allow (kept apart from real incidents) or "
     "refuse (none at all)"},
    {NULL, 0, NULL, NULL},
};

static const app_command_t s_commands[] = {
    {"order", app_cmd_order, APP_NODE_SHARED,
     "--incident ID --team ID --zone-name NAME --explain TEXT [--zone ID "
     "--report-by MS --exercise]",
     "order a team to a zone (sent to agents on the urgent lane)"},
    {"assess", app_cmd_assess, APP_NODE_SHARED,
     "--usgs FILE [--ms X --strike DEG --exercise] | --cap FILE | --polygon "
     "FILE --hazard H --title T | --point LAT,LON --radii KM,.. --hazard H "
     "--title T | --incident ID  [--params FILE --publish]",
     "assess the impact and need; --publish sends it to every agent"},
    {"level", app_cmd_level, APP_NODE_SHARED,
     "--incident ID --set I|II|III|IV --reason TEXT",
     "confirm or change an incident's response level"},
    {"zone", app_cmd_zone, APP_NODE_SHARED, "recover ZONE --incident ID",
     "move a zone to recovery and hand its open cases to its services"},
    {"team", app_cmd_team, APP_NODE_SHARED,
     "import FILE.csv [--exercise] | add --name N --level L --lat --lon "
     "--member NAME:ROLE[:LANGS[:QUALS]] ... [--exercise] | edit ID [...] | "
     "status ID --set R",
     "register and edit crisis-intervention teams"},
    {"dispatch", app_cmd_dispatch, APP_NODE_SHARED,
     "plan --incident ID [--zones FILE --out PLAN] | approve PLAN | export "
     "--incident ID [--out FILE]",
     "propose, approve (DeploymentOrdered) and export deployments"},
    {"enroll", app_cmd_enroll, APP_NODE_SHARED,
     "NAME --request FILE | NAME --node-id HEX --public-key HEX",
     "admit an agent; prints the join bundle it needs"},
    {"revoke", app_cmd_revoke, APP_NODE_NONE, "NAME",
     "refuse an agent from now on and cut its connection"},
    {"agents", app_cmd_agents, APP_NODE_NONE, "", "list enrolled agents"},
    
    {NULL, NULL, 0, NULL, NULL},
};

int main(int argc, char **argv)
{
    static const app_spec_t spec = {
        "xinyuan-coordinator",
        "Xinyuan command-center coordinator (psychological crisis "
        "intervention).",
        s_schema, s_commands, "coordinator", app_serve_coordinator,
        app_unserve_coordinator, app_status_coordinator};
    return app_main(&spec, argc, argv);
}
