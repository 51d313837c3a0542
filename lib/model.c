/* model.c - the model file: one binary image, read into memory and used in place.
 *
 * Layout (little-endian): a 64-byte header
 *   "TAGARMDL", u32 format, u32 header size, u64 file size, u32 reserved,
 *   u32 section count, u64 XXH3-64 checksum of everything after the header,
 *   24 reserved bytes (zero),
 * then a table of sections {u32 id, u32 element size, u64 offset, u64 count},
 * then the sections, each 8-byte aligned.  The vocabulary is an open-addressing
 * hash table stored in the file, so loading does no work proportional to its
 * size: terms are found by hashing, and every id read from the file is bounds
 * checked when used. */
#include "internal.h"
#include "lexicon.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	SEC_META = 1, SEC_STOP, SEC_UNUSED, SEC_TOFF, SEC_TSTR, SEC_SLOTS, SEC_IDF,
	SEC_WEIGHTS, SEC_TAGPARAM, SEC_KCOUNT, SEC_KRHO, SEC_KCOEF, SEC_KSTART,
	SEC_KIDX, SEC_KVAL, SEC_BOIL, SEC_QWEIGHTS, SEC_QSCALE, SEC_THASH, SEC_LEXICON, SEC_LEXWORDS,
	SEC_LEXNAMES, SEC_MAX
};

#define HEADER_SIZE 64
#define SECTION_SIZE 24

static const char MAGIC[8] = {'T', 'A', 'G', 'A', 'R', 'M', 'D', 'L'};

typedef struct {
	const void *p;
	uint64_t count;
	uint32_t esize;
} section;

struct tagar_model {
	unsigned char *base;
	size_t size;
	int mapped;                 /* base is anonymous pages, else malloc'ed */
	section sec[SEC_MAX];
	char *meta;                 /* NUL-terminated copy */
	tagar_text_opts text;
	tagar_stopset *stop;
	int ntags;
	char **tags;
	long nterms;
	uint64_t nslots;
	tagar_model_view view;
	tagar_kernel_svm *ksv;
	/* the tag vocabulary, compiled (SEC_LEXWORDS, SEC_LEXNAMES), and how
	 * its hits are fused; NULL when the model has none */
	tagar_lexicon *lex;
	tagar_lex_params lexp;
};

/* ------------------------------------------------------------ metadata */

/* The metadata's keys, spelled once for the writer and the reader. */
#define KEY_TEXT "text"
#define KEY_TRAIN "train"
#define KEY_KERNEL "kernel"
#define KEY_GAMMA "gamma"
#define KEY_COEF0 "coef0"
#define KEY_DEGREE "degree"
#define KEY_TAGS "tags"
#define KEY_TAG "tag"
#define KEY_LEXICON "lexicon"
#define KEY_LEX_WEIGHT "weight"
#define KEY_ZONE_WEIGHTS "zone_weights"
#define KEY_LEAD_TOKENS "lead_tokens"
#define KERNEL_MAX TAGAR_KERNEL_RBF
#define DEGREE_MAX 20
#define LEAD_TOKENS_MAX 1000000

/* The text options, in the order they are written and checked. */
typedef struct {
	const char *key;
	size_t off;               /* in tagar_text_opts */
	int real;                 /* a double, else an int in lo..hi */
	int lo, hi;
	int optional;             /* absent: 0 (models from before the option) */
} text_field;

static const text_field TEXT_FIELDS[] = {
	{"ngram_max", offsetof(tagar_text_opts, ngram_max), 0, 1, 8, 0},
	{"stem", offsetof(tagar_text_opts, stem), 0, 0, 2, 0},
	{"stopwords", offsetof(tagar_text_opts, stopwords), 0, 0, 7, 0},
	{"drop_numbers", offsetof(tagar_text_opts, drop_numbers), 0, 0, 1, 0},
	{"title_weight", offsetof(tagar_text_opts, title_weight), 1, 0, 0, 0},
	/* models from before boilerplate removal have no such key: off */
	{"boilerplate", offsetof(tagar_text_opts, boilerplate), 0, 0, 1, 1},
	/* models from before the lead view have neither: no lead features */
	{"lead_view", offsetof(tagar_text_opts, lead_view), 1, 0, 0, 1},
	{"lead_tokens", offsetof(tagar_text_opts, lead_tokens), 0, 0, LEAD_TOKENS_MAX, 1},
};
#define NTEXT_FIELDS (sizeof TEXT_FIELDS / sizeof *TEXT_FIELDS)

static int *text_int(tagar_text_opts *t, const text_field *f) { return (int *)(void *)((char *)t + f->off); }
static double *text_real(tagar_text_opts *t, const text_field *f) { return (double *)(void *)((char *)t + f->off); }

static void add_num(cJSON *o, const char *k, double v)
{
	cJSON_AddNumberToObject(o, k, v);
}

static cJSON *meta_text(const tagar_text_opts *t)
{
	cJSON *o = cJSON_CreateObject();
	tagar_text_opts c = *t;
	for (size_t i = 0; i < NTEXT_FIELDS; i++) {
		const text_field *f = &TEXT_FIELDS[i];
		add_num(o, f->key, f->real ? *text_real(&c, f) : *text_int(&c, f));
	}
	return o;
}

/* Rounded so the metadata reads well; the model uses the binary values. */
static double r4(double v)
{
	return round(v * 1e4) / 1e4;
}

