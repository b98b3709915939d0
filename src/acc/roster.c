/* roster: the annual roster of an area's school admins (ACC-7, seed 000).
 * At the start of each academic year the area office checks its admin
 * directory and, once, through one representative, says for every school
 * admin whether they stay (ยืนยัน) or go — moved, resigned or retired — and
 * asks for new ones. Here that is a draft (rosters row 'draft' with its
 * roster_decisions and roster_additions) which any area admin of the area
 * may edit, and a submission that applies it in the request's transaction
 * and turns the row to 'submitted', which nothing turns back: the year is
 * locked.
 *
 * Every write first takes the area's advisory lock (db_lock, LOCK_ROSTER +
 * area id) and then reads the row's status, so two representatives
 * submitting at once are serialised and the second one finds the year
 * locked — on PostgreSQL too, where READ COMMITTED would otherwise let both
 * read 'draft'. A refused second submission has written nothing, so the
 * handler may keep its audit row (req_commit_on_error).
 *
 * Cancelling revokes the school_admin grant; a user left with no role is
 * cancelled as a whole (acc_user_cancel: sign-in refused, sessions ended),
 * one who keeps another role (a homeroom teacher) keeps the account. A new
 * admin is the person's existing account when the citizen ID has one (one
 * person, one account, ACC-1), else a new account without a password, and
 * gets the set-password e-mail (ACC-8). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonx.h"
#include "acc/acc_internal.h"
#include "core/audit.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/export.h"
#include "core/form.h"
#include "core/log.h"
#include "core/num.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

/* db_lock key base of an area's roster ("roster" << 16, + area id). */
#define LOCK_ROSTER 0x726f737465720000LL
#define ADMINS_PER_PAGE 50
#define ADDITIONS_PER_PAGE 50

/* --- decisions -------------------------------------------------------------- */

static const struct choice decisions[] = {
    {"confirm", "ยืนยัน (ยังปฏิบัติงาน)"},
    {"moved", "ยกเลิก — ย้าย"},
    {"resigned", "ยกเลิก — ลาออก"},
    {"retired", "ยกเลิก — เกษียณ"},
    {NULL, NULL},
};

bool acc_roster_decision_valid(const char *d)
{
	return acc_roster_decision_label(d) != NULL;
}

const char *acc_roster_decision_label(const char *d)
{
	for (const struct choice *c = decisions; d && c->value; c++)
		if (!strcmp(c->value, d))
			return c->label;
	return NULL;
}

bool acc_roster_year_open(int year, long long now)
{
	int cur = thai_academic_year(now);
	return year == cur || year == cur + 1;
}

/* --- helpers ---------------------------------------------------------------- */

static void audit(struct db *db, const struct acc_roster_actor *by, long long area_id, const char *action,
		  const char *target_type, long long target_id, json_t *detail)
{
	struct audit_entry a = {
	    .actor_user_id = by ? by->user_id : 0,
	    .actor_role = by ? by->role : NULL,
	    .area_id = area_id,
	    .ip = by ? by->ip : NULL,
	    .action = action,
	    .target_type = target_type,
	    .target_id = target_id,
	    .detail = detail,
	};
	struct err e = ERR_INIT;
	if (audit_add(db, &a, &e) < 0)
		log_error("roster: audit %s: %s", action, e.msg);
	json_decref(detail);
}

/* "นายสมชาย ใจดี" from a row's title, first_name and last_name. */
static void set_display_name(json_t *row)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s%s %s", jstr(row, "title"), jstr(row, "first_name"), jstr(row, "last_name"));
	json_object_set_new(row, "display_name", json_string(buf_cstr(&b)));
	buf_release(&b);
}

/* A name quoted in a message, cut to NAME_CUT_CHARS characters with "…"
 * (struct err's msg holds 1024 bytes, and the message's instructions after
 * the name must stay; a name is up to 240 Thai letters, 720 bytes): on a
 * word boundary (thai_cut_words), or, when that keeps less than half (a
 * very long first name is one word), between letters, never before a
 * vowel or tone mark. Never half a Thai letter: jansson refuses text that
 * is not UTF-8. Into out, which the caller releases. */
#define NAME_CUT_CHARS 80
static bool thai_mark(const unsigned char *p)
{
	/* U+0E31, U+0E34–U+0E3A, U+0E47–U+0E4E: vowels and tone marks drawn
	 * on the letter before them */
	if (p[0] != 0xE0 || (p[1] != 0xB8 && p[1] != 0xB9))
		return false;
	unsigned cp = 0x0E00 + ((p[1] & 0x3Fu) << 6) + (p[2] & 0x3Fu);
	return cp == 0x0E31 || (cp >= 0x0E34 && cp <= 0x0E3A) || (cp >= 0x0E47 && cp <= 0x0E4E);
}

static const char *cut(struct buf *out, const char *s)
{
	s = s ? s : "";
	size_t keep = thai_cut_words(s, NAME_CUT_CHARS), kept = 0;
	for (size_t i = 0; i < keep; i++)
		kept += ((unsigned char)s[i] & 0xC0) != 0x80;
	if (s[keep] && kept < NAME_CUT_CHARS / 2) {
		/* one long word (a first name has no spaces inside): the word
		 * cut would leave little more than the title, so cut by
		 * letters, never between a letter and its marks */
		size_t n = 0, chars = 0;
		while (s[n] && chars < NAME_CUT_CHARS) {
			n++;
			while (((unsigned char)s[n] & 0xC0) == 0x80)
				n++;
			chars++;
		}
		while (n > 0 && s[n] && thai_mark((const unsigned char *)s + n)) {
			n--;
			while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
				n--;
		}
		keep = n;
	}
	buf_add(out, s, keep);
	if (s[keep])
		buf_adds(out, "…");
	return buf_cstr(out);
}

struct roster_row {
	long long id;
	bool submitted;
	long long submitted_at;
	long long submitted_by;
};

/* Reads the roster of (area, year): 1 and fills *out, 0 when none, -1. */
static int roster_find(struct db *db, long long area_id, int year, struct roster_row *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct db_res *res;
	if (db_query(db,
		     "SELECT r.id, r.status, r.submitted_at, r.submitted_by "
		     "FROM rosters r WHERE r.area_id = $1 AND r.academic_year = $2",
		     DB_ARGS(DB_INT(area_id), DB_INT(year)), &res, e) < 0)
		return -1;
	int rc = db_next(res, e);
	if (rc == 1) {
		out->id = db_int(res, 0);
		out->submitted = !strcmp(db_text(res, 1), "submitted");
		out->submitted_at = db_isnull(res, 2) ? 0 : db_int(res, 2);
		out->submitted_by = db_isnull(res, 3) ? 0 : db_int(res, 3);
	}
	db_res_free(res);
	return rc;
}

/* Appends the name of who submitted roster r (up to 240 Thai letters, so
 * a growable buffer, never a fixed array). */
static int submitter_name(struct db *db, const struct roster_row *r, struct buf *out, struct err *e)
{
	struct db_res *res;
	if (db_query(db, "SELECT title, first_name, last_name FROM users WHERE id = $1",
		     DB_ARGS(DB_INT(r->submitted_by)), &res, e) < 0)
		return -1;
	int rc = db_next(res, e);
	if (rc == 1)
		buf_addf(out, "%s%s %s", db_text(res, 0), db_text(res, 1), db_text(res, 2));
	db_res_free(res);
	return rc < 0 ? -1 : 0;
}

/* The same as a JSON string for a page (null while not submitted). */
static json_t *submitter_json(struct db *db, const struct roster_row *r)
{
	if (!r->submitted)
		return json_null();
	struct buf name = BUF_INIT;
	struct err e = ERR_INIT;
	if (submitter_name(db, r, &name, &e) < 0)
		log_error("roster %lld: submitter: %s", r->id, e.msg);
	json_t *j = json_string(buf_cstr(&name));
	buf_release(&name);
	return j;
}

