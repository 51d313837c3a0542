/* unit.c - unit tests of libtagar.  Tiny sds-style macros; the last line is
 * "N passed, N failed". */
#include "tagar.h"
#include "jsonline.h"
#include "trainjob.h"
#include "check.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

/* ------------------------------------------------------------ helpers */

static const char *norm(tagar_tokenizer *tk, const char *s)
{
	size_t n;
	const char *r = tagar_normalize(tk, s, strlen(s), &n);
	return r ? r : "(null)";
}

static tagar_tokenizer *plain_tokenizer(int stop, int drop_numbers, int stem)
{
	tagar_text_opts o;
	tagar_text_opts_default(&o);
	o.stopwords = stop;
	o.drop_numbers = drop_numbers;
	o.stem = stem;
	o.lead_view = 0;
	return tagar_tokenizer_new(&o, NULL);
}

#define NORM_IS(t, tk, in, want) do { \
	const char *got_ = norm(tk, in); \
	CHECK(t, strcmp(got_, want) == 0, "normalize(\"%s\") = \"%s\", want \"%s\"", in, got_, want); \
} while (0)

/* ---------------------------------------------------------- tokenizer */

static void test_tokenizer(tally *t)
{
	tagar_tokenizer *tk = plain_tokenizer(0, 0, TAGAR_STEM_NONE);
	NORM_IS(t, tk, "Masing-masing ASN bekerja bersama-sama", "masing-masing asn bekerja bersama-sama");
	NORM_IS(t, tk, "KPK kpk Kpk", "kpk kpk kpk");
	NORM_IS(t, tk, "Rp 1.200 miliar, naik 2,5 persen.", "rp 1.200 miliar naik 2,5 persen");
	NORM_IS(t, tk, "tahun 2025. Lalu", "tahun 2025 lalu");
	NORM_IS(t, tk, "\xE2\x80\x9CKPK\xE2\x80\x9D menyita e-KTP", "kpk menyita e-ktp");
	NORM_IS(t, tk, "Jakarta\xE2\x80\x93" "Bandung 2020\xE2\x80\x94" "2024", "jakarta bandung 2020 2024");
	NORM_IS(t, tk, "P\xC3\xA9milu", "pemilu");                      /* precomposed accent */
	NORM_IS(t, tk, "Pe\xCC\x81milu", "pemilu");                     /* combining accent */
	NORM_IS(t, tk, "\xEF\xBC\xAB\xEF\xBC\xB0\xEF\xBC\xAB", "kpk");  /* fullwidth KPK */
	NORM_IS(t, tk, "\xEF\xAC\x81nal", "final");                     /* fi ligature */
	NORM_IS(t, tk, "anti\xE2\x80\x90korupsi", "anti-korupsi");      /* U+2010 hyphen */
	NORM_IS(t, tk, "bad\xFF\xFEtext", "bad text");                  /* invalid UTF-8 separates */
	NORM_IS(t, tk, "-awal akhir- a-", "awal akhir a");
	NORM_IS(t, tk, "", "");
	tagar_tokenizer_free(&tk);
	CHECK(t, tk == NULL, "free nulls the pointer");

	tk = plain_tokenizer(0, 1, TAGAR_STEM_NONE);
	NORM_IS(t, tk, "Rp 1.200 miliar 2,5 persen 3", "rp miliar persen");
	tagar_tokenizer_free(&tk);
}

static void test_stopwords(tally *t)
{
	tagar_stopset *s = tagar_stopset_new(TAGAR_STOP_ID, "Extra\n# comment\n  kata2  \n", 25);
	CHECK(t, s != NULL, "stopset built");
	CHECK(t, tagar_stopset_has(s, "yang", 4), "yang is a stopword");
	CHECK(t, tagar_stopset_has(s, "extra", 5), "file words are lower-cased");
	CHECK(t, tagar_stopset_has(s, "kata2", 5), "file words are trimmed");
	CHECK(t, !tagar_stopset_has(s, "# comment", 9), "comments are skipped");
	const char *keep[] = {"kasus", "pihak", "tahun", "pemerintah", "negara", "kpk", "ya"};
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
		CHECK(t, !tagar_stopset_has(s, keep[i], strlen(keep[i])), "'%s' must not be a stopword", keep[i]);
	CHECK(t, !tagar_stopset_has(s, "yan", 3) && !tagar_stopset_has(s, "yangx", 5), "prefixes do not match");
	tagar_text_opts o;
	tagar_text_opts_default(&o);
	tagar_tokenizer *tk = tagar_tokenizer_new(&o, s);
	NORM_IS(t, tk, "Kasus yang ditangani pihak KPK tahun ini", "kasus ditangani pihak kpk tahun");
	tagar_tokenizer_free(&tk);
	tagar_stopset_free(&s);
}

static void test_stemming(tally *t)
{
	tagar_tokenizer *tk = plain_tokenizer(0, 0, TAGAR_STEM_INDONESIAN);
	NORM_IS(t, tk, "pemerintahan", "perintah");
	NORM_IS(t, tk, "kebijakannya", "bijak");
	tagar_tokenizer_free(&tk);
}

typedef struct {
	char buf[512];
	size_t len;
	double weight;
} feat_log;

static void log_feature(const char *f, size_t n, double w, void *ud)
{
	feat_log *l = ud;
	if (l->len + n + 2 < sizeof l->buf) {
		memcpy(l->buf + l->len, f, n);
		l->len += n;
		l->buf[l->len++] = '|';
		l->buf[l->len] = 0;
	}
	l->weight = w;
}

static void test_ngrams(tally *t)
{
	tagar_text_opts o;
	tagar_text_opts_default(&o);
	o.ngram_max = 3;
	o.stopwords = 0;
	o.lead_view = 0;
	tagar_tokenizer *tk = tagar_tokenizer_new(&o, NULL);
	feat_log l = {"", 0, 0};
	tagar_features(tk, "Satu dua tiga", 13, 2.5, log_feature, &l);
	CHECK(t, strcmp(l.buf, "satu|satu dua|satu dua tiga|dua|dua tiga|tiga|") == 0, "n-grams: %s", l.buf);
	CHECK(t, l.weight == 2.5, "weight passed through");
	tagar_tokenizer_free(&tk);
}

/* Features as "name:weight|", a lead feature's mark shown as '^'. */
typedef struct {
	char buf[1024];
	size_t len;
} weighed_log;

static void log_weighed(const char *f, size_t n, double w, void *ud)
{
	weighed_log *l = ud;
	char name[128];
	size_t k = n < sizeof name - 1 ? n : sizeof name - 1;
	memcpy(name, f, k);
	name[k] = 0;
	if (name[0] == TAGAR_LEAD_MARK)
		name[0] = '^';
	l->len += (size_t)snprintf(l->buf + l->len, sizeof l->buf - l->len, "%s:%g|", name, w);
}

static const char *lead_features(tagar_text_opts *o, int stop, const char *title, const char *text, weighed_log *l)
{
	tagar_stopset *st = stop ? tagar_stopset_new(TAGAR_STOP_ID, NULL, 0) : NULL;
	tagar_tokenizer *tk = tagar_tokenizer_new(o, st);
	l->len = 0;
	l->buf[0] = 0;
	tagar_features(tk, title, strlen(title), o->title_weight, log_weighed, l);
	tagar_features(tk, text, strlen(text), 1.0, log_weighed, l);
	tagar_tokenizer_free(&tk);
	tagar_stopset_free(&st);
	return l->buf;
}

/* The lead view: every kept token of the title, and of the text's first
 * lead_tokens tokens (a stopword counts as one though it is no feature),
 * comes a second time, marked and counting lead_view; the text beyond the
 * lead does not.  The same in the direct lane, the stopword path and with
 * n-grams (where only words, not pairs, have a lead feature). */
