/* audit_page: the area's audit trail for its admins (ACC-10) — who did
 * what to which account, when and from where — filtered by actor, action,
 * target user and a date range, paged, and exported as CSV with the same
 * filter (GET /areas/:id/audit and /areas/:id/audit.csv).
 *
 * The rows and the CSV come from core/audit.h, whose queries walk the
 * (area_id, at DESC) index; this page only turns the filter's text into
 * ids and times, and adds names. An actor or target is typed as people
 * know them (username, e-mail or citizen ID) and found through the unique
 * index of that column. Names of the people on a page are read in ONE
 * query with a fixed list of slots (two per row, unused ones 0), so the
 * statement text never varies and no row costs a query of its own.
 *
 * The trail is only read here; the one row written is 'audit.export',
 * since a CSV carries personal data out of the system. */
#include <pthread.h>
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
#include "core/sheet.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

#define PAGE_MAX 50		  /* rows per page at most */
#define NAME_SLOTS (2 * PAGE_MAX) /* an actor and a target per row */

/* Families an admin filters by: a value ending in "." is every action of
 * that family (audit_filter.action_prefix). Single actions come after
 * them, every one the modules declare (module_audit_action_at), so an
 * action written anywhere is in the filter under its Thai label. */
static const struct {
	const char *value, *label;
} families[] = {
    {"user.", "การจัดการบัญชีผู้ใช้ (ทั้งหมด)"},
    {"grant.", "การให้และถอนสิทธิ์ (ทั้งหมด)"},
    {"access_request.", "คำขอรับสิทธิ์ (ทั้งหมด)"},
    {"schooladmin_reg.", "การลงทะเบียนแอดมินสถานศึกษา (ทั้งหมด)"},
    {"password_request.", "คำขอเปลี่ยนรหัสผ่าน (ทั้งหมด)"},
    {"roster.", "ทำเนียบแอดมินประจำปี (ทั้งหมด)"},
    {"registration_session.", "ช่วงลงทะเบียนพร้อมกัน (ทั้งหมด)"},
    {"auth.", "การเข้าสู่ระบบและการเข้าถึง (ทั้งหมด)"},
    {"personal.", "ข้อมูลส่วนบุคคล (ทั้งหมด)"},
};
#define NFAMILIES (sizeof families / sizeof *families)

static const char *action_label(const char *a)
{
	for (size_t i = 0; i < NFAMILIES; i++)
		if (!strcmp(families[i].value, a))
			return families[i].label;
	const char *l = module_audit_label(a);
	return l ? l : a;
}

static bool action_known(const char *a)
{
	for (size_t i = 0; i < NFAMILIES; i++)
		if (!strcmp(families[i].value, a))
			return true;
	return module_audit_label(a) != NULL;
}

/* --- the detail as Thai "label: value" lines -------------------------------- */

static const struct {
	const char *key, *label;
} detail_keys[] = {
    {"before", "ก่อนแก้ไข"},
    {"after", "หลังแก้ไข"},
    {"old", "เดิม"},
    {"new", "ใหม่"},
    {"changes", "สิ่งที่เปลี่ยน"},
    {"reason", "เหตุผล"},
    {"note", "หมายเหตุ"},
    {"service", "บริการ"},
    {"role", "บทบาท"},
    {"permission", "สิทธิ์"},
    {"permissions", "สิทธิ์"},
    {"granted", "สิทธิ์ที่ให้"},
    {"grant", "สิทธิ์"},
    {"requested", "สิทธิ์ที่ขอ"},
    {"grant_id", "รหัสสิทธิ์"},
    {"school_id", "รหัสสถานศึกษาในระบบ"},
    {"school", "สถานศึกษา"},
    {"area_id", "รหัสเขตพื้นที่ในระบบ"},
    {"user_id", "รหัสผู้ใช้ในระบบ"},
    {"work_group_id", "รหัสกลุ่มงานในระบบ"},
    {"school_admin_reg_id", "รหัสการลงทะเบียนแอดมิน"},
    {"registrant", "ผู้ลงทะเบียน"},
    {"decision", "ผลการพิจารณา"},
    {"decisions", "ผลการพิจารณา"},
    {"year", "ปีการศึกษา"},
    {"via", "ผ่านทาง"},
    {"email", "อีเมล"},
    {"field", "ข้อมูล"},
    {"file", "ไฟล์"},
    {"filter", "ตัวกรอง"},
    {"bytes", "ขนาด (ไบต์)"},
    {"ip", "ที่อยู่เครือข่าย"},
    {"hours", "จำนวนชั่วโมง"},
    {"per_session", "จำนวนการลงทะเบียนต่อช่วง"},
    {"method", "วิธีเรียก"},
    {"path", "หน้า"},
    {"page", "หน้า"},
    {"fields", "ข้อมูลส่วนบุคคลที่แสดง"},
    {"template", "แม่แบบหน้า"},
    {"code", "รหัสอ้างอิง"},
    {"status", "สถานะ"},
    {"count", "จำนวน"},
    {"rows", "จำนวนแถว"},
    {"channel", "ช่องทาง"},
    {"from_role", "จากบทบาท"},
    {"to_role", "เป็นบทบาท"},
};

