/* test_kpi: KPI-Online (KPI-1 … KPI-8). First the pure rules — the period
 * calendars of a fiscal year and their dates, indicator types and the
 * check of a score against them with its Thai messages, averages and their
 * rounding, criteria levels, indicator checks, the report's state machine
 * with every refusal, file limits, unit removal, reminders, and who may do
 * what. Then the storage on a fresh SQLite database (and on PostgreSQL when
 * KHET_TEST_PG is set): indicators, periods opened and closed, units
 * assigned and removed, reports saved, confirmed, reviewed and cancelled,
 * each refusal leaving nothing changed, the counters of the indicator
 * list, the matrix in a fixed number of queries, the statistics, copying a
 * year, the remembered year and the reminders. */
#include "unit.h"

#include <dlfcn.h>
#include <pango/pangocairo.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/view.h"
#include "core/db_internal.h"
#include "core/thai.h"
#include "kpi/kpi_internal.h"
#include "org/org.h"

/* ---- helpers ------------------------------------------------------------- */

static void expect_err(int rc, const struct err *e, int status, const char *field, const char *msg)
{
	assert_int_equal(rc, -1);
	assert_int_equal(e->status, status);
	if (field)
		assert_string_equal(e->field, field);
	if (msg)
		assert_string_equal(e->msg, msg);
}

static void expect_date(struct kpi_date d, int y, int m, int dd)
{
	assert_int_equal(d.y, y);
	assert_int_equal(d.m, m);
	assert_int_equal(d.d, dd);
}

/* ---- period calendars (KPI-3) -------------------------------------------- */

static void test_monthly_calendar(void **state)
{
	struct kpi_period_def p;
	struct err e = ERR_INIT;
	/* fiscal year 2567 = 1 Oct 2023 – 30 Sep 2024 */
	assert_int_equal(kpi_kind_periods(KPI_MONTHLY), 12);
	assert_int_equal(kpi_period_def(2567, KPI_MONTHLY, 1, &p, &e), 0);
	assert_string_equal(p.label, "ตุลาคม");
	assert_string_equal(p.title, "ตุลาคม 2566");
	expect_date(p.start, 2023, 10, 1);
	expect_date(p.end, 2023, 10, 31);
	assert_int_equal(kpi_period_def(2567, KPI_MONTHLY, 2, &p, &e), 0);
	assert_string_equal(p.label, "พฤศจิกายน");
	expect_date(p.end, 2023, 11, 30);
	assert_int_equal(kpi_period_def(2567, KPI_MONTHLY, 3, &p, &e), 0);
	assert_string_equal(p.title, "ธันวาคม 2566");
	assert_int_equal(kpi_period_def(2567, KPI_MONTHLY, 4, &p, &e), 0);
	assert_string_equal(p.title, "มกราคม 2567");
	expect_date(p.start, 2024, 1, 1);
	/* 2024 is a leap year */
	assert_int_equal(kpi_period_def(2567, KPI_MONTHLY, 5, &p, &e), 0);
	assert_string_equal(p.label, "กุมภาพันธ์");
	expect_date(p.end, 2024, 2, 29);
	assert_int_equal(kpi_period_def(2568, KPI_MONTHLY, 5, &p, &e), 0);
	expect_date(p.end, 2025, 2, 28);
	assert_int_equal(kpi_period_def(2567, KPI_MONTHLY, 12, &p, &e), 0);
	assert_string_equal(p.title, "กันยายน 2567");
	expect_date(p.start, 2024, 9, 1);
	expect_date(p.end, 2024, 9, 30);
	/* the twelve months run on without gaps */
	struct kpi_period_def prev;
	assert_int_equal(kpi_period_def(2567, KPI_MONTHLY, 1, &prev, &e), 0);
	for (int s = 2; s <= 12; s++) {
		assert_int_equal(kpi_period_def(2567, KPI_MONTHLY, s, &p, &e), 0);
		assert_int_equal(kpi_date_diff(prev.end, p.start), 1);
		prev = p;
	}
	expect_err(kpi_period_def(2567, KPI_MONTHLY, 13, &p, &e), &e, 404, NULL, NULL);
	err_clear(&e);
	expect_err(kpi_period_def(2567, KPI_MONTHLY, 0, &p, &e), &e, 404, NULL, NULL);
}

static void test_other_calendars(void **state)
{
	struct kpi_period_def p;
	struct err e = ERR_INIT;
	assert_int_equal(kpi_kind_periods(KPI_QUARTERLY), 4);
	assert_int_equal(kpi_period_def(2567, KPI_QUARTERLY, 1, &p, &e), 0);
	assert_string_equal(p.label, "ไตรมาสที่ 1");
	expect_date(p.start, 2023, 10, 1);
	expect_date(p.end, 2023, 12, 31);
	assert_int_equal(kpi_period_def(2567, KPI_QUARTERLY, 2, &p, &e), 0);
	assert_string_equal(p.title, "ไตรมาสที่ 2 (ม.ค.–มี.ค.)");
	expect_date(p.start, 2024, 1, 1);
	expect_date(p.end, 2024, 3, 31);
	assert_int_equal(kpi_period_def(2567, KPI_QUARTERLY, 3, &p, &e), 0);
	expect_date(p.start, 2024, 4, 1);
	expect_date(p.end, 2024, 6, 30);
	assert_int_equal(kpi_period_def(2567, KPI_QUARTERLY, 4, &p, &e), 0);
	assert_string_equal(p.label, "ไตรมาสที่ 4");
	expect_date(p.start, 2024, 7, 1);
	expect_date(p.end, 2024, 9, 30);
	expect_err(kpi_period_def(2567, KPI_QUARTERLY, 5, &p, &e), &e, 404, NULL, NULL);

	assert_int_equal(kpi_kind_periods(KPI_HALF), 2);
	assert_int_equal(kpi_period_def(2567, KPI_HALF, 1, &p, &e), 0);
	assert_string_equal(p.label, "รอบ 6 เดือน");
	expect_date(p.start, 2023, 10, 1);
	expect_date(p.end, 2024, 3, 31);
	assert_int_equal(kpi_period_def(2567, KPI_HALF, 2, &p, &e), 0);
	assert_string_equal(p.label, "รอบ 12 เดือน");
	expect_date(p.start, 2023, 10, 1); /* cumulative: the whole year */
	expect_date(p.end, 2024, 9, 30);

	assert_int_equal(kpi_kind_periods(KPI_ONCE), 1);
	assert_int_equal(kpi_period_def(2568, KPI_ONCE, 1, &p, &e), 0);
	assert_string_equal(p.label, "1 ครั้ง");
	expect_date(p.start, 2024, 10, 1);
	expect_date(p.end, 2025, 9, 30);

	/* kinds by name */
	assert_int_equal(kpi_kind_parse("monthly"), KPI_MONTHLY);
	assert_int_equal(kpi_kind_parse("quarterly"), KPI_QUARTERLY);
	assert_int_equal(kpi_kind_parse("half"), KPI_HALF);
	assert_int_equal(kpi_kind_parse("once"), KPI_ONCE);
	assert_int_equal(kpi_kind_parse("yearly"), -1);
	assert_int_equal(kpi_kind_parse(NULL), -1);
	assert_string_equal(kpi_kind_label(KPI_HALF), "รายครึ่งปี");
	/* years */
	expect_err(kpi_period_def(2559, KPI_ONCE, 1, &p, &e), &e, 400, "fiscal_year", NULL);
	expect_err(kpi_period_def(2701, KPI_ONCE, 1, &p, &e), &e, 400, "fiscal_year", NULL);
	assert_true(kpi_year_valid(2567));
	assert_false(kpi_year_valid(2024)); /* a CE year is not a BE fiscal year */
}

static void test_dates(void **state)
{
	struct kpi_date d;
	assert_int_equal(kpi_date_parse("2024-02-29", &d), 0);
	expect_date(d, 2024, 2, 29);
	assert_int_equal(kpi_date_parse("2023-02-29", &d), -1);
	assert_int_equal(kpi_date_parse("31/03/2567", &d), -1);
	assert_int_equal(kpi_date_parse("", &d), -1);
	char iso[11];
	kpi_date_iso((struct kpi_date){2024, 3, 5}, iso);
	assert_string_equal(iso, "2024-03-05");
	struct buf b = BUF_INIT;
	kpi_date_thai((struct kpi_date){2024, 3, 31}, &b);
	assert_string_equal(buf_cstr(&b), "31 มี.ค. 2567");
	buf_release(&b);
	assert_int_equal(kpi_date_diff((struct kpi_date){2024, 2, 28}, (struct kpi_date){2024, 3, 1}), 2);
	assert_int_equal(kpi_date_diff((struct kpi_date){2023, 10, 1}, (struct kpi_date){2024, 9, 30}), 365);
	assert_int_equal(kpi_date_cmp((struct kpi_date){2024, 1, 1}, (struct kpi_date){2023, 12, 31}), 1);
	/* Bangkok day: 2024-03-31 17:30 UTC is already 1 April in Bangkok */
	d = kpi_date_of(thai_from_local(2024, 4, 1, 0, 30, 0));
	expect_date(d, 2024, 4, 1);
}

static void test_due_and_close(void **state)
{
	struct kpi_period_def p;
	struct err e = ERR_INIT;
	struct kpi_date d;
	assert_int_equal(kpi_period_def(2567, KPI_HALF, 1, &p, &e), 0);
	assert_int_equal(kpi_due_check(2567, &p, "", &d, &e), 0);
	expect_date(d, 2024, 3, 31); /* default: the period's last day */
	assert_int_equal(kpi_due_check(2567, &p, "2024-04-15", &d, &e), 0);
	expect_date(d, 2024, 4, 15);
	expect_err(kpi_due_check(2567, &p, "2024-02-30", &d, &e), &e, 400, "due_date",
		   "วันครบกำหนดส่งไม่ถูกต้อง กรุณากรอกเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2567");
	err_clear(&e);
	expect_err(kpi_due_check(2567, &p, "2023-09-30", &d, &e), &e, 400, "due_date",
		   "วันครบกำหนดส่งต้องไม่ก่อนวันเริ่มรอบรายงาน (1 ต.ค. 2566)");
	err_clear(&e);
	expect_err(kpi_due_check(2567, &p, "2025-10-01", &d, &e), &e, 400, "due_date", NULL);
	err_clear(&e);

	assert_int_equal(kpi_period_close_check(true, 0, 0, &e), 0);
	expect_err(kpi_period_close_check(false, 0, 0, &e), &e, 409, NULL, "รอบรายงานนี้ยังไม่ได้เปิด จึงไม่ต้องปิด");
	err_clear(&e);
	/* assignments alone keep an opened period open (KPI-3) */
	expect_err(kpi_period_close_check(true, 0, 3, &e), &e, 409, NULL, NULL);
	assert_non_null(strstr(e.msg, "ปิดรอบรายงานนี้ไม่ได้ เพราะกำหนดหน่วยงานผู้รายงานไว้แล้ว 3 หน่วยงาน"));
	err_clear(&e);
	expect_err(kpi_period_close_check(true, 2, 5, &e), &e, 409, NULL, NULL);
	assert_non_null(strstr(e.msg, "ปิดรอบรายงานนี้ไม่ได้ เพราะมีหน่วยงานรายงานเข้ามาแล้ว 2 หน่วยงาน"));
}

static void test_reminder_kind(void **state)
{
	assert_int_equal(kpi_reminder_kind(30), 0);
	assert_int_equal(kpi_reminder_kind(8), 0);
	assert_int_equal(kpi_reminder_kind(7), 7);
	assert_int_equal(kpi_reminder_kind(3), 7);
	assert_int_equal(kpi_reminder_kind(2), 7);
	assert_int_equal(kpi_reminder_kind(1), 1);
	assert_int_equal(kpi_reminder_kind(0), 1);
	assert_int_equal(kpi_reminder_kind(-1), 0);
}

/* ---- types and scores (KPI-2, KPI-6) ------------------------------------- */

static long long score_ok(const char *type, const char *text)
{
	long long x = -99;
	struct err e = ERR_INIT;
	assert_int_equal(kpi_score_parse(kpi_type_get(type), text, "คะแนนประเมินตนเอง", "self_score", &x, &e), 0);
	return x;
}

static void score_bad(const char *type, const char *text, const char *msg)
{
	long long x = -99;
	struct err e = ERR_INIT;
	expect_err(kpi_score_parse(kpi_type_get(type), text, "คะแนนประเมินตนเอง", "self_score", &x, &e), &e, 400,
		   "self_score", msg);
	assert_int_equal(x, -99); /* nothing written on a refusal */
}

static void test_types(void **state)
{
	const struct kpi_type *t = kpi_type_get("level5");
	assert_non_null(t);
	assert_string_equal(t->label, "ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)");
	assert_int_equal(t->min, 100);
	assert_int_equal(t->max, 500);
	assert_non_null(kpi_type_get("percent"));
	assert_non_null(kpi_type_get("yesno"));
	assert_null(kpi_type_get("stars"));
	assert_null(kpi_type_get(NULL));
}

static void test_score_parse(void **state)
{
	assert_int_equal(score_ok("level5", "4"), 400);
	assert_int_equal(score_ok("level5", "3.5"), 350);
	assert_int_equal(score_ok("level5", "3.25"), 325);
	assert_int_equal(score_ok("level5", " 1 "), 100);
	assert_int_equal(score_ok("level5", "5.00"), 500);
	assert_int_equal(score_ok("level5", "4.000"), 400); /* trailing zeros */
	assert_int_equal(score_ok("level5", "๓.๕"), 350);   /* Thai digits */
	assert_int_equal(score_ok("percent", "0"), 0);
	assert_int_equal(score_ok("percent", "87.5"), 8750);
	assert_int_equal(score_ok("percent", "100"), 10000);
	assert_int_equal(score_ok("yesno", "1"), 100);
	assert_int_equal(score_ok("yesno", "0"), 0);
}

