/* routes: the buildings module's pages and its route table (BLD-1).
 *
 *   GET  /bld                                 to the user's school or area
 *   GET  /bld/areas                           areas (the super admin)
 *   GET  /bld/schools/:sid[?year=]            the school's buildings, window, what is missing, submit
 *   GET|POST /bld/schools/:sid/new            add a building
 *   POST /bld/schools/:sid/submit             ส่งข้อมูล (each missing item named)
 *   POST /bld/schools/:sid/reopen             the area reopens a submitted school (audited)
 *   GET  /bld/buildings/:id                   one building: photos, history, edit form (stale: 409)
 *   POST /bld/buildings/:id/edit              save
 *   POST /bld/buildings/:id/photos            add a photo (jpg/png by content, 5 at most)
 *   POST /bld/photos/:pid/delete              remove a photo
 *   GET  /bld/buildings/:id/files/:fid        a photo itself (thumbnails show it)
 *   GET  /bld/areas/:aid[?year=]              the area's overview: who submitted, conditions, ages, photos
 *   POST /bld/areas/:aid/extend               the area's later close for its schools
 *   GET  /bld/areas/:aid/budget[?format=xlsx] the budget request list for the next fiscal year
 *   GET  /bld/areas/:aid/budget.pdf           the same to print
 *   GET|POST /bld/windows                     a year's window (the super admin)
 *
 * Who may do what is decided here from the active grant: school roles
 * (the school's buildings officer, its admin) change their own school, area
 * roles (the area's buildings officer, the area admin) read their schools,
 * reopen and extend; the super admin everything. A school or building
 * outside that is answered 404, as if it did not exist. Changing a
 * school's data needs the window open for its area and no submission
 * (bld_may_change); outside it the page says when it opens. Every refusal
 * rolls the handler's transaction back, so nothing stored changes. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acc/acc.h"
#include "bld/bld_internal.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/pdf.h"
#include "core/export.h"
#include "core/sheet.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

#define SCHOOL_ROLES "bld_officer school_admin"
#define AREA_ROLES "bld_area area_admin"
#define ALL "bld_officer bld_area school_admin director area_admin super_admin"
#define THUMB 160

/* ---- who may do what ------------------------------------------------------------------- */

static bool is_school_role(const struct acc_grant *g)
{
	return acc_grant_is(g, "bld_officer") || acc_grant_is(g, "school_admin");
}

static bool is_area_role(const struct acc_grant *g)
{
	return acc_grant_is(g, "bld_area") || acc_grant_is(g, "area_admin");
}

/* may change the buildings of school sid: its own school roles, the super admin */
static bool may_enter(struct req *r, long long sid)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (acc_grant_is(g, "super_admin"))
		return true;
	return is_school_role(g) && g->school_id == sid;
}

/* may reopen / extend in area aid */
static bool may_area(struct req *r, long long aid)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (acc_grant_is(g, "super_admin"))
		return true;
	return is_area_role(g) && g->area_id == aid;
}

static json_t *text_time(long long t)
{
	if (t <= 0)
		return json_string("");
	struct buf b = BUF_INIT;
	thai_datetime_short(&b, t);
	json_t *s = json_string(buf_cstr(&b));
	buf_release(&b);
	return s;
}

static int year_of(struct req *r)
{
	int now = bld_year_at(clock_now(r));
	return (int)req_query_int(r, "year", now, 2500, 2700);
}

static const struct acc_place school_path = {"sid"}, area_path = {"aid", NULL, true};

/* The school of the path when the user may see it; 404 otherwise. */
static json_t *school_for(struct req *r, int *rc)
{
	return acc_school_for(r, &school_path, NULL, rc);
}

/* The building of the path when the user may see its school; 404 otherwise. */
static json_t *building_for(struct req *r, int *rc)
{
	long long id = req_param_id(r, "id");
	struct err e = ERR_INIT;
	json_t *b = id > 0 ? bld_building_get(req_db(r), id, &e) : NULL;
	if (!b || !acc_for_school(r, jint(b, "school_id"))) {
		*rc = !b && id > 0 && e.status >= 500 ? view_fault(r, &e) : view_error(r, 404, "ไม่พบอาคารนี้");
		json_decref(b);
		return NULL;
	}
	return b;
}

static json_t *area_for(struct req *r, int *rc)
{
	return acc_area_for(r, &area_path, NULL, rc);
}

/* ---- forms ---------------------------------------------------------------------------------- */

static const struct choice conditions[] = {
    {"good", "ดี"}, {"fair", "พอใช้"}, {"damaged", "ชำรุด"}, {"dilapidated", "ทรุดโทรม"}, {NULL, NULL}};

#define MAIN_FIELDS                                                                                                    \
	{"name", "ชื่ออาคาร/สิ่งก่อสร้าง", FT_TEXT, F_REQUIRED, 100, 0, NULL, NULL, NULL, NULL, "เช่น อาคารเรียน 1"},         \
	    {"type", "ประเภท", FT_TEXT, F_REQUIRED, 16}, {"plan", "แบบมาตรฐาน", FT_TEXT, 0, 16},                        \
	    {"year_built", "ปีที่สร้าง (พ.ศ.)", FT_INT, F_REQUIRED, 999999999LL, -999999999LL, NULL, NULL, NULL, NULL,     \
	     "ปีพุทธศักราช เช่น 2538"},                                                                                    \
	    {"floors", "จำนวนชั้น", FT_INT, F_REQUIRED, 999999999LL, -999999999LL, NULL, NULL, NULL, NULL, "1 ถึง 20"},    \
	    {"area_m2", "พื้นที่ใช้สอย (ตารางเมตร)", FT_INT, F_REQUIRED, 999999999LL, -999999999LL},                       \
	    {"condition", "สภาพอาคาร", FT_CHOICE, F_REQUIRED, 0, 0, NULL, NULL, conditions},                          \
	    {"budget_source", "แหล่งงบประมาณ", FT_TEXT, 0, 16},                                                         \
	    {"lat", "ละติจูด (ไม่บังคับ)", FT_TEXT, 0, 20, 0, NULL, NULL, NULL, NULL, "ทศนิยมองศา เช่น 15.7944"},         \
	    {"lng", "ลองจิจูด (ไม่บังคับ)", FT_TEXT, 0, 20, 0, NULL, NULL, NULL, NULL, "ทศนิยมองศา เช่น 104.1453"},

