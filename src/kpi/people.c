/* people: the KPI roles of an area — who owns the indicators of which work
 * group (kpi_owner) and who reviews the reports (kpi_reviewer) — granted
 * and revoked by the area admin on /kpi/admin/people.
 *
 * The accounts pages grant roles per area or school but never name a work
 * group, and a kpi_owner grant without one owns nothing (access.c). So
 * this page asks for the work group with the role: required for an owner;
 * for a reviewer either one group (he reviews only its indicators) or the
 * whole area. The grant itself is made and ended by acc.h
 * (acc_grant_add_full, acc_grant_revoke), which checks that the work group
 * is one of the area's and refuses a duplicate; this file only decides
 * who may ask and turns the answer into the page. A super admin works on
 * the area named by ?area= like on the other KPI pages. */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/export.h"
#include "core/form.h"
#include "core/view.h"
#include "kpi/kpi_pages.h"
#include "org/org.h"

#define PEOPLE_PER_PAGE 50

static const struct choice role_choices[] = {
    {"kpi_owner", "เจ้าของตัวชี้วัด (จัดการตัวชี้วัดของกลุ่มงาน)"},
    {"kpi_reviewer", "ผู้ตรวจตัวชี้วัด (ตรวจรายงานและให้คะแนน)"},
    {NULL, NULL},
};

const struct field kpi_people_form[] = {
    {.name = "login",
     .label = "ผู้ใช้",
     .type = FT_TEXT,
     .flags = F_REQUIRED,
     .max = 254,
     .hint = "ชื่อผู้ใช้ อีเมล หรือเลขประจำตัวประชาชน 13 หลัก ของบัญชีที่ลงทะเบียนแล้ว"},
    {.name = "role", .label = "บทบาท", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = role_choices},
    {.name = "work_group_id",
     .label = "กลุ่มงาน",
     .type = FT_INT,
     .min = 0,
     .max = 1LL << 60,
     .hint = "เจ้าของตัวชี้วัดต้องระบุกลุ่มงาน ผู้ตรวจเลือกกลุ่มงานเดียว หรือทุกกลุ่มงานของเขต"},
    {NULL},
};

const struct field kpi_people_revoke_form[] = {{NULL}};

/* The area the page manages, or 0 after answering (403). */
static long long managed_area(struct req *r)
{
	const struct acc_grant *g = acc_active_grant(r);
	long long area = 0;
	if (acc_grant_is(g, "super_admin")) {
		area = req_query_int(r, "area", 0, 0, 1LL << 60);
		if (!area) {
			struct err e = ERR_INIT;
			db_int_value(req_db(r), "SELECT id FROM areas ORDER BY id LIMIT 1", NULL, 0, &area, &e);
		}
	} else if (g) {
		area = g->area_id;
	}
	if (area <= 0 || !kpi_may_manage(g, area, -1) ||
	    (!acc_grant_is(g, "area_admin") && !acc_grant_is(g, "super_admin"))) {
		view_error(r, 403, "การกำหนดเจ้าของตัวชี้วัดและผู้ตรวจทำได้เฉพาะแอดมินเขต");
		return 0;
	}
	return area;
}

/* ?area=N for a super admin's links and redirects, "" otherwise. */
static void area_suffix(struct req *r, long long area, char *out, size_t n)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (acc_grant_is(g, "super_admin"))
		snprintf(out, n, "?area=%lld", area);
	else
		out[0] = 0;
}

