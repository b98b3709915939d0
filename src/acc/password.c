/* password: set-password links, the OTP that confirms the password chosen
 * through one, and the password writes of the flow (ACC-8, ACC-9); see
 * password_internal.h for the steps. The pages are in password_pages.c and
 * password_requests.c.
 *
 * Nothing here is stored in plain text: links, codes and flow secrets as
 * SHA-256 (token.c and here), passwords as argon2id. Mail is queued in the
 * caller's transaction, so it exists only if the step commits. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/jsonx.h"
#include "acc/acc_internal.h"
#include "acc/password_internal.h"
#include "core/db.h"
#include "core/mail.h"
#include "core/token.h"
#include "core/view.h"

json_t *acc_pw_user(struct db *db, long long user_id, struct err *e)
{
	json_t *u = db_row_json(db,
				"SELECT email, username, citizen_id, title, first_name, last_name FROM users "
				"WHERE id = $1 AND status = 'active'",
				DB_ARGS(DB_INT(user_id)), e);
	if (!u) {
		if (e->status == 404)
			err_set(e, 404, "ไม่พบบัญชีผู้ใช้ที่ใช้งานอยู่");
		return NULL;
	}
	struct buf name = BUF_INIT;
	buf_addf(&name, "%s%s %s", json_string_value(json_object_get(u, "title")),
		 json_string_value(json_object_get(u, "first_name")),
		 json_string_value(json_object_get(u, "last_name")));
	json_object_set_new(u, "name", json_string(buf_cstr(&name)));
	buf_release(&name);
	return u;
}

/* Renders templates/mail/<tmpl>.html with model (stolen) and queues it to
 * the user's address. */
static int send_mail(struct db *db, json_t *u, const char *subject, const char *tmpl, json_t *model, struct err *e)
{
	struct buf body = BUF_INIT;
	int rc = view_render_text(tmpl, model, &body, e);
	json_decref(model);
	if (rc == 0)
		rc = mail_queue(db, jstr(u, "email"), subject, buf_cstr(&body), e);
	sodium_memzero(body.data, body.cap);
	buf_release(&body);
	return rc;
}

int acc_setpw_link_send(struct db *db, long long user_id, const char *why, struct err *e)
{
	return acc_setpw_link_send_note(db, user_id, why, NULL, NULL, e);
}

int acc_setpw_link_send_path(struct db *db, long long user_id, const char *why, struct buf *path, struct err *e)
{
	return acc_setpw_link_send_note(db, user_id, why, NULL, path, e);
}

int acc_setpw_link_send_note(struct db *db, long long user_id, const char *why, const char *note, struct buf *path,
			     struct err *e)
{
	bool is_new = why && !strcmp(why, "new");
	bool is_forgot = why && !strcmp(why, "forgot");
	if (!is_new && !is_forgot && (!why || strcmp(why, "reset")))
		return err_set(e, 500, "acc_setpw_link_send: unknown why '%s'", why ? why : "(null)");
	json_t *u = acc_pw_user(db, user_id, e);
	if (!u) {
		if (e->status == 404)
			err_set(e, 404, "ไม่พบบัญชีผู้ใช้ที่ใช้งานอยู่ จึงส่งลิงก์ตั้งรหัสผ่านไม่ได้");
		return -1;
	}
	struct buf secret = BUF_INIT, url = BUF_INIT;
	int rc = token_issue_link(db, ACC_SETPW_PURPOSE, user_id, acc_setpw_link_ttl(), &secret, e);
	if (rc == 0) {
		buf_addf(&url, "%s/password/set?t=%s", mail_base_url(), buf_cstr(&secret));
		if (path)
			buf_addf(path, "/password/set?t=%s", buf_cstr(&secret));
		json_t *m = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:i}", "name", jstr(u, "name"), "username",
				      jstr(u, "username"), "url", buf_cstr(&url), "is_new", is_new, "is_forgot",
				      is_forgot, "is_reset", !is_new && !is_forgot, "minutes",
				      acc_setpw_link_ttl() / 60);
		json_object_set_new(m, "note", json_string(note ? note : ""));
		rc = send_mail(db, u, is_new ? "ตั้งรหัสผ่านบัญชีผู้ใช้ระบบ Khet" : "ตั้งรหัสผ่านใหม่ บัญชีผู้ใช้ระบบ Khet",
			       "mail/password_link", m, e);
	}
	sodium_memzero(secret.data, secret.cap);
	sodium_memzero(url.data, url.cap);
	buf_release(&secret);
	buf_release(&url);
	json_decref(u);
	return rc;
}

int acc_pw_otp_send(struct db *db, long long user_id, struct err *e)
{
	json_t *u = acc_pw_user(db, user_id, e);
	if (!u)
		return -1;
	char code[7];
	int rc = token_issue_otp(db, ACC_SETPW_OTP_PURPOSE, user_id, TOKEN_OTP_TTL, code, e);
	if (rc == 0) {
		json_t *m = json_pack("{s:s, s:s, s:i, s:i}", "name", jstr(u, "name"), "code", code, "minutes",
				      TOKEN_OTP_TTL / 60, "attempts", TOKEN_OTP_MAX_ATTEMPTS);
		rc = send_mail(db, u, "รหัส OTP ยืนยันการตั้งรหัสผ่าน ระบบ Khet", "mail/password_otp", m, e);
	}
	sodium_memzero(code, sizeof code);
	json_decref(u);
	return rc;
}