#define ROOM(n)                                                                                                        \
	{"room_use_" #n, "การใช้งานห้อง แถวที่ " #n, FT_TEXT, 0, 16},                                                 \
	    {"room_n_" #n, "จำนวนห้อง แถวที่ " #n, FT_INT, 0, 999999999LL, -999999999LL},
#define ROOM_FIELDS ROOM(1) ROOM(2) ROOM(3) ROOM(4) ROOM(5) ROOM(6)

static const struct field main_fields[] = {MAIN_FIELDS{NULL}};
static const struct field room_fields[] = {ROOM_FIELDS{NULL}};
const struct field bld_building_form[] = {MAIN_FIELDS ROOM_FIELDS{NULL}};

const struct field bld_photo_form[] = {
    {"photo", "รูปถ่ายอาคาร", FT_FILE, F_REQUIRED | F_IMAGE, 5LL * 1024 * 1024, 0, NULL, NULL, NULL, NULL,
     "ไฟล์ JPG หรือ PNG ไม่เกิน 5 MB อาคารละไม่เกิน 5 รูป"},
    {NULL},
};

const struct field bld_submit_form[] = {
    {"rooms_taught", "จำนวนห้องเรียนที่โรงเรียนจัดการเรียนการสอน", FT_INT, 0, 500, 0, NULL, NULL, NULL, NULL,
     "ใช้เมื่อไม่มีข้อมูลห้องเรียนจากระบบ DMC"},
    {NULL},
};

static const struct field extend_form[] = {
    {"closes_on", "ขยายเวลาถึงวันที่", FT_DATE, F_REQUIRED},
    {"closes_time", "เวลา", FT_TIME, F_REQUIRED, 0, 0, NULL, NULL, NULL, NULL, "เช่น 16:30"},
    {NULL},
};

static const struct field window_form[] = {
    {"year", "ปี (พ.ศ.)", FT_INT, F_REQUIRED, 2700, 2500},
    {"opens_on", "วันเปิดรับข้อมูล", FT_DATE, F_REQUIRED},
    {"closes_on", "วันปิดรับข้อมูล", FT_DATE, F_REQUIRED},
    {"closes_time", "เวลาปิดรับข้อมูล", FT_TIME, F_REQUIRED, 0, 0, NULL, NULL, NULL, NULL, "เช่น 16:30"},
    {NULL},
};

const struct field bld_empty_form[] = {{NULL}};

/* A page with two forms (a building's: the photo and the edit form): each
 * form's summary counts only its own fields' errors, and the form-wide
 * message only when it was the form posted, so a refused photo does not
 * leave the edit form saying "กรุณาแก้ไขข้อมูล 1 รายการ" with nothing listed. */
static void own_errors(json_t *m, bool posted)
{
	size_t i, n = 0;
	json_t *f;
	json_array_foreach(json_object_get(m, "fields"), i, f) if (json_is_string(json_object_get(f, "error"))) n++;
	if (!posted)
		json_object_set_new(m, "form_error", json_null());
	if (json_is_string(json_object_get(m, "form_error")))
		n++;
	json_object_set_new(m, "has_errors", json_boolean(n > 0));
	json_object_set_new(m, "error_count", json_integer((json_int_t)n));
}

/* The building form's two models: main (fields) and room_rows [{no, use,
 * n}] (field models), selects filled from the lists. */
static int building_models(struct req *r, json_t *values, json_t *m, struct err *e)
{
	json_t *types = bld_choices(req_db(r), BLD_TYPES, e);
	json_t *plans = types ? bld_choices(req_db(r), BLD_PLANS, e) : NULL;
	json_t *sources = plans ? bld_choices(req_db(r), BLD_SOURCES, e) : NULL;
	json_t *uses = sources ? bld_choices(req_db(r), BLD_USES, e) : NULL;
	if (!uses) {
		json_decref(types);
		json_decref(plans);
		json_decref(sources);
		return -1;
	}
	json_t *main = form_model(r, main_fields, values);
	form_select(main, "type", json_incref(types), NULL);
	form_select(main, "plan", json_incref(plans), NULL);
	form_select(main, "budget_source", json_incref(sources), NULL);
	json_t *rooms = form_model(r, room_fields, values);
	json_t *rows = json_array();
	for (int i = 1; i <= BLD_ROOM_ROWS; i++) {
		char un[24], nn[24];
		snprintf(un, sizeof un, "room_use_%d", i);
		snprintf(nn, sizeof nn, "room_n_%d", i);
		form_select(rooms, un, json_incref(uses), NULL);
		json_t *fu = form_field(rooms, un), *fn = form_field(rooms, nn);
		json_array_append_new(rows, json_pack("{s:i, s:O, s:O}", "no", i, "use", fu, "n", fn));
	}
	/* the summary at the top lists the wrong fields of both parts */
	json_t *summary = json_deep_copy(main);
	json_t *sf = json_object_get(summary, "fields");
	size_t k;
	json_t *rf;
	json_array_foreach(json_object_get(rooms, "fields"), k, rf) json_array_append(sf, rf);
	/* the building form is the one posted when its fields came (not the photo's) */
	own_errors(summary, form_sent(r, "name"));
	json_object_set_new(m, "summary", summary);
	json_object_set_new(m, "form", main);
	json_object_set_new(m, "room_rows", rows);
	json_object_set_new(m, "room_errors", json_boolean(json_is_true(json_object_get(rooms, "has_errors"))));
	json_decref(rooms);
	json_decref(types);
	json_decref(plans);
	json_decref(sources);
	json_decref(uses);
	return 0;
}

static struct bld_building_in building_in(struct req *r)
{
	struct bld_building_in in = {
	    .name = form_value(r, "name"),
	    .type = form_value(r, "type"),
	    .plan = form_value(r, "plan"),
	    .condition = form_value(r, "condition"),
	    .budget_source = form_value(r, "budget_source"),
	    .lat = form_value(r, "lat"),
	    .lng = form_value(r, "lng"),
	    .year_built = form_int(r, "year_built"),
	    .floors = form_int(r, "floors"),
	    .area_m2 = form_int(r, "area_m2"),
	};
	for (int i = 0; i < BLD_ROOM_ROWS; i++) {
		char un[24], nn[24];
		snprintf(un, sizeof un, "room_use_%d", i + 1);
		snprintf(nn, sizeof nn, "room_n_%d", i + 1);
		in.rooms[i].use = form_value(r, un);
		in.rooms[i].n = *form_value(r, nn) ? form_int(r, nn) : -1;
	}
	return in;
}

/* bld_building_errors' reporter: the message at its field of the request's form */
static void field_error(void *ctx, const char *field, const char *msg)
{
	form_error(ctx, field, msg);
}

/* The stored building as form values. */
static json_t *building_values(json_t *b)
{
	json_t *v = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s}", "name", jstr(b, "name"), "type",
			      jstr(b, "type"), "plan", jstr(b, "plan"), "year_built", (json_int_t)jint(b, "year_built"),
			      "floors", (json_int_t)jint(b, "floors"), "area_m2", (json_int_t)jint(b, "area_m2"),
			      "condition", jstr(b, "condition"), "budget_source", jstr(b, "budget_source"), "lat",
			      jstr(b, "lat"), "lng", jstr(b, "lng"));
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(b, "rooms"), i, x)
	{
		if (i >= BLD_ROOM_ROWS)
			break;
		char un[24], nn[24];
		snprintf(un, sizeof un, "room_use_%zu", i + 1);
		snprintf(nn, sizeof nn, "room_n_%zu", i + 1);
		json_object_set_new(v, un, json_string(jstr(x, "use")));
		json_object_set_new(v, nn, json_integer(jint(x, "n")));
	}
	return v;
}

/* Thumbnail sizes on each photo of a building */
static void thumbs(json_t *b)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(b, "photos"), i, p)
	{
		long tw, th;
		bld_thumb_size((long)jint(p, "width"), (long)jint(p, "height"), THUMB, &tw, &th);
		json_object_set_new(p, "tw", json_integer(tw));
		json_object_set_new(p, "th", json_integer(th));
	}
}

/* ---- /bld ------------------------------------------------------------------------------------- */

static int bld_home(struct req *r)
{
	return acc_home_redirect(r, "/bld");
}

static int areas_page(struct req *r)
{
	if (!acc_grant_is(acc_active_grant(r), "super_admin"))
		return bld_home(r);
	return acc_areas_page(r, "bld/areas", "ข้อมูลอาคารเรียน (B-OBEC) รายเขตพื้นที่");
}

/* ---- the window as shown ------------------------------------------------------------------------ */

