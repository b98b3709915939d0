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

/* The digit at *p — ASCII or Thai (๐…๙, U+0E50–U+0E59, E0 B9 90–99 in
 * UTF-8) — advancing *p past it; -1 (and *p unmoved) for anything else. */
static int money_digit(const char **p)
{
	const unsigned char *u = (const unsigned char *)*p;
	if (u[0] >= '0' && u[0] <= '9') {
		(*p)++;
		return u[0] - '0';
	}
	if (u[0] == 0xE0 && u[1] == 0xB9 && u[2] >= 0x90 && u[2] <= 0x99) {
		*p += 3;
		return u[2] - 0x90;
	}
	return -1;
}

long long num_money(const char *s)
{
	if (!s)
		return -1;
	long long baht = 0, sat = 0;
	const char *p = s;
	int digits = 0;  /* of the whole baht */
	int group = 0;   /* digits since the last separator */
	bool sep = false; /* a thousands separator seen */
	for (;;) {
		int d = money_digit(&p);
		if (d >= 0) {
			if (digits == 13)
				return -1;
			baht = baht * 10 + d;
			digits++;
			group++;
			continue;
		}
		if (*p != ',')
			break;
		/* "1,500": the first group 1–3 digits, every later one 3 */
		if (group == 0 || group > 3 || (sep && group != 3))
			return -1;
		sep = true;
		group = 0;
		p++;
	}
	if (!digits || (sep && group != 3))
		return -1;
	if (*p == '.') {
		p++;
		int dec = 0, d;
		while ((d = money_digit(&p)) >= 0) {
			if (dec == 2)
				return -1;
			sat = sat * 10 + d;
			dec++;
		}
		if (!dec)
			return -1;
		if (dec == 1)
			sat *= 10;
	}
	return *p ? -1 : baht * 100 + sat;
}
