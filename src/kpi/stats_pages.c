/* stats_pages: the statistics of a fiscal year (KPI-8), as a page, XLSX or
 * PDF — for the area's staff with its units, and publicly with aggregates
 * only (no unit or person). One handler serves the three formats of each:
 * the route's data names the format (routes.c). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/jsonx.h"
#include "core/sheet.h"
#include "core/thai.h"
#include "core/view.h"
#include "kpi/kpi_pages.h"
#include "org/org.h"

/* The format the route serves (its data; a page when it names none). */
static enum kpi_stats_format format_of(struct req *r)
{
	const enum kpi_stats_format *f = req_route_data(r);
	return f ? *f : KPI_STATS_HTML;
}

static int stats_answer(struct req *r, json_t *st, enum kpi_stats_format fmt, const char *tmpl)
{
	if (fmt == KPI_STATS_HTML)
		return view_page(r, 200, tmpl, st);
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	enum sheet_format sf = fmt == KPI_STATS_CSV ? SHEET_CSV : SHEET_XLSX;
	int rc = fmt == KPI_STATS_PDF ? kpi_stats_pdf(st, &out, &e) : kpi_stats_sheet(st, sf, &out, &e);
	/* kpi-stats-2569-1-2026-12-07.xlsx, and the Thai title as the UTF-8 name */
	char base[64];
	snprintf(base, sizeof base, "kpi-stats-%lld-%lld",
		 (long long)json_integer_value(json_object_get(st, "fiscal_year")),
		 (long long)json_integer_value(json_object_get(json_object_get(st, "area"), "id")));
	struct buf ascii = BUF_INIT, utf8 = BUF_INIT;
	long long now = clock_now(r);
	struct buf title = BUF_INIT;
	buf_addf(&title, "%s %s", jstr(st, "page_title"), jstr(json_object_get(st, "area"), "short_name"));
	sheet_download_names(&ascii, &utf8, base, buf_cstr(&title), now,
			     fmt == KPI_STATS_PDF ? ".pdf" : sheet_extension(sf));
	buf_release(&title);
	json_decref(st);
	if (rc < 0) {
		buf_release(&out);
		buf_release(&ascii);
		buf_release(&utf8);
		return view_err(r, &e);
	}
	rc = view_download(r,
			   fmt == KPI_STATS_PDF ? "application/pdf" : sheet_content_type(sf), &out, buf_cstr(&ascii),
			   buf_cstr(&utf8));
	buf_release(&ascii);
	buf_release(&utf8);
	return rc;
}

/* Names statistics st of fiscal year fy "<what> ปีงบประมาณ fy", at base. */
static void stats_titled(json_t *st, const char *what, int fy, const char *base)
{
	char title[512];
	snprintf(title, sizeof title, "%s ปีงบประมาณ %d", what, fy);
	json_object_set_new(st, "page_title", json_string(title));
	json_object_set_new(st, "base_url", json_string(base));
}

int kpi_stats_get(struct req *r)
{
	enum kpi_stats_format fmt = format_of(r);
	int fy, rc = 0;
	long long area;
	if (!kpi_year_area(r, &fy, &area, &rc))
		return rc;
	if (!kpi_may_view(acc_active_grant(r), area))
		return view_error(r, 403, "ท่านไม่มีสิทธิ์ดูสรุปผลของสำนักงานเขตพื้นที่นี้");
	struct err e = ERR_INIT;
	json_t *st = kpi_year_stats(req_db(r), area, fy, true, &e);
	if (!st)
		return view_err(r, &e);
	char base[64];
	snprintf(base, sizeof base, "/kpi/%d/stats", fy);
	stats_titled(st, "สรุปรายงานผล (รายปี)", fy, base);
	json_object_set_new(st, "signed_in", json_true());
	return stats_answer(r, st, fmt, "kpi/stats");
}

/* The public page: aggregates only, no unit or person (KPI-8). Without
 * ?area= it lists the areas to choose from, unless there is one. */
int kpi_public_stats_now_get(struct req *r)
{
	char u[64];
	long long area = req_query_int(r, "area", 0, 1, 1LL << 60);
	int fy = thai_fiscal_year((long long)time(NULL));
	if (area > 0)
		snprintf(u, sizeof u, "/kpi/stats/%d?area=%lld", fy, area);
	else
		snprintf(u, sizeof u, "/kpi/stats/%d", fy);
	return view_redirect(r, u, NULL);
}

int kpi_public_stats_get(struct req *r)
{
	enum kpi_stats_format fmt = format_of(r);
	int fy = kpi_year_param(r);
	if (fy < 0)
		return view_error(r, 404, kpi_bad_year);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long area = req_query_int(r, "area", 0, 0, 1LL << 60);
	if (!area) {
		json_t *areas = org_areas_list(db, &e);
		if (!areas)
			return view_err(r, &e);
		if (json_array_size(areas) != 1 || fmt != KPI_STATS_HTML) {
			if (fmt != KPI_STATS_HTML) {
				json_decref(areas);
				return view_error(r, 400, "กรุณาระบุสำนักงานเขตพื้นที่การศึกษา (area)");
			}
			char title[512];
			snprintf(title, sizeof title, "สถิติตัวชี้วัด ปีงบประมาณ %d", fy);
			return view_page(r, 200, "kpi/public_stats",
					 json_pack("{s:s, s:i, s:o, s:b}", "page_title", title, "fiscal_year", fy,
						   "areas", areas, "choose_area", 1));
		}
		area = json_integer_value(json_object_get(json_array_get(areas, 0), "id"));
		json_decref(areas);
	}
	json_t *st;
	if (fmt == KPI_STATS_HTML && !req_wants_json(r)) {
		/* the page: the table rendered a moment ago, when nothing changed */
		struct buf html = BUF_INIT;
		json_t *area_row = NULL;
		if (kpi_public_table(db, area, fy, &html, &area_row, &e) < 0) {
			buf_release(&html);
			return view_err(r, &e);
		}
		st = json_pack("{s:I, s:o, s:s%}", "fiscal_year", (json_int_t)fy, "area", area_row, "table_html",
			       html.data ? html.data : "", html.len);
		buf_release(&html);
	} else {
		st = kpi_year_stats(db, area, fy, false, &e);
	}
	if (!st)
		return view_err(r, &e);
	char base[96];
	snprintf(base, sizeof base, "/kpi/stats/%d", fy);
	stats_titled(st, "สถิติตัวชี้วัด", fy, base);
	json_object_set_new(st, "choose_area", json_false());
	json_object_set_new(st, "prev_year", json_integer(fy - 1));
	json_object_set_new(st, "next_year", json_integer(fy + 1));
	return stats_answer(r, st, fmt, "kpi/public_stats");
}
