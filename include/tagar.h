/*
 * tagar.h - the public header of libtagar, the code shared by
 * tagar-train, tagar-classify, tagar-feeds, tagar-serve and the programs
 * to come; the feed poller's parts (feed lists and RSS out, fetching,
 * the archive) are its last three sections.  Programs are built with
 * -Iinclude only, so this is all they can include; the
 * library's own headers (lib/internal.h and the rest) are for lib/, the
 * tests and the fuzzers.
 *
 * Conventions (the same in every module):
 *  - Every public name starts with tagar_ / TAGAR_.
 *  - Functions that can fail return 0 on success or a negative tagar_status;
 *    when they take a `tagar_err *` they also write a message there that
 *    names the file, line or field at fault.  tagar_errmsg() describes a code.
 *  - An object made by tagar_X_new() / tagar_X_load() is owned by the caller
 *    and released with tagar_X_free(&p), which frees and sets p to NULL
 *    (as LIBLINEAR's free_and_destroy_model does).  Free functions accept NULL.
 *  - A value struct the caller owns (tagar_record, tagar_corpus, tagar_err)
 *    starts zeroed ({0}); its release function (tagar_record_clear,
 *    tagar_corpus_free) accepts NULL and a zeroed struct, and leaves the
 *    struct zeroed, ready to be filled again.
 *  - Strings handed out by the library (tag names, terms) point into the
 *    object that returned them and live as long as it does.
 *  - Numbers are read and written without the C locale's help, so output is
 *    identical under LC_ALL=id_ID.UTF-8 and LC_ALL=C.
 *  - What is process-wide (everything else lives in the objects below):
 *     - Tagging is thread-safe with one tagar_classifier (and tokenizer,
 *       cleaner) per thread over a shared, read-only tagar_model: a loaded
 *       model is never written after tagar_model_load.
 *     - Training (tagar_train) belongs to a single-threaded process: it
 *       fork()s worker processes (tagar_train_opts.threads) and waitpid()s
 *       for them, so SIGCHLD must not be ignored; it seeds the C library's
 *       rand() with srand() (LIBLINEAR's solver draws from it) and sets
 *       LIBLINEAR's and libsvm's process-wide print functions (to silence).
 *     - Environment variables read: TAGAR_GRAM_MAX_MB (training: the
 *       largest libsvm kernel matrix kept in memory, MiB; default 2048),
 *       TAGAR_NO_JIT (cleaners: no PCRE2 JIT, for memory checkers),
 *       TAGAR_NO_PREFILTER (cleaners: no literal prefilter, for the
 *       differential fuzzer).  Set them before any thread starts.
 *     - Number formatting and parsing read the locale's decimal point
 *       (localeconv) to undo it: do not call setlocale while other threads
 *       use the library.
 *     - libxml2 (feeds, HTML) and, for kernel models, libsvm are opened with
 *       dlopen on first use.  Feeds and HTML parsed on several threads at
 *       once need tagar_xml_init_threads (below) called first, once
 *       (libxml2 2.9 initialises its global state on first use);
 *       tagar-feeds does so.
 */
#ifndef TAGAR_H
#define TAGAR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TAGAR_VERSION "0.1.0"

typedef enum {
	TAGAR_OK = 0,
	TAGAR_ENOMEM = -1,   /* out of memory */
	TAGAR_EIO = -2,      /* a file could not be read or written */
	TAGAR_EFORMAT = -3,  /* malformed input record or option value */
	TAGAR_EMODEL = -4,   /* model file corrupt, truncated or of another version */
	TAGAR_EDATA = -5,    /* data unusable for the task (no tags, no text, ...) */
	TAGAR_ESOLVER = -6   /* the SVM library refused the problem */
} tagar_status;

typedef struct {
	int code;
	char msg[512];
} tagar_err;

const char *tagar_errmsg(int code);

/* ---------------------------------------------------------------- text */

typedef enum {
	TAGAR_STEM_AUTO = -1,   /* training only: chosen by the corpus language */
	TAGAR_STEM_NONE = 0,
	TAGAR_STEM_INDONESIAN = 1,
	TAGAR_STEM_ENGLISH = 2
} tagar_stem;

typedef enum {
	TAGAR_STOP_NONE = 0,
	TAGAR_STOP_ID = 1,      /* the project's Indonesian list */
	TAGAR_STOP_EN = 2,      /* the project's English list */
	TAGAR_STOP_FILE = 4     /* words listed in stopwords_file, one a line */
} tagar_stopflags;

/* How text becomes features.  Stored in the model, so classification
 * processes text exactly as training did. */
typedef struct {
	int ngram_max;          /* word n-grams 1..ngram_max */
	int stem;               /* tagar_stem */
	int stopwords;          /* tagar_stopflags */
	int drop_numbers;       /* 1: tokens made only of digits and separators are dropped */
	double title_weight;    /* a title token counts this many times */
	int boilerplate;        /* 1: boilerplate patterns (stored in the model) are cut
				 * from the text before tokenising; see tagar_cleaner */
	double lead_view;       /* > 0: every token of the title and of the text's first
				 * lead_tokens tokens (stopwords counted) is a feature a
				 * second time, of its own ("in the headline or lead"),
				 * counting lead_view; 0: no lead features */
	int lead_tokens;
} tagar_text_opts;

/* The byte that starts a lead feature (never part of a token, as control
 * characters separate tokens), so the lead's "kpk" is "\x1fkpk". */
#define TAGAR_LEAD_MARK '\x1f'

void tagar_text_opts_default(tagar_text_opts *o);

/* The stemmer TAGAR_STEM_AUTO stands for on this corpus: English text
 * (more English than Indonesian function words) gets Snowball's English
 * stemmer; Indonesian text none, as cross-validation on the government-news
 * corpus found Indonesian stemming slightly worse. */
