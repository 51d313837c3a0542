/* batch.c - the JSON Lines batch on N threads.
 *
 * The input is cut into blocks of whole lines, read ahead into a small ring;
 * each thread tags one block at a time with its own classifier and output
 * buffer, and the outputs are written in block order as soon as the blocks
 * before them are done.  No thread waits at a barrier: a slow block holds
 * up only the writing behind it, until the ring is full.
 * The output is the same bytes for any thread count, and memory does not
 * grow with the input. */
#include "batch.h"
#include "inputs.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK_BYTES (256 << 10)
#define SLOTS_PER_THREAD 4

typedef struct {
	char *in;             /* whole lines, each ending in '\n' */
	size_t len, cap;
	long first_line;
	char *out, *err;      /* what the block writes to stdout and stderr */
	size_t outlen, errlen;
	int failed;           /* some record got an error record */
	int io_error;
	int done;             /* tagged, waiting to be written */
} block;

struct pipeline;

typedef struct {
	ctx c;                /* this thread's writer and classifier */
	struct pipeline *p;
	pthread_t th;
	int started;
} worker;

/* The input, read in large chunks and cut into lines here, so that a line
 * of any length costs at most max_line bytes of memory. */
typedef struct {
	FILE *in;
	const char *name;     /* for messages */
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

static int thread_count(const options *o)
{
	long n = o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static int workers_new(worker *w, int n, const ctx *c, struct pipeline *p)
{
	for (int i = 0; i < n; i++) {
		w[i].p = p;
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

/* The blocks in flight, a ring of SLOTS_PER_THREAD per thread.  Block
 * number k (counting from 0 over the whole input) lives in slot k % nslots;
 * blocks [written, taken) are being tagged or wait to be written,
 * [taken, read) wait to be tagged.  Every thread, this one included, does
 * whichever job is due: write the blocks finished in order, read ahead,
 * tag.  No thread ever waits for a round to end, only for work; reading
 * and writing are done by one thread at a time, outside the lock. */
typedef struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t cv;    /* any change below */
	block *slot;
	unsigned long nslots, read, taken, written;
	int reading, writing; /* a thread is reading (writing) outside the lock */
	int eof, stop;
	int rc, failed;
	int nthreads;
	feeder *f;
	long line;            /* number of the next line read */
	FILE *out;
} pipeline;

static block *slot_of(pipeline *p, unsigned long k)
{
	return &p->slot[k % p->nslots];
}

/* Ends the run early: the threads finish the block in hand and leave. */
static void halt(pipeline *p, int rc)
{
	p->stop = 1;
	p->rc = rc;
}

/* Reads block p->read outside the lock; called and returns with it held. */
static void read_next(pipeline *p)
{
	block *b = slot_of(p, p->read);
	long line = p->line;
	int eof = 0;
	p->reading = 1;
	pthread_mutex_unlock(&p->mu);
	int r = read_block(p->f, b, &line, &eof);
	pthread_mutex_lock(&p->mu);
	p->reading = 0;
	p->line = line;
	p->eof |= eof;
	if (r) {
		halt(p, EXIT_IO_ERROR);
		fprintf(stderr, "tagar-classify: %s: read error\n", p->f->name);
	} else if (b->len > 0) {
		b->out = b->err = NULL;
		b->outlen = b->errlen = 0;
		b->failed = b->io_error = b->done = 0;
		p->read++;
	}
}

/* Tags block p->taken outside the lock. */
static void tag_next(worker *w)
{
	pipeline *p = w->p;
	block *b = slot_of(p, p->taken++);
	pthread_mutex_unlock(&p->mu);
	tag_block(w, b);
	pthread_mutex_lock(&p->mu);
	b->done = 1;
}

/* Writes the finished blocks that are next in input order, outside the lock. */
static void write_done(pipeline *p)
{
	unsigned long from = p->written, to = from;
	while (to < p->taken && slot_of(p, to)->done)
		to++;
	p->writing = 1;
	pthread_mutex_unlock(&p->mu);
	int rc = 0, failed = 0;
	for (unsigned long k = from; k < to; k++) {
		block *b = slot_of(p, k);
		if (b->io_error || fwrite(b->out, 1, b->outlen, p->out) != b->outlen)
			rc = EXIT_IO_ERROR;
		if (b->errlen)
			fwrite(b->err, 1, b->errlen, stderr);
		failed |= b->failed;
		free(b->out);
		free(b->err);
		b->out = b->err = NULL;
	}
	if (!rc && fflush(p->out) != 0)
		rc = EXIT_IO_ERROR;
	pthread_mutex_lock(&p->mu);
	p->writing = 0;
	p->written = to;
	p->failed |= failed;
	if (rc)
		halt(p, rc);
}

static int can_write(const pipeline *p)
{
	return !p->writing && p->written < p->taken && p->slot[p->written % p->nslots].done;
}

static int can_read(const pipeline *p)
{
	return !p->reading && !p->eof && p->read - p->written < p->nslots;
}

/* The job a thread does next, in order of urgency: writing frees slots;
 * reading keeps a block waiting for every thread; then tagging. */
static void *run_jobs(void *arg)
{
	worker *w = arg;
	pipeline *p = w->p;
	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		unsigned long before = p->read + p->taken + p->written + (unsigned long)p->eof;
		if (can_write(p))
			write_done(p);
		else if (can_read(p) && p->read - p->taken < (unsigned long)p->nthreads)
			read_next(p);
		else if (p->taken < p->read)
			tag_next(w);
		else if (can_read(p))
			read_next(p);
		else if (p->eof && !p->reading && !p->writing && p->written == p->read)
			break;
		else {
			pthread_cond_wait(&p->cv, &p->mu);
			continue;
		}
		if (p->read + p->taken + p->written + (unsigned long)p->eof != before || p->stop)
			pthread_cond_broadcast(&p->cv);
	}
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void pipeline_free(pipeline *p)
{
	for (unsigned long i = 0; p->slot && i < p->nslots; i++) {
		free(p->slot[i].in);
		free(p->slot[i].out);  /* left by a stop */
		free(p->slot[i].err);
	}
	free(p->slot);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}

/* Runs the jobs on this thread and nt - 1 more (fewer if the system has
 * no more threads to give: the jobs get done all the same). */
static void run_threads(worker *w, int nt)
{
	for (int i = 1; i < nt; i++)
		w[i].started = pthread_create(&w[i].th, NULL, run_jobs, &w[i]) == 0;
	run_jobs(&w[0]);
	for (int i = 1; i < nt; i++)
		if (w[i].started)
			pthread_join(w[i].th, NULL);
}

int tagar_batch_run(const ctx *c, FILE *in, long first_line)
{
	int nt = thread_count(c->o);
	feeder f = {in, c->o->input, malloc(1 << 16), 0, 0, 1 << 16, 0, c->o->max_bytes};
	pipeline p = {.nslots = (unsigned long)nt * SLOTS_PER_THREAD, .nthreads = nt,
		      .f = &f, .line = first_line, .out = c->out};
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	p.slot = calloc(p.nslots, sizeof *p.slot);
	worker *w = calloc((size_t)nt, sizeof *w);
	if (!w || !p.slot || !f.raw || workers_new(w, nt, c, &p)) {
		fputs("tagar-classify: out of memory\n", stderr);
		p.rc = EXIT_IO_ERROR;
	} else {
		run_threads(w, nt);
	}
	if (w)
		workers_free(w, nt);
	free(w);
	pipeline_free(&p);
	free(f.raw);
	return p.rc ? p.rc : p.failed ? 1 : 0;
}
