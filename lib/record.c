/* record.c - labelled and unlabelled article records: JSONL (cJSON, which
 * parses our corpora about ten times faster than jansson, behind the fast
 * path of jsonline.c for the common shape) and
 * fastText "__label__" lines, and whole corpora read from files. */
#define _GNU_SOURCE  /* memmem */
#include "internal.h"
#include "jsonline.h"

#include <errno.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

void tagar_record_clear(tagar_record *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->title);
	free(r->text);
	for (int i = 0; i < r->ntags; i++)
		free(r->tags[i]);
	free(r->tags);
	memset(r, 0, sizeof *r);
}

int tagar_tags_dedupe(char **tags, int *n)
{
	if (*n < 2)
		return 0;
	size_t cap = 64, mask;
	while (cap < 2 * (size_t)*n)
		cap *= 2;
	int small[64], *slot = cap == 64 ? small : malloc(cap * sizeof *slot), k = 0;
	if (!slot)
		return TAGAR_ENOMEM;
	mask = cap - 1;
	memset(slot, 0xff, cap * sizeof *slot);  /* -1: empty */
	for (int i = 0; i < *n; i++) {
		size_t h = (size_t)tagar_hash(tags[i], strlen(tags[i])) & mask;
		while (slot[h] >= 0 && strcmp(tags[slot[h]], tags[i]) != 0)
			h = (h + 1) & mask;
		if (slot[h] >= 0) {  /* a tag listed twice counts once */
			free(tags[i]);
			continue;
		}
		tags[k] = tags[i];
		slot[h] = k++;
	}
	*n = k;
	if (slot != small)
		free(slot);
	return 0;
}

/* Appends a copy of s; repeats are removed once the record is read
 * (tagar_tags_dedupe), so each tag costs the same whatever came before. */
static int add_tag(tagar_record *r, const char *s, size_t n, int *cap)
{
	if (r->ntags == *cap) {
		int nc = *cap ? *cap * 2 : 4;
		char **nt = realloc(r->tags, (size_t)nc * sizeof *nt);
		if (!nt)
			return TAGAR_ENOMEM;
		r->tags = nt;
		*cap = nc;
	}
	if (!(r->tags[r->ntags] = tagar_memdup0(s, n)))
		return TAGAR_ENOMEM;
	r->ntags++;
	return 0;
}

/* A string field, or "" when absent or null. */
static int take_string(const cJSON *o, const char *key, char **dst, tagar_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v || cJSON_IsNull(v))
		*dst = tagar_memdup0("", 0);
	else if (cJSON_IsString(v))
		*dst = tagar_memdup0(v->valuestring, strlen(v->valuestring));
	else
		return tagar_fail(err, TAGAR_EFORMAT, "field \"%s\" must be a string", key);
	return *dst ? 0 : tagar_fail(err, TAGAR_ENOMEM, "out of memory");
}

/* Whether s[0..n) is a JSON integer as the grammar writes it: no
 * fraction, no exponent, no leading zero. */
static int integer_literal(const char *s, size_t n)
{
	size_t i = n && s[0] == '-';
	if (i == n || (s[i] == '0' && n - i > 1))
		return 0;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* An integer id is kept as its text, so 9007199254740993 stays that (as a
 * double it would be ...992); 1e3 or 1.0 are written as the integer they
 * are, when a double holds it exactly. */
static int take_id(const cJSON *o, const char *line, size_t len, tagar_record *r, tagar_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "id");
	const char *raw;
	size_t rn;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v)) {
		r->id = tagar_memdup0(v->valuestring, strlen(v->valuestring));
	} else if (cJSON_IsNumber(v) && tagar_jsonline_member(line, len, "id", &raw, &rn) && integer_literal(raw, rn)) {
		r->id = tagar_memdup0(raw, rn);
		r->id_is_number = 1;
	} else if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
		   fabs(v->valuedouble) <= 9007199254740992.0) {
		char buf[32];  /* integral: "%.0f" has no decimal point in any locale */
		snprintf(buf, sizeof buf, "%.0f", v->valuedouble);
		r->id = tagar_memdup0(buf, strlen(buf));
		r->id_is_number = 1;
	} else {
		return tagar_fail(err, TAGAR_EFORMAT, "field \"id\" must be a string or an integer");
	}
	return r->id ? 0 : tagar_fail(err, TAGAR_ENOMEM, "out of memory");
}

