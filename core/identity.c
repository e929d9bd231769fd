/* Node identity key file (identity.h). The file is text:
 *   # comment lines
 *   node_id=<32 hex digits>
 *   public_key=<64 hex digits>
 *   secret_key=<64 hex digits>
 */
#include "core/identity.h"
#include "common/xy_error.h"
#include "common/xy_file.h"
#include "common/xy_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_FILE_MAX 4096

void identity_wipe(node_identity_t *id)
{
    sodium_memzero(id->secret_key, sizeof id->secret_key);
}

int identity_create(const char *path, node_identity_t *out)
{
    if (sodium_init() < 0)
        return XY_ECRYPTO;
    if (access(path, F_OK) == 0)
        return XY_EEXIST;
    node_identity_t id;
    randombytes_buf(id.node_id, sizeof id.node_id);
    crypto_box_keypair(id.public_key, id.secret_key);

    char nid[2 * IDENTITY_ID_LEN + 1], pk[2 * IDENTITY_KEY_LEN + 1],
        sk[2 * IDENTITY_KEY_LEN + 1];
    char text[512];
    int n = snprintf(text, sizeof text,
                     "# Xinyuan node identity. Secret: keep this file mode "
                     "0600 and never copy it to another machine.\n"
                     "node_id=%s\npublic_key=%s\nsecret_key=%s\n",
                     xy_hex(nid, id.node_id, sizeof id.node_id),
                     xy_hex(pk, id.public_key, sizeof id.public_key),
                     xy_hex(sk, id.secret_key, sizeof id.secret_key));
    sodium_memzero(sk, sizeof sk);

    char tmp[4096];
    int rc = XY_EIO;
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        goto out;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        goto out;
    rc = xy_write_all(fd, text, (size_t)n);
    if (!rc && fsync(fd) != 0)
        rc = XY_EIO;
    close(fd);
    /* link() refuses an existing target, so a file created meanwhile by
     * another process is never replaced. */
    if (!rc && link(tmp, path) != 0)
        rc = errno == EEXIST ? XY_EEXIST : XY_EIO;
    unlink(tmp);
out:
    sodium_memzero(text, sizeof text);
    if (rc) {
        identity_wipe(&id);
        return rc;
    }
    *out = id;
    identity_wipe(&id);
    return 0;
}

static int s_parse(char *text, node_identity_t *id)
{
    int seen = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *eq = strchr(line, '=');
        if (!eq)
            return XY_EKEYFILE;
        *eq = '\0';
        const char *val = eq + 1;
        int rc;
        if (strcmp(line, "node_id") == 0) {
            rc = xy_unhex(id->node_id, sizeof id->node_id, val);
            seen |= 1;
        } else if (strcmp(line, "public_key") == 0) {
            rc = xy_unhex(id->public_key, sizeof id->public_key, val);
            seen |= 2;
        } else if (strcmp(line, "secret_key") == 0) {
            rc = xy_unhex(id->secret_key, sizeof id->secret_key, val);
            seen |= 4;
        } else {
            return XY_EKEYFILE;
        }
        if (rc)
            return XY_EKEYFILE;
    }
    if (seen != 7)
        return XY_EKEYFILE;
    uint8_t derived[IDENTITY_KEY_LEN];
    crypto_scalarmult_base(derived, id->secret_key);
    if (sodium_memcmp(derived, id->public_key, sizeof derived) != 0)
        return XY_EKEYFILE;
    return 0;
}

int identity_load(const char *path, node_identity_t *out)
{
    if (sodium_init() < 0)
        return XY_ECRYPTO;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? XY_ENOENT : XY_EIO;
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0)
        rc = XY_EIO;
    else if (st.st_mode & (S_IRWXG | S_IRWXO))
        rc = XY_EPERM;
    else if (st.st_size <= 0 || st.st_size > S_FILE_MAX)
        rc = XY_EKEYFILE;
    char text[S_FILE_MAX + 1];
    ssize_t got = 0;
    if (!rc) {
        got = read(fd, text, (size_t)st.st_size);
        if (got != st.st_size)
            rc = XY_EIO;
    }
    close(fd);
    node_identity_t id;
    if (!rc) {
        text[got] = '\0';
        rc = s_parse(text, &id);
    }
    sodium_memzero(text, sizeof text);
    if (!rc)
        *out = id;
    identity_wipe(&id);
    return rc;
}
