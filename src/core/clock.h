/* clock: what time it is for a request. Rules that depend on the clock (a
 * census round's confirm window, a transfer request left unanswered for 7
 * days) must be walked by tests without touching the machine's clock or
 * restarting the server, so a request may carry its own "now" — the
 * X-Khet-Test-Now header, UTC seconds — and the server may be started with
 * KHET_TEST_NOW; both are read only when the server runs with
 * KHET_TEST_ROUTES=1, the switch of the platform's own test routes, so a
 * production server never honours them. (Moved here from src/dmc/clock.c
 * when the personnel module needed the same clock.) */
#ifndef KHET_CLOCK_H
#define KHET_CLOCK_H

#include "core/http.h"

/* UTC seconds now for r (r may be NULL: the environment only). */
long long clock_now(struct req *r);

#endif
