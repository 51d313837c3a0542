/* linfit.c - per-tag fitting with LIBLINEAR's L2-regularised L2-loss SVC
 * (dual coordinate descent), the default solver; svmfit.c is its libsvm
 * counterpart.
 *
 * LIBLINEAR's structs grow between releases (2.40 added nu and
 * regularize_bias to struct parameter), so they are filled by field name:
 * a field this build does not know stays zero, and the fields whose zero
 * would change the fit are set behind LIBLINEAR_VERSION.  `make
 * compat-check` compiles this file against LIBLINEAR 2.47's layout too
 * (tests/compat/). */
#include "trainjob.h"

#include <stdlib.h>

/* The solver's settings for one fit.  wl and wv (the positive class's
 * label and weight) must outlive the call to train(). */
static struct parameter linear_parameter(const tagar_job *jb, int *wl, double *wv)
{
	struct parameter par = {
		.solver_type = L2R_L2LOSS_SVC_DUAL, .eps = jb->o->eps, .C = jb->C,
		.nr_weight = 1, .weight_label = wl, .weight = wv,
		.p = 0.1,         /* SVR only; LIBLINEAR's own default */
		/* .init_sol (2.20 and later) stays NULL: no warm start */
#if LIBLINEAR_VERSION >= 240
		.nu = 0.5,        /* one-class SVM only; LIBLINEAR's own default */
		/* 1: the bias is regularised like every weight, as in the
		 * releases before the field existed; 0 would change the models */
		.regularize_bias = 1,
#endif
	};
	return par;
}

/* Fits on rows[0..nrows) and returns the model; NULL when only one class
 * is present (the caller then scores everything as negative). */
static struct model *fit_linear(const tagar_job *jb, const signed char *y, const int *rows, int nrows,
				unsigned seed)
{
	struct feature_node **x = malloc((size_t)nrows * sizeof *x);
	double *yy = malloc((size_t)nrows * sizeof *yy);
	int npos = 0;
	for (int i = 0; x && yy && i < nrows; i++) {
		x[i] = jb->mx->lin[rows[i]];
		yy[i] = y[rows[i]] > 0 ? 1 : -1;
		npos += y[rows[i]] > 0;
	}
	struct model *m = NULL;
	if (x && yy && npos > 0 && npos < nrows) {
		int wl = 1;
		double wv = tagar_positive_weight(jb, npos, nrows);
		/* the rows end in the bias node, index nterms + 1 (matrix.h) */
		struct problem p = {.l = nrows, .n = (int)jb->mx->nterms + 1, .y = yy, .x = x, .bias = 1.0};
		struct parameter par = linear_parameter(jb, &wl, &wv);
		srand(seed);
		m = train(&p, &par);
	}
	free(x);
	free(yy);
	return m;
}

static double linear_decision(const struct model *m, const struct feature_node *x)
{
	double d = 0;
	predict_values(m, x, &d);
	return m->label[0] == 1 ? d : -d;
}

static void *fit_linear_any(const tagar_job *jb, const signed char *y, const int *rows, int nrows, unsigned seed)
{
	return fit_linear(jb, y, rows, nrows, seed);
}

static double score_linear(const tagar_job *jb, const void *m, int row)
{
	return linear_decision(m, jb->mx->lin[row]);
}

static void release_linear(void *m)
{
	struct model *p = m;
	free_and_destroy_model(&p);
}

const tagar_learner tagar_linear_learner = {fit_linear_any, score_linear, release_linear};

int tagar_linear_final(const tagar_job *jb, int tag)
{
	int n = jb->mx->ndocs;
	long nt = jb->mx->nterms;
	int *rows = malloc((size_t)n * sizeof *rows);
	if (!rows)
		return -1;
	for (int i = 0; i < n; i++)
		rows[i] = i;
	struct model *m = fit_linear(jb, jb->y + (size_t)tag * n, rows, n, tagar_fit_seed(jb, tag, -1));
	free(rows);
	double sign = m && m->label[0] != 1 ? -1 : 1;
	for (long j = 0; j < nt; j++)
		jb->weights[(size_t)j * jb->ntags + tag] = m ? (float)(sign * m->w[j]) : 0.0f;
	jb->tagparam[4 * tag] = m ? sign * m->w[nt] : -1.0;
	free_and_destroy_model(&m);
	return 0;
}
