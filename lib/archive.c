/* archive.c - tagar-feeds' SQLite archive (see tagar.h, "archive").
 *
 * Items are known by (feed, key), a UNIQUE constraint: an item is stored
 * once however often a run is killed and rerun, as each feed's new items
 * go in one transaction.  Tags are rows of item_tags (tag, score), indexed
 * by tag for `query --tag` and the per-tag feeds.  The full text is
 * indexed by an FTS5 table kept in step by triggers, when SQLite has FTS5. */
#include "internal.h"
#include "tagar.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* The statements a run executes once per item, prepared once per handle
 * (preparing one costs more than inserting a row). */
enum { ST_ITEM_HASH, ST_PUT_NEW, ST_PUT_REPLACE, ST_TAGS_DELETE, ST_TAGS_INSERT, ST_COUNT };

struct tagar_archive {
	sqlite3 *db;
	char *path;
	int fts;
	sqlite3_stmt *st[ST_COUNT];
};

static const char SCHEMA[] =
	"CREATE TABLE IF NOT EXISTS feeds(id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, title TEXT,"
	" etag TEXT, last_modified TEXT, status TEXT, error TEXT, last_fetched INTEGER, last_ok INTEGER,"
	" failures INTEGER NOT NULL DEFAULT 0, next_retry INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS items(id INTEGER PRIMARY KEY, feed INTEGER NOT NULL REFERENCES feeds(id),"
	" key TEXT NOT NULL, hash TEXT NOT NULL, rid TEXT, link TEXT, title TEXT, date TEXT, published INTEGER,"
	" text TEXT, record TEXT, model TEXT, tagged_at INTEGER, UNIQUE(feed, key));"
	"CREATE INDEX IF NOT EXISTS items_published ON items(published DESC, id DESC);"
	"CREATE TABLE IF NOT EXISTS item_tags(item INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
	" tag TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY(item, tag)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS item_tags_tag ON item_tags(tag, item);";

static const char FTS_SCHEMA[] =
	"CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(title, text, content='items', content_rowid='id');"
	"CREATE TRIGGER IF NOT EXISTS items_fts_ins AFTER INSERT ON items BEGIN"
	" INSERT INTO items_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END;"
	"CREATE TRIGGER IF NOT EXISTS items_fts_del AFTER DELETE ON items BEGIN"
	" INSERT INTO items_fts(items_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END;"
	"CREATE TRIGGER IF NOT EXISTS items_fts_upd AFTER UPDATE OF title, text ON items BEGIN"
	" INSERT INTO items_fts(items_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);"
	" INSERT INTO items_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END;";

static int db_fail(tagar_archive *a, tagar_err *err, const char *what)
{
	int busy = sqlite3_errcode(a->db) == SQLITE_BUSY || sqlite3_errcode(a->db) == SQLITE_LOCKED;
	return tagar_fail(err, TAGAR_EIO, "%.200s: %s: %s%s", a->path, what, sqlite3_errmsg(a->db),
			  busy ? " (another tagar-feeds holds the archive; try again later)" : "");
}

static int exec(tagar_archive *a, const char *sql, tagar_err *err)
{
	return sqlite3_exec(a->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : db_fail(a, err, "cannot update");
}

static sqlite3_stmt *prepare(tagar_archive *a, const char *sql, tagar_err *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK)
		db_fail(a, err, "cannot prepare a statement");
	return st;
}

/* The cached statement i, reset and unbound, prepared on first use. */
static sqlite3_stmt *cached(tagar_archive *a, int i, const char *sql, tagar_err *err)
{
	if (!a->st[i])
		return a->st[i] = prepare(a, sql, err);
	sqlite3_reset(a->st[i]);
	sqlite3_clear_bindings(a->st[i]);
	return a->st[i];
}

static int user_version(tagar_archive *a, int *v, tagar_err *err)
{
	sqlite3_stmt *st = prepare(a, "PRAGMA user_version", err);
	if (!st)
		return TAGAR_EIO;
	int rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(a, err, "cannot read the schema version");
}

