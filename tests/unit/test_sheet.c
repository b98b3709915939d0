/* test_sheet: CSV quoting (RFC 4180), the BOM, the formula-injection guard
 * and numbers; XLSX is a real zip whose worksheet holds the header and the
 * cells (read back here with zlib, independent of libxlsxwriter). */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/sheet.h"

static void test_csv_field_quoting(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"plain", "plain"},
	    {"", ""},
	    {"a,b", "\"a,b\""},
	    {"say \"hi\"", "\"say \"\"hi\"\"\""},
	    {"two\nlines", "\"two\nlines\""},
	    {"cr\rhere", "\"cr\rhere\""},
	    {"=1+2", "'=1+2"},
	    {"+66 81", "'+66 81"},
	    {"-5", "'-5"},
	    {"@SUM(A1)", "'@SUM(A1)"},
	    {"=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""},
	    {"\tcmd", "'\tcmd"},
	    {"ก=ข", "ก=ข"},
	    {"ภาษาไทย", "ภาษาไทย"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct buf b = BUF_INIT;
		sheet_csv_field(&b, cases[i].in);
		assert_string_equal(buf_cstr(&b), cases[i].want);
		buf_release(&b);
	}
}

static const struct sheet_col cols[] = {{"เลขที่", 16}, {"ชื่อ, นามสกุล", 30}, {"จำนวน", 8}};

static void test_csv_document(void **state)
{
	struct err e = ERR_INIT;
	struct sheet *s = sheet_new(SHEET_CSV, "คำขอ", 3, cols, &e);
	assert_non_null(s);
	sheet_text(s, "OSS-1");
	sheet_text(s, "สมชาย \"ใจดี\"");
	sheet_number(s, 12.5);
	sheet_row_end(s);
	sheet_text(s, "=cmd|' /C calc'!A0");
	sheet_row_end(s); /* missing cells stay empty */
	sheet_text(s, "a");
	sheet_text(s, "b");
	sheet_number(s, 3);
	sheet_text(s, "ignored: beyond the columns");
	sheet_row_end(s);
	struct buf out = BUF_INIT;
	assert_int_equal(sheet_finish(s, &out, &e), 0);
	assert_string_equal(buf_cstr(&out), "\xEF\xBB\xBF"
					    "เลขที่,\"ชื่อ, นามสกุล\",จำนวน\r\n"
					    "OSS-1,\"สมชาย \"\"ใจดี\"\"\",12.5\r\n"
					    "'=cmd|' /C calc'!A0,,\r\n"
					    "a,b,3\r\n");
	buf_release(&out);
}

static void test_formats(void **state)
{
	enum sheet_format f;
	assert_int_equal(sheet_parse_format("csv", &f), 0);
	assert_int_equal(f, SHEET_CSV);
	assert_int_equal(sheet_parse_format("xlsx", &f), 0);
	assert_int_equal(f, SHEET_XLSX);
	assert_int_equal(sheet_parse_format("pdf", &f), -1);
	assert_int_equal(sheet_parse_format(NULL, &f), -1);
	assert_string_equal(sheet_extension(SHEET_XLSX), ".xlsx");
	assert_non_null(strstr(sheet_content_type(SHEET_CSV), "text/csv"));
	assert_non_null(strstr(sheet_content_type(SHEET_XLSX), "spreadsheetml"));
}

static unsigned rd16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}
static unsigned long rd32(const unsigned char *p)
{
	return rd16(p) | (unsigned long)rd16(p + 2) << 16;
}

/* Extracts one member of a zip (stored or deflated) via the central
 * directory; returns a malloc'd NUL-terminated text or NULL. */
static char *zip_member(const unsigned char *z, size_t len, const char *name)
{
	if (len < 22)
		return NULL;
	size_t eocd = len - 22;
	while (eocd > 0 && rd32(z + eocd) != 0x06054b50)
		eocd--;
	if (rd32(z + eocd) != 0x06054b50)
		return NULL;
	unsigned n = rd16(z + eocd + 10);
	size_t p = rd32(z + eocd + 16);
	for (unsigned i = 0; i < n && p + 46 <= len; i++) {
		if (rd32(z + p) != 0x02014b50)
			return NULL;
		unsigned method = rd16(z + p + 10);
		unsigned long csize = rd32(z + p + 20), usize = rd32(z + p + 24);
		unsigned nlen = rd16(z + p + 28), xlen = rd16(z + p + 30), clen = rd16(z + p + 32);
		size_t local = rd32(z + p + 42);
		if (nlen == strlen(name) && !memcmp(z + p + 46, name, nlen)) {
			size_t data = local + 30 + rd16(z + local + 26) + rd16(z + local + 28);
			if (data + csize > len)
				return NULL;
			char *out = xcalloc(1, usize + 1);
			if (method == 0) {
				memcpy(out, z + data, usize);
				return out;
			}
			z_stream st = {0};
			inflateInit2(&st, -15);
			st.next_in = (unsigned char *)z + data;
			st.avail_in = (unsigned)csize;
			st.next_out = (unsigned char *)out;
			st.avail_out = (unsigned)usize;
			int rc = inflate(&st, Z_FINISH);
			inflateEnd(&st);
			if (rc != Z_STREAM_END) {
				free(out);
				return NULL;
			}
			return out;
		}
		p += 46 + nlen + xlen + clen;
	}
	return NULL;
}

