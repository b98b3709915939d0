/* test_sheet: CSV quoting (RFC 4180), the BOM, the formula-injection guard
 * and numbers; XLSX is a real zip whose worksheet holds the header and the
 * cells (read back here with zlib, independent of libxlsxwriter). */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/sheet.h"
#include "core/thai.h"

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


/* Worksheet names: at most 31 characters, cut where a word ends (Thai
 * words by th_brk), never inside one. */
static void test_sheet_name_cut(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"โรงเรียน", "โรงเรียน"},
	    {"", "Sheet1"},
	    {"a/b:c", "a_b_c"},
	    /* exactly 31 characters: kept whole */
	    {"รายชื่อโรงเรียนในสังกัดสำนักงาน", "รายชื่อโรงเรียนในสังกัดสำนักงาน"},
	    /* the 31st character is inside พื้นที่ (no space there): cut before it,
	     * never "…เขตพื้นท" */
	    {"รายชื่อโรงเรียนในสังกัดเขตพื้นที่การศึกษา", "รายชื่อโรงเรียนในสังกัดเขต"},
	    /* a title ending in a number keeps it after the words that fit: two
	     * areas' or years' sheets do not get the same name */
	    {"สรุปผลการรายงานตัวชี้วัด ปีงบประมาณ 2569", "สรุปผลการรายงานตัวชี้วัด 2569"},
	    {"โรงเรียนในสังกัด สพป.ยโสธร เขต 2", "โรงเรียนในสังกัด สพป.ยโสธร 2"},
	    {"โรงเรียนในสังกัด สพป.ยโสธร เขต 12", "โรงเรียนในสังกัด สพป.ยโสธร 12"},
	    /* a number that fits is not moved */
	    {"โรงเรียน เขต 2", "โรงเรียน เขต 2"},
	    /* a number glued to a word is no separate number */
	    {"รายชื่อโรงเรียนในสังกัดเขตพื้นที่การศึกษา2", "รายชื่อโรงเรียนในสังกัดเขต"},
	    {"Statistics of the indicators of the year", "Statistics of the indicators of"},
	    {"Statistics of the indicators ofthe year", "Statistics of the indicators"},
	    {"'quoted'", "quoted"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char out[160];
		sheet_name(cases[i].in, out, sizeof out);
		assert_string_equal(out, cases[i].want);
	}
	/* every cut of a long Thai title is a prefix of whole words */
	char out[160];
	sheet_name("ผลการประเมินตนเองของหน่วยงานตามตัวชี้วัดประจำปี", out, sizeof out);
	assert_true(strlen(out) > 0);
	assert_true(thai_utf8_chars(out) <= 31);
	assert_int_equal(strncmp(out, "ผลการประเมินตนเองของหน่วยงานตามตัวชี้วัดประจำปี", strlen(out)), 0);
	assert_int_equal(thai_cut_words(out, 31), strlen(out));
}

static void test_filename(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	/* 2026-12-06 18:00 UTC is already the 7th in Bangkok; the year is BE */
	sheet_filename(&b, "schools", 1796580000LL, SHEET_XLSX);
	assert_string_equal(buf_cstr(&b), "schools-2569-12-07.xlsx");
	buf_reset(&b);
	sheet_filename(&b, "ผู้ใช้ users/../x\"", 1796580000LL, SHEET_CSV);
	assert_string_equal(buf_cstr(&b), "users..x-2569-12-07.csv");
	buf_reset(&b);
	sheet_filename(&b, "ภาษาไทย", 1796580000LL, SHEET_CSV);
	assert_string_equal(buf_cstr(&b), "export-2569-12-07.csv");
	buf_release(&b);
	/* a PDF's two names, the Thai one with the same date (an unsafe base
	 * character dropped from the ASCII name does not cut the Thai one) */
	struct buf a = BUF_INIT, u = BUF_INIT;
	sheet_download_names(&a, &u, "dpa roster-7", "บัญชีรายชื่อบุคลากร โรงเรียนบ้านนา", 1796580000LL, ".pdf");
	assert_string_equal(buf_cstr(&a), "dparoster-7-2569-12-07.pdf");
	assert_string_equal(buf_cstr(&u), "บัญชีรายชื่อบุคลากร โรงเรียนบ้านนา-2569-12-07.pdf");
	buf_release(&a);
	buf_release(&u);
}

