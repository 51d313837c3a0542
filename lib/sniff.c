/* sniff.c - what a whole document is: its format from its first bytes,
 * and its encoding when it is UTF-16 or UTF-32 (converted with iconv).
 * All reads are bounded by the length given: no NUL terminator needed. */
#define _GNU_SOURCE  /* memmem */
#include "internal.h"
#include "tagar.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int starts(const char *s, const char *end, const char *prefix)
{
	size_t k = strlen(prefix);
	return (size_t)(end - s) >= k && strncasecmp(s, prefix, k) == 0;
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++;
	return s;
}

/* The end of the prolog item at s (the XML declaration or another
 * processing instruction, a comment, a DOCTYPE with or without an
 * internal subset), or NULL when s starts none. */
static const char *prolog_item_end(const char *s, const char *end)
{
	const char *close = NULL;
	if (starts(s, end, "<?"))
		close = memmem(s, (size_t)(end - s), "?>", 2);
	else if (starts(s, end, "<!--"))
		close = memmem(s, (size_t)(end - s), "-->", 3);
	else if (starts(s, end, "<!DOCTYPE")) {
		const char *gt = memchr(s, '>', (size_t)(end - s)), *sub = memchr(s, '[', (size_t)(end - s));
		if (sub && gt && sub < gt)  /* an internal subset: up to "]" and the '>' after it */
			gt = (sub = memchr(sub, ']', (size_t)(end - sub))) ? memchr(sub, '>', (size_t)(end - sub)) : NULL;
		return gt ? gt + 1 : NULL;
	}
	return close ? close + (*close == '?' ? 2 : 3) : NULL;
}

/* The local name of the root element of the markup at s (past the prolog:
 * XML declaration, comments, processing instructions, a DOCTYPE), whatever
 * its prefix (<a:feed xmlns:a="...Atom">, <rdf:RDF>); *n its length.  NULL
 * when s holds no element after the prolog. */
