/* test_roster: the annual roster's rules (ACC-7) as the domain functions
 * keep them, on a fresh demo database for each test — SQLite, and
 * PostgreSQL too when KHET_TEST_PG names a server. The whole submission
 * (confirm, cancel, add, the set-password mail queued, the audit rows), the
 * lock that refuses a second submission and every later edit without
 * writing anything, a cancelled admin who keeps another role keeping the
 * account, the checks on additions (one account per person, one admin per
 * school, the area's own schools, valid citizen IDs) and on decisions, and
 * the public directory's rows holding nothing personal. */
#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acc/acc_internal.h"
#include "core/db.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

#define SCHEMA "khet_unit_roster"
#include "engine.h"

/* What a test works on: the engine's database and the demo's ids. */
struct fx {
	struct db *db;
	long long area, area2;
	int year;
};
static struct fx sqlite_fx, pg_fx;

static struct fx *fx_of(void **state)
{
	return ((struct engine *)*state)->data;
}

/* --- pure rules ---------------------------------------------------------------- */

static void test_decisions(void **state)
{
	const char *ok[] = {"confirm", "moved", "resigned", "retired"};
	for (size_t i = 0; i < 4; i++) {
		assert_true(acc_roster_decision_valid(ok[i]));
		assert_non_null(acc_roster_decision_label(ok[i]));
	}
	assert_string_equal(acc_roster_decision_label("confirm"), "ยืนยัน (ยังปฏิบัติงาน)");
	assert_non_null(strstr(acc_roster_decision_label("moved"), "ย้าย"));
	assert_non_null(strstr(acc_roster_decision_label("resigned"), "ลาออก"));
	assert_non_null(strstr(acc_roster_decision_label("retired"), "เกษียณ"));
	assert_false(acc_roster_decision_valid(""));
	assert_false(acc_roster_decision_valid(NULL));
	assert_false(acc_roster_decision_valid("fired"));
	assert_false(acc_roster_decision_valid("Confirm"));
}

static void test_year_open(void **state)
{
	/* 1 June 2026 is in academic year 2569, 1 May 2026 still in 2568 */
	long long june = thai_from_local(2026, 6, 1, 9, 0, 0), may = thai_from_local(2026, 5, 1, 9, 0, 0);
	assert_true(acc_roster_year_open(2569, june));
	assert_true(acc_roster_year_open(2570, june));
	assert_false(acc_roster_year_open(2568, june));
	assert_false(acc_roster_year_open(2571, june));
	assert_true(acc_roster_year_open(2568, may));
	assert_true(acc_roster_year_open(2569, may)); /* the seed's roster for 2569, made before it starts */
	assert_false(acc_roster_year_open(2570, may));
}

/* --- fixtures ------------------------------------------------------------------ */

