/* access_request: a staff member's request for a permission (ACC-4, seed 003
 * part 4 and its appendix form แบบคำขอรับสิทธิ์การใช้งานระบบสารสนเทศ), the area
 * admin's queue that approves — choosing which permissions to grant — or
 * rejects it with a reason, and the permission matrix of a user: one column
 * per permission, Enabled or Disabled.
 *
 * A permission is a role, and for an OSS officer one service; it is granted
 * in an org unit: a school for school roles, the area (and for KPI roles a
 * work group) for area roles. The request names that unit, so the area it
 * belongs to decides whose queue it lands in; an area admin of another area
 * who opens it is refused and the attempt kept in the audit trail under the
 * request's area, whose admins then see who tried.
 *
 * The permissions themselves and the matrix are in permission.c. The signed
 * form is checked by content (FT_FILE) and moved under
 * DATA/files/acc/requests/<area>/ (upload.c) as the last step of a
 * submission, after the row is stored, so a refused submission leaves no
 * file behind. "One
 * open request for the same thing" is the UNIQUE open_key that only a
 * pending row holds (db/migrations/0006_acc_requests.sql), so two racing
 * submissions cannot both be stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonx.h"
#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/export.h"
#include "core/form.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

#define PER_PAGE 25

/* --- helpers of the pages -------------------------------------------------------- */

static const char *status_label(const char *s)
{
	if (!strcmp(s, "pending"))
		return "รอพิจารณา";
	if (!strcmp(s, "approved"))
		return "อนุมัติแล้ว";
	if (!strcmp(s, "rejected"))
		return "ไม่อนุมัติ";
	return s;
}

