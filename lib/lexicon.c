/* lexicon.c - matching a tag vocabulary's aliases in articles.
 *
 * Every token's hash is kept in a ring of the last 16; a token that passes
 * a 32768-bit filter of the aliases' last words is looked up in a small
 * hash table, and each alias ending with it is compared with the ring:
 * the alias matches where its words stand at the positions just before.
 * Tokenising costs the same with or without a vocabulary; the per-token
 * cost is a store and a bit test. */
#define _GNU_SOURCE  /* memmem */
#include "lexicon.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *text;             /* as written in the vocabulary */
	int tag;                      /* model tag index */
	int ntok;
	int acronym;                  /* written as 2 or 3 capitals: matches only capitals */
	const uint64_t *tok;          /* its words' tagar_hash: in the model image, or in tok_pool */
} lex_alias;

struct tagar_lexicon {
	int ntags;
	int owns_text;                /* the aliases' text is malloc'ed (else in a model image) */
	lex_alias *alias;
	int nalias;
	uint64_t *tok_pool;           /* tagar_lexicon_new's: TAGAR_LEX_MAX_TOKENS words per alias */
	/* distinct last words: an open-addressing table of {hash, id + 1} */
	uint64_t *key;
	uint32_t *val;
	uint64_t mask;
	uint32_t nlast;
	/* aliases by last word: by_last[last[w] .. last[w + 1]), longest first */
	uint32_t *last, *by_last;
	uint32_t *last_of;            /* per alias, its last word's id */
	int nacronym;                 /* aliases with acronym set */
	uint64_t filter[TAGAR_LEX_FILTER_WORDS];
};

static const uint64_t no_filter[TAGAR_LEX_FILTER_WORDS];

/* A short acronym ("HAM", "MA", "BPS") is also a word or a name in other
 * case ("West Ham", "Ma'ruf", "25 bps"), which the case-folded tokens
 * cannot tell apart; longer ones ("ASEAN", "Amdal") are written either
 * way in the news and keep matching in any case. */
static int is_acronym(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return n == 2 || n == 3;
}

static void mark_acronym(tagar_lexicon *lx, lex_alias *a)
{
	a->acronym = a->ntok == 1 && is_acronym(a->text);
	lx->nacronym += a->acronym;
}

void tagar_lex_params_default(tagar_lex_params *p)
{
	p->weight = 0;
	for (int z = 0; z < TAGAR_ZONES; z++)
		p->zone[z] = 1;
	p->lead_tokens = 50;
}

tagar_tokenizer *tagar_lexicon_tokenizer(const tagar_text_opts *model, const tagar_stopset *stop)
{
	tagar_text_opts o = *model;
	o.ngram_max = 1;
	o.boilerplate = 0;
	return tagar_tokenizer_new(&o, stop);
}

static void ignore_feature(const char *w, size_t n, double weight, void *ud)
{
	(void)w;
	(void)n;
	(void)weight;
	(void)ud;
}

/* Shows text's tokens to fn (tk's observer) and no one else. */
static int observe(tagar_tokenizer *tk, const char *text, size_t n, tagar_feature_fn fn, void *ud)
{
	tagar_tokenizer_observe(tk, fn, ud);
	return tagar_features(tk, text, n, 1.0, ignore_feature, NULL);
}

void tagar_lexicon_free(tagar_lexicon **lxp)
{
	if (!lxp || !*lxp)
		return;
	tagar_lexicon *lx = *lxp;
	for (int i = 0; lx->owns_text && i < lx->nalias; i++)
		free((char *)lx->alias[i].text);
	free(lx->alias);
	free(lx->tok_pool);
	free(lx->key);
	free(lx->val);
	free(lx->last);
	free(lx->by_last);
	free(lx->last_of);
	free(lx);
	*lxp = NULL;
}

int tagar_lexicon_naliases(const tagar_lexicon *lx)
{
	return lx ? lx->nalias : 0;
}

