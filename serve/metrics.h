/* metrics.h - what GET /metrics reports, in Prometheus' text format:
 * requests by route and status (errors: status 400 and above), a latency
 * histogram per route, requests in flight, and model reloads.  Counters
 * are atomics, so every worker thread counts without a lock. */
#ifndef TAGAR_SERVE_METRICS_H
#define TAGAR_SERVE_METRICS_H

#include "models.h"

#include <stdio.h>

/* The routes, as metrics and logs name them. */
typedef enum {
	R_PAGE, R_HEALTH, R_METRICS, R_MODELS, R_MODEL, R_SUGGEST, R_BATCH, R_ANNIF, R_PROJECTS, R_OTHER, R_COUNT
} srv_route;

const char *srv_route_name(srv_route r);

/* One request answered: its route, HTTP status and time taken. */
void srv_metrics_request(srv_route r, unsigned status, double seconds);
void srv_metrics_in_flight(int delta);
/* Requests begun and not yet completed. */
long srv_metrics_in_flight_now(void);
void srv_metrics_reload(int ok);
/* Everything, with the articles each of ms's models tagged. */
void srv_metrics_write(FILE *out, const srv_models *ms);

#endif
