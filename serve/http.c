/* http.c - libmicrohttpd's side: each request is routed, checked against
 * the limits (method, token, content type, body size) and, once its body
 * is in, answered by answer.c on the worker thread that read it.  One log
 * line per request when it completes; counters for /metrics. */
#include "http.h"
#include "answer.h"
#include "metrics.h"
#include "request.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* Where a request goes. */
typedef struct {
	srv_route route;
	const char *allow;      /* the methods it takes (405's Allow header) */
	int slot;               /* the model, or -1 */
	int no_model;           /* the path names a model that is not served */
	int open;               /* answered without the token */
	char id[SRV_ID_MAX];    /* the model id in the path (for messages) */
} target;

/* One request, from its headers to its completion (MHD's *req_cls). */
typedef struct {
	const srv_config *cfg;
	struct timespec t0;
	target to;
	tagar_buf body;
	size_t received;        /* body bytes, kept or not */
	int over;               /* the body went over max_body */
	int bad_form;           /* the post processor refused the form */
	int timed_out;          /* the body took longer than --timeout: closed */
	int answered;           /* a response is queued */
	struct MHD_PostProcessor *pp;   /* the Annif route's form */
	srv_form form;
	unsigned status;
	size_t bytes;           /* the response body's */
	char method[16], path[256];
} request;

static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* ------------------------------------------------------------- routes */

/* The next path segment of *p (after its '/'): its start and length. */
static int segment(const char **p, const char **s, size_t *n)
{
	if (**p != '/' || !(*p)[1] || (*p)[1] == '/')
		return 0;
	*s = *p + 1;
	*n = strcspn(*s, "/");
	*p = *s + *n;
	return 1;
}

static void model_route(const srv_models *ms, const char *rest, int annif, target *t)
{
	const char *id, *action;
	size_t n, an;
	if (!segment(&rest, &id, &n)) {  /* the collection */
		*t = (target){annif ? R_PROJECTS : R_MODELS, "GET, HEAD", -1, 0, 0, ""};
		return;
	}
	t->slot = srv_models_find(ms, id, n);
	t->no_model = t->slot < 0;
	snprintf(t->id, sizeof t->id, "%.*s", (int)n, id);
	if (!*rest) {
		t->route = annif ? R_PROJECTS : R_MODEL;
		t->allow = "GET, HEAD";
	} else if (segment(&rest, &action, &an) && !*rest && an == 7 && !memcmp(action, "suggest", 7)) {
		t->route = annif ? R_ANNIF : R_SUGGEST;
		t->allow = "POST";
	} else if (!annif && !*rest && an == 13 && !memcmp(action, "suggest-batch", 13)) {
		t->route = R_BATCH;
		t->allow = "POST";
	} else {
		*t = (target){R_OTHER, NULL, -1, 0, 1, ""};
	}
}

static target route(const srv_models *ms, const char *url)
{
	target t = {R_OTHER, NULL, -1, 0, 1, ""};
	if (!strcmp(url, "/"))
		t = (target){R_PAGE, "GET, HEAD", -1, 0, 1, ""};
	else if (!strcmp(url, "/health"))
		t = (target){R_HEALTH, "GET, HEAD", -1, 0, 1, ""};
	else if (!strcmp(url, "/metrics"))
		t = (target){R_METRICS, "GET, HEAD", -1, 0, 0, ""};
	else if (!strncmp(url, "/v1/models", 10) && (!url[10] || url[10] == '/'))
		model_route(ms, url + 10, 0, &t);
	else if (!strncmp(url, "/v1/projects", 12) && (!url[12] || url[12] == '/'))
		model_route(ms, url + 12, 1, &t);
	return t;
}

/* ---------------------------------------------------------- responses */

static int queue(struct MHD_Connection *con, request *r, unsigned status, const char *type, char *body, size_t n,
		 enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *res = MHD_create_response_from_buffer(n, body, mode);
	if (!res) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED && r->to.allow)
		MHD_add_response_header(res, MHD_HTTP_HEADER_ALLOW, r->to.allow);
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(res, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	enum MHD_Result ok = MHD_queue_response(con, status, res);
	MHD_destroy_response(res);
	r->answered = 1;
	r->status = status;
	r->bytes = n;
	return ok;
}

