/* store: the buildings module's tables (db/migrations/0700_bld.sql) —
 * buildings with their rooms, photos and history, the yearly window and
 * an area's extension, a school's year (rooms taught, submission), the
 * area's overview and budget request list. Every write of a building
 * writes its history row in the same transaction (the request's). Lists
 * are a fixed number of queries whatever their length (no N+1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bld/bld_internal.h"
#include "core/alloc.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/module.h"
#include "core/thai.h"

/* db_lock keys of this module: "bld" in the high bytes, the building id below */
#define BLD_LOCK_PHOTOS (0x626c64LL << 32)

/* ---- choice lists ------------------------------------------------------------- */

static const char *const list_sql[] = {
    [BLD_TYPES] = "SELECT code AS value, label FROM bld_types ORDER BY sort",
    [BLD_PLANS] = "SELECT code AS value, label FROM bld_plans ORDER BY sort",
    [BLD_USES] = "SELECT code AS value, label FROM bld_room_uses ORDER BY sort",
    [BLD_SOURCES] = "SELECT code AS value, label FROM bld_budget_sources ORDER BY sort",
};
static const char *const known_sql[] = {
    [BLD_TYPES] = "SELECT COUNT(*) FROM bld_types WHERE code = $1",
    [BLD_PLANS] = "SELECT COUNT(*) FROM bld_plans WHERE code = $1",
    [BLD_USES] = "SELECT COUNT(*) FROM bld_room_uses WHERE code = $1",
    [BLD_SOURCES] = "SELECT COUNT(*) FROM bld_budget_sources WHERE code = $1",
};

json_t *bld_choices(struct db *db, enum bld_list which, struct err *e)
{
	return db_rows_json(db, list_sql[which], NULL, 0, e);
}

int bld_choice_known(struct db *db, enum bld_list which, const char *code, struct err *e)
{
	if (!code || !*code)
		return 0;
	long long n = 0;
	if (db_int_value(db, known_sql[which], DB_ARGS(DB_TEXT(code)), &n, e) < 0)
		return -1;
	return n > 0;
}

/* ---- the window ------------------------------------------------------------------ */

int bld_window_get(struct db *db, int year, long long area_id, struct bld_window *w, long long *area_closes,
		   struct err *e)
{
	bld_window_default(year, w);
	struct db_res *res = NULL;
	if (db_query(db, "SELECT opens_at, closes_at FROM bld_windows WHERE year = $1", DB_ARGS(DB_INT(year)), &res,
		     e) < 0)
		return -1;
	int k = db_next(res, e);
	if (k == 1) {
		w->opens = db_int(res, 0);
		w->closes = db_int(res, 1);
	}
	db_res_free(res);
	if (k < 0)
		return -1;
	*area_closes = 0;
	if (area_id > 0 && db_int_value(db, "SELECT closes_at FROM bld_area_windows WHERE year = $1 AND area_id = $2",
					DB_ARGS(DB_INT(year), DB_INT(area_id)), area_closes, e) < 0)
		return -1;
	return 0;
}

int bld_window_set(struct db *db, int year, long long opens, long long closes, long long by, long long now,
		   struct err *e)
{
	if (closes <= opens)
		return err_field(e, "closes_on", "วันปิดรับข้อมูลต้องอยู่หลังวันเปิดรับข้อมูล");
	/* the window of year Y opens in year Y: a date typed in another year
	 * would silently replace that year's window */
	int oy, mo, d, h, mi, sec;
	thai_local(opens, &oy, &mo, &d, &h, &mi, &sec, NULL);
	if (oy + 543 != year)
		return err_field(e, "opens_on", "วันเปิดรับข้อมูลต้องอยู่ในปี พ.ศ. %d ที่เลือก (วันที่กรอกอยู่ในปี พ.ศ. %d)",
				 year, oy + 543);
	return db_exec(db,
		       "INSERT INTO bld_windows (year, opens_at, closes_at, updated_at, updated_by) VALUES ($1, $2, $3, "
		       "$4, $5) ON CONFLICT (year) DO UPDATE SET opens_at = excluded.opens_at, closes_at = "
		       "excluded.closes_at, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
		       DB_ARGS(DB_INT(year), DB_INT(opens), DB_INT(closes), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL),
		       e) < 0
		   ? -1
		   : 0;
}

int bld_area_extend(struct db *db, int year, long long area_id, long long closes, long long by, long long now,
		    struct err *e)
{
	if (closes == 0)
		return db_exec(db, "DELETE FROM bld_area_windows WHERE year = $1 AND area_id = $2",
			       DB_ARGS(DB_INT(year), DB_INT(area_id)), e) < 0
			   ? -1
			   : 0;
	struct bld_window w;
	long long ac = 0;
	if (bld_window_get(db, year, 0, &w, &ac, e) < 0)
		return -1;
	if (closes <= w.closes) {
		struct buf b = BUF_INIT;
		thai_date_long(&b, w.closes);
		int h, mi;
		thai_local(w.closes, NULL, NULL, NULL, &h, &mi, NULL, NULL);
		err_field(e, "closes_on", "การขยายเวลาต้องปิดหลังกำหนดเดิมของปี %d (%s เวลา %02d:%02d น.)", year,
			  buf_cstr(&b), h, mi);
		buf_release(&b);
		return -1;
	}
	return db_exec(db,
		       "INSERT INTO bld_area_windows (year, area_id, closes_at, updated_at, updated_by) VALUES ($1, $2, "
		       "$3, $4, $5) ON CONFLICT (year, area_id) DO UPDATE SET closes_at = excluded.closes_at, "
		       "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
		       DB_ARGS(DB_INT(year), DB_INT(area_id), DB_INT(closes), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL),
		       e) < 0
		   ? -1
		   : 0;
}

