/* test_audit: the audit trail (src/core/audit.c, migration 0004) — rows as
 * written, the database refusing UPDATE and DELETE (and TRUNCATE on
 * PostgreSQL), the list's filters and paging, and the CSV export (BOM, Thai
 * header and dates, quoting, formula defusing). Runs on SQLite (a temp
 * file) and, when KHET_TEST_PG holds a postgres:// URL, on PostgreSQL too,
 * in a schema of its own (as test_db.c does). Rows cannot be deleted, so
 * each test writes under area ids of its own. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/db.h"
#include "core/thai.h"

#define SCHEMA "khet_unit_audit"

#include "engine.h"

static long long count(struct db *db, const char *sql)
{
	struct err e = ERR_INIT;
	long long n = -1;
	if (db_int_value(db, sql, NULL, 0, &n, &e) != 1)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

static void add(struct db *db, const struct audit_entry *a)
{
	struct err e = ERR_INIT;
	if (audit_add(db, a, &e))
		fail_msg("audit_add %s: %s", a->action, e.msg);
}

static json_t *list(struct db *db, const struct audit_filter *f)
{
	struct err e = ERR_INIT;
	json_t *j = audit_list(db, f, &e);
	if (!j)
		fail_msg("audit_list: %s", e.msg);
	return j;
}

static long long jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "(null)";
}

static void test_add_values(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	json_t *detail = json_pack("{s:s, s:i, s:[s]}", "email", "สมชาย@example.ac.th", "n", 3, "list", "ก ข");
	long long before = (long long)time(NULL);
	add(db, &(struct audit_entry){.actor_user_id = 7,
				      .actor_role = "area_admin",
				      .area_id = 101,
				      .ip = "203.0.113.9",
				      .action = "user.cancel",
				      .target_type = "user",
				      .target_id = 42,
				      .detail = detail});
	/* the detail is borrowed: still ours */
	assert_int_equal(detail->refcount, 1);
	json_decref(detail);
	json_t *row = db_row_json(db, "SELECT * FROM audit WHERE area_id = 101", NULL, 0, &e);
	if (!row)
		fail_msg("%s", e.msg);
	assert_true(jint(row, "at") >= before && jint(row, "at") <= (long long)time(NULL));
	assert_int_equal(jint(row, "actor_user_id"), 7);
	assert_string_equal(jstr(row, "actor_role"), "area_admin");
	assert_string_equal(jstr(row, "ip"), "203.0.113.9");
	assert_string_equal(jstr(row, "action"), "user.cancel");
	assert_string_equal(jstr(row, "target_type"), "user");
	assert_int_equal(jint(row, "target_id"), 42);
	/* compact JSON, Thai kept as UTF-8 */
	assert_string_equal(jstr(row, "detail"), "{\"email\":\"สมชาย@example.ac.th\",\"n\":3,\"list\":[\"ก ข\"]}");
	json_decref(row);

	/* zeros and NULLs: no actor, no target, no detail */
	add(db, &(struct audit_entry){.at = 1700000000, .area_id = 102, .action = "auth.signin_failed"});
	row = db_row_json(db, "SELECT * FROM audit WHERE area_id = 102", NULL, 0, &e);
	if (!row)
		fail_msg("%s", e.msg);
	assert_int_equal(jint(row, "at"), 1700000000);
	assert_true(json_is_null(json_object_get(row, "actor_user_id")));
	assert_true(json_is_null(json_object_get(row, "target_id")));
	assert_true(json_is_null(json_object_get(row, "detail")));
	assert_string_equal(jstr(row, "actor_role"), "");
	assert_string_equal(jstr(row, "ip"), "");
	assert_string_equal(jstr(row, "target_type"), "");
	json_decref(row);
	/* no area at all is NULL too */
	add(db, &(struct audit_entry){.at = 1700000000, .action = "system.noarea", .ip = "::1"});
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit WHERE action = 'system.noarea' AND area_id IS NULL"), 1);

	/* an action is required */
	assert_int_equal(audit_add(db, &(struct audit_entry){.area_id = 103}, &e), -1);
	assert_int_equal(e.status, 500);
	err_clear(&e);
	assert_int_equal(audit_add(db, &(struct audit_entry){.area_id = 103, .action = ""}, &e), -1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit WHERE area_id = 103"), 0);
}

