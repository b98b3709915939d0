/* password_requests: the password-change request (ACC-9, the form in the
 * appendix of seed 003) for someone who cannot sign in, and the queue where
 * the admin who manages the account approves or rejects it: the area
 * admin of its area for an account whose every role is a school role of
 * one area, else (an area officer, an area admin himself, roles in two
 * areas, a citizen without a role) the OBEC super admin, whose queue holds
 * the requests without an area. Every request is stored and the admins who
 * can act on it are e-mailed.
 *
 *   GET/POST /password/request            the form (anyone)
 *   GET      /password/request/sent       the one answer it gives
 *   GET      /password/requests           the area admin's queue
 *   POST     /password/requests/:id/approve|reject
 *
 * The form names the account by citizen ID and names. To an anonymous
 * visitor it always answers the same, so it never tells who is registered;
 * a request is stored only when the citizen ID belongs to an active account
 * with those names and the account has no open request yet. Anyone may send it, so it is rate-limited per client
 * address, and the account's owner is told by e-mail.
 *
 * Delivery: a set-password link (acc_setpw_link_send) only ever goes to the
 * account's registered e-mail, whatever channel was chosen: sending it to
 * an address or Line ID typed into an anonymous form would hand the account
 * to whoever fooled the admin. The Line ID (channel "line") is how the area
 * admin tells the requester that the link was sent, or why not. Approval
 * resets the password (acc_admin_reset_password: the old one and the
 * sessions end) — right for each reason, a forgotten, disclosed or shared
 * password alike. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/pager.h"
#include "core/jsonx.h"
#include "acc/acc_internal.h"
#include "acc/password_internal.h"
#include "core/db.h"
#include "core/export.h"
#include "core/form.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/ratelimit.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

#define REQUEST_ADDRESS_MAX 5
#define REQUEST_WINDOW (60 * 60)
#define PER_PAGE 50

static const struct choice reason_choices[] = {
    {"forgot", "ลืมรหัสผ่าน"},
    {"disclosed", "พบเหตุต้องสงสัยว่ามีบุคคลอื่นล่วงรู้รหัสผ่าน"},
    {"shared", "ต้องการยกเลิกการใช้รหัสผ่านร่วมกับบุคคลอื่น"},
    {NULL, NULL},
};

static const struct choice channel_choices[] = {
    {"email", "Email (อีเมลที่ลงทะเบียนไว้ในระบบ)"},
    {"line", "Line ID"},
    {NULL, NULL},
};

const struct field acc_pwreq_form[] = {
    {.name = "citizen_id",
     .label = "เลขประจำตัวประชาชน",
     .type = FT_CITIZEN_ID,
     .flags = F_REQUIRED,
     .hint = "13 หลัก ของเจ้าของบัญชี"},
    {.name = "first_name", .label = "ชื่อ", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},
    {.name = "last_name", .label = "นามสกุล", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},
    {.name = "phone", .label = "เบอร์โทรศัพท์มือถือ", .type = FT_PHONE, .flags = F_REQUIRED, .hint = "เช่น 0812345678"},
    {.name = "reason",
     .label = "เหตุผลความจำเป็น (เลือก 1 ข้อ)",
     .type = FT_CHOICE,
     .flags = F_REQUIRED,
     .choices = reason_choices},
    {.name = "channel",
     .label = "ช่องทางการจัดส่งรหัสผ่านใหม่ (เลือก 1 ช่องทาง)",
     .type = FT_CHOICE,
     .flags = F_REQUIRED,
     .choices = channel_choices,
     .hint = "ลิงก์ตั้งรหัสผ่านใหม่ส่งไปที่อีเมลที่ลงทะเบียนไว้เสมอ หากเลือก Line ID แอดมินเขตจะแจ้งผลทาง Line"},
    {.name = "line_id", .label = "Line ID", .type = FT_TEXT, .max = 21, .hint = "กรอกเมื่อเลือกช่องทาง Line ID"},
    {.name = "note", .label = "รายละเอียดเพิ่มเติม (ไม่บังคับ)", .type = FT_TEXTAREA, .max = 500},
    {.name = "pledge",
     .label = "ภายหลังจากได้รับรหัสผ่าน ข้าพเจ้าจะเปลี่ยนรหัสผ่านใหม่ในทันที",
     .type = FT_CHECKBOX,
     .flags = F_REQUIRED},
    {NULL},
};

const struct field acc_pwreq_approve_form[] = {{NULL}};

const struct field acc_pwreq_reject_form[] = {
    {.name = "reject_reason",
     .label = "เหตุผลที่ไม่อนุมัติ",
     .type = FT_TEXTAREA,
     .flags = F_REQUIRED,
     .max = 500,
     .hint = "ผู้ขอจะได้รับเหตุผลนี้ทางอีเมล"},
    {NULL},
};

/* --- pure helpers ------------------------------------------------------------ */

