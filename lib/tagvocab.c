/* tagvocab.c - the tag vocabulary file: parsing, building, writing back.
 * The format is line-based so that an error names one line and an editor
 * can keep the file under version control; see tagvocab.h. */
#include "tagvocab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

tagar_tagvocab *tagar_tagvocab_new(const char *name)
{
	tagar_tagvocab *v = calloc(1, sizeof *v);
	if (v && !(v->name = strdup(name ? name : "vocabulary")))
		tagar_tagvocab_free(&v);
	return v;
}

static void entry_free(tagar_tv_entry *e)
{
	free(e->tag);
	free(e->label);
	free(e->definition);
	for (int i = 0; i < e->nalias; i++)
		free(e->alias[i]);
	free(e->alias);
	free(e->alias_line);
}

void tagar_tagvocab_free(tagar_tagvocab **vp)
{
	if (!vp || !*vp)
		return;
	tagar_tagvocab *v = *vp;
	for (int i = 0; i < v->n; i++)
		entry_free(&v->e[i]);
	free(v->e);
	free(v->name);
	free(v);
	*vp = NULL;
}

const tagar_tv_entry *tagar_tagvocab_find(const tagar_tagvocab *v, const char *tag)
{
	for (int i = 0; v && i < v->n; i++)  /* a few dozen tags, looked up once per run */
		if (strcmp(v->e[i].tag, tag) == 0)
			return &v->e[i];
	return NULL;
}

/* Whether a value may stand in the file: UTF-8, no control characters
 * (a newline or tab would not survive a line-based round trip). */
static const char *bad_text(const char *s, size_t n)
{
	if (tagar_utf8_invalid(s, n) >= 0)
		return "is not valid UTF-8";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "holds a control character";
	return NULL;
}

static void trim(const char **s, size_t *n);

/* A value of the file trimmed (*s, *n) and checked: not empty unless
 * may_be_empty, at most max bytes, and text bad_text() accepts; `what`
 * names it in the message. */
static int check_text(const char **s, size_t *n, const char *what, size_t max, int may_be_empty,
		      const char *name, int line, tagar_err *err)
{
	trim(s, n);
	if (*n == 0 && !may_be_empty)
		return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: empty %s", name, line, what);
	if (*n > max)
		return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: %s longer than %zu bytes", name, line, what, max);
	const char *why = bad_text(*s, *n);
	return why ? tagar_fail(err, TAGAR_EFORMAT, "%s:%d: %s %s", name, line, what, why) : 0;
}

static int add_alias(tagar_tv_entry *e, int *total, const char *s, size_t n, int line, const char *name,
		     tagar_err *err)
{
	int rc = check_text(&s, &n, "alias", TAGAR_TV_MAX_ALIAS_BYTES, 0, name, line, err);
	if (rc)
		return rc;
	if (*total >= TAGAR_TV_MAX_TOTAL_ALIASES)
		return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: more than %d aliases in all", name, line,
				  TAGAR_TV_MAX_TOTAL_ALIASES);
	if (e->nalias >= TAGAR_TV_MAX_ALIASES)
		return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: tag \"%s\" has more than %d aliases", name, line,
				  e->tag, TAGAR_TV_MAX_ALIASES);
	for (int i = 0; i < e->nalias; i++)
		if (strlen(e->alias[i]) == n && memcmp(e->alias[i], s, n) == 0)
			return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: alias \"%s\" of tag \"%s\" listed twice (line %d)",
					  name, line, e->alias[i], e->tag, e->alias_line[i]);
	if (e->nalias % 16 == 0) {
		char **a = realloc(e->alias, (size_t)(e->nalias + 16) * sizeof *a);
		if (a)
			e->alias = a;
		int *l = a ? realloc(e->alias_line, (size_t)(e->nalias + 16) * sizeof *l) : NULL;
		if (!l)
			return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		e->alias_line = l;
	}
	if (!(e->alias[e->nalias] = tagar_memdup0(s, n)))
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	e->alias_line[e->nalias++] = line;
	(*total)++;
	return 0;
}

