/* test_fault: the X-Khet-Fault plan (core/fault.h) is read strictly, and
 * exactly the planned call of its kind fails, once, on the thread that
 * entered the plan. */
#include "unit.h"

#include "core/fault.h"

static void test_parse(void **state)
{
	(void)state;
	struct fault_plan p;
	assert_int_equal(fault_parse("db=3", &p), 0);
	assert_int_equal(p.at[FAULT_DB], 3);
	assert_int_equal(p.at[FAULT_WRITE], 0);
	assert_int_equal(fault_parse("write=1,db=12", &p), 0);
	assert_int_equal(p.at[FAULT_DB], 12);
	assert_int_equal(p.at[FAULT_WRITE], 1);
	static const char *const bad[] = {"", "db", "db=", "db=0", "db=-1", "db=x", "db=1,", "db=1,,write=2",
					  "disk=3", "dbx=1", "db=1x", " db=1", "db =1", "write=99999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(fault_parse(bad[i], &p), -1);
		assert_int_equal(p.at[FAULT_DB], 0); /* a refused plan plans nothing */
	}
	assert_int_equal(fault_parse(NULL, &p), -1);
}

static void test_countdown(void **state)
{
	(void)state;
	struct fault_plan p;
	assert_int_equal(fault_parse("db=3,write=1", &p), 0);
	/* nothing entered: nothing fails */
	for (int i = 0; i < 5; i++)
		assert_false(fault_now(FAULT_DB));
	fault_enter(&p);
	assert_false(fault_now(FAULT_DB));
	assert_true(fault_now(FAULT_WRITE));
	assert_false(fault_now(FAULT_DB));
	assert_true(fault_now(FAULT_DB)); /* the third */
	assert_false(fault_now(FAULT_DB));
	assert_false(fault_now(FAULT_WRITE));
	fault_leave();
	/* the count stays with the plan across callbacks */
	assert_int_equal(p.seen[FAULT_DB], 4);
	fault_enter(&p);
	assert_false(fault_now(FAULT_DB));
	fault_leave();
	assert_int_equal(p.seen[FAULT_DB], 5);
	assert_false(fault_now(FAULT_DB));
	assert_int_equal(p.seen[FAULT_DB], 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_countdown),
	};
	return cmocka_run_group_tests_name("fault", tests, NULL, NULL);
}
