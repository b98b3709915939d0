/* test_cal: the area's data calendar (X-7, src/cal/). First the pure parts:
 * iCalendar content lines (RFC 5545: CRLF, folding at 75 octets never
 * inside a UTF-8 sequence, TEXT escaping of backslash ; , and line
 * breaks, control characters dropped), the times written (Bangkok local
 * with TZID, UTC DTSTAMP), a whole calendar's structure, the deadline
 * times of the modules' hook (core/module.h) both ways, and which
 * reminder a school that owes a deadline gets when (a week, a day). Then
 * on a fresh database (SQLite, and PostgreSQL with KHET_TEST_PG): the
 * calendar of an area costs one statement per module whatever the number
 * of its schools (no N+1), and the reminder pass selects the right schools
 * and kinds, mails the school's right roles only, and sends each once. */
#define SCHEMA "khet_unit_cal"
#include "engine.h"

#include <stdio.h>
#include <string.h>

#include "cal/cal_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/db_internal.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"
#include "org/org.h"

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

/* ---- on a database ---------------------------------------------------------- */

/* Statements counted by swapping the connection's engine table (as
 * test_kpi does): every db call dispatches through it. */
static const struct db_engine *real_engine;
static struct db_engine counting_engine;
static long long statements, window_reads;

static int counting_query(struct db *db, const char *sql, const struct db_val *p, int n, int keep, struct db_res **out,
			  struct err *e)
{
	statements++;
	if (strstr(sql, "FROM bld_windows") || strstr(sql, "FROM bld_area_windows"))
		window_reads++;
	return real_engine->query(db, sql, p, n, keep, out, e);
}

static long long counting_exec(struct db *db, const char *sql, const struct db_val *p, int n, struct err *e)
{
	statements++;
	return real_engine->exec(db, sql, p, n, e);
}

static void count_start(struct db *db)
{
	real_engine = db->eng;
	counting_engine = *db->eng;
	counting_engine.query = counting_query;
	counting_engine.exec = counting_exec;
	db->eng = &counting_engine;
	statements = 0;
	window_reads = 0;
}

static long long count_stop(struct db *db)
{
	db->eng = real_engine;
	return statements;
}

struct fx {
	struct db *db;
	long long area, school1, school2, round_close;
	int year;
};
static struct fx sqlite_fx, pg_fx;

static struct fx *FX(void **state)
{
	return ((struct engine *)*state)->data;
}

static long long user_with(struct db *db, const char *name, const char *cid, const char *role, long long area,
			   long long school, struct err *e)
{
	char mail[64];
	long long id = 0;
	snprintf(mail, sizeof mail, "%s@example.com", name);
	if (db_int_value(db,
			 "INSERT INTO users (citizen_id, email, username, title, first_name, last_name, created_at, "
			 "updated_at) VALUES ($1, $2, $3, 'นาย', $3, 'ทดสอบ', 1, 1) RETURNING id",
			 DB_ARGS(DB_TEXT(cid), DB_TEXT(mail), DB_TEXT(name)), &id, e) < 0 ||
	    db_exec(db, "INSERT INTO grants (user_id, role, area_id, school_id, granted_at) VALUES ($1, $2, $3, $4, 1)",
		    DB_ARGS(DB_INT(id), DB_TEXT(role), DB_INT(area), DB_INT(school)), e) < 0)
		return -1;
	return id;
}

/* Two areas of 3 schools, the census rounds of academic year 2569, and at
 * the first two schools: a school admin each, a teacher at the first (not
 * reminded) and a director at the second. */
static int seed(struct engine *en, struct err *e)
{
	struct fx *f = en->kind == DB_SQLITE ? &sqlite_fx : &pg_fx;
	en->data = f;
	f->db = en->db;
	f->year = 2569;
	if (org_demo(f->db, 3, e) < 0 || dmc_rounds_ensure(f->db, f->year, e) < 0)
		return -1;
	json_t *areas = org_areas_list(f->db, e);
	if (!areas)
		return -1;
	f->area = jint(json_array_get(areas, 0), "id");
	json_decref(areas);
	json_t *page = org_schools_page(f->db, f->area, "", 1, 10, e);
	if (!page)
		return -1;
	f->school1 = jint(json_array_get(json_object_get(page, "rows"), 0), "id");
	f->school2 = jint(json_array_get(json_object_get(page, "rows"), 1), "id");
	json_decref(page);
	if (user_with(f->db, "admin1", "1100100000018", "school_admin", f->area, f->school1, e) < 0 ||
	    user_with(f->db, "teacher1", "1100100000026", "teacher", f->area, f->school1, e) < 0 ||
	    user_with(f->db, "admin2", "1100100000034", "school_admin", f->area, f->school2, e) < 0 ||
	    user_with(f->db, "director2", "1100100000042", "director", f->area, f->school2, e) < 0)
		return -1;
	return db_int_value(f->db, "SELECT close_at FROM dmc_rounds WHERE academic_year = $1 AND round_no = 3",
			    DB_ARGS(DB_INT(f->year)), &f->round_close, e) < 0
		   ? -1
		   : 0;
}

