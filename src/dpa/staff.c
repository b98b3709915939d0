/* staff: the records of the registry (DPA-1, DPA-3) — adding a person,
 * saving what the school typed, removing a person who left, and the lists
 * a school and an area read.
 *
 * One person, one record: the citizen ID is UNIQUE in dpa_staff whatever
 * the status, so the database itself refuses a second record however two
 * writers race; adding checks first only to say in Thai where the person
 * is, and offer the transfer. What a record lacks (missing) and the fiscal
 * year it retires in (retire_fy) are computed by the rules of rules.c on
 * every write and stored, so the lists count and filter by index. Every
 * change writes a history row in the same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/search.h"
#include "core/thai.h"
#include "dpa/dpa_internal.h"

static struct db_val opt(const char *s)
{
	return s && *s ? DB_TEXT(s) : DB_NULL;
}

json_t *dpa_choices(struct db *db, enum dpa_list which, struct err *e)
{
	static const char *const sql[] = {
	    [DPA_TYPES] = "SELECT code AS value, label FROM dpa_types ORDER BY sort",
	    [DPA_POSITIONS] = "SELECT code AS value, label FROM dpa_positions ORDER BY sort",
	    [DPA_STANDINGS] = "SELECT code AS value, label FROM dpa_standings ORDER BY sort",
	    [DPA_REASONS] = "SELECT code AS value, label FROM dpa_remove_reasons ORDER BY sort",
	};
	return db_rows_json(db, sql[which], NULL, 0, e);
}

static int text_check(const char *s, bool required, size_t max, const char *field, const char *what, struct err *e)
{
	if (required && !*s)
		return err_field(e, field, "กรุณากรอก%s", what);
	if (!thai_utf8_valid(s, strlen(s)) || strchr(s, '\n') || strchr(s, '\t'))
		return err_field(e, field, "%s มีอักขระที่ใช้ไม่ได้ (ขึ้นบรรทัดใหม่หรือแท็บ)", what);
	if (thai_utf8_chars(s) > max)
		return err_field(e, field, "%s ยาวเกิน %zu ตัวอักษร", what, max);
	return 0;
}

/* a code of a list: 1 when it is there */
static int code_known(struct db *db, const char *sql, const char *code, struct err *e)
{
	long long n = 0;
	if (db_int_value(db, sql, DB_ARGS(DB_TEXT(code)), &n, e) < 0)
		return -1;
	return n > 0;
}

static int date_check(const char *s, const char *field, const char *what, const char *today, struct err *e)
{
	int y, m, d;
	if (!*s)
		return 0;
	if (thai_parse_date(s, &y, &m, &d) < 0)
		return err_field(e, field, "%s ไม่ใช่วันที่ กรุณากรอกเป็น วัน/เดือน/ปี พ.ศ.", what);
	if (strcmp(s, today) > 0)
		return err_field(e, field, "%s ต้องไม่เป็นวันในอนาคต", what);
	if (y < 1900)
		return err_field(e, field, "%s เก่าเกินไป ตรวจสอบปี พ.ศ.", what);
	return 0;
}

int dpa_staff_check_values(const struct dpa_staff_in *in, long long now, struct err *e)
{
	if (thai_citizen_id_check(in->citizen_id, e) < 0)
		return -1;
	if (text_check(in->title, true, 40, "title", "คำนำหน้าชื่อ", e) < 0 ||
	    text_check(in->first_name, true, 100, "first_name", "ชื่อ", e) < 0 ||
	    text_check(in->last_name, true, 100, "last_name", "นามสกุล", e) < 0 ||
	    text_check(in->position_no, false, 20, "position_no", "เลขที่ตำแหน่ง", e) < 0 ||
	    text_check(in->education, false, 200, "education", "วุฒิการศึกษา", e) < 0 ||
	    text_check(in->subject, false, 100, "subject", "วิชาเอก/กลุ่มสาระ", e) < 0 ||
	    text_check(in->phone, false, 30, "phone", "โทรศัพท์", e) < 0 ||
	    text_check(in->email, false, 200, "email", "อีเมล", e) < 0)
		return -1;
	int y, m, d;
	thai_local(now, &y, &m, &d, NULL, NULL, NULL, NULL);
	char today[32], adult[32];
	snprintf(today, sizeof today, "%04d-%02d-%02d", y, m, d);
	snprintf(adult, sizeof adult, "%04d-%02d-%02d", y - 18, m, d);
	if (date_check(in->birth_date, "birth_date", "วันเกิด", today, e) < 0 ||
	    date_check(in->appointed_on, "appointed_on", "วันบรรจุแต่งตั้ง", today, e) < 0 ||
	    date_check(in->arrived_on, "arrived_on", "วันที่มาปฏิบัติงานที่หน่วยงานนี้", today, e) < 0)
		return -1;
	if (*in->birth_date && strcmp(in->birth_date, adult) > 0)
		return err_field(e, "birth_date", "วันเกิดนี้ทำให้อายุไม่ถึง 18 ปี ตรวจสอบปี พ.ศ.");
	if (*in->birth_date && *in->appointed_on && strcmp(in->appointed_on, in->birth_date) <= 0)
		return err_field(e, "appointed_on", "วันบรรจุแต่งตั้งต้องหลังวันเกิด");
	if (*in->appointed_on && *in->arrived_on && strcmp(in->arrived_on, in->appointed_on) < 0)
		return err_field(e, "arrived_on", "วันที่มาปฏิบัติงานที่หน่วยงานนี้ต้องไม่ก่อนวันบรรจุแต่งตั้ง");
	if (in->salary >= 0 && dpa_salary_check(in->salary, e) < 0)
		return -1;
	return 0;
}

