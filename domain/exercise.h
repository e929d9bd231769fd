/* Exercise isolation (DESIGN.md, "Principles"; docs/architecture.md,
 * "Exercise data"): drill data never mixes with real data. One rule, for
 * local writes and for what a coordinator receives alike:
 *
 * - an event tied to an incident carries the incident's exercise flag. The
 *   incident's flag is its declaration's; before the declaration is held,
 *   that of the events already held for it (the first one fixes it), so a
 *   declaration that arrives late must agree with them;
 * - an event with no incident tied to a team (status, position) carries the
 *   team's flag; a registry event (team, service) carries its own, and a
 *   registration again of the same id must keep it;
 * - an order carries its incident's flag and its team's, a handoff its
 *   incident's and its service's.
 *
 * The view exercise_marks (incident_id -> bit 1 real, bit 2 exercise: the
 * flags of the events held tied to it, a grow-only set) answers the
 * question for incidents not yet declared. */
#ifndef XY_DOMAIN_EXERCISE_H
#define XY_DOMAIN_EXERCISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event_log.h"
#include "domain/model.h"

#define EXERCISE_WHY_MAX 200    /* bytes of a reason, with its NUL */
#define EXERCISE_MEMO_MAX 256   /* incidents remembered between checks */
#define EXERCISE_BANNER "EXERCISE — 演练数据，非真实事件"

#define EXERCISE_MARK_REAL 0x01u
#define EXERCISE_MARK_EXERCISE 0x02u

/* What a run of checks admitted and the store may not hold yet (the events
 * before this one in a batch received): incident -> flag, declared or
 * only seen. Bounded: the oldest entry is forgotten first, by which time
 * the store holds what it said. Zero-initialise it. */
typedef struct exercise_memo {
    struct {
        uint8_t incident[16];
        uint8_t marks;          /* EXERCISE_MARK_* seen */
        bool declared;          /* a declaration was admitted */
        bool exercise;          /* its flag */
    } items[EXERCISE_MEMO_MAX];
    size_t n;                   /* entries in use */
    size_t next;                /* the one replaced next when full */
} exercise_memo_t;

/* Adds the view exercise_marks and its reducer to m (domain_model_new). */
void exercise_model_register(domain_model_t *m);

/* Checks ev against the rule over the views (read transaction vt). memo
 * (NULL: none) is consulted and, when ev is admitted, updated. Returns 0
 * when ev may be stored; XY_EEXERCISE with why (n bytes) saying in one
 * line which flag it carries and which its incident or team has; or a
 * store error. */
int exercise_check(view_txn_t *vt, const domain_model_t *m,
                   const Xy__Event *ev, exercise_memo_t *memo, char *why,
                   size_t n);

/* exercise_check in a read transaction of log. */
int exercise_check_log(event_log_t *log, const domain_model_t *m,
                       const Xy__Event *ev, exercise_memo_t *memo, char *why,
                       size_t n);

/* Whether the incident is an exercise, as the rule sees it (declared
 * flag, else the events held for it). XY_ENOENT when nothing is held. */
int exercise_incident(view_txn_t *vt, const domain_model_t *m,
                      const uint8_t incident[16], bool *exercise);

#endif
