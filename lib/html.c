/* html.c - the text of a news article from its HTML page, with libxml2's
 * HTML parser (which recovers from the tag soup real sites serve).
 *
 * Scripts, styles, navigation, page header and footer, asides, forms and
 * comments are not the story and are skipped; but a form that holds the
 * story (ASP.NET WebForms wraps whole pages in one <form>) is kept.  The story is the largest
 * <article> (else <main>, else <body>); the headline is the first <h1>,
 * else og:title, else <title>.  Block elements end lines, so paragraphs
 * stay lines, which the boilerplate patterns rely on. */
#include "xmlso.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
	tagar_buf t;
	int failed;
	int nl, sp;               /* a line break / space is due before more text */
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
	if (!b->failed && tagar_buf_append(&b->t, s, n))
		b->failed = 1;
}

/* Appends text with runs of white space collapsed to one space. */
static void sb_text(sbuf *b, const char *s)
{
	for (const char *p = s; *p;) {
		size_t ws = strspn(p, " \t\r\n\f\v");
		if (ws) {
			b->sp = 1;
			p += ws;
			continue;
		}
		size_t k = strcspn(p, " \t\r\n\f\v");
		if (b->t.len && b->nl)
			sb_put(b, "\n", 1);
		else if (b->t.len && b->sp)
			sb_put(b, " ", 1);
		b->nl = b->sp = 0;
		sb_put(b, p, k);
		p += k;
	}
}

static int is(const xmlNode *n, const char *name)
{
	/* element names against ASCII names: strcasecmp is xmlStrcasecmp here */
	return n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0;
}

/* Marks (in _private, the application's field) a <form> that holds the
 * page's content rather than being a form: see mark_content_forms. */
static char CONTENT_FORM;

static int skipped(const xmlNode *n)
{
	if (n->_private == &CONTENT_FORM)
		return 0;
	static const char *const drop[] = {"script", "style", "nav", "header", "footer", "aside", "form",
					   "noscript", "iframe", "template", "svg", "button", "select",
					   "textarea", "head", NULL};
	for (int i = 0; drop[i]; i++)
		if (is(n, drop[i]))
			return 1;
	return 0;
}

static int is_block(const xmlNode *n)
{
	static const char *const blocks[] = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
					     "h6", "blockquote", "section", "article", "main", "tr", "table",
					     "figure", "figcaption", "pre", "hr", "dd", "dt", NULL};
	for (int i = 0; blocks[i]; i++)
		if (is(n, blocks[i]))
			return 1;
	return 0;
}

/* The text under n, skipping what is not the story (and `except`, the
 * headline when it is taken apart). */
static void collect(sbuf *b, const xmlNode *n, const xmlNode *except)
{
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c == except || skipped(c))
			continue;
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content)
				sb_text(b, (const char *)c->content);
		} else if (c->type == XML_ELEMENT_NODE) {
			int block = is_block(c);
			b->nl |= block;
			collect(b, c, except);
			b->nl |= block;
		}
	}
}

/* What a subtree holds, for mark_content_forms. */
enum { HAS_STORY = 1, HAS_PARAGRAPH = 2 };
#define LONG_PARAGRAPH 100   /* bytes of text: a paragraph of a story, not a form's label */

static size_t raw_text_len(const xmlNode *n)
{
	size_t len = 0;
	for (const xmlNode *c = n->children; c; c = c->next)
		len += c->type == XML_TEXT_NODE && c->content ? strlen((const char *)c->content) : raw_text_len(c);
	return len;
}

/* Marks every <form> holding an <article>, a <main> or a long paragraph
 * as content; returns what n's subtree holds.  One walk of the tree. */
static int mark_content_forms(xmlNode *n)
{
	int has = 0;
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		int sub = is(c, "p") ? (raw_text_len(c) >= LONG_PARAGRAPH ? HAS_PARAGRAPH : 0) : mark_content_forms(c);
		if (is(c, "article") || is(c, "main"))
			sub |= HAS_STORY;
		if (is(c, "form") && sub)
			c->_private = &CONTENT_FORM;
		has |= sub;
	}
	return has;
}

