/* test_table_read: the CSV/XLSX reader importers share (core/table_read.h)
 * — CSV quoting (commas, doubled quotes, line breaks inside quotes), a BOM,
 * CRLF and LF, empty lines skipped with line numbers kept, an unclosed
 * quote; XLSX shared strings, inline strings, rich text, numbers written as
 * numbers (an OBEC code in E notation comes out as its 10 digits), sparse
 * cells, a workbook whose first sheet is not sheet1.xml; and the refusals:
 * a broken zip, a zip that is not a workbook, an old .xls, a binary file,
 * an empty file and a zip bomb. The XLSX files are built here with libzip,
 * so every XML shape tested is visible in this file. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "core/buf.h"
#include "core/table_read.h"

static struct table *open_ok(const char *s, size_t n)
{
	struct table *t = NULL;
	struct err e = ERR_INIT;
	if (table_open_mem(s, n, &t, &e) < 0)
		fail_msg("table_open_mem: %s", e.msg);
	return t;
}

/* Reads every row into "line:cell|cell\n" text. */
static void dump(struct table *t, struct buf *out)
{
	struct table_row row;
	struct err e = ERR_INIT;
	int rc;
	while ((rc = table_next(t, &row, &e)) == 1) {
		buf_addf(out, "%lld:", row.line);
		for (int i = 0; i < row.ncells; i++)
			buf_addf(out, "%s%s", i ? "|" : "", row.cells[i]);
		buf_addc(out, '\n');
	}
	if (rc < 0)
		fail_msg("table_next: %s", e.msg);
}

static void test_csv(void **state)
{
	static const char csv[] = "\xEF\xBB\xBF"
				  "a,b,c\r\n"
				  "\"x, y\",\"say \"\"hi\"\"\",plain\r\n"
				  "\r\n"
				  "\"two\nlines\",,\r\n"
				  "1035200001,ไทย,\"\"\n"
				  /* a quote inside an unquoted cell, a line break inside a quoted
				   * one, a lone CR ending the row */
				  "say ab\"c,\"q\r\nx\",z\r"
				  "last,no newline";
	struct table *t = open_ok(csv, sizeof csv - 1);
	assert_int_equal(table_format(t), TABLE_CSV);
	struct buf b = BUF_INIT;
	dump(t, &b);
	assert_string_equal(buf_cstr(&b), "1:a|b|c\n"
					  "2:x, y|say \"hi\"|plain\n"
					  "4:two\nlines\n"
					  "6:1035200001|ไทย\n"
					  "7:say ab\"c|q\r\nx|z\n"
					  "9:last|no newline\n");
	buf_release(&b);
	table_close(t);

	/* an unclosed quote names the line it starts on */
	static const char bad[] = "a,b\n\"open,x\nmore\n";
	t = open_ok(bad, sizeof bad - 1);
	struct table_row row;
	struct err e = ERR_INIT;
	assert_int_equal(table_next(t, &row, &e), 1);
	assert_int_equal(table_next(t, &row, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "line 2"));
	assert_non_null(strstr(e.msg, "บรรทัด 2"));
	table_close(t);
}

static void test_refusals(void **state)
{
	struct table *t = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(table_open_mem("", 0, &t, &e), -1);
	assert_non_null(strstr(e.msg, "empty"));
	err_clear(&e);
	assert_int_equal(table_open_mem("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", 12, &t, &e), -1);
	assert_non_null(strstr(e.msg, ".xls"));
	err_clear(&e);
	assert_int_equal(table_open_mem("\x89PNG\r\n\x1a\n\0\0\0", 11, &t, &e), -1);
	assert_non_null(strstr(e.msg, "neither CSV nor XLSX"));
	err_clear(&e);
	/* a zip header with nothing sound behind it */
	assert_int_equal(table_open_mem("PK\x03\x04garbage-garbage-garbage", 27, &t, &e), -1);
	assert_non_null(strstr(e.msg, "XLSX"));
	err_clear(&e);
	assert_int_equal(table_open("/nonexistent/file.csv", &t, &e), -1);
	assert_non_null(strstr(e.msg, "cannot open"));
	assert_null(t);
}

/* The command line's caps (table_open_limits): the same file is refused
 * under the web's row cap or a smaller file cap and read whole under the
 * command line's, every row of it. */
