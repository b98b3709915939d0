/* test_acc_requests: the rules of access requests (ACC-4) and school-admin
 * registration (ACC-5). First the pure parts — the permission catalogue,
 * what a request must name, what a delegate must bring — then the
 * permission matrix on a fresh SQLite database and, when KHET_TEST_PG holds
 * a postgres:// URL, on PostgreSQL in a schema of its own. */
#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acc/acc_internal.h"
#include "core/db.h"
#include "core/form.h"
#include "org/org.h"
#include "oss/oss.h"

#define SCHEMA "khet_unit_acc_requests"

/* --- pure ------------------------------------------------------------------ */

static void test_catalogue(void **state)
{
	(void)state;
	size_t n = 0, officers = 0;
	const struct permission_def *p;
	for (; (p = module_permission_at((int)n)); n++) {
		/* every permission is a known role; keys are unique */
		assert_true(module_role_bit(p->role) != 0);
		assert_ptr_equal(module_permission(p->key), p);
		if (!strcmp(p->role, "officer")) {
			/* one column per OSS service, each a real service */
			assert_true(oss_service_valid(p->qualifier));
			officers++;
		} else {
			assert_string_equal(p->qualifier, "");
			assert_string_equal(p->key, p->role);
		}
	}
	assert_int_equal(officers, OSS_SERVICE_COUNT);
	assert_true(n >= 10);
	assert_null(module_permission("officer:99"));
	assert_null(module_permission(""));
	assert_null(module_permission(NULL));
	/* the admin roles come through ACC-5 and the super admin, not requests */
	assert_false(module_permission("school_admin")->requestable);
	assert_false(module_permission("area_admin")->requestable);
	assert_true(module_permission("teacher")->requestable);
	assert_true(module_permission("officer:41")->requestable);
}

static void expect_field(int rc, struct err *e, const char *field, const char *words)
{
	assert_int_equal(rc, -1);
	assert_int_equal(e->status, 400);
	assert_string_equal(e->field, field);
	if (words && !strstr(e->msg, words))
		fail_msg("message \"%s\" lacks \"%s\"", e->msg, words);
	err_clear(e);
}

static void test_target_check(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_int_equal(acc_request_target_check("teacher", 5, 0, &e), 0);
	assert_int_equal(acc_request_target_check("officer:12", 0, 0, &e), 0);
	assert_int_equal(acc_request_target_check("kpi_owner", 0, 3, &e), 0);
	assert_int_equal(acc_request_target_check("kpi_reviewer", 0, 0, &e), 0);
	assert_int_equal(acc_request_target_check("kpi_reviewer", 0, 3, &e), 0);
	expect_field(acc_request_target_check("school_admin", 5, 0, &e), &e, "permission", "เลือกสิทธิ์");
	expect_field(acc_request_target_check("area_admin", 0, 0, &e), &e, "permission", NULL);
	expect_field(acc_request_target_check("nobody", 0, 0, &e), &e, "permission", NULL);
	expect_field(acc_request_target_check("teacher", 0, 0, &e), &e, "school_id", "ต้องเลือกโรงเรียน");
	expect_field(acc_request_target_check("homeroom", 4, 2, &e), &e, "work_group_id", "ไม่ต้องเลือกกลุ่มงาน");
	expect_field(acc_request_target_check("officer:11", 4, 0, &e), &e, "school_id", "ไม่ต้องเลือกโรงเรียน");
	expect_field(acc_request_target_check("kpi_owner", 0, 0, &e), &e, "work_group_id", "ต้องเลือกกลุ่มงาน");
	expect_field(acc_request_target_check("executive", 0, 7, &e), &e, "work_group_id", NULL);
}

static void test_registrant_check(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	/* the director needs neither letter nor delegator */
	assert_int_equal(acc_schooladmin_registrant_check("director", false, "", &e), 0);
	assert_int_equal(acc_schooladmin_registrant_check("deputy", true, "นายสมศักดิ์ ใจดี", &e), 0);
	assert_int_equal(acc_schooladmin_registrant_check("teacher", true, "นายสมศักดิ์ ใจดี", &e), 0);
	expect_field(acc_schooladmin_registrant_check("teacher", false, "นายสมศักดิ์ ใจดี", &e), &e, "letter",
		     "หนังสือมอบหมาย");
	expect_field(acc_schooladmin_registrant_check("deputy", true, "", &e), &e, "delegated_by", "ชื่อผู้อำนวยการ");
	expect_field(acc_schooladmin_registrant_check("janitor", true, "x", &e), &e, "registrant", NULL);
	expect_field(acc_schooladmin_registrant_check(NULL, true, "x", &e), &e, "registrant", NULL);
}

/* --- the matrix, stored -------------------------------------------------------- */

#include "engine.h"

/* What each engine's tests share: the demo's two areas. */
struct ids {
	long long area1, area2;
};
static struct ids sqlite_ids, pg_ids;

