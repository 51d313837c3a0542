/* inputs.h - the inputs that are read whole rather than line by line: one
 * plain-text or HTML article, an RSS/Atom feed, a directory of articles;
 * and what every input shares: format sniffing and UTF-8 repair. */
#ifndef TAGAR_CLASSIFY_INPUTS_H
#define TAGAR_CLASSIFY_INPUTS_H

#include "output.h"

#include <sys/types.h>

/* Whether s is a UTF-16 or UTF-32 document (by its byte order mark, or by
 * where its NUL bytes fall). */
int in_is_wide(const char *s, size_t n);
/* A UTF-16 or UTF-32 document converted to UTF-8 (iconv): *s and *n are
 * replaced by a malloc'ed copy, also stored in *owned (whose earlier value
 * is freed).  Anything else is left alone.  -1 with the reason in msg when
 * the text is not valid in its encoding. */
int in_wide(char **s, size_t *n, char **owned, char *msg, size_t msgn);
/* IN_JSONL, IN_FASTTEXT, IN_FEED, IN_HTML or IN_TEXT, from the first bytes. */
int in_sniff(const char *buf, size_t len);
/* Checks that *s (n bytes) is UTF-8.  Invalid bytes are replaced by U+FFFD
 * (*s then points to a malloc'ed copy, also stored in *owned, and a
 * warning naming `what`, and `line` when it is above 0, goes to err), or
 * with --strict the record is
 * rejected: returns -1 with the reason in msg. */
int in_utf8(const options *o, FILE *err, const char *what, long line, const char **s, size_t *n, char **owned,
	    char *msg, size_t msgn);
/* One article (plain text or HTML) in buf: the text view or --json. */
/* buf (NUL-terminated, in place) may be modified. */
int in_article(ctx *c, char *buf, size_t len, int html);
/* A feed: JSONL records, or the feed back (--emit feed). */
int in_feed(ctx *c, const char *buf, size_t len);
/* Every .txt, .html and .htm file of a directory, by name: JSONL records
 * whose id is the file name. */
int in_dir(ctx *c, const char *dir);

#endif
