/* test_acc_admin: the rules of the area admin's user management (ACC-6)
 * and of the audit page's filter (ACC-10). First the pure parts — search
 * patterns, the date range, page links — then the storage on a fresh
 * SQLite database and, when KHET_TEST_PG holds a postgres:// URL, on
 * PostgreSQL in a schema of its own: who belongs to an area, the list's
 * filters, the e-mail switch (unique, nothing changed on refusal), cancel
 * (account, grant, sessions, links), reinstate against one admin per
 * school, reset, add, and the audit row's area being the target's. */
#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acc/acc_internal.h"
#include "core/pager.h"
#include "core/db.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

#define SCHEMA "khet_unit_acc_admin"

/* --- pure ------------------------------------------------------------------ */

static void pats(const char *q, struct buf p[SEARCH_SLOTS], int *n)
{
	for (int i = 0; i < SEARCH_SLOTS; i++)
		p[i] = (struct buf)BUF_INIT;
	*n = acc_admin_search_patterns(q, p);
}

static void release(struct buf p[SEARCH_SLOTS])
{
	for (int i = 0; i < SEARCH_SLOTS; i++)
		buf_release(&p[i]);
}

static void test_search_patterns(void **state)
{
	struct buf p[SEARCH_SLOTS];
	int n;
	pats("", p, &n);
	assert_int_equal(n, 0);
	for (int i = 0; i < SEARCH_SLOTS; i++)
		assert_string_equal(buf_cstr(&p[i]), "%");
	release(p);
	/* an e-mail address is one word, lower-cased */
	pats(" SomSri@Example.ORG ", p, &n);
	assert_int_equal(n, 1);
	assert_string_equal(buf_cstr(&p[0]), "%somsri@example.org%");
	assert_string_equal(buf_cstr(&p[1]), "%");
	release(p);
	/* Latin lower-cased, punctuation dropped */
	pats("Somsri.Dee, Example", p, &n);
	assert_int_equal(n, 3);
	assert_string_equal(buf_cstr(&p[0]), "%somsri%");
	assert_string_equal(buf_cstr(&p[1]), "%dee%");
	assert_string_equal(buf_cstr(&p[2]), "%example%");
	release(p);
	/* a citizen ID with dashes is one word */
	pats("3-1001-00000-03-1", p, &n);
	assert_int_equal(n, 1);
	assert_string_equal(buf_cstr(&p[0]), "%3100100000031%");
	release(p);
	/* Thai words are broken; repeats add nothing; no LIKE wildcard gets in */
	pats("สมทรง สมทรง 100%_", p, &n);
	assert_true(n >= 2);
	for (int i = 0; i < SEARCH_SLOTS; i++) {
		const char *s = buf_cstr(&p[i]);
		assert_null(strchr(s + 1, '_'));
		size_t len = strlen(s);
		for (size_t k = 1; k + 1 < len; k++)
			assert_true(s[k] != '%' || i == SEARCH_SLOTS - 1);
	}
	release(p);
	/* more words than slots: the rest go into the last slot, in order */
	pats("a1 b2 c3 d4 e5 f6 g7 h8", p, &n);
	assert_int_equal(n, 8);
	assert_string_equal(buf_cstr(&p[5]), "%f6%g7%h8%");
	release(p);
}

