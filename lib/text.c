/* text.c - normalisation, tokenisation, stopwords, stemming, n-grams.
 *
 * Most news text is ASCII, so ASCII bytes are classified and lower-cased
 * by table; only tokens that contain other characters go through utf8proc
 * (NFKC, case fold, marks stripped, lumping), as utf8proc_map on every byte
 * would cost most of the time budget. */
#include "internal.h"

#include "stemso.h"
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum { C_OTHER, C_LETTER, C_DIGIT, C_MARK, C_DASH, C_NUMSEP };

struct tagar_stopset {
	char **w;                 /* sorted, each word in text */
	int n;
	char *text;               /* the words, NUL-terminated, one allocation */
	size_t used, size;
};

struct tagar_tokenizer {
	tagar_text_opts o;
	const tagar_stopset *stop;
	struct sb_stemmer *stemmer;
	const tagar_stemso *sb;       /* libstemmer's functions, when stemming */
	tagar_buf tok;          /* the raw token being collected (scratch: toklen */
	size_t toklen;          /* is its length, kept apart for the hot loop) */
	tagar_buf arena;        /* the span's final tokens, back to back */
	size_t *toff, *tlen;    /* offsets and lengths of tokens in arena */
	size_t ntok, tcap;
	tagar_buf feat;         /* one n-gram (scratch) */
	tagar_buf norm;         /* tagar_normalize's output */
	tagar_feature_fn fn;    /* unigram-only: tokens go straight here */
	void *ud;
	double weight;
	int direct;             /* fn set, and no stopwords, stemming or number test */
	tagar_feature_fn observe;  /* every token, before the stopword and number tests */
	void *observe_ud;
	/* the lead view (tagar_text_opts.lead_view): tokens of this span so far,
	 * stopwords counted; the kept ones among the first lead_tokens (n-grams:
	 * the arena's first nlead) are features again, marked */
	size_t seen, nlead;
	int lead;               /* in the lead of a span with a lead view */
	int direct_after_lead;  /* the direct lanes may take the rest of the span */
	tagar_buf leadfeat;     /* one marked lead feature (scratch) */
};

void tagar_text_opts_default(tagar_text_opts *o)
{
	o->ngram_max = 1;
	o->stem = TAGAR_STEM_AUTO;
	o->stopwords = TAGAR_STOP_ID | TAGAR_STOP_EN;
	o->drop_numbers = 0;
	o->title_weight = 2.0;
	o->boilerplate = 0;  /* the library has no pattern list; tagar-train loads one */
	o->lead_view = 1;   /* README, "Tag quality, fourth round" */
	o->lead_tokens = 50;
}

/* ------------------------------------------------------------ stopwords */

/* Function words only.  Topic-bearing words (kasus, pihak, tahun, negara,
 * pemerintah ...) are deliberately absent: they carry tags. */
static const char *const stop_id[] = {
	"ada", "adalah", "agar", "akan", "aku", "anda", "antara", "apa", "apakah",
	"atas", "atau", "bagaimana", "bagi", "bahkan", "bahwa", "banyak", "baru",
	"begitu", "belum", "beliau", "berbagai", "beberapa", "bisa", "dalam", "dan",
	"dapat", "dari", "demikian", "dengan", "di", "dia", "hal", "hanya", "harus",
	"hingga", "ia", "ini", "itu", "jadi", "jika", "juga", "kalau", "kami",
	"kamu", "karena", "kata", "ke", "kembali", "kemudian", "kepada", "ketika",
	"kita", "lagi", "lain", "lalu", "lebih", "maka", "masih", "melalui",
	"mereka", "misalnya", "mulai", "namun", "nya", "oleh", "pada", "para",
	"perlu", "pula", "pun", "saat", "saja", "sama", "sampai", "sangat", "saya",
	"se", "sebagai", "sebelum", "sedang", "sehingga", "sejak", "sekitar",
	"seluruh", "semua", "sementara", "seperti", "serta", "setelah", "sudah",
	"supaya", "tak", "tapi", "telah", "tentang", "tersebut", "tetapi", "tidak",
	"ujar", "ungkap", "untuk", "yaitu", "yakni", "yang",
};