int bld_may_change(struct db *db, long long school_id, long long area_id, long long now, struct err *e)
{
	int year = bld_year_at(now);
	struct bld_window w;
	long long ac = 0;
	if (bld_window_get(db, year, area_id, &w, &ac, e) < 0)
		return -1;
	if (bld_window_at(&w, ac, now) != BLD_OPEN) {
		struct buf b = BUF_INIT;
		bld_window_message(&w, ac, now, &b);
		err_set(e, 409, "%s", buf_cstr(&b));
		buf_release(&b);
		return -1;
	}
	long long sub = 0;
	if (db_int_value(db, "SELECT COALESCE(submitted_at, 0) FROM bld_school_years WHERE year = $1 AND school_id = $2",
			 DB_ARGS(DB_INT(year), DB_INT(school_id)), &sub, e) < 0)
		return -1;
	if (sub > 0) {
		struct buf b = BUF_INIT;
		thai_datetime_short(&b, sub);
		err_set(e, 409,
			"โรงเรียนส่งข้อมูลอาคารเรียนปี %d แล้วเมื่อ %s จึงแก้ไขไม่ได้ หากต้องแก้ไข ให้ขอเขตพื้นที่เปิดให้แก้ไขอีกครั้ง",
			year, buf_cstr(&b));
		buf_release(&b);
		return -1;
	}
	return 0;
}

/* ---- buildings --------------------------------------------------------------------- */

#define BUILDING_COLS                                                                                                  \
	"b.id, b.school_id, b.area_id, b.name, b.type, COALESCE(t.label, '') AS type_label, COALESCE(b.plan, '') AS plan, " \
	"COALESCE(p.label, '') AS plan_label, b.year_built, b.floors, b.area_m2, b.condition, "                       \
	"COALESCE(b.budget_source, '') AS budget_source, COALESCE(s.label, '') AS budget_source_label, "              \
	"COALESCE(b.lat, '') AS lat, COALESCE(b.lng, '') AS lng, b.version, b.created_at, b.updated_at, "            \
	"COALESCE(t.needs_rooms, 0) AS needs_rooms "
#define BUILDING_FROM                                                                                                  \
	"FROM bld_buildings b LEFT JOIN bld_types t ON t.code = b.type LEFT JOIN bld_plans p ON p.code = b.plan "     \
	"LEFT JOIN bld_budget_sources s ON s.code = b.budget_source "

static void building_labels(json_t *b)
{
	json_object_set_new(b, "condition_label", json_string(bld_condition_label(jstr(b, "condition"))));
	json_object_set_new(b, "rooms", json_array());
	json_object_set_new(b, "photos", json_array());
	json_object_set_new(b, "classrooms", json_integer(0));
	json_object_set_new(b, "room_count", json_integer(0));
}

/* Puts each row of rows (keyed by building_id) into its building's array
 * key of by_id. */
static void attach_rows(json_t *by_id, json_t *rows, const char *key)
{
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		char k[24];
		snprintf(k, sizeof k, "%lld", jint(x, "building_id"));
		json_t *b = json_object_get(by_id, k);
		if (!b)
			continue;
		json_array_append(json_object_get(b, key), x);
		if (!strcmp(key, "rooms")) {
			json_object_set_new(b, "room_count", json_integer(jint(b, "room_count") + jint(x, "n")));
			if (jint(x, "is_classroom"))
				json_object_set_new(b, "classrooms", json_integer(jint(b, "classrooms") + jint(x, "n")));
		}
	}
}

json_t *bld_school_buildings(struct db *db, long long school_id, struct err *e)
{
	json_t *list = db_rows_json(db, "SELECT " BUILDING_COLS BUILDING_FROM "WHERE b.school_id = $1 ORDER BY b.id",
				    DB_ARGS(DB_INT(school_id)), e);
	if (!list)
		return NULL;
	json_t *rooms = db_rows_json(db,
				     "SELECT r.building_id, r.room_use AS use, u.label, r.n, u.is_classroom FROM bld_rooms r "
				     "JOIN bld_buildings b ON b.id = r.building_id JOIN bld_room_uses u ON u.code = "
				     "r.room_use WHERE b.school_id = $1 ORDER BY r.building_id, u.sort",
				     DB_ARGS(DB_INT(school_id)), e);
	json_t *photos = rooms ? db_rows_json(db,
					      "SELECT ph.id, ph.building_id, ph.width, ph.height FROM bld_photos ph JOIN "
					      "bld_buildings b ON b.id = ph.building_id WHERE b.school_id = $1 ORDER BY "
					      "ph.building_id, ph.id",
					      DB_ARGS(DB_INT(school_id)), e)
			       : NULL;
	if (!photos) {
		json_decref(list);
		json_decref(rooms);
		return NULL;
	}
	json_t *by_id = json_object();
	size_t i;
	json_t *b;
	json_array_foreach(list, i, b)
	{
		building_labels(b);
		char k[24];
		snprintf(k, sizeof k, "%lld", jint(b, "id"));
		json_object_set(by_id, k, b);
	}
	attach_rows(by_id, rooms, "rooms");
	attach_rows(by_id, photos, "photos");
	json_decref(by_id);
	json_decref(rooms);
	json_decref(photos);
	return list;
}