static void test_audit_range(void **state)
{
	struct err e = ERR_INIT;
	long long f, t;
	assert_int_equal(acc_audit_range("", "", &f, &t, &e), 0);
	assert_true(f == 0 && t == 0);
	assert_int_equal(acc_audit_range("2024-06-25", "2024-06-25", &f, &t, &e), 0);
	/* Bangkok midnight is 17:00 UTC the day before; the whole day counts */
	assert_int_equal(f, 1719248400LL);
	assert_int_equal(t - f, 86400);
	assert_int_equal(acc_audit_range("2024-06-25", NULL, &f, &t, &e), 0);
	assert_int_equal(t, 0);
	assert_int_equal(acc_audit_range("2024-02-30", "", &f, &t, &e), -1);
	assert_string_equal(e.field, "from");
	err_clear(&e);
	/* issue 10.8: a BE date as the field asks for it is the same day */
	long long f2, t2;
	assert_int_equal(acc_audit_range("25/06/2567", "25/06/2567", &f2, &t2, &e), 0);
	assert_int_equal(f2, 1719248400LL);
	assert_int_equal(t2 - f2, 86400);
	assert_int_equal(acc_audit_range("", "25/06/3567", &f, &t, &e), -1);
	assert_string_equal(e.field, "to");
	assert_non_null(strstr(e.msg, "ค.ศ."));
	err_clear(&e);
	assert_int_equal(acc_audit_range("2024-06-26", "2024-06-25", &f, &t, &e), -1);
	assert_string_equal(e.field, "to");
	assert_non_null(strstr(e.msg, "ต้องไม่ก่อนวันที่เริ่มต้น"));
}

static void test_pager(void **state)
{
	json_t *p = pager_links("/x?q=a&", 5, 10);
	/* 1 … 3 4 [5] 6 7 … 10 */
	assert_int_equal(json_array_size(p), 9);
	assert_true(json_is_true(json_object_get(json_array_get(p, 1), "gap")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(p, 0), "url")), "/x?q=a&page=1");
	assert_true(json_is_true(json_object_get(json_array_get(p, 4), "current")));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(p, 8), "number")), 10);
	json_decref(p);
	p = pager_links("/x?", 1, 1);
	assert_int_equal(json_array_size(p), 1);
	json_decref(p);
}

/* --- storage ------------------------------------------------------------------ */

#include "engine.h"

/* What each engine's tests share: the demo's areas, schools and users. */
struct ids {
	long long area1, area2, s0, s1, s2, sa, sa2, teacher, admin1;
};
static struct ids sqlite_ids, pg_ids;

static long long one(struct db *db, const char *sql, long long arg)
{
	struct err e = ERR_INIT;
	long long v = -1;
	int rc = arg ? db_int_value(db, sql, DB_ARGS(DB_INT(arg)), &v, &e) : db_int_value(db, sql, NULL, 0, &v, &e);
	if (rc < 0)
		fail_msg("%s: %s", sql, e.msg);
	return rc ? v : -1;
}

static long long uid(struct db *db, const char *username)
{
	struct err e = ERR_INIT;
	long long v = -1;
	if (db_int_value(db, "SELECT id FROM users WHERE username = $1", DB_ARGS(DB_TEXT(username)), &v, &e) != 1)
		fail_msg("user %s: %s", username, e.msg);
	return v;
}

/* engine_after_migrate: the demo (4 schools an area) and the ids the tests
 * use. */
static int seed(struct engine *en, struct err *e)
{
	struct ids *ids = en->kind == DB_SQLITE ? &sqlite_ids : &pg_ids;
	en->data = ids;
	if (org_demo(en->db, 4, e) < 0 || acc_demo(en->db, e) < 0)
		return -1;
	struct db *db = en->db;
	ids->area1 = one(db, "SELECT id FROM areas WHERE code = '3502'", 0);
	ids->area2 = one(db, "SELECT id FROM areas WHERE code = '6201'", 0);
	ids->sa = uid(db, "schooladmin");
	ids->sa2 = uid(db, "schooladmin2");
	ids->teacher = uid(db, "teacher");
	ids->admin1 = uid(db, "areaadmin1");
	ids->s0 = one(db, "SELECT school_id FROM grants WHERE user_id = $1 AND role = 'school_admin'", ids->sa);
	ids->s1 = one(db, "SELECT school_id FROM grants WHERE user_id = $1 AND role = 'school_admin'", ids->sa2);
	ids->s2 = one(db, "SELECT MAX(id) FROM schools WHERE area_id = $1", ids->area1);
	return 0;
}