/* Creates the schema in a new file; refuses a file of a newer version. */
static int setup_schema(tagar_archive *a, int readonly, tagar_err *err)
{
	int v;
	if (user_version(a, &v, err))
		return TAGAR_EIO;
	if (v > TAGAR_ARCHIVE_VERSION)
		return tagar_fail(err, TAGAR_EFORMAT, "%.200s: archive schema version %d, newer than this tagar-feeds (%d)",
				  a->path, v, TAGAR_ARCHIVE_VERSION);
	a->fts = sqlite3_compileoption_used("ENABLE_FTS5");
	if (readonly) {
		if (v == 0)
			return tagar_fail(err, TAGAR_EFORMAT, "%.200s: not a tagar-feeds archive", a->path);
		sqlite3_stmt *st = prepare(a, "SELECT 1 FROM sqlite_master WHERE name = 'items_fts'", err);
		a->fts = st && sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		return 0;
	}
	if (v == TAGAR_ARCHIVE_VERSION)
		return 0;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d;", TAGAR_ARCHIVE_VERSION);
	int rc = exec(a, "BEGIN IMMEDIATE", err);
	if (!rc && !(rc = exec(a, SCHEMA, err)) && a->fts)
		rc = exec(a, FTS_SCHEMA, err);
	if (!rc)
		rc = exec(a, sql, err);
	if (!rc)
		rc = exec(a, "COMMIT", err);
	if (rc)
		sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

tagar_archive *tagar_archive_open(const char *path, int readonly, int busy_ms, tagar_err *err)
{
	tagar_archive *a = calloc(1, sizeof *a);
	if (!a || !(a->path = strdup(path))) {
		free(a);
		tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		return NULL;
	}
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(path, &a->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		tagar_fail(err, TAGAR_EIO, "%.200s: cannot open the archive: %s", path,
			   a->db ? sqlite3_errmsg(a->db) : sqlite3_errstr(rc));
		tagar_archive_close(&a);
		return NULL;
	}
	sqlite3_busy_timeout(a->db, busy_ms > 0 ? busy_ms : 10000);
	if ((!readonly && (exec(a, "PRAGMA journal_mode = WAL", err) || exec(a, "PRAGMA synchronous = NORMAL", err))) ||
	    exec(a, "PRAGMA foreign_keys = ON", err) || setup_schema(a, readonly, err))
		tagar_archive_close(&a);
	return a;
}

void tagar_archive_close(tagar_archive **ap)
{
	if (!ap || !*ap)
		return;
	tagar_archive *a = *ap;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(a->st[i]);
	sqlite3_close_v2(a->db);
	free(a->path);
	free(a);
	*ap = NULL;
}

int tagar_archive_has_fts(const tagar_archive *a)
{
	return a->fts;
}

/* ---------------------------------------------------------------- feeds */

static char *column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? strdup((const char *)s) : NULL;
}

void tagar_archive_feed_clear(tagar_archive_feed *f)
{
	if (!f)
		return;
	free(f->url);
	free(f->title);
	free(f->etag);
	free(f->last_modified);
	*f = (tagar_archive_feed){0};
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

/* Runs a statement that returns no rows, then finalizes it. */
static int run(tagar_archive *a, sqlite3_stmt *st, const char *what, tagar_err *err)
{
	if (!st)
		return TAGAR_EIO;
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(a, err, what);
	sqlite3_finalize(st);
	return rc;
}

int tagar_archive_feed_get(tagar_archive *a, const char *url, const char *title, tagar_archive_feed *f,
			   tagar_err *err)
{
	*f = (tagar_archive_feed){0};
	sqlite3_stmt *st = prepare(a,
				   "INSERT INTO feeds(url, title) VALUES (?1, NULLIF(?2, '')) ON CONFLICT(url) DO UPDATE"
				   " SET title = coalesce(NULLIF(?2, ''), title)",
				   err);
	if (st) {
		bind_text(st, 1, url);
		bind_text(st, 2, title);
	}
	if (run(a, st, "cannot add a feed", err))
		return TAGAR_EIO;
	st = prepare(a, "SELECT id, url, title, etag, last_modified, failures, next_retry FROM feeds WHERE url = ?", err);
	if (!st)
		return TAGAR_EIO;
	bind_text(st, 1, url);
	int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : db_fail(a, err, "cannot read a feed");
	if (!rc) {
		*f = (tagar_archive_feed){sqlite3_column_int64(st, 0), column_dup(st, 1), column_dup(st, 2),
					  column_dup(st, 3), column_dup(st, 4), sqlite3_column_int(st, 5),
					  sqlite3_column_int64(st, 6)};
		if (!f->url)
			rc = tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	}
	sqlite3_finalize(st);
	return rc;
}

int tagar_archive_feed_ok(tagar_archive *a, long long feed, const char *status, const char *etag,
			  const char *last_modified, long long now, tagar_err *err)
{
	sqlite3_stmt *st = prepare(a,
				   "UPDATE feeds SET status = ?2, error = NULL, etag = ?3, last_modified = ?4,"
				   " last_fetched = ?5, last_ok = ?5, failures = 0, next_retry = 0 WHERE id = ?1",
				   err);
	if (st) {
		sqlite3_bind_int64(st, 1, feed);
		bind_text(st, 2, status);
		bind_text(st, 3, etag);
		bind_text(st, 4, last_modified);
		sqlite3_bind_int64(st, 5, now);
	}
	return run(a, st, "cannot record a fetch", err);
}

int tagar_archive_feed_failed(tagar_archive *a, long long feed, const char *reason, long long now, long base,
			      long cap, tagar_err *err)
{
	/* base * 2^(failures - 1), capped; the shift is bounded so it never overflows */
	sqlite3_stmt *st = prepare(a,
				   "UPDATE feeds SET status = 'failed', error = ?2, last_fetched = ?3,"
				   " failures = failures + 1,"
				   " next_retry = ?3 + min(?5, ?4 * (1 << min(failures, 30))) WHERE id = ?1",
				   err);
	if (st) {
		sqlite3_bind_int64(st, 1, feed);
		bind_text(st, 2, reason);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, base);
		sqlite3_bind_int64(st, 5, cap);
	}
	return run(a, st, "cannot record a failure", err);
}

