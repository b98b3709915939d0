/* test_log: the access log's query string (issue 11 item 15): arguments
 * re-encoded, and the values of secret or personal ones (an e-mailed
 * link's t=, a password, a citizen ID) written as ***. */
#include "unit.h"

#include "core/buf.h"
#include "core/log.h"

static void test_secret_names(void **state)
{
	const char *secret[] = {"t",   "T",   "token",	    "otp",   "password", "secret",
				"key", "sig", "citizen_id", "email", "phone"};
	for (size_t i = 0; i < sizeof secret / sizeof *secret; i++)
		assert_true(log_query_secret(secret[i]));
	const char *plain[] = {"q", "page", "per_page", "area", "status", "sort", "tt", "tokens", ""};
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		assert_false(log_query_secret(plain[i]));
}

/* A staff search box sends a citizen ID, a phone or an e-mail as q=: the
 * value is personal whatever the argument's name. */
static void test_personal_values(void **state)
{
	const char *personal[] = {"1103700012346", "1-1037-00012-34-6", "1 1037 00012 34 6", "0812345678",
				  "081-234-5678", "สมชาย 3100100000049", "someone@example.org", "@", "123456789"};
	for (size_t i = 0; i < sizeof personal / sizeof *personal; i++)
		assert_true(log_query_personal(personal[i]));
	const char *plain[] = {"หนอง แวง", "2570", "2026-12-07", "20261207", "12345678", "1234-5678", "10:30-11:30",
			       "", "a1b2c3d4e5f6g7h8i9"};
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		assert_false(log_query_personal(plain[i]));
}

static void test_query(void **state)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "/password/set");
	log_query_add(&b, "t", "abc123SECRET", true);
	log_query_add(&b, "q", "หนอง แวง", false);
	log_query_add(&b, "flag", NULL, false);
	log_query_add(&b, "x", "a\nb&c=d", false);
	log_query_add(&b, "citizen_id", "1103700012346", false);
	log_query_add(&b, "q", "1-1037-00012-34-6", false);
	log_query_add(&b, "q", "nid@example.org", false);
	log_query_add(&b, "year", "2570", false);
	assert_string_equal(buf_cstr(&b),
			    "/password/set?t=***&q=%E0%B8%AB%E0%B8%99%E0%B8%AD%E0%B8%87%20%E0%B9%81%E0%B8%A7%E0%B8%87"
			    "&flag&x=a%0Ab%26c%3Dd&citizen_id=***&q=***&q=***&year=2570");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_secret_names),
	    cmocka_unit_test(test_personal_values),
	    cmocka_unit_test(test_query),
	};
	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
