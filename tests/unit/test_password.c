/* test_password: the password flow's domain rules (src/acc/password.c,
 * password_requests.c; ACC-8, ACC-9) — the set-password link e-mail for a
 * new and a reset account, the link used up when a password is chosen, the
 * pending password that takes effect only at confirmation and not after
 * its hour, the flow secret stored only hashed, the user's own change that
 * ends his sessions, and the pure checks of the request form. Runs on
 * SQLite (a temp file) and, when KHET_TEST_PG holds a postgres:// URL, on
 * PostgreSQL too, in a schema of its own. */
#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acc/acc_internal.h"
#include "acc/password_internal.h"
#include "core/db.h"
#include "core/mail.h"
#include "core/token.h"
#include "core/view.h"

#define SCHEMA "khet_unit_password"

#include "engine.h"

/* What each engine's tests share: the one user the flows run on. */
struct ids {
	long long user;
};
static struct ids sqlite_ids, pg_ids;

/* engine_after_migrate: adds the user. */
static int add_user(struct engine *en, struct err *e)
{
	struct ids *ids = en->kind == DB_SQLITE ? &sqlite_ids : &pg_ids;
	en->data = ids;
	long long now = (long long)time(NULL);
	if (db_int_value(en->db,
			 "INSERT INTO users (citizen_id, email, username, title, first_name, last_name, password_hash, "
			 "created_at, updated_at) VALUES ('1101700203451', 'somchai@example.com', 'somchai', 'นาย', "
			 "'สมชาย', 'ใจดี', 'old-hash', $1, $1) RETURNING id",
			 DB_ARGS(DB_INT(now)), &ids->user, e) != 1)
		return -1;
	return 0;
}