struct tagar_corpus_s;
int tagar_auto_stemmer(const struct tagar_corpus_s *c);

/* A stopword set.  Built from flags and an optional word list. */
typedef struct tagar_stopset tagar_stopset;
/* words: extra words separated by newlines (may be NULL). */
tagar_stopset *tagar_stopset_new(int flags, const char *words, size_t len);
void tagar_stopset_free(tagar_stopset **s);
int tagar_stopset_has(const tagar_stopset *s, const char *w, size_t n);

/* Tokenizer: normalises (NFKC, case fold, marks stripped, dashes lumped)
 * and splits text into tokens by Unicode category.  Rules:
 *  - letters, marks and digits make tokens; everything else separates;
 *  - a hyphen (U+002D, U+2010, U+2011) between two letters joins:
 *    masing-masing, e-ktp; en and em dashes separate;
 *  - '.' or ',' between two digits joins: 1.200, 2,5 stay one token;
 *  - invalid UTF-8 bytes separate.
 * One tokenizer per thread: it owns scratch buffers and a stemmer. */
typedef struct tagar_tokenizer tagar_tokenizer;

tagar_tokenizer *tagar_tokenizer_new(const tagar_text_opts *o, const tagar_stopset *stop);
void tagar_tokenizer_free(tagar_tokenizer **t);

/* Called once per feature (unigram or n-gram, words joined by one space).
 * weight is the count contribution (title_weight for title text, 1 else). */
typedef void (*tagar_feature_fn)(const char *feat, size_t len, double weight, void *ud);

/* Emits every feature of one text span.  Returns 0 or TAGAR_ENOMEM. */
int tagar_features(tagar_tokenizer *t, const char *s, size_t n, double weight,
		   tagar_feature_fn fn, void *ud);


/* Normalises one text into space-separated tokens (for tests and --explain).
 * The result is owned by the tokenizer and valid until its next call. */
const char *tagar_normalize(tagar_tokenizer *t, const char *s, size_t n, size_t *outlen);

/* XXH3, 64 bits (libxxhash): the hash model files are built with.  Its
 * output is frozen by xxHash 0.8, so it is stable across builds. */
uint64_t tagar_hash(const char *s, size_t n);

/* ---------------------------------------------------------- boilerplate */

/* Boilerplate removal: a list of PCRE2 patterns, one a line ('#' starts a
 * comment line; blank lines are skipped), matched caseless and multiline
 * (^ and $ at every line end; \r\n is a line end).  Every match in the text
 * is replaced by one space (an empty match is none).  A cleaner owns its
 * match data and output buffer: one per thread. */
typedef struct tagar_cleaner tagar_cleaner;

/* Compiles the list; a bad pattern fails with TAGAR_EFORMAT and a message
 * naming its line and column (the caller adds the file name). */
tagar_cleaner *tagar_cleaner_new(const char *patterns, size_t len, tagar_err *err);
void tagar_cleaner_free(tagar_cleaner **c);
/* The patterns without comments or blank lines, one a line (for the model). */
const char *tagar_cleaner_patterns(const tagar_cleaner *c, size_t *len);
int tagar_cleaner_count(const tagar_cleaner *c);
/* s without its boilerplate.  Owned by the cleaner, valid until its next
 * call; NULL when out of memory. */
const char *tagar_clean(tagar_cleaner *c, const char *s, size_t n, size_t *outlen);

/* Turns every NUL byte of s[0..n) into a space: in text a NUL separates
 * words, and left in it would end the C string and lose the rest. */
void tagar_nuls_to_spaces(char *s, size_t n);
/* Offset of the first byte that is not valid UTF-8, or -1. */
long tagar_utf8_invalid(const char *s, size_t n);
/* A malloc'ed, NUL-terminated copy with every invalid byte replaced by
 * U+FFFD; *nbad (when not NULL) gets how many were replaced. */
char *tagar_utf8_repair(const char *s, size_t n, size_t *outlen, long *nbad);

/* --------------------------------------------------------- whole files */

/* read(2), retried when interrupted: what one read gives, 0 at the end,
 * -1 on an error (EAGAIN too: a descriptor left non-blocking is an error,
 * as for cat). */
ssize_t tagar_read(int fd, void *buf, size_t n);
/* The rest of fd after buf[0..have) (buf malloc'ed with room for cap + 1
 * bytes, or NULL): the whole input, NUL-terminated, *len its length.  buf
 * is taken over.  NULL on a read error (errno says which), or with errno
 * EFBIG past max bytes. */
char *tagar_read_fd(int fd, char *buf, size_t have, size_t cap, size_t *len, size_t max);
/* A whole file, malloc'ed and NUL-terminated; NULL with errno set. */
char *tagar_read_file(const char *path, size_t *len);
/* The first readable of, with EXE the program's directory: EXE/../TREE/NAME
 * (a source tree's bin/), EXE/../../../TREE/NAME (build/VARIANT/bin/),
 * EXE/../share/tagar/NAME (an install), then the configured data directory
 * (TAGAR_DATADIR/NAME).  tree_dir is "models" or "data".  Written to buf;
 * NULL when none is readable (buf then holds the data-directory path, for
 * a message). */
const char *tagar_find_data(const char *tree_dir, const char *name, char *buf, size_t n);
/* The model every program uses without -m: $TAGAR_MODEL when set, else
 * models/default.tgm as tagar_find_data() finds it, else the data
 * directory's (which may not exist: loading it then says so).  The path
 * is $TAGAR_MODEL itself or written to buf. */
const char *tagar_default_model(char *buf, size_t n);

/* ---------------------------------------------------------- byte buffer */