static void test_score_refusals(void **state)
{
	score_bad("level5", "", "กรุณากรอกคะแนนประเมินตนเอง");
	score_bad("level5", "  ", "กรุณากรอกคะแนนประเมินตนเอง");
	score_bad("level5", "สี่", "คะแนนประเมินตนเองต้องเป็นตัวเลข เช่น 4 หรือ 3.50");
	score_bad("level5", "4,5", "คะแนนประเมินตนเองต้องเป็นตัวเลข เช่น 4 หรือ 3.50");
	score_bad("level5", "4..5", "คะแนนประเมินตนเองต้องเป็นตัวเลข เช่น 4 หรือ 3.50");
	score_bad("level5", "1e2", "คะแนนประเมินตนเองต้องเป็นตัวเลข เช่น 4 หรือ 3.50");
	score_bad("level5", ".", "คะแนนประเมินตนเองต้องเป็นตัวเลข เช่น 4 หรือ 3.50");
	score_bad("level5", "3.125", "คะแนนประเมินตนเองมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง เช่น 3.75");
	score_bad("level5", "0", "คะแนนประเมินตนเองต้องอยู่ระหว่าง 1 ถึง 5 ตามประเภทตัวชี้วัด ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)");
	score_bad("level5", "0.99", "คะแนนประเมินตนเองต้องอยู่ระหว่าง 1 ถึง 5 ตามประเภทตัวชี้วัด ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)");
	score_bad("level5", "5.01", "คะแนนประเมินตนเองต้องอยู่ระหว่าง 1 ถึง 5 ตามประเภทตัวชี้วัด ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)");
	score_bad("level5", "-3", "คะแนนประเมินตนเองต้องอยู่ระหว่าง 1 ถึง 5 ตามประเภทตัวชี้วัด ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)");
	score_bad("level5", "99999999999", "คะแนนประเมินตนเองต้องเป็นตัวเลข เช่น 4 หรือ 3.50");
	score_bad("percent", "100.5", "คะแนนประเมินตนเองต้องอยู่ระหว่าง 0 ถึง 100 ตามประเภทตัวชี้วัด ร้อยละ (0 - 100)");
	score_bad("yesno", "0.5", "ตัวชี้วัดประเภทผ่าน/ไม่ผ่าน (0 - 1) ให้คะแนนประเมินตนเองได้เฉพาะ 0 (ไม่ผ่าน) หรือ 1 (ผ่าน) เท่านั้น");
	score_bad("yesno", "2", "คะแนนประเมินตนเองต้องอยู่ระหว่าง 0 ถึง 1 ตามประเภทตัวชี้วัด ผ่าน/ไม่ผ่าน (0 - 1)");
	score_bad("yesno", "ผ่าน", "คะแนนประเมินตนเองต้องเป็นตัวเลข เช่น 0 หรือ 1");
}

static void test_score_text(void **state)
{
	struct buf b = BUF_INIT;
	kpi_score_text(400, &b);
	assert_string_equal(buf_cstr(&b), "4");
	buf_reset(&b);
	kpi_score_text(350, &b);
	assert_string_equal(buf_cstr(&b), "3.5");
	buf_reset(&b);
	kpi_score_text(325, &b);
	assert_string_equal(buf_cstr(&b), "3.25");
	buf_reset(&b);
	kpi_score_text(5, &b);
	assert_string_equal(buf_cstr(&b), "0.05");
	buf_reset(&b);
	kpi_score_fixed(400, &b);
	assert_string_equal(buf_cstr(&b), "4.00");
	buf_reset(&b);
	kpi_score_fixed(10, &b);
	assert_string_equal(buf_cstr(&b), "0.10");
	buf_release(&b);
}

static void test_averages(void **state)
{
	/* the seed's list: two units, 4 and 3 → 3.5 */
	long long two[] = {400, 300};
	assert_int_equal(kpi_average_of(two, 2), 350);
	/* units without a score are left out, not counted as 0 */
	long long gaps[] = {400, -1, 300, -1};
	assert_int_equal(kpi_average_of(gaps, 4), 350);
	long long none[] = {-1, -1};
	assert_int_equal(kpi_average_of(none, 2), -1);
	assert_int_equal(kpi_average_of(NULL, 0), -1);
	/* rounding half up to two decimals */
	long long thirds[] = {400, 400, 500}; /* 4.333… */
	assert_int_equal(kpi_average_of(thirds, 3), 433);
	long long two_thirds[] = {400, 500, 500}; /* 4.666… */
	assert_int_equal(kpi_average_of(two_thirds, 3), 467);
	long long half[] = {312, 313}; /* 3.125 → 3.13 */
	assert_int_equal(kpi_average_of(half, 2), 313);
	assert_int_equal(kpi_average(1000, 3), 333);
	assert_int_equal(kpi_average(0, 0), -1);
	assert_int_equal(kpi_average(0, 2), 0);
	/* weighted: weights 2 and 1 → (4*2 + 1*1) / 3 = 3 */
	long long v[] = {400, 100, 500};
	long long w[] = {200, 100, 0}; /* weight 0 counts nothing */
	assert_int_equal(kpi_weighted_average(v, w, 3), 300);
	long long v2[] = {-1, 350};
	long long w2[] = {100, 100};
	assert_int_equal(kpi_weighted_average(v2, w2, 2), 350);
	assert_int_equal(kpi_weighted_average(v2, w2, 1), -1);
	/* the bars of the statistics charts: whole percent, half up, 0–100 */
	assert_int_equal(kpi_percent_whole(1, 2), 50);
	assert_int_equal(kpi_percent_whole(1, 3), 33);
	assert_int_equal(kpi_percent_whole(2, 3), 67);
	assert_int_equal(kpi_percent_whole(1, 200), 1); /* 0.5 → 1 */
	assert_int_equal(kpi_percent_whole(1, 201), 0);
	assert_int_equal(kpi_percent_whole(5, 5), 100);
	assert_int_equal(kpi_percent_whole(0, 0), 0);
	assert_int_equal(kpi_percent_whole(3, 0), 0);
}

static void test_criteria(void **state)
{
	const struct kpi_type *t = kpi_type_get("level5");
	struct err e = ERR_INIT;
	json_t *c = kpi_criteria_parse(t, "2, 3, 4, 5", &e);
	assert_non_null(c);
	struct buf b = BUF_INIT;
	kpi_criteria_text(c, &b);
	assert_string_equal(buf_cstr(&b), "[2] --> [3] --> [4] --> [5]");
	char *s = json_dumps(c, JSON_COMPACT);
	assert_string_equal(s, "[2,3,4,5]");
	free(s);
	json_decref(c);
	/* the seed's own notation reads back */
	c = kpi_criteria_parse(t, "[2] --> [3] --> [4.5]", &e);
	assert_non_null(c);
	buf_reset(&b);
	kpi_criteria_text(c, &b);
	assert_string_equal(buf_cstr(&b), "[2] --> [3] --> [4.5]");
	json_decref(c);
	c = kpi_criteria_parse(t, "2 → 3", &e);
	assert_non_null(c);
	assert_int_equal(json_array_size(c), 2);
	json_decref(c);
	c = kpi_criteria_parse(t, "", &e);
	assert_non_null(c);
	assert_int_equal(json_array_size(c), 0);
	json_decref(c);
	buf_release(&b);

	assert_null(kpi_criteria_parse(t, "2, 3, 3", &e));
	assert_string_equal(e.field, "criteria");
	assert_string_equal(e.msg, "ระดับเกณฑ์ต้องเรียงจากน้อยไปมาก และไม่ซ้ำกัน เช่น 2, 3, 4, 5");
	err_clear(&e);
	assert_null(kpi_criteria_parse(t, "2, 6", &e));
	assert_string_equal(e.msg, "ระดับเกณฑ์ต้องอยู่ระหว่าง 1 ถึง 5 ตามประเภทตัวชี้วัด ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)");
	err_clear(&e);
	assert_null(kpi_criteria_parse(t, "2, ดี", &e));
	assert_string_equal(e.msg, "เกณฑ์ต้องเป็นตัวเลขคั่นด้วยจุลภาค เช่น 2, 3, 4, 5 (พบ “ดี”)");
	err_clear(&e);
	assert_null(kpi_criteria_parse(kpi_type_get("percent"), "1 2 3 4 5 6 7 8 9 10 11", &e));
	assert_string_equal(e.msg, "กำหนดระดับเกณฑ์ได้ไม่เกิน 10 ระดับ");
}

/* ---- indicators (KPI-2) --------------------------------------------------- */

static struct kpi_indicator_in good_indicator(void)
{
	struct kpi_indicator_in in = {
	    .d1 = "1",
	    .d2 = "",
	    .d3 = "",
	    .d4 = "",
	    .number = "1",
	    .name = "ระดับความสำเร็จในการดำเนินงานตามแนวทางบริหารจัดการภาครัฐ",
	    .description = "ดำเนินงานตามคู่มือ จำนวน 3 หมวด",
	    .type = "level5",
	    .weight = "2",
	    .criteria = "2,3,4,5",
	    .kind = "half",
	    .status = "open",
	    .work_group_id = 1,
	};
	return in;
}

static void indicator_bad(struct kpi_indicator_in in, const char *field, const char *msg)
{
	struct kpi_indicator_ok ok;
	struct err e = ERR_INIT;
	expect_err(kpi_indicator_check(&in, &ok, &e), &e, 400, field, msg);
}

static void test_indicator_check(void **state)
{
	struct kpi_indicator_in in = good_indicator();
	struct kpi_indicator_ok ok;
	struct err e = ERR_INIT;
	assert_int_equal(kpi_indicator_check(&in, &ok, &e), 0);
	assert_string_equal(ok.type->name, "level5");
	assert_int_equal(ok.kind, KPI_HALF);
	assert_int_equal(ok.status, KPI_IND_OPEN);
	assert_int_equal(ok.weight_x100, 200);
	assert_int_equal(json_array_size(ok.criteria), 4);
	json_decref(ok.criteria);
	in.weight = "";
	assert_int_equal(kpi_indicator_check(&in, &ok, &e), 0);
	assert_int_equal(ok.weight_x100, 100); /* default weight 1 */
	json_decref(ok.criteria);

	in = good_indicator();
	in.number = " ";
	indicator_bad(in, "number", "กรุณากรอกเลขตัวชี้วัด");
	in = good_indicator();
	in.name = "";
	indicator_bad(in, "name", "กรุณากรอกชื่อตัวชี้วัด");
	in = good_indicator();
	in.type = "stars";
	indicator_bad(in, "type", "กรุณาเลือกประเภทตัวชี้วัด");
	in = good_indicator();
	in.weight = "101";
	indicator_bad(in, "weight", "ค่าน้ำหนักต้องอยู่ระหว่าง 0 ถึง 100 ตามประเภทตัวชี้วัด ค่าน้ำหนัก (0 - 100)");
	in = good_indicator();
	in.weight = "หนึ่ง";
	indicator_bad(in, "weight", NULL);
	in = good_indicator();
	in.kind = "weekly";
	indicator_bad(in, "period_kind", NULL);
	in = good_indicator();
	in.status = "deleted";
	indicator_bad(in, "status", NULL);
	in = good_indicator();
	in.work_group_id = 0;
	indicator_bad(in, "work_group_id", "กรุณาเลือกกลุ่มงานเจ้าของตัวชี้วัด");
	in = good_indicator();
	in.criteria = "5,4";
	indicator_bad(in, "criteria", NULL);
	in = good_indicator();
	in.d3 = "123456789012345678901";
	indicator_bad(in, "d3", "รหัสมิติ D3ยาวได้ไม่เกิน 20 ตัวอักษร");

	char key[KPI_SORT_KEY_SIZE];
	kpi_number_sort_key("2", key);
	char key10[KPI_SORT_KEY_SIZE];
	kpi_number_sort_key("10", key10);
	assert_true(strcmp(key, key10) < 0);
	kpi_number_sort_key("1.2", key);
	kpi_number_sort_key("1.10", key10);
	assert_true(strcmp(key, key10) < 0);
	kpi_number_sort_key("007", key);
	assert_string_equal(key, "000007");
	/* 20 characters of digits and Thai (issue 11.9: the key was cut at 63
	 * bytes inside a Thai letter, and PostgreSQL refused the indicator) */
	kpi_number_sort_key("A1ก1ก1ก1ก1ก1ก1ก1ก1ก", key);
	assert_string_equal(key, "A000001ก000001ก000001ก000001ก000001ก000001ก000001ก000001ก000001ก");
	assert_true(thai_utf8_valid(key, strlen(key)));
	/* a key longer than the buffer (an unchecked number) ends on a whole letter */
	kpi_number_sort_key("1ก1ก1ก1ก1ก1ก1ก1ก1ก1ก1ก1ก1ก1ก1ก", key);
	assert_true(strlen(key) < KPI_SORT_KEY_SIZE);
	assert_true(thai_utf8_valid(key, strlen(key)));

	assert_int_equal(kpi_ind_status_parse("open"), KPI_IND_OPEN);
	assert_int_equal(kpi_ind_status_parse("close"), KPI_IND_CLOSE);
	assert_int_equal(kpi_ind_status_parse("hidden"), KPI_IND_HIDDEN);
	assert_int_equal(kpi_ind_status_parse("Open"), -1);
}

