/* admin: the area admin's settings of the One Stop Service — which officer
 * serves which service (OSS-7), the meeting rooms and their capacities, the
 * public holidays that do not count as business days, and the prices of
 * the ปพ. forms (OSS-2.6). The admin acts in the area of the active grant;
 * settings.c refuses rows of any other area. Every change is written to
 * the audit trail (admin actions, DESIGN "Security"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/export.h"
#include "core/form.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"
#include "oss/oss_pages.h"

static const struct choice service_choices[] = {
    {"11", "บัตรประจำตัวเจ้าหน้าที่ของรัฐ"}, {"12", "หนังสือรับรอง"},  {"21", "บำเหน็จดำรงชีพ"}, {"31", "จองห้องประชุม"},
    {"32", "นัดหมายผู้บริหาร"},	      {"41", "สั่งซื้อ ปพ.1-3"}, {NULL, NULL},
};

const struct field oss_officer_form[] = {
    {.name = "login",
     .label = "เจ้าหน้าที่ (เลขประจำตัวประชาชน ชื่อผู้ใช้ หรืออีเมล)",
     .type = FT_TEXT,
     .flags = F_REQUIRED,
     .max = 254,
     .hint = "ผู้ใช้ต้องเป็นบุคลากรของสำนักงานเขตพื้นที่นี้ (มีหรือเคยมีบทบาทในเขต) ผู้อื่นให้ยื่นคำขอรับสิทธิ์พร้อมแบบคำขอที่ลงนามแล้ว"},
    {.name = "service", .label = "บริการที่มอบหมาย", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = service_choices},
    {NULL},
};

const struct field oss_remove_form[] = {{NULL}};

const struct field oss_room_form[] = {
    {.name = "name", .label = "ชื่อห้องประชุม", .type = FT_TEXT, .flags = F_REQUIRED, .max = 100},
    {.name = "capacity", .label = "ความจุ (คน)", .type = FT_INT, .flags = F_REQUIRED, .min = 1, .max = 10000},
    {.name = "active", .label = "เปิดให้จอง", .type = FT_CHECKBOX},
    {NULL},
};

const struct field oss_holiday_form[] = {
    {.name = "day", .label = "วันที่", .type = FT_DATE, .flags = F_REQUIRED},
    {.name = "name",
     .label = "ชื่อวันหยุด",
     .type = FT_TEXT,
     .flags = F_REQUIRED,
     .max = 100,
     .hint = "เช่น วันเฉลิมพระชนมพรรษา"},
    {NULL},
};

const struct field oss_prices_form[] = {
    {.name = "pp1_p",
     .label = "ปพ.1-ป ระดับประถมศึกษา (บาทต่อเล่ม)",
     .type = FT_MONEY,
     .flags = F_REQUIRED,
     .max = OSS_PRICE_MAX_SATANG},
    {.name = "pp3_p",
     .label = "ปพ.3-ป ระดับประถมศึกษา (บาทต่อแผ่น)",
     .type = FT_MONEY,
     .flags = F_REQUIRED,
     .max = OSS_PRICE_MAX_SATANG},
    {.name = "pp1_b",
     .label = "ปพ.1-บ ระดับมัธยมศึกษาตอนต้น (บาทต่อเล่ม)",
     .type = FT_MONEY,
     .flags = F_REQUIRED,
     .max = OSS_PRICE_MAX_SATANG},
    {.name = "pp2_b",
     .label = "ปพ.2-บ ระดับมัธยมศึกษาตอนต้น (บาทต่อแผ่น)",
     .type = FT_MONEY,
     .flags = F_REQUIRED,
     .max = OSS_PRICE_MAX_SATANG},
    {.name = "pp3_b",
     .label = "ปพ.3-บ ระดับมัธยมศึกษาตอนต้น (บาทต่อแผ่น)",
     .type = FT_MONEY,
     .flags = F_REQUIRED,
     .max = OSS_PRICE_MAX_SATANG},
    {NULL},
};

long long oss_admin_area(struct req *r, json_t **area, int *answered)
{
	const struct acc_grant *g = acc_active_grant(r);
	long long id = g ? g->area_id : 0;
	struct err e = ERR_INIT;
	*area = id > 0 ? org_area_get(req_db(r), id, &e) : NULL;
	if (!*area) {
		*answered =
		    id > 0 ? view_err(r, &e) : view_error(r, 403, "บทบาทที่ใช้อยู่ไม่ได้สังกัดสำนักงานเขตพื้นที่ กรุณาเปลี่ยนบทบาท");
		return -1;
	}
	return id;
}

long long oss_admin_area_id(struct req *r, int *answered)
{
	json_t *area;
	long long id = oss_admin_area(r, &area, answered);
	if (id >= 0)
		json_decref(area);
	return id;
}

long long oss_admin_posted_area(struct req *r, int (*page)(struct req *r, int status), int *answered)
{
	long long id = oss_admin_area_id(r, answered);
	if (id >= 0 && !form_ok(r)) {
		*answered = page(r, 422);
		return -1;
	}
	return id;
}

static json_t *page_model(const char *title, json_t *area)
{
	return json_pack("{s:s, s:o}", "page_title", title, "area", area);
}

/* How an admin page's rows download: the columns, and the file's
 * name before the area's short name (title) and code (base). */
