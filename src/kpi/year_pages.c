/* year_pages: a fiscal year of KPI-Online — /kpi sends the user to his
 * chosen year, the year picker (KPI-1) stores the choice, the year's
 * indicator list (KPI-7) shows each indicator with its periods and what the
 * user's unit still owes, and copying a year brings another year's
 * indicators over (without opening their periods). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/db.h"
#include "core/thai.h"
#include "core/export.h"
#include "core/view.h"
#include "kpi/kpi_pages.h"
#include "org/org.h"

/* The unit the active grant reports for in area: its school, the area
 * office (0) for an area role, -1 for none. */
static long long my_unit(const struct acc_grant *g, long long area_id)
{
	if (!g || g->scope == SCOPE_NATIONAL || g->area_id != area_id)
		return -1;
	if (g->scope == SCOPE_SCHOOL)
		return g->school_id;
	if (g->scope == SCOPE_AREA)
		return 0;
	return -1;
}

/* ---- year picker (KPI-1) ------------------------------------------------- */

int kpi_home_get(struct req *r)
{
	int fy = kpi_user_year(req_db(r), acc_user_id(r), (long long)time(NULL));
	char u[32];
	snprintf(u, sizeof u, "/kpi/%d", fy);
	return view_redirect(r, u, NULL);
}

static int years_page(struct req *r, int status)
{
	struct db *db = req_db(r);
	long long now = (long long)time(NULL);
	int current = thai_fiscal_year(now);
	int chosen = kpi_user_year(db, acc_user_id(r), now);
	long long area = kpi_area_of(r);
	struct err e = ERR_INIT;
	json_t *have = db_rows_json(db,
				    "SELECT fiscal_year, COUNT(*) AS n FROM kpi_indicators WHERE area_id = $1 "
				    "AND status <> 'hidden' GROUP BY fiscal_year ORDER BY fiscal_year",
				    DB_ARGS(DB_INT(area)), &e);
	if (!have)
		return view_err(r, &e);
	int lo = current - 2, hi = current + 1;
	size_t i;
	json_t *h;
	json_array_foreach(have, i, h)
	{
		int y = (int)json_integer_value(json_object_get(h, "fiscal_year"));
		if (y < lo)
			lo = y;
		if (y > hi)
			hi = y;
	}
	if (lo < KPI_YEAR_MIN)
		lo = KPI_YEAR_MIN;
	json_t *years = json_array();
	for (int y = hi; y >= lo; y--) {
		long long n = 0;
		json_array_foreach(have, i, h) if (json_integer_value(json_object_get(h, "fiscal_year")) == y) n =
		    json_integer_value(json_object_get(h, "n"));
		json_array_append_new(years, json_pack("{s:i, s:I, s:b, s:b}", "year", y, "indicators", (json_int_t)n,
						       "current", y == current, "chosen", y == chosen));
	}
	json_decref(have);
	json_t *m = json_pack("{s:s, s:o, s:i, s:i}", "page_title", "เลือกปีงบประมาณ — KPI-Online", "years", years,
			      "current_year", current, "chosen_year", chosen);
	json_object_set_new(m, "form", form_model(r, kpi_year_form, NULL));
	return view_page(r, status, "kpi/years", m);
}

int kpi_years_get(struct req *r)
{
	return years_page(r, 200);
}

int kpi_years_post(struct req *r)
{
	if (!form_ok(r))
		return years_page(r, 422);
	int fy = (int)form_int(r, "fiscal_year");
	struct err e = ERR_INIT;
	if (kpi_user_year_set(req_db(r), acc_user_id(r), fy, &e) < 0) {
		if (e.status >= 500)
			return view_err(r, &e);
		form_error_err(r, &e);
		return years_page(r, 422);
	}
	char u[32], msg[512];
	snprintf(u, sizeof u, "/kpi/%d", fy);
	snprintf(msg, sizeof msg, "เลือกปีงบประมาณ %d แล้ว", fy);
	return view_redirect(r, u, msg);
}

/* ---- the indicator list (KPI-7) ------------------------------------------ */

