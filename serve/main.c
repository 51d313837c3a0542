/* tagar-serve - tags over HTTP: the suggest API, Annif's alias, a page
 * for editors.  main() reads the options, loads the models, starts the
 * HTTP daemon and then only waits for signals: SIGHUP reloads the models,
 * SIGTERM and SIGINT end the run once the requests in flight are answered. */
#include "http.h"
#include "metrics.h"
#include "models.h"
#include "request.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_USAGE = 2, EXIT_START = 3 };

static const char USAGE[] =
	"Usage: tagar-serve [OPTION]...\n"
	"Tag articles over HTTP: POST /v1/models/ID/suggest (JSON or text), suggest-batch,\n"
	"Annif's /v1/projects/ID/suggest, GET /v1/models, /health, /metrics, and a page\n"
	"for trying tags at /.  SIGHUP reloads the model files; SIGTERM stops after\n"
	"the requests in flight.  One JSON log line per request on standard error.\n"
	"\n"
	"  -l, --listen=ADDR:PORT   where to listen (default 127.0.0.1:8080; port 0: any\n"
	"                           free port, printed at start); an address beyond\n"
	"                           loopback is only ever used when given here\n"
	"  -m, --model=ID=MODEL     serve MODEL as ID (repeatable; MODEL alone: its file\n"
	"                           name is the id).  Default: the default model as\n"
	"                           'default' ($TAGAR_MODEL, else the one installed)\n"
	"  -j, --threads=N          worker threads (default: one per core)\n"
	"      --token-file=FILE    require Authorization: Bearer TOKEN (FILE's first\n"
	"                           line) on /v1/ and /metrics\n"
	"      --max-body=N         longest request body, bytes (default 16777216): 413\n"
	"      --max-bytes=N        longest article (title and text), bytes (default\n"
	"                           1048576): 413, or the document's error in a batch\n"
	"      --max-batch=N        most documents in one suggest-batch (default 1000)\n"
	"      --max-connections=N  connections at once (default 1024)\n"
	"      --timeout=S          seconds a connection may stay idle, and a request's\n"
	"                           body may take to arrive (default 30)\n"
	"      --quiet              no request log lines\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n"
	"\n"
	"Exit status: 0 after SIGTERM or SIGINT, 2 usage error, 3 a model or the\n"
	"address could not be used.\n";

typedef struct {
	const char *listen, *token_file;
	const char *specs[64];
	int nspecs, quiet;
	srv_config cfg;
} options;

enum { O_TOKEN = 256, O_MAXBODY, O_MAXBYTES, O_MAXBATCH, O_MAXCONN, O_TIMEOUT, O_QUIET };

static const struct option LONGOPTS[] = {
	{"listen", 1, 0, 'l'}, {"model", 1, 0, 'm'}, {"threads", 1, 0, 'j'}, {"token-file", 1, 0, O_TOKEN},
	{"max-body", 1, 0, O_MAXBODY}, {"max-bytes", 1, 0, O_MAXBYTES}, {"max-batch", 1, 0, O_MAXBATCH},
	{"max-connections", 1, 0, O_MAXCONN}, {"timeout", 1, 0, O_TIMEOUT}, {"quiet", 0, 0, O_QUIET},
	{"help", 0, 0, 'h'}, {"version", 0, 0, 'V'}, {0, 0, 0, 0}};

/* An integer option from lo to hi, or a usage error naming it. */
static int number(const char *opt, const char *a, double lo, double hi, double *out)
{
	if (tagar_parse_double(a, out) || *out < lo || *out > hi || *out != (double)(long long)*out) {
		fprintf(stderr, "tagar-serve: invalid value '%s' for --%s: an integer from %.0f to %.0f\n", a, opt, lo,
			hi);
		return EXIT_USAGE;
	}
	return 0;
}

static int option(options *o, int c, const char *a)
{
	double d = 0;
	int rc = 0;
	switch (c) {
	case 'l': o->listen = a; return 0;
	case 'm':
		if (o->nspecs == (int)(sizeof o->specs / sizeof *o->specs)) {
			fputs("tagar-serve: too many models\n", stderr);
			return EXIT_USAGE;
		}
		o->specs[o->nspecs++] = a;
		return 0;
	case 'j': rc = number("threads", a, 1, 256, &d); o->cfg.threads = (unsigned)d; return rc;
	case O_TOKEN: o->token_file = a; return 0;
	case O_MAXBODY: rc = number("max-body", a, 1024, 1e12, &d); o->cfg.max_body = (size_t)d; return rc;
	case O_MAXBYTES: rc = number("max-bytes", a, 1024, 1e12, &d); o->cfg.max_bytes = (size_t)d; return rc;
	case O_MAXBATCH: rc = number("max-batch", a, 1, 100000, &d); o->cfg.max_batch = (int)d; return rc;
	case O_MAXCONN: rc = number("max-connections", a, 1, 100000, &d); o->cfg.max_connections = (unsigned)d; return rc;
	case O_TIMEOUT: rc = number("timeout", a, 1, 86400, &d); o->cfg.timeout = (unsigned)d; return rc;
	case O_QUIET: o->quiet = 1; return 0;
	case 'h': fputs(USAGE, stdout); exit(0);
	case 'V': printf("tagar-serve %s\n", TAGAR_VERSION); exit(0);
	default: fputs("Try 'tagar-serve --help'.\n", stderr); return EXIT_USAGE;
	}
}