int dpa_staff_check(struct db *db, const struct dpa_staff_in *in, long long now, bool *needs_posno, struct err *e)
{
	*needs_posno = true;
	if (dpa_staff_check_values(in, now, e) < 0)
		return -1;
	int k;
	if (*in->type) {
		long long need = -1;
		k = db_int_value(db, "SELECT needs_position_no FROM dpa_types WHERE code = $1",
				 DB_ARGS(DB_TEXT(in->type)), &need, e);
		if (k < 0)
			return -1;
		if (k == 0)
			return err_field(e, "type", "ประเภทบุคลากร \"%s\" ไม่มีในรายการ", in->type);
		*needs_posno = need != 0;
	}
	if (*in->position) {
		if ((k = code_known(db, "SELECT COUNT(*) FROM dpa_positions WHERE code = $1", in->position, e)) < 0)
			return -1;
		if (!k)
			return err_field(e, "position", "ตำแหน่ง \"%s\" ไม่มีในรายการ", in->position);
	}
	if (*in->standing) {
		if ((k = code_known(db, "SELECT COUNT(*) FROM dpa_standings WHERE code = $1", in->standing, e)) < 0)
			return -1;
		if (!k)
			return err_field(e, "standing", "วิทยฐานะ \"%s\" ไม่มีในรายการ", in->standing);
	}
	return 0;
}

int dpa_staff_find(struct db *db, const char *cid, long long *id, long long *school, long long *area, char status[16],
		   struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, "SELECT id, COALESCE(school_id, 0), area_id, status FROM dpa_staff WHERE citizen_id = $1",
		     DB_ARGS(DB_TEXT(cid)), &r, e) < 0)
		return -1;
	int rc = db_next(r, e);
	if (rc == 1) {
		*id = db_int(r, 0);
		*school = db_int(r, 1);
		*area = db_int(r, 2);
		snprintf(status, 16, "%s", db_text(r, 3));
	}
	db_res_free(r);
	return rc;
}

static void search_of(const struct dpa_staff_in *in, struct buf *out)
{
	struct buf names = BUF_INIT;
	buf_addf(&names, "%s %s", in->first_name, in->last_name);
	thai_search_terms(buf_cstr(&names), out);
	buf_addf(out, " %s", in->citizen_id);
	buf_release(&names);
}

static int add_event(struct db *db, long long staff, long long by, long long now, const char *kind, long long from,
		     long long to, const char *detail, struct err *e)
{
	return db_exec(
		   db,
		   "INSERT INTO dpa_staff_events (staff_id, at, by_user, kind, from_school_id, to_school_id, detail) "
		   "VALUES ($1, $2, $3, $4, $5, $6, $7)",
		   DB_ARGS(DB_INT(staff), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL, DB_TEXT(kind),
			   from > 0 ? DB_INT(from) : DB_NULL, to > 0 ? DB_INT(to) : DB_NULL,
			   DB_TEXT(detail ? detail : "{}")),
		   e) < 0
		   ? -1
		   : 0;
}

/* where a record is, in words: "โรงเรียนบ้าน…" or the area office's name */
static void place_name(struct db *db, long long school, long long area, struct buf *out)
{
	struct err e = ERR_INIT;
	json_t *row = school > 0
			  ? db_row_json(db, "SELECT name FROM schools WHERE id = $1", DB_ARGS(DB_INT(school)), &e)
			  : db_row_json(db, "SELECT name FROM areas WHERE id = $1", DB_ARGS(DB_INT(area)), &e);
	buf_adds(out, row ? jstr(row, "name") : "หน่วยงานอื่น");
	json_decref(row);
}

/* the counts of the place a record is at (counts.c) */
static int place_refresh(struct db *db, long long id, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, "SELECT area_id, COALESCE(school_id, 0) FROM dpa_staff WHERE id = $1", DB_ARGS(DB_INT(id)),
		     &r, e) < 0)
		return -1;
	int rc = db_next(r, e);
	long long area = rc == 1 ? db_int(r, 0) : 0, school = rc == 1 ? db_int(r, 1) : 0;
	db_res_free(r);
	if (rc < 0)
		return -1;
	return rc == 1 ? dpa_counts_refresh(db, area, school, e) : 0;
}

