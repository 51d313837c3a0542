/* lexicon.h - a tag vocabulary compiled for matching: each alias as the
 * token sequence the model's tokenizer makes of it, found in an article's
 * title, lead and rest.  Internal to libtagar; training (train.c) and
 * tagging (classify.c) use the same code, so they count the same hits.
 *
 * Matching sees every token (stopwords included: "Kementerian Dalam
 * Negeri" holds one), normalised and stemmed as the model's text is, and
 * numbers kept.  Per tag and zone the hits n become log(1 + n); the tag's
 * lexical score is their weighted sum, and the fused decision value is the
 * SVM's plus weight * lexical score (see tagar_lex_params).
 *
 * Ownership: tagar_lexicon_new() returns a lexicon the caller releases with
 * tagar_lexicon_free(); it copies what it needs from the vocabulary.  A
 * tagar_lex_state is per thread, initialised against one lexicon (which
 * must outlive it) and released with tagar_lex_state_free(). */
#ifndef TAGAR_LEXICON_H
#define TAGAR_LEXICON_H

#include "tagvocab.h"

enum { TAGAR_ZONE_TITLE, TAGAR_ZONE_LEAD, TAGAR_ZONE_REST, TAGAR_ZONES };

/* An alias of more tokens than this is refused (names are short). */
#define TAGAR_LEX_MAX_TOKENS 16

/* How hits become a score; stored in the model's metadata. */
typedef struct {
	double weight;                /* w: fused = SVM decision + w * lexical score */
	double zone[TAGAR_ZONES];     /* weights of log(1 + hits) per zone */
	int lead_tokens;              /* the lead: the text's first this many tokens */
} tagar_lex_params;

void tagar_lex_params_default(tagar_lex_params *p);

/* What a training run tells the model's metadata.  model.c writes it as
 * the JSON its reader checks: the keys and ranges are spelled once, there.
 * Arrays are borrowed. */
typedef struct {
	const tagar_text_opts *text;
	const tagar_train_opts *train;
	double C, gamma;              /* the values fitted (the grid search picks them) */
	int documents;
	uint32_t corpus_crc;
	long nterms;
	int ntags;
	char *const *tags;            /* ntags sorted names */
	const int *npos;              /* ntags */
	const double *tagparam;       /* ntags * 4: bias, threshold, Platt A, Platt B */
	const tagar_counts *cnt;      /* ntags, cross-validated */
	const tagar_tagvocab *tv;     /* NULL: no tag vocabulary (then lexp, fuse_w unused) */
	const tagar_lex_params *lexp;
	const double *fuse_w;         /* train->folds fold weights */
	double floor_p;               /* the micro-F1 floor's probability (0: none) */
} tagar_train_meta;
/* The metadata JSON (malloc'ed), or NULL when memory runs out. */
char *tagar_model_meta_json(const tagar_train_meta *m);

typedef struct tagar_lexicon tagar_lexicon;

/* The tokenizer aliases and articles are matched with, through its
 * observer (tagar_tokenizer_observe): every token as a model with text
 * options model and stopwords stop sees it, stopwords and numbers kept
 * (unstemmed: tagging shows them so), unigrams.  NULL: out of memory. */
tagar_tokenizer *tagar_lexicon_tokenizer(const tagar_text_opts *model, const tagar_stopset *stop);

/* Compiles the aliases of v's entries whose tag is one of tags[0..ntags)
 * (others are ignored).  An alias that makes no token, or more than
 * TAGAR_LEX_MAX_TOKENS, fails with TAGAR_EFORMAT naming its NAME:LINE. */
tagar_lexicon *tagar_lexicon_new(const tagar_tagvocab *v, const tagar_text_opts *model, const tagar_stopset *stop,
				 const char *const *tags, int ntags, tagar_err *err);
void tagar_lexicon_free(tagar_lexicon **lx);
/* How many words alias makes for a model with text options model (-1:
 * out of memory): 1 to TAGAR_LEX_MAX_TOKENS can be matched. */
int tagar_lexicon_words(const tagar_text_opts *model, const tagar_stopset *stop, const char *alias);

/* The lexicon as a model stores it: words (per alias its tag and word
 * count, the offset of its text in names, its words' hashes) and names
 * (each alias's text, NUL-terminated).  Both malloc'ed; TAGAR_ENOMEM. */
int tagar_lexicon_image(const tagar_lexicon *lx, uint64_t **words, size_t *nwords, char **names, size_t *nlen);
/* The lexicon of a model image: every alias is checked (a tag below ntags,
 * 1 to TAGAR_LEX_MAX_TOKENS words, its text inside names), TAGAR_EMODEL
 * otherwise.  The aliases' text and words stay in names and words, which
 * must outlive it. */
tagar_lexicon *tagar_lexicon_from_image(const uint64_t *words, size_t nwords, const char *names, size_t nlen,
					int ntags, tagar_err *err);