static long long ival(struct db *db, const char *sql, const struct db_val *p, int n)
{
	struct err e = ERR_INIT;
	long long v = -1;
	if (db_int_value(db, sql, p, n, &v, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
	return v;
}

/* engine_after_migrate: the demo (5 schools an area) and its ids. */
static int seed(struct engine *en, struct err *e)
{
	struct fx *f = en->kind == DB_SQLITE ? &sqlite_fx : &pg_fx;
	en->data = f;
	f->db = en->db;
	if (org_demo(f->db, 5, e) < 0 || acc_demo(f->db, e) < 0)
		return -1;
	f->area = ival(f->db, "SELECT id FROM areas WHERE code = '3502'", NULL, 0);
	f->area2 = ival(f->db, "SELECT id FROM areas WHERE code = '6201'", NULL, 0);
	f->year = thai_academic_year((long long)time(NULL));
	return 0;
}

/* --- helpers ------------------------------------------------------------------- */

static long long user_id(struct fx *f, const char *username)
{
	return ival(f->db, "SELECT id FROM users WHERE username = $1", DB_ARGS(DB_TEXT(username)));
}

static long long admin_grant(struct fx *f, const char *username)
{
	return ival(f->db,
		    "SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = $1 "
		    "AND g.role = 'school_admin' AND g.revoked_at IS NULL",
		    DB_ARGS(DB_TEXT(username)));
}

static long long school(struct fx *f, long long area, int n)
{
	return ival(f->db, "SELECT id FROM schools WHERE area_id = $1 ORDER BY id LIMIT 1 OFFSET $2",
		    DB_ARGS(DB_INT(area), DB_INT(n)));
}

static long long count(struct fx *f, const char *sql)
{
	return ival(f->db, sql, NULL, 0);
}

static struct acc_roster_actor actor(struct fx *f)
{
	return (struct acc_roster_actor){user_id(f, "areaadmin1"), "area_admin", "192.0.2.7"};
}

/* Everything the roster may change, as one string. */
static void snapshot(struct fx *f, char out[256])
{
	snprintf(out, 256, "%lld/%lld/%lld/%lld/%lld/%lld/%lld/%lld", count(f, "SELECT COUNT(*) FROM users"),
		 count(f, "SELECT COUNT(*) FROM users WHERE status = 'active'"),
		 count(f, "SELECT COUNT(*) FROM grants WHERE revoked_at IS NULL"),
		 count(f, "SELECT COUNT(*) FROM rosters WHERE status = 'draft'"),
		 count(f, "SELECT COUNT(*) FROM roster_decisions"), count(f, "SELECT COUNT(*) FROM roster_additions"),
		 count(f, "SELECT COUNT(*) FROM outbox"), count(f, "SELECT COUNT(*) FROM audit"));
}

/* Runs one step in its own transaction, as the server does: committed when
 * it succeeds, rolled back when not. Returns the step's result. */
#define STEP(f, call)                                                                                                  \
	({                                                                                                             \
		struct err be_ = ERR_INIT;                                                                             \
		if (db_begin((f)->db, &be_) < 0)                                                                       \
			fail_msg("begin: %s", be_.msg);                                                                \
		long long rc_ = (call);                                                                                \
		if (rc_ < 0)                                                                                           \
			db_rollback((f)->db);                                                                          \
		else if (db_commit((f)->db, &be_) < 0)                                                                 \
			fail_msg("commit: %s", be_.msg);                                                               \
		rc_;                                                                                                   \
	})

static struct acc_roster_addition addition(long long school_id, const char *cid, const char *email)
{
	return (struct acc_roster_addition){
	    .citizen_id = cid,
	    .title = "นางสาว",
	    .first_name = "สมทรง",
	    .last_name = "นิษมาดี",
	    .email = email,
	    .phone = "0812345678",
	    .staff_id = "T-42",
	    .personnel_type = "civil_servant",
	    .school_id = school_id,
	};
}

/* --- the submission ------------------------------------------------------------ */

static void test_submit_whole(void **state)
{
	struct fx *f = fx_of(state);
	struct acc_roster_actor by = actor(f);
	struct err e = ERR_INIT;
	long long g1 = admin_grant(f, "schooladmin"), g2 = admin_grant(f, "schooladmin2");
	long long u2 = user_id(f, "schooladmin2");
	/* schooladmin2 has a session open */
	db_exec(f->db, "INSERT INTO sessions (token_hash, user_id, created_at, last_seen) VALUES ('x', $1, 1, 1)",
		DB_ARGS(DB_INT(u2)), &e);
	assert_int_equal(STEP(f, acc_roster_decide(f->db, f->area, f->year, g1, "confirm", &by, &e)), 0);
	assert_int_equal(STEP(f, acc_roster_decide(f->db, f->area, f->year, g2, "resigned", &by, &e)), 0);
	struct acc_roster_addition a = addition(school(f, f->area, 1), "1101700230708", "New.Admin@School.Example.org");
	long long add = STEP(f, acc_roster_add(f->db, f->area, f->year, &a, &by, &e));
	assert_true(add > 0);
	/* the draft as the page reads it */
	json_t *r = acc_roster_get(f->db, f->area, f->year, 1, 1, &e);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "status")), "draft");
	json_t *c = json_object_get(r, "counts");
	assert_int_equal(json_integer_value(json_object_get(c, "admins")), 2);
	assert_int_equal(json_integer_value(json_object_get(c, "undecided")), 0);
	assert_int_equal(json_integer_value(json_object_get(c, "added")), 1);
	json_t *adds = json_object_get(json_object_get(r, "additions"), "rows");
	assert_int_equal(json_array_size(adds), 1);
	json_t *a0 = json_array_get(adds, 0);
	assert_null(json_object_get(a0, "citizen_id"));
	assert_string_equal(json_string_value(json_object_get(a0, "email")), "new.admin@school.example.org");
	json_decref(r);

	long long users = count(f, "SELECT COUNT(*) FROM users");
	assert_int_equal(STEP(f, acc_roster_submit(f->db, f->area, f->year, &by, &e)), 0);
	/* the cancelled one: grant revoked, account cancelled, sessions gone */
	assert_int_equal(
	    ival(f->db, "SELECT COUNT(*) FROM grants WHERE id = $1 AND revoked_at IS NOT NULL", DB_ARGS(DB_INT(g2))),
	    1);
	assert_int_equal(
	    ival(f->db, "SELECT COUNT(*) FROM users WHERE id = $1 AND status = 'cancelled'", DB_ARGS(DB_INT(u2))), 1);
	assert_int_equal(ival(f->db, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", DB_ARGS(DB_INT(u2))), 0);
	/* the confirmed one untouched */
	assert_int_equal(
	    ival(f->db, "SELECT COUNT(*) FROM grants WHERE id = $1 AND revoked_at IS NULL", DB_ARGS(DB_INT(g1))), 1);
	/* the new one: an account without a password, the grant, the mail */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users"), users + 1);
	long long nu =
	    ival(f->db, "SELECT id FROM users WHERE citizen_id = '1101700230708' AND password_hash = ''", NULL, 0);
	assert_true(nu > 0);
	assert_int_equal(ival(f->db,
			      "SELECT school_id FROM grants WHERE user_id = $1 AND role = 'school_admin' "
			      "AND revoked_at IS NULL",
			      DB_ARGS(DB_INT(nu))),
			 school(f, f->area, 1));
	assert_int_equal(count(f, "SELECT COUNT(*) FROM outbox WHERE to_addr = 'new.admin@school.example.org'"), 1);
	assert_int_equal(ival(f->db, "SELECT COUNT(*) FROM roster_additions WHERE id = $1 AND user_id = $2",
			      DB_ARGS(DB_INT(add), DB_INT(nu))),
			 1);
	/* audited, by whom and from where */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit WHERE action = 'roster.submit' AND ip = '192.0.2.7'"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit WHERE action = 'roster.confirm'"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit WHERE action = 'roster.cancel'"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit WHERE action = 'user.cancel'"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit WHERE action = 'user.create'"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit WHERE action = 'grant.add'"), 1);
	/* the record after submission */
	r = acc_roster_get(f->db, f->area, f->year, 1, 1, &e);
	assert_non_null(r);
	assert_true(json_is_true(json_object_get(r, "locked")));
	{
		struct db_res *res;
		assert_int_equal(db_query(f->db, "SELECT title, first_name, last_name FROM users WHERE id = $1",
					  DB_ARGS(DB_INT(by.user_id)), &res, &e),
				 0);
		assert_int_equal(db_next(res, &e), 1);
		char name[320];
		snprintf(name, sizeof name, "%s%s %s", db_text(res, 0), db_text(res, 1), db_text(res, 2));
		db_res_free(res);
		assert_string_equal(json_string_value(json_object_get(r, "submitted_by_name")), name);
	}
	json_t *rows = json_object_get(json_object_get(r, "admins"), "rows");
	assert_int_equal(json_array_size(rows), 2);
	json_decref(r);

	/* the public directory: the new admin in, the cancelled one out,
	 * nothing personal */
	json_t *d = acc_directory_page(f->db, f->area, 1, &e);
	assert_non_null(d);
	json_t *drows = json_object_get(d, "rows");
	assert_int_equal(json_array_size(drows), 2);
	size_t i;
	json_t *x;
	bool found = false;
	json_array_foreach(drows, i, x)
	{
		assert_null(json_object_get(x, "citizen_id"));
		assert_null(json_object_get(x, "email"));
		assert_null(json_object_get(x, "phone"));
		assert_null(json_object_get(x, "username"));
		found |= !strcmp(json_string_value(json_object_get(x, "display_name")), "นางสาวสมทรง นิษมาดี");
	}
	assert_true(found);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "roster"), "academic_year")), f->year);
	json_decref(d);
}

