/* routes: the One Stop Service's pages for the public and for applicants
 * (OSS-1 … OSS-6, OSS-8), and the module's route table, which also lists
 * the officers' pages (officer.c) and the area admin's settings (admin.c).
 *
 *   GET  /oss                         home: the six services, status check
 *   GET  /oss/status?code=            status by reference code (no personal data)
 *   GET  /privacy                     PDPA notice
 *   GET  /oss/new/:service            a service's form, filled from the account
 *   POST /oss/new/11 … /oss/new/41    submit (one declared form per service)
 *   GET  /oss/my                      the applicant's list: tabs, search, paging
 *   GET  /oss/rooms/:id/calendar      a meeting room's bookings of a month (calendar.c)
 *   GET  /oss/rooms/free              free rooms of an area for a date range (rooms.c)
 *   GET/POST /oss/rooms/approve       approvers: pending room requests, bulk approval (rooms.c)
 *   GET  /oss/rooms/usage             a year's room use by month, CSV/XLSX (rooms.c)
 *   GET  /oss/requests/:id            one request (applicant or its officers)
 *   GET  /oss/requests/:id/print      the printable document (OSS-8)
 *   GET  /oss/requests/:id/pdf        the same as a PDF (print.c)
 *   GET  /oss/requests/:id/files/:fid an attachment
 *   GET  /oss/requests/:id/edit       the form again, while submitted or returned
 *   POST /oss/edit/11/:id …           save the edit (returned → resubmitted)
 *   GET  /oss/requests/:id/cancel     confirm cancelling
 *   POST /oss/requests/:id/cancel     cancel
 *
 * Every bad input is answered with the form again (422) and a Thai message
 * at the field, and nothing is stored: the handler's transaction is rolled
 * back with any error answer, uploads stay in the temp folder and are
 * removed, and a booking's overlap check runs under the room's lock in the
 * same transaction as the insert (booking.c). Someone else's request is
 * answered 404, as if it did not exist. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "acc/acc.h"
#include "core/api.h"
#include "core/db.h"
#include "core/export.h"
#include "core/form.h"
#include "core/log.h"
#include "core/num.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"
#include "oss/oss_pages.h"

static const char promise_note[] = "เจ้าหน้าที่จะดำเนินการจัดทำข้อมูลภายใน 3-5 วันทำการ";

/* ---- public pages ------------------------------------------------------------ */

static json_t *services_json(void)
{
	json_t *list = json_array();
	for (int i = 0; i < OSS_SERVICE_COUNT; i++) {
		const struct oss_service_def *s = &oss_services[i];
		char url[32];
		snprintf(url, sizeof url, "/oss/new/%s", s->code);
		json_array_append_new(list,
				      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", s->code, "name", s->name,
						"menu", s->menu, "title", s->title, "about", s->about, "url", url));
	}
	return list;
}

/* The services as a page that only shows them reads them, built once: such
 * a page shares this array (jansson's reference counts are atomic, and no
 * one writes to it; a JSON answer's pruning finds no personal key in it).
 * A page that adds to the services (add_documents) builds its own. */
static json_t *shared_services;
static pthread_once_t shared_services_once = PTHREAD_ONCE_INIT;

static void shared_services_build(void)
{
	shared_services = services_json();
}

static json_t *services_shared(void)
{
	pthread_once(&shared_services_once, shared_services_build);
	return json_incref(shared_services);
}

static long long default_area(struct req *r, struct db *db);
static json_t *area_options(struct db *db, struct err *e);

/* The manuals and blank forms of the area the page is for: each service
 * gets docs [{label, name, url}]; the page an area picker (OSS-2). */
static int add_documents(struct req *r, json_t *m, json_t *services, struct err *e)
{
	struct db *db = req_db(r);
	long long area_id = default_area(r, db);
	json_t *areas = area_options(db, e);
	json_t *docs = areas && area_id > 0 ? oss_documents_list(db, area_id, e) : json_array();
	if (!areas || !docs) {
		json_decref(areas);
		json_decref(docs);
		return -1;
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", area_id);
	size_t i;
	json_t *a;
	json_array_foreach(areas, i, a)
	    json_object_set_new(a, "selected", json_boolean(!strcmp(jstr(a, "value"), id)));
	json_array_foreach(services, i, a)
	{
		json_object_set_new(a, "docs", oss_documents_of(docs, jstr(a, "code")));
		if (area_id > 0) {
			/* the form shows the same area's manual and blank form */
			char url[64];
			snprintf(url, sizeof url, "/oss/new/%s?area=%lld", jstr(a, "code"), area_id);
			json_object_set_new(a, "url", json_string(url));
		}
	}
	json_object_set_new(m, "doc_areas", areas);
	json_object_set_new(m, "doc_area_id", area_id > 0 ? json_integer(area_id) : json_null());
	json_object_set_new(m, "has_docs", json_boolean(json_array_size(docs) > 0));
	json_decref(docs);
	return 0;
}

static int home(struct req *r)
{
	const struct acc_grant *g = acc_active_grant(r);
	bool signed_in = acc_user_id(r) > 0;
	bool staff = acc_grant_is(g, "officer") || acc_grant_is(g, "area_admin");
	json_t *services = services_json();
	json_t *m = json_pack("{s:s, s:O, s:b, s:b, s:b, s:s}", "page_title", "One Stop Service", "services", services,
			      "signed_in", signed_in, "officer", staff, "area_admin", acc_grant_is(g, "area_admin"),
			      "promise", promise_note);
	struct err e = ERR_INIT;
	int rc = add_documents(r, m, services, &e);
	json_decref(services);
	if (rc < 0) {
		json_decref(m);
		return view_err(r, &e);
	}
	return view_page(r, 200, "oss/home", m);
}

static int status_page(struct req *r)
{
	struct buf cb = BUF_INIT;
	const char *code = oss_trim(req_query(r, "code"), &cb);
	json_t *m =
	    json_pack("{s:s, s:s, s:n, s:n}", "page_title", "ตรวจสอบสถานะคำร้อง", "code", code, "error", "result");
	int status = 200;
	if (*code) {
		struct err e = ERR_INIT;
		json_t *req = NULL;
		if (oss_code_check(code, &e) == 0)
			req = oss_request_by_code(req_db(r), code, &e);
		if (!req) {
			if (e.status >= 500) {
				buf_release(&cb);
				json_decref(m);
				return view_err(r, &e);
			}
			status = e.status == 404 ? 404 : 400;
			json_object_set_new(
			    m, "error",
			    json_string(e.status == 404 ? "ไม่พบคำร้องรหัสนี้ กรุณาตรวจสอบรหัสอ้างอิงอีกครั้ง" : e.msg));
		} else {
			/* service, status and dates only: a code is no password */
			int st = oss_status_parse(jstr(req, "status"));
			json_object_set_new(
			    m, "result",
			    json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:b}", "code", code, "service_name",
				      oss_service_name(jstr(req, "service")), "status_label", oss_status_label(st),
				      "status_class", oss_status_class(st), "created_at_text",
				      oss_text_datetime(jint(req, "created_at")), "status_at_text",
				      oss_text_datetime(jint(req, "status_at")), "is_open", oss_status_open(st)));
			json_decref(req);
		}
	}
	buf_release(&cb);
	return view_page(r, status, "oss/status", m);
}

