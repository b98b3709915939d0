/* import: `khet import personnel FILE` — a school's or a whole area's
 * teachers and staff from a CSV or XLSX file (DPA-1 entered once, issue 13
 * item 6), with the checks of the pages. Its first non-empty row names the
 * columns, in Thai or English (table_header: without case, spaces, dots,
 * dashes, underscores or brackets), in any order:
 *
 *   รหัสโรงเรียน | obec_code            the school (OBEC code, 10 digits), required
 *   เลขประจำตัวประชาชน | citizen_id     13 digits with its check digit, required
 *   คำนำหน้า | title, ชื่อ | first_name, นามสกุล | last_name           required
 *   วันเกิด | birth_date                25/06/2510 (พ.ศ.) or 1967-06-25 (ค.ศ.)
 *   ประเภทบุคลากร | type               label or code of dpa_types (ข้าราชการครู …)
 *   ตำแหน่ง | position, วิทยฐานะ | standing   label or code of their lists
 *   เลขที่ตำแหน่ง | position_no, เงินเดือน | salary (baht, "45,120.00" too)
 *   วันบรรจุ | appointed_on, วันที่มาปฏิบัติงาน | arrived_on
 *   วุฒิการศึกษา | education, วิชาเอก | subject, โทรศัพท์ | phone, อีเมล | email
 *
 * Only the school, the citizen ID and the names are required: what a row
 * leaves empty is what the record lacks, counted as on the pages.
 *
 * All or nothing: one transaction; every row is checked and every bad row
 * gets its line and reasons in the report (the first 1,000; then a count:
 * the rows' own checks first, then the checks against stored records);
 * one bad row stores nothing. One person, one record (DPA-1): an ID twice
 * in the file, or an ID whose record is at another school (ask for a
 * transfer) or was removed (add the person on the page: the same record
 * comes back), is refused naming the school. A person already at the row's
 * school is updated, and only when something differs, so a second run of
 * the same file changes nothing.
 *
 * Fast at national scale: rows are checked in C against the lists read
 * once, then loaded into a temporary table through db_bulk (COPY on
 * PostgreSQL); the checks against stored records, the history rows (kind
 * "import"), the updates and the inserts are each one set-based statement.
 * Audited as dpa.import per area (actor the command line). */
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
#include "dpa/dpa_internal.h"

enum col {
	C_SCHOOL,
	C_CID,
	C_TITLE,
	C_FIRST,
	C_LAST,
	C_BIRTH,
	C_TYPE,
	C_POSITION,
	C_POSNO,
	C_STANDING,
	C_SALARY,
	C_APPOINTED,
	C_ARRIVED,
	C_EDU,
	C_SUBJECT,
	C_PHONE,
	C_EMAIL,
	NCOL
};

