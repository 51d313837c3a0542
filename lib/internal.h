/* internal.h - what the library's modules share and the CLIs do not see.
 * Names carry the tagar_ prefix too, so they never clash in a static build. */
#ifndef TAGAR_INTERNAL_H
#define TAGAR_INTERNAL_H

#include "tagar.h"

/* ------------------------------------------------ helpers of every module
 * (the programs have no use for them: tagar.h leaves them out) */

/* Fills err (when not NULL) with code and a printf-style message; returns code. */
int tagar_fail(tagar_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The words of the set, newline-separated, sorted (for the model file). */
char *tagar_stopset_dump(const tagar_stopset *s, size_t *len);

/* fn (NULL: none) sees every token of the texts tagar_features() reads
 * afterwards, in order, with weight 1: normalised and stemmed, stopwords
 * and dropped numbers included (those unstemmed); the tokenizer's fast
 * path for plain unigrams is then off.  The classifier matches a tag vocabulary's aliases this way
 * for models whose features drop or stem tokens. */
void tagar_tokenizer_observe(tagar_tokenizer *t, tagar_feature_fn fn, void *ud);

/* Reads one line of any length from f into *buf (grown as needed).
 * Returns its length without the newline, or -1 at end of file. */
long tagar_getline(char **buf, size_t *cap, FILE *f);

/* Whether the CPU runs AVX2 code, as the C library found at start-up
 * (no CPUID instruction: see cpu.c).  0 on other architectures. */
int tagar_cpu_avx2(void);
/* The model file's checksum: XXH3-64 of p[0..n), with AVX2 when the CPU
 * has it (the same value either way). */
uint64_t tagar_checksum(const void *p, size_t n);

/* Copies the address of symbol name of the dlopen'ed library so into the
 * function pointer at dst (POSIX's way to turn dlsym's void * into one):
 * 1, or 0 when so has no such symbol (dlerror says why). */
int tagar_bind_symbol(void *so, const char *name, void *dst);

/* TF-IDF value of a weighted count: sublinear tf times idf. */
double tagar_tfidf(double count, double idf);
/* Smoothed idf: ln((1 + n) / (1 + df)) + 1. */
double tagar_idf(long ndocs, long df);

/* Model format version written and read by this build. */
#define TAGAR_MODEL_FORMAT 4

/* Everything a model image is built from.  Arrays are borrowed. */
typedef struct {
	const char *meta;            /* JSON text */
	const char *stopwords;       /* newline-separated */
	size_t stopwords_len;
	long nterms;
	const char *const *terms;    /* nterms strings, the vocabulary */
	const size_t *term_len;
	const float *idf;            /* nterms */
	int ntags;
	const float *weights;        /* linear: nterms * ntags, term-major; NULL for kernel */
	const double *tagparam;      /* ntags * 4: bias, threshold, Platt A, Platt B */
	/* kernel models (weights == NULL) */
	const uint32_t *ksv_count;   /* ntags */
	const double *ksv_rho;       /* ntags */
	const double *ksv_coef;      /* total SVs */
	const uint32_t *ksv_start;   /* total SVs + 1 */
	const uint32_t *ksv_idx;     /* nnz */
	const float *ksv_val;        /* nnz */
	long ksv_total, ksv_nnz;
	const char *boilerplate;     /* patterns, one a line; NULL when off */
	size_t boilerplate_len;
	int quantize;                /* store linear weights as int8 with a scale per term */
	const char *lexicon;         /* the tag vocabulary (tagvocab.h format); NULL: none */
	size_t lexicon_len;
	const uint64_t *lex_words;   /* ... compiled (tagar_lexicon_image) */
	size_t lex_nwords;
	const char *lex_names;
	size_t lex_nnames;
} tagar_model_parts;

/* A decision value and its label (1/0), for threshold tuning (metrics.c). */
typedef struct {
	double s;
	signed char y;
} tagar_labelled_score;
/* Sorts by score, highest first. */
void tagar_sort_scored(tagar_labelled_score *v, size_t n);
/* s[0..n) with their labels y as labelled scores sorted highest first
 * (malloc'ed; NULL when out of memory), and the number of positives in
 * *npos (counted either way). */
tagar_labelled_score *tagar_sorted_scores(const double *s, const signed char *y, int n, long *npos);
/* tagar_best_threshold() of values already sorted highest first, npos of
 * them positive (npos > 0). */
double tagar_best_threshold_sorted(const tagar_labelled_score *v, int n, long npos, double *f1);
/* tagar_negative_cut over scores sorted highest first (tagar_sort_scored). */
double tagar_negative_cut_sorted(const tagar_labelled_score *v, int n, long k);
/* tagar_platt_fit() starting from *A, *B instead of Platt's start: a
 * sigmoid fitted to nearly the same scores takes a step or two.  Returns 1
 * when it fitted, 0 (and *A, *B untouched) when there is nothing to fit: a
 * class missing, or out of memory.  (tagar_platt_fit then gives the
 * stand-in curve A -2, B 0.) */
int tagar_platt_refit(const double *s, const signed char *y, int n, double *A, double *B);

/* Serialises parts into one malloc'ed model image. */
int tagar_model_build(const tagar_model_parts *p, void **bytes, size_t *len, tagar_err *err);
/* Takes ownership of a malloc'ed image and validates it. */
tagar_model *tagar_model_adopt(void *bytes, size_t len, tagar_err *err);

/* Read access for the classifier. */
typedef struct {
	const float *idf;
	const float *weights;        /* float weights, or NULL */
	const int8_t *qweights;      /* or int8 weights: weight = qscale[term] * q */
	const float *qscale;         /* (both NULL for kernel models) */
	const double *tagparam;
	int kernel;                  /* tagar_kernel */
	double gamma, coef0;
	int degree;
	const tagar_kernel_svm *ksv; /* ntags, kernel models only */
} tagar_model_view;

void tagar_model_get_view(const tagar_model *m, tagar_model_view *v);
/* The vocabulary's hash table as stored in the model: slots of {low 32
 * bits of the term's tagar_hash, id + 1}, half full, homes in the first
 * nslots - TAGAR_VOCAB_TAIL slots, probes running on (never wrapping) into
 * the tail; and each term's high 32 bits.  The functions are inline
 * because the classifier runs them for every token. */
#define TAGAR_VOCAB_TAIL 64

typedef struct {
	const uint32_t *slots;       /* 2 * nslots */
	const uint32_t *hi;          /* nterms */
	uint64_t nslots, nterms;
} tagar_vocab_table;

/* The home slot of hash h: the high bits of h * nhome (Lemire's
 * multiply-shift), so the table need not be a power of two in size. */
static inline uint64_t tagar_vocab_home(uint64_t h, uint64_t nhome)
{
	return (uint64_t)(((unsigned __int128)h * nhome) >> 64);
}

static inline uint64_t tagar_vocab_start(const tagar_vocab_table *v, uint64_t h)
{
	return tagar_vocab_home(h, v->nslots - TAGAR_VOCAB_TAIL);
}

static inline void tagar_vocab_prefetch(const tagar_vocab_table *v, uint64_t h)
{
	__builtin_prefetch(v->slots + 2 * tagar_vocab_start(v, h));
}

/* From slot j on: the first slot that is empty or has the low 32 bits lo
 * (index j + k), or nslots.  Four slots are compared at once and the
 * answer taken without a branch on it: whether a token is in the
 * vocabulary is a coin toss, and mispredicting it was the largest single
 * cost of a lookup. */
#ifdef __SSE2__
#include <emmintrin.h>
static inline uint64_t tagar_vocab_stop(const tagar_vocab_table *v, uint64_t j, uint32_t lo)
{
	const __m128i want = _mm_set1_epi32((int)lo), zero = _mm_setzero_si128();
	for (; j + 4 <= v->nslots; j += 4) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(v->slots + 2 * j));
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(v->slots + 2 * j + 4));
		/* lanes: lo, id + 1, lo, id + 1 | lo, id + 1, lo, id + 1 */
		unsigned match = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(a, want))) |
				 (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(b, want))) << 4;
		unsigned empty = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(a, zero))) |
				 (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(b, zero))) << 4;
		unsigned stop = (match & 0x55) | (empty & 0xAA) >> 1;
		if (stop)
			return j + (unsigned)__builtin_ctz(stop) / 2;
	}
	for (; j < v->nslots; j++)
		if (v->slots[2 * j] == lo || v->slots[2 * j + 1] == 0)
			return j;
	return j;
}
#else
static inline uint64_t tagar_vocab_stop(const tagar_vocab_table *v, uint64_t j, uint32_t lo)
{
	while (j < v->nslots && v->slots[2 * j] != lo && v->slots[2 * j + 1] != 0)
		j++;
	return j;
}
#endif