long long dpa_staff_add(struct db *db, long long area_id, long long school_id, const struct dpa_staff_in *in,
			long long by, long long now, long long *elsewhere, const char *kind, struct err *e)
{
	*elsewhere = 0;
	bool needs_posno;
	if (dpa_staff_check(db, in, now, &needs_posno, e) < 0)
		return -1;
	long long id = 0, at = 0, at_area = 0;
	char status[16] = "";
	int found = dpa_staff_find(db, in->citizen_id, &id, &at, &at_area, status, e);
	if (found < 0)
		return -1;
	if (found && !strcmp(status, "active")) {
		if (at == school_id)
			return err_field(e, "citizen_id", "บุคลากรคนนี้มีรายชื่ออยู่ในหน่วยงานนี้แล้ว");
		*elsewhere = at > 0 ? at : -at_area;
		struct buf where = BUF_INIT;
		place_name(db, at, at_area, &where);
		err_field(e, "citizen_id", "บุคลากรคนนี้มีข้อมูลอยู่ที่%s แล้ว บุคคลหนึ่งมีได้ระเบียนเดียว ให้ขอย้ายข้อมูลมาที่หน่วยงานนี้แทน",
			  buf_cstr(&where));
		e->status = 409;
		buf_release(&where);
		return -1;
	}
	int missing = dpa_missing(in, needs_posno, NULL);
	int fy = dpa_retire_fy(in->birth_date);
	struct buf search = BUF_INIT;
	search_of(in, &search);
	long long rc;
	if (found) {
		/* a person who left and comes back: the same record, here again */
		rc = db_exec(
		    db,
		    "UPDATE dpa_staff SET area_id = $2, school_id = $3, status = 'active', title = $4, "
		    "first_name = $5, last_name = $6, birth_date = $7, type = $8, position = $9, "
		    "position_no = $10, standing = $11, salary = $12, appointed_on = $13, arrived_on = $14, "
		    "education = $15, subject = $16, phone = $17, email = $18, missing = $19, retire_fy = $20, "
		    "removed_reason = NULL, removed_on = NULL, search = $21, version = version + 1, "
		    "updated_at = $22 WHERE id = $1 AND status = 'removed'",
		    DB_ARGS(DB_INT(id), DB_INT(area_id), school_id > 0 ? DB_INT(school_id) : DB_NULL,
			    DB_TEXT(in->title), DB_TEXT(in->first_name), DB_TEXT(in->last_name), opt(in->birth_date),
			    opt(in->type), opt(in->position), DB_TEXT(in->position_no), opt(in->standing),
			    in->salary >= 0 ? DB_INT(in->salary) : DB_NULL, opt(in->appointed_on), opt(in->arrived_on),
			    DB_TEXT(in->education), DB_TEXT(in->subject), DB_TEXT(in->phone), DB_TEXT(in->email),
			    DB_INT(missing), fy > 0 ? DB_INT(fy) : DB_NULL, DB_TEXT(buf_cstr(&search)), DB_INT(now)),
		    e);
		if (rc == 0)
			rc = err_set(e, 409, "ระเบียนของบุคลากรคนนี้เพิ่งถูกเปลี่ยน กรุณาลองใหม่");
		kind = "readd";
	} else {
		rc = db_exec(
		    db,
		    "INSERT INTO dpa_staff (citizen_id, area_id, school_id, status, title, first_name, last_name, "
		    "birth_date, type, position, position_no, standing, salary, appointed_on, arrived_on, "
		    "education, subject, phone, email, missing, retire_fy, search, created_at, updated_at) "
		    "VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
		    "$17, $18, $19, $20, $21, $22, $22)",
		    DB_ARGS(DB_TEXT(in->citizen_id), DB_INT(area_id), school_id > 0 ? DB_INT(school_id) : DB_NULL,
			    DB_TEXT(in->title), DB_TEXT(in->first_name), DB_TEXT(in->last_name), opt(in->birth_date),
			    opt(in->type), opt(in->position), DB_TEXT(in->position_no), opt(in->standing),
			    in->salary >= 0 ? DB_INT(in->salary) : DB_NULL, opt(in->appointed_on), opt(in->arrived_on),
			    DB_TEXT(in->education), DB_TEXT(in->subject), DB_TEXT(in->phone), DB_TEXT(in->email),
			    DB_INT(missing), fy > 0 ? DB_INT(fy) : DB_NULL, DB_TEXT(buf_cstr(&search)), DB_INT(now)),
		    e);
		if (rc < 0 && e->status == 409) { /* another writer recorded the same ID first */
			err_clear(e);
			err_field(e, "citizen_id", "บุคลากรคนนี้เพิ่งถูกบันทึกโดยผู้ใช้อื่น ตรวจสอบรายชื่ออีกครั้ง");
			e->status = 409;
		}
		if (rc >= 0 && dpa_staff_find(db, in->citizen_id, &id, &at, &at_area, status, e) != 1)
			rc = -1;
	}
	buf_release(&search);
	if (rc < 0 || add_event(db, id, by, now, kind, 0, school_id, NULL, e) < 0 ||
	    dpa_counts_refresh(db, area_id, school_id, e) < 0)
		return -1;
	return id;
}

int dpa_staff_update(struct db *db, long long id, long long version, const struct dpa_staff_in *in, long long by,
		     long long now, struct err *e)
{
	bool needs_posno;
	if (dpa_staff_check(db, in, now, &needs_posno, e) < 0)
		return -1;
	int missing = dpa_missing(in, needs_posno, NULL);
	int fy = dpa_retire_fy(in->birth_date);
	struct buf search = BUF_INIT;
	search_of(in, &search);
	long long n =
	    db_exec(db,
		    "UPDATE dpa_staff SET title = $2, first_name = $3, last_name = $4, birth_date = $5, type = $6, "
		    "position = $7, position_no = $8, standing = $9, salary = $10, appointed_on = $11, "
		    "arrived_on = $12, education = $13, subject = $14, phone = $15, email = $16, missing = $17, "
		    "retire_fy = $18, search = $19, version = version + 1, updated_at = $20 "
		    "WHERE id = $1 AND status = 'active' AND ($21 < 0 OR version = $21)",
		    DB_ARGS(DB_INT(id), DB_TEXT(in->title), DB_TEXT(in->first_name), DB_TEXT(in->last_name),
			    opt(in->birth_date), opt(in->type), opt(in->position), DB_TEXT(in->position_no),
			    opt(in->standing), in->salary >= 0 ? DB_INT(in->salary) : DB_NULL, opt(in->appointed_on),
			    opt(in->arrived_on), DB_TEXT(in->education), DB_TEXT(in->subject), DB_TEXT(in->phone),
			    DB_TEXT(in->email), DB_INT(missing), fy > 0 ? DB_INT(fy) : DB_NULL,
			    DB_TEXT(buf_cstr(&search)), DB_INT(now), DB_INT(version)),
		    e);
	buf_release(&search);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 409, "ข้อมูลของบุคลากรคนนี้ถูกแก้ไขหรือจำหน่ายไปก่อนแล้ว");
	if (add_event(db, id, by, now, "edit", 0, 0, NULL, e) < 0)
		return -1;
	return place_refresh(db, id, e);
}