static void test_lead_view(tally *t)
{
	tagar_text_opts o;
	tagar_text_opts_default(&o);
	o.stopwords = 0;
	o.lead_view = 0.5;
	o.lead_tokens = 3;
	weighed_log l;
	const char *want = "kpk:2|^kpk:0.5|tangkap:2|^tangkap:0.5|bupati:1|^bupati:0.5|di:1|^di:0.5|"
			   "kota:1|^kota:0.5|bogor:1|";
	const char *got = lead_features(&o, 0, "KPK tangkap", "Bupati di kota Bogor", &l);
	CHECK(t, !strcmp(got, want), "direct lane: %s", got);
	got = lead_features(&o, 1, "KPK tangkap", "Bupati di kota Bogor", &l);
	CHECK(t, !strcmp(got, "kpk:2|^kpk:0.5|tangkap:2|^tangkap:0.5|bupati:1|^bupati:0.5|kota:1|^kota:0.5|bogor:1|"),
	      "a stopword counts toward the lead (\"di\"), is no feature: %s", got);
	o.ngram_max = 2;
	got = lead_features(&o, 0, "", "Bupati di kota Bogor", &l);
	CHECK(t, !strcmp(got, "bupati:1|^bupati:0.5|bupati di:1|di:1|^di:0.5|di kota:1|kota:1|^kota:0.5|kota bogor:1|bogor:1|"),
	      "n-grams: words of the lead only: %s", got);
	o.ngram_max = 1;
	o.lead_view = 0;
	got = lead_features(&o, 0, "KPK", "Bupati", &l);
	CHECK(t, !strcmp(got, "kpk:2|bupati:1|"), "lead_view 0: no lead features: %s", got);

	/* after the lead the word-at-a-time lane takes over (a long ASCII text):
	 * the features are those without a lead view, plus the lead's */
	const char *text = "Satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas dua belas "
			   "tiga belas empat belas lima belas enam belas tujuh belas delapan belas sembilan belas";
	weighed_log with, without;
	o.lead_view = 0;
	lead_features(&o, 0, "", text, &without);
	o.lead_view = 1;
	o.lead_tokens = 2;
	lead_features(&o, 0, "", text, &with);
	const char *rest = "satu:1|^satu:1|dua:1|^dua:1|";
	size_t k = strlen(rest);
	CHECK(t, !strncmp(with.buf, rest, k) && !strcmp(with.buf + k, without.buf + strlen("satu:1|dua:1|")),
	      "the rest of a long text as without a lead view: %s", with.buf);
}

/* The headline in an article's address. */
static void test_url_title(tally *t)
{
	static const struct { const char *url, *want; } cases[] = {
		{"https://news.example/2018/02/21/123456/gubernur-resmikan-mal-pelayanan.html",
		 "gubernur resmikan mal pelayanan"},
		{"https://news.example/berita/kpk-tangkap-bupati-1520000000abc123", "kpk tangkap bupati"},
		{"https://news.example/nasional/20180221/warga_antre_e+ktp?utm=a-b-c-d-e#x-y-z-w", "warga antre e ktp"},
		{"https://news.example/%E2%80%9Cbaik-sekali%E2%80%9D-kata-dia", "\xE2\x80\x9C" "baik sekali\xE2\x80\x9D kata dia"},
		{"https://news.example/a/b-c-d-e/f-g-h", "b c d e"},  /* the segment with the most words */
		{"https://news.example/berita/nasional", NULL},       /* no segment of three words */
		{"https://news.example", NULL},
		{"", NULL},
		{"https://x.example/12345678-99999-abcdefgh1", NULL}, /* nothing but ids */
		{"kabar-dari-desa", "kabar dari desa"},               /* a bare path */
		{"https://x.example/a-%00-b-c", "a b c"},             /* an escaped control byte is no word */
		{"https://x.example/jokowi- duterte-setuju", "jokowi duterte setuju"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = tagar_url_title(cases[i].url, strlen(cases[i].url));
		int ok = cases[i].want ? got && !strcmp(got, cases[i].want) : !got;
		CHECK(t, ok, "url title of \"%s\" = \"%s\", want \"%s\"", cases[i].url, got ? got : "(none)",
		      cases[i].want ? cases[i].want : "(none)");
		free(got);
	}
	static const struct { const char *line, *title; } recs[] = {
		{"{\"text\": \"isi\", \"url\": \"https:\\/\\/x.example\\/kpk-tangkap-bupati\"}", "kpk tangkap bupati"},
		{"{\"title\": \"Judul\", \"text\": \"isi\", \"url\": \"https://x.example/kpk-tangkap-bupati\"}", "Judul"},
		{"{\"title\": \"\", \"text\": \"isi\", \"url\": 5}", ""},
		{"{\"text\": \"isi\", \"url\": \"https://x.example/berita\"}", ""},
		{"{\"text\": \"isi\\u0000\", \"url\": \"https://x.example/kpk-tangkap-bupati\"}", "kpk tangkap bupati"},
	};
	for (size_t i = 0; i < sizeof recs / sizeof *recs; i++) {
		tagar_record r;
		tagar_err e;
		int rc = tagar_record_parse_json(recs[i].line, strlen(recs[i].line), 0, &r, &e);
		CHECK(t, rc == 0 && !strcmp(r.title, recs[i].title), "record %zu: title \"%s\", want \"%s\"", i,
		      rc ? e.msg : r.title, recs[i].title);
		if (!rc)
			tagar_record_clear(&r);
	}
}

/* Tokens joined by spaces, as tagar_normalize() writes them. */
typedef struct {
	char *buf;
	size_t len;
} token_line;

static void join_token(const char *f, size_t n, double w, void *ud)
{
	token_line *l = ud;
	(void)w;
	if (l->len)
		l->buf[l->len++] = ' ';
	memcpy(l->buf + l->len, f, n);
	l->len += n;
}

/* Unigrams with a callback and no stopwords take the word-at-a-time lane
 * for plain ASCII; tagar_normalize() always takes the general loop.  Both
 * must cut every text the same, above all where a token, a joiner or a
 * non-ASCII letter meets the lane's 64-byte block edges. */
static void test_fast_lane(tally *t)
{
	static const char *const piece[] = {"a", "Xy", "7", "9", " ", "  ", "-", ".", ",", "\xc3\xa9", "\xe1\xb8\xa5",
					    "\xe2\x80\x90", "\n", "1.2", "kira-kira", "(", "\xef\xbc\xa1"};
	tagar_text_opts o;
	tagar_text_opts_default(&o);
	o.stem = TAGAR_STEM_NONE;
	o.lead_view = 0;  /* the lane is for plain unigrams; a lead view leaves it */
	tagar_tokenizer *fast = tagar_tokenizer_new(&o, NULL), *slow = tagar_tokenizer_new(&o, NULL);
	char text[1200], out[2400];
	int bad = 0;
	uint64_t r = 42;
	for (int k = 0; k < 4000 && fast && slow; k++) {
		size_t n = 0;
		if (k < 200) {  /* a token, then a joiner or letter, at each offset near 64 */
			memset(text, 'w', 130);
			n = 130;
			memcpy(text + 60 + k % 8, k & 8 ? ",5" : k & 16 ? "\xc3\xa9" : "-b", 2);
			memcpy(text + 56 + k % 16, " ", 1);
		}
		while (k >= 200 && n < 1000) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			const char *p = piece[(r >> 33) % (sizeof piece / sizeof *piece)];
			memcpy(text + n, p, strlen(p));
			n += strlen(p);
		}
		token_line l = {out, 0};
		size_t len;
		const char *norm = tagar_normalize(slow, text, n, &len);
		tagar_features(fast, text, n, 1, join_token, &l);
		bad += !norm || len != l.len || memcmp(norm, out, len) != 0;
	}
	CHECK(t, fast && slow && bad == 0, "%d of 4000 texts tokenized differently by the fast lane", bad);
	tagar_tokenizer_free(&fast);
	tagar_tokenizer_free(&slow);
}

/* The literal-prefix test in front of each unanchored boilerplate pattern
 * must never skip a text the pattern matches: other cases, the Kelvin sign
 * and long s (caseless k and s; without \\b, which an ASCII word needs), a
 * top-level alternation, a quantified last letter. */