static void test_lock(void **state)
{
	struct fx *f = fx_of(state);
	struct acc_roster_actor by = actor(f);
	struct err e = ERR_INIT;
	long long g1 = admin_grant(f, "schooladmin"), g2 = admin_grant(f, "schooladmin2");
	STEP(f, acc_roster_decide(f->db, f->area, f->year, g1, "confirm", &by, &e));
	STEP(f, acc_roster_decide(f->db, f->area, f->year, g2, "confirm", &by, &e));
	/* a representative with the longest names a form lets through: the
	 * refusal quoting them must still be whole UTF-8 text */
	char longname[400];
	unit_repeat(longname, sizeof longname, "ฐ", 100);
	assert_int_equal(db_exec(f->db, "UPDATE users SET first_name = $1, last_name = $1 WHERE id = $2",
				 DB_ARGS(DB_TEXT(longname), DB_INT(by.user_id)), &e),
			 1);
	assert_int_equal(STEP(f, acc_roster_submit(f->db, f->area, f->year, &by, &e)), 0);
	char before[256], after[256];
	snapshot(f, before);
	/* a second submission, even by another representative */
	struct acc_roster_actor other = {user_id(f, "kpiowner") > 0 ? user_id(f, "kpiowner") : by.user_id, "area_admin",
					 "192.0.2.8"};
	err_clear(&e);
	assert_int_equal(STEP(f, acc_roster_submit(f->db, f->area, f->year, &other, &e)), -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "ส่งแล้วโดย"));
	assert_non_null(strstr(e.msg, "เมื่อ"));
	assert_true(thai_utf8_valid(e.msg, strlen(e.msg)));
	assert_non_null(strstr(e.msg, "ฐฐฐฐ"));
	char year[8];
	snprintf(year, sizeof year, "%d", f->year);
	assert_non_null(strstr(e.msg, year));
	err_clear(&e);
	assert_int_equal(STEP(f, acc_roster_decide(f->db, f->area, f->year, g1, "moved", &by, &e)), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	struct acc_roster_addition a = addition(school(f, f->area, 3), "1101700230708", "late@example.org");
	assert_int_equal(STEP(f, acc_roster_add(f->db, f->area, f->year, &a, &by, &e)), -1);
	assert_int_equal(e.status, 409);
	snapshot(f, after);
	assert_string_equal(before, after);
	/* the next year is a roster of its own */
	err_clear(&e);
	assert_int_equal(STEP(f, acc_roster_decide(f->db, f->area, f->year + 1, g1, "confirm", &by, &e)), 0);
	/* and it stays a draft beside the submitted one */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM rosters WHERE status = 'submitted'"), 1);
}