static int people_page(struct req *r, int status, long long area)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	/* ?format=csv|xlsx: every role of the area, the same query unpaged */
	enum sheet_format fmt;
	bool file = status == 200 && export_asked(r, &fmt);
	long long per_page = file ? ORG_ALL_ROWS : PEOPLE_PER_PAGE;
	long long page = file ? 1 : req_query_int(r, "page", 1, 1, 1000000);
	long long total = 0;
	if (db_int_value(db,
			 "SELECT COUNT(*) FROM grants WHERE area_id = $1 AND role IN ('kpi_owner', 'kpi_reviewer') "
			 "AND revoked_at IS NULL",
			 DB_ARGS(DB_INT(area)), &total, &e) < 0)
		return view_err(r, &e);
	long long pages = total > 0 ? (total + per_page - 1) / per_page : 1;
	if (page > pages)
		page = pages;
	json_t *rows = db_rows_json(
	    db,
	    "SELECT g.id, g.role, COALESCE(g.work_group_id, 0) AS work_group_id, COALESCE(w.name, '') AS "
	    "work_group_name, u.id AS user_id, u.username, u.email, "
	    "COALESCE(u.title, '') || u.first_name || ' ' || u.last_name AS name "
	    "FROM grants g JOIN users u ON u.id = g.user_id LEFT JOIN work_groups w ON w.id = g.work_group_id "
	    "WHERE g.area_id = $1 AND g.role IN ('kpi_owner', 'kpi_reviewer') AND g.revoked_at IS NULL "
	    "ORDER BY g.role, COALESCE(w.sort, -1), COALESCE(w.id, 0), u.first_name COLLATE thai, g.id LIMIT $2 OFFSET "
	    "$3",
	    DB_ARGS(DB_INT(area), DB_INT(per_page), DB_INT((page - 1) * per_page)), &e);
	json_t *groups = rows ? org_work_groups(db, area, &e) : NULL;
	json_t *area_row = groups ? org_area_get(db, area, &e) : NULL;
	if (!area_row) {
		json_decref(rows);
		json_decref(groups);
		return view_err(r, &e);
	}
	char suffix[48];
	area_suffix(r, area, suffix, sizeof suffix);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		const char *role = json_string_value(json_object_get(x, "role"));
		json_object_set_new(x, "role_label", json_string(acc_role_label(role)));
		json_object_set_new(x, "no", json_integer((json_int_t)((page - 1) * per_page + (long long)i + 1)));
		if (!json_integer_value(json_object_get(x, "work_group_id")))
			json_object_set_new(x, "work_group_name", json_string("ทุกกลุ่มงานของเขต"));
		char u[96];
		snprintf(u, sizeof u, "/kpi/admin/people/%lld/revoke%s",
			 (long long)json_integer_value(json_object_get(x, "id")), suffix);
		json_object_set_new(x, "revoke_url", json_string(u));
	}
	if (file) {
		static const struct sheet_col cols[] = {
		    {"ที่", 6, SHEET_NUMBER, 0, "no"},		 {"ชื่อ", 30, SHEET_TEXT, 0, "name"},
		    {"ชื่อผู้ใช้ (user)", 16, SHEET_TEXT, 0, "username"}, {"อีเมล", 28, SHEET_TEXT, 0, "email"},
		    {"บทบาท", 20, SHEET_ENUM, 0, "role_label"},	 {"กลุ่มงาน", 30, SHEET_TEXT, 0, "work_group_name"}};
		json_decref(groups);
		struct buf t = BUF_INIT;
		buf_addf(&t, "เจ้าของตัวชี้วัดและผู้ตรวจ %s", json_string_value(json_object_get(area_row, "short_name")));
		char base[48];
		snprintf(base, sizeof base, "kpi-people-%s", json_string_value(json_object_get(area_row, "code")));
		json_decref(area_row);
		const struct export_list l = {buf_cstr(&t), base, 6, cols};
		int rc = export_rows(r, fmt, &l, rows, rows);
		buf_release(&t);
		return rc;
	}

	json_t *form = form_model(r, kpi_people_form, NULL);
	/* the work-group select: the area's groups, and "the whole area" for
	 * a reviewer */
	const char *sel = json_string_value(json_object_get(json_object_get(form, "values"), "work_group_id"));
	if (!sel)
		sel = "";
	json_t *cs = json_array();
	json_array_append_new(cs, json_pack("{s:s, s:s, s:b}", "value", "", "label", "— เลือก —", "selected", !*sel));
	json_array_append_new(cs, json_pack("{s:s, s:s, s:b}", "value", "0", "label", "ทุกกลุ่มงานของเขต (เฉพาะผู้ตรวจ)",
					    "selected", !strcmp(sel, "0")));
	json_array_foreach(groups, i, x)
	{
		char v[32];
		snprintf(v, sizeof v, "%lld", (long long)json_integer_value(json_object_get(x, "id")));
		json_array_append_new(cs, json_pack("{s:s, s:O, s:b}", "value", v, "label", json_object_get(x, "name"),
						    "selected", !strcmp(v, sel)));
	}
	json_decref(groups);
	json_array_foreach(json_object_get(form, "fields"), i, x)
	{
		if (strcmp(json_string_value(json_object_get(x, "name")), "work_group_id"))
			continue;
		json_object_set_new(x, "is_select", json_true());
		json_object_set_new(x, "choices", cs);
		json_object_set_new(x, "inputmode", json_null());
		json_object_set_new(x, "maxlength", json_null());
		json_object_set_new(x, "required", json_true());
		cs = NULL;
	}
	json_decref(cs);

	json_t *pager = json_array();
	for (long long p = 1; pages > 1 && p <= pages; p++) {
		char u[96];
		snprintf(u, sizeof u, "/kpi/admin/people?page=%lld%s%s", p, *suffix ? "&" : "",
			 *suffix ? suffix + 1 : "");
		json_array_append_new(
		    pager, json_pack("{s:I, s:s, s:b}", "number", (json_int_t)p, "url", u, "current", p == page));
	}
	char action[96];
	snprintf(action, sizeof action, "/kpi/admin/people%s", suffix);
	json_t *m = json_pack("{s:s, s:o, s:o, s:I, s:I, s:I, s:b, s:o, s:b, s:o, s:s}", "page_title",
			      "เจ้าของตัวชี้วัดและผู้ตรวจ — KPI-Online", "area", area_row, "people", rows, "total",
			      (json_int_t)total, "page", (json_int_t)page, "pages", (json_int_t)pages, "has_people",
			      total > 0, "pager", pager, "has_pager", pages > 1, "form", form, "action", action);
	export_links(r, m);
	return view_page(r, status, "kpi/people", m);
}

