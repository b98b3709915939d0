/* view: turning a handler's model into the answer. HTML pages are the page
 * template (which extends templates/layout.html through mustache
 * inheritance) rendered with the model plus the layout's own data; JSON
 * clients get the handler's model without the layout's data, so every page
 * is an API, and without the personal fields its page does not print
 * (core/personal.h): a handler may load a whole record for a page that
 * shows two of its fields, and the JSON still shows no more than the page
 * does. Which personal fields a page printed, HTML or JSON, goes to the
 * personal hook for the audit trail. Templates are parsed once at
 * start from the copies compiled into the binary; under --dev they are read
 * from disk again for every page so an edit shows on reload. A one-shot
 * message after a redirect ("บันทึกเรียบร้อย") travels in a short-lived
 * cookie, since instances keep no state of their own. */
#include "core/cookie.h"
#include "core/view.h"

#include <dirent.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/api.h"
#include "core/assets.h"
#include "core/embedded.h"
#include "core/http_internal.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/personal.h"
#include "core/server.h"
#include "core/thai.h"
#include "core/tmpl.h"

#ifndef KHET_VERSION
#define KHET_VERSION "0.1.0"
#endif

static struct tmpl_set *tmpls;
static char *dev_dir;
static json_t *asset_model;
static view_layout_hook layout_hook;
static view_personal_hook personal_hook;
static view_personal_wanted_fn personal_wanted;

void view_set_layout_hook(view_layout_hook hook)
{
	layout_hook = hook;
}

void view_set_personal_hook(view_personal_hook hook)
{
	personal_hook = hook;
}

void view_set_personal_wanted(view_personal_wanted_fn fn)
{
	personal_wanted = fn;
}

bool view_personal_wanted(struct req *r)
{
	return personal_hook && (!personal_wanted || personal_wanted(r));
}

/* "templates/oss/list.html" → "oss/list" */
static int template_name(const char *path, const char *prefix, struct buf *name)
{
	size_t pl = strlen(prefix), l = strlen(path);
	if (strncmp(path, prefix, pl) || l <= pl + 5 || strcmp(path + l - 5, ".html"))
		return -1;
	buf_reset(name);
	buf_add(name, path + pl, l - pl - 5);
	return 0;
}

static int load_embedded(struct tmpl_set *set, struct err *e)
{
	struct buf name = BUF_INIT;
	for (size_t i = 0; i < embedded_count; i++) {
		const struct embedded_file *f = &embedded_files[i];
		if (template_name(f->path, "templates/", &name) < 0)
			continue;
		if (tmpl_set_add(set, buf_cstr(&name), f->data, f->len, e) < 0) {
			buf_release(&name);
			return -1;
		}
	}
	buf_release(&name);
	return 0;
}

static int load_dir(struct tmpl_set *set, const char *root, const char *sub, struct err *e)
{
	struct buf dir = BUF_INIT;
	buf_addf(&dir, "%s%s%s", root, *sub ? "/" : "", sub);
	DIR *d = opendir(buf_cstr(&dir));
	if (!d) {
		err_set(e, 500, "อ่านโฟลเดอร์แม่แบบ %s ไม่ได้", buf_cstr(&dir));
		buf_release(&dir);
		return -1;
	}
	struct dirent *de;
	int rc = 0;
	struct buf path = BUF_INIT, name = BUF_INIT;
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		buf_reset(&path);
		buf_addf(&path, "%s/%s", buf_cstr(&dir), de->d_name);
		struct stat st;
		if (stat(buf_cstr(&path), &st) < 0)
			continue;
		buf_reset(&name);
		buf_addf(&name, "%s%s%s", sub, *sub ? "/" : "", de->d_name);
		if (S_ISDIR(st.st_mode)) {
			rc = load_dir(set, root, buf_cstr(&name), e);
			continue;
		}
		size_t nl = name.len;
		if (nl < 6 || strcmp(name.data + nl - 5, ".html"))
			continue;
		FILE *f = fopen(buf_cstr(&path), "rb");
		if (!f)
			continue;
		struct buf src = BUF_INIT;
		char tmp[8192];
		size_t n;
		while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
			buf_add(&src, tmp, n);
		fclose(f);
		name.data[nl - 5] = 0;
		rc = tmpl_set_add(set, name.data, buf_cstr(&src), src.len, e);
		buf_release(&src);
	}
	closedir(d);
	buf_release(&path);
	buf_release(&name);
	buf_release(&dir);
	return rc;
}

