/* routes: the account pages — register (ACC-3), sign in and out, my
 * account, the role switch (ACC-2) and the ALTCHA challenge. Each handler
 * reads the declared form, calls user.c / session.c / altcha.c and answers
 * through view.h, so every page is also JSON; JSON clients of POST
 * /signin get {ok, location}. A registration answers the same whether it
 * made an account or found one (register.c): no session, the sign-in page.
 *
 * Sign-in and registration each hash or verify one password with argon2id
 * (tens of milliseconds, 64 MB). The server runs a POST handler inside a
 * transaction, and SQLite's IMMEDIATE transaction holds the database's only
 * write lock from its first statement, so hashing inside it would let one
 * sign-in at a time through, and stall every other write meanwhile. These
 * two handlers therefore commit the (still empty) transaction first, read
 * and hash outside any transaction, and begin a new one for their writes,
 * which the server then commits or rolls back as usual.
 *
 * Sign-in failures say the same thing whether the account exists, has no
 * password yet, is cancelled, or the password is wrong, and take as long
 * (one argon2id check each, against a dummy hash where there is no real
 * one). They are counted in the database (ratelimit), committed although
 * the answer is an error (req_commit_on_error): per account AND client
 * network, with growing delays after 5 (1, 2, 4 … 30 minutes), so that
 * someone who types the teacher's name with wrong passwords delays only
 * himself — the teacher signing in from anywhere else is not touched; and
 * 20 from one network in 15 minutes make that network wait, whatever the
 * account. An identifier that names no account is counted under its own
 * text, so it answers exactly as an existing one would. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acc/acc_internal.h"
#include "core/audit.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/form.h"
#include "core/log.h"
#include "core/ratelimit.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

#define ADDRESS_MAX_FAILS 20
#define FAIL_WINDOW (15 * 60)
/* One account from one network: 5 failures free, then 1, 2, 4 … minutes
 * between attempts, at most 30, counted over a day. */
#define PAIR_FREE_FAILS 5
#define PAIR_FIRST_WAIT 60
#define PAIR_LONGEST_WAIT (30 * 60)
#define PAIR_WINDOW RATELIMIT_KEEP
/* Registrations (POST /register past the form's checks) per client address. */
#define REGISTER_ADDRESS_MAX 20
#define REGISTER_WINDOW (15 * 60)

/* --- forms -------------------------------------------------------------- */

static const struct choice title_choices[] = {
    {"นาย", "นาย"},
    {"นาง", "นาง"},
    {"นางสาว", "นางสาว"},
    {"ด.ช.", "ด.ช. (เด็กชาย)"},
    {"ด.ญ.", "ด.ญ. (เด็กหญิง)"},
    {"ว่าที่ ร.ต.", "ว่าที่ ร.ต."},
    {"ว่าที่ ร.ต.หญิง", "ว่าที่ ร.ต.หญิง"},
    {"ดร.", "ดร."},
    {"ผศ.", "ผศ."},
    {"ผศ.ดร.", "ผศ.ดร."},
    {"รศ.", "รศ."},
    {"รศ.ดร.", "รศ.ดร."},
    {"ศ.", "ศ."},
    {"ศ.ดร.", "ศ.ดร."},
    {NULL, NULL},
};

/* The register form. "altcha" is the widget's own hidden field: declared so
 * the server reads it, but taken out of the model the page renders. */