/* The id in slot j if it is a candidate for lo (occupied, matching, id in
 * range), else -1; without branches. */
static inline long tagar_vocab_candidate(const tagar_vocab_table *v, uint64_t j, uint32_t lo)
{
	uint64_t k = j < v->nslots ? j : 0;
	uint32_t id1 = v->slots[2 * k + 1];
	int ok = j < v->nslots && v->slots[2 * k] == lo && id1 != 0 && id1 <= v->nterms;
	return ok ? (long)id1 - 1 : -1;
}

/* The first term whose low 32 bits match, or -1: the term is that
 * candidate when v->hi[id] matches too, and otherwise tagar_vocab_find()
 * says which it is.  The split lets a caller fetch the candidates' high
 * bits for many tokens before it compares any.  Ids read from the file
 * are checked against nterms. */
static inline long tagar_vocab_probe(const tagar_vocab_table *v, uint64_t h)
{
	uint32_t lo = (uint32_t)h;
	return tagar_vocab_candidate(v, tagar_vocab_stop(v, tagar_vocab_start(v, h), lo), lo);
}

static inline long tagar_vocab_find(const tagar_vocab_table *v, uint64_t h)
{
	uint32_t lo = (uint32_t)h;
	for (uint64_t j = tagar_vocab_start(v, h);; j++) {
		j = tagar_vocab_stop(v, j, lo);
		long id = tagar_vocab_candidate(v, j, lo);
		if (j >= v->nslots || v->slots[2 * j + 1] == 0)
			return -1;
		if (id >= 0 && v->hi[id] == (uint32_t)(h >> 32))
			return id;
	}
}

void tagar_model_vocab(const tagar_model *m, tagar_vocab_table *v);

/* A malloc'ed copy of s[0..n) with a NUL after it (s may hold NULs: all n
 * bytes are copied, unlike strndup); NULL when out of memory. */
char *tagar_memdup0(const void *s, size_t n);

#endif