static void test_limits(void **state)
{
	(void)state;
	char path[] = "/tmp/khet_table_limits_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("a,b\n", f);
	for (int i = 0; i < 250; i++)
		fprintf(f, "%d,x\n", i);
	fclose(f);
	struct table *t = NULL;
	struct table_row row;
	struct err e = ERR_INIT;
	/* 251 rows over a cap of 100 */
	assert_int_equal(table_open_limits(path, TABLE_MAX_FILE, 100, &t, &e), 0);
	int rc, n = 0;
	while ((rc = table_next(t, &row, &e)) == 1)
		n++;
	assert_int_equal(rc, -1);
	assert_int_equal(n, 100);
	assert_non_null(strstr(e.msg, "more than 100 rows"));
	table_close(t);
	err_clear(&e);
	/* a file over a cap of 1 KB */
	assert_int_equal(table_open_limits(path, 1024, TABLE_CLI_MAX_ROWS, &t, &e), -1);
	assert_non_null(strstr(e.msg, "larger than"));
	assert_null(t);
	err_clear(&e);
	/* the command line's caps: every row, the last one whole */
	assert_int_equal(table_open_limits(path, TABLE_CLI_MAX_FILE, TABLE_CLI_MAX_ROWS, &t, &e), 0);
	n = 0;
	while ((rc = table_next(t, &row, &e)) == 1)
		n++;
	assert_int_equal(rc, 0);
	assert_int_equal(n, 251);
	assert_int_equal(row.ncells, 2);
	table_close(t);
	unlink(path);
}

