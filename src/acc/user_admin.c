/* user_admin: the area admin's management of the school admins of his area
 * (ACC-6, seed 000) — the list with search and filters, the list of ended
 * terms (ยกเลิก), edit (switching the e-mail too), cancel, reinstate, reset
 * password behind a confirm dialog, and adding a school admin who gets a
 * set-password link by e-mail.
 *
 * Who belongs to an area is read from the grants, not stored apart: an
 * active user with an active school_admin grant in a school of the area,
 * or a cancelled user whose LAST school_admin grant was there. Cancelling
 * revokes the school_admin grant in the area, so "one admin per school"
 * (acc_grant_add, checked on active grants) lets the school get a new
 * admin at once, while the revoked grant still says which school and area
 * the ended term belonged to. The list runs along grants(area_id, role):
 * one area's admins are a few hundred rows at most, so the search is a
 * LIKE per word over their names, username, e-mail, citizen ID, staff ID
 * and school, in fixed word slots, with no search column to keep in step
 * with every other writer of users.
 *
 * Whose account an area admin may change: one whose every active grant is
 * a school role (school_admin, teacher, homeroom, director) at a school of
 * his area (acc_user_school_only_in_area). One school-admin grant in his
 * area is not enough: an account that is also an area admin, an officer,
 * or holds a role in another area's school is not his to edit, e-mail,
 * reset, cancel or reinstate — else anyone who got that account a
 * school-admin grant in his area (a registration with its citizen ID)
 * would let him hand it to someone else. The super admin may.
 *
 * Cancelling (ACC-6) ends the school-admin role; the account itself only
 * with its last role, as the roster does. Adding a person whose account
 * the area admin manages already gives that account the role (its e-mail
 * and password stay); any other existing account is pointed to the
 * school-admin registration (ACC-5).
 *
 * Every handler checks the area against the active grant and the user
 * against the area before it reads or writes anything; a refusal is a 403
 * kept in the audit trail under the TARGET's area, so that area's admins
 * see who tried. Every action is audited (acc_audit_in) in the handler's
 * transaction, so a rolled-back action leaves no row. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/pager.h"
#include "core/jsonx.h"
#include "acc/acc_internal.h"
#include "core/audit.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/export.h"
#include "core/form.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/search.h"
#include "core/thai.h"
#include "core/token.h"
#include "core/view.h"
#include "org/org.h"

/* The db_lock key user.c takes around "check then insert a user", so that
 * an e-mail switch and a registration of the same address serialise. */
#define LOCK_USERS 0x6b686574616363LL

/* --- audit ----------------------------------------------------------------- */

long long acc_user_area(struct db *db, long long user_id, struct err *e)
{
	long long area = 0;
	int rc = db_int_value(db,
			      "SELECT area_id FROM grants WHERE user_id = $1 AND area_id IS NOT NULL "
			      "ORDER BY CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END, id DESC LIMIT 1",
			      DB_ARGS(DB_INT(user_id)), &area, e);
	return rc < 0 ? -1 : area;
}

void acc_audit_in(struct req *r, struct db *db, long long area_id, long long actor, const char *action,
		  const char *target_type, long long target_id, json_t *detail)
{
	const struct acc_grant *g = acc_active_grant(r);
	struct audit_entry a = {
	    .actor_user_id = actor,
	    .actor_role = g ? g->role : "",
	    .area_id = area_id > 0 ? area_id : 0,
	    .ip = req_client_ip(r),
	    .action = action,
	    .target_type = target_type,
	    .target_id = target_id,
	    .detail = detail,
	};
	struct err e = ERR_INIT;
	if (audit_add(db, &a, &e) < 0)
		log_error("req %s: audit %s: %s", req_id(r), action, e.msg);
	else if (!strcmp(action, "personal.read"))
		acc_note_personal_read(r); /* the page's own row: the view layer adds none */
	json_decref(detail);
}

void acc_audit(struct req *r, struct db *db, long long actor, const char *action, const char *target_type,
	       long long target_id, json_t *detail)
{
	struct err e = ERR_INIT;
	long long area = 0;
	const char *tt = nz(target_type);
	if (target_id > 0 && !strcmp(tt, "user")) {
		area = acc_user_area(db, target_id, &e);
	} else if (target_id > 0 && !strcmp(tt, "grant")) {
		if (db_int_value(db, "SELECT area_id FROM grants WHERE id = $1", DB_ARGS(DB_INT(target_id)), &area,
				 &e) < 0)
			area = -1;
	} else if (target_id > 0 && !strcmp(tt, "area")) {
		area = target_id;
	}
	if (area < 0)
		log_error("req %s: audit %s: the target's area: %s", req_id(r), action, e.msg);
	if (area <= 0) {
		const struct acc_grant *g = acc_active_grant(r);
		area = g ? g->area_id : 0;
	}
	acc_audit_in(r, db, area, actor, action, target_type, target_id, detail);
}

/* --- who belongs to an area -------------------------------------------------- */

/* The admins of an area (see the top of the file), as a condition on
 * grants g joined with users u. */
#define MEMBER_COND                                                                                                    \
	"g.role = 'school_admin' AND ((u.status = 'active' AND g.revoked_at IS NULL) OR "                              \
	"(u.status = 'cancelled' AND g.id = (SELECT MAX(g2.id) FROM grants g2 "                                        \
	"WHERE g2.user_id = u.id AND g2.role = 'school_admin')))"

int acc_admin_in_area(struct db *db, long long user_id, long long area_id, struct err *e)
{
	long long one = 0;
	return db_int_value(db,
			    "SELECT 1 FROM grants g JOIN users u ON u.id = g.user_id "
			    "WHERE g.user_id = $1 AND g.area_id = $2 AND " MEMBER_COND,
			    DB_ARGS(DB_INT(user_id), DB_INT(area_id)), &one, e);
}

/* What the active grants of an account span: how many, how many are not a
 * school role at a school (in its own area), and the least and greatest
 * area of those schools. A school role is any role whose grant names a
 * school (the scope SCOPE_SCHOOL of any module: acc_grant_add_full gives
 * only those a school), so a module's new school roles count alike. */
static int grant_span(struct db *db, long long user_id, long long span[4], struct err *e)
{
	struct db_res *res;
	if (db_query(db,
		     "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN s.id IS NOT NULL AND s.area_id = g.area_id "
		     "THEN 0 ELSE 1 END), 0) AS BIGINT), "
		     "CAST(COALESCE(MIN(s.area_id), 0) AS BIGINT), CAST(COALESCE(MAX(s.area_id), 0) AS BIGINT) "
		     "FROM grants g LEFT JOIN schools s ON s.id = g.school_id "
		     "WHERE g.user_id = $1 AND g.revoked_at IS NULL",
		     DB_ARGS(DB_INT(user_id)), &res, e) < 0)
		return -1;
	int rc = db_next(res, e);
	for (int i = 0; i < 4; i++)
		span[i] = rc == 1 ? db_int(res, i) : 0;
	db_res_free(res);
	return rc < 0 ? -1 : 0;
}

int acc_user_school_only_in_area(struct db *db, long long user_id, long long area_id, struct err *e)
{
	long long span[4];
	if (grant_span(db, user_id, span, e) < 0)
		return -1;
	if (span[0] == 0)
		return 1; /* nothing held: nothing outside the area */
	return span[1] == 0 && span[2] == area_id && span[3] == area_id;
}

long long acc_user_managing_area(struct db *db, long long user_id, struct err *e)
{
	long long span[4];
	if (grant_span(db, user_id, span, e) < 0)
		return -1;
	return span[0] > 0 && span[1] == 0 && span[2] == span[3] ? span[2] : 0;
}

/* --- the list ---------------------------------------------------------------- */

int acc_admin_search_patterns(const char *q, struct buf pat[SEARCH_SLOTS])
{
	struct buf terms = BUF_INIT;
	char cid[14];
	q = nz(q);
	while (*q == ' ')
		q++;
	size_t qn = strcspn(q, " ");
	/* a citizen ID with dashes or spaces is one word, not five; so is
	 * an e-mail address (else "a@x.org" would find "ba@x.org") */
	if (thai_citizen_id_normalize(q, cid) == 0 && strspn(cid, "0123456789") == 13) {
		buf_adds(&terms, cid);
	} else if (memchr(q, '@', qn) && q[qn + strspn(q + qn, " ")] == 0) {
		for (size_t i = 0; i < qn; i++)
			buf_addc(&terms, (q[i] >= 'A' && q[i] <= 'Z') ? (char)(q[i] + 32) : q[i]);
	} else
		thai_search_terms(nz(q), &terms);
	int n = search_patterns_of_words(buf_cstr(&terms), pat);
	buf_release(&terms);
	return n;
}

