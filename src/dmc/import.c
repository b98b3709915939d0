/* import: `khet import students FILE` — a school's or a whole area's
 * learners from a CSV or XLSX file (DMC-2 bulk entry, issue 12 item 8), with
 * the checks of the pages. Its first non-empty row names the columns, in
 * Thai or English (table_header: without case, spaces, dots, dashes,
 * underscores or brackets), in any order:
 *
 *   รหัสโรงเรียน | obec_code           the school (OBEC code, 10 digits), required
 *   เลขประจำตัวประชาชน | citizen_id    13 digits with its check digit, or
 *   รหัส G | gcode                     G + 12 digits (one of the two per row)
 *   คำนำหน้า | title                   ด.ช. ด.ญ. นาย นางสาว (or boy, girl, mr, miss)
 *   ชื่อ | first_name, นามสกุล | last_name                              required
 *   เพศ | sex                          ชาย/หญิง, ช/ญ, M/F; optional (the title says it)
 *   วันเกิด | birth_date               25/06/2560 (พ.ศ.) or 2017-06-25 (ค.ศ.), required
 *   ชั้น | grade                        ป.1 … ม.6, อ.1 … อ.3 (or p1, m6 …), required
 *   ห้อง | room                         1–99, default 1
 *   น้ำหนัก | weight, ส่วนสูง | height  kg and cm, one decimal, optional
 *   สัญชาติ | nationality               label or code, default ไทย
 *   ความด้อยโอกาส | disadvantaged, ความพิการ | disability   label or code, default none
 *   ผู้ปกครอง | guardian_name, โทรศัพท์ผู้ปกครอง | guardian_phone, ที่อยู่ | address
 *
 * All or nothing: one transaction; every row is checked and every bad row
 * gets its line and reasons in the report (the first 1,000; then a count);
 * one bad row stores nothing. One learner, one record (DMC-1): a code twice
 * in the file, or a code whose record is in another school (active there:
 * that school must see the learner leave, so it is a move in, not an add)
 * or has left, is refused with the school's name. A learner already active
 * in the row's own school is updated, so a second run of the same file adds
 * nothing twice.
 *
 * Fast at national scale: rows are checked in C against the choice lists
 * read once, then loaded into a temporary table through db_bulk (COPY on
 * PostgreSQL), and the checks against stored records, the inserts, the
 * history rows (kind "import") and the per-school counts are each one
 * set-based statement. Audited as dmc.import per area (actor the command
 * line). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/num.h"
#include "core/staged.h"
#include "core/table_read.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"

enum col {
	C_SCHOOL,
	C_CID,
	C_GCODE,
	C_TITLE,
	C_FIRST,
	C_LAST,
	C_SEX,
	C_BIRTH,
	C_GRADE,
	C_ROOM,
	C_WEIGHT,
	C_HEIGHT,
	C_NAT,
	C_DISADV,
	C_DISAB,
	C_GUARDIAN,
	C_GPHONE,
	C_ADDRESS,
	NCOL
};

static const struct table_column columns[NCOL] = {
    [C_SCHOOL] = {"รหัสโรงเรียน (obec_code)",
		  true,
		  {"รหัสโรงเรียน", "รหัสโรงเรียน10หลัก", "รหัสสถานศึกษา", "obeccode", "schoolcode", "obec", NULL}},
    [C_CID] = {"เลขประจำตัวประชาชน (citizen_id)",
	       false,
	       {"เลขประจำตัวประชาชน", "เลขประจำตัวประชาชน13หลัก", "เลขบัตรประชาชน", "citizenid", "cid", "pid", NULL},
	       1},
    [C_GCODE] = {"รหัส G (gcode)", false, {"รหัสg", "gcode", "จีโค้ด", NULL}, 1},
    [C_TITLE] = {"คำนำหน้า (title)", true, {"คำนำหน้า", "คำนำหน้าชื่อ", "title", "prefix", NULL}},
    [C_FIRST] = {"ชื่อ (first_name)", true, {"ชื่อ", "firstname", "name", NULL}},
    [C_LAST] = {"นามสกุล (last_name)", true, {"นามสกุล", "lastname", "surname", NULL}},
    [C_SEX] = {"เพศ (sex)", false, {"เพศ", "sex", "gender", NULL}},
    [C_BIRTH] = {"วันเกิด (birth_date)", true, {"วันเกิด", "วันเดือนปีเกิด", "birthdate", "dob", NULL}},
    [C_GRADE] = {"ชั้น (grade)", true, {"ชั้น", "ระดับชั้น", "ชั้นเรียน", "grade", "class", NULL}},
    [C_ROOM] = {"ห้อง (room)", false, {"ห้อง", "ห้องเรียน", "room", NULL}},
    [C_WEIGHT] = {"น้ำหนัก (weight)", false, {"น้ำหนัก", "น้ำหนักกก", "weight", "weightkg", NULL}},
    [C_HEIGHT] = {"ส่วนสูง (height)", false, {"ส่วนสูง", "ส่วนสูงซม", "height", "heightcm", NULL}},
    [C_NAT] = {"สัญชาติ (nationality)", false, {"สัญชาติ", "nationality", NULL}},
    [C_DISADV] = {"ความด้อยโอกาส (disadvantaged)",
		  false,
		  {"ความด้อยโอกาส", "ด้อยโอกาส", "สถานะความด้อยโอกาส", "disadvantaged", NULL}},
    [C_DISAB] = {"ความพิการ (disability)", false, {"ความพิการ", "ประเภทความพิการ", "disability", NULL}},
    [C_GUARDIAN] = {"ผู้ปกครอง (guardian_name)", false, {"ผู้ปกครอง", "ชื่อผู้ปกครอง", "guardianname", "guardian", NULL}},
    [C_GPHONE] = {"โทรศัพท์ผู้ปกครอง (guardian_phone)",
		  false,
		  {"โทรศัพท์ผู้ปกครอง", "เบอร์โทรผู้ปกครอง", "guardianphone", "phone", NULL}},
    [C_ADDRESS] = {"ที่อยู่ (address)", false, {"ที่อยู่", "address", NULL}},
};

/* The staging table's columns, in the order rows are loaded. */
enum stage {
	S_LINE,
	S_SCHOOL,
	S_CID,
	S_GCODE,
	S_IDENT,
	S_TITLE,
	S_FIRST,
	S_LAST,
	S_SEX,
	S_BIRTH,
	S_NAT,
	S_GRADE,
	S_ROOM,
	S_WEIGHT,
	S_HEIGHT,
	S_DISADV,
	S_DISAB,
	S_GUARDIAN,
	S_GPHONE,
	S_ADDRESS,
	S_SEARCH,
	NSTAGE
};
static const char *const stage_cols[NSTAGE] = {
    "line",	  "school_id",	   "citizen_id", "gcode",	  "ident",	    "title",   "first_name",
    "last_name",  "sex",	   "birth_date", "nationality",	  "grade",	    "room",    "weight_x10",
    "height_x10", "disadvantaged", "disability", "guardian_name", "guardian_phone", "address", "search"};