static void test_xlsx(void **state)
{
	struct err e = ERR_INIT;
	struct sheet *s = sheet_new(SHEET_XLSX, "รายการคำขอ [ส่งออก] ที่ยาวเกินสามสิบเอ็ดตัวอักษรแน่นอน", 3, cols, &e);
	assert_non_null(s);
	for (int i = 0; i < 500; i++) {
		sheet_text(s, i == 0 ? "=1+1" : "OSS-X");
		sheet_text(s, "สมหญิง");
		sheet_number(s, i);
		sheet_row_end(s);
	}
	struct buf out = BUF_INIT;
	assert_int_equal(sheet_finish(s, &out, &e), 0);
	assert_true(out.len > 1000);
	assert_memory_equal(out.data, "PK\x03\x04", 4);

	char *ws = zip_member((unsigned char *)out.data, out.len, "xl/worksheets/sheet1.xml");
	assert_non_null(ws);
	assert_non_null(strstr(ws, "เลขที่"));	  /* header, inline string */
	assert_non_null(strstr(ws, "<pane "));	  /* frozen header row */
	assert_non_null(strstr(ws, "<col "));	  /* column widths */
	assert_non_null(strstr(ws, "r=\"501\"")); /* header + 500 rows */
	assert_null(strstr(ws, "<f>"));		  /* "=1+1" is text, never a formula */
	assert_non_null(strstr(ws, "=1+1"));
	free(ws);

	char *wb = zip_member((unsigned char *)out.data, out.len, "xl/workbook.xml");
	assert_non_null(wb);
	/* the worksheet name: [] replaced, cut to 31 characters on a word
	 * boundary, a space first (never "…ที่ยาวเกินส", a word cut in half) */
	assert_non_null(strstr(wb, "name=\"รายการคำขอ _ส่งออก_\""));
	free(wb);
	char *styles = zip_member((unsigned char *)out.data, out.len, "xl/styles.xml");
	assert_non_null(styles);
	assert_non_null(strstr(styles, "<b/>")); /* the bold header format */
	free(styles);
	buf_release(&out);
}

/* Codes stay text: ="…" in CSV, string cells in XLSX; averages are
 * rounded to 2 decimals and shown with them. */
static void test_codes_and_decimals(void **state)
{
	(void)state;
	struct buf f = BUF_INIT;
	sheet_csv_code(&f, "0812345678");
	assert_string_equal(buf_cstr(&f), "\"=\"\"0812345678\"\"\"");
	buf_reset(&f);
	sheet_csv_code(&f, "081-234-5678");
	assert_string_equal(buf_cstr(&f), "\"=\"\"081-234-5678\"\"\"");
	buf_reset(&f);
	/* anything else is plain text with the formula guard */
	sheet_csv_code(&f, "=HYPERLINK(\"x\")");
	assert_string_equal(buf_cstr(&f), "\"'=HYPERLINK(\"\"x\"\")\"");
	buf_reset(&f);
	sheet_csv_code(&f, "");
	assert_string_equal(buf_cstr(&f), "");
	buf_release(&f);

	struct err e = ERR_INIT;
	struct sheet *c = sheet_new(SHEET_CSV, "t", 3, cols, &e);
	sheet_code(c, "1120240625131152");
	sheet_decimal2(c, 74.536);
	sheet_decimal2(c, 0.1 + 0.2);
	sheet_row_end(c);
	struct buf out = BUF_INIT;
	assert_int_equal(sheet_finish(c, &out, &e), 0);
	assert_non_null(strstr(buf_cstr(&out), "\r\n\"=\"\"1120240625131152\"\"\",74.54,0.30\r\n"));
	buf_release(&out);

	struct sheet *x = sheet_new(SHEET_XLSX, "คะแนนเฉลี่ย", 3, cols, &e);
	sheet_code(x, "0812345678");
	sheet_decimal2(x, 74.536);
	sheet_number(x, 3);
	sheet_row_end(x);
	assert_int_equal(sheet_finish(x, &out, &e), 0);
	char *ws = zip_member((unsigned char *)out.data, out.len, "xl/worksheets/sheet1.xml");
	assert_non_null(ws);
	assert_non_null(strstr(ws, "t=\"inlineStr\"><is><t>0812345678</t>"));
	/* the cell's value is the double nearest 74.54 (libxlsxwriter writes
	 * it with 16 digits; every reader parses that back to 74.54) */
	const char *v = strstr(ws, "<c r=\"B2\"");
	assert_non_null(v);
	v = strstr(v, "<v>");
	assert_non_null(v);
	assert_true(strtod(v + 3, NULL) == 74.54);
	free(ws);
	char *styles = zip_member((unsigned char *)out.data, out.len, "xl/styles.xml");
	assert_non_null(strstr(styles, "formatCode=\"0.00\""));
	free(styles);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_field_quoting),
	    cmocka_unit_test(test_csv_document),
	    cmocka_unit_test(test_formats),
	    cmocka_unit_test(test_xlsx),
	    cmocka_unit_test(test_codes_and_decimals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