#define LIST_FROM                                                                                                      \
	" FROM grants g JOIN users u ON u.id = g.user_id JOIN schools s ON s.id = g.school_id "                        \
	"WHERE g.area_id = $1 AND " MEMBER_COND " AND (CAST($2 AS TEXT) = '' OR u.status = $2) "                       \
	"AND (CAST($3 AS BIGINT) = 0 OR g.school_id = $3) "                                                            \
	"AND (CAST($4 AS TEXT) = '' OR u.personnel_type = $4) "                                                        \
	"AND lower(u.first_name || ' ' || u.last_name || ' ' || u.username || ' ' || u.email || ' ' || "               \
	"u.citizen_id || ' ' || u.staff_id || ' ' || s.name || ' ' || s.obec_code) LIKE $5 "                           \
	"AND lower(u.first_name || ' ' || u.last_name || ' ' || u.username || ' ' || u.email || ' ' || "               \
	"u.citizen_id || ' ' || u.staff_id || ' ' || s.name || ' ' || s.obec_code) LIKE $6 "                           \
	"AND lower(u.first_name || ' ' || u.last_name || ' ' || u.username || ' ' || u.email || ' ' || "               \
	"u.citizen_id || ' ' || u.staff_id || ' ' || s.name || ' ' || s.obec_code) LIKE $7 "                           \
	"AND lower(u.first_name || ' ' || u.last_name || ' ' || u.username || ' ' || u.email || ' ' || "               \
	"u.citizen_id || ' ' || u.staff_id || ' ' || s.name || ' ' || s.obec_code) LIKE $8 "                           \
	"AND lower(u.first_name || ' ' || u.last_name || ' ' || u.username || ' ' || u.email || ' ' || "               \
	"u.citizen_id || ' ' || u.staff_id || ' ' || s.name || ' ' || s.obec_code) LIKE $9 "                           \
	"AND lower(u.first_name || ' ' || u.last_name || ' ' || u.username || ' ' || u.email || ' ' || "               \
	"u.citizen_id || ' ' || u.staff_id || ' ' || s.name || ' ' || s.obec_code) LIKE $10"

static const char list_count_sql[] = "SELECT COUNT(*)" LIST_FROM;
static const char list_page_sql[] =
    "SELECT g.id AS grant_id, g.role, u.id, u.username, u.title, u.first_name, u.last_name, u.email, u.citizen_id, "
    "u.phone, u.staff_id, u.personnel_type, u.status, u.cancelled_at, g.school_id, s.name AS school_name, "
    "s.obec_code" LIST_FROM " ORDER BY s.name COLLATE thai, u.first_name COLLATE thai, u.last_name COLLATE thai, "
    "g.id LIMIT $11 OFFSET $12";

json_t *acc_admin_list(struct db *db, const struct acc_admin_filter *f, struct err *e)
{
	struct buf pat[SEARCH_SLOTS];
	acc_admin_search_patterns(f->q, pat);
	const char *p[SEARCH_SLOTS];
	for (int i = 0; i < SEARCH_SLOTS; i++)
		p[i] = buf_cstr(&pat[i]);
	json_t *out = NULL, *rows = NULL;
	long long total = 0;
	struct org_paging pg;
	if (db_int_value(db, list_count_sql,
			 DB_ARGS(DB_INT(f->area_id), DB_TEXT(nz(f->status)), DB_INT(f->school_id),
				 DB_TEXT(nz(f->personnel_type)), DB_TEXT(p[0]), DB_TEXT(p[1]), DB_TEXT(p[2]),
				 DB_TEXT(p[3]), DB_TEXT(p[4]), DB_TEXT(p[5])),
			 &total, e) < 0)
		goto done;
	org_paging(total, f->page, f->per_page, &pg);
	rows = total ? db_rows_json(db, list_page_sql,
				    DB_ARGS(DB_INT(f->area_id), DB_TEXT(nz(f->status)), DB_INT(f->school_id),
					    DB_TEXT(nz(f->personnel_type)), DB_TEXT(p[0]), DB_TEXT(p[1]), DB_TEXT(p[2]),
					    DB_TEXT(p[3]), DB_TEXT(p[4]), DB_TEXT(p[5]), DB_INT(pg.per_page),
					    DB_INT(pg.offset)),
				    e)
		     : json_array();
	if (!rows)
		goto done;
	out = json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "rows", rows, "total", (json_int_t)pg.total, "page",
			(json_int_t)pg.page, "pages", (json_int_t)pg.pages, "per_page", (json_int_t)pg.per_page, "from",
			(json_int_t)pg.from, "to", (json_int_t)pg.to);
done:
	search_patterns_release(pat);
	return out;
}

/* --- actions ------------------------------------------------------------------ */

/* The account's stored fields an edit may change, by name. */
static const char *const edit_fields[] = {"title", "first_name", "last_name",	   "email",
					  "phone", "staff_id",	 "personnel_type", NULL};

/* The refusal of an edit made from an older version of the account. */
static int stale_err(struct err *e)
{
	err_field(e, ACC_STALE, "บัญชีผู้ใช้นี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้ กรุณาตรวจสอบข้อมูลล่าสุดแล้วบันทึกอีกครั้ง");
	e->status = 409;
	return -1;
}

int acc_user_update(struct db *db, long long user_id, const struct acc_user_edit *u, json_t **changes, struct err *e)
{
	*changes = NULL;
	json_t *old = db_row_json(db,
				  "SELECT citizen_id, title, first_name, last_name, email, phone, staff_id, "
				  "personnel_type, version FROM users WHERE id = $1",
				  DB_ARGS(DB_INT(user_id)), e);
	if (!old)
		return e->status == 404 ? err_set(e, 404, "ไม่พบบัญชีผู้ใช้") : -1;
	/* an edit of an older copy: refused before anything else, even when
	 * it changes nothing (it was decided on other data) */
	long long version = json_integer_value(json_object_get(old, "version"));
	if (u->version > 0 && u->version != version) {
		json_decref(old);
		return stale_err(e);
	}
	struct acc_user_new v = {
	    .citizen_id = json_string_value(json_object_get(old, "citizen_id")),
	    .email = nz(u->email),
	    .title = nz(u->title),
	    .first_name = nz(u->first_name),
	    .last_name = nz(u->last_name),
	    .phone = nz(u->phone),
	    .staff_id = nz(u->staff_id),
	    .personnel_type = nz(u->personnel_type),
	};
	if (acc_user_validate(&v, e) < 0) {
		json_decref(old);
		return -1;
	}
	const char *now_vals[] = {v.title, v.first_name, v.last_name, v.email, v.phone, v.staff_id, v.personnel_type};
	json_t *ch = json_object();
	for (int i = 0; edit_fields[i]; i++) {
		const char *was = json_string_value(json_object_get(old, edit_fields[i]));
		if (strcmp(nz(was), now_vals[i]))
			json_object_set_new(ch, edit_fields[i], json_pack("[s, s]", nz(was), now_vals[i]));
	}
	json_decref(old);
	if (json_object_size(ch) == 0) {
		*changes = ch;
		return 0;
	}
	if (json_object_get(ch, "email")) {
		/* under the lock new accounts take, so nobody registers the
		 * address between this check and the update */
		long long other = 0;
		int rc = db_lock(db, LOCK_USERS, e);
		if (rc == 0)
			rc = db_int_value(db, "SELECT id FROM users WHERE email = $1 AND id <> $2",
					  DB_ARGS(DB_TEXT(v.email), DB_INT(user_id)), &other, e);
		if (rc != 0) {
			json_decref(ch);
			if (rc < 0)
				return -1;
			err_field(e, "email",
				  "อีเมลนี้เป็นอีเมลของบัญชีผู้ใช้อื่นในระบบแล้ว (1 บัญชีใช้ 1 อีเมลเท่านั้น) "
				  "กรุณากรอกอีเมลอื่นของผู้ใช้รายนี้");
			e->status = 409;
			return -1;
		}
	}
	long long n = db_exec(db,
			      "UPDATE users SET title = $2, first_name = $3, last_name = $4, email = $5, phone = $6, "
			      "staff_id = $7, personnel_type = $8, updated_at = $9, version = version + 1 "
			      "WHERE id = $1 AND version = $10",
			      DB_ARGS(DB_INT(user_id), DB_TEXT(v.title), DB_TEXT(v.first_name), DB_TEXT(v.last_name),
				      DB_TEXT(v.email), DB_TEXT(v.phone), DB_TEXT(v.staff_id),
				      DB_TEXT(v.personnel_type), DB_INT((long long)time(NULL)), DB_INT(version)),
			      e);
	if (n <= 0) {
		json_decref(ch);
		return n < 0 ? -1 : stale_err(e);
	}
	*changes = ch;
	return 0;
}

static long long revoke_school_admin(struct db *db, long long user_id, long long area_id, long long by, struct err *e)
{
	return db_exec(
	    db,
	    "UPDATE grants SET revoked_at = $3, revoked_by = $4 WHERE user_id = $1 AND area_id = $2 "
	    "AND role = 'school_admin' AND revoked_at IS NULL",
	    DB_ARGS(DB_INT(user_id), DB_INT(area_id), DB_INT((long long)time(NULL)), by > 0 ? DB_INT(by) : DB_NULL), e);
}