static const char *detail_key_label(const char *k)
{
	for (size_t i = 0; i < sizeof detail_keys / sizeof *detail_keys; i++)
		if (!strcmp(detail_keys[i].key, k))
			return detail_keys[i].label;
	return k;
}

static bool permission_key(const char *k)
{
	return !strcmp(k, "permission") || !strcmp(k, "permissions") || !strcmp(k, "granted") || !strcmp(k, "grant") ||
	       !strcmp(k, "requested");
}

static void value_text(struct buf *b, const char *key, json_t *v);

/* One permission key ("officer:31"), or several separated by commas. */
static void permission_text(struct buf *b, const char *s)
{
	const char *p = s;
	bool first = true;
	struct buf k = BUF_INIT; /* stored text: never cut to a fixed size */
	while (*p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		buf_reset(&k);
		buf_add(&k, p, n);
		const struct permission_def *d = module_permission(buf_cstr(&k));
		const char *rl = d ? NULL : acc_role_label(buf_cstr(&k));
		buf_addf(b, "%s%s", first ? "" : ", ", d ? d->label : rl ? rl : buf_cstr(&k));
		first = false;
		p = c ? c + 1 : p + n;
	}
	buf_release(&k);
}

static void value_text(struct buf *b, const char *key, json_t *v)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (permission_key(key))
			permission_text(b, s);
		else if (!strcmp(key, "role") || !strcmp(key, "from_role") || !strcmp(key, "to_role"))
			buf_adds(b, acc_role_label(s) ? acc_role_label(s) : s);
		else if (!strcmp(key, "decision") && acc_roster_decision_label(s))
			buf_adds(b, acc_roster_decision_label(s));
		else
			buf_adds(b, *s ? s : "-");
	} else if (json_is_integer(v)) {
		buf_addf(b, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		buf_addf(b, "%g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		buf_adds(b, json_is_true(v) ? "ใช่" : "ไม่ใช่");
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			if (i)
				buf_adds(b, ", ");
			value_text(b, key, x);
		}
		if (!json_array_size(v))
			buf_adds(b, "-");
	} else if (json_is_object(v)) {
		const char *k;
		json_t *x;
		bool first = true;
		json_object_foreach(v, k, x)
		{
			buf_addf(b, "%s%s: ", first ? "" : "; ", detail_key_label(k));
			value_text(b, k, x);
			first = false;
		}
	} else {
		buf_adds(b, "-");
	}
}

/* [{label, value}] of a row's detail, in the JSON's key order. */
static json_t *detail_lines(json_t *d)
{
	json_t *lines = json_array();
	if (!d || json_is_null(d))
		return lines;
	if (!json_is_object(d)) {
		struct buf b = BUF_INIT;
		value_text(&b, "", d);
		json_array_append_new(lines, json_pack("{s:s, s:s}", "label", "รายละเอียด", "value", buf_cstr(&b)));
		buf_release(&b);
		return lines;
	}
	const char *k;
	json_t *v;
	json_object_foreach(d, k, v)
	{
		struct buf b = BUF_INIT;
		value_text(&b, k, v);
		json_array_append_new(lines, json_pack("{s:s, s:s}", "label", detail_key_label(k), "value", buf_cstr(&b)));
		buf_release(&b);
	}
	return lines;
}

