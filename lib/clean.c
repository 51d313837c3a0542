/* clean.c - boilerplate removal (PCRE2) and UTF-8 repair (utf8proc).
 *
 * News pages carry text that is not the story: "ADVERTISEMENT", "Baca
 * juga: <another story>", share and comment widgets, credits.  Their words
 * would count as the article's, so they are cut before tokenising, with
 * the same patterns at training and at classification time (the model
 * stores them).  Patterns anchored at a line start (^) are joined into one
 * alternation, which PCRE2 tries only at line starts; every other pattern
 * is a regex of its own, which PCRE2's JIT finds with a vector search for
 * its first letter.  An alternation of those would be tried at every byte
 * that can start any of them: one alternation of all patterns made tagging
 * five times slower.  A text no pattern matches is not copied. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "internal.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAX_LITERAL 24

typedef struct {
	pcre2_code *re;           /* NULL when the group is empty */
	pcre2_match_data *md;
	char lit[MAX_LITERAL];    /* a prefix every match starts with (see literal_prefix) */
	size_t litlen;            /* its length, 0 when none is known ... */
	size_t litlen_ks;         /* ... and up to its first k or s */
	size_t pair[2][2];        /* the two rarest positions of each (see rare_pair) */
	tagar_buf alt;            /* the line alternation being built (group 0) */
	int n;
} group;

#define MAX_GROUPS 64         /* the line alternation, then one per pattern */

struct tagar_cleaner {
	group g[MAX_GROUPS];
	int ngroups;
	tagar_buf patterns;       /* canonical list: one pattern a line */
	int npat;
	tagar_buf step[2];        /* after the line patterns; tagar_clean's result */
	size_t interpreted;       /* bytes cleaned before the patterns were JIT-compiled */
	int jit;                  /* 1: compiled; -1: never (TAGAR_NO_JIT) */
};

/* PCRE2's JIT runs these patterns about 14 times faster than its
 * interpreter, but compiling them costs about as much as interpreting 64 KB
 * (some 30 articles): a single article is cleaned without it. */
#define JIT_AFTER (64 << 10)

/* Caseless, ^ and $ at line ends, \r\n is a line end; invalid UTF-8 in the
 * subject is never a match, not an error. */
static const uint32_t OPTIONS = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_MULTILINE | PCRE2_CASELESS;
/* An empty match is no match: a pattern that can match nothing (x*, \s*)
 * would put a space between every two characters, and as each unanchored
 * pattern works on what the ones before left, double the text each time. */
static const uint32_t MATCH_OPTIONS = PCRE2_NOTEMPTY;

static pcre2_code *compile(const char *p, size_t n, int *errcode, size_t *erroff)
{
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	if (!cc)
		return NULL;
	pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)p, n, OPTIONS, errcode, erroff, cc);
	pcre2_compile_context_free(cc);
	return re;
}

/* Compiles one pattern alone, so an error names its line. */
static pcre2_code *compile_pattern(const char *p, size_t n, long line, tagar_err *err)
{
	int ec;
	size_t off;
	pcre2_code *re = compile(p, n, &ec, &off);
	if (re)
		return re;
	PCRE2_UCHAR msg[256];
	if (pcre2_get_error_message(ec, msg, sizeof msg) < 0)
		strcpy((char *)msg, "invalid pattern");
	tagar_fail(err, TAGAR_EFORMAT, "line %ld, column %zu: %s", line, off + 1, (const char *)msg);
	return NULL;
}


/* Whether p has a '|' outside every group: then no prefix is required. */
static int top_level_alternation(const char *p, size_t n)
{
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\') {
			if (i + 1 < n && p[i + 1] == 'Q')
				return 1;  /* \Q...\E: not worth following */
			i++;
		} else if (p[i] == '[') {  /* a class: up to its closing ']' */
			size_t j = i + 1 + (i + 1 < n && p[i + 1] == '^');
			for (j += j < n && p[j] == ']'; j < n && p[j] != ']'; j++)
				j += p[j] == '\\';
			i = j;
		} else if (p[i] == '(') {
			depth++;
		} else if (p[i] == ')') {
			depth--;
		} else if (p[i] == '|' && depth == 0) {
			return 1;
		}
	}
	return 0;
}

/* The literal text every match of an unanchored pattern starts with,
 * lower-cased: after an optional \b, the run of ASCII letters, digits and
 * spaces the pattern begins with, without a last character that a
 * quantifier makes optional.  PCRE2 tries a match at every occurrence of
 * the first letter, which for common letters costs more than looking for
 * the whole prefix first; a text without the prefix cannot match.
 * Caselessly, k and s also match the Kelvin sign and the long s (no other
 * ASCII letter, digit or space has a partner outside ASCII in PCRE2), so
 * *before_ks is how much of the prefix an ASCII test may use on a text that
 * holds either of those. */
