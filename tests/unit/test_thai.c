/* test_thai: the Thai rules of src/core/thai.c (ORG-2, ORG-3, X-4) — citizen
 * ID check digits and their Thai messages, Buddhist-Era dates in Bangkok time
 * whatever TZ says, fiscal and academic year boundaries, baht in words,
 * libthai's dictionary order, word breaking for search and strict UTF-8.
 * Expected times are written as literal UTC seconds (worked out outside this
 * code) so the date tests do not check the code against itself. */
#include "unit.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/thai.h"

/* Runs call with out pointing at a fresh buffer and compares the text. */
#define CHECK_BUF(want, call)                                                  \
	do {                                                                   \
		struct buf b_ = BUF_INIT;                                      \
		struct buf *out = &b_;                                         \
		call;                                                          \
		assert_string_equal(buf_cstr(&b_), (want));                    \
		buf_release(&b_);                                              \
	} while (0)

/* ---- citizen ID ---------------------------------------------------------- */

/* Valid IDs, their check digits worked out by hand from the mod-11 rule. */
static const char *const valid_ids[] = {
	"1101700230708", "3100600123450", "1234567890121", "5009900112238",
	"1999900000013", "3700100123455",
};

static void test_citizen_id_valid(void **state)
{
	for (size_t i = 0; i < sizeof valid_ids / sizeof *valid_ids; i++) {
		assert_true(thai_citizen_id_valid(valid_ids[i]));
		struct err e = ERR_INIT;
		assert_int_equal(thai_citizen_id_check(valid_ids[i], &e), 0);
		assert_int_equal(e.status, 0);
	}
}

/* Issue 10: 0000000000001 passes the check digit, but digits 2–5 are the
 * registering office and none is 0000; an ID that starts with 0 (persons
 * without registration status, many learners) stays valid. */
static void test_citizen_id_office(void **state)
{
	struct err e = ERR_INIT;
	assert_false(thai_citizen_id_valid("0000000000001"));
	assert_int_equal(thai_citizen_id_check("0000000000001", &e), -1);
	assert_non_null(strstr(e.msg, "หลักที่ 2–5"));
	assert_false(thai_citizen_id_valid("1000000000001"));
	/* 0 first is fine: 0-1234-56789-01-? with its check digit */
	char id[14] = "012345678901";
	int sum = 0;
	for (int i = 0; i < 12; i++)
		sum += (id[i] - '0') * (13 - i);
	id[12] = (char)('0' + (11 - sum % 11) % 10);
	id[13] = 0;
	assert_true(thai_citizen_id_valid(id));
}

/* Issue 10: invisible and direction-changing characters, emoji, Thai digits. */
static void test_text_invisible_emoji_digits(void **state)
{
	assert_false(thai_text_invisible("สมชาย ใจดี"));
	assert_false(thai_text_invisible("ผู้ใหญ่ นำ้"));
	assert_true(thai_text_invisible("สม\u200Bชาย"));   /* zero-width space */
	assert_true(thai_text_invisible("\u202Eยาดมส"));    /* right-to-left override */
	assert_true(thai_text_invisible("a\u2066b\u2069"));  /* isolates */
	assert_true(thai_text_invisible("x\u200Dy"));        /* zero-width joiner */
	assert_true(thai_text_invisible("\uFEFFสมชาย"));     /* BOM inside text */
	assert_true(thai_text_invisible("soft\u00ADhyphen"));
	assert_false(thai_text_emoji("สมชาย"));
	assert_false(thai_text_emoji("O'Brien-Smith"));
	assert_true(thai_text_emoji("สมชาย😀"));
	assert_true(thai_text_emoji("ดาว⭐"));
	assert_true(thai_text_emoji("ok\uFE0F"));
	struct buf b = BUF_INIT;
	thai_digits_ascii("๐๘๑-๒๓๔-๕๖๗๘ ab9", &b);
	assert_string_equal(buf_cstr(&b), "081-234-5678 ab9");
	buf_release(&b);
}

static void test_citizen_id_invalid(void **state)
{
	/* Every other last digit of a valid ID is wrong. */
	char id[14] = "1101700230708";
	for (char c = '0'; c <= '9'; c++) {
		id[12] = c;
		assert_int_equal(thai_citizen_id_valid(id), c == '8');
	}
	/* A swapped pair of digits is caught (the point of weighted sums). */
	assert_false(thai_citizen_id_valid("1011700230708"));
	assert_false(thai_citizen_id_valid(""));
	assert_false(thai_citizen_id_valid(NULL));
	assert_false(thai_citizen_id_valid("110170023070"));
	assert_false(thai_citizen_id_valid("11017002307080"));
	assert_false(thai_citizen_id_valid("1-1017-00230-70-8"));
	assert_false(thai_citizen_id_valid("110170023070a"));
	assert_false(thai_citizen_id_valid("１101700230708")); /* fullwidth 1 */
}