int dpa_staff_remove(struct db *db, long long id, long long version, const char *reason, const char *date, long long by,
		     long long now, struct err *e)
{
	if (!reason || !*reason)
		return err_field(e, "reason", "กรุณาเลือกเหตุที่จำหน่าย");
	int k = code_known(db, "SELECT COUNT(*) FROM dpa_remove_reasons WHERE code = $1", reason, e);
	if (k < 0)
		return -1;
	if (!k)
		return err_field(e, "reason", "เหตุที่จำหน่าย \"%s\" ไม่มีในรายการ", reason);
	if (dpa_removal_date_check(date, now, e) < 0)
		return -1;
	long long school = 0;
	if (db_int_value(db, "SELECT COALESCE(school_id, 0) FROM dpa_staff WHERE id = $1", DB_ARGS(DB_INT(id)), &school,
			 e) < 0)
		return -1;
	long long n = db_exec(db,
			      "UPDATE dpa_staff SET status = 'removed', removed_reason = $2, removed_on = $3, "
			      "version = version + 1, updated_at = $4 WHERE id = $1 AND status = 'active' "
			      "AND ($5 < 0 OR version = $5)",
			      DB_ARGS(DB_INT(id), DB_TEXT(reason), DB_TEXT(date), DB_INT(now), DB_INT(version)), e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 409, "บุคลากรคนนี้ถูกจำหน่ายหรือแก้ไขไปก่อนแล้ว");
	/* a pending transfer of a person who left has nothing left to move */
	if (db_exec(db,
		    "UPDATE dpa_transfers SET status = 'withdrawn', decided_at = $2, decided_by = $3, "
		    "decision_note = 'บุคลากรถูกจำหน่ายแล้ว' WHERE staff_id = $1 AND status = 'pending'",
		    DB_ARGS(DB_INT(id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL), e) < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:s}", "reason", reason, "date", date);
	char *ds = json_dumps(d, JSON_COMPACT);
	int rc = add_event(db, id, by, now, "remove", school, 0, ds, e);
	free(ds);
	json_decref(d);
	return rc < 0 ? -1 : place_refresh(db, id, e);
}

#define GET_COLS                                                                                                       \
	"SELECT s.id, s.citizen_id, s.area_id, COALESCE(s.school_id, 0) AS school_id, s.status, s.title, "             \
	"s.first_name, s.last_name, COALESCE(s.birth_date, '') AS birth_date, COALESCE(s.type, '') AS type, "          \
	"COALESCE(t.label, '') AS type_label, COALESCE(t.needs_position_no, 1) AS needs_position_no, "                 \
	"COALESCE(s.position, '') AS position, COALESCE(p.label, '') AS position_label, s.position_no, "               \
	"COALESCE(s.standing, '') AS standing, COALESCE(st.label, '') AS standing_label, s.salary, "                   \
	"COALESCE(s.appointed_on, '') AS appointed_on, COALESCE(s.arrived_on, '') AS arrived_on, s.education, "        \
	"s.subject, s.phone, s.email, s.missing, s.retire_fy, COALESCE(s.removed_reason, '') AS removed_reason, "      \
	"COALESCE(rr.label, '') AS removed_reason_label, COALESCE(s.removed_on, '') AS removed_on, s.version, "        \
	"s.updated_at, COALESCE(sc.name, a.name) AS place_name, a.name AS area_name "                                  \
	"FROM dpa_staff s JOIN areas a ON a.id = s.area_id LEFT JOIN schools sc ON sc.id = s.school_id "               \
	"LEFT JOIN dpa_types t ON t.code = s.type LEFT JOIN dpa_positions p ON p.code = s.position "                   \
	"LEFT JOIN dpa_standings st ON st.code = s.standing LEFT JOIN dpa_remove_reasons rr ON rr.code = "             \
	"s.removed_reason "

json_t *dpa_staff_get(struct db *db, long long id, struct err *e)
{
	json_t *s = db_row_json(db, GET_COLS "WHERE s.id = $1", DB_ARGS(DB_INT(id)), e);
	if (!s)
		return NULL;
	struct dpa_staff_in in = {
	    .birth_date = jstr(s, "birth_date"),
	    .type = jstr(s, "type"),
	    .position = jstr(s, "position"),
	    .position_no = jstr(s, "position_no"),
	    .standing = jstr(s, "standing"),
	    .salary = json_is_integer(json_object_get(s, "salary")) ? jint(s, "salary") : -1,
	    .appointed_on = jstr(s, "appointed_on"),
	    .arrived_on = jstr(s, "arrived_on"),
	    .education = jstr(s, "education"),
	    .subject = jstr(s, "subject"),
	    .phone = jstr(s, "phone"),
	};
	struct buf m = BUF_INIT;
	dpa_missing(&in, jint(s, "needs_position_no") != 0, &m);
	json_object_set_new(s, "missing_list", json_string(buf_cstr(&m)));
	json_object_set_new(s, "incomplete", json_boolean(jint(s, "missing") > 0));
	buf_release(&m);
	return s;
}

json_t *dpa_staff_events(struct db *db, long long id, struct err *e)
{
	return db_rows_json(
	    db,
	    /* a transfer's end without a school is the area office */
	    "SELECT ev.id, ev.at, ev.kind, ev.detail, "
	    "COALESCE(fs.name, CASE WHEN ev.kind = 'transfer' THEN 'สำนักงานเขตพื้นที่' ELSE '' END) AS from_name, "
	    "COALESCE(ts.name, CASE WHEN ev.kind = 'transfer' THEN 'สำนักงานเขตพื้นที่' ELSE '' END) AS to_name, "
	    "COALESCE(u.first_name || ' ' || u.last_name, '') AS by_name "
	    "FROM dpa_staff_events ev LEFT JOIN schools fs ON fs.id = ev.from_school_id "
	    "LEFT JOIN schools ts ON ts.id = ev.to_school_id LEFT JOIN users u ON u.id = ev.by_user "
	    "WHERE ev.staff_id = $1 ORDER BY ev.at, ev.id",
	    DB_ARGS(DB_INT(id)), e);
}

/* Where a list is: "s.school_id = $1" for a school, the area office
 * (school_id NULL) of area $1 otherwise — two constant texts, so a school's
 * list keeps its index. */
#define AT_SCHOOL "s.school_id = $1"
#define AT_OFFICE "s.school_id IS NULL AND s.area_id = $1"
#define PLACE_SQL(school_id, before, after) ((school_id) > 0 ? before AT_SCHOOL after : before AT_OFFICE after)
#define PLACE_KEY(school_id, area_id) DB_INT((school_id) > 0 ? (school_id) : (area_id))

int dpa_place_counts(struct db *db, long long school_id, long long area_id, long long *recorded, long long *incomplete,
		     struct err *e)
{
	/* the maintained counts (counts.c): one primary-key row; none yet is 0 / 0 */
	struct db_res *r = NULL;
	*recorded = *incomplete = 0;
	if (db_query(db,
		     school_id > 0 ? "SELECT recorded, incomplete FROM dpa_counts WHERE school_id = $1"
				   : "SELECT recorded, incomplete FROM dpa_counts WHERE school_id = 0 AND area_id = $1",
		     DB_ARGS(PLACE_KEY(school_id, area_id)), &r, e) < 0)
		return -1;
	int rc = db_next(r, e);
	if (rc == 1) {
		*recorded = db_int(r, 0);
		*incomplete = db_int(r, 1);
	}
	db_res_free(r);
	return rc < 0 ? -1 : 0;
}

int dpa_school_counts(struct db *db, long long school_id, long long *recorded, long long *incomplete, struct err *e)
{
	return dpa_place_counts(db, school_id, 0, recorded, incomplete, e);
}

/* the search slots of core/search.h: $2 … $7 */
#define LIST_WHERE                                                                                                     \
	" AND s.status = 'active' AND s.missing >= $8 AND s.search LIKE $2 AND "                                       \
	"s.search LIKE $3 AND s.search LIKE $4 AND s.search LIKE $5 AND s.search LIKE $6 AND s.search LIKE $7"
_Static_assert(SEARCH_SLOTS == 6, "LIST_WHERE has one LIKE per search slot");

/* The list's columns and each row's place in the Thai name order (n, from
 * 1; the index dpa_staff_school gives that order). The page is the rows
 * with n in ($9, $9 + 40], not LIMIT 40 OFFSET $9: PostgreSQL costs a
 * generic plan with an OFFSET parameter above the custom ones and so
 * planned this statement again on every call (pg_prepared_statements:
 * custom_plans = calls, 0.4–0.6 ms each at the national shape, more than
 * running it); with no parameter in LIMIT/OFFSET it keeps one generic
 * plan per connection. The outer ORDER BY is the integer n, not a second
 * sort by the thai collation. */
#define LIST_COLS_N                                                                                                    \
	"SELECT s.id, s.citizen_id, s.title, s.first_name, s.last_name, COALESCE(t.label, '') AS type_label, "         \
	"COALESCE(p.label, '') AS position_label, s.salary, s.missing, ROW_NUMBER() OVER (ORDER BY "                 \
	"s.first_name COLLATE thai, s.last_name COLLATE thai, s.id) AS n FROM dpa_staff s "                            \
	"LEFT JOIN dpa_types t ON t.code = s.type LEFT JOIN dpa_positions p ON p.code = s.position "

/* One page of a place's list with the place's kept counts, in one
 * statement: the counts' row (none yet: 0 / 0) joined to the page, so an
 * empty page still gives one row, whose staff columns are NULL. A school's
 * starts from its row in schools (its columns before the staff's: the
 * page's school, no statement of its own); the office's from one constant
 * row. */
#define LIST_PAGE(cols, from, where, outer_where)                                                                      \
	"SELECT COALESCE(c.recorded, 0) AS c_recorded, COALESCE(c.incomplete, 0) AS c_incomplete" cols ", l.* " from   \
	" LEFT JOIN (SELECT * FROM (" LIST_COLS_N "WHERE " where LIST_WHERE ") w WHERE w.n > $9 AND w.n <= $9 + 40) l " \
	"ON 1 = 1" outer_where " ORDER BY l.n"
#define SCHOOL_PAGE                                                                                                    \
	LIST_PAGE(", sc.id, sc.area_id, sc.obec_code, sc.smis_code, sc.name AS school_name, sc.district, sc.province, "  \
		  "sc.created_at",                                                                                     \
		  "FROM schools sc LEFT JOIN dpa_counts c ON c.school_id = sc.id AND c.area_id = sc.area_id",          \
		  AT_SCHOOL, " WHERE sc.id = $1")
#define OFFICE_PAGE                                                                                                    \
	LIST_PAGE("", "FROM (SELECT 1 AS one) o LEFT JOIN dpa_counts c ON c.school_id = 0 AND c.area_id = $1",         \
		  AT_OFFICE, "")

/* a column of the current row as JSON: an integer, a string, or null */
static json_t *col_int(struct db_res *r, int i)
{
	return db_isnull(r, i) ? json_null() : json_integer(db_int(r, i));
}
static json_t *col_text(struct db_res *r, int i)
{
	json_t *v = db_isnull(r, i) ? NULL : jx_string(db_text(r, i));
	return v ? v : json_null();
}

/* Reads a LIST_PAGE result: the place's counts (first row) into recorded /
 * lacking and, school not NULL, the school's row (school_cols columns,
 * before the staff's) into a new *school; the staff rows as the
 * list gives them (IDs and salaries masked, X-5), with no JSON made of what
 * is not kept. NULL when there is no row (no such school), or -1 in *rc. */
static json_t *list_page_rows(struct db_res *r, int school_cols, long long *recorded, long long *lacking,
			      json_t **school, int *rc, struct err *e)
{
	json_t *rows = NULL;
	int s0 = 2, l0 = 2 + school_cols; /* where the school's and the staff's columns start */
	for (int n = 0; (*rc = db_next(r, e)) == 1; n++) {
		if (!n) {
			rows = json_array();
			*recorded = db_int(r, 0);
			*lacking = db_int(r, 1);
			if (school && school_cols) /* the keys and types org_school_get gives */
				*school = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", col_int(r, s0),
						    "area_id", col_int(r, s0 + 1), "obec_code", col_text(r, s0 + 2),
						    "smis_code", col_text(r, s0 + 3), "name", col_text(r, s0 + 4), "district",
						    col_text(r, s0 + 5), "province", col_text(r, s0 + 6), "created_at",
						    col_int(r, s0 + 7));
		}
		if (db_isnull(r, l0))
			continue; /* the page is empty */
		struct buf m = BUF_INIT;
		thai_citizen_id_mask(db_text(r, l0 + 1), &m);
		/* a list says whether the salary is recorded, never what it is */
		bool has_salary = !db_isnull(r, l0 + 7);
		long long missing = db_int(r, l0 + 8);
		json_t *row = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:b}", "id", col_int(r, l0), "title",
					col_text(r, l0 + 2), "first_name", col_text(r, l0 + 3), "last_name",
					col_text(r, l0 + 4), "type_label", col_text(r, l0 + 5), "position_label",
					col_text(r, l0 + 6), "missing", col_int(r, l0 + 8), "cid_masked",
					json_string(buf_cstr(&m)), "salary_masked", has_salary ? "xx,xxx.xx" : "",
					/* the template's {{#incomplete}}: a number 0 would read as true */
					"incomplete", missing > 0);
		buf_release(&m);
		if (!row) { /* a value that is not UTF-8: a damaged row */
			*rc = err_set(e, 500, "dpa_staff %lld: a value is not valid UTF-8", db_int(r, l0));
			break;
		}
		json_array_append_new(rows, row);
	}
	if (*rc < 0) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

