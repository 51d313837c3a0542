/* stemso.c - libstemmer opened on first use (see stemso.h). */
#include "stemso.h"
#include "internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef TAGAR_LIBSTEMMER_SONAME
#define TAGAR_LIBSTEMMER_SONAME "libstemmer.so.0d"
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
static tagar_stemso fns;
static int bound;
static char reason[256];

static void open_stemmer(void)
{
	void *so = dlopen(TAGAR_LIBSTEMMER_SONAME, RTLD_NOW | RTLD_LOCAL);
	bound = so && tagar_bind_symbol(so, "sb_stemmer_new", &fns.sb_stemmer_new) &&
		tagar_bind_symbol(so, "sb_stemmer_delete", &fns.sb_stemmer_delete) &&
		tagar_bind_symbol(so, "sb_stemmer_stem", &fns.sb_stemmer_stem) &&
		tagar_bind_symbol(so, "sb_stemmer_length", &fns.sb_stemmer_length);
	if (!bound) {
		const char *why = dlerror();
		snprintf(reason, sizeof reason, "cannot open %s: %s", TAGAR_LIBSTEMMER_SONAME,
			 why ? why : "missing symbols");
	}
}

const tagar_stemso *tagar_stemso_get(char *why, size_t whylen)
{
	pthread_once(&once, open_stemmer);
	if (!bound && why && whylen)
		snprintf(why, whylen, "%s", reason);
	return bound ? &fns : NULL;
}
