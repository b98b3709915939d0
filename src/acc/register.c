/* register: the public registration (/register, ACC-3) as seen from the
 * outside, which must not tell whether a citizen ID or an e-mail has an
 * account already (issue 11.6: it answered 409 "อีเมลนี้ลงทะเบียนแล้ว",
 * so anyone could test addresses and ID numbers). The page therefore
 * answers a registration the same way whether it made an account or not,
 * and the news goes by e-mail instead, to whoever owns the address: the
 * new account's owner gets a welcome naming his username; the owner of an
 * account the citizen ID or the e-mail belongs to is told that someone
 * tried to register with it, and how to sign in or reset his password if
 * it was he. Both mails are queued in the registration's transaction
 * (mail.h). A username asked for and taken is still said plainly: that
 * check comes first and does not depend on the citizen ID or the e-mail,
 * so it tells nothing about them.
 *
 * The password has been hashed by the caller in either case, so the
 * registrations of a new and of a known person cost the same. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/mail.h"
#include "core/thai.h"
#include "core/view.h"

/* Renders templates/mail/<tmpl>.html with model (stolen) and queues it. */
static int queue(struct db *db, const char *to, const char *subject, const char *tmpl, json_t *model, struct err *e)
{
	struct buf body = BUF_INIT;
	int rc = view_render_text(tmpl, model, &body, e);
	json_decref(model);
	if (rc == 0)
		rc = mail_queue(db, to, subject, buf_cstr(&body), e);
	buf_release(&body);
	return rc;
}

static void add_urls(json_t *m)
{
	struct buf url = BUF_INIT;
	buf_addf(&url, "%s/signin", mail_base_url());
	json_object_set_new(m, "signin_url", json_string(buf_cstr(&url)));
	buf_reset(&url);
	buf_addf(&url, "%s/password/forgot", mail_base_url());
	json_object_set_new(m, "forgot_url", json_string(buf_cstr(&url)));
	buf_release(&url);
}

/* The owner of an account found by the citizen ID or the e-mail of a
 * registration: what matched, when, and what he can do. */
static int tell_owner(struct db *db, json_t *x, const struct acc_user_new *u, long long now, struct err *e)
{
	bool by_cid = !strcmp(jstr(x, "citizen_id"), u->citizen_id);
	bool by_email = !strcmp(jstr(x, "email"), u->email);
	struct buf name = BUF_INIT, when = BUF_INIT;
	buf_addf(&name, "%s%s %s", jstr(x, "title"), jstr(x, "first_name"), jstr(x, "last_name"));
	thai_datetime_short(&when, now);
	const char *what = by_cid && by_email ? "เลขประจำตัวประชาชนและอีเมล" : by_cid ? "เลขประจำตัวประชาชน" : "อีเมล";
	json_t *m =
	    json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", buf_cstr(&name), "what", what, "when", buf_cstr(&when),
		      "username", jstr(x, "username"), "cancelled", strcmp(jstr(x, "status"), "active") != 0);
	add_urls(m);
	buf_release(&name);
	buf_release(&when);
	return queue(db, jstr(x, "email"), "มีการลงทะเบียนด้วยข้อมูลบัญชีของท่าน ระบบ Khet", "mail/register_existing", m, e);
}

long long acc_user_register(struct db *db, const struct acc_user_new *u, long long *existing, struct err *e)
{
	*existing = 0;
	if (acc_user_validate(u, e) < 0)
		return -1;
	if (db_lock(db, ACC_LOCK_USERS, e) < 0)
		return -1;
	if (u->username && *u->username) {
		long long one = 0;
		int rc =
		    db_int_value(db, "SELECT 1 FROM users WHERE username = $1", DB_ARGS(DB_TEXT(u->username)), &one, e);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			err_field(e, "username", "ชื่อผู้ใช้นี้มีผู้ใช้แล้ว กรุณาเลือกชื่ออื่น");
			e->status = 409;
			return -1;
		}
	}
	/* two seeks, one in each UNIQUE index */
	json_t *found =
	    db_rows_json(db,
			 "SELECT id, citizen_id, email, username, title, first_name, last_name, status FROM users "
			 "WHERE citizen_id = $1 UNION SELECT id, citizen_id, email, username, title, first_name, "
			 "last_name, status FROM users WHERE email = $2 ORDER BY id",
			 DB_ARGS(DB_TEXT(u->citizen_id), DB_TEXT(u->email)), e);
	if (!found)
		return -1;
	long long now = (long long)time(NULL);
	if (json_array_size(found) > 0) {
		size_t i;
		json_t *x;
		json_array_foreach(found, i, x)
		{
			if (tell_owner(db, x, u, now, e) < 0) {
				json_decref(found);
				return -1;
			}
		}
		*existing = jint(json_array_get(found, 0), "id");
		json_decref(found);
		return 0;
	}
	json_decref(found);
	long long id = acc_user_create(db, u, e);
	if (id < 0)
		return -1;
	json_t *p = acc_user_profile(db, id, e);
	if (!p)
		return -1;
	struct buf name = BUF_INIT;
	buf_addf(&name, "%s%s %s", jstr(p, "title"), jstr(p, "first_name"), jstr(p, "last_name"));
	json_t *m = json_pack("{s:s, s:s, s:s}", "name", buf_cstr(&name), "username", jstr(p, "username"), "email",
			      jstr(p, "email"));
	add_urls(m);
	buf_release(&name);
	int rc = queue(db, jstr(p, "email"), "ลงทะเบียนบัญชีผู้ใช้ระบบ Khet เรียบร้อยแล้ว", "mail/register_welcome", m, e);
	json_decref(p);
	return rc < 0 ? -1 : id;
}
