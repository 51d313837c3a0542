/* batch.c - the JSON Lines batch on N threads.
 *
 * The input is cut into blocks of whole lines.  Each round reads up to
 * sixteen blocks per thread (fewer rounds, less time lost at their ends,
 * where threads wait for the last block); the threads take blocks one at a
 * time until none is left (so a slow block does not hold the others up),
 * each with its own classifier and output buffer; then the outputs are
 * written in block order.
 * The output is the same bytes for any thread count, and memory does not
 * grow with the input. */
#include "batch.h"
#include "inputs.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK_BYTES (256 << 10)
#define BLOCKS_PER_THREAD 16

typedef struct {
	char *in;             /* whole lines, each ending in '\n' */
	size_t len, cap;
	long first_line;
	char *out, *err;      /* what the block writes to stdout and stderr */
	size_t outlen, errlen;
	int failed;           /* some record got an error record */
	int io_error;
} block;

typedef struct {
	ctx c;                /* this thread's writer and classifier */
	block *blocks;        /* this round's blocks */
	int nblocks;
	int *next;            /* the next block to take, shared by all threads */
	pthread_t th;
} worker;

/* The input, read in large chunks and cut into lines here, so that a line
 * of any length costs at most max_line bytes of memory. */
typedef struct {
	FILE *in;
	char *raw;            /* read but not yet taken */
	size_t pos, len, cap;
	int eof;
	size_t max_line;
} feeder;

/* A line over the limit is consumed and replaced by TOO_LONG and its length. */
#define TOO_LONG '\x1f'

static int append(block *b, const char *p, size_t n)
{
	if (b->len + n + 32 > b->cap) {
		size_t nc = b->cap ? b->cap : BLOCK_BYTES + 4096;
		while (nc < b->len + n + 32)
			nc *= 2;
		char *nb = realloc(b->in, nc);
		if (!nb)
			return -1;
		b->in = nb;
		b->cap = nc;
	}
	memcpy(b->in + b->len, p, n);
	b->len += n;
	return 0;
}

/* Appends the next line, with its '\n', to b.  1: a line; 0: end of input;
 * -1: read error or out of memory. */
static int next_line(feeder *f, block *b)
{
	size_t start = b->len, total = 0;
	int got = 0, cut = 0;
	for (;;) {
		if (f->pos == f->len) {
			f->pos = 0;
			f->len = f->eof ? 0 : fread(f->raw, 1, f->cap, f->in);
			if (f->len == 0) {
				f->eof = 1;
				if (ferror(f->in))
					return -1;
				break;
			}
		}
		const char *p = f->raw + f->pos, *nl = memchr(p, '\n', f->len - f->pos);
		size_t k = nl ? (size_t)(nl - p) : f->len - f->pos;
		got = 1;
		cut |= total + k > f->max_line;
		if (!cut && append(b, p, k))
			return -1;
		total += k;
		f->pos += k + (nl != NULL);
		if (nl)
			break;
	}
	if (!got)
		return 0;
	if (cut) {
		char mark[32];
		int m = snprintf(mark, sizeof mark, "%c%zu", TOO_LONG, total);
		b->len = start;
		if (append(b, mark, (size_t)m))
			return -1;
	}
	return append(b, "\n", 1) ? -1 : 1;
}

/* Takes whole lines until the block holds BLOCK_BYTES or the input ends. */
static int read_block(feeder *f, block *b, long *line, int *eof)
{
	int r = 1;
	b->len = 0;
	b->first_line = *line;
	while (b->len < BLOCK_BYTES && (r = next_line(f, b)) == 1)
		(*line)++;
	if (r == 0)
		*eof = 1;
	return r < 0 ? -1 : 0;
}