static int parse_args(options *o, int argc, char **argv)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	o->listen = "127.0.0.1:8080";
	o->cfg = (srv_config){.max_body = 16 << 20, .max_bytes = 1 << 20, .max_batch = SRV_BATCH_MAX,
			      .threads = cores > 0 ? (unsigned)cores : 1, .max_connections = 1024, .timeout = 30,
			      .log_fd = STDERR_FILENO};
	int c, rc;
	while ((c = getopt_long(argc, argv, "l:m:j:hV", LONGOPTS, NULL)) != -1)
		if ((rc = option(o, c, optarg)))
			return rc;
	if (optind < argc) {
		fprintf(stderr, "tagar-serve: unexpected argument '%s'\nTry 'tagar-serve --help'.\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (o->quiet)
		o->cfg.log_fd = -1;
	return 0;
}

/* "HOST:PORT", "[V6]:PORT" or "PORT" (on 127.0.0.1), resolved. */
static struct addrinfo *listen_addr(const char *spec)
{
	char host[256];
	const char *colon = strrchr(spec, ':'), *port = colon ? colon + 1 : spec, *h = spec;
	size_t n = colon ? (size_t)(colon - spec) : 0;
	double p;
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']')  /* [IPv6] */
		h++, n -= 2;
	if (n >= sizeof host || tagar_parse_double(port, &p) || p < 0 || p > 65535 ||
	    strspn(port, "0123456789") != strlen(port)) {
		fprintf(stderr, "tagar-serve: --listen '%s': want ADDR:PORT, PORT from 0 to 65535\n", spec);
		return NULL;
	}
	memcpy(host, h, n);
	host[n] = 0;
	struct addrinfo hints = {.ai_flags = AI_NUMERICSERV, .ai_socktype = SOCK_STREAM}, *ai = NULL;
	int rc = getaddrinfo(n ? host : "127.0.0.1", port, &hints, &ai);
	if (rc) {
		fprintf(stderr, "tagar-serve: --listen '%s': %s\n", spec, gai_strerror(rc));
		return NULL;
	}
	return ai;
}

/* The token: the file's first line, without its line end. */
static char *read_token(const char *path)
{
	size_t n;
	char *t = tagar_read_file(path, &n);
	if (!t) {
		fprintf(stderr, "tagar-serve: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	t[strcspn(t, "\r\n")] = 0;
	if (!*t) {
		fprintf(stderr, "tagar-serve: %s: the token file's first line is empty\n", path);
		free(t);
		return NULL;
	}
	return t;
}

static srv_models *load_models(const options *o)
{
	srv_models *ms = srv_models_new();
	char buf[PATH_MAX + 64], id[SRV_ID_MAX];
	const char *path;
	if (!ms)
		return NULL;
	if (!o->nspecs && srv_models_add(ms, "default", tagar_default_model(buf, sizeof buf), stderr))
		srv_models_free(&ms);
	for (int i = 0; ms && i < o->nspecs; i++)
		if (srv_model_spec(o->specs[i], id, sizeof id, &path, stderr) || srv_models_add(ms, id, path, stderr))
			srv_models_free(&ms);
	return ms;
}

/* Until SIGTERM or SIGINT: SIGHUP reloads. */
static void wait_signals(const sigset_t *set, srv_models *ms)
{
	for (;;) {
		int sig = 0;
		if (sigwait(set, &sig))
			continue;
		if (sig != SIGHUP) {
			fprintf(stderr, "tagar-serve: %s: finishing the requests in flight\n", strsignal(sig));
			return;
		}
		int failed = srv_models_reload(ms, stderr);
		srv_metrics_reload(!failed);
	}
}

static int serve(options *o, const struct addrinfo *ai)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	/* blocked before the daemon's threads start, which inherit the mask:
	 * only sigwait() below takes these signals */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	struct MHD_Daemon *d = srv_http_start(&o->cfg, ai->ai_addr);
	if (!d) {
		fprintf(stderr, "tagar-serve: cannot listen on %s\n", o->listen);
		return EXIT_START;
	}
	char host[NI_MAXHOST] = "?";
	getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST);
	fprintf(stderr, "tagar-serve: listening on %s%s%s:%u, %d model(s), %u thread(s)\n",
		ai->ai_family == AF_INET6 ? "[" : "", host, ai->ai_family == AF_INET6 ? "]" : "", srv_http_port(d),
		srv_models_count(o->cfg.models), o->cfg.threads);
	wait_signals(&set, o->cfg.models);
	srv_http_stop(d, 30000);
	fputs("tagar-serve: stopped\n", stderr);
	return 0;
}

int main(int argc, char **argv)
{
	argv[0] = "tagar-serve";  /* getopt's messages start with argv[0] */
	signal(SIGPIPE, SIG_IGN);  /* a client gone is a write error, not the end */
	options o = {0};
	int rc = parse_args(&o, argc, argv);
	if (rc)
		return rc;
	struct addrinfo *ai = listen_addr(o.listen);
	char *token = NULL;
	if (!ai || (o.token_file && !(token = read_token(o.token_file)))) {
		freeaddrinfo(ai);
		return EXIT_START;
	}
	o.cfg.token = token;
	if (!(o.cfg.models = load_models(&o)))
		rc = EXIT_START;
	else
		rc = serve(&o, ai);
	srv_models_free(&o.cfg.models);
	freeaddrinfo(ai);
	free(token);
	return rc;
}
