/* learner: a learner's one record for life (DMC-1) and what a school does
 * to it (DMC-2): add, move in, move out, change grade/room, change names,
 * weight and height. A record is never copied: moving in changes its
 * school, and dmc_learner_events keeps who did what, when, from which
 * school to which, so the school that lost a learner still sees where he
 * went. "Active in at most one school" is the database's rule (the partial
 * UNIQUE index of migration 0500), checked here first only to answer with
 * a useful Thai message; a racing writer that slips past the check hits
 * the index and gets the same message. Counts by school × grade × sex
 * (dmc_counts) change in the same statement sequence as the record, so a
 * caller that runs inside one transaction — as every handler does — never
 * leaves them apart. Choice codes (titles, grades …) are checked against
 * their tables, which are data, not against lists in C. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/jsonx.h"
#include "core/search.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"

/* ---- choice lists ------------------------------------------------------------- */

json_t *dmc_choices(struct db *db, enum dmc_list which, struct err *e)
{
	static const char *const sql[] = {
	    [DMC_TITLES] = "SELECT code AS value, label FROM dmc_titles ORDER BY sort",
	    [DMC_GRADES] = "SELECT code AS value, label FROM dmc_grades ORDER BY sort",
	    [DMC_DISADVANTAGED] = "SELECT code AS value, label FROM dmc_disadvantaged ORDER BY sort",
	    [DMC_DISABILITIES] = "SELECT code AS value, label FROM dmc_disabilities ORDER BY sort",
	    [DMC_NATIONALITIES] = "SELECT code AS value, label FROM dmc_nationalities ORDER BY sort",
	};
	return db_rows_json(db, sql[which], NULL, 0, e);
}

/* 1 when code is in the list, 0 when not, -1 on error. */
static int in_list(struct db *db, enum dmc_list which, const char *code, struct err *e)
{
	static const char *const sql[] = {
	    [DMC_TITLES] = "SELECT 1 FROM dmc_titles WHERE code = $1",
	    [DMC_GRADES] = "SELECT 1 FROM dmc_grades WHERE code = $1",
	    [DMC_DISADVANTAGED] = "SELECT 1 FROM dmc_disadvantaged WHERE code = $1",
	    [DMC_DISABILITIES] = "SELECT 1 FROM dmc_disabilities WHERE code = $1",
	    [DMC_NATIONALITIES] = "SELECT 1 FROM dmc_nationalities WHERE code = $1",
	};
	long long one = 0;
	return db_int_value(db, sql[which], DB_ARGS(DB_TEXT(code)), &one, e);
}

/* A grade's row {label, min_age, max_age, final, next_grade}; NULL with a field
 * error when the code is not a grade. */
static json_t *grade_row(struct db *db, const char *code, struct err *e)
{
	json_t *g = db_row_json(db,
				"SELECT label, COALESCE(min_age, 0) AS min_age, COALESCE(max_age, 0) AS max_age, final, "
				"COALESCE(next_grade, '') AS next_grade "
				"FROM dmc_grades WHERE code = $1",
				DB_ARGS(DB_TEXT(code)), e);
	if (!g && e->status == 404)
		err_field(e, "grade", "กรุณาเลือกชั้นเรียนจากรายการ (อ.1–อ.3, ป.1–ป.6, ม.1–ม.6)");
	return g;
}

/* The sex a title stands for ("M"/"F"), "" when code is not a title. */
static int title_sex(struct db *db, const char *code, char sex[2], struct err *e)
{
	json_t *t = db_row_json(db, "SELECT sex FROM dmc_titles WHERE code = $1", DB_ARGS(DB_TEXT(code)), e);
	if (!t) {
		if (e->status == 404)
			return err_field(e, "title", "กรุณาเลือกคำนำหน้าชื่อ (ด.ช. ด.ญ. นาย หรือ นางสาว)");
		return -1;
	}
	snprintf(sex, 2, "%s", jstr(t, "sex"));
	json_decref(t);
	return 0;
}

static int check_list(struct db *db, enum dmc_list which, const char *code, const char *field, const char *msg,
		      struct err *e)
{
	int rc = in_list(db, which, code, e);
	if (rc < 0)
		return -1;
	return rc ? 0 : err_field(e, field, "%s", msg);
}

static int name_check(const char *s, const char *field, const char *what, struct err *e)
{
	if (!s || !*s)
		return err_field(e, field, "กรุณากรอก%s", what);
	if (!thai_utf8_valid(s, strlen(s)) || strchr(s, '\n') || strchr(s, '\t'))
		return err_field(e, field, "%sมีอักขระที่ใช้ไม่ได้ กรุณาพิมพ์ใหม่", what);
	if (strlen(s) > 300)
		return err_field(e, field, "%sยาวเกินไป", what);
	return 0;
}

void dmc_search_ident(const char *ident, struct buf *out)
{
	buf_addc(out, ' ');
	for (const char *p = ident; p && *p; p++)
		buf_addc(out, (char)tolower((unsigned char)*p));
}

static void search_text(const char *first, const char *last, const char *ident, struct buf *out)
{
	struct buf names = BUF_INIT;
	buf_addf(&names, "%s %s", first, last);
	thai_search_terms(buf_cstr(&names), out);
	dmc_search_ident(ident, out);
	buf_release(&names);
}

/* ---- counts and history --------------------------------------------------------------- */

static int count_add(struct db *db, long long school_id, const char *grade, const char *sex, long long delta,
		     struct err *e)
{
	long long n;
	if (delta > 0)
		n = db_exec(db,
			    "INSERT INTO dmc_counts (school_id, grade, sex, n) VALUES ($1, $2, $3, $4) "
			    "ON CONFLICT (school_id, grade, sex) DO UPDATE SET n = dmc_counts.n + excluded.n",
			    DB_ARGS(DB_INT(school_id), DB_TEXT(grade), DB_TEXT(sex), DB_INT(delta)), e);
	else /* an upsert would check its proposed row (n < 0) before the conflict */
		n = db_exec(db, "UPDATE dmc_counts SET n = n + $4 WHERE school_id = $1 AND grade = $2 AND sex = $3",
			    DB_ARGS(DB_INT(school_id), DB_TEXT(grade), DB_TEXT(sex), DB_INT(delta)), e);
	if (n < 0 || (delta < 0 && n != 1)) {
		/* the counts no longer match the records: a fault, never the user's */
		if (n >= 0 || e->status != 500)
			err_set(e, 500, "dmc_counts out of step for school %lld grade %s sex %s", school_id, grade, sex);
		return -1;
	}
	return 0;
}

