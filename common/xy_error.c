/* Names and messages of the project-wide error codes (xy_error.h). */
#include "common/xy_error.h"

#include <stddef.h>

static const struct {
    int code;         /* the negative value */
    const char *name; /* symbolic name */
    const char *msg;  /* message for a person */
} s_errors[] = {
    {XY_EINVAL, "XY_EINVAL", "invalid argument"},
    {XY_ENOMEM, "XY_ENOMEM", "out of memory"},
    {XY_EIO, "XY_EIO", "input/output error"},
    {XY_ENOENT, "XY_ENOENT", "not found"},
    {XY_EEXIST, "XY_EEXIST", "already exists"},
    {XY_ERANGE, "XY_ERANGE", "value out of range"},
    {XY_ETOOBIG, "XY_ETOOBIG", "input larger than the allowed maximum"},
    {XY_EPERM, "XY_EPERM", "permission denied"},
    {XY_EAGAIN, "XY_EAGAIN", "try again"},
    {XY_ECANCELED, "XY_ECANCELED", "operation canceled"},
    {XY_ENOTSUP, "XY_ENOTSUP", "not supported"},
    {XY_ECONFIG, "XY_ECONFIG", "bad configuration"},
    {XY_EUSAGE, "XY_EUSAGE", "bad command-line usage"},
    {XY_ESTATE, "XY_ESTATE", "operation not allowed in the current state"},
    {XY_EMALFORMED, "XY_EMALFORMED", "malformed message"},
    {XY_EUNKNOWNTYPE, "XY_EUNKNOWNTYPE", "unknown event type"},
    {XY_EVERSION, "XY_EVERSION", "unsupported protocol version"},
    {XY_EMISSING, "XY_EMISSING", "required field missing"},
    {XY_EDECOMPRESS, "XY_EDECOMPRESS", "decompression failed"},
    {XY_ESTOREFULL, "XY_ESTOREFULL", "store map full"},
    {XY_ESTORE, "XY_ESTORE", "store error"},
    {XY_ECORRUPT, "XY_ECORRUPT", "stored data is corrupt"},
    {XY_ELOCKED, "XY_ELOCKED", "data directory in use by another process"},
    {XY_ECLOCK, "XY_ECLOCK", "remote clock too far ahead"},
    {XY_EKEYFILE, "XY_EKEYFILE", "bad key file"},
    {XY_ECRYPTO, "XY_ECRYPTO", "cryptographic operation failed"},
    {XY_ENET, "XY_ENET", "network error"},
    {XY_EAUTH, "XY_EAUTH", "peer not authorised"},
    {XY_EPROTO, "XY_EPROTO", "protocol violation"},
    {XY_ETIMEDOUT, "XY_ETIMEDOUT", "timed out"},
    {XY_ECLOSED, "XY_ECLOSED", "connection closed"},
    {XY_EGEOM, "XY_EGEOM", "invalid geometry"},
    {XY_ECOORD, "XY_ECOORD", "coordinates out of range"},
    {XY_EOUTSIDE, "XY_EOUTSIDE", "location outside the available data"},
    {XY_EPARSE, "XY_EPARSE", "cannot parse input"},
    {XY_EANSWER, "XY_EANSWER", "answer out of range"},
    {XY_EINCOMPLETE, "XY_EINCOMPLETE", "instrument not complete"},
    {XY_EDOMAIN, "XY_EDOMAIN", "rejected by the crisis-intervention rules"},
    {XY_EEXERCISE, "XY_EEXERCISE", "exercise and real data must not mix"},
};

static int s_find(int code)
{
    for (size_t i = 0; i < sizeof s_errors / sizeof s_errors[0]; i++)
        if (s_errors[i].code == code)
            return (int)i;
    return -1;
}

const char *xy_strerror(int code)
{
    if (code == 0)
        return "success";
    int i = s_find(code);
    return i < 0 ? "unknown error" : s_errors[i].msg;
}

const char *xy_errname(int code)
{
    if (code == 0)
        return "XY_OK";
    int i = s_find(code);
    return i < 0 ? "XY_UNKNOWN" : s_errors[i].name;
}
