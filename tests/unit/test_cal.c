/* test_cal: the pure parts of the area's data calendar (X-7, src/cal/):
 * iCalendar content lines (RFC 5545: CRLF, folding at 75 octets never
 * inside a UTF-8 sequence, TEXT escaping of backslash ; , and line
 * breaks, control characters dropped), the times written (Bangkok local
 * with TZID, UTC DTSTAMP), a whole calendar's structure, the deadline
 * times of the modules' hook (core/module.h) both ways, and which
 * reminder a school that owes a deadline gets when (a week, a day). */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "cal/cal_internal.h"
#include "core/buf.h"
#include "core/thai.h"

/* Every line of out ends in CRLF, is at most 75 octets, and a
 * continuation starts with one space; the unfolded text is returned. */
static void check_folded(const char *out, struct buf *unfolded)
{
	const char *p = out;
	bool first = true;
	while (*p) {
		const char *crlf = strstr(p, "\r\n");
		assert_non_null(crlf);
		size_t len = (size_t)(crlf - p);
		assert_true(len <= 75);
		assert_null(memchr(p, '\n', len));
		if (!first) {
			assert_int_equal(p[0], ' ');
			/* the continuation does not start inside a UTF-8 sequence */
			assert_false(((unsigned char)p[1] & 0xC0) == 0x80);
			buf_add(unfolded, p + 1, len - 1);
		} else {
			buf_add(unfolded, p, len);
		}
		/* the line does not end inside a UTF-8 sequence */
		if (len) {
			size_t k = len;
			while (k > 0 && ((unsigned char)p[k - 1] & 0xC0) == 0x80)
				k--;
			unsigned char lead = k ? (unsigned char)p[k - 1] : 0;
			size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
			assert_int_equal(len - (k - 1), want);
		}
		first = false;
		p = crlf + 2;
		if (*p != ' ')
			first = true;
	}
}

static void test_ics_line_short(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	ics_line(&b, "SUMMARY", "ส่งข้อมูล", true);
	assert_string_equal(buf_cstr(&b), "SUMMARY:ส่งข้อมูล\r\n");
	buf_release(&b);
}

static void test_ics_escape(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	ics_line(&b, "DESCRIPTION", "a,b;c\\d\nบรรทัดสอง\r\nสาม\x01\x7f", true);
	assert_string_equal(buf_cstr(&b), "DESCRIPTION:a\\,b\\;c\\\\d\\nบรรทัดสอง\\nสาม\r\n");
	buf_release(&b);
	/* a URI or a date is not TEXT: written as it is */
	ics_line(&b, "URL", "https://x.go.th/a,b;c", false);
	assert_string_equal(buf_cstr(&b), "URL:https://x.go.th/a,b;c\r\n");
	buf_release(&b);
}

static void test_ics_fold_thai(void **state)
{
	(void)state;
	/* Thai is three octets a character: at every possible start offset
	 * (the name's length moves it) a fold must fall between characters */
	for (int pad = 0; pad < 6; pad++) {
		char name[32];
		snprintf(name, sizeof name, "X-%.*s", pad, "AAAAAA");
		const char *text = "ปฏิทินการจัดทำข้อมูลสารสนเทศทางการศึกษา ปีการศึกษา 2569, รอบที่ 1; ยืนยันข้อมูล";
		struct buf b = BUF_INIT, u = BUF_INIT, want = BUF_INIT;
		ics_line(&b, name, text, true);
		assert_true(strlen(buf_cstr(&b)) > 150); /* folded at least twice */
		check_folded(buf_cstr(&b), &u);
		buf_addf(&want, "%s:ปฏิทินการจัดทำข้อมูลสารสนเทศทางการศึกษา ปีการศึกษา 2569\\, รอบที่ 1\\; ยืนยันข้อมูล", name);
		assert_string_equal(buf_cstr(&u), buf_cstr(&want));
		buf_release(&b);
		buf_release(&u);
		buf_release(&want);
	}
}

