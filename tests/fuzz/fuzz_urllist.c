/* fuzz_urllist.c - libFuzzer harness for the plain list of feed URLs
 * (tagar_urllist_each) and the feed date reader (tagar_feed_date, on each
 * line): every entry has a URL without white space or control characters
 * and valid UTF-8, or an error; lines are numbered in order. */
#include "tagar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int on_source(const tagar_source *s, void *ud)
{
	long *last = ud;
	if (!s->url == !s->error || s->line <= *last)
		abort();
	*last = s->line;
	if (s->url) {
		size_t n = strlen(s->url);
		if (!n || n > TAGAR_URL_MAX || tagar_utf8_invalid(s->url, n) >= 0)
			abort();
		for (const char *p = s->url; *p; p++)
			if ((unsigned char)*p <= ' ')
				abort();
		(void)tagar_feed_date(s->title);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long last = 0;
	tagar_urllist_each((const char *)data, size, on_source, &last);
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = 0;
		(void)tagar_feed_date(s);
		free(s);
	}
	return 0;
}
