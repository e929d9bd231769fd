/* Helpers shared by the Criterion tests: temporary directories that clean
 * themselves up, and builders of well-formed events. */
#ifndef XY_TEST_H
#define XY_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/codec.h"

/* Creates a fresh directory under $TMPDIR (or /tmp) and returns its path
 * (static storage per call site is not needed: the caller frees it with
 * xy_test_rmdir, which also deletes everything below it). */
char *xy_test_mkdtemp(void);
void xy_test_rmdir(char **path);

/* Fills a 16-byte id from a small number, so tests can name origins. */
void xy_test_id(uint8_t out[XY_ID_LEN], uint32_t n);

/* A packed PersonRegistered event of origin `origin`, seq `seq`, hlc `hlc`,
 * for person number `person` at site `site`. The caller frees *out. */
void xy_test_person_event(uint8_t **out, size_t *len, uint32_t origin,
                          uint64_t seq, uint64_t hlc, uint32_t person,
                          const char *site);

/* What a program run by a test printed, and how it ended. */
typedef struct xy_test_out {
    int status;      /* exit status, or 128 + the signal that killed it */
    char out[65536]; /* standard output, cut to fit */
    char err[8192];  /* standard error, cut to fit */
} xy_test_out_t;

/* Runs argv[0] with the arguments of argv (NULL-terminated), capturing its
 * output through files in scratch_dir; waits for it. */
void xy_test_runv(xy_test_out_t *r, const char *scratch_dir,
                  const char *const *argv);

/* The same, with the arguments given as prefix (npre of them) followed by
 * the NULL-terminated arguments in ap. */
void xy_test_run_va(xy_test_out_t *r, const char *scratch_dir,
                    const char *const *prefix, int npre, va_list ap);

/* The value of "key": "value" in JSON text (a static buffer, one of a few
 * rotated so two calls may be used together). Fails the test if absent. */
const char *xy_test_json_field(const char *json, const char *key);

/* Path of a file in the shared data folder (static buffer). */
const char *xy_test_shared(const char *rel);

/* A free TCP port on 127.0.0.1 (bound, read and released). */
uint16_t xy_test_free_port(void);

/* Sends one HTTP/1.1 request to 127.0.0.1:port: method and path, a JSON
 * body when not NULL, one extra header line (e.g. "Cookie: ...") when not
 * NULL, Connection: close. Reads the whole response into resp (cap bytes,
 * NUL-terminated) and returns its status code. */
int xy_test_http(uint16_t port, const char *method, const char *path,
                 const char *body, const char *header, char *resp,
                 size_t cap);

/* The body of a response read by xy_test_http ("" when none). */
const char *xy_test_http_body(const char *resp);

#endif
