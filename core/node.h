/* A node's data directory and what it holds, opened as one unit by the
 * daemons and their command-line tools:
 *
 *   <dir>/node.key     identity: node id and CURVE key pair (mode 0600)
 *   <dir>/config.json  configuration (core/config.h)
 *   <dir>/store/       the LMDB event log
 *   <dir>/lock         held (flock) by the daemon running on the directory
 *
 * Errors come back as a code and one line in err saying what and where. */
#ifndef XY_NODE_H
#define XY_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/event_log.h"
#include "core/identity.h"

typedef struct node node_t;

/* Creates dir (mode 0700) if missing, a new identity and a default
 * configuration. Refuses (XY_EEXIST) a directory that already holds a node,
 * and changes nothing in it. id, when not NULL, receives the identity. */
int node_init(const char *dir, const config_key_t *schema,
              node_identity_t *id, char *err, size_t errlen);

/* Opens the node in dir: for a daemon, takes the lock (one daemon per
 * directory; the command line may write beside it), loads the identity and the
 * configuration (config_path, or <dir>/config.json when NULL) and opens the
 * event log with views (may be NULL; borrowed for the node's life). Errors:
 * XY_ENOENT (not a node directory: run init), XY_ELOCKED, XY_EPERM,
 * XY_EKEYFILE, XY_ECONFIG, and the event log's. */
int node_open(node_t **out, const char *dir, const char *config_path,
              const config_key_t *schema, const view_set_t *views,
              bool daemon, char *err, size_t errlen);

/* Closes the log, releases the lock, wipes the secret key and frees. */
void node_destroy(node_t **node);

event_log_t *node_log(node_t *node);
const config_t *node_config(const node_t *node);
const node_identity_t *node_identity(const node_t *node);
const char *node_dir(const node_t *node);

#endif
