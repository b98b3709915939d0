/* test_dpa: the personnel registry's rules as plain functions — the
 * retirement rule (30 September of the fiscal year in which the person
 * turns 60, counting age as Thai law does: the 60 years are complete the
 * day before the 60th birthday, so a 1 October birthday retires a year
 * before a 2 October one; 29 February), the salary bounds, the removal
 * date, what a record lacks — and then the storage on a fresh SQLite file
 * (and on PostgreSQL when KHET_TEST_PG names a server): one record per
 * citizen ID in the whole system, a person of another school offered the
 * transfer, a removed person coming back to the same record, a transfer
 * moving the record with its history, two decisions at once (one wins),
 * one pending request per person, a stale save refused, and the counts
 * "recorded N / incomplete M"; the maintained counts (dpa_counts,
 * dpa_type_counts) equal a recount after every kind of write. */
#define SCHEMA "khet_unit_dpa"
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "dpa/dpa.h"
#include "dpa/dpa_internal.h"
#include "org/org.h"

/* ---- pure rules ------------------------------------------------------------------ */

static void test_retirement(void **state)
{
	(void)state;
	/* turns 60 on 14 May 2027 → fiscal year 2027 (1 Oct 2026 – 30 Sep 2027) */
	assert_int_equal(dpa_retire_fy("1967-05-15"), 2027);
	/* 2 October 1966: 60 complete on 1 October 2026 → fiscal year 2027 */
	assert_int_equal(dpa_retire_fy("1966-10-02"), 2027);
	/* 1 October 1966: 60 complete on 30 September 2026 → retires 30 Sep 2026 */
	assert_int_equal(dpa_retire_fy("1966-10-01"), 2026);
	/* 30 September 1966: complete on 29 September 2026 */
	assert_int_equal(dpa_retire_fy("1966-09-30"), 2026);
	/* 1 January 1967: complete on 31 December 2026 → fiscal year 2027 */
	assert_int_equal(dpa_retire_fy("1967-01-01"), 2027);
	/* 31 December 1966: complete on 30 December 2026 → fiscal year 2027 */
	assert_int_equal(dpa_retire_fy("1966-12-31"), 2027);
	/* 29 February 1964: complete on 28 February 2024 → fiscal year 2024 */
	assert_int_equal(dpa_retire_fy("1964-02-29"), 2024);
	/* 29 February 2040: 2100 has no 29 February; 28 Feb or 1 Mar, FY 2100 either way */
	assert_int_equal(dpa_retire_fy("2040-02-29"), 2100);
	/* 1 March 1964: complete on 29 February 2024 */
	assert_int_equal(dpa_retire_fy("1964-03-01"), 2024);
	/* not dates */
	assert_int_equal(dpa_retire_fy("1965-02-29"), -1);
	assert_int_equal(dpa_retire_fy(""), -1);
	assert_int_equal(dpa_retire_fy(NULL), -1);
	assert_int_equal(dpa_retire_fy("15/05/2510"), -1);
}

static void test_salary_and_removal_date(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_int_equal(dpa_salary_check(0, &e), 0);
	assert_int_equal(dpa_salary_check(20000000, &e), 0);
	assert_int_equal(dpa_salary_check(20000001, &e), -1);
	assert_string_equal(e.field, "salary");
	assert_non_null(strstr(e.msg, "200,000"));
	err_clear(&e);
	assert_int_equal(dpa_salary_check(-1, &e), -1);
	assert_non_null(strstr(e.msg, "ติดลบ"));
	/* now: 7 December 2026, fiscal year 2570 BE (Oct 2026 – Sep 2027) */
	long long now = thai_from_local(2026, 12, 7, 10, 0, 0);
	err_clear(&e);
	assert_int_equal(dpa_removal_date_check("2027-09-30", now, &e), 0);
	assert_int_equal(dpa_removal_date_check("2026-12-07", now, &e), 0);
	assert_int_equal(dpa_removal_date_check("2020-01-31", now, &e), 0);
	assert_int_equal(dpa_removal_date_check("2027-10-01", now, &e), -1);
	assert_string_equal(e.field, "removed_on");
	assert_non_null(strstr(e.msg, "30 กันยายน 2570"));
	err_clear(&e);
	assert_int_equal(dpa_removal_date_check("1949-12-31", now, &e), -1);
	err_clear(&e);
	assert_int_equal(dpa_removal_date_check("2026-02-30", now, &e), -1);
}