static const struct field register_form[] = {
    {.name = "citizen_id",
     .label = "เลขประจำตัวประชาชน",
     .type = FT_CITIZEN_ID,
     .flags = F_REQUIRED,
     .hint = "13 หลัก ตามบัตรประจำตัวประชาชน"},
    {.name = "title", .label = "คำนำหน้าชื่อ", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = title_choices},
    {.name = "first_name", .label = "ชื่อ", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},
    {.name = "last_name", .label = "นามสกุล", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},
    {.name = "phone", .label = "หมายเลขโทรศัพท์", .type = FT_PHONE, .flags = F_REQUIRED, .hint = "เช่น 0812345678"},
    {.name = "email",
     .label = "อีเมล",
     .type = FT_EMAIL,
     .flags = F_REQUIRED,
     .max = 254,
     .hint = "ใช้รับลิงก์ตั้งรหัสผ่านและการแจ้งเตือน 1 อีเมลต่อ 1 บัญชี"},
    {.name = "username",
     .label = "ชื่อผู้ใช้ (ไม่บังคับ)",
     .type = FT_TEXT,
     .max = 32,
     .hint = "ภาษาอังกฤษตัวเล็ก ตัวเลข . _ - ยาว 3–32 ตัว เว้นว่างไว้ ระบบจะใช้ชื่อหน้า @ ของอีเมล"},
    {.name = "password",
     .label = "รหัสผ่าน",
     .type = FT_PASSWORD,
     .flags = F_REQUIRED,
     .max = 128,
     .hint = "อย่างน้อย 10 ตัวอักษร ห้ามใช้เลขประจำตัวประชาชน และห้ามใช้รหัสผ่านที่คาดเดาง่าย"},
    {.name = "password2",
     .label = "ยืนยันรหัสผ่าน",
     .type = FT_PASSWORD,
     .flags = F_REQUIRED,
     .max = 128,
     .hint = "พิมพ์รหัสผ่านเดิมอีกครั้ง"},
    {.name = "altcha", .label = "การยืนยันว่าไม่ใช่บอท", .type = FT_TEXT, .max = 4000},
    {NULL},
};

static const struct field signin_form[] = {
    {.name = "login", .label = "ชื่อผู้ใช้ เลขประจำตัวประชาชน หรืออีเมล", .type = FT_TEXT, .flags = F_REQUIRED, .max = 254},
    {.name = "password", .label = "รหัสผ่าน", .type = FT_PASSWORD, .flags = F_REQUIRED, .max = 128},
    {.name = "next", .label = "หน้าถัดไป", .type = FT_HIDDEN, .max = 1000},
    {NULL},
};

static const struct field role_form[] = {
    {.name = "role", .label = "บทบาท", .type = FT_INT, .min = 1, .max = 0},
    {.name = "grant_id", .label = "บทบาท", .type = FT_INT, .min = 1, .max = 0},
    {.name = "next", .label = "หน้าถัดไป", .type = FT_HIDDEN, .max = 1000},
    {NULL},
};

static const struct field signout_form[] = {{NULL}};

/* Sets key on the field named name of a form model (autocomplete etc.). */
static void field_set(json_t *form, const char *name, const char *key, const char *value)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(form, "fields"), i, f)
	{
		if (!strcmp(json_string_value(json_object_get(f, "name")), name))
			json_object_set_new(f, key, json_string(value));
	}
}

/* --- helpers ------------------------------------------------------------ */

/* Leaves the server's transaction (nothing written yet) so that slow
 * password work holds no database lock; enter_tx starts the one the server
 * will commit. */
