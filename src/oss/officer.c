/* officer: the officers' side of the One Stop Service (OSS-7) — the
 * dashboard (counts by service and status, submissions by month of the
 * fiscal year, open and overdue requests), the list of requests to manage,
 * and the processing page that shows a request with its files and history
 * and sets its status with a message and an optional file for the
 * applicant.
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
#include "core/form.h"
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

/* The officer's area and assigned services, or an answer (403). */
struct scope {
	long long area_id;
	unsigned mask;
	bool admin;
};

static int scope_of(struct req *r, struct scope *s, int *answered)
{
	const struct acc_grant *g = acc_active_grant(r);
	s->area_id = g ? g->area_id : 0;
	s->admin = g && (g->bit & ROLE_AREA_ADMIN);
	s->mask = 0;
	if (s->area_id <= 0) {
		*answered = view_error(r, 403, "บทบาทที่ใช้อยู่ไม่ได้สังกัดสำนักงานเขตพื้นที่ กรุณาเปลี่ยนบทบาท");
		return -1;
	}
	struct err e = ERR_INIT;
	if (oss_officer_services(req_db(r), acc_user_id(r), s->area_id, &s->mask, &e) < 0) {
		*answered = view_err(r, &e);
		return -1;
	}
	return 0;
}

static int not_assigned(struct req *r, const char *service)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "คุณไม่ได้รับมอบหมายให้ดูแลบริการ %s จึงดูหรือดำเนินการคำร้องของบริการนี้ไม่ได้ หากต้องการสิทธิ์ กรุณาติดต่อแอดมินเขต",
		 oss_service_name(service) ? oss_service_name(service) : service);
	int rc = view_error(r, 403, buf_cstr(&b));
	buf_release(&b);
	return rc;
}

/* ---- dashboard --------------------------------------------------------------- */

int oss_manage_dashboard(struct req *r)
{
	struct scope s;
	int rc = 0;
	if (scope_of(r, &s, &rc) < 0)
		return rc;
	if (!s.mask && !s.admin)
		return view_error(r, 403, "คุณยังไม่ได้รับมอบหมายให้ดูแลบริการใด กรุณาติดต่อแอดมินเขต");
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long now = oss_now();
	int fy = (int)req_query_int(r, "year", thai_fiscal_year(now), 2500, 2700);
	int ce_end = fy - 543;
	long long ym_from = (long long)(ce_end - 1) * 100 + 10, ym_to = (long long)ce_end * 100 + 9;
	json_t *counts = oss_counts_get(db, s.area_id, ym_from, ym_to, &e);
	if (!counts)
		return view_err(r, &e);
	size_t nh;
	long long *hol = oss_holidays_load(db, s.area_id, &nh, &e);
	if (!hol) {
		json_decref(counts);
		return view_err(r, &e);
	}
	long long ob = oss_overdue_before(now, OSS_PROMISE_DAYS, hol, nh);
	free(hol);

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
			long long n = oss_jint(c, oss_status_name(st));
			total += n;
			if (oss_status_open(st))
				open += n;
			char url[96];
			snprintf(url, sizeof url, "/oss/manage/list?service=%s&status=%s", d->code,
				 oss_status_name(st));
			json_array_append_new(
			    cells, json_pack("{s:I, s:s?}", "n", (json_int_t)n, "url", assigned ? url : NULL));
		}
		long long overdue = 0;
		if (oss_overdue_count(db, s.area_id, d->code, ob, &overdue, &e) < 0) {
			json_decref(services);
			json_decref(heads);
			json_decref(counts);
			return view_err(r, &e);
		}
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
			long long n = oss_jint(json_object_get(by_month, ym), shown[i]);
			total += n;
			json_array_append_new(cells, json_integer(n));
		}
		json_array_append_new(
		    months, json_pack("{s:s, s:o, s:I}", "label", label, "cells", cells, "total", (json_int_t)total));
	}
	json_t *names = json_array();
	for (int i = 0; i < nshown; i++)
		json_array_append_new(names, json_string(oss_service_name(shown[i])));
	json_decref(counts);
	char prev[48], next[48];
	snprintf(prev, sizeof prev, "/oss/manage?year=%d", fy - 1);
	snprintf(next, sizeof next, "/oss/manage?year=%d", fy + 1);
	json_t *m = json_pack("{s:s, s:o, s:o, s:o, s:o, s:i, s:s, s:s, s:i, s:b, s:b}", "page_title",
			      "ระบบจัดการคำขอรับบริการ", "services", services, "status_heads", heads, "months", months,
			      "month_heads", names, "fiscal_year", fy, "prev_year_url", prev, "next_year_url", next,
			      "promise_days", OSS_PROMISE_DAYS, "area_admin", s.admin, "has_assigned", s.mask != 0);
	return view_page(r, 200, "oss/manage", m);
}

