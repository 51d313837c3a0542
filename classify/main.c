/* tagar-classify - tags for one article, a JSONL batch, or an evaluation. */
#include "output.h"
#include "batch.h"
#include "inputs.h"
#include "info.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static const char USAGE[] =
	"Usage: tagar-classify [OPTION]... [FILE]\n"
	"       tagar-classify [OPTION]... --dir=DIR\n"
	"Tag Indonesian news articles.  FILE (or standard input) is one plain-text\n"
	"article whose first line is its title, one HTML page, an RSS or Atom feed,\n"
	"or JSON Lines (one article a line: {\"id\",\"title\",\"text\"}); the format is\n"
	"detected from the first bytes.  Batches (JSON Lines, TSV, fastText lines,\n"
	"feeds, directories) give one JSON line out per record in, in order.\n"
	"\n"
	"  -m, --model=MODEL        model file (default: $TAGAR_MODEL, else the default model)\n"
	"  -b, --batch              input is JSON Lines (detected when it starts with '{')\n"
	"      --text               input is one plain-text article, even if it starts with '{'\n"
	"      --html               input is one HTML page: its article text is tagged\n"
	"      --feed               input is an RSS 2.0 or Atom feed: one record per item\n"
	"      --emit=FORMAT        feeds: jsonl (default), or feed: the feed back with a\n"
	"                           <category domain=\"tagar\"> per tag (Atom: scheme/term)\n"
	"      --tsv                input is TSV lines: id<TAB>title<TAB>text\n"
	"      --fasttext           input is fastText lines (__label__ tokens are ignored)\n"
	"      --dir=DIR            tag every .txt and .html file of DIR, named by file\n"
	"      --strict             reject a record with invalid UTF-8 (default: repair it\n"
	"                           with U+FFFD and warn)\n"
	"      --keep-going         a record that cannot be tagged gets an error record in\n"
	"                           its place and the run goes on (always so; exit status 1)\n"
	"      --show-text          print the text the tagger sees (after HTML extraction\n"
	"                           and boilerplate removal) instead of tags\n"
	"      --no-title           plain text: the first line is not a title\n"
	"      --json               one-article output as JSON\n"
	"  -t, --threshold=P        assign tags whose calibrated score is at least P,\n"
	"                           instead of each tag's tuned threshold\n"
	"  -k, --top-k=K            at most K tags per article\n"
	"  -a, --all-scores         also report every tag's score\n"
	"  -e, --explain[=N]        the N (default 5) terms that weighed most for each tag,\n"
	"                           and the tag vocabulary's aliases found for it\n"
	"      --max-bytes=N        longest record (JSONL line, article) accepted: 1024 to\n"
	"                           1000000000000, default 16777216; a whole page or\n"
	"                           feed may be 4 times that\n"
	"  -j, --threads=N          batch: worker threads (default: all cores);\n"
	"                           output order and bytes do not depend on N\n"
	"      --eval=FILE          labelled JSONL in: per-tag precision/recall/F1 out\n"
	"      --info               print the model's metadata and exit (--json: as JSON);\n"
	"                           with its tag vocabulary's aliases per tag\n"
	"      --vocab              print the model's tag vocabulary (the tagar-train\n"
	"                           --vocab file format) and exit\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n"
	"\n"
	"Exit status: 0 success, 1 some input records could not be tagged,\n"
	"2 usage error, 3 input/output or model error.\n";

static int bad_value(const char *opt, const char *v)
{
	fprintf(stderr, "tagar-classify: invalid value '%s' for --%s (see --help)\n", v, opt);
	return EXIT_USAGE;
}

enum { O_TEXT = 256, O_NOTITLE, O_JSON, O_EVAL, O_INFO, O_HTML, O_FEED, O_EMIT, O_TSV, O_FASTTEXT, O_DIR,
       O_STRICT, O_KEEP, O_SHOW, O_MAXB, O_VOCAB };

