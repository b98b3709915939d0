/* routes: the pages of KPI-Online. Each handler reads the path, query or
 * declared form, asks access.c whether the active grant may do it, calls
 * the module's storage and answers through view.h, so every page is also
 * JSON. Unsafe methods run in the server's transaction, committed
 * only when the answer is a success: a refused save, review or assignment
 * changes nothing.
 *
 *   GET  /kpi                          → the user's fiscal year
 *   GET  /kpi/years, POST /kpi/years   year picker (KPI-1)
 *   GET  /kpi/stats/:year[/xlsx|/pdf]  public statistics, aggregates only (KPI-8)
 *   GET  /kpi/:year                    indicator list with [ยื่น/ตรวจ/ทั้งหมด] (KPI-7)
 *   GET  /kpi/:year/new, POST          new indicator (KPI-2)
 *   POST /kpi/:year/copy               copy another year's indicators
 *   GET  /kpi/:year/stats[/xlsx|/pdf]  yearly statistics with units (KPI-8)
 *   GET  /kpi/indicators/:id           one indicator, its files and periods
 *   GET  /kpi/indicators/:id/edit, POST, POST …/status, …/files, …/files/:fid/delete
 *   GET  /kpi/indicators/:id/files/:fid
 *   GET  /kpi/indicators/:id/matrix    all periods × units (KPI-7)
 *   POST /kpi/periods/:id/open, …/close  (KPI-3)
 *   GET  /kpi/periods/:id/units, POST, POST …/units/:rid/delete  (KPI-4)
 *   GET  /kpi/admin/people, POST, POST …/:gid/revoke  KPI roles (people.c)
 *   GET  /kpi/reports/:id, POST (save / confirm), POST …/unconfirm,
 *        …/review, …/unreview, GET …/files/:fid  (KPI-5, KPI-6)
 *
 * The area a page is about is the active grant's; a super admin names it
 * with ?area=. Records of another area answer 404, as if they did not
 * exist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "acc/acc.h"
#include "core/audit.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/form.h"
#include "core/log.h"
#include "core/thai.h"
#include "core/view.h"
#include "kpi/kpi_internal.h"
#include "org/org.h"

static const char no_area[] = "บัญชีนี้ยังไม่มีบทบาทในสำนักงานเขตพื้นที่หรือสถานศึกษา จึงยังใช้ KPI-Online ไม่ได้ "
			      "กรุณาขอสิทธิ์การใช้งานจากแอดมินเขต";
static const char not_yours[] = "ท่านไม่มีสิทธิ์ดำเนินการกับตัวชี้วัดนี้ (จัดการได้เฉพาะกลุ่มงานเจ้าของตัวชี้วัดและแอดมินเขต)";
static const char bad_year[] = "ไม่พบปีงบประมาณที่ระบุ (ต้องเป็นปี พ.ศ. เช่น 2567)";

/* ---- forms --------------------------------------------------------------- */

static const struct choice type_choices[] = {
    {"level5", "ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)"},
    {"percent", "ร้อยละ (0 - 100)"},
    {"yesno", "ผ่าน/ไม่ผ่าน (0 - 1)"},
    {NULL, NULL},
};
static const struct choice kind_choices[] = {
    {"monthly", "รายเดือน (ตุลาคม … กันยายน, 12 รอบ)"},
    {"quarterly", "รายไตรมาส (ไตรมาสที่ 1–4)"},
    {"half", "รายครึ่งปี (รอบ 6 เดือน, รอบ 12 เดือน)"},
    {"once", "1 ครั้ง (เก็บ 1 ครั้ง)"},
    {NULL, NULL},
};
static const struct choice status_choices[] = {
    {"open", "Open — แสดงและเปิดรับรายงาน"},
    {"close", "Close — แสดงผล แต่ปิดรับรายงาน"},
    {"hidden", "ปิดการมองเห็น (ซ่อน)"},
    {NULL, NULL},
};

static const struct field indicator_form[] = {
    /* shown to a super admin only, who has no area of his own */
    {.name = "area_id", .label = "สำนักงานเขตพื้นที่การศึกษา", .type = FT_INT, .min = 0, .max = 1LL << 60},
    {.name = "number", .label = "เลขตัวชี้วัด", .type = FT_TEXT, .flags = F_REQUIRED, .max = 20, .hint = "เช่น 1 หรือ 2.1"},
    {.name = "name", .label = "ชื่อตัวชี้วัด", .type = FT_TEXTAREA, .flags = F_REQUIRED, .max = 500},
    {.name = "description", .label = "รายละเอียดตัวชี้วัด", .type = FT_TEXTAREA, .max = 5000},
    {.name = "d1", .label = "D1", .type = FT_TEXT, .max = 20, .hint = "รหัสมิติ (ไม่บังคับ)"},
    {.name = "d2", .label = "D2", .type = FT_TEXT, .max = 20},
    {.name = "d3", .label = "D3", .type = FT_TEXT, .max = 20},
    {.name = "d4", .label = "D4", .type = FT_TEXT, .max = 20},
    {.name = "type", .label = "ประเภทตัวชี้วัด", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = type_choices},
    {.name = "weight", .label = "ค่าน้ำหนัก", .type = FT_TEXT, .max = 10, .hint = "0–100 ทศนิยมได้ 2 ตำแหน่ง ว่างไว้ = 1"},
    {.name = "criteria",
     .label = "เกณฑ์ (ระดับคะแนน)",
     .type = FT_TEXT,
     .max = 200,
     .hint = "ระดับจากน้อยไปมาก คั่นด้วยจุลภาค เช่น 2, 3, 4, 5"},
    {.name = "period_kind",
     .label = "ลักษณะการเปิดใช้งาน (รอบรายงาน)",
     .type = FT_CHOICE,
     .flags = F_REQUIRED,
     .choices = kind_choices},
    {.name = "work_group_id", .label = "กลุ่มงานเจ้าของตัวชี้วัด", .type = FT_INT, .flags = F_REQUIRED, .min = 1},
    {.name = "status", .label = "สถานะตัวชี้วัด", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = status_choices},
    {NULL},
};

static const struct field status_form[] = {
    {.name = "status", .label = "สถานะตัวชี้วัด", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = status_choices},
    {NULL},
};

static const struct field ind_file_form[] = {
    {.name = "slot", .label = "ช่องเอกสาร", .type = FT_INT, .flags = F_REQUIRED, .min = 1, .max = 20},
    {.name = "description", .label = "คำอธิบายเอกสาร", .type = FT_TEXT, .max = 500},
    {.name = "file", .label = "ไฟล์เอกสาร", .type = FT_FILE, .flags = F_REQUIRED},
    {NULL},
};

static const struct field empty_form[] = {{NULL}};

static const struct field year_form[] = {
    {.name = "fiscal_year",
     .label = "ปีงบประมาณ",
     .type = FT_INT,
     .flags = F_REQUIRED,
     .min = KPI_YEAR_MIN,
     .max = KPI_YEAR_MAX},
    {NULL},
};

static const struct field copy_form[] = {
    {.name = "from_year",
     .label = "คัดลอกจากปีงบประมาณ",
     .type = FT_INT,
     .flags = F_REQUIRED,
     .min = KPI_YEAR_MIN,
     .max = KPI_YEAR_MAX},
    {NULL},
};

static const struct field open_form[] = {
    {.name = "due_date", .label = "วันครบกำหนดส่ง", .type = FT_DATE, .hint = "ว่างไว้ = วันสุดท้ายของรอบ"},
    {NULL},
};

static const struct field units_form[] = {
    {.name = "school_id",
     .label = "หน่วยงานผู้รายงาน",
     .type = FT_TEXT,
     .flags = F_MULTI,
     .max = 18,
     .pattern = "[0-9]{1,18}",
     .pattern_msg = "รหัสหน่วยงานไม่ถูกต้อง"},
    {.name = "all_schools", .label = "เลือกโรงเรียนทั้งหมด", .type = FT_CHECKBOX},
    {.name = "area_unit", .label = "สำนักงานเขตพื้นที่การศึกษา (รายงานเอง)", .type = FT_CHECKBOX},
    {NULL},
};

static const struct field review_form[] = {
    {.name = "review_score", .label = "คะแนนผลการประเมิน", .type = FT_TEXT, .max = 20},
    {NULL},
};

static const struct choice confirm_choices[] = {
    {"0", "ยังไม่ยืนยันผลตัวชี้วัด (บันทึกไว้ก่อน แก้ไขได้)"},
    {"1", "ยืนยันผลตัวชี้วัด (ส่งให้ตรวจสอบ)"},
    {NULL, NULL},
};

