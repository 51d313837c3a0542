/* msgstream.c - a stream that starts every line with a prefix, so that
 * the library's messages (a corpus reader's "FILE:LINE: ...", training
 * warnings and progress) start with the program's name as its own do. */
#define _GNU_SOURCE  /* fopencookie */
#include "internal.h"

#include <stdlib.h>
#include <sys/types.h>

typedef struct {
	FILE *to;
	const char *prefix;
	int at_line_start;
} prefixer;

static int line_end(char ch)
{
	return ch == '\n' || ch == '\r';  /* \r: a progress line starts over */
}

/* Past ESC [ parameters final-byte (e.g. "\033[K", erase the line). */
static size_t control_sequence_end(const char *p, size_t i, size_t n)
{
	size_t j = i + 1;
	if (j < n && p[j] == '[')
		for (j++; j < n && !(p[j] >= 0x40 && p[j] <= 0x7e); j++)
			;
	return j < n ? j + 1 : n;
}

static ssize_t prefix_write(void *cookie, const char *p, size_t n)
{
	prefixer *x = cookie;
	for (size_t i = 0, j; i < n; i = j) {
		if (x->at_line_start && p[i] == '\033') {  /* a terminal control sequence: no text */
			j = control_sequence_end(p, i, n);
			fwrite(p + i, 1, j - i, x->to);
			continue;
		}
		if (x->at_line_start && !line_end(p[i]))
			fputs(x->prefix, x->to);
		for (j = i; j < n && !line_end(p[j]); j++)
			;
		j += j < n;  /* the line end too */
		x->at_line_start = line_end(p[j - 1]);
		fwrite(p + i, 1, j - i, x->to);
	}
	fflush(x->to);
	return ferror(x->to) ? -1 : (ssize_t)n;
}

static int prefix_close(void *cookie)
{
	free(cookie);
	return 0;
}

FILE *tagar_prefixed_stream(FILE *to, const char *prefix)
{
	prefixer *x = malloc(sizeof *x);
	if (!x)
		return NULL;
	*x = (prefixer){to, prefix, 1};
	FILE *f = fopencookie(x, "w", (cookie_io_functions_t){.write = prefix_write, .close = prefix_close});
	if (!f) {
		free(x);
		return NULL;
	}
	setvbuf(f, NULL, _IONBF, 0);  /* in order with what is written to `to` directly */
	return f;
}
