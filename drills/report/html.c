/* HTML escaping and number formats (html.h). */
#include "drills/report/html.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Reads one UTF-8 sequence at s; returns its length and the code point.
 * Input from jansson is valid UTF-8; a stray byte is taken alone. */
static size_t s_utf8(const unsigned char *s, uint32_t *cp)
{
    size_t n = 1;
    if ((s[0] >= 0x80 && s[0] < 0xC0) || s[0] >= 0xF8) {
        *cp = 0xFFFD;
        return 1;
    }
    if (s[0] >= 0xF0)
        n = 4;
    else if (s[0] >= 0xE0)
        n = 3;
    else if (s[0] >= 0xC0)
        n = 2;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
    *cp = n == 1 ? s[0] : (uint32_t)(s[0] & (0x7F >> n));
    for (size_t i = 1; i < n; i++)
        *cp = (*cp << 6) | (s[i] & 0x3F);
    return n;
}

static int s_cols(uint32_t cp)
{
    /* CJK, Hangul, full-width forms and emoji take two columns. */
    return cp >= 0x1100 && (cp < 0x1160 || cp >= 0x2E80) ? 2 : 1;
}

static void s_put(FILE *f, const unsigned char *s, size_t n, uint32_t cp)
{
    switch (cp) {
    case '&':
        fputs("&amp;", f);
        return;
    case '<':
        fputs("&lt;", f);
        return;
    case '>':
        fputs("&gt;", f);
        return;
    case '"':
        fputs("&quot;", f);
        return;
    case '\'':
        fputs("&#39;", f);
        return;
    default:
        break;
    }
    if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F ||
        (cp >= 0x80 && cp < 0xA0) || cp == 0xFFFD)
        fputs("\xEF\xBF\xBD", f);
    else
        fwrite(s, 1, n, f);
}

void html_esc(FILE *f, const char *s)
{
    html_esc_fit(f, s, -1);
}

int html_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    int w = 0;
    uint32_t cp;
    while (*p) {
        p += s_utf8(p, &cp);
        w += s_cols(cp);
    }
    return w;
}

int html_esc_fit(FILE *f, const char *s, int max_w)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    int cut = max_w >= 0 && html_width(s) > max_w;
    int room = cut ? max_w - 1 : max_w; /* one column for the ellipsis */
    uint32_t cp;
    while (*p) {
        size_t n = s_utf8(p, &cp);
        if (cut) {
            room -= s_cols(cp);
            if (room < 0)
                break;
        }
        s_put(f, p, n, cp);
        p += n;
    }
    if (cut)
        fputs("\xE2\x80\xA6", f);
    return cut;
}

const char *html_num(char buf[HTML_NUM_LEN], double v)
{
    if (isnan(v))
        snprintf(buf, HTML_NUM_LEN, "\xE2\x80\x94");
    else if (fabs(v) >= 1e15)
        snprintf(buf, HTML_NUM_LEN, "%.3g", v);
    else if (v == floor(v))
        snprintf(buf, HTML_NUM_LEN, "%.0f", v);
    else {
        snprintf(buf, HTML_NUM_LEN, "%.3f", v);
        /* 95.200 reads as 95.2 */
        char *e = buf + strlen(buf) - 1;
        while (*e == '0')
            *e-- = '\0';
        if (*e == '.')
            *e = '\0';
    }
    return buf;
}

const char *html_secs(char buf[HTML_NUM_LEN], double s)
{
    char n[HTML_NUM_LEN];
    html_num(n, s);
    if (isnan(s) || fabs(s) < 60 || fabs(s) >= 1e12) {
        snprintf(buf, HTML_NUM_LEN, isnan(s) ? "%s" : "%s s", n);
        return buf;
    }
    long long t = llround(fabs(s));
    const char *sign = s < 0 ? "-" : "";
    if (t < 3600)
        snprintf(buf, HTML_NUM_LEN, "%.20s s (%s%lld min %02lld s)", n, sign,
                 t / 60, t % 60);
    else
        snprintf(buf, HTML_NUM_LEN, "%.20s s (%s%lld h %02lld min)", n, sign,
                 t / 3600, t / 60 % 60);
    return buf;
}
