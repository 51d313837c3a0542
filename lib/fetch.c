/* fetch.c - feeds fetched with libcurl's multi interface: at most
 * `parallel` transfers at once (the rest wait in a queue of ours, so no
 * transfer's timeout runs while it waits), conditional GET with the
 * feed's validators, gzip and deflate, capped redirects, connect and total
 * timeouts, and a size cap enforced as the body arrives. */
#include "internal.h"
#include "tagar.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct transfer {
	struct transfer *next;     /* the queue, then the running list */
	char *url, *etag_sent, *lastmod_sent;
	void *ud;
	CURL *easy;
	struct curl_slist *headers;
	tagar_buf body;
	char *etag, *last_modified;
	int over_limit;
	char errbuf[CURL_ERROR_SIZE];
	size_t max_bytes;
} transfer;

struct tagar_fetcher {
	tagar_fetch_opts o;
	char user_agent[128];
	CURLM *multi;
	transfer *queue, *queue_tail;
	transfer *active;          /* running, in the multi handle */
	int queued, running;
};

int tagar_has_scheme(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
	return n > 1 && s[n] == ':' && ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z');
}

char *tagar_file_url(const char *path)
{
	char *abs = realpath(path, NULL);
	if (!abs)
		return NULL;
	tagar_buf b = {0};
	int rc = tagar_buf_append(&b, "file://", 7);
	for (const char *p = abs; !rc && *p; p++) {
		unsigned char c = (unsigned char)*p;
		char hex[4];
		if (strchr("/-._~", c) || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			rc = tagar_buf_append(&b, p, 1);
		else
			rc = tagar_buf_append(&b, hex, (size_t)snprintf(hex, sizeof hex, "%%%02X", c));
	}
	free(abs);
	if (rc) {
		tagar_buf_free(&b);
		errno = ENOMEM;
		return NULL;
	}
	return b.p;
}

/* ------------------------------------------------------------ callbacks */

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	transfer *t = ud;
	size_t n = size * nmemb;
	if (t->body.len + n > t->max_bytes) {
		t->over_limit = 1;
		return 0;  /* curl stops with CURLE_WRITE_ERROR */
	}
	return tagar_buf_append(&t->body, p, n) ? 0 : n;
}

/* The value of "Name: value" when line is that header, trimmed; malloc'ed. */
static char *header_value(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);
	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return NULL;
	const char *v = line + k + 1, *end = line + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && strchr(" \t\r\n", end[-1]))
		end--;
	return tagar_memdup0(v, (size_t)(end - v));
}

/* Keeps the validators of the last response (a redirect's are dropped
 * when the next status line comes). */
static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	transfer *t = ud;
	size_t n = size * nmemb;
	char *v;
	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		free(t->etag);
		free(t->last_modified);
		t->etag = t->last_modified = NULL;
	} else if ((v = header_value(p, n, "ETag"))) {
		free(t->etag);
		t->etag = v;
	} else if ((v = header_value(p, n, "Last-Modified"))) {
		free(t->last_modified);
		t->last_modified = v;
	}
	return n;
}

/* ------------------------------------------------------------ transfers */

static void transfer_free(transfer *t)
{
	if (!t)
		return;
	if (t->easy)
		curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	tagar_buf_free(&t->body);
	free(t->url);
	free(t->etag_sent);
	free(t->lastmod_sent);
	free(t->etag);
	free(t->last_modified);
	free(t);
}

static int add_header(transfer *t, const char *name, const char *value)
{
	if (!value || !*value)
		return 0;
	char *h = malloc(strlen(name) + strlen(value) + 3);
	if (!h)
		return -1;
	sprintf(h, "%s: %s", name, value);
	struct curl_slist *l = curl_slist_append(t->headers, h);
	free(h);
	if (!l)
		return -1;
	t->headers = l;
	return 0;
}

