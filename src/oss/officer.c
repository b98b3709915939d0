/* officer: the officers' side of the One Stop Service (OSS-7) — the
 * dashboard (counts by service and status, submissions by month of the
 * fiscal year, open and overdue requests), the list of requests to manage,
 * and the processing page that shows a request with its files and history
 * and sets its status with a message and an optional file for the
 * applicant, or writes to the applicant (and attaches a file) without
 * changing the status (POST …/message: a history row and an e-mail). The
 * list also comes as CSV or XLSX (?format=, export.c) and sorts newest or
 * oldest first; the dashboard draws its months as an inline SVG bar chart.
 *
 * An officer acts in the area of his active grant and only on the services
 * the area admin assigned to him there (oss_officers). A request of another
 * area is answered 404, as if it did not exist; one of this area but of a
 * service he is not assigned to is answered 403 with a sentence saying so,
 * because he knows such requests exist and should know why he cannot act.
 * The area admin sees the dashboard of every service of the area, but
 * processes only those he assigned to himself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/export.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/sheet.h"
#include "core/thai.h"
#include "core/view.h"
#include "oss/oss_pages.h"

static const struct choice targets[] = {
    {"in_progress", "เจ้าหน้าที่กำลังดำเนินการ"},
    {"returned", "เจ้าหน้าที่ส่งให้แก้ไขข้อมูล"},
    {"completed", "ดำเนินการเรียบร้อย"},
    {"cancelled", "ยกเลิกคำร้อง"},
    {NULL, NULL},
};

const struct field oss_process_form[] = {
    {.name = "status", .label = "สถานะการดำเนินการ", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = targets},
    {.name = "message",
     .label = "ส่งข้อความไปยังผู้ยื่นคำขอ",
     .type = FT_TEXTAREA,
     .max = OSS_MESSAGE_MAX,
     .hint = "จำเป็นเมื่อส่งให้แก้ไขข้อมูลหรือยกเลิกคำร้อง เช่น ข้อมูลไม่ชัดเจน"},
    {.name = "file",
     .label = "แนบไฟล์ถึงผู้ยื่นคำขอ (ถ้ามี)",
     .type = FT_FILE,
     .max = 5LL * 1024 * 1024,
     .hint = "ไฟล์ png, jpg หรือ pdf ขนาดไม่เกิน 5 MB เช่น หนังสือรับรองที่ออกให้แล้ว"},
    {NULL},
};

/* Writing to the applicant without changing the status. */
const struct field oss_message_form[] = {
    {.name = "letter",
     .label = "ข้อความถึงผู้ยื่นคำขอ",
     .type = FT_TEXTAREA,
     .flags = F_REQUIRED,
     .max = OSS_MESSAGE_MAX,
     .hint = "ส่งทางอีเมลและบันทึกในประวัติคำร้อง โดยไม่เปลี่ยนสถานะ เช่น ขอเอกสารเพิ่มเติม หรือนัดรับเอกสาร"},
    {.name = "letter_file",
     .label = "แนบไฟล์ (ถ้ามี)",
     .type = FT_FILE,
     .max = 5LL * 1024 * 1024,
     .hint = "ไฟล์ png, jpg หรือ pdf ขนาดไม่เกิน 5 MB"},
    {NULL},
};

/* The officer's area and assigned services, or an answer (403). */
struct scope {
	long long area_id;
	unsigned mask;
	bool admin;
};

/* hol: when not NULL, the area's holidays come in the same query
 * (*hol malloc'd, *nhol set). */
static int scope_with(struct req *r, struct scope *s, long long **hol, size_t *nhol, int *answered)
{
	const struct acc_grant *g = acc_active_grant(r);
	s->area_id = g ? g->area_id : 0;
	s->admin = acc_grant_is(g, "area_admin");
	s->mask = 0;
	if (s->area_id <= 0) {
		*answered = view_error(r, 403, "บทบาทที่ใช้อยู่ไม่ได้สังกัดสำนักงานเขตพื้นที่ กรุณาเปลี่ยนบทบาท");
		return -1;
	}
	struct err e = ERR_INIT;
	long long pending = 0;
	int rc = hol ? oss_officer_scope(req_db(r), acc_user_id(r), s->area_id, &s->mask, hol, nhol, &pending, &e)
		     : oss_officer_services(req_db(r), acc_user_id(r), s->area_id, &s->mask, &e);
	if (rc < 0) {
		*answered = view_err(r, &e);
		return -1;
	}
	/* the menu's count of room requests (rooms.c) needs nothing more */
	if (hol)
		oss_rooms_badge_known(r, acc_user_id(r), s->area_id, (s->mask & oss_service_bit("31")) != 0, pending);
	return 0;
}