static void expect_msg(const char *input, const char *msg)
{
	struct err e = ERR_INIT;
	assert_int_equal(thai_citizen_id_check(input, &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "citizen_id");
	assert_string_equal(e.msg, msg);
}

static void test_citizen_id_messages(void **state)
{
	expect_msg("", "กรุณากรอกเลขประจำตัวประชาชน");
	expect_msg(NULL, "กรุณากรอกเลขประจำตัวประชาชน");
	expect_msg("12345", "เลขประจำตัวประชาชนต้องมี 13 หลัก (กรอกมา 5 หลัก)");
	expect_msg("11017002307081", "เลขประจำตัวประชาชนต้องมี 13 หลัก (กรอกมา 14 หลัก)");
	expect_msg("1-1017-00230-70-8", "เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น");
	expect_msg("110170023070O", "เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น");
	expect_msg("1101700230707",
		   "เลขประจำตัวประชาชนไม่ถูกต้อง: หลักสุดท้าย (เลขตรวจสอบ) ไม่ตรง กรุณาตรวจสอบอีกครั้ง");
}

static void test_citizen_id_normalize(void **state)
{
	char out[14];
	assert_int_equal(thai_citizen_id_normalize("1-1017-00230-70-8", out), 0);
	assert_string_equal(out, "1101700230708");
	assert_int_equal(thai_citizen_id_normalize(" 1 1017 00230 70 8 ", out), 0);
	assert_string_equal(out, "1101700230708");
	assert_int_equal(thai_citizen_id_normalize("1101700230708", out), 0);
	assert_string_equal(out, "1101700230708");
	assert_int_equal(thai_citizen_id_normalize("1-1017", out), -1);
	assert_string_equal(out, "11017");
	/* Thai digits ๐…๙ are the same digits (issue 10 item 7): a lookup box
	 * typed on a Thai keyboard finds the person */
	assert_int_equal(thai_citizen_id_normalize("๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘", out), 0);
	assert_string_equal(out, "1101700230708");
	assert_int_equal(thai_citizen_id_normalize("1101700๒๓๐708", out), 0);
	assert_string_equal(out, "1101700230708");
	assert_int_equal(thai_citizen_id_normalize("๑๑๐๑๗๐๐๒๓๐๗๐๘๙", out), -1);
	/* Too long is refused, and out is still a terminated 13-byte prefix. */
	assert_int_equal(thai_citizen_id_normalize("1101700230708999999", out), -1);
	assert_int_equal(strlen(out), 13);
	assert_int_equal(thai_citizen_id_normalize(NULL, out), -1);
	assert_string_equal(out, "");
	/* Letters pass through; the check is what refuses them. */
	assert_int_equal(thai_citizen_id_normalize("x-1017-00230-70-8", out), 0);
	assert_false(thai_citizen_id_valid(out));
}

static void test_citizen_id_mask(void **state)
{
	CHECK_BUF("1-2345-xxxxx-xx-1", thai_citizen_id_mask("1234567890121", out));
	CHECK_BUF("1-1017-xxxxx-xx-8", thai_citizen_id_mask("1101700230708", out));
	CHECK_BUF("x-xxxx-xxxxx-xx-x", thai_citizen_id_mask("12345", out));
	CHECK_BUF("x-xxxx-xxxxx-xx-x", thai_citizen_id_mask("1-2345-67890-12-1", out));
	CHECK_BUF("x-xxxx-xxxxx-xx-x", thai_citizen_id_mask(NULL, out));
}

/* ---- dates --------------------------------------------------------------- */

static void test_month_names(void **state)
{
	static const char *const abbr[12] = {
		"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
		"ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
	};
	for (int m = 1; m <= 12; m++)
		assert_string_equal(thai_month_abbr(m), abbr[m - 1]);
	assert_string_equal(thai_month_name(1), "มกราคม");
	assert_string_equal(thai_month_name(2), "กุมภาพันธ์");
	assert_string_equal(thai_month_name(6), "มิถุนายน");
	assert_string_equal(thai_month_name(12), "ธันวาคม");
	assert_string_equal(thai_month_name(0), "");
	assert_string_equal(thai_month_abbr(13), "");
}

static void test_date_formats(void **state)
{
	/* 2024-06-25 06:11:00 UTC = 13:11 in Bangkok */
	CHECK_BUF("25 มิ.ย. 2567", thai_date_short(out, 1719295860));
	CHECK_BUF("25 มิถุนายน 2567", thai_date_long(out, 1719295860));
	CHECK_BUF("25 มิ.ย. 2567, 13:11 น.", thai_datetime_short(out, 1719295860));
	/* 02:05 UTC: hours and minutes two digits */
	CHECK_BUF("25 มิ.ย. 2567, 09:05 น.", thai_datetime_short(out, 1719281100));
	/* 1 Jan 00:00 in Bangkok is still the old year in UTC */
	CHECK_BUF("1 ม.ค. 2513, 07:00 น.", thai_datetime_short(out, 0));
	CHECK_BUF("1 มกราคม 2513", thai_date_long(out, 0));
	/* seconds are not shown and not rounded */
	CHECK_BUF("25 มิ.ย. 2567, 13:11 น.", thai_datetime_short(out, 1719295860 + 59));
}

static void test_date_crosses_midnight(void **state)
{
	/* 2024-06-24 20:30 UTC is already the 25th in Bangkok */
	CHECK_BUF("25 มิ.ย. 2567, 03:30 น.", thai_datetime_short(out, 1719261000));
	CHECK_BUF("25 มิ.ย. 2567", thai_date_short(out, 1719261000));
	/* 2023-12-31 16:59:59 / 17:00:00 UTC: New Year in Bangkok, and the BE
	 * year turns with it */
	CHECK_BUF("31 ธ.ค. 2566, 23:59 น.", thai_datetime_short(out, 1704041999));
	CHECK_BUF("1 ม.ค. 2567, 00:00 น.", thai_datetime_short(out, 1704042000));
	CHECK_BUF("31 ธันวาคม 2512", thai_date_long(out, -25201));
}

static void test_local_fields(void **state)
{
	int y, mo, d, h, mi, s, wd;
	thai_local(1719295860 + 42, &y, &mo, &d, &h, &mi, &s, &wd);
	assert_int_equal(y, 2024);
	assert_int_equal(mo, 6);
	assert_int_equal(d, 25);
	assert_int_equal(h, 13);
	assert_int_equal(mi, 11);
	assert_int_equal(s, 42);
	assert_int_equal(wd, 2); /* a Tuesday */
	thai_local(-25201, &y, &mo, &d, &h, &mi, &s, &wd);
	assert_int_equal(y, 1969);
	assert_int_equal(mo, 12);
	assert_int_equal(d, 31);
	assert_int_equal(h, 23);
	assert_int_equal(mi, 59);
	assert_int_equal(s, 59);
	assert_int_equal(wd, 3); /* a Wednesday */
	thai_local(1709161200, &y, &mo, &d, NULL, NULL, NULL, NULL); /* NULLs allowed */
	assert_int_equal(mo * 100 + d, 229);

	assert_int_equal(thai_from_local(2024, 6, 25, 13, 11, 0), 1719295860);
	assert_int_equal(thai_from_local(2024, 1, 1, 0, 0, 0), 1704042000);
	assert_int_equal(thai_from_local(1970, 1, 1, 7, 0, 0), 0);
	/* out-of-range fields carry over like timegm */
	assert_int_equal(thai_from_local(2023, 13, 1, 0, 0, 0), thai_from_local(2024, 1, 1, 0, 0, 0));
	assert_int_equal(thai_from_local(2024, 3, 0, 0, 0, 0), thai_from_local(2024, 2, 29, 0, 0, 0));
	assert_int_equal(thai_from_local(2024, 0, 1, 0, 0, 0), thai_from_local(2023, 12, 1, 0, 0, 0));

	/* round trip across 1900..2100 */
	for (long long t = -2208988800LL; t < 4102444800LL; t += 86400 * 37 + 3607) {
		thai_local(t, &y, &mo, &d, &h, &mi, &s, NULL);
		assert_int_equal(thai_from_local(y, mo, d, h, mi, s), t);
	}
}

static void test_dates_ignore_tz(void **state)
{
	/* The server's TZ must not change what users see. */
	const char *old = getenv("TZ");
	char *saved = old ? xstrdup(old) : NULL;
	setenv("TZ", "America/New_York", 1);
	tzset();
	CHECK_BUF("25 มิ.ย. 2567, 13:11 น.", thai_datetime_short(out, 1719295860));
	assert_int_equal(thai_from_local(2024, 6, 25, 13, 11, 0), 1719295860);
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
}

static void test_parse_date(void **state)
{
	int y = 0, m = 0, d = 0;
	assert_int_equal(thai_parse_date("2024-06-25", &y, &m, &d), 0);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 6);
	assert_int_equal(d, 25);
	assert_int_equal(thai_parse_date("2024-02-29", &y, &m, &d), 0);
	assert_int_equal(thai_parse_date("2000-02-29", &y, &m, &d), 0);
	assert_int_equal(thai_parse_date("2024-12-31", &y, &m, &d), 0);
	assert_int_equal(thai_parse_date("0001-01-01", &y, &m, &d), 0);

	static const char *const bad[] = {
		"2023-02-29", "2100-02-29", "2024-13-01", "2024-00-10", "2024-04-31",
		"2024-01-00", "2024-01-32", "2024-1-1",   "2024-01-1",  "24-01-01",
		"2024-01-01x", "2024-01-01 ", " 2024-01-01", "2024/01/01", "2024-01-01T00:00",
		"+024-01-01", "2024--1-01", "0000-01-01", "", "abcd-ef-gh",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		y = m = d = -7;
		assert_int_equal(thai_parse_date(bad[i], &y, &m, &d), -1);
		assert_int_equal(y, -7); /* nothing written on failure */
	}
	assert_int_equal(thai_parse_date(NULL, &y, &m, &d), -1);
}