/* What a FILE wrote into memory (open_memstream), as the response. */
static int queue_stream(struct MHD_Connection *con, request *r, unsigned status, const char *type, FILE *f,
			char **buf, size_t *n)
{
	if (fclose(f) != 0) {
		free(*buf);
		return MHD_NO;
	}
	return queue(con, r, status, type, *buf, *n, MHD_RESPMEM_MUST_FREE);
}

static int queue_error(struct MHD_Connection *con, request *r, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int queue_error(struct MHD_Connection *con, request *r, unsigned status, const char *fmt, ...)
{
	char msg[600], *buf = NULL;
	size_t n = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		return MHD_NO;
	srv_error_body(f, msg);
	return queue_stream(con, r, status, "application/json", f, &buf, &n);
}

/* ------------------------------------------------------------ checks */

/* The media type of the request's body, without parameters, is want. */
static int content_type_is(struct MHD_Connection *con, const char *want)
{
	const char *ct = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen(want);
	if (!ct)
		return 0;
	ct += strspn(ct, " \t");
	return !strncasecmp(ct, want, n) && (!ct[n] || strchr("; \t", ct[n]));
}

/* Constant time in the token's bytes: a wrong guess says nothing about
 * how much of it was right. */
static int token_ok(const srv_config *cfg, struct MHD_Connection *con)
{
	const char *a = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!a || strncasecmp(a, "Bearer ", 7))
		return 0;
	a += 7;
	size_t n = strlen(cfg->token), m = strlen(a);
	unsigned diff = n != m;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)cfg->token[i] ^ (unsigned char)(i < m ? a[i] : 0);
	return !diff;
}

static int body_too_big(const srv_config *cfg, struct MHD_Connection *con)
{
	const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	double d;
	return cl && !tagar_parse_double(cl, &d) && d > (double)cfg->max_body;
}

static enum MHD_Result form_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
				  const char *type, const char *enc, const char *data, uint64_t off, size_t size)
{
	(void)kind, (void)filename, (void)type, (void)enc;
	request *r = cls;
	return srv_form_add(&r->form, key, data, off, size, r->cfg->max_bytes) ? MHD_NO : MHD_YES;
}

/* What begin() decides besides an answer queued (an MHD result). */
enum { ANSWER_NOW = -1, READ_BODY = -2 };

/* The content types each POST route takes; the Annif route's form is read
 * by libmicrohttpd's post processor (URL-encoded or multipart). */
static int accept_body(struct MHD_Connection *con, request *r)
{
	if (r->to.route == R_SUGGEST)
		return content_type_is(con, "application/json") || content_type_is(con, "text/plain") ?
			       READ_BODY : queue_error(con, r, 415, "Content-Type must be application/json or text/plain");
	if (r->to.route == R_BATCH)
		return content_type_is(con, "application/json") ?
			       READ_BODY : queue_error(con, r, 415, "Content-Type must be application/json");
	r->pp = MHD_create_post_processor(con, 8192, form_field, r);
	return r->pp ? READ_BODY : queue_error(con, r, 415, "Content-Type must be application/x-www-form-urlencoded "
						      "or multipart/form-data, with a field \"text\"");
}

/* The checks made as soon as the headers are in: an error answered at
 * once (the body is never read; the MHD result is returned), ANSWER_NOW
 * for a GET, or READ_BODY. */
static int begin(const srv_config *cfg, struct MHD_Connection *con, request *r)
{
	int get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
	if (r->to.route == R_OTHER)
		return queue_error(con, r, 404, "no such route: %s %.200s", r->method, r->path);
	if (cfg->token && !r->to.open && !token_ok(cfg, con))
		return queue_error(con, r, 401, "this server needs Authorization: Bearer TOKEN");
	if (!strcmp(r->to.allow, "POST") ? strcmp(r->method, "POST") != 0 : !get)
		return queue_error(con, r, 405, "%s takes %s, not %s", r->path, r->to.allow, r->method);
	if (r->to.no_model)
		return queue_error(con, r, 404, "no model '%s' is served (GET /v1/models lists them)", r->to.id);
	if (get)
		return ANSWER_NOW;
	if (body_too_big(cfg, con))
		return queue_error(con, r, 413, "request body over the limit of %zu bytes (--max-body)", cfg->max_body);
	return accept_body(con, r);
}

