/* Aborting allocators and hex helpers (xy_mem.h). */
#include "common/xy_mem.h"
#include "common/xy_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_oom(size_t size)
{
    fprintf(stderr, "xinyuan: out of memory allocating %zu bytes\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        s_oom(size);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        s_oom(n * size);
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        s_oom(size);
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

char *xy_hex(char *out, const uint8_t *bin, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bin[i] >> 4];
        out[2 * i + 1] = digits[bin[i] & 0xf];
    }
    out[2 * len] = '\0';
    return out;
}

static int s_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int xy_unhex(uint8_t *bin, size_t len, const char *hex)
{
    if (strlen(hex) != 2 * len)
        return XY_EINVAL;
    for (size_t i = 0; i < len; i++) {
        int hi = s_nibble(hex[2 * i]);
        int lo = s_nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return XY_EINVAL;
        bin[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}
