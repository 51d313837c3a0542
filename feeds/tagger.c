/* tagger.c - the tagging threads of a run: each has its own classifier
 * (tagar.h: one per thread over the shared model) and its own read-only
 * archive connection, through which tagar_tag_feed's `want` passes over
 * the items the archive holds before they are tagged.  The main thread
 * fetches and stores; jobs come and go through two locked lists. */
#define _GNU_SOURCE  /* open_memstream is POSIX 2008; flockfile */
#include "feeds.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
	tagger *t;
	pthread_t th;
	int started;
	tagar_classifier *cl;
	tagar_archive *a;
} worker;

struct tagger {
	const options *o;
	const tagar_model *m;
	pthread_mutex_t mu;
	pthread_cond_t work, done_cv;
	feed_job *todo, *todo_tail, *done;
	int stopping;
	worker *w;
	int nw;
};

/* One job being tagged: the callbacks' state. */
typedef struct {
	worker *w;
	feed_job *j;
	FILE *out;                /* the records tagar_tag_feed writes */
	char *outbuf;
	size_t outlen;
	long mark;                /* where the next record starts in outbuf */
	char key[64 + 1], hash[17];
	const char *keyp;         /* the item's key: its id, else key[] */
	int changed;
	double t0;
} job_run;

void tagged_item_clear(tagged_item *ti)
{
	free(ti->key);
	free(ti->hash);
	free(ti->rid);
	free(ti->link);
	free(ti->title);
	free(ti->date);
	free(ti->text);
	free(ti->record);
	for (int i = 0; i < ti->ntags; i++)
		free(ti->tags[i]);
	free(ti->tags);
	free(ti->scores);
	*ti = (tagged_item){0};
}

void job_free(feed_job *j)
{
	if (!j)
		return;
	for (int i = 0; i < j->n; i++)
		tagged_item_clear(&j->items[i]);
	free(j->items);
	free(j->url);
	free(j->body);
	free(j->etag);
	free(j->last_modified);
	free(j->error);
	free(j);
}

/* An item's key: its guid, else its link, else a hash of its title and
 * date; its content hash: of title and text. */
static void item_identity(job_run *r, const tagar_feed_item *it)
{
	tagar_buf b = {0};
	if (!tagar_buf_append(&b, it->title, strlen(it->title)) && !tagar_buf_append(&b, "\n", 1) &&
	    !tagar_buf_append(&b, it->text, strlen(it->text)))
		snprintf(r->hash, sizeof r->hash, "%016llx", (unsigned long long)tagar_hash(b.p, b.len));
	else
		snprintf(r->hash, sizeof r->hash, "0000000000000000");
	r->keyp = it->id;
	if (!r->keyp) {
		b.len = 0;
		if (!tagar_buf_append(&b, it->title, strlen(it->title)) && !tagar_buf_append(&b, "\n", 1) &&
		    !tagar_buf_append(&b, it->date, strlen(it->date)))
			snprintf(r->key, sizeof r->key, "hash:%016llx", (unsigned long long)tagar_hash(b.p, b.len));
		r->keyp = r->key;
	}
	tagar_buf_free(&b);
}

/* tagar_tag_feed's want: new items, and with --update-changed items whose
 * content changed.  An archive that cannot be read counts the item new:
 * the store's UNIQUE key keeps it from being stored twice. */
static int want(const tagar_feed_item *it, void *ud)
{
	job_run *r = ud;
	char stored[17];
	item_identity(r, it);
	int known = tagar_archive_item_hash(r->w->a, r->j->feed_id, r->keyp, stored, NULL);
	r->changed = known == 1 && strcmp(stored, r->hash) != 0;
	r->t0 = mono();
	return known != 1 || (r->w->t->o->update_changed && r->changed);
}

static char *dup0(const char *s)
{
	return strdup(s ? s : "");
}

