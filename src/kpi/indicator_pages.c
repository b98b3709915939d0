/* indicator_pages: an indicator's pages (KPI-2) — creating and editing
 * it, its page with attachments and periods, its status (Open, Close,
 * hidden) and its attachments. Only its owning work group, the area admin
 * and a super admin manage it (access.c); anyone else of its area sees it
 * unless it is hidden. An attachment is kept under DATA/kpi/indicators/<id>/
 * with a random name; the row refers to it only when the save succeeds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/buf.h"
#include "core/view.h"
#include "kpi/kpi_pages.h"
#include "org/org.h"

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
	json_t *form = form_model(r, kpi_indicator_form, values);
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
	char action[64];
	struct buf title = BUF_INIT; /* the indicator's number is typed text */
	if (ind) {
		buf_addf(&title, "แก้ไขตัวชี้วัด %s ปีงบประมาณ %d", json_string_value(json_object_get(ind, "number")), fy);
		snprintf(action, sizeof action, "/kpi/indicators/%lld/edit",
			 (long long)json_integer_value(json_object_get(ind, "id")));
	} else {
		buf_addf(&title, "กำหนดตัวชี้วัด ปีงบประมาณ %d", fy);
		snprintf(action, sizeof action, "/kpi/%d/new", fy);
	}
	json_t *m = json_pack("{s:s, s:o, s:s, s:i, s:b}", "page_title", buf_cstr(&title), "form", form, "action",
			      action, "fiscal_year", fy, "editing", ind != NULL);
	buf_release(&title);
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

int kpi_indicator_new_get(struct req *r)
{
	int fy, rc = 0;
	long long area;
	if (!kpi_year_area(r, &fy, &area, &rc))
		return rc;
	if (!kpi_may_create(acc_active_grant(r), area))
		return view_error(r, 403, "ท่านไม่มีสิทธิ์กำหนดตัวชี้วัด (เฉพาะเจ้าของตัวชี้วัดของกลุ่มงานและแอดมินเขต)");
	return indicator_form_page(r, 200, area, fy, NULL);
}

int kpi_indicator_new_post(struct req *r)
{
	int fy, rc = 0;
	long long area;
	if (!kpi_year_area(r, &fy, &area, &rc))
		return rc;
	const struct acc_grant *g = acc_active_grant(r);
	if (!kpi_may_create(g, area))
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
	long long id = kpi_indicator_create(req_db(r), area, fy, &in, acc_user_id(r), &e);
	if (id < 0) {
		if (e.status >= 500 || !e.status)
			return view_err(r, &e);
		form_error_err(r, &e);
		return indicator_form_page(r, 422, area, fy, NULL);
	}
	kpi_audit(r, "kpi.indicator.create", "kpi_indicator", id, area,
		  json_pack("{s:s, s:s, s:i}", "number", in.number, "name", in.name, "fiscal_year", fy));
	char u[64];
	snprintf(u, sizeof u, "/kpi/indicators/%lld", id);
	return view_redirect(r, u, "บันทึกตัวชี้วัดแล้ว เปิดรอบรายงานและกำหนดหน่วยงานผู้รายงานได้ที่หน้านี้");
}

int kpi_indicator_edit_get(struct req *r)
{
	bool manage = false;
	json_t *ind = kpi_indicator_for(r, req_param_id(r, "id"), &manage);
	if (!ind)
		return 0;
	if (!manage) {
		json_decref(ind);
		return view_error(r, 403, kpi_not_yours);
	}
	long long area = json_integer_value(json_object_get(ind, "area_id"));
	int fy = (int)json_integer_value(json_object_get(ind, "fiscal_year"));
	int rc = indicator_form_page(r, 200, area, fy, ind);
	json_decref(ind);
	return rc;
}