static const struct sheet_col kinds[] = {
    {"ข้อความ", 10, SHEET_TEXT, 0, "t"},  {"รหัส", 10, SHEET_CODE, 0, "code"},
    {"โทรศัพท์", 10, SHEET_PHONE, 0, "phone"}, {"จำนวน", 10, SHEET_NUMBER, 2, "n"},
    {"เงิน", 10, SHEET_MONEY, 0, "baht"}, {"สตางค์", 10, SHEET_SATANG, 0, "satang"},
    {"วันที่", 10, SHEET_DATE, 0, "d"},   {"เวลา", 10, SHEET_DATETIME, 0, "at"},
    {"สถานะ", 10, SHEET_ENUM, 0, "status_label"}, {"ไม่มีคีย์", 10, SHEET_TEXT, 0, NULL},
};

static json_t *kinds_row(void)
{
	return json_pack("{s:s, s:s, s:s, s:f, s:s, s:i, s:s, s:i, s:s}", "t", "-1 หรือ =SUM(A1)", "code",
			 "0100012345", "phone", "081-234-5678", "n", 74.536, "baht", "35,210.5", "satang", 3521050,
			 "d", "2026-12-07", "at", 1796614500 /* 2026-12-07 03:35 UTC */, "status_label", "รอดำเนินการ");
}

/* Each declared kind, from the model's values, in CSV. */
static void test_kinds_csv(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct sheet *s = sheet_new(SHEET_CSV, "t", 10, kinds, &e);
	json_t *row = kinds_row();
	sheet_json_row(s, row);
	/* typed BE dates and ISO date-times with an offset */
	json_object_set_new(row, "d", json_string("07/12/2569"));
	json_object_set_new(row, "at", json_string("2026-12-07T10:35:00+07:00"));
	json_object_set_new(row, "n", json_string("not a number"));
	json_object_set_new(row, "baht", json_integer(12));
	sheet_json_row(s, row);
	json_decref(row);
	struct buf out = BUF_INIT;
	assert_int_equal(sheet_finish(s, &out, &e), 0);
	const char *csv = buf_cstr(&out);
	assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(csv, "\r\n'-1 หรือ =SUM(A1),\"=\"\"0100012345\"\"\",\"=\"\"081-234-5678\"\"\",74.54,35210.50,"
				    "35210.50,2026-12-07,2026-12-07 10:35,รอดำเนินการ,\r\n"));
	assert_non_null(strstr(csv, ",not a number,12.00,35210.50,2026-12-07,2026-12-07 10:35,"));
	buf_release(&out);
}

/* The same row in XLSX: dates are date cells (a serial number with the
 * Thai Buddhist-calendar format), money and numbers are numbers. */
static void test_kinds_xlsx(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct sheet *s = sheet_new(SHEET_XLSX, "ชนิดข้อมูล", 10, kinds, &e);
	json_t *row = kinds_row();
	sheet_json_row(s, row);
	json_decref(row);
	struct buf out = BUF_INIT;
	assert_int_equal(sheet_finish(s, &out, &e), 0);
	char *ws = zip_member((unsigned char *)out.data, out.len, "xl/worksheets/sheet1.xml");
	assert_non_null(ws);
	assert_non_null(strstr(ws, "<t>0100012345</t>"));
	assert_non_null(strstr(ws, "<t>081-234-5678</t>"));
	/* 2026-12-07 is Excel serial 46363; 10:35 is 0.44097… of a day */
	const char *g = strstr(ws, "<c r=\"G2\"");
	assert_non_null(g);
	assert_non_null(strstr(g, "<v>46363</v>"));
	const char *h = strstr(ws, "<c r=\"H2\"");
	assert_non_null(h);
	h = strstr(h, "<v>");
	assert_true(strtod(h + 3, NULL) > 46363.44 && strtod(h + 3, NULL) < 46363.45);
	const char *m = strstr(ws, "<c r=\"E2\"");
	assert_non_null(strstr(m, "<v>35210.5</v>"));
	free(ws);
	char *styles = zip_member((unsigned char *)out.data, out.len, "xl/styles.xml");
	assert_non_null(strstr(styles, "formatCode=\"[$-107041E]d mmm yyyy\""));
	assert_non_null(strstr(styles, "formatCode=\"[$-107041E]d mmm yyyy hh:mm\""));
	assert_non_null(strstr(styles, "formatCode=\"#,##0.00\""));
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
	    cmocka_unit_test(test_sheet_name_cut),
	    cmocka_unit_test(test_filename),
	    cmocka_unit_test(test_kinds_csv),
	    cmocka_unit_test(test_kinds_xlsx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
