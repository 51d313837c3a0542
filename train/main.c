/* tagar-train - labelled articles in, a tagar model out. */
#include "tagar.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_DATA = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

static const char USAGE[] =
	"Usage: tagar-train [OPTION]... -o MODEL FILE\n"
	"Train one SVM per tag on labelled articles (JSON Lines or fastText lines;\n"
	"FILE may be - for standard input) and write a tagar model.\n"
	"\n"
	"  -o, --output=MODEL       model file to write (required)\n"
	"  -f, --format=FMT         auto (default), jsonl or fasttext\n"
	"  -s, --solver=NAME        liblinear (default) or libsvm\n"
	"      --kernel=NAME        libsvm kernel: linear (default), rbf or poly\n"
	"  -C, --cost=C             SVM cost (default 1)\n"
	"  -g, --gamma=G            RBF/polynomial gamma (default 1)\n"
	"      --degree=D           polynomial degree (default 2)\n"
	"      --coef0=R            polynomial coef0 (default 0)\n"
	"      --grid               choose C (and gamma) by K-fold cross-validation\n"
	"      --cv=K               K folds (default 5) and print the per-tag CV report\n"
	"      --class-weight=W     none (default), sqrt or balanced weight for rare tags\n"
	"  -n, --ngrams=N           word n-grams 1..N (default 1)\n"
	"      --min-df=N           drop terms in fewer than N documents (default 2)\n"
	"      --max-df=F           drop terms in more than fraction F of documents (default 0.5)\n"
	"      --stem=LANG          auto (default: english for English text, else none),\n"
	"                           none, indonesian or english (Snowball stemmers)\n"
	"      --stopwords=LIST     id,en (default), id, en, none, or a file of words\n"
	"      --numbers=MODE       keep (default) or drop number tokens\n"
	"      --title-weight=W     a title word counts W times (default 2)\n"
	"      --boilerplate=FILE   cut the boilerplate patterns of FILE from every text\n"
	"                           (stored in the model); none: keep the text whole\n"
	"                           (default: the project's data/boilerplate.txt)\n"
	"      --vocab=FILE         tag vocabulary: aliases of each tag (data/README.md;\n"
	"                           SKOS in Turtle when FILE ends in .ttl),\n"
	"                           matched in title, lead and rest and added to the\n"
	"                           SVM's decision with a weight chosen by CV; tags\n"
	"                           without an entry (all, without --vocab) have their\n"
	"                           own name as alias; none: no vocabulary at all\n"
	"      --vocab-names=WHEN   yes (default) or no: tags without a vocabulary entry\n"
	"                           get their own name as alias\n"
	"      --vocab-zones=T,L,R  weights of alias hits in title, lead, rest (default 1,1,1)\n"
	"      --lead-tokens=N      the lead is the text's first N tokens (default 50)\n"
	"      --lead-view=W        the title's and the lead's words are features a\n"
	"                           second time, of their own, counting W (default 1;\n"
	"                           0: none)\n"
	"      --max-fp=R           a tag's threshold lets through at most R out-of-fold\n"
	"                           negatives per example of the tag (default 0.5; 0: no cap)\n"
	"      --micro-floor=P      a tag is given only at a calibrated probability of\n"
	"                           P or more: auto (default: half the CV micro-F1\n"
	"                           without a floor), off, or 0 < P < 1\n"
	"      --micro-floor-examples=N\n"
	"                           the floor holds for tags with at least N examples\n"
	"                           (default 10)\n"
	"      --fbr=F              keep threshold 0 for tags whose tuned threshold\n"
	"                           reaches a CV F1 below F (default 0: off)\n"
	"      --weights=TYPE       stored linear weights: i8 (default; int8 with a\n"
	"                           scale per term) or f32\n"
	"      --eps=E              solver stopping tolerance (default 0.1)\n"
	"      --seed=N             seed for folds and solvers (default 1)\n"
	"  -j, --threads=N          worker processes (default: all cores)\n"
	"      --strict             fail on any malformed input line\n"
	"      --max-tags=N         refuse more than N distinct tags (default 10000)\n"
	"      --max-terms=N        refuse a vocabulary over N terms (default 5000000)\n"
	"  -q, --quiet              no progress or summary on stderr\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n"
	"\n"
	"Exit status: 0 success, 1 unusable data or training failure,\n"
	"2 usage error, 3 input/output error.\n";

