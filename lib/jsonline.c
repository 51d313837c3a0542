/* jsonline.c - the JSONL fast path (see jsonline.h).
 *
 * Everything accepted here is accepted by cJSON 1.7.15 too, and read the
 * same way; whatever might differ is declined ("punted") to the cJSON path:
 *  - whitespace: JSON's four bytes only (cJSON skips every byte <= 32);
 *  - strings: raw bytes are copied as they are, as cJSON does for control
 *    bytes and invalid UTF-8; a NUL, raw or \u0000, is punted, since cJSON
 *    hands out a C string cut short there;
 *  - \uXXXX: four hex digits (cJSON reads bad digits as U+0000: punted),
 *    surrogates only as a high-low pair (cJSON rejects the rest), encoded
 *    to UTF-8 as utf16_literal_to_utf8 does;
 *  - keys with an escape are punted, as cJSON would match "t\u0069tle";
 *  - numbers: the strict JSON grammar, at most 63 bytes (upstream 1.7.15
 *    passes at most 63 bytes to strtod and then fails, Debian's patched
 *    build reads any length);
 *  - duplicate keys: the first wins, as cJSON_GetObjectItemCaseSensitive
 *    finds the first member with that name; later ones are only checked;
 *  - after the closing brace only ' ', '\t' and '\r' (what record.c allows);
 *  - every field check of record.c (types, empty tags, too many tags, a
 *    missing "tags", no title or text) is punted, so its messages stay the
 *    cJSON path's.
 */
#include "jsonline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { JL_OK = 0, JL_PUNT = 1, JL_NOMEM = TAGAR_ENOMEM };
enum { F_ID, F_TITLE, F_TEXT, F_TAGS, F_OTHER };

typedef struct {
	const char *p, *end;
	tagar_record *r;
	unsigned seen;   /* bit per F_ field met: later duplicates are only checked */
	int tagcap;      /* room in r->tags */
} jl_cursor;

/* Bytes that stop the scan of a string's contents. */
static const unsigned char stop_byte[256] = { [0] = 1, ['"'] = 1, ['\\'] = 1 };

static int peek(const jl_cursor *c)
{
	return c->p < c->end ? (unsigned char)*c->p : -1;
}

static int expect(jl_cursor *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}

static void skip_ws(jl_cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
		c->p++;
}

/* The first '"', '\\' or NUL at or after p, or end.  Article texts are
 * long and mostly plain, so many bytes are tested at a time: sixteen with
 * SSE2 (every x86-64 has it), else eight in a 64-bit word. */
#if defined(__SSE2__) && !defined(TAGAR_NO_SIMD)
#include <emmintrin.h>

static const char *find_stop(const char *p, const char *end)
{
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i zero = _mm_setzero_si128();
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
							_mm_cmpeq_epi8(v, bslash)),
					   _mm_cmpeq_epi8(v, zero));
		unsigned m = (unsigned)_mm_movemask_epi8(hit);
		if (m)
			return p + __builtin_ctz(m);
		p += 16;
	}
	while (p < end && !stop_byte[(unsigned char)*p])
		p++;
	return p;
}
#else
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Nonzero when one of the eight bytes of v is zero. */
static uint64_t zero_byte(uint64_t v)
{
	return (v - ONES) & ~v & HIGHS;
}

static const char *find_stop(const char *p, const char *end)
{
	while (end - p >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		if (zero_byte(v) | zero_byte(v ^ (ONES * '"')) | zero_byte(v ^ (ONES * '\\')))
			break;
		p += 8;
	}
	while (p < end && !stop_byte[(unsigned char)*p])
		p++;
	return p;
}
#endif

/* The string at c->p (JL_PUNT if c->p is not at an opening quote): sets
 * *s, *n to the raw contents and *esc when they hold a backslash, and moves
 * c->p past the closing quote. */
