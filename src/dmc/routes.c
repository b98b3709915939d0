/* routes: the census pages and the module's route table (DMC-1 … DMC-3).
 *
 *   GET  /dmc                                   to the user's school or area
 *   GET  /dmc/areas[?round=&format=csv|xlsx]    the national dashboard, per area (national roles)
 *   GET  /dmc/areas/:aid[?round=&format=csv|xlsx]   an area's dashboard: each school in the round
 *   GET  /dmc/areas/:aid/duplicates             learners recorded in two places, to resolve
 *   POST /dmc/areas/:aid/duplicates/:did/resolve   the area's officer marks one resolved
 *   POST /dmc/areas/:aid/rounds/:rid/schools/:sid/acknowledge   the area acknowledges
 *   GET  /dmc/schools/:sid                      counts by grade × sex, the round, who left
 *   GET  /dmc/schools/:sid/learners             list: 40 a page, search, grade filter
 *   GET|POST /dmc/schools/:sid/learners/new     add a learner found nowhere
 *   GET|POST /dmc/schools/:sid/move-in          move in by citizen ID / G-code
 *   POST /dmc/schools/:sid/grade                change grade/room of many at once
 *   POST /dmc/schools/:sid/rounds/:rid/confirm  the data officer confirms
 *   POST /dmc/schools/:sid/rounds/:rid/certify  the director certifies (snapshot)
 *   GET  /dmc/schools/:sid/rounds/:rid          what was certified (snapshot counts)
 *   GET  /dmc/schools/:sid/promotion            year-end promotion: who repeats, promote, undo
 *   POST /dmc/schools/:sid/promotion[/undo]     promote the school / undo it
 *   POST /dmc/schools/:sid/repeating            mark or unmark learners as repeating
 *   GET  /dmc/areas/:aid/requests               drop-outs and ID corrections awaiting the area
 *   POST /dmc/areas/:aid/requests/:rid/approve|reject   the area decides
 *   GET  /dmc/learners/:id                      the full record (each read audited)
 *   POST /dmc/learners/:id/move-out|name|body|grade
 *   POST /dmc/learners/:id/dropout|citizen-id   ask the area (drop-out, ID correction)
 *   POST /dmc/learners/:id/requests/:rid/withdraw   the school withdraws its request
 *   GET  /dmc/areas/:aid/rounds/:rid/subsidy[?format=xlsx|csv|pdf]   per-head subsidy of certified schools
 *   GET  /dmc/subsidy-rates[?year=], POST /dmc/subsidy-rates/:year   rates per level and year (OBEC sets)
 *   GET  /dmc/rounds[?year=]                    the rounds of a year: day, entry, window (OBEC sets)
 *   POST /dmc/rounds/:rid                       change one, refused once a school certified it
 *   POST /dmc/rounds/:rid/extend                an area closes the round day later for its schools
 *   GET|POST /dmc/schools/:sid/rounds/:rid/basic   grades taught and rooms, counts by grade × sex
 *   GET|POST /dmc/schools/:sid/body-upload      weights and heights from a CSV/XLSX file, all or nothing
 *   GET  /dmc/schools/:sid/gcode                the school's G-code requests and their status
 *   GET|POST /dmc/schools/:sid/gcode/new        ask for a G-code, with the documents (GC-1)
 *   POST /dmc/schools/:sid/gcode/:gid/withdraw  the school withdraws a pending one
 *   GET  /dmc/gcode/:gid[/docs/:kind]           a request and its documents (reads audited)
 *   GET  /dmc/areas/:aid/gcode                  G-code requests awaiting the area
 *   POST /dmc/areas/:aid/gcode/:gid/approve|reject   the area certifies (the code) or refuses
 *
 * Who may do what is decided here, once per handler, from the active
 * grant: a school role sees only its own school (acc_for_school), an area
 * role the schools of its area, the national viewer everything; a
 * learner of a school the user may not see is answered 404, as if it did
 * not exist. Entering data is for the data officer and the school admin,
 * certifying for the certifier and the director, acknowledging for the
 * area's census officer. Every bad input is answered with its page again
 * (422) and a Thai message at the field; the handler's transaction is
 * rolled back with any error answer, so nothing stored changes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "acc/acc.h"
#include "core/num.h"
#include "core/pager.h"
#include "core/pdf.h"
#include "core/search.h"
#include "core/export.h"
#include "core/sheet.h"
#include "core/audit.h"
#include "core/db.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/table_read.h"
#include "core/thai.h"
#include "core/view.h"
#include "core/api.h"
#include "dmc/dmc_internal.h"
#include "dmc/dmc_pages.h"
#include "org/org.h"

#define ALL "dmc_officer dmc_certifier dmc_area dmc_viewer school_admin director area_admin super_admin"
#define ENTER "dmc_officer school_admin"
#define CERTIFY "dmc_certifier director"


/* The action of the route (its data): a page route's is the number
 * itself, an API route's (api.c) points to a const long. */
static long route_act(struct req *r)
{
	if (api_route_of(r)) {
		const long *a = api_route_data(r);
		return a ? *a : 0;
	}
	return (long)(intptr_t)req_route_data(r);
}

/* ---- who may do what ----------------------------------------------------------- */

static bool may_enter(const struct acc_grant *g)
{
	return acc_grant_is(g, "dmc_officer") || acc_grant_is(g, "school_admin");
}

static bool may_certify(const struct acc_grant *g)
{
	return acc_grant_is(g, "dmc_certifier") || acc_grant_is(g, "director");
}

static bool may_see_school(struct req *r, long long sid)
{
	return acc_grant_is(acc_active_grant(r), "dmc_viewer") || acc_for_school(r, sid);
}

static const struct acc_place school_path = {"sid", "dmc_viewer"}, area_path = {"aid", "dmc_viewer", true};

/* The school of the path when the user may see it; else answers 404, for
 * no such school and for another's alike (as dpa, bld: whether another
 * school's census exists is not told), and returns NULL with *rc set. */
static json_t *school_for(struct req *r, int *rc)
{
	return acc_school_for(r, &school_path, NULL, rc);
}

/* The learner of the path when the user may see its school; 404 otherwise. */
static json_t *learner_for(struct req *r, int *rc)
{
	long long id = req_param_id(r, "id");
	struct err e = ERR_INIT;
	json_t *l = id > 0 ? dmc_learner_get(req_db(r), id, &e) : NULL;
	if (!l) {
		*rc = id > 0 && e.status >= 500 ? view_fault(r, &e) : view_error(r, 404, "ไม่พบนักเรียนคนนี้");
		return NULL;
	}
	if (!may_see_school(r, jint(l, "school_id"))) {
		json_decref(l);
		*rc = view_error(r, 404, "ไม่พบนักเรียนคนนี้");
		return NULL;
	}
	return l;
}

static const char *const sex_labels[] = {"M", "ชาย", "F", "หญิง"};

static const char *sex_label(const char *s)
{
	return !strcmp(s, "M") ? sex_labels[1] : !strcmp(s, "F") ? sex_labels[3] : "";
}

static json_t *text_time(long long t)
{
	if (!t)
		return json_null();
	struct buf b = BUF_INIT;
	thai_datetime_short(&b, t);
	json_t *s = json_string(buf_cstr(&b));
	buf_release(&b);
	return s;
}

static void tenths_text(json_t *o, const char *key, const char *out_key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v)) {
		json_object_set_new(o, out_key, json_string(""));
		return;
	}
	long long x = json_integer_value(v);
	char s[32];
	snprintf(s, sizeof s, "%lld.%lld", x / 10, x % 10);
	json_object_set_new(o, out_key, json_string(s));
}

static void basic_shown(json_t *basic);
static void subsidy_text(json_t *sub);

/* ---- forms ----------------------------------------------------------------------- */

static const struct choice sex_choices[] = {{"M", "ชาย"}, {"F", "หญิง"}, {NULL, NULL}};

const struct field dmc_learner_form[] = {
    {"citizen_id", "เลขประจำตัวประชาชน", FT_CITIZEN_ID, 0, 0, 0, NULL, NULL, NULL, NULL,
     "13 หลัก เว้นว่างเมื่อนักเรียนใช้รหัส G"},
    {"gcode", "รหัส G (นักเรียนที่ไม่มีหลักฐานทางทะเบียนราษฎร)", FT_TEXT, 0, 13, 0, NULL, NULL, NULL, NULL,
     "G ตามด้วยตัวเลข 12 หลัก เช่น G644200000001"},
    {"title", "คำนำหน้าชื่อ", FT_TEXT, F_REQUIRED, 16},
    {"first_name", "ชื่อ", FT_TEXT, F_REQUIRED, 100},
    {"last_name", "นามสกุล", FT_TEXT, F_REQUIRED, 100},
    {"sex", "เพศ", FT_CHOICE, F_REQUIRED, 0, 0, NULL, NULL, sex_choices},
    {"birth_date", "วันเกิด", FT_DATE, F_REQUIRED},
    {"nationality", "สัญชาติ", FT_TEXT, F_REQUIRED, 16},
    {"grade", "ชั้น", FT_TEXT, F_REQUIRED, 16},
    {"room", "ห้อง", FT_INT, F_REQUIRED, 99, 1},
    {"weight", "น้ำหนัก (กิโลกรัม)", FT_TEXT, 0, 8, 0, NULL, NULL, NULL, NULL, "เช่น 35.5"},
    {"height", "ส่วนสูง (เซนติเมตร)", FT_TEXT, 0, 8, 0, NULL, NULL, NULL, NULL, "เช่น 142"},
    {"disadvantaged", "ความด้อยโอกาส", FT_TEXT, F_REQUIRED, 16},
    {"disability", "ความพิการ", FT_TEXT, F_REQUIRED, 16},
    {"guardian_name", "ชื่อผู้ปกครอง", FT_TEXT, 0, 200},
    {"guardian_phone", "โทรศัพท์ผู้ปกครอง", FT_PHONE, 0},
    {"address", "ที่อยู่", FT_TEXTAREA, 0, 500},
    {NULL},
};

const struct field dmc_move_in_form[] = {
    {"citizen_id", "เลขประจำตัวประชาชนหรือรหัส G", FT_TEXT, F_REQUIRED, 20, 0, NULL, NULL, NULL, NULL,
     "ของนักเรียนที่ย้ายมาจากโรงเรียนอื่น"},
    {"grade", "ชั้นที่เข้าเรียน", FT_TEXT, 0, 16, 0, NULL, NULL, NULL, NULL, "เว้นว่าง: ชั้นเดิม"},
    {"room", "ห้อง", FT_INT, F_REQUIRED, 99, 1},
    {NULL},
};

static const struct field bulk_form[] = {
    {"ids", "นักเรียน", FT_INT, F_REQUIRED | F_MULTI, 0, 1},
    {"grade", "ชั้นใหม่", FT_TEXT, F_REQUIRED, 16},
    {"room", "ห้องใหม่", FT_INT, F_REQUIRED, 99, 1},
    {NULL},
};

const struct field dmc_move_out_form[] = {
    {"destination", "ย้ายไปที่ (โรงเรียน/จังหวัด)", FT_TEXT, F_REQUIRED, 200},
    {NULL},
};

const struct field dmc_name_form[] = {
    {"title", "คำนำหน้าชื่อ", FT_TEXT, F_REQUIRED, 16},
    {"first_name", "ชื่อ", FT_TEXT, F_REQUIRED, 100},
    {"last_name", "นามสกุล", FT_TEXT, F_REQUIRED, 100},
    {NULL},
};

const struct field dmc_body_form[] = {
    {"weight", "น้ำหนัก (กิโลกรัม)", FT_TEXT, F_REQUIRED, 8, 0, NULL, NULL, NULL, NULL, "เช่น 35.5"},
    {"height", "ส่วนสูง (เซนติเมตร)", FT_TEXT, F_REQUIRED, 8, 0, NULL, NULL, NULL, NULL, "เช่น 142"},
    {NULL},
};

const struct field dmc_grade_form[] = {
    {"grade", "ชั้น", FT_TEXT, F_REQUIRED, 16},
    {"room", "ห้อง", FT_INT, F_REQUIRED, 99, 1},
    {NULL},
};

const struct field dmc_dropout_form[] = {
    {"reason", "สาเหตุที่ออกกลางคัน", FT_TEXT, F_REQUIRED, 16},
    {"dropout_note", "รายละเอียด", FT_TEXTAREA, 0, 500, 0, NULL, NULL, NULL, NULL,
     "จำเป็นเมื่อเลือกสาเหตุ อื่น ๆ เช่น วันที่ไม่มาเรียน การติดตาม"},
    {NULL},
};

static const struct field idfix_form[] = {
    {"new_citizen_id", "เลขประจำตัวประชาชนที่ถูกต้อง", FT_CITIZEN_ID, F_REQUIRED, 0, 0, NULL, NULL, NULL, NULL,
     "13 หลัก ตามบัตรหรือทะเบียนบ้าน"},
    {"fix_note", "เหตุผลที่ขอแก้ไข", FT_TEXTAREA, F_REQUIRED, 500, 0, NULL, NULL, NULL, NULL,
     "เช่น กรอกเลขผิด หรือนักเรียนได้รับเลขประจำตัวประชาชนแทนรหัส G แล้ว"},
    {NULL},
};

const struct field dmc_decision_form[] = {
    {"decision_note", "เหตุผล/หมายเหตุ", FT_TEXTAREA, 0, 500, 0, NULL, NULL, NULL, NULL,
     "จำเป็นเมื่อไม่อนุมัติ เพื่อให้โรงเรียนแก้ไข"},
    {NULL},
};

const struct field dmc_empty_form[] = {{NULL}};

/* Shows a text field as a select of a choice list kept in the database. */
static int make_select(struct req *r, json_t *form, const char *name, enum dmc_list which, const char *empty_label,
		       struct err *e)
{
	if (!form_field(form, name))
		return 0; /* no query for a form without the field */
	json_t *opts = dmc_choices(req_db(r), which, e);
	if (!opts)
		return -1;
	form_select(form, name, opts, empty_label);
	return 0;
}

static int selects(struct req *r, json_t *form, struct err *e)
{
	return make_select(r, form, "title", DMC_TITLES, "— เลือก —", e) < 0 ||
			   make_select(r, form, "grade", DMC_GRADES, "— เลือก —", e) < 0 ||
			   make_select(r, form, "nationality", DMC_NATIONALITIES, "— เลือก —", e) < 0 ||
			   make_select(r, form, "disadvantaged", DMC_DISADVANTAGED, "— เลือก —", e) < 0 ||
			   make_select(r, form, "disability", DMC_DISABILITIES, "— เลือก —", e) < 0
		   ? -1
		   : 0;
}


static void school_link(json_t *m, json_t *school)
{
	json_object_set(m, "school", school);
}

/* ---- /dmc --------------------------------------------------------------------------- */

static int dmc_home(struct req *r)
{
	return acc_home_redirect(r, "/dmc");
}

/* ---- the school's page ---------------------------------------------------------------- */

/* The round now, with its window state and its texts, and the school's
 * progress in it. */
static int round_model(struct req *r, long long sid, json_t *m, struct err *e)
{
	long long now = dmc_now(r);
	/* the round as the school's area sees it (an area may extend the window) */
	json_t *round = dmc_round_current_area(req_db(r), jint(json_object_get(m, "school"), "area_id"), now, e);
	if (!round) {
		if (e->status != 404)
			return -1;
		/* no round laid out yet (the job makes them): the page without one */
		err_clear(e);
		json_object_set_new(m, "round", json_null());
		json_object_set_new(m, "can_confirm", json_false());
		json_object_set_new(m, "can_certify", json_false());
		return 0;
	}
	json_t *st = dmc_round_school(req_db(r), jint(round, "id"), sid, e);
	if (!st) {
		json_decref(round);
		return -1;
	}
	enum dmc_window w = dmc_window_state(jint(round, "open_at"), jint(round, "close_at"), now);
	struct buf msg = BUF_INIT, day = BUF_INIT, entry = BUF_INIT;
	dmc_window_message(w, jint(round, "open_at"), jint(round, "close_at"), &msg);
	thai_date_long(&day, jint(round, "open_at"));
	thai_date_short(&entry, jint(round, "entry_from"));
	json_object_set_new(round, "window_open", json_boolean(w == DMC_WINDOW_OPEN));
	json_object_set_new(round, "window_message", json_string(w == DMC_WINDOW_OPEN ? "" : buf_cstr(&msg)));
	json_object_set_new(round, "day_text", json_string(buf_cstr(&day)));
	json_object_set_new(round, "entry_from_text", json_string(buf_cstr(&entry)));
	buf_release(&msg);
	buf_release(&day);
	buf_release(&entry);
	json_object_set_new(st, "confirmed_at_text", text_time(jint(st, "confirmed_at")));
	json_object_set_new(st, "certified_at_text", text_time(jint(st, "certified_at")));
	json_object_set_new(st, "acknowledged_at_text", text_time(jint(st, "acknowledged_at")));
	const struct acc_grant *g = acc_active_grant(r);
	bool confirmed = jint(st, "confirmed_at") > 0, certified = jint(st, "certified_at") > 0;
	json_object_set_new(m, "can_confirm", json_boolean(may_enter(g) && !confirmed));
	json_object_set_new(m, "can_certify", json_boolean(may_certify(g) && confirmed && !certified));
	json_object_set_new(round, "progress", st);
	json_t *basic = dmc_basic_get(req_db(r), jint(round, "id"), sid, e);
	if (!basic) {
		json_decref(round);
		return -1;
	}
	json_object_set_new(m, "basic", basic);
	json_object_set_new(m, "round", round);
	return 0;
}

static int school_page(struct req *r, int status, const char *error)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id");
	struct err e = ERR_INIT;
	json_t *counts = dmc_counts_table(req_db(r), sid, &e);
	json_t *left = counts ? dmc_departures(req_db(r), sid, &e) : NULL;
	if (!left) {
		json_decref(counts);
		json_decref(school);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *d;
	json_array_foreach(left, i, d)
	{
		json_object_set_new(d, "at_text", text_time(jint(d, "at")));
		json_object_set_new(d, "moved_out", json_boolean(!strcmp(jstr(d, "kind"), "move_out")));
	}
	struct buf title = BUF_INIT;
	buf_addf(&title, "ข้อมูลนักเรียน %s", jstr(school, "name"));
	json_t *m = json_pack("{s:s, s:o, s:o, s:b, s:b, s:s?}", "page_title", buf_cstr(&title), "counts", counts, "departures", left,
			      "has_departures", json_array_size(left) > 0, "can_enter", may_enter(acc_active_grant(r)),
			      "error", error);
	buf_release(&title);
	school_link(m, school);
	json_decref(school);
	if (round_model(r, sid, m, &e) < 0) {
		json_decref(m);
		return view_fault(r, &e);
	}
	return view_page(r, status, "dmc/school", m);
}

static int school_get(struct req *r)
{
	return school_page(r, 200, NULL);
}

/* ---- the list ------------------------------------------------------------------------------ */

