/* settings: the dates of a year's census rounds as OBEC sets them (DMC-3
 * "dates and times are settings per round"; OBEC often extends a
 * window). A round's day, the first day of entry and the confirm window
 * (open and close, Bangkok time, on the round day) are one row of
 * dmc_rounds; a change keeps the rounds in order (each window after the
 * one before it closes and before the next opens, entry not after the
 * day) and is refused once any school has certified the round: what was
 * certified was certified under those dates. Two saves from the same
 * page: the version decides, the second is told. */
#include <stdio.h>
#include <string.h>

#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"

static void hhmm(long long t, char out[16])
{
	int y, mo, d, h, mi, s, wd;
	thai_local(t, &y, &mo, &d, &h, &mi, &s, &wd);
	snprintf(out, 16, "%02d:%02d", h, mi);
}

static void ymd(long long t, char out[16])
{
	int y, mo, d, h, mi, s, wd;
	thai_local(t, &y, &mo, &d, &h, &mi, &s, &wd);
	snprintf(out, 16, "%04d-%02d-%02d", y, mo, d);
}

json_t *dmc_round_years(struct db *db, struct err *e)
{
	return db_rows_json(db, "SELECT DISTINCT academic_year FROM dmc_rounds ORDER BY academic_year", NULL, 0, e);
}

json_t *dmc_rounds_year(struct db *db, long long year, struct err *e)
{
	json_t *rows = db_rows_json(
	    db,
	    "SELECT r.id, r.academic_year, r.round_no, r.label, r.round_day, r.entry_from, r.open_at, r.close_at, "
	    "r.version, COALESCE(r.updated_at, 0) AS updated_at, "
	    "(SELECT COUNT(*) FROM dmc_round_schools s WHERE s.round_id = r.id AND s.certified_at IS NOT NULL) AS "
	    "certified "
	    "FROM dmc_rounds r WHERE r.academic_year = $1 ORDER BY r.round_no",
	    DB_ARGS(DB_INT(year)), e);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		char t[16], d[16];
		ymd(jint(r, "entry_from"), d);
		json_object_set_new(r, "entry_day", json_string(d));
		hhmm(jint(r, "open_at"), t);
		json_object_set_new(r, "open_time", json_string(t));
		hhmm(jint(r, "close_at"), t);
		json_object_set_new(r, "close_time", json_string(t));
	}
	return rows;
}

/* The round before and after this one (by time), for the order check. */
static int neighbours(struct db *db, long long id, long long open_at, long long *prev_close, long long *next_open,
		      struct err *e)
{
	*prev_close = *next_open = 0;
	json_t *p = db_row_json(
	    db, "SELECT close_at FROM dmc_rounds WHERE id <> $1 AND open_at < $2 ORDER BY open_at DESC LIMIT 1",
	    DB_ARGS(DB_INT(id), DB_INT(open_at)), e);
	if (p)
		*prev_close = jint(p, "close_at");
	else if (e->status != 404)
		return -1;
	err_clear(e);
	json_decref(p);
	json_t *n =
	    db_row_json(db, "SELECT open_at FROM dmc_rounds WHERE id <> $1 AND open_at >= $2 ORDER BY open_at LIMIT 1",
			DB_ARGS(DB_INT(id), DB_INT(open_at)), e);
	if (n)
		*next_open = jint(n, "open_at");
	else if (e->status != 404)
		return -1;
	err_clear(e);
	json_decref(n);
	return 0;
}

