/* Allocation that aborts on exhaustion (daemons are restartable and lose
 * nothing acknowledged), and small helpers for byte strings. */
#ifndef XY_MEM_H
#define XY_MEM_H

#include <stddef.h>
#include <stdint.h>

/* malloc/calloc/realloc/strdup that print a line and abort() when memory is
 * exhausted. The caller owns the result and frees it with free(). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);

/* Writes 2*len lowercase hex digits and a NUL into out (which holds at least
 * 2*len+1 bytes). Returns out. */
char *xy_hex(char *out, const uint8_t *bin, size_t len);

/* Parses exactly 2*len hex digits from hex into bin. Returns 0, or XY_EINVAL
 * when the string has another length or a non-hex character. */
int xy_unhex(uint8_t *bin, size_t len, const char *hex);

#endif
