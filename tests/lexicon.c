/* lexicon.c - unit tests of the tag vocabulary: the file parser
 * (lib/tagvocab.c), alias matching (lib/lexicon.c) and the vocabulary in a
 * trained model.  The last line is "lexicon: N passed, N failed". */
#include "lexicon.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "check.h"

static tagar_tagvocab *parse(const char *s, tagar_err *e)
{
	tagar_tagvocab *v = NULL;
	e->code = 0;
	e->msg[0] = 0;
	tagar_tagvocab_parse(s, strlen(s), "v.txt", &v, e);
	return v;
}

static void test_parse(tally *t)
{
	tagar_err e;
	tagar_tagvocab *v = parse("\xEF\xBB\xBF# a comment\r\n\r\n[Kemendagri]\r\nlabel = Kementerian Dalam Negeri\r\n"
				  "definition =  The Ministry of Home Affairs.  \r\n  alias=Kemendagri\r\n"
				  "alias = Mendagri\n\n[ASN ]\nalias = PNS", &e);
	CHECK(t, v && v->n == 2, "two tags: %s", e.msg);
	if (v && v->n == 2) {
		const tagar_tv_entry *k = tagar_tagvocab_find(v, "Kemendagri"), *a = tagar_tagvocab_find(v, "ASN");
		CHECK(t, k && strcmp(k->label, "Kementerian Dalam Negeri") == 0, "label");
		CHECK(t, k && strcmp(k->definition, "The Ministry of Home Affairs.") == 0, "definition trimmed");
		CHECK(t, k && k->nalias == 2 && strcmp(k->alias[1], "Mendagri") == 0 && k->alias_line[1] == 7,
		      "aliases with their lines");
		CHECK(t, a && a->nalias == 1 && *a->label == 0 && a->line == 9, "tag name trimmed, label empty");
		size_t n;
		char *d = tagar_tagvocab_dump(v, &n);
		tagar_tagvocab *w = d ? parse(d, &e) : NULL;
		size_t n2;
		char *d2 = w ? tagar_tagvocab_dump(w, &n2) : NULL;
		CHECK(t, d2 && n == n2 && memcmp(d, d2, n) == 0, "dump parses back to the same vocabulary");
		free(d);
		free(d2);
		tagar_tagvocab_free(&w);
	}
	tagar_tagvocab_free(&v);
	v = parse("", &e);
	CHECK(t, v && v->n == 0, "empty file: empty vocabulary");
	tagar_tagvocab_free(&v);
}

