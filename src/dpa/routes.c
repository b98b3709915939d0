/* routes: the personnel registry's pages and the module's route table
 * (DPA-1 … DPA-4).
 *
 *   GET  /dpa                                  to the user's school or area
 *   GET  /dpa/areas                            areas (national roles)
 *   GET  /dpa/areas/:aid                       the area: recorded / incomplete / by type, by school
 *   GET  /dpa/areas/:aid/transfers             the area's transfer queue (7 days: flagged)
 *   GET  /dpa/areas/:aid/office[/add|/new|/retiring|/export|/roster.pdf]
 *                                              the same for the area office's own staff (no school)
 *   GET  /dpa/schools/:sid                     the staff list: recorded N / incomplete M, search, masked
 *   GET|POST /dpa/schools/:sid/add             add by citizen ID: new record, or the transfer offer
 *   GET|POST /dpa/schools/:sid/new             the new record's form
 *   POST /dpa/schools/:sid/transfers           ask for a person recorded at another school
 *   GET  /dpa/schools/:sid/transfers           the school's queue: asked of us, asked by us
 *   GET  /dpa/schools/:sid/retiring            who retires this fiscal year
 *   GET  /dpa/schools/:sid/export?format=csv|xlsx   the roster (no IDs, no salaries)
 *   GET  /dpa/schools/:sid/roster.pdf          the roster for signing
 *   GET  /dpa/areas/:aid/export?format=csv|xlsx     the area's table: counts by school and type
 *   POST /dpa/transfers/:tid/approve|refuse    the person's school or its area decides
 *   POST /dpa/transfers/:tid/withdraw          the asking school withdraws
 *   GET  /dpa/staff/:id                        the full record (each read audited), history
 *   POST /dpa/staff/:id/edit|remove            save (stale copy: 409), remove with reason and date
 *
 * Who may do what is decided here, once per handler, from the active
 * grant: school roles (the school's personnel officer, its admin) act on
 * their own school, area roles (the area's personnel officer, the area
 * admin) on the schools of their area, the super admin everywhere; a
 * record or request outside that is answered 404, as if it did not exist.
 * Every bad input is answered with its page again and a Thai message at
 * the field; the handler's transaction is rolled back with any error
 * answer, so nothing stored changes. */
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "acc/acc.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/pager.h"
#include "core/pdf.h"
#include "core/search.h"
#include "core/export.h"
#include "core/sheet.h"
#include "core/thai.h"
#include "core/view.h"
#include "core/api.h"
#include "dpa/dpa_internal.h"
#include "dpa/dpa_pages.h"
#include "org/org.h"

#define SCHOOL_ROLES "dpa_officer school_admin"
#define AREA_ROLES "dpa_area area_admin"
#define ALL "dpa_officer dpa_area school_admin director area_admin super_admin"


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

/* ---- who may do what --------------------------------------------------------------- */

static bool is_school_role(const struct acc_grant *g)
{
	return acc_grant_is(g, "dpa_officer") || acc_grant_is(g, "school_admin");
}

static bool is_area_role(const struct acc_grant *g)
{
	return acc_grant_is(g, "dpa_area") || acc_grant_is(g, "area_admin");
}

/* may change the staff of school sid (area aid): its own school roles,
 * its area's roles, the super admin */
static bool may_enter(struct req *r, long long sid, long long aid)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (acc_grant_is(g, "super_admin"))
		return true;
	if (is_school_role(g))
		return sid > 0 && g->school_id == sid;
	return is_area_role(g) && g->area_id == aid;
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

static void date_text(json_t *o, const char *key, const char *out_key)
{
	int y, m, d;
	struct buf b = BUF_INIT;
	if (thai_parse_date(jstr(o, key), &y, &m, &d) == 0)
		buf_addf(&b, "%d %s %d", d, thai_month_abbr(m), y + 543);
	json_object_set_new(o, out_key, json_string(buf_cstr(&b)));
	buf_release(&b);
}

static const struct acc_place school_path = {"sid"}, area_path = {"aid", NULL, true};

/* The area office of the path (/dpa/areas/:aid/office…): its staff are
 * the records with no school. Area roles of the area and the super admin
 * see it. */
static json_t *office_for(struct req *r, int *rc)
{
	json_t *a = acc_area_for(r, &area_path, NULL, rc);
	if (!a)
		return NULL;
	long long aid = jint(a, "id");
	char base[64];
	snprintf(base, sizeof base, "/dpa/areas/%lld/office", aid);
	json_t *pl = json_pack("{s:i, s:I, s:s, s:b, s:s}", "id", 0, "area_id", (json_int_t)aid, "name",
			       jstr(a, "name"), "office", 1, "base", base);
	json_decref(a);
	return pl;
}

/* The place of the path — a school (:sid), or an area office — as {id
 * (the school; 0 for the office), area_id, name, office, base (the list's
 * URL)} when the user may see it; else answers (404) and returns NULL with
 * *rc set. */
/* a school's row as the page's place: with base (the list's URL) and office false */
static json_t *school_place(json_t *s, long long sid)
{
	char base[64];
	snprintf(base, sizeof base, "/dpa/schools/%lld", sid);
	json_object_set_new(s, "base", json_string(base));
	json_object_set_new(s, "office", json_false());
	return s;
}

static json_t *school_for(struct req *r, int *rc)
{
	long long sid = req_param_id(r, "sid");
	if (sid <= 0 && req_param_id(r, "aid") > 0)
		return office_for(r, rc);
	json_t *s = acc_school_for(r, &school_path, NULL, rc);
	return s ? school_place(s, sid) : NULL;
}

/* The record of the path when the user may see its school or area; 404 otherwise. */
static json_t *staff_for(struct req *r, int *rc)
{
	long long id = req_param_id(r, "id");
	struct err e = ERR_INIT;
	json_t *s = id > 0 ? dpa_staff_get(req_db(r), id, &e) : NULL;
	if (!s) {
		*rc = id > 0 && e.status >= 500 ? view_fault(r, &e) : view_error(r, 404, "ไม่พบบุคลากรคนนี้");
		return NULL;
	}
	long long sid = jint(s, "school_id");
	bool seen = sid > 0 ? acc_for_school(r, sid) : acc_in_area(r, jint(s, "area_id"));
	const struct acc_grant *g = acc_active_grant(r);
	if (!seen || (g && g->scope == SCOPE_SCHOOL && sid == 0)) {
		json_decref(s);
		*rc = view_error(r, 404, "ไม่พบบุคลากรคนนี้");
		return NULL;
	}
	return s;
}

/* ---- forms ----------------------------------------------------------------------------- */

#define RECORD_FIELDS                                                                                                  \
	{"title", "คำนำหน้าชื่อ", FT_TEXT, F_REQUIRED, 40, 0, NULL, NULL, NULL, NULL, "เช่น นาย นาง นางสาว ว่าที่ร้อยตรี"},     \
	    {"first_name", "ชื่อ", FT_TEXT, F_REQUIRED | F_NAME, 100},                                                   \
	    {"last_name", "นามสกุล", FT_TEXT, F_REQUIRED | F_NAME, 100}, {"birth_date", "วันเกิด", FT_DATE, 0},           \
	    {"type", "ประเภทบุคลากร", FT_TEXT, 0, 16}, {"position", "ตำแหน่ง", FT_TEXT, 0, 16},                          \
	    {"position_no", "เลขที่ตำแหน่ง", FT_TEXT, 0, 20}, {"standing", "วิทยฐานะ", FT_TEXT, 0, 16},                    \
	    {"salary", "เงินเดือน (บาท)", FT_MONEY, 0, 0, 0, NULL, NULL, NULL, NULL, "ไม่เกิน 200,000 บาท"},               \
	    {"appointed_on", "วันบรรจุแต่งตั้ง", FT_DATE, 0}, {"arrived_on", "วันที่มาปฏิบัติงานที่หน่วยงานนี้", FT_DATE, 0},          \
	    {"education", "วุฒิการศึกษาสูงสุด", FT_TEXT, 0, 200, 0, NULL, NULL, NULL, NULL, "เช่น ค.บ. (คณิตศาสตร์)"},         \
	    {"subject", "วิชาเอก/กลุ่มสาระที่สอน", FT_TEXT, 0, 100}, {"phone", "โทรศัพท์", FT_PHONE, 0},                      \
	    {"email", "อีเมล", FT_EMAIL, 0},

