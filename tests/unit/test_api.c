/* test_api: the pure parts of /api/v1 (issue 15): page/per_page/sort
 * parsing, the API's types (ISO times with +07:00, baht strings, enums),
 * the error body, JSON request bodies as the form layer reads them
 * (core/body.c), and API tokens — their format, their stored hash and
 * scopes (src/acc/api_token.c). */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "acc/acc_internal.h"
#include "core/api.h"
#include "core/body.h"
#include "core/buf.h"
#include "core/jsonx.h"
#include "core/module.h"

static void test_page_parse(void **state)
{
	(void)state;
	struct api_page pg;
	struct err e = ERR_INIT;
	assert_int_equal(api_page_parse(NULL, NULL, NULL, "-created_at id", &pg, &e), 0);
	assert_int_equal(pg.page, 1);
	assert_int_equal(pg.per_page, API_PER_PAGE_DEFAULT);
	assert_int_equal(pg.offset, 0);
	assert_string_equal(pg.sort, "created_at"); /* the first declared key, as declared */
	assert_true(pg.desc);
	assert_int_equal(api_page_parse("3", "200", "id", "-created_at id", &pg, &e), 0);
	assert_int_equal(pg.offset, 400);
	assert_string_equal(pg.sort, "id");
	assert_false(pg.desc);
	assert_int_equal(api_page_parse(NULL, NULL, "-id", "-created_at id", &pg, &e), 0);
	assert_true(pg.desc);
	assert_int_equal(api_page_parse(NULL, NULL, "created_at", "-created_at id", &pg, &e), 0);
	assert_false(pg.desc);
	/* refused, each at its parameter */
	static const char *const bad[][3] = {
	    {"0", NULL, NULL}, {"-1", NULL, NULL},  {"x", NULL, NULL},	{"", NULL, NULL},     {"1.5", NULL, NULL},
	    {NULL, "0", NULL}, {NULL, "201", NULL}, {NULL, "", NULL},	{NULL, "5x", NULL},   {NULL, NULL, "name"},
	    {NULL, NULL, "-"}, {NULL, NULL, ""},    {NULL, NULL, "id "}, {NULL, NULL, "--id"},
	};
	static const char *const field[] = {"page", "page", "page", "page", "page", "per_page", "per_page",
					    "per_page", "per_page", "sort", "sort", "sort", "sort", "sort"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err_clear(&e);
		assert_int_equal(api_page_parse(bad[i][0], bad[i][1], bad[i][2], "-created_at id", &pg, &e), -1);
		assert_string_equal(e.field, field[i]);
		assert_true(e.msg[0] != 0);
	}
	/* no sort declared: none may be asked for */
	err_clear(&e);
	assert_int_equal(api_page_parse(NULL, NULL, "id", NULL, &pg, &e), -1);
	assert_int_equal(api_page_parse(NULL, NULL, NULL, NULL, &pg, &e), 0);
	assert_null(pg.sort);
}

static void test_types(void **state)
{
	(void)state;
	json_t *t = api_time(1796625300); /* 2026-12-07T06:35:00Z */
	assert_string_equal(json_string_value(t), "2026-12-07T13:35:00+07:00");
	json_decref(t);
	t = api_time(0);
	assert_true(json_is_null(t));
	json_decref(t);
	static const struct {
		long long satang;
		const char *text;
	} m[] = {{3521050, "35210.50"}, {0, "0.00"}, {5, "0.05"}, {-150, "-1.50"}, {100000000000LL, "1000000000.00"}};
	for (size_t i = 0; i < sizeof m / sizeof *m; i++) {
		json_t *v = api_money(m[i].satang);
		assert_string_equal(json_string_value(v), m[i].text);
		json_decref(v);
	}
	json_t *en = api_enum("submitted", "ส่งคำร้องแล้ว");
	assert_string_equal(json_string_value(json_object_get(en, "code")), "submitted");
	assert_string_equal(json_string_value(json_object_get(en, "label_th")), "ส่งคำร้องแล้ว");
	json_decref(en);
	json_t *d = api_date("");
	assert_true(json_is_null(d));
	json_decref(d);
	json_t *fields = json_pack("{s:s}", "name", "กรุณากรอกชื่อ");
	json_t *b = api_error_body(409, "stale_version", "มีผู้แก้ไขก่อน", fields, "abc");
	json_t *err = json_object_get(b, "error");
	assert_int_equal(json_integer_value(json_object_get(err, "status")), 409);
	assert_string_equal(json_string_value(json_object_get(err, "code")), "stale_version");
	assert_string_equal(json_string_value(json_object_get(json_object_get(err, "fields"), "name")), "กรุณากรอกชื่อ");
	assert_string_equal(json_string_value(json_object_get(err, "request_id")), "abc");
	json_decref(b);
	json_decref(fields);
	b = api_error_body(404, NULL, "ไม่พบ", NULL, "x");
	assert_string_equal(json_string_value(json_object_get(json_object_get(b, "error"), "code")), "not_found");
	assert_true(json_is_object(json_object_get(json_object_get(b, "error"), "fields")));
	json_decref(b);
	assert_string_equal(api_code_of(429), "rate_limited");
	assert_string_equal(api_code_of(503), "unavailable");
}