/* The 409 of a locked year, naming who submitted it and when. */
static int locked(struct db *db, struct err *e, int year, const struct roster_row *r)
{
	struct buf when = BUF_INIT, who = BUF_INIT, name = BUF_INIT;
	if (submitter_name(db, r, &who, e) < 0)
		return -1;
	thai_datetime_short(&when, r->submitted_at);
	err_set(e, 409,
		"รายชื่อแอดมินประจำปีการศึกษา %d ของเขตพื้นที่นี้ส่งแล้วโดย %s เมื่อ %s จึงถูกล็อกไว้ "
		"ส่งหรือแก้ไขซ้ำไม่ได้ การเปลี่ยนแปลงระหว่างปีให้ทำที่หน้าจัดการผู้ใช้งาน",
		year, cut(&name, buf_cstr(&who)), buf_cstr(&when));
	buf_release(&when);
	buf_release(&who);
	buf_release(&name);
	return -1;
}

static int year_check(int year, struct err *e)
{
	long long now = (long long)time(NULL);
	if (acc_roster_year_open(year, now))
		return 0;
	int cur = thai_academic_year(now);
	return err_field(e, "year", "ส่งรายชื่อแอดมินได้เฉพาะปีการศึกษา %d หรือ %d กรุณาเลือกปีการศึกษาใหม่", cur, cur + 1);
}

/* The draft of (area, year) under the area's lock, made on first use;
 * 409 when the year is locked. Returns its id. */