static const char *const stop_en[] = {
	"a", "about", "after", "all", "also", "an", "and", "any", "are", "as",
	"at", "be", "been", "before", "being", "between", "both", "but", "by",
	"can", "could", "did", "do", "does", "during", "each", "for", "from",
	"had", "has", "have", "he", "her", "him", "his", "how", "i", "if", "in",
	"into", "is", "it", "its", "may", "more", "most", "no", "not", "of", "on",
	"or", "other", "our", "over", "said", "she", "should", "so", "some",
	"such", "than", "that", "the", "their", "them", "then", "there", "these",
	"they", "this", "those", "through", "to", "under", "up", "was", "we",
	"were", "what", "when", "which", "while", "who", "will", "with", "would",
	"you",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int stop_add(tagar_stopset *s, const char *w, size_t n, int *cap)
{
	if (n == 0)
		return 0;
	if (s->n == *cap) {
		int nc = *cap ? *cap * 2 : 256;
		char **nw = realloc(s->w, (size_t)nc * sizeof *nw);
		if (!nw)
			return -1;
		s->w = nw;
		*cap = nc;
	}
	if (n + 1 > s->size - s->used)
		return -1;  /* cannot happen: tagar_stopset_new sized text for every word */
	char *c = s->text + s->used;
	s->used += n + 1;
	for (size_t i = 0; i < n; i++)
		c[i] = (w[i] >= 'A' && w[i] <= 'Z') ? (char)(w[i] + 32) : w[i];
	c[n] = 0;
	s->w[s->n++] = c;
	return 0;
}

static size_t list_bytes(const char *const *list, size_t n)
{
	size_t b = 0;
	for (size_t i = 0; i < n; i++)
		b += strlen(list[i]) + 1;
	return b;
}

static int sorted(char *const *w, int n)
{
	for (int i = 1; i < n; i++)
		if (strcmp(w[i - 1], w[i]) > 0)
			return 0;
	return 1;
}

/* The words go into one allocation (a model's list is read at every
 * start-up: a malloc and a free per word were a third of its cost), and a
 * list already sorted, as every model's is, is not sorted again. */
tagar_stopset *tagar_stopset_new(int flags, const char *words, size_t len)
{
	tagar_stopset *s = calloc(1, sizeof *s);
	int cap = 0, bad = 0;
	if (!s)
		return NULL;
	s->size = (flags & TAGAR_STOP_ID ? list_bytes(stop_id, sizeof stop_id / sizeof *stop_id) : 0) +
		  (flags & TAGAR_STOP_EN ? list_bytes(stop_en, sizeof stop_en / sizeof *stop_en) : 0) +
		  (words ? len : 0) + 1;  /* a word of the list and its line end, or the last word and its NUL */
	if (!(s->text = malloc(s->size))) {
		free(s);
		return NULL;
	}
	if (flags & TAGAR_STOP_ID)
		for (size_t i = 0; i < sizeof stop_id / sizeof *stop_id; i++)
			bad |= stop_add(s, stop_id[i], strlen(stop_id[i]), &cap);
	if (flags & TAGAR_STOP_EN)
		for (size_t i = 0; i < sizeof stop_en / sizeof *stop_en; i++)
			bad |= stop_add(s, stop_en[i], strlen(stop_en[i]), &cap);
	for (size_t i = 0; words && i < len;) {
		size_t j = i;
		while (j < len && words[j] != '\n' && words[j] != '\r')
			j++;
		size_t a = i, b = j;
		while (a < b && (words[a] == ' ' || words[a] == '\t'))
			a++;
		while (b > a && (words[b - 1] == ' ' || words[b - 1] == '\t'))
			b--;
		if (b > a && words[a] != '#')
			bad |= stop_add(s, words + a, b - a, &cap);
		i = j + 1;
	}
	if (bad) {
		tagar_stopset_free(&s);
		return NULL;
	}
	if (s->n && !sorted(s->w, s->n))
		qsort(s->w, (size_t)s->n, sizeof *s->w, cmp_str);
	int k = 0;  /* drop duplicates so the dump is canonical */
	for (int i = 0; i < s->n; i++)
		if (!k || strcmp(s->w[k - 1], s->w[i]) != 0)
			s->w[k++] = s->w[i];
	s->n = k;
	return s;
}

void tagar_stopset_free(tagar_stopset **sp)
{
	if (!sp || !*sp)
		return;
	free((*sp)->text);
	free((*sp)->w);
	free(*sp);
	*sp = NULL;
}

int tagar_stopset_has(const tagar_stopset *s, const char *w, size_t n)
{
	if (!s)
		return 0;
	int lo = 0, hi = s->n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		const char *m = s->w[mid];
		int c = strncmp(m, w, n);
		if (c == 0)
			c = m[n] ? 1 : 0;
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

char *tagar_stopset_dump(const tagar_stopset *s, size_t *len)
{
	size_t n = 0;
	for (int i = 0; s && i < s->n; i++)
		n += strlen(s->w[i]) + 1;
	char *out = malloc(n + 1), *p = out;
	if (!out)
		return NULL;
	for (int i = 0; s && i < s->n; i++) {
		size_t l = strlen(s->w[i]);
		memcpy(p, s->w[i], l);
		p[l] = '\n';
		p += l + 1;
	}
	*p = 0;
	*len = n;
	return out;
}

/* ------------------------------------------------------------ tokenizer */

typedef struct {
	const tagar_stopset *id, *en;
	long hits_id, hits_en;
} lang_count;

static void count_language(const char *f, size_t n, double w, void *ud)
{
	lang_count *l = ud;
	(void)w;
	l->hits_id += tagar_stopset_has(l->id, f, n);
	l->hits_en += tagar_stopset_has(l->en, f, n);
}

int tagar_auto_stemmer(const tagar_corpus *c)
{
	tagar_text_opts o;
	tagar_text_opts_default(&o);
	o.ngram_max = 1;
	o.stem = TAGAR_STEM_NONE;
	o.lead_view = 0;
	tagar_stopset *id = tagar_stopset_new(TAGAR_STOP_ID, NULL, 0), *en = tagar_stopset_new(TAGAR_STOP_EN, NULL, 0);
	tagar_tokenizer *tk = tagar_tokenizer_new(&o, NULL);
	lang_count l = {id, en, 0, 0};
	for (int d = 0; tk && id && en && d < c->n && d < 500; d++)
		tagar_features(tk, c->rec[d].text, strlen(c->rec[d].text), 1, count_language, &l);
	tagar_tokenizer_free(&tk);
	tagar_stopset_free(&id);
	tagar_stopset_free(&en);
	return l.hits_en > 2 * l.hits_id ? TAGAR_STEM_ENGLISH : TAGAR_STEM_NONE;
}

tagar_tokenizer *tagar_tokenizer_new(const tagar_text_opts *o, const tagar_stopset *stop)
{
	tagar_tokenizer *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->o = *o;
	t->stop = stop;
	if (o->stem > TAGAR_STEM_NONE) {
		const char *alg = o->stem == TAGAR_STEM_ENGLISH ? "english" : "indonesian";
		t->sb = tagar_stemso_get(NULL, 0);
		t->stemmer = t->sb ? t->sb->sb_stemmer_new(alg, "UTF_8") : NULL;
		if (!t->stemmer) {
			free(t);
			return NULL;
		}
	}
	return t;
}

void tagar_tokenizer_free(tagar_tokenizer **tp)
{
	if (!tp || !*tp)
		return;
	tagar_tokenizer *t = *tp;
	if (t->stemmer)
		t->sb->sb_stemmer_delete(t->stemmer);
	tagar_buf_free(&t->tok);
	tagar_buf_free(&t->arena);
	free(t->toff);
	free(t->tlen);
	tagar_buf_free(&t->feat);
	tagar_buf_free(&t->norm);
	tagar_buf_free(&t->leadfeat);
	free(t);
	*tp = NULL;
}

static int class_of_category(utf8proc_category_t c)
{
	switch (c) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
		return C_LETTER;
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
		return C_MARK;
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return C_DIGIT;
	default:
		return C_OTHER;
	}
}

/* Class of the character at s (n > 0 bytes left); *len gets its size. */
static int char_class(const unsigned char *s, size_t n, size_t *len)
{
	unsigned char b = s[0];
	*len = 1;
	if (b < 0x80) {
		if ((b | 32) >= 'a' && (b | 32) <= 'z')
			return C_LETTER;
		if (b >= '0' && b <= '9')
			return C_DIGIT;
		if (b == '-')
			return C_DASH;
		if (b == '.' || b == ',')
			return C_NUMSEP;
		return C_OTHER;
	}
	utf8proc_int32_t cp;
	utf8proc_ssize_t l = utf8proc_iterate(s, (utf8proc_ssize_t)(n < 4 ? n : 4), &cp);
	if (l < 1)
		return C_OTHER;
	*len = (size_t)l;
	if (cp == 0x2010 || cp == 0x2011)  /* hyphen, non-breaking hyphen */
		return C_DASH;
	return class_of_category(utf8proc_category(cp));
}

static int is_number(const char *s, size_t n)
{
	if (n == 0 || s[0] < '0' || s[0] > '9')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == ','))
			return 0;
	return 1;
}

