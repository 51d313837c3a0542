/* train.c - one binary SVM per tag (one-vs-rest), thresholds tuned by
 * stratified K-fold cross-validation (SCut), Platt calibration, and the
 * model image.
 *
 * Tags, and each tag's folds, are independent, so they are trained by forked
 * worker processes that write into shared memory: the liblinear dual solver
 * draws from the C library's rand(), which threads would interleave; each
 * fit here reseeds it from (seed, tag, fold), so the model is the same for
 * any worker count. */
#include "trainjob.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

void tagar_train_opts_default(tagar_train_opts *o)
{
	memset(o, 0, sizeof *o);
	o->solver = TAGAR_SOLVER_LIBLINEAR;
	o->kernel = TAGAR_KERNEL_LINEAR;
	o->C = 1.0;
	o->gamma = 1.0;
	o->coef0 = 0.0;
	o->degree = 2;
	o->folds = 5;
	o->class_weight = 0;
	o->seed = 1;
	o->min_df_count = 2;
	o->max_df = 0.5;
	o->threads = 0;
	o->eps = 0.1;
	o->fbr = 0;
	o->max_fp = 0.5;
	o->quantize = 1;
	o->max_tags = 10000;
	o->max_terms = 5000000;
}

void tagar_quiet_print(const char *s) { (void)s; }

