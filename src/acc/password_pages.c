/* password_pages: the pages of the set-password flow (ACC-8) and of the
 * signed-in user's password change (ACC-9):
 *   GET/POST /password/set?t=…    choose a password through an e-mailed link
 *   GET/POST /password/otp        confirm it with the e-mailed 6-digit code
 *   POST     /password/otp/resend a fresh code (rate-limited)
 *   GET/POST /password/forgot     ask for a link by e-mail or citizen ID
 *   GET/POST /account/password    change the password (signed in)
 * and the route table of the module's password pages (the request form and
 * the area admin's queue are in password_requests.c).
 *
 * Hashing with argon2id takes tens of milliseconds and 64 MB; as in
 * routes.c, a handler commits the server's (still empty) transaction, hashes
 * or verifies outside any, and begins a new one for its writes.
 *
 * Failures that must stay counted although the answer is an error (a
 * wrong OTP, a wrong current password, a re-issue) are written with nothing
 * else and committed with req_commit_on_error. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/jsonx.h"
#include "acc/acc_internal.h"
#include "acc/password_internal.h"
#include "core/db.h"
#include "core/form.h"
#include "core/log.h"
#include "core/ratelimit.h"
#include "core/thai.h"
#include "core/token.h"
#include "core/view.h"

/* Re-issuing a code: 3 in 15 minutes per user. */
#define OTP_RESEND_MAX 3
#define OTP_RESEND_WINDOW (15 * 60)
/* Forgotten-password links: 3 an hour per account (quietly), 10 an hour
 * per client address (said). */
#define FORGOT_ACCOUNT_MAX 3
#define FORGOT_ADDRESS_MAX 10
#define FORGOT_WINDOW (60 * 60)
/* Wrong current passwords on the change form: 5 in 15 minutes. */
#define CHANGE_MAX_FAILS 5
#define CHANGE_WINDOW (15 * 60)

static const char pw_hint[] = "อย่างน้อย 10 ตัวอักษร ห้ามใช้เลขประจำตัวประชาชน และห้ามใช้รหัสผ่านที่คาดเดาง่าย";

static const struct field set_form[] = {
    {.name = "t", .label = "ลิงก์", .type = FT_HIDDEN, .max = 100},
    {.name = "password", .label = "รหัสผ่านใหม่", .type = FT_PASSWORD, .flags = F_REQUIRED, .max = 128, .hint = pw_hint},
    {.name = "password2",
     .label = "ยืนยันรหัสผ่านใหม่",
     .type = FT_PASSWORD,
     .flags = F_REQUIRED,
     .max = 128,
     .hint = "พิมพ์รหัสผ่านใหม่อีกครั้ง"},
    {NULL},
};

static const struct field otp_form[] = {
    {.name = "code", .label = "รหัส OTP", .type = FT_TEXT, .flags = F_REQUIRED, .max = 12, .hint = "ตัวเลข 6 หลักจากอีเมล"},
    {NULL},
};

static const struct field empty_form[] = {{NULL}};

static const struct field forgot_form[] = {
    {.name = "login",
     .label = "อีเมลหรือเลขประจำตัวประชาชน",
     .type = FT_TEXT,
     .flags = F_REQUIRED,
     .max = 254,
     .hint = "อีเมลที่ลงทะเบียนไว้ หรือเลขประจำตัวประชาชน 13 หลัก"},
    {NULL},
};

static const struct field change_form[] = {
    {.name = "current", .label = "รหัสผ่านปัจจุบัน", .type = FT_PASSWORD, .flags = F_REQUIRED, .max = 128},
    {.name = "password", .label = "รหัสผ่านใหม่", .type = FT_PASSWORD, .flags = F_REQUIRED, .max = 128, .hint = pw_hint},
    {.name = "password2",
     .label = "ยืนยันรหัสผ่านใหม่",
     .type = FT_PASSWORD,
     .flags = F_REQUIRED,
     .max = 128,
     .hint = "พิมพ์รหัสผ่านใหม่อีกครั้ง"},
    {NULL},
};

/* --- helpers -------------------------------------------------------------- */

static void field_set(json_t *form, const char *name, const char *key, json_t *value)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(form, "fields"), i, f)
	{
		if (!strcmp(json_string_value(json_object_get(f, "name")), name))
			json_object_set(f, key, value);
	}
	json_decref(value);
}

