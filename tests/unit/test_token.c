/* test_token: single-use links and OTP codes (src/core/token.c, ACC-8) —
 * issue, check, use; forged, expired, used and superseded links refused
 * with their Thai reasons; two connections using one link at once and only
 * one succeeding; OTP right, wrong, the 5-guess limit (the right code
 * refused after it, also under concurrent guessing), expiry, re-issue.
 * Runs on SQLite (a temp file) and, when KHET_TEST_PG holds a postgres://
 * URL, on PostgreSQL too, in a schema of its own (as test_db.c does).
 * Expiry is tested by moving a row's expires_at, not the clock. */
#include "unit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/db.h"
#include "core/num.h"
#include "core/token.h"

#define SCHEMA "khet_unit_token"

#include "engine.h"

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

/* Issues a set-password link for user; the secret goes into out. */
static void issue_link(struct db *db, long long user, struct buf *out)
{
	struct err e = ERR_INIT;
	buf_reset(out);
	if (token_issue_link(db, "set_password", user, TOKEN_LINK_TTL, out, &e))
		fail_msg("token_issue_link: %s", e.msg);
}

static void issue_otp(struct db *db, long long user, char code[7])
{
	struct err e = ERR_INIT;
	if (token_issue_otp(db, "otp_signin", user, TOKEN_OTP_TTL, code, &e))
		fail_msg("token_issue_otp: %s", e.msg);
}

/* A 6-digit code that is not code. */
static void other_code(const char code[7], char out[7], int k)
{
	long long n = 0;
	if (num_parse_ll(code, 0, 999999, &n) < 0)
		fail_msg("not a 6-digit code: %s", code);
	snprintf(out, 7, "%06u", (unsigned)(n + 1 + k) % 1000000u);
}

/* --- links --------------------------------------------------------------- */