/* Labels and links of one request row. */
static void decorate(json_t *x)
{
	long long id = jint(x, "id");
	const struct permission_def *p = module_permission(jstr(x, "permission"));
	json_object_set_new(x, "permission_label", json_string(p ? p->label : jstr(x, "permission")));
	json_object_set_new(x, "status_label", json_string(status_label(jstr(x, "status"))));
	json_object_set_new(x, "pending", json_boolean(!strcmp(jstr(x, "status"), "pending")));
	json_object_set_new(x, "approved", json_boolean(!strcmp(jstr(x, "status"), "approved")));
	json_object_set_new(x, "rejected", json_boolean(!strcmp(jstr(x, "status"), "rejected")));
	struct buf b = BUF_INIT;
	if (*jstr(x, "school_name"))
		buf_adds(&b, jstr(x, "school_name"));
	else
		buf_adds(&b, jstr(x, "area_name"));
	if (*jstr(x, "work_group_name"))
		buf_addf(&b, " · %s", jstr(x, "work_group_name"));
	json_object_set_new(x, "unit_label", json_string(buf_cstr(&b)));
	buf_reset(&b);
	buf_addf(&b, "%s%s %s", jstr(x, "title"), jstr(x, "first_name"), jstr(x, "last_name"));
	json_object_set_new(x, "applicant_name", json_string(buf_cstr(&b)));
	buf_release(&b);
	acc_add_time_text(x, "created_at", "created_at_text");
	acc_add_time_text(x, "decided_at", "decided_at_text");
	char u[80];
	snprintf(u, sizeof u, "/access/requests/%lld", id);
	json_object_set_new(x, "url", json_string(u));
	snprintf(u, sizeof u, "/access/requests/%lld/file", id);
	json_object_set_new(x, "file_url", json_string(u));
	json_t *granted = json_array();
	char *keys = xstrdup(jstr(x, "granted")), *save = NULL;
	for (char *k = strtok_r(keys, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		const struct permission_def *gp = module_permission(k);
		json_array_append_new(granted, json_string(gp ? gp->label : k));
	}
	free(keys);
	json_object_set_new(x, "granted_labels", granted);
}

#define REQUEST_COLUMNS                                                                                                \
	"SELECT r.id, r.user_id, r.permission, r.role, r.service, r.area_id, COALESCE(r.school_id, 0) AS school_id, "  \
	"COALESCE(r.work_group_id, 0) AS work_group_id, r.position, r.note, r.file_name, r.file_mime, r.file_size, "   \
	"r.status, r.created_at, r.decided_at, r.decision_note, r.granted, u.title, u.first_name, u.last_name, "       \
	"u.email, u.username, COALESCE(s.name, '') AS school_name, a.short_name AS area_name, "                        \
	"COALESCE(w.name, '') AS work_group_name "                                                                     \
	"FROM access_requests r JOIN users u ON u.id = r.user_id JOIN areas a ON a.id = r.area_id "                    \
	"LEFT JOIN schools s ON s.id = r.school_id LEFT JOIN work_groups w ON w.id = r.work_group_id "

static const char request_denied[] = "คุณไม่มีสิทธิ์ดูหรือพิจารณาคำขอนี้ แอดมินเขตพิจารณาได้เฉพาะคำขอในเขตพื้นที่ของตนเท่านั้น";
static const char area_denied[] = "คุณไม่มีสิทธิ์ดูคำขอของเขตพื้นที่นี้ แอดมินเขตดูได้เฉพาะคำขอในเขตพื้นที่ของตนเท่านั้น";

/* Whether the active grant may decide requests of the area. */
static bool decider_of(struct req *r, long long area_id)
{
	const struct acc_grant *g = acc_active_grant(r);
	return g && (g->bit & module_roles("area_admin super_admin")) && acc_in_area(r, area_id);
}

/* Loads the path's request for its applicant or an area admin of its area;
 * NULL when answered already (404, 403 + audit). */
static json_t *load_request(struct req *r, bool *decider)
{
	struct db *db = req_db(r);
	if (!db) {
		acc_db_unavailable(r);
		return NULL;
	}
	long long id = req_param_id(r, "rid");
	struct err e = ERR_INIT;
	json_t *x = id > 0 ? db_row_json(db, REQUEST_COLUMNS "WHERE r.id = $1", DB_ARGS(DB_INT(id)), &e) : NULL;
	if (!x) {
		if (id > 0 && e.status != 404)
			view_err(r, &e);
		else
			view_error(r, 404, "ไม่พบคำขอรับสิทธิ์ที่ระบุ");
		return NULL;
	}
	*decider = decider_of(r, jint(x, "area_id"));
	if (!*decider && jint(x, "user_id") != acc_user_id(r)) {
		long long area = jint(x, "area_id");
		json_decref(x);
		acc_deny_in(r, area, "access_request", id, request_denied);
		return NULL;
	}
	decorate(x);
	return x;
}

/* --- the request form ---------------------------------------------------------------- */

static const struct field request_form[] = {
    {.name = "area_id",
     .label = "สำนักงานเขตพื้นที่การศึกษา",
     .type = FT_INT,
     .flags = F_REQUIRED,
     .min = 1,
     .max = 1000000000},
    {.name = "permission", .label = "สิทธิ์ที่ขอ", .type = FT_CHOICE, .flags = F_REQUIRED, .choices_fn = acc_permission_choices},
    {.name = "school_id", .label = "โรงเรียน (สิทธิ์ระดับโรงเรียน)", .type = FT_INT, .min = 0, .max = 1000000000},
    {.name = "work_group_id", .label = "กลุ่มงาน (เจ้าของ/ผู้ตรวจตัวชี้วัด)", .type = FT_INT, .min = 0, .max = 1000000000},
    {.name = "position", .label = "ตำแหน่ง", .type = FT_TEXT, .flags = F_REQUIRED, .max = 100},
    {.name = "note",
     .label = "เหตุผลหรือรายละเอียดเพิ่มเติม",
     .type = FT_TEXTAREA,
     .max = 1000,
     .hint = "เช่น เจ้าหน้าที่เพิ่มใหม่ หรือทดแทนผู้ที่ย้าย/ลาออก (ระบุชื่อ)"},
    {.name = "file",
     .label = "แบบคำขอรับสิทธิ์ที่ผู้อำนวยการลงนามรับรองแล้ว",
     .type = FT_FILE,
     .flags = F_REQUIRED,
     .hint = "ไฟล์ PDF, JPEG หรือ PNG ไม่เกิน 5 MB"},
    {.name = "confirm",
     .label = "ข้าพเจ้าขอรับรองว่าข้อมูลทั้งหมดเป็นความจริง และจะไม่ให้ผู้อื่นใช้บัญชีของข้าพเจ้า",
     .type = FT_CHECKBOX,
     .flags = F_REQUIRED},
    {0},
};

/* The form page: without an area, the choice of area first (a GET form, no
 * script needed); with one, the full form with its schools and work groups. */
static int form_page(struct req *r, long long area_id, int status)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *m = json_pack("{s:s}", "page_title", "ขอรับสิทธิ์การใช้งานระบบ");
	json_t *area = area_id > 0 ? org_area_get(db, area_id, &e) : NULL;
	if (!area) {
		if (area_id > 0 && e.status != 404) {
			json_decref(m);
			return view_err(r, &e);
		}
		json_t *areas = org_areas_list(db, &e);
		if (!areas) {
			json_decref(m);
			return view_err(r, &e);
		}
		json_object_set_new(m, "areas", areas);
		json_object_set_new(m, "choose_area", json_true());
		return view_page(r, status, "acc/request_new", m);
	}
	char v[24];
	snprintf(v, sizeof v, "%lld", area_id);
	json_t *given = json_pack("{s:s}", "area_id", v);
	json_t *form = form_model(r, request_form, given);
	json_decref(given);
	json_t *schools =
	    db_rows_json(db,
			 "SELECT id, name || ' (' || obec_code || ')' AS name FROM schools WHERE area_id = $1 "
			 "ORDER BY name COLLATE thai, id",
			 DB_ARGS(DB_INT(area_id)), &e);
	json_t *groups = schools ? org_work_groups(db, area_id, &e) : NULL;
	if (!groups) {
		json_decref(schools);
		json_decref(form);
		json_decref(m);
		json_decref(area);
		return view_err(r, &e);
	}
	acc_form_select(form, "school_id", schools, "— ไม่ระบุ (สิทธิ์ระดับเขต) —");
	acc_form_select(form, "work_group_id", groups, "— ไม่ระบุ —");
	acc_form_hidden(form, "area_id");
	json_object_set_new(m, "area", area);
	json_object_set_new(m, "form", form);
	json_object_set_new(m, "choose_area", json_false());
	return view_page(r, status, "acc/request_new", m);
}

static int new_get(struct req *r)
{
	return form_page(r, req_query_int(r, "area", 0, 0, 1000000000), 200);
}