static json_t *window_model(struct req *r, int year, long long area_id, struct err *e)
{
	struct bld_window w;
	long long ac = 0, now = clock_now(r);
	if (bld_window_get(req_db(r), year, area_id, &w, &ac, e) < 0)
		return NULL;
	enum bld_window_state st = bld_window_at(&w, ac, now);
	struct buf msg = BUF_INIT;
	if (st != BLD_OPEN)
		bld_window_message(&w, ac, now, &msg);
	json_t *m = json_pack("{s:i, s:o, s:o, s:o, s:b, s:b, s:b, s:s}", "year", year, "opens_text", text_time(w.opens),
			      "closes_text", text_time(bld_window_close(&w, ac)), "default_closes_text",
			      text_time(w.closes), "open", st == BLD_OPEN, "before", st == BLD_BEFORE, "extended",
			      ac > w.closes, "message", buf_cstr(&msg));
	buf_release(&msg);
	return m;
}

/* ---- the school's page ------------------------------------------------------------------------- */

static int school_page(struct req *r, int status, json_t *school, const char *error)
{
	struct err e = ERR_INIT;
	struct db *db = req_db(r);
	long long sid = jint(school, "id"), aid = jint(school, "area_id"), now = clock_now(r);
	int year = year_of(r);
	json_t *win = window_model(r, year, aid, &e);
	json_t *list = win ? bld_school_buildings(db, sid, &e) : NULL;
	json_t *state = list ? bld_school_year(db, year, sid, &e) : NULL;
	json_t *missing = json_array();
	long long census = 0;
	int k = state ? bld_census_rooms(db, sid, year, &census, &e) : -1;
	if (k < 0 || bld_missing(db, year, sid, missing, &e) < 0) {
		json_decref(win);
		json_decref(list);
		json_decref(state);
		json_decref(missing);
		json_decref(school);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *b;
	enum sheet_format f;
	if (status == 200 && !error && export_asked(r, &f)) {
		/* the page's table of buildings (photos are not in the file) */
		json_decref(win);
		json_decref(state);
		json_decref(missing);
		static const struct sheet_col cols[] = {
		    {"อาคาร", 30, SHEET_TEXT, 0, "name"},		 {"ประเภท", 24, SHEET_ENUM, 0, "type_label"},
		    {"แบบ", 20, SHEET_ENUM, 0, "plan_label"},		 {"ปีที่สร้าง (พ.ศ.)", 12, SHEET_NUMBER, 0, "year_built"},
		    {"ชั้น", 8, SHEET_NUMBER, 0, "floors"},		 {"ห้องเรียน", 10, SHEET_NUMBER, 0, "classrooms"},
		    {"ห้องทั้งหมด", 10, SHEET_NUMBER, 0, "room_count"}, {"พื้นที่ (ตร.ม.)", 12, SHEET_NUMBER, 2, "area_m2"},
		    {"สภาพ", 14, SHEET_ENUM, 0, "condition_label"}};
		struct buf t = BUF_INIT;
		buf_addf(&t, "อาคารเรียน %s", jstr(school, "name"));
		char base[48];
		snprintf(base, sizeof base, "bld-buildings-%s", jstr(school, "obec_code"));
		json_decref(school);
		const struct export_list l = {buf_cstr(&t), base, 9, cols};
		int rc = export_rows(r, f, &l, list, list);
		buf_release(&t);
		return rc;
	}
	json_array_foreach(list, i, b) thumbs(b);
	bool current = year == bld_year_at(now);
	struct err ce = ERR_INIT;
	int can = current ? bld_may_change(db, sid, aid, now, &ce) : -1;
	if (can < 0 && ce.status >= 500) {
		json_decref(win);
		json_decref(list);
		json_decref(state);
		json_decref(missing);
		json_decref(school);
		return view_fault(r, &ce);
	}
	bool enter = may_enter(r, sid);
	long long sub = jint(state, "submitted_at");
	json_object_set_new(state, "submitted_text", text_time(sub));
	json_object_set_new(state, "reopened_text", text_time(jint(state, "reopened_at")));
	json_object_set_new(state, "submitted", json_boolean(sub > 0));
	json_t *values = json_object();
	if (json_is_integer(json_object_get(state, "rooms_entered")))
		json_object_set(values, "rooms_taught", json_object_get(state, "rooms_entered"));
	struct buf title = BUF_INIT;
	buf_addf(&title, "ข้อมูลอาคารเรียน ปี %d %s", year, jstr(school, "name"));
	json_t *m = json_pack("{s:s, s:o, s:o, s:o, s:b, s:o, s:b}", "page_title", buf_cstr(&title), "window", win,
			      "buildings", list, "state", state, "has_buildings", json_array_size(list) > 0, "missing",
			      missing, "has_missing", json_array_size(missing) > 0);
	buf_release(&title);
	json_object_set_new(m, "census_rooms", k == 1 ? json_integer(census) : json_null());
	json_object_set_new(m, "ask_rooms", json_boolean(k == 0));
	json_object_set_new(m, "can_change", json_boolean(enter && can == 0));
	/* a closed (or not yet open) window is said once, on the window's line */
	bool win_open = json_is_true(json_object_get(win, "open"));
	json_object_set_new(m, "refusal", json_string(enter && can < 0 && current && win_open ? ce.msg : ""));
	json_object_set_new(m, "can_reopen", json_boolean(sub > 0 && may_area(r, aid) && current));
	json_object_set_new(m, "submit_form", form_model(r, bld_submit_form, values));
	json_decref(values);
	json_object_set_new(m, "error", error ? json_string(error) : json_null());
	json_object_set_new(m, "year", json_integer(year));
	json_object_set_new(m, "school", school);
	if (status == 200)
		export_links(r, m);
	return view_page(r, status, "bld/school", m);
}

static int school_get(struct req *r)
{
	int rc = 0;
	json_t *s = school_for(r, &rc);
	return s ? school_page(r, 200, s, NULL) : rc;
}

/* ---- adding a building ------------------------------------------------------------------------- */

static int new_page(struct req *r, int status, json_t *school, const char *error)
{
	struct err e = ERR_INIT;
	struct buf title = BUF_INIT;
	buf_addf(&title, "เพิ่มอาคาร/สิ่งก่อสร้าง %s", jstr(school, "name"));
	json_t *m = json_pack("{s:s}", "page_title", buf_cstr(&title));
	buf_release(&title);
	if (building_models(r, NULL, m, &e) < 0) {
		json_decref(m);
		json_decref(school);
		return view_fault(r, &e);
	}
	json_object_set_new(m, "error", error ? json_string(error) : json_null());
	json_object_set_new(m, "school", school);
	return view_page(r, status, "bld/new", m);
}

static int new_get(struct req *r)
{
	int rc = 0;
	json_t *s = school_for(r, &rc);
	if (!s)
		return rc;
	if (!may_enter(r, jint(s, "id"))) {
		json_decref(s);
		return view_error(r, 404, "ไม่พบโรงเรียนนี้");
	}
	struct err e = ERR_INIT;
	if (bld_may_change(req_db(r), jint(s, "id"), jint(s, "area_id"), clock_now(r), &e) < 0) {
		json_decref(s);
		return err_refusal(&e) ? view_error(r, 409, e.msg) : view_fault(r, &e);
	}
	return new_page(r, 200, s, NULL);
}

int bld_new_post(struct req *r)
{
	int rc = 0;
	json_t *s = school_for(r, &rc);
	if (!s)
		return rc;
	long long sid = jint(s, "id"), aid = jint(s, "area_id"), now = clock_now(r);
	if (!may_enter(r, sid)) {
		json_decref(s);
		return view_error(r, 404, "ไม่พบโรงเรียนนี้");
	}
	struct err e = ERR_INIT;
	if (bld_may_change(req_db(r), sid, aid, now, &e) < 0) {
		if (!err_refusal(&e)) {
			json_decref(s);
			return view_fault(r, &e);
		}
		return new_page(r, 409, s, e.msg);
	}
	if (!form_ok(r))
		return new_page(r, 422, s, NULL);
	struct bld_building_in in = building_in(r);
	/* every bad field at once, each at its field */
	if (bld_building_errors(&in, bld_year_at(now), field_error, r) > 0)
		return new_page(r, 422, s, NULL);
	long long id = bld_building_add(req_db(r), sid, aid, &in, acc_user_id(r), now, &e);
	if (id < 0) {
		if (!err_refusal(&e)) {
			json_decref(s);
			return view_fault(r, &e);
		}
		form_error_err(r, &e);
		return new_page(r, 422, s, NULL);
	}
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "bld.building.add", "bld_building", id, NULL);
	json_decref(s);
	char u[64];
	snprintf(u, sizeof u, "/bld/buildings/%lld", id);
	return view_redirect(r, u, "เพิ่มข้อมูลอาคารแล้ว เพิ่มรูปถ่ายอาคารได้ที่หน้านี้");
}

