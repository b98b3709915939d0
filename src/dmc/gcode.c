/* gcode: G-codes for learners without civil registration (GC-1, seed 002
 * ระบบ Gcode). A school asks with the learner's data and the documents the
 * seed names; the area's census officer certifies it, which gives the
 * code — "G", the BE year (2), the province (2) and a sequence (8) — and
 * adds the learner to the school with it; from then on the code is the
 * learner's ident, found by search and move in as a citizen ID is, until
 * an approved correction (request.c) replaces it with a citizen ID.
 *
 * The sequence is a counter row per BE year and province (dmc_gcode_seq),
 * raised by an UPDATE in the approving transaction: on PostgreSQL the row
 * lock makes a second approval wait until the first commits and then read
 * its number; on SQLite the write transaction is the lock. A refusal
 * after the number was taken (the learner cannot be added as typed) rolls
 * the number back with everything else, so numbers are not burnt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"

static struct db_val id_or_null(long long id)
{
	return id > 0 ? DB_INT(id) : DB_NULL;
}

static int note_check(const char *s, const char *field, bool required, const char *what, struct err *e)
{
	if (required && (!s || !*s))
		return err_field(e, field, "กรุณาระบุ%s", what);
	if (s && (!thai_utf8_valid(s, strlen(s)) || thai_utf8_chars(s) > 500))
		return err_field(e, field, "%sยาวเกินไปหรือมีอักขระที่ใช้ไม่ได้ (ไม่เกิน 500 ตัวอักษร)", what);
	return 0;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

long long dmc_gcode_request(struct db *db, long long school_id, const struct dmc_learner_in *in, const char *note,
			    long long by, long long now, struct err *e)
{
	long long w, h, area = 0;
	if (dmc_learner_check_fields(db, in, now, &w, &h, e) < 0)
		return -1;
	if (note_check(note, "note", false, "หมายเหตุ", e) < 0)
		return -1;
	int rc = db_int_value(db, "SELECT area_id FROM schools WHERE id = $1", DB_ARGS(DB_INT(school_id)), &area, e);
	if (rc <= 0)
		return rc == 0 ? err_set(e, 404, "ไม่พบโรงเรียนนี้") : -1;
	/* the same child asked for twice: one of the school's few pending
	 * requests with the same names and birth date */
	json_t *same = db_rows_json(db,
				    "SELECT data FROM dmc_gcode_requests WHERE school_id = $1 AND status = 'pending' "
				    "AND first_name = $2 AND last_name = $3",
				    DB_ARGS(DB_INT(school_id), DB_TEXT(in->first_name), DB_TEXT(in->last_name)), e);
	if (!same)
		return -1;
	size_t i;
	json_t *x;
	bool dup = false;
	json_array_foreach(same, i, x)
	{
		json_t *d = json_loads(jstr(x, "data"), 0, NULL);
		dup = dup || (d && !strcmp(jstr(d, "birth_date"), or_empty(in->birth_date)));
		json_decref(d);
	}
	json_decref(same);
	if (dup)
		return err_field(e, "first_name",
				 "โรงเรียนมีคำขอรหัส G ของนักเรียนชื่อนี้ วันเกิดนี้ รอเขตพื้นที่รับรองอยู่แล้ว "
				 "ไม่ต้องยื่นซ้ำ (ดูสถานะได้ที่หน้าคำขอรหัส G)"),
		       e->status = 409, -1;
	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title",
				 or_empty(in->title), "first_name", or_empty(in->first_name), "last_name",
				 or_empty(in->last_name), "sex", or_empty(in->sex), "birth_date",
				 or_empty(in->birth_date), "nationality", or_empty(in->nationality), "grade",
				 or_empty(in->grade), "room", (json_int_t)in->room, "weight", or_empty(in->weight),
				 "height", or_empty(in->height), "disadvantaged", or_empty(in->disadvantaged),
				 "disability", or_empty(in->disability), "guardian_name", or_empty(in->guardian_name),
				 "guardian_phone", or_empty(in->guardian_phone), "address", or_empty(in->address));
	char *text = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	struct db_res *res = NULL;
	long long id = -1;
	if (db_query(db,
		     "INSERT INTO dmc_gcode_requests (school_id, area_id, title, first_name, last_name, grade, data, "
		     "note, status, requested_at, requested_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, "
		     "$10) RETURNING id",
		     DB_ARGS(DB_INT(school_id), DB_INT(area), DB_TEXT(in->title), DB_TEXT(in->first_name),
			     DB_TEXT(in->last_name), DB_TEXT(in->grade), DB_TEXT(text), DB_TEXT(or_empty(note)),
			     DB_INT(now), id_or_null(by)),
		     &res, e) == 0 &&
	    db_next(res, e) == 1)
		id = db_int(res, 0);
	db_res_free(res);
	free(text);
	return id;
}