static int emit_token(tagar_tokenizer *t, const char *w, size_t n);

/* A token of the lead, as its lead feature: TAGAR_LEAD_MARK then the token,
 * counting lead_view whatever the span's weight (a title token counts in the
 * lead once, not title_weight times). */
static int emit_lead(tagar_tokenizer *t, const char *w, size_t n, tagar_feature_fn fn, void *ud)
{
	if (tagar_buf_grow(&t->leadfeat, n + 1))
		return TAGAR_ENOMEM;
	t->leadfeat.p[0] = TAGAR_LEAD_MARK;
	memcpy(t->leadfeat.p + 1, w, n);
	fn(t->leadfeat.p, n + 1, t->o.lead_view, ud);
	return 0;
}

/* The stemmed form of *w (when the tokenizer stems): 1 with *w, *n set to
 * it, 0 when stemming leaves nothing, -1 when out of memory. */
static inline int stem_token(tagar_tokenizer *t, const char **w, size_t *n)
{
	if (!t->stemmer)
		return 1;
	const sb_symbol *st = t->sb->sb_stemmer_stem(t->stemmer, (const sb_symbol *)*w, (int)*n);
	if (!st)
		return -1;
	*w = (const char *)st;
	*n = (size_t)t->sb->sb_stemmer_length(t->stemmer);
	return *n != 0;
}