static long long draft_get(struct db *db, long long area_id, int year, long long by, struct err *e)
{
	if (year_check(year, e) < 0)
		return -1;
	if (db_lock(db, LOCK_ROSTER + area_id, e) < 0)
		return -1;
	struct roster_row r;
	int rc = roster_find(db, area_id, year, &r, e);
	if (rc < 0)
		return -1;
	long long now = (long long)time(NULL);
	if (rc == 1) {
		if (r.submitted)
			return locked(db, e, year, &r);
		if (db_exec(db, "UPDATE rosters SET updated_at = $2, updated_by = $3 WHERE id = $1",
			    DB_ARGS(DB_INT(r.id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL), e) < 0)
			return -1;
		return r.id;
	}
	long long id = 0;
	rc = db_int_value(db,
			  "INSERT INTO rosters (area_id, academic_year, status, created_at, updated_at, updated_by) "
			  "VALUES ($1, $2, 'draft', $3, $3, $4) RETURNING id",
			  DB_ARGS(DB_INT(area_id), DB_INT(year), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL), &id, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, 500, "roster: insert returned no id");
	return id;
}

/* The paging numbers of a list. */
static void paging(long long total, int per_page, int *page, long long *pages, long long *offset)
{
	*pages = total ? (total + per_page - 1) / per_page : 1;
	if (*page < 1)
		*page = 1;
	if (*page > *pages)
		*page = (int)*pages;
	*offset = (long long)(*page - 1) * per_page;
}

static json_t *page_obj(json_t *rows, long long total, int page, long long pages)
{
	bool has_rows = json_array_size(rows) > 0;
	return json_pack("{s:o, s:b, s:I, s:i, s:I, s:b, s:b, s:b, s:i, s:i}", "rows", rows, "has_rows", has_rows,
			 "total", (json_int_t)total, "page", page, "pages", (json_int_t)pages, "has_pager", pages > 1,
			 "has_prev", page > 1, "has_next", page < pages, "prev", page - 1, "next", page + 1);
}

/* --- reading ---------------------------------------------------------------- */

static const char sql_draft_admins[] =
    "SELECT g.id AS grant_id, u.id AS user_id, u.title, u.first_name, u.last_name, u.username, "
    "s.id AS school_id, s.name AS school_name, s.obec_code, d.decision "
    "FROM grants g JOIN users u ON u.id = g.user_id JOIN schools s ON s.id = g.school_id "
    "LEFT JOIN roster_decisions d ON d.roster_id = $2 AND d.grant_id = g.id "
    "WHERE g.area_id = $1 AND g.role = 'school_admin' AND g.revoked_at IS NULL "
    "ORDER BY s.name COLLATE thai, g.id LIMIT $3 OFFSET $4";

static const char sql_submitted_admins[] =
    "SELECT d.grant_id, u.id AS user_id, u.title, u.first_name, u.last_name, u.username, "
    "s.id AS school_id, s.name AS school_name, s.obec_code, d.decision "
    "FROM roster_decisions d JOIN users u ON u.id = d.user_id LEFT JOIN schools s ON s.id = d.school_id "
    "WHERE d.roster_id = $1 "
    "ORDER BY s.name COLLATE thai, d.grant_id LIMIT $2 OFFSET $3";

/* Counts of the draft: active admins, those without a decision, confirm
 * and cancel among the active ones, additions. */
static int draft_counts(struct db *db, long long area_id, long long roster_id, long long c[5], struct err *e)
{
	struct db_res *res;
	if (db_query(db,
		     "SELECT COUNT(*), "
		     "COALESCE(SUM(CASE WHEN d.decision IS NULL THEN 1 ELSE 0 END), 0), "
		     "COALESCE(SUM(CASE WHEN d.decision = 'confirm' THEN 1 ELSE 0 END), 0), "
		     "COALESCE(SUM(CASE WHEN d.decision IS NOT NULL AND d.decision <> 'confirm' THEN 1 ELSE 0 END), 0) "
		     "FROM grants g LEFT JOIN roster_decisions d ON d.roster_id = $2 AND d.grant_id = g.id "
		     "WHERE g.area_id = $1 AND g.role = 'school_admin' AND g.revoked_at IS NULL",
		     DB_ARGS(DB_INT(area_id), DB_INT(roster_id)), &res, e) < 0)
		return -1;
	int rc = db_next(res, e);
	for (int i = 0; i < 4; i++)
		c[i] = rc == 1 ? db_int(res, i) : 0;
	db_res_free(res);
	if (rc < 0)
		return -1;
	rc = db_int_value(db, "SELECT COUNT(*) FROM roster_additions WHERE roster_id = $1", DB_ARGS(DB_INT(roster_id)),
			  &c[4], e);
	return rc < 0 ? -1 : 0;
}

json_t *acc_roster_get(struct db *db, long long area_id, int year, int page, int additions_page, struct err *e)
{
	struct roster_row r;
	int found = roster_find(db, area_id, year, &r, e);
	if (found < 0)
		return NULL;
	long long c[5] = {0, 0, 0, 0, 0};
	if (found && r.submitted) {
		struct db_res *res;
		if (db_query(
			db,
			"SELECT confirmed_count + cancelled_count, 0, confirmed_count, cancelled_count, added_count "
			"FROM rosters WHERE id = $1",
			DB_ARGS(DB_INT(r.id)), &res, e) < 0)
			return NULL;
		int rc = db_next(res, e);
		for (int i = 0; rc == 1 && i < 5; i++)
			c[i] = db_int(res, i);
		db_res_free(res);
		if (rc < 0)
			return NULL;
	} else if (draft_counts(db, area_id, r.id, c, e) < 0) {
		return NULL;
	}
	long long pages, offset;
	/* page 0: every row of both lists on one page (the export) */
	bool all = page == 0;
	int per = all ? (c[0] > 0 && c[0] < INT_MAX ? (int)c[0] : 1) : ADMINS_PER_PAGE;
	int aper = all ? (c[4] > 0 && c[4] < INT_MAX ? (int)c[4] : 1) : ADDITIONS_PER_PAGE;
	if (all)
		page = additions_page = 1;
	paging(c[0], per, &page, &pages, &offset);
	json_t *admins =
	    r.submitted ? db_rows_json(db, sql_submitted_admins, DB_ARGS(DB_INT(r.id), DB_INT(per), DB_INT(offset)), e)
			: db_rows_json(db, sql_draft_admins,
				       DB_ARGS(DB_INT(area_id), DB_INT(r.id), DB_INT(per), DB_INT(offset)), e);
	if (!admins)
		return NULL;
	size_t i;
	json_t *x;
	json_array_foreach(admins, i, x)
	{
		set_display_name(x);
		const char *d = json_string_value(json_object_get(x, "decision"));
		const char *label = acc_roster_decision_label(d);
		json_object_set_new(x, "decision_label", label ? json_string(label) : json_null());
		json_object_set_new(x, "cancelled", json_boolean(d && strcmp(d, "confirm") != 0));
	}
	long long apages, aoffset;
	paging(c[4], aper, &additions_page, &apages, &aoffset);
	json_t *adds =
	    db_rows_json(db,
			 "SELECT a.id, a.citizen_id, a.title, a.first_name, a.last_name, a.email, a.phone, a.staff_id, "
			 "a.personnel_type, a.school_id, s.name AS school_name, s.obec_code, a.user_id, a.grant_id, "
			 "x.id AS existing_user_id "
			 "FROM roster_additions a JOIN schools s ON s.id = a.school_id "
			 "LEFT JOIN users x ON x.citizen_id = a.citizen_id "
			 "WHERE a.roster_id = $1 ORDER BY a.id LIMIT $2 OFFSET $3",
			 DB_ARGS(DB_INT(r.id), DB_INT(aper), DB_INT(aoffset)), e);
	if (!adds) {
		json_decref(admins);
		return NULL;
	}
	json_array_foreach(adds, i, x)
	{
		set_display_name(x);
		struct buf b = BUF_INIT;
		thai_citizen_id_mask(jstr(x, "citizen_id"), &b);
		json_object_set_new(x, "citizen_id_masked", json_string(buf_cstr(&b)));
		buf_release(&b);
		json_object_del(x, "citizen_id");
		const char *pt = jstr(x, "personnel_type");
		const char *ptl = "";
		for (const struct acc_personnel_type *t = acc_personnel_types; t->value; t++)
			if (!strcmp(t->value, pt))
				ptl = t->label;
		json_object_set_new(x, "personnel_type_label", json_string(ptl));
		/* an existing account found by citizen ID is reused, not copied */
		json_object_set_new(
		    x, "existing_account",
		    json_boolean(json_integer_value(json_object_get(x, "existing_user_id")) > 0 && !r.submitted));
		json_object_del(x, "existing_user_id");
	}
	struct buf when = BUF_INIT;
	if (r.submitted)
		thai_datetime_short(&when, r.submitted_at);
	json_t *m = json_pack(
	    "{s:I, s:i, s:s, s:b, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:o}", "area_id",
	    (json_int_t)area_id, "year", year, "status",
	    !found	  ? "none"
	    : r.submitted ? "submitted"
			  : "draft",
	    "locked", r.submitted, "submitted_by_name", submitter_json(db, &r), "submitted_at",
	    r.submitted ? json_integer(r.submitted_at) : json_null(), "submitted_at_text",
	    r.submitted ? json_string(buf_cstr(&when)) : json_null(), "counts", "admins", (json_int_t)c[0], "undecided",
	    (json_int_t)c[1], "confirm", (json_int_t)c[2], "cancel", (json_int_t)c[3], "added", (json_int_t)c[4],
	    "admins", page_obj(admins, c[0], page, pages), "additions", page_obj(adds, c[4], additions_page, apages));
	buf_release(&when);
	return m;
}

/* --- the draft -------------------------------------------------------------- */

int acc_roster_decide(struct db *db, long long area_id, int year, long long grant_id, const char *decision,
		      const struct acc_roster_actor *by, struct err *e)
{
	decision = nz(decision);
	if (*decision && !acc_roster_decision_valid(decision))
		return err_field(e, "choice", "สถานะที่เลือกไม่ถูกต้อง ให้เลือก ยืนยัน หรือ ยกเลิก (ย้าย ลาออก เกษียณ)");
	struct db_res *res;
	if (db_query(db,
		     "SELECT user_id, school_id FROM grants "
		     "WHERE id = $1 AND area_id = $2 AND role = 'school_admin' AND revoked_at IS NULL",
		     DB_ARGS(DB_INT(grant_id), DB_INT(area_id)), &res, e) < 0)
		return -1;
	int rc = db_next(res, e);
	long long user_id = rc == 1 ? db_int(res, 0) : 0, school_id = rc == 1 ? db_int(res, 1) : 0;
	db_res_free(res);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_field(e, "choice",
				 "ไม่พบแอดมินสถานศึกษารหัส %lld ในเขตพื้นที่นี้ (อาจถูกยกเลิกไปแล้ว) กรุณาโหลดหน้าใหม่แล้วเลือกอีกครั้ง",
				 grant_id);
	long long roster = draft_get(db, area_id, year, by ? by->user_id : 0, e);
	if (roster < 0)
		return -1;
	if (!*decision || !strcmp(decision, "confirm")) {
		/* a new admin already asked for this school needs this one gone */
		long long one = 0;
		rc = db_int_value(db, "SELECT 1 FROM roster_additions WHERE roster_id = $1 AND school_id = $2",
				  DB_ARGS(DB_INT(roster), DB_INT(school_id)), &one, e);
		if (rc < 0)
			return -1;
		if (rc == 1)
			return err_field(e, "choice",
					 "โรงเรียนของแอดมินรหัส %lld มีรายการขอเพิ่มแอดมินใหม่แล้ว 1 โรงเรียนมีแอดมินได้ 1 คน "
					 "กรุณาเลือกยกเลิกแอดมินเดิม หรือลบรายการขอเพิ่มก่อน",
					 grant_id);
	}
	long long now = (long long)time(NULL);
	if (!*decision)
		return db_exec(db, "DELETE FROM roster_decisions WHERE roster_id = $1 AND grant_id = $2",
			       DB_ARGS(DB_INT(roster), DB_INT(grant_id)), e) < 0
			   ? -1
			   : 0;
	return db_exec(db,
		       "INSERT INTO roster_decisions (roster_id, grant_id, user_id, school_id, decision, decided_at, "
		       "decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7) "
		       "ON CONFLICT (roster_id, grant_id) DO UPDATE SET decision = excluded.decision, "
		       "decided_at = excluded.decided_at, decided_by = excluded.decided_by",
		       DB_ARGS(DB_INT(roster), DB_INT(grant_id), DB_INT(user_id), DB_INT(school_id), DB_TEXT(decision),
			       DB_INT(now), by && by->user_id > 0 ? DB_INT(by->user_id) : DB_NULL),
		       e) < 0
		   ? -1
		   : 0;
}

long long acc_roster_add(struct db *db, long long area_id, int year, const struct acc_roster_addition *a,
			 const struct acc_roster_actor *by, struct err *e)
{
	char cid[14];
	if (!*nz(a->citizen_id))
		return err_field(e, "citizen_id", "กรุณากรอกเลขประจำตัวประชาชน");
	if (thai_citizen_id_check(a->citizen_id, e) < 0 || thai_citizen_id_normalize(a->citizen_id, cid) < 0)
		return e->status ? -1 : err_field(e, "citizen_id", "เลขประจำตัวประชาชนไม่ถูกต้อง");
	struct buf email = BUF_INIT;
	for (const char *p = nz(a->email); *p; p++)
		buf_addc(&email, (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p);
	struct acc_user_new u = {
	    .citizen_id = cid,
	    .email = buf_cstr(&email),
	    .title = a->title,
	    .first_name = a->first_name,
	    .last_name = a->last_name,
	    .phone = a->phone,
	    .staff_id = a->staff_id,
	    .personnel_type = a->personnel_type,
	};
	long long id = -1, one = 0, school_area = 0;
	int rc;
	if (acc_user_validate(&u, e) < 0)
		goto out;
	if (a->school_id <= 0) {
		err_field(e, "school_id", "กรุณาเลือกสถานศึกษาที่แอดมินใหม่ดูแล");
		goto out;
	}
	rc = db_int_value(db, "SELECT area_id FROM schools WHERE id = $1", DB_ARGS(DB_INT(a->school_id)), &school_area,
			  e);
	if (rc < 0)
		goto out;
	if (rc == 0 || school_area != area_id) {
		err_field(e, "school_id", "ไม่พบสถานศึกษาที่เลือกในเขตพื้นที่นี้ กรุณาเลือกจากรายการ");
		goto out;
	}
	long long roster = draft_get(db, area_id, year, by ? by->user_id : 0, e);
	if (roster < 0)
		goto out;
	/* the person's account, if any: reused, never a second one */
	struct db_res *res;
	if (db_query(db, "SELECT id, status FROM users WHERE citizen_id = $1", DB_ARGS(DB_TEXT(cid)), &res, e) < 0)
		goto out;
	rc = db_next(res, e);
	long long existing = rc == 1 ? db_int(res, 0) : 0;
	bool cancelled = rc == 1 && strcmp(db_text(res, 1), "active") != 0;
	db_res_free(res);
	if (rc < 0)
		goto out;
	if (cancelled) {
		err_set(e, 409,
			"บุคคลนี้มีบัญชีที่ถูกยกเลิกไปแล้ว 1 คนมีได้ 1 บัญชี จึงสร้างบัญชีใหม่ไม่ได้ "
			"กรุณาเปิดใช้บัญชีเดิมที่หน้าจัดการผู้ใช้งานก่อน");
		snprintf(e->field, sizeof e->field, "citizen_id");
		goto out;
	}
	if (existing) {
		rc =
		    db_int_value(db,
				 "SELECT 1 FROM grants WHERE user_id = $1 AND school_id = $2 AND role = 'school_admin' "
				 "AND revoked_at IS NULL",
				 DB_ARGS(DB_INT(existing), DB_INT(a->school_id)), &one, e);
		if (rc < 0)
			goto out;
		if (rc == 1) {
			err_set(e, 409, "บุคคลนี้เป็นแอดมินของสถานศึกษานี้อยู่แล้ว ให้เลือก ยืนยัน ในรายชื่อแทนการเพิ่มใหม่");
			snprintf(e->field, sizeof e->field, "citizen_id");
			goto out;
		}
	} else {
		rc = db_int_value(db, "SELECT 1 FROM users WHERE email = $1", DB_ARGS(DB_TEXT(u.email)), &one, e);
		if (rc < 0)
			goto out;
		if (rc == 1) {
			err_set(e, 409, "อีเมลนี้ใช้กับบัญชีอื่นแล้ว 1 บัญชีใช้ได้ 1 อีเมล กรุณาใช้อีเมลอื่นของแอดมินใหม่");
			snprintf(e->field, sizeof e->field, "email");
			goto out;
		}
	}
	rc = db_int_value(db, "SELECT 1 FROM roster_additions WHERE roster_id = $1 AND citizen_id = $2",
			  DB_ARGS(DB_INT(roster), DB_TEXT(cid)), &one, e);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		err_set(e, 409, "เลขประจำตัวประชาชนนี้อยู่ในรายการขอเพิ่มของปีนี้แล้ว");
		snprintf(e->field, sizeof e->field, "citizen_id");
		goto out;
	}
	if (!existing) {
		rc = db_int_value(db, "SELECT 1 FROM roster_additions WHERE roster_id = $1 AND email = $2",
				  DB_ARGS(DB_INT(roster), DB_TEXT(u.email)), &one, e);
		if (rc < 0)
			goto out;
		if (rc == 1) {
			err_set(e, 409, "อีเมลนี้อยู่ในรายการขอเพิ่มของปีนี้แล้ว 1 บัญชีใช้ได้ 1 อีเมล กรุณาใช้อีเมลอื่น");
			snprintf(e->field, sizeof e->field, "email");
			goto out;
		}
	}
	rc = db_int_value(db, "SELECT 1 FROM roster_additions WHERE roster_id = $1 AND school_id = $2",
			  DB_ARGS(DB_INT(roster), DB_INT(a->school_id)), &one, e);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		err_set(e, 409, "สถานศึกษานี้มีรายการขอเพิ่มแอดมินใหม่ในปีนี้แล้ว 1 โรงเรียนมีแอดมินได้ 1 คน");
		snprintf(e->field, sizeof e->field, "school_id");
		goto out;
	}
	/* the school's present admin must be cancelled in this draft first */
	if (db_query(db,
		     "SELECT u.title, u.first_name, u.last_name FROM grants g JOIN users u ON u.id = g.user_id "
		     "WHERE g.school_id = $1 AND g.role = 'school_admin' AND g.revoked_at IS NULL AND NOT EXISTS "
		     "(SELECT 1 FROM roster_decisions d WHERE d.roster_id = $2 AND d.grant_id = g.id "
		     "AND d.decision <> 'confirm') ORDER BY g.id LIMIT 1",
		     DB_ARGS(DB_INT(a->school_id), DB_INT(roster)), &res, e) < 0)
		goto out;
	rc = db_next(res, e);
	if (rc == 1) {
		struct buf who = BUF_INIT, name = BUF_INIT;
		buf_addf(&who, "%s%s %s", db_text(res, 0), db_text(res, 1), db_text(res, 2));
		err_set(e, 409,
			"สถานศึกษานี้มีแอดมินอยู่แล้ว (%s) 1 โรงเรียนมีแอดมินได้ 1 คน "
			"กรุณาเลือกยกเลิกแอดมินเดิมในรายชื่อและบันทึกก่อน แล้วจึงเพิ่มแอดมินใหม่",
			cut(&name, buf_cstr(&who)));
		buf_release(&who);
		buf_release(&name);
		snprintf(e->field, sizeof e->field, "school_id");
	}
	db_res_free(res);
	if (rc != 0)
		goto out;
	long long now = (long long)time(NULL);
	rc = db_int_value(
	    db,
	    "INSERT INTO roster_additions (roster_id, citizen_id, title, first_name, last_name, email, phone, "
	    "staff_id, personnel_type, school_id, created_at, created_by) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
	    DB_ARGS(DB_INT(roster), DB_TEXT(cid), DB_TEXT(nz(a->title)), DB_TEXT(nz(a->first_name)),
		    DB_TEXT(nz(a->last_name)), DB_TEXT(u.email), DB_TEXT(nz(a->phone)), DB_TEXT(nz(a->staff_id)),
		    DB_TEXT(nz(a->personnel_type)), DB_INT(a->school_id), DB_INT(now),
		    by && by->user_id > 0 ? DB_INT(by->user_id) : DB_NULL),
	    &id, e);
	if (rc <= 0) {
		id = -1;
		if (rc == 0)
			err_set(e, 500, "roster: insert returned no id");
	}
out:
	buf_release(&email);
	return id;
}

