/* test_db: the database layer (src/core/db*.c, migrate.c) against real
 * engines. The same tests run on SQLite (a file in a fresh temp folder) and,
 * when KHET_TEST_PG holds a postgres:// URL, on PostgreSQL too, each in a
 * schema of its own so runs do not see each other's tables; without that
 * variable the PostgreSQL group is not run at all (and so not counted). */
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/db.h"
#include "core/db_internal.h"
#include "core/embedded.h"
#include "core/num.h"
#include "core/thai.h"

struct engine {
	enum db_kind kind;
	const char *pg_url; /* PostgreSQL: the server */
	char dir[64];	    /* SQLite: the temp folder holding the files */
	struct db *db;	    /* the main connection, migrated in setup */
	int first_migrate;  /* what db_migrate returned on the fresh database */
};

/* Opens a connection to the database called name: a file in the temp folder
 * on SQLite, a schema on PostgreSQL. fresh: drop what is there first. */
static struct db *attach(struct engine *en, const char *name, int fresh)
{
	struct err e = ERR_INIT;
	struct db *db = NULL;
	char url[600];
	if (en->kind == DB_SQLITE) {
		char path[128];
		snprintf(path, sizeof path, "%s/%s.db", en->dir, name);
		if (fresh) {
			const char *sfx[] = {"", "-wal", "-shm"};
			for (int i = 0; i < 3; i++) {
				char p[160];
				snprintf(p, sizeof p, "%s%s", path, sfx[i]);
				unlink(p);
			}
		}
		snprintf(url, sizeof url, "sqlite:%s", path);
		if (db_open(url, &db, &e))
			fail_msg("db_open %s: %s", url, e.msg);
		return db;
	}
	if (db_open(en->pg_url, &db, &e))
		fail_msg("db_open: %s", e.msg);
	char sql[200];
	if (fresh) {
		snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", name, name);
		if (db_exec_script(db, sql, &e))
			fail_msg("%s: %s", sql, e.msg);
	}
	snprintf(sql, sizeof sql, "SET search_path TO %s", name);
	if (db_exec_script(db, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
	return db;
}

static void drop(struct engine *en, const char *name)
{
	if (en->kind == DB_POSTGRES) {
		char sql[120];
		struct err e = ERR_INIT;
		snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", name);
		db_exec_script(en->db, sql, &e);
	}
}

static int setup_engine(void **state, struct engine *en)
{
	struct err e = ERR_INIT;
	if (en->kind == DB_SQLITE) {
		snprintf(en->dir, sizeof en->dir, "/tmp/khet-test-db-XXXXXX");
		if (!mkdtemp(en->dir))
			return -1;
	}
	en->db = attach(en, "khet_unit", 1);
	en->first_migrate = db_migrate(en->db, &e);
	if (en->first_migrate < 0) {
		fprintf(stderr, "db_migrate: %s\n", e.msg);
		return -1;
	}
	*state = en;
	return 0;
}

static int teardown_engine(void **state)
{
	struct engine *en = *state;
	drop(en, "khet_unit");
	drop(en, "khet_unit_mig");
	db_close(en->db);
	if (en->kind == DB_SQLITE) {
		char cmd[100];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", en->dir);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

static struct engine sqlite_engine = {.kind = DB_SQLITE};
static struct engine pg_engine = {.kind = DB_POSTGRES};

static int setup_sqlite(void **state)
{
	return setup_engine(state, &sqlite_engine);
}

static int setup_pg(void **state)
{
	return setup_engine(state, &pg_engine);
}

/* Runs a script that must work; fails the test with the message if not. */
static void script(struct db *db, const char *sql)
{
	struct err e = ERR_INIT;
	if (db_exec_script(db, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
}

static long long count(struct db *db, const char *sql)
{
	struct err e = ERR_INIT;
	long long n = -1;
	if (db_int_value(db, sql, NULL, 0, &n, &e) != 1)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

static void test_bind_out_of_order(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	script(db, "DROP TABLE IF EXISTS t_bind; CREATE TABLE t_bind (a BIGINT, b TEXT)");
	/* $2 written before $1: values go by number, not by position. */
	assert_int_equal(
	    db_exec(db, "INSERT INTO t_bind (b, a) VALUES ($2, $1)", DB_ARGS(DB_INT(7), DB_TEXT("เจ็ด")), &e), 1);
	json_t *row =
	    db_row_json(db, "SELECT a, b FROM t_bind WHERE b = $2 AND a = $1", DB_ARGS(DB_INT(7), DB_TEXT("เจ็ด")), &e);
	assert_non_null(row);
	assert_int_equal(json_integer_value(json_object_get(row, "a")), 7);
	assert_string_equal(json_string_value(json_object_get(row, "b")), "เจ็ด");
	json_decref(row);
}

static void test_bind_twice(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	script(db, "DROP TABLE IF EXISTS t_twice; CREATE TABLE t_twice (a BIGINT, b BIGINT, c TEXT)");
	/* $1 used twice is one value. */
	assert_int_equal(
	    db_exec(db, "INSERT INTO t_twice (a, b, c) VALUES ($1, $1, $2)", DB_ARGS(DB_INT(5), DB_TEXT("x")), &e), 1);
	long long n = -1;
	assert_int_equal(db_int_value(db, "SELECT COUNT(*) FROM t_twice WHERE a = $1 AND b = $1 AND c = $2",
				      DB_ARGS(DB_INT(5), DB_TEXT("x")), &n, &e),
			 1);
	assert_int_equal(n, 1);
	/* Too few or too many values is a mistake in the code, caught on
	 * both engines. */
	err_clear(&e);
	assert_int_equal(db_exec(db, "INSERT INTO t_twice (a, b, c) VALUES ($1, $1, $2)", DB_ARGS(DB_INT(5)), &e), -1);
	assert_int_equal(e.status, 500);
	err_clear(&e);
	assert_int_equal(db_exec(db, "INSERT INTO t_twice (a, b, c) VALUES ($1, $1, $2)",
				 DB_ARGS(DB_INT(5), DB_TEXT("x"), DB_INT(9)), &e),
			 -1);
	assert_int_equal(e.status, 500);
}

static void test_null_binding(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	script(db, "DROP TABLE IF EXISTS t_null; CREATE TABLE t_null (id BIGINT, b TEXT, c BIGINT)");
	assert_int_equal(
	    db_exec(db, "INSERT INTO t_null (id, b, c) VALUES ($1, $2, $3)", DB_ARGS(DB_INT(1), DB_NULL, DB_NULL), &e),
	    1);
	/* DB_TEXT(NULL) is NULL, not "". */
	assert_int_equal(db_exec(db, "INSERT INTO t_null (id, b, c) VALUES ($1, $2, $3)",
				 DB_ARGS(DB_INT(2), DB_TEXT(NULL), DB_INT(3)), &e),
			 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t_null WHERE b IS NULL"), 2);
	struct db_res *r;
	assert_int_equal(db_query(db, "SELECT b, c FROM t_null ORDER BY id", NULL, 0, &r, &e), 0);
	assert_int_equal(db_next(r, &e), 1);
	assert_true(db_isnull(r, 0));
	assert_true(db_isnull(r, 1));
	assert_string_equal(db_text(r, 0), "");
	assert_int_equal(db_int(r, 1), 0);
	assert_int_equal(db_next(r, &e), 1);
	assert_false(db_isnull(r, 1));
	assert_int_equal(db_int(r, 1), 3);
	assert_string_equal(db_text(r, 1), "3");
	assert_int_equal(db_next(r, &e), 0);
	assert_int_equal(db_next(r, &e), 0); /* stays at the end */
	db_res_free(r);
}

static void test_json_types(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	script(db, "DROP TABLE IF EXISTS t_json; CREATE TABLE t_json (id BIGINT, n INTEGER, s TEXT, z TEXT);"
		   "INSERT INTO t_json VALUES (1, 10, 'หนึ่ง', NULL);"
		   "INSERT INTO t_json VALUES (2, 20, 'two', 'x')");
	json_t *rows = db_rows_json(db, "SELECT id, n, s, z FROM t_json ORDER BY id", NULL, 0, &e);
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 2);
	json_t *r0 = json_array_get(rows, 0);
	assert_true(json_is_integer(json_object_get(r0, "id")));
	assert_true(json_is_integer(json_object_get(r0, "n")));
	assert_int_equal(json_integer_value(json_object_get(r0, "n")), 10);
	assert_true(json_is_string(json_object_get(r0, "s")));
	assert_string_equal(json_string_value(json_object_get(r0, "s")), "หนึ่ง");
	assert_true(json_is_null(json_object_get(r0, "z")));
	assert_int_equal(json_object_size(r0), 4);
	json_decref(rows);

	/* Aggregates and comparisons: PostgreSQL gives NUMERIC for SUM of a
	 * BIGINT and a boolean for a comparison, SQLite integers for both;
	 * JSON must not tell them apart. */
	json_t *row =
	    db_row_json(db, "SELECT COUNT(*) AS c, SUM(id) AS s, MAX(n) AS m, (1 = 1) AS t FROM t_json", NULL, 0, &e);
	assert_non_null(row);
	assert_true(json_is_integer(json_object_get(row, "c")));
	assert_int_equal(json_integer_value(json_object_get(row, "c")), 2);
	assert_true(json_is_integer(json_object_get(row, "s")));
	assert_int_equal(json_integer_value(json_object_get(row, "s")), 3);
	assert_int_equal(json_integer_value(json_object_get(row, "m")), 20);
	assert_true(json_is_integer(json_object_get(row, "t")));
	assert_int_equal(json_integer_value(json_object_get(row, "t")), 1);
	json_decref(row);

	/* An empty result is an empty array, not an error. */
	rows = db_rows_json(db, "SELECT id FROM t_json WHERE id > $1", DB_ARGS(DB_INT(99)), &e);
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);

	/* A bad statement is NULL with a 500 naming the SQL. */
	err_clear(&e);
	assert_null(db_rows_json(db, "SELECT nope FROM t_json", NULL, 0, &e));
	assert_int_equal(e.status, 500);
	assert_non_null(strstr(e.msg, "SELECT nope"));
}

static void test_error_message(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	/* A long statement over several lines with Thai in it: the message is
	 * one line, names the statement, and is still valid UTF-8. */
	struct buf sql = BUF_INIT;
	buf_adds(&sql, "SELECT\n\t'");
	for (int i = 0; i < 80; i++)
		buf_adds(&sql, "ภาษาไทย");
	buf_adds(&sql, "'\nFROM no_such_table");
	assert_int_equal(db_exec(db, buf_cstr(&sql), NULL, 0, &e), -1);
	assert_int_equal(e.status, 500);
	assert_null(strchr(e.msg, '\n'));
	assert_non_null(strstr(e.msg, "(SQL: SELECT 'ภาษาไทย"));
	assert_true(thai_utf8_valid(e.msg, strlen(e.msg)));
	buf_release(&sql);
}

static void test_row_json_404(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	script(db,
	       "DROP TABLE IF EXISTS t_one; CREATE TABLE t_one (id BIGINT, s TEXT); INSERT INTO t_one VALUES (1, 'a')");
	assert_null(db_row_json(db, "SELECT id, s FROM t_one WHERE id = $1", DB_ARGS(DB_INT(2)), &e));
	assert_int_equal(e.status, 404);
	err_clear(&e);
	json_t *row = db_row_json(db, "SELECT id, s FROM t_one WHERE id = $1", DB_ARGS(DB_INT(1)), &e);
	assert_non_null(row);
	assert_int_equal(e.status, 0);
	assert_string_equal(json_string_value(json_object_get(row, "s")), "a");
	json_decref(row);
}

static void test_int_value(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	script(db, "DROP TABLE IF EXISTS t_int; CREATE TABLE t_int (id BIGINT, v BIGINT);"
		   "INSERT INTO t_int VALUES (1, 4000000000); INSERT INTO t_int VALUES (2, NULL)");
	long long v = 0;
	assert_int_equal(db_int_value(db, "SELECT v FROM t_int WHERE id = $1", DB_ARGS(DB_INT(1)), &v, &e), 1);
	assert_int_equal(v, 4000000000LL);
	v = 5;
	assert_int_equal(db_int_value(db, "SELECT v FROM t_int WHERE id = $1", DB_ARGS(DB_INT(2)), &v, &e), 1);
	assert_int_equal(v, 0); /* NULL reads as 0 */
	v = 5;
	assert_int_equal(db_int_value(db, "SELECT v FROM t_int WHERE id = $1", DB_ARGS(DB_INT(3)), &v, &e), 0);
	assert_int_equal(v, 5); /* untouched when there is no row */
	assert_int_equal(db_int_value(db, "SELECT v FROM no_such_table", NULL, 0, &v, &e), -1);
	assert_int_equal(e.status, 500);
}

static void test_constraint_409(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	script(db, "DROP TABLE IF EXISTS t_child; DROP TABLE IF EXISTS t_uniq;"
		   "CREATE TABLE t_uniq (id BIGINT PRIMARY KEY, code TEXT NOT NULL UNIQUE);"
		   "CREATE TABLE t_child (id BIGINT PRIMARY KEY, parent BIGINT NOT NULL REFERENCES t_uniq (id))");
	const char *ins = "INSERT INTO t_uniq (id, code) VALUES ($1, $2)";
	assert_int_equal(db_exec(db, ins, DB_ARGS(DB_INT(1), DB_TEXT("A")), &e), 1);
	assert_int_equal(db_exec(db, ins, DB_ARGS(DB_INT(2), DB_TEXT("A")), &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	assert_int_equal(db_exec(db, ins, DB_ARGS(DB_INT(1), DB_TEXT("B")), &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	assert_int_equal(db_exec(db, ins, DB_ARGS(DB_INT(3), DB_NULL), &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	/* Foreign keys hold on SQLite too (they are off there by default). */
	assert_int_equal(
	    db_exec(db, "INSERT INTO t_child (id, parent) VALUES ($1, $2)", DB_ARGS(DB_INT(1), DB_INT(99)), &e), -1);
	assert_int_equal(e.status, 409);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t_uniq"), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t_child"), 0);
}

static void test_transaction(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	script(db, "DROP TABLE IF EXISTS t_tx; CREATE TABLE t_tx (id BIGINT PRIMARY KEY)");
	const char *ins = "INSERT INTO t_tx (id) VALUES ($1)";

	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(db_lock(db, 42, &e), 0);
	assert_int_equal(db_exec(db, ins, DB_ARGS(DB_INT(1)), &e), 1);
	assert_int_equal(db_exec(db, ins, DB_ARGS(DB_INT(2)), &e), 1);
	db_rollback(db);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t_tx"), 0);

	/* A failed statement, then rollback: still nothing. */
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(db_exec(db, ins, DB_ARGS(DB_INT(1)), &e), 1);
	assert_int_equal(db_exec(db, ins, DB_ARGS(DB_INT(1)), &e), -1);
	assert_int_equal(e.status, 409);
	db_rollback(db);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t_tx"), 0);

	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(db_exec(db, ins, DB_ARGS(DB_INT(3)), &e), 1);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t_tx"), 1);
	db_rollback(db); /* harmless outside a transaction */

	/* Misuse is caught the same way on both engines. */
	err_clear(&e);
	assert_int_equal(db_lock(db, 42, &e), -1);
	assert_int_equal(db_begin(db, &e), 0);
	err_clear(&e);
	assert_int_equal(db_begin(db, &e), -1);
	db_rollback(db);
}

/* db_bulk stores every value as given — NULL, tabs, line breaks,
 * backslashes, Thai — on both engines (COPY's text format on PostgreSQL);
 * a refused row fails the whole load, and ok = false keeps nothing. */
/* db_analyze: PostgreSQL has the planner's figures right after a load
 * (pg_class.reltuples is -1 until a table is analyzed); SQLite is left
 * without statistics, as its queries are planned for (no sqlite_stat1). */
static void test_analyze(void **state)
{
	struct engine *en = *state;
	struct err e = ERR_INIT;
	script(en->db, "DROP TABLE IF EXISTS t_an; CREATE TABLE t_an (id BIGINT PRIMARY KEY, v TEXT)");
	for (int i = 0; i < 300; i++)
		assert_true(db_exec(en->db, "INSERT INTO t_an (id, v) VALUES ($1, 'x')", DB_ARGS(DB_INT(i + 1)), &e) >= 0);
	if (en->kind == DB_POSTGRES)
		assert_int_equal(count(en->db, "SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE oid = 't_an'::regclass"), -1);
	assert_int_equal(db_analyze(en->db, &e), 0);
	if (en->kind == DB_POSTGRES)
		assert_int_equal(count(en->db, "SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE oid = 't_an'::regclass"), 300);
	else
		assert_int_equal(count(en->db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"), 0);
}

static void test_bulk(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	script(db, "DROP TABLE IF EXISTS t_bulk; CREATE TABLE t_bulk (id BIGINT PRIMARY KEY, v TEXT, n BIGINT)");
	const char *cols[] = {"id", "v", "n"};
	static const char *const odd[] = {"ก\tข", "line\nbreak\r", "back\\slash \\N", "", "นักเรียน \"คำพูด\""};
	assert_int_equal(db_begin(db, &e), 0);
	struct db_bulk *b = db_bulk_begin(db, "t_bulk", cols, 3, &e);
	assert_non_null(b);
	char id[24], n[24];
	for (int i = 0; i < 3000; i++) {
		snprintf(id, sizeof id, "%d", i + 1);
		snprintf(n, sizeof n, "%d", i * 7);
		const char *vals[] = {id, i % 6 == 5 ? NULL : odd[i % 6 == 5 ? 0 : i % 5], i % 4 ? n : NULL};
		assert_int_equal(db_bulk_row(b, vals, &e), 0);
	}
	assert_int_equal(db_bulk_end(b, true, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t_bulk"), 3000);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t_bulk WHERE v IS NULL"), 500);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t_bulk WHERE n IS NULL"), 750);
	assert_int_equal(count(db, "SELECT n FROM t_bulk WHERE id = 3000"), 2999 * 7);
	for (int i = 0; i < 5; i++) {
		struct db_res *r = NULL;
		assert_int_equal(db_query(db, "SELECT v FROM t_bulk WHERE id = $1", DB_ARGS(DB_INT(i + 1)), &r, &e), 0);
		assert_int_equal(db_next(r, &e), 1);
		assert_string_equal(db_text(r, 0), odd[i]);
		db_res_free(r);
	}
	/* a duplicate key fails the load, and the transaction keeps nothing */
	assert_int_equal(db_begin(db, &e), 0);
	b = db_bulk_begin(db, "t_bulk", cols, 3, &e);
	assert_non_null(b);
	const char *again[] = {"5000", "x", "1"}, *dup[] = {"1", "x", "1"};
	assert_int_equal(db_bulk_row(b, again, &e), 0);
	db_bulk_row(b, dup, &e); /* SQLite refuses it here, COPY at the end */
	err_clear(&e);
	assert_int_equal(db_bulk_end(b, true, &e), -1);
	assert_int_equal(e.status, 409);
	db_rollback(db);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t_bulk"), 3000);
	/* ok = false: nothing of it once rolled back, and no error of its own */
	assert_int_equal(db_begin(db, &e), 0);
	b = db_bulk_begin(db, "t_bulk", cols, 3, &e);
	assert_int_equal(db_bulk_row(b, again, &e), 0);
	assert_int_equal(db_bulk_end(b, false, &e), 0);
	db_rollback(db);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t_bulk WHERE id = 5000"), 0);
}

/* The retry rule's two facts (db.h): which SQL only reads, and whether a
 * statement that may have written ran since db_clean. A request whose
 * connection was lost is run again only when nothing wrote. */
static void test_wrote(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	assert_true(db_sql_reads("SELECT 1"));
	assert_true(db_sql_reads("  select id FROM t"));
	assert_true(db_sql_reads("\n\t(SELECT 1) UNION (SELECT 2)"));
	assert_false(db_sql_reads("SELECTED"));
	assert_false(db_sql_reads("INSERT INTO t VALUES (1)"));
	assert_false(db_sql_reads("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"));
	assert_false(db_sql_reads("UPDATE t SET a = 1"));
	assert_false(db_sql_reads(""));
	script(db, "DROP TABLE IF EXISTS t_wrote; CREATE TABLE t_wrote (id BIGINT)");
	db_clean(db);
	assert_false(db_wrote(db));
	long long n;
	assert_int_equal(db_int_value(db, "SELECT COUNT(*) FROM t_wrote", NULL, 0, &n, &e), 1);
	json_decref(db_rows_json(db, "SELECT id FROM t_wrote", NULL, 0, &e));
	assert_false(db_wrote(db));
	struct db_res *r = NULL;
	assert_int_equal(db_query(db, "INSERT INTO t_wrote (id) VALUES (1) RETURNING id", NULL, 0, &r, &e), 0);
	assert_int_equal(db_next(r, &e), 1);
	db_res_free(r);
	assert_true(db_wrote(db));
	db_clean(db);
	assert_int_equal(db_exec(db, "DELETE FROM t_wrote", NULL, 0, &e), 1);
	assert_true(db_wrote(db));
	db_clean(db);
	assert_false(db_wrote(db));
	assert_false(db_lost(db));
}

/* db_thread_calls: one per statement sent (a query, an exec, BEGIN,
 * COMMIT, a lock), none for reading its rows: /metrics' statements per
 * route. */
static void test_thread_calls(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	script(db, "DROP TABLE IF EXISTS t_calls; CREATE TABLE t_calls (id BIGINT); "
		   "INSERT INTO t_calls (id) VALUES (1); INSERT INTO t_calls (id) VALUES (2)");
	long long c0 = db_thread_calls(), n;
	struct db_res *r = NULL;
	assert_int_equal(db_query(db, "SELECT id FROM t_calls ORDER BY id", NULL, 0, &r, &e), 0);
	while (db_next(r, &e) == 1)
		;
	db_res_free(r);
	assert_int_equal(db_thread_calls() - c0, 1); /* the rows are no statements */
	json_decref(db_rows_json(db, "SELECT id FROM t_calls", NULL, 0, &e));
	json_decref(db_row_json(db, "SELECT id FROM t_calls WHERE id = $1", DB_ARGS(DB_INT(2)), &e));
	assert_int_equal(db_int_value(db, "SELECT COUNT(*) FROM t_calls", NULL, 0, &n, &e), 1);
	assert_int_equal(db_thread_calls() - c0, 4);
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(db_lock(db, 42, &e), 0);
	assert_int_equal(db_exec(db, "DELETE FROM t_calls WHERE id = $1", DB_ARGS(DB_INT(1)), &e), 1);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(db_thread_calls() - c0, 8);
}

static void test_exec_changes(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	assert_int_equal(db_exec(db, "DROP TABLE IF EXISTS t_chg", NULL, 0, &e), 0);
	assert_int_equal(db_exec(db, "CREATE TABLE t_chg (id BIGINT, v TEXT)", NULL, 0, &e), 0);
	script(
	    db,
	    "INSERT INTO t_chg VALUES (1, 'a'); INSERT INTO t_chg VALUES (2, 'a'); INSERT INTO t_chg VALUES (3, 'b')");
	assert_int_equal(db_exec(db, "UPDATE t_chg SET v = $1 WHERE v = $2", DB_ARGS(DB_TEXT("c"), DB_TEXT("a")), &e),
			 2);
	assert_int_equal(db_exec(db, "UPDATE t_chg SET v = $1 WHERE v = $2", DB_ARGS(DB_TEXT("c"), DB_TEXT("zz")), &e),
			 0);
	/* Not stale from the UPDATE before it. */
	assert_int_equal(db_exec(db, "CREATE INDEX t_chg_v ON t_chg (v)", NULL, 0, &e), 0);
	assert_int_equal(db_exec(db, "DELETE FROM t_chg", NULL, 0, &e), 3);
	/* Two statements in one prepared call would lose the second on
	 * SQLite; it is refused on both. */
	err_clear(&e);
	assert_int_equal(db_exec(db, "DELETE FROM t_chg; DELETE FROM t_chg", NULL, 0, &e), -1);
	assert_int_equal(e.status, 500);
}

static void test_statement_cache(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	script(db, "DROP TABLE IF EXISTS t_cache; CREATE TABLE t_cache (id BIGINT, name TEXT)");
	const char *ins = "INSERT INTO t_cache (id, name) VALUES ($1, $2)";
	const char *sel = "SELECT name FROM t_cache WHERE id = $1";
	/* Prepared once, then only looked up: the cache grows by exactly the
	 * two texts however often they run. */
	assert_int_equal(db_exec(db, ins, DB_ARGS(DB_INT(0), DB_TEXT("n0")), &e), 1);
	long long v;
	assert_int_equal(db_int_value(db, sel, DB_ARGS(DB_INT(0)), &v, &e), 1);
	size_t before = db_cached_statements(db);
	for (int i = 1; i < 500; i++) {
		char name[16];
		snprintf(name, sizeof name, "n%d", i);
		assert_int_equal(db_exec(db, ins, DB_ARGS(DB_INT(i), DB_TEXT(name)), &e), 1);
	}
	for (int i = 0; i < 500; i++) {
		char want[16];
		snprintf(want, sizeof want, "n%d", i);
		json_t *row = db_row_json(db, sel, DB_ARGS(DB_INT(i)), &e);
		assert_non_null(row);
		assert_string_equal(json_string_value(json_object_get(row, "name")), want);
		json_decref(row);
	}
	assert_int_equal(db_cached_statements(db), before);
	/* The same text built elsewhere (another address) is the same entry. */
	char copy[64];
	snprintf(copy, sizeof copy, "%s", sel);
	json_t *row = db_row_json(db, copy, DB_ARGS(DB_INT(7)), &e);
	assert_non_null(row);
	json_decref(row);
	assert_int_equal(db_cached_statements(db), before);

	/* The same text again while a result still reads it (a nested loop):
	 * both give the right rows. */
	const char *range = "SELECT id FROM t_cache WHERE id < $1 ORDER BY id";
	struct db_res *outer, *inner;
	assert_int_equal(db_query(db, range, DB_ARGS(DB_INT(3)), &outer, &e), 0);
	int rows = 0;
	while (db_next(outer, &e) == 1) {
		assert_int_equal(db_int(outer, 0), rows);
		assert_int_equal(db_query(db, range, DB_ARGS(DB_INT(db_int(outer, 0) + 1)), &inner, &e), 0);
		int n = 0;
		while (db_next(inner, &e) == 1)
			n++;
		assert_int_equal(n, rows + 1);
		db_res_free(inner);
		rows++;
	}
	assert_int_equal(rows, 3);
	db_res_free(outer);

	/* db_query's text parameters may be freed before the rows are read. */
	char *param = xstrdup("n42");
	struct db_res *r;
	assert_int_equal(db_query(db, "SELECT id FROM t_cache WHERE name = $1", DB_ARGS(DB_TEXT(param)), &r, &e), 0);
	memset(param, 'x', 3);
	free(param);
	assert_int_equal(db_next(r, &e), 1);
	assert_int_equal(db_int(r, 0), 42);
	assert_string_equal(db_colname(r, 0), "id");
	assert_int_equal(db_ncols(r), 1);
	db_res_free(r);
}

/* Distinct migration numbers compiled in: what a fresh database applies. */
static int migration_versions(void)
{
	int seen[10000] = {0}, n = 0;
	for (size_t i = 0; i < embedded_count; i++) {
		const char *p = embedded_files[i].path;
		if (strncmp(p, "db/migrations/", 14))
			continue;
		long long v4 = 0;
		if (num_parse_lln(p + 14, 4, 0, 9999, &v4) < 0)
			fail_msg("migration %s: the name must start with four digits", p);
		int v = (int)v4;
		if (!seen[v]++)
			n++;
	}
	return n;
}

static void test_migrate_once(void **state)
{
	struct engine *en = *state;
	struct err e = ERR_INIT;
	int versions = migration_versions();
	assert_true(versions >= 1);
	assert_int_equal(en->first_migrate, versions);
	assert_int_equal(db_migrate(en->db, &e), 0);
	assert_int_equal(db_migrate(en->db, &e), 0);
	assert_int_equal(count(en->db, "SELECT COUNT(*) FROM schema_version"), versions);
	json_t *row = db_row_json(en->db, "SELECT name FROM schema_version WHERE version = 1", NULL, 0, &e);
	assert_non_null(row);
	assert_string_equal(json_string_value(json_object_get(row, "name")), "0001_collation");
	json_decref(row);
}

/* A version missing below the highest recorded one (a module's later
 * migration numbered in its own lower range) is applied all the same. */
static void test_migrate_fills_gap(void **state)
{
	struct engine *en = *state;
	struct err e = ERR_INIT;
	assert_true(count(en->db, "SELECT COUNT(*) FROM schema_version WHERE version = 12") == 1);
	assert_true(count(en->db, "SELECT MAX(version) FROM schema_version") > 12);
	assert_int_equal(db_exec(en->db, "DROP INDEX oss_requests_applicant_all", NULL, 0, &e), 0);
	assert_int_equal(db_exec(en->db, "DELETE FROM schema_version WHERE version = 12", NULL, 0, &e), 1);
	assert_int_equal(db_migrate(en->db, &e), 1);
	assert_int_equal(count(en->db, "SELECT COUNT(*) FROM schema_version WHERE version = 12"), 1);
	/* the index is back: dropping it works again */
	assert_int_equal(db_exec(en->db, "DROP INDEX oss_requests_applicant_all", NULL, 0, &e), 0);
	assert_int_equal(db_exec(en->db, "CREATE INDEX oss_requests_applicant_all ON oss_requests (applicant_id, created_at, id)",
				 NULL, 0, &e), 0);
}

struct migrate_run {
	struct engine *en;
	struct db *db;
	int applied;
	struct err e;
};

static void *migrate_thread(void *arg)
{
	struct migrate_run *m = arg;
	m->applied = db_migrate(m->db, &m->e);
	return NULL;
}

static void test_migrate_concurrent(void **state)
{
	struct engine *en = *state;
	/* Two instances start at once on one fresh database: together they
	 * apply every migration exactly once. */
	struct migrate_run a = {en, attach(en, "khet_unit_mig", 1), 0, ERR_INIT};
	struct migrate_run b = {en, attach(en, "khet_unit_mig", 0), 0, ERR_INIT};
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, migrate_thread, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, migrate_thread, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	if (a.applied < 0 || b.applied < 0)
		fail_msg("db_migrate: %s %s", a.e.msg, b.e.msg);
	assert_int_equal(a.applied + b.applied, migration_versions());
	assert_int_equal(count(a.db, "SELECT COUNT(*) FROM schema_version"), migration_versions());
	db_close(a.db);
	db_close(b.db);
}

static int by_thai(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	return thai_collate(x, strlen(x), y, strlen(y));
}

static void test_thai_order(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	/* Words chosen so that leading vowels (เ แ โ ใ ไ), tone marks and
	 * clusters decide the order; shuffled, not in any order. */
	static const char *words[] = {
	    "ไม้",
	    "กา",
	    "เสือ",
	    "ใจ",
	    "แมว",
	    "โต๊ะ",
	    "ขา",
	    "เกม",
	    "ไก่",
	    "แกะ",
	    "ใบ",
	    "บ้าน",
	    "โกน",
	    "ไข่",
	    "กิน",
	    "เด็ก",
	    "ดี",
	    "ใหม่",
	    "ไหม",
	    "หมา",
	    "เรือ",
	    "รถ",
	    "แม่",
	    "ม้า",
	    "ป่า",
	    "ปา",
	    "ป้า",
	    "เชียงใหม่",
	    "ช้าง",
	    "ใคร",
	    "คน",
	    "คำ",
	    "โอ่ง",
	    "อา",
	    "เขียว",
	    "ขวด",
	    "แก้ว",
	    "ก้าน",
	    "ใกล้",
	    "เก่ง",
	    "ไป",
	    "ปลา",
	    "กรุงเทพ",
	    "การ",
	    "เก",
	    "เกา",
	    "เก่า",
	    "เก้า",
	    "ไทย",
	    "ทอง",
	    "ทหาร",
	    "สิงห์",
	    "สวน",
	    "ศาลา",
	    "ฤดู",
	    "รัก",
	    "ลิง",
	    "ฦา",
	    "วัด",
	    "ฮา",
	    /* Latin and digits come before Thai in th_strcoll; ICU needs
	     * "kr-latn" for that (0001_collation.pg.sql). */
	    "school",
	    "Bangkok",
	    "Zebra",
	    "10",
	    "9",
	    "โรงเรียน 2",
	    "โรงเรียน 10",
	};
	size_t n = sizeof words / sizeof *words;
	script(db, "DROP TABLE IF EXISTS t_thai; CREATE TABLE t_thai (w TEXT NOT NULL)");
	for (size_t i = 0; i < n; i++)
		assert_int_equal(db_exec(db, "INSERT INTO t_thai (w) VALUES ($1)", DB_ARGS(DB_TEXT(words[i])), &e), 1);
	const char *want[sizeof words / sizeof *words];
	memcpy(want, words, sizeof want);
	qsort(want, n, sizeof *want, by_thai);
	json_t *rows = db_rows_json(db, "SELECT w FROM t_thai ORDER BY w COLLATE thai", NULL, 0, &e);
	if (!rows)
		fail_msg("%s", e.msg);
	assert_int_equal(json_array_size(rows), n);
	int same = 1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(want[i], json_string_value(json_object_get(json_array_get(rows, i), "w"))))
			same = 0;
	if (!same) {
		for (size_t i = 0; i < n; i++)
			print_message("%2zu %-24s %s\n", i, want[i],
				      json_string_value(json_object_get(json_array_get(rows, i), "w")));
	}
	json_decref(rows);
	assert_true(same);
	/* The dictionary order, not the code-point one, where every word
	 * starting with ไ would come after every word starting with ข. */
	assert_true(by_thai(&(const char *){"ไก่"}, &(const char *){"ขวด"}) < 0);
	assert_true(by_thai(&(const char *){"เกม"}, &(const char *){"คน"}) < 0);
}

/* PostgreSQL only: a connection the server dropped comes back by itself
 * between transactions (its prepared statements prepared again), and inside
 * a transaction it stays failed until db_rollback. */
static void kill_backend(struct engine *en, struct db *db)
{
	struct err e = ERR_INIT;
	long long pid = 0;
	assert_int_equal(db_int_value(db, "SELECT pg_backend_pid()", NULL, 0, &pid, &e), 1);
	long long killed = 0;
	/* The timeout makes the server wait until the backend is gone. */
	assert_int_equal(db_int_value(en->db, "SELECT pg_terminate_backend(CAST($1 AS INTEGER), 5000)",
				      DB_ARGS(DB_INT(pid)), &killed, &e),
			 1);
	assert_int_equal(killed, 1);
}

static void test_pg_reconnect(void **state)
{
	struct engine *en = *state;
	struct err e = ERR_INIT;
	struct db *db = attach(en, "khet_unit", 0);
	const char *sql = "SELECT 40 + $1";
	long long v = 0;
	assert_int_equal(db_int_value(db, sql, DB_ARGS(DB_INT(2)), &v, &e), 1);
	assert_int_equal(v, 42);

	/* a read outside a transaction runs again on a new connection */
	kill_backend(en, db);
	v = 0;
	assert_int_equal(db_int_value(db, sql, DB_ARGS(DB_INT(2)), &v, &e), 1);
	assert_int_equal(v, 42);
	assert_false(db_lost(db));
	/* a write is not run again: it fails, 503, and the next call reconnects */
	kill_backend(en, db);
	assert_int_equal(db_exec(db, "SET application_name = 'khet'", NULL, 0, &e), -1);
	assert_int_equal(e.status, 503);
	assert_true(db_lost(db));
	err_clear(&e);
	assert_int_equal(db_int_value(db, sql, DB_ARGS(DB_INT(2)), &v, &e), 1);
	assert_false(db_lost(db));
	/* BEGIN on a dead connection: begins on a new one */
	kill_backend(en, db);
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(db_int_value(db, sql, DB_ARGS(DB_INT(1)), &v, &e), 1);
	assert_int_equal(v, 41);
	db_rollback(db);

	assert_int_equal(db_begin(db, &e), 0);
	kill_backend(en, db);
	assert_int_equal(db_int_value(db, sql, DB_ARGS(DB_INT(2)), &v, &e), -1);
	assert_int_equal(e.status, 503);
	err_clear(&e);
	assert_int_equal(db_int_value(db, sql, DB_ARGS(DB_INT(2)), &v, &e), -1);
	assert_non_null(strstr(e.msg, "inside a transaction"));
	assert_true(db_lost(db));
	db_rollback(db);
	err_clear(&e);
	assert_int_equal(db_int_value(db, sql, DB_ARGS(DB_INT(3)), &v, &e), 1);
	assert_int_equal(v, 43);
	db_close(db);
}

static void test_open_unknown_scheme(void **state)
{
	struct err e = ERR_INIT;
	struct db *db = (struct db *)1;
	assert_int_equal(db_open("mysql://u:secret@h/x", &db, &e), -1);
	assert_null(db);
	assert_non_null(strstr(e.msg, "ไม่รู้จักที่อยู่ฐานข้อมูล"));
	assert_non_null(strstr(e.msg, "sqlite:"));
	assert_null(strstr(e.msg, "secret"));
	err_clear(&e);
	assert_int_equal(db_open("sqlite:", &db, &e), -1);
	assert_true(e.status != 0);
	assert_true(db_url_known("sqlite:x.db"));
	assert_true(db_url_known("postgres://h/d"));
	assert_true(db_url_known("postgresql://h/d"));
	assert_false(db_url_known("khet.db"));
	assert_false(db_url_known(NULL));
}

static void test_open_bad_sqlite_path(void **state)
{
	struct err e = ERR_INIT;
	struct db *db = NULL;
	assert_int_equal(db_open("sqlite:/nonexistent-khet-dir/sub/khet.db", &db, &e), -1);
	assert_null(db);
	assert_non_null(strstr(e.msg, "เปิดฐานข้อมูล /nonexistent-khet-dir/sub/khet.db ไม่ได้: "));
	/* A folder where the file should be. */
	err_clear(&e);
	assert_int_equal(db_open("sqlite:/tmp", &db, &e), -1);
	assert_non_null(strstr(e.msg, "เปิดฐานข้อมูล /tmp ไม่ได้: "));
}

static void test_open_bad_pg(void **state)
{
	struct err e = ERR_INIT;
	struct db *db = NULL;
	/* Port 1 refuses at once; the password must not reach the message. */
	assert_int_equal(db_open("postgres://u:secret@127.0.0.1:1/khet?connect_timeout=2", &db, &e), -1);
	assert_null(db);
	assert_non_null(strstr(e.msg, "เปิดฐานข้อมูล postgres://u:***@127.0.0.1:1/khet"));
	assert_null(strstr(e.msg, "secret"));
}

/* The tests every engine runs. */
#define ENGINE_TESTS                                                                                                   \
	cmocka_unit_test(test_bind_out_of_order), cmocka_unit_test(test_bind_twice),                                   \
	    cmocka_unit_test(test_null_binding), cmocka_unit_test(test_json_types),                                    \
	    cmocka_unit_test(test_error_message), cmocka_unit_test(test_row_json_404),                                 \
	    cmocka_unit_test(test_int_value), cmocka_unit_test(test_constraint_409),                                   \
	    cmocka_unit_test(test_transaction), cmocka_unit_test(test_exec_changes), cmocka_unit_test(test_bulk), cmocka_unit_test(test_analyze), cmocka_unit_test(test_wrote), cmocka_unit_test(test_thread_calls),                                   \
	    cmocka_unit_test(test_statement_cache), cmocka_unit_test(test_migrate_once),                               \
	    cmocka_unit_test(test_migrate_concurrent), cmocka_unit_test(test_migrate_fills_gap),                    \
	    cmocka_unit_test(test_thai_order)

int main(void)
{
	const struct CMUnitTest open_tests[] = {
	    cmocka_unit_test(test_open_unknown_scheme),
	    cmocka_unit_test(test_open_bad_sqlite_path),
	    cmocka_unit_test(test_open_bad_pg),
	};
	const struct CMUnitTest sqlite_tests[] = {ENGINE_TESTS};
	const struct CMUnitTest pg_tests[] = {ENGINE_TESTS, cmocka_unit_test(test_pg_reconnect)};
	int failed = cmocka_run_group_tests_name("db_open", open_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("db_sqlite", sqlite_tests, setup_sqlite, teardown_engine);
	/* Without a server the PostgreSQL tests are not run, and not counted. */
	pg_engine.pg_url = getenv("KHET_TEST_PG");
	if (pg_engine.pg_url && *pg_engine.pg_url)
		failed += cmocka_run_group_tests_name("db_pg", pg_tests, setup_pg, teardown_engine);
	return failed ? 1 : 0;
}