int dmc_gcode_doc_add(struct db *db, long long request_id, const struct dmc_gcode_doc *d, struct err *e)
{
	return db_exec(db,
		       "INSERT INTO dmc_gcode_docs (request_id, kind, path, filename, mime, size) "
		       "VALUES ($1, $2, $3, $4, $5, $6)",
		       DB_ARGS(DB_INT(request_id), DB_TEXT(d->kind), DB_TEXT(d->path), DB_TEXT(d->filename),
			       DB_TEXT(d->mime), DB_INT(d->size)),
		       e) < 0
		   ? -1
		   : 0;
}

int dmc_gcode_next(struct db *db, const char *area_code, long long now, char out[14], struct err *e)
{
	/* the parts are checked before a number is taken */
	if (dmc_gcode_make(now, area_code, 1, out, e) < 0)
		return -1;
	long long year = (out[1] - '0') * 10 + (out[2] - '0');
	char province[3] = {area_code[0], area_code[1], 0};
	if (db_exec(db, "INSERT INTO dmc_gcode_seq (be_year, province, last) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
		    DB_ARGS(DB_INT(year), DB_TEXT(province)), e) < 0)
		return -1;
	struct db_res *res = NULL;
	long long seq = -1;
	if (db_query(db, "UPDATE dmc_gcode_seq SET last = last + 1 WHERE be_year = $1 AND province = $2 RETURNING last",
		     DB_ARGS(DB_INT(year), DB_TEXT(province)), &res, e) == 0 &&
	    db_next(res, e) == 1)
		seq = db_int(res, 0);
	db_res_free(res);
	if (seq < 0)
		return e->status ? -1 : err_set(e, 500, "dmc_gcode_seq: no row for %lld/%s", year, province);
	return dmc_gcode_make(now, area_code, seq, out, e);
}

static const char *jdata(json_t *d, const char *k)
{
	const char *s = json_string_value(json_object_get(d, k));
	return s ? s : "";
}

