/* Bounded whole-file reading for the loaders of geo/ (county layer,
 * attenuation coefficients, province boundaries): every file from outside
 * is read against a hard maximum before it is parsed. */
#ifndef XY_GEO_FILE_H
#define XY_GEO_FILE_H

#include <stddef.h>

/* Reads the file at path into *out (owned by the caller, free(); a NUL is
 * appended after the *len bytes). Returns 0; XY_EIO when it cannot be
 * opened or read; XY_ETOOBIG when it holds more than max bytes. err (may be
 * NULL) gets "<path>: <reason>". */
int geo_file_read(const char *path, size_t max, char **out, size_t *len,
                  char *err, size_t errlen);

#endif
