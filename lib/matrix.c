/* matrix.c - from records to the TF-IDF matrix that training uses. */
#include "matrix.h"
#include "vocab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	uint32_t id;
	float count;
} term_count;

typedef struct {
	tagar_vocab *v;
	term_count *e;        /* every document's terms, back to back */
	size_t n, cap;
	int doc;
	int failed;
} collector;

double tagar_tfidf(double count, double idf)
{
	return (count >= 1 ? 1 + log(count) : count) * idf;
}

double tagar_idf(long ndocs, long df)
{
	return log((1.0 + (double)ndocs) / (1.0 + (double)df)) + 1.0;
}

static void on_feature(const char *f, size_t n, double w, void *ud)
{
	collector *c = ud;
	long id = tagar_vocab_intern(c->v, f, n);
	if (id < 0 || c->failed) {
		c->failed = 1;
		return;
	}
	if (c->v->last_doc[id] == c->doc) {
		c->e[c->v->pos[id]].count += (float)w;
		return;
	}
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 1 << 16;
		term_count *ne = realloc(c->e, nc * sizeof *ne);
		if (!ne || nc > UINT32_MAX) {
			c->failed = 1;
			return;
		}
		c->e = ne;
		c->cap = nc;
	}
	c->v->last_doc[id] = c->doc;
	c->v->df[id]++;
	c->v->pos[id] = (uint32_t)c->n;
	c->e[c->n++] = (term_count){(uint32_t)id, (float)w};
}

static int collect(collector *col, size_t *start, const tagar_corpus *c, const tagar_text_opts *to,
		   const tagar_stopset *stop)
{
	tagar_tokenizer *tk = tagar_tokenizer_new(to, stop);
	if (!tk)
		return TAGAR_ENOMEM;
	int rc = 0;
	for (int d = 0; d < c->n && !rc; d++) {
		const tagar_record *r = &c->rec[d];
		col->doc = d;
		start[d] = col->n;
		rc = tagar_features(tk, r->title, strlen(r->title), to->title_weight, on_feature, col);
		if (!rc)
			rc = tagar_features(tk, r->text, strlen(r->text), 1.0, on_feature, col);
		if (col->failed)
			rc = TAGAR_ENOMEM;
	}
	start[c->n] = col->n;
	tagar_tokenizer_free(&tk);
	return rc;
}

typedef struct {
	const char *s;
	uint32_t len, id;
} term_ref;