static int take_tags(const cJSON *o, int need, tagar_record *r, tagar_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "tags"), *t;
	if (!v)
		return need ? tagar_fail(err, TAGAR_EFORMAT, "field \"tags\" is missing") : 0;
	if (!cJSON_IsArray(v))
		return tagar_fail(err, TAGAR_EFORMAT, "field \"tags\" must be an array of strings");
	int i = 0, cap = 0;
	cJSON_ArrayForEach(t, v) {
		if (i == TAGAR_RECORD_MAX_TAGS)
			return tagar_fail(err, TAGAR_EFORMAT, "field \"tags\" lists more than %d tags",
					  TAGAR_RECORD_MAX_TAGS);
		if (!cJSON_IsString(t) || !t->valuestring[0])
			return tagar_fail(err, TAGAR_EFORMAT, "tags[%d] must be a non-empty string", i);
		if (add_tag(r, t->valuestring, strlen(t->valuestring), &cap))
			return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		i++;
	}
	return tagar_tags_dedupe(r->tags, &r->ntags) ? tagar_fail(err, TAGAR_ENOMEM, "out of memory") : 0;
}

/* ------------------------------------------------------ NUL characters
 * cJSON hands out C strings, cut at a NUL (raw, or written \u0000), and
 * would lose the rest of the text in silence.  So a line holding one is
 * read with each NUL in a string turned into a space, which separates
 * words as a NUL does; an id or tag, which must come out as it went in,
 * holding one is refused.  To tell which field held one, the line is read
 * a second time with the NULs turned into '!': the fields that differ. */

static int has_nul(const char *line, size_t len)
{
	return memchr(line, 0, len) || memmem(line, len, "\\u0000", 6);
}

/* A copy of line with every NUL, raw or \u0000, replaced by the character
 * sub (written \u00XX where it was escaped).  An escape starts at a
 * backslash that is not itself escaped: backslashes are taken in pairs. */
static char *replace_nuls(const char *line, size_t len, char sub)
{
	char *s = tagar_memdup0(line, len), hex[3];
	if (!s)
		return NULL;
	snprintf(hex, sizeof hex, "%02x", (unsigned char)sub);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == 0) {
			s[i] = sub;
		} else if (s[i] == '\\' && i + 1 < len) {
			if (len - i >= 6 && memcmp(s + i + 1, "u0000", 5) == 0)
				memcpy(s + i + 4, hex, 2);
			i++;
		}
	}
	return s;
}

static int parse_tree(const char *line, size_t len, int need_tags, tagar_record *r, tagar_err *err);

/* The field that read differently in a and b (see above), or NULL. */
static const char *nul_field(const tagar_record *a, const tagar_record *b)
{
	if ((a->id || b->id) && (!a->id || !b->id || strcmp(a->id, b->id) != 0))
		return "id";
	if (a->ntags != b->ntags)
		return "tags";
	for (int i = 0; i < a->ntags; i++)
		if (strcmp(a->tags[i], b->tags[i]) != 0)
			return "tags";
	return NULL;
}

static int parse_with_nuls(const char *line, size_t len, int need_tags, tagar_record *r, tagar_err *err)
{
	char *spaced = replace_nuls(line, len, ' '), *marked = replace_nuls(line, len, '!');
	tagar_record other;
	int rc = spaced && marked ? parse_tree(spaced, len, need_tags, r, err) : TAGAR_ENOMEM;
	if (!spaced || !marked)
		tagar_fail(err, rc, "out of memory");
	if (!rc && (rc = parse_tree(marked, len, need_tags, &other, err)) == 0) {
		const char *f = nul_field(r, &other);
		if (f)
			rc = tagar_fail(err, TAGAR_EFORMAT, "field \"%s\" holds a NUL character (\\u0000)", f);
		tagar_record_clear(&other);
	}
	if (rc)
		tagar_record_clear(r);
	free(spaced);
	free(marked);
	return rc;
}