static void test_ics_fold_ascii_exact(void **state)
{
	(void)state;
	char v[200];
	unit_repeat(v, sizeof v, "0123456789", 15);
	struct buf b = BUF_INIT, u = BUF_INIT;
	ics_line(&b, "DESCRIPTION", v, true);
	/* 12 octets of name and colon + 63 = 75, then 74 a continuation */
	const char *s = buf_cstr(&b);
	assert_memory_equal(s + 75, "\r\n ", 3);
	assert_memory_equal(s + 75 + 3 + 74, "\r\n ", 3);
	check_folded(s, &u);
	assert_string_equal(buf_cstr(&u) + 12, v);
	buf_release(&b);
	buf_release(&u);
	/* an escape is never cut: "\," stays on one line */
	char commas[200];
	unit_repeat(commas, sizeof commas, ",", 100);
	ics_line(&b, "SUMMARY", commas, true);
	for (const char *p = buf_cstr(&b); (p = strstr(p, "\r\n ")); p += 3)
		assert_int_not_equal(p[-1], '\\');
	buf_release(&b);
}

static void test_ics_times(void **state)
{
	(void)state;
	char out[17];
	long long t = thai_from_local(2027, 4, 30, 16, 30, 0);
	ics_local(t, out);
	assert_string_equal(out, "20270430T163000");
	ics_utc(t, out);
	assert_string_equal(out, "20270430T093000Z");
	/* just after midnight in Bangkok is the day before in UTC */
	ics_utc(thai_from_local(2027, 1, 1, 0, 30, 0), out);
	assert_string_equal(out, "20261231T173000Z");
}

static void test_deadline_time(void **state)
{
	(void)state;
	char s[32];
	long long t = thai_from_local(2027, 6, 10, 16, 30, 0);
	deadline_time(t, s);
	assert_string_equal(s, "2027-06-10T16:30:00+07:00");
	assert_int_equal(deadline_time_parse(s), t);
	assert_int_equal(deadline_time_parse("2027-06-10T09:30:00Z"), t);
	assert_int_equal(deadline_time_parse("2027-06-10T11:30:00+02:00"), t);
	assert_int_equal(deadline_time_parse("2027-06-10T04:30:00-05:00"), t);
	assert_int_equal(deadline_time_parse("2027-02-30T16:30:00+07:00"), -1);
	assert_int_equal(deadline_time_parse("2027-06-10 16:30:00+07:00"), -1);
	assert_int_equal(deadline_time_parse("2027-06-10T16:30:00"), -1);
	assert_int_equal(deadline_time_parse("2027-06-10T25:30:00+07:00"), -1);
	assert_int_equal(deadline_time_parse(""), -1);
	assert_int_equal(deadline_time_parse(NULL), -1);
}

