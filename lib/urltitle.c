/* urltitle.c - the headline in an article's address.
 *
 * Many news sites write the headline into the article's URL ("slug"):
 * .../2018/02/21/123456/gubernur-resmikan-mal-pelayanan-publik.  Of the
 * government-news corpus, 1,223 of 1,868 articles come without a title but
 * with such a URL; the guideline tags what is "in the headline or lead",
 * and cross-validation found the slug worth reading as the title (README,
 * "Tag quality, fourth round"). */
#include "tagar.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MIN_WORDS 3       /* fewer is a section name ("berita", "nasional") */
#define LONG_NUMBER 5     /* a number of 5+ digits is an article id, no word */
#define TRAILING_ID 8     /* a last word of 8+ letters and digits, a digit among them */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int is_separator(char c)
{
	return c == '-' || c == '_' || c == '.' || c == '+' || c == ' ';
}

/* The path of url: after "scheme://host", before '?' or '#'. */
static void url_path(const char *url, size_t len, size_t *from, size_t *to)
{
	size_t i = 0, end = 0;
	while (end < len && url[end] != '?' && url[end] != '#')
		end++;
	const char *scheme = memchr(url, ':', end);
	if (scheme && (size_t)(scheme - url) + 3 <= end && scheme[1] == '/' && scheme[2] == '/') {
		i = (size_t)(scheme - url) + 3;
		while (i < end && url[i] != '/')
			i++;
	}
	*from = i;
	*to = end;
}

/* Segment s[0..n) percent-decoded into out (n + 1 bytes), its file
 * extension dropped; returns the decoded length. */
static size_t decode_segment(const char *s, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i], hi, lo;
		if (c == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
			c = hi * 16 + lo;
			i += 2;
		}
		out[k++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;  /* a title holds no control bytes */
	}
	static const char *const ext[] = {".html", ".htm", ".php", ".aspx", ".asp"};
	for (size_t e = 0; e < sizeof ext / sizeof *ext; e++) {
		size_t l = strlen(ext[e]);
		if (k > l && strncasecmp(out + k - l, ext[e], l) == 0) {
			k -= l;
			break;
		}
	}
	out[k] = 0;
	return k;
}

static int count_words(const char *s, size_t n)
{
	int words = 0;
	for (size_t i = 0; i < n; i++)
		words += !is_separator(s[i]) && (i == 0 || is_separator(s[i - 1]));
	return words;
}

static int is_id_word(const char *w, size_t n, int last)
{
	size_t digits = 0, alnum = 0;
	for (size_t i = 0; i < n; i++) {
		digits += w[i] >= '0' && w[i] <= '9';
		alnum += (w[i] >= '0' && w[i] <= '9') || (w[i] >= 'a' && w[i] <= 'z');
	}
	if (digits == n && n >= LONG_NUMBER)
		return 1;
	return last && n >= TRAILING_ID && alnum == n && digits > 0;
}

/* The words of s[0..n), joined by single spaces into out, without ids. */
static size_t join_words(const char *s, size_t n, char *out)
{
	size_t k = 0, i = 0;
	while (i < n) {
		while (i < n && is_separator(s[i]))
			i++;
		size_t w = i;
		while (i < n && !is_separator(s[i]))
			i++;
		if (i == w)
			break;
		size_t j = i;
		while (j < n && is_separator(s[j]))
			j++;
		if (is_id_word(s + w, i - w, j == n))
			continue;
		if (k)
			out[k++] = ' ';
		memcpy(out + k, s + w, i - w);
		k += i - w;
	}
	out[k] = 0;
	return k;
}

char *tagar_url_title(const char *url, size_t len)
{
	size_t from, to;
	url_path(url, len, &from, &to);
	char *seg = malloc(to - from + 1), *best = malloc(to - from + 1);
	size_t best_len = 0;
	int best_words = MIN_WORDS - 1;
	for (size_t i = from; seg && best && i < to;) {
		size_t j = i;
		while (j < to && url[j] != '/')
			j++;
		size_t n = decode_segment(url + i, j - i, seg);
		int words = count_words(seg, n);
		if (words > best_words) {
			memcpy(best, seg, n + 1);
			best_len = n;
			best_words = words;
		}
		i = j + 1;
	}
	char *title = NULL;
	if (seg && best && best_words >= MIN_WORDS && (title = malloc(best_len + 1)) && !join_words(best, best_len, title)) {
		free(title);
		title = NULL;
	}
	free(seg);
	free(best);
	return title;
}