struct admin_export {
	const char *title, *base;
	int ncols;
	const struct sheet_col *cols;
};

/* An admin page of rows with the form that adds one; area, rows and form
 * are stolen, and so is more: keys set on the page model last (or NULL).
 * With x, ?format=csv|xlsx on a GET answers the rows as the file (every
 * row of the area: these pages are not paged) and the page carries the
 * download links. */
static int rows_page(struct req *r, int status, const char *title, json_t *area, json_t *rows, json_t *form,
		     const char *view, const struct admin_export *x, json_t *more)
{
	enum sheet_format f;
	if (x && status == 200 && export_asked(r, &f)) {
		json_decref(form);
		json_decref(more);
		struct buf t = BUF_INIT;
		buf_addf(&t, "%s %s", x->title, jstr(area, "short_name"));
		char base[48];
		snprintf(base, sizeof base, "%s-%s", x->base, jstr(area, "code"));
		json_decref(area);
		const struct export_list l = {buf_cstr(&t), base, x->ncols, x->cols};
		int rc = export_rows(r, f, &l, rows, rows);
		buf_release(&t);
		return rc;
	}
	json_t *m = page_model(title, area);
	json_object_set_new(m, "has_rows", json_boolean(json_array_size(rows) > 0));
	json_object_set_new(m, "rows", rows);
	json_object_set_new(m, "form", form);
	if (x)
		export_links(r, m);
	if (more) {
		json_object_update(m, more);
		json_decref(more);
	}
	return view_page(r, status, view, m);
}

/* Answers an add or update the settings refused: a server error as such,
 * else the page again with the error at its field (409 on a clash). */
static int refused(struct req *r, struct err *e, int (*page)(struct req *r, int status))
{
	if (e->status >= 500)
		return view_err(r, e);
	form_error_err(r, e);
	return page(r, e->status == 409 ? 409 : 422);
}

/* The rows of the admin's area that load lists, each with the remove_url
 * under base, and the area in *area; NULL with the answer in *answered. */
static json_t *removable_rows(struct req *r, json_t *(*load)(struct db *db, long long area_id, struct err *e),
			      const char *base, json_t **area, int *answered)
{
	long long area_id = oss_admin_area(r, area, answered);
	if (area_id < 0)
		return NULL;
	struct err e = ERR_INIT;
	json_t *list = load(req_db(r), area_id, &e);
	if (!list) {
		json_decref(*area);
		*answered = view_err(r, &e);
		return NULL;
	}
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o)
	{
		char url[80];
		snprintf(url, sizeof url, "%s/%lld/remove", base, jint(o, "id"));
		json_object_set_new(o, "remove_url", json_string(url));
	}
	return list;
}

/* A row the admin removes by the route's :id, with its audit row. */
struct removal {
	int (*remove)(struct db *db, long long area_id, long long id, struct err *e);
	const char *missing;	     /* 404 text */
	const char *action, *entity; /* audit */
	const char *back, *done;     /* redirect and flash */
};

static int admin_remove(struct req *r, const struct removal *x)
{
	int rc = 0;
	long long area_id = oss_admin_area_id(r, &rc);
	if (area_id < 0)
		return rc;
	struct err e = ERR_INIT;
	long long id = req_param_id(r, "id");
	if (id <= 0 || x->remove(req_db(r), area_id, id, &e) < 0)
		return id <= 0 ? view_error(r, 404, x->missing) : view_err(r, &e);
	oss_audit(r, req_db(r), x->action, x->entity, id, area_id, NULL);
	return view_redirect(r, x->back, x->done);
}

