/* api: accounts under /api/v1 (issue 15.1, 15.8): users (what the caller
 * may see), grants and audit events.
 *
 * Who sees whom: a super admin every account, an area admin the accounts
 * holding an active grant in his area, anyone else only himself. Personal
 * fields follow the pages: the citizen ID is never given whole
 * (citizen_id_masked), e-mail and phone go to the person himself and to
 * the admins who manage his account, and every such read of someone
 * else's data writes one 'personal.read' row naming the fields and the
 * accounts (never the values). Lists are one indexed range each
 * (grants_area, grants_user, audit_area_at / audit_at). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acc/acc_internal.h"
#include "core/api.h"
#include "core/audit.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/personal.h"
#include "core/thai.h"

#define ENUM API_ENUM_SCHEMA
#define TIME API_TIME_SCHEMA

static const char user_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"username\",\"title\",\"first_name\",\"last_name\",\"status\","
    "\"citizen_id_masked\",\"created_at\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"username\":{\"type\":"
    "\"string\"},\"title\":{\"type\":\"string\"},\"first_name\":{\"type\":\"string\"},\"last_name\":{\"type\":"
    "\"string\"},\"status\":" ENUM ",\"personnel_type\":{\"anyOf\":[" ENUM ",{\"type\":\"null\"}]},\"citizen_id_masked\":{\"type\":"
    "\"string\",\"description\":\"เลขประจำตัวประชาชนแบบปิดบัง / masked citizen ID\"},\"email\":{\"type\":\"string\","
    "\"description\":\"เฉพาะเจ้าของบัญชีและแอดมินที่ดูแล / only to the person and his admins\"},\"phone\":{\"type\":"
    "\"string\"},\"created_at\":" TIME "}}";

static const char grant_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"user_id\",\"role\",\"area_id\",\"school_id\",\"granted_at\"],"
    "\"properties\":{\"id\":{\"type\":\"integer\"},\"user_id\":{\"type\":\"integer\"},\"role\":" ENUM
    ",\"area_id\":{\"type\":[\"integer\",\"null\"]},\"school_id\":{\"type\":[\"integer\",\"null\"]},\"work_group_id\":"
    "{\"type\":[\"integer\",\"null\"]},\"service\":{\"type\":\"string\"},\"granted_at\":" TIME ",\"revoked_at\":" TIME
    "}}";

static const char audit_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"at\",\"action\",\"actor_user_id\",\"actor_role\",\"area_id\","
    "\"target_type\",\"target_id\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"at\":" TIME ",\"action\":" ENUM
    ",\"actor_user_id\":{\"type\":[\"integer\",\"null\"]},\"actor_role\":{\"anyOf\":[" ENUM ",{\"type\":\"null\"}]},\"area_id\":{\"type\":"
    "[\"integer\",\"null\"]},\"ip\":{\"type\":\"string\"},\"target_type\":{\"type\":\"string\"},\"target_id\":{"
    "\"type\":[\"integer\",\"null\"]},\"detail\":{}}}";

static json_t *nullable_id(json_t *row, const char *k)
{
	json_t *v = json_object_get(row, k);
	return json_is_integer(v) && json_integer_value(v) > 0 ? json_incref(v) : json_null();
}

/* --- users --------------------------------------------------------------- */

/* A personnel type as an enum ({code, label_th}), null when none. */
static json_t *personnel_enum(const char *pt)
{
	for (const struct acc_personnel_type *t = acc_personnel_types; pt && *pt && t->value; t++)
		if (!strcmp(t->value, pt))
			return api_enum(t->value, t->label);
	return pt && *pt ? api_enum(pt, pt) : json_null();
}

/* The role an audit row was done in as an enum, null for none (a sign-in,
 * the command line's own rows name their role "cli"). */
static json_t *role_enum(const char *role)
{
	if (!role || !*role)
		return json_null();
	const char *label = !strcmp(role, "cli") ? "บรรทัดคำสั่ง (ผู้ดูแลเครื่อง)" : acc_role_label(role);
	return api_enum(role, label && *label ? label : role);
}


#define USER_COLS                                                                                                      \
	"u.id, u.username, u.title, u.first_name, u.last_name, u.status, u.personnel_type, u.citizen_id, u.email, "     \
	"u.phone, u.created_at"

