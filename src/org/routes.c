/* routes: the organisation's pages — the home page, the list of area
 * offices, one area with its work groups, and an area's schools, paged and
 * searchable. Each handler reads the path and query, calls org.c, and hands
 * the model to view_page, so every page is also JSON: whatever the
 * template shows is in the model, including the links of the pager.
 *
 * The school list is the page a benchmark hits hardest (≥15k requests/s),
 * so it costs a fixed number of queries whatever the area's size: the area
 * row and the page's rows, plus one count when searching (see org.c).
 *
 * A super admin (national) also adds a school to an area and edits one
 * (/areas/:id/schools/new, /schools/:sid/edit): a declared form, the same
 * checks as `khet import org` (org_school_add / org_school_update), the
 * form shown again with what was typed and the Thai message at its field
 * (422), and an audit row. */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "core/pager.h"
#include "core/buf.h"
#include "core/export.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/search.h"
#include "core/view.h"
#include "org/org.h"

static const char area_not_found[] = "ไม่พบสำนักงานเขตพื้นที่การศึกษาที่ระบุ";

/* Thai name of an area's kind, for pages. */
static void add_kind_name(json_t *area)
{
	const char *kind = json_string_value(json_object_get(area, "kind"));
	const char *name = kind && !strcmp(kind, "secondary") ? "มัธยมศึกษา" : "ประถมศึกษา";
	json_object_set_new(area, "kind_name", json_string(name));
}

static int home(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *areas = org_areas_list(req_db(r), &e);
	if (!areas)
		return view_err(r, &e);
	json_t *list = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(areas, i, a)
	{
		json_array_append_new(list, json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(a, "id"), "name",
						      json_object_get(a, "name"), "short_name",
						      json_object_get(a, "short_name"), "school_count",
						      json_object_get(a, "school_count")));
	}
	json_decref(areas);
	return view_page(r, 200, "home",
			 json_pack("{s:s, s:b, s:o}", "page_title", "Khet — หน้าหลัก", "has_areas",
				   json_array_size(list) > 0, "areas", list));
}

static int areas_page(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *areas = org_areas_list(req_db(r), &e);
	if (!areas)
		return view_err(r, &e);
	size_t i;
	json_t *a;
	json_array_foreach(areas, i, a)
	{
		add_kind_name(a);
	}
	enum sheet_format f;
	if (export_asked(r, &f)) {
		static const struct sheet_col cols[] = {
		    {"รหัสเขตพื้นที่", 12, SHEET_CODE, 0, "code"}, {"ชื่อย่อ", 24, SHEET_TEXT, 0, "short_name"},
		    {"สำนักงานเขตพื้นที่การศึกษา", 50, SHEET_TEXT, 0, "name"}, {"ประเภท", 14, SHEET_ENUM, 0, "kind_name"},
		    {"จังหวัด", 16, SHEET_TEXT, 0, "province"},		 {"จำนวนโรงเรียน", 12, SHEET_NUMBER, 0, "school_count"}};
		static const struct export_list l = {"สำนักงานเขตพื้นที่การศึกษา", "areas", 6, cols};
		return export_rows(r, f, &l, areas, areas);
	}
	json_t *m = json_pack("{s:s, s:b, s:o}", "page_title", "สำนักงานเขตพื้นที่การศึกษา", "has_areas",
			      json_array_size(areas) > 0, "areas", areas);
	export_links(r, m);
	return view_page(r, 200, "org/areas", m);
}

static int area_page(struct req *r)
{
	long long id = req_param_id(r, "id");
	if (id < 0)
		return view_error(r, 404, area_not_found);
	struct err e = ERR_INIT;
	struct db *db = req_db(r);
	json_t *area = org_area_get(db, id, &e);
	if (!area)
		return view_err(r, &e);
	json_t *groups = org_work_groups(db, id, &e);
	if (!groups) {
		json_decref(area);
		return view_err(r, &e);
	}
	add_kind_name(area);
	char url[64];
	snprintf(url, sizeof url, "/areas/%lld/schools", id);
	json_t *m =
	    json_pack("{s:O, s:o, s:b, s:o, s:s}", "page_title", json_object_get(area, "short_name"), "area", area,
		      "has_work_groups", json_array_size(groups) > 0, "work_groups", groups, "schools_url", url);
	return view_page(r, 200, "org/area", m);
}