/* 1 when the user holds that grant (active) already. */
static int holds(struct db *db, const struct acc_grant *g, struct err *e)
{
	long long one = 0;
	return db_int_value(db,
			    "SELECT 1 FROM grants WHERE user_id = $1 AND role = $2 AND COALESCE(area_id, 0) = $3 "
			    "AND COALESCE(school_id, 0) = $4 AND COALESCE(work_group_id, 0) = $5 "
			    "AND COALESCE(service, '') = $6 AND revoked_at IS NULL",
			    DB_ARGS(DB_INT(g->user_id), DB_TEXT(g->role), DB_INT(g->area_id), DB_INT(g->school_id),
				    DB_INT(g->work_group_id), DB_TEXT(g->service)),
			    &one, e);
}

/* Checks and stores a request; returns its id (the file is kept by the
 * caller after this). */
static long long request_store(struct db *db, long long user_id, const char *permission, long long area_id,
			       long long school_id, long long work_group_id, const char *position, const char *note,
			       const struct form_file *ff, const char *rel, struct err *e)
{
	if (acc_request_target_check(permission, school_id, work_group_id, e) < 0)
		return -1;
	long long x = 0;
	int rc;
	if (school_id > 0) {
		rc = db_int_value(db, "SELECT area_id FROM schools WHERE id = $1", DB_ARGS(DB_INT(school_id)), &x, e);
		if (rc <= 0)
			return rc < 0 ? -1 : err_field(e, "school_id", "ไม่พบโรงเรียนที่เลือก กรุณาเลือกจากรายการ");
		if (x != area_id)
			return err_field(e, "school_id", "โรงเรียนที่เลือกไม่ได้อยู่ในเขตพื้นที่นี้ กรุณาเลือกจากรายการ");
	}
	if (work_group_id > 0) {
		rc = db_int_value(db, "SELECT area_id FROM work_groups WHERE id = $1", DB_ARGS(DB_INT(work_group_id)),
				  &x, e);
		if (rc <= 0 || x != area_id)
			return rc < 0 ? -1 : err_field(e, "work_group_id", "ไม่พบกลุ่มงานนี้ในเขตพื้นที่ กรุณาเลือกจากรายการ");
	}
	const struct permission_def *p = module_permission(permission);
	struct acc_grant g;
	acc_permission_grant(&g, user_id, p, area_id, school_id, work_group_id);
	rc = holds(db, &g, e);
	if (rc)
		return rc < 0 ? -1
			      : err_field(e, "permission",
					  "ท่านมีสิทธิ์%sในหน่วยงานนี้อยู่แล้ว ไม่ต้องขออีก "
					  "(ดูสิทธิ์ของท่านได้ที่หน้า สิทธิ์การใช้งานของฉัน)",
					  p->label);
	char key[160];
	snprintf(key, sizeof key, "%lld:%s:%lld:%lld:%lld", user_id, permission, area_id, school_id, work_group_id);
	rc = db_int_value(db, "SELECT id FROM access_requests WHERE open_key = $1", DB_ARGS(DB_TEXT(key)), &x, e);
	if (rc)
		return rc < 0 ? -1
			      : err_field(e, "permission",
					  "ท่านมีคำขอสิทธิ์%sในหน่วยงานนี้ที่รอพิจารณาอยู่แล้ว (คำขอเลขที่ %lld) "
					  "กรุณารอผลการพิจารณาจากแอดมินเขต",
					  p->label, x);
	long long id = 0;
	rc = db_int_value(
	    db,
	    "INSERT INTO access_requests (user_id, permission, role, service, area_id, school_id, work_group_id, "
	    "position, note, file_path, file_name, file_mime, file_size, status, open_key, created_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14, $15) RETURNING id",
	    DB_ARGS(DB_INT(user_id), DB_TEXT(permission), DB_TEXT(p->role), DB_TEXT(p->qualifier), DB_INT(area_id),
		    school_id > 0 ? DB_INT(school_id) : DB_NULL, work_group_id > 0 ? DB_INT(work_group_id) : DB_NULL,
		    DB_TEXT(position), DB_TEXT(note), DB_TEXT(rel), DB_TEXT(*ff->filename ? ff->filename : "form"),
		    DB_TEXT(ff->mime), DB_INT(ff->size), DB_TEXT(key), DB_INT((long long)time(NULL))),
	    &id, e);
	if (rc < 0 && e->status == 409)
		return err_field(e, "permission", "ท่านมีคำขอสิทธิ์%sในหน่วยงานนี้ที่รอพิจารณาอยู่แล้ว กรุณารอผลการพิจารณา", p->label);
	return rc < 0 ? -1 : id;
}