/* issue 10.8: what a person types into a date field */
static void expect_input(const char *s, int ey, int em, int ed)
{
	int y = 0, m = 0, d = 0;
	if (thai_date_input(s, &y, &m, &d) != 0)
		fail_msg("%s refused", s);
	if (y != ey || m != em || d != ed)
		fail_msg("%s → %d-%d-%d, want %d-%d-%d", s, y, m, d, ey, em, ed);
}

static void test_date_input(void **state)
{
	expect_input("25/06/2567", 2024, 6, 25);     /* BE, as the field asks */
	expect_input("5/6/2567", 2024, 6, 5);        /* one-digit day and month */
	expect_input(" 25-06-2567 ", 2024, 6, 25);
	expect_input("25.06.2567", 2024, 6, 25);     /* a phone's decimal keypad */
	expect_input("25 / 06 / 2567", 2024, 6, 25);
	expect_input("2024-06-25", 2024, 6, 25);     /* ISO, as the API and picker send */
	expect_input("2567-06-25", 2024, 6, 25);     /* ISO with a BE year: by size */
	expect_input("25/06/2024", 2024, 6, 25);     /* CE typed where BE is asked: by size */
	expect_input("25 มิถุนายน 2567", 2024, 6, 25);
	expect_input("25 มิ.ย. 2567", 2024, 6, 25);
	expect_input("25 มิ.ย 2567", 2024, 6, 25);
	expect_input("1 มี.ค. 2567", 2024, 3, 1);
	expect_input("1 มีนาคม พ.ศ. 2567", 2024, 3, 1);
	expect_input("29/02/2567", 2024, 2, 29);     /* 2024 is a leap year */
	expect_input("31/12/2443", 1900, 12, 31);
	static const char *const bad[] = {
		"29/02/2566", "31/04/2567", "32/01/2567", "00/01/2567", "01/13/2567", "25/06/67",
		"25/06-2567", "25062567", "2567", "", "25 มิถุน 2567", "25/06/2567x", "2024-6-25x",
		"๒๕/๐๖/๒๕๖๗", /* Thai digits are turned into ASCII by the form first */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int y = -7, m = -7, d = -7;
		if (thai_date_input(bad[i], &y, &m, &d) != THAI_DATE_BAD)
			fail_msg("%s not refused as bad", bad[i]);
		assert_int_equal(y, -7);
	}
	int y, m, d;
	/* far outside any form's years: a range error (the message names พ.ศ./ค.ศ.) */
	assert_int_equal(thai_date_input("25/06/3567", &y, &m, &d), THAI_DATE_RANGE);
	assert_int_equal(thai_date_input("25/06/1567", &y, &m, &d), THAI_DATE_RANGE);
	assert_int_equal(thai_date_input("25/06/2300", &y, &m, &d), THAI_DATE_RANGE);
	assert_int_equal(thai_date_input("0001-01-01", &y, &m, &d), THAI_DATE_RANGE);
	assert_int_equal(thai_date_input(NULL, &y, &m, &d), THAI_DATE_BAD);

	struct buf b = BUF_INIT;
	thai_date_field(&b, "2024-06-25");
	assert_string_equal(buf_cstr(&b), "25/06/2567");
	buf_reset(&b);
	thai_date_field(&b, "25/06/2567"); /* not ISO: as it is */
	assert_string_equal(buf_cstr(&b), "25/06/2567");
	buf_release(&b);
}