static int list_page(struct req *r, int status, const char *error)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id");
	const char *q = req_query(r, "q"), *grade = req_query(r, "grade");
	q = q ? q : "";
	grade = grade ? grade : "";
	struct err e = ERR_INIT, qe = ERR_INIT;
	if (search_query_check(q, &qe) < 0) {
		/* the box shows the message; the list is the whole school's */
		status = 422;
		error = error ? error : qe.msg;
		q = "";
	}
	enum sheet_format fmt;
	bool file = status == 200 && !error && export_asked(r, &fmt);
	json_t *page =
	    dmc_learner_list(req_db(r), sid, q, grade, file ? 0 : req_query_int(r, "page", 1, 1, 1000000), &e);
	if (file) {
		if (!page) {
			json_decref(school);
			return view_fault(r, &e);
		}
		json_t *row;
		size_t k;
		json_array_foreach(json_object_get(page, "rows"), k, row)
		    json_object_set_new(row, "sex_label", json_string(sex_label(jstr(row, "sex"))));
		/* the page's columns: the code masked as on the page (X-5) */
		static const struct sheet_col cols[] = {
		    {"เลขประจำตัว", 20, SHEET_TEXT, 0, "ident_masked"}, {"คำนำหน้า", 10, SHEET_TEXT, 0, "title"},
		    {"ชื่อ", 18, SHEET_TEXT, 0, "first_name"},	      {"นามสกุล", 18, SHEET_TEXT, 0, "last_name"},
		    {"เพศ", 8, SHEET_ENUM, 0, "sex_label"},	      {"ชั้น", 10, SHEET_ENUM, 0, "grade_label"},
		    {"ห้อง", 6, SHEET_NUMBER, 0, "room"}};
		struct buf t = BUF_INIT;
		buf_addf(&t, "นักเรียน %s", jstr(school, "name"));
		char base[48];
		snprintf(base, sizeof base, "learners-%s", jstr(school, "obec_code"));
		acc_audit_in(r, req_db(r), jint(school, "area_id"), acc_user_id(r), "dmc.learners.export", "school", sid,
			     json_pack("{s:s, s:s, s:s, s:I}", "format", fmt == SHEET_XLSX ? "xlsx" : "csv", "q", q,
				       "grade", grade, "rows", (json_int_t)json_array_size(json_object_get(page, "rows"))));
		json_decref(school);
		const struct export_list l = {buf_cstr(&t), base, 7, cols};
		rc = export_rows(r, fmt, &l, json_object_get(page, "rows"), page);
		buf_release(&t);
		return rc;
	}
	json_t *grades = page ? dmc_choices(req_db(r), DMC_GRADES, &e) : NULL;
	if (!grades) {
		json_decref(page);
		json_decref(school);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *g;
	json_array_foreach(grades, i, g) json_object_set_new(g, "selected", json_boolean(!strcmp(jstr(g, "value"), grade)));
	json_t *row;
	json_array_foreach(json_object_get(page, "rows"), i, row)
	    json_object_set_new(row, "sex_label", json_string(sex_label(jstr(row, "sex"))));
	long long pg = jint(page, "page"), pages = jint(page, "pages");
	struct buf base = BUF_INIT;
	buf_addf(&base, "/dmc/schools/%lld/learners?q=", sid);
	buf_add_urlenc(&base, q);
	buf_adds(&base, "&grade=");
	buf_add_urlenc(&base, grade);
	buf_adds(&base, "&");
	json_t *pager = pager_links(buf_cstr(&base), pg, pages);
	buf_release(&base);
	struct buf title = BUF_INIT;
	buf_addf(&title, "รายชื่อนักเรียน %s", jstr(school, "name"));
	json_object_set_new(page, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	json_object_set_new(page, "q", json_string(q));
	const char *note = search_query_notice(q);
	json_object_set_new(page, "q_note", note ? json_string(note) : json_null());
	json_object_set_new(page, "grade", json_string(grade));
	json_object_set_new(page, "grades", grades);
	json_object_set_new(page, "pager", pager);
	json_object_set_new(page, "has_pager", json_boolean(pages > 1));
	json_object_set_new(page, "has_rows", json_boolean(json_array_size(json_object_get(page, "rows")) > 0));
	json_object_set_new(page, "can_enter", json_boolean(may_enter(acc_active_grant(r))));
	json_object_set_new(page, "error", error ? json_string(error) : json_null());
	school_link(page, school);
	json_decref(school);
	if (status == 200)
		export_links(r, page);
	return view_page(r, status, "dmc/learners", page);
}

static int list_get(struct req *r)
{
	return list_page(r, 200, NULL);
}

static int bulk_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id"), area = jint(school, "area_id");
	json_decref(school);
	if (!form_ok(r))
		return list_page(r, 422, "กรุณาเลือกนักเรียนอย่างน้อยหนึ่งคน ชั้นใหม่ และห้อง (1–99)");
	json_t *vals = form_values(r, "ids");
	const char *grade = form_value(r, "grade");
	long long room = form_int(r, "room");
	size_t n = json_array_size(vals);
	long long *ids = xcalloc(n ? n : 1, sizeof *ids);
	size_t i;
	json_t *v;
	json_array_foreach(vals, i, v) ids[i] = num_ll_or(json_string_value(v), 0);
	struct err e = ERR_INIT;
	long long changed =
	    dmc_learners_set_grade_many(req_db(r), sid, ids, n, grade, room, acc_user_id(r), dmc_now(r), &e);
	free(ids);
	if (changed < 0) /* all or nothing: the transaction is rolled back */
		return err_refusal(&e) ? list_page(r, 422, e.msg) : view_fault(r, &e);
	acc_audit_in(r, req_db(r), area, acc_user_id(r), "dmc.grade_bulk", "school", sid,
		     json_pack("{s:s, s:I, s:I}", "grade", grade, "room", (json_int_t)room, "learners", (json_int_t)changed));
	char u[64];
	snprintf(u, sizeof u, "/dmc/schools/%lld/learners", sid);
	struct buf msg = BUF_INIT;
	buf_addf(&msg, "เปลี่ยนชั้น/ห้องของนักเรียน %lld คนแล้ว", changed);
	rc = view_redirect(r, u, buf_cstr(&msg));
	buf_release(&msg);
	return rc;
}

/* ---- adding and moving in ----------------------------------------------------------------- */

/* dmc_learner_check_all's report: a refusal shown at its field */
static void refusal_to_form(void *ctx, const struct err *refusal)
{
	if (!*refusal->field || !form_has_error(ctx, refusal->field)) /* the form's own check said it first */
		form_error_err(ctx, refusal);
}

static int add_page(struct req *r, int status, json_t *school, long long elsewhere)
{
	json_t *values = json_pack("{s:s, s:s, s:s, s:s, s:s}", "nationality", "TH", "disadvantaged", "none",
				   "disability", "none", "room", "1", "sex", "");
	json_t *form = form_model(r, dmc_learner_form, values);
	json_decref(values);
	struct err e = ERR_INIT;
	if (selects(r, form, &e) < 0) {
		json_decref(form);
		json_decref(school);
		return view_fault(r, &e);
	}
	char move_in[96];
	struct buf title = BUF_INIT;
	buf_addf(&title, "เพิ่มนักเรียน %s", jstr(school, "name"));
	snprintf(move_in, sizeof move_in, "/dmc/schools/%lld/move-in", jint(school, "id"));
	json_t *m = json_pack("{s:s, s:o, s:b, s:s}", "page_title", buf_cstr(&title), "form", form, "offer_move_in",
			      elsewhere != 0, "move_in_url", move_in);
	buf_release(&title);
	if (elsewhere) {
		struct err se = ERR_INIT;
		json_t *other = elsewhere > 0 ? org_school_get(req_db(r), elsewhere, &se) : NULL;
		json_object_set_new(m, "elsewhere_name", json_string(other ? jstr(other, "name") : ""));
		json_decref(other);
	}
	school_link(m, school);
	json_decref(school);
	return view_page(r, status, "dmc/learner_new", m);
}

static int add_get(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	return school ? add_page(r, 200, school, 0) : rc;
}

int dmc_add_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	struct dmc_learner_in in = {
	    .citizen_id = form_value(r, "citizen_id"),
	    .gcode = form_value(r, "gcode"),
	    .title = form_value(r, "title"),
	    .first_name = form_value(r, "first_name"),
	    .last_name = form_value(r, "last_name"),
	    .sex = form_value(r, "sex"),
	    .birth_date = form_value(r, "birth_date"),
	    .nationality = form_value(r, "nationality"),
	    .grade = form_value(r, "grade"),
	    .room = form_int(r, "room"),
	    .weight = form_value(r, "weight"),
	    .height = form_value(r, "height"),
	    .disadvantaged = form_value(r, "disadvantaged"),
	    .disability = form_value(r, "disability"),
	    .guardian_name = form_value(r, "guardian_name"),
	    .guardian_phone = form_value(r, "guardian_phone"),
	    .address = form_value(r, "address"),
	};
	struct err e = ERR_INIT;
	/* every wrong field at once (a check digit and a weight of 500 kg), before the code is looked up */
	int wrong = dmc_learner_add_errors(req_db(r), &in, dmc_now(r), refusal_to_form, r, &e);
	if (wrong < 0) {
		json_decref(school);
		return view_fault(r, &e);
	}
	if (wrong > 0 || !form_ok(r))
		return add_page(r, 422, school, 0);
	long long elsewhere = 0;
	long long id = dmc_learner_add(req_db(r), jint(school, "id"), &in, acc_user_id(r), dmc_now(r), &elsewhere, &e);
	if (id < 0) {
		if (!err_refusal(&e)) {
			json_decref(school);
			return view_fault(r, &e);
		}
		form_error_err(r, &e);
		/* elsewhere == our own school: a past record here (moved out);
		 * the API says "move him in instead" by its code */
		if (elsewhere)
			api_set_error_code(r, "move_in_offered");
		return add_page(r, 422, school, elsewhere ? elsewhere : 0);
	}
	acc_audit_in(r, req_db(r), jint(school, "area_id"), acc_user_id(r), "dmc.learner.add", "dmc_learner", id, NULL);
	json_decref(school);
	char u[64];
	snprintf(u, sizeof u, "/dmc/learners/%lld", id);
	return view_redirect(r, u, "เพิ่มนักเรียนแล้ว");
}

static int move_in_page(struct req *r, int status, json_t *school)
{
	json_t *values = json_pack("{s:s}", "room", "1");
	const char *cid = req_query(r, "citizen_id");
	if (cid && strlen(cid) <= 20)
		json_object_set_new(values, "citizen_id", json_string(cid));
	json_t *form = form_model(r, dmc_move_in_form, values);
	json_decref(values);
	struct err e = ERR_INIT;
	if (make_select(r, form, "grade", DMC_GRADES, "— ชั้นเดิม —", &e) < 0) {
		json_decref(form);
		json_decref(school);
		return view_fault(r, &e);
	}
	struct buf title = BUF_INIT;
	buf_addf(&title, "ย้ายนักเรียนเข้า %s", jstr(school, "name"));
	json_t *m = json_pack("{s:s, s:o}", "page_title", buf_cstr(&title), "form", form);
	buf_release(&title);
	school_link(m, school);
	json_decref(school);
	return view_page(r, status, "dmc/move_in", m);
}

static int move_in_get(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	return school ? move_in_page(r, 200, school) : rc;
}

int dmc_move_in_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	if (!form_ok(r))
		return move_in_page(r, 422, school);
	struct err e = ERR_INIT;
	long long id = dmc_learner_move_in(req_db(r), jint(school, "id"), form_value(r, "citizen_id"),
					   form_value(r, "grade"), form_int(r, "room"), acc_user_id(r), dmc_now(r), &e);
	if (id < 0) {
		if (!err_refusal(&e)) {
			json_decref(school);
			return view_fault(r, &e);
		}
		form_error_err(r, &e);
		return move_in_page(r, 422, school);
	}
	acc_audit_in(r, req_db(r), jint(school, "area_id"), acc_user_id(r), "dmc.learner.move_in", "dmc_learner", id,
		     NULL);
	json_decref(school);
	char u[64];
	snprintf(u, sizeof u, "/dmc/learners/%lld", id);
	return view_redirect(r, u, "ย้ายนักเรียนเข้าแล้ว ระเบียนและประวัติย้ายมาด้วย");
}

/* ---- one learner ------------------------------------------------------------------------------ */

static const char *const event_labels[][2] = {
    {"add", "เพิ่มนักเรียน"},  {"move_in", "ย้ายเข้า"}, {"import", "นำเข้าจากไฟล์"},	  {"move_out", "ย้ายออก"},   {"grade", "เปลี่ยนชั้น/ห้อง"},
    {"name", "เปลี่ยนชื่อ"},	  {"body", "บันทึกน้ำหนัก/ส่วนสูง"}, {"promote", "เลื่อนชั้น"}, {"graduate", "จบการศึกษา"},
    {"repeat", "ซ้ำชั้น (ไม่เลื่อนชั้น)"}, {"repeating", "ทำเครื่องหมายซ้ำชั้น"}, {"promote_undo", "ยกเลิกการเลื่อนชั้น"},
    {"dropout", "ออกกลางคัน (เขตพื้นที่อนุมัติ)"}, {"id_fix", "แก้ไขเลขประจำตัวประชาชน (เขตพื้นที่อนุมัติ)"},
};

static const char *event_label(const char *kind)
{
	for (size_t i = 0; i < sizeof event_labels / sizeof *event_labels; i++)
		if (!strcmp(event_labels[i][0], kind))
			return event_labels[i][1];
	return kind;
}

static const char *request_kind_label(const char *kind)
{
	return !strcmp(kind, "dropout") ? "ขอจำหน่ายออกกลางคัน" : "ขอแก้ไขเลขประจำตัวประชาชน";
}

static const char *request_status_label(const char *st)
{
	return !strcmp(st, "pending")	 ? "รอเขตพื้นที่อนุมัติ"
	       : !strcmp(st, "approved") ? "อนุมัติแล้ว"
	       : !strcmp(st, "rejected") ? "ไม่อนุมัติ"
					 : "โรงเรียนยกเลิกคำขอ";
}

static const char *learner_status_label(const char *st)
{
	return !strcmp(st, "active")	  ? "กำลังเรียน"
	       : !strcmp(st, "moved_out") ? "ย้ายออก"
	       : !strcmp(st, "graduated") ? "จบการศึกษา"
					  : "ออกกลางคัน";
}

/* the reasons of a drop-out, a list kept in the database */
static int make_dropout_select(struct req *r, json_t *form, struct err *e)
{
	json_t *f = form_field(form, "reason");
	json_t *opts = db_rows_json(req_db(r), "SELECT code AS value, label FROM dmc_dropout_reasons ORDER BY sort", NULL,
				    0, e);
	if (!opts)
		return -1;
	const char *v = jstr(f, "value");
	json_t *cs = json_array();
	json_array_append_new(cs, json_pack("{s:s, s:s, s:b}", "value", "", "label", "— เลือก —", "selected", !*v));
	size_t i;
	json_t *o;
	json_array_foreach(opts, i, o)
	{
		json_object_set_new(o, "selected", json_boolean(!strcmp(jstr(o, "value"), v)));
		json_array_append(cs, o);
	}
	json_decref(opts);
	json_object_set_new(f, "is_select", json_true());
	json_object_set_new(f, "maxlength", json_null());
	json_object_set_new(f, "choices", cs);
	return 0;
}


/* The learner page holds six forms, and form_model gives each the errors of
 * the request: only the form that was sent shows them (and its summary);
 * the others are as on a fresh page. */
static void form_quiet(json_t *fm)
{
	json_object_set_new(fm, "has_errors", json_false());
	json_object_set_new(fm, "error_count", json_integer(0));
	json_object_set_new(fm, "form_error", json_null());
	json_object_set_new(fm, "errors", json_object());
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(fm, "fields"), i, f) json_object_set_new(f, "error", json_null());
}

static int learner_page(struct req *r, int status, json_t *l, const char *error)
{
	struct err e = ERR_INIT;
	long long id = jint(l, "id");
	json_t *events = dmc_learner_events(req_db(r), id, &e);
	if (!events) {
		json_decref(l);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *ev;
	json_array_foreach(events, i, ev)
	{
		json_object_set_new(ev, "at_text", text_time(jint(ev, "at")));
		json_object_set_new(ev, "label", json_string(event_label(jstr(ev, "kind"))));
		/* an edit at the school says "ที่ X", not "จาก X ถึง X" */
		json_object_set_new(ev, "same_school", json_boolean(jint(ev, "from_school_id") > 0 &&
								    jint(ev, "from_school_id") == jint(ev, "to_school_id")));
	}
	/* X-5: a staff member read a learner's personal data */
	acc_audit_in(r, req_db(r), jint(l, "area_id"), acc_user_id(r), "personal.read", "dmc_learner", id, NULL);
	tenths_text(l, "weight_x10", "weight");
	tenths_text(l, "height_x10", "height");
	json_object_set_new(l, "sex_label", json_string(sex_label(jstr(l, "sex"))));
	json_object_set_new(l, "active", json_boolean(!strcmp(jstr(l, "status"), "active")));
	struct buf bd = BUF_INIT;
	int y, mo, d;
	if (thai_parse_date(jstr(l, "birth_date"), &y, &mo, &d) == 0)
		buf_addf(&bd, "%d %s %d", d, thai_month_abbr(mo), y + 543);
	json_object_set_new(l, "birth_date_text", json_string(buf_cstr(&bd)));
	buf_release(&bd);
	char room[8];
	snprintf(room, sizeof room, "%lld", jint(l, "room"));
	json_t *values = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", jstr(l, "title"), "first_name",
				   jstr(l, "first_name"), "last_name", jstr(l, "last_name"), "weight", jstr(l, "weight"),
				   "height", jstr(l, "height"), "grade", jstr(l, "grade"), "room", room);
	json_t *fname = form_model(r, dmc_name_form, values), *fbody = form_model(r, dmc_body_form, values),
	       *fgrade = form_model(r, dmc_grade_form, values), *fout = form_model(r, dmc_move_out_form, NULL);
	json_decref(values);
	if (make_select(r, fname, "title", DMC_TITLES, "— เลือก —", &e) < 0 ||
	    make_select(r, fgrade, "grade", DMC_GRADES, "— เลือก —", &e) < 0) {
		json_decref(fname);
		json_decref(fbody);
		json_decref(fgrade);
		json_decref(fout);
		json_decref(events);
		json_decref(l);
		return view_fault(r, &e);
	}
	bool can_edit = may_enter(acc_active_grant(r)) && !strcmp(jstr(l, "status"), "active");
	json_t *reqs = dmc_requests_learner(req_db(r), id, &e);
	json_t *fdrop = form_model(r, dmc_dropout_form, NULL), *ffix = form_model(r, idfix_form, NULL);
	if (!reqs || make_dropout_select(r, fdrop, &e) < 0) {
		json_decref(reqs);
		json_decref(fdrop);
		json_decref(ffix);
		json_decref(fname);
		json_decref(fbody);
		json_decref(fgrade);
		json_decref(fout);
		json_decref(events);
		json_decref(l);
		return view_fault(r, &e);
	}
	if (!strcmp(req_method(r), "POST")) {
		enum learner_action act = (enum learner_action)route_act(r);
		json_t *const forms[] = {fout, fname, fbody, fgrade, fdrop, ffix};
		const enum learner_action acts[] = {ACT_MOVE_OUT, ACT_NAME, ACT_BODY, ACT_GRADE, ACT_DROPOUT, ACT_IDFIX};
		for (size_t k = 0; k < sizeof forms / sizeof *forms; k++)
			if (acts[k] != act)
				form_quiet(forms[k]);
	}
	bool drop_pending = false, fix_pending = false;
	json_t *rq;
	json_array_foreach(reqs, i, rq)
	{
		bool pending = !strcmp(jstr(rq, "status"), "pending");
		if (pending)
			*(strcmp(jstr(rq, "kind"), "dropout") ? &fix_pending : &drop_pending) = true;
		json_object_set_new(rq, "pending", json_boolean(pending));
		json_object_set_new(rq, "kind_label", json_string(request_kind_label(jstr(rq, "kind"))));
		json_object_set_new(rq, "status_label", json_string(request_status_label(jstr(rq, "status"))));
		json_object_set_new(rq, "requested_at_text", text_time(jint(rq, "requested_at")));
		json_object_set_new(rq, "decided_at_text", text_time(jint(rq, "decided_at")));
		json_object_set_new(rq, "can_withdraw", json_boolean(pending && can_edit));
	}
	json_object_set_new(l, "status_label", json_string(learner_status_label(jstr(l, "status"))));
	/* say before typing that corrections wait for the next round */
	long long last_close = 0, reopens = 0;
	struct buf closed = BUF_INIT;
	if (can_edit && dmc_correction_window(req_db(r), jint(l, "school_id"), dmc_now(r), &last_close, &reopens, &e) < 0) {
		json_decref(reqs);
		json_decref(fdrop);
		json_decref(ffix);
		json_decref(fname);
		json_decref(fbody);
		json_decref(fgrade);
		json_decref(fout);
		json_decref(events);
		json_decref(l);
		return view_fault(r, &e);
	}
	if (reopens)
		dmc_correction_message(last_close, reopens, &closed);
	struct buf title = BUF_INIT;
	buf_addf(&title, "%s%s %s", jstr(l, "title_label"), jstr(l, "first_name"), jstr(l, "last_name"));
	json_t *m = json_pack("{s:s, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:b, s:b}", "page_title",
			      buf_cstr(&title), "learner", l, "events", events, "can_edit", can_edit, "name_form", fname,
			      "body_form", fbody, "grade_form", fgrade, "move_out_form", fout, "requests", reqs, "has_requests",
			      json_array_size(reqs) > 0, "dropout_form", fdrop, "idfix_form", ffix, "can_request_dropout",
			      can_edit && !drop_pending, "can_request_idfix", can_edit && !fix_pending);
	json_object_set_new(m, "error", error ? json_string(error) : json_null());
	/* every form of the page carries it as _version (partials/csrf) */
	json_object_set_new(m, "record_version", json_integer(jint(l, "version")));
	json_object_set_new(m, "idfix_closed", reopens ? json_string(buf_cstr(&closed)) : json_null());
	buf_release(&closed);
	buf_release(&title);
	return view_page(r, status, "dmc/learner", m);
}

static int learner_get(struct req *r)
{
	int rc = 0;
	json_t *l = learner_for(r, &rc);
	return l ? learner_page(r, 200, l, NULL) : rc;
}


