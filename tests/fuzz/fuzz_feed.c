/* fuzz_feed.c - libFuzzer harness for the RSS/Atom reader and writer: the
 * input is parsed as a feed; when it parses, every item's strings are read,
 * categories are added to each item (twice for the first, as re-tagging
 * does) and the feed is written back, to /dev/null. */
#include "tagar.h"

#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		return 0;
	tagar_err err = {0, ""};
	tagar_feed *f = tagar_feed_parse((const char *)data, size, "fuzz.xml", &err);
	if (!f)
		return 0;
	size_t total = 0;
	int n = tagar_feed_count(f);
	for (int i = 0; i < n; i++) {
		const tagar_feed_item *it = tagar_feed_item_at(f, i);
		/* read every string the item hands out: ASan checks them */
		total += strlen(it->title) + strlen(it->text) + strlen(it->link) + strlen(it->guid) + strlen(it->date);
		if (it->id)
			total += strlen(it->id);
		(void)tagar_feed_add_category(f, i, "ekonomi");
		(void)tagar_feed_add_category(f, i, "hukum & <politik>");
	}
	if (n > 0)  /* a second run over an item replaces nothing new, adds more */
		(void)tagar_feed_add_category(f, 0, "pendidikan");
	(void)tagar_feed_is_atom(f);
	(void)total;
	(void)tagar_feed_write(f, devnull, &err);
	tagar_feed_free(&f);
	return 0;
}