const char *tagar_lexicon_alias(const tagar_lexicon *lx, int i, int *tag)
{
	*tag = lx->alias[i].tag;
	return lx->alias[i].text;
}

static uint64_t slot_of(const tagar_lexicon *lx, uint64_t h)
{
	return (h ^ h >> 29) & lx->mask;
}

/* The id of the last word with hash h, or -1. */
static long word_id(const tagar_lexicon *lx, uint64_t h)
{
	for (uint64_t j = slot_of(lx, h);; j = (j + 1) & lx->mask) {
		if (!lx->val[j])
			return -1;
		if (lx->key[j] == h)
			return (long)lx->val[j] - 1;
	}
}

static uint32_t intern_last(tagar_lexicon *lx, uint64_t h)
{
	uint64_t j = slot_of(lx, h);
	while (lx->val[j] && lx->key[j] != h)
		j = (j + 1) & lx->mask;
	if (!lx->val[j]) {
		lx->key[j] = h;
		lx->val[j] = ++lx->nlast;
		lx->filter[h >> (64 - TAGAR_LEX_FILTER_BITS + 6)] |= (uint64_t)1 << (h >> (64 - TAGAR_LEX_FILTER_BITS) & 63);
	}
	return lx->val[j] - 1;
}

typedef struct {
	lex_alias *a;
	uint64_t *tok;                /* where a's words go */
	int too_long;
} alias_tokens;

static void on_alias_token(const char *w, size_t n, double weight, void *ud)
{
	(void)weight;
	alias_tokens *at = ud;
	if (at->a->ntok == TAGAR_LEX_MAX_TOKENS) {
		at->too_long = 1;
		return;
	}
	at->tok[at->a->ntok++] = tagar_hash(w, n);
}

static int find_tag(const char *const *tags, int ntags, const char *tag)
{
	for (int t = 0; t < ntags; t++)
		if (strcmp(tags[t], tag) == 0)
			return t;
	return -1;
}

static int count_aliases(const tagar_tagvocab *v, const char *const *tags, int ntags)
{
	int n = 0;
	for (int i = 0; i < v->n; i++)
		if (find_tag(tags, ntags, v->e[i].tag) >= 0)
			n += v->e[i].nalias;
	return n;
}

static void count_word(const char *w, size_t n, double weight, void *ud)
{
	(void)w;
	(void)n;
	(void)weight;
	++*(int *)ud;
}

int tagar_lexicon_words(const tagar_text_opts *model, const tagar_stopset *stop, const char *alias)
{
	tagar_tokenizer *tk = tagar_lexicon_tokenizer(model, stop);
	int n = 0;
	if (!tk || observe(tk, alias, strlen(alias), count_word, &n))
		n = -1;
	tagar_tokenizer_free(&tk);
	return n;
}

/* Normalises one alias into lx->alias[lx->nalias]. */
static int add_alias(tagar_lexicon *lx, tagar_tokenizer *tk, const tagar_tagvocab *v, const tagar_tv_entry *e,
		     int k, int tag, tagar_err *err)
{
	lex_alias *a = &lx->alias[lx->nalias];
	uint64_t *tok = lx->tok_pool + (size_t)lx->nalias * TAGAR_LEX_MAX_TOKENS;
	alias_tokens at = {a, tok, 0};
	memset(a, 0, sizeof *a);
	a->tag = tag;
	a->tok = tok;
	if (observe(tk, e->alias[k], strlen(e->alias[k]), on_alias_token, &at))
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	if (at.too_long || a->ntok == 0)
		return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: alias \"%s\" of tag \"%s\" %s", v->name,
				  e->alias_line[k], e->alias[k], e->tag,
				  at.too_long ? "has more than 16 words" : "has no word to match");
	if (!(a->text = strdup(e->alias[k])))
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	mark_acronym(lx, a);
	lx->last_of[lx->nalias++] = intern_last(lx, tok[a->ntok - 1]);
	return 0;
}

/* Aliases by last word (a counting sort), then longest first, then in
 * vocabulary order (an insertion sort of each word's few aliases). */