#define F_DESC(n)                                                                                                      \
	{                                                                                                              \
		.name = "desc_" #n, .label = "คำอธิบายไฟล์ลำดับที่ " #n, .type = FT_TEXTAREA, .max = KPI_FILE_DESC_MAX      \
	}
#define F_REMOVE(n)                                                                                                    \
	{                                                                                                              \
		.name = "remove_" #n, .label = "ลบไฟล์ลำดับที่ " #n, .type = FT_CHECKBOX                                   \
	}
#define F_NEWFILE(n)                                                                                                   \
	{                                                                                                              \
		.name = "new_file_" #n, .label = "ไฟล์ใหม่ " #n, .type = FT_FILE                                         \
	}
#define F_NEWDESC(n)                                                                                                   \
	{                                                                                                              \
		.name = "new_desc_" #n, .label = "คำอธิบายไฟล์ใหม่ " #n, .type = FT_TEXTAREA, .max = KPI_FILE_DESC_MAX    \
	}

static const struct field report_form[] = {
    F_DESC(1),
    F_DESC(2),
    F_DESC(3),
    F_DESC(4),
    F_DESC(5),
    F_DESC(6),
    F_DESC(7),
    F_DESC(8),
    F_DESC(9),
    F_DESC(10),
    F_REMOVE(1),
    F_REMOVE(2),
    F_REMOVE(3),
    F_REMOVE(4),
    F_REMOVE(5),
    F_REMOVE(6),
    F_REMOVE(7),
    F_REMOVE(8),
    F_REMOVE(9),
    F_REMOVE(10),
    F_NEWFILE(1),
    F_NEWFILE(2),
    F_NEWFILE(3),
    F_NEWFILE(4),
    F_NEWFILE(5),
    F_NEWFILE(6),
    F_NEWFILE(7),
    F_NEWFILE(8),
    F_NEWFILE(9),
    F_NEWFILE(10),
    F_NEWFILE(11),
    F_NEWDESC(1),
    F_NEWDESC(2),
    F_NEWDESC(3),
    F_NEWDESC(4),
    F_NEWDESC(5),
    F_NEWDESC(6),
    F_NEWDESC(7),
    F_NEWDESC(8),
    F_NEWDESC(9),
    F_NEWDESC(10),
    F_NEWDESC(11),
    {.name = "self_score", .label = "คะแนนประเมินตนเอง", .type = FT_TEXT, .max = 20},
    {.name = "confirm", .label = "การยืนยันผล", .type = FT_CHOICE, .choices = confirm_choices},
    /* the reviewer's field, posted to …/review: listed so that the page's
     * error summary links to it */
    {.name = "review_score", .label = "คะแนนผลการประเมิน", .type = FT_TEXT, .max = 20},
    {NULL},
};
/* new_file_11 is declared so that an eleventh upload is read and refused
 * with a clear message instead of being silently dropped. */
#define NEW_FILE_SLOTS 11

/* ---- helpers ------------------------------------------------------------- */

static long long user_id(struct req *r)
{
	return acc_user_id(r);
}

/* The area the page is about: the grant's, or ?area= for a super admin
 * (the first area when none is named); 0 when the user has no area. */
static long long area_of(struct req *r)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (!g)
		return 0;
	if (g->scope != SCOPE_NATIONAL)
		return g->area_id;
	long long a = req_query_int(r, "area", 0, 0, 1LL << 60);
	if (a > 0)
		return a;
	long long first = 0;
	struct err e = ERR_INIT;
	db_int_value(req_db(r), "SELECT id FROM areas ORDER BY id LIMIT 1", NULL, 0, &first, &e);
	return first;
}

static int year_param(struct req *r)
{
	const char *s = req_param(r, "year");
	char *end;
	long long y = strtoll(s, &end, 10);
	if (!*s || *end || !kpi_year_valid(y))
		return -1;
	return (int)y;
}

/* The fiscal year of the path and the page's area (area_of); false after
 * answering 404 or 403, with the answer in *answered. */
static bool year_area(struct req *r, int *fy, long long *area, int *answered)
{
	*fy = year_param(r);
	if (*fy < 0) {
		*answered = view_error(r, 404, bad_year);
		return false;
	}
	*area = area_of(r);
	if (!*area) {
		*answered = view_error(r, 403, no_area);
		return false;
	}
	return true;
}

static void audit(struct req *r, const char *action, const char *target_type, long long target_id, long long area_id,
		  json_t *detail)
{
	const struct acc_grant *g = acc_active_grant(r);
	struct audit_entry a = {
	    .actor_user_id = user_id(r),
	    .actor_role = g ? g->role : "",
	    .area_id = area_id,
	    .ip = req_client_ip(r),
	    .action = action,
	    .target_type = target_type,
	    .target_id = target_id,
	    .detail = detail,
	};
	struct err e = ERR_INIT;
	if (audit_add(req_db(r), &a, &e) < 0)
		log_error("req %s: audit %s: %s", req_id(r), action, e.msg);
	json_decref(detail);
}

static json_t *url_json(const char *fmt, long long a, long long b)
{
	char u[128];
	snprintf(u, sizeof u, fmt, a, b);
	return json_string(u);
}

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

static bool may_create(const struct acc_grant *g, long long area_id)
{
	if (acc_grant_is(g, "kpi_owner"))
		return g->work_group_id > 0 && kpi_may_manage(g, area_id, g->work_group_id);
	/* the area admin and super admin manage any work group's */
	return kpi_may_manage(g, area_id, -1);
}

/* An indicator the user may see, or NULL after answering 404. */
static json_t *indicator_for(struct req *r, long long id, bool *can_manage)
{
	struct err e = ERR_INIT;
	json_t *ind = id > 0 ? kpi_indicator_get(req_db(r), id, &e) : NULL;
	if (!ind) {
		if (id <= 0 || e.status == 404)
			view_error(r, 404, "ไม่พบตัวชี้วัดที่ระบุ");
		else
			view_err(r, &e);
		return NULL;
	}
	const struct acc_grant *g = acc_active_grant(r);
	long long area = json_integer_value(json_object_get(ind, "area_id"));
	long long wg = json_integer_value(json_object_get(ind, "work_group_id"));
	bool manage = kpi_may_manage(g, area, wg);
	if (!kpi_may_view(g, area) || (json_is_true(json_object_get(ind, "is_hidden")) && !manage)) {
		json_decref(ind);
		view_error(r, 404, "ไม่พบตัวชี้วัดที่ระบุ");
		return NULL;
	}
	if (can_manage)
		*can_manage = manage;
	return ind;
}

/* Sets key on the field named name of a form model. */
static void field_set(json_t *form, const char *name, const char *key, json_t *value)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(form, "fields"), i, f)
	{
		if (!strcmp(json_string_value(json_object_get(f, "name")), name)) {
			json_object_set(f, key, value);
			break;
		}
	}
	json_decref(value);
}

/* ---- year picker (KPI-1) ------------------------------------------------- */

static int kpi_home(struct req *r)
{
	int fy = kpi_user_year(req_db(r), user_id(r), (long long)time(NULL));
	char u[32];
	snprintf(u, sizeof u, "/kpi/%d", fy);
	return view_redirect(r, u, NULL);
}

static int years_page(struct req *r, int status)
{
	struct db *db = req_db(r);
	long long now = (long long)time(NULL);
	int current = thai_fiscal_year(now);
	int chosen = kpi_user_year(db, user_id(r), now);
	long long area = area_of(r);
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
	json_object_set_new(m, "form", form_model(r, year_form, NULL));
	return view_page(r, status, "kpi/years", m);
}

static int years_get(struct req *r)
{
	return years_page(r, 200);
}

static int years_post(struct req *r)
{
	if (!form_ok(r))
		return years_page(r, 422);
	int fy = (int)form_int(r, "fiscal_year");
	struct err e = ERR_INIT;
	if (kpi_user_year_set(req_db(r), user_id(r), fy, &e) < 0) {
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

static int list_page(struct req *r)
{
	int fy, rc = 0;
	long long area;
	if (!year_area(r, &fy, &area, &rc))
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
		json_object_set_new(ind, "url", url_json("/kpi/indicators/%lld", id, 0));
		json_object_set_new(ind, "matrix_url", url_json("/kpi/indicators/%lld/matrix", id, 0));
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
			    my ? url_json("/kpi/reports/%lld", json_integer_value(json_object_get(my, "report_id")), 0)
			       : json_null());
			json_object_set(p, "my_status", my ? json_object_get(my, "status_label") : json_null());
			json_object_set_new(p, "units_url",
					    manage ? url_json("/kpi/periods/%lld/units", pid, 0) : json_null());
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
	json_object_set_new(list, "can_create", json_boolean(may_create(g, area)));
	json_object_set_new(list, "can_copy", json_boolean(may_create(g, area)));
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
		    url_json("/kpi/reports/%lld", json_integer_value(json_object_get(d, "report_id")), 0));
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
	return view_page(r, 200, "kpi/list", list);
}

