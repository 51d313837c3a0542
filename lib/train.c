/* train.c - the training run: one binary SVM per tag (one-vs-rest), fit
 * by linfit.c or svmfit.c, cross-validated and given thresholds by cv.c,
 * the grid search over C (and gamma), and the model image built from the
 * job (its metadata written by model.c).
 *
 * Tags, and each tag's folds, are independent, so they are trained by forked
 * worker processes that write into shared memory: the liblinear dual solver
 * draws from the C library's rand(), which threads would interleave; each
 * fit here reseeds it from (seed, tag, fold), so the model is the same for
 * any worker count. */
#include "trainjob.h"

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
	o->micro_floor = -1;
	o->micro_floor_examples = 10;
	o->quantize = 1;
	o->max_tags = 10000;
	o->max_terms = 5000000;
}

void tagar_quiet_print(const char *s) { (void)s; }

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
		tagar_tune_tag(jb, t);
	return 0;
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
		tagar_cv_counts(jb, t, &cnt[t]);
	tagar_micro_macro(cnt, jb->ntags, micro, macro);
}

/* Sets the micro-F1 floor (cv.c) once thresholds and fusion are tuned:
 * at half the CV micro-F1 mi the model reaches without it (cnt: its
 * counts), or at the probability asked for, for tags with at least
 * o->micro_floor_examples examples, whose counts are taken again.  Why
 * half, and why the reach is not chosen by these same CV figures (they
 * cannot see the floor's gain): cv.c and README, "Tag quality, fifth
 * round". */
static void set_floor(tagar_job *jb, double mi, tagar_counts *cnt)
{
	jb->floor_p = jb->o->micro_floor < 0 ? mi / 2 : jb->o->micro_floor;
	jb->floor_reach = jb->o->micro_floor_examples;
	for (int t = 0; t < jb->ntags; t++) {
		tagar_floor_tag(jb, t);
		if (jb->npos[t] >= jb->floor_reach)
			tagar_cv_counts(jb, t, &cnt[t]);
	}
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

/* The model's metadata (model.c writes the JSON). */
static char *make_meta(const tagar_job *jb, const tagar_text_opts *to, const tagar_counts *cnt)
{
	tagar_train_meta m = {
		.text = to, .train = jb->o, .C = jb->C, .gamma = jb->gamma,
		.documents = jb->c->n, .corpus_crc = corpus_crc(jb->c), .nterms = jb->mx->nterms,
		.ntags = jb->ntags, .tags = jb->tags, .npos = jb->npos, .tagparam = jb->tagparam, .cnt = cnt,
		.tv = jb->tv, .lexp = &jb->lexp, .fuse_w = jb->fuse_w, .floor_p = jb->floor_p,
	};
	return tagar_model_meta_json(&m);
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
			tagar_tune_tag(jb, t);
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
		if (tr->micro_floor != 0)
			set_floor(&jb, mi, cnt);
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
	if (!(tr->micro_floor < 1) || tr->micro_floor_examples < 1)  /* NaN too */
		return tagar_fail(err, TAGAR_EFORMAT, "micro_floor %g, micro_floor_examples %d: the floor is a "
				  "probability below 1 (0: none, negative: auto) for tags of at least 1 example",
				  tr->micro_floor, tr->micro_floor_examples);
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