typedef struct {
	const char *out, *in, *stopfile;
	const char *boilerfile;  /* NULL: the default file; "none": off */
	char boilerpath[PATH_MAX + 64];  /* the patterns file read, "" when none */
	tagar_format fmt;
	tagar_text_opts text;
	tagar_train_opts train;
	tagar_train_ctl ctl;
	int strict, quiet, cv_print;
	int vocab_none, vnames_off;
} options;

static int bad_value(const char *opt, const char *v)
{
	fprintf(stderr, "tagar-train: invalid value '%s' for --%s (see --help)\n", v, opt);
	return EXIT_USAGE;
}

static int num(const char *opt, const char *v, double lo, double hi, double *out)
{
	double d;
	if (tagar_parse_double(v, &d) || d < lo || d > hi)
		return bad_value(opt, v);
	*out = d;
	return 0;
}

/* --micro-floor: auto (-1), off (0) or a probability strictly between 0
 * and 1 (0 and 1 are refused: "off" says the first, and the second would
 * give no tag at all) */
static int micro_floor(const char *v, double *out)
{
	if (strcmp(v, "auto") == 0 || strcmp(v, "off") == 0) {
		*out = strcmp(v, "auto") == 0 ? -1 : 0;
		return 0;
	}
	if (num("micro-floor", v, 0, 1, out))
		return EXIT_USAGE;  /* num() said so */
	if (*out == 0 || *out == 1) {
		fprintf(stderr, "tagar-train: invalid value '%s' for --micro-floor: a probability "
			"above 0 and below 1, auto or off\n", v);
		return EXIT_USAGE;
	}
	return 0;
}

static int integer(const char *opt, const char *v, long lo, long hi, int *out)
{
	double d;
	if (num(opt, v, (double)lo, (double)hi, &d))
		return EXIT_USAGE;  /* num() said so */
	if (d != (long)d)
		return bad_value(opt, v);
	*out = (int)d;
	return 0;
}

static int pick(const char *opt, const char *v, const char *const *names, int *out)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			return 0;
		}
	return bad_value(opt, v);
}

static int stopwords(options *o, const char *v)
{
	if (strcmp(v, "none") == 0)
		o->text.stopwords = 0;
	else if (strcmp(v, "id") == 0)
		o->text.stopwords = TAGAR_STOP_ID;
	else if (strcmp(v, "en") == 0)
		o->text.stopwords = TAGAR_STOP_EN;
	else if (strcmp(v, "id,en") == 0 || strcmp(v, "en,id") == 0)
		o->text.stopwords = TAGAR_STOP_ID | TAGAR_STOP_EN;
	else {
		o->text.stopwords = TAGAR_STOP_FILE;
		o->stopfile = v;
	}
	return 0;
}

/* --vocab FILE, or none: no lexical evidence at all. */
static int vocab_option(options *o, const char *a)
{
	o->vocab_none = strcmp(a, "none") == 0;
	o->ctl.vocab_path = o->vocab_none ? NULL : a;
	return 0;
}

/* --vocab-zones T,L,R: three weights, not all zero. */
static int zone_weights(options *o, const char *a)
{
	char buf[128];
	double *z = o->ctl.vocab_zone;
	if (strlen(a) >= sizeof buf)
		return bad_value("vocab-zones", a);
	strcpy(buf, a);
	char *p = buf;
	for (int i = 0; i < 3; i++) {
		char *end = strchr(p, ',');
		if ((i < 2) != (end != NULL))
			return bad_value("vocab-zones", a);
		if (end)
			*end = 0;
		if (tagar_parse_double(p, &z[i]) || z[i] < 0 || z[i] > 100)
			return bad_value("vocab-zones", a);
		p = end + 1;
	}
	return z[0] + z[1] + z[2] > 0 ? 0 : bad_value("vocab-zones", a);
}