static void test_indicator_files_rule(void **state)
{
	struct err e = ERR_INIT;
	assert_int_equal(kpi_ind_file_slot_check(1, &e), 0);
	assert_int_equal(kpi_ind_file_slot_check(11, &e), 0);
	expect_err(kpi_ind_file_slot_check(12, &e), &e, 400, "slot", "ตัวชี้วัดมีเอกสารแนบได้ไม่เกิน 11 ไฟล์ (ช่องที่ 1–11)");
	err_clear(&e);
	expect_err(kpi_ind_file_slot_check(0, &e), &e, 400, "slot", NULL);
	struct buf b = BUF_INIT;
	assert_string_equal(kpi_ind_file_label(1, &b), "คำอธิบายตัวชี้วัด");
	buf_reset(&b);
	assert_string_equal(kpi_ind_file_label(2, &b), "เครื่องมือประเมินระดับคุณภาพ");
	buf_reset(&b);
	assert_string_equal(kpi_ind_file_label(7, &b), "ไฟล์แนบอื่น ๆ 7");
	buf_release(&b);
}

/* ---- the report's state machine (KPI-5, KPI-6) ---------------------------- */

static struct kpi_report_facts facts(enum kpi_status s)
{
	struct kpi_report_facts f = {
	    .status = s,
	    .indicator = KPI_IND_OPEN,
	    .period_open = true,
	    .has_self_score = true,
	    .files = 1,
	    .files_without_description = 0,
	    .has_review_score = true,
	};
	return f;
}

static void go(struct kpi_report_facts f, enum kpi_action a, enum kpi_status want)
{
	enum kpi_status to = (enum kpi_status) - 1;
	struct err e = ERR_INIT;
	assert_int_equal(kpi_report_transition(&f, a, &to, &e), 0);
	assert_int_equal(to, want);
}

static void refused(struct kpi_report_facts f, enum kpi_action a, int status, const char *msg)
{
	enum kpi_status to = (enum kpi_status) - 1;
	struct err e = ERR_INIT;
	expect_err(kpi_report_transition(&f, a, &to, &e), &e, status, NULL, msg);
	assert_int_equal(to, (enum kpi_status) - 1);
}

static void test_report_transitions(void **state)
{
	/* the happy path: save → confirm → review → unreview → … */
	go(facts(KPI_ASSIGNED), KPI_SAVE, KPI_DRAFT);
	go(facts(KPI_DRAFT), KPI_SAVE, KPI_DRAFT);
	go(facts(KPI_ASSIGNED), KPI_CONFIRM, KPI_CONFIRMED);
	go(facts(KPI_DRAFT), KPI_CONFIRM, KPI_CONFIRMED);
	go(facts(KPI_CONFIRMED), KPI_UNCONFIRM, KPI_DRAFT);
	go(facts(KPI_CONFIRMED), KPI_REVIEW, KPI_REVIEWED);
	go(facts(KPI_REVIEWED), KPI_UNREVIEW, KPI_CONFIRMED);
	/* a draft may be saved without a score */
	struct kpi_report_facts f = facts(KPI_DRAFT);
	f.has_self_score = false;
	f.files = 0;
	go(f, KPI_SAVE, KPI_DRAFT);
	/* the reviewer may still check once the indicator is closed */
	f = facts(KPI_CONFIRMED);
	f.indicator = KPI_IND_CLOSE;
	go(f, KPI_REVIEW, KPI_REVIEWED);
	f = facts(KPI_REVIEWED);
	f.indicator = KPI_IND_CLOSE;
	go(f, KPI_UNREVIEW, KPI_CONFIRMED);
	/* confirming needs no file, only the score */
	f = facts(KPI_DRAFT);
	f.files = 0;
	go(f, KPI_CONFIRM, KPI_CONFIRMED);
}

static void test_report_refusals(void **state)
{
	const char *confirmed_msg = "รายงานนี้ยืนยันข้อมูลแล้ว รอการตรวจสอบ หากต้องการแก้ไข ให้กด “ยกเลิกผลการยืนยัน” ก่อน";
	const char *reviewed_msg = "รายงานนี้ตรวจสอบข้อมูลแล้ว จึงแก้ไขไม่ได้ หากจำเป็นต้องแก้ไข ให้ผู้ตรวจยกเลิกผลการตรวจก่อน";
	refused(facts(KPI_CONFIRMED), KPI_SAVE, 409, confirmed_msg);
	refused(facts(KPI_CONFIRMED), KPI_CONFIRM, 409, confirmed_msg);
	refused(facts(KPI_REVIEWED), KPI_SAVE, 409, reviewed_msg);
	refused(facts(KPI_REVIEWED), KPI_CONFIRM, 409, reviewed_msg);
	/* cancel confirmation only before review */
	refused(facts(KPI_REVIEWED), KPI_UNCONFIRM, 409, "รายงานนี้ตรวจสอบข้อมูลแล้ว จึงยกเลิกผลการยืนยันไม่ได้");
	refused(facts(KPI_DRAFT), KPI_UNCONFIRM, 409, "รายงานนี้ยังไม่ได้ยืนยันผล จึงไม่มีผลการยืนยันให้ยกเลิก");
	refused(facts(KPI_ASSIGNED), KPI_UNCONFIRM, 409, NULL);
	/* scoring an unconfirmed report */
	const char *unconfirmed =
	    "หน่วยงานยังไม่ได้ยืนยันผลรายงานนี้ จึงยังตรวจไม่ได้ (ตรวจได้เมื่อสถานะเป็น “ยืนยันข้อมูลแล้ว รอการตรวจสอบ”)";
	refused(facts(KPI_ASSIGNED), KPI_REVIEW, 409, unconfirmed);
	refused(facts(KPI_DRAFT), KPI_REVIEW, 409, unconfirmed);
	refused(facts(KPI_REVIEWED), KPI_REVIEW, 409,
		"รายงานนี้ตรวจสอบแล้ว หากต้องการให้คะแนนใหม่ ให้กด “ยกเลิกผลการตรวจ” ก่อน");
	refused(facts(KPI_CONFIRMED), KPI_UNREVIEW, 409, "รายงานนี้ยังไม่ได้ตรวจ จึงไม่มีผลการตรวจให้ยกเลิก");
	refused(facts(KPI_DRAFT), KPI_UNREVIEW, 409, NULL);
	struct kpi_report_facts f = facts(KPI_CONFIRMED);
	f.has_review_score = false;
	refused(f, KPI_REVIEW, 400, "กรุณากรอกคะแนนผลการประเมิน");

	/* reports only while the indicator is Open and the period open */
	for (int a = KPI_SAVE; a <= KPI_CONFIRM; a++) {
		f = facts(KPI_DRAFT);
		f.indicator = KPI_IND_CLOSE;
		refused(f, (enum kpi_action)a, 409, "ตัวชี้วัดนี้ปิดรับรายงานแล้ว (สถานะ Close) ดูข้อมูลได้แต่แก้ไขหรือส่งรายงานไม่ได้");
		f.indicator = KPI_IND_HIDDEN;
		refused(f, (enum kpi_action)a, 409, "ตัวชี้วัดนี้ถูกซ่อนไว้ จึงยังรับรายงานไม่ได้");
		f = facts(KPI_ASSIGNED);
		f.period_open = false;
		refused(f, (enum kpi_action)a, 409, "รอบรายงานนี้ยังไม่เปิดรับรายงาน กรุณารอเจ้าของตัวชี้วัดเปิดรอบรายงานก่อน");
		/* a period closed again says so, not "not yet open" */
		f.period_closed = true;
		refused(f, (enum kpi_action)a, 409, "รอบรายงานนี้ปิดรับรายงานแล้ว จึงส่งหรือแก้ไขรายงานไม่ได้");
	}
	f = facts(KPI_CONFIRMED);
	f.period_open = false;
	refused(f, KPI_UNCONFIRM, 409, NULL);
	f = facts(KPI_CONFIRMED);
	f.indicator = KPI_IND_CLOSE;
	refused(f, KPI_UNCONFIRM, 409, NULL);

	/* confirming needs the score and every file described */
	f = facts(KPI_DRAFT);
	f.has_self_score = false;
	struct err e = ERR_INIT;
	enum kpi_status to;
	expect_err(kpi_report_transition(&f, KPI_CONFIRM, &to, &e), &e, 400, "self_score",
		   "กรุณากรอกคะแนนประเมินตนเองก่อนยืนยันผลตัวชี้วัด");
	f = facts(KPI_DRAFT);
	f.files = 3;
	f.files_without_description = 2;
	refused(f, KPI_CONFIRM, 400, "กรุณาพิมพ์รายละเอียดคำอธิบายประกอบไฟล์ให้ครบทุกไฟล์ก่อนยืนยันผล (ยังขาด 2 ไฟล์)");
	/* …while a draft may be saved so */
	go(f, KPI_SAVE, KPI_DRAFT);
}

static void test_statuses(void **state)
{
	assert_string_equal(kpi_status_label(KPI_CONFIRMED), "ยืนยันข้อมูลแล้ว รอการตรวจสอบ");
	assert_string_equal(kpi_status_label(KPI_REVIEWED), "ตรวจสอบข้อมูลแล้ว");
	for (int s = 0; s < KPI_STATUS_COUNT; s++)
		assert_int_equal(kpi_status_parse(kpi_status_name((enum kpi_status)s)), s);
	assert_int_equal(kpi_status_parse("sent"), -1);
	assert_false(kpi_status_submitted(KPI_ASSIGNED));
	assert_false(kpi_status_submitted(KPI_DRAFT));
	assert_true(kpi_status_submitted(KPI_CONFIRMED));
	assert_true(kpi_status_submitted(KPI_REVIEWED));
	assert_string_equal(kpi_action_name(KPI_UNREVIEW), "unreview");
}

static void test_files_rules(void **state)
{
	struct err e = ERR_INIT;
	assert_int_equal(kpi_report_files_check(0, 10, &e), 0);
	assert_int_equal(kpi_report_files_check(9, 1, &e), 0);
	/* the eleventh file */
	expect_err(kpi_report_files_check(10, 1, &e), &e, 400, "new_file_1",
		   "แนบไฟล์ได้ไม่เกิน 10 ไฟล์ต่อรายงาน ขณะนี้มีครบ 10 ไฟล์แล้ว หากต้องการแนบไฟล์ใหม่ ให้ลบไฟล์เดิมก่อน");
	err_clear(&e);
	expect_err(kpi_report_files_check(8, 3, &e), &e, 400, "new_file_1",
		   "แนบไฟล์ได้ไม่เกิน 10 ไฟล์ต่อรายงาน ขณะนี้มี 8 ไฟล์ แนบเพิ่มได้อีก 2 ไฟล์ (ส่งมา 3 ไฟล์)");
	err_clear(&e);
	expect_err(kpi_report_files_check(0, 11, &e), &e, 400, NULL, NULL);
	err_clear(&e);

	assert_int_equal(kpi_file_desc_check("รายงานผลการดำเนินงานรอบ 6 เดือน", "new_desc_1", 1, &e), 0);
	expect_err(kpi_file_desc_check("", "new_desc_1", 3, &e), &e, 400, "new_desc_1",
		   "กรุณาพิมพ์รายละเอียดคำอธิบายประกอบไฟล์ลำดับที่ 3 (บังคับกรอก)");
	err_clear(&e);
	expect_err(kpi_file_desc_check(" \n", "desc_2", 2, &e), &e, 400, "desc_2", NULL);
	err_clear(&e);
	expect_err(kpi_file_desc_check(NULL, "desc_2", 2, &e), &e, 400, "desc_2", NULL);
	err_clear(&e);
	struct buf b = BUF_INIT;
	for (int i = 0; i < KPI_FILE_DESC_MAX; i++)
		buf_adds(&b, "ก");
	assert_int_equal(kpi_file_desc_check(buf_cstr(&b), "d", 1, &e), 0);
	buf_adds(&b, "ก");
	expect_err(kpi_file_desc_check(buf_cstr(&b), "d", 1, &e), &e, 400, "d",
		   "คำอธิบายไฟล์ลำดับที่ 1 ยาวได้ไม่เกิน 500 ตัวอักษร");
	buf_release(&b);
	err_clear(&e);

	/* a description typed in a new-file row without a file */
	assert_int_equal(kpi_file_orphan_desc_check("", false, "new_desc_2", 4, &e), 0);
	assert_int_equal(kpi_file_orphan_desc_check(" \n", false, "new_desc_2", 4, &e), 0);
	assert_int_equal(kpi_file_orphan_desc_check("คำสั่ง", true, "new_desc_2", 4, &e), 0);
	expect_err(kpi_file_orphan_desc_check("คำสั่ง", false, "new_desc_2", 4, &e), &e, 400, "new_desc_2",
		   "มีคำอธิบายไฟล์ลำดับที่ 4 แต่ยังไม่ได้เลือกไฟล์ กรุณาเลือกไฟล์ที่จะแนบ หรือลบคำอธิบายนี้ออก");
	err_clear(&e);
	assert_int_equal(KPI_FILES_PER_SAVE, KPI_REPORT_FILES_MAX); /* ten rows: 10 × 5 MB fit in 64 MB */

	/* removing a unit that has reported */
	assert_int_equal(kpi_unit_remove_check(KPI_ASSIGNED, "วังวรวิทย์", &e), 0);
	for (int s = KPI_DRAFT; s <= KPI_REVIEWED; s++) {
		err_clear(&e);
		expect_err(kpi_unit_remove_check((enum kpi_status)s, "วังวรวิทย์", &e), &e, 409, NULL,
			   "ลบหน่วยงาน วังวรวิทย์ ออกไม่ได้ เพราะมีการรายงานแล้ว");
	}
}

