/* feeds.h - tagar-feeds: feed lists in, new items fetched, tagged, stored
 * in the SQLite archive and written as JSON Lines; the archive queried
 * and retagged; per-tag RSS feeds.  The fetching, the archive and the
 * readers are the library's (tagar.h: fetching, the archive, feed lists,
 * tagar_tag_feed); this program wires them together. */
#ifndef TAGAR_FEEDS_H
#define TAGAR_FEEDS_H

#include "tagar.h"

#include <signal.h>
#include <stdatomic.h>

/* Exit statuses (as tagar-classify's, and interrupted as a shell says). */
enum { EXIT_FEEDS = 1, EXIT_USAGE = 2, EXIT_IO_ERROR = 3 };

typedef struct {
	const char *db, *model_path, *per_tag_dir;
	char **sources;
	int nsources;
	int parallel;            /* transfers at once */
	int threads;             /* tagging threads; 0: one per online CPU */
	int update_changed;
	int retry_failed;        /* ignore the backoff */
	int per_tag_items;
	int quiet;
	long timeout_ms, connect_timeout_ms, max_redirects;
	size_t max_bytes;
	long backoff_base, backoff_cap;  /* seconds */
	tagar_choice choice;
	/* query */
	const char *tag, *feed, *search, *since;
	long limit;
} options;

/* Set by SIGINT / SIGTERM (the signal's number): the run stops after the
 * current transaction.  Read by the store thread too, so an atomic (lock
 * free, hence usable in a signal handler), not a volatile sig_atomic_t. */
extern atomic_int feeds_stop;

/* One feed to fetch. */
typedef struct {
	char *url, *title;
} feed_src;

/* sources.c: the feeds SOURCES name, each URL once, in the order first
 * named.  Bad entries are reported (FILE:LINE: reason) and skipped;
 * *bad counts them.  0, or EXIT_IO_ERROR / EXIT_USAGE after a message. */
int sources_read(char **args, int n, feed_src **out, int *count, int *bad);
void sources_free(feed_src *s, int n);

/* run.c: the poll: EXIT_* or 128 + signal. */
int run_feeds(const options *o, const tagar_model *m, const char *model_id);

/* tagger.c: tagging threads over a shared model; see the file. */
typedef struct tagger tagger;

/* One tagged item, as it goes to the archive and standard output. */
typedef struct {
	char *key, *hash, *rid, *link, *title, *date, *text, *record;
	long long published;
	int ntags;
	char **tags;
	double *scores;
	int changed;             /* known, its content changed (--update-changed) */
} tagged_item;

/* One feed's body handed to a tagging thread and back. */
enum { JOB_TAGGED, JOB_FAILED, JOB_NOT_MODIFIED };

typedef struct feed_job {
	struct feed_job *next;
	int kind;                /* JOB_*: tagged, or an outcome for the store to record */
	long long feed_id;
	char *url;
	char *body;
	size_t len;
	char *etag, *last_modified;
	long status;
	long long fetched_at;
	/* results */
	tagged_item *items;
	int n, cap;
	char *error;             /* the feed could not be fetched or read (further) */
	int empty_items;         /* items reported as empty */
	double parse_s, tag_s;   /* thread time spent */
} feed_job;

void job_free(feed_job *j);
tagger *tagger_new(const options *o, const tagar_model *m, int threads, tagar_err *err);
/* Hands j over; it comes back from tagger_done. */
void tagger_submit(tagger *t, feed_job *j);
/* A finished job, or NULL when none is (waits up to wait_ms). */
feed_job *tagger_done(tagger *t, int wait_ms);
/* Hands j straight to tagger_done, untagged (a failed or unmodified feed,
 * for the thread that stores). */
void tagger_pass(tagger *t, feed_job *j);
/* Stops the threads (jobs not started are dropped) and frees. */
void tagger_free(tagger **t);

/* record.c: the record and chosen tags of one item (shared with retag). */
int item_tags(tagar_classifier *cl, const tagar_tag_score *s, const tagar_choice *rule, tagged_item *ti);
/* The record tagar_tag_feed writes, as retag rewrites it. */
char *item_record(tagar_classifier *cl, const tagar_tag_score *s, const tagar_json_opts *jo, const char *rid,
		  const char *link, const char *date, const char *feed_url);
void tagged_item_clear(tagged_item *ti);

/* query.c */
int run_query(const options *o);
int run_retag(const options *o, const tagar_model *m, const char *model_id);

/* pertag.c: DIR/TAG.xml for every tag of the archive; 0 or EXIT_IO_ERROR. */
int write_per_tag_feeds(tagar_archive *a, const char *dir, int n);

/* now as epoch seconds; a monotonic clock in seconds */
long long now_epoch(void);
double mono(void);

#endif
