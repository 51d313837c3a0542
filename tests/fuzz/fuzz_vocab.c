/* fuzz_vocab.c - libFuzzer harness for the tag vocabulary: the file parser
 * (lib/tagvocab.c) and alias matching (lib/lexicon.c).  The input is a
 * vocabulary file (at most MAX_INPUT bytes).  Checks that what the parser
 * accepts writes back (as a model stores it) to text that parses to the
 * same vocabulary, and that matching it in a news text and in the input
 * itself counts every match once, in the zone it was found in.  The first
 * byte's low bit picks the English stemmer, so stemmed aliases are fuzzed
 * too. */
#include "lexicon.h"
#include "vocab_roundtrip.h"

#define MAX_INPUT 65536

static void match(const tagar_lexicon *lx, const tagar_text_opts *o, int ntags, const char *text, size_t n)
{
	tagar_tokenizer *tk = tagar_lexicon_tokenizer(o, NULL);
	tagar_lex_state s;
	if (!tk || tagar_lex_state_init(&s, lx, 7)) {
		tagar_tokenizer_free(&tk);
		return;
	}
	for (int round = 0; round < 2; round++) {  /* a second article reuses the state */
		if (tagar_lex_article(&s, tk, text, n < 40 ? n : 40, text, n) == 0) {
			size_t total = 0;
			for (int i = 0; i < s.ntouched; i++)
				for (int z = 0; z < TAGAR_ZONES; z++)
					total += tagar_lex_count(&s, s.touched[i], z);
			if (total != s.nmatch)
				abort();
			for (int t = 0; t < ntags; t++) {
				tagar_lex_params p;
				tagar_lex_params_default(&p);
				if (tagar_lex_score(&s, &p, t) < 0)
					abort();
			}
		}
	}
	tagar_lex_state_free(&s);
	tagar_tokenizer_free(&tk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char news[] = "JAKARTA - Sekretaris Jenderal (Sekjen) Kementerian Dalam Negeri (Kemendagri) "
				   "membuka Latsar CPNS; PNS diminta responsif. Interest rates rose.";
	if (size > MAX_INPUT)
		return 0;
	tagar_tagvocab *v = NULL;
	tagar_err err = {0, ""};
	if (tagar_tagvocab_parse((const char *)data, size, "fuzz", &v, &err))
		return 0;
	check_roundtrip(v);
	const char **tags = malloc(((size_t)v->n + 1) * sizeof *tags);
	for (int i = 0; tags && i < v->n; i++)
		tags[i] = v->e[i].tag;
	tagar_text_opts o;
	tagar_text_opts_default(&o);
	o.stem = size && (data[0] & 1) ? TAGAR_STEM_ENGLISH : TAGAR_STEM_NONE;
	tagar_lexicon *lx = tags ? tagar_lexicon_new(v, &o, NULL, tags, v->n, &err) : NULL;
	if (lx) {
		match(lx, &o, v->n, news, sizeof news - 1);
		match(lx, &o, v->n, (const char *)data, size);
		tagar_lexicon_free(&lx);
	}
	free(tags);
	tagar_tagvocab_free(&v);
	return 0;
}
