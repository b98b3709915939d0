/* test_dmc: the census rules as plain functions — the confirm window of a
 * round day at its edges (08:29:59 refused, 08:30:00 in, 16:30:59 in as the
 * closing minute, 16:31:00 out) and the Thai sentence saying when it
 * opens, the round days of an academic year, identity codes and their
 * masking, weights and heights typed with a decimal, birth dates against a
 * grade's age limit, the year-end promotion — and then the storage on a
 * fresh SQLite file (and on PostgreSQL when KHET_TEST_PG names a server):
 * the database itself refuses a second active record of one citizen ID,
 * adding refuses duplicates, moving in keeps the one record and its
 * history, counts by grade × sex follow every change, and a certified
 * snapshot does not move when the data does. */
#define SCHEMA "khet_unit_dmc"
#include "engine.h"

#include <string.h>

#include "core/alloc.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "dmc/dmc.h"
#include "dmc/dmc_internal.h"
#include "org/org.h"

static long long bkk(int y, int mo, int d, int h, int mi, int s)
{
	return thai_from_local(y, mo, d, h, mi, s);
}

/* ---- pure rules ------------------------------------------------------------------ */

static void test_window_edges(void **state)
{
	(void)state;
	long long open = bkk(2026, 6, 10, 8, 30, 0), close = bkk(2026, 6, 10, 16, 30, 0);
	assert_int_equal(dmc_window_state(open, close, bkk(2026, 6, 10, 8, 29, 0)), DMC_WINDOW_BEFORE);
	assert_int_equal(dmc_window_state(open, close, bkk(2026, 6, 10, 8, 29, 59)), DMC_WINDOW_BEFORE);
	assert_int_equal(dmc_window_state(open, close, bkk(2026, 6, 10, 8, 30, 0)), DMC_WINDOW_OPEN);
	assert_int_equal(dmc_window_state(open, close, bkk(2026, 6, 10, 12, 0, 0)), DMC_WINDOW_OPEN);
	assert_int_equal(dmc_window_state(open, close, bkk(2026, 6, 10, 16, 30, 0)), DMC_WINDOW_OPEN);
	assert_int_equal(dmc_window_state(open, close, bkk(2026, 6, 10, 16, 30, 59)), DMC_WINDOW_OPEN);
	assert_int_equal(dmc_window_state(open, close, bkk(2026, 6, 10, 16, 31, 0)), DMC_WINDOW_CLOSED);
	assert_int_equal(dmc_window_state(open, close, bkk(2026, 6, 9, 16, 0, 0)), DMC_WINDOW_BEFORE);
	assert_int_equal(dmc_window_state(open, close, bkk(2026, 6, 11, 8, 30, 0)), DMC_WINDOW_CLOSED);
}

static void test_window_message(void **state)
{
	(void)state;
	long long open = bkk(2026, 6, 10, 8, 30, 0), close = bkk(2026, 6, 10, 16, 30, 0);
	struct buf b = BUF_INIT;
	dmc_window_message(DMC_WINDOW_BEFORE, open, close, &b);
	assert_non_null(strstr(buf_cstr(&b), "10 มิ.ย. 2569"));
	assert_non_null(strstr(buf_cstr(&b), "08:30–16:30 น."));
	assert_non_null(strstr(buf_cstr(&b), "ยังไม่ถึงเวลา"));
	buf_reset(&b);
	dmc_window_message(DMC_WINDOW_CLOSED, open, close, &b);
	assert_non_null(strstr(buf_cstr(&b), "หมดเวลา"));
	buf_release(&b);
}

static void test_round_times(void **state)
{
	(void)state;
	assert_int_equal(dmc_parse_hhmm("08:30"), 510);
	assert_int_equal(dmc_parse_hhmm("16:30"), 990);
	assert_int_equal(dmc_parse_hhmm("24:00"), -1);
	assert_int_equal(dmc_parse_hhmm("8:30"), -1);
	long long open, close, entry;
	dmc_round_times(2027, 4, 30, 510, 990, 2027, 3, 1, &open, &close, &entry);
	assert_int_equal(open, bkk(2027, 4, 30, 8, 30, 0));
	assert_int_equal(close, bkk(2027, 4, 30, 16, 30, 0));
	assert_int_equal(entry, bkk(2027, 3, 1, 0, 0, 0));
	/* 30 April of the next calendar year still belongs to the academic year */
	assert_int_equal(thai_academic_year(open), 2569);
}

static void test_identity(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	dmc_ident_mask("1103700012346", &b);
	assert_string_equal(buf_cstr(&b), "1-xxxx-xxxxx-xx-6");
	buf_reset(&b);
	dmc_ident_mask("G644200000001", &b);
	assert_string_equal(buf_cstr(&b), "G64xxxxxxxx01");
	buf_reset(&b);
	dmc_ident_mask("12345", &b);
	assert_string_equal(buf_cstr(&b), "xxxxx");
	buf_release(&b);
	struct err e = ERR_INIT;
	assert_int_equal(dmc_gcode_check("G644200000001", &e), 0);
	assert_int_equal(dmc_gcode_check("G64420000001", &e), -1);
	assert_string_equal(e.field, "gcode");
	assert_int_equal(dmc_gcode_check("X644200000001", &e), -1);
	assert_int_equal(dmc_gcode_check("", &e), -1);
}

static void test_measures(void **state)
{
	(void)state;
	long long v;
	assert_int_equal(dmc_parse_tenths("35", &v), 0);
	assert_int_equal(v, 350);
	assert_int_equal(dmc_parse_tenths("35.5", &v), 0);
	assert_int_equal(v, 355);
	assert_int_equal(dmc_parse_tenths("35.50", &v), 0);
	assert_int_equal(v, 355);
	assert_int_equal(dmc_parse_tenths("35.55", &v), -1);
	assert_int_equal(dmc_parse_tenths("-3", &v), -1);
	assert_int_equal(dmc_parse_tenths("3.", &v), -1);
	assert_int_equal(dmc_parse_tenths("", &v), -1);
	assert_int_equal(dmc_parse_tenths("abc", &v), -1);
	struct err e = ERR_INIT;
	assert_int_equal(dmc_body_check(0, 1200, &e), -1);
	assert_string_equal(e.field, "weight");
	assert_int_equal(dmc_body_check(1, 1200, &e), 0);
	assert_int_equal(dmc_body_check(2000, 1200, &e), 0);
	assert_int_equal(dmc_body_check(2001, 1200, &e), -1);
	assert_int_equal(dmc_body_check(300, 399, &e), -1);
	assert_string_equal(e.field, "height");
	assert_int_equal(dmc_body_check(300, 400, &e), 0);
	assert_int_equal(dmc_body_check(300, 2500, &e), 0);
	assert_int_equal(dmc_body_check(300, 2501, &e), -1);
	assert_int_equal(dmc_body_check(-1, -1, &e), 0);
}

static void test_birth(void **state)
{
	(void)state;
	long long now = bkk(2026, 6, 10, 9, 0, 0);
	struct err e = ERR_INIT;
	assert_int_equal(dmc_age_years(2010, 6, 10, 2026, 6, 10), 16);
	assert_int_equal(dmc_age_years(2010, 6, 11, 2026, 6, 10), 15);
	assert_int_equal(dmc_birth_check("2019-01-01", now, 5, 15, "ป.1", &e), 0);
	assert_int_equal(dmc_birth_check("2026-06-11", now, 0, 0, "ป.1", &e), -1);
	assert_non_null(strstr(e.msg, "อนาคต"));
	assert_int_equal(dmc_birth_check("2026-06-10", now, 0, 0, "อ.1", &e), 0);
	/* exactly 15 is allowed in ป.1, 16 is not */
	assert_int_equal(dmc_birth_check("2011-06-10", now, 5, 15, "ป.1", &e), 0);
	assert_int_equal(dmc_birth_check("2010-06-10", now, 5, 15, "ป.1", &e), -1);
	assert_non_null(strstr(e.msg, "ป.1"));
	assert_non_null(strstr(e.msg, "5–15 ปี"));
	assert_non_null(strstr(e.msg, "อายุ 16 ปี"));
	assert_string_equal(e.field, "birth_date");
	/* too young: 5 is the least ป.1 takes, 4 is refused naming the ages */
	assert_int_equal(dmc_birth_check("2021-06-10", now, 5, 15, "ป.1", &e), 0);
	assert_int_equal(dmc_birth_check("2021-06-11", now, 5, 15, "ป.1", &e), -1);
	assert_string_equal(e.field, "birth_date");
	assert_non_null(strstr(e.msg, "ชั้น ป.1 รับนักเรียนอายุ 5–15 ปี"));
	assert_non_null(strstr(e.msg, "อายุ 4 ปี"));
	assert_non_null(strstr(e.msg, "ยังไม่ถึง 5 ปี"));
	/* the walk's case: about 7 in อ.1 (2–6) is too old */
	assert_int_equal(dmc_birth_check("2019-03-01", now, 2, 6, "อ.1", &e), -1);
	assert_non_null(strstr(e.msg, "อ.1 รับนักเรียนอายุ 2–6 ปี"));
	assert_non_null(strstr(e.msg, "อายุ 7 ปี เกิน 6 ปี"));
	/* one bound only */
	assert_int_equal(dmc_birth_check("2025-01-01", now, 3, 0, "อ.2", &e), -1);
	assert_non_null(strstr(e.msg, "3 ปีขึ้นไป"));
	assert_int_equal(dmc_birth_check("2000-01-01", now, 0, 20, "ม.1", &e), -1);
	assert_non_null(strstr(e.msg, "ไม่เกิน 20 ปี"));
	assert_int_equal(dmc_birth_check("2019-02-30", now, 0, 0, "ป.1", &e), -1);
	assert_int_equal(dmc_birth_check("", now, 0, 0, "ป.1", &e), -1);
}

static void test_promotion(void **state)
{
	(void)state;
	assert_int_equal(dmc_promotion_of(false, false), DMC_PROMOTE);
	assert_int_equal(dmc_promotion_of(true, false), DMC_GRADUATE);
	assert_int_equal(dmc_promotion_of(true, true), DMC_STAY);
	assert_int_equal(dmc_promotion_of(false, true), DMC_STAY);
}

/* D: citizen-ID corrections stop at the round day's cut-off until the
 * next round's entry opens */
static void test_correction_cutoff(void **state)
{
	(void)state;
	long long close = bkk(2026, 6, 10, 16, 30, 0), next = bkk(2026, 10, 11, 0, 0, 0);
	assert_int_equal(dmc_correction_reopens(close - 3600, 0, 0), 0); /* no round closed yet */
	assert_int_equal(dmc_correction_reopens(close + 59, close, next), 0); /* 16:30:59 */
	assert_int_equal(dmc_correction_reopens(close + 60, close, next), next); /* 16:31:00 */
	assert_int_equal(dmc_correction_reopens(next - 1, close, next), next);
	assert_int_equal(dmc_correction_reopens(next, close, next), 0);
	struct buf b = BUF_INIT;
	dmc_correction_message(close, next, &b);
	assert_non_null(strstr(buf_cstr(&b), "10 มิ.ย. 2569 เวลา 16:30 น."));
	assert_non_null(strstr(buf_cstr(&b), "11 ต.ค. 2569"));
	buf_release(&b);
}