/* A zip in memory of (name, content) pairs, NULL-terminated. */
static void make_zip(const char *const *parts, struct buf *out)
{
	char path[] = "/tmp/khet_table_read_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	int err;
	zip_t *z = zip_open(path, ZIP_TRUNCATE, &err);
	assert_non_null(z);
	for (int i = 0; parts[i]; i += 2) {
		zip_source_t *s = zip_source_buffer(z, parts[i + 1], strlen(parts[i + 1]), 0);
		assert_true(zip_file_add(z, parts[i], s, ZIP_FL_OVERWRITE) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
	close(fd);
	unlink(path);
}

static const char workbook[] =
    "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"โรงเรียน\" sheetId=\"1\" r:id=\"rId7\"/><sheet name=\"อื่น\" sheetId=\"2\" r:id=\"rId8\"/>"
    "</sheets></workbook>";
static const char rels[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId8\" Type=\"x\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId7\" Type=\"x\" Target=\"/xl/worksheets/schools.xml\"/></Relationships>";
static const char sst[] = "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
			  "<si><t>รหัสโรงเรียน</t></si>"
			  "<si><r><t>ชื่อ</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">โรงเรียน</t></r>"
			  "<rPh><t>ignored</t></rPh></si>"
			  "<si><t>บ้าน &amp; &quot;ดี&quot;</t></si></sst>";
static const char sheet[] =
    "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" "
    "t=\"inlineStr\"><is><t>SMIS</t></is></c></row>"
    "<row r=\"3\"><c r=\"A3\"><v>1.035200001E9</v></c><c r=\"B3\" t=\"s\"><v>2</v></c><c r=\"C3\" "
    "t=\"n\"><v>35200001</v></c><c r=\"E3\"><v>2.5</v></c><c r=\"F3\" t=\"b\"><v>1</v></c></row>"
    "<row r=\"4\"><c r=\"A4\"><v>0352000010</v></c><c r=\"C4\" t=\"str\"><f>A4</f><v>x</v></c></row>"
    "<row r=\"5\"><c r=\"A5\" t=\"s\"/></row>"
    "</sheetData></worksheet>";

static void test_xlsx(void **state)
{
	const char *parts[] = {"xl/workbook.xml", workbook, "xl/_rels/workbook.xml.rels", rels,
			       "xl/sharedStrings.xml", sst, "xl/worksheets/schools.xml", sheet,
			       "xl/worksheets/sheet1.xml", "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>wrong "
			       "sheet</t></is></c></row></sheetData></worksheet>",
			       NULL};
	struct buf z = BUF_INIT;
	make_zip(parts, &z);
	struct table *t = open_ok(z.data, z.len);
	assert_int_equal(table_format(t), TABLE_XLSX);
	struct buf b = BUF_INIT;
	dump(t, &b);
	assert_string_equal(buf_cstr(&b), "1:รหัสโรงเรียน|ชื่อโรงเรียน|SMIS\n"
					  "3:1035200001|บ้าน & \"ดี\"|35200001||2.5|TRUE\n"
					  "4:352000010||x\n");
	buf_release(&b);
	table_close(t);
	buf_release(&z);

	/* no workbook.rels: the first sheet is sheet1.xml; no shared strings */
	const char *plain[] = {"xl/workbook.xml", "<workbook/>", "xl/worksheets/sheet1.xml",
			       "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>a</t></is></c><c><v>7</v></c></row>"
			       "</sheetData></worksheet>",
			       NULL};
	make_zip(plain, &z);
	t = open_ok(z.data, z.len);
	dump(t, &b);
	assert_string_equal(buf_cstr(&b), "1:a|7\n");
	buf_release(&b);
	table_close(t);
	buf_release(&z);

	/* a zip that is not a workbook */
	const char *other[] = {"word/document.xml", "<w/>", NULL};
	make_zip(other, &z);
	struct err e = ERR_INIT;
	assert_int_equal(table_open_mem(z.data, z.len, &t, &e), -1);
	assert_non_null(strstr(e.msg, "not an Excel workbook"));
	buf_release(&z);

	/* a shared string index past the table */
	const char *badidx[] = {"xl/workbook.xml", "<workbook/>", "xl/worksheets/sheet1.xml",
				"<worksheet><sheetData><row><c t=\"s\"><v>9</v></c></row></sheetData></worksheet>", NULL};
	make_zip(badidx, &z);
	err_clear(&e);
	assert_int_equal(table_open_mem(z.data, z.len, &t, &e), -1);
	assert_non_null(strstr(e.msg, "shared string"));
	buf_release(&z);

	/* found by tests/fuzz/fuzz_table: a row inside a row, or a cell outside
	 * any row, dropped the cells gathered so far (a leak, and cells of one
	 * row read into another); both are refused as a damaged workbook */
	static const char *const broken[] = {
	    "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>a</t></is></c><row><c><v>1</v></c></row></row>"
	    "</sheetData></worksheet>",
	    "<worksheet><sheetData><c t=\"inlineStr\"><is><t>a</t></is></c><row><c><v>1</v></c></row>"
	    "</sheetData></worksheet>",
	};
	for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
		const char *bad[] = {"xl/workbook.xml", "<workbook/>", "xl/worksheets/sheet1.xml", broken[i], NULL};
		make_zip(bad, &z);
		err_clear(&e);
		assert_int_equal(table_open_mem(z.data, z.len, &t, &e), -1);
		assert_non_null(strstr(e.msg, "not a readable XLSX"));
		assert_non_null(strstr(e.msg, i == 0 ? "a row inside a row" : "a cell outside a row"));
		buf_release(&z);
	}
}

/* A sheet that inflates past TABLE_MAX_UNZIPPED from a small file. */
static void test_zip_bomb(void **state)
{
	size_t n = (size_t)TABLE_MAX_UNZIPPED + 1024;
	char *big = xmalloc(n + 1);
	static const char head[] = "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>";
	memcpy(big, head, sizeof head - 1);
	memset(big + sizeof head - 1, 'a', n - (sizeof head - 1));
	big[n] = 0;
	const char *parts[] = {"xl/workbook.xml", "<workbook/>", "xl/worksheets/sheet1.xml", big, NULL};
	struct buf z = BUF_INIT;
	make_zip(parts, &z);
	free(big);
	assert_true(z.len < (size_t)TABLE_MAX_FILE);
	struct table *t = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(table_open_mem(z.data, z.len, &t, &e), -1);
	assert_non_null(strstr(e.msg, "unpacks to more than 100 MB"));
	buf_release(&z);
}

static int count_row(void *ctx, const struct table_row *row, const int *pos)
{
	(void)row;
	(void)pos;
	(*(int *)ctx)++;
	return 0;
}

/* An importer's loop (table_each_row): a header with rows under it calls
 * the row step once a row; a header alone, or with only blank rows under
 * it, is refused in English and Thai as a file with no data (an importer
 * would otherwise say "0 added"), and so is a file with no rows at all. */
static void test_each_row_header_only(void **state)
{
	(void)state;
	static const struct table_column cols[] = {{"name", true, {"name", "ชื่อ"}, 0}};
	static const char *const files[] = {"name\nหนึ่ง\nสอง\n", "name\n", "\xEF\xBB\xBFชื่อ\r\n,\r\n\r\n", "\n\n"};
	for (int i = 0; i < 4; i++) {
		struct table *t = open_ok(files[i], strlen(files[i]));
		struct buf report = BUF_INIT;
		struct err e = ERR_INIT;
		int pos[1], n = 0;
		int rc = table_each_row(t, cols, 1, pos, &report, count_row, &n, &e);
		if (i == 0) {
			assert_int_equal(rc, 0);
			assert_int_equal(n, 2);
		} else {
			assert_int_equal(rc, -1);
			assert_int_equal(n, 0);
			assert_int_equal(e.status, 400);
			assert_non_null(strstr(e.msg, i < 3 ? "ไฟล์มีแต่แถวชื่อคอลัมน์" : "ไฟล์ไม่มีข้อมูล"));
		}
		buf_release(&report);
		table_close(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_xlsx),
	    cmocka_unit_test(test_zip_bomb),
	    cmocka_unit_test(test_each_row_header_only),
	};
	return cmocka_run_group_tests_name("table_read", tests, NULL, NULL) ? 1 : 0;
}