static int index_last_words(tagar_lexicon *lx)
{
	lx->last = calloc((size_t)lx->nlast + 2, sizeof *lx->last);
	lx->by_last = malloc(((size_t)lx->nalias + 1) * sizeof *lx->by_last);
	uint32_t *fill = calloc((size_t)lx->nlast + 1, sizeof *fill);
	if (!lx->last || !lx->by_last || !fill) {
		free(fill);
		return -1;
	}
	for (int i = 0; i < lx->nalias; i++)
		lx->last[lx->last_of[i] + 1]++;
	for (uint32_t w = 0; w <= lx->nlast; w++)
		lx->last[w + 1] += lx->last[w];
	for (int i = 0; i < lx->nalias; i++) {
		uint32_t w = lx->last_of[i], at = lx->last[w] + fill[w]++, *g = lx->by_last;
		for (; at > lx->last[w] && lx->alias[g[at - 1]].ntok < lx->alias[i].ntok; at--)
			g[at] = g[at - 1];
		g[at] = (uint32_t)i;
	}
	free(fill);
	return 0;
}

/* A lexicon with room for n aliases (its tables empty). */
static tagar_lexicon *lexicon_alloc(int n, int ntags)
{
	tagar_lexicon *lx = calloc(1, sizeof *lx);
	uint64_t size = 16;
	while (size < (uint64_t)n * 2)
		size *= 2;
	if (!lx)
		return NULL;
	lx->ntags = ntags;
	lx->mask = size - 1;
	lx->alias = calloc((size_t)n + 1, sizeof *lx->alias);
	lx->last_of = calloc((size_t)n + 1, sizeof *lx->last_of);
	lx->key = calloc(size, sizeof *lx->key);
	lx->val = calloc(size, sizeof *lx->val);
	if (!lx->alias || !lx->last_of || !lx->key || !lx->val)
		tagar_lexicon_free(&lx);
	return lx;
}

tagar_lexicon *tagar_lexicon_new(const tagar_tagvocab *v, const tagar_text_opts *model, const tagar_stopset *stop,
				 const char *const *tags, int ntags, tagar_err *err)
{
	tagar_tokenizer *tk = tagar_lexicon_tokenizer(model, stop);
	int n = count_aliases(v, tags, ntags);
	tagar_lexicon *lx = lexicon_alloc(n, ntags);
	if (lx) {
		lx->owns_text = 1;
		lx->tok_pool = malloc(((size_t)n + 1) * TAGAR_LEX_MAX_TOKENS * sizeof *lx->tok_pool);
	}
	int rc = !lx || !lx->tok_pool || !tk ? tagar_fail(err, TAGAR_ENOMEM, "out of memory") : 0;
	for (int i = 0; !rc && i < v->n; i++) {
		int tag = find_tag(tags, ntags, v->e[i].tag);
		for (int k = 0; tag >= 0 && !rc && k < v->e[i].nalias; k++)
			rc = add_alias(lx, tk, v, &v->e[i], k, tag, err);
	}
	if (!rc && index_last_words(lx))
		rc = tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	tagar_tokenizer_free(&tk);
	if (rc)
		tagar_lexicon_free(&lx);
	return lx;
}

/* ---------------------------------------------------------- model image */

/* Per alias: {tag | ntok << 32}, the offset of its text in names, then its
 * ntok word hashes. */
int tagar_lexicon_image(const tagar_lexicon *lx, uint64_t **words, size_t *nwords, char **names, size_t *nlen)
{
	size_t nw = 0, nn = 0;
	for (int i = 0; i < lx->nalias; i++) {
		nw += 2 + (size_t)lx->alias[i].ntok;
		nn += strlen(lx->alias[i].text) + 1;
	}
	*words = malloc((nw + 1) * sizeof **words);
	*names = malloc(nn + 1);
	if (!*words || !*names) {
		free(*words);
		free(*names);
		*words = NULL;
		*names = NULL;
		return TAGAR_ENOMEM;
	}
	uint64_t *w = *words;
	char *p = *names;
	for (int i = 0; i < lx->nalias; i++) {
		const lex_alias *a = &lx->alias[i];
		size_t l = strlen(a->text) + 1;
		*w++ = (uint32_t)a->tag | (uint64_t)a->ntok << 32;
		*w++ = (uint64_t)(p - *names);
		memcpy(w, a->tok, (size_t)a->ntok * sizeof *w);
		w += a->ntok;
		memcpy(p, a->text, l);
		p += l;
	}
	*nwords = nw;
	*nlen = nn;
	return 0;
}