/* How deep arrays and objects are nested at byte n of a JSON text: what
 * made cJSON stop when it is past cJSON's limit. */
static long json_depth(const char *s, size_t n)
{
	long depth = 0;
	int in_string = 0;
	for (size_t i = 0; i < n; i++) {
		if (in_string && s[i] == '\\')
			i++;  /* the escaped character */
		else if (in_string)
			in_string = s[i] != '"';
		else if (s[i] == '"')
			in_string = 1;
		else
			depth += (s[i] == '[' || s[i] == '{') - (s[i] == ']' || s[i] == '}');
	}
	return depth;
}

int tagar_record_parse_json_cjson(const char *line, size_t len, int need_tags,
				  tagar_record *r, tagar_err *err)
{
	if (has_nul(line, len)) {
		memset(r, 0, sizeof *r);
		return parse_with_nuls(line, len, need_tags, r, err);
	}
	return parse_tree(line, len, need_tags, r, err);
}

static int parse_tree(const char *line, size_t len, int need_tags, tagar_record *r, tagar_err *err)
{
	const char *end = NULL;
	memset(r, 0, sizeof *r);
	cJSON *o = cJSON_ParseWithLengthOpts(line, len, &end, 0);
	long col = end && end >= line ? (long)(end - line) + 1 : 1L;
	if (!o && json_depth(line, (size_t)col < len ? (size_t)col : len) > CJSON_NESTING_LIMIT)
		return tagar_fail(err, TAGAR_EFORMAT, "invalid JSON: arrays and objects nested deeper than %d levels "
				  "(column %ld)", CJSON_NESTING_LIMIT, col);
	if (!o)
		return tagar_fail(err, TAGAR_EFORMAT, "invalid JSON at column %ld", col);
	int rc = 0;
	size_t rest = (size_t)(end - line);
	while (rest < len && (line[rest] == ' ' || line[rest] == '\t' || line[rest] == '\r'))
		rest++;
	if (rest < len)
		rc = tagar_fail(err, TAGAR_EFORMAT, "invalid JSON at column %zu: text after the record", rest + 1);
	else if (!cJSON_IsObject(o))
		rc = tagar_fail(err, TAGAR_EFORMAT, "a record must be a JSON object");
	if (!rc)
		rc = take_id(o, line, len, r, err);
	if (!rc)
		rc = take_string(o, "title", &r->title, err);
	if (!rc)
		rc = take_string(o, "text", &r->text, err);
	if (!rc)
		rc = take_tags(o, need_tags, r, err);
	if (!rc && !r->title[0] && !r->text[0])
		rc = tagar_fail(err, TAGAR_EFORMAT, "record has neither \"title\" nor \"text\"");
	cJSON_Delete(o);
	if (rc)
		tagar_record_clear(r);
	return rc;
}

/* A record without a title takes the headline in its "url", if any
 * (tagar_url_title): training and tagging see the same title, as both read
 * records here.  A "url" that is no string is left alone, as the field is
 * not tagar's. */
static int title_from_url(const char *line, size_t len, tagar_record *r, tagar_err *err)
{
	const char *v;
	size_t vn;
	if (r->title[0] || !tagar_jsonline_member(line, len, "url", &v, &vn) || v[0] != '"')
		return 0;
	cJSON *url = cJSON_ParseWithLength(v, vn);  /* NULL only when out of memory: the line parsed */
	if (!url)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	char *title = cJSON_IsString(url) ? tagar_url_title(url->valuestring, strlen(url->valuestring)) : NULL;
	cJSON_Delete(url);
	if (title) {
		free(r->title);
		r->title = title;
	}
	return 0;
}

