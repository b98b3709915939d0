/* staged: the importers' common run (see staged.h). */
#include "core/staged.h"

#include <stdlib.h>

struct staged {
	const struct staged_def *def;
	struct db_bulk *bulk;
	struct buf *report;
	long long rows, bad;
	void *ctx;
};

void staged_bad(struct staged *st, long long line, const char *why)
{
	if (++st->bad <= STAGED_REPORT_MAX)
		buf_addf(st->report, "line %lld / บรรทัด %lld: %s\n", line, line, why);
}

long long staged_bad_count(const struct staged *st)
{
	return st->bad;
}

int staged_load(struct staged *st, const char *const *vals, struct err *e)
{
	if ((st->bad && !st->def->load_after_bad) || !st->bulk)
		return 0;
	return db_bulk_row(st->bulk, vals, e);
}

static int each_row(void *p, const struct table_row *row, const int *pos)
{
	struct staged *st = p;
	st->rows++;
	return st->def->row(st->ctx, st, row, pos);
}

int staged_run(struct db *db, const char *path, const struct staged_def *def, void *ctx, struct buf *report,
	       long long *rows, struct err *e)
{
	struct table *t;
	if (table_open_limits(path, def->max_file ? def->max_file : TABLE_MAX_FILE,
			      def->max_rows ? def->max_rows : TABLE_MAX_ROWS, &t, e) < 0)
		return -1;
	struct staged st = {.def = def, .report = report, .ctx = ctx};
	int *pos = xcalloc((size_t)def->ncolumns, sizeof *pos);
	/* SQLite: a file of a million rows touches far more index pages than
	 * the default 2 MB page cache holds, which then spills to the WAL and
	 * reads back the same pages over and over (4 reads a row measured);
	 * this command's connection may keep them in memory, and the staging
	 * table too (a temporary file otherwise) */
	bool lite = db_kind(db) == DB_SQLITE;
	if (lite && db_exec_script(db, "PRAGMA cache_size = -1048576; PRAGMA temp_store = MEMORY", e) < 0) {
		table_close(t);
		return -1;
	}
	int rc = db_begin(db, e);
	bool in_tx = rc == 0;
	if (rc == 0 && def->prepare)
		rc = def->prepare(ctx, e);
	if (rc == 0 && def->create_sql && db_exec(db, def->create_sql, NULL, 0, e) < 0)
		rc = -1;
	if (rc == 0 && def->create_sql && !(st.bulk = db_bulk_begin(db, def->table, def->cols, def->ncols, e)))
		rc = -1;
	if (rc == 0)
		rc = table_each_row(t, def->columns, def->ncolumns, pos, report, each_row, &st, e);
	struct err ignored = ERR_INIT;
	if (st.bulk && db_bulk_end(st.bulk, rc == 0 && (!st.bad || def->load_after_bad), rc == 0 ? e : &ignored) < 0 &&
	    rc == 0)
		rc = -1;
	if (rc == 0 && (!st.bad || def->load_after_bad) && def->check)
		rc = def->check(ctx, &st);
	if (rc == 0 && !st.bad)
		rc = def->store(ctx, &st);
	if (rc == 0 && st.bad) {
		if (st.bad > STAGED_REPORT_MAX)
			buf_addf(report, "… and %lld more bad rows / และแถวที่ไม่ถูกต้องอีก %lld แถว\n",
				 st.bad - STAGED_REPORT_MAX, st.bad - STAGED_REPORT_MAX);
		rc = table_bad_rows(e, st.bad, st.rows);
	}
	if (rc == 0 && def->create_sql) {
		struct buf drop = BUF_INIT;
		buf_addf(&drop, "DROP TABLE %s", def->table);
		if (db_exec(db, buf_cstr(&drop), NULL, 0, e) < 0)
			rc = -1;
		buf_release(&drop);
	}
	if (rc == 0)
		rc = db_commit(db, e);
	if (rc < 0 && in_tx)
		db_rollback(db);
	if (lite) {
		struct err ignored2 = ERR_INIT;
		db_exec_script(db, "PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT", &ignored2);
	}
	if (rows)
		*rows = st.rows;
	free(pos);
	table_close(t);
	return rc < 0 ? -1 : 0;
}
