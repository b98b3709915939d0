/* table_read: reading a table an operator or an office gives us — a CSV or
 * an XLSX file — as rows of text cells, whatever the format. Importers
 * (`khet import org`, later census and personnel) check rows, not file
 * formats, so the format is found here once, by the file's bytes and not
 * its name: a zip that holds an Excel workbook is XLSX, anything else that
 * is text is CSV, anything else is refused with a message saying what to
 * give instead.
 *
 * CSV: UTF-8 with or without a BOM, comma separated, RFC 4180 quotes
 * (a quoted cell may hold commas, "" and line breaks), CRLF or LF. The
 * reader passes the bytes on as they are: the caller checks UTF-8 and
 * reports the row's line number.
 * XLSX: the workbook's first worksheet (libzip + expat), shared strings,
 * inline strings, booleans and numbers; a whole number stored as a number
 * (an OBEC code 1035200001) comes out as its digits, never 1.0352E+9.
 * A zip bomb is refused: the declared and the actually inflated size of
 * what is read are capped (TABLE_MAX_UNZIPPED), and so are the file size
 * and the number of rows and columns.
 *
 *   struct table *t;
 *   if (table_open(path, &t, &e) < 0) ...;
 *   struct table_row row;
 *   while ((rc = table_next(t, &row, &e)) == 1)
 *           use row.line, row.ncells, row.cells[i] ("" for an empty cell);
 *   table_close(t);   // rc < 0: e says why */
#ifndef KHET_TABLE_READ_H
#define KHET_TABLE_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#include "core/err.h"

#define TABLE_MAX_FILE (20LL * 1024 * 1024)	 /* bytes of the file itself */
#define TABLE_MAX_UNZIPPED (100LL * 1024 * 1024) /* XLSX: bytes inflated in all */
#define TABLE_MAX_ROWS 200000			 /* rows of one file */
#define TABLE_MAX_COLS 256			 /* cells of one row */
/* An operator's command-line import (a CLI run is not a web upload: the
 * operator chose the file, and a national census file has a million rows
 * and more; table_open_limits). */
#define TABLE_CLI_MAX_FILE (4LL * 1024 * 1024 * 1024)
#define TABLE_CLI_MAX_ROWS 10000000

enum table_format { TABLE_CSV = 1, TABLE_XLSX };

struct table;

struct table_row {
	long long line; /* CSV: the line the row starts on; XLSX: the sheet's row number */
	int ncells;	/* trailing empty cells are not counted */
	const char *const *cells; /* ncells strings, valid until the next table_next */
};

/* Opens path and finds its format. -1 with e (400, the message English +
 * Thai, for the command line and the web alike) when the file cannot be
 * read, is empty, is larger than TABLE_MAX_FILE, is neither CSV nor XLSX,
 * or is a broken or oversized workbook. */
int table_open(const char *path, struct table **out, struct err *e);
/* The same with other caps on the file's size and its rows (the command
 * line's TABLE_CLI_*); the file is read into memory once, not copied. */
int table_open_limits(const char *path, long long max_file, long long max_rows, struct table **out, struct err *e);
/* The same over bytes in memory (copied). */
int table_open_mem(const void *data, size_t len, struct table **out, struct err *e);
enum table_format table_format(const struct table *t);
/* The next row that is not wholly empty: 1 with row filled, 0 at the end,
 * -1 with e (400: an unclosed quote, too many rows or columns). */
int table_next(struct table *t, struct table_row *row, struct err *e);
void table_close(struct table *t);

/* ---- the header row and cells, for importers ---- */

/* A column an importer reads: how the report names it, whether a file must
 * have it, and the header texts that name it, normalised: lower case,
 * without spaces, dots, dashes, underscores or brackets ("OBEC code",
 * "obec_code" and "รหัสโรงเรียน (10 หลัก)" are "obeccode", "obeccode" and
 * "รหัสโรงเรียน10หลัก"). */
struct table_column {
	const char *shown;
	bool required;
	const char *aliases[12]; /* ends with NULL */
	int one_of;		 /* columns sharing a number > 0: the file needs at least one of them */
};
/* Finds the columns in the header row: pos[i] is the cell of cols[i], -1
 * when the file has none. A column named twice, or a required one (or all
 * of a one_of group) missing, is -1 with e (400, English and Thai, naming the line and the columns);
 * header cells that name nothing are listed in report ("columns ignored"). */
int table_header(const struct table_row *row, const struct table_column *cols, int ncols, int *pos,
		 struct buf *report, struct err *e);
/* An importer's loop: the first row is the header (table_header fills
 * pos), then row(ctx, row, pos) for every data row until it returns < 0.
 * 0 at the end; -1 with e when the file cannot be read, its header is
 * wrong, it has no rows at all or only the header (400, English + Thai),
 * or row failed (row sets e). */
int table_each_row(struct table *t, const struct table_column *cols, int ncols, int *pos, struct buf *report,
		   int (*row)(void *ctx, const struct table_row *row, const int *pos), void *ctx, struct err *e);
/* The importers' answer to a file with bad rows: 400, "N bad rows of M;
 * nothing was stored …" in English and Thai. Returns -1. */
int table_bad_rows(struct err *e, long long bad, long long rows);

/* The text of cell pos (-1 or past the row's end: "") without surrounding
 * spaces, tabs and line ends, as a copy in b. */
const char *table_cell(const struct table_row *row, int pos, struct buf *b);

#endif
