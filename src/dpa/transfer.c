/* transfer: moving a person's record between schools (DPA-2, seed 004
 * 5.3). A school that finds the person it wants to add recorded at another
 * school asks for the record; the school the person is at (its admin) or
 * that school's area decides. Approving moves the one record — school,
 * area and history — and never copies it; refusing tells the requester
 * why. One request per person is pending at a time (a partial UNIQUE
 * index, so two schools asking at once cannot both be pending), and a
 * decision is taken only from 'pending' in the UPDATE itself, so of two
 * decisions at once exactly one wins and the other is answered 409. The
 * requester is told the decision (a refusal with its reason) on the
 * school's queue page and by e-mail through the outbox.
 * A request nobody answers for DPA_TRANSFER_FLAG_SECONDS (7 days) shows
 * flagged, first, in the area's queue: the area can always decide, so
 * nothing waits for a school that does not answer. */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/mail.h"
#include "core/thai.h"
#include "dpa/dpa_internal.h"

long long dpa_transfer_request(struct db *db, long long to_school, const char *cid, const char *note, long long by,
			       long long now, struct err *e)
{
	if (thai_citizen_id_check(cid, e) < 0)
		return -1;
	if (thai_utf8_chars(note) > 500)
		return err_field(e, "note", "หมายเหตุยาวเกิน 500 ตัวอักษร");
	long long to_area = 0;
	int k = db_int_value(db, "SELECT area_id FROM schools WHERE id = $1", DB_ARGS(DB_INT(to_school)), &to_area, e);
	if (k <= 0)
		return k < 0 ? -1 : err_set(e, 404, "ไม่พบโรงเรียนนี้");
	long long id = 0, school = 0, area = 0;
	char status[16] = "";
	k = dpa_staff_find(db, cid, &id, &school, &area, status, e);
	if (k < 0)
		return -1;
	if (k == 0) {
		err_field(e, "citizen_id", "ไม่พบบุคลากรที่มีเลขประจำตัวประชาชนนี้ในระบบ ให้เพิ่มเป็นบุคลากรใหม่");
		e->status = 404;
		return -1;
	}
	if (strcmp(status, "active")) {
		err_field(e, "citizen_id", "บุคลากรคนนี้ถูกจำหน่ายออกแล้ว ไม่ต้องขอย้าย ให้เพิ่มเป็นบุคลากรของโรงเรียนนี้");
		e->status = 409;
		return -1;
	}
	if (school == to_school) {
		err_field(e, "citizen_id", "บุคลากรคนนี้มีรายชื่ออยู่ในโรงเรียนนี้แล้ว");
		e->status = 409;
		return -1;
	}
	long long pending = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM dpa_transfers WHERE staff_id = $1 AND status = 'pending'",
			 DB_ARGS(DB_INT(id)), &pending, e) < 0)
		return -1;
	if (pending) {
		err_field(e, "citizen_id", "บุคลากรคนนี้อยู่ระหว่างการขอย้ายอยู่แล้ว รอให้คำขอเดิมได้รับการพิจารณาก่อน");
		e->status = 409;
		return -1;
	}
	if (db_exec(
		db,
		"INSERT INTO dpa_transfers (staff_id, from_area_id, from_school_id, to_area_id, to_school_id, status, "
		"note, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8)",
		DB_ARGS(DB_INT(id), DB_INT(area), school > 0 ? DB_INT(school) : DB_NULL, DB_INT(to_area),
			DB_INT(to_school), DB_TEXT(note), by > 0 ? DB_INT(by) : DB_NULL, DB_INT(now)),
		e) < 0) {
		if (e->status == 409) { /* another school asked in the same moment */
			err_clear(e);
			err_field(e, "citizen_id", "บุคลากรคนนี้อยู่ระหว่างการขอย้ายอยู่แล้ว");
			e->status = 409;
		}
		return -1;
	}
	long long tid = 0;
	if (db_int_value(db, "SELECT id FROM dpa_transfers WHERE staff_id = $1 AND status = 'pending'",
			 DB_ARGS(DB_INT(id)), &tid, e) != 1)
		return -1;
	return tid;
}

