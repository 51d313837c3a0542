/* library.c - what the programs share through the library: the rule that
 * picks tags from scores, the JSON result record, whole-file reading and
 * the data-file search, the byte buffer. */
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

int main(void)
{
	tally t = {0, 0};
	test_choose(&t);
	test_json(&t);
	test_files(&t);
	test_buf(&t);
	printf("library: %d passed, %d failed\n", t.passed, t.failed);
	return t.failed != 0;
}