int acc_admin_cancel(struct db *db, long long user_id, long long area_id, long long by_user_id, struct err *e)
{
	long long n = 0;
	int rc = db_int_value(db, "SELECT COUNT(*) FROM users WHERE id = $1 AND status = 'active'",
			      DB_ARGS(DB_INT(user_id)), &n, e);
	if (rc < 0)
		return -1;
	if (n == 0)
		return err_set(e, 404, "ไม่พบบัญชีผู้ใช้ที่ยังใช้งานอยู่");
	if (revoke_school_admin(db, user_id, area_id, by_user_id, e) < 0)
		return -1;
	/* as the roster does: the account ends only with its last role */
	long long others = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM grants WHERE user_id = $1 AND revoked_at IS NULL",
			 DB_ARGS(DB_INT(user_id)), &others, e) < 0)
		return -1;
	if (others > 0)
		return 0;
	if (acc_user_cancel(db, user_id, by_user_id, e) < 0)
		return -1;
	if (token_revoke(db, NULL, user_id, e) < 0)
		return -1;
	return 1;
}

long long acc_admin_reinstate(struct db *db, long long user_id, long long area_id, long long by_user_id, struct err *e)
{
	long long school = 0;
	int rc = db_int_value(db,
			      "SELECT g.school_id FROM grants g JOIN users u ON u.id = g.user_id "
			      "WHERE g.user_id = $1 AND g.area_id = $2 AND u.status = 'cancelled' AND " MEMBER_COND,
			      DB_ARGS(DB_INT(user_id), DB_INT(area_id)), &school, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, 404, "ไม่พบผู้ใช้ที่ถูกยกเลิกในเขตพื้นที่นี้");
	/* the old password stays void: a new one is set through the link */
	if (db_exec(db,
		    "UPDATE users SET status = 'active', cancelled_at = NULL, cancelled_by = NULL, password_hash = '', "
		    "updated_at = $2, version = version + 1 WHERE id = $1 AND status = 'cancelled'",
		    DB_ARGS(DB_INT(user_id), DB_INT((long long)time(NULL))), e) < 0)
		return -1;
	if (acc_grant_add(db, user_id, "school_admin", area_id, school, NULL, by_user_id, e) < 0) {
		if (e->status == 409 && !strcmp(e->field, "school_id")) {
			err_field(e, "_form",
				  "คืนสิทธิ์ไม่ได้ เพราะสถานศึกษาเดิมของผู้ใช้นี้มีแอดมินสถานศึกษาคนใหม่แล้ว "
				  "(สถานศึกษา 1 แห่งมีแอดมินได้ 1 คน) หากต้องการให้กลับมาเป็นแอดมิน ให้ยกเลิกแอดมินคนปัจจุบันก่อน");
			e->status = 409;
		}
		return -1;
	}
	if (acc_setpw_link_send(db, user_id, "new", e) < 0)
		return -1;
	return school;
}

int acc_admin_reset_password(struct db *db, long long user_id, struct err *e)
{
	long long n =
	    db_exec(db, "UPDATE users SET password_hash = '', updated_at = $2, version = version + 1 "
		    "WHERE id = $1 AND status = 'active'",
		    DB_ARGS(DB_INT(user_id), DB_INT((long long)time(NULL))), e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 409, "บัญชีนี้ถูกยกเลิกแล้ว รีเซ็ตรหัสผ่านไม่ได้ กรุณาคืนสิทธิ์ก่อน");
	if (db_exec(db, "DELETE FROM sessions WHERE user_id = $1", DB_ARGS(DB_INT(user_id)), e) < 0)
		return -1;
	return acc_setpw_link_send(db, user_id, "reset", e);
}

long long acc_admin_attach(struct db *db, const char *citizen_id, long long school_id, long long area_id,
			   long long by_user_id, struct err *e)
{
	char cid[14];
	if (thai_citizen_id_normalize(citizen_id ? citizen_id : "", cid) < 0)
		return 0;
	json_t *u = db_row_json(db, "SELECT id, status, password_hash FROM users WHERE citizen_id = $1",
				DB_ARGS(DB_TEXT(cid)), e);
	if (!u) {
		if (e->status != 404)
			return -1;
		err_clear(e);
		return 0;
	}
	long long id = json_integer_value(json_object_get(u, "id"));
	bool active = !strcmp(nz(json_string_value(json_object_get(u, "status"))), "active");
	bool has_password = *nz(json_string_value(json_object_get(u, "password_hash"))) != 0;
	json_decref(u);
	long long span[4];
	if (grant_span(db, id, span, e) < 0)
		return -1;
	/* only an account the area admin manages already: some role, every
	 * one of them a school role in his area's schools */
	if (!active || span[0] == 0 || span[1] != 0 || span[2] != area_id || span[3] != area_id)
		return 0;
	long long elsewhere = 0;
	if (db_int_value(db,
			 "SELECT COUNT(*) FROM grants WHERE user_id = $1 AND revoked_at IS NULL "
			 "AND (school_id IS NULL OR school_id <> $2)",
			 DB_ARGS(DB_INT(id), DB_INT(school_id)), &elsewhere, e) < 0)
		return -1;
	if (acc_grant_add(db, id, "school_admin", area_id, school_id, NULL, by_user_id, e) < 0) {
		if (e->status == 409 && !strcmp(e->field, "school_id"))
			snprintf(e->msg, sizeof e->msg, "%s",
				 "สถานศึกษานี้มีแอดมินสถานศึกษาแล้ว (สถานศึกษา 1 แห่งมีแอดมินได้ 1 คน) "
				 "หากต้องการเปลี่ยนแอดมิน ให้ยกเลิกแอดมินคนเดิมก่อน");
		return -1;
	}
	/* his e-mail and password stay; a link only for one who has none */
	if (!has_password && elsewhere == 0 && acc_setpw_link_send(db, id, "new", e) < 0)
		return -1;
	return id;
}

long long acc_admin_add(struct db *db, const struct acc_user_new *u, long long school_id, long long area_id,
			long long by_user_id, struct err *e)
{
	long long school_area = 0;
	int rc =
	    db_int_value(db, "SELECT area_id FROM schools WHERE id = $1", DB_ARGS(DB_INT(school_id)), &school_area, e);
	if (rc < 0)
		return -1;
	if (rc == 0 || school_area != area_id)
		return err_field(e, "school_id", "กรุณาเลือกสถานศึกษาในเขตพื้นที่นี้จากรายการ");
	if (acc_user_validate(u, e) < 0)
		return -1;
	/* one admin per school, said before anything is written */
	long long one = 0;
	rc = db_int_value(db,
			  "SELECT 1 FROM grants WHERE school_id = $1 AND role = 'school_admin' AND revoked_at IS NULL",
			  DB_ARGS(DB_INT(school_id)), &one, e);
	if (rc) {
		if (rc < 0)
			return -1;
		err_field(e, "school_id",
			  "สถานศึกษานี้มีแอดมินสถานศึกษาแล้ว (สถานศึกษา 1 แห่งมีแอดมินได้ 1 คน) "
			  "หากต้องการเปลี่ยนแอดมิน ให้ยกเลิกแอดมินคนเดิมก่อน");
		e->status = 409;
		return -1;
	}
	long long id = acc_user_create(db, u, e);
	if (id < 0) {
		/* the admin is signed in: say plainly what is registered */
		if (e->status == 409 && !strcmp(e->field, "citizen_id"))
			snprintf(e->msg, sizeof e->msg, "%s",
				 "เลขประจำตัวประชาชนนี้มีบัญชีผู้ใช้ในระบบแล้ว (1 คนมีได้ 1 บัญชี) และไม่ใช่บัญชีที่มีบทบาท"
				 "เฉพาะในสถานศึกษาของเขตพื้นที่นี้ จึงเพิ่มจากหน้านี้ไม่ได้ ให้ผู้อำนวยการสถานศึกษา "
				 "(หรือผู้ได้รับมอบหมาย) ลงทะเบียนแอดมินสถานศึกษาที่หน้า /school-admin/register "
				 "แล้วอนุมัติที่หน้าการลงทะเบียนแอดมินสถานศึกษา บัญชีเดิมจะได้รับสิทธิ์แอดมินสถานศึกษาเพิ่ม");
		else if (e->status == 409 && !strcmp(e->field, "email"))
			snprintf(e->msg, sizeof e->msg, "%s",
				 "อีเมลนี้เป็นอีเมลของบัญชีผู้ใช้อื่นในระบบแล้ว (1 บัญชีใช้ 1 อีเมลเท่านั้น) "
				 "กรุณากรอกอีเมลอื่น");
		return -1;
	}
	if (acc_grant_add(db, id, "school_admin", area_id, school_id, NULL, by_user_id, e) < 0)
		return -1;
	if (acc_setpw_link_send(db, id, "new", e) < 0)
		return -1;
	return id;
}