/* ---- indicator create / edit (KPI-2) ------------------------------------- */

/* The work-group select: the area's groups (a kpi_owner sees only his). */
static int work_group_choices(struct req *r, json_t *form, long long area, const char *selected, struct err *e)
{
	const struct acc_grant *g = acc_active_grant(r);
	json_t *groups = org_work_groups(req_db(r), area, e);
	if (!groups)
		return -1;
	json_t *cs = json_array();
	json_array_append_new(cs,
			      json_pack("{s:s, s:s, s:b}", "value", "", "label", "— เลือก —", "selected", !*selected));
	size_t i;
	json_t *w;
	json_array_foreach(groups, i, w)
	{
		long long id = json_integer_value(json_object_get(w, "id"));
		if (acc_grant_is(g, "kpi_owner") && g->work_group_id != id)
			continue;
		char v[32];
		snprintf(v, sizeof v, "%lld", id);
		json_array_append_new(cs, json_pack("{s:s, s:O, s:b}", "value", v, "label", json_object_get(w, "name"),
						    "selected", !strcmp(v, selected)));
	}
	json_decref(groups);
	field_set(form, "work_group_id", "is_select", json_true());
	field_set(form, "work_group_id", "choices", cs);
	field_set(form, "work_group_id", "inputmode", json_null());
	field_set(form, "work_group_id", "maxlength", json_null());
	return 0;
}

/* Removes a field from a form model (one that is not for this user). */
static int field_drop(json_t *form, const char *name)
{
	json_t *fields = json_object_get(form, "fields");
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f)
	{
		if (!strcmp(json_string_value(json_object_get(f, "name")), name)) {
			json_array_remove(fields, i);
			break;
		}
	}
	return 0;
}

/* The area select of a super admin's new indicator: every area, the one
 * whose work groups the form lists chosen. */
static int area_choices(struct req *r, json_t *form, long long area, struct err *e)
{
	json_t *areas = org_areas_list(req_db(r), e);
	if (!areas)
		return -1;
	json_t *cs = json_array();
	json_array_append_new(cs, json_pack("{s:s, s:s, s:b}", "value", "", "label", "— เลือก —", "selected", 0));
	size_t i;
	json_t *a;
	json_array_foreach(areas, i, a)
	{
		long long id = json_integer_value(json_object_get(a, "id"));
		char v[32];
		snprintf(v, sizeof v, "%lld", id);
		json_array_append_new(cs, json_pack("{s:s, s:O, s:b}", "value", v, "label", json_object_get(a, "name"),
						    "selected", id == area));
	}
	json_decref(areas);
	field_set(form, "area_id", "is_select", json_true());
	field_set(form, "area_id", "choices", cs);
	field_set(form, "area_id", "inputmode", json_null());
	field_set(form, "area_id", "maxlength", json_null());
	field_set(form, "area_id", "required", json_true());
	field_set(form, "area_id", "hint",
		  json_string("กลุ่มงานด้านล่างเป็นของเขตที่เลือกอยู่ หากเปลี่ยนเขต ให้บันทึกแล้วเลือกกลุ่มงานของเขตใหม่"));
	return 0;
}

static int indicator_form_page(struct req *r, int status, long long area, int fy, json_t *ind)
{
	json_t *values = json_object();
	if (ind) {
		static const char *const keys[] = {"number",	  "name",  "description", "d1",	    "d2",
						   "d3",	  "d4",	   "type",	  "weight", "criteria_text",
						   "period_kind", "status"};
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
			json_object_set(values, strcmp(keys[i], "criteria_text") ? keys[i] : "criteria",
					json_object_get(ind, keys[i]));
		char wg[32];
		snprintf(wg, sizeof wg, "%lld", (long long)json_integer_value(json_object_get(ind, "work_group_id")));
		json_object_set_new(values, "work_group_id", json_string(wg));
	} else {
		json_object_set_new(values, "type", json_string("level5"));
		json_object_set_new(values, "status", json_string("open"));
		json_object_set_new(values, "criteria", json_string("2, 3, 4, 5"));
		const struct acc_grant *g = acc_active_grant(r);
		if (acc_grant_is(g, "kpi_owner")) {
			char wg[32];
			snprintf(wg, sizeof wg, "%lld", g->work_group_id);
			json_object_set_new(values, "work_group_id", json_string(wg));
		}
	}
	const struct acc_grant *ag = acc_active_grant(r);
	bool choose_area = !ind && acc_grant_is(ag, "super_admin");
	if (choose_area) {
		char a[32];
		snprintf(a, sizeof a, "%lld", area);
		json_object_set_new(values, "area_id", json_string(a));
	}
	json_t *form = form_model(r, indicator_form, values);
	json_decref(values);
	struct err e = ERR_INIT;
	if (choose_area ? area_choices(r, form, area, &e) < 0 : field_drop(form, "area_id") < 0) {
		json_decref(form);
		return view_err(r, &e);
	}
	const char *sel = json_string_value(json_object_get(json_object_get(form, "values"), "work_group_id"));
	if (work_group_choices(r, form, area, sel ? sel : "", &e) < 0) {
		json_decref(form);
		return view_err(r, &e);
	}
	char title[512], action[64];
	if (ind) {
		snprintf(title, sizeof title, "แก้ไขตัวชี้วัด %s ปีงบประมาณ %d",
			 json_string_value(json_object_get(ind, "number")), fy);
		snprintf(action, sizeof action, "/kpi/indicators/%lld/edit",
			 (long long)json_integer_value(json_object_get(ind, "id")));
	} else {
		snprintf(title, sizeof title, "กำหนดตัวชี้วัด ปีงบประมาณ %d", fy);
		snprintf(action, sizeof action, "/kpi/%d/new", fy);
	}
	json_t *m = json_pack("{s:s, s:o, s:s, s:i, s:b}", "page_title", title, "form", form, "action", action,
			      "fiscal_year", fy, "editing", ind != NULL);
	if (ind)
		json_object_set(m, "indicator", ind);
	return view_page(r, status, "kpi/indicator_form", m);
}

static void indicator_in(struct req *r, struct kpi_indicator_in *in)
{
	memset(in, 0, sizeof *in);
	in->d1 = form_value(r, "d1");
	in->d2 = form_value(r, "d2");
	in->d3 = form_value(r, "d3");
	in->d4 = form_value(r, "d4");
	in->number = form_value(r, "number");
	in->name = form_value(r, "name");
	in->description = form_value(r, "description");
	in->type = form_value(r, "type");
	in->weight = form_value(r, "weight");
	in->criteria = form_value(r, "criteria");
	in->kind = form_value(r, "period_kind");
	in->status = form_value(r, "status");
	in->work_group_id = form_int(r, "work_group_id");
}

static int new_get(struct req *r)
{
	int fy, rc = 0;
	long long area;
	if (!year_area(r, &fy, &area, &rc))
		return rc;
	if (!may_create(acc_active_grant(r), area))
		return view_error(r, 403, "ท่านไม่มีสิทธิ์กำหนดตัวชี้วัด (เฉพาะเจ้าของตัวชี้วัดของกลุ่มงานและแอดมินเขต)");
	return indicator_form_page(r, 200, area, fy, NULL);
}