static json_t *find_key(json_t *dls, const char *key)
{
	size_t i;
	json_t *d;
	json_array_foreach(dls, i, d) if (!strcmp(jstr(d, "key"), key)) return d;
	return NULL;
}

static void test_db_one_statement_per_module(void **state)
{
	struct fx *f = FX(state);
	struct err e = ERR_INIT;
	long long now = f->round_close - 10 * 86400;
	count_start(f->db);
	json_t *dls = cal_deadlines(f->db, f->area, 0, now, 365, 400, &e);
	long long small = count_stop(f->db);
	assert_non_null(dls);
	/* the census round, with the area's 3 schools owing it */
	json_t *d = find_key(dls, "dmc.2569.3.confirm");
	assert_non_null(d);
	assert_int_equal(json_array_size(json_object_get(d, "owing")), 3);
	assert_int_equal(jint(d, "due_at"), f->round_close);
	assert_string_equal(jstr(d, "remind"), "school_admin dmc_officer director dmc_certifier");
	/* in due order */
	for (size_t i = 1; i < json_array_size(dls); i++)
		assert_true(jint(json_array_get(dls, i - 1), "due_at") <= jint(json_array_get(dls, i), "due_at"));
	json_decref(dls);
	/* at least one statement per module with deadlines (census, KPI,
	 * roster, buildings …: the buildings' windows are read per year of
	 * the span), never one per school: see below */
	long long hooks = 0;
	for (int i = 0; khet_modules[i]; i++)
		hooks += khet_modules[i]->deadlines != NULL;
	assert_true(hooks >= 4);
	assert_true(small >= hooks && small <= 4 * hooks);
	/* twenty more schools: the same statements */
	for (int i = 0; i < 20; i++) {
		char obec[16], smis[16], name[64];
		snprintf(obec, sizeof obec, "99%08d", i);
		snprintf(smis, sizeof smis, "98%06d", i);
		snprintf(name, sizeof name, "โรงเรียนเพิ่ม %d", i);
		assert_true(org_school_add(f->db, f->area, obec, smis, name, "", "", &e) > 0);
	}
	count_start(f->db);
	dls = cal_deadlines(f->db, f->area, 0, now, 365, 400, &e);
	assert_int_equal(count_stop(f->db), small);
	assert_int_equal(json_array_size(json_object_get(find_key(dls, "dmc.2569.3.confirm"), "owing")), 23);
	json_decref(dls);
	/* one school: only it */
	dls = cal_deadlines(f->db, f->area, f->school2, now, 365, 400, &e);
	json_t *owing = json_object_get(find_key(dls, "dmc.2569.3.confirm"), "owing");
	assert_int_equal(json_array_size(owing), 1);
	assert_int_equal(jint(json_array_get(owing, 0), "school_id"), f->school2);
	assert_string_equal(jstr(json_array_get(owing, 0), "detail"), "ยังไม่ยืนยันข้อมูล");
	json_decref(dls);
}

static long long count_of(struct db *db, const char *sql, long long a)
{
	struct err e = ERR_INIT;
	long long n = -1;
	assert_true(db_int_value(db, sql, DB_ARGS(DB_INT(a)), &n, &e) >= 0);
	return n;
}