static void test_missing(void **state)
{
	(void)state;
	struct dpa_staff_in full = {
	    .citizen_id = "1103700012346",
	    .title = "นาย",
	    .first_name = "สมชาย",
	    .last_name = "ใจดี",
	    .birth_date = "1980-01-02",
	    .type = "teacher",
	    .position = "teacher",
	    .position_no = "1234",
	    .standing = "professional",
	    .salary = 3000000,
	    .appointed_on = "2005-05-16",
	    .arrived_on = "2010-05-16",
	    .education = "ค.บ.",
	    .subject = "คณิตศาสตร์",
	    .phone = "0812345678",
	    .email = "",
	};
	struct buf b = BUF_INIT;
	assert_int_equal(dpa_missing(&full, true, &b), 0);
	assert_string_equal(buf_cstr(&b), "");
	struct dpa_staff_in part = full;
	part.position_no = "";
	part.salary = -1;
	part.phone = "";
	assert_int_equal(dpa_missing(&part, true, &b), 3);
	assert_non_null(strstr(buf_cstr(&b), "เลขที่ตำแหน่ง"));
	assert_non_null(strstr(buf_cstr(&b), "เงินเดือน"));
	assert_non_null(strstr(buf_cstr(&b), "โทรศัพท์"));
	/* a contract teacher holds no position number: it is not lacking */
	assert_int_equal(dpa_missing(&part, false, NULL), 2);
	/* a salary of 0 is a recorded salary */
	part.salary = 0;
	assert_int_equal(dpa_missing(&part, false, NULL), 1);
	buf_release(&b);
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

static int seq = 0;
static void new_id(char out[14])
{
	char d12[16];
	snprintf(d12, sizeof d12, "37%010d", ++seq % 1000000000);
	int s = 0;
	for (int i = 0; i < 12; i++)
		s += (d12[i] - '0') * (13 - i);
	memcpy(out, d12, 12);
	out[12] = (char)('0' + (11 - s % 11) % 10);
	out[13] = 0;
}

static struct dpa_staff_in person(const char *cid)
{
	struct dpa_staff_in in = {
	    .citizen_id = cid,
	    .title = "นาง",
	    .first_name = "สุภาพร",
	    .last_name = "ทดสอบ",
	    .birth_date = "1975-03-04",
	    .type = "teacher",
	    .position = "teacher",
	    .position_no = "4411",
	    .standing = "senior",
	    .salary = 4512000,
	    .appointed_on = "1999-05-17",
	    .arrived_on = "2015-05-16",
	    .education = "ค.บ.",
	    .subject = "ภาษาไทย",
	    .phone = "0812345678",
	    .email = "",
	};
	return in;
}

static long long scalar(struct db *db, const char *sql, long long id)
{
	long long n = 0;
	struct err e = ERR_INIT;
	if (db_int_value(db, sql, DB_ARGS(DB_INT(id)), &n, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

#define NOW 1796500000LL /* 2026-12-05 */

/* db_begin … fn … commit or roll back, as a handler's transaction */
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

static void test_one_record_per_person(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	char cid[14];
	new_id(cid);
	struct dpa_staff_in in = person(cid);
	long long elsewhere = 0;
	long long id = IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s1, &in, 0, NOW, &elsewhere, "add", &e));
	assert_true(id > 0);
	assert_int_equal(scalar(en->db, "SELECT missing FROM dpa_staff WHERE id = $1", id), 0);
	assert_int_equal(scalar(en->db, "SELECT retire_fy FROM dpa_staff WHERE id = $1", id), 2035);
	/* again here: refused */
	assert_int_equal(IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s1, &in, 0, NOW, &elsewhere, "add", &e)), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "citizen_id");
	/* at another school: 409, naming the school, offering the transfer */
	err_clear(&e);
	assert_int_equal(IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s2, &in, 0, NOW, &elsewhere, "add", &e)), -1);
	assert_int_equal(e.status, 409);
	assert_int_equal(elsewhere, f->s1);
	assert_non_null(strstr(e.msg, "โรงเรียนบ้านหนึ่ง"));
	assert_non_null(strstr(e.msg, "ขอย้าย"));
	/* the database itself refuses a second row of the ID */
	long long rc =
	    db_exec(en->db,
		    "INSERT INTO dpa_staff (citizen_id, area_id, school_id, status, title, first_name, last_name, "
		    "created_at, updated_at) VALUES ($1, $2, $3, 'active', 'นาย', 'ก', 'ข', 1, 1)",
		    DB_ARGS(DB_TEXT(cid), DB_INT(f->area), DB_INT(f->s2)), &e);
	assert_int_equal(rc, -1);
	assert_int_equal(e.status, 409);
	assert_int_equal(scalar(en->db, "SELECT COUNT(*) FROM dpa_staff WHERE id >= $1", id), 1);
	/* a bad check digit, a salary over the bound, arrival before appointment */
	struct dpa_staff_in bad = in;
	bad.citizen_id = "1103700012345";
	err_clear(&e);
	assert_int_equal(IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s2, &bad, 0, NOW, &elsewhere, "add", &e)), -1);
	assert_string_equal(e.field, "citizen_id");
	char cid2[14];
	new_id(cid2);
	bad = person(cid2);
	bad.salary = 20000100;
	err_clear(&e);
	assert_int_equal(IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s2, &bad, 0, NOW, &elsewhere, "add", &e)), -1);
	assert_string_equal(e.field, "salary");
	bad = person(cid2);
	bad.arrived_on = "1990-01-01";
	err_clear(&e);
	assert_int_equal(IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s2, &bad, 0, NOW, &elsewhere, "add", &e)), -1);
	assert_string_equal(e.field, "arrived_on");
	bad = person(cid2);
	bad.type = "astronaut";
	err_clear(&e);
	assert_int_equal(IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s2, &bad, 0, NOW, &elsewhere, "add", &e)), -1);
	assert_string_equal(e.field, "type");
	long long stored = -1;
	assert_int_equal(db_int_value(en->db, "SELECT COUNT(*) FROM dpa_staff WHERE citizen_id = $1",
				      DB_ARGS(DB_TEXT(cid2)), &stored, &e),
			 1);
	assert_int_equal(stored, 0);
}