/* One account; full: with e-mail and phone (the person himself, his admins). */
static json_t *user_item(json_t *row, bool full)
{
	struct buf masked = BUF_INIT;
	thai_citizen_id_mask(jstr(row, "citizen_id"), &masked);
	const char *st = jstr(row, "status");
	json_t *u = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o}", "id", (json_int_t)jint(row, "id"), "username",
			      jstr(row, "username"), "title", jstr(row, "title"), "first_name", jstr(row, "first_name"),
			      "last_name", jstr(row, "last_name"), "status",
			      api_enum(st, !strcmp(st, "active") ? "ใช้งาน" : "ยกเลิกแล้ว"), "personnel_type",
			      personnel_enum(jstr(row, "personnel_type")), "citizen_id_masked", buf_cstr(&masked), "created_at",
			      api_time(jint(row, "created_at")));
	buf_release(&masked);
	if (full) {
		json_object_set_new(u, "email", json_string(jstr(row, "email")));
		json_object_set_new(u, "phone", json_string(jstr(row, "phone")));
	}
	/* nothing personal leaves unless meant to: the convention of core/personal.h */
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(u, tmp, k, v) if (!full && personal_key(k)) json_object_del(u, k);
	return u;
}

/* The audit row of staff reading others' personal data. */
static void audit_read(struct req *r, json_t *ids)
{
	if (!json_array_size(ids))
		return;
	const struct acc_grant *g = acc_active_grant(r);
	acc_audit_in(r, req_db(r), g ? g->area_id : 0, acc_user_id(r), "personal.read", "user",
		     json_array_size(ids) == 1 ? json_integer_value(json_array_get(ids, 0)) : 0,
		     json_pack("{s:s, s:[s,s], s:O}", "page", "api", "fields", "email", "phone", "users", ids));
}

static int users_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	const struct acc_grant *g = acc_active_grant(r);
	long long total = 0;
	json_t *rows;
	const char *dir = pg.desc ? "DESC" : "ASC";
	char sql[640];
	if (acc_grant_is(g, "super_admin")) {
		if (db_int_value(db, "SELECT COUNT(*) FROM users", NULL, 0, &total, &e) < 0)
			return api_err(r, &e);
		snprintf(sql, sizeof sql, "SELECT " USER_COLS " FROM users u ORDER BY u.id %s LIMIT $1 OFFSET $2", dir);
		rows = db_rows_json(db, sql, DB_ARGS(DB_INT(pg.per_page), DB_INT(pg.offset)), &e);
	} else if (acc_grant_is(g, "area_admin")) {
		static const char in_area[] =
		    "u.id IN (SELECT user_id FROM grants WHERE area_id = $1 AND revoked_at IS NULL)";
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM users u WHERE %s", in_area);
		if (db_int_value(db, sql, DB_ARGS(DB_INT(g->area_id)), &total, &e) < 0)
			return api_err(r, &e);
		snprintf(sql, sizeof sql, "SELECT " USER_COLS " FROM users u WHERE %s ORDER BY u.id %s LIMIT $2 OFFSET $3",
			 in_area, dir);
		rows = db_rows_json(db, sql, DB_ARGS(DB_INT(g->area_id), DB_INT(pg.per_page), DB_INT(pg.offset)), &e);
	} else {
		total = 1;
		rows = db_rows_json(db, "SELECT " USER_COLS " FROM users u WHERE u.id = $1 AND $2 = 0",
				    DB_ARGS(DB_INT(acc_user_id(r)), DB_INT(pg.offset)), &e);
	}
	if (!rows)
		return api_err(r, &e);
	json_t *items = json_array(), *others = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		json_array_append_new(items, user_item(x, true));
		if (jint(x, "id") != acc_user_id(r))
			json_array_append_new(others, json_integer(jint(x, "id")));
	}
	json_decref(rows);
	audit_read(r, others);
	json_decref(others);
	return api_list(r, &pg, items, total);
}