static void test_fiscal_year(void **state)
{
	/* 2024-09-30 23:59:59 Bangkok = 16:59:59 UTC */
	assert_int_equal(thai_fiscal_year(1727715599), 2567);
	/* 2024-10-01 00:00 Bangkok is still 30 Sep in UTC: already FY 2568 */
	assert_int_equal(thai_fiscal_year(1727715600), 2568);
	assert_int_equal(thai_fiscal_year(thai_from_local(2024, 1, 1, 0, 0, 0)), 2567);
	assert_int_equal(thai_fiscal_year(thai_from_local(2023, 10, 1, 0, 0, 0)), 2567);
	assert_int_equal(thai_fiscal_year(thai_from_local(2023, 9, 30, 23, 59, 59)), 2566);
	assert_int_equal(thai_fiscal_year(thai_from_local(2024, 12, 31, 23, 59, 59)), 2568);
}

static void test_academic_year(void **state)
{
	/* 2024-05-15 23:59:59 Bangkok = 16:59:59 UTC */
	assert_int_equal(thai_academic_year(1715792399), 2566);
	/* 2024-05-16 00:00 Bangkok, still the 15th in UTC */
	assert_int_equal(thai_academic_year(1715792400), 2567);
	assert_int_equal(thai_academic_year(thai_from_local(2024, 1, 10, 8, 0, 0)), 2566);
	assert_int_equal(thai_academic_year(thai_from_local(2024, 4, 30, 8, 0, 0)), 2566);
	assert_int_equal(thai_academic_year(thai_from_local(2024, 6, 1, 8, 0, 0)), 2567);
	assert_int_equal(thai_academic_year(thai_from_local(2024, 12, 31, 23, 59, 59)), 2567);
	assert_int_equal(thai_academic_year(thai_from_local(2025, 5, 15, 23, 59, 59)), 2567);
	assert_int_equal(thai_academic_year(thai_from_local(2025, 5, 16, 0, 0, 0)), 2568);
}

