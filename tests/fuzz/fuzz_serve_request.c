/* fuzz_serve_request.c - libFuzzer harness for tagar-serve's request
 * decoding (serve/request.c): what a client's body and query string become
 * before any tagging.  The first byte chooses what the rest is:
 *   0 a JSON article, 1 a text/plain article, 2 a suggest-batch body,
 *   3 a query string (key=value&..., as libmicrohttpd hands the pairs over),
 *   4 the Annif form's fields (key=value pieces, split at '&' and at every
 *     sixteenth byte of a value, as the post processor hands them over).
 * Small limits (512-byte articles, 8-document batches) reach the limit
 * paths often. */
#include "../../serve/request.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_BYTES = 512, MAX_DOCS = 8 };

/* Every string a decoded article hands out is readable, valid UTF-8 and
 * within the limit. */
static void check_doc(const srv_doc *d)
{
	if (d->error)
		return;
	size_t n = strlen(d->rec.title) + strlen(d->rec.text);
	if (n > MAX_BYTES || tagar_utf8_invalid(d->rec.title, strlen(d->rec.title)) >= 0 ||
	    tagar_utf8_invalid(d->rec.text, strlen(d->rec.text)) >= 0)
		abort();
	if (d->rec.id && tagar_utf8_invalid(d->rec.id, strlen(d->rec.id)) >= 0)
		abort();
}

static void check_params(const srv_params *p)
{
	if (p->threshold > 1 || p->limit < 0 || p->explain < 0 || p->explain > SRV_EXPLAIN_MAX)
		abort();
}

static void article(const char *s, size_t n, int json)
{
	srv_doc d;
	char why[512];
	int rc = json ? srv_decode_json(s, n, MAX_BYTES, &d, why, sizeof why)
		      : srv_decode_text(s, n, MAX_BYTES, &d, why, sizeof why);
	if (!rc)
		check_doc(&d);
	else if (!memchr(why, 0, sizeof why) || !why[0])  /* a failure always says why */
		abort();
	srv_doc_clear(&d);
}

static void batch(const char *s, size_t n)
{
	srv_batch b;
	char why[512];
	if (srv_decode_batch(s, n, MAX_DOCS, MAX_BYTES, &b, why, sizeof why) == 0) {
		if (b.n < 1 || b.n > MAX_DOCS)
			abort();
		for (int i = 0; i < b.n; i++)
			check_doc(&b.doc[i]);
	}
	srv_batch_free(&b);
}

/* Calls fn with each key=value pair of s (split at '&'), NUL-terminated
 * copies; a pair without '=' has a NULL value. */
static void pairs(const char *s, size_t n, void (*fn)(const char *k, const char *v, void *ud), void *ud)
{
	char *copy = malloc(n + 1);
	if (!copy)
		return;
	memcpy(copy, s, n);
	copy[n] = 0;
	for (char *p = copy, *next; p; p = next) {
		next = strchr(p, '&');
		if (next)
			*next++ = 0;
		char *eq = strchr(p, '=');
		if (eq)
			*eq++ = 0;
		fn(p, eq, ud);
	}
	free(copy);
}

static void query_pair(const char *k, const char *v, void *ud)
{
	char why[512];
	srv_param(ud, k, v, why, sizeof why);
}

static void form_pair(const char *k, const char *v, void *ud)
{
	size_t n = v ? strlen(v) : 0;
	for (size_t off = 0; off < n; off += 16)
		if (srv_form_add(ud, k, v + off, off, n - off < 16 ? n - off : 16, MAX_BYTES))
			abort();  /* only out of memory fails */
}

static void form(const char *s, size_t n)
{
	srv_form f = {0};
	srv_doc d;
	srv_params p;
	char why[512];
	pairs(s, n, form_pair, &f);
	if (f.text.len > MAX_BYTES)
		abort();
	if (srv_form_finish(&f, MAX_BYTES, &d, &p, why, sizeof why) == 0) {
		check_doc(&d);
		check_params(&p);
	}
	srv_doc_clear(&d);
	srv_form_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	srv_params p;
	switch (data[0] % 5) {
	case 0: article(s, n, 1); break;
	case 1: article(s, n, 0); break;
	case 2: batch(s, n); break;
	case 3:
		srv_params_default(&p);
		pairs(s, n, query_pair, &p);
		check_params(&p);
		break;
	default: form(s, n); break;
	}
	return 0;
}
