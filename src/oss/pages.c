/* pages: what the One Stop Service's handlers share — who may see a request
 * (its applicant, or an officer assigned to its service in its area; anyone
 * else is told it does not exist), the model of one request that the view,
 * processing and print pages show, list rows, pagers, and the Thai
 * formatting of dates, money and statuses. Handlers (routes.c, officer.c,
 * admin.c) stay short: parse, check, call the domain, hand a model to
 * view_page.
 *
 * Every read of a request's personal data by staff (an officer opening it
 * or its files) is written to the audit trail; an applicant reading
 * his own request is not. */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acc/acc.h"
#include "core/pager.h"
#include "core/audit.h"
#include "core/db.h"
#include "core/log.h"
#include "core/thai.h"
#include "core/view.h"
#include "oss/oss_pages.h"

long long oss_now(void)
{
	return (long long)time(NULL);
}

const char *oss_status_class(int s)
{
	switch (s) {
	case OSS_SUBMITTED:
	case OSS_RESUBMITTED: return "badge-info";
	case OSS_IN_PROGRESS: return "badge-warn";
	case OSS_RETURNED: return "badge-error";
	case OSS_COMPLETED: return "badge-ok";
	default: return "";
	}
}

json_t *oss_text_datetime(long long t)
{
	struct buf b = BUF_INIT;
	thai_datetime_short(&b, t);
	json_t *s = json_stringn_nocheck(buf_cstr(&b), b.len);
	buf_release(&b);
	return s;
}

json_t *oss_text_date(long long t)
{
	struct buf b = BUF_INIT;
	thai_date_short(&b, t);
	json_t *s = json_string(buf_cstr(&b));
	buf_release(&b);
	return s;
}

json_t *oss_text_baht(long long satang)
{
	struct buf b = BUF_INIT;
	thai_baht_format(satang, &b);
	json_t *s = json_string(buf_cstr(&b));
	buf_release(&b);
	return s;
}

/* ---- who may see a request ----------------------------------------------------- */

bool oss_officer_of(struct req *r, struct db *db, long long area_id, const char *service, struct err *e)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (!(acc_grant_is(g, "officer") || acc_grant_is(g, "area_admin")) || g->area_id != area_id)
		return false;
	unsigned mask = 0;
	if (oss_officer_services(db, acc_user_id(r), area_id, &mask, e) < 0)
		return false;
	return (mask & oss_service_bit(service)) != 0;
}

int oss_not_assigned_err(const char *service, struct err *e)
{
	const char *name = oss_service_name(service);
	return err_set(e, 403,
		       "คุณไม่ได้รับมอบหมายให้ดูแลบริการ %s จึงดูหรือดำเนินการคำร้องของบริการนี้ไม่ได้ หากต้องการสิทธิ์ "
		       "กรุณาติดต่อแอดมินเขต",
		       name ? name : service);
}

int oss_access(struct req *r, struct db *db, json_t *request, bool *officer, struct err *e)
{
	*officer = false;
	long long uid = acc_user_id(r);
	if (uid > 0 && jint(request, "applicant_id") == uid)
		return 0;
	if (oss_officer_of(r, db, jint(request, "area_id"), jstr(request, "service"), e)) {
		*officer = true;
		return 0;
	}
	if (e->status >= 500)
		return -1;
	/* staff of the request's area know such requests exist: tell them why
	 * they may not see this one, on every page alike (view, print, PDF,
	 * files, processing) */
	const struct acc_grant *g = acc_active_grant(r);
	if ((acc_grant_is(g, "officer") || acc_grant_is(g, "area_admin")) && g->area_id == jint(request, "area_id"))
		return oss_not_assigned_err(jstr(request, "service"), e);
	/* anyone else's request is not even confirmed to exist */
	return err_set(e, 404, "ไม่พบคำร้องที่ระบุ");
}

json_t *oss_load_visible(struct req *r, struct db *db, long long id, bool *officer, struct err *e)
{
	if (id <= 0) {
		err_set(e, 404, "ไม่พบคำร้องที่ระบุ");
		return NULL;
	}
	json_t *req = oss_request_get(db, id, e);
	if (!req)
		return NULL;
	if (oss_access(r, db, req, officer, e) < 0) {
		json_decref(req);
		return NULL;
	}
	return req;
}