static const struct table_column columns[NCOL] = {
    [C_SCHOOL] = {"รหัสโรงเรียน (obec_code)",
		  true,
		  {"รหัสโรงเรียน", "รหัสโรงเรียน10หลัก", "รหัสสถานศึกษา", "obeccode", "schoolcode", "obec", NULL}},
    [C_CID] = {"เลขประจำตัวประชาชน (citizen_id)",
	       true,
	       {"เลขประจำตัวประชาชน", "เลขประจำตัวประชาชน13หลัก", "เลขบัตรประชาชน", "citizenid", "cid", "pid", NULL}},
    [C_TITLE] = {"คำนำหน้า (title)", true, {"คำนำหน้า", "คำนำหน้าชื่อ", "title", "prefix", NULL}},
    [C_FIRST] = {"ชื่อ (first_name)", true, {"ชื่อ", "firstname", "name", NULL}},
    [C_LAST] = {"นามสกุล (last_name)", true, {"นามสกุล", "lastname", "surname", NULL}},
    [C_BIRTH] = {"วันเกิด (birth_date)", false, {"วันเกิด", "วันเดือนปีเกิด", "birthdate", "dob", NULL}},
    [C_TYPE] = {"ประเภทบุคลากร (type)", false, {"ประเภทบุคลากร", "ประเภท", "type", "personneltype", NULL}},
    [C_POSITION] = {"ตำแหน่ง (position)", false, {"ตำแหน่ง", "position", NULL}},
    [C_POSNO] = {"เลขที่ตำแหน่ง (position_no)", false, {"เลขที่ตำแหน่ง", "positionno", "positionnumber", NULL}},
    [C_STANDING] = {"วิทยฐานะ (standing)", false, {"วิทยฐานะ", "standing", "academicstanding", NULL}},
    [C_SALARY] = {"เงินเดือน (salary)", false, {"เงินเดือน", "เงินเดือนบาท", "salary", NULL}},
    [C_APPOINTED] = {"วันบรรจุ (appointed_on)", false, {"วันบรรจุ", "วันบรรจุแต่งตั้ง", "appointedon", "appointed", NULL}},
    [C_ARRIVED] = {"วันที่มาปฏิบัติงาน (arrived_on)",
		   false,
		   {"วันที่มาปฏิบัติงาน", "วันที่มาปฏิบัติงานที่หน่วยงานนี้", "วันที่ย้ายมา", "arrivedon", "arrived", NULL}},
    [C_EDU] = {"วุฒิการศึกษา (education)", false, {"วุฒิการศึกษา", "วุฒิ", "education", NULL}},
    [C_SUBJECT] = {"วิชาเอก (subject)", false, {"วิชาเอก", "กลุ่มสาระ", "subject", "major", NULL}},
    [C_PHONE] = {"โทรศัพท์ (phone)", false, {"โทรศัพท์", "เบอร์โทร", "phone", "tel", NULL}},
    [C_EMAIL] = {"อีเมล (email)", false, {"อีเมล", "email", "e-mail", NULL}},
};

enum stage {
	S_LINE,
	S_CID,
	S_AREA,
	S_SCHOOL,
	S_TITLE,
	S_FIRST,
	S_LAST,
	S_BIRTH,
	S_TYPE,
	S_POSITION,
	S_POSNO,
	S_STANDING,
	S_SALARY,
	S_APPOINTED,
	S_ARRIVED,
	S_EDU,
	S_SUBJECT,
	S_PHONE,
	S_EMAIL,
	S_MISSING,
	S_RETIRE,
	S_SEARCH,
	NSTAGE
};
static const char *const stage_cols[NSTAGE] = {
    "line",    "citizen_id", "area_id",	    "school_id", "title",     "first_name",   "last_name",  "birth_date",
    "type",    "position",   "position_no", "standing",	 "salary",    "appointed_on", "arrived_on", "education",
    "subject", "phone",	     "email",	    "missing",	 "retire_fy", "search"};

