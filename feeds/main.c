/* main.c - tagar-feeds' command line: the poll (the default), `query` and
 * `retag`; the model, the signals, the exit status. */
#include "feeds.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler may only touch lock-free atomics");
atomic_int feeds_stop;

long long now_epoch(void)
{
	return (long long)time(NULL);
}

double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void on_signal(int sig)
{
	feeds_stop = sig;
}

static const char USAGE[] =
	"Usage: tagar-feeds [OPTIONS] --db FILE SOURCES...\n"
	"       tagar-feeds query --db FILE [--tag TAG] [--since DATE] [--feed URL] [--search WORDS] [--limit N]\n"
	"       tagar-feeds retag --db FILE [-m MODEL] [-j N]\n"
	"Fetches the feeds SOURCES name (OPML files, lists of URLs one a line, feed URLs\n"
	"or files), tags their new items and stores them in the SQLite archive FILE;\n"
	"each new item's JSON record goes to standard output, a summary to stderr.\n"
	"  -m, --model FILE        the model (default: $TAGAR_MODEL, else the installed default)\n"
	"      --db FILE           the archive (created when missing)\n"
	"      --per-tag-feeds DIR after the run, DIR/TAG.xml: an RSS feed per tag\n"
	"      --per-tag-items N   items in each per-tag feed (default 50)\n"
	"      --parallel N        transfers at once (default 8)\n"
	"  -j, --threads N         tagging threads (default: one per online CPU)\n"
	"      --update-changed    retag known items whose title or text changed\n"
	"      --retry-failed      fetch failing feeds now, whatever their backoff\n"
	"      --timeout S         a transfer's whole time limit, seconds (default 60)\n"
	"      --connect-timeout S connection time limit, seconds (default 10)\n"
	"      --max-bytes N       the largest feed body accepted (default 16 MiB)\n"
	"      --max-redirects N   redirects followed (default 5)\n"
	"      --backoff S         first retry delay of a failing feed, doubled at each\n"
	"                          failure (default 300), up to --backoff-max (86400)\n"
	"  -t, --threshold P       tags with a score of at least P (default: tuned thresholds)\n"
	"  -k, --top-k K           at most K tags per item\n"
	"  -q, --quiet             no summary\n"
	"  -h, --help, -V, --version\n"
	"Exit status: 0 all well, 1 some feed or source failed, 2 usage, 3 archive,\n"
	"model or output error, 128+N stopped by signal N.\n";

enum { OPT_DB = 256, OPT_PER_TAG, OPT_PER_TAG_ITEMS, OPT_PARALLEL, OPT_UPDATE, OPT_RETRY, OPT_TIMEOUT,
       OPT_CONNECT, OPT_MAX_BYTES, OPT_REDIRS, OPT_BACKOFF, OPT_BACKOFF_MAX, OPT_TAG, OPT_SINCE, OPT_FEED,
       OPT_SEARCH, OPT_LIMIT };

