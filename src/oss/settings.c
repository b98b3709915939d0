/* settings: what an area admin sets for the One Stop Service of the area —
 * which officers serve which service (OSS-7), the meeting rooms and their
 * capacities (OSS-2.4), the public holidays that are not business days
 * (OSS-7), and the unit prices of the ปพ. forms (OSS-2.6). Every function
 * takes the area it acts in and refuses rows of another area with 404, so
 * a handler that passes the admin's own area can never touch a neighbour's
 * settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/thai.h"
#include "oss/oss_internal.h"

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int name_check(const char *s, size_t max, const char *field, const char *what, struct err *e)
{
	if (!s || !*s)
		return err_field(e, field, "กรุณากรอก%s", what);
	if (!thai_utf8_valid(s, strlen(s)) || strpbrk(s, "\r\n\t") || thai_text_invisible(s))
		return err_field(e, field, "%sมีอักขระที่ใช้ไม่ได้", what);
	if (utf8_chars(s) > max)
		return err_field(e, field, "%sยาวเกินไป (ไม่เกิน %zu ตัวอักษร)", what, max);
	return 0;
}

/* ---- officers ------------------------------------------------------------- */

/* An officer serves a service of an area while he holds an active officer
 * grant qualified by that service there (the permission "officer:31") and
 * his account is active: the grant is the one truth that the permission
 * matrix, the access requests and this module read alike. A revoked grant
 * or a cancelled account ends it at once, also for mail. */
#define OFFICER_GRANTS                                                                                                 \
	"FROM grants g JOIN users u ON u.id = g.user_id AND u.status = 'active' "                                      \
	"WHERE g.role = 'officer' AND g.revoked_at IS NULL "

static const char sql_officer_services[] = "SELECT g.service " OFFICER_GRANTS "AND g.user_id = $1 AND g.area_id = $2";

int oss_officer_services(struct db *db, long long user_id, long long area_id, unsigned *mask, struct err *e)
{
	*mask = 0;
	struct db_res *res;
	if (db_query(db, sql_officer_services, DB_ARGS(DB_INT(user_id), DB_INT(area_id)), &res, e) < 0)
		return -1;
	int rc;
	while ((rc = db_next(res, e)) == 1)
		*mask |= oss_service_bit(db_text(res, 0));
	db_res_free(res);
	return rc < 0 ? -1 : 0;
}

int oss_officer_scope(struct db *db, long long user_id, long long area_id, unsigned *mask, long long **holidays,
		      size_t *nhol, long long *rooms_pending, struct err *e)
{
	*mask = 0;
	*holidays = NULL;
	*nhol = 0;
	*rooms_pending = 0;
	/* one round trip: the assigned services ('s'), the area's holidays as
	 * one row of oss_holiday_days ('h', kept by triggers, migration 0307)
	 * and the room requests waiting ('p', from the counters every write
	 * keeps, as oss_rooms_badge reads them) */
	struct db_res *res;
	if (db_query(db,
		     "SELECT 's', g.service " OFFICER_GRANTS "AND g.user_id = $1 AND g.area_id = $2 "
		     "UNION ALL SELECT 'h', days FROM oss_holiday_days WHERE area_id = $2 "
		     "UNION ALL SELECT 'p', CAST(" OSS_ROOMS_PENDING_SUM " AS TEXT) FROM oss_status_counts "
		     "WHERE area_id = $2 AND service = '31'",
		     DB_ARGS(DB_INT(user_id), DB_INT(area_id)), &res, e) < 0)
		return -1;
	long long *days = NULL;
	int rc;
	while ((rc = db_next(res, e)) == 1) {
		const char *v = db_text(res, 1);
		char kind = db_text(res, 0)[0];
		if (kind == 's')
			*mask |= oss_service_bit(v);
		else if (kind == 'p')
			*rooms_pending = strtoll(v, NULL, 10);
		else if (!days)
			days = oss_days_unpack(v, nhol);
	}
	db_res_free(res);
	if (rc < 0) {
		free(days);
		*nhol = 0;
		return -1;
	}
	*holidays = days ? days : oss_days_unpack(NULL, nhol);
	return 0;
}