static void test_append_only(void **state)
{
	struct engine *en = *state;
	struct db *db = en->db;
	struct err e = ERR_INIT;
	add(db, &(struct audit_entry){.at = 1700000000, .area_id = 201, .actor_user_id = 5, .action = "grant.add"});
	add(db, &(struct audit_entry){.at = 1700000001, .area_id = 201, .actor_user_id = 5, .action = "grant.add"});

	/* the database refuses, whatever the WHERE */
	assert_int_equal(db_exec(db, "UPDATE audit SET action = 'grant.nothing' WHERE area_id = 201", NULL, 0, &e), -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "append-only"));
	err_clear(&e);
	assert_int_equal(db_exec(db, "UPDATE audit SET actor_user_id = NULL", NULL, 0, &e), -1);
	err_clear(&e);
	assert_int_equal(db_exec(db, "DELETE FROM audit WHERE area_id = 201", NULL, 0, &e), -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "append-only"));
	err_clear(&e);
	assert_int_equal(db_exec(db, "DELETE FROM audit", NULL, 0, &e), -1);
	err_clear(&e);
	/* inside a transaction too; rolling back leaves the rows as they were */
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(db_exec(db, "DELETE FROM audit WHERE area_id = 201", NULL, 0, &e), -1);
	db_rollback(db);
	err_clear(&e);
	if (en->kind == DB_POSTGRES) {
		assert_int_equal(db_exec_script(db, "TRUNCATE audit", &e), -1);
		assert_non_null(strstr(e.msg, "append-only"));
		err_clear(&e);
	}
	/* an INSERT … ON CONFLICT DO UPDATE cannot rewrite a row either */
	long long id = 0;
	assert_int_equal(db_int_value(db, "SELECT MIN(id) FROM audit WHERE area_id = 201", NULL, 0, &id, &e), 1);
	assert_int_equal(db_exec(db,
				 "INSERT INTO audit (id, at, action) VALUES ($1, 1, 'forged') "
				 "ON CONFLICT (id) DO UPDATE SET action = 'forged'",
				 DB_ARGS(DB_INT(id)), &e),
			 -1);
	err_clear(&e);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit WHERE area_id = 201 AND action = 'grant.add' "
				   "AND actor_user_id = 5"),
			 2);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit WHERE action = 'forged'"), 0);
	/* adding still works after all that */
	add(db, &(struct audit_entry){.area_id = 201, .action = "grant.revoke"});
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit WHERE area_id = 201"), 3);
}

/* 30 rows in areas 301 and 302, one a minute from t0, actors 1–3,
 * actions cycling user.cancel / user.reset_password / grant.add, targets
 * user 1000+i%5. Row i is at t0 + 60*i. */
static const long long t0 = 1718000000;

static void fill(struct db *db)
{
	static const char *actions[] = {"user.cancel", "user.reset_password", "grant.add"};
	for (int i = 0; i < 30; i++)
		add(db, &(struct audit_entry){.at = t0 + 60 * i,
					      .actor_user_id = 1 + i % 3,
					      .actor_role = "area_admin",
					      .area_id = i < 20 ? 301 : 302,
					      .ip = "10.0.0.1",
					      .action = actions[i % 3],
					      .target_type = "user",
					      .target_id = 1000 + i % 5,
					      .detail = NULL});
}

static void test_list_filters(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	fill(db);
	/* one area, newest first */
	json_t *j = list(db, &(struct audit_filter){.area_id = 301});
	assert_int_equal(jint(j, "total"), 20);
	assert_int_equal(jint(j, "page"), 1);
	assert_int_equal(jint(j, "pages"), 1);
	assert_int_equal(jint(j, "per_page"), 50);
	json_t *rows = json_object_get(j, "rows");
	assert_int_equal(json_array_size(rows), 20);
	assert_int_equal(jint(json_array_get(rows, 0), "at"), t0 + 60 * 19);
	assert_int_equal(jint(json_array_get(rows, 19), "at"), t0);
	/* each row: the columns, the Thai time, detail as JSON */
	json_t *r0 = json_array_get(rows, 0);
	struct buf want = BUF_INIT;
	thai_datetime_short(&want, t0 + 60 * 19);
	assert_string_equal(jstr(r0, "at_text"), buf_cstr(&want));
	buf_release(&want);
	assert_non_null(strstr(jstr(r0, "at_text"), "2567"));		/* BE year */
	assert_string_equal(jstr(r0, "action"), "user.reset_password"); /* row 19 */
	assert_int_equal(jint(r0, "actor_user_id"), 2);
	json_decref(j);
}

