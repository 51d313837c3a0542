/* feed.c - RSS and Atom feeds in, and back out with tagar's categories.
 *
 * Parsed with libxml2 into a tree that is kept: writing back only adds
 * <category> elements, so everything else survives as far as XML allows.
 * Safety: XML_PARSE_NONET (no network), no XML_PARSE_NOENT (entities are
 * not substituted by us) and no XML_PARSE_DTDLOAD (no external DTD), and
 * no XML_PARSE_HUGE, so libxml2's entity-amplification limits stay on. */
#include "tagar.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
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
	xmlDoc *doc;
	int atom;
	item *items;
	int n, cap;
};

static int named(const xmlNode *n, const char *name, const char *ns)
{
	if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, (const xmlChar *)name) != 0)
		return 0;
	if (!ns)  /* RSS 2.0 elements have no namespace */
		return n->ns == NULL || xmlStrcmp(n->ns->href, (const xmlChar *)"http://purl.org/rss/1.0/") == 0;
	return n->ns && xmlStrcmp(n->ns->href, (const xmlChar *)ns) == 0;
}

static xmlNode *child(const xmlNode *n, const char *name, const char *ns)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (named(c, name, ns))
			return c;
	return NULL;
}

/* The element's text (entities and CDATA resolved), white space trimmed. */
static char *content(const xmlNode *n)
{
	xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
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
	xmlFree(v);
	return out;
}

/* HTML inside a description or content element, as text. */
static char *html_content(const xmlNode *n)
{
	char *raw = content(n);
	char *t = raw ? tagar_html_text(raw, strlen(raw)) : NULL;
	free(raw);
	return t;
}

static char *atom_link(const xmlNode *e)
{
	for (xmlNode *c = e->children; c; c = c->next) {
		if (!named(c, "link", NS_ATOM))
			continue;
		xmlChar *rel = xmlGetProp(c, (const xmlChar *)"rel");
		int alt = !rel || xmlStrcmp(rel, (const xmlChar *)"alternate") == 0;
		xmlFree(rel);
		xmlChar *href = alt ? xmlGetProp(c, (const xmlChar *)"href") : NULL;
		if (href) {
			char *s = strdup((const char *)href);
			xmlFree(href);
			return s;
		}
	}
	return strdup("");
}

/* Atom text constructs: type="html" holds escaped HTML, "xhtml" markup,
 * "text" (the default) plain text. */
static char *atom_text(const xmlNode *n)
{
	xmlChar *type = n ? xmlGetProp(n, (const xmlChar *)"type") : NULL;
	int html = type && xmlStrcmp(type, (const xmlChar *)"text") != 0;
	xmlFree(type);
	return html ? html_content(n) : content(n);
}

static int fill_rss(item *it, xmlNode *n)
{
	xmlNode *body = child(n, "encoded", NS_CONTENT);
	char *b = body ? html_content(body) : NULL;
	if (b && !*b) {  /* an empty content:encoded: the description, then */
		free(b);
		b = NULL;
	}
	it->text = b ? b : html_content(child(n, "description", NULL));
	it->title = html_content(child(n, "title", NULL));
	it->link = content(child(n, "link", NULL));
	it->guid = content(child(n, "guid", NULL));
	xmlNode *d = child(n, "pubDate", NULL);
	it->date = content(d ? d : child(n, "date", NS_DC));
	return it->text && it->title && it->link && it->guid && it->date ? 0 : -1;
}

static int fill_atom(item *it, xmlNode *n)
{
	xmlNode *body = child(n, "content", NS_ATOM);
	it->text = atom_text(body ? body : child(n, "summary", NS_ATOM));
	it->title = atom_text(child(n, "title", NS_ATOM));
	it->link = atom_link(n);
	it->guid = content(child(n, "id", NS_ATOM));
	xmlNode *d = child(n, "updated", NS_ATOM);
	it->date = content(d ? d : child(n, "published", NS_ATOM));
	return it->text && it->title && it->link && it->guid && it->date ? 0 : -1;
}

static int add_item(tagar_feed *f, xmlNode *n)
{
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
	if ((f->atom ? fill_atom(it, n) : fill_rss(it, n)))
		return -1;
	it->pub = (tagar_feed_item){*it->guid ? it->guid : *it->link ? it->link : NULL, it->title, it->text,
				    it->link, it->guid, it->date, xmlGetLineNo(n)};
	return 0;
}

/* RSS 2.0: rss/channel/item; RSS 1.0: rdf:RDF/item; Atom: feed/entry. */
static int collect_items(tagar_feed *f, xmlNode *root, tagar_err *err)
{
	xmlNode *parent = root;
	const char *name = "item";
	if (named(root, "feed", NS_ATOM)) {
		f->atom = 1;
		name = "entry";
	} else if (xmlStrcmp(root->name, (const xmlChar *)"rss") == 0) {
		parent = child(root, "channel", NULL);
		if (!parent)
			return tagar_fail(err, TAGAR_EFORMAT, "line %ld: <rss> without <channel>", (long)xmlGetLineNo(root));
	} else if (xmlStrcmp(root->name, (const xmlChar *)"RDF") != 0) {
		return tagar_fail(err, TAGAR_EFORMAT, "not an RSS or Atom feed (root element <%s>)",
				  (const char *)root->name);
	}
	for (xmlNode *c = parent->children; c; c = c->next)
		if (named(c, name, f->atom ? NS_ATOM : NULL) && add_item(f, c))
			return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	return 0;
}

