/* trainjob.h - the state one training run shares between its tags and
 * solvers (train.c drives; svmfit.c fits with libsvm).  Internal. */
#ifndef TAGAR_TRAINJOB_H
#define TAGAR_TRAINJOB_H

#include "internal.h"
#include "matrix.h"

typedef struct {
	const tagar_corpus *c;
	const tagar_train_opts *o;
	const tagar_matrix *mx;
	int ntags;
	char **tags;              /* sorted tag names */
	signed char *y;           /* ntags * ndocs, 1 or 0 */
	int *npos;
	double C, gamma;          /* the values being fitted (grid search varies them) */
	/* results, in shared memory while workers run */
	double *scores;           /* ntags * ndocs out-of-fold decision values */
	int *fold;                /* ntags * ndocs */
	float *weights;           /* nterms * ntags (linear models) */
	double *tagparam;         /* ntags * 4: bias, threshold, Platt A, Platt B */
	int *status;              /* ntags: 0 ok, else failure */
	long *done;               /* tags finished, for progress */
} tagar_job;

void tagar_quiet_print(const char *s);
uint64_t tagar_mix(uint64_t x);
void tagar_make_folds(const signed char *y, int n, int k, uint64_t seed, int *fold);
double tagar_positive_weight(const tagar_job *jb, int npos, int n);
unsigned tagar_fit_seed(const tagar_job *jb, int tag, int fold);

/* A solver as cross-validation sees it: fit on some rows (NULL when they
 * hold one class only), score a row for the positive class, release. */
typedef struct {
	void *(*fit)(const tagar_job *jb, const signed char *y, const int *rows, int nrows, unsigned seed);
	double (*score)(const tagar_job *jb, const void *model, int row);
	void (*release)(void *model);
} tagar_learner;

/* Out-of-fold decision values for one tag: fold f is scored by a model fit
 * on the other folds (a fold with no model scores -1). */
int tagar_cross_validate(const tagar_job *jb, int tag, const tagar_learner *l, double *scores, const int *fold);

/* libsvm (svmfit.c). */
extern const tagar_learner tagar_svm_learner;
/* Final fit of one tag on all documents.  Linear kernel: writes the weight
 * column and bias.  Other kernels: appends support vectors to *kv. */
typedef struct {
	uint32_t *count;          /* ntags */
	double *rho;              /* ntags */
	double *coef;
	uint32_t *start;          /* total + 1 */
	uint32_t *idx;
	float *val;
	long total, nnz, cap_sv, cap_nnz;
} tagar_kernel_parts;
int tagar_svm_final(const tagar_job *jb, int tag, tagar_kernel_parts *kv);
void tagar_kernel_parts_free(tagar_kernel_parts *kv);

#endif
