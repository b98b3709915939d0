/* demo: `khet demo` for the buildings module — the first 10 schools of
 * every area get two or three buildings (a classroom building, a toilet,
 * some teacher housing; every third school an old one ทรุดโทรม, built 2520,
 * so the budget list has buildings to replace), and this year's window
 * (the default) holds the submissions of every other one of them, made on
 * 20 October at 10:00. Each building gets one photo, a drawing of a
 * building made with cairo (files/bld/<building>/<photo>.png under the demo's
 * data folder), so a submitted school has all submission asks for.
 * Running it again adds nothing: a school with buildings is left alone. */
#include <cairo.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>

#include "bld/bld_internal.h"
#include "core/db.h"
#include "core/buf.h"
#include "core/jsonx.h"
#include "core/thai.h"

#define PHOTO_W 320
#define PHOTO_H 200

/* A building's demo photo: sky, ground, a wall of floors × windows and a
 * roof, drawn into DATA/files/bld/<building>/<photo>.png. */
static int draw_photo(const char *data_dir, long long building, long long floors, const char *cond, struct buf *rel,
		      struct err *e)
{
	struct buf path = BUF_INIT;
	int rc = 0;
	const char *parts[] = {"files", "files/bld", NULL};
	for (int i = 0; parts[i] && rc == 0; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", data_dir, parts[i]);
		if (mkdir(buf_cstr(&path), 0750) < 0 && errno != EEXIST)
			rc = err_set(e, 500, "mkdir %s: %s", buf_cstr(&path), strerror(errno));
	}
	buf_reset(&path);
	buf_addf(&path, "%s/files/bld/%lld", data_dir, building);
	if (rc == 0 && mkdir(buf_cstr(&path), 0750) < 0 && errno != EEXIST)
		rc = err_set(e, 500, "mkdir %s: %s", buf_cstr(&path), strerror(errno));
	if (rc < 0) {
		buf_release(&path);
		return -1;
	}
	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, PHOTO_W, PHOTO_H);
	cairo_t *cr = cairo_create(sf);
	bool worn = !strcmp(cond, "dilapidated") || !strcmp(cond, "damaged");
	cairo_set_source_rgb(cr, 0.62, 0.80, 0.95); /* sky */
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0.45, 0.62, 0.30); /* ground */
	cairo_rectangle(cr, 0, 160, PHOTO_W, 40);
	cairo_fill(cr);
	double fh = floors > 2 ? 100.0 / (double)floors : 50.0, top = 160 - fh * (double)(floors > 3 ? 3 : floors);
	if (worn)
		cairo_set_source_rgb(cr, 0.62, 0.52, 0.40);
	else
		cairo_set_source_rgb(cr, 0.93, 0.90, 0.82);
	cairo_rectangle(cr, 40, top, 240, 160 - top); /* wall */
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0.70, 0.22, 0.16); /* roof */
	cairo_move_to(cr, 28, top);
	cairo_line_to(cr, 160, top - 36);
	cairo_line_to(cr, 292, top);
	cairo_close_path(cr);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0.25, 0.35, 0.50); /* windows */
	for (double y = top + 10; y + 20 < 160; y += fh)
		for (int x = 56; x + 24 < 280; x += 40)
			cairo_rectangle(cr, x, y, 24, 18);
	cairo_fill(cr);
	cairo_destroy(cr);
	buf_reset(rel);
	buf_addf(rel, "files/bld/%lld/demo.png", building);
	buf_reset(&path);
	buf_addf(&path, "%s/%s", data_dir, buf_cstr(rel));
	if (cairo_surface_write_to_png(sf, buf_cstr(&path)) != CAIRO_STATUS_SUCCESS)
		rc = err_set(e, 500, "write %s failed", buf_cstr(&path));
	cairo_surface_destroy(sf);
	buf_release(&path);
	return rc;
}

