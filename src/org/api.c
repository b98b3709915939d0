/* api: the organisation's resources under /api/v1 (issue 15.1): areas,
 * their work groups and schools. Public facts of the organisation, so any
 * caller with the scope org:read reads every area (as the pages /areas
 * show them to anyone). Each list is one indexed range and one count. */
#include <stdio.h>
#include <string.h>

#include "core/api.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "org/org.h"

static const char area_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"code\",\"name\",\"short_name\",\"kind\",\"province\",\"school_count\"],"
    "\"properties\":{\"id\":{\"type\":\"integer\"},\"code\":{\"type\":\"string\",\"description\":\"รหัสเขตพื้นที่ / "
    "area code\"},\"name\":{\"type\":\"string\"},\"short_name\":{\"type\":\"string\"},\"kind\":" API_ENUM_SCHEMA ",\"province\":{\"type\":\"string\"},\"school_count\":{\"type\":\"integer\"}}}";

static const char work_group_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"area_id\",\"name\",\"sort\"],\"properties\":{\"id\":{\"type\":"
    "\"integer\"},\"area_id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"sort\":{\"type\":\"integer\"}}}";

static const char school_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"area_id\",\"obec_code\",\"smis_code\",\"name\",\"district\","
    "\"province\",\"created_at\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"area_id\":{\"type\":\"integer\"},"
    "\"obec_code\":{\"type\":\"string\",\"pattern\":\"^[0-9]{10}$\"},\"smis_code\":{\"type\":\"string\",\"pattern\":"
    "\"^[0-9]{8}$\"},\"name\":{\"type\":\"string\"},\"district\":{\"type\":\"string\"},\"province\":{\"type\":"
    "\"string\"},\"created_at\":" API_TIME_SCHEMA "}}";

static json_t *area_item(json_t *row)
{
	const char *kind = jstr(row, "kind");
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:I}", "id", (json_int_t)jint(row, "id"), "code",
			 jstr(row, "code"), "name", jstr(row, "name"), "short_name", jstr(row, "short_name"), "kind",
			 api_enum(kind, !strcmp(kind, "primary") ? "ประถมศึกษา" : "มัธยมศึกษา"), "province",
			 jstr(row, "province"), "school_count", (json_int_t)jint(row, "school_count"));
}

static json_t *school_item(json_t *row)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)jint(row, "id"), "area_id",
			 (json_int_t)jint(row, "area_id"), "obec_code", jstr(row, "obec_code"), "smis_code",
			 jstr(row, "smis_code"), "name", jstr(row, "name"), "district", jstr(row, "district"), "province",
			 jstr(row, "province"), "created_at", api_time(jint(row, "created_at")));
}

#define AREA_COLS "id, code, name, short_name, kind, province, school_count"

static int areas_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	const char *kind = req_query(r, "kind");
	kind = kind ? kind : "";
	long long total = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM areas WHERE ($1 = '' OR kind = $1)", DB_ARGS(DB_TEXT(kind)), &total,
			 &e) < 0)
		return api_err(r, &e);
	/* 245 areas at most: the name index or the code's unique index */
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT " AREA_COLS " FROM areas WHERE ($1 = '' OR kind = $1) ORDER BY %s %s, id LIMIT $2 OFFSET $3",
		 !strcmp(pg.sort, "code") ? "code" : "name COLLATE thai", pg.desc ? "DESC" : "ASC");
	json_t *rows = db_rows_json(db, sql, DB_ARGS(DB_TEXT(kind), DB_INT(pg.per_page), DB_INT(pg.offset)), &e);
	if (!rows)
		return api_err(r, &e);
	return api_list_rows(r, &pg, rows, total, area_item);
}

static int area_get(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *a = org_area_get(req_db(r), req_param_id(r, "id"), &e);
	if (!a)
		return api_err(r, &e);
	json_t *item = area_item(a);
	json_decref(a);
	return api_item(r, 200, item);
}

static json_t *wg_item(json_t *row)
{
	return json_pack("{s:I, s:I, s:s, s:I}", "id", (json_int_t)jint(row, "id"), "area_id",
			 (json_int_t)jint(row, "area_id"), "name", jstr(row, "name"), "sort", (json_int_t)jint(row, "sort"));
}

