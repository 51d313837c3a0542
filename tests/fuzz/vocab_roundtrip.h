/* vocab_roundtrip.h - what fuzz_vocab and fuzz_skos both check: a
 * vocabulary written in the tagar format (as a model stores it) reads back
 * to the same text.  Aborts otherwise. */
#ifndef TAGAR_FUZZ_VOCAB_ROUNDTRIP_H
#define TAGAR_FUZZ_VOCAB_ROUNDTRIP_H

#include "tagvocab.h"

#include <stdlib.h>
#include <string.h>

static void check_roundtrip(const tagar_tagvocab *v)
{
	tagar_tagvocab *w = NULL;
	tagar_err err = {0, ""};
	size_t n1, n2;
	char *d1 = tagar_tagvocab_dump(v, &n1), *d2 = NULL;
	if (d1 && tagar_tagvocab_parse(d1, n1, "dump", &w, &err) == 0) {
		d2 = tagar_tagvocab_dump(w, &n2);
		if (d2 && (n1 != n2 || memcmp(d1, d2, n1) != 0 || v->n != w->n))
			abort();  /* a stored vocabulary must read back as it was */
	} else if (d1 && err.code != TAGAR_ENOMEM) {
		abort();  /* what was accepted, the vocabulary format must hold */
	}
	free(d1);
	free(d2);
	tagar_tagvocab_free(&w);
}

#endif