static size_t literal_prefix(const char *p, size_t n, char *lit, size_t *before_ks)
{
	size_t i = n >= 2 && p[0] == '\\' && p[1] == 'b' ? 2 : 0, k = 0;
	*before_ks = 0;
	if (top_level_alternation(p, n))
		return 0;
	for (*before_ks = SIZE_MAX; i < n && k < MAX_LITERAL; i++) {
		char c = p[i], lower = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		if (!((lower >= 'a' && lower <= 'z') || (c >= '0' && c <= '9') || c == ' '))
			break;
		if ((lower == 'k' || lower == 's') && *before_ks == SIZE_MAX)
			*before_ks = k;
		lit[k++] = lower;
	}
	if (k && i < n && k < MAX_LITERAL && (p[i] == '?' || p[i] == '*' || p[i] == '{'))
		k--;  /* the last character may be absent */
	if (*before_ks > k)
		*before_ks = k;
	if (*before_ks < 3)
		*before_ks = 0;
	return k >= 3 ? k : 0;
}

/* Two positions of lit[0..len) whose characters are rare in news text
 * (by a rough letter frequency), so that few places of a text have both. */
static void rare_pair(const char *lit, size_t len, size_t pair[2])
{
	static const char by_frequency[] = " aneiturkmsdlgpobhy0123456789cjwfvzxq";
	size_t rank[MAX_LITERAL];
	for (size_t j = 0; j < len; j++) {
		const char *f = strchr(by_frequency, lit[j]);
		rank[j] = f ? (size_t)(f - by_frequency) : 0;
	}
	pair[0] = 0;
	pair[1] = len > 1 ? 1 : 0;
	for (size_t j = 0; j < len; j++)
		if (rank[j] > rank[pair[0]])
			pair[0] = j;
	for (size_t j = 0; j < len; j++)
		if (j != pair[0] && (pair[1] == pair[0] || rank[j] > rank[pair[1]]))
			pair[1] = j;
}

static int has_bytes(const char *s, size_t n, const char *b, size_t k)
{
	for (const char *p = s, *end = s + n; (p = memchr(p, b[0], (size_t)(end - p))) != NULL; p++)
		if ((size_t)(end - p) >= k && memcmp(p, b, k) == 0)
			return 1;
	return 0;
}

static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* Whether p starts with lit (lower-case ASCII letters, digits, spaces) in
 * any ASCII case: OR 0x20 lower-cases exactly the ASCII letters' bytes. */
static int literal_at(const char *p, const char *lit, size_t len)
{
	for (size_t j = 0; j < len; j++)
		if ((is_lower(lit[j]) ? (p[j] | 0x20) : p[j]) != lit[j])
			return 0;
	return 1;
}

/* Whether s holds lit anywhere; with SSE2 the characters at the two
 * positions of pair are looked for at sixteen places at a time. */
static int has_literal(const char *s, size_t n, const char *lit, size_t len, const size_t pair[2])
{
	if (n < len)
		return 0;
	const char *p = s, *last = s + n - len;  /* the last place lit can start */
#ifdef __SSE2__
	char a = lit[pair[0]], b = lit[pair[1]];
	const __m128i ca = _mm_set1_epi8(a), cb = _mm_set1_epi8(b);
	const __m128i fa = _mm_set1_epi8(is_lower(a) ? 0x20 : 0), fb = _mm_set1_epi8(is_lower(b) ? 0x20 : 0);
	for (; last - p >= 16; p += 16) {  /* p[0..16 + len) lie inside s */
		__m128i va = _mm_loadu_si128((const __m128i *)(const void *)(p + pair[0]));
		__m128i vb = _mm_loadu_si128((const __m128i *)(const void *)(p + pair[1]));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(va, fa), ca),
									_mm_cmpeq_epi8(_mm_or_si128(vb, fb), cb)));
		for (; m; m &= m - 1)
			if (literal_at(p + __builtin_ctz(m), lit, len))
				return 1;
	}
#else
	(void)pair;
#endif
	for (; p <= last; p++)
		if (literal_at(p, lit, len))
			return 1;
	return 0;
}

/* One pattern, compiled alone first: that names the line of an error, and
 * checks a line pattern before it joins the alternation ("x)|(?:y" is no
 * pattern, yet "(?:x)|(?:y)" would compile).  A group of one pattern (every
 * pattern not anchored with ^, and the line group while it has one) keeps
 * that compilation as its code: the same matches as "(?:p)", compiled once. */