static void test_ics_calendar(void **state)
{
	(void)state;
	long long due = thai_from_local(2027, 4, 30, 16, 30, 0);
	json_t *dls =
	    json_pack("[{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:[{s:s, s:s}]}]", "key", "dmc.2569.3.confirm",
		      "title", "ข้อมูลนักเรียน รอบที่ 3, สิ้นปี; ทดสอบ", "href", "/dmc", "note", "ยืนยัน 08.30–16.30 น.", "due_at",
		      (json_int_t)due, "due_text", "30 เม.ย. 2570, 16:30 น.", "opens_text", "1 มี.ค. 2570, 00:00 น.",
		      "remind", "school_admin", "owing", "name", "โรงเรียนบ้านทดสอบ", "detail", "ยังไม่ยืนยันข้อมูล");
	struct buf b = BUF_INIT, u = BUF_INIT;
	ics_calendar(&b, "ปฏิทินการจัดทำข้อมูล สพป.ยโสธร เขต 2", "a1", "khet.example.go.th", "https://khet.example.go.th",
		     dls, false, thai_from_local(2026, 12, 7, 10, 0, 0));
	const char *s = buf_cstr(&b);
	check_folded(s, &u);
	const char *want[] = {"BEGIN:VCALENDAR",
			      "VERSION:2.0",
			      "PRODID:-//Khet//Data calendar//TH",
			      "BEGIN:VTIMEZONE",
			      "TZID:Asia/Bangkok",
			      "TZOFFSETTO:+0700",
			      "END:VTIMEZONE",
			      "BEGIN:VEVENT",
			      "UID:dmc.2569.3.confirm.a1@khet.example.go.th",
			      "DTSTAMP:20261207T030000Z",
			      "DTSTART;TZID=Asia/Bangkok:20270430T160000",
			      "DTEND;TZID=Asia/Bangkok:20270430T163000",
			      "SUMMARY:ครบกำหนด: ข้อมูลนักเรียน รอบที่ 3\\, สิ้นปี\\; ทดสอบ (ค้าง 1 โรงเรียน)",
			      "DESCRIPTION:ยืนยัน 08.30–16.30 น.\\nเริ่ม 1 มี.ค. 2570\\, 00:00 น.\\nครบกำหนด 30 เม.ย. "
			      "2570\\, 16:30 น.\\nโรงเรียนที่ยังค้าง 1 แห่ง:\\n- "
			      "โรงเรียนบ้านทดสอบ (ยังไม่ยืนยันข้อมูล)\\nhttps://khet.example.go.th/dmc",
			      "URL:https://khet.example.go.th/dmc",
			      "END:VEVENT",
			      "END:VCALENDAR",
			      NULL};
	/* each expected line, unfolded, in order */
	struct buf lines = BUF_INIT;
	const char *p = s;
	while (*p) {
		const char *e = strstr(p, "\r\n");
		buf_add(&lines, p, (size_t)(e - p));
		p = e + 2;
		if (*p != ' ')
			buf_addc(&lines, '\n');
		else
			p++;
	}
	const char *at = buf_cstr(&lines);
	for (int i = 0; want[i]; i++) {
		struct buf w = BUF_INIT;
		buf_addf(&w, "%s\n", want[i]);
		const char *f = strstr(at, buf_cstr(&w));
		if (!f)
			fail_msg("missing line %s in\n%s", want[i], buf_cstr(&lines));
		at = f + strlen(buf_cstr(&w));
		buf_release(&w);
	}
	assert_int_equal(s[strlen(s) - 1], '\n');
	assert_int_equal(s[strlen(s) - 2], '\r');
	buf_release(&lines);
	buf_release(&b);
	buf_release(&u);
	json_decref(dls);
}

static void test_reminder_kind(void **state)
{
	(void)state;
	long long due = thai_from_local(2027, 4, 30, 16, 30, 0);
	/* more than a week: none */
	assert_int_equal(cal_reminder_kind(thai_from_local(2027, 4, 22, 23, 59, 0), due), 0);
	/* the day a week before, from its first minute: the week reminder */
	assert_int_equal(cal_reminder_kind(thai_from_local(2027, 4, 23, 0, 0, 0), due), 7);
	assert_int_equal(cal_reminder_kind(thai_from_local(2027, 4, 25, 12, 0, 0), due), 7);
	assert_int_equal(cal_reminder_kind(thai_from_local(2027, 4, 28, 23, 59, 59), due), 7);
	/* the day before and the day itself until due: the last one */
	assert_int_equal(cal_reminder_kind(thai_from_local(2027, 4, 29, 0, 0, 0), due), 1);
	assert_int_equal(cal_reminder_kind(thai_from_local(2027, 4, 30, 16, 30, 0), due), 1);
	/* past: none */
	assert_int_equal(cal_reminder_kind(thai_from_local(2027, 4, 30, 16, 30, 1), due), 0);
	assert_int_equal(cal_reminder_kind(thai_from_local(2027, 5, 2, 9, 0, 0), due), 0);
	/* days are Bangkok days: 23:30 UTC is already the next day in Bangkok */
	long long due2 = thai_from_local(2027, 5, 8, 9, 0, 0);
	assert_int_equal(cal_reminder_kind(thai_from_local(2027, 5, 1, 6, 30, 0), due2), 7);
	assert_int_equal(cal_reminder_kind(thai_from_local(2027, 4, 30, 23, 59, 0), due2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ics_line_short), cmocka_unit_test(test_ics_escape),
	    cmocka_unit_test(test_ics_fold_thai),  cmocka_unit_test(test_ics_fold_ascii_exact),
	    cmocka_unit_test(test_ics_times),	   cmocka_unit_test(test_deadline_time),
	    cmocka_unit_test(test_ics_calendar),   cmocka_unit_test(test_reminder_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