/* A growing byte buffer (in the manner of sds, as a plain struct): zero it
 * to start ({0}), release it with tagar_buf_free.  p[0..len) are the bytes;
 * after tagar_buf_append, p[len] is a NUL (not counted).  The capacity
 * doubles, so appending n bytes one by one costs O(n); len may be set back
 * to reuse the memory. */
typedef struct {
	char *p;       /* NULL until something is reserved */
	size_t len, cap;
} tagar_buf;

/* Capacity for need bytes in all: 0, or TAGAR_ENOMEM with b unchanged. */
int tagar_buf_grow(tagar_buf *b, size_t need);
/* Room for n more bytes and a NUL after them (inline: hot paths call it). */
static inline int tagar_buf_reserve(tagar_buf *b, size_t n)
{
	return b->len + n < b->cap ? 0 : tagar_buf_grow(b, b->len + n + 1);
}
/* Appends s[0..n) and a NUL: 0, or TAGAR_ENOMEM with b unchanged. */
int tagar_buf_append(tagar_buf *b, const void *s, size_t n);
/* Frees p; b (NULL allowed) is left zeroed. */
void tagar_buf_free(tagar_buf *b);

/* ------------------------------------------------------ whole documents */

typedef enum {
	TAGAR_DOC_TEXT = 0,     /* plain text */
	TAGAR_DOC_JSONL,        /* starts with '{' */
	TAGAR_DOC_FASTTEXT,     /* starts with __label__ */
	TAGAR_DOC_FEED,         /* root element rss, feed or RDF, whatever its prefix */
	TAGAR_DOC_HTML          /* any other markup */
} tagar_doc_format;

/* A document's format from its first bytes (past a UTF-8 byte order mark,
 * white space and, for markup, the XML declaration, processing
 * instructions, comments and a DOCTYPE).  Give it UTF-8: see below. */
tagar_doc_format tagar_sniff(const char *buf, size_t len);
/* "UTF-16LE", "UTF-16BE", "UTF-32LE" or "UTF-32BE" when s is a document in
 * that encoding, by its byte order mark (*bom gets its length) or, without
 * one, by where its NUL bytes fall (every other byte, or three in four, in
 * mostly-ASCII text); NULL for anything else. */
const char *tagar_wide_encoding(const char *s, size_t n, size_t *bom);
/* Such a document in UTF-8 (iconv), malloc'ed and NUL-terminated; NULL
 * with the reason (the byte of an invalid character) in err. */
char *tagar_wide_to_utf8(const char *s, size_t n, size_t *outlen, tagar_err *err);
/* Whether s is an XML document whose declaration names an encoding other
 * than UTF-8 (libxml2 then decodes it: invalid UTF-8 is no fault of its). */
int tagar_xml_other_encoding(const char *s, size_t n);

/* ------------------------------------------------------- HTML and feeds */

/* The story of an HTML page (libxml2's HTML parser, no network access):
 * scripts, styles, nav, header, footer, aside, forms and comments dropped;
 * *title the headline (first <h1>, else og:title, else <title>), *text the
 * rest of the largest <article> (else <main>, else <body>), one line per
 * paragraph.  Both malloc'ed.  html must be UTF-8. */
int tagar_html_article(const char *html, size_t n, char **title, char **text, tagar_err *err);
/* The text of an HTML fragment (a feed item's description): tags stripped,
 * entities decoded, one line per block.  malloc'ed; NULL when out of memory. */
char *tagar_html_text(const char *html, size_t n);

/* An RSS 2.0 (or 1.0) or Atom feed, parsed with libxml2 without network
 * access, external entities or DTD loading, within libxml2's default
 * entity-amplification limits.  Kept as a tree, so it can be written back
 * with categories added. */
typedef struct tagar_feed tagar_feed;

typedef struct {
	const char *id;          /* guid (Atom: id), else link; NULL when neither */
	const char *title;       /* "" when absent */
	const char *text;        /* content:encoded, else description (Atom: content,
				  * else summary), HTML stripped; "" when absent */
	const char *link, *guid, *date;  /* "" when absent */
	long line;               /* the item's line in the feed */
} tagar_feed_item;

/* name is for messages.  A malformed feed fails with a message naming the
 * line and libxml2's reason. */
tagar_feed *tagar_feed_parse(const char *buf, size_t n, const char *name, tagar_err *err);
void tagar_feed_free(tagar_feed **f);
/* The same items one at a time, with libxml2's streaming reader: memory
 * holds one item, not the whole feed (tagar_feed_parse keeps the tree, as
 * writing the feed back needs it: some 4 to 20 times the feed's size).
 * fn gets each item (valid during the call); a non-zero return from it
 * stops the reading and is returned.  *count gets the items handed over,
 * also when the feed turns out malformed after them (the error then names
 * its line, as tagar_feed_parse's does). */
typedef int (*tagar_feed_fn)(const tagar_feed_item *it, void *ud);
int tagar_feed_each(const char *buf, size_t n, const char *name, tagar_feed_fn fn, void *ud, int *count,
		    tagar_err *err);
int tagar_feed_count(const tagar_feed *f);
const tagar_feed_item *tagar_feed_item_at(const tagar_feed *f, int i);
int tagar_feed_is_atom(const tagar_feed *f);
/* Adds <category domain="tagar">TAG</category> (Atom: <category
 * scheme="urn:tagar" term="TAG"/>) to item i.  The first call for an item
 * removes the tagar categories an earlier run added. */
int tagar_feed_add_category(tagar_feed *f, int i, const char *tag);
/* Writes the feed (UTF-8), everything else as it was parsed. */
int tagar_feed_write(const tagar_feed *f, FILE *out, tagar_err *err);

/* -------------------------------------------------------------- records */

/* The most tags one record may list (JSONL "tags", fastText __label__s),
 * repeats included: a record listing more is refused while it is parsed,
 * so no single line can make the work on it grow faster than its bytes. */