static void key_of(const char *logical, struct buf *out)
{
	buf_reset(out);
	for (const char *p = logical; *p; p++)
		buf_addc(out, (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ? *p : '_');
}

int view_init(const char *templates_dir, const char *static_dir, struct err *e)
{
	if (assets_load(static_dir, e) < 0)
		return -1;
	asset_model = json_object();
	const char *k;
	json_t *v;
	struct buf key = BUF_INIT;
	json_object_foreach(assets_manifest(), k, v)
	{
		key_of(k, &key);
		json_object_set(asset_model, buf_cstr(&key), v);
	}
	buf_release(&key);
	if (templates_dir) {
		dev_dir = xstrdup(templates_dir);
		/* parse once now so a broken template stops the start, as in production */
		struct tmpl_set *set = tmpl_set_new();
		int rc = load_dir(set, dev_dir, "", e);
		tmpl_set_free(set);
		return rc;
	}
	tmpls = tmpl_set_new();
	return load_embedded(tmpls, e);
}

int view_init_text(struct err *e)
{
	asset_model = json_object();
	tmpls = tmpl_set_new();
	return load_embedded(tmpls, e);
}

void view_shutdown(void)
{
	tmpl_set_free(tmpls);
	tmpls = NULL;
	free(dev_dir);
	dev_dir = NULL;
	json_decref(asset_model);
	asset_model = NULL;
	assets_free();
}

const char *view_asset(const char *logical)
{
	return assets_url(logical);
}

static int render(const char *tmpl, json_t *model, struct buf *out, const struct tmpl_watch *watch, struct err *e)
{
	if (!dev_dir)
		return tmpl_render_watch(tmpls, tmpl, model, out, watch, e);
	struct tmpl_set *set = tmpl_set_new();
	int rc = load_dir(set, dev_dir, "", e);
	if (rc == 0)
		rc = tmpl_render_watch(set, tmpl, model, out, watch, e);
	tmpl_set_free(set);
	return rc;
}

int view_render_text(const char *tmpl, json_t *model, struct buf *out, struct err *e)
{
	return render(tmpl, model, out, NULL, e);
}

static void respond_buf(struct req *r, int status, const char *type, struct buf *b)
{
	size_t len;
	char *data = buf_detach(b, &len);
	struct MHD_Response *resp = http_body_response(r, data, len, type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	http_finish(r, status, resp);
}

static void respond_json(struct req *r, int status, json_t *j)
{
	struct buf b = BUF_INIT;
	char *s = json_dumps(j, JSON_COMPACT);
	buf_adds(&b, s ? s : "null");
	buf_addc(&b, '\n');
	free(s);
	respond_buf(r, status, "application/json; charset=utf-8", &b);
}

/* The flash cookie (core/cookie.h) is shown once: cleared as it is read. */
static void take_flash(struct req *r, json_t *model)
{
	const char *c = req_cookie(r, "khet_flash");
	if (!c || !*c)
		return;
	json_t *f = cookie_flash_decode(c);
	if (f)
		json_object_set_new(model, "flash", f);
	req_set_cookie(r, "khet_flash", "", 0, true);
}

static void layout_model(struct req *r, json_t *m)
{
	/* every HTML page: keys and texts of our own making go in without
	 * jansson's UTF-8 checks (jx_string: a faster one, for the path) */
	json_object_set_nocheck(m, "asset", asset_model);
	json_object_set_new_nocheck(m, "csrf", jx_string(r->csrf));
	int y, mo, d, h, mi, s, wd;
	thai_local((long long)time(NULL), &y, &mo, &d, &h, &mi, &s, &wd);
	json_object_set_new_nocheck(m, "year_be", json_integer(y + 543));
	json_object_set_new_nocheck(m, "version", json_string_nocheck(KHET_VERSION));
	/* the page with its query, URL-encoded, for /signin?next= — not a
	 * URL over the limit (the 414 page): it is no page to come back to,
	 * and its 12 KB would be echoed into every link of the page */
	struct buf here = BUF_INIT, enc = BUF_INIT;
	req_here(r, &here);
	bool too_long = here.len > HTTP_URL_MAX;
	json_object_set_new_nocheck(m, "path", jx_string(too_long ? "/" : r->path));
	if (!too_long && strncmp(r->path ? r->path : "", "/signin", 7) != 0)
		buf_add_urlenc(&enc, buf_cstr(&here));
	json_object_set_new_nocheck(m, "next_enc", json_string_nocheck(buf_cstr(&enc)));
	buf_release(&here);
	buf_release(&enc);
	take_flash(r, m);
	if (layout_hook)
		layout_hook(r, m);
}

/* The personal fields a page showed go to the audit hook. */
static void report_personal(struct req *r, const char *tmpl, const struct personal *p)
{
	if (!personal_hook || !personal_shown_count(p))
		return;
	json_t *shown = personal_shown(p);
	personal_hook(r, tmpl, shown);
	json_decref(shown);
}

/* A JSON answer carries the personal fields its HTML shows and no others
 * (personal.h): the page is rendered as it would be for the browser, into
 * a buffer thrown away, watching what it prints. The layout's own data is
 * not added (no page shows personal data depending on it, and it would
 * cost the session's navigation); a template that fails to render shows
 * nothing, so every personal field goes. */
static void json_personal(struct req *r, const char *tmpl, json_t *model)
{
	struct personal *p = personal_collect(model);
	if (!p)
		return;
	struct tmpl_watch w = {personal_seen, p};
	struct buf scratch = BUF_INIT;
	struct err e = ERR_INIT;
	if (render(tmpl, model, &scratch, &w, &e) < 0) {
		log_error("req %s: render %s for its JSON: %s", r->id, tmpl, e.msg);
		personal_free(p);
		p = personal_collect(model);
	}
	buf_release(&scratch);
	personal_prune(p);
	report_personal(r, tmpl, p);
	personal_free(p);
}

static json_t *form_fields_of(struct req *r);
static const char *form_message(struct req *r, int status);
static const char *error_code(struct req *r, int status);
static int error_json(struct req *r, int status, const char *message);

int view_page(struct req *r, int status, const char *tmpl, json_t *model)
{
	if (!model)
		model = json_object();
	if (status <= 0)
		status = 200;
	if (r->api_mode) {
		/* a page handler writing for the API showed its form again:
		 * its errors in the API's shape, never the page's model */
		if (status < 400) {
			json_decref(model);
			log_error("req %s: %s %s: page %s shown to an API write", r->id, r->method, r->path, tmpl);
			return api_error(r, 500, NULL, "ขออภัย ระบบขัดข้องชั่วคราว", NULL);
		}
		/* the page's own message at its top (a refusal: "the window
		 * closed on …") when the form has no form-wide one */
		const char *top = json_string_value(json_object_get(model, "error"));
		bool own = top && *top && !json_object_get(r->form.errors, "_form");
		int rc = error_json(r, status, own ? top : NULL);
		json_decref(model);
		return rc;
	}
	if (r->wants_json && status >= 400 && !json_object_get(model, "error")) {
		/* the page shown again with its errors: the one error shape beside
		 * the page's own model */
		json_t *fields = form_fields_of(r);
		json_t *b = api_error_body(status, error_code(r, status), form_message(r, status), fields, r->id);
		json_object_set(model, "error", json_object_get(b, "error"));
		json_decref(b);
		json_decref(fields);
	}
	if (r->wants_json) {
		json_personal(r, tmpl, model);
		respond_json(r, status, model);
		json_decref(model);
		return 0;
	}
	/* before the layout's data joins the model: only the page's own count;
	 * on an HTML page only the audit hook needs them, so not at all when
	 * it would keep nothing (a visitor, a citizen) */
	struct personal *p = view_personal_wanted(r) ? personal_collect(model) : NULL;
	struct tmpl_watch w = {personal_seen, p};
	layout_model(r, model);
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	int rc = render(tmpl, model, &b, p ? &w : NULL, &e);
	if (rc == 0)
		report_personal(r, tmpl, p);
	personal_free(p);
	if (rc < 0) {
		log_error("req %s: render %s: %s", r->id, tmpl, e.msg);
		buf_release(&b);
		json_decref(model);
		buf_adds(&b, "<!doctype html><meta charset=utf-8><title>ระบบขัดข้อง</title>"
			     "<h1>ระบบขัดข้อง</h1><p>ขออภัย ระบบไม่สามารถแสดงหน้านี้ได้ กรุณาลองใหม่อีกครั้ง</p>");
		respond_buf(r, 500, "text/html; charset=utf-8", &b);
		return 0;
	}
	json_decref(model);
	respond_buf(r, status, "text/html; charset=utf-8", &b);
	return 0;
}

int view_redirect(struct req *r, const char *location, const char *flash)
{
	if (r->api_mode) {
		api_page_redirected(r, location);
		return 0;
	}
	if (flash && *flash && !r->wants_json) {
		struct buf enc = BUF_INIT;
		cookie_flash_encode(false, flash, &enc);
		req_set_cookie(r, "khet_flash", buf_cstr(&enc), 60, true);
		buf_release(&enc);
	}
	if (r->wants_json) {
		json_t *j = json_pack("{s:b,s:s}", "ok", 1, "location", location);
		if (flash)
			json_object_set_new(j, "message", json_string(flash));
		respond_json(r, 200, j);
		json_decref(j);
		return 0;
	}
	struct buf b = BUF_INIT;
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	buf_release(&b);
	http_finish(r, 303, resp);
	return 0;
}

static const char *status_title(int status)
{
	switch (status) {
	case 400: return "ข้อมูลไม่ถูกต้อง";
	case 401: return "กรุณาเข้าสู่ระบบ";
	case 403: return "ไม่มีสิทธิ์ดำเนินการ";
	case 404: return "ไม่พบหน้าที่ต้องการ";
	case 405: return "วิธีการส่งข้อมูลไม่ถูกต้อง";
	case 408: return "หมดเวลารอข้อมูล";
	case 409: return "ข้อมูลซ้ำหรือขัดแย้งกับที่มีอยู่";
	case 413: return "ข้อมูลมีขนาดใหญ่เกินกำหนด";
	case 414: return "ที่อยู่ยาวเกินกำหนด";
	case 415: return "รูปแบบข้อมูลไม่รองรับ";
	case 422: return "ข้อมูลไม่ถูกต้อง";
	case 429: return "ส่งคำขอถี่เกินไป";
	case 431: return "ส่วนหัวของคำขอใหญ่เกินกำหนด";
	case 503: return "ระบบไม่พร้อมให้บริการชั่วคราว";
	case 507: return "พื้นที่จัดเก็บข้อมูลเต็ม";
	default: return status >= 500 ? "ระบบขัดข้อง" : "ไม่สามารถดำเนินการได้";
	}
}

/* The form's field errors (not the form-wide one) as {name: message},
 * NULL when none. */
static json_t *form_fields_of(struct req *r)
{
	json_t *errs = r->form.errors;
	if (!errs || !json_object_size(errs))
		return NULL;
	json_t *f = json_deep_copy(errs);
	json_object_del(f, "_form");
	return f;
}

/* The form-wide message, else the first field's, else the status's title. */
static const char *form_message(struct req *r, int status)
{
	json_t *errs = r->form.errors;
	const char *m = json_string_value(json_object_get(errs, "_form"));
	if (m)
		return m;
	if (errs && json_object_size(errs))
		return "ข้อมูลที่ส่งมาไม่ถูกต้อง กรุณาแก้ไขตามข้อความของแต่ละช่อง";
	return status_title(status);
}

static const char *error_code(struct req *r, int status)
{
	if (r->err_code)
		return r->err_code;
	if (status == 409 && r->form.changed)
		return "stale_version";
	if ((status == 400 || status == 422) && r->form.errors && json_object_size(r->form.errors))
		return "validation_failed";
	return api_code_of(status);
}

/* The one error shape (core/api.h), for the API and the pages' JSON. */
static int error_json(struct req *r, int status, const char *message)
{
	/* a refusal of who asks (401, 403) or of what he named (404: another
	 * school's record) says nothing of the body he sent: its fields were
	 * checked as it arrived, before the handler found the record not his,
	 * and their errors would tell the record is there (and what it takes) */
	bool refused = status == 401 || status == 403 || status == 404;
	json_t *fields = refused ? NULL : form_fields_of(r);
	json_t *j = api_error_body(status, error_code(r, status),
				   message ? message : refused ? status_title(status) : form_message(r, status), fields,
				   r->id);
	json_decref(fields);
	if (status == 401)
		req_add_header(r, "WWW-Authenticate", "Bearer realm=\"khet\"");
	respond_json(r, status, j);
	json_decref(j);
	return 0;
}

int view_error(struct req *r, int status, const char *message)
{
	if (status == 503) /* the database went away: come back shortly */
		req_add_header(r, "Retry-After", "5");
	if (!message && status == 507)
		message = "พื้นที่จัดเก็บข้อมูลของระบบเต็ม จึงบันทึกรายการนี้ไม่สำเร็จ ข้อมูลที่บันทึกไว้ก่อนหน้าไม่เสียหาย "
			  "กรุณาแจ้งผู้ดูแลระบบ แล้วส่งใหม่ภายหลัง";
	if (!message && status == 503)
		message = "ระบบฐานข้อมูลไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่ในอีกสักครู่ หากส่งแบบฟอร์มไว้ "
			  "ให้ตรวจสอบก่อนว่าบันทึกแล้วหรือยังก่อนส่งซ้ำ";
	if (!message)
		message = status >= 500 ? "ขออภัย ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้ง หากยังพบปัญหาโปรดแจ้งผู้ดูแลระบบพร้อมรหัสอ้างอิงด้านล่าง"
					: status_title(status);
	if (r->wants_json || r->api_mode)
		return error_json(r, status, message);
	/* the heading says the title already: the paragraph keeps only the
	 * rest of a message that starts with it ("ไม่พบหน้าที่ต้องการ กรุณา…") */
	const char *title = status_title(status), *body = message;
	size_t tl = strlen(title);
	if (!strncmp(body, title, tl) && (body[tl] == ' ' || !body[tl]))
		body += tl + (body[tl] == ' ');
	json_t *m = json_pack("{s:s,s:i,s:s,s:s,s:s}", "page_title", title, "status", status, "title", title, "message",
			      body, "request_id", r->id);
	return view_page(r, status, "error", m);
}

int view_fault(struct req *r, struct err *e)
{
	if (strstr(e->msg, "(SQL: "))
		e->status = 500;
	return view_err(r, e);
}

int view_err(struct req *r, const struct err *e)
{
	if (e->status <= 0 || e->status >= 500) {
		log_error("req %s: %s %s: %s", r->id, r->method, r->path, e->msg);
		return view_error(r, e->status > 0 ? e->status : 500, NULL);
	}
	/* a refusal at a field: the error shape names it (JSON answers) */
	if (e->field[0] && (r->wants_json || r->api_mode)) {
		if (!r->form.errors)
			r->form.errors = json_object();
		if (!json_object_get(r->form.errors, e->field))
			json_object_set_new(r->form.errors, e->field, json_string(e->msg));
	}
	return view_error(r, e->status, e->msg);
}

static void add_disposition2(struct MHD_Response *resp, const char *name, const char *utf8)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "attachment; filename=\"");
	for (const char *p = name; *p; p++)
		buf_addc(&b, ((unsigned char)*p < 0x80 && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) ? *p : '_');
	buf_adds(&b, "\"; filename*=UTF-8''");
	buf_add_urlenc(&b, utf8 ? utf8 : name);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, buf_cstr(&b));
	buf_release(&b);
}

