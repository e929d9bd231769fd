/* File helpers (xy_file.h). */
#include "common/xy_file.h"
#include "common/xy_error.h"

#include <errno.h>
#include <unistd.h>

int xy_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return XY_EIO;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}