/* Counts the image's aliases, checking each one's header. */
static long image_aliases(const uint64_t *w, size_t nw, size_t nlen, int ntags, tagar_err *err)
{
	long n = 0;
	for (size_t at = 0; at < nw; n++) {
		uint64_t tag = w[at] & 0xffffffffu, ntok = w[at] >> 32;
		if (tag >= (uint64_t)ntags || ntok < 1 || ntok > TAGAR_LEX_MAX_TOKENS || nw - at < 2 + ntok ||
		    w[at + 1] >= nlen)
			return tagar_fail(err, TAGAR_EMODEL, "tag vocabulary: alias %ld is corrupt", n);
		at += 2 + ntok;
	}
	return n;
}

tagar_lexicon *tagar_lexicon_from_image(const uint64_t *w, size_t nw, const char *names, size_t nlen, int ntags,
					tagar_err *err)
{
	if (nlen == 0 || names[nlen - 1] != 0) {  /* every text ends inside the section */
		tagar_fail(err, TAGAR_EMODEL, "tag vocabulary: alias names are corrupt");
		return NULL;
	}
	long n = image_aliases(w, nw, nlen, ntags, err);
	if (n < 0)
		return NULL;
	tagar_lexicon *lx = lexicon_alloc((int)n, ntags);
	for (size_t at = 0; lx && at < nw; lx->nalias++) {
		lex_alias *a = &lx->alias[lx->nalias];
		a->tag = (int)(w[at] & 0xffffffffu);
		a->ntok = (int)(w[at] >> 32);
		a->text = names + w[at + 1];
		a->tok = w + at + 2;
		mark_acronym(lx, a);
		lx->last_of[lx->nalias] = intern_last(lx, a->tok[a->ntok - 1]);
		at += 2 + (size_t)a->ntok;
	}
	if (lx && index_last_words(lx))
		tagar_lexicon_free(&lx);
	if (!lx)
		tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	return lx;
}

/* ------------------------------------------------------------ matching */

int tagar_lex_state_init(tagar_lex_state *s, const tagar_lexicon *lx, int lead_tokens)
{
	memset(s, 0, sizeof *s);
	s->lx = lx;
	s->filter = lx ? lx->filter : no_filter;
	s->lead_tokens = lead_tokens;
	if (!lx)
		return 0;
	size_t T = (size_t)lx->ntags + 1;
	s->count = calloc(T * TAGAR_ZONES, sizeof *s->count);
	s->stamp = calloc(T, sizeof *s->stamp);
	s->covered = calloc(T, sizeof *s->covered);
	s->start = calloc(T, sizeof *s->start);
	s->last = calloc(T, sizeof *s->last);
	s->touched = calloc(T, sizeof *s->touched);
	if (!s->count || !s->stamp || !s->covered || !s->start || !s->last || !s->touched) {
		tagar_lex_state_free(s);
		return TAGAR_ENOMEM;
	}
	return 0;
}

void tagar_lex_state_free(tagar_lex_state *s)
{
	free(s->match);
	free(s->count);
	free(s->stamp);
	free(s->covered);
	free(s->start);
	free(s->last);
	free(s->touched);
	memset(s, 0, sizeof *s);
	s->filter = no_filter;
}