int kpi_year_get(struct req *r)
{
	int fy, rc = 0;
	long long area;
	if (!kpi_year_area(r, &fy, &area, &rc))
		return rc;
	const struct acc_grant *g = acc_active_grant(r);
	if (!kpi_may_view(g, area))
		return view_error(r, 403, "ท่านไม่มีสิทธิ์ดูตัวชี้วัดของสำนักงานเขตพื้นที่นี้");
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	bool managers = acc_grant_is(g, "area_admin") || acc_grant_is(g, "kpi_owner") || acc_grant_is(g, "super_admin");
	json_t *list = kpi_year_list(db, area, fy, managers, &e);
	if (!list)
		return view_err(r, &e);
	long long unit = my_unit(g, area);
	json_t *mine =
	    unit >= 0 && kpi_may_report(g, area, unit, -1) ? kpi_unit_reports(db, area, fy, unit, &e) : json_object();
	if (!mine) {
		json_decref(list);
		return view_err(r, &e);
	}
	json_t *inds = json_object_get(list, "indicators");
	json_t *shown = json_array();
	size_t i;
	json_t *ind;
	json_array_foreach(inds, i, ind)
	{
		long long wg = json_integer_value(json_object_get(ind, "work_group_id"));
		bool manage = kpi_may_manage(g, area, wg);
		if (json_is_true(json_object_get(ind, "is_hidden")) && !manage)
			continue;
		long long id = json_integer_value(json_object_get(ind, "id"));
		json_object_set_new(ind, "can_manage", json_boolean(manage));
		json_object_set_new(ind, "can_review", json_boolean(kpi_may_review(g, area, wg)));
		json_object_set_new(ind, "url", kpi_url_json("/kpi/indicators/%lld", id));
		json_object_set_new(ind, "matrix_url", kpi_url_json("/kpi/indicators/%lld/matrix", id));
		json_object_set_new(ind, "no", json_integer((json_int_t)json_array_size(shown) + 1));
		size_t k;
		json_t *p;
		json_array_foreach(json_object_get(ind, "periods"), k, p)
		{
			char key[32];
			long long pid = json_integer_value(json_object_get(p, "id"));
			snprintf(key, sizeof key, "%lld", pid);
			json_t *my = kpi_may_report(g, area, unit, wg) ? json_object_get(mine, key) : NULL;
			json_object_set_new(
			    p, "report_url",
			    my ? kpi_url_json("/kpi/reports/%lld", json_integer_value(json_object_get(my, "report_id")))
			       : json_null());
			json_object_set(p, "my_status", my ? json_object_get(my, "status_label") : json_null());
			json_object_set_new(p, "units_url",
					    manage ? kpi_url_json("/kpi/periods/%lld/units", pid) : json_null());
		}
		json_array_append(shown, ind);
	}
	json_decref(mine);
	json_object_set_new(list, "indicators", shown);
	json_object_set_new(list, "count", json_integer((json_int_t)json_array_size(shown)));
	json_object_set_new(list, "has_indicators", json_boolean(json_array_size(shown) > 0));
	json_object_set_new(list, "fiscal_year", json_integer(fy));
	json_object_set_new(list, "prev_year", json_integer(fy - 1));
	json_object_set_new(list, "next_year", json_integer(fy + 1));
	json_object_set_new(list, "can_create", json_boolean(kpi_may_create(g, area)));
	json_object_set_new(list, "can_copy", json_boolean(kpi_may_create(g, area)));
	json_object_set_new(list, "copy_own_group", json_boolean(acc_grant_is(g, "kpi_owner")));
	/* a school's "ต้องส่ง" box: what it still owes, soonest due first */
	if (g && g->scope == SCOPE_SCHOOL && unit > 0) {
		json_t *due = kpi_unit_due(db, area, unit, KPI_DUE_SHOWN + 1, &e);
		if (!due) {
			json_decref(list);
			return view_err(r, &e);
		}
		bool more = json_array_size(due) > KPI_DUE_SHOWN;
		if (more)
			json_array_remove(due, KPI_DUE_SHOWN);
		size_t k;
		json_t *d;
		json_array_foreach(due, k, d) json_object_set_new(
		    d, "report_url",
		    kpi_url_json("/kpi/reports/%lld", json_integer_value(json_object_get(d, "report_id"))));
		json_object_set_new(list, "has_due", json_boolean(json_array_size(due) > 0));
		json_object_set_new(list, "due_more", json_boolean(more));
		json_object_set_new(list, "due", due);
		json_object_set_new(list, "show_due", json_true());
	}
	json_object_set_new(list, "can_people",
			    json_boolean(acc_grant_is(g, "area_admin") || acc_grant_is(g, "super_admin")));
	json_t *area_row = org_area_get(db, area, &e);
	json_object_set_new(list, "area", area_row ? area_row : json_object());
	char title[512];
	snprintf(title, sizeof title, "รายการตัวชี้วัด ปีงบประมาณ %d", fy);
	json_object_set_new(list, "page_title", json_string(title));
	enum sheet_format f;
	if (export_asked(r, &f)) {
		/* the indicators this user sees on the page, as a file */
		static const struct sheet_col cols[] = {
		    {"ที่", 6, SHEET_NUMBER, 0, "no"},
		    {"หมายเลข", 10, SHEET_CODE, 0, "number"},
		    {"ชื่อตัวชี้วัด", 50, SHEET_TEXT, 0, "name"},
		    {"รายละเอียด", 40, SHEET_TEXT, 0, "description"},
		    {"รูปแบบ", 24, SHEET_ENUM, 0, "type_label"},
		    {"เกณฑ์", 30, SHEET_TEXT, 0, "criteria_text"},
		    {"กลุ่มงาน", 30, SHEET_TEXT, 0, "work_group_name"},
		    {"ประเภท", 20, SHEET_ENUM, 0, "kind_label"},
		    {"น้ำหนัก", 10, SHEET_NUMBER, 2, "weight"},
		    {"หน่วยงานที่ต้องรายงาน", 12, SHEET_NUMBER, 0, "n_units"},
		    {"รอบที่เปิดแล้ว", 12, SHEET_NUMBER, 0, "periods_open"}};
		json_array_foreach(json_object_get(list, "indicators"), i, ind) json_object_set_new(
		    ind, "periods_open", json_integer((json_int_t)json_array_size(json_object_get(ind, "periods"))));
		char base[48];
		snprintf(base, sizeof base, "kpi-indicators-%d-%lld", fy, area);
		const struct export_list l = {title, base, (int)(sizeof cols / sizeof *cols), cols};
		return export_rows(r, f, &l, json_object_get(list, "indicators"), list);
	}
	export_links(r, list);
	return view_page(r, 200, "kpi/list", list);
}
/* ---- copying a year ------------------------------------------------------- */