static void flow_hash(const char *flow, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)flow, strlen(flow));
	sodium_bin2hex(out, 65, h, sizeof h);
}

long long acc_pw_begin(struct db *db, const char *link_secret, const char *hash, struct buf *flow, struct err *e)
{
	long long uid = 0;
	if (token_use_link(db, ACC_SETPW_PURPOSE, link_secret, &uid, e) < 0)
		return -1;
	unsigned char raw[32];
	char secret[48], fh[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(secret, sizeof secret, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	flow_hash(secret, fh);
	long long now = (long long)time(NULL);
	/* this user's older one goes, and everybody's unconfirmed ones past
	 * their hour (a few rows at most, by the expires_at index) */
	if (db_exec(db, "DELETE FROM password_pending WHERE user_id = $1 OR expires_at < $2",
		    DB_ARGS(DB_INT(uid), DB_INT(now - ACC_PW_PENDING_TTL)), e) < 0 ||
	    db_exec(db,
		    "INSERT INTO password_pending (user_id, flow_hash, password_hash, created_at, expires_at) "
		    "VALUES ($1, $2, $3, $4, $5)",
		    DB_ARGS(DB_INT(uid), DB_TEXT(fh), DB_TEXT(hash), DB_INT(now), DB_INT(now + ACC_PW_PENDING_TTL)),
		    e) < 0 ||
	    acc_pw_otp_send(db, uid, e) < 0) {
		sodium_memzero(secret, sizeof secret);
		return -1;
	}
	buf_adds(flow, secret);
	sodium_memzero(secret, sizeof secret);
	return uid;
}

int acc_pw_flow_user(struct db *db, const char *flow, long long now, long long *user_id, struct err *e)
{
	static const char gone[] = "ไม่พบขั้นตอนการตั้งรหัสผ่านที่รอยืนยันรหัส OTP อาจยืนยันเสร็จแล้ว หรือเปิดจากเบราว์เซอร์อื่น "
				   "กรุณาเปิดลิงก์ตั้งรหัสผ่านจากอีเมลอีกครั้ง หรือขอลิงก์ใหม่ที่หน้า \"ลืมรหัสผ่าน\"";
	*user_id = 0;
	if (!flow || strlen(flow) != 43)
		return err_set(e, 400, "%s", gone);
	char fh[65];
	flow_hash(flow, fh);
	json_t *row = db_row_json(db, "SELECT user_id, expires_at FROM password_pending WHERE flow_hash = $1",
				  DB_ARGS(DB_TEXT(fh)), e);
	if (!row)
		return e->status == 404 ? err_set(e, 400, "%s", gone) : -1;
	long long uid = json_integer_value(json_object_get(row, "user_id"));
	long long exp = json_integer_value(json_object_get(row, "expires_at"));
	json_decref(row);
	if (exp <= now)
		return err_set(e, 410,
			       "หมดเวลายืนยันรหัสผ่านใหม่แล้ว (ต้องยืนยันรหัส OTP ภายใน 1 ชั่วโมงหลังตั้งรหัสผ่าน) "
			       "รหัสผ่านที่ตั้งไว้จึงไม่ถูกใช้ กรุณาขอลิงก์ตั้งรหัสผ่านใหม่ที่หน้า \"ลืมรหัสผ่าน\"");
	*user_id = uid;
	return 0;
}

int acc_pw_confirm(struct db *db, long long user_id, struct err *e)
{
	long long now = (long long)time(NULL);
	long long n = db_exec(db,
			      "UPDATE users SET password_hash = (SELECT p.password_hash FROM password_pending p "
			      "WHERE p.user_id = $1 AND p.expires_at > $2), updated_at = $2, version = version + 1 "
			      "WHERE id = $1 AND status = 'active' AND EXISTS (SELECT 1 FROM password_pending p "
			      "WHERE p.user_id = $1 AND p.expires_at > $2)",
			      DB_ARGS(DB_INT(user_id), DB_INT(now)), e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 410,
			       "ยืนยันรหัสผ่านใหม่ไม่ได้ เพราะขั้นตอนนี้หมดเวลาแล้วหรือบัญชีถูกยกเลิก "
			       "กรุณาขอลิงก์ตั้งรหัสผ่านใหม่ที่หน้า \"ลืมรหัสผ่าน\"");
	if (db_exec(db, "DELETE FROM password_pending WHERE user_id = $1", DB_ARGS(DB_INT(user_id)), e) < 0 ||
	    db_exec(db, "DELETE FROM sessions WHERE user_id = $1", DB_ARGS(DB_INT(user_id)), e) < 0)
		return -1;
	return 0;
}

int acc_pw_replace(struct db *db, long long user_id, const char *hash, struct err *e)
{
	long long n =
	    db_exec(db, "UPDATE users SET password_hash = $2, updated_at = $3, version = version + 1 "
			"WHERE id = $1 AND status = 'active'",
		    DB_ARGS(DB_INT(user_id), DB_TEXT(hash), DB_INT((long long)time(NULL))), e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 404, "ไม่พบบัญชีผู้ใช้ที่ใช้งานอยู่");
	/* a pending password from an older link would undo this change */
	if (db_exec(db, "DELETE FROM password_pending WHERE user_id = $1", DB_ARGS(DB_INT(user_id)), e) < 0 ||
	    db_exec(db, "DELETE FROM sessions WHERE user_id = $1", DB_ARGS(DB_INT(user_id)), e) < 0)
		return -1;
	return 0;
}
