/* Small file helpers every layer may use. */
#ifndef XY_FILE_H
#define XY_FILE_H

#include <stddef.h>

/* Writes all len bytes of buf to fd, retrying after EINTR and short
 * writes. Returns 0 or XY_EIO. */
int xy_write_all(int fd, const void *buf, size_t len);

#endif