static int new_post(struct req *r)
{
	long long area_id = form_int(r, "area_id");
	if (!form_ok(r))
		return form_page(r, area_id, 422);
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	long long one = 0;
	int rc = db_int_value(db, "SELECT 1 FROM areas WHERE id = $1", DB_ARGS(DB_INT(area_id)), &one, &e);
	if (rc <= 0) {
		if (rc < 0)
			return view_err(r, &e);
		form_error(r, "area_id", "ไม่พบสำนักงานเขตพื้นที่ที่เลือก กรุณาเลือกใหม่");
		return form_page(r, 0, 422);
	}
	const struct form_file *ff = form_file(r, "file");
	struct buf rel = BUF_INIT;
	/* the row first; the file is moved into place only once the row is in */
	long long id =
	    request_store(db, acc_user_id(r), form_value(r, "permission"), area_id, form_int(r, "school_id"),
			  form_int(r, "work_group_id"), form_value(r, "position"), form_value(r, "note"), ff, "", &e);
	if (id < 0) {
		buf_release(&rel);
		if (e.status == 400 || e.status == 409) {
			form_error_err(r, &e);
			return form_page(r, area_id, e.status == 409 ? 409 : 422);
		}
		return view_err(r, &e);
	}
	if (acc_upload_keep(r, "file", "requests", area_id, &rel, &e) < 0 ||
	    db_exec(db, "UPDATE access_requests SET file_path = $2 WHERE id = $1",
		    DB_ARGS(DB_INT(id), DB_TEXT(buf_cstr(&rel))), &e) < 0) {
		buf_release(&rel);
		return view_err(r, &e);
	}
	buf_release(&rel);
	acc_audit_in(r, db, area_id, acc_user_id(r), "access_request.submit", "access_request", id,
		     json_pack("{s:s}", "permission", form_value(r, "permission")));
	char loc[64];
	snprintf(loc, sizeof loc, "/access/requests/%lld", id);
	return view_redirect(r, loc, "ส่งคำขอรับสิทธิ์แล้ว แอดมินเขตจะพิจารณาและแจ้งผลทางอีเมล");
}

/* --- my requests ---------------------------------------------------------------------- */

static int mine_page(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	long long uid = acc_user_id(r), total = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM access_requests WHERE user_id = $1", DB_ARGS(DB_INT(uid)), &total,
			 &e) < 0)
		return view_err(r, &e);
	/* ?format=csv|xlsx: every request of the user, the same query unpaged */
	enum sheet_format fmt;
	bool file = export_asked(r, &fmt);
	long long per_page = file ? ORG_ALL_ROWS : PER_PAGE;
	struct org_paging pg;
	org_paging(total, file ? 1 : req_query_int(r, "page", 1, 1, 1000000), per_page, &pg);
	json_t *rows = db_rows_json(db, REQUEST_COLUMNS "WHERE r.user_id = $1 ORDER BY r.id DESC LIMIT $2 OFFSET $3",
				    DB_ARGS(DB_INT(uid), DB_INT(per_page), DB_INT(pg.offset)), &e);
	if (!rows)
		return view_err(r, &e);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) decorate(x);
	if (file) {
		static const struct sheet_col cols[] = {
		    {"เลขที่คำขอ", 10, SHEET_NUMBER, 0, "id"},	    {"สิทธิ์ที่ขอ", 28, SHEET_ENUM, 0, "permission_label"},
		    {"หน่วยงาน", 30, SHEET_TEXT, 0, "unit_label"},	    {"ส่งเมื่อ", 20, SHEET_DATETIME, 0, "created_at"},
		    {"สถานะ", 16, SHEET_ENUM, 0, "status_label"},	    {"พิจารณาเมื่อ", 20, SHEET_DATETIME, 0, "decided_at"},
		    {"เหตุผลการพิจารณา", 30, SHEET_TEXT, 0, "decision_note"}};
		const struct export_list l = {"คำขอรับสิทธิ์ของฉัน", "my-access-requests", 7, cols};
		return export_rows(r, fmt, &l, rows, rows);
	}
	json_t *m = json_pack("{s:s, s:o, s:I, s:I, s:I}", "page_title", "คำขอรับสิทธิ์ของฉัน", "rows", rows, "total",
			      (json_int_t)total, "page", (json_int_t)pg.page, "pages", (json_int_t)pg.pages);
	json_object_set_new(m, "has_rows", json_boolean(total > 0));
	acc_add_paging(m, "/access/requests?", pg.page, pg.pages);
	export_links(r, m);
	return view_page(r, 200, "acc/request_mine", m);
}

/* --- one request, its file, approve and reject --------------------------------------------- */

static const struct field approve_form[] = {
    {.name = "grant",
     .label = "สิทธิ์ที่อนุมัติ",
     .type = FT_CHOICE,
     .flags = F_REQUIRED | F_MULTI,
     .choices_fn = acc_permission_choices},
    {.name = "note", .label = "หมายเหตุถึงผู้ขอ", .type = FT_TEXTAREA, .max = 500},
    {0},
};

static const struct field reject_form[] = {
    {.name = "reason",
     .label = "เหตุผลที่ไม่อนุมัติ",
     .type = FT_TEXTAREA,
     .flags = F_REQUIRED,
     .max = 500,
     .hint = "ผู้ขอจะได้รับเหตุผลนี้ทางอีเมล"},
    {0},
};

static int view_request(struct req *r, json_t *x, bool decider, int status)
{
	json_t *m = json_pack("{s:s, s:o, s:b}", "page_title", "คำขอรับสิทธิ์การใช้งาน", "request", x, "decider", decider);
	if (decider && json_is_true(json_object_get(x, "pending"))) {
		json_t *pre = json_pack("{s:[s]}", "grant", jstr(x, "permission"));
		json_t *af = form_model(r, approve_form, pre);
		json_decref(pre);
		json_object_set_new(m, "approve_form", af);
		json_object_set_new(m, "reject_form", form_model(r, reject_form, NULL));
		char u[80];
		snprintf(u, sizeof u, "/access/requests/%lld/approve", jint(x, "id"));
		json_object_set_new(m, "approve_url", json_string(u));
		snprintf(u, sizeof u, "/access/requests/%lld/reject", jint(x, "id"));
		json_object_set_new(m, "reject_url", json_string(u));
	}
	if (decider) {
		char u[80];
		snprintf(u, sizeof u, "/areas/%lld/access-requests", jint(x, "area_id"));
		json_object_set_new(m, "queue_url", json_string(u));
		snprintf(u, sizeof u, "/areas/%lld/users/%lld/permissions", jint(x, "area_id"), jint(x, "user_id"));
		json_object_set_new(m, "matrix_url", json_string(u));
	}
	return view_page(r, status, "acc/request_view", m);
}