static void test_link_issue_use(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	struct buf s = BUF_INIT;
	issue_link(db, 11, &s);
	/* 32 bytes of base64url, nothing else */
	assert_int_equal(s.len, 43);
	assert_int_equal(strspn(buf_cstr(&s), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	/* stored only as its SHA-256 */
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[65];
	crypto_hash_sha256(h, (const unsigned char *)s.data, s.len);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	long long n = -1;
	assert_int_equal(db_int_value(db,
				      "SELECT COUNT(*) FROM tokens WHERE hash = $1 AND user_id = 11 AND kind = 'link'",
				      DB_ARGS(DB_TEXT(hex)), &n, &e),
			 1);
	assert_int_equal(n, 1);
	assert_int_equal(db_int_value(db, "SELECT COUNT(*) FROM tokens WHERE hash = $1 OR salt = $1",
				      DB_ARGS(DB_TEXT(buf_cstr(&s))), &n, &e),
			 1);
	assert_int_equal(n, 0);
	/* valid for an hour */
	assert_int_equal(count(db, "SELECT expires_at - created_at FROM tokens WHERE user_id = $1", 11), 3600);

	/* checking does not consume; checking twice is fine */
	long long uid = 0;
	assert_int_equal(token_check_link(db, "set_password", buf_cstr(&s), &uid, &e), 0);
	assert_int_equal(uid, 11);
	assert_int_equal(token_check_link(db, "set_password", buf_cstr(&s), &uid, &e), 0);
	/* using does, once */
	uid = 0;
	assert_int_equal(token_use_link(db, "set_password", buf_cstr(&s), &uid, &e), 0);
	assert_int_equal(uid, 11);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM tokens WHERE user_id = $1 AND used_at IS NOT NULL", 11), 1);
	uid = 0;
	assert_int_equal(token_use_link(db, "set_password", buf_cstr(&s), &uid, &e), -1);
	assert_int_equal(e.status, 410);
	assert_non_null(strstr(e.msg, "ลิงก์นี้ถูกใช้ไปแล้ว"));
	assert_int_equal(uid, 0);
	err_clear(&e);
	assert_int_equal(token_check_link(db, "set_password", buf_cstr(&s), &uid, &e), -1);
	assert_int_equal(e.status, 410);
	assert_non_null(strstr(e.msg, "ลิงก์นี้ถูกใช้ไปแล้ว"));
	buf_release(&s);
}

static void test_link_forged(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	struct buf s = BUF_INIT;
	issue_link(db, 12, &s);
	long long uid = 0;
	/* a well-formed secret nobody issued */
	char forged[44];
	memcpy(forged, buf_cstr(&s), 44);
	forged[10] = forged[10] == 'A' ? 'B' : 'A';
	/* 43 characters, one of them not base64url */
	char odd[44];
	memset(odd, 'A', 43);
	odd[42] = '=';
	odd[43] = 0;
	const char *bad[] = {forged, "", "short", "ลิงก์", "../../etc/passwd", odd, NULL};
	for (int i = 0; i < 7; i++) {
		err_clear(&e);
		assert_int_equal(token_use_link(db, "set_password", bad[i], &uid, &e), -1);
		assert_int_equal(e.status, 400);
		assert_non_null(strstr(e.msg, "ลิงก์ไม่ถูกต้อง"));
		err_clear(&e);
		assert_int_equal(token_check_link(db, "set_password", bad[i], &uid, &e), -1);
		assert_int_equal(e.status, 400);
	}
	/* one character too many */
	struct buf longer = BUF_INIT;
	buf_addf(&longer, "%sA", buf_cstr(&s));
	err_clear(&e);
	assert_int_equal(token_use_link(db, "set_password", buf_cstr(&longer), &uid, &e), -1);
	assert_int_equal(e.status, 400);
	buf_release(&longer);
	/* the right secret for another purpose is unknown there */
	err_clear(&e);
	assert_int_equal(token_use_link(db, "email_change", buf_cstr(&s), &uid, &e), -1);
	assert_int_equal(e.status, 400);
	assert_int_equal(uid, 0);
	/* and none of that touched the real one */
	assert_int_equal(token_use_link(db, "set_password", buf_cstr(&s), &uid, &e), 0);
	assert_int_equal(uid, 12);
	buf_release(&s);
}

static void test_link_expired(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	struct buf s = BUF_INIT;
	issue_link(db, 13, &s);
	/* the hour is over: expires_at is now or earlier */
	run(db, "UPDATE tokens SET expires_at = created_at - 1 WHERE user_id = $1", 13);
	long long uid = 0;
	assert_int_equal(token_check_link(db, "set_password", buf_cstr(&s), &uid, &e), -1);
	assert_int_equal(e.status, 410);
	assert_string_equal(e.msg, "ลิงก์หมดอายุแล้ว กรุณาขอลิงก์ใหม่");
	err_clear(&e);
	assert_int_equal(token_use_link(db, "set_password", buf_cstr(&s), &uid, &e), -1);
	assert_int_equal(e.status, 410);
	assert_string_equal(e.msg, "ลิงก์หมดอายุแล้ว กรุณาขอลิงก์ใหม่");
	assert_int_equal(count(db, "SELECT COUNT(*) FROM tokens WHERE user_id = $1 AND used_at IS NULL", 13), 1);
	/* re-issued on request: the new one works */
	issue_link(db, 13, &s);
	assert_int_equal(token_use_link(db, "set_password", buf_cstr(&s), &uid, &e), 0);
	assert_int_equal(uid, 13);
	buf_release(&s);
}

static void test_link_reissue(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	struct buf a = BUF_INIT, b = BUF_INIT, other_user = BUF_INIT, other_purpose = BUF_INIT;
	issue_link(db, 14, &a);
	issue_link(db, 15, &other_user);
	if (token_issue_link(db, "email_change", 14, 600, &other_purpose, &e))
		fail_msg("%s", e.msg);
	issue_link(db, 14, &b);
	assert_string_not_equal(buf_cstr(&a), buf_cstr(&b));
	long long uid = 0;
	/* the earlier link stops working, and says why */
	assert_int_equal(token_check_link(db, "set_password", buf_cstr(&a), &uid, &e), -1);
	assert_int_equal(e.status, 410);
	assert_non_null(strstr(e.msg, "ลิงก์ใหม่"));
	assert_non_null(strstr(e.msg, "ฉบับล่าสุด"));
	err_clear(&e);
	assert_int_equal(token_use_link(db, "set_password", buf_cstr(&a), &uid, &e), -1);
	assert_int_equal(e.status, 410);
	err_clear(&e);
	/* other users and other purposes are untouched */
	assert_int_equal(token_check_link(db, "set_password", buf_cstr(&other_user), &uid, &e), 0);
	assert_int_equal(uid, 15);
	assert_int_equal(token_check_link(db, "email_change", buf_cstr(&other_purpose), &uid, &e), 0);
	assert_int_equal(uid, 14);
	/* the new one works */
	assert_int_equal(token_use_link(db, "set_password", buf_cstr(&b), &uid, &e), 0);
	/* a used link is not "superseded" by a later issue: it stays used */
	issue_link(db, 14, &a);
	assert_int_equal(token_use_link(db, "set_password", buf_cstr(&b), &uid, &e), -1);
	assert_non_null(strstr(e.msg, "ถูกใช้ไปแล้ว"));
	buf_release(&a);
	buf_release(&b);
	buf_release(&other_user);
	buf_release(&other_purpose);
}

struct user_of_link {
	struct db *db;
	const char *secret;
	pthread_barrier_t *go;
	int in_tx;
	int rc;
	long long uid;
	struct err e;
};

static void *use_link_thread(void *arg)
{
	struct user_of_link *u = arg;
	if (u->go)
		pthread_barrier_wait(u->go);
	if (u->in_tx && db_begin(u->db, &u->e)) {
		u->rc = -2;
		return NULL;
	}
	u->rc = token_use_link(u->db, "set_password", u->secret, &u->uid, &u->e);
	if (u->in_tx) {
		if (u->rc == 0 && db_commit(u->db, &u->e))
			u->rc = -3;
		db_rollback(u->db);
	}
	return NULL;
}

static void test_link_concurrent_use(void **state)
{
	struct engine *en = *state;
	struct err e = ERR_INIT;
	struct buf s = BUF_INIT;
	issue_link(en->db, 16, &s);
	struct db *a = attach(en, 0), *b = attach(en, 0);

	/* A has used the link in a transaction not yet committed when B
	 * tries: B waits for A's write and then finds it used. */
	long long uid = 0;
	assert_int_equal(db_begin(a, &e), 0);
	assert_int_equal(token_use_link(a, "set_password", buf_cstr(&s), &uid, &e), 0);
	struct user_of_link ub = {.db = b, .secret = buf_cstr(&s), .in_tx = 0};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, use_link_thread, &ub), 0);
	usleep(200 * 1000);
	assert_int_equal(db_commit(a, &e), 0);
	pthread_join(t, NULL);
	assert_int_equal(ub.rc, -1);
	assert_int_equal(ub.e.status, 410);
	assert_non_null(strstr(ub.e.msg, "ถูกใช้ไปแล้ว"));

	/* Four connections at once, each in its own transaction: one wins. */
	enum { N = 4 };
	issue_link(en->db, 17, &s);
	struct db *c[N];
	struct user_of_link u[N];
	pthread_t th[N];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, N);
	for (int i = 0; i < N; i++) {
		c[i] = attach(en, 0);
		u[i] = (struct user_of_link){.db = c[i], .secret = buf_cstr(&s), .go = &go, .in_tx = 1};
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(pthread_create(&th[i], NULL, use_link_thread, &u[i]), 0);
	int ok = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		if (u[i].rc == 0) {
			ok++;
			assert_int_equal(u[i].uid, 17);
		} else {
			if (u[i].rc != -1 || u[i].e.status != 410)
				fail_msg("use %d: rc %d status %d %s", i, u[i].rc, u[i].e.status, u[i].e.msg);
		}
		db_close(c[i]);
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(ok, 1);
	assert_int_equal(count(en->db, "SELECT COUNT(*) FROM tokens WHERE user_id = $1 AND used_at IS NOT NULL", 17),
			 1);
	db_close(a);
	db_close(b);
	buf_release(&s);
}

