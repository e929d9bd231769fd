/* xinyuan-coordinator: the command-center daemon and its command line. */
#include "app/app.h"

static const config_key_t s_schema[] = {
    {"name", CONFIG_STRING, "coordinator", "name shown to agents and in logs"},
    {"max_clock_offset_ms", CONFIG_INT, "300000",
     "how far ahead of this clock a remote timestamp may be"},
    {"listen", CONFIG_STRING, "tcp://127.0.0.1:7701",
     "where agents connect for the reliable exchange"},
    {"publish", CONFIG_STRING, "tcp://127.0.0.1:7702",
     "where agents subscribe to the fast fan-out"},
    {"advertise", CONFIG_STRING, "", "endpoint given to agents (default: listen)"},
    {"advertise_publish", CONFIG_STRING, "",
     "publish endpoint given to agents (default: publish)"},
    {"sync_timeout_ms", CONFIG_INT, "20000", "silence before a session drops"},
    {"sync_ping_ms", CONFIG_INT, "5000", "ping an idle agent this often"},
    {"sync_tick_ms", CONFIG_INT, "200", "sync timer period"},
    {"data_dir", CONFIG_STRING, XY_DATA_DIR,
     "reference data: county boundaries, attenuation, CAP schema"},
    {"http", CONFIG_STRING, "127.0.0.1:8700",
     "web UI and API address HOST:PORT (loopback by default; empty: off)"},
    {"web_root", CONFIG_STRING, XY_WEB_ROOT,
     "the built web UI (web/dist)"},
    {NULL, 0, NULL, NULL},
};

static const app_command_t s_commands[] = {
    {"init", app_cmd_init, APP_NODE_NONE, "", "create the data directory and keys"},
    {"run", app_cmd_run, APP_NODE_DAEMON, "", "run the daemon until SIGINT/SIGTERM"},
    {"status", app_cmd_status, APP_NODE_SHARED, "", "node id, key, events, digest"},
    {"list", app_cmd_list, APP_NODE_SHARED, "incidents|persons|sites|counts|links|encounters|"
     "referrals [--open]", "show what is held"},
    {"incident", app_cmd_incident, APP_NODE_SHARED,
     "declare --hazard H --title T [--lat --lon --magnitude --level --exercise]",
     "declare an incident"},
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
    {"person", app_cmd_person, APP_NODE_SHARED,
     "add --incident ID --age-band N --site S [...] | move | link A B | "
     "unlink LINK",
     "register, move or link persons"},
    {"key", app_cmd_key, APP_NODE_SHARED,
     "create --incident ID | list | export --incident ID --to PUBKEY | "
     "import FILE [--passphrase-file F]",
     "incident data keys, wrapped under $XINYUAN_PASSPHRASE"},
    {"encounter", app_cmd_encounter, APP_NODE_SHARED,
     "--person ID --kind pfa|crisis_intervention|group_session --minutes N "
     "[--visit N --worker W]",
     "record an encounter with a person"},
    {"refer", app_cmd_refer, APP_NODE_SHARED,
     "--person ID --facility NAME --reason TEXT --urgency "
     "emergency|urgent|routine",
     "refer a person to a hospital or psychiatric service"},
    {"referral", app_cmd_referral, APP_NODE_SHARED,
     "update ID --status received|seen|closed [--note TEXT]",
     "track a referral to closure"},
    {"service", app_cmd_service, APP_NODE_SHARED,
     "add --kind K --name N --capacity N --zones Z;Z --contact C "
     "[--counties C;C --languages L;L --id ID] | import FILE.csv",
     "register community services (list services)"},
    {"handoff", app_cmd_handoff, APP_NODE_SHARED,
     "propose --person ID --service ID --consent yes|no [--prefs TEXT] | "
     "accept ID --by NAME [--schedule 1w,1m,3m] | decline ID --by NAME "
     "--reason TEXT",
     "hand a person to a community service (list handoffs [--pending])"},
    {"followup", app_cmd_followup, APP_NODE_SHARED,
     "done ID --outcome done|missed|lost [--screen PHQ-9=0,1,..]",
     "record a follow-up contact (list followups [--due|--overdue])"},
    {"case", app_cmd_case, APP_NODE_SHARED,
     "close PERSON --reason CODE [--note TEXT] | reopen PERSON --reason TEXT",
     "close or reopen a person's case"},
    {"zone", app_cmd_zone, APP_NODE_SHARED, "recover ZONE --incident ID",
     "move a zone to recovery and hand its open cases to its services"},
    {"report", app_cmd_report, APP_NODE_SHARED,
     "--incident ID [--csv --at DAY --grace DAYS]",
     "people, triage, handoffs, follow-ups and trends per zone"},
    {"dedupe", app_cmd_dedupe, APP_NODE_SHARED,
     "[--threshold X --passphrase-file F]",
     "propose pairs of registrations of one person for linking"},
    {"team", app_cmd_team, APP_NODE_SHARED,
     "import FILE.csv | add --name N --level L --lat --lon --member "
     "NAME:ROLE[:LANGS[:QUALS]] ... | edit ID [...] | status ID --set R",
     "register and edit crisis-intervention teams"},
    {"dispatch", app_cmd_dispatch, APP_NODE_SHARED,
     "plan --incident ID [--zones FILE --out PLAN] | approve PLAN | export "
     "--incident ID [--out FILE]",
     "propose, approve (DeploymentOrdered) and export deployments"},
    {"flag", app_cmd_flag, APP_NODE_SHARED,
     "ack FLAG_ID --by NAME [--action TEXT]",
     "a named person takes responsibility for a red flag (list flags)"},
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
