/* fuzz_jsonline.c - differential libFuzzer harness for the JSONL fast path
 * (lib/jsonline.c) against the cJSON path it stands in for.  Whenever the
 * fast path takes a line, the cJSON path must accept it too and give the
 * same record, field by field; when it declines, its record must be zeroed.
 * Any difference aborts.  The input is one line, not NUL-terminated. */
#include "tagar.h"
#include "jsonline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mismatch(const char *what, int need)
{
	fprintf(stderr, "fuzz_jsonline: fast path and cJSON differ in %s (need_tags %d)\n", what, need);
	abort();
}

static int same_str(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

static void compare(const tagar_record *f, const tagar_record *c, int need)
{
	if (!same_str(f->id, c->id))
		mismatch("id", need);
	if (f->id_is_number != c->id_is_number)
		mismatch("id_is_number", need);
	if (!f->title || !same_str(f->title, c->title))
		mismatch("title", need);
	if (!f->text || !same_str(f->text, c->text))
		mismatch("text", need);
	if (f->ntags != c->ntags)
		mismatch("ntags", need);
	for (int i = 0; i < f->ntags; i++)
		if (!same_str(f->tags[i], c->tags[i]))
			mismatch("tags", need);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const tagar_record zero;
	const char *line = (const char *)data;
	for (int need = 0; need < 2; need++) {
		tagar_record f, c;
		tagar_err err = {0, ""};
		int rc = tagar_jsonline_parse(line, size, need, &f);
		if (rc <= 0) {
			if (memcmp(&f, &zero, sizeof f) != 0)
				mismatch("the record left after declining", need);
			continue;
		}
		if (tagar_record_parse_json_cjson(line, size, need, &c, &err) != 0) {
			fprintf(stderr, "cJSON path: %s\n", err.msg);
			mismatch("acceptance", need);
		}
		compare(&f, &c, need);
		tagar_record_clear(&f);
		tagar_record_clear(&c);
	}
	return 0;
}
