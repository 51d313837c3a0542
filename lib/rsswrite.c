/* rsswrite.c - an RSS 2.0 feed built with libxml2 (tagar-feeds' per-tag
 * feeds): the tree is built node by node and serialised by libxml2, so
 * escaping is libxml2's, never hand-written. */
#include "tagar.h"
#include "xmlso.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_TAGAR "urn:tagar"

/* s with the control characters XML 1.0 cannot hold turned into spaces
 * (the strings come from feeds, but a title from a URL list could hold
 * one); malloc'ed. */
static char *xml_text(const char *s)
{
	char *t = strdup(s ? s : "");
	for (char *p = t; p && *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			*p = ' ';
	return t;
}

/* <name>text</name> under parent; 0 or -1 when out of memory. */
static int add_text(const tagar_xml *X, xmlNode *parent, xmlNs *ns, const char *name, const char *text)
{
	if (!text)
		return 0;
	char *t = xml_text(text);
	xmlNode *n = t ? X->xmlNewTextChild(parent, ns, (const xmlChar *)name, (const xmlChar *)t) : NULL;
	free(t);
	return n ? 0 : -1;
}

/* RFC 822 in English and UTC whatever the locale (strftime's %a and %b
 * follow LC_TIME). */
static void rfc822(char *buf, size_t n, long long when)
{
	static const char days[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)when;
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, n, "Thu, 01 Jan 1970 00:00:00 +0000");
		return;
	}
	snprintf(buf, n, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int add_item(const tagar_xml *X, xmlNode *channel, xmlNs *ns, const tagar_rss_item *it)
{
	xmlNode *item = X->xmlNewTextChild(channel, NULL, (const xmlChar *)"item", NULL);
	char date[64], score[48];
	rfc822(date, sizeof date, it->published);
	tagar_fmt_fixed(score, sizeof score, it->score, 4);
	int rc = !item || add_text(X, item, NULL, "title", it->title) || add_text(X, item, NULL, "link", it->link);
	xmlNode *guid = !rc && it->guid ? X->xmlNewTextChild(item, NULL, (const xmlChar *)"guid", NULL) : NULL;
	if (guid) {
		char *g = xml_text(it->guid);
		xmlNode *txt = g ? X->xmlNewText((const xmlChar *)g) : NULL;
		free(g);
		rc = !txt || !X->xmlAddChild(guid, txt) || !X->xmlNewProp(guid, (const xmlChar *)"isPermaLink",
									(const xmlChar *)"false");
	}
	if (!rc && it->published >= 0)
		rc = add_text(X, item, NULL, "pubDate", date);
	if (!rc && it->source_url) {
		char *u = xml_text(it->source_url);
		xmlNode *src = X->xmlNewTextChild(item, NULL, (const xmlChar *)"source", NULL);
		xmlNode *txt = src && u ? X->xmlNewText((const xmlChar *)(it->source_title ? it->source_title : u)) : NULL;
		rc = !txt || !X->xmlAddChild(src, txt) || !X->xmlNewProp(src, (const xmlChar *)"url", (const xmlChar *)u);
		free(u);
	}
	if (!rc && it->category) {
		rc = add_text(X, item, NULL, "category", it->category);
		xmlNode *cat = rc ? NULL : item->last;
		rc = rc || !X->xmlNewProp(cat, (const xmlChar *)"domain", (const xmlChar *)"tagar");
	}
	if (!rc && it->score >= 0)
		rc = add_text(X, item, ns, "score", score);
	return rc ? -1 : 0;
}

static xmlNode *new_channel(const tagar_xml *X, xmlDoc *doc, xmlNs **ns)
{
	xmlNode *rss = X->xmlNewDocNode(doc, NULL, (const xmlChar *)"rss", NULL);
	if (!rss)
		return NULL;
	X->xmlDocSetRootElement(doc, rss);
	if (!X->xmlNewProp(rss, (const xmlChar *)"version", (const xmlChar *)"2.0") ||
	    !(*ns = X->xmlNewNs(rss, (const xmlChar *)NS_TAGAR, (const xmlChar *)"tagar")))
		return NULL;
	return X->xmlNewTextChild(rss, NULL, (const xmlChar *)"channel", NULL);
}

static int build(const tagar_xml *X, xmlDoc *doc, const char *title, const char *link, const char *description,
		 const tagar_rss_item *items, int n)
{
	xmlNs *ns = NULL;
	xmlNode *channel = new_channel(X, doc, &ns);
	if (!channel || add_text(X, channel, NULL, "title", title) || add_text(X, channel, NULL, "link", link) ||
	    add_text(X, channel, NULL, "description", description))
		return -1;
	for (int i = 0; i < n; i++)
		if (add_item(X, channel, ns, &items[i]))
			return -1;
	return 0;
}

int tagar_rss_build(const char *title, const char *link, const char *description, const tagar_rss_item *items,
		    int n, char **out, size_t *len, tagar_err *err)
{
	tagar_xml X;
	*out = NULL;
	*len = 0;
	if (tagar_xml_open(&X, err))
		return TAGAR_EIO;
	xmlDoc *doc = X.xmlNewDoc((const xmlChar *)"1.0");
	xmlChar *mem = NULL;
	int size = 0;
	if (doc && build(&X, doc, title, link, description, items, n) == 0)
		X.xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (mem && (*out = malloc((size_t)size + 1))) {
		memcpy(*out, mem, (size_t)size);
		(*out)[size] = 0;
		*len = (size_t)size;
	}
	if (mem)
		X.xmlFree(mem);
	if (doc)
		X.xmlFreeDoc(doc);
	tagar_xml_close(&X);
	return *out ? 0 : tagar_fail(err, TAGAR_ENOMEM, "out of memory building an RSS feed");
}