/* A field of the form, or the stored value when the request left it out
 * (an API PATCH; the page's form sends every field). */
static const char *kept(struct req *r, json_t *stored, const char *name)
{
	return form_sent(r, name) ? form_value(r, name) : jstr(stored, name);
}

int dmc_learner_post(struct req *r)
{
	int rc = 0;
	json_t *l = learner_for(r, &rc);
	if (!l)
		return rc;
	enum learner_action act = (enum learner_action)route_act(r);
	if (!may_enter(acc_active_grant(r))) {
		json_decref(l);
		return acc_deny(r, "การแก้ไขข้อมูลนักเรียนทำได้เฉพาะเจ้าหน้าที่ข้อมูลนักเรียนและแอดมินของโรงเรียน");
	}
	/* an API PATCH of the name sends what changes: the names it leaves
	 * out keep what is stored (one sent empty is still refused) */
	if (act == ACT_NAME && !strcmp(req_method(r), "PATCH"))
		form_unsent_kept(r);
	if (!form_ok(r))
		return learner_page(r, 422, l, NULL);
	long long id = jint(l, "id"), sid = jint(l, "school_id"), by = acc_user_id(r), now = dmc_now(r);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	/* a save made from an older copy of the record (issue 10.6): the
	 * version it was made from must still be the record's. Read under the
	 * row's lock (PostgreSQL; SQLite's write transaction holds the one
	 * lock), so of two saves at once the second sees the first's version;
	 * the save itself moves the version on by one (below) */
	long long version = form_version(r), stored = -1;
	int found = db_int_value(db,
				 db_kind(db) == DB_SQLITE ? "SELECT version FROM dmc_learners WHERE id = $1"
							  : "SELECT version FROM dmc_learners WHERE id = $1 FOR UPDATE",
				 DB_ARGS(DB_INT(id)), &stored, &e);
	if (found <= 0) {
		json_decref(l);
		return found < 0 ? view_fault(r, &e) : view_error(r, 404, "ไม่พบนักเรียนคนนี้");
	}
	if (version >= 0 && version != stored) {
		json_t *cur = dmc_learner_get(db, id, &e);
		if (!cur) {
			json_decref(l);
			return view_fault(r, &e);
		}
		json_decref(l);
		tenths_text(cur, "weight_x10", "weight");
		tenths_text(cur, "height_x10", "height");
		char room[8];
		snprintf(room, sizeof room, "%lld", jint(cur, "room"));
		static const struct field *const forms[] = {dmc_move_out_form, dmc_name_form, dmc_body_form, dmc_grade_form,
							    dmc_dropout_form, idfix_form, dmc_empty_form};
		json_t *values = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", jstr(cur, "title"), "first_name",
					   jstr(cur, "first_name"), "last_name", jstr(cur, "last_name"), "weight",
					   jstr(cur, "weight"), "height", jstr(cur, "height"), "grade", jstr(cur, "grade"),
					   "room", room);
		form_stale(r, forms[act], values, jint(cur, "updated_at"), "ข้อมูลนักเรียน");
		json_decref(values);
		return learner_page(r, 409, cur, NULL);
	}
	const char *action = "";
	const char *done = "";
	switch (act) {
	case ACT_MOVE_OUT:
		rc = dmc_learner_move_out(db, sid, id, form_value(r, "destination"), by, now, &e);
		action = "dmc.learner.move_out";
		done = "ย้ายนักเรียนออกแล้ว";
		break;
	case ACT_NAME:
		rc = dmc_learner_rename(db, sid, id, kept(r, l, "title"), kept(r, l, "first_name"), kept(r, l, "last_name"),
					by, now, &e);
		action = "dmc.learner.name";
		done = "บันทึกชื่อใหม่แล้ว";
		break;
	case ACT_BODY:
		rc = dmc_learner_set_body(db, sid, id, form_value(r, "weight"), form_value(r, "height"), by, now, &e);
		action = "dmc.learner.body";
		done = "บันทึกน้ำหนักและส่วนสูงแล้ว";
		break;
	case ACT_GRADE:
		rc = dmc_learner_set_grade(db, sid, id, form_value(r, "grade"), form_int(r, "room"), by, now, &e);
		action = "dmc.learner.grade";
		done = "บันทึกชั้นและห้องแล้ว";
		break;
	case ACT_DROPOUT:
		rc = dmc_dropout_request(db, sid, id, form_value(r, "reason"), form_value(r, "dropout_note"), by, now, &e) < 0
			 ? -1
			 : 0;
		action = "dmc.dropout.request";
		done = "ส่งคำขอจำหน่ายนักเรียนออกกลางคันแล้ว รอเขตพื้นที่อนุมัติ (ระหว่างนี้นักเรียนยังนับอยู่ในโรงเรียน)";
		if (rc < 0 && !*e.field)
			snprintf(e.field, sizeof e.field, "reason");
		if (rc < 0 && !strcmp(e.field, "note"))
			snprintf(e.field, sizeof e.field, "dropout_note");
		break;
	case ACT_IDFIX:
		rc = dmc_id_fix_request(db, sid, id, form_value(r, "new_citizen_id"), form_value(r, "fix_note"), by, now,
					&e) < 0
			 ? -1
			 : 0;
		action = "dmc.id_fix.request";
		done = "ส่งคำขอแก้ไขเลขประจำตัวประชาชนแล้ว รอเขตพื้นที่อนุมัติ";
		if (rc < 0 && !*e.field)
			snprintf(e.field, sizeof e.field, "new_citizen_id");
		if (rc < 0 && !strcmp(e.field, "note"))
			snprintf(e.field, sizeof e.field, "fix_note");
		break;
	case ACT_WITHDRAW:
		rc = dmc_request_withdraw(db, sid, id, req_param_id(r, "rid"), by, now, &e);
		action = "dmc.request.withdraw";
		done = "ยกเลิกคำขอแล้ว";
		break;
	}
	if (rc < 0) {
		if (!err_refusal(&e)) {
			json_decref(l);
			return view_fault(r, &e);
		}
		if (e.status == 404) {
			json_decref(l);
			return view_error(r, 409, "นักเรียนคนนี้ไม่ได้อยู่ในโรงเรียนแล้ว จึงแก้ไขข้อมูลไม่ได้");
		}
		if (act == ACT_WITHDRAW) /* a button, not a form: the page says why */
			return learner_page(r, e.status == 409 ? 409 : 422, l, e.msg);
		form_error_err(r, &e);
		return learner_page(r, e.status == 409 ? 409 : 422, l, NULL);
	}
	/* one save, one version: the learner's changes move it on themselves,
	 * a request asked or withdrawn does not */
	if (db_exec(db, "UPDATE dmc_learners SET version = $2 + 1 WHERE id = $1 AND version = $2",
		    DB_ARGS(DB_INT(id), DB_INT(stored)), &e) < 0) {
		json_decref(l);
		return view_fault(r, &e);
	}
	acc_audit_in(r, db, jint(l, "area_id"), by, action, "dmc_learner", id, NULL);
	json_decref(l);
	char u[64];
	snprintf(u, sizeof u, act == ACT_MOVE_OUT ? "/dmc/schools/%lld" : "/dmc/learners/%lld", act == ACT_MOVE_OUT ? sid : id);
	return view_redirect(r, u, done);
}

/* ---- rounds --------------------------------------------------------------------------------- */


int dmc_round_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id"), area = jint(school, "area_id");
	json_decref(school);
	enum round_action act = (enum round_action)route_act(r);
	const struct acc_grant *g = acc_active_grant(r);
	if (act == RA_CONFIRM ? !may_enter(g) : !may_certify(g))
		return acc_deny(r, act == RA_CONFIRM ? "การยืนยันข้อมูลทำได้เฉพาะเจ้าหน้าที่ข้อมูลนักเรียนของโรงเรียน"
						     : "การรับรองข้อมูลทำได้เฉพาะผู้อำนวยการสถานศึกษา");
	long long rid = req_param_id(r, "rid");
	struct err e = ERR_INIT;
	if (rid <= 0)
		return view_error(r, 404, "ไม่พบรอบการจัดเก็บข้อมูลนี้");
	/* the form carries nothing but its token: a field sent with it (an API
	 * body's "note") is refused at the field, not dropped unread */
	if (!form_ok(r))
		return school_page(r, 422, NULL);
	rc = act == RA_CONFIRM ? dmc_round_confirm(req_db(r), rid, sid, acc_user_id(r), dmc_now(r), &e)
			       : dmc_round_certify(req_db(r), rid, sid, acc_user_id(r), dmc_now(r), &e);
	if (rc < 0) {
		if (!err_refusal(&e))
			return view_fault(r, &e);
		if (e.status == 409) {
			/* the error shape's code: outside the round's window (as the
			 * school's area sees it), or a step done / not yet allowed */
			struct err we = ERR_INIT;
			json_t *round = dmc_round_for_school(req_db(r), rid, sid, &we);
			bool open = round && dmc_window_state(jint(round, "open_at"), jint(round, "close_at"), dmc_now(r)) ==
						 DMC_WINDOW_OPEN;
			json_decref(round);
			api_set_error_code(r, open ? "round_step_refused" : "round_window_closed");
		}
		return school_page(r, e.status == 404 ? 404 : 409, e.msg);
	}
	acc_audit_in(r, req_db(r), area, acc_user_id(r), act == RA_CONFIRM ? "dmc.round.confirm" : "dmc.round.certify",
		     "school", sid, json_pack("{s:I}", "round_id", (json_int_t)rid));
	char u[64];
	snprintf(u, sizeof u, "/dmc/schools/%lld", sid);
	return view_redirect(r, u,
			     act == RA_CONFIRM ? "ยืนยันข้อมูลแล้ว รอผู้อำนวยการสถานศึกษารับรอง"
					       : "รับรองข้อมูลแล้ว ข้อมูลรอบนี้ถูกบันทึกเป็นข้อมูล ณ วันรับรอง");
}

/* A subsidy PDF as a download named like every export: the ASCII name
 * base-<BE date>.pdf and the Thai name title-<BE date>.pdf (sheet_filename's
 * date, Bangkok, Buddhist Era). Takes out. */
static int subsidy_pdf_download(struct req *r, struct buf *out, const char *base, const char *title)
{
	return export_pdf(r, out, base, "%s", title);
}

/* A school's per-head subsidy as an A4 document (DMC-4), from what it
 * certified in the round: the rates, learners, rate and amount per level,
 * the total in figures and words, and the certified learners by grade ×
 * sex — the snapshot, so printing it again later gives the same page. */
static int school_subsidy_pdf(struct req *r, json_t *school, json_t *round, json_t *st, json_t *counts, json_t *sub)
{
	struct buf title = BUF_INIT, line = BUF_INIT;
	buf_addf(&title, "เงินอุดหนุนรายหัว %s", jstr(school, "name"));
	struct pdf *p = pdf_new(buf_cstr(&title));
	pdf_subtitle(p, jstr(round, "label"));
	pdf_text(p, "คำนวณจากข้อมูลนักเรียนที่ผู้อำนวยการสถานศึกษารับรองแล้ว (ข้อมูล ณ วันรับรอง)");
	pdf_row(p, "โรงเรียน", jstr(school, "name"));
	pdf_row(p, "รหัสโรงเรียน", jstr(school, "obec_code"));
	buf_reset(&line);
	thai_datetime_short(&line, jint(st, "certified_at"));
	pdf_row(p, "รับรองข้อมูลเมื่อ", buf_cstr(&line));
	/* the certifier on a row of his own: after the date the value column has
	 * no room left, and a name must not be broken between its words */
	if (*jstr(st, "certified_by_name") && strcmp(jstr(st, "certified_by_name"), " "))
		pdf_row(p, "ผู้รับรอง", jstr(st, "certified_by_name"));
	buf_reset(&line);
	buf_addf(&line, "อัตราต่อคนต่อปี ปีการศึกษา %lld%s", jint(round, "academic_year"),
		 json_is_true(json_object_get(sub, "own_rates")) ? "" : " (อัตรามาตรฐาน)");
	pdf_heading(p, buf_cstr(&line));
	static const char *const heads[] = {"ระดับ", "นักเรียน (คน)", "อัตราต่อคน (บาท)", "เงินอุดหนุน (บาท)"};
	static const double widths[] = {2.8, 1.8, 2.2, 2.4};
	pdf_table(p, 4, heads, widths);
	pdf_table_kinds(p, "tnnn"); /* heads and money right-aligned */
	json_t *row = json_array_get(json_object_get(sub, "schools"), 0);
	size_t i;
	json_t *lv;
	json_array_foreach(json_object_get(row, "levels"), i, lv)
	{
		char n[24];
		snprintf(n, sizeof n, "%lld", jint(lv, "heads"));
		struct buf rate = BUF_INIT, amount = BUF_INIT;
		thai_baht_format(jint(lv, "rate_satang"), &rate);
		thai_baht_format(jint(lv, "amount_satang"), &amount);
		const char *cells[] = {jstr(lv, "label"), n, buf_cstr(&rate), buf_cstr(&amount)};
		pdf_table_row(p, cells);
		buf_release(&rate);
		buf_release(&amount);
	}
	{
		char n[24];
		snprintf(n, sizeof n, "%lld", jint(row, "heads"));
		struct buf amount = BUF_INIT;
		thai_baht_format(jint(row, "amount_satang"), &amount);
		const char *cells[] = {"รวม", n, "", buf_cstr(&amount)};
		pdf_table_row(p, cells);
		buf_release(&amount);
	}
	struct buf amount = BUF_INIT, words = BUF_INIT;
	long long total = jint(row, "amount_satang");
	thai_baht_format(total, &amount);
	buf_adds(&amount, " บาท");
	buf_adds(&words, "(");
	thai_baht_words(total, &words);
	buf_adds(&words, ")");
	pdf_space(p, 4);
	pdf_row_amount(p, "รวมเงินอุดหนุนรายหัวของโรงเรียน", buf_cstr(&amount), buf_cstr(&words));
	buf_release(&amount);
	buf_release(&words);
	pdf_heading(p, "นักเรียนที่รับรองแล้ว รายชั้น");
	static const char *const gheads[] = {"ชั้น", "ชาย", "หญิง", "รวม"};
	static const double gwidths[] = {2.0, 1.5, 1.5, 1.5};
	pdf_table(p, 4, gheads, gwidths);
	pdf_table_kinds(p, "tnnn");
	json_t *g;
	json_array_foreach(json_object_get(counts, "rows"), i, g)
	{
		if (jint(g, "total") <= 0)
			continue;
		char m[24], f[24], t[24];
		snprintf(m, sizeof m, "%lld", jint(g, "male"));
		snprintf(f, sizeof f, "%lld", jint(g, "female"));
		snprintf(t, sizeof t, "%lld", jint(g, "total"));
		const char *cells[] = {jstr(g, "label"), m, f, t};
		pdf_table_row(p, cells);
	}
	buf_reset(&line);
	buf_adds(&line, "พิมพ์เมื่อ ");
	thai_datetime_short(&line, dmc_now(r));
	pdf_footer(p, buf_cstr(&line));
	buf_release(&line);
	buf_release(&title);
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	if (pdf_finish(p, &out, &e) < 0) {
		buf_release(&out);
		return view_fault(r, &e);
	}
	char base[48];
	snprintf(base, sizeof base, "dmc-subsidy-school-%lld", jint(school, "id"));
	struct buf name = BUF_INIT;
	buf_addf(&name, "เงินอุดหนุนรายหัว %s", jstr(school, "name"));
	int rc = subsidy_pdf_download(r, &out, base, buf_cstr(&name));
	buf_release(&name);
	return rc;
}

static int snapshot_get(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	struct err e = ERR_INIT;
	long long rid = req_param_id(r, "rid");
	json_t *round = rid > 0 ? dmc_round_get(req_db(r), rid, &e) : NULL;
	json_t *st = round ? dmc_round_school(req_db(r), rid, jint(school, "id"), &e) : NULL;
	json_t *counts = st ? dmc_snapshot_counts(req_db(r), rid, jint(school, "id"), &e) : NULL;
	if (!counts) {
		json_decref(round);
		json_decref(st);
		json_decref(school);
		return e.status == 404 || rid <= 0 ? view_error(r, 404, "ไม่พบรอบการจัดเก็บข้อมูลนี้") : view_fault(r, &e);
	}
	json_t *basic = dmc_basic_get(req_db(r), rid, jint(school, "id"), &e);
	if (!basic) {
		json_decref(round);
		json_decref(st);
		json_decref(counts);
		json_decref(school);
		return view_fault(r, &e);
	}
	basic_shown(basic);
	json_object_set_new(st, "certified_at_text", text_time(jint(st, "certified_at")));
	struct buf title = BUF_INIT;
	buf_addf(&title, "ข้อมูลที่รับรองแล้ว %s", jstr(round, "label"));
	json_t *sub = dmc_subsidy_area(req_db(r), rid, 0, jint(school, "id"), &e);
	if (!sub) {
		json_decref(round);
		json_decref(st);
		json_decref(counts);
		json_decref(basic);
		json_decref(school);
		return view_fault(r, &e);
	}
	const char *format = req_query(r, "format");
	if (format && !strcmp(format, "pdf")) {
		if (jint(st, "certified_at") <= 0 || !json_array_size(json_object_get(sub, "schools")))
			rc = view_error(r, 404, "โรงเรียนยังไม่ได้รับรองข้อมูลรอบนี้ จึงยังไม่มีเงินอุดหนุนรายหัวจากข้อมูลที่รับรอง");
		else {
			rc = school_subsidy_pdf(r, school, round, st, counts, sub);
			acc_audit_in(r, req_db(r), jint(school, "area_id"), acc_user_id(r), "dmc.subsidy.export", "school",
				     jint(school, "id"), json_pack("{s:s, s:I}", "format", "pdf", "round_id", (json_int_t)rid));
		}
		buf_release(&title);
		json_decref(round);
		json_decref(st);
		json_decref(counts);
		json_decref(basic);
		json_decref(sub);
		json_decref(school);
		return rc;
	}
	subsidy_text(sub);
	json_t *m = json_pack("{s:s, s:o, s:o, s:o, s:b, s:o, s:o}", "page_title", buf_cstr(&title), "round", round, "progress", st,
			      "counts", counts, "certified", jint(st, "certified_at") > 0, "basic", basic, "subsidy", sub);
	buf_release(&title);
	school_link(m, school);
	json_decref(school);
	return view_page(r, 200, "dmc/snapshot", m);
}

/* ---- year-end promotion ----------------------------------------------------------------- */

static const struct choice mark_choices[] = {{"1", "ซ้ำชั้น"}, {"0", "ไม่ซ้ำชั้น"}, {NULL, NULL}};

static const struct field repeating_form[] = {
    {"ids", "นักเรียน", FT_INT, F_REQUIRED | F_MULTI, 0, 1},
    {"repeating", "ซ้ำชั้น", FT_CHOICE, F_REQUIRED, 0, 0, NULL, NULL, mark_choices},
    {"grade", "ชั้น", FT_TEXT, 0, 16},
    {NULL},
};

static int promotion_page(struct req *r, int status, const char *error)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id"), now = dmc_now(r);
	const char *grade = req_query(r, "grade");
	if (!grade || strlen(grade) > 16)
		grade = "";
	struct err e = ERR_INIT;
	json_t *ye = dmc_yearend(req_db(r), sid, now, &e);
	if (!ye && e.status != 404) {
		json_decref(school);
		return view_fault(r, &e);
	}
	err_clear(&e);
	json_t *done = NULL;
	if (ye) {
		done = dmc_promotion_get(req_db(r), jint(json_object_get(ye, "round"), "id"), sid, &e);
		if (!done && e.status != 404) {
			json_decref(ye);
			json_decref(school);
			return view_fault(r, &e);
		}
		err_clear(&e);
	}
	json_t *rep = dmc_repeaters(req_db(r), sid, &e);
	json_t *grades = rep ? dmc_choices(req_db(r), DMC_GRADES, &e) : NULL;
	json_t *list = grades && *grade ? dmc_grade_learners(req_db(r), sid, grade, &e) : grades ? json_array() : NULL;
	if (!list) {
		json_decref(rep);
		json_decref(grades);
		json_decref(done);
		json_decref(ye);
		json_decref(school);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *g;
	json_array_foreach(grades, i, g) json_object_set_new(g, "selected", json_boolean(!strcmp(jstr(g, "value"), grade)));
	json_array_foreach(list, i, g) json_object_set_new(g, "repeating", json_boolean(jint(g, "repeating") != 0));
	bool enter = may_enter(acc_active_grant(r)), open = ye && !strcmp(jstr(ye, "state"), "open");
	if (ye) {
		json_object_set_new(ye, "opens_at_text", text_time(jint(ye, "opens_at")));
		json_object_set_new(ye, "next_entry_from_text", text_time(jint(ye, "next_entry_from")));
		json_object_set_new(ye, "next_open_at_text", text_time(jint(ye, "next_open_at")));
	}
	if (done)
		json_object_set_new(done, "at_text", text_time(jint(done, "at")));
	struct buf title = BUF_INIT;
	buf_addf(&title, "เลื่อนชั้นสิ้นปีการศึกษา %s", jstr(school, "name"));
	json_t *m = json_pack(
	    "{s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:b, s:b, s:b, s:b, s:b, s:s?}", "page_title", buf_cstr(&title),
	    "yearend", ye ? ye : json_null(), "promotion", done ? done : json_null(), "repeaters", rep, "grades", grades,
	    "grade_learners", list, "grade", grade, "has_repeaters", json_array_size(rep) > 0, "has_grade_learners",
	    json_array_size(list) > 0, "can_mark", enter, "can_promote", enter && open && !done, "can_undo",
	    enter && done && ye && now < jint(ye, "next_entry_from"), "error", error);
	buf_release(&title);
	school_link(m, school);
	json_decref(school);
	return view_page(r, status, "dmc/promotion", m);
}