static int leave_tx(struct db *db, struct err *e)
{
	if (db_commit(db, e) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* A page that says why a link or code cannot be used and what to do: ask
 * for a new link, or send the request form to the area admin. */
static int problem(struct req *r, const struct err *e, const char *title)
{
	if (e->status >= 500 || e->status == 0)
		return view_err(r, e);
	json_t *m = json_pack("{s:s, s:s, s:s}", "page_title", title, "title", title, "message", e->msg);
	return view_page(r, e->status, "acc/password_problem", m);
}

/* --- /password/set ---------------------------------------------------------- */

static int set_page(struct req *r, int status, const char *secret, json_t *user)
{
	json_t *form = form_model(r, set_form, NULL);
	field_set(form, "t", "value", json_string(secret));
	field_set(form, "password", "autocomplete", json_string("new-password"));
	field_set(form, "password2", "autocomplete", json_string("new-password"));
	json_object_del(json_object_get(form, "values"), "password");
	json_object_del(json_object_get(form, "values"), "password2");
	json_t *m = json_pack("{s:s, s:o, s:s, s:s, s:i}", "page_title", "ตั้งรหัสผ่าน", "form", form, "username",
			      jstr(user, "username"), "name", jstr(user, "name"), "otp_minutes", TOKEN_OTP_TTL / 60);
	json_decref(user);
	return view_page(r, status, "acc/password_set", m);
}

static int set_get(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	const char *t = req_query(r, "t");
	long long uid = 0;
	if (token_check_link(db, ACC_SETPW_PURPOSE, t ? t : "", &uid, &e) < 0)
		return problem(r, &e, "ใช้ลิงก์ตั้งรหัสผ่านนี้ไม่ได้");
	json_t *u = acc_pw_user(db, uid, &e);
	if (!u)
		return problem(r, &e, "ใช้ลิงก์ตั้งรหัสผ่านนี้ไม่ได้");
	return set_page(r, 200, t, u);
}

static int set_post(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	const char *t = form_value(r, "t");
	long long uid = 0;
	if (token_check_link(db, ACC_SETPW_PURPOSE, t, &uid, &e) < 0)
		return problem(r, &e, "ใช้ลิงก์ตั้งรหัสผ่านนี้ไม่ได้");
	json_t *u = acc_pw_user(db, uid, &e);
	if (!u)
		return problem(r, &e, "ใช้ลิงก์ตั้งรหัสผ่านนี้ไม่ได้");
	const char *pw = form_value(r, "password");
	if (form_ok(r) && strcmp(pw, form_value(r, "password2")))
		form_error(r, "password2", "รหัสผ่านทั้งสองช่องไม่ตรงกัน กรุณาพิมพ์ให้เหมือนกัน");
	if (form_ok(r) && acc_password_check(pw, jstr(u, "citizen_id"), &e) < 0) {
		form_error_err(r, &e);
		err_clear(&e);
	}
	if (!form_ok(r))
		return set_page(r, 422, t, u);
	char hash[128];
	if (leave_tx(db, &e) < 0 || acc_password_hash(pw, hash, &e) < 0 || db_begin(db, &e) < 0) {
		json_decref(u);
		return view_err(r, &e);
	}
	struct buf flow = BUF_INIT;
	uid = acc_pw_begin(db, t, hash, &flow, &e);
	sodium_memzero(hash, sizeof hash);
	if (uid < 0) {
		json_decref(u);
		buf_release(&flow);
		return problem(r, &e, "ใช้ลิงก์ตั้งรหัสผ่านนี้ไม่ได้");
	}
	req_set_cookie(r, ACC_PW_FLOW_COOKIE, buf_cstr(&flow), ACC_PW_PENDING_TTL, true);
	sodium_memzero(flow.data, flow.cap);
	buf_release(&flow);
	acc_audit(r, db, uid, "user.password_link_used", "user", uid, NULL);
	struct buf msg = BUF_INIT, mask = BUF_INIT;
	acc_pw_mask_email(jstr(u, "email"), &mask);
	buf_addf(&msg, "ส่งรหัส OTP 6 หลักไปที่อีเมล %s แล้ว กรุณากรอกรหัสภายใน %d นาที เพื่อให้รหัสผ่านใหม่ใช้ได้", buf_cstr(&mask),
		 TOKEN_OTP_TTL / 60);
	json_decref(u);
	int rc = view_redirect(r, "/password/otp", buf_cstr(&msg));
	buf_release(&msg);
	buf_release(&mask);
	return rc;
}

/* --- /password/otp ---------------------------------------------------------- */

static int otp_page(struct req *r, int status, long long uid, const char *message)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *u = acc_pw_user(db, uid, &e);
	if (!u)
		return view_err(r, &e);
	if (message)
		form_error(r, "code", message);
	json_t *form = form_model(r, otp_form, NULL);
	field_set(form, "code", "autocomplete", json_string("one-time-code"));
	field_set(form, "code", "inputmode", json_string("numeric"));
	struct buf mask = BUF_INIT;
	acc_pw_mask_email(jstr(u, "email"), &mask);
	json_t *m = json_pack("{s:s, s:o, s:s, s:s, s:i, s:i}", "page_title", "ยืนยันรหัส OTP", "form", form,
			      "email_masked", buf_cstr(&mask), "username", jstr(u, "username"), "minutes",
			      TOKEN_OTP_TTL / 60, "attempts", TOKEN_OTP_MAX_ATTEMPTS);
	buf_release(&mask);
	json_decref(u);
	return view_page(r, status, "acc/password_otp", m);
}

/* The flow of this browser: 0 and *uid, else the answer was given. */
static int flow_or_problem(struct req *r, struct db *db, long long *uid, int *answered)
{
	struct err e = ERR_INIT;
	if (acc_pw_flow_user(db, req_cookie(r, ACC_PW_FLOW_COOKIE), (long long)time(NULL), uid, &e) < 0) {
		*answered = problem(r, &e, "ยืนยันรหัส OTP ไม่ได้");
		return -1;
	}
	return 0;
}

static int otp_get(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	long long uid = 0;
	int ans = 0;
	if (flow_or_problem(r, db, &uid, &ans) < 0)
		return ans;
	return otp_page(r, 200, uid, NULL);
}

static int otp_post(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	long long uid = 0;
	int ans = 0;
	if (flow_or_problem(r, db, &uid, &ans) < 0)
		return ans;
	if (!form_ok(r))
		return otp_page(r, 422, uid, NULL);
	struct err e = ERR_INIT;
	if (token_verify_otp(db, ACC_SETPW_OTP_PURPOSE, uid, form_value(r, "code"), &e) < 0) {
		if (e.status >= 500)
			return view_err(r, &e);
		/* a wrong guess stays counted (token.h TRANSACTIONS) */
		req_commit_on_error(r);
		return otp_page(r, e.status == 400 ? 422 : e.status, uid, e.msg);
	}
	if (acc_pw_confirm(db, uid, &e) < 0)
		return problem(r, &e, "ยืนยันรหัส OTP ไม่ได้");
	req_set_cookie(r, ACC_PW_FLOW_COOKIE, "", 0, true);
	/* this browser's own session, if any, ended with the others */
	acc_session_end(r, db, &e);
	err_clear(&e);
	/* the account's sign-in delays end, from every network (routes.c) */
	struct buf key = BUF_INIT;
	buf_addf(&key, "signin:pair:user:%lld:", uid);
	ratelimit_clear_prefix(db, buf_cstr(&key));
	buf_release(&key);
	acc_audit(r, db, uid, "user.password_set", "user", uid, NULL);
	return view_redirect(r, "/signin", "ตั้งรหัสผ่านใหม่เรียบร้อยแล้ว กรุณาเข้าสู่ระบบด้วยรหัสผ่านใหม่");
}

static int otp_resend(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	long long uid = 0;
	int ans = 0;
	if (flow_or_problem(r, db, &uid, &ans) < 0)
		return ans;
	struct err e = ERR_INIT;
	long long now = (long long)time(NULL), wait = 0;
	int blocked = acc_attempt(r, db, OTP_RESEND_MAX, OTP_RESEND_WINDOW, now, &wait, &e, "pwotp:user:%lld", uid);
	if (blocked < 0)
		return view_err(r, &e);
	if (blocked) {
		char msg[300];
		snprintf(msg, sizeof msg, "ขอรหัสใหม่บ่อยเกินไป กรุณารออีก %lld นาทีแล้วลองใหม่ หรือใช้รหัสจากอีเมลฉบับล่าสุด", wait);
		return otp_page(r, 429, uid, msg);
	}
	if (acc_pw_otp_send(db, uid, &e) < 0)
		return view_err(r, &e);
	acc_audit(r, db, uid, "user.password_otp_resend", "user", uid, NULL);
	return view_redirect(r, "/password/otp", "ส่งรหัส OTP ใหม่ไปที่อีเมลแล้ว รหัสเดิมใช้ไม่ได้แล้ว กรุณากรอกรหัสจากอีเมลฉบับล่าสุด");
}

/* --- /password/forgot ---------------------------------------------------------- */

static const char forgot_answer[] = "หากข้อมูลที่กรอกตรงกับบัญชีผู้ใช้ที่ใช้งานอยู่ ระบบได้ส่งลิงก์ตั้งรหัสผ่านใหม่ไปที่อีเมลของบัญชีนั้นแล้ว "
				    "ลิงก์ใช้ได้ 1 ชั่วโมง หากไม่ได้รับอีเมลภายในไม่กี่นาที ให้ตรวจสอบกล่องจดหมายขยะ "
				    "หรือยื่นคำขอเปลี่ยนรหัสผ่านต่อแอดมินเขต";

static int forgot_page(struct req *r, int status, const char *message)
{
	if (message)
		form_error(r, "_form", message);
	json_t *form = form_model(r, forgot_form, NULL);
	field_set(form, "login", "autocomplete", json_string("username"));
	json_t *m = json_pack("{s:s, s:o}", "page_title", "ลืมรหัสผ่าน", "form", form);
	return view_page(r, status, "acc/password_forgot", m);
}

static int forgot_get(struct req *r)
{
	return forgot_page(r, 200, NULL);
}

static int forgot_post(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	if (!form_ok(r))
		return forgot_page(r, 422, NULL);
	struct err e = ERR_INIT;
	long long now = (long long)time(NULL), wait = 0;
	int blocked =
	    acc_attempt(r, db, FORGOT_ADDRESS_MAX, FORGOT_WINDOW, now, &wait, &e, "pwforgot:ip:%s", req_client_ip(r));
	if (blocked < 0)
		return view_err(r, &e);
	if (blocked) {
		char msg[300];
		snprintf(msg, sizeof msg, "มีการขอลิงก์ตั้งรหัสผ่านจากเครือข่ายนี้บ่อยเกินไป กรุณารออีก %lld นาทีแล้วลองใหม่", wait);
		/* the address's count stays although the answer is an error */
		req_commit_on_error(r);
		return forgot_page(r, 429, msg);
	}
	long long uid = acc_mail_account(db, form_value(r, "login"), "pwforgot", FORGOT_ACCOUNT_MAX, FORGOT_WINDOW, now, &e);
	if (uid > 0 && acc_setpw_link_send(db, uid, "forgot", &e) < 0)
		uid = -1;
	if (uid < 0)
		return view_err(r, &e);
	/* none, or over the account's limit: quietly nothing, the same answer */
	if (uid > 0)
		acc_audit(r, db, 0, "user.password_forgot", "user", uid, NULL);
	return view_redirect(r, "/password/forgot/sent", NULL);
}

static int forgot_sent(struct req *r)
{
	json_t *m = json_pack("{s:s, s:s}", "page_title", "ลืมรหัสผ่าน", "message", forgot_answer);
	return view_page(r, 200, "acc/password_forgot_sent", m);
}

/* --- /account/password ---------------------------------------------------------- */

static int change_page(struct req *r, int status, const char *message)
{
	if (message)
		form_error(r, "_form", message);
	json_t *form = form_model(r, change_form, NULL);
	field_set(form, "current", "autocomplete", json_string("current-password"));
	field_set(form, "password", "autocomplete", json_string("new-password"));
	field_set(form, "password2", "autocomplete", json_string("new-password"));
	json_t *vals = json_object_get(form, "values");
	json_object_del(vals, "current");
	json_object_del(vals, "password");
	json_object_del(vals, "password2");
	json_t *m = json_pack("{s:s, s:o}", "page_title", "เปลี่ยนรหัสผ่าน", "form", form);
	return view_page(r, status, "acc/password_change", m);
}

static int change_get(struct req *r)
{
	return change_page(r, 200, NULL);
}

static int change_post(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	long long uid = acc_user_id(r);
	json_t *u = acc_pw_user(db, uid, &e);
	if (!u)
		return view_err(r, &e);
	const char *cur = form_value(r, "current"), *pw = form_value(r, "password");
	if (form_ok(r) && strcmp(pw, form_value(r, "password2")))
		form_error(r, "password2", "รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน กรุณาพิมพ์ให้เหมือนกัน");
	if (form_ok(r) && acc_password_check(pw, jstr(u, "citizen_id"), &e) < 0) {
		form_error_err(r, &e);
		err_clear(&e);
	}
	if (form_ok(r) && !strcmp(cur, pw))
		form_error(r, "password", "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านปัจจุบัน");
	json_decref(u);
	if (!form_ok(r))
		return change_page(r, 422, NULL);
	struct buf key = BUF_INIT;
	buf_addf(&key, "pwchange:user:%lld", uid);
	long long now = (long long)time(NULL), retry = 0;
	int blocked = ratelimit_check(db, buf_cstr(&key), CHANGE_MAX_FAILS, CHANGE_WINDOW, now, &retry, &e);
	if (blocked) {
		buf_release(&key);
		if (blocked < 0)
			return view_err(r, &e);
		char msg[300];
		snprintf(msg, sizeof msg, "กรอกรหัสผ่านปัจจุบันผิดหลายครั้งเกินไป เพื่อความปลอดภัยกรุณารออีก %lld นาทีแล้วลองใหม่",
			 (retry + 59) / 60);
		return change_page(r, 429, msg);
	}
	/* the stored hash, read and checked outside any transaction */
	char hash[128];
	json_t *row = db_row_json(db, "SELECT password_hash FROM users WHERE id = $1", DB_ARGS(DB_INT(uid)), &e);
	if (!row) {
		buf_release(&key);
		return view_err(r, &e);
	}
	snprintf(hash, sizeof hash, "%s", jstr(row, "password_hash"));
	json_decref(row);
	char fresh[128];
	int ok = 0;
	if (leave_tx(db, &e) < 0) {
		buf_release(&key);
		return view_err(r, &e);
	}
	ok = acc_password_verify(hash, cur) == 1;
	sodium_memzero(hash, sizeof hash);
	int hrc = ok ? acc_password_hash(pw, fresh, &e) : 0;
	if (hrc < 0 || db_begin(db, &e) < 0) {
		buf_release(&key);
		return view_err(r, &e);
	}
	if (!ok) {
		int rc = ratelimit_hit(db, buf_cstr(&key), now, &e);
		buf_release(&key);
		if (rc < 0)
			return view_err(r, &e);
		req_commit_on_error(r);
		form_error(r, "current", "รหัสผ่านปัจจุบันไม่ถูกต้อง กรุณาตรวจสอบแล้วลองใหม่ (หากลืมรหัสผ่าน ให้ใช้ \"ลืมรหัสผ่าน\")");
		return change_page(r, 422, NULL);
	}
	ratelimit_clear(db, buf_cstr(&key));
	buf_release(&key);
	int rc = acc_pw_replace(db, uid, fresh, &e);
	sodium_memzero(fresh, sizeof fresh);
	/* every session of the user ended; this browser gets a new token */
	long long grant = acc_active_grant(r) ? acc_active_grant(r)->id : -1;
	if (rc < 0 || acc_session_start(r, db, uid, grant, 0, &e) < 0)
		return view_err(r, &e);
	acc_audit(r, db, uid, "user.password_change", "user", uid, NULL);
	return view_redirect(r, "/account", "เปลี่ยนรหัสผ่านเรียบร้อยแล้ว อุปกรณ์อื่นที่เข้าสู่ระบบไว้ต้องเข้าสู่ระบบใหม่ด้วยรหัสผ่านใหม่");
}

/* --- routes ------------------------------------------------------------------ */

static const struct route routes[] = {
    {"GET", "/password/set", set_get, NULL, NULL, ACCESS_PUBLIC, 0},
    {"POST", "/password/set", set_post, set_form, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/password/otp", otp_get, NULL, NULL, ACCESS_PUBLIC, 0},
    {"POST", "/password/otp", otp_post, otp_form, NULL, ACCESS_PUBLIC, 0},
    {"POST", "/password/otp/resend", otp_resend, empty_form, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/password/forgot", forgot_get, NULL, NULL, ACCESS_PUBLIC, 0},
    {"POST", "/password/forgot", forgot_post, forgot_form, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/password/forgot/sent", forgot_sent, NULL, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/account/password", change_get, NULL, NULL, ACCESS_SIGNED_IN, 0},
    {"POST", "/account/password", change_post, change_form, NULL, ACCESS_SIGNED_IN, 0},
    {"GET", "/password/request", acc_pwreq_form_get, NULL, NULL, ACCESS_PUBLIC, 0},
    {"POST", "/password/request", acc_pwreq_form_post, acc_pwreq_form, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/password/request/sent", acc_pwreq_sent, NULL, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/password/requests", acc_pwreq_list, NULL, NULL, ACCESS_SIGNED_IN, "area_admin super_admin"},
    {"POST", "/password/requests/:id/approve", acc_pwreq_approve, acc_pwreq_approve_form, NULL, ACCESS_SIGNED_IN,
     "area_admin super_admin"},
    {"POST", "/password/requests/:id/reject", acc_pwreq_reject, acc_pwreq_reject_form, NULL, ACCESS_SIGNED_IN,
     "area_admin super_admin"},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_password_routes = {"acc", routes};