/* ---- one building --------------------------------------------------------------------------------- */

static const char *history_label(const char *kind)
{
	static const char *const labels[][2] = {
	    {"add", "เพิ่มข้อมูลอาคาร"}, {"edit", "แก้ไขข้อมูล"}, {"photo", "เพิ่มรูปถ่าย"}, {"photo_remove", "ลบรูปถ่าย"}};
	for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
		if (!strcmp(kind, labels[i][0]))
			return labels[i][1];
	return kind;
}

static int building_page(struct req *r, int status, json_t *b, const char *error)
{
	struct err e = ERR_INIT;
	long long sid = jint(b, "school_id"), aid = jint(b, "area_id");
	json_t *school = org_school_get(req_db(r), sid, &e);
	if (!school) {
		json_decref(b);
		return view_fault(r, &e);
	}
	thumbs(b);
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(b, "history"), i, h)
	{
		json_object_set_new(h, "at_text", text_time(jint(h, "at")));
		json_object_set_new(h, "label", json_string(history_label(jstr(h, "kind"))));
	}
	struct err ce = ERR_INIT;
	int can = bld_may_change(req_db(r), sid, aid, clock_now(r), &ce);
	if (can < 0 && !err_refusal(&ce)) {
		json_decref(b);
		json_decref(school);
		return view_fault(r, &ce);
	}
	bool enter = may_enter(r, sid);
	json_t *values = building_values(b);
	struct buf title = BUF_INIT;
	buf_addf(&title, "%s", jstr(b, "name"));
	json_t *m = json_pack("{s:s, s:I, s:b, s:s}", "page_title", buf_cstr(&title), "record_version",
			      (json_int_t)jint(b, "version"), "can_change", enter && can == 0, "refusal",
			      enter && can < 0 ? ce.msg : "");
	buf_release(&title);
	if (building_models(r, values, m, &e) < 0) {
		json_decref(values);
		json_decref(m);
		json_decref(b);
		json_decref(school);
		return view_fault(r, &e);
	}
	json_decref(values);
	json_t *pf = form_model(r, bld_photo_form, NULL);
	own_errors(pf, !form_sent(r, "name"));
	json_object_set_new(m, "photo_form", pf);
	json_object_set_new(m, "photo_room",
			    json_boolean(json_array_size(json_object_get(b, "photos")) < BLD_MAX_PHOTOS));
	json_object_set_new(m, "error", error ? json_string(error) : json_null());
	json_object_set_new(m, "building", b);
	json_object_set_new(m, "school", school);
	return view_page(r, status, "bld/building", m);
}

static int building_get(struct req *r)
{
	int rc = 0;
	json_t *b = building_for(r, &rc);
	return b ? building_page(r, 200, b, NULL) : rc;
}

int bld_edit_post(struct req *r)
{
	int rc = 0;
	json_t *b = building_for(r, &rc);
	if (!b)
		return rc;
	long long id = jint(b, "id"), sid = jint(b, "school_id"), aid = jint(b, "area_id"), now = clock_now(r);
	if (!may_enter(r, sid)) {
		json_decref(b);
		return view_error(r, 404, "ไม่พบอาคารนี้");
	}
	struct err e = ERR_INIT;
	if (bld_may_change(req_db(r), sid, aid, now, &e) < 0)
		return err_refusal(&e) ? building_page(r, 409, b, e.msg) : (json_decref(b), view_fault(r, &e));
	if (!form_ok(r))
		return building_page(r, 422, b, NULL);
	struct bld_building_in in = building_in(r);
	long long version = form_version(r);
	if (version >= 0 && version != jint(b, "version")) {
		json_t *cur = building_values(b);
		form_stale(r, bld_building_form, cur, jint(b, "updated_at"), "ข้อมูลอาคาร");
		json_decref(cur);
		return building_page(r, 409, b, NULL);
	}
	int bad = bld_building_errors(&in, bld_year_at(now), field_error, r);
	/* an edit must say which copy it was made from (the page's form
	 * always does): without it a save would overwrite another's change
	 * unseen (found in review) */
	static const char no_version[] = "ไม่ได้ส่งเลขรุ่นของข้อมูลอาคาร (_version) มาด้วย จึงยังไม่ได้บันทึก "
					 "กรุณาเปิดหน้าอาคารนี้ใหม่แล้วแก้ไขอีกครั้ง";
	if (version < 0) {
		form_error(r, "_version", no_version);
		bad++;
	}
	if (bad > 0)
		return building_page(r, 422, b, version < 0 ? no_version : NULL);
	rc = bld_building_update(req_db(r), id, version, &in, acc_user_id(r), now, &e);
	if (rc < 0) {
		if (!err_refusal(&e)) {
			json_decref(b);
			return view_fault(r, &e);
		}
		form_error_err(r, &e);
		return building_page(r, e.status == 409 ? 409 : 422, b, NULL);
	}
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "bld.building.edit", "bld_building", id, NULL);
	json_decref(b);
	char u[64];
	snprintf(u, sizeof u, "/bld/buildings/%lld", id);
	return view_redirect(r, u, "บันทึกการแก้ไขแล้ว");
}

/* ---- photos ------------------------------------------------------------------------------------------ */

static int mkdirs(const char *data_dir, long long building_id, struct err *e)
{
	struct buf dir = BUF_INIT;
	int rc = 0;
	for (int i = 0; rc == 0 && i < 3; i++) {
		buf_reset(&dir);
		if (i == 0)
			buf_addf(&dir, "%s/files", data_dir);
		else if (i == 1)
			buf_addf(&dir, "%s/files/bld", data_dir);
		else
			buf_addf(&dir, "%s/files/bld/%lld", data_dir, building_id);
		if (mkdir(buf_cstr(&dir), 0750) < 0 && errno != EEXIST)
			rc = err_set(e, 500, "mkdir %s: %s", buf_cstr(&dir), strerror(errno));
	}
	buf_release(&dir);
	return rc;
}