int acc_audit_range(const char *from, const char *to, long long *from_out, long long *to_out, struct err *e)
{
	int y, m, d;
	*from_out = *to_out = 0;
	if (from && *from) {
		int rc = thai_date_input(from, &y, &m, &d);
		if (rc == THAI_DATE_RANGE)
			return err_field(e, "from", "ปีของวันที่เริ่มต้นอยู่นอกช่วงที่รับได้ กรุณากรอกปี พ.ศ. 4 หลัก เช่น 25/06/2567 (หรือปี ค.ศ. เช่น 25/06/2024)");
		if (rc < 0)
			return err_field(e, "from", "วันที่เริ่มต้นไม่ถูกต้อง กรุณากรอกเป็น วัน/เดือน/ปี พ.ศ. เช่น 25/06/2567");
		*from_out = thai_from_local(y, m, d, 0, 0, 0);
	}
	if (to && *to) {
		int rc = thai_date_input(to, &y, &m, &d);
		if (rc == THAI_DATE_RANGE)
			return err_field(e, "to", "ปีของวันที่สิ้นสุดอยู่นอกช่วงที่รับได้ กรุณากรอกปี พ.ศ. 4 หลัก เช่น 25/06/2567 (หรือปี ค.ศ. เช่น 25/06/2024)");
		if (rc < 0)
			return err_field(e, "to", "วันที่สิ้นสุดไม่ถูกต้อง กรุณากรอกเป็น วัน/เดือน/ปี พ.ศ. เช่น 25/06/2567");
		/* the whole last day: Bangkok has no daylight saving */
		*to_out = thai_from_local(y, m, d, 0, 0, 0) + 86400;
	}
	if (*from_out && *to_out && *from_out >= *to_out)
		return err_field(e, "to", "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น");
	return 0;
}

/* A person typed in a filter (username, e-mail or citizen ID) → user id;
 * 0 with a message in errors when there is nobody. */
static long long find_person(struct db *db, const char *text, const char *field, json_t *errors, struct err *e)
{
	if (!*text)
		return 0;
	char cid[14];
	const char *login = text;
	if (thai_citizen_id_normalize(text, cid) == 0 && strspn(cid, "0123456789") == 13) {
		struct err ce = ERR_INIT;
		if (thai_citizen_id_check(cid, &ce) < 0) {
			json_object_set_new(errors, field, json_string(ce.msg));
			return 0;
		}
		login = cid;
	}
	if (strlen(login) > 254 || !thai_utf8_valid(login, strlen(login))) {
		json_object_set_new(errors, field, json_string("ข้อความยาวเกินไปหรือมีอักขระที่ใช้ไม่ได้"));
		return 0;
	}
	long long id = 0;
	char status[16], hash[128];
	int rc = acc_user_find_login(db, login, &id, status, hash, e);
	hash[0] = 0;
	if (rc < 0)
		return -1;
	if (rc == 0)
		json_object_set_new(errors, field,
				    json_string("ไม่พบผู้ใช้นี้ กรุณากรอกชื่อผู้ใช้ อีเมล หรือเลขประจำตัวประชาชน 13 หลักให้ถูกต้อง"));
	return rc ? id : 0;
}

struct parsed {
	struct audit_filter f;
	const char *actor, *action, *user, *from, *to;
	json_t *errors;
};