static void test_undecided_refused(void **state)
{
	struct fx *f = fx_of(state);
	struct acc_roster_actor by = actor(f);
	struct err e = ERR_INIT;
	assert_int_equal(STEP(f, acc_roster_submit(f->db, f->area, f->year, &by, &e)), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "ยังไม่ได้เลือกสถานะของแอดมิน 2 คน"));
	err_clear(&e);
	STEP(f, acc_roster_decide(f->db, f->area, f->year, admin_grant(f, "schooladmin"), "confirm", &by, &e));
	assert_int_equal(STEP(f, acc_roster_submit(f->db, f->area, f->year, &by, &e)), -1);
	assert_non_null(strstr(e.msg, "1 คน"));
	assert_int_equal(count(f, "SELECT COUNT(*) FROM rosters WHERE status = 'submitted'"), 0);
	/* clearing a decision */
	err_clear(&e);
	assert_int_equal(
	    STEP(f, acc_roster_decide(f->db, f->area, f->year, admin_grant(f, "schooladmin"), "", &by, &e)), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM roster_decisions"), 0);
}

static void test_other_role_keeps_account(void **state)
{
	struct fx *f = fx_of(state);
	struct acc_roster_actor by = actor(f);
	struct err e = ERR_INIT;
	long long g1 = admin_grant(f, "schooladmin"), u1 = user_id(f, "schooladmin");
	STEP(f, acc_roster_decide(f->db, f->area, f->year, g1, "moved", &by, &e));
	STEP(f, acc_roster_decide(f->db, f->area, f->year, admin_grant(f, "schooladmin2"), "confirm", &by, &e));
	assert_int_equal(STEP(f, acc_roster_submit(f->db, f->area, f->year, &by, &e)), 0);
	/* the admin grant ends; the homeroom grant and the account stay */
	assert_int_equal(
	    ival(f->db, "SELECT COUNT(*) FROM grants WHERE id = $1 AND revoked_at IS NOT NULL", DB_ARGS(DB_INT(g1))),
	    1);
	assert_int_equal(
	    ival(f->db, "SELECT COUNT(*) FROM users WHERE id = $1 AND status = 'active'", DB_ARGS(DB_INT(u1))), 1);
	assert_int_equal(
	    ival(f->db, "SELECT COUNT(*) FROM grants WHERE user_id = $1 AND role = 'homeroom' AND revoked_at IS NULL",
		 DB_ARGS(DB_INT(u1))),
	    1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit WHERE action = 'user.cancel'"), 0);
}

static void test_addition_rules(void **state)
{
	struct fx *f = fx_of(state);
	struct acc_roster_actor by = actor(f);
	struct err e = ERR_INIT;
	char before[256], after[256];
	snapshot(f, before);
	long long free_school = school(f, f->area, 3);
	/* wrong check digit */
	struct acc_roster_addition a = addition(free_school, "1101700230709", "x1@example.org");
	assert_int_equal(STEP(f, acc_roster_add(f->db, f->area, f->year, &a, &by, &e)), -1);
	assert_string_equal(e.field, "citizen_id");
	err_clear(&e);
	/* too long a name */
	char longname[400];
	unit_repeat(longname, sizeof longname, "ก", 101);
	a = addition(free_school, "1101700230708", "x1@example.org");
	a.first_name = longname;
	assert_int_equal(STEP(f, acc_roster_add(f->db, f->area, f->year, &a, &by, &e)), -1);
	assert_string_equal(e.field, "first_name");
	err_clear(&e);
	/* another area's school */
	a = addition(school(f, f->area2, 0), "1101700230708", "x1@example.org");
	assert_int_equal(STEP(f, acc_roster_add(f->db, f->area, f->year, &a, &by, &e)), -1);
	assert_string_equal(e.field, "school_id");
	err_clear(&e);
	/* a school whose admin stays */
	a = addition(school(f, f->area, 0), "1101700230708", "x1@example.org");
	assert_int_equal(STEP(f, acc_roster_add(f->db, f->area, f->year, &a, &by, &e)), -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "มีแอดมินอยู่แล้ว"));
	err_clear(&e);
	/* an e-mail another account holds (any letter case) */
	char *cemail = NULL;
	{
		struct db_res *res;
		db_query(f->db, "SELECT email FROM users WHERE username = 'citizen'", NULL, 0, &res, &e);
		assert_int_equal(db_next(res, &e), 1);
		cemail = xstrdup(db_text(res, 0));
		db_res_free(res);
	}
	for (char *p = cemail; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	a = addition(free_school, "1101700230708", cemail);
	assert_int_equal(STEP(f, acc_roster_add(f->db, f->area, f->year, &a, &by, &e)), -1);
	assert_string_equal(e.field, "email");
	free(cemail);
	err_clear(&e);
	snapshot(f, after);
	assert_string_equal(before, after);
	/* an existing account is reused: no second account */
	long long teacher = user_id(f, "teacher");
	struct db_res *res;
	assert_int_equal(
	    db_query(f->db, "SELECT citizen_id FROM users WHERE id = $1", DB_ARGS(DB_INT(teacher)), &res, &e), 0);
	assert_int_equal(db_next(res, &e), 1);
	char tcid[14];
	snprintf(tcid, sizeof tcid, "%s", db_text(res, 0));
	db_res_free(res);
	a = addition(free_school, tcid, "whatever@example.org");
	assert_true(STEP(f, acc_roster_add(f->db, f->area, f->year, &a, &by, &e)) > 0);
	/* the same person, or the same school, twice */
	a = addition(school(f, f->area, 4), tcid, "w2@example.org");
	assert_int_equal(STEP(f, acc_roster_add(f->db, f->area, f->year, &a, &by, &e)), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	a = addition(free_school, "1101700230708", "x2@example.org");
	assert_int_equal(STEP(f, acc_roster_add(f->db, f->area, f->year, &a, &by, &e)), -1);
	assert_string_equal(e.field, "school_id");
	err_clear(&e);
	/* a cancelled account is not made again */
	assert_int_equal(STEP(f, acc_user_cancel(f->db, user_id(f, "citizen"), by.user_id, &e)), 0);
	struct db_res *cr;
	db_query(f->db, "SELECT citizen_id FROM users WHERE username = 'citizen'", NULL, 0, &cr, &e);
	assert_int_equal(db_next(cr, &e), 1);
	char ccid[14];
	snprintf(ccid, sizeof ccid, "%s", db_text(cr, 0));
	db_res_free(cr);
	a = addition(school(f, f->area, 4), ccid, "c2@example.org");
	assert_int_equal(STEP(f, acc_roster_add(f->db, f->area, f->year, &a, &by, &e)), -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "ถูกยกเลิก"));
	err_clear(&e);
	/* another area's admin, even one without a password: his account only
	 * gets the role, never a set-password link, its e-mail unchanged */
	long long a2 = user_id(f, "areaadmin2");
	db_exec(f->db, "UPDATE users SET password_hash = '' WHERE id = $1", DB_ARGS(DB_INT(a2)), &e);
	db_query(f->db, "SELECT citizen_id FROM users WHERE id = $1", DB_ARGS(DB_INT(a2)), &cr, &e);
	assert_int_equal(db_next(cr, &e), 1);
	char a2cid[14];
	snprintf(a2cid, sizeof a2cid, "%s", db_text(cr, 0));
	db_res_free(cr);
	a = addition(school(f, f->area, 4), a2cid, "attacker@evil.example");
	if (STEP(f, acc_roster_add(f->db, f->area, f->year, &a, &by, &e)) <= 0)
		fail_msg("add areaadmin2: %d %s %s", e.status, e.field, e.msg);
	/* submit: the teacher becomes the school's admin on the same account */
	STEP(f, acc_roster_decide(f->db, f->area, f->year, admin_grant(f, "schooladmin"), "confirm", &by, &e));
	STEP(f, acc_roster_decide(f->db, f->area, f->year, admin_grant(f, "schooladmin2"), "confirm", &by, &e));
	long long users = count(f, "SELECT COUNT(*) FROM users");
	long long mails = count(f, "SELECT COUNT(*) FROM outbox");
	assert_int_equal(STEP(f, acc_roster_submit(f->db, f->area, f->year, &by, &e)), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users"), users);
	assert_int_equal(admin_grant(f, "teacher") > 0, 1);
	assert_int_equal(admin_grant(f, "areaadmin2") > 0, 1);
	/* the teacher has a password already, area 2's admin holds a role
	 * elsewhere: no set-password mail, no link */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM outbox"), mails);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users WHERE email = 'attacker@evil.example'"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM tokens t JOIN users u ON u.id = t.user_id "
				  "WHERE u.username = 'areaadmin2'"),
			 0);
}

