/* fuzz_clean.c - libFuzzer harness for the boilerplate cleaner.  The input
 * up to its first NUL byte is the pattern list (at most MAX_PATTERNS bytes,
 * so compiling stays quick), the rest the text to clean (a fixed news text
 * when there is none).  Checks that the list the cleaner keeps (and a model
 * stores) reads back as the same list, and that the literal-prefix test in
 * front of each unanchored pattern changes no result (TAGAR_NO_PREFILTER
 * turns it off). */
#include "tagar.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PATTERNS 512
#define MAX_TEXT 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char news[] = "Baca juga: Presiden resmikan bendungan\nADVERTISEMENT\r\n"
				   "Kementerian Keuangan mencairkan dana desa tahap II.\n"
				   "SCROLL TO CONTINUE WITH CONTENT\n(\xe2\x80\x9c" "foto: antara\xe2\x80\x9d)\n";
	const char *p = (const char *)data, *nul = memchr(p, 0, size);
	size_t plen = nul ? (size_t)(nul - p) : size;
	if (plen > MAX_PATTERNS)
		return 0;
	const char *text = nul ? nul + 1 : news;
	size_t tlen = nul ? size - plen - 1 : sizeof news - 1;
	if (tlen > MAX_TEXT)
		return 0;
	tagar_err err = {0, ""};
	tagar_cleaner *c = tagar_cleaner_new(p, plen, &err);
	if (!c)
		return 0;
	size_t olen;
	const char *out = tagar_clean(c, text, tlen, &olen);
	if (out && out[olen] != 0)
		abort();
	size_t klen;
	const char *kept = tagar_cleaner_patterns(c, &klen);
	tagar_cleaner *again = tagar_cleaner_new(kept, klen, &err);
	size_t alen;
	const char *akept = again ? tagar_cleaner_patterns(again, &alen) : NULL;
	if (!again || tagar_cleaner_count(again) != tagar_cleaner_count(c) || alen != klen ||
	    memcmp(akept, kept, klen) != 0)
		abort();  /* a model's stored list would not load as it was */
	if (tagar_clean(again, text, tlen, &olen) && !out)
		abort();
	tagar_cleaner_free(&again);
	setenv("TAGAR_NO_PREFILTER", "1", 1);
	tagar_cleaner *plain = tagar_cleaner_new(p, plen, &err);
	unsetenv("TAGAR_NO_PREFILTER");
	size_t plain_len;
	const char *plain_out = plain ? tagar_clean(plain, text, tlen, &plain_len) : NULL;
	out = tagar_clean(c, text, tlen, &olen);
	if (!plain || !out != !plain_out || (out && (olen != plain_len || memcmp(out, plain_out, olen) != 0)))
		abort();
	tagar_cleaner_free(&plain);
	tagar_cleaner_free(&c);
	return 0;
}