static void test_membership(void **state)
{
	struct engine *en = *state;
	const struct ids *d = en->data;
	struct err e = ERR_INIT;
	assert_int_equal(acc_admin_in_area(en->db, d->sa, d->area1, &e), 1);
	assert_int_equal(acc_admin_in_area(en->db, d->sa, d->area2, &e), 0);
	assert_int_equal(acc_admin_in_area(en->db, d->teacher, d->area1, &e), 0); /* not an admin */
	assert_int_equal(acc_admin_in_area(en->db, d->admin1, d->area1, &e), 0);  /* the area admin himself */
	assert_int_equal(acc_user_area(en->db, d->sa, &e), d->area1);
	assert_int_equal(acc_user_area(en->db, uid(en->db, "areaadmin2"), &e), d->area2);
	assert_int_equal(acc_user_area(en->db, uid(en->db, "citizen"), &e), 0);

	/* whose account an area admin may change: only one whose every role
	 * is a school role in his area's schools */
	long long a2 = uid(en->db, "areaadmin2");
	assert_int_equal(acc_user_school_only_in_area(en->db, d->sa, d->area1, &e), 1); /* admin + homeroom */
	assert_int_equal(acc_user_school_only_in_area(en->db, d->sa, d->area2, &e), 0);
	assert_int_equal(acc_user_school_only_in_area(en->db, d->admin1, d->area1, &e), 0); /* an area role */
	assert_int_equal(acc_user_managing_area(en->db, d->sa, &e), d->area1);
	assert_int_equal(acc_user_managing_area(en->db, d->admin1, &e), 0);
	assert_int_equal(acc_user_managing_area(en->db, uid(en->db, "citizen"), &e), 0);
	/* area 2's admin who also got a school-admin grant in area 1: no area
	 * admin of area 1 may change him, and no area decides for him */
	long long s0 = d->s0, s1 = one(en->db, "SELECT MAX(id) FROM schools WHERE area_id = $1", d->area1);
	assert_true(s1 != s0);
	assert_int_equal(db_begin(en->db, &e), 0);
	long long g = acc_grant_add(en->db, a2, "teacher", d->area1, s1, NULL, d->admin1, &e);
	if (g < 0)
		fail_msg("grant: %s", e.msg);
	assert_int_equal(acc_user_school_only_in_area(en->db, a2, d->area1, &e), 0);
	assert_int_equal(acc_user_school_only_in_area(en->db, a2, d->area2, &e), 0);
	assert_int_equal(acc_user_managing_area(en->db, a2, &e), 0);
	/* a teacher of area 1 who gets a school role in area 2 too */
	long long s2 = one(en->db, "SELECT MIN(id) FROM schools WHERE area_id = $1", d->area2);
	assert_true(acc_grant_add(en->db, d->teacher, "teacher", d->area2, s2, NULL, d->admin1, &e) > 0);
	assert_int_equal(acc_user_school_only_in_area(en->db, d->teacher, d->area1, &e), 0);
	assert_int_equal(acc_user_managing_area(en->db, d->teacher, &e), 0);
	db_rollback(en->db);
	assert_int_equal(acc_user_school_only_in_area(en->db, d->teacher, d->area1, &e), 1);
}

/* A KPI role granted without naming its module (the KPI people page, an
 * approved access request) is the same grant as one naming "kpi" (demo):
 * the second is refused as a duplicate, on either order. */
