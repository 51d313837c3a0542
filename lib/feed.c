/* feed.c - RSS and Atom feeds in, and back out with tagar's categories.
 *
 * Parsed with libxml2 into a tree that is kept: writing back only adds
 * <category> elements, so everything else survives as far as XML allows.
 * Safety: XML_PARSE_NONET (no network), no XML_PARSE_NOENT (entities are
 * not substituted by us) and no XML_PARSE_DTDLOAD (no external DTD), and
 * no XML_PARSE_HUGE, so libxml2's entity-amplification limits stay on. */
#include "xmlso.h"

#include <stdlib.h>
#include <string.h>

#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_ATOM "http://www.w3.org/2005/Atom"
#define ATOM_SCHEME "urn:tagar"

typedef struct {
	tagar_feed_item pub;
	xmlNode *node;
	char *title, *text, *link, *guid, *date;
	int cleared;              /* earlier tagar categories removed */
} item;

struct tagar_feed {
	tagar_xml xml;            /* libxml2, open while the feed lives */
	xmlDoc *doc;
	int atom;
	item *items;
	int n, cap;
};

static int named(const tagar_xml *X, const xmlNode *n, const char *name, const char *ns)
{
	if (n->type != XML_ELEMENT_NODE || X->xmlStrcmp(n->name, (const xmlChar *)name) != 0)
		return 0;
	if (!ns)  /* RSS 2.0 elements have no namespace */
		return n->ns == NULL || X->xmlStrcmp(n->ns->href, (const xmlChar *)"http://purl.org/rss/1.0/") == 0;
	return n->ns && X->xmlStrcmp(n->ns->href, (const xmlChar *)ns) == 0;
}

static xmlNode *child(const tagar_xml *X, const xmlNode *n, const char *name, const char *ns)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (named(X, c, name, ns))
			return c;
	return NULL;
}

/* The element's text (entities and CDATA resolved), white space trimmed. */
static char *content(const tagar_xml *X, const xmlNode *n)
{
	xmlChar *v = n ? X->xmlNodeGetContent(n) : NULL;
	const char *s = v ? (const char *)v : "";
	s += strspn(s, " \t\r\n");
	size_t len = strlen(s);
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	char *out = malloc(len + 1);
	if (out) {
		memcpy(out, s, len);
		out[len] = 0;
	}
	X->xmlFree(v);
	return out;
}

/* HTML inside a description or content element, as text. */
static char *html_content(const tagar_xml *X, const xmlNode *n)
{
	char *raw = content(X, n);
	char *t = raw ? tagar_html_text_x(X, raw, strlen(raw)) : NULL;
	free(raw);
	return t;
}

static char *atom_link(const tagar_xml *X, const xmlNode *e)
{
	for (xmlNode *c = e->children; c; c = c->next) {
		if (!named(X, c, "link", NS_ATOM))
			continue;
		xmlChar *rel = X->xmlGetProp(c, (const xmlChar *)"rel");
		int alt = !rel || X->xmlStrcmp(rel, (const xmlChar *)"alternate") == 0;
		X->xmlFree(rel);
		xmlChar *href = alt ? X->xmlGetProp(c, (const xmlChar *)"href") : NULL;
		if (href) {
			char *s = strdup((const char *)href);
			X->xmlFree(href);
			return s;
		}
	}
	return strdup("");
}

/* Atom text constructs: type="html" holds escaped HTML, "xhtml" markup,
 * "text" (the default) plain text. */
static char *atom_text(const tagar_xml *X, const xmlNode *n)
{
	xmlChar *type = n ? X->xmlGetProp(n, (const xmlChar *)"type") : NULL;
	int html = type && X->xmlStrcmp(type, (const xmlChar *)"text") != 0;
	X->xmlFree(type);
	return html ? html_content(X, n) : content(X, n);
}

static int fill_rss(const tagar_xml *X, item *it, xmlNode *n)
{
	xmlNode *body = child(X, n, "encoded", NS_CONTENT);
	char *b = body ? html_content(X, body) : NULL;
	if (b && !*b) {  /* an empty content:encoded: the description, then */
		free(b);
		b = NULL;
	}
	it->text = b ? b : html_content(X, child(X, n, "description", NULL));
	it->title = html_content(X, child(X, n, "title", NULL));
	it->link = content(X, child(X, n, "link", NULL));
	it->guid = content(X, child(X, n, "guid", NULL));
	xmlNode *d = child(X, n, "pubDate", NULL);
	it->date = content(X, d ? d : child(X, n, "date", NS_DC));
	return it->text && it->title && it->link && it->guid && it->date ? 0 : -1;
}

