/* test_qr: the QR codes the directory prints (ACC-7), checked without a
 * decoder: the size the standard gives for the text's length, the three
 * finder patterns with their separators, the timing patterns, the same
 * bytes for the same text, a different code for a different text, the
 * SVG's frame and quiet zone, and the refusals. */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "core/qr.h"

static const char *url = "https://khet.example.go.th/areas/1/directory";

/* The 7×7 finder pattern with its top-left corner at (x0, y0): a dark ring,
 * a light ring, a dark 3×3 centre. */
static void assert_finder(const struct qr_code *q, int x0, int y0)
{
	for (int y = 0; y < 7; y++)
		for (int x = 0; x < 7; x++) {
			int ring = x < y ? x : y;
			int fromend = (6 - x) < (6 - y) ? 6 - x : 6 - y;
			if (fromend < ring)
				ring = fromend;
			bool want = ring != 1; /* ring 0 dark, ring 1 light, centre dark */
			if (qr_dark(q, x0 + x, y0 + y) != want)
				fail_msg("finder at (%d,%d): module (%d,%d) should be %s", x0, y0, x, y,
					 want ? "dark" : "light");
		}
}

static void test_finders_and_size(void **state)
{
	struct qr_code q;
	struct err e = ERR_INIT;
	assert_int_equal(qr_encode(url, &q, &e), 0);
	/* 45 bytes at level M need version 4 (version 3 holds 42) */
	assert_int_equal(q.version, 4);
	assert_int_equal(q.width, 17 + 4 * q.version);
	int w = q.width;
	assert_finder(&q, 0, 0);
	assert_finder(&q, w - 7, 0);
	assert_finder(&q, 0, w - 7);
	/* separators: light next to each finder */
	for (int i = 0; i < 8; i++) {
		assert_false(qr_dark(&q, 7, i));
		assert_false(qr_dark(&q, i, 7));
		assert_false(qr_dark(&q, w - 8, i));
		assert_false(qr_dark(&q, i, w - 8));
	}
	/* no finder at the bottom right */
	int dark = 0;
	for (int y = w - 7; y < w; y++)
		for (int x = w - 7; x < w; x++)
			dark += qr_dark(&q, x, y);
	assert_true(dark > 0 && dark < 49);
	/* timing patterns alternate between the finders, dark on even */
	for (int i = 8; i < w - 8; i++) {
		assert_int_equal(qr_dark(&q, i, 6), i % 2 == 0);
		assert_int_equal(qr_dark(&q, 6, i), i % 2 == 0);
	}
	/* the dark module every code has, next to the bottom-left finder */
	assert_true(qr_dark(&q, 8, w - 8));
	/* outside reads as light */
	assert_false(qr_dark(&q, -1, 0));
	assert_false(qr_dark(&q, w, w));
	qr_free(&q);
}

static void test_grows_with_text(void **state)
{
	struct qr_code a, b;
	struct err e = ERR_INIT;
	assert_int_equal(qr_encode("x", &a, &e), 0);
	assert_int_equal(a.version, 1);
	assert_int_equal(a.width, 21);
	char long_text[1001];
	memset(long_text, 'a', 1000);
	long_text[1000] = 0;
	assert_int_equal(qr_encode(long_text, &b, &e), 0);
	assert_true(b.width > 100);
	assert_int_equal(b.width, 17 + 4 * b.version);
	qr_free(&a);
	qr_free(&b);
}

static void test_svg_deterministic(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
	struct err e = ERR_INIT;
	assert_int_equal(qr_svg(url, "ทำเนียบ <แอดมิน> & QR", &a, &e), 0);
	assert_int_equal(qr_svg(url, "ทำเนียบ <แอดมิน> & QR", &b, &e), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_int_equal(qr_svg("https://khet.example.go.th/areas/2/directory", "ทำเนียบ <แอดมิน> & QR", &c, &e), 0);
	assert_true(c.len != a.len || memcmp(a.data, c.data, a.len) != 0);
	const char *s = buf_cstr(&a);
	assert_non_null(strstr(s, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	/* version 4: 33 modules + 2 × 4 quiet = 41 */
	assert_non_null(strstr(s, "viewBox=\"0 0 41 41\""));
	/* the title is escaped */
	assert_non_null(strstr(s, "<title>ทำเนียบ &lt;แอดมิน&gt; &amp; QR</title>"));
	assert_null(strstr(s, "<แอดมิน>"));
	/* the top-left finder's top edge is the first run: 7 modules from the
	 * quiet zone's corner */
	assert_non_null(strstr(s, "d=\"M4 4h7v1h-7z"));
	assert_non_null(strstr(s, "</svg>"));
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
}

static void test_refusals(void **state)
{
	struct qr_code q;
	struct err e = ERR_INIT;
	assert_int_equal(qr_encode("", &q, &e), -1);
	assert_int_equal(e.status, 400);
	assert_null(q.dark);
	err_clear(&e);
	assert_int_equal(qr_encode(NULL, &q, &e), -1);
	err_clear(&e);
	static char big[QR_TEXT_MAX + 2];
	memset(big, 'a', QR_TEXT_MAX + 1);
	assert_int_equal(qr_encode(big, &q, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "ยาวเกิน"));
	err_clear(&e);
	big[QR_TEXT_MAX] = 0; /* exactly the limit fits */
	assert_int_equal(qr_encode(big, &q, &e), 0);
	assert_int_equal(q.version, 40);
	qr_free(&q);
	struct buf out = BUF_INIT;
	assert_int_equal(qr_svg("", NULL, &out, &e), -1);
	assert_int_equal(out.len, 0);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_finders_and_size),
	    cmocka_unit_test(test_grows_with_text),
	    cmocka_unit_test(test_svg_deterministic),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}