static int add_pattern(tagar_cleaner *c, const char *p, size_t n, long line, tagar_err *err)
{
	int anchored = p[0] == '^';
	if (!anchored && c->ngroups == MAX_GROUPS)
		return tagar_fail(err, TAGAR_EFORMAT, "line %ld: more than %d patterns not anchored with ^", line,
				  MAX_GROUPS - 1);
	pcre2_code *re = compile_pattern(p, n, line, err);
	if (!re)
		return TAGAR_EFORMAT;
	group *g = &c->g[anchored ? 0 : c->ngroups++];
	pcre2_code_free(g->re);  /* a second line pattern: the alternation is compiled at the end */
	g->re = g->n ? NULL : re;
	if (g->n)
		pcre2_code_free(re);
	/* the alternation gets "(?:p)" or "|(?:p)" */
	if (tagar_buf_append(&c->patterns, p, n) || tagar_buf_append(&c->patterns, "\n", 1) ||
	    (anchored && (tagar_buf_append(&g->alt, g->n ? "|(?:" : "(?:", g->n ? 4 : 3) ||
			  tagar_buf_append(&g->alt, p, n) || tagar_buf_append(&g->alt, ")", 1))))
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	if (!anchored)
		g->litlen = literal_prefix(p, n, g->lit, &g->litlen_ks);
	rare_pair(g->lit, g->litlen, g->pair[0]);
	rare_pair(g->lit, g->litlen_ks, g->pair[1]);
	c->npat++;
	g->n++;
	return 0;
}

/* Collects the patterns: blank lines and lines starting with '#' are
 * skipped, trailing white space (and \r) is not part of a pattern, nor is a
 * byte order mark at a line start (not only the first: the kept list, which
 * a model stores, must read back as the same patterns). */