static int user_get(struct req *r)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long id = req_param_id(r, "id");
	const struct acc_grant *g = acc_active_grant(r);
	bool self = id == acc_user_id(r);
	bool admin = acc_grant_is(g, "super_admin");
	if (!self && !admin && acc_grant_is(g, "area_admin")) {
		long long n = 0;
		if (db_int_value(db, "SELECT COUNT(*) FROM grants WHERE user_id = $1 AND area_id = $2 AND revoked_at IS NULL",
				 DB_ARGS(DB_INT(id), DB_INT(g->area_id)), &n, &e) < 0)
			return api_err(r, &e);
		admin = n > 0;
	}
	if (!self && !admin) /* someone else's account is not confirmed to exist */
		return api_error(r, 404, NULL, "ไม่พบผู้ใช้ที่ระบุ", NULL);
	json_t *row = db_row_json(db, "SELECT " USER_COLS " FROM users u WHERE u.id = $1", DB_ARGS(DB_INT(id)), &e);
	if (!row)
		return e.status == 404 ? api_error(r, 404, NULL, "ไม่พบผู้ใช้ที่ระบุ", NULL) : api_err(r, &e);
	json_t *item = user_item(row, true);
	json_decref(row);
	if (!self) {
		json_t *ids = json_pack("[I]", (json_int_t)id);
		audit_read(r, ids);
		json_decref(ids);
	}
	return api_item(r, 200, item);
}

/* --- grants ---------------------------------------------------------------- */

#define GRANT_COLS "id, user_id, role, area_id, school_id, work_group_id, service, granted_at, revoked_at"

static json_t *grant_item(json_t *row)
{
	const char *role = jstr(row, "role");
	const struct permission_def *p = module_permission_of(role, jstr(row, "service"));
	json_t *rv = json_object_get(row, "revoked_at");
	return json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:s, s:o, s:o}", "id", (json_int_t)jint(row, "id"), "user_id",
			 (json_int_t)jint(row, "user_id"), "role",
			 api_enum(role, p ? p->label : nz(acc_role_label(role))), "area_id", nullable_id(row, "area_id"),
			 "school_id", nullable_id(row, "school_id"), "work_group_id", nullable_id(row, "work_group_id"),
			 "service", jstr(row, "service"), "granted_at", api_time(jint(row, "granted_at")), "revoked_at",
			 json_is_integer(rv) ? api_time(json_integer_value(rv)) : json_null());
}

static int grants_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	const struct acc_grant *g = acc_active_grant(r);
	const char *q = req_query(r, "area_id");
	long long area = q ? strtoll(q, NULL, 10) : 0;
	const char *uq = req_query(r, "user_id");
	long long user = uq ? strtoll(uq, NULL, 10) : 0;
	bool super = acc_grant_is(g, "super_admin");
	if (acc_grant_is(g, "area_admin")) {
		if (area && area != g->area_id)
			return api_error(r, 403, NULL, "แอดมินเขตดูสิทธิ์ได้เฉพาะเขตพื้นที่ของตน",
					 json_pack("{s:s}", "area_id", "ไม่ใช่เขตพื้นที่ของท่าน"));
		area = g->area_id;
	} else if (!super) {
		user = acc_user_id(r); /* one's own grants */
		area = 0;
	}
	if (!area && !user && super)
		return api_error(r, 400, "invalid_parameter", "กรุณาระบุ area_id หรือ user_id",
				 json_pack("{s:s}", "area_id", "กรุณาระบุเขตพื้นที่"));
	long long total = 0;
	const char *where = area && user ? "area_id = $1 AND user_id = $2 AND revoked_at IS NULL"
			    : area	     ? "area_id = $1 AND $2 = 0 AND revoked_at IS NULL"
					     : "$1 = 0 AND user_id = $2 AND revoked_at IS NULL";
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM grants WHERE %s", where);
	if (db_int_value(db, sql, DB_ARGS(DB_INT(area), DB_INT(user)), &total, &e) < 0)
		return api_err(r, &e);
	snprintf(sql, sizeof sql, "SELECT " GRANT_COLS " FROM grants WHERE %s ORDER BY id %s LIMIT $3 OFFSET $4", where,
		 pg.desc ? "DESC" : "ASC");
	json_t *rows = db_rows_json(db, sql, DB_ARGS(DB_INT(area), DB_INT(user), DB_INT(pg.per_page), DB_INT(pg.offset)), &e);
	if (!rows)
		return api_err(r, &e);
	return api_list_rows(r, &pg, rows, total, grant_item);
}

/* --- audit events ------------------------------------------------------------ */