/* Reads the filter of the query string; -1 when the database failed. */
static int parse_filter(struct req *r, struct db *db, long long area, struct parsed *p, struct err *e)
{
	memset(p, 0, sizeof *p);
	p->errors = json_object();
	p->f.area_id = area;
	p->actor = nz(req_query(r, "actor"));
	p->user = nz(req_query(r, "user"));
	p->action = nz(req_query(r, "action"));
	p->from = nz(req_query(r, "from"));
	p->to = nz(req_query(r, "to"));
	long long id = find_person(db, p->actor, "actor", p->errors, e);
	if (id < 0)
		return -1;
	p->f.actor_user_id = id;
	id = find_person(db, p->user, "user", p->errors, e);
	if (id < 0)
		return -1;
	if (id) {
		p->f.target_type = "user";
		p->f.target_id = id;
	}
	if (*p->action) {
		if (action_known(p->action))
			p->f.action_prefix = p->action;
		else
			json_object_set_new(p->errors, "action", json_string("กรุณาเลือกการดำเนินการจากรายการ"));
	}
	struct err re = ERR_INIT;
	if (acc_audit_range(p->from, p->to, &p->f.from, &p->f.to, &re) < 0)
		json_object_set_new(p->errors, re.field, json_string(re.msg));
	p->f.page = (int)req_query_int(r, "page", 1, 1, 1000000000LL);
	long long per = req_query_int(r, "per_page", 25, 1, PAGE_MAX);
	p->f.per_page = per == 10 || per == 25 || per == 50 ? (int)per : 25;
	return 0;
}

/* The filter as a query string, ending in "&". */
static void filter_query(struct buf *b, const struct parsed *p, bool with_per_page)
{
	const char *names[] = {"actor", "action", "user", "from", "to"};
	const char *vals[] = {p->actor, p->action, p->user, p->from, p->to};
	for (int i = 0; i < 5; i++) {
		if (!*vals[i])
			continue;
		buf_addf(b, "%s=", names[i]);
		buf_add_urlenc(b, vals[i]);
		buf_addc(b, '&');
	}
	if (with_per_page && p->f.per_page != 25)
		buf_addf(b, "per_page=%d&", p->f.per_page);
}

static pthread_once_t names_once = PTHREAD_ONCE_INIT;
static char *names_sql;

static void names_sql_make(void)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "SELECT id, username, title, first_name, last_name FROM users WHERE id IN (");
	for (int i = 1; i <= NAME_SLOTS; i++)
		buf_addf(&b, "%s$%d", i > 1 ? ", " : "", i);
	buf_addc(&b, ')');
	names_sql = buf_detach(&b, NULL);
}

/* Adds actor_name / target_name (and usernames) to the page's rows. */
static int add_names(struct db *db, json_t *rows, struct err *e)
{
	pthread_once(&names_once, names_sql_make);
	struct db_val v[NAME_SLOTS];
	for (int i = 0; i < NAME_SLOTS; i++)
		v[i] = DB_INT(0);
	int n = 0;
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		long long a = json_integer_value(json_object_get(x, "actor_user_id"));
		long long t = !strcmp(nz(json_string_value(json_object_get(x, "target_type"))), "user")
				  ? json_integer_value(json_object_get(x, "target_id"))
				  : 0;
		if (a > 0 && n < NAME_SLOTS)
			v[n++] = DB_INT(a);
		if (t > 0 && n < NAME_SLOTS)
			v[n++] = DB_INT(t);
	}
	json_t *people = db_rows_json(db, names_sql, v, NAME_SLOTS, e);
	if (!people)
		return -1;
	json_t *by_id = json_object();
	json_array_foreach(people, i, x)
	{
		char k[24];
		snprintf(k, sizeof k, "%lld", (long long)json_integer_value(json_object_get(x, "id")));
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s%s %s", nz(json_string_value(json_object_get(x, "title"))),
			 nz(json_string_value(json_object_get(x, "first_name"))),
			 nz(json_string_value(json_object_get(x, "last_name"))));
		json_object_set_new(
		    by_id, k,
		    json_pack("{s:s, s:O}", "name", buf_cstr(&b), "username", json_object_get(x, "username")));
		buf_release(&b);
	}
	json_decref(people);
	json_array_foreach(rows, i, x)
	{
		char k[24];
		snprintf(k, sizeof k, "%lld", (long long)json_integer_value(json_object_get(x, "actor_user_id")));
		json_t *a = json_object_get(by_id, k);
		json_object_set(x, "actor", a ? a : json_null());
		json_t *t = NULL;
		if (!strcmp(nz(json_string_value(json_object_get(x, "target_type"))), "user")) {
			snprintf(k, sizeof k, "%lld", (long long)json_integer_value(json_object_get(x, "target_id")));
			t = json_object_get(by_id, k);
		}
		json_object_set(x, "target_user", t ? t : json_null());
		const char *role = nz(json_string_value(json_object_get(x, "actor_role")));
		json_object_set_new(x, "actor_role_label",
				    json_string(acc_role_label(role) ? acc_role_label(role) : role));
		json_object_set_new(x, "action_label",
				    json_string(action_label(nz(json_string_value(json_object_get(x, "action"))))));
		json_t *lines = detail_lines(json_object_get(x, "detail"));
		struct buf dt = BUF_INIT;
		size_t li;
		json_t *l;
		json_array_foreach(lines, li, l) buf_addf(&dt, "%s%s: %s", li ? "; " : "", jstr(l, "label"), jstr(l, "value"));
		json_object_set_new(x, "detail_text", dt.len ? json_string(buf_cstr(&dt)) : json_null());
		buf_release(&dt);
		json_object_set_new(x, "detail_lines", lines);
		json_object_set_new(x, "has_detail", json_boolean(json_array_size(lines) > 0));
	}
	json_decref(by_id);
	return 0;
}

