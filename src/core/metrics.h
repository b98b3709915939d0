/* metrics: request counters by route and status and a latency histogram,
 * written in the Prometheus text format for /metrics. Counting is lock-free
 * (relaxed atomics) so it costs nothing measurable per request. */
#ifndef KHET_METRICS_H
#define KHET_METRICS_H

#include "core/buf.h"

void metrics_init(int nroutes);
void metrics_free(void);
/* route is an index into the router (or -1 with label naming the built-in:
 * static, healthz, metrics, unmatched — counted per request method).
 * db_ns, db_calls: the request's time in database calls and the statements
 * it sent (khet_route_db_statements_total). */
void metrics_observe(int route, const char *label, const char *method, int status, long long dur_ns,
		     long long db_ns, long long db_calls);
void metrics_write(struct buf *out, long inflight);

#endif