static int new_post(struct req *r)
{
	int fy, rc = 0;
	long long area;
	if (!year_area(r, &fy, &area, &rc))
		return rc;
	const struct acc_grant *g = acc_active_grant(r);
	if (!may_create(g, area))
		return view_error(r, 403, "ท่านไม่มีสิทธิ์กำหนดตัวชี้วัด (เฉพาะเจ้าของตัวชี้วัดของกลุ่มงานและแอดมินเขต)");
	if (acc_grant_is(g, "super_admin")) {
		/* a super admin has no area of his own: the form names it */
		long long chosen = form_int(r, "area_id");
		struct err ae = ERR_INIT;
		json_t *row = chosen > 0 ? org_area_get(req_db(r), chosen, &ae) : NULL;
		if (!row && chosen > 0 && ae.status >= 500)
			return view_err(r, &ae);
		json_decref(row);
		if (!row) {
			form_error(r, "area_id", "กรุณาเลือกสำนักงานเขตพื้นที่การศึกษาที่ตัวชี้วัดนี้สังกัด");
			return indicator_form_page(r, 422, area, fy, NULL);
		}
		area = chosen;
	}
	if (!form_ok(r))
		return indicator_form_page(r, 422, area, fy, NULL);
	struct kpi_indicator_in in;
	indicator_in(r, &in);
	if (!kpi_may_manage(g, area, in.work_group_id)) {
		form_error(r, "work_group_id", "เลือกได้เฉพาะกลุ่มงานของท่าน");
		return indicator_form_page(r, 422, area, fy, NULL);
	}
	struct err e = ERR_INIT;
	long long id = kpi_indicator_create(req_db(r), area, fy, &in, user_id(r), &e);
	if (id < 0) {
		if (e.status >= 500 || !e.status)
			return view_err(r, &e);
		form_error_err(r, &e);
		return indicator_form_page(r, 422, area, fy, NULL);
	}
	audit(r, "kpi.indicator.create", "kpi_indicator", id, area,
	      json_pack("{s:s, s:s, s:i}", "number", in.number, "name", in.name, "fiscal_year", fy));
	char u[64];
	snprintf(u, sizeof u, "/kpi/indicators/%lld", id);
	return view_redirect(r, u, "บันทึกตัวชี้วัดแล้ว เปิดรอบรายงานและกำหนดหน่วยงานผู้รายงานได้ที่หน้านี้");
}

static int edit_get(struct req *r)
{
	bool manage = false;
	json_t *ind = indicator_for(r, req_param_id(r, "id"), &manage);
	if (!ind)
		return 0;
	if (!manage) {
		json_decref(ind);
		return view_error(r, 403, not_yours);
	}
	long long area = json_integer_value(json_object_get(ind, "area_id"));
	int fy = (int)json_integer_value(json_object_get(ind, "fiscal_year"));
	int rc = indicator_form_page(r, 200, area, fy, ind);
	json_decref(ind);
	return rc;
}

static int edit_post(struct req *r)
{
	bool manage = false;
	json_t *ind = indicator_for(r, req_param_id(r, "id"), &manage);
	if (!ind)
		return 0;
	int rc;
	long long id = json_integer_value(json_object_get(ind, "id"));
	long long area = json_integer_value(json_object_get(ind, "area_id"));
	int fy = (int)json_integer_value(json_object_get(ind, "fiscal_year"));
	if (!manage) {
		rc = view_error(r, 403, not_yours);
		goto out;
	}
	if (!form_ok(r)) {
		rc = indicator_form_page(r, 422, area, fy, ind);
		goto out;
	}
	struct kpi_indicator_in in;
	indicator_in(r, &in);
	if (!kpi_may_manage(acc_active_grant(r), area, in.work_group_id)) {
		form_error(r, "work_group_id", "เลือกได้เฉพาะกลุ่มงานของท่าน");
		rc = indicator_form_page(r, 422, area, fy, ind);
		goto out;
	}
	struct err e = ERR_INIT;
	if (kpi_indicator_update(req_db(r), id, &in, user_id(r), &e) < 0) {
		if (e.status >= 500 || !e.status) {
			rc = view_err(r, &e);
			goto out;
		}
		form_error_err(r, &e);
		rc = indicator_form_page(r, 422, area, fy, ind);
		goto out;
	}
	audit(r, "kpi.indicator.update", "kpi_indicator", id, area,
	      json_pack("{s:s, s:s}", "number", in.number, "status", in.status));
	char u[64];
	snprintf(u, sizeof u, "/kpi/indicators/%lld", id);
	rc = view_redirect(r, u, "บันทึกการแก้ไขตัวชี้วัดแล้ว");
out:
	json_decref(ind);
	return rc;
}

/* ---- one indicator: files, periods, status ------------------------------ */

static int indicator_page(struct req *r, int status, long long id, const char *error)
{
	bool manage = false;
	json_t *ind = indicator_for(r, id, &manage);
	if (!ind)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *files = kpi_indicator_files(db, id, &e);
	json_t *periods = files ? kpi_periods(db, id, &e) : NULL;
	if (!periods) {
		json_decref(files);
		json_decref(ind);
		return view_err(r, &e);
	}
	size_t i;
	json_t *x;
	json_array_foreach(files, i, x)
	{
		json_object_set_new(
		    x, "url",
		    url_json("/kpi/indicators/%lld/files/%lld", id, json_integer_value(json_object_get(x, "id"))));
		json_object_set_new(x, "delete_url",
				    url_json("/kpi/indicators/%lld/files/%lld/delete", id,
					     json_integer_value(json_object_get(x, "id"))));
	}
	json_array_foreach(periods, i, x)
	{
		long long pid = json_integer_value(json_object_get(x, "id"));
		json_object_set_new(x, "open_url", url_json("/kpi/periods/%lld/open", pid, 0));
		json_object_set_new(x, "close_url", url_json("/kpi/periods/%lld/close", pid, 0));
		json_object_set_new(x, "units_url", url_json("/kpi/periods/%lld/units", pid, 0));
		json_object_set_new(x, "closable",
				    json_boolean(json_is_true(json_object_get(x, "opened")) &&
						 json_integer_value(json_object_get(x, "n_saved")) == 0));
	}
	/* the attachment slots not used yet, for the upload select */
	json_t *slots = json_array();
	for (int s = 1; s <= KPI_IND_FILES_MAX; s++) {
		bool used = false;
		json_array_foreach(files, i, x) if (json_integer_value(json_object_get(x, "slot")) == s) used = true;
		struct buf b = BUF_INIT;
		json_array_append_new(
		    slots, json_pack("{s:i, s:s, s:b}", "slot", s, "label", kpi_ind_file_label(s, &b), "used", used));
		buf_release(&b);
	}
	long long area = json_integer_value(json_object_get(ind, "area_id"));
	long long wg = json_integer_value(json_object_get(ind, "work_group_id"));
	char title[512];
	snprintf(title, sizeof title, "ตัวชี้วัด %s ปีงบประมาณ %lld", json_string_value(json_object_get(ind, "number")),
		 (long long)json_integer_value(json_object_get(ind, "fiscal_year")));
	json_t *m = json_pack("{s:s, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:o, s:o, s:o}", "page_title", title,
			      "indicator", ind, "files", files, "periods", periods, "slots", slots, "can_manage",
			      manage, "can_review", kpi_may_review(acc_active_grant(r), area, wg), "has_files",
			      json_array_size(files) > 0, "edit_url", url_json("/kpi/indicators/%lld/edit", id, 0),
			      "matrix_url", url_json("/kpi/indicators/%lld/matrix", id, 0), "list_url",
			      url_json("/kpi/%lld", json_integer_value(json_object_get(ind, "fiscal_year")), 0));
	json_object_set_new(m, "status_url", url_json("/kpi/indicators/%lld/status", id, 0));
	json_object_set_new(m, "files_url", url_json("/kpi/indicators/%lld/files", id, 0));
	json_t *sc = json_array();
	for (const struct choice *c = status_choices; c->value; c++)
		json_array_append_new(sc,
				      json_pack("{s:s, s:s, s:b}", "value", c->value, "label", c->label, "selected",
						!strcmp(c->value, json_string_value(json_object_get(ind, "status")))));
	json_object_set_new(m, "status_choices", sc);
	if (error)
		json_object_set_new(m, "error", json_string(error));
	return view_page(r, status, "kpi/indicator", m);
}

static int indicator_get(struct req *r)
{
	return indicator_page(r, 200, req_param_id(r, "id"), NULL);
}

/* An indicator POST that the user may manage; NULL after answering. */
static json_t *managed_indicator(struct req *r, long long id)
{
	bool manage = false;
	json_t *ind = indicator_for(r, id, &manage);
	if (ind && !manage) {
		json_decref(ind);
		view_error(r, 403, not_yours);
		return NULL;
	}
	return ind;
}

/* Answers a failed POST on an indicator: its page with the message. */
static int indicator_failed(struct req *r, long long id, const struct err *e)
{
	if (e->status >= 500 || !e->status)
		return view_err(r, e);
	return indicator_page(r, e->status == 409 ? 409 : 422, id, e->msg);
}