static cJSON *meta_train(const tagar_train_meta *m)
{
	static const char *const solver[] = {"liblinear", "libsvm"};
	static const char *const kernel[] = {"linear", "poly", "rbf"};
	const tagar_train_opts *o = m->train;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "solver", solver[o->solver]);
	cJSON_AddStringToObject(j, "kernel_name", kernel[o->kernel]);
	add_num(j, KEY_KERNEL, o->kernel);
	add_num(j, "C", m->C);
	add_num(j, KEY_GAMMA, m->gamma);
	add_num(j, KEY_COEF0, o->coef0);
	add_num(j, KEY_DEGREE, o->degree);
	add_num(j, "folds", o->folds);
	add_num(j, "class_weight", o->class_weight);
	add_num(j, "seed", (double)o->seed);
	add_num(j, "min_df", o->min_df_count);
	add_num(j, "max_df", o->max_df);
	add_num(j, "fbr", o->fbr);
	add_num(j, "max_fp", o->max_fp);
	/* the floor as asked (-1 auto, 0 off) and as set: the probability */
	add_num(j, "micro_floor", o->micro_floor);
	add_num(j, "micro_floor_examples", o->micro_floor_examples);
	add_num(j, "floor_probability", r4(m->floor_p));
	add_num(j, "eps", o->eps);
	cJSON_AddStringToObject(j, "weights", o->quantize ? "i8" : "f32");
	return j;
}

/* "lexicon": the fusion parameters the classifier reads, the weights the
 * CV folds used, and how many aliases each tag has (for --info). */
static cJSON *meta_lexicon(const tagar_train_meta *m)
{
	cJSON *o = cJSON_CreateObject(), *z = cJSON_CreateArray(), *f = cJSON_CreateArray(),
	      *a = cJSON_CreateObject();
	add_num(o, KEY_LEX_WEIGHT, m->lexp->weight);
	for (int i = 0; i < TAGAR_ZONES; i++)
		cJSON_AddItemToArray(z, cJSON_CreateNumber(m->lexp->zone[i]));
	cJSON_AddItemToObject(o, KEY_ZONE_WEIGHTS, z);
	add_num(o, KEY_LEAD_TOKENS, m->lexp->lead_tokens);
	for (int i = 0; i < m->train->folds; i++)
		cJSON_AddItemToArray(f, cJSON_CreateNumber(m->fuse_w[i]));
	cJSON_AddItemToObject(o, "fold_weights", f);
	cJSON_AddStringToObject(o, "source", m->tv->name);
	for (int i = 0; i < m->tv->n; i++)
		add_num(a, m->tv->e[i].tag, m->tv->e[i].nalias);
	cJSON_AddItemToObject(o, "aliases", a);
	return o;
}