static int privacy_page(struct req *r)
{
	return view_page(r, 200, "oss/privacy", json_pack("{s:s}", "page_title", "นโยบายความเป็นส่วนตัวและการใช้คุกกี้"));
}

/* ---- the service forms ---------------------------------------------------------- */

static json_t *area_options(struct db *db, struct err *e)
{
	json_t *areas = org_areas_list(db, e);
	if (!areas)
		return NULL;
	json_t *opts = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(areas, i, a)
	{
		char id[24];
		snprintf(id, sizeof id, "%lld", jint(a, "id"));
		json_array_append_new(opts, json_pack("{s:s, s:s}", "value", id, "label", jstr(a, "name")));
	}
	json_decref(areas);
	return opts;
}

/* The options of the room select; *calendars gets [{name, url}], each
 * room's booking calendar. */
static json_t *room_options(struct db *db, long long area_id, json_t **calendars, struct err *e)
{
	json_t *rooms = area_id > 0 ? oss_rooms_list(db, area_id, true, e) : json_array();
	if (!rooms)
		return NULL;
	*calendars = json_array();
	json_t *opts = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(rooms, i, a)
	{
		char id[24];
		snprintf(id, sizeof id, "%lld", jint(a, "id"));
		struct buf label = BUF_INIT; /* the room's name: up to 100 Thai letters */
		buf_addf(&label, "%s (จุได้ %lld คน)", jstr(a, "name"), jint(a, "capacity"));
		json_array_append_new(opts, json_pack("{s:s, s:s}", "value", id, "label", buf_cstr(&label)));
		buf_release(&label);
		char url[64];
		snprintf(url, sizeof url, "/oss/rooms/%lld/calendar", jint(a, "id"));
		json_array_append_new(*calendars,
				      json_pack("{s:O, s:s}", "name", json_object_get(a, "name"), "url", url));
	}
	json_decref(rooms);
	return opts;
}

/* The area a new form is for: ?area=, the active grant's area, or the
 * only area there is. */
static long long default_area(struct req *r, struct db *db)
{
	long long a = req_query_int(r, "area", 0, 1, 1LL << 60);
	if (a > 0)
		return a;
	const struct acc_grant *g = acc_active_grant(r);
	if (g && g->area_id > 0)
		return g->area_id;
	long long n = 0, id = 0;
	struct err e = ERR_INIT;
	if (db_int_value(db, "SELECT COUNT(*) FROM areas", NULL, 0, &n, &e) == 1 && n == 1)
		db_int_value(db, "SELECT id FROM areas", NULL, 0, &id, &e);
	return id;
}

/* Form values of a stored request: money back to baht text, numbers to text. */
static json_t *values_of(json_t *req, const struct oss_service_def *svc)
{
	json_t *data = json_object_get(req, "data");
	json_t *v = json_object();
	for (const struct field *f = svc->fields; f->name; f++) {
		json_t *x = json_object_get(data, f->name);
		char num[48];
		if (f->type == FT_MONEY && json_is_integer(x)) {
			long long s = json_integer_value(x);
			snprintf(num, sizeof num, "%lld.%02lld", s / 100, s % 100);
			json_object_set_new(v, f->name, json_string(num));
		} else if (json_is_integer(x)) {
			snprintf(num, sizeof num, "%lld", (long long)json_integer_value(x));
			json_object_set_new(v, f->name, json_string(num));
		} else if (json_is_string(x)) {
			json_object_set(v, f->name, x);
		}
	}
	char area[24];
	snprintf(area, sizeof area, "%lld", jint(req, "area_id"));
	json_object_set_new(v, "area_id", json_string(area));
	return v;
}

