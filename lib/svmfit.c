/* svmfit.c - per-tag fitting with libsvm's C-SVC (linear, polynomial and
 * RBF kernels).  A linear-kernel model is folded into one weight vector,
 * so it is stored and applied exactly like a liblinear one.
 *
 * Kernel evaluations dominate libsvm's training time, and every tag and
 * every cross-validation fold trains on the same documents: so when it fits
 * in memory the kernel matrix of all document pairs is computed once
 * (tagar_gram) and libsvm reads it as a PRECOMPUTED kernel.  Its values are
 * computed as libsvm computes them, and cross-validation scores are summed
 * here the same way on either, so the Gram matrix and the sparse rows give
 * the same model, byte for byte; the models hold sparse support vectors. */
#include "trainjob.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static const int KERNEL_TYPE[] = {[TAGAR_KERNEL_LINEAR] = LINEAR, [TAGAR_KERNEL_POLY] = POLY,
				  [TAGAR_KERNEL_RBF] = RBF};

/* libsvm caches rows of the kernel matrix; allocating lazily, so this caps
 * memory rather than reserving it.  A cache that holds the whole matrix of
 * one fit computes every row once; beyond 512 MB per worker, recompute. */
static double cache_mb(int l)
{
	double mb = ((double)l * l * sizeof(float) + (double)l * 16) / (1 << 20) + 1;
	return mb < 512 ? mb : 512;
}

/* ------------------------------------------------- kernel values */

/* libsvm's powi, so polynomial values match its own bit for bit. */
static double powi(double base, int times)
{
	double tmp = base, ret = 1.0;
	for (int t = times; t > 0; t /= 2) {
		if (t % 2 == 1)
			ret *= tmp;
		tmp = tmp * tmp;
	}
	return ret;
}

/* K from the dot product, written as libsvm's Kernel class writes it. */
static double kernel_value(const tagar_job *jb, double dot, double sqi, double sqj)
{
	switch (jb->o->kernel) {
	case TAGAR_KERNEL_RBF: return exp(-jb->gamma * (sqi + sqj - 2 * dot));
	case TAGAR_KERNEL_POLY: return powi(jb->gamma * dot + jb->o->coef0, jb->o->degree);
	default: return dot;
	}
}

/* libsvm's dot(): the common terms' products, in term order. */
static double sparse_dot(const struct svm_node *x, const struct svm_node *y)
{
	double s = 0;
	while (x->index != -1 && y->index != -1) {
		if (x->index == y->index)
			s += (x++)->value * (y++)->value;
		else if (x->index < y->index)
			x++;
		else
			y++;
	}
	return s;
}


/* ------------------------------------------------- fitting */

/* What libsvm sees of a document: its Gram row, or its sparse row. */
static struct svm_node *row_of(const tagar_job *jb, int d)
{
	return jb->gram ? jb->gram->row[d] : jb->mx->svm[d];
}

static struct svm_model *train_rows(const tagar_job *jb, struct svm_node **x, double *yy, int nrows, int npos)
{
	int wl = 1;
	double wv = tagar_positive_weight(jb, npos, nrows);
	struct svm_problem p = {.l = nrows, .y = yy, .x = x};
	struct svm_parameter par = {
		.svm_type = C_SVC, .kernel_type = jb->gram ? PRECOMPUTED : KERNEL_TYPE[jb->o->kernel],
		.degree = jb->o->degree, .gamma = jb->gamma, .coef0 = jb->o->coef0, .cache_size = cache_mb(nrows),
		.eps = 1e-3, .C = jb->C, .nr_weight = 1, .weight_label = &wl, .weight = &wv, .shrinking = 1};
	return svm_train(&p, &par);
}

/* Fits on rows[0..nrows), or on documents 0..nrows-1 when rows is NULL;
 * NULL when they hold one class only.  The model points into the matrix
 * (or the Gram matrix) only through SV, which holds row pointers; the
 * array x itself may go. */