static void test_link_rollback(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	struct buf s = BUF_INIT;
	issue_link(db, 18, &s);
	/* the handler failed after using the link (a weak password): the
	 * rollback gives the link back */
	long long uid = 0;
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(token_use_link(db, "set_password", buf_cstr(&s), &uid, &e), 0);
	db_rollback(db);
	assert_int_equal(token_use_link(db, "set_password", buf_cstr(&s), &uid, &e), 0);
	assert_int_equal(uid, 18);
	buf_release(&s);
}

/* --- OTP ----------------------------------------------------------------- */

static void test_otp_right(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	char code[7];
	issue_otp(db, 21, code);
	assert_int_equal(strlen(code), 6);
	assert_int_equal(strspn(code, "0123456789"), 6);
	/* neither the code nor a plain hash of it is stored */
	long long n = -1;
	assert_int_equal(db_int_value(db,
				      "SELECT COUNT(*) FROM tokens WHERE user_id = 21 AND kind = 'otp' "
				      "AND length(hash) = 64 AND length(salt) = 32 AND hash <> $1 AND salt <> $1",
				      DB_ARGS(DB_TEXT(code)), &n, &e),
			 1);
	assert_int_equal(n, 1);
	assert_int_equal(count(db, "SELECT expires_at - created_at FROM tokens WHERE user_id = $1", 21), 1800);
	/* right, with the spaces some mail programs show */
	char spaced[9];
	snprintf(spaced, sizeof spaced, "%.3s %.3s", code, code + 3);
	assert_int_equal(token_verify_otp(db, "otp_signin", 21, spaced, &e), 0);
	assert_int_equal(count(db, "SELECT attempts FROM tokens WHERE user_id = $1", 21), 0);
	/* single use */
	assert_int_equal(token_verify_otp(db, "otp_signin", 21, code, &e), -1);
	assert_int_equal(e.status, 410);
	assert_non_null(strstr(e.msg, "ถูกใช้ไปแล้ว"));
	/* another purpose knows no code of this user */
	err_clear(&e);
	assert_int_equal(token_verify_otp(db, "otp_other", 21, code, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "กรุณาขอรหัสใหม่"));
	/* codes are 6 digits, leading zeros included */
	for (int i = 0; i < 50; i++) {
		issue_otp(db, 22, code);
		assert_int_equal(strlen(code), 6);
		assert_int_equal(strspn(code, "0123456789"), 6);
	}
}