static const struct option LONGOPTS[] = {
	{"model", 1, 0, 'm'}, {"batch", 0, 0, 'b'}, {"text", 0, 0, O_TEXT}, {"no-title", 0, 0, O_NOTITLE},
	{"json", 0, 0, O_JSON}, {"threshold", 1, 0, 't'}, {"top-k", 1, 0, 'k'}, {"all-scores", 0, 0, 'a'},
	{"explain", 2, 0, 'e'}, {"threads", 1, 0, 'j'}, {"eval", 1, 0, O_EVAL}, {"info", 0, 0, O_INFO}, {"vocab", 0, 0, O_VOCAB}, {"help", 0, 0, 'h'},
	{"version", 0, 0, 'V'}, {"html", 0, 0, O_HTML}, {"feed", 0, 0, O_FEED}, {"emit", 1, 0, O_EMIT},
	{"tsv", 0, 0, O_TSV}, {"fasttext", 0, 0, O_FASTTEXT}, {"dir", 1, 0, O_DIR}, {"strict", 0, 0, O_STRICT},
	{"keep-going", 0, 0, O_KEEP}, {"show-text", 0, 0, O_SHOW}, {"max-bytes", 1, 0, O_MAXB}, {0, 0, 0, 0}};

/* One input format option; two different ones exclude each other. */
static int set_format(options *o, int f)
{
	if (o->format && o->format != f) {
		fputs("tagar-classify: input format options (--batch, --text, --html, --feed, --tsv,\n"
		      "--fasttext) exclude each other\n", stderr);
		return EXIT_USAGE;
	}
	o->format = f;
	return 0;
}

static int option(options *o, int c, const char *a)
{
	double d;
	switch (c) {
	case 'm': o->model_path = a; return 0;
	case 'b': return set_format(o, IN_JSONL);
	case O_TEXT: return set_format(o, IN_TEXT);
	case O_HTML: return set_format(o, IN_HTML);
	case O_FEED: return set_format(o, IN_FEED);
	case O_TSV: return set_format(o, IN_TSV);
	case O_FASTTEXT: return set_format(o, IN_FASTTEXT);
	case O_EMIT:
		if (strcmp(a, "feed") != 0 && strcmp(a, "jsonl") != 0)
			return bad_value("emit", a);
		o->emit_feed = strcmp(a, "feed") == 0;
		return 0;
	case O_DIR: o->dir = a; return 0;
	case O_STRICT: o->strict = 1; return 0;
	case O_KEEP: return 0;  /* the only behaviour; accepted for scripts that say so */
	case O_SHOW: o->show_text = 1; return 0;
	case O_NOTITLE: o->no_title = 1; return 0;
	case O_JSON: o->json = 1; return 0;
	case 't':
		if (tagar_parse_double(a, &d) || d < 0 || d > 1)
			return bad_value("threshold", a);
		o->threshold = d;
		return 0;
	case 'k':
		if (tagar_parse_double(a, &d) || d < 1 || d > INT_MAX || d != (int)d)
			return bad_value("top-k", a);
		o->top_k = (int)d;
		return 0;
	case 'a': o->all = 1; return 0;
	case 'e':
		o->explain = 5;
		if (a && (tagar_parse_double(a, &d) || d < 1 || d > 1000 || d != (int)d))
			return bad_value("explain", a);
		if (a)
			o->explain = (int)d;
		return 0;
	case 'j':
		if (tagar_parse_double(a, &d) || d < 1 || d > 256 || d != (int)d)
			return bad_value("threads", a);
		o->threads = (int)d;
		return 0;
	case O_EVAL: o->eval = a; return 0;
	case O_INFO: o->info = 1; return 0;
	case O_VOCAB: o->info = 2; return 0;
	case O_MAXB:
		if (tagar_parse_double(a, &d) || d < 1024 || d > 1e12 || d != (double)(size_t)d) {
			fprintf(stderr, "tagar-classify: invalid value '%s': --max-bytes must be an integer "
				"from 1024 to 1000000000000\n", a);
			return EXIT_USAGE;
		}
		o->max_bytes = (size_t)d;
		return 0;
	case 'h': fputs(USAGE, stdout); exit(0);
	case 'V': printf("tagar-classify %s\n", TAGAR_VERSION); exit(0);
	default: fputs("Try 'tagar-classify --help'.\n", stderr); return EXIT_USAGE;
	}
}

