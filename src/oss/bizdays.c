/* bizdays: how long a request has waited, in business days (OSS-7). The
 * area promises to finish a request within 3–5 business days; officers see
 * each open request's wait and the ones past OSS_PROMISE_DAYS are flagged.
 * A business day is Monday to Friday and not a public holiday the area
 * admin entered (oss_holidays); days are Bangkok calendar days.
 *
 * The clock starts on the day a request is received: the day it arrived
 * when that is a business day, else the next business day (a request sent
 * on Saturday is received on Monday). Its wait is the number of business
 * days after that day up to and including today, so on the day it arrives
 * it has waited 0 days, and it is overdue once the wait exceeds the
 * promise. The wait counts from the time the request last came to the
 * officers (queued_at: submission, or the applicant's resubmission after a
 * return); a returned request waits on the applicant, not the officers.
 *
 * Both functions are pure and take the holidays as a sorted array of day
 * numbers, so a list page loads the area's holidays once and computes
 * every row's wait in memory: whole weeks are counted by arithmetic and
 * holidays by binary search, never by walking day by day. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/thai.h"
#include "oss/oss.h"

#define BANGKOK_OFFSET (7 * 3600)

static long long floor_div(long long a, long long b)
{
	long long q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

long long oss_day_of(long long t)
{
	return floor_div(t + BANGKOK_OFFSET, 86400);
}

long long oss_day_parse(const char *ymd)
{
	int y, m, d;
	if (thai_parse_date(ymd, &y, &m, &d) < 0)
		return -1;
	return oss_day_of(thai_from_local(y, m, d, 0, 0, 0));
}

static int day_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

long long *oss_days_unpack(const char *s, size_t *n)
{
	*n = 0;
	size_t len = s ? strlen(s) : 0;
	long long *days = xmalloc((len / 11 + 1) * sizeof *days);
	bool sorted = true;
	while (s && *s) {
		const char *end = strchr(s, ',');
		size_t k = end ? (size_t)(end - s) : strlen(s);
		char one[11];
		if (k == 10) {
			memcpy(one, s, 10);
			one[10] = 0;
			long long d = oss_day_parse(one);
			if (d >= 0) {
				if (*n && days[*n - 1] >= d)
					sorted = false;
				days[(*n)++] = d;
			}
		}
		s += k + (end != NULL);
	}
	/* written in date order by the triggers: sorted here only if not */
	if (!sorted)
		qsort(days, *n, sizeof *days, day_cmp);
	return days;
}

/* 0 = Monday … 6 = Sunday (1970-01-01, day 0, was a Thursday). */
static int weekday(long long day)
{
	return (int)(day + 3 - floor_div(day + 3, 7) * 7);
}

/* The index of the first holiday >= day. */
static size_t lower_bound(const long long *h, size_t n, long long day)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool oss_business_day(long long day, const long long *holidays, size_t n)
{
	if (weekday(day) >= 5)
		return false;
	size_t i = lower_bound(holidays, n, day);
	return !(i < n && holidays[i] == day);
}

/* Weekdays (Mon–Fri) in [0, day): whole weeks, then the part week. */
static long long weekdays_before(long long day)
{
	/* day 4 (1970-01-05) was a Monday; shift so weeks start on Monday */
	long long x = day - 4;
	long long weeks = floor_div(x, 7);
	long long rest = x - weeks * 7;
	return weeks * 5 + (rest < 5 ? rest : 5);
}

/* Business days in [a, b) (0 when b <= a). */
static long long business_in(long long a, long long b, const long long *h, size_t n)
{
	if (b <= a)
		return 0;
	long long count = weekdays_before(b) - weekdays_before(a);
	/* holidays are few: subtract those in range that fall on weekdays,
	 * each once even if entered twice */
	long long prev = a - 1;
	for (size_t i = lower_bound(h, n, a); i < n && h[i] < b; i++) {
		if (h[i] != prev && weekday(h[i]) < 5)
			count--;
		prev = h[i];
	}
	return count;
}

/* The first business day on or after day (at most a few weeks away even
 * with a long run of holidays; bounded so bad data cannot loop). */
static long long first_business_from(long long day, const long long *h, size_t n)
{
	for (int i = 0; i < 366 && !oss_business_day(day, h, n); i++)
		day++;
	return day;
}

long long oss_business_days_waited(long long since_t, long long now_t, const long long *holidays, size_t n)
{
	if (now_t < since_t)
		return 0;
	long long received = first_business_from(oss_day_of(since_t), holidays, n);
	long long today = oss_day_of(now_t);
	return business_in(received + 1, today + 1, holidays, n);
}

long long oss_overdue_before(long long now_t, int limit, const long long *holidays, size_t n)
{
	/* Counting back from today, d[1] is the latest business day <= today,
	 * d[2] the one before … A request is overdue when its received day r
	 * has business days d[1] … d[limit+1] after it, i.e. r < d[limit+1],
	 * i.e. it arrived on or before d[limit+2]: before the start of the day
	 * after d[limit+2]. */
	long long day = oss_day_of(now_t);
	int found = 0;
	for (int guard = 0; guard < 366 * 4 && found < limit + 2; guard++, day--)
		if (oss_business_day(day, holidays, n))
			found++;
	/* day is now one before d[limit+2] */
	long long cutoff_day = day + 2;
	return cutoff_day * 86400 - BANGKOK_OFFSET;
}
