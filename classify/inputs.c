/* inputs.c - whole-document inputs (one article, a feed, a directory),
 * format sniffing and UTF-8 repair.  Every record read gives exactly one
 * output record, in order: its tags, or an error record in its place. */
#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

char *in_read_all(FILE *f, size_t *len, size_t max)
{
	size_t cap = 1 << 16, n = 0, k;
	char *buf = malloc(cap + 1);
	while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n > max) {  /* refuse, rather than hold, an input over the limit */
			free(buf);
			*len = n;
			errno = EFBIG;
			return NULL;
		}
		if (n == cap) {
			char *nb = realloc(buf, (cap *= 2) + 1);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = 0;
	*len = n;
	return buf;
}

static const char *skip_bom(const char *s, size_t *n)
{
	if (*n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		*n -= 3;
		return s + 3;
	}
	return s;
}

static int starts(const char *s, const char *end, const char *prefix)
{
	size_t k = strlen(prefix);
	return (size_t)(end - s) >= k && strncasecmp(s, prefix, k) == 0;
}

/* A feed's root element comes after the XML declaration, comments and
 * processing instructions; anything else starting with '<' is HTML. */
static int sniff_markup(const char *s, const char *end)
{
	while (s < end) {
		s += strspn(s, " \t\r\n");
		const char *close = starts(s, end, "<?") ? strstr(s, "?>") : starts(s, end, "<!--") ? strstr(s, "-->") : NULL;
		if (!close)
			break;
		s = close + 2;
	}
	if (starts(s, end, "<rss") || starts(s, end, "<feed") || starts(s, end, "<rdf:rdf"))
		return IN_FEED;
	return IN_HTML;
}