/* ------------------------------------------------------------ answers */

typedef struct {
	srv_params *p;
	char *why;
	size_t why_n;
	int bad;
} args;

static enum MHD_Result take_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	args *a = cls;
	if (!a->bad && srv_param(a->p, key, value, a->why, a->why_n))
		a->bad = 1;
	return a->bad ? MHD_NO : MHD_YES;
}

static int answer_get(const srv_config *cfg, struct MHD_Connection *con, request *r)
{
	if (r->to.route == R_PAGE)
		return queue(con, r, 200, "text/html; charset=utf-8", (char *)srv_page, srv_page_len,
			     MHD_RESPMEM_PERSISTENT);
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		return MHD_NO;
	const char *type = "application/json";
	if (r->to.route == R_HEALTH) {
		fprintf(f, "{\"status\": \"ok\", \"version\": \"%s\", \"models\": %d}\n", TAGAR_VERSION,
			srv_models_count(cfg->models));
	} else if (r->to.route == R_METRICS) {
		type = "text/plain; version=0.0.4; charset=utf-8";
		srv_metrics_write(f, cfg->models);
	} else if (r->to.route == R_PROJECTS) {
		srv_answer_projects(f, cfg->models, r->to.slot);
	} else {
		srv_answer_models(f, cfg->models, r->to.slot);
	}
	return queue_stream(con, r, 200, type, f, &buf, &n);
}

/* The body is in: decoded, tagged, answered. */
static int answer_post(const srv_config *cfg, struct MHD_Connection *con, request *r)
{
	char why[600], *buf = NULL;
	size_t n = 0;
	srv_params p;
	srv_doc d = {0};
	srv_batch b = {0};
	args a = {&p, why, sizeof why, 0};
	int rc = 0;
	srv_params_default(&p);
	if (r->to.route == R_ANNIF) {
		rc = srv_form_finish(&r->form, cfg->max_bytes, &d, &p, why, sizeof why);
	} else {
		MHD_get_connection_values(con, MHD_GET_ARGUMENT_KIND, take_arg, &a);
		const char *body = r->body.p ? r->body.p : "";
		if (a.bad)
			rc = -1;
		else if (r->to.route == R_BATCH)
			rc = srv_decode_batch(body, r->body.len, cfg->max_batch, cfg->max_bytes, &b, why, sizeof why);
		else if (content_type_is(con, "application/json"))
			rc = srv_decode_json(body, r->body.len, cfg->max_bytes, &d, why, sizeof why);
		else
			rc = srv_decode_text(body, r->body.len, cfg->max_bytes, &d, why, sizeof why);
	}
	if (rc)
		return queue_error(con, r, rc == SRV_TOO_BIG ? 413 : 400, "%s", why);
	FILE *f = open_memstream(&buf, &n);
	if (!f) {
		srv_doc_clear(&d);
		srv_batch_free(&b);
		return MHD_NO;
	}
	unsigned status = r->to.route == R_BATCH ? srv_answer_batch(f, cfg->models, r->to.slot, &b, &p)
			  : r->to.route == R_ANNIF ? srv_answer_annif(f, cfg->models, r->to.slot, &d, &p)
						   : srv_answer_suggest(f, cfg->models, r->to.slot, &d, &p);
	srv_doc_clear(&d);
	srv_batch_free(&b);
	return queue_stream(con, r, status, "application/json", f, &buf, &n);
}

/* A piece of the body: kept up to max_body (the post processor reads the
 * Annif form as it comes); past it, dropped, and 413 answered at its end. */
static void take_body(const srv_config *cfg, request *r, const char *data, size_t size)
{
	r->received += size;
	if (r->over || r->received > cfg->max_body) {
		r->over = 1;
		tagar_buf_free(&r->body);
		return;
	}
	if (r->pp) {
		if (!r->bad_form && MHD_post_process(r->pp, data, size) != MHD_YES)
			r->bad_form = 1;
		return;
	}
	if (tagar_buf_append(&r->body, data, size))
		r->over = 1;  /* no memory for it: as if too big */
}