/* The list's URL for another page, keeping the search and page size. */
static json_t *page_url(long long area_id, const char *q, long long page, long long per_page)
{
	/* up to eleven a page: no printf */
	struct buf b = BUF_INIT;
	buf_adds(&b, "/areas/");
	buf_add_int(&b, area_id);
	buf_adds(&b, "/schools?page=");
	buf_add_int(&b, page);
	if (per_page != 10) {
		buf_adds(&b, "&per_page=");
		buf_add_int(&b, per_page);
	}
	if (*q) {
		buf_adds(&b, "&q=");
		buf_add_urlenc(&b, q);
	}
	json_t *s = jx_stringn(b.data, b.len);
	buf_release(&b);
	return s;
}

struct pager_ctx {
	long long area_id, per_page;
	const char *q;
};

static json_t *pager_url(long long p, void *ctx)
{
	const struct pager_ctx *c = ctx;
	return page_url(c->area_id, c->q, p, c->per_page);
}

/* Page links (core/pager.h) with the list's own URLs. */
static json_t *pager_links_of(long long area_id, const char *q, long long page, long long pages, long long per_page)
{
	struct pager_ctx ctx = {area_id, per_page, q};
	return pager_links_with(page, pages, pager_url, &ctx);
}

/* q without the spaces around it, in b. */
static const char *trimmed(const char *q, struct buf *b)
{
	if (!q)
		return "";
	while (*q == ' ' || *q == '\t')
		q++;
	size_t n = strlen(q);
	while (n && (q[n - 1] == ' ' || q[n - 1] == '\t'))
		n--;
	buf_add(b, q, n);
	return buf_cstr(b);
}

static int schools_page(struct req *r)
{
	long long id = req_param_id(r, "id");
	if (id < 0)
		return view_error(r, 404, area_not_found);
	struct buf qb = BUF_INIT;
	const char *q = trimmed(req_query(r, "q"), &qb);
	long long page = req_query_int(r, "page", 1, 1, 1000000000LL);
	long long per_page = req_query_int(r, "per_page", 10, 1, 100);
	/* ?format=csv|xlsx: every school the search finds, one query */
	enum sheet_format f;
	bool file = export_asked(r, &f);
	if (file)
		page = 1, per_page = ORG_ALL_ROWS;
	struct err e = ERR_INIT;
	json_t *m = org_schools_page(req_db(r), id, q, page, per_page, &e);
	buf_release(&qb);
	if (!m)
		return view_err(r, &e);
	if (file) {
		static const struct sheet_col cols[] = {
		    {"รหัสโรงเรียน", 14, SHEET_CODE, 0, "obec_code"}, {"รหัส SMIS", 12, SHEET_CODE, 0, "smis_code"},
		    {"ชื่อโรงเรียน", 40, SHEET_TEXT, 0, "name"},	   {"อำเภอ", 20, SHEET_TEXT, 0, "district"},
		    {"จังหวัด", 16, SHEET_TEXT, 0, "province"}};
		struct buf t = BUF_INIT;
		buf_addf(&t, "โรงเรียนในสังกัด %s", jstr(json_object_get(m, "area"), "short_name"));
		const struct export_list list = {buf_cstr(&t), "schools", 5, cols};
		int rc = export_rows(r, f, &list, json_object_get(m, "rows"), m);
		buf_release(&t);
		return rc;
	}
	export_links(r, m);

	json_t *area = json_object_get(m, "area");
	add_kind_name(area);
	q = json_string_value(json_object_get(m, "q"));
	page = json_integer_value(json_object_get(m, "page"));
	per_page = json_integer_value(json_object_get(m, "per_page"));
	long long pages = json_integer_value(json_object_get(m, "pages"));

	struct buf title = BUF_INIT;
	buf_addf(&title, "โรงเรียนในสังกัด %s", json_string_value(json_object_get(area, "short_name")));
	json_object_set_new(m, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	json_object_set_new(m, "has_rows", json_boolean(json_array_size(json_object_get(m, "rows")) > 0));
	const char *note = search_query_notice(q);
	json_object_set_new(m, "q_note", note ? json_string(note) : json_null());
	json_object_set_new(m, "prev_url", page > 1 ? page_url(id, q, page - 1, per_page) : json_null());
	json_object_set_new(m, "next_url", page < pages ? page_url(id, q, page + 1, per_page) : json_null());
	json_object_set_new(m, "pager", pages > 1 ? pager_links_of(id, q, page, pages, per_page) : json_array());
	json_object_set_new(m, "has_pager", json_boolean(pages > 1));
	json_t *opts = json_array();
	static const int sizes[] = {10, 25, 50, 100};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		json_t *o = json_object();
		json_object_set_new_nocheck(o, "value", json_integer(sizes[i]));
		json_object_set_new_nocheck(o, "selected", json_boolean(sizes[i] == per_page));
		json_array_append_new(opts, o);
	}
	json_object_set_new(m, "per_page_options", opts);
	const struct acc_grant *g = acc_active_grant(r);
	json_object_set_new(m, "can_edit", json_boolean(acc_grant_is(g, "super_admin")));
	return view_page(r, 200, "org/schools", m);
}