json_t *bld_building_get(struct db *db, long long id, struct err *e)
{
	json_t *b = db_row_json(db, "SELECT " BUILDING_COLS BUILDING_FROM "WHERE b.id = $1", DB_ARGS(DB_INT(id)), e);
	if (!b)
		return NULL;
	building_labels(b);
	json_t *rooms = db_rows_json(db,
				     "SELECT r.building_id, r.room_use AS use, u.label, r.n, u.is_classroom FROM bld_rooms r "
				     "JOIN bld_room_uses u ON u.code = r.room_use WHERE r.building_id = $1 ORDER BY u.sort",
				     DB_ARGS(DB_INT(id)), e);
	json_t *photos = rooms ? db_rows_json(db,
					      "SELECT id, building_id, width, height, filename, created_at FROM bld_photos "
					      "WHERE building_id = $1 ORDER BY id",
					      DB_ARGS(DB_INT(id)), e)
			       : NULL;
	json_t *hist = photos ? db_rows_json(db,
					     "SELECT h.id, h.at, h.kind, h.changes, COALESCE(u.first_name || ' ' || "
					     "u.last_name, '') AS by_name FROM bld_history h LEFT JOIN users u ON u.id = "
					     "h.by_user WHERE h.building_id = $1 ORDER BY h.id DESC",
					     DB_ARGS(DB_INT(id)), e)
			      : NULL;
	if (!hist) {
		json_decref(b);
		json_decref(rooms);
		json_decref(photos);
		return NULL;
	}
	json_t *by_id = json_object();
	char k[24];
	snprintf(k, sizeof k, "%lld", id);
	json_object_set(by_id, k, b);
	attach_rows(by_id, rooms, "rooms");
	attach_rows(by_id, photos, "photos");
	json_decref(by_id);
	json_decref(rooms);
	json_decref(photos);
	json_object_set_new(b, "history", hist);
	return b;
}

static struct db_val opt(const char *s)
{
	return s && *s ? DB_TEXT(s) : DB_NULL;
}

/* The labels of a building's codes, as codes_check read them. */
struct bld_labels {
	struct buf type, plan, source;
};

static void labels_release(struct bld_labels *l)
{
	buf_release(&l->type);
	buf_release(&l->plan);
	buf_release(&l->source);
}

/* The codes of in against their lists, in ONE query whatever the number
 * of room rows (it was a query per code: up to nine a save, found in
 * review); the labels of the type, plan and budget source go to labels
 * (may be NULL) for the history. */
static int codes_check(struct db *db, const struct bld_building_in *in, struct bld_labels *labels, struct err *e)
{
	struct db_val v[3 + BLD_ROOM_ROWS];
	v[0] = DB_TEXT(in->type ? in->type : "");
	v[1] = DB_TEXT(in->plan ? in->plan : "");
	v[2] = DB_TEXT(in->budget_source ? in->budget_source : "");
	for (int i = 0; i < BLD_ROOM_ROWS; i++)
		v[3 + i] = DB_TEXT(in->rooms[i].use ? in->rooms[i].use : "");
	struct db_res *res = NULL;
	if (db_query(db,
		     "SELECT 't' AS k, code, label FROM bld_types WHERE code = $1 "
		     "UNION ALL SELECT 'p', code, label FROM bld_plans WHERE code = $2 "
		     "UNION ALL SELECT 's', code, label FROM bld_budget_sources WHERE code = $3 "
		     "UNION ALL SELECT 'u', code, label FROM bld_room_uses WHERE code IN ($4, $5, $6, $7, $8, $9)",
		     v, 3 + BLD_ROOM_ROWS, &res, e) < 0)
		return -1;
	bool type = false, plan = false, source = false, use[BLD_ROOM_ROWS] = {false};
	int k;
	while ((k = db_next(res, e)) == 1) {
		const char *kind = db_text(res, 0), *code = db_text(res, 1), *label = db_text(res, 2);
		if (*kind == 't') {
			type = true;
			if (labels)
				buf_adds(&labels->type, label);
		} else if (*kind == 'p') {
			plan = true;
			if (labels)
				buf_adds(&labels->plan, label);
		} else if (*kind == 's') {
			source = true;
			if (labels)
				buf_adds(&labels->source, label);
		} else {
			for (int i = 0; i < BLD_ROOM_ROWS; i++)
				if (in->rooms[i].use && !strcmp(in->rooms[i].use, code))
					use[i] = true;
		}
	}
	db_res_free(res);
	if (k < 0)
		return -1;
	if (!type)
		return err_field(e, "type", "กรุณาเลือกประเภทอาคารจากรายการ");
	if (in->plan && *in->plan && !plan)
		return err_field(e, "plan", "กรุณาเลือกแบบมาตรฐานจากรายการ");
	if (in->budget_source && *in->budget_source && !source)
		return err_field(e, "budget_source", "กรุณาเลือกแหล่งงบประมาณจากรายการ");
	for (int i = 0; i < BLD_ROOM_ROWS; i++) {
		if (!in->rooms[i].use || !*in->rooms[i].use || use[i])
			continue;
		char f[32];
		snprintf(f, sizeof f, "room_use_%d", i + 1);
		return err_field(e, f, "กรุณาเลือกการใช้งานของห้องจากรายการ");
	}
	return 0;
}