int acc_roster_remove(struct db *db, long long area_id, int year, long long addition_id,
		      const struct acc_roster_actor *by, struct err *e)
{
	long long roster = draft_get(db, area_id, year, by ? by->user_id : 0, e);
	if (roster < 0)
		return -1;
	long long n = db_exec(db, "DELETE FROM roster_additions WHERE id = $1 AND roster_id = $2",
			      DB_ARGS(DB_INT(addition_id), DB_INT(roster)), e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 404, "ไม่พบรายการขอเพิ่มแอดมินนี้ในร่างของปีการศึกษา %d", year);
	audit(db, by, area_id, "roster.draft_remove", "roster", roster,
	      json_pack("{s:i, s:I}", "year", year, "addition_id", (json_int_t)addition_id));
	return 0;
}

/* --- submission ------------------------------------------------------------- */

/* Cancels one admin: the grant revoked, and the account too when the user
 * holds no other role (sign-in refused, sessions ended). */
static int apply_cancel(struct db *db, long long area_id, json_t *d, const struct acc_roster_actor *by, struct err *e)
{
	long long grant = json_integer_value(json_object_get(d, "grant_id"));
	long long user = json_integer_value(json_object_get(d, "user_id"));
	long long actor = by ? by->user_id : 0;
	if (acc_grant_revoke(db, grant, actor, e) < 0)
		return -1;
	long long others = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM grants WHERE user_id = $1 AND revoked_at IS NULL",
			 DB_ARGS(DB_INT(user)), &others, e) < 0)
		return -1;
	if (others == 0 && acc_user_cancel(db, user, actor, e) < 0)
		return -1;
	audit(db, by, area_id, "grant.revoke", "grant", grant, json_pack("{s:s}", "via", "roster"));
	if (others == 0)
		audit(db, by, area_id, "user.cancel", "user", user,
		      json_pack("{s:s, s:s}", "via", "roster", "reason", jstr(d, "decision")));
	return 0;
}

/* Says in e which of the additions failed ("เพิ่ม <who> ไม่ได้: …"), unless
 * it is a server error. */
