/* engine.h: the test database a storage test's group runs on, once on
 * SQLite (a file in a temp folder) and once on PostgreSQL when KHET_TEST_PG
 * holds a postgres:// URL (in a schema of its own, dropped afterwards),
 * migrated to the current schema. A test file defines SCHEMA
 * ("khet_unit_<name>") before including it, then uses setup_sqlite /
 * setup_pg / teardown_engine as its group fixtures and attach() for more
 * connections to the same database. A file that needs more than the
 * migrated schema (demo data, ids it looks up) sets engine_after_migrate
 * before running its groups, and keeps what it finds in engine.data.
 * Including this file is what makes tests/run-all.sh run the test binary on
 * PostgreSQL too. */
#ifndef KHET_UNIT_ENGINE_H
#define KHET_UNIT_ENGINE_H
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/db.h"

#ifndef SCHEMA
#error "define SCHEMA before including engine.h"
#endif

struct engine {
	enum db_kind kind;
	const char *pg_url;
	char dir[64];
	struct db *db;
	void *data; /* the test file's own, e.g. ids engine_after_migrate looked up */
};

/* Optional: runs on each engine after db_migrate; < 0 (e set) fails the
 * group's setup. */
static int (*engine_after_migrate)(struct engine *en, struct err *e);

static struct engine sqlite_engine = {.kind = DB_SQLITE};
static struct engine pg_engine = {.kind = DB_POSTGRES};

/* A connection to the test database. fresh: drop what is there first. */
static inline struct db *attach(struct engine *en, int fresh)
{
	struct err e = ERR_INIT;
	struct db *db = NULL;
	char url[600];
	if (en->kind == DB_SQLITE) {
		snprintf(url, sizeof url, "sqlite:%s/khet.db", en->dir);
		if (db_open(url, &db, &e))
			fail_msg("db_open %s: %s", url, e.msg);
		return db;
	}
	if (db_open(en->pg_url, &db, &e))
		fail_msg("db_open: %s", e.msg);
	if (fresh && db_exec_script(db, "DROP SCHEMA IF EXISTS " SCHEMA " CASCADE; CREATE SCHEMA " SCHEMA, &e))
		fail_msg("schema: %s", e.msg);
	if (db_exec_script(db, "SET search_path TO " SCHEMA, &e))
		fail_msg("search_path: %s", e.msg);
	return db;
}

static inline int setup_engine(void **state, struct engine *en)
{
	struct err e = ERR_INIT;
	if (en->kind == DB_SQLITE) {
		snprintf(en->dir, sizeof en->dir, "/tmp/" SCHEMA "-XXXXXX");
		if (!mkdtemp(en->dir))
			return -1;
	}
	en->db = attach(en, 1);
	if (db_migrate(en->db, &e) < 0) {
		fprintf(stderr, "db_migrate: %s\n", e.msg);
		return -1;
	}
	if (engine_after_migrate && engine_after_migrate(en, &e) < 0) {
		fprintf(stderr, "after migrate: %s\n", e.msg);
		return -1;
	}
	*state = en;
	return 0;
}

static inline int teardown_engine(void **state)
{
	struct engine *en = *state;
	struct err e = ERR_INIT;
	if (en->kind == DB_POSTGRES)
		db_exec_script(en->db, "DROP SCHEMA IF EXISTS " SCHEMA " CASCADE", &e);
	db_close(en->db);
	if (en->kind == DB_SQLITE) {
		char cmd[100];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", en->dir);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

static inline int setup_sqlite(void **state)
{
	return setup_engine(state, &sqlite_engine);
}

static inline int setup_pg(void **state)
{
	return setup_engine(state, &pg_engine);
}

/* Runs the group on SQLite, then on PostgreSQL when KHET_TEST_PG is set
 * (without a server those tests are neither run nor counted). Returns the
 * number failed. */
#define run_engine_groups(name, tests)                                                                                 \
	(cmocka_run_group_tests_name(name "_sqlite", tests, setup_sqlite, teardown_engine) +                           \
	 ((pg_engine.pg_url = getenv("KHET_TEST_PG")) && *pg_engine.pg_url                                             \
	      ? cmocka_run_group_tests_name(name "_pg", tests, setup_pg, teardown_engine)                              \
	      : 0))
#endif
