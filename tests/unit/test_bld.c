/* test_bld: the buildings module's rules as plain functions — the
 * collection window (1–30 October before 16:30 Bangkok time: 16:29 open,
 * 16:30 and 16:31 closed; midnight of 1 October; an area's extension, and
 * one earlier than the close ignored; the year a time belongs to; the
 * refusal's message saying when it opens), read through core/clock.c's
 * test clock as the server reads it; a building's typed values (a CE year
 * such as 1995 named as ค.ศ. with its พ.ศ., a future year, floors 0 and
 * 100, a negative or zero area, lat/long, room rows); the needs of the
 * budget request list (classrooms lacking counted only from good and fair
 * buildings, never below 0; ทรุดโทรม older than 40 years to replace, 40
 * exactly not); and an image's size from a PNG or JPEG header. Then on a
 * fresh SQLite file (and PostgreSQL when KHET_TEST_PG names a server): a
 * submission refused naming each missing item with nothing stored, then
 * made; the budget list from it; and the data calendar's reader
 * (bld_deadlines): the window overlapping the asked dates, the schools
 * still owing, an area's extension moving the due time. */
#define SCHEMA "khet_unit_bld"
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "bld/bld.h"
#include "core/clock.h"
#include "core/db_internal.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "bld/bld_internal.h"
#include "org/org.h"

/* now as the server sees it: the test clock of core/clock.c */
static long long at(int y, int mo, int d, int h, int mi)
{
	char v[32];
	snprintf(v, sizeof v, "%lld", thai_from_local(y, mo, d, h, mi, 0));
	setenv("KHET_TEST_ROUTES", "1", 1);
	setenv("KHET_TEST_NOW", v, 1);
	return clock_now(NULL);
}

static void test_window_edges(void **state)
{
	(void)state;
	struct bld_window w;
	bld_window_default(2569, &w);
	assert_int_equal(w.year, 2569);
	/* Thai time: 1 October 2026 00:00 in Bangkok is 30 September 17:00 UTC */
	assert_int_equal(w.opens, 1790787600LL);
	assert_int_equal(bld_window_at(&w, 0, at(2026, 9, 30, 23, 59)), BLD_BEFORE);
	assert_int_equal(bld_window_at(&w, 0, at(2026, 10, 1, 0, 0)), BLD_OPEN);
	assert_int_equal(bld_window_at(&w, 0, at(2026, 10, 15, 12, 0)), BLD_OPEN);
	assert_int_equal(bld_window_at(&w, 0, at(2026, 10, 30, 16, 29)), BLD_OPEN);
	assert_int_equal(bld_window_at(&w, 0, at(2026, 10, 30, 16, 30)), BLD_CLOSED);
	assert_int_equal(bld_window_at(&w, 0, at(2026, 10, 30, 16, 31)), BLD_CLOSED);
	assert_int_equal(bld_window_at(&w, 0, at(2026, 10, 31, 9, 0)), BLD_CLOSED);
	/* 16:29:59 is still open, 16:30:00 not: the close is exclusive */
	assert_int_equal(bld_window_at(&w, 0, w.closes - 1), BLD_OPEN);
	assert_int_equal(bld_window_at(&w, 0, w.closes), BLD_CLOSED);
	/* 16:30 Bangkok is 09:30 UTC */
	int h, mi;
	thai_local(w.closes, NULL, NULL, NULL, &h, &mi, NULL, NULL);
	assert_int_equal(h, 16);
	assert_int_equal(mi, 30);
	assert_int_equal((w.closes % 86400) / 60, 9 * 60 + 30);
}