struct imp {
	struct db *db;
	struct staged *st; /* the run: bad rows, loading (core/staged.h) */
	struct err *e;	   /* a fault (500) that stops the import */
	long long now;
	json_t *titles;	  /* code and label → {code, sex} */
	json_t *grades;	  /* code and label → {code, label, min_age, max_age} */
	json_t *lists[3]; /* nationalities, disadvantaged, disabilities: code and label → code */
	json_t *schools;  /* OBEC code → id (0: none) */
	json_t *ident_at; /* ident → line, in this file */
	long long added, updated;
	struct buf why;
};

static void reason(struct imp *im, const char *en, const char *th, ...) __attribute__((format(printf, 3, 4)));
static void reason(struct imp *im, const char *en, const char *th, ...)
{
	if (im->why.len)
		buf_adds(&im->why, "; ");
	buf_addf(&im->why, "%s / ", en);
	va_list ap;
	va_start(ap, th);
	buf_vaddf(&im->why, th, ap);
	va_end(ap);
}

/* code → code and label → code of a choice list, plus what lookup needs. */
static json_t *list_map(struct db *db, const char *sql, struct err *e)
{
	json_t *rows = db_rows_json(db, sql, NULL, 0, e);
	if (!rows)
		return NULL;
	json_t *m = json_object();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_object_set(m, jstr(r, "code"), r);
		json_object_set(m, jstr(r, "label"), r);
	}
	json_decref(rows);
	return m;
}

