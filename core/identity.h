/* Node identity: a 16-byte node id and a CURVE (Curve25519) key pair, kept in
 * a key file that only its owner may read (mode 0600). Created once, on a
 * node's first run; the node id names the node's events everywhere and the
 * public key is what the coordinator enrolls. */
#ifndef XY_IDENTITY_H
#define XY_IDENTITY_H

#include <stdint.h>

#define IDENTITY_KEY_LEN 32
#define IDENTITY_ID_LEN 16

typedef struct node_identity {
    uint8_t node_id[IDENTITY_ID_LEN];     /* random, fixed for life */
    uint8_t public_key[IDENTITY_KEY_LEN]; /* CURVE public key */
    uint8_t secret_key[IDENTITY_KEY_LEN]; /* CURVE secret key */
} node_identity_t;

/* Creates a new identity and writes it to path with mode 0600, atomically
 * (a temporary file, fsync, rename). Fails with XY_EEXIST when path exists,
 * so an identity is never overwritten; XY_EIO on a write error. */
int identity_create(const char *path, node_identity_t *out);

/* Reads the identity at path. XY_ENOENT when absent, XY_EPERM when the file
 * can be read or written by group or others, XY_EKEYFILE when it is not a
 * well-formed key file or its public key does not match its secret key. */
int identity_load(const char *path, node_identity_t *out);

/* Overwrites the secret key in memory. */
void identity_wipe(node_identity_t *id);

#endif
