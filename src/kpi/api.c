/* api: KPI-Online under /api/v1 (issue 15.1): fiscal years, indicators,
 * their periods, reports (with their reviews and history), and the writes
 * users do on the report page — save / confirm a report and review it —
 * run by the page's own handlers (the same declared fields, checks, files,
 * transaction, audit, and 409 on a stale _version).
 *
 * Every read is of the caller's area (a super admin names one with
 * ?area_id=): hidden indicators only to those who manage them, and a
 * school role sees the reports of its own school only (kpi_may_open_report,
 * as the pages). Scores are decimal text with two places ("4.00"), fiscal
 * years Buddhist-era numbers (2569), dates ISO. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acc/acc.h"
#include "core/api.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "kpi/kpi.h"
#include "kpi/kpi_internal.h"
#include "kpi/kpi_pages.h"

#define ENUM API_ENUM_SCHEMA
#define TIME API_TIME_SCHEMA
#define DATE API_DATE_SCHEMA
#define SCORE "{\"type\":[\"string\",\"null\"],\"pattern\":\"^[0-9]+\\\\.[0-9]{2}$\"}"

static const char year_schema[] = "{\"type\":\"object\",\"required\":[\"fiscal_year\",\"indicators\"],\"properties\":{"
				  "\"fiscal_year\":{\"type\":\"integer\",\"description\":\"ปีงบประมาณ พ.ศ. / fiscal "
				  "year (Buddhist era)\"},\"indicators\":{\"type\":\"integer\"}}}";

static const char indicator_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"area_id\",\"fiscal_year\",\"number\",\"name\",\"type\",\"weight\","
    "\"work_group_id\",\"period_kind\",\"status\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"area_id\":{"
    "\"type\":\"integer\"},\"fiscal_year\":{\"type\":\"integer\"},\"number\":{\"type\":\"string\"},\"name\":{"
    "\"type\":\"string\"},\"description\":{\"type\":\"string\"},\"type\":" ENUM ",\"weight\":{\"type\":\"string\"},"
    "\"work_group_id\":{\"type\":\"integer\"},\"period_kind\":" ENUM ",\"status\":" ENUM ",\"created_at\":" TIME
    ",\"updated_at\":" TIME "}}";

static const char period_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"indicator_id\",\"kind\",\"seq\",\"start_date\",\"end_date\","
    "\"due_date\",\"opened\",\"assigned\",\"submitted\",\"reviewed\"],\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"indicator_id\":{\"type\":\"integer\"},\"kind\":" ENUM ",\"seq\":{\"type\":\"integer\"},\"start_date\":" DATE
    ",\"end_date\":" DATE ",\"due_date\":" DATE ",\"opened\":{\"type\":\"boolean\"},\"opened_at\":" TIME
    ",\"closed_at\":" TIME ",\"assigned\":{\"type\":\"integer\"},\"saved\":{\"type\":\"integer\"},\"submitted\":{"
    "\"type\":\"integer\"},\"reviewed\":{\"type\":\"integer\"}}}";

static const char report_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"indicator_id\",\"period_id\",\"school_id\",\"unit_name\",\"status\","
    "\"self_score\",\"review_score\",\"version\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"indicator_id\":{"
    "\"type\":\"integer\"},\"period_id\":{\"type\":\"integer\"},\"school_id\":{\"type\":[\"integer\",\"null\"],"
    "\"description\":\"null: สำนักงานเขตพื้นที่ / the area office\"},\"unit_name\":{\"type\":\"string\"},\"status\":" ENUM
    ",\"self_score\":" SCORE ",\"review_score\":" SCORE ",\"saved_at\":" TIME ",\"confirmed_at\":" TIME
    ",\"reviewed_at\":" TIME ",\"version\":{\"type\":\"integer\"},\"href\":{\"type\":\"string\"},\"history\":{\"type\":"
    "\"array\",\"items\":{\"type\":\"object\",\"required\":[\"action\",\"at\"],\"properties\":{\"action\":{\"type\":"
    "\"string\"},\"score\":" SCORE ",\"user_id\":{\"type\":[\"integer\",\"null\"]},\"at\":" TIME "}}}}}";

static json_t *score(json_t *row, const char *k)
{
	json_t *v = json_object_get(row, k);
	return json_is_integer(v) ? api_money(json_integer_value(v)) : json_null();
}

static json_t *time_or_null(json_t *row, const char *k)
{
	return api_time(jint(row, k));
}

/* The area the caller reads: his grant's, or a super admin's ?area_id=;
 * 0 when answered (refused). */