int in_sniff(const char *buf, size_t len)
{
	const char *s = skip_bom(buf, &len), *end = s + len;
	s += strspn(s, " \t\r\n");
	if (s < end && *s == '{')
		return IN_JSONL;
	if (starts(s, end, "__label__"))
		return IN_FASTTEXT;
	if (s < end && *s == '<')
		return sniff_markup(s, end);
	return IN_TEXT;
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
static const char HEAD_CLUTTER[] =
	"^[ \t]*(?:ADVERTISEMENT|Iklan|SCROLL TO CONTINUE WITH CONTENT)[ \t]*$\n"
	/* "Senin, 12 Februari 2024 10:15 WIB", "12 Feb. 2024", "Monday 12/02/2024" */
	"^[ \t]*(?:\\w+[ \t]*,?[ \t]*)?\\d{1,2}(?:[ \t]+[a-z]{3,9}\\.?,?[ \t]+|[/.-]\\d{1,2}[/.-])\\d{2,4}\\b"
	"[ \t,|-]*(?:(?:pukul[ \t]+)?\\d{1,2}[:.]\\d{2}[ \t]*(?:WIB|WITA|WIT)?)?[ \t]*$\n"
	"^[ \t]*(?:Share|Bagikan|Tweet|Facebook|Twitter|WhatsApp|Telegram|Copy link|Salin link|Salin tautan)[ \t]*$\n";

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
		rc = EXIT_RECORDS;
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

/* A declaration naming another encoding: libxml2 converts; no repair. */
static int declares_other_encoding(const char *s, size_t n)
{
	const char *end = memchr(s, '>', n < 200 ? n : 200), *e;
	if (!starts(s, s + n, "<?xml") || !end)
		return 0;
	for (e = s; e + 9 < end && strncmp(e, "encoding=", 9) != 0; e++)
		;
	return e + 9 < end && strncasecmp(e + 10, "utf-8", 5) != 0 && strncasecmp(e + 10, "utf8", 4) != 0;
}

static void item_failed(ctx *c, const tagar_feed_item *it, const char *msg)
{
	fprintf(stderr, "tagar-classify: %s:%ld: %s\n", c->o->input, it->line, msg);
	if (c->o->emit_feed)
		return;  /* the item goes back untouched */
	if (it->id)
		out_error_id(c->out, it->id, msg);
	else
		out_error_record(c->out, it->line, msg);
}

/* Adds the tags chosen for an item (--threshold, --top-k honoured). */
static int add_categories(ctx *c, tagar_feed *f, int i, const tagar_tag_score *s)
{
	int T = tagar_model_ntags(c->m), shown = 0;
	for (int k = 0; k < T && (!c->o->top_k || shown < c->o->top_k); k++) {
		if (!out_chosen(c->o, &s[k]))
			continue;
		if (tagar_feed_add_category(f, i, tagar_model_tag(c->m, s[k].tag)))
			return -1;
		shown++;
	}
	return 0;
}

static int tag_items(ctx *c, tagar_feed *f)
{
	int failed = 0;
	for (int i = 0; i < tagar_feed_count(f); i++) {
		const tagar_feed_item *it = tagar_feed_item_at(f, i);
		const tagar_tag_score *s = NULL;
		if (empty_article(it->title, it->text)) {
			item_failed(c, it, "empty article");
			failed = 1;
			continue;
		}
		if (!(s = tagar_classify(c->cl, it->title, strlen(it->title), it->text, strlen(it->text))) ||
		    (c->o->emit_feed && add_categories(c, f, i, s))) {
			item_failed(c, it, s ? "out of memory" : tagar_classify_error(c->cl));
			failed = 1;
		} else if (!c->o->emit_feed) {
			tagar_record r = {.id = (char *)it->id, .title = (char *)it->title, .text = (char *)it->text};
			const char *const extra[] = {"link", it->link, "date", it->date, NULL};
			c->extra = extra;
			out_json_record(c, &r, s);
			c->extra = NULL;
		}
	}
	return failed ? EXIT_RECORDS : 0;
}

int in_feed(ctx *c, const char *buf, size_t len)
{
	const char *s = buf;
	char *owned = NULL, msg[256];
	tagar_err err = {0, ""};
	tagar_feed *f = NULL;
	if (!declares_other_encoding(s, len) && in_utf8(c->o, stderr, c->o->input, 0, &s, &len, &owned, msg, sizeof msg))
		snprintf(err.msg, sizeof err.msg, "%.200s: %.250s", c->o->input, msg);
	else
		f = tagar_feed_parse(s, len, c->o->input, &err);
	if (!f) {  /* nothing can be read from it: one error record for the feed */
		fprintf(stderr, "tagar-classify: %s\n", err.msg);
		if (!c->o->emit_feed)
			out_error_id(c->out, c->o->input, err.msg);
		free(owned);
		return EXIT_RECORDS;
	}
	if (tagar_feed_count(f) == 0)
		fprintf(stderr, "tagar-classify: %s: warning: the feed has no items\n", c->o->input);
	int rc = tag_items(c, f);
	if (c->o->emit_feed && tagar_feed_write(f, c->out, &err)) {
		if (errno != EPIPE)  /* a reader that went is main()'s to handle */
			fprintf(stderr, "tagar-classify: standard output: %s\n", err.msg);
		rc = EXIT_IO_ERROR;
	}
	tagar_feed_free(&f);
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
	FILE *f = fopen(path, "rb");
	char *buf = f ? in_read_all(f, &len, c->o->max_bytes) : NULL;
	const char *s = buf ? skip_bom(buf, &len) : NULL;
	if (f)
		fclose(f);
	if (!buf)
		snprintf(msg, sizeof msg, "%s", strerror(errno ? errno : EIO));
	else if (!in_utf8(c->o, stderr, path, 0, &s, &len, &owned, msg, sizeof msg) && html_name(name) &&
		 tagar_html_article(s, len, &ht, &hb, &err))
		snprintf(msg, sizeof msg, "%s", err.msg);
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
			out_json_record(c, &(tagar_record){.id = (char *)name}, sc);
	}
	if (msg[0]) {
		fprintf(stderr, "tagar-classify: %s: %s\n", path, msg);
		out_error_id(c->out, name, msg);
	}
	free(ht);
	free(hb);
	free(owned);
	free(buf);
	return msg[0] ? EXIT_RECORDS : 0;
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
		rc = rc ? rc : r;
		free(names[i]);
	}
	free(names);
	if (n == 0)
		fprintf(stderr, "tagar-classify: %s: warning: no .txt or .html file\n", dir);
	return rc;
}