void oss_audit(struct req *r, struct db *db, const char *action, const char *target_type, long long target_id,
	       long long area_id, json_t *detail)
{
	acc_audit_in(r, db, area_id, acc_user_id(r), action, target_type, target_id, detail);
}

/* ---- one request as a page model ------------------------------------------------ */

static json_t *file_url(long long request_id, long long file_id)
{
	char url[96];
	snprintf(url, sizeof url, "/oss/requests/%lld/files/%lld", request_id, file_id);
	return json_string(url);
}

static void add_size_text(json_t *f)
{
	long long size = jint(f, "size");
	char s[48];
	if (size >= 1024 * 1024)
		snprintf(s, sizeof s, "%.1f MB", (double)size / (1024.0 * 1024.0));
	else
		snprintf(s, sizeof s, "%lld KB", (size + 1023) / 1024);
	json_object_set_new(f, "size_text", json_string(s));
}

json_t *oss_request_model(struct req *r, struct db *db, json_t *req, bool officer, struct err *e)
{
	long long id = jint(req, "id");
	const char *service = jstr(req, "service");
	const struct oss_service_def *svc = oss_service_def(service);
	int st = oss_status_parse(jstr(req, "status"));
	assert(svc && st >= 0); /* both CHECKed by the table */
	json_t *data = json_object_get(req, "data");
	json_t *files = oss_request_files(db, id, e);
	if (!files)
		return NULL;
	json_t *history = oss_request_history(db, id, e);
	if (!history) {
		json_decref(files);
		return NULL;
	}
	json_t *applicant_files = json_array(), *result = json_null();
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f)
	{
		json_object_set_new(f, "url", file_url(id, jint(f, "id")));
		json_object_set_new(f, "label", json_string(oss_slot_label(service, jstr(f, "slot"))));
		add_size_text(f);
		if (!strcmp(jstr(f, "slot"), "result")) {
			if (jint(f, "id") == jint(req, "result_file_id")) {
				json_decref(result);
				result = json_incref(f);
			}
		} else if (strcmp(jstr(f, "slot"), "message")) {
			/* files of officers' messages are reached from the history */
			json_array_append(applicant_files, f);
		}
	}
	json_array_foreach(history, i, f)
	{
		json_object_set_new(f, "at_text", oss_text_datetime(jint(f, "at")));
		int to = oss_status_parse(jstr(f, "to_status"));
		json_object_set_new(f, "status_label", json_string(oss_status_label(to)));
		json_object_set_new(f, "status_class", json_string(oss_status_class(to)));
		json_object_set_new(f, "by_officer", json_boolean(!strcmp(jstr(f, "actor_role"), "officer")));
		json_object_set_new(f, "is_edit", json_boolean(!strcmp(jstr(f, "action"), "edit")));
		json_object_set_new(f, "is_message", json_boolean(!strcmp(jstr(f, "action"), "message")));
		long long fid = jint(f, "file_id");
		json_object_set_new(f, "file_url", fid > 0 ? file_url(id, fid) : json_null());
	}
	json_decref(files);

	char url[96];
	json_t *m = json_object();
	json_object_set_new(m, "id", json_integer(id));
	json_object_set(m, "code", json_object_get(req, "code"));
	json_object_set_new(m, "service", json_string(service));
	json_object_set_new(m, "service_name", json_string(svc->name));
	json_object_set_new(m, "service_title", json_string(svc->title));
	struct buf rt = BUF_INIT;
	oss_request_title(service, &rt);
	json_object_set_new(m, "request_title", json_string(buf_cstr(&rt)));
	buf_release(&rt);
	json_object_set_new(m, "status", json_string(oss_status_name(st)));
	json_object_set_new(m, "status_label", json_string(oss_status_label(st)));
	json_object_set_new(m, "status_class", json_string(oss_status_class(st)));
	json_object_set_new(m, "is_open", json_boolean(oss_status_open(st)));
	json_object_set(m, "note", json_object_get(req, "note"));
	json_object_set_new(m, "created_at_text", oss_text_datetime(jint(req, "created_at")));
	json_object_set_new(m, "status_at_text", oss_text_datetime(jint(req, "status_at")));
	json_object_set(m, "created_at", json_object_get(req, "created_at"));
	json_object_set(m, "status_at", json_object_get(req, "status_at"));
	json_object_set(m, "area_id", json_object_get(req, "area_id"));
	json_object_set(m, "data", data);
	struct buf name = BUF_INIT;
	buf_addf(&name, "%s%s %s", jstr(data, "title"), jstr(data, "first_name"), jstr(data, "last_name"));
	json_object_set_new(m, "applicant_name", json_string(buf_cstr(&name)));
	buf_release(&name);
	json_object_set(m, "phone", json_object_get(data, "phone"));
	json_object_set(m, "citizen_id", json_object_get(data, "citizen_id"));
	json_object_set_new(m, "details", oss_service_details(svc, data));
	json_object_set_new(m, "files", applicant_files);
	json_object_set_new(m, "has_files", json_boolean(json_array_size(applicant_files) > 0));
	json_object_set_new(m, "result_file", result);
	json_object_set_new(m, "history", history);
	json_object_set_new(m, "viewer_is_officer", json_boolean(officer));
	bool mine = jint(req, "applicant_id") == acc_user_id(r);
	json_object_set_new(m, "viewer_is_applicant", json_boolean(mine));
	json_object_set_new(m, "can_edit", json_boolean(mine && oss_can(st, OSS_APPLICANT, OSS_EDIT)));
	json_object_set_new(m, "can_cancel", json_boolean(mine && oss_can(st, OSS_APPLICANT, OSS_CANCEL)));
	snprintf(url, sizeof url, "/oss/requests/%lld", id);
	json_object_set_new(m, "view_url", json_string(url));
	snprintf(url, sizeof url, "/oss/requests/%lld/print", id);
	json_object_set_new(m, "print_url", json_string(url));
	snprintf(url, sizeof url, "/oss/requests/%lld/pdf", id);
	json_object_set_new(m, "pdf_url", json_string(url));
	snprintf(url, sizeof url, "/oss/requests/%lld/edit", id);
	json_object_set_new(m, "edit_url", json_string(url));
	snprintf(url, sizeof url, "/oss/requests/%lld/cancel", id);
	json_object_set_new(m, "cancel_url", json_string(url));
	snprintf(url, sizeof url, "/oss/manage/requests/%lld", id);
	json_object_set_new(m, "process_url", json_string(url));

	/* the ปพ. order as a table, and the booking / appointment in words */
	json_t *order = json_object_get(data, "order");
	if (json_is_array(order)) {
		json_t *lines = json_array();
		json_array_foreach(order, i, f)
		{
			long long qty = jint(f, "qty");
			if (!qty)
				continue;
			const struct oss_pp_item *it = NULL;
			for (int k = 0; k < OSS_PP_ITEMS; k++)
				if (!strcmp(oss_pp_items[k].key, jstr(f, "item")))
					it = &oss_pp_items[k];
			if (!it)
				continue;
			json_array_append_new(lines,
					      json_pack("{s:s, s:s, s:s, s:I, s:o, s:o}", "label", it->label, "unit",
							it->unit, "level", it->level, "qty", (json_int_t)qty,
							"price_text", oss_text_baht(jint(f, "price")),
							"amount_text", oss_text_baht(jint(f, "amount"))));
		}
		struct buf words = BUF_INIT;
		thai_baht_words(jint(data, "total"), &words);
		json_object_set_new(m, "order",
				    json_pack("{s:o, s:o, s:o, s:o, s:s}", "lines", lines, "subtotal_text",
					      oss_text_baht(jint(data, "subtotal")), "shipping_text",
					      oss_text_baht(jint(data, "shipping")), "total_text",
					      oss_text_baht(jint(data, "total")), "total_words", buf_cstr(&words)));
		buf_release(&words);
	} else {
		json_object_set_new(m, "order", json_null());
	}
	/* the forms of the page carry it as _version (issue 10.6) */
	json_object_set_new(m, "record_version", json_integer(jint(req, "version")));
	return m;
}