static void test_window_extension(void **state)
{
	(void)state;
	struct bld_window w;
	bld_window_default(2569, &w);
	long long ext = thai_from_local(2026, 11, 6, 16, 30, 0);
	assert_int_equal(bld_window_at(&w, ext, at(2026, 10, 30, 16, 31)), BLD_OPEN);
	assert_int_equal(bld_window_at(&w, ext, at(2026, 11, 6, 16, 29)), BLD_OPEN);
	assert_int_equal(bld_window_at(&w, ext, at(2026, 11, 6, 16, 30)), BLD_CLOSED);
	assert_int_equal(bld_window_close(&w, ext), ext);
	/* an extension never closes earlier */
	long long early = thai_from_local(2026, 10, 20, 16, 30, 0);
	assert_int_equal(bld_window_at(&w, early, at(2026, 10, 25, 9, 0)), BLD_OPEN);
	assert_int_equal(bld_window_close(&w, early), w.closes);
	/* the extension does not open it earlier either */
	assert_int_equal(bld_window_at(&w, ext, at(2026, 9, 30, 12, 0)), BLD_BEFORE);
}

static void test_window_year_and_message(void **state)
{
	(void)state;
	assert_int_equal(bld_year_at(at(2026, 10, 1, 0, 0)), 2569);
	assert_int_equal(bld_year_at(at(2026, 12, 31, 23, 59)), 2569);
	/* 1 January 2027 00:30 in Bangkok is still 31 December in UTC */
	assert_int_equal(bld_year_at(at(2027, 1, 1, 0, 30)), 2570);
	struct bld_window w;
	bld_window_default(2569, &w);
	struct buf b = BUF_INIT;
	bld_window_message(&w, 0, at(2026, 9, 1, 9, 0), &b);
	assert_non_null(strstr(buf_cstr(&b), "ยังไม่เปิด"));
	assert_non_null(strstr(buf_cstr(&b), "1 ตุลาคม 2569 เวลา 00:00 น."));
	assert_non_null(strstr(buf_cstr(&b), "30 ตุลาคม 2569 เวลา 16:30 น."));
	buf_reset(&b);
	bld_window_message(&w, 0, at(2026, 10, 30, 16, 30), &b);
	assert_non_null(strstr(buf_cstr(&b), "ปิดรับข้อมูล"));
	assert_non_null(strstr(buf_cstr(&b), "1 ตุลาคม 2570"));
	buf_reset(&b);
	long long ext = thai_from_local(2026, 11, 6, 12, 0, 0);
	bld_window_message(&w, ext, at(2026, 11, 7, 9, 0), &b);
	assert_non_null(strstr(buf_cstr(&b), "6 พฤศจิกายน 2569 เวลา 12:00 น."));
	buf_release(&b);
}

static struct bld_building_in good(void)
{
	struct bld_building_in in = {
	    .name = "อาคารเรียน 1",
	    .type = "classroom",
	    .plan = "spc105_29",
	    .condition = "good",
	    .budget_source = "obec",
	    .lat = "",
	    .lng = "",
	    .year_built = 2538,
	    .floors = 2,
	    .area_m2 = 640,
	};
	for (int i = 0; i < BLD_ROOM_ROWS; i++)
		in.rooms[i].n = -1;
	in.rooms[0].use = "classroom";
	in.rooms[0].n = 6;
	return in;
}

static void expect(struct bld_building_in in, const char *field, const char *words)
{
	struct err e = ERR_INIT;
	assert_int_equal(bld_building_check(&in, 2569, &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, field);
	if (words && !strstr(e.msg, words))
		fail_msg("%s: \"%s\" lacks \"%s\"", field, e.msg, words);
}

/* bld_building_errors names every bad field once, so the form shows them all */
struct seen {
	char fields[8][32];
	int n;
};

static void collect(void *ctx, const char *field, const char *msg)
{
	struct seen *s = ctx;
	assert_true(msg && *msg);
	if (s->n < 8)
		snprintf(s->fields[s->n], sizeof s->fields[0], "%s", field);
	s->n++;
}

static void test_building_errors_all(void **state)
{
	(void)state;
	struct seen s = {0};
	struct bld_building_in in = good();
	assert_int_equal(bld_building_errors(&in, 2569, collect, &s), 0);
	in.year_built = 1995;
	in.floors = 0;
	in.area_m2 = -5;
	in.rooms[0].n = 0;
	assert_int_equal(bld_building_errors(&in, 2569, collect, &s), 4);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.fields[0], "year_built");
	assert_string_equal(s.fields[1], "floors");
	assert_string_equal(s.fields[2], "area_m2");
	assert_string_equal(s.fields[3], "room_n_1");
	/* the one-error form still gives the first */
	struct err e = ERR_INIT;
	assert_int_equal(bld_building_check(&in, 2569, &e), -1);
	assert_string_equal(e.field, "year_built");
}