json_t *oss_officers_list(struct db *db, long long area_id, struct err *e)
{
	/* one query: the area's active officer grants with their holders */
	json_t *rows = db_rows_json(db,
				    "SELECT g.id, g.user_id, g.service, g.granted_at AS assigned_at, "
				    "u.title, u.first_name, u.last_name, u.email " OFFICER_GRANTS "AND g.area_id = $1 "
				    "ORDER BY g.service, u.first_name COLLATE thai, u.last_name COLLATE thai, g.id",
				    DB_ARGS(DB_INT(area_id)), e);
	if (!rows)
		return NULL;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_object_set_new(row, "service_name",
				    json_string(oss_service_name(json_string_value(json_object_get(row, "service")))));
		struct buf name = BUF_INIT;
		buf_addf(&name, "%s%s %s", json_string_value(json_object_get(row, "title")),
			 json_string_value(json_object_get(row, "first_name")),
			 json_string_value(json_object_get(row, "last_name")));
		json_object_set_new(row, "name", json_string(buf_cstr(&name)));
		buf_release(&name);
		json_object_del(row, "title");
		json_object_del(row, "first_name");
		json_object_del(row, "last_name");
	}
	return rows;
}

long long oss_officer_add(struct db *db, long long area_id, long long user_id, const char *service, long long by,
			  struct err *e)
{
	if (!oss_service_valid(service))
		return err_field(e, "service", "กรุณาเลือกบริการจากรายการ");
	struct acc_grant g = {0};
	g.user_id = user_id;
	snprintf(g.role, sizeof g.role, "officer");
	snprintf(g.service, sizeof g.service, "%s", service);
	g.area_id = area_id;
	long long id = acc_grant_add_full(db, &g, by, e);
	if (id < 0 && e->status == 409) {
		err_field(e, "login", "ผู้ใช้นี้ได้รับมอบหมายบริการ %s อยู่แล้ว", oss_service_name(service));
		e->status = 409;
	} else if (id < 0 && e->status == 404) {
		err_field(e, "login", "ไม่พบผู้ใช้ที่ระบุ หรือบัญชีถูกยกเลิกแล้ว");
	}
	return id;
}

int oss_officer_remove(struct db *db, long long area_id, long long id, long long by, struct err *e)
{
	long long one = 0;
	int rc = db_int_value(db,
			      "SELECT 1 FROM grants WHERE id = $1 AND area_id = $2 AND role = 'officer' "
			      "AND revoked_at IS NULL",
			      DB_ARGS(DB_INT(id), DB_INT(area_id)), &one, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, 404, "ไม่พบการมอบหมายเจ้าหน้าที่ที่ระบุ");
	return acc_grant_revoke(db, id, by, e);
}

json_t *oss_officer_ids(struct db *db, long long area_id, const char *service, struct err *e)
{
	return db_rows_json(db,
			    "SELECT g.user_id, u.email " OFFICER_GRANTS "AND g.area_id = $1 AND g.service = $2 ORDER BY g.id",
			    DB_ARGS(DB_INT(area_id), DB_TEXT(service)), e);
}

/* ---- rooms --------------------------------------------------------------------- */

json_t *oss_rooms_list(struct db *db, long long area_id, bool active_only, struct err *e)
{
	return db_rows_json(db,
			    "SELECT id, area_id, name, capacity, active FROM oss_rooms WHERE area_id = $1 "
			    "AND active >= $2 ORDER BY name COLLATE thai, id",
			    DB_ARGS(DB_INT(area_id), DB_INT(active_only ? 1 : 0)), e);
}

json_t *oss_room_get(struct db *db, long long id, struct err *e)
{
	json_t *r = db_row_json(db, "SELECT id, area_id, name, capacity, active FROM oss_rooms WHERE id = $1",
				DB_ARGS(DB_INT(id)), e);
	if (!r && e->status == 404)
		err_set(e, 404, "ไม่พบห้องประชุมที่ระบุ");
	return r;
}

static int room_check(const char *name, long long capacity, struct err *e)
{
	if (name_check(name, 100, "name", "ชื่อห้องประชุม", e) < 0)
		return -1;
	if (capacity < 1 || capacity > 10000)
		return err_field(e, "capacity", "ความจุของห้องต้องเป็นจำนวนคนตั้งแต่ 1 ถึง 10,000");
	return 0;
}

long long oss_room_add(struct db *db, long long area_id, const char *name, long long capacity, struct err *e)
{
	if (room_check(name, capacity, e) < 0)
		return -1;
	long long id = 0;
	int rc = db_int_value(db,
			      "INSERT INTO oss_rooms (area_id, name, capacity, active) VALUES ($1, $2, $3, 1) "
			      "ON CONFLICT (area_id, name) DO NOTHING RETURNING id",
			      DB_ARGS(DB_INT(area_id), DB_TEXT(name), DB_INT(capacity)), &id, e);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		err_field(e, "name", "มีห้องประชุมชื่อ %s อยู่แล้ว", name);
		e->status = 409;
		return -1;
	}
	return id;
}