/* ---- who may do what ------------------------------------------------------ */

static struct acc_grant grant(const char *role, long long area, long long school, long long wg)
{
	struct acc_grant g;
	memset(&g, 0, sizeof g);
	snprintf(g.role, sizeof g.role, "%s", role);
	acc_grant_resolve(&g);
	g.area_id = area;
	g.school_id = school;
	g.work_group_id = wg;
	return g;
}

static void test_access(void **state)
{
	struct acc_grant admin = grant("area_admin", 1, 0, 0);
	struct acc_grant owner = grant("kpi_owner", 1, 0, 7);
	struct acc_grant owner_nogroup = grant("kpi_owner", 1, 0, 0);
	struct acc_grant reviewer = grant("kpi_reviewer", 1, 0, 0);
	struct acc_grant reviewer7 = grant("kpi_reviewer", 1, 0, 7);
	struct acc_grant school = grant("school_admin", 1, 11, 0);
	struct acc_grant teacher = grant("teacher", 1, 11, 0);
	struct acc_grant other_school = grant("school_admin", 1, 12, 0);
	struct acc_grant other_area = grant("area_admin", 2, 0, 0);
	struct acc_grant super = grant("super_admin", 0, 0, 0);

	assert_true(kpi_may_view(&admin, 1));
	assert_true(kpi_may_view(&school, 1));
	assert_true(kpi_may_view(&super, 5));
	assert_false(kpi_may_view(&other_area, 1));
	assert_false(kpi_may_view(NULL, 1));

	assert_true(kpi_may_manage(&admin, 1, 7));
	assert_true(kpi_may_manage(&owner, 1, 7));
	assert_false(kpi_may_manage(&owner, 1, 8)); /* another work group's */
	assert_false(kpi_may_manage(&owner, 2, 7)); /* another area */
	assert_false(kpi_may_manage(&owner_nogroup, 1, 7));
	assert_false(kpi_may_manage(&reviewer, 1, 7));
	assert_false(kpi_may_manage(&school, 1, 7));
	assert_false(kpi_may_manage(&other_area, 1, 7));
	assert_true(kpi_may_manage(&super, 1, 7));

	assert_true(kpi_may_review(&owner, 1, 7));
	assert_true(kpi_may_review(&reviewer, 1, 7));
	assert_true(kpi_may_review(&reviewer, 1, 8));
	assert_true(kpi_may_review(&reviewer7, 1, 7));
	assert_false(kpi_may_review(&reviewer7, 1, 8));
	assert_false(kpi_may_review(&reviewer, 2, 7));
	assert_false(kpi_may_review(&school, 1, 7));
	assert_false(kpi_may_review(&teacher, 1, 7));

	/* a school reports for itself only */
	assert_true(kpi_may_report(&school, 1, 11, 7));
	/* seed 003: only staff the admin assigned report (KPI reporter), and
	 * the school admin and director; not every teacher */
	struct acc_grant director = grant("director", 1, 11, 0);
	struct acc_grant reporter = grant("kpi_reporter", 1, 11, 0);
	struct acc_grant reporter12 = grant("kpi_reporter", 1, 12, 0);
	struct acc_grant homeroom = grant("homeroom", 1, 11, 0);
	assert_true(kpi_may_report(&director, 1, 11, 7));
	assert_true(kpi_may_report(&reporter, 1, 11, 7));
	assert_false(kpi_may_report(&reporter12, 1, 11, 7));
	assert_false(kpi_may_report(&reporter, 1, 0, 7));
	assert_false(kpi_may_report(&reporter, 2, 11, 7));
	assert_false(kpi_may_report(&teacher, 1, 11, 7));
	assert_false(kpi_may_report(&homeroom, 1, 11, 7));
	assert_false(kpi_may_report(&other_school, 1, 11, 7));
	assert_false(kpi_may_report(&admin, 1, 11, 7)); /* the area does not report for a school */
	assert_false(kpi_may_report(&school, 1, 0, 7)); /* nor a school for the area */
	/* the area office: the area admin and the indicator's owners only */
	assert_true(kpi_may_report(&admin, 1, 0, 7));
	assert_true(kpi_may_report(&owner, 1, 0, 7));
	assert_false(kpi_may_report(&owner, 1, 0, 8)); /* another group's indicator */
	assert_true(kpi_may_report(&owner, 1, 0, -1)); /* "for the area at all" */
	assert_false(kpi_may_report(&owner_nogroup, 1, 0, 7));
	assert_false(kpi_may_report(&reviewer, 1, 0, 7)); /* a reviewer never reports what he checks */
	assert_false(kpi_may_report(&reviewer7, 1, 0, 7));
	struct acc_grant officer = grant("officer", 1, 0, 0);
	assert_false(kpi_may_report(&officer, 1, 0, 7));
	assert_false(kpi_may_report(&other_area, 1, 0, 7));
	assert_false(kpi_may_report(&super, 1, 0, 7));
	assert_false(kpi_may_report(NULL, 1, 11, 7));

	/* opening a report: a school its own only; reviewers and managers any */
	assert_true(kpi_may_open_report(&school, 1, 11, 7));
	assert_false(kpi_may_open_report(&other_school, 1, 11, 7));
	assert_false(kpi_may_open_report(&teacher, 1, 0, 7)); /* nor the area office's */
	assert_true(kpi_may_open_report(&admin, 1, 11, 7));
	assert_true(kpi_may_open_report(&owner, 1, 11, 7));
	assert_true(kpi_may_open_report(&reviewer7, 1, 11, 7));
	assert_true(kpi_may_open_report(&super, 1, 11, 7));
	assert_false(kpi_may_open_report(&other_area, 1, 11, 7));
	assert_false(kpi_may_open_report(NULL, 1, 11, 7));

	/* nobody reviews his own report */
	struct err e = ERR_INIT;
	assert_int_equal(kpi_self_review_check(5, 6, false, &e), 0);
	assert_int_equal(kpi_self_review_check(5, 0, false, &e), 0);
	expect_err(kpi_self_review_check(5, 5, false, &e), &e, 409, NULL,
		   "ท่านเป็นผู้รายงานผลของรายงานนี้เอง จึงตรวจรายงานนี้ไม่ได้ กรุณาให้ผู้ตรวจคนอื่นเป็นผู้ตรวจและให้คะแนน");
	err_clear(&e);
	expect_err(kpi_self_review_check(5, 6, true, &e), &e, 409, NULL, NULL); /* he saved it before */
}

/* ---- database fixture ---------------------------------------------------- */

#define SCHEMA "khet_unit_kpi"
#include "engine.h"

struct fx {
	struct db *db;
	char data[256]; /* a data folder for stored files */
	long long area, area2, wg, wg2, school1, school2, school3, other_school;
	long long owner, reporter, reviewer;
};
static struct fx sqlite_fx, pg_fx;

/* engine_after_migrate: the demo's areas (3 schools each), ids the tests
 * use, three users, and a data folder for stored files. */
static int seed(struct engine *en, struct err *e)
{
	struct fx *f = en->kind == DB_SQLITE ? &sqlite_fx : &pg_fx;
	en->data = f;
	f->db = en->db;
	if (org_demo(f->db, 3, e) < 0)
		return -1;
	json_t *areas = org_areas_list(f->db, e);
	if (!areas || json_array_size(areas) < 2)
		return -1;
	f->area = json_integer_value(json_object_get(json_array_get(areas, 0), "id"));
	f->area2 = json_integer_value(json_object_get(json_array_get(areas, 1), "id"));
	json_decref(areas);
	json_t *wgs = org_work_groups(f->db, f->area, e);
	f->wg = json_integer_value(json_object_get(json_array_get(wgs, 0), "id"));
	f->wg2 = json_integer_value(json_object_get(json_array_get(wgs, 1), "id"));
	json_decref(wgs);
	json_t *page = org_schools_page(f->db, f->area, "", 1, 10, e);
	json_t *rows = json_object_get(page, "rows");
	f->school1 = json_integer_value(json_object_get(json_array_get(rows, 0), "id"));
	f->school2 = json_integer_value(json_object_get(json_array_get(rows, 1), "id"));
	f->school3 = json_integer_value(json_object_get(json_array_get(rows, 2), "id"));
	json_decref(page);
	page = org_schools_page(f->db, f->area2, "", 1, 10, e);
	f->other_school = json_integer_value(json_object_get(json_array_get(json_object_get(page, "rows"), 0), "id"));
	json_decref(page);
	/* three users, stored directly: storage does not check grants */
	long long now = (long long)time(NULL);
	const char *const cids[3] = {"1100100000018", "1100100000026", "1100100000034"};
	const char *const names[3] = {"owner", "reporter", "reviewer"};
	long long *ids[3] = {&f->owner, &f->reporter, &f->reviewer};
	for (int i = 0; i < 3; i++) {
		char mail[64];
		snprintf(mail, sizeof mail, "%s@example.com", names[i]);
		if (db_int_value(
			f->db,
			"INSERT INTO users (citizen_id, email, username, title, first_name, last_name, created_at, "
			"updated_at) VALUES ($1, $2, $3, 'นาย', $3, 'ทดสอบ', $4, $4) RETURNING id",
			DB_ARGS(DB_TEXT(cids[i]), DB_TEXT(mail), DB_TEXT(names[i]), DB_INT(now)), ids[i], e) <= 0)
			return -1;
	}
	snprintf(f->data, sizeof f->data, "/tmp/khet_test_kpi_data_%ld", (long)getpid());
	mkdir(f->data, 0700);
	return 0;
}

static struct fx *FX(void **state)
{
	return ((struct engine *)*state)->data;
}

/* teardown_engine, after removing the data folder. */
static int teardown(void **state)
{
	struct fx *f = FX(state);
	if (f && f->data[0]) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->data);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", f->data);
	}
	return teardown_engine(state);
}

/* Runs fn's writes in a transaction that commits on success and rolls back
 * on failure, as the server does for a POST. */
#define TX(db, call)                                                                                                   \
	({                                                                                                             \
		struct err tx_e = ERR_INIT;                                                                            \
		assert_int_equal(db_begin(db, &tx_e), 0);                                                              \
		long long tx_rc = (call);                                                                              \
		if (tx_rc < 0)                                                                                         \
			db_rollback(db);                                                                               \
		else                                                                                                   \
			assert_int_equal(db_commit(db, &tx_e), 0);                                                     \
		tx_rc;                                                                                                 \
	})

static long long count(struct db *db, const char *sql, long long id)
{
	long long n = -1;
	struct err e = ERR_INIT;
	assert_true(db_int_value(db, sql, DB_ARGS(DB_INT(id)), &n, &e) >= 0);
	return n;
}

static long long make_indicator(struct fx *f, int fy, const char *number, const char *kind)
{
	struct kpi_indicator_in in = good_indicator();
	in.number = number;
	in.kind = kind;
	in.work_group_id = f->wg;
	struct err e = ERR_INIT;
	long long id = TX(f->db, kpi_indicator_create(f->db, f->area, fy, &in, f->owner, &e));
	if (id < 0)
		fprintf(stderr, "create: %s\n", e.msg);
	assert_true(id > 0);
	return id;
}

static long long period_id(struct fx *f, long long ind, int seq)
{
	long long id = -1;
	struct err e = ERR_INIT;
	assert_int_equal(db_int_value(f->db, "SELECT id FROM kpi_periods WHERE indicator_id = $1 AND seq = $2",
				      DB_ARGS(DB_INT(ind), DB_INT(seq)), &id, &e),
			 1);
	return id;
}

static long long report_id(struct fx *f, long long period, long long school)
{
	long long id = -1;
	struct err e = ERR_INIT;
	assert_int_equal(db_int_value(f->db, "SELECT id FROM kpi_reports WHERE period_id = $1 AND unit_key = $2",
				      DB_ARGS(DB_INT(period), DB_INT(school)), &id, &e),
			 1);
	return id;
}

static json_t *ids_of(long long a, long long b)
{
	json_t *arr = json_array();
	char s[32];
	snprintf(s, sizeof s, "%lld", a);
	json_array_append_new(arr, json_string(s));
	if (b) {
		snprintf(s, sizeof s, "%lld", b);
		json_array_append_new(arr, json_string(s));
	}
	return arr;
}

/* A temp file standing for an upload. */
static char *temp_upload(struct fx *f, int n)
{
	char *path = xmalloc(300);
	snprintf(path, 300, "%s/upload-%d-%ld", f->data, n, (long)random());
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("%PDF-1.4\n%%EOF\n", fp);
	fclose(fp);
	return path;
}

struct seen_errors {
	int n;
	char fields[8][48];
};
static void seen_error(void *ctx, const char *field, const char *msg)
{
	struct seen_errors *s = ctx;
	(void)msg;
	if (s->n < 8)
		snprintf(s->fields[s->n], sizeof s->fields[0], "%s", field);
	s->n++;
}

static struct kpi_report_save_in save_in(struct fx *f, const char *score, bool confirm)
{
	struct kpi_report_save_in in;
	memset(&in, 0, sizeof in);
	in.self_score = score && *score ? score : NULL; /* "": no score field sent */
	in.confirm = confirm;
	in.data_dir = f->data;
	return in;
}