static void test_db_reminders_once(void **state)
{
	struct fx *f = FX(state);
	struct err e = ERR_INIT;
	const char *mails = "SELECT COUNT(*) FROM outbox WHERE subject LIKE '%รอบที่ 3%' AND to_addr = $1";
	/* the second school has certified the round: it owes nothing */
	assert_true(
	    db_exec(f->db,
		    "INSERT INTO dmc_round_schools (round_id, school_id, confirmed_at, certified_at) SELECT id, $1, "
		    "1, 1 FROM dmc_rounds WHERE academic_year = 2569 AND round_no = 3",
		    DB_ARGS(DB_INT(f->school2)), &e) == 1);
	/* eight days before: none */
	assert_true(cal_remind_run(f->db, f->round_close - 8 * 86400 - 3600, &e) >= 0);
	assert_int_equal(count_of(f->db, "SELECT COUNT(*) FROM cal_reminders WHERE school_id > $1", 0), 0);
	/* six days before: the week reminder, to the first school's admin only
	 * (its teacher is no role the census reminds) */
	assert_true(cal_remind_run(f->db, f->round_close - 6 * 86400, &e) >= 1);
	assert_int_equal(count_of(f->db,
				  "SELECT COUNT(*) FROM cal_reminders WHERE deadline_key = 'dmc.2569.3.confirm' AND "
				  "kind = 7 AND school_id = $1",
				  f->school1),
			 1);
	assert_int_equal(count_of(f->db, "SELECT COUNT(*) FROM cal_reminders WHERE school_id = $1", f->school2), 0);
	struct err qe = ERR_INIT;
	long long n = 0;
	assert_true(db_int_value(f->db, mails, DB_ARGS(DB_TEXT("admin1@example.com")), &n, &qe) >= 0);
	assert_int_equal(n, 1);
	assert_true(db_int_value(f->db, mails, DB_ARGS(DB_TEXT("teacher1@example.com")), &n, &qe) >= 0);
	assert_int_equal(n, 0);
	assert_true(db_int_value(f->db, mails, DB_ARGS(DB_TEXT("admin2@example.com")), &n, &qe) >= 0);
	assert_int_equal(n, 0);
	/* again, and later in the week: nothing new for the round */
	assert_true(cal_remind_run(f->db, f->round_close - 6 * 86400 + 60, &e) >= 0);
	assert_true(cal_remind_run(f->db, f->round_close - 2 * 86400 - 3600, &e) >= 0);
	assert_true(db_int_value(f->db, mails, DB_ARGS(DB_TEXT("admin1@example.com")), &n, &qe) >= 0);
	assert_int_equal(n, 1);
	/* the day before: the last one, once */
	assert_true(cal_remind_run(f->db, f->round_close - 86400 + 60, &e) >= 1);
	assert_true(cal_remind_run(f->db, f->round_close - 60, &e) >= 0);
	assert_true(db_int_value(f->db, mails, DB_ARGS(DB_TEXT("admin1@example.com")), &n, &qe) >= 0);
	assert_int_equal(n, 2);
	assert_int_equal(count_of(f->db,
				  "SELECT COUNT(*) FROM cal_reminders WHERE deadline_key = 'dmc.2569.3.confirm' AND "
				  "school_id = $1",
				  f->school1),
			 2);
	/* a moved deadline (the area extends the window) is reminded again */
	assert_true(
	    db_exec(f->db,
		    "INSERT INTO dmc_round_areas (round_id, area_id, close_at, updated_at) SELECT id, $1, close_at + "
		    "3600, 1 FROM dmc_rounds WHERE academic_year = 2569 AND round_no = 3",
		    DB_ARGS(DB_INT(f->area)), &e) == 1);
	assert_true(cal_remind_run(f->db, f->round_close - 30, &e) >= 1);
	assert_true(db_int_value(f->db, mails, DB_ARGS(DB_TEXT("admin1@example.com")), &n, &qe) >= 0);
	assert_int_equal(n, 3);
}

/* The reminders job reads the buildings' windows (OBEC's and every
 * area's extensions) once for the pass, not once an area (found in
 * review): two statements whatever the number of areas. */
static void test_db_remind_windows_once(void **state)
{
	struct fx *f = FX(state);
	struct err e = ERR_INIT;
	long long areas = 0;
	assert_int_equal(db_int_value(f->db, "SELECT COUNT(*) FROM areas", NULL, 0, &areas, &e), 1);
	assert_true(areas >= 2);
	count_start(f->db);
	assert_true(cal_remind_run(f->db, f->round_close - 20 * 86400, &e) >= 0);
	count_stop(f->db);
	assert_int_equal(window_reads, 2);
	/* a page (one area, no pass) reads them itself: two statements too */
	count_start(f->db);
	json_t *dls = cal_deadlines(f->db, f->area, 0, f->round_close, 365, 400, &e);
	count_stop(f->db);
	assert_non_null(dls);
	json_decref(dls);
	assert_int_equal(window_reads, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ics_line_short), cmocka_unit_test(test_ics_escape),
	    cmocka_unit_test(test_ics_fold_thai),  cmocka_unit_test(test_ics_fold_ascii_exact),
	    cmocka_unit_test(test_ics_times),	   cmocka_unit_test(test_deadline_time),
	    cmocka_unit_test(test_ics_calendar),   cmocka_unit_test(test_reminder_kind),
	};
	const struct CMUnitTest db_tests[] = {
	    cmocka_unit_test(test_db_one_statement_per_module),
	    cmocka_unit_test(test_db_reminders_once),
	    cmocka_unit_test(test_db_remind_windows_once),
	};
	engine_after_migrate = seed;
	return cmocka_run_group_tests(tests, NULL, NULL) + run_engine_groups("cal_db", db_tests);
}