static void test_otp_wrong_and_limit(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	char code[7], wrong[7];
	issue_otp(db, 23, code);
	/* not a code at all: said so, not counted */
	const char *malformed[] = {"", "12345", "1234567", "12a456", "١٢٣٤٥٦", NULL};
	for (int i = 0; i < 6; i++) {
		err_clear(&e);
		assert_int_equal(token_verify_otp(db, "otp_signin", 23, malformed[i], &e), -1);
		assert_int_equal(e.status, 400);
		assert_non_null(strstr(e.msg, "6 หลัก"));
	}
	assert_int_equal(count(db, "SELECT attempts FROM tokens WHERE user_id = $1", 23), 0);
	/* four wrong guesses: each says how many remain */
	for (int k = 0; k < 4; k++) {
		char want[128];
		other_code(code, wrong, k);
		err_clear(&e);
		assert_int_equal(token_verify_otp(db, "otp_signin", 23, wrong, &e), -1);
		assert_int_equal(e.status, 400);
		snprintf(want, sizeof want, "รหัส OTP ไม่ถูกต้อง (เหลือโอกาสอีก %d ครั้ง)", 4 - k);
		assert_string_equal(e.msg, want);
	}
	assert_int_equal(count(db, "SELECT attempts FROM tokens WHERE user_id = $1", 23), 4);
	/* the fifth kills the code */
	other_code(code, wrong, 4);
	err_clear(&e);
	assert_int_equal(token_verify_otp(db, "otp_signin", 23, wrong, &e), -1);
	assert_int_equal(e.status, 429);
	assert_string_equal(e.msg, "ใส่รหัส OTP ผิดครบ 5 ครั้งแล้ว กรุณาขอรหัสใหม่");
	/* and then even the right code is refused, and not counted further */
	err_clear(&e);
	assert_int_equal(token_verify_otp(db, "otp_signin", 23, code, &e), -1);
	assert_int_equal(e.status, 429);
	assert_string_equal(e.msg, "ใส่รหัส OTP ผิดครบ 5 ครั้งแล้ว กรุณาขอรหัสใหม่");
	assert_int_equal(count(db, "SELECT attempts FROM tokens WHERE user_id = $1", 23), 5);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM tokens WHERE user_id = $1 AND used_at IS NOT NULL", 23), 0);
	/* a new code starts afresh */
	issue_otp(db, 23, code);
	other_code(code, wrong, 0);
	err_clear(&e);
	assert_int_equal(token_verify_otp(db, "otp_signin", 23, wrong, &e), -1);
	assert_non_null(strstr(e.msg, "เหลือโอกาสอีก 4 ครั้ง"));
	assert_int_equal(token_verify_otp(db, "otp_signin", 23, code, &e), 0);
	/* a right guess after wrong ones leaves the wrong ones counted */
	assert_int_equal(count(db, "SELECT MAX(attempts) FROM tokens WHERE user_id = $1 AND used_at IS NOT NULL", 23),
			 1);
}