/* The rooms of a building replaced: one DELETE and one INSERT of every
 * row typed. */
static int rooms_write(struct db *db, long long id, const struct bld_building_in *in, struct err *e)
{
	if (db_exec(db, "DELETE FROM bld_rooms WHERE building_id = $1", DB_ARGS(DB_INT(id)), e) < 0)
		return -1;
	struct buf sql = BUF_INIT;
	struct db_val v[1 + 2 * BLD_ROOM_ROWS];
	int n = 0;
	v[n++] = DB_INT(id);
	buf_adds(&sql, "INSERT INTO bld_rooms (building_id, room_use, n) VALUES ");
	for (int i = 0; i < BLD_ROOM_ROWS; i++) {
		if (!in->rooms[i].use || !*in->rooms[i].use)
			continue;
		buf_addf(&sql, "%s($1, $%d, $%d)", n > 1 ? ", " : "", n + 1, n + 2);
		v[n++] = DB_TEXT(in->rooms[i].use);
		v[n++] = DB_INT(in->rooms[i].n);
	}
	int rc = n > 1 && db_exec(db, buf_cstr(&sql), v, n, e) < 0 ? -1 : 0;
	buf_release(&sql);
	return rc;
}

static int history(struct db *db, long long id, const char *kind, const char *changes, long long by, long long now,
		   struct err *e)
{
	return db_exec(db, "INSERT INTO bld_history (building_id, at, by_user, kind, changes) VALUES ($1, $2, $3, $4, $5)",
		       DB_ARGS(DB_INT(id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL, DB_TEXT(kind),
			       DB_TEXT(changes ? changes : "")),
		       e) < 0
		   ? -1
		   : 0;
}

long long bld_building_add(struct db *db, long long school_id, long long area_id, const struct bld_building_in *in,
			   long long by, long long now, struct err *e)
{
	if (codes_check(db, in, NULL, e) < 0)
		return -1;
	long long id = 0;
	int rc = db_int_value(
	    db,
	    "INSERT INTO bld_buildings (school_id, area_id, name, type, plan, year_built, floors, area_m2, condition, "
	    "budget_source, lat, lng, created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	    "$10, $11, $12, $13, $13, $14) RETURNING id",
	    DB_ARGS(DB_INT(school_id), DB_INT(area_id), DB_TEXT(in->name), DB_TEXT(in->type), opt(in->plan),
		    DB_INT(in->year_built), DB_INT(in->floors), DB_INT(in->area_m2), DB_TEXT(in->condition),
		    opt(in->budget_source), opt(in->lat), opt(in->lng), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL),
	    &id, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, 500, "bld: insert returned no id");
	if (rooms_write(db, id, in, e) < 0 || history(db, id, "add", "", by, now, e) < 0)
		return -1;
	return id;
}

/* "label: old → new; " for a field that changed */
static void change(struct buf *b, const char *label, const char *old, const char *new)
{
	if (!strcmp(old ? old : "", new ? new : ""))
		return;
	if (b->len)
		buf_adds(b, "; ");
	buf_addf(b, "%s: %s → %s", label, old && *old ? old : "(ว่าง)", new && *new ? new : "(ว่าง)");
}

static void change_int(struct buf *b, const char *label, long long old, long long new)
{
	char o[32], n[32];
	snprintf(o, sizeof o, "%lld", old);
	snprintf(n, sizeof n, "%lld", new);
	change(b, label, o, n);
}

/* "ห้องเรียน 6, ห้องสมุด 1" of rooms as rows [{label, n}] or as typed */
static void rooms_text(json_t *rows, struct buf *out)
{
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) buf_addf(out, "%s%s %lld", i ? ", " : "", jstr(x, "label"), jint(x, "n"));
}