/* ---- list rows, pagers --------------------------------------------------------- */

/* What the lists show the same way to everyone — the status and sort
 * choices of the officers' filter, the page sizes, the services' tabs —
 * built once, each variant (which one is selected or current) its own
 * object, and shared by every page that shows it (as routes.c shares the
 * services): jansson's reference counts are atomic, nothing writes to them,
 * and a JSON answer's pruning finds no personal key in them. Building them
 * per request was about 15 json_pack calls a page (~5k instructions each:
 * the Thai labels' UTF-8 checks, the format parsing) and as many objects
 * to free. */
static const int page_sizes[] = {10, 25, 50, 100};
#define PAGE_SIZES ((int)(sizeof page_sizes / sizeof *page_sizes))
static struct {
	json_t *statuses[OSS_STATUS_COUNT + 2]; /* [0] nothing selected, [1] all, [2 + st] */
	json_t *sorts[2];			/* [oldest] */
	json_t *sizes[PAGE_SIZES + 1];		/* [i] page_sizes[i] selected, [PAGE_SIZES] none */
	json_t *manage_tab[OSS_SERVICE_COUNT][2]; /* [service][current] */
	json_t *my_tabs[OSS_SERVICE_COUNT + 1];	  /* [0] all current, [1 + service] */
} shared;
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;

