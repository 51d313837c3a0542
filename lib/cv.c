/* cv.c - cross-validation and thresholds: stratified folds, each fold's
 * out-of-fold decision values, the threshold rule (SCut with the --max-fp
 * cap and the --fbr fallback), a tag's threshold and calibration, the
 * micro-F1 floor (--micro-floor), and the honest CV counts the model
 * reports.
 *
 * The solvers (linfit.c, svmfit.c) come in as tagar_learner callbacks and
 * call down into this module for fit seeds and class weights; train.c
 * drives the run. */
#include "trainjob.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* One sort serves both cuts: training sorts each tag's scores once per
 * fold and per report, and sorting is most of its time outside the solver. */
static double pick_threshold(const tagar_job *jb, const double *s, const signed char *y, int n, int npos)
{
	long k = tagar_max_negatives(jb, npos);
	double cap = -1e30, f1 = 0, best = 0.0;  /* out of memory: no cap, the SVM's boundary */
	long positives;  /* counted, as tagar_best_threshold does */
	tagar_labelled_score *v = tagar_sorted_scores(s, y, n, &positives);
	if (v) {
		if (k >= 0)
			cap = tagar_negative_cut_sorted(v, n, k);
		if (npos >= 2)
			best = tagar_best_threshold_sorted(v, n, positives, &f1);
		free(v);
	}
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

/* The micro-F1 floor.  A tag given at calibrated probability p adds to
 * micro-F1 only when p exceeds half the micro-F1 reached (Lipton, Elkan
 * and Narayanaswamy 2014, "Optimal thresholding of classifiers to maximize
 * F1 measure"), but a tag's own F1-best cut sits at half its own F1: a weak
 * tag's cut lets through articles that cost the whole more than they add.
 * The floor is the decision value at which Platt's sigmoid (A, B) reaches
 * the probability jb->floor_p (train.c sets it: half the CV micro-F1, or
 * the option's value); -inf when no floor applies: none set, a tag with
 * fewer examples than jb->floor_reach (a sigmoid fitted on a handful of
 * positives is no probability to cut at), a tag on no document or on all
 * (nothing to calibrate), or a sigmoid that does not rise with the score. */
static double floor_cut(const tagar_job *jb, int tag, double A, double B)
{
	double p = jb->floor_p;
	long npos = jb->npos[tag];
	if (!(p > 0 && p < 1) || npos < jb->floor_reach || npos == 0 || npos >= jb->mx->ndocs || !(A < 0))
		return -HUGE_VAL;
	return (log(1 / p - 1) - B) / A;
}

/* Threshold and calibration from the out-of-fold decision values (fused
 * with the vocabulary's evidence once its weight is chosen).  The floor is
 * not applied here: tagar_floor_tag does that after the last tuning. */
void tagar_tune_tag(tagar_job *jb, int tag)
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

void tagar_floor_tag(tagar_job *jb, int tag)
{
	double *p = jb->tagparam + 4 * tag;
	double fl = floor_cut(jb, tag, p[2], p[3]);
	p[1] = p[1] > fl ? p[1] : fl;
}

/* Honest CV counts: each fold's predictions use a threshold tuned on the
 * out-of-fold scores of the other folds only, and the floor's cut on a
 * sigmoid refitted on them.  The floor's probability and reach are the
 * model's, set from all folds' figures (one number, a small leak: the
 * report moved from 0.8302 to 0.8301 when the floor came). */
void tagar_cv_counts(const tagar_job *jb, int tag, tagar_counts *out)
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
		/* the model's sigmoid is only a start: the loss is convex, so the
		 * fit is the other folds' own, in fewer Newton steps */
		double A = jb->tagparam[4 * tag + 2], B = jb->tagparam[4 * tag + 3];
		if (floor_cut(jb, tag, A, B) > -HUGE_VAL && tagar_platt_refit(ss, yy, m, &A, &B)) {
			double fl = floor_cut(jb, tag, A, B);
			th = th > fl ? th : fl;
		}
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
