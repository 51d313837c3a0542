/* xmlso.c - libxml2 opened on demand (see xmlso.h). */
#include "xmlso.h"
#include "tagar.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#ifndef TAGAR_LIBXML2_SONAME
#define TAGAR_LIBXML2_SONAME "libxml2.so.2"
#endif

#define BIND(x, name) tagar_bind_symbol((x)->so, #name, &(x)->name)

static int bind_all(tagar_xml *x)
{
	void *free_var = dlsym(x->so, "xmlFree");
	if (!free_var)
		return 0;
	x->xmlFree = *(xmlFreeFunc *)free_var;
	return BIND(x, htmlCtxtReadMemory) && BIND(x, htmlFreeParserCtxt) && BIND(x, htmlNewParserCtxt) &&
	       BIND(x, htmlReadMemory) && BIND(x, xmlAddChild) && BIND(x, xmlAddPrevSibling) &&
	       BIND(x, xmlCtxtGetLastError) && BIND(x, xmlCtxtReadMemory) && BIND(x, xmlDocDumpMemoryEnc) &&
	       BIND(x, xmlDocGetRootElement) && BIND(x, xmlEncodeSpecialChars) && BIND(x, xmlFreeDoc) &&
	       BIND(x, xmlFreeNode) && BIND(x, xmlFreeParserCtxt) && BIND(x, xmlGetLineNo) && BIND(x, xmlGetProp) &&
	       BIND(x, xmlIsBlankNode) && BIND(x, xmlNewDocNode) && BIND(x, xmlNewDoc) && BIND(x, xmlInitParser) && BIND(x, xmlDocSetRootElement) &&
	       BIND(x, xmlNewNs) && BIND(x, xmlNewTextChild) && BIND(x, xmlNewParserCtxt) && BIND(x, xmlNewProp) &&
	       BIND(x, xmlNewText) && BIND(x, xmlNodeGetContent) && BIND(x, xmlStrcasecmp) && BIND(x, xmlStrcmp) &&
	       BIND(x, xmlUnlinkNode) && BIND(x, xmlReaderForMemory) && BIND(x, xmlTextReaderRead) &&
	       BIND(x, xmlTextReaderNext) && BIND(x, xmlTextReaderNodeType) && BIND(x, xmlTextReaderDepth) &&
	       BIND(x, xmlTextReaderCurrentNode) && BIND(x, xmlTextReaderExpand) &&
	       BIND(x, xmlTextReaderSetStructuredErrorHandler) && BIND(x, xmlFreeTextReader);
}

int tagar_xml_open(tagar_xml *x, tagar_err *err)
{
	memset(x, 0, sizeof *x);
	x->so = dlopen(TAGAR_LIBXML2_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (x->so && bind_all(x))
		return 0;
	const char *why = dlerror();
	char reason[256];  /* dlerror's text lives only until dlclose */
	snprintf(reason, sizeof reason, "%s", why ? why : "missing symbols");
	tagar_xml_close(x);
	return tagar_fail(err, TAGAR_EIO, "cannot open %s, needed for feeds and HTML: %s", TAGAR_LIBXML2_SONAME,
			  reason);
}

int tagar_xml_parse_failed(const tagar_xml *X, xmlParserCtxtPtr ctx, const char *name, tagar_err *err)
{
	const xmlError *e = X->xmlCtxtGetLastError(ctx);
	char msg[256] = "empty document";
	if (e && e->message)
		snprintf(msg, sizeof msg, "%s", e->message);
	msg[strcspn(msg, "\n")] = 0;
	return tagar_fail(err, TAGAR_EFORMAT, "%.200s:%d: malformed XML: %s", name, e ? e->line : 0, msg);
}

void tagar_xml_close(tagar_xml *x)
{
	if (x->so)
		dlclose(x->so);
	memset(x, 0, sizeof *x);
}

/* libxml2 2.9 initialises its global state (dictionaries, the encoding
 * handlers, the per-thread state key) on first use, which two threads must
 * not do at once: xmlInitParser on the main thread first, and every parse
 * after it may run on any thread.  The library stays mapped (NODELETE). */
int tagar_xml_init_threads(tagar_err *err)
{
	tagar_xml x;
	if (tagar_xml_open(&x, err))
		return TAGAR_EIO;
	x.xmlInitParser();
	tagar_xml_close(&x);
	return 0;
}