/* ---------------------------------------------------------------- items */

int tagar_archive_item_hash(tagar_archive *a, long long feed, const char *key, char hash[17], tagar_err *err)
{
	sqlite3_stmt *st = cached(a, ST_ITEM_HASH, "SELECT hash FROM items WHERE feed = ? AND key = ?", err);
	if (!st)
		return TAGAR_EIO;
	sqlite3_bind_int64(st, 1, feed);
	bind_text(st, 2, key);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *h = sqlite3_column_text(st, 0);
		snprintf(hash, 17, "%s", h ? (const char *)h : "");
		rc = 1;
	} else {
		rc = rc == SQLITE_DONE ? 0 : db_fail(a, err, "cannot look up an item");
	}
	sqlite3_reset(st);  /* no read transaction left open */
	return rc;
}

int tagar_archive_begin(tagar_archive *a, tagar_err *err)
{
	return exec(a, "BEGIN IMMEDIATE", err);
}

int tagar_archive_commit(tagar_archive *a, tagar_err *err)
{
	return exec(a, "COMMIT", err);
}

void tagar_archive_rollback(tagar_archive *a)
{
	if (!sqlite3_get_autocommit(a->db))
		sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The item's tags: the old ones deleted first when it had some (replace). */
static int put_tags(tagar_archive *a, long long item, int n, const char *const *tags, const double *scores,
		    int replace, tagar_err *err)
{
	sqlite3_stmt *del = replace ? cached(a, ST_TAGS_DELETE, "DELETE FROM item_tags WHERE item = ?", err) : NULL;
	if (replace && !del)
		return TAGAR_EIO;
	if (del) {
		sqlite3_bind_int64(del, 1, item);
		if (sqlite3_step(del) != SQLITE_DONE)
			return db_fail(a, err, "cannot replace tags");
	}
	sqlite3_stmt *st = cached(a, ST_TAGS_INSERT, "INSERT OR REPLACE INTO item_tags(item, tag, score) VALUES (?, ?, ?)",
				  err);
	int rc = st ? 0 : TAGAR_EIO;
	for (int i = 0; !rc && i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, item);
		bind_text(st, 2, tags[i]);
		sqlite3_bind_double(st, 3, scores[i]);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(a, err, "cannot store tags");
	}
	return rc;
}