#define TAGAR_RECORD_MAX_TAGS 1000

typedef struct {
	char *id;        /* NULL when the record has none */
	int id_is_number;/* the id was a JSON integer (written back unquoted) */
	char *title;     /* "" when absent */
	char *text;      /* "" when absent */
	char **tags;     /* distinct, in the order first listed */
	int ntags;
} tagar_record;

typedef enum {
	TAGAR_FMT_AUTO = 0,
	TAGAR_FMT_JSONL = 1,
	TAGAR_FMT_FASTTEXT = 2
} tagar_format;

/* What a tag name may be: 1 to TAGAR_TAG_MAX bytes of valid UTF-8 without
 * control characters (tab, newline, C0, DEL, C1), line or paragraph
 * separators or noncharacters, so it stays one field in TAG<TAB>SCORE
 * output, one JSON string and one XML text node.  0, or TAGAR_EFORMAT with
 * the reason in why ("is empty", "holds U+0009, a control character"). */
#define TAGAR_TAG_MAX 200
int tagar_tag_check(const char *s, size_t n, char *why, size_t whylen);

/* Frees the fields; r (NULL allowed) is left zeroed. */
void tagar_record_clear(tagar_record *r);
/* The headline many news sites write into an article's address (its
 * slug): the path segment with the most words, at least three, split at
 * '-', '_', '.' and '+', percent-escapes decoded, a file extension, numbers
 * of five or more digits and a trailing id of letters and digits dropped
 * ("https://news.example/2018/02/21/123456/gubernur-resmikan-mal.html" ->
 * "gubernur resmikan mal").  A JSON Lines record with an empty title and a
 * string "url" gets these words as its title.  NULL when the path has no
 * such segment (or out of memory); else a string the caller frees. */
char *tagar_url_title(const char *url, size_t len);
/* Parses one JSONL line.  need_tags: "tags" must be present.  On error
 * err->msg names the field (the caller adds file and line). */
int tagar_record_parse_json(const char *line, size_t len, int need_tags,
			    tagar_record *r, tagar_err *err);
/* Parses one TSV line: id<TAB>title<TAB>text (further tabs belong to the
 * text; an empty id is none). */
int tagar_record_parse_tsv(const char *line, size_t len, tagar_record *r, tagar_err *err);
/* Parses one fastText line: __label__X tokens, then the text. */
int tagar_record_parse_fasttext(const char *line, size_t len, tagar_record *r, tagar_err *err);

typedef struct tagar_corpus_s {
	tagar_record *rec;
	int n;
	int cap;
} tagar_corpus;

/* Reads a whole labelled file.  Malformed lines, and lines with a tag that
 * tagar_tag_check() refuses, are reported on `errs` (when not NULL) as
 * "FILE:LINE: message" and counted in *nbad; reading goes on.  Fails only
 * on I/O errors or when no line is usable.  TAGAR_FMT_AUTO: the first line
 * that starts with '{' (JSONL) or "__label__" (fastText) decides; the lines
 * before it are then read in that format (fastText when none does). */
int tagar_corpus_read(tagar_corpus *c, const char *path, tagar_format fmt,
		      FILE *errs, int *nbad, tagar_err *err);
/* Frees the records; c (NULL allowed) is left zeroed. */
void tagar_corpus_free(tagar_corpus *c);

/* A stream that writes to `to`, starting every line (after \n or \r) with
 * prefix (not copied: it must outlive the stream); unbuffered.  fclose()
 * it, not `to`.  NULL when out of memory. */
FILE *tagar_prefixed_stream(FILE *to, const char *prefix);

/* -------------------------------------------------------------- numbers */

/* Locale-independent formatting: shortest "%.Ng" that round-trips, with '.'. */
void tagar_fmt_double(char *buf, size_t n, double v, int digits);
/* The same with a fixed number of decimals ("%.*f"). */
void tagar_fmt_fixed(char *buf, size_t n, double v, int decimals);
/* Parses a whole string as a number written with '.'; 0 or TAGAR_EFORMAT. */
int tagar_parse_double(const char *s, double *out);

/* Writes s as a JSON string literal (quoted, escaped). */
void tagar_json_string(FILE *out, const char *s, size_t n);

/* -------------------------------------------------------------- metrics */

typedef struct {
	long tp, fp, fn, support;
} tagar_counts;

double tagar_f1(const tagar_counts *c);
double tagar_precision(const tagar_counts *c);
double tagar_recall(const tagar_counts *c);
/* Whether a tag is scored: in the labels (support > 0) or predicted at
 * least once.  A tag with neither has no F1 to speak of. */
int tagar_scored(const tagar_counts *c);
/* micro-F1 over all tags and macro-F1 over the scored tags (the usual
 * definition: a tag never present nor predicted is not counted). */
void tagar_micro_macro(const tagar_counts *c, int ntags, double *micro, double *macro);
/* Prints a per-tag table of the scored tags, the rule macro-F1 follows
 * (naming the tags it leaves out) and the micro/macro line last. */
void tagar_report_text(FILE *out, const tagar_counts *c, const char *const *names, int ntags);
void tagar_report_json(FILE *out, const tagar_counts *c, const char *const *names, int ntags);

/* Threshold maximising F1 for scores s[0..n) with labels y (1/0).  The
 * threshold lies midway between two distinct scores; *f1 gets the best F1.
 * With no positive example returns +inf-like 1e30 and *f1 = 0. */
double tagar_best_threshold(const double *s, const signed char *y, int n, double *f1);
/* The lowest threshold that at most k of the negatives (y 0) reach, midway
 * between two distinct scores; -1e30 when every negative may pass (k at
 * least their number, or k < 0).  Ties are let through together or not at
 * all, so a tie at the k-th negative raises the cut above it. */
double tagar_negative_cut(const double *s, const signed char *y, int n, long k);

