/* stemso.h - libstemmer, opened when a tokenizer first stems (internal).
 *
 * libstemmer holds every Snowball language's tables: 10,800 pointers to
 * relocate and some 90 pages touched when a program linked with it starts,
 * 0.25 ms of the 2 ms a one-article run takes, for models that do not stem
 * (the default) as much as for those that do.  So the library does not
 * link it: text.c calls it through this table, bound once per process
 * (thread-safe) and never closed. */
#ifndef TAGAR_STEMSO_H
#define TAGAR_STEMSO_H

#include <libstemmer.h>
#include <stddef.h>

typedef struct {
	__typeof__(sb_stemmer_new) *sb_stemmer_new;
	__typeof__(sb_stemmer_delete) *sb_stemmer_delete;
	__typeof__(sb_stemmer_stem) *sb_stemmer_stem;
	__typeof__(sb_stemmer_length) *sb_stemmer_length;
} tagar_stemso;

/* The bound functions, or NULL when libstemmer cannot be opened (then
 * why, when not NULL, gets dlerror's reason). */
const tagar_stemso *tagar_stemso_get(char *why, size_t whylen);

#endif
