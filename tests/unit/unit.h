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

/* Runs before main: every test binary honours the filter without code of
 * its own. */
__attribute__((constructor)) static void unit_test_filter(void)
{
	const char *f = getenv("KHET_TEST_FILTER");
	if (f && *f)
		cmocka_set_test_filter(f);
}
#endif