static void test_list_more_filters(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	/* rows of test_list_filters are there (tests run in order) */
	json_t *j;
	/* actor 2 in area 301: i in 0..19 with i%3 == 1 */
	j = list(db, &(struct audit_filter){.area_id = 301, .actor_user_id = 2});
	assert_int_equal(jint(j, "total"), 7);
	json_decref(j);
	/* action prefix: "user." matches both user actions, not grant.add */
	j = list(db, &(struct audit_filter){.area_id = 301, .action_prefix = "user."});
	assert_int_equal(jint(j, "total"), 14);
	json_decref(j);
	j = list(db, &(struct audit_filter){.area_id = 301, .action_prefix = "user.reset"});
	assert_int_equal(jint(j, "total"), 7);
	json_decref(j);
	/* a LIKE pattern character is just a character */
	j = list(db, &(struct audit_filter){.area_id = 301, .action_prefix = "user%"});
	assert_int_equal(jint(j, "total"), 0);
	json_decref(j);
	j = list(db, &(struct audit_filter){.area_id = 301, .action_prefix = "_ser"});
	assert_int_equal(jint(j, "total"), 0);
	json_decref(j);
	/* one account's history, across areas for the super admin */
	j = list(db, &(struct audit_filter){.target_type = "user", .target_id = 1003});
	assert_int_equal(jint(j, "total"), 6); /* i = 3, 8, 13, 18, 23, 28 */
	json_decref(j);
	j = list(db, &(struct audit_filter){.area_id = 302, .target_type = "user", .target_id = 1003});
	assert_int_equal(jint(j, "total"), 2);
	json_decref(j);
	/* every area (super admin): at least the 30 */
	j = list(db, &(struct audit_filter){.action_prefix = "user.", .from = t0, .to = t0 + 60 * 30});
	assert_int_equal(jint(j, "total"), 20);
	json_decref(j);
	/* date range: from inclusive, to exclusive */
	j = list(db, &(struct audit_filter){.area_id = 301, .from = t0 + 60 * 5, .to = t0 + 60 * 10});
	assert_int_equal(jint(j, "total"), 5);
	json_t *rows = json_object_get(j, "rows");
	assert_int_equal(jint(json_array_get(rows, 0), "at"), t0 + 60 * 9);
	assert_int_equal(jint(json_array_get(rows, 4), "at"), t0 + 60 * 5);
	json_decref(j);
	j = list(db, &(struct audit_filter){.area_id = 301, .from = t0 + 60 * 18});
	assert_int_equal(jint(j, "total"), 2);
	json_decref(j);
	j = list(db, &(struct audit_filter){.area_id = 301, .to = t0 + 60});
	assert_int_equal(jint(j, "total"), 1);
	json_decref(j);
	/* a range that ends before it starts is the user's mistake */
	struct err e = ERR_INIT;
	assert_null(audit_list(db, &(struct audit_filter){.area_id = 301, .from = t0 + 10, .to = t0}, &e));
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "ช่วงวันที่"));
	/* an area with nothing */
	j = list(db, &(struct audit_filter){.area_id = 399});
	assert_int_equal(jint(j, "total"), 0);
	assert_int_equal(jint(j, "pages"), 1);
	assert_int_equal(json_array_size(json_object_get(j, "rows")), 0);
	json_decref(j);
}