/* --- pages: helpers ------------------------------------------------------------ */

static const char area_denied[] = "คุณไม่มีสิทธิ์จัดการผู้ใช้งานของเขตพื้นที่นี้ แอดมินเขตจัดการได้เฉพาะผู้ใช้ในเขตพื้นที่ของตนเท่านั้น";
static const char user_outside[] =
    "คุณไม่มีสิทธิ์แก้ไข รีเซ็ตรหัสผ่าน ยกเลิก หรือคืนสิทธิ์บัญชีนี้ เพราะบัญชีนี้มีบทบาทนอกสถานศึกษาในเขตพื้นที่ของคุณ "
    "(เช่น เป็นแอดมินเขต เจ้าหน้าที่เขต หรือมีสิทธิ์ในสถานศึกษาของเขตพื้นที่อื่น) "
    "แอดมินเขตจัดการได้เฉพาะบัญชีที่มีบทบาทในสถานศึกษาของเขตพื้นที่ตนเท่านั้น "
    "หากจำเป็นต้องแก้ไข กรุณาติดต่อผู้ดูแลระบบ สพฐ.";
static const char user_denied[] = "คุณไม่มีสิทธิ์จัดการผู้ใช้รายนี้ เพราะไม่ใช่แอดมินสถานศึกษาในเขตพื้นที่ของคุณ "
				  "แอดมินเขตจัดการได้เฉพาะผู้ใช้ในเขตพื้นที่ของตนเท่านั้น";

/* Refuses, keeping an auth.denied row under the area concerned (the
 * target's), committed although the answer is 403. */
static int deny(struct req *r, long long area_id, long long user_id, const char *msg)
{
	struct db *db = req_db(r);
	if (db) {
		json_t *d = json_pack("{s:s, s:s, s:I}", "method", req_method(r), "path", req_path(r), "area_asked",
				      (json_int_t)area_id);
		if (user_id > 0) {
			struct err e = ERR_INIT;
			long long ua = acc_user_area(db, user_id, &e);
			acc_audit_in(r, db, ua > 0 ? ua : area_id, acc_user_id(r), "auth.denied", "user", user_id, d);
		} else {
			acc_audit_in(r, db, area_id, acc_user_id(r), "auth.denied", "area", area_id, d);
		}
	}
	req_commit_on_error(r);
	return view_error(r, 403, msg);
}

/* The path's area after the scope check: its id and {id, short_name, …},
 * or 0 when the request is answered already. */
static long long load_area(struct req *r, json_t **area)
{
	*area = NULL;
	long long id = req_param_id(r, "id");
	if (id < 0) {
		view_error(r, 404, "ไม่พบสำนักงานเขตพื้นที่การศึกษาที่ระบุ");
		return 0;
	}
	if (!acc_in_area(r, id)) {
		deny(r, id, 0, area_denied);
		return 0;
	}
	struct db *db = req_db(r);
	if (!db) {
		acc_db_unavailable(r);
		return 0;
	}
	struct err e = ERR_INIT;
	*area = org_area_get(db, id, &e);
	if (!*area) {
		view_err(r, &e);
		return 0;
	}
	return id;
}

/* The path's user after the area's and the user's scope checks: his
 * profile row (every column an admin sees, also of a cancelled user), or
 * NULL when the request is answered already. */
static json_t *load_user(struct req *r, long long area)
{
	struct db *db = req_db(r);
	long long uid = req_param_id(r, "uid");
	struct err e = ERR_INIT;
	json_t *u = uid > 0
			? db_row_json(db,
				      "SELECT id, citizen_id, username, title, first_name, last_name, email, phone, "
				      "staff_id, personnel_type, status, cancelled_at, created_at, version, updated_at "
				      "FROM users WHERE id = $1",
				      DB_ARGS(DB_INT(uid)), &e)
			: NULL;
	if (!u) {
		if (uid > 0 && e.status != 404)
			view_err(r, &e);
		else
			view_error(r, 404, "ไม่พบบัญชีผู้ใช้ที่ระบุ");
		return NULL;
	}
	int in = acc_admin_in_area(db, uid, area, &e);
	if (in <= 0) {
		json_decref(u);
		if (in < 0)
			view_err(r, &e);
		else
			deny(r, area, uid, user_denied);
		return NULL;
	}
	/* An account that holds a role outside the area's schools (an area
	 * role, another area's school, super admin) is not the area admin's
	 * to change: one school-admin grant in his area must not hand him the
	 * account (its e-mail, its password). The super admin may. */
	const struct acc_grant *g = acc_active_grant(r);
	if (!g || strcmp(g->role, "super_admin")) {
		in = acc_user_school_only_in_area(db, uid, area, &e);
		if (in <= 0) {
			json_decref(u);
			if (in < 0)
				view_err(r, &e);
			else
				deny(r, area, uid, user_outside);
			return NULL;
		}
	}
	return u;
}

static const char *personnel_label(const char *v)
{
	for (const struct acc_personnel_type *t = acc_personnel_types; t->value; t++)
		if (!strcmp(t->value, nz(v)))
			return t->label;
	return "";
}

static bool personnel_ok(const char *v)
{
	return !*nz(v) || *personnel_label(v);
}

/* Display name, personnel and status labels of a user row. */
static void decorate_user(json_t *x)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s%s %s", nz(json_string_value(json_object_get(x, "title"))),
		 nz(json_string_value(json_object_get(x, "first_name"))),
		 nz(json_string_value(json_object_get(x, "last_name"))));
	json_object_set_new(x, "display_name", json_string(buf_cstr(&b)));
	buf_release(&b);
	json_object_set_new(x, "personnel_type_label",
			    json_string(personnel_label(json_string_value(json_object_get(x, "personnel_type")))));
	bool cancelled = strcmp(nz(json_string_value(json_object_get(x, "status"))), "active") != 0;
	json_object_set_new(x, "cancelled", json_boolean(cancelled));
	json_object_set_new(x, "status_label", json_string(cancelled ? "หมดวาระ (ยกเลิก)" : "ใช้งานอยู่"));
	json_t *ca = json_object_get(x, "cancelled_at");
	if (json_is_integer(ca)) {
		struct buf t = BUF_INIT;
		thai_datetime_short(&t, json_integer_value(ca));
		json_object_set_new(x, "cancelled_at_text", json_string(buf_cstr(&t)));
		buf_release(&t);
	} else {
		json_object_set_new(x, "cancelled_at_text", json_null());
	}
}

static void user_urls(json_t *x, long long area)
{
	long long id = json_integer_value(json_object_get(x, "id"));
	char u[96];
	snprintf(u, sizeof u, "/areas/%lld/users/%lld", area, id);
	json_object_set_new(x, "url", json_string(u));
	snprintf(u, sizeof u, "/areas/%lld/users/%lld/cancel", area, id);
	json_object_set_new(x, "cancel_url", json_string(u));
	snprintf(u, sizeof u, "/areas/%lld/users/%lld/reset", area, id);
	json_object_set_new(x, "reset_url", json_string(u));
	snprintf(u, sizeof u, "/areas/%lld/users/%lld/reinstate", area, id);
	json_object_set_new(x, "reinstate_url", json_string(u));
}

static json_t *title_options(void)
{
	json_t *a = json_array();
	for (size_t i = 0; acc_titles[i]; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "value", acc_titles[i], "label", acc_titles[i]));
	return a;
}

static json_t *personnel_options(void)
{
	json_t *a = json_array();
	for (const struct acc_personnel_type *t = acc_personnel_types; t->value; t++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "value", t->value, "label", t->label));
	return a;
}

/* The area's schools as options (a few hundred at most, one index walk). */
static json_t *school_options(struct db *db, long long area, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT id, name, obec_code FROM schools WHERE area_id = $1 "
				    "ORDER BY name COLLATE thai, id",
				    DB_ARGS(DB_INT(area)), e);
	if (!rows)
		return NULL;
	json_t *a = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		char v[24];
		snprintf(v, sizeof v, "%lld", (long long)json_integer_value(json_object_get(x, "id")));
		struct buf l = BUF_INIT;
		buf_addf(&l, "%s (%s)", nz(json_string_value(json_object_get(x, "name"))),
			 nz(json_string_value(json_object_get(x, "obec_code"))));
		json_array_append_new(a, json_pack("{s:s, s:s}", "value", v, "label", buf_cstr(&l)));
		buf_release(&l);
	}
	json_decref(rows);
	return a;
}

static json_t *area_title(const char *what, json_t *area)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s %s", what, nz(json_string_value(json_object_get(area, "short_name"))));
	json_t *s = json_string(buf_cstr(&b));
	buf_release(&b);
	return s;
}

