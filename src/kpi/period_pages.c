/* period_pages: an indicator's reporting periods (KPI-3) — opening one
 * with its due date, closing one no unit has saved to yet — and the units
 * that report for a period (KPI-4): schools of the area, all of them, or
 * the area office itself, added and removed while nothing is reported. */
#include <stdio.h>
#include <string.h>

#include "core/view.h"
#include "kpi/kpi_pages.h"

/* ---- periods (KPI-3) ----------------------------------------------------- */

/* The period of a POST, checked to be the user's to manage; NULL after
 * answering. */
static json_t *managed_period(struct req *r, long long pid)
{
	struct err e = ERR_INIT;
	json_t *p = pid > 0 ? kpi_period_get(req_db(r), pid, &e) : NULL;
	if (!p) {
		if (pid <= 0 || e.status == 404)
			view_error(r, 404, "ไม่พบรอบรายงานที่ระบุ");
		else
			view_err(r, &e);
		return NULL;
	}
	const struct acc_grant *g = acc_active_grant(r);
	long long area = json_integer_value(json_object_get(p, "area_id"));
	if (!kpi_may_view(g, area)) {
		json_decref(p);
		view_error(r, 404, "ไม่พบรอบรายงานที่ระบุ");
		return NULL;
	}
	if (!kpi_may_manage(g, area, json_integer_value(json_object_get(p, "work_group_id")))) {
		json_decref(p);
		view_error(r, 403, kpi_not_yours);
		return NULL;
	}
	return p;
}

/* What a period's POST needs of it, read by managed_period. */
struct period_ref {
	long long id, area, indicator;
	char title[128];
};

/* The :id period, checked to be the user's to manage; false after answering. */
static bool period_ref(struct req *r, struct period_ref *out)
{
	json_t *p = managed_period(r, req_param_id(r, "id"));
	if (!p)
		return false;
	out->indicator = json_integer_value(json_object_get(p, "indicator_id"));
	out->id = json_integer_value(json_object_get(p, "id"));
	out->area = json_integer_value(json_object_get(p, "area_id"));
	snprintf(out->title, sizeof out->title, "%s", json_string_value(json_object_get(p, "title")));
	json_decref(p);
	return true;
}

int kpi_period_open_post(struct req *r)
{
	struct period_ref pr;
	if (!period_ref(r, &pr))
		return 0;
	long long ind = pr.indicator, pid = pr.id, area = pr.area;
	const char *title = pr.title;
	struct err e = ERR_INIT;
	if (!form_ok(r))
		return kpi_indicator_page(r, 422, ind, "วันครบกำหนดส่งไม่ถูกต้อง กรุณากรอกเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2567");
	if (kpi_period_open(req_db(r), pid, form_value(r, "due_date"), acc_user_id(r), &e) < 0)
		return kpi_indicator_failed(r, ind, &e);
	kpi_audit(r, "kpi.period.open", "kpi_period", pid, area,
		  json_pack("{s:s}", "due_date", form_value(r, "due_date")));
	char u[64], msg[512];
	snprintf(u, sizeof u, "/kpi/indicators/%lld", ind);
	snprintf(msg, sizeof msg, "เปิดรอบรายงาน %s แล้ว กำหนดหน่วยงานผู้รายงานได้ที่ปุ่ม ⚙", title);
	return view_redirect(r, u, msg);
}

int kpi_period_close_post(struct req *r)
{
	struct period_ref pr;
	if (!period_ref(r, &pr))
		return 0;
	long long ind = pr.indicator, pid = pr.id, area = pr.area;
	struct err e = ERR_INIT;
	if (kpi_period_close(req_db(r), pid, &e) < 0)
		return kpi_indicator_failed(r, ind, &e);
	kpi_audit(r, "kpi.period.close", "kpi_period", pid, area, NULL);
	char u[64];
	snprintf(u, sizeof u, "/kpi/indicators/%lld", ind);
	return view_redirect(r, u, "ปิดรอบรายงานแล้ว");
}

/* ---- units of a period (KPI-4) ------------------------------------------- */