static cJSON *meta_tags(const tagar_train_meta *m)
{
	cJSON *a = cJSON_CreateArray();
	for (int t = 0; t < m->ntags; t++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, KEY_TAG, m->tags[t]);
		add_num(o, "positives", m->npos[t]);
		add_num(o, "threshold", r4(m->tagparam[4 * t + 1]));
		add_num(o, "cv_precision", r4(tagar_precision(&m->cnt[t])));
		add_num(o, "cv_recall", r4(tagar_recall(&m->cnt[t])));
		add_num(o, "cv_f1", r4(tagar_f1(&m->cnt[t])));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

char *tagar_model_meta_json(const tagar_train_meta *m)
{
	double mi, ma;
	tagar_micro_macro(m->cnt, m->ntags, &mi, &ma);
	char crc[16];
	snprintf(crc, sizeof crc, "%08x", m->corpus_crc);
	cJSON *root = cJSON_CreateObject(), *corpus = cJSON_CreateObject(), *cv = cJSON_CreateObject();
	add_num(root, "format", TAGAR_MODEL_FORMAT);
	cJSON_AddStringToObject(root, "tool", "tagar " TAGAR_VERSION);
	cJSON_AddItemToObject(root, KEY_TEXT, meta_text(m->text));
	cJSON_AddItemToObject(root, KEY_TRAIN, meta_train(m));
	add_num(corpus, "documents", m->documents);
	cJSON_AddStringToObject(corpus, "crc32", crc);
	add_num(corpus, "terms", (double)m->nterms);
	cJSON_AddItemToObject(root, "corpus", corpus);
	add_num(cv, "folds", m->train->folds);
	add_num(cv, "micro_f1", r4(mi));
	add_num(cv, "macro_f1", r4(ma));
	cJSON_AddItemToObject(root, "cv", cv);
	if (m->tv)
		cJSON_AddItemToObject(root, KEY_LEXICON, meta_lexicon(m));
	cJSON_AddItemToObject(root, KEY_TAGS, meta_tags(m));
	char *s = cJSON_Print(root);
	cJSON_Delete(root);
	return s;
}

/* ------------------------------------------------------------- writing */

typedef struct {
	tagar_buf b;              /* the image */
	int nsec;
	int failed;
} writer;

static unsigned char *w_bytes(const writer *w)
{
	return (unsigned char *)w->b.p;
}

static void w_reserve(writer *w, size_t n)
{
	if (!w->failed && tagar_buf_grow(&w->b, w->b.len + n))
		w->failed = 1;
}

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

/* Appends one section; the table entry is written at its slot. */
static void w_section(writer *w, int id, const void *data, uint64_t count, uint32_t esize)
{
	size_t pad = (8 - w->b.len % 8) % 8, bytes = (size_t)count * esize;
	w_reserve(w, pad + bytes);
	if (w->failed)
		return;
	memset(w_bytes(w) + w->b.len, 0, pad);
	w->b.len += pad;
	unsigned char *t = w_bytes(w) + HEADER_SIZE + (size_t)w->nsec++ * SECTION_SIZE;
	put_u32(t, (uint32_t)id);
	put_u32(t + 4, esize);
	put_u64(t + 8, w->b.len);
	put_u64(t + 16, count);
	if (bytes)
		memcpy(w_bytes(w) + w->b.len, data, bytes);
	w->b.len += bytes;
}

static int count_sections(const tagar_model_parts *p)
{
	return (p->weights ? 9 + (p->quantize != 0) : 14) + (p->boilerplate != NULL) + 3 * (p->lexicon != NULL);
}

/* Each slot is {low 32 bits of the term's hash, term id + 1}; the high 32
 * bits, which also choose the home slot, are kept per term (SEC_THASH).  A
 * term is found by its whole 64-bit hash, never by comparing strings, so
 * the classifier can hash a run of tokens, fetch their slots ahead and
 * resolve them afterwards without keeping the strings.  Two vocabulary
 * terms share a 64-bit hash with odds of about 1e-6 even at --max-terms;
 * the first would then shadow the second.
 * The table is half full: most tokens looked up are stopwords or unknown,
 * and a miss probes 2.5 slots on average at that load (6 at 70%).  Homes
 * lie in the first nslots - TAGAR_VOCAB_TAIL slots and probes never wrap:
 * they run on into the tail, so a lookup reads slots in one direction and
 * can compare four at a time.  A table whose probes would run past the
 * tail is rebuilt with more home slots. */
static uint32_t *place_terms(const uint64_t *hash, long nterms, uint64_t nhome)
{
	uint64_t n = nhome + TAGAR_VOCAB_TAIL;
	uint32_t *s = calloc(n * 2, sizeof *s);
	for (long i = 0; s && i < nterms; i++) {
		uint64_t j = tagar_vocab_home(hash[i], nhome);
		while (j < n && s[2 * j + 1])
			j++;
		if (j == n) {
			free(s);
			return NULL;
		}
		s[2 * j] = (uint32_t)hash[i];
		s[2 * j + 1] = (uint32_t)i + 1;
	}
	return s;
}

static uint32_t *build_slots(const tagar_model_parts *p, const uint64_t *hash, uint64_t *nslots)
{
	uint64_t nhome = 16 + (uint64_t)p->nterms * 2;
	for (int tries = 0; tries < 8; tries++, nhome += nhome / 8) {
		uint32_t *s = place_terms(hash, p->nterms, nhome);
		if (s) {
			*nslots = nhome + TAGAR_VOCAB_TAIL;
			return s;
		}
	}
	return NULL;  /* cannot happen short of running out of memory */
}

static uint32_t *high_hashes(const tagar_model_parts *p, const uint64_t *hash)
{
	uint32_t *hi = malloc(((size_t)p->nterms + 1) * sizeof *hi);
	for (long i = 0; hi && i < p->nterms; i++)
		hi[i] = (uint32_t)(hash[i] >> 32);
	return hi;
}

static int term_tables(const tagar_model_parts *p, uint64_t **hash, uint32_t **off, char **str)
{
	size_t total = 0;
	for (long i = 0; i < p->nterms; i++)
		total += p->term_len[i];
	*hash = malloc(((size_t)p->nterms + 1) * sizeof **hash);
	*off = malloc(((size_t)p->nterms + 1) * sizeof **off);
	*str = malloc(total + 1);
	if (!*hash || !*off || !*str || total > UINT32_MAX)
		return -1;
	size_t at = 0;
	for (long i = 0; i < p->nterms; i++) {
		(*hash)[i] = tagar_hash(p->terms[i], p->term_len[i]);
		(*off)[i] = (uint32_t)at;
		memcpy(*str + at, p->terms[i], p->term_len[i]);
		at += p->term_len[i];
	}
	(*off)[p->nterms] = (uint32_t)at;
	return 0;
}

/* int8 weights with one scale per term (its largest weight maps to 127):
 * a quarter of the float size, and the rows a term's lookup touches fit in
 * cache; measured to change F1 by less than fold-to-fold noise. */
static int8_t *quantize(const tagar_model_parts *p, float **scale_out)
{
	size_t T = (size_t)p->ntags, n = (size_t)p->nterms;
	int8_t *q = malloc(n * T + 1);
	float *scale = malloc((n + 1) * sizeof *scale);
	if (!q || !scale) {
		free(q);
		free(scale);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const float *w = p->weights + i * T;
		float mx = 0;
		for (size_t t = 0; t < T; t++)
			mx = fabsf(w[t]) > mx ? fabsf(w[t]) : mx;
		scale[i] = mx / 127.0f;
		for (size_t t = 0; t < T; t++)
			q[i * T + t] = mx > 0 ? (int8_t)lrintf(w[t] / scale[i]) : 0;
	}
	*scale_out = scale;
	return q;
}

static void write_kernel_sections(writer *w, const tagar_model_parts *p)
{
	w_section(w, SEC_KCOUNT, p->ksv_count, (uint64_t)p->ntags, 4);
	w_section(w, SEC_KRHO, p->ksv_rho, (uint64_t)p->ntags, 8);
	w_section(w, SEC_KCOEF, p->ksv_coef, (uint64_t)p->ksv_total, 8);
	w_section(w, SEC_KSTART, p->ksv_start, (uint64_t)p->ksv_total + 1, 4);
	w_section(w, SEC_KIDX, p->ksv_idx, (uint64_t)p->ksv_nnz, 4);
	w_section(w, SEC_KVAL, p->ksv_val, (uint64_t)p->ksv_nnz, 4);
}

int tagar_model_build(const tagar_model_parts *p, void **bytes, size_t *len, tagar_err *err)
{
	writer w = {0};
	uint64_t *hash = NULL, nslots = 0;
	uint32_t *off = NULL, *slots = NULL, *hi = NULL;
	char *str = NULL;
	int8_t *q = NULL;
	float *qscale = NULL;
	int rc = 0;
	if (term_tables(p, &hash, &off, &str) || !(slots = build_slots(p, hash, &nslots)) ||
	    !(hi = high_hashes(p, hash))) {
		rc = tagar_fail(err, TAGAR_ENOMEM, "out of memory building the model");
		goto out;
	}
	int nsec = count_sections(p);
	w_reserve(&w, HEADER_SIZE + (size_t)nsec * SECTION_SIZE);
	if (w.failed)
		goto nomem;
	memset(w_bytes(&w), 0, HEADER_SIZE + (size_t)nsec * SECTION_SIZE);
	w.b.len = HEADER_SIZE + (size_t)nsec * SECTION_SIZE;
	w_section(&w, SEC_META, p->meta, strlen(p->meta), 1);
	w_section(&w, SEC_STOP, p->stopwords, p->stopwords_len, 1);
	w_section(&w, SEC_TOFF, off, (uint64_t)p->nterms + 1, 4);
	w_section(&w, SEC_TSTR, str, off[p->nterms], 1);
	w_section(&w, SEC_SLOTS, slots, nslots, 8);
	w_section(&w, SEC_THASH, hi, (uint64_t)p->nterms, 4);
	w_section(&w, SEC_IDF, p->idf, (uint64_t)p->nterms, 4);
	w_section(&w, SEC_TAGPARAM, p->tagparam, (uint64_t)p->ntags * 4, 8);
	if (p->weights && p->quantize) {
		if (!(q = quantize(p, &qscale)))
			goto nomem;
		w_section(&w, SEC_QWEIGHTS, q, (uint64_t)p->nterms * (uint64_t)p->ntags, 1);
		w_section(&w, SEC_QSCALE, qscale, (uint64_t)p->nterms, 4);
	} else if (p->weights) {
		w_section(&w, SEC_WEIGHTS, p->weights, (uint64_t)p->nterms * (uint64_t)p->ntags, 4);
	} else {
		write_kernel_sections(&w, p);
	}
	if (p->boilerplate)  /* absent when off, so such models stay readable by older builds */
		w_section(&w, SEC_BOIL, p->boilerplate, p->boilerplate_len, 1);
	if (p->lexicon) {
		w_section(&w, SEC_LEXICON, p->lexicon, p->lexicon_len, 1);
		w_section(&w, SEC_LEXWORDS, p->lex_words, p->lex_nwords, 8);
		w_section(&w, SEC_LEXNAMES, p->lex_names, p->lex_nnames, 1);
	}
	if (w.failed)
		goto nomem;
	memcpy(w_bytes(&w), MAGIC, 8);
	put_u32(w_bytes(&w) + 8, TAGAR_MODEL_FORMAT);
	put_u32(w_bytes(&w) + 12, HEADER_SIZE);
	put_u64(w_bytes(&w) + 16, w.b.len);
	put_u32(w_bytes(&w) + 28, (uint32_t)nsec);
	put_u64(w_bytes(&w) + 32, tagar_checksum(w_bytes(&w) + HEADER_SIZE, w.b.len - HEADER_SIZE));
	*bytes = w.b.p;
	*len = w.b.len;
	w.b.p = NULL;
	goto out;
nomem:
	rc = tagar_fail(err, TAGAR_ENOMEM, "out of memory building the model");
out:
	tagar_buf_free(&w.b);
	free(hash);
	free(off);
	free(str);
	free(slots);
	free(hi);
	free(q);
	free(qscale);
	return rc;
}

int tagar_model_save(const tagar_model *m, const char *path, tagar_err *err)
{
	tagar_outfile *o = tagar_outfile_open(path, NULL, err);
	return o ? tagar_outfile_commit(&o, m->base, m->size, err) : err ? err->code : TAGAR_EIO;
}

const void *tagar_model_image(const tagar_model *m, size_t *len)
{
	*len = m->size;
	return m->base;
}

/* ------------------------------------------------------------- reading */

static const uint32_t SEC_ESIZE[SEC_MAX] = {
	[SEC_META] = 1, [SEC_STOP] = 1, [SEC_UNUSED] = 1, [SEC_TOFF] = 4, [SEC_TSTR] = 1,
	[SEC_SLOTS] = 8, [SEC_IDF] = 4, [SEC_WEIGHTS] = 4, [SEC_TAGPARAM] = 8, [SEC_KCOUNT] = 4,
	[SEC_KRHO] = 8, [SEC_KCOEF] = 8, [SEC_KSTART] = 4, [SEC_KIDX] = 4, [SEC_KVAL] = 4,
	[SEC_BOIL] = 1, [SEC_QWEIGHTS] = 1, [SEC_QSCALE] = 4, [SEC_THASH] = 4, [SEC_LEXICON] = 1,
	[SEC_LEXWORDS] = 8, [SEC_LEXNAMES] = 1,
};

static int read_header(tagar_model *m, tagar_err *err)
{
	const unsigned char *b = m->base;
	if (m->size < HEADER_SIZE || memcmp(b, MAGIC, 8) != 0)
		return tagar_fail(err, TAGAR_EMODEL, "not a tagar model (bad magic number)");
	uint32_t ver = get_u32(b + 8);
	if (ver > TAGAR_MODEL_FORMAT)
		return tagar_fail(err, TAGAR_EMODEL, "model format %u is newer than this tagar reads (%d): upgrade tagar",
				  ver, TAGAR_MODEL_FORMAT);
	if (ver < TAGAR_MODEL_FORMAT)
		return tagar_fail(err, TAGAR_EMODEL, "model format %u is older than this tagar reads (%d): "
				  "train the model again with this tagar-train", ver, TAGAR_MODEL_FORMAT);
	if (get_u32(b + 12) != HEADER_SIZE || get_u32(b + 24) != 0)
		return tagar_fail(err, TAGAR_EMODEL, "unsupported model format %u", ver);
	for (int i = 40; i < HEADER_SIZE; i++)  /* reserved: zero in this format */
		if (b[i])
			return tagar_fail(err, TAGAR_EMODEL, "model header is corrupt (reserved byte %d set)", i);
	if (get_u64(b + 16) != m->size)
		return tagar_fail(err, TAGAR_EMODEL, "model is truncated or has trailing data (%zu bytes, header says %llu)",
				  m->size, (unsigned long long)get_u64(b + 16));
	/* XXH3 rather than CRC-32: it checks a model at memory speed, so
	 * verifying every byte costs single-article tagging almost nothing */
	if (tagar_checksum(b + HEADER_SIZE, m->size - HEADER_SIZE) != get_u64(b + 32))
		return tagar_fail(err, TAGAR_EMODEL, "model checksum mismatch: the file is corrupt");
	uint32_t nsec = get_u32(b + 28);
	if (nsec > SEC_MAX || HEADER_SIZE + (uint64_t)nsec * SECTION_SIZE > m->size)
		return tagar_fail(err, TAGAR_EMODEL, "bad section table (%u sections)", nsec);
	for (uint32_t i = 0; i < nsec; i++) {
		const unsigned char *t = b + HEADER_SIZE + i * SECTION_SIZE;
		uint32_t id = get_u32(t), es = get_u32(t + 4);
		uint64_t off = get_u64(t + 8), cnt = get_u64(t + 16);
		if (id == 0 || id >= SEC_MAX || es != SEC_ESIZE[id] || m->sec[id].p)
			return tagar_fail(err, TAGAR_EMODEL, "bad section %u (id %u)", i, id);
		if (off % 8 || off > m->size || cnt > (m->size - off) / es)
			return tagar_fail(err, TAGAR_EMODEL, "section %u lies outside the file", id);
		m->sec[id] = (section){b + off, cnt, es};
	}
	return 0;
}

static int need(tagar_model *m, int id, uint64_t count, tagar_err *err)
{
	if (!m->sec[id].p)
		return tagar_fail(err, TAGAR_EMODEL, "section %d is missing", id);
	if (m->sec[id].count != count)
		return tagar_fail(err, TAGAR_EMODEL, "section %d has %llu entries, expected %llu", id,
				  (unsigned long long)m->sec[id].count, (unsigned long long)count);
	return 0;
}

static int meta_int(const cJSON *o, const char *k, int lo, int hi, int *out, tagar_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi || v->valuedouble != (int)v->valuedouble)
		return tagar_fail(err, TAGAR_EMODEL, "model metadata: \"%s\" missing or out of range", k);
	*out = (int)v->valuedouble;
	return 0;
}