static void test_clean_prefilter(tally *t)
{
	static const char patterns[] = "Komentar sepenuhnya\\b.*$\nSimak terus\\b.*$\n\\bcolou?r\\b.*$\n"
				       "\\bfoo|bar.*$\n\\bDapatkan update berita\\b.*$\n";
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"a KOMENTAR SEPENUHNYA b\nc", "a  \nc"},
		{"a \xe2\x84\xaaomentar sepenuhnya b", "a  "},     /* KELVIN SIGN for k */
		{"a \xc5\xbfimak terus b", "a  "},                  /* LONG S for s */
		{"x color y", "x  "},
		{"x bar y", "x  "},
		{"Kami dapatkan. DAPATKAN UPDATE BERITA z", "Kami dapatkan.  "},
		{"nothing to cut here, dapat kan", "nothing to cut here, dapat kan"},
	};
	tagar_err e;
	tagar_cleaner *c = tagar_cleaner_new(patterns, sizeof patterns - 1, &e);
	setenv("TAGAR_NO_PREFILTER", "1", 1);
	tagar_cleaner *plain = tagar_cleaner_new(patterns, sizeof patterns - 1, &e);
	unsetenv("TAGAR_NO_PREFILTER");
	for (size_t i = 0; c && plain && i < sizeof cases / sizeof *cases; i++) {
		size_t n, m;
		const char *got = tagar_clean(c, cases[i].in, strlen(cases[i].in), &n);
		CHECK(t, got && n == strlen(cases[i].out) && memcmp(got, cases[i].out, n) == 0,
		      "clean(\"%s\") = \"%.*s\", want \"%s\"", cases[i].in, (int)n, got ? got : "", cases[i].out);
		const char *want = tagar_clean(plain, cases[i].in, strlen(cases[i].in), &m);
		got = tagar_clean(c, cases[i].in, strlen(cases[i].in), &n);
		CHECK(t, got && want && n == m && memcmp(got, want, n) == 0, "prefilter changed case %zu", i);
	}
	CHECK(t, c && plain, "cleaners built");
	tagar_cleaner_free(&c);
	tagar_cleaner_free(&plain);
	/* a quantifier with no letter before it (found by the fuzzer) */
	c = tagar_cleaner_new("{\nx{2}\n", 7, &e);
	size_t n;
	const char *got = c ? tagar_clean(c, "a{b xx", 6, &n) : NULL;
	CHECK(t, got && n == 5 && memcmp(got, "a b  ", 5) == 0, "quantifiers without a literal: %s", got ? got : e.msg);
	tagar_cleaner_free(&c);
}

/* ------------------------------------------------------------ metrics */

/* The cap on a rare tag's threshold: at most k negatives reach it. */
static void test_negative_cut(tally *t)
{
	const double s[] = {5, 4, 3, 2, 1, 0};
	const signed char y[] = {1, 0, 1, 0, 0, 0};
	double c = tagar_negative_cut(s, y, 6, 1);
	CHECK(t, fabs(c - 3) < 1e-12, "one negative (4) passes: cut %g, want 3", c);
	c = tagar_negative_cut(s, y, 6, 0);
	CHECK(t, fabs(c - 5) < 1e-12, "no negative passes: cut %g, want 5", c);
	c = tagar_negative_cut(s, y, 6, 4);
	CHECK(t, c <= -1e29, "every negative may pass: no cap (%g)", c);
	const double tie[] = {2, 2, 2, 1};
	const signed char neg[] = {0, 0, 0, 0};
	c = tagar_negative_cut(tie, neg, 4, 1);
	CHECK(t, c > 2, "a tie at the first negative is cut above together: %g", c);
	c = tagar_negative_cut(tie, neg, 4, 3);
	CHECK(t, fabs(c - 1.5) < 1e-12, "three tied negatives pass together: cut %g, want 1.5", c);
}


static void test_threshold(tally *t)
{
	const double s[] = {3, 2, 1, 0, -1};
	const signed char y[] = {1, 1, 0, 1, 0};
	double f1;
	double th = tagar_best_threshold(s, y, 5, &f1);
	/* cut after 4 items: tp 3 of 4 predicted, 3 positives: F1 6/7 */
	CHECK(t, fabs(th - (-0.5)) < 1e-12, "threshold %g, want -0.5", th);
	CHECK(t, fabs(f1 - 6.0 / 7) < 1e-12, "F1 %g, want 6/7", f1);
	const double s2[] = {1, 1, 1, 0};
	const signed char y2[] = {1, 0, 0, 1};
	th = tagar_best_threshold(s2, y2, 4, &f1);
	CHECK(t, th < 0, "ties are cut together: all four predicted (th %g)", th);
	const signed char none[] = {0, 0, 0, 0};
	th = tagar_best_threshold(s2, none, 4, &f1);
	CHECK(t, th > 1e29 && f1 == 0, "no positive: nothing assigned");

	tagar_counts c[3] = {{8, 2, 2, 10}, {0, 0, 5, 5}, {0, 0, 0, 0}};
	double mi, ma;
	tagar_micro_macro(c, 3, &mi, &ma);
	CHECK(t, fabs(mi - 16.0 / 25) < 1e-12, "micro-F1 %g", mi);
	CHECK(t, fabs(ma - 0.4) < 1e-12, "macro-F1 %g (a tag with no support and no prediction is not counted)", ma);
	CHECK(t, fabs(tagar_precision(&c[0]) - 0.8) < 1e-12 && fabs(tagar_recall(&c[0]) - 0.8) < 1e-12, "P/R");
}

static void test_platt(tally *t)
{
	double s[40];
	signed char y[40];
	for (int i = 0; i < 40; i++) {
		s[i] = (i - 20) / 10.0;
		y[i] = i >= 20 ? (i % 7 != 0) : (i % 5 == 0);  /* mostly separable, with noise */
	}
	double A, B;
	tagar_platt_fit(s, y, 40, &A, &B);
	CHECK(t, A < 0, "Platt slope %g is negative (higher score, higher probability)", A);
	CHECK(t, tagar_platt(2, A, B) > 0.8 && tagar_platt(-2, A, B) < 0.2, "calibrated ends");
	CHECK(t, tagar_platt(1, A, B) > tagar_platt(0, A, B), "monotone");
	double p = tagar_platt(1e6, A, B), q = tagar_platt(-1e6, A, B);
	CHECK(t, p >= 0 && p <= 1 && q >= 0 && q <= 1 && !isnan(p) && !isnan(q), "no overflow at extremes");
}

/* ------------------------------------------------------------ records */