static struct db_val id_or_null(long long id)
{
	return id > 0 ? DB_INT(id) : DB_NULL;
}

/* Appends an event; takes detail (may be NULL). */
static int event_add(struct db *db, long long learner_id, long long at, long long by, const char *kind,
		     long long from_school, long long to_school, const char *destination, json_t *detail,
		     struct err *e)
{
	char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);
	long long rc = db_exec(db,
			       "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, from_school_id, "
			       "to_school_id, destination, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			       DB_ARGS(DB_INT(learner_id), DB_INT(at), id_or_null(by), DB_TEXT(kind),
				       id_or_null(from_school), id_or_null(to_school), DB_TEXT(destination ? destination : ""),
				       DB_TEXT(d ? d : "{}")),
			       e);
	free(d);
	return rc < 0 ? -1 : 0;
}

/* ---- adding ------------------------------------------------------------------------------- */

/* The record that holds ident: the active one if any, else the newest;
 * 1 with *id, *school and status filled, 0 when none, -1 on error. */
static int find_ident(struct db *db, const char *ident, long long *id, long long *school, char status[16],
		      struct err *e)
{
	struct db_res *res = NULL;
	if (db_query(db,
		     "SELECT id, school_id, status FROM dmc_learners WHERE ident = $1 "
		     "ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, id DESC LIMIT 1",
		     DB_ARGS(DB_TEXT(ident)), &res, e) < 0)
		return -1;
	int rc = db_next(res, e);
	if (rc == 1) {
		*id = db_int(res, 0);
		*school = db_int(res, 1);
		snprintf(status, 16, "%s", db_text(res, 2));
	}
	db_res_free(res);
	return rc;
}

static int optional_tenths(const char *s, const char *field, const char *what, long long *out, struct err *e)
{
	*out = -1;
	if (!s || !*s)
		return 0;
	if (dmc_parse_tenths(s, out) < 0)
		return err_field(e, field, "%sต้องเป็นตัวเลข ทศนิยมได้ 1 ตำแหน่ง เช่น 35.5", what);
	return 0;
}

static const char dup_here[] = "นักเรียนเลขนี้มีอยู่ในโรงเรียนนี้แล้ว ไม่ต้องเพิ่มซ้ำ";
static const char dup_elsewhere[] =
    "เลขนี้มีประวัตินักเรียนอยู่ในระบบแล้ว (นักเรียนหนึ่งคนมีได้เพียงระเบียนเดียว) หากนักเรียนมาเรียนที่โรงเรียนนี้ "
    "ให้ใช้เมนูย้ายเข้า ระเบียนและประวัติจะย้ายมาด้วย";

/* One check of dmc_learner_check_all: a fault ends the checks; a refusal
 * goes to report and the checks go on, or, without report, ends them. */
#define CHECK(call)                                                                                                    \
	do {                                                                                                           \
		struct err se_ = ERR_INIT;                                                                             \
		if ((call) < 0) {                                                                                      \
			if (!err_refusal(&se_) || !report) {                                                           \
				*e = se_;                                                                              \
				return -1;                                                                             \
			}                                                                                              \
			report(ctx, &se_);                                                                             \
			n++;                                                                                           \
		}                                                                                                      \
	} while (0)

int dmc_learner_check_all(struct db *db, const struct dmc_learner_in *in, long long now, long long *w, long long *h,
			  void (*report)(void *ctx, const struct err *refusal), void *ctx, struct err *e)
{
	int n = 0;
	char tsex[2] = "";
	CHECK(title_sex(db, in->title, tsex, &se_));
	CHECK(name_check(in->first_name, "first_name", "ชื่อ", &se_));
	CHECK(name_check(in->last_name, "last_name", "นามสกุล", &se_));
	if (strcmp(in->sex, "M") && strcmp(in->sex, "F"))
		CHECK(err_field(&se_, "sex", "กรุณาเลือกเพศ"));
	else if (*tsex && strcmp(in->sex, tsex))
		CHECK(err_field(&se_, "title", "คำนำหน้าชื่อไม่ตรงกับเพศที่เลือก กรุณาตรวจสอบ"));
	json_t *g = NULL;
	CHECK((g = grade_row(db, in->grade, &se_)) ? 0 : -1);
	if (g) {
		/* the grade's row is let go before the check, which may return */
		int min_age = (int)jint(g, "min_age"), max_age = (int)jint(g, "max_age");
		struct buf label = BUF_INIT;
		buf_adds(&label, jstr(g, "label"));
		json_decref(g);
		struct err be = ERR_INIT;
		int rc = dmc_birth_check(in->birth_date, now, min_age, max_age, buf_cstr(&label), &be);
		buf_release(&label);
		CHECK(rc < 0 ? (se_ = be, -1) : 0);
	}
	if (in->room < 1 || in->room > 99)
		CHECK(err_field(&se_, "room", "ห้องต้องเป็นตัวเลข 1–99"));
	CHECK(optional_tenths(in->weight, "weight", "น้ำหนัก", w, &se_));
	CHECK(optional_tenths(in->height, "height", "ส่วนสูง", h, &se_));
	CHECK(dmc_body_check(*w, -1, &se_));
	CHECK(dmc_body_check(-1, *h, &se_));
	CHECK(check_list(db, DMC_NATIONALITIES, in->nationality, "nationality", "กรุณาเลือกสัญชาติจากรายการ", &se_));
	CHECK(check_list(db, DMC_DISADVANTAGED, in->disadvantaged, "disadvantaged",
			 "กรุณาเลือกสถานะความด้อยโอกาสจากรายการ", &se_));
	CHECK(check_list(db, DMC_DISABILITIES, in->disability, "disability", "กรุณาเลือกประเภทความพิการจากรายการ", &se_));
	return n;
}