static int scope_of(struct req *r, struct scope *s, int *answered)
{
	return scope_with(r, s, NULL, NULL, answered);
}

static int not_assigned(struct req *r, const char *service)
{
	struct err e = ERR_INIT;
	oss_not_assigned_err(service, &e);
	return view_err(r, &e);
}

/* ---- dashboard --------------------------------------------------------------- */

/* GET /oss/manage?year=&format=csv|xlsx — the summary report (OSS-7) as
 * the dashboard shows it: requests by service and status with the open
 * and overdue ones, then, after an empty row, submissions by month and
 * service of the fiscal year. Counts only (no person), from the same
 * counters (oss_counts) as the page. Takes m. */
static int summary_export(struct req *r, enum sheet_format f, json_t *m)
{
	struct sheet_col cols[OSS_STATUS_COUNT + 4];
	int nc = 0;
	cols[nc++] = (struct sheet_col){"บริการ", 40, SHEET_TEXT};
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(m, "status_heads"), i, x) if (nc < OSS_STATUS_COUNT + 1) cols[nc++] =
	    (struct sheet_col){jstr(x, "label"), 16, SHEET_NUMBER};
	cols[nc++] = (struct sheet_col){"รวม", 10, SHEET_NUMBER};
	cols[nc++] = (struct sheet_col){"ค้างดำเนินการ", 12, SHEET_NUMBER};
	cols[nc++] = (struct sheet_col){"เกินกำหนด", 12, SHEET_NUMBER};
	struct buf t = BUF_INIT;
	buf_addf(&t, "สรุปคำขอรับบริการ ปีงบประมาณ %lld", jint(m, "fiscal_year"));
	char base[48];
	snprintf(base, sizeof base, "oss-summary-%lld", jint(m, "fiscal_year"));
	const struct export_list l = {buf_cstr(&t), base, nc, cols};
	struct err e = ERR_INIT;
	struct sheet *sh = export_begin(r, f, &l, &e);
	if (!sh) {
		buf_release(&t);
		json_decref(m);
		return view_fault(r, &e);
	}
	json_array_foreach(json_object_get(m, "services"), i, x)
	{
		char name[160];
		snprintf(name, sizeof name, "%s %s", jstr(x, "code"), jstr(x, "name"));
		sheet_text(sh, name);
		size_t k;
		json_t *c;
		json_array_foreach(json_object_get(x, "cells"), k, c) sheet_number(sh, (double)jint(c, "n"));
		sheet_number(sh, (double)jint(x, "total"));
		sheet_number(sh, (double)jint(x, "open"));
		sheet_number(sh, (double)jint(x, "overdue"));
		sheet_row_end(sh);
	}
	/* by month: its own header row, one column per service shown */
	sheet_row_end(sh);
	sheet_text(sh, "เดือนที่ยื่น");
	json_array_foreach(json_object_get(m, "month_heads"), i, x) sheet_text(sh, json_string_value(x));
	sheet_text(sh, "รวม");
	sheet_row_end(sh);
	json_array_foreach(json_object_get(m, "months"), i, x)
	{
		sheet_text(sh, jstr(x, "label"));
		size_t k;
		json_t *c;
		json_array_foreach(json_object_get(x, "cells"), k, c) sheet_number(sh, (double)json_integer_value(c));
		sheet_number(sh, (double)jint(x, "total"));
		sheet_row_end(sh);
	}
	json_decref(m);
	int rc = export_end(r, sh, f, &l);
	buf_release(&t);
	return rc;
}