json_t *dpa_staff_list(struct db *db, long long school_id, long long area_id, const char *q, bool incomplete,
		       long long page, json_t **school, struct err *e)
{
	if (school)
		*school = NULL;
	long long recorded = 0, lacking = 0;
	struct buf pat[SEARCH_SLOTS];
	int words = search_patterns(q, pat);
	long long total = -1;
	int rc = 0;
#define PATS                                                                                                           \
	DB_TEXT(buf_cstr(&pat[0])), DB_TEXT(buf_cstr(&pat[1])), DB_TEXT(buf_cstr(&pat[2])),                            \
	    DB_TEXT(buf_cstr(&pat[3])), DB_TEXT(buf_cstr(&pat[4])), DB_TEXT(buf_cstr(&pat[5]))
	if (words)
		rc = db_int_value(db, PLACE_SQL(school_id, "SELECT COUNT(*) FROM dpa_staff s WHERE ", LIST_WHERE),
				  DB_ARGS(PLACE_KEY(school_id, area_id), PATS, DB_INT(incomplete ? 1 : 0)), &total, e);
	if (page < 1)
		page = 1;
	json_t *rows = NULL;
	/* twice at most: a page past the last (a link kept while the list
	 * shrank) is known only from the counts, and the last is read instead */
	for (int pass = 0; rc >= 0 && pass < 2; pass++) {
		if (total >= 0) {
			long long pages = total ? (total + DPA_PAGE_SIZE - 1) / DPA_PAGE_SIZE : 1;
			if (page > pages)
				page = pages;
		}
		struct db_res *res = NULL;
		rc = db_query(db, school_id > 0 ? SCHOOL_PAGE : OFFICE_PAGE,
			      DB_ARGS(PLACE_KEY(school_id, area_id), PATS, DB_INT(incomplete ? 1 : 0),
				      DB_INT((page - 1) * DPA_PAGE_SIZE)),
			      &res, e);
		if (rc < 0)
			break;
		if (school) {
			json_decref(*school);
			*school = NULL;
		}
		rows = list_page_rows(res, school_id > 0 ? 8 : 0, &recorded, &lacking, school, &rc, e);
		db_res_free(res);
		if (!rows) {
			if (rc >= 0)
				err_set(e, 404, "ไม่พบโรงเรียนที่ระบุ");
			break;
		}
		if (!words)
			total = incomplete ? lacking : recorded;
		if (pass || json_array_size(rows) || page <= 1 || page <= (total + DPA_PAGE_SIZE - 1) / DPA_PAGE_SIZE)
			break;
		json_decref(rows);
		rows = NULL;
	}
#undef PATS
	search_patterns_release(pat);
	if (!rows) {
		if (school) {
			json_decref(*school);
			*school = NULL;
		}
		return NULL;
	}
	long long pages = total > 0 ? (total + DPA_PAGE_SIZE - 1) / DPA_PAGE_SIZE : 1;
	return json_pack("{s:o, s:I, s:I, s:I, s:I, s:I}", "rows", rows, "total", (json_int_t)total, "page",
			 (json_int_t)page, "pages", (json_int_t)pages, "recorded", (json_int_t)recorded, "incomplete",
			 (json_int_t)lacking);
}