static int status_post(struct req *r)
{
	long long id = req_param_id(r, "id");
	json_t *ind = managed_indicator(r, id);
	if (!ind)
		return 0;
	long long area = json_integer_value(json_object_get(ind, "area_id"));
	json_decref(ind);
	struct err e = ERR_INIT;
	if (!form_ok(r))
		return indicator_page(r, 422, id, "กรุณาเลือกสถานะตัวชี้วัด (Open, Close หรือปิดการมองเห็น)");
	const char *st = form_value(r, "status");
	if (kpi_indicator_set_status(req_db(r), id, st, &e) < 0)
		return indicator_failed(r, id, &e);
	audit(r, "kpi.indicator.status", "kpi_indicator", id, area, json_pack("{s:s}", "status", st));
	char u[64];
	snprintf(u, sizeof u, "/kpi/indicators/%lld", id);
	int k = kpi_ind_status_parse(st);
	struct buf msg = BUF_INIT;
	buf_addf(&msg, "เปลี่ยนสถานะตัวชี้วัดเป็น %s แล้ว", kpi_ind_status_label((enum kpi_ind_status)k));
	int rc = view_redirect(r, u, buf_cstr(&msg));
	buf_release(&msg);
	return rc;
}

static const char *ext_of(const char *mime)
{
	return !strcmp(mime, "application/pdf") ? ".pdf" : !strcmp(mime, "image/png") ? ".png" : ".jpg";
}

/* A fresh path under DATA/kpi/<sub>/<id>/ for an upload, folders made. */
static int upload_path(const char *sub, long long id, const char *mime, struct buf *out, struct err *e)
{
	const char *data = http_settings()->data_dir;
	struct buf dir = BUF_INIT;
	buf_addf(&dir, "%s/kpi", data);
	mkdir(buf_cstr(&dir), 0750);
	buf_addf(&dir, "/%s", sub);
	mkdir(buf_cstr(&dir), 0750);
	buf_addf(&dir, "/%lld", id);
	int rc = 0;
	if (mkdir(buf_cstr(&dir), 0750) < 0 && access(buf_cstr(&dir), W_OK) < 0)
		rc = err_set(e, 500, "mkdir %s failed", buf_cstr(&dir));
	unsigned char rnd[12];
	char hex[25];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	buf_addf(out, "%s/%s%s", buf_cstr(&dir), hex, ext_of(mime));
	buf_release(&dir);
	return rc;
}

static int ind_file_post(struct req *r)
{
	long long id = req_param_id(r, "id");
	json_t *ind = managed_indicator(r, id);
	if (!ind)
		return 0;
	long long area = json_integer_value(json_object_get(ind, "area_id"));
	json_decref(ind);
	struct err e = ERR_INIT;
	if (!form_ok(r)) {
		const char *msg = "กรุณาเลือกช่องเอกสารและแนบไฟล์ (PDF, PNG หรือ JPG ไม่เกิน 5 MB)";
		json_t *errs = form_model(r, ind_file_form, NULL);
		json_t *fe = json_object_get(json_object_get(errs, "errors"), "file");
		if (!fe)
			fe = json_object_get(json_object_get(errs, "errors"), "slot");
		int rc = indicator_page(r, 422, id, fe ? json_string_value(fe) : msg);
		json_decref(errs);
		return rc;
	}
	long long slot = form_int(r, "slot");
	if (kpi_ind_file_slot_check(slot, &e) < 0)
		return indicator_failed(r, id, &e);
	const struct form_file *ff = form_file(r, "file");
	struct buf dest = BUF_INIT;
	char *filename = xstrdup(ff->filename), *mime = xstrdup(ff->mime);
	long long size = ff->size;
	int rc;
	if (upload_path("indicators", id, mime, &dest, &e) < 0 || form_file_keep(r, "file", buf_cstr(&dest), &e) < 0) {
		rc = view_err(r, &e);
		goto out;
	}
	if (kpi_indicator_file_put(req_db(r), id, (int)slot, form_value(r, "description"), filename, mime, size,
				   buf_cstr(&dest), user_id(r), &e) < 0) {
		unlink(buf_cstr(&dest));
		rc = indicator_failed(r, id, &e);
		goto out;
	}
	audit(r, "kpi.indicator.file", "kpi_indicator", id, area,
	      json_pack("{s:I, s:s}", "slot", (json_int_t)slot, "filename", filename));
	char u[64];
	snprintf(u, sizeof u, "/kpi/indicators/%lld", id);
	rc = view_redirect(r, u, "แนบเอกสารแล้ว");
out:
	free(filename);
	free(mime);
	buf_release(&dest);
	return rc;
}

static int ind_file_delete(struct req *r)
{
	long long id = req_param_id(r, "id");
	json_t *ind = managed_indicator(r, id);
	if (!ind)
		return 0;
	json_decref(ind);
	struct err e = ERR_INIT;
	if (kpi_indicator_file_delete(req_db(r), id, req_param_id(r, "fid"), &e) < 0)
		return e.status == 404 ? view_err(r, &e) : indicator_failed(r, id, &e);
	char u[64];
	snprintf(u, sizeof u, "/kpi/indicators/%lld", id);
	return view_redirect(r, u, "ลบเอกสารแนบแล้ว");
}

/* Answers a stored file row {path, mime, filename} (stolen). */
static int send_file(struct req *r, json_t *f)
{
	int rc =
	    view_file(r, json_string_value(json_object_get(f, "path")), json_string_value(json_object_get(f, "mime")),
		      json_string_value(json_object_get(f, "filename")));
	json_decref(f);
	return rc;
}

static int ind_file_get(struct req *r)
{
	long long id = req_param_id(r, "id");
	json_t *ind = indicator_for(r, id, NULL);
	if (!ind)
		return 0;
	json_decref(ind);
	struct err e = ERR_INIT;
	json_t *f = kpi_indicator_file_get(req_db(r), id, req_param_id(r, "fid"), &e);
	if (!f)
		return view_err(r, &e);
	return send_file(r, f);
}

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
		view_error(r, 403, not_yours);
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

static int period_open_post(struct req *r)
{
	struct period_ref pr;
	if (!period_ref(r, &pr))
		return 0;
	long long ind = pr.indicator, pid = pr.id, area = pr.area;
	const char *title = pr.title;
	struct err e = ERR_INIT;
	if (!form_ok(r))
		return indicator_page(r, 422, ind, "วันครบกำหนดส่งไม่ถูกต้อง กรุณาเลือกวันที่จากปฏิทิน");
	if (kpi_period_open(req_db(r), pid, form_value(r, "due_date"), user_id(r), &e) < 0)
		return indicator_failed(r, ind, &e);
	audit(r, "kpi.period.open", "kpi_period", pid, area, json_pack("{s:s}", "due_date", form_value(r, "due_date")));
	char u[64], msg[512];
	snprintf(u, sizeof u, "/kpi/indicators/%lld", ind);
	snprintf(msg, sizeof msg, "เปิดรอบรายงาน %s แล้ว กำหนดหน่วยงานผู้รายงานได้ที่ปุ่ม ⚙", title);
	return view_redirect(r, u, msg);
}

static int period_close_post(struct req *r)
{
	struct period_ref pr;
	if (!period_ref(r, &pr))
		return 0;
	long long ind = pr.indicator, pid = pr.id, area = pr.area;
	struct err e = ERR_INIT;
	if (kpi_period_close(req_db(r), pid, &e) < 0)
		return indicator_failed(r, ind, &e);
	audit(r, "kpi.period.close", "kpi_period", pid, area, NULL);
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
		json_object_set_new(u, "delete_url", url_json("/kpi/periods/%lld/units/%lld/delete", pid, rid));
		json_object_set_new(u, "report_url", url_json("/kpi/reports/%lld", rid, 0));
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
	    url_json("/kpi/indicators/%lld", json_integer_value(json_object_get(p, "indicator_id")), 0), "action",
	    url_json("/kpi/periods/%lld/units", pid, 0));
	if (error)
		json_object_set_new(m, "error", json_string(error));
	return view_page(r, status, "kpi/units", m);
}

static int units_get(struct req *r)
{
	return units_page(r, 200, req_param_id(r, "id"), NULL);
}

static int units_post(struct req *r)
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
	long long n = kpi_units_add(req_db(r), pid, form_values(r, "school_id"), all, area_unit, user_id(r), &e);
	if (n < 0) {
		if (e.status >= 500 || !e.status)
			return view_err(r, &e);
		return units_page(r, e.status == 409 ? 409 : 422, pid, e.msg);
	}
	audit(r, "kpi.units.add", "kpi_period", pid, area,
	      json_pack("{s:I, s:b}", "added", (json_int_t)n, "all_schools", all));
	char u[64], msg[512];
	snprintf(u, sizeof u, "/kpi/periods/%lld/units", pid);
	snprintf(msg, sizeof msg, "เพิ่มหน่วยงานผู้รายงานแล้ว %lld หน่วยงาน", n);
	return view_redirect(r, u, msg);
}