static int leave_tx(struct db *db, struct err *e)
{
	if (db_commit(db, e) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

static int enter_tx(struct db *db, struct err *e)
{
	return db_begin(db, e);
}

/* The audit row of an account action: the target's area, not the actor's,
 * so that the admins of the area the account belongs to see it (ACC-10). */
static void audit(struct req *r, struct db *db, long long actor, const char *action, const char *target_type,
		  long long target_id, json_t *detail)
{
	acc_audit(r, db, actor, action, target_type, target_id, detail);
}

/* --- register ------------------------------------------------------------ */

static int register_page(struct req *r, int status)
{
	json_t *form = form_model(r, register_form, NULL);
	json_t *fields = json_object_get(form, "fields");
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f)
	{
		if (!strcmp(json_string_value(json_object_get(f, "name")), "altcha")) {
			json_array_remove(fields, i);
			break;
		}
	}
	json_object_del(json_object_get(form, "values"), "altcha");
	field_set(form, "password", "autocomplete", "new-password");
	field_set(form, "password2", "autocomplete", "new-password");
	field_set(form, "username", "autocomplete", "username");
	field_set(form, "first_name", "autocomplete", "given-name");
	field_set(form, "last_name", "autocomplete", "family-name");
	/* the widget's message is shown by the widget (it counts in the
	 * summary's error_count already) */
	json_t *altcha_err = json_object_get(json_object_get(form, "errors"), "altcha");
	json_object_set(form, "altcha_error", altcha_err ? altcha_err : json_null());
	json_t *m = json_pack("{s:s, s:o, s:s}", "page_title", "ลงทะเบียนผู้ใช้งาน", "form", form, "altcha_challenge_url",
			      "/altcha/challenge");
	return view_page(r, status, "acc/register", m);
}

static int register_get(struct req *r)
{
	return register_page(r, 200);
}

static const char register_done[] =
    "ส่งการลงทะเบียนแล้ว ระบบส่งอีเมลแจ้งผลไปที่อีเมลของบัญชีแล้ว หากเป็นการลงทะเบียนใหม่ "
    "เข้าสู่ระบบได้ทันทีด้วยอีเมลหรือเลขประจำตัวประชาชนกับรหัสผ่านที่ตั้งไว้ (ชื่อผู้ใช้อยู่ในอีเมล) "
    "หากเคยลงทะเบียนไว้แล้ว บัญชีเดิมยังใช้งานได้ตามเดิม ให้เข้าสู่ระบบด้วยรหัสผ่านเดิม หรือขอรีเซ็ตรหัสผ่านหากจำไม่ได้";

static int register_post_in(struct req *r, struct buf *uname);

static int register_post(struct req *r)
{
	struct buf uname = BUF_INIT;
	int rc = register_post_in(r, &uname);
	buf_release(&uname);
	return rc;
}

static int register_post_in(struct req *r, struct buf *uname)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	const char *pw = form_value(r, "password");
	/* the password's own checks beside the other fields' errors, all at
	 * once (issue 10: it used to wait until everything else was fixed);
	 * against the citizen ID only when that one is good */
	if (!form_has_error(r, "password") && *pw) {
		const char *cid = form_has_error(r, "citizen_id") ? "" : form_value(r, "citizen_id");
		if (acc_password_check(pw, cid, &e) < 0) {
			form_error_err(r, &e);
			err_clear(&e);
		}
	}
	if (!form_has_error(r, "password") && !form_has_error(r, "password2") && strcmp(pw, form_value(r, "password2")))
		form_error(r, "password2", "รหัสผ่านทั้งสองช่องไม่ตรงกัน กรุณาพิมพ์ให้เหมือนกัน");
	/* usernames are lower-case: "Somchai" means "somchai" */
	for (const char *p = form_value(r, "username"); *p; p++)
		buf_addc(uname, (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p);
	struct acc_user_new u = {
	    .citizen_id = form_value(r, "citizen_id"),
	    .email = form_value(r, "email"),
	    .username = buf_cstr(uname),
	    .title = form_value(r, "title"),
	    .first_name = form_value(r, "first_name"),
	    .last_name = form_value(r, "last_name"),
	    .phone = form_value(r, "phone"),
	    .password = pw,
	};
	if (form_ok(r) && acc_user_validate(&u, &e) < 0) {
		form_error_err(r, &e);
		err_clear(&e);
	}
	if (!form_ok(r))
		return register_page(r, 422);
	/* Attempts per client address are limited (kept although the answer
	 * is an error, like sign-in's), more during a registration session
	 * of the address (a meeting). */
	long long now = (long long)time(NULL), wait = 0;
	int blocked = acc_reg_attempt(r, db, "register", REGISTER_ADDRESS_MAX, REGISTER_WINDOW, now, &wait, &e);
	if (blocked < 0)
		return view_err(r, &e);
	if (blocked) {
		char msg[300];
		snprintf(msg, sizeof msg, "มีการลงทะเบียนจากเครือข่ายนี้บ่อยเกินไป กรุณารออีก %lld นาทีแล้วลองใหม่", wait);
		form_error(r, "_form", msg);
		return register_page(r, 429);
	}
	/* The bot check gates the expensive hash: a used solution is refused
	 * before it; a good one is marked used and COMMITTED before it, so
	 * that it stays used whatever follows (a taken username must not hand
	 * the solution back for the next guess). */
	const char *payload = form_value(r, "altcha");
	if (acc_altcha_precheck(db, payload, now, &e) < 0 || acc_altcha_verify(db, payload, now, &e) < 0) {
		if (e.status >= 500)
			return view_err(r, &e);
		req_commit_on_error(r); /* the address's count stays */
		form_error_err(r, &e);
		return register_page(r, 422);
	}
	/* hashed whether or not an account is made: a known person's
	 * registration takes as long as a new one's */
	char hash[128];
	if (leave_tx(db, &e) < 0 || acc_password_hash(pw, hash, &e) < 0 || enter_tx(db, &e) < 0)
		return view_err(r, &e);
	u.password = NULL;
	u.password_hash = hash;
	long long existing = 0;
	long long id = acc_user_register(db, &u, &existing, &e);
	sodium_memzero(hash, sizeof hash);
	if (id < 0) {
		if (e.status >= 500)
			return view_err(r, &e);
		form_error_err(r, &e);
		return register_page(r, e.status == 409 ? 409 : 422);
	}
	/* The same answer whether an account was made or one existed (issue
	 * 11.6): no session, the sign-in page, one text; the e-mail tells the
	 * address's owner which it was (register.c). */
	if (id > 0)
		audit(r, db, id, "user.register", "user", id, json_pack("{s:s}", "email", u.email));
	else
		audit(r, db, 0, "user.register_existing", "user", existing, NULL);
	return view_redirect(r, "/signin", register_done);
}

/* --- sign in / out -------------------------------------------------------- */

static int signin_page(struct req *r, int status, const char *message)
{
	if (message)
		form_error(r, "_form", message);
	json_t *form = form_model(r, signin_form, NULL);
	field_set(form, "login", "autocomplete", "username");
	field_set(form, "password", "autocomplete", "current-password");
	const char *next = acc_safe_next(req_query(r, "next"), NULL);
	if (next)
		field_set(form, "next", "value", next);
	json_t *m = json_pack("{s:s, s:o}", "page_title", "เข้าสู่ระบบ", "form", form);
	if (acc_user_id(r))
		json_object_set_new(m, "signed_in_as", json_string(acc_display_name(r)));
	return view_page(r, status, "acc/signin", m);
}

static int signin_get(struct req *r)
{
	return signin_page(r, 200, NULL);
}

static const char signin_failed[] = "เข้าสู่ระบบไม่สำเร็จ: ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง หรือบัญชีนี้ถูกยกเลิกแล้ว กรุณาตรวจสอบแล้วลองใหม่ "
				    "(หากลืมรหัสผ่านให้ขอรีเซ็ต หากบัญชีถูกยกเลิกโปรดติดต่อแอดมินเขต "
				    "หากเพิ่งตั้งรหัสผ่านใหม่แต่ยังไม่ได้ยืนยันรหัส OTP ทางอีเมล รหัสผ่านนั้นยังไม่มีผล "
				    "ให้ขอลิงก์ตั้งรหัสผ่านใหม่ที่เมนูลืมรหัสผ่าน)";

static int too_many(struct req *r, long long retry_after, bool address)
{
	long long minutes = (retry_after + 59) / 60;
	if (minutes < 1)
		minutes = 1;
	char secs[24];
	snprintf(secs, sizeof secs, "%lld", retry_after > 0 ? retry_after : 60);
	req_add_header(r, "Retry-After", secs);
	struct buf msg = BUF_INIT;
	if (address)
		buf_addf(&msg,
			 "มีการเข้าสู่ระบบไม่สำเร็จจากเครือข่ายนี้หลายครั้งเกินไป กรุณารออีก %lld นาทีแล้วลองใหม่ "
			 "หรือเข้าสู่ระบบด้วยลิงก์ทางอีเมลได้ทันที",
			 minutes);
	else
		buf_addf(&msg,
			 "เข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไปจากเครือข่ายนี้ เพื่อความปลอดภัยกรุณารออีก %lld นาทีแล้วลองใหม่ "
			 "หรือเข้าสู่ระบบด้วยลิงก์ทางอีเมลได้ทันที หรือขอรีเซ็ตรหัสผ่าน",
			 minutes);
	int rc = signin_page(r, 429, buf_cstr(&msg));
	buf_release(&msg);
	return rc;
}

/* The failures of one account from one network (acc_client_net), or of
 * one unknown login text from it: whoever types a login the owner uses
 * delays only himself and his own network, never the owner elsewhere. */
static void pair_key(struct buf *key, bool found, long long uid, const char *login, const char *net)
{
	if (found) {
		buf_addf(key, "signin:pair:user:%lld:%s", uid, net);
		return;
	}
	buf_adds(key, "signin:pair:login:");
	for (const char *p = login; *p; p++)
		buf_addc(key, (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p);
	buf_addf(key, ":%s", net);
}

static int signin_post(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	if (!form_ok(r))
		return signin_page(r, 422, NULL);
	struct err e = ERR_INIT;
	/* a citizen ID may be typed with dashes or spaces */
	char cid[14];
	const char *login = form_value(r, "login");
	if (thai_citizen_id_normalize(login, cid) == 0 && strspn(cid, "0123456789") == 13)
		login = cid;
	const char *pw = form_value(r, "password");
	long long now = (long long)time(NULL);
	if (leave_tx(db, &e) < 0)
		return view_err(r, &e);

	struct buf net = BUF_INIT, ipkey = BUF_INIT, pairkey = BUF_INIT;
	acc_client_net(req_client_ip(r), &net);
	buf_addf(&ipkey, "signin:ip:%s", buf_cstr(&net));
	long long retry = 0;
	int blocked = ratelimit_check(db, buf_cstr(&ipkey), ADDRESS_MAX_FAILS, FAIL_WINDOW, now, &retry, &e);
	long long uid = 0;
	char status[16] = "", hash[128] = "";
	int found = blocked ? 0 : acc_user_find_login(db, login, &uid, status, hash, &e);
	int rc;
	bool ok = false;
	if (blocked < 0 || found < 0) {
		rc = view_err(r, &e);
		goto out;
	}
	if (blocked) {
		rc = too_many(r, retry, true);
		goto out;
	}
	pair_key(&pairkey, found == 1, uid, login, buf_cstr(&net));
	blocked = ratelimit_backoff(db, buf_cstr(&pairkey), PAIR_FREE_FAILS, PAIR_FIRST_WAIT, PAIR_LONGEST_WAIT,
				    PAIR_WINDOW, now, &retry, &e);
	if (blocked) {
		rc = blocked < 0 ? view_err(r, &e) : too_many(r, retry, false);
		goto out;
	}
	/* one argon2id check whatever was found: no account, one without a
	 * password and a wrong password all take as long */
	ok = acc_signin_password_ok(found == 1, status, hash, pw, NULL);
	if (enter_tx(db, &e) < 0) {
		rc = view_err(r, &e);
		goto out;
	}
	if (!ok) {
		if (ratelimit_hit(db, buf_cstr(&ipkey), now, &e) < 0 ||
		    ratelimit_hit(db, buf_cstr(&pairkey), now, &e) < 0) {
			rc = view_err(r, &e);
			goto out;
		}
		if (found == 1)
			audit(r, db, 0, "auth.signin_failed", "user", uid, NULL);
		/* the failure counts although the answer is an error */
		req_commit_on_error(r);
		rc = signin_page(r, 401, signin_failed);
		goto out;
	}
	ratelimit_clear(db, buf_cstr(&pairkey));
	if (acc_password_needs_rehash(hash)) {
		char fresh[128];
		if (acc_password_hash(pw, fresh, &e) == 0)
			acc_user_set_hash(db, uid, fresh, &e);
		sodium_memzero(fresh, sizeof fresh);
	}
	err_clear(&e);
	/* a new token at every sign-in: whatever this browser held before is void */
	if (acc_session_end(r, db, &e) < 0 || acc_session_start(r, db, uid, 0, 0, &e) < 0) {
		rc = view_err(r, &e);
		goto out;
	}
	audit(r, db, uid, "auth.signin", "user", uid, NULL);
	rc = view_redirect(r, acc_safe_next(form_value(r, "next"), "/"), NULL);
out:
	sodium_memzero(hash, sizeof hash);
	buf_release(&net);
	buf_release(&ipkey);
	buf_release(&pairkey);
	return rc;
}

static int signout_post(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	long long uid = acc_user_id(r);
	if (acc_session_end(r, db, &e) < 0)
		return view_err(r, &e);
	if (uid)
		audit(r, db, uid, "auth.signout", "user", uid, NULL);
	return view_redirect(r, "/", "ออกจากระบบเรียบร้อยแล้ว");
}

/* --- my account ------------------------------------------------------------ */

static const char *personnel_label(const char *v)
{
	for (const struct acc_personnel_type *t = acc_personnel_types; t->value; t++)
		if (!strcmp(t->value, v))
			return t->label;
	return "";
}

static json_t *grant_json(const struct acc_grant *g)
{
	if (!g)
		return json_null();
	return json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:s}", "id", (json_int_t)g->id, "role", g->role,
			 "role_label", acc_role_label(g->role), "area_id", (json_int_t)g->area_id, "school_id",
			 (json_int_t)g->school_id, "work_group_id", (json_int_t)g->work_group_id, "module", g->module,
			 "service", g->service);
}