json_t *dpa_transfer_get(struct db *db, long long id, struct err *e)
{
	json_t *t =
	    db_row_json(db,
			"SELECT id, staff_id, from_area_id, COALESCE(from_school_id, 0) AS from_school_id, to_area_id, "
			"to_school_id, status, note, requested_at FROM dpa_transfers WHERE id = $1",
			DB_ARGS(DB_INT(id)), e);
	if (!t && e->status == 404)
		err_set(e, 404, "ไม่พบคำขอย้ายนี้");
	return t;
}

/* The requester is told the decision by e-mail, in the decision's
 * transaction (the outbox): who, from where, and a refusal's reason.
 * A request made by the command line or the demo (no requester) or by an
 * account without a usable address is told on its queue page only. */
static int notify_requester(struct db *db, long long id, bool approve, const char *note, struct err *e)
{
	json_t *t = db_row_json(
	    db,
	    "SELECT COALESCE(t.requested_by, 0) AS requested_by, t.to_school_id, s.title, s.first_name, "
	    "s.last_name, COALESCE(fs.name, fa.name) AS from_name, ts.name AS to_name "
	    "FROM dpa_transfers t JOIN dpa_staff s ON s.id = t.staff_id JOIN areas fa ON fa.id = t.from_area_id "
	    "LEFT JOIN schools fs ON fs.id = t.from_school_id JOIN schools ts ON ts.id = t.to_school_id "
	    "WHERE t.id = $1",
	    DB_ARGS(DB_INT(id)), e);
	if (!t)
		return -1;
	int rc = 0;
	struct err pe = ERR_INIT;
	json_t *p = jint(t, "requested_by") > 0 ? acc_user_profile(db, jint(t, "requested_by"), &pe) : NULL;
	const char *to = p ? jstr(p, "email") : "";
	if (*to) {
		struct buf subject = BUF_INIT, body = BUF_INIT;
		buf_addf(&subject, "ผลการขอย้ายข้อมูลบุคลากร: %s%s %s — %s", jstr(t, "title"), jstr(t, "first_name"),
			 jstr(t, "last_name"), approve ? "อนุมัติ" : "ไม่อนุมัติ");
		buf_addf(&body, "เรียน %s%s %s\n\nคำขอย้ายข้อมูลของ %s%s %s จาก %s มาที่ %s ", jstr(p, "title"),
			 jstr(p, "first_name"), jstr(p, "last_name"), jstr(t, "title"), jstr(t, "first_name"),
			 jstr(t, "last_name"), jstr(t, "from_name"), jstr(t, "to_name"));
		if (approve)
			buf_adds(&body, "ได้รับการอนุมัติแล้ว ข้อมูลและประวัติของบุคลากรย้ายมาอยู่ในรายชื่อของโรงเรียนแล้ว "
					"กรุณาบันทึกวันที่มาปฏิบัติงานที่โรงเรียน\n");
		else
			buf_addf(&body, "ไม่ได้รับการอนุมัติ\nเหตุผล: %s\n", note);
		buf_addf(&body, "\nดูคำขอ: %s/dpa/schools/%lld/transfers\n", mail_base_url(), jint(t, "to_school_id"));
		rc = mail_queue(db, to, buf_cstr(&subject), buf_cstr(&body), e);
		if (rc < 0 && e->status == 400) { /* an address the outbox refuses: the queue page still says it */
			err_clear(e);
			rc = 0;
		}
		buf_release(&subject);
		buf_release(&body);
	}
	json_decref(p);
	json_decref(t);
	return rc;
}