static void free_added(struct kpi_report_save_in *in)
{
	for (int i = 0; i < in->nadded; i++) {
		free(in->added[i].stored);
		free((char *)in->added[i].path);
	}
	free(in->added);
}

static void add_files(struct fx *f, struct kpi_report_save_in *in, int n, const char *desc)
{
	in->added = xcalloc((size_t)n, sizeof *in->added);
	in->nadded = n;
	for (int i = 0; i < n; i++) {
		in->added[i].desc = desc;
		in->added[i].filename = "report.pdf";
		in->added[i].mime = "application/pdf";
		in->added[i].size = 15;
		in->added[i].path = temp_upload(f, i);
	}
}

/* ---- storage tests -------------------------------------------------------- */

static void test_db_indicators(void **state)
{
	struct fx *f = FX(state);
	struct err e = ERR_INIT;
	long long id = make_indicator(f, 2567, "1", "half");
	json_t *ind = kpi_indicator_get(f->db, id, &e);
	assert_non_null(ind);
	assert_string_equal(json_string_value(json_object_get(ind, "criteria_text")), "[2] --> [3] --> [4] --> [5]");
	assert_string_equal(json_string_value(json_object_get(ind, "type_label")), "ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)");
	assert_string_equal(json_string_value(json_object_get(ind, "weight")), "2");
	json_decref(ind);
	json_t *ps = kpi_periods(f->db, id, &e);
	assert_int_equal(json_array_size(ps), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ps, 1), "label")), "รอบ 12 เดือน");
	assert_false(json_is_true(json_object_get(json_array_get(ps, 0), "opened")));
	json_decref(ps);

	/* the same number twice in one year: refused, nothing stored */
	struct kpi_indicator_in in = good_indicator();
	in.work_group_id = f->wg;
	long long before = count(f->db, "SELECT COUNT(*) FROM kpi_indicators WHERE area_id = $1", f->area);
	expect_err((int)TX(f->db, kpi_indicator_create(f->db, f->area, 2567, &in, f->owner, &e)), &e, 400, "number",
		   "เลขตัวชี้วัด 1 มีอยู่แล้วในปีงบประมาณ 2567 กรุณาใช้เลขอื่น");
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_indicators WHERE area_id = $1", f->area), before);
	/* a work group of another area */
	err_clear(&e);
	json_t *wgs = org_work_groups(f->db, f->area2, &e);
	in.number = "9";
	in.work_group_id = json_integer_value(json_object_get(json_array_get(wgs, 0), "id"));
	json_decref(wgs);
	expect_err((int)TX(f->db, kpi_indicator_create(f->db, f->area, 2567, &in, f->owner, &e)), &e, 400,
		   "work_group_id", "ไม่พบกลุ่มงานนี้ในสำนักงานเขตพื้นที่");

	/* monthly: twelve periods, October first */
	long long m = make_indicator(f, 2567, "2", "monthly");
	ps = kpi_periods(f->db, m, &e);
	assert_int_equal(json_array_size(ps), 12);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ps, 0), "label")), "ตุลาคม");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ps, 0), "due_date")), "2023-10-31");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ps, 11), "label")), "กันยายน");
	json_decref(ps);

	/* edit: the kind may change while nothing is open */
	err_clear(&e);
	in = good_indicator();
	in.number = "2";
	in.kind = "quarterly";
	in.work_group_id = f->wg;
	in.name = "แก้ชื่อแล้ว";
	assert_int_equal(TX(f->db, kpi_indicator_update(f->db, m, &in, f->owner, &e)), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_periods WHERE indicator_id = $1", m), 4);
	/* …not once a period is open */
	assert_int_equal(TX(f->db, kpi_period_open(f->db, period_id(f, m, 1), "", f->owner, &e)), 0);
	in.kind = "monthly";
	expect_err((int)TX(f->db, kpi_indicator_update(f->db, m, &in, f->owner, &e)), &e, 400, "period_kind", NULL);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_periods WHERE indicator_id = $1", m), 4);

	/* status */
	err_clear(&e);
	assert_int_equal(TX(f->db, kpi_indicator_set_status(f->db, m, "hidden", &e)), 0);
	expect_err((int)TX(f->db, kpi_indicator_set_status(f->db, m, "gone", &e)), &e, 400, "status", NULL);

	/* the list: hidden ones only when asked; number order */
	long long ten = make_indicator(f, 2567, "10", "once");
	json_t *list = kpi_year_list(f->db, f->area, 2567, false, &e);
	assert_non_null(list);
	json_t *inds = json_object_get(list, "indicators");
	assert_int_equal(json_array_size(inds), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(inds, 0), "id")), id);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(inds, 1), "id")), ten);
	json_decref(list);
	list = kpi_year_list(f->db, f->area, 2567, true, &e);
	assert_int_equal(json_array_size(json_object_get(list, "indicators")), 3);
	json_decref(list);
	/* another year is empty */
	list = kpi_year_list(f->db, f->area, 2568, true, &e);
	assert_int_equal(json_array_size(json_object_get(list, "indicators")), 0);
	json_decref(list);

	/* attachments: at most 11 slots */
	assert_int_equal(TX(f->db, kpi_indicator_file_put(f->db, id, 1, "", "desc.pdf", "application/pdf", 10, "/x/1",
							  f->owner, &e)),
			 0);
	assert_int_equal(TX(f->db, kpi_indicator_file_put(f->db, id, 11, "อื่น", "o.pdf", "application/pdf", 10, "/x/2",
							  f->owner, &e)),
			 0);
	expect_err((int)TX(f->db, kpi_indicator_file_put(f->db, id, 12, "", "o.pdf", "application/pdf", 10, "/x/3",
							 f->owner, &e)),
		   &e, 400, "slot", NULL);
	/* a slot holds one file: a new upload replaces it */
	assert_int_equal(TX(f->db, kpi_indicator_file_put(f->db, id, 1, "ใหม่", "new.pdf", "application/pdf", 10, "/x/4",
							  f->owner, &e)),
			 0);
	json_t *files = kpi_indicator_files(f->db, id, &e);
	assert_int_equal(json_array_size(files), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(files, 0), "filename")), "new.pdf");
	json_decref(files);
}