static json_t *choice(const char *value, const char *label, bool selected)
{
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "value", json_string_nocheck(value));
	json_object_set_new_nocheck(o, "label", json_string_nocheck(label));
	json_object_set_new_nocheck(o, "selected", json_boolean(selected));
	return o;
}

static json_t *tab(const char *code, const char *name, const char *url, bool current)
{
	json_t *o = json_object();
	if (code)
		json_object_set_new_nocheck(o, "code", json_string_nocheck(code));
	json_object_set_new_nocheck(o, "name", json_string_nocheck(name));
	json_object_set_new_nocheck(o, "url", json_string_nocheck(url));
	json_object_set_new_nocheck(o, "current", json_boolean(current));
	return o;
}

static void shared_build(void)
{
	for (int v = 0; v < OSS_STATUS_COUNT + 2; v++) {
		json_t *a = json_array();
		json_array_append_new(a, choice("", "ทุกสถานะ", v == 1));
		for (int st = 0; st < OSS_STATUS_COUNT; st++)
			json_array_append_new(a, choice(oss_status_name(st), oss_status_label(st), v == 2 + st));
		shared.statuses[v] = a;
	}
	for (int v = 0; v < 2; v++) {
		json_t *a = json_array();
		json_array_append_new(a, choice("", "ยื่นล่าสุดก่อน", v == 0));
		json_array_append_new(a, choice("oldest", "ยื่นก่อนแสดงก่อน", v == 1));
		shared.sorts[v] = a;
	}
	for (int v = 0; v <= PAGE_SIZES; v++) {
		json_t *a = json_array();
		for (int i = 0; i < PAGE_SIZES; i++) {
			json_t *o = json_object();
			json_object_set_new_nocheck(o, "value", json_integer(page_sizes[i]));
			json_object_set_new_nocheck(o, "selected", json_boolean(i == v));
			json_array_append_new(a, o);
		}
		shared.sizes[v] = a;
	}
	for (int k = 0; k < OSS_SERVICE_COUNT; k++) {
		char url[64];
		snprintf(url, sizeof url, "/oss/manage/list?service=%s", oss_services[k].code);
		for (int c = 0; c < 2; c++)
			shared.manage_tab[k][c] = tab(NULL, oss_services[k].menu, url, c);
	}
	for (int v = 0; v <= OSS_SERVICE_COUNT; v++) {
		json_t *a = json_array();
		json_array_append_new(a, tab("", "ทั้งหมด", "/oss/my", v == 0));
		for (int k = 0; k < OSS_SERVICE_COUNT; k++) {
			char url[40];
			snprintf(url, sizeof url, "/oss/my?service=%s", oss_services[k].code);
			json_array_append_new(a, tab(oss_services[k].code, oss_services[k].menu, url, v == 1 + k));
		}
		shared.my_tabs[v] = a;
	}
}

json_t *oss_status_choices(int status, bool none)
{
	pthread_once(&shared_once, shared_build);
	int v = none ? 0 : status >= 0 && status < OSS_STATUS_COUNT ? 2 + status : 1;
	return json_incref(shared.statuses[v]);
}

json_t *oss_sort_choices(bool oldest)
{
	pthread_once(&shared_once, shared_build);
	return json_incref(shared.sorts[oldest]);
}