static int meta_real(const cJSON *o, const char *k, double *out, tagar_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(v))
		return tagar_fail(err, TAGAR_EMODEL, "model metadata: \"%s\" missing", k);
	if (!isfinite(v->valuedouble))  /* 1e999 reads as infinity */
		return tagar_fail(err, TAGAR_EMODEL, "model metadata: \"%s\" is not a finite number", k);
	*out = v->valuedouble;
	return 0;
}

static int read_text_opts(tagar_model *m, const cJSON *root, tagar_err *err)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, KEY_TEXT);
	tagar_text_opts *o = &m->text;
	if (!cJSON_IsObject(t))
		return tagar_fail(err, TAGAR_EMODEL, "model metadata: \"" KEY_TEXT "\" missing");
	for (size_t i = 0; i < NTEXT_FIELDS; i++) {
		const text_field *f = &TEXT_FIELDS[i];
		if (f->optional && !cJSON_GetObjectItemCaseSensitive(t, f->key))
			continue;
		if (f->real ? meta_real(t, f->key, text_real(o, f), err)
			    : meta_int(t, f->key, f->lo, f->hi, text_int(o, f), err))
			return TAGAR_EMODEL;
	}
	const cJSON *tr = cJSON_GetObjectItemCaseSensitive(root, KEY_TRAIN);
	if (!cJSON_IsObject(tr) || meta_int(tr, KEY_KERNEL, 0, KERNEL_MAX, &m->view.kernel, err) ||
	    meta_real(tr, KEY_GAMMA, &m->view.gamma, err) || meta_real(tr, KEY_COEF0, &m->view.coef0, err) ||
	    meta_int(tr, KEY_DEGREE, 0, DEGREE_MAX, &m->view.degree, err))
		return TAGAR_EMODEL;
	return 0;
}