static json_t *lookup(json_t *map, const char *v)
{
	return *v ? json_object_get(map, v) : NULL;
}

/* The school of an OBEC code, 0 when there is none. */
static long long school_of(struct imp *im, const char *obec)
{
	return json_integer_value(json_object_get(im->schools, obec));
}

static bool text_ok(const char *s, size_t max)
{
	return thai_utf8_valid(s, strlen(s)) && !strchr(s, '\n') && !strchr(s, '\t') && thai_utf8_chars(s) <= max;
}

/* "ชาย", "ช", "M" … → "M" / "F"; NULL when it is none of them. */
static const char *sex_of(const char *s)
{
	static const char *const m[] = {"M", "m", "ชาย", "ช", "male", "Male", NULL};
	static const char *const f[] = {"F", "f", "หญิง", "ญ", "female", "Female", NULL};
	for (int i = 0; m[i]; i++)
		if (!strcmp(s, m[i]))
			return "M";
	for (int i = 0; f[i]; i++)
		if (!strcmp(s, f[i]))
			return "F";
	return NULL;
}

/* One data row: checked and, when good, loaded into the staging table.
 * 0, or -1 on a fault (im->e). */
static int import_row(struct imp *im, const struct table_row *row, const int *pos)
{
	struct buf b[NCOL];
	const char *v[NCOL];
	for (int i = 0; i < NCOL; i++) {
		b[i] = (struct buf)BUF_INIT;
		v[i] = table_cell(row, pos[i], &b[i]);
	}
	buf_reset(&im->why);
	struct err e = ERR_INIT;
	char line[24], room[24], weight[24], height[24], birth[16], gup[14] = "";
	snprintf(line, sizeof line, "%lld", row->line);
	const char *sv[NSTAGE] = {0};
	int rc = 0;
	/* what the checks find (a goto done skips the rest of them) */
	long long school = 0, rn = 1, w = -1, h = -1;
	const char *cid = v[C_CID], *gc = v[C_GCODE], *ident = "", *sex = NULL, *code[3] = {0};
	json_t *title = NULL, *grade = NULL;

	bool utf8 = true;
	for (int i = 0; i < NCOL; i++)
		if (!thai_utf8_valid(v[i], strlen(v[i])))
			utf8 = false;
	if (!utf8) {
		reason(im, "text is not valid UTF-8 (save the file as CSV UTF-8 or XLSX)",
		       "มีข้อความที่ไม่ใช่ UTF-8 ให้บันทึกไฟล์เป็น CSV UTF-8 หรือ XLSX");
		goto done;
	}
	/* school */
	if (!*v[C_SCHOOL]) {
		reason(im, "no school code", "ไม่มีรหัสโรงเรียน");
	} else {
		school = school_of(im, v[C_SCHOOL]);
		if (!school)
			reason(im, "unknown school code", "ไม่พบโรงเรียนรหัส %s ในระบบ", v[C_SCHOOL]);
	}
	/* identity */
	if (!*cid && !*gc) {
		reason(im, "no citizen ID or G-code", "ไม่มีเลขประจำตัวประชาชนหรือรหัส G");
	} else if (*cid && *gc) {
		reason(im, "both a citizen ID and a G-code", "มีทั้งเลขประจำตัวประชาชนและรหัส G ให้ใส่อย่างใดอย่างหนึ่ง");
	} else if (*cid) {
		if (thai_citizen_id_check(cid, &e) < 0)
			reason(im, "bad citizen ID", "%s", e.msg);
	} else if (dmc_gcode_check(gc, &e) < 0) {
		reason(im, "bad G-code", "%s", e.msg);
	} else {
		snprintf(gup, sizeof gup, "G%s", gc + 1);
	}
	ident = *cid ? cid : gup;
	if (*ident && !im->why.len) {
		json_t *at = json_object_get(im->ident_at, ident);
		if (at)
			reason(im, "the same learner twice in the file", "นักเรียนคนเดียวกับบรรทัด %lld",
			       (long long)json_integer_value(at));
		else
			json_object_set_new(im->ident_at, ident, json_integer(row->line));
	}
	/* names and sex */
	title = lookup(im->titles, v[C_TITLE]);
	if (!title)
		reason(im, "unknown title", "คำนำหน้า \"%s\" ไม่มีในรายการ (ด.ช. ด.ญ. นาย นางสาว)", v[C_TITLE]);
	if (!*v[C_FIRST] || !*v[C_LAST])
		reason(im, "no first or last name", "ไม่มีชื่อหรือนามสกุล");
	else if (!text_ok(v[C_FIRST], 100) || !text_ok(v[C_LAST], 100))
		reason(im, "a name is too long or has line breaks", "ชื่อหรือนามสกุลยาวเกิน 100 ตัวอักษรหรือมีการขึ้นบรรทัด");
	sex = title ? jstr(title, "sex") : NULL;
	if (*v[C_SEX]) {
		const char *typed = sex_of(v[C_SEX]);
		if (!typed)
			reason(im, "unknown sex", "เพศ \"%s\" ไม่ถูกต้อง (ชาย หรือ หญิง)", v[C_SEX]);
		else if (sex && strcmp(sex, typed))
			reason(im, "the title does not match the sex", "คำนำหน้าไม่ตรงกับเพศ");
		else
			sex = typed;
	}
	/* grade, birth date, room */
	grade = lookup(im->grades, v[C_GRADE]);
	if (!grade)
		reason(im, "unknown grade", "ชั้น \"%s\" ไม่มีในรายการ (อ.1–อ.3, ป.1–ป.6, ม.1–ม.6)", v[C_GRADE]);
	int y, m, d;
	int dr = thai_date_input(v[C_BIRTH], &y, &m, &d);
	if (dr == THAI_DATE_BAD) {
		reason(im, "bad birth date", "วันเกิด \"%s\" ไม่ใช่วันที่ (เช่น 25/06/2560 เป็น พ.ศ.)", v[C_BIRTH]);
	} else if (dr == THAI_DATE_RANGE) {
		reason(im, "birth year out of range", "ปีเกิด %s อยู่นอกช่วงที่เป็นไปได้ ตรวจสอบว่าใช้ พ.ศ. หรือ ค.ศ.", v[C_BIRTH]);
	} else {
		snprintf(birth, sizeof birth, "%04d-%02d-%02d", y, m, d);
		err_clear(&e);
		if (grade && dmc_birth_check(birth, im->now, (int)jint(grade, "min_age"), (int)jint(grade, "max_age"),
					     jstr(grade, "label"), &e) < 0)
			reason(im, "bad birth date", "%s", e.msg);
	}
	if (*v[C_ROOM] && num_parse_ll(v[C_ROOM], 1, 99, &rn) < 0)
		reason(im, "bad room", "ห้อง \"%s\" ต้องเป็นตัวเลข 1–99", v[C_ROOM]);
	snprintf(room, sizeof room, "%lld", rn);
	/* weight and height */
	if (*v[C_WEIGHT] && dmc_parse_tenths(v[C_WEIGHT], &w) < 0)
		reason(im, "bad weight", "น้ำหนัก \"%s\" ต้องเป็นตัวเลข ทศนิยมได้ 1 ตำแหน่ง", v[C_WEIGHT]);
	else if (*v[C_HEIGHT] && dmc_parse_tenths(v[C_HEIGHT], &h) < 0)
		reason(im, "bad height", "ส่วนสูง \"%s\" ต้องเป็นตัวเลข ทศนิยมได้ 1 ตำแหน่ง", v[C_HEIGHT]);
	else if (err_clear(&e), dmc_body_check(w, h, &e) < 0)
		reason(im, "weight or height out of range", "%s", e.msg);
	snprintf(weight, sizeof weight, "%lld", w);
	snprintf(height, sizeof height, "%lld", h);
	/* the choice lists */
	static const char *const what[3] = {"สัญชาติ", "ความด้อยโอกาส", "ความพิการ"};
	static const char *const dflt[3] = {"TH", "none", "none"};
	const char *list_v[3] = {v[C_NAT], v[C_DISADV], v[C_DISAB]};
	for (int i = 0; i < 3; i++) {
		json_t *x = *list_v[i] ? lookup(im->lists[i], list_v[i]) : NULL;
		code[i] = *list_v[i] ? (x ? jstr(x, "code") : NULL) : dflt[i];
		if (!code[i])
			reason(im, "not in the list", "%s \"%s\" ไม่มีในรายการ", what[i], list_v[i]);
	}
	if (!text_ok(v[C_GUARDIAN], 200) || !text_ok(v[C_GPHONE], 30) || !text_ok(v[C_ADDRESS], 500))
		reason(im, "guardian or address too long", "ชื่อผู้ปกครอง โทรศัพท์ หรือที่อยู่ยาวเกินไป");

done:
	if (rc == 0 && im->why.len)
		staged_bad(im->st, row->line, buf_cstr(&im->why));
	if (rc == 0 && !im->why.len) {
		char sid[24];
		snprintf(sid, sizeof sid, "%lld", school);
		struct buf search = BUF_INIT, names = BUF_INIT;
		buf_addf(&names, "%s %s", v[C_FIRST], v[C_LAST]);
		thai_search_terms(buf_cstr(&names), &search);
		dmc_search_ident(ident, &search);
		sv[S_LINE] = line;
		sv[S_SCHOOL] = sid;
		sv[S_CID] = *cid ? cid : NULL;
		sv[S_GCODE] = *cid ? NULL : gup;
		sv[S_IDENT] = ident;
		sv[S_TITLE] = jstr(title, "code");
		sv[S_FIRST] = v[C_FIRST];
		sv[S_LAST] = v[C_LAST];
		sv[S_SEX] = sex;
		sv[S_BIRTH] = birth;
		sv[S_NAT] = code[0];
		sv[S_GRADE] = jstr(grade, "code");
		sv[S_ROOM] = room;
		sv[S_WEIGHT] = w >= 0 ? weight : NULL;
		sv[S_HEIGHT] = h >= 0 ? height : NULL;
		sv[S_DISADV] = code[1];
		sv[S_DISAB] = code[2];
		sv[S_GUARDIAN] = v[C_GUARDIAN];
		sv[S_GPHONE] = v[C_GPHONE];
		sv[S_ADDRESS] = v[C_ADDRESS];
		sv[S_SEARCH] = buf_cstr(&search);
		rc = staged_load(im->st, sv, im->e);
		buf_release(&search);
		buf_release(&names);
	}
	for (int i = 0; i < NCOL; i++)
		buf_release(&b[i]);
	return rc;
}