int dmc_learner_check_fields(struct db *db, const struct dmc_learner_in *in, long long now, long long *w,
			     long long *h, struct err *e)
{
	return dmc_learner_check_all(db, in, now, w, h, NULL, NULL, e) < 0 ? -1 : 0;
}

int dmc_learner_add_errors(struct db *db, const struct dmc_learner_in *in, long long now,
			   void (*report)(void *ctx, const struct err *refusal), void *ctx, struct err *e)
{
	int n = 0;
	const char *cid = in->citizen_id ? in->citizen_id : "", *gc = in->gcode ? in->gcode : "";
	if (!*cid && !*gc)
		CHECK(err_field(&se_, "citizen_id",
				"กรุณากรอกเลขประจำตัวประชาชน หรือรหัส G สำหรับนักเรียนที่ไม่มีหลักฐานทางทะเบียนราษฎร"));
	else if (*cid && *gc)
		CHECK(err_field(&se_, "gcode", "กรอกเลขประจำตัวประชาชนหรือรหัส G อย่างใดอย่างหนึ่งเท่านั้น"));
	else if (*cid)
		CHECK(thai_citizen_id_check(cid, &se_));
	else
		CHECK(dmc_gcode_check(gc, &se_));
	long long w, h;
	int m = dmc_learner_check_all(db, in, now, &w, &h, report, ctx, e);
	return m < 0 ? -1 : n + m;
}
#undef CHECK

long long dmc_learner_add(struct db *db, long long school_id, const struct dmc_learner_in *in, long long by,
			  long long now, long long *elsewhere, struct err *e)
{
	*elsewhere = 0;
	const char *cid = in->citizen_id ? in->citizen_id : "", *gc = in->gcode ? in->gcode : "";
	const char *id_field = *gc && !*cid ? "gcode" : "citizen_id";
	if (!*cid && !*gc)
		return err_field(e, "citizen_id",
				 "กรุณากรอกเลขประจำตัวประชาชน หรือรหัส G สำหรับนักเรียนที่ไม่มีหลักฐานทางทะเบียนราษฎร");
	if (*cid && *gc)
		return err_field(e, "gcode", "กรอกเลขประจำตัวประชาชนหรือรหัส G อย่างใดอย่างหนึ่งเท่านั้น");
	char gup[14] = "";
	if (*cid) {
		if (thai_citizen_id_check(cid, e) < 0)
			return -1;
	} else {
		if (dmc_gcode_check(gc, e) < 0)
			return -1;
		snprintf(gup, sizeof gup, "G%s", gc + 1);
	}
	const char *ident = *cid ? cid : gup;
	long long w, h;
	if (dmc_learner_check_fields(db, in, now, &w, &h, e) < 0)
		return -1;
	int rc;

	long long found = 0, found_school = 0;
	char status[16];
	rc = find_ident(db, ident, &found, &found_school, status, e);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		if (found_school == school_id && !strcmp(status, "active"))
			return err_field(e, id_field, "%s", dup_here), e->status = 409, -1;
		*elsewhere = found_school;
		err_field(e, id_field, "%s", dup_elsewhere);
		e->status = 409;
		return -1;
	}
	struct buf search = BUF_INIT;
	search_text(in->first_name, in->last_name, ident, &search);
	struct db_res *res = NULL;
	long long id = -1;
	if (db_query(db,
		     "INSERT INTO dmc_learners (citizen_id, gcode, ident, school_id, status, title, first_name, last_name, "
		     "sex, birth_date, nationality, grade, room, weight_x10, height_x10, disadvantaged, disability, "
		     "guardian_name, guardian_phone, address, search, created_at, updated_at) VALUES "
		     "($1, $2, $3, $4, 'active', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
		     "$20, $21, $21) RETURNING id",
		     DB_ARGS(*cid ? DB_TEXT(cid) : DB_NULL, *cid ? DB_NULL : DB_TEXT(gup), DB_TEXT(ident),
			     DB_INT(school_id), DB_TEXT(in->title), DB_TEXT(in->first_name), DB_TEXT(in->last_name),
			     DB_TEXT(in->sex), DB_TEXT(in->birth_date), DB_TEXT(in->nationality), DB_TEXT(in->grade),
			     DB_INT(in->room), w >= 0 ? DB_INT(w) : DB_NULL, h >= 0 ? DB_INT(h) : DB_NULL,
			     DB_TEXT(in->disadvantaged), DB_TEXT(in->disability), DB_TEXT(in->guardian_name),
			     DB_TEXT(in->guardian_phone), DB_TEXT(in->address), DB_TEXT(buf_cstr(&search)), DB_INT(now)),
		     &res, e) == 0 &&
	    db_next(res, e) == 1)
		id = db_int(res, 0);
	db_res_free(res);
	buf_release(&search);
	if (id < 0) {
		if (e->status == 409) /* the index: someone added the same code meanwhile */
			err_field(e, id_field, "%s", dup_elsewhere), e->status = 409;
		return -1;
	}
	if (count_add(db, school_id, in->grade, in->sex, 1, e) < 0 ||
	    event_add(db, id, now, by, "add", 0, school_id, "", json_pack("{s:s}", "grade", in->grade), e) < 0 ||
	    dmc_dup_check_learner(db, id, now, e) < 0)
		return -1;
	return id;
}

/* ---- changes of an active learner ---------------------------------------------------- */

/* The learner's grade and sex when it is active in school_id; 404 (as if
 * it did not exist) for another school's learner or one who left. */
static int active_here_birth(struct db *db, long long school_id, long long id, char grade[8], char sex[2],
			     char birth[16], struct err *e)
{
	json_t *l = db_row_json(db, "SELECT grade, sex, birth_date, school_id, status FROM dmc_learners WHERE id = $1",
				DB_ARGS(DB_INT(id)), e);
	if (!l)
		return e->status == 404 ? err_set(e, 404, "ไม่พบนักเรียนคนนี้ในโรงเรียน") : -1;
	int ok = jint(l, "school_id") == school_id && !strcmp(jstr(l, "status"), "active");
	snprintf(grade, 8, "%s", jstr(l, "grade"));
	snprintf(sex, 2, "%s", jstr(l, "sex"));
	if (birth)
		snprintf(birth, 16, "%s", jstr(l, "birth_date"));
	json_decref(l);
	return ok ? 0 : err_set(e, 404, "ไม่พบนักเรียนคนนี้ในโรงเรียน (อาจย้ายออกไปแล้ว)");
}

