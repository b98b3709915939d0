#include "core/num.h"

#include <limits.h>
#include <string.h>

int num_parse_lln(const char *s, size_t len, long long min, long long max, long long *out)
{
	if (!s)
		return -1;
	size_t i = 0;
	bool neg = false;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		return -1; /* no digits */
	/* accumulated as a negative number: LLONG_MIN has no positive twin */
	long long n = 0;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		int d = s[i] - '0';
		if (n < (LLONG_MIN + d) / 10)
			return -1; /* overflow */
		n = n * 10 - d;
	}
	if (!neg) {
		if (n == LLONG_MIN)
			return -1;
		n = -n;
	}
	if (n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

int num_parse_ll(const char *s, long long min, long long max, long long *out)
{
	return s ? num_parse_lln(s, strlen(s), min, max, out) : -1;
}

long long num_ll_or(const char *s, long long dflt)
{
	long long n;
	return num_parse_ll(s, LLONG_MIN, LLONG_MAX, &n) < 0 ? dflt : n;
}

long long num_money(const char *s)
{
	long long baht = 0, sat = 0;
	const char *p = s;
	int digits = 0;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (digits > 12)
			return -1;
		baht = baht * 10 + (*p - '0');
	}
	if (*p == ',' || !digits)
		return -1;
	if (*p == '.') {
		p++;
		int dec = 0;
		for (; *p >= '0' && *p <= '9'; p++, dec++) {
			if (dec == 2)
				return -1;
			sat = sat * 10 + (*p - '0');
		}
		if (!dec)
			return -1;
		if (dec == 1)
			sat *= 10;
	}
	return *p ? -1 : baht * 100 + sat;
}
