/* opml.c - the lists of feeds tagar-feeds reads: OPML documents (libxml2,
 * the same safe options as the feed reader: no network, no entity
 * substitution, no DTD loading, libxml2's size limits on) and plain lists
 * of URLs, one a line.  Both hand over one tagar_source per entry, bad
 * entries included (with the reason), so the caller reports them by line
 * and keeps the good ones. */
#include "tagar.h"
#include "xmlso.h"

#include <stdlib.h>
#include <string.h>

/* A URL as a feed list may give it: printable, no white space, valid UTF-8,
 * not too long.  NULL, or why not. */
static const char *bad_url(const char *s, size_t n)
{
	if (n == 0)
		return "no URL";
	if (n > TAGAR_URL_MAX)
		return "URL longer than 4096 bytes";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return "URL holds white space or a control character";
	return tagar_utf8_invalid(s, n) >= 0 ? "URL is not valid UTF-8" : NULL;
}

/* ---------------------------------------------------------------- OPML */

typedef struct {
	const tagar_xml *X;
	tagar_source_fn fn;
	void *ud;
	tagar_buf path;           /* the enclosing outlines' titles, '/'-joined */
} opml_walk;

static int is_outline(const tagar_xml *X, const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && X->xmlStrcmp(n->name, (const xmlChar *)"outline") == 0;
}

/* An attribute's value, the static "" when absent or empty (an empty
 * value libxml2 allocated is freed here, as attr_free() would not know
 * it from the static one); else xmlFree'd by the caller (attr_free). */
static char *attr(const tagar_xml *X, xmlNode *n, const char *name)
{
	xmlChar *v = X->xmlGetProp(n, (const xmlChar *)name);
	if (v && !*v) {
		X->xmlFree(v);
		v = NULL;
	}
	return v ? (char *)v : (char *)"";
}

static void attr_free(const tagar_xml *X, char *v)
{
	if (*v)
		X->xmlFree(v);
}

static int outline_source(opml_walk *w, xmlNode *n, const char *url, const char *title)
{
	const tagar_xml *X = w->X;
	char *cat = attr(X, n, "category");
	size_t ulen = strlen(url), skip = strspn(url, " \t\r\n");
	while (ulen > skip && strchr(" \t\r\n", url[ulen - 1]))
		ulen--;  /* OPML writers pad attributes */
	char *trimmed = tagar_memdup0(url + skip, ulen - skip);
	const char *why = trimmed ? bad_url(trimmed, ulen - skip) : "out of memory";
	tagar_source s = {why ? NULL : trimmed, title, *cat ? cat : w->path.p ? w->path.p : "", why,
			  X->xmlGetLineNo(n)};
	int rc = w->fn(&s, w->ud);
	free(trimmed);
	attr_free(X, cat);
	return rc;
}

static int walk_outlines(opml_walk *w, xmlNode *parent);

/* One outline: a feed when it has an xmlUrl; its children, under its
 * title, either way (readers nest feeds in folders). */
static int walk_outline(opml_walk *w, xmlNode *n)
{
	const tagar_xml *X = w->X;
	xmlChar *url = X->xmlGetProp(n, (const xmlChar *)"xmlUrl");
	char *title = attr(X, n, "title"), *text = attr(X, n, "text");
	const char *name = *title ? title : text;
	int rc = url ? outline_source(w, n, (const char *)url, name) : 0;
	size_t keep = w->path.len;
	if (!rc && n->children) {
		if ((keep && tagar_buf_append(&w->path, "/", 1)) || tagar_buf_append(&w->path, name, strlen(name)))
			rc = TAGAR_ENOMEM;
		else
			rc = walk_outlines(w, n);
		w->path.len = keep;
		if (w->path.p)
			w->path.p[keep] = 0;
	}
	if (url)
		X->xmlFree(url);
	attr_free(X, title);
	attr_free(X, text);
	return rc;
}

static int walk_outlines(opml_walk *w, xmlNode *parent)
{
	int rc = 0;
	for (xmlNode *c = parent->children; !rc && c; c = c->next)
		if (is_outline(w->X, c))
			rc = walk_outline(w, c);
	return rc;
}