/* The page of a service's form: new (req NULL) or an edit of req. */
static int form_page(struct req *r, const struct oss_service_def *svc, json_t *req, json_t *values, int status)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *profile = acc_user_profile(db, acc_user_id(r), &e);
	if (!profile) {
		json_decref(values);
		return view_err(r, &e);
	}
	if (!values) {
		/* OSS-3: the applicant's own data comes from the account, and
		 * DPA-5: what other modules hold about him (position, salary …,
		 * acc_user_profile) — every field named like a key of the
		 * profile starts with its value, still editable */
		values = json_object();
		for (const struct field *f = svc->fields; f->name; f++) {
			json_t *v = json_object_get(profile, f->name);
			if (json_is_string(v) && f->type != FT_FILE && f->type != FT_HIDDEN)
				json_object_set(values, f->name, v);
		}
		long long a = default_area(r, db);
		char area[24] = "";
		if (a > 0)
			snprintf(area, sizeof area, "%lld", a);
		json_object_set_new(values, "area_id", json_string(area));
		if (!strcmp(svc->code, "31")) {
			/* a booking opened from the free-room search comes with
			 * the room, dates, times and attendees searched for */
			static const char *const asked[] = {"room_id",	  "start_date", "end_date",
							    "start_time", "end_time",	"attendees"};
			for (size_t i = 0; i < sizeof asked / sizeof *asked; i++) {
				const char *v = req_query(r, asked[i]);
				if (v && *v)
					json_object_set_new(values, asked[i], json_string(v));
			}
		}
	}
	json_t *form = form_model(r, svc->fields, values);
	json_decref(values);
	json_t *areas = area_options(db, &e);
	if (!areas) {
		json_decref(form);
		json_decref(profile);
		return view_err(r, &e);
	}
	form_select(form, "area_id", areas, NULL);
	long long area_id = num_ll_or(jstr(form_field(form, "area_id"), "value"), 0);
	bool pick_area = false;
	json_t *quote = NULL, *calendars = NULL;
	if (!strcmp(svc->code, "31")) {
		/* rooms belong to an area: without one chosen there is nothing to
		 * offer, so the page asks for the area first (a GET form that
		 * reloads this page with ?area=, no script needed) */
		pick_area = area_id <= 0;
		json_t *rooms = room_options(db, area_id, &calendars, &e);
		if (!rooms) {
			json_decref(form);
			json_decref(profile);
			return view_err(r, &e);
		}
		form_select(form, "room_id", rooms, NULL);
	}
	if (!strcmp(svc->code, "41")) {
		long long price[OSS_PP_ITEMS];
		if (oss_prices_load(db, area_id, price, &e) < 0) {
			json_decref(form);
			json_decref(profile);
			return view_err(r, &e);
		}
		for (int i = 0; i < OSS_PP_ITEMS; i++) {
			struct buf h = BUF_INIT;
			buf_addf(&h, "%s ราคา%sละ ", oss_pp_items[i].level, oss_pp_items[i].unit);
			thai_baht_format(price[i], &h);
			buf_adds(&h, " บาท");
			json_object_set_new(form_field(form, oss_pp_items[i].key), "hint", json_string(buf_cstr(&h)));
			buf_release(&h);
		}
		/* the total as typed so far; htmx refreshes it on every change */
		const char *qty[OSS_PP_ITEMS];
		for (int i = 0; i < OSS_PP_ITEMS; i++)
			qty[i] = jstr(form_field(form, oss_pp_items[i].key), "value");
		quote = oss_quote_model(db, area_id, qty, &e);
		if (!quote) {
			json_decref(form);
			json_decref(profile);
			return view_err(r, &e);
		}
	}
	/* files: required where the slot must have one and has none yet */
	json_t *stored = req ? oss_request_files(db, jint(req, "id"), &e) : json_array();
	if (!stored) {
		json_decref(form);
		json_decref(profile);
		json_decref(quote);
		json_decref(calendars);
		return view_err(r, &e);
	}
	for (const struct oss_file_slot *s = svc->slots; s->name; s++) {
		json_t *f = form_field(form, s->name);
		json_t *have = NULL;
		size_t i;
		json_t *x;
		json_array_foreach(stored, i, x) if (!strcmp(jstr(x, "slot"), s->name)) have = x;
		json_object_set_new(f, "required", json_boolean(s->required && !have));
		if (have) {
			struct buf h = BUF_INIT;
			buf_addf(&h, "มีไฟล์แล้ว: %s — แนบไฟล์ใหม่เมื่อต้องการแทนที่ (png, jpg หรือ pdf ไม่เกิน 5 MB)",
				 jstr(have, "name"));
			json_object_set_new(f, "hint", json_string(buf_cstr(&h)));
			buf_release(&h);
		}
	}
	json_decref(stored);

	char action[64];
	if (req)
		snprintf(action, sizeof action, "/oss/edit/%s/%lld", svc->code, jint(req, "id"));
	else
		snprintf(action, sizeof action, "/oss/new/%s", svc->code);
	struct buf title = BUF_INIT;
	buf_addf(&title, "%s%s", req ? "แก้ไขคำร้อง: " : "", svc->title);
	json_t *m = json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:b, s:o, s:O, s:s}", "page_title", buf_cstr(&title),
			      "service", "code", svc->code, "name", svc->name, "title", svc->title, "action", action,
			      "is_edit", req != NULL, "form", form, "citizen_id",
			      json_object_get(profile, "citizen_id"), "promise", promise_note);
	buf_release(&title);
	json_decref(profile);
	if (pick_area) {
		json_t *areas_pick = area_options(db, &e);
		json_object_set_new(m, "pick_area", areas_pick ? areas_pick : json_array());
	} else {
		json_object_set_new(m, "pick_area", json_null());
	}
	json_object_set_new(m, "pick_first", json_boolean(pick_area));
	json_object_set_new(m, "quote", quote ? quote : json_null());
	json_object_set_new(m, "room_calendars", calendars ? calendars : json_array());
	json_object_set_new(m, "has_room_calendars",
			    json_boolean(json_array_size(json_object_get(m, "room_calendars")) > 0));
	/* the manual and blank form of this service in the form's area */
	json_t *docs = area_id > 0 ? oss_documents_list(db, area_id, &e) : json_array();
	if (!docs) {
		json_decref(m);
		return view_err(r, &e);
	}
	json_t *mine = oss_documents_of(docs, svc->code);
	json_object_set_new(m, "has_docs", json_boolean(json_array_size(mine) > 0));
	json_object_set_new(m, "docs", mine);
	json_decref(docs);
	if (req) {
		int st = oss_status_parse(jstr(req, "status"));
		char url[64];
		snprintf(url, sizeof url, "/oss/requests/%lld", jint(req, "id"));
		json_object_set_new(m, "request",
				    json_pack("{s:I, s:O, s:s, s:s, s:O, s:b}", "id", (json_int_t)jint(req, "id"),
					      "code", json_object_get(req, "code"), "status_label",
					      oss_status_label(st), "view_url", url, "note",
					      json_object_get(req, "note"), "returned", st == OSS_RETURNED));
		json_object_set_new(m, "record_version", json_integer(jint(req, "version")));
	}
	return view_page(r, status, "oss/form", m);
}

static int new_get(struct req *r)
{
	const struct oss_service_def *svc = oss_service_def(req_param(r, "service"));
	if (!svc)
		return view_error(r, 404, "ไม่พบบริการที่ระบุ กรุณาเลือกบริการจากหน้า One Stop Service");
	return form_page(r, svc, NULL, NULL, 200);
}

/* The form again with its errors: 422, or the status of a domain refusal
 * (409 for a booking clash). */