/* A field's value: label or definition, given once. */
static int set_field(char **field, const char *what, size_t max, const char *s, size_t n, int line,
		     const char *name, tagar_err *err)
{
	if (**field)
		return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: %s given twice", name, line, what);
	int rc = check_text(&s, &n, what, max, 1, name, line, err);
	if (rc)
		return rc;
	char *p = tagar_memdup0(s, n);
	if (!p)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	free(*field);
	*field = p;
	return 0;
}

/* Starts a tag's entry (its label and definition empty). */
static int open_tag(tagar_tagvocab *v, const char *s, size_t n, int line, tagar_err *err)
{
	const char *name = v->name;
	int rc = check_text(&s, &n, "tag name", TAGAR_TV_MAX_TAG_BYTES, 0, name, line, err);
	if (rc)
		return rc;
	if (v->n >= TAGAR_TV_MAX_TAGS)
		return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: more than %d tags", name, line, TAGAR_TV_MAX_TAGS);
	char *tag = tagar_memdup0(s, n);
	if (!tag)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	const tagar_tv_entry *dup = tagar_tagvocab_find(v, tag);
	if (dup) {
		int rc = tagar_fail(err, TAGAR_EFORMAT, "%s:%d: tag \"%s\" defined twice (first at line %d)", name,
				    line, tag, dup->line);
		free(tag);
		return rc;
	}
	if (v->n % 16 == 0) {
		tagar_tv_entry *ne = realloc(v->e, (size_t)(v->n + 16) * sizeof *ne);
		if (!ne) {
			free(tag);
			return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		}
		v->e = ne;
	}
	tagar_tv_entry *e = &v->e[v->n++];
	memset(e, 0, sizeof *e);
	e->tag = tag;
	e->line = line;
	e->label = strdup("");
	e->definition = strdup("");
	if (!e->label || !e->definition)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	return 0;
}

int tagar_tagvocab_add(tagar_tagvocab *v, const char *tag, int line, const char *label, const char *definition,
		       const char *const *alias, const int *alias_line, int nalias, tagar_err *err)
{
	int rc = open_tag(v, tag, strlen(tag), line, err);
	tagar_tv_entry *e = rc ? NULL : &v->e[v->n - 1];
	if (!rc && label && *label)
		rc = set_field(&e->label, "label", TAGAR_TV_MAX_LABEL_BYTES, label, strlen(label), line, v->name, err);
	if (!rc && definition && *definition)
		rc = set_field(&e->definition, "definition", TAGAR_TV_MAX_DEF_BYTES, definition, strlen(definition),
			       line, v->name, err);
	for (int i = 0; !rc && i < nalias; i++)
		rc = add_alias(e, &v->total, alias[i], strlen(alias[i]), alias_line ? alias_line[i] : 0, v->name, err);
	return rc;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

/* One line, without its newline. */
static int parse_line(tagar_tagvocab *v, const char *s, size_t n, int line, tagar_err *err)
{
	const char *name = v->name;
	trim(&s, &n);
	if (n == 0 || s[0] == '#')
		return 0;
	if (memchr(s, 0, n))
		return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: NUL byte", name, line);
	if (s[0] == '[') {
		if (s[n - 1] != ']')
			return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: a tag header is [TAG]", name, line);
		const char *t = s + 1;
		size_t tn = n - 2;
		trim(&t, &tn);
		return open_tag(v, t, tn, line, err);
	}
	const char *eq = memchr(s, '=', n);
	if (!eq)
		return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: expected [TAG] or KEY = VALUE", name, line);
	const char *k = s, *val = eq + 1;
	size_t kn = (size_t)(eq - s), vn = n - kn - 1;
	trim(&k, &kn);
	trim(&val, &vn);
	if (v->n == 0)
		return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: \"%.*s\" before the first [TAG]", name, line,
				  (int)(kn < 40 ? kn : 40), k);
	tagar_tv_entry *e = &v->e[v->n - 1];
	if (kn == 5 && memcmp(k, "alias", 5) == 0)
		return add_alias(e, &v->total, val, vn, line, name, err);
	if (kn == 5 && memcmp(k, "label", 5) == 0)
		return set_field(&e->label, "label", TAGAR_TV_MAX_LABEL_BYTES, val, vn, line, name, err);
	if (kn == 10 && memcmp(k, "definition", 10) == 0)
		return set_field(&e->definition, "definition", TAGAR_TV_MAX_DEF_BYTES, val, vn, line, name, err);
	return tagar_fail(err, TAGAR_EFORMAT, "%s:%d: unknown key \"%.*s\" (alias, label or definition)", name,
			  line, (int)(kn < 40 ? kn : 40), k);
}