static void test_records(tally *t)
{
	tagar_record r;
	tagar_err e = {0, ""};
	const char *ok = "{\"id\": \"a1\", \"title\": \"T\", \"text\": \"isi\", \"tags\": [\"KPK\", \"korupsi\", \"KPK\"]}";
	CHECK(t, tagar_record_parse_json(ok, strlen(ok), 1, &r, &e) == 0, "good record: %s", e.msg);
	CHECK(t, r.ntags == 2 && strcmp(r.tags[1], "korupsi") == 0, "tags read, duplicates once");
	CHECK(t, strcmp(r.id, "a1") == 0 && !r.id_is_number, "string id");
	tagar_record_clear(&r);
	const char *num = "{\"id\": 42, \"text\": \"isi\"}";
	CHECK(t, tagar_record_parse_json(num, strlen(num), 0, &r, &e) == 0 && r.id_is_number &&
	      strcmp(r.id, "42") == 0 && strcmp(r.title, "") == 0, "integer id, missing title");
	tagar_record_clear(&r);
	struct { const char *line, *want; } bad[] = {
		{"{\"text\": \"x\"}", "\"tags\" is missing"},
		{"{\"text\": 5, \"tags\": []}", "\"text\" must be a string"},
		{"{\"text\": \"x\", \"tags\": \"KPK\"}", "must be an array"},
		{"{\"text\": \"x\", \"tags\": [1]}", "tags[0]"},
		{"{\"tags\": []}", "neither"},
		{"[1, 2]", "JSON object"},
		{"{\"text\": \"x\", ", "invalid JSON"},
		{"{\"id\": [1], \"text\": \"x\", \"tags\": []}", "\"id\""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int rc = tagar_record_parse_json(bad[i].line, strlen(bad[i].line), 1, &r, &e);
		CHECK(t, rc == TAGAR_EFORMAT && strstr(e.msg, bad[i].want), "'%s' -> '%s'", bad[i].line, e.msg);
	}
	const char *ft = "__label__KPK __label__korupsi KPK menahan tersangka";
	CHECK(t, tagar_record_parse_fasttext(ft, strlen(ft), &r, &e) == 0 && r.ntags == 2 &&
	      strcmp(r.text, "KPK menahan tersangka") == 0, "fastText line");
	tagar_record_clear(&r);
	CHECK(t, tagar_record_parse_fasttext("__label__x", 10, &r, &e) == TAGAR_EFORMAT, "labels without text");
	CHECK(t, tagar_record_parse_fasttext("__label__ teks", 14, &r, &e) == TAGAR_EFORMAT, "empty label");
}

/* ----------------------------------------------------- JSONL fast path */

static int same_str(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

static int same_record(const tagar_record *a, const tagar_record *b)
{
	if (!same_str(a->id, b->id) || a->id_is_number != b->id_is_number ||
	    !same_str(a->title, b->title) || !same_str(a->text, b->text) || a->ntags != b->ntags)
		return 0;
	for (int i = 0; i < a->ntags; i++)
		if (!same_str(a->tags[i], b->tags[i]))
			return 0;
	return 1;
}

/* Runs line (n bytes) through the fast path alone, the public parser and
 * the cJSON path alone: the fast path must take it when handled says so
 * (and decline otherwise, leaving a zeroed record), and the public parser
 * must give exactly the cJSON path's result or error message.  The public
 * parser's record is left in *out (zeroed on error); returns its code. */
static int jl_check(tally *t, const char *line, size_t n, int need, int handled, tagar_record *out)
{
	static const tagar_record zero;
	tagar_record f, c;
	tagar_err ep = {0, ""}, ec = {0, ""};
	int rf = tagar_jsonline_parse(line, n, need, &f);
	CHECK(t, rf == handled, "fast path %d, want %d: %.*s", rf, handled, (int)n, line);
	if (rf <= 0)
		CHECK(t, memcmp(&f, &zero, sizeof f) == 0, "declined, record zeroed: %.*s", (int)n, line);
	tagar_record_clear(&f);
	int rp = tagar_record_parse_json(line, n, need, out, &ep);
	int rc = tagar_record_parse_json_cjson(line, n, need, &c, &ec);
	CHECK(t, rp == rc && strcmp(ep.msg, ec.msg) == 0, "'%.*s': %d '%s', cJSON %d '%s'",
	      (int)n, line, rp, ep.msg, rc, ec.msg);
	if (!rp && !rc)
		CHECK(t, same_record(out, &c), "same record as cJSON: %.*s", (int)n, line);
	tagar_record_clear(&c);
	return rp;
}

#define JL(t, s, need, handled, r) jl_check(t, s, sizeof(s) - 1, need, handled, r)

static void test_jsonline(tally *t)
{
	tagar_record r;
	JL(t, "{\"id\": \"a1\", \"title\": \"T\", \"text\": \"isi\", \"tags\": [\"KPK\", \"korupsi\", \"KPK\"]}", 1, 1, &r);
	CHECK(t, strcmp(r.id, "a1") == 0 && strcmp(r.title, "T") == 0 && strcmp(r.text, "isi") == 0 &&
	      r.ntags == 2 && strcmp(r.tags[0], "KPK") == 0 && strcmp(r.tags[1], "korupsi") == 0,
	      "plain record");
	tagar_record_clear(&r);
	JL(t, "{\"tags\":[\"b\"],\"text\":\"isi\",\"title\":\"T\",\"id\":\"z\"}", 1, 1, &r);
	CHECK(t, strcmp(r.id, "z") == 0 && r.ntags == 1, "fields in any order");
	tagar_record_clear(&r);
	JL(t, " \t\r\n{ \"u\" : \"s\\n\" , \"n\":-0.5e+10,\"i\":0,\"x\":1E3,\"t\":true,\"f\":false,"
	   "\"z\":null,\"a\":[\"p\",\"q\\u00e9\"],\"e\":[ ],\"text\":\"isi\"\n} \t\r", 0, 1, &r);
	CHECK(t, !r.id && strcmp(r.title, "") == 0 && strcmp(r.text, "isi") == 0 && r.ntags == 0 && !r.tags,
	      "unknown fields of every kind skipped, odd whitespace");
	tagar_record_clear(&r);
	JL(t, "{\"title\": \"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\", \"text\": \"caf\\u00e9 \\u20AC \\ud83d\\ude00\","
	   " \"tags\": [\"\\u004bPK\", \"KPK\"]}", 1, 1, &r);
	CHECK(t, strcmp(r.title, "a\"b\\c/d\be\ff\ng\rh\ti") == 0, "simple escapes");
	CHECK(t, strcmp(r.text, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == 0, "\\u and a surrogate pair");
	CHECK(t, r.ntags == 1, "a tag spelt with an escape is still a duplicate");
	tagar_record_clear(&r);
	JL(t, "{\"title\": \"a\x01\x1f\x7f\xff\", \"text\": \"\"}", 0, 1, &r);
	CHECK(t, strcmp(r.title, "a\x01\x1f\x7f\xff") == 0, "raw control and invalid bytes kept, as cJSON does");
	tagar_record_clear(&r);
	JL(t, "{\"title\": \"first\", \"title\": 5, \"id\": null, \"id\": \"later\", \"tags\": [\"a\"],"
	   " \"tags\": \"b\", \"text\": \"x\", \"text\": [\"y\"]}", 1, 1, &r);
	CHECK(t, strcmp(r.title, "first") == 0 && !r.id && r.ntags == 1 && strcmp(r.text, "x") == 0,
	      "duplicate keys: the first wins");
	tagar_record_clear(&r);

	/* declined: the cJSON path gives the record or the error it always did */
	static const char *const punt[] = {
		"{\"text\": \"x\", ",                              /* invalid JSON */
		"{\"m\": {\"a\": 1}, \"text\": \"x\", \"tags\": []}",  /* nested object */
		"{\"m\": [1], \"text\": \"x\", \"tags\": []}",         /* array of numbers */
		"{\"t\\u0069tle\": \"T\", \"tags\": []}",             /* escaped key: cJSON matches it */
		"{\"text\": \"a\\u0000b\", \"tags\": []}",            /* cJSON cuts at U+0000 */
		"{\"text\": \"a\\ud83d b\", \"tags\": []}",           /* lone high surrogate */
		"{\"text\": \"a\\ude00\", \"tags\": []}",             /* lone low surrogate */
		"{\"text\": \"a\\u00zzb\", \"tags\": []}",            /* cJSON reads bad hex as 0 */
		"{\"text\": \"a\\xb\", \"tags\": []}",                /* unknown escape */
		"{\"id\": 42, \"text\": \"x\", \"tags\": []}",         /* numeric id */
		"{\"id\": 4.5, \"text\": \"x\", \"tags\": []}",
		"{\"id\": true, \"text\": \"x\", \"tags\": []}",
		"{\"title\": 3, \"tags\": []}",
		"{\"text\": [\"x\"], \"tags\": []}",
		"{\"text\": \"x\", \"tags\": \"KPK\"}",
		"{\"text\": \"x\", \"tags\": null}",
		"{\"text\": \"x\", \"tags\": [\"a\", \"\"]}",
		"{\"text\": \"x\", \"tags\": [1]}",
		"{\"text\": \"x\"}",                                /* tags missing, need_tags */
		"{\"title\": \"\", \"text\": null, \"tags\": []}",    /* neither title nor text */
		"{\"text\": \"x\", \"tags\": []} y",                /* text after the record */
		"{\"text\": \"x\", \"tags\": []}\n",                /* record.c allows no LF after it */
		"\xEF\xBB\xBF{\"text\": \"x\", \"tags\": []}",       /* BOM: cJSON skips it */
		"{\x0b\"text\":\x01\"x\",\"tags\":[]}",              /* cJSON's whitespace is any byte <= 32 */
		"{\"n\": 01, \"text\": \"x\", \"tags\": []}",          /* loose numbers */
		"{\"n\": -.5, \"text\": \"x\", \"tags\": []}",
		"{\"n\": 1., \"text\": \"x\", \"tags\": []}",
		"{\"n\": 1234567890123456789012345678901234567890123456789012345678901234, \"text\": \"x\", \"tags\": []}",
		"{\"text\": \"x\", \"tags\": [\"a\",],}",
		"[1, 2]",
		"",
	};
	for (size_t i = 0; i < sizeof punt / sizeof *punt; i++) {
		if (!jl_check(t, punt[i], strlen(punt[i]), 1, 0, &r))
			tagar_record_clear(&r);
	}
	static const char nul[] = "{\"text\": \"a\0b\", \"tags\": []}";  /* cJSON cuts at a raw NUL */
	if (!jl_check(t, nul, sizeof nul - 1, 1, 0, &r))
		tagar_record_clear(&r);
	JL(t, "{\"text\": \"x\"}", 0, 1, &r);
	CHECK(t, r.ntags == 0 && !r.tags, "tags may be missing when not needed");
	tagar_record_clear(&r);
}

static void test_numbers(tally *t)
{
	char b[64];
	double d = 0;
	tagar_fmt_fixed(b, sizeof b, 2.5, 4);
	CHECK(t, strcmp(b, "2.5000") == 0, "fixed: %s", b);
	CHECK(t, tagar_parse_double("0.25", &d) == 0 && d == 0.25, "parse 0.25");
	CHECK(t, tagar_parse_double("0,25", &d) != 0, "a comma is not a decimal point");
	CHECK(t, tagar_parse_double("", &d) != 0 && tagar_parse_double("1x", &d) != 0, "garbage refused");
	if (!setlocale(LC_ALL, "id_ID.UTF-8")) {
		printf("SKIP locale checks: the id_ID.UTF-8 locale is not installed\n");
		return;
	}
	tagar_fmt_fixed(b, sizeof b, 2.5, 4);
	CHECK(t, strcmp(b, "2.5000") == 0, "fixed under id_ID: %s", b);
	tagar_fmt_double(b, sizeof b, 0.125, 6);
	CHECK(t, strcmp(b, "0.125") == 0, "%%g under id_ID: %s", b);
	CHECK(t, tagar_parse_double("0.25", &d) == 0 && d == 0.25, "parse under id_ID: %g", d);
	setlocale(LC_ALL, "C");
}

/* -------------------------------------------------------------- model */

static const char *const TINY[] = {
	"{\"id\": \"d0\", \"text\": \"alpha beta beta\", \"tags\": [\"X\"]}",
	"{\"id\": \"d1\", \"text\": \"alpha gamma\", \"tags\": [\"Y\"]}",
	"{\"id\": \"d2\", \"text\": \"gamma delta\", \"tags\": [\"X\"]}",
	"{\"id\": \"d3\", \"text\": \"delta epsilon\", \"tags\": [\"Y\"]}",
};

static int tiny_corpus(tagar_corpus *c)
{
	memset(c, 0, sizeof *c);
	c->cap = c->n = 4;
	c->rec = calloc(4, sizeof *c->rec);
	for (int i = 0; c->rec && i < 4; i++)
		if (tagar_record_parse_json(TINY[i], strlen(TINY[i]), 1, &c->rec[i], NULL))
			return -1;
	return c->rec ? 0 : -1;
}

/* Defaults for a toy corpus: every word kept, none a stopword, and no lead
 * features, so that its terms and their tf-idf are the text's words. */
static void toy_opts(tagar_text_opts *to, tagar_train_opts *tr)
{
	tagar_text_opts_default(to);
	tagar_train_opts_default(tr);
	to->ngram_max = 1;
	to->stopwords = 0;
	to->lead_view = 0;
	tr->min_df_count = 1;
	tr->max_df = 1.0;
}

static tagar_model *train_tiny(tagar_corpus *c, int threads)
{
	tagar_text_opts to;
	tagar_train_opts tr;
	toy_opts(&to, &tr);
	tr.folds = 2;
	tr.threads = threads;
	tagar_train_ctl ctl = {0};
	tagar_model *m = NULL;
	tagar_err e = {0, ""};
	if (tagar_train(c, &to, NULL, &tr, &ctl, &m, NULL, &e))
		printf("train failed: %s\n", e.msg);
	return m;
}

/* A tag with one example cannot be tuned: before --max-fp it kept the SVM's
 * own boundary (0); now the cap on out-of-fold negatives sets its threshold. */
static double single_example_threshold(double max_fp)
{
	static const char *const words[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta"};
	tagar_corpus c = {0};
	c.rec = calloc(24, sizeof *c.rec);
	c.cap = 24;
	for (int i = 0; c.rec && i < 24; i++) {
		char line[256];
		snprintf(line, sizeof line, "{\"id\": \"d%d\", \"text\": \"%s %s %s\", \"tags\": [%s]}", i,
			 words[i % 6], words[(i / 2) % 6], i == 0 ? "rare" : words[(i + 3) % 6],
			 i == 0 ? "\"R\", \"C\"" : i % 3 ? "\"C\"" : "");
		if (tagar_record_parse_json(line, strlen(line), 1, &c.rec[i], NULL))
			break;
		c.n = i + 1;
	}
	tagar_text_opts to;
	tagar_train_opts tr;
	toy_opts(&to, &tr);
	tr.max_fp = max_fp;
	FILE *quiet = tmpfile();  /* the single-example warning is expected */
	tagar_train_ctl ctl = {.log = quiet};
	tagar_model *m = NULL;
	double th = NAN;
	if (c.n == 24 && tagar_train(&c, &to, NULL, &tr, &ctl, &m, NULL, NULL) == 0)
		for (int k = 0; k < tagar_model_ntags(m); k++)
			if (!strcmp(tagar_model_tag(m, k), "R"))
				th = tagar_model_threshold(m, k);
	tagar_model_free(&m);
	tagar_corpus_free(&c);
	if (quiet)
		fclose(quiet);
	return th;
}

static void test_single_example_cap(tally *t)
{
	double off = single_example_threshold(0), on = single_example_threshold(1);
	CHECK(t, off == 0.0, "no cap: a single-example tag keeps threshold 0 (got %g)", off);
	CHECK(t, !isnan(on) && on != 0.0 && on > -1e29 && on < 1e29,
	      "--max-fp 1: the cap sets a single-example tag's threshold (got %g)", on);
}

/* A corpus where tag C (30 examples) shares its words with untagged
 * articles, so its F1-best cut lets some through at a low calibrated
 * probability, and tag R has 7 examples, fewer than the floor's reach. */
static int floor_corpus(tagar_corpus *c)
{
	static const char *const words[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"};
	c->rec = calloc(70, sizeof *c->rec);
	c->cap = 70;
	for (int i = 0; c->rec && i < 70; i++) {
		char line[256];
		int is_c = i % 7 < 3;
		snprintf(line, sizeof line, "{\"id\": \"d%d\", \"text\": \"%s %s %s\", \"tags\": [%s%s]}", i,
			 words[i % 7], words[(i * 3) % 7], is_c || i % 5 == 0 ? "signal" : words[(i / 7) % 7],
			 is_c ? "\"C\"" : "", i % 10 == 0 ? (is_c ? ", \"R\"" : "\"R\"") : "");
		if (tagar_record_parse_json(line, strlen(line), 1, &c->rec[i], NULL))
			return -1;
		c->n = i + 1;
	}
	return c->n == 70 ? 0 : -1;
}

/* Trains on c with the floor at probability p (0: none, -1: auto) for tags
 * of at least reach examples; the CV counts go to *counts when not NULL. */
static tagar_model *train_floor(const tagar_corpus *c, double p, int reach, tagar_counts **counts)
{
	tagar_text_opts to;
	tagar_train_opts tr;
	toy_opts(&to, &tr);
	tr.micro_floor = p;
	tr.micro_floor_examples = reach;
	FILE *quiet = tmpfile();
	tagar_train_ctl ctl = {.log = quiet};
	tagar_model *m = NULL;
	if (tagar_train(c, &to, NULL, &tr, &ctl, &m, counts, NULL))
		m = NULL;
	if (quiet)
		fclose(quiet);
	return m;
}

static int tag_index(const tagar_model *m, const char *name)
{
	for (int k = 0; k < tagar_model_ntags(m); k++)
		if (!strcmp(tagar_model_tag(m, k), name))
			return k;
	return -1;
}

/* The lowest calibrated probability at which the model gives tag k to
 * one of c's articles (2: never given), and the highest in *high. */
static double lowest_given(tagar_model *m, const tagar_corpus *c, int k, double *high)
{
	tagar_classifier *cl = tagar_classifier_new(m, NULL);
	double low = 2;
	*high = -1;
	for (int d = 0; cl && d < c->n; d++) {
		const tagar_tag_score *s = tagar_classify(cl, "", 0, c->rec[d].text, strlen(c->rec[d].text));
		for (int i = 0; s && i < tagar_model_ntags(m); i++)
			if (s[i].tag == k && s[i].assigned) {
				low = s[i].score < low ? s[i].score : low;
				*high = s[i].score > *high ? s[i].score : *high;
			}
	}
	tagar_classifier_free(&cl);
	return low;
}

/* The floor only raises thresholds: no tag of m is below its place in off. */
static int raised_only(const tagar_model *m, const tagar_model *off)
{
	for (int k = 0; k < tagar_model_ntags(off); k++)
		if (tagar_model_threshold(m, k) < tagar_model_threshold(off, k))
			return 0;
	return 1;
}

/* The micro-F1 floor: a tag with enough examples is given only at the
 * floor's calibrated probability or more. */
static void test_micro_floor(tally *t)
{
	tagar_corpus c = {0};
	CHECK(t, floor_corpus(&c) == 0, "floor corpus parsed");
	tagar_model *off = train_floor(&c, 0, 10, NULL), *on = NULL;
	int kc = off ? tag_index(off, "C") : -1;
	double high_off, low_off = off ? lowest_given(off, &c, kc, &high_off) : 2;
	/* a floor between the lowest and highest probability C is given at */
	double p = (low_off + high_off) / 2;
	CHECK(t, low_off < high_off, "without the floor C is given at probabilities %g to %g", low_off, high_off);
	if (low_off < high_off && (on = train_floor(&c, p, 10, NULL))) {
		double high_on, low_on = lowest_given(on, &c, kc, &high_on);
		CHECK(t, low_on >= p - 1e-9 && low_on <= 1,
		      "with the floor at %g C is given at that probability or more only (lowest %g)", p, low_on);
		CHECK(t, tagar_model_threshold(on, kc) > tagar_model_threshold(off, kc),
		      "the floor raised C's threshold (%g -> %g)", tagar_model_threshold(off, kc),
		      tagar_model_threshold(on, kc));
		CHECK(t, raised_only(on, off), "no threshold was lowered");
	}
	CHECK(t, on, "trained with the floor");
	tagar_model *low = off ? train_floor(&c, 1e-9, 1, NULL) : NULL;
	CHECK(t, low && raised_only(low, off) && raised_only(off, low),
	      "a floor under every tag's cut changes no threshold");
	tagar_model_free(&low);
	tagar_model_free(&off);
	tagar_model_free(&on);
	tagar_corpus_free(&c);
}

/* --micro-floor-examples: the floor holds from that many examples on (R
 * has 7), and a floor so high it binds shows where it holds. */
static void test_micro_floor_reach(tally *t)
{
	tagar_corpus c = {0};
	CHECK(t, floor_corpus(&c) == 0, "floor corpus parsed");
	tagar_model *off = train_floor(&c, 0, 10, NULL), *r8 = train_floor(&c, 0.999, 8, NULL),
		    *r7 = train_floor(&c, 0.999, 7, NULL);
	CHECK(t, off && r8 && r7, "trained with a floor at 0.999 from 8 and from 7 examples");
	if (off && r8 && r7) {
		int kr = tag_index(off, "R");
		CHECK(t, tagar_model_threshold(r8, kr) == tagar_model_threshold(off, kr),
		      "R (7 examples) keeps its threshold under a floor from 8 (%g, %g)",
		      tagar_model_threshold(off, kr), tagar_model_threshold(r8, kr));
		CHECK(t, tagar_model_threshold(r7, kr) > tagar_model_threshold(off, kr),
		      "a floor from 7 examples reaches R (%g -> %g)", tagar_model_threshold(off, kr),
		      tagar_model_threshold(r7, kr));
	}
	tagar_model_free(&off);
	tagar_model_free(&r8);
	tagar_model_free(&r7);
	tagar_corpus_free(&c);
}

/* The model's CV figures apply the floor too (fold by fold), and auto puts
 * it at half the CV micro-F1 without a floor, stored in the metadata. */
static void test_micro_floor_cv(tally *t)
{
	tagar_corpus c = {0};
	CHECK(t, floor_corpus(&c) == 0, "floor corpus parsed");
	tagar_counts *n_off = NULL, *n_high = NULL, *n_auto = NULL;
	tagar_model *off = train_floor(&c, 0, 10, &n_off), *high = train_floor(&c, 0.999, 10, &n_high),
		    *autom = train_floor(&c, -1, 10, &n_auto);
	CHECK(t, off && high && autom, "trained without a floor, at 0.999 and auto");
	if (off && high && autom) {
		int kc = tag_index(off, "C");
		long given_off = n_off[kc].tp + n_off[kc].fp, given_high = n_high[kc].tp + n_high[kc].fp;
		CHECK(t, given_high < given_off, "CV gives C less often under the floor (%ld -> %ld)", given_off,
		      given_high);
		double mi, ma;
		tagar_micro_macro(n_off, tagar_model_ntags(off), &mi, &ma);
		const char *fp = strstr(tagar_model_meta(autom), "\"floor_probability\":");
		double stored = fp ? strtod(strchr(fp, ':') + 1, NULL) : -1;
		CHECK(t, fabs(stored - mi / 2) < 1e-4, "auto: the floor is half the CV micro-F1 %g (stored %g)", mi,
		      stored);
	}
	free(n_off);
	free(n_high);
	free(n_auto);
	tagar_model_free(&off);
	tagar_model_free(&high);
	tagar_model_free(&autom);
	tagar_corpus_free(&c);
}

/* The library refuses a floor of 1 or more, NaN, or a reach under 1. */
static void test_micro_floor_refused(tally *t)
{
	tagar_corpus c = {0};
	CHECK(t, floor_corpus(&c) == 0, "floor corpus parsed");
	const double bad_p[] = {1, 1.5, NAN};
	for (size_t i = 0; i < sizeof bad_p / sizeof *bad_p; i++) {
		tagar_model *m = train_floor(&c, bad_p[i], 10, NULL);
		CHECK(t, !m, "micro_floor %g is refused", bad_p[i]);
		tagar_model_free(&m);
	}
	tagar_model *m = train_floor(&c, -1, 0, NULL);
	CHECK(t, !m, "micro_floor_examples 0 is refused");
	tagar_model_free(&m);
	tagar_corpus_free(&c);
}

/* A refit from another start finds the same sigmoid (the loss is convex);
 * with one class there is nothing to fit. */
static void test_platt_refit(tally *t)
{
	const double s[] = {-2.1, -1.4, -1.2, -0.9, -0.5, -0.3, 0.1, 0.4, 0.8, 1.3};
	const signed char y[] = {0, 0, 0, 1, 0, 0, 1, 0, 1, 1}, none[10] = {0};
	double A, B, A1 = 0, B1 = 0, A2 = -2, B2 = 0;
	tagar_platt_fit(s, y, 10, &A, &B);
	CHECK(t, tagar_platt_refit(s, y, 10, &A1, &B1) && tagar_platt_refit(s, y, 10, &A2, &B2), "refitted");
	CHECK(t, fabs(A1 - A) < 1e-4 && fabs(B1 - B) < 1e-4 && fabs(A2 - A) < 1e-4 && fabs(B2 - B) < 1e-4,
	      "the same sigmoid from (0, 0) and (-2, 0): A %g %g %g, B %g %g %g", A, A1, A2, B, B1, B2);
	double A3 = 5, B3 = 7;
	CHECK(t, !tagar_platt_refit(s, none, 10, &A3, &B3) && A3 == 5 && B3 == 7,
	      "one class: nothing fitted, the start kept");
}

static void test_tfidf(tally *t, tagar_model *m)
{
	tagar_classifier *cl = tagar_classifier_new(m, NULL);
	CHECK(t, cl && tagar_classify(cl, "", 0, "alpha beta beta", 15), "classified");
	double ia = log(5.0 / 3) + 1, ib = log(5.0 / 2) + 1;        /* smoothed idf, n = 4 */
	double va = 1 * ia, vb = (1 + log(2.0)) * ib;                /* sublinear tf */
	double nrm = sqrt(va * va + vb * vb);
	tagar_contrib c[4];
	int n = tagar_explain(cl, 0, c, 4);
	CHECK(t, n == 2, "two known terms (got %d)", n);
	for (int i = 0; i < n; i++) {
		double want = c[i].len == 5 && !memcmp(c[i].term, "alpha", 5) ? va / nrm : vb / nrm;
		CHECK(t, fabs(c[i].tfidf - want) < 1e-6, "tf-idf of %.*s: %g, want %g", (int)c[i].len,
		      c[i].term, c[i].tfidf, want);
	}
	tagar_classifier_free(&cl);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)len + 1);
	*n = b ? fread(b, 1, (size_t)len, f) : 0;
	fclose(f);
	return b;
}

static void test_roundtrip(tally *t, tagar_model *m, const char *path)
{
	tagar_err e = {0, ""};
	CHECK(t, tagar_model_save(m, path, &e) == 0, "save: %s", e.msg);
	tagar_model *l = tagar_model_load(path, &e);
	CHECK(t, l != NULL, "load: %s", e.msg);
	if (!l)
		return;
	CHECK(t, tagar_model_ntags(l) == 2 && strcmp(tagar_model_tag(l, 1), "Y") == 0, "tags kept");
	CHECK(t, tagar_model_nterms(l) == 5, "5 terms (got %ld)", tagar_model_nterms(l));
	CHECK(t, tagar_model_lookup(l, "gamma", 5) >= 0 && tagar_model_lookup(l, "zeta", 4) < 0, "lookup");
	CHECK(t, strstr(tagar_model_meta(l), "\"tool\"") && strstr(tagar_model_meta(l), "\"tagar " TAGAR_VERSION "\""), "metadata");
	tagar_classifier *a = tagar_classifier_new(m, NULL), *b = tagar_classifier_new(l, NULL);
	const tagar_tag_score *sa = tagar_classify(a, "T", 1, "gamma delta", 11);
	const tagar_tag_score *sb = tagar_classify(b, "T", 1, "gamma delta", 11);
	CHECK(t, sa && sb && sa[0].tag == sb[0].tag && sa[0].decision == sb[0].decision, "same scores after reload");
	tagar_classifier_free(&a);
	tagar_classifier_free(&b);
	tagar_model_free(&l);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> 8 * i);
}

/* Recomputes the header checksum, so tests reach the checks behind it. */
static void reseal(unsigned char *b, size_t n)
{
	uint64_t h = XXH3_64bits(b + 64, n - 64);
	put32(b + 32, (uint32_t)h);
	put32(b + 36, (uint32_t)(h >> 32));
}

static void test_corrupt(tally *t, const char *path)
{
	size_t n;
	unsigned char *img = (unsigned char *)slurp(path, &n), *b = malloc(n + 1);
	tagar_err e = {0, ""};
	if (!img || !b) {
		CHECK(t, 0, "read model back");
		free(img);
		free(b);
		return;
	}
	tagar_model *m = tagar_model_from_bytes(img, n, &e);
	CHECK(t, m != NULL, "pristine image loads: %s", e.msg);
	tagar_model_free(&m);
	int accepted = 0;
	for (size_t len = 0; len < n; len++)
		if ((m = tagar_model_from_bytes(img, len, &e)) != NULL) {
			accepted++;
			tagar_model_free(&m);
		}
	CHECK(t, accepted == 0, "%d truncated images accepted", accepted);
	accepted = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(b, img, n);
		b[i] ^= 0x10;
		if ((m = tagar_model_from_bytes(b, n, &e)) != NULL) {
			accepted++;
			tagar_model_free(&m);
		}
	}
	CHECK(t, accepted == 0, "%d bit-flipped images accepted (of %zu)", accepted, n);
	memcpy(b, img, n);
	uint32_t ver = (uint32_t)b[8] | (uint32_t)b[9] << 8;  /* the format this build writes */
	put32(b + 8, ver + 1);
	CHECK(t, !tagar_model_from_bytes(b, n, &e) && strstr(e.msg, "newer"), "newer format: %s", e.msg);
	put32(b + 8, ver - 1);
	CHECK(t, !tagar_model_from_bytes(b, n, &e) && strstr(e.msg, "older") && strstr(e.msg, "tagar-train"),
	      "older format: %s", e.msg);
	memcpy(b, img, n);
	put32(b + 64 + 16, 0xffffffffu);  /* first section's count, low word */
	put32(b + 64 + 20, 0x7fffffffu);
	reseal(b, n);
	CHECK(t, !tagar_model_from_bytes(b, n, &e) && strstr(e.msg, "outside"), "huge count: %s", e.msg);
	memcpy(b, img, n);
	put32(b + 28, 1000);
	CHECK(t, !tagar_model_from_bytes(b, n, &e), "huge section count refused: %s", e.msg);
	free(img);
	free(b);
}

/* The offset of section id's data in a model image, or 0. */
static size_t section_at(const unsigned char *b, size_t n, uint32_t id)
{
	uint32_t nsec = (uint32_t)b[28] | (uint32_t)b[29] << 8;
	for (uint32_t i = 0; i < nsec && 64 + (i + 1) * 24 <= n; i++) {
		const unsigned char *e = b + 64 + i * 24;
		if (((uint32_t)e[0] | (uint32_t)e[1] << 8) == id)
			return (size_t)e[8] | (size_t)e[9] << 8 | (size_t)e[10] << 16 | (size_t)e[11] << 24;
	}
	return 0;
}

/* A model whose numbers are not numbers is refused, whatever its checksum
 * says: the classifier would print NaN (invalid JSON). */
static void test_nonfinite(tally *t, const char *path)
{
	enum { SEC_IDF = 7, SEC_TAGPARAM = 9 };
	size_t n;
	unsigned char *b = (unsigned char *)slurp(path, &n);
	size_t tp = b ? section_at(b, n, SEC_TAGPARAM) : 0, idf = b ? section_at(b, n, SEC_IDF) : 0;
	CHECK(t, tp && idf, "sections found");
	if (!tp || !idf) {
		free(b);
		return;
	}
	static const double bad[] = {NAN, INFINITY, -INFINITY};
	tagar_err e = {0, ""};
	for (int k = 0; k < 4; k++)
		for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
			double keep;
			memcpy(&keep, b + tp + 8 * (size_t)k, 8);
			memcpy(b + tp + 8 * (size_t)k, &bad[i], 8);
			reseal(b, n);
			tagar_model *m = tagar_model_from_bytes(b, n, &e);
			CHECK(t, !m && strstr(e.msg, "not a finite number") && strstr(e.msg, "tag \""),
			      "tag parameter %d = %g refused: %s", k, bad[i], m ? "(loaded)" : e.msg);
			tagar_model_free(&m);
			memcpy(b + tp + 8 * (size_t)k, &keep, 8);
		}
	float inf = INFINITY;
	memcpy(b + idf, &inf, 4);
	reseal(b, n);
	tagar_model *m = tagar_model_from_bytes(b, n, &e);
	CHECK(t, !m && strstr(e.msg, "idf is not a finite number"), "infinite idf refused: %s", m ? "(loaded)" : e.msg);
	tagar_model_free(&m);
	free(b);
}

