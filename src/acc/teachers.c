/* teachers: a school admin's "add a teacher" (issue 13 item 5, DPA-5) — one
 * flow that starts from the school's personnel record, whichever page it
 * is begun on. GET /teachers lists the school's teacher accounts and looks
 * a citizen ID up: the module that keeps personnel records says, through
 * the registry's person hooks (core/module.h: person_record,
 * person_add_href), whether the person is recorded at this school — not
 * found (or recorded elsewhere) → the page links to where the record is
 * made first; found → the Khet account of the same citizen ID: none → a
 * new account from the record (its names and phone; the e-mail typed or
 * the record's) with the teacher role of the school and the set-password
 * e-mail; an active account → the teacher role added to it (its e-mail and
 * password stay); a cancelled one → refused (one person, one account: the
 * area admin reinstates it). POST /teachers does it, after looking the
 * record up again. The personnel record's page links here with the
 * citizen ID (acc_teacher_href), so the flow is the same from either side.
 *
 * Only the active grant's own school: the role is the school admin's (the
 * route), the permission "teacher" names school_admin among those who may
 * grant it (granted_by, module.c), and the person must be recorded at the
 * school of that grant — a person of another school is refused at the
 * field and nothing is stored. Each grant and account is audited under
 * the school's area. Accounts names no module here: the record comes from
 * whichever module answers the hooks. */
#include <stdio.h>
#include <string.h>

#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/export.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/module.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

#define TEACHERS_MAX 500 /* the list's rows; a school has at most a few hundred staff */

void acc_teacher_href(const char *citizen_id, struct buf *out)
{
	buf_addf(out, "/teachers?citizen_id=%s", citizen_id ? citizen_id : "");
}

static const struct field teacher_form[] = {
    {.name = "citizen_id",
     .label = "เลขประจำตัวประชาชน",
     .type = FT_CITIZEN_ID,
     .flags = F_REQUIRED,
     .hint = "13 หลัก ระบบค้นจากทะเบียนบุคลากรของโรงเรียน"},
    {.name = "email",
     .label = "อีเมลของครู",
     .type = FT_EMAIL,
     .max = 254,
     .hint = "สำหรับบัญชีใหม่: ใช้รับลิงก์ตั้งรหัสผ่าน (เว้นว่างได้ถ้าทะเบียนบุคลากรมีอีเมลแล้ว)"},
    {NULL},
};

/* What the school admin may do: the active grant, if it is a school
 * admin's and the teacher permission names his role among its granters. */
static const struct acc_grant *granter(struct req *r)
{
	const struct acc_grant *g = acc_active_grant(r);
	const struct permission_def *p = module_permission("teacher");
	if (!g || !p || g->school_id <= 0 || !acc_grant_is(g, "school_admin"))
		return NULL;
	return (g->bit & module_roles(p->granted_by ? p->granted_by : "area_admin super_admin")) ? g : NULL;
}

/* Where the person stands: the record at this school (1), none here (0:
 * *why says so), or -1 with e. */
static int lookup(struct db *db, const char *cid, long long school_id, json_t **rec, const char **why, struct err *e)
{
	*rec = NULL;
	*why = NULL;
	int k = module_person_record(db, cid, rec, e);
	if (k < 0)
		return -1;
	if (k == 0) {
		*why = "ไม่พบบุคคลนี้ในทะเบียนบุคลากร กรุณาบันทึกข้อมูลบุคลากรของโรงเรียนก่อน แล้วจึงสร้างบัญชีครู";
		return 0;
	}
	if (jint(*rec, "school_id") != school_id) {
		*why = "บุคคลนี้มีข้อมูลอยู่ในทะเบียนบุคลากรของหน่วยงานอื่น แอดมินสถานศึกษาให้สิทธิ์ครูได้เฉพาะบุคลากรของโรงเรียนตนเท่านั้น "
		       "(ขอย้ายข้อมูลบุคลากรมาที่โรงเรียนนี้ก่อน)";
		json_decref(*rec);
		*rec = NULL;
		return 0;
	}
	return 1;
}

