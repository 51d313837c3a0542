/* fuzz_feed.c - libFuzzer harness for the RSS/Atom reader and writer: the
 * input is parsed as a feed; when it parses, every item's strings are read,
 * categories are added to each item (twice for the first, as re-tagging
 * does) and the feed is written back, to /dev/null.  It is also read with
 * the streaming reader (tagar_feed_each): whenever the tree reader accepts
 * the feed, the items the streaming reader hands out must be the tree's,
 * in order, and all of them when it succeeds too.  (It may fail where the
 * tree reader does not, on things past the root; tagar-classify then falls
 * back to the tree when no item was handed out.) */
#include "tagar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const tagar_feed *tree;   /* NULL: the tree reader refused the input */
	int seen;
} stream_check;

static int same(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

static int on_item(const tagar_feed_item *it, void *ud)
{
	stream_check *sc = ud;
	size_t total = strlen(it->title) + strlen(it->text) + strlen(it->link) + strlen(it->guid) + strlen(it->date);
	(void)total;
	if (sc->tree) {
		const tagar_feed_item *t = sc->seen < tagar_feed_count(sc->tree) ? tagar_feed_item_at(sc->tree, sc->seen) : NULL;
		if (!t || !same(t->id, it->id) || !same(t->title, it->title) || !same(t->text, it->text) ||
		    !same(t->link, it->link) || !same(t->guid, it->guid) || !same(t->date, it->date) || t->line != it->line) {
			fprintf(stderr, "fuzz_feed: item %d differs between the tree and the streaming reader\n", sc->seen);
			abort();
		}
	}
	sc->seen++;
	return 0;
}

static void check_stream(const uint8_t *data, size_t size, const tagar_feed *tree)
{
	stream_check sc = {tree, 0};
	tagar_err err = {0, ""};
	int count, rc = tagar_feed_each((const char *)data, size, "fuzz.xml", on_item, &sc, &count, &err);
	if (count != sc.seen || (tree && rc == 0 && count != tagar_feed_count(tree))) {
		fprintf(stderr, "fuzz_feed: streaming read %d items (rc %d: %s), the tree %d\n", count, rc, err.msg,
			tree ? tagar_feed_count(tree) : -1);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		return 0;
	tagar_err err = {0, ""};
	tagar_feed *f = tagar_feed_parse((const char *)data, size, "fuzz.xml", &err);
	check_stream(data, size, f);
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
