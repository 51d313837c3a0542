/* result.c - what one tagging gives back: the tags chosen from the scores
 * and the JSON record every program writes for an article, so the
 * classifier, the feed poller and the server write the same bytes. */
#include "tagar.h"

#include <stdlib.h>
#include <string.h>

int tagar_choose(const tagar_tag_score *s, int n, const tagar_choice *rule, int *picked)
{
	int k = 0;
	for (int i = 0; i < n && (!rule->top_k || k < rule->top_k); i++)
		if (rule->threshold >= 0 ? s[i].score >= rule->threshold : s[i].assigned)
			picked[k++] = i;
	return k;
}

static void put_num(FILE *f, double v)
{
	char b[48];
	tagar_fmt_fixed(b, sizeof b, v, 4);
	fputs(b, f);
}

static void json_explain(FILE *out, tagar_classifier *c, int tag, tagar_contrib *contrib, int k)
{
	int n = tagar_explain(c, tag, contrib, k);
	fputs(", \"explain\": [", out);
	for (int i = 0; i < n; i++) {
		fputs(i ? ", {\"term\": " : "{\"term\": ", out);
		tagar_json_string(out, contrib[i].term, contrib[i].len);
		fputs(", \"tfidf\": ", out);
		put_num(out, contrib[i].tfidf);
		fputs(", \"weight\": ", out);
		put_num(out, contrib[i].weight);
		if (contrib[i].lead)
			fputs(", \"lead\": true", out);
		fputc('}', out);
	}
	fputc(']', out);
}

static void json_vocab(FILE *out, tagar_classifier *c, int tag)
{
	tagar_lexhit h[TAGAR_VOCAB_SHOWN];
	int n = tagar_explain_vocab(c, tag, h, TAGAR_VOCAB_SHOWN);
	if (!n)
		return;
	fputs(", \"vocabulary\": [", out);
	for (int i = 0; i < n; i++) {
		fputs(i ? ", {\"alias\": " : "{\"alias\": ", out);
		tagar_json_string(out, h[i].alias, strlen(h[i].alias));
		fprintf(out, ", \"zone\": \"%s\", \"count\": %d, \"contribution\": ", h[i].zone_name, h[i].count);
		put_num(out, h[i].contribution);
		fputc('}', out);
	}
	fputc(']', out);
}

static void json_scores(FILE *out, const tagar_model *m, const tagar_tag_score *s)
{
	int T = tagar_model_ntags(m);
	fputs(", \"scores\": {", out);
	for (int t = 0; t < T; t++) {
		if (t)
			fputs(", ", out);
		const char *name = tagar_model_tag(m, s[t].tag);
		tagar_json_string(out, name, strlen(name));
		fputs(": ", out);
		put_num(out, s[t].score);
	}
	fputc('}', out);
}

/* "id": ... and the extra string fields, each followed by ", ". */
static void json_head(FILE *out, const tagar_json_record *r)
{
	if (r->id) {
		fputs("\"id\": ", out);
		if (r->id_is_number)
			fputs(r->id, out);
		else
			tagar_json_string(out, r->id, strlen(r->id));
		fputs(", ", out);
	}
	for (const char *const *kv = r->extra; kv && kv[0]; kv += 2) {
		if (!kv[1] || !*kv[1])
			continue;
		tagar_json_string(out, kv[0], strlen(kv[0]));
		fputs(": ", out);
		tagar_json_string(out, kv[1], strlen(kv[1]));
		fputs(", ", out);
	}
}

int tagar_write_json(FILE *out, tagar_classifier *c, const tagar_tag_score *s, const tagar_json_record *r,
		     const tagar_json_opts *o)
{
	const tagar_model *m = tagar_classifier_model(c);
	int T = tagar_model_ntags(m);
	/* all scratch is had before the first byte, so a failure writes nothing */
	int *picked = malloc((size_t)T * sizeof *picked + 1);
	tagar_contrib *contrib = o->explain ? malloc((size_t)o->explain * sizeof *contrib) : NULL;
	if (!picked || (o->explain && !contrib)) {
		free(picked);
		free(contrib);
		return TAGAR_ENOMEM;
	}
	int n = tagar_choose(s, T, &o->choice, picked);
	fputc('{', out);
	json_head(out, r);
	fputs("\"tags\": [", out);
	for (int k = 0; k < n; k++) {
		const tagar_tag_score *x = &s[picked[k]];
		const char *name = tagar_model_tag(m, x->tag);
		fputs(k ? ", {\"tag\": " : "{\"tag\": ", out);
		tagar_json_string(out, name, strlen(name));
		fputs(", \"score\": ", out);
		put_num(out, x->score);
		if (o->explain) {
			json_explain(out, c, x->tag, contrib, o->explain);
			json_vocab(out, c, x->tag);
		}
		fputc('}', out);
	}
	fputc(']', out);
	if (o->all_scores)
		json_scores(out, m, s);
	fputs("}\n", out);
	free(picked);
	free(contrib);
	return 0;
}

int tagar_write_json_error(FILE *out, const char *id, long line, const char *msg)
{
	if (id) {
		fputs("{\"id\": ", out);
		tagar_json_string(out, id, strlen(id));
	} else {
		fprintf(out, "{\"line\": %ld", line);
	}
	fputs(", \"error\": ", out);
	tagar_json_string(out, msg, strlen(msg));
	fputs("}\n", out);
	return ferror(out) ? TAGAR_EIO : 0;
}