static int setup_easy(tagar_fetcher *f, transfer *t)
{
	CURL *e = t->easy = curl_easy_init();
	if (!e || add_header(t, "If-None-Match", t->etag_sent) || add_header(t, "If-Modified-Since", t->lastmod_sent))
		return -1;
	curl_off_t max = (curl_off_t)(f->o.max_bytes > (size_t)INT64_MAX ? INT64_MAX : (int64_t)f->o.max_bytes);
	int rc = curl_easy_setopt(e, CURLOPT_URL, t->url) | curl_easy_setopt(e, CURLOPT_PRIVATE, t) |
		 curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) | curl_easy_setopt(e, CURLOPT_WRITEDATA, t) |
		 curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) | curl_easy_setopt(e, CURLOPT_HEADERDATA, t) |
		 curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf) | curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) |
		 curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") |
		 curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, f->o.max_redirects >= 0 ? 1L : 0L) |
		 curl_easy_setopt(e, CURLOPT_MAXREDIRS, f->o.max_redirects) |
		 curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, f->o.connect_timeout_ms) |
		 curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->o.timeout_ms) |
		 curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, max) |
		 curl_easy_setopt(e, CURLOPT_USERAGENT, f->user_agent) |
		 curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file") |
		 curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") |
		 curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
	return rc == CURLE_OK ? 0 : -1;
}

/* Starts queued transfers while fewer than `parallel` run.  A transfer
 * that cannot be set up is finished at once with an error. */
static void start_queued(tagar_fetcher *f, tagar_fetched_fn fn, void *ud);

static void finish(tagar_fetcher *f, transfer *t, CURLcode code, tagar_fetched_fn fn, void *ud)
{
	long status = 0;
	double secs = 0;
	if (t->easy) {
		curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME, &secs);
	}
	char why[CURL_ERROR_SIZE + 64] = "";
	if (t->over_limit || code == CURLE_FILESIZE_EXCEEDED)
		snprintf(why, sizeof why, "body over the limit of %zu bytes", t->max_bytes);
	else if (code != CURLE_OK)
		snprintf(why, sizeof why, "%s", t->errbuf[0] ? t->errbuf : curl_easy_strerror(code));
	else if (status >= 400)
		snprintf(why, sizeof why, "HTTP %ld", status);
	else if (status >= 300 && status != 304)
		snprintf(why, sizeof why, "HTTP %ld, a redirect not followed", status);
	if (!t->body.p && !why[0] && tagar_buf_append(&t->body, "", 0))
		snprintf(why, sizeof why, "out of memory");
	tagar_fetched r = {t->url, t->ud, status, !why[0] && status == 304, why[0] ? NULL : t->body.p, t->body.len,
			   t->etag, t->last_modified, why[0] ? why : NULL, secs};
	if (why[0] || r.not_modified)
		r.body = NULL, r.len = 0;
	else
		t->body = (tagar_buf){0};  /* handed over: freed below unless fn took it */
	fn(&r, ud);
	free(r.body);
	(void)f;
	transfer_free(t);
}

static void start_queued(tagar_fetcher *f, tagar_fetched_fn fn, void *ud)
{
	while (f->queue && f->running < f->o.parallel) {
		transfer *t = f->queue;
		f->queue = t->next;
		if (!f->queue)
			f->queue_tail = NULL;
		f->queued--;
		if (setup_easy(f, t) || curl_multi_add_handle(f->multi, t->easy) != CURLM_OK) {
			snprintf(t->errbuf, sizeof t->errbuf, "cannot set up the transfer (out of memory?)");
			finish(f, t, CURLE_FAILED_INIT, fn, ud);
			continue;
		}
		t->next = f->active;
		f->active = t;
		f->running++;
	}
}

/* ---------------------------------------------------------------- API */

