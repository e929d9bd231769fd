/* Hardened XML parsing for documents from outside (CAP alerts, PFIF):
 * libxml2 from memory with network access off, entities never substituted,
 * no DTD loading, no XInclude, a size cap, and any DOCTYPE or entity
 * declaration refused at the DOCTYPE itself, before anything in it is read
 * (XXE). One place, so every reader gets the same protection. */
#ifndef XY_DOMAIN_XML_SAFE_H
#define XY_DOMAIN_XML_SAFE_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

/* What the parser saw: the first error and any DOCTYPE. */
typedef struct xml_safe_state {
    bool doctype;  /* a DOCTYPE or entity declaration was met */
    bool failed;   /* an error was recorded below */
    int line;      /* line of the first error or DOCTYPE */
    char msg[200]; /* libxml2's message, newline removed */
} xml_safe_state_t;

/* Parses len bytes into *out (owned by the caller, xmlFreeDoc). Returns 0;
 * XY_ETOOBIG over max bytes; XY_EPERM for a DOCTYPE or entity declaration
 * (st->line says where); XY_EPARSE for empty or malformed input (st->line
 * and st->msg say where and what). Nothing is allocated on error. */
int xml_safe_read(const char *buf, size_t len, size_t max, xmlDocPtr *out,
                  xml_safe_state_t *st);

/* Records the first error (line and message) into st; for libxml2's
 * structured error callbacks of schema parsing and validation too. */
void xml_safe_record(xml_safe_state_t *st, int line, const char *msg);

#endif