static const char *label_of(const struct choice *c, const char *v)
{
	for (; v && c->value; c++)
		if (!strcmp(c->value, v))
			return c->label;
	return NULL;
}

const char *acc_pwreq_reason_label(const char *reason)
{
	return label_of(reason_choices, reason);
}

const char *acc_pwreq_channel_label(const char *channel)
{
	return label_of(channel_choices, channel);
}

int acc_pwreq_line_id_check(const char *s, struct err *e)
{
	static const char msg[] = "Line ID ต้องยาว 4–20 ตัว ใช้ได้เฉพาะ a–z ตัวเลข จุด ขีดกลาง และขีดล่าง (นำหน้าด้วย @ ได้) "
				  "เช่น somchai.k";
	if (!s)
		return err_field(e, "line_id", "%s", msg);
	if (*s == '@')
		s++;
	size_t n = strlen(s);
	if (n < 4 || n > 20)
		return err_field(e, "line_id", "%s", msg);
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_'))
			return err_field(e, "line_id", "%s", msg);
	return 0;
}

void acc_pw_mask_email(const char *email, struct buf *out)
{
	const char *at = email ? strchr(email, '@') : NULL;
	if (!at) {
		buf_adds(out, "****");
		return;
	}
	size_t local = (size_t)(at - email);
	size_t keep = local >= 4 ? 2 : (local >= 2 ? 1 : 0);
	buf_add(out, email, keep);
	buf_adds(out, "****");
	buf_adds(out, at);
}

/* --- the form -------------------------------------------------------------------- */

static int form_page(struct req *r, int status, const char *message)
{
	if (message)
		form_error(r, "_form", message);
	json_t *form = form_model(r, acc_pwreq_form, NULL);
	json_t *m = json_pack("{s:s, s:o}", "page_title", "คำขอเปลี่ยนรหัสผ่าน", "form", form);
	return view_page(r, status, "acc/password_request", m);
}

int acc_pwreq_form_get(struct req *r)
{
	return form_page(r, 200, NULL);
}

/* Tells the admins who can act on a new request (the area's admins, or the
 * super admins for one without an area) that it is waiting. A failure to
 * queue is logged: the request itself is stored. */
static void notify_admins(struct req *r, struct db *db, long long area, long long id, const char *name)
{
	struct err e = ERR_INIT;
	json_t *to = db_rows_json(db,
				  "SELECT DISTINCT u.email FROM grants g JOIN users u ON u.id = g.user_id "
				  "AND u.status = 'active' WHERE g.revoked_at IS NULL AND ((CAST($1 AS BIGINT) > 0 "
				  "AND g.role = 'area_admin' AND g.area_id = $1) OR (CAST($1 AS BIGINT) = 0 "
				  "AND g.role = 'super_admin'))",
				  DB_ARGS(DB_INT(area)), &e);
	if (!to) {
		log_error("req %s: password request %lld: admins: %s", req_id(r), id, e.msg);
		return;
	}
	struct buf body = BUF_INIT;
	buf_addf(&body,
		 "มีคำขอเปลี่ยนรหัสผ่านใหม่ เลขที่ %lld ของ %s รอการพิจารณา\n\n"
		 "พิจารณาได้ที่ %s/password/requests\n\n"
		 "ลิงก์ตั้งรหัสผ่านจะส่งไปยังอีเมลที่ลงทะเบียนไว้ของบัญชีเท่านั้น",
		 id, name, mail_base_url());
	size_t i;
	json_t *x;
	json_array_foreach(to, i, x)
	{
		if (mail_queue(db, jstr(x, "email"), "คำขอเปลี่ยนรหัสผ่านใหม่รอการพิจารณา ระบบ Khet", buf_cstr(&body), &e) < 0)
			log_error("req %s: password request %lld mail: %s", req_id(r), id, e.msg);
	}
	buf_release(&body);
	json_decref(to);
}