int bld_photo_post(struct req *r)
{
	int rc = 0;
	json_t *b = building_for(r, &rc);
	if (!b)
		return rc;
	long long id = jint(b, "id"), sid = jint(b, "school_id"), aid = jint(b, "area_id"), now = clock_now(r);
	if (!may_enter(r, sid)) {
		json_decref(b);
		return view_error(r, 404, "ไม่พบอาคารนี้");
	}
	struct err e = ERR_INIT;
	if (bld_may_change(req_db(r), sid, aid, now, &e) < 0)
		return err_refusal(&e) ? building_page(r, 409, b, e.msg) : (json_decref(b), view_fault(r, &e));
	if (!form_ok(r))
		return building_page(r, 422, b, NULL);
	const struct form_file *ff = form_file(r, "photo");
	if (!ff || (strcmp(ff->mime, "image/png") && strcmp(ff->mime, "image/jpeg"))) {
		form_error(r, "photo", "รูปถ่ายต้องเป็นไฟล์ภาพ JPG หรือ PNG (ไฟล์ที่ส่งมาไม่ใช่รูปภาพ)");
		return building_page(r, 422, b, NULL);
	}
	/* its size from the header: a file libmagic called an image but
	 * whose header has no size is not one we can show. The whole file
	 * (5 MB at most): a phone's JPEG may carry more than 64 KB of EXIF
	 * and XMP segments (a Pixel's depth map) before its frame header */
	size_t cap = ff->size > 0 ? (size_t)ff->size : 1;
	unsigned char *head = xmalloc(cap);
	long w = 0, h = 0;
	int fd = open(ff->path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	while (fd >= 0 && got < cap) {
		ssize_t k = read(fd, head + got, cap - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (fd >= 0)
		close(fd);
	int sized = got > 0 ? bld_image_size(head, got, &w, &h) : -1;
	free(head);
	if (sized < 0) {
		form_error(r, "photo", "อ่านไฟล์รูปภาพนี้ไม่ได้ กรุณาส่งไฟล์ JPG หรือ PNG ที่เปิดดูได้");
		return building_page(r, 422, b, NULL);
	}
	const char *ext = !strcmp(ff->mime, "image/png") ? "png" : "jpg";
	/* the row first (its id names the file), the move last: a failed
	 * insert leaves no file, a failed move rolls the row back */
	struct buf rel = BUF_INIT, dest = BUF_INIT;
	long long pid =
	    bld_photo_add(req_db(r), id, "", ff->filename, ff->mime, ff->size, w, h, acc_user_id(r), now, &e);
	if (pid > 0) {
		buf_addf(&rel, "files/bld/%lld/%lld.%s", id, pid, ext);
		if (db_exec(req_db(r), "UPDATE bld_photos SET path = $2 WHERE id = $1",
			    DB_ARGS(DB_INT(pid), DB_TEXT(buf_cstr(&rel))), &e) < 0)
			pid = -1;
	}
	const char *data_dir = http_settings()->data_dir;
	if (pid > 0 && mkdirs(data_dir, id, &e) == 0) {
		buf_addf(&dest, "%s/%s", data_dir, buf_cstr(&rel));
		if (form_file_keep(r, "photo", buf_cstr(&dest), &e) < 0)
			pid = -1;
	} else if (pid > 0) {
		pid = -1;
	}
	buf_release(&rel);
	buf_release(&dest);
	if (pid < 0) {
		if (!err_refusal(&e)) {
			json_decref(b);
			return view_fault(r, &e);
		}
		form_error_err(r, &e);
		return building_page(r, e.status == 409 ? 409 : 422, b, NULL);
	}
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "bld.photo.add", "bld_photo", pid, NULL);
	json_decref(b);
	char u[64];
	snprintf(u, sizeof u, "/bld/buildings/%lld", id);
	return view_redirect(r, u, "เพิ่มรูปถ่ายแล้ว");
}

/* The photo of the path and its building when the user may see it
 * (/bld/buildings/:id/files/:fid names both; /bld/photos/:pid the photo). */
static json_t *photo_for(struct req *r, json_t **building, int *rc)
{
	long long pid = req_param_id(r, *req_param(r, "fid") ? "fid" : "pid");
	long long bid = *req_param(r, "id") ? req_param_id(r, "id") : 0;
	struct err e = ERR_INIT;
	json_t *p = pid > 0 ? bld_photo_get(req_db(r), pid, &e) : NULL;
	if (p && bid != 0 && jint(p, "building_id") != bid) {
		json_decref(p);
		p = NULL;
	}
	json_t *b = p ? bld_building_get(req_db(r), jint(p, "building_id"), &e) : NULL;
	if (!b || !acc_for_school(r, jint(b, "school_id"))) {
		*rc = pid > 0 && e.status >= 500 ? view_fault(r, &e) : view_error(r, 404, "ไม่พบรูปถ่ายนี้");
		json_decref(p);
		json_decref(b);
		return NULL;
	}
	*building = b;
	return p;
}

int bld_photo_file(struct req *r)
{
	int rc = 0;
	json_t *b = NULL;
	json_t *p = photo_for(r, &b, &rc);
	if (!p)
		return rc;
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", http_settings()->data_dir, jstr(p, "path"));
	rc = view_file(r, buf_cstr(&path), jstr(p, "mime"), jstr(p, "filename"));
	buf_release(&path);
	json_decref(p);
	json_decref(b);
	return rc;
}

int bld_photo_delete_post(struct req *r)
{
	int rc = 0;
	json_t *b = NULL;
	json_t *p = photo_for(r, &b, &rc);
	if (!p)
		return rc;
	long long sid = jint(b, "school_id"), aid = jint(b, "area_id"), bid = jint(b, "id"), now = clock_now(r);
	if (!may_enter(r, sid)) {
		json_decref(p);
		json_decref(b);
		return view_error(r, 404, "ไม่พบรูปถ่ายนี้");
	}
	struct err e = ERR_INIT;
	if (bld_may_change(req_db(r), sid, aid, now, &e) < 0) {
		json_decref(p);
		return err_refusal(&e) ? building_page(r, 409, b, e.msg) : (json_decref(b), view_fault(r, &e));
	}
	if (!form_ok(r)) {
		json_decref(p);
		return building_page(r, 422, b, "ข้อมูลที่ส่งมาไม่ถูกต้อง");
	}
	if (bld_photo_delete(req_db(r), jint(p, "id"), acc_user_id(r), now, &e) < 0) {
		json_decref(p);
		json_decref(b);
		return view_fault(r, &e);
	}
	/* the file stays on disk, named by no row (as a KPI attachment's
	 * does): removing it before the commit could leave a row without its
	 * file when the commit fails; the unreferenced-file sweep is the
	 * platform's known gap */
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "bld.photo.remove", "bld_photo", jint(p, "id"), NULL);
	json_decref(p);
	json_decref(b);
	char u[64];
	snprintf(u, sizeof u, "/bld/buildings/%lld", bid);
	return view_redirect(r, u, "ลบรูปถ่ายแล้ว");
}

/* ---- submit and reopen ------------------------------------------------------------------------------- */

int bld_submit_post(struct req *r)
{
	int rc = 0;
	json_t *s = school_for(r, &rc);
	if (!s)
		return rc;
	long long sid = jint(s, "id"), aid = jint(s, "area_id"), now = clock_now(r);
	if (!may_enter(r, sid)) {
		json_decref(s);
		return view_error(r, 404, "ไม่พบโรงเรียนนี้");
	}
	struct err e = ERR_INIT;
	if (bld_may_change(req_db(r), sid, aid, now, &e) < 0)
		return err_refusal(&e) ? school_page(r, 409, s, e.msg) : (json_decref(s), view_fault(r, &e));
	if (!form_ok(r))
		return school_page(r, 422, s, NULL);
	int year = bld_year_at(now);
	long long rooms = *form_value(r, "rooms_taught") ? form_int(r, "rooms_taught") : -1;
	if (bld_submit(req_db(r), year, sid, aid, rooms, acc_user_id(r), now, &e) < 0) {
		if (!err_refusal(&e)) {
			json_decref(s);
			return view_fault(r, &e);
		}
		/* the missing items are the page's list; the rollback puts the
		 * stored state back, so the list shows them again */
		return school_page(r, e.status == 409 ? 409 : 422, s, e.msg);
	}
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "bld.submit", "school", sid, json_pack("{s:i}", "year", year));
	json_decref(s);
	char u[64];
	snprintf(u, sizeof u, "/bld/schools/%lld", sid);
	return view_redirect(r, u, "ส่งข้อมูลอาคารเรียนแล้ว");
}