static void test_decision_rules(void **state)
{
	struct fx *f = fx_of(state);
	struct acc_roster_actor by = actor(f);
	struct err e = ERR_INIT;
	long long g1 = admin_grant(f, "schooladmin");
	assert_int_equal(STEP(f, acc_roster_decide(f->db, f->area, f->year, g1, "fired", &by, &e)), -1);
	assert_string_equal(e.field, "choice");
	err_clear(&e);
	/* a grant of this area that is not a school admin, and one that does
	 * not exist */
	long long own = ival(f->db, "SELECT id FROM grants WHERE user_id = $1", DB_ARGS(DB_INT(by.user_id)));
	assert_int_equal(STEP(f, acc_roster_decide(f->db, f->area, f->year, own, "moved", &by, &e)), -1);
	assert_string_equal(e.field, "choice");
	err_clear(&e);
	assert_int_equal(STEP(f, acc_roster_decide(f->db, f->area, f->year, 999999, "moved", &by, &e)), -1);
	err_clear(&e);
	/* the right grant through another area */
	assert_int_equal(STEP(f, acc_roster_decide(f->db, f->area2, f->year, g1, "moved", &by, &e)), -1);
	assert_string_equal(e.field, "choice");
	err_clear(&e);
	/* a year that is not open */
	assert_int_equal(STEP(f, acc_roster_decide(f->db, f->area, f->year - 1, g1, "confirm", &by, &e)), -1);
	assert_string_equal(e.field, "year");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM rosters"), 0);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	/* the set-password mail is rendered from the compiled-in templates */
	struct err e = ERR_INIT;
	if (view_init(NULL, "static/dist", &e) < 0) {
		fprintf(stderr, "view_init: %s\n", e.msg);
		return 1;
	}
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_decisions),
	    cmocka_unit_test(test_year_open),
	};
	/* each test on a fresh database of its own */
#define STORED(setup)                                                                                                  \
	cmocka_unit_test_setup_teardown(test_submit_whole, setup, teardown_engine),                                    \
	    cmocka_unit_test_setup_teardown(test_lock, setup, teardown_engine),                                        \
	    cmocka_unit_test_setup_teardown(test_undecided_refused, setup, teardown_engine),                           \
	    cmocka_unit_test_setup_teardown(test_other_role_keeps_account, setup, teardown_engine),                    \
	    cmocka_unit_test_setup_teardown(test_addition_rules, setup, teardown_engine),                              \
	    cmocka_unit_test_setup_teardown(test_decision_rules, setup, teardown_engine)
	const struct CMUnitTest on_sqlite[] = {STORED(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {STORED(setup_pg)};
	engine_after_migrate = seed;
	int failed = cmocka_run_group_tests_name("roster", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("roster_sqlite", on_sqlite, NULL, NULL);
	pg_engine.pg_url = getenv("KHET_TEST_PG");
	if (pg_engine.pg_url && *pg_engine.pg_url)
		failed += cmocka_run_group_tests_name("roster_pg", on_pg, NULL, NULL);
	view_shutdown();
	return failed ? 1 : 0;
}