static int request_get(struct req *r)
{
	bool decider;
	json_t *x = load_request(r, &decider);
	if (!x)
		return 0;
	if (decider)
		acc_audit_in(r, req_db(r), jint(x, "area_id"), acc_user_id(r), "personal.read", "access_request",
			     jint(x, "id"), NULL);
	return view_request(r, x, decider, 200);
}

static int file_get(struct req *r)
{
	bool decider;
	json_t *x = load_request(r, &decider);
	if (!x)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *f =
	    db_row_json(db, "SELECT file_path FROM access_requests WHERE id = $1", DB_ARGS(DB_INT(jint(x, "id"))), &e);
	if (!f) {
		json_decref(x);
		return view_err(r, &e);
	}
	if (decider)
		acc_audit_in(r, db, jint(x, "area_id"), acc_user_id(r), "personal.read", "access_request",
			     jint(x, "id"), json_pack("{s:s}", "file", jstr(x, "file_name")));
	int rc = acc_upload_send(r, jstr(f, "file_path"), jstr(x, "file_mime"), jstr(x, "file_name"));
	json_decref(f);
	json_decref(x);
	return rc;
}

/* Queues the outcome's e-mail to the applicant. */
static int mail_outcome(struct db *db, json_t *x, bool approved, json_t *granted, const char *text, struct err *e)
{
	struct buf url = BUF_INIT, body = BUF_INIT;
	buf_addf(&url, "%s/access/requests/%lld", nz(http_settings()->base_url), jint(x, "id"));
	json_t *m =
	    json_pack("{s:s, s:s, s:s, s:b, s:O, s:s, s:s, s:I}", "name", jstr(x, "applicant_name"), "permission",
		      jstr(x, "permission_label"), "unit", jstr(x, "unit_label"), "approved", approved, "granted",
		      granted, "text", text, "url", buf_cstr(&url), "id", (json_int_t)jint(x, "id"));
	int rc = view_render_text("mail/request_decided", m, &body, e);
	json_decref(m);
	if (rc == 0) {
		struct buf subj = BUF_INIT;
		buf_addf(&subj, "%s คำขอรับสิทธิ์การใช้งาน เลขที่ %lld", approved ? "อนุมัติ" : "ไม่อนุมัติ", jint(x, "id"));
		rc = mail_queue(db, jstr(x, "email"), buf_cstr(&subj), buf_cstr(&body), e);
		buf_release(&subj);
	}
	buf_release(&url);
	buf_release(&body);
	return rc;
}

/* Loads a pending request for a decision by an area admin of its area;
 * NULL when answered already. */
static json_t *load_for_decision(struct req *r)
{
	bool decider;
	json_t *x = load_request(r, &decider);
	if (!x)
		return NULL;
	if (!decider) {
		/* the applicant himself */
		long long area = jint(x, "area_id"), id = jint(x, "id");
		json_decref(x);
		acc_deny_in(r, area, "access_request", id, "ผู้ขอพิจารณาคำขอของตนเองไม่ได้ แอดมินเขตของเขตพื้นที่เป็นผู้พิจารณา");
		return NULL;
	}
	if (!json_is_true(json_object_get(x, "pending"))) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "คำขอนี้ได้รับการพิจารณาแล้ว (%s) เปลี่ยนผลการพิจารณาไม่ได้", jstr(x, "status_label"));
		view_error(r, 409, buf_cstr(&b));
		buf_release(&b);
		json_decref(x);
		return NULL;
	}
	return x;
}