static void test_kpi_grant_module(void **state)
{
	struct engine *en = *state;
	const struct ids *d = en->data;
	struct err e = ERR_INIT;
	long long wg = one(en->db, "SELECT MIN(id) FROM work_groups WHERE area_id = $1", d->area1);
	struct acc_grant g = {.user_id = d->teacher, .area_id = d->area1, .work_group_id = wg};
	snprintf(g.role, sizeof g.role, "kpi_owner");
	assert_int_equal(db_begin(en->db, &e), 0);
	long long id = acc_grant_add_full(en->db, &g, d->admin1, &e);
	if (id < 0)
		fail_msg("grant: %s", e.msg);
	assert_int_equal(db_commit(en->db, &e), 0);
	json_t *row = db_row_json(en->db, "SELECT module FROM grants WHERE id = $1", DB_ARGS(DB_INT(id)), &e);
	assert_non_null(row);
	assert_string_equal(json_string_value(json_object_get(row, "module")), "kpi");
	json_decref(row);
	for (int named = 1; named >= 0; named--) {
		snprintf(g.module, sizeof g.module, "%s", named ? "kpi" : "");
		assert_int_equal(db_begin(en->db, &e), 0);
		assert_int_equal(acc_grant_add_full(en->db, &g, d->admin1, &e), -1);
		assert_int_equal(e.status, 409);
		db_rollback(en->db);
	}
	assert_int_equal(
	    one(en->db, "SELECT COUNT(*) FROM grants WHERE user_id = $1 AND role = 'kpi_owner' AND revoked_at IS NULL",
		d->teacher),
	    1);
	assert_int_equal(db_begin(en->db, &e), 0);
	assert_int_equal(acc_grant_revoke(en->db, id, d->admin1, &e), 0);
	assert_int_equal(db_commit(en->db, &e), 0);
}

static json_t *list(struct engine *en, const char *q, long long school, const char *status, const char *ptype)
{
	struct err e = ERR_INIT;
	struct acc_admin_filter f = {((const struct ids *)en->data)->area1, q, school, status, ptype, 1, 10};
	json_t *l = acc_admin_list(en->db, &f, &e);
	if (!l)
		fail_msg("list: %s", e.msg);
	return l;
}

static long long total(json_t *l)
{
	long long t = json_integer_value(json_object_get(l, "total"));
	json_decref(l);
	return t;
}

static void test_list(void **state)
{
	struct engine *en = *state;
	const struct ids *d = en->data;
	json_t *l = list(en, "", 0, "active", "");
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 2);
	json_t *r0 = json_array_get(json_object_get(l, "rows"), 0);
	assert_non_null(json_object_get(r0, "school_name"));
	json_decref(l);
	assert_int_equal(total(list(en, "สมทรง", 0, "", "")), 1);
	assert_int_equal(total(list(en, "SCHOOLADMIN2@example.org", 0, "", "")), 1);
	assert_int_equal(total(list(en, "ไม่มีชื่อนี้เลย", 0, "", "")), 0);
	assert_int_equal(total(list(en, "", d->s1, "", "")), 1);
	assert_int_equal(total(list(en, "", 0, "", "general")), 0);
	assert_int_equal(total(list(en, "", 0, "", "civil_servant")), 2);
	assert_int_equal(total(list(en, "", 0, "cancelled", "")), 0);
	/* another area's list does not hold them */
	struct err e = ERR_INIT;
	struct acc_admin_filter f = {d->area2, "", 0, "", "", 1, 10};
	assert_int_equal(total(acc_admin_list(en->db, &f, &e)), 0);
}

static void test_update_email(void **state)
{
	struct engine *en = *state;
	const struct ids *d = en->data;
	struct err e = ERR_INIT;
	json_t *ch = NULL;
	struct acc_user_edit ed = {"นาย", "วีระ", "ผู้ดูแล", "schooladmin@example.org", "", "", "civil_servant"};
	/* the e-mail of another account: 409, nothing changed */
	assert_int_equal(db_begin(en->db, &e), 0);
	assert_int_equal(acc_user_update(en->db, d->sa2, &ed, &ch, &e), -1);
	db_rollback(en->db);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.field, "email");
	assert_null(ch);
	err_clear(&e);
	/* over-long and non-Thai names are refused by the account's rules */
	char longname[400];
	unit_repeat(longname, sizeof longname, "ก", 101);
	struct acc_user_edit bad = {"นาย", longname, "ผู้ดูแล", "schooladmin2@example.org", "", "", ""};
	assert_int_equal(acc_user_update(en->db, d->sa2, &bad, &ch, &e), -1);
	assert_string_equal(e.field, "first_name");
	err_clear(&e);
	/* a real switch: changes listed old → new */
	struct acc_user_edit ok = {"นาย", "วีระพงษ์", "ผู้ดูแล", "veera.new@example.org", "0812345678", "", "civil_servant"};
	assert_int_equal(db_begin(en->db, &e), 0);
	assert_int_equal(acc_user_update(en->db, d->sa2, &ok, &ch, &e), 0);
	assert_int_equal(db_commit(en->db, &e), 0);
	assert_int_equal(json_object_size(ch), 3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(ch, "email"), 0)),
			    "schooladmin2@example.org");
	assert_string_equal(json_string_value(json_array_get(json_object_get(ch, "email"), 1)),
			    "veera.new@example.org");
	json_decref(ch);
	/* the same again changes nothing */
	assert_int_equal(acc_user_update(en->db, d->sa2, &ok, &ch, &e), 0);
	assert_int_equal(json_object_size(ch), 0);
	json_decref(ch);
}

