/* routes: the organisation's pages — the home page, the list of area
 * offices, one area with its work groups, and an area's schools, paged and
 * searchable. Each handler reads the path and query, calls org.c, and hands
 * the model to view_page, so every page is also JSON: whatever the
 * template shows is in the model, including the links of the pager.
 *
 * The school list is the page a benchmark hits hardest (≥15k requests/s),
 * so it costs a fixed number of queries whatever the area's size: the area
 * row and the page's rows, plus one count when searching (see org.c). */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
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
	return view_page(r, 200, "org/areas",
			 json_pack("{s:s, s:b, s:o}", "page_title", "สำนักงานเขตพื้นที่การศึกษา", "has_areas",
				   json_array_size(areas) > 0, "areas", areas));
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
	struct buf b = BUF_INIT;
	buf_addf(&b, "/areas/%lld/schools?page=%lld", area_id, page);
	if (per_page != 10)
		buf_addf(&b, "&per_page=%lld", per_page);
	if (*q) {
		buf_adds(&b, "&q=");
		buf_add_urlenc(&b, q);
	}
	json_t *s = json_string(buf_cstr(&b));
	buf_release(&b);
	return s;
}

/* Page links: the first, the last, and two either side of the current
 * one, with a gap where pages are left out. */
static json_t *pager_links(long long area_id, const char *q, long long page, long long pages, long long per_page)
{
	json_t *list = json_array();
	long long last = 0;
	for (long long p = 1; p <= pages; p++) {
		if (p != 1 && p != pages && (p < page - 2 || p > page + 2)) {
			/* Jump over the run of hidden pages. */
			p = p < page ? page - 3 : pages - 1;
			continue;
		}
		if (last && p > last + 1)
			json_array_append_new(list, json_pack("{s:b}", "gap", 1));
		json_array_append_new(list, json_pack("{s:I, s:o, s:b}", "number", (json_int_t)p, "url",
						      page_url(area_id, q, p, per_page), "current", p == page));
		last = p;
	}
	return list;
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
	struct err e = ERR_INIT;
	json_t *m = org_schools_page(req_db(r), id, q, page, per_page, &e);
	buf_release(&qb);
	if (!m)
		return view_err(r, &e);

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
	json_object_set_new(m, "prev_url", page > 1 ? page_url(id, q, page - 1, per_page) : json_null());
	json_object_set_new(m, "next_url", page < pages ? page_url(id, q, page + 1, per_page) : json_null());
	json_object_set_new(m, "pager", pages > 1 ? pager_links(id, q, page, pages, per_page) : json_array());
	json_object_set_new(m, "has_pager", json_boolean(pages > 1));
	json_t *opts = json_array();
	static const int sizes[] = {10, 25, 50, 100};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
		json_array_append_new(opts,
				      json_pack("{s:i, s:b}", "value", sizes[i], "selected", sizes[i] == per_page));
	json_object_set_new(m, "per_page_options", opts);
	return view_page(r, 200, "org/schools", m);
}

static const struct route routes[] = {
    {"GET", "/", home, NULL, "home", ACCESS_PUBLIC, 0},
    {"GET", "/areas", areas_page, NULL, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/areas/:id", area_page, NULL, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/areas/:id/schools", schools_page, NULL, NULL, ACCESS_PUBLIC, 0},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table org_routes = {"org", routes};
