/* request: what a school may not do alone and asks its area to approve
 * (DMC-2) — a drop-out (ออกกลางคัน: the learner leaves the census) and a
 * citizen-ID correction (a wrong ID typed, or a G-code replaced by the ID
 * the learner has since received, GC-1). The school proposes with a
 * reason; the area's census officer approves or rejects; the school may
 * withdraw while it is pending. Nothing happens to the learner before
 * the approval, so a learner proposed for drop-out is still counted, and
 * the approval applies the change through learner.c in the same
 * transaction. A decision is a conditional UPDATE of a pending row, so of
 * two officers deciding at once (or a school withdrawing as the area
 * approves) one wins and the other is told the request was already
 * decided.
 *
 * Corrections keep to the round day's cut-off (dmc_correction_reopens):
 * once a round day's 16:30 has passed, a request waits for the next
 * round's entry period, and the refusal says from when. A new ID must
 * pass its check digit and belong to no other record: the refusal names
 * the school that holds it — what the school would learn by trying to add
 * the learner — and nothing about the learner there. */
#include <stdio.h>
#include <string.h>

#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"

static struct db_val id_or_null(long long id)
{
	return id > 0 ? DB_INT(id) : DB_NULL;
}

/* The learner when it is active in school_id: {ident, citizen_id, area_id};
 * 404 otherwise (another school's learner is not the caller's to see). */
static json_t *learner_here(struct db *db, long long school_id, long long id, struct err *e)
{
	json_t *l =
	    db_row_json(db,
			"SELECT l.ident, COALESCE(l.citizen_id, '') AS citizen_id, l.status, l.school_id, s.area_id "
			"FROM dmc_learners l JOIN schools s ON s.id = l.school_id WHERE l.id = $1",
			DB_ARGS(DB_INT(id)), e);
	if (!l)
		return e->status == 404 ? (err_set(e, 404, "ไม่พบนักเรียนคนนี้ในโรงเรียน"), NULL) : NULL;
	if (jint(l, "school_id") != school_id || strcmp(jstr(l, "status"), "active")) {
		json_decref(l);
		err_set(e, 404, "ไม่พบนักเรียนคนนี้ในโรงเรียน (อาจย้ายออกไปแล้ว)");
		return NULL;
	}
	return l;
}

static int note_check(const char *s, const char *field, bool required, const char *what, struct err *e)
{
	if (required && (!s || !*s))
		return err_field(e, field, "กรุณาระบุ%s", what);
	if (s && (!thai_utf8_valid(s, strlen(s)) || strlen(s) > 1500))
		return err_field(e, field, "%sยาวเกินไปหรือมีอักขระที่ใช้ไม่ได้ (ไม่เกิน 500 ตัวอักษร)", what);
	return 0;
}

static long long insert_request(struct db *db, const char *kind, long long learner, long long school, long long area,
				const char *reason, const char *note, const char *old_ident, const char *new_ident,
				long long by, long long now, struct err *e)
{
	struct db_res *res = NULL;
	long long id = -1;
	if (db_query(
		db,
		"INSERT INTO dmc_requests (kind, learner_id, school_id, area_id, reason, note, old_ident, new_ident, "
		"status, requested_at, requested_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10) "
		"ON CONFLICT DO NOTHING RETURNING id",
		DB_ARGS(DB_TEXT(kind), DB_INT(learner), DB_INT(school), DB_INT(area),
			reason ? DB_TEXT(reason) : DB_NULL, DB_TEXT(note ? note : ""), DB_TEXT(old_ident),
			DB_TEXT(new_ident), DB_INT(now), id_or_null(by)),
		&res, e) == 0) {
		int rc = db_next(res, e);
		if (rc == 1)
			id = db_int(res, 0);
		else if (rc == 0) /* a pending one is there (the partial UNIQUE indexes): nothing stored */
			err_set(e, 409, "มีคำขอนี้รอเขตพื้นที่อนุมัติอยู่แล้ว");
	}
	db_res_free(res);
	return id;
}

/* ---- drop-out ------------------------------------------------------------------------ */

