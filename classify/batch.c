/* batch.c - the JSON Lines batch on N threads.
 *
 * The input is cut into blocks of whole lines, read ahead into a small ring;
 * each thread tags one block at a time with its own classifier and output
 * buffer, and the outputs are written in block order as soon as the blocks
 * before them are done.  No thread waits at a barrier: a slow block holds
 * up only the writing behind it, until the ring is full.
 * The output is the same bytes for any thread count, and memory does not
 * grow with the input.  From a pipe, a block also ends where the input
 * pauses (see feeder), so a live stream's records are not held back. */
#define _GNU_SOURCE  /* fopencookie */
#include "batch.h"
#include "inputs.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK_BYTES (256 << 10)
#define SLOTS_PER_THREAD 4

/* A block's input, and what a FILE writes into (see buffer_stream).  Its
 * memory is kept from block to block. */
typedef tagar_buf bytes;

/* A line over --max-bytes: consumed, and left in the block as an empty line. */
typedef struct {
	long line;
	size_t len;
} long_line;

typedef struct {
	bytes in;             /* whole lines, each ending in '\n' */
	long first_line;
	long_line *cut;       /* the block's lines over the limit, in order */
	size_t ncut, cutcap;
	bytes out, err;       /* what the block writes to stdout and stderr */
	int failed;           /* some record got an error record */
	int no_memory;        /* the output could not be kept: the run stops */
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
 * of any length costs at most max_line bytes of memory.
 * Streaming: from a pipe, socket or terminal, a block ends early when the
 * input has no more bytes ready (poll), so records read are tagged and
 * written at once rather than held until a full block arrives; the start
 * of a line caught half-read is kept here (part) for the next block.  A
 * regular file is never polled: it always has its next bytes. */
typedef struct {
	int fd;               /* -1: the bytes in raw are the whole input */
	int may_block;        /* fd is not a regular file: see above */
	const char *name;     /* for messages */
	char *buf;            /* what raw points to when reading fd */
	const char *raw;      /* read but not yet taken: raw[pos..len) */
	size_t pos, len, cap;
	int eof;
	size_t max_line;
	bytes part;           /* a line's start, read before a pause */
	size_t part_total;    /* its length (more than part.len when over the limit) */
	int part_held, part_cut;
} feeder;

/* What reading a block can meet besides lines; READ_PAUSE: the input has
 * nothing ready, so the block ends here. */
enum { READ_OK = 0, READ_ERROR = -1, READ_NO_MEMORY = -2, READ_PAUSE = 2 };

static int refill(feeder *f)
{
	ssize_t k = f->eof || f->fd < 0 ? 0 : tagar_read(f->fd, f->buf, f->cap);
	if (k < 0)
		return READ_ERROR;
	f->raw = f->buf;
	f->pos = 0;
	f->len = (size_t)k;
	f->eof |= k == 0;
	return k > 0;
}

/* Whether a pipe (socket, terminal) has no byte ready: reading would wait. */
static int input_idle(const feeder *f)
{
	struct pollfd p = {f->fd, POLLIN, 0};
	return f->may_block && !f->eof && poll(&p, 1, 0) == 0;
}

/* A pause in the middle of a line: its start, b->in[start..), is kept in
 * the feeder and taken back by the next call of next_line. */
static int hold_line(feeder *f, block *b, size_t start, size_t total, int cut, int got)
{
	f->part.len = 0;
	if (got && !cut && tagar_buf_append(&f->part, b->in.p + start, b->in.len - start))
		return READ_NO_MEMORY;
	f->part_held = got;
	f->part_total = total;
	f->part_cut = cut;
	b->in.len = start;
	return READ_PAUSE;
}

/* Appends the next line, with its '\n', to b; a line over the limit is
 * consumed, appended empty and its length put in *over (else 0).
 * 1: a line; 0: end of input; READ_PAUSE (only when b already holds a
 * line); READ_ERROR or READ_NO_MEMORY. */
static int next_line(feeder *f, block *b, size_t *over)
{
	size_t start = b->in.len, total = 0;
	int got = 0, cut = 0;
	if (f->part_held) {  /* the start of this line came before a pause */
		if (!f->part_cut && tagar_buf_append(&b->in, f->part.p, f->part.len))
			return READ_NO_MEMORY;
		total = f->part_total;
		cut = f->part_cut;
		got = 1;
		f->part_held = 0;
	}
	for (;;) {
		if (f->pos == f->len) {
			if (start > 0 && input_idle(f))
				return hold_line(f, b, start, total, cut, got);
			int r = refill(f);
			if (r < 0)
				return r;
			if (r == 0)
				break;
		}
		const char *p = f->raw + f->pos, *nl = memchr(p, '\n', f->len - f->pos);
		size_t k = nl ? (size_t)(nl - p) : f->len - f->pos;
		got = 1;
		cut |= total + k > f->max_line;
		if (!cut && tagar_buf_append(&b->in, p, k))
			return READ_NO_MEMORY;
		total += k;
		f->pos += k + (nl != NULL);
		if (nl)
			break;
	}
	if (!got)
		return 0;
	*over = cut ? total : 0;
	if (cut)
		b->in.len = start;
	return tagar_buf_append(&b->in, "\n", 1) ? READ_NO_MEMORY : 1;
}

static int note_long_line(block *b, long line, size_t len)
{
	if (b->ncut == b->cutcap) {
		size_t nc = b->cutcap ? 2 * b->cutcap : 8;
		long_line *n = realloc(b->cut, nc * sizeof *n);
		if (!n)
			return -1;
		b->cut = n;
		b->cutcap = nc;
	}
	b->cut[b->ncut++] = (long_line){line, len};
	return 0;
}

/* Takes whole lines until the block holds BLOCK_BYTES, the input ends or
 * pauses.
 * On an error the block keeps the whole lines read before it. */
static int read_block(feeder *f, block *b, long *line, int *eof)
{
	int r = 1;
	size_t whole = 0, over = 0;
	b->in.len = b->ncut = 0;
	b->first_line = *line;
	while (b->in.len < BLOCK_BYTES && (r = next_line(f, b, &over)) == 1) {
		if (over && note_long_line(b, *line, over)) {
			r = READ_NO_MEMORY;
			break;
		}
		whole = b->in.len;
		(*line)++;
	}
	b->in.len = whole;
	if (r != 1 && r != READ_PAUSE)
		*eof = 1;
	return r < 0 ? r : READ_OK;
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

static void refuse_long_line(ctx *c, FILE *err, block *b, const long_line *l)
{
	char msg[128];
	snprintf(msg, sizeof msg, "line of %zu bytes is over the limit of %zu (--max-bytes)", l->len,
		 c->o->max_bytes);
	b->failed = 1;
	out_error_record(c->out, l->line, msg);
	fprintf(err, "tagar-classify: %s:%ld: %s\n", c->o->input, l->line, msg);
}

static void tag_line(ctx *c, FILE *err, block *b, const char *p, size_t n, long line)
{
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
			snprintf(e.msg, sizeof e.msg, "%s", tagar_classify_error(c->cl));
		tagar_record_clear(&r);
	}
	if (!s) {
		b->failed = 1;
		out_error_record(c->out, line, e.msg);
		fprintf(err, "tagar-classify: %s:%ld: %s\n", c->o->input, line, e.msg);
	}
	free(owned);
}

/* open_memstream() does not flag a buffer it failed to grow (glibc), and
 * records would be lost without a word; this stream's writes fail instead
 * (a short write sets the stream's error flag). */
static ssize_t bytes_write(void *cookie, const char *p, size_t n)
{
	return tagar_buf_append(cookie, p, n) ? 0 : (ssize_t)n;
}

/* A FILE writing into o, emptied first. */
static FILE *buffer_stream(bytes *o)
{
	o->len = 0;
	return fopencookie(o, "w", (cookie_io_functions_t){.write = bytes_write});
}

/* 0, or -1 if anything written to f was lost; closes f either way. */
static int close_stream(FILE *f)
{
	int lost = ferror(f);
	return fclose(f) != 0 || lost ? -1 : 0;
}

static void tag_block(worker *w, block *b)
{
	FILE *out = buffer_stream(&b->out), *err = buffer_stream(&b->err);
	if (!out || !err) {
		b->no_memory = 1;
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		return;
	}
	w->c.out = out;
	long line = b->first_line;
	size_t next_cut = 0;
	for (size_t at = 0; at < b->in.len; line++) {
		const char *p = b->in.p + at, *nl = memchr(p, '\n', b->in.len - at);
		size_t n = (size_t)(nl - p);
		if (next_cut < b->ncut && b->cut[next_cut].line == line)
			refuse_long_line(&w->c, err, b, &b->cut[next_cut++]);
		else
			tag_line(&w->c, err, b, p, n, line);
		at += n + 1;
	}
	int out_lost = close_stream(out), err_lost = close_stream(err);
	b->no_memory = out_lost || err_lost;
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
		/* the first classifier opened libsvm if the model needs it: memory
		 * is all the others can lack */
		w[i].c.cl = i == 0 ? c->cl : tagar_classifier_new(c->m, NULL);
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
	int write_errno;      /* errno of a failed write, for main() to report */
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
	if (r != READ_OK)  /* the lines read before it are still tagged and written */
		fprintf(stderr, "tagar-classify: %s: %s\n", p->f->name,
			r == READ_ERROR ? "read error" : "out of memory");
	pthread_mutex_lock(&p->mu);
	p->reading = 0;
	p->line = line;
	p->eof |= eof;
	if (r != READ_OK)
		p->rc = EXIT_IO_ERROR;
	if (b->in.len > 0) {
		b->failed = b->no_memory = b->done = 0;
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

/* Writes one finished block: 0, or -1 with *werrno set (0 if it was
 * memory, which is reported here). */
static int write_block(pipeline *p, const block *b, int *werrno)
{
	if (b->no_memory) {
		fputs("tagar-classify: out of memory\n", stderr);
		return -1;
	}
	if (b->out.len && fwrite(b->out.p, 1, b->out.len, p->out) != b->out.len) {
		*werrno = errno;
		return -1;
	}
	if (b->err.len)
		fwrite(b->err.p, 1, b->err.len, stderr);
	return 0;
}

/* Writes the finished blocks that are next in input order, outside the
 * lock; after a failure nothing more is written, so the output has no gap. */
static void write_done(pipeline *p)
{
	unsigned long from = p->written, to = from;
	while (to < p->taken && slot_of(p, to)->done)
		to++;
	p->writing = 1;
	pthread_mutex_unlock(&p->mu);
	int bad = 0, failed = 0, werrno = 0;
	for (unsigned long k = from; k < to && !bad; k++) {
		const block *b = slot_of(p, k);
		bad = write_block(p, b, &werrno);
		failed |= b->failed;
	}
	if (!bad && fflush(p->out) != 0) {
		bad = -1;
		werrno = errno;
	}
	pthread_mutex_lock(&p->mu);
	p->writing = 0;
	p->written = to;
	p->failed |= failed;
	if (bad) {
		p->write_errno = werrno;
		halt(p, EXIT_IO_ERROR);
	}
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
		free(p->slot[i].in.p);
		free(p->slot[i].cut);
		free(p->slot[i].out.p);
		free(p->slot[i].err.p);
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

/* Reads from src->fd (with src->head first), or src->head alone. */
static int feeder_init(feeder *f, const ctx *c, const batch_input *src)
{
	struct stat st;
	*f = (feeder){.fd = src->fd, .name = c->o->input, .max_line = c->o->max_bytes};
	if (src->fd < 0) {
		f->raw = src->head;
		f->len = src->headlen;
		f->eof = 1;
		return 0;
	}
	f->may_block = fstat(src->fd, &st) != 0 || !S_ISREG(st.st_mode);
	f->cap = src->headlen > (1 << 16) ? src->headlen : 1 << 16;
	if (!(f->buf = malloc(f->cap)))
		return -1;
	if (src->headlen)
		memcpy(f->buf, src->head, src->headlen);
	f->raw = f->buf;
	f->len = src->headlen;
	return 0;
}

int tagar_batch_run(const ctx *c, const batch_input *src)
{
	int nt = thread_count(c->o);
	feeder f;
	int fed = feeder_init(&f, c, src);
	pipeline p = {.nslots = (unsigned long)nt * SLOTS_PER_THREAD, .nthreads = nt,
		      .f = &f, .line = 1, .out = c->out};
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	p.slot = calloc(p.nslots, sizeof *p.slot);
	worker *w = calloc((size_t)nt, sizeof *w);
	if (!w || !p.slot || fed || workers_new(w, nt, c, &p)) {
		fputs("tagar-classify: out of memory\n", stderr);
		p.rc = EXIT_IO_ERROR;
	} else {
		run_threads(w, nt);
	}
	if (w)
		workers_free(w, nt);
	free(w);
	pipeline_free(&p);
	free(f.buf);
	free(f.part.p);
	if (p.write_errno)
		errno = p.write_errno;  /* main() reports stdout's error; errno is per thread */
	return p.rc ? p.rc : p.failed ? 1 : 0;
}