static int row_cb(void *ctx, struct staged *st, const struct table_row *row, const int *pos)
{
	struct imp *im = ctx;
	im->st = st;
	return import_row(im, row, pos);
}

/* Rows whose code has a record that is not this school's active one:
 * bad rows, each naming the school that holds it. 0, or -1 on a fault. */
static int check_stored(struct imp *im)
{
	struct db_res *r = NULL;
	if (db_query(im->db,
		     "SELECT s.line, l.status, sc.name FROM dmc_import s "
		     "JOIN dmc_learners l ON l.ident = s.ident JOIN schools sc ON sc.id = l.school_id "
		     "WHERE l.school_id <> s.school_id OR l.status <> 'active' ORDER BY s.line",
		     NULL, 0, &r, im->e) < 0)
		return -1;
	int rc;
	struct buf why = BUF_INIT;
	while ((rc = db_next(r, im->e)) == 1) {
		buf_reset(&why);
		if (!strcmp(db_text(r, 1), "active"))
			buf_addf(&why,
				 "the learner is active at another school: move him in instead / นักเรียนคนนี้ยังเรียนอยู่ที่%s "
				 "ให้ใช้เมนูย้ายเข้าแทนการนำเข้า",
				 db_text(r, 2));
		else
			buf_addf(
			    &why,
			    "the learner has a record already: move him in instead / นักเรียนคนนี้มีระเบียนอยู่แล้ว (ล่าสุดที่%s) "
			    "นักเรียนหนึ่งคนมีได้ระเบียนเดียว ให้ใช้เมนูย้ายเข้า",
			    db_text(r, 2));
		staged_bad(im->st, db_int(r, 0), buf_cstr(&why));
	}
	buf_release(&why);
	db_res_free(r);
	return rc < 0 ? -1 : 0;
}