static const char *root_name(const char *s, const char *end, size_t *n)
{
	for (const char *next; s < end; s = next) {
		s = skip_blanks(s, end);
		if (!(next = prolog_item_end(s, end)))
			break;
	}
	if (!starts(s, end, "<"))
		return NULL;
	const char *name = ++s;
	while (s < end && *s && (strchr("_-.:", *s) || (*s >= '0' && *s <= '9') || ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z')))
		s++;  /* ASCII names: the feeds' roots are ASCII */
	const char *colon = memchr(name, ':', (size_t)(s - name)), *local = colon ? colon + 1 : name;
	*n = (size_t)(s - local);
	return local;
}

static int named(const char *local, size_t n, const char *name)
{
	return local && n == strlen(name) && strncasecmp(local, name, n) == 0;
}

/* A feed's root element is told by its local name: rss, feed or RDF.
 * Anything else starting with '<' is HTML. */
static int sniff_markup(const char *s, const char *end)
{
	size_t n = 0;
	const char *local = root_name(s, end, &n);
	if (named(local, n, "rss") || named(local, n, "feed") || named(local, n, "rdf"))
		return TAGAR_DOC_FEED;
	return TAGAR_DOC_HTML;
}

static const char *skip_bom(const char *s, const char *end)
{
	return end - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? s + 3 : s;
}

int tagar_is_opml(const char *buf, size_t len)
{
	const char *end = buf + len, *s = skip_blanks(skip_bom(buf, end), end);
	size_t n = 0;
	const char *local = root_name(s, end, &n);  /* before n is read */
	return named(local, n, "opml");
}

tagar_doc_format tagar_sniff(const char *buf, size_t len)
{
	const char *end = buf + len, *s = skip_blanks(skip_bom(buf, end), end);
	if (s < end && *s == '{')
		return TAGAR_DOC_JSONL;
	if (starts(s, end, "__label__"))
		return TAGAR_DOC_FASTTEXT;
	if (s < end && *s == '<')
		return sniff_markup(s, end);
	return TAGAR_DOC_TEXT;
}

/* The encoding of a document in UTF-16 or UTF-32, from its byte order
 * mark (*bom its length) or, without one, from where its NUL bytes fall:
 * text in UTF-16 has one in every other byte, in UTF-32 three in four
 * (news text is mostly ASCII).  NULL for anything else. */
const char *tagar_wide_encoding(const char *s, size_t n, size_t *bom)
{
	static const struct { const char *mark, *name; size_t len; } marks[] = {
		{"\xFF\xFE\0\0", "UTF-32LE", 4}, {"\0\0\xFE\xFF", "UTF-32BE", 4},
		{"\xFF\xFE", "UTF-16LE", 2}, {"\xFE\xFF", "UTF-16BE", 2}};
	for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
		if (n >= marks[i].len && memcmp(s, marks[i].mark, marks[i].len) == 0) {
			*bom = marks[i].len;
			return marks[i].name;
		}
	*bom = 0;
	size_t m = (n < 4096 ? n : 4096) & ~(size_t)3, zero[4] = {0, 0, 0, 0}, q = m / 4;
	for (size_t i = 0; i < m; i++)
		zero[i % 4] += s[i] == 0;
	if (q < 2)
		return NULL;
	int z[4];  /* which positions of four are (nearly) always NUL, which (nearly) never */
	for (int k = 0; k < 4; k++)
		z[k] = zero[k] * 10 >= q * 9 ? 1 : zero[k] * 10 <= q ? 0 : -1;
	if (!z[0] && z[1] == 1 && z[2] == 1 && z[3] == 1)
		return "UTF-32LE";
	if (z[0] == 1 && z[1] == 1 && z[2] == 1 && !z[3])
		return "UTF-32BE";
	if (!z[0] && z[1] == 1 && !z[2] && z[3] == 1)
		return "UTF-16LE";
	if (z[0] == 1 && !z[1] && z[2] == 1 && !z[3])
		return "UTF-16BE";
	return NULL;
}

char *tagar_wide_to_utf8(const char *s, size_t n, size_t *outlen, tagar_err *err)
{
	size_t bom;
	const char *enc = tagar_wide_encoding(s, n, &bom);
	iconv_t cd = enc ? iconv_open("UTF-8", enc) : (iconv_t)-1;
	char *out = cd == (iconv_t)-1 ? NULL : malloc(2 * n + 1);  /* UTF-8 is at most 1.5 times UTF-16 */
	char *in = (char *)s + bom, *o = out;  /* iconv's prototype: it does not write the input */
	size_t left = n - bom, room = 2 * n;
	if (!enc)
		tagar_fail(err, TAGAR_EFORMAT, "not UTF-16 or UTF-32");
	else if (cd == (iconv_t)-1)
		tagar_fail(err, TAGAR_EIO, "cannot convert from %s: %s", enc, strerror(errno));
	else if (!out)
		tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	else if (iconv(cd, &in, &left, &o, &room) == (size_t)-1) {
		tagar_fail(err, TAGAR_EFORMAT, "%s: %s at byte %zu", enc,
			   errno == EINVAL ? "the text ends inside a character" : "invalid character", (size_t)(in - s) + 1);
		free(out);
		out = NULL;
	}
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	if (out) {
		*o = 0;
		*outlen = (size_t)(o - out);
	}
	return out;
}

/* A declaration naming another encoding: libxml2 converts; no repair. */
int tagar_xml_other_encoding(const char *s, size_t n)
{
	const char *end = memchr(s, '>', n < 200 ? n : 200), *e;
	if (n < 5 || memcmp(s, "<?xml", 5) != 0 || !end)
		return 0;
	for (e = s; e + 9 < end && strncmp(e, "encoding=", 9) != 0; e++)
		;
	return e + 9 < end && strncasecmp(e + 10, "utf-8", 5) != 0 && strncasecmp(e + 10, "utf8", 4) != 0;
}