const struct field dpa_new_form[] = {
    {"citizen_id", "เลขประจำตัวประชาชน", FT_CITIZEN_ID, F_REQUIRED},
    RECORD_FIELDS{NULL},
};

const struct field dpa_edit_form[] = {RECORD_FIELDS{NULL}};

static const struct field add_form[] = {
    {"citizen_id", "เลขประจำตัวประชาชน", FT_CITIZEN_ID, F_REQUIRED, 0, 0, NULL, NULL, NULL, NULL,
     "13 หลัก ระบบจะค้นว่ามีข้อมูลของบุคคลนี้อยู่แล้วหรือไม่"},
    {NULL},
};

const struct field dpa_transfer_form[] = {
    {"citizen_id", "เลขประจำตัวประชาชน", FT_CITIZEN_ID, F_REQUIRED},
    {"note", "หมายเหตุถึงหน่วยงานต้นทาง", FT_TEXTAREA, 0, 500},
    {NULL},
};

const struct field dpa_remove_form[] = {
    {"reason", "เหตุที่จำหน่าย", FT_TEXT, F_REQUIRED, 16},
    {"removed_on", "วันที่จำหน่าย", FT_DATE, F_REQUIRED},
    {NULL},
};

const struct field dpa_decision_form[] = {
    {"decision_note", "เหตุผล (จำเป็นเมื่อไม่อนุมัติ)", FT_TEXTAREA, 0, 500},
    {NULL},
};

const struct field dpa_empty_form[] = {{NULL}};

/* Shows a text field as a select of a choice list kept in the database. */
static int make_select(struct req *r, json_t *form, const char *name, enum dpa_list which, struct err *e)
{
	if (!form_field(form, name))
		return 0; /* no query for a form without the field */
	json_t *opts = dpa_choices(req_db(r), which, e);
	if (!opts)
		return -1;
	form_select(form, name, opts, NULL);
	return 0;
}

static int selects(struct req *r, json_t *form, struct err *e)
{
	return make_select(r, form, "type", DPA_TYPES, e) < 0 ||
		       make_select(r, form, "position", DPA_POSITIONS, e) < 0 ||
		       make_select(r, form, "standing", DPA_STANDINGS, e) < 0 ||
		       make_select(r, form, "reason", DPA_REASONS, e) < 0
		   ? -1
		   : 0;
}

static struct dpa_staff_in staff_in(struct req *r)
{
	struct dpa_staff_in in = {
	    .citizen_id = form_value(r, "citizen_id"),
	    .title = form_value(r, "title"),
	    .first_name = form_value(r, "first_name"),
	    .last_name = form_value(r, "last_name"),
	    .birth_date = form_value(r, "birth_date"),
	    .type = form_value(r, "type"),
	    .position = form_value(r, "position"),
	    .position_no = form_value(r, "position_no"),
	    .standing = form_value(r, "standing"),
	    .salary = *form_value(r, "salary") ? form_satang(r, "salary") : -1,
	    .appointed_on = form_value(r, "appointed_on"),
	    .arrived_on = form_value(r, "arrived_on"),
	    .education = form_value(r, "education"),
	    .subject = form_value(r, "subject"),
	    .phone = form_value(r, "phone"),
	    .email = form_value(r, "email"),
	};
	return in;
}

/* A field the request did not carry keeps what is stored: an API PATCH
 * sends only what changes (the page's form sends every field), and the
 * API's reads never give back the salary, birth date or contacts a client
 * could send again, so taking an absent field as empty erased them. */
static void keep_unsent(struct req *r, struct dpa_staff_in *in, const json_t *s)
{
	static const struct {
		const char *name;
		size_t off;
	} text[] = {
	    {"title", offsetof(struct dpa_staff_in, title)},
	    {"first_name", offsetof(struct dpa_staff_in, first_name)},
	    {"last_name", offsetof(struct dpa_staff_in, last_name)},
	    {"birth_date", offsetof(struct dpa_staff_in, birth_date)},
	    {"type", offsetof(struct dpa_staff_in, type)},
	    {"position", offsetof(struct dpa_staff_in, position)},
	    {"position_no", offsetof(struct dpa_staff_in, position_no)},
	    {"standing", offsetof(struct dpa_staff_in, standing)},
	    {"appointed_on", offsetof(struct dpa_staff_in, appointed_on)},
	    {"arrived_on", offsetof(struct dpa_staff_in, arrived_on)},
	    {"education", offsetof(struct dpa_staff_in, education)},
	    {"subject", offsetof(struct dpa_staff_in, subject)},
	    {"phone", offsetof(struct dpa_staff_in, phone)},
	    {"email", offsetof(struct dpa_staff_in, email)},
	};
	for (size_t i = 0; i < sizeof text / sizeof *text; i++)
		if (!form_sent(r, text[i].name))
			*(const char **)(void *)((char *)in + text[i].off) = jstr(s, text[i].name);
	if (!form_sent(r, "salary"))
		in->salary = json_is_integer(json_object_get(s, "salary")) ? jint(s, "salary") : -1;
}

/* ---- /dpa ---------------------------------------------------------------------------------- */

static int dpa_home(struct req *r)
{
	return acc_home_redirect(r, "/dpa");
}

static int areas_page(struct req *r)
{
	if (!acc_grant_is(acc_active_grant(r), "super_admin"))
		return dpa_home(r);
	return acc_areas_page(r, "dpa/areas", "ทะเบียนบุคลากร รายเขตพื้นที่");
}

/* ---- the school's list ------------------------------------------------------------------------ */

/* A school's list reads the school's row in its own statement
 * (dpa_staff_list), and then decides as school_for would; an area
 * office's list (/dpa/areas/:aid/office) finds its place first. */