/* ---- adding and editing a school (super admin) ------------------------------ */

static const struct field school_form[] = {
    {"obec_code", "รหัสโรงเรียน (10 หลัก)", FT_TEXT, F_REQUIRED, 10, 0, NULL, NULL, NULL, NULL,
     "รหัสสถานศึกษาของ สพฐ. ตัวเลข 10 หลัก"},
    {"smis_code", "รหัส SMIS (8 หลัก)", FT_TEXT, F_REQUIRED, 8, 0, NULL, NULL, NULL, NULL, "ตัวเลข 8 หลัก"},
    {"name", "ชื่อโรงเรียน", FT_TEXT, F_REQUIRED, 120},
    {"district", "อำเภอ", FT_TEXT, 0, 50},
    {"province", "จังหวัด", FT_TEXT, 0, 100},
    {NULL},
};

/* The add or edit page: area (borrowed), school (NULL when adding; its
 * values fill the form where the request has none). */
static int school_form_page(struct req *r, int status, json_t *area, json_t *school)
{
	json_t *form = form_model(r, school_form, school);
	long long aid = json_integer_value(json_object_get(area, "id"));
	struct buf action = BUF_INIT, back = BUF_INIT, title = BUF_INIT;
	if (school)
		buf_addf(&action, "/schools/%lld/edit", (long long)json_integer_value(json_object_get(school, "id")));
	else
		buf_addf(&action, "/areas/%lld/schools/new", aid);
	buf_addf(&back, "/areas/%lld/schools", aid);
	buf_addf(&title, "%s %s", school ? "แก้ไขโรงเรียน" : "เพิ่มโรงเรียนใน",
		 school ? json_string_value(json_object_get(school, "name"))
			: json_string_value(json_object_get(area, "short_name")));
	json_t *m = json_pack("{s:s, s:O, s:o, s:s, s:s, s:b}", "page_title", buf_cstr(&title), "area", area, "form",
			      form, "action", buf_cstr(&action), "back_url", buf_cstr(&back), "editing", school != NULL);
	buf_release(&action);
	buf_release(&back);
	buf_release(&title);
	return view_page(r, status, "org/school_form", m);
}

static void school_audit(struct req *r, long long area_id, const char *action, long long id)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s}", "obec_code", form_value(r, "obec_code"), "smis_code",
			      form_value(r, "smis_code"), "name", form_value(r, "name"), "district",
			      form_value(r, "district"), "province", form_value(r, "province"));
	acc_audit_in(r, req_db(r), area_id, acc_user_id(r), action, "school", id, d); /* takes d */
}

/* The codes' checks one by one, so a form with a wrong OBEC code AND a
 * wrong SMIS code shows both at once (the domain stops at the first);
 * true when both are right. */
static bool codes_ok(struct req *r)
{
	struct err e1 = ERR_INIT, e2 = ERR_INIT;
	bool ok = true;
	if (org_school_code_check(form_value(r, "obec_code"), &e1) < 0) {
		form_error_err(r, &e1);
		ok = false;
	}
	if (org_smis_code_check(form_value(r, "smis_code"), &e2) < 0) {
		form_error_err(r, &e2);
		ok = false;
	}
	return ok;
}