int oss_admin_index(struct req *r)
{
	json_t *area;
	int rc = 0;
	if (oss_admin_area(r, &area, &rc) < 0)
		return rc;
	return view_page(r, 200, "oss/admin", page_model("ตั้งค่า One Stop Service", area));
}

/* ---- officers ---------------------------------------------------------------------- */

static int officers_page(struct req *r, int status)
{
	json_t *area;
	int rc = 0;
	json_t *list = removable_rows(r, oss_officers_list, "/oss/admin/officers", &area, &rc);
	if (!list)
		return rc;
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o)
	    json_object_set_new(o, "assigned_at_text", oss_text_date(jint(o, "assigned_at")));
	/* the e-mail as the page shows it (its export is audited) */
	static const struct sheet_col cols[] = {
	    {"รหัสบริการ", 10, SHEET_CODE, 0, "service"}, {"บริการ", 28, SHEET_ENUM, 0, "service_name"},
	    {"เจ้าหน้าที่", 28, SHEET_TEXT, 0, "name"},	  {"อีเมล", 28, SHEET_TEXT, 0, "email"},
	    {"มอบหมายเมื่อ", 16, SHEET_DATE, 0, "assigned_at"}};
	static const struct admin_export x = {"เจ้าหน้าที่ผู้ให้บริการ", "oss-officers", 5, cols};
	return rows_page(r, status, "เจ้าหน้าที่ผู้ให้บริการ", area, list, form_model(r, oss_officer_form, NULL),
			 "oss/admin_officers", &x, NULL);
}

int oss_admin_officers(struct req *r)
{
	return officers_page(r, 200);
}

/* The user may be given a service here: he works in the area office,
 * holding or having held a role of the area there (the officer role
 * itself, the area admin's, a KPI role …). Anyone else asks through an
 * access request with the signed form (ACC-4), whose approval gives the
 * same grant. */
