/* feedtag.c - a feed's items tagged: one JSON record per item (or the feed
 * written back with categories), so the classifier, the feed poller and the
 * server tag a feed alike and write the same bytes for the same item. */
#include "tagar.h"

#include <stdlib.h>
#include <string.h>

/* One feed being tagged. */
typedef struct {
	tagar_classifier *cl;
	FILE *out;
	const tagar_feedtag_opts *o;
	tagar_feed *f;            /* emit_feed: the tree the categories go into */
	int index;                /* of the next item */
	int failed;               /* some item got an error */
} feed_run;

static int blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == 0;
}

/* An item with nothing but white space in its title and text is an error,
 * never tagged (the rule for every input). */
static int empty_item(const tagar_feed_item *it)
{
	return blank(it->title) && blank(it->text);
}

static void item_failed(feed_run *fr, const tagar_feed_item *it, const char *msg)
{
	if (fr->o->msg)
		fprintf(fr->o->msg, "%s:%ld: %s\n", fr->o->name, it->line, msg);
	fr->failed = 1;
	if (!fr->o->emit_feed)  /* else the item goes back untouched */
		tagar_write_json_error(fr->out, it->id, it->line, msg);
	if (fr->o->done)
		fr->o->done(it, NULL, msg, fr->o->ud);
}

/* Adds the tags the rule picks for item i as its categories. */
static int add_categories(feed_run *fr, int i, const tagar_tag_score *s)
{
	const tagar_model *m = tagar_classifier_model(fr->cl);
	int T = tagar_model_ntags(m);
	int *picked = malloc((size_t)T * sizeof *picked + 1);
	if (!picked)
		return -1;
	int n = tagar_choose(s, T, &fr->o->json.choice, picked), rc = 0;
	for (int k = 0; !rc && k < n; k++)
		rc = tagar_feed_add_category(fr->f, i, tagar_model_tag(m, s[picked[k]].tag));
	free(picked);
	return rc;
}

/* The item's record, with its link and date; an error record in its place
 * when memory runs out. */
static void item_record(feed_run *fr, const tagar_feed_item *it, const tagar_tag_score *s)
{
	enum { OWN = 4, MORE = 8 };  /* link, date; the caller's extra fields */
	const char *extra[OWN + 2 * MORE + 1] = {"link", it->link, "date", it->date};
	int k = OWN;
	for (const char *const *e = fr->o->extra; e && e[0] && e[1] && k < OWN + 2 * MORE; e += 2) {
		extra[k++] = e[0];
		extra[k++] = e[1];
	}
	extra[k] = NULL;
	const tagar_json_record jr = {.id = it->id, .extra = extra};
	if (tagar_write_json(fr->out, fr->cl, s, &jr, &fr->o->json) != 0) {
		item_failed(fr, it, tagar_errmsg(TAGAR_ENOMEM));
		return;
	}
	if (fr->o->done)
		fr->o->done(it, s, NULL, fr->o->ud);
}

/* One item: its record, its categories (emit_feed), or the caller's each.
 * 0, or what each returned to stop. */
static int tag_item(const tagar_feed_item *it, void *ud)
{
	feed_run *fr = ud;
	int i = fr->index++;
	const tagar_tag_score *s = NULL;
	if (fr->o->want && !fr->o->want(it, fr->o->ud))
		return 0;
	if (empty_item(it))
		item_failed(fr, it, "empty article");
	else if (fr->o->each)
		return fr->o->each(it, i, fr->o->ud);
	else if (!(s = tagar_classify(fr->cl, it->title, strlen(it->title), it->text, strlen(it->text))) ||
		 (fr->f && add_categories(fr, i, s)))
		item_failed(fr, it, s ? "out of memory" : tagar_classify_error(fr->cl));
	else if (!fr->f)
		item_record(fr, it, s);
	return 0;
}

int tagar_feed_failed(FILE *out, const tagar_feedtag_opts *o, const tagar_err *err)
{
	if (o->msg)
		fprintf(o->msg, "%s\n", err->msg);
	if (!o->emit_feed)
		tagar_write_json_error(out, o->name, 0, err->msg);
	if (o->done)
		o->done(NULL, NULL, err->msg, o->ud);
	return err->code == TAGAR_EIO ? TAGAR_EIO : TAGAR_EFORMAT;  /* EIO: libxml2 cannot be opened */
}

static void no_items(const tagar_feedtag_opts *o)
{
	if (o->msg)
		fprintf(o->msg, "%s: warning: the feed has no items\n", o->name);
}

/* The feed's tree, its items tagged; with emit_feed, categories added and
 * the feed written back (not when each takes the items). */
static int tree_feed(feed_run *fr, const char *s, size_t len, tagar_err *err)
{
	const tagar_feedtag_opts *o = fr->o;
	tagar_err perr = {0, ""};
	tagar_feed *f = tagar_feed_parse(s, len, o->name, &perr);
	if (!f)
		return tagar_feed_failed(fr->out, o, &perr);
	if (tagar_feed_count(f) == 0)
		no_items(o);
	fr->f = o->emit_feed && !o->each ? f : NULL;
	int rc = 0;
	for (int i = 0; !rc && i < tagar_feed_count(f); i++)
		rc = tag_item(tagar_feed_item_at(f, i), fr);
	if (!rc && fr->f && tagar_feed_write(f, fr->out, err))
		rc = TAGAR_EIO;
	tagar_feed_free(&f);
	return rc ? rc : fr->failed ? TAGAR_EFORMAT : 0;
}

/* Item by item: memory holds one item, not the feed; items before a
 * malformed part keep their records.  libxml2's streaming reader is
 * stricter than its tree reader about some things past the root (a
 * trailing NUL): when it fails before the first item, nothing is written
 * yet, and the tree reader decides. */
static int stream_feed(feed_run *fr, const char *s, size_t len, tagar_err *err)
{
	tagar_err perr = {0, ""};
	int count, rc = tagar_feed_each(s, len, fr->o->name, tag_item, fr, &count, &perr);
	if (rc > 0)
		return rc;  /* each's */
	if (rc < 0 && count == 0)
		return perr.code == TAGAR_EIO ? tagar_feed_failed(fr->out, fr->o, &perr) : tree_feed(fr, s, len, err);
	if (rc < 0)
		return tagar_feed_failed(fr->out, fr->o, &perr);
	if (count == 0)
		no_items(fr->o);
	return fr->failed ? TAGAR_EFORMAT : 0;
}

int tagar_tag_feed(tagar_classifier *cl, const char *buf, size_t n, FILE *out, const tagar_feedtag_opts *o,
		   tagar_err *err)
{
	feed_run fr = {cl, out, o, NULL, 0, 0};
	*err = (tagar_err){0, ""};
	return o->emit_feed ? tree_feed(&fr, buf, n, err) : stream_feed(&fr, buf, n, err);
}
