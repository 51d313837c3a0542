/* vocab.h - string interning with document frequencies, for training.
 * A tagar_vocab is a plain struct owned by its user; zero-initialise it,
 * release with tagar_vocab_free.  Term ids are dense, in first-seen order. */
#ifndef TAGAR_VOCAB_H
#define TAGAR_VOCAB_H

#include "internal.h"

typedef struct {
	int32_t *slots;      /* open addressing: term id or -1 */
	size_t nslots;
	uint64_t *hash;      /* per term */
	size_t *off;         /* into str */
	uint32_t *len;
	int32_t *df;         /* documents containing the term */
	int32_t *last_doc;   /* last document that counted it */
	uint32_t *pos;       /* its place in that document's list */
	size_t n, cap;
	char *str;
	size_t slen, scap;
} tagar_vocab;

/* Id of s, added when new; -1 when out of memory. */
long tagar_vocab_intern(tagar_vocab *v, const char *s, size_t n);
void tagar_vocab_free(tagar_vocab *v);

#endif
