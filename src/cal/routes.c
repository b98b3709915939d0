/* routes: the pages of the area's data calendar.
 *
 *   GET  /cal                               to the user's school or area (national roles: the areas)
 *   GET  /cal/areas/:id                     every deadline of the area, upcoming first, past collapsed
 *   GET  /cal/schools/:id                   the school's "what we owe, by when"
 *   POST /cal/areas/:id/feed                a new subscription link for the area (area admin)
 *   POST /cal/schools/:id/feed              a new one for the school (its admin, the area admin)
 *   GET  /cal/areas/:id/calendar.ics?t=     the area's iCalendar feed (the link's token, no sign-in)
 *   GET  /cal/schools/:id/calendar.ics?t=   the school's
 *
 * An area's calendar is for the area's roles and OBEC's super admin; a
 * school's for its own school roles and its area's roles (acc_in_area,
 * acc_for_school). The pages and the feeds read the same gathered list
 * (calendar.c): a year back and about a year ahead. A feed with a wrong,
 * old or missing token is refused (403) whether or not the unit exists. */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "cal/cal_internal.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/export.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

#define PAST_DAYS 365
#define AHEAD_DAYS 400
#define OWING_SHOWN 200

static const struct field empty_form[] = {{NULL}};

static const struct acc_place place_path = {"id"};

static int cal_home(struct req *r)
{
	char u[64];
	if (acc_home_url(r, "/cal", u, sizeof u))
		return view_redirect(r, u, NULL);
	return acc_areas_page(r, "cal/areas", "ปฏิทินการจัดทำข้อมูลรายเขตพื้นที่");
}

/* The feed box of a page: url is the new link (only right after making it). */
static json_t *feed_model(struct req *r, const char *scope, long long unit, bool can_manage, const char *url,
			  struct err *e)
{
	long long made = 0;
	int has = cal_feed_exists(req_db(r), scope, unit, &made, e);
	if (has < 0)
		return NULL;
	struct buf when = BUF_INIT, action = BUF_INIT;
	if (has)
		thai_datetime_short(&when, made);
	buf_addf(&action, "/cal/%s/%lld/feed", !strcmp(scope, "area") ? "areas" : "schools", unit);
	json_t *f = json_pack("{s:b, s:s, s:b, s:s, s:s?}", "exists", has == 1, "made_at_text", buf_cstr(&when),
			      "can_manage", can_manage, "action", buf_cstr(&action), "url", url);
	buf_release(&when);
	buf_release(&action);
	return f;
}

static bool may_manage_area(const struct acc_grant *g)
{
	return acc_grant_is(g, "area_admin") || acc_grant_is(g, "super_admin");
}

static bool may_manage_school(const struct acc_grant *g)
{
	return acc_grant_is(g, "school_admin") || may_manage_area(g);
}

/* The public URL links start with, without a trailing "/": --base-url, or
 * the loopback address the server listens on when none was given (the
 * server's own, as the directory's QR code uses), so the subscription
 * link is always one a calendar program can open. */
static const char *public_base(struct buf *out)
{
	const char *b = http_settings()->base_url;
	size_t n = b ? strlen(b) : 0;
	while (n && b[n - 1] == '/')
		n--;
	buf_add(out, b ? b : "", n);
	return buf_cstr(out);
}

/* ---- the area's calendar ----------------------------------------------------- */

