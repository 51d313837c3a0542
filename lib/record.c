/* record.c - labelled and unlabelled article records: JSONL (cJSON, which
 * parses our corpora about ten times faster than jansson, behind the fast
 * path of jsonline.c for the common shape) and
 * fastText "__label__" lines, and whole corpora read from files. */
#define _GNU_SOURCE  /* memmem */
#include "tagar.h"
#include "jsonline.h"

#include <errno.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void tagar_record_clear(tagar_record *r)
{
	free(r->id);
	free(r->title);
	free(r->text);
	for (int i = 0; i < r->ntags; i++)
		free(r->tags[i]);
	free(r->tags);
	memset(r, 0, sizeof *r);
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
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
	if (!(r->tags[r->ntags] = dup_n(s, n)))
		return TAGAR_ENOMEM;
	r->ntags++;
	return 0;
}

/* A string field, or "" when absent or null. */
static int take_string(const cJSON *o, const char *key, char **dst, tagar_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v || cJSON_IsNull(v))
		*dst = dup_n("", 0);
	else if (cJSON_IsString(v))
		*dst = dup_n(v->valuestring, strlen(v->valuestring));
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
		r->id = dup_n(v->valuestring, strlen(v->valuestring));
	} else if (cJSON_IsNumber(v) && tagar_jsonline_member(line, len, "id", &raw, &rn) && integer_literal(raw, rn)) {
		r->id = dup_n(raw, rn);
		r->id_is_number = 1;
	} else if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
		   fabs(v->valuedouble) <= 9007199254740992.0) {
		char buf[32];  /* integral: "%.0f" has no decimal point in any locale */
		snprintf(buf, sizeof buf, "%.0f", v->valuedouble);
		r->id = dup_n(buf, strlen(buf));
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
	char *s = dup_n(line, len), hex[3];
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
	if (!o)
		return tagar_fail(err, TAGAR_EFORMAT, "invalid JSON at column %ld",
				  end && end >= line ? (long)(end - line) + 1 : 1L);
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

/* The fast path takes the common record shape without building a tree; it
 * declines everything else, so the cJSON path alone writes the errors. */
int tagar_record_parse_json(const char *line, size_t len, int need_tags,
			    tagar_record *r, tagar_err *err)
{
	int rc = tagar_jsonline_parse(line, len, need_tags, r);
	if (rc > 0)
		return 0;
	if (rc < 0)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	return tagar_record_parse_json_cjson(line, len, need_tags, r, err);
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
	r->title = dup_n("", 0);
	r->text = dup_n(line + i, len - i);
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
	r->id = t1 > p ? dup_n(p, (size_t)(t1 - p)) : NULL;
	r->title = dup_n(t1 + 1, (size_t)(t2 - t1 - 1));
	r->text = dup_n(t2 + 1, n - (size_t)(t2 + 1 - p));
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

static tagar_format sniff(const char *line, long n)
{
	for (long i = 0; i < n; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return line[i] == '{' ? TAGAR_FMT_JSONL : TAGAR_FMT_FASTTEXT;
	return TAGAR_FMT_AUTO;
}

int tagar_corpus_read(tagar_corpus *c, const char *path, tagar_format fmt,
		      FILE *errs, int *nbad, tagar_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f)
		return tagar_fail(err, TAGAR_EIO, "%s: %s", path, strerror(errno));
	char *buf = NULL;
	size_t cap = 0;
	long n, lineno = 0;
	int bad = 0, rc = 0;
	while ((n = tagar_getline(&buf, &cap, f)) >= 0) {
		const char *line = buf;
		if (++lineno == 1 && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
			line += 3;  /* UTF-8 byte order mark */
			n -= 3;
		}
		if (sniff(line, n) == TAGAR_FMT_AUTO)
			continue;  /* blank line */
		if (fmt == TAGAR_FMT_AUTO)
			fmt = sniff(line, n);  /* the first record decides for the file */
		tagar_format lf = fmt;
		tagar_record r;
		tagar_err e = {0, ""};
		int prc = lf == TAGAR_FMT_JSONL ? tagar_record_parse_json(line, (size_t)n, 1, &r, &e)
						: tagar_record_parse_fasttext(line, (size_t)n, &r, &e);
		if (prc == TAGAR_ENOMEM || (!prc && corpus_push(c, &r))) {
			rc = tagar_fail(err, TAGAR_ENOMEM, "out of memory reading %s", path);
			break;
		}
		if (prc) {
			bad++;
			if (errs)
				fprintf(errs, "%s:%ld: %s\n", path, lineno, e.msg);
		}
	}
	if (!rc && ferror(f))
		rc = tagar_fail(err, TAGAR_EIO, "%s: read error", path);
	free(buf);
	if (f != stdin)
		fclose(f);
	if (nbad)
		*nbad = bad;
	if (!rc && c->n == 0)
		rc = tagar_fail(err, TAGAR_EDATA, "%s: no usable record (%d malformed)", path, bad);
	return rc;
}

void tagar_corpus_free(tagar_corpus *c)
{
	for (int i = 0; i < c->n; i++)
		tagar_record_clear(&c->rec[i]);
	free(c->rec);
	memset(c, 0, sizeof *c);
}