static int parse_line(const options *o, const char *p, size_t n, tagar_record *r, tagar_err *e)
{
	if (o->format == IN_TSV)
		return tagar_record_parse_tsv(p, n, r, e);
	if (o->format == IN_FASTTEXT)  /* labels, if any, are ignored */
		return tagar_record_parse_fasttext(p, n, r, e);
	return tagar_record_parse_json(p, n, 0, r, e);
}

/* A TSV header line, "id<TAB>title<TAB>text", is not a record. */
static int tsv_header(const options *o, const char *p, size_t n, long line)
{
	return o->format == IN_TSV && line == 1 && n == 13 && memcmp(p, "id\ttitle\ttext", 13) == 0;
}

static void tag_line(ctx *c, FILE *err, block *b, const char *p, size_t n, long line)
{
	if (n && p[0] == TOO_LONG) {
		char msg[128];
		snprintf(msg, sizeof msg, "line of %.*s bytes is over the limit of %zu (--max-bytes)",
			 (int)(n - 1), p + 1, c->o->max_bytes);
		b->failed = 1;
		out_error_record(c->out, line, msg);
		fprintf(err, "tagar-classify: %s:%ld: %s\n", c->o->input, line, msg);
		return;
	}
	if (line == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;  /* UTF-8 byte order mark */
		n -= 3;
	}
	if (n && p[n - 1] == '\r')
		n--;
	if (strspn(p, " \t\r") >= n || tsv_header(c->o, p, n, line))
		return;  /* blank lines are not records */
	tagar_record r;
	tagar_err e = {0, ""};
	const tagar_tag_score *s = NULL;
	char *owned = NULL;
	if (in_utf8(c->o, err, c->o->input, line, &p, &n, &owned, e.msg, sizeof e.msg) == 0 &&
	    parse_line(c->o, p, n, &r, &e) == 0) {
		s = tagar_classify(c->cl, r.title, strlen(r.title), r.text, strlen(r.text));
		if (s)
			out_json_record(c, &r, s);
		else
			snprintf(e.msg, sizeof e.msg, "out of memory");
		tagar_record_clear(&r);
	}
	if (!s) {
		b->failed = 1;
		out_error_record(c->out, line, e.msg);
		fprintf(err, "tagar-classify: %s:%ld: %s\n", c->o->input, line, e.msg);
	}
	free(owned);
}

static void tag_block(worker *w, block *b)
{
	FILE *out = open_memstream(&b->out, &b->outlen), *err = open_memstream(&b->err, &b->errlen);
	if (!out || !err) {
		b->io_error = 1;
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		return;
	}
	w->c.out = out;
	long line = b->first_line;
	for (size_t at = 0; at < b->len; line++) {
		const char *p = b->in + at, *nl = memchr(p, '\n', b->len - at);
		size_t n = (size_t)(nl - p);
		tag_line(&w->c, err, b, p, n, line);
		at += n + 1;
	}
	if (fclose(out) != 0 || fclose(err) != 0)
		b->io_error = 1;
}

static void *take_blocks(void *arg)
{
	worker *w = arg;
	int i;
	while ((i = __atomic_fetch_add(w->next, 1, __ATOMIC_RELAXED)) < w->nblocks)
		tag_block(w, &w->blocks[i]);
	return NULL;
}