int tagar_lexicon_naliases(const tagar_lexicon *lx);
/* Alias i as written, and its tag. */
const char *tagar_lexicon_alias(const tagar_lexicon *lx, int i, int *tag);

typedef struct {
	uint32_t alias;
	uint32_t zone;
} tagar_lex_match;

/* The filter of aliases' last words: one bit per value of a token hash's
 * top TAGAR_LEX_FILTER_BITS bits.  4 KB stays in cache, and a 900-alias
 * vocabulary sets under 3% of its bits, so few tokens that end no alias get
 * past it. */
#define TAGAR_LEX_FILTER_BITS 15
#define TAGAR_LEX_FILTER_WORDS ((1u << TAGAR_LEX_FILTER_BITS) / 64)

/* One article's matching state.  Each token's hash goes into a ring of the
 * last TAGAR_LEX_MAX_TOKENS; a token that passes the filter of last words
 * is looked up, and each alias ending with it is checked against the ring:
 * the per-token cost is one store and one bit test. */
typedef struct {
	const tagar_lexicon *lx;
	const uint64_t *filter;       /* TAGAR_LEX_FILTER_WORDS; all zero without a lexicon */
	uint64_t ring[TAGAR_LEX_MAX_TOKENS];  /* token hashes by position % 16; 0: none */
	uint32_t pos, text_start;
	int zone;                     /* TAGAR_ZONE_TITLE, or LEAD for the text */
	int lead_tokens;
	tagar_lex_match *match;
	size_t nmatch, mcap;
	/* per tag: matches by zone, valid when stamp[t] == gen */
	uint32_t *count;              /* ntags * TAGAR_ZONES */
	uint32_t *stamp;
	uint32_t *covered, *start;    /* a tag's last match: [start, covered) ... */
	uint32_t *last;               /* ... and its place in match[] */
	uint32_t gen;
	int *touched;                 /* tags with a match, in order of first match */
	int ntouched;
	int failed;                   /* out of memory: the article's matches are incomplete */
} tagar_lex_state;

/* lx may be NULL: the state then finds nothing, at the same per-token cost. */
int tagar_lex_state_init(tagar_lex_state *s, const tagar_lexicon *lx, int lead_tokens);
void tagar_lex_state_free(tagar_lex_state *s);
/* A new article. */
void tagar_lex_begin(tagar_lex_state *s);
/* The tokens that follow are the title (title = 1) or the text. */
void tagar_lex_zone(tagar_lex_state *s, int title);

void tagar_lex_hit_slow(tagar_lex_state *s, uint64_t h);

/* One token, by its tagar_hash.  Matches are found as their last word
 * arrives and counted leftmost-longest per tag: a match inside the tag's
 * last match is not counted, and one that starts where (or before) that
 * match starts and ends later replaces it ("Kementerian Lingkungan Hidup
 * dan Kehutanan" is one match, not "Kementerian Lingkungan Hidup" and
 * "Kehutanan"). */
static inline void tagar_lex_token(tagar_lex_state *s, uint64_t h)
{
	s->ring[s->pos % TAGAR_LEX_MAX_TOKENS] = h;
	if (s->filter[h >> (64 - TAGAR_LEX_FILTER_BITS + 6)] >> (h >> (64 - TAGAR_LEX_FILTER_BITS) & 63) & 1)
		tagar_lex_hit_slow(s, h);
	s->pos++;
}

/* The end of an article whose title and text (as tokenized) are given:
 * an alias of two or three capitals ("HAM") keeps only as many matches as
 * it is written so in each ("West Ham" is no match).  Afterwards
 * s->touched[0..ntouched) are the tags with a match, tagar_lex_count()
 * their matches per zone (by the zone of an alias's first word; it may be
 * 0), s->match[0..nmatch) the matches in order. */
void tagar_lex_finish(tagar_lex_state *s, const char *title, size_t tlen, const char *text, size_t len);

static inline uint32_t tagar_lex_count(const tagar_lex_state *s, int tag, int zone)
{
	return s->stamp[tag] == s->gen ? s->count[(size_t)tag * TAGAR_ZONES + (size_t)zone] : 0;
}

/* A tag's lexical score: sum over zones of zone weight * log(1 + hits). */
double tagar_lex_score(const tagar_lex_state *s, const tagar_lex_params *p, int tag);

/* The model's compiled vocabulary (NULL when it has none) and, when p is
 * not NULL, its fusion parameters (model.c). */
const tagar_lexicon *tagar_model_lexicon(const tagar_model *m, tagar_lex_params *p);

/* Runs tokenizer tk (made by tagar_lexicon_tokenizer; this sets its
 * observer) over a title and a text and finishes: the training side's one
 * call per document. */
int tagar_lex_article(tagar_lex_state *s, tagar_tokenizer *tk, const char *title, size_t tlen,
		      const char *text, size_t len);

#endif