static int scan_string(jl_cursor *c, const char **s, size_t *n, int *esc)
{
	if (peek(c) != '"')
		return JL_PUNT;
	const char *p = c->p + 1;
	*esc = 0;
	for (;;) {
		p = find_stop(p, c->end);
		if (p == c->end || *p == 0)
			return JL_PUNT;
		if (*p == '"')
			break;
		if (c->end - p < 2)
			return JL_PUNT;
		*esc = 1;
		p += 2;  /* an escaped byte never ends the string, as in cJSON */
	}
	*s = c->p + 1;
	*n = (size_t)(p - *s);
	c->p = p + 1;
	return JL_OK;
}

static int hex4(const char *s, unsigned *v)
{
	unsigned h = 0;
	for (int i = 0; i < 4; i++) {
		unsigned ch = (unsigned char)s[i], lc = ch | 0x20;
		if (ch >= '0' && ch <= '9')
			h = h << 4 | (ch - '0');
		else if (lc >= 'a' && lc <= 'f')
			h = h << 4 | (lc - 'a' + 10);
		else
			return 0;
	}
	*v = h;
	return 1;
}

static int utf8_put(unsigned cp, unsigned char *o)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* \uXXXX (or a surrogate pair) at *ps into o; returns its UTF-8 length and
 * moves *ps past it, or returns 0 to punt. */
static int unescape_u(const char **ps, const char *end, unsigned char *o)
{
	const char *s = *ps;
	unsigned cp, lo;
	if (end - s < 6 || !hex4(s + 2, &cp) || cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
		return 0;
	s += 6;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (end - s < 6 || s[0] != '\\' || s[1] != 'u' || !hex4(s + 2, &lo) ||
		    lo < 0xDC00 || lo > 0xDFFF)
			return 0;
		cp = 0x10000 + ((cp & 0x3FF) << 10 | (lo & 0x3FF));
		s += 6;
	}
	*ps = s;
	return utf8_put(cp, o);
}

/* The escape at *ps (a backslash; scan_string left a byte after it) into
 * o; returns the bytes written and moves *ps past it, or returns 0. */
static int unescape(const char **ps, const char *end, unsigned char *o)
{
	const char *s = *ps;
	switch (s[1]) {
	case '"': case '\\': case '/': o[0] = (unsigned char)s[1]; break;
	case 'b': o[0] = '\b'; break;
	case 'f': o[0] = '\f'; break;
	case 'n': o[0] = '\n'; break;
	case 'r': o[0] = '\r'; break;
	case 't': o[0] = '\t'; break;
	case 'u': return unescape_u(ps, end, o);
	default: return 0;
	}
	*ps = s + 2;
	return 1;
}

/* Decodes the raw contents s[0..n) into out (room for n + 1: no escape is
 * shorter than what it stands for), or only checks them when out is NULL.
 * Returns the decoded length, or -1 to punt. */
static long decode(const char *s, size_t n, char *out)
{
	const char *end = s + n;
	size_t len = 0;
	for (;;) {
		/* inside the contents only a backslash stops find_stop: quotes
		 * are escaped and a NUL made scan_string punt */
		const char *b = find_stop(s, end);
		size_t k = (size_t)(b - s);
		if (out)
			memcpy(out + len, s, k);
		len += k;
		if (b == end)
			break;
		if (*b != '\\')
			return -1;  /* cannot happen; a cheap guard all the same */
		unsigned char u[4];
		int m = unescape(&b, end, u);
		if (!m)
			return -1;
		if (out)
			memcpy(out + len, u, (size_t)m);
		len += (size_t)m;
		s = b;
	}
	if (out)
		out[len] = 0;
	return (long)len;
}

/* A string value at c->p, malloc'ed into *dst (*dlen its length). */
static int take_string(jl_cursor *c, char **dst, size_t *dlen)
{
	const char *s;
	size_t n;
	int esc;
	if (scan_string(c, &s, &n, &esc))
		return JL_PUNT;
	char *d = malloc(n + 1);
	if (!d)
		return JL_NOMEM;
	long m = (long)n;
	if (!esc) {
		memcpy(d, s, n);
		d[n] = 0;
	} else if ((m = decode(s, n, d)) < 0) {
		free(d);
		return JL_PUNT;
	}
	*dst = d;
	*dlen = (size_t)m;
	return JL_OK;
}