struct imp {
	struct db *db;
	struct staged *st; /* the run: bad rows, loading (core/staged.h) */
	struct err *e;
	long long now;
	json_t *lists[3]; /* types, positions, standings: code and label → row */
	json_t *schools;  /* OBEC code → [id, area_id] */
	json_t *cid_at;	  /* citizen ID → line, in this file */
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

/* A date cell: "" stays ""; else ISO into out, or a reason. */
static void date_cell(struct imp *im, const char *v, const char *what, char out[32])
{
	out[0] = 0;
	if (!*v)
		return;
	int y, m, d;
	int rc = thai_date_input(v, &y, &m, &d);
	if (rc == THAI_DATE_RANGE)
		reason(im, "year out of range", "ปีของ%s \"%s\" อยู่นอกช่วง ตรวจสอบว่าใช้ พ.ศ. หรือ ค.ศ.", what, v);
	else if (rc < 0)
		reason(im, "not a date", "%s \"%s\" ไม่ใช่วันที่ (เช่น 25/06/2510 เป็น พ.ศ.)", what, v);
	else
		snprintf(out, 32, "%04d-%02d-%02d", y, m, d);
}

/* A list cell by code or label: the code, "" for an empty cell, NULL (with
 * a reason) for one not in the list. */
static const char *list_cell(struct imp *im, int which, const char *v, const char *what)
{
	if (!*v)
		return "";
	json_t *x = json_object_get(im->lists[which], v);
	if (!x) {
		reason(im, "not in the list", "%s \"%s\" ไม่มีในรายการ", what, v);
		return NULL;
	}
	return jstr(x, "code");
}

static int import_row(struct imp *im, const struct table_row *row, const int *pos)
{
	struct buf b[NCOL];
	const char *v[NCOL];
	for (int i = 0; i < NCOL; i++) {
		b[i] = (struct buf)BUF_INIT;
		v[i] = table_cell(row, pos[i], &b[i]);
	}
	buf_reset(&im->why);
	int rc = 0;
	char cid[14] = "", birth[32] = "", appointed[32] = "", arrived[32] = "";
	long long salary = -1, school = 0, area = 0;
	const char *type = "", *position = "", *standing = "";
	bool needs_posno = true;
	bool utf8 = true;
	for (int i = 0; i < NCOL; i++)
		if (!thai_utf8_valid(v[i], strlen(v[i])))
			utf8 = false;
	if (!utf8) {
		reason(im, "text is not valid UTF-8 (save the file as CSV UTF-8 or XLSX)",
		       "มีข้อความที่ไม่ใช่ UTF-8 ให้บันทึกไฟล์เป็น CSV UTF-8 หรือ XLSX");
		goto done;
	}
	if (!*v[C_SCHOOL]) {
		reason(im, "no school code", "ไม่มีรหัสโรงเรียน");
	} else {
		json_t *s = json_object_get(im->schools, v[C_SCHOOL]);
		if (!s) {
			reason(im, "unknown school code", "ไม่พบโรงเรียนรหัส %s ในระบบ", v[C_SCHOOL]);
		} else {
			school = json_integer_value(json_array_get(s, 0));
			area = json_integer_value(json_array_get(s, 1));
		}
	}
	if (thai_citizen_id_normalize(v[C_CID], cid) < 0) {
		reason(im, "the citizen ID is not 13 digits", "เลขประจำตัวประชาชน \"%s\" ต้องมี 13 หลัก", v[C_CID]);
		cid[0] = 0;
	} else {
		json_t *at = json_object_get(im->cid_at, cid);
		if (at)
			reason(im, "the same person twice in the file", "บุคคลเดียวกับบรรทัด %lld",
			       (long long)json_integer_value(at));
		else
			json_object_set_new(im->cid_at, cid, json_integer(row->line));
	}
	date_cell(im, v[C_BIRTH], "วันเกิด", birth);
	date_cell(im, v[C_APPOINTED], "วันบรรจุ", appointed);
	date_cell(im, v[C_ARRIVED], "วันที่มาปฏิบัติงาน", arrived);
	if (*v[C_SALARY]) {
		struct buf plain = BUF_INIT;
		for (const char *p = v[C_SALARY]; *p; p++)
			if (*p != ',' && *p != ' ')
				buf_addc(&plain, *p);
		if (buf_cstr(&plain)[0] == '-')
			reason(im, "negative salary", "เงินเดือนต้องไม่ติดลบ");
		else if ((salary = num_money(buf_cstr(&plain))) < 0)
			reason(im, "bad salary", "เงินเดือน \"%s\" ต้องเป็นตัวเลข ทศนิยมไม่เกิน 2 ตำแหน่ง", v[C_SALARY]);
		buf_release(&plain);
	}
	type = list_cell(im, 0, v[C_TYPE], "ประเภทบุคลากร");
	position = list_cell(im, 1, v[C_POSITION], "ตำแหน่ง");
	standing = list_cell(im, 2, v[C_STANDING], "วิทยฐานะ");
	if (type && *type)
		needs_posno = jint(json_object_get(im->lists[0], type), "needs_position_no") != 0;
	struct dpa_staff_in in = {
	    .citizen_id = cid,
	    .title = v[C_TITLE],
	    .first_name = v[C_FIRST],
	    .last_name = v[C_LAST],
	    .birth_date = birth,
	    .type = type ? type : "",
	    .position = position ? position : "",
	    .position_no = v[C_POSNO],
	    .standing = standing ? standing : "",
	    .salary = salary,
	    .appointed_on = appointed,
	    .arrived_on = arrived,
	    .education = v[C_EDU],
	    .subject = v[C_SUBJECT],
	    .phone = v[C_PHONE],
	    .email = v[C_EMAIL],
	};
	/* the page's checks, unless a cell was unreadable already */
	struct err e = ERR_INIT;
	if (!im->why.len && dpa_staff_check_values(&in, im->now, &e) < 0)
		reason(im, "bad value", "%s", e.msg);

done:
	if (im->why.len)
		staged_bad(im->st, row->line, buf_cstr(&im->why));
	if (!im->why.len) { /* staged even after a bad row: the stored checks report it too */
		char line[24], sid[24], aid[24], sal[24], miss[24], fy[24];
		snprintf(line, sizeof line, "%lld", row->line);
		snprintf(sid, sizeof sid, "%lld", school);
		snprintf(aid, sizeof aid, "%lld", area);
		snprintf(sal, sizeof sal, "%lld", salary);
		snprintf(miss, sizeof miss, "%d", dpa_missing(&in, needs_posno, NULL));
		int rfy = dpa_retire_fy(birth);
		snprintf(fy, sizeof fy, "%d", rfy);
		struct buf search = BUF_INIT, names = BUF_INIT;
		buf_addf(&names, "%s %s", in.first_name, in.last_name);
		thai_search_terms(buf_cstr(&names), &search);
		buf_addf(&search, " %s", cid);
		const char *sv[NSTAGE] = {
		    [S_LINE] = line,
		    [S_CID] = cid,
		    [S_AREA] = aid,
		    [S_SCHOOL] = sid,
		    [S_TITLE] = in.title,
		    [S_FIRST] = in.first_name,
		    [S_LAST] = in.last_name,
		    [S_BIRTH] = *birth ? birth : NULL,
		    [S_TYPE] = *in.type ? in.type : NULL,
		    [S_POSITION] = *in.position ? in.position : NULL,
		    [S_POSNO] = in.position_no,
		    [S_STANDING] = *in.standing ? in.standing : NULL,
		    [S_SALARY] = salary >= 0 ? sal : NULL,
		    [S_APPOINTED] = *appointed ? appointed : NULL,
		    [S_ARRIVED] = *arrived ? arrived : NULL,
		    [S_EDU] = in.education,
		    [S_SUBJECT] = in.subject,
		    [S_PHONE] = in.phone,
		    [S_EMAIL] = in.email,
		    [S_MISSING] = miss,
		    [S_RETIRE] = rfy > 0 ? fy : NULL,
		    [S_SEARCH] = buf_cstr(&search),
		};
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

/* Rows whose person is recorded elsewhere or was removed: bad rows. */
static int check_stored(struct imp *im)
{
	struct db_res *r = NULL;
	if (db_query(im->db,
		     "SELECT s.line, st.status, COALESCE(sc.name, a.name) FROM dpa_import s "
		     "JOIN dpa_staff st ON st.citizen_id = s.citizen_id JOIN areas a ON a.id = st.area_id "
		     "LEFT JOIN schools sc ON sc.id = st.school_id "
		     "WHERE COALESCE(st.school_id, 0) <> s.school_id OR st.status <> 'active' ORDER BY s.line",
		     NULL, 0, &r, im->e) < 0)
		return -1;
	int rc;
	struct buf why = BUF_INIT;
	while ((rc = db_next(r, im->e)) == 1) {
		buf_reset(&why);
		if (!strcmp(db_text(r, 1), "active"))
			buf_addf(&why,
				 "the person is recorded at another school: ask for a transfer instead / "
				 "บุคลากรคนนี้มีข้อมูลอยู่ที่%s "
				 "ให้ขอย้ายข้อมูลแทนการนำเข้า",
				 db_text(r, 2));
		else
			buf_addf(&why,
				 "the person was removed: add him on the page, the same record comes back / "
				 "บุคลากรคนนี้ถูกจำหน่ายแล้ว "
				 "(ล่าสุดที่%s) ให้เพิ่มผ่านหน้าเว็บ ระเบียนเดิมจะกลับมา",
				 db_text(r, 2));
		staged_bad(im->st, db_int(r, 0), buf_cstr(&why));
	}
	buf_release(&why);
	db_res_free(r);
	return rc < 0 ? -1 : 0;
}

/* a stored row differs from the file's */
#define CHANGED                                                                                                        \
	"(st.area_id <> s.area_id OR st.title <> s.title OR st.first_name <> s.first_name OR st.last_name <> s.last_name "                        \
	"OR st.birth_date IS DISTINCT FROM s.birth_date OR st.type IS DISTINCT FROM s.type "                           \
	"OR st.position IS DISTINCT FROM s.position OR st.position_no <> s.position_no "                               \
	"OR st.standing IS DISTINCT FROM s.standing OR st.salary IS DISTINCT FROM s.salary "                           \
	"OR st.appointed_on IS DISTINCT FROM s.appointed_on OR st.arrived_on IS DISTINCT FROM s.arrived_on "           \
	"OR st.education <> s.education OR st.subject <> s.subject OR st.phone <> s.phone OR st.email <> s.email)"

static int store(struct imp *im, long long *added, long long *updated)
{
	struct db *db = im->db;
	struct err *e = im->e;
	long long now = im->now;
	/* the places the matched records are at before they change: a school
	 * moved to another area since (khet import org) takes its staff along */
	if (dpa_counts_touch(db,
			     "SELECT DISTINCT COALESCE(st.school_id, 0), st.area_id FROM dpa_import s "
			     "JOIN dpa_staff st ON st.citizen_id = s.citizen_id",
			     NULL, 0, e) < 0)
		return -1;
	/* history first: the rows about to change, then the new ones */
	if (db_exec(db,
		    "INSERT INTO dpa_staff_events (staff_id, at, by_user, kind, to_school_id, detail) "
		    "SELECT st.id, $1, NULL, 'import', s.school_id, '{}' FROM dpa_import s "
		    "JOIN dpa_staff st ON st.citizen_id = s.citizen_id WHERE " CHANGED,
		    DB_ARGS(DB_INT(now)), e) < 0)
		return -1;
	*updated =
	    db_exec(db,
		    "UPDATE dpa_staff AS st SET area_id = s.area_id, title = s.title, first_name = s.first_name, last_name = s.last_name, "
		    "birth_date = s.birth_date, type = s.type, position = s.position, position_no = s.position_no, "
		    "standing = s.standing, salary = s.salary, appointed_on = s.appointed_on, "
		    "arrived_on = s.arrived_on, education = s.education, subject = s.subject, phone = s.phone, "
		    "email = s.email, missing = s.missing, retire_fy = s.retire_fy, search = s.search, "
		    "version = st.version + 1, updated_at = $1 FROM dpa_import s "
		    "WHERE st.citizen_id = s.citizen_id AND " CHANGED,
		    DB_ARGS(DB_INT(now)), e);
	if (*updated < 0)
		return -1;
	*added =
	    db_exec(db,
		    "INSERT INTO dpa_staff (citizen_id, area_id, school_id, status, title, first_name, last_name, "
		    "birth_date, type, position, position_no, standing, salary, appointed_on, arrived_on, education, "
		    "subject, phone, email, missing, retire_fy, search, created_at, updated_at) "
		    "SELECT citizen_id, area_id, school_id, 'active', title, first_name, last_name, birth_date, type, "
		    "position, position_no, standing, salary, appointed_on, arrived_on, education, subject, phone, "
		    "email, missing, retire_fy, search, $1, $1 FROM dpa_import s "
		    "WHERE NOT EXISTS (SELECT 1 FROM dpa_staff st WHERE st.citizen_id = s.citizen_id) ORDER BY line",
		    DB_ARGS(DB_INT(now)), e);
	if (*added < 0)
		return -1;
	if (db_exec(db,
		    "INSERT INTO dpa_staff_events (staff_id, at, by_user, kind, to_school_id, detail) "
		    "SELECT st.id, $1, NULL, 'import', s.school_id, '{}' FROM dpa_import s "
		    "JOIN dpa_staff st ON st.citizen_id = s.citizen_id WHERE st.created_at = $1 "
		    "AND NOT EXISTS (SELECT 1 FROM dpa_staff_events ev WHERE ev.staff_id = st.id)",
		    DB_ARGS(DB_INT(now)), e) < 0)
		return -1;
	/* the counts of every place touched (counts.c), in this transaction and
	 * set-based: the file's places and where its matched records were */
	if (dpa_counts_touch(db, "SELECT DISTINCT school_id, area_id FROM dpa_import", NULL, 0, e) < 0 ||
	    dpa_counts_refresh_touched(db, e) < 0)
		return -1;
	json_t *areas =
	    db_rows_json(db,
			 "SELECT area_id, COUNT(*) AS n, COUNT(DISTINCT school_id) AS schools FROM dpa_import "
			 "GROUP BY area_id",
			 NULL, 0, e);
	if (!areas)
		return -1;
	size_t i;
	json_t *a;
	int rc = 0;
	json_array_foreach(areas, i, a)
	{
		json_t *d = json_pack("{s:I,s:I}", "staff", (json_int_t)jint(a, "n"), "schools",
				      (json_int_t)jint(a, "schools"));
		struct audit_entry en = {.actor_role = "cli",
					 .action = "dpa.import",
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
	im->lists[0] = list_map(db, "SELECT code, label, needs_position_no FROM dpa_types", im->e);
	im->lists[1] = list_map(db, "SELECT code, label FROM dpa_positions", im->e);
	im->lists[2] = list_map(db, "SELECT code, label FROM dpa_standings", im->e);
	if (!im->lists[0] || !im->lists[1] || !im->lists[2])
		return -1;
	struct db_res *r = NULL;
	if (db_query(db, "SELECT obec_code, id, area_id FROM schools", NULL, 0, &r, im->e) < 0)
		return -1;
	int rc;
	while ((rc = db_next(r, im->e)) == 1)
		json_object_set_new(im->schools, db_text(r, 0),
				    json_pack("[I,I]", (json_int_t)db_int(r, 1), (json_int_t)db_int(r, 2)));
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

static const struct staged_def personnel = {
    .table = "dpa_import",
    .create_sql = "CREATE TEMP TABLE dpa_import (line BIGINT NOT NULL, citizen_id TEXT NOT NULL, "
		  "area_id BIGINT NOT NULL, school_id BIGINT NOT NULL, title TEXT NOT NULL, "
		  "first_name TEXT NOT NULL, last_name TEXT NOT NULL, birth_date TEXT, type TEXT, "
		  "position TEXT, position_no TEXT NOT NULL, standing TEXT, salary BIGINT, "
		  "appointed_on TEXT, arrived_on TEXT, education TEXT NOT NULL, subject TEXT NOT NULL, "
		  "phone TEXT NOT NULL, email TEXT NOT NULL, missing BIGINT NOT NULL, retire_fy BIGINT, "
		  "search TEXT NOT NULL)",
    .cols = stage_cols,
    .ncols = NSTAGE,
    .columns = columns,
    .ncolumns = NCOL,
    /* the good rows stay staged even after a bad one, so the checks
     * against stored records report their lines too */
    .load_after_bad = true,
    .prepare = prepare_cb,
    .row = row_cb,
    .check = check_cb,
    .store = store_cb,
};

int dpa_import_personnel(struct db *db, const char *path, struct buf *report, struct err *e)
{
	struct imp im = {
	    .db = db, .e = e, .now = (long long)time(NULL), .schools = json_object(), .cid_at = json_object()};
	long long rows = 0;
	int rc = staged_run(db, path, &personnel, &im, report, &rows, e);
	if (rc == 0)
		buf_addf(report,
			 "imported %s: %lld people added, %lld updated, %lld unchanged\n"
			 "นำเข้าแล้ว: บุคลากรใหม่ %lld คน ปรับปรุงข้อมูล %lld คน ไม่เปลี่ยนแปลง %lld คน\n",
			 path, im.added, im.updated, rows - im.added - im.updated, im.added, im.updated,
			 rows - im.added - im.updated);
	for (int i = 0; i < 3; i++)
		json_decref(im.lists[i]);
	json_decref(im.schools);
	json_decref(im.cid_at);
	buf_release(&im.why);
	return rc;
}
