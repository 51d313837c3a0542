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
	return tagar_tagvocab_add(out, e->tag, e->line, e->label, e->definition, (const char *const *)e->alias,
				  e->alias_line, e->nalias, err);
}

/* A tag without an entry: its name, when that makes an alias to match (a
 * user's own tag names may not: "!!!", a sentence; they then have none). */
static int add_name(tagar_tagvocab *out, const char *tag, const tagar_text_opts *to, const tagar_stopset *stop,
		    tagar_err *err)
{
	char *a = name_alias(tag);
	int words = a ? tagar_lexicon_words(to, stop, a) : -1;
	if (words < 0) {
		free(a);
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	}
	tagar_err e = {0, ""};
	const char *alias[1] = {a};
	int usable = words >= 1 && words <= TAGAR_LEX_MAX_TOKENS;
	int rc = tagar_tagvocab_add(out, tag, 0, NULL, NULL, alias, NULL, usable, &e);
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

tagar_tagvocab *tagar_fuse_vocabulary(const tagar_job *jb, const tagar_train_ctl *ctl, const tagar_text_opts *to,
				      const tagar_stopset *stop, FILE *log, int *rc, tagar_err *err)
{
	tagar_tagvocab *file = NULL, *out = NULL;
	*rc = 0;
	if (ctl->vocab_names < 0)
		return NULL;
	if (ctl->vocab_path && (*rc = tagar_tagvocab_load(ctl->vocab_path, &file, err)))
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
			*rc = add_name(out, jb->tags[t], to, stop, err);
	}
	tagar_tagvocab_free(&file);
	if (*rc)
		tagar_tagvocab_free(&out);
	return out;
}

int tagar_fuse_scores(tagar_job *jb, const tagar_lexicon *lx, const tagar_text_opts *to, const tagar_stopset *stop,
		      const tagar_lex_params *p, tagar_err *err)
{
	const tagar_corpus *c = jb->c;
	size_t n = (size_t)c->n;
	tagar_tokenizer *tk = tagar_lexicon_tokenizer(to, stop);
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

/* One tag's documents outside a fold, as the weight search sees them:
 * those without a vocabulary hit keep their SVM score at every weight, so
 * they are sorted once; those with one are sorted again per weight (few)
 * and merged in.  The threshold and counts are those tagar_best_threshold
 * and the SCutFBR rule give on the fused scores. */
typedef struct {
	tagar_labelled_score *plain;  /* no hit: by score, highest first */
	tagar_labelled_score *hit;    /* with a hit: SVM score ... */
	double *lex;                  /* ... and lexical score */
	tagar_labelled_score *fused, *all;  /* scratch: fused hits, the merged list */
	int nplain, nhit;
	long npos;
} subset;

static int subset_alloc(subset *u, int n)
{
	size_t k = (size_t)n + 1;
	u->plain = malloc(k * sizeof *u->plain);
	u->hit = malloc(k * sizeof *u->hit);
	u->lex = malloc(k * sizeof *u->lex);
	u->fused = malloc(k * sizeof *u->fused);
	u->all = malloc(k * sizeof *u->all);
	return u->plain && u->hit && u->lex && u->fused && u->all ? 0 : -1;
}

static void subset_free(subset *u)
{
	free(u->plain);
	free(u->hit);
	free(u->lex);
	free(u->fused);
	free(u->all);
}

/* Tag's documents outside fold skip (-1: all of them). */
static void subset_fill(subset *u, const tagar_job *jb, int tag, int skip)
{
	size_t n = (size_t)jb->mx->ndocs, at = (size_t)tag * n;
	u->nplain = u->nhit = 0;
	u->npos = 0;
	for (size_t i = 0; i < n; i++) {
		if (jb->fold[at + i] == skip)
			continue;
		tagar_labelled_score v = {jb->scores[at + i], jb->y[at + i]};
		u->npos += v.y;
		if (jb->lex[at + i] != 0) {
			u->lex[u->nhit] = jb->lex[at + i];
			u->hit[u->nhit++] = v;
		} else {
			u->plain[u->nplain++] = v;
		}
	}
	tagar_sort_scored(u->plain, (size_t)u->nplain);
}

/* The subset's scores at weight w, highest first, in u->all. */
static int merged(subset *u, double w)
{
	for (int i = 0; i < u->nhit; i++)
		u->fused[i] = (tagar_labelled_score){u->hit[i].s + w * u->lex[i], u->hit[i].y};
	tagar_sort_scored(u->fused, (size_t)u->nhit);
	int i = 0, j = 0, k = 0;
	while (i < u->nplain || j < u->nhit)
		u->all[k++] = j == u->nhit || (i < u->nplain && u->plain[i].s >= u->fused[j].s) ? u->plain[i++]
											   : u->fused[j++];
	return k;
}

/* Counts at weight w with the threshold tuned on the same documents. */
static void subset_counts(subset *u, const tagar_job *jb, double w, tagar_counts *out)
{
	int n = merged(u, w);
	/* the rule pick_threshold in cv.c applies */
	long k = tagar_max_negatives(jb, u->npos);
	double cap = k >= 0 ? tagar_negative_cut_sorted(u->all, n, k) : -1e30;
	double f1 = 0, best = u->npos >= 2 ? tagar_best_threshold_sorted(u->all, n, u->npos, &f1) : 0.0;
	double th = tagar_threshold_rule(jb, u->npos, best, f1, cap);
	memset(out, 0, sizeof *out);
	out->support = u->npos;
	for (int i = 0; i < n; i++) {
		int p = u->all[i].s >= th;
		out->tp += p && u->all[i].y;
		out->fp += p && !u->all[i].y;
		out->fn += !p && u->all[i].y;
	}
}

/* The grid's best weight without fold skip: micro- plus macro-F1; a tie
 * goes to the smaller weight. */
static double choose(const tagar_job *jb, int skip, subset *u, tagar_counts *cnt /* NGRID * ntags */)
{
	int T = jb->ntags;
	for (int t = 0; t < T; t++) {
		subset_fill(u, jb, t, skip);
		for (int g = 0; g < NGRID; g++)
			if (g == 0 || u->nhit)  /* without a hit a tag scores the same at every weight */
				subset_counts(u, jb, weight_grid[g], &cnt[(size_t)g * T + t]);
			else
				cnt[(size_t)g * T + t] = cnt[t];
	}
	double best = -1, bw = 0;
	for (int g = 0; g < NGRID; g++) {
		double mi, ma;
		tagar_micro_macro(&cnt[(size_t)g * T], T, &mi, &ma);
		if (mi + ma > best + 1e-12) {
			best = mi + ma;
			bw = weight_grid[g];
		}
	}
	return bw;
}

int tagar_fuse_choose(tagar_job *jb)
{
	int k = jb->o->folds;
	subset u = {0};
	tagar_counts *cnt = malloc((size_t)NGRID * (size_t)jb->ntags * sizeof *cnt);
	int rc = cnt && !subset_alloc(&u, jb->mx->ndocs) ? 0 : TAGAR_ENOMEM;
	for (int f = 0; !rc && f <= k; f++)
		jb->fuse_w[f] = choose(jb, f < k ? f : -1, &u, cnt);
	subset_free(&u);
	free(cnt);
	return rc;
}