static int active_here(struct db *db, long long school_id, long long id, char grade[8], char sex[2], struct err *e)
{
	return active_here_birth(db, school_id, id, grade, sex, NULL, e);
}

/* The age rule of a grade (its min_age … max_age) for a learner already recorded:
 * the same check as adding, answered at the grade field, since that is
 * what the user chose (the birth date is not on the form). */
static int grade_age_check(const char *birth, long long now, json_t *grade, struct err *e)
{
	if (dmc_birth_check(birth, now, (int)jint(grade, "min_age"), (int)jint(grade, "max_age"), jstr(grade, "label"),
			    e) < 0) {
		snprintf(e->field, sizeof e->field, "grade");
		return -1;
	}
	return 0;
}

long long dmc_learner_move_in(struct db *db, long long school_id, const char *ident, const char *grade,
			      long long room, long long by, long long now, struct err *e)
{
	if (!ident || !*ident)
		return err_field(e, "citizen_id", "กรุณากรอกเลขประจำตัวประชาชนหรือรหัส G ของนักเรียนที่ย้ายเข้า");
	char code[14];
	if (ident[0] == 'G' || ident[0] == 'g') {
		if (dmc_gcode_check(ident, e) < 0) {
			snprintf(e->field, sizeof e->field, "citizen_id");
			return -1;
		}
		snprintf(code, sizeof code, "G%s", ident + 1);
	} else {
		if (thai_citizen_id_normalize(ident, code) < 0)
			return thai_citizen_id_check(ident, e) < 0 ? -1 : err_field(e, "citizen_id", "เลขประจำตัวประชาชนต้องมี 13 หลัก");
		if (thai_citizen_id_check(code, e) < 0)
			return -1;
	}
	long long id = 0, from = 0;
	char status[16];
	int rc = find_ident(db, code, &id, &from, status, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_field(e, "citizen_id",
				 "ไม่พบนักเรียนเลขนี้ในระบบ หากเป็นนักเรียนใหม่ที่ไม่เคยมีข้อมูล ให้ใช้เมนูเพิ่มนักเรียน"),
		       e->status = 404, -1;
	bool was_active = !strcmp(status, "active");
	if (was_active && from == school_id)
		return err_field(e, "citizen_id", "นักเรียนคนนี้อยู่ในโรงเรียนนี้แล้ว"), e->status = 409, -1;
	json_t *l = db_row_json(db, "SELECT grade, sex, birth_date FROM dmc_learners WHERE id = $1", DB_ARGS(DB_INT(id)),
				e);
	if (!l)
		return -1;
	char old_grade[8], sex[2], birth[16];
	snprintf(old_grade, sizeof old_grade, "%s", jstr(l, "grade"));
	snprintf(sex, sizeof sex, "%s", jstr(l, "sex"));
	snprintf(birth, sizeof birth, "%s", jstr(l, "birth_date"));
	json_decref(l);
	const char *new_grade = grade && *grade ? grade : old_grade;
	json_t *g = grade_row(db, new_grade, e);
	if (!g)
		return -1;
	rc = grade_age_check(birth, now, g, e);
	json_decref(g);
	if (rc < 0)
		return -1;
	if (room < 1 || room > 99)
		return err_field(e, "room", "ห้องต้องเป็นตัวเลข 1–99");
	if (was_active && count_add(db, from, old_grade, sex, -1, e) < 0)
		return -1;
	if (db_exec(db,
		    "UPDATE dmc_learners SET version = version + 1, school_id = $2, status = 'active', moved_to = '', grade = $3, room = $4, "
		    "repeating = 0, updated_at = $5 WHERE id = $1",
		    DB_ARGS(DB_INT(id), DB_INT(school_id), DB_TEXT(new_grade), DB_INT(room), DB_INT(now)), e) < 0) {
		if (e->status == 409)
			err_field(e, "citizen_id", "นักเรียนคนนี้เพิ่งถูกบันทึกในโรงเรียนอื่น กรุณาลองใหม่"), e->status = 409;
		return -1;
	}
	if (count_add(db, school_id, new_grade, sex, 1, e) < 0 ||
	    event_add(db, id, now, by, "move_in", from, school_id, "",
		      json_pack("{s:s, s:s, s:s}", "previous_status", status, "from_grade", old_grade, "grade", new_grade),
		      e) < 0 ||
	    /* its open duplicate pairs follow it, and it may make a new one here */
	    dmc_dup_moved(db, id, school_id, e) < 0 || dmc_dup_check_learner(db, id, now, e) < 0)
		return -1;
	return id;
}

int dmc_learner_move_out(struct db *db, long long school_id, long long id, const char *destination, long long by,
			 long long now, struct err *e)
{
	char grade[8], sex[2];
	if (active_here(db, school_id, id, grade, sex, e) < 0)
		return -1;
	if (name_check(destination, "destination", "โรงเรียนหรือสถานที่ที่ย้ายไป", e) < 0)
		return -1;
	if (db_exec(db, "UPDATE dmc_learners SET version = version + 1, status = 'moved_out', moved_to = $2, updated_at = $3 WHERE id = $1",
		    DB_ARGS(DB_INT(id), DB_TEXT(destination), DB_INT(now)), e) < 0 ||
	    count_add(db, school_id, grade, sex, -1, e) < 0 ||
	    event_add(db, id, now, by, "move_out", school_id, 0, destination, NULL, e) < 0)
		return -1;
	return 0;
}

int dmc_learner_set_grade(struct db *db, long long school_id, long long id, const char *grade, long long room,
			  long long by, long long now, struct err *e)
{
	char old[8], sex[2], birth[16];
	if (active_here_birth(db, school_id, id, old, sex, birth, e) < 0)
		return -1;
	json_t *g = grade_row(db, grade, e);
	if (!g)
		return -1;
	int rc = grade_age_check(birth, now, g, e);
	json_decref(g);
	if (rc < 0)
		return -1;
	if (room < 1 || room > 99)
		return err_field(e, "room", "ห้องต้องเป็นตัวเลข 1–99");
	if (db_exec(db, "UPDATE dmc_learners SET version = version + 1, grade = $2, room = $3, updated_at = $4 WHERE id = $1",
		    DB_ARGS(DB_INT(id), DB_TEXT(grade), DB_INT(room), DB_INT(now)), e) < 0)
		return -1;
	if (strcmp(old, grade) && (count_add(db, school_id, old, sex, -1, e) < 0 || count_add(db, school_id, grade, sex, 1, e) < 0))
		return -1;
	return event_add(db, id, now, by, "grade", school_id, school_id, "",
			 json_pack("{s:s, s:s, s:I}", "from", old, "to", grade, "room", (json_int_t)room), e);
}

/* ---- many learners at once ------------------------------------------------------------ */

/* ids as the JSON array DMC_IN_IDS reads ("[3,5,8]"); the number of
 * distinct ids > 0 in *distinct. */
static void ids_json(const long long *ids, size_t n, struct buf *out, size_t *distinct)
{
	*distinct = 0;
	buf_addc(out, '[');
	for (size_t i = 0; i < n; i++) {
		bool seen = ids[i] <= 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = ids[j] == ids[i];
		if (seen)
			continue;
		buf_addf(out, "%s%lld", *distinct ? "," : "", ids[i]);
		++*distinct;
	}
	buf_addc(out, ']');
}

long long dmc_learners_set_grade_many(struct db *db, long long school_id, const long long *ids, size_t n,
				      const char *grade, long long room, long long by, long long now, struct err *e)
{
	if (n == 0)
		return err_field(e, "ids", "กรุณาเลือกนักเรียนอย่างน้อยหนึ่งคน");
	if (n > DMC_MANY_MAX)
		return err_field(e, "ids", "เลือกนักเรียนได้ครั้งละไม่เกิน %d คน", DMC_MANY_MAX);
	json_t *g = grade_row(db, grade, e);
	if (!g)
		return -1;
	if (room < 1 || room > 99) {
		json_decref(g);
		return err_field(e, "room", "ห้องต้องเป็นตัวเลข 1–99");
	}
	struct buf set = BUF_INIT;
	size_t distinct;
	ids_json(ids, n, &set, &distinct);
	const char *js = buf_cstr(&set);
	long long rc = -1;
	/* the chosen learners, all active here: one read, the age rule in C */
	json_t *rows = db_rows_json(db,
				    DMC_BY_ENGINE(db,
						  "SELECT l.id, t.label AS title, l.first_name, l.last_name, l.birth_date "
						  "FROM dmc_learners l JOIN dmc_titles t ON t.code = l.title "
						  "WHERE l.school_id = $1 AND l.status = 'active' AND l.id IN ",
						  ""),
				    DB_ARGS(DB_INT(school_id), DB_TEXT(js)), e);
	if (!rows)
		goto out;
	if (json_array_size(rows) != distinct) {
		err_field(e, "ids", "นักเรียนบางคนที่เลือกไม่ได้อยู่ในโรงเรียนนี้แล้ว กรุณาโหลดรายชื่อใหม่แล้วเลือกอีกครั้ง");
		e->status = 404;
		goto out;
	}
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		if (dmc_birth_check(jstr(row, "birth_date"), now, (int)jint(g, "min_age"), (int)jint(g, "max_age"),
				    jstr(g, "label"), e) < 0) {
			/* which learner: the message names him */
			struct buf msg = BUF_INIT;
			buf_addf(&msg, "%s%s %s: %s", jstr(row, "title"), jstr(row, "first_name"), jstr(row, "last_name"),
				 e->msg);
			err_clear(e);
			err_field(e, "grade", "%s", buf_cstr(&msg));
			buf_release(&msg);
			goto out;
		}
	}
	/* counts out of the old grades, history, the change, counts into the new
	 * grade: five statements whatever the number of learners */
	if (db_exec(db,
		    DMC_BY_ENGINE(db,
				  "UPDATE dmc_counts SET n = n - (SELECT COUNT(*) FROM dmc_learners l "
				  "WHERE l.school_id = dmc_counts.school_id AND l.status = 'active' "
				  "AND l.grade = dmc_counts.grade AND l.sex = dmc_counts.sex AND l.id IN ",
				  ") WHERE school_id = $1"),
		    DB_ARGS(DB_INT(school_id), DB_TEXT(js)), e) < 0 ||
	    db_exec(db,
		    DMC_BY_ENGINE(db,
				  "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, from_school_id, "
				  "to_school_id, destination, detail) SELECT l.id, $3, $4, 'grade', l.school_id, l.school_id, "
				  "'', '{\"from\":\"' || l.grade || '\",\"to\":\"' || CAST($5 AS TEXT) || '\",\"room\":' "
				  "|| CAST($6 AS TEXT) || '}' FROM dmc_learners l WHERE l.school_id = $1 "
				  "AND l.status = 'active' AND l.id IN ",
				  ""),
		    DB_ARGS(DB_INT(school_id), DB_TEXT(js), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL, DB_TEXT(grade),
			    DB_INT(room)),
		    e) < 0)
		goto out;
	rc = db_exec(db,
		     DMC_BY_ENGINE(db,
				   "UPDATE dmc_learners SET version = version + 1, grade = $3, room = $4, updated_at = $5 "
				   "WHERE school_id = $1 AND status = 'active' AND id IN ",
				   ""),
		     DB_ARGS(DB_INT(school_id), DB_TEXT(js), DB_TEXT(grade), DB_INT(room), DB_INT(now)), e);
	if (rc < 0)
		goto out;
	if (db_exec(db,
		    DMC_BY_ENGINE(db,
				  "INSERT INTO dmc_counts (school_id, grade, sex, n) SELECT $1, $3, l.sex, COUNT(*) "
				  "FROM dmc_learners l WHERE l.school_id = $1 AND l.status = 'active' AND l.id IN ",
				  " GROUP BY l.sex ON CONFLICT (school_id, grade, sex) DO UPDATE SET n = dmc_counts.n + "
				  "excluded.n"),
		    DB_ARGS(DB_INT(school_id), DB_TEXT(js), DB_TEXT(grade)), e) < 0)
		rc = -1;
out:
	json_decref(rows);
	json_decref(g);
	buf_release(&set);
	return rc;
}