static long long uid(struct db *db, const char *username)
{
	struct err e = ERR_INIT;
	long long v = -1;
	if (db_int_value(db, "SELECT id FROM users WHERE username = $1", DB_ARGS(DB_TEXT(username)), &v, &e) != 1)
		fail_msg("user %s: %s", username, e.msg);
	return v;
}

static long long area(struct db *db, const char *code)
{
	struct err e = ERR_INIT;
	long long v = -1;
	if (db_int_value(db, "SELECT id FROM areas WHERE code = $1", DB_ARGS(DB_TEXT(code)), &v, &e) != 1)
		fail_msg("area %s: %s", code, e.msg);
	return v;
}

/* engine_after_migrate: the demo (3 schools an area) and its areas. */
static int seed(struct engine *en, struct err *e)
{
	struct ids *ids = en->kind == DB_SQLITE ? &sqlite_ids : &pg_ids;
	en->data = ids;
	if (org_demo(en->db, 3, e) < 0 || acc_demo(en->db, e) < 0 || oss_demo(en->db, 0, e) < 0)
		return -1;
	ids->area1 = area(en->db, "3502");
	ids->area2 = area(en->db, "6201");
	return 0;
}

/* The column of key in a matrix. */
static json_t *column(json_t *mx, const char *key)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(mx, "columns"), i,
			   c) if (!strcmp(json_string_value(json_object_get(c, "key")), key)) return c;
	fail_msg("no column %s", key);
	return NULL;
}

static const char *status(json_t *mx, const char *key)
{
	return json_string_value(json_object_get(column(mx, key), "status"));
}

static void test_matrix(void **state)
{
	struct engine *en = *state;
	const struct ids *d = en->data;
	struct db *db = en->db;
	struct err e = ERR_INIT;
	/* one column per permission, in catalogue order */
	json_t *mx = acc_permission_matrix(db, uid(db, "schooladmin"), 0, &e);
	assert_non_null(mx);
	size_t n = 0;
	for (const struct permission_def *p; (p = module_permission_at((int)n)); n++)
		assert_string_equal(
		    json_string_value(json_object_get(json_array_get(json_object_get(mx, "columns"), n), "key")),
		    p->key);
	assert_int_equal(json_array_size(json_object_get(mx, "columns")), n);
	assert_string_equal(status(mx, "school_admin"), "Enabled");
	assert_string_equal(status(mx, "homeroom"), "Enabled");
	assert_string_equal(status(mx, "teacher"), "Disabled");
	assert_string_equal(status(mx, "area_admin"), "Disabled");
	assert_true(json_is_true(json_object_get(column(mx, "school_admin"), "enabled")));
	assert_int_equal(json_array_size(json_object_get(column(mx, "school_admin"), "units")), 1);
	json_decref(mx);

	/* the demo officer serves all six services: six columns, one grant each;
	 * revoking one grant disables exactly its column */
	mx = acc_permission_matrix(db, uid(db, "officer"), 0, &e);
	assert_string_equal(status(mx, "officer:11"), "Enabled");
	assert_string_equal(status(mx, "officer:41"), "Enabled");
	assert_string_equal(status(mx, "executive"), "Disabled");
	json_decref(mx);
	long long g12 = 0;
	assert_int_equal(db_int_value(db, "SELECT id FROM grants WHERE user_id = $1 AND role = 'officer' AND service = '12'",
				      DB_ARGS(DB_INT(uid(db, "officer"))), &g12, &e),
			 1);
	assert_int_equal(acc_grant_revoke(db, g12, 0, &e), 0);
	mx = acc_permission_matrix(db, uid(db, "officer"), 0, &e);
	assert_string_equal(status(mx, "officer:11"), "Enabled");
	assert_string_equal(status(mx, "officer:12"), "Disabled");
	json_decref(mx);

	/* filtered to another area, nothing is held there */
	mx = acc_permission_matrix(db, uid(db, "schooladmin"), d->area2, &e);
	assert_string_equal(status(mx, "school_admin"), "Disabled");
	json_decref(mx);
	mx = acc_permission_matrix(db, uid(db, "schooladmin"), d->area1, &e);
	assert_string_equal(status(mx, "school_admin"), "Enabled");
	json_decref(mx);

	/* a revoked grant is no longer shown */
	long long gid = 0;
	assert_int_equal(db_int_value(db, "SELECT id FROM grants WHERE user_id = $1 AND role = 'homeroom'",
				      DB_ARGS(DB_INT(uid(db, "schooladmin"))), &gid, &e),
			 1);
	assert_int_equal(acc_grant_revoke(db, gid, 0, &e), 0);
	mx = acc_permission_matrix(db, uid(db, "schooladmin"), 0, &e);
	assert_string_equal(status(mx, "homeroom"), "Disabled");
	json_decref(mx);

	/* a citizen holds nothing */
	mx = acc_permission_matrix(db, uid(db, "citizen"), 0, &e);
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(mx, "columns"), i, c)
	    assert_false(json_is_true(json_object_get(c, "enabled")));
	json_decref(mx);
}