static int read_tags(tagar_model *m, const cJSON *root, tagar_err *err)
{
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(root, KEY_TAGS);
	int n = cJSON_IsArray(tags) ? cJSON_GetArraySize(tags) : 0;
	if (n <= 0 || n > 100000)
		return tagar_fail(err, TAGAR_EMODEL, "model metadata: \"" KEY_TAGS "\" missing");
	m->ntags = n;
	if (!(m->tags = calloc((size_t)n, sizeof *m->tags)))
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	int i = 0;
	const cJSON *t;
	cJSON_ArrayForEach(t, tags) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(t, KEY_TAG);
		if (!cJSON_IsString(name))
			return tagar_fail(err, TAGAR_EMODEL, "model metadata: tag %d has no name", i);
		char why[128];  /* training refuses such names; a model holding one was not made by it */
		if (tagar_tag_check(name->valuestring, strlen(name->valuestring), why, sizeof why))
			return tagar_fail(err, TAGAR_EMODEL, "model metadata: the name of tag %d %s", i, why);
		if (!(m->tags[i++] = strdup(name->valuestring)))
			return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	}
	return 0;
}

/* "lexicon": {"weight": W, "zone_weights": [T, L, R], "lead_tokens": N, ...}
 * when the model has a tag vocabulary (SEC_LEXICON), else absent. */
