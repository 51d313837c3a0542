/* query.c - the archive read back (`query`: JSON records, newest first)
 * and retagged with another model (`retag`: in batches, each batch tagged
 * on all cores and stored in one transaction). */
#include "feeds.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --since: a date (2026-01-31, RFC 822, ISO 8601) or an age: 7d, 24h, 30m. */
static int since_epoch(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (!errno && end != s && n >= 0 && end[0] && !end[1] && strchr("dhm", end[0])) {
		*out = now_epoch() - n * (end[0] == 'd' ? 86400 : end[0] == 'h' ? 3600 : 60);
		return 0;
	}
	*out = tagar_feed_date(s);
	return *out < 0 ? -1 : 0;
}

static int print_record(const char *record, void *ud)
{
	(void)ud;
	return puts(record) < 0 ? EXIT_IO_ERROR : 0;
}

int run_query(const options *o)
{
	tagar_archive_query q = {o->tag, o->feed, o->search, -1, o->limit};
	if (o->since && since_epoch(o->since, &q.since)) {
		fprintf(stderr, "tagar-feeds: --since: '%s' is neither a date (2026-01-31, RFC 822, ISO 8601) nor an age (7d, 24h, 30m)\n",
			o->since);
		return EXIT_USAGE;
	}
	tagar_err err = {0, ""};
	tagar_archive *a = tagar_archive_open(o->db, 1, 0, &err);
	int rc = a ? tagar_archive_select(a, &q, print_record, NULL, &err) : TAGAR_EIO;
	if (rc && err.msg[0])
		fprintf(stderr, "tagar-feeds: %s\n", err.msg);
	tagar_archive_close(&a);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "tagar-feeds: standard output: %s\n", strerror(errno));
		rc = EXIT_IO_ERROR;
	}
	return rc ? EXIT_IO_ERROR : 0;
}

/* --------------------------------------------------------------- retag */

#define BATCH 512

typedef struct {
	long long id;
	char *rid, *feed, *link, *title, *date, *text;
	tagged_item ti;           /* record and tags */
	const char *error;
} retag_item;

typedef struct {
	const options *o;
	const tagar_model *m;
	retag_item *v;
	int n;
	int stride, first;
	const char *error;        /* a thread's own failure */
} retag_batch;

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int collect(const tagar_archive_stored *it, void *ud)
{
	retag_batch *b = ud;
	retag_item *r = &b->v[b->n];
	*r = (retag_item){it->id, dup_or_null(it->rid), strdup(it->feed_url), strdup(it->link), strdup(it->title),
			  strdup(it->date), strdup(it->text), {0}, NULL};
	b->n++;
	return !r->feed || !r->link || !r->title || !r->date || !r->text || (it->rid && !r->rid) ? TAGAR_ENOMEM : 0;
}

static void retag_one(tagar_classifier *cl, const options *o, retag_item *r)
{
	const tagar_tag_score *s = tagar_classify(cl, r->title, strlen(r->title), r->text, strlen(r->text));
	const tagar_json_opts jo = {.choice = o->choice};
	if (!s)
		r->error = "cannot be tagged";
	else if (!(r->ti.record = item_record(cl, s, &jo, r->rid, r->link, r->date, r->feed)) ||
		 item_tags(cl, s, &o->choice, &r->ti))
		r->error = "out of memory";
}

static void *retag_thread(void *arg)
{
	retag_batch *b = arg;
	tagar_classifier *cl = tagar_classifier_new(b->m, NULL);
	if (!cl) {
		b->error = "out of memory";
		return NULL;
	}
	for (int i = b->first; i < b->n; i += b->stride)
		retag_one(cl, b->o, &b->v[i]);
	tagar_classifier_free(&cl);
	return NULL;
}

/* Tags the batch on `threads` threads (the batch's items in turn). */
static int tag_batch(retag_batch *b, int threads)
{
	pthread_t th[256];
	retag_batch part[256];
	int started = 0, rc = 0;
	for (int t = 0; t < threads; t++) {
		part[t] = *b;
		part[t].first = t;
		part[t].stride = threads;
		if (pthread_create(&th[t], NULL, retag_thread, &part[t]) != 0)
			break;
		started++;
	}
	for (int t = 0; t < started; t++) {
		pthread_join(th[t], NULL);
		if (part[t].error)
			rc = -1;
	}
	return started == threads ? rc : -1;
}

static void batch_clear(retag_batch *b)
{
	for (int i = 0; i < b->n; i++) {
		retag_item *r = &b->v[i];
		free(r->rid);
		free(r->feed);
		free(r->link);
		free(r->title);
		free(r->date);
		free(r->text);
		tagged_item_clear(&r->ti);
	}
	b->n = 0;
}

static int store_batch(tagar_archive *a, const retag_batch *b, const char *model_id, long *done, tagar_err *err)
{
	int rc = tagar_archive_begin(a, err);
	for (int i = 0; !rc && i < b->n; i++) {
		const retag_item *r = &b->v[i];
		if (r->error) {
			fprintf(stderr, "tagar-feeds: item %lld (%s): %s; left as it was\n", r->id, r->link, r->error);
			continue;
		}
		rc = tagar_archive_retagged(a, r->id, r->ti.record, model_id, now_epoch(), r->ti.ntags,
					    (const char *const *)r->ti.tags, r->ti.scores, err);
		*done += !rc;
	}
	if (!rc)
		rc = tagar_archive_commit(a, err);
	if (rc)
		tagar_archive_rollback(a);
	return rc;
}

int run_retag(const options *o, const tagar_model *m, const char *model_id)
{
	double t0 = mono();
	long threads = o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
	threads = threads < 1 ? 1 : threads > 256 ? 256 : threads;
	tagar_err err = {0, ""};
	tagar_archive *a = tagar_archive_open(o->db, 0, 0, &err);
	retag_batch b = {o, m, calloc(BATCH, sizeof(retag_item)), 0, 1, 0, NULL};
	long long after = 0;
	long done = 0;
	int rc = a && b.v ? 0 : a ? TAGAR_ENOMEM : TAGAR_EIO;
	while (!rc && !feeds_stop) {
		rc = tagar_archive_each(a, after, BATCH, collect, &b, &err);
		if (rc || b.n == 0)
			break;
		after = b.v[b.n - 1].id;
		if (tag_batch(&b, (int)threads))
			rc = (err = (tagar_err){TAGAR_ENOMEM, "out of memory while retagging"}).code;
		else
			rc = store_batch(a, &b, model_id, &done, &err);
		batch_clear(&b);
	}
	batch_clear(&b);
	free(b.v);
	if (rc)
		fprintf(stderr, "tagar-feeds: %s\n", err.msg[0] ? err.msg : tagar_errmsg(rc));
	tagar_archive_close(&a);
	if (!o->quiet)
		fprintf(stderr, "tagar-feeds: %ld item(s) retagged with %s in %.2f s on %ld thread(s)\n", done, model_id,
			mono() - t0, threads);
	return rc ? EXIT_IO_ERROR : feeds_stop ? 128 + feeds_stop : 0;
}
