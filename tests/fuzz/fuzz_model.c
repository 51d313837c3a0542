/* fuzz_model.c - libFuzzer harness for the model loader and the code that
 * reads a loaded model (classifier, vocabulary lookup, term table, the tag
 * vocabulary and its hits).
 *
 * The checksum over the body would make almost every mutation fail there,
 * so the first byte selects a mode: even, the input is loaded as it is;
 * odd, the first byte is set back to 'T', the header's file size (bytes
 * 16..23) and XXH3-64 checksum (bytes 32..39, over [64, size)) are
 * recomputed, and the fuzzer reaches the section table and metadata checks
 * behind them.  Seeds named *-fixsum.tgm start with 'U' (odd). */
#include "tagar.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void exercise(const tagar_model *m)
{
	static const char title[] = "Pemerintah Buka Formasi PPPK";
	static const char text[] = "Kementerian PAN-RB menetapkan 250.000 formasi \xe2\x80\x9cPPPK\xe2\x80\x9d "
				   "masing-masing instansi; dana desa 2,5 persen cair.";
	int ntags = tagar_model_ntags(m);
	long nterms = tagar_model_nterms(m);
	for (int t = 0; t < ntags; t++) {
		(void)tagar_model_tag(m, t);
		(void)tagar_model_threshold(m, t);
	}
	(void)tagar_model_meta(m);
	size_t vlen;
	(void)tagar_model_vocabulary(m, &vlen);
	tagar_classifier *c = tagar_classifier_new(m, NULL);
	if (c) {
		const tagar_tag_score *s = tagar_classify(c, title, sizeof title - 1, text, sizeof text - 1);
		if (s && ntags > 0) {
			tagar_contrib out[4];
			(void)tagar_explain(c, s[0].tag, out, 4);
			tagar_lexhit hits[4];  /* the tag vocabulary's hits, when the model has one */
			(void)tagar_explain_vocab(c, s[0].tag, hits, 4);
		}
		(void)tagar_classify(c, "", 0, "", 0);
		tagar_classifier_free(&c);
	}
	long ids[] = {-1, 0, 1, nterms / 2, nterms - 1, nterms, nterms + 1};
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		size_t len;
		const char *term = tagar_model_term(m, ids[i], &len);
		if (len) {
			long id = tagar_model_lookup(m, term, len);
			(void)id;
		}
	}
	(void)tagar_model_lookup(m, "pppk", 4);
	(void)tagar_model_lookup(m, "", 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *fixed = NULL;
	const void *p = data;
	if (size > 0 && (data[0] & 1)) {
		if (!(fixed = malloc(size)))
			return 0;
		memcpy(fixed, data, size);
		fixed[0] = 'T';
		if (size >= 64) {
			put_le(fixed + 16, size, 8);
			put_le(fixed + 32, XXH3_64bits(fixed + 64, size - 64), 8);
		}
		p = fixed;
	}
	tagar_err err = {0, ""};
	tagar_model *m = tagar_model_from_bytes(p, size, &err);
	free(fixed);  /* the model keeps its own copy */
	if (m) {
		exercise(m);
		tagar_model_free(&m);
	}
	return 0;
}