json_t *dpa_retiring(struct db *db, long long school_id, long long area_id, int fy, struct err *e)
{
	return db_rows_json(db,
			    PLACE_SQL(school_id,
				      "SELECT s.id, s.title, s.first_name, s.last_name, s.birth_date, "
				      "COALESCE(p.label, '') AS position_label FROM dpa_staff s "
				      "LEFT JOIN dpa_positions p ON p.code = s.position WHERE ",
				      " AND s.status = 'active' AND s.retire_fy = $2 "
				      "ORDER BY s.first_name COLLATE thai, s.last_name COLLATE thai, s.id"),
			    DB_ARGS(PLACE_KEY(school_id, area_id), DB_INT(fy)), e);
}

json_t *dpa_area_schools(struct db *db, long long area_id, struct err *e)
{
	return db_rows_json(
	    db,
	    "SELECT sc.id AS school_id, sc.name, sc.obec_code, COALESCE(c.recorded, 0) AS recorded, "
	    "COALESCE(c.incomplete, 0) AS incomplete FROM schools sc LEFT JOIN dpa_counts c "
	    "ON c.school_id = sc.id AND c.area_id = $1 WHERE sc.area_id = $1 ORDER BY sc.name COLLATE thai, sc.id",
	    DB_ARGS(DB_INT(area_id)), e);
}

/* One page of an area's schools (the completeness page): schools(area_id,
 * name COLLATE thai, id, search, obec_code …) gives the order, the search
 * words and the codes from one index range; each school's figures are one
 * primary-key row of dpa_counts. The SQL is constant: unused search slots
 * match anything, $8 = 1 keeps the schools with someone incomplete. */
#define AREA_PAGE_FROM                                                                                                 \
	" FROM schools sc LEFT JOIN dpa_counts c ON c.school_id = sc.id AND c.area_id = sc.area_id "                   \
	"WHERE sc.area_id = $1 AND sc.search LIKE $2 AND sc.search LIKE $3 AND sc.search LIKE $4 "                     \
	"AND sc.search LIKE $5 AND sc.search LIKE $6 AND sc.search LIKE $7 AND ($8 = 0 OR c.incomplete > 0)"

/* The page's rows with the count of every match (COUNT(*) OVER (), over
 * every match) and the area's row, in one statement: the area LEFT
 * JOINed to its page, so an empty page still gives one row, whose school
 * columns are NULL; no row at all is no such area. Read column by column:
 * the area's only from the first row, and no JSON of what is not kept.
 * The page is the matches numbered ($9, $9 + 50] in Thai order (n), not
 * LIMIT/OFFSET: with an OFFSET parameter PostgreSQL planned the statement
 * anew on every call (LIST_COLS_N says why). */
