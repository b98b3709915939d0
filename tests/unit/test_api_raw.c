/* test_api_raw: X-5 for an API list written straight (core/api.c
 * api_raw_*): a query with a personal column (e-mail, phone, citizen ID,
 * salary … by core/personal.h's names) that the list did not declare is
 * refused before its first row (500 naming the column), so no personal
 * column can be left undeclared silently; declared ones are reported to the
 * personal hook (personal.read, naming the route) with each row's value; a
 * list that never began its check is refused. On SQLite and PostgreSQL
 * (the column names come from each engine's result). */
#define SCHEMA "khet_unit_api_raw"

#include "engine.h"

#include <microhttpd.h>

#include "core/api.h"
#include "core/buf.h"
#include "core/http_internal.h"
#include "core/jsonx.h"
#include "core/view.h"

#define QUERY                                                                                                          \
	"SELECT id, email, CAST('x' AS TEXT) AS applicant_name FROM (SELECT 1 AS id, CAST('a@x.org' AS TEXT) AS "     \
	"email UNION ALL SELECT 2, CAST('' AS TEXT) UNION ALL SELECT 3, NULL UNION ALL SELECT 4, "                      \
	"CAST('b@x.org' AS TEXT)) t ORDER BY id"

static json_t *reported;
static char reported_what[200];

static void hook(struct req *r, const char *what, json_t *shown)
{
	(void)r;
	snprintf(reported_what, sizeof reported_what, "%s", what);
	json_decref(reported);
	reported = json_deep_copy(shown);
}

static struct db_res *query(struct engine *en)
{
	struct db_res *res = NULL;
	struct err e = ERR_INIT;
	if (db_query(en->db, QUERY, NULL, 0, &res, &e) < 0)
		fail_msg("query: %s", e.msg);
	return res;
}

static void fake_req(struct req *r)
{
	memset(r, 0, sizeof *r);
	r->method = "GET";
	r->path = "/api/v1/things";
	snprintf(r->id, sizeof r->id, "t1");
}

static void req_done(struct req *r)
{
	req_discard_answer(r, 0);
	free(r->headers);
}

static void test_undeclared_personal_column_refused(void **state)
{
	struct engine *en = *state;
	struct db_res *res = query(en);
	struct api_raw raw = API_RAW_INIT;
	struct err e = ERR_INIT;
	assert_int_equal(api_raw_begin(&raw, res, NULL, &e), -1);
	assert_int_equal(e.status, 500);
	assert_non_null(strstr(e.msg, "email"));
	assert_false(raw.begun);
	/* declaring another column does not cover it */
	static const char *const other[] = {"phone", "applicant_name", NULL};
	err_clear(&e);
	assert_int_equal(api_raw_begin(&raw, res, other, &e), -1);
	assert_non_null(strstr(e.msg, "email"));
	db_res_free(res);
	/* and a list that never began its check answers 500, not its rows */
	struct req r;
	fake_req(&r);
	struct api_page pg = {.page = 1, .per_page = 50};
	struct buf items = BUF_INIT;
	buf_adds(&items, "[{\"email\":\"a@x.org\"}]");
	json_decref(reported);
	reported = NULL;
	view_set_personal_hook(hook);
	assert_int_equal(api_list_raw(&r, &pg, &items, 1, &raw), 0);
	assert_int_equal(r.status, 500);
	assert_null(reported);
	req_done(&r);
	fake_req(&r);
	buf_adds(&items, "[]");
	assert_int_equal(api_list_raw(&r, &pg, &items, 0, NULL), 0);
	assert_int_equal(r.status, 500);
	req_done(&r);
	view_set_personal_hook(NULL);
}

static void test_declared_column_reported(void **state)
{
	struct engine *en = *state;
	struct db_res *res = query(en);
	struct api_raw raw = API_RAW_INIT;
	struct err e = ERR_INIT;
	static const char *const declared[] = {"email", NULL};
	assert_int_equal(api_raw_begin(&raw, res, declared, &e), 0);
	struct buf items = BUF_INIT;
	buf_addc(&items, '[');
	int rc, n = 0;
	while ((rc = db_next(res, &e)) > 0) {
		api_raw_row(&raw, res);
		n++;
		buf_addf(&items, "%s{\"id\":%d}", n > 1 ? "," : "", n);
	}
	assert_int_equal(rc, 0);
	buf_addc(&items, ']');
	db_res_free(res);
	struct req r;
	fake_req(&r);
	struct api_page pg = {.page = 1, .per_page = 50};
	json_decref(reported);
	reported = NULL;
	view_set_personal_hook(hook);
	assert_int_equal(api_list_raw(&r, &pg, &items, 4, &raw), 0);
	view_set_personal_hook(NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(reported_what, "api:GET /api/v1/things");
	/* the two rows with an e-mail; the empty one and NULL are none */
	assert_int_equal(json_array_size(reported), 2);
	assert_string_equal(jstr(json_array_get(reported, 0), "path"), "items[].email");
	assert_string_equal(jstr(json_array_get(reported, 0), "value"), "a@x.org");
	assert_string_equal(jstr(json_array_get(reported, 1), "value"), "b@x.org");
	assert_null(raw.shown);
	req_done(&r);
	json_decref(reported);
	reported = NULL;

	/* a list with no personal column reports nothing */
	struct db_res *plain = NULL;
	assert_int_equal(db_query(en->db, "SELECT 1 AS id, CAST('x' AS TEXT) AS applicant_name", NULL, 0, &plain, &e), 0);
	struct api_raw none = API_RAW_INIT;
	assert_int_equal(api_raw_begin(&none, plain, NULL, &e), 0);
	while (db_next(plain, &e) > 0)
		api_raw_row(&none, plain);
	db_res_free(plain);
	fake_req(&r);
	buf_adds(&items, "[{\"id\":1}]");
	view_set_personal_hook(hook);
	assert_int_equal(api_list_raw(&r, &pg, &items, 1, &none), 0);
	view_set_personal_hook(NULL);
	assert_int_equal(r.status, 200);
	assert_null(reported);
	req_done(&r);
}

#define ENGINE_TESTS cmocka_unit_test(test_undeclared_personal_column_refused), cmocka_unit_test(test_declared_column_reported)

int main(void)
{
	const struct CMUnitTest tests[] = {ENGINE_TESTS};
	return run_engine_groups("api_raw", tests);
}
