/* classify.c - one article in, every tag's decision value and calibrated
 * score out.  A classifier is per thread: it owns its tokenizer and
 * scratch space, and only reads the (shared, read-only) model. */
#include "internal.h"
#include "lexicon.h"

#include <dlfcn.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <svm.h>  /* the layout of the libsvm structs kernel models are scored with */
/* XXH3 inlined: the same function as tagar_hash(), without a call per token */
#define XXH_INLINE_ALL
#include <xxhash.h>

typedef struct {
	long id;
	double v;     /* weighted count, then TF-IDF */
} term_val;

typedef struct {
	uint64_t h;   /* tagar_hash of the token */
	double w;
	long cand;    /* tagar_vocab_probe's answer */
} pending_token;

typedef struct {
	uint32_t stamp;  /* the term is in x when stamp == gen ... */
	uint32_t at;     /* ... at x[at] */
} term_seen;

/* Tokens are hashed as they come and their hash-table slots fetched into
 * cache; the lookups run once this many are waiting, by which time the
 * slots have arrived.  Looking each token up at once stalled on every
 * cache miss: it was a third of the tagging time. */
#define PENDING 64

#define LOG_TABLE 64

struct tagar_classifier {
	const tagar_model *m;
	tagar_model_view v;
	int ntags;
	tagar_tokenizer *tk;
	tagar_cleaner *clean;     /* the model's boilerplate patterns, or NULL */
	term_val *x;              /* the article's terms, each once */
	size_t nx, cap;
	/* where each term sits in x: valid when seen[id].stamp == gen, so
	 * nothing is cleared or sorted between articles */
	term_seen *seen;
	uint32_t gen;
	tagar_vocab_table voc;
	int failed;
	int nan_tag;              /* the tag whose decision value was NaN, or -1 */
	char why[320];            /* tagar_classify_error()'s message */
	pending_token pend[PENDING];
	int npend;
	double *dec;
	float *acc;               /* int8 models accumulate in float */
	void (*quantized)(tagar_classifier *c);  /* quantized_scores, for this CPU */
	double log_int[LOG_TABLE];   /* log(k) */
	tagar_tag_score *scores;
	/* the model's tag vocabulary: its hits in this article (lex), and the
	 * state on_feature feeds: lex itself when every token reaches
	 * on_feature, else a state that finds nothing (the tokenizer's
	 * observer then feeds lex) */
	tagar_lex_state lex, lex_none, *lex_inline;
	tagar_lex_params lexp;
	/* kernel models, rebuilt as libsvm structures over the model's arrays */
	struct svm_model *svm;
	struct svm_node *sv_space, **sv_ptr, *xnode;
	double *sv_coef, **coefp;
	int *nsv;                 /* per tag {l, 0}: libsvm splits SVs by class */
	int svm_label[2];
	void *libsvm;             /* dlopen'ed for kernel models only */
	double (*predict_values)(const struct svm_model *, const struct svm_node *, double *);
};

#ifndef TAGAR_LIBSVM_SONAME
#define TAGAR_LIBSVM_SONAME "libsvm.so.3"
#endif

/* libsvm is opened only for a kernel model: like libxml2 (see xmlso.h) it
 * brings the C++ runtime, whose loading a linear model need not pay. */