static int fill_atom(const tagar_xml *X, item *it, xmlNode *n)
{
	xmlNode *body = child(X, n, "content", NS_ATOM);
	it->text = atom_text(X, body ? body : child(X, n, "summary", NS_ATOM));
	it->title = atom_text(X, child(X, n, "title", NS_ATOM));
	it->link = atom_link(X, n);
	it->guid = content(X, child(X, n, "id", NS_ATOM));
	xmlNode *d = child(X, n, "updated", NS_ATOM);
	it->date = content(X, d ? d : child(X, n, "published", NS_ATOM));
	return it->text && it->title && it->link && it->guid && it->date ? 0 : -1;
}

static int add_item(tagar_feed *f, xmlNode *n)
{
	const tagar_xml *X = &f->xml;
	if (f->n == f->cap) {
		int nc = f->cap ? f->cap * 2 : 32;
		item *ni = realloc(f->items, (size_t)nc * sizeof *ni);
		if (!ni)
			return -1;
		f->items = ni;
		f->cap = nc;
	}
	item *it = &f->items[f->n++];
	memset(it, 0, sizeof *it);
	it->node = n;
	if ((f->atom ? fill_atom(X, it, n) : fill_rss(X, it, n)))
		return -1;
	it->pub = (tagar_feed_item){*it->guid ? it->guid : *it->link ? it->link : NULL, it->title, it->text,
				    it->link, it->guid, it->date, X->xmlGetLineNo(n)};
	return 0;
}

/* RSS 2.0: rss/channel/item; RSS 1.0: rdf:RDF/item; Atom: feed/entry. */
static int collect_items(tagar_feed *f, xmlNode *root, tagar_err *err)
{
	const tagar_xml *X = &f->xml;
	xmlNode *parent = root;
	const char *name = "item";
	if (named(X, root, "feed", NS_ATOM)) {
		f->atom = 1;
		name = "entry";
	} else if (X->xmlStrcmp(root->name, (const xmlChar *)"rss") == 0) {
		parent = child(X, root, "channel", NULL);
		if (!parent)
			return tagar_fail(err, TAGAR_EFORMAT, "line %ld: <rss> without <channel>", (long)X->xmlGetLineNo(root));
	} else if (X->xmlStrcmp(root->name, (const xmlChar *)"RDF") != 0) {
		return tagar_fail(err, TAGAR_EFORMAT, "not an RSS or Atom feed (root element <%s>)",
				  (const char *)root->name);
	}
	for (xmlNode *c = parent->children; c; c = c->next)
		if (named(X, c, name, f->atom ? NS_ATOM : NULL) && add_item(f, c))
			return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	return 0;
}

tagar_feed *tagar_feed_parse(const char *buf, size_t n, const char *name, tagar_err *err)
{
	tagar_feed *f = calloc(1, sizeof *f);
	if (f && tagar_xml_open(&f->xml, err)) {
		free(f);
		return NULL;
	}
	const tagar_xml *X = f ? &f->xml : NULL;
	xmlParserCtxtPtr ctx = X ? X->xmlNewParserCtxt() : NULL;
	if (!f || !ctx || n > INT32_MAX) {
		tagar_fail(err, TAGAR_ENOMEM, "%s: out of memory", name);
		if (ctx)
			X->xmlFreeParserCtxt(ctx);
		if (f)
			tagar_xml_close(&f->xml);
		free(f);
		return NULL;
	}
	f->doc = X->xmlCtxtReadMemory(ctx, buf, (int)n, NULL, NULL,
				   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!f->doc) {
		tagar_xml_parse_failed(X, ctx, name, err);
		X->xmlFreeParserCtxt(ctx);
		tagar_xml_close(&f->xml);
		free(f);
		return NULL;
	}
	X->xmlFreeParserCtxt(ctx);
	xmlNode *root = X->xmlDocGetRootElement(f->doc);
	int rc = root ? collect_items(f, root, err) : tagar_fail(err, TAGAR_EFORMAT, "no root element");
	if (rc) {
		char msg[sizeof err->msg];
		if (err) {
			snprintf(msg, sizeof msg, "%.200s: %.300s", name, err->msg);
			memcpy(err->msg, msg, sizeof msg);
		}
		tagar_feed_free(&f);
	}
	return f;
}

void tagar_feed_free(tagar_feed **fp)
{
	if (!fp || !*fp)
		return;
	tagar_feed *f = *fp;
	for (int i = 0; i < f->n; i++) {
		item *it = &f->items[i];
		free(it->title);
		free(it->text);
		free(it->link);
		free(it->guid);
		free(it->date);
	}
	free(f->items);
	if (f->doc)
		f->xml.xmlFreeDoc(f->doc);
	tagar_xml_close(&f->xml);
	free(f);
	*fp = NULL;
}