static long long area_of(struct req *r)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (acc_grant_is(g, "super_admin")) {
		const char *a = req_query(r, "area_id");
		long long id = a ? strtoll(a, NULL, 10) : 0;
		if (id <= 0)
			api_error(r, 400, "invalid_parameter", "กรุณาระบุเขตพื้นที่ (area_id)",
				  json_pack("{s:s}", "area_id", "กรุณาระบุเขตพื้นที่"));
		return id > 0 ? id : 0;
	}
	if (!g || g->area_id <= 0) {
		api_error(r, 403, NULL, "ท่านไม่มีบทบาทในเขตพื้นที่ใด", NULL);
		return 0;
	}
	return g->area_id;
}

/* Whether the caller sees hidden indicators (their managers). */
static bool sees_hidden(struct req *r, long long area)
{
	const struct acc_grant *g = acc_active_grant(r);
	return acc_grant_is(g, "super_admin") || (acc_grant_is(g, "area_admin") && g->area_id == area);
}

static int years_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	long long area = area_of(r);
	if (!area)
		return 0;
	struct err e = ERR_INIT;
	/* one range of kpi_indicators_year; a few years an area */
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT fiscal_year, COUNT(*) AS n FROM kpi_indicators WHERE area_id = $1 GROUP BY fiscal_year "
		 "ORDER BY fiscal_year %s",
		 pg.desc ? "DESC" : "ASC");
	json_t *rows = db_rows_json(req_db(r), sql, DB_ARGS(DB_INT(area)), &e);
	if (!rows)
		return api_err(r, &e);
	json_t *items = json_array();
	size_t n = json_array_size(rows);
	for (size_t i = (size_t)pg.offset; i < n && i < (size_t)(pg.offset + pg.per_page); i++) {
		json_t *x = json_array_get(rows, i);
		json_array_append_new(items, json_pack("{s:I, s:I}", "fiscal_year", (json_int_t)jint(x, "fiscal_year"),
						       "indicators", (json_int_t)jint(x, "n")));
	}
	json_decref(rows);
	return api_list(r, &pg, items, (long long)n);
}

static json_t *indicator_item(json_t *x)
{
	int t = -1;
	for (int k = 0; k < KPI_TYPE_COUNT; k++)
		if (!strcmp(kpi_types[k].name, jstr(x, "type")))
			t = k;
	int kind = kpi_kind_parse(jstr(x, "period_kind"));
	int st = kpi_ind_status_parse(jstr(x, "status"));
	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:I, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)jint(x, "id"), "area_id", (json_int_t)jint(x, "area_id"), "fiscal_year",
			 (json_int_t)jint(x, "fiscal_year"), "number", jstr(x, "number"), "name", jstr(x, "name"),
			 "description", jstr(x, "description"), "type",
			 api_enum(jstr(x, "type"), t >= 0 ? kpi_types[t].label : ""), "weight",
			 api_money(jint(x, "weight_x100")), "work_group_id", (json_int_t)jint(x, "work_group_id"),
			 "period_kind",
			 api_enum(jstr(x, "period_kind"), kind >= 0 ? kpi_kind_label((enum kpi_kind)kind) : ""), "status",
			 api_enum(jstr(x, "status"), st >= 0 ? kpi_ind_status_label((enum kpi_ind_status)st) : ""),
			 "created_at", time_or_null(x, "created_at"), "updated_at", time_or_null(x, "updated_at"));
}

#define IND_COLS                                                                                                       \
	"id, area_id, fiscal_year, number, name, description, type, weight_x100, work_group_id, period_kind, status, " \
	"created_at, updated_at"

static int indicators_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	long long area = area_of(r);
	if (!area)
		return 0;
	long long year = req_param_id(r, "year");
	if (year < 2400 || year > 2700)
		/* a fiscal year in BE (2570); "abc" or a CE year listed nothing */
		return api_error(r, 400, "invalid_parameter", "พารามิเตอร์ของคำขอไม่ถูกต้อง",
				 json_pack("{s:s}", "year", "ปีงบประมาณต้องเป็นปี พ.ศ. 4 หลัก เช่น 2570"));
	const char *w = req_query(r, "work_group_id");
	long long wg = w ? strtoll(w, NULL, 10) : 0;
	bool hidden = sees_hidden(r, area);
	struct err e = ERR_INIT;
	static const char where[] = "area_id = $1 AND fiscal_year = $2 AND ($3 = 0 OR work_group_id = $3) "
				    "AND ($4 = 1 OR status <> 'hidden')";
	char sql[512];
	long long total = 0;
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM kpi_indicators WHERE %s", where);
	struct db *db = req_db(r);
	if (db_int_value(db, sql, DB_ARGS(DB_INT(area), DB_INT(year), DB_INT(wg), DB_INT(hidden)), &total, &e) < 0)
		return api_err(r, &e);
	/* kpi_indicators_year: (area_id, fiscal_year, sort_key, id) */
	snprintf(sql, sizeof sql,
		 "SELECT " IND_COLS " FROM kpi_indicators WHERE %s ORDER BY sort_key %s, id %s LIMIT $5 OFFSET $6", where,
		 pg.desc ? "DESC" : "ASC", pg.desc ? "DESC" : "ASC");
	json_t *rows = db_rows_json(
	    db, sql, DB_ARGS(DB_INT(area), DB_INT(year), DB_INT(wg), DB_INT(hidden), DB_INT(pg.per_page), DB_INT(pg.offset)),
	    &e);
	if (!rows)
		return api_err(r, &e);
	return api_list_rows(r, &pg, rows, total, indicator_item);
}