void tagar_lex_begin(tagar_lex_state *s)
{
	s->pos = s->text_start = 0;
	s->zone = TAGAR_ZONE_TITLE;
	s->nmatch = 0;
	memset(s->ring, 0, sizeof s->ring);
	s->ntouched = 0;
	s->failed = 0;
	if (s->lx && ++s->gen == 0) {  /* wrapped: old stamps could match again */
		memset(s->stamp, 0, ((size_t)s->lx->ntags + 1) * sizeof *s->stamp);
		s->gen = 1;
	}
}

void tagar_lex_zone(tagar_lex_state *s, int title)
{
	/* a gap: no alias runs from the title into the text */
	s->ring[s->pos % TAGAR_LEX_MAX_TOKENS] = 0;
	s->pos++;
	s->zone = title ? TAGAR_ZONE_TITLE : TAGAR_ZONE_LEAD;
	s->text_start = s->pos;
}

static int grow(void **p, size_t *cap, size_t n, size_t each)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 64;
	void *np = realloc(*p, nc * each);
	if (!np)
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}

/* Whether alias a ends at the current position: its earlier words are in
 * the ring, none before the current zone (the gap holds 0, no word's hash
 * but one in 2^64). */
static int ends_here(const tagar_lex_state *s, const lex_alias *a)
{
	if ((uint32_t)a->ntok > s->pos + 1)
		return 0;
	for (int k = 1; k < a->ntok; k++)
		if (s->ring[(s->pos - (uint32_t)k) % TAGAR_LEX_MAX_TOKENS] != a->tok[a->ntok - 1 - k])
			return 0;
	return 1;
}

static int zone_of(const tagar_lex_state *s, uint32_t start)
{
	if (s->zone == TAGAR_ZONE_TITLE)
		return TAGAR_ZONE_TITLE;
	return start - s->text_start < (uint32_t)s->lead_tokens ? TAGAR_ZONE_LEAD : TAGAR_ZONE_REST;
}

static void count_match(tagar_lex_state *s, uint32_t alias)
{
	const lex_alias *a = &s->lx->alias[alias];
	int t = a->tag;
	uint32_t start = s->pos + 1 - (uint32_t)a->ntok, *cnt = &s->count[(size_t)t * TAGAR_ZONES];
	int z = zone_of(s, start);
	if (s->stamp[t] != s->gen) {
		s->stamp[t] = s->gen;
		memset(cnt, 0, TAGAR_ZONES * sizeof *cnt);
		s->touched[s->ntouched++] = t;
	} else if (s->covered[t] > start) {
		if (start > s->start[t] || s->covered[t] == s->pos + 1)
			return;  /* inside the tag's last match */
		tagar_lex_match *m = &s->match[s->last[t]];  /* a longer one over it */
		cnt[m->zone]--;
		cnt[z]++;
		*m = (tagar_lex_match){alias, (uint32_t)z};
		s->start[t] = start;
		s->covered[t] = s->pos + 1;
		return;
	}
	if (grow((void **)&s->match, &s->mcap, s->nmatch, sizeof *s->match)) {
		s->failed = 1;
		return;
	}
	s->start[t] = start;
	s->covered[t] = s->pos + 1;
	s->last[t] = (uint32_t)s->nmatch;
	cnt[z]++;
	s->match[s->nmatch++] = (tagar_lex_match){alias, (uint32_t)z};
}

void tagar_lex_hit_slow(tagar_lex_state *s, uint64_t h)
{
	const tagar_lexicon *lx = s->lx;
	long w = word_id(lx, h);
	if (w < 0)
		return;
	for (uint32_t i = lx->last[w]; i < lx->last[w + 1]; i++)
		if (ends_here(s, &lx->alias[lx->by_last[i]]))
			count_match(s, lx->by_last[i]);
}

static int word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* The first place at or after p where w[0..k) stands, before end, or NULL:
 * memmem's answer, found with memchr and memcmp, which (unlike memmem)
 * ThreadSanitizer checks only up to the place found: its memmem checked
 * all the rest of the text at every call, 200,000 "KPK"s in 2 MB took
 * 80 s (tests/reliability-read.sh). */