static void test_parse_errors(tally *t)
{
	static const struct {
		const char *in, *want;
	} bad[] = {
		{"alias = x\n", "v.txt:1: \"alias\" before the first [TAG]"},
		{"[A]\nalias =\n", "v.txt:2: empty alias"},
		{"[A]\nalias = x\nalias = x\n", "v.txt:3: alias \"x\" of tag \"A\" listed twice (line 2)"},
		{"[A]\n[B]\n[A]\n", "v.txt:3: tag \"A\" defined twice (first at line 1)"},
		{"[A]\ncolour = red\n", "v.txt:2: unknown key \"colour\""},
		{"[A]\njust words\n", "v.txt:2: expected [TAG] or KEY = VALUE"},
		{"[A\n", "v.txt:1: a tag header is [TAG]"},
		{"[ ]\n", "v.txt:1: empty tag name"},
		{"[A]\nlabel = x\nlabel = y\n", "v.txt:3: label given twice"},
		{"[A]\nalias = \xC3\x28\n", "v.txt:2: alias is not valid UTF-8"},
		{"[A]\nalias = a\tb\n", "v.txt:2: alias holds a control character"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		tagar_err e;
		tagar_tagvocab *v = parse(bad[i].in, &e);
		CHECK(t, !v && e.code == TAGAR_EFORMAT && strstr(e.msg, bad[i].want), "'%s' -> '%s'", bad[i].in, e.msg);
		tagar_tagvocab_free(&v);
	}
	tagar_err e;
	char nul[] = "[A]\nalias = a\0b\n";
	tagar_tagvocab *v = NULL;
	CHECK(t, tagar_tagvocab_parse(nul, sizeof nul - 1, "v.txt", &v, &e) == TAGAR_EFORMAT &&
	      strstr(e.msg, "v.txt:2: NUL byte"), "NUL byte: %s", e.msg);
	/* limits */
	size_t cap = 64 * 1024;
	char *s = malloc(cap);
	if (!s)
		return;
	strcpy(s, "[A]\nalias = ");
	memset(s + strlen(s), 'x', TAGAR_TV_MAX_ALIAS_BYTES + 1);
	s[12 + TAGAR_TV_MAX_ALIAS_BYTES + 1] = 0;
	v = parse(s, &e);
	CHECK(t, !v && strstr(e.msg, "v.txt:2: alias longer than 200 bytes"), "long alias: %s", e.msg);
	size_t at = (size_t)sprintf(s, "[A]\n");
	for (int i = 0; i <= TAGAR_TV_MAX_ALIASES; i++)
		at += (size_t)sprintf(s + at, "alias = a%d\n", i);
	v = parse(s, &e);
	CHECK(t, !v && strstr(e.msg, "v.txt:258: tag \"A\" has more than 256 aliases"), "alias count: %s", e.msg);
	memset(s, 'y', TAGAR_TV_MAX_LINE + 1);
	s[TAGAR_TV_MAX_LINE + 1] = 0;
	v = parse(s, &e);
	CHECK(t, !v && strstr(e.msg, "v.txt:1: line longer than"), "long line: %s", e.msg);
	free(s);
}

/* ------------------------------------------------------------ matching */

static const char *const TAGS[] = {"Kemendagri", "ASN", "rate"};

static tagar_lexicon *compile(const char *vocab, int stem, tagar_err *e)
{
	tagar_tagvocab *v = parse(vocab, e);
	tagar_text_opts o;
	tagar_text_opts_default(&o);
	o.stem = stem;
	tagar_lexicon *lx = v ? tagar_lexicon_new(v, &o, NULL, TAGS, 3, e) : NULL;
	tagar_tagvocab_free(&v);
	return lx;
}

static const char VOCAB[] =
	"[Kemendagri]\nalias = Kementerian Dalam Negeri\nalias = Kemendagri\nalias = Dalam Negeri\n"
	"alias = e-KTP\n[ASN]\nalias = PNS\nalias = aparatur sipil negara\n[other]\nalias = negeri\n"
	"[rate]\nalias = Kementerian Lingkungan Hidup\nalias = Kementerian Lingkungan Hidup dan Kehutanan\n"
	"alias = kehutanan\n";

/* Hits of one article by tag and zone, as "tag:title/lead/rest". */
static void hits(tagar_lex_state *s, const tagar_lexicon *lx, int stem, const char *title, const char *text,
		 char *out, size_t n)
{
	tagar_text_opts o;
	tagar_text_opts_default(&o);
	o.stem = stem;
	tagar_tokenizer *tk = tagar_lexicon_tokenizer(&o, NULL);
	out[0] = 0;
	(void)lx;
	if (!tk || tagar_lex_article(s, tk, title, strlen(title), text, strlen(text))) {
		snprintf(out, n, "(failed)");
	} else {
		for (int t = 0; t < 3; t++) {
			size_t l = strlen(out);
			snprintf(out + l, n - l, "%s%u/%u/%u", t ? " " : "", tagar_lex_count(s, t, 0), tagar_lex_count(s, t, 1),
				 tagar_lex_count(s, t, 2));
		}
	}
	tagar_tokenizer_free(&tk);
}

#define HITS(t, s, lx, stem, title, text, want) do { \
	char got_[128]; \
	hits(s, lx, stem, title, text, got_, sizeof got_); \
	CHECK(t, strcmp(got_, want) == 0, "\"%s\" / \"%s\": %s, want %s", title, text, got_, want); \
} while (0)

/* A stemmed model with stopwords shows them unstemmed to the matcher, at
 * compile and at match time alike: "Bank of England" still matches. */
static void check_stopwords_unstemmed(tally *t)
{
	tagar_err e;
	tagar_tagvocab *v = parse("[rate]\nalias = Bank of England\nalias = was\n", &e);
	tagar_text_opts o;
	tagar_text_opts_default(&o);
	o.stem = TAGAR_STEM_ENGLISH;
	tagar_stopset *stop = tagar_stopset_new(TAGAR_STOP_EN, NULL, 0);
	tagar_lexicon *lx = v && stop ? tagar_lexicon_new(v, &o, stop, TAGS, 3, &e) : NULL;
	tagar_tokenizer *tk = tagar_lexicon_tokenizer(&o, stop);
	tagar_lex_state s;
	if (lx && tk && !tagar_lex_state_init(&s, lx, 50)) {
		const char txt[] = "The Bank of England said it was ready";
		CHECK(t, tagar_lex_article(&s, tk, "", 0, txt, sizeof txt - 1) == 0 && tagar_lex_count(&s, 2, 1) == 2,
		      "stopwords inside and as aliases match unstemmed (%u)", tagar_lex_count(&s, 2, 1));
		tagar_lex_state_free(&s);
	}
	CHECK(t, lx && tk, "stemmed lexicon with stopwords: %s", e.msg);
	tagar_tokenizer_free(&tk);
	tagar_lexicon_free(&lx);
	tagar_stopset_free(&stop);
	tagar_tagvocab_free(&v);
}

