/* test_pdf: documents start with %PDF and end with %%EOF, embed the
 * Laksaman font, carry the title as metadata, and have the page count their
 * content needs: explicit breaks exactly, long tables and paragraphs flowing
 * onto more pages within bounds worked out from the font size. */
#include "unit.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "core/pdf.h"

static const char *find_bytes(const char *hay, size_t len, const char *needle, size_t from)
{
	size_t n = strlen(needle);
	for (size_t i = from; i + n <= len; i++)
		if (!memcmp(hay + i, needle, n))
			return hay + i;
	return NULL;
}

/* Page objects ("/Type /Page" not followed by 's'). */
static int page_count(const struct buf *b)
{
	int n = 0;
	size_t at = 0;
	const char *p;
	while ((p = find_bytes(b->data, b->len, "/Type /Page", at))) {
		at = (size_t)(p - b->data) + 11;
		if (at < b->len && b->data[at] != 's')
			n++;
	}
	return n;
}

/* The /Count of the page tree must agree with the objects. */
static int tree_count(const struct buf *b)
{
	const char *p = find_bytes(b->data, b->len, "/Type /Pages", 0);
	if (!p)
		return -1;
	const char *c = find_bytes(b->data, b->len, "/Count ", (size_t)(p - b->data));
	if (!c)
		return -1;
	long long n = -1;
	num_parse_lln(c + 7, strspn(c + 7, "0123456789"), 0, INT_MAX, &n);
	return (int)n;
}

static void finish(struct pdf *p, struct buf *out)
{
	struct err e = ERR_INIT;
	assert_int_equal(pdf_finish(p, out, &e), 0);
	assert_true(out->len > 1000);
	assert_memory_equal(out->data, "%PDF-", 5);
	assert_non_null(find_bytes(out->data, out->len, "%%EOF", out->len > 16 ? out->len - 16 : 0));
	assert_int_equal(page_count(out), tree_count(out));
}

static void test_short_document(void **state)
{
	struct pdf *p = pdf_new("แบบคำขอใช้ห้องประชุม");
	pdf_subtitle(p, "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1");
	pdf_footer(p, "พิมพ์เมื่อ 25 มิ.ย. 2567");
	pdf_heading(p, "ข้อมูลผู้ยื่นคำขอ");
	pdf_row(p, "ชื่อ-นามสกุล", "นางสาวสมหญิง ใจดี");
	pdf_row(p, "อีเมล", NULL);
	pdf_text(p, "ข้อความ & <ทดสอบ> ที่มีอักขระพิเศษ");
	const char *h[] = {"วันที่", "สถานะ"};
	pdf_table(p, 2, h, NULL);
	pdf_table_row(p, (const char *[]){"25 มิ.ย. 2567", "ยื่นคำขอ"});
	struct buf out = BUF_INIT;
	finish(p, &out);
	assert_int_equal(page_count(&out), 1);
	/* the Thai font is embedded (subset names look like ABCDEF+Laksaman) */
	assert_non_null(find_bytes(out.data, out.len, "+Laksaman", 0));
	assert_non_null(find_bytes(out.data, out.len, "/FontFile", 0));
	/* the bold face for headings and labels too */
	assert_non_null(find_bytes(out.data, out.len, "Laksaman-Bold", 0));
	buf_release(&out);
}

/* Column kinds: words kept whole, numbers right-aligned; a piece wider than
 * its column (or a kinds string too short, too long, or with a letter it
 * does not know) still lays out; kinds outside a table are ignored. */
static void test_table_kinds(void **state)
{
	struct pdf *p = pdf_new("เงินอุดหนุนรายหัว สำนักงานเขตพื้นที่การศึกษาประถมศึกษายโสธร เขต 2");
	pdf_table_kinds(p, "nnn"); /* no table yet: ignored */
	pdf_subtitle(p, "รอบที่ 3 ณ 30 เมษายน (สิ้นปีการศึกษา) ปีการศึกษา 2570 (จากข้อมูลที่ผู้อำนวยการสถานศึกษารับรองแล้ว)");
	const char *h[] = {"ชื่อ-นามสกุล", "หมายเหตุ", "เงินเดือน (บาท)", "x"};
	const double w[] = {0.6, 3, 1, 1};
	pdf_table(p, 4, h, w);
	pdf_table_kinds(p, "wtnq?"); /* 'q' is text; the fifth letter is past the table */
	for (int i = 0; i < 30; i++)
		pdf_table_row(p, (const char *[]){"นางสาวกาญจนาภรณ์ แก้วมณีวงศ์สกุลใหญ่", "ข้อความยาว ๆ", "1,234,567.50", NULL});
	pdf_table_kinds(p, "tt"); /* after rows: ignored */
	pdf_table_row(p, (const char *[]){"", "", "", ""});
	pdf_text(p, "จบ");
	pdf_table_kinds(p, "n"); /* not a table: ignored */
	struct buf out = BUF_INIT;
	finish(p, &out);
	assert_in_range(page_count(&out), 2, 12);
	buf_release(&out);
}

