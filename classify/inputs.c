/* inputs.c - whole-document inputs (one article, a feed, a directory),
 * format sniffing and UTF-8 repair.  Every record read gives exactly one
 * output record, in order: its tags, or an error record in its place. */
#define _GNU_SOURCE  /* memmem */
#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *skip_bom(const char *s, size_t *n)
{
	if (*n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		*n -= 3;
		return s + 3;
	}
	return s;
}

int in_sniff(const char *buf, size_t len)
{
	static const int formats[] = {[TAGAR_DOC_JSONL] = IN_JSONL, [TAGAR_DOC_FASTTEXT] = IN_FASTTEXT,
				      [TAGAR_DOC_FEED] = IN_FEED, [TAGAR_DOC_HTML] = IN_HTML, [TAGAR_DOC_TEXT] = IN_TEXT};
	return formats[tagar_sniff(buf, len)];
}

int in_is_wide(const char *s, size_t n)
{
	size_t bom;
	return tagar_wide_encoding(s, n, &bom) != NULL;
}

int in_wide(char **s, size_t *n, char **owned, char *msg, size_t msgn)
{
	size_t bom, len;
	tagar_err err = {0, ""};
	if (!tagar_wide_encoding(*s, *n, &bom))
		return 0;
	char *out = tagar_wide_to_utf8(*s, *n, &len, &err);
	if (!out) {
		snprintf(msg, msgn, "%s", err.msg);
		return -1;
	}
	free(*owned);
	*owned = out;
	*s = out;
	*n = len;
	return 0;
}

int in_utf8(const options *o, FILE *err, const char *what, long line, const char **s, size_t *n, char **owned,
	    char *msg, size_t msgn)
{
	long bad = tagar_utf8_invalid(*s, *n);
	if (bad < 0)
		return 0;
	if (o->strict) {
		snprintf(msg, msgn, "invalid UTF-8 at byte %ld (--strict)", bad + 1);
		return -1;
	}
	size_t len;
	long nbad;
	char *fixed = tagar_utf8_repair(*s, *n, &len, &nbad);
	if (!fixed) {
		snprintf(msg, msgn, "out of memory");
		return -1;
	}
	if (line > 0)
		fprintf(err, "tagar-classify: %s:%ld: warning: %ld invalid UTF-8 byte(s) replaced by U+FFFD\n", what,
			line, nbad);
	else
		fprintf(err, "tagar-classify: %s: warning: %ld invalid UTF-8 byte(s) replaced by U+FFFD\n", what, nbad);
	free(*owned);
	*owned = fixed;
	*s = fixed;
	*n = len;
	return 0;
}

/* Lines that stand before the headline when an article is copied from a
 * news page: ad markers, date lines, share buttons.  Same syntax as
 * data/boilerplate.txt (caseless, ^ and $ at every line); they only decide
 * which line is the title, together with the model's own patterns. */
static const char HEAD_CLUTTER[] =  /* one pattern, so it is compiled once (clean.c) */
	"^(?:"
	"[ \t]*(?:ADVERTISEMENT|Iklan|SCROLL TO CONTINUE WITH CONTENT)[ \t]*$"
	/* "Senin, 12 Februari 2024 10:15 WIB", "12 Feb. 2024", "Monday 12/02/2024" */
	"|[ \t]*(?:\\w+[ \t]*,?[ \t]*)?\\d{1,2}(?:[ \t]+[a-z]{3,9}\\.?,?[ \t]+|[/.-]\\d{1,2}[/.-])\\d{2,4}\\b"
	"[ \t,|-]*(?:(?:pukul[ \t]+)?\\d{1,2}[:.]\\d{2}[ \t]*(?:WIB|WITA|WIT)?)?[ \t]*$"
	"|[ \t]*(?:Share|Bagikan|Tweet|Facebook|Twitter|WhatsApp|Telegram|Copy link|Salin link|Salin tautan)[ \t]*$"
	")\n";

