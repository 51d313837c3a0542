/* fuzz_record.c - libFuzzer harness for the JSONL, fastText and TSV record
 * parsers (a JSONL record's title may come from its "url") and for the
 * headline in an address.  The input is one line, not NUL-terminated. */
#include "tagar.h"

#include <stdlib.h>
#include <string.h>

static void check(const tagar_record *r)
{
	/* touch every string a successful parse hands out */
	size_t n = strlen(r->title) + strlen(r->text) + (r->id ? strlen(r->id) : 0);
	for (int i = 0; i < r->ntags; i++)
		n += strlen(r->tags[i]);
	(void)n;
	/* at most the limit of tags, each once */
	if (r->ntags > TAGAR_RECORD_MAX_TAGS)
		abort();
	for (int i = 0; i < r->ntags; i++)
		for (int j = 0; j < i; j++)
			if (strcmp(r->tags[i], r->tags[j]) == 0)
				abort();
	/* a numeric id is written back unquoted: it must be a JSON integer */
	if (r->id_is_number) {
		const char *p = r->id + (r->id[0] == '-');
		if (!*p || (p[0] == '0' && p[1]) || strspn(p, "0123456789") != strlen(p))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	tagar_record r;
	tagar_err err = {0, ""};
	for (int need = 0; need < 2; need++) {
		if (tagar_record_parse_json(line, size, need, &r, &err) == 0) {
			check(&r);
			tagar_record_clear(&r);
		}
	}
	if (tagar_record_parse_fasttext(line, size, &r, &err) == 0) {
		check(&r);
		tagar_record_clear(&r);
	}
	if (tagar_record_parse_tsv(line, size, &r, &err) == 0) {
		check(&r);
		tagar_record_clear(&r);
	}
	/* the line as an address: a title from it holds no control byte */
	char *title = tagar_url_title(line, size);
	for (size_t i = 0; title && title[i]; i++)
		if ((unsigned char)title[i] < 0x20 || title[i] == 0x7f)
			abort();
	free(title);
	return 0;
}