json_t *oss_manage_tabs(unsigned mask, const char *service)
{
	pthread_once(&shared_once, shared_build);
	json_t *tabs = json_array();
	for (int k = 0; k < OSS_SERVICE_COUNT; k++)
		if (mask & oss_service_bit(oss_service_codes[k]))
			json_array_append(tabs, shared.manage_tab[k][!strcmp(service, oss_service_codes[k])]);
	return tabs;
}

json_t *oss_my_tabs(const char *service)
{
	pthread_once(&shared_once, shared_build);
	int v = 0;
	for (int k = 0; k < OSS_SERVICE_COUNT; k++)
		if (!strcmp(service, oss_services[k].code))
			v = 1 + k;
	return json_incref(shared.my_tabs[v]);
}


/* A list row's texts: each service's name and each status's label and
 * class as one shared string (shared.c-style: built once, only read). */
static struct {
	json_t *service_name[OSS_SERVICE_COUNT];
	json_t *status_label[OSS_STATUS_COUNT], *status_class[OSS_STATUS_COUNT];
} texts;
static pthread_once_t texts_once = PTHREAD_ONCE_INIT;

static void texts_build(void)
{
	for (int k = 0; k < OSS_SERVICE_COUNT; k++)
		texts.service_name[k] = json_string_nocheck(oss_services[k].name);
	for (int st = 0; st < OSS_STATUS_COUNT; st++) {
		texts.status_label[st] = json_string_nocheck(oss_status_label(st));
		texts.status_class[st] = json_string_nocheck(oss_status_class(st));
	}
}

static json_t *service_name_json(const char *code)
{
	for (int k = 0; code && k < OSS_SERVICE_COUNT; k++)
		if (!strcmp(code, oss_services[k].code))
			return json_incref(texts.service_name[k]);
	return NULL; /* unknown: no key, as before */
}

/* "/oss/requests/ID/what" or "/oss/requests/ID/files/FILE" into url. */
static json_t *request_url(long long id, const char *what, long long file)
{
	char url[96];
	size_t n = sizeof "/oss/requests/" - 1;
	memcpy(url, "/oss/requests/", n);
	n += buf_fmt_int(url + n, id);
	url[n++] = '/';
	size_t w = strlen(what);
	memcpy(url + n, what, w);
	n += w;
	if (file > 0) {
		url[n++] = '/';
		n += buf_fmt_int(url + n, file);
	}
	return json_stringn_nocheck(url, n);
}

/* The date and time of t as the lists show it, the one before it (prev,
 * *prev_t) reused when t falls in the same minute: a request's status
 * time is often its submission's. */
static json_t *datetime_text(long long t, struct buf *scratch, json_t *prev, long long prev_t)
{
	if (prev && t / 60 == prev_t / 60 && t >= 0 && prev_t >= 0)
		return json_incref(prev);
	buf_reset(scratch);
	thai_datetime_short(scratch, t);
	return json_stringn_nocheck(buf_cstr(scratch), scratch->len);
}