static int parse_args(options *o, int argc, char **argv)
{
	int c, rc;
	o->threshold = -1;
	o->max_bytes = 16 << 20;
	while ((c = getopt_long(argc, argv, "m:bt:k:ae::j:hV", LONGOPTS, NULL)) != -1)
		if ((rc = option(o, c, optarg)))
			return rc;
	if (argc - optind > 1) {
		fputs("tagar-classify: at most one input FILE\nTry 'tagar-classify --help'.\n", stderr);
		return EXIT_USAGE;
	}
	o->input = optind < argc ? argv[optind] : "-";
	if (o->dir && (optind < argc || o->format)) {
		fputs("tagar-classify: --dir takes no FILE and no input format option\n", stderr);
		return EXIT_USAGE;
	}
	if (o->emit_feed && o->format && o->format != IN_FEED) {
		fputs("tagar-classify: --emit=feed needs a feed as input\n", stderr);
		return EXIT_USAGE;
	}
	if (o->dir)
		o->input = o->dir;
	return 0;
}

/* ------------------------------------------------------------- model */

/* --model, else the default model (tagar_default_model). */
static const char *find_model(const options *o, char *buf, size_t n)
{
	return o->model_path ? o->model_path : tagar_default_model(buf, n);
}

/* ------------------------------------------------------------- modes */

static const tagar_tag_score *classify_record(ctx *c, const tagar_record *r)
{
	return tagar_classify(c->cl, r->title, strlen(r->title), r->text, strlen(r->text));
}

static int run_eval(ctx *c)
{
	tagar_corpus cor = {0};
	tagar_err err = {0, ""};
	int nbad = 0, T = tagar_model_ntags(c->m);
	FILE *msgs = tagar_prefixed_stream(stderr, "tagar-classify: ");  /* "FILE:LINE: ..." */
	int failed = tagar_corpus_read(&cor, c->o->eval, TAGAR_FMT_JSONL, msgs ? msgs : stderr, &nbad, &err);
	if (msgs)
		fclose(msgs);
	if (failed) {
		fprintf(stderr, "tagar-classify: %s\n", err.msg);
		tagar_corpus_free(&cor);
		return EXIT_IO_ERROR;
	}
	tagar_counts *cnt = calloc((size_t)T, sizeof *cnt);
	const char **names = malloc((size_t)T * sizeof *names);
	int *picked = malloc((size_t)T * sizeof *picked + 1);
	const tagar_choice rule = out_choice(c->o);
	int rc = cnt && names && picked ? 0 : EXIT_IO_ERROR;
	for (int t = 0; !rc && t < T; t++)
		names[t] = tagar_model_tag(c->m, t);
	for (int d = 0; !rc && d < cor.n; d++) {
		const tagar_tag_score *s = classify_record(c, &cor.rec[d]);
		if (!s) {
			fprintf(stderr, "tagar-classify: %s: record %d: %s\n", c->o->eval, d + 1,
				tagar_classify_error(c->cl));
			rc = EXIT_IO_ERROR;
			break;
		}
		int n = tagar_choose(s, T, &rule, picked);
		for (int i = 0, k = 0; i < T; i++) {
			int gold = 0, pred = k < n && picked[k] == i;
			k += pred;
			for (int k = 0; k < cor.rec[d].ntags; k++)
				gold |= strcmp(cor.rec[d].tags[k], names[s[i].tag]) == 0;
			tagar_counts *x = &cnt[s[i].tag];
			x->support += gold;
			x->tp += gold && pred;
			x->fp += !gold && pred;
			x->fn += gold && !pred;
		}
	}
	if (!rc)
		(c->o->json ? tagar_report_json : tagar_report_text)(c->out, cnt, names, T);
	if (!rc && nbad)
		fprintf(stderr, "tagar-classify: %s: %d malformed line(s) not evaluated\n", c->o->eval, nbad);
	free(cnt);
	free(names);
	free(picked);
	tagar_corpus_free(&cor);
	return rc ? rc : nbad ? EXIT_RECORDS : 0;
}

