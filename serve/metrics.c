/* metrics.c - request counters and latency histograms (process-wide
 * atomics: one server per process) written in Prometheus' text format. */
#include "metrics.h"

#include <stdatomic.h>

static const char *const ROUTES[R_COUNT] = {
	[R_PAGE] = "page", [R_HEALTH] = "health", [R_METRICS] = "metrics", [R_MODELS] = "models",
	[R_MODEL] = "model", [R_SUGGEST] = "suggest", [R_BATCH] = "suggest_batch", [R_ANNIF] = "annif_suggest",
	[R_PROJECTS] = "annif_projects", [R_OTHER] = "other"};

/* The statuses the server answers with; anything else is counted as 0. */
static const unsigned STATUSES[] = {200, 400, 401, 404, 405, 413, 415, 500, 503, 0};
#define NSTATUS (sizeof STATUSES / sizeof *STATUSES)

/* Upper bounds of the latency buckets, seconds (the last is +Inf). */
static const double BUCKETS[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1};
#define NBUCKET (sizeof BUCKETS / sizeof *BUCKETS)

static atomic_ulong requests[R_COUNT][NSTATUS];
static atomic_ulong latency[R_COUNT][NBUCKET + 1];  /* not cumulative; the last: over every bound */
static atomic_ullong latency_us[R_COUNT];           /* the sum, in microseconds */
static atomic_long in_flight;
static atomic_ulong reloads[2];                     /* failed, ok */

const char *srv_route_name(srv_route r)
{
	return ROUTES[r];
}

void srv_metrics_request(srv_route r, unsigned status, double seconds)
{
	size_t s = 0, b = 0;
	while (STATUSES[s] && STATUSES[s] != status)
		s++;
	while (b < NBUCKET && seconds > BUCKETS[b])
		b++;
	atomic_fetch_add_explicit(&requests[r][s], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&latency[r][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&latency_us[r], (unsigned long long)(seconds * 1e6 + 0.5), memory_order_relaxed);
}

void srv_metrics_in_flight(int delta)
{
	atomic_fetch_add_explicit(&in_flight, delta, memory_order_relaxed);
}

long srv_metrics_in_flight_now(void)
{
	return atomic_load_explicit(&in_flight, memory_order_relaxed);
}

void srv_metrics_reload(int ok)
{
	atomic_fetch_add_explicit(&reloads[!!ok], 1, memory_order_relaxed);
}

static unsigned long get(atomic_ulong *a)
{
	return atomic_load_explicit(a, memory_order_relaxed);
}

static void write_requests(FILE *out, int errors_only)
{
	const char *name = errors_only ? "tagar_http_errors_total" : "tagar_http_requests_total";
	fprintf(out, "# HELP %s HTTP requests answered%s, by route and status.\n# TYPE %s counter\n", name,
		errors_only ? " with status 400 or above" : "", name);
	for (int r = 0; r < R_COUNT; r++)
		for (size_t s = 0; s < NSTATUS; s++) {
			unsigned long n = get(&requests[r][s]);
			if (n && (!errors_only || STATUSES[s] >= 400 || !STATUSES[s]))
				fprintf(out, "%s{route=\"%s\",code=\"%u\"} %lu\n", name, ROUTES[r], STATUSES[s], n);
		}
}

static void write_latency(FILE *out)
{
	const char *name = "tagar_http_request_duration_seconds";
	fprintf(out, "# HELP %s Time from a request's headers to its answer queued.\n# TYPE %s histogram\n", name,
		name);
	for (int r = 0; r < R_COUNT; r++) {
		unsigned long cum = 0;
		for (size_t b = 0; b <= NBUCKET; b++)
			cum += get(&latency[r][b]);
		if (!cum)
			continue;
		cum = 0;
		for (size_t b = 0; b < NBUCKET; b++) {
			char le[32];
			tagar_fmt_double(le, sizeof le, BUCKETS[b], 6);
			cum += get(&latency[r][b]);
			fprintf(out, "%s_bucket{route=\"%s\",le=\"%s\"} %lu\n", name, ROUTES[r], le, cum);
		}
		cum += get(&latency[r][NBUCKET]);
		fprintf(out, "%s_bucket{route=\"%s\",le=\"+Inf\"} %lu\n", name, ROUTES[r], cum);
		unsigned long long us = atomic_load_explicit(&latency_us[r], memory_order_relaxed);
		fprintf(out, "%s_sum{route=\"%s\"} %llu.%06llu\n", name, ROUTES[r], us / 1000000, us % 1000000);
		fprintf(out, "%s_count{route=\"%s\"} %lu\n", name, ROUTES[r], cum);
	}
}

void srv_metrics_write(FILE *out, const srv_models *ms)
{
	write_requests(out, 0);
	write_requests(out, 1);
	write_latency(out);
	fputs("# HELP tagar_http_requests_in_flight Requests begun and not yet answered.\n"
	      "# TYPE tagar_http_requests_in_flight gauge\n", out);
	fprintf(out, "tagar_http_requests_in_flight %ld\n", atomic_load_explicit(&in_flight, memory_order_relaxed));
	fputs("# HELP tagar_articles_tagged_total Articles tagged, by model.\n"
	      "# TYPE tagar_articles_tagged_total counter\n", out);
	for (int i = 0; i < srv_models_count(ms); i++)
		fprintf(out, "tagar_articles_tagged_total{model=\"%s\"} %ld\n", srv_models_id(ms, i),
			srv_models_articles(ms, i));
	fputs("# HELP tagar_model_reloads_total Model files loaded again on SIGHUP, by result.\n"
	      "# TYPE tagar_model_reloads_total counter\n", out);
	fprintf(out, "tagar_model_reloads_total{result=\"ok\"} %lu\n", get(&reloads[1]));
	fprintf(out, "tagar_model_reloads_total{result=\"failed\"} %lu\n", get(&reloads[0]));
}