/* --kernel has no short option: -k is --top-k in tagar-classify */
enum { O_KERNEL = 256, O_DEGREE, O_COEF0, O_GRID, O_CV, O_CW, O_MINDF, O_MAXDF, O_STEM, O_STOP, O_NUM,
       O_TITLE, O_SEED, O_STRICT, O_EPS, O_FBR, O_MAXFP, O_MICROFLOOR, O_FLOOREX, O_WEIGHTS, O_MAXTAGS,
       O_MAXTERMS, O_BOIL, O_VOCAB, O_VNAMES, O_VZONES, O_LEAD, O_LVIEW };

static const struct option LONGOPTS[] = {
	{"output", 1, 0, 'o'}, {"format", 1, 0, 'f'}, {"solver", 1, 0, 's'}, {"kernel", 1, 0, O_KERNEL},
	{"cost", 1, 0, 'C'}, {"gamma", 1, 0, 'g'}, {"degree", 1, 0, O_DEGREE}, {"coef0", 1, 0, O_COEF0},
	{"grid", 0, 0, O_GRID}, {"cv", 1, 0, O_CV}, {"class-weight", 1, 0, O_CW}, {"ngrams", 1, 0, 'n'},
	{"min-df", 1, 0, O_MINDF}, {"max-df", 1, 0, O_MAXDF}, {"stem", 1, 0, O_STEM},
	{"stopwords", 1, 0, O_STOP}, {"numbers", 1, 0, O_NUM}, {"title-weight", 1, 0, O_TITLE},
	{"seed", 1, 0, O_SEED}, {"threads", 1, 0, 'j'}, {"strict", 0, 0, O_STRICT}, {"eps", 1, 0, O_EPS}, {"fbr", 1, 0, O_FBR}, {"max-fp", 1, 0, O_MAXFP}, {"micro-floor", 1, 0, O_MICROFLOOR}, {"micro-floor-examples", 1, 0, O_FLOOREX}, {"weights", 1, 0, O_WEIGHTS}, {"max-tags", 1, 0, O_MAXTAGS}, {"max-terms", 1, 0, O_MAXTERMS},
	{"boilerplate", 1, 0, O_BOIL},
	{"vocab", 1, 0, O_VOCAB}, {"vocab-names", 1, 0, O_VNAMES}, {"vocab-zones", 1, 0, O_VZONES},
	{"lead-tokens", 1, 0, O_LEAD}, {"lead-view", 1, 0, O_LVIEW},
	{"quiet", 0, 0, 'q'}, {"help", 0, 0, 'h'}, {"version", 0, 0, 'V'}, {0, 0, 0, 0}};