/* --- the list page --------------------------------------------------------------- */

static const struct choice status_choices[] = {
    {"active", "ใช้งานอยู่"},
    {"cancelled", "หมดวาระ (ถูกยกเลิก)"},
    {"all", "ทั้งหมด"},
    {NULL, NULL},
};

/* The list's URL with its filters, ending in "&" for page=. */
static void list_base(struct buf *b, long long area, const char *q, long long school, const char *status,
		      const char *ptype, long long per_page)
{
	buf_addf(b, "/areas/%lld/users?status=%s&", area, status);
	if (*q) {
		buf_adds(b, "q=");
		buf_add_urlenc(b, q);
		buf_addc(b, '&');
	}
	if (school)
		buf_addf(b, "school=%lld&", school);
	if (*ptype)
		buf_addf(b, "type=%s&", ptype);
	if (per_page != 25)
		buf_addf(b, "per_page=%lld&", per_page);
}

static int list_page(struct req *r)
{
	json_t *area;
	long long aid = load_area(r, &area);
	if (!aid)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *errors = json_object();
	const char *q = nz(req_query(r, "q"));
	size_t qchars = 0;
	for (const char *c = q; *c; c++)
		qchars += ((unsigned char)*c & 0xC0) != 0x80;
	if (!thai_utf8_valid(q, strlen(q)) || qchars > 100) {
		json_object_set_new(errors, "q", json_string("คำค้นยาวเกินไปหรือมีอักขระที่ใช้ไม่ได้ (ไม่เกิน 100 ตัวอักษร)"));
		q = "";
	}
	const char *status = req_query(r, "status");
	if (!status || !*status)
		status = "active";
	bool status_ok = false;
	for (const struct choice *c = status_choices; c->value; c++)
		status_ok |= !strcmp(c->value, status);
	if (!status_ok) {
		json_object_set_new(errors, "status", json_string("กรุณาเลือกสถานะจากรายการ"));
		status = "active";
	}
	const char *ptype = nz(req_query(r, "type"));
	if (!personnel_ok(ptype)) {
		json_object_set_new(errors, "type", json_string("กรุณาเลือกประเภทบุคลากรจากรายการ"));
		ptype = "";
	}
	long long school = req_query_int(r, "school", 0, 0, 1LL << 53);
	if (school) {
		long long sa = 0;
		int rc =
		    db_int_value(db, "SELECT area_id FROM schools WHERE id = $1", DB_ARGS(DB_INT(school)), &sa, &e);
		if (rc < 0) {
			json_decref(area);
			json_decref(errors);
			return view_err(r, &e);
		}
		if (rc == 0 || sa != aid) {
			json_object_set_new(errors, "school", json_string("กรุณาเลือกสถานศึกษาในเขตพื้นที่นี้จากรายการ"));
			school = 0;
		}
	}
	long long page = req_query_int(r, "page", 1, 1, 1000000000LL);
	long long per_page = req_query_int(r, "per_page", 25, 1, 100);
	/* ?format=csv|xlsx: every row the filters find, one query */
	enum sheet_format fmt;
	bool file = export_asked(r, &fmt);
	if (file)
		page = 1, per_page = ORG_ALL_ROWS;
	struct acc_admin_filter f = {
	    .area_id = aid,
	    .q = q,
	    .school_id = school,
	    .status = strcmp(status, "all") ? status : "",
	    .personnel_type = ptype,
	    .page = page,
	    .per_page = per_page,
	};
	json_t *list = acc_admin_list(db, &f, &e);
	json_t *schools = list ? school_options(db, aid, &e) : NULL;
	if (!list || !schools) {
		json_decref(list);
		json_decref(area);
		json_decref(errors);
		return view_err(r, &e);
	}
	json_t *rows = json_object_get(list, "rows");
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		struct buf b = BUF_INIT;
		thai_citizen_id_mask(nz(json_string_value(json_object_get(x, "citizen_id"))), &b);
		json_object_set_new(x, "citizen_id_masked", json_string(buf_cstr(&b)));
		json_object_del(x, "citizen_id"); /* never the whole number in a list */
		buf_release(&b);
		decorate_user(x);
		user_urls(x, aid);
		json_object_set_new(x, "role_label", json_string(acc_role_label("school_admin")));
	}
	if (file) {
		json_decref(schools);
		json_decref(errors);
		acc_audit_in(r, db, aid, acc_user_id(r), "personal.read", "area", aid,
			     json_pack("{s:s, s:s, s:s, s:I}", "page", "users", "export", fmt == SHEET_XLSX ? "xlsx" : "csv",
				       "status", status, "rows", (json_int_t)json_array_size(rows)));
		static const struct sheet_col cols[] = {
		    {"ชื่อผู้ใช้ (user)", 16, SHEET_TEXT, 0, "username"},
		    {"คำนำหน้า", 8, SHEET_TEXT, 0, "title"},
		    {"ชื่อ", 16, SHEET_TEXT, 0, "first_name"},
		    {"นามสกุล", 18, SHEET_TEXT, 0, "last_name"},
		    {"สถานศึกษา", 36, SHEET_TEXT, 0, "school_name"},
		    {"รหัสสถานศึกษา", 14, SHEET_CODE, 0, "obec_code"},
		    {"อีเมล", 28, SHEET_TEXT, 0, "email"},
		    {"เลขประจำตัวประชาชน", 20, SHEET_TEXT, 0, "citizen_id_masked"},
		    {"ประเภทบุคลากร", 24, SHEET_ENUM, 0, "personnel_type_label"},
		    {"สถานะ", 16, SHEET_ENUM, 0, "status_label"},
		    {"ยกเลิกเมื่อ", 20, SHEET_DATETIME, 0, "cancelled_at"},
		};
		struct buf t = BUF_INIT;
		buf_addf(&t, "ผู้ใช้งาน %s", jstr(area, "short_name"));
		json_decref(area);
		const struct export_list l = {buf_cstr(&t), "users", (int)(sizeof cols / sizeof *cols), cols};
		int rc = export_rows(r, fmt, &l, rows, list);
		buf_release(&t);
		return rc;
	}
	export_links(r, list);
	page = json_integer_value(json_object_get(list, "page"));
	per_page = json_integer_value(json_object_get(list, "per_page"));
	long long pages = json_integer_value(json_object_get(list, "pages"));
	struct buf base = BUF_INIT;
	list_base(&base, aid, q, school, status, ptype, per_page);
	json_object_set_new(list, "pager", pages > 1 ? pager_links(buf_cstr(&base), page, pages) : json_array());
	json_object_set_new(list, "has_pager", json_boolean(pages > 1));
	struct buf u = BUF_INIT;
	if (page > 1)
		buf_addf(&u, "%spage=%lld", buf_cstr(&base), page - 1);
	json_object_set_new(list, "prev_url", page > 1 ? json_string(buf_cstr(&u)) : json_null());
	buf_reset(&u);
	if (page < pages)
		buf_addf(&u, "%spage=%lld", buf_cstr(&base), page + 1);
	json_object_set_new(list, "next_url", page < pages ? json_string(buf_cstr(&u)) : json_null());
	buf_release(&u);
	buf_release(&base);

	/* the filter form's options, the chosen ones marked */
	char sv[24];
	snprintf(sv, sizeof sv, "%lld", school);
	json_array_foreach(schools, i, x) json_object_set_new(
	    x, "selected", json_boolean(!strcmp(json_string_value(json_object_get(x, "value")), sv)));
	json_t *ptypes = personnel_options();
	json_array_foreach(ptypes, i, x) json_object_set_new(
	    x, "selected", json_boolean(!strcmp(json_string_value(json_object_get(x, "value")), ptype)));
	json_t *statuses = json_array();
	for (const struct choice *c = status_choices; c->value; c++) {
		struct buf t = BUF_INIT;
		buf_addf(&t, "/areas/%lld/users?status=%s", aid, c->value);
		json_array_append_new(statuses, json_pack("{s:s, s:s, s:s, s:b}", "value", c->value, "label", c->label,
							  "url", buf_cstr(&t), "selected", !strcmp(c->value, status)));
		buf_release(&t);
	}
	json_t *opts = json_array();
	static const int sizes[] = {10, 25, 50, 100};
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++)
		json_array_append_new(opts,
				      json_pack("{s:i, s:b}", "value", sizes[k], "selected", sizes[k] == per_page));

	acc_audit_in(
	    r, db, aid, acc_user_id(r), "personal.read", "area", aid,
	    json_pack("{s:s, s:s, s:I}", "page", "users", "status", status, "rows", (json_int_t)json_array_size(rows)));

	char add[64], audit_url[64];
	snprintf(add, sizeof add, "/areas/%lld/users/new", aid);
	snprintf(audit_url, sizeof audit_url, "/areas/%lld/audit", aid);
	json_object_set_new(
	    list, "page_title",
	    area_title(!strcmp(status, "cancelled") ? "ผู้ใช้งานที่หมดวาระ (ถูกยกเลิก) ของ" : "ข้อมูลผู้ใช้งาน (แอดมินสถานศึกษา) ของ",
		       area));
	json_object_set_new(list, "area", area);
	json_object_set_new(
	    list, "filter",
	    json_pack("{s:s, s:I, s:s, s:s}", "q", q, "school", (json_int_t)school, "status", status, "type", ptype));
	json_object_set_new(list, "ended", json_boolean(!strcmp(status, "cancelled")));
	json_object_set_new(list, "statuses", statuses);
	json_object_set_new(list, "schools", schools);
	json_object_set_new(list, "personnel_types", ptypes);
	json_object_set_new(list, "per_page_options", opts);
	json_object_set_new(list, "has_rows", json_boolean(json_array_size(rows) > 0));
	json_object_set_new(list, "add_url", json_string(add));
	json_object_set_new(list, "audit_url", json_string(audit_url));
	json_object_set_new(list, "has_errors", json_boolean(json_object_size(errors) > 0));
	json_object_set_new(list, "errors", errors);
	return view_page(r, json_object_size(errors) ? 422 : 200, "acc/area_users", list);
}