/* The file of a filter (CSV or XLSX), with the same names and Thai labels
 * as the page: read 500 rows at a time (one names query each), newest
 * first, into one sheet. More than AUDIT_CSV_MAX_ROWS is refused (400)
 * asking for a shorter range. */
static const struct sheet_col audit_cols[] = {
    {"ลำดับที่", 10, SHEET_NUMBER, 0, "id"},
    {"วันเวลา", 20, SHEET_DATETIME, 0, "at"},
    {"ผู้ดำเนินการ", 28, SHEET_TEXT, 0, "actor_name"},
    {"ชื่อผู้ใช้ผู้ดำเนินการ", 18, SHEET_TEXT, 0, "actor_username"},
    {"บทบาท", 18, SHEET_ENUM, 0, "actor_role_label"},
    {"ที่อยู่ IP", 16, SHEET_TEXT, 0, "ip"},
    {"การดำเนินการ", 30, SHEET_ENUM, 0, "action_label"},
    {"รหัสการดำเนินการ", 22, SHEET_TEXT, 0, "action"},
    {"ประเภทเป้าหมาย", 14, SHEET_TEXT, 0, "target_type"},
    {"รหัสเป้าหมาย", 12, SHEET_NUMBER, 0, "target_id"},
    {"ผู้ใช้เป้าหมาย", 28, SHEET_TEXT, 0, "target_name"},
    {"รายละเอียด", 60, SHEET_TEXT, 0, "detail_text"},
};

static int audit_sheet_build(struct db *db, struct audit_filter f, struct sheet *sh, struct err *e)
{
	f.per_page = 500;
	f.page = 1;
	for (long long pages = 1; f.page <= pages; f.page++) {
		json_t *l = audit_list(db, &f, e);
		if (!l)
			return -1;
		long long total = json_integer_value(json_object_get(l, "total"));
		if (total > AUDIT_CSV_MAX_ROWS) {
			json_decref(l);
			return err_set(
			    e, 400, "มีรายการ %lld รายการ เกินกว่าที่ส่งออกได้ในครั้งเดียว (%d รายการ) กรุณาเลือกช่วงวันที่ให้สั้นลง",
			    total, AUDIT_CSV_MAX_ROWS);
		}
		pages = json_integer_value(json_object_get(l, "pages"));
		json_t *rows = json_object_get(l, "rows");
		if (add_names(db, rows, e) < 0) {
			json_decref(l);
			return -1;
		}
		size_t i;
		json_t *x;
		json_array_foreach(rows, i, x)
		{
			json_t *a = json_object_get(x, "actor"), *t = json_object_get(x, "target_user");
			json_object_set_new(x, "actor_name", json_string(a ? jstr(a, "name") : ""));
			json_object_set_new(x, "actor_username", json_string(a ? jstr(a, "username") : ""));
			json_object_set_new(x, "target_name", json_string(t ? jstr(t, "name") : ""));
			sheet_json_row(sh, x);
		}
		json_decref(l);
	}
	return 0;
}

