/* signin_link: signing in by a one-time link sent to the account's e-mail
 * (issue 11.3). Sign-in failures delay the account's owner only on the
 * network they came from (routes.c); when that is his own network — a
 * school behind one address, where someone else typed his name with wrong
 * passwords — this is his way in without waiting and without changing his
 * password: whoever reads his mailbox is him as far as the system knows
 * (the forgotten-password link trusts the same).
 *
 * GET/POST /signin/link asks for the link with a login (username, citizen
 * ID or e-mail) and answers the same whether or not an active account
 * matches; the mail goes only to the account's own address. The link is a
 * token.h secret ("signin_link"), valid SIGNIN_LINK_TTL, single use, and
 * asking again voids the earlier one. Following it (GET /signin/link/use?t=)
 * shows a button; only the POST signs in, because mail scanners open links
 * by themselves. Signing in this way ends the account's sign-in delays on
 * every network, as a password set anew does. Asking is limited per
 * network and, quietly, per account (mails are not sent more often). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/mail.h"
#include "core/ratelimit.h"
#include "core/thai.h"
#include "core/token.h"
#include "core/view.h"

#define SIGNIN_LINK_PURPOSE "signin_link"
#define SIGNIN_LINK_TTL (15 * 60)
#define LINK_ADDRESS_MAX 10 /* asks from one network an hour */
#define LINK_ACCOUNT_MAX 3  /* mails to one account an hour */
#define LINK_WINDOW (60 * 60)

static const struct field ask_form[] = {
    {.name = "login",
     .label = "ชื่อผู้ใช้ อีเมล หรือเลขประจำตัวประชาชน",
     .type = FT_TEXT,
     .flags = F_REQUIRED,
     .max = 254,
     .hint = "ระบบจะส่งลิงก์ไปที่อีเมลที่ลงทะเบียนไว้ของบัญชีนี้"},
    {NULL},
};

static const struct field use_form[] = {
    {.name = "t", .label = "ลิงก์", .type = FT_HIDDEN, .flags = F_REQUIRED, .max = 100},
    {NULL},
};

static const char asked[] = "หากข้อมูลที่กรอกตรงกับบัญชีผู้ใช้ที่ใช้งานอยู่ ระบบได้ส่งลิงก์เข้าสู่ระบบไปที่อีเมลของบัญชีนั้นแล้ว "
			    "ลิงก์ใช้ได้ครั้งเดียวภายใน 15 นาที หากไม่ได้รับอีเมลภายในไม่กี่นาที ให้ตรวจสอบกล่องจดหมายขยะ";

static int ask_page(struct req *r, int status, const char *message)
{
	if (message)
		form_error(r, "_form", message);
	json_t *form = form_model(r, ask_form, NULL);
	json_t *m = json_pack("{s:s, s:o}", "page_title", "เข้าสู่ระบบด้วยลิงก์ทางอีเมล", "form", form);
	return view_page(r, status, "acc/signin_link", m);
}

static int ask_get(struct req *r)
{
	return ask_page(r, 200, NULL);
}

/* Issues the link and queues its mail (in the handler's transaction). */
static int link_send(struct db *db, long long uid, struct err *e)
{
	json_t *u = db_row_json(db, "SELECT email, username, title, first_name, last_name FROM users WHERE id = $1",
				DB_ARGS(DB_INT(uid)), e);
	if (!u)
		return -1;
	struct buf secret = BUF_INIT, url = BUF_INIT, name = BUF_INIT, body = BUF_INIT;
	int rc = token_issue_link(db, SIGNIN_LINK_PURPOSE, uid, SIGNIN_LINK_TTL, &secret, e);
	if (rc == 0) {
		buf_addf(&url, "%s/signin/link/use?t=%s", mail_base_url(), buf_cstr(&secret));
		buf_addf(&name, "%s%s %s", jstr(u, "title"), jstr(u, "first_name"), jstr(u, "last_name"));
		json_t *m = json_pack("{s:s, s:s, s:s, s:i}", "name", buf_cstr(&name), "username", jstr(u, "username"),
				      "url", buf_cstr(&url), "minutes", SIGNIN_LINK_TTL / 60);
		rc = view_render_text("mail/signin_link", m, &body, e);
		json_decref(m);
		if (rc == 0)
			rc = mail_queue(db, jstr(u, "email"), "ลิงก์เข้าสู่ระบบ Khet", buf_cstr(&body), e);
	}
	sodium_memzero(secret.data, secret.cap);
	sodium_memzero(url.data, url.cap);
	sodium_memzero(body.data, body.cap);
	buf_release(&secret);
	buf_release(&url);
	buf_release(&name);
	buf_release(&body);
	json_decref(u);
	return rc;
}