static long long count(struct db *db, const char *sql, long long arg)
{
	struct err e = ERR_INIT;
	long long n = -1;
	if (db_int_value(db, sql, DB_ARGS(DB_INT(arg)), &n, &e) != 1)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

static void run(struct db *db, const char *sql, long long arg)
{
	struct err e = ERR_INIT;
	if (db_exec(db, sql, DB_ARGS(DB_INT(arg)), &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
}

/* The newest outbox row's subject and body. */
static void last_mail(struct db *db, struct buf *subject, struct buf *body)
{
	struct err e = ERR_INIT;
	json_t *row = db_row_json(db, "SELECT subject, body FROM outbox ORDER BY id DESC LIMIT 1", NULL, 0, &e);
	if (!row)
		fail_msg("no mail: %s", e.msg);
	buf_reset(subject);
	buf_reset(body);
	buf_adds(subject, json_string_value(json_object_get(row, "subject")));
	buf_adds(body, json_string_value(json_object_get(row, "body")));
	json_decref(row);
}

/* The link's secret in a mail body, into out (44 bytes). */
static void secret_of(const char *body, char out[44])
{
	const char *p = strstr(body, "https://khet.example.go.th/password/set?t=");
	assert_non_null(p);
	p += strlen("https://khet.example.go.th/password/set?t=");
	assert_true(strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == 43);
	memcpy(out, p, 43);
	out[43] = 0;
}

/* --- pure rules ------------------------------------------------------------- */

static void test_labels_and_checks(void **state)
{
	(void)state;
	assert_string_equal(acc_pwreq_reason_label("forgot"), "ลืมรหัสผ่าน");
	assert_string_equal(acc_pwreq_reason_label("disclosed"), "พบเหตุต้องสงสัยว่ามีบุคคลอื่นล่วงรู้รหัสผ่าน");
	assert_string_equal(acc_pwreq_reason_label("shared"), "ต้องการยกเลิกการใช้รหัสผ่านร่วมกับบุคคลอื่น");
	assert_null(acc_pwreq_reason_label("other"));
	assert_null(acc_pwreq_reason_label(NULL));
	assert_string_equal(acc_pwreq_channel_label("line"), "Line ID");
	assert_null(acc_pwreq_channel_label("sms"));

	struct err e = ERR_INIT;
	assert_int_equal(acc_pwreq_line_id_check("somchai.k", &e), 0);
	assert_int_equal(acc_pwreq_line_id_check("@shop_01", &e), 0);
	const char *bad[] = {"abc", "@abc", "a-very-long-line-id-123", "สมชาย", "Somchai", "a b cd", "<b>xx</b>", ""};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err_clear(&e);
		assert_int_equal(acc_pwreq_line_id_check(bad[i], &e), -1);
		assert_string_equal(e.field, "line_id");
		assert_non_null(strstr(e.msg, "Line ID"));
	}

	struct buf b = BUF_INIT;
	acc_pw_mask_email("somchai@example.com", &b);
	assert_string_equal(buf_cstr(&b), "so****@example.com");
	buf_reset(&b);
	acc_pw_mask_email("ab@x.org", &b);
	assert_string_equal(buf_cstr(&b), "a****@x.org");
	buf_reset(&b);
	acc_pw_mask_email("a@x.org", &b);
	assert_string_equal(buf_cstr(&b), "****@x.org");
	buf_reset(&b);
	acc_pw_mask_email("broken", &b);
	assert_string_equal(buf_cstr(&b), "****");
	buf_release(&b);
}

/* --- the link e-mail -------------------------------------------------------- */

static void test_link_mail(void **state)
{
	struct engine *en = *state;
	const struct ids *d = en->data;
	struct db *db = en->db;
	struct err e = ERR_INIT;
	struct buf subject = BUF_INIT, body = BUF_INIT;
	char s1[44], s2[44];

	assert_int_equal(acc_setpw_link_send(db, d->user, "new", &e), 0);
	last_mail(db, &subject, &body);
	assert_string_equal(buf_cstr(&subject), "ตั้งรหัสผ่านบัญชีผู้ใช้ระบบ Khet");
	assert_non_null(strstr(buf_cstr(&body), "เรียน นายสมชาย ใจดี"));
	assert_non_null(strstr(buf_cstr(&body), "พร้อมใช้งานแล้ว ชื่อผู้ใช้ของท่านคือ somchai"));
	assert_non_null(strstr(buf_cstr(&body), "ใช้ได้ภายใน 60 นาที"));
	secret_of(buf_cstr(&body), s1);
	/* stored only hashed */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM tokens WHERE user_id = $1 AND kind = 'link'", d->user), 1);
	long long uid = 0;
	assert_int_equal(token_check_link(db, ACC_SETPW_PURPOSE, s1, &uid, &e), 0);
	assert_int_equal(uid, d->user);

	assert_int_equal(acc_setpw_link_send(db, d->user, "reset", &e), 0);
	last_mail(db, &subject, &body);
	assert_string_equal(buf_cstr(&subject), "ตั้งรหัสผ่านใหม่ บัญชีผู้ใช้ระบบ Khet");
	/* an admin's reset or an approved request: the old password is void */
	assert_non_null(strstr(buf_cstr(&body), "ได้รีเซ็ตรหัสผ่าน"));
	assert_non_null(strstr(buf_cstr(&body), "รหัสผ่านเดิมของท่านถูกยกเลิกแล้ว"));
	assert_null(strstr(buf_cstr(&body), "ยังใช้ได้ตามเดิม"));
	assert_null(strstr(buf_cstr(&body), "พร้อมใช้งานแล้ว"));
	/* asked on the forgot page: the old password still works */
	assert_int_equal(acc_setpw_link_send(db, d->user, "forgot", &e), 0);
	last_mail(db, &subject, &body);
	assert_string_equal(buf_cstr(&subject), "ตั้งรหัสผ่านใหม่ บัญชีผู้ใช้ระบบ Khet");
	assert_non_null(strstr(buf_cstr(&body), "ลืมรหัสผ่าน"));
	assert_non_null(strstr(buf_cstr(&body), "รหัสผ่านเดิมของท่านยังใช้ได้ตามเดิม"));
	assert_null(strstr(buf_cstr(&body), "ถูกยกเลิกแล้ว"));
	secret_of(buf_cstr(&body), s2);
	assert_string_not_equal(s1, s2);
	/* the earlier link is void */
	err_clear(&e);
	assert_int_equal(token_check_link(db, ACC_SETPW_PURPOSE, s1, &uid, &e), -1);
	assert_int_equal(e.status, 410);
	assert_int_equal(token_check_link(db, ACC_SETPW_PURPOSE, s2, &uid, &e), 0);

	/* unknown wording; a cancelled account gets nothing */
	err_clear(&e);
	assert_int_equal(acc_setpw_link_send(db, d->user, "hello", &e), -1);
	assert_int_equal(e.status, 500);
	long long mails = count(db, "SELECT COUNT(*) FROM outbox WHERE id > $1", 0);
	run(db, "UPDATE users SET status = 'cancelled' WHERE id = $1", d->user);
	err_clear(&e);
	assert_int_equal(acc_setpw_link_send(db, d->user, "reset", &e), -1);
	assert_int_equal(e.status, 404);
	run(db, "UPDATE users SET status = 'active' WHERE id = $1", d->user);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM outbox WHERE id > $1", 0), mails);
	buf_release(&subject);
	buf_release(&body);
}

/* --- link → pending → OTP → confirm ------------------------------------------ */

static void begin_flow(struct engine *en, const char *hash, struct buf *flow, char code[7])
{
	struct db *db = en->db;
	const struct ids *d = en->data;
	struct err e = ERR_INIT;
	struct buf subject = BUF_INIT, body = BUF_INIT;
	char s[44];
	assert_int_equal(acc_setpw_link_send(db, d->user, "reset", &e), 0);
	last_mail(db, &subject, &body);
	secret_of(buf_cstr(&body), s);
	assert_int_equal(db_begin(db, &e), 0);
	buf_reset(flow);
	long long uid = acc_pw_begin(db, s, hash, flow, &e);
	if (uid < 0)
		fail_msg("acc_pw_begin: %s", e.msg);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(uid, d->user);
	assert_int_equal(strlen(buf_cstr(flow)), 43);
	/* the OTP mail */
	last_mail(db, &subject, &body);
	assert_string_equal(buf_cstr(&subject), "รหัส OTP ยืนยันการตั้งรหัสผ่าน ระบบ Khet");
	/* the code stands on a line of its own */
	code[0] = 0;
	for (const char *p = buf_cstr(&body); p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strspn(p, "0123456789") == 6 && (p[6] == '\n' || p[6] == 0)) {
			memcpy(code, p, 6);
			code[6] = 0;
		}
	assert_int_equal(strlen(code), 6);
	/* the link is used up */
	err_clear(&e);
	assert_int_equal(db_begin(db, &e), 0);
	struct buf f2 = BUF_INIT;
	assert_int_equal(acc_pw_begin(db, s, "other", &f2, &e), -1);
	assert_int_equal(e.status, 410);
	db_rollback(db);
	buf_release(&f2);
	buf_release(&subject);
	buf_release(&body);
}

static void test_flow_confirm(void **state)
{
	struct engine *en = *state;
	const struct ids *d = en->data;
	struct db *db = en->db;
	struct err e = ERR_INIT;
	struct buf flow = BUF_INIT;
	char code[7];
	run(db, "UPDATE users SET password_hash = 'old-hash' WHERE id = $1", d->user);
	begin_flow(en, "$argon2id$new-hash", &flow, code);
	/* pending, stored with the flow's hash only, not yet in effect */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM password_pending WHERE user_id = $1", d->user), 1);
	json_t *row = db_row_json(db, "SELECT flow_hash, password_hash FROM password_pending WHERE user_id = $1",
				  DB_ARGS(DB_INT(d->user)), &e);
	assert_non_null(row);
	assert_string_not_equal(json_string_value(json_object_get(row, "flow_hash")), buf_cstr(&flow));
	assert_int_equal(strlen(json_string_value(json_object_get(row, "flow_hash"))), 64);
	json_decref(row);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM users WHERE id = $1 AND password_hash = 'old-hash'", d->user),
			 1);

	long long uid = 0, now = (long long)time(NULL);
	assert_int_equal(acc_pw_flow_user(db, buf_cstr(&flow), now, &uid, &e), 0);
	assert_int_equal(uid, d->user);
	assert_int_equal(acc_pw_flow_user(db, "A23456789012345678901234567890123456789012B", now, &uid, &e), -1);
	assert_int_equal(e.status, 400);
	err_clear(&e);
	assert_int_equal(acc_pw_flow_user(db, "short", now, &uid, &e), -1);
	assert_int_equal(e.status, 400);
	err_clear(&e);
	assert_int_equal(acc_pw_flow_user(db, NULL, now, &uid, &e), -1);

	/* a session to be ended */
	run(db, "INSERT INTO sessions (token_hash, user_id, created_at, last_seen) VALUES ('s1', $1, 0, 0)", d->user);
	assert_int_equal(token_verify_otp(db, ACC_SETPW_OTP_PURPOSE, d->user, code, &e), 0);
	assert_int_equal(acc_pw_confirm(db, d->user, &e), 0);
	assert_int_equal(
	    count(db, "SELECT COUNT(*) FROM users WHERE id = $1 AND password_hash = '$argon2id$new-hash'", d->user), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM password_pending WHERE user_id = $1", d->user), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", d->user), 0);
	/* finished: the flow is gone, confirming again does nothing */
	err_clear(&e);
	assert_int_equal(acc_pw_flow_user(db, buf_cstr(&flow), now, &uid, &e), -1);
	assert_int_equal(e.status, 400);
	err_clear(&e);
	assert_int_equal(acc_pw_confirm(db, d->user, &e), -1);
	assert_int_equal(e.status, 410);
	buf_release(&flow);
}