static int school_page(struct req *r, int status, const char *error)
{
	int rc = 0;
	long long sid = req_param_id(r, "sid");
	json_t *school = NULL;
	if (sid <= 0 && !(school = school_for(r, &rc)))
		return rc;
	if (sid < 0)
		sid = 0; /* the office's list */
	const char *q = req_query(r, "q");
	q = q ? q : "";
	bool incomplete = req_query_int(r, "incomplete", 0, 0, 1) == 1;
	struct err e = ERR_INIT, qe = ERR_INIT;
	if (search_query_check(q, &qe) < 0) {
		status = 422;
		error = error ? error : qe.msg;
		q = "";
	}
	json_t *page = dpa_staff_list(req_db(r), sid, school ? jint(school, "area_id") : 0, q, incomplete,
				      req_query_int(r, "page", 1, 1, 1000000), school ? NULL : &school, &e);
	if (page && !school) { /* the school's row came with the page */
		json_decref(page);
		return err_set(&e, 500, "dpa_staff_list gave no school"), view_fault(r, &e);
	}
	if (page && sid > 0 && !acc_school_seen(r, &school_path, sid, jint(school, "area_id"))) {
		json_decref(page);
		json_decref(school);
		return acc_school_refuse(r, sid, true, &e, NULL);
	}
	if (!page) {
		json_decref(school);
		return sid > 0 && e.status == 404 ? acc_school_refuse(r, sid, false, &e, NULL) : view_fault(r, &e);
	}
	if (sid > 0)
		school_place(school, sid);
	struct buf base = BUF_INIT;
	buf_addf(&base, "%s?q=", jstr(school, "base"));
	buf_add_urlenc(&base, q);
	buf_adds(&base, incomplete ? "&incomplete=1&" : "&");
	long long pages = jint(page, "pages");
	json_object_set_new(page, "pager", pager_links(buf_cstr(&base), jint(page, "page"), pages));
	buf_release(&base);
	struct buf title = BUF_INIT;
	buf_addf(&title, "ทะเบียนบุคลากร %s", jstr(school, "name"));
	json_object_set_new(page, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	json_object_set_new(page, "q", json_string(q));
	const char *note = search_query_notice(q);
	json_object_set_new(page, "q_note", note ? json_string(note) : json_null());
	json_object_set_new(page, "incomplete_only", json_boolean(incomplete));
	json_object_set_new(page, "has_pager", json_boolean(pages > 1));
	json_object_set_new(page, "has_rows", json_boolean(json_array_size(json_object_get(page, "rows")) > 0));
	json_object_set_new(page, "can_enter", json_boolean(may_enter(r, sid, jint(school, "area_id"))));
	json_object_set_new(page, "error", error ? json_string(error) : json_null());
	json_object_set_new(page, "school", school);
	return view_page(r, status, "dpa/school", page);
}

static int school_get(struct req *r)
{
	return school_page(r, 200, NULL);
}

/* ---- adding by citizen ID (DPA-2) --------------------------------------------------------------- */

/* The add page: the citizen ID box, and when the ID is recorded at another
 * school the offer to ask for a transfer (found: that school's name). */
static int add_page(struct req *r, int status, json_t *school, const char *found, const char *cid)
{
	json_t *form = form_model(r, add_form, NULL);
	json_t *tvalues = cid ? json_pack("{s:s}", "citizen_id", cid) : NULL;
	json_t *tform = form_model(r, dpa_transfer_form, tvalues); /* values are borrowed */
	json_decref(tvalues);
	struct buf title = BUF_INIT;
	buf_addf(&title, "เพิ่มบุคลากร %s", jstr(school, "name"));
	json_t *m = json_pack("{s:s, s:o, s:o, s:b, s:s, s:s}", "page_title", buf_cstr(&title), "form", form,
			      "transfer_form", tform, "offer_transfer", found != NULL, "found_at", found ? found : "",
			      "citizen_id", cid ? cid : "");
	buf_release(&title);
	json_object_set_new(m, "school", school);
	return view_page(r, status, "dpa/add", m);
}

static int add_get(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	if (!may_enter(r, jint(school, "id"), jint(school, "area_id"))) {
		json_decref(school);
		return view_error(r, 404, "ไม่พบโรงเรียนนี้");
	}
	return add_page(r, 200, school, NULL, NULL);
}

static int add_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id");
	if (!may_enter(r, sid, jint(school, "area_id"))) {
		json_decref(school);
		return view_error(r, 404, "ไม่พบโรงเรียนนี้");
	}
	if (!form_ok(r))
		return add_page(r, 422, school, NULL, NULL);
	const char *cid = form_value(r, "citizen_id");
	struct err e = ERR_INIT;
	long long id = 0, at = 0, area = 0;
	char st[16] = "";
	int k = dpa_staff_find(req_db(r), cid, &id, &at, &area, st, &e);
	if (k < 0) {
		json_decref(school);
		return view_fault(r, &e);
	}
	if (k == 1 && !strcmp(st, "active")) {
		if (at == sid && (sid > 0 || area == jint(school, "area_id"))) {
			form_error(r, "citizen_id", "บุคลากรคนนี้มีรายชื่ออยู่ในหน่วยงานนี้แล้ว");
			return add_page(r, 409, school, NULL, NULL);
		}
		json_t *where = at > 0 ? org_school_get(req_db(r), at, &e) : org_area_get(req_db(r), area, &e);
		struct buf name = BUF_INIT;
		buf_adds(&name, where ? jstr(where, "name") : "หน่วยงานอื่น");
		json_decref(where);
		if (sid == 0 && at > 0 && area == jint(school, "area_id")) {
			/* a person of a school of the area: the office takes him
			 * (the area decides its schools' transfers) */
			rc = add_page(r, 200, school, buf_cstr(&name), cid);
			buf_release(&name);
			return rc;
		}
		if (sid == 0) {
			/* a person of another area's unit: that unit removes him
			 * (ย้าย) first, then the office adds him */
			struct buf msg = BUF_INIT;
			buf_addf(&msg, "บุคลากรคนนี้มีข้อมูลอยู่ที่%s ให้หน่วยงานนั้นจำหน่ายด้วยเหตุ \"ย้าย\" ก่อน แล้วจึงเพิ่มที่สำนักงานเขต",
				 buf_cstr(&name));
			form_error(r, "citizen_id", buf_cstr(&msg));
			buf_release(&msg);
			buf_release(&name);
			return add_page(r, 409, school, NULL, NULL);
		}
		rc = add_page(r, 200, school, buf_cstr(&name), cid);
		buf_release(&name);
		return rc;
	}
	/* not found, or removed (the same record comes back): the form */
	char u[128];
	snprintf(u, sizeof u, "%s/new?citizen_id=%s", jstr(school, "base"), cid);
	json_decref(school);
	return view_redirect(r, u, NULL);
}

static int new_page(struct req *r, int status, json_t *school, bool offer, const char *found)
{
	json_t *values = json_object();
	const char *cid = req_query(r, "citizen_id");
	if (cid && strlen(cid) == 13 && thai_citizen_id_valid(cid))
		json_object_set_new(values, "citizen_id", json_string(cid));
	json_t *form = form_model(r, dpa_new_form, values);
	json_decref(values);
	struct err e = ERR_INIT;
	if (selects(r, form, &e) < 0) {
		json_decref(form);
		json_decref(school);
		return view_fault(r, &e);
	}
	struct buf title = BUF_INIT;
	buf_addf(&title, "เพิ่มบุคลากรใหม่ %s", jstr(school, "name"));
	json_t *tvalues = json_pack("{s:s}", "citizen_id", form_value(r, "citizen_id"));
	json_t *tform = form_model(r, dpa_transfer_form, tvalues);
	json_decref(tvalues);
	json_t *m = json_pack("{s:s, s:o, s:b, s:s, s:o}", "page_title", buf_cstr(&title), "form", form,
			      "offer_transfer", offer, "found_at", found ? found : "", "transfer_form", tform);
	buf_release(&title);
	json_object_set_new(m, "school", school);
	return view_page(r, status, "dpa/new", m);
}

static int new_get(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	if (!may_enter(r, jint(school, "id"), jint(school, "area_id"))) {
		json_decref(school);
		return view_error(r, 404, "ไม่พบโรงเรียนนี้");
	}
	return new_page(r, 200, school, false, NULL);
}

int dpa_new_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id"), aid = jint(school, "area_id");
	if (!may_enter(r, sid, aid)) {
		json_decref(school);
		return view_error(r, 404, "ไม่พบโรงเรียนนี้");
	}
	if (!form_ok(r))
		return new_page(r, 422, school, false, NULL);
	struct dpa_staff_in in = staff_in(r);
	struct err e = ERR_INIT;
	long long elsewhere = 0;
	long long id = dpa_staff_add(req_db(r), aid, sid, &in, acc_user_id(r), clock_now(r), &elsewhere, "add", &e);
	if (id < 0) {
		if (!err_refusal(&e)) {
			json_decref(school);
			return view_fault(r, &e);
		}
		form_error_err(r, &e);
		if (elsewhere) {
			/* the message names where; a school's page offers the transfer
			 * (the API says so by its code) */
			api_set_error_code(r, sid > 0 ? "transfer_offered" : "recorded_elsewhere");
			return new_page(r, 409, school, sid > 0, "");
		}
		return new_page(r, e.status == 409 ? 409 : 422, school, false, NULL);
	}
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "dpa.staff.add", "dpa_staff", id, NULL);
	json_decref(school);
	char u[64];
	snprintf(u, sizeof u, "/dpa/staff/%lld", id);
	return view_redirect(r, u, "เพิ่มบุคลากรแล้ว");
}

/* ---- transfers (DPA-2) ------------------------------------------------------------------------ */

static void queue_texts(json_t *rows)
{
	static const char *const labels[][2] = {
	    {"pending", "รอพิจารณา"}, {"approved", "อนุมัติแล้ว"}, {"refused", "ไม่อนุมัติ"}, {"withdrawn", "ยกเลิกแล้ว"}};
	size_t i;
	json_t *t;
	json_array_foreach(rows, i, t)
	{
		const char *st = jstr(t, "status");
		for (size_t k = 0; k < sizeof labels / sizeof *labels; k++)
			if (!strcmp(st, labels[k][0]))
				json_object_set_new(t, "status_label", json_string(labels[k][1]));
		json_object_set_new(t, "pending", json_boolean(!strcmp(st, "pending")));
		json_object_set_new(t, "refused", json_boolean(!strcmp(st, "refused")));
		json_object_set_new(t, "requested_at_text", text_time(jint(t, "requested_at")));
		json_object_set_new(t, "decided_at_text", text_time(jint(t, "decided_at")));
	}
}