tagar_feed *tagar_feed_parse(const char *buf, size_t n, const char *name, tagar_err *err)
{
	tagar_feed *f = calloc(1, sizeof *f);
	xmlParserCtxtPtr ctx = xmlNewParserCtxt();
	if (!f || !ctx || n > INT32_MAX) {
		tagar_fail(err, TAGAR_ENOMEM, "%s: out of memory", name);
		free(f);
		xmlFreeParserCtxt(ctx);
		return NULL;
	}
	f->doc = xmlCtxtReadMemory(ctx, buf, (int)n, NULL, NULL,
				   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!f->doc) {
		const xmlError *e = xmlCtxtGetLastError(ctx);
		char msg[256] = "empty document";
		if (e && e->message)
			snprintf(msg, sizeof msg, "%s", e->message);
		msg[strcspn(msg, "\n")] = 0;
		tagar_fail(err, TAGAR_EFORMAT, "%s:%d: malformed XML: %s", name, e ? e->line : 0, msg);
		xmlFreeParserCtxt(ctx);
		free(f);
		return NULL;
	}
	xmlFreeParserCtxt(ctx);
	xmlNode *root = xmlDocGetRootElement(f->doc);
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
	xmlFreeDoc(f->doc);
	free(f);
	*fp = NULL;
}

int tagar_feed_count(const tagar_feed *f) { return f->n; }
const tagar_feed_item *tagar_feed_item_at(const tagar_feed *f, int i) { return &f->items[i].pub; }
int tagar_feed_is_atom(const tagar_feed *f) { return f->atom; }

static int attr_is(const xmlNode *n, const char *attr, const char *v)
{
	xmlChar *a = xmlGetProp(n, (const xmlChar *)attr);
	int eq = a && xmlStrcmp(a, (const xmlChar *)v) == 0;
	xmlFree(a);
	return eq;
}

/* Categories an earlier run added: re-tagging replaces them. */
static void remove_ours(tagar_feed *f, xmlNode *n)
{
	for (xmlNode *c = n->children, *next; c; c = next) {
		next = c->next;
		int ours = f->atom ? named(c, "category", NS_ATOM) && attr_is(c, "scheme", ATOM_SCHEME)
				   : named(c, "category", NULL) && attr_is(c, "domain", "tagar");
		if (!ours)
			continue;
		if (c->prev && c->prev->type == XML_TEXT_NODE && xmlIsBlankNode(c->prev)) {
			xmlNode *ws = c->prev;  /* its indentation too */
			xmlUnlinkNode(ws);
			xmlFreeNode(ws);
		}
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
}

/* Adds el as the item's last child, indented like its other children. */
static void append_indented(xmlNode *n, xmlNode *el)
{
	xmlNode *last = n->last;
	if (last && last->type == XML_TEXT_NODE && xmlIsBlankNode(last)) {
		/* "\n    " before </item>: copy the indentation of the previous child */
		xmlNode *prev = last->prev;
		while (prev && prev->type != XML_TEXT_NODE)
			prev = prev->prev;
		xmlNode *ws = prev && xmlIsBlankNode(prev) ? xmlNewText(prev->content) : NULL;
		xmlAddPrevSibling(last, el);
		if (ws)
			xmlAddPrevSibling(el, ws);
		return;
	}
	xmlAddChild(n, el);
}

int tagar_feed_add_category(tagar_feed *f, int i, const char *tag)
{
	item *it = &f->items[i];
	if (!it->cleared) {
		remove_ours(f, it->node);
		it->cleared = 1;
	}
	xmlNode *el;
	if (f->atom) {
		el = xmlNewDocNode(f->doc, it->node->ns, (const xmlChar *)"category", NULL);
		if (el && (!xmlNewProp(el, (const xmlChar *)"scheme", (const xmlChar *)ATOM_SCHEME) ||
			   !xmlNewProp(el, (const xmlChar *)"term", (const xmlChar *)tag))) {
			xmlFreeNode(el);
			el = NULL;
		}
	} else {
		xmlChar *esc = xmlEncodeSpecialChars(f->doc, (const xmlChar *)tag);
		el = esc ? xmlNewDocNode(f->doc, NULL, (const xmlChar *)"category", esc) : NULL;
		xmlFree(esc);
		if (el && !xmlNewProp(el, (const xmlChar *)"domain", (const xmlChar *)"tagar")) {
			xmlFreeNode(el);
			el = NULL;
		}
	}
	if (!el)
		return TAGAR_ENOMEM;
	append_indented(it->node, el);
	return 0;
}

int tagar_feed_write(const tagar_feed *f, FILE *out, tagar_err *err)
{
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpMemoryEnc(f->doc, &mem, &size, "UTF-8");
	if (!mem)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory writing the feed");
	size_t k = fwrite(mem, 1, (size_t)size, out);
	xmlFree(mem);
	return k == (size_t)size ? 0 : tagar_fail(err, TAGAR_EIO, "write error");
}