int bld_reopen_post(struct req *r)
{
	int rc = 0;
	json_t *s = school_for(r, &rc);
	if (!s)
		return rc;
	long long sid = jint(s, "id"), aid = jint(s, "area_id"), now = clock_now(r);
	if (!may_area(r, aid)) {
		json_decref(s);
		return acc_deny(r, "การเปิดให้โรงเรียนแก้ไขข้อมูลทำได้เฉพาะเจ้าหน้าที่ของเขตพื้นที่");
	}
	if (!form_ok(r))
		return school_page(r, 422, s, "ข้อมูลที่ส่งมาไม่ถูกต้อง");
	int year = bld_year_at(now);
	struct err e = ERR_INIT;
	if (bld_reopen(req_db(r), year, sid, acc_user_id(r), now, &e) < 0)
		return err_refusal(&e) ? school_page(r, 409, s, e.msg) : (json_decref(s), view_fault(r, &e));
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "bld.reopen", "school", sid, json_pack("{s:i}", "year", year));
	json_decref(s);
	char u[64];
	snprintf(u, sizeof u, "/bld/schools/%lld", sid);
	return view_redirect(r, u, "เปิดให้โรงเรียนแก้ไขข้อมูลอาคารเรียนแล้ว");
}

/* ---- the area ---------------------------------------------------------------------------------------- */

static int area_page(struct req *r, int status, json_t *area, const char *error)
{
	struct err e = ERR_INIT;
	long long aid = jint(area, "id");
	int year = year_of(r);
	json_t *win = window_model(r, year, aid, &e);
	json_t *m = win ? bld_area_overview(req_db(r), aid, year, &e) : NULL;
	if (!m) {
		json_decref(win);
		json_decref(area);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(m, "schools"), i, x)
	{
		json_object_set_new(x, "submitted_text", text_time(jint(x, "submitted_at")));
		json_object_set_new(x, "submitted", json_boolean(jint(x, "submitted_at") > 0));
	}
	json_array_foreach(json_object_get(m, "dilapidated_photos"), i, x)
	{
		long tw, th;
		bld_thumb_size((long)jint(x, "width"), (long)jint(x, "height"), THUMB, &tw, &th);
		json_object_set_new(x, "tw", json_integer(tw));
		json_object_set_new(x, "th", json_integer(th));
	}
	json_object_set_new(m, "has_photos", json_boolean(json_array_size(json_object_get(m, "dilapidated_photos")) > 0));
	struct buf title = BUF_INIT;
	buf_addf(&title, "ข้อมูลอาคารเรียน ปี %d %s", year, jstr(area, "name"));
	enum sheet_format f;
	if (status == 200 && export_asked(r, &f)) {
		/* the page's table of schools */
		static const struct sheet_col cols[] = {
		    {"รหัสโรงเรียน", 14, SHEET_CODE, 0, "obec_code"}, {"โรงเรียน", 40, SHEET_TEXT, 0, "name"},
		    {"จำนวนอาคาร", 10, SHEET_NUMBER, 0, "buildings"},	 {"ส่งข้อมูลเมื่อ", 20, SHEET_DATETIME, 0, "submitted_at"},
		    {"เขตเปิดให้แก้ไขเมื่อ", 20, SHEET_DATETIME, 0, "reopened_at"}};
		char base[48];
		snprintf(base, sizeof base, "bld-area-%d-%s", year, jstr(area, "code"));
		json_decref(win);
		json_decref(area);
		const struct export_list l = {buf_cstr(&title), base, 5, cols};
		int rc = export_rows(r, f, &l, json_object_get(m, "schools"), m);
		buf_release(&title);
		return rc;
	}
	json_object_set_new(m, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	json_object_set_new(m, "window", win);
	json_object_set_new(m, "year", json_integer(year));
	json_object_set_new(m, "can_extend", json_boolean(may_area(r, aid) && year == bld_year_at(clock_now(r))));
	json_object_set_new(m, "extend_form", form_model(r, extend_form, NULL));
	json_object_set_new(m, "error", error ? json_string(error) : json_null());
	json_object_set_new(m, "area", area);
	if (status == 200)
		export_links(r, m);
	return view_page(r, status, "bld/area", m);
}

static int area_get(struct req *r)
{
	int rc = 0;
	json_t *a = area_for(r, &rc);
	return a ? area_page(r, 200, a, NULL) : rc;
}

static int extend_post(struct req *r)
{
	int rc = 0;
	json_t *a = area_for(r, &rc);
	if (!a)
		return rc;
	long long aid = jint(a, "id"), now = clock_now(r);
	if (!may_area(r, aid)) {
		json_decref(a);
		return acc_deny(r, "การขยายเวลาทำได้เฉพาะเจ้าหน้าที่ของเขตพื้นที่");
	}
	if (!form_ok(r))
		return area_page(r, 422, a, NULL);
	int y, mo, d, h, mi;
	thai_parse_date(form_value(r, "closes_on"), &y, &mo, &d);
	if (sscanf(form_value(r, "closes_time"), "%d:%d", &h, &mi) != 2)
		h = 16, mi = 30;
	int year = bld_year_at(now);
	struct err e = ERR_INIT;
	if (bld_area_extend(req_db(r), year, aid, thai_from_local(y, mo, d, h, mi, 0), acc_user_id(r), now, &e) < 0) {
		if (!err_refusal(&e)) {
			json_decref(a);
			return view_fault(r, &e);
		}
		form_error_err(r, &e);
		return area_page(r, 422, a, NULL);
	}
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "bld.window.extend", "area", aid,
		     json_pack("{s:i, s:s, s:s}", "year", year, "closes_on", form_value(r, "closes_on"), "closes_time",
			       form_value(r, "closes_time")));
	json_decref(a);
	char u[64];
	snprintf(u, sizeof u, "/bld/areas/%lld", aid);
	return view_redirect(r, u, "ขยายเวลาส่งข้อมูลอาคารเรียนของโรงเรียนในเขตแล้ว");
}

/* ---- the budget request list ------------------------------------------------------------------------ */

/* While the year's window is still open (or not yet open) a school that
 * has not submitted has not missed anything yet: its reason says until
 * when it can still send, not "ไม่ได้ส่ง…ภายในกำหนด". */