static int audit_events(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	const struct acc_grant *g = acc_active_grant(r);
	struct audit_filter f = {0};
	const char *a = req_query(r, "area_id");
	f.area_id = acc_grant_is(g, "super_admin") ? (a ? strtoll(a, NULL, 10) : 0) : g->area_id;
	const char *act = req_query(r, "action");
	f.action_prefix = act;
	int y, m, d;
	const char *from = req_query(r, "from"), *to = req_query(r, "to");
	if (from && thai_parse_date(from, &y, &m, &d) == 0)
		f.from = thai_from_local(y, m, d, 0, 0, 0);
	if (to && thai_parse_date(to, &y, &m, &d) == 0)
		f.to = thai_from_local(y, m, d, 0, 0, 0) + 86400;
	if (f.from && f.to && f.from >= f.to)
		/* named at its parameter, as every other bad parameter is */
		return api_error(r, 400, "invalid_parameter", "พารามิเตอร์ของคำขอไม่ถูกต้อง",
				 json_pack("{s:s}", "to", "วันที่สิ้นสุด (to) ต้องไม่ก่อนวันที่เริ่มต้น (from)"));
	/* audit_list pages itself (at most 500 a page) */
	f.page = (int)pg.page;
	f.per_page = (int)pg.per_page;
	struct err e = ERR_INIT;
	json_t *res = audit_list(req_db(r), &f, &e);
	if (!res)
		return api_err(r, &e);
	json_t *items = json_array();
	size_t i;
	json_t *x;
	/* a page past the last reads as the last in audit_list: the API gives none */
	bool past = pg.page > jint(res, "pages") && jint(res, "total") > 0;
	json_array_foreach(json_object_get(res, "rows"), i, x)
	{
		if (past)
			break;
		const char *action = jstr(x, "action");
		json_t *detail = json_object_get(x, "detail");
		json_array_append_new(items, json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:O}", "id",
						       (json_int_t)jint(x, "id"), "at", api_time(jint(x, "at")), "action",
						       api_enum(action, nz(module_audit_label(action))), "actor_user_id",
						       nullable_id(x, "actor_user_id"), "actor_role", role_enum(jstr(x, "actor_role")),
						       "area_id", nullable_id(x, "area_id"), "ip", jstr(x, "ip"),
						       "target_type", jstr(x, "target_type"), "target_id",
						       nullable_id(x, "target_id"), "detail", detail ? detail : json_null()));
	}
	long long total = jint(res, "total");
	json_decref(res);
	return api_list(r, &pg, items, total);
}

static const struct api_param grant_params[] = {
    {"area_id", AP_INT, "เขตพื้นที่ (ผู้ดูแลระบบ สพฐ.)", "area (super admins; an area admin's is his own)"},
    {"user_id", AP_INT, "ผู้ใช้", "user"},
    {NULL},
};
static const struct api_param audit_params[] = {
    {"area_id", AP_INT, "เขตพื้นที่ (ผู้ดูแลระบบ สพฐ.; 0 = ทั้งหมด)", "area (super admins; 0: every area)"},
    {"action", AP_TEXT, "การกระทำ ขึ้นต้นด้วย (เช่น user.)", "action prefix (e.g. user.)"},
    {"from", AP_DATE, "ตั้งแต่วันที่", "from date"},
    {"to", AP_DATE, "ถึงวันที่", "to date (inclusive)"},
    {NULL},
};

static const struct api_route routes[] = {
    {"GET", "/users", users_list, NULL, "acc:read", NULL,
     "ผู้ใช้ที่ผู้เรียกเห็นได้: สพฐ. ทั้งหมด แอดมินเขตผู้มีบทบาทในเขต ผู้อื่นเฉพาะตนเอง (เลขประจำตัวประชาชนปิดบังเสมอ)",
     "Accounts the caller may see: all (super admin), those with a role in his area (area admin), else himself; "
     "citizen IDs always masked",
     user_schema, true, NULL, "id"},
    {"GET", "/users/:id", user_get, NULL, "acc:read", NULL, "ผู้ใช้หนึ่งบัญชี",
     "One account", user_schema},
    {"GET", "/grants", grants_list, NULL, "acc:read", NULL, "สิทธิ์ (บทบาท) ที่ใช้งานอยู่",
     "Active grants (roles): an area admin's area, a super admin's choice, else one's own", grant_schema, true,
     grant_params, "id"},
    {"GET", "/audit-events", audit_events, NULL, "acc:read", "area_admin super_admin",
     "บันทึกการใช้งานของเขตพื้นที่ ใหม่สุดก่อน", "The audit trail of the area, newest first", audit_schema, true,
     audit_params, NULL},
    {NULL},
};

const struct api_def acc_api = {"acc", "บัญชีผู้ใช้ สิทธิ์ และบันทึกการใช้งาน", routes};