long long dmc_dropout_request(struct db *db, long long school_id, long long learner_id, const char *reason,
			      const char *note, long long by, long long now, struct err *e)
{
	json_t *l = learner_here(db, school_id, learner_id, e);
	if (!l)
		return -1;
	long long area = jint(l, "area_id"), one = 0, id = -1;
	int rc = 0;
	if (!reason || !*reason) {
		err_field(e, "reason", "กรุณาเลือกสาเหตุที่ออกกลางคัน");
		goto out;
	}
	rc = db_int_value(db, "SELECT 1 FROM dmc_dropout_reasons WHERE code = $1", DB_ARGS(DB_TEXT(reason)), &one, e);
	if (rc == 0)
		err_field(e, "reason", "กรุณาเลือกสาเหตุที่ออกกลางคันจากรายการ");
	if (rc <= 0 || note_check(note, "note", !strcmp(reason, "other"), "รายละเอียดของสาเหตุ", e) < 0)
		goto out;
	id = insert_request(db, "dropout", learner_id, school_id, area, reason, note, jstr(l, "ident"), "", by, now, e);
	if (id < 0 && e->status == 409)
		err_set(e, 409, "นักเรียนคนนี้มีคำขอออกกลางคันรอเขตพื้นที่อนุมัติอยู่แล้ว");
out:
	json_decref(l);
	return id;
}

/* ---- citizen-ID correction -------------------------------------------------------------- */

int dmc_correction_window(struct db *db, long long school_id, long long now, long long *last_close, long long *reopens,
			  struct err *e)
{
	*last_close = *reopens = 0;
	/* the cut-off as the school's area sees it: an area that closes the
	 * round day later (dmc_round_areas) takes corrections until then */
	json_t *r = db_row_json(db,
				"SELECT r.academic_year, r.round_no, COALESCE(x.close_at, r.close_at) AS close_at "
				"FROM dmc_rounds r LEFT JOIN dmc_round_areas x ON x.round_id = r.id "
				"AND x.area_id = (SELECT area_id FROM schools WHERE id = $2) "
				"WHERE COALESCE(x.close_at, r.close_at) + 60 <= $1 ORDER BY 3 DESC LIMIT 1",
				DB_ARGS(DB_INT(now), DB_INT(school_id)), e);
	if (!r) {
		if (e->status != 404)
			return -1;
		err_clear(e);
		return 0;
	}
	long long year = jint(r, "academic_year"), no = jint(r, "round_no");
	*last_close = jint(r, "close_at");
	json_decref(r);
	long long entry, open, close;
	if (dmc_round_times_of(db, no < 3 ? year : year + 1, no < 3 ? (int)no + 1 : 1, &entry, &open, &close, e) < 0)
		return -1;
	*reopens = dmc_correction_reopens(now, *last_close, entry);
	return 0;
}

/* The new ID's holder, if any: refused naming the school (only). */
static int holder_check(struct db *db, const char *cid, long long learner_id, long long school_id, struct err *e)
{
	long long id = 0, school = 0;
	char status[16];
	int rc = dmc_ident_find(db, cid, &id, &school, status, e);
	if (rc < 0)
		return -1;
	if (rc == 1 && id != learner_id) {
		json_t *s = db_row_json(db, "SELECT name FROM schools WHERE id = $1", DB_ARGS(DB_INT(school)), e);
		if (!s)
			return -1;
		if (school == school_id && !strcmp(status, "active"))
			err_field(e, "new_citizen_id",
				  "เลขประจำตัวประชาชนนี้เป็นของนักเรียนอีกคนในโรงเรียนนี้อยู่แล้ว หากเป็นคนเดียวกัน "
				  "ให้ตรวจสอบระเบียนซ้ำ");
		else if (!strcmp(status, "active"))
			err_field(e, "new_citizen_id",
				  "เลขประจำตัวประชาชนนี้เป็นของนักเรียนที่มีระเบียนอยู่ที่%s จึงใช้ซ้ำไม่ได้ "
				  "หากเป็นนักเรียนคนเดียวกัน ให้ติดต่อโรงเรียนนั้นหรือใช้เมนูย้ายเข้า",
				  jstr(s, "name"));
		else
			err_field(e, "new_citizen_id",
				  "เลขประจำตัวประชาชนนี้มีระเบียนนักเรียนอยู่ในระบบแล้ว (ล่าสุดที่%s) จึงใช้ซ้ำไม่ได้ "
				  "หากเป็นนักเรียนคนเดียวกัน ให้ใช้เมนูย้ายเข้า",
				  jstr(s, "name"));
		json_decref(s);
		e->status = 409;
		return -1;
	}
	/* asked for another learner and still pending */
	json_t *p = db_row_json(db,
				"SELECT r.learner_id, s.name FROM dmc_requests r JOIN schools s ON s.id = r.school_id "
				"WHERE r.new_ident = $1 AND r.status = 'pending' AND r.kind = 'id_fix'",
				DB_ARGS(DB_TEXT(cid)), e);
	if (!p)
		return e->status == 404 ? (err_clear(e), 0) : -1;
	if (jint(p, "learner_id") != learner_id)
		err_field(e, "new_citizen_id", "เลขประจำตัวประชาชนนี้มีคำขอแก้ไขของนักเรียนอีกคนรอเขตพื้นที่อนุมัติอยู่ (%s)",
			  jstr(p, "name"));
	else
		err_set(e, 409, "นักเรียนคนนี้มีคำขอแก้ไขเลขประจำตัวประชาชนรอเขตพื้นที่อนุมัติอยู่แล้ว");
	json_decref(p);
	e->status = 409;
	return -1;
}

