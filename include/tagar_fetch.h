/*
 * tagar_fetch.h - feeds fetched over HTTP(S) and file:// with libcurl,
 * several at once (curl multi).  Part of libtagar's public interface
 * beside tagar.h, whose conventions hold here too.
 *
 * Process-wide: tagar_fetcher_new calls curl_global_init and
 * tagar_fetcher_free curl_global_cleanup, which are not thread-safe: make
 * and free fetchers before starting threads or after joining them, on one
 * thread.  Transfers do not use signals (CURLOPT_NOSIGNAL).
 */
#ifndef TAGAR_FETCH_H
#define TAGAR_FETCH_H

#include "tagar.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	int parallel;              /* transfers at once; 0: 8 */
	long connect_timeout_ms;   /* 0: 10 s */
	long timeout_ms;           /* the whole transfer; 0: 60 s */
	size_t max_bytes;          /* the largest body (after decompression); 0: 16 MiB */
	long max_redirects;        /* 0: 5; < 0: none followed */
	const char *user_agent;    /* NULL: "tagar/" TAGAR_VERSION */
} tagar_fetch_opts;

/* One finished transfer, handed to the caller's function. */
typedef struct {
	const char *url;           /* as added */
	void *ud;                  /* as added */
	long status;               /* the last response's HTTP status; 0 for file:// or none */
	int not_modified;          /* 304: the validators matched, no body */
	char *body;                /* NUL-terminated, len bytes; the function may take it
				    * (set body to NULL; free() it), else it is freed */
	size_t len;
	const char *etag;          /* the response's validators, NULL when it gave none */
	const char *last_modified;
	const char *error;         /* NULL: fetched (or not modified); else why not: curl's
				    * reason, "HTTP 500", "body over the limit of N bytes" */
	double seconds;            /* the transfer's total time */
} tagar_fetched;

typedef void (*tagar_fetched_fn)(tagar_fetched *r, void *ud);

typedef struct tagar_fetcher tagar_fetcher;

/* NULL with err filled when curl cannot be set up. */
tagar_fetcher *tagar_fetcher_new(const tagar_fetch_opts *o, tagar_err *err);
/* Queues url (http://, https://, file://, or a local path, which becomes a
 * file:// URL) with the validators of its last fetch (NULL: none): sent as
 * If-None-Match and If-Modified-Since.  ud is handed back.  0 or
 * TAGAR_ENOMEM. */
int tagar_fetcher_add(tagar_fetcher *f, const char *url, const char *etag, const char *last_modified, void *ud);
/* Runs the transfers for up to wait_ms (less when one finishes or
 * tagar_fetcher_wakeup is called), calling fn for each finished one.
 * Returns how many are still queued or running (0: all done), or
 * TAGAR_EIO when curl fails as a whole. */
int tagar_fetcher_run(tagar_fetcher *f, int wait_ms, tagar_fetched_fn fn, void *ud);
/* Ends a tagar_fetcher_run wait early; safe from any thread. */
void tagar_fetcher_wakeup(tagar_fetcher *f);
/* Stops every transfer still queued or running (no callbacks) and frees. */
void tagar_fetcher_free(tagar_fetcher **f);

/* A local path as a file:// URL (absolute, percent-encoded); malloc'ed,
 * NULL with errno set when the path cannot be resolved. */
char *tagar_file_url(const char *path);
/* Whether s starts with a URL scheme ("http:", "file:", ...). */
int tagar_has_scheme(const char *s);

#ifdef __cplusplus
}
#endif

#endif