static void name_addition(struct err *e, const char *who)
{
	char msg[sizeof e->msg];
	snprintf(msg, sizeof msg, "%s", e->msg);
	if (e->status != 500) {
		struct buf name = BUF_INIT;
		err_set(e, e->status, "เพิ่ม %s ไม่ได้: %s", cut(&name, who), msg);
		buf_release(&name);
	}
}

/* Adds one new admin: the account (found or created), the grant, the
 * set-password e-mail for an account without a password. */
static int apply_addition(struct db *db, long long area_id, json_t *a, const struct acc_roster_actor *by, struct err *e)
{
	long long actor = by ? by->user_id : 0;
	long long user = 0;
	const char *cid = jstr(a, "citizen_id");
	struct db_res *res;
	if (db_query(db, "SELECT id, status, password_hash FROM users WHERE citizen_id = $1", DB_ARGS(DB_TEXT(cid)),
		     &res, e) < 0)
		return -1;
	int rc = db_next(res, e);
	bool cancelled = false, has_password = false;
	if (rc == 1) {
		user = db_int(res, 0);
		cancelled = strcmp(db_text(res, 1), "active") != 0;
		has_password = *db_text(res, 2) != 0;
	}
	db_res_free(res);
	if (rc < 0)
		return -1;
	struct buf who = BUF_INIT;
	buf_addf(&who, "%s%s %s", jstr(a, "title"), jstr(a, "first_name"), jstr(a, "last_name"));
	if (cancelled) {
		struct buf name = BUF_INIT;
		err_set(e, 409, "บัญชีของ %s ถูกยกเลิกไปแล้ว กรุณาเปิดใช้บัญชีเดิมก่อน หรือลบรายการขอเพิ่มนี้",
			cut(&name, buf_cstr(&who)));
		buf_release(&name);
		buf_release(&who);
		return -1;
	}
	if (user) {
		/* an account in use elsewhere only gets the role: no link goes
		 * out, its owner signs in with his own password */
		long long outside = 0;
		if (db_int_value(db,
				 "SELECT COUNT(*) FROM grants WHERE user_id = $1 AND revoked_at IS NULL "
				 "AND (school_id IS NULL OR school_id <> $2)",
				 DB_ARGS(DB_INT(user), DB_INT(json_integer_value(json_object_get(a, "school_id")))),
				 &outside, e) < 0) {
			buf_release(&who);
			return -1;
		}
		if (outside > 0)
			has_password = true;
	}
	bool created = false;
	if (!user) {
		struct acc_user_new u = {
		    .citizen_id = cid,
		    .email = jstr(a, "email"),
		    .title = jstr(a, "title"),
		    .first_name = jstr(a, "first_name"),
		    .last_name = jstr(a, "last_name"),
		    .phone = jstr(a, "phone"),
		    .staff_id = jstr(a, "staff_id"),
		    .personnel_type = jstr(a, "personnel_type"),
		};
		user = acc_user_create(db, &u, e);
		if (user < 0) {
			name_addition(e, buf_cstr(&who));
			buf_release(&who);
			return -1;
		}
		created = true;
	}
	long long grant = acc_grant_add(db, user, "school_admin", area_id,
					json_integer_value(json_object_get(a, "school_id")), NULL, actor, e);
	if (grant < 0) {
		name_addition(e, buf_cstr(&who));
		buf_release(&who);
		return -1;
	}
	buf_release(&who);
	if (db_exec(db, "UPDATE roster_additions SET user_id = $2, grant_id = $3 WHERE id = $1",
		    DB_ARGS(DB_INT(json_integer_value(json_object_get(a, "id"))), DB_INT(user), DB_INT(grant)), e) < 0)
		return -1;
	if (created)
		audit(db, by, area_id, "user.create", "user", user, json_pack("{s:s}", "via", "roster"));
	audit(db, by, area_id, "grant.add", "grant", grant,
	      json_pack("{s:s, s:s, s:I, s:I}", "via", "roster", "role", "school_admin", "user_id", (json_int_t)user,
			"school_id", (json_int_t)json_integer_value(json_object_get(a, "school_id"))));
	if (!has_password && acc_setpw_link_send(db, user, "new", e) < 0)
		return -1;
	return 0;
}

int acc_roster_submit(struct db *db, long long area_id, int year, const struct acc_roster_actor *by, struct err *e)
{
	if (db_lock(db, LOCK_ROSTER + area_id, e) < 0)
		return -1;
	struct roster_row r;
	int rc = roster_find(db, area_id, year, &r, e);
	if (rc < 0)
		return -1;
	/* locked first: a refused second submission writes nothing */
	if (rc == 1 && r.submitted)
		return locked(db, e, year, &r);
	long long roster = draft_get(db, area_id, year, by ? by->user_id : 0, e);
	if (roster < 0)
		return -1;
	long long c[5];
	if (draft_counts(db, area_id, roster, c, e) < 0)
		return -1;
	if (c[1] > 0) {
		struct db_res *res;
		if (db_query(db,
			     "SELECT u.title, u.first_name, u.last_name, s.name FROM grants g "
			     "JOIN users u ON u.id = g.user_id JOIN schools s ON s.id = g.school_id "
			     "WHERE g.area_id = $1 AND g.role = 'school_admin' AND g.revoked_at IS NULL AND NOT EXISTS "
			     "(SELECT 1 FROM roster_decisions d WHERE d.roster_id = $2 AND d.grant_id = g.id) "
			     "ORDER BY s.name COLLATE thai, g.id LIMIT 1",
			     DB_ARGS(DB_INT(area_id), DB_INT(roster)), &res, e) < 0)
			return -1;
		rc = db_next(res, e);
		if (rc == 1) {
			struct buf who = BUF_INIT, name = BUF_INIT;
			buf_addf(&who, "%s%s %s %s", db_text(res, 0), db_text(res, 1), db_text(res, 2),
				 db_text(res, 3));
			err_set(e, 400,
				"ยังไม่ได้เลือกสถานะของแอดมิน %lld คน (เช่น %s) "
				"กรุณาเลือก ยืนยัน หรือ ยกเลิก ให้ครบทุกคนและบันทึกก่อนส่ง",
				c[1], cut(&name, buf_cstr(&who)));
			buf_release(&who);
			buf_release(&name);
		}
		db_res_free(res);
		if (rc == 1)
			snprintf(e->field, sizeof e->field, "_form");
		return rc == 0 ? err_set(e, 500, "roster: undecided admin not found") : -1;
	}
	/* decisions on grants revoked since (ACC-6 meanwhile) are no longer
	 * this year's record */
	if (db_exec(db,
		    "DELETE FROM roster_decisions WHERE roster_id = $1 AND NOT EXISTS "
		    "(SELECT 1 FROM grants g WHERE g.id = roster_decisions.grant_id AND g.revoked_at IS NULL)",
		    DB_ARGS(DB_INT(roster)), e) < 0)
		return -1;
	json_t *ds = db_rows_json(db,
				  "SELECT grant_id, user_id, school_id, decision FROM roster_decisions "
				  "WHERE roster_id = $1 ORDER BY grant_id",
				  DB_ARGS(DB_INT(roster)), e);
	if (!ds)
		return -1;
	size_t i;
	json_t *d;
	long long confirmed = 0, cancelled = 0;
	/* cancellations before additions: a school's new admin needs the
	 * old one gone (one admin per school, ACC-5) */
	json_array_foreach(ds, i, d)
	{
		const char *dec = jstr(d, "decision");
		long long grant = json_integer_value(json_object_get(d, "grant_id"));
		if (!strcmp(dec, "confirm")) {
			confirmed++;
			audit(db, by, area_id, "roster.confirm", "user",
			      json_integer_value(json_object_get(d, "user_id")),
			      json_pack("{s:i, s:I}", "year", year, "grant_id", (json_int_t)grant));
			continue;
		}
		cancelled++;
		if (apply_cancel(db, area_id, d, by, e) < 0) {
			json_decref(ds);
			return -1;
		}
		audit(db, by, area_id, "roster.cancel", "user", json_integer_value(json_object_get(d, "user_id")),
		      json_pack("{s:i, s:I, s:s}", "year", year, "grant_id", (json_int_t)grant, "reason", dec));
	}
	json_decref(ds);
	json_t *as = db_rows_json(db,
				  "SELECT id, citizen_id, title, first_name, last_name, email, phone, staff_id, "
				  "personnel_type, school_id FROM roster_additions WHERE roster_id = $1 ORDER BY id",
				  DB_ARGS(DB_INT(roster)), e);
	if (!as)
		return -1;
	json_t *a;
	json_array_foreach(as, i, a)
	{
		if (apply_addition(db, area_id, a, by, e) < 0) {
			json_decref(as);
			return -1;
		}
		audit(db, by, area_id, "roster.add", "roster", roster,
		      json_pack("{s:i, s:I, s:I}", "year", year, "addition_id",
				(json_int_t)json_integer_value(json_object_get(a, "id")), "school_id",
				(json_int_t)json_integer_value(json_object_get(a, "school_id"))));
	}
	long long added = (long long)json_array_size(as);
	json_decref(as);
	long long now = (long long)time(NULL);
	if (db_exec(db,
		    "UPDATE rosters SET status = 'submitted', submitted_at = $2, submitted_by = $3, updated_at = $2, "
		    "updated_by = $3, confirmed_count = $4, cancelled_count = $5, added_count = $6 "
		    "WHERE id = $1 AND status = 'draft'",
		    DB_ARGS(DB_INT(roster), DB_INT(now), by && by->user_id > 0 ? DB_INT(by->user_id) : DB_NULL,
			    DB_INT(confirmed), DB_INT(cancelled), DB_INT(added)),
		    e) != 1)
		return e->status ? -1 : err_set(e, 500, "roster: not a draft any more");
	audit(db, by, area_id, "roster.submit", "roster", roster,
	      json_pack("{s:i, s:I, s:I, s:I}", "year", year, "confirmed", (json_int_t)confirmed, "cancelled",
			(json_int_t)cancelled, "added", (json_int_t)added));
	return 0;
}

