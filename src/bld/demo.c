/* demo: `khet demo` for the buildings module — the first 10 schools of
 * every area get two or three buildings (a classroom building, a toilet,
 * some teacher housing; every third school an old one ทรุดโทรม, built 2520,
 * so the budget list has buildings to replace), and this year's window
 * (the default) holds the submissions of every other one of them, made on
 * 20 October at 10:00. Demo buildings have no photos (the demo writes no
 * files). Running it again adds nothing: a school with buildings is left
 * alone. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bld/bld_internal.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"

static int add(struct db *db, long long school, long long area, const char *name, const char *type, const char *plan,
	       long long year, long long floors, long long m2, const char *cond, const char *use, long long rooms,
	       long long now, struct err *e)
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
	return bld_building_add(db, school, area, &in, 0, now, e) < 0 ? -1 : 0;
}

static int demo_school(struct db *db, long long area, long long school, int nth, int year, long long now,
		       struct err *e)
{
	long long have = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM bld_buildings WHERE school_id = $1", DB_ARGS(DB_INT(school)), &have,
			 e) < 0)
		return -1;
	if (have)
		return 0;
	static const char *const conds[] = {"good", "fair", "good", "damaged"};
	if (add(db, school, area, "อาคารเรียน 1", "classroom", "spc105_29", year - 12 - nth % 20, 2, 640, conds[nth % 4],
		"classroom", 4 + nth % 5, now, e) < 0 ||
	    add(db, school, area, "ส้วมนักเรียน", "toilet", "spc601_26", year - 8, 1, 40, "fair", NULL, 0, now, e) < 0)
		return -1;
	if (nth % 3 == 0 && add(db, school, area, "อาคารเรียนไม้ (หลังเก่า)", "classroom", "spc102_26", 2520, 1, 210,
				"dilapidated", "classroom", 3, now, e) < 0)
		return -1;
	if (nth % 3 == 1 &&
	    add(db, school, area, "บ้านพักครู", "housing", "106_27", 2535, 1, 72, "damaged", NULL, 0, now, e) < 0)
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

int bld_demo(struct db *db, struct err *e)
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
			if (demo_school(db, area, jint(s, "id"), (int)i, year, now, e) < 0) {
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