static void test_page_breaks_exact(void **state)
{
	for (int breaks = 0; breaks < 4; breaks++) {
		struct pdf *p = pdf_new("หัวเรื่อง");
		for (int i = 0; i < breaks; i++) {
			pdf_text(p, "หน้าที่");
			pdf_page_break(p);
		}
		pdf_text(p, "หน้าสุดท้าย");
		struct buf out = BUF_INIT;
		finish(p, &out);
		assert_int_equal(page_count(&out), breaks + 1);
		buf_release(&out);
	}
}

/* A 16/14-point line is between 14 and 30 points high; with cell padding a
 * one-line table row is 20..36 points; the body of an A4 page with these
 * margins is about 720 points. 300 rows therefore need 300*20/720 = 8.3 to
 * 300*36/690 = 15.7 pages. */
static void test_long_table_flows(void **state)
{
	struct pdf *p = pdf_new("ตารางยาว");
	const char *h[] = {"ลำดับ", "รายการ", "หมายเหตุ"};
	const double w[] = {1, 3, 2};
	pdf_table(p, 3, h, w);
	for (int i = 0; i < 300; i++) {
		char n[16];
		snprintf(n, sizeof n, "%d", i + 1);
		pdf_table_row(p, (const char *[]){n, "คำขอรับบริการ", NULL});
	}
	struct buf out = BUF_INIT;
	finish(p, &out);
	int pages = page_count(&out);
	assert_in_range(pages, 9, 16);
	buf_release(&out);
}

/* A paragraph much longer than a page wraps (Thai has no spaces between
 * words; pango breaks it) and flows: 4000 Thai words of ~2.5 characters at
 * 16 pt on a 165 mm line (about 60 characters) is 160+ lines, 25..40 lines
 * a page. */
static void test_long_paragraph_flows(void **state)
{
	struct buf text = BUF_INIT;
	for (int i = 0; i < 4000; i++)
		buf_adds(&text, "ขอใช้");
	struct pdf *p = pdf_new(NULL);
	pdf_text(p, buf_cstr(&text));
	pdf_row(p, "หมายเหตุ", buf_cstr(&text));
	buf_release(&text);
	struct buf out = BUF_INIT;
	finish(p, &out);
	assert_in_range(page_count(&out), 6, 40);
	buf_release(&out);
}

static void *build_one(void *arg)
{
	struct pdf *p = pdf_new("พร้อมกัน");
	for (int i = 0; i < 40; i++)
		pdf_row(p, "รายการ", "ค่าในแถว"); /* 40 one-line rows: two pages */
	struct buf *out = arg;
	struct err e = ERR_INIT;
	if (pdf_finish(p, out, &e) < 0)
		out->len = 0;
	return NULL;
}

/* Worker threads build PDFs at the same time. */
static void test_threads(void **state)
{
	pthread_t t[4];
	struct buf out[4] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, build_one, &out[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++) {
		assert_true(out[i].len > 1000);
		assert_int_equal(page_count(&out[i]), 2);
	}
	for (int i = 0; i < 4; i++)
		buf_release(&out[i]);
}

static void test_free_without_finish(void **state)
{
	struct pdf *p = pdf_new("x");
	pdf_text(p, "y");
	pdf_free(p);
	pdf_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_kinds),
	    cmocka_unit_test(test_short_document),   cmocka_unit_test(test_page_breaks_exact),
	    cmocka_unit_test(test_long_table_flows), cmocka_unit_test(test_long_paragraph_flows),
	    cmocka_unit_test(test_threads),	     cmocka_unit_test(test_free_without_finish),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
