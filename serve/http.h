/* http.h - tagar-serve's HTTP side on libmicrohttpd: routes, limits,
 * answers, the request log.  No HTTP is parsed here: libmicrohttpd reads
 * requests (and form bodies), request.c decodes what they carry. */
#ifndef TAGAR_SERVE_HTTP_H
#define TAGAR_SERVE_HTTP_H

#include "models.h"

#include <stddef.h>
#include <sys/socket.h>

typedef struct {
	srv_models *models;
	size_t max_body;        /* longest request body; more is 413 */
	size_t max_bytes;       /* longest article (title and text) */
	int max_batch;          /* most documents in one suggest-batch */
	const char *token;      /* NULL, or what Authorization: Bearer must carry */
	int log_fd;             /* where the request log goes; -1: nowhere */
	unsigned threads;       /* worker threads */
	unsigned max_connections;
	unsigned timeout;       /* seconds a connection may stay idle */
} srv_config;

struct MHD_Daemon;

/* Starts listening on addr; the worker threads take requests at once.
 * NULL on failure (libmicrohttpd says why on stderr).  cfg must outlive
 * the daemon. */
struct MHD_Daemon *srv_http_start(const srv_config *cfg, const struct sockaddr *addr);
/* The port the daemon listens on (the one chosen for port 0). */
unsigned srv_http_port(struct MHD_Daemon *d);
/* Stops taking connections, waits up to grace_ms for the requests in
 * flight to be answered, then stops the daemon. */
void srv_http_stop(struct MHD_Daemon *d, int grace_ms);

/* The static page (page.c): its bytes, embedded at build time. */
extern const char srv_page[];
extern const size_t srv_page_len;

#endif