static int school_new(struct req *r)
{
	long long id = req_param_id(r, "id");
	if (id < 0)
		return view_error(r, 404, area_not_found);
	struct err e = ERR_INIT;
	struct db *db = req_db(r);
	json_t *area = org_area_get(db, id, &e);
	if (!area)
		return view_err(r, &e);
	int rc;
	if (!strcmp(req_method(r), "GET")) {
		rc = school_form_page(r, 200, area, NULL);
	} else if (!form_ok(r) || !codes_ok(r)) {
		rc = school_form_page(r, 422, area, NULL);
	} else {
		long long sid = org_school_add(db, id, form_value(r, "obec_code"), form_value(r, "smis_code"),
					       form_value(r, "name"), form_value(r, "district"), form_value(r, "province"),
					       &e);
		if (sid < 0 && e.status < 500) {
			form_error_err(r, &e);
			rc = school_form_page(r, 422, area, NULL);
		} else if (sid < 0) {
			rc = view_err(r, &e);
		} else {
			school_audit(r, id, "school.add", sid);
			struct buf to = BUF_INIT, flash = BUF_INIT;
			buf_addf(&to, "/areas/%lld/schools?q=%s", id, form_value(r, "obec_code"));
			buf_addf(&flash, "เพิ่ม%sแล้ว", form_value(r, "name"));
			rc = view_redirect(r, buf_cstr(&to), buf_cstr(&flash));
			buf_release(&to);
			buf_release(&flash);
		}
	}
	json_decref(area);
	return rc;
}

static int school_edit(struct req *r)
{
	long long sid = req_param_id(r, "sid");
	if (sid < 0)
		return view_error(r, 404, "ไม่พบโรงเรียนที่ระบุ");
	struct err e = ERR_INIT;
	struct db *db = req_db(r);
	json_t *school = org_school_get(db, sid, &e);
	if (!school)
		return view_err(r, &e);
	long long aid = json_integer_value(json_object_get(school, "area_id"));
	json_t *area = org_area_get(db, aid, &e);
	if (!area) {
		json_decref(school);
		return view_err(r, &e);
	}
	int rc;
	if (!strcmp(req_method(r), "GET")) {
		rc = school_form_page(r, 200, area, school);
	} else if (!form_ok(r) || !codes_ok(r)) {
		rc = school_form_page(r, 422, area, school);
	} else if (org_school_update(db, sid, 0, form_value(r, "obec_code"), form_value(r, "smis_code"),
				     form_value(r, "name"), form_value(r, "district"), form_value(r, "province"),
				     &e) < 0) {
		if (e.status < 500) {
			form_error_err(r, &e);
			rc = school_form_page(r, 422, area, school);
		} else {
			rc = view_err(r, &e);
		}
	} else {
		school_audit(r, aid, "school.update", sid);
		struct buf to = BUF_INIT, flash = BUF_INIT;
		buf_addf(&to, "/areas/%lld/schools?q=%s", aid, form_value(r, "obec_code"));
		buf_addf(&flash, "บันทึกการแก้ไข%sแล้ว", form_value(r, "name"));
		rc = view_redirect(r, buf_cstr(&to), buf_cstr(&flash));
		buf_release(&to);
		buf_release(&flash);
	}
	json_decref(school);
	json_decref(area);
	return rc;
}

static const struct route routes[] = {
    {"GET", "/", home, NULL, "home", ACCESS_PUBLIC, 0, NULL, ROUTE_MAY_LAG},
    {"GET", "/areas", areas_page, NULL, NULL, ACCESS_PUBLIC, 0, NULL, ROUTE_MAY_LAG},
    {"GET", "/areas/:id", area_page, NULL, NULL, ACCESS_PUBLIC, 0, NULL, ROUTE_MAY_LAG},
    {"GET", "/areas/:id/schools", schools_page, NULL, NULL, ACCESS_PUBLIC, 0, NULL, ROUTE_MAY_LAG},
    {"GET", "/areas/:id/schools/new", school_new, NULL, "org.school.new", ACCESS_SIGNED_IN, "super_admin"},
    {"POST", "/areas/:id/schools/new", school_new, school_form, "org.school.new", ACCESS_SIGNED_IN, "super_admin"},
    {"GET", "/schools/:sid/edit", school_edit, NULL, "org.school.edit", ACCESS_SIGNED_IN, "super_admin"},
    {"POST", "/schools/:sid/edit", school_edit, school_form, "org.school.edit", ACCESS_SIGNED_IN, "super_admin"},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table org_routes = {"org", routes};