int oss_room_update(struct db *db, long long area_id, long long id, const char *name, long long capacity, bool active,
		    struct err *e)
{
	if (room_check(name, capacity, e) < 0)
		return -1;
	/* the clash is looked for first: on PostgreSQL a unique violation
	 * aborts the transaction, and the form shown again needs it */
	long long other = 0;
	int rc = db_int_value(db, "SELECT id FROM oss_rooms WHERE area_id = $1 AND name = $2 AND id <> $3 LIMIT 1",
			      DB_ARGS(DB_INT(area_id), DB_TEXT(name), DB_INT(id)), &other, e);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		err_field(e, "name", "มีห้องประชุมชื่อ %s อยู่แล้ว", name);
		e->status = 409;
		return -1;
	}
	long long n =
	    db_exec(db, "UPDATE oss_rooms SET name = $3, capacity = $4, active = $5 WHERE id = $1 AND area_id = $2",
		    DB_ARGS(DB_INT(id), DB_INT(area_id), DB_TEXT(name), DB_INT(capacity), DB_INT(active ? 1 : 0)), e);
	if (n < 0) {
		if (e->status == 409) {
			err_field(e, "name", "มีห้องประชุมชื่อ %s อยู่แล้ว", name);
			e->status = 409;
		}
		return -1;
	}
	return n == 0 ? err_set(e, 404, "ไม่พบห้องประชุมที่ระบุ") : 0;
}

/* ---- holidays ---------------------------------------------------------------------- */

json_t *oss_holidays_list(struct db *db, long long area_id, struct err *e)
{
	return db_rows_json(db, "SELECT id, day, name FROM oss_holidays WHERE area_id = $1 ORDER BY day",
			    DB_ARGS(DB_INT(area_id)), e);
}

long long *oss_holidays_load(struct db *db, long long area_id, size_t *n, struct err *e)
{
	*n = 0;
	struct db_res *res;
	if (db_query(db, "SELECT days FROM oss_holiday_days WHERE area_id = $1", DB_ARGS(DB_INT(area_id)), &res, e) <
	    0)
		return NULL;
	long long *days = NULL;
	int rc = db_next(res, e);
	if (rc == 1)
		days = oss_days_unpack(db_text(res, 0), n);
	db_res_free(res);
	if (rc < 0) {
		free(days);
		*n = 0;
		return NULL;
	}
	return days ? days : oss_days_unpack(NULL, n);
}

long long oss_holiday_add(struct db *db, long long area_id, const char *day, const char *name, struct err *e)
{
	if (oss_day_parse(day) < 0)
		return err_field(e, "day", "วันที่ไม่ถูกต้อง กรุณากรอกเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2567");
	if (name_check(name, 100, "name", "ชื่อวันหยุด", e) < 0)
		return -1;
	long long id = 0;
	int rc = db_int_value(db,
			      "INSERT INTO oss_holidays (area_id, day, name) VALUES ($1, $2, $3) "
			      "ON CONFLICT (area_id, day) DO NOTHING RETURNING id",
			      DB_ARGS(DB_INT(area_id), DB_TEXT(day), DB_TEXT(name)), &id, e);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		err_field(e, "day", "วันที่นี้เป็นวันหยุดอยู่แล้ว");
		e->status = 409;
		return -1;
	}
	return id;
}

int oss_holiday_remove(struct db *db, long long area_id, long long id, struct err *e)
{
	long long n = db_exec(db, "DELETE FROM oss_holidays WHERE id = $1 AND area_id = $2",
			      DB_ARGS(DB_INT(id), DB_INT(area_id)), e);
	if (n < 0)
		return -1;
	return n == 0 ? err_set(e, 404, "ไม่พบวันหยุดที่ระบุ") : 0;
}

/* ---- prices ------------------------------------------------------------------------ */

int oss_prices_save(struct db *db, long long area_id, const long long price[OSS_PP_ITEMS], long long by, struct err *e)
{
	if (area_id <= 0)
		return err_set(e, 500, "oss_prices_save: area %lld", area_id);
	for (int i = 0; i < OSS_PP_ITEMS; i++) {
		if (price[i] < 0 || price[i] > OSS_PRICE_MAX_SATANG)
			return err_field(e, oss_pp_items[i].key, "ราคา %s ต้องอยู่ระหว่าง 0 ถึง 100,000 บาท",
					 oss_pp_items[i].label);
		if (db_exec(db,
			    "INSERT INTO oss_prices (area_id, item, price, updated_by, updated_at) VALUES ($1, $2, $3, "
			    "$4, $5) "
			    "ON CONFLICT (area_id, item) DO UPDATE SET price = excluded.price, "
			    "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
			    DB_ARGS(DB_INT(area_id), DB_TEXT(oss_pp_items[i].key), DB_INT(price[i]),
				    by > 0 ? DB_INT(by) : DB_NULL, DB_INT(time(NULL))),
			    e) < 0)
			return -1;
	}
	return 0;
}