int oss_manage_dashboard(struct req *r)
{
	struct scope s;
	int rc = 0;
	/* the assigned services and the holidays in one query */
	long long *hol = NULL;
	size_t nh = 0;
	if (scope_with(r, &s, &hol, &nh, &rc) < 0)
		return rc;
	if (!s.mask && !s.admin) {
		free(hol);
		return view_error(r, 403, "คุณยังไม่ได้รับมอบหมายให้ดูแลบริการใด กรุณาติดต่อแอดมินเขต");
	}
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long now = oss_now();
	int fy = (int)req_query_int(r, "year", thai_fiscal_year(now), 2500, 2700);
	int ce_end = fy - 543;
	long long ym_from = (long long)(ce_end - 1) * 100 + 10, ym_to = (long long)ce_end * 100 + 9;
	json_t *counts = oss_counts_get(db, s.area_id, ym_from, ym_to, &e);
	if (!counts) {
		free(hol);
		return view_err(r, &e);
	}
	long long ob = oss_overdue_before(now, OSS_PROMISE_DAYS, hol, nh);
	free(hol);
	long long overdue_of[OSS_SERVICE_COUNT];
	if (oss_overdue_counts(db, s.area_id, ob, overdue_of, &e) < 0) {
		json_decref(counts);
		return view_err(r, &e);
	}

	json_t *services = json_array(), *heads = json_array();
	for (int st = 0; st < OSS_STATUS_COUNT; st++)
		json_array_append_new(
		    heads, json_pack("{s:s, s:s}", "status", oss_status_name(st), "label", oss_status_label(st)));
	const char *shown[OSS_SERVICE_COUNT];
	int nshown = 0;
	json_t *by_status = json_object_get(counts, "by_status");
	for (int i = 0; i < OSS_SERVICE_COUNT; i++) {
		const struct oss_service_def *d = &oss_services[i];
		bool assigned = s.mask & oss_service_bit(d->code);
		if (!assigned && !s.admin)
			continue;
		shown[nshown++] = d->code;
		json_t *c = json_object_get(by_status, d->code);
		json_t *cells = json_array();
		long long total = 0, open = 0;
		for (int st = 0; st < OSS_STATUS_COUNT; st++) {
			long long n = jint(c, oss_status_name(st));
			total += n;
			if (oss_status_open(st))
				open += n;
			char url[96];
			snprintf(url, sizeof url, "/oss/manage/list?service=%s&status=%s", d->code,
				 oss_status_name(st));
			json_array_append_new(cells, json_pack("{s:I, s:s?, s:s}", "n", (json_int_t)n, "url",
							       assigned ? url : NULL, "label", oss_status_label(st)));
		}
		long long overdue = overdue_of[i];
		char list[64], od[80];
		snprintf(list, sizeof list, "/oss/manage/list?service=%s", d->code);
		snprintf(od, sizeof od, "/oss/manage/list?service=%s&overdue=1", d->code);
		json_array_append_new(
		    services, json_pack("{s:s, s:s, s:b, s:o, s:I, s:I, s:I, s:s?, s:s?}", "code", d->code, "name",
					d->name, "assigned", assigned, "cells", cells, "total", (json_int_t)total,
					"open", (json_int_t)open, "overdue", (json_int_t)overdue, "list_url",
					assigned ? list : NULL, "overdue_url", assigned && overdue ? od : NULL));
	}
	/* submissions by month of the fiscal year, October first */
	json_t *months = json_array(), *by_month = json_object_get(counts, "by_month");
	for (int k = 0; k < 12; k++) {
		int mo = (10 + k - 1) % 12 + 1;
		int y = mo >= 10 ? ce_end - 1 : ce_end;
		char ym[16], label[64];
		snprintf(ym, sizeof ym, "%d%02d", y, mo);
		snprintf(label, sizeof label, "%s %d", thai_month_abbr(mo), y + 543);
		json_t *cells = json_array();
		long long total = 0;
		for (int i = 0; i < nshown; i++) {
			long long n = jint(json_object_get(by_month, ym), shown[i]);
			total += n;
			json_array_append_new(cells, json_integer(n));
		}
		json_array_append_new(
		    months, json_pack("{s:s, s:o, s:I}", "label", label, "cells", cells, "total", (json_int_t)total));
	}
	/* the same numbers as a bar chart: an inline SVG whose geometry is
	 * worked out here (presentation attributes only, so the CSP's
	 * style-src 'self' holds and no script is needed) */
	long long peak = 0;
	size_t k;
	json_t *mo;
	json_array_foreach(months, k, mo) if (jint(mo, "total") > peak) peak = jint(mo, "total");
	json_t *bars = json_array();
	const double left = 40, top = 16, plot_w = 590, plot_h = 160, slot = plot_w / 12;
	json_array_foreach(months, k, mo)
	{
		long long n = jint(mo, "total");
		double h = peak > 0 ? plot_h * (double)n / (double)peak : 0;
		double x = left + slot * (double)k + slot * 0.15;
		char num[6][32];
		snprintf(num[0], sizeof num[0], "%.1f", x);
		snprintf(num[1], sizeof num[1], "%.1f", top + plot_h - h);
		snprintf(num[2], sizeof num[2], "%.1f", slot * 0.7);
		snprintf(num[3], sizeof num[3], "%.1f", h);
		snprintf(num[4], sizeof num[4], "%.1f", x + slot * 0.35);
		snprintf(num[5], sizeof num[5], "%.1f", top + plot_h - h - 4);
		int m_no = (10 + (int)k - 1) % 12 + 1;
		json_array_append_new(bars, json_pack("{s:O, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "label",
						      json_object_get(mo, "label"), "short", thai_month_abbr(m_no),
						      "total", (json_int_t)n, "x", num[0], "y", num[1], "w", num[2],
						      "h", num[3], "cx", num[4], "ty", num[5]));
	}
	char peak_text[32];
	snprintf(peak_text, sizeof peak_text, "%lld", peak);
	json_t *names = json_array();
	for (int i = 0; i < nshown; i++)
		json_array_append_new(names, json_string(oss_service_name(shown[i])));
	json_decref(counts);
	char prev[48], next[48];
	snprintf(prev, sizeof prev, "/oss/manage?year=%d", fy - 1);
	snprintf(next, sizeof next, "/oss/manage?year=%d", fy + 1);
	json_t *m = json_pack("{s:b, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:i, s:s, s:s, s:i, s:b, s:b}", "has_chart",
			      peak > 0, "chart_bars", bars, "chart_peak", peak_text, "page_title",
			      "ระบบจัดการคำขอรับบริการ", "services", services, "status_heads", heads, "months", months,
			      "month_heads", names, "fiscal_year", fy, "prev_year_url", prev, "next_year_url", next,
			      "promise_days", OSS_PROMISE_DAYS, "area_admin", s.admin, "has_assigned", s.mask != 0);
	/* the meeting-room desk (rooms.c) for those who approve room bookings */
	json_object_set_new(m, "rooms_approver", json_boolean((s.mask & oss_service_bit("31")) != 0));
	enum sheet_format f;
	if (export_asked(r, &f))
		return summary_export(r, f, m);
	export_links(r, m);
	return view_page(r, 200, "oss/manage", m);
}