/* The account of a citizen ID: 1 with id and whether it is active, 0 for
 * none, -1 with e. */
static int account_of(struct db *db, const char *cid, long long *uid, bool *active, struct err *e)
{
	char st[16] = "", hash[128];
	int k = acc_user_find_login(db, cid, uid, st, hash, e);
	explicit_bzero(hash, sizeof hash);
	*active = k == 1 && !strcmp(st, "active");
	return k;
}

static int has_teacher_grant(struct db *db, long long uid, long long school_id, struct err *e)
{
	long long one = 0;
	return db_int_value(db,
			    "SELECT 1 FROM grants WHERE user_id = $1 AND school_id = $2 AND role = 'teacher' AND revoked_at IS NULL",
			    DB_ARGS(DB_INT(uid), DB_INT(school_id)), &one, e);
}

static void set_field(json_t *form, const char *name, const char *key, json_t *value)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(form, "fields"), i, f) if (!strcmp(jstr(f, "name"), name))
	    json_object_set(f, key, value);
	json_decref(value);
}

/* The school's teacher accounts, as the page lists them. */
static json_t *teacher_rows(struct db *db, long long school_id, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT u.id, u.title || u.first_name || ' ' || u.last_name AS name, u.username, "
				    "g.granted_at FROM grants g JOIN users u ON u.id = g.user_id "
				    "WHERE g.school_id = $1 AND g.role = 'teacher' AND g.revoked_at IS NULL "
				    "AND u.status = 'active' ORDER BY u.first_name, u.last_name, u.id LIMIT $2",
				    DB_ARGS(DB_INT(school_id), DB_INT(TEACHERS_MAX)), e);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) acc_add_time_text(x, "granted_at", "granted_at_text");
	return rows;
}

/* ?format=csv|xlsx: the school's teacher accounts (the lookup box plays no
 * part in it). */
static int teachers_export(struct req *r, enum sheet_format fmt)
{
	const struct acc_grant *g = granter(r);
	if (!g)
		return acc_deny(r, "เฉพาะแอดมินสถานศึกษาที่ให้สิทธิ์ครูของโรงเรียนตนเองได้");
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *school = org_school_get(db, g->school_id, &e);
	json_t *rows = school ? teacher_rows(db, g->school_id, &e) : NULL;
	if (!rows) {
		json_decref(school);
		return view_err(r, &e);
	}
	static const struct sheet_col cols[] = {{"ชื่อ-นามสกุล", 30, SHEET_TEXT, 0, "name"},
						{"ชื่อผู้ใช้ (user)", 18, SHEET_TEXT, 0, "username"},
						{"ได้รับสิทธิ์เมื่อ", 20, SHEET_DATETIME, 0, "granted_at"}};
	struct buf t = BUF_INIT;
	buf_addf(&t, "ครูที่มีบัญชี %s", jstr(school, "name"));
	char base[48];
	snprintf(base, sizeof base, "teachers-%s", jstr(school, "obec_code"));
	json_decref(school);
	const struct export_list l = {buf_cstr(&t), base, 3, cols};
	int rc = export_rows(r, fmt, &l, rows, rows);
	buf_release(&t);
	return rc;
}

/* The page: the lookup of cid (NULL: none asked), then the school's
 * teachers. lookup_error: a Thai message at the citizen ID field of a GET
 * lookup (the form layer checks only posts). */
