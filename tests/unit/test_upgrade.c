/* test_upgrade: a database made by an earlier Khet keeps everything when the
 * module registry's migrations run on it (issue 9): the grants table loses
 * its CHECK listing the roles (SQLite: rebuilt with ids and foreign keys;
 * PostgreSQL: ALTER), every grant, session and roster row that points at a
 * grant stays as it was, and the OSS officer assignments become officer
 * grants qualified by their service — the one truth the permission matrix
 * shows. On SQLite and, with KHET_TEST_PG, on PostgreSQL. */
#define SCHEMA "khet_unit_upgrade"
#include "engine.h"

#include <string.h>

/* The last schema before the registry (0021: KPI). */
#define OLD_SCHEMA 99

static long long value(struct db *db, const char *sql)
{
	struct err e = ERR_INIT;
	long long v = -1;
	if (db_int_value(db, sql, NULL, 0, &v, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
	return v;
}

static void exec(struct db *db, const char *sql)
{
	struct err e = ERR_INIT;
	if (db_exec_script(db, sql, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
}

static int setup_old(void **state, struct engine *en)
{
	struct err e = ERR_INIT;
	if (en->kind == DB_SQLITE) {
		snprintf(en->dir, sizeof en->dir, "/tmp/" SCHEMA "-XXXXXX");
		if (!mkdtemp(en->dir))
			return -1;
	}
	en->db = attach(en, 1);
	if (db_migrate_upto(en->db, OLD_SCHEMA, &e) < 0) {
		fprintf(stderr, "db_migrate_upto: %s\n", e.msg);
		return -1;
	}
	*state = en;
	return 0;
}

static int setup_old_sqlite(void **state)
{
	return setup_old(state, &sqlite_engine);
}

static int setup_old_pg(void **state)
{
	if (!getenv("KHET_TEST_PG"))
		return 0;
	pg_engine.pg_url = getenv("KHET_TEST_PG");
	return setup_old(state, &pg_engine);
}

/* What an earlier Khet stored: two areas, a school, users with roles of
 * every kind, sessions on some grants, a roster decision on a grant, and
 * OSS assignments — one of an officer holding a plain officer grant, one of
 * an area admin, one of a user without any role there (it counted for
 * nothing, and stays nothing). */
static const char old_data[] =
    "INSERT INTO areas (id, code, name, short_name, kind, province, school_count) VALUES "
    "(1, '3502', 'เขต 1', 'เขต 1', 'primary', 'ยโสธร', 1), (2, '6201', 'เขต 2', 'เขต 2', 'secondary', 'กำแพงเพชร', 0);"
    "INSERT INTO schools (id, area_id, obec_code, smis_code, name, district, province, search, created_at) VALUES "
    "(1, 1, '1035020001', '35020001', 'โรงเรียนบ้านหนองบัว', 'เมือง', 'ยโสธร', '', 0);"
    "INSERT INTO users (id, citizen_id, email, username, title, first_name, last_name, created_at, updated_at) VALUES "
    "(1, '1000000000001', 'a@x.org', 'admin', 'นาย', 'ก', 'ข', 0, 0),"
    "(2, '1000000000002', 'o@x.org', 'officer', 'นาย', 'ค', 'ง', 0, 0),"
    "(3, '1000000000003', 's@x.org', 'school', 'นาย', 'จ', 'ฉ', 0, 0),"
    "(4, '1000000000004', 'n@x.org', 'nobody', 'นาย', 'ช', 'ซ', 0, 0);"
    "INSERT INTO grants (id, user_id, role, area_id, school_id, module, service, granted_at, revoked_at) VALUES "
    "(10, 1, 'area_admin', 1, NULL, NULL, NULL, 100, NULL),"
    "(11, 2, 'officer', 1, NULL, 'oss', NULL, 101, NULL),"
    "(12, 3, 'school_admin', 1, 1, NULL, NULL, 102, NULL),"
    "(13, 3, 'teacher', 1, 1, NULL, NULL, 103, 200),"
    "(14, 2, 'kpi_reviewer', 1, NULL, 'kpi', NULL, 104, NULL);"
    "INSERT INTO sessions (id, token_hash, user_id, grant_id, created_at, last_seen) VALUES "
    "(1, 'h1', 1, 10, 1, 1), (2, 'h2', 2, 11, 1, 1), (3, 'h3', 3, 12, 1, 1), (4, 'h4', 3, NULL, 1, 1);"
    "INSERT INTO rosters (id, area_id, academic_year, status, created_at, updated_at) VALUES (1, 1, 2569, 'draft', 0, 0);"
    "INSERT INTO roster_decisions (roster_id, grant_id, user_id, school_id, decision, decided_by, decided_at) VALUES "
    "(1, 12, 3, 1, 'confirm', 1, 0);"
    "INSERT INTO oss_officers (user_id, area_id, service, assigned_at) VALUES "
    "(2, 1, '11', 300), (2, 1, '31', 301), (1, 1, '41', 302), (4, 1, '12', 303);";

static void test_upgrade_keeps_grants(void **state)
{
	struct engine *en = *state;
	if (!en)
		skip();
	struct db *db = en->db;
	struct err e = ERR_INIT;
	exec(db, old_data);
	long long grants_before = value(db, "SELECT COUNT(*) FROM grants");
	assert_int_equal(grants_before, 5);
	/* the old CHECK refuses a role no list names */
	assert_true(db_exec(db,
			    "INSERT INTO grants (user_id, role, area_id, granted_at) VALUES (4, 'dmc_officer', 1, 0)",
			    NULL, 0, &e) < 0);
	err_clear(&e);

	assert_true(db_migrate(db, &e) > 0);

	/* every grant is there with its id and values; the ones of a role
	 * without a module now name the module that declares the role */
	assert_int_equal(value(db, "SELECT COUNT(*) FROM grants WHERE id IN (10, 11, 12, 13, 14)"), 5);
	assert_int_equal(value(db, "SELECT COUNT(*) FROM grants WHERE id = 10 AND role = 'area_admin' AND module = 'acc' "
				   "AND area_id = 1 AND granted_at = 100 AND revoked_at IS NULL"),
			 1);
	assert_int_equal(value(db, "SELECT COUNT(*) FROM grants WHERE id = 13 AND revoked_at = 200 AND school_id = 1"), 1);
	/* sessions and the roster keep pointing at the same grants */
	assert_int_equal(value(db, "SELECT COUNT(*) FROM sessions"), 4);
	assert_int_equal(value(db, "SELECT grant_id FROM sessions WHERE id = 1"), 10);
	assert_int_equal(value(db, "SELECT grant_id FROM sessions WHERE id = 3"), 12);
	assert_int_equal(value(db, "SELECT COUNT(*) FROM sessions WHERE id = 4 AND grant_id IS NULL"), 1);
	assert_int_equal(value(db, "SELECT grant_id FROM roster_decisions WHERE roster_id = 1"), 12);
	/* the plain officer grant took his first service (his session stays on
	 * it), his second service is a grant of its own; the area admin who
	 * served 41 holds an officer grant for it; an assignment of a user
	 * without a role in the area gave nothing and gives nothing */
	assert_int_equal(value(db, "SELECT COUNT(*) FROM grants WHERE id = 11 AND service = '11' AND revoked_at IS NULL"), 1);
	assert_int_equal(value(db, "SELECT grant_id FROM sessions WHERE id = 2"), 11);
	assert_int_equal(value(db, "SELECT COUNT(*) FROM grants WHERE user_id = 2 AND role = 'officer' AND service = '31' "
				   "AND module = 'oss' AND granted_at = 301 AND revoked_at IS NULL"),
			 1);
	assert_int_equal(value(db, "SELECT COUNT(*) FROM grants WHERE user_id = 1 AND role = 'officer' AND service = '41' "
				   "AND revoked_at IS NULL"),
			 1);
	assert_int_equal(value(db, "SELECT COUNT(*) FROM grants WHERE user_id = 4"), 0);
	assert_int_equal(value(db, "SELECT COUNT(*) FROM grants"), grants_before + 2);
	/* the foreign keys still hold and are still checked */
	if (en->kind == DB_SQLITE) {
		json_t *bad = db_rows_json(db, "PRAGMA foreign_key_check", NULL, 0, &e);
		assert_non_null(bad);
		assert_int_equal(json_array_size(bad), 0);
		json_decref(bad);
	}
	assert_true(db_exec(db, "INSERT INTO grants (user_id, role, area_id, granted_at) VALUES (999, 'teacher', 1, 0)",
			    NULL, 0, &e) < 0);
	err_clear(&e);
	assert_true(db_exec(db, "INSERT INTO sessions (token_hash, user_id, grant_id, created_at, last_seen) "
				"VALUES ('h9', 1, 999, 1, 1)",
			    NULL, 0, &e) < 0);
	err_clear(&e);
	/* roles are the registry's to check now: a new module's role fits */
	assert_int_equal(db_exec(db,
				 "INSERT INTO grants (user_id, role, area_id, granted_at) VALUES (4, 'dmc_officer', 1, 0)",
				 NULL, 0, &e),
			 1);
	/* the assignments' table is gone: the grants are the one truth */
	assert_true(db_exec(db, "SELECT 1 FROM oss_officers", NULL, 0, &e) < 0);
	err_clear(&e);
	/* running it again does nothing */
	assert_int_equal(db_migrate(db, &e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_upgrade_keeps_grants)};
	int rc = cmocka_run_group_tests_name("upgrade (sqlite)", tests, setup_old_sqlite, teardown_engine);
	if (getenv("KHET_TEST_PG"))
		rc += cmocka_run_group_tests_name("upgrade (postgres)", tests, setup_old_pg, teardown_engine);
	return rc;
}