static int form_again(struct req *r, const struct oss_service_def *svc, json_t *req, const struct err *e)
{
	if (e && e->status >= 500)
		return view_err(r, e);
	if (e && e->status)
		form_error_err(r, e);
	return form_page(r, svc, req, req ? values_of(req, svc) : NULL, e && e->status == 409 ? 409 : 422);
}

/* ---- files ------------------------------------------------------------------ */

static const char *ext_of(const char *mime)
{
	if (!strcmp(mime, "image/png"))
		return "png";
	if (!strcmp(mime, "image/jpeg"))
		return "jpg";
	return "pdf";
}

static int mkdir_p(const char *dir, struct err *e)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, dir);
	for (char *p = b.data + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(b.data, 0750) < 0 && errno != EEXIST) {
			err_set(e, 500, "mkdir %s: %s", b.data, strerror(errno));
			buf_release(&b);
			return -1;
		}
		*p = '/';
	}
	int rc = 0;
	if (mkdir(b.data, 0750) < 0 && errno != EEXIST)
		rc = err_set(e, 500, "mkdir %s: %s", b.data, strerror(errno));
	buf_release(&b);
	return rc;
}

int oss_files_stage(struct req *r, struct db *db, long long request_id, const char *const *slots, int nslots,
		    const char *slot_as, long long *last_id, struct oss_staged *st, struct err *e)
{
	*last_id = 0;
	st->n = 0;
	st->request_id = request_id;
	long long now = oss_now();
	for (int i = 0; i < nslots && st->n < OSS_STAGED_MAX; i++) {
		const struct form_file *ff = form_file(r, slots[i]);
		if (!ff)
			continue;
		unsigned char rnd[8];
		char hex[17];
		randombytes_buf(rnd, sizeof rnd);
		sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
		struct buf rel = BUF_INIT;
		const char *slot = slot_as ? slot_as : slots[i];
		buf_addf(&rel, "files/oss/%lld/%s-%s.%s", request_id, slot, hex, ext_of(ff->mime));
		long long id =
		    oss_file_add(db, request_id, slot, buf_cstr(&rel), *ff->filename ? ff->filename : slots[i],
				 ff->mime, ff->size, acc_user_id(r), now, e);
		if (id < 0) {
			buf_release(&rel);
			oss_files_drop(st);
			return -1;
		}
		*last_id = id;
		st->paths[st->n] = buf_detach(&rel, NULL);
		st->fields[st->n] = slots[i];
		st->n++;
	}
	return 0;
}

void oss_files_drop(struct oss_staged *st)
{
	for (int i = 0; i < st->n; i++)
		free(st->paths[i]);
	st->n = 0;
}

int oss_files_move(struct req *r, struct oss_staged *st, struct err *e)
{
	const char *data_dir = http_settings()->data_dir;
	int rc = 0;
	if (st->n > 0) {
		struct buf dir = BUF_INIT;
		buf_addf(&dir, "%s/files/oss/%lld", data_dir, st->request_id);
		rc = mkdir_p(buf_cstr(&dir), e);
		buf_release(&dir);
	}
	for (int i = 0; i < st->n && rc == 0; i++) {
		struct buf full = BUF_INIT;
		buf_addf(&full, "%s/%s", data_dir, st->paths[i]);
		rc = form_file_keep(r, st->fields[i], buf_cstr(&full), e);
		buf_release(&full);
	}
	oss_files_drop(st);
	return rc;
}

int oss_keep_files(struct req *r, struct db *db, long long request_id, const char *const *slots, int nslots,
		   const char *slot_as, long long *last_id, struct err *e)
{
	/* rows first, in the transaction; the moves last, so a failed insert
	 * leaves no stray file behind */
	struct oss_staged st;
	if (oss_files_stage(r, db, request_id, slots, nslots, slot_as, last_id, &st, e) < 0)
		return -1;
	return oss_files_move(r, &st, e);
}

static int slot_names(const struct oss_service_def *svc, const char **out, int max)
{
	int n = 0;
	for (const struct oss_file_slot *s = svc->slots; s->name && n < max; s++)
		out[n++] = s->name;
	return n;
}

/* Required slots without a file (stored or uploaded now) get a message. */
static bool files_complete(struct req *r, const struct oss_service_def *svc, json_t *stored)
{
	bool ok = true;
	/* a file refused by form.c (type, size) keeps its own message */
	json_t *model = form_model(r, svc->fields, NULL);
	json_t *errors = json_object_get(model, "errors");
	for (const struct oss_file_slot *s = svc->slots; s->name; s++) {
		if (!s->required || form_file(r, s->name) || json_object_get(errors, s->name))
			continue;
		bool have = false;
		size_t i;
		json_t *x;
		json_array_foreach(stored, i, x) if (!strcmp(jstr(x, "slot"), s->name)) have = true;
		if (!have) {
			struct buf m = BUF_INIT;
			buf_addf(&m, "กรุณาแนบไฟล์ %s (png, jpg หรือ pdf ไม่เกิน 5 MB)", s->label);
			form_error(r, s->name, buf_cstr(&m));
			buf_release(&m);
			ok = false;
		}
	}
	json_decref(model);
	return ok;
}