/* Stores the request when the account fits (see the top); 0 whether it did
 * or not, -1 on a database fault. */
static int store(struct req *r, struct db *db, const char *line_id, struct err *e)
{
	json_t *u = db_row_json(db,
				"SELECT id, first_name, last_name, email, title FROM users "
				"WHERE citizen_id = $1 AND status = 'active'",
				DB_ARGS(DB_TEXT(form_value(r, "citizen_id"))), e);
	if (!u) {
		if (e->status != 404)
			return -1;
		err_clear(e);
		return 0;
	}
	long long uid = json_integer_value(json_object_get(u, "id"));
	int rc = 0;
	if (strcmp(jstr(u, "first_name"), form_value(r, "first_name")) ||
	    strcmp(jstr(u, "last_name"), form_value(r, "last_name")))
		goto out;
	/* the area whose admins may reset this account: only one whose every
	 * role is in that area's schools (an area admin's own account, or one
	 * with a role elsewhere, is no area admin's to reset); 0: the super
	 * admin decides */
	long long area = acc_user_managing_area(db, uid, e);
	if (area < 0) {
		rc = -1;
		goto out;
	}
	long long open = 0;
	rc = db_int_value(db, "SELECT id FROM password_requests WHERE user_id = $1 AND status = 'open'",
			  DB_ARGS(DB_INT(uid)), &open, e);
	if (rc != 0) {
		rc = rc < 0 ? -1 : 0; /* one open request at a time */
		goto out;
	}
	const char *channel = form_value(r, "channel");
	long long now = (long long)time(NULL);
	long long id = 0;
	rc = db_int_value(db,
			  "INSERT INTO password_requests (user_id, area_id, reason, channel, line_id, phone, note, ip, "
			  "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
			  DB_ARGS(DB_INT(uid), area > 0 ? DB_INT(area) : DB_NULL, DB_TEXT(form_value(r, "reason")),
				  DB_TEXT(channel),
				  DB_TEXT(strcmp(channel, "line") ? "" : line_id), DB_TEXT(form_value(r, "phone")),
				  DB_TEXT(form_value(r, "note")), DB_TEXT(req_client_ip(r)), DB_INT(now)),
			  &id, e);
	if (rc < 0)
		goto out;
	rc = 0;
	acc_audit_in(r, db, area, 0, "password_request.create", "password_request", id,
		     json_pack("{s:I, s:s, s:s}", "user_id", (json_int_t)uid, "reason", form_value(r, "reason"),
			       "channel", channel));
	/* the owner learns of it, whoever sent it */
	struct buf name = BUF_INIT, body = BUF_INIT;
	buf_addf(&name, "%s%s %s", jstr(u, "title"), jstr(u, "first_name"), jstr(u, "last_name"));
	json_t *m = json_pack("{s:s, s:s, s:s}", "name", buf_cstr(&name), "reason",
			      acc_pwreq_reason_label(form_value(r, "reason")), "forgot_url", "");
	struct buf url = BUF_INIT;
	buf_addf(&url, "%s/password/forgot", mail_base_url());
	json_object_set_new(m, "forgot_url", json_string(buf_cstr(&url)));
	struct err me = ERR_INIT;
	if (view_render_text("mail/password_request_received", m, &body, &me) < 0 ||
	    mail_queue(db, jstr(u, "email"), "มีการยื่นคำขอเปลี่ยนรหัสผ่านบัญชีของท่าน ระบบ Khet", buf_cstr(&body), &me) < 0)
		log_error("req %s: password request %lld mail: %s", req_id(r), id, me.msg);
	json_decref(m);
	notify_admins(r, db, area, id, buf_cstr(&name));
	buf_release(&name);
	buf_release(&body);
	buf_release(&url);
out:
	json_decref(u);
	return rc;
}