static int promotion_get(struct req *r)
{
	return promotion_page(r, 200, NULL);
}

static void promotion_url(char *u, size_t n, long long sid, const char *grade)
{
	snprintf(u, n, "/dmc/schools/%lld/promotion%s%s", sid, grade && *grade ? "?grade=" : "",
		 grade && *grade && strlen(grade) <= 16 && strspn(grade, "kpm0123456789") == strlen(grade) ? grade : "");
}

static int repeating_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id"), area = jint(school, "area_id");
	json_decref(school);
	if (!form_ok(r))
		return promotion_page(r, 422, "กรุณาเลือกนักเรียนอย่างน้อยหนึ่งคน");
	json_t *vals = form_values(r, "ids");
	size_t n = json_array_size(vals), i;
	long long *ids = xcalloc(n ? n : 1, sizeof *ids);
	json_t *v;
	json_array_foreach(vals, i, v) ids[i] = num_ll_or(json_string_value(v), 0);
	bool mark = !strcmp(form_value(r, "repeating"), "1");
	struct err e = ERR_INIT;
	long long changed = dmc_learners_set_repeating(req_db(r), sid, ids, n, mark, acc_user_id(r), dmc_now(r), &e);
	free(ids);
	if (changed < 0)
		return err_refusal(&e) ? promotion_page(r, 422, e.msg) : view_fault(r, &e);
	acc_audit_in(r, req_db(r), area, acc_user_id(r), "dmc.learner.repeating", "school", sid,
		     json_pack("{s:b, s:I}", "repeating", mark, "learners", (json_int_t)changed));
	char u[96];
	promotion_url(u, sizeof u, sid, form_value(r, "grade"));
	struct buf msg = BUF_INIT;
	buf_addf(&msg, mark ? "ทำเครื่องหมายซ้ำชั้นแล้ว %lld คน" : "ยกเลิกเครื่องหมายซ้ำชั้นแล้ว %lld คน", changed);
	rc = view_redirect(r, u, buf_cstr(&msg));
	buf_release(&msg);
	return rc;
}

enum promotion_action { PA_PROMOTE, PA_UNDO };

static int promotion_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id"), area = jint(school, "area_id");
	json_decref(school);
	enum promotion_action act = (enum promotion_action)(long)(intptr_t)req_route_data(r);
	struct err e = ERR_INIT;
	struct buf msg = BUF_INIT;
	if (act == PA_PROMOTE) {
		long long up = 0, grad = 0, stay = 0;
		long long pid = dmc_promote_school(req_db(r), sid, acc_user_id(r), dmc_now(r), &up, &grad, &stay, &e);
		if (pid < 0)
			return err_refusal(&e) ? promotion_page(r, e.status == 404 ? 404 : 409, e.msg) : view_fault(r, &e);
		acc_audit_in(r, req_db(r), area, acc_user_id(r), "dmc.promotion", "school", sid,
			     json_pack("{s:I, s:I, s:I, s:I}", "promotion_id", (json_int_t)pid, "promoted", (json_int_t)up,
				       "graduated", (json_int_t)grad, "repeated", (json_int_t)stay));
		buf_addf(&msg, "เลื่อนชั้นแล้ว: เลื่อนชั้น %lld คน จบการศึกษา %lld คน ซ้ำชั้น %lld คน", up, grad, stay);
	} else {
		long long skipped = 0;
		long long n = dmc_promotion_undo(req_db(r), sid, acc_user_id(r), dmc_now(r), &skipped, &e);
		if (n < 0)
			return err_refusal(&e) ? promotion_page(r, e.status == 404 ? 404 : 409, e.msg) : view_fault(r, &e);
		acc_audit_in(r, req_db(r), area, acc_user_id(r), "dmc.promotion.undo", "school", sid,
			     json_pack("{s:I, s:I}", "restored", (json_int_t)n, "skipped", (json_int_t)skipped));
		buf_addf(&msg, "ยกเลิกการเลื่อนชั้นแล้ว นักเรียนกลับชั้นเดิม %lld คน", n);
		if (skipped)
			buf_addf(&msg, " (%lld คนเปลี่ยนแปลงไปหลังเลื่อนชั้น เช่น ย้ายออกหรือย้ายเข้าโรงเรียนอื่น จึงคงไว้ตามเดิม)",
				 skipped);
	}
	char u[96];
	promotion_url(u, sizeof u, sid, NULL);
	rc = view_redirect(r, u, buf_cstr(&msg));
	buf_release(&msg);
	return rc;
}

/* ---- the area ----------------------------------------------------------------------------------- */

/* The stacked bars of learners by grade (boys below, girls above) as SVG
 * geometry worked out here, as the OSS officers' chart does
 * (presentation attributes only: the CSP's style-src 'self' holds). */
/* v with one decimal, as "%.1f" writes it (halves away from zero), into
 * t (32 bytes) without printf: a chart's bars are 8 numbers each */
static void tenths(char t[32], double v)
{
	long long q = llround(v * 10);
	char d[24];
	size_t n = 0, k = 0;
	if (q < 0) {
		t[k++] = '-';
		q = -q;
	}
	n = buf_fmt_int(d, q / 10);
	memcpy(t + k, d, n);
	k += n;
	t[k++] = '.';
	t[k++] = (char)('0' + q % 10);
	t[k] = '\0';
}

static json_t *grade_chart(json_t *grades, long long *peak_out)
{
	long long peak = 0;
	size_t n = 0, i;
	json_t *g;
	json_array_foreach(grades, i, g) if (json_is_true(json_object_get(g, "shown")))
	{
		n++;
		if (jint(g, "total") > peak)
			peak = jint(g, "total");
	}
	json_t *bars = json_array();
	const double left = 40, top = 16, plot_w = 590, plot_h = 160, slot = n ? plot_w / (double)n : plot_w;
	size_t k = 0;
	json_array_foreach(grades, i, g)
	{
		if (!json_is_true(json_object_get(g, "shown")))
			continue;
		long long m = jint(g, "male"), f = jint(g, "female");
		double hm = peak > 0 ? plot_h * (double)m / (double)peak : 0, hf = peak > 0 ? plot_h * (double)f / (double)peak : 0;
		double x = left + slot * (double)k + slot * 0.15;
		char num[7][32], ty[32];
		tenths(num[0], x);
		tenths(num[1], top + plot_h - hm);
		tenths(num[2], slot * 0.7);
		tenths(num[3], hm);
		tenths(num[4], top + plot_h - hm - hf);
		tenths(num[5], hf);
		tenths(num[6], x + slot * 0.35);
		tenths(ty, top + plot_h - hm - hf - 4);
		json_array_append_new(bars, json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "label",
						      jstr(g, "label"), "male", (json_int_t)m, "female", (json_int_t)f,
						      "total", (json_int_t)(m + f), "x", num[0], "ym", num[1], "w", num[2],
						      "hm", num[3], "yf", num[4], "hf", num[5], "cx", num[6], "ty", ty));
		k++;
	}
	*peak_out = peak;
	return bars;
}

static void signed_text(json_t *row, const char *key, const char *out)
{
	json_t *v = json_object_get(row, key);
	char s[32] = "-";
	if (json_is_integer(v))
		snprintf(s, sizeof s, "%s%lld", json_integer_value(v) > 0 ? "+" : "", (long long)json_integer_value(v));
	json_object_set_new(row, out, json_string(s));
}

/* The round an area or national page shows: ?round=ID, else the current
 * one (the area's, with its extension, when area_id > 0). *past: its
 * window has closed (the counts shown are then what was certified). NULL
 * with e->status 0 when no round is laid out yet. */
static json_t *dashboard_round(struct req *r, long long area_id, bool *past, struct err *e)
{
	long long rid = req_query_int(r, "round", 0, 0, (long long)1 << 53), now = dmc_now(r);
	json_t *round = NULL;
	*past = false;
	if (rid > 0) {
		round = dmc_round_get(req_db(r), rid, e);
		if (round)
			*past = now >= jint(round, "close_at") + 60;
		return round;
	}
	round = area_id > 0 ? dmc_round_current_area(req_db(r), area_id, now, e) : dmc_round_current(req_db(r), now, e);
	if (!round && e->status == 404) {
		err_clear(e);
		/* every round closed: the last one, as certified */
		round = db_row_json(req_db(r),
				    "SELECT id, academic_year, round_no, label, round_day, entry_from, open_at, close_at "
				    "FROM dmc_rounds ORDER BY close_at DESC LIMIT 1",
				    NULL, 0, e);
		if (!round && e->status == 404)
			err_clear(e);
		*past = round != NULL;
	}
	return round;
}

static json_t *previous_round(struct req *r, json_t *round, struct err *e)
{
	if (!round)
		return json_null();
	json_t *p = dmc_round_previous(req_db(r), jint(round, "academic_year"), jint(round, "round_no"), e);
	if (!p && e->status == 404) {
		err_clear(e);
		return json_null();
	}
	return p;
}

/* The area's dashboard as CSV or XLSX: a row per school with its
 * progress, learners by every grade × sex, totals and the change. */
static int area_export(struct req *r, json_t *area, json_t *round, json_t *dash, enum sheet_format fmt)
{
	struct err e = ERR_INIT;
	json_t *grades = dmc_choices(req_db(r), DMC_GRADES, &e);
	if (!grades)
		return view_fault(r, &e);
	size_t ng = json_array_size(grades), i;
	struct sheet_col cols[64];
	struct buf heads = BUF_INIT; /* the grade headers' texts, kept while the sheet is made */
	size_t nc = 0;
	static const char *const first[] = {"โรงเรียน", "รหัสโรงเรียน", "ยืนยันเมื่อ", "รับรองเมื่อ", "เขตรับทราบเมื่อ"};
	for (i = 0; i < 5; i++)
		cols[nc++] = (struct sheet_col){first[i], i == 0 ? 40 : 18,
						i == 0 ? SHEET_TEXT : i == 1 ? SHEET_CODE : SHEET_DATETIME};
	size_t *offs = xcalloc(ng * 2 + 1, sizeof *offs);
	for (i = 0; i < ng && nc + 2 < 56; i++) {
		offs[2 * i] = heads.len;
		buf_addf(&heads, "%s ชาย", jstr(json_array_get(grades, i), "label"));
		buf_addc(&heads, '\0');
		offs[2 * i + 1] = heads.len;
		buf_addf(&heads, "%s หญิง", jstr(json_array_get(grades, i), "label"));
		buf_addc(&heads, '\0');
		nc += 2;
	}
	static const char *const last[] = {"ชาย", "หญิง", "รวม", "รับรองรอบนี้", "รับรองรอบก่อน", "เปลี่ยนแปลง"};
	for (size_t k = 0; k < 6; k++)
		cols[nc++] = (struct sheet_col){last[k], 12, SHEET_NUMBER};
	for (i = 0; i < ng; i++) {
		cols[5 + 2 * i].header = heads.data + offs[2 * i];
		cols[5 + 2 * i].width = 10;
		cols[5 + 2 * i].kind = SHEET_NUMBER;
		cols[5 + 2 * i + 1].header = heads.data + offs[2 * i + 1];
		cols[5 + 2 * i + 1].width = 10;
		cols[5 + 2 * i + 1].kind = SHEET_NUMBER;
	}
	free(offs);
	struct buf title = BUF_INIT;
	buf_addf(&title, "ข้อมูลนักเรียน %s", jstr(area, "short_name"));
	/* dmc-area-3502-2026-12-07.xlsx (core/export.h), the Thai title as UTF-8 name */
	char base[48];
	snprintf(base, sizeof base, "dmc-area-%s", jstr(area, "code"));
	const struct export_list l = {buf_cstr(&title), base, (int)nc, cols};
	struct sheet *sh = export_begin(r, fmt, &l, &e);
	if (!sh) {
		buf_release(&title);
		buf_release(&heads);
		json_decref(grades);
		return view_fault(r, &e);
	}
	json_t *row;
	json_array_foreach(json_object_get(dash, "schools"), i, row)
	{
		sheet_text(sh, jstr(row, "name"));
		sheet_code(sh, jstr(row, "obec_code"));
		/* date-time cells (Bangkok, shown in BE); none yet: empty */
		const char *times[] = {"confirmed_at", "certified_at", "acknowledged_at"};
		for (int t = 0; t < 3; t++)
			sheet_json(sh, json_object_get(row, times[t]));
		size_t k;
		json_t *c;
		json_array_foreach(json_object_get(row, "all_grades"), k, c)
		{
			if (k >= ng)
				break;
			sheet_number(sh, (double)jint(c, "male"));
			sheet_number(sh, (double)jint(c, "female"));
		}
		sheet_number(sh, (double)jint(row, "male"));
		sheet_number(sh, (double)jint(row, "female"));
		sheet_number(sh, (double)jint(row, "total"));
		const char *opt[] = {"certified_total", "prev_total", "change"};
		for (int t = 0; t < 3; t++) {
			json_t *v = json_object_get(row, opt[t]);
			if (json_is_integer(v))
				sheet_number(sh, (double)json_integer_value(v));
			else
				sheet_text(sh, "");
		}
		sheet_row_end(sh);
	}
	/* the area's total row */
	sheet_text(sh, "รวมทั้งเขตพื้นที่");
	sheet_text(sh, "");
	for (int t = 0; t < 3; t++)
		sheet_text(sh, "");
	json_array_foreach(json_object_get(dash, "area_grades"), i, row)
	{
		if (i >= ng)
			break;
		sheet_number(sh, (double)jint(row, "male"));
		sheet_number(sh, (double)jint(row, "female"));
	}
	sheet_number(sh, (double)jint(dash, "male"));
	sheet_number(sh, (double)jint(dash, "female"));
	sheet_number(sh, (double)jint(dash, "total"));
	sheet_number(sh, (double)jint(dash, "certified_total"));
	sheet_number(sh, (double)jint(dash, "prev_total"));
	sheet_text(sh, "");
	sheet_row_end(sh);
	(void)round;
	int rc = export_end(r, sh, fmt, &l);
	buf_release(&title);
	buf_release(&heads);
	json_decref(grades);
	return rc;
}

/* ?round= as the page was asked ("round=ID&" or ""), kept in its links */
static void round_param(struct req *r, struct buf *b)
{
	long long rid = req_query_int(r, "round", 0, 0, (long long)1 << 53);
	if (rid > 0)
		buf_addf(b, "round=%lld&", rid);
}

/* The status filter's links: every school, then those not confirmed (what
 * an officer chases on the round day), confirmed and waiting for the
 * director, certified; each with its number of schools (kept counts) and
 * the search kept. */
static json_t *status_filters(struct req *r, long long aid, const char *q, int current, json_t *m)
{
	static const char *const labels[] = {"ทุกโรงเรียน", "ยังไม่ยืนยัน", "ยืนยันแล้ว รอรับรอง", "รับรองแล้ว"};
	static const char *const counts[] = {"n_schools", "n_pending", "n_waiting", "n_certified"};
	static const int order[] = {DMC_AREA_ALL, DMC_AREA_PENDING, DMC_AREA_CONFIRMED, DMC_AREA_CERTIFIED};
	json_t *out = json_array();
	for (int k = 0; k < 4; k++) {
		int st = order[k];
		struct buf u = BUF_INIT;
		buf_addf(&u, "/dmc/areas/%lld?", aid);
		round_param(r, &u);
		if (st != DMC_AREA_ALL)
			buf_addf(&u, "status=%s&", dmc_area_status_code(st));
		if (*q) {
			buf_adds(&u, "q=");
			buf_add_urlenc(&u, q);
		}
		if (u.data[u.len - 1] == '&' || u.data[u.len - 1] == '?')
			u.data[--u.len] = '\0'; /* the link ends with its last parameter */
		json_array_append_new(out, json_pack("{s:s, s:I, s:s, s:b}", "label", labels[st], "count",
						     (json_int_t)jint(m, counts[st]), "url", buf_cstr(&u), "current",
						     st == current));
		buf_release(&u);
	}
	return out;
}