int bld_budget_reasons(struct req *r, json_t *m, long long aid, int year, struct err *e)
{
	struct bld_window w;
	long long ac = 0, now = clock_now(r);
	if (bld_window_get(req_db(r), year, aid, &w, &ac, e) < 0)
		return -1;
	enum bld_window_state st = bld_window_at(&w, ac, now);
	if (st == BLD_CLOSED)
		return 0;
	struct buf when = BUF_INIT, open = BUF_INIT, reopened = BUF_INIT;
	thai_datetime_short(&when, bld_window_close(&w, ac));
	if (st == BLD_BEFORE) {
		struct buf opens = BUF_INIT;
		thai_datetime_short(&opens, w.opens);
		buf_addf(&open, "ยังไม่ถึงช่วงส่งข้อมูลอาคารเรียน (เปิดรับ %s ถึง %s)", buf_cstr(&opens), buf_cstr(&when));
		buf_release(&opens);
	} else {
		buf_addf(&open, "ยังไม่ได้ส่งข้อมูลอาคารเรียน (ยังส่งได้ถึง %s)", buf_cstr(&when));
	}
	buf_addf(&reopened, "เขตพื้นที่เปิดให้แก้ไขแล้ว โรงเรียนยังไม่ส่งใหม่ (ยังส่งได้ถึง %s)", buf_cstr(&when));
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(m, "not_submitted"), i, x)
	{
		bool re = strstr(jstr(x, "reason"), "เปิดให้แก้ไข") != NULL;
		json_object_set_new(x, "reason", json_string(buf_cstr(re && st == BLD_OPEN ? &reopened : &open)));
	}
	buf_release(&when);
	buf_release(&open);
	buf_release(&reopened);
	return 0;
}

static int budget_get(struct req *r)
{
	int rc = 0;
	json_t *a = area_for(r, &rc);
	if (!a)
		return rc;
	int year = year_of(r);
	const char *format = req_query(r, "format");
	enum sheet_format f = 0;
	if (format && sheet_parse_format(format, &f) < 0) {
		json_decref(a);
		return view_error(r, 404, "ไม่มีรูปแบบไฟล์นี้ เลือกได้เฉพาะ xlsx หรือ csv");
	}
	struct err e = ERR_INIT;
	json_t *m = bld_budget(req_db(r), jint(a, "id"), year, &e);
	if (m && bld_budget_reasons(r, m, jint(a, "id"), year, &e) < 0) {
		json_decref(m);
		m = NULL;
	}
	if (!m) {
		json_decref(a);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(m, "schools"), i, x)
	{
		json_object_set_new(x, "source_label",
				    json_string(!strcmp(jstr(x, "rooms_source"), "census") ? "DMC" : "โรงเรียนกรอก"));
		json_object_set_new(x, "submitted_text", text_time(jint(x, "submitted_at")));
	}
	struct buf title = BUF_INIT;
	buf_addf(&title, "บัญชีคำขอตั้งงบประมาณสิ่งก่อสร้าง ปีงบประมาณ %lld %s", jint(m, "fiscal_year"), jstr(a, "name"));
	if (!format) {
		json_object_set_new(m, "page_title", json_string(buf_cstr(&title)));
		buf_release(&title);
		json_object_set_new(m, "year", json_integer(year));
		json_object_set_new(m, "has_schools", json_boolean(json_array_size(json_object_get(m, "schools")) > 0));
		json_object_set_new(m, "has_not",
				    json_boolean(json_array_size(json_object_get(m, "not_submitted")) > 0));
		json_object_set_new(m, "area", a);
		return view_page(r, 200, "bld/budget", m);
	}
	static const struct sheet_col cols[] = {
	    {"รหัสโรงเรียน", 14, SHEET_CODE},	{"โรงเรียน", 36, SHEET_TEXT},		{"สถานะ", 28, SHEET_ENUM},
	    {"ห้องเรียนที่สอน", 12, SHEET_NUMBER}, {"ที่มา", 12, SHEET_ENUM},		{"ห้องเรียนที่ใช้ได้", 12, SHEET_NUMBER},
	    {"ห้องเรียนที่ขาด", 12, SHEET_NUMBER}, {"อาคารที่ควรสร้างทดแทน", 40, SHEET_TEXT}};
	char base[48];
	snprintf(base, sizeof base, "bld-budget-%lld-%s", jint(m, "fiscal_year"), jstr(a, "code"));
	const struct export_list l = {"คำขอตั้งงบประมาณ", base, 8, cols};
	struct sheet *sh = export_begin(r, f, &l, &e);
	if (!sh) {
		buf_release(&title);
		json_decref(m);
		json_decref(a);
		return view_fault(r, &e);
	}
	struct buf rep = BUF_INIT;
	json_array_foreach(json_object_get(m, "schools"), i, x)
	{
		sheet_code(sh, jstr(x, "obec_code"));
		sheet_text(sh, jstr(x, "name"));
		sheet_text(sh, "ส่งข้อมูลแล้ว");
		sheet_number(sh, (double)jint(x, "taught"));
		sheet_text(sh, jstr(x, "source_label"));
		sheet_number(sh, (double)jint(x, "usable"));
		sheet_number(sh, (double)jint(x, "lacking"));
		buf_reset(&rep);
		size_t j;
		json_t *y;
		json_array_foreach(json_object_get(x, "replace"), j, y) buf_addf(&rep, "%s%s (พ.ศ. %lld, %lld ปี)",
										   j ? ", " : "", jstr(y, "name"),
										   jint(y, "year_built"), jint(y, "age"));
		sheet_text(sh, buf_cstr(&rep));
		sheet_row_end(sh);
	}
	json_array_foreach(json_object_get(m, "not_submitted"), i, x)
	{
		sheet_code(sh, jstr(x, "obec_code"));
		sheet_text(sh, jstr(x, "name"));
		sheet_text(sh, jstr(x, "reason"));
		for (int k = 0; k < 5; k++)
			sheet_text(sh, "");
		sheet_row_end(sh);
	}
	buf_release(&rep);
	json_decref(m);
	json_decref(a);
	rc = export_end(r, sh, f, &l);
	buf_release(&title);
	return rc;
}

