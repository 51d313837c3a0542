/* fuzz_text.c - libFuzzer harness for normalisation and feature extraction
 * on arbitrary bytes, with unigram and bigram tokenizers, stemming,
 * stopwords and the lead view on and off; and differential for the word-at-a-time lane
 * (unigrams, no stopwords, a callback), which must cut every text as the
 * general loop behind tagar_normalize() does. */
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

typedef struct {
	char *buf;
	size_t len, cap;
} joined;

static void join_token(const char *f, size_t n, double w, void *ud)
{
	joined *j = ud;
	(void)w;
	if (j->len + n + 1 > j->cap)
		abort();  /* longer than the general loop's output: they differ */
	if (j->len)
		j->buf[j->len++] = ' ';
	memcpy(j->buf + j->len, f, n);
	j->len += n;
}

/* A lead view's tokenizer: its lead features into lead, the others into
 * words; the lane takes the text again after the lead. */
typedef struct {
	joined words, lead;
} split;

static void split_token(const char *f, size_t n, double w, void *ud)
{
	split *sp = ud;
	if (n && f[0] == TAGAR_LEAD_MARK)
		join_token(f + 1, n - 1, w, &sp->lead);
	else
		join_token(f, n, w, &sp->words);
}

static void check_fast_lane(const char *s, size_t size)
{
	static tagar_tokenizer *fast, *slow, *lead;
	if (!fast) {
		tagar_text_opts o;
		tagar_text_opts_default(&o);
		o.stem = TAGAR_STEM_NONE;
		o.lead_view = 0;  /* the lane is for plain unigrams; a lead view leaves it */
		fast = tagar_tokenizer_new(&o, NULL);
		slow = tagar_tokenizer_new(&o, NULL);
		o.lead_view = 1;
		o.lead_tokens = 3;
		lead = tagar_tokenizer_new(&o, NULL);
		if (!fast || !slow || !lead)
			abort();
	}
	size_t len;
	const char *norm = tagar_normalize(slow, s, size, &len);
	if (!norm)
		abort();
	joined j = {malloc(len + 2), 0, len + 2};
	if (!j.buf || tagar_features(fast, s, size, 1, join_token, &j) || j.len != len ||
	    memcmp(j.buf, norm, len) != 0)
		abort();
	/* with a lead view: the same words, and the lead's are the first three */
	split sp = {{malloc(len + 2), 0, len + 2}, {malloc(len + 2), 0, len + 2}};
	if (!sp.words.buf || !sp.lead.buf || tagar_features(lead, s, size, 1, split_token, &sp) ||
	    sp.words.len != len || memcmp(sp.words.buf, norm, len) != 0 ||
	    memcmp(sp.lead.buf, norm, sp.lead.len) != 0 || (sp.lead.len < len && norm[sp.lead.len] != ' '))
		abort();
	size_t spaces = 0;
	for (size_t i = 0; i < sp.lead.len; i++)
		spaces += sp.lead.buf[i] == ' ';
	if (spaces > 2)
		abort();
	free(sp.words.buf);
	free(sp.lead.buf);
	free(j.buf);
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
			o.lead_view = i & 2 ? 0.5 : 0;  /* lead features, in a short lead */
			o.lead_tokens = 7;
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
	check_fast_lane(s, size);
	return 0;
}