static const struct option LONGOPTS[] = {
	{"model", required_argument, NULL, 'm'}, {"db", required_argument, NULL, OPT_DB},
	{"per-tag-feeds", required_argument, NULL, OPT_PER_TAG},
	{"per-tag-items", required_argument, NULL, OPT_PER_TAG_ITEMS},
	{"parallel", required_argument, NULL, OPT_PARALLEL}, {"threads", required_argument, NULL, 'j'},
	{"update-changed", no_argument, NULL, OPT_UPDATE}, {"retry-failed", no_argument, NULL, OPT_RETRY},
	{"timeout", required_argument, NULL, OPT_TIMEOUT}, {"connect-timeout", required_argument, NULL, OPT_CONNECT},
	{"max-bytes", required_argument, NULL, OPT_MAX_BYTES}, {"max-redirects", required_argument, NULL, OPT_REDIRS},
	{"backoff", required_argument, NULL, OPT_BACKOFF}, {"backoff-max", required_argument, NULL, OPT_BACKOFF_MAX},
	{"threshold", required_argument, NULL, 't'}, {"top-k", required_argument, NULL, 'k'},
	{"tag", required_argument, NULL, OPT_TAG}, {"since", required_argument, NULL, OPT_SINCE},
	{"feed", required_argument, NULL, OPT_FEED}, {"search", required_argument, NULL, OPT_SEARCH},
	{"limit", required_argument, NULL, OPT_LIMIT},
	{"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0}};

static int usage_error(const char *fmt, const char *arg)
{
	fputs("tagar-feeds: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'tagar-feeds --help'.\n", stderr);
	return EXIT_USAGE;
}

/* A whole number in [lo, hi]. */
static int number(const char *s, long lo, long hi, long *v, const char *opt)
{
	char *end;
	errno = 0;
	long n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < lo || n > hi) {
		char msg[160];
		snprintf(msg, sizeof msg, "%s: '%%s' is not a whole number from %ld to %ld", opt, lo, hi);
		return usage_error(msg, s);
	}
	*v = n;
	return 0;
}

/* Seconds, fractions allowed, as milliseconds. */
static int seconds_ms(const char *s, long *ms, const char *opt)
{
	double v;
	if (tagar_parse_double(s, &v) || !(v > 0) || v > 86400) {
		char msg[120];
		snprintf(msg, sizeof msg, "%s: '%%s' is not a number of seconds (above 0, at most 86400)", opt);
		return usage_error(msg, s);
	}
	*ms = (long)(v * 1000 + 0.5);
	return 0;
}

static int parse_opt(options *o, int c, const char *arg)
{
	long v = 0;
	double d;
	switch (c) {
	case 'm': o->model_path = arg; return 0;
	case OPT_DB: o->db = arg; return 0;
	case OPT_PER_TAG: o->per_tag_dir = arg; return 0;
	case OPT_PER_TAG_ITEMS: return number(arg, 1, 100000, &v, "--per-tag-items") ? EXIT_USAGE : (o->per_tag_items = (int)v, 0);
	case OPT_PARALLEL: return number(arg, 1, 1000, &v, "--parallel") ? EXIT_USAGE : (o->parallel = (int)v, 0);
	case 'j': return number(arg, 1, 256, &v, "--threads") ? EXIT_USAGE : (o->threads = (int)v, 0);
	case OPT_UPDATE: o->update_changed = 1; return 0;
	case OPT_RETRY: o->retry_failed = 1; return 0;
	case OPT_TIMEOUT: return seconds_ms(arg, &o->timeout_ms, "--timeout");
	case OPT_CONNECT: return seconds_ms(arg, &o->connect_timeout_ms, "--connect-timeout");
	case OPT_MAX_BYTES: return number(arg, 1, LONG_MAX, &v, "--max-bytes") ? EXIT_USAGE : (o->max_bytes = (size_t)v, 0);
	case OPT_REDIRS: return number(arg, 0, 100, &v, "--max-redirects") ? EXIT_USAGE : (o->max_redirects = v ? v : -1, 0);
	case OPT_BACKOFF: return number(arg, 0, 86400 * 30L, &v, "--backoff") ? EXIT_USAGE : (o->backoff_base = v, 0);
	case OPT_BACKOFF_MAX: return number(arg, 0, 86400 * 365L, &v, "--backoff-max") ? EXIT_USAGE : (o->backoff_cap = v, 0);
	case 't':
		if (tagar_parse_double(arg, &d) || d < 0 || d > 1)
			return usage_error("--threshold: '%s' is not a number from 0 to 1", arg);
		o->choice.threshold = d;
		return 0;
	case 'k': return number(arg, 1, 100000, &v, "--top-k") ? EXIT_USAGE : (o->choice.top_k = (int)v, 0);
	case OPT_TAG: o->tag = arg; return 0;
	case OPT_SINCE: o->since = arg; return 0;
	case OPT_FEED: o->feed = arg; return 0;
	case OPT_SEARCH: o->search = arg; return 0;
	case OPT_LIMIT: return number(arg, 1, LONG_MAX, &v, "--limit") ? EXIT_USAGE : (o->limit = v, 0);
	case 'q': o->quiet = 1; return 0;
	case 'h': fputs(USAGE, stdout); return -1;
	case 'V': puts("tagar-feeds " TAGAR_VERSION); return -1;
	default: fputs("Try 'tagar-feeds --help'.\n", stderr); return EXIT_USAGE;
	}
}

static void defaults(options *o)
{
	*o = (options){.parallel = 8, .per_tag_items = 50, .backoff_base = 300, .backoff_cap = 86400,
		       .choice = {.threshold = -1}};
}

/* The query options only with query, the poll's only without. */
static int check_mode(const options *o, const char *mode, int nargs)
{
	if (!o->db)
		return usage_error("%s", "--db FILE is required");
	int q = mode && strcmp(mode, "query") == 0, retag = mode && strcmp(mode, "retag") == 0;
	if (!q && (o->tag || o->since || o->feed || o->search || o->limit))
		return usage_error("%s", "--tag, --since, --feed, --search and --limit are for 'tagar-feeds query'");
	if ((q || retag) && nargs)
		return usage_error("'%s' takes no SOURCES", mode);
	if (!q && !retag && nargs == 0)
		return usage_error("%s", "no SOURCES: name OPML files, lists of URLs or feed URLs");
	return 0;
}

static int parse_args(options *o, int argc, char **argv, const char **mode)
{
	defaults(o);
	*mode = NULL;
	if (argc > 1 && (strcmp(argv[1], "query") == 0 || strcmp(argv[1], "retag") == 0)) {
		*mode = argv[1];
		argv++;
		argc--;
	}
	int c, rc;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "m:j:t:k:qhV", LONGOPTS, NULL)) != -1)
		if ((rc = parse_opt(o, c, optarg)))
			return rc;
	o->sources = argv + optind;
	o->nsources = argc - optind;
	return check_mode(o, *mode, o->nsources);
}

/* --model, $TAGAR_MODEL, the model beside the program, the data dir. */
static const char *find_model(const options *o, char *buf, size_t n)
{
	return o->model_path ? o->model_path : tagar_default_model(buf, n);
}

/* The model's name in the archive: its file name and the hash of its bytes. */
static void model_id(const tagar_model *m, const char *path, char *id, size_t n)
{
	size_t len;
	const void *img = tagar_model_image(m, &len);
	const char *base = strrchr(path, '/');
	snprintf(id, n, "%s:%016llx", base ? base + 1 : path, (unsigned long long)tagar_hash(img, len));
}

static int with_model(const options *o, const char *mode)
{
	char buf[PATH_MAX + 64], id[PATH_MAX + 64];
	const char *path = find_model(o, buf, sizeof buf);
	tagar_err err = {0, ""};
	tagar_model *m = tagar_model_load(path, &err);
	if (!m) {
		fprintf(stderr, "tagar-feeds: %s\n", err.msg);
		return EXIT_IO_ERROR;
	}
	model_id(m, path, id, sizeof id);
	int rc = mode ? run_retag(o, m, id) : run_feeds(o, m, id);
	tagar_model_free(&m);
	return rc;
}

int main(int argc, char **argv)
{
	argv[0] = "tagar-feeds";
	signal(SIGPIPE, SIG_IGN);  /* a closed pipe is a write error, reported */
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	options o;
	const char *mode;
	int rc = parse_args(&o, argc, argv, &mode);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (mode && strcmp(mode, "query") == 0)
		return run_query(&o);
	return with_model(&o, mode);
}
