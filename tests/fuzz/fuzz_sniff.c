/* fuzz_sniff.c - libFuzzer harness for what tells whole documents apart:
 * the format sniffer (prolog, DOCTYPE, prefixed root elements) and the
 * UTF-16/32 detector and converter.  A converted document must be valid
 * UTF-8 of the length reported. */
#include "tagar.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	tagar_doc_format f = tagar_sniff(s, size);
	if (f > TAGAR_DOC_HTML)
		abort();
	size_t bom, len;
	tagar_err err = {0, ""};
	const char *enc = tagar_wide_encoding(s, size, &bom);
	char *u = tagar_wide_to_utf8(s, size, &len, &err);
	if (u && (!enc || strlen(u) > len || tagar_utf8_invalid(u, len) >= 0))
		abort();
	if (u)
		(void)tagar_sniff(u, len);
	free(u);
	return 0;
}