static struct svm_model *fit(const tagar_job *jb, const signed char *y, const int *rows, int nrows)
{
	struct svm_node **x = malloc((size_t)nrows * sizeof *x);
	double *yy = malloc((size_t)nrows * sizeof *yy);
	int npos = 0;
	for (int i = 0; x && yy && i < nrows; i++) {
		int d = rows ? rows[i] : i;
		x[i] = row_of(jb, d);
		yy[i] = y[d] > 0 ? 1 : -1;
		npos += y[d] > 0;
	}
	struct svm_model *m = NULL;
	if (x && yy && npos > 0 && npos < nrows)
		m = train_rows(jb, x, yy, nrows, npos);
	free(x);
	free(yy);
	return m;
}

/* A fold's model as cross-validation scores with it.  Scores are summed
 * here, not by svm_predict_values, so that the Gram matrix and the sparse
 * rows give the same values: libsvm predicts RBF from |x - y|^2 but trains
 * on |x|^2 + |y|^2 - 2x.y, which is what the Gram matrix holds. */
typedef struct {
	struct svm_model *m;
	int *doc;                 /* support vector i's document */
	double *sq;               /* sparse rows only: its |x|^2 */
} cv_model;

static void release(void *p)
{
	cv_model *cm = p;
	if (!cm)
		return;
	svm_free_and_destroy_model(&cm->m);
	free(cm->doc);
	free(cm->sq);
	free(cm);
}

static void *fit_any(const tagar_job *jb, const signed char *y, const int *rows, int nrows, unsigned seed)
{
	(void)seed;  /* C-SVC without probability estimates draws no random numbers */
	struct svm_model *m = fit(jb, y, rows, nrows);
	cv_model *cm = m ? calloc(1, sizeof *cm) : NULL;
	if (!cm) {
		svm_free_and_destroy_model(&m);
		return NULL;
	}
	size_t l = m->l > 0 ? (size_t)m->l : 1;
	cm->m = m;
	cm->doc = malloc(l * sizeof *cm->doc);
	cm->sq = jb->gram ? NULL : malloc(l * sizeof *cm->sq);
	if (!cm->doc || (!jb->gram && !cm->sq)) {
		release(cm);
		return NULL;
	}
	for (int i = 0; i < m->l; i++) {
		cm->doc[i] = rows[m->sv_indices[i] - 1];
		if (cm->sq)
			cm->sq[i] = sparse_dot(m->SV[i], m->SV[i]);
	}
	return cm;
}

/* K(scored document, support vector i); x is the document's Gram row
 * (serial numbers are documents + 1) or its sparse row. */
static double sv_kernel(const tagar_job *jb, const cv_model *cm, const struct svm_node *x, double xsq, int i)
{
	if (jb->gram)
		return x[cm->doc[i] + 1].value;
	return kernel_value(jb, sparse_dot(x, cm->m->SV[i]), xsq, cm->sq[i]);
}

/* svm_predict_values' sum for two classes, term by term in its order. */
static double score(const tagar_job *jb, const void *p, int row)
{
	const cv_model *cm = p;
	const struct svm_model *m = cm->m;
	const struct svm_node *x = row_of(jb, row);
	double xsq = jb->gram ? 0 : sparse_dot(x, x), s = 0;
	for (int i = 0; i < m->l; i++)
		s += m->sv_coef[0][i] * sv_kernel(jb, cm, x, xsq, i);
	s -= m->rho[0];
	return m->label[0] == 1 ? s : -s;
}

const tagar_learner tagar_svm_learner = {fit_any, score, release};

/* The final fit trains on every document in order, so support vector i is
 * document sv_indices[i] - 1 whichever rows libsvm saw. */
static const struct svm_node *sv_row(const tagar_job *jb, const struct svm_model *m, int i)
{
	return jb->mx->svm[m->sv_indices[i] - 1];
}