static void test_gcode_make(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char out[14];
	/* 10 มิ.ย. 2569 → "69"; area 3502 → province 35 */
	assert_int_equal(dmc_gcode_make(bkk(2026, 6, 10, 10, 0, 0), "3502", 1, out, &e), 0);
	assert_string_equal(out, "G693500000001");
	assert_int_equal(dmc_gcode_check(out, &e), 0);
	assert_int_equal(dmc_gcode_make(bkk(2026, 6, 10, 10, 0, 0), "3502", 99999999, out, &e), 0);
	assert_string_equal(out, "G693599999999");
	/* the BE year turns with the Bangkok calendar year: 31 Dec 2026 23:59 Bangkok is 2569, 1 Jan is 2570 */
	assert_int_equal(dmc_gcode_make(bkk(2026, 12, 31, 23, 59, 0), "1001", 42, out, &e), 0);
	assert_string_equal(out, "G691000000042");
	assert_int_equal(dmc_gcode_make(bkk(2027, 1, 1, 0, 0, 0), "1001", 42, out, &e), 0);
	assert_string_equal(out, "G701000000042");
	/* out of range: no code */
	assert_int_equal(dmc_gcode_make(bkk(2026, 6, 10, 10, 0, 0), "3502", 0, out, &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(out, "");
	err_clear(&e);
	assert_int_equal(dmc_gcode_make(bkk(2026, 6, 10, 10, 0, 0), "3502", 100000000LL, out, &e), -1);
	err_clear(&e);
	assert_int_equal(dmc_gcode_make(bkk(2026, 6, 10, 10, 0, 0), "X5", 1, out, &e), -1);
	err_clear(&e);
	assert_int_equal(dmc_gcode_make(bkk(2026, 6, 10, 10, 0, 0), "3", 1, out, &e), -1);
	err_clear(&e);
}

static void test_subsidy_amount(void **state)
{
	(void)state;
	/* SPEC DMC-4's rates in satang: 1,700 / 1,900 / 3,500 / 3,800 baht */
	const long long rates[DMC_NLEVELS] = {170000, 190000, 350000, 380000};
	const long long heads[DMC_NLEVELS] = {20, 120, 0, 3};
	long long amounts[DMC_NLEVELS];
	assert_int_equal(dmc_subsidy_amount(heads, rates, amounts), 20 * 170000 + 120 * 190000 + 3 * 380000);
	assert_int_equal(amounts[0], 3400000);
	assert_int_equal(amounts[1], 22800000);
	assert_int_equal(amounts[2], 0);
	assert_int_equal(amounts[3], 1140000);
	const long long none[DMC_NLEVELS] = {0, 0, 0, 0}, neg[DMC_NLEVELS] = {-5, 1, 0, 0};
	assert_int_equal(dmc_subsidy_amount(none, rates, NULL), 0);
	assert_int_equal(dmc_subsidy_amount(neg, rates, NULL), 190000);
	/* a large school at a high rate stays exact */
	const long long big[DMC_NLEVELS] = {0, 0, 0, 5000};
	assert_int_equal(dmc_subsidy_amount(big, rates, NULL), 1900000000LL);
	assert_int_equal(dmc_level_index("lower"), 2);
	assert_int_equal(dmc_level_index("nope"), -1);
	assert_int_equal(dmc_level_index(NULL), -1);
}

/* ---- storage on both engines --------------------------------------------------------- */

struct fx {
	long long s1, s2, s3;
};
static struct fx sqlite_fx, pg_fx;

static int seed(struct engine *en, struct err *e)
{
	struct fx *f = en->kind == DB_SQLITE ? &sqlite_fx : &pg_fx;
	en->data = f;
	long long area = org_area_add(en->db, "9901", "สำนักงานเขตทดสอบ", "สพป.ทดสอบ", "primary", "ยโสธร", e);
	if (area < 0)
		return -1;
	f->s1 = org_school_add(en->db, area, "1099010001", "99010001", "โรงเรียนบ้านหนึ่ง", "เมือง", "ยโสธร", e);
	f->s2 = org_school_add(en->db, area, "1099010002", "99010002", "โรงเรียนบ้านสอง", "เมือง", "ยโสธร", e);
	f->s3 = org_school_add(en->db, area, "1099010003", "99010003", "โรงเรียนบ้านสาม", "เมือง", "ยโสธร", e);
	return f->s1 > 0 && f->s2 > 0 && f->s3 > 0 ? 0 : -1;
}

static int seq = 0;
static void new_id(char out[14])
{
	char d12[16];
	snprintf(d12, sizeof d12, "18%010d", ++seq % 1000000000);
	int s = 0;
	for (int i = 0; i < 12; i++)
		s += (d12[i] - '0') * (13 - i);
	memcpy(out, d12, 12);
	out[12] = (char)('0' + (11 - s % 11) % 10);
	out[13] = 0;
}

static struct dmc_learner_in kid(const char *cid, const char *grade)
{
	struct dmc_learner_in in = {
	    .citizen_id = cid, .gcode = "", .title = "girl", .first_name = "มะลิ", .last_name = "ทดสอบ", .sex = "F",
	    .birth_date = "2018-01-01", .nationality = "TH", .grade = grade, .room = 1, .weight = "25", .height = "120",
	    .disadvantaged = "none", .disability = "none", .guardian_name = "", .guardian_phone = "", .address = "",
	};
	return in;
}

static long long count_of(struct db *db, long long school, const char *grade)
{
	long long n = 0;
	struct err e = ERR_INIT;
	if (db_int_value(db, "SELECT COALESCE(SUM(n), 0) FROM dmc_counts WHERE school_id = $1 AND grade = $2",
			 DB_ARGS(DB_INT(school), DB_TEXT(grade)), &n, &e) < 0)
		fail_msg("count: %s", e.msg);
	return n;
}

static long long scalar(struct db *db, const char *sql, long long id)
{
	long long n = 0;
	struct err e = ERR_INIT;
	if (db_int_value(db, sql, DB_ARGS(DB_INT(id)), &n, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

static char text_buf[64];
static const char *scalar_text(struct db *db, const char *sql, long long id)
{
	struct err e = ERR_INIT;
	json_t *r = db_row_json(db, sql, DB_ARGS(DB_INT(id)), &e);
	if (!r)
		fail_msg("%s: %s", sql, e.msg);
	const char *k;
	json_t *v;
	json_object_foreach(r, k, v) snprintf(text_buf, sizeof text_buf, "%s", json_string_value(v));
	json_decref(r);
	return text_buf;
}

/* the ident of a learner */
static int db_int_text(struct db *db, long long id, char out[14])
{
	snprintf(out, 14, "%s", scalar_text(db, "SELECT ident FROM dmc_learners WHERE id = $1", id));
	return 0;
}

static const long long NOW = 1781060000; /* 10 มิ.ย. 2569, 10:13 น. */

static void test_one_active_record(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	char cid[14];
	new_id(cid);
	struct dmc_learner_in in = kid(cid, "p1");
	struct err e = ERR_INIT;
	long long elsewhere = 0;
	long long id = dmc_learner_add(en->db, f->s1, &in, 0, NOW, &elsewhere, &e);
	assert_true(id > 0);
	/* the database, not only the code: a raw second active row is refused */
	long long rc = db_exec(en->db,
			       "INSERT INTO dmc_learners (citizen_id, ident, school_id, status, title, first_name, last_name, "
			       "sex, birth_date, nationality, grade, created_at, updated_at) VALUES ($1, $1, $2, 'active', "
			       "'girl', 'ซ้ำ', 'ซ้ำ', 'F', '2018-01-01', 'TH', 'p1', 0, 0)",
			       DB_ARGS(DB_TEXT(cid), DB_INT(f->s2)), &e);
	assert_int_equal(rc, -1);
	assert_int_equal(e.status, 409);
	/* a moved-out row of the same code may sit beside it */
	err_clear(&e);
	rc = db_exec(en->db,
		     "INSERT INTO dmc_learners (citizen_id, ident, school_id, status, title, first_name, last_name, sex, "
		     "birth_date, nationality, grade, created_at, updated_at) VALUES ($1, $1, $2, 'moved_out', 'girl', "
		     "'เก่า', 'เก่า', 'F', '2018-01-01', 'TH', 'p1', 0, 0)",
		     DB_ARGS(DB_TEXT(cid), DB_INT(f->s2)), &e);
	assert_int_equal(rc, 1);
	/* the page's path: a duplicate here, and elsewhere with the school */
	err_clear(&e);
	assert_int_equal(dmc_learner_add(en->db, f->s1, &in, 0, NOW, &elsewhere, &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.field, "citizen_id");
	err_clear(&e);
	assert_int_equal(dmc_learner_add(en->db, f->s2, &in, 0, NOW, &elsewhere, &e), -1);
	assert_int_equal(e.status, 409);
	assert_int_equal(elsewhere, f->s1);
}

static void test_move_in_keeps_history_and_counts(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	char cid[14];
	new_id(cid);
	struct dmc_learner_in in = kid(cid, "p3");
	in.birth_date = "2017-01-01"; /* 9: of an age for ป.3 to ป.5 */
	struct err e = ERR_INIT;
	long long elsewhere = 0;
	long long c1 = count_of(en->db, f->s1, "p3"), c2 = count_of(en->db, f->s2, "p4");
	long long id = dmc_learner_add(en->db, f->s1, &in, 0, NOW, &elsewhere, &e);
	assert_true(id > 0);
	assert_int_equal(count_of(en->db, f->s1, "p3"), c1 + 1);
	assert_int_equal(dmc_learner_move_in(en->db, f->s2, cid, "p4", 2, 0, NOW + 10, &e), id);
	assert_int_equal(count_of(en->db, f->s1, "p3"), c1);
	assert_int_equal(count_of(en->db, f->s2, "p4"), c2 + 1);
	assert_int_equal(scalar(en->db, "SELECT COUNT(*) FROM dmc_learners WHERE id = $1 AND school_id > 0", id), 1);
	assert_int_equal(scalar(en->db, "SELECT school_id FROM dmc_learners WHERE id = $1", id), f->s2);
	assert_int_equal(scalar(en->db, "SELECT COUNT(*) FROM dmc_learner_events WHERE learner_id = $1", id), 2);
	assert_int_equal(scalar(en->db,
				"SELECT from_school_id FROM dmc_learner_events WHERE learner_id = $1 AND kind = 'move_in'", id),
			 f->s1);
	/* again: it is here already */
	assert_int_equal(dmc_learner_move_in(en->db, f->s2, cid, "", 1, 0, NOW, &e), -1);
	assert_int_equal(e.status, 409);
	/* move out, grade change: counts follow */
	assert_int_equal(dmc_learner_set_grade(en->db, f->s2, id, "p5", 1, 0, NOW, &e), 0);
	assert_int_equal(count_of(en->db, f->s2, "p4"), c2);
	long long c5 = count_of(en->db, f->s2, "p5");
	assert_int_equal(dmc_learner_move_out(en->db, f->s2, id, "กรุงเทพมหานคร", 0, NOW, &e), 0);
	assert_int_equal(count_of(en->db, f->s2, "p5"), c5 - 1);
	/* a learner who moved out is not the school's to change */
	assert_int_equal(dmc_learner_set_grade(en->db, f->s2, id, "p6", 1, 0, NOW, &e), -1);
	assert_int_equal(e.status, 404);
	/* and moves in again, with the same record */
	assert_int_equal(dmc_learner_move_in(en->db, f->s1, cid, "", 1, 0, NOW, &e), id);
	assert_int_equal(count_of(en->db, f->s1, "p5"), 1); /* the first p5 of s1 */
}

/* Issue 15.1 (PATCH with _version): every change of a learner's row raises
 * its version, whichever function makes it, so an edit made from an older
 * copy is refused (the handler's check) */
static void test_version_follows_changes(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	char cid[14];
	new_id(cid);
	struct dmc_learner_in in = kid(cid, "p3");
	struct err e = ERR_INIT;
	long long elsewhere = 0;
	long long id = dmc_learner_add(en->db, f->s1, &in, 0, NOW, &elsewhere, &e);
	assert_true(id > 0);
	const char *q = "SELECT version FROM dmc_learners WHERE id = $1";
	long long v = scalar(en->db, q, id);
	assert_int_equal(v, 1);
	assert_int_equal(dmc_learner_rename(en->db, f->s1, id, "girl", "ใหม่", "ชื่อ", 0, NOW, &e), 0);
	assert_int_equal(scalar(en->db, q, id), ++v);
	assert_int_equal(dmc_learner_set_body(en->db, f->s1, id, "30.5", "131", 0, NOW, &e), 0);
	assert_int_equal(scalar(en->db, q, id), ++v);
	assert_int_equal(dmc_learner_set_grade(en->db, f->s1, id, "p4", 2, 0, NOW, &e), 0);
	assert_int_equal(scalar(en->db, q, id), ++v);
	assert_int_equal(dmc_learner_move_in(en->db, f->s2, cid, "", 1, 0, NOW, &e), id);
	assert_int_equal(scalar(en->db, q, id), ++v);
	assert_int_equal(dmc_learner_move_out(en->db, f->s2, id, "กรุงเทพมหานคร", 0, NOW, &e), 0);
	assert_int_equal(scalar(en->db, q, id), ++v);
	/* a refused change leaves it */
	assert_int_equal(dmc_learner_set_grade(en->db, f->s2, id, "p6", 1, 0, NOW, &e), -1);
	assert_int_equal(scalar(en->db, q, id), v);
}

/* A: many learners at once — counts, history and the age rule, all or none */
static void test_grade_many(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	long long elsewhere = 0, ids[3];
	for (int i = 0; i < 3; i++) {
		char cid[14];
		new_id(cid);
		struct dmc_learner_in in = kid(cid, "k3");
		in.birth_date = "2020-02-02";
		ids[i] = dmc_learner_add(en->db, f->s1, &in, 0, NOW, &elsewhere, &e);
		assert_true(ids[i] > 0);
	}
	long long k3 = count_of(en->db, f->s1, "k3"), p1 = count_of(en->db, f->s1, "p1");
	long long both[] = {ids[0], ids[1], ids[0]}; /* a repeated id counts once */
	assert_int_equal(dmc_learners_set_grade_many(en->db, f->s1, both, 3, "p1", 2, 0, NOW, &e), 2);
	assert_int_equal(count_of(en->db, f->s1, "k3"), k3 - 2);
	assert_int_equal(count_of(en->db, f->s1, "p1"), p1 + 2);
	assert_int_equal(scalar(en->db, "SELECT room FROM dmc_learners WHERE id = $1", ids[1]), 2);
	assert_int_equal(
	    scalar(en->db, "SELECT COUNT(*) FROM dmc_learner_events WHERE learner_id = $1 AND kind = 'grade'", ids[0]), 1);
	json_t *ev = db_row_json(en->db, "SELECT detail FROM dmc_learner_events WHERE learner_id = $1 AND kind = 'grade'",
				 DB_ARGS(DB_INT(ids[0])), &e);
	assert_non_null(ev);
	assert_string_equal(jstr(ev, "detail"), "{\"from\":\"k3\",\"to\":\"p1\",\"room\":2}");
	json_decref(ev);
	/* one of another school: none changes */
	char other[14];
	new_id(other);
	struct dmc_learner_in oin = kid(other, "k3");
	long long oid = dmc_learner_add(en->db, f->s2, &oin, 0, NOW, &elsewhere, &e);
	long long mixed[] = {ids[2], oid};
	assert_int_equal(dmc_learners_set_grade_many(en->db, f->s1, mixed, 2, "k2", 1, 0, NOW, &e), -1);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.field, "ids");
	assert_int_equal(count_of(en->db, f->s1, "k3"), k3 - 2);
	/* the age rule of ป.1 (15 years) for the grade change of one and of many */
	err_clear(&e);
	assert_int_equal(db_exec(en->db, "UPDATE dmc_learners SET birth_date = '2000-01-01' WHERE id = $1",
				 DB_ARGS(DB_INT(ids[2])), &e),
			 1);
	long long old_one[] = {ids[2]};
	assert_int_equal(dmc_learners_set_grade_many(en->db, f->s1, old_one, 1, "p1", 1, 0, NOW, &e), -1);
	assert_string_equal(e.field, "grade");
	assert_non_null(strstr(e.msg, "เกิน 15 ปี"));
	err_clear(&e);
	assert_int_equal(dmc_learner_set_grade(en->db, f->s1, ids[2], "p1", 1, 0, NOW, &e), -1);
	assert_string_equal(e.field, "grade");
	assert_string_equal(scalar_text(en->db, "SELECT grade FROM dmc_learners WHERE id = $1", ids[2]), "k3");
	/* and for a move in to ป.1 */
	err_clear(&e);
	char cid[14];
	assert_int_equal(db_int_text(en->db, ids[2], cid), 0);
	assert_int_equal(dmc_learner_move_in(en->db, f->s2, cid, "p1", 1, 0, NOW, &e), -1);
	assert_string_equal(e.field, "grade");
	assert_int_equal(scalar(en->db, "SELECT school_id FROM dmc_learners WHERE id = $1", ids[2]), f->s1);
	/* an empty choice */
	assert_int_equal(dmc_learners_set_grade_many(en->db, f->s1, NULL, 0, "p1", 1, 0, NOW, &e), -1);
	assert_string_equal(e.field, "ids");
}

/* A: a page never lays out rounds — reading a year with none finds none */
static void test_round_current_reads_only(void **state)
{
	struct engine *en = *state;
	struct err e = ERR_INIT;
	long long far = bkk(2300, 1, 1, 10, 0, 0);
	long long before = scalar(en->db, "SELECT COUNT(*) FROM dmc_rounds WHERE id > $1", 0);
	assert_null(dmc_round_current(en->db, far, &e));
	assert_int_equal(e.status, 404);
	assert_int_equal(scalar(en->db, "SELECT COUNT(*) FROM dmc_rounds WHERE id > $1", 0), before);
}

/* promote / undo in their own transaction, as a handler runs them (they
 * take the school's lock); rolled back when refused */
static long long promote_tx(struct db *db, long long sid, long long now, long long *up, long long *grad, long long *stay,
			    struct err *e)
{
	err_clear(e);
	if (db_begin(db, e) < 0)
		fail_msg("begin: %s", e->msg);
	long long rc = dmc_promote_school(db, sid, 0, now, up, grad, stay, e);
	if (rc < 0)
		db_rollback(db);
	else if (db_commit(db, e) < 0)
		fail_msg("commit: %s", e->msg);
	return rc;
}

static long long undo_tx(struct db *db, long long sid, long long now, long long *skipped, struct err *e)
{
	err_clear(e);
	if (db_begin(db, e) < 0)
		fail_msg("begin: %s", e->msg);
	long long rc = dmc_promotion_undo(db, sid, 0, now, skipped, e);
	if (rc < 0)
		db_rollback(db);
	else if (db_commit(db, e) < 0)
		fail_msg("commit: %s", e->msg);
	return rc;
}

/* B: the year-end promotion of a school, its refusals and its undo */
static void test_promotion_year_end(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	assert_int_equal(dmc_rounds_ensure(en->db, 2569, &e), 0);
	static const char *const grades[] = {"k3", "p3", "p6", "m3", "m6", "p2"};
	long long ids[6], elsewhere = 0;
	for (int i = 0; i < 6; i++) {
		char cid[14];
		new_id(cid);
		struct dmc_learner_in in = kid(cid, grades[i]);
		in.birth_date = "2012-01-01";
		if (!strcmp(grades[i], "k3") || !strcmp(grades[i], "p2") || !strcmp(grades[i], "p3"))
			in.birth_date = "2019-01-01";
		if (!strcmp(grades[i], "m6"))
			in.birth_date = "2009-01-01"; /* 17: ม.6 takes 16–26 */
		ids[i] = dmc_learner_add(en->db, f->s3, &in, 0, NOW, &elsewhere, &e);
		if (ids[i] < 0)
			fail_msg("add %s: %s", grades[i], e.msg);
	}
	long long rep[] = {ids[5]};
	assert_int_equal(dmc_learners_set_repeating(en->db, f->s3, rep, 1, true, 0, NOW, &e), 1);
	assert_int_equal(dmc_learners_set_repeating(en->db, f->s3, rep, 1, true, 0, NOW, &e), 0); /* already */
	long long foreign[] = {ids[0], 999999};
	assert_int_equal(dmc_learners_set_repeating(en->db, f->s3, foreign, 2, true, 0, NOW, &e), -1);
	assert_int_equal(e.status, 404);
	err_clear(&e);
	long long close = bkk(2027, 4, 30, 16, 30, 0), up, grad, stay;
	/* 16:30:59 of the year-end round day: its window is still open */
	assert_int_equal(promote_tx(en->db, f->s3, close + 59, &up, &grad, &stay, &e), -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "ยังเลื่อนชั้นไม่ได้"));
	assert_string_equal(scalar_text(en->db, "SELECT grade FROM dmc_learners WHERE id = $1", ids[1]), "p3");
	err_clear(&e);
	long long at = close + 60;
	long long pid = promote_tx(en->db, f->s3, at, &up, &grad, &stay, &e);
	if (pid < 0)
		fail_msg("promote: %s", e.msg);
	assert_int_equal(up, 2);
	assert_int_equal(grad, 3);
	assert_int_equal(stay, 1);
	/* each outcome is the rule's */
	static const char *const after[] = {"p1", "p4", "p6", "m3", "m6", "p2"};
	for (int i = 0; i < 6; i++) {
		assert_string_equal(scalar_text(en->db, "SELECT grade FROM dmc_learners WHERE id = $1", ids[i]), after[i]);
		bool final = !strcmp(grades[i], "p6") || !strcmp(grades[i], "m3") || !strcmp(grades[i], "m6");
		enum dmc_promotion want = dmc_promotion_of(final, i == 5);
		assert_string_equal(scalar_text(en->db, "SELECT status FROM dmc_learners WHERE id = $1", ids[i]),
				    want == DMC_GRADUATE ? "graduated" : "active");
	}
	assert_int_equal(scalar(en->db, "SELECT repeating FROM dmc_learners WHERE id = $1", ids[5]), 0);
	assert_int_equal(scalar(en->db, "SELECT COALESCE(SUM(n), 0) FROM dmc_counts WHERE school_id = $1", f->s3), 3);
	assert_int_equal(count_of(en->db, f->s3, "p1"), 1);
	assert_int_equal(count_of(en->db, f->s3, "p6"), 0);
	assert_int_equal(
	    scalar(en->db, "SELECT COUNT(*) FROM dmc_learner_events WHERE learner_id = $1 AND kind = 'graduate'", ids[2]), 1);
	assert_int_equal(
	    scalar(en->db, "SELECT COUNT(*) FROM dmc_learner_events WHERE learner_id = $1 AND kind = 'repeat'", ids[5]), 1);
	/* once */
	assert_int_equal(promote_tx(en->db, f->s3, at + 5, &up, &grad, &stay, &e), -1);
	assert_int_equal(e.status, 409);
	/* a ป.6 graduate moves on to a ม.1 school: undo leaves him there */
	char cid[14];
	assert_int_equal(db_int_text(en->db, ids[2], cid), 0);
	err_clear(&e);
	assert_int_equal(dmc_learner_move_in(en->db, f->s2, cid, "m1", 1, 0, at + 100, &e), ids[2]);
	/* the next round's entry opens 16 May 2570: no undo from then on */
	long long skipped = 0;
	assert_int_equal(undo_tx(en->db, f->s3, bkk(2027, 5, 16, 0, 0, 0), &skipped, &e), -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "16 พ.ค. 2570"));
	err_clear(&e);
	assert_int_equal(undo_tx(en->db, f->s3, at + 200, &skipped, &e), 5);
	assert_int_equal(skipped, 1);
	static const char *const back[] = {"k3", "p3", "p6", "m3", "m6", "p2"};
	for (int i = 0; i < 6; i++) {
		if (i == 2)
			continue;
		char want[32];
		snprintf(want, sizeof want, "%s active", back[i]);
		assert_string_equal(scalar_text(en->db, "SELECT grade || ' ' || status FROM dmc_learners WHERE id = $1", ids[i]),
				    want);
	}
	assert_int_equal(scalar(en->db, "SELECT repeating FROM dmc_learners WHERE id = $1", ids[5]), 1);
	assert_int_equal(scalar(en->db, "SELECT school_id FROM dmc_learners WHERE id = $1", ids[2]), f->s2);
	assert_int_equal(scalar(en->db, "SELECT COALESCE(SUM(n), 0) FROM dmc_counts WHERE school_id = $1", f->s3), 5);
	assert_int_equal(count_of(en->db, f->s3, "m6"), 1);
	/* undone, it may be done again */
	assert_true(promote_tx(en->db, f->s3, at + 300, &up, &grad, &stay, &e) > 0);
	assert_int_equal(grad, 2);
}

/* C, D: what the area approves — a drop-out leaves only when approved,
 * a correction needs a free, valid ID; decisions happen once */
static void test_requests(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	long long area = scalar(en->db, "SELECT area_id FROM schools WHERE id = $1", f->s1);
	assert_int_equal(dmc_rounds_ensure(en->db, 2569, &e), 0);
	char a[14], b[14], c[14];
	new_id(a);
	new_id(b);
	new_id(c);
	struct dmc_learner_in ia = kid(a, "p4"), ib = kid(b, "p4");
	long long elsewhere = 0;
	long long la = dmc_learner_add(en->db, f->s1, &ia, 0, NOW, &elsewhere, &e);
	long long lb = dmc_learner_add(en->db, f->s2, &ib, 0, NOW, &elsewhere, &e);
	assert_true(la > 0 && lb > 0);
	long long before = count_of(en->db, f->s1, "p4");
	/* drop-out: a reason from the list, still counted while pending */
	assert_int_equal(dmc_dropout_request(en->db, f->s1, la, "nope", "", 0, NOW, &e), -1);
	assert_string_equal(e.field, "reason");
	err_clear(&e);
	assert_int_equal(dmc_dropout_request(en->db, f->s1, la, "other", "", 0, NOW, &e), -1);
	assert_string_equal(e.field, "note");
	err_clear(&e);
	assert_int_equal(dmc_dropout_request(en->db, f->s2, la, "poverty", "", 0, NOW, &e), -1); /* not s2's */
	assert_int_equal(e.status, 404);
	err_clear(&e);
	long long rq = dmc_dropout_request(en->db, f->s1, la, "poverty", "", 0, NOW, &e);
	assert_true(rq > 0);
	assert_int_equal(count_of(en->db, f->s1, "p4"), before);
	assert_int_equal(dmc_dropout_request(en->db, f->s1, la, "poverty", "", 0, NOW, &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	/* another area's officer cannot decide it; a rejection needs a note */
	assert_int_equal(dmc_request_decide(en->db, area + 1000, rq, true, "", 0, NOW, &e), -1);
	assert_int_equal(e.status, 404);
	err_clear(&e);
	assert_int_equal(dmc_request_decide(en->db, area, rq, false, "", 0, NOW, &e), -1);
	assert_string_equal(e.field, "decision_note");
	err_clear(&e);
	assert_int_equal(dmc_request_decide(en->db, area, rq, true, "", 0, NOW, &e), 0);
	assert_int_equal(count_of(en->db, f->s1, "p4"), before - 1);
	assert_string_equal(scalar_text(en->db, "SELECT status FROM dmc_learners WHERE id = $1", la), "removed");
	assert_int_equal(dmc_request_decide(en->db, area, rq, false, "สาย", 0, NOW, &e), -1); /* once */
	assert_int_equal(e.status, 409);
	err_clear(&e);
	assert_int_equal(dmc_request_withdraw(en->db, f->s1, la, rq, 0, NOW, &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);

	/* correction: in time on the round day (16:30:59), refused at 16:31 */
	long long close = bkk(2026, 6, 10, 16, 30, 0);
	long long fix = dmc_id_fix_request(en->db, f->s2, lb, c, "กรอกผิด", 0, close + 60, &e);
	assert_int_equal(fix, -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "11 ต.ค. 2569"));
	err_clear(&e);
	char bad[14];
	snprintf(bad, sizeof bad, "%s", c);
	bad[12] = (char)('0' + (bad[12] - '0' + 1) % 10);
	assert_int_equal(dmc_id_fix_request(en->db, f->s2, lb, bad, "กรอกผิด", 0, close, &e), -1);
	assert_string_equal(e.field, "new_citizen_id");
	err_clear(&e);
	assert_int_equal(dmc_id_fix_request(en->db, f->s2, lb, b, "กรอกผิด", 0, close, &e), -1); /* its own */
	assert_string_equal(e.field, "new_citizen_id");
	err_clear(&e);
	/* a's record (removed, at s1) holds a: refused naming s1 only */
	assert_int_equal(dmc_id_fix_request(en->db, f->s2, lb, a, "กรอกผิด", 0, close, &e), -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "โรงเรียนบ้านหนึ่ง"));
	assert_null(strstr(e.msg, "มะลิ"));
	err_clear(&e);
	assert_int_equal(dmc_id_fix_request(en->db, f->s2, lb, c, "", 0, close, &e), -1);
	assert_string_equal(e.field, "note");
	err_clear(&e);
	fix = dmc_id_fix_request(en->db, f->s2, lb, c, "กรอกผิด", 0, close + 59, &e);
	assert_true(fix > 0);
	assert_string_equal(scalar_text(en->db, "SELECT ident FROM dmc_learners WHERE id = $1", lb), b);
	assert_int_equal(dmc_request_decide(en->db, area, fix, true, "", 0, close + 3600, &e), 0);
	assert_string_equal(scalar_text(en->db, "SELECT ident FROM dmc_learners WHERE id = $1", lb), c);
	assert_string_equal(scalar_text(en->db, "SELECT citizen_id FROM dmc_learners WHERE id = $1", lb), c);
	assert_int_equal(
	    scalar(en->db, "SELECT COUNT(*) FROM dmc_learner_events WHERE learner_id = $1 AND kind = 'id_fix'", lb), 1);
}

/* A round step in its own transaction, as a handler runs it (the step
 * takes the school's lock, which needs one); rolled back when refused. */
static int step(struct db *db, int (*fn)(struct db *, long long, long long, long long, long long, struct err *),
		long long rid, long long sid, long long now, struct err *e)
{
	err_clear(e);
	if (db_begin(db, e) < 0)
		fail_msg("begin: %s", e->msg);
	int rc = fn(db, rid, sid, 0, now, e);
	if (rc < 0)
		db_rollback(db);
	else if (db_commit(db, e) < 0)
		fail_msg("commit: %s", e->msg);
	return rc;
}

static void test_snapshot_frozen(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	assert_int_equal(dmc_rounds_ensure(en->db, 2569, &e), 0);
	assert_int_equal(dmc_rounds_ensure(en->db, 2569, &e), 0); /* twice: nothing more */
	assert_int_equal(scalar(en->db, "SELECT COUNT(*) FROM dmc_rounds WHERE academic_year = $1", 2569), 3);
	long long rid = scalar(en->db, "SELECT id FROM dmc_rounds WHERE academic_year = $1 AND round_no = 1", 2569);
	long long open = bkk(2026, 6, 10, 8, 30, 0);
	assert_int_equal(step(en->db, dmc_round_certify, rid, f->s1, open + 10, &e), -1); /* not confirmed */
	assert_int_equal(e.status, 409);
	assert_int_equal(step(en->db, dmc_round_confirm, rid, f->s1, open - 1, &e), -1); /* 08:29:59 */
	assert_int_equal(e.status, 409);
	if (step(en->db, dmc_round_confirm, rid, f->s1, open, &e) != 0)
		fail_msg("confirm: %d %s", e.status, e.msg);
	assert_int_equal(step(en->db, dmc_round_confirm, rid, f->s1, open + 5, &e), -1); /* once */
	long long close = bkk(2026, 6, 10, 16, 30, 0);
	assert_int_equal(step(en->db, dmc_round_acknowledge, rid, f->s1, open + 30, &e), -1); /* not certified yet */
	assert_int_equal(e.status, 409);
	assert_int_equal(step(en->db, dmc_round_certify, rid, f->s1, close + 60, &e), -1); /* 16:31:00 */
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "หมดเวลา"));
	assert_int_equal(scalar(en->db, "SELECT COUNT(*) FROM dmc_snapshot WHERE round_id = $1", rid), 0);
	assert_int_equal(step(en->db, dmc_round_certify, rid, f->s1, open + 60, &e), 0);
	long long frozen = scalar(en->db, "SELECT COUNT(*) FROM dmc_snapshot WHERE round_id = $1", rid);
	long long frozen_n = scalar(en->db, "SELECT COALESCE(SUM(n), 0) FROM dmc_snapshot_counts WHERE round_id = $1", rid);
	assert_int_equal(frozen, frozen_n);
	char cid[14];
	new_id(cid);
	struct dmc_learner_in in = kid(cid, "p2");
	long long elsewhere = 0;
	assert_true(dmc_learner_add(en->db, f->s1, &in, 0, open + 120, &elsewhere, &e) > 0);
	assert_int_equal(scalar(en->db, "SELECT COUNT(*) FROM dmc_snapshot WHERE round_id = $1", rid), frozen);
	assert_int_equal(scalar(en->db, "SELECT COALESCE(SUM(n), 0) FROM dmc_snapshot_counts WHERE round_id = $1", rid),
			 frozen_n);
	assert_int_equal(step(en->db, dmc_round_acknowledge, rid, f->s2, open, &e), -1); /* s2 never certified */
	/* a second certify is refused and copies nothing more */
	assert_int_equal(step(en->db, dmc_round_certify, rid, f->s1, open + 180, &e), -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "รับรองข้อมูลรอบนี้แล้ว"));
	assert_int_equal(scalar(en->db, "SELECT COUNT(*) FROM dmc_snapshot WHERE round_id = $1", rid), frozen);
	assert_int_equal(step(en->db, dmc_round_acknowledge, rid, f->s1, open, &e), 0);
	assert_true(scalar(en->db, "SELECT acknowledged_at FROM dmc_round_schools WHERE round_id = $1", rid) > 0);
	assert_int_equal(step(en->db, dmc_round_acknowledge, rid, f->s1, open + 5, &e), -1); /* once */
	assert_int_equal(e.status, 409);
}

/* GC-1: a request checked as adding checks, certified with the next
 * number of the year and province, the learner added with the code and
 * found by it; a refusal needs a reason; a decided request is not decided
 * again; a number taken by an approval that failed is given back. */
static void test_gcode_requests(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	long long area = scalar(en->db, "SELECT area_id FROM schools WHERE id = $1", f->s1);
	struct dmc_learner_in in = kid("", "p3");
	in.nationality = "XX";
	/* a field wrong: refused at the field, nothing stored */
	struct dmc_learner_in bad = in;
	bad.weight = "500";
	assert_int_equal(dmc_gcode_request(en->db, f->s1, &bad, "", 0, NOW, &e), -1);
	assert_string_equal(e.field, "weight");
	err_clear(&e);
	bad = in;
	bad.title = "boy"; /* a boy's title for a girl */
	assert_int_equal(dmc_gcode_request(en->db, f->s1, &bad, "", 0, NOW, &e), -1);
	assert_string_equal(e.field, "title");
	err_clear(&e);
	assert_int_equal(scalar(en->db, "SELECT COUNT(*) FROM dmc_gcode_requests WHERE area_id = $1", area), 0);
	long long r1 = dmc_gcode_request(en->db, f->s1, &in, "ไม่มีสูติบัตร", 0, NOW, &e);
	long long r2 = dmc_gcode_request(en->db, f->s2, &in, "", 0, NOW, &e);
	/* the same child twice at one school while pending: refused */
	assert_int_equal(dmc_gcode_request(en->db, f->s1, &in, "", 0, NOW, &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.field, "first_name");
	err_clear(&e);
	struct dmc_learner_in twin = in;
	twin.birth_date = "2018-01-02";
	long long r3 = dmc_gcode_request(en->db, f->s1, &twin, "", 0, NOW, &e);
	assert_true(r1 > 0 && r2 > 0 && r3 > 0);
	struct dmc_gcode_doc d = {"student_form", "files/dmc/gcode/x/student_form.pdf", "form.pdf", "application/pdf", 9};
	assert_int_equal(dmc_gcode_doc_add(en->db, r1, &d, &e), 0);
	json_t *g = dmc_gcode_get(en->db, r1, &e);
	assert_non_null(g);
	assert_string_equal(jstr(g, "status"), "pending");
	assert_string_equal(jstr(json_object_get(g, "data"), "birth_date"), "2018-01-01");
	assert_int_equal(json_array_size(json_object_get(g, "docs")), 1);
	json_decref(g);
	long long before = count_of(en->db, f->s1, "p3");
	char code[14];
	long long learner = 0;
	/* not the area's: 404; a refusal without a reason: 400 */
	assert_int_equal(dmc_gcode_decide(en->db, area + 1000, r1, true, "", 0, NOW, code, &learner, &e), -1);
	assert_int_equal(e.status, 404);
	err_clear(&e);
	assert_int_equal(dmc_gcode_decide(en->db, area, r2, false, "", 0, NOW, code, &learner, &e), -1);
	assert_string_equal(e.field, "decision_note");
	err_clear(&e);
	/* certified: G + 69 + 99 (area 9901) + 00000001, the learner added here */
	assert_int_equal(dmc_gcode_decide(en->db, area, r1, true, "", 0, NOW, code, &learner, &e), 0);
	assert_string_equal(code, "G699900000001");
	assert_true(learner > 0);
	assert_int_equal(count_of(en->db, f->s1, "p3"), before + 1);
	assert_string_equal(scalar_text(en->db, "SELECT ident FROM dmc_learners WHERE id = $1", learner), code);
	assert_string_equal(scalar_text(en->db, "SELECT gcode FROM dmc_gcode_requests WHERE id = $1", r1), code);
	long long id = 0, school = 0;
	char status[16];
	assert_int_equal(dmc_ident_find(en->db, code, &id, &school, status, &e), 1);
	assert_int_equal(id, learner);
	/* decided already */
	assert_int_equal(dmc_gcode_decide(en->db, area, r1, true, "", 0, NOW, code, &learner, &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	/* a refusal with its reason; the school's withdrawal of a decided one is refused */
	assert_int_equal(dmc_gcode_decide(en->db, area, r2, false, "เอกสารไม่ชัด", 0, NOW, code, &learner, &e), 0);
	assert_int_equal(dmc_gcode_withdraw(en->db, f->s2, r2, 0, NOW, &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	/* an approval that fails after taking its number gives it back with the rollback */
	assert_int_equal(db_begin(en->db, &e), 0);
	assert_int_equal(db_exec(en->db, "UPDATE dmc_gcode_requests SET data = '{}' WHERE id = $1", DB_ARGS(DB_INT(r3)), &e), 1);
	assert_int_equal(dmc_gcode_decide(en->db, area, r3, true, "", 0, NOW, code, &learner, &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	db_rollback(en->db);
	assert_int_equal(dmc_gcode_decide(en->db, area, r3, true, "", 0, NOW, code, &learner, &e), 0);
	assert_string_equal(code, "G699900000002");
	/* the school withdraws a pending one of its own only (r1 is decided: the same child may be asked again) */
	long long r4 = dmc_gcode_request(en->db, f->s1, &in, "", 0, NOW, &e);
	assert_true(r4 > 0);
	assert_int_equal(dmc_gcode_withdraw(en->db, f->s2, r4, 0, NOW, &e), -1);
	err_clear(&e);
	assert_int_equal(dmc_gcode_withdraw(en->db, f->s1, r4, 0, NOW, &e), 0);
	json_t *lists = dmc_gcode_area(en->db, area, &e);
	assert_non_null(lists);
	assert_int_equal(json_array_size(json_object_get(lists, "pending")), 0);
	assert_int_equal(json_array_size(json_object_get(lists, "decided")), 3);
	json_decref(lists);
	json_t *mine = dmc_gcode_school(en->db, f->s1, &e);
	assert_int_equal(json_array_size(mine), 3);
	json_decref(mine);
}

static json_t *basic_row(json_t *basic, const char *grade)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(basic, "rows"), i, r) if (!strcmp(jstr(r, "grade"), grade)) return r;
	fail_msg("no row %s", grade);
	return NULL;
}

/* Basic data per round (menu 2.2): the suggestion from the learners'
 * rooms, the rules of a save, the version, and certification freezing a
 * school that never saved. Round 2 of 2569, school s3. */
static void test_basic_data(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	assert_int_equal(dmc_rounds_ensure(en->db, 2569, &e), 0);
	long long rid = scalar(en->db, "SELECT id FROM dmc_rounds WHERE academic_year = $1 AND round_no = 2", 2569);
	char a[14], b[14];
	new_id(a);
	new_id(b);
	struct dmc_learner_in ia = kid(a, "p5"), ib = kid(b, "p5");
	ia.birth_date = ib.birth_date = "2016-01-01"; /* 10: ป.5 takes 9–19 */
	ib.room = 2;
	long long elsewhere = 0;
	assert_true(dmc_learner_add(en->db, f->s3, &ia, 0, NOW, &elsewhere, &e) > 0);
	assert_true(dmc_learner_add(en->db, f->s3, &ib, 0, NOW, &elsewhere, &e) > 0);
	json_t *g = dmc_basic_get(en->db, rid, f->s3, &e);
	assert_non_null(g);
	assert_false(json_is_true(json_object_get(g, "saved")));
	json_t *p5 = basic_row(g, "p5");
	assert_int_equal(jint(p5, "rooms"), 2); /* ป.5 rooms 1 and 2 */
	assert_int_equal(jint(p5, "female"), 2);
	assert_int_equal(jint(basic_row(g, "p6"), "rooms"), 0);
	assert_int_equal(jint(g, "female"), scalar(en->db, "SELECT COALESCE(SUM(n), 0) FROM dmc_counts WHERE school_id = $1 AND sex = 'F'", f->s3));
	json_decref(g);
	/* the form sends every grade: those of other tests' learners keep their rooms */
	g = dmc_basic_get(en->db, rid, f->s3, &e);
	size_t ng = json_array_size(json_object_get(g, "rows")), i6 = 0;
	const char **all = xcalloc(ng, sizeof *all);
	long long *allr = xcalloc(ng, sizeof *allr);
	for (size_t i = 0; i < ng; i++) {
		json_t *row = json_array_get(json_object_get(g, "rows"), i);
		all[i] = jstr(row, "grade");
		allr[i] = jint(row, "rooms");
		if (!strcmp(all[i], "p6"))
			allr[i6 = i] = 3;
	}
	const char *grades[] = {"p5", "p6"};
	long long rooms[] = {1, 3};
	assert_int_equal(dmc_basic_save(en->db, rid, f->s3, grades, rooms, 2, -1, 0, NOW, &e), -1); /* room 2 exists */
	assert_string_equal(e.field, "rooms");
	err_clear(&e);
	const char *only6[] = {"p6"};
	long long three[] = {3};
	assert_int_equal(dmc_basic_save(en->db, rid, f->s3, only6, three, 1, -1, 0, NOW, &e), -1); /* ป.5 left out */
	err_clear(&e);
	const char *twice[] = {"p5", "p5"};
	long long two2[] = {2, 2};
	assert_int_equal(dmc_basic_save(en->db, rid, f->s3, twice, two2, 2, -1, 0, NOW, &e), -1);
	err_clear(&e);
	const char *nope[] = {"p5", "x9"};
	assert_int_equal(dmc_basic_save(en->db, rid, f->s3, nope, two2, 2, -1, 0, NOW, &e), -1);
	err_clear(&e);
	assert_int_equal(dmc_basic_save(en->db, rid + 1000, f->s3, grades, rooms, 2, -1, 0, NOW, &e), -1);
	assert_int_equal(e.status, 404);
	err_clear(&e);
	assert_int_equal(dmc_basic_save(en->db, rid, f->s3, all, allr, ng, 0, 0, NOW, &e), 0);
	assert_int_equal(dmc_basic_save(en->db, rid, f->s3, all, allr, ng, 0, 0, NOW, &e), -1); /* stale */
	assert_int_equal(e.status, 409);
	assert_string_equal(e.field, "_version");
	err_clear(&e);
	allr[i6] = 4;
	assert_int_equal(dmc_basic_save(en->db, rid, f->s3, all, allr, ng, 1, 0, NOW, &e), 0);
	free(all);
	free(allr);
	json_decref(g);
	g = dmc_basic_get(en->db, rid, f->s3, &e);
	assert_int_equal(jint(basic_row(g, "p6"), "rooms"), 4);
	assert_int_equal(jint(basic_row(g, "p5"), "rooms"), 2);
	assert_int_equal(jint(g, "version"), 2);
	json_decref(g);
	/* s2 never saves: certification keeps the rooms its learners are in */
	char c[14];
	new_id(c);
	struct dmc_learner_in ic = kid(c, "m1");
	ic.birth_date = "2013-01-01";
	ic.room = 3;
	assert_true(dmc_learner_add(en->db, f->s2, &ic, 0, NOW, &elsewhere, &e) > 0);
	long long open = scalar(en->db, "SELECT open_at FROM dmc_rounds WHERE id = $1", rid);
	assert_int_equal(step(en->db, dmc_round_confirm, rid, f->s2, open, &e), 0);
	assert_int_equal(step(en->db, dmc_round_certify, rid, f->s2, open + 60, &e), 0);
	assert_int_equal(scalar(en->db, "SELECT rooms FROM dmc_school_grades WHERE school_id = $1 AND grade = 'm1'", f->s2), 3);
	g = dmc_basic_get(en->db, rid, f->s2, &e);
	assert_true(json_is_true(json_object_get(g, "frozen")));
	json_decref(g);
	const char *m1[] = {"m1"};
	assert_int_equal(dmc_basic_save(en->db, rid, f->s2, m1, three, 1, -1, 0, NOW, &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
}

/* Round settings: a window moved, the order with the rounds around it,
 * the version, and a round certified by a school is locked. Year 2571,
 * which no other test uses. */
static void test_round_settings(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	assert_int_equal(dmc_rounds_ensure(en->db, 2570, &e), 0);
	assert_int_equal(dmc_rounds_ensure(en->db, 2571, &e), 0);
	json_t *rs = dmc_rounds_year(en->db, 2571, &e);
	assert_int_equal(json_array_size(rs), 3);
	json_t *r1 = json_array_get(rs, 0);
	long long id = jint(r1, "id");
	assert_string_equal(jstr(r1, "round_day"), "2028-06-10");
	assert_string_equal(jstr(r1, "entry_day"), "2028-05-16");
	assert_string_equal(jstr(r1, "open_time"), "08:30");
	assert_string_equal(jstr(r1, "close_time"), "16:30");
	assert_int_equal(jint(r1, "certified"), 0);
	/* refused at their fields */
	assert_int_equal(dmc_round_update(en->db, id, "2028-06-12", "2028-05-16", "16:30", "08:30", -1, 0, NOW, &e), -1);
	assert_string_equal(e.field, "close_time");
	err_clear(&e);
	assert_int_equal(dmc_round_update(en->db, id, "2028-06-12", "2028-06-13", "08:30", "16:30", -1, 0, NOW, &e), -1);
	assert_string_equal(e.field, "entry_day");
	err_clear(&e);
	assert_int_equal(dmc_round_update(en->db, id, "2028-11-10", "2028-05-16", "08:30", "16:30", -1, 0, NOW, &e), -1);
	assert_string_equal(e.field, "round_day"); /* on round 2's day */
	err_clear(&e);
	assert_int_equal(dmc_round_update(en->db, id, "2028-04-30", "2028-03-01", "08:30", "16:30", -1, 0, NOW, &e), -1);
	assert_string_equal(e.field, "round_day"); /* on the year before's round 3 */
	err_clear(&e);
	assert_int_equal(dmc_round_update(en->db, id, "2028-06-12", "2028-05-16", "8.30", "16:30", -1, 0, NOW, &e), -1);
	assert_string_equal(e.field, "open_time");
	err_clear(&e);
	/* moved: two days later, 09:00–17:30 Bangkok */
	assert_int_equal(dmc_round_update(en->db, id, "2028-06-12", "2028-05-20", "09:00", "17:30", 1, 0, NOW, &e), 0);
	assert_int_equal(scalar(en->db, "SELECT open_at FROM dmc_rounds WHERE id = $1", id), bkk(2028, 6, 12, 9, 0, 0));
	assert_int_equal(scalar(en->db, "SELECT close_at FROM dmc_rounds WHERE id = $1", id), bkk(2028, 6, 12, 17, 30, 0));
	assert_int_equal(scalar(en->db, "SELECT entry_from FROM dmc_rounds WHERE id = $1", id), bkk(2028, 5, 20, 0, 0, 0));
	assert_string_equal(scalar_text(en->db, "SELECT round_day FROM dmc_rounds WHERE id = $1", id), "2028-06-12");
	/* the page it came from is old now */
	assert_int_equal(dmc_round_update(en->db, id, "2028-06-13", "2028-05-20", "09:00", "17:30", 1, 0, NOW, &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.field, "_version");
	err_clear(&e);
	/* certified by one school: locked */
	long long open = bkk(2028, 6, 12, 9, 0, 0);
	assert_int_equal(step(en->db, dmc_round_confirm, id, f->s1, open, &e), 0);
	assert_int_equal(step(en->db, dmc_round_certify, id, f->s1, open + 60, &e), 0);
	assert_int_equal(dmc_round_update(en->db, id, "2028-06-13", "2028-05-20", "09:00", "17:30", 2, 0, NOW, &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	assert_int_equal(dmc_round_update(en->db, id + 100000, "2028-06-13", "2028-05-20", "09:00", "17:30", -1, 0, NOW, &e), -1);
	assert_int_equal(e.status, 404);
	err_clear(&e);
	json_decref(rs);
}

/* The subsidy from certified snapshots: standing rates, then a year's
 * own; a school not certified has no row; later edits move nothing. */
static void test_subsidy_from_snapshot(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	long long rates[DMC_NLEVELS];
	bool own = true;
	assert_int_equal(dmc_subsidy_rates(en->db, 2572, rates, &own, &e), 0);
	assert_false(own);
	assert_int_equal(rates[1], 190000);
	assert_int_equal(dmc_rounds_ensure(en->db, 2572, &e), 0);
	long long rid = scalar(en->db, "SELECT id FROM dmc_rounds WHERE academic_year = $1 AND round_no = 1", 2572);
	long long open = scalar(en->db, "SELECT open_at FROM dmc_rounds WHERE id = $1", rid);
	char a[14], b[14];
	new_id(a);
	new_id(b);
	struct dmc_learner_in ia = kid(a, "k2"), ib = kid(b, "m5");
	ia.birth_date = "2022-01-01"; /* 4: อ.2 takes 3–7 */
	ib.birth_date = "2010-01-01"; /* 16: ม.5 takes 15–25 */
	long long elsewhere = 0;
	assert_true(dmc_learner_add(en->db, f->s3, &ia, 0, NOW, &elsewhere, &e) > 0);
	assert_true(dmc_learner_add(en->db, f->s3, &ib, 0, NOW, &elsewhere, &e) > 0);
	assert_int_equal(step(en->db, dmc_round_confirm, rid, f->s3, open, &e), 0);
	assert_int_equal(step(en->db, dmc_round_certify, rid, f->s3, open + 60, &e), 0);
	long long area = scalar(en->db, "SELECT area_id FROM schools WHERE id = $1", f->s3);
	json_t *all = dmc_subsidy_area(en->db, rid, area, 0, &e);
	assert_non_null(all);
	assert_int_equal(json_array_size(json_object_get(all, "schools")), 1); /* only s3 certified */
	json_t *row = json_array_get(json_object_get(all, "schools"), 0);
	assert_int_equal(jint(row, "school_id"), f->s3);
	long long k = scalar(en->db, "SELECT COALESCE(SUM(c.n), 0) FROM dmc_snapshot_counts c JOIN dmc_grades g ON g.code = c.grade "
				     "WHERE c.round_id = $1 AND g.level = 'kinder'", rid);
	long long up = scalar(en->db, "SELECT COALESCE(SUM(c.n), 0) FROM dmc_snapshot_counts c JOIN dmc_grades g ON g.code = c.grade "
				      "WHERE c.round_id = $1 AND g.level = 'upper'", rid);
	long long heads = scalar(en->db, "SELECT COALESCE(SUM(n), 0) FROM dmc_snapshot_counts WHERE round_id = $1", rid);
	assert_true(k >= 1 && up >= 1);
	assert_int_equal(jint(json_array_get(json_object_get(row, "levels"), 0), "heads"), k);
	assert_int_equal(jint(json_array_get(json_object_get(row, "levels"), 3), "amount_satang"), up * 380000);
	assert_int_equal(jint(row, "heads"), heads);
	long long amount = jint(row, "amount_satang");
	assert_int_equal(jint(json_object_get(all, "totals"), "amount_satang"), amount);
	json_decref(all);
	/* the year's own rates */
	const long long mine[DMC_NLEVELS] = {200000, 200000, 400000, 400000};
	assert_int_equal(dmc_subsidy_rates_set(en->db, 2572, mine, 0, NOW, &e), 0);
	const long long bad[DMC_NLEVELS] = {200000, -1, 400000, 400000};
	assert_int_equal(dmc_subsidy_rates_set(en->db, 2572, bad, 0, NOW, &e), -1);
	assert_string_equal(e.field, "primary");
	err_clear(&e);
	assert_int_equal(dmc_subsidy_rates(en->db, 2572, rates, &own, &e), 0);
	assert_true(own);
	assert_int_equal(rates[3], 400000);
	/* a learner added after certification changes nothing */
	char c[14];
	new_id(c);
	struct dmc_learner_in ic = kid(c, "m5");
	ic.birth_date = "2010-01-01";
	assert_true(dmc_learner_add(en->db, f->s3, &ic, 0, NOW, &elsewhere, &e) > 0);
	json_t *one = dmc_subsidy_area(en->db, rid, 0, f->s3, &e);
	row = json_array_get(json_object_get(one, "schools"), 0);
	assert_int_equal(jint(row, "heads"), heads);
	assert_int_equal(jint(json_array_get(json_object_get(row, "levels"), 3), "amount_satang"), up * 400000);
	json_decref(one);
	/* a school that has not certified: nothing */
	one = dmc_subsidy_area(en->db, rid, 0, f->s1, &e);
	assert_int_equal(json_array_size(json_object_get(one, "schools")), 0);
	json_decref(one);
	assert_null(dmc_subsidy_area(en->db, rid + 100000, area, 0, &e));
	assert_int_equal(e.status, 404);
	err_clear(&e);
}

/* An area's extension: later close for its schools only, never earlier,
 * not after the window closed; the national round row untouched. Year 2573. */
static void test_round_extension(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	assert_int_equal(dmc_rounds_ensure(en->db, 2573, &e), 0);
	long long rid = scalar(en->db, "SELECT id FROM dmc_rounds WHERE academic_year = $1 AND round_no = 1", 2573);
	long long area = scalar(en->db, "SELECT area_id FROM schools WHERE id = $1", f->s1);
	long long other_area = org_area_add(en->db, en->kind == DB_SQLITE ? "9951" : "9952", "สำนักงานเขตทดสอบอื่น",
					    "สพป.ทดสอบอื่น", "primary", "ยโสธร", &e);
	assert_true(other_area > 0);
	long long other = org_school_add(en->db, other_area, en->kind == DB_SQLITE ? "1099510001" : "1099520001",
					 en->kind == DB_SQLITE ? "99510001" : "99520001", "โรงเรียนเขตอื่น", "เมือง", "ยโสธร", &e);
	assert_true(other > 0);
	long long morning = bkk(2030, 6, 10, 10, 0, 0), at17 = bkk(2030, 6, 10, 17, 0, 0);
	assert_int_equal(dmc_round_extend(en->db, rid, area, "16:00", -1, 0, morning, &e), -1);
	assert_string_equal(e.field, "close_time");
	err_clear(&e);
	assert_int_equal(dmc_round_extend(en->db, rid, area, "18:00", 0, 0, morning, &e), 0);
	assert_int_equal(dmc_round_extend(en->db, rid, area, "19:00", 0, 0, morning, &e), -1); /* stale */
	assert_int_equal(e.status, 409);
	err_clear(&e);
	json_t *x = dmc_round_for_school(en->db, rid, f->s1, &e);
	assert_int_equal(jint(x, "close_at"), bkk(2030, 6, 10, 18, 0, 0));
	assert_int_equal(jint(x, "extended"), 1);
	json_decref(x);
	x = dmc_round_for_school(en->db, rid, other, &e);
	assert_int_equal(jint(x, "close_at"), bkk(2030, 6, 10, 16, 30, 0));
	json_decref(x);
	assert_int_equal(step(en->db, dmc_round_confirm, rid, f->s1, at17, &e), 0);
	assert_int_equal(step(en->db, dmc_round_confirm, rid, other, at17, &e), -1);
	assert_int_equal(e.status, 409);
	json_t *cur = dmc_round_current_area(en->db, area, at17, &e);
	assert_int_equal(jint(cur, "id"), rid);
	json_decref(cur);
	cur = dmc_round_current_area(en->db, other_area, at17, &e);
	assert_true(jint(cur, "id") != rid);
	json_decref(cur);
	/* closed: not reopened */
	assert_int_equal(dmc_round_extend(en->db, rid, area, "20:00", -1, 0, bkk(2030, 6, 10, 18, 1, 0), &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	assert_int_equal(scalar(en->db, "SELECT close_at FROM dmc_rounds WHERE id = $1", rid), bkk(2030, 6, 10, 16, 30, 0));
}

/* An area's extension of a round day (dmc_round_areas) moves the year-end
 * promotion and the citizen-ID correction cut-off for its schools, not
 * only the confirm window; another area's schools keep OBEC's close. */
static void test_extension_moves_promotion_and_corrections(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	assert_int_equal(dmc_rounds_ensure(en->db, 2574, &e), 0);
	long long rid = scalar(en->db, "SELECT id FROM dmc_rounds WHERE academic_year = $1 AND round_no = 3", 2574);
	long long area = scalar(en->db, "SELECT area_id FROM schools WHERE id = $1", f->s1);
	long long other_area = org_area_add(en->db, en->kind == DB_SQLITE ? "9953" : "9954", "สำนักงานเขตทดสอบขยาย",
					    "สพป.ทดสอบขยาย", "primary", "ยโสธร", &e);
	assert_true(other_area > 0);
	long long other = org_school_add(en->db, other_area, en->kind == DB_SQLITE ? "1099530001" : "1099540001",
					 en->kind == DB_SQLITE ? "99530001" : "99540001", "โรงเรียนไม่ขยายเวลา", "เมือง",
					 "ยโสธร", &e);
	assert_true(other > 0);
	/* the year-end round day of 2574: 30 April 2032; the area closes at 18:00 */
	long long morning = bkk(2032, 4, 30, 9, 0, 0), at17 = bkk(2032, 4, 30, 17, 0, 0);
	long long at1800 = bkk(2032, 4, 30, 18, 0, 59), at1801 = bkk(2032, 4, 30, 18, 1, 0);
	assert_int_equal(dmc_round_extend(en->db, rid, area, "18:00", -1, 0, morning, &e), 0);

	/* promotion: the other area's school may promote at 17:00, ours waits for 18:01 */
	json_t *ye = dmc_yearend(en->db, other, at17, &e);
	assert_non_null(ye);
	assert_string_equal(jstr(ye, "state"), "open");
	assert_int_equal(jint(ye, "opens_at"), bkk(2032, 4, 30, 16, 31, 0));
	json_decref(ye);
	ye = dmc_yearend(en->db, f->s1, at17, &e);
	assert_non_null(ye);
	assert_string_equal(jstr(ye, "state"), "before");
	assert_int_equal(jint(json_object_get(ye, "round"), "id"), rid);
	assert_int_equal(jint(ye, "opens_at"), bkk(2032, 4, 30, 18, 1, 0));
	json_decref(ye);
	ye = dmc_yearend(en->db, f->s1, at1801, &e);
	assert_string_equal(jstr(ye, "state"), "open");
	json_decref(ye);
	long long up, grad, stay;
	assert_int_equal(db_begin(en->db, &e), 0);
	assert_int_equal(dmc_promote_school(en->db, f->s1, 0, at17, &up, &grad, &stay, &e), -1);
	assert_int_equal(e.status, 409);
	db_rollback(en->db);
	err_clear(&e);

	/* corrections: ours still open at 17:00 and through 18:00's minute, the other's closed at 16:31 */
	long long last_close = 0, reopens = 0;
	assert_int_equal(dmc_correction_window(en->db, f->s1, at17, &last_close, &reopens, &e), 0);
	assert_int_equal(reopens, 0);
	assert_int_equal(dmc_correction_window(en->db, f->s1, at1800, &last_close, &reopens, &e), 0);
	assert_int_equal(reopens, 0);
	assert_int_equal(dmc_correction_window(en->db, other, at17, &last_close, &reopens, &e), 0);
	assert_int_equal(last_close, bkk(2032, 4, 30, 16, 30, 0));
	assert_true(reopens > at17);
	assert_int_equal(dmc_correction_window(en->db, f->s1, at1801, &last_close, &reopens, &e), 0);
	assert_int_equal(last_close, bkk(2032, 4, 30, 18, 0, 0));
	assert_true(reopens > at1801);
	/* and the request itself follows it */
	char cid[14], fix[14];
	new_id(cid);
	long long elsewhere = 0;
	struct dmc_learner_in in = kid(cid, "p4");
	assert_int_equal(db_begin(en->db, &e), 0);
	long long id = dmc_learner_add(en->db, f->s1, &in, 0, morning, &elsewhere, &e);
	assert_true(id > 0);
	assert_int_equal(db_commit(en->db, &e), 0);
	new_id(fix);
	assert_int_equal(db_begin(en->db, &e), 0);
	assert_true(dmc_id_fix_request(en->db, f->s1, id, fix, "กรอกผิด", 0, at17, &e) > 0);
	db_rollback(en->db);
	assert_int_equal(db_begin(en->db, &e), 0);
	assert_int_equal(dmc_id_fix_request(en->db, f->s1, id, fix, "กรอกผิด", 0, at1801, &e), -1);
	assert_int_equal(e.status, 409);
	db_rollback(en->db);
}

/* dmc_area_counts (migration 0509's triggers) is the sum of the area's
 * dmc_counts after every kind of change: add, move in from another school,
 * a rebuild of a school's counts, and a school moved to another area. */
static long long area_mismatch(struct db *db)
{
	long long n = -1;
	struct err e = ERR_INIT;
	if (db_int_value(db,
			 "SELECT COUNT(*) FROM (SELECT s.area_id, c.grade, c.sex, SUM(c.n) AS n FROM dmc_counts c "
			 "JOIN schools s ON s.id = c.school_id GROUP BY s.area_id, c.grade, c.sex) x "
			 "FULL JOIN dmc_area_counts a ON a.area_id = x.area_id AND a.grade = x.grade AND a.sex = x.sex "
			 "WHERE COALESCE(a.n, 0) <> COALESCE(x.n, 0)",
			 NULL, 0, &n, &e) < 0)
		fail_msg("area counts: %s", e.msg);
	return n;
}

static void test_area_counts_kept(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	long long area = scalar(en->db, "SELECT area_id FROM schools WHERE id = $1", f->s1);
	char a[14], b[14];
	new_id(a);
	new_id(b);
	long long elsewhere = 0;
	struct dmc_learner_in la = kid(a, "p5"), lb = kid(b, "p5");
	la.birth_date = lb.birth_date = "2015-02-02";
	long long before = scalar(en->db, "SELECT COALESCE(SUM(n), 0) FROM dmc_area_counts WHERE area_id = $1 AND grade = 'p5'",
				  area);
	assert_int_equal(db_begin(en->db, &e), 0);
	assert_true(dmc_learner_add(en->db, f->s1, &la, 0, NOW, &elsewhere, &e) > 0);
	assert_true(dmc_learner_add(en->db, f->s3, &lb, 0, NOW, &elsewhere, &e) > 0);
	assert_true(dmc_learner_move_in(en->db, f->s2, a, "p5", 1, 0, NOW, &e) > 0);
	assert_int_equal(dmc_counts_rebuild(en->db, f->s2, &e), 0);
	assert_int_equal(db_commit(en->db, &e), 0);
	assert_int_equal(area_mismatch(en->db), 0);
	assert_int_equal(scalar(en->db, "SELECT COALESCE(SUM(n), 0) FROM dmc_area_counts WHERE area_id = $1 AND grade = 'p5'",
				area),
			 before + 2);
	/* the third school moves to another area: its counts go with it */
	long long other = org_area_add(en->db, en->kind == DB_SQLITE ? "9955" : "9956", "สำนักงานเขตทดสอบนับ",
				       "สพป.ทดสอบนับ", "primary", "ยโสธร", &e);
	assert_true(other > 0);
	long long s3n = scalar(en->db, "SELECT COALESCE(SUM(n), 0) FROM dmc_counts WHERE school_id = $1", f->s3);
	assert_true(s3n > 0);
	assert_true(db_exec(en->db, "UPDATE schools SET area_id = $2 WHERE id = $1", DB_ARGS(DB_INT(f->s3), DB_INT(other)),
			    &e) == 1);
	assert_int_equal(area_mismatch(en->db), 0);
	assert_int_equal(scalar(en->db, "SELECT COALESCE(SUM(n), 0) FROM dmc_area_counts WHERE area_id = $1", other), s3n);
	assert_true(db_exec(en->db, "UPDATE schools SET area_id = $2 WHERE id = $1", DB_ARGS(DB_INT(f->s3), DB_INT(area)),
			    &e) == 1);
	assert_int_equal(area_mismatch(en->db), 0);
	assert_int_equal(scalar(en->db, "SELECT COALESCE(SUM(n), 0) FROM dmc_area_counts WHERE area_id = $1", other), 0);
}

/* dmc_round_area_progress (migration 0513's triggers) is the GROUP BY of
 * dmc_round_schools by round and area after every kind of change: a row
 * added, changed (acknowledged), a school moved to another area and back,
 * a row removed. */
static long long progress_mismatch(struct db *db)
{
	long long n = -1;
	struct err e = ERR_INIT;
	if (db_int_value(db,
			 "SELECT COUNT(*) FROM (SELECT rs.round_id, s.area_id, COUNT(rs.confirmed_at) AS confirmed, "
			 "COUNT(rs.certified_at) AS certified, COUNT(rs.acknowledged_at) AS acknowledged, "
			 "SUM(CASE WHEN rs.certified_at IS NOT NULL THEN COALESCE(rs.certified_male, 0) ELSE 0 END) AS m, "
			 "SUM(CASE WHEN rs.certified_at IS NOT NULL THEN COALESCE(rs.certified_female, 0) ELSE 0 END) AS f "
			 "FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id GROUP BY rs.round_id, s.area_id) x "
			 "FULL JOIN dmc_round_area_progress p ON p.round_id = x.round_id AND p.area_id = x.area_id "
			 "WHERE COALESCE(p.confirmed, 0) <> COALESCE(x.confirmed, 0) "
			 "OR COALESCE(p.certified, 0) <> COALESCE(x.certified, 0) "
			 "OR COALESCE(p.acknowledged, 0) <> COALESCE(x.acknowledged, 0) "
			 "OR COALESCE(p.certified_male, 0) <> COALESCE(x.m, 0) "
			 "OR COALESCE(p.certified_female, 0) <> COALESCE(x.f, 0)",
			 NULL, 0, &n, &e) < 0)
		fail_msg("round progress: %s", e.msg);
	return n;
}

static long long progress_of(struct db *db, const char *col, long long round_id, long long area_id)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT COALESCE(SUM(%s), 0) FROM dmc_round_area_progress WHERE round_id = $1 "
				  "AND area_id = $2", col);
	long long n = -1;
	struct err e = ERR_INIT;
	if (db_int_value(db, sql, DB_ARGS(DB_INT(round_id), DB_INT(area_id)), &n, &e) < 0)
		fail_msg("progress: %s", e.msg);
	return n;
}

static void test_round_progress_kept(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	assert_int_equal(progress_mismatch(en->db), 0); /* after the confirm, certify, acknowledge above */
	assert_int_equal(dmc_rounds_ensure(en->db, 2569, &e), 0);
	long long rid = scalar(en->db, "SELECT id FROM dmc_rounds WHERE academic_year = $1 AND round_no = 2", 2569);
	long long area = scalar(en->db, "SELECT area_id FROM schools WHERE id = $1", f->s3);
	long long c0 = progress_of(en->db, "certified", rid, area), m0 = progress_of(en->db, "certified_male", rid, area);
	/* confirmed and certified at once (as the demo and the bench write rows) */
	assert_true(db_exec(en->db,
			    "INSERT INTO dmc_round_schools (round_id, school_id, confirmed_at, certified_at, certified_male, "
			    "certified_female) VALUES ($1, $2, 10, 20, 7, 5)",
			    DB_ARGS(DB_INT(rid), DB_INT(f->s3)), &e) == 1);
	assert_int_equal(progress_mismatch(en->db), 0);
	assert_int_equal(progress_of(en->db, "certified", rid, area), c0 + 1);
	assert_int_equal(progress_of(en->db, "certified_male", rid, area), m0 + 7);
	assert_true(db_exec(en->db, "UPDATE dmc_round_schools SET acknowledged_at = 30 WHERE round_id = $1 AND school_id = $2",
			    DB_ARGS(DB_INT(rid), DB_INT(f->s3)), &e) == 1);
	assert_int_equal(progress_mismatch(en->db), 0);
	/* the school moves to another area: its rows go with it, and back */
	long long other = org_area_add(en->db, en->kind == DB_SQLITE ? "9957" : "9958", "สำนักงานเขตทดสอบความก้าวหน้า",
				       "สพป.ทดสอบความก้าวหน้า", "primary", "ยโสธร", &e);
	assert_true(other > 0);
	assert_true(db_exec(en->db, "UPDATE schools SET area_id = $2 WHERE id = $1", DB_ARGS(DB_INT(f->s3), DB_INT(other)),
			    &e) == 1);
	assert_int_equal(progress_mismatch(en->db), 0);
	assert_int_equal(progress_of(en->db, "certified", rid, other), 1);
	assert_int_equal(progress_of(en->db, "acknowledged", rid, other), 1);
	assert_int_equal(progress_of(en->db, "certified_female", rid, other), 5);
	assert_int_equal(progress_of(en->db, "certified", rid, area), c0);
	assert_true(db_exec(en->db, "UPDATE schools SET area_id = $2 WHERE id = $1", DB_ARGS(DB_INT(f->s3), DB_INT(area)),
			    &e) == 1);
	assert_int_equal(progress_mismatch(en->db), 0);
	assert_int_equal(progress_of(en->db, "certified", rid, other), 0);
	/* removed: the area's progress drops it */
	assert_true(db_exec(en->db, "DELETE FROM dmc_round_schools WHERE round_id = $1 AND school_id = $2",
			    DB_ARGS(DB_INT(rid), DB_INT(f->s3)), &e) == 1);
	assert_int_equal(progress_mismatch(en->db), 0);
	assert_int_equal(progress_of(en->db, "certified", rid, area), c0);
	assert_int_equal(progress_of(en->db, "certified_male", rid, area), m0);
}

/* The area page's status filter (dmc_area_page): the ?status= words, and
 * how many schools each lists from the kept counts (a school confirms
 * before it certifies, so confirmed counts the certified too). */
static void test_area_status(void **state)
{
	(void)state;
	assert_int_equal(dmc_area_status_parse(NULL), DMC_AREA_ALL);
	assert_int_equal(dmc_area_status_parse(""), DMC_AREA_ALL);
	assert_int_equal(dmc_area_status_parse("pending"), DMC_AREA_PENDING);
	assert_int_equal(dmc_area_status_parse("confirmed"), DMC_AREA_CONFIRMED);
	assert_int_equal(dmc_area_status_parse("certified"), DMC_AREA_CERTIFIED);
	assert_int_equal(dmc_area_status_parse("Certified"), -1);
	assert_int_equal(dmc_area_status_parse("all"), -1);
	assert_int_equal(dmc_area_status_parse("pending "), -1);
	for (int k = DMC_AREA_ALL; k <= DMC_AREA_CERTIFIED; k++)
		assert_int_equal(dmc_area_status_parse(dmc_area_status_code(k)), k);
	assert_string_equal(dmc_area_status_code(7), "");
	/* 300 schools, 120 confirmed of which 45 certified */
	assert_int_equal(dmc_area_status_total(DMC_AREA_ALL, 300, 120, 45), 300);
	assert_int_equal(dmc_area_status_total(DMC_AREA_PENDING, 300, 120, 45), 180);
	assert_int_equal(dmc_area_status_total(DMC_AREA_CONFIRMED, 300, 120, 45), 75);
	assert_int_equal(dmc_area_status_total(DMC_AREA_CERTIFIED, 300, 120, 45), 45);
	/* no round yet: every school not confirmed; never below zero */
	assert_int_equal(dmc_area_status_total(DMC_AREA_PENDING, 30, 0, 0), 30);
	assert_int_equal(dmc_area_status_total(DMC_AREA_PENDING, 2, 3, 3), 0);
	assert_int_equal(dmc_area_status_total(DMC_AREA_CONFIRMED, 2, 1, 2), 0);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_window_edges), cmocka_unit_test(test_window_message),
	    cmocka_unit_test(test_round_times),	 cmocka_unit_test(test_identity),
	    cmocka_unit_test(test_measures),	 cmocka_unit_test(test_birth),
	    cmocka_unit_test(test_promotion),
	    cmocka_unit_test(test_correction_cutoff),
	    cmocka_unit_test(test_gcode_make),
	    cmocka_unit_test(test_subsidy_amount),
	    cmocka_unit_test(test_area_status),
	};
	const struct CMUnitTest db_tests[] = {
	    cmocka_unit_test(test_one_active_record),
	    cmocka_unit_test(test_move_in_keeps_history_and_counts),
	    cmocka_unit_test(test_version_follows_changes),
	    cmocka_unit_test(test_snapshot_frozen),
	    cmocka_unit_test(test_grade_many),
	    cmocka_unit_test(test_round_current_reads_only),
	    cmocka_unit_test(test_promotion_year_end),
	    cmocka_unit_test(test_requests),
	    cmocka_unit_test(test_gcode_requests),
	    cmocka_unit_test(test_basic_data),
	    cmocka_unit_test(test_round_settings),
	    cmocka_unit_test(test_subsidy_from_snapshot),
	    cmocka_unit_test(test_round_extension),
	    cmocka_unit_test(test_extension_moves_promotion_and_corrections),
	    cmocka_unit_test(test_area_counts_kept),
	    cmocka_unit_test(test_round_progress_kept),
	};
	int failed = cmocka_run_group_tests_name("dmc_rules", pure, NULL, NULL);
	engine_after_migrate = seed;
	failed += run_engine_groups("dmc", db_tests);
	return failed ? 1 : 0;
}