static int area_page(struct req *r, int status, const char *error)
{
	int rc = 0;
	json_t *area = acc_area_for(r, &area_path, "ข้อมูลนักเรียนรายโรงเรียนของเขตพื้นที่ดูได้เฉพาะเจ้าหน้าที่ของเขตพื้นที่และ สพฐ.", &rc);
	if (!area)
		return rc;
	long long aid = jint(area, "id");
	struct err e = ERR_INIT;
	bool past = false;
	json_t *round = dashboard_round(r, aid, &past, &e);
	json_t *prev = e.status ? NULL : previous_round(r, round, &e);
	long long rid = round ? jint(round, "id") : 0, pid = json_is_object(prev) ? jint(prev, "id") : 0;
	enum sheet_format fmt;
	const char *format = req_query(r, "format");
	/* the JSON answer and the exports: every school of the area; the HTML
	 * page: one page of them (dmc_area_page) under the area's summary */
	bool exporting = format && sheet_parse_format(format, &fmt) == 0, whole = req_wants_json(r) || exporting;
	if (format && *format && !exporting) { /* ?format=pdf: said, not the page in the file's place */
		json_decref(round);
		json_decref(prev);
		json_decref(area);
		return view_error(r, 404, "ไม่มีรูปแบบไฟล์นี้ เลือกได้เฉพาะ csv หรือ xlsx");
	}
	const char *q = req_query(r, "q"), *st_word = req_query(r, "status");
	q = q ? q : "";
	int st = dmc_area_status_parse(st_word);
	struct err qe = ERR_INIT;
	if (!whole && search_query_check(q, &qe) < 0) {
		if (!error) {
			status = 422;
			error = qe.msg;
		}
		q = "";
	}
	if (!whole && st < 0) {
		if (!error) {
			status = 422;
			error = "ไม่มีสถานะนี้ เลือกได้: ยังไม่ยืนยัน ยืนยันแล้ว รอรับรอง หรือรับรองแล้ว (แสดงทุกโรงเรียน)";
		}
		st = DMC_AREA_ALL;
	}
	json_t *dash = NULL;
	long long ndup = -1;
	if (!e.status && whole) {
		dash = dmc_area_dashboard(req_db(r), aid, rid, pid, past, DMC_DASH_ALL, &e);
		ndup = dash ? dmc_duplicates_count(req_db(r), aid, &e) : -1;
	} else if (!e.status) {
		const struct dmc_area_q aq = {.area_id = aid,
					      .school_count = jint(area, "school_count"),
					      .round_id = rid,
					      .prev_round_id = pid,
					      .certified_counts = past,
					      .status = st,
					      .q = q,
					      .page = req_query_int(r, "page", 1, 1, 1000000)};
		dash = dmc_area_page(req_db(r), &aq, &e);
		ndup = dash ? jint(dash, "duplicates") : -1;
	}
	if (ndup < 0) {
		json_decref(round);
		json_decref(prev);
		json_decref(dash);
		json_decref(area);
		return e.status == 404 ? view_error(r, 404, "ไม่พบรอบการจัดเก็บข้อมูลนี้") : view_fault(r, &e);
	}
	if (exporting) {
		rc = area_export(r, area, round, dash, fmt);
		acc_audit_in(r, req_db(r), aid, acc_user_id(r), "dmc.dashboard.export", "area", aid,
			     json_pack("{s:s, s:I}", "format", format, "round_id", (json_int_t)rid));
		json_decref(round);
		json_decref(prev);
		json_decref(dash);
		json_decref(area);
		return rc;
	}
	size_t i;
	json_t *row;
	bool acker = acc_grant_is(acc_active_grant(r), "dmc_area");
	json_array_foreach(json_object_get(dash, "schools"), i, row)
	{
		json_object_set_new(row, "confirmed_at_text", text_time(jint(row, "confirmed_at")));
		json_object_set_new(row, "certified_at_text", text_time(jint(row, "certified_at")));
		json_object_set_new(row, "acknowledged_at_text", text_time(jint(row, "acknowledged_at")));
		json_object_set_new(row, "can_ack",
				    json_boolean(acker && jint(row, "certified_at") > 0 && !jint(row, "acknowledged_at")));
		signed_text(row, "change", "change_text");
		json_object_set_new(row, "prev_text", json_is_integer(json_object_get(row, "prev_total"))
							  ? json_sprintf("%lld", jint(row, "prev_total"))
							  : json_string("-"));
	}
	/* the subsidy link: this round when a school certified in it, else the
	 * latest earlier one that has (the subsidy is of certified data only) */
	json_t *sub_round = json_null();
	if (round && jint(dash, "n_certified") > 0)
		sub_round = json_pack("{s:I, s:s}", "id", (json_int_t)rid, "label", jstr(round, "label"));
	else if (round) {
		json_t *sr = dmc_subsidy_round(req_db(r), aid, jint(round, "academic_year"), jint(round, "round_no"), &e);
		if (sr)
			sub_round = sr;
		else if (e.status != 404) {
			json_decref(round);
			json_decref(prev);
			json_decref(dash);
			json_decref(area);
			return view_fault(r, &e);
		}
		err_clear(&e);
	}
	if (json_is_object(sub_round))
		json_object_set_new(sub_round, "this_round", json_boolean(round && jint(sub_round, "id") == rid));
	json_object_set_new(dash, "subsidy_round", sub_round);
	long long peak = 0;
	json_t *bars = grade_chart(json_object_get(dash, "area_grades"), &peak);
	struct buf title = BUF_INIT;
	buf_addf(&title, "ข้อมูลนักเรียน (DMC) %s", jstr(area, "short_name"));
	json_object_set_new(dash, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	if (!whole) {
		/* the list's links: the filter by status, the pager (both keep
		 * the round asked, the filter and the search) */
		json_object_set_new(dash, "filters", status_filters(r, aid, q, st, dash));
		struct buf base = BUF_INIT;
		buf_addf(&base, "/dmc/areas/%lld?", aid);
		round_param(r, &base);
		if (st != DMC_AREA_ALL)
			buf_addf(&base, "status=%s&", dmc_area_status_code(st));
		buf_adds(&base, "q=");
		buf_add_urlenc(&base, q);
		buf_addc(&base, '&');
		long long pages = jint(dash, "pages");
		json_object_set_new(dash, "pager", pager_links(buf_cstr(&base), jint(dash, "page"), pages));
		buf_release(&base);
		json_object_set_new(dash, "has_pager", json_boolean(pages > 1));
		json_object_set_new(dash, "has_rows", json_boolean(json_array_size(json_object_get(dash, "schools")) > 0));
		json_object_set_new(dash, "q", json_string(q));
		const char *note = search_query_notice(q);
		json_object_set_new(dash, "q_note", note ? json_string(note) : json_null());
		json_object_set_new(dash, "status",
				    st != DMC_AREA_ALL ? json_string(dmc_area_status_code(st)) : json_null());
		long long asked = req_query_int(r, "round", 0, 0, (long long)1 << 53);
		json_object_set_new(dash, "round_asked", asked > 0 ? json_integer(asked) : json_null());
		json_object_set_new(dash, "change_text", json_null());
		signed_text(dash, "change", "change_text");
		json_object_set_new(dash, "has_prev", json_boolean(jint(dash, "n_prev") > 0));
	}
	json_object_set_new(dash, "area", area);
	json_object_set_new(dash, "round", round ? round : json_null());
	json_object_set_new(dash, "prev_round", prev);
	json_object_set_new(dash, "past", json_boolean(past));
	json_object_set_new(dash, "chart_bars", bars);
	json_object_set_new(dash, "has_chart", json_boolean(peak > 0));
	json_object_set_new(dash, "chart_peak", json_integer(peak));
	json_object_set_new(dash, "duplicates", json_integer(ndup));
	json_object_set_new(dash, "error", error ? json_string(error) : json_null());
	return view_page(r, status, "dmc/area", dash);
}

static int area_get(struct req *r)
{
	return area_page(r, 200, NULL);
}

/* The national dashboard (DMC-5) as CSV or XLSX: a row per area. */
static int national_export(struct req *r, json_t *dash, enum sheet_format fmt)
{
	static const struct sheet_col cols[] = {
	    {"เขตพื้นที่", 40, SHEET_TEXT},	   {"รหัสเขต", 10, SHEET_CODE},	       {"โรงเรียน", 10, SHEET_NUMBER},
	    {"ยืนยันแล้ว", 12, SHEET_NUMBER},	   {"รับรองแล้ว", 12, SHEET_NUMBER},	       {"ชาย", 12, SHEET_NUMBER},
	    {"หญิง", 12, SHEET_NUMBER},	   {"รวม", 12, SHEET_NUMBER},		       {"รับรองรอบนี้ (คน)", 16, SHEET_NUMBER},
	    {"รับรองรอบก่อน (คน)", 16, SHEET_NUMBER}, {"เปลี่ยนแปลง", 12, SHEET_NUMBER},
	};
	struct err e = ERR_INIT;
	static const struct export_list l = {"ข้อมูลนักเรียนรายเขตพื้นที่", "dmc-areas", (int)(sizeof cols / sizeof *cols),
					     cols};
	struct sheet *sh = export_begin(r, fmt, &l, &e);
	if (!sh)
		return view_fault(r, &e);
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(dash, "areas"), i, row)
	{
		sheet_text(sh, jstr(row, "name"));
		sheet_code(sh, jstr(row, "code"));
		sheet_number(sh, (double)jint(row, "school_count"));
		sheet_number(sh, (double)jint(row, "confirmed"));
		sheet_number(sh, (double)jint(row, "certified"));
		sheet_number(sh, (double)jint(row, "male"));
		sheet_number(sh, (double)jint(row, "female"));
		sheet_number(sh, (double)jint(row, "total"));
		sheet_number(sh, (double)jint(row, "certified_total"));
		const char *opt[] = {"prev_total", "change"};
		for (int t = 0; t < 2; t++) {
			json_t *v = json_object_get(row, opt[t]);
			if (json_is_integer(v))
				sheet_number(sh, (double)json_integer_value(v));
			else
				sheet_text(sh, "");
		}
		sheet_row_end(sh);
	}
	sheet_text(sh, "รวมทั้งประเทศ");
	sheet_text(sh, "");
	const char *tot[] = {"schools", "confirmed", "certified", "male", "female", "total", "certified_total", "prev_total"};
	for (int t = 0; t < 8; t++)
		sheet_number(sh, (double)jint(dash, tot[t]));
	sheet_text(sh, "");
	sheet_row_end(sh);
	return export_end(r, sh, fmt, &l);
}

/* GET /dmc/areas: the national dashboard (OBEC's viewer, the super
 * admin): each area's schools that confirmed and certified in the round,
 * its learners by sex (kept counts), what it certified in this round and
 * the last, the change, and the nation's learners by grade × sex. */
static int areas_page(struct req *r)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (!acc_grant_is(g, "dmc_viewer") && !acc_grant_is(g, "super_admin"))
		return dmc_home(r);
	struct err e = ERR_INIT;
	bool past = false;
	json_t *round = dashboard_round(r, 0, &past, &e);
	json_t *prev = e.status ? NULL : previous_round(r, round, &e);
	json_t *dash = e.status ? NULL
				: dmc_national_dashboard(req_db(r), round ? jint(round, "id") : 0,
							 json_is_object(prev) ? jint(prev, "id") : 0, &e);
	if (!dash) {
		json_decref(round);
		json_decref(prev);
		return e.status == 404 ? view_error(r, 404, "ไม่พบรอบการจัดเก็บข้อมูลนี้") : view_fault(r, &e);
	}
	enum sheet_format fmt;
	const char *format = req_query(r, "format");
	if (format && sheet_parse_format(format, &fmt) == 0) {
		int rc = national_export(r, dash, fmt);
		acc_audit_in(r, req_db(r), 0, acc_user_id(r), "dmc.dashboard.export", "dmc_round",
			     round ? jint(round, "id") : 0, json_pack("{s:s}", "format", format));
		json_decref(round);
		json_decref(prev);
		json_decref(dash);
		return rc;
	}
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(dash, "areas"), i, row)
	{
		signed_text(row, "change", "change_text");
		json_object_set_new(row, "prev_text", json_is_integer(json_object_get(row, "prev_total"))
							  ? json_sprintf("%lld", jint(row, "prev_total"))
							  : json_string("-"));
	}
	json_array_foreach(json_object_get(dash, "grades"), i, row) json_object_set_new(row, "shown", json_true());
	long long peak = 0;
	json_t *bars = grade_chart(json_object_get(dash, "grades"), &peak);
	json_object_set_new(dash, "page_title", json_string("ข้อมูลนักเรียน (DMC) ระดับประเทศ รายเขตพื้นที่"));
	json_object_set_new(dash, "round", round ? round : json_null());
	json_object_set_new(dash, "prev_round", prev);
	json_object_set_new(dash, "chart_bars", bars);
	json_object_set_new(dash, "has_chart", json_boolean(peak > 0));
	json_object_set_new(dash, "chart_peak", json_integer(peak));
	return view_page(r, 200, "dmc/areas", dash);
}

/* ---- learners recorded in two places (DMC-5) ------------------------------------------------ */

static const struct field resolve_form[] = {
    {"resolution_note", "ผลการตรวจสอบ", FT_TEXTAREA, F_REQUIRED, 500, 0, NULL, NULL, NULL, NULL,
     "เช่น เป็นนักเรียนคนละคน หรือโรงเรียนใดจำหน่าย/แก้ไขข้อมูลแล้ว"},
    {NULL},
};

static int duplicates_page(struct req *r, int status, const char *error)
{
	int rc = 0;
	json_t *area = acc_area_for(r, &area_path, "รายการนักเรียนซ้ำซ้อนดูได้เฉพาะเจ้าหน้าที่ของเขตพื้นที่และ สพฐ.", &rc);
	if (!area)
		return rc;
	long long aid = jint(area, "id");
	struct err e = ERR_INIT;
	json_t *rows = dmc_duplicates_area(req_db(r), aid, &e);
	if (!rows) {
		json_decref(area);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_object_set_new(row, "found_at_text", text_time(jint(row, "found_at")));
		json_object_set_new(row, "kind_label", json_string(!strcmp(jstr(row, "kind"), "round")
									? "รับรองซ้ำในรอบเดียวกันโดยสองโรงเรียน"
									: "ชื่อ นามสกุล และวันเกิดตรงกันในสองโรงเรียน"));
	}
	enum sheet_format fmt;
	if (status == 200 && !error && export_asked(r, &fmt)) {
		/* the page's pairs, oldest first: codes masked and birth dates as
		 * on the page (the dates as date cells) */
		static const struct sheet_col cols[] = {
		    {"พบเมื่อ", 20, SHEET_DATETIME, 0, "found_at"},
		    {"ประเภท", 34, SHEET_ENUM, 0, "kind_label"},
		    {"รอบ", 24, SHEET_TEXT, 0, "round_label"},
		    {"โรงเรียน (1)", 32, SHEET_TEXT, 0, "school_a_name"},
		    {"คำนำหน้า (1)", 10, SHEET_TEXT, 0, "a_title"},
		    {"ชื่อ (1)", 18, SHEET_TEXT, 0, "a_first_name"},
		    {"นามสกุล (1)", 18, SHEET_TEXT, 0, "a_last_name"},
		    {"เลขประจำตัว (1)", 20, SHEET_TEXT, 0, "a_ident_masked"},
		    {"วันเกิด (1)", 14, SHEET_DATE, 0, "a_birth_date"},
		    {"โรงเรียน (2)", 32, SHEET_TEXT, 0, "school_b_name"},
		    {"คำนำหน้า (2)", 10, SHEET_TEXT, 0, "b_title"},
		    {"ชื่อ (2)", 18, SHEET_TEXT, 0, "b_first_name"},
		    {"นามสกุล (2)", 18, SHEET_TEXT, 0, "b_last_name"},
		    {"เลขประจำตัว (2)", 20, SHEET_TEXT, 0, "b_ident_masked"},
		    {"วันเกิด (2)", 14, SHEET_DATE, 0, "b_birth_date"}};
		struct buf t = BUF_INIT;
		buf_addf(&t, "นักเรียนที่มีข้อมูลซ้ำซ้อน %s", jstr(area, "short_name"));
		char base[48];
		snprintf(base, sizeof base, "dmc-duplicates-%s", jstr(area, "code"));
		json_decref(area);
		const struct export_list l = {buf_cstr(&t), base, 15, cols};
		rc = export_rows(r, fmt, &l, rows, rows);
		buf_release(&t);
		return rc;
	}
	json_t *form = form_model(r, resolve_form, NULL);
	struct buf title = BUF_INIT;
	buf_addf(&title, "นักเรียนที่มีข้อมูลซ้ำซ้อน %s", jstr(area, "short_name"));
	json_t *m = json_pack("{s:s, s:o, s:o, s:b, s:b, s:o, s:s?}", "page_title", buf_cstr(&title), "area", area,
			      "duplicates", rows, "has_duplicates", json_array_size(rows) > 0, "can_resolve",
			      acc_grant_is(acc_active_grant(r), "dmc_area"), "resolve_form", form, "error", error);
	buf_release(&title);
	if (status == 200)
		export_links(r, m);
	return view_page(r, status, "dmc/duplicates", m);
}

static int duplicates_get(struct req *r)
{
	return duplicates_page(r, 200, NULL);
}

static int resolve_post(struct req *r)
{
	long long aid = req_param_id(r, "aid"), did = req_param_id(r, "did");
	if (!acc_grant_is(acc_active_grant(r), "dmc_area") || !acc_in_area(r, aid))
		return acc_deny(r, "การตรวจสอบข้อมูลซ้ำซ้อนทำได้เฉพาะเจ้าหน้าที่ข้อมูลนักเรียนของเขตพื้นที่");
	if (!form_ok(r))
		return duplicates_page(r, 422, "กรุณาระบุผลการตรวจสอบ");
	struct err e = ERR_INIT;
	if (dmc_duplicate_resolve(req_db(r), aid, did, form_value(r, "resolution_note"), acc_user_id(r), dmc_now(r), &e) <
	    0) {
		if (!err_refusal(&e))
			return view_fault(r, &e);
		if (e.status == 404)
			return view_error(r, 404, e.msg);
		form_error_err(r, &e);
		return duplicates_page(r, e.status == 409 ? 409 : 422, e.msg);
	}
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "dmc.duplicate.resolve", "dmc_duplicate", did,
		     json_pack("{s:s}", "note", form_value(r, "resolution_note")));
	char u[64];
	snprintf(u, sizeof u, "/dmc/areas/%lld/duplicates", aid);
	return view_redirect(r, u, "บันทึกผลการตรวจสอบแล้ว");
}

static int ack_post(struct req *r)
{
	long long aid = req_param_id(r, "aid"), rid = req_param_id(r, "rid"), sid = req_param_id(r, "sid");
	if (!acc_grant_is(acc_active_grant(r), "dmc_area") || !acc_in_area(r, aid))
		return acc_deny(r, "การรับทราบข้อมูลทำได้เฉพาะเจ้าหน้าที่ข้อมูลนักเรียนของเขตพื้นที่");
	struct err e = ERR_INIT;
	json_t *school = sid > 0 ? org_school_get(req_db(r), sid, &e) : NULL;
	if (!school || jint(school, "area_id") != aid || rid <= 0) {
		json_decref(school);
		return view_error(r, 404, "ไม่พบโรงเรียนนี้ในเขตพื้นที่");
	}
	json_decref(school);
	if (dmc_round_acknowledge(req_db(r), rid, sid, acc_user_id(r), dmc_now(r), &e) < 0)
		return err_refusal(&e) ? area_page(r, e.status == 404 ? 404 : 409, e.msg) : view_fault(r, &e);
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "dmc.round.acknowledge", "school", sid,
		     json_pack("{s:I}", "round_id", (json_int_t)rid));
	char u[64];
	snprintf(u, sizeof u, "/dmc/areas/%lld", aid);
	return view_redirect(r, u, "รับทราบข้อมูลของโรงเรียนแล้ว");
}

/* ---- what the area approves ------------------------------------------------------------------------ */

static int requests_page(struct req *r, int status, const char *error)
{
	int rc = 0;
	json_t *area = acc_area_for(r, &area_path, "คำขอของโรงเรียนดูได้เฉพาะเจ้าหน้าที่ของเขตพื้นที่", &rc);
	if (!area)
		return rc;
	long long aid = jint(area, "id");
	struct err e = ERR_INIT;
	json_t *reqs = dmc_requests_area(req_db(r), aid, &e);
	if (!reqs) {
		json_decref(area);
		return view_fault(r, &e);
	}
	bool decide = acc_grant_is(acc_active_grant(r), "dmc_area");
	const char *lists[] = {"pending", "decided"};
	for (int k = 0; k < 2; k++) {
		size_t i;
		json_t *row;
		json_array_foreach(json_object_get(reqs, lists[k]), i, row)
		{
			json_object_set_new(row, "kind_label", json_string(request_kind_label(jstr(row, "kind"))));
			json_object_set_new(row, "is_dropout", json_boolean(!strcmp(jstr(row, "kind"), "dropout")));
			json_object_set_new(row, "status_label", json_string(request_status_label(jstr(row, "status"))));
			json_object_set_new(row, "requested_at_text", text_time(jint(row, "requested_at")));
			json_object_set_new(row, "decided_at_text", text_time(jint(row, "decided_at")));
		}
	}
	enum sheet_format fmt;
	if (status == 200 && export_asked(r, &fmt)) {
		/* the pending requests, then the latest decided, as on the page;
		 * codes masked as there */
		json_t *rows = json_array();
		json_array_extend(rows, json_object_get(reqs, "pending"));
		json_array_extend(rows, json_object_get(reqs, "decided"));
		static const struct sheet_col cols[] = {
		    {"คำขอ", 22, SHEET_ENUM, 0, "kind_label"},	  {"โรงเรียน", 36, SHEET_TEXT, 0, "school_name"},
		    {"คำนำหน้า", 10, SHEET_TEXT, 0, "title"},	  {"ชื่อ", 18, SHEET_TEXT, 0, "first_name"},
		    {"นามสกุล", 18, SHEET_TEXT, 0, "last_name"},	  {"เลขประจำตัว", 20, SHEET_TEXT, 0, "ident_masked"},
		    {"เหตุผล", 24, SHEET_TEXT, 0, "reason_label"},	  {"ยื่นเมื่อ", 20, SHEET_DATETIME, 0, "requested_at"},
		    {"สถานะ", 16, SHEET_ENUM, 0, "status_label"},	  {"พิจารณาเมื่อ", 20, SHEET_DATETIME, 0, "decided_at"},
		    {"หมายเหตุการพิจารณา", 30, SHEET_TEXT, 0, "decision_note"}};
		struct buf t = BUF_INIT;
		buf_addf(&t, "คำขอของโรงเรียน %s", jstr(area, "short_name"));
		char base[48];
		snprintf(base, sizeof base, "dmc-requests-%s", jstr(area, "code"));
		json_decref(reqs);
		json_decref(area);
		const struct export_list l = {buf_cstr(&t), base, 11, cols};
		int sent = export_rows(r, fmt, &l, rows, rows);
		buf_release(&t);
		return sent;
	}
	json_t *form = form_model(r, dmc_decision_form, NULL);
	struct buf title = BUF_INIT;
	buf_addf(&title, "คำขอของโรงเรียนรออนุมัติ %s", jstr(area, "short_name"));
	json_t *m = json_pack("{s:s, s:o, s:O, s:O, s:b, s:b, s:b, s:o, s:s?}", "page_title", buf_cstr(&title), "area", area,
			      "pending", json_object_get(reqs, "pending"), "decided", json_object_get(reqs, "decided"),
			      "has_pending", json_array_size(json_object_get(reqs, "pending")) > 0, "has_decided",
			      json_array_size(json_object_get(reqs, "decided")) > 0, "can_decide", decide, "decision_form",
			      form, "error", error);
	json_decref(reqs);
	buf_release(&title);
	if (status == 200)
		export_links(r, m);
	return view_page(r, status, "dmc/requests", m);
}

static int requests_get(struct req *r)
{
	return requests_page(r, 200, NULL);
}