static int ask_post(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	if (!form_ok(r))
		return ask_page(r, 422, NULL);
	struct err e = ERR_INIT;
	long long now = (long long)time(NULL), wait = 0;
	struct buf net = BUF_INIT;
	acc_client_net(req_client_ip(r), &net);
	int blocked =
	    acc_attempt(r, db, LINK_ADDRESS_MAX, LINK_WINDOW, now, &wait, &e, "signinlink:ip:%s", buf_cstr(&net));
	buf_release(&net);
	if (blocked < 0)
		return view_err(r, &e);
	if (blocked) {
		struct buf msg = BUF_INIT;
		buf_addf(&msg, "มีการขอลิงก์เข้าสู่ระบบจากเครือข่ายนี้บ่อยเกินไป กรุณารออีก %lld นาทีแล้วลองใหม่", wait);
		req_commit_on_error(r); /* the network's count stays */
		int rc = ask_page(r, 429, buf_cstr(&msg));
		buf_release(&msg);
		return rc;
	}
	long long uid = acc_mail_account(db, form_value(r, "login"), "signinlink", LINK_ACCOUNT_MAX, LINK_WINDOW, now, &e);
	if (uid > 0 && link_send(db, uid, &e) < 0)
		uid = -1;
	if (uid < 0)
		return view_err(r, &e);
	/* none, or over the account's limit: quietly no mail, the same answer */
	if (uid > 0)
		acc_audit(r, db, 0, "auth.signin_link_sent", "user", uid, NULL);
	return view_redirect(r, "/signin", asked);
}

/* The page of a link that cannot be used: what happened, what to do. */
static int problem(struct req *r, const struct err *e)
{
	if (e->status >= 500 || e->status == 0)
		return view_err(r, e);
	json_t *m = json_pack("{s:s, s:s, s:b}", "page_title", "ลิงก์เข้าสู่ระบบใช้ไม่ได้", "message", e->msg, "problem", 1);
	return view_page(r, e->status, "acc/signin_link_use", m);
}

static int use_get(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	const char *t = req_query(r, "t");
	long long uid = 0;
	if (token_check_link(db, SIGNIN_LINK_PURPOSE, t ? t : "", &uid, &e) < 0)
		return problem(r, &e);
	json_t *u =
	    db_row_json(db, "SELECT username FROM users WHERE id = $1 AND status = 'active'", DB_ARGS(DB_INT(uid)), &e);
	if (!u) {
		if (e.status != 404)
			return view_err(r, &e);
		err_set(&e, 410, "บัญชีนี้ถูกยกเลิกแล้ว หากต้องการใช้งานอีกครั้ง กรุณาติดต่อแอดมินเขตพื้นที่ของท่าน");
		return problem(r, &e);
	}
	json_t *m = json_pack("{s:s, s:s, s:O, s:b}", "page_title", "เข้าสู่ระบบด้วยลิงก์ทางอีเมล", "t", t, "username",
			      json_object_get(u, "username"), "problem", 0);
	json_decref(u);
	return view_page(r, 200, "acc/signin_link_use", m);
}

static int use_post(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	long long uid = 0;
	if (!form_ok(r)) {
		err_set(&e, 400, "ลิงก์ไม่ถูกต้อง กรุณาเปิดลิงก์จากอีเมลฉบับล่าสุด หรือขอลิงก์ใหม่");
		return problem(r, &e);
	}
	if (token_use_link(db, SIGNIN_LINK_PURPOSE, form_value(r, "t"), &uid, &e) < 0)
		return problem(r, &e);
	long long active = 0;
	int rc = db_int_value(db, "SELECT 1 FROM users WHERE id = $1 AND status = 'active'", DB_ARGS(DB_INT(uid)),
			      &active, &e);
	if (rc < 0)
		return view_err(r, &e);
	if (rc == 0) {
		err_set(&e, 410, "บัญชีนี้ถูกยกเลิกแล้ว หากต้องการใช้งานอีกครั้ง กรุณาติดต่อแอดมินเขตพื้นที่ของท่าน");
		return problem(r, &e);
	}
	/* the owner is in: his sign-in delays end on every network (routes.c) */
	struct buf key = BUF_INIT;
	buf_addf(&key, "signin:pair:user:%lld:", uid);
	ratelimit_clear_prefix(db, buf_cstr(&key));
	buf_release(&key);
	if (acc_session_end(r, db, &e) < 0 || acc_session_start(r, db, uid, 0, 0, &e) < 0)
		return view_err(r, &e);
	acc_audit(r, db, uid, "auth.signin_link", "user", uid, NULL);
	return view_redirect(r, "/", NULL);
}

static const struct route routes[] = {
    {"GET", "/signin/link", ask_get, NULL, NULL, ACCESS_PUBLIC, 0},
    {"POST", "/signin/link", ask_post, ask_form, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/signin/link/use", use_get, NULL, NULL, ACCESS_PUBLIC, 0},
    {"POST", "/signin/link/use", use_post, use_form, NULL, ACCESS_PUBLIC, 0},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_signin_link_routes = {"acc", routes};
