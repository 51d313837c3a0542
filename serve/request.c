/* request.c - a client's request decoded: parameters, articles, batches
 * and form fields.  Articles are read by the library's record parser
 * (tagar_record_parse_json), so a document the server refuses is refused
 * with the words tagar-classify uses for the same JSONL record. */
#include "request.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A NUL-terminated copy of s[0..n). */
static char *dup0(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

static int fail(char *why, size_t why_n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, why_n, fmt, ap);
	va_end(ap);
	return -1;
}

void srv_params_default(srv_params *p)
{
	*p = (srv_params){.threshold = -1};
}

/* A boolean query value: present without a value, 1/true/yes, 0/false/no. */
static int parse_flag(const char *v, int *out)
{
	if (!v || !*v || !strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"))
		*out = 1;
	else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* An integer from lo to hi. */
static int parse_int(const char *v, int lo, int hi, int *out)
{
	double d;
	if (!v || tagar_parse_double(v, &d) || d < lo || d > hi || d != (int)d)
		return -1;
	*out = (int)d;
	return 0;
}

int srv_param(srv_params *p, const char *key, const char *v, char *why, size_t why_n)
{
	double d;
	if (!strcmp(key, "threshold")) {
		if (!v || tagar_parse_double(v, &d) || !(d >= 0 && d <= 1))
			return fail(why, why_n, "parameter \"threshold\" must be a number from 0 to 1");
		p->threshold = d;
	} else if (!strcmp(key, "limit")) {
		if (parse_int(v, 0, 100000, &p->limit))
			return fail(why, why_n, "parameter \"limit\" must be an integer from 0 (no limit) to 100000");
	} else if (!strcmp(key, "all")) {
		if (parse_flag(v, &p->all))
			return fail(why, why_n, "parameter \"all\" must be true or false");
	} else if (!strcmp(key, "explain")) {
		int on;
		if (!parse_flag(v, &on))
			p->explain = on ? SRV_EXPLAIN_DEFAULT : 0;
		else if (parse_int(v, 0, SRV_EXPLAIN_MAX, &p->explain))
			return fail(why, why_n, "parameter \"explain\" must be true, false or a number of terms "
				    "from 0 to %d", SRV_EXPLAIN_MAX);
	} else {
		return fail(why, why_n, "unknown parameter \"%.100s\" (known: threshold, limit, all, explain)", key);
	}
	return 0;
}

void srv_doc_clear(srv_doc *d)
{
	if (!d)
		return;
	tagar_record_clear(&d->rec);
	free(d->error);
	memset(d, 0, sizeof *d);
}

/* *s with invalid UTF-8 replaced by U+FFFD, as tagar-classify repairs it. */
static int repair(char **s)
{
	if (!*s || tagar_utf8_invalid(*s, strlen(*s)) < 0)
		return 0;
	size_t n;
	char *fixed = tagar_utf8_repair(*s, strlen(*s), &n, NULL);
	if (!fixed)
		return -1;
	free(*s);
	*s = fixed;
	return 0;
}

/* What every decoded article is checked for: UTF-8 (repaired), then the
 * byte limit on what would be tagged. */
static int finish_doc(srv_doc *d, size_t max_bytes, char *why, size_t why_n)
{
	if (repair(&d->rec.id) || repair(&d->rec.title) || repair(&d->rec.text)) {
		tagar_record_clear(&d->rec);
		return fail(why, why_n, "out of memory");
	}
	size_t n = strlen(d->rec.title) + strlen(d->rec.text);
	if (n > max_bytes) {
		tagar_record_clear(&d->rec);
		d->too_big = 1;
		fail(why, why_n, "article of %zu bytes is over the limit of %zu (--max-bytes)", n, max_bytes);
		return SRV_TOO_BIG;
	}
	return 0;
}

/* Trailing white space (a pretty-printed body's last newline) is not
 * "text after the record". */
static size_t trim_end(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n;
}

/* body, or a copy with invalid UTF-8 replaced by U+FFFD (cJSON refuses
 * invalid strings; tagar-classify repairs a record before parsing it):
 * *owned gets the copy to free.  NULL when out of memory. */
static const char *valid_utf8(const char *body, size_t *n, char **owned)
{
	*owned = NULL;
	if (tagar_utf8_invalid(body, *n) < 0)
		return body;
	return *owned = tagar_utf8_repair(body, *n, n, NULL);
}

int srv_decode_json(const char *body, size_t n, size_t max_bytes, srv_doc *d, char *why, size_t why_n)
{
	tagar_err err = {0, ""};
	char *owned;
	memset(d, 0, sizeof *d);
	if (!(body = valid_utf8(body, &n, &owned)))
		return fail(why, why_n, "out of memory");
	int rc = tagar_record_parse_json(body, trim_end(body, n), 0, &d->rec, &err);
	free(owned);
	if (rc)
		return fail(why, why_n, "%s", err.msg);
	return finish_doc(d, max_bytes, why, why_n);
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return 0;
	return 1;
}

int srv_decode_text(const char *body, size_t n, size_t max_bytes, srv_doc *d, char *why, size_t why_n)
{
	memset(d, 0, sizeof *d);
	while (n && *body && strchr(" \t\r\n", *body)) {  /* blank lines before the title */
		body++;
		n--;
	}
	const char *nl = memchr(body, '\n', n);
	size_t tlen = nl && !blank(nl, n - (size_t)(nl - body)) ? (size_t)(nl - body) : 0;
	size_t skip = tlen ? tlen + 1 : 0;
	if (tlen && body[tlen - 1] == '\r')  /* CRLF line ends */
		tlen--;
	d->rec.title = dup0(body, tlen);
	d->rec.text = dup0(body + skip, n - skip);
	if (!d->rec.title || !d->rec.text) {
		tagar_record_clear(&d->rec);
		return fail(why, why_n, "out of memory");
	}
	/* a NUL separates words; left in, it would end the text there */
	tagar_nuls_to_spaces(d->rec.title, tlen);
	tagar_nuls_to_spaces(d->rec.text, n - skip);
	if (blank(d->rec.title, strlen(d->rec.title)) && blank(d->rec.text, strlen(d->rec.text))) {
		tagar_record_clear(&d->rec);
		return fail(why, why_n, "empty article: the body holds no text");
	}
	return finish_doc(d, max_bytes, why, why_n);
}

void srv_batch_free(srv_batch *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->n; i++)
		srv_doc_clear(&b->doc[i]);
	free(b->doc);
	memset(b, 0, sizeof *b);
}

/* A refused document's id, for its error entry, when it has a usable one. */
static int keep_id(const cJSON *item, srv_doc *d)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
	char buf[32];
	if (cJSON_IsString(id)) {
		d->rec.id = dup0(id->valuestring, strlen(id->valuestring));
	} else if (cJSON_IsNumber(id) && fabs(id->valuedouble) <= 9007199254740992.0 &&
		   id->valuedouble == floor(id->valuedouble)) {
		snprintf(buf, sizeof buf, "%.0f", id->valuedouble);  /* integral: no decimal point */
		d->rec.id = dup0(buf, strlen(buf));
		d->rec.id_is_number = 1;
	} else {
		return 0;
	}
	return d->rec.id ? 0 : -1;
}