static void test_cancel_reinstate(void **state)
{
	struct engine *en = *state;
	const struct ids *d = en->data;
	struct err e = ERR_INIT;
	struct db *db = en->db;
	long long now = (long long)time(NULL);
	assert_true(
	    db_exec(
		db,
		"INSERT INTO sessions (token_hash, user_id, created_at, last_seen) VALUES ('unit-accadm', $1, $2, $2)",
		DB_ARGS(DB_INT(d->sa), DB_INT(now)), &e) == 1);
	/* the demo school admin is a homeroom teacher too: only his school
	 * admin role ends, the account stays for the other one */
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(acc_admin_cancel(db, d->sa, d->area1, d->admin1, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM users WHERE id = $1 AND status = 'active'", d->sa), 1);
	assert_int_equal(
	    one(db, "SELECT COUNT(*) FROM grants WHERE user_id = $1 AND role = 'homeroom' AND revoked_at IS NULL",
		d->sa),
	    1);
	assert_int_equal(
	    one(db, "SELECT COUNT(*) FROM grants WHERE user_id = $1 AND role = 'school_admin' AND revoked_at IS NULL",
		d->sa),
	    0);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", d->sa), 1);
	/* with his last role gone, the next cancel ends the account */
	assert_true(db_exec(db, "UPDATE grants SET revoked_at = 1 WHERE user_id = $1 AND revoked_at IS NULL",
			    DB_ARGS(DB_INT(d->sa)), &e) == 1);
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(acc_admin_cancel(db, d->sa, d->area1, d->admin1, &e), 1);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM users WHERE id = $1 AND status = 'cancelled'", d->sa), 1);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", d->sa), 0);
	assert_int_equal(
	    one(db, "SELECT COUNT(*) FROM grants WHERE user_id = $1 AND role = 'school_admin' AND revoked_at IS NULL",
		d->sa),
	    0);
	/* still his area's, as an ended term */
	assert_int_equal(acc_admin_in_area(db, d->sa, d->area1, &e), 1);
	assert_int_equal(total(list(en, "", 0, "cancelled", "")), 1);
	assert_int_equal(total(list(en, "", 0, "active", "")), 1);
	assert_int_equal(acc_user_area(db, d->sa, &e), d->area1);
	/* cancelling twice is 404 (no active account) */
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(acc_admin_cancel(db, d->sa, d->area1, d->admin1, &e), -1);
	db_rollback(db);
	assert_int_equal(e.status, 404);
	err_clear(&e);

	/* his school gets a new admin, so he cannot come back there */
	char cid[14] = "520000000001";
	int s = 0;
	for (int i = 0; i < 12; i++)
		s += (cid[i] - '0') * (13 - i);
	snprintf(cid + 12, 2, "%d", (11 - s % 11) % 10);
	struct acc_user_new nu = {.citizen_id = cid,
				  .email = "next.admin@example.org",
				  .title = "นาง",
				  .first_name = "ใหม่",
				  .last_name = "แทนที่",
				  .personnel_type = "civil_servant"};
	assert_int_equal(db_begin(db, &e), 0);
	long long next = acc_admin_add(db, &nu, d->s0, d->area1, d->admin1, &e);
	if (next < 0)
		fail_msg("add: %s", e.msg);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM tokens WHERE user_id = $1", next), 1);
	assert_true(one(db, "SELECT COUNT(*) FROM outbox WHERE to_addr = 'next.admin@example.org'", 0) == 1);
	/* a second admin for the same school */
	nu.citizen_id = "1101700230708";
	nu.email = "third@example.org";
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(acc_admin_add(db, &nu, d->s0, d->area1, d->admin1, &e), -1);
	db_rollback(db);
	if (e.status != 409)
		fail_msg("second admin: %d %s %s", e.status, e.field, e.msg);
	assert_string_equal(e.field, "school_id");
	err_clear(&e);
	/* a school of another area */
	long long other = one(db, "SELECT MIN(id) FROM schools WHERE area_id = $1", d->area2);
	assert_int_equal(acc_admin_add(db, &nu, other, d->area1, d->admin1, &e), -1);
	assert_string_equal(e.field, "school_id");
	err_clear(&e);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM users WHERE email = 'third@example.org'", 0), 0);

	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(acc_admin_reinstate(db, d->sa, d->area1, d->admin1, &e), -1);
	db_rollback(db);
	if (e.status != 409)
		fail_msg("reinstate: %d %s %s", e.status, e.field, e.msg);
	err_clear(&e);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM users WHERE id = $1 AND status = 'cancelled'", d->sa), 1);

	/* the new one goes; the old one comes back, without his old password */
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(acc_admin_cancel(db, next, d->area1, d->admin1, &e), 1);
	assert_int_equal(acc_admin_reinstate(db, d->sa, d->area1, d->admin1, &e), d->s0);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(
	    one(db, "SELECT COUNT(*) FROM users WHERE id = $1 AND status = 'active' AND password_hash = ''", d->sa), 1);
	assert_int_equal(total(list(en, "", 0, "active", "")), 2);
	assert_int_equal(acc_admin_in_area(db, next, d->area1, &e), 1); /* now an ended term */
}