/* The row of a user in an area matrix, or NULL. */
static json_t *row_of(json_t *m, long long id)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(m, "rows"), i,
			   x) if (json_integer_value(json_object_get(x, "id")) == id) return x;
	return NULL;
}

static void test_area_matrix(void **state)
{
	struct engine *en = *state;
	const struct ids *d = en->data;
	struct db *db = en->db;
	struct err e = ERR_INIT;
	json_t *m = acc_permission_area_matrix(db, d->area1, 1, &e);
	assert_non_null(m);
	/* area 3502: areaadmin1, schooladmin, teacher, officer, schooladmin2 */
	assert_int_equal(json_integer_value(json_object_get(m, "total")), 5);
	assert_int_equal(json_array_size(json_object_get(m, "rows")), 5);
	assert_int_equal(json_integer_value(json_object_get(m, "pages")), 1);
	size_t n = 0;
	while (module_permission_at((int)n))
		n++;
	assert_int_equal(json_array_size(json_object_get(m, "head")), n);
	json_t *a1 = row_of(m, uid(db, "areaadmin1"));
	assert_non_null(a1);
	assert_string_equal(status(a1, "area_admin"), "Enabled");
	assert_string_equal(status(a1, "teacher"), "Disabled");
	json_t *t = row_of(m, uid(db, "teacher"));
	assert_string_equal(status(t, "teacher"), "Enabled");
	assert_string_equal(status(t, "area_admin"), "Disabled");
	assert_string_equal(status(row_of(m, uid(db, "officer")), "officer:11"), "Enabled");
	/* nobody of the other area, and no citizen */
	assert_null(row_of(m, uid(db, "areaadmin2")));
	assert_null(row_of(m, uid(db, "citizen")));
	json_decref(m);
	/* a page past the end reads as the last */
	m = acc_permission_area_matrix(db, d->area2, 9, &e);
	assert_int_equal(json_integer_value(json_object_get(m, "page")), 1);
	assert_non_null(row_of(m, uid(db, "areaadmin2")));
	assert_int_equal(json_array_size(json_object_get(m, "rows")), 1);
	json_decref(m);
}

/* Issue 10.12: the blank form of seed 003's appendix, as blocks. */
static bool has_block(json_t *a, const char *kind, const char *needle)
{
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x)
	{
		if (!strcmp(json_string_value(json_object_get(x, "kind")), kind) &&
		    strstr(json_string_value(json_object_get(x, "text")), needle))
			return true;
	}
	return false;
}

static void test_request_form_blocks(void **state)
{
	(void)state;
	json_t *a = acc_request_form_blocks("สำนักงานเขตพื้นที่การศึกษาประถมศึกษายโสธร เขต 2");
	assert_true(has_block(a, "subtitle", "ยโสธร เขต 2"));
	assert_true(has_block(a, "text", "หมายเลขบัตรประจำตัวประชาชน"));
	assert_true(has_block(a, "text", "คำนำหน้า"));
	assert_true(has_block(a, "text", "เบอร์โทรศัพท์มือถือ"));
	assert_true(has_block(a, "text", "เพื่อทดแทน"));
	assert_true(has_block(a, "signature", "ผู้ขอรับสิทธิ์การใช้งาน"));
	assert_true(has_block(a, "signature", "ผู้รับรอง"));
	assert_true(has_block(a, "signature", "(ผอ./รองผอ./รักษาการ)"));
	assert_true(has_block(a, "officer", ""));
	/* one box per requestable permission, labelled as on the web form */
	size_t choices = 0, i;
	json_t *x;
	json_array_foreach(a, i, x) choices += !strcmp(json_string_value(json_object_get(x, "kind")), "choice");
	size_t want = 0;
	for (const struct choice *c = acc_permission_choices(); c->value; c++) {
		want++;
		assert_true(has_block(a, "choice", c->label));
	}
	assert_true(want > 3);
	assert_int_equal(choices, want);
	json_decref(a);
	/* without an area: a blank for its name */
	a = acc_request_form_blocks(NULL);
	assert_true(has_block(a, "subtitle", "สำนักงานเขตพื้นที่การศึกษา....."));
	json_decref(a);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_catalogue),
	    cmocka_unit_test(test_target_check),
	    cmocka_unit_test(test_registrant_check),
	    cmocka_unit_test(test_request_form_blocks),
	};
	const struct CMUnitTest stored[] = {cmocka_unit_test(test_area_matrix), cmocka_unit_test(test_matrix)};
	int failed = cmocka_run_group_tests_name("acc_requests", pure, NULL, NULL);
	engine_after_migrate = seed;
	failed += run_engine_groups("acc_requests", stored);
	return failed ? 1 : 0;
}