static int page(struct req *r, int status, const char *cid, const char *lookup_error)
{
	const struct acc_grant *g = granter(r);
	if (!g)
		return acc_deny(r, "เฉพาะแอดมินสถานศึกษาที่ให้สิทธิ์ครูของโรงเรียนตนเองได้");
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *school = org_school_get(db, g->school_id, &e);
	if (!school)
		return view_err(r, &e);
	json_t *m = json_pack("{s:s, s:o}", "page_title", "ครูในสถานศึกษา: บัญชีผู้ใช้และสิทธิ์ครู", "school", school);
	json_t *values = json_pack("{s:s}", "citizen_id", cid ? cid : "");
	json_t *form = form_model(r, teacher_form, values);
	json_decref(values);
	if (lookup_error)
		set_field(form, "citizen_id", "error", json_string(lookup_error));
	/* the lookup box (a GET form) shows the citizen ID field's value and
	 * error; the e-mail field goes on the form that creates the account */
	size_t fi;
	json_t *fx;
	json_array_foreach(json_object_get(form, "fields"), fi, fx)
	{
		if (!strcmp(jstr(fx, "name"), "citizen_id")) {
			json_object_set(m, "lookup_value", json_object_get(fx, "value"));
			json_object_set(m, "lookup_error", json_object_get(fx, "error"));
		} else if (!strcmp(jstr(fx, "name"), "email")) {
			json_object_set(m, "email_field", fx);
		}
	}
	json_object_set_new(m, "form", form);
	bool searched = cid && *cid && !lookup_error;
	json_object_set_new(m, "searched", json_boolean(searched));
	if (searched) {
		json_t *rec = NULL;
		const char *why = NULL;
		int k = lookup(db, cid, g->school_id, &rec, &why, &e);
		if (k < 0) {
			json_decref(m);
			return view_err(r, &e);
		}
		json_object_set_new(m, "citizen_id", json_string(cid));
		json_object_set_new(m, "recorded", json_boolean(k == 1));
		json_object_set_new(m, "not_recorded", json_string(why ? why : ""));
		struct buf add = BUF_INIT;
		if (k == 0 && module_person_add_href(g->school_id, cid, &add))
			json_object_set_new(m, "add_href", json_string(buf_cstr(&add)));
		buf_release(&add);
		if (k == 1) {
			struct buf name = BUF_INIT;
			buf_addf(&name, "%s%s %s", jstr(rec, "title"), jstr(rec, "first_name"), jstr(rec, "last_name"));
			json_object_set_new(m, "person_name", json_string(buf_cstr(&name)));
			json_object_set_new(m, "record_href", json_string(jstr(rec, "href")));
			buf_release(&name);
			long long uid = 0;
			bool active = false;
			int a = account_of(db, cid, &uid, &active, &e);
			int t = a == 1 && active ? has_teacher_grant(db, uid, g->school_id, &e) : 0;
			if (a < 0 || t < 0) {
				json_decref(rec);
				json_decref(m);
				return view_err(r, &e);
			}
			json_object_set_new(m, "no_account", json_boolean(a == 0));
			json_object_set_new(m, "cancelled", json_boolean(a == 1 && !active));
			json_object_set_new(m, "can_grant", json_boolean(a == 1 && active && t == 0));
			json_object_set_new(m, "is_teacher", json_boolean(t == 1));
			if (a == 0 && !form_sent(r, "email")) /* the record's e-mail, unless one was typed */
				set_field(json_object_get(m, "form"), "email", "value", json_string(jstr(rec, "email")));
			json_object_set_new(m, "record_email", json_string(jstr(rec, "email")));
		}
		json_decref(rec);
	}
	json_t *rows = teacher_rows(db, g->school_id, &e);
	if (!rows) {
		json_decref(m);
		return view_err(r, &e);
	}
	json_object_set_new(m, "has_teachers", json_boolean(json_array_size(rows) > 0));
	json_object_set_new(m, "teachers", rows);
	/* the list's downloads, without the lookup's citizen ID */
	json_object_set_new(m, "export",
			    json_pack("{s:s, s:s}", "csv", "/teachers?format=csv", "xlsx", "/teachers?format=xlsx"));
	return view_page(r, status, "acc/teachers", m);
}

