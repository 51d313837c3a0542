/* vocab.c - the training vocabulary: every feature string seen, its document
 * frequency, and each document's (term, weighted count) list. */
#include "vocab.h"

#include <stdlib.h>
#include <string.h>

static int vocab_grow_table(tagar_vocab *v)
{
	size_t ns = v->nslots ? v->nslots * 2 : 1 << 16;
	int32_t *s = malloc(ns * sizeof *s);
	if (!s)
		return -1;
	memset(s, 0xff, ns * sizeof *s);
	for (size_t i = 0; i < v->n; i++) {
		size_t j = v->hash[i] & (ns - 1);
		while (s[j] >= 0)
			j = (j + 1) & (ns - 1);
		s[j] = (int32_t)i;
	}
	free(v->slots);
	v->slots = s;
	v->nslots = ns;
	return 0;
}

static int vocab_grow_terms(tagar_vocab *v)
{
	size_t nc = v->cap ? v->cap * 2 : 1 << 15;
	uint64_t *h = realloc(v->hash, nc * sizeof *h);
	if (!h)
		return -1;
	v->hash = h;
	size_t *o = realloc(v->off, nc * sizeof *o);
	if (!o)
		return -1;
	v->off = o;
	uint32_t *l = realloc(v->len, nc * sizeof *l);
	if (!l)
		return -1;
	v->len = l;
	int32_t *d = realloc(v->df, nc * sizeof *d);
	if (!d)
		return -1;
	v->df = d;
	int32_t *ld = realloc(v->last_doc, nc * sizeof *ld);
	if (!ld)
		return -1;
	v->last_doc = ld;
	uint32_t *p = realloc(v->pos, nc * sizeof *p);
	if (!p)
		return -1;
	v->pos = p;
	v->cap = nc;
	return 0;
}

static int vocab_add_string(tagar_vocab *v, const char *s, size_t n)
{
	if (v->slen + n > v->scap) {
		size_t nc = v->scap ? v->scap : 1 << 20;
		while (nc < v->slen + n)
			nc *= 2;
		char *ns = realloc(v->str, nc);
		if (!ns)
			return -1;
		v->str = ns;
		v->scap = nc;
	}
	memcpy(v->str + v->slen, s, n);
	v->slen += n;
	return 0;
}

long tagar_vocab_intern(tagar_vocab *v, const char *s, size_t n)
{
	if ((v->n + 1) * 2 > v->nslots && vocab_grow_table(v))
		return -1;
	uint64_t h = tagar_hash(s, n);
	size_t j = h & (v->nslots - 1);
	for (; v->slots[j] >= 0; j = (j + 1) & (v->nslots - 1)) {
		int32_t id = v->slots[j];
		if (v->hash[id] == h && v->len[id] == n && memcmp(v->str + v->off[id], s, n) == 0)
			return id;
	}
	if (v->n == v->cap && vocab_grow_terms(v))
		return -1;
	size_t id = v->n++;
	v->hash[id] = h;
	v->off[id] = v->slen;
	v->len[id] = (uint32_t)n;
	v->df[id] = 0;
	v->last_doc[id] = -1;
	if (vocab_add_string(v, s, n))
		return -1;
	v->slots[j] = (int32_t)id;
	return (long)id;
}

void tagar_vocab_free(tagar_vocab *v)
{
	free(v->slots);
	free(v->hash);
	free(v->off);
	free(v->len);
	free(v->df);
	free(v->last_doc);
	free(v->pos);
	free(v->str);
	memset(v, 0, sizeof *v);
}