static request *request_new(const srv_config *cfg, const char *url, const char *method)
{
	request *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	snprintf(r->method, sizeof r->method, "%s", method);
	snprintf(r->path, sizeof r->path, "%s", url);
	r->cfg = cfg;
	r->to = route(cfg->models, url);
	srv_metrics_in_flight(1);
	return r;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *con, const char *url, const char *method,
			      const char *version, const char *data, size_t *size, void **req_cls)
{
	(void)version;
	const srv_config *cfg = cls;
	request *r = *req_cls;
	if (!r) {
		if (!(r = *req_cls = request_new(cfg, url, method)))
			return MHD_NO;
		int rc = begin(cfg, con, r);
		return rc == ANSWER_NOW ? answer_get(cfg, con, r) : rc == READ_BODY ? MHD_YES : rc;
	}
	if (*size) {
		/* libmicrohttpd's timeout is on idleness: a body trickled in byte
		 * by byte would hold a connection for ever, so the whole body has
		 * --timeout seconds too, and past them the connection is closed */
		if (since(&r->t0) > cfg->timeout) {
			r->timed_out = 1;
			return MHD_NO;
		}
		if (!r->answered)
			take_body(cfg, r, data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (r->answered)
		return MHD_YES;
	if (r->over)
		return queue_error(con, r, 413, "request body over the limit of %zu bytes (--max-body)", cfg->max_body);
	/* the post processor hands over the last field when it is destroyed */
	if (r->pp && MHD_destroy_post_processor(r->pp) != MHD_YES)
		r->bad_form = 1;
	r->pp = NULL;
	if (r->bad_form)
		return queue_error(con, r, 400, "malformed form body");
	return answer_post(cfg, con, r);
}

/* ---------------------------------------------------------------- log */

/* {"time", "method", "path", "status", "bytes", "us"}: one line, one write. */
static void log_request(int fd, const request *r, double seconds)
{
	char line[1024], when[32];
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", gmtime_r(&now.tv_sec, &tm));
	FILE *f = fmemopen(line, sizeof line, "w");
	if (!f)
		return;
	fprintf(f, "{\"time\": \"%s.%03ldZ\", \"method\": ", when, now.tv_nsec / 1000000);
	tagar_json_string(f, r->method, strlen(r->method));
	fputs(", \"path\": ", f);
	tagar_json_string(f, r->path, strlen(r->path));
	fprintf(f, ", \"status\": %u, \"bytes\": %zu, \"us\": %.0f%s}\n", r->status, r->bytes, seconds * 1e6,
		r->timed_out ? ", \"closed\": \"body over --timeout\"" : "");
	long n = ftell(f);
	fclose(f);
	if (n > 0 && n < (long)sizeof line && write(fd, line, (size_t)n) < 0)
		return;  /* a log that cannot be written is not the client's problem */
}

static void completed(void *cls, struct MHD_Connection *con, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	(void)con, (void)toe;
	const srv_config *cfg = cls;
	request *r = *req_cls;
	if (!r)
		return;
	double s = since(&r->t0);
	srv_metrics_request(r->to.route, r->status, s);
	if (cfg->log_fd >= 0)
		log_request(cfg->log_fd, r, s);
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	srv_form_free(&r->form);
	tagar_buf_free(&r->body);
	free(r);
	*req_cls = NULL;
	srv_metrics_in_flight(-1);
}

/* ------------------------------------------------------------- daemon */

struct MHD_Daemon *srv_http_start(const srv_config *cfg, const struct sockaddr *addr)
{
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (addr->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(flags, 0, NULL, NULL, handle, (void *)cfg,
				MHD_OPTION_SOCK_ADDR, addr,
				MHD_OPTION_THREAD_POOL_SIZE, cfg->threads > 1 ? cfg->threads : 0,
				MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
				MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 << 10),
				MHD_OPTION_NOTIFY_COMPLETED, completed, (void *)cfg,
				MHD_OPTION_END);
}

unsigned srv_http_port(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : 0;
}

void srv_http_stop(struct MHD_Daemon *d, int grace_ms)
{
	MHD_quiesce_daemon(d);
	for (int t = 0; t < grace_ms && srv_metrics_in_flight_now() > 0; t += 10)
		usleep(10000);
	MHD_stop_daemon(d);
}