/* The fast path takes the common record shape without building a tree; it
 * declines everything else, so the cJSON path alone writes the errors. */
int tagar_record_parse_json(const char *line, size_t len, int need_tags,
			    tagar_record *r, tagar_err *err)
{
	int rc = tagar_jsonline_parse(line, len, need_tags, r);
	if (rc < 0)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	if (rc == 0 && (rc = tagar_record_parse_json_cjson(line, len, need_tags, r, err)))
		return rc;
	if ((rc = title_from_url(line, len, r, err)))
		tagar_record_clear(r);
	return rc;
}

int tagar_record_parse_fasttext(const char *line, size_t len, tagar_record *r, tagar_err *err)
{
	static const char pre[] = "__label__";
	size_t i = 0;
	int cap = 0;
	memset(r, 0, sizeof *r);
	for (;;) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (len - i <= sizeof pre - 1 || memcmp(line + i, pre, sizeof pre - 1) != 0)
			break;
		size_t a = i + sizeof pre - 1, b = a;
		while (b < len && line[b] != ' ' && line[b] != '\t')
			b++;
		if (b == a) {
			tagar_record_clear(r);
			return tagar_fail(err, TAGAR_EFORMAT, "empty __label__ at column %zu", i + 1);
		}
		if (memchr(line + a, 0, b - a)) {
			tagar_record_clear(r);
			return tagar_fail(err, TAGAR_EFORMAT, "__label__ at column %zu holds a NUL byte", i + 1);
		}
		if (r->ntags == TAGAR_RECORD_MAX_TAGS) {
			tagar_record_clear(r);
			return tagar_fail(err, TAGAR_EFORMAT, "line lists more than %d labels", TAGAR_RECORD_MAX_TAGS);
		}
		if (add_tag(r, line + a, b - a, &cap)) {
			tagar_record_clear(r);
			return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		}
		i = b;
	}
	if (tagar_tags_dedupe(r->tags, &r->ntags)) {
		tagar_record_clear(r);
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	}
	r->title = tagar_memdup0("", 0);
	r->text = tagar_memdup0(line + i, len - i);
	if (!r->title || !r->text) {
		tagar_record_clear(r);
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	}
	tagar_nuls_to_spaces(r->text, len - i);
	if (!r->text[0]) {
		tagar_record_clear(r);
		return tagar_fail(err, TAGAR_EFORMAT, "line has labels but no text");
	}
	return 0;
}

int tagar_record_parse_tsv(const char *p, size_t n, tagar_record *r, tagar_err *e)
{
	const char *t1 = memchr(p, '\t', n), *t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - p)) : NULL;
	memset(r, 0, sizeof *r);
	if (!t2)
		return tagar_fail(e, TAGAR_EFORMAT, "expected id<TAB>title<TAB>text");
	if (memchr(p, 0, (size_t)(t1 - p)))
		return tagar_fail(e, TAGAR_EFORMAT, "the id holds a NUL byte");
	r->id = t1 > p ? tagar_memdup0(p, (size_t)(t1 - p)) : NULL;
	r->title = tagar_memdup0(t1 + 1, (size_t)(t2 - t1 - 1));
	r->text = tagar_memdup0(t2 + 1, n - (size_t)(t2 + 1 - p));
	if ((t1 > p && !r->id) || !r->title || !r->text) {
		tagar_record_clear(r);
		return tagar_fail(e, TAGAR_ENOMEM, "out of memory");
	}
	tagar_nuls_to_spaces(r->title, (size_t)(t2 - t1 - 1));
	tagar_nuls_to_spaces(r->text, n - (size_t)(t2 + 1 - p));
	if (!r->title[0] && !r->text[0]) {
		tagar_record_clear(r);
		return tagar_fail(e, TAGAR_EFORMAT, "record has neither title nor text");
	}
	return 0;
}

/* Code points a tag must not hold: they would split or break the
 * TAG<TAB>SCORE line, the JSON string or the XML text it is written to. */