/* ---- money --------------------------------------------------------------- */

static void test_baht_words(void **state)
{
	static const struct {
		long long satang;
		const char *words;
	} cases[] = {
		{0, "ศูนย์บาทถ้วน"},
		{25, "ยี่สิบห้าสตางค์"},
		{1, "หนึ่งสตางค์"},
		{21, "ยี่สิบเอ็ดสตางค์"},
		{100, "หนึ่งบาทถ้วน"},
		{101, "หนึ่งบาทหนึ่งสตางค์"},
		{1000, "สิบบาทถ้วน"},
		{1100, "สิบเอ็ดบาทถ้วน"},
		{2000, "ยี่สิบบาทถ้วน"},
		{2100, "ยี่สิบเอ็ดบาทถ้วน"},
		{3100, "สามสิบเอ็ดบาทถ้วน"},
		{10000, "หนึ่งร้อยบาทถ้วน"},
		{10100, "หนึ่งร้อยเอ็ดบาทถ้วน"},
		{11000, "หนึ่งร้อยสิบบาทถ้วน"},
		{11100, "หนึ่งร้อยสิบเอ็ดบาทถ้วน"},
		{20100, "สองร้อยเอ็ดบาทถ้วน"},
		{18550, "หนึ่งร้อยแปดสิบห้าบาทห้าสิบสตางค์"},
		{100100, "หนึ่งพันเอ็ดบาทถ้วน"},
		{150000, "หนึ่งพันห้าร้อยบาทถ้วน"},
		{1234567, "หนึ่งหมื่นสองพันสามร้อยสี่สิบห้าบาทหกสิบเจ็ดสตางค์"},
		{50000000, "ห้าแสนบาทถ้วน"},
		{100000000, "หนึ่งล้านบาทถ้วน"},
		{100000100, "หนึ่งล้านเอ็ดบาทถ้วน"},
		{100001000, "หนึ่งล้านสิบบาทถ้วน"},
		{100100000, "หนึ่งล้านหนึ่งพันบาทถ้วน"},
		{1100000000, "สิบเอ็ดล้านบาทถ้วน"},
		{2100000000, "ยี่สิบเอ็ดล้านบาทถ้วน"},
		{10100000000LL, "หนึ่งร้อยเอ็ดล้านบาทถ้วน"},
		{99999999999LL, "เก้าร้อยเก้าสิบเก้าล้านเก้าแสนเก้าหมื่นเก้าพันเก้าร้อยเก้าสิบเก้าบาทเก้าสิบเก้าสตางค์"},
		{100000000000LL, "หนึ่งพันล้านบาทถ้วน"},
		{100000000000000LL, "หนึ่งล้านล้านบาทถ้วน"},
		{100000000000100LL, "หนึ่งล้านล้านเอ็ดบาทถ้วน"},
		{-150000, "ลบหนึ่งพันห้าร้อยบาทถ้วน"},
		{-25, "ลบยี่สิบห้าสตางค์"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		CHECK_BUF(cases[i].words, thai_baht_words(cases[i].satang, out));

	/* The extremes do not overflow; ล้าน repeats for each six digits. */
	CHECK_BUF("เก้าหมื่นสองพันสองร้อยสามสิบสามล้านเจ็ดแสนสองหมื่นสามร้อยหกสิบแปดล้าน"
		  "ห้าแสนสี่หมื่นเจ็ดพันเจ็ดร้อยห้าสิบแปดบาทเจ็ดสตางค์",
		  thai_baht_words(LLONG_MAX, out));
	CHECK_BUF("ลบเก้าหมื่นสองพันสองร้อยสามสิบสามล้านเจ็ดแสนสองหมื่นสามร้อยหกสิบแปดล้าน"
		  "ห้าแสนสี่หมื่นเจ็ดพันเจ็ดร้อยห้าสิบแปดบาทแปดสตางค์",
		  thai_baht_words(LLONG_MIN, out));
}

static void test_baht_words_appends(void **state)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "(");
	thai_baht_words(2100, &b);
	buf_adds(&b, ")");
	assert_string_equal(buf_cstr(&b), "(ยี่สิบเอ็ดบาทถ้วน)");
	buf_release(&b);
}