int tagar_feed_count(const tagar_feed *f) { return f->n; }
const tagar_feed_item *tagar_feed_item_at(const tagar_feed *f, int i) { return &f->items[i].pub; }
int tagar_feed_is_atom(const tagar_feed *f) { return f->atom; }

static int attr_is(const tagar_xml *X, const xmlNode *n, const char *attr, const char *v)
{
	xmlChar *a = X->xmlGetProp(n, (const xmlChar *)attr);
	int eq = a && X->xmlStrcmp(a, (const xmlChar *)v) == 0;
	X->xmlFree(a);
	return eq;
}

/* Categories an earlier run added: re-tagging replaces them. */
static void remove_ours(tagar_feed *f, xmlNode *n)
{
	const tagar_xml *X = &f->xml;
	for (xmlNode *c = n->children, *next; c; c = next) {
		next = c->next;
		int ours = f->atom ? named(X, c, "category", NS_ATOM) && attr_is(X, c, "scheme", ATOM_SCHEME)
				   : named(X, c, "category", NULL) && attr_is(X, c, "domain", "tagar");
		if (!ours)
			continue;
		if (c->prev && c->prev->type == XML_TEXT_NODE && X->xmlIsBlankNode(c->prev)) {
			xmlNode *ws = c->prev;  /* its indentation too */
			X->xmlUnlinkNode(ws);
			X->xmlFreeNode(ws);
		}
		X->xmlUnlinkNode(c);
		X->xmlFreeNode(c);
	}
}

/* Adds el as the item's last child, indented like its other children. */
static void append_indented(const tagar_xml *X, xmlNode *n, xmlNode *el)
{
	xmlNode *last = n->last;
	if (last && last->type == XML_TEXT_NODE && X->xmlIsBlankNode(last)) {
		/* "\n    " before </item>: copy the indentation of the previous child */
		xmlNode *prev = last->prev;
		while (prev && prev->type != XML_TEXT_NODE)
			prev = prev->prev;
		xmlNode *ws = prev && X->xmlIsBlankNode(prev) ? X->xmlNewText(prev->content) : NULL;
		X->xmlAddPrevSibling(last, el);
		if (ws)
			X->xmlAddPrevSibling(el, ws);
		return;
	}
	X->xmlAddChild(n, el);
}

int tagar_feed_add_category(tagar_feed *f, int i, const char *tag)
{
	const tagar_xml *X = &f->xml;
	item *it = &f->items[i];
	if (!it->cleared) {
		remove_ours(f, it->node);
		it->cleared = 1;
	}
	xmlNode *el;
	if (f->atom) {
		el = X->xmlNewDocNode(f->doc, it->node->ns, (const xmlChar *)"category", NULL);
		if (el && (!X->xmlNewProp(el, (const xmlChar *)"scheme", (const xmlChar *)ATOM_SCHEME) ||
			   !X->xmlNewProp(el, (const xmlChar *)"term", (const xmlChar *)tag))) {
			X->xmlFreeNode(el);
			el = NULL;
		}
	} else {
		xmlChar *esc = X->xmlEncodeSpecialChars(f->doc, (const xmlChar *)tag);
		el = esc ? X->xmlNewDocNode(f->doc, NULL, (const xmlChar *)"category", esc) : NULL;
		X->xmlFree(esc);
		if (el && !X->xmlNewProp(el, (const xmlChar *)"domain", (const xmlChar *)"tagar")) {
			X->xmlFreeNode(el);
			el = NULL;
		}
	}
	if (!el)
		return TAGAR_ENOMEM;
	append_indented(X, it->node, el);
	return 0;
}

int tagar_feed_write(const tagar_feed *f, FILE *out, tagar_err *err)
{
	const tagar_xml *X = &f->xml;
	xmlChar *mem = NULL;
	int size = 0;
	X->xmlDocDumpMemoryEnc(f->doc, &mem, &size, "UTF-8");
	if (!mem)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory writing the feed");
	size_t k = fwrite(mem, 1, (size_t)size, out);
	X->xmlFree(mem);
	return k == (size_t)size ? 0 : tagar_fail(err, TAGAR_EIO, "write error");
}

/* ----------------------------------------------------------- streaming */

/* The reader's first error, for the message. */
typedef struct {
	int line;
	char msg[200];
} stream_error;

static void on_stream_error(void *ud, xmlErrorPtr e)
{
	stream_error *se = ud;
	if (se->msg[0] || !e || e->level < XML_ERR_ERROR)
		return;
	se->line = e->line;
	snprintf(se->msg, sizeof se->msg, "%s", e->message ? e->message : "malformed XML");
	se->msg[strcspn(se->msg, "\n")] = 0;
}