static int officer_eligible(struct db *db, long long user_id, long long area_id, struct err *e)
{
	long long one = 0;
	int rc = db_int_value(db,
			      "SELECT 1 FROM grants WHERE user_id = $1 AND area_id = $2 AND school_id IS NULL LIMIT 1",
			      DB_ARGS(DB_INT(user_id), DB_INT(area_id)), &one, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_field(e, "login",
				 "ผู้ใช้นี้ยังไม่มีบทบาทในสำนักงานเขตพื้นที่นี้ ให้ผู้ใช้ยื่นคำขอรับสิทธิ์ (แบบคำขอรับสิทธิ์การใช้งานระบบ) "
				 "เพื่อขอสิทธิ์เจ้าหน้าที่ OSS ก่อน");
	return 0;
}

int oss_admin_officer_add(struct req *r)
{
	int rc = 0;
	long long area_id = oss_admin_posted_area(r, officers_page, &rc);
	if (area_id < 0)
		return rc;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long uid = 0;
	char status[16], hash[128];
	int found = acc_user_find_login(db, form_value(r, "login"), &uid, status, hash, &e);
	if (found < 0)
		return view_err(r, &e);
	if (found == 0 || strcmp(status, "active")) {
		form_error(r, "login", "ไม่พบผู้ใช้ที่ระบุ กรุณาตรวจสอบเลขประจำตัวประชาชน ชื่อผู้ใช้ หรืออีเมล");
		return officers_page(r, 422);
	}
	long long id;
	if (officer_eligible(db, uid, area_id, &e) < 0 ||
	    (id = oss_officer_add(db, area_id, uid, form_value(r, "service"), acc_user_id(r), &e)) < 0)
		return refused(r, &e, officers_page);
	oss_audit(r, db, "oss.officer.assign", "user", uid, area_id,
		  json_pack("{s:s, s:I}", "service", form_value(r, "service"), "assignment", (json_int_t)id));
	return view_redirect(r, "/oss/admin/officers", "มอบหมายบริการให้เจ้าหน้าที่แล้ว");
}

/* Ends an officer's service: his grant for it is revoked, so the matrix,
 * the role switcher and this page show the same at once. */
int oss_admin_officer_remove(struct req *r)
{
	int rc = 0;
	long long area_id = oss_admin_area_id(r, &rc);
	if (area_id < 0)
		return rc;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long id = req_param_id(r, "id");
	json_t *g = id > 0 ? db_row_json(db,
					 "SELECT user_id, service FROM grants WHERE id = $1 AND area_id = $2 "
					 "AND role = 'officer' AND revoked_at IS NULL",
					 DB_ARGS(DB_INT(id), DB_INT(area_id)), &e)
			   : NULL;
	if (!g)
		return id <= 0 || e.status == 404 ? view_error(r, 404, "ไม่พบการมอบหมายเจ้าหน้าที่ที่ระบุ") : view_err(r, &e);
	if (oss_officer_remove(db, area_id, id, acc_user_id(r), &e) < 0) {
		json_decref(g);
		return e.status == 404 ? view_error(r, 404, "ไม่พบการมอบหมายเจ้าหน้าที่ที่ระบุ") : view_err(r, &e);
	}
	oss_audit(r, db, "oss.officer.unassign", "user", jint(g, "user_id"), area_id,
		  json_pack("{s:s, s:I}", "service", jstr(g, "service"), "grant_id", (json_int_t)id));
	json_decref(g);
	return view_redirect(r, "/oss/admin/officers", "ยกเลิกการมอบหมายแล้ว");
}

/* ---- rooms --------------------------------------------------------------------------- */

/* The room whose edit was refused (POST /oss/admin/rooms/:id): its row
 * shows what was typed with the errors at its fields, and the page model
 * gets edit_errors, the summary of them linking to the row's fields
 * (room-ID-name …); the add form below stays empty. Other rows show what
 * is stored. */
static void room_row_values(json_t *o, struct req *r, json_t **summary)
{
	long long id = jint(o, "id");
	if (!*summary && !strcmp(req_method(r), "POST") && req_param_id(r, "id") == id) {
		json_t *fm = form_model(r, oss_room_form, NULL);
		json_t *vals = json_object_get(fm, "values");
		json_t *errs = json_object_get(fm, "errors");
		json_object_set(o, "name_value", json_object_get(vals, "name"));
		json_object_set(o, "capacity_value", json_object_get(vals, "capacity"));
		json_object_set_new(o, "active_value", json_boolean(*jstr(vals, "active")));
		json_t *list = json_array();
		static const char *const names[] = {"name", "capacity", "active"};
		for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
			json_t *msg = json_object_get(errs, names[k]);
			char key[24];
			snprintf(key, sizeof key, "%s_error", names[k]);
			json_object_set(o, key, msg ? msg : json_null());
			if (!msg)
				continue;
			char href[48];
			snprintf(href, sizeof href, "#room-%lld-%s", id, names[k]);
			json_t *f = form_field(fm, names[k]);
			json_array_append_new(list, json_pack("{s:s, s:O, s:O}", "href", href, "label",
							      json_object_get(f, "label"), "error", msg));
		}
		json_t *fe = json_object_get(errs, "_form");
		*summary =
		    json_pack("{s:O, s:O, s:O, s:o}", "room_name", json_object_get(o, "name"), "error_count",
			      json_object_get(fm, "error_count"), "form_error", fe ? fe : json_null(), "fields", list);
		json_object_set_new(o, "editing", json_true());
		json_decref(fm);
		form_clear(r);
		return;
	}
	json_object_set(o, "name_value", json_object_get(o, "name"));
	json_object_set(o, "capacity_value", json_object_get(o, "capacity"));
	json_object_set_new(o, "active_value", json_boolean(jint(o, "active") != 0));
	json_object_set_new(o, "name_error", json_null());
	json_object_set_new(o, "capacity_error", json_null());
	json_object_set_new(o, "active_error", json_null());
	json_object_set_new(o, "editing", json_false());
}