int dmc_decide_post(struct req *r)
{
	long long aid = req_param_id(r, "aid"), rid = req_param_id(r, "rid");
	if (!acc_grant_is(acc_active_grant(r), "dmc_area") || !acc_in_area(r, aid))
		return acc_deny(r, "การอนุมัติคำขอทำได้เฉพาะเจ้าหน้าที่ข้อมูลนักเรียนของเขตพื้นที่");
	if (!form_ok(r))
		return requests_page(r, 422, NULL);
	bool approve = route_act(r) == 1;
	struct err e = ERR_INIT;
	if (dmc_request_decide(req_db(r), aid, rid, approve, form_value(r, "decision_note"), acc_user_id(r), dmc_now(r),
			       &e) < 0) {
		if (!err_refusal(&e))
			return view_fault(r, &e);
		if (*e.field)
			form_error_err(r, &e);
		return requests_page(r, e.status == 404 ? 404 : e.status == 409 ? 409 : 422, e.msg);
	}
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), approve ? "dmc.request.approve" : "dmc.request.reject",
		     "dmc_request", rid, NULL);
	char u[64];
	snprintf(u, sizeof u, "/dmc/areas/%lld/requests", aid);
	return view_redirect(r, u, approve ? "อนุมัติคำขอแล้ว" : "ไม่อนุมัติคำขอ และแจ้งเหตุผลให้โรงเรียนแล้ว");
}

/* ---- the per-head subsidy (DMC-4) ------------------------------------------------------------------- */

static json_t *baht(long long satang)
{
	struct buf b = BUF_INIT;
	thai_baht_format(satang, &b);
	json_t *s = json_string(buf_cstr(&b));
	buf_release(&b);
	return s;
}

/* baht texts for a subsidy model (dmc_subsidy_area) */
static void subsidy_text(json_t *sub)
{
	size_t i, k;
	json_t *row, *lv;
	json_array_foreach(json_object_get(sub, "schools"), i, row)
	{
		json_object_set_new(row, "amount_text", baht(jint(row, "amount_satang")));
		json_array_foreach(json_object_get(row, "levels"), k, lv)
		{
			json_object_set_new(lv, "amount_text", baht(jint(lv, "amount_satang")));
			json_object_set_new(lv, "rate_text", baht(jint(lv, "rate_satang")));
		}
	}
	json_t *t = json_object_get(sub, "totals");
	json_object_set_new(t, "amount_text", baht(jint(t, "amount_satang")));
	json_array_foreach(json_object_get(t, "levels"), k, lv)
	{
		json_object_set_new(lv, "amount_text", baht(jint(lv, "amount_satang")));
		json_object_set_new(lv, "rate_text", baht(jint(lv, "rate_satang")));
	}
	json_array_foreach(json_object_get(sub, "rates"), k, lv) json_object_set_new(lv, "rate_text", baht(jint(lv, "rate_satang")));
	json_object_set_new(sub, "has_schools", json_boolean(json_array_size(json_object_get(sub, "schools")) > 0));
}

static int subsidy_export(struct req *r, json_t *sub, json_t *area, enum sheet_format fmt)
{
	static const struct sheet_col cols[] = {
	    {"โรงเรียน", 40, SHEET_TEXT},		  {"อนุบาล (คน)", 12, SHEET_NUMBER},	 {"ประถมศึกษา (คน)", 14, SHEET_NUMBER},
	    {"ม.ต้น (คน)", 12, SHEET_NUMBER},		  {"ม.ปลาย (คน)", 12, SHEET_NUMBER},	 {"รวม (คน)", 10, SHEET_NUMBER},
	    {"อนุบาล (บาท)", 14, SHEET_MONEY},		  {"ประถมศึกษา (บาท)", 16, SHEET_MONEY}, {"ม.ต้น (บาท)", 14, SHEET_MONEY},
	    {"ม.ปลาย (บาท)", 14, SHEET_MONEY},	  {"รวมเงินอุดหนุน (บาท)", 18, SHEET_MONEY},
	};
	struct err e = ERR_INIT;
	struct buf title = BUF_INIT;
	buf_addf(&title, "เงินอุดหนุนรายหัว %s", jstr(area, "short_name"));
	char base[48];
	snprintf(base, sizeof base, "dmc-subsidy-%s", jstr(area, "code"));
	const struct export_list l = {buf_cstr(&title), base, (int)(sizeof cols / sizeof *cols), cols};
	struct sheet *sh = export_begin(r, fmt, &l, &e);
	if (!sh) {
		buf_release(&title);
		return view_fault(r, &e);
	}
	json_t *rows = json_array();
	json_array_extend(rows, json_object_get(sub, "schools"));
	json_t *tot = json_deep_copy(json_object_get(sub, "totals"));
	json_object_set_new(tot, "name", json_string("รวมทั้งเขตพื้นที่"));
	json_array_append_new(rows, tot);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		sheet_text(sh, jstr(row, "name"));
		for (int k = 0; k < DMC_NLEVELS; k++)
			sheet_number(sh, (double)jint(json_array_get(json_object_get(row, "levels"), (size_t)k), "heads"));
		sheet_number(sh, (double)jint(row, "heads"));
		/* satang to baht: money cells (#,##0.00) */
		for (int k = 0; k < DMC_NLEVELS; k++)
			sheet_money(sh, (double)jint(json_array_get(json_object_get(row, "levels"), (size_t)k), "amount_satang") /
					    100.0);
		sheet_money(sh, (double)jint(row, "amount_satang") / 100.0);
		sheet_row_end(sh);
	}
	json_decref(rows);
	int rc = export_end(r, sh, fmt, &l);
	buf_release(&title);
	return rc;
}

/* The area's subsidy as an A4 document: the rates, a row per certified
 * school (learners by level, the amount) and the total in words. */
static int subsidy_pdf(struct req *r, json_t *sub, json_t *area)
{
	struct buf line = BUF_INIT;
	struct pdf *p = pdf_new("เงินอุดหนุนรายหัว");
	/* the area, the round and the note each a line of its own, never
	 * wrapped in the middle of a phrase */
	pdf_subtitle(p, jstr(area, "name"));
	json_t *round = json_object_get(sub, "round");
	pdf_subtitle(p, jstr(round, "label"));
	pdf_subtitle(p, "(จากข้อมูลที่ผู้อำนวยการสถานศึกษารับรองแล้ว)");
	buf_reset(&line);
	buf_addf(&line, "อัตราต่อคนต่อปี ปีการศึกษา %lld%s: ", jint(round, "academic_year"),
		 json_is_true(json_object_get(sub, "own_rates")) ? "" : " (อัตรามาตรฐาน)");
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(sub, "rates"), i, x)
	{
		buf_addf(&line, "%s%s ", i ? " · " : "", jstr(x, "label"));
		thai_baht_format(jint(x, "rate_satang"), &line);
		buf_adds(&line, " บาท");
	}
	pdf_text(p, buf_cstr(&line));
	static const char *const heads[] = {"โรงเรียน", "อนุบาล", "ประถม", "ม.ต้น", "ม.ปลาย", "รวม (คน)", "เงินอุดหนุน (บาท)"};
	/* wide enough for each header in one piece ("อนุบา/ล", "ม.ปลา/ย" at 1) */
	static const double widths[] = {2.6, 1.25, 1.2, 1.2, 1.25, 1.1, 1.8};
	pdf_table(p, 7, heads, widths);
	pdf_table_kinds(p, "wnnnnnn"); /* counts and money right-aligned */
	json_t *rows = json_array();
	json_array_extend(rows, json_object_get(sub, "schools"));
	json_t *tot = json_deep_copy(json_object_get(sub, "totals"));
	json_object_set_new(tot, "name", json_string("รวมทั้งเขตพื้นที่"));
	json_array_append_new(rows, tot);
	json_array_foreach(rows, i, x)
	{
		char n[DMC_NLEVELS][24], all[24];
		const char *cells[7];
		cells[0] = jstr(x, "name");
		for (int k = 0; k < DMC_NLEVELS; k++) {
			snprintf(n[k], sizeof n[k], "%lld", jint(json_array_get(json_object_get(x, "levels"), (size_t)k), "heads"));
			cells[1 + k] = n[k];
		}
		snprintf(all, sizeof all, "%lld", jint(x, "heads"));
		cells[5] = all;
		struct buf amount = BUF_INIT;
		thai_baht_format(jint(x, "amount_satang"), &amount);
		cells[6] = buf_cstr(&amount);
		pdf_table_row(p, cells);
		buf_release(&amount);
	}
	json_decref(rows);
	struct buf amount = BUF_INIT, words = BUF_INIT;
	long long total = jint(json_object_get(sub, "totals"), "amount_satang");
	thai_baht_format(total, &amount);
	buf_adds(&amount, " บาท");
	buf_adds(&words, "(");
	thai_baht_words(total, &words);
	buf_adds(&words, ")");
	pdf_space(p, 4);
	pdf_row_amount(p, "รวมเงินอุดหนุนรายหัวทั้งเขตพื้นที่", buf_cstr(&amount), buf_cstr(&words));
	buf_release(&amount);
	buf_release(&words);
	buf_reset(&line);
	buf_adds(&line, "พิมพ์เมื่อ ");
	thai_datetime_short(&line, dmc_now(r));
	pdf_footer(p, buf_cstr(&line));
	buf_release(&line);
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	if (pdf_finish(p, &out, &e) < 0) {
		buf_release(&out);
		return view_fault(r, &e);
	}
	char base[48];
	snprintf(base, sizeof base, "dmc-subsidy-%s", jstr(area, "code"));
	struct buf name = BUF_INIT;
	buf_addf(&name, "เงินอุดหนุนรายหัว %s", jstr(area, "short_name"));
	int rc = subsidy_pdf_download(r, &out, base, buf_cstr(&name));
	buf_release(&name);
	return rc;
}

static int subsidy_area_get(struct req *r)
{
	int rc = 0;
	json_t *area = acc_area_for(r, &area_path, "เงินอุดหนุนรายหัวของเขตพื้นที่ดูได้เฉพาะเจ้าหน้าที่ของเขตพื้นที่และ สพฐ.", &rc);
	if (!area)
		return rc;
	long long aid = jint(area, "id"), rid = req_param_id(r, "rid");
	struct err e = ERR_INIT;
	json_t *sub = rid > 0 ? dmc_subsidy_area(req_db(r), rid, aid, 0, &e) : NULL;
	if (!sub) {
		json_decref(area);
		return e.status == 404 || rid <= 0 ? view_error(r, 404, "ไม่พบรอบการจัดเก็บข้อมูลนี้") : view_fault(r, &e);
	}
	const char *format = req_query(r, "format");
	if (format && (!strcmp(format, "xlsx") || !strcmp(format, "csv") || !strcmp(format, "pdf"))) {
		rc = !strcmp(format, "pdf") ? subsidy_pdf(r, sub, area)
						: subsidy_export(r, sub, area, !strcmp(format, "xlsx") ? SHEET_XLSX : SHEET_CSV);
		acc_audit_in(r, req_db(r), aid, acc_user_id(r), "dmc.subsidy.export", "dmc_round", rid,
			     json_pack("{s:s}", "format", format));
		json_decref(sub);
		json_decref(area);
		return rc;
	}
	subsidy_text(sub);
	struct buf title = BUF_INIT;
	buf_addf(&title, "เงินอุดหนุนรายหัว %s %s", jstr(area, "short_name"), jstr(json_object_get(sub, "round"), "label"));
	json_object_set_new(sub, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	json_object_set_new(sub, "area", area);
	return view_page(r, 200, "dmc/subsidy", sub);
}

static const struct field rates_form[] = {
    {"kinder", "อนุบาล (บาท/คน/ปี)", FT_MONEY, F_REQUIRED, 100000000LL},
    {"primary", "ประถมศึกษา (บาท/คน/ปี)", FT_MONEY, F_REQUIRED, 100000000LL},
    {"lower", "มัธยมศึกษาตอนต้น (บาท/คน/ปี)", FT_MONEY, F_REQUIRED, 100000000LL},
    {"upper", "มัธยมศึกษาตอนปลาย (บาท/คน/ปี)", FT_MONEY, F_REQUIRED, 100000000LL},
    {NULL},
};

static int rates_page(struct req *r, int status, long long year)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (!g || g->scope == SCOPE_SCHOOL)
		return acc_deny(r, "อัตราเงินอุดหนุนรายหัวดูได้เฉพาะเจ้าหน้าที่เขตพื้นที่และ สพฐ.");
	if (!year)
		year = req_query_int(r, "year", thai_academic_year(dmc_now(r)), 2500, 2700);
	struct err e = ERR_INIT;
	long long rates[DMC_NLEVELS];
	bool own = false;
	if (dmc_subsidy_rates(req_db(r), year, rates, &own, &e) < 0)
		return view_fault(r, &e);
	json_t *values = json_object(), *list = json_array();
	for (int k = 0; k < DMC_NLEVELS; k++) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "%lld.%02lld", rates[k] / 100, rates[k] % 100);
		json_object_set_new(values, dmc_levels[k], json_string(buf_cstr(&b)));
		buf_release(&b);
		json_array_append_new(list, json_pack("{s:s, s:o}", "label", dmc_level_labels[k], "rate_text", baht(rates[k])));
	}
	json_t *form = form_model(r, rates_form, values);
	json_decref(values);
	struct buf title = BUF_INIT;
	buf_addf(&title, "อัตราเงินอุดหนุนรายหัว ปีการศึกษา %lld", year);
	json_t *m = json_pack("{s:s, s:I, s:o, s:o, s:b, s:b}", "page_title", buf_cstr(&title), "year", (json_int_t)year,
			      "rates", list, "form", form, "own_rates", own, "can_edit", acc_grant_is(g, "super_admin"));
	buf_release(&title);
	return view_page(r, status, "dmc/rates", m);
}

static int rates_get(struct req *r)
{
	return rates_page(r, 200, 0);
}

static int rates_post(struct req *r)
{
	long long year = req_param_id(r, "year");
	if (!acc_grant_is(acc_active_grant(r), "super_admin"))
		return acc_deny(r, "อัตราเงินอุดหนุนรายหัวตั้งได้เฉพาะผู้ดูแลระบบของ สพฐ.");
	if (!form_ok(r))
		return rates_page(r, 422, year);
	long long rates[DMC_NLEVELS];
	for (int k = 0; k < DMC_NLEVELS; k++)
		rates[k] = form_satang(r, dmc_levels[k]);
	struct err e = ERR_INIT;
	if (dmc_subsidy_rates_set(req_db(r), year, rates, acc_user_id(r), dmc_now(r), &e) < 0) {
		if (!err_refusal(&e))
			return view_fault(r, &e);
		form_error_err(r, &e);
		return rates_page(r, 422, year);
	}
	acc_audit_in(r, req_db(r), 0, acc_user_id(r), "dmc.subsidy.rates", "dmc_subsidy_year", year,
		     json_pack("{s:I, s:I, s:I, s:I}", "kinder", (json_int_t)rates[0], "primary", (json_int_t)rates[1], "lower",
			       (json_int_t)rates[2], "upper", (json_int_t)rates[3]));
	char u[64];
	snprintf(u, sizeof u, "/dmc/subsidy-rates?year=%lld", year);
	return view_redirect(r, u, "บันทึกอัตราเงินอุดหนุนรายหัวของปีการศึกษานี้แล้ว");
}

/* ---- round settings (OBEC) --------------------------------------------------------------------------- */

static const struct field round_form[] = {
    {"round_day", "วันที่ของรอบ (ข้อมูล ณ วันที่)", FT_DATE, F_REQUIRED},
    {"entry_day", "วันเริ่มบันทึก/ตรวจทานข้อมูล", FT_DATE, F_REQUIRED},
    {"open_time", "เวลาเริ่มยืนยันและรับรอง", FT_TIME, F_REQUIRED},
    {"close_time", "เวลาสิ้นสุดการยืนยันและรับรอง", FT_TIME, F_REQUIRED},
    {NULL},
};

static bool may_set_rounds(const struct acc_grant *g)
{
	return acc_grant_is(g, "super_admin");
}

/* The year's rounds, each with its form; edited: the round whose form
 * came back (its typed values and errors), 0 for none. */
static int rounds_page(struct req *r, int status, long long edited, const char *error)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (!g || g->scope == SCOPE_SCHOOL)
		return acc_deny(r, "การตั้งค่ารอบการจัดเก็บข้อมูลดูได้เฉพาะเจ้าหน้าที่เขตพื้นที่และ สพฐ.");
	struct err e = ERR_INIT;
	long long year = req_query_int(r, "year", 0, 2400, 2700);
	if (edited > 0) {
		json_t *rd = dmc_round_get(req_db(r), edited, &e);
		if (!rd)
			return e.status == 404 ? view_error(r, 404, "ไม่พบรอบการจัดเก็บข้อมูลนี้") : view_fault(r, &e);
		year = jint(rd, "academic_year");
		json_decref(rd);
	}
	if (!year)
		year = thai_academic_year(dmc_now(r));
	json_t *years = dmc_round_years(req_db(r), &e);
	json_t *rounds = years ? dmc_rounds_year(req_db(r), year, &e) : NULL;
	if (!rounds) {
		json_decref(years);
		return view_fault(r, &e);
	}
	bool edit = may_set_rounds(g);
	/* an area's census officer or admin may close a round day later for the area */
	long long area = g->scope == SCOPE_AREA && (acc_grant_is(g, "dmc_area") || acc_grant_is(g, "area_admin")) ? g->area_id : 0;
	json_t *exts = area > 0 ? dmc_round_extensions(req_db(r), area, year, &e) : json_object();
	if (!exts) {
		json_decref(years);
		json_decref(rounds);
		return view_fault(r, &e);
	}
	long long now = dmc_now(r);
	size_t i;
	json_t *rd;
	json_array_foreach(years, i, rd) json_object_set_new(rd, "selected", json_boolean(jint(rd, "academic_year") == year));
	json_array_foreach(rounds, i, rd)
	{
		char k[32];
		snprintf(k, sizeof k, "%lld", jint(rd, "id"));
		json_t *x = json_object_get(exts, k);
		long long effective = x ? jint(x, "close_at") : jint(rd, "close_at");
		json_object_set_new(rd, "ext_close_time", json_string(x ? jstr(x, "close_time") : jstr(rd, "close_time")));
		json_object_set_new(rd, "ext_version", json_integer(x ? jint(x, "version") : 0));
		json_object_set_new(rd, "extended", json_boolean(x != NULL));
		json_object_set_new(rd, "can_extend", json_boolean(area > 0 && now < effective + 60));
	}
	json_decref(exts);
	json_array_foreach(rounds, i, rd)
	{
		struct buf w = BUF_INIT, en = BUF_INIT;
		thai_date_long(&w, jint(rd, "open_at"));
		thai_date_short(&en, jint(rd, "entry_from"));
		json_object_set_new(rd, "day_text", json_string(buf_cstr(&w)));
		json_object_set_new(rd, "entry_text", json_string(buf_cstr(&en)));
		buf_release(&w);
		buf_release(&en);
		json_object_set_new(rd, "updated_at_text", text_time(jint(rd, "updated_at")));
		json_object_set_new(rd, "locked", json_boolean(jint(rd, "certified") > 0));
		json_object_set_new(rd, "can_edit", json_boolean(edit && jint(rd, "certified") == 0));
		json_t *values = json_pack("{s:s, s:s, s:s, s:s}", "round_day", jstr(rd, "round_day"), "entry_day",
					   jstr(rd, "entry_day"), "open_time", jstr(rd, "open_time"), "close_time",
					   jstr(rd, "close_time"));
		/* only the round whose form was sent shows what was typed */
		json_t *form = jint(rd, "id") == edited ? form_model(r, round_form, values) : NULL;
		if (!form) {
			json_t *fields = json_array();
			for (const struct field *f = round_form; f->name; f++)
				json_array_append_new(fields, json_pack("{s:s, s:s, s:s, s:s}", "name", f->name, "label", f->label,
									"value", jstr(values, f->name), "type",
									f->type == FT_TIME ? "time" : "date"));
			form = json_pack("{s:o, s:b}", "fields", fields, "has_errors", false);
		}
		json_decref(values);
		json_object_set_new(rd, "form", form);
		json_object_set_new(rd, "record_version", json_integer(jint(rd, "version")));
	}
	struct buf title = BUF_INIT;
	buf_addf(&title, "วันและเวลาของรอบการจัดเก็บข้อมูล ปีการศึกษา %lld", year);
	json_t *m = json_pack("{s:s, s:o, s:o, s:I, s:b, s:b, s:s?}", "page_title", buf_cstr(&title), "years", years, "rounds",
			      rounds, "year", (json_int_t)year, "has_rounds", json_array_size(rounds) > 0, "can_edit", edit,
			      "error", error);
	buf_release(&title);
	return view_page(r, status, "dmc/rounds", m);
}