int tagar_archive_put(tagar_archive *a, long long feed, const tagar_archive_item *it, int replace, tagar_err *err)
{
	sqlite3_stmt *st = cached(a, replace ? ST_PUT_REPLACE : ST_PUT_NEW,
				   replace ? "INSERT INTO items(feed, key, hash, rid, link, title, date, published, text,"
					     " record, model, tagged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
					     " ?11, ?12) ON CONFLICT(feed, key) DO UPDATE SET hash = ?3, rid = ?4,"
					     " link = ?5, title = ?6, date = ?7, published = ?8, text = ?9, record = ?10,"
					     " model = ?11, tagged_at = ?12 RETURNING id"
					   : "INSERT INTO items(feed, key, hash, rid, link, title, date, published, text,"
					     " record, model, tagged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
					     " ?11, ?12) ON CONFLICT(feed, key) DO NOTHING RETURNING id",
				   err);
	if (!st)
		return TAGAR_EIO;
	sqlite3_bind_int64(st, 1, feed);
	const char *text[] = {it->key, it->hash, it->rid, it->link, it->title, it->date};
	for (int i = 0; i < 6; i++)
		bind_text(st, 2 + i, text[i]);
	sqlite3_bind_int64(st, 8, it->published);
	bind_text(st, 9, it->text);
	bind_text(st, 10, it->record);
	bind_text(st, 11, it->model);
	sqlite3_bind_int64(st, 12, it->tagged_at);
	int rc = sqlite3_step(st);
	long long id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	rc = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(a, err, "cannot store an item");
	if (rc == 1 && sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(a, err, "cannot store an item");
	sqlite3_reset(st);
	if (rc == 1 && put_tags(a, id, it->ntags, it->tags, it->scores, replace, err))
		return TAGAR_EIO;
	return rc;
}

/* ---------------------------------------------------------------- query */

static int fts_plain(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		if (!(c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' ||
		      (c == '*' && i == n - 1 && i > 0)))
			return 0;
	}
	return 1;
}

/* --search WORDS as an FTS5 query: words (and prefix* words) and the
 * operators AND, OR, NOT as they are; any other word quoted, so "e-ktp"
 * or a stray quote is searched for, not a syntax error. */
static int fts_query(const char *words, tagar_buf *q)
{
	int rc = 0;
	for (const char *s = words; !rc && *s;) {
		s += strspn(s, " \t\r\n");
		size_t n = strcspn(s, " \t\r\n");
		if (!n)
			break;
		if (q->len)
			rc = tagar_buf_append(q, " ", 1);
		int op = (n == 3 && (!strncmp(s, "AND", 3) || !strncmp(s, "NOT", 3))) || (n == 2 && !strncmp(s, "OR", 2));
		if (op || fts_plain(s, n)) {
			rc = rc || tagar_buf_append(q, s, n);
		} else {
			rc = rc || tagar_buf_append(q, "\"", 1);
			for (size_t i = 0; !rc && i < n; i++)
				rc = tagar_buf_append(q, s[i] == '"' ? "\"\"" : s + i, s[i] == '"' ? 2 : 1);
			rc = rc || tagar_buf_append(q, "\"", 1);
		}
		s += n;
	}
	return rc || tagar_buf_append(q, "", 0);
}