static int read_lexicon_params(tagar_model *m, const cJSON *root, tagar_err *err)
{
	const cJSON *lx = cJSON_GetObjectItemCaseSensitive(root, KEY_LEXICON);
	tagar_lex_params_default(&m->lexp);
	if (!lx) {
		m->lexp.weight = -1;  /* no lexicon */
		return 0;
	}
	const cJSON *z = cJSON_GetObjectItemCaseSensitive(lx, KEY_ZONE_WEIGHTS);
	if (!cJSON_IsObject(lx) || meta_real(lx, KEY_LEX_WEIGHT, &m->lexp.weight, err) ||
	    meta_int(lx, KEY_LEAD_TOKENS, 0, LEAD_TOKENS_MAX, &m->lexp.lead_tokens, err))
		return TAGAR_EMODEL;
	if (!cJSON_IsArray(z) || cJSON_GetArraySize(z) != TAGAR_ZONES)
		return tagar_fail(err, TAGAR_EMODEL, "model metadata: \"" KEY_ZONE_WEIGHTS "\" missing");
	for (int i = 0; i < TAGAR_ZONES; i++) {
		const cJSON *v = cJSON_GetArrayItem(z, i);
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > 1e6)
			return tagar_fail(err, TAGAR_EMODEL, "model metadata: \"" KEY_ZONE_WEIGHTS "\" out of range");
		m->lexp.zone[i] = v->valuedouble;
	}
	if (!isfinite(m->lexp.weight) || m->lexp.weight < 0 || m->lexp.weight > 1e6)
		return tagar_fail(err, TAGAR_EMODEL, "model metadata: " KEY_LEXICON " \"" KEY_LEX_WEIGHT "\" out of range");
	return 0;
}

/* The tag vocabulary as training compiled it: its text (for --vocab), its
 * aliases' words and names, each alias checked as it is read. */
static int read_lexicon(tagar_model *m, tagar_err *err)
{
	const section *t = &m->sec[SEC_LEXICON], *w = &m->sec[SEC_LEXWORDS], *n = &m->sec[SEC_LEXNAMES];
	int want = m->lexp.weight >= 0, have = t->p || w->p || n->p;
	if (!want && !have)
		return 0;
	if (!want)
		return tagar_fail(err, TAGAR_EMODEL, "tag vocabulary section without its metadata");
	if (!t->p || !w->p || !n->p)
		return tagar_fail(err, TAGAR_EMODEL, "tag vocabulary section is missing");
	m->lex = tagar_lexicon_from_image(w->p, w->count, n->p, n->count, m->ntags, err);
	return m->lex ? 0 : TAGAR_EMODEL;
}

static int read_meta(tagar_model *m, tagar_err *err)
{
	const section *s = &m->sec[SEC_META];
	if (!s->p)
		return tagar_fail(err, TAGAR_EMODEL, "metadata section is missing");
	if (!(m->meta = malloc(s->count + 1)))
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	memcpy(m->meta, s->p, s->count);
	m->meta[s->count] = 0;
	cJSON *root = cJSON_ParseWithLength(m->meta, s->count);
	if (!root)
		return tagar_fail(err, TAGAR_EMODEL, "model metadata is not valid JSON");
	int rc = read_text_opts(m, root, err);
	if (!rc)
		rc = read_tags(m, root, err);
	if (!rc)
		rc = read_lexicon_params(m, root, err);
	cJSON_Delete(root);
	return rc;
}

static int read_kernels(tagar_model *m, tagar_err *err)
{
	uint64_t total = m->sec[SEC_KCOEF].count, nnz = m->sec[SEC_KIDX].count;
	if (need(m, SEC_KCOUNT, (uint64_t)m->ntags, err) || need(m, SEC_KRHO, (uint64_t)m->ntags, err) ||
	    need(m, SEC_KCOEF, total, err) || need(m, SEC_KIDX, nnz, err) ||  /* present, even if empty */
	    need(m, SEC_KSTART, total + 1, err) || need(m, SEC_KVAL, nnz, err))
		return TAGAR_EMODEL;
	const uint32_t *cnt = m->sec[SEC_KCOUNT].p, *start = m->sec[SEC_KSTART].p, *idx = m->sec[SEC_KIDX].p;
	if (!(m->ksv = calloc((size_t)m->ntags, sizeof *m->ksv)))
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	uint64_t at = 0;
	for (int t = 0; t < m->ntags; t++) {
		if (cnt[t] > total - at)
			return tagar_fail(err, TAGAR_EMODEL, "tag %d: support vector count out of range", t);
		m->ksv[t] = (tagar_kernel_svm){(int)cnt[t], ((const double *)m->sec[SEC_KRHO].p)[t],
					       (const double *)m->sec[SEC_KCOEF].p + at, start + at, idx,
					       m->sec[SEC_KVAL].p};
		at += cnt[t];
	}
	/* kernel models are small; check every support vector once here */
	for (uint64_t i = 0; i < total; i++)
		if (start[i] > start[i + 1] || start[i + 1] > nnz)
			return tagar_fail(err, TAGAR_EMODEL, "support vector %llu out of range", (unsigned long long)i);
	for (uint64_t i = 0; i < nnz; i++)
		if (idx[i] >= (uint64_t)m->nterms)
			return tagar_fail(err, TAGAR_EMODEL, "support vector term %u out of range", idx[i]);
	m->view.ksv = m->ksv;
	return 0;
}

/* The index of the first value of p[0..n) that is not a finite number, or
 * -1.  A float is not finite when its exponent bits are all set: that test
 * on the bits, OR-ed over the whole array, vectorises (isfinite() per
 * value took 150,000 instructions of every start-up for the default
 * model); only a model that has such a value is searched again. */
static long first_nonfinite_f32(const float *p, uint64_t n)
{
	uint32_t bad = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint32_t bits;
		memcpy(&bits, p + i, sizeof bits);
		bad |= (bits & 0x7f800000u) == 0x7f800000u;
	}
	for (uint64_t i = 0; bad && i < n; i++)
		if (!isfinite(p[i]))
			return (long)i;
	return -1;
}

static long first_nonfinite_f64(const double *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (!isfinite(p[i]))
			return (long)i;
	return -1;
}