static void fold_linear(const tagar_job *jb, int tag, const struct svm_model *m)
{
	double sign = m && m->label[0] != 1 ? -1 : 1;
	for (long j = 0; j < jb->mx->nterms; j++)
		jb->weights[(size_t)j * jb->ntags + tag] = 0;
	for (int i = 0; m && i < m->l; i++)
		for (const struct svm_node *x = sv_row(jb, m, i); x->index != -1; x++)
			jb->weights[(size_t)(x->index - 1) * jb->ntags + tag] += (float)(sign * m->sv_coef[0][i] * x->value);
	jb->tagparam[4 * tag] = m ? -sign * m->rho[0] : -1.0;
}

static void keep_kernel_model(const tagar_job *jb, int tag, const struct svm_model *m)
{
	const tagar_kernel_out *k = &jb->kout;
	size_t base = (size_t)tag * (size_t)jb->mx->ndocs;
	double sign = m && m->label[0] != 1 ? -1 : 1;
	k->count[tag] = m ? (uint32_t)m->l : 0;
	k->rho[tag] = m ? sign * m->rho[0] : 1.0;  /* no model: always negative */
	for (int i = 0; m && i < m->l; i++) {
		k->doc[base + (size_t)i] = m->sv_indices[i] - 1;
		k->coef[base + (size_t)i] = sign * m->sv_coef[0][i];
	}
}

int tagar_svm_final(const tagar_job *jb, int tag)
{
	int n = jb->mx->ndocs;
	struct svm_model *m = fit(jb, jb->y + (size_t)tag * n, NULL, n);
	if (jb->o->kernel == TAGAR_KERNEL_LINEAR)
		fold_linear(jb, tag, m);
	else
		keep_kernel_model(jb, tag, m);
	svm_free_and_destroy_model(&m);
	return 0;
}

/* ------------------------------------------------- model assembly */

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

static int append_svs(tagar_kernel_parts *kv, const tagar_job *jb, int tag)
{
	const tagar_kernel_out *k = &jb->kout;
	const int32_t *doc = k->doc + (size_t)tag * (size_t)jb->mx->ndocs;
	const double *coef = k->coef + (size_t)tag * (size_t)jb->mx->ndocs;
	long nsv = k->count[tag], nnz = 0;
	for (long i = 0; i < nsv; i++)
		for (const struct svm_node *x = jb->mx->svm[doc[i]]; x->index != -1; x++)
			nnz++;
	if (reserve(kv, nsv, nnz))
		return -1;
	if (kv->total == 0)
		kv->start[0] = 0;
	kv->count[tag] = (uint32_t)nsv;
	kv->rho[tag] = k->rho[tag];
	for (long i = 0; i < nsv; i++) {
		kv->coef[kv->total] = coef[i];
		for (const struct svm_node *x = jb->mx->svm[doc[i]]; x->index != -1; x++) {
			kv->idx[kv->nnz] = (uint32_t)(x->index - 1);
			kv->val[kv->nnz++] = (float)x->value;
		}
		kv->start[++kv->total] = (uint32_t)kv->nnz;
	}
	return 0;
}