static void test_building_check(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct bld_building_in in = good();
	assert_int_equal(bld_building_check(&in, 2569, &e), 0);
	in.year_built = 2569;
	assert_int_equal(bld_building_check(&in, 2569, &e), 0);
	in = good();
	in.year_built = 1995;
	expect(in, "year_built", "ค.ศ.");
	expect(in, "year_built", "พ.ศ. 2538");
	in.year_built = 2570;
	expect(in, "year_built", "อนาคต");
	in.year_built = 25;
	expect(in, "year_built", "พุทธศักราช");
	in = good();
	in.floors = 0;
	expect(in, "floors", "1 ถึง 20");
	in.floors = 100;
	expect(in, "floors", "1 ถึง 20");
	in.floors = 20;
	assert_int_equal(bld_building_check(&in, 2569, &e), 0);
	in = good();
	in.area_m2 = -5;
	expect(in, "area_m2", "มากกว่า 0");
	in.area_m2 = 0;
	expect(in, "area_m2", "มากกว่า 0");
	in = good();
	in.condition = "broken";
	expect(in, "condition", NULL);
	in = good();
	in.lat = "15.79";
	expect(in, "lng", "ทั้งละติจูดและลองจิจูด");
	in.lng = "104.14";
	assert_int_equal(bld_building_check(&in, 2569, &e), 0);
	in.lng = "150.1";
	expect(in, "lng", "ประเทศไทย");
	in.lng = "10a";
	expect(in, "lng", NULL);
	in = good();
	in.rooms[1].use = "";
	in.rooms[1].n = 3;
	expect(in, "room_use_2", "แถวที่ 2");
	in.rooms[1].use = "library";
	in.rooms[1].n = 0;
	expect(in, "room_n_2", "1 ถึง 200");
	in.rooms[1].use = "classroom";
	in.rooms[1].n = 2;
	expect(in, "room_use_2", "แถวที่ 1");
	assert_string_equal(bld_condition_label("dilapidated"), "ทรุดโทรม");
	assert_string_equal(bld_condition_label("x"), "");
}

static void test_needs(void **state)
{
	(void)state;
	struct bld_need_building b[] = {
	    {"good", 2550, 6},	      /* usable */
	    {"fair", 2530, 4},	      /* usable */
	    {"damaged", 2520, 3},     /* not usable, not to replace */
	    {"dilapidated", 2528, 2}, /* 41 years at 2569: to replace, not usable */
	    {"dilapidated", 2529, 2}, /* 40 years: not older than 40 */
	    {"good", 2560, 0},	      /* a hall: no classrooms */
	};
	bool rep[6];
	struct bld_needs n;
	bld_needs(14, b, 6, 2569, &n, rep);
	assert_int_equal(n.taught, 14);
	assert_int_equal(n.usable, 10);
	assert_int_equal(n.lacking, 4);
	assert_int_equal(n.to_replace, 1);
	assert_false(rep[0]);
	assert_false(rep[2]);
	assert_true(rep[3]);
	assert_false(rep[4]);
	/* more usable rooms than taught: nothing lacking, never negative */
	bld_needs(8, b, 6, 2569, &n, NULL);
	assert_int_equal(n.lacking, 0);
	/* unknown rooms taught (-1): nothing lacking counted */
	bld_needs(-1, b, 6, 2569, &n, NULL);
	assert_int_equal(n.lacking, 0);
	/* no buildings: every room taught is lacking */
	bld_needs(5, NULL, 0, 2569, &n, NULL);
	assert_int_equal(n.usable, 0);
	assert_int_equal(n.lacking, 5);
	/* a year later the 40-year-old one is older than 40 */
	bld_needs(14, b, 6, 2570, &n, rep);
	assert_int_equal(n.to_replace, 2);
	assert_true(rep[4]);
}

