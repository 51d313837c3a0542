/* info.c - --info: the model's metadata as a reader wants it.  The model
 * stores its training options as tagar-train's numeric codes (stem 0,
 * stopwords 3); here they become the names the options take (stem none,
 * stopwords id,en), in a summary, or in JSON with --json. */
#include "info.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A stored option: its section and key in the metadata, the tagar-train
 * option it came from, and the names of its codes (NULL: shown as is). */
typedef struct {
	const char *section, *key, *option;
	const char *const *names;
	int ncodes;
} stored_option;

static const char *const STEMS[] = {"none", "indonesian", "english"};
static const char *const NUMBERS[] = {"keep", "drop"};
static const char *const ONOFF[] = {"none", "on"};
static const char *const WEIGHTS[] = {"none", "sqrt", "balanced"};
static const char *const KERNELS[] = {"linear", "poly", "rbf"};
/* stopwords is a set of flags (TAGAR_STOP_*): see stopword_names() */
static const stored_option OPTIONS[] = {
	{"text", "ngram_max", "ngrams", NULL, 0},
	{"text", "stem", "stem", STEMS, 3},
	{"text", "stopwords", "stopwords", NULL, 0},
	{"text", "drop_numbers", "numbers", NUMBERS, 2},
	{"text", "title_weight", "title-weight", NULL, 0},
	{"text", "boilerplate", "boilerplate", ONOFF, 2},
	{"text", "lead_view", "lead-view", NULL, 0},
	{"text", "lead_tokens", "lead-tokens", NULL, 0},
	{"train", "solver", "solver", NULL, 0},
	{"train", "kernel", "kernel", KERNELS, 3},
	{"train", "C", "cost", NULL, 0},
	{"train", "gamma", "gamma", NULL, 0},
	{"train", "coef0", "coef0", NULL, 0},
	{"train", "degree", "degree", NULL, 0},
	{"train", "folds", "cv", NULL, 0},
	{"train", "class_weight", "class-weight", WEIGHTS, 3},
	{"train", "seed", "seed", NULL, 0},
	{"train", "min_df", "min-df", NULL, 0},
	{"train", "max_df", "max-df", NULL, 0},
	{"train", "fbr", "fbr", NULL, 0},
	{"train", "max_fp", "max-fp", NULL, 0},
	/* the floor's probability as set (to 4 decimals), as --micro-floor takes it */
	{"train", "floor_probability", "micro-floor", NULL, 0},
	{"train", "micro_floor_examples", "micro-floor-examples", NULL, 0},
	{"train", "eps", "eps", NULL, 0},
	{"train", "weights", "weights", NULL, 0},
};

static void stopword_names(int flags, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s%s", flags & TAGAR_STOP_ID ? "id," : "", flags & TAGAR_STOP_EN ? "en," : "",
		 flags & TAGAR_STOP_FILE ? "file," : "", flags ? "" : "none,");
	buf[strlen(buf) - 1] = 0;  /* the last comma */
}

/* The option's value as the option takes it; NULL when the metadata does
 * not hold it (older models) */
static const char *option_value(const stored_option *op, const cJSON *v, char *buf, size_t n)
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (!cJSON_IsNumber(v))
		return NULL;
	int code = (int)v->valuedouble;
	if (strcmp(op->key, "floor_probability") == 0 && v->valuedouble == 0)
		return "off";
	if (strcmp(op->key, "stopwords") == 0)
		stopword_names(code, buf, n);
	else if (op->names && code >= 0 && code < op->ncodes)
		return op->names[code];
	else
		tagar_fmt_double(buf, n, v->valuedouble, 6);
	return buf;
}

/* Only what applies: gamma for RBF and polynomial kernels, coef0 and
 * degree for polynomial ones. */