long long dmc_learners_set_repeating(struct db *db, long long school_id, const long long *ids, size_t n,
				     bool repeating, long long by, long long now, struct err *e)
{
	if (n == 0)
		return err_field(e, "ids", "กรุณาเลือกนักเรียนอย่างน้อยหนึ่งคน");
	if (n > DMC_MANY_MAX)
		return err_field(e, "ids", "เลือกนักเรียนได้ครั้งละไม่เกิน %d คน", DMC_MANY_MAX);
	struct buf set = BUF_INIT;
	size_t distinct;
	ids_json(ids, n, &set, &distinct);
	const char *js = buf_cstr(&set);
	long long have = 0, rc = -1;
	if (db_int_value(db,
			 DMC_BY_ENGINE(db, "SELECT COUNT(*) FROM dmc_learners WHERE school_id = $1 AND status = 'active' AND id IN ",
				       ""),
			 DB_ARGS(DB_INT(school_id), DB_TEXT(js)), &have, e) < 0)
		goto out;
	if ((size_t)have != distinct) {
		err_field(e, "ids", "นักเรียนบางคนที่เลือกไม่ได้อยู่ในโรงเรียนนี้แล้ว กรุณาโหลดรายชื่อใหม่แล้วเลือกอีกครั้ง");
		e->status = 404;
		goto out;
	}
	/* history only for those whose mark changes */
	if (db_exec(db,
		    DMC_BY_ENGINE(db,
				  "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, from_school_id, to_school_id, "
				  "destination, detail) SELECT id, $3, $4, 'repeating', school_id, school_id, '', "
				  "CASE WHEN $5 = 1 THEN '{\"repeating\":true}' ELSE '{\"repeating\":false}' END "
				  "FROM dmc_learners WHERE school_id = $1 AND status = 'active' AND repeating <> $5 AND id IN ",
				  ""),
		    DB_ARGS(DB_INT(school_id), DB_TEXT(js), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL,
			    DB_INT(repeating ? 1 : 0)),
		    e) < 0)
		goto out;
	rc = db_exec(db,
		     DMC_BY_ENGINE(db,
				   "UPDATE dmc_learners SET version = version + 1, repeating = $3, updated_at = $4 WHERE school_id = $1 "
				   "AND status = 'active' AND repeating <> $3 AND id IN ",
				   ""),
		     DB_ARGS(DB_INT(school_id), DB_TEXT(js), DB_INT(repeating ? 1 : 0), DB_INT(now)), e);
out:
	buf_release(&set);
	return rc;
}