static int teachers_get(struct req *r)
{
	enum sheet_format fmt;
	if (export_asked(r, &fmt))
		return teachers_export(r, fmt);
	const char *q = req_query(r, "citizen_id");
	if (!q || !*q)
		return page(r, 200, NULL, NULL);
	/* typed in the lookup box: Thai digits, dashes and spaces allowed */
	char cid[14];
	struct err e = ERR_INIT;
	if (thai_citizen_id_normalize(q, cid) < 0 || thai_citizen_id_check(cid, &e) < 0) {
		if (!e.msg[0])
			thai_citizen_id_check(q, &e);
		return page(r, 400, q, e.msg[0] ? e.msg : "เลขประจำตัวประชาชนต้องมี 13 หลัก");
	}
	return page(r, 200, cid, NULL);
}

/* A refusal at a field: the page again with what was typed, nothing stored. */
static int refused(struct req *r, const struct err *e, const char *cid)
{
	const char *f = e->field;
	if (strcmp(f, "email") && strcmp(f, "citizen_id")) {
		/* a value taken from the personnel record that an account cannot hold */
		struct buf msg = BUF_INIT;
		buf_addf(&msg, "ข้อมูลในทะเบียนบุคลากรใช้สร้างบัญชีไม่ได้: %s กรุณาแก้ไขที่ทะเบียนบุคลากรก่อน", e->msg);
		form_error(r, "_form", buf_cstr(&msg));
		buf_release(&msg);
	} else {
		form_error_err(r, e);
	}
	return page(r, e->status == 409 ? 409 : 422, cid, NULL);
}