static int unit_delete_post(struct req *r)
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
	audit(r, "kpi.units.remove", "kpi_period", pid, area, json_pack("{s:I}", "report_id", (json_int_t)rid));
	char u[64];
	snprintf(u, sizeof u, "/kpi/periods/%lld/units", pid);
	return view_redirect(r, u, "ลบหน่วยงานออกจากรอบรายงานแล้ว");
}

/* ---- reports (KPI-5, KPI-6) ---------------------------------------------- */

/* A report the user may see, or NULL after answering 404. */
static json_t *report_for(struct req *r, long long rid)
{
	struct err e = ERR_INIT;
	json_t *rep = rid > 0 ? kpi_report_get(req_db(r), rid, &e) : NULL;
	if (!rep) {
		if (rid <= 0 || e.status == 404)
			view_error(r, 404, "ไม่พบรายงานที่ระบุ");
		else
			view_err(r, &e);
		return NULL;
	}
	const struct acc_grant *g = acc_active_grant(r);
	long long area = json_integer_value(json_object_get(rep, "area_id"));
	long long wg = json_integer_value(json_object_get(rep, "work_group_id"));
	long long school = json_integer_value(json_object_get(rep, "school_id"));
	bool hidden = !strcmp(json_string_value(json_object_get(rep, "indicator_status")), "hidden");
	/* a school opens only its own reports (another school's is "not
	 * found", as its existence is none of its business) */
	if (!kpi_may_open_report(g, area, school, wg) ||
	    (hidden && !kpi_may_manage(g, area, wg) && !kpi_may_report(g, area, school, wg))) {
		json_decref(rep);
		view_error(r, 404, "ไม่พบรายงานที่ระบุ");
		return NULL;
	}
	return rep;
}

static int report_page(struct req *r, int status, long long rid)
{
	json_t *rep = report_for(r, rid);
	if (!rep)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *files = kpi_report_files(db, rid, &e);
	json_t *events = files ? kpi_report_events(db, rid, &e) : NULL;
	if (!events) {
		json_decref(files);
		json_decref(rep);
		return view_err(r, &e);
	}
	const struct acc_grant *g = acc_active_grant(r);
	long long area = json_integer_value(json_object_get(rep, "area_id"));
	long long wg = json_integer_value(json_object_get(rep, "work_group_id"));
	bool reporter = kpi_may_report(g, area, json_integer_value(json_object_get(rep, "school_id")), wg);
	/* the reviewer's form is not offered to the person who reported */
	bool reviewer =
	    kpi_may_review(g, area, wg) && json_integer_value(json_object_get(rep, "reporter_id")) != user_id(r);
	struct kpi_report_facts f;
	kpi_report_facts_of(rep, &f);
	bool unit_open = f.indicator == KPI_IND_OPEN && f.period_open;
	bool editable = reporter && unit_open && (f.status == KPI_ASSIGNED || f.status == KPI_DRAFT);

	json_t *form = form_model(r, report_form, NULL);
	json_t *errors = json_object_get(form, "errors");
	json_t *values = json_object_get(form, "values");
	size_t i;
	json_t *x;
	int kept = 0;
	json_array_foreach(files, i, x)
	{
		long long slot = json_integer_value(json_object_get(x, "slot"));
		char name[24];
		json_object_set_new(
		    x, "url",
		    url_json("/kpi/reports/%lld/files/%lld", rid, json_integer_value(json_object_get(x, "id"))));
		snprintf(name, sizeof name, "desc_%lld", slot);
		json_object_set_new(x, "desc_name", json_string(name));
		const char *typed = json_string_value(json_object_get(values, name));
		json_object_set_new(
		    x, "desc_value",
		    json_string(typed && *typed ? typed : json_string_value(json_object_get(x, "description"))));
		json_object_set(x, "desc_error",
				json_object_get(errors, name) ? json_object_get(errors, name) : json_null());
		snprintf(name, sizeof name, "remove_%lld", slot);
		json_object_set_new(x, "remove_name", json_string(name));
		json_object_set_new(x, "no", json_integer((json_int_t)i + 1));
		kept++;
	}
	json_t *new_rows = json_array();
	int room = KPI_REPORT_FILES_MAX - kept;
	if (room > KPI_FILES_PER_SAVE)
		room = KPI_FILES_PER_SAVE;
	for (int k = 1; k <= room; k++) {
		char fname[24], dname[24];
		snprintf(fname, sizeof fname, "new_file_%d", k);
		snprintf(dname, sizeof dname, "new_desc_%d", k);
		json_t *fe = json_object_get(errors, fname), *de = json_object_get(errors, dname);
		const char *dv = json_string_value(json_object_get(values, dname));
		json_array_append_new(new_rows,
				      json_pack("{s:i, s:s, s:s, s:s, s:O, s:O}", "no", kept + k, "file_name", fname,
						"desc_name", dname, "desc_value", dv ? dv : "", "file_error",
						fe ? fe : json_null(), "desc_error", de ? de : json_null()));
	}
	const char *sv = json_string_value(json_object_get(values, "self_score"));
	json_t *self_value = json_string(sv && *sv ? sv : json_string_value(json_object_get(rep, "self")));
	const char *cv = json_string_value(json_object_get(values, "confirm"));
	bool confirm_chosen = cv && !strcmp(cv, "1");
	json_t *m =
	    json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:o}",
		      "page_title", "รายงานตัวชี้วัด", "report", rep, "files", files, "events", events, "form", form,
		      "new_rows", new_rows, "self_value", self_value, "editable", editable, "can_unconfirm",
		      reporter && unit_open && f.status == KPI_CONFIRMED, "can_review",
		      reviewer && f.status == KPI_CONFIRMED, "can_unreview", reviewer && f.status == KPI_REVIEWED,
		      "is_confirmed", f.status == KPI_CONFIRMED, "is_reviewed", f.status == KPI_REVIEWED, "is_draft",
		      f.status == KPI_DRAFT, "has_files", json_array_size(files) > 0, "confirm_chosen", confirm_chosen,
		      "action", url_json("/kpi/reports/%lld", rid, 0));
	json_object_set_new(m, "per_save", json_integer(KPI_FILES_PER_SAVE));
	json_object_set_new(m, "files_room", json_integer(KPI_REPORT_FILES_MAX - kept));
	json_object_set_new(m, "more_later", json_boolean(KPI_REPORT_FILES_MAX - kept > KPI_FILES_PER_SAVE));
	json_object_set_new(m, "unconfirm_url", url_json("/kpi/reports/%lld/unconfirm", rid, 0));
	json_object_set_new(m, "review_url", url_json("/kpi/reports/%lld/review", rid, 0));
	json_object_set_new(m, "unreview_url", url_json("/kpi/reports/%lld/unreview", rid, 0));
	json_object_set_new(
	    m, "matrix_url",
	    url_json("/kpi/indicators/%lld/matrix", json_integer_value(json_object_get(rep, "indicator_id")), 0));
	json_object_set_new(m, "list_url",
			    url_json("/kpi/%lld", json_integer_value(json_object_get(rep, "fiscal_year")), 0));
	const char *closed_note = "";
	if (reporter && !unit_open) {
		if (f.indicator != KPI_IND_OPEN)
			closed_note = "ตัวชี้วัดนี้ปิดรับรายงานแล้ว (สถานะ Close) ดูข้อมูลได้แต่แก้ไขไม่ได้";
		else if (f.period_closed)
			closed_note = "รอบรายงานนี้ปิดรับรายงานแล้ว";
		else
			closed_note = "รอบรายงานนี้ยังไม่เปิดรับรายงาน";
	}
	json_object_set_new(m, "closed_note", json_string(closed_note));
	json_t *rv = json_object_get(values, "review_score");
	json_object_set_new(m, "review_value", json_string(json_is_string(rv) ? json_string_value(rv) : ""));
	return view_page(r, status, "kpi/report", m);
}

static int report_get(struct req *r)
{
	return report_page(r, 200, req_param_id(r, "id"));
}

static int keep_upload(void *ctx, const struct kpi_new_file *f, const char *dest, struct err *e)
{
	return form_file_keep(ctx, f->field, dest, e);
}

/* Answers a refused report action: the page again, with the message at its
 * field, or at the top. */
