/* test_framing: RFC 9112's field rules for a request's framing (issue 11
 * item 5): one Host on HTTP/1.1, at most one Content-Length and only
 * digits, never Content-Length with Transfer-Encoding, only one "chunked"
 * and only on HTTP/1.1, token names, no control bytes in values. The
 * byte-layout half (bare LF, folding) is driven through the real server in
 * tests/http/framing.test.mjs. */
#include "unit.h"

#include "core/framing.h"

#define N(a) ((int)(sizeof(a) / sizeof *(a)))
#define CHECK(want, http11, ...)                                                                                       \
	do {                                                                                                           \
		const struct framing_field f_[] = {__VA_ARGS__};                                                       \
		assert_int_equal(framing_fields_check(f_, N(f_), http11), want);                                       \
	} while (0)

static void test_well_formed(void **state)
{
	CHECK(FRAMING_OK, true, {"Host", "x"});
	CHECK(FRAMING_OK, true, {"Host", "x"}, {"Content-Length", "0"}, {"X-Empty", ""}, {"X-Tab", "a\tb "});
	CHECK(FRAMING_OK, true, {"host", "x"}, {"transfer-encoding", "Chunked"});
	CHECK(FRAMING_OK, false, {"Accept", "*/*"});			    /* HTTP/1.0 needs no Host */
	CHECK(FRAMING_OK, true, {"Host", "x"}, {"X-Thai", "\xe0\xb8\x81"}); /* obs-text */
	assert_int_equal(framing_fields_check(NULL, 0, false), FRAMING_OK);
}

static void test_host(void **state)
{
	assert_int_equal(framing_fields_check(NULL, 0, true), FRAMING_HOST);
	CHECK(FRAMING_HOST, true, {"Accept", "*/*"});
	CHECK(FRAMING_HOST, true, {"Host", "a"}, {"HOST", "b"});
	CHECK(FRAMING_HOST, false, {"Host", "a"}, {"Host", "a"});
}

static void test_lengths(void **state)
{
	CHECK(FRAMING_CONTENT_LENGTH, true, {"Host", "x"}, {"Content-Length", "3"}, {"content-length", "3"});
	CHECK(FRAMING_CONTENT_LENGTH, true, {"Host", "x"}, {"Content-Length", "3"}, {"Content-Length", "30"});
	CHECK(FRAMING_CONTENT_LENGTH, true, {"Host", "x"}, {"Content-Length", "+3"});
	CHECK(FRAMING_CONTENT_LENGTH, true, {"Host", "x"}, {"Content-Length", "3, 3"});
	CHECK(FRAMING_CONTENT_LENGTH, true, {"Host", "x"}, {"Content-Length", ""});
	CHECK(FRAMING_CONTENT_LENGTH, true, {"Host", "x"}, {"Content-Length", "-1"});
}

static void test_transfer_coding(void **state)
{
	CHECK(FRAMING_CL_AND_TE, true, {"Host", "x"}, {"Content-Length", "5"}, {"Transfer-Encoding", "chunked"});
	CHECK(FRAMING_CL_AND_TE, true, {"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "5"});
	CHECK(FRAMING_TRANSFER_CODING, true, {"Host", "x"}, {"Transfer-Encoding", "gzip, chunked"});
	CHECK(FRAMING_TRANSFER_CODING, true, {"Host", "x"}, {"Transfer-Encoding", "chunked, chunked"});
	CHECK(FRAMING_TRANSFER_CODING, true, {"Host", "x"}, {"Transfer-Encoding", "xchunked"});
	CHECK(FRAMING_TRANSFER_CODING, true, {"Host", "x"}, {"Transfer-Encoding", "chunked"},
	      {"Transfer-Encoding", "chunked"});
	CHECK(FRAMING_TRANSFER_CODING, false, {"Transfer-Encoding", "chunked"});
}

static void test_names_and_values(void **state)
{
	CHECK(FRAMING_FIELD_NAME, true, {"Host ", "x"});
	CHECK(FRAMING_FIELD_NAME, true, {"Host", "x"}, {"", "x"});
	CHECK(FRAMING_FIELD_NAME, true, {"Host", "x"}, {"X\tA", "x"});
	CHECK(FRAMING_FIELD_NAME, true, {"Host", "x"}, {"X(A)", "x"});
	CHECK(FRAMING_FIELD_VALUE, true, {"Host", "x"}, {"X-A", "a\rb"});
	CHECK(FRAMING_FIELD_VALUE, true, {"Host", "x"}, {"X-A", "a\nb"});
	CHECK(FRAMING_FIELD_VALUE, true, {"Host", "x"}, {"X-A", "a\x7f"});
	CHECK(FRAMING_FIELD_VALUE, true, {"Host", "x"}, {"X-A", "a\x01"});
}

static void test_target(void **state)
{
	assert_true(framing_target_ok("/areas?q=%E0%B8%81", 18));
	assert_false(framing_target_ok("/a b", 4));
	assert_false(framing_target_ok("/a\tb", 4));
	assert_false(framing_target_ok("/a\x7f", 3));
	assert_false(framing_target_ok("", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_well_formed),	     cmocka_unit_test(test_host),
	    cmocka_unit_test(test_lengths),	     cmocka_unit_test(test_transfer_coding),
	    cmocka_unit_test(test_names_and_values), cmocka_unit_test(test_target),
	};
	return cmocka_run_group_tests_name("framing", tests, NULL, NULL);
}
