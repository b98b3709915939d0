/* queue: what the area admin's pages of requests share — access requests
 * (access_request.c) and school-admin registrations (school_admin_reg.c):
 * the refusal that leaves an auth.denied row, the area of the page, times
 * as Thai text, the status tabs and the page links. */
#include <stdio.h>
#include <string.h>

#include "acc/acc_internal.h"
#include "core/pager.h"
#include "core/jsonx.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/form.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

int acc_db_unavailable(struct req *r)
{
	return view_error(r, 503, "ระบบฐานข้อมูลไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่อีกครั้ง");
}

int acc_deny_in(struct req *r, long long area_id, const char *target_type, long long target_id, const char *msg)
{
	struct db *db = req_db(r);
	if (db)
		acc_audit_in(r, db, area_id, acc_user_id(r), "auth.denied", target_type, target_id,
			     json_pack("{s:s, s:s}", "method", req_method(r), "path", req_path(r)));
	req_commit_on_error(r);
	return view_error(r, 403, msg);
}

json_t *acc_queue_area(struct req *r, long long *aid, const char *denied, int *answered)
{
	*aid = req_param_id(r, "id");
	if (*aid < 0) {
		*answered = view_error(r, 404, "ไม่พบสำนักงานเขตพื้นที่การศึกษาที่ระบุ");
		return NULL;
	}
	if (!acc_in_area(r, *aid)) {
		*answered = acc_deny_in(r, *aid, "area", *aid, denied);
		return NULL;
	}
	struct db *db = req_db(r);
	if (!db) {
		*answered = acc_db_unavailable(r);
		return NULL;
	}
	struct err e = ERR_INIT;
	json_t *area = org_area_get(db, *aid, &e);
	if (!area)
		*answered = view_err(r, &e);
	return area;
}

void acc_add_time_text(json_t *x, const char *key, const char *text_key)
{
	json_t *v = json_object_get(x, key);
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		struct buf t = BUF_INIT;
		thai_datetime_short(&t, json_integer_value(v));
		json_object_set_new(x, text_key, json_string(buf_cstr(&t)));
		buf_release(&t);
	} else {
		json_object_set_new(x, text_key, json_null());
	}
}

void acc_add_paging(json_t *m, const char *base, long long page, long long pages)
{
	json_object_set_new(m, "pager", pages > 1 ? pager_links(base, page, pages) : json_array());
	json_object_set_new(m, "has_pager", json_boolean(pages > 1));
	struct buf u = BUF_INIT;
	buf_addf(&u, "%spage=%lld", base, page - 1);
	json_object_set_new(m, "prev_url", page > 1 ? json_string(buf_cstr(&u)) : json_null());
	buf_reset(&u);
	buf_addf(&u, "%spage=%lld", base, page + 1);
	json_object_set_new(m, "next_url", page < pages ? json_string(buf_cstr(&u)) : json_null());
	buf_release(&u);
}

const char *acc_queue_status(struct req *r, const struct choice *filter)
{
	const char *status = req_query(r, "status");
	if (!status)
		status = "";
	for (const struct choice *c = filter; c->value; c++)
		if (!strcmp(c->value, status))
			return status;
	return "pending";
}

json_t *acc_queue_rows(struct req *r, long long area_id, const char *status, const char *count_sql,
		       const char *rows_sql, long long per_page, struct org_paging *pg, struct err *e)
{
	struct db *db = req_db(r);
	const char *st = strcmp(status, "all") ? status : "";
	long long total = 0;
	if (db_int_value(db, count_sql, DB_ARGS(DB_INT(area_id), DB_TEXT(st)), &total, e) < 0)
		return NULL;
	org_paging(total, req_query_int(r, "page", 1, 1, 1000000), per_page, pg);
	return db_rows_json(db, rows_sql, DB_ARGS(DB_INT(area_id), DB_TEXT(st), DB_INT(per_page), DB_INT(pg->offset)),
			    e);
}

json_t *acc_queue_model(const char *title, const char *path, json_t *area, json_t *rows, const struct choice *filter,
			const char *status, const struct org_paging *pg)
{
	json_t *filters = json_array();
	for (const struct choice *c = filter; c->value; c++) {
		char u[96];
		snprintf(u, sizeof u, "%s?status=%s", path, c->value);
		json_array_append_new(filters, json_pack("{s:s, s:s, s:s, s:b}", "value", c->value, "label", c->label,
							 "url", u, "current", !strcmp(c->value, status)));
	}
	struct buf t = BUF_INIT, base = BUF_INIT;
	const char *name = json_string_value(json_object_get(area, "short_name"));
	buf_addf(&t, "%s %s", title, name ? name : "");
	buf_addf(&base, "%s?status=%s&", path, status);
	json_t *m = json_pack("{s:s, s:o, s:o, s:o, s:s, s:I, s:I, s:I}", "page_title", buf_cstr(&t), "area", area,
			      "rows", rows, "filters", filters, "status", status, "total", (json_int_t)pg->total,
			      "page", (json_int_t)pg->page, "pages", (json_int_t)pg->pages);
	json_object_set_new(m, "has_rows", json_boolean(pg->total > 0));
	acc_add_paging(m, buf_cstr(&base), pg->page, pg->pages);
	buf_release(&t);
	buf_release(&base);
	return m;
}

/* Turns a form field into a select of the given [{value, label}] (taken). */
void acc_form_select(json_t *form, const char *name, json_t *options, const char *none)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(form, "fields"), i, f)
	{
		if (strcmp(jstr(f, "name"), name))
			continue;
		const char *cur = jstr(f, "value");
		json_t *cs = json_array();
		json_array_append_new(cs, json_pack("{s:s, s:s, s:b}", "value", "", "label", none, "selected",
						    !*cur || !strcmp(cur, "0")));
		size_t k;
		json_t *o;
		json_array_foreach(options, k, o)
		{
			char v[24];
			snprintf(v, sizeof v, "%lld", jint(o, "id"));
			json_array_append_new(cs, json_pack("{s:s, s:O, s:b}", "value", v, "label",
							    json_object_get(o, "name"), "selected", !strcmp(v, cur)));
		}
		json_object_set_new(f, "choices", cs);
		json_object_set_new(f, "is_select", json_true());
		json_object_set_new(f, "maxlength", json_null());
	}
	json_decref(options);
}

void acc_form_hidden(json_t *form, const char *name)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(form, "fields"), i, f) if (!strcmp(jstr(f, "name"), name))
	    json_object_set_new(f, "is_hidden", json_true());
}