/* ---- the list ------------------------------------------------------------------- */

static int manage_list(struct req *r, struct scope s, long long *hol, size_t nh);

int oss_manage_list(struct req *r)
{
	struct scope s;
	int rc = 0;
	/* the assigned services and the holidays in one query */
	long long *hol = NULL;
	size_t nh = 0;
	if (scope_with(r, &s, &hol, &nh, &rc) < 0)
		return rc;
	rc = manage_list(r, s, hol, nh);
	free(hol);
	return rc;
}

static int manage_list(struct req *r, struct scope s, long long *hol, size_t nh)
{
	int rc = 0;
	if (!s.mask)
		return view_error(r, 403, "คุณยังไม่ได้รับมอบหมายให้ดูแลบริการใด กรุณาติดต่อแอดมินเขต");
	const char *service = req_query(r, "service");
	if (!service || !*service) {
		for (int i = 0; i < OSS_SERVICE_COUNT && (!service || !*service); i++)
			if (s.mask & oss_service_bit(oss_service_codes[i]))
				service = oss_service_codes[i];
	}
	if (!oss_service_valid(service))
		return view_error(r, 404, "ไม่พบบริการที่ระบุ");
	if (!(s.mask & oss_service_bit(service)))
		return not_assigned(r, service);
	const char *status_q = req_query(r, "status");
	int status = status_q ? oss_status_parse(status_q) : -1;
	/* a status no one can choose (a hand-edited or stale link): said, and
	 * the list shown with every status rather than passed over in silence */
	const char *filter_error = status_q && *status_q && status < 0
				       ? "ไม่มีสถานะนี้ กรุณาเลือกสถานะจากรายการ (แสดงคำร้องทุกสถานะ)"
				       : NULL;
	bool overdue = req_query_int(r, "overdue", 0, 0, 1) == 1;
	/* newest first unless asked; the overdue list is always the longest
	 * waiting first */
	const char *sort_q = req_query(r, "sort");
	enum oss_sort sort = sort_q && !strcmp(sort_q, "oldest") ? OSS_SORT_OLDEST : OSS_SORT_NEWEST;
	struct buf qb = BUF_INIT;
	const char *q = oss_trim(req_query(r, "q"), &qb);
	long long page = req_query_int(r, "page", 1, 1, 1000000000LL);
	long long per_page = req_query_int(r, "per_page", 10, 1, 100);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long now = oss_now();
	long long ob = oss_overdue_before(now, OSS_PROMISE_DAYS, hol, nh);
	const char *format = req_query(r, "format");
	if (format && *format) {
		/* the same rows as a file: ?format=csv or ?format=xlsx */
		enum sheet_format sf;
		if (sheet_parse_format(format, &sf) < 0)
			rc = view_error(r, 404, "ไม่มีรูปแบบไฟล์นี้ เลือกได้เฉพาะ csv หรือ xlsx");
		else if (filter_error)
			rc = view_error(r, 422, filter_error);
		else
			rc = oss_manage_export(r, sf, s.area_id, service, overdue ? -1 : status, overdue ? ob : 0, ob,
					       sort, q, now, hol, nh);
		buf_release(&qb);
		return rc;
	}
	json_t *m = oss_manage_page(db, s.area_id, service, overdue ? -1 : status, overdue ? ob : 0, sort, q, page,
				    per_page, &e);
	if (!m) {
		buf_release(&qb);
		return view_err(r, &e);
	}
	long long total = jint(m, "total"), from = jint(m, "from");
	bool up = overdue || sort == OSS_SORT_OLDEST;
	oss_list_rows(json_object_get(m, "rows"), up ? from : total - (from - 1), up ? 1 : -1, true, !req_wants_json(r),
		      now, hol, nh, ob);
	json_t *params =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "service", service, "status",
		      status >= 0 && !overdue ? oss_status_name(status) : "", "overdue", overdue ? "1" : "", "sort",
		      sort == OSS_SORT_OLDEST && !overdue ? "oldest" : "", "q", q, "per_page",
		      (json_int_t)(jint(m, "per_page") == 10 ? 0 : jint(m, "per_page")));
	oss_pager(m, "/oss/manage/list", params);
	/* the export links keep the filters, not the page */
	json_object_del(params, "per_page");
	json_object_set_new(params, "format", json_string("csv"));
	char *csv = oss_url("/oss/manage/list", params, 0);
	json_object_set_new(params, "format", json_string("xlsx"));
	char *xlsx = oss_url("/oss/manage/list", params, 0);
	json_object_set_new(m, "csv_url", json_string_nocheck(csv)); /* ASCII (oss_url) */
	/* an export holds at most OSS_EXPORT_MAX rows: say so before it is cut */
	if (total > OSS_EXPORT_MAX) {
		char cut[600];
		snprintf(cut, sizeof cut,
			 "รายการตามตัวกรองนี้มี %lld รายการ แต่ไฟล์ส่งออกได้ครั้งละไม่เกิน %d,%03d รายการแรก "
			 "กรุณาเพิ่มตัวกรอง (สถานะ คำค้น) เพื่อส่งออกส่วนที่เหลือ",
			 total, OSS_EXPORT_MAX / 1000, OSS_EXPORT_MAX % 1000);
		json_object_set_new(m, "export_cut", json_string(cut));
	} else {
		json_object_set_new(m, "export_cut", json_null());
	}
	json_object_set_new(m, "xlsx_url", json_string_nocheck(xlsx));
	free(csv);
	free(xlsx);
	json_decref(params);
	json_object_set_new(m, "tabs", oss_manage_tabs(s.mask, service));
	json_object_set_new(m, "statuses", oss_status_choices(status, overdue));
	json_object_set_new(m, "sorts", oss_sort_choices(sort == OSS_SORT_OLDEST));
	json_object_set_new(m, "sort", json_string_nocheck(sort == OSS_SORT_OLDEST ? "oldest" : "newest"));
	json_object_set_new(m, "service", json_string_nocheck(service)); /* a known code */
	json_object_set_new(m, "service_name", json_string_nocheck(oss_service_name(service)));
	json_object_set_new(m, "overdue", json_boolean(overdue));
	json_object_set_new(m, "promise_days", json_integer(OSS_PROMISE_DAYS));
	json_object_set_new(m, "filter_error", filter_error ? json_string(filter_error) : json_null());
	struct buf title = BUF_INIT;
	buf_addf(&title, "รายการคำขอรับบริการ: %s", oss_service_name(service));
	json_object_set_new(m, "page_title", json_string_nocheck(buf_cstr(&title)));
	buf_release(&title);
	buf_release(&qb);
	return view_page(r, filter_error ? 422 : 200, "oss/manage_list", m);
}