static void test_baht_format(void **state)
{
	CHECK_BUF("1,234.50", thai_baht_format(123450, out));
	CHECK_BUF("-1,234.50", thai_baht_format(-123450, out));
	CHECK_BUF("0.00", thai_baht_format(0, out));
	CHECK_BUF("0.05", thai_baht_format(5, out));
	CHECK_BUF("-0.05", thai_baht_format(-5, out));
	CHECK_BUF("999.99", thai_baht_format(99999, out));
	CHECK_BUF("1,000.00", thai_baht_format(100000, out));
	CHECK_BUF("185.50", thai_baht_format(18550, out));
	CHECK_BUF("1,000,000.00", thai_baht_format(100000000, out));
	CHECK_BUF("999,999,999.99", thai_baht_format(99999999999LL, out));
	CHECK_BUF("92,233,720,368,547,758.07", thai_baht_format(LLONG_MAX, out));
	CHECK_BUF("-92,233,720,368,547,758.08", thai_baht_format(LLONG_MIN, out));
}

/* ---- collation ----------------------------------------------------------- */

static int cmp_thai(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	return thai_collate(x, strlen(x), y, strlen(y));
}

static int coll(const char *a, const char *b)
{
	return thai_collate(a, strlen(a), b, strlen(b));
}

static void test_collate_leading_vowels(void **state)
{
	const char *words[] = {"ไก่", "กา", "ขา", "เก้า"};
	qsort(words, 4, sizeof *words, cmp_thai);
	assert_string_equal(words[0], "กา");
	assert_string_equal(words[1], "เก้า");
	assert_string_equal(words[2], "ไก่");
	assert_string_equal(words[3], "ขา");
	/* What libthai really gives for a longer list (checked against
	 * th_strcoll directly): leading vowels sort under their consonant,
	 * after the forms without one. */
	const char *more[] = {"ข", "แก", "โรงเรียน", "ก", "เก", "กก", "ใจ", "จาน", "ฮา", "อา"};
	const char *want[] = {"ก", "กก", "เก", "แก", "ข", "จาน", "ใจ", "โรงเรียน", "อา", "ฮา"};
	qsort(more, 10, sizeof *more, cmp_thai);
	for (int i = 0; i < 10; i++)
		assert_string_equal(more[i], want[i]);
	assert_true(coll("เก", "แก") < 0);
	assert_true(coll("ไก่", "ข") < 0);
	assert_true(coll("ขา", "เก้า") > 0);
}

static void test_collate_latin_and_ties(void **state)
{
	/* Latin before Thai, case only breaks ties, digits first */
	assert_true(coll("zz", "ก") < 0);
	assert_true(coll("123", "abc") < 0);
	assert_true(coll("abc", "ABC") != 0);
	assert_true(coll("ABC", "abd") < 0);
	assert_true(coll("Abd", "abc") > 0);
	/* equal only when identical; antisymmetric otherwise */
	assert_int_equal(coll("กา", "กา"), 0);
	assert_int_equal(coll("", ""), 0);
	assert_int_equal(thai_collate(NULL, 0, NULL, 0), 0);
	assert_true(coll("", "ก") < 0);
	assert_true(coll("กา", "กา ") < 0 && coll("กา ", "กา") > 0);
	/* embedded NUL counts as a difference */
	assert_true(thai_collate("a\0b", 3, "ab", 2) != 0);
	assert_int_equal(thai_collate("a\0b", 3, "ab", 2), -thai_collate("ab", 2, "a\0b", 3));
}

static void test_collate_non_thai(void **state)
{
	/* Outside ASCII and Thai: ignored by the Thai-aware pass, then code
	 * point order. */
	assert_true(coll("中", "文") < 0);        /* U+4E2D < U+6587 */
	assert_true(coll("é", "ê") < 0);
	assert_true(coll("กา", "กา中") < 0);
	assert_true(coll("中กา", "ขา") < 0);      /* sorts by its Thai part */
	assert_true(coll("ขา", "中กา") > 0);
	assert_int_equal(coll("中", "中"), 0);
	/* invalid UTF-8 does not crash and still orders totally */
	assert_true(coll("\xff", "\xfe") > 0);
	assert_true(coll("\xe0\xb8", "ก") < 0);
}

static void test_collate_long(void **state)
{
	/* Longer than the stack buffer: the heap path gives the same order. */
	struct buf a = BUF_INIT, b = BUF_INIT;
	for (int i = 0; i < 200; i++) {
		buf_adds(&a, "กา");
		buf_adds(&b, "กา");
	}
	buf_adds(&a, "เก้า");
	buf_adds(&b, "ขา");
	assert_true(thai_collate(a.data, a.len, b.data, b.len) < 0);
	assert_true(thai_collate(b.data, b.len, a.data, a.len) > 0);
	assert_int_equal(thai_collate(a.data, a.len, a.data, a.len), 0);
	buf_release(&a);
	buf_release(&b);
}