static const char *unfit_in_tag(utf8proc_int32_t cp)
{
	utf8proc_category_t cat = utf8proc_category(cp);
	if (cat == UTF8PROC_CATEGORY_CC)
		return "a control character";
	if (cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP)
		return "a line or paragraph separator";
	if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
		return "a noncharacter";
	return NULL;
}

int tagar_tag_check(const char *s, size_t n, char *why, size_t whylen)
{
	if (n == 0) {
		snprintf(why, whylen, "is empty");
		return TAGAR_EFORMAT;
	}
	if (n > TAGAR_TAG_MAX) {
		snprintf(why, whylen, "is %zu bytes long, over the limit of %d bytes", n, TAGAR_TAG_MAX);
		return TAGAR_EFORMAT;
	}
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
		if (l <= 0 || cp == 0) {
			snprintf(why, whylen, "is not valid UTF-8 (byte %zu)", i + 1);
			return TAGAR_EFORMAT;
		}
		const char *bad = unfit_in_tag(cp);
		if (bad) {
			snprintf(why, whylen, "holds U+%04X, %s", (unsigned)cp, bad);
			return TAGAR_EFORMAT;
		}
		i += (size_t)l;
	}
	return 0;
}

/* 0, or TAGAR_EFORMAT with err naming the first tag that is not a tag name. */
static int check_tags(const tagar_record *r, tagar_format fmt, tagar_err *err)
{
	char why[128];
	for (int i = 0; i < r->ntags; i++)
		if (tagar_tag_check(r->tags[i], strlen(r->tags[i]), why, sizeof why))
			return fmt == TAGAR_FMT_JSONL
				       ? tagar_fail(err, TAGAR_EFORMAT, "tags[%d] %s", i, why)
				       : tagar_fail(err, TAGAR_EFORMAT, "label %d %s", i + 1, why);
	return 0;
}

static int corpus_push(tagar_corpus *c, tagar_record *r)
{
	if (c->n == c->cap) {
		int nc = c->cap ? c->cap * 2 : 1024;
		tagar_record *nr = realloc(c->rec, (size_t)nc * sizeof *nr);
		if (!nr)
			return TAGAR_ENOMEM;
		c->rec = nr;
		c->cap = nc;
	}
	c->rec[c->n++] = *r;
	return 0;
}

/* What one line says of its file's format: JSONL when it starts with '{',
 * fastText when it starts with a label, TAGAR_FMT_AUTO when it cannot tell
 * (a comment, "[]", a fastText line without labels).  Blank: -1. */
static int sniff(const char *line, long n)
{
	long i = 0;
	while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	if (i == n)
		return -1;
	if (line[i] == '{')
		return TAGAR_FMT_JSONL;
	return n - i >= 9 && memcmp(line + i, "__label__", 9) == 0 ? TAGAR_FMT_FASTTEXT : TAGAR_FMT_AUTO;
}

/* Reading one file: where records go, where messages go. */
typedef struct {
	tagar_corpus *c;
	const char *path;
	FILE *errs;
	tagar_format fmt;         /* TAGAR_FMT_AUTO until a line decides */
	int bad;
	/* lines met before the format was known, read once it is */
	char **held;
	long *held_no, nheld;
	size_t held_bytes;
} reading;

/* Parses one line in r->fmt into the corpus; 0 or TAGAR_ENOMEM. */
static int take_line(reading *r, const char *line, size_t n, long lineno)
{
	tagar_record rec;
	tagar_err e = {0, ""};
	int prc = r->fmt == TAGAR_FMT_JSONL ? tagar_record_parse_json(line, n, 1, &rec, &e)
					    : tagar_record_parse_fasttext(line, n, &rec, &e);
	if (!prc && (prc = check_tags(&rec, r->fmt, &e)))
		tagar_record_clear(&rec);
	if (prc == TAGAR_ENOMEM)
		return TAGAR_ENOMEM;
	if (!prc && corpus_push(r->c, &rec)) {
		tagar_record_clear(&rec);
		return TAGAR_ENOMEM;
	}
	if (prc) {
		r->bad++;
		if (r->errs)
			fprintf(r->errs, "%s:%ld: %s\n", r->path, lineno, e.msg);
	}
	return 0;
}

