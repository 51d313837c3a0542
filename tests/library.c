/* library.c - what the programs share through the library: the rule that
 * picks tags from scores, the JSON result record, whole-file reading and
 * the data-file search, the byte buffer, a feed's items tagged. */
#include "check.h"
#include "tagar.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Four scores as tagar_classify gives them: sorted, highest first. */
static const tagar_tag_score scores[4] = {
	{.tag = 2, .score = 0.9, .assigned = 1},
	{.tag = 0, .score = 0.5, .assigned = 0},
	{.tag = 3, .score = 0.4, .assigned = 1},
	{.tag = 1, .score = 0.1, .assigned = 0},
};

static int chosen(const tagar_choice *rule, const char *want)
{
	int picked[4], n = tagar_choose(scores, 4, rule, picked);
	char got[16] = "";
	for (int k = 0; k < n; k++)
		got[k] = (char)('0' + picked[k]);
	return strcmp(got, want) == 0;
}

static void test_choose(tally *t)
{
	CHECK(t, chosen(&(tagar_choice){.threshold = -1}, "02"), "tuned thresholds pick the assigned tags");
	CHECK(t, chosen(&(tagar_choice){.threshold = -1, .top_k = 1}, "0"), "top-k 1 keeps the best assigned");
	CHECK(t, chosen(&(tagar_choice){.threshold = 0.4}, "012"), "a threshold is a score at least it");
	CHECK(t, chosen(&(tagar_choice){.threshold = 0.4, .top_k = 2}, "01"), "top-k applies after the threshold");
	CHECK(t, chosen(&(tagar_choice){.threshold = 0.95}, ""), "no tag above the threshold: none");
	CHECK(t, chosen(&(tagar_choice){.threshold = 0}, "0123"), "threshold 0: every tag");
}

/* The scores above, then the model's other tags scoring 0: one for each
 * of the model's tags, as tagar_write_json reads them. */
static tagar_tag_score *all_scores(const tagar_model *m)
{
	int T = tagar_model_ntags(m);
	tagar_tag_score *s = T >= 4 ? calloc((size_t)T, sizeof *s) : NULL;
	for (int i = 0; s && i < T; i++)
		s[i] = i < 4 ? scores[i] : (tagar_tag_score){.tag = i};
	return s;
}