int dmc_round_update(struct db *db, long long round_id, const char *day, const char *entry_day, const char *open_time,
		     const char *close_time, long long version, long long by, long long now, struct err *e)
{
	/* PostgreSQL: wait for certifications in flight (they hold the row in
	 * share mode, round.c) so the count below sees them */
	json_t *cur = db_row_json(db,
				  db_kind(db) == DB_SQLITE
				      ? "SELECT id, version, open_at FROM dmc_rounds WHERE id = $1"
				      : "SELECT id, version, open_at FROM dmc_rounds WHERE id = $1 FOR UPDATE",
				  DB_ARGS(DB_INT(round_id)), e);
	if (!cur)
		return e->status == 404 ? err_set(e, 404, "ไม่พบรอบการจัดเก็บข้อมูลนี้") : -1;
	long long cur_version = jint(cur, "version"), old_open = jint(cur, "open_at");
	json_decref(cur);
	long long certified = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM dmc_round_schools WHERE round_id = $1 AND certified_at IS NOT NULL",
			 DB_ARGS(DB_INT(round_id)), &certified, e) < 0)
		return -1;
	if (certified > 0)
		return err_set(e, 409,
			       "เปลี่ยนวันและเวลาของรอบนี้ไม่ได้ เพราะมีโรงเรียนรับรองข้อมูลรอบนี้แล้ว %lld โรง "
			       "(ข้อมูลที่รับรองแล้วอ้างอิงวันเวลาเดิม)",
			       certified);
	int y, m, d, ey, em, ed;
	if (!day || thai_parse_date(day, &y, &m, &d) < 0)
		return err_field(e, "round_day", "กรุณากรอกวันที่ของรอบให้ถูกต้อง");
	if (!entry_day || thai_parse_date(entry_day, &ey, &em, &ed) < 0)
		return err_field(e, "entry_day", "กรุณากรอกวันเริ่มบันทึกข้อมูลให้ถูกต้อง");
	int open = dmc_parse_hhmm(open_time), close = dmc_parse_hhmm(close_time);
	if (open < 0)
		return err_field(e, "open_time", "เวลาเริ่มยืนยันต้องอยู่ในรูป ชช:นน เช่น 08:30");
	if (close < 0)
		return err_field(e, "close_time", "เวลาสิ้นสุดต้องอยู่ในรูป ชช:นน เช่น 16:30");
	if (close <= open)
		return err_field(e, "close_time", "เวลาสิ้นสุดต้องหลังเวลาเริ่มยืนยัน");
	long long open_at, close_at, entry_from;
	dmc_round_times(y, m, d, open, close, ey, em, ed, &open_at, &close_at, &entry_from);
	if (entry_from > open_at)
		return err_field(e, "entry_day", "วันเริ่มบันทึกข้อมูลต้องไม่หลังวันของรอบ");
	long long prev_close, next_open;
	if (neighbours(db, round_id, old_open, &prev_close, &next_open, e) < 0)
		return -1;
	struct buf t = BUF_INIT;
	int rc = 0;
	if (prev_close && open_at <= prev_close + 60) {
		thai_datetime_short(&t, prev_close);
		rc = err_field(e, "round_day", "รอบนี้ต้องอยู่หลังรอบก่อนหน้า ซึ่งปิดรับรองเมื่อ %s", buf_cstr(&t));
	} else if (next_open && close_at + 60 > next_open) {
		thai_datetime_short(&t, next_open);
		rc = err_field(e, "round_day", "รอบนี้ต้องปิดก่อนรอบถัดไป ซึ่งเปิดยืนยันเมื่อ %s", buf_cstr(&t));
	}
	buf_release(&t);
	if (rc < 0)
		return -1;
	if (version >= 0 && version != cur_version)
		return err_field(e, "_version", "รอบนี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้"), e->status = 409, -1;
	char rd[32];
	snprintf(rd, sizeof rd, "%04d-%02d-%02d", y, m, d);
	long long n =
	    db_exec(db,
		    "UPDATE dmc_rounds SET round_day = $2, entry_from = $3, open_at = $4, close_at = $5, "
		    "version = version + 1, updated_at = $6, updated_by = $7 WHERE id = $1 AND version = $8",
		    DB_ARGS(DB_INT(round_id), DB_TEXT(rd), DB_INT(entry_from), DB_INT(open_at), DB_INT(close_at),
			    DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL, DB_INT(cur_version)),
		    e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_field(e, "_version", "รอบนี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้"), e->status = 409, -1;
	return 0;
}