static void test_reset(void **state)
{
	struct engine *en = *state;
	const struct ids *d = en->data;
	struct err e = ERR_INIT;
	struct db *db = en->db;
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(acc_admin_reset_password(db, d->sa2, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM users WHERE id = $1 AND password_hash = ''", d->sa2), 1);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM tokens WHERE user_id = $1 AND used_at IS NULL", d->sa2), 1);
	/* a cancelled account is not reset */
	long long cancelled = one(db, "SELECT MAX(id) FROM users WHERE status = 'cancelled'", 0);
	assert_true(cancelled > 0);
	assert_int_equal(acc_admin_reset_password(db, cancelled, &e), -1);
	assert_int_equal(e.status, 409);
}

#define ENGINE_TESTS                                                                                                   \
	cmocka_unit_test(test_membership), cmocka_unit_test(test_list), cmocka_unit_test(test_update_email),           \
	    cmocka_unit_test(test_cancel_reinstate), cmocka_unit_test(test_reset),                                     \
	    cmocka_unit_test(test_kpi_grant_module)

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	struct err e = ERR_INIT;
	/* the set-password e-mail is rendered from the compiled-in templates */
	if (view_init(NULL, "static/dist", &e) < 0) {
		fprintf(stderr, "view_init: %s\n", e.msg);
		return 1;
	}
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_search_patterns),
	    cmocka_unit_test(test_audit_range),
	    cmocka_unit_test(test_pager),
	};
	const struct CMUnitTest stored[] = {ENGINE_TESTS};
	int failed = cmocka_run_group_tests_name("acc_admin", pure, NULL, NULL);
	engine_after_migrate = seed;
	failed += run_engine_groups("acc_admin", stored);
	view_shutdown();
	return failed ? 1 : 0;
}
