/* test_uploads: the sweep of uploads no row names (core/uploads.h, issue 11):
 * how a stored path names a file of a module's folder (relative, absolute,
 * absolute in a data folder since moved), and the sweep itself on both
 * engines: a named file stays, an unnamed old one goes, an unnamed recent
 * one stays (a request may be about to commit it), files outside the
 * declared folder are never touched, and a column that cannot be read
 * removes nothing. */
#define SCHEMA "khet_unit_uploads"
#include "engine.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/module.h"
#include "core/uploads.h"

static void test_name_in(void **state)
{
	char out[256];
	assert_true(uploads_name_in("files/oss", "files/oss/12/a-3f.pdf", out, sizeof out));
	assert_string_equal(out, "12/a-3f.pdf");
	assert_true(uploads_name_in("kpi", "/var/lib/khet/kpi/reports/4/9a.pdf", out, sizeof out));
	assert_string_equal(out, "reports/4/9a.pdf");
	/* a data folder moved since: the part after the last /kpi/ */
	assert_true(uploads_name_in("kpi", "/old/kpi/data/kpi/indicators/1/x.png", out, sizeof out));
	assert_string_equal(out, "indicators/1/x.png");
	assert_true(uploads_name_in("files/dmc", "/srv/d/files/dmc/gcode/3/student_form.pdf", out, sizeof out));
	assert_string_equal(out, "gcode/3/student_form.pdf");
	/* nothing of the folder */
	assert_false(uploads_name_in("files/oss", "files/acc/1/x.pdf", out, sizeof out));
	assert_false(uploads_name_in("files/oss", "files/ossx/1/x.pdf", out, sizeof out));
	assert_false(uploads_name_in("files/oss", "files/oss/", out, sizeof out));
	assert_false(uploads_name_in("files/oss", "", out, sizeof out));
	assert_false(uploads_name_in("files/oss", "files/oss/../acc/x.pdf", out, sizeof out));
	assert_false(uploads_name_in("files/oss", "files/oss/1/..", out, sizeof out));
	/* ".." inside a name is a name: its file is kept by the sweep */
	assert_true(uploads_name_in("files/oss", "files/oss/1/report..pdf", out, sizeof out));
	assert_string_equal(out, "1/report..pdf");
	assert_false(uploads_name_in("files/oss", "files/oss/1/x.pdf", out, 4)); /* does not fit */
}

static void put(const char *dir, const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		mkdir(path, 0700);
		*p = '/';
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("x", f);
	fclose(f);
}

static bool exists(const char *dir, const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	return access(path, F_OK) == 0;
}

static void test_sweep(void **state)
{
	struct engine *en = *state;
	struct err e = ERR_INIT;
	char data[64] = "/tmp/khet-unit-uploads-XXXXXX";
	assert_non_null(mkdtemp(data));
	assert_int_equal(db_exec_script(en->db,
					"CREATE TABLE t_up_a (path TEXT NOT NULL); CREATE TABLE t_up_b (file_path TEXT);", &e),
			 0);
	char abs[300];
	snprintf(abs, sizeof abs, "INSERT INTO t_up_b (file_path) VALUES ('%s/files/x/2/b.pdf'), (NULL), ('')", data);
	assert_true(db_exec(en->db, "INSERT INTO t_up_a (path) VALUES ('files/x/1/a.pdf')", NULL, 0, &e) == 1);
	assert_true(db_exec(en->db, abs, NULL, 0, &e) == 3);
	put(data, "files/x/1/a.pdf");      /* named (relative) */
	put(data, "files/x/2/b.pdf");      /* named (absolute) */
	put(data, "files/x/1/stray.pdf");  /* named by no row */
	put(data, "files/y/stray.pdf");    /* not a declared folder */
	put(data, "keep.txt");
	const struct upload_column cols[] = {
	    {"files/x", "t_up_a", "path"}, {"files/x", "t_up_b", "file_path"}, {"files/none", "t_up_a", "path"}, {NULL}};
	/* everything is recent: nothing goes */
	assert_int_equal(uploads_sweep(en->db, data, cols, 600, &e), 0);
	assert_true(exists(data, "files/x/1/stray.pdf"));
	/* of any age: only the unnamed file of the declared folder */
	assert_int_equal(uploads_sweep(en->db, data, cols, -1, &e), 1);
	assert_false(exists(data, "files/x/1/stray.pdf"));
	assert_true(exists(data, "files/x/1/a.pdf"));
	assert_true(exists(data, "files/x/2/b.pdf"));
	assert_true(exists(data, "files/y/stray.pdf"));
	assert_true(exists(data, "keep.txt"));
	/* a column that cannot be read: that folder is left alone */
	put(data, "files/x/1/stray2.pdf");
	const struct upload_column bad[] = {{"files/x", "t_up_a", "path"}, {"files/x", "t_up_missing", "path"}, {NULL}};
	assert_int_equal(uploads_sweep(en->db, data, bad, -1, &e), -1);
	assert_true(exists(data, "files/x/1/stray2.pdf"));
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", data);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(db_exec_script(en->db, "DROP TABLE t_up_a; DROP TABLE t_up_b", &e), 0);
}

/* Every module's declared columns exist in the migrated schema: the
 * sweep at start reads them all (an empty data folder: nothing removed). */
static void test_declared_columns(void **state)
{
	struct engine *en = *state;
	struct err e = ERR_INIT;
	int n = 0;
	for (int i = 0; khet_modules[i]; i++)
		for (const struct upload_column *c = khet_modules[i]->uploads; c && c->dir; c++) {
			char sql[200];
			snprintf(sql, sizeof sql, "SELECT COUNT(%s) FROM %s", c->column, c->table);
			long long count = -1;
			if (db_int_value(en->db, sql, NULL, 0, &count, &e) != 1)
				fail_msg("%s.%s (%s): %s", c->table, c->column, khet_modules[i]->name, e.msg);
			n++;
		}
	assert_true(n >= 7);
}

int main(void)
{
	const struct CMUnitTest pure[] = {cmocka_unit_test(test_name_in)};
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_sweep), cmocka_unit_test(test_declared_columns)};
	int failed = cmocka_run_group_tests_name("uploads", pure, NULL, NULL);
	return failed + run_engine_groups("uploads_db", tests);
}
