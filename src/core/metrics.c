/* metrics: fixed arrays of atomic counters sized at start (routes × known
 * status codes, plus a few built-in labels), so observing a request never
 * allocates or locks. */
#include "core/alloc.h"
#include "core/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/router.h"

static const int statuses[] = {200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405,
			       408, 409, 413, 414, 415, 422, 429, 431, 499, 500, 503, 0};
#define NSTATUS (sizeof statuses / sizeof statuses[0]) /* last: other */
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NBOUNDS (sizeof bounds / sizeof bounds[0])
static const char *const builtins[] = {"static", "healthz", "metrics", "unmatched"};
#define NLABEL 4
/* Built-in labels are counted per request method (a POST answered 405 is
 * not a GET); a route's row has the route's own method. */
static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"};
#define NMETHOD 8
#define NBUILTIN (NLABEL * NMETHOD)

static int nrows;
static atomic_ullong *counts;  /* nrows × NSTATUS */
static atomic_ullong *buckets; /* nrows × (NBOUNDS + 1) */
static atomic_ullong *sum_us;  /* nrows */
static atomic_ullong *db_us;   /* nrows: time in database calls */
static atomic_ullong *db_calls; /* nrows: statements sent to the database */
static atomic_ullong db_buckets[NBOUNDS + 1]; /* every request's database time */

void metrics_init(int nroutes)
{
	nrows = nroutes + NBUILTIN;
	counts = xcalloc((size_t)nrows * NSTATUS, sizeof *counts);
	buckets = xcalloc((size_t)nrows * (NBOUNDS + 1), sizeof *buckets);
	sum_us = xcalloc((size_t)nrows, sizeof *sum_us);
	db_us = xcalloc((size_t)nrows, sizeof *db_us);
	db_calls = xcalloc((size_t)nrows, sizeof *db_calls);
	for (size_t b = 0; b <= NBOUNDS; b++)
		atomic_store(&db_buckets[b], 0);
}

void metrics_free(void)
{
	free(counts);
	free(buckets);
	free(sum_us);
	free(db_us);
	free(db_calls);
	counts = buckets = sum_us = db_us = db_calls = NULL;
}

static int row_of(int route, const char *label, const char *method)
{
	if (route >= 0)
		return NBUILTIN + route;
	int l = NLABEL - 1, m = NMETHOD - 1;
	for (int i = 0; i < NLABEL; i++)
		if (!strcmp(builtins[i], label))
			l = i;
	for (int i = 0; i < NMETHOD - 1; i++)
		if (method && !strcmp(methods[i], method))
			m = i;
	return l * NMETHOD + m;
}