static void test_determinism(tally *t, tagar_corpus *c, const char *p1, const char *p2)
{
	tagar_model *a = train_tiny(c, 1), *b = train_tiny(c, 2);
	tagar_err e;
	size_t n1 = 0, n2 = 0;
	char *x = NULL, *y = NULL;
	if (a && b && !tagar_model_save(a, p1, &e) && !tagar_model_save(b, p2, &e)) {
		x = slurp(p1, &n1);
		y = slurp(p2, &n2);
	}
	CHECK(t, x && y && n1 == n2 && memcmp(x, y, n1) == 0, "same data, options and seed: same bytes (1 vs 2 workers)");
	free(x);
	free(y);
	tagar_model_free(&a);
	tagar_model_free(&b);
}

/* A stemmed stopword can equal a kept word's stem ("was" -> "wa"): the
 * classifier must drop stopwords before stemming, as training did. */
static void test_stemmed_stopword(tally *t)
{
	static const char *const lines[] = {
		"{\"text\": \"wa wa market\", \"tags\": [\"X\"]}",
		"{\"text\": \"wa grain\", \"tags\": [\"X\"]}",
		"{\"text\": \"market grain\", \"tags\": [\"Y\"]}",
		"{\"text\": \"grain market\", \"tags\": [\"Y\"]}",
	};
	tagar_corpus c = {calloc(4, sizeof(tagar_record)), 4, 4};
	for (int i = 0; c.rec && i < 4; i++)
		tagar_record_parse_json(lines[i], strlen(lines[i]), 1, &c.rec[i], NULL);
	tagar_text_opts to;
	tagar_train_opts tr;
	tagar_text_opts_default(&to);
	tagar_train_opts_default(&tr);
	to.stem = TAGAR_STEM_ENGLISH;
	to.stopwords = TAGAR_STOP_EN;
	tr.min_df_count = 1;
	tr.max_df = 1.0;
	tr.folds = 2;
	tagar_stopset *stop = tagar_stopset_new(TAGAR_STOP_EN, NULL, 0);
	tagar_train_ctl ctl = {0};
	tagar_model *m = NULL;
	CHECK(t, tagar_train(&c, &to, stop, &tr, &ctl, &m, NULL, NULL) == 0, "stemmed model trained");
	tagar_classifier *cl = m ? tagar_classifier_new(m, NULL) : NULL;
	tagar_contrib x[4];
	CHECK(t, cl && tagar_classify(cl, "", 0, "was", 3) && tagar_explain(cl, 0, x, 4) == 0,
	      "the stopword 'was' does not count as the term 'wa'");
	tagar_classifier_free(&cl);
	tagar_model_free(&m);
	tagar_stopset_free(&stop);
	tagar_corpus_free(&c);
}

