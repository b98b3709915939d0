/* server: `khet serve` — libmicrohttpd with a worker thread pool, the route
 * table, request limits, CSRF, access log, /healthz and /metrics, static
 * assets, and graceful shutdown on SIGTERM/SIGINT (in-flight requests
 * finish). */
#ifndef KHET_SERVER_H
#define KHET_SERVER_H

#include <stdbool.h>

#include "core/err.h"
#include "core/http.h"

struct server_config {
	const char *listen;        /* "HOST:PORT" or "PORT" */
	const char *db_url;
	const char *db_read_url;   /* a read replica for ROUTE_MAY_LAG pages, or NULL */
	const char *data_dir;
	const char *base_url;
	const char *static_dir;    /* built assets (static/dist) */
	const char *templates_dir; /* NULL: the templates compiled in */
	int workers;
	bool dev;
	bool trust_proxy;          /* take the client address from X-Forwarded-For */
	bool share_port;           /* let other processes listen on the same port (SO_REUSEPORT) */
	long long max_body;        /* bytes */
	bool test_routes;          /* the /_test/ routes for the HTTP tests of the core */
	const char *metrics_token; /* /metrics for "Authorization: Bearer <token>"; NULL: loopback clients only */
	int max_conn_per_ip;       /* open connections from one client address; 0: no limit */
	int header_timeout;        /* seconds a request's headers may take to arrive whole */
	int max_conns;             /* connections open at once (near it the oldest incomplete are shed) */
	int body_timeout;          /* seconds a body may fall behind body_min_rate */
	long long body_min_rate;   /* bytes a second a body must keep up after body_timeout */
	long long min_free_mb;     /* /healthz and /metrics warn below this much free space in data_dir */
};

/* Adds a module's routes; call before server_run. */
void server_add_routes(const struct route_table *t);
/* Serves until SIGTERM or SIGINT; returns 0 after a clean shutdown, or -1
 * with e filled when the server could not start. */
int server_run(const struct server_config *c, struct err *e);

/* Limits (bytes). */
#define HTTP_URL_MAX 4096
/* Strict-Transport-Security sent when the base URL is https: a year, as
 * browsers' preload rules expect at least; no includeSubDomains, since
 * other hosts of an office's domain may still be plain http. */
#define HTTP_HSTS "max-age=31536000"
#define HTTP_HEADERS_MAX 16384
#define HTTP_BODY_MAX_DEFAULT (64LL * 1024 * 1024)
/* Slow clients: seconds a request's headers may take, and connections one
 * client address may hold (without --trust-proxy; behind nginx every
 * connection comes from the proxy, which limits clients itself). */
#define HTTP_HEADER_TIMEOUT_DEFAULT 15
#define HTTP_CONN_PER_IP_DEFAULT 128
/* Connections open at once; seconds a body may lag, and the pace
 * (bytes a second) it must keep after that. */
#define HTTP_MAX_CONNS_DEFAULT 4096
#define HTTP_BODY_TIMEOUT_DEFAULT 30
#define HTTP_BODY_MIN_RATE_DEFAULT (4LL * 1024)

#endif
