/* staged: the shape every bulk importer of Khet shares (`khet import
 * students`, `khet import personnel`): the file's rows are checked one by
 * one in C against lists read once, the good ones loaded into a temporary
 * table through db_bulk (COPY on PostgreSQL), then checked against what is
 * stored and stored, each a set-based statement — one transaction, all or
 * nothing, every bad row reported with its line (the first STAGED_REPORT_MAX
 * of them, then a count). The importer gives the table, the file's columns
 * and four steps:
 *
 *   prepare  before any row: read what the checks need (PostgreSQL's COPY
 *            takes the connection until the rows are in)
 *   row      one data row: staged_bad with the reasons, or staged_load
 *   check    the staged rows against stored records: staged_bad for each
 *   store    no row was bad: into the real tables (and the audit)
 *
 * The temporary table is dropped before the commit. An importer may do
 * without it (create_sql NULL: SQLite's student import stores each checked
 * row itself in row, in the same transaction; staged_load then loads
 * nothing); the run, the report and all-or-nothing stay the same. */
#ifndef KHET_STAGED_H
#define KHET_STAGED_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/table_read.h"

#define STAGED_REPORT_MAX 1000

struct staged;

struct staged_def {
	const char *table;	 /* the temporary table ("dmc_import") */
	const char *create_sql;	 /* its CREATE TEMP TABLE; NULL: no staging table */
	const char *const *cols; /* its columns, in the order staged_load takes values */
	int ncols;
	const struct table_column *columns; /* the file's columns (table_header) */
	int ncolumns;
	/* keep loading good rows after a bad one, so that check reports their
	 * lines too (else the file's first bad row stops the loading) */
	bool load_after_bad;
	/* caps on the file (table_open_limits); 0: table_open's, the web's */
	long long max_file, max_rows;
	int (*prepare)(void *ctx, struct err *e);
	int (*row)(void *ctx, struct staged *st, const struct table_row *row, const int *pos);
	int (*check)(void *ctx, struct staged *st);
	int (*store)(void *ctx, struct staged *st);
};

/* One bad row: its line and reasons into the report. */
void staged_bad(struct staged *st, long long line, const char *why);
long long staged_bad_count(const struct staged *st);
/* A good row's values (def->ncols, NULL for SQL NULL) into the table;
 * nothing is loaded once a row was bad, unless load_after_bad. */
int staged_load(struct staged *st, const char *const *vals, struct err *e);

/* Runs the import of the file at path. 0 when every row was stored (*rows:
 * the data rows read); -1 with e otherwise — 400 when rows were bad (the
 * report lists them), the file unreadable or its header wrong. */
int staged_run(struct db *db, const char *path, const struct staged_def *def, void *ctx, struct buf *report,
	       long long *rows, struct err *e);

#endif