int acc_pwreq_form_post(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return view_error(r, 503, "ระบบฐานข้อมูลไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่อีกครั้ง");
	struct err e = ERR_INIT;
	char line[32] = "";
	const char *lid = form_value(r, "line_id");
	for (size_t i = 0; lid[i] && i + 1 < sizeof line; i++)
		line[i] = (char)tolower((unsigned char)lid[i]);
	if (form_ok(r) && !strcmp(form_value(r, "channel"), "line")) {
		if (!*line)
			form_error(r, "line_id", "กรุณากรอก Line ID เมื่อเลือกช่องทาง Line ID");
		else if (acc_pwreq_line_id_check(line, &e) < 0) {
			form_error_err(r, &e);
			err_clear(&e);
		}
	}
	if (!form_ok(r))
		return form_page(r, 422, NULL);
	long long now = (long long)time(NULL), wait = 0;
	int blocked =
	    acc_attempt(r, db, REQUEST_ADDRESS_MAX, REQUEST_WINDOW, now, &wait, &e, "pwreq:ip:%s", req_client_ip(r));
	if (blocked < 0)
		return view_err(r, &e);
	if (blocked) {
		char msg[300];
		snprintf(msg, sizeof msg, "มีการยื่นคำขอจากเครือข่ายนี้บ่อยเกินไป กรุณารออีก %lld นาทีแล้วลองใหม่", wait);
		req_commit_on_error(r);
		return form_page(r, 429, msg);
	}
	if (store(r, db, line, &e) < 0)
		return view_err(r, &e);
	return view_redirect(r, "/password/request/sent", NULL);
}

int acc_pwreq_sent(struct req *r)
{
	json_t *m = json_pack("{s:s, s:s}", "page_title", "คำขอเปลี่ยนรหัสผ่าน", "message",
			      "ได้รับคำขอเปลี่ยนรหัสผ่านแล้ว หากข้อมูลตรงกับบัญชีผู้ใช้ในระบบ แอดมินเขตพื้นที่จะตรวจสอบ "
			      "และเมื่ออนุมัติ ระบบจะส่งลิงก์ตั้งรหัสผ่านใหม่ไปที่อีเมลที่ลงทะเบียนไว้ "
			      "เจ้าของบัญชีจะได้รับอีเมลแจ้งว่ามีการยื่นคำขอนี้ด้วย");
	return view_page(r, 200, "acc/password_request_sent", m);
}

/* --- the area admin's queue ------------------------------------------------------ */

static const struct choice status_choices[] = {
    {"open", "รอพิจารณา"},
    {"approved", "อนุมัติแล้ว"},
    {"rejected", "ไม่อนุมัติ"},
    {NULL, NULL},
};

/* The queue's rows (taken) as a file: what each card of the page shows,
 * the Line ID only for a request that chose Line (as the card). The area
 * admin's file is named by the area's code, the super admin's (requests
 * without an area) "obec". */
static int pwreq_export(struct req *r, enum sheet_format fmt, long long area, const char *status, json_t *rows)
{
	static const struct sheet_col cols[] = {
	    {"เลขที่", 8, SHEET_NUMBER, 0, "id"},
	    {"ยื่นเมื่อ", 20, SHEET_DATETIME, 0, "created_at"},
	    {"ผู้ขอ", 28, SHEET_TEXT, 0, "name"},
	    {"ชื่อผู้ใช้ (user)", 16, SHEET_TEXT, 0, "username"},
	    {"เหตุผล", 30, SHEET_ENUM, 0, "reason_label"},
	    {"ช่องทาง", 24, SHEET_ENUM, 0, "channel_label"},
	    {"Line ID", 16, SHEET_TEXT, 0, "line_id"},
	    {"อีเมลที่ลงทะเบียน", 28, SHEET_TEXT, 0, "email"},
	    {"โทรศัพท์", 14, SHEET_PHONE, 0, "phone"},
	    {"รายละเอียด", 30, SHEET_TEXT, 0, "note"},
	    {"สถานะ", 14, SHEET_ENUM, 0, "status_label"},
	    {"พิจารณาเมื่อ", 20, SHEET_DATETIME, 0, "decided_at"},
	    {"ผู้พิจารณา", 24, SHEET_TEXT, 0, "decided_by_name"},
	    {"เหตุผลที่ไม่อนุมัติ", 30, SHEET_TEXT, 0, "reject_reason"}};
	const char *label = label_of(status_choices, status);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		json_object_set_new(x, "status_label", json_string(label));
		if (!json_is_true(json_object_get(x, "is_line")))
			json_object_del(x, "line_id");
	}
	struct buf t = BUF_INIT;
	char base[48];
	if (area > 0) {
		struct err e = ERR_INIT;
		json_t *a = org_area_get(req_db(r), area, &e);
		if (!a) {
			json_decref(rows);
			buf_release(&t);
			return view_err(r, &e);
		}
		buf_addf(&t, "คำขอเปลี่ยนรหัสผ่าน %s", jstr(a, "short_name"));
		snprintf(base, sizeof base, "password-requests-%s", jstr(a, "code"));
		json_decref(a);
	} else {
		buf_adds(&t, "คำขอเปลี่ยนรหัสผ่าน สพฐ.");
		snprintf(base, sizeof base, "password-requests-obec");
	}
	const struct export_list l = {buf_cstr(&t), base, 14, cols};
	int rc = export_rows(r, fmt, &l, rows, rows);
	buf_release(&t);
	return rc;
}