/* ---- search terms -------------------------------------------------------- */

static void test_search_terms(void **state)
{
	CHECK_BUF("โรงเรียน บ้าน หนอง บัว", thai_search_terms("โรงเรียนบ้านหนองบัว", out));
	CHECK_BUF("hello world 2567", thai_search_terms("Hello, WORLD!  2567", out));
	CHECK_BUF("โรงเรียน abc123 เขต 1", thai_search_terms("โรงเรียนABC123 (เขต ๑)", out));
	CHECK_BUF("ปี 2567", thai_search_terms("ปี๒๕๖๗", out));
	CHECK_BUF("กรุงเทพ", thai_search_terms("กรุงเทพฯ", out));
	CHECK_BUF("ครู นักเรียน", thai_search_terms("ครู\u200bนักเรียน", out));
	CHECK_BUF("josé", thai_search_terms("José", out));
	CHECK_BUF("ab cd", thai_search_terms("ab\xff" "cd", out));
	CHECK_BUF("a b", thai_search_terms("a\xe0\xb8" "b", out)); /* truncated Thai */
	CHECK_BUF("", thai_search_terms("", out));
	CHECK_BUF("", thai_search_terms("  ,.;-- \t\n", out));
	CHECK_BUF("", thai_search_terms(NULL, out));
	CHECK_BUF("ก", thai_search_terms("ก", out));
}

static void test_search_terms_append(void **state)
{
	/* Two calls on one buffer give one word list. */
	struct buf b = BUF_INIT;
	thai_search_terms("นาย บัว", &b);
	thai_search_terms("ใจดี", &b);
	thai_search_terms(" ", &b);
	thai_search_terms("Khet", &b);
	assert_string_equal(buf_cstr(&b), "นาย บัว ใจ ดี khet");
	buf_release(&b);
	/* "first last" in one call is the first name's words, then the last
	 * name's: what the census import's cache of words per name relies on */
	static const char *const names[][2] = {{"ก้องภพ", "ศรีสุข"}, {"พิมพ์ชนก, ณ", "บุญมา"}, {"Mary Jane", "ทองดี"},
					       {"", "ใจดี"},	      {"สมชาย", ""},	      {"ด.ช.", "O'Neil-๒"},
					       {"ab\xff", "cd"},	      {" ", "  นา "}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct buf one = BUF_INIT, two = BUF_INIT, both = BUF_INIT;
		buf_addf(&both, "%s %s", names[i][0], names[i][1]);
		thai_search_terms(buf_cstr(&both), &one);
		thai_search_terms(names[i][0], &two);
		thai_search_terms(names[i][1], &two);
		assert_string_equal(buf_cstr(&one), buf_cstr(&two));
		buf_release(&one);
		buf_release(&two);
		buf_release(&both);
	}
}

static void *search_worker(void *arg)
{
	for (int i = 0; i < 200; i++) {
		struct buf b = BUF_INIT;
		thai_search_terms("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา โรงเรียนบ้านหนองบัว", &b);
		if (strcmp(buf_cstr(&b), (const char *)arg) != 0) {
			buf_release(&b);
			return (void *)1;
		}
		buf_release(&b);
	}
	return NULL;
}

static void test_search_terms_threads(void **state)
{
	/* The shared breaker is made once and then used in parallel. */
	struct buf want = BUF_INIT;
	thai_search_terms("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา โรงเรียนบ้านหนองบัว", &want);
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, search_worker, want.data), 0);
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(th[i], &r);
		assert_null(r);
	}
	buf_release(&want);
}

/* ---- UTF-8 --------------------------------------------------------------- */

static bool valid(const char *s)
{
	return thai_utf8_valid(s, strlen(s));
}