static int rooms_page(struct req *r, int status)
{
	json_t *area;
	int rc = 0;
	long long area_id = oss_admin_area(r, &area, &rc);
	if (area_id < 0)
		return rc;
	struct err e = ERR_INIT;
	json_t *rooms = oss_rooms_list(req_db(r), area_id, false, &e);
	if (!rooms) {
		json_decref(area);
		return view_err(r, &e);
	}
	size_t i;
	json_t *o, *edit = NULL;
	json_array_foreach(rooms, i, o)
	{
		char url[64];
		snprintf(url, sizeof url, "/oss/admin/rooms/%lld", jint(o, "id"));
		json_object_set_new(o, "update_url", json_string(url));
		snprintf(url, sizeof url, "/oss/rooms/%lld/calendar", jint(o, "id"));
		json_object_set_new(o, "calendar_url", json_string(url));
		json_object_set_new(o, "is_active", json_boolean(jint(o, "active") != 0));
		room_row_values(o, r, &edit);
	}
	/* a refused edit of a room that is not the area's: nothing to show it in */
	if (!edit && !strcmp(req_method(r), "POST") && req_param_id(r, "id") > 0) {
		json_decref(rooms);
		json_decref(area);
		return view_error(r, 404, "ไม่พบห้องประชุมที่ระบุ");
	}
	json_t *values = json_pack("{s:s}", "active", "1");
	json_t *form = form_model(r, oss_room_form, values);
	json_decref(values);
	json_array_foreach(rooms, i, o)
	    json_object_set_new(o, "active_label", json_string(jint(o, "active") ? "เปิดให้จอง" : "ปิด"));
	static const struct sheet_col cols[] = {{"ห้องประชุม", 36, SHEET_TEXT, 0, "name"},
						{"ความจุ (คน)", 12, SHEET_NUMBER, 0, "capacity"},
						{"การจอง", 12, SHEET_ENUM, 0, "active_label"}};
	static const struct admin_export x = {"ห้องประชุม", "oss-rooms", 3, cols};
	json_t *more = json_pack("{s:o}", "edit_errors", edit ? edit : json_null());
	if (edit) /* the page answers POST /oss/admin/rooms/:id: the downloads are the list's */
		json_object_set_new(more, "export",
				    json_pack("{s:s, s:s}", "csv", "/oss/admin/rooms?format=csv", "xlsx",
					      "/oss/admin/rooms?format=xlsx"));
	return rows_page(r, status, "ห้องประชุม", area, rooms, form, "oss/admin_rooms", &x, more);
}

int oss_admin_rooms(struct req *r)
{
	return rooms_page(r, 200);
}

int oss_admin_room_add(struct req *r)
{
	int rc = 0;
	long long area_id = oss_admin_posted_area(r, rooms_page, &rc);
	if (area_id < 0)
		return rc;
	struct err e = ERR_INIT;
	long long id = oss_room_add(req_db(r), area_id, form_value(r, "name"), form_int(r, "capacity"), &e);
	if (id < 0)
		return refused(r, &e, rooms_page);
	oss_audit(
	    r, req_db(r), "oss.room.add", "oss_room", id, area_id,
	    json_pack("{s:s, s:I}", "name", form_value(r, "name"), "capacity", (json_int_t)form_int(r, "capacity")));
	return view_redirect(r, "/oss/admin/rooms", "เพิ่มห้องประชุมแล้ว");
}

int oss_admin_room_update(struct req *r)
{
	int rc = 0;
	long long area_id = oss_admin_area_id(r, &rc);
	if (area_id < 0)
		return rc;
	long long id = req_param_id(r, "id");
	if (id <= 0)
		return view_error(r, 404, "ไม่พบห้องประชุมที่ระบุ");
	if (!form_ok(r))
		return rooms_page(r, 422);
	struct err e = ERR_INIT;
	bool active = *form_value(r, "active") != 0;
	if (oss_room_update(req_db(r), area_id, id, form_value(r, "name"), form_int(r, "capacity"), active, &e) < 0)
		return e.status == 404 ? view_err(r, &e) : refused(r, &e, rooms_page);
	oss_audit(r, req_db(r), "oss.room.update", "oss_room", id, area_id,
		  json_pack("{s:s, s:I, s:b}", "name", form_value(r, "name"), "capacity",
			    (json_int_t)form_int(r, "capacity"), "active", active));
	return view_redirect(r, "/oss/admin/rooms", "บันทึกห้องประชุมแล้ว");
}

/* ---- holidays ---------------------------------------------------------------------------- */