static int applies(const stored_option *op, const cJSON *meta)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(meta, "train"), "kernel");
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(meta, "train"), "solver");
	int kernel = cJSON_IsNumber(k) ? (int)k->valuedouble : TAGAR_KERNEL_LINEAR;
	if (cJSON_IsString(s) && strcmp(s->valuestring, "libsvm") != 0 && strcmp(op->key, "kernel") == 0)
		return 0;
	if (strcmp(op->key, "gamma") == 0)
		return kernel != TAGAR_KERNEL_LINEAR;
	if (strcmp(op->key, "coef0") == 0 || strcmp(op->key, "degree") == 0)
		return kernel == TAGAR_KERNEL_POLY;
	return 1;
}

/* Replaces the stored codes by their names (in place). */
static void name_codes(cJSON *meta)
{
	char buf[64];
	for (size_t i = 0; i < sizeof OPTIONS / sizeof *OPTIONS; i++) {
		const stored_option *op = &OPTIONS[i];
		cJSON *sec = cJSON_GetObjectItemCaseSensitive(meta, op->section);
		cJSON *v = cJSON_GetObjectItemCaseSensitive(sec, op->key);
		const char *name = cJSON_IsNumber(v) && (op->names || strcmp(op->key, "stopwords") == 0)
					   ? option_value(op, v, buf, sizeof buf) : NULL;
		if (name)
			cJSON_ReplaceItemInObjectCaseSensitive(sec, op->key, cJSON_CreateString(name));
	}
	cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(meta, "train"), "kernel_name");
}

static long file_bytes(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void print_json(ctx *c, const char *path, cJSON *meta)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "model", path);
	cJSON_AddNumberToObject(o, "bytes", (double)file_bytes(path));
	cJSON_AddNumberToObject(o, "tags", tagar_model_ntags(c->m));
	cJSON_AddNumberToObject(o, "terms", (double)tagar_model_nterms(c->m));
	name_codes(meta);
	cJSON_AddItemToObject(o, "metadata", meta);
	char *s = cJSON_PrintUnformatted(o);
	if (s) {
		fputs(s, c->out);
		fputc('\n', c->out);
	}
	free(s);
	cJSON_Delete(o);
}

/* A field as written: a string, or a number with `decimals` decimals (-1:
 * as short as it reads back). */
static const char *field(const cJSON *o, const char *key, int decimals, char *buf, size_t n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (cJSON_IsString(v))
		return v->valuestring;
	if (!cJSON_IsNumber(v))
		return "?";
	if (decimals < 0)
		tagar_fmt_double(buf, n, v->valuedouble, 6);
	else
		tagar_fmt_fixed(buf, n, v->valuedouble, decimals);
	return buf;
}

/* aliases: the tag vocabulary's alias count per tag (NULL: no vocabulary,
 * no column). */
static void print_tags(FILE *out, const cJSON *tags, const cJSON *aliases)
{
	char a[32], b[32], cc[32], d[32], e[32], f[32];
	const cJSON *t;
	fprintf(out, "%-20s %9s %9s %12s %9s %9s%s\n", "tag", "examples", "threshold", "CV precision", "CV recall",
		"CV F1", aliases ? "   aliases" : "");
	cJSON_ArrayForEach(t, tags)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(t, "tag");
		const char *tag = cJSON_IsString(name) ? name->valuestring : "?";
		fprintf(out, "%-20s %9s %9s %12s %9s %9s", tag, field(t, "positives", 0, a, sizeof a),
			field(t, "threshold", 4, b, sizeof b), field(t, "cv_precision", 4, cc, sizeof cc),
			field(t, "cv_recall", 4, d, sizeof d), field(t, "cv_f1", 4, e, sizeof e));
		if (aliases)
			fprintf(out, " %9s", cJSON_GetObjectItemCaseSensitive(aliases, tag) ? field(aliases, tag, 0, f, sizeof f)
											   : "0");
		fputc('\n', out);
	}
}

