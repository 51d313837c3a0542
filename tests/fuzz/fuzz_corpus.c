/* fuzz_corpus.c - libFuzzer harness for tagar_corpus_read: the input is
 * written to a temporary file and read back as a corpus, in each format.
 * Every tag of every record read must be a tag name (tagar_tag_check):
 * the reader refuses the lines with others. */
#include "tagar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check_tag_names(const tagar_corpus *c)
{
	char why[128];
	for (int d = 0; d < c->n; d++)
		for (int i = 0; i < c->rec[d].ntags; i++)
			if (tagar_tag_check(c->rec[d].tags[i], strlen(c->rec[d].tags[i]), why, sizeof why))
				abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/tagar-fuzz-corpus.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	FILE *f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		unlink(path);
		return 0;
	}
	fwrite(data, 1, size, f);
	fclose(f);
	FILE *devnull = fopen("/dev/null", "w");
	for (int fmt = TAGAR_FMT_AUTO; fmt <= TAGAR_FMT_FASTTEXT; fmt++) {
		tagar_corpus c = {0};
		tagar_err err = {0, ""};
		int nbad = 0;
		if (tagar_corpus_read(&c, path, (tagar_format)fmt, devnull, &nbad, &err) == 0 && c.n > 0) {
			check_tag_names(&c);
			(void)tagar_auto_stemmer(&c);
		}
		tagar_corpus_free(&c);
	}
	if (devnull)
		fclose(devnull);
	unlink(path);
	return 0;
}