uint64_t tagar_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Stratified folds: positives and negatives each shuffled and dealt out. */
void tagar_make_folds(const signed char *y, int n, int k, uint64_t seed, int *fold)
{
	int *perm = malloc((size_t)n * sizeof *perm);
	if (!perm) {
		for (int i = 0; i < n; i++)
			fold[i] = i % k;
		return;
	}
	for (int i = 0; i < n; i++)
		perm[i] = i;
	for (int i = n - 1; i > 0; i--) {
		seed = tagar_mix(seed);
		int j = (int)(seed % (uint64_t)(i + 1)), t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	int dealt[2] = {0, 0};
	for (int i = 0; i < n; i++) {
		int d = perm[i], cls = y[d] > 0;
		fold[d] = dealt[cls]++ % k;
	}
	free(perm);
}

double tagar_positive_weight(const tagar_job *jb, int npos, int n)
{
	double r = (double)(n - npos) / (npos ? npos : 1);
	switch (jb->o->class_weight) {
	case 1: return r > 1 ? sqrt(r) : 1;
	case 2: return r > 1 ? r : 1;
	default: return 1;
	}
}

unsigned tagar_fit_seed(const tagar_job *jb, int tag, int fold)
{
	return (unsigned)tagar_mix(jb->o->seed * 1000003u + (uint64_t)tag * 131u + (uint64_t)fold);
}

/* Out-of-fold decision values for one tag's fold f. */
int tagar_cross_validate_fold(const tagar_job *jb, int tag, const tagar_learner *l, double *scores,
			      const int *fold, int f)
{
	int n = jb->mx->ndocs;
	const signed char *y = jb->y + (size_t)tag * n;
	int *tr = calloc((size_t)n, sizeof *tr), *te = calloc((size_t)n, sizeof *te);
	if (!tr || !te) {
		free(tr);
		free(te);
		return -1;
	}
	int ntr = 0, nte = 0;
	for (int i = 0; i < n; i++) {
		if (fold[i] == f)
			te[nte++] = i;
		else
			tr[ntr++] = i;
	}
	void *m = l->fit(jb, y, tr, ntr, tagar_fit_seed(jb, tag, f));
	for (int i = 0; i < nte; i++)
		scores[te[i]] = m ? l->score(jb, m, te[i]) : -1.0;
	l->release(m);
	free(tr);
	free(te);
	return 0;
}

/* SCut: the threshold with the best out-of-fold F1, never so low that it
 * lets through more than max_fp times as many out-of-fold negatives as the
 * tag has examples.  With a handful of positives the F1-best cut often lies
 * deep in the negatives (a 3-example reuters tag then tags hundreds of
 * articles); the cap bounds that, and the SCutFBR fallback (fbr: a cut whose
 * CV F1 is below it keeps the SVM's own boundary, 0) is then no longer
 * needed (bench/cv.py: README, "Rare categories").  A tag with a single
 * example cannot be tuned: the cap alone sets its threshold. */
long tagar_max_negatives(const tagar_job *jb, long npos)
{
	return jb->o->max_fp > 0 ? (long)ceil(jb->o->max_fp * (double)npos) : -1;
}

double tagar_threshold_rule(const tagar_job *jb, long npos, double best, double f1, double cap)
{
	if (npos < 2)
		return cap > -1e30 ? cap : 0.0;
	double th = f1 < jb->o->fbr && best < 0 ? 0.0 : best;
	return th > cap ? th : cap;
}

static double pick_threshold(const tagar_job *jb, const double *s, const signed char *y, int n, int npos)
{
	long k = tagar_max_negatives(jb, npos);
	double cap = k >= 0 ? tagar_negative_cut(s, y, n, k) : -1e30;
	double f1 = 0, best = npos >= 2 ? tagar_best_threshold(s, y, n, &f1) : 0.0;
	return tagar_threshold_rule(jb, npos, best, f1, cap);
}

const double *tagar_fused_scores(const tagar_job *jb, int tag, double w, double *buf)
{
	size_t n = (size_t)jb->mx->ndocs;
	const double *s = jb->scores + (size_t)tag * n, *lex = jb->lex + (size_t)tag * n;
	if (!jb->lex || !buf)
		return s;
	for (size_t i = 0; i < n; i++)
		buf[i] = s[i] + w * lex[i];
	return buf;
}

/* The fusion weight for fold f's figures (f == folds: the model's). */
static double fold_weight(const tagar_job *jb, int f)
{
	return jb->lex ? jb->fuse_w[f] : 0;
}

/* Threshold and calibration from the out-of-fold decision values (fused
 * with the vocabulary's evidence once its weight is chosen). */
static void tune_tag(tagar_job *jb, int tag)
{
	int n = jb->mx->ndocs;
	double *buf = jb->lex ? malloc((size_t)n * sizeof *buf) : NULL;
	const double *s = tagar_fused_scores(jb, tag, fold_weight(jb, jb->o->folds), buf);
	const signed char *y = jb->y + (size_t)tag * n;
	double A, B;
	tagar_platt_fit(s, y, n, &A, &B);
	jb->tagparam[4 * tag + 1] = pick_threshold(jb, s, y, n, jb->npos[tag]);
	jb->tagparam[4 * tag + 2] = A;
	jb->tagparam[4 * tag + 3] = B;
	free(buf);
}

/* A tag's work comes in units that train on their own: its K
 * cross-validation folds, then (final runs) the fit on all documents. */
static long units_per_tag(const tagar_job *jb, int final)
{
	return jb->o->folds + (final ? 1 : 0);
}

static int run_unit(tagar_job *jb, int tag, int part)
{
	size_t at = (size_t)tag * (size_t)jb->mx->ndocs;
	int kernel = jb->o->solver == TAGAR_SOLVER_LIBSVM;
	if (part < jb->o->folds)
		return tagar_cross_validate_fold(jb, tag, kernel ? &tagar_svm_learner : &tagar_linear_learner,
						 jb->scores + at, jb->fold + at, part);
	return kernel ? tagar_svm_final(jb, tag) : tagar_linear_final(jb, tag);
}

static void progress(const tagar_job *jb, long per, const tagar_train_ctl *ctl, struct timespec t0)
{
	if (!ctl->verbose)
		return;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double el = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
	long d = __atomic_load_n(jb->done, __ATOMIC_RELAXED), total = per * jb->ntags;
	double eta = d ? el * (double)(total - d) / (double)d : 0;
	fprintf(ctl->log ? ctl->log : stderr, "\rtag %ld of %d, %.1f s elapsed, about %.1f s left   ",
		d / per, jb->ntags, el, eta);
}

/* Each worker takes the next unit until none is left, tags in jb->order,
 * so the load evens out whatever the tags cost, down to a fold; a unit's
 * results do not depend on which worker runs it. */
static void work_share(tagar_job *jb, int w, int final, const tagar_train_ctl *ctl, struct timespec t0)
{
	long per = units_per_tag(jb, final), total = per * jb->ntags;
	for (long u; (u = __atomic_fetch_add(jb->next, 1, __ATOMIC_RELAXED)) < total;) {
		int t = jb->order[u / per];
		if (run_unit(jb, t, (int)(u % per)))
			__atomic_store_n(&jb->status[t], 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(jb->done, 1, __ATOMIC_RELAXED);
		if (w == 0)
			progress(jb, per, ctl, t0);
	}
}

static int worker_count(const tagar_job *jb)
{
	int nw = jb->o->threads > 0 ? jb->o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	return nw < 1 ? 1 : nw;
}

/* Waits for workers 1..nw-1; nonzero when one of them died. */
static int join_workers(const pid_t *kids, int nw)
{
	int crashed = 0;
	for (int w = 1; w < nw; w++) {
		int st = 0;
		if (waitpid(kids[w], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			crashed = 1;
	}
	return crashed;
}

/* A worker dies with the process that forked it (pid parent): killed,
 * that process cannot collect its work, and an orphan would run on for
 * the rest of the training.  Linux says so with a signal; a parent that
 * died before the request took effect is seen by getppid(). */
static void die_with_parent(pid_t parent)
{
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (getppid() != parent)
		_exit(1);
}

static void sparse_note(const tagar_train_ctl *ctl, const char *why)
{
	/* said like the data warnings: the run is going to be many times slower */
	fprintf(ctl->log ? ctl->log : stderr, "note: libsvm: %s: kernels are evaluated on sparse rows\n", why);
}

/* Trains every tag on nw workers: this process and nw-1 forked children.
 * The libsvm Gram matrix is filled first, so the children share it; when
 * memory runs out for it, the sparse rows give the same models. */
static int run_tags(tagar_job *jb, int final, const tagar_train_ctl *ctl, tagar_err *err)
{
	int nw = worker_count(jb);
	if (jb->gram && tagar_gram_fill(jb->gram, jb, nw)) {
		sparse_note(ctl, "out of memory for the kernel matrix");
		tagar_gram_free(jb->gram);
		jb->gram = NULL;
	}
	long units = units_per_tag(jb, final) * jb->ntags;
	if (nw > units)
		nw = (int)units;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	*jb->done = *jb->next = 0;
	memset(jb->status, 0, (size_t)jb->ntags * sizeof *jb->status);
	pid_t *kids = calloc((size_t)nw, sizeof *kids);
	if (!kids)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	fflush(NULL);
	pid_t parent = getpid();
	for (int w = 1; w < nw; w++) {
		kids[w] = fork();
		if (kids[w] == 0) {
			die_with_parent(parent);
			work_share(jb, w, final, ctl, t0);
			free(kids);  /* the child's only private allocation */
			_exit(0);
		}
		if (kids[w] < 0)
			nw = w;  /* fewer workers take every unit between them */
	}
	work_share(jb, 0, final, ctl, t0);
	int crashed = join_workers(kids, nw);
	free(kids);
	if (ctl->verbose)  /* erase the progress line: it does not outlive the run */
		fputs("\r\033[K", ctl->log ? ctl->log : stderr);
	for (int t = 0; t < jb->ntags; t++)
		if (crashed || jb->status[t])
			return tagar_fail(err, TAGAR_ESOLVER, "training failed for tag \"%s\"%s", jb->tags[t],
					  crashed ? " (a worker process died)" : "");
	for (int t = 0; t < jb->ntags; t++)  /* every fold is scored: thresholds and calibration */
		tune_tag(jb, t);
	return 0;
}

/* Honest CV counts: each fold's predictions use a threshold tuned on the
 * out-of-fold scores of the other folds only. */
static void cv_counts(const tagar_job *jb, int tag, tagar_counts *out)
{
	int n = jb->mx->ndocs, k = jb->o->folds;
	const signed char *y = jb->y + (size_t)tag * n;
	const int *fold = jb->fold + (size_t)tag * n;
	double *ss = malloc((size_t)n * sizeof *ss), *buf = jb->lex ? malloc((size_t)n * sizeof *buf) : NULL;
	signed char *yy = malloc((size_t)n);
	memset(out, 0, sizeof *out);
	out->support = jb->npos[tag];
	for (int f = 0; ss && yy && f < k; f++) {
		/* the fold's weight, like its threshold, chosen without it */
		const double *s = tagar_fused_scores(jb, tag, fold_weight(jb, f), buf);
		int m = 0;
		for (int i = 0; i < n; i++)
			if (fold[i] != f) {
				ss[m] = s[i];
				yy[m++] = y[i];
			}
		int np = 0;
		for (int i = 0; i < m; i++)
			np += yy[i];
		double th = pick_threshold(jb, ss, yy, m, np);
		for (int i = 0; i < n; i++) {
			if (fold[i] != f)
				continue;
			int p = s[i] >= th;
			out->tp += p && y[i];
			out->fp += p && !y[i];
			out->fn += !p && y[i];
		}
	}
	free(ss);
	free(buf);
	free(yy);
}

static void *shared_alloc(size_t n)
{
	void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, n);
	return p;
}

static void shared_free(void *p, size_t n)
{
	if (p)
		munmap(p, n ? n : 1);
}

static int cmp_tagname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int find_tag(char **tags, int n, const char *t)
{
	char **p = bsearch(&t, tags, (size_t)n, sizeof *tags, cmp_tagname);
	return p ? (int)(p - tags) : -1;
}

/* The sorted, distinct tag names of the corpus and the label matrix. */
static int collect_tags(tagar_job *jb, tagar_err *err)
{
	const tagar_corpus *c = jb->c;
	int cap = 0;
	for (int d = 0; d < c->n; d++)
		cap += c->rec[d].ntags;
	jb->tags = malloc((size_t)(cap ? cap : 1) * sizeof *jb->tags);
	if (!jb->tags)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	int n = 0;
	for (int d = 0; d < c->n; d++)
		for (int i = 0; i < c->rec[d].ntags; i++)
			jb->tags[n++] = c->rec[d].tags[i];
	qsort(jb->tags, (size_t)n, sizeof *jb->tags, cmp_tagname);
	int k = 0;
	for (int i = 0; i < n; i++)
		if (!k || strcmp(jb->tags[k - 1], jb->tags[i]))
			jb->tags[k++] = jb->tags[i];
	jb->ntags = k;
	if (k == 0)
		return tagar_fail(err, TAGAR_EDATA, "no record carries a tag: nothing to learn");
	if (k > jb->o->max_tags)
		return tagar_fail(err, TAGAR_EDATA, "%d distinct tags, more than --max-tags %d: "
				  "do the \"tags\" hold labels?", k, jb->o->max_tags);
	jb->y = calloc((size_t)k * (size_t)c->n, 1);
	jb->npos = calloc((size_t)k, sizeof *jb->npos);
	if (!jb->y || !jb->npos)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	for (int d = 0; d < c->n; d++)
		for (int i = 0; i < c->rec[d].ntags; i++) {
			int t = find_tag(jb->tags, k, c->rec[d].tags[i]);
			jb->y[(size_t)t * c->n + d] = 1;
			jb->npos[t]++;
		}
	return 0;
}

static size_t sz_scores(const tagar_job *jb) { return (size_t)jb->ntags * (size_t)jb->mx->ndocs * sizeof(double); }
static size_t sz_fold(const tagar_job *jb) { return (size_t)jb->ntags * (size_t)jb->mx->ndocs * sizeof(int); }
static size_t sz_weights(const tagar_job *jb) { return (size_t)jb->ntags * (size_t)jb->mx->nterms * sizeof(float); }
static size_t sz_tagparam(const tagar_job *jb) { return (size_t)jb->ntags * 4 * sizeof(double); }
static size_t sz_status(const tagar_job *jb) { return (size_t)jb->ntags * sizeof(int) + 2 * sizeof(long); }
static size_t sz_sv(const tagar_job *jb, size_t each) { return (size_t)jb->ntags * (size_t)jb->mx->ndocs * each; }

static int has_kernel_models(const tagar_job *jb)
{
	return jb->o->solver == TAGAR_SOLVER_LIBSVM && jb->o->kernel != TAGAR_KERNEL_LINEAR;
}

/* Room for the workers' final kernel models: each tag's support vectors
 * are at most all its documents. */
static int kout_alloc(tagar_job *jb)
{
	tagar_kernel_out *k = &jb->kout;
	if (!has_kernel_models(jb))
		return 0;
	k->doc = shared_alloc(sz_sv(jb, sizeof *k->doc));
	k->coef = shared_alloc(sz_sv(jb, sizeof *k->coef));
	k->rho = shared_alloc((size_t)jb->ntags * sizeof *k->rho);
	k->count = shared_alloc((size_t)jb->ntags * sizeof *k->count);
	return k->doc && k->coef && k->rho && k->count ? 0 : -1;
}

static void kout_free(tagar_job *jb)
{
	tagar_kernel_out *k = &jb->kout;
	if (!has_kernel_models(jb))
		return;
	shared_free(k->doc, sz_sv(jb, sizeof *k->doc));
	shared_free(k->coef, sz_sv(jb, sizeof *k->coef));
	shared_free(k->rho, (size_t)jb->ntags * sizeof *k->rho);
	shared_free(k->count, (size_t)jb->ntags * sizeof *k->count);
}

static int by_key(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Tags by falling number of positives (fits grow with them), then by name. */
static int *work_order(const tagar_job *jb)
{
	size_t nt = jb->ntags > 0 ? (size_t)jb->ntags : 1;
	uint64_t *key = malloc(nt * sizeof *key);
	int *order = key ? malloc(nt * sizeof *order) : NULL;
	if (!order) {
		free(key);
		return NULL;
	}
	for (int t = 0; t < jb->ntags; t++)
		key[t] = (uint64_t)(INT32_MAX - jb->npos[t]) << 32 | (uint32_t)t;
	qsort(key, (size_t)jb->ntags, sizeof *key, by_key);
	for (int t = 0; t < jb->ntags; t++)
		order[t] = (int)(uint32_t)key[t];
	free(key);
	return order;
}

static int job_alloc(tagar_job *jb, tagar_err *err)
{
	jb->scores = shared_alloc(sz_scores(jb));
	jb->fold = shared_alloc(sz_fold(jb));
	jb->weights = shared_alloc(sz_weights(jb));
	jb->tagparam = shared_alloc(sz_tagparam(jb));
	jb->status = shared_alloc(sz_status(jb));
	if (!jb->scores || !jb->fold || !jb->weights || !jb->tagparam || !jb->status || kout_alloc(jb))
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory for training results");
	jb->done = (long *)(void *)(jb->status + jb->ntags + (jb->ntags & 1));
	jb->next = jb->done + 1;
	if (!(jb->order = work_order(jb)))
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	int n = jb->mx->ndocs;
	for (int t = 0; t < jb->ntags; t++)
		tagar_make_folds(jb->y + (size_t)t * n, n, jb->o->folds,
				 tagar_mix(jb->o->seed ^ ((uint64_t)t << 32)), jb->fold + (size_t)t * n);
	return 0;
}

static void job_free(tagar_job *jb)
{
	shared_free(jb->scores, sz_scores(jb));
	shared_free(jb->fold, sz_fold(jb));
	shared_free(jb->weights, sz_weights(jb));
	shared_free(jb->tagparam, sz_tagparam(jb));
	shared_free(jb->status, sz_status(jb));
	kout_free(jb);
	free(jb->lex);
	free(jb->fuse_w);
	tagar_tagvocab_free(&jb->tv);
	tagar_lexicon_free(&jb->lx);
	free(jb->order);
	free(jb->tags);
	free(jb->y);
	free(jb->npos);
}

static void all_counts(const tagar_job *jb, tagar_counts *cnt, double *micro, double *macro)
{
	for (int t = 0; t < jb->ntags; t++)
		cv_counts(jb, t, &cnt[t]);
	tagar_micro_macro(cnt, jb->ntags, micro, macro);
}

/* Picks C (and gamma for RBF/polynomial kernels) by K-fold CV F1. */
static int grid_search(tagar_job *jb, const tagar_train_ctl *ctl, tagar_counts *cnt, tagar_err *err)
{
	static const double Cs[] = {0.125, 0.25, 0.5, 1, 2, 4, 8, 16};
	static const double gammas[] = {0.25, 0.5, 1, 2, 4};
	int ng = jb->o->solver == TAGAR_SOLVER_LIBSVM && jb->o->kernel != TAGAR_KERNEL_LINEAR ? 5 : 1;
	double best = -1, bc = jb->o->C, bg = jb->o->gamma;
	FILE *log = ctl->log ? ctl->log : stderr;
	for (int g = 0; g < ng; g++)
		for (size_t i = 0; i < sizeof Cs / sizeof *Cs; i++) {
			jb->C = Cs[i];
			jb->gamma = ng > 1 ? gammas[g] : jb->o->gamma;
			int rc = run_tags(jb, 0, ctl, err);
			if (rc)
				return rc;
			double mi, ma;
			all_counts(jb, cnt, &mi, &ma);
			char a[32], b[32];
			tagar_fmt_fixed(a, sizeof a, mi, 4);
			tagar_fmt_fixed(b, sizeof b, ma, 4);
			if (ng > 1)  /* gamma only where it applies: RBF and polynomial kernels */
				fprintf(log, "grid: C %g gamma %g: micro-F1 %s macro-F1 %s\n", jb->C, jb->gamma, a, b);
			else
				fprintf(log, "grid: C %g: micro-F1 %s macro-F1 %s\n", jb->C, a, b);
			if (mi + ma > best) {
				best = mi + ma;
				bc = jb->C;
				bg = jb->gamma;
			}
		}
	jb->C = bc;
	jb->gamma = bg;
	if (ng > 1)
		fprintf(log, "grid: chose C %g gamma %g\n", bc, bg);
	else
		fprintf(log, "grid: chose C %g\n", bc);
	return 0;
}

static uint32_t corpus_crc(const tagar_corpus *c)
{
	uLong crc = crc32(0L, Z_NULL, 0);
	for (int d = 0; d < c->n; d++) {
		const tagar_record *r = &c->rec[d];
		const char *id = r->id ? r->id : "";
		crc = crc32(crc, (const Bytef *)id, (uInt)strlen(id) + 1);
		crc = crc32(crc, (const Bytef *)r->title, (uInt)strlen(r->title) + 1);
		crc = crc32(crc, (const Bytef *)r->text, (uInt)strlen(r->text) + 1);
		for (int i = 0; i < r->ntags; i++)
			crc = crc32(crc, (const Bytef *)r->tags[i], (uInt)strlen(r->tags[i]) + 1);
	}
	return (uint32_t)crc;
}

static void add_num(cJSON *o, const char *k, double v)
{
	cJSON_AddNumberToObject(o, k, v);
}

static cJSON *meta_text(const tagar_text_opts *t)
{
	cJSON *o = cJSON_CreateObject();
	add_num(o, "ngram_max", t->ngram_max);
	add_num(o, "stem", t->stem);
	add_num(o, "stopwords", t->stopwords);
	add_num(o, "drop_numbers", t->drop_numbers);
	add_num(o, "title_weight", t->title_weight);
	add_num(o, "boilerplate", t->boilerplate);
	return o;
}

static cJSON *meta_train(const tagar_job *jb)
{
	static const char *const solver[] = {"liblinear", "libsvm"};
	static const char *const kernel[] = {"linear", "poly", "rbf"};
	const tagar_train_opts *o = jb->o;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "solver", solver[o->solver]);
	cJSON_AddStringToObject(j, "kernel_name", kernel[o->kernel]);
	add_num(j, "kernel", o->kernel);
	add_num(j, "C", jb->C);
	add_num(j, "gamma", jb->gamma);
	add_num(j, "coef0", o->coef0);
	add_num(j, "degree", o->degree);
	add_num(j, "folds", o->folds);
	add_num(j, "class_weight", o->class_weight);
	add_num(j, "seed", (double)o->seed);
	add_num(j, "min_df", o->min_df_count);
	add_num(j, "max_df", o->max_df);
	add_num(j, "fbr", o->fbr);
	add_num(j, "max_fp", o->max_fp);
	add_num(j, "eps", o->eps);
	cJSON_AddStringToObject(j, "weights", o->quantize ? "i8" : "f32");
	return j;
}

/* Rounded so the metadata reads well; the model uses the binary values. */
static double r4(double v)
{
	return round(v * 1e4) / 1e4;
}

/* "lexicon": the fusion parameters the classifier reads, the weights the
 * CV folds used, and how many aliases each tag has (for --info). */
static cJSON *meta_lexicon(const tagar_job *jb)
{
	cJSON *o = cJSON_CreateObject(), *z = cJSON_CreateArray(), *f = cJSON_CreateArray(),
	      *a = cJSON_CreateObject();
	add_num(o, "weight", jb->lexp.weight);
	for (int i = 0; i < TAGAR_ZONES; i++)
		cJSON_AddItemToArray(z, cJSON_CreateNumber(jb->lexp.zone[i]));
	cJSON_AddItemToObject(o, "zone_weights", z);
	add_num(o, "lead_tokens", jb->lexp.lead_tokens);
	for (int i = 0; i < jb->o->folds; i++)
		cJSON_AddItemToArray(f, cJSON_CreateNumber(jb->fuse_w[i]));
	cJSON_AddItemToObject(o, "fold_weights", f);
	cJSON_AddStringToObject(o, "source", jb->tv->name);
	for (int i = 0; i < jb->tv->n; i++)
		add_num(a, jb->tv->e[i].tag, jb->tv->e[i].nalias);
	cJSON_AddItemToObject(o, "aliases", a);
	return o;
}

static cJSON *meta_tags(const tagar_job *jb, const tagar_counts *cnt)
{
	cJSON *a = cJSON_CreateArray();
	for (int t = 0; t < jb->ntags; t++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "tag", jb->tags[t]);
		add_num(o, "positives", jb->npos[t]);
		add_num(o, "threshold", r4(jb->tagparam[4 * t + 1]));
		add_num(o, "cv_precision", r4(tagar_precision(&cnt[t])));
		add_num(o, "cv_recall", r4(tagar_recall(&cnt[t])));
		add_num(o, "cv_f1", r4(tagar_f1(&cnt[t])));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static char *make_meta(const tagar_job *jb, const tagar_text_opts *to, const tagar_counts *cnt)
{
	double mi, ma;
	tagar_micro_macro(cnt, jb->ntags, &mi, &ma);
	char crc[16];
	snprintf(crc, sizeof crc, "%08x", corpus_crc(jb->c));
	cJSON *root = cJSON_CreateObject(), *corpus = cJSON_CreateObject(), *cv = cJSON_CreateObject();
	add_num(root, "format", TAGAR_MODEL_FORMAT);
	cJSON_AddStringToObject(root, "tool", "tagar " TAGAR_VERSION);
	cJSON_AddItemToObject(root, "text", meta_text(to));
	cJSON_AddItemToObject(root, "train", meta_train(jb));
	add_num(corpus, "documents", jb->c->n);
	cJSON_AddStringToObject(corpus, "crc32", crc);
	add_num(corpus, "terms", (double)jb->mx->nterms);
	cJSON_AddItemToObject(root, "corpus", corpus);
	add_num(cv, "folds", jb->o->folds);
	add_num(cv, "micro_f1", r4(mi));
	add_num(cv, "macro_f1", r4(ma));
	cJSON_AddItemToObject(root, "cv", cv);
	if (jb->tv)
		cJSON_AddItemToObject(root, "lexicon", meta_lexicon(jb));
	cJSON_AddItemToObject(root, "tags", meta_tags(jb, cnt));
	char *s = cJSON_Print(root);
	cJSON_Delete(root);
	return s;
}

/* What to change when a fit gives values that are not numbers. */
static const char *overflow_advice(const tagar_job *jb)
{
	if (jb->o->solver == TAGAR_SOLVER_LIBSVM && jb->o->kernel == TAGAR_KERNEL_POLY)
		return "the polynomial kernel's values are too large: lower --degree, --coef0 or --gamma";
	if (jb->o->solver == TAGAR_SOLVER_LIBSVM && jb->o->kernel == TAGAR_KERNEL_RBF)
		return "lower --gamma or --cost";
	return "lower --cost";
}

/* The first value of tag t's final model that is not a finite number:
 * its name, or NULL when every one is.  Classifying with such a model
 * prints NaN (invalid JSON) and assigns nothing, so it is never written. */
static const char *nonfinite_part(const tagar_job *jb, int t)
{
	static const char *const param[] = {"the bias", "the threshold", "the calibration slope",
					       "the calibration offset"};
	size_t n = (size_t)jb->mx->ndocs;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(jb->scores[(size_t)t * n + i]))
			return "a cross-validation decision value";
	for (int k = 0; k < 4; k++)
		if (!isfinite(jb->tagparam[4 * t + k]))
			return param[k];
	if (has_kernel_models(jb)) {
		if (!isfinite(jb->kout.rho[t]))
			return "the kernel bias";
		for (uint32_t i = 0; i < jb->kout.count[t]; i++)
			if (!isfinite(jb->kout.coef[(size_t)t * n + i]))
				return "a support vector coefficient";
		return NULL;
	}
	for (long j = 0; j < jb->mx->nterms; j++)
		if (!isfinite(jb->weights[(size_t)j * jb->ntags + t]))
			return "a weight";
	return NULL;
}

static int check_finite(const tagar_job *jb, tagar_err *err)
{
	for (int t = 0; t < jb->ntags; t++) {
		const char *what = nonfinite_part(jb, t);
		if (what)
			return tagar_fail(err, TAGAR_ESOLVER, "tag \"%s\": %s is not a finite number; %s",
					  jb->tags[t], what, overflow_advice(jb));
	}
	return 0;
}

static int build_model(tagar_job *jb, const tagar_text_opts *to, const tagar_stopset *stop,
		       const tagar_cleaner *cl, const tagar_counts *cnt, tagar_kernel_parts *kv,
		       tagar_model **out, tagar_err *err)
{
	char *meta = make_meta(jb, to, cnt);
	size_t swlen = 0, lexlen = 0;
	char *sw = tagar_stopset_dump(stop, &swlen);
	char *lex = jb->tv ? tagar_tagvocab_dump(jb->tv, &lexlen) : NULL, *names = NULL;
	uint64_t *words = NULL;
	size_t nwords = 0, nnames = 0;
	if (!meta || !sw || (jb->tv && (!lex || tagar_lexicon_image(jb->lx, &words, &nwords, &names, &nnames)))) {
		free(meta);
		free(sw);
		free(lex);
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	}
	int linear = !kv;
	tagar_model_parts p = {meta, sw, swlen, jb->mx->nterms, (const char *const *)jb->mx->terms,
			       jb->mx->term_len, jb->mx->idf, jb->ntags, linear ? jb->weights : NULL,
			       jb->tagparam, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, 0,
			       jb->o->quantize, NULL, 0, NULL, 0, NULL, 0};
	if (to->boilerplate)
		p.boilerplate = tagar_cleaner_patterns(cl, &p.boilerplate_len);
	p.lexicon = lex;
	p.lexicon_len = lexlen;
	p.lex_words = words;
	p.lex_nwords = nwords;
	p.lex_names = names;
	p.lex_nnames = nnames;
	if (!linear) {
		p.ksv_count = kv->count;
		p.ksv_rho = kv->rho;
		p.ksv_coef = kv->coef;
		p.ksv_start = kv->start;
		p.ksv_idx = kv->idx;
		p.ksv_val = kv->val;
		p.ksv_total = kv->total;
		p.ksv_nnz = kv->nnz;
	}
	void *img = NULL;
	size_t len = 0;
	int rc = tagar_model_build(&p, &img, &len, err);
	free(meta);
	free(sw);
	free(lex);
	free(words);
	free(names);
	if (rc)
		return rc;
	*out = tagar_model_adopt(img, len, err);
	return *out ? 0 : TAGAR_EMODEL;
}

static void warn_tags(const tagar_job *jb, FILE *log)
{
	for (int t = 0; t < jb->ntags; t++) {
		if (jb->npos[t] < 2)
			fprintf(log, "warning: tag \"%s\" has a single example: it cannot be cross-validated "
				"and will rarely be assigned; add examples\n", jb->tags[t]);
		else if (jb->npos[t] == jb->mx->ndocs)
			fprintf(log, "warning: tag \"%s\" is on every document: nothing to tell it from\n",
				jb->tags[t]);
	}
}

/* The Gram matrix when it fits the budget: TAGAR_GRAM_MAX_MB, else 2048 MB
 * (about 11,500 documents); beyond it libsvm evaluates kernels on the
 * sparse rows, with the same results, much more slowly. */
static void plan_gram(tagar_job *jb, tagar_gram *g, const tagar_train_ctl *ctl)
{
	if (jb->o->solver != TAGAR_SOLVER_LIBSVM)
		return;
	const char *env = getenv("TAGAR_GRAM_MAX_MB");
	double max_mb = 2048;
	if (env && *env && tagar_parse_double(env, &max_mb) != 0)
		max_mb = 2048;  /* not a number (read the same in every locale): the default */
	double mb = tagar_gram_bytes(jb->mx->ndocs) / (1 << 20);
	if (mb <= max_mb) {
		jb->gram = g;
		return;
	}
	char why[160];
	snprintf(why, sizeof why, "the kernel matrix of %d documents would take %.0f MB, more than the "
		 "%.0f MB budget (TAGAR_GRAM_MAX_MB)", jb->mx->ndocs, mb, max_mb);
	sparse_note(ctl, why);
}

/* The corpus with its boilerplate cut: the same records, each text
 * replaced by a cleaned copy (only the texts are owned). */
static int clean_corpus(const tagar_corpus *c, tagar_cleaner *cl, tagar_corpus *out, tagar_err *err)
{
	out->n = out->cap = 0;
	if (!(out->rec = malloc((size_t)(c->n ? c->n : 1) * sizeof *out->rec)))
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	for (int d = 0; d < c->n; d++) {
		size_t n;
		const char *t = tagar_clean(cl, c->rec[d].text, strlen(c->rec[d].text), &n);
		char *copy = t ? malloc(n + 1) : NULL;
		if (!copy)
			return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		memcpy(copy, t, n + 1);
		out->rec[d] = c->rec[d];
		out->rec[d].text = copy;
		out->n = d + 1;
	}
	return 0;
}

static void clean_corpus_free(tagar_corpus *c)
{
	for (int d = 0; d < c->n; d++)
		free(c->rec[d].text);
	free(c->rec);
	memset(c, 0, sizeof *c);
}

/* The tag vocabulary's stage, after every tag's out-of-fold scores are
 * in: each document's lexical scores, the fusion weight, and thresholds
 * and calibration again on the fused scores.  A vocabulary that CV gives
 * weight 0 is not kept: it would cost tagging time for nothing. */
static int fuse_vocabulary(tagar_job *jb, const tagar_text_opts *to, const tagar_stopset *stop,
			   const tagar_train_ctl *ctl, tagar_err *err)
{
	FILE *log = ctl->log ? ctl->log : stderr;
	int rc;
	tagar_lex_params_default(&jb->lexp);
	for (int z = 0; z < TAGAR_ZONES && (ctl->vocab_zone[0] || ctl->vocab_zone[1] || ctl->vocab_zone[2]); z++)
		jb->lexp.zone[z] = ctl->vocab_zone[z];
	if (ctl->vocab_lead > 0)
		jb->lexp.lead_tokens = ctl->vocab_lead;
	if (!(jb->tv = tagar_fuse_vocabulary(jb, ctl, to, stop, log, &rc, err)))
		return rc;
	if (!(jb->lx = tagar_lexicon_new(jb->tv, to, stop, (const char *const *)jb->tags, jb->ntags, err)))
		return err && err->code ? err->code : TAGAR_ENOMEM;
	jb->fuse_w = calloc((size_t)jb->o->folds + 1, sizeof *jb->fuse_w);
	rc = jb->fuse_w ? tagar_fuse_scores(jb, jb->lx, to, stop, &jb->lexp, err)
			: tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	if (!rc && tagar_fuse_choose(jb))
		rc = tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	if (!rc) {
		jb->lexp.weight = jb->fuse_w[jb->o->folds];
		for (int t = 0; t < jb->ntags; t++)
			tune_tag(jb, t);
	}
	if (!rc && jb->lexp.weight == 0 && ctl->vocab_path)
		fprintf(log, "note: %s: cross-validation gives the tag vocabulary weight 0: it is not stored\n",
			ctl->vocab_path);
	if (!rc && jb->lexp.weight == 0) {  /* the CV figures keep the folds' weights */
		tagar_tagvocab_free(&jb->tv);
		tagar_lexicon_free(&jb->lx);
	}
	return rc;
}

/* The vocabulary bound, checked before any per-term array is allocated. */
static int check_vocabulary(tagar_matrix *mx, const tagar_train_opts *tr, tagar_err *err)
{
	if (mx->nterms <= tr->max_terms)
		return 0;
	int rc = tagar_fail(err, TAGAR_EDATA, "vocabulary of %ld terms, more than --max-terms %ld: "
			    "raise --min-df or lower --ngrams", mx->nterms, tr->max_terms);
	tagar_matrix_free(mx);
	return rc;
}

/* Trains on a corpus whose boilerplate is already cut (cl: its patterns,
 * for the model; NULL when off). */
static int train_cleaned(const tagar_corpus *c, const tagar_text_opts *to, const tagar_stopset *stop,
			 const tagar_train_opts *tr, const tagar_train_ctl *ctl, const tagar_cleaner *cl,
			 tagar_model **out, tagar_counts **counts, tagar_err *err)
{
	tagar_matrix mx;
	tagar_job jb = {.c = c, .o = tr, .mx = &mx, .C = tr->C, .gamma = tr->gamma};
	tagar_kernel_parts kv = {0};
	tagar_gram gram = {0};
	tagar_counts *cnt = NULL;
	FILE *log = ctl->log ? ctl->log : stderr;
	int kernel = tr->solver == TAGAR_SOLVER_LIBSVM && tr->kernel != TAGAR_KERNEL_LINEAR;
	*out = NULL;
	tagar_text_opts resolved = *to;
	if (resolved.stem == TAGAR_STEM_AUTO)
		resolved.stem = tagar_auto_stemmer(c);
	to = &resolved;
	set_print_string_function(tagar_quiet_print);
	svm_set_print_string_function(tagar_quiet_print);
	memset(&mx, 0, sizeof mx);
	int rc = collect_tags(&jb, err);
	if (!rc)
		rc = tagar_matrix_build(&mx, c, to, stop, tr->min_df_count, tr->max_df,
					tr->solver == TAGAR_SOLVER_LIBSVM, err);
	if (!rc)
		rc = check_vocabulary(&mx, tr, err);
	if (!rc && !(rc = job_alloc(&jb, err))) {
		warn_tags(&jb, log);
		plan_gram(&jb, &gram, ctl);
		if (!(cnt = calloc((size_t)jb.ntags, sizeof *cnt)))
			rc = tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	}
	if (!rc && ctl->grid)
		rc = grid_search(&jb, ctl, cnt, err);
	if (!rc)
		rc = run_tags(&jb, 1, ctl, err);
	if (!rc)
		rc = check_finite(&jb, err);
	if (!rc && kernel && tagar_kernel_parts_collect(&jb, &kv))
		rc = tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	if (!rc)
		rc = fuse_vocabulary(&jb, to, stop, ctl, err);
	if (!rc) {
		double mi, ma;
		all_counts(&jb, cnt, &mi, &ma);
		rc = build_model(&jb, to, stop, cl, cnt, kernel ? &kv : NULL, out, err);
	}
	if (!rc && counts) {
		*counts = cnt;
		cnt = NULL;
	}
	free(cnt);
	tagar_kernel_parts_free(&kv);
	tagar_gram_free(&gram);
	job_free(&jb);
	tagar_matrix_free(&mx);
	return rc;
}

int tagar_train(const tagar_corpus *c, const tagar_text_opts *to, const tagar_stopset *stop,
		const tagar_train_opts *tr, const tagar_train_ctl *ctl,
		tagar_model **out, tagar_counts **counts, tagar_err *err)
{
	*out = NULL;
	if (!to->boilerplate)
		return train_cleaned(c, to, stop, tr, ctl, NULL, out, counts, err);
	tagar_cleaner *cl = tagar_cleaner_new(ctl->boilerplate, ctl->boilerplate_len, err);
	tagar_corpus cc = {0};
	int rc = cl ? clean_corpus(c, cl, &cc, err) : TAGAR_EFORMAT;
	if (!rc)  /* the records are the same; only the texts lost their boilerplate */
		rc = train_cleaned(&cc, to, stop, tr, ctl, cl, out, counts, err);
	clean_corpus_free(&cc);
	tagar_cleaner_free(&cl);
	return rc;
}