static int collect(void *cls, const char *key, const char *filename, const char *ct, const char *data, uint64_t off,
		   size_t size)
{
	struct buf *out = cls;
	(void)filename;
	if (off == 0) {
		if (out->len)
			buf_addc(out, ';');
		/* the JSON type beside the name, when not a plain string or number */
		const char *t = !ct || !strcmp(ct, BODY_JSON_VALUE) ? ""
				: !strcmp(ct, BODY_JSON_TRUE)	      ? "(true)"
				: !strcmp(ct, BODY_JSON_ITEM)	      ? "(item)"
				: !strcmp(ct, BODY_JSON_NESTED)	      ? "(nested)"
									      : "(?)";
		buf_addf(out, "%s%s=", key, t);
	}
	buf_add(out, data, size);
	return 0;
}

/* A JSON body fed in pieces of `piece` bytes: its values as the form
 * layer gets them, or NULL when refused. */
static char *json_body(const char *body, size_t piece)
{
	struct buf out = BUF_INIT;
	struct body_parser *p = body_parser_new("application/json; charset=utf-8", collect, &out);
	assert_non_null(p);
	size_t len = strlen(body);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < len;) {
		size_t n = piece && len - i > piece ? piece : len - i;
		rc = body_parser_feed(p, body + i, n);
		i += n;
	}
	if (rc == 0)
		rc = body_parser_finish(p);
	body_parser_free(p);
	if (rc < 0) {
		buf_release(&out);
		return NULL;
	}
	buf_cstr(&out);
	return buf_detach(&out, NULL);
}

