/* fuzz_html.c - libFuzzer harness for the HTML article extractor and the
 * fragment-to-text converter.  Their callers hand them UTF-8 (repaired), so
 * the input is repaired first, as tagar-classify does. */
#include "tagar.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	long nbad;
	char *s = tagar_utf8_repair((const char *)data, size, &len, &nbad);
	if (!s)
		return 0;
	char *title, *text;
	tagar_err err = {0, ""};
	if (tagar_html_article(s, len, &title, &text, &err) == 0) {
		/* both NUL-terminated, valid strings */
		size_t n = strlen(title) + strlen(text);
		(void)n;
		free(title);
		free(text);
	}
	char *t = tagar_html_text(s, len);
	if (t) {
		size_t n = strlen(t);
		(void)n;
		free(t);
	}
	free(s);
	return 0;
}
