/* svmfit.c - per-tag fitting with libsvm's C-SVC (linear, polynomial and
 * RBF kernels).  A linear-kernel model is folded into one weight vector,
 * so it is stored and applied exactly like a liblinear one. */
#include "trainjob.h"

#include <stdlib.h>
#include <string.h>

static const int KERNEL_TYPE[] = {[TAGAR_KERNEL_LINEAR] = LINEAR, [TAGAR_KERNEL_POLY] = POLY,
				  [TAGAR_KERNEL_RBF] = RBF};

/* NULL when the rows hold one class only. */
static struct svm_model *fit(const tagar_job *jb, const signed char *y, const int *rows, int nrows)
{
	struct svm_node **x = malloc((size_t)nrows * sizeof *x);
	double *yy = malloc((size_t)nrows * sizeof *yy);
	int npos = 0;
	for (int i = 0; x && yy && i < nrows; i++) {
		x[i] = jb->mx->svm[rows[i]];
		yy[i] = y[rows[i]] > 0 ? 1 : -1;
		npos += y[rows[i]] > 0;
	}
	struct svm_model *m = NULL;
	if (x && yy && npos > 0 && npos < nrows) {
		int wl = 1;
		double wv = tagar_positive_weight(jb, npos, nrows);
		struct svm_problem p = {nrows, yy, x};
		struct svm_parameter par = {
			.svm_type = C_SVC, .kernel_type = KERNEL_TYPE[jb->o->kernel], .degree = jb->o->degree,
			.gamma = jb->gamma, .coef0 = jb->o->coef0, .cache_size = 256, .eps = 1e-3, .C = jb->C,
			.nr_weight = 1, .weight_label = &wl, .weight = &wv, .shrinking = 1};
		m = svm_train(&p, &par);
		/* the model points into x only through SV, which holds row pointers
		 * of the matrix; the array itself may go */
	}
	free(x);
	free(yy);
	return m;
}

static double decision(const struct svm_model *m, const struct svm_node *x)
{
	double d = 0;
	svm_predict_values(m, x, &d);
	return m->label[0] == 1 ? d : -d;
}

static void *fit_any(const tagar_job *jb, const signed char *y, const int *rows, int nrows, unsigned seed)
{
	(void)seed;  /* C-SVC without probability estimates draws no random numbers */
	return fit(jb, y, rows, nrows);
}

static double score(const tagar_job *jb, const void *m, int row)
{
	return decision(m, jb->mx->svm[row]);
}

static void release(void *m)
{
	struct svm_model *p = m;
	svm_free_and_destroy_model(&p);
}

const tagar_learner tagar_svm_learner = {fit_any, score, release};

static void fold_linear(const tagar_job *jb, int tag, const struct svm_model *m)
{
	double sign = m && m->label[0] != 1 ? -1 : 1;
	for (long j = 0; j < jb->mx->nterms; j++)
		jb->weights[(size_t)j * jb->ntags + tag] = 0;
	for (int i = 0; m && i < m->l; i++)
		for (const struct svm_node *x = m->SV[i]; x->index != -1; x++)
			jb->weights[(size_t)(x->index - 1) * jb->ntags + tag] += (float)(sign * m->sv_coef[0][i] * x->value);
	jb->tagparam[4 * tag] = m ? -sign * m->rho[0] : -1.0;
}

static int reserve(tagar_kernel_parts *kv, long sv, long nnz)
{
	if (kv->total + sv + 1 > kv->cap_sv) {
		long nc = (kv->total + sv + 1) * 2;
		double *c = realloc(kv->coef, (size_t)nc * sizeof *c);
		if (!c)
			return -1;
		kv->coef = c;
		uint32_t *s = realloc(kv->start, (size_t)(nc + 1) * sizeof *s);
		if (!s)
			return -1;
		kv->start = s;
		kv->cap_sv = nc;
	}
	if (kv->nnz + nnz > kv->cap_nnz) {
		long nc = (kv->nnz + nnz) * 2 + 1;
		uint32_t *ix = realloc(kv->idx, (size_t)nc * sizeof *ix);
		if (!ix)
			return -1;
		kv->idx = ix;
		float *v = realloc(kv->val, (size_t)nc * sizeof *v);
		if (!v)
			return -1;
		kv->val = v;
		kv->cap_nnz = nc;
	}
	return 0;
}

static int append_svs(tagar_kernel_parts *kv, int tag, const struct svm_model *m)
{
	double sign = m && m->label[0] != 1 ? -1 : 1;
	long nnz = 0;
	for (int i = 0; m && i < m->l; i++)
		for (const struct svm_node *x = m->SV[i]; x->index != -1; x++)
			nnz++;
	if (reserve(kv, m ? m->l : 0, nnz))
		return -1;
	if (kv->total == 0)
		kv->start[0] = 0;
	kv->count[tag] = m ? (uint32_t)m->l : 0;
	kv->rho[tag] = m ? sign * m->rho[0] : 1.0;  /* no model: always negative */
	for (int i = 0; m && i < m->l; i++) {
		kv->coef[kv->total] = sign * m->sv_coef[0][i];
		for (const struct svm_node *x = m->SV[i]; x->index != -1; x++) {
			kv->idx[kv->nnz] = (uint32_t)(x->index - 1);
			kv->val[kv->nnz++] = (float)x->value;
		}
		kv->start[++kv->total] = (uint32_t)kv->nnz;
	}
	return 0;
}

int tagar_svm_final(const tagar_job *jb, int tag, tagar_kernel_parts *kv)
{
	int n = jb->mx->ndocs;
	int *rows = malloc((size_t)n * sizeof *rows);
	if (!rows)
		return -1;
	for (int i = 0; i < n; i++)
		rows[i] = i;
	struct svm_model *m = fit(jb, jb->y + (size_t)tag * n, rows, n);
	free(rows);
	int rc = 0;
	if (kv)
		rc = append_svs(kv, tag, m);
	else
		fold_linear(jb, tag, m);
	svm_free_and_destroy_model(&m);
	return rc;
}

void tagar_kernel_parts_free(tagar_kernel_parts *kv)
{
	free(kv->count);
	free(kv->rho);
	free(kv->coef);
	free(kv->start);
	free(kv->idx);
	free(kv->val);
	memset(kv, 0, sizeof *kv);
}