/* --- add ---------------------------------------------------------------------------- */

static const struct field add_form[] = {
    {.name = "school_id", .label = "สถานศึกษา", .type = FT_INT, .flags = F_REQUIRED, .min = 1},
    {.name = "citizen_id",
     .label = "หมายเลขบัตรประชาชน",
     .type = FT_CITIZEN_ID,
     .flags = F_REQUIRED,
     .hint = "13 หลัก ตามบัตรประจำตัวประชาชน"},
    {.name = "title", .label = "ตำแหน่ง (คำนำหน้าชื่อ)", .type = FT_TEXT, .flags = F_REQUIRED, .max = 30},
    {.name = "first_name", .label = "ชื่อ", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},
    {.name = "last_name", .label = "นามสกุล", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},
    {.name = "email",
     .label = "Email",
     .type = FT_EMAIL,
     .flags = F_REQUIRED,
     .max = 254,
     .hint = "ระบบส่งลิงก์ตั้งรหัสผ่านไปที่อีเมลนี้ (ตั้งรหัสผ่านภายใน 1 ชั่วโมง) 1 USER = 1 EMAIL เท่านั้น"},
    {.name = "phone", .label = "หมายเลขโทรศัพท์", .type = FT_PHONE, .hint = "ไม่บังคับ เช่น 0812345678"},
    {.name = "staff_id", .label = "รหัสประจำตัว", .type = FT_TEXT, .max = 32},
    {.name = "personnel_type", .label = "ประเภทบุคลากร", .type = FT_TEXT, .flags = F_REQUIRED, .max = 32},
    {NULL},
};

static int add_page(struct req *r, long long aid, json_t *area, int status)
{
	struct err e = ERR_INIT;
	json_t *schools = school_options(req_db(r), aid, &e);
	if (!schools) {
		json_decref(area);
		return view_err(r, &e);
	}
	json_t *form = form_model(r, add_form, NULL);
	form_select(form, "school_id", schools, NULL);
	form_select(form, "title", title_options(), NULL);
	form_select(form, "personnel_type", personnel_options(), NULL);
	char action[64], back[64];
	snprintf(action, sizeof action, "/areas/%lld/users", aid);
	snprintf(back, sizeof back, "/areas/%lld/users", aid);
	json_t *m = json_pack("{s:o, s:o, s:o, s:s, s:s, s:b, s:s}", "page_title", area_title("เพิ่มแอดมิน SS. ของ", area),
			      "area", area, "form", form, "action", action, "back_url", back, "adding", 1,
			      "submit_label", "เพิ่มผู้ใช้และส่งลิงก์ตั้งรหัสผ่าน");
	return view_page(r, status, "acc/user_form", m);
}

static int add_get(struct req *r)
{
	json_t *area;
	long long aid = load_area(r, &area);
	return aid ? add_page(r, aid, area, 200) : 0;
}

static int add_post(struct req *r)
{
	json_t *area;
	long long aid = load_area(r, &area);
	if (!aid)
		return 0;
	if (!form_ok(r))
		return add_page(r, aid, area, 422);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	struct acc_user_new u = {
	    .citizen_id = form_value(r, "citizen_id"),
	    .email = form_value(r, "email"),
	    .title = form_value(r, "title"),
	    .first_name = form_value(r, "first_name"),
	    .last_name = form_value(r, "last_name"),
	    .phone = form_value(r, "phone"),
	    .staff_id = form_value(r, "staff_id"),
	    .personnel_type = form_value(r, "personnel_type"),
	};
	long long school = form_int(r, "school_id");
	/* a person whose account the area admin manages already (a teacher
	 * of a school of his area) gets the role on that account */
	long long attached = acc_admin_attach(db, u.citizen_id, school, aid, acc_user_id(r), &e);
	if (attached < 0) {
		if (e.status >= 500 || e.status == 0) {
			json_decref(area);
			return view_err(r, &e);
		}
		form_error_err(r, &e);
		return add_page(r, aid, area, e.status == 409 ? 409 : 422);
	}
	if (attached > 0) {
		acc_audit_in(r, db, aid, acc_user_id(r), "grant.add", "user", attached,
			     json_pack("{s:s, s:I, s:s}", "role", "school_admin", "school_id", (json_int_t)school, "via",
				       "user.add"));
		json_decref(area);
		char loc[96];
		snprintf(loc, sizeof loc, "/areas/%lld/users/%lld", aid, attached);
		return view_redirect(r, loc,
				     "บุคคลนี้มีบัญชีผู้ใช้อยู่แล้ว ระบบให้สิทธิ์แอดมินสถานศึกษาแก่บัญชีเดิม "
				     "อีเมลและรหัสผ่านของบัญชีไม่เปลี่ยน (ข้อมูลที่กรอกในแบบฟอร์มไม่ถูกใช้)");
	}
	long long id = acc_admin_add(db, &u, school, aid, acc_user_id(r), &e);
	if (id < 0) {
		if (e.status >= 500 || e.status == 0) {
			json_decref(area);
			return view_err(r, &e);
		}
		form_error_err(r, &e);
		return add_page(r, aid, area, e.status == 409 ? 409 : 422);
	}
	acc_audit_in(r, db, aid, acc_user_id(r), "user.add", "user", id,
		     json_pack("{s:s, s:I, s:s, s:s}", "email", u.email, "school_id", (json_int_t)school, "first_name",
			       u.first_name, "last_name", u.last_name));
	json_decref(area);
	char loc[96];
	snprintf(loc, sizeof loc, "/areas/%lld/users/%lld", aid, id);
	struct buf msg = BUF_INIT;
	buf_addf(&msg, "เพิ่มแอดมินสถานศึกษาแล้ว ระบบส่งลิงก์ตั้งรหัสผ่านไปที่ %s (ใช้ได้ภายใน 1 ชั่วโมง)", u.email);
	int rc = view_redirect(r, loc, buf_cstr(&msg));
	buf_release(&msg);
	return rc;
}

/* --- one user: view and edit ------------------------------------------------------------ */

static const struct field edit_form[] = {
    {.name = "title", .label = "ตำแหน่ง (คำนำหน้าชื่อ)", .type = FT_TEXT, .flags = F_REQUIRED, .max = 30},
    {.name = "first_name", .label = "ชื่อ", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},
    {.name = "last_name", .label = "นามสกุล", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},
    {.name = "email",
     .label = "Email",
     .type = FT_EMAIL,
     .flags = F_REQUIRED,
     .max = 254,
     .hint = "อีเมลที่ใช้ลงทะเบียน เปลี่ยนเป็นอีเมลใหม่ได้ 1 USER = 1 EMAIL เท่านั้น"},
    {.name = "phone", .label = "หมายเลขโทรศัพท์", .type = FT_PHONE},
    {.name = "staff_id", .label = "รหัสประจำตัว", .type = FT_TEXT, .max = 32},
    {.name = "personnel_type", .label = "ประเภทบุคลากร", .type = FT_TEXT, .max = 32},
    {NULL},
};