static int option(options *o, int c, const char *a)
{
	static const char *const fmts[] = {"auto", "jsonl", "fasttext", NULL};
	static const char *const solvers[] = {"liblinear", "libsvm", NULL};
	static const char *const kernels[] = {"linear", "poly", "rbf", NULL};
	static const char *const weights[] = {"none", "sqrt", "balanced", NULL};
	static const char *const stems[] = {"auto", "none", "indonesian", "english", NULL};
	static const char *const numbers[] = {"keep", "drop", NULL};
	static const char *const wtypes[] = {"f32", "i8", NULL};
	static const char *const yesno[] = {"yes", "no", NULL};
	int v = 0;
	double seed;
	switch (c) {
	case 'o': o->out = a; return 0;
	case 'f': if (pick("format", a, fmts, &v)) return EXIT_USAGE; o->fmt = (tagar_format)v; return 0;
	case 's': return pick("solver", a, solvers, &o->train.solver);
	case O_KERNEL: return pick("kernel", a, kernels, &o->train.kernel);
	case 'C': return num("cost", a, 1e-6, 1e6, &o->train.C);
	case 'g': return num("gamma", a, 1e-9, 1e6, &o->train.gamma);
	case O_DEGREE: return integer("degree", a, 1, 10, &o->train.degree);
	case O_COEF0: return num("coef0", a, -1e6, 1e6, &o->train.coef0);
	case O_GRID: o->ctl.grid = 1; return 0;
	case O_CV: o->cv_print = 1; return integer("cv", a, 2, 100, &o->train.folds);
	case O_CW: return pick("class-weight", a, weights, &o->train.class_weight);
	case 'n': return integer("ngrams", a, 1, 8, &o->text.ngram_max);
	case O_MINDF: return num("min-df", a, 1, 1e9, &o->train.min_df_count);
	case O_MAXDF: return num("max-df", a, 1e-6, 1, &o->train.max_df);
	case O_STEM: if (pick("stem", a, stems, &v)) return EXIT_USAGE; o->text.stem = v - 1; return 0;
	case O_STOP: return stopwords(o, a);
	case O_NUM: return pick("numbers", a, numbers, &o->text.drop_numbers);
	case O_TITLE: return num("title-weight", a, 0, 100, &o->text.title_weight);
	case O_SEED: if (num("seed", a, 0, 4e18, &seed)) return EXIT_USAGE; o->train.seed = (uint64_t)seed; return 0;
	case 'j': return integer("threads", a, 1, 1024, &o->train.threads);
	case O_STRICT: o->strict = 1; return 0;
	case O_EPS: return num("eps", a, 1e-8, 10, &o->train.eps);
	case O_FBR: return num("fbr", a, 0, 1, &o->train.fbr);
	case O_MAXFP: return num("max-fp", a, 0, 1e6, &o->train.max_fp);
	case O_MICROFLOOR: return micro_floor(a, &o->train.micro_floor);
	case O_FLOOREX: return integer("micro-floor-examples", a, 1, INT_MAX, &o->train.micro_floor_examples);
	case O_MAXTAGS: return integer("max-tags", a, 1, 100000, &o->train.max_tags);
	case O_MAXTERMS:
		if (integer("max-terms", a, 1, 2000000000, &v))
			return EXIT_USAGE;
		o->train.max_terms = v;
		return 0;
	case O_WEIGHTS:
		if (pick("weights", a, wtypes, &v))
			return EXIT_USAGE;
		o->train.quantize = v == 1;
		return 0;
	case O_BOIL: o->boilerfile = a; return 0;
	case O_VOCAB: return vocab_option(o, a);
	case O_VNAMES:
		if (pick("vocab-names", a, yesno, &v))
			return EXIT_USAGE;
		o->vnames_off = v == 1;
		return 0;
	case O_VZONES: return zone_weights(o, a);
	case O_LEAD:
		if (integer("lead-tokens", a, 1, 100000, &o->ctl.vocab_lead))
			return EXIT_USAGE;
		o->text.lead_tokens = o->ctl.vocab_lead;  /* one lead for the vocabulary and the lead view */
		return 0;
	case O_LVIEW: return num("lead-view", a, 0, 100, &o->text.lead_view);
	case 'q': o->quiet = 1; return 0;
	case 'h': fputs(USAGE, stdout); exit(0);
	case 'V': printf("tagar-train %s\n", TAGAR_VERSION); exit(0);
	default: fputs("Try 'tagar-train --help'.\n", stderr); return EXIT_USAGE;
	}
}

static int parse_args(options *o, int argc, char **argv)
{
	int c, rc;
	while ((c = getopt_long(argc, argv, "o:f:s:C:g:n:j:qhV", LONGOPTS, NULL)) != -1)
		if ((rc = option(o, c, optarg)))
			return rc;
	if (optind != argc - 1 || !o->out) {
		fprintf(stderr, "tagar-train: %s\nTry 'tagar-train --help'.\n",
			!o->out ? "the model file is required (-o MODEL)" : "exactly one input FILE is required");
		return EXIT_USAGE;
	}
	o->in = argv[optind];
	return 0;
}