static json_t *area_page_rows(struct db *db, const struct db_val *v, long long page, long long *total, json_t **area,
			      struct err *e)
{
	struct db_val p[10];
	memcpy(p, v, 8 * sizeof *p);
	p[8] = DB_INT((page - 1) * DPA_AREA_PAGE_SIZE);
	struct db_res *r = NULL;
	int rc = db_query(
	    db,
	    "SELECT a.id, a.code, a.name, a.short_name, a.kind, a.province, a.school_count, l.* FROM areas a LEFT JOIN ("
	    "SELECT * FROM (SELECT sc.id AS school_id, sc.name, sc.obec_code, COALESCE(c.recorded, 0) AS recorded, "
	    "COALESCE(c.incomplete, 0) AS incomplete, COUNT(*) OVER () AS matched, "
	    "ROW_NUMBER() OVER (ORDER BY sc.name COLLATE thai, sc.id) AS n" AREA_PAGE_FROM
	    ") w WHERE w.n > $9 AND w.n <= $9 + 50) l ON 1 = 1 WHERE a.id = $1 ORDER BY l.n",
	    p, 9, &r, e);
	json_t *rows = NULL;
	*total = 0;
	for (int n = 0; rc >= 0 && (rc = db_next(r, e)) == 1; n++) {
		if (!n) {
			rows = json_array();
			if (area) /* the keys and types org_area_get gives */
				*area = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", col_int(r, 0), "code",
						  col_text(r, 1), "name", col_text(r, 2), "short_name", col_text(r, 3), "kind",
						  col_text(r, 4), "province", col_text(r, 5), "school_count", col_int(r, 6));
		}
		if (db_isnull(r, 7))
			continue; /* the page is empty */
		*total = db_int(r, 12);
		json_array_append_new(rows, json_pack("{s:o, s:o, s:o, s:o, s:o}", "school_id", col_int(r, 7), "name",
						      col_text(r, 8), "obec_code", col_text(r, 9), "recorded",
						      col_int(r, 10), "incomplete", col_int(r, 11)));
	}
	db_res_free(r);
	if (rc < 0) {
		json_decref(rows);
		return NULL;
	}
	if (!rows)
		err_set(e, 404, "ไม่พบสำนักงานเขตพื้นที่ที่ระบุ");
	return rows;
}

json_t *dpa_area_schools_page(struct db *db, long long area_id, const char *q, bool incomplete, long long page,
			      json_t **area, struct err *e)
{
	if (area)
		*area = NULL;
	struct buf pat[SEARCH_SLOTS];
	search_patterns(q ? q : "", pat);
	const struct db_val v[8] = {DB_INT(area_id),
				    DB_TEXT(buf_cstr(&pat[0])),
				    DB_TEXT(buf_cstr(&pat[1])),
				    DB_TEXT(buf_cstr(&pat[2])),
				    DB_TEXT(buf_cstr(&pat[3])),
				    DB_TEXT(buf_cstr(&pat[4])),
				    DB_TEXT(buf_cstr(&pat[5])),
				    DB_INT(incomplete ? 1 : 0)};
	long long total = 0;
	if (page < 1)
		page = 1;
	json_t *rows = area_page_rows(db, v, page, &total, area, e);
	if (rows && !json_array_size(rows) && page > 1) {
		/* past the last page (a link kept while schools were
		 * filtered away): count, and show the last page instead */
		json_decref(rows);
		rows = NULL;
		if (area) {
			json_decref(*area);
			*area = NULL;
		}
		if (db_int_value(db, "SELECT COUNT(*)" AREA_PAGE_FROM, v, 8, &total, e) >= 0) {
			page = total ? (total + DPA_AREA_PAGE_SIZE - 1) / DPA_AREA_PAGE_SIZE : 1;
			rows = area_page_rows(db, v, page, &total, area, e);
		}
	}
	search_patterns_release(pat);
	if (!rows) {
		if (area) {
			json_decref(*area);
			*area = NULL;
		}
		return NULL;
	}
	long long pages = total ? (total + DPA_AREA_PAGE_SIZE - 1) / DPA_AREA_PAGE_SIZE : 1;
	return json_pack("{s:o, s:I, s:I, s:I}", "rows", rows, "total", (json_int_t)total, "page", (json_int_t)page,
			 "pages", (json_int_t)pages);
}

/* a school's place in schools, by id (bsearch over sorted pairs) */
struct at {
	long long id;
	size_t row;
};
static int at_cmp(const void *a, const void *b)
{
	long long x = ((const struct at *)a)->id, y = ((const struct at *)b)->id;
	return x < y ? -1 : x > y;
}

/* A school's counts by type, pivoted in C: a row of cells per school (nt
 * types, then untyped), found by id. */
struct pivot {
	size_t nt, nr;
	struct at *ids;
	long long *cells;
	const char **tv; /* the types' codes, in their order */
};

static void pivot_init(struct pivot *pv, const json_t *types, json_t *schools)
{
	size_t nt = json_array_size(types);
	pv->nt = nt;
	pv->tv = xcalloc(nt ? nt : 1, sizeof *pv->tv);
	for (size_t k = 0; k < nt; k++)
		pv->tv[k] = jstr(json_array_get(types, k), "value");
	pv->nr = json_array_size(schools);
	pv->ids = xcalloc(pv->nr ? pv->nr : 1, sizeof *pv->ids);
	pv->cells = xcalloc((pv->nr ? pv->nr : 1) * (nt + 1), sizeof *pv->cells);
	for (size_t i = 0; i < pv->nr; i++) {
		pv->ids[i].id = jint(json_array_get(schools, i), "school_id");
		pv->ids[i].row = i;
	}
	qsort(pv->ids, pv->nr, sizeof *pv->ids, at_cmp);
}


/* the column of a type code; nt for one not in the list */
static size_t pivot_col(const struct pivot *pv, const char *type)
{
	size_t k = 0;
	while (k < pv->nt && strcmp(pv->tv[k], type))
		k++;
	return k;
}

/* n into column k (pivot_col) of the school's row; nothing for a school
 * not in the pivot */
static void pivot_add_at(struct pivot *pv, long long school_id, size_t k, long long n)
{
	struct at key = {school_id, 0}, *hit = bsearch(&key, pv->ids, pv->nr, sizeof *pv->ids, at_cmp);
	if (hit)
		pv->cells[hit->row * (pv->nt + 1) + k] += n; /* k == nt: a type not in the list */
}