static int user_page(struct req *r, long long aid, json_t *area, json_t *u, int status)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long uid = json_integer_value(json_object_get(u, "id"));
	json_t *grants = db_rows_json(db,
				      "SELECT g.id, g.role, g.granted_at, g.revoked_at, s.name AS school_name "
				      "FROM grants g LEFT JOIN schools s ON s.id = g.school_id "
				      "WHERE g.user_id = $1 AND g.area_id = $2 ORDER BY g.id DESC LIMIT 50",
				      DB_ARGS(DB_INT(uid), DB_INT(aid)), &e);
	if (!grants) {
		json_decref(area);
		json_decref(u);
		return view_err(r, &e);
	}
	size_t i;
	json_t *x;
	json_array_foreach(grants, i, x)
	{
		const char *rl = acc_role_label(json_string_value(json_object_get(x, "role")));
		json_object_set_new(x, "role_label", json_string(rl ? rl : ""));
		struct buf t = BUF_INIT;
		thai_date_short(&t, json_integer_value(json_object_get(x, "granted_at")));
		json_object_set_new(x, "granted_at_text", json_string(buf_cstr(&t)));
		buf_reset(&t);
		json_t *rv = json_object_get(x, "revoked_at");
		if (json_is_integer(rv))
			thai_date_short(&t, json_integer_value(rv));
		json_object_set_new(x, "revoked_at_text",
				    rv && json_is_integer(rv) ? json_string(buf_cstr(&t)) : json_null());
		buf_release(&t);
	}
	decorate_user(u);
	user_urls(u, aid);
	json_t *form = form_model(r, edit_form, u);
	form_select(form, "title", title_options(), NULL);
	form_select(form, "personnel_type", personnel_options(), NULL);
	char back[64];
	snprintf(back, sizeof back, "/areas/%lld/users", aid);
	struct buf h = BUF_INIT; /* the username, URL-encoded */
	buf_addf(&h, "/areas/%lld/audit?user=", aid);
	buf_add_urlenc(&h, nz(json_string_value(json_object_get(u, "username"))));
	json_t *m = json_pack("{s:o, s:o, s:O, s:o, s:o, s:b, s:O, s:s, s:s, s:s}", "page_title",
			      json_string("แก้ไขข้อมูลผู้ใช้งาน"), "area", area, "account", u, "grants", grants, "form", form,
			      "adding", 0, "action", json_object_get(u, "url"), "back_url", back, "history_url",
			      buf_cstr(&h), "submit_label", "บันทึกข้อมูล (อัปเดตใหม่)");
	buf_release(&h);
	/* the edit form carries the version it was made from (issue 10.6) */
	json_object_set_new(m, "record_version", json_integer(json_integer_value(json_object_get(u, "version"))));
	json_decref(u);
	return view_page(r, status, "acc/user_form", m);
}

static int user_get(struct req *r)
{
	json_t *area;
	long long aid = load_area(r, &area);
	if (!aid)
		return 0;
	json_t *u = load_user(r, aid);
	if (!u) {
		json_decref(area);
		return 0;
	}
	/* the whole citizen ID is personal data read */
	acc_audit_in(r, req_db(r), aid, acc_user_id(r), "personal.read", "user",
		     json_integer_value(json_object_get(u, "id")), NULL);
	return user_page(r, aid, area, u, 200);
}