/* Platt scaling: fits P(y=1|s) = 1 / (1 + exp(A*s + B)) on scores s. */
void tagar_platt_fit(const double *s, const signed char *y, int n, double *A, double *B);
double tagar_platt(double s, double A, double B);

/* ---------------------------------------------------------------- model */

typedef enum {
	TAGAR_SOLVER_LIBLINEAR = 0,
	TAGAR_SOLVER_LIBSVM = 1
} tagar_solver;

typedef enum {
	TAGAR_KERNEL_LINEAR = 0,
	TAGAR_KERNEL_POLY = 1,
	TAGAR_KERNEL_RBF = 2
} tagar_kernel;

/* One kernel SVM (libsvm, non-linear): support vectors in the model's term
 * space, sv_coef[i] already signed for the positive class. */
typedef struct {
	int nsv;
	double rho;
	const double *coef;      /* nsv */
	const uint32_t *start;   /* nsv+1 offsets into idx/val */
	const uint32_t *idx;     /* term ids */
	const float *val;
} tagar_kernel_svm;

typedef struct {
	int solver, kernel;
	double C, gamma, coef0;
	int degree;
	int folds;
	int class_weight;        /* positive-class weight: 0 none, 1 sqrt(neg/pos), 2 neg/pos */
	int threads;             /* worker processes; 0: one per online CPU */
	double eps;              /* solver stopping tolerance */
	double fbr;              /* tuned thresholds with CV F1 below this fall back to 0 */
	double max_fp;           /* a threshold lets through at most this many out-of-fold
				    negatives per positive (0: no cap) */
	int quantize;            /* linear weights stored as int8 (1) or float (0) */
	int max_tags;            /* more distinct tags than this is refused */
	long max_terms;          /* a larger vocabulary (after the df cut) is refused */
	uint64_t seed;
	double min_df_count;     /* terms in fewer documents are dropped */
	double max_df;           /* terms in more than this fraction are dropped */
	double micro_floor;      /* the micro-F1 floor: a tag is given only at a calibrated
				    probability of at least this; negative (-1): half the
				    CV micro-F1 without a floor; 0: no floor; 1 or more is
				    refused (TAGAR_EFORMAT) */
	int micro_floor_examples; /* the floor holds for tags with at least this many
				     examples (1 or more) */
} tagar_train_opts;

void tagar_train_opts_default(tagar_train_opts *o);

/* A trained model.  Loaded models point into a read-only memory map;
 * trained models own their arrays.  Either way tagar_model_free releases. */
typedef struct tagar_model tagar_model;

/* Opens and validates a model file (magic, version, checksum, every length
 * and offset).  Returns NULL with err filled on failure. */
tagar_model *tagar_model_load(const char *path, tagar_err *err);
/* The same from bytes the caller keeps alive (tests, fuzzing). */
tagar_model *tagar_model_from_bytes(const void *p, size_t n, tagar_err *err);
void tagar_model_free(tagar_model **m);
/* Writes atomically through tagar_outfile (no inputs to avoid). */
int tagar_model_save(const tagar_model *m, const char *path, tagar_err *err);
/* The model's bytes, as a model file holds them. */
const void *tagar_model_image(const tagar_model *m, size_t *len);

int tagar_model_ntags(const tagar_model *m);
const char *tagar_model_tag(const tagar_model *m, int i);
long tagar_model_nterms(const tagar_model *m);
const char *tagar_model_term(const tagar_model *m, long id, size_t *len);
/* Term id or -1. */
long tagar_model_lookup(const tagar_model *m, const char *s, size_t n);
const tagar_text_opts *tagar_model_text_opts(const tagar_model *m);
const tagar_stopset *tagar_model_stopset(const tagar_model *m);
/* The boilerplate patterns (one a line) when the text options say so, else
 * NULL. */
const char *tagar_model_boilerplate(const tagar_model *m, size_t *len);
/* The metadata JSON text (options, tags, training set, CV figures). */
const char *tagar_model_meta(const tagar_model *m);
double tagar_model_threshold(const tagar_model *m, int tag);
/* The model's tag vocabulary in the vocabulary file format (data/README.md),
 * or NULL when it has none. */
const char *tagar_model_vocabulary(const tagar_model *m, size_t *len);

/* --------------------------------------------------------- output files */

/* A file written whole or not at all.  tagar_outfile_open() resolves path
 * through symlinks (the target is replaced, the link stays) and refuses,
 * with TAGAR_EIO and a message naming path:
 *  - a target that exists and is not a regular file (device, FIFO, socket,
 *    directory): rename() would put a file in its place;
 *  - a target that is one of inputs (NULL-terminated; "-" is standard
 *    input), by any name: same device and inode;
 *  - a directory where the file cannot be created: the temporary file,
 *    PATH.tmp.PID.N, is created at once, so the caller learns it before
 *    its long work, not after.
 * It also removes the PATH.tmp.PID.N files of processes that are gone
 * (runs killed by SIGKILL).  A new file's mode follows the umask; a
 * replaced file keeps its mode (and, when allowed, owner and group).
 * tagar_outfile_commit() writes the bytes to the temporary file, syncs it
 * and renames it over the target; on any failure, and in
 * tagar_outfile_abort(), the temporary file is removed and the target is
 * left as it was.  Both free the object and set it to NULL. */
typedef struct tagar_outfile tagar_outfile;

tagar_outfile *tagar_outfile_open(const char *path, const char *const *inputs, tagar_err *err);
/* The temporary file's name (for a signal handler that must remove it);
 * owned by o. */
const char *tagar_outfile_temp(const tagar_outfile *o);
int tagar_outfile_commit(tagar_outfile **o, const void *bytes, size_t n, tagar_err *err);
void tagar_outfile_abort(tagar_outfile **o);

