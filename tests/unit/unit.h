/* unit.h: what every cmocka unit test includes.
 *
 * KHET_TEST_FILTER runs only the tests whose name matches it (cmocka's
 * pattern: * any run of characters, ? one), e.g.
 *   KHET_TEST_FILTER=test_grants build/rel/tests/test_acc
 * which is what `make test-unit T=acc F=test_grants` does. */
#ifndef KHET_UNIT_H
#define KHET_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>

/* Fills out (cap bytes) with s n times, cut to whole copies that fit:
 * the long names and queries tests build (strcat is banned). */
static inline char *unit_repeat(char *out, size_t cap, const char *s, int n)
{
	size_t len = strlen(s), o = 0;
	for (int k = 0; k < n && o + len < cap; k++, o += len)
		memcpy(out + o, s, len);
	if (cap)
		out[o] = 0;
	return out;
}

/* Runs before main: every test binary honours the filter without code of
 * its own. */
__attribute__((constructor)) static void unit_test_filter(void)
{
	const char *f = getenv("KHET_TEST_FILTER");
	if (f && *f)
		cmocka_set_test_filter(f);
}
#endif
