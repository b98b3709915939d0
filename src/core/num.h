/* num: checked number parsing. atoi/atoll and strtoll without an end
 * pointer are banned (banned.h): they turn garbage into 0 and a too-long
 * number into whatever the overflow gives. */
#ifndef KHET_NUM_H
#define KHET_NUM_H

#include <stdbool.h>
#include <stddef.h>

/* Parses s as a whole decimal number: an optional sign and then only
 * digits (no spaces, no trailing text), no overflow, min <= n <= max.
 * Sets *out and returns 0; else returns -1 and leaves *out alone. */
int num_parse_ll(const char *s, long long min, long long max, long long *out);
/* The same over exactly len bytes of s (a number inside a longer text). */
int num_parse_lln(const char *s, size_t len, long long min, long long max, long long *out);

/* num_parse_ll over the whole long long range, dflt when s is NULL or not
 * a number: for values that were checked before (a form already
 * validated, a database column) where a bad one has one sensible answer. */
long long num_ll_or(const char *s, long long dflt);

/* Baht as typed into a money field — digits with up to two decimals
 * ("1500", "1500.5", "1500.50"), with or without thousands separators
 * ("1,500.50", "1,234,567"; each group after the first exactly three
 * digits, so "1,50" and "15,00" are refused as ambiguous), in ASCII or
 * Thai digits ("๑,๕๐๐") or both; no sign, no spaces, at most 13 digits of
 * whole baht — in satang (150050); -1 for anything else. The form's
 * FT_MONEY and the importers read money through it. */
long long num_money(const char *s);

#endif
