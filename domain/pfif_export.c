/* PFIF 1.4 export (pfif.h): the persons this node can open, written with
 * libxml2's text writer so that every name is escaped. docs/pfif.md has
 * the mapping. */
#include "domain/pfif.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>

#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/exercise.h"

struct pfif_export {
    xmlBufferPtr buf;             /* the document so far */
    xmlTextWriterPtr w;           /* writes into buf; NULL once finished */
    char domain[PFIF_DOMAIN_MAX + 1];
    pfif_export_stats_t stats;
};

int pfif_export_new(pfif_export_t **out, const char *domain)
{
    if (!domain || !*domain)
        domain = PFIF_DOMAIN_DEFAULT;
    size_t n = strlen(domain);
    if (n > PFIF_DOMAIN_MAX)
        return XY_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (domain[i] <= ' ' || domain[i] > '~' || domain[i] == '/')
            return XY_EINVAL;
    pfif_export_t *x = xcalloc(1, sizeof *x);
    snprintf(x->domain, sizeof x->domain, "%s", domain);
    x->buf = xmlBufferCreate();
    x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
    if (!x->w) {
        pfif_export_destroy(&x);
        return XY_ENOMEM;
    }
    xmlTextWriterSetIndent(x->w, 1);
    xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL);
    xmlTextWriterStartElementNS(x->w, BAD_CAST "pfif", BAD_CAST "pfif",
                                BAD_CAST PFIF_NS_14);
    *out = x;
    return 0;
}

/* Two-character surnames, taken whole when a name starts with one. */
static const char *const s_compound[] = {
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫",
    "尉迟", "公孙", "慕容", "长孙", "夏侯", "令狐",
    "宇文", "司徒", "端木", "轩辕", "独孤", "南宫",
    "西门", "呼延", "闻人", "万俟", "澹台", "申屠",
};

/* Splits a Chinese name of 2 to 4 characters (CJK Unified Ideographs,
 * U+4E00..U+9FFF, three bytes each in UTF-8) into family and given name.
 * false when the name is not one, or a four-character name does not start
 * with a known two-character surname (then full_name stands alone). */
static bool s_split_name(const char *name, char *family, char *given,
                         size_t cap)
{
    size_t n = strlen(name);
    if (n % 3 || n < 6 || n > 12 || cap < 13)
        return false;
    for (size_t i = 0; i < n; i += 3) {
        unsigned c = ((unsigned)(name[i] & 0x0f) << 12) |
                     ((unsigned)(name[i + 1] & 0x3f) << 6) |
                     (unsigned)(name[i + 2] & 0x3f);
        if ((name[i] & 0xf0) != 0xe0 || (name[i + 1] & 0xc0) != 0x80 ||
            (name[i + 2] & 0xc0) != 0x80 || c < 0x4e00 || c > 0x9fff)
            return false;
    }
    size_t fam = 3;
    for (size_t i = 0; i < sizeof s_compound / sizeof s_compound[0]; i++)
        if (n >= 9 && strncmp(name, s_compound[i], 6) == 0)
            fam = 6;
    if (n == 12 && fam == 3)
        return false;
    memcpy(family, name, fam);
    family[fam] = '\0';
    snprintf(given, cap, "%s", name + fam);
    return true;
}

static void s_time(char out[32], uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void s_el(xmlTextWriterPtr w, const char *name, const char *text)
{
    xmlTextWriterWriteElementNS(w, BAD_CAST "pfif", BAD_CAST name, NULL,
                                BAD_CAST text);
}

int pfif_export_add(pfif_export_t *x, const person_view_t *p,
                    uint64_t time_ms)
{
    if (!x->w)
        return XY_ESTATE;
    if (!p->pd) {
        if (p->reg->personal)
            x->stats.sealed++;
        else
            x->stats.unnamed++;
        return 0;
    }
    char id[PFIF_DOMAIN_MAX + DOMAIN_ID_HEX + 2], hex[DOMAIN_ID_HEX];
    char when[32], family[16], given[16], text[16];
    snprintf(id, sizeof id, "%s/%s", x->domain,
             domain_id_format(&p->id, hex));
    s_time(when, time_ms);
    /* PFIF has no exercise field: an exercise person is marked where any
     * reader sees it, a comment, the source's name and the description. */
    if (p->exercise)
        xmlTextWriterWriteComment(x->w, BAD_CAST " " EXERCISE_BANNER " ");
    /* Element order of the PFIF 1.4 person sequence. */
    xmlTextWriterStartElementNS(x->w, BAD_CAST "pfif", BAD_CAST "person",
                                NULL);
    s_el(x->w, "person_record_id", id);
    s_el(x->w, "entry_date", when);
    if (p->exercise)
        s_el(x->w, "source_name", PFIF_EXERCISE_SOURCE);
    s_el(x->w, "source_date", when);
    s_el(x->w, "full_name", p->pd->name);
    if (s_split_name(p->pd->name, family, given, sizeof family)) {
        s_el(x->w, "given_name", given);
        s_el(x->w, "family_name", family);
    }
    if (p->exercise)
        s_el(x->w, "description", EXERCISE_BANNER);
    if (p->reg->sex == XY__SEX__SEX_FEMALE)
        s_el(x->w, "sex", "female");
    else if (p->reg->sex == XY__SEX__SEX_MALE)
        s_el(x->w, "sex", "male");
    else if (p->reg->sex == XY__SEX__SEX_OTHER)
        s_el(x->w, "sex", "other");
    if (p->pd->birth_year) {
        snprintf(text, sizeof text, "%04u", (unsigned)p->pd->birth_year);
        s_el(x->w, "date_of_birth", text);
    }
    unsigned band = p->reg->age_band;
    snprintf(text, sizeof text, "%u-%u", band, band + 4);
    s_el(x->w, "age", text);
    xmlTextWriterEndElement(x->w);
    x->stats.written++;
    x->stats.exercise += p->exercise;
    return 0;
}

int pfif_export_finish(pfif_export_t *x, char **out, size_t *len)
{
    if (!x->w)
        return XY_ESTATE;
    xmlTextWriterEndElement(x->w);
    int rc = xmlTextWriterEndDocument(x->w);
    xmlFreeTextWriter(x->w);
    x->w = NULL;
    if (rc < 0)
        return XY_EIO;
    *len = (size_t)xmlBufferLength(x->buf);
    *out = xmalloc(*len + 1);
    memcpy(*out, xmlBufferContent(x->buf), *len);
    (*out)[*len] = '\0';
    return 0;
}

pfif_export_stats_t pfif_export_stats(const pfif_export_t *x)
{
    return x->stats;
}

void pfif_export_destroy(pfif_export_t **self_p)
{
    pfif_export_t *x = *self_p;
    if (!x)
        return;
    if (x->w)
        xmlFreeTextWriter(x->w);
    if (x->buf) {
        /* The buffer held names in clear. */
        memset((void *)xmlBufferContent(x->buf), 0,
               (size_t)xmlBufferLength(x->buf));
        xmlBufferFree(x->buf);
    }
    free(x);
    *self_p = NULL;
}
