/* clock: the request's "now" (see clock.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"

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

long long clock_now(struct req *r)
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