int bld_building_update(struct db *db, long long id, long long version, const struct bld_building_in *in,
			long long by, long long now, struct err *e)
{
	struct bld_labels lab = {BUF_INIT, BUF_INIT, BUF_INIT};
	if (codes_check(db, in, &lab, e) < 0) {
		labels_release(&lab);
		return -1;
	}
	json_t *old = bld_building_get(db, id, e);
	if (!old) {
		labels_release(&lab);
		return -1;
	}
	if (version >= 0 && version != jint(old, "version")) {
		json_decref(old);
		labels_release(&lab);
		return err_set(e, 409, "ข้อมูลอาคารนี้ถูกแก้ไขไปแล้วโดยผู้อื่น");
	}
	long long n = db_exec(
	    db,
	    "UPDATE bld_buildings SET name = $3, type = $4, plan = $5, year_built = $6, floors = $7, area_m2 = $8, "
	    "condition = $9, budget_source = $10, lat = $11, lng = $12, updated_at = $13, updated_by = $14, version = "
	    "version + 1 WHERE id = $1 AND version = $2",
	    DB_ARGS(DB_INT(id), DB_INT(jint(old, "version")), DB_TEXT(in->name), DB_TEXT(in->type), opt(in->plan),
		    DB_INT(in->year_built), DB_INT(in->floors), DB_INT(in->area_m2), DB_TEXT(in->condition),
		    opt(in->budget_source), opt(in->lat), opt(in->lng), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL),
	    e);
	if (n < 0 || n == 0) {
		json_decref(old);
		labels_release(&lab);
		return n < 0 ? -1 : err_set(e, 409, "ข้อมูลอาคารนี้ถูกแก้ไขไปแล้วโดยผู้อื่น");
	}
	if (rooms_write(db, id, in, e) < 0) {
		json_decref(old);
		labels_release(&lab);
		return -1;
	}
	struct buf ch = BUF_INIT, lb = BUF_INIT, ob = BUF_INIT;
	change(&ch, "ชื่ออาคาร", jstr(old, "name"), in->name);
	change(&ch, "ประเภท", jstr(old, "type_label"), buf_cstr(&lab.type));
	change(&ch, "แบบมาตรฐาน", jstr(old, "plan_label"), buf_cstr(&lab.plan));
	change_int(&ch, "ปีที่สร้าง (พ.ศ.)", jint(old, "year_built"), in->year_built);
	change_int(&ch, "จำนวนชั้น", jint(old, "floors"), in->floors);
	change_int(&ch, "พื้นที่ใช้สอย (ตร.ม.)", jint(old, "area_m2"), in->area_m2);
	change(&ch, "สภาพอาคาร", jstr(old, "condition_label"), bld_condition_label(in->condition));
	change(&ch, "แหล่งงบประมาณ", jstr(old, "budget_source_label"), buf_cstr(&lab.source));
	change(&ch, "ละติจูด", jstr(old, "lat"), in->lat);
	change(&ch, "ลองจิจูด", jstr(old, "lng"), in->lng);
	json_t *nrooms = db_rows_json(db,
				      "SELECT u.label, r.n FROM bld_rooms r JOIN bld_room_uses u ON u.code = r.room_use "
				      "WHERE r.building_id = $1 ORDER BY u.sort",
				      DB_ARGS(DB_INT(id)), e);
	int rc = nrooms ? 0 : -1;
	if (nrooms) {
		buf_reset(&lb);
		rooms_text(json_object_get(old, "rooms"), &ob);
		rooms_text(nrooms, &lb);
		change(&ch, "ห้อง", buf_cstr(&ob), buf_cstr(&lb));
		json_decref(nrooms);
		rc = history(db, id, "edit", ch.len ? buf_cstr(&ch) : "ไม่มีรายการที่เปลี่ยน", by, now, e);
	}
	buf_release(&ch);
	buf_release(&lb);
	buf_release(&ob);
	labels_release(&lab);
	json_decref(old);
	return rc;
}

long long bld_photo_add(struct db *db, long long building_id, const char *path, const char *filename,
			const char *mime, long long size, long w, long h, long long by, long long now, struct err *e)
{
	/* two uploads at once on PostgreSQL: one counts after the other's
	 * insert, so a building never holds more than BLD_MAX_PHOTOS */
	long long n = 0;
	if (db_lock(db, BLD_LOCK_PHOTOS + building_id, e) < 0 ||
	    db_int_value(db, "SELECT COUNT(*) FROM bld_photos WHERE building_id = $1", DB_ARGS(DB_INT(building_id)), &n,
			 e) < 0)
		return -1;
	if (n >= BLD_MAX_PHOTOS) {
		err_field(e, "photo", "อาคารหนึ่งมีรูปถ่ายได้ไม่เกิน %d รูป ลบรูปเดิมก่อนเพิ่มรูปใหม่", BLD_MAX_PHOTOS);
		e->status = 409;
		return -1;
	}
	long long id = 0;
	int rc = db_int_value(db,
			      "INSERT INTO bld_photos (building_id, path, filename, mime, size, width, height, created_at, "
			      "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
			      DB_ARGS(DB_INT(building_id), DB_TEXT(path), DB_TEXT(filename), DB_TEXT(mime), DB_INT(size),
				      DB_INT(w), DB_INT(h), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL),
			      &id, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, 500, "bld: photo insert returned no id");
	struct buf ch = BUF_INIT;
	buf_addf(&ch, "เพิ่มรูปถ่าย %s", filename);
	rc = history(db, building_id, "photo", buf_cstr(&ch), by, now, e);
	buf_release(&ch);
	return rc < 0 ? -1 : id;
}

json_t *bld_photo_get(struct db *db, long long id, struct err *e)
{
	return db_row_json(db, "SELECT id, building_id, path, mime, filename FROM bld_photos WHERE id = $1",
			   DB_ARGS(DB_INT(id)), e);
}

int bld_photo_delete(struct db *db, long long id, long long by, long long now, struct err *e)
{
	json_t *p = bld_photo_get(db, id, e);
	if (!p)
		return -1;
	int rc = db_exec(db, "DELETE FROM bld_photos WHERE id = $1", DB_ARGS(DB_INT(id)), e) < 0 ? -1 : 0;
	if (rc == 0) {
		struct buf ch = BUF_INIT;
		buf_addf(&ch, "ลบรูปถ่าย %s", jstr(p, "filename"));
		rc = history(db, jint(p, "building_id"), "photo_remove", buf_cstr(&ch), by, now, e);
		buf_release(&ch);
	}
	json_decref(p);
	return rc;
}

/* ---- a school's year ------------------------------------------------------------------ */