int dmc_round_extend(struct db *db, long long round_id, long long area_id, const char *close_time, long long version,
		     long long by, long long now, struct err *e)
{
	json_t *r = db_row_json(
	    db,
	    "SELECT r.round_day, r.open_at, r.close_at, x.close_at AS ext, COALESCE(x.version, 0) AS version "
	    "FROM dmc_rounds r LEFT JOIN dmc_round_areas x ON x.round_id = r.id AND x.area_id = $2 "
	    "WHERE r.id = $1",
	    DB_ARGS(DB_INT(round_id), DB_INT(area_id)), e);
	if (!r)
		return e->status == 404 ? err_set(e, 404, "ไม่พบรอบการจัดเก็บข้อมูลนี้") : -1;
	long long national = jint(r, "close_at"), ext = jint(r, "ext"), cur_version = jint(r, "version");
	long long effective = ext ? ext : national;
	int y = 0, m = 0, d = 0;
	thai_parse_date(jstr(r, "round_day"), &y, &m, &d);
	long long day_start = thai_from_local(y, m, d, 0, 0, 0);
	json_decref(r);
	if (now >= effective + 60)
		return err_set(e, 409, "ช่วงเวลายืนยันและรับรองของรอบนี้ปิดแล้ว จึงขยายเวลาย้อนหลังไม่ได้");
	if (version >= 0 && version != cur_version)
		return err_field(e, "_version", "การขยายเวลาของรอบนี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้"), e->status = 409, -1;
	long long at = 0;
	if (close_time && *close_time) {
		int min = dmc_parse_hhmm(close_time);
		if (min < 0)
			return err_field(e, "close_time", "เวลาปิดต้องอยู่ในรูป ชช:นน เช่น 18:00");
		at = day_start + (long long)min * 60;
		if (at < national)
			return err_field(e, "close_time", "เวลาปิดที่ขยายต้องไม่ก่อนเวลาปิดของ สพฐ. (ขยายได้เท่านั้น ย่นไม่ได้)");
		if (at <= now)
			return err_field(e, "close_time", "เวลาปิดที่ขยายต้องเป็นเวลาที่ยังมาไม่ถึง");
		if (at == national)
			at = 0;
	}
	long long n;
	if (!at)
		n = db_exec(db, "DELETE FROM dmc_round_areas WHERE round_id = $1 AND area_id = $2",
			    DB_ARGS(DB_INT(round_id), DB_INT(area_id)), e);
	else if (cur_version)
		n = db_exec(
		    db,
		    "UPDATE dmc_round_areas SET close_at = $3, version = version + 1, updated_at = $4, updated_by = $5 "
		    "WHERE round_id = $1 AND area_id = $2 AND version = $6",
		    DB_ARGS(DB_INT(round_id), DB_INT(area_id), DB_INT(at), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL,
			    DB_INT(cur_version)),
		    e);
	else
		n = db_exec(
		    db,
		    "INSERT INTO dmc_round_areas (round_id, area_id, close_at, version, updated_at, updated_by) "
		    "VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT DO NOTHING",
		    DB_ARGS(DB_INT(round_id), DB_INT(area_id), DB_INT(at), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL),
		    e);
	if (n < 0)
		return -1;
	if (n == 0 && at)
		return err_field(e, "_version", "การขยายเวลาของรอบนี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้"), e->status = 409, -1;
	return 0;
}

json_t *dmc_round_extensions(struct db *db, long long area_id, long long year, struct err *e)
{
	json_t *rows =
	    db_rows_json(db,
			 "SELECT x.round_id, x.close_at, x.version FROM dmc_round_areas x "
			 "JOIN dmc_rounds r ON r.id = x.round_id WHERE x.area_id = $1 AND r.academic_year = $2",
			 DB_ARGS(DB_INT(area_id), DB_INT(year)), e);
	if (!rows)
		return NULL;
	json_t *out = json_object();
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		char t[16], k[32];
		hhmm(jint(x, "close_at"), t);
		json_object_set_new(x, "close_time", json_string(t));
		snprintf(k, sizeof k, "%lld", jint(x, "round_id"));
		json_object_set(out, k, x);
	}
	json_decref(rows);
	return out;
}