tagar_fetcher *tagar_fetcher_new(const tagar_fetch_opts *o, tagar_err *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		tagar_fail(err, TAGAR_EIO, "libcurl cannot be initialised");
		return NULL;
	}
	tagar_fetcher *f = calloc(1, sizeof *f);
	if (!f || !(f->multi = curl_multi_init())) {
		free(f);
		curl_global_cleanup();
		tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		return NULL;
	}
	f->o = *o;
	f->o.parallel = o->parallel > 0 ? o->parallel : 8;
	f->o.connect_timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000;
	f->o.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 60000;
	f->o.max_bytes = o->max_bytes ? o->max_bytes : (size_t)16 << 20;
	f->o.max_redirects = o->max_redirects ? o->max_redirects : 5;  /* < 0: none followed */
	snprintf(f->user_agent, sizeof f->user_agent, "%s", o->user_agent ? o->user_agent : "tagar/" TAGAR_VERSION);
	return f;
}

int tagar_fetcher_add(tagar_fetcher *f, const char *url, const char *etag, const char *last_modified, void *ud)
{
	transfer *t = calloc(1, sizeof *t);
	if (!t)
		return TAGAR_ENOMEM;
	t->url = tagar_has_scheme(url) ? strdup(url) : tagar_file_url(url);
	if (!t->url && errno != ENOMEM)
		t->url = strdup(url);  /* a path that does not resolve: curl reports it */
	t->etag_sent = etag ? strdup(etag) : NULL;
	t->lastmod_sent = last_modified ? strdup(last_modified) : NULL;
	if (!t->url || (etag && !t->etag_sent) || (last_modified && !t->lastmod_sent)) {
		transfer_free(t);
		return TAGAR_ENOMEM;
	}
	t->ud = ud;
	t->max_bytes = f->o.max_bytes;
	if (f->queue_tail)
		f->queue_tail->next = t;
	else
		f->queue = t;
	f->queue_tail = t;
	f->queued++;
	return 0;
}

static void unlink_active(tagar_fetcher *f, transfer *t)
{
	for (transfer **p = &f->active; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			return;
		}
}

/* Drives the transfers and finishes the ones done: how many, or -1. */
static int drive(tagar_fetcher *f, tagar_fetched_fn fn, void *ud)
{
	int still = 0, done = 0, left;
	if (curl_multi_perform(f->multi, &still) != CURLM_OK)
		return -1;
	for (CURLMsg *m; (m = curl_multi_info_read(f->multi, &left));) {
		if (m->msg != CURLMSG_DONE)
			continue;
		transfer *t = NULL;
		CURLcode code = m->data.result;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		curl_multi_remove_handle(f->multi, m->easy_handle);
		unlink_active(f, t);
		f->running--;
		finish(f, t, code, fn, ud);
		done++;
	}
	return done;
}

int tagar_fetcher_run(tagar_fetcher *f, int wait_ms, tagar_fetched_fn fn, void *ud)
{
	start_queued(f, fn, ud);
	int done = drive(f, fn, ud);
	/* nothing finished: wait for the sockets, a timeout or a wakeup.
	 * curl_multi_poll waits even with no transfer running (unlike
	 * curl_multi_wait), so a caller waiting for other work (tagar-feeds'
	 * tagging threads) sleeps until tagar_fetcher_wakeup, not spins */
	if (done == 0 && (curl_multi_poll(f->multi, NULL, 0, wait_ms, NULL) != CURLM_OK || (done = drive(f, fn, ud)) < 0))
		return TAGAR_EIO;
	if (done < 0)
		return TAGAR_EIO;
	start_queued(f, fn, ud);
	return f->queued + f->running;
}

void tagar_fetcher_wakeup(tagar_fetcher *f)
{
	curl_multi_wakeup(f->multi);
}

void tagar_fetcher_free(tagar_fetcher **fp)
{
	if (!fp || !*fp)
		return;
	tagar_fetcher *f = *fp;
	for (transfer *t = f->active, *next; t; t = next) {
		next = t->next;
		curl_multi_remove_handle(f->multi, t->easy);
		transfer_free(t);
	}
	for (transfer *t = f->queue, *next; t; t = next) {
		next = t->next;
		transfer_free(t);
	}
	curl_multi_cleanup(f->multi);
	curl_global_cleanup();
	free(f);
	*fp = NULL;
}