/* --- pages ------------------------------------------------------------------ */

/* Choices of the add form, filled from acc_titles and acc_personnel_types
 * before the server parses any form (the tables are fixed at build time). */
static struct choice title_choices[24];
static struct choice personnel_choices[12];

__attribute__((constructor)) static void choices_init(void)
{
	size_t n = 0;
	for (const char *const *t = acc_titles; *t && n + 1 < sizeof title_choices / sizeof *title_choices; t++, n++)
		title_choices[n] = (struct choice){*t, *t};
	n = 0;
	for (const struct acc_personnel_type *t = acc_personnel_types;
	     t->value && n + 1 < sizeof personnel_choices / sizeof *personnel_choices; t++, n++)
		personnel_choices[n] = (struct choice){t->value, t->label};
}

#define YEAR_FIELD                                                                                                     \
	{                                                                                                              \
		.name = "year", .label = "ปีการศึกษา", .type = FT_INT, .flags = F_REQUIRED, .min = 2500, .max = 2700     \
	}

static const struct field decisions_form[] = {
    YEAR_FIELD,
    {.name = "choice",
     .label = "สถานะของแอดมิน",
     .type = FT_TEXT,
     .flags = F_MULTI,
     .max = 40,
     .pattern = "^[0-9]{1,18}:(confirm|moved|resigned|retired)?$",
     .pattern_msg = "สถานะที่เลือกไม่ถูกต้อง ให้เลือก ยืนยัน หรือ ยกเลิก (ย้าย ลาออก เกษียณ) จากรายการ"},
    {.name = "page", .label = "หน้า", .type = FT_INT, .min = 1, .max = 100000},
    {0},
};

static const struct field add_form[] = {
    YEAR_FIELD,
    {.name = "citizen_id",
     .label = "หมายเลขบัตรประชาชน",
     .type = FT_CITIZEN_ID,
     .flags = F_REQUIRED,
     .hint = "13 หลัก ของแอดมินใหม่"},
    {.name = "title", .label = "ตำแหน่ง (คำนำหน้าชื่อ)", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = title_choices},
    {.name = "first_name", .label = "ชื่อ", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},
    {.name = "last_name", .label = "นามสกุล", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},
    {.name = "email",
     .label = "Email",
     .type = FT_EMAIL,
     .flags = F_REQUIRED,
     .max = 254,
     .hint = "1 USER = 1 EMAIL ลิงก์ตั้งรหัสผ่านจะส่งไปที่อีเมลนี้"},
    {.name = "phone", .label = "หมายเลขโทรศัพท์", .type = FT_PHONE, .hint = "ไม่บังคับ เช่น 0812345678"},
    {.name = "staff_id", .label = "รหัสประจำตัว", .type = FT_TEXT, .max = 32},
    {.name = "personnel_type",
     .label = "ประเภทบุคลากร",
     .type = FT_CHOICE,
     .flags = F_REQUIRED,
     .choices = personnel_choices},
    {.name = "school_id", .label = "สถานศึกษา", .type = FT_INT, .flags = F_REQUIRED, .min = 1, .max = 1LL << 53},
    {0},
};

static const struct field remove_form[] = {YEAR_FIELD, {0}};

static const struct field submit_form[] = {
    YEAR_FIELD,
    {.name = "confirm",
     .label = "ยืนยันการตรวจสอบข้อมูล",
     .type = FT_CHECKBOX,
     .flags = F_REQUIRED,
     .hint = "ส่งได้ครั้งเดียวต่อปีการศึกษา หลังส่งแล้วแก้ไขไม่ได้"},
    {0},
};

static struct acc_roster_actor actor_of(struct req *r)
{
	const struct acc_grant *g = acc_active_grant(r);
	return (struct acc_roster_actor){acc_user_id(r), g ? g->role : "", req_client_ip(r)};
}

/* The year a request means: the form's or the query's when it is a year,
 * else the present academic year. */
static int req_year(struct req *r, bool from_form)
{
	long long y = 0;
	if (from_form) {
		const char *v = form_value(r, "year");
		y = num_ll_or(v, 0);
	} else {
		y = req_query_int(r, "year", 0, 2500, 2700);
	}
	return y >= 2500 && y <= 2700 ? (int)y : thai_academic_year((long long)time(NULL));
}

/* Every error of the request's form as a list of Thai messages. */
static json_t *form_messages(struct req *r, const struct field *form)
{
	json_t *list = json_array();
	if (!form)
		return list;
	json_t *fm = form_model(r, form, NULL);
	json_t *errs = json_object_get(fm, "errors");
	json_t *fields = json_object_get(fm, "fields");
	size_t i;
	json_t *f;
	/* in the form's order, with the field's label, then the form-wide one */
	json_array_foreach(fields, i, f)
	{
		json_t *m = json_object_get(f, "error");
		if (json_is_string(m)) {
			struct buf b = BUF_INIT;
			buf_addf(&b, "%s: %s", jstr(f, "label"), json_string_value(m));
			json_array_append_new(list, json_string(buf_cstr(&b)));
			buf_release(&b);
		}
	}
	const char *k;
	json_t *v;
	json_object_foreach(errs, k, v)
	{
		bool declared = false;
		for (const struct field *x = form; x->name; x++)
			declared |= !strcmp(x->name, k);
		if (!declared && json_is_string(v))
			json_array_append(list, v);
	}
	json_decref(fm);
	return list;
}

static const char *const decision_order[] = {"", "confirm", "moved", "resigned", "retired"};

/* The roster page: status 200, or the status of a refused POST whose form
 * (errform) holds the errors to show. */
/* GET /areas/:id/roster?year=&format=csv|xlsx — the year's admins with
 * their decisions, then the additions ("เพิ่มใหม่"), in one sheet; as the
 * page, a past year never sent has none. No personal field: names,
 * schools, usernames. Takes area and roster. */