/* One document of a batch: printed back and read by the record parser,
 * so it is held to exactly the rules of a single article. */
static int batch_doc(const cJSON *item, size_t max_bytes, srv_doc *d)
{
	char why[512];
	int rc;
	if (!cJSON_IsObject(item)) {
		fail(why, sizeof why, "a document must be a JSON object");
		rc = -1;
	} else {
		char *text = cJSON_PrintUnformatted(item);
		if (!text)
			return -1;
		rc = srv_decode_json(text, strlen(text), max_bytes, d, why, sizeof why);
		cJSON_free(text);
	}
	if (rc && !(d->error = dup0(why, strlen(why))))
		return -1;
	return rc ? keep_id(item, d) : 0;
}

static int batch_docs(const cJSON *docs, int count, size_t max_bytes, srv_batch *b, char *why, size_t why_n)
{
	if (!(b->doc = calloc((size_t)count, sizeof *b->doc)))
		return fail(why, why_n, "out of memory");
	const cJSON *item;
	cJSON_ArrayForEach(item, docs) {
		if (batch_doc(item, max_bytes, &b->doc[b->n++])) {
			srv_batch_free(b);
			return fail(why, why_n, "out of memory");
		}
	}
	return 0;
}

int srv_decode_batch(const char *body, size_t n, int max_docs, size_t max_bytes, srv_batch *b, char *why,
		     size_t why_n)
{
	memset(b, 0, sizeof *b);
	const char *end = NULL;
	char *owned;
	if (!(body = valid_utf8(body, &n, &owned)))
		return fail(why, why_n, "out of memory");
	cJSON *o = cJSON_ParseWithLengthOpts(body, n, &end, 0);
	if (!o) {
		long col = end && end >= body ? (long)(end - body) + 1 : 1L;
		free(owned);
		return fail(why, why_n, "invalid JSON at byte %ld", col);
	}
	const cJSON *docs = cJSON_GetObjectItemCaseSensitive(o, "documents");
	int count = cJSON_IsArray(docs) ? cJSON_GetArraySize(docs) : 0, rc = 0;
	if (!cJSON_IsObject(o))
		rc = fail(why, why_n, "the body must be a JSON object {\"documents\": [...]}");
	else if (!docs)
		rc = fail(why, why_n, "field \"documents\" is missing");
	else if (!cJSON_IsArray(docs))
		rc = fail(why, why_n, "field \"documents\" must be an array of objects");
	else if (count == 0)
		rc = fail(why, why_n, "field \"documents\" is empty");
	else if (count > max_docs)
		rc = fail(why, why_n, "field \"documents\" holds %d documents; at most %d per request", count, max_docs);
	else
		rc = batch_docs(docs, count, max_bytes, b, why, why_n);
	cJSON_Delete(o);
	free(owned);
	return rc;
}