int acc_pwreq_list(struct req *r)
{
	struct db *db = req_db(r);
	const struct acc_grant *g = acc_active_grant(r);
	if (!db || !g)
		return view_error(r, 503, "ระบบฐานข้อมูลไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่อีกครั้ง");
	struct err e = ERR_INIT;
	const char *status = req_query(r, "status");
	if (!status || !label_of(status_choices, status))
		status = "open";
	long long area = g->area_id;
	long long total = 0;
	/* an area admin's queue is his area's; the super admin's those without
	 * an area */
	if (db_int_value(db,
			 "SELECT COUNT(*) FROM password_requests WHERE COALESCE(area_id, 0) = $1 AND status = $2",
			 DB_ARGS(DB_INT(area), DB_TEXT(status)), &total, &e) < 0)
		return view_err(r, &e);
	/* ?format=csv|xlsx: every request of the status tab, the same query unpaged */
	enum sheet_format fmt;
	bool file = export_asked(r, &fmt);
	long long per_page = file ? ORG_ALL_ROWS : PER_PAGE;
	long long pages = total ? (total + per_page - 1) / per_page : 1;
	long long page = file ? 1 : req_query_int(r, "page", 1, 1, 1000000);
	if (page > pages)
		page = pages;
	json_t *rows = db_rows_json(
	    db,
	    "SELECT pr.id, pr.reason, pr.channel, pr.line_id, pr.phone, pr.note, pr.status, pr.created_at, "
	    "pr.decided_at, pr.reject_reason, u.id AS user_id, u.username, u.title, u.first_name, u.last_name, "
	    "u.email, d.title AS d_title, d.first_name AS d_first_name, d.last_name AS d_last_name "
	    "FROM password_requests pr JOIN users u ON u.id = pr.user_id LEFT JOIN users d ON d.id = pr.decided_by "
	    "WHERE COALESCE(pr.area_id, 0) = $1 AND pr.status = $2 ORDER BY pr.id DESC LIMIT $3 OFFSET $4",
	    DB_ARGS(DB_INT(area), DB_TEXT(status), DB_INT(per_page), DB_INT((page - 1) * per_page)), &e);
	if (!rows)
		return view_err(r, &e);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s%s %s", jstr(x, "title"), jstr(x, "first_name"), jstr(x, "last_name"));
		json_object_set_new(x, "name", json_string(buf_cstr(&b)));
		buf_reset(&b);
		thai_datetime_short(&b, json_integer_value(json_object_get(x, "created_at")));
		json_object_set_new(x, "created_at_text", json_string(buf_cstr(&b)));
		buf_reset(&b);
		if (json_integer_value(json_object_get(x, "decided_at"))) {
			thai_datetime_short(&b, json_integer_value(json_object_get(x, "decided_at")));
			json_object_set_new(x, "decided_at_text", json_string(buf_cstr(&b)));
			buf_reset(&b);
			buf_addf(&b, "%s%s %s", jstr(x, "d_title"), jstr(x, "d_first_name"), jstr(x, "d_last_name"));
			json_object_set_new(x, "decided_by_name", json_string(buf_cstr(&b)));
		}
		buf_release(&b);
		json_object_set_new(x, "reason_label", json_string(acc_pwreq_reason_label(jstr(x, "reason"))));
		json_object_set_new(x, "channel_label", json_string(acc_pwreq_channel_label(jstr(x, "channel"))));
		json_object_set_new(x, "is_line", json_boolean(!strcmp(jstr(x, "channel"), "line")));
		json_object_set_new(x, "is_open", json_boolean(!strcmp(jstr(x, "status"), "open")));
		json_object_del(x, "d_title");
		json_object_del(x, "d_first_name");
		json_object_del(x, "d_last_name");
	}
	if (file)
		return pwreq_export(r, fmt, area, status, rows);
	json_t *tabs = json_array();
	for (const struct choice *c = status_choices; c->value; c++)
		json_array_append_new(tabs, json_pack("{s:s, s:s, s:b}", "value", c->value, "label", c->label,
						      "current", !strcmp(c->value, status)));
	struct buf base = BUF_INIT;
	buf_addf(&base, "/password/requests?status=%s&", status);
	json_t *m =
	    json_pack("{s:s, s:o, s:I, s:I, s:I, s:s, s:s, s:o, s:o, s:b}", "page_title", "คำขอเปลี่ยนรหัสผ่าน", "rows",
		      rows, "total", (json_int_t)total, "page", (json_int_t)page, "pages", (json_int_t)pages, "status",
		      status, "status_label", label_of(status_choices, status), "tabs", tabs, "pager",
		      pages > 1 ? pager_links(buf_cstr(&base), page, pages) : json_array(), "empty", total == 0);
	json_object_set_new(m, "has_pager", json_boolean(pages > 1));
	buf_release(&base);
	export_links(r, m);
	return view_page(r, 200, "acc/password_requests", m);
}