static int roster_export(struct req *r, enum sheet_format f, json_t *area, json_t *roster, int year, long long now)
{
	bool past_unsent = year < thai_academic_year(now) && !json_is_true(json_object_get(roster, "locked"));
	json_t *rows = json_array();
	size_t i;
	json_t *x;
	if (!past_unsent) {
		json_array_foreach(json_object_get(json_object_get(roster, "admins"), "rows"), i, x)
		{
			json_t *row = json_deep_copy(x);
			if (!json_is_string(json_object_get(row, "decision_label")))
				json_object_set_new(row, "decision_label", json_string("ยังไม่เลือก"));
			json_array_append_new(rows, row);
		}
		json_array_foreach(json_object_get(json_object_get(roster, "additions"), "rows"), i, x)
		{
			json_array_append_new(
			    rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "school_name", jstr(x, "school_name"),
					    "obec_code", jstr(x, "obec_code"), "title", jstr(x, "title"), "first_name",
					    jstr(x, "first_name"), "last_name", jstr(x, "last_name"), "username", "",
					    "decision_label", "เพิ่มใหม่"));
		}
	}
	static const struct sheet_col cols[] = {
	    {"สถานศึกษา", 40, SHEET_TEXT, 0, "school_name"}, {"รหัสโรงเรียน", 14, SHEET_CODE, 0, "obec_code"},
	    {"คำนำหน้า", 8, SHEET_TEXT, 0, "title"},	    {"ชื่อ", 16, SHEET_TEXT, 0, "first_name"},
	    {"นามสกุล", 18, SHEET_TEXT, 0, "last_name"},	    {"ชื่อผู้ใช้ (user)", 16, SHEET_TEXT, 0, "username"},
	    {"สถานะในปีการศึกษา", 20, SHEET_ENUM, 0, "decision_label"}};
	struct buf t = BUF_INIT;
	buf_addf(&t, "รายชื่อแอดมินสถานศึกษา ปีการศึกษา %d %s", year, jstr(area, "short_name"));
	char base[32];
	snprintf(base, sizeof base, "admin-roster-%d", year);
	const struct export_list l = {buf_cstr(&t), base, 7, cols};
	json_decref(area);
	json_decref(roster);
	int rc = export_rows(r, f, &l, rows, rows);
	buf_release(&t);
	return rc;
}

static int roster_page(struct req *r, int status, long long area_id, int year, const struct field *errform)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *area = org_area_get(db, area_id, &e);
	if (!area)
		return view_err(r, &e);
	int page = (int)req_query_int(r, "page", 1, 1, 100000);
	if (errform == decisions_form && form_int(r, "page") > 0)
		page = (int)form_int(r, "page");
	enum sheet_format fmt;
	bool file = !errform && export_asked(r, &fmt);
	json_t *roster = acc_roster_get(db, area_id, year, file ? 0 : page,
					(int)req_query_int(r, "apage", 1, 1, 100000), &e);
	if (!roster) {
		json_decref(area);
		return view_err(r, &e);
	}
	long long now = (long long)time(NULL);
	if (file)
		return roster_export(r, fmt, area, roster, year, now);
	const struct acc_grant *g = acc_active_grant(r);
	bool open = acc_roster_year_open(year, now);
	bool editable = open && !json_is_true(json_object_get(roster, "locked")) && acc_grant_is(g, "area_admin");
	json_t *rows = json_object_get(json_object_get(roster, "admins"), "rows");
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		const char *d = jstr(x, "decision");
		json_t *opts = json_array();
		for (size_t k = 0; k < sizeof decision_order / sizeof *decision_order; k++) {
			const char *v = decision_order[k];
			const char *label = *v ? acc_roster_decision_label(v) : "— ยังไม่เลือก —";
			char value[48];
			snprintf(value, sizeof value, "%lld:%s",
				 (long long)json_integer_value(json_object_get(x, "grant_id")), v);
			json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", value, "label", label,
							      "selected", !strcmp(d, v)));
		}
		json_object_set_new(x, "options", opts);
	}
	int cur = thai_academic_year(now);
	/* A past year is history: what was submitted then, read-only, or
	 * that nothing was; never today's admins as if undecided. */
	bool past = year < cur;
	bool past_unsent = past && !json_is_true(json_object_get(roster, "locked"));
	if (past_unsent) {
		json_object_del(roster, "admins");
		json_object_del(roster, "additions");
		json_object_del(roster, "counts");
	}
	json_t *years = json_array();
	for (int y = cur + 1; y >= cur - 2; y--)
		json_array_append_new(years, json_pack("{s:i, s:b}", "year", y, "current", y == year));
	json_t *errors = form_messages(r, errform);
	struct buf title = BUF_INIT;
	buf_addf(&title, "รายชื่อแอดมินสถานศึกษา ปีการศึกษา %d — %s", year, jstr(area, "short_name"));
	char dir[64];
	snprintf(dir, sizeof dir, "/areas/%lld/directory", area_id);
	json_t *m = json_pack("{s:s, s:o, s:o, s:i, s:b, s:b, s:o, s:o, s:b, s:s, s:b, s:b, s:b, s:i}", "page_title",
			      buf_cstr(&title), "area", area, "roster", roster, "year", year, "year_open", open,
			      "editable", editable, "years", years, "errors", errors, "has_errors",
			      json_array_size(errors) > 0, "directory_url", dir, "past", past, "past_unsent",
			      past_unsent, "current_open", !past, "current_year", cur);
	buf_release(&title);
	if (!past_unsent && !errform)
		export_links(r, m);
	return view_page(r, status, "acc/roster", m);
}

/* The add form's page, with the area's schools to choose from. */
static int add_page(struct req *r, int status, long long area_id, int year)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *area = org_area_get(db, area_id, &e);
	if (!area)
		return view_err(r, &e);
	struct roster_row rr;
	if (roster_find(db, area_id, year, &rr, &e) < 0) {
		json_decref(area);
		return view_err(r, &e);
	}
	json_t *schools = db_rows_json(db,
				       "SELECT id, obec_code, name FROM schools WHERE area_id = $1 "
				       "ORDER BY name COLLATE thai, id",
				       DB_ARGS(DB_INT(area_id)), &e);
	if (!schools) {
		json_decref(area);
		return view_err(r, &e);
	}
	json_t *vals = json_pack("{s:I}", "year", (json_int_t)year);
	json_t *form = form_model(r, add_form, vals);
	json_decref(vals);
	const char *chosen = json_string_value(json_object_get(json_object_get(form, "values"), "school_id"));
	json_t *choices = json_array();
	json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "value", "", "label", "— เลือกสถานศึกษา —",
						 "selected", !chosen || !*chosen));
	size_t i;
	json_t *s;
	json_array_foreach(schools, i, s)
	{
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(s, "id")));
		struct buf label = BUF_INIT;
		buf_addf(&label, "%s (%s)", jstr(s, "name"), jstr(s, "obec_code"));
		json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "value", id, "label", buf_cstr(&label),
							 "selected", chosen && !strcmp(chosen, id)));
		buf_release(&label);
	}
	json_decref(schools);
	json_t *fields = json_object_get(form, "fields");
	json_t *f;
	json_array_foreach(fields, i, f)
	{
		const char *name = jstr(f, "name");
		if (!strcmp(name, "school_id")) {
			json_object_set_new(f, "is_select", json_true());
			json_object_set(f, "choices", choices);
			json_object_set_new(f, "inputmode", json_null());
			json_object_set_new(f, "maxlength", json_null());
		} else if (!strcmp(name, "year")) {
			json_object_set_new(f, "is_hidden", json_true());
		}
	}
	json_decref(choices);
	struct buf when = BUF_INIT;
	if (rr.submitted)
		thai_datetime_short(&when, rr.submitted_at);
	struct buf title = BUF_INIT;
	buf_addf(&title, "เพิ่มแอดมินสถานศึกษา ปีการศึกษา %d — %s", year, jstr(area, "short_name"));
	bool open = acc_roster_year_open(year, (long long)time(NULL)) && !rr.submitted;
	bool past = year < thai_academic_year((long long)time(NULL));
	json_t *m = json_pack("{s:s, s:o, s:o, s:i, s:b, s:b, s:o, s:o, s:b}", "page_title", buf_cstr(&title), "area",
			      area, "form", form, "year", year, "open", open, "locked", rr.submitted,
			      "submitted_by_name", submitter_json(db, &rr), "submitted_at_text",
			      rr.submitted ? json_string(buf_cstr(&when)) : json_null(), "past", past);
	buf_release(&title);
	buf_release(&when);
	return view_page(r, status, "acc/roster_add", m);
}

/* The area of the path, in the caller's scope: 0 when it answered (404,
 * 403), else the id. */