static void test_model(tally *t)
{
	tagar_corpus c;
	char p1[] = "/tmp/tagar-unit-XXXXXX", p2[] = "/tmp/tagar-unit-XXXXXX";
	int f1 = mkstemp(p1), f2 = mkstemp(p2);
	close(f1);
	close(f2);
	CHECK(t, tiny_corpus(&c) == 0, "tiny corpus");
	tagar_model *m = train_tiny(&c, 1);
	CHECK(t, m != NULL, "trained");
	if (m) {
		test_tfidf(t, m);
		test_roundtrip(t, m, p1);
		test_corrupt(t, p1);
		test_nonfinite(t, p1);
	}
	test_determinism(t, &c, p1, p2);
	tagar_model_free(&m);
	tagar_corpus_free(&c);
	unlink(p1);
	unlink(p2);
}

/* ------------------------------------------------------- libsvm Gram */

/* libsvm's dot(): the products of the common terms, in term order (here
 * by a search, to be a second opinion on the library's merge). */
static double merged_dot(const struct svm_node *x, const struct svm_node *y)
{
	double s = 0;
	for (; x->index != -1; x++) {
		const struct svm_node *p = y;
		while (p->index != -1 && p->index < x->index)
			p++;
		if (p->index == x->index)
			s += x->value * p->value;
	}
	return s;
}

