/* export: a list's page model as CSV or XLSX (see export.h). */
#include "core/export.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonx.h"
#include "core/personal.h"
#include "core/view.h"

bool export_asked(struct req *r, enum sheet_format *f)
{
	const char *v = req_query(r, "format");
	if (!v)
		return false;
	*f = (enum sheet_format)-1;
	sheet_parse_format(v, f);
	return true;
}

static bool format_ok(enum sheet_format f)
{
	return f == SHEET_CSV || f == SHEET_XLSX;
}

struct sheet *export_begin(struct req *r, enum sheet_format f, const struct export_list *l, struct err *e)
{
	return sheet_new(f, l->title, l->ncols, l->cols, e);
}

int export_end(struct req *r, struct sheet *s, enum sheet_format f, const struct export_list *l)
{
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;
	if (sheet_finish(s, &out, &e) < 0) {
		buf_release(&out);
		return view_fault(r, &e);
	}
	long long now = clock_now(r);
	struct buf ascii = BUF_INIT, utf8 = BUF_INIT;
	/* the Thai name: title + the same date and extension */
	sheet_download_names(&ascii, &utf8, l->base, l->title && *l->title ? l->title : l->base, now,
			     sheet_extension(f));
	int rc = view_download(r, sheet_content_type(f), &out, buf_cstr(&ascii), buf_cstr(&utf8));
	buf_release(&ascii);
	buf_release(&utf8);
	return rc;
}

int export_pdf(struct req *r, struct buf *pdf, const char *base, const char *title_fmt, ...)
{
	struct buf title = BUF_INIT, ascii = BUF_INIT, utf8 = BUF_INIT;
	va_list ap;
	va_start(ap, title_fmt);
	buf_vaddf(&title, title_fmt, ap);
	va_end(ap);
	sheet_download_names(&ascii, &utf8, base, title.len ? buf_cstr(&title) : base, clock_now(r), ".pdf");
	int rc = view_download(r, "application/pdf", pdf, buf_cstr(&ascii), buf_cstr(&utf8));
	buf_release(&title);
	buf_release(&ascii);
	buf_release(&utf8);
	return rc;
}

/* The personal values the file carries, as [{path, value}] like a page's. */
static json_t *personal_values(const struct export_list *l, json_t *rows)
{
	json_t *shown = json_array();
	for (int c = 0; c < l->ncols; c++) {
		const char *key = l->cols[c].key;
		if (!key || !personal_key(key))
			continue;
		char path[128];
		snprintf(path, sizeof path, "rows[].%s", key);
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row)
		{
			json_t *v = json_object_get(row, key);
			if (json_is_string(v) && *json_string_value(v))
				json_array_append_new(shown, json_pack("{s:s, s:O}", "path", path, "value", v));
		}
	}
	return shown;
}

int export_rows(struct req *r, enum sheet_format f, const struct export_list *l, json_t *rows, json_t *model)
{
	if (!format_ok(f)) {
		json_decref(model);
		return view_error(r, 404, "ไม่มีรูปแบบไฟล์นี้ เลือกได้เฉพาะ csv หรือ xlsx");
	}
	struct err e = ERR_INIT;
	struct sheet *s = export_begin(r, f, l, &e);
	if (!s) {
		json_decref(model);
		return view_fault(r, &e);
	}
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) sheet_json_row(s, row);
	json_t *shown = personal_values(l, rows);
	char what[160];
	snprintf(what, sizeof what, "export:%s", l->base);
	view_personal_report(r, what, shown);
	json_decref(shown);
	json_decref(model);
	return export_end(r, s, f, l);
}

void export_links(struct req *r, json_t *model)
{
	struct buf here = BUF_INIT, base = BUF_INIT;
	req_here(r, &here);
	const char *h = buf_cstr(&here);
	const char *q = strchr(h, '?');
	buf_add(&base, h, q ? (size_t)(q - h) : strlen(h));
	int n = 0;
	for (const char *p = q ? q + 1 : NULL; p && *p;) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		if (len && strncmp(p, "format=", 7) != 0 && strncmp(p, "page=", 5) != 0 && strncmp(p, "format&", 7) != 0) {
			buf_addc(&base, n++ ? '&' : '?');
			buf_add(&base, p, len);
		}
		p = amp ? amp + 1 : p + len;
	}
	buf_addc(&base, n ? '&' : '?');
	/* every list page: no printf, no json_pack; a query that is not
	 * UTF-8 gives no links (as json_pack's check did) */
	size_t bl = base.len;
	buf_adds(&base, "format=csv");
	json_t *csv = jx_stringn(base.data, base.len);
	base.len = bl;
	buf_adds(&base, "format=xlsx");
	json_t *xlsx = jx_stringn(base.data, base.len);
	if (csv && xlsx) {
		json_t *ex = json_object();
		json_object_set_new_nocheck(ex, "csv", csv);
		json_object_set_new_nocheck(ex, "xlsx", xlsx);
		json_object_set_new_nocheck(model, "export", ex);
	} else {
		json_decref(csv);
		json_decref(xlsx);
	}
	buf_release(&here);
	buf_release(&base);
}