static int thread_count(const options *o)
{
	long n = o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static int workers_new(worker *w, int n, const ctx *c)
{
	for (int i = 0; i < n; i++) {
		w[i].c = *c;
		w[i].c.cl = i == 0 ? c->cl : tagar_classifier_new(c->m);
		w[i].c.contrib = i == 0 ? c->contrib : malloc((size_t)(c->o->explain + 1) * sizeof *c->contrib);
		if (!w[i].c.cl || !w[i].c.contrib)
			return -1;
	}
	return 0;
}

static void workers_free(worker *w, int n)
{
	for (int i = 1; i < n; i++) {
		tagar_classifier_free(&w[i].c.cl);
		free(w[i].c.contrib);
	}
}

/* One round: up to nb blocks, tagged by the worker threads while this
 * thread reads the next round's blocks and then tags alongside them, so
 * that N threads keep N cores busy (with one thread, it tags alone). */
typedef struct {
	worker *w;
	int nt, next, started[256];
	block *blocks;
	int k;
} round;

static void round_start(round *r, worker *w, int nt, block *blocks, int k)
{
	memset(r, 0, sizeof *r);
	r->w = w;
	r->nt = nt;
	r->blocks = blocks;
	r->k = k;
	for (int i = 0; i < k; i++) {
		blocks[i].out = blocks[i].err = NULL;
		blocks[i].outlen = blocks[i].errlen = 0;
		blocks[i].failed = blocks[i].io_error = 0;
	}
	for (int i = 0; i < nt; i++) {
		w[i].blocks = blocks;
		w[i].nblocks = k;
		w[i].next = &r->next;
	}
	for (int i = 1; i < nt && i < k; i++)  /* w[0] is this thread's */
		r->started[i] = pthread_create(&w[i].th, NULL, take_blocks, &w[i]) == 0;
}

/* Tags blocks until none is left, waits for the round, writes in block order. */
static int round_finish(round *r, const ctx *c, int *failed)
{
	take_blocks(&r->w[0]);
	for (int i = 1; i < r->nt; i++)
		if (r->started[i])
			pthread_join(r->w[i].th, NULL);
	int rc = 0;
	for (int i = 0; i < r->k; i++) {
		block *b = &r->blocks[i];
		if (b->io_error || fwrite(b->out, 1, b->outlen, c->out) != b->outlen)
			rc = EXIT_IO_ERROR;
		if (b->errlen)
			fwrite(b->err, 1, b->errlen, stderr);
		*failed |= b->failed;
		free(b->out);
		free(b->err);
	}
	return rc;
}

/* Reads up to nb blocks; -1 on a read error. */
static int read_round(feeder *f, block *blocks, int nb, long *line, int *eof)
{
	int k = 0;
	while (k < nb && !*eof) {
		if (read_block(f, &blocks[k], line, eof))
			return -1;
		k += blocks[k].len > 0;
	}
	return k;
}

int tagar_batch_run(const ctx *c, FILE *in, long first_line)
{
	int nt = thread_count(c->o), nb = nt * BLOCKS_PER_THREAD, failed = 0, rc = 0, eof = 0;
	worker *w = calloc((size_t)nt, sizeof *w);
	block *blocks = calloc((size_t)nb * 2, sizeof *blocks);  /* this round's and the next */
	feeder f = {in, malloc(1 << 16), 0, 0, 1 << 16, 0, c->o->max_bytes};
	long line = first_line;
	if (!w || !blocks || !f.raw || workers_new(w, nt, c)) {
		fputs("tagar-classify: out of memory\n", stderr);
		rc = EXIT_IO_ERROR;
	}
	block *cur = blocks, *nxt = blocks + nb;
	int k = rc ? 0 : read_round(&f, cur, nb, &line, &eof);
	while (k > 0) {
		round r;
		round_start(&r, w, nt, cur, k);
		int kn = read_round(&f, nxt, nb, &line, &eof);  /* while the workers tag */
		rc = round_finish(&r, c, &failed);
		if (!rc && fflush(c->out) != 0)
			rc = EXIT_IO_ERROR;
		if (!rc && kn < 0)
			rc = EXIT_IO_ERROR;
		if (rc)
			break;
		block *t = cur;
		cur = nxt;
		nxt = t;
		k = kn;
	}
	if (k < 0 || ferror(in)) {
		fprintf(stderr, "tagar-classify: %s: read error\n", c->o->input);
		rc = EXIT_IO_ERROR;
	}
	if (w)
		workers_free(w, nt);
	for (int i = 0; blocks && i < nb * 2; i++)
		free(blocks[i].in);
	free(blocks);
	free(w);
	free(f.raw);
	return rc ? rc : failed ? 1 : 0;
}
