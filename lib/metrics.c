/* metrics.c - precision, recall, F1, threshold tuning (SCut), Platt scaling. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double tagar_precision(const tagar_counts *c)
{
	return c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0.0;
}

double tagar_recall(const tagar_counts *c)
{
	return c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0.0;
}

double tagar_f1(const tagar_counts *c)
{
	long d = 2 * c->tp + c->fp + c->fn;
	return d ? 2.0 * (double)c->tp / (double)d : 0.0;
}

int tagar_scored(const tagar_counts *c)
{
	return c->support > 0 || c->fp > 0;
}

static int count_scored(const tagar_counts *c, int ntags)
{
	int n = 0;
	for (int i = 0; i < ntags; i++)
		n += tagar_scored(&c[i]);
	return n;
}

void tagar_micro_macro(const tagar_counts *c, int ntags, double *micro, double *macro)
{
	tagar_counts all = {0, 0, 0, 0};
	double sum = 0;
	int counted = 0;
	for (int i = 0; i < ntags; i++) {
		all.tp += c[i].tp;
		all.fp += c[i].fp;
		all.fn += c[i].fn;
		if (tagar_scored(&c[i])) {
			sum += tagar_f1(&c[i]);
			counted++;
		}
	}
	*micro = tagar_f1(&all);
	*macro = counted ? sum / counted : 0.0;
}

void tagar_report_text(FILE *out, const tagar_counts *c, const char *const *names, int ntags)
{
	char p[32], r[32], f[32];
	int scored = count_scored(c, ntags);
	fprintf(out, "%-20s %9s %9s %9s %8s\n", "tag", "precision", "recall", "F1", "support");
	for (int i = 0; i < ntags; i++) {
		if (!tagar_scored(&c[i]))
			continue;
		tagar_fmt_fixed(p, sizeof p, tagar_precision(&c[i]), 4);
		tagar_fmt_fixed(r, sizeof r, tagar_recall(&c[i]), 4);
		tagar_fmt_fixed(f, sizeof f, tagar_f1(&c[i]), 4);
		fprintf(out, "%-20s %9s %9s %9s %8ld\n", names[i], p, r, f, c[i].support);
	}
	fprintf(out, "macro-F1 averages the %d tags above: those in the labels or predicted at least once", scored);
	if (scored < ntags)
		fprintf(out, "; %d tag(s) with neither are not listed:", ntags - scored);
	for (int i = 0; i < ntags; i++)
		if (!tagar_scored(&c[i]))
			fprintf(out, " %s", names[i]);
	fputc('\n', out);
	double mi, ma;
	tagar_micro_macro(c, ntags, &mi, &ma);
	tagar_fmt_fixed(p, sizeof p, mi, 4);
	tagar_fmt_fixed(r, sizeof r, ma, 4);
	fprintf(out, "micro-F1 %s  macro-F1 %s\n", p, r);
}

static void json_names(FILE *out, const tagar_counts *c, const char *const *names, int ntags)
{
	fputs(", \"unscored_tags\": [", out);
	for (int i = 0, n = 0; i < ntags; i++)
		if (!tagar_scored(&c[i])) {
			fputs(n++ ? ", " : "", out);
			tagar_json_string(out, names[i], strlen(names[i]));
		}
	fputc(']', out);
}

void tagar_report_json(FILE *out, const tagar_counts *c, const char *const *names, int ntags)
{
	char p[32], r[32], f[32];
	double mi, ma;
	tagar_micro_macro(c, ntags, &mi, &ma);
	tagar_fmt_fixed(p, sizeof p, mi, 4);
	tagar_fmt_fixed(r, sizeof r, ma, 4);
	fprintf(out, "{\"micro_f1\": %s, \"macro_f1\": %s, \"macro_f1_tags\": %d", p, r, count_scored(c, ntags));
	json_names(out, c, names, ntags);
	fputs(", \"tags\": [", out);
	for (int i = 0, n = 0; i < ntags; i++) {
		if (!tagar_scored(&c[i]))
			continue;
		tagar_fmt_fixed(p, sizeof p, tagar_precision(&c[i]), 4);
		tagar_fmt_fixed(r, sizeof r, tagar_recall(&c[i]), 4);
		tagar_fmt_fixed(f, sizeof f, tagar_f1(&c[i]), 4);
		/* tag names come from models and data: escape them as JSON */
		fprintf(out, "%s{\"tag\": ", n++ ? ", " : "");
		tagar_json_string(out, names[i], strlen(names[i]));
		fprintf(out, ", \"precision\": %s, \"recall\": %s, \"f1\": %s, \"support\": %ld, \"predicted\": %ld}",
			p, r, f, c[i].support, c[i].tp + c[i].fp);
	}
	fprintf(out, "]}\n");
}

typedef tagar_labelled_score scored;

static int by_score_desc(const void *a, const void *b)
{
	double x = ((const scored *)a)->s, y = ((const scored *)b)->s;
	return (x < y) - (x > y);
}

void tagar_sort_scored(tagar_labelled_score *v, size_t n)
{
	qsort(v, n, sizeof *v, by_score_desc);
}

double tagar_best_threshold_sorted(const tagar_labelled_score *v, int n, long npos, double *f1)
{
	double best = -1, th = 0;
	long tp = 0;
	for (int i = 0; i < n; i++) {
		tp += v[i].y;
		if (i + 1 < n && v[i + 1].s == v[i].s)
			continue;  /* only cut between distinct scores */
		double f = 2.0 * (double)tp / (double)(npos + i + 1);
		if (f > best) {
			best = f;
			th = i + 1 < n ? (v[i].s + v[i + 1].s) / 2 : v[i].s - 1.0;
		}
	}
	*f1 = best;
	return th;
}

