/* Bounded whole-file reading (geo_file.h). The size cap is enforced while
 * reading, not from stat(), so a file that grows underneath is still
 * refused. */
#include "geo/geo_file.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int geo_file_read(const char *path, size_t max, char **out, size_t *len,
                  char *err, size_t errlen)
{
    int rc = 0;
    size_t cap = 65536, n = 0;
    char *buf = NULL;
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err)
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return XY_EIO;
    }
    buf = xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                if (err)
                    snprintf(err, errlen, "%s: larger than %zu bytes", path,
                             max);
                rc = XY_ETOOBIG;
                goto out;
            }
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        if (err)
            snprintf(err, errlen, "%s: read error", path);
        rc = XY_EIO;
        goto out;
    }
    if (n > max) {
        if (err)
            snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
        rc = XY_ETOOBIG;
        goto out;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
out:
    free(buf);
    fclose(f);
    return rc;
}