static int account_page(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	long long uid = acc_user_id(r);
	json_t *p = acc_user_profile(db, uid, &e);
	if (!p)
		return view_err(r, &e);
	json_t *grants = acc_user_grants(db, uid, &e);
	if (!grants) {
		json_decref(p);
		return view_err(r, &e);
	}
	const struct acc_grant *g = acc_active_grant(r);
	size_t i;
	json_t *x;
	json_array_foreach(grants, i, x)
	{
		json_object_set_new(x, "active",
				    json_boolean(g && g->id == json_integer_value(json_object_get(x, "id"))));
	}
	const char *pt = json_string_value(json_object_get(p, "personnel_type"));
	json_object_set_new(p, "personnel_type_label", json_string(personnel_label(pt ? pt : "")));
	struct buf name = BUF_INIT;
	buf_addf(&name, "%s%s %s", json_string_value(json_object_get(p, "title")),
		 json_string_value(json_object_get(p, "first_name")),
		 json_string_value(json_object_get(p, "last_name")));
	json_object_set_new(p, "display_name", json_string(buf_cstr(&name)));
	buf_release(&name);
	struct buf en = BUF_INIT;
	buf_addf(&en, "%s %s", json_string_value(json_object_get(p, "first_name_en")),
		 json_string_value(json_object_get(p, "last_name_en")));
	json_object_set_new(p, "name_en", json_string(en.len > 1 ? buf_cstr(&en) : ""));
	buf_release(&en);
	/* the records other modules keep of the same person (DPA-5) */
	json_t *links = module_person_links(db, json_string_value(json_object_get(p, "citizen_id")), &e);
	if (!links) {
		json_decref(p);
		json_decref(grants);
		return view_err(r, &e);
	}
	json_t *m = json_pack("{s:s, s:o, s:o, s:b, s:o, s:b, s:o, s:b}", "page_title", "บัญชีของฉัน", "profile", p,
			      "grants", grants, "has_grants", json_array_size(grants) > 0, "active_grant", grant_json(g),
			      "multi_role", json_array_size(grants) > 1, "person_links", links, "has_person_links",
			      json_array_size(links) > 0);
	return view_page(r, 200, "acc/account", m);
}