/* The open request :id: its user and area, after the scope check. Returns
 * 1 with them, 0 when the answer was given (404, 403, 409), -1 fault. */
static int open_request(struct req *r, struct db *db, long long *uid, long long *area, int *answered, struct err *e)
{
	long long id = req_param_id(r, "id");
	json_t *row = id > 0 ? db_row_json(db, "SELECT user_id, area_id, status FROM password_requests WHERE id = $1",
					   DB_ARGS(DB_INT(id)), e)
			     : NULL;
	if (!row) {
		if (id > 0 && e->status != 404)
			return -1;
		*answered = view_error(r, 404, "ไม่พบคำขอเปลี่ยนรหัสผ่านนี้ กรุณาเลือกจากรายการคำขอ");
		return 0;
	}
	*uid = json_integer_value(json_object_get(row, "user_id"));
	*area = json_integer_value(json_object_get(row, "area_id"));
	bool open = !strcmp(jstr(row, "status"), "open");
	json_decref(row);
	/* without an area it is the super admin's; else the area's admins' */
	if (*area == 0 ? !acc_grant_is(acc_active_grant(r), "super_admin") : !acc_in_area(r, *area)) {
		*answered = acc_deny(r, "คำขอนี้เป็นของบัญชีในเขตพื้นที่อื่น คุณพิจารณาได้เฉพาะคำขอในเขตพื้นที่ของคุณ");
		return 0;
	}
	if (!open) {
		*answered = view_error(r, 409, "คำขอนี้ได้รับการพิจารณาไปแล้ว ดูผลได้ในรายการคำขอ");
		return 0;
	}
	return 1;
}

/* Marks the request decided, only if it is still open (two admins at once:
 * one wins). */
static int decide(struct db *db, long long id, const char *status, long long by, const char *reason, struct err *e)
{
	long long n = db_exec(
	    db,
	    "UPDATE password_requests SET status = $2, decided_by = $3, decided_at = $4, "
	    "reject_reason = $5 WHERE id = $1 AND status = 'open'",
	    DB_ARGS(DB_INT(id), DB_TEXT(status), DB_INT(by), DB_INT((long long)time(NULL)), DB_TEXT(reason)), e);
	if (n < 0)
		return -1;
	return n == 1 ? 0 : err_set(e, 409, "คำขอนี้ได้รับการพิจารณาไปแล้ว ดูผลได้ในรายการคำขอ");
}