static int load_libsvm(tagar_classifier *c, tagar_err *err)
{
	c->libsvm = dlopen(TAGAR_LIBSVM_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (c->libsvm && tagar_bind_symbol(c->libsvm, "svm_predict_values", &c->predict_values))
		return 0;
	const char *why = dlerror();
	return tagar_fail(err, TAGAR_EIO, "cannot open %s, needed for kernel (RBF, polynomial) models: %s",
			  TAGAR_LIBSVM_SONAME, why ? why : "no svm_predict_values");
}

/* Room in x for n more terms; new entries are zeroed, because
 * count_term() reads the entry it may be about to start. */
static int reserve_terms(tagar_classifier *c, size_t n)
{
	if (c->nx + n <= c->cap)
		return 0;
	size_t nc = c->cap ? c->cap : 512;
	while (nc < c->nx + n)
		nc *= 2;
	term_val *nxp = realloc(c->x, nc * sizeof *nxp);
	if (!nxp) {
		c->failed = 1;
		return -1;
	}
	memset(nxp + c->cap, 0, (nc - c->cap) * sizeof *nxp);
	c->x = nxp;
	c->cap = nc;
	return 0;
}

/* Adds w to the term's count, starting an entry the first time the
 * article has it.  Written without a branch on whether it is new: that is
 * a coin toss per token, and mispredicting it cost more than both ways. */
static void count_term(tagar_classifier *c, long id, double w)
{
	term_seen *e = &c->seen[id];
	int fresh = e->stamp != c->gen;
	uint32_t at = fresh ? (uint32_t)c->nx : e->at;
	double base = fresh ? 0 : c->x[at].v;
	c->x[at] = (term_val){id, base + w};
	*e = (term_seen){c->gen, at};
	c->nx += (size_t)fresh;
}

/* Two passes, so that the memory each needs was requested one pass ahead.
 * The first keeps the tokens that have a candidate, packed at the front,
 * again without a branch on hit or miss. */
static void resolve_pending(tagar_classifier *c)
{
	int n = c->npend, k = 0;
	c->npend = 0;
	if (reserve_terms(c, (size_t)n))
		return;
	for (int i = 0; i < n; i++) {
		long id = tagar_vocab_probe(&c->voc, c->pend[i].h);
		size_t at = id < 0 ? 0 : (size_t)id;
		__builtin_prefetch(&c->voc.hi[at]);
		__builtin_prefetch(&c->seen[at]);
		c->pend[k] = c->pend[i];
		c->pend[k].cand = id;
		k += id >= 0;
	}
	for (int i = 0; i < k; i++) {
		long id = c->pend[i].cand;
		if (c->voc.hi[id] != (uint32_t)(c->pend[i].h >> 32) && (id = tagar_vocab_find(&c->voc, c->pend[i].h)) < 0)
			continue;
		count_term(c, id, c->pend[i].w);
	}
}

static void on_feature(const char *f, size_t n, double w, void *ud)
{
	tagar_classifier *c = ud;
	uint64_t h = XXH3_64bits(f, n);
	tagar_vocab_prefetch(&c->voc, h);
	if (f[0] != TAGAR_LEAD_MARK)  /* a lead feature is no token of the text */
		tagar_lex_token(c->lex_inline, h);
	c->pend[c->npend++] = (pending_token){h, w, -1};
	if (c->npend == PENDING)
		resolve_pending(c);
}

static void on_observed(const char *f, size_t n, double w, void *ud)
{
	(void)w;
	tagar_classifier *c = ud;
	tagar_lex_token(&c->lex, XXH3_64bits(f, n));
}

/* The vocabulary's state.  The features of a plain unigram model are
 * every token as it comes, so on_feature matches them on the way, at the
 * cost of one bit test per token; a model that stems, drops or joins
 * tokens has the tokenizer show each token to on_observed instead. */
static int lexicon_setup(tagar_classifier *c)
{
	const tagar_lexicon *lx = tagar_model_lexicon(c->m, &c->lexp);
	const tagar_text_opts *to = tagar_model_text_opts(c->m);
	int every_token = to->ngram_max == 1 && to->stem == TAGAR_STEM_NONE && !to->drop_numbers;
	if (tagar_lex_state_init(&c->lex, lx, c->lexp.lead_tokens) || tagar_lex_state_init(&c->lex_none, NULL, 0))
		return -1;
	c->lex_inline = lx && every_token ? &c->lex : &c->lex_none;
	if (lx && !every_token)
		tagar_tokenizer_observe(c->tk, on_observed, c);
	return 0;
}

/* Adds each tag's lexical evidence to its SVM decision value. */
static void fuse_lexicon(tagar_classifier *c, const char *title, size_t tlen, const char *text, size_t len)
{
	tagar_lex_finish(&c->lex, title, tlen, text, len);
	for (int i = 0; i < c->lex.ntouched; i++) {
		int t = c->lex.touched[i];
		c->dec[t] += c->lexp.weight * tagar_lex_score(&c->lex, &c->lexp, t);
	}
	c->failed |= c->lex.failed;
}

/* Sublinear TF of a count, 1 + log(count): most counts are small whole
 * numbers, whose logarithms the classifier keeps in a table (computed by
 * the same log(), so the result is the same to the last bit). */
static double sublinear_tf(const tagar_classifier *c, double count)
{
	if (count >= 1 && count < LOG_TABLE && count == (double)(int)count)
		return 1 + c->log_int[(int)count];
	return tagar_tfidf(count, 1.0);
}

/* Turns counts into an L2-normalised TF-IDF vector, exactly as training did. */
static void to_tfidf(tagar_classifier *c)
{
	double norm = 0;
	for (size_t i = 0; i < c->nx; i++) {
		c->x[i].v = sublinear_tf(c, c->x[i].v) * c->v.idf[c->x[i].id];
		norm += c->x[i].v * c->x[i].v;
	}
	norm = norm > 0 ? 1 / sqrt(norm) : 0;
	for (size_t i = 0; i < c->nx; i++)
		c->x[i].v *= norm;
}

/* The int8-to-float multiply-add vectorises twice as wide with AVX2 as with
 * the x86-64 baseline: the same loop is built both ways and the classifier
 * picks one when it is made (tagar_cpu_avx2: not target_clones, whose
 * start-up probe costs more than a one-article run's scoring, see cpu.c).
 * A row is taken eight weights at a time, the last group running into the
 * next term's row (its products land in acc's padding and are never read),
 * so 29 tags cost four vector steps and no scalar tail; only the last row
 * of the table, which has no row after it, takes the scalar loop.  Either
 * way each acc[t] sums the same products in the same order. */
static inline __attribute__((always_inline)) void quantized_loop(tagar_classifier *c)
{
	size_t T = (size_t)c->ntags, padded = (T + 7) & ~(size_t)7;
	const int8_t *end = c->v.qweights + (size_t)tagar_model_nterms(c->m) * T;
	float *acc = c->acc;
	for (size_t t = 0; t < padded; t++)
		acc[t] = 0;
	for (size_t i = 0; i < c->nx; i++) {
		size_t id = (size_t)c->x[i].id;
		if (i + 8 < c->nx)
			__builtin_prefetch(c->v.qweights + (size_t)c->x[i + 8].id * T);
		const int8_t *q = c->v.qweights + id * T;
		float xv = (float)c->x[i].v * c->v.qscale[id];
		if (q + padded <= end) {
			for (size_t t = 0; t < padded; t += 8)
				for (size_t k = 0; k < 8; k++)
					acc[t + k] += xv * (float)q[t + k];
		} else {
			for (size_t t = 0; t < T; t++)
				acc[t] += xv * (float)q[t];
		}
	}
	for (size_t t = 0; t < T; t++)
		c->dec[t] = c->v.tagparam[4 * t] + acc[t];
}

static void quantized_scores(tagar_classifier *c)
{
	quantized_loop(c);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
__attribute__((target("avx2"))) static void quantized_scores_avx2(tagar_classifier *c)
{
	quantized_loop(c);
}
#define QUANTIZED_AVX2 quantized_scores_avx2
#else
#define QUANTIZED_AVX2 quantized_scores
#endif

static void linear_scores(tagar_classifier *c)
{
	int T = c->ntags;
	for (int t = 0; t < T; t++)
		c->dec[t] = c->v.tagparam[4 * t];
	if (c->v.qweights) {
		c->quantized(c);
		return;
	}
	for (size_t i = 0; i < c->nx; i++) {
		if (i + 8 < c->nx)  /* weight rows are scattered: fetch ahead */
			__builtin_prefetch(c->v.weights + (size_t)c->x[i + 8].id * (size_t)T);
		const float *w = c->v.weights + (size_t)c->x[i].id * (size_t)T;
		double xv = c->x[i].v;
		for (int t = 0; t < T; t++)
			c->dec[t] += xv * w[t];
	}
}

static void kernel_scores(tagar_classifier *c)
{
	struct svm_node *xn = realloc(c->xnode, (c->nx + 1) * sizeof *xn);
	if (!xn) {
		c->failed = 1;
		return;
	}
	c->xnode = xn;
	for (size_t i = 0; i < c->nx; i++)
		c->xnode[i] = (struct svm_node){.index = (int)c->x[i].id + 1, .value = c->x[i].v};
	c->xnode[c->nx].index = -1;
	for (int t = 0; t < c->ntags; t++) {
		double d = -c->v.ksv[t].rho;
		if (c->svm[t].l > 0)
			c->predict_values(&c->svm[t], c->xnode, &d);
		c->dec[t] = d;
	}
}

/* Builds libsvm models whose support vectors are the model file's. */
static int make_kernel_models(tagar_classifier *c)
{
	size_t total = 0, nnz = 0;
	for (int t = 0; t < c->ntags; t++) {
		total += (size_t)c->v.ksv[t].nsv;
		if (c->v.ksv[t].nsv)
			nnz = c->v.ksv[t].start[c->v.ksv[t].nsv];
	}
	c->svm = calloc((size_t)c->ntags, sizeof *c->svm);
	c->sv_ptr = malloc((total + 1) * sizeof *c->sv_ptr);
	c->sv_coef = malloc((total + 1) * sizeof *c->sv_coef);
	c->sv_space = malloc((nnz + total + 1) * sizeof *c->sv_space);
	c->coefp = malloc((size_t)c->ntags * sizeof *c->coefp);
	c->nsv = malloc((size_t)c->ntags * 2 * sizeof *c->nsv);
	if (!c->svm || !c->sv_ptr || !c->sv_coef || !c->sv_space || !c->coefp || !c->nsv)
		return -1;
	c->svm_label[0] = 1;
	c->svm_label[1] = -1;
	struct svm_node *p = c->sv_space;
	size_t at = 0;
	for (int t = 0; t < c->ntags; t++) {
		const tagar_kernel_svm *k = &c->v.ksv[t];
		struct svm_model *m = &c->svm[t];
		m->param = (struct svm_parameter){.svm_type = C_SVC, .degree = c->v.degree, .gamma = c->v.gamma,
						  .coef0 = c->v.coef0};
		m->param.kernel_type = c->v.kernel == TAGAR_KERNEL_RBF ? RBF : c->v.kernel == TAGAR_KERNEL_POLY ? POLY : LINEAR;
		m->nr_class = 2;
		m->l = k->nsv;
		m->SV = c->sv_ptr + at;
		c->coefp[t] = c->sv_coef + at;
		m->sv_coef = &c->coefp[t];
		m->rho = (double *)&k->rho;  /* libsvm only reads it */
		m->label = c->svm_label;
		c->nsv[2 * t] = k->nsv;
		c->nsv[2 * t + 1] = 0;
		m->nSV = &c->nsv[2 * t];
		for (int i = 0; i < k->nsv; i++) {
			c->sv_ptr[at + (size_t)i] = p;
			c->sv_coef[at + (size_t)i] = k->coef[i];
			for (uint32_t j = k->start[i]; j < k->start[i + 1]; j++)
				*p++ = (struct svm_node){.index = (int)k->idx[j] + 1, .value = k->val[j]};
			*p++ = (struct svm_node){.index = -1};
		}
		at += (size_t)k->nsv;
	}
	return 0;
}

tagar_classifier *tagar_classifier_new(const tagar_model *m, tagar_err *err)
{
	tagar_classifier *c = calloc(1, sizeof *c);
	if (!c) {
		tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		return NULL;
	}
	c->m = m;
	tagar_model_get_view(m, &c->v);
	for (int k = 1; k < LOG_TABLE; k++)
		c->log_int[k] = log((double)k);
	c->ntags = tagar_model_ntags(m);
	c->quantized = tagar_cpu_avx2() ? QUANTIZED_AVX2 : quantized_scores;
	/* stopwords never enter the vocabulary, so an unstemmed unigram model
	 * need not look for them: the vocabulary lookup drops them anyway (a
	 * stemmed stopword may equal the stem of a kept word, and an n-gram
	 * skips over stopwords, so those models must look) */
	const tagar_text_opts *to = tagar_model_text_opts(m);
	int skip_stop = to->ngram_max == 1 && to->stem == TAGAR_STEM_NONE;
	c->tk = tagar_tokenizer_new(to, skip_stop ? NULL : tagar_model_stopset(m));
	size_t blen;
	const char *boil = tagar_model_boilerplate(m, &blen);
	if (boil && !(c->clean = tagar_cleaner_new(boil, blen, err))) {
		tagar_classifier_free(&c);  /* the model's patterns were valid when trained: memory */
		return NULL;
	}
	size_t nt = (size_t)tagar_model_nterms(m) + 1;
	c->seen = calloc(nt, sizeof *c->seen);
	tagar_model_vocab(m, &c->voc);
	c->dec = malloc((size_t)c->ntags * sizeof *c->dec);
	c->scores = malloc((size_t)c->ntags * sizeof *c->scores);
	c->acc = malloc(((size_t)c->ntags + 7) * sizeof *c->acc);  /* see quantized_scores */
	int linear = c->v.weights || c->v.qweights;
	if (!c->tk || !c->dec || !c->acc || !c->scores || !c->seen || lexicon_setup(c) ||
	    (!linear && make_kernel_models(c))) {
		tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		tagar_classifier_free(&c);
	} else if (!linear && load_libsvm(c, err)) {
		tagar_classifier_free(&c);
	}
	return c;
}

tagar_cleaner *tagar_classifier_cleaner(tagar_classifier *c)
{
	return c->clean;
}

const tagar_model *tagar_classifier_model(const tagar_classifier *c)
{
	return c->m;
}

void tagar_classifier_free(tagar_classifier **cp)
{
	if (!cp || !*cp)
		return;
	tagar_classifier *c = *cp;
	tagar_tokenizer_free(&c->tk);
	tagar_cleaner_free(&c->clean);
	tagar_lex_state_free(&c->lex);
	tagar_lex_state_free(&c->lex_none);
	free(c->x);
	free(c->seen);
	free(c->dec);
	free(c->acc);
	free(c->scores);
	free(c->svm);
	free(c->sv_space);
	free(c->sv_ptr);
	free(c->xnode);
	free(c->sv_coef);
	free(c->coefp);
	free(c->nsv);
	if (c->libsvm)
		dlclose(c->libsvm);
	free(c);
	*cp = NULL;
}

static int by_score(const void *a, const void *b)
{
	const tagar_tag_score *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return (x->tag > y->tag) - (x->tag < y->tag);
}

/* Insertion sort: a few dozen tags, mostly in order already. */
static void sort_scores(tagar_tag_score *s, int n)
{
	for (int i = 1; i < n; i++) {
		tagar_tag_score x = s[i];
		int j = i;
		for (; j > 0 && by_score(&s[j - 1], &x) > 0; j--)
			s[j] = s[j - 1];
		s[j] = x;
	}
}

/* Scores must be numbers.  A model's values are checked at load, but a
 * kernel whose values overflow on this text sums infinities: an infinite
 * decision is as sure as decisions get and is kept at the largest double
 * (its score is then 0 or 1); NaN cannot be scored and fails the text. */
static int finite_decisions(tagar_classifier *c)
{
	for (int t = 0; t < c->ntags; t++) {
		if (isnan(c->dec[t])) {
			c->nan_tag = t;
			return 0;
		}
		if (isinf(c->dec[t]))
			c->dec[t] = c->dec[t] > 0 ? DBL_MAX : -DBL_MAX;
	}
	return 1;
}

const char *tagar_classify_error(tagar_classifier *c)
{
	if (c->nan_tag < 0)
		return "out of memory";
	snprintf(c->why, sizeof c->why, "tag \"%.200s\": the model's decision value for this text is not a number "
		 "(its kernel values overflow)", tagar_model_tag(c->m, c->nan_tag));
	return c->why;
}

const tagar_tag_score *tagar_classify(tagar_classifier *c, const char *title, size_t tlen,
				      const char *text, size_t len)
{
	const tagar_text_opts *o = tagar_model_text_opts(c->m);
	c->nx = 0;
	c->failed = 0;
	c->nan_tag = -1;
	c->npend = 0;
	if (++c->gen == 0) {  /* wrapped: old stamps could match again */
		memset(c->seen, 0, ((size_t)tagar_model_nterms(c->m) + 1) * sizeof *c->seen);
		c->gen = 1;
	}
	if (c->clean && !(text = tagar_clean(c->clean, text, len, &len)))
		return NULL;  /* cut exactly as at training time */
	tagar_lex_begin(&c->lex);
	tagar_lex_zone(&c->lex, 1);
	if (tagar_features(c->tk, title, tlen, o->title_weight, on_feature, c))
		return NULL;
	tagar_lex_zone(&c->lex, 0);
	if (tagar_features(c->tk, text, len, 1.0, on_feature, c))
		return NULL;
	resolve_pending(c);
	if (c->failed)
		return NULL;
	to_tfidf(c);
	if (c->v.weights || c->v.qweights)
		linear_scores(c);
	else
		kernel_scores(c);
	fuse_lexicon(c, title, tlen, text, len);
	if (c->failed || !finite_decisions(c))
		return NULL;
	for (int t = 0; t < c->ntags; t++) {
		const double *p = c->v.tagparam + 4 * t;
		c->scores[t] = (tagar_tag_score){t, c->dec[t], tagar_platt(c->dec[t], p[2], p[3]), c->dec[t] >= p[1]};
	}
	sort_scores(c->scores, c->ntags);
	return c->scores;
}

static int by_contrib(const void *a, const void *b)
{
	const tagar_contrib *x = a, *y = b;
	double p = x->tfidf * x->weight, q = y->tfidf * y->weight;
	return (p < q) - (p > q);
}

int tagar_explain(tagar_classifier *c, int tag, tagar_contrib *out, int k)
{
	if ((!c->v.weights && !c->v.qweights) || tag < 0 || tag >= c->ntags || k <= 0)
		return 0;
	tagar_contrib *all = malloc((c->nx + 1) * sizeof *all);
	if (!all)
		return 0;
	for (size_t i = 0; i < c->nx; i++) {
		all[i].term = tagar_model_term(c->m, c->x[i].id, &all[i].len);
		all[i].lead = all[i].len > 1 && all[i].term[0] == TAGAR_LEAD_MARK;
		all[i].term += all[i].lead;
		all[i].len -= (size_t)all[i].lead;
		all[i].tfidf = c->x[i].v;
		size_t at = (size_t)c->x[i].id * (size_t)c->ntags + (size_t)tag;
		all[i].weight = c->v.weights ? c->v.weights[at] : c->v.qscale[c->x[i].id] * c->v.qweights[at];
	}
	qsort(all, c->nx, sizeof *all, by_contrib);
	int n = c->nx < (size_t)k ? (int)c->nx : k;
	memcpy(out, all, (size_t)n * sizeof *out);
	free(all);
	return n;
}

static int by_lex_contrib(const void *a, const void *b)
{
	const tagar_lexhit *x = a, *y = b;
	if (x->contribution != y->contribution)
		return x->contribution < y->contribution ? 1 : -1;
	return (x->zone > y->zone) - (x->zone < y->zone);
}

static const char *const zone_names[TAGAR_ZONES] = {"title", "lead", "rest"};

/* One entry per alias and zone: its hits, and its share of the zone's
 * part of the fused decision (weight * zone weight * log(1 + hits in the
 * zone), split among the zone's aliases by their hits). */
int tagar_explain_vocab(tagar_classifier *c, int tag, tagar_lexhit *out, int k)
{
	const tagar_lex_state *s = &c->lex;
	int n = 0;
	if (!s->lx || tag < 0 || tag >= c->ntags || k <= 0 || tagar_lex_count(s, tag, 0) +
	    tagar_lex_count(s, tag, 1) + tagar_lex_count(s, tag, 2) == 0)
		return 0;
	tagar_lexhit *all = malloc((s->nmatch + 1) * sizeof *all);
	if (!all)
		return 0;
	for (size_t i = 0; i < s->nmatch; i++) {
		int t, z = (int)s->match[i].zone, j = 0;
		const char *alias = tagar_lexicon_alias(s->lx, (int)s->match[i].alias, &t);
		if (t != tag)
			continue;
		while (j < n && (all[j].alias != alias || all[j].zone != z))
			j++;
		if (j == n)
			all[n++] = (tagar_lexhit){alias, z, zone_names[z], 0, 0};
		all[j].count++;
	}
	for (int j = 0; j < n; j++) {
		uint32_t nz = tagar_lex_count(s, tag, all[j].zone);
		all[j].contribution = c->lexp.weight * c->lexp.zone[all[j].zone] * log1p((double)nz) *
				      all[j].count / (double)nz;
	}
	qsort(all, (size_t)n, sizeof *all, by_lex_contrib);
	n = n < k ? n : k;
	memcpy(out, all, (size_t)n * sizeof *out);
	free(all);
	return n;
}