static const char *find_bytes(const char *p, const char *end, const char *w, size_t k)
{
	for (; k && (size_t)(end - p) >= k && (p = memchr(p, w[0], (size_t)(end - p) - k + 1)); p++)
		if (memcmp(p, w, k) == 0)
			return p;
	return NULL;
}

/* How often word w stands in s[0..n) as a whole word, in w's own case. */
static uint32_t count_exact(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);
	uint32_t c = 0;
	for (const char *p = s, *end = s + n; n >= k && (p = find_bytes(p, end, w, k)); p += k)
		c += (p == s || !word_char((unsigned char)p[-1])) && (p + k == end || !word_char((unsigned char)p[k]));
	return c;
}

/* One acronym alias of an article: how often it is written in capitals in
 * the title and in the text, and how many of its matches were kept. */
typedef struct {
	uint32_t alias, allowed[2], kept[2];
} acronym_use;

/* The entry of alias in use[0..*n), added (with its counts) when new:
 * an article matches few distinct acronyms, so a linear search does. */
static acronym_use *acronym_entry(acronym_use *use, int *n, const lex_alias *a, uint32_t alias, const char *title,
				  size_t tlen, const char *text, size_t len)
{
	for (int i = 0; i < *n; i++)
		if (use[i].alias == alias)
			return &use[i];
	acronym_use *u = &use[(*n)++];
	*u = (acronym_use){alias, {count_exact(title, tlen, a->text), count_exact(text, len, a->text)}, {0, 0}};
	return u;
}

/* Drops the matches of acronym aliases beyond the times the acronym is
 * written in capitals: in the title, and in the text (the lead's first).
 * Each distinct acronym's text is scanned once, whatever its matches. */
static void check_acronyms(tagar_lex_state *s, const char *title, size_t tlen, const char *text, size_t len)
{
	acronym_use *use = malloc((size_t)s->lx->nacronym * sizeof *use);
	int nuse = 0;
	size_t kept = 0;
	if (!use) {
		s->failed = 1;
		return;
	}
	for (size_t i = 0; i < s->nmatch; i++) {
		tagar_lex_match m = s->match[i];
		const lex_alias *a = &s->lx->alias[m.alias];
		if (a->acronym) {
			acronym_use *u = acronym_entry(use, &nuse, a, m.alias, title, tlen, text, len);
			int part = m.zone != TAGAR_ZONE_TITLE;
			if (u->kept[part] >= u->allowed[part]) {
				s->count[(size_t)a->tag * TAGAR_ZONES + m.zone]--;
				continue;
			}
			u->kept[part]++;
		}
		s->match[kept++] = m;
	}
	s->nmatch = kept;
	free(use);
}

void tagar_lex_finish(tagar_lex_state *s, const char *title, size_t tlen, const char *text, size_t len)
{
	/* matches are counted as they end; what remains is the case of acronyms */
	if (s->lx && s->lx->nacronym && s->nmatch)
		check_acronyms(s, title, tlen, text, len);
}

double tagar_lex_score(const tagar_lex_state *s, const tagar_lex_params *p, int tag)
{
	double v = 0;
	for (int z = 0; z < TAGAR_ZONES; z++) {
		uint32_t n = tagar_lex_count(s, tag, z);
		if (n)
			v += p->zone[z] * log1p((double)n);
	}
	return v;
}

static void on_token(const char *w, size_t n, double weight, void *ud)
{
	(void)weight;
	tagar_lex_token(ud, tagar_hash(w, n));
}

int tagar_lex_article(tagar_lex_state *s, tagar_tokenizer *tk, const char *title, size_t tlen,
		      const char *text, size_t len)
{
	tagar_lex_begin(s);
	tagar_lex_zone(s, 1);
	if (observe(tk, title, tlen, on_token, s))
		return TAGAR_ENOMEM;
	tagar_lex_zone(s, 0);
	if (observe(tk, text, len, on_token, s))
		return TAGAR_ENOMEM;
	tagar_lex_finish(s, title, tlen, text, len);
	return s->failed ? TAGAR_ENOMEM : 0;
}