/* The checked rows into dmc_learners, their history and the counts. */
static int store(struct imp *im, long long *added, long long *updated)
{
	struct db *db = im->db;
	struct err *e = im->e;
	long long now = im->now;
	*updated =
	    db_exec(db,
		    "UPDATE dmc_learners SET version = version + 1, title = s.title, first_name = s.first_name, last_name = s.last_name, "
		    "sex = s.sex, birth_date = s.birth_date, nationality = s.nationality, grade = s.grade, "
		    "room = s.room, weight_x10 = s.weight_x10, height_x10 = s.height_x10, "
		    "disadvantaged = s.disadvantaged, disability = s.disability, guardian_name = s.guardian_name, "
		    "guardian_phone = s.guardian_phone, address = s.address, search = s.search, updated_at = $1 "
		    "FROM dmc_import s WHERE dmc_learners.ident = s.ident AND dmc_learners.status = 'active' "
		    "AND dmc_learners.school_id = s.school_id",
		    DB_ARGS(DB_INT(now)), e);
	if (*updated < 0)
		return -1;
	*added = db_exec(db,
			 "INSERT INTO dmc_learners (citizen_id, gcode, ident, school_id, status, title, first_name, "
			 "last_name, sex, birth_date, nationality, grade, room, weight_x10, height_x10, disadvantaged, "
			 "disability, guardian_name, guardian_phone, address, search, created_at, updated_at) "
			 "SELECT citizen_id, gcode, ident, school_id, 'active', title, first_name, last_name, sex, "
			 "birth_date, nationality, grade, room, weight_x10, height_x10, disadvantaged, disability, "
			 "guardian_name, guardian_phone, address, search, $1, $1 FROM dmc_import s "
			 "WHERE NOT EXISTS (SELECT 1 FROM dmc_learners l WHERE l.ident = s.ident)",
			 DB_ARGS(DB_INT(now)), e);
	if (*added < 0)
		return -1;
	if (db_exec(db,
		    "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, to_school_id, detail) "
		    "SELECT l.id, $1, NULL, 'import', s.school_id, '{}' FROM dmc_import s "
		    "JOIN dmc_learners l ON l.ident = s.ident AND l.status = 'active'",
		    DB_ARGS(DB_INT(now)), e) < 0 ||
	    db_exec(db, "DELETE FROM dmc_counts WHERE school_id IN (SELECT DISTINCT school_id FROM dmc_import)", NULL,
		    0, e) < 0 ||
	    db_exec(db,
		    "INSERT INTO dmc_counts (school_id, grade, sex, n) SELECT school_id, grade, sex, COUNT(*) "
		    "FROM dmc_learners WHERE status = 'active' "
		    "AND school_id IN (SELECT DISTINCT school_id FROM dmc_import) GROUP BY school_id, grade, sex",
		    NULL, 0, e) < 0 ||
	    /* the same names and birth date active at another school (DMC-5) */
	    dmc_dup_check_schools_import(db, now, e) < 0)
		return -1;
	/* one audit row per area, with what the file did there */
	json_t *areas = db_rows_json(db,
				     "SELECT sc.area_id, COUNT(*) AS n, COUNT(DISTINCT s.school_id) AS schools "
				     "FROM dmc_import s JOIN schools sc ON sc.id = s.school_id GROUP BY sc.area_id",
				     NULL, 0, e);
	if (!areas)
		return -1;
	size_t i;
	json_t *a;
	int rc = 0;
	json_array_foreach(areas, i, a)
	{
		json_t *d = json_pack("{s:I,s:I}", "learners", (json_int_t)jint(a, "n"), "schools",
				      (json_int_t)jint(a, "schools"));
		struct audit_entry en = {.actor_role = "cli",
					 .action = "dmc.import",
					 .area_id = jint(a, "area_id"),
					 .target_type = "file",
					 .detail = d};
		rc = audit_add(db, &en, e);
		json_decref(d);
		if (rc < 0)
			break;
	}
	json_decref(areas);
	return rc;
}