/* A model holding NaN or infinity would print them as scores (invalid
 * JSON) and assign nothing: every number the classifier reads is checked,
 * once, here.  The checksum pass has just read the same bytes. */
static int check_numbers(const tagar_model *m, tagar_err *err)
{
	static const char *const param[] = {"bias", "threshold", "calibration slope", "calibration offset"};
	long i = first_nonfinite_f64(m->view.tagparam, (uint64_t)m->ntags * 4);
	if (i >= 0)
		return tagar_fail(err, TAGAR_EMODEL, "tag \"%s\": its %s is not a finite number", m->tags[i / 4],
				  param[i % 4]);
	const char *what = NULL;
	if (first_nonfinite_f32(m->view.idf, (uint64_t)m->nterms) >= 0)
		what = "a term's idf";
	else if (m->view.weights &&
		 first_nonfinite_f32(m->view.weights, (uint64_t)m->nterms * (uint64_t)m->ntags) >= 0)
		what = "a weight";
	else if (m->view.qscale && first_nonfinite_f32(m->view.qscale, (uint64_t)m->nterms) >= 0)
		what = "a weight scale";
	else if (m->ksv && (first_nonfinite_f64(m->sec[SEC_KRHO].p, m->sec[SEC_KRHO].count) >= 0 ||
			    first_nonfinite_f64(m->sec[SEC_KCOEF].p, m->sec[SEC_KCOEF].count) >= 0 ||
			    first_nonfinite_f32(m->sec[SEC_KVAL].p, m->sec[SEC_KVAL].count) >= 0))
		what = "a kernel model value";
	return what ? tagar_fail(err, TAGAR_EMODEL, "%s is not a finite number", what) : 0;
}

static int validate(tagar_model *m, tagar_err *err)
{
	int rc = read_header(m, err);
	if (!rc)
		rc = read_meta(m, err);
	if (rc)
		return rc;
	if (!m->sec[SEC_TOFF].p || m->sec[SEC_TOFF].count == 0 || m->sec[SEC_TOFF].count >= UINT32_MAX)
		return tagar_fail(err, TAGAR_EMODEL, "vocabulary section missing");
	m->nterms = (long)m->sec[SEC_TOFF].count - 1;
	uint64_t nt = (uint64_t)m->nterms, ns = m->sec[SEC_SLOTS].count;
	if (need(m, SEC_IDF, nt, err) || need(m, SEC_THASH, nt, err) ||
	    need(m, SEC_TAGPARAM, (uint64_t)m->ntags * 4, err) || !m->sec[SEC_TSTR].p)
		return TAGAR_EMODEL;
	if (!m->sec[SEC_SLOTS].p || ns < 16 + TAGAR_VOCAB_TAIL || ns - TAGAR_VOCAB_TAIL <= nt)
		return tagar_fail(err, TAGAR_EMODEL, "vocabulary hash table has a bad size");
	m->nslots = ns;
	m->view.idf = m->sec[SEC_IDF].p;
	m->view.tagparam = m->sec[SEC_TAGPARAM].p;
	if (m->sec[SEC_WEIGHTS].p) {
		if (need(m, SEC_WEIGHTS, nt * (uint64_t)m->ntags, err))
			return TAGAR_EMODEL;
		m->view.weights = m->sec[SEC_WEIGHTS].p;
	} else if (m->sec[SEC_QWEIGHTS].p) {
		if (need(m, SEC_QWEIGHTS, nt * (uint64_t)m->ntags, err) || need(m, SEC_QSCALE, nt, err))
			return TAGAR_EMODEL;
		m->view.qweights = m->sec[SEC_QWEIGHTS].p;
		m->view.qscale = m->sec[SEC_QSCALE].p;
	} else if ((rc = read_kernels(m, err))) {
		return rc;
	}
	if ((rc = check_numbers(m, err)))
		return rc;
	if (m->text.boilerplate && !m->sec[SEC_BOIL].p)
		return tagar_fail(err, TAGAR_EMODEL, "boilerplate section is missing");
	const char *sw = m->sec[SEC_STOP].p;
	m->stop = tagar_stopset_new(0, sw ? sw : "", sw ? m->sec[SEC_STOP].count : 0);
	if (!m->stop)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	return read_lexicon(m, err);
}

/* The model over bytes (anonymous pages when mapped, else malloc'ed),
 * which it owns from here on, even when it fails. */
static tagar_model *model_over(void *bytes, size_t len, int mapped, tagar_err *err)
{
	tagar_model *m = calloc(1, sizeof *m);
	if (!m) {
		if (mapped)
			munmap(bytes, len);
		else
			free(bytes);
		tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		return NULL;
	}
	m->base = bytes;
	m->size = len;
	m->mapped = mapped;
	if (validate(m, err))
		tagar_model_free(&m);
	return m;
}

tagar_model *tagar_model_adopt(void *bytes, size_t len, tagar_err *err)
{
	return model_over(bytes, len, 0, err);
}

tagar_model *tagar_model_from_bytes(const void *p, size_t n, tagar_err *err)
{
	void *copy = malloc(n ? n : 1);  /* malloc'ed memory is aligned for every section */
	if (!copy) {
		tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(copy, p, n);
	return tagar_model_adopt(copy, n, err);
}

/* Reads exactly n bytes at offset off; 0, or -1 with errno set (EIO when
 * the file ended early, i.e. it shrank since fstat). */
static int read_at(int fd, void *buf, size_t n, off_t off)
{
	for (size_t got = 0; got < n;) {
		ssize_t k = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			return -1;
		}
		got += (size_t)k;
	}
	return 0;
}

/* Anonymous memory, its pages made at once (MAP_POPULATE): reading a
 * model into malloc'ed memory took a page fault per 4 KiB page, 0.5 ms of
 * system time for the default model; this is most of that saved. */