/* An observed token: shown to the observer, then kept unless it is a
 * stopword or a dropped number.  A dropped token is shown unstemmed, as
 * stemming a function word would cost time and tell nothing. */
static int push_observed(tagar_tokenizer *t, const char *w, size_t n)
{
	if ((t->o.drop_numbers && is_number(w, n)) || tagar_stopset_has(t->stop, w, n)) {
		t->observe(w, n, 1.0, t->observe_ud);
		return 0;
	}
	int k = stem_token(t, &w, &n);
	if (k <= 0)
		return k;
	t->observe(w, n, 1.0, t->observe_ud);
	return emit_token(t, w, n);
}

/* Appends the accepted form of a token to the arena. */
static int push_token(tagar_tokenizer *t, const char *w, size_t n)
{
	t->seen += n != 0;
	if (t->lead && t->seen > (size_t)t->o.lead_tokens) {  /* the lead is over */
		t->lead = 0;
		t->direct = t->direct_after_lead;
	}
	if (n && t->observe)
		return push_observed(t, w, n);
	if (n == 0 || (t->o.drop_numbers && is_number(w, n)) || tagar_stopset_has(t->stop, w, n))
		return 0;
	int k = stem_token(t, &w, &n);
	if (k <= 0)
		return k;
	return emit_token(t, w, n);
}

/* A kept token: to the callback, or (n-grams) into the arena. */
static int emit_token(tagar_tokenizer *t, const char *w, size_t n)
{
	int in_lead = t->lead;  /* push_token ends the lead after its last token */
	if (t->fn) {
		t->fn(w, n, t->weight, t->ud);
		return in_lead ? emit_lead(t, w, n, t->fn, t->ud) : 0;
	}
	t->nlead += (size_t)in_lead;
	if (tagar_buf_reserve(&t->arena, n))
		return -1;
	if (t->ntok == t->tcap) {
		size_t nc = t->tcap ? t->tcap * 2 : 256;
		size_t *a = realloc(t->toff, nc * sizeof *a);
		if (!a)
			return -1;
		t->toff = a;
		size_t *b = realloc(t->tlen, nc * sizeof *b);
		if (!b)
			return -1;
		t->tlen = b;
		t->tcap = nc;
	}
	memcpy(t->arena.p + t->arena.len, w, n);
	t->toff[t->ntok] = t->arena.len;
	t->tlen[t->ntok++] = n;
	t->arena.len += n;
	return 0;
}

