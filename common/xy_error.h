/* Project-wide error codes. Every function that can fail returns 0 or one of
 * these negative codes; xy_strerror() names it for a person. Library codes
 * (LMDB, ZeroMQ, libuv, GEOS, protobuf-c) are translated into these at the
 * adapter that calls the library. This is the bottom layer: it includes
 * nothing of the project.
 *
 * Values never change once released: scripts and the wire protocol
 * (docs/protocol.md, Error.code) carry them. A new code takes a new value and
 * a row in xy_error.c. */
#ifndef XY_ERROR_H
#define XY_ERROR_H

enum xy_errno {
    /* general */
    XY_EINVAL = -1, /* invalid argument */
    XY_ENOMEM = -2, /* out of memory */
    XY_EIO = -3, /* input/output error */
    XY_ENOENT = -4, /* not found */
    XY_EEXIST = -5, /* already exists */
    XY_ERANGE = -6, /* value out of range */
    XY_ETOOBIG = -7, /* input larger than the allowed maximum */
    XY_EPERM = -8, /* permission denied */
    XY_EAGAIN = -9, /* try again */
    XY_ECANCELED = -10, /* operation canceled */
    XY_ENOTSUP = -11, /* not supported */
    XY_ECONFIG = -12, /* bad configuration */
    XY_EUSAGE = -13, /* bad command-line usage */
    XY_ESTATE = -14, /* operation not allowed in the current state */
    /* codec (proto/) */
    XY_EMALFORMED = -20, /* malformed message */
    XY_EUNKNOWNTYPE = -21, /* unknown event type */
    XY_EVERSION = -22, /* unsupported protocol version */
    XY_EMISSING = -23, /* required field missing */
    XY_EDECOMPRESS = -24, /* decompression failed */
    /* store and log (core/) */
    XY_ESTOREFULL = -30, /* store map full */
    XY_ESTORE = -31, /* store error */
    XY_ECORRUPT = -32, /* stored data is corrupt */
    XY_ELOCKED = -33, /* data directory in use by another process */
    XY_ECLOCK = -34, /* remote clock too far ahead */
    XY_EKEYFILE = -35, /* bad key file */
    XY_ECRYPTO = -36, /* cryptographic operation failed */
    /* network and sync (core/) */
    XY_ENET = -40, /* network error */
    XY_EAUTH = -41, /* peer not authorised */
    XY_EPROTO = -42, /* protocol violation */
    XY_ETIMEDOUT = -43, /* timed out */
    XY_ECLOSED = -44, /* connection closed */
    /* geography (geo/) */
    XY_EGEOM = -50, /* invalid geometry */
    XY_ECOORD = -51, /* coordinates out of range */
    XY_EOUTSIDE = -52, /* location outside the available data */
    XY_EPARSE = -53, /* cannot parse input */
    /* domain (domain/) */
    XY_EANSWER = -60, /* answer out of range */
    XY_EINCOMPLETE = -61, /* instrument not complete */
    XY_EDOMAIN = -62, /* rejected by the crisis-intervention rules */
    XY_EEXERCISE = -63, /* exercise and real data must not mix */
};

/* Returns a static English message for a code; "unknown error" for anything
 * not in the list, "success" for 0. Never NULL. */
const char *xy_strerror(int code);

/* Returns the symbolic name ("XY_ESTOREFULL") of a code, or "XY_UNKNOWN". */
const char *xy_errname(int code);

#endif