static long long scoped_area(struct req *r, int *rc)
{
	long long area = req_param_id(r, "id");
	if (area < 0) {
		*rc = view_error(r, 404, "ไม่พบสำนักงานเขตพื้นที่การศึกษาที่ระบุ");
		return 0;
	}
	if (!acc_in_area(r, area)) {
		*rc = acc_deny(r, "คุณไม่มีสิทธิ์จัดการรายชื่อแอดมินของเขตนี้ แอดมินเขตทำได้เฉพาะเขตพื้นที่ของตนเท่านั้น");
		return 0;
	}
	return area;
}

static void redirect_to(struct req *r, long long area, int year, const char *flash, int *rc)
{
	char loc[96];
	snprintf(loc, sizeof loc, "/areas/%lld/roster?year=%d", area, year);
	*rc = view_redirect(r, loc, flash);
}

/* An error of a domain call: a Thai 4xx shown on the page, or the 500. */
static int refused(struct req *r, const struct err *e, long long area, int year, const struct field *form, bool add)
{
	if (e->status == 500 || e->status == 0)
		return view_err(r, e);
	form_error_err(r, e);
	int status = e->status == 409 ? 409 : e->status == 404 ? 404 : 422;
	return add ? add_page(r, status, area, year) : roster_page(r, status, area, year, form);
}

/* The area and year of a roster POST with a valid form: 0 when it
 * answered (404, 403, or 422 with the page again: the add page when add,
 * else the roster page with form's errors), else the area. */
static long long posted_area(struct req *r, int *year, const struct field *form, bool add, int *rc)
{
	long long area = scoped_area(r, rc);
	if (!area)
		return 0;
	*year = req_year(r, true);
	if (!form_ok(r)) {
		*rc = add ? add_page(r, 422, area, *year) : roster_page(r, 422, area, *year, form);
		return 0;
	}
	return area;
}

static int roster_get(struct req *r)
{
	int rc = 0;
	long long area = scoped_area(r, &rc);
	if (!area)
		return rc;
	return roster_page(r, 200, area, req_year(r, false), NULL);
}

static int decisions_post(struct req *r)
{
	int rc = 0, year;
	long long area = posted_area(r, &year, decisions_form, false, &rc);
	if (!area)
		return rc;
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct acc_roster_actor by = actor_of(r);
	struct err e = ERR_INIT;
	json_t *changes = json_array();
	json_t *vals = form_values(r, "choice");
	size_t i;
	json_t *v;
	json_array_foreach(vals, i, v)
	{
		const char *s = json_string_value(v);
		if (!s || !*s)
			continue;
		const char *colon = strchr(s, ':');
		long long grant = 0;
		if (!colon || num_parse_lln(s, (size_t)(colon - s), 1, LLONG_MAX, &grant) < 0) {
			json_decref(changes);
			err_field(&e, "choice", "สถานะที่เลือกไม่ถูกต้อง กรุณาเลือกจากรายการ");
			return refused(r, &e, area, year, decisions_form, false);
		}
		if (acc_roster_decide(db, area, year, grant, colon + 1, &by, &e) < 0) {
			json_decref(changes);
			return refused(r, &e, area, year, decisions_form, false);
		}
		json_array_append_new(changes,
				      json_pack("{s:I, s:s}", "grant_id", (json_int_t)grant, "decision", colon + 1));
	}
	if (json_array_size(changes) == 0) {
		json_decref(changes);
		form_error(r, "choice", "ไม่มีสถานะที่จะบันทึก กรุณาเลือกสถานะของแอดมินอย่างน้อย 1 คน");
		return roster_page(r, 422, area, year, decisions_form);
	}
	audit(db, &by, area, "roster.draft", "area", area, json_pack("{s:i, s:o}", "year", year, "decisions", changes));
	char loc[128];
	long long page = form_int(r, "page");
	snprintf(loc, sizeof loc, "/areas/%lld/roster?year=%d&page=%lld", area, year, page > 0 ? page : 1);
	return view_redirect(r, loc, "บันทึกร่างสถานะแอดมินแล้ว ยังไม่ได้ส่ง — เมื่อเลือกครบทุกคนให้กดส่งรายชื่อ");
}

static int add_get(struct req *r)
{
	int rc = 0;
	long long area = scoped_area(r, &rc);
	if (!area)
		return rc;
	return add_page(r, 200, area, req_year(r, false));
}

static int add_post(struct req *r)
{
	int rc = 0, year;
	long long area = posted_area(r, &year, NULL, true, &rc);
	if (!area)
		return rc;
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct acc_roster_actor by = actor_of(r);
	struct acc_roster_addition a = {
	    .citizen_id = form_value(r, "citizen_id"),
	    .title = form_value(r, "title"),
	    .first_name = form_value(r, "first_name"),
	    .last_name = form_value(r, "last_name"),
	    .email = form_value(r, "email"),
	    .phone = form_value(r, "phone"),
	    .staff_id = form_value(r, "staff_id"),
	    .personnel_type = form_value(r, "personnel_type"),
	    .school_id = form_int(r, "school_id"),
	};
	struct err e = ERR_INIT;
	long long id = acc_roster_add(db, area, year, &a, &by, &e);
	if (id < 0)
		return refused(r, &e, area, year, add_form, true);
	audit(db, &by, area, "roster.draft_add", "roster", id,
	      json_pack("{s:i, s:I}", "year", year, "school_id", (json_int_t)a.school_id));
	redirect_to(r, area, year, "เพิ่มในรายการขอเพิ่มแอดมินแล้ว บัญชีจะถูกสร้างเมื่อส่งรายชื่อ", &rc);
	return rc;
}

static int remove_post(struct req *r)
{
	int rc = 0, year;
	long long area = posted_area(r, &year, remove_form, false, &rc);
	if (!area)
		return rc;
	long long add_id = req_param_id(r, "aid");
	if (add_id < 0)
		return view_error(r, 404, "ไม่พบรายการขอเพิ่มแอดมินที่ระบุ");
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct acc_roster_actor by = actor_of(r);
	struct err e = ERR_INIT;
	if (acc_roster_remove(db, area, year, add_id, &by, &e) < 0)
		return refused(r, &e, area, year, remove_form, false);
	redirect_to(r, area, year, "ลบรายการขอเพิ่มแอดมินแล้ว", &rc);
	return rc;
}

static int submit_post(struct req *r)
{
	int rc = 0, year;
	long long area = posted_area(r, &year, submit_form, false, &rc);
	if (!area)
		return rc;
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct acc_roster_actor by = actor_of(r);
	struct err e = ERR_INIT;
	if (acc_roster_submit(db, area, year, &by, &e) < 0) {
		if (e.status == 409) {
			/* the refusal is kept; nothing else was written */
			req_commit_on_error(r);
			audit(db, &by, area, "roster.submit_refused", "area", area,
			      json_pack("{s:i, s:s}", "year", year, "reason", e.msg));
		}
		return refused(r, &e, area, year, submit_form, false);
	}
	char flash[256];
	snprintf(flash, sizeof flash, "ส่งรายชื่อแอดมินประจำปีการศึกษา %d แล้ว รายชื่อของปีนี้ถูกล็อกไว้", year);
	redirect_to(r, area, year, flash, &rc);
	return rc;
}

#define AREA_ADMIN ACCESS_SIGNED_IN, "area_admin"
static const struct route routes[] = {
    {"GET", "/areas/:id/roster", roster_get, NULL, NULL, ACCESS_SIGNED_IN, "area_admin super_admin"},
    {"POST", "/areas/:id/roster/decisions", decisions_post, decisions_form, NULL, AREA_ADMIN},
    {"GET", "/areas/:id/roster/additions/new", add_get, NULL, NULL, AREA_ADMIN},
    {"POST", "/areas/:id/roster/additions", add_post, add_form, NULL, AREA_ADMIN},
    {"POST", "/areas/:id/roster/additions/:aid/delete", remove_post, remove_form, NULL, AREA_ADMIN},
    {"POST", "/areas/:id/roster/submit", submit_post, submit_form, NULL, AREA_ADMIN},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_roster_routes = {"acc", routes};