/* A token with non-ASCII characters: NFKC, case fold, strip marks, lump;
 * then keep only letters, digits and the joiners, as normalisation may
 * have produced others (e.g. a fraction slash from NFKC). */
static int finish_unicode_token(tagar_tokenizer *t)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)t->tok.p, (utf8proc_ssize_t)t->toklen,
					  &out, UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
					  UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_LUMP);
	if (n < 0)
		return 0;  /* cannot happen for text we validated; drop the token */
	size_t k = 0;
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = utf8proc_iterate(out + i, n - i, &cp);
		if (l < 1)
			break;
		int c = class_of_category(utf8proc_category(cp));
		if (c == C_LETTER || c == C_DIGIT || cp == '-' || cp == '.' || cp == ',') {
			memmove(out + k, out + i, (size_t)l);
			k += (size_t)l;
		}
		i += l;
	}
	int rc = push_token(t, (const char *)out, k);
	free(out);
	return rc;
}

static int flush_token(tagar_tokenizer *t, int nonascii)
{
	int rc = 0;
	/* a trailing joiner cannot happen: joiners are only taken before a
	 * character that continues the token */
	if (t->toklen)
		rc = nonascii ? finish_unicode_token(t) : push_token(t, t->tok.p, t->toklen);
	t->toklen = 0;
	return rc;
}

/* Ends the token being collected.  An ASCII token that needs no stopword
 * test, stemming or number check goes straight to the callback: the
 * common case, without the calls. */
static inline int end_token(tagar_tokenizer *t, int nonascii)
{
	if (!t->toklen)
		return 0;
	if (!nonascii && t->direct) {
		t->fn(t->tok.p, t->toklen, t->weight, t->ud);
		t->toklen = 0;
		return 0;
	}
	return flush_token(t, nonascii);
}

/* Class of each ASCII byte: the hot loop reads this table, not char_class. */
static const unsigned char ASCII_CLASS[128] = {
	['0'] = C_DIGIT, ['1'] = C_DIGIT, ['2'] = C_DIGIT, ['3'] = C_DIGIT, ['4'] = C_DIGIT,
	['5'] = C_DIGIT, ['6'] = C_DIGIT, ['7'] = C_DIGIT, ['8'] = C_DIGIT, ['9'] = C_DIGIT,
	['A'] = C_LETTER, ['B'] = C_LETTER, ['C'] = C_LETTER, ['D'] = C_LETTER, ['E'] = C_LETTER,
	['F'] = C_LETTER, ['G'] = C_LETTER, ['H'] = C_LETTER, ['I'] = C_LETTER, ['J'] = C_LETTER,
	['K'] = C_LETTER, ['L'] = C_LETTER, ['M'] = C_LETTER, ['N'] = C_LETTER, ['O'] = C_LETTER,
	['P'] = C_LETTER, ['Q'] = C_LETTER, ['R'] = C_LETTER, ['S'] = C_LETTER, ['T'] = C_LETTER,
	['U'] = C_LETTER, ['V'] = C_LETTER, ['W'] = C_LETTER, ['X'] = C_LETTER, ['Y'] = C_LETTER,
	['Z'] = C_LETTER,
	['a'] = C_LETTER, ['b'] = C_LETTER, ['c'] = C_LETTER, ['d'] = C_LETTER, ['e'] = C_LETTER,
	['f'] = C_LETTER, ['g'] = C_LETTER, ['h'] = C_LETTER, ['i'] = C_LETTER, ['j'] = C_LETTER,
	['k'] = C_LETTER, ['l'] = C_LETTER, ['m'] = C_LETTER, ['n'] = C_LETTER, ['o'] = C_LETTER,
	['p'] = C_LETTER, ['q'] = C_LETTER, ['r'] = C_LETTER, ['s'] = C_LETTER, ['t'] = C_LETTER,
	['u'] = C_LETTER, ['v'] = C_LETTER, ['w'] = C_LETTER, ['x'] = C_LETTER, ['y'] = C_LETTER,
	['z'] = C_LETTER,
	['-'] = C_DASH, ['.'] = C_NUMSEP, [','] = C_NUMSEP,
};