static int skip_string(jl_cursor *c)
{
	const char *s;
	size_t n;
	int esc;
	if (scan_string(c, &s, &n, &esc))
		return JL_PUNT;
	return esc && decode(s, n, NULL) < 0 ? JL_PUNT : JL_OK;
}

static int is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static void skip_digits(jl_cursor *c)
{
	while (is_digit(peek(c)))
		c->p++;
}

/* The strict JSON number grammar: what cJSON copies to strtod stops where
 * this does, so strtod takes all of it. */
static int skip_number(jl_cursor *c)
{
	const char *start = c->p;
	expect(c, '-');
	if (!expect(c, '0')) {
		if (!is_digit(peek(c)))
			return JL_PUNT;
		skip_digits(c);
	}
	if (expect(c, '.')) {
		if (!is_digit(peek(c)))
			return JL_PUNT;
		skip_digits(c);
	}
	if (expect(c, 'e') || expect(c, 'E')) {
		if (!expect(c, '+'))
			expect(c, '-');
		if (!is_digit(peek(c)))
			return JL_PUNT;
		skip_digits(c);
	}
	return c->p - start <= 63 ? JL_OK : JL_PUNT;
}

static int literal(jl_cursor *c, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return JL_PUNT;
	c->p += n;
	return JL_OK;
}

/* open elem, elem, ... close: an array's elements or an object's members,
 * each read by elem(). */
static int walk(jl_cursor *c, char open, char close, int (*elem)(jl_cursor *))
{
	if (!expect(c, open))
		return JL_PUNT;
	skip_ws(c);
	if (expect(c, close))
		return JL_OK;
	for (;;) {
		int rc = elem(c);
		if (rc)
			return rc;
		skip_ws(c);
		if (expect(c, close))
			return JL_OK;
		if (!expect(c, ','))
			return JL_PUNT;
		skip_ws(c);
	}
}

static int skip_value(jl_cursor *c)
{
	switch (peek(c)) {
	case '"': return skip_string(c);
	case '[': return walk(c, '[', ']', skip_string);
	case 't': return literal(c, "true");
	case 'f': return literal(c, "false");
	case 'n': return literal(c, "null");
	default: return skip_number(c);
	}
}

static int take_tag(jl_cursor *c)
{
	tagar_record *r = c->r;
	char *t;
	size_t n;
	int rc = take_string(c, &t, &n);
	if (rc)
		return rc;
	if (n == 0 || r->ntags == TAGAR_RECORD_MAX_TAGS) {
		free(t);
		return JL_PUNT;  /* the cJSON path reports an empty tag, or too many */
	}
	if (r->ntags == c->tagcap) {
		int cap = c->tagcap ? c->tagcap * 2 : 4;
		char **nt = realloc(r->tags, (size_t)cap * sizeof *nt);
		if (!nt) {
			free(t);
			return JL_NOMEM;
		}
		r->tags = nt;
		c->tagcap = cap;
	}
	r->tags[r->ntags++] = t;
	return JL_OK;
}

/* "id", "title" or "text": a string, or null for none. */
static int take_field(jl_cursor *c, char **dst)
{
	size_t n;
	if (peek(c) == 'n')
		return literal(c, "null");
	return take_string(c, dst, &n);
}

static int field_of(const char *k, size_t n)
{
	static const char *const name[] = {"id", "title", "text", "tags"};
	for (int f = F_ID; f < F_OTHER; f++)
		if (strlen(name[f]) == n && memcmp(name[f], k, n) == 0)
			return f;
	return F_OTHER;
}

static int parse_member(jl_cursor *c)
{
	const char *k;
	size_t n;
	int esc;
	if (scan_string(c, &k, &n, &esc) || esc)
		return JL_PUNT;
	skip_ws(c);
	if (!expect(c, ':'))
		return JL_PUNT;
	skip_ws(c);
	int f = field_of(k, n);
	if (f == F_OTHER || (c->seen & 1u << f))
		return skip_value(c);
	c->seen |= 1u << f;
	switch (f) {
	case F_ID: return take_field(c, &c->r->id);
	case F_TITLE: return take_field(c, &c->r->title);
	case F_TEXT: return take_field(c, &c->r->text);
	default: return walk(c, '[', ']', take_tag);
	}
}