static int report_failed(struct req *r, long long rid, const struct err *e)
{
	if (e->status >= 500 || !e->status)
		return view_err(r, e);
	if (e->status == 403 || e->status == 404)
		return view_error(r, e->status, e->msg);
	form_error_err(r, e);
	return report_page(r, e->status == 409 ? 409 : 422, rid);
}

/* The :id report's area, school and work group (report_for); false after answering. */
static bool report_scope(struct req *r, long long rid, long long *area, long long *school, long long *wg)
{
	json_t *rep = report_for(r, rid);
	if (!rep)
		return false;
	*area = json_integer_value(json_object_get(rep, "area_id"));
	*school = json_integer_value(json_object_get(rep, "school_id"));
	*wg = json_integer_value(json_object_get(rep, "work_group_id"));
	json_decref(rep);
	return true;
}

static int report_post(struct req *r)
{
	long long rid = req_param_id(r, "id");
	long long area, school, wg;
	if (!report_scope(r, rid, &area, &school, &wg))
		return 0;
	if (!kpi_may_report(acc_active_grant(r), area, school, wg))
		return view_error(r, 403,
				  school > 0
				      ? "ท่านรายงานได้เฉพาะตัวชี้วัดของหน่วยงานของท่านเอง (รายงานแทนโรงเรียนหรือหน่วยงานอื่นไม่ได้)"
				      : "รายงานในนามสำนักงานเขตพื้นที่ได้เฉพาะแอดมินเขตและเจ้าของตัวชี้วัดนี้");
	if (!form_ok(r))
		return report_page(r, 422, rid);
	struct kpi_report_save_in in;
	memset(&in, 0, sizeof in);
	for (int s = 1; s <= KPI_REPORT_FILES_MAX; s++) {
		char name[24];
		snprintf(name, sizeof name, "desc_%d", s);
		in.desc[s] = form_value(r, name);
		snprintf(name, sizeof name, "remove_%d", s);
		in.remove[s] = !strcmp(form_value(r, name), "1");
	}
	struct kpi_new_file added[NEW_FILE_SLOTS];
	char fields[NEW_FILE_SLOTS][24], dfields[NEW_FILE_SLOTS][24];
	int n = 0;
	/* the page numbers its new-file rows after the report's files */
	long long on_file = 0;
	{
		struct err ce = ERR_INIT;
		if (db_int_value(req_db(r), "SELECT COUNT(*) FROM kpi_report_files WHERE report_id = $1",
				 DB_ARGS(DB_INT(rid)), &on_file, &ce) < 0)
			return view_err(r, &ce);
	}
	for (int k = 1; k <= NEW_FILE_SLOTS; k++) {
		char fname[24], dname[24];
		snprintf(fname, sizeof fname, "new_file_%d", k);
		snprintf(dname, sizeof dname, "new_desc_%d", k);
		const struct form_file *ff = form_file(r, fname);
		if (!ff) {
			/* a description typed without its file would be lost */
			struct err oe = ERR_INIT;
			if (kpi_file_orphan_desc_check(form_value(r, dname), false, dname, (int)on_file + k, &oe) < 0) {
				form_error_err(r, &oe);
				return report_page(r, 422, rid);
			}
			continue;
		}
		snprintf(fields[n], sizeof fields[n], "%s", fname);
		snprintf(dfields[n], sizeof dfields[n], "%s", dname);
		added[n] = (struct kpi_new_file){.field = fields[n],
						 .desc_field = dfields[n],
						 .row = k,
						 .desc = form_value(r, dname),
						 .filename = ff->filename,
						 .mime = ff->mime,
						 .path = ff->path,
						 .size = ff->size};
		n++;
	}
	in.added = added;
	in.nadded = n;
	in.self_score = form_value(r, "self_score");
	in.confirm = !strcmp(form_value(r, "confirm"), "1");
	in.data_dir = http_settings()->data_dir;
	in.keep = keep_upload;
	in.keep_ctx = r;
	struct err e = ERR_INIT;
	int rc = kpi_report_save(req_db(r), rid, &in, user_id(r), &e);
	for (int k = 0; k < n; k++) {
		if (rc < 0 && added[k].stored)
			unlink(added[k].stored); /* moved, but the save failed: not referenced */
		free(added[k].stored);
	}
	if (rc < 0)
		return report_failed(r, rid, &e);
	char u[64];
	snprintf(u, sizeof u, "/kpi/reports/%lld", rid);
	return view_redirect(r, u,
			     in.confirm ? "ยืนยันข้อมูลแล้ว รอการตรวจสอบ"
					: "บันทึกข้อมูลแล้ว (ยังไม่ยืนยันผลตัวชี้วัด) เมื่อพร้อมให้เลือก “ยืนยันผลตัวชี้วัด” แล้วบันทึกอีกครั้ง");
}

static int unconfirm_post(struct req *r)
{
	long long rid = req_param_id(r, "id");
	long long area, school, wg;
	if (!report_scope(r, rid, &area, &school, &wg))
		return 0;
	if (!kpi_may_report(acc_active_grant(r), area, school, wg))
		return view_error(r, 403, "ท่านยกเลิกผลการยืนยันได้เฉพาะรายงานของหน่วยงานของท่านเอง");
	struct err e = ERR_INIT;
	if (kpi_report_unconfirm(req_db(r), rid, user_id(r), &e) < 0)
		return report_failed(r, rid, &e);
	char u[64];
	snprintf(u, sizeof u, "/kpi/reports/%lld", rid);
	return view_redirect(r, u, "ยกเลิกผลการยืนยันแล้ว แก้ไขข้อมูลแล้วยืนยันผลอีกครั้งได้");
}

static int review_post(struct req *r)
{
	long long rid = req_param_id(r, "id");
	long long area, school, wg;
	if (!report_scope(r, rid, &area, &school, &wg))
		return 0;
	if (!kpi_may_review(acc_active_grant(r), area, wg))
		return view_error(r, 403, "ท่านไม่มีสิทธิ์ตรวจรายงานของตัวชี้วัดนี้");
	if (!form_ok(r))
		return report_page(r, 422, rid);
	struct err e = ERR_INIT;
	const char *score = form_value(r, "review_score");
	if (kpi_report_review(req_db(r), rid, score, user_id(r), &e) < 0)
		return report_failed(r, rid, &e);
	/* the score as stored ("๔" and "4.0" are 4), not as typed */
	json_t *done = kpi_report_get(req_db(r), rid, &e);
	if (!done)
		return view_err(r, &e);
	char u[64], msg[512];
	snprintf(u, sizeof u, "/kpi/reports/%lld", rid);
	snprintf(msg, sizeof msg, "ตรวจสอบข้อมูลแล้ว ผลการประเมิน : %s คะแนน",
		 json_string_value(json_object_get(done, "review")));
	audit(r, "kpi.report.review", "kpi_report", rid, area,
	      json_pack("{s:O}", "score", json_object_get(done, "review")));
	json_decref(done);
	return view_redirect(r, u, msg);
}

static int unreview_post(struct req *r)
{
	long long rid = req_param_id(r, "id");
	long long area, school, wg;
	if (!report_scope(r, rid, &area, &school, &wg))
		return 0;
	if (!kpi_may_review(acc_active_grant(r), area, wg))
		return view_error(r, 403, "ท่านไม่มีสิทธิ์ตรวจรายงานของตัวชี้วัดนี้");
	struct err e = ERR_INIT;
	if (kpi_report_unreview(req_db(r), rid, user_id(r), &e) < 0)
		return report_failed(r, rid, &e);
	audit(r, "kpi.report.unreview", "kpi_report", rid, area, NULL);
	char u[64];
	snprintf(u, sizeof u, "/kpi/reports/%lld", rid);
	return view_redirect(r, u, "ยกเลิกผลการตรวจแล้ว");
}

static int report_file_get(struct req *r)
{
	long long rid = req_param_id(r, "id");
	json_t *rep = report_for(r, rid);
	if (!rep)
		return 0;
	json_decref(rep);
	struct err e = ERR_INIT;
	json_t *f = kpi_report_file_get(req_db(r), rid, req_param_id(r, "fid"), &e);
	if (!f)
		return view_err(r, &e);
	return send_file(r, f);
}

/* ---- the matrix (KPI-7) -------------------------------------------------- */

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

