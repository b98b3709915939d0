/* directory: the public directory of an area's school admins
 * (ทำเนียบแอดมิน, ACC-7) and its QR code. Schools check there, without
 * signing in, whether the admin they know is the one on record; the area
 * prints the QR code for notice boards. Being public, a row holds only what
 * the seed's directory shows — the school, the person's title and name, the
 * role — and never a citizen ID, e-mail, phone or username.
 *
 * The QR code encodes the directory's absolute URL (KHET_BASE_URL, or the
 * request's Host when none is set) and is drawn on the server (core/qr.h)
 * as SVG; the same URL always gives the same bytes, so it is cached for a
 * month. */
#include <stdio.h>
#include <string.h>

#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/export.h"
#include "core/log.h"
#include "core/qr.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

#define DIRECTORY_PER_PAGE 100
/* The QR code is cached for 30 days. */
#define QR_MAX_AGE (30LL * 24 * 3600)

json_t *acc_directory_page(struct db *db, long long area_id, int page, struct err *e)
{
	long long total = 0;
	if (db_int_value(db,
			 "SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id "
			 "WHERE g.area_id = $1 AND g.role = 'school_admin' AND g.revoked_at IS NULL "
			 "AND u.status = 'active'",
			 DB_ARGS(DB_INT(area_id)), &total, e) < 0)
		return NULL;
	/* page 0: every row (the export) */
	long long per_page = page == 0 ? (total > 0 ? total : 1) : DIRECTORY_PER_PAGE;
	long long pages = total ? (total + per_page - 1) / per_page : 1;
	if (page < 1)
		page = 1;
	if (page > pages)
		page = (int)pages;
	json_t *rows = db_rows_json(
	    db,
	    "SELECT s.name AS school_name, s.obec_code, u.title, u.first_name, u.last_name "
	    "FROM grants g JOIN users u ON u.id = g.user_id JOIN schools s ON s.id = g.school_id "
	    "WHERE g.area_id = $1 AND g.role = 'school_admin' AND g.revoked_at IS NULL "
	    "AND u.status = 'active' "
	    "ORDER BY s.name COLLATE thai, g.id LIMIT $2 OFFSET $3",
	    DB_ARGS(DB_INT(area_id), DB_INT(per_page), DB_INT((long long)(page - 1) * per_page)),
	    e);
	if (!rows)
		return NULL;
	size_t i;
	json_t *x;
	const char *role = acc_role_label("school_admin");
	json_array_foreach(rows, i, x)
	{
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s%s %s", json_string_value(json_object_get(x, "title")),
			 json_string_value(json_object_get(x, "first_name")),
			 json_string_value(json_object_get(x, "last_name")));
		json_object_set_new(x, "display_name", json_string(buf_cstr(&b)));
		json_object_set_new(x, "role_label", json_string(role ? role : ""));
		buf_release(&b);
	}
	json_t *roster = NULL;
	struct db_res *res;
	if (db_query(db,
		     "SELECT academic_year, submitted_at FROM rosters WHERE area_id = $1 AND status = 'submitted' "
		     "ORDER BY academic_year DESC LIMIT 1",
		     DB_ARGS(DB_INT(area_id)), &res, e) < 0) {
		json_decref(rows);
		return NULL;
	}
	int rc = db_next(res, e);
	if (rc == 1) {
		struct buf when = BUF_INIT;
		thai_datetime_short(&when, db_int(res, 1));
		roster = json_pack("{s:I, s:s}", "academic_year", (json_int_t)db_int(res, 0), "submitted_at_text",
				   buf_cstr(&when));
		buf_release(&when);
	}
	db_res_free(res);
	if (rc < 0) {
		json_decref(rows);
		return NULL;
	}
	bool has_rows = json_array_size(rows) > 0;
	return json_pack("{s:o, s:b, s:I, s:i, s:I, s:b, s:b, s:i, s:i, s:o}", "rows", rows, "has_rows", has_rows,
			 "total", (json_int_t)total, "page", page, "pages", (json_int_t)pages, "has_prev", page > 1,
			 "has_next", page < pages, "prev", page - 1, "next", page + 1, "roster",
			 roster ? roster : json_null());
}

/* --- pages ------------------------------------------------------------------ */