static int area_page(struct req *r, const char *feed_url)
{
	int rc = 0;
	json_t *area = acc_area_for(r, &place_path, "ท่านดูปฏิทินข้อมูลได้เฉพาะของเขตพื้นที่ของท่าน", &rc);
	if (!area)
		return rc;
	long long id = jint(area, "id");
	struct err e = ERR_INIT;
	long long now = clock_now(r);
	json_t *all = cal_deadlines(req_db(r), id, 0, now, PAST_DAYS, AHEAD_DAYS, &e);
	json_t *feed = all ? feed_model(r, "area", id, may_manage_area(acc_active_grant(r)), feed_url, &e) : NULL;
	if (!feed) {
		json_decref(all);
		json_decref(area);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *dl;
	enum sheet_format f;
	if (!feed_url && export_asked(r, &f)) {
		/* the deadlines of the page, by due time: dates as date cells */
		json_array_foreach(all, i, dl) json_object_set_new(
		    dl, "state_label",
		    json_string(json_is_true(json_object_get(dl, "past")) ? "ผ่านไปแล้ว"
				: json_is_true(json_object_get(dl, "open")) ? "เปิดอยู่"
									    : "ยังไม่เปิด"));
		static const struct sheet_col cols[] = {
		    {"กำหนดการ", 50, SHEET_TEXT, 0, "title"},	 {"เริ่ม", 20, SHEET_DATETIME, 0, "opens_at"},
		    {"ครบกำหนด", 20, SHEET_DATETIME, 0, "due_at"},	 {"สถานะ", 12, SHEET_ENUM, 0, "state_label"},
		    {"โรงเรียนที่ยังค้าง", 14, SHEET_NUMBER, 0, "owing_count"}, {"หมายเหตุ", 40, SHEET_TEXT, 0, "note"}};
		struct buf t = BUF_INIT;
		buf_addf(&t, "ปฏิทินการจัดทำข้อมูล %s", jstr(area, "short_name"));
		char base[48];
		snprintf(base, sizeof base, "calendar-%s", jstr(area, "code"));
		json_decref(feed);
		json_decref(area);
		const struct export_list l = {buf_cstr(&t), base, 6, cols};
		int sent = export_rows(r, f, &l, all, all);
		buf_release(&t);
		return sent;
	}
	json_t *up = json_array(), *past = json_array();
	json_array_foreach(all, i, dl)
	{
		/* the page names at most OWING_SHOWN schools a deadline (an area
		 * of thousands); the JSON keeps them all in "owing" */
		json_t *owing = json_object_get(dl, "owing");
		size_t n = json_array_size(owing);
		json_t *shown = json_array();
		for (size_t k = 0; k < n && k < OWING_SHOWN; k++)
			json_array_append(shown, json_array_get(owing, k));
		json_object_set_new(dl, "owing_shown", shown);
		json_object_set_new(dl, "owing_more",
				    json_integer(n > OWING_SHOWN ? (json_int_t)(n - OWING_SHOWN) : 0));
		/* the template shows a section for any number, 0 too */
		json_object_set_new(dl, "has_more", json_boolean(n > OWING_SHOWN));
		if (json_is_true(json_object_get(dl, "past")))
			json_array_insert(past, 0, dl); /* the latest past one first */
		else
			json_array_append(up, dl);
	}
	json_decref(all);
	struct buf title = BUF_INIT;
	buf_addf(&title, "ปฏิทินการจัดทำข้อมูล %s", jstr(area, "short_name"));
	json_t *m = json_pack("{s:s, s:o, s:I, s:I, s:o, s:o, s:o}", "page_title", buf_cstr(&title), "area", area,
			      "n_upcoming", (json_int_t)json_array_size(up), "n_past",
			      (json_int_t)json_array_size(past), "upcoming", up, "past", past, "feed", feed);
	buf_release(&title);
	if (!feed_url)
		export_links(r, m);
	return view_page(r, 200, "cal/area", m);
}

static int area_get(struct req *r)
{
	return area_page(r, NULL);
}

/* ---- the school's calendar --------------------------------------------------- */

/* The school of the path when the user may see it; else answers. */
static json_t *school_for(struct req *r, int *rc)
{
	return acc_school_for(r, &place_path, "ท่านดูปฏิทินข้อมูลได้เฉพาะของโรงเรียนในความรับผิดชอบของท่าน", rc);
}

static int school_page(struct req *r, const char *feed_url)
{
	int rc = 0;
	json_t *school = school_for(r, &rc);
	if (!school)
		return rc;
	long long sid = jint(school, "id");
	struct err e = ERR_INIT;
	long long now = clock_now(r);
	json_t *all = cal_deadlines(req_db(r), jint(school, "area_id"), sid, now, PAST_DAYS, AHEAD_DAYS, &e);
	json_t *feed = all ? feed_model(r, "school", sid, may_manage_school(acc_active_grant(r)), feed_url, &e) : NULL;
	if (!feed) {
		json_decref(all);
		json_decref(school);
		return view_fault(r, &e);
	}
	/* owed: still owed and not yet due, soonest first; late: still owed
	 * after the due time, latest first; done: what no longer names the
	 * school */
	json_t *owed = json_array(), *late = json_array(), *done = json_array();
	size_t i, j;
	json_t *dl, *o;
	json_array_foreach(all, i, dl)
	{
		json_t *owing = json_object_get(dl, "owing");
		if (!json_array_size(owing)) {
			json_array_append(done, dl);
			continue;
		}
		json_t *what = json_array();
		json_array_foreach(owing, j, o)
		{
			json_array_append_new(what,
					      json_pack("{s:s, s:s}", "detail",
							*jstr(o, "detail") ? jstr(o, "detail") : "ยังไม่ได้ดำเนินการ",
							"href", *jstr(o, "href") ? jstr(o, "href") : jstr(dl, "href")));
		}
		json_object_set_new(dl, "what", what);
		if (json_is_true(json_object_get(dl, "past")))
			json_array_insert(late, 0, dl);
		else
			json_array_append(owed, dl);
	}
	json_decref(all);
	struct buf title = BUF_INIT;
	buf_addf(&title, "ปฏิทินข้อมูล %s: สิ่งที่ต้องส่งและกำหนดส่ง", jstr(school, "name"));
	enum sheet_format f;
	if (!feed_url && export_asked(r, &f)) {
		/* the page's three lists in its order (owed soonest first, late
		 * latest first, done), each deadline with its state and what the
		 * school still owes; times as date-time cells */
		json_t *rows = json_array();
		json_t *lists[] = {owed, late, done};
		static const char *const states[] = {"ยังค้าง", "เลยกำหนดแล้วและยังค้าง", "ดำเนินการแล้ว"};
		for (int k = 0; k < 3; k++) {
			json_array_foreach(lists[k], i, dl)
			{
				struct buf w = BUF_INIT;
				json_array_foreach(json_object_get(dl, "what"), j, o)
				{
					if (w.len)
						buf_adds(&w, "; ");
					buf_adds(&w, jstr(o, "detail"));
				}
				json_object_set_new(dl, "state_label", json_string(states[k]));
				json_object_set_new(dl, "what_text", json_string(buf_cstr(&w)));
				buf_release(&w);
				json_array_append(rows, dl);
			}
			json_decref(lists[k]);
		}
		static const struct sheet_col cols[] = {
		    {"กำหนดการ", 50, SHEET_TEXT, 0, "title"},	       {"เริ่ม", 20, SHEET_DATETIME, 0, "opens_at"},
		    {"ครบกำหนด", 20, SHEET_DATETIME, 0, "due_at"},      {"สถานะ", 22, SHEET_ENUM, 0, "state_label"},
		    {"สิ่งที่ยังค้าง", 40, SHEET_TEXT, 0, "what_text"}, {"หมายเหตุ", 40, SHEET_TEXT, 0, "note"}};
		char base[48];
		snprintf(base, sizeof base, "calendar-%s", jstr(school, "obec_code"));
		buf_reset(&title);
		buf_addf(&title, "ปฏิทินข้อมูล %s", jstr(school, "name"));
		json_decref(feed);
		json_decref(school);
		const struct export_list l = {buf_cstr(&title), base, 6, cols};
		int sent = export_rows(r, f, &l, rows, rows);
		buf_release(&title);
		return sent;
	}
	json_t *m = json_pack("{s:s, s:o, s:I, s:I, s:I, s:o, s:o, s:o, s:o}", "page_title", buf_cstr(&title), "school",
			      school, "n_owed", (json_int_t)json_array_size(owed), "n_late",
			      (json_int_t)json_array_size(late), "n_done", (json_int_t)json_array_size(done), "owed",
			      owed, "late", late, "done", done, "feed", feed);
	buf_release(&title);
	if (!feed_url)
		export_links(r, m);
	return view_page(r, 200, "cal/school", m);
}

static int school_get(struct req *r)
{
	return school_page(r, NULL);
}

/* ---- subscription links ------------------------------------------------------ */

static int feed_post(struct req *r)
{
	bool area = !strcmp((const char *)req_route_data(r), "area");
	long long id = req_param_id(r, "id");
	const struct acc_grant *g = acc_active_grant(r);
	struct err e = ERR_INIT;
	long long audit_area = id; /* the area whose admins see the audit row */
	if (area) {
		if (id <= 0 || !acc_in_area(r, id) || !may_manage_area(g))
			return acc_deny(r, "ลิงก์ปฏิทินของเขตพื้นที่สร้างได้โดยแอดมินเขตของเขตนั้น");
		json_t *a = org_area_get(req_db(r), id, &e);
		if (!a)
			return e.status >= 500 ? view_fault(r, &e) : view_error(r, 404, "ไม่พบสำนักงานเขตพื้นที่นี้");
		json_decref(a);
	} else {
		json_t *s = id > 0 ? org_school_get(req_db(r), id, &e) : NULL;
		if (!s)
			return id > 0 && e.status >= 500 ? view_fault(r, &e) : view_error(r, 404, "ไม่พบโรงเรียนนี้");
		audit_area = jint(s, "area_id");
		json_decref(s);
		if (!acc_for_school(r, id) || !may_manage_school(g))
			return acc_deny(r, "ลิงก์ปฏิทินของโรงเรียนสร้างได้โดยแอดมินของโรงเรียนหรือแอดมินเขต");
	}
	struct buf token = BUF_INIT;
	if (cal_feed_new(req_db(r), area ? "area" : "school", id, acc_user_id(r), clock_now(r), &token, &e) < 0) {
		buf_release(&token);
		return view_fault(r, &e);
	}
	acc_audit_in(r, req_db(r), audit_area, acc_user_id(r), "cal.feed.new", area ? "area" : "school", id, NULL);
	struct buf url = BUF_INIT, base = BUF_INIT;
	buf_addf(&url, "%s/cal/%s/%lld/calendar.ics?t=%s", public_base(&base), area ? "areas" : "schools", id,
		 buf_cstr(&token));
	buf_release(&token);
	buf_release(&base);
	int rc = area ? area_page(r, buf_cstr(&url)) : school_page(r, buf_cstr(&url));
	buf_release(&url);
	return rc;
}

/* ---- the feeds --------------------------------------------------------------- */

static const char *base_host(const char *base, struct buf *out)
{
	const char *p = strstr(base, "://");
	p = p ? p + 3 : base;
	size_t n = strcspn(p, "/:");
	if (!n)
		return "khet";
	buf_add(out, p, n);
	return buf_cstr(out);
}

static int feed_get(struct req *r)
{
	bool area = !strcmp((const char *)req_route_data(r), "area");
	long long id = req_param_id(r, "id");
	struct err e = ERR_INIT;
	int ok = id > 0 ? cal_feed_check(req_db(r), area ? "area" : "school", id, req_query(r, "t"), &e) : 0;
	if (ok < 0)
		return view_fault(r, &e);
	if (!ok)
		return view_error(r, 403, "ลิงก์ปฏิทินนี้ใช้ไม่ได้ (ไม่ถูกต้องหรือมีการสร้างลิงก์ใหม่แทนแล้ว) กรุณาขอลิงก์ใหม่จากแอดมิน");
	json_t *unit = area ? org_area_get(req_db(r), id, &e) : org_school_get(req_db(r), id, &e);
	if (!unit)
		return e.status >= 500 ? view_fault(r, &e) : view_error(r, 404, "ไม่พบหน่วยงานนี้");
	long long now = clock_now(r);
	json_t *all =
	    cal_deadlines(req_db(r), area ? id : jint(unit, "area_id"), area ? 0 : id, now, PAST_DAYS, AHEAD_DAYS, &e);
	if (!all) {
		json_decref(unit);
		return view_fault(r, &e);
	}
	struct buf name = BUF_INIT, scope = BUF_INIT, host = BUF_INIT, out = BUF_INIT, base = BUF_INIT;
	buf_addf(&name, "ปฏิทินการจัดทำข้อมูล %s", jstr(unit, area ? "short_name" : "name"));
	buf_addf(&scope, "%s%lld", area ? "a" : "s", id);
	public_base(&base);
	ics_calendar(&out, buf_cstr(&name), buf_cstr(&scope), base_host(buf_cstr(&base), &host), buf_cstr(&base), all,
		     !area, now);
	json_decref(all);
	json_decref(unit);
	buf_release(&name);
	buf_release(&scope);
	buf_release(&host);
	buf_release(&base);
	req_add_header(r, "Cache-Control", "private, max-age=300");
	int rc = view_bytes(r, 200, "text/calendar; charset=utf-8", &out, NULL);
	buf_release(&out);
	return rc;
}

#define SEEN_AREA ACCESS_SIGNED_IN, "@area super_admin"
#define SEEN_SCHOOL ACCESS_SIGNED_IN, "@school @area super_admin"

static const struct route routes[] = {
    {"GET", "/cal", cal_home, NULL, "cal", ACCESS_SIGNED_IN, "@school @area super_admin"},
    {"GET", "/cal/areas/:id", area_get, NULL, NULL, SEEN_AREA},
    {"GET", "/cal/schools/:id", school_get, NULL, NULL, SEEN_SCHOOL},
    {"POST", "/cal/areas/:id/feed", feed_post, empty_form, NULL, ACCESS_SIGNED_IN, "area_admin super_admin", "area"},
    {"POST", "/cal/schools/:id/feed", feed_post, empty_form, NULL, ACCESS_SIGNED_IN,
     "school_admin area_admin super_admin", "school"},
    {"GET", "/cal/areas/:id/calendar.ics", feed_get, NULL, NULL, ACCESS_PUBLIC, NULL, "area"},
    {"GET", "/cal/schools/:id/calendar.ics", feed_get, NULL, NULL, ACCESS_PUBLIC, NULL, "school"},
    {NULL},
};

const struct route_table cal_routes = {"cal", routes};