static void test_matching(tally *t)
{
	tagar_err e;
	tagar_lexicon *lx = compile(VOCAB, TAGAR_STEM_NONE, &e);
	CHECK(t, lx && tagar_lexicon_naliases(lx) == 9, "aliases of the model's tags only: %s", e.msg);
	tagar_lex_state s;
	if (!lx || tagar_lex_state_init(&s, lx, 5)) {
		tagar_lexicon_free(&lx);
		return;
	}
	/* the stopword "dalam" inside an alias; case and punctuation normalised */
	HITS(t, &s, lx, 0, "", "KEMENTERIAN   dalam Negeri, (Kemendagri)", "0/2/0 0/0/0 0/0/0");
	/* at one place a tag's longest alias counts, once: "Dalam Negeri" is inside it */
	HITS(t, &s, lx, 0, "", "kementerian dalam negeri", "0/1/0 0/0/0 0/0/0");
	HITS(t, &s, lx, 0, "", "urusan dalam negeri", "0/1/0 0/0/0 0/0/0");
	/* zones: title; the text's first 5 tokens (lead); the rest */
	HITS(t, &s, lx, 0, "PNS Kemendagri", "satu dua tiga empat PNS enam tujuh PNS", "1/0/0 1/1/1 0/0/0");
	/* no alias runs from the title into the text */
	HITS(t, &s, lx, 0, "Kementerian Dalam", "Negeri", "0/0/0 0/0/0 0/0/0");
	/* a partial alias is no match, a hyphenated one is one token */
	HITS(t, &s, lx, 0, "", "aparatur sipil; e-KTP", "0/1/0 0/0/0 0/0/0");
	HITS(t, &s, lx, 0, "", "Aparatur Sipil Negara dan aparatur sipil negara", "0/0/0 0/2/0 0/0/0");
	HITS(t, &s, lx, 0, "", "", "0/0/0 0/0/0 0/0/0");
	/* an alias of two or three capitals is an acronym: it matches where it
	 * is written in capitals only ("West Ham" is not HAM), in the title and
	 * the text alike, and as often as it is written so */
	HITS(t, &s, lx, 0, "Pns", "pns dan Pns", "0/0/0 0/0/0 0/0/0");
	HITS(t, &s, lx, 0, "PNS", "pns satu dua tiga empat PNS", "0/0/0 1/1/0 0/0/0");
	HITS(t, &s, lx, 0, "", "PNS-nya PNS2 (PNS) xPNS", "0/0/0 0/1/0 0/0/0");
	HITS(t, &s, lx, 0, "pns", "PNS", "0/0/0 0/1/0 0/0/0");
	/* longer and mixed-case aliases match in any case */
	HITS(t, &s, lx, 0, "", "KEMENDAGRI dan E-ktp", "0/2/0 0/0/0 0/0/0");
	/* a longer alias that ends later replaces the shorter one it starts with */
	HITS(t, &s, lx, 0, "", "Kementerian Lingkungan Hidup dan Kehutanan; kehutanan", "0/0/0 0/0/0 0/1/1");
	tagar_lex_state_free(&s);
	tagar_lexicon_free(&lx);
	/* stemmed models match aliases on their stems */
	lx = compile("[rate]\nalias = interest rates\n", TAGAR_STEM_ENGLISH, &e);
	if (lx && !tagar_lex_state_init(&s, lx, 50)) {
		HITS(t, &s, lx, TAGAR_STEM_ENGLISH, "", "the interest rate rose", "0/0/0 0/0/0 0/1/0");
		tagar_lex_state_free(&s);
	}
	CHECK(t, lx != NULL, "stemmed lexicon: %s", e.msg);
	tagar_lexicon_free(&lx);
	check_stopwords_unstemmed(t);
	lx = compile("[ASN]\nalias = x\nalias = ...\n", TAGAR_STEM_NONE, &e);
	CHECK(t, !lx && strstr(e.msg, "v.txt:3: alias \"...\" of tag \"ASN\" has no word to match"), "wordless: %s", e.msg);
	lx = compile("[ASN]\nalias = a b c d e f g h i j k l m n o p q\n", TAGAR_STEM_NONE, &e);
	CHECK(t, !lx && strstr(e.msg, "more than 16 words"), "17 words: %s", e.msg);
	/* a state without a lexicon finds nothing */
	CHECK(t, tagar_lex_state_init(&s, NULL, 5) == 0, "empty state");
	tagar_lex_begin(&s);
	tagar_lex_token(&s, tagar_hash("pns", 3));
	tagar_lex_finish(&s, "", 0, "", 0);
	CHECK(t, s.ntouched == 0 && s.nmatch == 0, "no lexicon, no matches");
	tagar_lex_state_free(&s);
}