static int by_term(const void *a, const void *b)
{
	const term_ref *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Keeps terms within the document-frequency bounds; new ids follow the
 * bytewise order of the terms, so the model does not depend on input order. */
static int32_t *select_terms(const tagar_vocab *v, tagar_matrix *mx, int ndocs, double min_df, double max_df)
{
	term_ref *keep = malloc((v->n + 1) * sizeof *keep);
	int32_t *newid = malloc((v->n + 1) * sizeof *newid);
	if (!keep || !newid) {
		free(keep);
		free(newid);
		return NULL;
	}
	size_t k = 0;
	for (size_t i = 0; i < v->n; i++) {
		newid[i] = -1;
		if (v->df[i] >= min_df && v->df[i] <= max_df * ndocs)
			keep[k++] = (term_ref){v->str + v->off[i], v->len[i], (uint32_t)i};
	}
	qsort(keep, k, sizeof *keep, by_term);
	mx->nterms = (long)k;
	mx->terms = calloc(k + 1, sizeof *mx->terms);
	mx->term_len = malloc((k + 1) * sizeof *mx->term_len);
	mx->idf = malloc((k + 1) * sizeof *mx->idf);
	mx->df = malloc((k + 1) * sizeof *mx->df);
	int bad = !mx->terms || !mx->term_len || !mx->idf || !mx->df;
	for (size_t j = 0; j < k && !bad; j++) {
		uint32_t i = keep[j].id;
		newid[i] = (int32_t)j;
		mx->term_len[j] = v->len[i];
		mx->df[j] = v->df[i];
		mx->idf[j] = (float)tagar_idf(ndocs, v->df[i]);
		if (!(mx->terms[j] = malloc(v->len[i] + 1)))
			bad = 1;
		else {
			memcpy(mx->terms[j], v->str + v->off[i], v->len[i]);
			mx->terms[j][v->len[i]] = 0;
		}
	}
	free(keep);
	if (bad) {
		free(newid);
		return NULL;
	}
	return newid;
}

static int by_index(const void *a, const void *b)
{
	int x = ((const struct feature_node *)a)->index, y = ((const struct feature_node *)b)->index;
	return (x > y) - (x < y);
}

/* One document's row: remapped ids, sorted, TF-IDF, L2-normalised, bias. */
static struct feature_node *make_row(struct feature_node *out, const term_count *e, size_t n,
				     const int32_t *newid, const tagar_matrix *mx)
{
	struct feature_node *p = out;
	double norm = 0;
	for (size_t i = 0; i < n; i++) {
		int32_t id = newid[e[i].id];
		if (id < 0)
			continue;
		double v = tagar_tfidf(e[i].count, mx->idf[id]);
		*p++ = (struct feature_node){.index = id + 1, .value = v};
		norm += v * v;
	}
	qsort(out, (size_t)(p - out), sizeof *out, by_index);
	norm = norm > 0 ? 1 / sqrt(norm) : 0;
	for (struct feature_node *q = out; q < p; q++)
		q->value *= norm;
	*p++ = (struct feature_node){.index = (int)mx->nterms + 1, .value = 1.0};  /* bias */
	*p++ = (struct feature_node){.index = -1};
	return p;
}

static int build_rows(tagar_matrix *mx, const collector *col, const size_t *start, const int32_t *newid)
{
	size_t total = 0;
	for (int d = 0; d < mx->ndocs; d++)
		total += start[d + 1] - start[d] + 2;
	mx->lin_space = malloc(total * sizeof *mx->lin_space);
	mx->lin = malloc(((size_t)mx->ndocs + 1) * sizeof *mx->lin);
	if (!mx->lin_space || !mx->lin)
		return TAGAR_ENOMEM;
	struct feature_node *p = mx->lin_space;
	for (int d = 0; d < mx->ndocs; d++) {
		mx->lin[d] = p;
		p = make_row(p, col->e + start[d], start[d + 1] - start[d], newid, mx);
	}
	return 0;
}

/* libsvm wants its own node type: same rows without the bias node. */
static int build_svm_rows(tagar_matrix *mx)
{
	size_t total = 0;
	for (int d = 0; d < mx->ndocs; d++)
		for (const struct feature_node *x = mx->lin[d]; x->index != -1; x++)
			total++;
	mx->svm_space = malloc((total + 1) * sizeof *mx->svm_space);
	mx->svm = malloc(((size_t)mx->ndocs + 1) * sizeof *mx->svm);
	if (!mx->svm_space || !mx->svm)
		return TAGAR_ENOMEM;
	struct svm_node *p = mx->svm_space;
	for (int d = 0; d < mx->ndocs; d++) {
		mx->svm[d] = p;
		for (const struct feature_node *x = mx->lin[d]; x->index != -1; x++)
			*p++ = (struct svm_node){.index = x->index <= mx->nterms ? x->index : -1, .value = x->value};
	}
	return 0;
}

int tagar_matrix_build(tagar_matrix *mx, const tagar_corpus *c, const tagar_text_opts *to,
		       const tagar_stopset *stop, double min_df, double max_df, int want_svm,
		       tagar_err *err)
{
	tagar_vocab v = {0};
	collector col = {&v, NULL, 0, 0, 0, 0};
	size_t *start = malloc(((size_t)c->n + 1) * sizeof *start);
	int32_t *newid = NULL;
	memset(mx, 0, sizeof *mx);
	mx->ndocs = c->n;
	int rc = start ? collect(&col, start, c, to, stop) : TAGAR_ENOMEM;
	if (!rc && !(newid = select_terms(&v, mx, c->n, min_df, max_df)))
		rc = TAGAR_ENOMEM;
	if (!rc)
		rc = build_rows(mx, &col, start, newid);
	if (!rc && want_svm)
		rc = build_svm_rows(mx);
	if (!rc && mx->nterms == 0)
		rc = tagar_fail(err, TAGAR_EDATA, "no term is left after the document-frequency cut "
				"(min-df %g, max-df %g, %d documents)", min_df, max_df, c->n);
	else if (rc)
		tagar_fail(err, rc, "out of memory building the document matrix");
	free(start);
	free(newid);
	free(col.e);
	tagar_vocab_free(&v);
	if (rc)
		tagar_matrix_free(mx);
	return rc;
}

void tagar_matrix_free(tagar_matrix *mx)
{
	for (long i = 0; mx->terms && i < mx->nterms; i++)
		free(mx->terms[i]);
	free(mx->terms);
	free(mx->term_len);
	free(mx->idf);
	free(mx->df);
	free(mx->lin);
	free(mx->lin_space);
	free(mx->svm);
	free(mx->svm_space);
	memset(mx, 0, sizeof *mx);
}