static int transfers_page(struct req *r, int status, const char *error)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id");
	struct err e = ERR_INIT;
	json_t *q = dpa_transfers_school(req_db(r), sid, clock_now(r), &e);
	if (!q) {
		json_decref(school);
		return view_fault(r, &e);
	}
	queue_texts(json_object_get(q, "incoming"));
	queue_texts(json_object_get(q, "outgoing"));
	enum sheet_format f;
	if (status == 200 && !error && export_asked(r, &f)) {
		/* the page's two lists, each row with what the page shows of it:
		 * the citizen ID (masked) and the note of a request for our staff,
		 * the reason of a refusal of ours */
		json_t *rows = json_array();
		size_t i;
		json_t *t;
		json_array_foreach(json_object_get(q, "incoming"), i, t)
		{
			json_object_set_new(t, "direction", json_string("โรงเรียนอื่นขอย้ายบุคลากรของเรา"));
			json_array_append(rows, t);
		}
		json_array_foreach(json_object_get(q, "outgoing"), i, t)
		{
			json_object_set_new(t, "direction", json_string("คำขอของโรงเรียนเรา"));
			json_object_del(t, "cid_masked");
			json_object_del(t, "note");
			if (!json_is_true(json_object_get(t, "refused")))
				json_object_del(t, "decision_note");
			json_array_append(rows, t);
		}
		json_decref(q);
		static const struct sheet_col cols[] = {
		    {"รายการ", 30, SHEET_ENUM, 0, "direction"},	       {"ยื่นเมื่อ", 20, SHEET_DATETIME, 0, "requested_at"},
		    {"คำนำหน้า", 10, SHEET_TEXT, 0, "title"},	       {"ชื่อ", 18, SHEET_TEXT, 0, "first_name"},
		    {"นามสกุล", 18, SHEET_TEXT, 0, "last_name"},	       {"เลขประจำตัวประชาชน", 20, SHEET_TEXT, 0, "cid_masked"},
		    {"จากโรงเรียน", 36, SHEET_TEXT, 0, "from_name"},     {"ไปโรงเรียน", 36, SHEET_TEXT, 0, "to_name"},
		    {"สถานะ", 14, SHEET_ENUM, 0, "status_label"},	       {"พิจารณาเมื่อ", 20, SHEET_DATETIME, 0, "decided_at"},
		    {"หมายเหตุ", 30, SHEET_TEXT, 0, "note"},	       {"เหตุผลที่ไม่อนุมัติ", 30, SHEET_TEXT, 0, "decision_note"}};
		struct buf t2 = BUF_INIT;
		buf_addf(&t2, "คำขอย้ายบุคลากร %s", jstr(school, "name"));
		char base[48];
		snprintf(base, sizeof base, "dpa-transfers-%s", *jstr(school, "obec_code") ? jstr(school, "obec_code") : "office");
		json_decref(school);
		const struct export_list l = {buf_cstr(&t2), base, 12, cols};
		rc = export_rows(r, f, &l, rows, rows);
		buf_release(&t2);
		return rc;
	}
	bool can = may_enter(r, sid, jint(school, "area_id"));
	struct buf title = BUF_INIT;
	buf_addf(&title, "คำขอย้ายบุคลากร %s", jstr(school, "name"));
	json_object_set_new(q, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	json_object_set_new(q, "can_decide", json_boolean(can));
	json_object_set_new(q, "has_incoming", json_boolean(json_array_size(json_object_get(q, "incoming")) > 0));
	json_object_set_new(q, "has_outgoing", json_boolean(json_array_size(json_object_get(q, "outgoing")) > 0));
	json_object_set_new(q, "decision_form", form_model(r, dpa_decision_form, NULL));
	json_object_set_new(q, "error", error ? json_string(error) : json_null());
	json_object_set_new(q, "school", school);
	if (status == 200)
		export_links(r, q);
	return view_page(r, status, "dpa/transfers", q);
}

static int transfers_get(struct req *r)
{
	return transfers_page(r, 200, NULL);
}

int dpa_transfer_post(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id"), aid = jint(school, "area_id");
	if (!may_enter(r, sid, aid)) {
		json_decref(school);
		return view_error(r, 404, "ไม่พบโรงเรียนนี้");
	}
	/* a refused request shows the request form again, with what was typed */
	if (!form_ok(r))
		return add_page(r, 422, school, "", NULL);
	struct err e = ERR_INIT;
	long long tid = dpa_transfer_request(req_db(r), sid, form_value(r, "citizen_id"), form_value(r, "note"),
					     acc_user_id(r), clock_now(r), &e);
	if (tid < 0) {
		if (!err_refusal(&e)) {
			json_decref(school);
			return view_fault(r, &e);
		}
		form_error_err(r, &e);
		return add_page(r, e.status == 409 ? 409 : 422, school, "", NULL);
	}
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "dpa.transfer.request", "dpa_transfer", tid, NULL);
	json_decref(school);
	char u[64];
	snprintf(u, sizeof u, "/dpa/schools/%lld/transfers", sid);
	return view_redirect(r, u, "ส่งคำขอย้ายข้อมูลบุคลากรแล้ว รอโรงเรียนต้นทางหรือเขตพื้นที่อนุมัติ");
}

/* POST /dpa/areas/:aid/office/transfers — the area office takes a person
 * of one of its schools into its own staff at once (dpa_office_take). */
static int office_take_post(struct req *r)
{
	int rc = 0;
	json_t *office = office_for(r, &rc);
	if (!office)
		return rc;
	long long aid = jint(office, "area_id");
	if (!may_enter(r, 0, aid)) {
		json_decref(office);
		return view_error(r, 404, "ไม่พบสำนักงานเขตพื้นที่นี้");
	}
	if (!form_ok(r))
		return add_page(r, 422, office, "", NULL);
	struct err e = ERR_INIT;
	long long id = dpa_office_take(req_db(r), aid, form_value(r, "citizen_id"), acc_user_id(r), clock_now(r), &e);
	if (id < 0) {
		if (!err_refusal(&e)) {
			json_decref(office);
			return view_fault(r, &e);
		}
		form_error_err(r, &e);
		return add_page(r, e.status == 409 ? 409 : 422, office, "", NULL);
	}
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "dpa.transfer.office", "dpa_staff", id,
		     json_pack("{s:s}", "note", form_value(r, "note")));
	json_decref(office);
	char u[64];
	snprintf(u, sizeof u, "/dpa/staff/%lld", id);
	return view_redirect(r, u, "ย้ายข้อมูลบุคลากรเข้าสำนักงานเขตพื้นที่แล้ว กรุณาบันทึกวันที่มาปฏิบัติงาน");
}


/* may decide a request for staff of school from (area from_area) */
static bool may_decide(struct req *r, long long from, long long from_area)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (acc_grant_is(g, "super_admin"))
		return true;
	if (is_school_role(g))
		return from > 0 && g->school_id == from;
	return is_area_role(g) && g->area_id == from_area;
}