static int teachers_post(struct req *r)
{
	const struct acc_grant *g = granter(r);
	if (!g)
		return acc_deny(r, "เฉพาะแอดมินสถานศึกษาที่ให้สิทธิ์ครูของโรงเรียนตนเองได้");
	const char *cid = form_value(r, "citizen_id");
	if (!form_ok(r))
		return page(r, 422, form_has_error(r, "citizen_id") ? NULL : cid, NULL);
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *rec = NULL;
	const char *why = NULL;
	int k = lookup(db, cid, g->school_id, &rec, &why, &e);
	if (k < 0)
		return view_err(r, &e);
	if (k == 0) {
		err_set(&e, 409, "%s", why);
		snprintf(e.field, sizeof e.field, "citizen_id");
		return refused(r, &e, cid);
	}
	long long uid = 0;
	bool active = false;
	int a = account_of(db, cid, &uid, &active, &e);
	if (a < 0) {
		json_decref(rec);
		return view_err(r, &e);
	}
	long long school = g->school_id, area = g->area_id, by = acc_user_id(r);
	struct buf msg = BUF_INIT;
	if (a == 1 && !active) {
		json_decref(rec);
		err_set(&e, 409,
			"บุคคลนี้มีบัญชีผู้ใช้ที่ถูกยกเลิกไปแล้ว (1 คนมีได้ 1 บัญชี) จึงสร้างบัญชีใหม่ไม่ได้ "
			"กรุณาติดต่อแอดมินเขตให้คืนสิทธิ์บัญชีเดิม");
		snprintf(e.field, sizeof e.field, "citizen_id");
		return refused(r, &e, cid);
	}
	if (a == 1) {
		/* the person's own account: the role added, its e-mail and password stay */
		int t = has_teacher_grant(db, uid, school, &e);
		if (t < 0) {
			json_decref(rec);
			return view_err(r, &e);
		}
		if (t == 1) {
			json_decref(rec);
			err_set(&e, 409, "บัญชีของบุคคลนี้มีสิทธิ์ครูของโรงเรียนนี้อยู่แล้ว");
			snprintf(e.field, sizeof e.field, "citizen_id");
			return refused(r, &e, cid);
		}
		long long gid = acc_grant_add(db, uid, "teacher", area, school, NULL, by, &e);
		if (gid < 0) {
			json_decref(rec);
			return e.status >= 500 || !e.status ? view_err(r, &e) : refused(r, &e, cid);
		}
		acc_audit_in(r, db, area, by, "grant.add", "user", uid,
			     json_pack("{s:s, s:I, s:s}", "role", "teacher", "school_id", (json_int_t)school, "via",
				       "teachers"));
		buf_addf(&msg, "ให้สิทธิ์ครูของโรงเรียนแก่บัญชีเดิมของ%s%s %s แล้ว (อีเมลและรหัสผ่านของบัญชีไม่เปลี่ยน)",
			 jstr(rec, "title"), jstr(rec, "first_name"), jstr(rec, "last_name"));
	} else {
		/* a new account from the record: its names and phone, the e-mail
		 * typed or else the record's */
		struct buf em = BUF_INIT;
		buf_adds(&em, *form_value(r, "email") ? form_value(r, "email") : jstr(rec, "email"));
		char *email = (char *)buf_cstr(&em);
		for (char *p = email; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p + 32);
		if (!*email) {
			buf_release(&em);
			json_decref(rec);
			err_set(&e, 422, "กรุณากรอกอีเมลของครู ใช้รับลิงก์ตั้งรหัสผ่าน (ทะเบียนบุคลากรยังไม่มีอีเมลของบุคคลนี้)");
			snprintf(e.field, sizeof e.field, "email");
			return refused(r, &e, cid);
		}
		struct acc_user_new u = {
		    .citizen_id = cid,
		    .email = email,
		    .title = jstr(rec, "title"),
		    .first_name = jstr(rec, "first_name"),
		    .last_name = jstr(rec, "last_name"),
		    .phone = jstr(rec, "phone"),
		};
		long long id = acc_user_validate(&u, &e) < 0 ? -1 : acc_user_create(db, &u, &e);
		if (id < 0) {
			buf_release(&em);
			json_decref(rec);
			if (e.status >= 500 || !e.status)
				return view_err(r, &e);
			if (e.status == 409 && !strcmp(e.field, "email"))
				snprintf(e.msg, sizeof e.msg, "%s",
					 "อีเมลนี้เป็นอีเมลของบัญชีผู้ใช้อื่นในระบบแล้ว (1 บัญชีใช้ 1 อีเมลเท่านั้น) กรุณากรอกอีเมลอื่นของครู");
			return refused(r, &e, cid);
		}
		if (acc_grant_add(db, id, "teacher", area, school, NULL, by, &e) < 0 ||
		    acc_setpw_link_send(db, id, "new", &e) < 0) {
			buf_release(&em);
			json_decref(rec);
			return view_err(r, &e);
		}
		acc_audit_in(r, db, area, by, "user.add", "user", id,
			     json_pack("{s:s, s:s, s:I, s:s}", "email", email, "role", "teacher", "school_id",
				       (json_int_t)school, "via", "teachers"));
		buf_addf(&msg, "สร้างบัญชีของ%s%s %s และให้สิทธิ์ครูของโรงเรียนแล้ว ระบบส่งลิงก์ตั้งรหัสผ่านไปที่ %s",
			 jstr(rec, "title"), jstr(rec, "first_name"), jstr(rec, "last_name"), email);
		buf_release(&em);
	}
	json_decref(rec);
	struct buf loc = BUF_INIT;
	acc_teacher_href(cid, &loc);
	int rc = view_redirect(r, buf_cstr(&loc), buf_cstr(&msg));
	buf_release(&loc);
	buf_release(&msg);
	return rc;
}

static const struct route routes[] = {
    {"GET", "/teachers", teachers_get, NULL, NULL, ACCESS_SIGNED_IN, "school_admin"},
    {"POST", "/teachers", teachers_post, teacher_form, NULL, ACCESS_SIGNED_IN, "school_admin"},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_teacher_routes = {"acc", routes};