static int matrix_get(struct req *r)
{
	long long id = req_param_id(r, "id");
	json_t *ind = indicator_for(r, id, NULL);
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
		if (kpi_matrix_table(req_db(r), id, page, per_page, &html, &m, &e) == 0) {
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
	json_object_set_new(m, "indicator_url", url_json("/kpi/indicators/%lld", id, 0));
	return view_page(r, 200, "kpi/matrix", m);
}

/* ---- statistics (KPI-8) -------------------------------------------------- */

enum stats_format { STATS_HTML, STATS_XLSX, STATS_PDF };

static int stats_answer(struct req *r, json_t *st, enum stats_format fmt, const char *tmpl)
{
	if (fmt == STATS_HTML)
		return view_page(r, 200, tmpl, st);
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	int rc = fmt == STATS_XLSX ? kpi_stats_xlsx(st, &out, &e) : kpi_stats_pdf(st, &out, &e);
	char name[64];
	snprintf(name, sizeof name, "kpi-%lld-%lld.%s",
		 (long long)json_integer_value(json_object_get(st, "fiscal_year")),
		 (long long)json_integer_value(json_object_get(json_object_get(st, "area"), "id")),
		 fmt == STATS_XLSX ? "xlsx" : "pdf");
	json_decref(st);
	if (rc < 0) {
		buf_release(&out);
		return view_err(r, &e);
	}
	return view_bytes(r, 200,
			  fmt == STATS_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
					    : "application/pdf",
			  &out, name);
}

/* Names statistics st of fiscal year fy "<what> ปีงบประมาณ fy", at base. */
static void stats_titled(json_t *st, const char *what, int fy, const char *base)
{
	char title[512];
	snprintf(title, sizeof title, "%s ปีงบประมาณ %d", what, fy);
	json_object_set_new(st, "page_title", json_string(title));
	json_object_set_new(st, "base_url", json_string(base));
}

static int stats_signed_in(struct req *r, enum stats_format fmt)
{
	int fy, rc = 0;
	long long area;
	if (!year_area(r, &fy, &area, &rc))
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

static int stats_get(struct req *r)
{
	return stats_signed_in(r, STATS_HTML);
}
static int stats_xlsx(struct req *r)
{
	return stats_signed_in(r, STATS_XLSX);
}
static int stats_pdf(struct req *r)
{
	return stats_signed_in(r, STATS_PDF);
}

/* The public page: aggregates only, no unit or person (KPI-8). Without
 * ?area= it lists the areas to choose from, unless there is one. */
static int stats_public(struct req *r, enum stats_format fmt)
{
	int fy = year_param(r);
	if (fy < 0)
		return view_error(r, 404, bad_year);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long area = req_query_int(r, "area", 0, 0, 1LL << 60);
	if (!area) {
		json_t *areas = org_areas_list(db, &e);
		if (!areas)
			return view_err(r, &e);
		if (json_array_size(areas) != 1 || fmt != STATS_HTML) {
			if (fmt != STATS_HTML) {
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
	if (fmt == STATS_HTML && !req_wants_json(r)) {
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

static int public_get(struct req *r)
{
	return stats_public(r, STATS_HTML);
}
static int public_xlsx(struct req *r)
{
	return stats_public(r, STATS_XLSX);
}
static int public_pdf(struct req *r)
{
	return stats_public(r, STATS_PDF);
}

/* ---- copying a year ------------------------------------------------------- */

static int copy_post(struct req *r)
{
	int fy, rc = 0;
	long long area;
	if (!year_area(r, &fy, &area, &rc))
		return rc;
	const struct acc_grant *g = acc_active_grant(r);
	if (!may_create(g, area))
		return view_error(r, 403, "การคัดลอกตัวชี้วัดทำได้เฉพาะแอดมินเขตและเจ้าของตัวชี้วัด (เฉพาะของกลุ่มงานของตน)");
	if (!form_ok(r))
		return view_error(r, 422, "กรุณาระบุปีงบประมาณที่จะคัดลอกมา (พ.ศ.)");
	int from = (int)form_int(r, "from_year");
	struct err e = ERR_INIT;
	/* an owner copies his own work group's indicators only */
	long long wg = acc_grant_is(g, "kpi_owner") ? g->work_group_id : 0;
	long long n = kpi_indicator_copy_year(req_db(r), area, from, fy, wg, user_id(r), &e);
	if (n < 0)
		return e.status == 400 ? view_error(r, 422, e.msg) : view_err(r, &e);
	audit(r, "kpi.indicator.copy_year", "area", area, area,
	      json_pack("{s:i, s:i, s:I}", "from", from, "to", fy, "copied", (json_int_t)n));
	char u[32], msg[512];
	snprintf(u, sizeof u, "/kpi/%d", fy);
	if (n)
		snprintf(msg, sizeof msg, "คัดลอกตัวชี้วัดจากปีงบประมาณ %d มาแล้ว %lld ตัวชี้วัด (ยังไม่ได้เปิดรอบรายงาน)", from, n);
	else
		snprintf(msg, sizeof msg, "ไม่มีตัวชี้วัดให้คัดลอกจากปีงบประมาณ %d (หรือคัดลอกมาครบแล้ว)", from);
	return view_redirect(r, u, msg);
}

/* ---- the table ------------------------------------------------------------ */

#define STAFF ACCESS_SIGNED_IN, "@staff"

static const struct route routes[] = {
    {"GET", "/kpi", kpi_home, NULL, "kpi", STAFF},
    {"GET", "/kpi/years", years_get, NULL, NULL, STAFF},
    {"POST", "/kpi/years", years_post, year_form, NULL, STAFF},
    {"GET", "/kpi/stats/:year", public_get, NULL, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/kpi/stats/:year/xlsx", public_xlsx, NULL, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/kpi/stats/:year/pdf", public_pdf, NULL, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/kpi/admin/people", kpi_people_get, NULL, NULL, STAFF},
    {"POST", "/kpi/admin/people", kpi_people_post, kpi_people_form, NULL, STAFF},
    {"POST", "/kpi/admin/people/:gid/revoke", kpi_people_revoke, kpi_people_revoke_form, NULL, STAFF},
    {"GET", "/kpi/indicators/:id", indicator_get, NULL, NULL, STAFF},
    {"GET", "/kpi/indicators/:id/edit", edit_get, NULL, NULL, STAFF},
    {"POST", "/kpi/indicators/:id/edit", edit_post, indicator_form, NULL, STAFF},
    {"POST", "/kpi/indicators/:id/status", status_post, status_form, NULL, STAFF},
    {"POST", "/kpi/indicators/:id/files", ind_file_post, ind_file_form, NULL, STAFF},
    {"POST", "/kpi/indicators/:id/files/:fid/delete", ind_file_delete, empty_form, NULL, STAFF},
    {"GET", "/kpi/indicators/:id/files/:fid", ind_file_get, NULL, NULL, STAFF},
    {"GET", "/kpi/indicators/:id/matrix", matrix_get, NULL, NULL, STAFF},
    {"POST", "/kpi/periods/:id/open", period_open_post, open_form, NULL, STAFF},
    {"POST", "/kpi/periods/:id/close", period_close_post, empty_form, NULL, STAFF},
    {"GET", "/kpi/periods/:id/units", units_get, NULL, NULL, STAFF},
    {"POST", "/kpi/periods/:id/units", units_post, units_form, NULL, STAFF},
    {"POST", "/kpi/periods/:id/units/:rid/delete", unit_delete_post, empty_form, NULL, STAFF},
    {"GET", "/kpi/reports/:id", report_get, NULL, NULL, STAFF},
    {"POST", "/kpi/reports/:id", report_post, report_form, NULL, STAFF},
    {"POST", "/kpi/reports/:id/unconfirm", unconfirm_post, empty_form, NULL, STAFF},
    {"POST", "/kpi/reports/:id/review", review_post, review_form, NULL, STAFF},
    {"POST", "/kpi/reports/:id/unreview", unreview_post, empty_form, NULL, STAFF},
    {"GET", "/kpi/reports/:id/files/:fid", report_file_get, NULL, NULL, STAFF},
    {"GET", "/kpi/:year", list_page, NULL, NULL, STAFF},
    {"GET", "/kpi/:year/new", new_get, NULL, NULL, STAFF},
    {"POST", "/kpi/:year/new", new_post, indicator_form, NULL, STAFF},
    {"POST", "/kpi/:year/copy", copy_post, copy_form, NULL, STAFF},
    {"GET", "/kpi/:year/stats", stats_get, NULL, NULL, STAFF},
    {"GET", "/kpi/:year/stats/xlsx", stats_xlsx, NULL, NULL, STAFF},
    {"GET", "/kpi/:year/stats/pdf", stats_pdf, NULL, NULL, STAFF},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table kpi_routes = {"kpi", routes};
