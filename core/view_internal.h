/* Internals shared by view.c and event_log.c: the LMDB side of views. Not
 * for use outside core/. */
#ifndef XY_VIEW_INTERNAL_H
#define XY_VIEW_INTERNAL_H

#include <lmdb.h>
#include <stdbool.h>

#include "core/view.h"

struct view_txn {
    MDB_txn *txn;           /* the LMDB transaction (not owned) */
    const view_set_t *vs;   /* the views */
    const MDB_dbi *dbis;    /* one database per view, by index */
    bool writable;          /* false in readers */
};

/* Runs the reducers registered for ev's type. */
int view_set_apply(const view_set_t *vs, view_txn_t *vt, const Xy__Event *ev);

/* Opens (creating when create) one database per view, named "v.<name>",
 * into dbis (VIEW_MAX entries). */
int view_set_open_dbs(const view_set_t *vs, MDB_txn *txn, MDB_dbi *dbis,
                      bool create);

/* Hashes every view's contents into a BLAKE2b-256 digest. */
int view_digest(view_txn_t *vt, uint8_t out[32]);

/* Empties every view. */
int view_clear_all(view_txn_t *vt);

/* Translates an LMDB return code into an XY_E* code. */
int xy_from_mdb(int rc);

#endif