/* ASCII letters lower-cased and digits as they are; 0 for everything else
 * (including bytes of multi-byte characters). */
static const unsigned char ASCII_TOKEN[256] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
	['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
	['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
	['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
	['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
	['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
	['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
};

#ifdef __SSE2__
#include <emmintrin.h>

/* Of 16 bytes: the mask of ASCII letters and digits, and the bytes
 * lower-cased (OR 0x20 lower-cases a letter and leaves a digit as it is;
 * other bytes are never kept).  Bytes of 0x80 and above are negative as
 * signed chars, so they fall outside both ranges. */
static unsigned alnum_mask(const unsigned char *s, __m128i *lower)
{
	__m128i v = _mm_loadu_si128((const __m128i *)s);
	__m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lo, _mm_set1_epi8('a' - 1)),
				       _mm_cmplt_epi8(lo, _mm_set1_epi8('z' + 1)));
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
				      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	*lower = lo;
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit));
}
#endif

/* Copies a run of ASCII letters and digits, lower-cased; returns its end.
 * Sixteen bytes at a time where the text allows: a token is about seven
 * bytes, so most take one step.  The token buffer has room for the bytes
 * stored past the run's end. */
static size_t ascii_run(tagar_tokenizer *t, const unsigned char *s, size_t i, size_t n, int *prev)
{
	char *out = t->tok.p + t->toklen;
	size_t start = i;
#ifdef __SSE2__
	while (i + 16 <= n) {
		__m128i lower;
		unsigned m = alnum_mask(s + i, &lower);
		_mm_storeu_si128((__m128i *)(void *)(out + (i - start)), lower);
		if (m != 0xFFFF) {
			i += (size_t)__builtin_ctz(~m);
			goto done;
		}
		i += 16;
	}
#endif
	unsigned char o;
	while (i < n && (o = ASCII_TOKEN[s[i]]) != 0)
		out[i++ - start] = (char)o;
#ifdef __SSE2__
done:
#endif
	t->toklen += i - start;
	*prev = ASCII_CLASS[s[i - 1]];
	return i;
}

/* Whether the joiner of class c at s[i] (length l) continues the token. */
static int joins(const unsigned char *s, size_t i, size_t l, size_t n, int c, int prev)
{
	if (i + l >= n)
		return 0;
	size_t l2;
	int next = char_class(s + i + l, n - i - l, &l2);
	return (c == C_DASH && prev == C_LETTER && next == C_LETTER) ||
	       (c == C_NUMSEP && prev == C_DIGIT && next == C_DIGIT);
}

#ifdef __SSE2__
/* Of 64 bytes: which are ASCII letters or digits, which are not ASCII, and
 * which are '-', '.' or ','; and the bytes lower-cased into out. */
typedef struct {
	uint64_t alnum, nonascii, joiner;
} block_masks;

static block_masks scan_block(const unsigned char *s, char *out)
{
	block_masks b = {0, 0, 0};
	for (int k = 0; k < 4; k++) {
		__m128i lower, v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * k));
		uint64_t a = alnum_mask(s + 16 * k, &lower);
		__m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
					      _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
		_mm_storeu_si128((__m128i *)(void *)(out + 16 * k),
				 _mm_or_si128(v, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
		__m128i j = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')),
					 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')),
						      _mm_cmpeq_epi8(v, _mm_set1_epi8(','))));
		b.alnum |= a << (16 * k);
		b.nonascii |= (uint64_t)(unsigned)_mm_movemask_epi8(v) << (16 * k);
		b.joiner |= (uint64_t)(unsigned)_mm_movemask_epi8(j) << (16 * k);
	}
	return b;
}

static int ascii_alnum(unsigned char c)
{
	return c < 0x80 && (ASCII_CLASS[c] == C_LETTER || ASCII_CLASS[c] == C_DIGIT);
}

/* Whether a token that reaches s[-1] may go on at s: a letter or digit,
 * any non-ASCII character, or a joiner followed by one of those. */
static int continues(const unsigned char *s)
{
	int joiner = s[0] == '-' || s[0] == '.' || s[0] == ',';
	return ascii_alnum(s[0]) || s[0] >= 0x80 || (joiner && (ascii_alnum(s[1]) || s[1] >= 0x80));
}