int dpa_transfer_decide(struct db *db, long long id, bool approve, const char *note, long long by, long long now,
			struct err *e)
{
	if (!approve && (!note || !*note))
		return err_field(e, "decision_note", "กรุณาระบุเหตุผลที่ไม่อนุมัติ เพื่อแจ้งโรงเรียนที่ขอย้าย");
	if (note && thai_utf8_chars(note) > 500)
		return err_field(e, "decision_note", "เหตุผลยาวเกิน 500 ตัวอักษร");
	json_t *t = dpa_transfer_get(db, id, e);
	if (!t)
		return -1;
	long long staff = jint(t, "staff_id"), from = jint(t, "from_school_id"), to = jint(t, "to_school_id"),
		  to_area = jint(t, "to_area_id"), from_area = jint(t, "from_area_id");
	json_decref(t);
	long long n =
	    db_exec(db,
		    "UPDATE dpa_transfers SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5 "
		    "WHERE id = $1 AND status = 'pending'",
		    DB_ARGS(DB_INT(id), DB_TEXT(approve ? "approved" : "refused"), by > 0 ? DB_INT(by) : DB_NULL,
			    DB_INT(now), DB_TEXT(note ? note : "")),
		    e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 409, "คำขอย้ายนี้ได้รับการพิจารณาไปแล้ว");
	if (!approve)
		return notify_requester(db, id, false, note, e);
	/* the one record moves, as it is, with its history */
	n = db_exec(db,
		    "UPDATE dpa_staff SET school_id = $2, area_id = $3, arrived_on = NULL, "
		    "missing = missing + CASE WHEN arrived_on IS NULL THEN 0 ELSE 1 END, version = version + 1, "
		    "updated_at = $4 WHERE id = $1 AND status = 'active' AND COALESCE(school_id, 0) = $5",
		    DB_ARGS(DB_INT(staff), DB_INT(to), DB_INT(to_area), DB_INT(now), DB_INT(from)), e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 409, "บุคลากรคนนี้ไม่ได้อยู่ที่โรงเรียนเดิมแล้ว (ถูกจำหน่ายหรือย้ายไปแล้ว) จึงอนุมัติไม่ได้");
	char d[64];
	snprintf(d, sizeof d, "{\"transfer_id\":%lld}", id);
	if (db_exec(db,
		    "INSERT INTO dpa_staff_events (staff_id, at, by_user, kind, from_school_id, to_school_id, detail) "
		    "VALUES ($1, $2, $3, 'transfer', $4, $5, $6)",
		    DB_ARGS(DB_INT(staff), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL,
			    from > 0 ? DB_INT(from) : DB_NULL, DB_INT(to), DB_TEXT(d)),
		    e) < 0)
		return -1;
	/* both places' counts (counts.c), in this transaction */
	if (dpa_counts_refresh(db, from_area, from, e) < 0 || dpa_counts_refresh(db, to_area, to, e) < 0)
		return -1;
	return notify_requester(db, id, true, NULL, e);
}

long long dpa_office_take(struct db *db, long long area_id, const char *cid, long long by, long long now,
			  struct err *e)
{
	if (thai_citizen_id_check(cid, e) < 0)
		return -1;
	long long id = 0, school = 0, area = 0;
	char status[16] = "";
	int k = dpa_staff_find(db, cid, &id, &school, &area, status, e);
	if (k < 0)
		return -1;
	if (k == 0 || strcmp(status, "active")) {
		err_field(e, "citizen_id", "ไม่พบบุคลากรคนนี้ในโรงเรียนใด ให้เพิ่มเป็นบุคลากรของสำนักงานเขตพื้นที่");
		e->status = 404;
		return -1;
	}
	if (school == 0 && area == area_id) {
		err_field(e, "citizen_id", "บุคลากรคนนี้มีรายชื่ออยู่ในสำนักงานเขตพื้นที่แล้ว");
		e->status = 409;
		return -1;
	}
	if (school == 0 || area != area_id) {
		err_field(e, "citizen_id",
			  "บุคลากรคนนี้อยู่ในหน่วยงานของเขตพื้นที่อื่น ให้หน่วยงานนั้นจำหน่ายด้วยเหตุ \"ย้าย\" ก่อน "
			  "แล้วจึงเพิ่มที่สำนักงานเขตพื้นที่");
		e->status = 409;
		return -1;
	}
	long long pending = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM dpa_transfers WHERE staff_id = $1 AND status = 'pending'",
			 DB_ARGS(DB_INT(id)), &pending, e) < 0)
		return -1;
	if (pending) {
		err_field(e, "citizen_id",
			  "บุคลากรคนนี้อยู่ระหว่างการขอย้ายไปโรงเรียนอื่น พิจารณาคำขอนั้นก่อน (อนุมัติหรือไม่อนุมัติ) แล้วจึงย้ายเข้าสำนักงานเขตพื้นที่");
		e->status = 409;
		return -1;
	}
	/* the one record moves, with its history; where it arrives is the
	 * office's to record (arrived_on), as after any transfer */
	long long n = db_exec(db,
			      "UPDATE dpa_staff SET school_id = NULL, arrived_on = NULL, "
			      "missing = missing + CASE WHEN arrived_on IS NULL THEN 0 ELSE 1 END, version = version + 1, "
			      "updated_at = $3 WHERE id = $1 AND status = 'active' AND school_id = $2",
			      DB_ARGS(DB_INT(id), DB_INT(school), DB_INT(now)), e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 409, "บุคลากรคนนี้ไม่ได้อยู่ที่โรงเรียนเดิมแล้ว (ถูกจำหน่ายหรือย้ายไปแล้ว)");
	if (db_exec(db,
		    "INSERT INTO dpa_staff_events (staff_id, at, by_user, kind, from_school_id, to_school_id, detail) "
		    "VALUES ($1, $2, $3, 'transfer', $4, NULL, '{\"office\":true}')",
		    DB_ARGS(DB_INT(id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL, DB_INT(school)), e) < 0)
		return -1;
	/* the school's counts and the office's (counts.c), in this transaction */
	if (dpa_counts_refresh(db, area, school, e) < 0 || dpa_counts_refresh(db, area, 0, e) < 0)
		return -1;
	return id;
}