int dmc_counts_rebuild(struct db *db, long long school_id, struct err *e)
{
	if (db_exec(db, "DELETE FROM dmc_counts WHERE school_id = $1", DB_ARGS(DB_INT(school_id)), e) < 0 ||
	    db_exec(db,
		    "INSERT INTO dmc_counts (school_id, grade, sex, n) SELECT school_id, grade, sex, COUNT(*) "
		    "FROM dmc_learners WHERE school_id = $1 AND status = 'active' GROUP BY school_id, grade, sex",
		    DB_ARGS(DB_INT(school_id)), e) < 0)
		return -1;
	return 0;
}

int dmc_ident_find(struct db *db, const char *ident, long long *id, long long *school, char status[16], struct err *e)
{
	return find_ident(db, ident, id, school, status, e);
}

int dmc_learner_remove(struct db *db, long long school_id, long long id, const char *reason, long long request_id,
		       long long by, long long now, struct err *e)
{
	char grade[8], sex[2];
	if (active_here(db, school_id, id, grade, sex, e) < 0)
		return -1;
	if (db_exec(db, "UPDATE dmc_learners SET version = version + 1, status = 'removed', moved_to = '', updated_at = $2 WHERE id = $1",
		    DB_ARGS(DB_INT(id), DB_INT(now)), e) < 0 ||
	    count_add(db, school_id, grade, sex, -1, e) < 0)
		return -1;
	return event_add(db, id, now, by, "dropout", school_id, 0, "",
			 json_pack("{s:s, s:I}", "reason", reason, "request_id", (json_int_t)request_id), e);
}

int dmc_learner_set_citizen_id(struct db *db, long long id, const char *cid, long long request_id, long long by,
			       long long now, struct err *e)
{
	json_t *l = db_row_json(db, "SELECT ident, first_name, last_name, school_id FROM dmc_learners WHERE id = $1",
				DB_ARGS(DB_INT(id)), e);
	if (!l)
		return e->status == 404 ? err_set(e, 404, "ไม่พบนักเรียนคนนี้") : -1;
	struct buf search = BUF_INIT;
	search_text(jstr(l, "first_name"), jstr(l, "last_name"), cid, &search);
	long long rc = db_exec(db,
			       "UPDATE dmc_learners SET version = version + 1, citizen_id = $2, gcode = NULL, ident = $2, search = $3, updated_at = $4 "
			       "WHERE id = $1",
			       DB_ARGS(DB_INT(id), DB_TEXT(cid), DB_TEXT(buf_cstr(&search)), DB_INT(now)), e);
	buf_release(&search);
	if (rc < 0) {
		json_decref(l);
		if (e->status == 409) /* the index: the ID became another active learner's meanwhile */
			return err_field(e, "new_citizen_id", "เลขประจำตัวประชาชนนี้เพิ่งถูกบันทึกให้นักเรียนคนอื่น กรุณาตรวจสอบ"),
			       e->status = 409, -1;
		return -1;
	}
	rc = event_add(db, id, now, by, "id_fix", jint(l, "school_id"), jint(l, "school_id"), "",
		       json_pack("{s:s, s:s, s:I}", "from", jstr(l, "ident"), "to", cid, "request_id", (json_int_t)request_id),
		       e);
	json_decref(l);
	return rc < 0 ? -1 : 0;
}