/* n records of pseudo-random words from a 24-word vocabulary. */
static int gram_corpus(tagar_corpus *c, int n)
{
	uint64_t r = 7;
	memset(c, 0, sizeof *c);
	if (!(c->rec = calloc((size_t)n, sizeof *c->rec)))
		return -1;
	c->cap = n;
	for (int d = 0; d < n; d++) {
		char line[512], *p = line + sprintf(line, "{\"text\": \"");
		for (int w = 0; w < 3 + d % 7; w++) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			p += sprintf(p, "w%d ", (int)(r >> 59) % 24);
		}
		sprintf(p, "\", \"tags\": [\"%s\"]}", d % 3 ? "A" : "B");
		if (tagar_record_parse_json(line, strlen(line), 1, &c->rec[d], NULL))
			return -1;
		c->n = d + 1;
	}
	return 0;
}

/* Every value as libsvm computes it from the sparse rows, bit for bit,
 * in its PRECOMPUTED layout. */
static int gram_mismatches(const tagar_gram *g, const tagar_job *jb)
{
	int bad = 0;
	struct svm_node **x = jb->mx->svm;
	for (int i = 0; i < g->n; i++) {
		bad += g->row[i][0].index != 0 || g->row[i][0].value != i + 1 || g->row[i][g->n + 1].index != -1;
		for (int j = 0; j < g->n; j++) {
			double dot = merged_dot(x[i], x[j]), want = dot;
			if (jb->o->kernel == TAGAR_KERNEL_RBF)
				want = exp(-jb->gamma * (merged_dot(x[i], x[i]) + merged_dot(x[j], x[j]) - 2 * dot));
			bad += g->row[i][j + 1].index != j + 1 || g->row[i][j + 1].value != want;
		}
	}
	return bad;
}