/* ---- the list ------------------------------------------------------------------- */

int oss_manage_list(struct req *r)
{
	struct scope s;
	int rc = 0;
	if (scope_of(r, &s, &rc) < 0)
		return rc;
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
	bool overdue = req_query_int(r, "overdue", 0, 0, 1) == 1;
	struct buf qb = BUF_INIT;
	const char *q = oss_trim(req_query(r, "q"), &qb);
	long long page = req_query_int(r, "page", 1, 1, 1000000000LL);
	long long per_page = req_query_int(r, "per_page", 10, 1, 100);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	size_t nh;
	long long *hol = oss_holidays_load(db, s.area_id, &nh, &e);
	if (!hol) {
		buf_release(&qb);
		return view_err(r, &e);
	}
	long long now = oss_now();
	long long ob = oss_overdue_before(now, OSS_PROMISE_DAYS, hol, nh);
	json_t *m =
	    oss_manage_page(db, s.area_id, service, overdue ? -1 : status, overdue ? ob : 0, q, page, per_page, &e);
	if (!m) {
		free(hol);
		buf_release(&qb);
		return view_err(r, &e);
	}
	long long total = oss_jint(m, "total"), from = oss_jint(m, "from");
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(m, "rows"), i, row)
	{
		long long no = overdue ? from + (long long)i : total - (from - 1) - (long long)i;
		oss_list_row(row, no, true, now, hol, nh, ob);
	}
	free(hol);
	json_t *params =
	    json_pack("{s:s, s:s, s:s, s:s, s:I}", "service", service, "status",
		      status >= 0 && !overdue ? oss_status_name(status) : "", "overdue", overdue ? "1" : "", "q", q,
		      "per_page", (json_int_t)(oss_jint(m, "per_page") == 10 ? 0 : oss_jint(m, "per_page")));
	oss_pager(m, "/oss/manage/list", params);
	json_decref(params);
	json_t *tabs = json_array();
	for (int k = 0; k < OSS_SERVICE_COUNT; k++) {
		if (!(s.mask & oss_service_bit(oss_service_codes[k])))
			continue;
		char url[64];
		snprintf(url, sizeof url, "/oss/manage/list?service=%s", oss_service_codes[k]);
		json_array_append_new(tabs, json_pack("{s:s, s:s, s:b}", "name", oss_services[k].menu, "url", url,
						      "current", !strcmp(service, oss_service_codes[k])));
	}
	json_t *statuses = json_array();
	json_array_append_new(statuses, json_pack("{s:s, s:s, s:b}", "value", "", "label", "ทุกสถานะ", "selected",
						  status < 0 && !overdue));
	for (int st = 0; st < OSS_STATUS_COUNT; st++)
		json_array_append_new(statuses, json_pack("{s:s, s:s, s:b}", "value", oss_status_name(st), "label",
							  oss_status_label(st), "selected", st == status && !overdue));
	json_object_set_new(m, "tabs", tabs);
	json_object_set_new(m, "statuses", statuses);
	json_object_set_new(m, "service", json_string(service));
	json_object_set_new(m, "service_name", json_string(oss_service_name(service)));
	json_object_set_new(m, "overdue", json_boolean(overdue));
	json_object_set_new(m, "promise_days", json_integer(OSS_PROMISE_DAYS));
	struct buf title = BUF_INIT;
	buf_addf(&title, "รายการคำขอรับบริการ: %s", oss_service_name(service));
	json_object_set_new(m, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	buf_release(&qb);
	return view_page(r, 200, "oss/manage_list", m);
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
	if (!req || oss_jint(req, "area_id") != s.area_id) {
		json_decref(req);
		*answered = e.status >= 500 ? view_err(r, &e) : view_error(r, 404, "ไม่พบคำร้องที่ระบุ");
		return NULL;
	}
	if (!(s.mask & oss_service_bit(oss_jstr(req, "service")))) {
		*answered = not_assigned(r, oss_jstr(req, "service"));
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
	int st = oss_status_parse(oss_jstr(req, "status"));
	json_t *form = form_model(r, oss_process_form, NULL);
	/* offer only the statuses this one may move to */
	json_t *fields = json_object_get(form, "fields");
	json_t *choices = json_object_get(json_array_get(fields, 0), "choices");
	for (size_t i = json_array_size(choices); i-- > 1;) {
		int t = oss_status_parse(oss_jstr(json_array_get(choices, i), "value"));
		enum oss_action act;
		if (oss_action_for_target(t, &act) < 0 || !oss_can(st, OSS_OFFICER, act))
			json_array_remove(choices, i);
	}
	bool can_act = json_array_size(choices) > 1;
	json_object_set_new(m, "form", form);
	json_object_set_new(m, "can_act", json_boolean(can_act));
	size_t nh;
	long long *hol = oss_holidays_load(db, oss_jint(req, "area_id"), &nh, &e);
	if (!hol) {
		json_decref(m);
		return view_err(r, &e);
	}
	long long now = oss_now();
	bool waiting = st == OSS_SUBMITTED || st == OSS_IN_PROGRESS || st == OSS_RESUBMITTED;
	long long waited = oss_business_days_waited(oss_jint(req, "queued_at"), now, hol, nh);
	json_object_set_new(m, "waited", waiting ? json_integer(waited) : json_null());
	json_object_set_new(m, "overdue", json_boolean(waiting && waited > OSS_PROMISE_DAYS));
	free(hol);
	struct buf title = BUF_INIT;
	buf_addf(&title, "ดำเนินการคำร้อง %s", oss_jstr(req, "code"));
	json_object_set_new(m, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	char back[64];
	snprintf(back, sizeof back, "/oss/manage/list?service=%s", oss_jstr(req, "service"));
	json_object_set_new(m, "list_url", json_string(back));
	oss_audit(r, db, "personal.read", "oss_request", oss_jint(req, "id"), oss_jint(req, "area_id"),
		  json_pack("{s:s, s:s}", "code", oss_jstr(req, "code"), "page", "process"));
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
	    oss_transition((enum oss_status)oss_status_parse(oss_jstr(req, "status")), OSS_OFFICER, act, message, &to,
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
	/* the officer's file is stored under the slot "result" */
	if (oss_keep_files(r, db, oss_jint(req, "id"), field, 1, "result", &file_id, &e) < 0 ||
	    oss_request_move(db, req, OSS_OFFICER, act, acc_user_id(r), acc_display_name(r), message, NULL, NULL,
			     file_id, oss_now(), &e) < 0) {
		rc = view_err(r, &e);
		json_decref(req);
		return rc;
	}
	oss_notify_status(r, db, req, message);
	char url[64];
	snprintf(url, sizeof url, "/oss/manage/requests/%lld", oss_jint(req, "id"));
	struct buf flash = BUF_INIT;
	buf_addf(&flash, "บันทึกสถานะ \"%s\" ของคำร้อง %s แล้ว", oss_status_label(to), oss_jstr(req, "code"));
	json_decref(req);
	rc = view_redirect(r, url, buf_cstr(&flash));
	buf_release(&flash);
	return rc;
}
