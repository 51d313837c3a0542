/* output.c - JSON records, the text view and error records. */
#include "output.h"

#include <fcntl.h>
#include <stdlib.h>
#include <stdio_ext.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

tagar_choice out_choice(const options *o)
{
	return (tagar_choice){.threshold = o->threshold, .top_k = o->top_k};
}

/* The library's record; an error record in its place when memory runs out. */
void out_json_record(ctx *c, const tagar_record *r, const tagar_tag_score *s)
{
	const tagar_json_opts jo = {.choice = out_choice(c->o), .all_scores = c->o->all, .explain = c->o->explain};
	const tagar_json_record jr = {.id = r ? r->id : NULL, .id_is_number = r && r->id_is_number};
	if (tagar_write_json(c->out, c->cl, s, &jr, &jo) == 0)
		return;
	if (jr.id)
		out_error_id(c->out, jr.id, tagar_errmsg(TAGAR_ENOMEM));
	else
		out_error_record(c->out, 0, tagar_errmsg(TAGAR_ENOMEM));
}

static void text_vocab(ctx *c, int tag)
{
	tagar_lexhit h[TAGAR_VOCAB_SHOWN];
	int n = tagar_explain_vocab(c->cl, tag, h, TAGAR_VOCAB_SHOWN);
	for (int i = 0; i < n; i++) {
		char x[32];
		tagar_fmt_fixed(x, sizeof x, h[i].contribution, 4);
		fprintf(c->out, "    alias \"%s\" in %s x%d  +%s\n", h[i].alias, h[i].zone_name, h[i].count, x);
	}
}

static void text_explain(ctx *c, int tag)
{
	int n = tagar_explain(c->cl, tag, c->contrib, c->o->explain);
	for (int k = 0; k < n; k++) {
		char x[32], w[32];
		tagar_fmt_fixed(x, sizeof x, c->contrib[k].tfidf, 4);
		tagar_fmt_fixed(w, sizeof w, c->contrib[k].weight, 4);
		const char *zone = c->contrib[k].lead ? " (lead)" : "";
		int width = 28 - (int)strlen(zone);
		fprintf(c->out, "    %-*.*s%s tf-idf %s  weight %s\n", width > 0 ? width : 0, (int)c->contrib[k].len,
			c->contrib[k].term, zone, x, w);
	}
	text_vocab(c, tag);
}

void out_text_record(ctx *c, const tagar_tag_score *s, int tty)
{
	int T = tagar_model_ntags(c->m), k = 0;
	int *picked = malloc((size_t)T * sizeof *picked + 1);
	if (!picked) {
		fprintf(stderr, "tagar-classify: %s\n", tagar_errmsg(TAGAR_ENOMEM));
		return;
	}
	const tagar_choice rule = out_choice(c->o);
	int n = tagar_choose(s, T, &rule, picked);
	for (int i = 0; i < T; i++) {
		int pick = k < n && picked[k] == i;
		if (!pick && !c->o->all)
			continue;
		char b[32];
		tagar_fmt_fixed(b, sizeof b, s[i].score, tty ? 2 : 4);
		const char *name = tagar_model_tag(c->m, s[i].tag);
		if (tty)
			fprintf(c->out, "%-18s %s%s\n", name, b, pick ? "" : "   (not assigned)");
		else
			fprintf(c->out, "%s\t%s%s\n", name, b, pick ? "" : "\tnot-assigned");
		k += pick;
		if (pick && c->o->explain)
			text_explain(c, s[i].tag);
	}
	if (!n && tty)
		fputs("(no tag)\n", c->out);
	free(picked);
}

void out_error_record(FILE *out, long line, const char *msg)
{
	tagar_write_json_error(out, NULL, line, msg);
}

void out_error_id(FILE *out, const char *id, const char *msg)
{
	tagar_write_json_error(out, id, 0, msg);
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
