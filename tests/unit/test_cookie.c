/* test_cookie: token cookies have one shape, and the flash message comes
 * back as it was set — Thai text included — while anything a client could
 * forge instead is read as no flash at all. */
#include "unit.h"

#include "core/buf.h"
#include "core/cookie.h"

static void test_token_shape(void **state)
{
	(void)state;
	assert_true(cookie_token_ok("abcdefghijABCDEFGHIJ0123456789-_abcdefghijk"));
	assert_false(cookie_token_ok("abcdefghijABCDEFGHIJ0123456789-_abcdefghij"));   /* 42 */
	assert_false(cookie_token_ok("abcdefghijABCDEFGHIJ0123456789-_abcdefghijkl")); /* 44 */
	assert_false(cookie_token_ok("abcdefghijABCDEFGHIJ0123456789+/abcdefghijk"));  /* not url-safe */
	assert_false(cookie_token_ok(""));
	assert_false(cookie_token_ok(NULL));
}

static void test_flash_round_trip(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	cookie_flash_encode(false, "บันทึกแล้ว", &b);
	json_t *f = cookie_flash_decode(buf_cstr(&b));
	assert_non_null(f);
	assert_string_equal(json_string_value(json_object_get(f, "kind")), "ok");
	assert_string_equal(json_string_value(json_object_get(f, "text")), "บันทึกแล้ว");
	json_decref(f);
	buf_reset(&b);
	cookie_flash_encode(true, "ผิด", &b);
	f = cookie_flash_decode(buf_cstr(&b));
	assert_string_equal(json_string_value(json_object_get(f, "kind")), "error");
	json_decref(f);
	buf_release(&b);
}

static void test_flash_forged(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",	       /* empty */
	    "!!!!",    /* not base64url */
	    "bzo",     /* "o:" and nothing */
	    "eA",      /* one byte */
	    "eDp4",    /* "x:x": no kind */
	    "bzr_",    /* "o:\xff": not UTF-8 */
	    "bzoAeA",  /* "o:\0x": a NUL */
	    "bzp4===", /* padding is not ours */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_null(cookie_flash_decode(bad[i]));
	/* longer than any flash Khet sets */
	struct buf b = BUF_INIT;
	for (int i = 0; i < COOKIE_FLASH_MAX; i++)
		buf_addc(&b, 'A');
	assert_null(cookie_flash_decode(buf_cstr(&b)));
	buf_release(&b);
	assert_null(cookie_flash_decode(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token_shape),
	    cmocka_unit_test(test_flash_round_trip),
	    cmocka_unit_test(test_flash_forged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
