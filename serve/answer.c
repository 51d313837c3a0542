/* answer.c - answer bodies: every article is tagged with a classifier
 * borrowed from the model's holder, and its record written by the
 * library (tagar_write_json), so the server's bytes are tagar-classify's. */
#include "answer.h"

#include <stdlib.h>
#include <string.h>

void srv_error_body(FILE *out, const char *msg)
{
	fputs("{\"error\": ", out);
	tagar_json_string(out, msg, strlen(msg));
	fputs("}\n", out);
}

static unsigned fail(FILE *out, unsigned status, const char *msg)
{
	srv_error_body(out, msg);
	return status;
}

/* One tagging job: the holder and classifier it runs with. */
typedef struct {
	srv_holder *h;
	tagar_classifier *cl;
	char why[sizeof ((tagar_err *)0)->msg];
} job;

static int job_start(job *j, srv_models *ms, int slot)
{
	tagar_err err = {0, ""};
	j->h = srv_models_acquire(ms, slot);
	if ((j->cl = srv_holder_classifier(j->h, &err)))
		return 0;
	snprintf(j->why, sizeof j->why, "%s", err.msg);
	srv_holder_release(j->h);
	return -1;
}

static void job_end(job *j)
{
	srv_holder_give_back(j->h, j->cl);
	srv_holder_release(j->h);
}

static const tagar_tag_score *tag(job *j, const srv_doc *d)
{
	const tagar_record *r = &d->rec;
	return tagar_classify(j->cl, r->title, strlen(r->title), r->text, strlen(r->text));
}

static tagar_json_opts json_opts(const srv_params *p)
{
	return (tagar_json_opts){.choice = {.threshold = p->threshold, .top_k = p->limit},
				 .all_scores = p->all, .explain = p->explain};
}

/* d's record (tagar_write_json) or, when it cannot be tagged, its error
 * entry; 0, or 500 when the classifier failed. */
static unsigned write_record(FILE *out, job *j, const srv_doc *d, const tagar_json_opts *o)
{
	const tagar_json_record jr = {.id = d->rec.id, .id_is_number = d->rec.id_is_number};
	const tagar_tag_score *s = d->error ? NULL : tag(j, d);
	if (s && tagar_write_json(out, j->cl, s, &jr, o) == 0)
		return 0;
	const char *why = d->error ? d->error : s ? tagar_errmsg(TAGAR_ENOMEM) : tagar_classify_error(j->cl);
	fputs("{", out);
	if (d->rec.id) {  /* the id as the record would give it */
		fputs("\"id\": ", out);
		if (d->rec.id_is_number)
			fputs(d->rec.id, out);
		else
			tagar_json_string(out, d->rec.id, strlen(d->rec.id));
		fputs(", ", out);
	}
	fputs("\"error\": ", out);
	tagar_json_string(out, why, strlen(why));
	fputs("}\n", out);
	return d->error ? 0 : 500;
}

unsigned srv_answer_suggest(FILE *out, srv_models *ms, int slot, const srv_doc *d, const srv_params *p)
{
	job j;
	if (job_start(&j, ms, slot))
		return fail(out, 500, j.why);
	const tagar_json_opts o = json_opts(p);
	unsigned status = write_record(out, &j, d, &o);
	job_end(&j);
	srv_models_count_article(ms, slot, status ? 0 : 1);
	return status ? status : 200;
}

unsigned srv_answer_batch(FILE *out, srv_models *ms, int slot, const srv_batch *b, const srv_params *p)
{
	job j;
	if (job_start(&j, ms, slot))
		return fail(out, 500, j.why);
	const tagar_json_opts o = json_opts(p);
	long tagged = 0;
	/* each record ends in a newline: one document a line */
	fputs("{\"results\": [\n", out);
	for (int i = 0; i < b->n; i++) {
		if (i)
			fputc(',', out);
		tagged += write_record(out, &j, &b->doc[i], &o) == 0 && !b->doc[i].error;
	}
	fputs("]}\n", out);
	job_end(&j);
	srv_models_count_article(ms, slot, tagged);
	return 200;
}

unsigned srv_answer_annif(FILE *out, srv_models *ms, int slot, const srv_doc *d, const srv_params *p)
{
	job j;
	if (job_start(&j, ms, slot))
		return fail(out, 500, j.why);
	const tagar_tag_score *s = tag(&j, d);
	const tagar_model *m = srv_holder_model(j.h);
	int T = tagar_model_ntags(m), n;
	int *picked = s ? malloc((size_t)T * sizeof *picked + 1) : NULL;
	const tagar_choice rule = {.threshold = p->threshold, .top_k = p->limit};
	unsigned status = 200;
	if (!picked) {
		status = fail(out, 500, s ? tagar_errmsg(TAGAR_ENOMEM) : tagar_classify_error(j.cl));
	} else {
		n = tagar_choose(s, T, &rule, picked);
		fputs("{\"results\": [", out);
		for (int k = 0; k < n; k++) {
			const char *name = tagar_model_tag(m, s[picked[k]].tag);
			char score[32];
			tagar_fmt_fixed(score, sizeof score, s[picked[k]].score, 4);
			fputs(k ? ", {\"label\": " : "{\"label\": ", out);
			tagar_json_string(out, name, strlen(name));
			fprintf(out, ", \"score\": %s}", score);
		}
		fputs("]}\n", out);
		srv_models_count_article(ms, slot, 1);
	}
	free(picked);
	job_end(&j);
	return status;
}

unsigned srv_answer_models(FILE *out, srv_models *ms, int slot)
{
	int one = slot >= 0, n = one ? slot + 1 : srv_models_count(ms);
	fputs(one ? "" : "{\"models\": [", out);
	for (int i = one ? slot : 0; i < n; i++) {
		srv_holder *h = srv_models_acquire(ms, i);
		if (!one && i)
			fputs(", ", out);
		fputs(srv_holder_info(h), out);
		srv_holder_release(h);
	}
	fputs(one ? "\n" : "]}\n", out);
	return 200;
}

/* One model as an Annif project. */
static void project(FILE *out, const char *id)
{
	fputs("{\"project_id\": ", out);
	tagar_json_string(out, id, strlen(id));
	fputs(", \"name\": ", out);
	tagar_json_string(out, id, strlen(id));
	fputs(", \"language\": \"id\", \"backend\": {\"backend_id\": \"tagar\"}, \"is_trained\": true}", out);
}

unsigned srv_answer_projects(FILE *out, srv_models *ms, int slot)
{
	if (slot >= 0) {
		project(out, srv_models_id(ms, slot));
		fputc('\n', out);
		return 200;
	}
	fputs("{\"projects\": [", out);
	for (int i = 0; i < srv_models_count(ms); i++) {
		fputs(i ? ", " : "", out);
		project(out, srv_models_id(ms, i));
	}
	fputs("]}\n", out);
	return 200;
}