static void test_db_periods_and_units(void **state)
{
	struct fx *f = FX(state);
	struct err e = ERR_INIT;
	long long ind = make_indicator(f, 2568, "1", "half");
	long long p1 = period_id(f, ind, 1);
	/* units only in an open period */
	json_t *ids = ids_of(f->school1, 0);
	expect_err((int)TX(f->db, kpi_units_add(f->db, p1, ids, false, false, f->owner, &e)), &e, 409, NULL,
		   "รอบรายงานนี้ยังไม่ได้เปิด กรุณาเปิดรอบรายงานก่อนกำหนดหน่วยงานผู้รายงาน");
	err_clear(&e);
	expect_err((int)TX(f->db, kpi_period_open(f->db, p1, "2023-01-01", f->owner, &e)), &e, 400, "due_date", NULL);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_periods WHERE id = $1 AND opened_at IS NOT NULL", p1),
			 0);
	err_clear(&e);
	assert_int_equal(TX(f->db, kpi_period_open(f->db, p1, "2025-04-10", f->owner, &e)), 0);
	json_t *p = kpi_period_get(f->db, p1, &e);
	assert_true(json_is_true(json_object_get(p, "opened")));
	assert_string_equal(json_string_value(json_object_get(p, "due_text")), "10 เม.ย. 2568");
	json_decref(p);

	/* a school of another area: refused, nothing stored */
	json_t *bad = ids_of(f->school1, f->other_school);
	expect_err((int)TX(f->db, kpi_units_add(f->db, p1, bad, false, false, f->owner, &e)), &e, 400, "school_id",
		   NULL);
	json_decref(bad);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_reports WHERE period_id = $1", p1), 0);
	err_clear(&e);
	bad = json_array();
	json_array_append_new(bad, json_string("abc"));
	expect_err((int)TX(f->db, kpi_units_add(f->db, p1, bad, false, false, f->owner, &e)), &e, 400, "school_id",
		   NULL);
	json_decref(bad);
	err_clear(&e);
	expect_err((int)TX(f->db, kpi_units_add(f->db, p1, NULL, false, false, f->owner, &e)), &e, 400, "school_id",
		   NULL);
	err_clear(&e);

	assert_int_equal(TX(f->db, kpi_units_add(f->db, p1, ids, false, true, f->owner, &e)), 2);
	/* again: nothing new */
	assert_int_equal(TX(f->db, kpi_units_add(f->db, p1, ids, false, true, f->owner, &e)), 0);
	json_decref(ids);
	/* select all schools: the other two of the area's three */
	assert_int_equal(TX(f->db, kpi_units_add(f->db, p1, NULL, true, false, f->owner, &e)), 2);
	json_t *units = kpi_units(f->db, p1, &e);
	assert_int_equal(json_array_size(units), 4);
	/* the area office first */
	assert_true(json_is_true(json_object_get(json_array_get(units, 0), "is_area")));
	assert_true(json_is_true(json_object_get(json_array_get(units, 1), "removable")));
	json_decref(units);
	assert_int_equal(count(f->db, "SELECT n_units FROM kpi_indicators WHERE id = $1", ind), 4);
	assert_int_equal(count(f->db, "SELECT n_assigned FROM kpi_periods WHERE id = $1", p1), 4);

	/* a unit that has reported cannot be removed; one that has not can */
	long long r1 = report_id(f, p1, f->school1);
	struct kpi_report_save_in in = save_in(f, "3", false);
	assert_int_equal(TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), 0);
	expect_err((int)TX(f->db, kpi_unit_remove(f->db, p1, r1, &e)), &e, 409, NULL, NULL);
	assert_non_null(strstr(e.msg, "ออกไม่ได้ เพราะมีการรายงานแล้ว"));
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_reports WHERE id = $1", r1), 1);
	err_clear(&e);
	long long r2 = report_id(f, p1, f->school2);
	assert_int_equal(TX(f->db, kpi_unit_remove(f->db, p1, r2, &e)), 0);
	assert_int_equal(count(f->db, "SELECT n_assigned FROM kpi_periods WHERE id = $1", p1), 3);
	assert_int_equal(count(f->db, "SELECT n_units FROM kpi_indicators WHERE id = $1", ind), 3);
	/* a report id of another period */
	expect_err((int)TX(f->db, kpi_unit_remove(f->db, period_id(f, ind, 2), r1, &e)), &e, 404, NULL, NULL);
	err_clear(&e);

	/* closing a period that has reports: refused; one without: fine */
	expect_err((int)TX(f->db, kpi_period_close(f->db, p1, &e)), &e, 409, NULL, NULL);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_periods WHERE id = $1 AND opened_at IS NOT NULL", p1),
			 1);
	err_clear(&e);
	long long p2 = period_id(f, ind, 2);
	expect_err((int)TX(f->db, kpi_period_close(f->db, p2, &e)), &e, 409, NULL, NULL); /* not open */
	err_clear(&e);
	assert_int_equal(TX(f->db, kpi_period_open(f->db, p2, "", f->owner, &e)), 0);
	json_t *two = ids_of(f->school2, f->school3);
	assert_int_equal(TX(f->db, kpi_units_add(f->db, p2, two, false, false, f->owner, &e)), 2);
	json_decref(two);
	assert_int_equal(
	    TX(f->db,
	       db_exec(f->db,
		       "INSERT INTO kpi_reminders (report_id, kind, due_date, sent_at) SELECT id, 7, '2025-01-01', 1 "
		       "FROM kpi_reports WHERE period_id = $1",
		       DB_ARGS(DB_INT(p2)), &e)),
	    2);
	assert_int_equal(count(f->db, "SELECT n_units FROM kpi_indicators WHERE id = $1", ind), 4);
	/* closing a period nobody reported in but with units assigned is
	 * refused, and the assignments stay (they are not silently deleted) */
	expect_err((int)TX(f->db, kpi_period_close(f->db, p2, &e)), &e, 409, NULL, NULL);
	assert_non_null(strstr(e.msg, "กำหนดหน่วยงานผู้รายงานไว้แล้ว 2 หน่วยงาน"));
	err_clear(&e);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_reports WHERE period_id = $1", p2), 2);
	/* the units removed first, it closes, and the counters follow */
	assert_int_equal(TX(f->db, kpi_unit_remove(f->db, p2, report_id(f, p2, f->school2), &e)), 0);
	assert_int_equal(TX(f->db, kpi_unit_remove(f->db, p2, report_id(f, p2, f->school3), &e)), 0);
	assert_int_equal(TX(f->db, kpi_period_close(f->db, p2, &e)), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_reports WHERE period_id = $1", p2), 0);
	assert_int_equal(
	    count(f->db, "SELECT COUNT(*) FROM kpi_reminders WHERE due_date = '2025-01-01' AND CAST($1 AS BIGINT) > 0",
		  1),
	    0);
	assert_int_equal(count(f->db, "SELECT n_assigned FROM kpi_periods WHERE id = $1", p2), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_periods WHERE id = $1 AND closed_at > 0", p2), 1);
	assert_int_equal(count(f->db, "SELECT n_units FROM kpi_indicators WHERE id = $1", ind), 3);
	/* the year totals count only what is left: p1's three units */
	assert_int_equal(count(f->db, "SELECT y_assigned FROM kpi_indicators WHERE id = $1", ind), 3);
	assert_int_equal(count(f->db, "SELECT y_periods FROM kpi_indicators WHERE id = $1", ind), 1);
	/* opened again, it is no longer "closed" */
	assert_int_equal(TX(f->db, kpi_period_open(f->db, p2, "", f->owner, &e)), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_periods WHERE id = $1 AND closed_at IS NULL", p2), 1);
	assert_int_equal(count(f->db, "SELECT y_periods FROM kpi_indicators WHERE id = $1", ind), 2);
	/* the type cannot change once a report is saved */
	struct kpi_indicator_in ii = good_indicator();
	ii.work_group_id = f->wg;
	ii.type = "percent";
	ii.criteria = "";
	expect_err((int)TX(f->db, kpi_indicator_update(f->db, ind, &ii, f->owner, &e)), &e, 400, "type", NULL);
}

static void test_db_reports(void **state)
{
	struct fx *f = FX(state);
	struct err e = ERR_INIT;
	long long ind = make_indicator(f, 2569, "1", "half");
	long long p1 = period_id(f, ind, 1);
	assert_int_equal(TX(f->db, kpi_period_open(f->db, p1, "", f->owner, &e)), 0);
	json_t *ids = ids_of(f->school1, f->school2);
	assert_int_equal(TX(f->db, kpi_units_add(f->db, p1, ids, false, false, f->owner, &e)), 2);
	json_decref(ids);
	long long r1 = report_id(f, p1, f->school1);
	long long r2 = report_id(f, p1, f->school2);

	/* scoring an unconfirmed report: refused */
	expect_err((int)TX(f->db, kpi_report_review(f->db, r1, "4", f->reviewer, 0, &e)), &e, 409, NULL, NULL);
	err_clear(&e);

	/* a score out of range or not a number: refused, nothing stored */
	struct kpi_report_save_in in = save_in(f, "6", false);
	expect_err((int)TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), &e, 400, "self_score", NULL);
	err_clear(&e);
	in = save_in(f, "ดี", true);
	expect_err((int)TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), &e, 400, "self_score", NULL);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_reports WHERE id = $1 AND status = 'assigned'", r1), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_report_events WHERE report_id = $1", r1), 0);
	err_clear(&e);

	/* confirming with a file lacking its description: refused, the upload
	 * not kept */
	in = save_in(f, "4", true);
	add_files(f, &in, 1, "");
	expect_err((int)TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), &e, 400, "new_desc_1",
		   "กรุณาพิมพ์รายละเอียดคำอธิบายประกอบไฟล์ลำดับที่ 1 (บังคับกรอก)");
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_report_files WHERE report_id = $1", r1), 0);
	assert_int_equal(access(in.added[0].path, F_OK), 0); /* still the temp file, not moved */
	free_added(&in);
	err_clear(&e);

	/* save a draft with two files */
	in = save_in(f, "", false);
	add_files(f, &in, 2, "รายงานผลการดำเนินงาน");
	assert_int_equal(TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), 0);
	assert_non_null(in.added[0].stored);
	assert_int_equal(access(in.added[0].stored, F_OK), 0);
	free_added(&in);
	json_t *files = kpi_report_files(f->db, r1, &e);
	assert_int_equal(json_array_size(files), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(files, 1), "slot")), 2);
	json_decref(files);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_reports WHERE id = $1 AND status = 'draft'", r1), 1);
	/* a draft is not submitted */
	assert_int_equal(count(f->db, "SELECT n_submitted FROM kpi_periods WHERE id = $1", p1), 0);
	assert_int_equal(count(f->db, "SELECT n_saved FROM kpi_periods WHERE id = $1", p1), 1);

	/* an eleventh file: 2 kept + 9 new */
	in = save_in(f, "", false);
	add_files(f, &in, 9, "ไฟล์");
	expect_err((int)TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), &e, 400, "new_file_1",
		   "แนบไฟล์ได้ไม่เกิน 10 ไฟล์ต่อรายงาน ขณะนี้มี 2 ไฟล์ แนบเพิ่มได้อีก 8 ไฟล์ (ส่งมา 9 ไฟล์)");
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_report_files WHERE report_id = $1", r1), 2);
	free_added(&in);
	err_clear(&e);
	/* …but removing one first makes room */
	in = save_in(f, "", false);
	in.remove[1] = true;
	add_files(f, &in, 9, "ไฟล์");
	assert_int_equal(TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), 0);
	free_added(&in);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_report_files WHERE report_id = $1", r1), 10);
	/* now full: one more is the eleventh */
	in = save_in(f, "", false);
	add_files(f, &in, 1, "ไฟล์");
	expect_err((int)TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), &e, 400, "new_file_1", NULL);
	free_added(&in);
	err_clear(&e);
	/* a description not sent leaves the kept one as it was; one sent
	 * empty (wiped) is refused at its field (issue 10.15), one too long
	 * too */
	in = save_in(f, "", false);
	assert_int_equal(TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), 0);
	in.desc[2] = "";
	expect_err((int)TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), &e, 400, "desc_2",
		   "กรุณาพิมพ์รายละเอียดคำอธิบายประกอบไฟล์ลำดับที่ 2 (บังคับกรอก)");
	err_clear(&e);
	assert_int_equal(
	    count(f->db, "SELECT COUNT(*) FROM kpi_report_files WHERE report_id = $1 AND description = ''", r1), 0);
	struct buf longd = BUF_INIT;
	for (int k = 0; k <= KPI_FILE_DESC_MAX; k++)
		buf_adds(&longd, "ข");
	in.desc[2] = buf_cstr(&longd);
	expect_err((int)TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), &e, 400, "desc_2", NULL);
	buf_release(&longd);
	err_clear(&e);

	/* with field_error every problem is told at once and nothing is
	 * written; a stored score sent back empty is refused, not wiped */
	in = save_in(f, "3", false);
	assert_int_equal(TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), 0);
	struct seen_errors seen = {0};
	in = save_in(f, "ห้า", false);
	in.desc[2] = "";
	in.desc[3] = " ";
	in.field_error = seen_error;
	in.error_ctx = &seen;
	expect_err((int)TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), &e, KPI_SAVE_FIELD_ERRORS, NULL,
		   NULL);
	err_clear(&e);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.fields[0], "desc_2");
	assert_string_equal(seen.fields[1], "desc_3");
	assert_string_equal(seen.fields[2], "self_score");
	in = save_in(f, NULL, false);
	in.self_score = "";
	expect_err((int)TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), &e, 400, "self_score",
		   "กรุณากรอกคะแนนประเมินตนเอง (ลบคะแนนที่บันทึกไว้ให้ว่างไม่ได้ หากต้องการเปลี่ยนให้กรอกคะแนนใหม่)");
	err_clear(&e);
	assert_int_equal(count(f->db, "SELECT self_x100 FROM kpi_reports WHERE id = $1", r1), 300);

	/* confirm with a score */
	in = save_in(f, "4", true);
	in.desc[2] = "คำอธิบายใหม่";
	assert_int_equal(TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), 0);
	json_t *r = kpi_report_get(f->db, r1, &e);
	assert_string_equal(json_string_value(json_object_get(r, "status")), "confirmed");
	assert_string_equal(json_string_value(json_object_get(r, "self")), "4");
	assert_string_equal(json_string_value(json_object_get(r, "reporter_name")), "นายreporter ทดสอบ");
	json_decref(r);
	/* confirmed: saving again is refused until the confirmation is cancelled */
	in = save_in(f, "5", false);
	expect_err((int)TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), &e, 409, NULL, NULL);
	err_clear(&e);
	assert_int_equal(TX(f->db, kpi_report_unconfirm(f->db, r1, f->reporter, 0, &e)), 0);
	in = save_in(f, "4", true);
	assert_int_equal(TX(f->db, kpi_report_save(f->db, r1, &in, f->reporter, &e)), 0);

	/* the reporter may not check his own report */
	expect_err((int)TX(f->db, kpi_report_review(f->db, r1, "4", f->reporter, 0, &e)), &e, 409, NULL, NULL);
	assert_non_null(strstr(e.msg, "ท่านเป็นผู้รายงานผลของรายงานนี้เอง"));
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_reports WHERE id = $1 AND status = 'confirmed'", r1),
			 1);
	err_clear(&e);
	/* nor anyone who saved it before someone else saved it last */
	assert_int_equal(TX(f->db, db_exec(f->db, "UPDATE kpi_reports SET reporter_id = $2 WHERE id = $1",
					   DB_ARGS(DB_INT(r1), DB_INT(f->owner)), &e)),
			 1);
	expect_err((int)TX(f->db, kpi_report_review(f->db, r1, "4", f->reporter, 0, &e)), &e, 409, NULL, NULL);
	err_clear(&e);

	/* review: a score out of range is refused, nothing stored */
	expect_err((int)TX(f->db, kpi_report_review(f->db, r1, "0", f->reviewer, 0, &e)), &e, 400, "review_score", NULL);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_reports WHERE id = $1 AND status = 'confirmed'", r1),
			 1);
	err_clear(&e);
	assert_int_equal(TX(f->db, kpi_report_review(f->db, r1, "3", f->reviewer, 0, &e)), 0);
	/* cancel confirmation after review: refused */
	expect_err((int)TX(f->db, kpi_report_unconfirm(f->db, r1, f->reporter, 0, &e)), &e, 409, NULL,
		   "รายงานนี้ตรวจสอบข้อมูลแล้ว จึงยกเลิกผลการยืนยันไม่ได้");
	err_clear(&e);

	/* the second school saves 3.5, then saves again without a score (files
	 * only): the score stays; then confirms → averages 3.75 self, 3 reviewed */
	in = save_in(f, "3.5", false);
	assert_int_equal(TX(f->db, kpi_report_save(f->db, r2, &in, f->reporter, &e)), 0);
	in = save_in(f, "", false);
	assert_int_equal(TX(f->db, kpi_report_save(f->db, r2, &in, f->reporter, &e)), 0);
	assert_int_equal(count(f->db, "SELECT self_x100 FROM kpi_reports WHERE id = $1", r2), 350);
	in = save_in(f, "", true);
	assert_int_equal(TX(f->db, kpi_report_save(f->db, r2, &in, f->reporter, &e)), 0);
	assert_int_equal(count(f->db, "SELECT self_x100 FROM kpi_reports WHERE id = $1", r2), 350);
	json_t *list = kpi_year_list(f->db, f->area, 2569, false, &e);
	json_t *per =
	    json_array_get(json_object_get(json_array_get(json_object_get(list, "indicators"), 0), "periods"), 0);
	assert_int_equal(json_integer_value(json_object_get(per, "n_submitted")), 2);
	assert_int_equal(json_integer_value(json_object_get(per, "n_reviewed")), 1);
	assert_int_equal(json_integer_value(json_object_get(per, "n_assigned")), 2);
	assert_string_equal(json_string_value(json_object_get(per, "avg_self")), "3.75");
	assert_string_equal(json_string_value(json_object_get(per, "avg_review")), "3");
	json_decref(list);

	/* the reviewer cancels the review: back to confirmed, averages follow */
	assert_int_equal(TX(f->db, kpi_report_unreview(f->db, r1, f->reviewer, 0, &e)), 0);
	assert_int_equal(count(f->db,
			       "SELECT COUNT(*) FROM kpi_reports WHERE id = $1 AND status = 'confirmed' "
			       "AND review_x100 IS NULL",
			       r1),
			 1);
	assert_int_equal(count(f->db, "SELECT review_n FROM kpi_periods WHERE id = $1", p1), 0);
	json_t *ev = kpi_report_events(f->db, r1, &e);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "action")), "unreview");
	json_decref(ev);

	/* a closed indicator takes no report; a hidden one neither */
	assert_int_equal(TX(f->db, kpi_indicator_set_status(f->db, ind, "close", &e)), 0);
	assert_int_equal(TX(f->db, kpi_report_unconfirm(f->db, r2, f->reporter, 0, &e)), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	/* …but the reviewer may still check it */
	assert_int_equal(TX(f->db, kpi_report_review(f->db, r2, "4", f->reviewer, 0, &e)), 0);
	assert_int_equal(TX(f->db, kpi_indicator_set_status(f->db, ind, "hidden", &e)), 0);
	in = save_in(f, "4", false);
	long long p2 = period_id(f, ind, 2);
	assert_int_equal(TX(f->db, kpi_period_open(f->db, p2, "", f->owner, &e)), 0);
	ids = ids_of(f->school3, 0);
	assert_int_equal(TX(f->db, kpi_units_add(f->db, p2, ids, false, false, f->owner, &e)), 1);
	json_decref(ids);
	long long r3 = report_id(f, p2, f->school3);
	expect_err((int)TX(f->db, kpi_report_save(f->db, r3, &in, f->reporter, &e)), &e, 409, NULL,
		   "ตัวชี้วัดนี้ถูกซ่อนไว้ จึงยังรับรายงานไม่ได้");
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_reports WHERE id = $1 AND status = 'assigned'", r3), 1);
}

static void count_start(struct db *db);
static long long count_stop(struct db *db);