int dpa_transfer_withdraw(struct db *db, long long id, long long to_school, long long by, long long now, struct err *e)
{
	long long n = db_exec(db,
			      "UPDATE dpa_transfers SET status = 'withdrawn', decided_by = $3, decided_at = $4 "
			      "WHERE id = $1 AND to_school_id = $2 AND status = 'pending'",
			      DB_ARGS(DB_INT(id), DB_INT(to_school), by > 0 ? DB_INT(by) : DB_NULL, DB_INT(now)), e);
	if (n < 0)
		return -1;
	return n ? 0 : err_set(e, 409, "คำขอย้ายนี้ได้รับการพิจารณาหรือยกเลิกไปแล้ว");
}

#define QUEUE_COLS                                                                                                     \
	"SELECT t.id, t.staff_id, t.status, t.note, t.decision_note, t.requested_at, t.decided_at, "                   \
	"COALESCE(t.from_school_id, 0) AS from_school_id, t.to_school_id, s.citizen_id, s.title, s.first_name, "       \
	"s.last_name, COALESCE(fs.name, fa.name) AS from_name, ts.name AS to_name "                                    \
	"FROM dpa_transfers t JOIN dpa_staff s ON s.id = t.staff_id JOIN areas fa ON fa.id = t.from_area_id "          \
	"LEFT JOIN schools fs ON fs.id = t.from_school_id JOIN schools ts ON ts.id = t.to_school_id "

static json_t *shape(json_t *rows, long long now)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		struct buf m = BUF_INIT;
		thai_citizen_id_mask(jstr(r, "citizen_id"), &m);
		json_object_set_new(r, "cid_masked", json_string(buf_cstr(&m)));
		json_object_del(r, "citizen_id");
		buf_release(&m);
		bool flagged =
		    !strcmp(jstr(r, "status"), "pending") && now - jint(r, "requested_at") >= DPA_TRANSFER_FLAG_SECONDS;
		json_object_set_new(r, "flagged", json_boolean(flagged));
	}
	return rows;
}

json_t *dpa_transfers_school(struct db *db, long long school_id, long long now, struct err *e)
{
	json_t *in = db_rows_json(db,
				  QUEUE_COLS "WHERE t.from_school_id = $1 AND t.status = 'pending' "
					     "ORDER BY t.requested_at, t.id",
				  DB_ARGS(DB_INT(school_id)), e);
	json_t *out = in ? db_rows_json(db,
					QUEUE_COLS "WHERE t.to_school_id = $1 ORDER BY t.requested_at DESC, t.id DESC "
						   "LIMIT 50",
					DB_ARGS(DB_INT(school_id)), e)
			 : NULL;
	if (!out) {
		json_decref(in);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "incoming", shape(in, now), "outgoing", shape(out, now));
}

json_t *dpa_transfers_area(struct db *db, long long area_id, long long now, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    QUEUE_COLS "WHERE t.from_area_id = $1 AND t.status = 'pending' "
					       "ORDER BY t.requested_at, t.id",
				    DB_ARGS(DB_INT(area_id)), e);
	return rows ? shape(rows, now) : NULL;
}
