/* fuzz_opml.c - libFuzzer harness for the OPML reader (tagar_opml_each) and
 * the OPML sniffer: every entry handed over has either a URL (non-empty,
 * without white space or control characters) or an error, and its strings
 * are read whole (ASan checks them). */
#include "tagar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int on_source(const tagar_source *s, void *ud)
{
	size_t *total = ud;
	if (!s->url == !s->error) {
		fprintf(stderr, "fuzz_opml: an entry with %s\n", s->url ? "a URL and an error" : "neither URL nor error");
		abort();
	}
	if (s->url) {
		for (const char *p = s->url; *p; p++)
			if ((unsigned char)*p <= ' ')
				abort();
		if (!*s->url)
			abort();
		*total += strlen(s->url);
	}
	*total += strlen(s->title) + strlen(s->category);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total = 0;
	tagar_err err = {0, ""};
	(void)tagar_is_opml((const char *)data, size);
	int rc = tagar_opml_each((const char *)data, size, "fuzz.opml", on_source, &total, &err);
	if (rc && !err.msg[0])
		abort();  /* a failure always says why */
	return 0;
}