/* The record tagar_write_json writes for the scores above. */
static char *json_of(tagar_classifier *c, const tagar_json_record *r, const tagar_json_opts *o)
{
	tagar_tag_score *s = all_scores(tagar_classifier_model(c));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = s ? open_memstream(&buf, &len) : NULL;
	int rc = f ? tagar_write_json(f, c, s, r, o) : -1;
	if (f)
		fclose(f);
	free(s);
	if (rc) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void expect_json(tally *t, tagar_classifier *c, const tagar_json_record *r, const tagar_json_opts *o,
			const char *want)
{
	char *got = json_of(c, r, o);
	CHECK(t, got && strcmp(got, want) == 0, "JSON record\n got: %s\nwant: %s", got ? got : "(null)", want);
	free(got);
}

static void test_json(tally *t)
{
	tagar_err e = {0, ""};
	tagar_model *m = tagar_model_load("models/default.tgm", &e);
	tagar_classifier *c = m ? tagar_classifier_new(m, NULL) : NULL;
	CHECK(t, c != NULL, "models/default.tgm loads: %s", e.msg);
	if (!c) {
		tagar_model_free(&m);
		return;
	}
	char want[1024], name[4][64];
	for (int i = 0; i < 4; i++)
		snprintf(name[i], sizeof name[i], "%s", tagar_model_tag(m, i));
	snprintf(want, sizeof want, "{\"id\": \"a\\\"1\", \"tags\": [{\"tag\": \"%s\", \"score\": 0.9000}, "
		 "{\"tag\": \"%s\", \"score\": 0.4000}]}\n", name[2], name[3]);
	expect_json(t, c, &(tagar_json_record){.id = "a\"1"}, &(tagar_json_opts){.choice.threshold = -1}, want);
	snprintf(want, sizeof want, "{\"id\": 7, \"link\": \"http://x\", \"tags\": [{\"tag\": \"%s\", \"score\": 0.9000}]}\n",
		 name[2]);
	const char *const extra[] = {"link", "http://x", "date", "", NULL};
	expect_json(t, c, &(tagar_json_record){.id = "7", .id_is_number = 1, .extra = extra},
		    &(tagar_json_opts){.choice = {.threshold = 0.5, .top_k = 1}}, want);
	/* "scores": every tag of the model, in score order */
	char *got = json_of(c, &(tagar_json_record){0}, &(tagar_json_opts){.choice.threshold = 2, .all_scores = 1});
	snprintf(want, sizeof want, "{\"tags\": [], \"scores\": {\"%s\": 0.9000, \"%s\": 0.5000", name[2], name[0]);
	CHECK(t, got && strncmp(got, want, strlen(want)) == 0, "all scores: %s", got ? got : "(null)");
	free(got);
	tagar_classifier_free(&c);
	tagar_model_free(&m);
}

static void test_files(tally *t)
{
	char path[] = "/tmp/tagar-library-XXXXXX";
	int fd = mkstemp(path);
	CHECK(t, fd >= 0 && write(fd, "abc\0def", 7) == 7, "temporary file written");
	if (fd >= 0)
		close(fd);
	size_t len = 0;
	char *s = tagar_read_file(path, &len);
	CHECK(t, s && len == 7 && memcmp(s, "abc\0def", 8) == 0, "a whole file, NUL-terminated, NULs kept");
	free(s);
	unlink(path);
	errno = 0;
	CHECK(t, !tagar_read_file(path, &len) && errno == ENOENT, "a missing file: NULL, errno ENOENT");

	char buf[4096];
	const char *found = tagar_find_data("models", "default.tgm", buf, sizeof buf);
	size_t n = found ? strlen(found) : 0;
	/* this program is build/VARIANT/tests/library: the tree is three up */
	CHECK(t, found && n > 18 && strcmp(found + n - 18, "models/default.tgm") == 0 && access(found, R_OK) == 0,
	      "the source tree's model found from build/VARIANT/: %s", found ? found : "(null)");
	CHECK(t, !tagar_find_data("models", "no-such-file.tgm", buf, sizeof buf), "a missing data file: NULL");
}

static void test_buf(tally *t)
{
	tagar_buf b = {0};
	int ok = 1;
	for (int i = 0; i < 1000 && ok; i++)  /* past several doublings */
		ok = tagar_buf_append(&b, "ab", 2) == 0;
	CHECK(t, ok && b.len == 2000 && b.cap > b.len && b.p[b.len] == 0 && memcmp(b.p + 1998, "ab", 2) == 0,
	      "appends grow the buffer, NUL-terminated: len %zu cap %zu", b.len, b.cap);
	size_t cap = b.cap;
	b.len = 0;
	CHECK(t, tagar_buf_append(&b, "x", 1) == 0 && b.cap == cap && strcmp(b.p, "x") == 0,
	      "len set back reuses the memory");
	CHECK(t, tagar_buf_reserve(&b, cap) == 0 && b.cap > b.len + cap, "reserve: room for n more and a NUL");
	CHECK(t, tagar_buf_append(&b, "", 0) == 0 && b.len == 1, "an empty append changes nothing");
	tagar_buf_free(&b);
	CHECK(t, !b.p && !b.len && !b.cap, "freed: zeroed");
	tagar_buf_free(&b);
	tagar_buf_free(NULL);
}

/* An empty item, one with a link, one with only a title. */
static const char FEED[] =
	"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>x</title>\n"
	"<item><title> </title><guid>g1</guid></item>\n"
	"<item><title>Presiden resmikan jalan tol</title><description>Menteri pekerjaan umum hadir"
	"</description><link>http://a/b</link><pubDate>Mon, 12 Feb 2024</pubDate></item>\n"
	"<item><title>Banjir merendam rumah warga</title></item>\n</channel></rss>\n";

typedef struct {
	char *out, *msg;
	size_t outlen, msglen;
	int rc;
} feed_result;

static feed_result tag_feed(tagar_classifier *c, const char *feed, tagar_feedtag_opts o)
{
	feed_result r = {0};
	FILE *out = open_memstream(&r.out, &r.outlen), *msg = open_memstream(&r.msg, &r.msglen);
	tagar_err err;
	o.name = "t.rss";
	o.msg = msg;
	r.rc = out && msg ? tagar_tag_feed(c, feed, strlen(feed), out, &o, &err) : -99;
	if (out)
		fclose(out);
	if (msg)
		fclose(msg);
	return r;
}

/* The record tagar_write_json writes for one article, as a feed item. */
static char *item_json(tagar_classifier *c, const char *title, const char *text, const char *id,
		       const char *const *extra, const tagar_json_opts *o)
{
	const tagar_tag_score *s = tagar_classify(c, title, strlen(title), text, strlen(text));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = s ? open_memstream(&buf, &len) : NULL;
	if (f) {
		tagar_write_json(f, c, s, &(tagar_json_record){.id = id, .extra = extra}, o);
		fclose(f);
	}
	return buf;
}

typedef struct {
	int calls, last, stop_at;
} seen;

static int count_item(const tagar_feed_item *it, int index, void *ud)
{
	seen *x = ud;
	(void)it;
	x->calls++;
	x->last = index;
	return x->calls == x->stop_at ? 7 : 0;
}

static void test_feed_records(tally *t, tagar_classifier *c)
{
	const tagar_json_opts jo = {.choice.threshold = -1, .all_scores = 1, .explain = 2};
	feed_result r = tag_feed(c, FEED, (tagar_feedtag_opts){.json = jo});
	const char *const extra[] = {"link", "http://a/b", "date", "Mon, 12 Feb 2024", NULL};
	char *second = item_json(c, "Presiden resmikan jalan tol", "Menteri pekerjaan umum hadir", "http://a/b", extra,
				 &jo);
	char *third = item_json(c, "Banjir merendam rumah warga", "", NULL, NULL, &jo);
	char want[65536];
	snprintf(want, sizeof want, "{\"id\": \"g1\", \"error\": \"empty article\"}\n%s%s", second ? second : "?",
		 third ? third : "?");
	CHECK(t, r.rc == TAGAR_EFORMAT, "a feed with an empty item: TAGAR_EFORMAT, got %d", r.rc);
	CHECK(t, r.out && strcmp(r.out, want) == 0, "one record per item, the bytes tagar_write_json writes\n got: %s\nwant: %s",
	      r.out ? r.out : "(null)", want);
	CHECK(t, r.msg && strcmp(r.msg, "t.rss:3: empty article\n") == 0, "the empty item named by line: %s",
	      r.msg ? r.msg : "(null)");
	free(second);
	free(third);
	free(r.out);
	free(r.msg);
}

static void test_feed_other(tally *t, tagar_classifier *c)
{
	seen x = {0, -1, 0};
	feed_result r = tag_feed(c, FEED, (tagar_feedtag_opts){.each = count_item, .ud = &x});
	CHECK(t, x.calls == 2 && x.last == 2 && r.rc == TAGAR_EFORMAT && r.outlen == strlen(r.out) &&
		 strstr(r.out, "error") && !strstr(r.out, "tags"),
	      "each: called for the items that are not empty, indices counting every item (calls %d, last %d)",
	      x.calls, x.last);
	free(r.out);
	free(r.msg);
	x = (seen){0, -1, 1};
	r = tag_feed(c, FEED, (tagar_feedtag_opts){.each = count_item, .ud = &x});
	CHECK(t, r.rc == 7 && x.calls == 1, "each's non-zero return stops the feed and is returned: %d", r.rc);
	free(r.out);
	free(r.msg);
	r = tag_feed(c, FEED, (tagar_feedtag_opts){.json.choice.threshold = 0, .emit_feed = 1});
	CHECK(t, r.rc == TAGAR_EFORMAT && r.out && strstr(r.out, "<rss") && strstr(r.out, "<category domain=\"tagar\">") &&
		 !strstr(r.out, "\"error\""), "emit_feed: the feed back with categories, no error records");
	free(r.out);
	free(r.msg);
	r = tag_feed(c, "<rss><channel><item><title>Banjir</title></item><item>", (tagar_feedtag_opts){0});
	CHECK(t, r.rc == TAGAR_EFORMAT && r.out && strncmp(r.out, "{\"tags\": ", 9) == 0 &&
		 strstr(r.out, "}\n{\"id\": \"t.rss\", \"error\": "), "a malformed feed: the items before it kept, then its error record: %s",
	      r.out ? r.out : "(null)");
	free(r.out);
	free(r.msg);
}

static void test_feed(tally *t)
{
	tagar_err e = {0, ""};
	tagar_model *m = tagar_model_load("models/default.tgm", &e);
	tagar_classifier *c = m ? tagar_classifier_new(m, NULL) : NULL;
	CHECK(t, c != NULL, "models/default.tgm loads: %s", e.msg);
	if (c) {
		test_feed_records(t, c);
		test_feed_other(t, c);
	}
	tagar_classifier_free(&c);
	tagar_model_free(&m);
}

int main(void)
{
	tally t = {0, 0};
	test_choose(&t);
	test_json(&t);
	test_files(&t);
	test_buf(&t);
	test_feed(&t);
	printf("library: %d passed, %d failed\n", t.passed, t.failed);
	return t.failed != 0;
}