static int hold_line(reading *r, const char *line, size_t n, long lineno)
{
	char **h = realloc(r->held, (size_t)(r->nheld + 1) * sizeof *h);
	if (h)
		r->held = h;
	long *no = h ? realloc(r->held_no, (size_t)(r->nheld + 1) * sizeof *no) : NULL;
	if (no)
		r->held_no = no;
	char *copy = no ? tagar_memdup0(line, n) : NULL;
	if (!copy)
		return TAGAR_ENOMEM;
	r->held[r->nheld] = copy;
	r->held_no[r->nheld++] = lineno;
	r->held_bytes += n;
	return 0;
}

/* The format is known: the held lines are read in it, in order. */
static int take_held(reading *r)
{
	int rc = 0;
	for (long i = 0; i < r->nheld; i++) {
		if (!rc)
			rc = take_line(r, r->held[i], strlen(r->held[i]), r->held_no[i]);
		free(r->held[i]);
	}
	free(r->held);
	free(r->held_no);
	r->held = NULL;
	r->held_no = NULL;
	r->nheld = 0;
	return rc;
}

/* A file whose lines never say (no '{', no label) is fastText: its lines
 * are unlabelled documents.  Lines are held only so far. */
#define HOLD_LINES 10000
#define HOLD_BYTES (16u << 20)

static int corpus_line(reading *r, const char *line, long n, long lineno)
{
	int kind = sniff(line, n);
	if (kind < 0)
		return 0;  /* blank line */
	if (r->fmt == TAGAR_FMT_AUTO) {
		if (kind == TAGAR_FMT_AUTO && r->nheld < HOLD_LINES && r->held_bytes + (size_t)n <= HOLD_BYTES)
			return hold_line(r, line, (size_t)n, lineno);
		r->fmt = kind == TAGAR_FMT_AUTO ? TAGAR_FMT_FASTTEXT : (tagar_format)kind;
		int rc = take_held(r);
		if (rc)
			return rc;
	}
	return take_line(r, line, (size_t)n, lineno);
}

int tagar_corpus_read(tagar_corpus *c, const char *path, tagar_format fmt,
		      FILE *errs, int *nbad, tagar_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f)
		return tagar_fail(err, TAGAR_EIO, "%s: %s", path, strerror(errno));
	reading r = {.c = c, .path = path, .errs = errs, .fmt = fmt};
	char *buf = NULL;
	size_t cap = 0;
	long n, lineno = 0;
	int rc = 0;
	while (!rc && (n = tagar_getline(&buf, &cap, f)) >= 0) {
		const char *line = buf;
		if (++lineno == 1 && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
			line += 3;  /* UTF-8 byte order mark */
			n -= 3;
		}
		rc = corpus_line(&r, line, n, lineno);
	}
	if (!rc && r.nheld) {
		r.fmt = TAGAR_FMT_FASTTEXT;
		rc = take_held(&r);
	}
	take_held(&r);  /* after running out of memory: frees them */
	if (rc)
		rc = tagar_fail(err, TAGAR_ENOMEM, "out of memory reading %s", path);
	if (!rc && ferror(f))
		rc = tagar_fail(err, TAGAR_EIO, "%s: read error", path);
	free(buf);
	if (f != stdin)
		fclose(f);
	if (nbad)
		*nbad = r.bad;
	if (!rc && c->n == 0)
		rc = tagar_fail(err, TAGAR_EDATA, "%s: no usable record (%d malformed)", path, r.bad);
	return rc;
}

void tagar_corpus_free(tagar_corpus *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->n; i++)
		tagar_record_clear(&c->rec[i]);
	free(c->rec);
	memset(c, 0, sizeof *c);
}
