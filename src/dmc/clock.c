/* clock: what time it is for the census — the request's clock of
 * src/core/clock.h, which tests set per request (X-Khet-Test-Now) to walk
 * a round day minute by minute (08:29 refused, 08:30 allowed). */
#include "core/clock.h"
#include "dmc/dmc_internal.h"

long long dmc_now(struct req *r)
{
	return clock_now(r);
}
