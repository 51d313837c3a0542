/* request.h - what a client sends tagar-serve, decoded without a socket:
 * the query parameters, one article (JSON or plain text), a batch of
 * articles, and the form fields of the Annif route.  Everything here is
 * outside input, so the fuzz harness tests/fuzz/fuzz_serve_request.c calls
 * these functions directly.
 *
 * Errors: a function that can fail returns 0, or -1 with a message in why
 * (why_n bytes) that names the parameter or field at fault; the HTTP layer
 * answers it as 400 {"error": why}.  SRV_TOO_BIG is returned instead when
 * an article is over the byte limit (413): its title and text, after
 * invalid UTF-8 is repaired (each bad byte becomes U+FFFD's three).  Decoded strings are malloc'ed
 * and owned by the struct that holds them (srv_doc_clear, srv_batch_free,
 * srv_form_free release them). */
#ifndef TAGAR_SERVE_REQUEST_H
#define TAGAR_SERVE_REQUEST_H

#include "tagar.h"

#include <stdint.h>

enum { SRV_TOO_BIG = -2 };

/* The most documents one suggest-batch request may hold (README, OpenAPI). */
#define SRV_BATCH_MAX 1000
/* --explain without a count, and its ceiling. */
#define SRV_EXPLAIN_DEFAULT 5
#define SRV_EXPLAIN_MAX 100

/* How a suggest request chooses and shows tags (its query parameters). */
typedef struct {
	double threshold;  /* < 0: the tuned thresholds */
	int limit;         /* at most this many tags; 0: no limit */
	int all;           /* also every tag's score */
	int explain;       /* terms per tag; 0: none */
} srv_params;

/* No threshold, no limit, no scores, no explanation. */
void srv_params_default(srv_params *p);
/* One query parameter (threshold, limit, all, explain); an unknown name
 * or a bad value is refused. */
int srv_param(srv_params *p, const char *key, const char *value, char *why, size_t why_n);

/* One article.  error is set (and the rest empty) for a batch document
 * that could not be decoded: it is answered with its own error entry. */
typedef struct {
	tagar_record rec;  /* id (may be NULL), title, text; UTF-8 (repaired) */
	char *error;       /* NULL, or why this document is not tagged */
	int too_big;       /* error is the byte limit's */
} srv_doc;

void srv_doc_clear(srv_doc *d);

/* A JSON body {"id"?, "title"?, "text"?}: at least one of title and text,
 * together at most max_bytes (else SRV_TOO_BIG). */
int srv_decode_json(const char *body, size_t n, size_t max_bytes, srv_doc *d, char *why, size_t why_n);
/* A text/plain body: the first line is the title when more text follows,
 * the rest the text. */
int srv_decode_text(const char *body, size_t n, size_t max_bytes, srv_doc *d, char *why, size_t why_n);

typedef struct {
	srv_doc *doc;
	int n;
} srv_batch;

/* {"documents": [{"id", "title", "text"}, ...]}: 1 to max_docs documents.
 * A document that is not a valid article gets its error in its srv_doc
 * (the others are still tagged); only a body that is not such an object,
 * or holds too many documents, fails the whole request. */
int srv_decode_batch(const char *body, size_t n, int max_docs, size_t max_bytes, srv_batch *b, char *why,
		     size_t why_n);
void srv_batch_free(srv_batch *b);

/* The Annif route's form fields as libmicrohttpd's post processor hands
 * them over, value by value in pieces (off: where this piece starts). */
typedef struct {
	tagar_buf text, limit, threshold;
	int too_big;       /* text went over the byte limit: no more is kept */
} srv_form;

/* Keeps a piece of a field's value; text beyond max_bytes is dropped and
 * flagged.  Other fields (Annif clients send "language") are ignored.
 * -1 when out of memory. */
int srv_form_add(srv_form *f, const char *key, const char *data, uint64_t off, size_t size, size_t max_bytes);
/* The article and the parameters the fields give, Annif's way: limit
 * (default 10) and threshold (default 0) choose the tags. */
int srv_form_finish(srv_form *f, size_t max_bytes, srv_doc *d, srv_params *p, char *why, size_t why_n);
void srv_form_free(srv_form *f);

#endif
