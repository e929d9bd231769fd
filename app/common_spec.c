/* What every node has, whichever daemon it is: the configuration keys and
 * the commands both the coordinator and the field agent offer. A daemon's
 * main.c lists only what is its own (app.h, app_spec_t). */
#include "app/app.h"

const config_key_t app_common_schema[] = {
    {"max_clock_offset_ms", CONFIG_INT, "300000",
     "how far ahead of this clock a remote timestamp may be"},
    {"sync_timeout_ms", CONFIG_INT, "20000", "silence before a session drops"},
    {"sync_ping_ms", CONFIG_INT, "5000", "ping an idle peer this often"},
    {"sync_tick_ms", CONFIG_INT, "200", "sync timer period"},
    {"web_root", CONFIG_STRING, XY_WEB_ROOT, "the built web UI (web/dist)"},
    {"flag_ack_timeout_min", CONFIG_INT, "15",
     "minutes a red flag may stay unacknowledged before it escalates"},
    {"order_ack_timeout_min", CONFIG_INT, "15",
     "minutes an order may stay unacknowledged before it escalates"},
    {"pfif_domain", CONFIG_STRING, "xinyuan.local",
     "domain of exported PFIF person_record_ids (domain/person-id)"},
    {NULL, 0, NULL, NULL},
};

const app_command_t app_common_commands[] = {
    {"init", app_cmd_init, APP_NODE_NONE, "", "create the data directory and keys"},
    {"run", app_cmd_run, APP_NODE_DAEMON, "", "run the daemon until SIGINT/SIGTERM"},
    {"status", app_cmd_status, APP_NODE_SHARED, "", "node id, key, events, digest"},
    {"list", app_cmd_list, APP_NODE_SHARED,
     "incidents|persons|sites|flags|levels|counts|links|encounters|"
     "referrals|services|handoffs|followups|teams|orders|relief [--open] | "
     "audits --person ID",
     "show what is held"},
    {"incident", app_cmd_incident, APP_NODE_SHARED,
     "declare --hazard H --title T [--lat --lon --magnitude --level --exercise]",
     "declare an incident"},
    {"person", app_cmd_person, APP_NODE_SHARED,
     "add --incident ID --age-band N --site S [--sex --vulnerability --name "
     "--phone --id-number --notes --birth-year ...] | move ID --site S | "
     "link A B | unlink LINK",
     "register, move or link affected people"},
    {"triage", app_cmd_triage, APP_NODE_SHARED,
     "--person ID --screen NAME=ANSWERS ... [--factors F,...]",
     "score screens, record the triage level, raise a red flag if needed"},
    {"flag", app_cmd_flag, APP_NODE_SHARED,
     "ack FLAG_ID --by NAME [--action TEXT]",
     "a named person takes responsibility for a red flag (list flags)"},
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
    {"pfif", app_cmd_pfif, APP_NODE_SHARED,
     "export --incident ID [--out FILE] | import FILE --incident ID "
     "--site-default S [--skip-bad --age-band-default N --exercise]",
     "exchange persons with family-reunification systems (PFIF)"},
    {"user", app_cmd_user, APP_NODE_SHARED,
     "add NAME --role ROLE [--password-file F] | list | remove NAME | "
     "passwd NAME [--password-file F]",
     "users of the web UI and API (password: F or $XINYUAN_USER_PASSWORD)"},
    {NULL, NULL, 0, NULL, NULL},
};