/* "tag vocabulary: N aliases (SOURCE), weight W, ..." when the model has one. */
static const cJSON *print_vocabulary(FILE *out, const cJSON *meta)
{
	const cJSON *lx = cJSON_GetObjectItemCaseSensitive(meta, "lexicon");
	const cJSON *aliases = cJSON_GetObjectItemCaseSensitive(lx, "aliases"), *a;
	if (!cJSON_IsObject(lx) || !cJSON_IsObject(aliases))
		return NULL;
	char w[32], src[32], lead[32];
	double n = 0;
	cJSON_ArrayForEach(a, aliases)
		n += cJSON_IsNumber(a) ? a->valuedouble : 0;
	fprintf(out, "tag vocabulary: %.0f aliases from %s; weight %s, lead %s tokens (--vocab lists them)\n", n,
		field(lx, "source", -1, src, sizeof src), field(lx, "weight", -1, w, sizeof w),
		field(lx, "lead_tokens", 0, lead, sizeof lead));
	return aliases;
}

static void print_summary(ctx *c, const char *path, const cJSON *meta)
{
	FILE *out = c->out;
	char buf[64], b2[32], b3[32];
	long bytes = file_bytes(path);
	fprintf(out, "model: %s\n", path);
	if (bytes >= 0)
		fprintf(out, "size: %ld bytes (%.2f MiB)\n", bytes, (double)bytes / 1048576.0);
	fprintf(out, "tags: %d\nterms: %ld\n", tagar_model_ntags(c->m), tagar_model_nterms(c->m));
	const cJSON *tool = cJSON_GetObjectItemCaseSensitive(meta, "tool");
	if (cJSON_IsString(tool))
		fprintf(out, "trained by: %s (model format %s)\n", tool->valuestring, field(meta, "format", -1, buf, sizeof buf));
	fputs("training options:\n", out);
	for (size_t i = 0; i < sizeof OPTIONS / sizeof *OPTIONS; i++) {
		const stored_option *op = &OPTIONS[i];
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(meta, op->section), op->key);
		const char *value = option_value(op, v, buf, sizeof buf);
		if (value && applies(op, meta))
			fprintf(out, "  %s: %s\n", op->option, value);
	}
	const cJSON *corpus = cJSON_GetObjectItemCaseSensitive(meta, "corpus");
	if (corpus)
		fprintf(out, "training set: %s documents, crc32 %s\n", field(corpus, "documents", 0, buf, sizeof buf),
			field(corpus, "crc32", -1, b2, sizeof b2));
	const cJSON *cv = cJSON_GetObjectItemCaseSensitive(meta, "cv");
	if (cv)
		fprintf(out, "cross-validation: %s-fold, micro-F1 %s, macro-F1 %s\n", field(cv, "folds", 0, buf, sizeof buf),
			field(cv, "micro_f1", 4, b2, sizeof b2), field(cv, "macro_f1", 4, b3, sizeof b3));
	print_tags(out, cJSON_GetObjectItemCaseSensitive(meta, "tags"), print_vocabulary(out, meta));
}

int vocab_print(ctx *c, const char *path)
{
	size_t len;
	const char *v = tagar_model_vocabulary(c->m, &len);
	if (!v) {
		fprintf(stderr, "tagar-classify: %s: the model has no tag vocabulary\n", path);
		return EXIT_RECORDS;
	}
	fwrite(v, 1, len, c->out);
	return 0;
}

int info_print(ctx *c, const char *path)
{
	cJSON *meta = cJSON_Parse(tagar_model_meta(c->m));
	if (!meta) {  /* the loader checked the model, not its metadata's syntax */
		fprintf(stderr, "tagar-classify: %s: the model's metadata is not JSON\n", path);
		return EXIT_IO_ERROR;
	}
	if (c->o->json) {
		print_json(c, path, meta);  /* takes meta */
		return 0;
	}
	print_summary(c, path, meta);
	cJSON_Delete(meta);
	return 0;
}