/* --- role switch ------------------------------------------------------------ */

static int role_page(struct req *r, int status, const char *message)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *grants = acc_user_grants(db, acc_user_id(r), &e);
	if (!grants)
		return view_err(r, &e);
	const struct acc_grant *g = acc_active_grant(r);
	size_t i;
	json_t *x;
	json_array_foreach(grants, i, x)
	{
		json_object_set_new(x, "active",
				    json_boolean(g && g->id == json_integer_value(json_object_get(x, "id"))));
	}
	const char *next = acc_safe_next(req_query(r, "next"), "/account");
	json_t *m = json_pack("{s:s, s:o, s:b, s:o, s:s}", "page_title", "เปลี่ยนบทบาท", "grants", grants, "has_grants",
			      json_array_size(grants) > 0, "active_grant", grant_json(g), "next", next);
	if (message)
		json_object_set_new(m, "error", json_string(message));
	return view_page(r, status, "acc/role", m);
}

static int role_get(struct req *r)
{
	return role_page(r, 200, NULL);
}

static int role_post(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	long long id = form_int(r, "role");
	if (id <= 0)
		id = form_int(r, "grant_id");
	static const char bad[] = "ไม่พบบทบาทที่เลือก กรุณาเลือกจากบทบาทที่คุณมี";
	if (!form_ok(r) || id <= 0)
		return role_page(r, 422, bad);
	struct err e = ERR_INIT;
	long long uid = acc_user_id(r);
	json_t *row = db_row_json(db, "SELECT role FROM grants WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
				  DB_ARGS(DB_INT(id), DB_INT(uid)), &e);
	if (!row)
		return e.status == 404 ? role_page(r, 422, bad) : view_err(r, &e);
	const char *role = json_string_value(json_object_get(row, "role"));
	struct buf msg = BUF_INIT;
	buf_addf(&msg, "เปลี่ยนบทบาทเป็น%sแล้ว", acc_role_label(role) ? acc_role_label(role) : role);
	json_decref(row);
	long long created = acc_session_created(r);
	/* rotate: the old token ends, a new one carries the new role */
	if (acc_session_end(r, db, &e) < 0 || acc_session_start(r, db, uid, id, created, &e) < 0) {
		buf_release(&msg);
		return view_err(r, &e);
	}
	audit(r, db, uid, "auth.role_switch", "grant", id, NULL);
	int rc = view_redirect(r, acc_safe_next(form_value(r, "next"), "/account"), buf_cstr(&msg));
	buf_release(&msg);
	return rc;
}