static int load_lists(struct imp *im)
{
	struct db *db = im->db;
	im->titles = list_map(db, "SELECT code, label, sex FROM dmc_titles", im->e);
	im->grades = list_map(db, "SELECT code, label, COALESCE(min_age, 0) AS min_age, COALESCE(max_age, 0) AS max_age "
			       "FROM dmc_grades", im->e);
	im->lists[0] = list_map(db, "SELECT code, label FROM dmc_nationalities", im->e);
	im->lists[1] = list_map(db, "SELECT code, label FROM dmc_disadvantaged", im->e);
	im->lists[2] = list_map(db, "SELECT code, label FROM dmc_disabilities", im->e);
	if (!im->titles || !im->grades || !im->lists[0] || !im->lists[1] || !im->lists[2])
		return -1;
	/* every school's code now: PostgreSQL's COPY takes the connection
	 * until the rows are in */
	struct db_res *r = NULL;
	if (db_query(db, "SELECT obec_code, id FROM schools", NULL, 0, &r, im->e) < 0)
		return -1;
	int rc;
	while ((rc = db_next(r, im->e)) == 1)
		json_object_set_new(im->schools, db_text(r, 0), json_integer(db_int(r, 1)));
	db_res_free(r);
	return rc < 0 ? -1 : 0;
}