/* The indicator of the path the caller may read, or NULL (answered). */
static json_t *indicator_for(struct req *r, long long id)
{
	struct err e = ERR_INIT;
	json_t *x = db_row_json(req_db(r), "SELECT " IND_COLS " FROM kpi_indicators WHERE id = $1", DB_ARGS(DB_INT(id)), &e);
	const struct acc_grant *g = acc_active_grant(r);
	long long area = x ? jint(x, "area_id") : 0;
	bool ok = x && (acc_grant_is(g, "super_admin") || (g && g->area_id == area)) &&
		  (strcmp(jstr(x, "status"), "hidden") || sees_hidden(r, area));
	if (!ok) {
		json_decref(x);
		if (e.status >= 500)
			api_err(r, &e);
		else
			api_error(r, 404, NULL, "ไม่พบตัวชี้วัดที่ระบุ", NULL);
		return NULL;
	}
	return x;
}

static int indicator_get(struct req *r)
{
	json_t *x = indicator_for(r, req_param_id(r, "id"));
	if (!x)
		return 0;
	json_t *item = indicator_item(x);
	json_decref(x);
	return api_item(r, 200, item);
}

static json_t *period_item(json_t *x)
{
	int kind = kpi_kind_parse(jstr(x, "kind"));
	return json_pack("{s:I, s:I, s:o, s:I, s:o, s:o, s:o, s:b, s:o, s:o, s:I, s:I, s:I, s:I}", "id",
			 (json_int_t)jint(x, "id"), "indicator_id", (json_int_t)jint(x, "indicator_id"), "kind",
			 api_enum(jstr(x, "kind"), kind >= 0 ? kpi_kind_label((enum kpi_kind)kind) : ""), "seq",
			 (json_int_t)jint(x, "seq"), "start_date", api_date(jstr(x, "start_date")), "end_date",
			 api_date(jstr(x, "end_date")), "due_date", api_date(jstr(x, "due_date")), "opened",
			 jint(x, "opened_at") > 0, "opened_at", time_or_null(x, "opened_at"), "closed_at",
			 time_or_null(x, "closed_at"), "assigned", (json_int_t)jint(x, "n_assigned"), "saved",
			 (json_int_t)jint(x, "n_saved"), "submitted", (json_int_t)jint(x, "n_submitted"), "reviewed",
			 (json_int_t)jint(x, "n_reviewed"));
}

static int periods_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	json_t *ind = indicator_for(r, req_param_id(r, "id"));
	if (!ind)
		return 0;
	long long id = jint(ind, "id");
	json_decref(ind);
	struct err e = ERR_INIT;
	long long total = 0;
	struct db *db = req_db(r);
	if (db_int_value(db, "SELECT COUNT(*) FROM kpi_periods WHERE indicator_id = $1", DB_ARGS(DB_INT(id)), &total, &e) < 0)
		return api_err(r, &e);
	/* the UNIQUE (indicator_id, kind, seq) index */
	json_t *rows = db_rows_json(db,
				    "SELECT id, indicator_id, kind, seq, start_date, end_date, due_date, "
				    "COALESCE(opened_at, 0) AS opened_at, COALESCE(closed_at, 0) AS closed_at, n_assigned, "
				    "n_saved, n_submitted, n_reviewed FROM kpi_periods WHERE indicator_id = $1 "
				    "ORDER BY kind, seq LIMIT $2 OFFSET $3",
				    DB_ARGS(DB_INT(id), DB_INT(pg.per_page), DB_INT(pg.offset)), &e);
	if (!rows)
		return api_err(r, &e);
	return api_list_rows(r, &pg, rows, total, period_item);
}

