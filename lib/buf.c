/* buf.c - the growing byte buffer every module and program shares (see
 * tagar_buf in tagar.h), instead of one hand-written per file. */
#include "tagar.h"

#include <stdlib.h>
#include <string.h>

int tagar_buf_grow(tagar_buf *b, size_t need)
{
	if (need <= b->cap)
		return 0;
	size_t nc = b->cap ? b->cap : 64;
	while (nc < need)
		nc *= 2;
	char *np = realloc(b->p, nc);
	if (!np)
		return TAGAR_ENOMEM;
	b->p = np;
	b->cap = nc;
	return 0;
}

int tagar_buf_append(tagar_buf *b, const void *s, size_t n)
{
	if (tagar_buf_reserve(b, n))
		return TAGAR_ENOMEM;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
	return 0;
}

void tagar_buf_free(tagar_buf *b)
{
	if (!b)
		return;
	free(b->p);
	memset(b, 0, sizeof *b);
}