static int collect(tagar_cleaner *c, const char *s, size_t len, tagar_err *err)
{
	long line = 0;
	for (size_t i = 0; i < len; line++) {
		size_t j = i;
		while (j < len && s[j] != '\n')
			j++;
		size_t a = i, b = j;
		while (b - a >= 3 && memcmp(s + a, "\xEF\xBB\xBF", 3) == 0)
			a += 3;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
			b--;
		i = j + 1;
		if (b == a || s[a] == '#')
			continue;
		int rc = add_pattern(c, s + a, b - a, line + 1, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int compile_group(group *g, tagar_err *err)
{
	int ec = 0;
	size_t off;
	if (!g->n)
		return 0;
	if (!g->re)  /* the line alternation of several patterns (the others are compiled) */
		g->re = compile(g->alt.p, g->alt.len, &ec, &off);
	g->md = g->re ? pcre2_match_data_create_from_pattern(g->re, NULL) : NULL;
	if (!g->md)
		return tagar_fail(err, TAGAR_EFORMAT, "the patterns cannot be combined (PCRE2 error %d)", ec);
	return 0;
}

tagar_cleaner *tagar_cleaner_new(const char *patterns, size_t len, tagar_err *err)
{
	tagar_cleaner *c = calloc(1, sizeof *c);
	if (!c) {
		tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		return NULL;
	}
	c->ngroups = 1;  /* g[0]: the line-anchored alternation */
	int rc = collect(c, patterns ? patterns : "", patterns ? len : 0, err);
	const char *off = getenv("TAGAR_NO_PREFILTER");  /* for the differential fuzzer */
	for (int i = 1; off && *off && strcmp(off, "0") != 0 && i < c->ngroups; i++)
		c->g[i].litlen = c->g[i].litlen_ks = 0;
	for (int i = 0; !rc && i < c->ngroups; i++)
		rc = compile_group(&c->g[i], err);
	if (rc)
		tagar_cleaner_free(&c);
	return c;
}

void tagar_cleaner_free(tagar_cleaner **cp)
{
	if (!cp || !*cp)
		return;
	tagar_cleaner *c = *cp;
	for (int i = 0; i < MAX_GROUPS; i++) {
		pcre2_match_data_free(c->g[i].md);
		pcre2_code_free(c->g[i].re);
		tagar_buf_free(&c->g[i].alt);
	}
	tagar_buf_free(&c->patterns);
	tagar_buf_free(&c->step[0]);
	tagar_buf_free(&c->step[1]);
	free(c);
	*cp = NULL;
}

const char *tagar_cleaner_patterns(const tagar_cleaner *c, size_t *len)
{
	*len = c->patterns.len;
	return c->patterns.p ? c->patterns.p : "";
}

int tagar_cleaner_count(const tagar_cleaner *c)
{
	return c->npat;
}

/* Replaces every match of g in s with one space, into *out.  A match error
 * (e.g. a backtracking limit) keeps the text as it is rather than lose the
 * article.  Returns -1 only when out of memory. */
static int substitute(group *g, const char *s, size_t n, tagar_buf *out)
{
	size_t need = n + 1;
	for (int pass = 0; g->re && pass < 2; pass++) {
		if (tagar_buf_grow(out, need))
			return -1;
		PCRE2_SIZE olen = out->cap;
		int rc = pcre2_substitute(g->re, (PCRE2_SPTR)s, n, 0,
					  MATCH_OPTIONS | PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH,
					  g->md, NULL, (PCRE2_SPTR) " ", 1, (PCRE2_UCHAR *)out->p, &olen);
		if (rc >= 0) {
			out->len = olen;
			return 0;
		}
		if (rc != PCRE2_ERROR_NOMEMORY)
			break;
		need = olen + 1;  /* the length the result needs */
	}
	out->len = 0;
	return tagar_buf_append(out, s, n) ? -1 : 0;
}

/* JIT is optional (the interpreter gives the same matches); TAGAR_NO_JIT
 * turns it off for memory checkers, which cannot follow JIT-generated code. */
static void jit_when_worth_it(tagar_cleaner *c, size_t n)
{
	if (c->jit || (c->interpreted += n) < JIT_AFTER)
		return;
	const char *nojit = getenv("TAGAR_NO_JIT");
	c->jit = nojit && *nojit && strcmp(nojit, "0") != 0 ? -1 : 1;
	for (int i = 0; c->jit > 0 && i < c->ngroups; i++)
		if (c->g[i].re)
			pcre2_jit_compile(c->g[i].re, PCRE2_JIT_COMPLETE);
}

/* Each match becomes one space, so the words on either side stay apart.
 * Line patterns go first, then the others in file order, each on what the
 * ones before left. */
const char *tagar_clean(tagar_cleaner *c, const char *s, size_t n, size_t *outlen)
{
	size_t len = n;
	int cur = -1;  /* which buffer holds the text; -1: still the input */
	int rc = 0;
	/* the Kelvin sign or the long s: see literal_prefix (cutting never
	 * adds either, so the input decides for every pattern) */
	int odd_ks = has_bytes(s, n, "\xE2\x84\xAA", 3) || has_bytes(s, n, "\xC5\xBF", 2);
	jit_when_worth_it(c, n);
	for (int i = 0; !rc && i < c->ngroups; i++) {
		group *g = &c->g[i];
		const char *in = cur < 0 ? s : c->step[cur].p;
		size_t lit = i == 0 ? 0 : odd_ks ? g->litlen_ks : g->litlen;
		if (!g->re || (lit && !has_literal(in, len, g->lit, lit, g->pair[odd_ks])) ||
		    pcre2_match(g->re, (PCRE2_SPTR)in, len, 0, MATCH_OPTIONS, g->md, NULL) < 0)
			continue;  /* no match (or a match error): nothing to cut */
		int to = cur == 0 ? 1 : 0;
		rc = substitute(g, in, len, &c->step[to]);
		len = c->step[to].len;
		cur = to;
	}
	if (!rc && cur < 0) {  /* nothing matched: hand back a copy */
		c->step[0].len = 0;
		rc = tagar_buf_append(&c->step[0], s, n);
		cur = 0;
	}
	*outlen = len;
	return rc ? NULL : c->step[cur].p;
}

/* ------------------------------------------------------------- UTF-8 */

long tagar_utf8_invalid(const char *s, size_t n)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	for (size_t i = 0; i < n;) {
		uint64_t w[4];
		if (i + 32 <= n && (memcpy(w, p + i, 32), !((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ULL))) {
			i += 32;  /* 32 ASCII bytes at once: most news text */
			continue;
		}
		if (i + 8 <= n && (memcpy(w, p + i, 8), !(w[0] & 0x8080808080808080ULL))) {
			i += 8;
			continue;
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (l < 1)
			return (long)i;
		i += (size_t)l;
	}
	return -1;
}

char *tagar_utf8_repair(const char *s, size_t n, size_t *outlen, long *nbad)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	char *out = malloc(3 * n + 1), *o = out;  /* a bad byte becomes 3 bytes at most */
	long bad = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = p[i] < 0x80 ? 1 : utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (l < 1) {
			memcpy(o, "\xEF\xBF\xBD", 3);  /* U+FFFD REPLACEMENT CHARACTER */
			o += 3;
			bad++;
			i++;
			continue;
		}
		memcpy(o, s + i, (size_t)l);
		o += l;
		i += (size_t)l;
	}
	*o = 0;
	*outlen = (size_t)(o - out);
	if (nbad)
		*nbad = bad;
	return out;
}

void tagar_nuls_to_spaces(char *s, size_t n)
{
	for (char *p = s; (p = memchr(p, 0, n - (size_t)(p - s))) != NULL; p++)
		*p = ' ';
}
