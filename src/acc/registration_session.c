/* registration_session: registration at a meeting (issue 10.10; seed 004,
 * ว22/2565 ข้อ 2: an area may have its 100–300 schools register their
 * admins together at one meeting). All of them then come from the one
 * address of the office's network, which the per-address limit of the
 * public registration forms (20 in 15 minutes) would stop after twenty.
 * An area admin opens a session for the address he is at himself (the
 * page shows it) for a few hours; while it runs, that address may post
 * ACC_REG_SESSION_MAX registrations in the session instead. The bot check,
 * the one-admin-per-school rule and every per-account limit stay. Sessions
 * live in the database (registration_sessions), so every instance applies
 * them, and starting or stopping one is audited. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

int acc_reg_attempt(struct req *r, struct db *db, const char *form, int max, int window, long long now,
		    long long *minutes, struct err *e)
{
	const char *ip = req_client_ip(r);
	json_t *s = db_row_json(db,
				"SELECT id, started_at, ends_at FROM registration_sessions WHERE ip = $1 AND ends_at > $2 "
				"AND stopped_at IS NULL ORDER BY ends_at DESC LIMIT 1",
				DB_ARGS(DB_TEXT(ip), DB_INT(now)), e);
	if (!s && e->status != 404)
		return -1;
	if (!s) {
		err_clear(e);
		return acc_attempt(r, db, max, window, now, minutes, e, "%s:ip:%s", form, ip);
	}
	long long id = jint(s, "id");
	long long span = jint(s, "ends_at") - jint(s, "started_at");
	json_decref(s);
	return acc_attempt(r, db, ACC_REG_SESSION_MAX, (int)(span > 0 ? span : 1), now, minutes, e, "%s:session:%lld:%s",
			   form, id, ip);
}

static const struct field start_form[] = {
    {.name = "hours",
     .label = "เปิดช่วงลงทะเบียนนาน (ชั่วโมง)",
     .type = FT_INT,
     .flags = F_REQUIRED,
     .min = 1,
     .max = ACC_REG_SESSION_MAX_HOURS,
     .hint = "1 ถึง 8 ชั่วโมง ตามเวลาการประชุม"},
    {0},
};

static const char denied[] = "คุณไม่มีสิทธิ์เปิดช่วงลงทะเบียนของเขตพื้นที่นี้ แอดมินเขตเปิดได้เฉพาะเขตพื้นที่ของตนเท่านั้น";

static int page(struct req *r, int status)
{
	long long aid;
	int rc = 0;
	json_t *area = acc_queue_area(r, &aid, denied, &rc);
	if (!area)
		return rc;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long now = (long long)time(NULL);
	json_t *rows = db_rows_json(
	    db,
	    "SELECT s.id, s.ip, s.started_at, s.ends_at, u.title || u.first_name || ' ' || u.last_name AS started_by_name "
	    "FROM registration_sessions s JOIN users u ON u.id = s.started_by "
	    "WHERE s.area_id = $1 AND s.ends_at > $2 AND s.stopped_at IS NULL ORDER BY s.ends_at",
	    DB_ARGS(DB_INT(aid), DB_INT(now)), &e);
	if (!rows) {
		json_decref(area);
		return view_err(r, &e);
	}
	const char *ip = req_client_ip(r);
	bool here = false;
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		acc_add_time_text(x, "started_at", "started_at_text");
		acc_add_time_text(x, "ends_at", "ends_at_text");
		bool mine = !strcmp(jstr(x, "ip"), ip);
		here = here || mine;
		json_object_set_new(x, "this_address", json_boolean(mine));
		char u[96];
		snprintf(u, sizeof u, "/areas/%lld/registration-session/%lld/stop", aid, jint(x, "id"));
		json_object_set_new(x, "stop_url", json_string(u));
	}
	json_t *vals = json_pack("{s:s}", "hours", "4");
	json_t *form = form_model(r, start_form, vals);
	json_decref(vals);
	char start[80];
	snprintf(start, sizeof start, "/areas/%lld/registration-session", aid);
	json_t *m = json_pack("{s:s, s:o, s:s, s:o, s:b, s:b, s:o, s:s, s:i, s:i}", "page_title",
			      "ช่วงลงทะเบียนพร้อมกันในการประชุม", "area", area, "client_ip", ip, "sessions", rows,
			      "has_sessions", json_array_size(rows) > 0, "open_here", here, "form", form, "start_url",
			      start, "per_session", ACC_REG_SESSION_MAX, "per_address", 20);
	return view_page(r, status, "acc/registration_session", m);
}

static int page_get(struct req *r)
{
	return page(r, 200);
}

static int start_post(struct req *r)
{
	long long aid = req_param_id(r, "id");
	if (aid > 0 && !acc_in_area(r, aid))
		return acc_deny_in(r, aid, "area", aid, denied);
	if (!form_ok(r))
		return page(r, 422);
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *area = org_area_get(db, aid, &e);
	if (!area)
		return view_err(r, &e);
	json_decref(area);
	long long now = (long long)time(NULL);
	const char *ip = req_client_ip(r);
	json_t *open = db_row_json(db,
				   "SELECT ends_at FROM registration_sessions WHERE ip = $1 AND ends_at > $2 "
				   "AND stopped_at IS NULL LIMIT 1",
				   DB_ARGS(DB_TEXT(ip), DB_INT(now)), &e);
	if (open) {
		struct buf t = BUF_INIT, msg = BUF_INIT;
		thai_datetime_short(&t, jint(open, "ends_at"));
		buf_addf(&msg, "มีช่วงลงทะเบียนของที่อยู่เครือข่าย %s เปิดอยู่แล้วถึง %s หากต้องการเวลาเพิ่ม ให้ปิดช่วงเดิมแล้วเปิดใหม่",
			 ip, buf_cstr(&t));
		form_error(r, "_form", buf_cstr(&msg));
		buf_release(&t);
		buf_release(&msg);
		json_decref(open);
		return page(r, 409);
	}
	if (e.status != 404)
		return view_err(r, &e);
	err_clear(&e);
	long long hours = form_int(r, "hours");
	long long id = 0;
	if (db_int_value(db,
			 "INSERT INTO registration_sessions (area_id, ip, started_by, started_at, ends_at) "
			 "VALUES ($1, $2, $3, $4, $5) RETURNING id",
			 DB_ARGS(DB_INT(aid), DB_TEXT(ip), DB_INT(acc_user_id(r)), DB_INT(now), DB_INT(now + hours * 3600)),
			 &id, &e) < 0)
		return view_err(r, &e);
	acc_audit_in(r, db, aid, acc_user_id(r), "registration_session.start", "registration_session", id,
		     json_pack("{s:s, s:I, s:I}", "ip", ip, "hours", (json_int_t)hours, "per_session",
			       (json_int_t)ACC_REG_SESSION_MAX));
	char loc[80];
	snprintf(loc, sizeof loc, "/areas/%lld/registration-session", aid);
	return view_redirect(r, loc, "เปิดช่วงลงทะเบียนพร้อมกันแล้ว");
}

static int stop_post(struct req *r)
{
	long long aid = req_param_id(r, "id"), sid = req_param_id(r, "sid");
	if (aid > 0 && !acc_in_area(r, aid))
		return acc_deny_in(r, aid, "area", aid, denied);
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	long long now = (long long)time(NULL);
	json_t *s = db_row_json(db,
				"SELECT ip FROM registration_sessions WHERE id = $1 AND area_id = $2 AND ends_at > $3 "
				"AND stopped_at IS NULL",
				DB_ARGS(DB_INT(sid), DB_INT(aid), DB_INT(now)), &e);
	if (!s)
		return e.status == 404 ? view_error(r, 404, "ไม่พบช่วงลงทะเบียนที่เปิดอยู่ตามที่ระบุ (อาจหมดเวลาหรือถูกปิดไปแล้ว)")
				       : view_err(r, &e);
	if (db_exec(db, "UPDATE registration_sessions SET stopped_at = $2, stopped_by = $3 WHERE id = $1",
		    DB_ARGS(DB_INT(sid), DB_INT(now), DB_INT(acc_user_id(r))), &e) < 0) {
		json_decref(s);
		return view_err(r, &e);
	}
	acc_audit_in(r, db, aid, acc_user_id(r), "registration_session.stop", "registration_session", sid,
		     json_pack("{s:s}", "ip", jstr(s, "ip")));
	json_decref(s);
	char loc[80];
	snprintf(loc, sizeof loc, "/areas/%lld/registration-session", aid);
	return view_redirect(r, loc, "ปิดช่วงลงทะเบียนแล้ว");
}

#define AREA_ROLES "area_admin super_admin"

static const struct route routes[] = {
    {"GET", "/areas/:id/registration-session", page_get, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"POST", "/areas/:id/registration-session", start_post, start_form, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"POST", "/areas/:id/registration-session/:sid/stop", stop_post, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_reg_session_routes = {"acc", routes};
