/* internal.h - what the library's modules share and the CLIs do not see.
 * Names carry the tagar_ prefix too, so they never clash in a static build. */
#ifndef TAGAR_INTERNAL_H
#define TAGAR_INTERNAL_H

#include "tagar.h"

/* Model format version written and read by this build. */
#define TAGAR_MODEL_FORMAT 2

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
} tagar_model_parts;

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
 * bits of the term's tagar_hash, id + 1}, half full, and each term's high
 * 32 bits.  The functions are inline because the classifier runs them for
 * every token. */
typedef struct {
	const uint32_t *slots;       /* 2 * nslots */
	const uint32_t *hi;          /* nterms */
	uint64_t nslots, nterms;
} tagar_vocab_table;

/* The home slot of hash h: the high bits of h * nslots (Lemire's
 * multiply-shift), so the table need not be a power of two in size. */
static inline uint64_t tagar_vocab_home(uint64_t h, uint64_t nslots)
{
	return (uint64_t)(((unsigned __int128)h * nslots) >> 64);
}

static inline void tagar_vocab_prefetch(const tagar_vocab_table *v, uint64_t h)
{
	__builtin_prefetch(v->slots + 2 * tagar_vocab_home(h, v->nslots));
}

/* The first term whose low 32 bits match, or -1: the term is that
 * candidate when v->hi[id] matches too, and otherwise tagar_vocab_find()
 * says which it is.  The split lets a caller fetch the candidates' high
 * bits for many tokens before it compares any.  Ids read from the file
 * are checked against nterms. */
static inline long tagar_vocab_probe(const tagar_vocab_table *v, uint64_t h, int verify)
{
	uint32_t lo = (uint32_t)h;
	for (uint64_t j = tagar_vocab_home(h, v->nslots), probes = 0; probes < v->nslots;
	     j = j + 1 == v->nslots ? 0 : j + 1, probes++) {
		uint32_t id1 = v->slots[2 * j + 1];
		if (id1 == 0 || id1 > v->nterms)
			return -1;
		if (v->slots[2 * j] == lo && (!verify || v->hi[id1 - 1] == (uint32_t)(h >> 32)))
			return (long)id1 - 1;
	}
	return -1;
}

static inline long tagar_vocab_find(const tagar_vocab_table *v, uint64_t h)
{
	return tagar_vocab_probe(v, h, 1);
}

void tagar_model_vocab(const tagar_model *m, tagar_vocab_table *v);

#endif