static int parse_object(jl_cursor *c)
{
	skip_ws(c);
	return walk(c, '{', '}', parse_member);
}

/* The checks record.c makes after the tree is built; "" for a missing or
 * null title or text. */
static int finish(jl_cursor *c, int need_tags)
{
	tagar_record *r = c->r;
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r'))
		c->p++;
	if (c->p != c->end || (need_tags && !(c->seen & 1u << F_TAGS)))
		return JL_PUNT;
	if ((!r->title || !r->title[0]) && (!r->text || !r->text[0]))
		return JL_PUNT;
	if ((!r->title && !(r->title = calloc(1, 1))) || (!r->text && !(r->text = calloc(1, 1))))
		return JL_NOMEM;
	return tagar_tags_dedupe(r->tags, &r->ntags) ? JL_NOMEM : JL_OK;  /* as record.c keeps them */
}

int tagar_jsonline_parse(const char *line, size_t len, int need_tags, tagar_record *r)
{
	memset(r, 0, sizeof *r);
	if (!line || !len)
		return 0;
	jl_cursor c = {line, line + len, r, 0, 0};
	int rc = parse_object(&c);
	if (!rc)
		rc = finish(&c, need_tags);
	if (!rc)
		return 1;
	tagar_record_clear(r);
	return rc == JL_PUNT ? 0 : TAGAR_ENOMEM;
}

/* ------------------------------------------------ a member's raw text */

/* cJSON skips every byte up to ' ' as white space. */
static const char *skip_cjson_ws(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p <= ' ')
		p++;
	return p;
}

/* Past the string whose opening quote is at p, or NULL. */
static const char *skip_raw_string(const char *p, const char *end)
{
	for (p++; p < end && *p != '"'; p++)
		if (*p == '\\')
			p++;
	return p < end ? p + 1 : NULL;
}

/* Past the value at p of a line cJSON has accepted, or NULL. */
static const char *skip_raw_value(const char *p, const char *end)
{
	if (p < end && *p == '"')
		return skip_raw_string(p, end);
	if (p < end && *p != '{' && *p != '[') {  /* a number or a literal */
		while (p < end && (unsigned char)*p > ' ' && !strchr(",]}", *p))
			p++;
		return p;
	}
	long depth = 0;
	while (p < end) {
		if (*p == '"') {
			if (!(p = skip_raw_string(p, end)))
				return NULL;
			continue;
		}
		depth += (*p == '{' || *p == '[') - (*p == '}' || *p == ']');
		p++;
		if (depth == 0)
			return p;
	}
	return NULL;
}

int tagar_jsonline_member(const char *line, size_t len, const char *key, const char **v, size_t *vn)
{
	const char *p = skip_cjson_ws(line, line + len), *end = line + len;
	size_t klen = strlen(key);
	if (p == end || *p++ != '{')
		return 0;
	for (;;) {
		p = skip_cjson_ws(p, end);
		const char *k = p, *kend = p < end && *p == '"' ? skip_raw_string(p, end) : NULL;
		if (!kend)
			return 0;
		char name[64];  /* the key decoded, when it is short enough to be `key` */
		long nlen = kend - k - 2 < (long)sizeof name ? decode(k + 1, (size_t)(kend - k - 2), name) : -1;
		p = skip_cjson_ws(kend, end);
		if (p == end || *p++ != ':')
			return 0;
		p = skip_cjson_ws(p, end);
		const char *val = p;
		if (!(p = skip_raw_value(p, end)))
			return 0;
		if (nlen == (long)klen && memcmp(name, key, klen) == 0) {  /* the first wins, as in cJSON */
			*v = val;
			*vn = (size_t)(p - val);
			return 1;
		}
		p = skip_cjson_ws(p, end);
		if (p == end || *p++ != ',')
			return 0;
	}
}