static int prepare_cb(void *ctx, struct err *e)
{
	return load_lists(ctx);
}

static int check_cb(void *ctx, struct staged *st)
{
	return check_stored(ctx);
}

static int store_cb(void *ctx, struct staged *st)
{
	struct imp *im = ctx;
	return store(im, &im->added, &im->updated);
}

static const struct staged_def students = {
    .table = "dmc_import",
    /* an area's or the nation's file: a million learners and more */
    .max_file = TABLE_CLI_MAX_FILE,
    .max_rows = TABLE_CLI_MAX_ROWS,
    .create_sql = "CREATE TEMP TABLE dmc_import (line BIGINT NOT NULL, school_id BIGINT NOT NULL, "
		  "citizen_id TEXT, gcode TEXT, ident TEXT NOT NULL, title TEXT NOT NULL, "
		  "first_name TEXT NOT NULL, last_name TEXT NOT NULL, sex TEXT NOT NULL, "
		  "birth_date TEXT NOT NULL, nationality TEXT NOT NULL, grade TEXT NOT NULL, "
		  "room BIGINT NOT NULL, weight_x10 BIGINT, height_x10 BIGINT, disadvantaged TEXT NOT NULL, "
		  "disability TEXT NOT NULL, guardian_name TEXT NOT NULL, guardian_phone TEXT NOT NULL, "
		  "address TEXT NOT NULL, search TEXT NOT NULL)",
    .cols = stage_cols,
    .ncols = NSTAGE,
    .columns = columns,
    .ncolumns = NCOL,
    .prepare = prepare_cb,
    .row = row_cb,
    .check = check_cb,
    .store = store_cb,
};

int dmc_import_students(struct db *db, const char *path, struct buf *report, struct err *e)
{
	struct imp im = {
	    .db = db, .e = e, .now = (long long)time(NULL), .schools = json_object(), .ident_at = json_object()};
	int rc = staged_run(db, path, &students, &im, report, NULL, e);
	if (rc == 0)
		buf_addf(report,
			 "imported %s: %lld learners added, %lld updated\n"
			 "นำเข้าแล้ว: นักเรียนใหม่ %lld คน ปรับปรุงข้อมูล %lld คน\n",
			 path, im.added, im.updated, im.added, im.updated);
	json_decref(im.titles);
	json_decref(im.grades);
	for (int i = 0; i < 3; i++)
		json_decref(im.lists[i]);
	json_decref(im.schools);
	json_decref(im.ident_at);
	buf_release(&im.why);
	return rc;
}