static void test_json_body(void **state)
{
	(void)state;
	static const struct {
		const char *body, *want;
	} cases[] = {
	    {"{\"name\":\"สมชาย\",\"n\":5,\"salary\":35210.5,\"ok\":true,\"no\":false,\"nil\":null}",
	     "name=สมชาย;n=5;salary=35210.5;ok(true)=1"},
	    {"{\"scopes\":[\"oss:read\",\"kpi:write\"]}", "scopes(item)=oss:read;scopes(item)=kpi:write"},
	    {"{}", ""},
	    {"", ""},
	    /* nested objects and arrays of arrays are no form value: named
	     * empty, so the form layer says which field was of the wrong type */
	    {"{\"a\":{\"b\":1}}", "a(nested)="},
	    {"{\"a\":[[1]],\"b\":\"x\"}", "a(nested)=;b=x"},
	    {"{\"a\":[true]}", "a(item)=1"},
	    {"[1,2]", NULL},			 /* the top is an object */
	    {"{\"a\":1,\"a\":2}", NULL},	 /* a name twice */
	    {"{\"a\":\"x\"", NULL},		 /* cut off */
	    {"\"text\"", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		for (size_t piece = 0; piece < 4; piece++) {
			char *got = json_body(cases[i].body, piece);
			if (cases[i].want) {
				assert_non_null(got);
				assert_string_equal(got, cases[i].want);
			} else {
				assert_null(got);
			}
			free(got);
		}
	/* a body that is no JSON says where it went wrong; one that is JSON
	 * but no object does not pretend to know */
	struct buf ign = BUF_INIT;
	struct body_parser *bp = body_parser_new("application/json", collect, &ign);
	const char *broken = "{\"a\": 1,\n \"b\": นาย}";
	assert_int_equal(body_parser_feed(bp, broken, strlen(broken)), 0);
	assert_int_equal(body_parser_finish(bp), -1);
	int line = 0, col = 0;
	assert_true(body_parser_json_error(bp, &line, &col));
	assert_int_equal(line, 2);
	assert_true(col >= 1);
	body_parser_free(bp);
	bp = body_parser_new("application/json", collect, &ign);
	assert_int_equal(body_parser_feed(bp, "[1]", 3), 0);
	assert_int_equal(body_parser_finish(bp), -1);
	assert_false(body_parser_json_error(bp, &line, &col));
	body_parser_free(bp);
	buf_release(&ign);
	/* a body over BODY_JSON_MAX is refused while it is fed */
	struct buf big = BUF_INIT;
	buf_adds(&big, "{\"a\":\"");
	for (int i = 0; i < BODY_JSON_MAX; i++)
		buf_addc(&big, 'x');
	buf_adds(&big, "\"}");
	char *got = json_body(buf_cstr(&big), 65536);
	assert_null(got);
	buf_release(&big);
}

static void test_token(void **state)
{
	(void)state;
	char a[ACC_API_TOKEN_CHARS + 1], b[ACC_API_TOKEN_CHARS + 1];
	acc_api_token_make(a);
	acc_api_token_make(b);
	assert_int_equal(strlen(a), ACC_API_TOKEN_CHARS);
	assert_memory_equal(a, "khet_", 5);
	assert_true(acc_api_token_format_ok(a));
	assert_string_not_equal(a, b);
	char ha[65], ha2[65], hb[65];
	acc_api_token_hash(a, ha);
	acc_api_token_hash(a, ha2);
	acc_api_token_hash(b, hb);
	assert_int_equal(strlen(ha), 64);
	assert_string_equal(ha, ha2);
	assert_string_not_equal(ha, hb);
	assert_null(strstr(ha, a + 5)); /* the hash is not the token */
	/* SHA-256 of a known text */
	acc_api_token_hash("abc", ha);
	assert_string_equal(ha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_false(acc_api_token_format_ok(NULL));
	assert_false(acc_api_token_format_ok(""));
	assert_false(acc_api_token_format_ok("khet_short"));
	char bad[ACC_API_TOKEN_CHARS + 1];
	memcpy(bad, a, sizeof bad);
	bad[10] = '+';
	assert_false(acc_api_token_format_ok(bad));
	memcpy(bad, a, sizeof bad);
	bad[0] = 'K';
	assert_false(acc_api_token_format_ok(bad));
}

static void test_location_id(void **state)
{
	(void)state;
	assert_int_equal(api_location_id("/oss/requests/42", "/oss/requests/"), 42);
	assert_int_equal(api_location_id("/oss/requests/42?x=1", "/oss/requests/"), 42);
	assert_int_equal(api_location_id("/kpi/reports/42", "/oss/requests/"), -1);
	assert_int_equal(api_location_id(NULL, "/oss/requests/"), -1);
}

static int no_handler(struct req *r)
{
	(void)r;
	return 0;
}

static int no_answer(struct req *r, int status, long long id)
{
	(void)r, (void)status, (void)id;
	return 0;
}

/* A write declared as the page's own handler (api_route.page) names where
 * its answer's id comes from: a prefix of the page's redirect, or a
 * parameter of its path; every module's table is so, and a mistake is
 * found (api_register stops the start on it). */
static void test_route_check(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int pages = 0;
	for (int i = 0; khet_modules[i]; i++) {
		const struct api_def *d = khet_modules[i]->api;
		for (const struct api_route *a = d ? d->routes : NULL; a && a->method; a++) {
			if (api_route_check(a, &e) < 0)
				fail_msg("%s %s: %s", a->method, a->path, e.msg);
			pages += a->page != NULL;
		}
	}
	assert_true(pages >= 20); /* dmc, dpa, bld, kpi, oss writes */
	struct api_route ok = {"POST", "/x/:sid/rounds/:rid/confirm", NULL, .page = no_handler, .answer = no_answer,
			       .id_from = "rid"};
	assert_int_equal(api_route_check(&ok, &e), 0);
	ok.id_from = "sid";
	assert_int_equal(api_route_check(&ok, &e), 0);
	ok.id_from = "/x/";
	assert_int_equal(api_route_check(&ok, &e), 0);
	static const char *const bad_from[] = {"ri", "r", "id", "confirm", "/x", ""};
	for (size_t i = 0; i < sizeof bad_from / sizeof *bad_from; i++) {
		struct api_route bad = ok;
		bad.id_from = bad_from[i];
		assert_int_equal(api_route_check(&bad, &e), -1);
		err_clear(&e);
	}
	struct api_route both = ok, none = ok, no_ans = ok, no_from = ok;
	both.handler = no_handler;
	none.page = NULL;
	no_ans.answer = NULL;
	no_from.id_from = NULL;
	assert_int_equal(api_route_check(&both, &e), -1);
	assert_int_equal(api_route_check(&none, &e), -1);
	assert_int_equal(api_route_check(&no_ans, &e), -1);
	assert_int_equal(api_route_check(&no_from, &e), -1);
	struct api_route plain = {"GET", "/x/:id", no_handler};
	assert_int_equal(api_route_check(&plain, &e), 0);
}

static void test_scopes(void **state)
{
	(void)state;
	assert_true(acc_api_scopes_allow("oss:read kpi:write", "oss:read"));
	assert_true(acc_api_scopes_allow("oss:read kpi:write", "kpi:write"));
	assert_true(acc_api_scopes_allow("oss:read kpi:write", "kpi:read")); /* write holds read */
	assert_false(acc_api_scopes_allow("oss:read kpi:write", "oss:write"));
	assert_false(acc_api_scopes_allow("oss:read", "org:read"));
	assert_false(acc_api_scopes_allow("oss:reader", "oss:read")); /* whole words only */
	assert_false(acc_api_scopes_allow("xoss:write", "oss:read"));
	assert_false(acc_api_scopes_allow("", "oss:read"));
	assert_true(acc_api_scopes_allow("", NULL));
	assert_true(acc_api_scopes_allow("org:read", ""));
	/* the form's list: known scopes only, sorted, once each */
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	json_t *v = json_pack("[s,s,s]", "oss:write", "org:read", "oss:write");
	assert_int_equal(acc_api_scopes_join(v, &out, &e), 0);
	assert_string_equal(buf_cstr(&out), "org:read oss:write");
	json_decref(v);
	v = json_pack("[s]", "oss:admin");
	assert_int_equal(acc_api_scopes_join(v, &out, &e), -1);
	assert_string_equal(e.field, "scopes");
	json_decref(v);
	err_clear(&e);
	v = json_array();
	assert_int_equal(acc_api_scopes_join(v, &out, &e), -1);
	json_decref(v);
	/* a module's write is offered only when some route asks for it: the
	 * calendar has reads only, so "cal:write" is no choice (it would show
	 * on the token form as a right that does nothing) */
	v = json_pack("[s]", "cal:write");
	assert_int_equal(acc_api_scopes_join(v, &out, &e), -1);
	json_decref(v);
	err_clear(&e);
	bool cal_read = false;
	for (const struct choice *c = api_scope_choices(); c->value; c++) {
		assert_string_not_equal(c->value, "cal:write");
		cal_read = cal_read || !strcmp(c->value, "cal:read");
	}
	assert_true(cal_read);
	buf_release(&out);
}


/* The list's JSON written straight (core/jsonx.c jx_buf_string, api_buf_*)
 * is byte for byte what json_dumps writes for the same values. */
static void test_straight_json(void **state)
{
	(void)state;
	static const char *const strs[] = {
	    "", "abc", "นายสมชาย ใจดี", "a\"b\\c/d", "line\nnext\r\ttab\b\f", "\x01\x1f end",
	    "ผสม \"quote\" และ\tแท็บ 0123456789012345", "emoji \xF0\x9F\x98\x80 ok",
	};
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
		struct buf b = BUF_INIT;
		jx_buf_str(&b, strs[i]);
		json_t *j = json_string(strs[i]);
		char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
		assert_string_equal(buf_cstr(&b), want);
		free(want);
		json_decref(j);
		buf_release(&b);
	}
	/* not UTF-8: each bad byte is U+FFFD, the answer stays JSON */
	struct buf b = BUF_INIT;
	static const char bad[] = "a\xFF\xE0\xB8" "b\xE0\xB8\x81";
	jx_buf_string(&b, bad, sizeof bad - 1);
	assert_string_equal(buf_cstr(&b), "\"a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b\xE0\xB8\x81\"");
	json_t *back = json_loads(buf_cstr(&b), JSON_DECODE_ANY, NULL);
	assert_non_null(back);
	json_decref(back);
	buf_reset(&b);
	jx_buf_str(&b, NULL);
	assert_string_equal(buf_cstr(&b), "\"\"");
	/* times and enums as api_time and api_enum give them */
	/* api_buf_time keeps the dates of the last two days it wrote: the
	 * same day again, two days in turn, a third, the day's first and last
	 * second in Bangkok, and past 9999 (thai_local clamps it) twice */
	static const long long times[] = {0,	      -5,	  1796625300,	   946684799,	  4102444800LL,
					  1796625301, 946684799,  1796625300 + 86400, 1796625302, 946684800,
					  1796576400, 1796576399, 1796662799,	   300000000000LL, 300000000000LL,
					  1796625300};
	for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
		buf_reset(&b);
		api_buf_time(&b, times[i]);
		json_t *t = api_time(times[i]);
		char *want = json_dumps(t, JSON_ENCODE_ANY | JSON_COMPACT);
		assert_string_equal(buf_cstr(&b), want);
		free(want);
		json_decref(t);
	}
	buf_reset(&b);
	api_buf_enum(&b, "in_progress", "กำลัง \"ดำเนินการ\"");
	json_t *en = api_enum("in_progress", "กำลัง \"ดำเนินการ\"");
	char *want = json_dumps(en, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(buf_cstr(&b), want);
	free(want);
	json_decref(en);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_page_parse), cmocka_unit_test(test_types), cmocka_unit_test(test_straight_json),  cmocka_unit_test(test_json_body),
	    cmocka_unit_test(test_token),      cmocka_unit_test(test_scopes), cmocka_unit_test(test_location_id),
	    cmocka_unit_test(test_route_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