/* ------------------------------------------------------------- training */

typedef struct {
	int verbose;             /* progress on stderr */
	int grid;                /* search C (and gamma) by K-fold CV */
	FILE *log;               /* where progress and reports go (stderr if NULL) */
	/* text options' boilerplate = 1: the patterns (tagar_cleaner format),
	 * stored in the model */
	const char *boilerplate;
	size_t boilerplate_len;
	/* Tag vocabulary (data/README.md): its aliases are matched in each
	 * article's title, lead and rest, and the hits added to the SVM's
	 * decision value with a weight chosen by cross-validation. */
	const char *vocab_path;  /* a vocabulary file; NULL: none */
	int vocab_names;         /* tags without an entry get their own name as alias:
				  * 0 yes (the default), 1 no, -1 no vocabulary at all */
	double vocab_zone[3];    /* weights of title, lead and rest hits; all 0: 1, 1, 1 */
	int vocab_lead;          /* the lead's length in tokens; 0: 50 */
} tagar_train_ctl;

/* Trains one binary SVM per tag of the corpus.  On success *out is the model
 * and, when counts is not NULL, *counts holds the honest cross-validated
 * per-tag counts (ntags entries, caller frees): they come from the folds
 * that tune the thresholds, so they cost nothing extra. */
int tagar_train(const tagar_corpus *c, const tagar_text_opts *to, const tagar_stopset *stop,
		const tagar_train_opts *tr, const tagar_train_ctl *ctl,
		tagar_model **out, tagar_counts **counts, tagar_err *err);

/* ------------------------------------------------------------ classify */

/* Per-thread classification state: tokenizer, scratch vectors. */
typedef struct tagar_classifier tagar_classifier;

/* NULL with err (when not NULL) filled: TAGAR_ENOMEM when out of memory;
 * TAGAR_EIO, naming the library and dlerror's reason, for a kernel (RBF,
 * polynomial) model when libsvm cannot be opened (it is loaded on demand
 * with dlopen).  m must outlive the classifier. */
tagar_classifier *tagar_classifier_new(const tagar_model *m, tagar_err *err);
void tagar_classifier_free(tagar_classifier **c);
/* The classifier's cleaner (the model's boilerplate patterns), or NULL when
 * the model has none: for a caller that looks at text the way the model
 * does, on the classifier's thread, between calls to tagar_classify. */
tagar_cleaner *tagar_classifier_cleaner(tagar_classifier *c);
/* The model c was made for. */
const tagar_model *tagar_classifier_model(const tagar_classifier *c);

typedef struct {
	int tag;          /* index into the model's tags */
	double decision;  /* raw SVM decision value */
	double score;     /* calibrated probability 0..1 */
	int assigned;     /* decision >= the tag's tuned threshold */
} tagar_tag_score;

/* Scores every tag for one article.  Returns a pointer to ntags scores owned
 * by the classifier (valid until its next call), sorted by score descending.
 * NULL when out of memory, or when a tag's decision value is not a number
 * (NaN: a kernel model overflowing on this text): tagar_classify_error()
 * says which.  The classifier stays usable for the next article. */
const tagar_tag_score *tagar_classify(tagar_classifier *c, const char *title, size_t tlen,
				      const char *text, size_t len);
/* Why the last tagar_classify() returned NULL: out of memory, or a tag
 * whose decision value is not a number (a kernel model overflowing on
 * this text; scores are always numbers).  Owned by c. */
const char *tagar_classify_error(tagar_classifier *c);

typedef struct {
	const char *term;
	size_t len;
	double tfidf, weight;
	int lead;        /* 1: the term's lead feature (term is the word, without
			  * TAGAR_LEAD_MARK): the word in the title or the lead */
} tagar_contrib;

/* For the article last classified: the k terms contributing most to tag's
 * decision (linear models).  Returns how many were written to out. */
int tagar_explain(tagar_classifier *c, int tag, tagar_contrib *out, int k);

/* A tag vocabulary's evidence: an alias found in a zone ("title", "lead":
 * the text's first tokens, "rest"), how often, and its part of the tag's
 * decision value. */
typedef struct {
	const char *alias;       /* as written in the vocabulary */
	int zone;                /* 0 title, 1 lead, 2 rest */
	const char *zone_name;
	int count;
	double contribution;
} tagar_lexhit;

/* For the article last classified: up to k vocabulary hits behind tag's
 * decision, largest contribution first (none when the model has no
 * vocabulary).  Returns how many were written to out. */
int tagar_explain_vocab(tagar_classifier *c, int tag, tagar_lexhit *out, int k);

/* Which tags an article is given. */
typedef struct {
	double threshold;  /* < 0: each tag's tuned threshold (tagar_tag_score.assigned);
			    * else every tag whose calibrated score is at least this */
	int top_k;         /* at most this many, highest scores first; 0: no limit */
} tagar_choice;

/* The tags rule picks from s[0..n) (sorted by score, as tagar_classify
 * gives them): their indices into s, in order, written to picked (room for
 * n).  Returns how many.  The one rule every program applies. */
int tagar_choose(const tagar_tag_score *s, int n, const tagar_choice *rule, int *picked);

/* The vocabulary hits shown per tag in a result (tagar_write_json). */
#define TAGAR_VOCAB_SHOWN 8

/* What a JSON result record shows besides the chosen tags. */
typedef struct {
	tagar_choice choice;
	int all_scores;    /* "scores": every tag's score */
	int explain;       /* per tag, its explain (up to this many terms) and vocabulary hits */
} tagar_json_opts;

/* Who the record is about. */
typedef struct {
	const char *id;          /* NULL: none */
	int id_is_number;        /* id is written unquoted */
	const char *const *extra;/* NULL, or name, value, ..., NULL: string fields
				  * after the id (empty values left out) */
} tagar_json_record;