static void test_remove_and_come_back(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	char cid[14];
	new_id(cid);
	struct dpa_staff_in in = person(cid);
	long long elsewhere = 0;
	long long id = IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s1, &in, 0, NOW, &elsewhere, "add", &e));
	assert_true(id > 0);
	long long rec = 0, inc = 0;
	assert_int_equal(dpa_school_counts(en->db, f->s1, &rec, &inc, &e), 0);
	/* a date beyond this fiscal year is refused, nothing changes */
	assert_int_equal(IN_TX(en->db, dpa_staff_remove(en->db, id, -1, "resigned", "2027-10-01", 0, NOW, &e)), -1);
	assert_string_equal(e.field, "removed_on");
	err_clear(&e);
	assert_int_equal(IN_TX(en->db, dpa_staff_remove(en->db, id, -1, "holiday", "2026-11-30", 0, NOW, &e)), -1);
	assert_string_equal(e.field, "reason");
	assert_int_equal(scalar(en->db, "SELECT COUNT(*) FROM dpa_staff WHERE id = $1 AND status = 'active'", id), 1);
	/* a stale version is refused */
	long long v = scalar(en->db, "SELECT version FROM dpa_staff WHERE id = $1", id);
	err_clear(&e);
	assert_int_equal(IN_TX(en->db, dpa_staff_remove(en->db, id, v + 1, "resigned", "2026-11-30", 0, NOW, &e)), -1);
	assert_int_equal(e.status, 409);
	assert_int_equal(IN_TX(en->db, dpa_staff_remove(en->db, id, v, "resigned", "2026-11-30", 0, NOW, &e)), 0);
	long long rec2 = 0, inc2 = 0;
	assert_int_equal(dpa_school_counts(en->db, f->s1, &rec2, &inc2, &e), 0);
	assert_int_equal(rec2, rec - 1);
	/* twice: 409 */
	assert_int_equal(IN_TX(en->db, dpa_staff_remove(en->db, id, -1, "resigned", "2026-11-30", 0, NOW, &e)), -1);
	assert_int_equal(e.status, 409);
	/* the person comes back at another school: the same record, history kept */
	in.phone = "";
	err_clear(&e);
	long long again = IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s2, &in, 0, NOW + 10, &elsewhere, "add", &e));
	assert_int_equal(again, id);
	assert_int_equal(scalar(en->db, "SELECT school_id FROM dpa_staff WHERE id = $1", id), f->s2);
	assert_int_equal(scalar(en->db, "SELECT missing FROM dpa_staff WHERE id = $1", id), 1);
	assert_int_equal(scalar(en->db, "SELECT COUNT(*) FROM dpa_staff_events WHERE staff_id = $1", id), 3);
	assert_int_equal(
	    scalar(en->db, "SELECT COUNT(*) FROM dpa_staff_events WHERE staff_id = $1 AND kind = 'readd'", id), 1);
}

