/* sources.c - what SOURCES name: OPML files, plain lists of URLs, feed
 * files and URLs.  A local file is told by its first bytes: an OPML
 * document, a feed (tagar_sniff), or else a list of URLs.  Each feed once,
 * by URL, in the order first named. */
#include "feeds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	feed_src *v;
	int n, cap;
	int bad;
	const char *file;
} src_list;

static int has_url(const src_list *l, const char *url)
{
	for (int i = 0; i < l->n; i++)  /* lists are hundreds of feeds, not millions */
		if (strcmp(l->v[i].url, url) == 0)
			return 1;
	return 0;
}

static int add(src_list *l, const char *url, const char *title)
{
	if (has_url(l, url))
		return 0;
	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 64;
		feed_src *v = realloc(l->v, (size_t)cap * sizeof *v);
		if (!v)
			return TAGAR_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	feed_src s = {strdup(url), strdup(title ? title : "")};
	if (!s.url || !s.title) {
		free(s.url);
		free(s.title);
		return TAGAR_ENOMEM;
	}
	l->v[l->n++] = s;
	return 0;
}

/* A list's URL: a local path becomes a file:// URL, relative paths read
 * from where the list is (as a feed reader's OPML export would mean). */
static char *resolve(const char *file, const char *url)
{
	if (tagar_has_scheme(url) || !file || url[0] == '/')
		return tagar_has_scheme(url) ? strdup(url) : tagar_file_url(url);
	const char *slash = strrchr(file, '/');
	size_t dir = slash ? (size_t)(slash - file + 1) : 0;
	char *path = malloc(dir + strlen(url) + 1);
	if (!path)
		return NULL;
	memcpy(path, file, dir);
	strcpy(path + dir, url);
	char *u = tagar_file_url(path);
	free(path);
	return u;
}

static int on_source(const tagar_source *s, void *ud)
{
	src_list *l = ud;
	if (!s->url) {
		fprintf(stderr, "tagar-feeds: %s:%ld: %s; skipped\n", l->file, s->line, s->error);
		l->bad++;
		return 0;
	}
	char *url = resolve(l->file, s->url);
	if (!url) {
		fprintf(stderr, "tagar-feeds: %s:%ld: %s: %s; skipped\n", l->file, s->line, s->url, strerror(errno));
		l->bad++;
		return 0;
	}
	int rc = add(l, url, s->title);
	free(url);
	return rc;
}

static int read_list_file(src_list *l, const char *path)
{
	size_t len;
	char *buf = tagar_read_file(path, &len);
	if (!buf) {
		fprintf(stderr, "tagar-feeds: %s: %s\n", path, strerror(errno));
		return EXIT_IO_ERROR;
	}
	l->file = path;
	tagar_err err = {0, ""};
	int rc = 0;
	if (tagar_sniff(buf, len) == TAGAR_DOC_FEED) {
		char *url = tagar_file_url(path);
		rc = url ? add(l, url, NULL) : TAGAR_ENOMEM;
		free(url);
	} else if (tagar_is_opml(buf, len)) {
		rc = tagar_opml_each(buf, len, path, on_source, l, &err);
	} else {
		rc = tagar_urllist_each(buf, len, on_source, l);
	}
	free(buf);
	if (rc) {
		fprintf(stderr, "tagar-feeds: %s\n", err.msg[0] ? err.msg : tagar_errmsg(rc));
		return rc == TAGAR_EFORMAT ? EXIT_USAGE : EXIT_IO_ERROR;
	}
	return 0;
}

int sources_read(char **args, int n, feed_src **out, int *count, int *bad)
{
	src_list l = {0};
	int rc = 0;
	for (int i = 0; !rc && i < n; i++) {
		if (tagar_has_scheme(args[i]))
			rc = add(&l, args[i], NULL) ? EXIT_IO_ERROR : 0;
		else
			rc = read_list_file(&l, args[i]);
	}
	if (rc) {
		sources_free(l.v, l.n);
		return rc;
	}
	*out = l.v;
	*count = l.n;
	*bad = l.bad;
	return 0;
}

void sources_free(feed_src *s, int n)
{
	for (int i = 0; i < n; i++) {
		free(s[i].url);
		free(s[i].title);
	}
	free(s);
}
