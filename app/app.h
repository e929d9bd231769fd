/* The command-line front end both daemons share: global options, a table of
 * commands, and the commands every node has. A daemon's main() describes
 * itself in an app_spec_t and calls app_main(). Every error is one line on
 * stderr naming what and where, and a non-zero exit status:
 *   1  the command failed (bad data directory, refused input, store error)
 *   2  bad usage (unknown flag or command, missing argument) */
#ifndef XY_APP_H
#define XY_APP_H

#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>

#include "core/config.h"
#include "core/node.h"
#include "core/runloop.h"

#include <jansson.h>
#include "domain/model.h"
#include "domain/personal.h"

#define APP_EXIT_FAIL 1
#define APP_SCHEMA_MAX 64 /* configuration keys of a daemon, all told */
#define APP_EXIT_USAGE 2

typedef struct app app_t;

enum {
    APP_NODE_NONE = 0,   /* the command opens nothing (init) */
    APP_NODE_SHARED = 1, /* store and identity, beside a running daemon */
    APP_NODE_DAEMON = 2, /* the same, holding the one-daemon lock */
};

/* A command: runs with the arguments after its name. Returns an exit
 * status. */
typedef struct app_command {
    const char *name;    /* e.g. "person" */
    int (*run)(app_t *app, int argc, char **argv);
    int needs_node;      /* APP_NODE_*: open the node before running */
    const char *usage;   /* arguments, e.g. "add --incident ID ..." */
    const char *help;    /* one line */
} app_command_t;

typedef struct app_spec {
    const char *program;           /* "xinyuan-agent" */
    const char *summary;           /* one line for --help */
    const config_key_t *schema;    /* configuration keys */
    const app_command_t *commands; /* terminated by {NULL} */
    const char *role;              /* "coordinator" or "agent" */
    /* Starts what the daemon serves on the loop (sync sockets); NULL:
     * nothing. Returns an exit status. */
    int (*serve)(app_t *app, runloop_t *rl);
    /* Stops it before the loop closes. */
    void (*unserve)(app_t *app);
    /* Writes the daemon's live status (sync) as JSON into the data
     * directory every second; NULL: none. */
    json_t *(*live_status)(app_t *app);
} app_spec_t;

/* What every node has (app/common_spec.c): configuration keys and
 * commands that both daemons offer, after their own. */
extern const config_key_t app_common_schema[];
extern const app_command_t app_common_commands[];

/* The daemon's configuration keys followed by the common ones. */
const config_key_t *app_schema(const app_t *app);

/* Parses argv, runs the command, returns the process exit status. */
int app_main(const app_spec_t *spec, int argc, char **argv);

/* What a running command may use. The node is NULL for commands that do not
 * need it. */
node_t *app_node(app_t *app);
const domain_model_t *app_model(const app_t *app);
const app_spec_t *app_spec(const app_t *app);
const char *app_data_dir(const app_t *app);
const char *app_user(const app_t *app);
bool app_json(const app_t *app);      /* --json: print JSON */