static json_t *report_item(json_t *x)
{
	int st = kpi_status_parse(jstr(x, "status"));
	char href[64];
	snprintf(href, sizeof href, API_PREFIX "/kpi/reports/%lld", jint(x, "id"));
	return json_pack("{s:I, s:I, s:I, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:s}", "id",
			 (json_int_t)jint(x, "id"), "indicator_id", (json_int_t)jint(x, "indicator_id"), "period_id",
			 (json_int_t)jint(x, "period_id"), "school_id",
			 jint(x, "school_id") > 0 ? json_integer(jint(x, "school_id")) : json_null(), "unit_name",
			 jstr(x, "unit_name"), "status",
			 api_enum(jstr(x, "status"), st >= 0 ? kpi_status_label((enum kpi_status)st) : ""), "self_score",
			 score(x, "self_x100"), "review_score", score(x, "review_x100"), "saved_at",
			 time_or_null(x, "saved_at"), "confirmed_at", time_or_null(x, "confirmed_at"), "reviewed_at",
			 time_or_null(x, "reviewed_at"), "version", (json_int_t)jint(x, "version"), "href", href);
}

static int reports_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long pid = req_param_id(r, "id");
	long long ind = 0;
	if (db_int_value(db, "SELECT indicator_id FROM kpi_periods WHERE id = $1", DB_ARGS(DB_INT(pid)), &ind, &e) < 1)
		return api_not_found(r, &e, "ไม่พบรอบการรายงานที่ระบุ");
	json_t *x = indicator_for(r, ind);
	if (!x)
		return 0;
	json_decref(x);
	/* a school role: its own school's report only */
	const struct acc_grant *g = acc_active_grant(r);
	long long school = g && g->scope == SCOPE_SCHOOL ? g->school_id : 0;
	static const char where[] = "r.period_id = $1 AND ($2 = 0 OR r.school_id = $2)";
	char sql[1024];
	long long total = 0;
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM kpi_reports r WHERE %s", where);
	if (db_int_value(db, sql, DB_ARGS(DB_INT(pid), DB_INT(school)), &total, &e) < 0)
		return api_err(r, &e);
	/* the UNIQUE (period_id, unit_key) index */
	snprintf(sql, sizeof sql,
		 "SELECT r.id, r.indicator_id, r.period_id, COALESCE(r.school_id, 0) AS school_id, r.status, r.self_x100, "
		 "r.review_x100, COALESCE(r.saved_at, 0) AS saved_at, COALESCE(r.confirmed_at, 0) AS confirmed_at, "
		 "COALESCE(r.reviewed_at, 0) AS reviewed_at, r.version, COALESCE(s.name, a.name) AS unit_name "
		 "FROM kpi_reports r JOIN kpi_indicators i ON i.id = r.indicator_id JOIN areas a ON a.id = i.area_id "
		 "LEFT JOIN schools s ON s.id = r.school_id WHERE %s ORDER BY r.unit_key %s LIMIT $3 OFFSET $4",
		 where, pg.desc ? "DESC" : "ASC");
	json_t *rows = db_rows_json(db, sql, DB_ARGS(DB_INT(pid), DB_INT(school), DB_INT(pg.per_page), DB_INT(pg.offset)), &e);
	if (!rows)
		return api_err(r, &e);
	return api_list_rows(r, &pg, rows, total, report_item);
}

static int report_answer(struct req *r, int status, long long rid)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *rep = rid > 0 ? kpi_report_get(db, rid, &e) : NULL;
	const struct acc_grant *g = acc_active_grant(r);
	if (!rep || !kpi_may_open_report(g, jint(rep, "area_id"), jint(rep, "school_id"), jint(rep, "work_group_id")) ||
	    (!strcmp(jstr(rep, "indicator_status"), "hidden") &&
	     !kpi_may_manage(g, jint(rep, "area_id"), jint(rep, "work_group_id")))) {
		json_decref(rep);
		return api_not_found(r, &e, "ไม่พบรายงานที่ระบุ");
	}
	json_t *item = report_item(rep);
	json_decref(rep);
	json_t *ev = db_rows_json(db,
				  "SELECT action, score_x100, COALESCE(user_id, 0) AS user_id, at FROM kpi_report_events "
				  "WHERE report_id = $1 ORDER BY id",
				  DB_ARGS(DB_INT(rid)), &e);
	if (!ev) {
		json_decref(item);
		return api_err(r, &e);
	}
	json_t *hist = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(ev, i, x) json_array_append_new(
	    hist, json_pack("{s:s, s:o, s:o, s:o}", "action", jstr(x, "action"), "score", score(x, "score_x100"),
			    "user_id", jint(x, "user_id") > 0 ? json_integer(jint(x, "user_id")) : json_null(), "at",
			    api_time(jint(x, "at"))));
	json_decref(ev);
	json_object_set_new(item, "history", hist);
	return api_item(r, status, item);
}