static int work_groups_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long aid = req_param_id(r, "id");
	json_t *a = org_area_get(db, aid, &e);
	if (!a)
		return api_err(r, &e);
	json_decref(a);
	long long total = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM work_groups WHERE area_id = $1", DB_ARGS(DB_INT(aid)), &total, &e) < 0)
		return api_err(r, &e);
	json_t *rows = db_rows_json(db,
				    "SELECT id, area_id, name, sort FROM work_groups WHERE area_id = $1 ORDER BY sort, id "
				    "LIMIT $2 OFFSET $3",
				    DB_ARGS(DB_INT(aid), DB_INT(pg.per_page), DB_INT(pg.offset)), &e);
	if (!rows)
		return api_err(r, &e);
	return api_list_rows(r, &pg, rows, total, wg_item);
}

#define SCHOOL_COLS "id, area_id, obec_code, smis_code, name, district, province, created_at"

static int schools_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long aid = req_param_id(r, "id");
	json_t *a = org_area_get(db, aid, &e);
	if (!a)
		return api_err(r, &e);
	long long total = jint(a, "school_count");
	json_decref(a);
	const char *obec = req_query(r, "obec_code");
	json_t *rows;
	if (obec) {
		/* one school by its code: the unique index */
		rows = db_rows_json(db, "SELECT " SCHOOL_COLS " FROM schools WHERE area_id = $1 AND obec_code = $2",
				    DB_ARGS(DB_INT(aid), DB_TEXT(obec)), &e);
		total = rows ? (long long)json_array_size(rows) : 0;
		if (rows && pg.page > 1) {
			json_decref(rows);
			rows = json_array();
		}
	} else {
		/* the covering index schools_area_name */
		char sql[256];
		snprintf(sql, sizeof sql,
			 "SELECT " SCHOOL_COLS " FROM schools WHERE area_id = $1 ORDER BY name COLLATE thai %s, id %s "
			 "LIMIT $2 OFFSET $3",
			 pg.desc ? "DESC" : "ASC", pg.desc ? "DESC" : "ASC");
		rows = db_rows_json(db, sql, DB_ARGS(DB_INT(aid), DB_INT(pg.per_page), DB_INT(pg.offset)), &e);
	}
	if (!rows)
		return api_err(r, &e);
	return api_list_rows(r, &pg, rows, total, school_item);
}

static int school_get(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *s = db_row_json(req_db(r), "SELECT " SCHOOL_COLS " FROM schools WHERE id = $1",
				DB_ARGS(DB_INT(req_param_id(r, "id"))), &e);
	if (!s) {
		if (e.status == 404)
			return api_error(r, 404, NULL, "ไม่พบโรงเรียนที่ระบุ", NULL);
		return api_err(r, &e);
	}
	json_t *item = school_item(s);
	json_decref(s);
	return api_item(r, 200, item);
}

static const struct choice kind_choices[] = {{"primary", "ประถมศึกษา"}, {"secondary", "มัธยมศึกษา"}, {NULL, NULL}};

static const struct api_param area_params[] = {
    {"kind", AP_CHOICE, "ระดับของเขตพื้นที่", "the area's level", kind_choices},
    {NULL},
};
static const struct api_param school_params[] = {
    {"obec_code", AP_TEXT, "รหัสโรงเรียน 10 หลัก (หาโรงเรียนเดียว)", "10-digit OBEC code (one school)"},
    {NULL},
};

static const struct api_route routes[] = {
    {"GET", "/areas", areas_list, NULL, "org:read", NULL, "รายชื่อสำนักงานเขตพื้นที่การศึกษา",
     "Educational service area offices", area_schema, true, area_params, "name code"},
    {"GET", "/areas/:id", area_get, NULL, "org:read", NULL, "สำนักงานเขตพื้นที่หนึ่งแห่ง", "One area office",
     area_schema},
    {"GET", "/areas/:id/work-groups", work_groups_list, NULL, "org:read", NULL, "กลุ่มงานของสำนักงานเขตพื้นที่",
     "The area office's work groups", work_group_schema, true, NULL, "sort"},
    {"GET", "/areas/:id/schools", schools_list, NULL, "org:read", NULL, "โรงเรียนในสังกัดของเขตพื้นที่",
     "The area's schools, in Thai name order", school_schema, true, school_params, "name"},
    {"GET", "/schools/:id", school_get, NULL, "org:read", NULL, "โรงเรียนหนึ่งแห่ง", "One school", school_schema},
    {NULL},
};

const struct api_def org_api = {"org", "หน่วยงานและโรงเรียน", routes};