static void test_otp_expired(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	char code[7];
	issue_otp(db, 24, code);
	run(db, "UPDATE tokens SET expires_at = created_at - 1 WHERE user_id = $1", 24);
	assert_int_equal(token_verify_otp(db, "otp_signin", 24, code, &e), -1);
	assert_int_equal(e.status, 410);
	assert_string_equal(e.msg, "รหัส OTP หมดอายุแล้ว กรุณาขอรหัสใหม่");
	/* an expired code costs no attempt */
	assert_int_equal(count(db, "SELECT attempts FROM tokens WHERE user_id = $1", 24), 0);
	/* re-issued on request */
	issue_otp(db, 24, code);
	assert_int_equal(token_verify_otp(db, "otp_signin", 24, code, &e), 0);
}

static void test_otp_reissue(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	char old[7], fresh[7], other[7];
	issue_otp(db, 25, old);
	issue_otp(db, 26, other);
	do
		issue_otp(db, 25, fresh);
	while (!strcmp(fresh, old));
	/* the old code is no longer the one checked: wrong, and counted */
	assert_int_equal(token_verify_otp(db, "otp_signin", 25, old, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "เหลือโอกาสอีก 4 ครั้ง"));
	/* the other user's code is not this user's */
	if (strcmp(other, fresh)) {
		err_clear(&e);
		assert_int_equal(token_verify_otp(db, "otp_signin", 25, other, &e), -1);
		assert_int_equal(e.status, 400);
	}
	assert_int_equal(token_verify_otp(db, "otp_signin", 25, fresh, &e), 0);
	assert_int_equal(token_verify_otp(db, "otp_signin", 26, other, &e), 0);
	/* nothing issued at all */
	err_clear(&e);
	assert_int_equal(token_verify_otp(db, "otp_signin", 99999, "123456", &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.msg, "ไม่มีรหัส OTP ที่รอการยืนยัน กรุณาขอรหัสใหม่");
}

static void test_otp_transaction(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	char code[7], wrong[7];
	issue_otp(db, 27, code);
	other_code(code, wrong, 0);
	/* A wrong guess in a transaction that rolls back is not counted:
	 * the reason the handler calls req_commit_on_error (token.h). */
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(token_verify_otp(db, "otp_signin", 27, wrong, &e), -1);
	db_rollback(db);
	assert_int_equal(count(db, "SELECT attempts FROM tokens WHERE user_id = $1", 27), 0);
	/* committed with the error answer, it stays */
	assert_int_equal(db_begin(db, &e), 0);
	err_clear(&e);
	assert_int_equal(token_verify_otp(db, "otp_signin", 27, wrong, &e), -1);
	assert_int_equal(e.status, 400);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(count(db, "SELECT attempts FROM tokens WHERE user_id = $1", 27), 1);
}

struct guesser {
	struct db *db;
	char code[7];
	pthread_barrier_t *go;
	int rc, status;
	char msg[512];
};

static void *guess_thread(void *arg)
{
	struct guesser *g = arg;
	struct err e = ERR_INIT;
	pthread_barrier_wait(g->go);
	int rc = -2;
	/* each guess in its own transaction, committed whatever the answer,
	 * as a handler with req_commit_on_error */
	if (db_begin(g->db, &e) == 0) {
		rc = token_verify_otp(g->db, "otp_signin", 28, g->code, &e);
		struct err ce = ERR_INIT;
		if (db_commit(g->db, &ce)) {
			db_rollback(g->db);
			rc = -3;
			e = ce;
		}
	}
	g->rc = rc;
	g->status = e.status;
	memcpy(g->msg, e.msg, sizeof g->msg);
	return NULL;
}

static void test_otp_concurrent_guesses(void **state)
{
	struct engine *en = *state;
	enum { N = 8 };
	char code[7];
	issue_otp(en->db, 28, code);
	struct guesser g[N];
	pthread_t t[N];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, N);
	/* eight wrong guesses at once: no more than five are ever compared,
	 * and then the right code is refused */
	for (int i = 0; i < N; i++) {
		memset(&g[i], 0, sizeof g[i]);
		g[i].db = attach(en, 0);
		g[i].go = &go;
		other_code(code, g[i].code, i);
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(pthread_create(&t[i], NULL, guess_thread, &g[i]), 0);
	int wrong = 0, dead = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		if (g[i].rc == -1 && g[i].status == 400)
			wrong++;
		else if (g[i].rc == -1 && g[i].status == 429)
			dead++;
		else
			fail_msg("guess %d: rc %d status %d %s", i, g[i].rc, g[i].status, g[i].msg);
		db_close(g[i].db);
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(wrong + dead, N);
	assert_true(wrong <= 4);
	assert_true(dead >= 4);
	assert_int_equal(count(en->db, "SELECT attempts FROM tokens WHERE user_id = $1", 28), 5);
	struct err e = ERR_INIT;
	assert_int_equal(token_verify_otp(en->db, "otp_signin", 28, code, &e), -1);
	assert_int_equal(e.status, 429);
}

/* --- upkeep -------------------------------------------------------------- */

static void test_revoke_and_purge(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	struct buf s = BUF_INIT, s2 = BUF_INIT;
	char code[7];
	issue_link(db, 31, &s);
	issue_otp(db, 31, code);
	if (token_issue_link(db, "email_change", 31, 600, &s2, &e))
		fail_msg("%s", e.msg);
	long long uid = 0;
	/* one purpose */
	assert_int_equal(token_revoke(db, "email_change", 31, &e), 0);
	assert_int_equal(token_check_link(db, "email_change", buf_cstr(&s2), &uid, &e), -1);
	assert_int_equal(e.status, 410);
	err_clear(&e);
	assert_int_equal(token_check_link(db, "set_password", buf_cstr(&s), &uid, &e), 0);
	/* every purpose: the account was cancelled */
	assert_int_equal(token_revoke(db, NULL, 31, &e), 0);
	assert_int_equal(token_check_link(db, "set_password", buf_cstr(&s), &uid, &e), -1);
	assert_int_equal(e.status, 410);
	err_clear(&e);
	assert_int_equal(token_verify_otp(db, "otp_signin", 31, code, &e), -1);
	assert_int_equal(e.status, 400);

	/* rows expired more than 30 days ago go; recent ones stay */
	run(db, "UPDATE tokens SET expires_at = $1 WHERE user_id = 31", 1000);
	long long before = count(db, "SELECT COUNT(*) FROM tokens WHERE user_id <> $1", 31);
	long long n = token_purge(db, 1000 + 30LL * 24 * 3600 + 1, &e);
	assert_int_equal(n, 3);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM tokens WHERE user_id = $1", 31), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM tokens WHERE user_id <> $1", 31), before);
	assert_int_equal(token_purge_job(db, &e), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM tokens WHERE user_id <> $1", 31), before);
	buf_release(&s);
	buf_release(&s2);
}