static int rounds_get(struct req *r)
{
	return rounds_page(r, 200, 0, NULL);
}

static int round_settings_post(struct req *r)
{
	long long rid = req_param_id(r, "rid");
	if (!may_set_rounds(acc_active_grant(r)))
		return acc_deny(r, "วันและเวลาของรอบการจัดเก็บข้อมูลตั้งได้เฉพาะผู้ดูแลระบบของ สพฐ.");
	if (!form_ok(r))
		return rounds_page(r, 422, rid, NULL);
	struct err e = ERR_INIT;
	if (dmc_round_update(req_db(r), rid, form_value(r, "round_day"), form_value(r, "entry_day"),
			     form_value(r, "open_time"), form_value(r, "close_time"), form_version(r), acc_user_id(r),
			     dmc_now(r), &e) < 0) {
		if (!err_refusal(&e))
			return view_fault(r, &e);
		if (e.status == 404)
			return view_error(r, 404, e.msg);
		if (!strcmp(e.field, "_version")) {
			form_stale(r, round_form, NULL, dmc_now(r), "รอบการจัดเก็บข้อมูล");
			return rounds_page(r, 409, rid, NULL);
		}
		if (*e.field) {
			form_error_err(r, &e);
			return rounds_page(r, 422, rid, NULL);
		}
		return rounds_page(r, e.status == 409 ? 409 : 422, rid, e.msg);
	}
	acc_audit_in(r, req_db(r), 0, acc_user_id(r), "dmc.round.settings", "dmc_round", rid,
		  json_pack("{s:s, s:s, s:s, s:s}", "round_day", form_value(r, "round_day"), "entry_day",
			    form_value(r, "entry_day"), "open_time", form_value(r, "open_time"), "close_time",
			    form_value(r, "close_time")));
	json_t *rd = dmc_round_get(req_db(r), rid, &e);
	char u[64];
	snprintf(u, sizeof u, "/dmc/rounds?year=%lld", rd ? jint(rd, "academic_year") : 0LL);
	json_decref(rd);
	return view_redirect(r, u, "บันทึกวันและเวลาของรอบแล้ว");
}

static const struct field extend_form[] = {
    {"close_time", "เวลาปิดการยืนยันและรับรองสำหรับโรงเรียนในเขต", FT_TEXT, 0, 5, 0, NULL, NULL, NULL, NULL,
     "ชช:นน ในวันของรอบ เว้นว่างเพื่อใช้เวลาของ สพฐ."},
    {NULL},
};

static int round_extend_post(struct req *r)
{
	long long rid = req_param_id(r, "rid");
	const struct acc_grant *g = acc_active_grant(r);
	if (!g || g->scope != SCOPE_AREA || g->area_id <= 0 || !(acc_grant_is(g, "dmc_area") || acc_grant_is(g, "area_admin")))
		return acc_deny(r, "การขยายเวลาของรอบทำได้เฉพาะเจ้าหน้าที่ข้อมูลนักเรียนหรือผู้ดูแลของเขตพื้นที่");
	if (!form_ok(r))
		return rounds_page(r, 422, rid, NULL);
	struct err e = ERR_INIT;
	if (dmc_round_extend(req_db(r), rid, g->area_id, form_value(r, "close_time"), form_version(r), acc_user_id(r),
			     dmc_now(r), &e) < 0) {
		if (!err_refusal(&e))
			return view_fault(r, &e);
		if (e.status == 404)
			return view_error(r, 404, e.msg);
		return rounds_page(r, e.status == 409 ? 409 : 422, rid, e.msg);
	}
	acc_audit_in(r, req_db(r), g->area_id, acc_user_id(r), "dmc.round.extend", "dmc_round", rid,
		     json_pack("{s:s}", "close_time", form_value(r, "close_time")));
	json_t *rd = dmc_round_get(req_db(r), rid, &e);
	char u[64];
	snprintf(u, sizeof u, "/dmc/rounds?year=%lld", rd ? jint(rd, "academic_year") : 0LL);
	json_decref(rd);
	return view_redirect(r, u, *form_value(r, "close_time") ? "ขยายเวลาปิดของรอบสำหรับโรงเรียนในเขตแล้ว"
								 : "ยกเลิกการขยายเวลา ใช้เวลาของ สพฐ. แล้ว");
}

/* ---- a school's basic data for a round (menu 2.2) ------------------------------------------------- */

static const struct field basic_form[] = {
    /* the row's grade code, carried in the form (not typed) */
    {"grade", "ชั้น", FT_HIDDEN, F_MULTI, 16},
    {"rooms", "จำนวนห้อง", FT_INT, F_MULTI, 99, 0},
    {NULL},
};

/* rows to show: taught, or with learners */
static void basic_shown(json_t *basic)
{
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(basic, "rows"), i, g)
	    json_object_set_new(g, "shown", json_boolean(jint(g, "rooms") > 0 || jint(g, "total") > 0));
	json_object_set_new(basic, "updated_at_text", text_time(jint(basic, "updated_at")));
}

static int basic_page(struct req *r, int status, const char *error)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id"), rid = req_param_id(r, "rid");
	struct err e = ERR_INIT;
	json_t *round = rid > 0 ? dmc_round_get(req_db(r), rid, &e) : NULL;
	json_t *basic = round ? dmc_basic_get(req_db(r), rid, sid, &e) : NULL;
	if (!basic) {
		json_decref(round);
		json_decref(school);
		return e.status == 404 || rid <= 0 ? view_error(r, 404, "ไม่พบรอบการจัดเก็บข้อมูลนี้") : view_fault(r, &e);
	}
	/* a refused form shows what was typed */
	json_t *typed = status == 422 ? form_values(r, "rooms") : NULL;
	json_t *tg = status == 422 ? form_values(r, "grade") : NULL;
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(basic, "rows"), i, g)
	{
		json_object_set_new(g, "rooms_text", json_sprintf("%lld", jint(g, "rooms")));
		size_t k;
		json_t *v;
		json_array_foreach(tg, k, v) if (json_is_string(v) && !strcmp(json_string_value(v), jstr(g, "grade")) &&
						 json_array_get(typed, k))
		    json_object_set(g, "rooms_text", json_array_get(typed, k));
	}
	basic_shown(basic);
	json_t *form = form_model(r, basic_form, NULL);
	bool edit = may_enter(acc_active_grant(r)) && !json_is_true(json_object_get(basic, "frozen"));
	struct buf title = BUF_INIT;
	buf_addf(&title, "ข้อมูลพื้นฐาน %s %s", jstr(school, "name"), jstr(round, "label"));
	json_t *m = json_pack("{s:s, s:o, s:O, s:o, s:b, s:I, s:s?}", "page_title", buf_cstr(&title), "round", round, "basic",
			      basic, "form", form, "can_edit", edit, "record_version", (json_int_t)jint(basic, "version"),
			      "error", error);
	json_decref(basic);
	buf_release(&title);
	school_link(m, school);
	json_decref(school);
	return view_page(r, status, "dmc/basic", m);
}

static int basic_get(struct req *r)
{
	return basic_page(r, 200, NULL);
}

static int basic_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id"), area = jint(school, "area_id"), rid = req_param_id(r, "rid");
	json_decref(school);
	if (!form_ok(r))
		return basic_page(r, 422, "กรุณากรอกจำนวนห้องของแต่ละชั้นเป็นตัวเลข 0–99 (0 = ไม่เปิดสอน)");
	json_t *gs = form_values(r, "grade"), *rs = form_values(r, "rooms");
	size_t n = json_array_size(gs);
	if (n != json_array_size(rs))
		return basic_page(r, 422, "กรุณากรอกจำนวนห้องให้ครบทุกชั้น (0 = ไม่เปิดสอน)");
	const char **grades = xcalloc(n ? n : 1, sizeof *grades);
	long long *rooms = xcalloc(n ? n : 1, sizeof *rooms);
	for (size_t i = 0; i < n; i++) {
		grades[i] = json_string_value(json_array_get(gs, i));
		rooms[i] = num_ll_or(json_string_value(json_array_get(rs, i)), -1);
	}
	struct err e = ERR_INIT;
	rc = dmc_basic_save(req_db(r), rid, sid, grades, rooms, n, form_version(r), acc_user_id(r), dmc_now(r), &e);
	free(grades);
	free(rooms);
	if (rc < 0) {
		if (!err_refusal(&e))
			return view_fault(r, &e);
		if (e.status == 404)
			return view_error(r, 404, e.msg);
		if (!strcmp(e.field, "_version")) {
			form_stale(r, basic_form, NULL, dmc_now(r), "ข้อมูลพื้นฐาน");
			return basic_page(r, 409, NULL);
		}
		return basic_page(r, e.status == 409 ? 409 : 422, e.msg);
	}
	acc_audit_in(r, req_db(r), area, acc_user_id(r), "dmc.basic.save", "school", sid,
		     json_pack("{s:I}", "round_id", (json_int_t)rid));
	char u[96];
	snprintf(u, sizeof u, "/dmc/schools/%lld/rounds/%lld/basic", sid, rid);
	return view_redirect(r, u, "บันทึกข้อมูลพื้นฐาน (ชั้นและจำนวนห้อง) แล้ว");
}

/* ---- weights and heights from a file ------------------------------------------------------------ */

static const struct field body_upload_form[] = {
    {"file", "ไฟล์น้ำหนักและส่วนสูง (CSV หรือ XLSX)", FT_FILE, F_REQUIRED | F_TABLE, TABLE_MAX_FILE, 0, NULL, NULL, NULL,
     NULL, "แถวแรกเป็นชื่อคอลัมน์: เลขประจำตัวประชาชน (หรือรหัส G), น้ำหนัก, ส่วนสูง — ไม่เกิน 20 MB"},
    {NULL},
};

static int body_upload_page(struct req *r, int status, json_t *school, const char *report)
{
	json_t *form = form_model(r, body_upload_form, NULL);
	json_t *lines = json_array();
	if (report) {
		const char *p = report;
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			if (n)
				json_array_append_new(lines, json_stringn(p, n));
			p += n + (nl ? 1 : 0);
		}
	}
	struct buf title = BUF_INIT;
	buf_addf(&title, "อัปโหลดน้ำหนักและส่วนสูง %s", jstr(school, "name"));
	json_t *m = json_pack("{s:s, s:o, s:o, s:b, s:i}", "page_title", buf_cstr(&title), "form", form, "bad_lines", lines,
			      "has_bad_lines", json_array_size(lines) > 0, "max_rows", DMC_UPLOAD_MAX);
	buf_release(&title);
	school_link(m, school);
	json_decref(school);
	return view_page(r, status, "dmc/body_upload", m);
}

static int body_upload_get(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	return school ? body_upload_page(r, 200, school, NULL) : rc;
}

static int body_upload_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	if (!form_ok(r))
		return body_upload_page(r, 422, school, NULL);
	const struct form_file *ff = form_file(r, "file");
	long long sid = jint(school, "id"), area = jint(school, "area_id");
	struct err e = ERR_INIT;
	struct buf report = BUF_INIT;
	long long n = dmc_body_upload(req_db(r), sid, ff->path, acc_user_id(r), dmc_now(r), &report, &e);
	if (n < 0) {
		if (!err_refusal(&e)) {
			buf_release(&report);
			json_decref(school);
			return view_fault(r, &e);
		}
		form_error_err(r, &e);
		rc = body_upload_page(r, e.status == 409 ? 409 : 422, school, buf_cstr(&report));
		buf_release(&report);
		return rc;
	}
	buf_release(&report);
	json_decref(school);
	acc_audit_in(r, req_db(r), area, acc_user_id(r), "dmc.body_upload", "school", sid,
		     json_pack("{s:I, s:s}", "learners", (json_int_t)n, "file", ff->filename ? ff->filename : ""));
	char u[64];
	snprintf(u, sizeof u, "/dmc/schools/%lld/learners", sid);
	struct buf msg = BUF_INIT;
	buf_addf(&msg, "บันทึกน้ำหนักและส่วนสูงจากไฟล์แล้ว %lld คน", n);
	rc = view_redirect(r, u, buf_cstr(&msg));
	buf_release(&msg);
	return rc;
}

/* ---- G-codes (GC-1) ------------------------------------------------------------------------------- */

#define MB5 (5LL * 1024 * 1024)
#define DOC_HINT "ไฟล์ PDF, PNG หรือ JPG ไม่เกิน 5 MB"

const struct field dmc_gcode_form[] = {
    {"title", "คำนำหน้าชื่อ", FT_TEXT, F_REQUIRED, 16},
    {"first_name", "ชื่อ", FT_TEXT, F_REQUIRED | F_NAME, 100},
    {"last_name", "นามสกุล", FT_TEXT, F_REQUIRED | F_NAME, 100},
    {"sex", "เพศ", FT_CHOICE, F_REQUIRED, 0, 0, NULL, NULL, sex_choices},
    {"birth_date", "วันเกิด", FT_DATE, F_REQUIRED},
    {"nationality", "สัญชาติ", FT_TEXT, F_REQUIRED, 16},
    {"grade", "ชั้น", FT_TEXT, F_REQUIRED, 16},
    {"room", "ห้อง", FT_INT, F_REQUIRED, 99, 1},
    {"weight", "น้ำหนัก (กิโลกรัม)", FT_TEXT, 0, 8, 0, NULL, NULL, NULL, NULL, "เช่น 35.5"},
    {"height", "ส่วนสูง (เซนติเมตร)", FT_TEXT, 0, 8, 0, NULL, NULL, NULL, NULL, "เช่น 142"},
    {"disadvantaged", "ความด้อยโอกาส", FT_TEXT, F_REQUIRED, 16},
    {"disability", "ความพิการ", FT_TEXT, F_REQUIRED, 16},
    {"guardian_name", "ชื่อผู้ปกครอง", FT_TEXT, F_REQUIRED, 200},
    {"guardian_phone", "โทรศัพท์ผู้ปกครอง", FT_PHONE, 0},
    {"address", "ที่อยู่", FT_TEXTAREA, F_REQUIRED, 500},
    {"student_form", "แบบบันทึกข้อมูลนักเรียนพร้อมรูปถ่าย", FT_FILE, F_REQUIRED, MB5, 0, NULL, NULL, NULL, NULL, DOC_HINT},
    {"guardian_doc", "เอกสารของบิดามารดาหรือผู้ปกครอง (เช่น หนังสือเดินทาง บัตรประจำตัว)", FT_FILE, F_REQUIRED, MB5, 0,
     NULL, NULL, NULL, NULL, DOC_HINT},
    {"other_doc", "เอกสารอื่น (ถ้ามี)", FT_FILE, 0, MB5, 0, NULL, NULL, NULL, NULL, DOC_HINT},
    {"note", "หมายเหตุถึงเขตพื้นที่", FT_TEXTAREA, 0, 500},
    {NULL},
};

static const char *const doc_kinds[][2] = {
    {"student_form", "แบบบันทึกข้อมูลนักเรียนพร้อมรูปถ่าย"},
    {"guardian_doc", "เอกสารของบิดามารดาหรือผู้ปกครอง"},
    {"other_doc", "เอกสารอื่น"},
};

static const char *doc_label(const char *kind)
{
	for (size_t i = 0; i < sizeof doc_kinds / sizeof *doc_kinds; i++)
		if (!strcmp(doc_kinds[i][0], kind))
			return doc_kinds[i][1];
	return NULL;
}

static const char *gcode_status_label(const char *st)
{
	return !strcmp(st, "pending")	 ? "รอเขตพื้นที่รับรอง"
	       : !strcmp(st, "approved") ? "รับรองแล้ว"
	       : !strcmp(st, "rejected") ? "ไม่รับรอง"
					 : "โรงเรียนยกเลิกคำขอ";
}

static void gcode_rows_text(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_object_set_new(row, "status_label", json_string(gcode_status_label(jstr(row, "status"))));
		json_object_set_new(row, "pending", json_boolean(!strcmp(jstr(row, "status"), "pending")));
		json_object_set_new(row, "requested_at_text", text_time(jint(row, "requested_at")));
		json_object_set_new(row, "decided_at_text", text_time(jint(row, "decided_at")));
	}
}

/* The G-code requests as a file: the columns of the pages (the area's
 * with the school first; a school's from the second column on), the code
 * as the pages show it. */
static const struct sheet_col gcode_cols[] = {
    {"โรงเรียน", 36, SHEET_TEXT, 0, "school_name"},	   {"คำนำหน้า", 10, SHEET_TEXT, 0, "title_label"},
    {"ชื่อ", 18, SHEET_TEXT, 0, "first_name"},		   {"นามสกุล", 18, SHEET_TEXT, 0, "last_name"},
    {"ชั้น", 10, SHEET_ENUM, 0, "grade_label"},		   {"ยื่นเมื่อ", 20, SHEET_DATETIME, 0, "requested_at"},
    {"สถานะ", 16, SHEET_ENUM, 0, "status_label"},	   {"พิจารณาเมื่อ", 20, SHEET_DATETIME, 0, "decided_at"},
    {"รหัส G", 16, SHEET_CODE, 0, "gcode"},		   {"หมายเหตุการพิจารณา", 30, SHEET_TEXT, 0, "decision_note"}};
#define GCODE_NCOLS ((int)(sizeof gcode_cols / sizeof *gcode_cols))

static int gcode_export(struct req *r, enum sheet_format fmt, bool one_school, const char *title, const char *base,
			json_t *rows)
{
	const struct export_list l = {title, base, one_school ? GCODE_NCOLS - 1 : GCODE_NCOLS,
				      one_school ? gcode_cols + 1 : gcode_cols};
	return export_rows(r, fmt, &l, rows, rows);
}

static int gcode_school_page(struct req *r, int status, const char *error)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	struct err e = ERR_INIT;
	json_t *rows = dmc_gcode_school(req_db(r), jint(school, "id"), &e);
	if (!rows) {
		json_decref(school);
		return view_fault(r, &e);
	}
	gcode_rows_text(rows);
	bool enter = may_enter(acc_active_grant(r));
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	    json_object_set_new(row, "can_withdraw", json_boolean(enter && !strcmp(jstr(row, "status"), "pending")));
	struct buf title = BUF_INIT;
	buf_addf(&title, "คำขอรหัส G %s", jstr(school, "name"));
	enum sheet_format fmt;
	if (status == 200 && !error && export_asked(r, &fmt)) {
		/* the page's rows: the school's latest 200 requests, newest first */
		char base[48];
		snprintf(base, sizeof base, "gcode-requests-%s", jstr(school, "obec_code"));
		json_decref(school);
		rc = gcode_export(r, fmt, true, buf_cstr(&title), base, rows);
		buf_release(&title);
		return rc;
	}
	json_t *m = json_pack("{s:s, s:o, s:b, s:b, s:s?}", "page_title", buf_cstr(&title), "requests", rows, "has_requests",
			      json_array_size(rows) > 0, "can_enter", enter, "error", error);
	buf_release(&title);
	school_link(m, school);
	json_decref(school);
	if (status == 200)
		export_links(r, m);
	return view_page(r, status, "dmc/gcode_school", m);
}

static int gcode_school_get(struct req *r)
{
	return gcode_school_page(r, 200, NULL);
}

static int gcode_new_page(struct req *r, int status, json_t *school)
{
	json_t *values = json_pack("{s:s, s:s, s:s, s:s}", "nationality", "XX", "disadvantaged", "none", "disability",
				   "none", "room", "1");
	json_t *form = form_model(r, dmc_gcode_form, values);
	json_decref(values);
	struct err e = ERR_INIT;
	if (selects(r, form, &e) < 0) {
		json_decref(form);
		json_decref(school);
		return view_fault(r, &e);
	}
	struct buf title = BUF_INIT;
	buf_addf(&title, "ขอรหัส G สำหรับนักเรียนที่ไม่มีหลักฐานทางทะเบียนราษฎร %s", jstr(school, "name"));
	json_t *m = json_pack("{s:s, s:o}", "page_title", buf_cstr(&title), "form", form);
	buf_release(&title);
	school_link(m, school);
	json_decref(school);
	return view_page(r, status, "dmc/gcode_new", m);
}

static int gcode_new_get(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	return school ? gcode_new_page(r, 200, school) : rc;
}

/* Moves the upload of field kind to DATA/files/dmc/gcode/<id>/<kind>.<ext>
 * and records it. */