/* One line: {"id": ..., EXTRA..., "tags": [{"tag": ..., "score": ...,
 * "explain": [...], "vocabulary": [...]}, ...], "scores": {...}}, numbers
 * with four decimals.  s: the scores c's last tagar_classify returned.
 * TAGAR_ENOMEM, with nothing written, when out of memory. */
int tagar_write_json(FILE *out, tagar_classifier *c, const tagar_tag_score *s, const tagar_json_record *r,
		     const tagar_json_opts *o);

/* An error record in an article's place: {"id": ID, "error": MSG}, or
 * without an id {"line": LINE, "error": MSG}, and a newline.  TAGAR_EIO
 * when out reports an error. */
int tagar_write_json_error(FILE *out, const char *id, long line, const char *msg);

/* ------------------------------------------------------ a feed tagged */

/* How tagar_tag_feed tags a feed. */
typedef struct {
	tagar_json_opts json;    /* each item's record (emit_feed: json.choice only) */
	int emit_feed;           /* the feed written back, each item's chosen tags
				  * added as categories, instead of records */
	const char *name;        /* the feed's name: in messages, and the id of the
				  * error record of a feed that cannot be read */
	FILE *msg;               /* NULL, or where messages go, a line each ("NAME:LINE:
				  * empty article", warnings); e.g. tagar_prefixed_stream */
	/* NULL, or called with each item that is not empty, in place of tagging
	 * it (tagar-classify's --show-text); index counts every item from 0.
	 * A non-zero return stops the feed and is returned.  The feed is then
	 * not written back. */
	int (*each)(const tagar_feed_item *it, int index, void *ud);
	void *ud;
	/* NULL, or asked before each item is tagged (also an empty one): 0
	 * passes it over, with no record and no error (tagar-feeds: an item its
	 * archive holds). */
	int (*want)(const tagar_feed_item *it, void *ud);
	/* NULL, or told after each item's record went to out: s its scores, or
	 * NULL and error the message of its error record; it NULL when the
	 * feed itself cannot be read further (error says why).  ud is o->ud. */
	void (*done)(const tagar_feed_item *it, const tagar_tag_score *s, const char *error, void *ud);
	/* NULL, or name, value, ..., NULL: string fields every item's record
	 * shows after its link and date (tagar-feeds: the feed's URL) */
	const char *const *extra;
} tagar_feedtag_opts;

/* Tags every item of the feed in buf (UTF-8, or in the encoding its XML
 * declaration names) with c, writing to out, in order, for each item its
 * JSON record (tagar_write_json, with the item's "link" and "date"; id:
 * guid, else link) or an error record in its place (an empty item; one for
 * the whole feed, whose id is o->name, when it cannot be read further).
 * Items are read one at a time (memory holds one item, and items before a
 * malformed part keep their records); with o->emit_feed the feed is parsed
 * whole and written back with categories instead, a failed item left
 * untouched.  Returns 0; TAGAR_EFORMAT when some item or the feed failed
 * (reported on o->msg and in out); TAGAR_EIO when libxml2 cannot be opened
 * (reported so, err->code 0) or, with err set, when writing the feed back
 * to out failed (the caller's to report); or what o->each returned. */
int tagar_tag_feed(tagar_classifier *c, const char *buf, size_t n, FILE *out, const tagar_feedtag_opts *o,
		   tagar_err *err);
/* A feed that cannot be read, reported as tagar_tag_feed does (err->msg on
 * o->msg; its error record unless o->emit_feed): TAGAR_EIO when err->code
 * is, else TAGAR_EFORMAT.  For a caller's own checks before the feed is
 * parsed (its UTF-8). */
int tagar_feed_failed(FILE *out, const tagar_feedtag_opts *o, const tagar_err *err);

/* ------------------------------------------------ feed lists, RSS out
 * Lists of feeds in (OPML, plain URL lists) and RSS 2.0 feeds out
 * (tagar-feeds' per-tag feeds).  libxml2 is opened on first use as for
 * the feed reader.
 */
/* Readies libxml2 for feeds and HTML parsed on several threads at once:
 * call it once, on one thread, before those threads start (libxml2 2.9
 * initialises its global state on first use, which two threads must not do
 * together).  0, or TAGAR_EIO when libxml2 cannot be opened (err says so). */
int tagar_xml_init_threads(tagar_err *err);

/* One feed a list names, or one bad entry of it.  Strings live during the
 * callback only. */
typedef struct {
	const char *url;       /* OPML: the outline's xmlUrl; a list: the line's first
				* field.  NULL for a bad entry (then error says why) */
	const char *title;     /* OPML: the outline's title, else its text; a list: the rest
				* of the line; "" when none */
	const char *category;  /* OPML: the category attribute, else the titles of the
				* enclosing outlines joined by '/'; "" when none */
	const char *error;     /* NULL, or why the entry was skipped */
	long line;             /* the entry's line in the list */
} tagar_source;

/* A non-zero return stops the reading and is returned. */
typedef int (*tagar_source_fn)(const tagar_source *s, void *ud);

/* Whether buf is an OPML document (root element <opml>, after what
 * tagar_sniff skips). */
int tagar_is_opml(const char *buf, size_t n);

/* Every outline with an xmlUrl of an OPML document, at any depth, in
 * document order.  An outline whose xmlUrl is empty or holds white space
 * or control characters is handed over as a bad entry; the rest go on.
 * Returns 0; TAGAR_EFORMAT with err naming name, the line and libxml2's
 * reason when the XML is malformed or the root is not <opml> (the entries
 * before it are not handed over: the tree is read whole); TAGAR_EIO when
 * libxml2 cannot be opened; or what fn returned. */
int tagar_opml_each(const char *buf, size_t n, const char *name, tagar_source_fn fn, void *ud, tagar_err *err);

