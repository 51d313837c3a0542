/* run.c - one poll of the feeds: fetched by the library's fetcher on the
 * main thread (curl multi, `--parallel` at once), parsed and tagged by the
 * tagging threads, stored by the store thread, one transaction per feed,
 * and each stored item's record written to standard output after its
 * transaction commits.  The store thread is the archive's only writer
 * during the poll: failures and 304s reach it as jobs too.  While it
 * stores, the main thread goes on driving the transfers.  A feed that
 * failed is retried after a backoff; a signal stops the run between two
 * transactions.
 *
 * Memory stays flat as the list grows: feeds are handed to the fetcher
 * only while fewer than a window of them are in flight (fetched, waiting
 * to be tagged or stored). */
#include "feeds.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	const options *o;
	tagar_archive *a;
	tagar_fetcher *f;
	tagger *t;
	const char *model_id;
	feed_src *src;
	int nsrc, next;            /* the next source to hand to the fetcher */
	tagar_archive_feed *feeds; /* the archive's row of each source */
	int window, skipped, bad_sources;
	double fetch_s;
	/* the store thread's; read by the main thread after it ends */
	int fetched, not_modified, failed;
	long new_items, updated, empty;
	double parse_s, tag_s, store_s;
	/* shared, under mu */
	pthread_mutex_t mu;
	int inflight, io_error, closing;
} run_ctx;

static int shared_get(run_ctx *r, const int *v)
{
	pthread_mutex_lock(&r->mu);
	int x = *v;
	pthread_mutex_unlock(&r->mu);
	return x;
}

static void shared_add(run_ctx *r, int *v, int d)
{
	pthread_mutex_lock(&r->mu);
	*v += d;
	pthread_mutex_unlock(&r->mu);
}

static int oom(tagar_err *err)
{
	if (err)
		*err = (tagar_err){TAGAR_ENOMEM, "out of memory"};
	else
		fprintf(stderr, "tagar-feeds: out of memory\n");
	return TAGAR_ENOMEM;
}

static void report_db(run_ctx *r, const tagar_err *err)
{
	fprintf(stderr, "tagar-feeds: %s\n", err->msg);
	shared_add(r, &r->io_error, 1);
}

static void feed_failed(run_ctx *r, long long id, const char *url, const char *why)
{
	tagar_err err = {0, ""};
	size_t n = strlen(url);
	if (strncmp(why, url, n) == 0 && why[n] == ':')
		fprintf(stderr, "tagar-feeds: %s\n", why);  /* the reader's "URL:LINE: ..." */
	else
		fprintf(stderr, "tagar-feeds: %s: %s\n", url, why);
	r->failed++;
	if (tagar_archive_feed_failed(r->a, id, why, now_epoch(), r->o->backoff_base, r->o->backoff_cap, &err))
		report_db(r, &err);
}

/* What the first bytes say when they are no feed. */
static const char *not_a_feed(const char *body, size_t len)
{
	switch (tagar_sniff(body, len)) {
	case TAGAR_DOC_FEED:
		return NULL;
	case TAGAR_DOC_HTML:
		return tagar_is_opml(body, len) ? "an OPML list, not a feed (name a list as a local file)"
						 : "an HTML page, not a feed";
	default:
		return len ? "not a feed (no XML)" : "empty response, not a feed";
	}
}

/* A fetch's outcome as a job for the store thread: the body to tag
 * (JOB_TAGGED goes through the tagging threads first), or the failure or
 * 304 to record.  NULL when out of memory. */
static feed_job *fetched_job(const tagar_fetched *res, long long feed_id, const char *why)
{
	feed_job *j = calloc(1, sizeof *j);
	if (!j || !(j->url = strdup(res->url)) || (why && !(j->error = strdup(why))) ||
	    (res->etag && !(j->etag = strdup(res->etag))) ||
	    (res->last_modified && !(j->last_modified = strdup(res->last_modified)))) {
		job_free(j);
		return NULL;
	}
	j->kind = why ? JOB_FAILED : res->not_modified ? JOB_NOT_MODIFIED : JOB_TAGGED;
	j->feed_id = feed_id;
	j->status = res->status;
	j->fetched_at = now_epoch();
	return j;
}

