/* xinyuan-agent: the field laptop daemon and its command line. Everything it
 * records is written locally first and works with no network. */
#include "app/app.h"

static const config_key_t s_schema[] = {
    {"name", CONFIG_STRING, "field-agent", "name of this laptop or team"},
    {"max_clock_offset_ms", CONFIG_INT, "300000",
     "how far ahead of this clock a remote timestamp may be"},
    {"coordinator", CONFIG_STRING, "", "the coordinator's endpoint (join)"},
    {"coordinator_publish", CONFIG_STRING, "",
     "the coordinator's fan-out endpoint (join)"},
    {"coordinator_key", CONFIG_STRING, "",
     "the coordinator's public key (join)"},
    {"scope", CONFIG_STRING, "all",
     "incidents to receive: all, or incident ids separated by commas"},
    {"sync_timeout_ms", CONFIG_INT, "20000", "silence before a session drops"},
    {"sync_ping_ms", CONFIG_INT, "5000", "ping an idle coordinator this often"},
    {"sync_tick_ms", CONFIG_INT, "200", "sync timer period"},
    {"http", CONFIG_STRING, "127.0.0.1:8701",
     "web UI and API address HOST:PORT (loopback by default; empty: off)"},
    {"web_root", CONFIG_STRING, XY_WEB_ROOT,
     "the built web UI (web/dist)"},
    {NULL, 0, NULL, NULL},
};

static const app_command_t s_commands[] = {
    {"init", app_cmd_init, APP_NODE_NONE, "", "create the data directory and keys"},
    {"run", app_cmd_run, APP_NODE_DAEMON, "", "run the daemon until SIGINT/SIGTERM"},
    {"status", app_cmd_status, APP_NODE_SHARED, "", "node id, key, events, digest"},
    {"list", app_cmd_list, APP_NODE_SHARED, "incidents|persons|sites|flags|levels|counts|links|encounters|"
     "referrals [--open]", "show what is held"},
    {"incident", app_cmd_incident, APP_NODE_SHARED,
     "declare --hazard H --title T [--lat --lon --magnitude --level --exercise]",
     "record an incident"},
    {"person", app_cmd_person, APP_NODE_SHARED,
     "add --incident ID --age-band N --site S [--sex --vulnerability --name "
     "--phone --id-number --notes --birth-year ...] | move ID --site S | "
     "link A B | unlink LINK",
     "register, move or link persons met in the field"},
    {"triage", app_cmd_triage, APP_NODE_SHARED,
     "--person ID --screen NAME=ANSWERS ... [--factors F,...]",
     "score screens, record the triage level, raise a red flag if needed"},
    {"flag", app_cmd_flag, APP_NODE_SHARED,
     "ack FLAG_ID --by NAME [--action TEXT]",
     "record who takes responsibility for a red flag"},
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
    {"report", app_cmd_report, APP_NODE_SHARED,
     "--incident ID [--csv --at DAY --grace DAYS]",
     "people, triage, handoffs, follow-ups and trends per zone"},
    {"dedupe", app_cmd_dedupe, APP_NODE_SHARED,
     "[--threshold X --passphrase-file F]",
     "propose pairs of registrations of one person for linking"},
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