static int keep_item(job_run *r, const tagar_feed_item *it, const tagar_tag_score *s)
{
	feed_job *j = r->j;
	if (j->n == j->cap) {
		int cap = j->cap ? 2 * j->cap : 16;
		tagged_item *v = realloc(j->items, (size_t)cap * sizeof *v);
		if (!v)
			return -1;
		j->items = v;
		j->cap = cap;
	}
	fflush(r->out);
	long end = (long)r->outlen;
	size_t len = (size_t)(end - r->mark);
	while (len && r->outbuf[r->mark + (long)len - 1] == '\n')
		len--;
	tagged_item ti = {dup0(r->keyp), dup0(r->hash), it->id ? dup0(it->id) : NULL, dup0(it->link),
			  dup0(it->title), dup0(it->date), dup0(it->text), strndup(r->outbuf + r->mark, len),
			  tagar_feed_date(it->date), 0, NULL, NULL, r->changed};
	r->mark = end;
	if (ti.published < 0)
		ti.published = j->fetched_at;
	int rc = !ti.key || !ti.hash || !ti.link || !ti.title || !ti.date || !ti.text || !ti.record ||
		 item_tags(r->w->cl, s, &r->w->t->o->choice, &ti);
	if (rc) {
		tagged_item_clear(&ti);
		return -1;
	}
	j->items[j->n++] = ti;
	return 0;
}

/* tagar_tag_feed's done: an item's record kept with its tags; an empty
 * item reported; the feed's own failure kept for the main thread. */
static void done(const tagar_feed_item *it, const tagar_tag_score *s, const char *error, void *ud)
{
	job_run *r = ud;
	if (it && s) {
		r->j->tag_s += mono() - r->t0;
		if (keep_item(r, it, s) && !r->j->error)
			r->j->error = strdup("out of memory");
		return;
	}
	fflush(r->out);
	r->mark = (long)r->outlen;  /* error records are not kept */
	if (!it) {
		free(r->j->error);
		r->j->error = strdup(error);
	} else {
		r->j->empty_items++;
		flockfile(stderr);
		fprintf(stderr, "tagar-feeds: %s:%ld: %s; skipped\n", r->j->url, it->line, error);
		funlockfile(stderr);
	}
}

/* A feed that says (or is taken to be) UTF-8 with invalid bytes in it:
 * the bytes replaced by U+FFFD, as tagar-classify does, so one stray
 * Windows-1252 quote does not cost the feed; said on stderr. */
static void repair_utf8(feed_job *j)
{
	size_t bom, len;
	long bad;
	if (tagar_wide_encoding(j->body, j->len, &bom) || tagar_xml_other_encoding(j->body, j->len) ||
	    tagar_utf8_invalid(j->body, j->len) < 0)
		return;
	char *fixed = tagar_utf8_repair(j->body, j->len, &len, &bad);
	if (!fixed)
		return;  /* out of memory: libxml2 will refuse the feed, and say so */
	free(j->body);
	j->body = fixed;
	j->len = len;
	flockfile(stderr);
	fprintf(stderr, "tagar-feeds: %s: warning: %ld invalid UTF-8 byte(s) replaced by U+FFFD\n", j->url, bad);
	funlockfile(stderr);
}