static void test_image_size(void **state)
{
	(void)state;
	/* the 1×1 PNG of the HTTP tests */
	static const unsigned char png[] = {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
					    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x02, 0x80, 0x00, 0x00, 0x01, 0xe0,
					    0x08, 0x06, 0x00, 0x00, 0x00};
	long w = 0, h = 0;
	assert_int_equal(bld_image_size(png, sizeof png, &w, &h), 0);
	assert_int_equal(w, 640);
	assert_int_equal(h, 480);
	/* a JPEG: SOI, an APP0 segment, then SOF0 with height 300 and width 400 */
	static const unsigned char jpg[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00,
					    0x11, 0x08, 0x01, 0x2c, 0x01, 0x90, 0x03, 0x01, 0x22, 0x00};
	assert_int_equal(bld_image_size(jpg, sizeof jpg, &w, &h), 0);
	assert_int_equal(w, 400);
	assert_int_equal(h, 300);
	static const unsigned char pdf[] = "%PDF-1.4\n";
	assert_int_equal(bld_image_size(pdf, sizeof pdf, &w, &h), -1);
	assert_int_equal(bld_image_size(jpg, 6, &w, &h), -1); /* cut off before the frame */
	long tw, th;
	bld_thumb_size(640, 480, 160, &tw, &th);
	assert_int_equal(tw, 160);
	assert_int_equal(th, 120);
	bld_thumb_size(300, 600, 160, &tw, &th);
	assert_int_equal(tw, 80);
	assert_int_equal(th, 160);
	bld_thumb_size(1, 1, 160, &tw, &th);
	assert_int_equal(tw, 1);
}

/* ---- storage ------------------------------------------------------------------------ */

struct fx {
	long long area, area2, s1, s2, s3;
};
static struct fx sqlite_fx, pg_fx;

static int seed(struct engine *en, struct err *e)
{
	struct fx *f = en->kind == DB_SQLITE ? &sqlite_fx : &pg_fx;
	en->data = f;
	f->area = org_area_add(en->db, "9901", "สำนักงานเขตทดสอบ", "สพป.ทดสอบ", "primary", "ยโสธร", e);
	f->area2 = org_area_add(en->db, "9902", "สำนักงานเขตทดสอบสอง", "สพป.ทดสอบ 2", "primary", "ยโสธร", e);
	if (f->area < 0 || f->area2 < 0)
		return -1;
	f->s1 = org_school_add(en->db, f->area, "1099010001", "99010001", "โรงเรียนบ้านหนึ่ง", "เมือง", "ยโสธร", e);
	f->s2 = org_school_add(en->db, f->area, "1099010002", "99010002", "โรงเรียนบ้านสอง", "เมือง", "ยโสธร", e);
	f->s3 = org_school_add(en->db, f->area2, "1099020003", "99020003", "โรงเรียนบ้านสาม", "เมือง", "ยโสธร", e);
	return f->s1 > 0 && f->s2 > 0 && f->s3 > 0 ? 0 : -1;
}

#define IN_TX(db, call)                                                                                                \
	({                                                                                                             \
		struct err te_ = ERR_INIT;                                                                             \
		if (db_begin(db, &te_) < 0)                                                                            \
			fail_msg("begin: %s", te_.msg);                                                                \
		long long rc_ = (call);                                                                                \
		if (rc_ < 0)                                                                                           \
			db_rollback(db);                                                                               \
		else if (db_commit(db, &te_) < 0)                                                                      \
			fail_msg("commit: %s", te_.msg);                                                               \
		rc_;                                                                                                   \
	})

