/* Helpers shared by the Criterion tests: temporary directories that clean
 * themselves up, and builders of well-formed events. */
#ifndef XY_TEST_H
#define XY_TEST_H

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

/* Path of a file in the shared data folder (static buffer). */
const char *xy_test_shared(const char *rel);

#endif
