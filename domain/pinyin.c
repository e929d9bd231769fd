/* Pinyin of names (pinyin.h). The table is a sorted array of (code point,
 * first reading), searched by bisection. */
#include "domain/pinyin.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_READING_MAX 7

typedef struct s_entry {
    uint32_t cp;                    /* code point */
    char reading[S_READING_MAX];    /* toneless, lower case, NUL-ended */
} s_entry_t;

struct pinyin_table {
    s_entry_t *e;   /* sorted by cp */
    size_t n;       /* entries */
};

static int s_cmp(const void *a, const void *b)
{
    uint32_t x = ((const s_entry_t *)a)->cp, y = ((const s_entry_t *)b)->cp;
    return x < y ? -1 : x > y;
}

/* "4E09\tsan,..." into e; 0 or XY_EPARSE. */
static int s_line(char *text, s_entry_t *e)
{
    char *tab = strchr(text, '\t');
    if (!tab)
        return XY_EPARSE;
    *tab = '\0';
    char *end = NULL;
    unsigned long cp = strtoul(text, &end, 16);
    if (!end || *end || end == text || cp > 0x10ffff)
        return XY_EPARSE;
    const char *r = tab + 1;
    size_t n = strcspn(r, ",");
    if (n == 0 || n >= S_READING_MAX)
        return XY_EPARSE;
    for (size_t i = 0; i < n; i++)
        if (r[i] < 'a' || r[i] > 'z')
            return XY_EPARSE;
    e->cp = (uint32_t)cp;
    memcpy(e->reading, r, n);
    e->reading[n] = '\0';
    return 0;
}

static int s_parse(pinyin_table_t *t, char *text, int *line)
{
    int no = 0;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        no++;
        if (l[0] == '#' || l[0] == '\0')
            continue;
        if (t->n == PINYIN_ENTRIES_MAX)
            return XY_ETOOBIG;
        if (s_line(l, &t->e[t->n])) {
            if (line)
                *line = no;
            return XY_EPARSE;
        }
        t->n++;
    }
    qsort(t->e, t->n, sizeof *t->e, s_cmp);
    return 0;
}

int pinyin_table_load(pinyin_table_t **out, const char *path, int *line)
{
    *out = NULL;
    if (line)
        *line = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? XY_ENOENT : XY_EIO;
    char *text = xmalloc(PINYIN_FILE_MAX + 1);
    size_t got = fread(text, 1, PINYIN_FILE_MAX + 1, f);
    int rc = ferror(f) ? XY_EIO : got > PINYIN_FILE_MAX ? XY_ETOOBIG : 0;
    fclose(f);
    pinyin_table_t *t = xcalloc(1, sizeof *t);
    if (!rc) {
        text[got] = '\0';
        t->e = xcalloc(PINYIN_ENTRIES_MAX, sizeof *t->e);
        rc = s_parse(t, text, line);
    }
    free(text);
    if (rc) {
        pinyin_table_destroy(&t);
        return rc;
    }
    *out = t;
    return 0;
}

void pinyin_table_destroy(pinyin_table_t **t)
{
    if (!t || !*t)
        return;
    free((*t)->e);
    free(*t);
    *t = NULL;
}

size_t pinyin_table_size(const pinyin_table_t *t)
{
    return t->n;
}

/* Decodes one UTF-8 character at s; returns its length, 0 when invalid. */
static size_t s_utf8(const unsigned char *s, uint32_t *cp)
{
    size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2
                               : (s[0] & 0xf0) == 0xe0 ? 3
                               : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (!n)
        return 0;
    uint32_t v = n == 1 ? s[0] : s[0] & (0x7fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3fu);
    }
    *cp = v;
    return n;
}

typedef struct s_out {
    char *p;         /* phonetic */
    size_t cap, len;
    char *i;         /* initials */
    size_t icap, ilen;
    int in_word;     /* inside a Latin word */
} s_out_t;

static int s_put(s_out_t *o, const char *syll, size_t n, bool start)
{
    if (start) {
        if (o->ilen + 2 > o->icap ||
            o->len + (o->len ? 1 : 0) + n + 1 > o->cap)
            return XY_ETOOBIG;
        if (o->len)
            o->p[o->len++] = ' ';
        o->i[o->ilen++] = syll[0];
        o->i[o->ilen] = '\0';
    } else if (o->len + n + 1 > o->cap) {
        return XY_ETOOBIG;
    }
    memcpy(o->p + o->len, syll, n);
    o->len += n;
    o->p[o->len] = '\0';
    return 0;
}

int pinyin_of(const pinyin_table_t *t, const char *name, char *phonetic,
              size_t cap, char *initials, size_t icap)
{
    if (cap < 1 || icap < 1)
        return XY_ETOOBIG;
    s_out_t o = {phonetic, cap, 0, initials, icap, 0, 0};
    phonetic[0] = initials[0] = '\0';
    const unsigned char *s = (const unsigned char *)name;
    while (*s) {
        uint32_t cp;
        size_t n = s_utf8(s, &cp);
        if (!n)
            return XY_EINVAL;
        s += n;
        int rc = 0;
        if (cp < 0x80 && isalpha((int)cp)) {
            char c = (char)tolower((int)cp);
            rc = s_put(&o, &c, 1, !o.in_word);
            o.in_word = 1;
        } else {
            o.in_word = 0;
            s_entry_t key = {cp, ""};
            const s_entry_t *e =
                bsearch(&key, t->e, t->n, sizeof *t->e, s_cmp);
            if (e)
                rc = s_put(&o, e->reading, strlen(e->reading), true);
        }
        if (rc)
            return rc;
    }
    return 0;
}
