/* A coordinator daemon on free loopback ports for the API tests, with users
 * added by `user add` (password AF_PASS) and a web root of one page: set
 * up and torn down per test (af_setup, af_teardown as the suite's init and
 * fini), started with af_start, spoken to with af_req. */
#ifndef XY_TESTS_APP_API_FIXTURE_H
#define XY_TESTS_APP_API_FIXTURE_H

#include "tests/support/xy_test.h"

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#define AF_PASS "test-pass-1"
#define AF_ZERO_ID "00000000000000000000000000000000"

extern char *af_dir;             /* the test's scratch folder */
extern char af_data[1100];       /* the coordinator's data folder in it */
extern pid_t af_pid;             /* the daemon, -1 when not started */
extern unsigned af_port;         /* its HTTP port */
extern char af_resp[1 << 20];    /* the last response, headers and body */

void af_setup(void);
void af_teardown(void);

/* Runs `xinyuan-coordinator -d DATA args... NULL` into r. */
void af_run(xy_test_out_t *r, ...);
/* Runs `... --json args... NULL`, which must succeed; its "key" field when
 * key is not NULL (static). */
const char *af_ok(const char *key, ...);
/* Sets one string key of the daemon's config.json. */
void af_config(const char *key, const char *val);
/* init, with free ports for HTTP and sync and the one-page web root. */
void af_init(void);
/* Adds user name with role and the password AF_PASS. */
void af_user(const char *name, const char *role);
/* Starts the daemon and waits (bounded) until its API answers. */
void af_start(void);

/* Sends method path with body and one extra header line (either may be
 * NULL); returns the status, the response in af_resp. */
int af_req(const char *method, const char *path, const char *body,
           const char *header);
/* The body of the last response; the same as JSON (owned by the caller). */
const char *af_body(void);
json_t *af_json(void);
/* Logs name in; the "Cookie: ..." header (static, one of four rotated). */
const char *af_login(const char *name);
/* The events the daemon holds, asked as who. */
json_int_t af_events(const char *who);

#endif