int tagar_archive_select(tagar_archive *a, const tagar_archive_query *q, int (*fn)(const char *record, void *ud),
			 void *ud, tagar_err *err)
{
	tagar_archive_query blank = *q;
	if (q->search && !q->search[strspn(q->search, " \t\r\n")])
		blank.search = NULL;  /* no words: no filter (FTS5 would call it a syntax error) */
	q = &blank;
	tagar_buf sql = {0};
	const char *head = "SELECT i.record FROM items i JOIN feeds f ON f.id = i.feed WHERE 1";
	int rc = tagar_buf_append(&sql, head, strlen(head));
	const char *parts[] = {
		q->tag ? " AND EXISTS (SELECT 1 FROM item_tags t WHERE t.item = i.id AND t.tag = ?1)" : "",
		q->feed ? " AND f.url = ?2" : "",
		q->since >= 0 ? " AND i.published >= ?3" : "",
		!q->search ? ""
		: a->fts   ? " AND i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?4)"
			   : " AND (i.title LIKE '%' || ?4 || '%' OR i.text LIKE '%' || ?4 || '%')",
		" ORDER BY i.published DESC, i.id DESC",
		q->limit > 0 ? " LIMIT ?5" : ""};
	for (size_t i = 0; !rc && i < sizeof parts / sizeof *parts; i++)
		rc = tagar_buf_append(&sql, parts[i], strlen(parts[i]));
	sqlite3_stmt *st = rc ? NULL : prepare(a, sql.p, err);
	tagar_buf_free(&sql);
	if (!st)
		return rc ? tagar_fail(err, TAGAR_ENOMEM, "out of memory") : TAGAR_EIO;
	bind_text(st, 1, q->tag);
	bind_text(st, 2, q->feed);
	sqlite3_bind_int64(st, 3, q->since);
	tagar_buf fq = {0};
	if (q->search && a->fts && fts_query(q->search, &fq)) {
		sqlite3_finalize(st);
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	}
	bind_text(st, 4, q->search && a->fts ? fq.p : q->search);
	tagar_buf_free(&fq);  /* bound as a copy (SQLITE_TRANSIENT) */
	sqlite3_bind_int64(st, 5, q->limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *rec = sqlite3_column_text(st, 0);
		int stop = rec ? fn((const char *)rec, ud) : 0;
		if (stop) {
			sqlite3_finalize(st);
			return stop;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : db_fail(a, err, "cannot query");
	sqlite3_finalize(st);
	return rc;
}

/* ---------------------------------------------------------------- retag */

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

int tagar_archive_each(tagar_archive *a, long long after, int limit,
		       int (*fn)(const tagar_archive_stored *it, void *ud), void *ud, tagar_err *err)
{
	sqlite3_stmt *st = prepare(a,
				   "SELECT i.id, i.rid, f.url, i.link, i.title, i.date, i.text FROM items i"
				   " JOIN feeds f ON f.id = i.feed WHERE i.id > ? ORDER BY i.id LIMIT ?",
				   err);
	if (!st)
		return TAGAR_EIO;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	int rc, stop = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		tagar_archive_stored it = {sqlite3_column_int64(st, 0),
					   sqlite3_column_type(st, 1) == SQLITE_NULL ? NULL : col(st, 1),
					   col(st, 2), col(st, 3), col(st, 4), col(st, 5), col(st, 6)};
		stop = fn(&it, ud);
	}
	rc = stop ? stop : rc == SQLITE_DONE ? 0 : db_fail(a, err, "cannot read items");
	sqlite3_finalize(st);
	return rc;
}

int tagar_archive_retagged(tagar_archive *a, long long id, const char *record, const char *model, long long now,
			   int ntags, const char *const *tags, const double *scores, tagar_err *err)
{
	sqlite3_stmt *st = prepare(a, "UPDATE items SET record = ?2, model = ?3, tagged_at = ?4 WHERE id = ?1", err);
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, record);
		bind_text(st, 3, model);
		sqlite3_bind_int64(st, 4, now);
	}
	if (run(a, st, "cannot store a retagged item", err))
		return TAGAR_EIO;
	return put_tags(a, id, ntags, tags, scores, 1, err);
}

/* ------------------------------------------------------- per-tag feeds */

int tagar_archive_tags(tagar_archive *a, int (*fn)(const char *tag, void *ud), void *ud, tagar_err *err)
{
	sqlite3_stmt *st = prepare(a, "SELECT DISTINCT tag FROM item_tags ORDER BY tag", err);
	if (!st)
		return TAGAR_EIO;
	int rc, stop = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn(col(st, 0), ud);
	rc = stop ? stop : rc == SQLITE_DONE ? 0 : db_fail(a, err, "cannot read tags");
	sqlite3_finalize(st);
	return rc;
}

int tagar_archive_latest(tagar_archive *a, const char *tag, int n,
			 int (*fn)(const tagar_archive_latest_item *it, void *ud), void *ud, tagar_err *err)
{
	sqlite3_stmt *st = prepare(a,
				   "SELECT i.link, i.title, i.rid, f.url, f.title, i.published, t.score FROM item_tags t"
				   " JOIN items i ON i.id = t.item JOIN feeds f ON f.id = i.feed WHERE t.tag = ?"
				   " ORDER BY i.published DESC, i.id DESC LIMIT ?",
				   err);
	if (!st)
		return TAGAR_EIO;
	bind_text(st, 1, tag);
	sqlite3_bind_int(st, 2, n);
	int rc, stop = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		tagar_archive_latest_item it = {col(st, 0), col(st, 1),
						sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : col(st, 2),
						col(st, 3),
						sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL : col(st, 4),
						sqlite3_column_int64(st, 5), sqlite3_column_double(st, 6)};
		stop = fn(&it, ud);
	}
	rc = stop ? stop : rc == SQLITE_DONE ? 0 : db_fail(a, err, "cannot read a tag's items");
	sqlite3_finalize(st);
	return rc;
}

int tagar_archive_counts(tagar_archive *a, long long *feeds, long long *items, tagar_err *err)
{
	sqlite3_stmt *st = prepare(a, "SELECT (SELECT count(*) FROM feeds), (SELECT count(*) FROM items)", err);
	if (!st)
		return TAGAR_EIO;
	int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : db_fail(a, err, "cannot count");
	*feeds = rc ? 0 : sqlite3_column_int64(st, 0);
	*items = rc ? 0 : sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return rc;
}