void oss_list_rows(json_t *rows, long long first, int step, bool officer, bool html, long long now,
		   const long long *hol, size_t nhol, long long overdue_before)
{
	pthread_once(&texts_once, texts_build);
	struct buf scratch = BUF_INIT;
	long long number = first;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		long long id = jint(row, "id");
		int st = oss_status_parse(jstr(row, "status"));
		bool known = st >= 0 && st < OSS_STATUS_COUNT;
		json_object_set_new_nocheck(row, "no", json_integer(number));
		number += step;
		/* the officers' list shows no service per row (it is one service's) */
		if (!(html && officer))
			json_object_set_new_nocheck(row, "service_name", service_name_json(jstr(row, "service")));
		json_object_set_new_nocheck(row, "status_label", known ? json_incref(texts.status_label[st])
									: json_string_nocheck(oss_status_label(st)));
		json_object_set_new_nocheck(row, "status_class", known ? json_incref(texts.status_class[st])
									: json_string_nocheck(oss_status_class(st)));
		long long at = jint(row, "status_at"), created = jint(row, "created_at");
		json_t *at_text = datetime_text(at, &scratch, NULL, 0);
		json_object_set_new_nocheck(row, "status_at_text", at_text);
		/* the applicant's list shows the status time only */
		if (!(html && !officer))
			json_object_set_new_nocheck(row, "created_at_text",
						    datetime_text(created, &scratch, at_text, at));
		/* the officers' template shows no result link */
		if (!(html && officer)) {
			long long rf = jint(row, "result_file_id");
			json_object_set_new_nocheck(row, "result_url", rf > 0 ? request_url(id, "files", rf) : json_null());
		}
		/* the view, print, PDF and processing links are /oss/requests/{{id}}…
		 * in the templates; only the links that depend on the status are here */
		if (!officer) {
			json_object_set_new_nocheck(row, "edit_url", oss_can(st, OSS_APPLICANT, OSS_EDIT)
									 ? request_url(id, "edit", 0)
									 : json_null());
			json_object_set_new_nocheck(row, "cancel_url", oss_can(st, OSS_APPLICANT, OSS_CANCEL)
									   ? request_url(id, "cancel", 0)
									   : json_null());
		}
		/* the wait runs while the officers have the request (OSS-7) */
		bool waiting = st == OSS_SUBMITTED || st == OSS_IN_PROGRESS || st == OSS_RESUBMITTED;
		if (officer && waiting) {
			long long q = jint(row, "queued_at");
			json_object_set_new_nocheck(row, "waited",
						    json_integer(oss_business_days_waited(q, now, hol, nhol)));
			json_object_set_new_nocheck(row, "overdue", json_boolean(q < overdue_before));
		} else if (!(html && !officer)) { /* the applicant's template shows no wait */
			json_object_set_new_nocheck(row, "waited", json_null());
			json_object_set_new_nocheck(row, "overdue", json_false());
		}
		/* lists carry no personal data beyond the name */
		json_object_del(row, "queued_at");
	}
	buf_release(&scratch);
}

char *oss_url(const char *path, json_t *params, long long page)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, path);
	char sep = '?';
	const char *key;
	json_t *v;
	json_object_foreach(params, key, v)
	{
		char num[32];
		const char *s = json_string_value(v);
		if (json_is_integer(v)) {
			if (!json_integer_value(v))
				continue; /* 0: the default (per_page=0 would be no page size) */
			num[buf_fmt_int(num, (long long)json_integer_value(v))] = 0;
			s = num;
		}
		if (!s || !*s)
			continue;
		buf_addc(&b, sep);
		sep = '&';
		buf_adds(&b, key);
		buf_addc(&b, '=');
		buf_add_urlenc(&b, s);
	}
	if (page > 1) {
		buf_addc(&b, sep);
		buf_adds(&b, "page=");
		buf_add_int(&b, page);
	}
	return buf_detach(&b, NULL);
}

static json_t *url_json(const char *path, json_t *params, long long page)
{
	char *u = oss_url(path, params, page);
	json_t *s = json_string_nocheck(u); /* ASCII: the path and URL-encoded values */
	free(u);
	return s;
}

struct pager_ctx {
	const char *path;
	json_t *params;
};

static json_t *pager_url(long long p, void *ctx)
{
	const struct pager_ctx *c = ctx;
	return url_json(c->path, c->params, p);
}

void oss_pager(json_t *m, const char *path, json_t *params)
{
	long long page = jint(m, "page"), pages = jint(m, "pages");
	struct pager_ctx ctx = {path, params};
	json_t *list = pager_links_with(page, pages, pager_url, &ctx);
	json_object_set_new(m, "pager", list);
	json_object_set_new(m, "has_pager", json_boolean(pages > 1));
	json_object_set_new(m, "prev_url", page > 1 ? url_json(path, params, page - 1) : json_null());
	json_object_set_new(m, "next_url", page < pages ? url_json(path, params, page + 1) : json_null());
	pthread_once(&shared_once, shared_build);
	int v = 0;
	while (v < PAGE_SIZES && page_sizes[v] != jint(m, "per_page"))
		v++;
	json_object_set_new(m, "per_page_options", json_incref(shared.sizes[v]));
	json_object_set_new(m, "has_rows", json_boolean(json_array_size(json_object_get(m, "rows")) > 0));
}

const char *oss_trim(const char *q, struct buf *b)
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