static int budget_pdf(struct req *r)
{
	int rc = 0;
	json_t *a = area_for(r, &rc);
	if (!a)
		return rc;
	int year = year_of(r);
	struct err e = ERR_INIT;
	json_t *m = bld_budget(req_db(r), jint(a, "id"), year, &e);
	if (m && bld_budget_reasons(r, m, jint(a, "id"), year, &e) < 0) {
		json_decref(m);
		m = NULL;
	}
	if (!m) {
		json_decref(a);
		return view_fault(r, &e);
	}
	struct buf line = BUF_INIT;
	buf_addf(&line, "ปีงบประมาณ %lld (ข้อมูลอาคารเรียน ปี %d)", jint(m, "fiscal_year"), year);
	struct pdf *p = pdf_new("บัญชีคำขอตั้งงบประมาณสิ่งก่อสร้าง");
	pdf_subtitle(p, jstr(a, "name"));
	pdf_subtitle(p, buf_cstr(&line));
	buf_reset(&line);
	thai_date_long(&line, clock_now(r));
	struct buf foot = BUF_INIT;
	buf_addf(&foot, "พิมพ์จากระบบ Khet เมื่อ %s", buf_cstr(&line));
	pdf_footer(p, buf_cstr(&foot));
	buf_release(&foot);
	buf_reset(&line);
	buf_addf(&line, "ห้องเรียนที่ขาดรวม %lld ห้อง · อาคารที่ควรสร้างทดแทนรวม %lld หลัง", jint(m, "lacking_total"),
		 jint(m, "replace_total"));
	pdf_subtitle(p, buf_cstr(&line));
	pdf_space(p, 3);
	pdf_heading(p, "โรงเรียนที่ส่งข้อมูลแล้ว");
	static const char *const heads[] = {"ที่", "โรงเรียน", "ห้องที่สอน", "ใช้ได้", "ขาด", "อาคารที่ควรสร้างทดแทน"};
	static const double widths[] = {0.4, 2.4, 0.8, 0.7, 0.6, 2.6};
	pdf_table(p, 6, heads, widths);
	pdf_table_kinds(p, "nwnnnt"); /* counts right-aligned, school names whole */
	size_t i;
	json_t *x;
	struct buf rep = BUF_INIT;
	json_array_foreach(json_object_get(m, "schools"), i, x)
	{
		char no[24], t[24], u[24], l[24];
		snprintf(no, sizeof no, "%zu", i + 1);
		snprintf(t, sizeof t, "%lld", jint(x, "taught"));
		snprintf(u, sizeof u, "%lld", jint(x, "usable"));
		snprintf(l, sizeof l, "%lld", jint(x, "lacking"));
		buf_reset(&rep);
		size_t j;
		json_t *y;
		json_array_foreach(json_object_get(x, "replace"), j, y)
		    buf_addf(&rep, "%s%s (%lld ปี)", j ? ", " : "", jstr(y, "name"), jint(y, "age"));
		pdf_table_row(p, (const char *[]){no, jstr(x, "name"), t, u, l, buf_cstr(&rep)});
	}
	buf_release(&rep);
	pdf_space(p, 6);
	pdf_heading(p, "โรงเรียนที่ไม่มีรายชื่อขอตั้งงบประมาณ");
	static const char *const heads2[] = {"ที่", "โรงเรียน", "เหตุผล"};
	static const double widths2[] = {0.4, 3.2, 3.9};
	pdf_table(p, 3, heads2, widths2);
	pdf_table_kinds(p, "nwt");
	json_array_foreach(json_object_get(m, "not_submitted"), i, x)
	{
		char no[24];
		snprintf(no, sizeof no, "%zu", i + 1);
		pdf_table_row(p, (const char *[]){no, jstr(x, "name"), jstr(x, "reason")});
	}
	buf_release(&line);
	json_decref(m);
	struct buf out = BUF_INIT;
	if (pdf_finish(p, &out, &e) < 0) {
		json_decref(a);
		return view_fault(r, &e);
	}
	/* named like every export: bld-budget-<area id>-<BE date>.pdf, the Thai name with the same date */
	char base[48];
	snprintf(base, sizeof base, "bld-budget-%lld", jint(a, "id"));
	rc = export_pdf(r, &out, base, "คำขอตั้งงบประมาณสิ่งก่อสร้าง %s", jstr(a, "short_name"));
	json_decref(a);
	return rc;
}

/* ---- a year's window (the super admin) ---------------------------------------------------------------- */

static int windows_page(struct req *r, int status)
{
	struct err e = ERR_INIT;
	json_t *rows = db_rows_json(req_db(r), "SELECT year, opens_at, closes_at FROM bld_windows ORDER BY year DESC",
				    NULL, 0, &e);
	if (!rows)
		return view_fault(r, &e);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		json_object_set_new(x, "opens_text", text_time(jint(x, "opens_at")));
		json_object_set_new(x, "closes_text", text_time(jint(x, "closes_at")));
	}
	json_t *m = json_pack("{s:s, s:o, s:b, s:o}", "page_title", "ช่วงเวลาส่งข้อมูลอาคารเรียน (B-OBEC)", "windows", rows,
			      "has_windows", json_array_size(rows) > 0, "form", form_model(r, window_form, NULL));
	return view_page(r, status, "bld/windows", m);
}

static int windows_get(struct req *r)
{
	if (!acc_grant_is(acc_active_grant(r), "super_admin"))
		return acc_deny(r, "การกำหนดช่วงเวลาทำได้เฉพาะผู้ดูแลระบบระดับประเทศ");
	return windows_page(r, 200);
}

static int windows_post(struct req *r)
{
	if (!acc_grant_is(acc_active_grant(r), "super_admin"))
		return acc_deny(r, "การกำหนดช่วงเวลาทำได้เฉพาะผู้ดูแลระบบระดับประเทศ");
	if (!form_ok(r))
		return windows_page(r, 422);
	int y1, m1, d1, y2, m2, d2, h = 16, mi = 30;
	thai_parse_date(form_value(r, "opens_on"), &y1, &m1, &d1);
	thai_parse_date(form_value(r, "closes_on"), &y2, &m2, &d2);
	if (sscanf(form_value(r, "closes_time"), "%d:%d", &h, &mi) != 2)
		h = 16, mi = 30;
	struct err e = ERR_INIT;
	int year = (int)form_int(r, "year");
	if (bld_window_set(req_db(r), year, thai_from_local(y1, m1, d1, 0, 0, 0), thai_from_local(y2, m2, d2, h, mi, 0),
			   acc_user_id(r), clock_now(r), &e) < 0) {
		if (!err_refusal(&e))
			return view_fault(r, &e);
		form_error_err(r, &e);
		return windows_page(r, 422);
	}
	acc_audit_in(r, req_db(r), 0, acc_user_id(r), "bld.window.set", "bld_window", year, NULL);
	return view_redirect(r, "/bld/windows", "บันทึกช่วงเวลาส่งข้อมูลแล้ว");
}

/* ---- the table ------------------------------------------------------------------------------------------- */

#define SEEN ACCESS_SIGNED_IN, ALL
#define ENTER ACCESS_SIGNED_IN, SCHOOL_ROLES " super_admin"
#define AREA ACCESS_SIGNED_IN, AREA_ROLES " super_admin"

static const struct route routes[] = {
    {"GET", "/bld", bld_home, NULL, "bld", SEEN},
    {"GET", "/bld/areas", areas_page, NULL, NULL, SEEN},
    {"GET", "/bld/windows", windows_get, NULL, NULL, ACCESS_SIGNED_IN, "super_admin"},
    {"POST", "/bld/windows", windows_post, window_form, NULL, ACCESS_SIGNED_IN, "super_admin"},
    {"GET", "/bld/schools/:sid", school_get, NULL, NULL, SEEN},
    {"GET", "/bld/schools/:sid/new", new_get, NULL, NULL, ENTER},
    {"POST", "/bld/schools/:sid/new", bld_new_post, bld_building_form, NULL, ENTER},
    {"POST", "/bld/schools/:sid/submit", bld_submit_post, bld_submit_form, NULL, ENTER},
    {"POST", "/bld/schools/:sid/reopen", bld_reopen_post, bld_empty_form, NULL, AREA},
    {"GET", "/bld/buildings/:id", building_get, NULL, NULL, SEEN},
    {"POST", "/bld/buildings/:id/edit", bld_edit_post, bld_building_form, NULL, ENTER},
    {"POST", "/bld/buildings/:id/photos", bld_photo_post, bld_photo_form, NULL, ENTER},
    {"GET", "/bld/buildings/:id/files/:fid", bld_photo_file, NULL, NULL, SEEN},
    {"POST", "/bld/photos/:pid/delete", bld_photo_delete_post, bld_empty_form, NULL, ENTER},
    {"GET", "/bld/areas/:aid", area_get, NULL, NULL, SEEN},
    {"POST", "/bld/areas/:aid/extend", extend_post, extend_form, NULL, AREA},
    {"GET", "/bld/areas/:aid/budget", budget_get, NULL, NULL, SEEN},
    {"GET", "/bld/areas/:aid/budget.pdf", budget_pdf, NULL, NULL, SEEN},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table bld_routes = {"bld", routes};