int dmc_learner_rename(struct db *db, long long school_id, long long id, const char *title, const char *first,
		       const char *last, long long by, long long now, struct err *e)
{
	char grade[8], sex[2], tsex[2];
	if (active_here(db, school_id, id, grade, sex, e) < 0)
		return -1;
	if (title_sex(db, title, tsex, e) < 0)
		return -1;
	if (strcmp(sex, tsex))
		return err_field(e, "title", "คำนำหน้าชื่อไม่ตรงกับเพศของนักเรียน กรุณาตรวจสอบ");
	if (name_check(first, "first_name", "ชื่อ", e) < 0 || name_check(last, "last_name", "นามสกุล", e) < 0)
		return -1;
	json_t *old = db_row_json(db, "SELECT title, first_name, last_name, ident FROM dmc_learners WHERE id = $1",
				  DB_ARGS(DB_INT(id)), e);
	if (!old)
		return -1;
	struct buf search = BUF_INIT;
	search_text(first, last, jstr(old, "ident"), &search);
	long long rc = db_exec(db,
			       "UPDATE dmc_learners SET version = version + 1, title = $2, first_name = $3, last_name = $4, search = $5, "
			       "updated_at = $6 WHERE id = $1",
			       DB_ARGS(DB_INT(id), DB_TEXT(title), DB_TEXT(first), DB_TEXT(last), DB_TEXT(buf_cstr(&search)),
				       DB_INT(now)),
			       e);
	buf_release(&search);
	json_object_del(old, "ident");
	if (rc < 0) {
		json_decref(old);
		return -1;
	}
	if (event_add(db, id, now, by, "name", school_id, school_id, "",
		      json_pack("{s:o, s:{s:s, s:s, s:s}}", "from", old, "to", "title", title, "first_name", first,
				"last_name", last),
		      e) < 0)
		return -1;
	return dmc_dup_check_learner(db, id, now, e);
}

int dmc_learner_set_body(struct db *db, long long school_id, long long id, const char *weight, const char *height,
			 long long by, long long now, struct err *e)
{
	char grade[8], sex[2];
	if (active_here(db, school_id, id, grade, sex, e) < 0)
		return -1;
	long long w, h;
	if (!weight || !*weight)
		return err_field(e, "weight", "กรุณากรอกน้ำหนัก (กิโลกรัม)");
	if (!height || !*height)
		return err_field(e, "height", "กรุณากรอกส่วนสูง (เซนติเมตร)");
	if (optional_tenths(weight, "weight", "น้ำหนัก", &w, e) < 0 ||
	    optional_tenths(height, "height", "ส่วนสูง", &h, e) < 0 || dmc_body_check(w, h, e) < 0)
		return -1;
	if (db_exec(db, "UPDATE dmc_learners SET version = version + 1, weight_x10 = $2, height_x10 = $3, updated_at = $4 WHERE id = $1",
		    DB_ARGS(DB_INT(id), DB_INT(w), DB_INT(h), DB_INT(now)), e) < 0)
		return -1;
	return event_add(db, id, now, by, "body", school_id, school_id, "",
			 json_pack("{s:I, s:I}", "weight_x10", (json_int_t)w, "height_x10", (json_int_t)h), e);
}

/* ---- reading ----------------------------------------------------------------------------- */

json_t *dmc_learner_get(struct db *db, long long id, struct err *e)
{
	json_t *l = db_row_json(
	    db,
	    "SELECT l.id, l.citizen_id, l.gcode, l.ident, l.school_id, s.name AS school_name, s.area_id, l.status, "
	    "l.moved_to, l.title, t.label AS title_label, l.first_name, l.last_name, l.sex, l.birth_date, "
	    "l.nationality, n.label AS nationality_label, l.grade, g.label AS grade_label, l.room, l.weight_x10, "
	    "l.height_x10, l.disadvantaged, d.label AS disadvantaged_label, l.disability, b.label AS disability_label, "
	    "l.guardian_name, l.guardian_phone, l.address, l.repeating, l.created_at, l.updated_at, l.version "
	    "FROM dmc_learners l JOIN schools s ON s.id = l.school_id JOIN dmc_titles t ON t.code = l.title "
	    "JOIN dmc_grades g ON g.code = l.grade JOIN dmc_nationalities n ON n.code = l.nationality "
	    "JOIN dmc_disadvantaged d ON d.code = l.disadvantaged JOIN dmc_disabilities b ON b.code = l.disability "
	    "WHERE l.id = $1",
	    DB_ARGS(DB_INT(id)), e);
	if (!l && e->status == 404)
		err_set(e, 404, "ไม่พบนักเรียนคนนี้");
	return l;
}

json_t *dmc_learner_events(struct db *db, long long id, struct err *e)
{
	return db_rows_json(db,
			    "SELECT ev.id, ev.at, ev.kind, ev.from_school_id, fs.name AS from_school_name, "
			    "ev.to_school_id, ts.name AS to_school_name, ev.destination, ev.detail, "
			    "COALESCE(u.first_name, '') AS by_first_name, COALESCE(u.last_name, '') AS by_last_name "
			    "FROM dmc_learner_events ev LEFT JOIN schools fs ON fs.id = ev.from_school_id "
			    "LEFT JOIN schools ts ON ts.id = ev.to_school_id LEFT JOIN users u ON u.id = ev.by_user "
			    "WHERE ev.learner_id = $1 ORDER BY ev.at, ev.id",
			    DB_ARGS(DB_INT(id)), e);
}

#define LIST_COLS                                                                                                      \
	"SELECT l.id, l.ident, t.label AS title, l.first_name, l.last_name, l.sex, l.grade, g.label AS grade_label, "  \
	"l.room FROM dmc_learners l JOIN dmc_titles t ON t.code = l.title JOIN dmc_grades g ON g.code = l.grade "
/* the search slots of core/search.h (SEARCH_SLOTS of them: $2 … $7) */
#define LIST_SEARCH                                                                                                    \
	" AND l.search LIKE $2 AND l.search LIKE $3 AND l.search LIKE $4 AND l.search LIKE $5 AND l.search LIKE $6 "   \
	"AND l.search LIKE $7"
