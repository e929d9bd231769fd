/* Chinese names in pinyin, for duplicate detection: a table of readings of
 * CJK ideographs (data/pinyin/hanzi_pinyin.tsv, from Unihan; see
 * data/SOURCES.md), loaded once at start, turns "张三丰" into "zhang san
 * feng" and its initials "zsf". Latin letters pass through lower-cased, so
 * "Tashi Dorje" gives "tashi dorje" and "td". The first (most common)
 * reading of a character is used. */
#ifndef XY_DOMAIN_PINYIN_H
#define XY_DOMAIN_PINYIN_H

#include <stddef.h>

#define PINYIN_TABLE_PATH XY_DATA_DIR "/pinyin/hanzi_pinyin.tsv"
#define PINYIN_FILE_MAX (1u << 20) /* bytes of a table file */
#define PINYIN_ENTRIES_MAX 60000   /* characters in a table */

typedef struct pinyin_table pinyin_table_t;

/* Loads the table at path; the caller owns it. XY_ENOENT when the file is
 * absent, XY_ETOOBIG over the limits above, XY_EPARSE for a malformed line
 * (line, when not NULL, receives its number). */
int pinyin_table_load(pinyin_table_t **out, const char *path, int *line);
void pinyin_table_destroy(pinyin_table_t **t);

/* The number of characters the table reads. */
size_t pinyin_table_size(const pinyin_table_t *t);

/* Writes the pinyin of name (syllables separated by one space) into
 * phonetic and the first letter of each syllable into initials. Characters
 * with no reading and punctuation are skipped. XY_ETOOBIG when a buffer is
 * too small, XY_EINVAL when name is not valid UTF-8. */
int pinyin_of(const pinyin_table_t *t, const char *name, char *phonetic,
              size_t cap, char *initials, size_t icap);

#endif
