/* pertag.c - one RSS 2.0 feed per tag, DIR/TAG.xml, with the tag's latest
 * items from every source, each file replaced atomically (tagar_outfile)
 * so a reader polling it never sees half a file. */
#include "feeds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
	tagar_rss_item *v;
	int n;
} latest;

typedef struct {
	tagar_archive *a;
	const char *dir;
	int max;
	latest l;
	char **strings;           /* the items' copied strings */
	int nstr;
	int written;
} pertag;

static const char *keep(pertag *p, const char *s)
{
	if (!s)
		return NULL;
	char *c = strdup(s);
	if (c)
		p->strings[p->nstr++] = c;
	return c ? c : "";
}

static int on_latest(const tagar_archive_latest_item *it, void *ud)
{
	pertag *p = ud;
	tagar_rss_item *r = &p->l.v[p->l.n++];
	*r = (tagar_rss_item){keep(p, it->title), keep(p, it->link), keep(p, it->rid), it->published,
			      keep(p, it->feed_url), keep(p, it->feed_title), NULL, it->score};
	return 0;
}

/* A tag as a file name: bytes other than letters, digits, '-', '_', '.'
 * and UTF-8 (a tag may hold '/' or spaces) become '_'; a leading '.' too. */
static void file_name(const char *tag, char *out, size_t n)
{
	size_t k = 0;
	for (const char *s = tag; *s && k + 5 < n; s++) {
		unsigned char c = (unsigned char)*s;
		int ok = c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
			 c == '-' || c == '_' || (c == '.' && k > 0);
		out[k++] = ok ? (char)c : '_';
	}
	snprintf(out + k, n - k, ".xml");
}

static void release(pertag *p)
{
	for (int i = 0; i < p->nstr; i++)
		free(p->strings[i]);
	p->nstr = 0;
	p->l.n = 0;
}

static int write_tag(const char *tag, void *ud)
{
	pertag *p = ud;
	tagar_err err = {0, ""};
	int rc = tagar_archive_latest(p->a, tag, p->max, on_latest, p, &err);
	char name[512], *path = NULL, *xml = NULL, title[300];
	size_t len = 0;
	file_name(tag, name, sizeof name);
	snprintf(title, sizeof title, "tagar: %s", tag);
	for (int i = 0; i < p->l.n; i++)
		p->l.v[i].category = tag;
	if (!rc)
		rc = tagar_rss_build(title, "", "The latest items tagged with this tag by tagar-feeds", p->l.v, p->l.n,
				     &xml, &len, &err);
	if (!rc && !(path = malloc(strlen(p->dir) + strlen(name) + 2)))
		rc = (err = (tagar_err){TAGAR_ENOMEM, "out of memory"}).code;
	if (!rc) {
		sprintf(path, "%s/%s", p->dir, name);
		tagar_outfile *of = tagar_outfile_open(path, NULL, &err);
		rc = of ? tagar_outfile_commit(&of, xml, len, &err) : TAGAR_EIO;
	}
	if (rc)
		fprintf(stderr, "tagar-feeds: per-tag feed %s: %s\n", tag, err.msg);
	else
		p->written++;
	free(path);
	free(xml);
	release(p);
	return rc;
}

int write_per_tag_feeds(tagar_archive *a, const char *dir, int n)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "tagar-feeds: %s: %s\n", dir, strerror(errno));
		return EXIT_IO_ERROR;
	}
	pertag p = {a, dir, n, {calloc((size_t)n, sizeof(tagar_rss_item)), 0}, calloc((size_t)n * 6, sizeof(char *)),
		    0, 0};
	tagar_err err = {0, ""};
	int rc = p.l.v && p.strings ? tagar_archive_tags(a, write_tag, &p, &err) : TAGAR_ENOMEM;
	if (rc && err.msg[0])
		fprintf(stderr, "tagar-feeds: %s\n", err.msg);
	free(p.l.v);
	free(p.strings);
	return rc ? EXIT_IO_ERROR : 0;
}