static void test_flow_expired(void **state)
{
	struct engine *en = *state;
	const struct ids *d = en->data;
	struct db *db = en->db;
	struct err e = ERR_INIT;
	struct buf flow = BUF_INIT;
	char code[7];
	run(db, "UPDATE users SET password_hash = 'old-hash' WHERE id = $1", d->user);
	begin_flow(en, "late-hash", &flow, code);
	long long uid = 0, now = (long long)time(NULL);
	run(db, "UPDATE password_pending SET expires_at = $1", now - 1);
	assert_int_equal(acc_pw_flow_user(db, buf_cstr(&flow), now, &uid, &e), -1);
	assert_int_equal(e.status, 410);
	assert_non_null(strstr(e.msg, "ลืมรหัสผ่าน"));
	err_clear(&e);
	assert_int_equal(acc_pw_confirm(db, d->user, &e), -1);
	assert_int_equal(e.status, 410);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM users WHERE id = $1 AND password_hash = 'old-hash'", d->user),
			 1);

	/* a newer link replaces the pending password (one per user) */
	begin_flow(en, "newer-hash", &flow, code);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM password_pending WHERE user_id = $1", d->user), 1);
	/* the user's own change makes it void, and ends his sessions */
	run(db, "INSERT INTO sessions (token_hash, user_id, created_at, last_seen) VALUES ('s2', $1, 0, 0)", d->user);
	assert_int_equal(acc_pw_replace(db, d->user, "changed-hash", &e), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM password_pending WHERE user_id = $1", d->user), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", d->user), 0);
	assert_int_equal(
	    count(db, "SELECT COUNT(*) FROM users WHERE id = $1 AND password_hash = 'changed-hash'", d->user), 1);
	err_clear(&e);
	assert_int_equal(acc_pw_confirm(db, d->user, &e), -1);
	assert_int_equal(e.status, 410);
	/* a cancelled account's password is not replaced */
	run(db, "UPDATE users SET status = 'cancelled' WHERE id = $1", d->user);
	err_clear(&e);
	assert_int_equal(acc_pw_replace(db, d->user, "x", &e), -1);
	assert_int_equal(e.status, 404);
	run(db, "UPDATE users SET status = 'active' WHERE id = $1", d->user);
	buf_release(&flow);
}

#define ENGINE_TESTS                                                                                                   \
	cmocka_unit_test(test_link_mail), cmocka_unit_test(test_flow_confirm), cmocka_unit_test(test_flow_expired)

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	struct err e = ERR_INIT;
	if (view_init(NULL, "static/dist", &e) < 0) {
		fprintf(stderr, "view_init: %s\n", e.msg);
		return 1;
	}
	mail_configure(NULL, NULL, "https://khet.example.go.th/");
	const struct CMUnitTest pure[] = {cmocka_unit_test(test_labels_and_checks)};
	int failed = cmocka_run_group_tests_name("password_rules", pure, NULL, NULL);
	const struct CMUnitTest tests[] = {ENGINE_TESTS};
	engine_after_migrate = add_user;
	failed += run_engine_groups("password", tests);
	mail_shutdown();
	view_shutdown();
	return failed ? 1 : 0;
}