static void test_bad_args(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	struct buf s = BUF_INIT;
	char code[7] = "x";
	char longp[80];
	memset(longp, 'p', sizeof longp - 1);
	longp[sizeof longp - 1] = 0;
	assert_int_equal(token_issue_link(db, "", 1, 60, &s, &e), -1);
	assert_int_equal(e.status, 500);
	assert_int_equal(token_issue_link(db, longp, 1, 60, &s, &e), -1);
	assert_int_equal(token_issue_link(db, "p", 0, 60, &s, &e), -1);
	assert_int_equal(token_issue_link(db, "p", 1, 0, &s, &e), -1);
	assert_int_equal(s.len, 0);
	assert_int_equal(token_issue_otp(db, "p", -1, 60, code, &e), -1);
	assert_int_equal(code[0], 0);
	assert_int_equal(token_verify_otp(db, NULL, 1, "123456", &e), -1);
	assert_int_equal(e.status, 500);
	long long uid = 0;
	err_clear(&e);
	assert_int_equal(token_check_link(db, NULL, "x", &uid, &e), -1);
	assert_int_equal(e.status, 400);
}

#define ENGINE_TESTS                                                                                                   \
	cmocka_unit_test(test_link_issue_use), cmocka_unit_test(test_link_forged),                                     \
	    cmocka_unit_test(test_link_expired), cmocka_unit_test(test_link_reissue),                                  \
	    cmocka_unit_test(test_link_concurrent_use), cmocka_unit_test(test_link_rollback),                          \
	    cmocka_unit_test(test_otp_right), cmocka_unit_test(test_otp_wrong_and_limit),                              \
	    cmocka_unit_test(test_otp_expired), cmocka_unit_test(test_otp_reissue),                                    \
	    cmocka_unit_test(test_otp_transaction), cmocka_unit_test(test_otp_concurrent_guesses),                     \
	    cmocka_unit_test(test_revoke_and_purge), cmocka_unit_test(test_bad_args)

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {ENGINE_TESTS};
	int failed = run_engine_groups("token", tests);
	return failed ? 1 : 0;
}
