/* fuse.c - a tag vocabulary in training: which aliases each tag has, its
 * lexical score in every document, and the one weight by which those
 * scores join the SVM's decision values.
 *
 * The weight is chosen like the thresholds, on out-of-fold decision
 * values: the one of a short grid that gives the best micro- plus
 * macro-F1 with each tag's threshold tuned for it.  The weight used for
 * fold f's honest CV figures is chosen without fold f's documents. */
#include "trainjob.h"

#include <stdlib.h>
#include <string.h>

static const double weight_grid[] = {0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0};
#define NGRID (int)(sizeof weight_grid / sizeof *weight_grid)

/* "cotton-oil" -> "cotton oil": a tag's own name as its alias. */
static char *name_alias(const char *tag)
{
	char *a = strdup(tag);
	for (char *p = a; p && *p; p++)
		if (*p == '-' || *p == '_')
			*p = ' ';
	return a;
}

static int add_entry(tagar_tagvocab *out, const tagar_tv_entry *e, tagar_err *err)
{
	return tagar_tagvocab_add(out, e->tag, e->label, e->definition, (const char *const *)e->alias,
				  e->alias_line, e->nalias, err);
}

/* A tag without an entry: its name, when that makes a valid alias (a
 * user's own tag names may not; they then simply have none). */
static int add_name(tagar_tagvocab *out, const char *tag, tagar_err *err)
{
	char *a = name_alias(tag);
	if (!a)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	tagar_err e = {0, ""};
	const char *alias[1] = {a};
	int rc = tagar_tagvocab_add(out, tag, NULL, NULL, alias, NULL, 1, &e);
	free(a);
	if (rc == TAGAR_ENOMEM)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	if (rc && out->n && strcmp(out->e[out->n - 1].tag, tag) == 0)  /* added, alias refused */
		out->e[out->n - 1].nalias = 0;
	return 0;
}

static void warn_unused(const tagar_job *jb, const tagar_tagvocab *file, FILE *log)
{
	for (int i = 0; i < file->n; i++) {
		int used = 0;
		for (int t = 0; t < jb->ntags && !used; t++)
			used = strcmp(jb->tags[t], file->e[i].tag) == 0;
		if (!used)
			fprintf(log, "warning: %s:%d: tag \"%s\" is in no training record: its entry is not used\n",
				file->name, file->e[i].line, file->e[i].tag);
	}
}

tagar_tagvocab *tagar_fuse_vocabulary(const tagar_job *jb, const tagar_train_ctl *ctl, FILE *log, int *rc,
				      tagar_err *err)
{
	tagar_tagvocab *file = NULL, *out = NULL;
	*rc = 0;
	if (ctl->vocab_names < 0)
		return NULL;
	if (ctl->vocab_path && (*rc = tagar_tagvocab_read(ctl->vocab_path, &file, err)))
		return NULL;
	if (!(out = tagar_tagvocab_new(ctl->vocab_path ? ctl->vocab_path : "tag names"))) {
		*rc = tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		tagar_tagvocab_free(&file);
		return NULL;
	}
	if (file)
		warn_unused(jb, file, log);
	for (int t = 0; t < jb->ntags && !*rc; t++) {
		const tagar_tv_entry *e = tagar_tagvocab_find(file, jb->tags[t]);
		if (e)
			*rc = add_entry(out, e, err);
		else if (ctl->vocab_names == 0)
			*rc = add_name(out, jb->tags[t], err);
	}
	tagar_tagvocab_free(&file);
	if (*rc)
		tagar_tagvocab_free(&out);
	return out;
}

