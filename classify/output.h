/* output.h - how tagar-classify writes results: JSON records, the text
 * view, error records.  Everything writes to ctx->out; nothing here owns
 * the model or the classifier. */
#ifndef TAGAR_CLASSIFY_OUTPUT_H
#define TAGAR_CLASSIFY_OUTPUT_H

#include "tagar.h"

#include <sys/types.h>

/* Exit statuses of tagar-classify. */
enum { EXIT_RECORDS = 1, EXIT_USAGE = 2, EXIT_IO_ERROR = 3 };

/* Input formats (--batch, --text, --tsv, --fasttext, --feed, --html). */
enum { IN_AUTO, IN_JSONL, IN_TEXT, IN_TSV, IN_FASTTEXT, IN_FEED, IN_HTML };

typedef struct {
	const char *model_path, *input, *eval, *dir;
	int format;        /* IN_*; IN_AUTO: decided by the input's first bytes */
	int no_title, json, all, top_k, explain, info;
	int strict;        /* invalid UTF-8 rejects the record instead of being repaired */
	int emit_feed;     /* --emit feed: the feed back, with categories */
	int show_text;     /* print the text the tagger sees, not tags */
	int threads;       /* 0: one per online CPU */
	size_t max_bytes;  /* longest record (line, article) accepted */
	double threshold;  /* < 0: the tuned thresholds */
} options;

/* One writer: the options, the model, a classifier (one per thread) and
 * where its output goes. */
typedef struct {
	const options *o;
	const tagar_model *m;
	tagar_classifier *cl;
	FILE *out;
	tagar_contrib *contrib;
	tagar_cleaner *head;      /* plain text: what may stand before the title
				   * (inputs.c); made on first use, main() frees */
} ctx;

/* The tags reported: the tuned thresholds or --threshold, and --top-k. */
tagar_choice out_choice(const options *o);
/* {"id": ..., "tags": [{"tag": ..., "score": ...}, ...]} and a newline. */
void out_json_record(ctx *c, const tagar_record *r, const tagar_tag_score *s);
/* One tag a line; aligned, two decimals, on a terminal (tty). */
void out_text_record(ctx *c, const tagar_tag_score *s, int tty);
/* {"line": N, "error": "..."} and a newline. */
void out_error_record(FILE *out, long line, const char *msg);
/* {"id": "...", "error": "..."} and a newline. */
void out_error_id(FILE *out, const char *id, const char *msg);

/* Where this run's output begins in standard output when that is a
 * regular file (its end, when opened for appending), else -1. */
off_t out_start(void);
/* After a write to standard output failed (a full disk, the file size
 * limit): drops what stdio holds and cuts the file back to the end of its
 * last whole line, never before start, so it holds whole records only. */
void out_keep_whole_lines(off_t start);

#endif