int dpa_decide_post(struct req *r)
{
	enum decision d = (enum decision)route_act(r);
	long long tid = req_param_id(r, "tid");
	struct err e = ERR_INIT;
	json_t *t = tid > 0 ? dpa_transfer_get(req_db(r), tid, &e) : NULL;
	if (!t)
		return tid > 0 && e.status >= 500 ? view_fault(r, &e) : view_error(r, 404, "ไม่พบคำขอย้ายนี้");
	long long from = jint(t, "from_school_id"), from_area = jint(t, "from_area_id"), to = jint(t, "to_school_id"),
		  to_area = jint(t, "to_area_id");
	json_decref(t);
	bool allowed = d == D_WITHDRAW ? may_enter(r, to, to_area) : may_decide(r, from, from_area);
	if (!allowed)
		return view_error(r, 404, "ไม่พบคำขอย้ายนี้");
	if (!form_ok(r))
		return view_error(r, 422, "ข้อมูลที่ส่งมาไม่ถูกต้อง");
	long long by = acc_user_id(r), now = clock_now(r);
	const char *note = form_value(r, "decision_note");
	int rc = d == D_WITHDRAW ? dpa_transfer_withdraw(req_db(r), tid, to, by, now, &e)
				 : dpa_transfer_decide(req_db(r), tid, d == D_APPROVE, note, by, now, &e);
	if (rc < 0) {
		if (!err_refusal(&e))
			return view_fault(r, &e);
		if (*e.field) /* a refusal's reason missing: named at its field (JSON answers) */
			form_error_err(r, &e);
		return view_error(r, e.status == 409 ? 409 : 422, e.msg);
	}
	static const char *const actions[] = {"dpa.transfer.approve", "dpa.transfer.refuse", "dpa.transfer.withdraw"};
	acc_audit_in(r, req_db(r), d == D_WITHDRAW ? to_area : from_area, by, actions[d], "dpa_transfer", tid, NULL);
	const struct acc_grant *g = acc_active_grant(r);
	char u[64];
	if (d == D_WITHDRAW)
		snprintf(u, sizeof u, "/dpa/schools/%lld/transfers", to);
	else if (g && g->scope == SCOPE_SCHOOL)
		snprintf(u, sizeof u, "/dpa/schools/%lld/transfers", from);
	else
		snprintf(u, sizeof u, "/dpa/areas/%lld/transfers", from_area);
	return view_redirect(r, u,
			     d == D_APPROVE  ? "อนุมัติการย้ายแล้ว ข้อมูลและประวัติของบุคลากรย้ายไปที่โรงเรียนปลายทางแล้ว"
			     : d == D_REFUSE ? "ไม่อนุมัติการย้าย และแจ้งเหตุผลให้โรงเรียนที่ขอแล้ว"
					     : "ยกเลิกคำขอย้ายแล้ว");
}

/* ---- one record ------------------------------------------------------------------------------- */

static const char *event_label(const char *kind)
{
	static const char *const labels[][2] = {{"add", "เพิ่มบุคลากร"},	    {"edit", "แก้ไขข้อมูล"},
						{"transfer", "ย้ายข้อมูล"},    {"remove", "จำหน่าย"},
						{"readd", "กลับเข้าปฏิบัติงาน"}, {"import", "นำเข้าจากไฟล์"}};
	for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
		if (!strcmp(kind, labels[i][0]))
			return labels[i][1];
	return kind;
}

static int staff_page(struct req *r, int status, json_t *s, const char *error)
{
	struct err e = ERR_INIT;
	long long id = jint(s, "id");
	json_t *events = dpa_staff_events(req_db(r), id, &e);
	if (!events) {
		json_decref(s);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *ev;
	json_array_foreach(events, i, ev)
	{
		json_object_set_new(ev, "at_text", text_time(jint(ev, "at")));
		json_object_set_new(ev, "label", json_string(event_label(jstr(ev, "kind"))));
	}
	/* a staff member read a person's citizen ID and salary */
	acc_audit_in(r, req_db(r), jint(s, "area_id"), acc_user_id(r), "personal.read", "dpa_staff", id, NULL);
	bool active = !strcmp(jstr(s, "status"), "active");
	json_object_set_new(s, "active", json_boolean(active));
	date_text(s, "birth_date", "birth_date_text");
	date_text(s, "appointed_on", "appointed_on_text");
	date_text(s, "arrived_on", "arrived_on_text");
	date_text(s, "removed_on", "removed_on_text");
	struct buf money = BUF_INIT;
	char salary[32] = "";
	if (json_is_integer(json_object_get(s, "salary"))) {
		thai_baht_format(jint(s, "salary"), &money);
		long long v = jint(s, "salary");
		snprintf(salary, sizeof salary, v % 100 ? "%lld.%02lld" : "%lld", v / 100, v % 100);
	}
	json_object_set_new(s, "salary_text", json_string(buf_cstr(&money)));
	buf_release(&money);
	if (json_is_integer(json_object_get(s, "retire_fy"))) {
		char rt[48];
		snprintf(rt, sizeof rt, "30 ก.ย. %lld", jint(s, "retire_fy") + 543);
		json_object_set_new(s, "retire_text", json_string(rt));
	} else {
		json_object_set_new(s, "retire_text", json_string(""));
	}
	json_t *values = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
				   "title", jstr(s, "title"), "first_name", jstr(s, "first_name"), "last_name",
				   jstr(s, "last_name"), "birth_date", jstr(s, "birth_date"), "type", jstr(s, "type"),
				   "position", jstr(s, "position"), "position_no", jstr(s, "position_no"), "standing",
				   jstr(s, "standing"), "salary", salary, "appointed_on", jstr(s, "appointed_on"),
				   "arrived_on", jstr(s, "arrived_on"), "education", jstr(s, "education"), "subject",
				   jstr(s, "subject"), "phone", jstr(s, "phone"), "email", jstr(s, "email"));
	json_t *fedit = form_model(r, dpa_edit_form, values), *fremove = form_model(r, dpa_remove_form, NULL);
	json_decref(values);
	if (selects(r, fedit, &e) < 0 || selects(r, fremove, &e) < 0) {
		json_decref(fedit);
		json_decref(fremove);
		json_decref(events);
		json_decref(s);
		return view_fault(r, &e);
	}
	bool can_edit = active && may_enter(r, jint(s, "school_id"), jint(s, "area_id"));
	/* DPA-5: the Khet account of the same citizen ID, if any */
	long long uid = 0;
	char ust[16] = "", hash[128];
	int k = acc_user_find_login(req_db(r), jstr(s, "citizen_id"), &uid, ust, hash, &e);
	explicit_bzero(hash, sizeof hash);
	json_t *account = json_null();
	if (k == 1 && !strcmp(ust, "active")) {
		json_t *p = acc_user_profile(req_db(r), uid, &e);
		if (p)
			account = json_pack("{s:I, s:s}", "id", (json_int_t)uid, "username", jstr(p, "username"));
		json_decref(p);
	}
	json_object_set_new(s, "account", account);
	/* issue 13 item 5: from the record, the school's admin gives the
	 * person a Khet account with the teacher role (or the role to his
	 * account) — the accounts module's one "add a teacher" flow */
	const struct acc_grant *g = acc_active_grant(r);
	if (active && jint(s, "school_id") > 0 && acc_grant_is(g, "school_admin") && g->school_id == jint(s, "school_id")) {
		struct buf t = BUF_INIT;
		acc_teacher_href(jstr(s, "citizen_id"), &t);
		json_object_set_new(s, "teacher_url", json_string(buf_cstr(&t)));
		buf_release(&t);
	}
	struct buf title = BUF_INIT;
	buf_addf(&title, "%s%s %s", jstr(s, "title"), jstr(s, "first_name"), jstr(s, "last_name"));
	json_t *m = json_pack("{s:s, s:o, s:o, s:b, s:o, s:o, s:I}", "page_title", buf_cstr(&title), "staff", s,
			      "events", events, "can_edit", can_edit, "edit_form", fedit, "remove_form", fremove,
			      "record_version", (json_int_t)jint(s, "version"));
	json_object_set_new(m, "error", error ? json_string(error) : json_null());
	buf_release(&title);
	return view_page(r, status, "dpa/staff", m);
}

static int staff_get(struct req *r)
{
	int rc = 0;
	json_t *s = staff_for(r, &rc);
	return s ? staff_page(r, 200, s, NULL) : rc;
}