static int gcode_keep(struct req *r, long long id, const char *kind, struct err *e)
{
	const struct form_file *ff = form_file(r, kind);
	if (!ff)
		return 0;
	const char *ext = !strcmp(ff->mime, "application/pdf") ? "pdf" : !strcmp(ff->mime, "image/png") ? "png" : "jpg";
	struct buf rel = BUF_INIT, dir = BUF_INIT;
	buf_addf(&rel, "files/dmc/gcode/%lld/%s.%s", id, kind, ext);
	struct dmc_gcode_doc d = {kind, buf_cstr(&rel), ff->filename, ff->mime, ff->size};
	/* the row first, the move last: a failed insert leaves no file */
	int rc = dmc_gcode_doc_add(req_db(r), id, &d, e);
	const char *data_dir = http_settings()->data_dir;
	static const char *const parts[] = {"files", "files/dmc", "files/dmc/gcode"};
	for (size_t i = 0; rc == 0 && i < sizeof parts / sizeof *parts + 1; i++) {
		buf_reset(&dir);
		if (i < sizeof parts / sizeof *parts)
			buf_addf(&dir, "%s/%s", data_dir, parts[i]);
		else
			buf_addf(&dir, "%s/files/dmc/gcode/%lld", data_dir, id);
		if (mkdir(buf_cstr(&dir), 0750) < 0 && errno != EEXIST)
			rc = err_set(e, 500, "mkdir %s: %s", buf_cstr(&dir), strerror(errno));
	}
	if (rc == 0) {
		buf_reset(&dir);
		buf_addf(&dir, "%s/%s", data_dir, buf_cstr(&rel));
		rc = form_file_keep(r, kind, buf_cstr(&dir), e);
	}
	buf_release(&rel);
	buf_release(&dir);
	return rc;
}

int dmc_gcode_new_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	if (!form_ok(r))
		return gcode_new_page(r, 422, school);
	struct dmc_learner_in in = {
	    .citizen_id = "",
	    .gcode = "",
	    .title = form_value(r, "title"),
	    .first_name = form_value(r, "first_name"),
	    .last_name = form_value(r, "last_name"),
	    .sex = form_value(r, "sex"),
	    .birth_date = form_value(r, "birth_date"),
	    .nationality = form_value(r, "nationality"),
	    .grade = form_value(r, "grade"),
	    .room = form_int(r, "room"),
	    .weight = form_value(r, "weight"),
	    .height = form_value(r, "height"),
	    .disadvantaged = form_value(r, "disadvantaged"),
	    .disability = form_value(r, "disability"),
	    .guardian_name = form_value(r, "guardian_name"),
	    .guardian_phone = form_value(r, "guardian_phone"),
	    .address = form_value(r, "address"),
	};
	struct err e = ERR_INIT;
	long long sid = jint(school, "id"), area = jint(school, "area_id");
	long long id = dmc_gcode_request(req_db(r), sid, &in, form_value(r, "note"), acc_user_id(r), dmc_now(r), &e);
	if (id < 0) {
		if (!err_refusal(&e)) {
			json_decref(school);
			return view_fault(r, &e);
		}
		form_error_err(r, &e);
		return gcode_new_page(r, 422, school);
	}
	json_decref(school);
	for (size_t i = 0; i < sizeof doc_kinds / sizeof *doc_kinds; i++)
		if (gcode_keep(r, id, doc_kinds[i][0], &e) < 0)
			return view_fault(r, &e);
	acc_audit_in(r, req_db(r), area, acc_user_id(r), "dmc.gcode.request", "dmc_gcode_request", id, NULL);
	char u[64];
	snprintf(u, sizeof u, "/dmc/gcode/%lld", id);
	return view_redirect(r, u, "ส่งคำขอรหัส G แล้ว รอเขตพื้นที่ตรวจเอกสารและรับรอง");
}

static int gcode_withdraw_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id"), area = jint(school, "area_id"), gid = req_param_id(r, "gid");
	json_decref(school);
	if (!may_enter(acc_active_grant(r)))
		return acc_deny(r, "การยกเลิกคำขอทำได้เฉพาะเจ้าหน้าที่ข้อมูลนักเรียนของโรงเรียน");
	struct err e = ERR_INIT;
	if (dmc_gcode_withdraw(req_db(r), sid, gid, acc_user_id(r), dmc_now(r), &e) < 0)
		return err_refusal(&e) ? gcode_school_page(r, 409, e.msg) : view_fault(r, &e);
	acc_audit_in(r, req_db(r), area, acc_user_id(r), "dmc.gcode.withdraw", "dmc_gcode_request", gid, NULL);
	char u[64];
	snprintf(u, sizeof u, "/dmc/schools/%lld/gcode", sid);
	return view_redirect(r, u, "ยกเลิกคำขอรหัส G แล้ว");
}

/* The request of the path when the user may see its school; 404 otherwise. */
static json_t *gcode_for(struct req *r, int *rc)
{
	long long gid = req_param_id(r, "gid");
	struct err e = ERR_INIT;
	json_t *g = gid > 0 ? dmc_gcode_get(req_db(r), gid, &e) : NULL;
	if (!g) {
		*rc = gid > 0 && e.status >= 500 ? view_fault(r, &e) : view_error(r, 404, "ไม่พบคำขอรหัส G นี้");
		return NULL;
	}
	if (!may_see_school(r, jint(g, "school_id"))) {
		json_decref(g);
		*rc = view_error(r, 404, "ไม่พบคำขอรหัส G นี้");
		return NULL;
	}
	return g;
}

static int gcode_get(struct req *r)
{
	int rc = 0;
	json_t *g = gcode_for(r, &rc);
	if (!g)
		return rc;
	long long gid = jint(g, "id");
	/* X-5: the typed personal data and documents of a learner were read */
	acc_audit_in(r, req_db(r), jint(g, "area_id"), acc_user_id(r), "personal.read", "dmc_gcode_request", gid, NULL);
	json_object_set_new(g, "status_label", json_string(gcode_status_label(jstr(g, "status"))));
	json_object_set_new(g, "pending", json_boolean(!strcmp(jstr(g, "status"), "pending")));
	json_object_set_new(g, "approved", json_boolean(!strcmp(jstr(g, "status"), "approved")));
	json_object_set_new(g, "requested_at_text", text_time(jint(g, "requested_at")));
	json_object_set_new(g, "decided_at_text", text_time(jint(g, "decided_at")));
	json_t *d = json_object_get(g, "data");
	json_object_set_new(d, "sex_label", json_string(sex_label(jstr(d, "sex"))));
	struct buf bd = BUF_INIT; /* shown in BE, as on the learner's page */
	int y, mo, dd;
	if (thai_parse_date(jstr(d, "birth_date"), &y, &mo, &dd) == 0)
		buf_addf(&bd, "%d %s %d", dd, thai_month_abbr(mo), y + 543);
	json_object_set_new(d, "birth_date_text", json_string(buf_cstr(&bd)));
	buf_release(&bd);
	json_object_del(d, "birth_date"); /* the page shows the BE text only */
	size_t i;
	json_t *doc;
	json_array_foreach(json_object_get(g, "docs"), i, doc)
	{
		const char *l = doc_label(jstr(doc, "kind"));
		json_object_set_new(doc, "label", json_string(l ? l : jstr(doc, "kind")));
		json_object_set_new(doc, "kb", json_integer((jint(doc, "size") + 1023) / 1024));
	}
	const struct acc_grant *ag = acc_active_grant(r);
	bool decide = acc_grant_is(ag, "dmc_area") && acc_in_area(r, jint(g, "area_id")) && json_is_true(json_object_get(g, "pending"));
	json_t *form = form_model(r, dmc_decision_form, NULL);
	struct buf title = BUF_INIT;
	buf_addf(&title, "คำขอรหัส G: %s%s %s", jstr(g, "title_label"), jstr(g, "first_name"), jstr(g, "last_name"));
	json_t *m = json_pack("{s:s, s:o, s:b, s:b, s:o}", "page_title", buf_cstr(&title), "req", g, "can_decide", decide,
			      "can_withdraw", may_enter(ag) && json_is_true(json_object_get(g, "pending")), "decision_form", form);
	buf_release(&title);
	return view_page(r, 200, "dmc/gcode", m);
}

static int gcode_doc_get(struct req *r)
{
	int rc = 0;
	json_t *g = gcode_for(r, &rc);
	if (!g)
		return rc;
	const char *kind = req_param(r, "kind");
	struct err e = ERR_INIT;
	json_t *d = doc_label(kind) ? dmc_gcode_doc_get(req_db(r), jint(g, "id"), kind, &e) : NULL;
	if (!d) {
		json_decref(g);
		return e.status >= 500 ? view_fault(r, &e) : view_error(r, 404, "ไม่พบเอกสารนี้");
	}
	acc_audit_in(r, req_db(r), jint(g, "area_id"), acc_user_id(r), "personal.read", "dmc_gcode_doc", jint(g, "id"),
		     json_pack("{s:s}", "kind", kind));
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", http_settings()->data_dir, jstr(d, "path"));
	rc = view_file(r, buf_cstr(&path), jstr(d, "mime"), jstr(d, "filename"));
	buf_release(&path);
	json_decref(d);
	json_decref(g);
	return rc;
}

static int gcode_area_page(struct req *r, int status, const char *error)
{
	int rc = 0;
	json_t *area = acc_area_for(r, &area_path, "คำขอรหัส G ของโรงเรียนดูได้เฉพาะเจ้าหน้าที่ของเขตพื้นที่", &rc);
	if (!area)
		return rc;
	long long aid = jint(area, "id");
	struct err e = ERR_INIT;
	json_t *lists = dmc_gcode_area(req_db(r), aid, &e);
	if (!lists) {
		json_decref(area);
		return view_fault(r, &e);
	}
	gcode_rows_text(json_object_get(lists, "pending"));
	gcode_rows_text(json_object_get(lists, "decided"));
	enum sheet_format fmt;
	if (status == 200 && !error && export_asked(r, &fmt)) {
		/* the pending requests, then the latest decided, as on the page */
		json_t *rows = json_array();
		json_array_extend(rows, json_object_get(lists, "pending"));
		json_array_extend(rows, json_object_get(lists, "decided"));
		json_decref(lists);
		struct buf t = BUF_INIT;
		buf_addf(&t, "คำขอรหัส G %s", jstr(area, "short_name"));
		char base[48];
		snprintf(base, sizeof base, "gcode-requests-%s", jstr(area, "code"));
		json_decref(area);
		rc = gcode_export(r, fmt, false, buf_cstr(&t), base, rows);
		buf_release(&t);
		return rc;
	}
	struct buf title = BUF_INIT;
	buf_addf(&title, "คำขอรหัส G รอรับรอง %s", jstr(area, "short_name"));
	json_t *m = json_pack("{s:s, s:o, s:O, s:O, s:b, s:b, s:b, s:s?}", "page_title", buf_cstr(&title), "area", area,
			      "pending", json_object_get(lists, "pending"), "decided", json_object_get(lists, "decided"),
			      "has_pending", json_array_size(json_object_get(lists, "pending")) > 0, "has_decided",
			      json_array_size(json_object_get(lists, "decided")) > 0, "can_decide",
			      acc_grant_is(acc_active_grant(r), "dmc_area"), "error", error);
	json_decref(lists);
	buf_release(&title);
	if (status == 200)
		export_links(r, m);
	return view_page(r, status, "dmc/gcode_area", m);
}

static int gcode_area_get(struct req *r)
{
	return gcode_area_page(r, 200, NULL);
}

int dmc_gcode_decide_post(struct req *r)
{
	long long aid = req_param_id(r, "aid"), gid = req_param_id(r, "gid");
	if (!acc_grant_is(acc_active_grant(r), "dmc_area") || !acc_in_area(r, aid))
		return acc_deny(r, "การรับรองรหัส G ทำได้เฉพาะเจ้าหน้าที่ข้อมูลนักเรียนของเขตพื้นที่");
	if (!form_ok(r))
		return gcode_area_page(r, 422, NULL);
	bool approve = route_act(r) == 1;
	struct err e = ERR_INIT;
	char code[14];
	long long learner = 0;
	if (dmc_gcode_decide(req_db(r), aid, gid, approve, form_value(r, "decision_note"), acc_user_id(r), dmc_now(r),
			     code, &learner, &e) < 0) {
		if (!err_refusal(&e))
			return view_fault(r, &e);
		if (*e.field)
			form_error_err(r, &e);
		return gcode_area_page(r, e.status == 404 ? 404 : e.status == 409 ? 409 : 422, e.msg);
	}
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), approve ? "dmc.gcode.approve" : "dmc.gcode.reject",
		     "dmc_gcode_request", gid, approve ? json_pack("{s:s, s:I}", "gcode", code, "learner_id", (json_int_t)learner) : NULL);
	char u[64];
	snprintf(u, sizeof u, "/dmc/areas/%lld/gcode", aid);
	struct buf msg = BUF_INIT;
	if (approve)
		buf_addf(&msg, "รับรองแล้ว ออกรหัส G %s และเพิ่มนักเรียนเข้าโรงเรียนแล้ว", code);
	else
		buf_adds(&msg, "ไม่รับรองคำขอ และแจ้งเหตุผลให้โรงเรียนแล้ว");
	int rc = view_redirect(r, u, buf_cstr(&msg));
	buf_release(&msg);
	return rc;
}

/* ---- the table ------------------------------------------------------------------------------------ */

#define SEEN ACCESS_SIGNED_IN, ALL
#define DATA(x) ((const void *)(intptr_t)(x))

static const struct route routes[] = {
    {"GET", "/dmc", dmc_home, NULL, "dmc", SEEN},
    {"GET", "/dmc/areas", areas_page, NULL, NULL, SEEN},
    {"GET", "/dmc/areas/:aid", area_get, NULL, NULL, SEEN},
    {"POST", "/dmc/areas/:aid/rounds/:rid/schools/:sid/acknowledge", ack_post, dmc_empty_form, NULL, ACCESS_SIGNED_IN,
     "dmc_area"},
    {"GET", "/dmc/areas/:aid/duplicates", duplicates_get, NULL, NULL, SEEN},
    {"POST", "/dmc/areas/:aid/duplicates/:did/resolve", resolve_post, resolve_form, NULL, ACCESS_SIGNED_IN, "dmc_area"},
    {"GET", "/dmc/areas/:aid/requests", requests_get, NULL, NULL, SEEN},
    {"POST", "/dmc/areas/:aid/requests/:rid/approve", dmc_decide_post, dmc_decision_form, NULL, ACCESS_SIGNED_IN, "dmc_area",
     DATA(1)},
    {"POST", "/dmc/areas/:aid/requests/:rid/reject", dmc_decide_post, dmc_decision_form, NULL, ACCESS_SIGNED_IN, "dmc_area",
     DATA(0)},
    {"GET", "/dmc/schools/:sid", school_get, NULL, NULL, SEEN},
    {"GET", "/dmc/schools/:sid/learners", list_get, NULL, NULL, SEEN},
    {"GET", "/dmc/schools/:sid/learners/new", add_get, NULL, NULL, ACCESS_SIGNED_IN, ENTER},
    {"POST", "/dmc/schools/:sid/learners/new", dmc_add_post, dmc_learner_form, NULL, ACCESS_SIGNED_IN, ENTER},
    {"GET", "/dmc/schools/:sid/move-in", move_in_get, NULL, NULL, ACCESS_SIGNED_IN, ENTER},
    {"POST", "/dmc/schools/:sid/move-in", dmc_move_in_post, dmc_move_in_form, NULL, ACCESS_SIGNED_IN, ENTER},
    {"POST", "/dmc/schools/:sid/grade", bulk_post, bulk_form, NULL, ACCESS_SIGNED_IN, ENTER},
    {"POST", "/dmc/schools/:sid/rounds/:rid/confirm", dmc_round_post, dmc_empty_form, NULL, ACCESS_SIGNED_IN, ENTER,
     DATA(RA_CONFIRM)},
    {"POST", "/dmc/schools/:sid/rounds/:rid/certify", dmc_round_post, dmc_empty_form, NULL, ACCESS_SIGNED_IN, CERTIFY,
     DATA(RA_CERTIFY)},
    {"GET", "/dmc/schools/:sid/rounds/:rid", snapshot_get, NULL, NULL, SEEN},
    {"GET", "/dmc/schools/:sid/promotion", promotion_get, NULL, NULL, SEEN},
    {"POST", "/dmc/schools/:sid/promotion", promotion_post, dmc_empty_form, NULL, ACCESS_SIGNED_IN, ENTER,
     DATA(PA_PROMOTE)},
    {"POST", "/dmc/schools/:sid/promotion/undo", promotion_post, dmc_empty_form, NULL, ACCESS_SIGNED_IN, ENTER,
     DATA(PA_UNDO)},
    {"POST", "/dmc/schools/:sid/repeating", repeating_post, repeating_form, NULL, ACCESS_SIGNED_IN, ENTER},
    {"GET", "/dmc/learners/:id", learner_get, NULL, NULL, SEEN},
    {"POST", "/dmc/learners/:id/move-out", dmc_learner_post, dmc_move_out_form, NULL, ACCESS_SIGNED_IN, ENTER,
     DATA(ACT_MOVE_OUT)},
    {"POST", "/dmc/learners/:id/name", dmc_learner_post, dmc_name_form, NULL, ACCESS_SIGNED_IN, ENTER, DATA(ACT_NAME)},
    {"POST", "/dmc/learners/:id/body", dmc_learner_post, dmc_body_form, NULL, ACCESS_SIGNED_IN, ENTER, DATA(ACT_BODY)},
    {"POST", "/dmc/learners/:id/grade", dmc_learner_post, dmc_grade_form, NULL, ACCESS_SIGNED_IN, ENTER, DATA(ACT_GRADE)},
    {"POST", "/dmc/learners/:id/dropout", dmc_learner_post, dmc_dropout_form, NULL, ACCESS_SIGNED_IN, ENTER,
     DATA(ACT_DROPOUT)},
    {"POST", "/dmc/learners/:id/citizen-id", dmc_learner_post, idfix_form, NULL, ACCESS_SIGNED_IN, ENTER, DATA(ACT_IDFIX)},
    {"POST", "/dmc/learners/:id/requests/:rid/withdraw", dmc_learner_post, dmc_empty_form, NULL, ACCESS_SIGNED_IN, ENTER,
     DATA(ACT_WITHDRAW)},
    {"GET", "/dmc/areas/:aid/rounds/:rid/subsidy", subsidy_area_get, NULL, NULL, SEEN},
    {"GET", "/dmc/subsidy-rates", rates_get, NULL, NULL, SEEN},
    {"POST", "/dmc/subsidy-rates/:year", rates_post, rates_form, NULL, ACCESS_SIGNED_IN, "super_admin"},
    {"GET", "/dmc/rounds", rounds_get, NULL, NULL, SEEN},
    {"POST", "/dmc/rounds/:rid", round_settings_post, round_form, NULL, ACCESS_SIGNED_IN, "super_admin"},
    {"POST", "/dmc/rounds/:rid/extend", round_extend_post, extend_form, NULL, ACCESS_SIGNED_IN, "dmc_area area_admin"},
    {"GET", "/dmc/schools/:sid/rounds/:rid/basic", basic_get, NULL, NULL, SEEN},
    {"POST", "/dmc/schools/:sid/rounds/:rid/basic", basic_post, basic_form, NULL, ACCESS_SIGNED_IN, ENTER},
    {"GET", "/dmc/schools/:sid/body-upload", body_upload_get, NULL, NULL, ACCESS_SIGNED_IN, ENTER},
    {"POST", "/dmc/schools/:sid/body-upload", body_upload_post, body_upload_form, NULL, ACCESS_SIGNED_IN, ENTER},
    {"GET", "/dmc/schools/:sid/gcode", gcode_school_get, NULL, NULL, SEEN},
    {"GET", "/dmc/schools/:sid/gcode/new", gcode_new_get, NULL, NULL, ACCESS_SIGNED_IN, ENTER},
    {"POST", "/dmc/schools/:sid/gcode/new", dmc_gcode_new_post, dmc_gcode_form, NULL, ACCESS_SIGNED_IN, ENTER},
    {"POST", "/dmc/schools/:sid/gcode/:gid/withdraw", gcode_withdraw_post, dmc_empty_form, NULL, ACCESS_SIGNED_IN, ENTER},
    {"GET", "/dmc/gcode/:gid", gcode_get, NULL, NULL, SEEN},
    {"GET", "/dmc/gcode/:gid/docs/:kind", gcode_doc_get, NULL, NULL, SEEN},
    {"GET", "/dmc/areas/:aid/gcode", gcode_area_get, NULL, NULL, SEEN},
    {"POST", "/dmc/areas/:aid/gcode/:gid/approve", dmc_gcode_decide_post, dmc_decision_form, NULL, ACCESS_SIGNED_IN, "dmc_area",
     DATA(1)},
    {"POST", "/dmc/areas/:aid/gcode/:gid/reject", dmc_gcode_decide_post, dmc_decision_form, NULL, ACCESS_SIGNED_IN, "dmc_area",
     DATA(0)},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table dmc_routes = {"dmc", routes};