static void test_utf8_valid(void **state)
{
	assert_true(valid("สวัสดีครับ"));
	assert_true(valid("plain ASCII"));
	assert_true(valid("tab\tcr\rlf\n"));
	assert_true(valid("\x7f"));                  /* DEL is not C0 */
	assert_true(valid("\xc2\x80"));              /* U+0080 */
	assert_true(valid("\xf0\x9f\x98\x80"));      /* emoji */
	assert_true(valid("\xf4\x8f\xbf\xbf"));      /* U+10FFFF */
	assert_true(valid("\xed\x9f\xbf"));          /* U+D7FF */
	assert_true(valid("\xee\x80\x80"));          /* U+E000 */
	assert_true(thai_utf8_valid("", 0));
	assert_true(thai_utf8_valid(NULL, 0));

	assert_false(valid("\xc0\xaf"));             /* overlong '/' */
	assert_false(valid("\xc1\xbf"));
	assert_false(valid("\xe0\x80\xaf"));
	assert_false(valid("\xe0\x9f\xbf"));         /* overlong U+07FF */
	assert_false(valid("\xf0\x80\x80\xaf"));
	assert_false(valid("\xf0\x8f\xbf\xbf"));     /* overlong U+FFFF */
	assert_false(valid("\xed\xa0\x80"));         /* surrogate U+D800 */
	assert_false(valid("\xed\xbf\xbf"));         /* surrogate U+DFFF */
	assert_false(valid("\xf4\x90\x80\x80"));     /* U+110000 */
	assert_false(valid("\xf5\x80\x80\x80"));
	assert_false(valid("\xff"));
	assert_false(valid("\x80"));                 /* stray continuation */
	assert_false(valid("\xe0\xb8"));             /* ก cut short */
	assert_false(valid("ก\xe0\xb8"));
	assert_false(valid("\xe0\xb8x"));
	assert_false(valid("\x01"));
	assert_false(valid("esc\x1b[0m"));
	assert_false(thai_utf8_valid("a\0b", 3));
	/* the length, not a NUL, ends the check */
	assert_true(thai_utf8_valid("ก\xff", 3));
	assert_false(thai_utf8_valid("ก\xff", 4));
	assert_false(thai_utf8_valid("ก", 2));
}

/* An error message longer than its buffer is cut between Thai letters,
 * never inside one, so it stays valid UTF-8 (and shows). */
static void test_err_cut_on_letter(void **state)
{
	(void)state;
	char name[1600];
	unit_repeat(name, sizeof name, "ก", 500); /* 1,500 bytes: more than the message holds */
	for (int pad = 0; pad < 3; pad++) {
		struct err e = ERR_INIT;
		err_set(&e, 409, "%.*sชื่อ %s", pad, "xx", name);
		size_t n = strlen(e.msg);
		assert_true(n >= sizeof e.msg - 4 && n < sizeof e.msg);
		assert_true(thai_utf8_valid(e.msg, n));
		err_field(&e, "name", "%.*s%s", pad, "xx", name);
		assert_true(thai_utf8_valid(e.msg, strlen(e.msg)));
		assert_string_equal(e.field, "name");
	}
	struct err ok = ERR_INIT;
	err_set(&ok, 400, "สั้น %d", 5);
	assert_string_equal(ok.msg, "สั้น 5");
}

/* Names cut to fit end on a word: a space when it keeps half the room,
 * else a th_brk break, never inside a Thai word. */
static void test_cut_words(void **state)
{
	(void)state;
	const char *t = "สรุปผลการรายงานตัวชี้วัด ปีงบประมาณ 2566";
	assert_int_equal(thai_cut_words(t, 31), strlen("สรุปผลการรายงานตัวชี้วัด"));
	assert_int_equal(thai_cut_words(t, 100), strlen(t));
	/* no space in reach: a dictionary break ("สรุปผล|การ|รายงาน…") */
	size_t n = thai_cut_words("สรุปผลการรายงานตัวชี้วัด", 12);
	char cut[128];
	memcpy(cut, "สรุปผลการรายงานตัวชี้วัด", n);
	cut[n] = 0;
	assert_true(!strcmp(cut, "สรุปผลการ") || !strcmp(cut, "สรุปผล"));
	/* one word longer than the room: a plain cut */
	assert_int_equal(thai_cut_words("abcdefghijklmnop", 5), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_words),
	    cmocka_unit_test(test_citizen_id_valid),
		cmocka_unit_test(test_citizen_id_invalid),
		cmocka_unit_test(test_citizen_id_office),
		cmocka_unit_test(test_text_invisible_emoji_digits),
		cmocka_unit_test(test_citizen_id_messages),
		cmocka_unit_test(test_citizen_id_normalize),
		cmocka_unit_test(test_citizen_id_mask),
		cmocka_unit_test(test_month_names),
		cmocka_unit_test(test_date_formats),
		cmocka_unit_test(test_date_crosses_midnight),
		cmocka_unit_test(test_local_fields),
		cmocka_unit_test(test_dates_ignore_tz),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_date_input),
		cmocka_unit_test(test_fiscal_year),
		cmocka_unit_test(test_academic_year),
		cmocka_unit_test(test_baht_words),
		cmocka_unit_test(test_baht_words_appends),
		cmocka_unit_test(test_baht_format),
		cmocka_unit_test(test_collate_leading_vowels),
		cmocka_unit_test(test_collate_latin_and_ties),
		cmocka_unit_test(test_collate_non_thai),
		cmocka_unit_test(test_collate_long),
		cmocka_unit_test(test_search_terms),
		cmocka_unit_test(test_search_terms_append),
		cmocka_unit_test(test_search_terms_threads),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_err_cut_on_letter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