/* The applicant's identity as the request keeps it (OSS-3). */
static void add_applicant(struct req *r, json_t *data, json_t *profile)
{
	static const char *const keys[] = {"title", "first_name", "last_name", "phone"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		json_object_set_new(data, keys[i], json_string(form_value(r, keys[i])));
	json_object_set(data, "citizen_id", json_object_get(profile, "citizen_id"));
	json_object_set(data, "account_email", json_object_get(profile, "email"));
}

static const struct oss_service_def *service_of_path(struct req *r, const char *prefix)
{
	/* the API's submit routes name their service as their data (api.c) */
	const struct oss_service_def *api = api_route_data(r);
	if (api)
		return api;
	const char *p = req_path(r);
	size_t n = strlen(prefix);
	if (strncmp(p, prefix, n))
		return NULL;
	char code[3] = {p[n], p[n] ? p[n + 1] : 0, 0};
	return oss_service_def(code);
}

/* ---- submit ---------------------------------------------------------------- */

/* A form with field errors also says the service's own check (a booking's
 * days and times, an appointment's day: past, far ahead, BE typed as CE)
 * at once, at its field if that has no error yet, not on a second try. */
static void service_check_at_once(struct req *r, struct db *db, const struct oss_service_def *svc, long long area_id)
{
	struct oss_booking_plan bp = {0};
	struct err e = ERR_INIT;
	json_t *d = oss_service_read(r, db, svc, area_id, oss_now(), &bp, &e);
	if (d)
		json_decref(d);
	else if (e.status > 0 && e.status < 500 && e.field[0] && !form_has_error(r, e.field))
		form_error_err(r, &e);
}

static int new_post(struct req *r)
{
	const struct oss_service_def *svc = service_of_path(r, "/oss/new/");
	assert(svc); /* the route table lists only the six codes */
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	/* every missing attachment is named along with the fields' errors */
	json_t *none = json_array();
	bool files_ok = files_complete(r, svc, none);
	json_decref(none);
	if (!form_ok(r)) {
		service_check_at_once(r, db, svc, num_ll_or(form_value(r, "area_id"), 0));
		return form_again(r, svc, NULL, NULL);
	}
	long long area_id = num_ll_or(form_value(r, "area_id"), 0);
	json_t *area = org_area_get(db, area_id, &e);
	if (!area) {
		if (e.status >= 500)
			return view_err(r, &e);
		err_field(&e, "area_id", "กรุณาเลือกสำนักงานเขตพื้นที่จากรายการ");
		return form_again(r, svc, NULL, &e);
	}
	json_decref(area);
	long long now = oss_now();
	struct oss_booking_plan bp = {0};
	json_t *data = oss_service_read(r, db, svc, area_id, now, &bp, &e);
	if (!data || !files_ok) {
		json_decref(data);
		return form_again(r, svc, NULL, data ? NULL : &e);
	}
	json_t *profile = acc_user_profile(db, acc_user_id(r), &e);
	if (!profile) {
		json_decref(data);
		return view_err(r, &e);
	}
	add_applicant(r, data, profile);
	json_decref(profile);
	if (bp.nslots > 0 && oss_booking_free(db, bp.room_id, bp.slots, bp.nslots, 0, &e) < 0) {
		json_decref(data);
		return form_again(r, svc, NULL, &e);
	}
	struct buf search = BUF_INIT;
	oss_search_text("", data, &search);
	char code[OSS_CODE_MAX + 1];
	long long id = oss_request_insert(db, area_id, svc->code, acc_user_id(r), acc_display_name(r), data,
					  buf_cstr(&search), now, code, &e);
	buf_release(&search);
	if (id < 0 || (bp.nslots > 0 && oss_booking_store(db, id, bp.room_id, bp.slots, bp.nslots, bp.attendees,
							  jstr(data, "chairman"), jstr(data, "coordinator"), &e) < 0)) {
		json_decref(data);
		return view_err(r, &e);
	}
	json_decref(data);
	const char *slots[8];
	int ns = slot_names(svc, slots, 8);
	long long last = 0;
	json_t *req = oss_request_get(db, id, &e);
	if (!req)
		return view_err(r, &e);
	/* the files last: nothing that can still fail comes after their move */
	if (oss_keep_files(r, db, id, slots, ns, NULL, &last, &e) < 0) {
		json_decref(req);
		return view_err(r, &e);
	}
	oss_notify_submitted(r, db, req);
	json_decref(req);
	char url[64];
	snprintf(url, sizeof url, "/oss/requests/%lld", id);
	struct buf flash = BUF_INIT;
	buf_addf(&flash, "ส่งคำร้องไปยังเจ้าหน้าที่แล้ว รหัสอ้างอิง %s", code);
	int rc = view_redirect(r, url, buf_cstr(&flash));
	buf_release(&flash);
	return rc;
}

int oss_submit_post(struct req *r)
{
	return new_post(r);
}

/* ---- the applicant's list -------------------------------------------------------- */

static int my_list(struct req *r)
{
	struct db *db = req_db(r);
	const char *service = req_query(r, "service");
	/* a service no tab offers (a hand-edited or stale link): said, and
	 * every request shown rather than passed over in silence */
	const char *filter_error =
	    service && *service && !oss_service_valid(service) ? "ไม่มีบริการนี้ กรุณาเลือกบริการจากแท็บ (แสดงคำร้องทุกบริการ)" : NULL;
	if (!service || !oss_service_valid(service))
		service = "";
	/* ?format=csv|xlsx: every request of the tab and search, one query */
	enum sheet_format fmt;
	bool file = export_asked(r, &fmt);
	if (file && filter_error)
		return view_error(r, 422, filter_error);
	struct buf qb = BUF_INIT;
	const char *q = oss_trim(req_query(r, "q"), &qb);
	long long page = req_query_int(r, "page", 1, 1, 1000000000LL);
	long long per_page = req_query_int(r, "per_page", 10, 1, 100);
	if (file)
		page = 1, per_page = ORG_ALL_ROWS;
	struct err e = ERR_INIT;
	json_t *m = oss_my_page(db, acc_user_id(r), service, q, page, per_page, &e);
	if (!m) {
		buf_release(&qb);
		return view_err(r, &e);
	}
	/* "ที่" counts down from the newest, as the seed's list does */
	long long total = jint(m, "total"), from = jint(m, "from");
	oss_list_rows(json_object_get(m, "rows"), total - (from - 1), -1, false, !file && !req_wants_json(r), 0, NULL, 0,
		      0);
	if (file) {
		static const struct sheet_col cols[] = {
		    {"ที่", 6, SHEET_NUMBER, 0, "no"},
		    {"รหัสอ้างอิง", 20, SHEET_CODE, 0, "code"},
		    {"บริการ", 36, SHEET_ENUM, 0, "service_name"},
		    {"วันที่ยื่น", 20, SHEET_DATETIME, 0, "created_at"},
		    {"สถานะ", 30, SHEET_ENUM, 0, "status_label"},
		    {"วันที่เปลี่ยนสถานะ", 20, SHEET_DATETIME, 0, "status_at"}};
		static const struct export_list l = {"คำร้องของฉัน", "my-requests", 6, cols};
		buf_release(&qb);
		return export_rows(r, fmt, &l, json_object_get(m, "rows"), m);
	}
	export_links(r, m);
	json_t *params = json_pack("{s:s, s:s, s:I}", "service", service, "q", q, "per_page",
				   (json_int_t)(jint(m, "per_page") == 10 ? 0 : jint(m, "per_page")));
	oss_pager(m, "/oss/my", params);
	json_decref(params);
	json_object_set_new(m, "tabs", oss_my_tabs(service));
	json_object_set_new(m, "service", json_string(service));
	json_object_set_new(m, "services", services_shared());
	json_object_set_new(m, "page_title", json_string("คำร้องของฉัน"));
	json_object_set_new(m, "filter_error", filter_error ? json_string(filter_error) : json_null());
	buf_release(&qb);
	return view_page(r, filter_error ? 422 : 200, "oss/my", m);
}

/* ---- one request --------------------------------------------------------------- */

static json_t *load(struct req *r, bool *officer, int *answered)
{
	struct err e = ERR_INIT;
	json_t *req = oss_load_visible(r, req_db(r), req_param_id(r, "id"), officer, &e);
	if (!req)
		*answered = view_err(r, &e);
	return req;
}

/* What a request is shown as: the page or the printable document (the
 * route's data). */
struct request_view {
	const char *tmpl;
	bool print;
};
static const struct request_view as_page = {"oss/request", false}, as_print = {"oss/print", true};

static int request_view(struct req *r)
{
	const struct request_view *v = req_route_data(r);
	assert(v);
	bool officer;
	int rc = 0;
	json_t *req = load(r, &officer, &rc);
	if (!req)
		return rc;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *m = oss_request_model(r, db, req, officer, &e);
	if (!m) {
		json_decref(req);
		return view_err(r, &e);
	}
	if (officer)
		oss_audit(r, db, "personal.read", "oss_request", jint(req, "id"), jint(req, "area_id"),
			  json_pack("{s:s, s:s}", "code", jstr(req, "code"), "page", v->print ? "print" : "view"));
	json_t *area = org_area_get(db, jint(req, "area_id"), &e);
	json_object_set_new(m, "area", area ? area : json_null());
	struct buf title = BUF_INIT;
	buf_addf(&title, "คำร้อง %s", jstr(req, "code"));
	json_object_set_new(m, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	json_object_set_new(m, "printed_at_text", oss_text_datetime(oss_now()));
	json_decref(req);
	return view_page(r, 200, v->tmpl, m);
}

static int file_get(struct req *r)
{
	bool officer;
	int rc = 0;
	json_t *req = load(r, &officer, &rc);
	if (!req)
		return rc;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long fid = req_param_id(r, "fid");
	json_t *f = fid > 0 ? oss_file_get(db, jint(req, "id"), fid, &e) : NULL;
	if (!f) {
		json_decref(req);
		return fid > 0 ? view_err(r, &e) : view_error(r, 404, "ไม่พบไฟล์ที่ต้องการ");
	}
	if (officer)
		oss_audit(r, db, "personal.read", "oss_file", fid, jint(req, "area_id"),
			  json_pack("{s:s, s:s}", "code", jstr(req, "code"), "slot", jstr(f, "slot")));
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", http_settings()->data_dir, jstr(f, "path"));
	rc = view_file(r, buf_cstr(&path), jstr(f, "mime"), jstr(f, "name"));
	buf_release(&path);
	json_decref(f);
	json_decref(req);
	return rc;
}

/* ---- edit ------------------------------------------------------------------------ */

/* The applicant's own request that may still be edited, or an answer. */
static json_t *load_editable(struct req *r, const struct oss_service_def **svc, int *answered)
{
	bool officer;
	json_t *req = load(r, &officer, answered);
	if (!req)
		return NULL;
	struct err e = ERR_INIT;
	if (jint(req, "applicant_id") != acc_user_id(r)) {
		/* an officer sees the request but may not edit it */
		json_decref(req);
		*answered = view_error(r, 403, "การแก้ไขข้อมูลคำร้องทำได้เฉพาะผู้ยื่นคำร้อง");
		return NULL;
	}
	enum oss_status to;
	if (oss_transition((enum oss_status)oss_status_parse(jstr(req, "status")), OSS_APPLICANT, OSS_EDIT, NULL,
			   &to, &e) < 0) {
		json_decref(req);
		*answered = view_err(r, &e);
		return NULL;
	}
	*svc = oss_service_def(jstr(req, "service"));
	return req;
}

static int edit_get(struct req *r)
{
	const struct oss_service_def *svc;
	int rc = 0;
	json_t *req = load_editable(r, &svc, &rc);
	if (!req)
		return rc;
	rc = form_page(r, svc, req, values_of(req, svc), 200);
	json_decref(req);
	return rc;
}

static int edit_post(struct req *r)
{
	const struct oss_service_def *url_svc = service_of_path(r, "/oss/edit/");
	const struct oss_service_def *svc;
	int rc = 0;
	json_t *req = load_editable(r, &svc, &rc);
	if (!req)
		return rc;
	if (svc != url_svc) {
		json_decref(req);
		return view_error(r, 404, "ไม่พบคำร้องที่ระบุ");
	}
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long id = jint(req, "id");
	json_t *stored = oss_request_files(db, id, &e);
	if (!stored) {
		json_decref(req);
		return view_err(r, &e);
	}
	bool files_ok = files_complete(r, svc, stored);
	json_decref(stored);
	if (!form_ok(r)) {
		service_check_at_once(r, db, svc, jint(req, "area_id"));
		rc = form_again(r, svc, req, NULL);
		json_decref(req);
		return rc;
	}
	long long area_id = jint(req, "area_id");
	if (num_ll_or(form_value(r, "area_id"), 0) != area_id) {
		err_field(&e, "area_id",
			  "เปลี่ยนสำนักงานเขตพื้นที่ของคำร้องที่ส่งแล้วไม่ได้ หากต้องการยื่นที่เขตอื่น กรุณายกเลิกคำร้องนี้แล้วยื่นใหม่");
		rc = form_again(r, svc, req, &e);
		json_decref(req);
		return rc;
	}
	long long now = oss_now();
	struct oss_booking_plan bp = {0};
	json_t *data = oss_service_read(r, db, svc, area_id, now, &bp, &e);
	if (!data || !files_ok) {
		json_decref(data);
		rc = form_again(r, svc, req, data ? NULL : &e);
		json_decref(req);
		return rc;
	}
	json_t *profile = acc_user_profile(db, acc_user_id(r), &e);
	if (!profile || (bp.nslots > 0 && oss_booking_free(db, bp.room_id, bp.slots, bp.nslots, id, &e) < 0)) {
		json_decref(profile);
		json_decref(data);
		rc = e.status == 409 ? form_again(r, svc, req, &e) : view_err(r, &e);
		json_decref(req);
		return rc;
	}
	add_applicant(r, data, profile);
	json_decref(profile);
	struct buf search = BUF_INIT;
	oss_search_text("", data, &search);
	const char *slots[8];
	int ns = slot_names(svc, slots, 8);
	long long last = 0;
	oss_request_expect(r, req);
	int to = oss_request_move(db, req, OSS_APPLICANT, OSS_EDIT, acc_user_id(r), acc_display_name(r), "", data,
				  buf_cstr(&search), 0, now, &e);
	buf_release(&search);
	if (to >= 0 && bp.nslots > 0 &&
	    oss_booking_store(db, id, bp.room_id, bp.slots, bp.nslots, bp.attendees, jstr(data, "chairman"),
			      jstr(data, "coordinator"), &e) < 0)
		to = -1;
	json_decref(data);
	if (to < 0 && e.status == 409) {
		/* changed since the form was opened: nothing is kept, and the
		 * form shows the request as it is now */
		json_decref(req);
		struct err e2 = ERR_INIT;
		json_t *now_req = oss_request_get(db, id, &e2);
		if (!now_req)
			return view_err(r, &e2);
		json_t *cur = values_of(now_req, svc);
		form_stale(r, svc->fields, cur, jint(now_req, "updated_at"), "คำร้อง");
		rc = form_page(r, svc, now_req, cur, 409);
		json_decref(now_req);
		return rc;
	}
	if (to < 0 || oss_keep_files(r, db, id, slots, ns, NULL, &last, &e) < 0) {
		json_decref(req);
		return view_err(r, &e);
	}
	if (to == OSS_RESUBMITTED)
		oss_notify_status(r, db, req, "");
	json_decref(req);
	char url[64];
	snprintf(url, sizeof url, "/oss/requests/%lld", id);
	return view_redirect(r, url, to == OSS_RESUBMITTED ? "ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่แล้ว" : "บันทึกการแก้ไขคำร้องเรียบร้อยแล้ว");
}

/* ---- cancel --------------------------------------------------------------------- */

static const struct field cancel_form[] = {
    {.name = "reason", .label = "เหตุผลที่ยกเลิก (ถ้ามี)", .type = FT_TEXTAREA, .max = OSS_MESSAGE_MAX},
    {NULL},
};

/* The applicant's own request; an officer cancels on the processing page. */
static json_t *load_own(struct req *r, int *answered)
{
	bool officer;
	json_t *req = load(r, &officer, answered);
	if (req && jint(req, "applicant_id") != acc_user_id(r)) {
		json_decref(req);
		*answered = view_error(r, 404, "ไม่พบคำร้องที่ระบุ");
		return NULL;
	}
	return req;
}

static int cancel_get(struct req *r)
{
	int rc = 0;
	json_t *req = load_own(r, &rc);
	if (!req)
		return rc;
	struct err e = ERR_INIT;
	/* the same rule as the POST: a request past cancelling is told so
	 * (409 with the reason) rather than offered a form that must fail */
	enum oss_status to;
	if (oss_transition((enum oss_status)oss_status_parse(jstr(req, "status")), OSS_APPLICANT, OSS_CANCEL, NULL,
			   &to, &e) < 0) {
		json_decref(req);
		return view_err(r, &e);
	}
	json_t *m = oss_request_model(r, req_db(r), req, false, &e);
	json_decref(req);
	if (!m)
		return view_err(r, &e);
	json_object_set_new(m, "page_title", json_string("ยกเลิกคำร้อง"));
	json_object_set_new(m, "form", form_model(r, cancel_form, NULL));
	return view_page(r, 200, "oss/cancel", m);
}

static int cancel_post(struct req *r)
{
	int rc = 0;
	json_t *req = load_own(r, &rc);
	if (!req)
		return rc;
	struct err e = ERR_INIT;
	if (!form_ok(r)) {
		json_decref(req);
		return view_error(r, 422, "เหตุผลที่ยกเลิกยาวเกินไป (ไม่เกิน 1,000 ตัวอักษร)");
	}
	struct db *db = req_db(r);
	int to = oss_request_move(db, req, OSS_APPLICANT, OSS_CANCEL, acc_user_id(r), acc_display_name(r),
				  form_value(r, "reason"), NULL, NULL, 0, oss_now(), &e);
	if (to < 0) {
		json_decref(req);
		return view_err(r, &e);
	}
	oss_notify_status(r, db, req, form_value(r, "reason"));
	struct buf flash = BUF_INIT;
	buf_addf(&flash, "ยกเลิกคำร้อง %s แล้ว", jstr(req, "code"));
	json_decref(req);
	rc = view_redirect(r, "/oss/my", buf_cstr(&flash));
	buf_release(&flash);
	return rc;
}

/* ---- the route table ------------------------------------------------------------------ */

#define SIGNED ACCESS_SIGNED_IN
#define STAFF "officer area_admin"

static const struct route routes[] = {
    {"GET", "/oss", home, NULL, "oss.home", ACCESS_PUBLIC, 0},
    {"GET", "/oss/status", status_page, NULL, "oss.status", ACCESS_PUBLIC, 0},
    {"GET", "/privacy", privacy_page, NULL, "privacy", ACCESS_PUBLIC, 0},
    {"GET", "/oss/docs/:area/:service/:kind", oss_document_get, NULL, "oss.document", ACCESS_PUBLIC, 0},
    {"GET", "/oss/my", my_list, NULL, "oss.my", SIGNED, 0},
    {"GET", "/oss/new/:service", new_get, NULL, "oss.new", SIGNED, 0},
    {"GET", "/oss/quote", oss_quote, NULL, "oss.quote", SIGNED, 0},
    {"GET", "/oss/rooms/:id/calendar", oss_room_calendar, NULL, "oss.room.calendar", SIGNED, 0},
    /* the meeting-room desk (rooms.c) */
    {"GET", "/oss/rooms/free", oss_rooms_free_page, NULL, "oss.room.free", SIGNED, 0},
    {"GET", "/oss/rooms/approve", oss_rooms_approve_get, NULL, "oss.room.approve", SIGNED, "officer"},
    {"POST", "/oss/rooms/approve", oss_rooms_approve_post, oss_rooms_approve_form, "oss.room.approve", SIGNED,
     "officer"},
    {"GET", "/oss/rooms/usage", oss_rooms_usage, NULL, "oss.room.usage", SIGNED, STAFF},
    {"POST", "/oss/new/11", new_post, oss_fields_11, "oss.submit", SIGNED, 0},
    {"POST", "/oss/new/12", new_post, oss_fields_12, "oss.submit", SIGNED, 0},
    {"POST", "/oss/new/21", new_post, oss_fields_21, "oss.submit", SIGNED, 0},
    {"POST", "/oss/new/31", new_post, oss_fields_31, "oss.submit", SIGNED, 0},
    {"POST", "/oss/new/32", new_post, oss_fields_32, "oss.submit", SIGNED, 0},
    {"POST", "/oss/new/41", new_post, oss_fields_41, "oss.submit", SIGNED, 0},
    {"GET", "/oss/requests/:id", request_view, NULL, "oss.request", SIGNED, NULL, &as_page},
    {"GET", "/oss/requests/:id/print", request_view, NULL, "oss.print", SIGNED, NULL, &as_print},
    {"GET", "/oss/requests/:id/pdf", oss_request_pdf, NULL, "oss.pdf", SIGNED, 0},
    {"GET", "/oss/requests/:id/files/:fid", file_get, NULL, "oss.file", SIGNED, 0},
    {"GET", "/oss/requests/:id/edit", edit_get, NULL, "oss.edit", SIGNED, 0},
    {"POST", "/oss/edit/11/:id", edit_post, oss_fields_11, "oss.edit.save", SIGNED, 0},
    {"POST", "/oss/edit/12/:id", edit_post, oss_fields_12, "oss.edit.save", SIGNED, 0},
    {"POST", "/oss/edit/21/:id", edit_post, oss_fields_21, "oss.edit.save", SIGNED, 0},
    {"POST", "/oss/edit/31/:id", edit_post, oss_fields_31, "oss.edit.save", SIGNED, 0},
    {"POST", "/oss/edit/32/:id", edit_post, oss_fields_32, "oss.edit.save", SIGNED, 0},
    {"POST", "/oss/edit/41/:id", edit_post, oss_fields_41, "oss.edit.save", SIGNED, 0},
    {"GET", "/oss/requests/:id/cancel", cancel_get, NULL, "oss.cancel", SIGNED, 0},
    {"POST", "/oss/requests/:id/cancel", cancel_post, cancel_form, "oss.cancel", SIGNED, 0},
    /* officers (officer.c) */
    {"GET", "/oss/manage", oss_manage_dashboard, NULL, "oss.manage", SIGNED, STAFF, NULL, ROUTE_MAY_LAG},
    {"GET", "/oss/manage/list", oss_manage_list, NULL, "oss.manage.list", SIGNED, STAFF},
    {"GET", "/oss/manage/requests/:id", oss_process_get, NULL, "oss.process", SIGNED, STAFF},
    {"POST", "/oss/manage/requests/:id", oss_process_post, oss_process_form, "oss.process", SIGNED, STAFF},
    {"POST", "/oss/manage/requests/:id/message", oss_process_message, oss_message_form, "oss.process.message", SIGNED,
     STAFF},
    /* the area admin's settings (admin.c) */
    {"GET", "/oss/admin", oss_admin_index, NULL, "oss.admin", SIGNED, "area_admin"},
    {"GET", "/oss/admin/officers", oss_admin_officers, NULL, "oss.admin.officers", SIGNED, "area_admin"},
    {"POST", "/oss/admin/officers", oss_admin_officer_add, oss_officer_form, "oss.admin.officers", SIGNED,
     "area_admin"},
    {"POST", "/oss/admin/officers/:id/remove", oss_admin_officer_remove, oss_remove_form, "oss.admin.officers", SIGNED,
     "area_admin"},
    {"GET", "/oss/admin/rooms", oss_admin_rooms, NULL, "oss.admin.rooms", SIGNED, "area_admin"},
    {"POST", "/oss/admin/rooms", oss_admin_room_add, oss_room_form, "oss.admin.rooms", SIGNED, "area_admin"},
    {"POST", "/oss/admin/rooms/:id", oss_admin_room_update, oss_room_form, "oss.admin.rooms", SIGNED, "area_admin"},
    {"GET", "/oss/admin/holidays", oss_admin_holidays, NULL, "oss.admin.holidays", SIGNED, "area_admin"},
    {"POST", "/oss/admin/holidays", oss_admin_holiday_add, oss_holiday_form, "oss.admin.holidays", SIGNED,
     "area_admin"},
    {"POST", "/oss/admin/holidays/:id/remove", oss_admin_holiday_remove, oss_remove_form, "oss.admin.holidays", SIGNED,
     "area_admin"},
    {"GET", "/oss/admin/documents", oss_admin_documents, NULL, "oss.admin.documents", SIGNED, "area_admin"},
    {"POST", "/oss/admin/documents", oss_admin_document_add, oss_document_form, "oss.admin.documents", SIGNED,
     "area_admin"},
    {"POST", "/oss/admin/documents/:service/:kind/remove", oss_admin_document_remove, oss_remove_form,
     "oss.admin.documents", SIGNED, "area_admin"},
    {"GET", "/oss/admin/prices", oss_admin_prices, NULL, "oss.admin.prices", SIGNED, "area_admin"},
    {"POST", "/oss/admin/prices", oss_admin_prices_post, oss_prices_form, "oss.admin.prices", SIGNED, "area_admin"},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table oss_routes = {"oss", routes};