/* The length of the text collect() would give, less a separator here and
 * there: non-blank bytes plus one per word. */
static size_t words_len(const char *s)
{
	size_t len = 0;
	while (*s) {
		s += strspn(s, " \t\r\n\f\v");
		size_t k = strcspn(s, " \t\r\n\f\v");
		len += k ? k + 1 : 0;
		s += k;
	}
	return len;
}

/* The <article> with the most text under n, in one walk (measuring each
 * article apart cost a walk per nesting level: quadratic); returns the
 * text length of n's subtree.  A tie goes to the outer, then the earlier
 * article. */
static size_t largest_article(const xmlNode *n, const xmlNode **best, size_t *bestlen)
{
	size_t total = 0;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (skipped(c))
			continue;
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			total += c->content ? words_len((const char *)c->content) : 0;
		} else if (c->type == XML_ELEMENT_NODE) {
			const xmlNode *before = *best;
			size_t sub = largest_article(c, best, bestlen);
			if (is(c, "article") && (!*best || sub > *bestlen || (*best != before && sub == *bestlen))) {
				*best = c;
				*bestlen = sub;
			}
			total += sub;
		}
	}
	return total;
}

/* The first element named `name` in document order, not inside skipped
 * elements. */
static const xmlNode *find(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || skipped(c))
			continue;
		if (is(c, name))
			return c;
		const xmlNode *f = find(c, name);
		if (f)
			return f;
	}
	return NULL;
}

static char *node_text(const xmlNode *n)
{
	sbuf b = {0};
	collect(&b, n, NULL);
	if (!b.t.p && !b.failed)
		sb_put(&b, "", 0);
	return b.failed ? (free(b.t.p), NULL) : b.t.p;
}

/* The first <h1>, also inside a <header> (where sites put the headline),
 * not inside scripts, navigation, asides or footers. */
static const xmlNode *headline(const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || (skipped(c) && !is(c, "header")))
			continue;
		if (is(c, "h1"))
			return c;
		const xmlNode *f = headline(c);
		if (f)
			return f;
	}
	return NULL;
}

/* og:title, or <title>: the headline when the page has no <h1>. */
static char *meta_title(const tagar_xml *X, xmlNode *root)
{
	const xmlNode *head = NULL;
	for (const xmlNode *c = root->children; c && !head; c = c->next)
		head = is(c, "head") ? c : NULL;
	for (const xmlNode *c = head ? head->children : NULL; c; c = c->next) {
		if (!is(c, "meta"))
			continue;
		xmlChar *prop = X->xmlGetProp(c, (const xmlChar *)"property");
		int og = prop && X->xmlStrcmp(prop, (const xmlChar *)"og:title") == 0;
		X->xmlFree(prop);
		xmlChar *content = og ? X->xmlGetProp(c, (const xmlChar *)"content") : NULL;
		if (content) {
			sbuf b = {0};
			sb_text(&b, (const char *)content);
			X->xmlFree(content);
			if (b.t.p)
				return b.t.p;
		}
	}
	for (const xmlNode *c = head ? head->children : NULL; c; c = c->next)
		if (is(c, "title"))
			return node_text(c);
	return NULL;
}

static const int HTML_OPTIONS = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;

static htmlDocPtr parse(const tagar_xml *X, const char *html, size_t n)
{
	if (n > INT32_MAX)
		return NULL;
	/* the text is UTF-8 (repaired by the caller); no network access */
	return X->htmlReadMemory(html, (int)n, NULL, "UTF-8", HTML_OPTIONS);
}

/* A whole page: as parse(), but a page nested deeper than libxml2 goes
 * (256 elements; past that it stops reading and keeps what came before)
 * fails, rather than lose the rest of the page in silence.  Raising the
 * limit (HTML_PARSE_HUGE) would lift it altogether, and the walks here
 * recurse once per level. */