/* A plain list: one URL (or path) a line, optionally followed by white
 * space and a title; blank lines and lines starting with '#' skipped; CRLF
 * line ends and a UTF-8 byte order mark accepted.  A line holding control
 * characters or invalid UTF-8, or longer than TAGAR_URL_MAX, is a bad
 * entry.  Returns 0 or what fn returned. */
#define TAGAR_URL_MAX 4096
int tagar_urllist_each(const char *buf, size_t n, tagar_source_fn fn, void *ud);

/* A feed item's date as seconds since the epoch: RFC 822 (RSS pubDate,
 * read by libcurl's curl_getdate) or ISO 8601 / RFC 3339 (Atom, Dublin
 * Core: 2026-01-31, 2026-01-31T08:15:00+07:00, fractions of a second
 * allowed).  -1 when s is neither. */
long long tagar_feed_date(const char *s);

/* ------------------------------------------------------------ RSS out */

/* One item of an RSS feed written by tagar_rss_build.  NULL fields are
 * left out. */
typedef struct {
	const char *title, *link, *guid;
	long long published;      /* seconds since the epoch; < 0: no pubDate */
	const char *source_url;   /* <source url="...">source_title</source> */
	const char *source_title;
	const char *category;     /* <category domain="tagar"> */
	double score;             /* <tagar:score> (namespace urn:tagar); < 0: none */
} tagar_rss_item;

/* An RSS 2.0 document (UTF-8, built with libxml2, so every string is
 * escaped as XML wants; bytes XML cannot hold are dropped) with a channel
 * titled title, linking to link, and the items in order.  *out is
 * malloc'ed (the caller frees), *len its length.  0, TAGAR_ENOMEM, or
 * TAGAR_EIO when libxml2 cannot be opened (err says so). */
int tagar_rss_build(const char *title, const char *link, const char *description, const tagar_rss_item *items,
		    int n, char **out, size_t *len, tagar_err *err);

/* ------------------------------------------------------------ fetching
 * Feeds fetched over HTTP(S) and file:// with libcurl, several at once
 * (curl multi).
 *
 * Process-wide: tagar_fetcher_new calls curl_global_init and
 * tagar_fetcher_free curl_global_cleanup, which are not thread-safe: make
 * and free fetchers before starting threads or after joining them, on one
 * thread.  Transfers do not use signals (CURLOPT_NOSIGNAL).
 */
typedef struct {
	int parallel;              /* transfers at once; 0: 8 */
	long connect_timeout_ms;   /* 0: 10 s */
	long timeout_ms;           /* the whole transfer; 0: 60 s */
	size_t max_bytes;          /* the largest body (after decompression); 0: 16 MiB */
	long max_redirects;        /* 0: 5; < 0: none followed */
	const char *user_agent;    /* NULL: "tagar/" TAGAR_VERSION */
} tagar_fetch_opts;

/* One finished transfer, handed to the caller's function. */
typedef struct {
	const char *url;           /* as added */
	void *ud;                  /* as added */
	long status;               /* the last response's HTTP status; 0 for file:// or none */
	int not_modified;          /* 304: the validators matched, no body */
	char *body;                /* NUL-terminated, len bytes; the function may take it
				    * (set body to NULL; free() it), else it is freed */
	size_t len;
	const char *etag;          /* the response's validators, NULL when it gave none */
	const char *last_modified;
	const char *error;         /* NULL: fetched (or not modified); else why not: curl's
				    * reason, "HTTP 500", "body over the limit of N bytes" */
	double seconds;            /* the transfer's total time */
} tagar_fetched;

typedef void (*tagar_fetched_fn)(tagar_fetched *r, void *ud);

typedef struct tagar_fetcher tagar_fetcher;

/* NULL with err filled when curl cannot be set up. */
tagar_fetcher *tagar_fetcher_new(const tagar_fetch_opts *o, tagar_err *err);
/* Queues url (http://, https://, file://, or a local path, which becomes a
 * file:// URL) with the validators of its last fetch (NULL: none): sent as
 * If-None-Match and If-Modified-Since.  ud is handed back.  0 or
 * TAGAR_ENOMEM. */
int tagar_fetcher_add(tagar_fetcher *f, const char *url, const char *etag, const char *last_modified, void *ud);
/* Runs the transfers for up to wait_ms (less when one finishes or
 * tagar_fetcher_wakeup is called), calling fn for each finished one.
 * Returns how many are still queued or running (0: all done), or
 * TAGAR_EIO when curl fails as a whole. */
int tagar_fetcher_run(tagar_fetcher *f, int wait_ms, tagar_fetched_fn fn, void *ud);
/* Ends a tagar_fetcher_run wait early; safe from any thread. */
void tagar_fetcher_wakeup(tagar_fetcher *f);
/* Stops every transfer still queued or running (no callbacks) and frees. */
void tagar_fetcher_free(tagar_fetcher **f);

/* A local path as a file:// URL (absolute, percent-encoded); malloc'ed,
 * NULL with errno set when the path cannot be resolved. */
char *tagar_file_url(const char *path);
/* Whether s starts with a URL scheme ("http:", "file:", ...). */
int tagar_has_scheme(const char *s);

/* ------------------------------------------------------------- archive
 * tagar-feeds' archive: one SQLite file holding the feeds
 * (URL, title, validators, last status and error, backoff) and their
 * tagged items (text, tags with scores, the JSON record, model, time).
 * Messages name the archive file and SQLite's reason.
 *
 * The file is in WAL mode with a busy timeout: a second process waits for
 * the first's write transaction, then gives up with a clear error.  The
 * schema's version is PRAGMA user_version; a newer file is refused.  An
 * archive handle belongs to one thread at a time; several threads (and
 * processes) each open their own.
 */
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