static void test_gram(tally *t)
{
	tagar_corpus c;
	tagar_matrix mx;
	tagar_text_opts to;
	tagar_train_opts o;
	tagar_text_opts_default(&to);
	tagar_train_opts_default(&o);
	to.stopwords = 0;
	int ok = gram_corpus(&c, 40) == 0 && tagar_matrix_build(&mx, &c, &to, NULL, 1, 1.0, 1, NULL) == 0;
	CHECK(t, ok, "Gram test corpus and matrix");
	if (!ok) {
		tagar_corpus_free(&c);
		return;
	}
	tagar_job jb = {.c = &c, .o = &o, .mx = &mx, .gamma = 0.5};
	tagar_gram g1 = {0}, g3 = {0};
	CHECK(t, tagar_gram_fill(&g1, &jb, 1) == 0 && gram_mismatches(&g1, &jb) == 0, "linear Gram = libsvm's dot");
	CHECK(t, tagar_gram_fill(&g3, &jb, 3) == 0 && g3.n == 40 &&
	      memcmp(g1.space, g3.space, (size_t)40 * 42 * sizeof *g1.space) == 0, "1 and 3 threads: same bytes");
	o.kernel = TAGAR_KERNEL_RBF;
	CHECK(t, tagar_gram_fill(&g1, &jb, 2) == 0 && gram_mismatches(&g1, &jb) == 0, "RBF Gram, gamma 0.5");
	jb.gamma = 2;
	CHECK(t, tagar_gram_fill(&g1, &jb, 2) == 0 && gram_mismatches(&g1, &jb) == 0, "refilled for gamma 2");
	CHECK(t, tagar_gram_bytes(40) == 40.0 * 42 * sizeof(struct svm_node) + 40.0 * sizeof(void *), "size estimate");
	tagar_gram_free(&g1);
	tagar_gram_free(&g3);
	tagar_matrix_free(&mx);
	tagar_corpus_free(&c);
}

/* Issue 11: repeats removed in first-listed order; a member's raw text;
 * formats told by the root's local name; UTF-16/32 told and converted. */
static void test_reading(tally *t)
{
	const char *in[] = {"a", "b", "a", "c", "b", "a"};
	char *tags[6];
	int n = 6;
	for (int i = 0; i < n; i++)
		tags[i] = strdup(in[i]);
	CHECK(t, tagar_tags_dedupe(tags, &n) == 0 && n == 3 && !strcmp(tags[0], "a") && !strcmp(tags[1], "b") &&
		 !strcmp(tags[2], "c"), "dedupe keeps a, b, c in order (%d left)", n);
	for (int i = 0; i < n; i++)
		free(tags[i]);

	const char *line = "{\"x\": {\"id\": 5, \"a\": [1, {\"b\": \"}\\\"\"}]}, \"i\\u0064\": 12345678901234567890, \"id\": 7}";
	const char *v;
	size_t vn;
	CHECK(t, tagar_jsonline_member(line, strlen(line), "id", &v, &vn) && vn == 20 && !memcmp(v, "12345678901234567890", 20),
	      "the first top-level id, its key escaped, as written");
	CHECK(t, !tagar_jsonline_member("{\"x\": 1}", 8, "id", &v, &vn), "no id: none found");

	static const struct { const char *doc; tagar_doc_format f; } docs[] = {
		{"<?xml version=\"1.0\"?>\n<!DOCTYPE rss PUBLIC \"-//N//DTD RSS 0.91//EN\" \"x.dtd\">\n<rss>", TAGAR_DOC_FEED},
		{"<!-- c --><?pi x?><a:feed xmlns:a=\"http://www.w3.org/2005/Atom\">", TAGAR_DOC_FEED},
		{"<!DOCTYPE rss [ <!ENTITY a \"<b>\"> ]><rss>", TAGAR_DOC_FEED},
		{"<rdf:RDF>", TAGAR_DOC_FEED},
		{"<!DOCTYPE html><html>", TAGAR_DOC_HTML},
		{"<feedback>", TAGAR_DOC_HTML},
		{"\xEF\xBB\xBF \n{\"id\": 1}", TAGAR_DOC_JSONL},
		{"__label__a b", TAGAR_DOC_FASTTEXT},
		{"Judul\nisi", TAGAR_DOC_TEXT}};
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
		CHECK(t, tagar_sniff(docs[i].doc, strlen(docs[i].doc)) == docs[i].f, "sniff %zu: %d", i,
		      (int)tagar_sniff(docs[i].doc, strlen(docs[i].doc)));

	size_t bom, len;
	tagar_err err = {0, ""};
	CHECK(t, !strcmp(tagar_wide_encoding("\xFF\xFEK\0", 4, &bom), "UTF-16LE") && bom == 2, "UTF-16LE by BOM");
	CHECK(t, !strcmp(tagar_wide_encoding("\0K\0P\0K\0 \0a\0b", 12, &bom), "UTF-16BE") && bom == 0, "UTF-16BE by NULs");
	CHECK(t, !strcmp(tagar_wide_encoding("K\0\0\0P\0\0\0K\0\0\0", 12, &bom), "UTF-32LE"), "UTF-32LE by NULs");
	CHECK(t, tagar_wide_encoding("KPK tahan", 9, &bom) == NULL, "UTF-8 is not wide");
	char *u = tagar_wide_to_utf8("\xFE\xFF\0K\0P\0K", 8, &len, &err);
	CHECK(t, u && len == 3 && !strcmp(u, "KPK"), "UTF-16BE converted");
	free(u);
	CHECK(t, !tagar_wide_to_utf8("\xFF\xFEK\0\0\xDC", 6, &len, &err) && strstr(err.msg, "invalid character at byte 5"),
	      "a lone surrogate is refused: %s", err.msg);
}

int main(void)
{
	tally t = {0, 0};
	test_tokenizer(&t);
	test_stopwords(&t);
	test_stemming(&t);
	test_ngrams(&t);
	test_lead_view(&t);
	test_url_title(&t);
	test_fast_lane(&t);
	test_clean_prefilter(&t);
	test_threshold(&t);
	test_negative_cut(&t);
	test_single_example_cap(&t);
	test_micro_floor(&t);
	test_micro_floor_reach(&t);
	test_micro_floor_cv(&t);
	test_micro_floor_refused(&t);
	test_platt_refit(&t);
	test_platt(&t);
	test_records(&t);
	test_jsonline(&t);
	test_numbers(&t);
	test_model(&t);
	test_stemmed_stopword(&t);
	test_gram(&t);
	test_reading(&t);
	printf("unit: %d passed, %d failed\n", t.passed, t.failed);
	return t.failed ? 1 : 0;
}
