/* test_num: num_parse_ll takes a whole number and nothing else (the
 * checked replacement for the banned atoi/atoll). */
#include "unit.h"

#include <limits.h>

#include "core/num.h"

static void test_parse_ok(void **state)
{
	(void)state;
	long long n = 7;
	assert_int_equal(num_parse_ll("0", 0, 10, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(num_parse_ll("-42", -100, 100, &n), 0);
	assert_int_equal(n, -42);
	assert_int_equal(num_parse_ll("+42", -100, 100, &n), 0);
	assert_int_equal(n, 42);
	assert_int_equal(num_parse_ll("007", 0, 10, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(num_parse_ll("9223372036854775807", LLONG_MIN, LLONG_MAX, &n), 0);
	assert_true(n == LLONG_MAX);
	assert_int_equal(num_parse_ll("-9223372036854775808", LLONG_MIN, LLONG_MAX, &n), 0);
	assert_true(n == LLONG_MIN);
	assert_int_equal(num_parse_lln("0102_acc.sql", 4, 0, 9999, &n), 0);
	assert_int_equal(n, 102);
}

static void test_parse_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {"",
					  "-",
					  "+",
					  " 1",
					  "1 ",
					  "1x",
					  "x1",
					  "0x10",
					  "1.5",
					  "--1",
					  "+-1",
					  "9223372036854775808",
					  "-9223372036854775809",
					  "99999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		long long n = 7;
		assert_int_equal(num_parse_ll(bad[i], LLONG_MIN, LLONG_MAX, &n), -1);
		assert_int_equal(n, 7); /* untouched */
	}
	long long n = 7;
	assert_int_equal(num_parse_ll(NULL, 0, 10, &n), -1);
	assert_int_equal(num_parse_ll("11", 0, 10, &n), -1);
	assert_int_equal(num_parse_ll("-1", 0, 10, &n), -1);
	assert_int_equal(num_parse_lln("12", 0, 0, 99, &n), -1);
	assert_int_equal(n, 7);
	assert_int_equal(num_ll_or("12x", -5), -5);
	assert_int_equal(num_ll_or(NULL, -5), -5);
	assert_int_equal(num_ll_or("12", -5), 12);
}

/* baht as typed into a money field (FT_MONEY and the importers) */
static void test_money(void **state)
{
	(void)state;
	assert_int_equal(num_money("1500"), 150000);
	assert_int_equal(num_money("1500.5"), 150050);
	assert_int_equal(num_money("1500.50"), 150050);
	assert_int_equal(num_money("0"), 0);
	assert_int_equal(num_money("0.01"), 1);
	assert_int_equal(num_money(""), -1);
	assert_int_equal(num_money("-5"), -1);
	/* thousands separators, as people type amounts (issue 10 i) */
	assert_int_equal(num_money("1,500"), 150000);
	assert_int_equal(num_money("1,500.50"), 150050);
	assert_int_equal(num_money("1,234,567.5"), 123456750);
	assert_int_equal(num_money("999,999"), 99999900);
	assert_int_equal(num_money("1,234,567,890,123"), 123456789012300);
	assert_int_equal(num_money("12,345,678,901,234"), -1); /* 14 digits */
	/* a separator only between groups of three */
	assert_int_equal(num_money("1,50"), -1);
	assert_int_equal(num_money("15,00"), -1);
	assert_int_equal(num_money("1,5000"), -1);
	assert_int_equal(num_money("1500,000"), -1);
	assert_int_equal(num_money(",500"), -1);
	assert_int_equal(num_money("1,500,"), -1);
	assert_int_equal(num_money("1,,500"), -1);
	assert_int_equal(num_money("1,500.5,0"), -1);
	assert_int_equal(num_money("1.500,50"), -1);
	assert_int_equal(num_money("1 500"), -1);
	/* Thai digits, alone or with ASCII ones and separators */
	assert_int_equal(num_money("๑๕๐๐"), 150000);
	assert_int_equal(num_money("๑,๕๐๐.๕๐"), 150050);
	assert_int_equal(num_money("๒๕,000"), 2500000);
	assert_int_equal(num_money("๑,๕๐"), -1);
	assert_int_equal(num_money("\xe0\xb9"), -1);    /* a cut Thai digit */
	assert_int_equal(num_money("\xe0\xb9\x9a"), -1); /* U+0E5A is no digit */
	assert_int_equal(num_money(NULL), -1);
	assert_int_equal(num_money("1500."), -1);
	assert_int_equal(num_money("1500.505"), -1);
	assert_int_equal(num_money("15a"), -1);
	assert_int_equal(num_money("12345678901234"), -1); /* more than 13 digits of baht */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_ok),
	    cmocka_unit_test(test_parse_refused),
	    cmocka_unit_test(test_money),
	};
	return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}
