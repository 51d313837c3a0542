/* output.c - JSON records, the text view and error records. */
#include "output.h"

#include <fcntl.h>
#include <stdio_ext.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int out_chosen(const options *o, const tagar_tag_score *s)
{
	return o->threshold >= 0 ? s->score >= o->threshold : s->assigned;
}

static void put_num(FILE *f, double v)
{
	char b[48];
	tagar_fmt_fixed(b, sizeof b, v, 4);
	fputs(b, f);
}

static void json_explain(ctx *c, int tag)
{
	int n = tagar_explain(c->cl, tag, c->contrib, c->o->explain);
	fputs(", \"explain\": [", c->out);
	for (int i = 0; i < n; i++) {
		fputs(i ? ", {\"term\": " : "{\"term\": ", c->out);
		tagar_json_string(c->out, c->contrib[i].term, c->contrib[i].len);
		fputs(", \"tfidf\": ", c->out);
		put_num(c->out, c->contrib[i].tfidf);
		fputs(", \"weight\": ", c->out);
		put_num(c->out, c->contrib[i].weight);
		fputc('}', c->out);
	}
	fputc(']', c->out);
}

/* The tag vocabulary's hits behind a tag, at most this many. */
#define VOCAB_SHOWN 8

static void json_vocab(ctx *c, int tag)
{
	tagar_lexhit h[VOCAB_SHOWN];
	int n = tagar_explain_vocab(c->cl, tag, h, VOCAB_SHOWN);
	if (!n)
		return;
	fputs(", \"vocabulary\": [", c->out);
	for (int i = 0; i < n; i++) {
		fputs(i ? ", {\"alias\": " : "{\"alias\": ", c->out);
		tagar_json_string(c->out, h[i].alias, strlen(h[i].alias));
		fprintf(c->out, ", \"zone\": \"%s\", \"count\": %d, \"contribution\": ", h[i].zone_name, h[i].count);
		put_num(c->out, h[i].contribution);
		fputc('}', c->out);
	}
	fputc(']', c->out);
}

static void text_vocab(ctx *c, int tag)
{
	tagar_lexhit h[VOCAB_SHOWN];
	int n = tagar_explain_vocab(c->cl, tag, h, VOCAB_SHOWN);
	for (int i = 0; i < n; i++) {
		char x[32];
		tagar_fmt_fixed(x, sizeof x, h[i].contribution, 4);
		fprintf(c->out, "    alias \"%s\" in %s x%d  +%s\n", h[i].alias, h[i].zone_name, h[i].count, x);
	}
}

static void json_scores(ctx *c, const tagar_tag_score *s)
{
	int T = tagar_model_ntags(c->m);
	fputs(", \"scores\": {", c->out);
	for (int t = 0; t < T; t++) {
		if (t)
			fputs(", ", c->out);
		const char *name = tagar_model_tag(c->m, s[t].tag);
		tagar_json_string(c->out, name, strlen(name));
		fputs(": ", c->out);
		put_num(c->out, s[t].score);
	}
	fputc('}', c->out);
}

/* {"id": ..., "tags": [{"tag": ..., "score": ...}, ...]} */
void out_json_record(ctx *c, const tagar_record *r, const tagar_tag_score *s)
{
	int T = tagar_model_ntags(c->m), shown = 0;
	fputc('{', c->out);
	if (r && r->id) {
		fputs("\"id\": ", c->out);
		if (r->id_is_number)
			fputs(r->id, c->out);
		else
			tagar_json_string(c->out, r->id, strlen(r->id));
		fputs(", ", c->out);
	}
	for (const char *const *kv = c->extra; kv && kv[0]; kv += 2) {
		if (!kv[1] || !*kv[1])
			continue;
		tagar_json_string(c->out, kv[0], strlen(kv[0]));
		fputs(": ", c->out);
		tagar_json_string(c->out, kv[1], strlen(kv[1]));
		fputs(", ", c->out);
	}
	fputs("\"tags\": [", c->out);
	for (int i = 0; i < T && (!c->o->top_k || shown < c->o->top_k); i++) {
		if (!out_chosen(c->o, &s[i]))
			continue;
		const char *name = tagar_model_tag(c->m, s[i].tag);
		fputs(shown++ ? ", {\"tag\": " : "{\"tag\": ", c->out);
		tagar_json_string(c->out, name, strlen(name));
		fputs(", \"score\": ", c->out);
		put_num(c->out, s[i].score);
		if (c->o->explain) {
			json_explain(c, s[i].tag);
			json_vocab(c, s[i].tag);
		}
		fputc('}', c->out);
	}
	fputc(']', c->out);
	if (c->o->all)
		json_scores(c, s);
	fputs("}\n", c->out);
}

