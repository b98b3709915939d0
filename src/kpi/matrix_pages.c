/* matrix_pages: an indicator's matrix (KPI-7) — every period against every
 * unit, a page of units at a time. The HTML page takes the table rendered
 * a moment ago when nothing has changed since (stats.c); JSON gets the
 * model. */
#include <stdio.h>

#include "core/buf.h"
#include "core/view.h"
#include "kpi/kpi_pages.h"

static json_t *pager(long long id, long long page, long long pages, long long per_page)
{
	json_t *list = json_array();
	for (long long p = 1; p <= pages; p++) {
		if (p != 1 && p != pages && (p < page - 2 || p > page + 2))
			continue;
		char u[96];
		snprintf(u, sizeof u, "/kpi/indicators/%lld/matrix?page=%lld&per_page=%lld", id, p, per_page);
		json_array_append_new(
		    list, json_pack("{s:I, s:s, s:b}", "number", (json_int_t)p, "url", u, "current", p == page));
	}
	return list;
}

int kpi_matrix_get(struct req *r)
{
	long long id = req_param_id(r, "id");
	json_t *ind = kpi_indicator_for(r, id, NULL);
	if (!ind)
		return 0;
	long long page = req_query_int(r, "page", 1, 1, 1000000);
	long long per_page = req_query_int(r, "per_page", 25, 1, 100);
	if (per_page != 10 && per_page != 25 && per_page != 50 && per_page != 100)
		per_page = 25;
	struct err e = ERR_INIT;
	json_t *m;
	if (req_wants_json(r)) {
		json_decref(ind);
		m = kpi_matrix(req_db(r), id, page, per_page, &e);
	} else {
		/* the page: the table rendered a moment ago when nothing changed;
		 * the heading is the indicator just read */
		struct buf html = BUF_INIT;
		m = NULL;
		/* a school's viewer opens only its own school's reports */
		const struct acc_grant *g = acc_active_grant(r);
		long long only = g && g->scope == SCOPE_SCHOOL && g->school_id > 0 ? g->school_id : 0;
		if (kpi_matrix_table_for(req_db(r), id, page, per_page, only, &html, &m, &e) == 0) {
			json_object_set_new(m, "indicator", ind);
			json_object_set_new(m, "table_html",
					    json_stringn_nocheck(html.data ? html.data : "", html.len));
		} else {
			json_decref(ind);
		}
		buf_release(&html);
	}
	if (!m)
		return view_err(r, &e);
	page = json_integer_value(json_object_get(m, "page"));
	long long pages = json_integer_value(json_object_get(m, "pages"));
	json_object_set_new(m, "pager", pages > 1 ? pager(id, page, pages, per_page) : json_array());
	json_object_set_new(m, "has_pager", json_boolean(pages > 1));
	if (!json_object_get(m, "has_periods"))
		json_object_set_new(m, "has_periods", json_boolean(json_array_size(json_object_get(m, "periods")) > 0));
	json_object_set_new(m, "page_title", json_string("แสดงข้อมูลทุกรอบรายงาน"));
	json_object_set_new(m, "indicator_url", kpi_url_json("/kpi/indicators/%lld", id));
	return view_page(r, 200, "kpi/matrix", m);
}
