/* clock: what time it is for the census. The confirm window of a round day
 * is the one rule here that depends on the clock, and tests must walk it
 * minute by minute (08:29 refused, 08:30 allowed) without touching the
 * machine's clock or restarting the server. So a request may carry its own
 * "now" — the X-Khet-Test-Now header, UTC seconds — and the server may be
 * started with KHET_TEST_NOW, but both are read only when the server runs
 * with KHET_TEST_ROUTES=1, the switch the platform's own test routes use;
 * a production server never honours them. Only this module needs such a
 * clock today; if another does, it belongs in src/core. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/http.h"
#include "dmc/dmc_internal.h"

static int parse_seconds(const char *s, long long *out)
{
	if (!s || !*s)
		return -1;
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (*end || v <= 0)
		return -1;
	*out = v;
	return 0;
}

long long dmc_now(struct req *r)
{
	const char *test = getenv("KHET_TEST_ROUTES");
	if (test && !strcmp(test, "1")) {
		long long t;
		if (r && parse_seconds(req_header(r, "X-Khet-Test-Now"), &t) == 0)
			return t;
		if (parse_seconds(getenv("KHET_TEST_NOW"), &t) == 0)
			return t;
	}
	return (long long)time(NULL);
}