int kpi_year_copy_post(struct req *r)
{
	int fy, rc = 0;
	long long area;
	if (!kpi_year_area(r, &fy, &area, &rc))
		return rc;
	const struct acc_grant *g = acc_active_grant(r);
	if (!kpi_may_create(g, area))
		return view_error(r, 403, "การคัดลอกตัวชี้วัดทำได้เฉพาะแอดมินเขตและเจ้าของตัวชี้วัด (เฉพาะของกลุ่มงานของตน)");
	if (!form_ok(r))
		return view_error(r, 422, "กรุณาระบุปีงบประมาณที่จะคัดลอกมา (พ.ศ.)");
	int from = (int)form_int(r, "from_year");
	struct err e = ERR_INIT;
	/* an owner copies his own work group's indicators only */
	long long wg = acc_grant_is(g, "kpi_owner") ? g->work_group_id : 0;
	long long n = kpi_indicator_copy_year(req_db(r), area, from, fy, wg, acc_user_id(r), &e);
	if (n < 0)
		return e.status == 400 ? view_error(r, 422, e.msg) : view_err(r, &e);
	kpi_audit(r, "kpi.indicator.copy_year", "area", area, area,
		  json_pack("{s:i, s:i, s:I}", "from", from, "to", fy, "copied", (json_int_t)n));
	char u[32], msg[512];
	snprintf(u, sizeof u, "/kpi/%d", fy);
	if (n)
		snprintf(msg, sizeof msg, "คัดลอกตัวชี้วัดจากปีงบประมาณ %d มาแล้ว %lld ตัวชี้วัด (ยังไม่ได้เปิดรอบรายงาน)", from, n);
	else
		snprintf(msg, sizeof msg, "ไม่มีตัวชี้วัดให้คัดลอกจากปีงบประมาณ %d (หรือคัดลอกมาครบแล้ว)", from);
	return view_redirect(r, u, msg);
}
