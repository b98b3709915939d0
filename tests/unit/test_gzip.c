/* test_gzip: when Khet compresses an answer itself (issue 11 item 15):
 * Accept-Encoding read with its weights (q=0 refuses, "*" stands for the
 * rest), which types are worth it, and that what gzip_compress writes
 * inflates back to the same bytes, again and again on one thread (the
 * deflate state is reused). */
#include "unit.h"

#include <zlib.h>

#include "core/gzip.h"

static void test_accepted(void **state)
{
	assert_true(gzip_accepted("gzip"));
	assert_true(gzip_accepted("gzip, deflate, br"));
	assert_true(gzip_accepted("br;q=1.0, gzip;q=0.8, *;q=0.1"));
	assert_true(gzip_accepted("GZIP"));
	assert_true(gzip_accepted("x-gzip"));
	assert_true(gzip_accepted("*"));
	assert_true(gzip_accepted("deflate, gzip ; q=0.5"));
	assert_false(gzip_accepted(NULL));
	assert_false(gzip_accepted(""));
	assert_false(gzip_accepted("identity"));
	assert_false(gzip_accepted("deflate, br"));
	assert_false(gzip_accepted("gzip;q=0"));
	assert_false(gzip_accepted("gzip; q=0.000"));
	assert_false(gzip_accepted("*;q=0.5, gzip;q=0"));
	assert_false(gzip_accepted("*;q=0"));
	assert_false(gzip_accepted("gzipx, xgzip"));
	assert_true(gzip_accepted("gzip;q=0.01"));
}

static void test_types(void **state)
{
	assert_true(gzip_type_compressible("text/html; charset=utf-8"));
	assert_true(gzip_type_compressible("application/json"));
	assert_true(gzip_type_compressible("application/json; charset=utf-8"));
	assert_true(gzip_type_compressible("text/csv; charset=utf-8"));
	assert_false(gzip_type_compressible("application/pdf"));
	assert_false(gzip_type_compressible("image/png"));
	assert_false(gzip_type_compressible("application/jsonx"));
	assert_false(gzip_type_compressible(NULL));
}

static void roundtrip(const char *in, size_t n)
{
	struct buf z = BUF_INIT;
	assert_int_equal(gzip_compress(in, n, &z), 0);
	assert_true(z.len >= 18);
	assert_int_equal((unsigned char)z.data[0], 0x1f); /* the gzip magic */
	assert_int_equal((unsigned char)z.data[1], 0x8b);
	char *out = xmalloc(n + 1);
	z_stream s;
	memset(&s, 0, sizeof s);
	assert_int_equal(inflateInit2(&s, 15 + 16), Z_OK);
	s.next_in = (Bytef *)z.data;
	s.avail_in = (uInt)z.len;
	s.next_out = (Bytef *)out;
	s.avail_out = (uInt)n + 1;
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.total_out, n);
	assert_memory_equal(out, in, n);
	inflateEnd(&s);
	free(out);
	buf_release(&z);
}

static void test_roundtrip(void **state)
{
	struct buf page = BUF_INIT;
	for (int i = 0; i < 3000; i++)
		buf_addf(&page, "<tr><td>โรงเรียนบ้านหนองแวง %d</td><td>ยโสธร</td></tr>\n", i);
	for (int k = 0; k < 3; k++) /* the thread's state, reset each time */
		roundtrip(page.data, page.len);
	roundtrip("x", 1);
	roundtrip("", 0);
	struct buf z = BUF_INIT;
	assert_int_equal(gzip_compress(page.data, page.len, &z), 0);
	assert_true(z.len * 5 < page.len); /* repetitive HTML shrinks a lot */
	buf_release(&z);
	buf_release(&page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_roundtrip),
	};
	return cmocka_run_group_tests_name("gzip", tests, NULL, NULL);
}