static void on_fetched(tagar_fetched *res, void *ud)
{
	run_ctx *r = ud;
	const tagar_archive_feed *fd = &r->feeds[(int)(intptr_t)res->ud];
	const char *why = res->error ? res->error : res->not_modified ? NULL : not_a_feed(res->body, res->len);
	r->fetch_s += res->seconds;
	feed_job *j = fetched_job(res, fd->id, why);
	if (!j) {
		fprintf(stderr, "tagar-feeds: %s: out of memory\n", res->url);
		shared_add(r, &r->io_error, 1);
		shared_add(r, &r->inflight, -1);
		return;
	}
	if (j->kind == JOB_NOT_MODIFIED && !j->etag && fd->etag)  /* a 304 need not repeat them */
		j->etag = strdup(fd->etag);
	if (j->kind == JOB_NOT_MODIFIED && !j->last_modified && fd->last_modified)
		j->last_modified = strdup(fd->last_modified);
	if (j->kind != JOB_TAGGED) {
		tagger_pass(r->t, j);
		return;
	}
	j->body = res->body;  /* taken over */
	j->len = res->len;
	res->body = NULL;
	tagger_submit(r->t, j);
}

/* --------------------------------------------------------------- store */

static int put_item(run_ctx *r, long long feed, const tagged_item *ti, tagar_err *err)
{
	const tagar_archive_item it = {ti->key, ti->hash, ti->rid, ti->link, ti->title, ti->date, ti->text,
				       ti->published, ti->record, r->model_id, now_epoch(), ti->ntags,
				       (const char *const *)ti->tags, ti->scores};
	return tagar_archive_put(r->a, feed, &it, ti->changed, err);
}

/* The job's items and the feed's validators in one transaction; then the
 * records of the items stored, in feed order. */
static void store_job(run_ctx *r, feed_job *j)
{
	double t0 = mono();
	tagar_err err = {0, ""};
	char status[24];
	snprintf(status, sizeof status, "%ld", j->status);
	char *stored = calloc((size_t)j->n + 1, 1);
	int rc = stored ? tagar_archive_begin(r->a, &err) : oom(&err);
	for (int i = 0; !rc && i < j->n; i++) {
		int put = put_item(r, j->feed_id, &j->items[i], &err);
		rc = put < 0 ? put : 0;
		stored[i] = put == 1;
	}
	if (!rc && !j->error)
		rc = tagar_archive_feed_ok(r->a, j->feed_id, j->status ? status : "file", j->etag, j->last_modified,
					   now_epoch(), &err);
	if (!rc)
		rc = tagar_archive_commit(r->a, &err);
	if (rc) {
		tagar_archive_rollback(r->a);
		report_db(r, &err);
	}
	for (int i = 0; !rc && i < j->n; i++)
		if (stored[i]) {
			puts(j->items[i].record);
			if (j->items[i].changed)
				r->updated++;
			else
				r->new_items++;
		}
	fflush(stdout);
	free(stored);
	if (j->error)
		feed_failed(r, j->feed_id, j->url, j->error);
	else
		r->fetched++;
	r->empty += j->empty_items;
	r->parse_s += j->parse_s;
	r->tag_s += j->tag_s;
	r->store_s += mono() - t0;
}

static void store_outcome(run_ctx *r, feed_job *j)
{
	tagar_err err = {0, ""};
	if (j->kind == JOB_FAILED) {
		feed_failed(r, j->feed_id, j->url, j->error);
	} else if (j->kind == JOB_NOT_MODIFIED) {
		r->not_modified++;
		if (tagar_archive_feed_ok(r->a, j->feed_id, "304", j->etag, j->last_modified, now_epoch(), &err))
			report_db(r, &err);
	} else {
		store_job(r, j);
	}
}

/* The store thread: every job to the archive, one at a time, until the
 * main thread closes (a signal: the transaction in progress ends, the
 * jobs after it are dropped). */
static void *store_main(void *arg)
{
	run_ctx *r = arg;
	for (;;) {
		feed_job *j = tagger_done(r->t, 100);
		if (!j) {
			if (shared_get(r, &r->closing))
				break;
			continue;
		}
		if (!feeds_stop)
			store_outcome(r, j);
		job_free(j);
		shared_add(r, &r->inflight, -1);
		tagar_fetcher_wakeup(r->f);  /* the window has room */
	}
	return NULL;
}

/* --------------------------------------------------------------- poll */

/* Hands sources to the fetcher while the window has room; a feed in its
 * backoff is skipped (and said so). */
static int fill(run_ctx *r)
{
	long long now = now_epoch();
	while (r->next < r->nsrc && shared_get(r, &r->inflight) < r->window) {
		int i = r->next++;
		tagar_archive_feed *fd = &r->feeds[i];
		if (!r->o->retry_failed && fd->failures > 0 && fd->next_retry > now) {
			fprintf(stderr, "tagar-feeds: %s: skipped: failed %d time(s), next try in %lld s (--retry-failed tries now)\n",
				fd->url, fd->failures, fd->next_retry - now);
			r->skipped++;
			continue;
		}
		if (tagar_fetcher_add(r->f, fd->url, fd->etag, fd->last_modified, (void *)(intptr_t)i))
			return TAGAR_ENOMEM;
		shared_add(r, &r->inflight, 1);
	}
	return 0;
}