/* ------------------------------------------------------ in the model */

static const char *const CORPUS[] = {
	"{\"title\": \"Kemendagri evaluasi pemda\", \"text\": \"Mendagri meminta kepala daerah menata anggaran.\", \"tags\": [\"Kemendagri\"]}",
	"{\"title\": \"Rapat di Kemendagri\", \"text\": \"Kementerian Dalam Negeri membahas tata kelola daerah.\", \"tags\": [\"Kemendagri\"]}",
	"{\"title\": \"Mendagri tinjau pelayanan\", \"text\": \"Kemendagri mendorong layanan kependudukan.\", \"tags\": [\"Kemendagri\"]}",
	"{\"title\": \"Seleksi CPNS dibuka\", \"text\": \"BKN membuka pendaftaran CPNS untuk lulusan baru.\", \"tags\": [\"ASN\"]}",
	"{\"title\": \"Gaji PNS naik\", \"text\": \"Pemerintah menaikkan gaji PNS dan pensiunan.\", \"tags\": [\"ASN\"]}",
	"{\"title\": \"Formasi PPPK\", \"text\": \"Honorer dapat mendaftar PPPK tahun ini.\", \"tags\": [\"ASN\"]}",
	"{\"title\": \"Harga cabai naik\", \"text\": \"Pedagang pasar mengeluhkan harga cabai.\", \"tags\": []}",
	"{\"title\": \"Banjir di kota\", \"text\": \"Warga mengungsi karena banjir.\", \"tags\": []}",
};

static char *write_vocab(void)
{
	static char path[] = "/tmp/tagar-lexicon-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f)
		return NULL;
	fputs("[Kemendagri]\nalias = Kemendagri\nalias = Kementerian Dalam Negeri\nalias = Mendagri\n"
	      "[ASN]\nalias = PNS\nalias = CPNS\nalias = PPPK\nalias = honorer\n", f);
	fclose(f);
	return path;
}

static const char *find(const char *s, size_t n, const char *want)
{
	size_t k = strlen(want);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, want, k) == 0)
			return s + i;
	return NULL;
}

