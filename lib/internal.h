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
/* The vocabulary by a term's tagar_hash: fetch its home slot into cache
 * ahead of time, then find its id (or -1) later.  probe() stops at the
 * first slot whose low 32 hash bits match: the term is that candidate when
 * its high bits (tagar_model_high_hashes()[id]) match too, and otherwise
 * find() says which it is.  The split lets a caller fetch the candidates'
 * high bits for many tokens before it compares any. */
void tagar_model_prefetch(const tagar_model *m, uint64_t h);
long tagar_model_probe(const tagar_model *m, uint64_t h);
const uint32_t *tagar_model_high_hashes(const tagar_model *m);
long tagar_model_find(const tagar_model *m, uint64_t h);

#endif