static int approve_post(struct req *r)
{
	json_t *x = load_for_decision(r);
	if (!x)
		return 0;
	if (!form_ok(r))
		return view_request(r, x, true, 422);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long id = jint(x, "id"), uid = jint(x, "user_id"), area = jint(x, "area_id");
	json_t *keys = form_values(r, "grant");
	json_t *labels = json_array();
	struct buf granted = BUF_INIT;
	size_t i;
	json_t *k;
	int rc = 0;
	json_array_foreach(keys, i, k)
	{
		const struct permission_def *p = module_permission(json_string_value(k));
		if (!p || !p->requestable) {
			form_error(r, "grant", "กรุณาเลือกสิทธิ์จากรายการ");
			rc = -1;
			break;
		}
		const struct role_def *d = module_role(p->role);
		if (d->scope == SCOPE_SCHOOL && jint(x, "school_id") <= 0) {
			struct buf b = BUF_INIT;
			buf_addf(&b, "อนุมัติสิทธิ์%sไม่ได้ เพราะคำขอนี้เป็นคำขอระดับเขต ไม่ได้ระบุโรงเรียน", p->label);
			form_error(r, "grant", buf_cstr(&b));
			buf_release(&b);
			rc = -1;
			break;
		}
		if (d->scope != SCOPE_SCHOOL && jint(x, "school_id") > 0) {
			struct buf b = BUF_INIT;
			buf_addf(&b, "อนุมัติสิทธิ์%sไม่ได้ เพราะคำขอนี้เป็นคำขอระดับโรงเรียน", p->label);
			form_error(r, "grant", buf_cstr(&b));
			buf_release(&b);
			rc = -1;
			break;
		}
		if ((d->flags & ROLE_WORK_GROUP) && jint(x, "work_group_id") <= 0) {
			struct buf b = BUF_INIT;
			buf_addf(&b, "อนุมัติสิทธิ์%sไม่ได้ เพราะคำขอนี้ไม่ได้ระบุกลุ่มงาน", p->label);
			form_error(r, "grant", buf_cstr(&b));
			buf_release(&b);
			rc = -1;
			break;
		}
		struct acc_grant g;
		acc_permission_grant(&g, uid, p, area, jint(x, "school_id"), jint(x, "work_group_id"));
		int held = holds(db, &g, &e);
		if (held < 0) {
			rc = -2;
			break;
		}
		if (held)
			continue;
		long long gid = acc_grant_add_full(db, &g, acc_user_id(r), &e);
		if (gid < 0) {
			rc = e.status == 400 || e.status == 404 || e.status == 409 ? -1 : -2;
			if (rc == -1) {
				form_error(r, "grant", e.msg);
			}
			break;
		}
		acc_audit_in(r, db, area, acc_user_id(r), "grant.add", "user", uid,
			     json_pack("{s:I, s:s, s:I}", "grant_id", (json_int_t)gid, "permission", p->key,
				       "access_request_id", (json_int_t)id));
		if (granted.len)
			buf_addc(&granted, ',');
		buf_adds(&granted, p->key);
		json_array_append_new(labels, json_string(p->label));
	}
	if (rc == 0 && !granted.len) {
		form_error(r, "grant", "ผู้ขอมีสิทธิ์ที่เลือกครบทุกรายการแล้ว เลือกสิทธิ์อื่น หรือกด ไม่อนุมัติ พร้อมเหตุผล");
		rc = -1;
	}
	if (rc == 0 &&
	    db_exec(
		db,
		"UPDATE access_requests SET status = 'approved', open_key = NULL, decided_at = $2, decided_by = $3, "
		"decision_note = $4, granted = $5 WHERE id = $1 AND status = 'pending'",
		DB_ARGS(DB_INT(id), DB_INT((long long)time(NULL)), DB_INT(acc_user_id(r)),
			DB_TEXT(form_value(r, "note")), DB_TEXT(buf_cstr(&granted))),
		&e) < 0)
		rc = -2;
	if (rc == 0 && mail_outcome(db, x, true, labels, form_value(r, "note"), &e) < 0)
		rc = -2;
	if (rc == 0)
		acc_audit_in(r, db, area, acc_user_id(r), "access_request.approve", "access_request", id,
			     json_pack("{s:s}", "granted", buf_cstr(&granted)));
	buf_release(&granted);
	json_decref(labels);
	if (rc == -1)
		return view_request(r, x, true, 422);
	if (rc < 0) {
		json_decref(x);
		return view_err(r, &e);
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/areas/%lld/access-requests", area);
	json_decref(x);
	return view_redirect(r, loc, "อนุมัติคำขอแล้ว ระบบแจ้งผลให้ผู้ขอทางอีเมล");
}

static int reject_post(struct req *r)
{
	json_t *x = load_for_decision(r);
	if (!x)
		return 0;
	if (!form_ok(r))
		return view_request(r, x, true, 422);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long id = jint(x, "id"), area = jint(x, "area_id");
	const char *reason = form_value(r, "reason");
	json_t *none = json_array();
	int rc =
	    db_exec(db,
		    "UPDATE access_requests SET status = 'rejected', open_key = NULL, decided_at = $2, "
		    "decided_by = $3, decision_note = $4 WHERE id = $1 AND status = 'pending'",
		    DB_ARGS(DB_INT(id), DB_INT((long long)time(NULL)), DB_INT(acc_user_id(r)), DB_TEXT(reason)), &e) < 0
		? -1
		: mail_outcome(db, x, false, none, reason, &e);
	json_decref(none);
	if (rc < 0) {
		json_decref(x);
		return view_err(r, &e);
	}
	acc_audit_in(r, db, area, acc_user_id(r), "access_request.reject", "access_request", id,
		     json_pack("{s:s}", "reason", reason));
	char loc[64];
	snprintf(loc, sizeof loc, "/areas/%lld/access-requests", area);
	json_decref(x);
	return view_redirect(r, loc, "บันทึกผลไม่อนุมัติแล้ว ระบบแจ้งเหตุผลให้ผู้ขอทางอีเมล");
}

/* --- the area admin's queue ------------------------------------------------------------------ */

static const struct choice status_filter[] = {
    {"pending", "รอพิจารณา"}, {"approved", "อนุมัติแล้ว"}, {"rejected", "ไม่อนุมัติ"}, {"all", "ทั้งหมด"}, {NULL, NULL},
};

static int queue_page(struct req *r)
{
	long long aid;
	int rc = 0;
	json_t *area = acc_queue_area(r, &aid, area_denied, &rc);
	if (!area)
		return rc;
	struct err e = ERR_INIT;
	const char *status = acc_queue_status(r, status_filter);
	struct org_paging pg;
	/* ?format=csv|xlsx: every request of the status filter, one query */
	enum sheet_format fmt;
	bool file = export_asked(r, &fmt);
	json_t *rows = acc_queue_rows(
	    r, aid, status,
	    "SELECT COUNT(*) FROM access_requests WHERE area_id = $1 AND (CAST($2 AS TEXT) = '' OR status = $2)",
	    REQUEST_COLUMNS "WHERE r.area_id = $1 AND (CAST($2 AS TEXT) = '' OR r.status = $2) "
			    "ORDER BY r.id DESC LIMIT $3 OFFSET $4",
	    file ? ORG_ALL_ROWS : PER_PAGE, &pg, &e);
	if (!rows) {
		json_decref(area);
		return view_err(r, &e);
	}
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		decorate(x);
		char u[96];
		snprintf(u, sizeof u, "/areas/%lld/users/%lld/permissions", aid, jint(x, "user_id"));
		json_object_set_new(x, "matrix_url", json_string(u));
	}
	if (file) {
		static const struct sheet_col cols[] = {
		    {"เลขที่คำขอ", 10, SHEET_NUMBER, 0, "id"},
		    {"ผู้ขอ", 28, SHEET_TEXT, 0, "applicant_name"},
		    {"ชื่อผู้ใช้ (user)", 16, SHEET_TEXT, 0, "username"},
		    {"สิทธิ์ที่ขอ", 28, SHEET_ENUM, 0, "permission_label"},
		    {"หน่วยงาน", 30, SHEET_TEXT, 0, "unit_label"},
		    {"ตำแหน่ง", 20, SHEET_TEXT, 0, "position"},
		    {"ยื่นเมื่อ", 20, SHEET_DATETIME, 0, "created_at"},
		    {"สถานะ", 16, SHEET_ENUM, 0, "status_label"},
		    {"พิจารณาเมื่อ", 20, SHEET_DATETIME, 0, "decided_at"},
		    {"เหตุผลการพิจารณา", 30, SHEET_TEXT, 0, "decision_note"}};
		struct buf t = BUF_INIT;
		buf_addf(&t, "คำขอรับสิทธิ์การใช้งาน %s", jstr(area, "short_name"));
		char base[48];
		snprintf(base, sizeof base, "access-requests-%s", jstr(area, "code"));
		json_decref(area);
		const struct export_list l = {buf_cstr(&t), base, 10, cols};
		rc = export_rows(r, fmt, &l, rows, rows);
		buf_release(&t);
		return rc;
	}
	char path[64];
	snprintf(path, sizeof path, "/areas/%lld/access-requests", aid);
	json_t *m = acc_queue_model("คำขอรับสิทธิ์การใช้งาน", path, area, rows, status_filter, status, &pg);
	export_links(r, m);
	return view_page(r, 200, "acc/request_queue", m);
}