int tagar_kernel_parts_collect(const tagar_job *jb, tagar_kernel_parts *kv)
{
	size_t nt = jb->ntags > 0 ? (size_t)jb->ntags : 1;
	kv->count = calloc(nt, sizeof *kv->count);
	kv->rho = calloc(nt, sizeof *kv->rho);
	if (!kv->count || !kv->rho)
		return -1;
	for (int t = 0; t < jb->ntags; t++)
		if (append_svs(kv, jb, t))
			return -1;
	return 0;
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

/* ------------------------------------------------- the Gram matrix */

double tagar_gram_bytes(int n)
{
	return (double)n * ((double)n + 2) * sizeof(struct svm_node) + (double)n * sizeof(struct svm_node *);
}

/* The rows by term: term t's documents in rising order with their values
 * at start[t] .. start[t + 1] - 1; at[first[d] + i]: where row d's i-th
 * value sits in its term's list. */
typedef struct {
	long *start, *first, *at;
	int *doc;
	double *val;
} by_term;

static void by_term_free(by_term *b)
{
	free(b->start);
	free(b->first);
	free(b->at);
	free(b->doc);
	free(b->val);
}

static void by_term_fill(by_term *b, const tagar_matrix *mx)
{
	long k = 0;
	for (int d = 0; d < mx->ndocs; d++) {
		b->first[d] = k;
		for (const struct svm_node *x = mx->svm[d]; x->index != -1; x++, k++) {
			long p = b->start[x->index]++;
			b->doc[p] = d;
			b->val[p] = x->value;
			b->at[k] = p;
		}
	}
	for (long t = mx->nterms + 1; t > 0; t--)  /* each start moved on to the next */
		b->start[t] = b->start[t - 1];
	b->start[0] = 0;
}

static int by_term_build(by_term *b, const tagar_matrix *mx)
{
	size_t nnz = 1;
	for (int d = 0; d < mx->ndocs; d++)
		for (const struct svm_node *x = mx->svm[d]; x->index != -1; x++)
			nnz++;
	b->start = calloc((size_t)mx->nterms + 2, sizeof *b->start);
	b->first = malloc(((size_t)mx->ndocs + 1) * sizeof *b->first);
	b->at = malloc(nnz * sizeof *b->at);
	b->doc = malloc(nnz * sizeof *b->doc);
	b->val = malloc(nnz * sizeof *b->val);
	if (!b->start || !b->first || !b->at || !b->doc || !b->val)
		return -1;
	for (int d = 0; d < mx->ndocs; d++)
		for (const struct svm_node *x = mx->svm[d]; x->index != -1; x++)
			b->start[x->index + 1]++;
	for (long t = 1; t <= mx->nterms + 1; t++)
		b->start[t] += b->start[t - 1];
	by_term_fill(b, mx);
	return 0;
}

/* acc[j] += x_i.x_j for every document j >= i: row i's terms in rising
 * order, so each sum adds the common terms' products in term order, as
 * libsvm's dot() does, and costs only the pairs that share a term. */
static void accumulate(const by_term *b, const struct svm_node *x, long k, double *acc)
{
	for (; x->index != -1; x++, k++)
		for (long p = b->at[k]; p < b->start[x->index + 1]; p++)
			acc[b->doc[p]] += x->value * b->val[p];
}

typedef struct {
	tagar_gram *g;
	const tagar_job *jb;
	const by_term *bt;
	const double *sq;          /* each row's dot with itself */
	int w, nw;
	int failed;
} gram_part;

/* Rows w, w + nw, ...: each computes its pairs with the rows after it and
 * writes both halves, so every cell has one writer. */
static void *gram_rows(void *arg)
{
	gram_part *p = arg;
	const tagar_matrix *mx = p->jb->mx;
	struct svm_node **row = p->g->row;
	int n = p->g->n;
	double *acc = calloc((size_t)n + 1, sizeof *acc);
	if (!acc) {
		p->failed = 1;
		return NULL;
	}
	for (int i = p->w; i < n; i += p->nw) {
		accumulate(p->bt, mx->svm[i], p->bt->first[i], acc);
		for (int j = i; j < n; j++) {
			row[i][j + 1].value = row[j][i + 1].value = kernel_value(p->jb, acc[j], p->sq[i], p->sq[j]);
			acc[j] = 0;
		}
	}
	free(acc);
	return NULL;
}

static size_t space_bytes(int n)
{
	size_t nodes = (size_t)n * ((size_t)n + 2);
	return (nodes ? nodes : 1) * sizeof(struct svm_node);
}

/* libsvm reads each training row's first node, a row length apart: on
 * 4 kB pages nearly every read misses the TLB, so huge pages are asked for. */
static int gram_alloc(tagar_gram *g, int n)
{
	g->n = n;
	g->kernel = -1;
	void *p = mmap(NULL, space_bytes(n), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g->space = p == MAP_FAILED ? NULL : p;
#ifdef MADV_HUGEPAGE
	if (g->space)
		madvise(g->space, space_bytes(n), MADV_HUGEPAGE);  /* a hint: failure only costs time */
#endif
	g->row = malloc((size_t)(n ? n : 1) * sizeof *g->row);
	if (!g->space || !g->row)
		return -1;
	for (int d = 0; d < n; d++)
		g->row[d] = g->space + (size_t)d * ((size_t)n + 2);
	return 0;
}

/* Rows w/nw to (w+1)/nw of the matrix, a block per thread: their first
 * touch, where the kernel clears the pages, is the costly part. */
static void *gram_layout(void *arg)
{
	gram_part *p = arg;
	int n = p->g->n;
	for (int d = (int)((long)n * p->w / p->nw); d < (int)((long)n * (p->w + 1) / p->nw); d++) {
		struct svm_node *r = p->g->row[d];
		r[0] = (struct svm_node){.index = 0, .value = d + 1};
		for (int e = 1; e <= n; e++)
			r[e].index = e;
		r[n + 1] = (struct svm_node){.index = -1};
	}
	return NULL;
}

/* Runs fn on the rows of each of nthreads threads (at most 64: the pairs
 * are few enough that more would not pay); a thread that cannot start has
 * its rows done by the caller.  Threads, not processes: nothing here draws
 * random numbers, and the result is the same for any count. */
static int gram_parts(tagar_gram *g, const tagar_job *jb, const by_term *bt, const double *sq, int nthreads,
		      void *(*fn)(void *))
{
	int nw = nthreads < 1 ? 1 : nthreads > 64 ? 64 : nthreads, failed = 0;
	gram_part part[64];
	pthread_t th[64];
	int started[64] = {0};
	for (int w = 0; w < nw; w++)
		part[w] = (gram_part){g, jb, bt, sq, w, nw, 0};
	for (int w = 1; w < nw; w++)
		started[w] = pthread_create(&th[w], NULL, fn, &part[w]) == 0;
	fn(&part[0]);
	for (int w = 1; w < nw; w++) {
		if (started[w])
			pthread_join(th[w], NULL);
		else
			fn(&part[w]);
		failed |= part[w].failed;
	}
	return (failed | part[0].failed) ? -1 : 0;
}

int tagar_gram_fill(tagar_gram *g, const tagar_job *jb, int nthreads)
{
	int kernel = jb->o->kernel;
	if (!g->space && (gram_alloc(g, jb->mx->ndocs) || gram_parts(g, jb, NULL, NULL, nthreads, gram_layout)))
		return -1;
	if (g->kernel == kernel && (kernel == TAGAR_KERNEL_LINEAR || g->gamma == jb->gamma))
		return 0;
	double *sq = malloc((size_t)(g->n ? g->n : 1) * sizeof *sq);
	by_term bt = {0};
	int rc = !sq || by_term_build(&bt, jb->mx) ? -1 : 0;
	for (int d = 0; !rc && d < g->n; d++)  /* libsvm's x_square */
		sq[d] = sparse_dot(jb->mx->svm[d], jb->mx->svm[d]);
	if (!rc)
		rc = gram_parts(g, jb, &bt, sq, nthreads, gram_rows);
	by_term_free(&bt);
	free(sq);
	g->kernel = rc ? -1 : kernel;
	g->gamma = jb->gamma;
	return rc;
}

void tagar_gram_free(tagar_gram *g)
{
	if (g->space)
		munmap(g->space, space_bytes(g->n));
	free(g->row);
	memset(g, 0, sizeof *g);
}