/* ---- processing --------------------------------------------------------------------- */

/* The request in the officer's area and service, or an answer. */
static json_t *load_for_officer(struct req *r, int *answered)
{
	struct scope s;
	if (scope_of(r, &s, answered) < 0)
		return NULL;
	struct err e = ERR_INIT;
	long long id = req_param_id(r, "id");
	json_t *req = id > 0 ? oss_request_get(req_db(r), id, &e) : NULL;
	if (!req || jint(req, "area_id") != s.area_id) {
		json_decref(req);
		*answered = e.status >= 500 ? view_err(r, &e) : view_error(r, 404, "ไม่พบคำร้องที่ระบุ");
		return NULL;
	}
	if (!(s.mask & oss_service_bit(jstr(req, "service")))) {
		*answered = not_assigned(r, jstr(req, "service"));
		json_decref(req);
		return NULL;
	}
	return req;
}

static int process_page(struct req *r, json_t *req, int status)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *m = oss_request_model(r, db, req, true, &e);
	if (!m)
		return view_err(r, &e);
	int st = oss_status_parse(jstr(req, "status"));
	json_t *form = form_model(r, oss_process_form, NULL);
	/* offer only the statuses this one may move to */
	json_t *fields = json_object_get(form, "fields");
	json_t *choices = json_object_get(json_array_get(fields, 0), "choices");
	for (size_t i = json_array_size(choices); i-- > 1;) {
		int t = oss_status_parse(jstr(json_array_get(choices, i), "value"));
		enum oss_action act;
		if (oss_action_for_target(t, &act) < 0 || !oss_can(st, OSS_OFFICER, act))
			json_array_remove(choices, i);
	}
	bool can_act = json_array_size(choices) > 1;
	json_object_set_new(m, "form", form);
	json_object_set_new(m, "can_act", json_boolean(can_act));
	char murl[80];
	snprintf(murl, sizeof murl, "/oss/manage/requests/%lld/message", jint(req, "id"));
	json_object_set_new(m, "message_form", form_model(r, oss_message_form, NULL));
	json_object_set_new(m, "message_url", json_string(murl));
	json_object_set_new(m, "can_message", json_boolean(st != OSS_CANCELLED));
	size_t nh;
	long long *hol = oss_holidays_load(db, jint(req, "area_id"), &nh, &e);
	if (!hol) {
		json_decref(m);
		return view_err(r, &e);
	}
	long long now = oss_now();
	bool waiting = st == OSS_SUBMITTED || st == OSS_IN_PROGRESS || st == OSS_RESUBMITTED;
	long long waited = oss_business_days_waited(jint(req, "queued_at"), now, hol, nh);
	json_object_set_new(m, "waited", waiting ? json_integer(waited) : json_null());
	json_object_set_new(m, "overdue", json_boolean(waiting && waited > OSS_PROMISE_DAYS));
	free(hol);
	struct buf title = BUF_INIT;
	buf_addf(&title, "ดำเนินการคำร้อง %s", jstr(req, "code"));
	json_object_set_new(m, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	char back[64];
	snprintf(back, sizeof back, "/oss/manage/list?service=%s", jstr(req, "service"));
	json_object_set_new(m, "list_url", json_string(back));
	oss_audit(r, db, "personal.read", "oss_request", jint(req, "id"), jint(req, "area_id"),
		  json_pack("{s:s, s:s}", "code", jstr(req, "code"), "page", "process"));
	return view_page(r, status, "oss/process", m);
}