static void tag_job(worker *w, feed_job *j)
{
	double t0 = mono();
	repair_utf8(j);
	job_run r = {.w = w, .j = j};
	r.out = open_memstream(&r.outbuf, &r.outlen);
	if (!r.out) {
		j->error = strdup("out of memory");
		return;
	}
	const char *extra[] = {"feed", j->url, NULL};
	const tagar_feedtag_opts fo = {.json = {.choice = w->t->o->choice}, .name = j->url, .ud = &r,
				       .want = want, .done = done, .extra = extra};
	tagar_err err = {0, ""};
	int rc = tagar_tag_feed(w->cl, j->body, j->len, r.out, &fo, &err);
	if (rc == TAGAR_EIO && !j->error)
		j->error = strdup(err.msg[0] ? err.msg : "libxml2 cannot be opened");
	fclose(r.out);
	free(r.outbuf);
	free(j->body);
	j->body = NULL;
	j->parse_s += mono() - t0 - j->tag_s;
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	tagger *t = w->t;
	pthread_mutex_lock(&t->mu);
	for (;;) {
		while (!t->todo && !t->stopping)
			pthread_cond_wait(&t->work, &t->mu);
		if (t->stopping)
			break;
		feed_job *j = t->todo;
		t->todo = j->next;
		if (!t->todo)
			t->todo_tail = NULL;
		pthread_mutex_unlock(&t->mu);
		tag_job(w, j);
		pthread_mutex_lock(&t->mu);
		j->next = t->done;
		t->done = j;
		pthread_cond_signal(&t->done_cv);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

tagger *tagger_new(const options *o, const tagar_model *m, int threads, tagar_err *err)
{
	tagger *t = calloc(1, sizeof *t);
	if (!t || !(t->w = calloc((size_t)threads, sizeof *t->w))) {
		free(t);
		*err = (tagar_err){TAGAR_ENOMEM, "out of memory"};
		return NULL;
	}
	t->o = o;
	t->m = m;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->work, NULL);
	pthread_cond_init(&t->done_cv, NULL);
	for (int i = 0; i < threads; i++) {
		worker *w = &t->w[i];
		w->t = t;
		t->nw = i + 1;  /* freed by tagger_free, started or not */
		if (!(w->cl = tagar_classifier_new(m, err)) || !(w->a = tagar_archive_open(o->db, 1, 0, err))) {
			tagger_free(&t);
			return NULL;
		}
		if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
			*err = (tagar_err){TAGAR_ENOMEM, "cannot start a thread"};
			tagger_free(&t);
			return NULL;
		}
		w->started = 1;
	}
	return t;
}

void tagger_pass(tagger *t, feed_job *j)
{
	pthread_mutex_lock(&t->mu);
	j->next = t->done;
	t->done = j;
	pthread_cond_signal(&t->done_cv);
	pthread_mutex_unlock(&t->mu);
}

void tagger_submit(tagger *t, feed_job *j)
{
	pthread_mutex_lock(&t->mu);
	j->next = NULL;
	if (t->todo_tail)
		t->todo_tail->next = j;
	else
		t->todo = j;
	t->todo_tail = j;
	pthread_cond_signal(&t->work);
	pthread_mutex_unlock(&t->mu);
}

feed_job *tagger_done(tagger *t, int wait_ms)
{
	pthread_mutex_lock(&t->mu);
	if (!t->done && wait_ms > 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += wait_ms / 1000;
		ts.tv_nsec += (wait_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&t->done_cv, &t->mu, &ts);
	}
	feed_job *j = t->done;
	if (j)
		t->done = j->next;
	pthread_mutex_unlock(&t->mu);
	return j;
}

static void free_list(feed_job *j)
{
	while (j) {
		feed_job *next = j->next;
		job_free(j);
		j = next;
	}
}

void tagger_free(tagger **tp)
{
	if (!tp || !*tp)
		return;
	tagger *t = *tp;
	pthread_mutex_lock(&t->mu);
	t->stopping = 1;
	pthread_cond_broadcast(&t->work);
	pthread_mutex_unlock(&t->mu);
	for (int i = 0; i < t->nw; i++) {
		if (t->w[i].started)
			pthread_join(t->w[i].th, NULL);
		tagar_classifier_free(&t->w[i].cl);
		tagar_archive_close(&t->w[i].a);
	}
	free_list(t->todo);
	free_list(t->done);
	pthread_cond_destroy(&t->work);
	pthread_cond_destroy(&t->done_cv);
	pthread_mutex_destroy(&t->mu);
	free(t->w);
	free(t);
	*tp = NULL;
}
