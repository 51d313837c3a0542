/* fuzz_text.c - libFuzzer harness for normalisation and feature extraction
 * on arbitrary bytes, with unigram and bigram tokenizers, stemming and
 * stopwords on and off. */
#include "tagar.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	size_t n, bytes;
} tally;

static void on_feature(const char *f, size_t n, double w, void *ud)
{
	tally *t = ud;
	(void)w;
	/* read every byte of the feature: ASan checks the span */
	for (size_t i = 0; i < n; i++)
		t->bytes += (unsigned char)f[i];
	t->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static tagar_tokenizer *tk[4];
	static tagar_stopset *stop;
	if (!stop) {
		static const char extra[] = "kemenkeu\n# comment\n  pppk  \n";
		stop = tagar_stopset_new(TAGAR_STOP_ID | TAGAR_STOP_EN | TAGAR_STOP_FILE, extra, sizeof extra - 1);
		for (int i = 0; i < 4; i++) {
			tagar_text_opts o;
			tagar_text_opts_default(&o);
			o.ngram_max = i & 1 ? 2 : 1;
			o.stem = i & 2 ? TAGAR_STEM_INDONESIAN : TAGAR_STEM_NONE;
			o.drop_numbers = i & 1;
			tk[i] = tagar_tokenizer_new(&o, i == 3 ? NULL : stop);
			if (!tk[i])
				abort();
		}
	}
	/* an English stemmer on a fresh tokenizer, so no state carries over */
	tagar_text_opts o;
	tagar_text_opts_default(&o);
	o.ngram_max = 3;
	o.stem = TAGAR_STEM_ENGLISH;
	tagar_tokenizer *en = tagar_tokenizer_new(&o, stop);
	if (!en)
		abort();
	const char *s = (const char *)data;
	for (int i = 0; i < 5; i++) {
		tagar_tokenizer *t = i < 4 ? tk[i] : en;
		size_t len = 0;
		const char *norm = tagar_normalize(t, s, size, &len);
		if (norm && strlen(norm) != len)
			abort();  /* tokens never contain NUL */
		tally ta = {0, 0};
		if (tagar_features(t, s, size, 1.5, on_feature, &ta))
			abort();
	}
	tagar_tokenizer_free(&en);
	return 0;
}
