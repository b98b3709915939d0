/* matrix_pages: an indicator's matrix (KPI-7) — every period against every
 * unit, a page of units at a time. The HTML page takes the table rendered
 * a moment ago when nothing has changed since (stats.c); JSON gets the
 * model. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/export.h"
#include "core/jsonx.h"
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

/* ?format=csv|xlsx: every unit of the indicator, and for each open period
 * its state, self-assessment and review score (numbers), one query for
 * the cells as the page. Takes m. */
static int matrix_export(struct req *r, enum sheet_format f, json_t *m)
{
	static const char *const state_label[] = {"none", "-", "pending", "รอส่ง", "draft", "รอส่ง",
						  "waiting", "รอตรวจ", "reviewed", "ตรวจแล้ว"};
	json_t *periods = json_object_get(m, "periods");
	size_t np = json_array_size(periods);
	if (np > KPI_PERIODS_MAX)
		np = KPI_PERIODS_MAX;
	struct sheet_col cols[2 + 3 * KPI_PERIODS_MAX];
	char heads[3 * KPI_PERIODS_MAX][160];
	int nc = 0;
	cols[nc++] = (struct sheet_col){"ที่", 6, SHEET_NUMBER, 0, "no"};
	cols[nc++] = (struct sheet_col){"หน่วยงาน", 40, SHEET_TEXT, 0, "unit_name"};
	static const char *const parts[] = {"สถานะ", "คะแนนประเมินตนเอง", "คะแนนผลการตรวจ"};
	for (size_t k = 0; k < np; k++)
		for (int j = 0; j < 3; j++) {
			char *h = heads[k * 3 + (size_t)j];
			snprintf(h, sizeof heads[0], "%s %s", jstr(json_array_get(periods, k), "label"), parts[j]);
			cols[nc++] = (struct sheet_col){h, 12, j ? SHEET_NUMBER : SHEET_ENUM, j ? 2 : 0, NULL};
		}
	json_t *ind = json_object_get(m, "indicator");
	struct buf t = BUF_INIT;
	buf_addf(&t, "ตัวชี้วัด %s %s", jstr(ind, "number"), jstr(ind, "name"));
	char base[48];
	snprintf(base, sizeof base, "kpi-matrix-%lld", jint(ind, "id"));
	const struct export_list l = {buf_cstr(&t), base, nc, cols};
	struct err e = ERR_INIT;
	struct sheet *s = export_begin(r, f, &l, &e);
	if (!s) {
		buf_release(&t);
		json_decref(m);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(m, "units"), i, u)
	{
		sheet_json(s, json_object_get(u, "no"));
		sheet_json(s, json_object_get(u, "unit_name"));
		json_t *cells = json_object_get(u, "cells");
		for (size_t k = 0; k < np; k++) {
			json_t *c = json_array_get(cells, k);
			const char *st = jstr(c, "state"), *label = "-";
			for (size_t x = 0; x < sizeof state_label / sizeof *state_label; x += 2)
				if (!strcmp(st, state_label[x]))
					label = state_label[x + 1];
			sheet_value(s, label);
			sheet_json(s, json_object_get(c, "self"));
			sheet_json(s, json_object_get(c, "review"));
		}
		sheet_row_end(s);
	}
	json_decref(m);
	int rc = export_end(r, s, f, &l);
	buf_release(&t);
	return rc;
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
	enum sheet_format f;
	if (export_asked(r, &f)) {
		json_decref(ind);
		m = kpi_matrix(req_db(r), id, 1, 0, &e);
		return m ? matrix_export(r, f, m) : view_err(r, &e);
	}
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
	export_links(r, m);
	return view_page(r, 200, "kpi/matrix", m);
}