static void test_transfer(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	char cid[14];
	new_id(cid);
	struct dpa_staff_in in = person(cid);
	long long elsewhere = 0;
	long long id = IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s1, &in, 0, NOW, &elsewhere, "add", &e));
	assert_true(id > 0);
	/* asking for a person already here, or unknown */
	assert_int_equal(IN_TX(en->db, dpa_transfer_request(en->db, f->s1, cid, "", 0, NOW, &e)), -1);
	assert_int_equal(e.status, 409);
	char other[14];
	new_id(other);
	err_clear(&e);
	assert_int_equal(IN_TX(en->db, dpa_transfer_request(en->db, f->s2, other, "", 0, NOW, &e)), -1);
	assert_int_equal(e.status, 404);
	/* a school of another area asks; a second request while pending is refused */
	err_clear(&e);
	long long t1 = IN_TX(en->db, dpa_transfer_request(en->db, f->s3, cid, "ย้ายตามคำสั่ง", 0, NOW, &e));
	assert_true(t1 > 0);
	assert_int_equal(IN_TX(en->db, dpa_transfer_request(en->db, f->s2, cid, "", 0, NOW, &e)), -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "ระหว่างการขอย้าย"));
	/* the database refuses a second pending row too */
	long long rc =
	    db_exec(en->db,
		    "INSERT INTO dpa_transfers (staff_id, from_area_id, from_school_id, to_area_id, to_school_id, "
		    "status, requested_at) VALUES ($1, $2, $3, $2, $4, 'pending', 1)",
		    DB_ARGS(DB_INT(id), DB_INT(f->area), DB_INT(f->s1), DB_INT(f->s2)), &e);
	assert_int_equal(rc, -1);
	assert_int_equal(e.status, 409);
	/* the queues: the school asked, the area of the person's school; flagged after 7 days */
	json_t *q = dpa_transfers_area(en->db, f->area, NOW + 7 * 86400 - 1, &e);
	assert_non_null(q);
	assert_int_equal(json_array_size(q), 1);
	assert_false(json_is_true(json_object_get(json_array_get(q, 0), "flagged")));
	json_decref(q);
	q = dpa_transfers_area(en->db, f->area, NOW + 7 * 86400, &e);
	assert_true(json_is_true(json_object_get(json_array_get(q, 0), "flagged")));
	char *qd = json_dumps(q, 0);
	assert_null(strstr(qd, cid)); /* the queue masks the ID */
	free(qd);
	json_decref(q);
	q = dpa_transfers_area(en->db, f->area2, NOW, &e);
	assert_int_equal(json_array_size(q), 0);
	json_decref(q);
	/* a refusal needs a reason */
	err_clear(&e);
	assert_int_equal(IN_TX(en->db, dpa_transfer_decide(en->db, t1, false, "", 0, NOW, &e)), -1);
	assert_string_equal(e.field, "decision_note");
	/* approve: the record moves, area too, with a history line; a second decision is 409 */
	assert_int_equal(IN_TX(en->db, dpa_transfer_decide(en->db, t1, true, "", 0, NOW + 60, &e)), 0);
	assert_int_equal(scalar(en->db, "SELECT school_id FROM dpa_staff WHERE id = $1", id), f->s3);
	assert_int_equal(scalar(en->db, "SELECT area_id FROM dpa_staff WHERE id = $1", id), f->area2);
	assert_int_equal(scalar(en->db, "SELECT missing FROM dpa_staff WHERE id = $1", id), 1); /* arrival date */
	assert_int_equal(
	    scalar(en->db, "SELECT COUNT(*) FROM dpa_staff_events WHERE staff_id = $1 AND kind = 'transfer'", id), 1);
	err_clear(&e);
	assert_int_equal(IN_TX(en->db, dpa_transfer_decide(en->db, t1, false, "ไม่ให้ย้าย", 0, NOW + 61, &e)), -1);
	assert_int_equal(e.status, 409);
	assert_int_equal(scalar(en->db, "SELECT school_id FROM dpa_staff WHERE id = $1", id), f->s3);
	/* asked back and refused: the requester sees why */
	err_clear(&e);
	long long t2 = IN_TX(en->db, dpa_transfer_request(en->db, f->s1, cid, "", 0, NOW + 100, &e));
	assert_true(t2 > 0);
	assert_int_equal(IN_TX(en->db, dpa_transfer_decide(en->db, t2, false, "ยังไม่ครบวาระ", 0, NOW + 120, &e)), 0);
	json_t *mine = dpa_transfers_school(en->db, f->s1, NOW + 130, &e);
	json_t *last = json_array_get(json_object_get(mine, "outgoing"), 0);
	assert_string_equal(jstr(last, "status"), "refused");
	assert_string_equal(jstr(last, "decision_note"), "ยังไม่ครบวาระ");
	assert_int_equal(scalar(en->db, "SELECT school_id FROM dpa_staff WHERE id = $1", id), f->s3);
	json_decref(mine);
	/* a removed person cannot be asked for; removal withdraws a pending request */
	long long t3 = IN_TX(en->db, dpa_transfer_request(en->db, f->s1, cid, "", 0, NOW + 200, &e));
	assert_true(t3 > 0);
	assert_int_equal(IN_TX(en->db, dpa_staff_remove(en->db, id, -1, "retired", "2026-12-01", 0, NOW + 300, &e)), 0);
	assert_int_equal(
	    scalar(en->db, "SELECT COUNT(*) FROM dpa_transfers WHERE id = $1 AND status = 'withdrawn'", t3), 1);
	err_clear(&e);
	assert_int_equal(IN_TX(en->db, dpa_transfer_request(en->db, f->s1, cid, "", 0, NOW + 400, &e)), -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "จำหน่าย"));
}

