/* trainjob.h - the state one training run shares between its tags and
 * solvers (train.c drives; linfit.c fits with LIBLINEAR, svmfit.c with
 * libsvm; cv.c cross-validates and sets thresholds).  Internal. */
#ifndef TAGAR_TRAINJOB_H
#define TAGAR_TRAINJOB_H

#include "internal.h"
#include "lexicon.h"
#include "matrix.h"

/* libsvm's PRECOMPUTED kernel matrix of every document pair (svmfit.c).
 * Row d is {0, d + 1} (its serial number), then K(d, e) at index e + 1 for
 * every document e, then -1: libsvm looks K(i, j) up as row i's node at
 * row j's serial number, so one matrix serves every tag and every fold. */
typedef struct {
	int n;
	struct svm_node *space;   /* n * (n + 2) nodes */
	struct svm_node **row;    /* n */
	int kernel;               /* what the values hold; -1: not filled yet */
	double gamma;
} tagar_gram;

/* Final kernel models as the workers leave them in shared memory: per tag,
 * its support vectors as document numbers with their coefficients. */
typedef struct {
	int32_t *doc;             /* ntags * ndocs */
	double *coef;             /* ntags * ndocs */
	double *rho;              /* ntags */
	uint32_t *count;          /* ntags */
} tagar_kernel_out;

typedef struct {
	const tagar_corpus *c;
	const tagar_train_opts *o;
	const tagar_matrix *mx;
	int ntags;
	char **tags;              /* sorted tag names */
	signed char *y;           /* ntags * ndocs, 1 or 0 */
	int *npos;
	double C, gamma;          /* the values being fitted (grid search varies them) */
	/* the micro-F1 floor (cv.c): tags with floor_reach or more examples
	 * are given only at calibrated probability floor_p or more (0: none) */
	double floor_p;
	int floor_reach;
	/* results, in shared memory while workers run */
	double *scores;           /* ntags * ndocs out-of-fold decision values */
	int *fold;                /* ntags * ndocs */
	float *weights;           /* nterms * ntags (linear models) */
	double *tagparam;         /* ntags * 4: bias, threshold, Platt A, Platt B */
	int *status;              /* ntags: 0 ok, else failure */
	long *done;               /* work units finished, for progress */
	long *next;               /* the next work unit to hand out */
	int *order;               /* tags, most positives first: the longest start first */
	/* tag vocabulary (fuse.c): each tag's lexical score per document
	 * (ntags * ndocs; NULL: no vocabulary), and the fusion weight chosen
	 * without fold f's documents (fuse_w[f]) and on all (fuse_w[folds]) */
	double *lex;
	double *fuse_w;
	tagar_tagvocab *tv;       /* the vocabulary stored in the model ... */
	tagar_lexicon *lx;        /* ... compiled */
	tagar_lex_params lexp;    /* its parameters; lexp.weight = fuse_w[folds] */
	/* libsvm only */
	tagar_gram *gram;         /* NULL: kernels evaluated on the sparse rows */
	tagar_kernel_out kout;    /* non-linear kernels */
} tagar_job;

/* train.c: LIBLINEAR's and libsvm's progress printer, silenced. */
void tagar_quiet_print(const char *s);

/* ---- cv.c: cross-validation and thresholds ---- */

/* A seed mixer (splitmix64's finaliser): folds and fit seeds. */
uint64_t tagar_mix(uint64_t x);
/* Stratified folds of y[0..n) into k, dealt from seed, written to fold. */
void tagar_make_folds(const signed char *y, int n, int k, uint64_t seed, int *fold);
/* The positive class's weight (--class-weight) for npos positives of n. */
double tagar_positive_weight(const tagar_job *jb, int npos, int n);
/* The rand() seed of one fit: (seed, tag, fold), the same on any worker. */
unsigned tagar_fit_seed(const tagar_job *jb, int tag, int fold);

/* A solver as cross-validation sees it: fit on some rows (NULL when they
 * hold one class only), score a row for the positive class, release. */
typedef struct {
	void *(*fit)(const tagar_job *jb, const signed char *y, const int *rows, int nrows, unsigned seed);
	double (*score)(const tagar_job *jb, const void *model, int row);
	void (*release)(void *model);
} tagar_learner;

/* Out-of-fold decision values for one tag's fold f: scored by a model fit
 * on the other folds (no model: every document scores -1). */