static void pivot_add(struct pivot *pv, long long school_id, const char *type, long long n)
{
	pivot_add_at(pv, school_id, pivot_col(pv, type), n);
}

/* by_type, untyped and complete into each school; frees the pivot */
static void pivot_put(struct pivot *pv, json_t *schools, bool ok)
{
	for (size_t i = 0; ok && i < pv->nr; i++) {
		json_t *x = json_array_get(schools, i), *bt = json_array();
		for (size_t k = 0; k < pv->nt; k++)
			json_array_append_new(bt, json_integer(pv->cells[i * (pv->nt + 1) + k]));
		json_object_set_new(x, "by_type", bt);
		json_object_set_new(x, "untyped", json_integer(pv->cells[i * (pv->nt + 1) + pv->nt]));
		json_object_set_new(x, "complete", json_boolean(jint(x, "recorded") > 0 && !jint(x, "incomplete")));
	}
	free(pv->ids);
	free(pv->cells);
	free(pv->tv);
}

int dpa_area_fill_types(struct db *db, long long area_id, json_t *types, json_t *schools, struct err *e)
{
	struct pivot pv;
	pivot_init(&pv, types, schools);
	struct db_res *r = NULL;
	int rc = db_query(db,
			  "SELECT school_id, type, recorded FROM dpa_type_counts WHERE area_id = $1 AND school_id > 0 "
			  "AND recorded > 0",
			  DB_ARGS(DB_INT(area_id)), &r, e);
	while (rc >= 0 && (rc = db_next(r, e)) == 1)
		pivot_add(&pv, db_int(r, 0), db_text(r, 1), db_int(r, 2));
	db_res_free(r);
	pivot_put(&pv, schools, rc >= 0);
	return rc < 0 ? -1 : 0;
}

/* The completeness page's figures in one statement (on PostgreSQL one
 * round trip where there were four), its parts told apart by the first
 * column (part, k, type, label, n) and read in its order: 0 the personnel
 * types in their order (k their sort), 1 the area's totals over its
 * schools (n recorded, k incomplete), 2 every school's counts by type (k
 * the school): summed here into the area's counts by type, and pivoted
 * for the page's schools. Its only parameter is the area: an earlier
 * version named the page's 50 schools ($2 … $51) and summed the area's
 * types in SQL, and PostgreSQL, costing its generic plan above the custom
 * ones, planned it again on every call (0.3–0.5 ms, as much as running
 * it); the area's type rows (about 5 a school) cost less to read. */
static const char page_figures_sql[] =
    "SELECT 0 AS part, sort AS k, code AS type, label, 0 AS n FROM dpa_types "
    "UNION ALL SELECT 1, CAST(COALESCE(SUM(incomplete), 0) AS BIGINT), '', '', "
    "CAST(COALESCE(SUM(recorded), 0) AS BIGINT) FROM dpa_counts WHERE area_id = $1 AND school_id > 0 "
    "UNION ALL SELECT 2, school_id, type, '', recorded FROM dpa_type_counts WHERE area_id = $1 AND school_id > 0 "
    "AND recorded > 0 ORDER BY 1, 2, 3";

json_t *dpa_area_page_figures(struct db *db, long long area_id, json_t *schools, struct err *e)
{
	struct db_res *r = NULL;
	int rc = db_query(db, page_figures_sql, DB_ARGS(DB_INT(area_id)), &r, e);
	json_t *types = json_array();
	long long recorded = 0, lacking = 0, untyped = 0, *area_by_type = NULL;
	struct pivot pv = {0};
	bool pivoting = false;
	while (rc >= 0 && (rc = db_next(r, e)) == 1) {
		long long part = db_int(r, 0);
		if (part == 0) {
			json_array_append_new(types, json_pack("{s:s, s:s}", "value", db_text(r, 2), "label", db_text(r, 3)));
			continue;
		}
		if (!pivoting) { /* the types are all read: part 0 comes first */
			pivot_init(&pv, types, schools);
			area_by_type = xcalloc(pv.nt ? pv.nt : 1, sizeof *area_by_type);
			pivoting = true;
		}
		if (part == 1) {
			recorded = db_int(r, 4);
			lacking = db_int(r, 1);
		} else { /* a school's count of one type: into the area's, and the page's school's */
			long long n = db_int(r, 4);
			size_t k = pivot_col(&pv, db_text(r, 2));
			if (k < pv.nt)
				area_by_type[k] += n;
			else
				untyped += n;
			pivot_add_at(&pv, db_int(r, 1), k, n);
		}
	}
	db_res_free(r);
	if (!pivoting) /* part 1 always has its row: only on failure */
		pivot_init(&pv, types, schools);
	size_t nt = pv.nt;
	pivot_put(&pv, schools, rc >= 0);
	if (rc < 0) {
		free(area_by_type);
		json_decref(types);
		return NULL;
	}
	json_t *by_type = json_array();
	for (size_t k = 0; area_by_type && k < nt; k++)
		json_array_append_new(by_type, json_integer(area_by_type[k]));
	free(area_by_type);
	return json_pack("{s:o, s:I, s:I, s:o, s:I}", "types", types, "recorded", (json_int_t)recorded, "incomplete",
			 (json_int_t)lacking, "by_type", by_type, "untyped", (json_int_t)untyped);
}

json_t *dpa_school_roster(struct db *db, long long school_id, long long area_id, struct err *e)
{
	return db_rows_json(
	    db,
	    PLACE_SQL(school_id,
		      "SELECT s.id, s.title, s.first_name, s.last_name, COALESCE(t.label, '') AS type_label, "
		      "COALESCE(p.label, '') AS position_label, s.position_no, "
		      "COALESCE(st.label, '') AS standing_label, s.subject, s.missing FROM dpa_staff s "
		      "LEFT JOIN dpa_types t ON t.code = s.type LEFT JOIN dpa_positions p ON p.code = s.position "
		      "LEFT JOIN dpa_standings st ON st.code = s.standing WHERE ",
		      " AND s.status = 'active' ORDER BY s.first_name COLLATE thai, s.last_name COLLATE thai, s.id"),
	    DB_ARGS(PLACE_KEY(school_id, area_id)), e);
}
