/* What the two files of the scenario parser share (scenario.c: lines,
 * statements, link blocks; scenario_inject.c: the timeline's injects): the
 * parser state and the word helpers. Every helper that fails writes
 * "FILE:LINE: what" into the parser's error buffer and returns the code. */
#ifndef DRILL_SCENARIO_PARSE_H
#define DRILL_SCENARIO_PARSE_H

#include <stdint.h>

#include "drills/runner/scenario.h"

/* Parser state: where we are and where errors go. */
typedef struct s_parser {
    scenario_t *scn;   /* being filled */
    const char *path;  /* file name for messages */
    int line;          /* current line (1-based) */
    char *err;         /* message buffer */
    size_t errlen;     /* its size */
    int zone_line;     /* line of the first comms-denied zone, 0: none */
} scn_parser_t;

/* Writes the error of the current line (printf format); returns rc. */
int scn_fail(scn_parser_t *p, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The value of word when it is "key=value", else NULL (borrowed). */
const char *scn_kv(const char *word, const char *key);

/* Copies src (non-empty, shorter than cap) into dst; what names it. */
int scn_copy(scn_parser_t *p, char *dst, size_t cap, const char *src,
             const char *what);

/* Parses a duration (linkem's syntax) into *ms. */
int scn_time(scn_parser_t *p, const char *text, uint64_t *ms,
             const char *what);

/* Parses a number in lo..hi into *out. */
int scn_number(scn_parser_t *p, const char *text, double lo, double hi,
               double *out, const char *what);

/* Joins n words with single blanks into dst. */
void scn_join(char *dst, size_t cap, char **w, int n);

/* The index of the agent called name into *out; an error when it is not
 * declared. */
int scn_agent_ref(scn_parser_t *p, const char *name, int *out);

/* Parses a timeline line (w[0] is its time) and appends it. */
int scn_inject(scn_parser_t *p, char **w, int n);

#endif