static void test_db_matrix_and_stats(void **state)
{
	struct fx *f = FX(state);
	struct err e = ERR_INIT;
	long long ind = make_indicator(f, 2574, "1", "monthly");
	for (int s = 1; s <= 3; s++)
		assert_int_equal(TX(f->db, kpi_period_open(f->db, period_id(f, ind, s), "", f->owner, &e)), 0);
	for (int s = 1; s <= 3; s++)
		assert_true(TX(f->db, kpi_units_add(f->db, period_id(f, ind, s), NULL, true, s == 1, f->owner, &e)) >
			    0);
	long long r = report_id(f, period_id(f, ind, 1), f->school1);
	struct kpi_report_save_in in = save_in(f, "4", true);
	assert_int_equal(TX(f->db, kpi_report_save(f->db, r, &in, f->reporter, &e)), 0);
	assert_int_equal(TX(f->db, kpi_report_review(f->db, r, "3", f->reviewer, 0, &e)), 0);
	long long r2 = report_id(f, period_id(f, ind, 2), f->school1);
	in = save_in(f, "5", true);
	assert_int_equal(TX(f->db, kpi_report_save(f->db, r2, &in, f->reporter, &e)), 0);

	json_t *m = kpi_matrix(f->db, ind, 1, 25, &e);
	assert_non_null(m);
	assert_int_equal(json_array_size(json_object_get(m, "periods")), 3);
	json_t *units = json_object_get(m, "units");
	assert_int_equal(json_array_size(units), 4); /* the area + 3 schools */
	assert_int_equal(json_integer_value(json_object_get(m, "total_units")), 4);
	/* the area office first, assigned in the first period only */
	json_t *area = json_array_get(units, 0);
	assert_int_equal(json_integer_value(json_object_get(area, "school_id")), 0);
	json_t *cells = json_object_get(area, "cells");
	assert_int_equal(json_array_size(cells), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cells, 0), "state")), "pending");
	assert_string_equal(json_string_value(json_object_get(json_array_get(cells, 1), "state")), "none");
	/* school1: reviewed, waiting, pending */
	json_t *s1 = NULL;
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u) if (json_integer_value(json_object_get(u, "school_id")) == f->school1) s1 = u;
	assert_non_null(s1);
	cells = json_object_get(s1, "cells");
	json_t *c0 = json_array_get(cells, 0);
	assert_string_equal(json_string_value(json_object_get(c0, "state")), "reviewed");
	assert_string_equal(json_string_value(json_object_get(c0, "self")), "4.00");
	assert_string_equal(json_string_value(json_object_get(c0, "review")), "3.00");
	assert_string_equal(json_string_value(json_object_get(c0, "reporter")), "reporter ทดสอบ");
	assert_string_equal(json_string_value(json_object_get(c0, "reviewer")), "reviewer ทดสอบ");
	assert_string_equal(json_string_value(json_object_get(json_array_get(cells, 1), "state")), "waiting");
	assert_string_equal(json_string_value(json_object_get(json_array_get(cells, 2), "state")), "pending");
	json_decref(m);
	/* paging: 2 units a page */
	m = kpi_matrix(f->db, ind, 2, 2, &e);
	assert_int_equal(json_integer_value(json_object_get(m, "pages")), 2);
	assert_int_equal(json_array_size(json_object_get(m, "units")), 2);
	json_decref(m);

	json_t *st = kpi_year_stats(f->db, f->area, 2574, true, &e);
	assert_non_null(st);
	json_t *row = json_array_get(json_object_get(st, "indicators"), 0);
	assert_int_equal(json_integer_value(json_object_get(row, "assigned")), 10);
	assert_int_equal(json_integer_value(json_object_get(row, "submitted")), 2);
	assert_int_equal(json_integer_value(json_object_get(row, "reviewed")), 1);
	assert_string_equal(json_string_value(json_object_get(row, "avg_self")), "4.5");
	assert_string_equal(json_string_value(json_object_get(row, "avg_review")), "3");
	assert_int_equal(json_array_size(json_object_get(st, "units")), 4);
	/* one level-1–5 indicator: its weighted figure is its own average;
	 * types never mix */
	json_t *bt = json_object_get(st, "by_type");
	assert_int_equal(json_array_size(bt), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(bt, 0), "type")), "level5");
	assert_string_equal(json_string_value(json_object_get(json_array_get(bt, 0), "weighted_review")), "3");
	assert_string_equal(json_string_value(json_object_get(json_object_get(st, "totals"), "percent_submitted")),
			    "20");
	struct buf x = BUF_INIT;
	assert_int_equal(kpi_stats_sheet(st, SHEET_XLSX, &x, &e), 0);
	assert_true(x.len > 1000);
	assert_memory_equal(x.data, "PK", 2); /* a zip */
	buf_reset(&x);
	assert_int_equal(kpi_stats_pdf(st, &x, &e), 0);
	assert_true(x.len > 1000);
	assert_memory_equal(x.data, "%PDF", 4);
	buf_release(&x);
	json_decref(st);
	/* the public figures have no units, and with one school reporting no
	 * average either: it would be that school's score */
	assert_int_equal(count(f->db, "SELECT n_reporting FROM kpi_indicators WHERE id = $1", ind), 1);
	st = kpi_year_stats(f->db, f->area, 2574, false, &e);
	assert_null(json_object_get(st, "units"));
	row = json_array_get(json_object_get(st, "indicators"), 0);
	assert_true(json_is_true(json_object_get(row, "avg_hidden")));
	assert_string_equal(json_string_value(json_object_get(row, "avg_self")), "");
	assert_string_equal(json_string_value(json_object_get(row, "avg_review")), "");
	assert_int_equal(json_integer_value(json_object_get(row, "submitted")), 2); /* counts stay */
	assert_true(json_is_true(json_object_get(st, "avg_hidden_any")));
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(st, "by_type"), 0), "weighted_self")), "");
	json_decref(st);
	/* three schools reported: the averages show */
	long long pa = period_id(f, ind, 3);
	long long sch[2] = {f->school2, f->school3};
	for (int k = 0; k < 2; k++) {
		in = save_in(f, "2", true);
		assert_int_equal(TX(f->db, kpi_report_save(f->db, report_id(f, pa, sch[k]), &in, f->reporter, &e)), 0);
	}
	assert_int_equal(count(f->db, "SELECT n_reporting FROM kpi_indicators WHERE id = $1", ind), 3);
	st = kpi_year_stats(f->db, f->area, 2574, false, &e);
	row = json_array_get(json_object_get(st, "indicators"), 0);
	assert_false(json_is_true(json_object_get(row, "avg_hidden")));
	assert_string_equal(json_string_value(json_object_get(row, "avg_self")), "3.25"); /* (4 + 5 + 2 + 2) / 4 */
	assert_false(json_is_true(json_object_get(st, "avg_hidden_any")));
	json_decref(st);
	/* the year totals kept on the indicator equal the periods' sums */
	assert_int_equal(count(f->db,
			       "SELECT COUNT(*) FROM kpi_indicators i WHERE i.id = $1 AND i.y_assigned = (SELECT "
			       "SUM(n_assigned) FROM kpi_periods WHERE indicator_id = i.id) AND i.y_self_sum = (SELECT "
			       "SUM(self_sum) FROM kpi_periods WHERE indicator_id = i.id) AND i.y_periods = 3",
			       ind),
			 1);
	/* the public table: rendered once, kept, rendered again after a change */
	struct buf h = BUF_INIT;
	json_t *ar = NULL;
	assert_int_equal(kpi_public_table(f->db, f->area, 2574, &h, &ar, &e), 0);
	assert_non_null(strstr(buf_cstr(&h), "3.25"));
	assert_int_equal(json_integer_value(json_object_get(ar, "id")), f->area);
	json_decref(ar);
	buf_reset(&h);
	count_start(f->db);
	assert_int_equal(kpi_public_table(f->db, f->area, 2574, &h, &ar, &e), 0);
	assert_int_equal(count_stop(f->db), 0); /* kept: no statement */
	json_decref(ar);
	buf_reset(&h);
	assert_int_equal(TX(f->db, kpi_report_unreview(f->db, r, f->reviewer, 0, &e)), 0);
	count_start(f->db);
	assert_int_equal(kpi_public_table(f->db, f->area, 2574, &h, &ar, &e), 0);
	assert_true(count_stop(f->db) > 0); /* changed: read again */
	json_decref(ar);
	/* the matrix table likewise */
	buf_reset(&h);
	assert_int_equal(kpi_matrix_table(f->db, ind, 1, 25, &h, &ar, &e), 0);
	assert_non_null(strstr(buf_cstr(&h), "★ - 4.00 - reporter ทดสอบ"));
	assert_int_equal(json_integer_value(json_object_get(ar, "total_units")), 4);
	assert_true(json_is_true(json_object_get(ar, "has_periods")));
	json_decref(ar);
	buf_reset(&h);
	count_start(f->db);
	assert_int_equal(kpi_matrix_table(f->db, ind, 1, 25, &h, &ar, &e), 0);
	assert_int_equal(count_stop(f->db), 0);
	assert_non_null(strstr(buf_cstr(&h), "★ - 4.00 - reporter ทดสอบ"));
	json_decref(ar);
	buf_release(&h);
}

/* Counting the statements a call runs (KPI-7: "a fixed number of queries
 * per page, never one per cell"): the connection's table of engine
 * functions (db_internal.h) is swapped for a copy whose query and exec
 * count before calling the engine. Every public db call dispatches
 * through that table, so nothing the module runs escapes the count. */
static const struct db_engine *real_engine;
static long long statements;

static int counting_query(struct db *db, const char *sql, const struct db_val *p, int n, int keep, struct db_res **out,
			  struct err *e)
{
	statements++;
	return real_engine->query(db, sql, p, n, keep, out, e);
}

static long long counting_exec(struct db *db, const char *sql, const struct db_val *p, int n, struct err *e)
{
	statements++;
	return real_engine->exec(db, sql, p, n, e);
}

static struct db_engine counting_engine;

static void count_start(struct db *db)
{
	real_engine = db->eng;
	counting_engine = *db->eng;
	counting_engine.query = counting_query;
	counting_engine.exec = counting_exec;
	db->eng = &counting_engine;
	statements = 0;
}

static long long count_stop(struct db *db)
{
	db->eng = real_engine;
	return statements;
}

/* The statements of one page of the matrix. */
static long long matrix_statements(struct db *db, long long ind, long long page, long long per_page, size_t *cells)
{
	struct err e = ERR_INIT;
	count_start(db);
	json_t *m = kpi_matrix(db, ind, page, per_page, &e);
	long long n = count_stop(db);
	assert_non_null(m);
	*cells = 0;
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(m, "units"), i, u) *cells += json_array_size(json_object_get(u, "cells"));
	json_decref(m);
	return n;
}

static void test_db_fixed_queries(void **state)
{
	struct fx *f = FX(state);
	struct err e = ERR_INIT;
	/* small: one period, one unit, nothing reported */
	long long small = make_indicator(f, 2580, "1", "once");
	assert_int_equal(TX(f->db, kpi_period_open(f->db, period_id(f, small, 1), "", f->owner, &e)), 0);
	json_t *one = ids_of(f->school1, 0);
	assert_int_equal(TX(f->db, kpi_units_add(f->db, period_id(f, small, 1), one, false, false, f->owner, &e)), 1);
	json_decref(one);
	/* large: twelve periods × every school and the area, reports in every
	 * state, two of the schools of another indicator */
	long long large = make_indicator(f, 2580, "2", "monthly");
	for (int s = 1; s <= 12; s++) {
		long long p = period_id(f, large, s);
		assert_int_equal(TX(f->db, kpi_period_open(f->db, p, "", f->owner, &e)), 0);
		assert_true(TX(f->db, kpi_units_add(f->db, p, NULL, true, true, f->owner, &e)) > 0);
		struct kpi_report_save_in in = save_in(f, "4", s % 3 != 0);
		long long r = report_id(f, p, f->school1);
		assert_int_equal(TX(f->db, kpi_report_save(f->db, r, &in, f->reporter, &e)), 0);
		if (s % 3 == 1)
			assert_int_equal(TX(f->db, kpi_report_review(f->db, r, "3", f->reviewer, 0, &e)), 0);
		in = save_in(f, "5", true);
		assert_int_equal(TX(f->db, kpi_report_save(f->db, report_id(f, p, f->school2), &in, f->reporter, &e)),
				 0);
	}
	size_t small_cells, large_cells;
	long long qs = matrix_statements(f->db, small, 1, 25, &small_cells);
	long long ql = matrix_statements(f->db, large, 1, 100, &large_cells);
	assert_int_equal(small_cells, 1);
	assert_true(large_cells >= 4 * 12); /* the area and three schools or more */
	assert_int_equal(ql, qs);
	assert_true(ql <= 4);
	/* every page costs the same */
	size_t page_cells;
	assert_int_equal(matrix_statements(f->db, large, 2, 2, &page_cells), qs);
	assert_int_equal(page_cells, 2 * 12);

	/* the indicator list and the statistics: fixed too, whatever the
	 * number of indicators, periods and reports */
	count_start(f->db);
	json_t *list = kpi_year_list(f->db, f->area, 2580, true, &e);
	long long list_q = count_stop(f->db);
	assert_non_null(list);
	json_decref(list);
	count_start(f->db);
	json_t *st = kpi_year_stats(f->db, f->area, 2580, true, &e);
	long long stats_q = count_stop(f->db);
	assert_non_null(st);
	json_decref(st);
	for (int k = 3; k <= 8; k++) {
		char num[16];
		snprintf(num, sizeof num, "Q%d", k);
		long long ind = make_indicator(f, 2580, num, "quarterly");
		assert_int_equal(TX(f->db, kpi_period_open(f->db, period_id(f, ind, 1), "", f->owner, &e)), 0);
		assert_true(TX(f->db, kpi_units_add(f->db, period_id(f, ind, 1), NULL, true, false, f->owner, &e)) > 0);
	}
	count_start(f->db);
	list = kpi_year_list(f->db, f->area, 2580, true, &e);
	assert_int_equal(count_stop(f->db), list_q);
	assert_int_equal(json_array_size(json_object_get(list, "indicators")), 8);
	json_decref(list);
	count_start(f->db);
	st = kpi_year_stats(f->db, f->area, 2580, true, &e);
	assert_int_equal(count_stop(f->db), stats_q);
	/* completion by work group: all eight indicators are the first group's */
	json_t *bg = json_object_get(st, "by_group");
	assert_int_equal(json_array_size(bg), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(bg, 0), "indicators")), 8);
	json_decref(st);
}