/* The directory's absolute URL, which the QR code carries. */
static void directory_url(struct req *r, long long area_id, struct buf *out)
{
	/* the configured base URL only (the server's own loopback address
	 * when none is set), never the request's Host header */
	const char *base = http_settings()->base_url;
	size_t n = base ? strlen(base) : 0;
	while (n && base[n - 1] == '/')
		n--;
	buf_add(out, base ? base : "", n);
	buf_addf(out, "/areas/%lld/directory", area_id);
}

static long long area_of(struct req *r, json_t **area, int *rc)
{
	long long id = req_param_id(r, "id");
	struct db *db = req_db(r);
	if (id < 0) {
		*rc = view_error(r, 404, "ไม่พบสำนักงานเขตพื้นที่การศึกษาที่ระบุ");
		return 0;
	}
	if (!db) {
		*rc = view_error(r, 503, "ระบบฐานข้อมูลไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่อีกครั้ง");
		return 0;
	}
	struct err e = ERR_INIT;
	*area = org_area_get(db, id, &e);
	if (!*area) {
		*rc = e.status == 404 ? view_error(r, 404, "ไม่พบสำนักงานเขตพื้นที่การศึกษาที่ระบุ") : view_err(r, &e);
		return 0;
	}
	return id;
}

static int directory_get(struct req *r)
{
	json_t *area = NULL;
	int rc = 0;
	long long id = area_of(r, &area, &rc);
	if (!id)
		return rc;
	struct err e = ERR_INIT;
	enum sheet_format f;
	bool file = export_asked(r, &f);
	json_t *dir = acc_directory_page(req_db(r), id, file ? 0 : (int)req_query_int(r, "page", 1, 1, 100000), &e);
	if (!dir) {
		json_decref(area);
		return view_err(r, &e);
	}
	if (file) {
		static const struct sheet_col cols[] = {
		    {"สถานศึกษา", 40, SHEET_TEXT, 0, "school_name"}, {"รหัสโรงเรียน", 14, SHEET_CODE, 0, "obec_code"},
		    {"คำนำหน้า", 8, SHEET_TEXT, 0, "title"},	    {"ชื่อ", 16, SHEET_TEXT, 0, "first_name"},
		    {"นามสกุล", 18, SHEET_TEXT, 0, "last_name"},	    {"บทบาท", 20, SHEET_ENUM, 0, "role_label"}};
		struct buf t = BUF_INIT;
		buf_addf(&t, "ทำเนียบแอดมินสถานศึกษา %s", json_string_value(json_object_get(area, "short_name")));
		json_decref(area);
		const struct export_list l = {buf_cstr(&t), "admin-directory", 6, cols};
		rc = export_rows(r, f, &l, json_object_get(dir, "rows"), dir);
		buf_release(&t);
		return rc;
	}
	export_links(r, dir);
	struct buf url = BUF_INIT, title = BUF_INIT, qr = BUF_INIT;
	directory_url(r, id, &url);
	buf_addf(&title, "ทำเนียบแอดมินสถานศึกษา — %s", json_string_value(json_object_get(area, "short_name")));
	buf_addf(&qr, "/areas/%lld/directory/qr.svg", id);
	json_t *m = json_pack("{s:s, s:o, s:o, s:s, s:s}", "page_title", buf_cstr(&title), "area", area, "directory",
			      dir, "directory_url", buf_cstr(&url), "qr_url", buf_cstr(&qr));
	buf_release(&url);
	buf_release(&title);
	buf_release(&qr);
	return view_page(r, 200, "acc/directory", m);
}

static int directory_qr(struct req *r)
{
	json_t *area = NULL;
	int rc = 0;
	long long id = area_of(r, &area, &rc);
	if (!id)
		return rc;
	struct buf url = BUF_INIT, title = BUF_INIT;
	directory_url(r, id, &url);
	buf_addf(&title, "คิวอาร์โค้ดทำเนียบแอดมิน %s", json_string_value(json_object_get(area, "short_name")));
	json_decref(area);
	struct buf svg = BUF_INIT;
	struct err e = ERR_INIT;
	if (qr_svg(buf_cstr(&url), buf_cstr(&title), &svg, &e) < 0)
		rc = view_err(r, &e);
	else
		rc = view_public_bytes(r, "image/svg+xml", &svg, QR_MAX_AGE);
	buf_release(&svg);
	buf_release(&url);
	buf_release(&title);
	return rc;
}

static const struct route routes[] = {
    {"GET", "/areas/:id/directory", directory_get, NULL, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/areas/:id/directory/qr.svg", directory_qr, NULL, NULL, ACCESS_PUBLIC, 0},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_directory_routes = {"acc", routes};