/* Prints "<program>: <message>" to stderr and returns status. */
int app_fail(const app_t *app, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Daemon state a serve hook keeps (owned by the hook; NULL when none). */
void *app_served(const app_t *app);
void app_set_served(app_t *app, void *state);

/* Parses a command's options against opts (vals indexed by each option's
 * val); says what is wrong and returns APP_EXIT_USAGE, or 0. */
int app_parse_opts(app_t *app, int argc, char **argv,
                   const struct option *opts, const char **vals);

/* Fills a random 16-byte id. */
void app_random_id(uint8_t out[16]);

/* Checks the own events among the n items against the exercise rule
 * (domain/exercise.h) before they are written, each seeing those before
 * it; on a refusal says so in one line naming what and returns
 * APP_EXIT_FAIL, else 0. */
int app_exercise_check(app_t *app, const event_write_t *w, size_t n,
                       const char *what);

/* The exercise flag a new event of incident takes: the incident's as held
 * here (declared, else that of its events), or'ed with given (--exercise),
 * so that an explicit --exercise on a real incident is refused by the
 * check; given alone when nothing of the incident is held. */
bool app_exercise_of(app_t *app, const domain_id_t *incident, bool given);

/* Writes one own event (checked by app_exercise_check) and reports;
 * returns an exit status. */
int app_write_own(app_t *app, Xy__Event *ev, const char *what,
                  const char *id_hex);

/* The commands every node has, for inclusion in a daemon's table. */
int app_cmd_init(app_t *app, int argc, char **argv);
int app_cmd_status(app_t *app, int argc, char **argv);
int app_cmd_list(app_t *app, int argc, char **argv);
int app_cmd_run(app_t *app, int argc, char **argv);
int app_cmd_incident(app_t *app, int argc, char **argv);
int app_cmd_person(app_t *app, int argc, char **argv);
int app_cmd_triage(app_t *app, int argc, char **argv);
/* A person whose personal data a command shows. */
typedef struct app_view {
    domain_id_t person, incident;
    bool exercise;
} app_view_t;

/* Records one PersonalDataViewed event per view (viewer: the node's user,
 * role as given, e.g. "command line"), all or none, before the command
 * shows anything (app/audit_cmd.c). Returns an exit status; what names the
 * command in the error line. */
int app_audit_record(app_t *app, const app_view_t *views, size_t n,
                     const char *role, const char *what);

/* The node's users of the web UI and API (app/user_cmd.c). */
int app_cmd_user(app_t *app, int argc, char **argv);

/* How long a red flag may stay unacknowledged before it escalates, from
 * the configuration (flag_ack_timeout_min), in ms. */
uint64_t app_flag_timeout_ms(app_t *app);
int app_cmd_flag(app_t *app, int argc, char **argv);

/* Triage shared by the command line and the HTTP API (app/triage_cmd.c).
 * app_triage_factor: the bit of a factor name ("panic", ...), or
 * XY_EINVAL. app_triage_record: looks the person up, scores and triages
 * the screens and stores the triage and its red flag in one commit; fills
 * r, tid and fid; on error returns a code and err names the field
 * ("person" with XY_ENOENT when the person is not held). app_triage_json:
 * a new JSON object of the outcome (level, flag, reasons, guidance in
 * Chinese and English, scores). */
#define APP_TRIAGE_FACTORS                                                     \
    "panic, threat_to_life, trapped, injured, saw_death, death_close, "       \
    "missing_close, home_lost, separated, prior_history, ongoing_stress, "   \
    "acute_suicidality"
struct triage_record;
struct triage_screen;
int app_triage_factor(const char *name, uint32_t *bit);
/* Parses --screen "PHQ-9=0,1,2,-,..." (spec is modified) into s, the
 * answers into answers (room for SCREENING_MAX_ITEMS; '-': unanswered).
 * On bad input says so naming cmd
 * and returns APP_EXIT_USAGE. */
int app_parse_screen(app_t *app, const char *cmd, char *spec,
                     struct triage_screen *s, int *answers);
int app_triage_record(app_t *app, const domain_id_t *pid,
                      const struct triage_screen *screens, size_t n,
                      uint32_t factors, struct triage_record *r,
                      domain_id_t *tid, domain_id_t *fid,
                      domain_error_t *err);
json_t *app_triage_json(const struct triage_record *r, const char *tid,
                        const char *fid);

/* Sync: enrollment (coordinator), requests and joining (agent), and the
 * serve hooks of each daemon (app/sync_cmds.c). */
int app_cmd_enroll(app_t *app, int argc, char **argv);
int app_cmd_revoke(app_t *app, int argc, char **argv);
int app_cmd_agents(app_t *app, int argc, char **argv);
int app_cmd_request(app_t *app, int argc, char **argv);
int app_cmd_join(app_t *app, int argc, char **argv);
int app_serve_coordinator(app_t *app, runloop_t *rl);
void app_unserve_coordinator(app_t *app);
json_t *app_status_coordinator(app_t *app);
int app_serve_agent(app_t *app, runloop_t *rl);
void app_unserve_agent(app_t *app);
json_t *app_status_agent(app_t *app);

/* Affected people: data keys and sealing (app/key_cmd.c); moves, links,
 * encounters, referrals (app/people_cmd.c); duplicates and the listings
 * (app/people_list_cmd.c). */
typedef struct app_personal_opts {
    const char *name, *phone, *id_number, *notes, *birth_year;
    const char *passphrase_file;  /* or $XINYUAN_PASSPHRASE */
} app_personal_opts_t;
/* Loads the data keys the passphrase opens into ring (empty when no
 * passphrase is given and !required). Returns an exit status. */
int app_keyring_load(app_t *app, const char *pass_file,
                     personal_keyring_t *ring, bool required);
/* Checks and seals o for person under the incident's key. Exit status. */
int app_personal_seal(app_t *app, const app_personal_opts_t *o,
                      const domain_id_t *incident, const domain_id_t *person,
                      int age_band, personal_sealed_t *out);
int app_cmd_key(app_t *app, int argc, char **argv);
int app_person_more(app_t *app, int argc, char **argv);
int app_cmd_encounter(app_t *app, int argc, char **argv);
int app_cmd_refer(app_t *app, int argc, char **argv);
int app_cmd_referral(app_t *app, int argc, char **argv);
int app_cmd_dedupe(app_t *app, int argc, char **argv);
/* PFIF 1.4 export and PFIF 1.1-1.4 import of persons (app/pfif_cmd.c). */
int app_cmd_pfif(app_t *app, int argc, char **argv);
bool app_list_people_handles(const char *what);
int app_list_people(app_t *app, int argc, char **argv);

/* Dispatch (coordinator): orders a team to a zone (app/order_cmd.c). */
int app_cmd_order(app_t *app, int argc, char **argv);

/* Teams and dispatch (app/team_cmd.c, app/dispatch_cmd.c): the team
 * registry, plans, approval, EDXL-RM export, orders in the field. */
int app_cmd_team(app_t *app, int argc, char **argv);
int app_cmd_dispatch(app_t *app, int argc, char **argv);
int app_cmd_position(app_t *app, int argc, char **argv);
int app_cmd_order_ack(app_t *app, int argc, char **argv);
bool app_list_dispatch_handles(const char *what);
int app_list_dispatch(app_t *app, int argc, char **argv);

/* Impact assessment and the response level (coordinator,
 * app/assess_cmd.c). */
int app_cmd_assess(app_t *app, int argc, char **argv);
int app_cmd_level(app_t *app, int argc, char **argv);

/* Follow-up and handoff to community services: the service registry,
 * handoffs and the recovery transition (app/handoff_cmd.c); follow-up
 * outcomes, closure, reports and listings (app/followup_cmd.c). */
int app_cmd_service(app_t *app, int argc, char **argv);
int app_cmd_handoff(app_t *app, int argc, char **argv);
int app_cmd_zone(app_t *app, int argc, char **argv);
int app_cmd_followup(app_t *app, int argc, char **argv);
int app_cmd_case(app_t *app, int argc, char **argv);
int app_cmd_report(app_t *app, int argc, char **argv);
bool app_list_followup_handles(const char *what);
int app_list_followup(app_t *app, int argc, char **argv);

#endif
