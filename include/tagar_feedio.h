/*
 * tagar_feedio.h - lists of feeds in (OPML, plain URL lists) and RSS 2.0
 * feeds out (tagar-feeds' per-tag feeds).  Part of libtagar's public
 * interface beside tagar.h, whose conventions hold here too (tagar_err,
 * 0 or a negative tagar_status, NULL-tolerant frees).  libxml2 is opened
 * on first use as for the feed reader (see tagar.h).
 */
#ifndef TAGAR_FEEDIO_H
#define TAGAR_FEEDIO_H

#include "tagar.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Readies libxml2 for feeds and HTML parsed on several threads at once:
 * call it once, on one thread, before those threads start (libxml2 2.9
 * initialises its global state on first use, which two threads must not do
 * together).  0, or TAGAR_EIO when libxml2 cannot be opened (err says so). */
int tagar_xml_init_threads(tagar_err *err);

/* One feed a list names, or one bad entry of it.  Strings live during the
 * callback only. */
typedef struct {
	const char *url;       /* OPML: the outline's xmlUrl; a list: the line's first
				* field.  NULL for a bad entry (then error says why) */
	const char *title;     /* OPML: the outline's title, else its text; a list: the rest
				* of the line; "" when none */
	const char *category;  /* OPML: the category attribute, else the titles of the
				* enclosing outlines joined by '/'; "" when none */
	const char *error;     /* NULL, or why the entry was skipped */
	long line;             /* the entry's line in the list */
} tagar_source;

/* A non-zero return stops the reading and is returned. */
typedef int (*tagar_source_fn)(const tagar_source *s, void *ud);

/* Whether buf is an OPML document (root element <opml>, after what
 * tagar_sniff skips). */
int tagar_is_opml(const char *buf, size_t n);

/* Every outline with an xmlUrl of an OPML document, at any depth, in
 * document order.  An outline whose xmlUrl is empty or holds white space
 * or control characters is handed over as a bad entry; the rest go on.
 * Returns 0; TAGAR_EFORMAT with err naming name, the line and libxml2's
 * reason when the XML is malformed or the root is not <opml> (the entries
 * before it are not handed over: the tree is read whole); TAGAR_EIO when
 * libxml2 cannot be opened; or what fn returned. */
int tagar_opml_each(const char *buf, size_t n, const char *name, tagar_source_fn fn, void *ud, tagar_err *err);

/* A plain list: one URL (or path) a line, optionally followed by white
 * space and a title; blank lines and lines starting with '#' skipped; CRLF
 * line ends and a UTF-8 byte order mark accepted.  A line holding control
 * characters or invalid UTF-8, or longer than TAGAR_URL_MAX, is a bad
 * entry.  Returns 0 or what fn returned. */
#define TAGAR_URL_MAX 4096
int tagar_urllist_each(const char *buf, size_t n, tagar_source_fn fn, void *ud);

/* A feed item's date as seconds since the epoch: RFC 822 (RSS pubDate,
 * read by libcurl's curl_getdate) or ISO 8601 / RFC 3339 (Atom, Dublin
 * Core: 2026-01-31, 2026-01-31T08:15:00+07:00, fractions of a second
 * allowed).  -1 when s is neither. */
long long tagar_feed_date(const char *s);

/* ------------------------------------------------------------ RSS out */

/* One item of an RSS feed written by tagar_rss_build.  NULL fields are
 * left out. */
typedef struct {
	const char *title, *link, *guid;
	long long published;      /* seconds since the epoch; < 0: no pubDate */
	const char *source_url;   /* <source url="...">source_title</source> */
	const char *source_title;
	const char *category;     /* <category domain="tagar"> */
	double score;             /* <tagar:score> (namespace urn:tagar); < 0: none */
} tagar_rss_item;

/* An RSS 2.0 document (UTF-8, built with libxml2, so every string is
 * escaped as XML wants; bytes XML cannot hold are dropped) with a channel
 * titled title, linking to link, and the items in order.  *out is
 * malloc'ed (the caller frees), *len its length.  0, TAGAR_ENOMEM, or
 * TAGAR_EIO when libxml2 cannot be opened (err says so). */
int tagar_rss_build(const char *title, const char *link, const char *description, const tagar_rss_item *items,
		    int n, char **out, size_t *len, tagar_err *err);

#ifdef __cplusplus
}
#endif

#endif