static void add_disposition(struct MHD_Response *resp, const char *name)
{
	add_disposition2(resp, name, NULL);
}

int view_download(struct req *r, const char *content_type, struct buf *body, const char *ascii_name,
		  const char *utf8_name)
{
	size_t len;
	char *data = buf_detach(body, &len);
	struct MHD_Response *resp = http_body_response(r, data, len, content_type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "private, no-store");
	add_disposition2(resp, ascii_name, utf8_name);
	http_finish(r, 200, resp);
	return 0;
}

void view_personal_report(struct req *r, const char *what, json_t *shown)
{
	if (personal_hook && json_array_size(shown))
		personal_hook(r, what, shown);
}

int view_bytes(struct req *r, int status, const char *content_type, struct buf *body, const char *download_name)
{
	size_t len;
	char *data = buf_detach(body, &len);
	struct MHD_Response *resp = http_body_response(r, data, len, content_type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "private, no-store");
	if (download_name)
		add_disposition(resp, download_name);
	http_finish(r, status, resp);
	return 0;
}

int view_public_bytes(struct req *r, const char *content_type, struct buf *body, long long max_age)
{
	size_t len;
	char *data = buf_detach(body, &len);
	r->resp_bytes = (long long)len;
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	char cc[64];
	snprintf(cc, sizeof cc, "public, max-age=%lld", max_age > 0 ? max_age : 0);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cc);
	/* the same for every visitor: no CSRF cookie rides on it */
	r->csrf_new = false;
	http_finish(r, 200, resp);
	return 0;
}

int view_file(struct req *r, const char *path, const char *content_type, const char *download_name)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return view_error(r, 404, "ไม่พบไฟล์ที่ต้องการ");
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "private, no-store");
	add_disposition(resp, download_name ? download_name : "file");
	r->resp_bytes = (long long)st.st_size;
	http_finish(r, 200, resp);
	return 0;
}