enum { KIND_RSS = 1, KIND_RDF, KIND_ATOM };

/* What the root element makes of the feed, or 0 when it is no feed. */
static int feed_kind(const tagar_xml *X, const xmlNode *root)
{
	if (named(X, root, "feed", NS_ATOM))
		return KIND_ATOM;
	if (X->xmlStrcmp(root->name, (const xmlChar *)"rss") == 0)
		return KIND_RSS;
	return X->xmlStrcmp(root->name, (const xmlChar *)"RDF") == 0 ? KIND_RDF : 0;
}

/* Whether n, an element at depth d, is an item of a feed of this kind:
 * rss/channel/item, rdf:RDF/item, feed/entry (as collect_items). */
static int is_item(const tagar_xml *X, const xmlNode *n, int d, int kind)
{
	if (kind == KIND_ATOM)
		return d == 1 && named(X, n, "entry", NS_ATOM);
	if (kind == KIND_RDF)
		return d == 1 && named(X, n, "item", NULL);
	return d == 2 && named(X, n, "item", NULL) && n->parent && named(X, n->parent, "channel", NULL);
}

/* One item handed to fn, then freed. */
static int stream_item(const tagar_xml *X, xmlNode *n, int kind, tagar_feed_fn fn, void *ud)
{
	item it = {0};
	int rc = kind == KIND_ATOM ? fill_atom(X, &it, n) : fill_rss(X, &it, n);
	if (!rc) {
		it.pub = (tagar_feed_item){*it.guid ? it.guid : *it.link ? it.link : NULL, it.title, it.text,
					   it.link, it.guid, it.date, X->xmlGetLineNo(n)};
		rc = fn(&it.pub, ud);
	}
	free(it.title);
	free(it.text);
	free(it.link);
	free(it.guid);
	free(it.date);
	return rc;
}

static int stream_items(const tagar_xml *X, xmlTextReaderPtr r, tagar_feed_fn fn, void *ud, int *count,
			const char *name, tagar_err *err)
{
	int kind = 0, channels = 0, rc = X->xmlTextReaderRead(r);
	while (rc == 1) {
		xmlNode *n = X->xmlTextReaderCurrentNode(r);
		int d = X->xmlTextReaderDepth(r);
		if (!n || X->xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT) {
			rc = X->xmlTextReaderRead(r);
			continue;
		}
		if (d == 0 && !(kind = feed_kind(X, n)))
			return tagar_fail(err, TAGAR_EFORMAT, "%s: not an RSS or Atom feed (root element <%s>)", name,
					  (const char *)n->name);
		channels += d == 1 && named(X, n, "channel", NULL);
		/* RSS: the first <channel>'s items only, as the tree reader takes them
		 * (collect_items); a second channel is not RSS, and a feed read whole
		 * or streamed must give the same items */
		if (!is_item(X, n, d, kind) || (kind == KIND_RSS && channels != 1)) {
			rc = X->xmlTextReaderRead(r);
			continue;
		}
		xmlNode *full = X->xmlTextReaderExpand(r);
		if (!full)
			break;  /* the reader's error says why */
		int frc = stream_item(X, full, kind, fn, ud);
		if (frc)
			return frc;
		++*count;
		rc = X->xmlTextReaderNext(r);  /* past the item: its nodes can be freed */
	}
	if (rc == 0 && kind == KIND_RSS && !channels)
		return tagar_fail(err, TAGAR_EFORMAT, "%s: <rss> without <channel>", name);
	return rc == 0 && kind ? 0 : -1;
}

int tagar_feed_each(const char *buf, size_t n, const char *name, tagar_feed_fn fn, void *ud, int *count,
		    tagar_err *err)
{
	tagar_xml x;
	*count = 0;
	if (tagar_xml_open(&x, err))
		return TAGAR_EIO;
	const tagar_xml *X = &x;
	/* the same options as tagar_feed_parse: no network, no entity
	 * substitution by us, no DTD loading, libxml2's amplification limits */
	xmlTextReaderPtr r = n > INT32_MAX ? NULL : X->xmlReaderForMemory(buf, (int)n, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	int rc;
	if (!r) {
		rc = tagar_fail(err, TAGAR_ENOMEM, "%s: out of memory", name);
	} else {
		stream_error se = {0, ""};
		X->xmlTextReaderSetStructuredErrorHandler(r, on_stream_error, &se);
		rc = stream_items(X, r, fn, ud, count, name, err);
		if (rc == -1)
			rc = tagar_fail(err, TAGAR_EFORMAT, "%s:%d: malformed XML: %s", name, se.line,
					se.msg[0] ? se.msg : "empty document");
		X->xmlFreeTextReader(r);
	}
	tagar_xml_close(&x);
	return rc;
}
