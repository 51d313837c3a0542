/*
 * tagar_archive.h - tagar-feeds' archive: one SQLite file holding the feeds
 * (URL, title, validators, last status and error, backoff) and their
 * tagged items (text, tags with scores, the JSON record, model, time).
 * Part of libtagar's public interface beside tagar.h, whose conventions
 * hold here too; messages name the archive file and SQLite's reason.
 *
 * The file is in WAL mode with a busy timeout: a second process waits for
 * the first's write transaction, then gives up with a clear error.  The
 * schema's version is PRAGMA user_version; a newer file is refused.  An
 * archive handle belongs to one thread at a time; several threads (and
 * processes) each open their own.
 */
#ifndef TAGAR_ARCHIVE_H
#define TAGAR_ARCHIVE_H

#include "tagar.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TAGAR_ARCHIVE_VERSION 1

typedef struct tagar_archive tagar_archive;

/* Opens (creating it and its schema unless readonly) the archive at path.
 * busy_ms: how long to wait for another process's lock (0: 10 s).  NULL
 * with err filled on failure. */
tagar_archive *tagar_archive_open(const char *path, int readonly, int busy_ms, tagar_err *err);
void tagar_archive_close(tagar_archive **a);
/* Whether --search uses SQLite FTS5 (else a LIKE scan). */
int tagar_archive_has_fts(const tagar_archive *a);

/* A feed's row; strings malloc'ed, released by tagar_archive_feed_clear. */
typedef struct {
	long long id;
	char *url, *title, *etag, *last_modified;
	int failures;              /* failed fetches in a row */
	long long next_retry;      /* not fetched again before (epoch seconds) */
} tagar_archive_feed;

void tagar_archive_feed_clear(tagar_archive_feed *f);
/* The feed with url, added when new (title may be NULL; a non-empty title
 * replaces the stored one). */
int tagar_archive_feed_get(tagar_archive *a, const char *url, const char *title, tagar_archive_feed *f,
			   tagar_err *err);
/* A fetch that worked: status ("200", "304", "file"), the new validators
 * (NULL: none), failures back to 0. */
int tagar_archive_feed_ok(tagar_archive *a, long long feed, const char *status, const char *etag,
			  const char *last_modified, long long now, tagar_err *err);
/* A fetch that failed: the reason stored, failures + 1, and the next retry
 * at now + min(base * 2^(failures - 1), cap) seconds. */
int tagar_archive_feed_failed(tagar_archive *a, long long feed, const char *reason, long long now, long base,
			      long cap, tagar_err *err);

/* Whether the feed holds an item with key: 1 (and its content hash in
 * hash, 17 bytes), 0 no, or a negative tagar_status. */
int tagar_archive_item_hash(tagar_archive *a, long long feed, const char *key, char hash[17], tagar_err *err);

/* One transaction (a feed's new items): nothing of it is stored unless
 * committed, and a crash leaves what was committed before. */
int tagar_archive_begin(tagar_archive *a, tagar_err *err);
int tagar_archive_commit(tagar_archive *a, tagar_err *err);
void tagar_archive_rollback(tagar_archive *a);

/* One tagged item. */
typedef struct {
	const char *key;           /* guid, else link, else a hash of title and date */
	const char *hash;          /* of title and text: a changed item is told by it */
	const char *rid;           /* the record's id (NULL: none) */
	const char *link, *title, *date, *text;
	long long published;       /* epoch seconds (the date, else when fetched) */
	const char *record;        /* the JSON record line, without its newline */
	const char *model;
	long long tagged_at;
	int ntags;
	const char *const *tags;
	const double *scores;
} tagar_archive_item;

/* Stores it: 1 stored, 0 when the feed already holds its key (replace 0),
 * or a negative status.  replace 1 updates the stored item in place (its
 * tags too). */
int tagar_archive_put(tagar_archive *a, long long feed, const tagar_archive_item *it, int replace,
		      tagar_err *err);

/* query: JSON records, newest first (published, then id). */
typedef struct {
	const char *tag;           /* NULL: any */
	const char *feed;          /* feed URL; NULL: any */
	const char *search;        /* FTS5 query (else words matched with LIKE); NULL: any */
	long long since;           /* published at or after; < 0: any */
	long limit;                /* 0: all */
} tagar_archive_query;

/* fn gets each record (a line without its newline); a non-zero return
 * stops and is returned. */
int tagar_archive_select(tagar_archive *a, const tagar_archive_query *q, int (*fn)(const char *record, void *ud),
			 void *ud, tagar_err *err);

/* retag: items in id order after `after`, up to limit, each handed to fn
 * (strings valid during the call). */
typedef struct {
	long long id;
	const char *rid, *feed_url, *link, *title, *date, *text;
} tagar_archive_stored;
int tagar_archive_each(tagar_archive *a, long long after, int limit,
		       int (*fn)(const tagar_archive_stored *it, void *ud), void *ud, tagar_err *err);
/* The item id's new record, tags and model. */
int tagar_archive_retagged(tagar_archive *a, long long id, const char *record, const char *model, long long now,
			   int ntags, const char *const *tags, const double *scores, tagar_err *err);

/* Per-tag feeds: every tag any item holds, in byte order, then a tag's
 * latest items. */
int tagar_archive_tags(tagar_archive *a, int (*fn)(const char *tag, void *ud), void *ud, tagar_err *err);
typedef struct {
	const char *link, *title, *rid, *feed_url, *feed_title;
	long long published;
	double score;
} tagar_archive_latest_item;
int tagar_archive_latest(tagar_archive *a, const char *tag, int n,
			 int (*fn)(const tagar_archive_latest_item *it, void *ud), void *ud, tagar_err *err);

/* Counts for the summary: feeds and items stored. */
int tagar_archive_counts(tagar_archive *a, long long *feeds, long long *items, tagar_err *err);

#ifdef __cplusplus
}
#endif

#endif