int tagar_tagvocab_parse(const char *buf, size_t n, const char *name, tagar_tagvocab **out, tagar_err *err)
{
	*out = NULL;
	tagar_tagvocab *v = tagar_tagvocab_new(name);
	if (!v)
		return tagar_fail(err, TAGAR_ENOMEM, "out of memory");
	if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		n -= 3;
	}
	int rc = 0, line = 0;
	for (size_t at = 0; at < n && !rc;) {
		const char *nl = memchr(buf + at, '\n', n - at);
		size_t len = nl ? (size_t)(nl - (buf + at)) : n - at;
		line++;
		if (len > TAGAR_TV_MAX_LINE)
			rc = tagar_fail(err, TAGAR_EFORMAT, "%s:%d: line longer than %d bytes", v->name, line,
					TAGAR_TV_MAX_LINE);
		else
			rc = parse_line(v, buf + at, len, line, err);
		at += len + 1;
	}
	if (rc)
		tagar_tagvocab_free(&v);
	*out = v;
	return rc;
}

/* The whole file, malloc'ed (at most 64 MB). */
static char *read_file(const char *path, size_t *len, tagar_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		tagar_fail(err, TAGAR_EIO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	for (size_t k; buf && (k = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += k;
		if (n == cap) {
			char *nb = cap < ((size_t)64 << 20) ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (!buf) {
		tagar_fail(err, TAGAR_EFORMAT, "%s: too large for a vocabulary (or out of memory)", path);
	} else if (bad) {
		tagar_fail(err, TAGAR_EIO, "%s: read error", path);
		free(buf);
		buf = NULL;
	}
	*len = n;
	return buf;
}

typedef int (*vocab_parser)(const char *buf, size_t n, const char *name, tagar_tagvocab **out, tagar_err *err);

static int read_with(const char *path, vocab_parser parse, tagar_tagvocab **out, tagar_err *err)
{
	size_t n;
	char *buf = read_file(path, &n, err);
	*out = NULL;
	if (!buf)
		return err ? err->code : TAGAR_EIO;
	int rc = parse(buf, n, path, out, err);
	free(buf);
	return rc;
}

int tagar_tagvocab_read(const char *path, tagar_tagvocab **out, tagar_err *err)
{
	return read_with(path, tagar_tagvocab_parse, out, err);
}

int tagar_tagvocab_load(const char *path, tagar_tagvocab **out, tagar_err *err)
{
	size_t pl = strlen(path);
	int ttl = pl >= 4 && strcmp(path + pl - 4, ".ttl") == 0;
	return read_with(path, ttl ? tagar_tagvocab_parse_skos : tagar_tagvocab_parse, out, err);
}

/* ---------------------------------------------------------------- dump */

typedef struct {
	char *s;
	size_t n, cap;
	int failed;
} strbuf;

static void put(strbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 1024;
		while (nc < b->n + n + 1)
			nc *= 2;
		char *p = realloc(b->s, nc);
		if (!p) {
			b->failed = 1;
			return;
		}
		b->s = p;
		b->cap = nc;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
}

static void puts3(strbuf *b, const char *a, const char *v, const char *z)
{
	put(b, a, strlen(a));
	put(b, v, strlen(v));
	put(b, z, strlen(z));
}

char *tagar_tagvocab_dump(const tagar_tagvocab *v, size_t *len)
{
	strbuf b = {0};
	put(&b, "", 0);
	for (int i = 0; i < v->n; i++) {
		const tagar_tv_entry *e = &v->e[i];
		puts3(&b, "[", e->tag, "]\n");
		if (*e->label)
			puts3(&b, "label = ", e->label, "\n");
		if (*e->definition)
			puts3(&b, "definition = ", e->definition, "\n");
		for (int k = 0; k < e->nalias; k++)
			puts3(&b, "alias = ", e->alias[k], "\n");
	}
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	*len = b.n;
	return b.s;
}