int dpa_staff_post(struct req *r)
{
	int rc = 0;
	json_t *s = staff_for(r, &rc);
	if (!s)
		return rc;
	enum staff_action act = (enum staff_action)route_act(r);
	long long id = jint(s, "id"), sid = jint(s, "school_id"), aid = jint(s, "area_id");
	if (!may_enter(r, sid, aid)) {
		json_decref(s);
		return view_error(r, 404, "ไม่พบบุคลากรคนนี้");
	}
	/* an API PATCH sends what changes: keep_unsent below keeps the rest,
	 * so a required field left out is no error (one sent empty is) */
	if (act == ACT_EDIT && !strcmp(req_method(r), "PATCH"))
		form_unsent_kept(r);
	if (!form_ok(r))
		return staff_page(r, 422, s, NULL);
	struct err e = ERR_INIT;
	long long by = acc_user_id(r), now = clock_now(r), version = form_version(r);
	if (act == ACT_EDIT) {
		struct dpa_staff_in in = staff_in(r);
		in.citizen_id = jstr(s, "citizen_id");
		keep_unsent(r, &in, s);
		rc = dpa_staff_update(req_db(r), id, version, &in, by, now, &e);
	} else {
		rc = dpa_staff_remove(req_db(r), id, version, form_value(r, "reason"), form_value(r, "removed_on"), by,
				      now, &e);
	}
	if (rc < 0) {
		if (!err_refusal(&e)) {
			json_decref(s);
			return view_fault(r, &e);
		}
		if (e.status == 409 && act == ACT_EDIT) {
			/* a stale copy: the record as it is now, with what changed named */
			json_t *cur = dpa_staff_get(req_db(r), id, &e);
			if (!cur) {
				json_decref(s);
				return view_fault(r, &e);
			}
			form_stale(r, dpa_edit_form, cur, jint(cur, "updated_at"), "ข้อมูลบุคลากร");
			json_decref(s);
			return staff_page(r, 409, cur, NULL);
		}
		if (*e.field)
			form_error_err(r, &e);
		return staff_page(r, e.status == 409 ? 409 : 422, s, *e.field ? NULL : e.msg);
	}
	acc_audit_in(r, req_db(r), aid, by, act == ACT_EDIT ? "dpa.staff.edit" : "dpa.staff.remove", "dpa_staff", id,
		     NULL);
	json_decref(s);
	char u[64];
	if (act == ACT_EDIT)
		snprintf(u, sizeof u, "/dpa/staff/%lld", id);
	else if (sid > 0)
		snprintf(u, sizeof u, "/dpa/schools/%lld", sid);
	else
		snprintf(u, sizeof u, "/dpa/areas/%lld/office", aid);
	return view_redirect(r, u, act == ACT_EDIT ? "บันทึกข้อมูลแล้ว" : "จำหน่ายบุคลากรออกจากรายชื่อแล้ว ประวัติยังคงอยู่");
}

/* ---- retiring this fiscal year (DPA-3) ----------------------------------------------------------- */

static int retiring_get(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	int fy_be = thai_fiscal_year(clock_now(r));
	struct err e = ERR_INIT;
	json_t *rows = dpa_retiring(req_db(r), jint(school, "id"), jint(school, "area_id"), fy_be - 543, &e);
	if (!rows) {
		json_decref(school);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) date_text(x, "birth_date", "birth_date_text");
	struct buf title = BUF_INIT;
	buf_addf(&title, "ผู้เกษียณอายุราชการ ปีงบประมาณ %d %s", fy_be, jstr(school, "name"));
	enum sheet_format f;
	if (export_asked(r, &f)) {
		/* the page's list; the birth dates it shows are personal: the
		 * export reports them (personal.read) as the page does */
		static const struct sheet_col cols[] = {
		    {"คำนำหน้า", 10, SHEET_TEXT, 0, "title"},	    {"ชื่อ", 18, SHEET_TEXT, 0, "first_name"},
		    {"นามสกุล", 18, SHEET_TEXT, 0, "last_name"},	    {"วันเกิด", 16, SHEET_DATE, 0, "birth_date"},
		    {"ตำแหน่ง", 24, SHEET_ENUM, 0, "position_label"}};
		char base[64];
		snprintf(base, sizeof base, "retiring-%d-%s", fy_be,
			 *jstr(school, "obec_code") ? jstr(school, "obec_code") : "office");
		json_decref(school);
		const struct export_list l = {buf_cstr(&title), base, 5, cols};
		rc = export_rows(r, f, &l, rows, rows);
		buf_release(&title);
		return rc;
	}
	char day[48];
	snprintf(day, sizeof day, "30 กันยายน %d", fy_be);
	json_t *m = json_pack("{s:s, s:o, s:b, s:i, s:s}", "page_title", buf_cstr(&title), "rows", rows, "has_rows",
			      json_array_size(rows) > 0, "fiscal_year", fy_be, "retire_day", day);
	buf_release(&title);
	json_object_set_new(m, "school", school);
	export_links(r, m);
	return view_page(r, 200, "dpa/retiring", m);
}

/* ---- a school's roster: exports and the PDF for signing (DPA-4) ------------------------------ */

/* GET /dpa/schools/:sid/export?format=csv|xlsx — the roster without
 * citizen IDs and salaries. */
static int school_export(struct req *r)
{
	enum sheet_format f;
	if (!export_asked(r, &f))
		f = (enum sheet_format)-1; /* no ?format=: export_rows answers 404 */
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	struct err e = ERR_INIT;
	json_t *rows = dpa_school_roster(req_db(r), jint(school, "id"), jint(school, "area_id"), &e);
	if (!rows) {
		json_decref(school);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) json_object_set_new(x, "no", json_integer((json_int_t)i + 1));
	static const struct sheet_col cols[] = {
	    {"ลำดับ", 6, SHEET_NUMBER, 0, "no"},
	    {"คำนำหน้า", 10, SHEET_TEXT, 0, "title"},
	    {"ชื่อ", 18, SHEET_TEXT, 0, "first_name"},
	    {"นามสกุล", 18, SHEET_TEXT, 0, "last_name"},
	    {"ประเภท", 24, SHEET_ENUM, 0, "type_label"},
	    {"ตำแหน่ง", 24, SHEET_ENUM, 0, "position_label"},
	    {"เลขที่ตำแหน่ง", 12, SHEET_CODE, 0, "position_no"},
	    {"วิทยฐานะ", 16, SHEET_ENUM, 0, "standing_label"},
	    {"วิชาเอก", 18, SHEET_TEXT, 0, "subject"},
	    {"ข้อมูลที่ขาด (รายการ)", 12, SHEET_NUMBER, 0, "missing"}};
	struct buf title = BUF_INIT;
	buf_addf(&title, "บุคลากร %s", jstr(school, "name"));
	char base[48];
	snprintf(base, sizeof base, "staff-%s", *jstr(school, "obec_code") ? jstr(school, "obec_code") : "office");
	const struct export_list l = {buf_cstr(&title), base, 10, cols};
	json_decref(school);
	rc = export_rows(r, f, &l, rows, rows);
	buf_release(&title);
	return rc;
}

/* GET /dpa/schools/:sid/roster.pdf — the roster each person signs, and
 * the director certifies (seed 004: the school checks its list against the
 * people actually there). */