static void test_db_copy_and_year(void **state)
{
	struct fx *f = FX(state);
	struct err e = ERR_INIT;
	long long a = make_indicator(f, 2571, "1", "half");
	make_indicator(f, 2571, "2", "monthly");
	assert_int_equal(
	    TX(f->db, kpi_indicator_file_put(f->db, a, 1, "", "d.pdf", "application/pdf", 1, "/x", f->owner, &e)), 0);
	assert_int_equal(TX(f->db, kpi_period_open(f->db, period_id(f, a, 1), "", f->owner, &e)), 0);
	/* an owner of the second work group copies his group's only: none */
	assert_int_equal(TX(f->db, kpi_indicator_copy_year(f->db, f->area, 2571, 2572, f->wg2, f->owner, &e)), 0);
	/* one indicator already in the new year: only the missing one comes */
	make_indicator(f, 2572, "2", "monthly");
	assert_int_equal(TX(f->db, kpi_indicator_copy_year(f->db, f->area, 2571, 2572, f->wg, f->owner, &e)), 1);
	/* running it again copies nothing new */
	assert_int_equal(TX(f->db, kpi_indicator_copy_year(f->db, f->area, 2571, 2572, 0, f->owner, &e)), 0);
	json_t *list = kpi_year_list(f->db, f->area, 2572, true, &e);
	json_t *inds = json_object_get(list, "indicators");
	assert_int_equal(json_array_size(inds), 2);
	long long c = json_integer_value(json_object_get(json_array_get(inds, 0), "id"));
	json_decref(list);
	/* fresh periods of the new year, none open; the attachment row came */
	json_t *ps = kpi_periods(f->db, c, &e);
	assert_int_equal(json_array_size(ps), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ps, 0), "start_date")), "2028-10-01");
	assert_false(json_is_true(json_object_get(json_array_get(ps, 0), "opened")));
	json_decref(ps);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_indicator_files WHERE indicator_id = $1", c), 1);
	expect_err((int)TX(f->db, kpi_indicator_copy_year(f->db, f->area, 2572, 2572, 0, f->owner, &e)), &e, 400, NULL,
		   NULL);

	/* the remembered year */
	long long now = thai_from_local(2024, 11, 1, 12, 0, 0);
	assert_int_equal(kpi_user_year(f->db, f->owner, now), 2568); /* November 2024: FY 2568 */
	assert_int_equal(TX(f->db, kpi_user_year_set(f->db, f->owner, 2566, &e)), 0);
	assert_int_equal(kpi_user_year(f->db, f->owner, now), 2566);
	assert_int_equal(TX(f->db, kpi_user_year_set(f->db, f->owner, 2567, &e)), 0);
	assert_int_equal(kpi_user_year(f->db, f->owner, now), 2567);
	expect_err((int)TX(f->db, kpi_user_year_set(f->db, f->owner, 1999, &e)), &e, 400, "fiscal_year", NULL);
	assert_int_equal(kpi_user_year(f->db, 0, now), 2568);
}

static long long outbox_count(struct db *db, const char *to, const char *like)
{
	long long n = -1;
	struct err e = ERR_INIT;
	assert_true(db_int_value(db, "SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND subject LIKE $2",
				 DB_ARGS(DB_TEXT(to), DB_TEXT(like)), &n, &e) >= 0);
	return n;
}

static void set_due(struct fx *f, long long period, struct kpi_date d)
{
	char iso[11];
	kpi_date_iso(d, iso);
	struct err e = ERR_INIT;
	assert_int_equal(TX(f->db, db_exec(f->db, "UPDATE kpi_periods SET due_date = $2 WHERE id = $1",
					   DB_ARGS(DB_INT(period), DB_TEXT(iso)), &e)),
			 1);
}

static void test_db_reminders(void **state)
{
	struct fx *f = FX(state);
	struct err e = ERR_INIT;
	/* reminders other tests' open periods may owe today go out first */
	assert_true(kpi_remind_due(f->db, &e) >= 0);
	long long now = (long long)time(NULL);
	/* the demo (test_db_demo) made each school a reporter (kpi-<OBEC>):
	 * this test counts the mails of its own people only */
	assert_true(TX(f->db, db_exec(f->db,
				      "UPDATE grants SET revoked_at = $1 WHERE role = 'kpi_reporter' AND user_id IN "
				      "(SELECT id FROM users WHERE username LIKE 'kpi-%')",
				      DB_ARGS(DB_INT(now)), &e)) >= 0);
	assert_int_equal(
	    TX(f->db, db_exec(f->db,
			      "INSERT INTO grants (user_id, role, area_id, school_id, granted_at) "
			      "VALUES ($1, 'school_admin', $2, $3, $4)",
			      DB_ARGS(DB_INT(f->reporter), DB_INT(f->area), DB_INT(f->school1), DB_INT(now)), &e)),
	    1);
	assert_int_equal(
	    TX(f->db, db_exec(f->db,
			      "INSERT INTO grants (user_id, role, area_id, work_group_id, module, granted_at) "
			      "VALUES ($1, 'kpi_owner', $2, $3, 'kpi', $4)",
			      DB_ARGS(DB_INT(f->owner), DB_INT(f->area), DB_INT(f->wg2), DB_INT(now)), &e)),
	    1);
	/* the second work group's indicator: its owner is f->owner alone */
	long long ind = make_indicator(f, 2575, "7", "half");
	assert_int_equal(TX(f->db, db_exec(f->db, "UPDATE kpi_indicators SET work_group_id = $2 WHERE id = $1",
					   DB_ARGS(DB_INT(ind), DB_INT(f->wg2)), &e)),
			 1);
	long long p = period_id(f, ind, 1);
	assert_int_equal(TX(f->db, kpi_period_open(f->db, p, "", f->owner, &e)), 0);
	json_t *ids = ids_of(f->school1, f->school2);
	assert_int_equal(TX(f->db, kpi_units_add(f->db, p, ids, false, true, f->owner, &e)), 3);
	json_decref(ids);
	struct kpi_date today = kpi_date_of(now);
	/* due in ten days: nothing yet */
	set_due(f, p, kpi_date_add(today, 10));
	assert_int_equal(kpi_remind_due(f->db, &e), 0);
	/* due in three days: the week reminder, to school1's admin and to the
	 * owners for the area office (school2 has nobody to tell) */
	set_due(f, p, kpi_date_add(today, 3));
	assert_int_equal(kpi_remind_due(f->db, &e), 2);
	assert_int_equal(outbox_count(f->db, "reporter@example.com", "%แจ้งเตือน: ตัวชี้วัดที่ 7 %"), 1);
	assert_int_equal(outbox_count(f->db, "owner@example.com", "%แจ้งเตือน: ตัวชี้วัดที่ 7 %"), 1);
	/* once only */
	assert_int_equal(kpi_remind_due(f->db, &e), 0);
	/* the day before: the last reminder */
	set_due(f, p, kpi_date_add(today, 1));
	assert_int_equal(kpi_remind_due(f->db, &e), 2);
	assert_int_equal(outbox_count(f->db, "reporter@example.com", "%แจ้งเตือนครั้งสุดท้าย: ตัวชี้วัดที่ 7 %พรุ่งนี้%"), 1);
	/* a unit that has confirmed is not reminded */
	struct kpi_report_save_in in = save_in(f, "4", true);
	assert_int_equal(TX(f->db, kpi_report_save(f->db, report_id(f, p, f->school1), &in, f->reporter, &e)), 0);
	set_due(f, p, today);
	assert_int_equal(kpi_remind_due(f->db, &e), 1); /* the area office's owners only */
	assert_int_equal(outbox_count(f->db, "reporter@example.com", "%ตัวชี้วัดที่ 7 %วันนี้%"), 0);
	/* overdue: nothing */
	set_due(f, p, kpi_date_add(today, -1));
	assert_int_equal(kpi_remind_due(f->db, &e), 0);
	/* what the unit still owes, for the calendar */
	set_due(f, p, kpi_date_add(today, 5));
	json_t *due = kpi_unit_due(f->db, f->area, f->school2, 50, &e);
	assert_non_null(due);
	bool found = false;
	size_t i;
	json_t *d;
	json_array_foreach(due, i, d) if (!strcmp(json_string_value(json_object_get(d, "number")), "7"))
	{
		found = true;
		assert_false(json_is_true(json_object_get(d, "overdue")));
	}
	assert_true(found);
	json_decref(due);
	due = kpi_unit_due(f->db, f->area, f->school2, 1, &e); /* limited */
	assert_int_equal(json_array_size(due), 1);
	json_decref(due);
	due = kpi_unit_due(f->db, f->area, f->school1, 50, &e);
	json_array_foreach(due, i, d) assert_string_not_equal(json_string_value(json_object_get(d, "number")), "7");
	json_decref(due);
}

static void test_db_demo(void **state)
{
	struct fx *f = FX(state);
	struct err e = ERR_INIT;
	int fy = thai_fiscal_year((long long)time(NULL));
	assert_int_equal(kpi_demo(f->db, 3, &e), 0);
	long long area = 0;
	assert_int_equal(db_int_value(f->db, "SELECT id FROM areas WHERE code = '3502'", NULL, 0, &area, &e), 1);
	json_t *list = kpi_year_list(f->db, area, fy, false, &e);
	json_t *inds = json_object_get(list, "indicators");
	assert_int_equal(json_array_size(inds), 2);
	long long monthly = json_integer_value(json_object_get(json_array_get(inds, 1), "id"));
	assert_int_equal(json_array_size(json_object_get(json_array_get(inds, 1), "periods")), 12);
	json_decref(list);
	/* 3 units × 12 months, every cell filled, counters agreeing with rows */
	json_t *m = kpi_matrix(f->db, monthly, 1, 25, &e);
	assert_int_equal(json_integer_value(json_object_get(m, "total_units")), 3);
	json_t *u0 = json_array_get(json_object_get(m, "units"), 0);
	assert_int_equal(json_array_size(json_object_get(u0, "cells")), 12);
	json_decref(m);
	assert_int_equal(count(f->db, "SELECT SUM(n_assigned) FROM kpi_periods WHERE indicator_id = $1", monthly), 36);
	assert_int_equal(
	    count(f->db,
		  "SELECT COUNT(*) FROM kpi_periods p WHERE p.indicator_id = $1 AND p.n_reviewed <> "
		  "(SELECT COUNT(*) FROM kpi_reports r WHERE r.period_id = p.id AND r.status = 'reviewed')",
		  monthly),
	    0);
	/* the demo users can sign in with a KPI role */
	assert_int_equal(count(f->db,
			       "SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username IN "
			       "('kpiowner', 'kpireviewer') AND g.module = 'kpi' AND g.area_id = $1",
			       area),
			 2);
	/* again: nothing changes */
	long long before = count(f->db, "SELECT COUNT(*) FROM kpi_reports WHERE indicator_id >= $1", 0);
	assert_int_equal(kpi_demo(f->db, 3, &e), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kpi_reports WHERE indicator_id >= $1", 0), before);
}

#define DB_TESTS                                                                                                       \
	cmocka_unit_test(test_db_demo), cmocka_unit_test(test_db_indicators),                                          \
	    cmocka_unit_test(test_db_periods_and_units), cmocka_unit_test(test_db_reports),                            \
	    cmocka_unit_test(test_db_matrix_and_stats), cmocka_unit_test(test_db_fixed_queries),                       \
	    cmocka_unit_test(test_db_copy_and_year), cmocka_unit_test(test_db_reminders)

int main(void)
{
	/* the public statistics table is rendered from the compiled-in templates */
	struct err ve = ERR_INIT;
	if (view_init(NULL, "static/dist", &ve) < 0) {
		fprintf(stderr, "view_init: %s\n", ve.msg);
		return 1;
	}
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_monthly_calendar),
	    cmocka_unit_test(test_other_calendars),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_due_and_close),
	    cmocka_unit_test(test_reminder_kind),
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_score_parse),
	    cmocka_unit_test(test_score_refusals),
	    cmocka_unit_test(test_score_text),
	    cmocka_unit_test(test_averages),
	    cmocka_unit_test(test_criteria),
	    cmocka_unit_test(test_indicator_check),
	    cmocka_unit_test(test_indicator_files_rule),
	    cmocka_unit_test(test_report_transitions),
	    cmocka_unit_test(test_report_refusals),
	    cmocka_unit_test(test_statuses),
	    cmocka_unit_test(test_files_rules),
	    cmocka_unit_test(test_access),
	};
	const struct CMUnitTest db_tests[] = {DB_TESTS};
	int failed = cmocka_run_group_tests_name("kpi", pure, NULL, NULL);
	engine_after_migrate = seed;
	failed += cmocka_run_group_tests_name("kpi_sqlite", db_tests, setup_sqlite, teardown);
	const char *pg = pg_engine.pg_url = getenv("KHET_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("kpi_pg", db_tests, setup_pg, teardown);
	/* the PDF export made pango's default font map and fontconfig's
	 * global caches: free both, so LeakSanitizer sees only what the module
	 * itself kept. FcFini is looked up at run time: fontconfig comes in
	 * through pango and is not on the link line itself. */
	pango_cairo_font_map_set_default(NULL);
	void (*fc_fini)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "FcFini");
	if (fc_fini)
		fc_fini();
	return failed ? 1 : 0;
}
