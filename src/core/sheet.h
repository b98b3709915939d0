/* sheet: a table exported as CSV or XLSX (OSS officer list, KPI reports).
 * The format is chosen when the sheet is made and rows are written straight
 * through (CSV into the buffer, XLSX into a libxlsxwriter workbook in
 * constant-memory mode), so a handler streams its one query's rows without
 * holding them twice.
 *
 * CSV: UTF-8 with a BOM (Excel opens Thai correctly), CRLF line ends,
 * RFC 4180 quoting; a text cell starting with = + - @ (or tab/CR) gets a
 * leading ' so a spreadsheet never runs it as a formula. Numbers are written
 * as numbers. The title is not written to the CSV (the first line is the
 * header row, so the file imports cleanly).
 *
 * Codes (reference codes, phone numbers, citizen IDs, school codes) go
 * through sheet_code: in CSV a value of only digits and phone punctuation
 * (0-9, space, + - ( ) .) is written as ="0812345678" (RFC 4180 quoted:
 * "=""0812345678"""). Excel and LibreOffice both open that as the text
 * 0812345678, keeping a leading 0 and all 16 digits of a reference code
 * (a plain number cell would show 1.12026E+15 and lose the 0). It stays
 * formula-safe because the formula is nothing but one string literal and
 * the value can hold no quote; any other value is written as ordinary text
 * with the guard above. In XLSX a code is a string cell, like all text.
 * XLSX: one worksheet named after the title (cut to 31 characters on a word
 * boundary, Thai words found by thai_cut_words; []:*?/\ replaced), the title in the document properties, a bold header row that
 * stays frozen, the given column widths; text cells are always strings
 * (never formulas).
 *
 *   static const struct sheet_col cols[] = {{"เลขที่", 16}, {"จำนวน", 10}};
 *   struct sheet *s = sheet_new(SHEET_XLSX, "คำขอ", 2, cols, &e);
 *   sheet_text(s, code); sheet_number(s, 3); sheet_row_end(s);
 *   struct buf out = BUF_INIT;
 *   if (sheet_finish(s, &out, &e) < 0) ...;   // s is freed either way
 *   return view_bytes(r, 200, sheet_content_type(SHEET_XLSX), &out, "คำขอ.xlsx");
 */
#ifndef KHET_SHEET_H
#define KHET_SHEET_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

enum sheet_format { SHEET_CSV, SHEET_XLSX };

/* What a column holds: a list declares its columns once (header, kind,
 * model key) and gets CSV and XLSX from the same declaration.
 *
 *   kind            CSV                              XLSX
 *   SHEET_TEXT      text, formula-guarded            string cell
 *   SHEET_ENUM      the Thai label, as text          string cell
 *   SHEET_CODE      ="0123" when only digits/phone    string cell
 *   SHEET_PHONE     like CODE (keeps the leading 0)   string cell
 *   SHEET_NUMBER    rounded to .decimals             number, 0.00… format when decimals > 0
 *   SHEET_MONEY     baht, 2 decimals ("35210.50")    number, #,##0.00
 *   SHEET_SATANG    integer satang written as MONEY  number, #,##0.00
 *   SHEET_DATE      ISO 2026-12-07                   date cell, [$-107041E]d mmm yyyy (7 ธ.ค. 2569)
 *   SHEET_DATETIME  2026-12-07 13:35 (Bangkok)       date-time cell, [$-107041E]d mmm yyyy hh:mm
 *
 * A date value is ISO "YYYY-MM-DD…", a typed BE/CE date ("07/12/2569") or
 * epoch seconds; a date-time is epoch seconds or ISO "YYYY-MM-DD hh:mm[:ss]"
 * (Bangkok time; a trailing Z or ±hh:mm offset is honoured). */
enum sheet_kind {
	SHEET_TEXT = 0,
	SHEET_CODE,
	SHEET_PHONE,
	SHEET_NUMBER,
	SHEET_MONEY,
	SHEET_SATANG,
	SHEET_DATE,
	SHEET_DATETIME,
	SHEET_ENUM,
};