/* --- the bot check's challenge --------------------------------------------- */

static int altcha_challenge(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *c = acc_altcha_challenge(db, (long long)time(NULL), &e);
	if (!c)
		return view_err(r, &e);
	/* always JSON: the widget fetches it without asking for JSON */
	char *s = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	struct buf b = BUF_INIT;
	buf_adds(&b, s ? s : "{}");
	free(s);
	return view_bytes(r, 200, "application/json", &b, NULL);
}

static const struct route routes[] = {
    {"GET", "/register", register_get, NULL, NULL, ACCESS_PUBLIC, 0},
    {"POST", "/register", register_post, register_form, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/signin", signin_get, NULL, NULL, ACCESS_PUBLIC, 0},
    {"POST", "/signin", signin_post, signin_form, NULL, ACCESS_PUBLIC, 0},
    {"POST", "/signout", signout_post, signout_form, NULL, ACCESS_PUBLIC, 0, NULL, ROUTE_NO_CSRF},
    {"GET", "/account", account_page, NULL, NULL, ACCESS_SIGNED_IN, 0},
    {"GET", "/session/role", role_get, NULL, NULL, ACCESS_SIGNED_IN, 0},
    {"POST", "/session/role", role_post, role_form, NULL, ACCESS_SIGNED_IN, 0},
    {"GET", "/altcha/challenge", altcha_challenge, NULL, NULL, ACCESS_PUBLIC, 0},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_routes = {"acc", routes};