static void test_stale_edit_and_counts(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	long long rec0 = 0, inc0 = 0;
	assert_int_equal(dpa_school_counts(en->db, f->s2, &rec0, &inc0, &e), 0);
	char cid[14];
	new_id(cid);
	struct dpa_staff_in in = person(cid);
	in.subject = "";
	in.salary = -1;
	long long elsewhere = 0;
	long long id = IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s2, &in, 0, NOW, &elsewhere, "add", &e));
	assert_true(id > 0);
	long long rec = 0, inc = 0;
	assert_int_equal(dpa_school_counts(en->db, f->s2, &rec, &inc, &e), 0);
	assert_int_equal(rec, rec0 + 1);
	assert_int_equal(inc, inc0 + 1);
	json_t *s = dpa_staff_get(en->db, id, &e);
	assert_non_null(strstr(jstr(s, "missing_list"), "เงินเดือน"));
	json_decref(s);
	long long v = scalar(en->db, "SELECT version FROM dpa_staff WHERE id = $1", id);
	in.subject = "ภาษาไทย";
	in.salary = 3000000;
	assert_int_equal(IN_TX(en->db, dpa_staff_update(en->db, id, v, &in, 0, NOW + 1, &e)), 0);
	/* the second save made from the same copy is refused */
	in.phone = "0899999999";
	assert_int_equal(IN_TX(en->db, dpa_staff_update(en->db, id, v, &in, 0, NOW + 2, &e)), -1);
	assert_int_equal(e.status, 409);
	assert_int_equal(dpa_school_counts(en->db, f->s2, &rec, &inc, &e), 0);
	assert_int_equal(inc, inc0);
	/* the list masks IDs and salaries and finds by ID */
	json_t *page = dpa_staff_list(en->db, f->s2, f->area, cid, false, 1, NULL, &e);
	assert_non_null(page);
	assert_int_equal(json_array_size(json_object_get(page, "rows")), 1);
	char *dump = json_dumps(page, 0);
	assert_null(strstr(dump, cid));
	assert_null(strstr(dump, "3000000"));
	free(dump);
	json_decref(page);
	/* the whole list reads the kept counts in the same statement as its
	 * rows; a page past the last shows the last */
	assert_int_equal(dpa_school_counts(en->db, f->s2, &rec, &inc, &e), 0);
	for (long long want = 1; want <= 7; want += 6) {
		page = dpa_staff_list(en->db, f->s2, f->area, "", false, want, NULL, &e);
		assert_non_null(page);
		assert_int_equal(jint(page, "recorded"), rec);
		assert_int_equal(jint(page, "incomplete"), inc);
		assert_int_equal(jint(page, "total"), rec);
		assert_int_equal(jint(page, "page"), 1);
		assert_int_equal(json_array_size(json_object_get(page, "rows")), rec);
		json_decref(page);
	}
	page = dpa_staff_list(en->db, f->s2, f->area, "", true, 1, NULL, &e);
	assert_non_null(page);
	assert_int_equal(jint(page, "total"), inc);
	assert_int_equal(json_array_size(json_object_get(page, "rows")), inc);
	json_decref(page);
	/* a school nobody is recorded at: no rows, 0 / 0 */
	long long empty = IN_TX(en->db, org_school_add(en->db, f->area, "1099010009", "99010009", "โรงเรียนบ้านว่าง",
						       "เมือง", "ยโสธร", &e));
	assert_true(empty > 0);
	json_t *school = NULL;
	page = dpa_staff_list(en->db, empty, f->area, "", false, 3, &school, &e);
	assert_non_null(page);
	/* the school's row comes with the page, as org_school_get gives it */
	json_t *want = org_school_get(en->db, empty, &e);
	assert_non_null(want);
	assert_true(json_equal(school, want));
	json_decref(want);
	json_decref(school);
	assert_int_equal(jint(page, "recorded"), 0);
	assert_int_equal(jint(page, "total"), 0);
	assert_int_equal(jint(page, "pages"), 1);
	assert_int_equal(jint(page, "page"), 1);
	assert_int_equal(json_array_size(json_object_get(page, "rows")), 0);
	json_decref(page);
	/* no such school: 404, nothing read */
	school = json_true();
	assert_null(dpa_staff_list(en->db, empty + 1000, f->area, "", false, 1, &school, &e));
	assert_int_equal(e.status, 404);
	assert_null(school);
	/* a school with staff: its row too, and the same page as without it */
	e = (struct err)ERR_INIT;
	page = dpa_staff_list(en->db, f->s2, f->area, "", false, 1, &school, &e);
	assert_non_null(page);
	want = org_school_get(en->db, f->s2, &e);
	assert_true(json_equal(school, want));
	json_t *plain = dpa_staff_list(en->db, f->s2, f->area, "", false, 1, NULL, &e);
	assert_true(json_equal(page, plain));
	json_decref(plain);
	json_decref(want);
	json_decref(school);
	json_decref(page);
}

/* The maintained counts (migration 0610, src/dpa/counts.c) against a
 * recount of dpa_staff: rows of either side the other lacks. A place at 0
 * keeps its dpa_counts row with zeros, so only rows with staff compare. */
static long long counts_drift(struct db *db)
{
#define RECOUNT_PLACE                                                                                                  \
	"SELECT COALESCE(school_id, 0) AS school_id, area_id, COUNT(*) AS recorded, "                                  \
	"SUM(CASE WHEN missing > 0 THEN 1 ELSE 0 END) AS incomplete FROM dpa_staff WHERE status = 'active' "           \
	"GROUP BY COALESCE(school_id, 0), area_id"
#define KEPT_PLACE "SELECT school_id, area_id, recorded, incomplete FROM dpa_counts WHERE recorded > 0"
#define RECOUNT_TYPE                                                                                                   \
	"SELECT COALESCE(school_id, 0) AS school_id, area_id, COALESCE(type, '') AS type, COUNT(*) AS recorded, "      \
	"SUM(CASE WHEN missing > 0 THEN 1 ELSE 0 END) AS incomplete FROM dpa_staff WHERE status = 'active' "           \
	"GROUP BY COALESCE(school_id, 0), area_id, COALESCE(type, '')"
#define KEPT_TYPE "SELECT school_id, area_id, type, recorded, incomplete FROM dpa_type_counts"
	static const char *const sql[] = {
	    "SELECT COUNT(*) FROM (" RECOUNT_PLACE " EXCEPT " KEPT_PLACE ") d",
	    "SELECT COUNT(*) FROM (" KEPT_PLACE " EXCEPT " RECOUNT_PLACE ") d",
	    "SELECT COUNT(*) FROM (" RECOUNT_TYPE " EXCEPT " KEPT_TYPE ") d",
	    "SELECT COUNT(*) FROM (" KEPT_TYPE " EXCEPT " RECOUNT_TYPE ") d",
	    /* a place at zero lacks nothing either */
	    "SELECT COUNT(*) FROM dpa_counts WHERE recorded = 0 AND incomplete <> 0",
	};
	long long total = 0;
	for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
		long long n = 0;
		struct err e = ERR_INIT;
		if (db_int_value(db, sql[i], NULL, 0, &n, &e) < 0)
			fail_msg("%s: %s", sql[i], e.msg);
		total += n;
	}
	return total;
}