static int holidays_page(struct req *r, int status)
{
	json_t *area;
	int rc = 0;
	json_t *list = removable_rows(r, oss_holidays_list, "/oss/admin/holidays", &area, &rc);
	if (!list)
		return rc;
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o)
	{
		long long d = oss_day_parse(jstr(o, "day"));
		struct buf b = BUF_INIT;
		thai_date_long(&b, d * 86400 + 5 * 3600);
		json_object_set_new(o, "day_text", json_string(buf_cstr(&b)));
		buf_release(&b);
	}
	static const struct sheet_col cols[] = {{"วันที่", 16, SHEET_DATE, 0, "day"},
						{"ชื่อวันหยุด", 40, SHEET_TEXT, 0, "name"}};
	static const struct admin_export x = {"วันหยุดราชการ", "oss-holidays", 2, cols};
	return rows_page(r, status, "วันหยุดราชการ", area, list, form_model(r, oss_holiday_form, NULL),
			 "oss/admin_holidays", &x, NULL);
}

int oss_admin_holidays(struct req *r)
{
	return holidays_page(r, 200);
}

int oss_admin_holiday_add(struct req *r)
{
	int rc = 0;
	long long area_id = oss_admin_posted_area(r, holidays_page, &rc);
	if (area_id < 0)
		return rc;
	struct err e = ERR_INIT;
	long long id = oss_holiday_add(req_db(r), area_id, form_value(r, "day"), form_value(r, "name"), &e);
	if (id < 0)
		return refused(r, &e, holidays_page);
	oss_audit(r, req_db(r), "oss.holiday.add", "oss_holiday", id, area_id,
		  json_pack("{s:s, s:s}", "day", form_value(r, "day"), "name", form_value(r, "name")));
	return view_redirect(r, "/oss/admin/holidays", "เพิ่มวันหยุดแล้ว");
}

int oss_admin_holiday_remove(struct req *r)
{
	static const struct removal x = {
	    .remove = oss_holiday_remove,
	    .missing = "ไม่พบวันหยุดที่ระบุ",
	    .action = "oss.holiday.remove",
	    .entity = "oss_holiday",
	    .back = "/oss/admin/holidays",
	    .done = "ลบวันหยุดแล้ว",
	};
	return admin_remove(r, &x);
}

/* ---- prices ------------------------------------------------------------------------------ */

static int prices_page(struct req *r, int status)
{
	json_t *area;
	int rc = 0;
	long long area_id = oss_admin_area(r, &area, &rc);
	if (area_id < 0)
		return rc;
	struct err e = ERR_INIT;
	long long price[OSS_PP_ITEMS];
	if (oss_prices_load(req_db(r), area_id, price, &e) < 0) {
		json_decref(area);
		return view_err(r, &e);
	}
	json_t *values = json_object();
	for (int i = 0; i < OSS_PP_ITEMS; i++) {
		char v[32];
		snprintf(v, sizeof v, "%lld.%02lld", price[i] / 100, price[i] % 100);
		json_object_set_new(values, oss_pp_items[i].key, json_string(v));
	}
	json_t *m = page_model("ราคาแบบพิมพ์ ปพ.", area);
	json_object_set_new(m, "form", form_model(r, oss_prices_form, values));
	json_object_set_new(m, "shipping_percent", json_string("3.5"));
	json_object_set_new(m, "shipping_min_text", oss_text_baht(OSS_SHIPPING_MIN_SATANG));
	json_decref(values);
	return view_page(r, status, "oss/admin_prices", m);
}

int oss_admin_prices(struct req *r)
{
	return prices_page(r, 200);
}

int oss_admin_prices_post(struct req *r)
{
	int rc = 0;
	long long area_id = oss_admin_posted_area(r, prices_page, &rc);
	if (area_id < 0)
		return rc;
	long long price[OSS_PP_ITEMS];
	json_t *detail = json_object();
	for (int i = 0; i < OSS_PP_ITEMS; i++) {
		price[i] = form_satang(r, oss_pp_items[i].key);
		json_object_set_new(detail, oss_pp_items[i].key, json_integer(price[i]));
	}
	struct err e = ERR_INIT;
	if (oss_prices_save(req_db(r), area_id, price, acc_user_id(r), &e) < 0) {
		json_decref(detail);
		if (e.status >= 500)
			return view_err(r, &e);
		form_error_err(r, &e);
		return prices_page(r, 422);
	}
	oss_audit(r, req_db(r), "oss.prices.update", "area", area_id, area_id, detail);
	return view_redirect(r, "/oss/admin/prices", "บันทึกราคาแบบพิมพ์แล้ว ใช้กับคำสั่งซื้อใหม่ตั้งแต่นี้ไป");
}