/* Scope check; the area's id, or 0 when answered (403 audited). */
static long long area_of(struct req *r)
{
	long long id = req_param_id(r, "id");
	if (id < 0) {
		view_error(r, 404, "ไม่พบสำนักงานเขตพื้นที่การศึกษาที่ระบุ");
		return 0;
	}
	if (!acc_in_area(r, id)) {
		struct db *db = req_db(r);
		if (db)
			acc_audit_in(r, db, id, acc_user_id(r), "auth.denied", "area", id,
				     json_pack("{s:s, s:s}", "method", req_method(r), "path", req_path(r)));
		view_error(r, 403, "คุณไม่มีสิทธิ์ดูบันทึกการใช้งานของเขตพื้นที่นี้ แอดมินเขตดูได้เฉพาะเขตพื้นที่ของตนเท่านั้น");
		return 0;
	}
	return id;
}

static int audit_page(struct req *r)
{
	long long aid = area_of(r);
	if (!aid)
		return 0;
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *area = org_area_get(db, aid, &e);
	if (!area)
		return view_err(r, &e);
	struct parsed p;
	if (parse_filter(r, db, aid, &p, &e) < 0) {
		json_decref(area);
		json_decref(p.errors);
		return view_err(r, &e);
	}
	bool bad = json_object_size(p.errors) > 0;
	json_t *list;
	if (bad) {
		list = json_pack("{s:[], s:i, s:i, s:i, s:i}", "rows", "total", 0, "page", 1, "pages", 1, "per_page",
				 p.f.per_page);
	} else {
		list = audit_list(db, &p.f, &e);
		if (!list || add_names(db, json_object_get(list, "rows"), &e) < 0) {
			json_decref(list);
			json_decref(area);
			json_decref(p.errors);
			return view_err(r, &e);
		}
	}
	long long page = json_integer_value(json_object_get(list, "page"));
	long long pages = json_integer_value(json_object_get(list, "pages"));
	struct buf base = BUF_INIT, u = BUF_INIT;
	buf_addf(&base, "/areas/%lld/audit?", aid);
	filter_query(&base, &p, true);
	json_object_set_new(list, "pager", pages > 1 ? pager_links(buf_cstr(&base), page, pages) : json_array());
	json_object_set_new(list, "has_pager", json_boolean(pages > 1));
	if (page > 1)
		buf_addf(&u, "%spage=%lld", buf_cstr(&base), page - 1);
	json_object_set_new(list, "prev_url", page > 1 ? json_string(buf_cstr(&u)) : json_null());
	buf_reset(&u);
	if (page < pages)
		buf_addf(&u, "%spage=%lld", buf_cstr(&base), page + 1);
	json_object_set_new(list, "next_url", page < pages ? json_string(buf_cstr(&u)) : json_null());
	buf_reset(&u);
	buf_addf(&u, "/areas/%lld/audit.csv?", aid);
	filter_query(&u, &p, false);
	/* without the last "&" or "?" */
	json_object_set_new(list, "csv_url", json_stringn(buf_cstr(&u), u.len - 1));
	buf_reset(&u);
	buf_addf(&u, "/areas/%lld/audit.xlsx?", aid);
	filter_query(&u, &p, false);
	json_object_set_new(list, "xlsx_url", json_stringn(buf_cstr(&u), u.len - 1));
	buf_release(&u);
	buf_release(&base);

	json_t *opts = json_array();
	for (size_t i = 0; i < NFAMILIES; i++)
		json_array_append_new(opts,
				      json_pack("{s:s, s:s, s:b}", "value", families[i].value, "label", families[i].label,
						"selected", !strcmp(families[i].value, p.action)));
	const struct audit_action_def *ad;
	for (int i = 0; (ad = module_audit_action_at(i)); i++)
		json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", ad->action, "label", ad->label,
						      "selected", !strcmp(ad->action, p.action)));
	json_t *sizes = json_array();
	static const int per[] = {10, 25, 50};
	for (size_t i = 0; i < sizeof per / sizeof *per; i++)
		json_array_append_new(sizes,
				      json_pack("{s:i, s:b}", "value", per[i], "selected", per[i] == p.f.per_page));
	struct buf title = BUF_INIT;
	buf_addf(&title, "บันทึกการใช้งาน (Audit trail) ของ %s",
		 nz(json_string_value(json_object_get(area, "short_name"))));
	char users_url[64];
	snprintf(users_url, sizeof users_url, "/areas/%lld/users", aid);
	json_object_set_new(list, "page_title", json_string(buf_cstr(&title)));
	buf_release(&title);
	json_object_set_new(list, "area", area);
	json_object_set_new(list, "filter",
			    json_pack("{s:s, s:s, s:s, s:s, s:s}", "actor", p.actor, "action", p.action, "user", p.user,
				      "from", p.from, "to", p.to));
	json_object_set_new(list, "actions", opts);
	json_object_set_new(list, "per_page_options", sizes);
	json_object_set_new(list, "has_rows", json_boolean(json_array_size(json_object_get(list, "rows")) > 0));
	json_object_set_new(list, "users_url", json_string(users_url));
	json_object_set_new(list, "has_errors", json_boolean(bad));
	json_object_set_new(list, "errors", p.errors);
	return view_page(r, bad ? 422 : 200, "acc/audit", list);
}