/* Where the word-at-a-time loop has to stop in a block: before the token
 * that contains or touches the first byte it cannot judge alone (not
 * ASCII, or a joiner with a letter or digit on both sides), so that the
 * general loop redoes that token whole.  *pending is the start of a token
 * begun in an earlier block, or SIZE_MAX. */
static size_t block_cut(size_t i, uint64_t bad, uint64_t starts, uint64_t alnum_before, size_t pending)
{
	unsigned b = (unsigned)__builtin_ctzll(bad);
	if (!(alnum_before >> b & 1))
		return i + b;
	uint64_t below = b ? starts & (~0ULL >> (64 - b)) : 0;
	if (below)
		return i + 63 - (unsigned)__builtin_clzll(below);
	return pending != SIZE_MAX ? pending : i + b;  /* (no run can be open without a start) */
}

/* The general loop's fast lane for plain ASCII text with a direct callback:
 * 64 bytes at a time, tokens are the runs of letters and digits, found and
 * lower-cased with masks and handed to the callback in place (t->tok.p holds
 * the lower-cased text at the text's offsets).  Returns where the general
 * loop goes on, with no token in progress; *retry is where trying the fast
 * lane again can make progress. */
static size_t fast_tokens(tagar_tokenizer *t, const unsigned char *s, size_t i, size_t n, size_t *retry)
{
	char *low = t->tok.p;
	uint64_t carry = 0;
	size_t pending = SIZE_MAX;
	if (i > 0 && ascii_alnum(s[i - 1])) {  /* only between tokens */
		*retry = i + 1;
		return i;
	}
	for (; i + 66 <= n; i += 64) {
		block_masks m = scan_block(s + i, low + i);
		/* a run reaching the block's end goes on if the next bytes may
		 * continue it (so "38" is not emitted before ",7" is seen) */
		uint64_t before = m.alnum << 1 | carry, after = m.alnum >> 1 | (uint64_t)continues(s + i + 64) << 63;
		uint64_t bad = m.nonascii | (m.joiner & before & (after | m.nonascii >> 1));
		uint64_t starts = m.alnum & ~before, ends = m.alnum & ~after;
		size_t cut = SIZE_MAX;
		if (bad) {  /* emit what lies before the cut, then stop */
			cut = block_cut(i, bad, starts, before, pending);
			*retry = i + (unsigned)__builtin_ctzll(bad) + 1;
			uint64_t keep = cut > i ? ~0ULL >> (64 - (cut - i)) : 0;
			starts &= keep;
			ends &= keep;
		}
		for (; ends; ends &= ends - 1) {
			size_t end = i + (unsigned)__builtin_ctzll(ends) + 1, st = pending;
			if (pending == SIZE_MAX) {
				st = i + (unsigned)__builtin_ctzll(starts);
				starts &= starts - 1;
			}
			pending = SIZE_MAX;
			t->fn(low + st, end - st, t->weight, t->ud);
		}
		if (bad)
			return cut;
		if (starts)
			pending = i + (unsigned)__builtin_ctzll(starts);
		carry = m.alnum >> 63;
	}
	*retry = i + 1;
	return pending == SIZE_MAX ? i : pending;
}
#endif

