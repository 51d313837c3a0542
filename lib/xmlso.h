/* xmlso.h - libxml2, opened when a feed or HTML page is read (internal).
 *
 * libxml2 brings ICU and the C++ runtime; mapping and relocating them was
 * about half of tagging one plain-text article (an empty program linked
 * with tagar's libraries took 2.4 ms, without libxml2 and libsvm 1.0 ms).
 * So tagar-classify does not link libxml2: feed.c and html.c open it with
 * tagar_xml_open() and call it through this table.  The library stays
 * mapped after tagar_xml_close() (RTLD_NODELETE), so opening it again for
 * the next page costs a lookup, not a load. */
#ifndef TAGAR_XMLSO_H
#define TAGAR_XMLSO_H

#include "internal.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#define TAGAR_XML_FN(name) __typeof__(name) *name

typedef struct {
	void *so;
	TAGAR_XML_FN(htmlCtxtReadMemory);
	TAGAR_XML_FN(htmlFreeParserCtxt);
	TAGAR_XML_FN(htmlNewParserCtxt);
	TAGAR_XML_FN(htmlReadMemory);
	TAGAR_XML_FN(xmlAddChild);
	TAGAR_XML_FN(xmlAddPrevSibling);
	TAGAR_XML_FN(xmlCtxtGetLastError);
	TAGAR_XML_FN(xmlCtxtReadMemory);
	TAGAR_XML_FN(xmlDocDumpMemoryEnc);
	TAGAR_XML_FN(xmlDocGetRootElement);
	TAGAR_XML_FN(xmlEncodeSpecialChars);
	TAGAR_XML_FN(xmlFreeDoc);
	TAGAR_XML_FN(xmlFreeNode);
	TAGAR_XML_FN(xmlFreeParserCtxt);
	TAGAR_XML_FN(xmlGetLineNo);
	TAGAR_XML_FN(xmlGetProp);
	TAGAR_XML_FN(xmlIsBlankNode);
	TAGAR_XML_FN(xmlInitParser);
	TAGAR_XML_FN(xmlNewDoc);
	TAGAR_XML_FN(xmlNewDocNode);
	TAGAR_XML_FN(xmlDocSetRootElement);
	TAGAR_XML_FN(xmlNewNs);
	TAGAR_XML_FN(xmlNewTextChild);
	TAGAR_XML_FN(xmlNewParserCtxt);
	TAGAR_XML_FN(xmlNewProp);
	TAGAR_XML_FN(xmlNewText);
	TAGAR_XML_FN(xmlNodeGetContent);
	TAGAR_XML_FN(xmlStrcasecmp);
	TAGAR_XML_FN(xmlStrcmp);
	TAGAR_XML_FN(xmlUnlinkNode);
	TAGAR_XML_FN(xmlReaderForMemory);
	TAGAR_XML_FN(xmlTextReaderRead);
	TAGAR_XML_FN(xmlTextReaderNext);
	TAGAR_XML_FN(xmlTextReaderNodeType);
	TAGAR_XML_FN(xmlTextReaderDepth);
	TAGAR_XML_FN(xmlTextReaderCurrentNode);
	TAGAR_XML_FN(xmlTextReaderExpand);
	TAGAR_XML_FN(xmlTextReaderSetStructuredErrorHandler);
	TAGAR_XML_FN(xmlFreeTextReader);
	xmlFreeFunc xmlFree;         /* a variable in libxml2, copied here */
} tagar_xml;

/* 0, or TAGAR_EIO with err naming the library that could not be opened. */
int tagar_xml_open(tagar_xml *x, tagar_err *err);
void tagar_xml_close(tagar_xml *x);

/* The error of a document ctx could not parse, named name: "NAME:LINE:
 * malformed XML: libxml2's message" (its first line), as TAGAR_EFORMAT. */
int tagar_xml_parse_failed(const tagar_xml *X, xmlParserCtxtPtr ctx, const char *name, tagar_err *err);

/* tagar_html_text() with libxml2 already open (html.c). */
char *tagar_html_text_x(const tagar_xml *X, const char *html, size_t n);

#endif