int tagar_cross_validate_fold(const tagar_job *jb, int tag, const tagar_learner *l, double *scores,
			      const int *fold, int f);

/* The threshold rule (cv.c, shared with the fusion weight search in
 * fuse.c): how many out-of-fold negatives a tag with npos examples may let
 * through (-1: no cap, --max-fp 0), and the threshold from the F1-best cut
 * `best` (its F1 f1), the SCutFBR fallback (--fbr) and the cap `cap` (the
 * negatives' cut, -1e30 for none); a tag with fewer than 2 examples gets
 * the cap, else 0. */
long tagar_max_negatives(const tagar_job *jb, long npos);
double tagar_threshold_rule(const tagar_job *jb, long npos, double best, double f1, double cap);
/* Tag's out-of-fold decision values fused with its lexical scores by
 * weight w: jb->scores itself without a vocabulary, else written to buf. */
const double *tagar_fused_scores(const tagar_job *jb, int tag, double w, double *buf);

/* Tag's threshold and Platt calibration (jb->tagparam) from its
 * out-of-fold decision values, fused with jb->fuse_w[folds]. */
void tagar_tune_tag(tagar_job *jb, int tag);
/* Raises tag's threshold, never lowers it, to the micro-F1 floor
 * (jb->floor_p, for tags with jb->floor_reach examples or more) on its
 * Platt calibration; nothing when jb->floor_p is 0 or the sigmoid does not
 * rise.  Call after the last tagar_tune_tag, which would undo it. */
void tagar_floor_tag(tagar_job *jb, int tag);
/* Honest CV counts of tag: each fold's predictions use a threshold (and,
 * when the floor reaches the tag, a sigmoid) tuned on the other folds'
 * out-of-fold scores only; the floor's probability and reach are jb's.
 * Out of memory: counts with support only. */
void tagar_cv_counts(const tagar_job *jb, int tag, tagar_counts *out);

/* fuse.c: the tag vocabulary in training.  tagar_fuse_vocabulary() makes
 * the vocabulary ctl asks for (its file's entries for the corpus's tags;
 * tags without one get their own name as alias unless ctl says not), or
 * NULL with *rc 0 when there is none.  tagar_fuse_scores() fills jb->lex;
 * tagar_fuse_choose() then picks jb->fuse_w on the out-of-fold scores. */
tagar_tagvocab *tagar_fuse_vocabulary(const tagar_job *jb, const tagar_train_ctl *ctl, const tagar_text_opts *to,
				      const tagar_stopset *stop, FILE *log, int *rc, tagar_err *err);
int tagar_fuse_scores(tagar_job *jb, const tagar_lexicon *lx, const tagar_text_opts *to, const tagar_stopset *stop,
		      const tagar_lex_params *p, tagar_err *err);
int tagar_fuse_choose(tagar_job *jb);

/* LIBLINEAR (linfit.c). */
extern const tagar_learner tagar_linear_learner;
/* Final fit of one tag on all documents: writes its weight column and bias. */
int tagar_linear_final(const tagar_job *jb, int tag);

/* libsvm (svmfit.c). */
extern const tagar_learner tagar_svm_learner;
/* Final fit of one tag on all documents.  Linear kernel: writes the weight
 * column and bias.  Other kernels: writes the tag's part of jb->kout. */
int tagar_svm_final(const tagar_job *jb, int tag);

/* Bytes a Gram matrix of n documents takes. */
double tagar_gram_bytes(int n);
/* Fills g with the kernel values jb's options and gamma call for, on
 * nthreads threads (allocating it on first use); does nothing when it
 * already holds them.  The values equal libsvm's own, bit for bit. */
int tagar_gram_fill(tagar_gram *g, const tagar_job *jb, int nthreads);
void tagar_gram_free(tagar_gram *g);

/* The final kernel models in jb->kout with their support vectors' sparse
 * rows, as the model image stores them. */
typedef struct {
	uint32_t *count;          /* ntags */
	double *rho;              /* ntags */
	double *coef;
	uint32_t *start;          /* total + 1 */
	uint32_t *idx;
	float *val;
	long total, nnz, cap_sv, cap_nnz;
} tagar_kernel_parts;
int tagar_kernel_parts_collect(const tagar_job *jb, tagar_kernel_parts *kv);
void tagar_kernel_parts_free(tagar_kernel_parts *kv);

#endif