/* Splits s into the tokenizer's arena. */
static int tokenize(tagar_tokenizer *t, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	int prev = C_OTHER, nonascii = 0;
	t->arena.len = t->ntok = 0;
	t->toklen = 0;
	/* a raw token is never longer than the text; ascii_run stores up to 16
	 * bytes past the end of one */
	if (tagar_buf_grow(&t->tok, n + 17))
		return TAGAR_ENOMEM;
	size_t retry = 0;
	for (size_t i = 0; i < n;) {
#ifdef __SSE2__
		if (t->direct && !t->toklen && i >= retry && i + 66 <= n) {
			i = fast_tokens(t, s, i, n, &retry);
			prev = C_OTHER;
			nonascii = 0;
			continue;
		}
#endif
		if (ASCII_TOKEN[s[i]]) {
			i = ascii_run(t, s, i, n, &prev);
			continue;
		}
		if (s[i] < 0x80) {  /* space, punctuation, or a joiner between ASCII */
			int c = ASCII_CLASS[s[i]], want = c == C_DASH ? C_LETTER : c == C_NUMSEP ? C_DIGIT : C_OTHER;
			int next = i + 1 < n && s[i + 1] < 0x80 ? ASCII_CLASS[s[i + 1]] : -1;
			if (want == C_OTHER || prev != want || !t->toklen || i + 1 == n || (next >= 0 && next != want)) {
				if (end_token(t, nonascii))
					return TAGAR_ENOMEM;
				nonascii = 0;
				prev = C_OTHER;
				i++;
				continue;
			}
			if (next >= 0) {  /* "kira-kira", "1.200": the joiner stays */
				t->tok.p[t->toklen++] = (char)s[i++];
				prev = c;
				continue;
			}
		}
		size_t l;
		int c = char_class(s + i, n - i, &l);
		if ((c == C_DASH || c == C_NUMSEP) && t->toklen && joins(s, i, l, n, c, prev)) {
			t->tok.p[t->toklen++] = c == C_DASH ? '-' : (char)s[i];
			prev = c;
		} else if (c == C_LETTER || c == C_DIGIT || c == C_MARK) {
			memcpy(t->tok.p + t->toklen, s + i, l);
			t->toklen += l;
			nonascii = 1;
			if (c != C_MARK)
				prev = c;
		} else {
			if (end_token(t, nonascii))
				return TAGAR_ENOMEM;
			nonascii = 0;
			prev = C_OTHER;
		}
		i += l;
	}
	return end_token(t, nonascii) ? TAGAR_ENOMEM : 0;
}

int tagar_features(tagar_tokenizer *t, const char *s, size_t n, double weight,
		   tagar_feature_fn fn, void *ud)
{
	int N = t->o.ngram_max < 1 ? 1 : t->o.ngram_max;
	t->seen = t->nlead = 0;
	t->lead = t->o.lead_view > 0 && t->o.lead_tokens > 0;
	if (N == 1) {  /* no n-grams to join: skip the arena */
		t->fn = fn;
		t->ud = ud;
		t->weight = weight;
		/* the direct lanes count no tokens: the lead goes through push_token,
		 * which hands the rest of the span back to them */
		t->direct_after_lead = !t->stop && !t->stemmer && !t->o.drop_numbers && !t->observe;
		t->direct = t->direct_after_lead && !t->lead;
		int rc = tokenize(t, s, n);
		t->fn = NULL;
		t->direct = 0;
		return rc;
	}
	if (tokenize(t, s, n))
		return TAGAR_ENOMEM;
	for (size_t i = 0; i < t->ntok; i++) {
		fn(t->arena.p + t->toff[i], t->tlen[i], weight, ud);
		if (i < t->nlead && emit_lead(t, t->arena.p + t->toff[i], t->tlen[i], fn, ud))
			return TAGAR_ENOMEM;
		size_t len = t->tlen[i];
		for (int k = 1; k < N && i + (size_t)k < t->ntok; k++) {
			size_t j = i + (size_t)k;
			if (tagar_buf_grow(&t->feat, len + 1 + t->tlen[j]))
				return TAGAR_ENOMEM;
			if (k == 1)
				memcpy(t->feat.p, t->arena.p + t->toff[i], len);
			t->feat.p[len] = ' ';
			memcpy(t->feat.p + len + 1, t->arena.p + t->toff[j], t->tlen[j]);
			len += 1 + t->tlen[j];
			fn(t->feat.p, len, weight, ud);
		}
	}
	return 0;
}

void tagar_tokenizer_observe(tagar_tokenizer *t, tagar_feature_fn fn, void *ud)
{
	t->observe = fn;
	t->observe_ud = ud;
}

const char *tagar_normalize(tagar_tokenizer *t, const char *s, size_t n, size_t *outlen)
{
	if (tokenize(t, s, n))
		return NULL;
	t->norm.len = 0;
	for (size_t i = 0; i < t->ntok; i++) {
		if (tagar_buf_reserve(&t->norm, t->tlen[i] + 1))
			return NULL;
		if (i)
			t->norm.p[t->norm.len++] = ' ';
		memcpy(t->norm.p + t->norm.len, t->arena.p + t->toff[i], t->tlen[i]);
		t->norm.len += t->tlen[i];
	}
	if (tagar_buf_reserve(&t->norm, 0))
		return NULL;
	t->norm.p[t->norm.len] = 0;
	*outlen = t->norm.len;
	return t->norm.p;
}