int tagar_fuse_scores(tagar_job *jb, const tagar_lexicon *lx, const tagar_text_opts *to,
		      const tagar_lex_params *p, tagar_err *err)
{
	const tagar_corpus *c = jb->c;
	size_t n = (size_t)c->n;
	tagar_text_opts lo;
	tagar_lexicon_text_opts(to, &lo);
	tagar_tokenizer *tk = tagar_tokenizer_new(&lo, NULL);
	tagar_lex_state st = {0};
	int rc = tk ? tagar_lex_state_init(&st, lx, p->lead_tokens) : TAGAR_ENOMEM;
	if (!rc && !(jb->lex = calloc(n * (size_t)jb->ntags + 1, sizeof *jb->lex)))
		rc = TAGAR_ENOMEM;
	for (size_t d = 0; !rc && d < n; d++) {
		const tagar_record *r = &c->rec[d];
		rc = tagar_lex_article(&st, tk, r->title, strlen(r->title), r->text, strlen(r->text));
		for (int i = 0; !rc && i < st.ntouched; i++) {
			int t = st.touched[i];
			jb->lex[(size_t)t * n + d] = tagar_lex_score(&st, p, t);
		}
	}
	tagar_lex_state_free(&st);
	tagar_tokenizer_free(&tk);
	return rc ? tagar_fail(err, rc, "out of memory matching the tag vocabulary") : 0;
}

/* Tag's counts on the documents outside fold skip (-1: on all), its
 * threshold tuned on those same documents. */
static void counts_without(const tagar_job *jb, int tag, int skip, double w, double *buf, double *ss,
			   signed char *yy, tagar_counts *out)
{
	int n = jb->mx->ndocs, m = 0, np = 0;
	const double *s = tagar_fused_scores(jb, tag, w, buf);
	const signed char *y = jb->y + (size_t)tag * n;
	const int *fold = jb->fold + (size_t)tag * n;
	for (int i = 0; i < n; i++)
		if (fold[i] != skip) {
			ss[m] = s[i];
			yy[m] = y[i];
			np += y[i];
			m++;
		}
	double th = tagar_pick_threshold(jb, ss, yy, m, np);
	memset(out, 0, sizeof *out);
	out->support = np;
	for (int i = 0; i < m; i++) {
		int p = ss[i] >= th;
		out->tp += p && yy[i];
		out->fp += p && !yy[i];
		out->fn += !p && yy[i];
	}
}

static int has_evidence(const tagar_job *jb, int tag)
{
	size_t n = (size_t)jb->mx->ndocs;
	for (size_t i = 0; i < n; i++)
		if (jb->lex[(size_t)tag * n + i] != 0)
			return 1;
	return 0;
}

/* The grid's best weight without fold skip: micro- plus macro-F1; a tie
 * goes to the smaller weight. */
static double choose(const tagar_job *jb, int skip, const int *evid, tagar_counts *cnt, double *buf, double *ss,
		     signed char *yy)
{
	double best = -1, bw = 0;
	for (int t = 0; t < jb->ntags; t++)  /* tags without a hit score the same at every weight */
		if (!evid[t])
			counts_without(jb, t, skip, 0, buf, ss, yy, &cnt[t]);
	for (int g = 0; g < NGRID; g++) {
		for (int t = 0; t < jb->ntags; t++)
			if (evid[t])
				counts_without(jb, t, skip, weight_grid[g], buf, ss, yy, &cnt[t]);
		double mi, ma;
		tagar_micro_macro(cnt, jb->ntags, &mi, &ma);
		if (mi + ma > best + 1e-12) {
			best = mi + ma;
			bw = weight_grid[g];
		}
	}
	return bw;
}

int tagar_fuse_choose(tagar_job *jb)
{
	int n = jb->mx->ndocs, k = jb->o->folds;
	int *evid = malloc((size_t)jb->ntags * sizeof *evid);
	tagar_counts *cnt = malloc((size_t)jb->ntags * sizeof *cnt);
	double *buf = malloc((size_t)n * sizeof *buf), *ss = malloc((size_t)n * sizeof *ss);
	signed char *yy = malloc((size_t)n);
	int rc = evid && cnt && buf && ss && yy ? 0 : TAGAR_ENOMEM;
	for (int t = 0; !rc && t < jb->ntags; t++)
		evid[t] = has_evidence(jb, t);
	for (int f = 0; !rc && f <= k; f++)
		jb->fuse_w[f] = choose(jb, f < k ? f : -1, evid, cnt, buf, ss, yy);
	free(evid);
	free(cnt);
	free(buf);
	free(ss);
	free(yy);
	return rc;
}