static void test_list_paging(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	/* same timestamp: newer id first */
	for (int i = 0; i < 3; i++)
		add(db, &(struct audit_entry){.at = t0, .area_id = 303, .action = "tie", .target_id = i + 1});
	json_t *j = list(db, &(struct audit_filter){.area_id = 303});
	json_t *rows = json_object_get(j, "rows");
	assert_int_equal(jint(json_array_get(rows, 0), "target_id"), 3);
	assert_int_equal(jint(json_array_get(rows, 2), "target_id"), 1);
	json_decref(j);

	/* 20 rows of area 301, 7 a page: pages 3, the last has 6 */
	j = list(db, &(struct audit_filter){.area_id = 301, .per_page = 7, .page = 2});
	assert_int_equal(jint(j, "total"), 20);
	assert_int_equal(jint(j, "pages"), 3);
	assert_int_equal(jint(j, "page"), 2);
	rows = json_object_get(j, "rows");
	assert_int_equal(json_array_size(rows), 7);
	assert_int_equal(jint(json_array_get(rows, 0), "at"), t0 + 60 * 12);
	json_decref(j);
	j = list(db, &(struct audit_filter){.area_id = 301, .per_page = 7, .page = 3});
	rows = json_object_get(j, "rows");
	assert_int_equal(json_array_size(rows), 6);
	assert_int_equal(jint(json_array_get(rows, 5), "at"), t0);
	json_decref(j);
	/* past the end reads as the last page; 0 and negatives as the first */
	j = list(db, &(struct audit_filter){.area_id = 301, .per_page = 7, .page = 99});
	assert_int_equal(jint(j, "page"), 3);
	assert_int_equal(json_array_size(json_object_get(j, "rows")), 6);
	json_decref(j);
	j = list(db, &(struct audit_filter){.area_id = 301, .per_page = 7, .page = -4});
	assert_int_equal(jint(j, "page"), 1);
	json_decref(j);
	/* per_page is capped */
	j = list(db, &(struct audit_filter){.area_id = 301, .per_page = 100000});
	assert_int_equal(jint(j, "per_page"), 500);
	json_decref(j);
	/* exactly a whole number of pages */
	j = list(db, &(struct audit_filter){.area_id = 301, .per_page = 10});
	assert_int_equal(jint(j, "pages"), 2);
	json_decref(j);
}

static void test_list_detail(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	json_t *d = json_pack("{s:s, s:i}", "reason", "ย้ายโรงเรียน", "school_id", 77);
	add(db, &(struct audit_entry){.at = t0, .area_id = 304, .action = "user.cancel", .detail = d});
	json_decref(d);
	json_t *j = list(db, &(struct audit_filter){.area_id = 304});
	json_t *row = json_array_get(json_object_get(j, "rows"), 0);
	json_t *detail = json_object_get(row, "detail");
	assert_true(json_is_object(detail));
	assert_string_equal(jstr(detail, "reason"), "ย้ายโรงเรียน");
	assert_int_equal(jint(detail, "school_id"), 77);
	json_decref(j);
}

/* The lines of a CSV text (CRLF-separated), without the last empty one. */
static int csv_lines(const char *s, char lines[][512], int max)
{
	int n = 0;
	while (*s && n < max) {
		const char *end = strstr(s, "\r\n");
		assert_non_null(end); /* every line ends in CRLF */
		size_t len = (size_t)(end - s);
		assert_true(len < 512);
		memcpy(lines[n], s, len);
		lines[n][len] = 0;
		n++;
		s = end + 2;
	}
	return n;
}