long long dmc_id_fix_request(struct db *db, long long school_id, long long learner_id, const char *typed,
			     const char *note, long long by, long long now, struct err *e)
{
	json_t *l = learner_here(db, school_id, learner_id, e);
	if (!l)
		return -1;
	long long last_close, reopens;
	if (dmc_correction_window(db, school_id, now, &last_close, &reopens, e) < 0) {
		json_decref(l);
		return -1;
	}
	if (reopens) {
		json_decref(l);
		struct buf msg = BUF_INIT;
		dmc_correction_message(last_close, reopens, &msg);
		err_set(e, 409, "%s", buf_cstr(&msg));
		buf_release(&msg);
		return -1;
	}
	char cid[14];
	long long id = -1;
	if (!typed || !*typed) {
		err_field(e, "new_citizen_id", "กรุณากรอกเลขประจำตัวประชาชนที่ถูกต้อง 13 หลัก");
		goto out;
	}
	if (thai_citizen_id_normalize(typed, cid) < 0) {
		err_field(e, "new_citizen_id", "เลขประจำตัวประชาชนต้องมี 13 หลัก");
		goto out;
	}
	if (thai_citizen_id_check(cid, e) < 0) {
		snprintf(e->field, sizeof e->field, "new_citizen_id");
		goto out;
	}
	if (!strcmp(cid, jstr(l, "ident"))) {
		err_field(e, "new_citizen_id", "เลขที่กรอกตรงกับเลขเดิมของนักเรียน ไม่ต้องแก้ไข");
		goto out;
	}
	if (note_check(note, "note", true, "เหตุผลที่ขอแก้ไข เช่น กรอกเลขผิด หรือได้รับเลขประจำตัวประชาชนแล้ว", e) < 0 ||
	    holder_check(db, cid, learner_id, school_id, e) < 0)
		goto out;
	id = insert_request(db, "id_fix", learner_id, school_id, jint(l, "area_id"), NULL, note, jstr(l, "ident"), cid,
			    by, now, e);
	if (id < 0 && e->status == 409)
		err_field(e, "new_citizen_id", "มีคำขอแก้ไขเลขประจำตัวประชาชนของนักเรียนคนนี้ หรือของเลขนี้ รอเขตพื้นที่อนุมัติอยู่แล้ว"),
		    e->status = 409;
out:
	json_decref(l);
	return id;
}

/* ---- withdrawing and deciding ------------------------------------------------------------------ */

int dmc_request_withdraw(struct db *db, long long school_id, long long learner_id, long long request_id, long long by,
			 long long now, struct err *e)
{
	long long n =
	    db_exec(db,
		    "UPDATE dmc_requests SET status = 'withdrawn', decided_at = $3, decided_by = $4 "
		    "WHERE id = $1 AND school_id = $2 AND learner_id = $5 AND status = 'pending'",
		    DB_ARGS(DB_INT(request_id), DB_INT(school_id), DB_INT(now), id_or_null(by), DB_INT(learner_id)), e);
	if (n < 0)
		return -1;
	return n == 1 ? 0 : err_set(e, 409, "คำขอนี้ไม่ได้รออนุมัติแล้ว (เขตพื้นที่พิจารณาแล้ว หรือยกเลิกไปแล้ว)");
}