static htmlDocPtr parse_page(const tagar_xml *X, const char *html, size_t n, tagar_err *err)
{
	htmlParserCtxtPtr ctx = n > INT32_MAX ? NULL : X->htmlNewParserCtxt();
	if (!ctx) {
		tagar_fail(err, n > INT32_MAX ? TAGAR_EFORMAT : TAGAR_ENOMEM, n > INT32_MAX ? "page too large" : "out of memory");
		return NULL;
	}
	htmlDocPtr doc = X->htmlCtxtReadMemory(ctx, html, (int)n, NULL, "UTF-8", HTML_OPTIONS);
	const xmlError *e = X->xmlCtxtGetLastError(ctx);
	if (doc && e && e->message && strstr(e->message, "Excessive depth")) {
		tagar_fail(err, TAGAR_EFORMAT, "HTML nested more than 256 elements deep (line %d): the page "
			   "cannot be read whole", e->line);
		X->xmlFreeDoc(doc);
		doc = NULL;
	} else if (!doc || !X->xmlDocGetRootElement(doc)) {
		tagar_fail(err, TAGAR_EFORMAT, "not an HTML document");
		if (doc)
			X->xmlFreeDoc(doc);
		doc = NULL;
	}
	X->htmlFreeParserCtxt(ctx);
	return doc;
}

static int article(const tagar_xml *X, const char *html, size_t n, char **title, char **text, tagar_err *err)
{
	htmlDocPtr doc = parse_page(X, html, n, err);
	if (!doc)
		return err ? err->code : TAGAR_EFORMAT;
	xmlNode *root = X->xmlDocGetRootElement(doc);
	size_t len = 0;
	const xmlNode *story = NULL;
	mark_content_forms(root);
	largest_article(root, &story, &len);
	if (!story)
		story = find(root, "main");
	if (!story)
		story = find(root, "body");
	if (!story)
		story = root;
	/* the headline: inside the story, else the page's first <h1> (sites put
	 * it in the page header, which is otherwise skipped) */
	const xmlNode *h1 = headline(story);
	if (!h1)
		h1 = headline(root);
	*title = h1 ? node_text(h1) : meta_title(X, root);
	sbuf b = {0};
	collect(&b, story, h1);
	sb_put(&b, "", 0);
	*text = b.t.p;
	X->xmlFreeDoc(doc);
	if (b.failed || !*text) {
		free(*title);
		free(*text);
		*title = *text = NULL;
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	}
	if (!*title && !(*title = strdup(""))) {
		free(*text);
		*text = NULL;
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	}
	return 0;
}

int tagar_html_article(const char *html, size_t n, char **title, char **text, tagar_err *err)
{
	tagar_xml x;
	*title = *text = NULL;
	if (tagar_xml_open(&x, err))
		return TAGAR_EIO;
	int rc = article(&x, html, n, title, text, err);
	tagar_xml_close(&x);
	return rc;
}

char *tagar_html_text_x(const tagar_xml *X, const char *html, size_t n)
{
	if (!memchr(html, '<', n) && !memchr(html, '&', n)) {  /* plain text: nothing to strip */
		char *s = malloc(n + 1);
		if (s) {
			memcpy(s, html, n);
			s[n] = 0;
		}
		return s;
	}
	htmlDocPtr doc = parse(X, html, n);
	xmlNode *root = doc ? X->xmlDocGetRootElement(doc) : NULL;
	char *s = root ? node_text(root) : strdup("");
	if (doc)
		X->xmlFreeDoc(doc);
	return s;
}

char *tagar_html_text(const char *html, size_t n)
{
	tagar_xml x;
	if (tagar_xml_open(&x, NULL))
		return NULL;
	char *s = tagar_html_text_x(&x, html, n);
	tagar_xml_close(&x);
	return s;
}