static void *private_pages(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* The model file's bytes in private memory.  The file is opened without
 * blocking (a FIFO would hang open()), must be a regular file, and its
 * header's size must match before anything else is read, so a valid
 * header on a huge sparse file costs one 64-byte read.  Reading (not
 * mapping) the file makes the running tagger immune to the file being
 * rewritten (cp new.tgm m.tgm) or truncated while it runs: a MAP_PRIVATE
 * mapping still shows other writers' changes to pages it has not copied,
 * and a truncated file turns reads of the mapping into SIGBUS.  For the
 * default model (1.1 MB) the read costs a fraction of a millisecond. */
static void *read_model_file(const char *path, size_t *len, tagar_err *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	unsigned char head[HEADER_SIZE];
	void *buf = NULL;
	if (fd < 0 || fstat(fd, &st) != 0) {
		tagar_fail(err, TAGAR_EIO, "%s: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode) || st.st_size < HEADER_SIZE) {
		tagar_fail(err, TAGAR_EMODEL, "%s: not a tagar model (%s)", path,
			   S_ISREG(st.st_mode) ? "too short" : "not a regular file");
	} else if (read_at(fd, head, HEADER_SIZE, 0) != 0) {
		tagar_fail(err, TAGAR_EIO, "%s: %s", path, strerror(errno));
	} else if (memcmp(head, MAGIC, 8) == 0 && get_u64(head + 16) != (uint64_t)st.st_size) {
		tagar_fail(err, TAGAR_EMODEL, "%s: model is truncated or has trailing data (%llu bytes, header says %llu)",
			   path, (unsigned long long)st.st_size, (unsigned long long)get_u64(head + 16));
	} else if ((uint64_t)st.st_size > SIZE_MAX || !(buf = private_pages((size_t)st.st_size))) {
		tagar_fail(err, TAGAR_ENOMEM, "%s: out of memory for a model of %llu bytes", path,
			   (unsigned long long)st.st_size);
	} else if (read_at(fd, buf, (size_t)st.st_size, 0) != 0) {
		tagar_fail(err, TAGAR_EIO, "%s: %s (did the file change while it was read?)", path, strerror(errno));
		munmap(buf, (size_t)st.st_size);
		buf = NULL;
	}
	if (fd >= 0)
		close(fd);
	*len = buf ? (size_t)st.st_size : 0;
	return buf;
}

tagar_model *tagar_model_load(const char *path, tagar_err *err)
{
	size_t len;
	void *bytes = read_model_file(path, &len, err);
	if (!bytes)
		return NULL;
	tagar_model *m = model_over(bytes, len, 1, err);
	if (!m && err) {  /* the message names the file */
		char msg[sizeof err->msg + 4096];
		snprintf(msg, sizeof msg, "%.4000s: %s", path, err->msg);
		memcpy(err->msg, msg, sizeof err->msg - 1);
		err->msg[sizeof err->msg - 1] = 0;
	}
	return m;
}

void tagar_model_free(tagar_model **mp)
{
	if (!mp || !*mp)
		return;
	tagar_model *m = *mp;
	if (m->mapped)
		munmap(m->base, m->size);
	else
		free(m->base);
	free(m->meta);
	for (int i = 0; m->tags && i < m->ntags; i++)
		free(m->tags[i]);
	free(m->tags);
	free(m->ksv);
	tagar_lexicon_free(&m->lex);
	tagar_stopset_free(&m->stop);
	free(m);
	*mp = NULL;
}

int tagar_model_ntags(const tagar_model *m) { return m->ntags; }
const char *tagar_model_tag(const tagar_model *m, int i) { return m->tags[i]; }
long tagar_model_nterms(const tagar_model *m) { return m->nterms; }
const tagar_text_opts *tagar_model_text_opts(const tagar_model *m) { return &m->text; }
const tagar_stopset *tagar_model_stopset(const tagar_model *m) { return m->stop; }

const char *tagar_model_boilerplate(const tagar_model *m, size_t *len)
{
	*len = m->text.boilerplate ? m->sec[SEC_BOIL].count : 0;
	return m->text.boilerplate ? m->sec[SEC_BOIL].p : NULL;
}
const char *tagar_model_meta(const tagar_model *m) { return m->meta; }
void tagar_model_get_view(const tagar_model *m, tagar_model_view *v) { *v = m->view; }

double tagar_model_threshold(const tagar_model *m, int tag)
{
	return m->view.tagparam[4 * tag + 1];
}

const char *tagar_model_term(const tagar_model *m, long id, size_t *len)
{
	const uint32_t *off = m->sec[SEC_TOFF].p;
	if (id < 0 || id >= m->nterms || off[id] > off[id + 1] || off[id + 1] > m->sec[SEC_TSTR].count) {
		*len = 0;
		return "";
	}
	*len = off[id + 1] - off[id];
	return (const char *)m->sec[SEC_TSTR].p + off[id];
}

void tagar_model_vocab(const tagar_model *m, tagar_vocab_table *v)
{
	*v = (tagar_vocab_table){m->sec[SEC_SLOTS].p, m->sec[SEC_THASH].p, m->nslots, (uint64_t)m->nterms};
}

long tagar_model_lookup(const tagar_model *m, const char *s, size_t n)
{
	tagar_vocab_table v;
	tagar_model_vocab(m, &v);
	return tagar_vocab_find(&v, tagar_hash(s, n));
}

const tagar_lexicon *tagar_model_lexicon(const tagar_model *m, tagar_lex_params *p)
{
	if (p)
		*p = m->lexp;
	return m->lex;
}

const char *tagar_model_vocabulary(const tagar_model *m, size_t *len)
{
	*len = m->lex ? m->sec[SEC_LEXICON].count : 0;
	return m->lex ? m->sec[SEC_LEXICON].p : NULL;
}