static long long scalar(struct db *db, const char *sql, long long id)
{
	long long n = 0;
	struct err e = ERR_INIT;
	if (db_int_value(db, sql, DB_ARGS(DB_INT(id)), &n, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

static void test_db_submit_budget_deadlines(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct db *db = en->db;
	struct err e = ERR_INIT;
	long long now = thai_from_local(2026, 10, 2, 9, 0, 0);
	struct bld_building_in in = good();
	long long b1 = IN_TX(db, bld_building_add(db, f->s1, f->area, &in, 0, now, &e));
	assert_true(b1 > 0);
	in.name = "อาคารไม้";
	in.condition = "dilapidated";
	in.year_built = 2520;
	in.rooms[0].n = 3;
	long long b2 = IN_TX(db, bld_building_add(db, f->s1, f->area, &in, 0, now, &e));
	assert_true(b2 > 0);
	/* missing: a photo of each, the rooms taught (no census module data) */
	err_clear(&e);
	assert_int_equal(IN_TX(db, bld_submit(db, 2569, f->s1, f->area, -1, 0, now, &e)), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "อาคารเรียน 1: ยังไม่มีรูปถ่าย"));
	assert_non_null(strstr(e.msg, "อาคารไม้: ยังไม่มีรูปถ่าย"));
	assert_non_null(strstr(e.msg, "จำนวนห้องเรียน"));
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM bld_school_years WHERE school_id = $1", f->s1), 0);
	assert_true(IN_TX(db, bld_photo_add(db, b1, "files/bld/x.png", "x.png", "image/png", 10, 1, 1, 0, now, &e)) > 0);
	assert_true(IN_TX(db, bld_photo_add(db, b2, "files/bld/y.png", "y.png", "image/png", 10, 1, 1, 0, now, &e)) > 0);
	err_clear(&e);
	assert_int_equal(IN_TX(db, bld_submit(db, 2569, f->s1, f->area, 10, 0, now, &e)), 0);
	/* twice: 409 */
	assert_int_equal(IN_TX(db, bld_submit(db, 2569, f->s1, f->area, 10, 0, now, &e)), -1);
	assert_int_equal(e.status, 409);
	/* and now nothing may change until the area reopens */
	err_clear(&e);
	assert_int_equal(bld_may_change(db, f->s1, f->area, now, &e), -1);
	assert_int_equal(e.status, 409);

	json_t *bud = bld_budget(db, f->area, 2569, &e);
	assert_non_null(bud);
	assert_int_equal(jint(bud, "fiscal_year"), 2571);
	json_t *sc = json_array_get(json_object_get(bud, "schools"), 0);
	assert_int_equal(json_array_size(json_object_get(bud, "schools")), 1);
	assert_int_equal(jint(sc, "school_id"), f->s1);
	assert_int_equal(jint(sc, "taught"), 10);
	assert_int_equal(jint(sc, "usable"), 6);
	assert_int_equal(jint(sc, "lacking"), 4);
	assert_int_equal(json_array_size(json_object_get(sc, "replace")), 1);
	assert_int_equal(json_array_size(json_object_get(bud, "not_submitted")), 1);
	json_decref(bud);

	/* the data calendar: October 2026 holds the window; s2 still owes */
	json_t *out = json_array();
	struct deadline_query q = {f->area, 0, "2026-10-01", "2026-10-31"};
	assert_int_equal(bld_deadlines(db, &q, out, &e), 0);
	assert_int_equal(json_array_size(out), 1);
	json_t *d = json_array_get(out, 0);
	assert_string_equal(jstr(d, "key"), "bld.2569");
	assert_string_equal(jstr(d, "module"), "bld");
	assert_string_equal(jstr(d, "title"), "ข้อมูลอาคารเรียน (B-OBEC) ปี 2569");
	assert_string_equal(jstr(d, "opens"), "2026-10-01T00:00:00+07:00");
	assert_string_equal(jstr(d, "due"), "2026-10-30T16:30:00+07:00");
	json_t *owing = json_object_get(d, "owing");
	assert_int_equal(json_array_size(owing), 1);
	assert_int_equal(jint(json_array_get(owing, 0), "school_id"), f->s2);
	assert_string_equal(jstr(json_array_get(owing, 0), "name"), "โรงเรียนบ้านสอง");
	/* what it still has to do: it has no building yet */
	assert_string_equal(jstr(json_array_get(owing, 0), "detail"), "ยังไม่ได้กรอกข้อมูลอาคารและส่งข้อมูล");
	json_array_clear(out);
	/* the one school that submitted owes nothing */
	struct deadline_query q1 = {f->area, f->s1, "2026-10-01", "2026-10-31"};
	assert_int_equal(bld_deadlines(db, &q1, out, &e), 0);
	assert_int_equal(json_array_size(json_object_get(json_array_get(out, 0), "owing")), 0);
	json_array_clear(out);
	/* after the close: nothing, until the area extends */
	struct deadline_query q2 = {f->area, 0, "2026-11-01", "2026-12-31"};
	assert_int_equal(bld_deadlines(db, &q2, out, &e), 0);
	assert_int_equal(json_array_size(out), 0);
	long long ext = thai_from_local(2026, 11, 6, 16, 30, 0);
	assert_int_equal(IN_TX(db, bld_area_extend(db, 2569, f->area, ext, 0, now, &e)), 0);
	assert_int_equal(bld_deadlines(db, &q2, out, &e), 0);
	assert_int_equal(json_array_size(out), 1);
	assert_string_equal(jstr(json_array_get(out, 0), "due"), "2026-11-06T16:30:00+07:00");
	json_array_clear(out);
	/* the other area keeps OBEC's close */
	struct deadline_query q3 = {f->area2, 0, "2026-11-01", "2026-12-31"};
	assert_int_equal(bld_deadlines(db, &q3, out, &e), 0);
	assert_int_equal(json_array_size(out), 0);
	/* an extension earlier than the close is refused */
	err_clear(&e);
	assert_int_equal(IN_TX(db, bld_area_extend(db, 2569, f->area2, thai_from_local(2026, 10, 20, 16, 30, 0), 0, now, &e)), -1);
	assert_string_equal(e.field, "closes_on");
	json_decref(out);
	/* OBEC's own settings of a year replace the default */
	struct bld_window w;
	long long ac = -1;
	assert_int_equal(IN_TX(db, bld_window_set(db, 2570, thai_from_local(2027, 10, 5, 0, 0, 0),
						 thai_from_local(2027, 11, 2, 12, 0, 0), 0, now, &e)),
			 0);
	assert_int_equal(bld_window_get(db, 2570, f->area2, &w, &ac, &e), 0);
	assert_int_equal(ac, 0);
	assert_int_equal(bld_window_at(&w, ac, thai_from_local(2027, 10, 4, 12, 0, 0)), BLD_BEFORE);
	assert_int_equal(bld_window_at(&w, ac, thai_from_local(2027, 11, 2, 11, 59, 0)), BLD_OPEN);
	err_clear(&e);
	assert_int_equal(IN_TX(db, bld_window_set(db, 2571, 100, 100, 0, now, &e)), -1);
	assert_string_equal(e.field, "closes_on");
	/* the area reopens: the school may change again */
	assert_int_equal(IN_TX(db, bld_reopen(db, 2569, f->s1, 0, now, &e)), 0);
	err_clear(&e);
	assert_int_equal(bld_may_change(db, f->s1, f->area, now, &e), 0);
	/* reopened and not sent again: off the budget list, with that reason */
	bud = bld_budget(db, f->area, 2569, &e);
	assert_non_null(bud);
	assert_int_equal(json_array_size(json_object_get(bud, "schools")), 0);
	json_t *ns = json_object_get(bud, "not_submitted");
	assert_int_equal(json_array_size(ns), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *x = json_array_get(ns, i);
		assert_non_null(strstr(jstr(x, "reason"), "ไม่ได้ส่งข้อมูล"));
		assert_true((strstr(jstr(x, "reason"), "เปิดให้แก้ไข") != NULL) == (jint(x, "school_id") == f->s1));
	}
	json_decref(bud);
	assert_int_equal(IN_TX(db, bld_reopen(db, 2569, f->s1, 0, now, &e)), -1);
	assert_int_equal(e.status, 409);
}

/* Statements counted by swapping the connection's engine table (as
 * test_cal does). */
static const struct db_engine *real_engine;
static struct db_engine counting_engine;
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

/* A save checks its codes (type, plan, budget source, every room row's
 * use) in one query and writes its rooms in one insert: the same number
 * of statements with one room row as with six (it was a query a code,
 * found in review); an unknown use is still named at its row. */
static void test_db_save_statements(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct db *db = en->db;
	struct err e = ERR_INIT;
	long long now = thai_from_local(2026, 10, 3, 9, 0, 0);
	struct bld_building_in in = good();
	long long id = IN_TX(db, bld_building_add(db, f->s2, f->area, &in, 0, now, &e));
	assert_true(id > 0);
	count_start(db);
	assert_int_equal(IN_TX(db, bld_building_update(db, id, 1, &in, 0, now, &e)), 0);
	long long one = count_stop(db);
	json_t *known = bld_choices(db, BLD_USES, &e);
	assert_non_null(known);
	assert_true(json_array_size(known) >= BLD_ROOM_ROWS);
	for (int i = 0; i < BLD_ROOM_ROWS; i++) {
		in.rooms[i].use = jstr(json_array_get(known, (size_t)i), "value");
		in.rooms[i].n = i + 1;
	}
	count_start(db);
	assert_int_equal(IN_TX(db, bld_building_update(db, id, 2, &in, 0, now, &e)), 0);
	long long six = count_stop(db);
	assert_int_equal(six, one);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM bld_rooms WHERE building_id = $1", id), BLD_ROOM_ROWS);
	/* the history names the new rooms */
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM bld_history WHERE building_id = $1 AND kind = 'edit'", id), 2);
	/* an unknown use at row 4: refused there, nothing changed */
	in.rooms[3].use = "no-such-use";
	err_clear(&e);
	assert_int_equal(IN_TX(db, bld_building_update(db, id, 3, &in, 0, now, &e)), -1);
	assert_string_equal(e.field, "room_use_4");
	/* an unknown type and plan, at their fields */
	in.rooms[3].use = jstr(json_array_get(known, 3), "value");
	in.plan = "nope";
	err_clear(&e);
	assert_int_equal(IN_TX(db, bld_building_update(db, id, 3, &in, 0, now, &e)), -1);
	assert_string_equal(e.field, "plan");
	in.type = "nope";
	err_clear(&e);
	assert_int_equal(IN_TX(db, bld_building_update(db, id, 3, &in, 0, now, &e)), -1);
	assert_string_equal(e.field, "type");
	assert_int_equal(scalar(db, "SELECT version FROM bld_buildings WHERE id = $1", id), 3);
	json_decref(known);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_window_edges),	 cmocka_unit_test(test_window_extension),
	    cmocka_unit_test(test_window_year_and_message), cmocka_unit_test(test_building_check), cmocka_unit_test(test_building_errors_all),
	    cmocka_unit_test(test_needs),			 cmocka_unit_test(test_image_size),
	};
	const struct CMUnitTest db_tests[] = {
	    cmocka_unit_test(test_db_submit_budget_deadlines),
	    cmocka_unit_test(test_db_save_statements),
	};
	int failed = cmocka_run_group_tests_name("bld", tests, NULL, NULL);
	engine_after_migrate = seed;
	failed += run_engine_groups("bld", db_tests);
	return failed ? 1 : 0;
}