int oss_process_get(struct req *r)
{
	int rc = 0;
	json_t *req = load_for_officer(r, &rc);
	if (!req)
		return rc;
	rc = process_page(r, req, 200);
	json_decref(req);
	return rc;
}

int oss_process_post(struct req *r)
{
	int rc = 0;
	json_t *req = load_for_officer(r, &rc);
	if (!req)
		return rc;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	if (!form_ok(r)) {
		rc = process_page(r, req, 422);
		json_decref(req);
		return rc;
	}
	enum oss_action act;
	enum oss_status to;
	int target = oss_status_parse(form_value(r, "status"));
	const char *message = form_value(r, "message");
	/* the rule first, so nothing is kept for a step that is refused */
	if (target < 0 || oss_action_for_target((enum oss_status)target, &act) < 0 ||
	    oss_transition((enum oss_status)oss_status_parse(jstr(req, "status")), OSS_OFFICER, act, message, &to,
			   &e) < 0) {
		if (!e.status)
			err_field(&e, "status", "กรุณาเลือกสถานะจากรายการ");
		if (e.status == 400) {
			form_error_err(r, &e);
			rc = process_page(r, req, 422);
		} else {
			rc = view_err(r, &e);
		}
		json_decref(req);
		return rc;
	}
	static const char *const field[] = {"file"};
	long long file_id = 0;
	/* the officer's file is stored under the slot "result": its row first
	 * (the history names it), the status next, the file moved last */
	struct oss_staged staged;
	if (oss_files_stage(r, db, jint(req, "id"), field, 1, "result", &file_id, &staged, &e) < 0)
		goto fail;
	oss_request_expect(r, req);
	if (oss_request_move(db, req, OSS_OFFICER, act, acc_user_id(r), acc_display_name(r), message, NULL, NULL,
			     file_id, oss_now(), &e) < 0) {
		oss_files_drop(&staged);
		if (e.status == 409) {
			/* decided on a stale copy: nothing is kept (the
			 * transaction rolls back), the page shows the request
			 * as it is now, its history saying what changed */
			long long id = jint(req, "id");
			json_decref(req);
			struct err e2 = ERR_INIT;
			req = oss_request_get(db, id, &e2);
			if (!req)
				return view_err(r, &e2);
			json_t *cur = json_pack("{s:O, s:s}", "status", json_object_get(req, "status"), "message", "");
			form_stale(r, oss_process_form, cur, jint(req, "updated_at"), "คำร้อง");
			json_decref(cur);
			rc = process_page(r, req, 409);
			json_decref(req);
			return rc;
		}
		goto fail;
	}
	if (oss_files_move(r, &staged, &e) < 0)
		goto fail;
	oss_notify_status(r, db, req, message);
	char url[64];
	snprintf(url, sizeof url, "/oss/manage/requests/%lld", jint(req, "id"));
	struct buf flash = BUF_INIT;
	buf_addf(&flash, "บันทึกสถานะ \"%s\" ของคำร้อง %s แล้ว", oss_status_label(to), jstr(req, "code"));
	json_decref(req);
	rc = view_redirect(r, url, buf_cstr(&flash));
	buf_release(&flash);
	return rc;
fail:
	rc = view_err(r, &e);
	json_decref(req);
	return rc;
}