tagar_labelled_score *tagar_sorted_scores(const double *s, const signed char *y, int n, long *npos)
{
	*npos = 0;
	for (int i = 0; i < n; i++)
		*npos += y[i] > 0;
	scored *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
	for (int i = 0; v && i < n; i++)
		v[i] = (scored){s[i], y[i] > 0};
	if (v)
		tagar_sort_scored(v, (size_t)n);
	return v;
}

double tagar_best_threshold(const double *s, const signed char *y, int n, double *f1)
{
	long npos;
	scored *v = tagar_sorted_scores(s, y, n, &npos);
	double th = 1e30;  /* no positive: nothing is to pass */
	*f1 = 0;
	if (npos > 0 && n > 0)
		th = v ? tagar_best_threshold_sorted(v, n, npos, f1) : 0.0;  /* out of memory: the boundary */
	free(v);
	return th;
}

double tagar_negative_cut_sorted(const tagar_labelled_score *v, int n, long k)
{
	long seen = 0;
	double top = 0, run = 0, higher = 0;
	int has_higher = 0;
	for (int i = 0; i < n && k >= 0; i++) {
		if (v[i].y > 0)
			continue;
		if (seen == 0)
			top = run = v[i].s;
		else if (v[i].s != run) {  /* a new, lower run of equal scores */
			higher = run;
			has_higher = 1;
			run = v[i].s;
		}
		if (seen++ == k)  /* the k-th negative ties with its run: cut above the run */
			return has_higher ? (higher + run) / 2 : top + 1.0;
	}
	return -1e30;  /* fewer than k+1 negatives: no cap */
}

double tagar_negative_cut(const double *s, const signed char *y, int n, long k)
{
	tagar_labelled_score *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
	int m = 0;
	if (!v)
		return -1e30;  /* no cap: the F1-tuned threshold stands */
	for (int i = 0; i < n; i++)
		if (y[i] <= 0)
			v[m++] = (tagar_labelled_score){s[i], 0};
	tagar_sort_scored(v, (size_t)m);
	double cut = tagar_negative_cut_sorted(v, m, k);
	free(v);
	return cut;
}

static double platt_loss(const double *s, const double *t, int n, double A, double B)
{
	double f = 0;
	for (int i = 0; i < n; i++) {
		double z = s[i] * A + B;
		f += z >= 0 ? t[i] * z + log1p(exp(-z)) : (t[i] - 1) * z + log1p(exp(z));
	}
	return f;
}

/* Platt (2000) with the Newton method and backtracking of Lin, Lin and
 * Weng (2007), which libsvm uses internally but does not export; from the
 * start (*A, *B), in at most 100 steps. */
static void platt_newton(const double *s, const double *t, int n, double *A, double *B)
{
	double a = *A, b = *B;
	double fval = platt_loss(s, t, n, a, b);
	for (int it = 0; it < 100; it++) {
		double h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
		for (int i = 0; i < n; i++) {
			double z = s[i] * a + b, p, q;
			if (z >= 0) {
				double e = exp(-z);
				p = e / (1 + e);
				q = 1 / (1 + e);
			} else {
				double e = exp(z);
				p = 1 / (1 + e);
				q = e / (1 + e);
			}
			double d2 = p * q, d1 = t[i] - p;
			h11 += s[i] * s[i] * d2;
			h22 += d2;
			h21 += s[i] * d2;
			g1 += s[i] * d1;
			g2 += d1;
		}
		if (fabs(g1) < 1e-5 && fabs(g2) < 1e-5)
			break;
		double det = h11 * h22 - h21 * h21;
		double dA = -(h22 * g1 - h21 * g2) / det, dB = -(-h21 * g1 + h11 * g2) / det;
		double gd = g1 * dA + g2 * dB, step = 1;
		while (step >= 1e-10) {
			double na = a + step * dA, nb = b + step * dB;
			double nf = platt_loss(s, t, n, na, nb);
			if (nf < fval + 1e-4 * step * gd) {
				a = na;
				b = nb;
				fval = nf;
				break;
			}
			step /= 2;
		}
		if (step < 1e-10)
			break;
	}
	*A = a;
	*B = b;
}

/* Platt's targets: (npos + 1) / (npos + 2) for the positives, 1 / (nneg +
 * 2) for the negatives; NULL when a class is missing. */
static double *platt_targets(const signed char *y, int n, double *npos, double *nneg)
{
	*npos = *nneg = 0;
	for (int i = 0; i < n; i++)
		if (y[i] > 0)
			(*npos)++;
		else
			(*nneg)++;
	double *t = n > 0 && *npos > 0 && *nneg > 0 ? malloc((size_t)n * sizeof *t) : NULL;
	double hi = (*npos + 1) / (*npos + 2), lo = 1 / (*nneg + 2);
	for (int i = 0; t && i < n; i++)
		t[i] = y[i] > 0 ? hi : lo;
	return t;
}

void tagar_platt_fit(const double *s, const signed char *y, int n, double *A, double *B)
{
	double npos, nneg;
	double *t = platt_targets(y, n, &npos, &nneg);
	*A = -2.0;  /* a usable curve when there is nothing to fit */
	*B = 0.0;
	if (!t)
		return;
	*A = 0;
	*B = log((nneg + 1) / (npos + 1));
	platt_newton(s, t, n, A, B);
	free(t);
}

int tagar_platt_refit(const double *s, const signed char *y, int n, double *A, double *B)
{
	double npos, nneg;
	double *t = platt_targets(y, n, &npos, &nneg);
	if (!t)
		return 0;
	platt_newton(s, t, n, A, B);
	free(t);
	return 1;
}

double tagar_platt(double s, double A, double B)
{
	double z = s * A + B;
	return z >= 0 ? exp(-z) / (1 + exp(-z)) : 1 / (1 + exp(z));
}