/* one place's maintained figures */
static void place(struct db *db, long long school, long long area, long long *rec, long long *inc)
{
	struct err e = ERR_INIT;
	if (dpa_place_counts(db, school, area, rec, inc, &e) < 0)
		fail_msg("counts: %s", e.msg);
}

static void test_counts_follow_every_write(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct err e = ERR_INIT;
	long long elsewhere = 0, rec = 0, inc = 0, rec0 = 0, inc0 = 0, off0 = 0, offi0 = 0, r3 = 0, i3 = 0;
	assert_int_equal(counts_drift(en->db), 0);
	place(en->db, f->s1, f->area, &rec0, &inc0);
	place(en->db, 0, f->area, &off0, &offi0);
	place(en->db, f->s3, f->area2, &r3, &i3);
	/* add: one complete, one lacking its subject, one at the area office, one untyped */
	char a[14], b[14], c[14], d[14];
	new_id(a), new_id(b), new_id(c), new_id(d);
	struct dpa_staff_in pa = person(a), pb = person(b), pc = person(c), pd = person(d);
	pb.subject = "";
	pc.type = "support";
	pd.type = "";
	long long ia = IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s1, &pa, 0, NOW, &elsewhere, "add", &e));
	long long ib = IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s1, &pb, 0, NOW, &elsewhere, "add", &e));
	long long ic = IN_TX(en->db, dpa_staff_add(en->db, f->area, 0, &pc, 0, NOW, &elsewhere, "add", &e));
	long long id = IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s1, &pd, 0, NOW, &elsewhere, "add", &e));
	if (!(ia > 0 && ib > 0 && ic > 0 && id > 0))
		fail_msg("add: %lld %lld %lld %lld: %s", ia, ib, ic, id, e.msg);
	assert_int_equal(counts_drift(en->db), 0);
	place(en->db, f->s1, f->area, &rec, &inc);
	assert_int_equal(rec, rec0 + 3);
	assert_int_equal(inc, inc0 + 2); /* b lacks a subject, d a type */
	place(en->db, 0, f->area, &rec, &inc);
	assert_int_equal(rec, off0 + 1);
	/* a refused add (the same person again) changes nothing */
	err_clear(&e);
	assert_int_equal(IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s2, &pa, 0, NOW, &elsewhere, "add", &e)), -1);
	assert_int_equal(counts_drift(en->db), 0);
	/* edit making b complete, then a incomplete, then the office's person untyped */
	pb.subject = "ภาษาไทย";
	assert_int_equal(IN_TX(en->db, dpa_staff_update(en->db, ib, -1, &pb, 0, NOW + 1, &e)), 0);
	assert_int_equal(counts_drift(en->db), 0);
	place(en->db, f->s1, f->area, &rec, &inc);
	assert_int_equal(inc, inc0 + 1);
	pa.phone = "";
	assert_int_equal(IN_TX(en->db, dpa_staff_update(en->db, ia, -1, &pa, 0, NOW + 2, &e)), 0);
	pc.type = "";
	assert_int_equal(IN_TX(en->db, dpa_staff_update(en->db, ic, -1, &pc, 0, NOW + 2, &e)), 0);
	assert_int_equal(counts_drift(en->db), 0);
	place(en->db, f->s1, f->area, &rec, &inc);
	assert_int_equal(inc, inc0 + 2);
	/* a stale edit is refused and counts nothing */
	err_clear(&e);
	pb.subject = "";
	assert_int_equal(IN_TX(en->db, dpa_staff_update(en->db, ib, 1, &pb, 0, NOW + 3, &e)), -1);
	assert_int_equal(counts_drift(en->db), 0);
	/* transfer approved to a school of the other area: both places recounted */
	err_clear(&e);
	long long t = IN_TX(en->db, dpa_transfer_request(en->db, f->s3, b, "", 0, NOW + 4, &e));
	assert_true(t > 0);
	assert_int_equal(counts_drift(en->db), 0); /* a request moves nobody */
	assert_int_equal(IN_TX(en->db, dpa_transfer_decide(en->db, t, true, "", 0, NOW + 5, &e)), 0);
	assert_int_equal(counts_drift(en->db), 0);
	place(en->db, f->s1, f->area, &rec, &inc);
	assert_int_equal(rec, rec0 + 2);
	place(en->db, f->s3, f->area2, &rec, &inc);
	assert_int_equal(rec, r3 + 1);
	assert_int_equal(inc, i3 + 1); /* the arrival date is cleared by the move */
	/* a refused transfer moves nobody */
	long long t2 = IN_TX(en->db, dpa_transfer_request(en->db, f->s2, d, "", 0, NOW + 6, &e));
	assert_int_equal(IN_TX(en->db, dpa_transfer_decide(en->db, t2, false, "ไม่อนุมัติ", 0, NOW + 7, &e)), 0);
	assert_int_equal(counts_drift(en->db), 0);
	/* the area office takes d from its school: both places recounted */
	assert_int_equal(IN_TX(en->db, dpa_office_take(en->db, f->area, d, 0, NOW + 7, &e)), id);
	assert_int_equal(counts_drift(en->db), 0);
	place(en->db, f->s1, f->area, &rec, &inc);
	assert_int_equal(rec, rec0 + 1);
	/* removals: a school's last new one and one of the office's */
	assert_int_equal(IN_TX(en->db, dpa_staff_remove(en->db, ia, -1, "retired", "2026-11-30", 0, NOW + 8, &e)), 0);
	assert_int_equal(IN_TX(en->db, dpa_staff_remove(en->db, ic, -1, "resigned", "2026-11-30", 0, NOW + 8, &e)), 0);
	assert_int_equal(counts_drift(en->db), 0);
	place(en->db, 0, f->area, &rec, &inc);
	assert_int_equal(rec, off0 + 1); /* d, who lacks a type */
	assert_int_equal(inc, offi0 + 1);
	place(en->db, f->s1, f->area, &rec, &inc);
	assert_int_equal(rec, rec0); /* back to what it was */
	/* the removed person comes back at another school (re-add) */
	assert_int_equal(IN_TX(en->db, dpa_staff_add(en->db, f->area, f->s2, &pa, 0, NOW + 9, &elsewhere, "add", &e)), ia);
	assert_int_equal(counts_drift(en->db), 0);
	/* the area page reads the same figures */
	json_t *rows = dpa_area_schools(en->db, f->area, &e);
	assert_non_null(rows);
	size_t i;
	json_t *x;
	long long sum = 0;
	json_array_foreach(rows, i, x) sum += jint(x, "recorded");
	assert_int_equal(sum, scalar(en->db,
				     "SELECT COUNT(*) FROM dpa_staff WHERE area_id = $1 AND status = 'active' "
				     "AND school_id IS NOT NULL",
				     f->area));
	/* by type: every school's cells add up to its recorded, the area's to the total */
	json_t *types = dpa_choices(en->db, DPA_TYPES, &e);
	assert_non_null(types);
	assert_int_equal(dpa_area_fill_types(en->db, f->area, types, rows, &e), 0);
	long long cells = 0;
	json_array_foreach(rows, i, x)
	{
		long long row = jint(x, "untyped");
		size_t k;
		json_t *n;
		json_array_foreach(json_object_get(x, "by_type"), k, n) row += json_integer_value(n);
		assert_int_equal(row, jint(x, "recorded"));
		cells += row;
	}
	assert_int_equal(cells, sum);
	/* a page of them reads the same */
	json_t *page = dpa_area_schools_page(en->db, f->area, "", false, 1, NULL, &e);
	assert_non_null(page);
	assert_int_equal(jint(page, "total"), (long long)json_array_size(rows)); /* COUNT(*) OVER () */
	json_t *fig = dpa_area_page_figures(en->db, f->area, json_object_get(page, "rows"), &e);
	assert_non_null(fig);
	assert_true(json_equal(json_object_get(page, "rows"), rows));
	/* with the types and the area's totals, from the same statement */
	assert_true(json_equal(json_object_get(fig, "types"), types));
	assert_int_equal(jint(fig, "recorded"), sum);
	assert_int_equal(jint(fig, "incomplete"),
			 scalar(en->db,
				"SELECT COUNT(*) FROM dpa_staff WHERE area_id = $1 AND status = 'active' "
				"AND school_id IS NOT NULL AND missing > 0",
				f->area));
	long long bt = jint(fig, "untyped");
	assert_int_equal(json_array_size(json_object_get(fig, "by_type")), json_array_size(types));
	json_array_foreach(json_object_get(fig, "by_type"), i, x) bt += json_integer_value(x);
	assert_int_equal(bt, sum);
	json_decref(fig);
	/* a page past the last shows the last, with the count */
	json_t *area = NULL;
	json_t *past = dpa_area_schools_page(en->db, f->area, "", false, 99, &area, &e);
	assert_non_null(past);
	/* the area's row comes with it, as org_area_get gives it */
	json_t *want = org_area_get(en->db, f->area, &e);
	assert_non_null(want);
	assert_true(json_equal(area, want));
	json_decref(want);
	json_decref(area);
	/* a search that finds nothing still reads the area; no such area: 404 */
	json_t *none = dpa_area_schools_page(en->db, f->area, "ไม่มีโรงเรียนนี้", false, 1, &area, &e);
	assert_non_null(none);
	assert_int_equal(json_array_size(json_object_get(none, "rows")), 0);
	assert_int_equal(jint(none, "total"), 0);
	assert_non_null(area);
	json_decref(area);
	json_decref(none);
	area = json_true();
	assert_null(dpa_area_schools_page(en->db, f->area + 1000, "", false, 1, &area, &e));
	assert_int_equal(e.status, 404);
	assert_null(area);
	e = (struct err)ERR_INIT;
	assert_int_equal(jint(past, "page"), 1);
	assert_int_equal(jint(past, "pages"), 1);
	assert_int_equal(jint(past, "total"), (long long)json_array_size(rows));
	assert_int_equal(json_array_size(json_object_get(past, "rows")), json_array_size(rows));
	json_decref(past);
	json_decref(page);
	json_decref(types);
	json_decref(rows);
}