static int audit_csv_get(struct req *r)
{
	long long aid = area_of(r);
	if (!aid)
		return 0;
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *area = org_area_get(db, aid, &e);
	if (!area)
		return view_err(r, &e);
	struct parsed p;
	if (parse_filter(r, db, aid, &p, &e) < 0) {
		json_decref(area);
		json_decref(p.errors);
		return view_err(r, &e);
	}
	if (json_object_size(p.errors)) {
		/* the first problem, said as on the page */
		const char *k;
		json_t *v;
		struct buf msg = BUF_INIT;
		buf_adds(&msg, "ส่งออกไม่ได้ เพราะตัวกรองไม่ถูกต้อง:");
		json_object_foreach(p.errors, k, v) buf_addf(&msg, " %s", json_string_value(v));
		json_decref(area);
		json_decref(p.errors);
		int rc = view_error(r, 422, buf_cstr(&msg));
		buf_release(&msg);
		return rc;
	}
	json_decref(p.errors);
	enum sheet_format fmt = req_route_data(r) ? SHEET_XLSX : SHEET_CSV;
	struct buf t = BUF_INIT;
	buf_addf(&t, "บันทึกการใช้งาน %s", nz(json_string_value(json_object_get(area, "short_name"))));
	char base[48];
	/* an ASCII name with the area's code (and the date, added by export) */
	snprintf(base, sizeof base, "audit-%s", nz(json_string_value(json_object_get(area, "code"))));
	json_decref(area);
	const struct export_list l = {buf_cstr(&t), base, (int)(sizeof audit_cols / sizeof *audit_cols), audit_cols};
	struct sheet *sh = export_begin(r, fmt, &l, &e);
	if (!sh || audit_sheet_build(db, p.f, sh, &e) < 0) {
		sheet_free(sh);
		buf_release(&t);
		return e.status == 400 ? view_error(r, 422, e.msg) : view_err(r, &e);
	}
	struct buf q = BUF_INIT;
	filter_query(&q, &p, false);
	acc_audit_in(r, db, aid, acc_user_id(r), "audit.export", "area", aid,
		     json_pack("{s:s, s:s}", "filter", buf_cstr(&q), "format", fmt == SHEET_XLSX ? "xlsx" : "csv"));
	buf_release(&q);
	int rc = export_end(r, sh, fmt, &l);
	buf_release(&t);
	return rc;
}

#define AREA_ROLES "area_admin super_admin"

static const struct route routes[] = {
    {"GET", "/areas/:id/audit", audit_page, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/areas/:id/audit.csv", audit_csv_get, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/areas/:id/audit.xlsx", audit_csv_get, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES, "xlsx"},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_audit_routes = {"acc", routes};