static int roster_pdf(struct req *r)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	struct err e = ERR_INIT;
	json_t *rows = dpa_school_roster(req_db(r), jint(school, "id"), jint(school, "area_id"), &e);
	json_t *area = rows ? org_area_get(req_db(r), jint(school, "area_id"), &e) : NULL;
	if (!area) {
		json_decref(rows);
		json_decref(school);
		return view_fault(r, &e);
	}
	/* the area office's own roster: its name once (it is the area's), and
	 * certified by the area's director, not a school's */
	int office = json_is_true(json_object_get(school, "office"));
	struct pdf *p = pdf_new("บัญชีรายชื่อข้าราชการครูและบุคลากรทางการศึกษา");
	pdf_subtitle(p, jstr(school, "name"));
	if (!office)
		pdf_subtitle(p, jstr(area, "name"));
	struct buf line = BUF_INIT;
	thai_date_long(&line, clock_now(r));
	struct buf foot = BUF_INIT;
	buf_addf(&foot, "พิมพ์จากระบบ Khet เมื่อ %s", buf_cstr(&line));
	pdf_footer(p, buf_cstr(&foot));
	buf_reset(&line);
	buf_addf(&line, "รวม %zu คน", json_array_size(rows));
	pdf_subtitle(p, buf_cstr(&line));
	pdf_space(p, 3);
	static const char *const heads[] = {"ที่", "ชื่อ-นามสกุล", "ตำแหน่ง / เลขที่", "วิทยฐานะ", "ลายมือชื่อ"};
	/* names and standings whole ("แก้วมณี", "ชำนาญการพิเศษ"): wrapped only
	 * at their spaces, in a column wide enough for a long full name */
	static const double widths[] = {0.5, 3.1, 2.1, 1.9, 1.3};
	pdf_table(p, 5, heads, widths);
	pdf_table_kinds(p, "nwtwt");
	size_t i;
	json_t *x;
	struct buf name = BUF_INIT, pos = BUF_INIT;
	json_array_foreach(rows, i, x)
	{
		char no[24];
		snprintf(no, sizeof no, "%zu", i + 1);
		buf_reset(&name);
		buf_addf(&name, "%s%s %s", jstr(x, "title"), jstr(x, "first_name"), jstr(x, "last_name"));
		buf_reset(&pos);
		buf_adds(&pos, jstr(x, "position_label"));
		if (*jstr(x, "position_no"))
			buf_addf(&pos, " / %s", jstr(x, "position_no"));
		pdf_table_row(p, (const char *[]){no, buf_cstr(&name), buf_cstr(&pos), jstr(x, "standing_label"), ""});
	}
	pdf_space(p, 12);
	buf_reset(&line);
	buf_addf(&line,
		 "ขอรับรองว่ารายชื่อข้างต้นถูกต้องตรงตามที่ปฏิบัติงานจริงใน%s\n\n"
		 "ลงชื่อ ........................................................ ผู้รับรอง\n"
		 "(........................................................)\n"
		 "%s\n"
		 "วันที่ ........ เดือน .................... พ.ศ. ............",
		 office ? "สำนักงานเขตพื้นที่การศึกษา" : "สถานศึกษา",
		 office ? "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา" : "ผู้อำนวยการสถานศึกษา");
	pdf_text(p, buf_cstr(&line));
	buf_release(&name);
	buf_release(&pos);
	buf_release(&line);
	buf_release(&foot);
	json_decref(rows);
	json_decref(area);
	struct buf out = BUF_INIT;
	if (pdf_finish(p, &out, &e) < 0) {
		json_decref(school);
		return view_fault(r, &e);
	}
	/* named like every export: dpa-roster-<school id>-<BE date>.pdf, an
	 * area office's dpa-roster-office-<area id>-<BE date>.pdf (it has no
	 * school id), the Thai name with the same date */
	char base[48];
	if (office)
		snprintf(base, sizeof base, "dpa-roster-office-%lld", jint(school, "area_id"));
	else
		snprintf(base, sizeof base, "dpa-roster-%lld", jint(school, "id"));
	rc = export_pdf(r, &out, base, "บัญชีรายชื่อบุคลากร %s", jstr(school, "name"));
	json_decref(school);
	return rc;
}

/* ---- the area (DPA-4) -------------------------------------------------------------------------- */

static json_t *area_for(struct req *r, int *rc)
{
	return acc_area_for(r, &area_path, NULL, rc);
}

/* Every school of the area with recorded / incomplete and the counts by
 * type (the export): {types: [{value, label}], schools: [{school_id, name,
 * obec_code, recorded, incomplete, complete, by_type: [n] in the types'
 * order, untyped}]}. */
static json_t *area_model(struct req *r, json_t *area, struct err *e)
{
	long long aid = jint(area, "id");
	json_t *rows = dpa_area_schools(req_db(r), aid, e);
	json_t *types = rows ? dpa_choices(req_db(r), DPA_TYPES, e) : NULL;
	if (!types || dpa_area_fill_types(req_db(r), aid, types, rows, e) < 0) {
		json_decref(rows);
		json_decref(types);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "types", types, "schools", rows);
}

/* The completeness page's model: one page of the schools (50, Thai order,
 * filtered by q and incomplete) as area_model's, and the area's totals
 * from the kept counts (recorded, incomplete, by_type [n] in the types'
 * order, untyped) whatever the page or filter; total, page, pages of the
 * list. */
static json_t *area_page_model(struct req *r, long long aid, json_t **area, const char *q, bool incomplete,
			       struct err *e)
{
	struct db *db = req_db(r);
	json_t *page = dpa_area_schools_page(db, aid, q, incomplete, req_query_int(r, "page", 1, 1, 1000000), area, e);
	json_t *fig = page ? dpa_area_page_figures(db, aid, json_object_get(page, "rows"), e) : NULL;
	if (!fig) {
		json_decref(page);
		return NULL;
	}
	json_object_set(page, "types", json_object_get(fig, "types")); /* the keys in the order they had */
	json_object_set(page, "schools", json_object_get(page, "rows"));
	json_object_del(page, "rows");
	json_object_update(page, fig);
	json_decref(fig);
	return page;
}

/* The area's row comes in the same statement as its page of schools
 * (dpa_area_schools_page); who may see it is decided on it as area_for
 * would. */