/* --- permission matrix pages ---------------------------------------------------------------- */

static int matrix_view(struct req *r, long long uid, long long area_id, json_t *person, const char *back)
{
	struct err e = ERR_INIT;
	json_t *mx = acc_permission_matrix(req_db(r), uid, area_id, &e);
	if (!mx) {
		json_decref(person);
		return view_err(r, &e);
	}
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s%s %s", jstr(person, "title"), jstr(person, "first_name"), jstr(person, "last_name"));
	json_object_set_new(person, "display_name", json_string(buf_cstr(&b)));
	buf_release(&b);
	json_object_set_new(mx, "page_title", json_string("สิทธิ์การใช้งาน (Permission)"));
	json_object_set_new(mx, "person", person);
	json_object_set_new(mx, "back_url", back ? json_string(back) : json_null());
	return view_page(r, 200, "acc/request_matrix", mx);
}

static int my_matrix(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *p = db_row_json(db, "SELECT id, username, title, first_name, last_name FROM users WHERE id = $1",
				DB_ARGS(DB_INT(acc_user_id(r))), &e);
	if (!p)
		return view_err(r, &e);
	return matrix_view(r, acc_user_id(r), 0, p, "/access/requests");
}

static int user_matrix(struct req *r)
{
	long long aid = req_param_id(r, "id"), uid = req_param_id(r, "uid");
	if (aid < 0 || uid < 0)
		return view_error(r, 404, "ไม่พบผู้ใช้ที่ระบุ");
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	int answered = acc_area_user_check(r, db, aid, uid, area_denied);
	if (answered >= 0)
		return answered;
	struct err e = ERR_INIT;
	json_t *p = db_row_json(db, "SELECT id, username, title, first_name, last_name FROM users WHERE id = $1",
				DB_ARGS(DB_INT(uid)), &e);
	if (!p)
		return view_err(r, &e);
	acc_audit_in(r, db, aid, acc_user_id(r), "personal.read", "user", uid,
		     json_pack("{s:s}", "page", "permissions"));
	char back[64], edit[80];
	snprintf(back, sizeof back, "/areas/%lld/access-requests", aid);
	snprintf(edit, sizeof edit, "/areas/%lld/users/%lld/permissions/edit", aid, uid);
	json_object_set_new(p, "edit_url", json_string(edit));
	return matrix_view(r, uid, aid, p, back);
}