int kpi_people_get(struct req *r)
{
	long long area = managed_area(r);
	if (!area)
		return 0;
	return people_page(r, 200, area);
}

int kpi_people_post(struct req *r)
{
	long long area = managed_area(r);
	if (!area)
		return 0;
	if (!form_ok(r))
		return people_page(r, 422, area);
	const char *role = form_value(r, "role");
	const char *wg_text = form_value(r, "work_group_id");
	long long wg = form_int(r, "work_group_id");
	if (!strcmp(role, "kpi_owner") && wg <= 0) {
		form_error(r, "work_group_id", "กรุณาเลือกกลุ่มงานที่เจ้าของตัวชี้วัดรับผิดชอบ (เจ้าของตัวชี้วัดต้องสังกัดกลุ่มงาน)");
		return people_page(r, 422, area);
	}
	if (!*wg_text) {
		form_error(r, "work_group_id", "กรุณาเลือกกลุ่มงานที่ผู้ตรวจรับผิดชอบ หรือ “ทุกกลุ่มงานของเขต”");
		return people_page(r, 422, area);
	}
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long uid = 0;
	char st[16], hash[128];
	int found = acc_user_find_login(db, form_value(r, "login"), &uid, st, hash, &e);
	if (found < 0)
		return view_err(r, &e);
	if (!found || strcmp(st, "active")) {
		form_error(r, "login",
			   found ? "บัญชีนี้ถูกยกเลิกแล้ว จึงให้บทบาทไม่ได้"
				 : "ไม่พบบัญชีผู้ใช้นี้ กรุณาตรวจชื่อผู้ใช้ อีเมล หรือเลขประจำตัวประชาชน (ผู้ใช้ต้องลงทะเบียนก่อน)");
		return people_page(r, 422, area);
	}
	struct acc_grant g;
	memset(&g, 0, sizeof g);
	g.user_id = uid;
	snprintf(g.role, sizeof g.role, "%s", role);
	g.area_id = area;
	g.work_group_id = wg;
	long long gid = acc_grant_add_full(db, &g, acc_user_id(r), &e);
	if (gid < 0) {
		if (e.status >= 500 || !e.status)
			return view_err(r, &e);
		if (!strcmp(e.field, "role") && e.status == 409)
			snprintf(e.field, sizeof e.field, "login");
		form_error_err(r, &e);
		return people_page(r, 422, area);
	}
	kpi_audit(
	    r, "kpi.people.grant", "grant", gid, area,
	    json_pack("{s:I, s:s, s:I}", "user_id", (json_int_t)uid, "role", role, "work_group_id", (json_int_t)wg));
	char u[96];
	area_suffix(r, area, u, sizeof u);
	char loc[128];
	snprintf(loc, sizeof loc, "/kpi/admin/people%s", u);
	return view_redirect(r, loc, !strcmp(role, "kpi_owner") ? "ให้บทบาทเจ้าของตัวชี้วัดแล้ว" : "ให้บทบาทผู้ตรวจตัวชี้วัดแล้ว");
}

int kpi_people_revoke(struct req *r)
{
	long long area = managed_area(r);
	if (!area)
		return 0;
	long long gid = req_param_id(r, "gid");
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long one = 0;
	int rc = gid > 0 ? db_int_value(db,
					"SELECT 1 FROM grants WHERE id = $1 AND area_id = $2 AND revoked_at IS NULL "
					"AND role IN ('kpi_owner', 'kpi_reviewer')",
					DB_ARGS(DB_INT(gid), DB_INT(area)), &one, &e)
			 : 0;
	if (rc < 0)
		return view_err(r, &e);
	if (!rc)
		return view_error(r, 404, "ไม่พบบทบาทเจ้าของตัวชี้วัดหรือผู้ตรวจนี้ในเขตพื้นที่ (อาจถูกยกเลิกไปแล้ว)");
	if (acc_grant_revoke(db, gid, acc_user_id(r), &e) < 0)
		return view_err(r, &e);
	kpi_audit(r, "kpi.people.revoke", "grant", gid, area, NULL);
	char u[96], loc[128];
	area_suffix(r, area, u, sizeof u);
	snprintf(loc, sizeof loc, "/kpi/admin/people%s", u);
	return view_redirect(r, loc, "ยกเลิกบทบาทแล้ว");
}