struct sheet_col {
	const char *header;
	double width; /* in characters for XLSX (0: default); unused by CSV */
	enum sheet_kind kind;
	int decimals;	 /* SHEET_NUMBER: digits after the point (0..6) */
	const char *key; /* the model's key, for sheet_json_row */
};

struct sheet;

/* ncols 1..64. Returns NULL with e set (500) if the temporary XLSX file
 * cannot be made. */
struct sheet *sheet_new(enum sheet_format f, const char *title, int ncols, const struct sheet_col *cols, struct err *e);
/* The next cell of the current row (NULL text: empty). Cells beyond ncols
 * are ignored. */
void sheet_text(struct sheet *s, const char *text);
void sheet_number(struct sheet *s, double v);
/* A code kept as text by every spreadsheet (see above). */
void sheet_code(struct sheet *s, const char *code);
/* A number rounded to 2 decimals and shown with them (0.00) in XLSX. */
void sheet_decimal2(struct sheet *s, double v);
/* A number rounded to `decimals` (0..6) and shown with them in XLSX. */
void sheet_decimal(struct sheet *s, double v, int decimals);
/* Baht: rounded to satang, #,##0.00 in XLSX. */
void sheet_money(struct sheet *s, double baht);
/* A CE calendar date; a date cell in XLSX. */
void sheet_date(struct sheet *s, int y, int m, int d);
/* UTC epoch seconds, shown in Bangkok time. */
void sheet_datetime(struct sheet *s, long long t);
/* The next cell by its column's declared kind, from text (what a model
 * holds: "74.54", "35,210.50", "2026-12-07", "0812345678"); NULL or ""
 * is an empty cell, a value that does not parse as its kind is text. */
void sheet_value(struct sheet *s, const char *text);
/* The same from a JSON value (integer, real, string, null); an integer 0
 * in a date or date-time column is "none": an empty cell. */
void sheet_json(struct sheet *s, json_t *v);
/* One row: each column's key read from the object o (no key: empty). */
void sheet_json_row(struct sheet *s, json_t *o);
/* Ends the current row (missing cells stay empty). */
void sheet_row_end(struct sheet *s);
/* Appends the file to out and frees s; -1 with e (500) on failure. */
int sheet_finish(struct sheet *s, struct buf *out, struct err *e);
void sheet_free(struct sheet *s);

/* "text/csv; charset=utf-8" or the XLSX MIME type; ".csv" or ".xlsx". */
const char *sheet_content_type(enum sheet_format f);
const char *sheet_extension(enum sheet_format f);
/* "csv" / "xlsx" → 0 with *f set; anything else -1. */
int sheet_parse_format(const char *s, enum sheet_format *f);

/* Appends one CSV field with the quoting and formula guard above (exposed
 * for tests and for CSV writers that stream into an HTTP buffer). */
void sheet_csv_field(struct buf *out, const char *s);
/* The CSV field sheet_code writes. */
void sheet_csv_code(struct buf *out, const char *s);
/* The worksheet name XLSX gives a title: at most 31 characters, cut on a
 * word boundary (Thai words by th_brk), []:*?/\\ replaced (exposed for
 * tests). */
void sheet_name(const char *title, char *out, size_t cap);
/* "base-2569-12-07.csv": an ASCII-safe download name with the date of t
 * (Bangkok) as year-month-day in the Buddhist Era (CE 2026 = BE 2569), as
 * Thai users date files; base is kept to [A-Za-z0-9._-]. Every export's
 * download name (core/export.c, kpi stats) is built here. */
void sheet_filename(struct buf *out, const char *base, long long t, enum sheet_format f);
/* The two names of a download dated as sheet_filename dates it, for any
 * extension (".pdf"): ascii gets "base-2569-12-07.pdf", utf8 gets
 * "title-2569-12-07.pdf" (the Thai name view_download sends as filename*). */
void sheet_download_names(struct buf *ascii, struct buf *utf8, const char *base, const char *title, long long t,
			  const char *ext);

#endif