int dmc_request_decide(struct db *db, long long area_id, long long request_id, bool approve, const char *note,
		       long long by, long long now, struct err *e)
{
	if (!approve && note_check(note, "decision_note", true, "เหตุผลที่ไม่อนุมัติ เพื่อให้โรงเรียนแก้ไข", e) < 0)
		return -1;
	if (note_check(note, "decision_note", false, "หมายเหตุ", e) < 0)
		return -1;
	json_t *q =
	    db_row_json(db,
			"SELECT r.kind, r.learner_id, r.school_id, r.new_ident, r.status, "
			"COALESCE(d.label, '') AS reason_label FROM dmc_requests r "
			"LEFT JOIN dmc_dropout_reasons d ON d.code = r.reason WHERE r.id = $1 AND r.area_id = $2",
			DB_ARGS(DB_INT(request_id), DB_INT(area_id)), e);
	if (!q)
		return e->status == 404 ? err_set(e, 404, "ไม่พบคำขอนี้ในเขตพื้นที่") : -1;
	int rc = -1;
	/* the row is the lock: of two deciders, the second changes nothing */
	long long n =
	    db_exec(db,
		    "UPDATE dmc_requests SET status = $3, decided_at = $4, decided_by = $5, decision_note = $6 "
		    "WHERE id = $1 AND area_id = $2 AND status = 'pending'",
		    DB_ARGS(DB_INT(request_id), DB_INT(area_id), DB_TEXT(approve ? "approved" : "rejected"),
			    DB_INT(now), id_or_null(by), DB_TEXT(note ? note : "")),
		    e);
	if (n < 0)
		goto out;
	if (n == 0) {
		err_set(e, 409, "คำขอนี้ได้รับการพิจารณาหรือถูกยกเลิกไปแล้ว กรุณาดูสถานะล่าสุดในรายการ");
		goto out;
	}
	if (!approve) {
		rc = 0;
		goto out;
	}
	if (!strcmp(jstr(q, "kind"), "dropout")) {
		rc = dmc_learner_remove(db, jint(q, "school_id"), jint(q, "learner_id"), jstr(q, "reason_label"),
					request_id, by, now, e);
		if (rc < 0 && e->status == 404)
			err_set(e, 409,
				"อนุมัติไม่ได้: นักเรียนคนนี้ไม่ได้อยู่ที่โรงเรียนที่ขอแล้ว (ย้ายออกหรือย้ายไปโรงเรียนอื่น) "
				"กรุณาไม่อนุมัติคำขอนี้");
	} else {
		rc = holder_check(db, jstr(q, "new_ident"), jint(q, "learner_id"), jint(q, "school_id"), e);
		/* its own pending request is the one being decided: no longer pending */
		if (rc == 0)
			rc = dmc_learner_set_citizen_id(db, jint(q, "learner_id"), jstr(q, "new_ident"), request_id, by,
							now, e);
		if (rc < 0 && e->status == 409 && *e->field) {
			struct buf msg = BUF_INIT;
			buf_addf(&msg, "อนุมัติไม่ได้: %s", e->msg);
			err_set(e, 409, "%s", buf_cstr(&msg));
			buf_release(&msg);
		}
	}
out:
	json_decref(q);
	return rc;
}

/* ---- lists ------------------------------------------------------------------------------------- */

#define REQ_COLS                                                                                                       \
	"SELECT r.id, r.kind, r.learner_id, r.school_id, s.name AS school_name, t.label AS title, l.first_name, "      \
	"l.last_name, l.ident, COALESCE(d.label, '') AS reason_label, r.note, r.old_ident, r.new_ident, r.status, "    \
	"r.requested_at, r.decided_at, r.decision_note FROM dmc_requests r JOIN schools s ON s.id = r.school_id "      \
	"JOIN dmc_learners l ON l.id = r.learner_id JOIN dmc_titles t ON t.code = l.title "                            \
	"LEFT JOIN dmc_dropout_reasons d ON d.code = r.reason "

/* codes masked for a list */
static json_t *masked(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
		dmc_ident_mask(jstr(row, "ident"), &c);
		json_object_set_new(row, "ident_masked", json_string(buf_cstr(&c)));
		json_object_del(row, "ident");
		buf_release(&c);
		dmc_ident_mask(jstr(row, "old_ident"), &a);
		if (*jstr(row, "new_ident"))
			dmc_ident_mask(jstr(row, "new_ident"), &b);
		json_object_set_new(row, "old_ident_masked", json_string(*jstr(row, "old_ident") ? buf_cstr(&a) : ""));
		json_object_set_new(row, "new_ident_masked", json_string(buf_cstr(&b)));
		json_object_del(row, "old_ident");
		json_object_del(row, "new_ident");
		buf_release(&a);
		buf_release(&b);
	}
	return rows;
}

json_t *dmc_requests_area(struct db *db, long long area_id, struct err *e)
{
	json_t *pending = db_rows_json(db,
				       REQ_COLS "WHERE r.area_id = $1 AND r.status = 'pending' "
						"ORDER BY r.requested_at, r.id LIMIT 500",
				       DB_ARGS(DB_INT(area_id)), e);
	if (!pending)
		return NULL;
	/* the latest decisions: one range of the index per status */
	json_t *decided = db_rows_json(db,
				       REQ_COLS "WHERE r.area_id = $1 AND r.status IN ('approved', 'rejected') "
						"ORDER BY r.decided_at DESC, r.id DESC LIMIT 50",
				       DB_ARGS(DB_INT(area_id)), e);
	if (!decided) {
		json_decref(pending);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "pending", masked(pending), "decided", masked(decided));
}

json_t *dmc_requests_learner(struct db *db, long long learner_id, struct err *e)
{
	return db_rows_json(db, REQ_COLS "WHERE r.learner_id = $1 ORDER BY r.requested_at DESC, r.id DESC LIMIT 20",
			    DB_ARGS(DB_INT(learner_id)), e);
}
