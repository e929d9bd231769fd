/* Hardened XML parsing (xml_safe.h). */
#include "domain/xml_safe.h"
#include "common/xy_error.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* No XML_PARSE_NOENT (entities stay unsubstituted), no XML_PARSE_DTDLOAD,
 * no XML_PARSE_DTDATTR, no XML_PARSE_XINCLUDE, no XML_PARSE_HUGE. */
#define S_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA)

void xml_safe_record(xml_safe_state_t *st, int line, const char *msg)
{
    if (st->failed)
        return;
    st->failed = true;
    st->line = line;
    snprintf(st->msg, sizeof st->msg, "%s", msg ? msg : "unknown error");
    size_t n = strlen(st->msg);
    while (n > 0 && (st->msg[n - 1] == '\n' || st->msg[n - 1] == ' '))
        st->msg[--n] = '\0';
}

static xml_safe_state_t *s_state_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

/* Stops the parse at the DOCTYPE itself, before its internal subset (and
 * any entity or parameter-entity reference in it) is read. */
static void s_on_doctype(void *ctx, const xmlChar *name, const xmlChar *pub,
                         const xmlChar *sys)
{
    (void)name, (void)pub, (void)sys;
    xmlParserCtxtPtr ctxt = ctx;
    xml_safe_state_t *st = s_state_of(ctx);
    if (!st->doctype) {
        st->doctype = true;
        st->line = ctxt->input ? ctxt->input->line : 0;
    }
    xmlStopParser(ctxt);
}

static void s_on_entity_decl(void *ctx, const xmlChar *name, int type,
                             const xmlChar *pub, const xmlChar *sys,
                             xmlChar *content)
{
    (void)name, (void)type, (void)pub, (void)sys, (void)content;
    s_on_doctype(ctx, NULL, NULL, NULL);
}

static void s_on_error(void *ctx, xmlErrorPtr e)
{
    if (e->level >= XML_ERR_ERROR)
        xml_safe_record(s_state_of(ctx), e->line, e->message);
}

int xml_safe_read(const char *buf, size_t len, size_t max, xmlDocPtr *out,
                  xml_safe_state_t *st)
{
    *out = NULL;
    memset(st, 0, sizeof *st);
    if (len > max || len > INT_MAX)
        return XY_ETOOBIG;
    xmlInitParser();
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
    if (!ctxt) {
        xml_safe_record(st, 0, "empty input: not XML");
        return XY_EPARSE;
    }
    xmlCtxtUseOptions(ctxt, S_XML_OPTIONS);
    ctxt->_private = st;
    ctxt->sax->internalSubset = s_on_doctype;
    ctxt->sax->entityDecl = s_on_entity_decl;
    ctxt->sax->serror = s_on_error;
    xmlParseDocument(ctxt);
    xmlDocPtr doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    bool ok = ctxt->wellFormed && !st->doctype && doc;
    xmlFreeParserCtxt(ctxt);
    if (ok && (doc->intSubset || doc->extSubset))
        st->doctype = true;
    if (st->doctype || !ok) {
        xmlFreeDoc(doc);
        if (!st->doctype && !st->failed)
            xml_safe_record(st, st->line, "not well-formed");
        return st->doctype ? XY_EPERM : XY_EPARSE;
    }
    *out = doc;
    return 0;
}