/* khet import personnel recounts every place it touched at once (counts.c,
 * dpa_counts_touch / dpa_counts_refresh_touched): the file's schools and
 * where its matched records were before — here a school moved to the other
 * area (khet import org) whose staff the file then brings along. The
 * maintained counts equal a full recount after each run; a row naming a
 * person recorded at another school is refused and changes nothing. */
static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	if (!fp)
		fail_msg("%s", path);
	fputs(text, fp);
	fclose(fp);
}

static int run_import(struct db *db, const char *path, struct err *e)
{
	struct buf report = BUF_INIT;
	int rc = dpa_import_personnel(db, path, &report, e);
	if (rc < 0 && getenv("KHET_TEST_VERBOSE"))
		fprintf(stderr, "%s\n%s\n", e->msg, buf_cstr(&report));
	buf_release(&report);
	return rc;
}

static void test_import_counts(void **state)
{
	struct engine *en = *state;
	struct fx *f = en->data;
	struct db *db = en->db;
	struct err e = ERR_INIT;
	assert_int_equal(counts_drift(db), 0);
	long long s4 = IN_TX(db, org_school_add(db, f->area, "1099010004", "99010004", "โรงเรียนบ้านสี่", "เมือง", "ยโสธร", &e));
	assert_true(s4 > 0);
	char a[14], b[14], c[14], d[14], g[14];
	new_id(a), new_id(b), new_id(c), new_id(d), new_id(g);
	char path[] = "/tmp/khet-dpa-import-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct buf csv = BUF_INIT;
#define HEAD "รหัสโรงเรียน,เลขประจำตัวประชาชน,คำนำหน้า,ชื่อ,นามสกุล,ประเภทบุคลากร,วิชาเอก,โทรศัพท์\n"
	/* a, b at the new school (b lacks a subject), c at s1, d at s3 of the other area */
	buf_addf(&csv, HEAD "1099010004,%s,นาง,สุภาพร,หนึ่ง,teacher,ภาษาไทย,0811111111\n"
			    "1099010004,%s,นาย,สมชาย,สอง,teacher,,0822222222\n"
			    "1099010001,%s,นาง,วันเพ็ญ,สาม,support,ศิลปะ,0833333333\n"
			    "1099020003,%s,นางสาว,กาญจนา,สี่,,คณิตศาสตร์,0844444444\n",
		 a, b, c, d);
	write_file(path, buf_cstr(&csv));
	assert_int_equal(run_import(db, path, &e), 0);
	assert_int_equal(counts_drift(db), 0);
	long long rec = 0, inc = 0;
	place(db, s4, f->area, &rec, &inc);
	assert_int_equal(rec, 2);
	assert_int_equal(inc, 2); /* every imported record lacks what the file leaves out (dates …) */
	/* the school moves to the other area; its counts stay where they were */
	assert_int_equal(IN_TX(db, org_school_update(db, s4, f->area2, "1099010004", "99010004", "โรงเรียนบ้านสี่",
						     "เมือง", "ยโสธร", &e)),
			 0);
	/* the next file of the school (a third person, g, too) brings its staff along */
	buf_reset(&csv);
	buf_addf(&csv, HEAD "1099010004,%s,นาง,สุภาพร,หนึ่ง,teacher,ภาษาไทย,0811111111\n"
			    "1099010004,%s,นาย,สมชาย,สอง,teacher,ภาษาไทย,0822222222\n"
			    "1099010004,%s,นาย,ธนพล,ห้า,,ภาษาไทย,0855555555\n",
		 a, b, g);
	write_file(path, buf_cstr(&csv));
	assert_int_equal(run_import(db, path, &e), 0);
	assert_int_equal(counts_drift(db), 0);
	/* the place the records left is gone (a school has one place), no
	 * type count of it stays */
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM dpa_counts WHERE school_id = $1 AND area_id <> "
				    "(SELECT area_id FROM schools WHERE id = $1)", s4), 0);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM dpa_type_counts WHERE school_id = $1 AND area_id <> "
				    "(SELECT area_id FROM schools WHERE id = $1)", s4), 0);
	place(db, s4, f->area2, &rec, &inc);
	assert_int_equal(rec, 3);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM dpa_staff WHERE school_id = $1 AND area_id <> "
				    "(SELECT area_id FROM schools WHERE id = $1)",
				s4),
			 0);
	/* the same file again changes nothing; a person of another school is refused */
	assert_int_equal(run_import(db, path, &e), 0);
	assert_int_equal(counts_drift(db), 0);
	buf_reset(&csv);
	buf_addf(&csv, HEAD "1099010004,%s,นาง,วันเพ็ญ,สาม,support,ศิลปะ,0833333333\n", c);
	write_file(path, buf_cstr(&csv));
	err_clear(&e);
	assert_int_equal(run_import(db, path, &e), -1);
	assert_int_equal(counts_drift(db), 0);
	place(db, s4, f->area2, &rec, &inc);
	assert_int_equal(rec, 3);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM dpa_staff WHERE school_id = $1", f->s1) > 0, 1);
#undef HEAD
	buf_release(&csv);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_retirement),
	    cmocka_unit_test(test_salary_and_removal_date),
	    cmocka_unit_test(test_missing),
	};
	const struct CMUnitTest db_tests[] = {
	    cmocka_unit_test(test_one_record_per_person),
	    cmocka_unit_test(test_remove_and_come_back),
	    cmocka_unit_test(test_transfer),
	    cmocka_unit_test(test_stale_edit_and_counts),
	    cmocka_unit_test(test_counts_follow_every_write),
	    cmocka_unit_test(test_import_counts),
	};
	int failed = cmocka_run_group_tests_name("dpa_rules", pure, NULL, NULL);
	engine_after_migrate = seed;
	failed += run_engine_groups("dpa", db_tests);
	return failed ? 1 : 0;
}