static xmlDoc *read_opml(const tagar_xml *X, const char *buf, size_t n, const char *name, tagar_err *err)
{
	xmlParserCtxtPtr ctx = n <= INT32_MAX ? X->xmlNewParserCtxt() : NULL;
	if (!ctx) {
		tagar_fail(err, TAGAR_ENOMEM, "%s: out of memory", name);
		return NULL;
	}
	xmlDoc *doc = X->xmlCtxtReadMemory(ctx, buf, (int)n, NULL, NULL,
					   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		tagar_xml_parse_failed(X, ctx, name, err);
	X->xmlFreeParserCtxt(ctx);
	return doc;
}

int tagar_opml_each(const char *buf, size_t n, const char *name, tagar_source_fn fn, void *ud, tagar_err *err)
{
	tagar_xml X;
	if (tagar_xml_open(&X, err))
		return TAGAR_EIO;
	xmlDoc *doc = read_opml(&X, buf, n, name, err);
	xmlNode *root = doc ? X.xmlDocGetRootElement(doc) : NULL, *body = NULL;
	int rc = doc ? 0 : err && err->code ? err->code : TAGAR_EFORMAT;
	if (doc && (!root || X.xmlStrcmp(root->name, (const xmlChar *)"opml") != 0))
		rc = tagar_fail(err, TAGAR_EFORMAT, "%.200s: not an OPML document (root element <%s>)", name,
				root ? (const char *)root->name : "none");
	for (xmlNode *c = rc ? NULL : root->children; c && !body; c = c->next)
		if (c->type == XML_ELEMENT_NODE && X.xmlStrcmp(c->name, (const xmlChar *)"body") == 0)
			body = c;
	if (!rc && !body)
		rc = tagar_fail(err, TAGAR_EFORMAT, "%.200s:%ld: <opml> without <body>", name, (long)X.xmlGetLineNo(root));
	if (!rc) {
		opml_walk w = {&X, fn, ud, {0}};
		rc = walk_outlines(&w, body);
		if (rc == TAGAR_ENOMEM)
			tagar_fail(err, rc, "%.200s: out of memory", name);
		tagar_buf_free(&w.path);
	}
	if (doc)
		X.xmlFreeDoc(doc);
	tagar_xml_close(&X);
	return rc;
}

/* ----------------------------------------------------------- URL lists */

static int list_line(const char *s, size_t n, long line, tagar_source_fn fn, void *ud)
{
	while (n && strchr(" \t\r", s[n - 1]))
		n--;
	size_t skip = 0;
	while (skip < n && (s[skip] == ' ' || s[skip] == '\t'))  /* s is not NUL-terminated */
		skip++;
	s += skip;
	n -= skip;
	if (n == 0 || *s == '#')
		return 0;
	size_t ulen = 0;
	while (ulen < n && s[ulen] != ' ' && s[ulen] != '\t')
		ulen++;
	size_t tpos = ulen;
	while (tpos < n && (s[tpos] == ' ' || s[tpos] == '\t'))
		tpos++;
	char *url = tagar_memdup0(s, ulen), *title = tagar_memdup0(s + tpos, n - tpos);
	const char *why = !url || !title ? "out of memory" : bad_url(url, ulen);
	if (!why && tagar_utf8_invalid(title, n - tpos) >= 0)
		why = "title is not valid UTF-8";
	for (size_t i = tpos; !why && i < n; i++)
		if ((unsigned char)s[i] < ' ' && s[i] != '\t')
			why = "title holds a control character";
	tagar_source src = {why ? NULL : url, why ? "" : title, "", why, line};
	int rc = fn(&src, ud);
	free(url);
	free(title);
	return rc;
}

int tagar_urllist_each(const char *buf, size_t n, tagar_source_fn fn, void *ud)
{
	const char *s = buf, *end = buf + n;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	int rc = 0;
	for (long line = 1; !rc && s < end; line++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = (size_t)((nl ? nl : end) - s);
		rc = list_line(s, len, line, fn, ud);
		s += len + 1;
	}
	return rc;
}