json_t *bld_school_year(struct db *db, int year, long long school_id, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT y.rooms_entered, y.rooms_taught, COALESCE(y.rooms_source, '') AS rooms_source, "
				    "COALESCE(y.submitted_at, 0) AS submitted_at, COALESCE(y.reopened_at, 0) AS "
				    "reopened_at, COALESCE(u.first_name || ' ' || u.last_name, '') AS submitted_by_name "
				    "FROM bld_school_years y LEFT JOIN users u ON u.id = y.submitted_by WHERE y.year = $1 "
				    "AND y.school_id = $2",
				    DB_ARGS(DB_INT(year), DB_INT(school_id)), e);
	if (!rows)
		return NULL;
	json_t *y = json_array_get(rows, 0);
	if (y) {
		json_incref(y);
		json_decref(rows);
		return y;
	}
	json_decref(rows);
	return json_pack("{s:n, s:n, s:s, s:i, s:i, s:s}", "rooms_entered", "rooms_taught", "rooms_source", "",
			 "submitted_at", 0, "reopened_at", 0, "submitted_by_name", "");
}

int bld_census_rooms(struct db *db, long long school_id, int year, long long *rooms, struct err *e)
{
	return module_school_rooms(db, school_id, year, rooms, e);
}

int bld_missing(struct db *db, int year, long long school_id, json_t *missing, struct err *e)
{
	json_t *list = bld_school_buildings(db, school_id, e);
	if (!list)
		return -1;
	if (json_array_size(list) == 0)
		json_array_append_new(missing, json_string("ยังไม่มีข้อมูลอาคาร: เพิ่มอาคารหรือสิ่งก่อสร้างอย่างน้อย 1 รายการ"));
	size_t i;
	json_t *b;
	struct buf m = BUF_INIT;
	json_array_foreach(list, i, b)
	{
		const char *name = jstr(b, "name");
		if (json_array_size(json_object_get(b, "photos")) == 0) {
			buf_reset(&m);
			buf_addf(&m, "%s: ยังไม่มีรูปถ่าย", name);
			json_array_append_new(missing, json_string(buf_cstr(&m)));
		}
		if (!*jstr(b, "budget_source")) {
			buf_reset(&m);
			buf_addf(&m, "%s: ยังไม่ระบุแหล่งงบประมาณ", name);
			json_array_append_new(missing, json_string(buf_cstr(&m)));
		}
		if (jint(b, "needs_rooms") && json_array_size(json_object_get(b, "rooms")) == 0) {
			buf_reset(&m);
			buf_addf(&m, "%s: ยังไม่ระบุห้องและการใช้งาน", name);
			json_array_append_new(missing, json_string(buf_cstr(&m)));
		}
	}
	buf_release(&m);
	json_decref(list);
	long long rooms = 0;
	int k = bld_census_rooms(db, school_id, year, &rooms, e);
	if (k < 0)
		return -1;
	if (k == 0) {
		json_t *y = bld_school_year(db, year, school_id, e);
		if (!y)
			return -1;
		if (!json_is_integer(json_object_get(y, "rooms_entered")))
			json_array_append_new(missing,
					      json_string("จำนวนห้องเรียนที่โรงเรียนจัดการเรียนการสอน (ไม่มีข้อมูลจากระบบ DMC)"));
		json_decref(y);
	}
	return 0;
}

static int year_row(struct db *db, int year, long long school_id, long long area_id, struct err *e)
{
	return db_exec(db,
		       "INSERT INTO bld_school_years (year, school_id, area_id) VALUES ($1, $2, $3) ON CONFLICT (year, "
		       "school_id) DO NOTHING",
		       DB_ARGS(DB_INT(year), DB_INT(school_id), DB_INT(area_id)), e) < 0
		   ? -1
		   : 0;
}