static tagar_stopset *make_stopset(const options *o)
{
	size_t len = 0;
	char *words = NULL;
	if (o->stopfile && !(words = tagar_read_file(o->stopfile, &len))) {
		fprintf(stderr, "tagar-train: %s: %s\n", o->stopfile, strerror(errno));
		return NULL;
	}
	tagar_stopset *s = tagar_stopset_new(o->text.stopwords, words, len);
	free(words);
	return s;
}

/* Reads and checks the boilerplate patterns into ctl; sets the text option.
 * Returns 0 or an exit status. */
static int load_boilerplate(options *o, char **patterns)
{
	char buf[PATH_MAX + 64];
	const char *path = o->boilerfile ? o->boilerfile : tagar_find_data("data", "boilerplate.txt", buf, sizeof buf);
	size_t len = 0;
	o->text.boilerplate = 0;
	if (!path) {  /* a build run outside its tree: say so rather than fail */
		fputs("tagar-train: warning: boilerplate.txt not found; the text is kept whole "
		      "(--boilerplate FILE or none)\n", stderr);
		return 0;
	}
	if (strcmp(path, "none") == 0)
		return 0;
	snprintf(o->boilerpath, sizeof o->boilerpath, "%s", path);
	if (!(*patterns = tagar_read_file(path, &len))) {
		fprintf(stderr, "tagar-train: %s: cannot read the boilerplate patterns: %s\n", path, strerror(errno));
		return EXIT_IO;
	}
	tagar_err err = {0, ""};
	tagar_cleaner *cl = tagar_cleaner_new(*patterns, len, &err);
	if (!cl) {
		fprintf(stderr, "tagar-train: %s: %s\n", path, err.msg);
		free(*patterns);
		*patterns = NULL;
		return EXIT_USAGE;
	}
	tagar_cleaner_free(&cl);
	o->text.boilerplate = 1;
	o->ctl.boilerplate = *patterns;
	o->ctl.boilerplate_len = len;
	return 0;
}

static double seconds_since(struct timespec t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
}

static void summary(const options *o, const tagar_corpus *c, const tagar_model *m, const tagar_counts *cnt,
		    double secs)
{
	double mi, ma;
	char a[32], b[32];
	tagar_micro_macro(cnt, tagar_model_ntags(m), &mi, &ma);
	tagar_fmt_fixed(a, sizeof a, mi, 4);
	tagar_fmt_fixed(b, sizeof b, ma, 4);
	fprintf(stderr, "tagar-train: %d tags, %d documents, %ld terms, %.2f s; %d-fold CV micro-F1 %s macro-F1 %s; wrote %s\n",
		tagar_model_ntags(m), c->n, tagar_model_nterms(m), secs, o->train.folds, a, b, o->out);
}

static int exit_for(int code)
{
	return code == TAGAR_EIO ? EXIT_IO : EXIT_DATA;
}

/* The library's messages (a line's error, warnings, progress) start with
 * the program's name, as main()'s own do. */
static FILE *messages(void)
{
	FILE *f = tagar_prefixed_stream(stderr, "tagar-train: ");
	return f ? f : stderr;
}

static void close_messages(FILE *f)
{
	if (f != stderr)
		fclose(f);
}

/* The temporary model file, removed when a signal ends the run (workers,
 * which inherit the handler, leave it to this process). */
static char temp_path[PATH_MAX + 64];
static volatile sig_atomic_t have_temp;
static pid_t owner;