int acc_pwreq_approve(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return view_error(r, 503, "ระบบฐานข้อมูลไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่อีกครั้ง");
	struct err e = ERR_INIT;
	long long uid = 0, area = 0;
	int ans = 0;
	int rc = open_request(r, db, &uid, &area, &ans, &e);
	if (rc <= 0)
		return rc < 0 ? view_err(r, &e) : ans;
	/* the account may have gained a role outside the area since */
	const struct acc_grant *g = acc_active_grant(r);
	if (!g || strcmp(g->role, "super_admin")) {
		rc = acc_user_school_only_in_area(db, uid, area, &e);
		if (rc < 0)
			return view_err(r, &e);
		if (rc == 0)
			return acc_deny(r, "อนุมัติคำขอนี้ไม่ได้ เพราะบัญชีนี้มีบทบาทนอกสถานศึกษาในเขตพื้นที่ของคุณ "
					   "(เช่น เป็นแอดมินเขตหรือมีสิทธิ์ในเขตพื้นที่อื่น) แอดมินเขตรีเซ็ตรหัสผ่านได้เฉพาะบัญชีที่มีบทบาท"
					   "ในสถานศึกษาของเขตพื้นที่ตนเท่านั้น ให้เจ้าของบัญชีใช้เมนูลืมรหัสผ่าน หรือติดต่อผู้ดูแลระบบ สพฐ.");
	}
	long long id = req_param_id(r, "id");
	if (decide(db, id, "approved", acc_user_id(r), "", &e) < 0)
		return view_err(r, &e);
	if (acc_admin_reset_password(db, uid, &e) < 0)
		return view_err(r, &e);
	acc_audit_in(r, db, area, acc_user_id(r), "password_request.approve", "password_request", id,
		     json_pack("{s:I}", "user_id", (json_int_t)uid));
	acc_audit_in(r, db, area, acc_user_id(r), "user.reset_password", "user", uid,
		     json_pack("{s:I}", "password_request", (json_int_t)id));
	return view_redirect(r, "/password/requests",
			     "อนุมัติคำขอแล้ว รหัสผ่านเดิมของผู้ใช้ถูกยกเลิก และระบบส่งลิงก์ตั้งรหัสผ่านใหม่ไปที่อีเมลที่ลงทะเบียนไว้");
}

int acc_pwreq_reject(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return view_error(r, 503, "ระบบฐานข้อมูลไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่อีกครั้ง");
	struct err e = ERR_INIT;
	long long uid = 0, area = 0;
	int ans = 0;
	int rc = open_request(r, db, &uid, &area, &ans, &e);
	if (rc <= 0)
		return rc < 0 ? view_err(r, &e) : ans;
	if (!form_ok(r)) {
		return view_error(r, 422,
				  "กรุณากรอกเหตุผลที่ไม่อนุมัติ (ไม่เกิน 500 ตัวอักษร) ผู้ขอจะได้รับเหตุผลนี้ทางอีเมล "
				  "แล้วกดไม่อนุมัติอีกครั้ง");
	}
	long long id = req_param_id(r, "id");
	const char *reason = form_value(r, "reject_reason");
	if (decide(db, id, "rejected", acc_user_id(r), reason, &e) < 0)
		return view_err(r, &e);
	json_t *u = acc_pw_user(db, uid, &e);
	if (u) {
		struct buf body = BUF_INIT;
		json_t *m = json_pack("{s:s, s:s}", "name", jstr(u, "name"), "reason", reason);
		struct err me = ERR_INIT;
		if (view_render_text("mail/password_request_rejected", m, &body, &me) < 0 ||
		    mail_queue(db, jstr(u, "email"), "ผลการพิจารณาคำขอเปลี่ยนรหัสผ่าน ระบบ Khet", buf_cstr(&body), &me) < 0)
			log_error("req %s: password request %lld mail: %s", req_id(r), id, me.msg);
		json_decref(m);
		buf_release(&body);
		json_decref(u);
	}
	err_clear(&e);
	acc_audit_in(r, db, area, acc_user_id(r), "password_request.reject", "password_request", id,
		     json_pack("{s:I, s:s}", "user_id", (json_int_t)uid, "reason", reason));
	return view_redirect(r, "/password/requests", "บันทึกผลไม่อนุมัติแล้ว และแจ้งเหตุผลให้ผู้ขอทางอีเมล");
}