#define LIST_ORDER " ORDER BY l.first_name COLLATE thai, l.last_name COLLATE thai, l.id LIMIT $10 OFFSET $9"
_Static_assert(SEARCH_SLOTS == 6, "LIST_SEARCH has one LIKE per search slot");

json_t *dmc_learner_list(struct db *db, long long school_id, const char *q, const char *grade, long long page,
			 struct err *e)
{
	struct buf pat[SEARCH_SLOTS];
	int words = search_patterns(q, pat);
	bool by_grade = grade && *grade;
	long long total = 0;
	int rc;
#define PATS                                                                                                           \
	DB_TEXT(buf_cstr(&pat[0])), DB_TEXT(buf_cstr(&pat[1])), DB_TEXT(buf_cstr(&pat[2])), DB_TEXT(buf_cstr(&pat[3])), \
	    DB_TEXT(buf_cstr(&pat[4])), DB_TEXT(buf_cstr(&pat[5]))
	if (!words && !by_grade)
		rc = db_int_value(db, "SELECT COALESCE(SUM(n), 0) FROM dmc_counts WHERE school_id = $1",
				  DB_ARGS(DB_INT(school_id)), &total, e);
	else
		rc = db_int_value(db,
				  by_grade ? "SELECT COUNT(*) FROM dmc_learners l WHERE l.school_id = $1 AND l.status = 'active' "
					     "AND l.grade = $8" LIST_SEARCH
					   : "SELECT COUNT(*) FROM dmc_learners l WHERE l.school_id = $1 AND l.status = 'active' "
					     "AND $8 = ''" LIST_SEARCH,
				  DB_ARGS(DB_INT(school_id), PATS, DB_TEXT(by_grade ? grade : "")), &total, e);
	json_t *rows = NULL;
	/* page 0: every row on one page (the export) */
	long long per = page == 0 ? (total > 0 ? total : 1) : DMC_PAGE_SIZE;
	long long pages = total ? (total + per - 1) / per : 1;
	if (page < 1)
		page = 1;
	if (page > pages)
		page = pages;
	if (rc >= 0) {
		long long off = (page - 1) * per;
		rows = db_rows_json(db,
				    by_grade ? LIST_COLS "WHERE l.school_id = $1 AND l.status = 'active' AND l.grade = $8"
							 LIST_SEARCH LIST_ORDER
					     : LIST_COLS "WHERE l.school_id = $1 AND l.status = 'active' AND $8 = ''"
							 LIST_SEARCH LIST_ORDER,
				    DB_ARGS(DB_INT(school_id), PATS, DB_TEXT(by_grade ? grade : ""), DB_INT(off), DB_INT(per)),
				    e);
	}
#undef PATS
	search_patterns_release(pat);
	if (!rows)
		return NULL;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		struct buf m = BUF_INIT;
		dmc_ident_mask(jstr(row, "ident"), &m);
		json_object_set_new(row, "ident_masked", json_string(buf_cstr(&m)));
		json_object_del(row, "ident");
		buf_release(&m);
	}
	return json_pack("{s:o, s:I, s:I, s:I}", "rows", rows, "total", (json_int_t)total, "page", (json_int_t)page,
			 "pages", (json_int_t)pages);
}

json_t *dmc_departures(struct db *db, long long school_id, struct err *e)
{
	return db_rows_json(db,
			    "SELECT ev.learner_id, ev.at, ev.kind, COALESCE(ts.name, '') AS to_school_name, "
			    "ev.destination, t.label AS title, l.first_name, l.last_name "
			    "FROM dmc_learner_events ev JOIN dmc_learners l ON l.id = ev.learner_id "
			    "JOIN dmc_titles t ON t.code = l.title LEFT JOIN schools ts ON ts.id = ev.to_school_id "
			    "WHERE ev.from_school_id = $1 AND ev.kind IN ('move_in', 'move_out') "
			    "ORDER BY ev.at DESC, ev.id DESC LIMIT 50",
			    DB_ARGS(DB_INT(school_id)), e);
}

/* rows of (grade, label, male, female) → the table with totals */
static json_t *counts_shape(json_t *rows)
{
	json_t *out = json_array();
	long long m = 0, f = 0;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		long long rm = jint(r, "male"), rf = jint(r, "female");
		if (!rm && !rf)
			continue;
		m += rm;
		f += rf;
		json_object_set_new(r, "total", json_integer(rm + rf));
		json_array_append(out, r);
	}
	json_decref(rows);
	return json_pack("{s:o, s:I, s:I, s:I}", "rows", out, "male", (json_int_t)m, "female", (json_int_t)f, "total",
			 (json_int_t)(m + f));
}

json_t *dmc_counts_table(struct db *db, long long school_id, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT g.code AS grade, g.label, "
				    "COALESCE(SUM(CASE WHEN c.sex = 'M' THEN c.n ELSE 0 END), 0) AS male, "
				    "COALESCE(SUM(CASE WHEN c.sex = 'F' THEN c.n ELSE 0 END), 0) AS female "
				    "FROM dmc_grades g LEFT JOIN dmc_counts c ON c.grade = g.code AND c.school_id = $1 "
				    "GROUP BY g.code, g.label, g.sort ORDER BY g.sort",
				    DB_ARGS(DB_INT(school_id)), e);
	return rows ? counts_shape(rows) : NULL;
}

json_t *dmc_snapshot_counts(struct db *db, long long round_id, long long school_id, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT g.code AS grade, g.label, "
				    "COALESCE(SUM(CASE WHEN c.sex = 'M' THEN c.n ELSE 0 END), 0) AS male, "
				    "COALESCE(SUM(CASE WHEN c.sex = 'F' THEN c.n ELSE 0 END), 0) AS female "
				    "FROM dmc_grades g LEFT JOIN dmc_snapshot_counts c ON c.grade = g.code "
				    "AND c.round_id = $1 AND c.school_id = $2 "
				    "GROUP BY g.code, g.label, g.sort ORDER BY g.sort",
				    DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e);
	return rows ? counts_shape(rows) : NULL;
}
