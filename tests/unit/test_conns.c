/* test_conns: the parts of core/conns.c that need no live connection: where
 * shedding starts (7/8 of the cap), and the raw 408 / 503 answers written on
 * a socket (a whole HTTP/1.1 message: its Content-Length is its body's, it
 * closes the connection, it is the Thai page or the JSON error). The rest —
 * shedding, the header deadline, the body's pace — is driven through the
 * real server in tests/http/slow.test.mjs. */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "core/conns.h"

static void check_answer(const char *a, const char *status, const char *type, const char *thai)
{
	assert_non_null(strstr(a, status));
	assert_int_equal(strncmp(a, status, strlen(status)), 0);
	assert_non_null(strstr(a, type));
	assert_non_null(strstr(a, "\r\nConnection: close\r\n"));
	const char *body = strstr(a, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	const char *cl = strstr(a, "Content-Length: ");
	assert_non_null(cl);
	size_t n = 0;
	assert_int_equal(sscanf(cl, "Content-Length: %zu", &n), 1);
	assert_int_equal(n, strlen(body));
	assert_non_null(strstr(body, thai));
}

static void test_answers(void **state)
{
	conns_init(15, 4096, 30, 4096);
	check_answer(conns_raw_answer(408, false), "HTTP/1.1 408 ", "text/html; charset=utf-8", "หมดเวลารอข้อมูล");
	check_answer(conns_raw_answer(408, false), "HTTP/1.1 408 ", "text/html", CONNS_BODY_LATE_MESSAGE);
	check_answer(conns_raw_answer(408, true), "HTTP/1.1 408 ", "application/json", "{\"error\":{\"status\":408,");
	check_answer(conns_raw_answer(503, false), "HTTP/1.1 503 ", "text/html", "ระบบมีผู้ใช้งานมาก");
	check_answer(conns_raw_answer(503, true), "HTTP/1.1 503 ", "application/json", "{\"error\":{\"status\":503,");
}

static void test_shed_at(void **state)
{
	conns_init(15, 4096, 30, 4096);
	assert_int_equal(conns_shed_at(), 3584);
	conns_init(15, 64, 30, 4096);
	assert_int_equal(conns_shed_at(), 56);
	conns_init(15, 2, 30, 4096);
	assert_int_equal(conns_shed_at(), 1);
	conns_init(15, 0, 30, 4096); /* unset: the default cap */
	assert_int_equal(conns_shed_at(), 3584);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_answers), cmocka_unit_test(test_shed_at)};
	return cmocka_run_group_tests_name("conns", tests, NULL, NULL);
}