/* Tells the old and the new address that the sign-in e-mail changed. */
static int mail_email_changed(struct db *db, json_t *u, const char *old_email, const char *new_email, struct err *e)
{
	const char *to[] = {old_email, new_email};
	for (int i = 0; i < 2; i++) {
		json_t *m = json_pack("{s:O, s:s, s:s, s:s, s:b}", "display_name", json_object_get(u, "display_name"),
				      "old_email", old_email, "new_email", new_email, "base_url", mail_base_url(),
				      "to_old", i == 0);
		struct buf body = BUF_INIT;
		int rc = view_render_text("mail/useradmin_email_changed", m, &body, e);
		json_decref(m);
		if (rc == 0)
			rc = mail_queue(db, to[i], "แจ้งการเปลี่ยนอีเมลของบัญชีผู้ใช้ Khet", buf_cstr(&body), e);
		buf_release(&body);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int user_post(struct req *r)
{
	json_t *area;
	long long aid = load_area(r, &area);
	if (!aid)
		return 0;
	json_t *u = load_user(r, aid);
	if (!u) {
		json_decref(area);
		return 0;
	}
	if (!form_ok(r))
		return user_page(r, aid, area, u, 422);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long uid = json_integer_value(json_object_get(u, "id"));
	struct acc_user_edit ed = {
	    .title = form_value(r, "title"),
	    .first_name = form_value(r, "first_name"),
	    .last_name = form_value(r, "last_name"),
	    .email = form_value(r, "email"),
	    .phone = form_value(r, "phone"),
	    .staff_id = form_value(r, "staff_id"),
	    .personnel_type = form_value(r, "personnel_type"),
	    .version = form_version(r) > 0 ? form_version(r) : 0,
	};
	json_t *changes = NULL;
	if (acc_user_update(db, uid, &ed, &changes, &e) < 0) {
		if (e.status >= 500 || e.status == 0) {
			json_decref(area);
			json_decref(u);
			return view_err(r, &e);
		}
		if (e.status == 409 && !strcmp(e.field, ACC_STALE)) {
			/* changed since the page was opened: nothing was kept, and
			 * the form shows the account as it is now */
			json_decref(u);
			u = load_user(r, aid);
			if (!u) {
				json_decref(area);
				return 0;
			}
			long long at = json_integer_value(json_object_get(u, "updated_at"));
			form_stale(r, edit_form, u, at > 0 ? at : (long long)time(NULL), "บัญชีผู้ใช้");
			return user_page(r, aid, area, u, 409);
		}
		form_error_err(r, &e);
		return user_page(r, aid, area, u, e.status == 409 ? 409 : 422);
	}
	char loc[96];
	snprintf(loc, sizeof loc, "/areas/%lld/users/%lld", aid, uid);
	if (json_object_size(changes) == 0) {
		json_decref(changes);
		json_decref(area);
		json_decref(u);
		return view_redirect(r, loc, "ไม่มีข้อมูลที่เปลี่ยนแปลง");
	}
	json_t *em = json_object_get(changes, "email");
	if (em) {
		decorate_user(u);
		if (mail_email_changed(db, u, json_string_value(json_array_get(em, 0)),
				       json_string_value(json_array_get(em, 1)), &e) < 0) {
			json_decref(changes);
			json_decref(area);
			json_decref(u);
			return view_err(r, &e);
		}
	}
	acc_audit_in(r, db, aid, acc_user_id(r), "user.update", "user", uid, changes);
	json_decref(area);
	json_decref(u);
	return view_redirect(r, loc, "บันทึกข้อมูลผู้ใช้งานเรียบร้อยแล้ว");
}

/* --- confirm dialogs: cancel, reset password, reinstate --------------------------------- */

static const struct choice reason_choices[] = {
    {"moved", "ย้าย"}, {"resigned", "ลาออก"}, {"retired", "เกษียณ"}, {"other", "อื่น ๆ (ระบุในหมายเหตุ)"}, {NULL, NULL},
};

static const struct field cancel_form[] = {
    {.name = "reason", .label = "เหตุที่ยกเลิก", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = reason_choices},
    {.name = "note", .label = "หมายเหตุ", .type = FT_TEXT, .max = 200},
    {NULL},
};
static const struct field empty_form[] = {{NULL}};

enum confirm_kind { CONFIRM_CANCEL, CONFIRM_RESET, CONFIRM_REINSTATE };

static const struct confirm_text {
	const char *title, *question, *explain, *ok, *path;
	const struct field *form;
} confirm_texts[] = {
    [CONFIRM_CANCEL] = {"ยกเลิก User ผู้ใช้งาน", "ยกเลิก User ของ",
			"ผู้ใช้จะไม่สามารถใช้ Username และ Password เดิมเข้าสู่ระบบได้ทันที ผู้ที่เข้าระบบอยู่จะถูกออกจากระบบ "
			"และสิทธิ์แอดมินของสถานศึกษาจะว่างลง เพื่อเพิ่มแอดมินคนใหม่ได้",
			"ตกลง ยกเลิก User", "cancel", cancel_form},
    [CONFIRM_RESET] = {"Reset Password", "Reset password ของ",
		       "รหัสผ่านเดิมจะใช้ไม่ได้ทันทีและผู้ใช้จะถูกออกจากระบบ ระบบจะส่งลิงก์ตั้งรหัสผ่านใหม่ไปที่อีเมลของผู้ใช้ "
		       "ผู้ใช้ต้องตั้งรหัสผ่านใหม่ภายใน 1 ชั่วโมง",
		       "ตกลง", "reset", empty_form},
    [CONFIRM_REINSTATE] = {"คืนสิทธิ์ผู้ใช้งาน", "คืนสิทธิ์แอดมินสถานศึกษาให้",
			   "บัญชีจะกลับมาใช้งานได้ในฐานะแอดมินของสถานศึกษาเดิม รหัสผ่านเดิมใช้ไม่ได้ "
			   "ระบบจะส่งลิงก์ตั้งรหัสผ่านใหม่ไปที่อีเมลของผู้ใช้",
			   "ตกลง คืนสิทธิ์", "reinstate", empty_form},
};

static int confirm_page(struct req *r, enum confirm_kind k, long long aid, json_t *area, json_t *u, int status)
{
	const struct confirm_text *t = &confirm_texts[k];
	decorate_user(u);
	user_urls(u, aid);
	char action[96], back[64];
	snprintf(action, sizeof action, "/areas/%lld/users/%lld/%s", aid,
		 (long long)json_integer_value(json_object_get(u, "id")), t->path);
	snprintf(back, sizeof back, "/areas/%lld/users", aid);
	const char *question = t->question, *explain = t->explain, *ok = t->ok;
	json_t *others = json_array();
	if (k == CONFIRM_CANCEL) {
		/* the roles that keep the account alive: then only the school
		 * admin role ends (acc_admin_cancel) */
		struct err e = ERR_INIT;
		json_t *gs = acc_user_grants(req_db(r), json_integer_value(json_object_get(u, "id")), &e);
		if (!gs) {
			json_decref(others);
			json_decref(area);
			json_decref(u);
			return view_err(r, &e);
		}
		size_t i;
		json_t *g;
		json_array_foreach(gs, i, g)
		{
			if (strcmp(nz(json_string_value(json_object_get(g, "role"))), "school_admin") ||
			    json_integer_value(json_object_get(g, "area_id")) != aid)
				json_array_append(others, g);
		}
		json_decref(gs);
		if (json_array_size(others) > 0) {
			question = "ยกเลิกสิทธิ์แอดมินสถานศึกษาของ";
			explain = "ผู้ใช้นี้มีบทบาทอื่นในระบบด้วย (ตามรายการด้านล่าง) ระบบจะยกเลิกเฉพาะสิทธิ์แอดมินสถานศึกษา "
				  "เพื่อให้สถานศึกษาเพิ่มแอดมินคนใหม่ได้ แต่ไม่ยกเลิกทั้งบัญชี ผู้ใช้ยังเข้าสู่ระบบและใช้งานในบทบาทอื่นได้ตามเดิม";
			ok = "ตกลง ยกเลิกสิทธิ์แอดมินสถานศึกษา";
		}
	}
	json_t *m = json_pack("{s:s, s:o, s:O, s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:b}", "page_title", t->title, "area",
			      area, "account", u, "form", form_model(r, t->form, NULL), "question", question, "explain",
			      explain, "ok_label", ok, "action", action, "back_url", back, "other_roles", others,
			      "keeps_account", json_array_size(others) > 0);
	json_decref(u);
	return view_page(r, status, "acc/user_confirm", m);
}

/* Loads area and user for a confirm route; 0 when answered already. */
static long long confirm_load(struct req *r, json_t **area, json_t **u)
{
	long long aid = load_area(r, area);
	if (!aid)
		return 0;
	*u = load_user(r, aid);
	if (!*u) {
		json_decref(*area);
		return 0;
	}
	return aid;
}

static bool is_cancelled(json_t *u)
{
	return strcmp(nz(json_string_value(json_object_get(u, "status"))), "active") != 0;
}

/* A user in the wrong state for the action: back to his page with why. */
static int wrong_state(struct req *r, long long aid, json_t *area, json_t *u, const char *msg)
{
	form_error(r, "_form", msg);
	return user_page(r, aid, area, u, 409);
}

/* GET …/cancel, …/reset and …/reinstate: the route's data is the kind. */
static const enum confirm_kind confirm_cancel = CONFIRM_CANCEL, confirm_reset = CONFIRM_RESET,
			       confirm_reinstate = CONFIRM_REINSTATE;

static int confirm_get(struct req *r)
{
	const enum confirm_kind *k = req_route_data(r);
	assert(k);
	json_t *area, *u;
	long long aid = confirm_load(r, &area, &u);
	if (!aid)
		return 0;
	return confirm_page(r, *k, aid, area, u, 200);
}

static int cancel_post(struct req *r)
{
	json_t *area, *u;
	long long aid = confirm_load(r, &area, &u);
	if (!aid)
		return 0;
	if (is_cancelled(u))
		return wrong_state(r, aid, area, u, "ผู้ใช้นี้ถูกยกเลิกอยู่แล้ว");
	if (!form_ok(r))
		return confirm_page(r, CONFIRM_CANCEL, aid, area, u, 422);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long uid = json_integer_value(json_object_get(u, "id"));
	int ended = acc_admin_cancel(db, uid, aid, acc_user_id(r), &e);
	if (ended < 0) {
		json_decref(area);
		json_decref(u);
		return view_err(r, &e);
	}
	acc_audit_in(r, db, aid, acc_user_id(r), ended ? "user.cancel" : "grant.revoke", "user", uid,
		     json_pack("{s:s, s:s, s:s}", "role", "school_admin", "reason", form_value(r, "reason"), "note",
			       form_value(r, "note")));
	json_decref(area);
	json_decref(u);
	char loc[64];
	snprintf(loc, sizeof loc, "/areas/%lld/users?status=%s", aid, ended ? "cancelled" : "active");
	return view_redirect(r, loc,
			     ended ? "ยกเลิก User เรียบร้อยแล้ว ผู้ใช้เข้าสู่ระบบด้วย Username และ Password เดิมไม่ได้อีก"
				   : "ยกเลิกสิทธิ์แอดมินสถานศึกษาแล้ว บัญชีของผู้ใช้ยังใช้งานได้ในบทบาทอื่นที่มีอยู่ "
				     "(ไม่ได้ยกเลิกทั้งบัญชี)");
}

static int reset_post(struct req *r)
{
	json_t *area, *u;
	long long aid = confirm_load(r, &area, &u);
	if (!aid)
		return 0;
	if (is_cancelled(u))
		return wrong_state(r, aid, area, u, "บัญชีนี้ถูกยกเลิกแล้ว รีเซ็ตรหัสผ่านไม่ได้ หากต้องการให้ใช้งานต่อ ให้คืนสิทธิ์ก่อน");
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long uid = json_integer_value(json_object_get(u, "id"));
	if (acc_admin_reset_password(db, uid, &e) < 0) {
		json_decref(area);
		json_decref(u);
		return view_err(r, &e);
	}
	acc_audit_in(r, db, aid, acc_user_id(r), "user.reset_password", "user", uid, NULL);
	struct buf msg = BUF_INIT;
	buf_addf(&msg, "รีเซ็ตรหัสผ่านแล้ว ระบบส่งลิงก์ตั้งรหัสผ่านใหม่ไปที่ %s (ใช้ได้ภายใน 1 ชั่วโมง)",
		 nz(json_string_value(json_object_get(u, "email"))));
	char loc[96];
	snprintf(loc, sizeof loc, "/areas/%lld/users/%lld", aid, uid);
	json_decref(area);
	json_decref(u);
	int rc = view_redirect(r, loc, buf_cstr(&msg));
	buf_release(&msg);
	return rc;
}

static int reinstate_post(struct req *r)
{
	json_t *area, *u;
	long long aid = confirm_load(r, &area, &u);
	if (!aid)
		return 0;
	if (!is_cancelled(u))
		return wrong_state(r, aid, area, u, "ผู้ใช้นี้ยังใช้งานอยู่ ไม่ต้องคืนสิทธิ์");
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long uid = json_integer_value(json_object_get(u, "id"));
	long long school = acc_admin_reinstate(db, uid, aid, acc_user_id(r), &e);
	if (school < 0) {
		if (e.status == 409) {
			form_error_err(r, &e);
			return confirm_page(r, CONFIRM_REINSTATE, aid, area, u, 409);
		}
		json_decref(area);
		json_decref(u);
		return view_err(r, &e);
	}
	acc_audit_in(r, db, aid, acc_user_id(r), "user.reinstate", "user", uid,
		     json_pack("{s:I}", "school_id", (json_int_t)school));
	char loc[96];
	snprintf(loc, sizeof loc, "/areas/%lld/users/%lld", aid, uid);
	json_decref(area);
	json_decref(u);
	return view_redirect(r, loc, "คืนสิทธิ์เรียบร้อยแล้ว ระบบส่งลิงก์ตั้งรหัสผ่านใหม่ไปที่อีเมลของผู้ใช้");
}

#define AREA_ROLES "area_admin super_admin"

static const struct route routes[] = {
    {"GET", "/areas/:id/users", list_page, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/areas/:id/users/new", add_get, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"POST", "/areas/:id/users", add_post, add_form, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/areas/:id/users/:uid", user_get, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"POST", "/areas/:id/users/:uid", user_post, edit_form, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/areas/:id/users/:uid/cancel", confirm_get, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES, &confirm_cancel},
    {"POST", "/areas/:id/users/:uid/cancel", cancel_post, cancel_form, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/areas/:id/users/:uid/reset", confirm_get, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES, &confirm_reset},
    {"POST", "/areas/:id/users/:uid/reset", reset_post, empty_form, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/areas/:id/users/:uid/reinstate", confirm_get, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES,
     &confirm_reinstate},
    {"POST", "/areas/:id/users/:uid/reinstate", reinstate_post, empty_form, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_admin_routes = {"acc", routes};