int oss_process_message(struct req *r)
{
	int rc = 0;
	json_t *req = load_for_officer(r, &rc);
	if (!req)
		return rc;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	const char *letter = form_value(r, "letter");
	int st = oss_status_parse(jstr(req, "status"));
	if (!form_ok(r) || oss_message_check((enum oss_status)st, letter, &e) < 0) {
		if (e.status == 400)
			form_error_err(r, &e);
		rc = e.status == 409 ? view_err(r, &e) : process_page(r, req, 422);
		json_decref(req);
		return rc;
	}
	static const char *const field[] = {"letter_file"};
	long long file_id = 0;
	/* under its own slot, so a completed request's result file stays the
	 * current "result" */
	struct oss_staged staged;
	if (oss_files_stage(r, db, jint(req, "id"), field, 1, "message", &file_id, &staged, &e) < 0)
		goto fail;
	if (oss_request_message(db, req, acc_user_id(r), acc_display_name(r), letter, file_id, oss_now(), &e) < 0) {
		oss_files_drop(&staged);
		goto fail;
	}
	if (oss_files_move(r, &staged, &e) < 0)
		goto fail;
	oss_notify_message(r, db, req, letter, file_id > 0);
	char url[64];
	snprintf(url, sizeof url, "/oss/manage/requests/%lld", jint(req, "id"));
	json_decref(req);
	return view_redirect(r, url, "ส่งข้อความถึงผู้ยื่นคำร้องแล้ว");
fail:
	rc = view_err(r, &e);
	json_decref(req);
	return rc;
}