int srv_form_add(srv_form *f, const char *key, const char *data, uint64_t off, size_t size, size_t max_bytes)
{
	tagar_buf *to = !strcmp(key, "text") ? &f->text : !strcmp(key, "limit") ? &f->limit
			: !strcmp(key, "threshold") ? &f->threshold : NULL;
	if (!to || !size)
		return 0;
	/* the pieces of one value come in order; a repeated field starts over */
	if (off == 0)
		to->len = 0;
	size_t cap = to == &f->text ? max_bytes : 64;
	if (to->len + size > cap) {
		f->too_big |= to == &f->text;
		size = to->len < cap ? cap - to->len : 0;
	}
	return tagar_buf_append(to, data, size) ? -1 : 0;
}

/* A form field's value as a string: "" when absent. */
static const char *field(const tagar_buf *b)
{
	return b->p ? b->p : "";
}

int srv_form_finish(srv_form *f, size_t max_bytes, srv_doc *d, srv_params *p, char *why, size_t why_n)
{
	memset(d, 0, sizeof *d);
	srv_params_default(p);
	p->threshold = 0;
	p->limit = 10;
	if (f->limit.len && srv_param(p, "limit", field(&f->limit), why, why_n))
		return -1;
	if (f->threshold.len && srv_param(p, "threshold", field(&f->threshold), why, why_n))
		return -1;
	if (f->too_big) {
		d->too_big = 1;
		fail(why, why_n, "field \"text\" is over the limit of %zu bytes (--max-bytes)", f->text.len);
		return SRV_TOO_BIG;
	}
	if (!f->text.len || blank(f->text.p, f->text.len))
		return fail(why, why_n, "field \"text\" is missing or empty");
	return srv_decode_text(f->text.p, f->text.len, max_bytes, d, why, why_n);
}

void srv_form_free(srv_form *f)
{
	tagar_buf_free(&f->text);
	tagar_buf_free(&f->limit);
	tagar_buf_free(&f->threshold);
	f->too_big = 0;
}