/* The first bytes of fd, enough for in_sniff(): up to the first non-blank
 * line's newline, or 64 bytes past its start, or the end.  Each read takes
 * what a pipe has ready, so a live stream is not waited on for more.
 * *buf is malloc'ed with room for *cap + 1 bytes; -1 on a read error. */
static int read_head(int fd, char **buf, size_t *len, size_t *cap)
{
	*cap = 1 << 16;
	*len = 0;
	if (!(*buf = malloc(*cap + 1)))
		return -1;
	for (;;) {
		const char *s = *buf, *end = s + *len;
		if (*len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3;
		while (s < end && strchr(" \t\r\n", *s))
			s++;
		if ((s < end && memchr(s, '\n', (size_t)(end - s))) || end - s >= 64 || *len == *cap)
			return 0;
		ssize_t k = tagar_read(fd, *buf + *len, *cap - *len);
		if (k <= 0)
			return k < 0 ? -1 : 0;
		*len += (size_t)k;
	}
}

/* A whole input read into memory, by its (given or sniffed) format; buf
 * holds the first `have` bytes of fd (taken over). */
static int run_whole(ctx *c, int fd, char *buf, size_t have, size_t cap)
{
	size_t len;
	errno = 0;
	buf = tagar_read_fd(fd, buf, have, cap, &len, c->o->max_bytes * 4);
	if (!buf && errno == EFBIG) {
		fprintf(stderr, "tagar-classify: %s: input over %zu bytes: a whole document (article, page, "
			"feed) may be 4 times --max-bytes; stream records with --batch, --tsv or --fasttext\n",
			c->o->input, c->o->max_bytes * 4);
		return EXIT_RECORDS;
	}
	if (!buf) {
		fprintf(stderr, "tagar-classify: %s: read error\n", c->o->input);
		return EXIT_IO_ERROR;
	}
	/* UTF-16 and UTF-32 are read as UTF-8 (a feed's own bytes go to libxml2) */
	char *doc = buf, *conv = NULL, msg[256];
	size_t dlen = len;
	if (in_wide(&doc, &dlen, &conv, msg, sizeof msg)) {
		fprintf(stderr, "tagar-classify: %s: %s\n", c->o->input, msg);
		free(buf);
		return EXIT_RECORDS;
	}
	int fmt = c->o->format ? c->o->format : in_sniff(doc, dlen), rc;
	if (c->o->emit_feed && fmt != IN_FEED) {
		fprintf(stderr, "tagar-classify: %s: --emit=feed needs a feed as input\n", c->o->input);
		rc = EXIT_USAGE;
	} else if (fmt == IN_FEED) {
		rc = in_feed(c, buf, len);
	} else if (fmt == IN_HTML || fmt == IN_TEXT) {
		rc = in_article(c, doc, dlen, fmt == IN_HTML);
	} else {  /* JSONL or fastText after more leading white space than
		   * read_head looks at: from memory */
		options o = *c->o;
		ctx bc = *c;
		o.format = fmt;
		bc.o = &o;
		rc = tagar_batch_run(&bc, &(batch_input){-1, doc, dlen});
	}
	free(conv);
	free(buf);
	return rc;
}

static int line_format(int f)
{
	return f == IN_JSONL || f == IN_TSV || f == IN_FASTTEXT;
}

/* Line formats (given, or sniffed from the first bytes: JSONL, fastText)
 * are streamed: memory does not grow with the input, and from a pipe each
 * record is written as soon as it is tagged.  The rest is read whole. */
static int run_fd(ctx *c, int fd)
{
	char *head = NULL;
	size_t len = 0, cap = 0;
	int f = c->o->format, rc;
	if (!line_format(f) && read_head(fd, &head, &len, &cap)) {
		fprintf(stderr, "tagar-classify: %s: %s\n", c->o->input, head ? "read error" : "out of memory");
		free(head);
		return EXIT_IO_ERROR;
	}
	int sniffed = f == IN_AUTO && !c->o->emit_feed ? in_sniff(head, len) : IN_AUTO;
	if (line_format(f) || line_format(sniffed)) {
		options o = *c->o;
		ctx bc = *c;
		o.format = line_format(f) ? f : sniffed;
		bc.o = &o;
		rc = tagar_batch_run(&bc, &(batch_input){fd, head, len});
		free(head);
	} else {
		rc = run_whole(c, fd, head, len, cap);
	}
	return rc;
}

static int run_input(ctx *c)
{
	if (c->o->dir)
		return in_dir(c, c->o->dir);
	int fd = strcmp(c->o->input, "-") == 0 ? STDIN_FILENO : open(c->o->input, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "tagar-classify: %s: %s\n", c->o->input, strerror(errno));
		return EXIT_IO_ERROR;
	}
	int rc = run_fd(c, fd);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

/* Whether standard output is a pipe whose reader has gone (`| head`): a
 * write error then is ordinary shell use, not a failure to report. */
static int reader_gone(void)
{
	struct pollfd p = {STDOUT_FILENO, POLLOUT, 0};
	return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

/* Ends the run quietly, as GNU tools do when their reader goes: killed by
 * SIGPIPE (status 141 in the shell).  What was written is a prefix of the
 * full output, as after any write error. */
static void end_as_sigpipe(void)
{
	signal(SIGPIPE, SIG_DFL);
	raise(SIGPIPE);
	_exit(128 + SIGPIPE);
}

int main(int argc, char **argv)
{
	/* SIGPIPE is ignored while running, so a closed pipe is a write error
	 * that stops the batch in order (see batch.c); main() then ends the
	 * run as SIGPIPE would have, without a message */
	signal(SIGPIPE, SIG_IGN);
	argv[0] = "tagar-classify";  /* getopt's messages start with argv[0] */
	signal(SIGXFSZ, SIG_IGN);  /* the file size limit too: EFBIG, reported below */
	off_t start = out_start();
	options o = {0};
	int rc = parse_args(&o, argc, argv);
	if (rc)
		return rc;
	char buf[PATH_MAX + 64];
	const char *path = find_model(&o, buf, sizeof buf);
	tagar_err err = {0, ""};
	tagar_model *m = tagar_model_load(path, &err);
	if (!m) {
		fprintf(stderr, "tagar-classify: %s\n", err.msg);
		return EXIT_IO_ERROR;
	}
	ctx c = {&o, m, tagar_classifier_new(m, &err), stdout, NULL, NULL};
	c.contrib = malloc((size_t)(o.explain ? o.explain : 1) * sizeof *c.contrib);
	if (!c.cl || !c.contrib) {
		fprintf(stderr, "tagar-classify: %s\n", c.cl ? tagar_errmsg(TAGAR_ENOMEM) : err.msg);
		rc = EXIT_IO_ERROR;
	} else if (o.info) {
		rc = o.info == 2 ? vocab_print(&c, path) : info_print(&c, path);
	} else if (o.eval) {
		rc = run_eval(&c);
	} else {
		rc = run_input(&c);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;
		if (reader_gone())
			end_as_sigpipe();
		out_keep_whole_lines(start);
		fprintf(stderr, "tagar-classify: standard output: %s%s\n", strerror(e),
			e == EFBIG ? " (over the file size limit: see ulimit -f); it ends with the last whole record" : "");
		rc = EXIT_IO_ERROR;
	}
	free(c.contrib);
	tagar_cleaner_free(&c.head);
	tagar_classifier_free(&c.cl);
	tagar_model_free(&m);
	return rc;
}