/* The clutter patterns, compiled on first use; NULL when out of memory. */
static tagar_cleaner *head_cleaner(ctx *c)
{
	if (!c->head)
		c->head = tagar_cleaner_new(HEAD_CLUTTER, sizeof HEAD_CLUTTER - 1, NULL);
	return c->head;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* Whether cl cuts the whole line (a NULL cleaner cuts nothing). */
static int cut_whole(tagar_cleaner *cl, const char *line, size_t n)
{
	size_t left = n;
	const char *t = cl ? tagar_clean(cl, line, n, &left) : NULL;
	return t && blank(t, left);
}

/* Whether a line is nothing but clutter or the model's boilerplate (the
 * classifier's own cleaner: no second compilation of its patterns). */
static int clutter(ctx *c, const char *line, size_t n)
{
	return cut_whole(head_cleaner(c), line, n) || cut_whole(tagar_classifier_cleaner(c->cl), line, n);
}

/* Plain text: the title is the first line that is neither blank, clutter
 * (an ad marker, a date line, share buttons) nor boilerplate, when more
 * text follows it (unless --no-title); the lines before it are dropped.
 * Cuts buf in place. */
static void split_title(ctx *c, char *buf, char **title, char **body)
{
	char *b = buf + strspn(buf, " \t\r\n"), *nl;
	*title = "";
	while (!c->o->no_title && (nl = strchr(b, '\n')) && nl[1 + strspn(nl + 1, " \t\r\n")]) {
		if (!clutter(c, b, (size_t)(nl - b))) {
			*nl = 0;
			if (nl > b && nl[-1] == '\r')  /* CRLF line ends */
				nl[-1] = 0;
			*title = b;
			b = nl + 1;
			break;
		}
		b = nl + 1 + strspn(nl + 1, " \t\r\n");
	}
	*body = b;
}

/* An article with nothing but white space in its title and text: one rule
 * for every input (README): an error, never tagged. */
static int empty_article(const char *title, const char *body)
{
	return blank(title, strlen(title)) && blank(body, strlen(body));
}

/* Writes t without its blank lines (boilerplate cut leaves a space). */
static void put_nonblank_lines(FILE *out, const char *t, size_t n)
{
	for (const char *end = t + n, *nl; t < end; t = nl + 1) {
		nl = memchr(t, '\n', (size_t)(end - t));
		if (!nl)
			nl = end;
		if (!blank(t, (size_t)(nl - t))) {
			fwrite(t, 1, (size_t)(nl - t), out);
			fputc('\n', out);
		}
	}
}

/* The text tagar sees: title, blank line, body without its boilerplate. */
static int show_text(ctx *c, const char *title, const char *body)
{
	size_t blen, n = strlen(body);
	const char *boil = tagar_model_boilerplate(c->m, &blen);
	tagar_cleaner *cl = boil ? tagar_cleaner_new(boil, blen, NULL) : NULL;
	const char *t = cl ? tagar_clean(cl, body, n, &n) : body;
	if (boil && !t) {
		tagar_cleaner_free(&cl);
		fputs("tagar-classify: out of memory\n", stderr);
		return EXIT_IO_ERROR;
	}
	fprintf(c->out, "%s\n\n", title);
	put_nonblank_lines(c->out, t, n);
	tagar_cleaner_free(&cl);
	return 0;
}

int in_article(ctx *c, char *buf, size_t len, int html)
{
	tagar_nuls_to_spaces(buf, len);
	const char *s = skip_bom(buf, &len);
	char *owned = NULL, msg[256], *title = "", *body = "", *ht = NULL, *hb = NULL;
	tagar_err err = {0, ""};
	if (in_utf8(c->o, stderr, c->o->input, 0, &s, &len, &owned, msg, sizeof msg)) {
		fprintf(stderr, "tagar-classify: %s: %s\n", c->o->input, msg);
		return EXIT_RECORDS;
	}
	int rc = 0;
	if (html && tagar_html_article(s, len, &ht, &hb, &err)) {
		fprintf(stderr, "tagar-classify: %s: %s\n", c->o->input, err.msg);
		rc = err.code == TAGAR_EIO ? EXIT_IO_ERROR : EXIT_RECORDS;  /* EIO: libxml2 cannot be opened */
	} else if (html) {
		title = c->o->no_title ? "" : ht;
		body = hb;
	} else {
		split_title(c, (char *)s, &title, &body);
	}
	const tagar_tag_score *sc = NULL;
	if (!rc && empty_article(title, body)) {
		fprintf(stderr, "tagar-classify: %s: empty article\n", c->o->input);
		rc = EXIT_RECORDS;
	} else if (!rc && c->o->show_text)
		rc = show_text(c, title, body);
	else if (!rc && !(sc = tagar_classify(c->cl, title, strlen(title), body, strlen(body)))) {
		fprintf(stderr, "tagar-classify: %s\n", tagar_classify_error(c->cl));
		rc = EXIT_IO_ERROR;
	} else if (!rc && c->o->json) {
		out_json_record(c, NULL, sc);
	} else if (!rc) {
		out_text_record(c, sc, isatty(fileno(c->out)));
	}
	free(ht);
	free(hb);
	free(owned);
	return rc;
}

/* ---------------------------------------------------------------- feeds */

/* --show-text: the text of each item, a blank line between. */
static int show_item_text(const tagar_feed_item *it, int index, void *ud)
{
	ctx *c = ud;
	if ((index && fputc('\n', c->out) == EOF) || show_text(c, it->title, it->text))
		return EXIT_IO_ERROR;
	return 0;
}

/* The library's codes as exit statuses; a failed write of the feed back
 * is reported here (a reader that went is main()'s to handle). */
static int feed_status(int rc, const tagar_err *err)
{
	if (rc == TAGAR_EIO && err->code && errno != EPIPE)
		fprintf(stderr, "tagar-classify: standard output: %s\n", err->msg);
	return rc > 0 ? rc : rc == TAGAR_EIO ? EXIT_IO_ERROR : rc ? EXIT_RECORDS : 0;
}

int in_feed(ctx *c, const char *buf, size_t len)
{
	const char *s = buf;
	char *owned = NULL, msg[256];
	FILE *msgs = tagar_prefixed_stream(stderr, "tagar-classify: ");
	const tagar_feedtag_opts fo = {
		.json = {.choice = out_choice(c->o), .all_scores = c->o->all, .explain = c->o->explain},
		.emit_feed = c->o->emit_feed, .name = c->o->input, .msg = msgs ? msgs : stderr,
		.each = c->o->show_text ? show_item_text : NULL, .ud = c};
	tagar_err err = {0, ""};
	int rc;
	/* a feed in another encoding is libxml2's to decode, from its bytes */
	if (!in_is_wide(s, len) && !tagar_xml_other_encoding(s, len) &&
	    in_utf8(c->o, stderr, c->o->input, 0, &s, &len, &owned, msg, sizeof msg)) {
		tagar_err bad = {TAGAR_EFORMAT, ""};
		snprintf(bad.msg, sizeof bad.msg, "%.200s: %.250s", c->o->input, msg);
		rc = tagar_feed_failed(c->out, &fo, &bad);
	} else {
		rc = tagar_tag_feed(c->cl, s, len, c->out, &fo, &err);
	}
	rc = feed_status(rc, &err);  /* before fclose, which may set errno */
	if (msgs)
		fclose(msgs);
	free(owned);
	return rc;
}

/* ------------------------------------------------------------ directory */

static int html_name(const char *n)
{
	size_t l = strlen(n);
	return (l > 5 && strcasecmp(n + l - 5, ".html") == 0) || (l > 4 && strcasecmp(n + l - 4, ".htm") == 0);
}

static int article_name(const struct dirent *d)
{
	size_t l = strlen(d->d_name);
	return d->d_name[0] != '.' && (html_name(d->d_name) || (l > 4 && strcasecmp(d->d_name + l - 4, ".txt") == 0));
}

/* A whole file of the directory, by the rule for every whole document: a
 * regular file (a FIFO would block, a device never end) of at most 4 times
 * --max-bytes.  Opened without blocking, so a FIFO is refused, not waited
 * on.  NULL with the reason in msg. */
static char *read_dir_file(const ctx *c, const char *path, size_t *len, char *msg, size_t msgn)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t max = c->o->max_bytes * 4;
	if (fd < 0 || fstat(fd, &st) != 0)
		snprintf(msg, msgn, "%s", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		snprintf(msg, msgn, "not a regular file");
	else if ((unsigned long long)st.st_size > max)
		snprintf(msg, msgn, "file of %llu bytes is over the limit of %zu (4 times --max-bytes)",
			 (unsigned long long)st.st_size, max);
	else if (!(buf = tagar_read_fd(fd, NULL, 0, 0, len, max)))
		snprintf(msg, msgn, "%s", errno == EFBIG ? "the file grew over the limit (4 times --max-bytes)"
						      : strerror(errno ? errno : EIO));
	if (fd >= 0)
		close(fd);
	return buf;
}

/* The file name as the record's id: names are bytes, JSON strings UTF-8,
 * so invalid bytes become U+FFFD (with a warning naming the file). */
static char *name_id(const char *path, const char *name)
{
	size_t n = strlen(name), len;
	long bad = 0;
	char *id = tagar_utf8_invalid(name, n) < 0 ? strdup(name) : tagar_utf8_repair(name, n, &len, &bad);
	if (id && bad)
		fprintf(stderr, "tagar-classify: %s: warning: the file name is not UTF-8; its id has %ld byte(s) "
			"replaced by U+FFFD\n", path, bad);
	return id;
}

/* One file of the directory: its JSONL record, or an error record. */
static int dir_entry(ctx *c, const char *dir, const char *name)
{
	char path[4096], msg[512] = "", *owned = NULL, *ht = NULL, *hb = NULL, *title, *body;
	size_t len = 0;
	tagar_err err = {0, ""};
	size_t dlen = strlen(dir);
	while (dlen > 1 && dir[dlen - 1] == '/')  /* --dir DIR/ */
		dlen--;
	snprintf(path, sizeof path, "%.*s/%s", (int)dlen, dir, name);
	char *id = name_id(path, name), *conv = NULL;
	int io_error = 0;
	char *buf = id ? read_dir_file(c, path, &len, msg, sizeof msg) : NULL, *doc = buf;
	const char *s = NULL;
	if (!id)
		snprintf(msg, sizeof msg, "out of memory");
	else if (buf && !in_wide(&doc, &len, &conv, msg, sizeof msg)) {
		tagar_nuls_to_spaces(doc, len);
		s = skip_bom(doc, &len);
	}
	if (s && !in_utf8(c->o, stderr, path, 0, &s, &len, &owned, msg, sizeof msg) && html_name(name) &&
	    tagar_html_article(s, len, &ht, &hb, &err)) {
		snprintf(msg, sizeof msg, "%s", err.msg);
		io_error = err.code == TAGAR_EIO;  /* libxml2 cannot be opened */
	}
	if (!msg[0]) {
		if (ht) {
			title = ht;
			body = hb;
		} else {
			split_title(c, (char *)s, &title, &body);
		}
		const tagar_tag_score *sc = NULL;
		if (empty_article(title, body))
			snprintf(msg, sizeof msg, "empty article");
		else if (!(sc = tagar_classify(c->cl, title, strlen(title), body, strlen(body))))
			snprintf(msg, sizeof msg, "%s", tagar_classify_error(c->cl));
		else
			out_json_record(c, &(tagar_record){.id = id}, sc);
	}
	if (msg[0]) {
		fprintf(stderr, "tagar-classify: %s: %s\n", path, msg);
		out_error_id(c->out, id ? id : "", msg);
	}
	free(ht);
	free(hb);
	free(owned);
	free(conv);
	free(buf);
	free(id);
	return io_error ? EXIT_IO_ERROR : msg[0] ? EXIT_RECORDS : 0;
}

/* Byte order, not alphasort's collation: the same order in every locale. */
static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int in_dir(ctx *c, const char *dir)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, article_name, by_name), rc = 0;
	if (n < 0) {
		fprintf(stderr, "tagar-classify: %s: %s\n", dir, strerror(errno));
		return EXIT_IO_ERROR;
	}
	for (int i = 0; i < n; i++) {
		int r = dir_entry(c, dir, names[i]->d_name);
		rc = r > rc ? r : rc;  /* an I/O error (3) outranks a record's (1) */
		free(names[i]);
	}
	free(names);
	if (n == 0)
		fprintf(stderr, "tagar-classify: %s: warning: no .txt or .html file\n", dir);
	return rc;
}