int bld_submit(struct db *db, int year, long long school_id, long long area_id, long long rooms_entered,
	       long long by, long long now, struct err *e)
{
	if (year_row(db, year, school_id, area_id, e) < 0)
		return -1;
	long long sub = 0;
	if (db_int_value(db, "SELECT COALESCE(submitted_at, 0) FROM bld_school_years WHERE year = $1 AND school_id = $2",
			 DB_ARGS(DB_INT(year), DB_INT(school_id)), &sub, e) < 0)
		return -1;
	if (sub > 0)
		return err_set(e, 409, "โรงเรียนส่งข้อมูลอาคารเรียนปี %d แล้ว", year);
	if (rooms_entered >= 0 &&
	    db_exec(db, "UPDATE bld_school_years SET rooms_entered = $3 WHERE year = $1 AND school_id = $2",
		    DB_ARGS(DB_INT(year), DB_INT(school_id), DB_INT(rooms_entered)), e) < 0)
		return -1;
	json_t *missing = json_array();
	if (bld_missing(db, year, school_id, missing, e) < 0) {
		json_decref(missing);
		return -1;
	}
	if (json_array_size(missing) > 0) {
		struct buf m = BUF_INIT;
		buf_adds(&m, "ยังส่งข้อมูลไม่ได้ ข้อมูลที่ยังขาด: ");
		size_t i;
		json_t *x;
		json_array_foreach(missing, i, x) buf_addf(&m, "%s%s", i ? " · " : "", json_string_value(x));
		err_set(e, 400, "%s", buf_cstr(&m));
		buf_release(&m);
		json_decref(missing);
		return -1;
	}
	json_decref(missing);
	long long rooms = 0;
	int k = bld_census_rooms(db, school_id, year, &rooms, e);
	if (k < 0)
		return -1;
	long long n = db_exec(db,
			      "UPDATE bld_school_years SET submitted_at = $3, submitted_by = $4, rooms_taught = "
			      "CASE WHEN $5 = 1 THEN CAST($6 AS BIGINT) ELSE rooms_entered END, rooms_source = CASE WHEN $5 = 1 THEN "
			      "'census' ELSE 'school' END WHERE year = $1 AND school_id = $2 AND submitted_at IS NULL",
			      DB_ARGS(DB_INT(year), DB_INT(school_id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL,
				      DB_INT(k), DB_INT(rooms)),
			      e);
	if (n < 0)
		return -1;
	return n == 1 ? 0 : err_set(e, 409, "โรงเรียนส่งข้อมูลอาคารเรียนปี %d แล้ว", year);
}

int bld_reopen(struct db *db, int year, long long school_id, long long by, long long now, struct err *e)
{
	long long n = db_exec(db,
			      "UPDATE bld_school_years SET submitted_at = NULL, submitted_by = NULL, rooms_taught = NULL, "
			      "rooms_source = NULL, reopened_at = $3, reopened_by = $4 WHERE year = $1 AND school_id = $2 "
			      "AND submitted_at IS NOT NULL",
			      DB_ARGS(DB_INT(year), DB_INT(school_id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL), e);
	if (n < 0)
		return -1;
	return n == 1 ? 0 : err_set(e, 409, "โรงเรียนนี้ยังไม่ได้ส่งข้อมูลอาคารเรียนปี %d จึงไม่ต้องเปิดให้แก้ไข", year);
}

/* ---- the area -------------------------------------------------------------------------- */

json_t *bld_area_overview(struct db *db, long long area_id, int year, struct err *e)
{
	json_t *schools = db_rows_json(
	    db,
	    "SELECT s.id AS school_id, s.name, s.obec_code, COALESCE(y.submitted_at, 0) AS submitted_at, "
	    "COALESCE(y.reopened_at, 0) AS reopened_at, COALESCE(bc.n, 0) AS buildings FROM schools s "
	    "LEFT JOIN bld_school_years y ON y.school_id = s.id AND y.year = $2 "
	    "LEFT JOIN (SELECT school_id, COUNT(*) AS n FROM bld_buildings WHERE area_id = $1 GROUP BY school_id) bc "
	    "ON bc.school_id = s.id WHERE s.area_id = $1 ORDER BY s.name COLLATE thai, s.id",
	    DB_ARGS(DB_INT(area_id), DB_INT(year)), e);
	json_t *cond = schools ? db_rows_json(db,
					      "SELECT condition, COUNT(*) AS n FROM bld_buildings WHERE area_id = $1 GROUP "
					      "BY condition",
					      DB_ARGS(DB_INT(area_id)), e)
			       : NULL;
	json_t *age = cond ? db_rows_json(db,
					  "SELECT CASE WHEN $2 - year_built <= 10 THEN 1 WHEN $2 - year_built <= 20 THEN 2 "
					  "WHEN $2 - year_built <= 30 THEN 3 WHEN $2 - year_built <= 40 THEN 4 ELSE 5 END "
					  "AS band, COUNT(*) AS n FROM bld_buildings WHERE area_id = $1 GROUP BY 1",
					  DB_ARGS(DB_INT(area_id), DB_INT(year)), e)
			   : NULL;
	json_t *photos = age ? db_rows_json(db,
					    "SELECT ph.id, ph.building_id, ph.width, ph.height, b.name AS building, "
					    "b.year_built, s.name AS school FROM bld_buildings b JOIN bld_photos ph ON "
					    "ph.building_id = b.id JOIN schools s ON s.id = b.school_id WHERE b.area_id = "
					    "$1 AND b.condition = 'dilapidated' ORDER BY s.name COLLATE thai, b.id, ph.id "
					    "LIMIT 200",
					    DB_ARGS(DB_INT(area_id)), e)
			     : NULL;
	if (!photos) {
		json_decref(schools);
		json_decref(cond);
		json_decref(age);
		return NULL;
	}
	long long submitted = 0;
	size_t i;
	json_t *x;
	json_array_foreach(schools, i, x) submitted += jint(x, "submitted_at") > 0;
	static const char *const codes[] = {"good", "fair", "damaged", "dilapidated"};
	json_t *by_cond = json_array();
	long long total = 0;
	for (size_t k = 0; k < 4; k++) {
		long long n = 0;
		json_array_foreach(cond, i, x) if (!strcmp(jstr(x, "condition"), codes[k])) n = jint(x, "n");
		total += n;
		json_array_append_new(by_cond, json_pack("{s:s, s:s, s:I}", "condition", codes[k], "label",
							  bld_condition_label(codes[k]), "n", (json_int_t)n));
	}
	static const char *const bands[] = {"ไม่เกิน 10 ปี", "11–20 ปี", "21–30 ปี", "31–40 ปี", "มากกว่า 40 ปี"};
	json_t *by_age = json_array();
	for (int k = 0; k < 5; k++) {
		long long n = 0;
		json_array_foreach(age, i, x) if (jint(x, "band") == k + 1) n = jint(x, "n");
		json_array_append_new(by_age, json_pack("{s:s, s:I}", "band", bands[k], "n", (json_int_t)n));
	}
	json_decref(cond);
	json_decref(age);
	return json_pack("{s:o, s:I, s:I, s:o, s:o, s:o, s:I}", "schools", schools, "submitted", (json_int_t)submitted,
			 "school_count", (json_int_t)json_array_size(schools), "by_condition", by_cond, "by_age", by_age,
			 "dilapidated_photos", photos, "buildings", (json_int_t)total);
}

json_t *bld_budget(struct db *db, long long area_id, int year, struct err *e)
{
	json_t *schools = db_rows_json(
	    db,
	    "SELECT s.id AS school_id, s.name, s.obec_code, COALESCE(y.submitted_at, 0) AS submitted_at, "
	    "COALESCE(y.rooms_taught, -1) AS taught, COALESCE(y.rooms_source, '') AS rooms_source, "
	    "COALESCE(y.reopened_at, 0) AS reopened_at FROM schools s "
	    "LEFT JOIN bld_school_years y ON y.school_id = s.id AND y.year = $2 WHERE s.area_id = $1 "
	    "ORDER BY s.name COLLATE thai, s.id",
	    DB_ARGS(DB_INT(area_id), DB_INT(year)), e);
	json_t *bl = schools ? db_rows_json(
				   db,
				   "SELECT b.id, b.school_id, b.name, b.condition, b.year_built, COALESCE(SUM(CASE WHEN "
				   "u.is_classroom = 1 THEN r.n ELSE 0 END), 0) AS classrooms FROM bld_buildings b JOIN "
				   "bld_school_years y ON y.school_id = b.school_id AND y.year = $2 AND y.submitted_at IS "
				   "NOT NULL LEFT JOIN bld_rooms r ON r.building_id = b.id LEFT JOIN bld_room_uses u ON "
				   "u.code = r.room_use WHERE b.area_id = $1 GROUP BY b.id, b.school_id, b.name, "
				   "b.condition, b.year_built ORDER BY b.school_id, b.id",
				   DB_ARGS(DB_INT(area_id), DB_INT(year)), e)
			     : NULL;
	if (!bl) {
		json_decref(schools);
		return NULL;
	}
	/* school id → its buildings, in one pass */
	json_t *by_school = json_object();
	size_t i;
	json_t *x;
	json_array_foreach(bl, i, x)
	{
		char k[24];
		snprintf(k, sizeof k, "%lld", jint(x, "school_id"));
		json_t *a = json_object_get(by_school, k);
		if (!a) {
			a = json_array();
			json_object_set_new(by_school, k, a);
		}
		json_array_append(a, x);
	}
	json_t *ok = json_array(), *not = json_array();
	long long lacking = 0, replace = 0;
	json_array_foreach(schools, i, x)
	{
		if (jint(x, "submitted_at") <= 0) {
			json_array_append_new(not, json_pack("{s:I, s:s, s:s, s:s}", "school_id",
							     (json_int_t)jint(x, "school_id"), "name", jstr(x, "name"),
							     "obec_code", jstr(x, "obec_code"), "reason",
							     jint(x, "reopened_at") > 0
								 ? "ไม่ได้ส่งข้อมูลอาคารเรียนภายในกำหนด (เขตพื้นที่เปิดให้แก้ไขแล้ว "
								   "โรงเรียนยังไม่ส่งใหม่)"
								 : "ไม่ได้ส่งข้อมูลอาคารเรียนภายในกำหนด"));
			continue;
		}
		char k[24];
		snprintf(k, sizeof k, "%lld", jint(x, "school_id"));
		json_t *a = json_object_get(by_school, k);
		size_t n = json_array_size(a);
		struct bld_need_building *nb = xcalloc(n ? n : 1, sizeof *nb);
		bool *rep = xcalloc(n ? n : 1, sizeof *rep);
		size_t j;
		json_t *b;
		json_array_foreach(a, j, b)
		{
			nb[j].condition = jstr(b, "condition");
			nb[j].year_built = jint(b, "year_built");
			nb[j].classrooms = jint(b, "classrooms");
		}
		struct bld_needs nd;
		bld_needs(jint(x, "taught"), nb, n, year, &nd, rep);
		json_t *rl = json_array();
		json_array_foreach(a, j, b) if (rep[j]) json_array_append_new(
		    rl, json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)jint(b, "id"), "name", jstr(b, "name"),
				  "year_built", (json_int_t)jint(b, "year_built"), "age",
				  (json_int_t)(year - jint(b, "year_built"))));
		free(nb);
		free(rep);
		lacking += nd.lacking;
		replace += nd.to_replace;
		json_array_append_new(
		    ok, json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:I, s:I, s:o, s:I}", "school_id",
				  (json_int_t)jint(x, "school_id"), "name", jstr(x, "name"), "obec_code",
				  jstr(x, "obec_code"), "submitted_at", (json_int_t)jint(x, "submitted_at"), "taught",
				  (json_int_t)nd.taught, "rooms_source", jstr(x, "rooms_source"), "usable",
				  (json_int_t)nd.usable, "lacking", (json_int_t)nd.lacking, "replace", rl, "replace_count",
				  (json_int_t)nd.to_replace));
	}
	json_decref(by_school);
	json_decref(bl);
	json_decref(schools);
	return json_pack("{s:i, s:o, s:o, s:I, s:I}", "fiscal_year", year + 2, "schools", ok, "not_submitted", not,
			 "lacking_total", (json_int_t)lacking, "replace_total", (json_int_t)replace);
}