static void test_csv(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	/* 25 มิ.ย. 2567, 13:11 น. Bangkok */
	long long at = thai_from_local(2024, 6, 25, 13, 11, 0);
	json_t *d = json_pack("{s:s}", "note", "a \"quoted\", word");
	add(db, &(struct audit_entry){.at = at,
				      .actor_user_id = 9,
				      .actor_role = "=HYPERLINK(\"http://evil\")",
				      .area_id = 401,
				      .ip = "@SUM(1+1)",
				      .action = "user.cancel",
				      .target_type = "+user",
				      .target_id = 55,
				      .detail = d});
	json_decref(d);
	add(db, &(struct audit_entry){.at = at - 3600, .area_id = 401, .action = "-personal.read", .ip = "10.1.1.1"});
	add(db, &(struct audit_entry){.at = at, .area_id = 402, .action = "other.area"});

	struct buf out = BUF_INIT;
	assert_int_equal(audit_csv(db, &(struct audit_filter){.area_id = 401, .page = 5, .per_page = 1}, &out, &e), 0);
	const char *s = buf_cstr(&out);
	/* UTF-8 BOM first, so Excel reads Thai */
	assert_memory_equal(s, "\xEF\xBB\xBF", 3);
	char lines[8][512];
	int n = csv_lines(s + 3, lines, 8);
	/* header + 2 rows: paging ignored, other areas not included */
	assert_int_equal(n, 3);
	assert_string_equal(lines[0], "ลำดับที่,วันเวลา,รหัสผู้ดำเนินการ,บทบาท,รหัสเขตพื้นที่,ที่อยู่ IP,การดำเนินการ,"
				      "ประเภทเป้าหมาย,รหัสเป้าหมาย,รายละเอียด");
	/* newest first; the Thai time has a comma, so it is quoted; formula
	 * starters get a quote mark; the JSON detail is quoted with doubled
	 * quotes */
	const char *row = lines[1];
	assert_non_null(strstr(row, ",\"25 มิ.ย. 2567, 13:11 น.\",9,"));
	assert_non_null(strstr(row, ",\"'=HYPERLINK(\"\"http://evil\"\")\","));
	assert_non_null(strstr(row, ",401,'@SUM(1+1),user.cancel,'+user,55,"));
	assert_non_null(strstr(row, ",\"{\"\"note\"\":\"\"a \\\"\"quoted\\\"\", word\"\"}\""));
	/* a NULL actor and target are empty fields; the id comes first */
	row = lines[2];
	assert_non_null(strstr(row, ",\"25 มิ.ย. 2567, 12:11 น.\",,,401,10.1.1.1,'-personal.read,,,"));
	long long id = 0;
	assert_int_equal(db_int_value(db, "SELECT id FROM audit WHERE action = '-personal.read'", NULL, 0, &id, &e), 1);
	char idtxt[32];
	snprintf(idtxt, sizeof idtxt, "%lld,", id);
	assert_int_equal(strncmp(row, idtxt, strlen(idtxt)), 0);
	buf_release(&out);

	/* filters apply as in the list */
	assert_int_equal(audit_csv(db, &(struct audit_filter){.area_id = 401, .action_prefix = "user."}, &out, &e), 0);
	assert_int_equal(csv_lines(buf_cstr(&out) + 3, lines, 8), 2);
	buf_release(&out);
	/* nothing matches: the header alone */
	assert_int_equal(audit_csv(db, &(struct audit_filter){.area_id = 499}, &out, &e), 0);
	assert_int_equal(csv_lines(buf_cstr(&out) + 3, lines, 8), 1);
	buf_release(&out);
	/* a bad range is refused before anything is written */
	assert_int_equal(audit_csv(db, &(struct audit_filter){.area_id = 401, .from = 5, .to = 4}, &out, &e), -1);
	assert_int_equal(e.status, 400);
	assert_int_equal(out.len, 0);
}

static void test_csv_too_many(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	/* one more row than an export may hold, made by the engine itself */
	long long n = db_exec(db,
			      "INSERT INTO audit (at, area_id, action) "
			      "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < $1) "
			      "SELECT 1700000000 + n, 501, 'bulk.row' FROM c",
			      DB_ARGS(DB_INT(AUDIT_CSV_MAX_ROWS + 1)), &e);
	if (n < 0)
		fail_msg("bulk insert: %s", e.msg);
	assert_int_equal(n, AUDIT_CSV_MAX_ROWS + 1);
	struct buf out = BUF_INIT;
	assert_int_equal(audit_csv(db, &(struct audit_filter){.area_id = 501}, &out, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "ช่วงวันที่"));
	assert_int_equal(out.len, 0);
	err_clear(&e);
	/* a narrower range goes through */
	assert_int_equal(audit_csv(db,
				   &(struct audit_filter){.area_id = 501, .from = 1700000001, .to = 1700000001 + 1000},
				   &out, &e),
			 0);
	int lines = 0;
	for (const char *p = buf_cstr(&out); (p = strstr(p, "\r\n")); p += 2)
		lines++;
	assert_int_equal(lines, 1001);
	buf_release(&out);
	/* the list pages through them */
	json_t *j = list(db, &(struct audit_filter){.area_id = 501, .page = 2});
	assert_int_equal(jint(j, "total"), AUDIT_CSV_MAX_ROWS + 1);
	assert_int_equal(jint(j, "pages"), (AUDIT_CSV_MAX_ROWS + 1 + 49) / 50);
	assert_int_equal(jint(json_array_get(json_object_get(j, "rows"), 0), "at"),
			 1700000000 + AUDIT_CSV_MAX_ROWS + 1 - 50);
	json_decref(j);
}

#define ENGINE_TESTS                                                                                                   \
	cmocka_unit_test(test_add_values), cmocka_unit_test(test_append_only), cmocka_unit_test(test_list_filters),    \
	    cmocka_unit_test(test_list_more_filters), cmocka_unit_test(test_list_paging),                              \
	    cmocka_unit_test(test_list_detail), cmocka_unit_test(test_csv), cmocka_unit_test(test_csv_too_many)

int main(void)
{
	const struct CMUnitTest tests[] = {ENGINE_TESTS};
	int failed = run_engine_groups("audit", tests);
	return failed ? 1 : 0;
}