void metrics_observe(int route, const char *label, const char *method, int status, long long dur_ns,
		     long long db_ns, long long calls)
{
	if (!counts)
		return;
	int row = row_of(route, label, method);
	if (row >= nrows)
		return;
	size_t s = 0;
	while (statuses[s] && statuses[s] != status)
		s++;
	atomic_fetch_add_explicit(&counts[(size_t)row * NSTATUS + s], 1, memory_order_relaxed);
	double secs = (double)dur_ns / 1e9;
	size_t b = 0;
	while (b < NBOUNDS && secs > bounds[b])
		b++;
	atomic_fetch_add_explicit(&buckets[(size_t)row * (NBOUNDS + 1) + b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&sum_us[row], (unsigned long long)(dur_ns / 1000), memory_order_relaxed);
	if (db_ns < 0)
		db_ns = 0;
	atomic_fetch_add_explicit(&db_us[row], (unsigned long long)(db_ns / 1000), memory_order_relaxed);
	if (calls > 0)
		atomic_fetch_add_explicit(&db_calls[row], (unsigned long long)calls, memory_order_relaxed);
	double dsecs = (double)db_ns / 1e9;
	size_t db = 0;
	while (db < NBOUNDS && dsecs > bounds[db])
		db++;
	atomic_fetch_add_explicit(&db_buckets[db], 1, memory_order_relaxed);
}

static const char *row_label(int row)
{
	if (row < NBUILTIN)
		return builtins[row / NMETHOD];
	const struct route *r = router_route(row - NBUILTIN);
	return r->name ? r->name : r->pattern;
}

static const char *row_method(int row)
{
	return row < NBUILTIN ? methods[row % NMETHOD] : router_route(row - NBUILTIN)->method;
}

void metrics_write(struct buf *out, long inflight)
{
	buf_adds(out, "# HELP khet_requests_total HTTP requests by route and status.\n"
		      "# TYPE khet_requests_total counter\n");
	for (int row = 0; row < nrows; row++)
		for (size_t s = 0; s < NSTATUS; s++) {
			unsigned long long n = atomic_load_explicit(&counts[(size_t)row * NSTATUS + s], memory_order_relaxed);
			if (!n)
				continue;
			buf_addf(out, "khet_requests_total{method=\"%s\",route=\"%s\",status=\"", row_method(row), row_label(row));
			if (statuses[s])
				buf_addf(out, "%d", statuses[s]);
			else
				buf_adds(out, "other");
			buf_addf(out, "\"} %llu\n", n);
		}
	buf_adds(out, "# HELP khet_request_duration_seconds Time from request headers to the end of the answer.\n"
		      "# TYPE khet_request_duration_seconds histogram\n");
	for (int row = 0; row < nrows; row++) {
		unsigned long long cum = 0;
		unsigned long long per[NBOUNDS + 1];
		for (size_t b = 0; b <= NBOUNDS; b++) {
			per[b] = atomic_load_explicit(&buckets[(size_t)row * (NBOUNDS + 1) + b], memory_order_relaxed);
			cum += per[b];
		}
		if (!cum)
			continue;
		const char *l = row_label(row), *m = row_method(row);
		unsigned long long run = 0;
		for (size_t b = 0; b < NBOUNDS; b++) {
			run += per[b];
			buf_addf(out, "khet_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n", m, l,
				 bounds[b], run);
		}
		buf_addf(out, "khet_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n", m, l, cum);
		buf_addf(out, "khet_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n", m, l,
			 (double)atomic_load(&sum_us[row]) / 1e6);
		buf_addf(out, "khet_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n", m, l, cum);
	}
	buf_adds(out, "# HELP khet_request_db_seconds Time a request spent in database calls.\n"
		      "# TYPE khet_request_db_seconds histogram\n");
	unsigned long long run = 0;
	for (size_t b = 0; b < NBOUNDS; b++) {
		run += atomic_load_explicit(&db_buckets[b], memory_order_relaxed);
		buf_addf(out, "khet_request_db_seconds_bucket{le=\"%g\"} %llu\n", bounds[b], run);
	}
	run += atomic_load_explicit(&db_buckets[NBOUNDS], memory_order_relaxed);
	buf_addf(out, "khet_request_db_seconds_bucket{le=\"+Inf\"} %llu\n", run);
	unsigned long long dbsum = 0;
	for (int row = 0; row < nrows; row++)
		dbsum += atomic_load_explicit(&db_us[row], memory_order_relaxed);
	buf_addf(out, "khet_request_db_seconds_sum %.6f\nkhet_request_db_seconds_count %llu\n", (double)dbsum / 1e6, run);
	buf_adds(out, "# HELP khet_route_db_seconds_total Time in database calls by route (divide by the route's "
		      "khet_request_duration_seconds_count for the mean per request).\n"
		      "# TYPE khet_route_db_seconds_total counter\n");
	for (int row = 0; row < nrows; row++) {
		unsigned long long us = atomic_load_explicit(&db_us[row], memory_order_relaxed);
		if (us)
			buf_addf(out, "khet_route_db_seconds_total{method=\"%s\",route=\"%s\"} %.6f\n", row_method(row),
				 row_label(row), (double)us / 1e6);
	}
	buf_adds(out, "# HELP khet_route_db_statements_total Statements sent to the database by route (each one "
		      "a round trip on PostgreSQL; divide by the route's khet_request_duration_seconds_count for the "
		      "mean per request).\n"
		      "# TYPE khet_route_db_statements_total counter\n");
	for (int row = 0; row < nrows; row++) {
		unsigned long long n = atomic_load_explicit(&db_calls[row], memory_order_relaxed);
		if (n)
			buf_addf(out, "khet_route_db_statements_total{method=\"%s\",route=\"%s\"} %llu\n", row_method(row),
				 row_label(row), n);
	}
	buf_addf(out, "# HELP khet_requests_in_flight Requests being processed.\n# TYPE khet_requests_in_flight gauge\n"
		      "khet_requests_in_flight %ld\n", inflight);
}