int dmc_gcode_decide(struct db *db, long long area_id, long long request_id, bool approve, const char *note,
		     long long by, long long now, char code[14], long long *learner, struct err *e)
{
	code[0] = 0;
	*learner = 0;
	if (!approve && note_check(note, "decision_note", true, "เหตุผลที่ไม่รับรอง เพื่อให้โรงเรียนแก้ไข", e) < 0)
		return -1;
	if (note_check(note, "decision_note", false, "หมายเหตุ", e) < 0)
		return -1;
	json_t *q = db_row_json(db,
				"SELECT r.school_id, r.data, a.code AS area_code FROM dmc_gcode_requests r "
				"JOIN areas a ON a.id = r.area_id WHERE r.id = $1 AND r.area_id = $2",
				DB_ARGS(DB_INT(request_id), DB_INT(area_id)), e);
	if (!q)
		return e->status == 404 ? err_set(e, 404, "ไม่พบคำขอรหัส G นี้ในเขตพื้นที่") : -1;
	int rc = -1;
	json_t *d = NULL;
	/* the row is the lock: of two deciders, the second changes nothing */
	long long n = db_exec(db,
			      "UPDATE dmc_gcode_requests SET status = $3, decided_at = $4, decided_by = $5, "
			      "decision_note = $6 WHERE id = $1 AND area_id = $2 AND status = 'pending'",
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
	d = json_loads(jstr(q, "data"), 0, NULL);
	if (!d) {
		err_set(e, 500, "dmc_gcode_requests %lld: data is not JSON", request_id);
		goto out;
	}
	if (dmc_gcode_next(db, jstr(q, "area_code"), now, code, e) < 0)
		goto out;
	struct dmc_learner_in in = {
	    .citizen_id = "",
	    .gcode = code,
	    .title = jdata(d, "title"),
	    .first_name = jdata(d, "first_name"),
	    .last_name = jdata(d, "last_name"),
	    .sex = jdata(d, "sex"),
	    .birth_date = jdata(d, "birth_date"),
	    .nationality = jdata(d, "nationality"),
	    .grade = jdata(d, "grade"),
	    .room = jint(d, "room"),
	    .weight = jdata(d, "weight"),
	    .height = jdata(d, "height"),
	    .disadvantaged = jdata(d, "disadvantaged"),
	    .disability = jdata(d, "disability"),
	    .guardian_name = jdata(d, "guardian_name"),
	    .guardian_phone = jdata(d, "guardian_phone"),
	    .address = jdata(d, "address"),
	};
	long long elsewhere = 0;
	long long id = dmc_learner_add(db, jint(q, "school_id"), &in, by, now, &elsewhere, e);
	if (id < 0) {
		if (e->status >= 400 && e->status < 500) {
			struct buf msg = BUF_INIT;
			buf_addf(&msg, "รับรองไม่ได้: %s กรุณาไม่รับรองคำขอนี้พร้อมเหตุผล ให้โรงเรียนยื่นใหม่", e->msg);
			err_set(e, 409, "%s", buf_cstr(&msg));
			buf_release(&msg);
		}
		goto out;
	}
	if (db_exec(db, "UPDATE dmc_gcode_requests SET gcode = $2, learner_id = $3 WHERE id = $1",
		    DB_ARGS(DB_INT(request_id), DB_TEXT(code), DB_INT(id)), e) < 0)
		goto out;
	*learner = id;
	rc = 0;
out:
	json_decref(d);
	json_decref(q);
	if (rc < 0)
		code[0] = 0;
	return rc;
}

int dmc_gcode_withdraw(struct db *db, long long school_id, long long request_id, long long by, long long now,
		       struct err *e)
{
	long long n = db_exec(db,
			      "UPDATE dmc_gcode_requests SET status = 'withdrawn', decided_at = $3, decided_by = $4 "
			      "WHERE id = $1 AND school_id = $2 AND status = 'pending'",
			      DB_ARGS(DB_INT(request_id), DB_INT(school_id), DB_INT(now), id_or_null(by)), e);
	if (n < 0)
		return -1;
	return n == 1 ? 0 : err_set(e, 409, "คำขอนี้ไม่ได้รอการรับรองแล้ว (เขตพื้นที่พิจารณาแล้ว หรือยกเลิกไปแล้ว)");
}

#define GC_COLS                                                                                                        \
	"SELECT r.id, r.school_id, s.name AS school_name, r.area_id, r.title, t.label AS title_label, r.first_name, "  \
	"r.last_name, r.grade, g.label AS grade_label, r.note, r.status, r.requested_at, r.decided_at, "               \
	"r.decision_note, r.gcode, r.learner_id FROM dmc_gcode_requests r JOIN schools s ON s.id = r.school_id "       \
	"JOIN dmc_titles t ON t.code = r.title JOIN dmc_grades g ON g.code = r.grade "

json_t *dmc_gcode_get(struct db *db, long long request_id, struct err *e)
{
	json_t *r = db_row_json(db, GC_COLS "WHERE r.id = $1", DB_ARGS(DB_INT(request_id)), e);
	if (!r)
		return e->status == 404 ? (err_set(e, 404, "ไม่พบคำขอรหัส G นี้"), NULL) : NULL;
	json_t *raw =
	    db_row_json(db, "SELECT data FROM dmc_gcode_requests WHERE id = $1", DB_ARGS(DB_INT(request_id)), e);
	json_t *docs = raw ? db_rows_json(db,
					  "SELECT kind, filename, mime, size FROM dmc_gcode_docs WHERE request_id = $1 "
					  "ORDER BY kind",
					  DB_ARGS(DB_INT(request_id)), e)
			   : NULL;
	if (!docs) {
		json_decref(raw);
		json_decref(r);
		return NULL;
	}
	json_t *d = json_loads(jstr(raw, "data"), 0, NULL);
	json_decref(raw);
	json_object_set_new(r, "data", d ? d : json_object());
	json_object_set_new(r, "docs", docs);
	return r;
}

json_t *dmc_gcode_doc_get(struct db *db, long long request_id, const char *kind, struct err *e)
{
	json_t *d =
	    db_row_json(db, "SELECT path, filename, mime FROM dmc_gcode_docs WHERE request_id = $1 AND kind = $2",
			DB_ARGS(DB_INT(request_id), DB_TEXT(kind)), e);
	if (!d && e->status == 404)
		err_set(e, 404, "ไม่พบเอกสารนี้");
	return d;
}

json_t *dmc_gcode_school(struct db *db, long long school_id, struct err *e)
{
	return db_rows_json(db, GC_COLS "WHERE r.school_id = $1 ORDER BY r.requested_at DESC, r.id DESC LIMIT 200",
			    DB_ARGS(DB_INT(school_id)), e);
}

json_t *dmc_gcode_area(struct db *db, long long area_id, struct err *e)
{
	json_t *pending = db_rows_json(db,
				       GC_COLS "WHERE r.area_id = $1 AND r.status = 'pending' "
					       "ORDER BY r.requested_at, r.id LIMIT 500",
				       DB_ARGS(DB_INT(area_id)), e);
	if (!pending)
		return NULL;
	json_t *decided = db_rows_json(db,
				       GC_COLS "WHERE r.area_id = $1 AND r.decided_at IS NOT NULL "
					       "AND r.status IN ('approved', 'rejected') "
					       "ORDER BY r.decided_at DESC, r.id DESC LIMIT 50",
				       DB_ARGS(DB_INT(area_id)), e);
	if (!decided) {
		json_decref(pending);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "pending", pending, "decided", decided);
}

/* ---- a G-code typed where a citizen ID is (GC-1) ------------------------------------- */

int dmc_gcode_known(struct db *db, const char *typed, char norm[16], struct err *e)
{
	if (!typed || (typed[0] != 'G' && typed[0] != 'g'))
		return 0; /* a citizen ID, or nothing of ours */
	if (dmc_gcode_check(typed, e) < 0)
		return -1;
	char code[14];
	snprintf(code, sizeof code, "G%s", typed + 1);
	if (!db)
		return err_set(e, 500, "no database");
	long long n = 0;
	/* a code some record holds now (one replaced by a citizen ID is only
	 * history: the person goes by the ID) */
	if (db_int_value(db, "SELECT COUNT(*) FROM dmc_learners WHERE ident = $1", DB_ARGS(DB_TEXT(code)), &n, e) < 0)
		return -1;
	if (!n)
		return err_field(e, "gcode",
				 "ไม่พบรหัส G นี้ในระบบ กรุณาตรวจสอบ (ใช้ได้เฉพาะรหัส G ที่เขตพื้นที่รับรองแล้ว) "
				 "หรือกรอกเลขประจำตัวประชาชน 13 หลัก");
	snprintf(norm, 16, "%s", code);
	return 1;
}