static int units_page(struct req *r, int status, long long pid, const char *error)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *p = pid > 0 ? kpi_period_get(db, pid, &e) : NULL;
	if (!p)
		return pid <= 0 || e.status == 404 ? view_error(r, 404, "ไม่พบรอบรายงานที่ระบุ") : view_err(r, &e);
	const struct acc_grant *g = acc_active_grant(r);
	long long area = json_integer_value(json_object_get(p, "area_id"));
	long long wg = json_integer_value(json_object_get(p, "work_group_id"));
	bool manage = kpi_may_manage(g, area, wg);
	if (!kpi_may_view(g, area) ||
	    (!strcmp(json_string_value(json_object_get(p, "indicator_status")), "hidden") && !manage)) {
		json_decref(p);
		return view_error(r, 404, "ไม่พบรอบรายงานที่ระบุ");
	}
	json_t *units = kpi_units(db, pid, &e);
	json_t *schools = units && manage ? kpi_area_units(db, area, &e) : json_array();
	if (!units || !schools) {
		json_decref(units);
		json_decref(p);
		return view_err(r, &e);
	}
	/* schools not assigned yet, for the checkboxes */
	json_t *taken = json_object();
	size_t i;
	json_t *u;
	bool area_taken = false;
	json_array_foreach(units, i, u)
	{
		long long sid = json_integer_value(json_object_get(u, "school_id"));
		char key[32];
		snprintf(key, sizeof key, "%lld", sid);
		json_object_set_new(taken, key, json_true());
		if (!sid)
			area_taken = true;
		json_object_set_new(u, "no", json_integer((json_int_t)i + 1));
		long long rid = json_integer_value(json_object_get(u, "report_id"));
		json_object_set_new(u, "delete_url", kpi_url_json("/kpi/periods/%lld/units/%lld/delete", pid, rid));
		json_object_set_new(u, "report_url", kpi_url_json("/kpi/reports/%lld", rid));
		json_object_set_new(u, "can_remove",
				    json_boolean(manage && json_is_true(json_object_get(u, "removable"))));
	}
	json_t *free_schools = json_array();
	json_array_foreach(schools, i, u)
	{
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(u, "id")));
		if (!json_object_get(taken, key))
			json_array_append(free_schools, u);
	}
	json_decref(taken);
	json_decref(schools);
	json_t *m = json_pack(
	    "{s:s, s:o, s:o, s:o, s:b, s:b, s:b, s:b, s:I, s:o, s:o}", "page_title", "กำหนดหน่วยงานผู้รายงาน", "period", p,
	    "units", units, "free_schools", free_schools, "can_manage", manage, "has_units", json_array_size(units) > 0,
	    "area_taken", area_taken, "has_free", json_array_size(free_schools) > 0, "unit_count",
	    (json_int_t)json_array_size(units), "indicator_url",
	    kpi_url_json("/kpi/indicators/%lld", json_integer_value(json_object_get(p, "indicator_id"))), "action",
	    kpi_url_json("/kpi/periods/%lld/units", pid));
	if (error)
		json_object_set_new(m, "error", json_string(error));
	return view_page(r, status, "kpi/units", m);
}

int kpi_units_get(struct req *r)
{
	return units_page(r, 200, req_param_id(r, "id"), NULL);
}

int kpi_units_post(struct req *r)
{
	struct period_ref pr;
	if (!period_ref(r, &pr))
		return 0;
	long long pid = pr.id, area = pr.area;
	if (!form_ok(r))
		return units_page(r, 422, pid, "รายการหน่วยงานที่เลือกไม่ถูกต้อง กรุณาเลือกใหม่");
	struct err e = ERR_INIT;
	bool all = !strcmp(form_value(r, "all_schools"), "1");
	bool area_unit = !strcmp(form_value(r, "area_unit"), "1");
	long long n = kpi_units_add(req_db(r), pid, form_values(r, "school_id"), all, area_unit, acc_user_id(r), &e);
	if (n < 0) {
		if (e.status >= 500 || !e.status)
			return view_err(r, &e);
		return units_page(r, e.status == 409 ? 409 : 422, pid, e.msg);
	}
	kpi_audit(r, "kpi.units.add", "kpi_period", pid, area,
		  json_pack("{s:I, s:b}", "added", (json_int_t)n, "all_schools", all));
	char u[64], msg[512];
	snprintf(u, sizeof u, "/kpi/periods/%lld/units", pid);
	snprintf(msg, sizeof msg, "เพิ่มหน่วยงานผู้รายงานแล้ว %lld หน่วยงาน", n);
	return view_redirect(r, u, msg);
}

int kpi_unit_delete_post(struct req *r)
{
	struct period_ref pr;
	if (!period_ref(r, &pr))
		return 0;
	long long pid = pr.id, area = pr.area;
	struct err e = ERR_INIT;
	long long rid = req_param_id(r, "rid");
	if (kpi_unit_remove(req_db(r), pid, rid, &e) < 0) {
		if (e.status >= 500 || !e.status)
			return view_err(r, &e);
		return units_page(r, e.status, pid, e.msg);
	}
	kpi_audit(r, "kpi.units.remove", "kpi_period", pid, area, json_pack("{s:I}", "report_id", (json_int_t)rid));
	char u[64];
	snprintf(u, sizeof u, "/kpi/periods/%lld/units", pid);
	return view_redirect(r, u, "ลบหน่วยงานออกจากรอบรายงานแล้ว");
}