static int area_get(struct req *r)
{
	long long aid = req_param_id(r, "aid");
	json_t *area = NULL;
	const char *q = req_query(r, "q");
	q = q ? q : "";
	bool incomplete = req_query_int(r, "incomplete", 0, 0, 1) == 1;
	int status = 200;
	struct err e = ERR_INIT, qe = ERR_INIT;
	const char *error = NULL;
	if (search_query_check(q, &qe) < 0) {
		status = 422;
		error = qe.msg;
		q = "";
	}
	json_t *m = aid > 0 ? area_page_model(r, aid, &area, q, incomplete, &e) : NULL;
	if (!m || !acc_area_seen(r, &area_path, aid)) {
		json_decref(m);
		json_decref(area);
		return acc_area_refuse(r, aid, m != NULL, &e, NULL);
	}
	struct buf base = BUF_INIT;
	buf_addf(&base, "/dpa/areas/%lld?q=", jint(area, "id"));
	buf_add_urlenc(&base, q);
	buf_adds(&base, incomplete ? "&incomplete=1&" : "&");
	long long pages = jint(m, "pages");
	json_object_set_new(m, "pager", pager_links(buf_cstr(&base), jint(m, "page"), pages));
	buf_release(&base);
	struct buf title = BUF_INIT;
	buf_addf(&title, "ทะเบียนบุคลากร %s", jstr(area, "name"));
	json_object_set_new(m, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	json_object_set_new(m, "q", json_string(q));
	const char *note = search_query_notice(q);
	json_object_set_new(m, "q_note", note ? json_string(note) : json_null());
	json_object_set_new(m, "incomplete_only", json_boolean(incomplete));
	json_object_set_new(m, "has_pager", json_boolean(pages > 1));
	json_object_set_new(m, "has_rows", json_boolean(json_array_size(json_object_get(m, "schools")) > 0));
	json_object_set_new(m, "error", error ? json_string(error) : json_null());
	json_object_set_new(m, "area", area);
	return view_page(r, status, "dpa/area", m);
}

/* GET /dpa/areas/:aid/export?format=csv|xlsx — the area page's table. */
static int area_export(struct req *r)
{
	enum sheet_format f;
	if (!export_asked(r, &f) || (f != SHEET_CSV && f != SHEET_XLSX))
		return view_error(r, 404, "ไม่มีรูปแบบไฟล์นี้ เลือกได้เฉพาะ csv หรือ xlsx");
	int rc = 0;
	json_t *area = area_for(r, &rc);
	if (!area)
		return rc;
	struct err e = ERR_INIT;
	json_t *m = area_model(r, area, &e);
	if (!m) {
		json_decref(area);
		return view_fault(r, &e);
	}
	json_t *types = json_object_get(m, "types");
	size_t nt = json_array_size(types);
	struct sheet_col cols[24];
	int nc = 0;
	cols[nc++] = (struct sheet_col){"รหัสโรงเรียน", 14, SHEET_CODE};
	cols[nc++] = (struct sheet_col){"โรงเรียน", 40, SHEET_TEXT};
	cols[nc++] = (struct sheet_col){"บันทึกแล้ว (คน)", 12, SHEET_NUMBER};
	cols[nc++] = (struct sheet_col){"ข้อมูลไม่ครบ (คน)", 12, SHEET_NUMBER};
	for (size_t k = 0; k < nt && nc < 23; k++)
		cols[nc++] = (struct sheet_col){jstr(json_array_get(types, k), "label"), 14, SHEET_NUMBER};
	cols[nc++] = (struct sheet_col){"ยังไม่ระบุประเภท", 12, SHEET_NUMBER};
	struct buf title = BUF_INIT;
	buf_addf(&title, "บุคลากร %s", jstr(area, "short_name"));
	char base[48];
	snprintf(base, sizeof base, "staff-area-%s", jstr(area, "code"));
	const struct export_list l = {buf_cstr(&title), base, nc, cols};
	struct sheet *sh = export_begin(r, f, &l, &e);
	if (!sh) {
		buf_release(&title);
		json_decref(m);
		json_decref(area);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(m, "schools"), i, x)
	{
		sheet_code(sh, jstr(x, "obec_code"));
		sheet_text(sh, jstr(x, "name"));
		sheet_number(sh, (double)jint(x, "recorded"));
		sheet_number(sh, (double)jint(x, "incomplete"));
		for (size_t k = 0; k < nt && k < 19; k++)
			sheet_number(sh, (double)json_integer_value(json_array_get(json_object_get(x, "by_type"), k)));
		sheet_number(sh, (double)jint(x, "untyped"));
		sheet_row_end(sh);
	}
	json_decref(m);
	json_decref(area);
	rc = export_end(r, sh, f, &l);
	buf_release(&title);
	return rc;
}

static int area_transfers_get(struct req *r)
{
	int rc = 0;
	json_t *area = area_for(r, &rc);
	if (!area)
		return rc;
	struct err e = ERR_INIT;
	json_t *rows = dpa_transfers_area(req_db(r), jint(area, "id"), clock_now(r), &e);
	if (!rows) {
		json_decref(area);
		return view_fault(r, &e);
	}
	queue_texts(rows);
	long long flagged = 0;
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		flagged += json_is_true(json_object_get(x, "flagged"));
		json_object_set_new(x, "flag_label",
				    json_string(json_is_true(json_object_get(x, "flagged")) ? "รอเกิน 7 วัน" : ""));
	}
	const struct acc_grant *g = acc_active_grant(r);
	struct buf title = BUF_INIT;
	buf_addf(&title, "คำขอย้ายบุคลากรรอพิจารณา %s", jstr(area, "name"));
	enum sheet_format f;
	if (export_asked(r, &f)) {
		/* the queue as the page shows it: the citizen ID masked */
		static const struct sheet_col cols[] = {
		    {"ยื่นเมื่อ", 20, SHEET_DATETIME, 0, "requested_at"}, {"โรงเรียนที่ขอ", 36, SHEET_TEXT, 0, "to_name"},
		    {"คำนำหน้า", 10, SHEET_TEXT, 0, "title"},		 {"ชื่อ", 18, SHEET_TEXT, 0, "first_name"},
		    {"นามสกุล", 18, SHEET_TEXT, 0, "last_name"},		 {"เลขประจำตัวประชาชน", 20, SHEET_TEXT, 0, "cid_masked"},
		    {"จากโรงเรียน", 36, SHEET_TEXT, 0, "from_name"},	 {"หมายเหตุ", 30, SHEET_TEXT, 0, "note"},
		    {"รอนาน", 12, SHEET_ENUM, 0, "flag_label"}};
		char base[48];
		snprintf(base, sizeof base, "dpa-transfers-%s", jstr(area, "code"));
		json_decref(area);
		const struct export_list l = {buf_cstr(&title), base, 9, cols};
		int rc2 = export_rows(r, f, &l, rows, rows);
		buf_release(&title);
		return rc2;
	}
	/* has_flagged: a count of 0 is not an empty section to the template */
	json_t *m = json_pack("{s:s, s:o, s:o, s:b, s:I, s:b, s:b, s:o}", "page_title", buf_cstr(&title), "area", area,
			      "pending", rows, "has_pending", json_array_size(rows) > 0, "flagged", (json_int_t)flagged,
			      "has_flagged", flagged > 0,
			      "can_decide", is_area_role(g) || acc_grant_is(g, "super_admin"), "decision_form",
			      form_model(r, dpa_decision_form, NULL));
	buf_release(&title);
	export_links(r, m);
	return view_page(r, 200, "dpa/area_transfers", m);
}

/* ---- the table ------------------------------------------------------------------------------------ */

#define SEEN ACCESS_SIGNED_IN, ALL
#define DATA(x) ((const void *)(intptr_t)(x))
#define ENTER ACCESS_SIGNED_IN, SCHOOL_ROLES " " AREA_ROLES " super_admin"

static const struct route routes[] = {
    {"GET", "/dpa", dpa_home, NULL, "dpa", SEEN},
    {"GET", "/dpa/areas", areas_page, NULL, NULL, SEEN},
    {"GET", "/dpa/areas/:aid", area_get, NULL, NULL, SEEN},
    {"GET", "/dpa/areas/:aid/transfers", area_transfers_get, NULL, NULL, SEEN},
    {"GET", "/dpa/areas/:aid/export", area_export, NULL, NULL, SEEN},
    {"GET", "/dpa/areas/:aid/office", school_get, NULL, NULL, SEEN},
    {"GET", "/dpa/areas/:aid/office/add", add_get, NULL, NULL, ENTER},
    {"POST", "/dpa/areas/:aid/office/add", add_post, add_form, NULL, ENTER},
    {"POST", "/dpa/areas/:aid/office/transfers", office_take_post, dpa_transfer_form, NULL, ENTER},
    {"GET", "/dpa/areas/:aid/office/new", new_get, NULL, NULL, ENTER},
    {"POST", "/dpa/areas/:aid/office/new", dpa_new_post, dpa_new_form, NULL, ENTER},
    {"GET", "/dpa/areas/:aid/office/retiring", retiring_get, NULL, NULL, SEEN},
    {"GET", "/dpa/areas/:aid/office/export", school_export, NULL, NULL, SEEN},
    {"GET", "/dpa/areas/:aid/office/roster.pdf", roster_pdf, NULL, NULL, SEEN},
    {"GET", "/dpa/schools/:sid", school_get, NULL, NULL, SEEN},
    {"GET", "/dpa/schools/:sid/add", add_get, NULL, NULL, ENTER},
    {"POST", "/dpa/schools/:sid/add", add_post, add_form, NULL, ENTER},
    {"GET", "/dpa/schools/:sid/new", new_get, NULL, NULL, ENTER},
    {"POST", "/dpa/schools/:sid/new", dpa_new_post, dpa_new_form, NULL, ENTER},
    {"GET", "/dpa/schools/:sid/transfers", transfers_get, NULL, NULL, SEEN},
    {"POST", "/dpa/schools/:sid/transfers", dpa_transfer_post, dpa_transfer_form, NULL, ENTER},
    {"GET", "/dpa/schools/:sid/retiring", retiring_get, NULL, NULL, SEEN},
    {"GET", "/dpa/schools/:sid/export", school_export, NULL, NULL, SEEN},
    {"GET", "/dpa/schools/:sid/roster.pdf", roster_pdf, NULL, NULL, SEEN},
    {"POST", "/dpa/transfers/:tid/approve", dpa_decide_post, dpa_decision_form, NULL, ENTER, DATA(D_APPROVE)},
    {"POST", "/dpa/transfers/:tid/refuse", dpa_decide_post, dpa_decision_form, NULL, ENTER, DATA(D_REFUSE)},
    {"POST", "/dpa/transfers/:tid/withdraw", dpa_decide_post, dpa_empty_form, NULL, ENTER, DATA(D_WITHDRAW)},
    {"GET", "/dpa/staff/:id", staff_get, NULL, NULL, SEEN},
    {"POST", "/dpa/staff/:id/edit", dpa_staff_post, dpa_edit_form, NULL, ENTER, DATA(ACT_EDIT)},
    {"POST", "/dpa/staff/:id/remove", dpa_staff_post, dpa_remove_form, NULL, ENTER, DATA(ACT_REMOVE)},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table dpa_routes = {"dpa", routes};