void out_text_record(ctx *c, const tagar_tag_score *s, int tty)
{
	int T = tagar_model_ntags(c->m), shown = 0;
	for (int i = 0; i < T; i++) {
		int pick = out_chosen(c->o, &s[i]) && (!c->o->top_k || shown < c->o->top_k);
		if (!pick && !c->o->all)
			continue;
		char b[32];
		tagar_fmt_fixed(b, sizeof b, s[i].score, tty ? 2 : 4);
		const char *name = tagar_model_tag(c->m, s[i].tag);
		if (tty)
			fprintf(c->out, "%-18s %s%s\n", name, b, pick ? "" : "   (not assigned)");
		else
			fprintf(c->out, "%s\t%s%s\n", name, b, pick ? "" : "\tnot-assigned");
		shown += pick;
		int n = pick && c->o->explain ? tagar_explain(c->cl, s[i].tag, c->contrib, c->o->explain) : 0;
		for (int k = 0; k < n; k++) {
			char x[32], w[32];
			tagar_fmt_fixed(x, sizeof x, c->contrib[k].tfidf, 4);
			tagar_fmt_fixed(w, sizeof w, c->contrib[k].weight, 4);
			fprintf(c->out, "    %-28.*s tf-idf %s  weight %s\n", (int)c->contrib[k].len,
				c->contrib[k].term, x, w);
		}
		if (pick && c->o->explain)
			text_vocab(c, s[i].tag);
	}
	if (!shown && tty)
		fputs("(no tag)\n", c->out);
}

void out_error_record(FILE *out, long line, const char *msg)
{
	fprintf(out, "{\"line\": %ld, \"error\": ", line);
	tagar_json_string(out, msg, strlen(msg));
	fputs("}\n", out);
}

void out_error_id(FILE *out, const char *id, const char *msg)
{
	fputs("{\"id\": ", out);
	tagar_json_string(out, id, strlen(id));
	fputs(", \"error\": ", out);
	tagar_json_string(out, msg, strlen(msg));
	fputs("}\n", out);
}

off_t out_start(void)
{
	struct stat st;
	if (fstat(1, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	int fl = fcntl(1, F_GETFL);
	return fl >= 0 && (fl & O_APPEND) ? st.st_size : lseek(1, 0, SEEK_CUR);
}

/* The offset just past the last newline in [from, end) of the file open
 * for reading as fd, or from when there is none. */
static off_t last_line_end(int fd, off_t from, off_t end)
{
	char buf[4096];
	while (end > from) {
		size_t k = end - from < (off_t)sizeof buf ? (size_t)(end - from) : sizeof buf;
		if (pread(fd, buf, k, end - (off_t)k) != (ssize_t)k)
			return -1;
		for (size_t i = k; i > 0; i--)
			if (buf[i - 1] == '\n')
				return end - (off_t)k + (off_t)i;
		end -= (off_t)k;
	}
	return from;
}

/* Standard output is open for writing only: the file is read back through
 * /proc (Linux).  Only a file this run writes at the end of is cut. */
void out_keep_whole_lines(off_t start)
{
	__fpurge(stdout);  /* what stdio still holds would land after the cut */
	struct stat st;
	off_t end = lseek(1, 0, SEEK_CUR);
	if (start < 0 || end <= start || fstat(1, &st) != 0 || st.st_size != end)
		return;
	int fd = open("/proc/self/fd/1", O_RDONLY | O_CLOEXEC);
	off_t cut = fd >= 0 ? last_line_end(fd, start, end) : -1;
	if (fd >= 0)
		close(fd);
	if (cut >= 0 && cut < end && ftruncate(1, cut) == 0)
		lseek(1, cut, SEEK_SET);
}