/* The area's users with their permissions, one row each (seed 003 part 4). */
/* GET /areas/:id/permissions?format=csv|xlsx — every user of the area with
 * one column per permission ("Enabled" where he holds it), as the page
 * (names and usernames only, no personal field). Takes area and m. */
static int matrix_export(struct req *r, enum sheet_format f, json_t *area, json_t *m)
{
	json_t *head = json_object_get(m, "head");
	struct sheet_col cols[64];
	int nc = 0;
	cols[nc++] = (struct sheet_col){"ชื่อผู้ใช้ (user)", 16, SHEET_TEXT};
	cols[nc++] = (struct sheet_col){"ชื่อ - นามสกุล", 28, SHEET_TEXT};
	cols[nc++] = (struct sheet_col){"สถานะบัญชี", 12, SHEET_ENUM};
	size_t np = json_array_size(head), i;
	if (np > 61)
		np = 61;
	for (i = 0; i < np; i++)
		cols[nc++] = (struct sheet_col){jstr(json_array_get(head, i), "label"), 14, SHEET_ENUM};
	struct buf t = BUF_INIT;
	buf_addf(&t, "สิทธิ์การใช้งาน %s", jstr(area, "short_name"));
	char base[48];
	snprintf(base, sizeof base, "permissions-%s", jstr(area, "code"));
	const struct export_list l = {buf_cstr(&t), base, nc, cols};
	struct err e = ERR_INIT;
	struct sheet *s = export_begin(r, f, &l, &e);
	if (!s) {
		buf_release(&t);
		json_decref(m);
		json_decref(area);
		return view_fault(r, &e);
	}
	json_t *x;
	json_array_foreach(json_object_get(m, "rows"), i, x)
	{
		sheet_text(s, jstr(x, "username"));
		sheet_text(s, jstr(x, "display_name"));
		sheet_text(s, !strcmp(jstr(x, "status"), "active") ? "ใช้งานอยู่" : "ยกเลิกแล้ว");
		json_t *c = json_object_get(x, "columns");
		for (size_t k = 0; k < np; k++)
			sheet_text(s, json_is_true(json_object_get(json_array_get(c, k), "enabled")) ? "Enabled" : "");
		sheet_row_end(s);
	}
	json_decref(m);
	json_decref(area);
	int rc = export_end(r, s, f, &l);
	buf_release(&t);
	return rc;
}

static int area_matrix(struct req *r)
{
	long long aid;
	int rc = 0;
	json_t *area = acc_queue_area(r, &aid, area_denied, &rc);
	if (!area)
		return rc;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	enum sheet_format fmt;
	bool file = export_asked(r, &fmt);
	json_t *m = acc_permission_area_matrix(db, aid, file ? 0 : req_query_int(r, "page", 1, 1, 1000000), &e);
	if (!m) {
		json_decref(area);
		return view_err(r, &e);
	}
	if (file) {
		acc_audit_in(r, db, aid, acc_user_id(r), "personal.read", "area", aid,
			     json_pack("{s:s, s:s}", "page", "permissions", "export", fmt == SHEET_XLSX ? "xlsx" : "csv"));
		return matrix_export(r, fmt, area, m);
	}
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(m, "rows"), i, x)
	{
		char u[96];
		snprintf(u, sizeof u, "/areas/%lld/users/%lld/permissions", aid, jint(x, "id"));
		json_object_set_new(x, "url", json_string(u));
	}
	acc_audit_in(r, db, aid, acc_user_id(r), "personal.read", "area", aid,
		     json_pack("{s:s}", "page", "permissions"));
	struct buf title = BUF_INIT, base = BUF_INIT;
	buf_addf(&title, "สิทธิ์การใช้งานของผู้ใช้ %s", jstr(area, "short_name"));
	buf_addf(&base, "/areas/%lld/permissions?", aid);
	json_object_set_new(m, "page_title", json_string(buf_cstr(&title)));
	json_object_set_new(m, "area", area);
	json_object_set_new(m, "has_rows", json_boolean(json_array_size(json_object_get(m, "rows")) > 0));
	acc_add_paging(m, buf_cstr(&base), jint(m, "page"), jint(m, "pages"));
	buf_release(&title);
	buf_release(&base);
	export_links(r, m);
	return view_page(r, 200, "acc/request_area_matrix", m);
}

#define AREA_ROLES "area_admin super_admin"

static const struct route routes[] = {
    {"GET", "/access/requests", mine_page, NULL, NULL, ACCESS_SIGNED_IN, 0},
    {"GET", "/access/requests/new", new_get, NULL, NULL, ACCESS_SIGNED_IN, 0},
    {"POST", "/access/requests", new_post, request_form, NULL, ACCESS_SIGNED_IN, 0},
    {"GET", "/access/requests/:rid", request_get, NULL, NULL, ACCESS_SIGNED_IN, 0},
    {"GET", "/access/requests/:rid/file", file_get, NULL, NULL, ACCESS_SIGNED_IN, 0},
    {"POST", "/access/requests/:rid/approve", approve_post, approve_form, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"POST", "/access/requests/:rid/reject", reject_post, reject_form, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/areas/:id/access-requests", queue_page, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/account/permissions", my_matrix, NULL, NULL, ACCESS_SIGNED_IN, 0},
    {"GET", "/areas/:id/users/:uid/permissions", user_matrix, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/areas/:id/permissions", area_matrix, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_request_routes = {"acc", routes};
