/* test_search: the LIKE patterns of a search box (src/core/search.c), as
 * the school, account and OSS request lists use them — one "%word%" per
 * word, unused slots "%", repeats dropped, the words past the last slot
 * kept in order in it, no typed wildcard let through — and the check of
 * what a search box takes. */
#include "unit.h"

#include <string.h>

#include "core/err.h"
#include "core/search.h"

static void expect(const char *q, int n, const char *const want[SEARCH_SLOTS])
{
	struct buf p[SEARCH_SLOTS];
	assert_int_equal(search_patterns(q, p), n);
	for (int i = 0; i < SEARCH_SLOTS; i++)
		assert_string_equal(buf_cstr(&p[i]), want[i]);
	search_patterns_release(p);
}

static void test_empty(void **state)
{
	(void)state;
	static const char *const all[SEARCH_SLOTS] = {"%", "%", "%", "%", "%", "%"};
	expect("", 0, all);
	expect("   ", 0, all);
	expect(NULL, 0, all);
	expect("!?.,", 0, all);
}

/* a query of only punctuation has nothing to look for: the list says so
 * (and shows every row); an empty box or spaces asked nothing; a letter
 * or a digit, Thai or Latin, is something to look for */
static void test_notice(void **state)
{
	(void)state;
	assert_null(search_query_notice(NULL));
	assert_null(search_query_notice(""));
	assert_null(search_query_notice("   "));
	const char *n = search_query_notice("--");
	assert_non_null(n);
	assert_non_null(strstr(n, "ไม่มีตัวอักษรหรือตัวเลข"));
	assert_non_null(search_query_notice("..."));
	assert_non_null(search_query_notice(" - . , ! "));
	assert_non_null(search_query_notice("(\"%_\")"));
	assert_null(search_query_notice("-ก-"));
	assert_null(search_query_notice("บ้าน"));
	assert_null(search_query_notice("...7"));
	assert_null(search_query_notice("a."));
	assert_null(search_query_notice("๑๒"));
}

static void test_words(void **state)
{
	(void)state;
	expect("Somsri.Dee, Example", 3,
	       (const char *const[SEARCH_SLOTS]){"%somsri%", "%dee%", "%example%", "%", "%", "%"});
	/* a repeated word adds nothing */
	expect("dee dee somsri", 2, (const char *const[SEARCH_SLOTS]){"%dee%", "%somsri%", "%", "%", "%", "%"});
}

static void test_more_words_than_slots(void **state)
{
	(void)state;
	expect("a1 b2 c3 d4 e5 f6 g7 h8", 8,
	       (const char *const[SEARCH_SLOTS]){"%a1%", "%b2%", "%c3%", "%d4%", "%e5%", "%f6%g7%h8%"});
}

static void test_thai_words_no_wildcards(void **state)
{
	(void)state;
	struct buf p[SEARCH_SLOTS];
	int n = search_patterns("โรงเรียนบ้านหนองบัว 100%_", p);
	assert_true(n >= 2);
	for (int i = 0; i < SEARCH_SLOTS; i++) {
		const char *s = buf_cstr(&p[i]);
		assert_null(strchr(s, '_'));
		size_t len = strlen(s);
		assert_true(len >= 1 && s[0] == '%' && s[len - 1] == '%');
		for (size_t k = 1; k + 1 < len; k++)
			assert_true(s[k] != '%' || i == SEARCH_SLOTS - 1);
	}
	search_patterns_release(p);
}

static void test_of_words(void **state)
{
	(void)state;
	struct buf p[SEARCH_SLOTS];
	/* words already broken are taken as they are */
	assert_int_equal(search_patterns_of_words("a@x.org  3100100000031", p), 2);
	assert_string_equal(buf_cstr(&p[0]), "%a@x.org%");
	assert_string_equal(buf_cstr(&p[1]), "%3100100000031%");
	assert_string_equal(buf_cstr(&p[2]), "%");
	search_patterns_release(p);
}

static void test_query_check(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_int_equal(search_query_check("", &e), 0);
	assert_int_equal(search_query_check("โรงเรียน", &e), 0);
	char q[3 * SEARCH_QUERY_MAX + 4];
	/* 100 Thai characters (3 bytes each) are taken, 101 are not */
	unit_repeat(q, sizeof q, "ก", SEARCH_QUERY_MAX);
	assert_int_equal(search_query_check(q, &e), 0);
	unit_repeat(q, sizeof q, "ก", SEARCH_QUERY_MAX + 1);
	assert_int_equal(search_query_check(q, &e), -1);
	assert_string_equal(e.field, "q");
	assert_string_equal(e.msg, "คำค้นยาวเกินไป (ไม่เกิน 100 ตัวอักษร)");
	struct err e2 = ERR_INIT;
	assert_int_equal(search_query_check("a\xff", &e2), -1);
	assert_string_equal(e2.field, "q");
	assert_string_equal(e2.msg, "คำค้นมีอักขระที่ใช้ไม่ได้");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_notice),
	    cmocka_unit_test(test_words),
	    cmocka_unit_test(test_more_words_than_slots),
	    cmocka_unit_test(test_thai_words_no_wildcards),
	    cmocka_unit_test(test_of_words),
	    cmocka_unit_test(test_query_check),
	};
	return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