static int add(struct db *db, const char *data_dir, long long school, long long area, const char *name,
	       const char *type, const char *plan, long long year, long long floors, long long m2, const char *cond,
	       const char *use, long long rooms, long long now, struct err *e)
{
	struct bld_building_in in = {
	    .name = name,
	    .type = type,
	    .plan = plan,
	    .condition = cond,
	    .budget_source = "obec",
	    .lat = "",
	    .lng = "",
	    .year_built = year,
	    .floors = floors,
	    .area_m2 = m2,
	};
	for (int i = 0; i < BLD_ROOM_ROWS; i++)
		in.rooms[i].n = -1;
	if (use) {
		in.rooms[0].use = use;
		in.rooms[0].n = rooms;
		if (!strcmp(use, "classroom")) {
			in.rooms[1].use = "office";
			in.rooms[1].n = 1;
		}
	}
	long long id = bld_building_add(db, school, area, &in, 0, now, e);
	if (id < 0)
		return -1;
	if (!data_dir)
		return 0;
	struct buf rel = BUF_INIT;
	struct stat st;
	int rc = draw_photo(data_dir, id, floors, cond, &rel, e);
	if (rc == 0) {
		struct buf full = BUF_INIT;
		buf_addf(&full, "%s/%s", data_dir, buf_cstr(&rel));
		long long size = stat(buf_cstr(&full), &st) == 0 ? (long long)st.st_size : 0;
		buf_release(&full);
		if (bld_photo_add(db, id, buf_cstr(&rel), "demo.png", "image/png", size, PHOTO_W, PHOTO_H, 0, now, e) < 0)
			rc = -1;
	}
	buf_release(&rel);
	return rc;
}

static int demo_school(struct db *db, const char *dd, long long area, long long school, int nth, int year, long long now,
		       struct err *e)
{
	long long have = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM bld_buildings WHERE school_id = $1", DB_ARGS(DB_INT(school)), &have,
			 e) < 0)
		return -1;
	if (have)
		return 0;
	static const char *const conds[] = {"good", "fair", "good", "damaged"};
	if (add(db, dd, school, area, "อาคารเรียน 1", "classroom", "spc105_29", year - 12 - nth % 20, 2, 640, conds[nth % 4],
		"classroom", 4 + nth % 5, now, e) < 0 ||
	    add(db, dd, school, area, "ส้วมนักเรียน", "toilet", "spc601_26", year - 8, 1, 40, "fair", NULL, 0, now, e) < 0)
		return -1;
	if (nth % 3 == 0 && add(db, dd, school, area, "อาคารเรียนไม้ (หลังเก่า)", "classroom", "spc102_26", 2520, 1, 210,
				"dilapidated", "classroom", 3, now, e) < 0)
		return -1;
	if (nth % 3 == 1 &&
	    add(db, dd, school, area, "บ้านพักครู", "housing", "106_27", 2535, 1, 72, "damaged", NULL, 0, now, e) < 0)
		return -1;
	if (nth % 2 == 0) {
		long long rooms = 0;
		int k = bld_census_rooms(db, school, year, &rooms, e);
		if (k < 0)
			return -1;
		long long at = thai_from_local(year - 543, 10, 20, 10, 0, 0);
		long long entered = 6 + nth % 4;
		if (db_exec(db,
			    "INSERT INTO bld_school_years (year, school_id, area_id, rooms_entered, rooms_taught, "
			    "rooms_source, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (year, "
			    "school_id) DO NOTHING",
			    DB_ARGS(DB_INT(year), DB_INT(school), DB_INT(area), DB_INT(entered),
				    DB_INT(k == 1 ? rooms : entered), DB_TEXT(k == 1 ? "census" : "school"), DB_INT(at)),
			    e) < 0)
			return -1;
	}
	return 0;
}

int bld_demo(struct db *db, const char *data_dir, struct err *e)
{
	long long now = (long long)time(NULL);
	int year = bld_year_at(now);
	if (db_begin(db, e) < 0)
		return -1;
	json_t *areas = db_rows_json(db, "SELECT id FROM areas ORDER BY code", NULL, 0, e);
	if (!areas)
		goto fail;
	size_t ai;
	json_t *a;
	json_array_foreach(areas, ai, a)
	{
		long long area = jint(a, "id");
		json_t *schools = db_rows_json(db, "SELECT id FROM schools WHERE area_id = $1 ORDER BY obec_code LIMIT 10",
					       DB_ARGS(DB_INT(area)), e);
		if (!schools) {
			json_decref(areas);
			goto fail;
		}
		size_t i;
		json_t *s;
		json_array_foreach(schools, i, s)
		{
			if (demo_school(db, data_dir, area, jint(s, "id"), (int)i, year, now, e) < 0) {
				json_decref(schools);
				json_decref(areas);
				goto fail;
			}
		}
		json_decref(schools);
	}
	json_decref(areas);
	return db_commit(db, e);
fail:
	db_rollback(db);
	return -1;
}