static void on_fatal_signal(int sig)
{
	if (have_temp && getpid() == owner)
		unlink(temp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void handle_signals(void)
{
	static const int fatal[] = {SIGTERM, SIGINT, SIGHUP};
	signal(SIGPIPE, SIG_IGN);  /* a closed pipe is a write error with a message */
	signal(SIGXFSZ, SIG_IGN);  /* so is the file size limit (EFBIG) */
	owner = getpid();
	for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++) {
		struct sigaction sa = {0};
		sa.sa_handler = on_fatal_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(fatal[i], &sa, NULL);
	}
}

/* The model file, checked and its temporary file created before any
 * training: it must not be one of the files training reads. */
static tagar_outfile *open_output(const options *o)
{
	const char *inputs[4] = {o->in, NULL, NULL, NULL};
	int n = 1;
	if (o->stopfile)
		inputs[n++] = o->stopfile;
	if (o->boilerpath[0])
		inputs[n++] = o->boilerpath;
	tagar_err err = {0, ""};
	tagar_outfile *out = tagar_outfile_open(o->out, inputs, &err);
	if (!out) {
		fprintf(stderr, "tagar-train: %s\n", err.msg);
		return NULL;
	}
	snprintf(temp_path, sizeof temp_path, "%s", tagar_outfile_temp(out));
	have_temp = strlen(tagar_outfile_temp(out)) < sizeof temp_path;
	return out;
}

static int save_model(const tagar_model *m, tagar_outfile **out, tagar_err *err)
{
	size_t len;
	const void *img = tagar_model_image(m, &len);
	int rc = tagar_outfile_commit(out, img, len, err);
	have_temp = 0;
	return rc;
}

int main(int argc, char **argv)
{
	handle_signals();
	argv[0] = "tagar-train";   /* getopt's messages start with argv[0] */
	options o = {0};
	tagar_text_opts_default(&o.text);
	tagar_train_opts_default(&o.train);
	int rc = parse_args(&o, argc, argv);
	if (rc)
		return rc;
	char *patterns = NULL;
	if ((rc = load_boilerplate(&o, &patterns)))
		return rc;
	o.ctl.vocab_names = o.vocab_none ? -1 : o.vnames_off;
	tagar_outfile *out = open_output(&o);
	if (!out) {
		free(patterns);
		return EXIT_IO;
	}
	FILE *msgs = messages();
	o.ctl.verbose = !o.quiet && isatty(2);
	o.ctl.log = msgs;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tagar_corpus c = {0};
	tagar_err err = {0, ""};
	int nbad = 0;
	if ((rc = tagar_corpus_read(&c, o.in, o.fmt, msgs, &nbad, &err))) {
		fprintf(stderr, "tagar-train: %s\n", err.msg);
		tagar_outfile_abort(&out);
		tagar_corpus_free(&c);
		free(patterns);
		close_messages(msgs);
		return exit_for(rc);
	}
	if (nbad && o.strict) {
		fprintf(stderr, "tagar-train: %s: %d malformed line(s); stopping (--strict)\n", o.in, nbad);
		tagar_outfile_abort(&out);
		tagar_corpus_free(&c);
		free(patterns);
		close_messages(msgs);
		return EXIT_DATA;
	}
	if (nbad && !o.quiet)
		fprintf(stderr, "tagar-train: %s: skipped %d malformed line(s)\n", o.in, nbad);
	tagar_stopset *stop = make_stopset(&o);
	tagar_model *m = NULL;
	tagar_counts *cnt = NULL;
	rc = stop ? tagar_train(&c, &o.text, stop, &o.train, &o.ctl, &m, &cnt, &err) : EXIT_IO;
	close_messages(msgs);
	if (stop && rc)
		fprintf(stderr, "tagar-train: %s\n", err.msg);
	else if (stop && (rc = save_model(m, &out, &err)))
		fprintf(stderr, "tagar-train: %s\n", err.msg);
	tagar_outfile_abort(&out);  /* not saved: the temporary file goes */
	have_temp = 0;
	if (!rc && o.cv_print) {
		const char **names = malloc((size_t)tagar_model_ntags(m) * sizeof *names);
		for (int t = 0; names && t < tagar_model_ntags(m); t++)
			names[t] = tagar_model_tag(m, t);
		if (names)
			tagar_report_text(stdout, cnt, names, tagar_model_ntags(m));
		free(names);
	}
	if (!rc && !o.quiet)
		summary(&o, &c, m, cnt, seconds_since(t0));
	free(cnt);
	tagar_model_free(&m);
	tagar_stopset_free(&stop);
	tagar_corpus_free(&c);
	free(patterns);
	if (rc < 0)
		rc = exit_for(rc);
	if (!rc && fflush(stdout) != 0) {
		perror("tagar-train: standard output");
		rc = EXIT_IO;
	}
	return rc;
}