static void reseal(unsigned char *b, size_t n)
{
	uint64_t h = XXH3_64bits(b + 64, n - 64);
	for (int i = 0; i < 8; i++)
		b[32 + i] = (unsigned char)(h >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The section table entry of section id, or NULL. */
static unsigned char *section_entry(unsigned char *b, size_t n, uint32_t id)
{
	uint32_t nsec = (uint32_t)get64(b + 28);
	for (uint32_t i = 0; i < nsec && 64 + (size_t)(i + 1) * 24 <= n; i++)
		if ((uint32_t)get64(b + 64 + (size_t)i * 24) == id)
			return b + 64 + (size_t)i * 24;
	return NULL;
}

static void expect_refused(tally *t, unsigned char *b, size_t n, const char *want, const char *what)
{
	tagar_err e = {0, ""};
	reseal(b, n);
	tagar_model *bad = tagar_model_from_bytes(b, n, &e);
	CHECK(t, !bad && e.code == TAGAR_EMODEL && strstr(e.msg, want), "%s: %s", what, e.msg);
	tagar_model_free(&bad);
}

/* The compiled vocabulary changed (and the checksum made to match): the
 * model is refused, with a message that says what is wrong. */
static void check_corrupt_section(tally *t, const tagar_model *m)
{
	char path[] = "/tmp/tagar-lexicon-XXXXXX";
	int fd = mkstemp(path);
	tagar_err e = {0, ""};
	if (fd < 0 || tagar_model_save(m, path, &e)) {
		CHECK(t, 0, "model saved: %s", e.msg);
		return;
	}
	FILE *f = fopen(path, "rb");
	static unsigned char b[1 << 20], orig[1 << 20];
	size_t n = f ? fread(orig, 1, sizeof orig, f) : 0;
	if (f)
		fclose(f);
	remove(path);
	unsigned char *words = section_entry(orig, n, 21), *names = section_entry(orig, n, 22);
	CHECK(t, words && names, "compiled vocabulary sections in the image");
	if (!words || !names)
		return;
	size_t woff = (size_t)get64(words + 8), noff = (size_t)get64(names + 8), nlen = (size_t)get64(names + 16);
	memcpy(b, orig, n);
	b[woff] = 0x7f;  /* the first alias's tag */
	expect_refused(t, b, n, "tag vocabulary: alias 0 is corrupt", "tag out of range");
	memcpy(b, orig, n);
	b[woff + 4] = 17;  /* its word count */
	expect_refused(t, b, n, "tag vocabulary: alias 0 is corrupt", "17 words");
	memcpy(b, orig, n);
	b[woff + 4] = 0;
	expect_refused(t, b, n, "tag vocabulary: alias 0 is corrupt", "no word");
	memcpy(b, orig, n);
	b[woff + 8] = 0xff;  /* its text's offset */
	b[woff + 9] = 0xff;
	expect_refused(t, b, n, "tag vocabulary: alias 0 is corrupt", "text outside the names");
	memcpy(b, orig, n);
	b[noff + nlen - 1] = 'x';  /* the last name unterminated */
	expect_refused(t, b, n, "alias names are corrupt", "unterminated name");
	memcpy(b, orig, n);
	names = section_entry(b, n, 22);
	names[0] = 3;  /* the names section renamed: missing */
	expect_refused(t, b, n, "tag vocabulary section is missing", "missing section");
}

static void test_model(tally *t)
{
	size_t n = sizeof CORPUS / sizeof *CORPUS;
	tagar_corpus c = {calloc(n, sizeof(tagar_record)), (int)n, (int)n};
	for (size_t i = 0; c.rec && i < n; i++)
		tagar_record_parse_json(CORPUS[i], strlen(CORPUS[i]), 1, &c.rec[i], NULL);
	tagar_text_opts to;
	tagar_train_opts tr;
	tagar_text_opts_default(&to);
	tagar_train_opts_default(&tr);
	tr.min_df_count = 1;
	tr.max_df = 1.0;
	tr.folds = 3;
	tr.threads = 1;
	to.stem = TAGAR_STEM_NONE;
	tagar_stopset *stop = tagar_stopset_new(TAGAR_STOP_ID, NULL, 0);
	char *path = write_vocab();
	tagar_train_ctl ctl = {0, 0, NULL, NULL, 0, path, 1, {0, 0, 0}, 0};
	tagar_model *m = NULL;
	tagar_err e = {0, ""};
	CHECK(t, path && tagar_train(&c, &to, stop, &tr, &ctl, &m, NULL, &e) == 0, "trained with a vocabulary: %s", e.msg);
	size_t len = 0;
	const char *v = m ? tagar_model_vocabulary(m, &len) : NULL;
	/* on this corpus CV gives the aliases weight (0.2), so they are kept */
	tagar_lex_params p;
	const tagar_lexicon *lx = m ? tagar_model_lexicon(m, &p) : NULL;
	CHECK(t, lx && v && p.weight > 0, "vocabulary kept with its weight");
	if (v) {
		CHECK(t, find(v, len, "alias = Kementerian Dalam Negeri\n") != NULL, "stored as written");
		check_corrupt_section(t, m);
	}
	tagar_classifier *cl = m ? tagar_classifier_new(m, NULL) : NULL;
	const char txt[] = "Kementerian Dalam Negeri meminta PNS disiplin.";
	const tagar_tag_score *s = cl ? tagar_classify(cl, "", 0, txt, sizeof txt - 1) : NULL;
	tagar_lexhit h[4];
	int k = 0;
	for (int i = 0; s && i < tagar_model_ntags(m); i++)
		if (strcmp(tagar_model_tag(m, s[i].tag), "Kemendagri") == 0)
			k = tagar_explain_vocab(cl, s[i].tag, h, 4);
	CHECK(t, lx && (k == 1 && strcmp(h[0].alias, "Kementerian Dalam Negeri") == 0 && h[0].zone == 1 &&
			 h[0].count == 1 && h[0].contribution > 0), "explain names the alias, zone and count (%d)", k);
	tagar_classifier_free(&cl);
	tagar_model_free(&m);
	if (path)
		remove(path);
	tagar_stopset_free(&stop);
	tagar_corpus_free(&c);
}

static const char TTL[] =
	"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
	"@prefix gt: <http://example.org/govtags/> .\n"
	"gt:KPK a skos:Concept ;\n"
	"  skos:prefLabel \"Komisi Pemberantasan Korupsi\"@id, \"Corruption Eradication Commission\"@en ;\n"
	"  skos:altLabel \"KPK\"@id, \"KPK\"@en ;\n"
	"  skos:hiddenLabel \"komisi\tantirasuah\" ;\n"
	"  skos:definition \"\"\"The anti-corruption\n   commission.\"\"\"@en .\n"
	"<http://example.org/c/7> skos:notation \"pelayanan-publik\" ; skos:altLabel \"Ombudsman\" .\n"
	"_:b1 skos:notation \"ASN\" ; skos:prefLabel \"aparatur sipil negara\" .\n"
	"_:b2 skos:prefLabel \"no notation, blank: not a tag\" .\n"
	"gt:empty a skos:Concept .\n";

static void test_skos(tally *t)
{
	tagar_tagvocab *v = NULL;
	tagar_err e = {0, ""};
	CHECK(t, tagar_tagvocab_parse_skos(TTL, sizeof TTL - 1, "v.ttl", &v, &e) == 0 && v && v->n == 3,
	      "three concepts with a tag and a label: %s", e.msg);
	const tagar_tv_entry *k = tagar_tagvocab_find(v, "KPK"), *p = tagar_tagvocab_find(v, "pelayanan-publik"),
			     *a = tagar_tagvocab_find(v, "ASN");
	CHECK(t, k && strcmp(k->label, "Komisi Pemberantasan Korupsi") == 0 &&
	      strcmp(k->definition, "The anti-corruption commission.") == 0, "label and definition, white space folded");
	CHECK(t, k && k->nalias == 4 && strcmp(k->alias[2], "KPK") == 0 && strcmp(k->alias[3], "komisi antirasuah") == 0,
	      "pref, alt and hidden labels, each text once (%d)", k ? k->nalias : -1);
	/* raptor reports a statement where it completes it: at the latest, its block's last line */
	CHECK(t, k && k->alias_line[0] >= 4 && k->alias_line[0] <= 7, "alias lines (%d)", k ? k->alias_line[0] : -1);
	CHECK(t, p && p->nalias == 1 && *p->label == 0, "skos:notation names the tag");
	CHECK(t, a && a->nalias == 1, "a blank node with a notation");
	size_t n;
	char *d = v ? tagar_tagvocab_dump(v, &n) : NULL;
	tagar_tagvocab *w = d ? parse(d, &e) : NULL;
	CHECK(t, w && w->n == 3, "SKOS vocabulary writes as the tagar format: %s", e.msg);
	free(d);
	tagar_tagvocab_free(&w);
	tagar_tagvocab_free(&v);
	static const char bad[] = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a> skos:prefLabel \"x\" ;\n"
				  "  skos:altLabel \"y\"\n  skos:foo .\n";
	CHECK(t, tagar_tagvocab_parse_skos(bad, sizeof bad - 1, "v.ttl", &v, &e) == TAGAR_EFORMAT && !v &&
	      strstr(e.msg, "v.ttl:4: Turtle: "), "syntax error with its line: %s", e.msg);
	static const char dup[] = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
				  "<http://a/x/KPK> skos:prefLabel \"x\" .\n<http://b/KPK> skos:prefLabel \"y\" .\n";
	CHECK(t, tagar_tagvocab_parse_skos(dup, sizeof dup - 1, "v.ttl", &v, &e) == TAGAR_EFORMAT &&
	      strstr(e.msg, "v.ttl:3: tag \"KPK\" defined twice (first at line 2)"), "two concepts, one tag: %s", e.msg);
}

int main(void)
{
	tally t = {0, 0};
	test_parse(&t);
	test_parse_errors(&t);
	test_matching(&t);
	test_skos(&t);
	test_model(&t);
	printf("lexicon: %d passed, %d failed\n", t.passed, t.failed);
	return t.failed != 0;
}