static int poll_all(run_ctx *r)
{
	while (!feeds_stop && !shared_get(r, &r->io_error)) {
		if (fill(r))
			return oom(NULL);
		if (shared_get(r, &r->inflight) == 0 && r->next == r->nsrc)
			break;
		if (tagar_fetcher_run(r->f, 100, on_fetched, r) < 0) {
			fprintf(stderr, "tagar-feeds: libcurl failed\n");
			return -1;
		}
	}
	return 0;
}

/* The poll with its store thread, which ends when the poll does. */
static int poll_and_store(run_ctx *r)
{
	pthread_t th;
	if (pthread_create(&th, NULL, store_main, r) != 0) {
		fprintf(stderr, "tagar-feeds: cannot start a thread\n");
		return -1;
	}
	int rc = poll_all(r);
	shared_add(r, &r->closing, 1);
	pthread_join(th, NULL);
	return rc;
}

/* The archive's row of every source (added when new), in one transaction. */
static int load_feeds(run_ctx *r)
{
	tagar_err err = {0, ""};
	r->feeds = calloc((size_t)r->nsrc + 1, sizeof *r->feeds);
	if (!r->feeds)
		return oom(NULL);
	int rc = tagar_archive_begin(r->a, &err);
	for (int i = 0; !rc && i < r->nsrc; i++)
		rc = tagar_archive_feed_get(r->a, r->src[i].url, r->src[i].title, &r->feeds[i], &err);
	if (!rc)
		rc = tagar_archive_commit(r->a, &err);
	if (rc) {
		tagar_archive_rollback(r->a);
		fprintf(stderr, "tagar-feeds: %s\n", err.msg);
	}
	return rc;
}

static void summary(const run_ctx *r, double wall)
{
	if (r->o->quiet)
		return;
	fprintf(stderr,
		"tagar-feeds: %d feed(s): %d fetched, %d not modified, %d failed, %d skipped (backoff); "
		"%ld new item(s), %ld updated, %ld empty; %.2f s (fetch %.2f s summed over transfers, "
		"parse %.2f s, tag %.2f s summed over threads, store %.2f s)\n",
		r->nsrc, r->fetched, r->not_modified, r->failed, r->skipped, r->new_items, r->updated, r->empty, wall,
		r->fetch_s, r->parse_s, r->tag_s, r->store_s);
}

static int threads_wanted(const options *o)
{
	long n = o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

int run_feeds(const options *o, const tagar_model *m, const char *model_id)
{
	double t0 = mono();
	run_ctx r = {.o = o, .model_id = model_id};
	tagar_err err = {0, ""};
	int rc = sources_read(o->sources, o->nsources, &r.src, &r.nsrc, &r.bad_sources);
	if (rc)
		return rc;
	pthread_mutex_init(&r.mu, NULL);
	int threads = threads_wanted(o);
	const tagar_fetch_opts fo = {o->parallel, o->connect_timeout_ms, o->timeout_ms, o->max_bytes, o->max_redirects,
				     "tagar-feeds/" TAGAR_VERSION " (tagar)"};
	r.window = o->parallel + 2 * threads;
	if (tagar_xml_init_threads(&err) || !(r.a = tagar_archive_open(o->db, 0, 0, &err)) || load_feeds(&r) ||
	    !(r.f = tagar_fetcher_new(&fo, &err)) || !(r.t = tagger_new(o, m, threads, &err))) {
		if (err.msg[0])
			fprintf(stderr, "tagar-feeds: %s\n", err.msg);
		rc = EXIT_IO_ERROR;
	} else if (poll_and_store(&r)) {
		rc = EXIT_IO_ERROR;
	}
	tagger_free(&r.t);
	tagar_fetcher_free(&r.f);
	pthread_mutex_destroy(&r.mu);
	if (!rc && !feeds_stop && !r.io_error && o->per_tag_dir && write_per_tag_feeds(r.a, o->per_tag_dir, o->per_tag_items))
		rc = EXIT_IO_ERROR;
	if (r.feeds)
		for (int i = 0; i < r.nsrc; i++)
			tagar_archive_feed_clear(&r.feeds[i]);
	free(r.feeds);
	tagar_archive_close(&r.a);
	sources_free(r.src, r.nsrc);
	summary(&r, mono() - t0);
	if (ferror(stdout)) {
		fprintf(stderr, "tagar-feeds: standard output: %s\n", strerror(errno));
		rc = EXIT_IO_ERROR;
	}
	if (rc || r.io_error)
		return rc ? rc : EXIT_IO_ERROR;
	if (feeds_stop)
		return 128 + feeds_stop;
	return r.failed || r.bad_sources ? EXIT_FEEDS : 0;
}