int kpi_indicator_edit_post(struct req *r)
{
	bool manage = false;
	json_t *ind = kpi_indicator_for(r, req_param_id(r, "id"), &manage);
	if (!ind)
		return 0;
	int rc;
	long long id = json_integer_value(json_object_get(ind, "id"));
	long long area = json_integer_value(json_object_get(ind, "area_id"));
	int fy = (int)json_integer_value(json_object_get(ind, "fiscal_year"));
	if (!manage) {
		rc = view_error(r, 403, kpi_not_yours);
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
	if (kpi_indicator_update(req_db(r), id, &in, acc_user_id(r), &e) < 0) {
		if (e.status >= 500 || !e.status) {
			rc = view_err(r, &e);
			goto out;
		}
		form_error_err(r, &e);
		rc = indicator_form_page(r, 422, area, fy, ind);
		goto out;
	}
	kpi_audit(r, "kpi.indicator.update", "kpi_indicator", id, area,
		  json_pack("{s:s, s:s}", "number", in.number, "status", in.status));
	char u[64];
	snprintf(u, sizeof u, "/kpi/indicators/%lld", id);
	rc = view_redirect(r, u, "บันทึกการแก้ไขตัวชี้วัดแล้ว");
out:
	json_decref(ind);
	return rc;
}

/* ---- one indicator: files, periods, status ------------------------------ */

int kpi_indicator_page(struct req *r, int status, long long id, const char *error)
{
	bool manage = false;
	json_t *ind = kpi_indicator_for(r, id, &manage);
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
		    kpi_url_json("/kpi/indicators/%lld/files/%lld", id, json_integer_value(json_object_get(x, "id"))));
		json_object_set_new(x, "delete_url",
				    kpi_url_json("/kpi/indicators/%lld/files/%lld/delete", id,
						 json_integer_value(json_object_get(x, "id"))));
	}
	json_array_foreach(periods, i, x)
	{
		long long pid = json_integer_value(json_object_get(x, "id"));
		json_object_set_new(x, "open_url", kpi_url_json("/kpi/periods/%lld/open", pid));
		json_object_set_new(x, "close_url", kpi_url_json("/kpi/periods/%lld/close", pid));
		json_object_set_new(x, "units_url", kpi_url_json("/kpi/periods/%lld/units", pid));
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
	struct buf title = BUF_INIT;
	buf_addf(&title, "ตัวชี้วัด %s ปีงบประมาณ %lld", json_string_value(json_object_get(ind, "number")),
		 (long long)json_integer_value(json_object_get(ind, "fiscal_year")));
	json_t *m = json_pack("{s:s, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:o, s:o, s:o}", "page_title", buf_cstr(&title),
			      "indicator", ind, "files", files, "periods", periods, "slots", slots, "can_manage",
			      manage, "can_review", kpi_may_review(acc_active_grant(r), area, wg), "has_files",
			      json_array_size(files) > 0, "edit_url", kpi_url_json("/kpi/indicators/%lld/edit", id),
			      "matrix_url", kpi_url_json("/kpi/indicators/%lld/matrix", id), "list_url",
			      kpi_url_json("/kpi/%lld", json_integer_value(json_object_get(ind, "fiscal_year"))));
	buf_release(&title);
	json_object_set_new(m, "status_url", kpi_url_json("/kpi/indicators/%lld/status", id));
	json_object_set_new(m, "files_url", kpi_url_json("/kpi/indicators/%lld/files", id));
	json_t *sc = json_array();
	for (const struct choice *c = kpi_status_choices; c->value; c++)
		json_array_append_new(sc,
				      json_pack("{s:s, s:s, s:b}", "value", c->value, "label", c->label, "selected",
						!strcmp(c->value, json_string_value(json_object_get(ind, "status")))));
	json_object_set_new(m, "status_choices", sc);
	if (error)
		json_object_set_new(m, "error", json_string(error));
	return view_page(r, status, "kpi/indicator", m);
}

int kpi_indicator_view_get(struct req *r)
{
	return kpi_indicator_page(r, 200, req_param_id(r, "id"), NULL);
}

/* An indicator POST that the user may manage; NULL after answering. */
static json_t *managed_indicator(struct req *r, long long id)
{
	bool manage = false;
	json_t *ind = kpi_indicator_for(r, id, &manage);
	if (ind && !manage) {
		json_decref(ind);
		view_error(r, 403, kpi_not_yours);
		return NULL;
	}
	return ind;
}

/* Answers a failed POST on an indicator: its page with the message. */
int kpi_indicator_failed(struct req *r, long long id, const struct err *e)
{
	if (e->status >= 500 || !e->status)
		return view_err(r, e);
	return kpi_indicator_page(r, e->status == 409 ? 409 : 422, id, e->msg);
}

int kpi_indicator_status_post(struct req *r)
{
	long long id = req_param_id(r, "id");
	json_t *ind = managed_indicator(r, id);
	if (!ind)
		return 0;
	long long area = json_integer_value(json_object_get(ind, "area_id"));
	json_decref(ind);
	struct err e = ERR_INIT;
	if (!form_ok(r))
		return kpi_indicator_page(r, 422, id, "กรุณาเลือกสถานะตัวชี้วัด (Open, Close หรือปิดการมองเห็น)");
	const char *st = form_value(r, "status");
	if (kpi_indicator_set_status(req_db(r), id, st, &e) < 0)
		return kpi_indicator_failed(r, id, &e);
	kpi_audit(r, "kpi.indicator.status", "kpi_indicator", id, area, json_pack("{s:s}", "status", st));
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

int kpi_indicator_attachment_post(struct req *r)
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
		json_t *errs = form_model(r, kpi_ind_file_form, NULL);
		json_t *fe = json_object_get(json_object_get(errs, "errors"), "file");
		if (!fe)
			fe = json_object_get(json_object_get(errs, "errors"), "slot");
		int rc = kpi_indicator_page(r, 422, id, fe ? json_string_value(fe) : msg);
		json_decref(errs);
		return rc;
	}
	long long slot = form_int(r, "slot");
	if (kpi_ind_file_slot_check(slot, &e) < 0)
		return kpi_indicator_failed(r, id, &e);
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
				   buf_cstr(&dest), acc_user_id(r), &e) < 0) {
		unlink(buf_cstr(&dest));
		rc = kpi_indicator_failed(r, id, &e);
		goto out;
	}
	kpi_audit(r, "kpi.indicator.file", "kpi_indicator", id, area,
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

int kpi_indicator_attachment_delete_post(struct req *r)
{
	long long id = req_param_id(r, "id");
	json_t *ind = managed_indicator(r, id);
	if (!ind)
		return 0;
	json_decref(ind);
	struct err e = ERR_INIT;
	if (kpi_indicator_file_delete(req_db(r), id, req_param_id(r, "fid"), &e) < 0)
		return e.status == 404 ? view_err(r, &e) : kpi_indicator_failed(r, id, &e);
	char u[64];
	snprintf(u, sizeof u, "/kpi/indicators/%lld", id);
	return view_redirect(r, u, "ลบเอกสารแนบแล้ว");
}

int kpi_indicator_attachment_get(struct req *r)
{
	long long id = req_param_id(r, "id");
	json_t *ind = kpi_indicator_for(r, id, NULL);
	if (!ind)
		return 0;
	json_decref(ind);
	struct err e = ERR_INIT;
	json_t *f = kpi_indicator_file_get(req_db(r), id, req_param_id(r, "fid"), &e);
	if (!f)
		return view_err(r, &e);
	return kpi_send_file(r, f);
}