static int report_get(struct req *r)
{
	return report_answer(r, 200, req_param_id(r, "id"));
}

/* unconfirm and unreview take no field but the report's _version */
static const struct field no_fields[] = {{NULL}};

static const struct api_param area_param[] = {
    {"area_id", AP_INT, "เขตพื้นที่ (ผู้ดูแลระบบ สพฐ.)", "area (super admins)"},
    {NULL},
};
static const struct api_param indicator_params[] = {
    {"area_id", AP_INT, "เขตพื้นที่ (ผู้ดูแลระบบ สพฐ.)", "area (super admins)"},
    {"work_group_id", AP_INT, "กลุ่มงาน", "work group"},
    {NULL},
};

#define STAFF "@staff"

static const struct api_route routes[] = {
    {"GET", "/kpi/years", years_list, NULL, "kpi:read", STAFF, "ปีงบประมาณที่มีตัวชี้วัดของเขตพื้นที่",
     "The area's fiscal years with indicators", year_schema, true, area_param, "-fiscal_year"},
    {"GET", "/kpi/years/:year/indicators", indicators_list, NULL, "kpi:read", STAFF,
     "ตัวชี้วัดของปีงบประมาณ (พ.ศ.) ตามลำดับเลขตัวชี้วัด", "The indicators of a fiscal year (BE), in their order",
     indicator_schema, true, indicator_params, "number"},
    {"GET", "/kpi/indicators/:id", indicator_get, NULL, "kpi:read", STAFF, "ตัวชี้วัดหนึ่งรายการ", "One indicator",
     indicator_schema},
    {"GET", "/kpi/indicators/:id/periods", periods_list, NULL, "kpi:read", STAFF, "รอบการรายงานของตัวชี้วัด",
     "The indicator's reporting periods", period_schema, true, NULL, "seq"},
    {"GET", "/kpi/periods/:id/reports", reports_list, NULL, "kpi:read", STAFF,
     "รายงานของหน่วยงานในรอบ (โรงเรียนเห็นเฉพาะของตน)", "The units' reports of a period (a school sees its own)",
     report_schema, true, NULL, "unit"},
    {"GET", "/kpi/reports/:id", report_get, NULL, "kpi:read", STAFF, "รายงานหนึ่งรายการ พร้อมประวัติการบันทึกและการตรวจ",
     "One report with its saves, confirmations and reviews", report_schema},
    {"POST", "/kpi/reports/:id", NULL, kpi_report_form, "kpi:write", STAFF,
     "บันทึกหรือยืนยันผลรายงาน (confirm=1) ส่ง _version เพื่อป้องกันการบันทึกทับ",
     "Save or confirm (confirm=1) a report; send _version (a stale one is 409)",
     report_schema, false, NULL, NULL, NULL, 0, API_VERSION_CHECKED,
     .page = kpi_report_save_post, .answer = report_answer, .id_from = "id"},
    {"POST", "/kpi/reports/:id/review", NULL, kpi_review_form, "kpi:write", STAFF,
     "ผู้ตรวจให้คะแนนผลการประเมิน", "A reviewer scores the report", report_schema, false, NULL, NULL, NULL, 0,
     API_VERSION_CHECKED, .page = kpi_report_review_post, .answer = report_answer, .id_from = "id"},
    {"POST", "/kpi/reports/:id/unconfirm", NULL, no_fields, "kpi:write", STAFF,
     "หน่วยงานยกเลิกผลการยืนยัน เพื่อแก้ไขแล้วยืนยันใหม่ (ส่ง _version: ข้อมูลเก่า 409)",
     "The unit takes its confirmation back to edit again (send _version: a stale one is 409)",
     report_schema, false, NULL, NULL, NULL, 0, API_VERSION_CHECKED,
     .page = kpi_report_unconfirm_post, .answer = report_answer, .id_from = "id"},
    {"POST", "/kpi/reports/:id/unreview", NULL, no_fields, "kpi:write", STAFF,
     "ผู้ตรวจยกเลิกผลการตรวจ (ส่ง _version: ข้อมูลเก่า 409)",
     "A reviewer takes the review back (send _version: a stale one is 409)",
     report_schema, false, NULL, NULL, NULL, 0, API_VERSION_CHECKED,
     .page = kpi_report_unreview_post, .answer = report_answer, .id_from = "id"},
    {NULL},
};

const struct api_def kpi_api = {"kpi", "KPI-Online", routes};
