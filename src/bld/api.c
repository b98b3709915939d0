/* api: school buildings (B-OBEC) under /api/v1 (issue 15.1): a school's
 * buildings (rooms, photos as links), one building with its history, a
 * photo itself, the school's state of a collection year (the window, the
 * submission, what is still missing), the area's overview and its budget
 * request list; and the writes a school does on its pages — add a
 * building, edit one (its _version is required: 422 without it, 409 on a
 * stale copy), add a photo, submit — and the area's reopen, each run by the
 * page's own handler (api_call_page: the same declared fields, checks,
 * window rule, transaction, history and audit).
 *
 * Who sees what is the pages' rule: a school's roles their own school, an
 * area's roles the area's schools, the super admin all (acc_school_for,
 * acc_area_for, acc_for_school); anything else is 404. Years are Buddhist
 * era (2570); ?year= defaults to the collection year of now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acc/acc.h"
#include "bld/bld_internal.h"
#include "core/api.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "org/org.h"

#define ENUM API_ENUM_SCHEMA
#define TIME API_TIME_SCHEMA
#define NULL_ENUM "{\"oneOf\":[{\"type\":\"null\"}," ENUM "]}"
#define INT "{\"type\":\"integer\"}"
#define INT_OR_NULL "{\"type\":[\"integer\",\"null\"]}"
#define STR "{\"type\":\"string\"}"

#define ROOM_SCHEMA                                                                                                    \
	"{\"type\":\"object\",\"required\":[\"use\",\"count\",\"is_classroom\"],\"properties\":{\"use\":" ENUM          \
	",\"count\":" INT ",\"is_classroom\":{\"type\":\"boolean\"}}}"
#define PHOTO_SCHEMA                                                                                                   \
	"{\"type\":\"object\",\"required\":[\"id\",\"width\",\"height\",\"href\"],\"properties\":{\"id\":" INT          \
	",\"width\":" INT ",\"height\":" INT ",\"filename\":" STR ",\"created_at\":" TIME ",\"href\":" STR "}}"

static const char building_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"school_id\",\"area_id\",\"name\",\"type\",\"plan\",\"year_built\","
    "\"floors\",\"area_m2\",\"condition\",\"budget_source\",\"lat\",\"lng\",\"rooms\",\"classrooms\",\"photos\","
    "\"version\",\"created_at\",\"updated_at\",\"href\"],\"properties\":{\"id\":" INT ",\"school_id\":" INT
    ",\"area_id\":" INT ",\"name\":" STR ",\"type\":" ENUM ",\"plan\":" NULL_ENUM
    ",\"year_built\":{\"type\":\"integer\",\"description\":\"ปีที่สร้าง พ.ศ. / year built, Buddhist era\"},"
    "\"floors\":" INT ",\"area_m2\":{\"type\":\"integer\",\"description\":\"พื้นที่ใช้สอย ตารางเมตร / usable area, "
    "m²\"},\"condition\":" ENUM ",\"budget_source\":" NULL_ENUM ",\"lat\":{\"type\":[\"string\",\"null\"]},\"lng\":{"
    "\"type\":[\"string\",\"null\"]},\"rooms\":{\"type\":\"array\",\"items\":" ROOM_SCHEMA "},\"classrooms\":" INT
    ",\"photos\":{\"type\":\"array\",\"items\":" PHOTO_SCHEMA "},\"version\":{\"type\":\"integer\",\"description\":"
    "\"ส่งเป็น _version เมื่อแก้ไข (409 เมื่อมีผู้อื่นแก้ก่อน) / send as _version when editing\"},\"created_at\":" TIME
    ",\"updated_at\":" TIME ",\"href\":" STR ",\"history\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"required\":[\"at\",\"kind\",\"changes\",\"by_name\"],\"properties\":{\"at\":" TIME ",\"kind\":" ENUM
    ",\"changes\":" STR ",\"by_name\":" STR "}}}}}";

#define WINDOW_SCHEMA                                                                                                  \
	"{\"type\":\"object\",\"required\":[\"year\",\"opens\",\"closes\",\"default_closes\",\"extended\",\"state\","    \
	"\"message\"],\"properties\":{\"year\":" INT ",\"opens\":" TIME ",\"closes\":{\"type\":[\"string\",\"null\"],"  \
	"\"format\":\"date-time\",\"description\":\"ปิดรับ (รวมการขยายเวลาของเขต) ไม่รวมเวลานี้ / the close that "        \
	"applies, exclusive\"},\"default_closes\":" TIME ",\"extended\":{\"type\":\"boolean\"},\"state\":" ENUM         \
	",\"message\":" STR "}}"

static const char state_schema[] =
    "{\"type\":\"object\",\"required\":[\"school_id\",\"area_id\",\"year\",\"window\",\"submitted\",\"submitted_at\","
    "\"reopened_at\",\"rooms_taught\",\"rooms_source\",\"missing\",\"can_change\"],\"properties\":{\"school_id\":" INT
    ",\"area_id\":" INT ",\"year\":" INT ",\"window\":" WINDOW_SCHEMA ",\"submitted\":{\"type\":\"boolean\"},"
    "\"submitted_at\":" TIME ",\"submitted_by_name\":" STR ",\"reopened_at\":" TIME ",\"rooms_taught\":" INT_OR_NULL
    ",\"rooms_source\":" NULL_ENUM ",\"rooms_entered\":" INT_OR_NULL ",\"census_rooms\":" INT_OR_NULL
    ",\"missing\":{\"type\":\"array\",\"items\":" STR ",\"description\":\"สิ่งที่ยังขาดก่อนส่งข้อมูล / what is "
    "still missing to submit\"},\"can_change\":{\"type\":\"boolean\"},\"refusal\":" STR "}}";

static const char overview_schema[] =
    "{\"type\":\"object\",\"required\":[\"area_id\",\"year\",\"window\",\"school_count\",\"submitted\",\"buildings\","
    "\"by_condition\",\"by_age\",\"schools\",\"dilapidated_photos\"],\"properties\":{\"area_id\":" INT
    ",\"year\":" INT ",\"window\":" WINDOW_SCHEMA ",\"school_count\":" INT ",\"submitted\":" INT
    ",\"buildings\":" INT ",\"by_condition\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":["
    "\"condition\",\"n\"],\"properties\":{\"condition\":" ENUM ",\"n\":" INT "}}},\"by_age\":{\"type\":\"array\","
    "\"items\":{\"type\":\"object\",\"required\":[\"band\",\"n\"],\"properties\":{\"band\":" STR ",\"n\":" INT
    "}}},\"schools\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"school_id\",\"name\","
    "\"obec_code\",\"buildings\",\"submitted_at\",\"reopened_at\"],\"properties\":{\"school_id\":" INT
    ",\"name\":" STR ",\"obec_code\":" STR ",\"buildings\":" INT ",\"submitted_at\":" TIME ",\"reopened_at\":" TIME
    ",\"href\":" STR "}}},\"dilapidated_photos\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":["
    "\"id\",\"building_id\",\"building\",\"school\",\"href\"],\"properties\":{\"id\":" INT ",\"building_id\":" INT
    ",\"building\":" STR ",\"school\":" STR ",\"year_built\":" INT ",\"width\":" INT ",\"height\":" INT
    ",\"href\":" STR "}}}}}";

static const char budget_schema[] =
    "{\"type\":\"object\",\"required\":[\"area_id\",\"year\",\"fiscal_year\",\"lacking_total\",\"replace_total\","
    "\"schools\",\"not_submitted\"],\"properties\":{\"area_id\":" INT ",\"year\":" INT
    ",\"fiscal_year\":{\"type\":\"integer\",\"description\":\"ปีงบประมาณที่ขอ พ.ศ. / the fiscal year asked for\"},"
    "\"lacking_total\":" INT ",\"replace_total\":" INT ",\"schools\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"object\",\"required\":[\"school_id\",\"name\",\"obec_code\",\"submitted_at\",\"rooms_taught\",\"rooms_source\","
    "\"usable\",\"lacking\",\"replace\"],\"properties\":{\"school_id\":" INT ",\"name\":" STR ",\"obec_code\":" STR
    ",\"submitted_at\":" TIME ",\"rooms_taught\":" INT_OR_NULL ",\"rooms_source\":" NULL_ENUM ",\"usable\":" INT
    ",\"lacking\":" INT ",\"replace\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\","
    "\"name\",\"year_built\",\"age\"],\"properties\":{\"id\":" INT ",\"name\":" STR ",\"year_built\":" INT
    ",\"age\":" INT ",\"href\":" STR "}}}}}},\"not_submitted\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"required\":[\"school_id\",\"name\",\"obec_code\",\"reason\"],\"properties\":{\"school_id\":" INT
    ",\"name\":" STR ",\"obec_code\":" STR ",\"reason\":" STR "}}}}}";

/* ---- items -------------------------------------------------------------------- */

static json_t *text_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *or_null(json_t *v)
{
	return v ? json_incref(v) : json_null();
}

static json_t *enum_or_null(const char *code, const char *label)
{
	return code && *code ? api_enum(code, label) : json_null();
}

static const char *history_label(const char *kind)
{
	static const char *const labels[][2] = {
	    {"add", "เพิ่มข้อมูลอาคาร"}, {"edit", "แก้ไขข้อมูล"}, {"photo", "เพิ่มรูปถ่าย"}, {"photo_remove", "ลบรูปถ่าย"}};
	for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
		if (!strcmp(kind, labels[i][0]))
			return labels[i][1];
	return kind;
}

/* A building as the store gives it (bld_school_buildings or
 * bld_building_get) in the API's shape. */
static json_t *building_item(json_t *b)
{
	long long id = jint(b, "id");
	char href[80];
	snprintf(href, sizeof href, API_PREFIX "/bld/buildings/%lld", id);
	json_t *rooms = json_array(), *photos = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(b, "rooms"), i, x) json_array_append_new(
	    rooms, json_pack("{s:o, s:I, s:b}", "use", api_enum(jstr(x, "use"), jstr(x, "label")), "count",
			     (json_int_t)jint(x, "n"), "is_classroom", jint(x, "is_classroom") != 0));
	json_array_foreach(json_object_get(b, "photos"), i, x)
	{
		char ph[112];
		snprintf(ph, sizeof ph, API_PREFIX "/bld/buildings/%lld/photos/%lld", id, jint(x, "id"));
		json_t *p = json_pack("{s:I, s:I, s:I, s:s}", "id", (json_int_t)jint(x, "id"), "width",
				      (json_int_t)jint(x, "width"), "height", (json_int_t)jint(x, "height"), "href", ph);
		if (json_object_get(x, "filename"))
			json_object_set_new(p, "filename", json_string(jstr(x, "filename")));
		if (json_object_get(x, "created_at"))
			json_object_set_new(p, "created_at", api_time(jint(x, "created_at")));
		json_array_append_new(photos, p);
	}
	json_t *item = json_pack(
	    "{s:I, s:I, s:I, s:s, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:I, s:o, s:o, s:s}", "id",
	    (json_int_t)id, "school_id", (json_int_t)jint(b, "school_id"), "area_id", (json_int_t)jint(b, "area_id"),
	    "name", jstr(b, "name"), "type", api_enum(jstr(b, "type"), jstr(b, "type_label")), "plan",
	    enum_or_null(jstr(b, "plan"), jstr(b, "plan_label")), "year_built", (json_int_t)jint(b, "year_built"),
	    "floors", (json_int_t)jint(b, "floors"), "area_m2", (json_int_t)jint(b, "area_m2"), "condition",
	    api_enum(jstr(b, "condition"), bld_condition_label(jstr(b, "condition"))), "budget_source",
	    enum_or_null(jstr(b, "budget_source"), jstr(b, "budget_source_label")), "lat", text_or_null(jstr(b, "lat")),
	    "lng", text_or_null(jstr(b, "lng")), "rooms", rooms, "classrooms", (json_int_t)jint(b, "classrooms"),
	    "photos", photos, "version", (json_int_t)jint(b, "version"), "created_at", api_time(jint(b, "created_at")),
	    "updated_at", api_time(jint(b, "updated_at")), "href", href);
	json_t *hist = json_object_get(b, "history");
	if (hist) {
		json_t *h = json_array();
		json_array_foreach(hist, i, x) json_array_append_new(
		    h, json_pack("{s:o, s:o, s:s, s:s}", "at", api_time(jint(x, "at")), "kind",
				 api_enum(jstr(x, "kind"), history_label(jstr(x, "kind"))), "changes", jstr(x, "changes"),
				 "by_name", jstr(x, "by_name")));
		json_object_set_new(item, "history", h);
	}
	return item;
}

/* The ?year= of the request (declared AP_INT), the collection year of now
 * by default; 0 when answered (out of range). */
static int year_param(struct req *r)
{
	const char *y = req_query(r, "year");
	if (!y)
		return bld_year_at(clock_now(r));
	long long v = strtoll(y, NULL, 10);
	if (v < 2500 || v > 2700) {
		api_error(r, 400, "invalid_parameter", "พารามิเตอร์ของคำขอไม่ถูกต้อง",
			  json_pack("{s:s}", "year", "ปี พ.ศ. ต้องอยู่ระหว่าง 2500 ถึง 2700"));
		return 0;
	}
	return (int)v;
}

/* The window of year as an area's schools see it. */
static json_t *window_item(struct req *r, int year, long long area_id, struct err *e)
{
	struct bld_window w;
	long long ac = 0, now = clock_now(r);
	if (bld_window_get(req_db(r), year, area_id, &w, &ac, e) < 0)
		return NULL;
	enum bld_window_state st = bld_window_at(&w, ac, now);
	static const char *const codes[] = {"", "before", "open", "closed"};
	static const char *const labels[] = {"", "ยังไม่เปิดรับข้อมูล", "เปิดรับข้อมูล", "ปิดรับข้อมูลแล้ว"};
	struct buf msg = BUF_INIT;
	if (st != BLD_OPEN)
		bld_window_message(&w, ac, now, &msg);
	json_t *m = json_pack("{s:i, s:o, s:o, s:o, s:b, s:o, s:s}", "year", year, "opens", api_time(w.opens), "closes",
			      api_time(bld_window_close(&w, ac)), "default_closes", api_time(w.closes), "extended",
			      ac > w.closes, "state", api_enum(codes[st], labels[st]), "message", buf_cstr(&msg));
	buf_release(&msg);
	return m;
}

/* ---- a school ------------------------------------------------------------------- */

static const struct acc_place school_path = {"sid"}, area_path = {"aid", NULL, true};

static int buildings_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	int rc = 0;
	json_t *s = acc_school_for(r, &school_path, NULL, &rc);
	if (!s)
		return rc;
	struct err e = ERR_INIT;
	/* three queries whatever the number of buildings (a school has a
	 * few): the page is cut from them */
	json_t *all = bld_school_buildings(req_db(r), jint(s, "id"), &e);
	json_decref(s);
	if (!all)
		return api_err(r, &e);
	size_t n = json_array_size(all);
	json_t *items = json_array();
	for (size_t k = (size_t)pg.offset; k < n && k < (size_t)(pg.offset + pg.per_page); k++)
		json_array_append_new(items, building_item(json_array_get(all, pg.desc ? n - 1 - k : k)));
	json_decref(all);
	return api_list(r, &pg, items, (long long)n);
}

/* The building of the path the caller may see, or NULL (answered 404). */
static json_t *building_for(struct req *r, long long id)
{
	struct err e = ERR_INIT;
	json_t *b = id > 0 ? bld_building_get(req_db(r), id, &e) : NULL;
	if (!b || !acc_for_school(r, jint(b, "school_id"))) {
		json_decref(b);
		if (id > 0 && e.status >= 500)
			api_err(r, &e);
		else
			api_error(r, 404, NULL, "ไม่พบอาคารนี้", NULL);
		return NULL;
	}
	return b;
}

static int building_answer(struct req *r, int status, long long id)
{
	json_t *b = building_for(r, id);
	if (!b)
		return 0;
	json_t *item = building_item(b);
	json_decref(b);
	return api_record(r, status, item, "/bld/buildings/", id);
}

static int building_get(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	return building_answer(r, 200, req_param_id(r, "id"));
}

/* The school's state of a collection year. */
static int state_of_year(struct req *r, long long sid, int year)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *s = org_school_get(db, sid, &e);
	if (!s)
		return api_err(r, &e);
	long long aid = jint(s, "area_id"), now = clock_now(r);
	json_decref(s);
	json_t *win = window_item(r, year, aid, &e);
	json_t *st = win ? bld_school_year(db, year, sid, &e) : NULL;
	json_t *missing = json_array();
	long long census = 0;
	int k = st ? bld_census_rooms(db, sid, year, &census, &e) : -1;
	if (k < 0 || bld_missing(db, year, sid, missing, &e) < 0) {
		json_decref(win);
		json_decref(st);
		json_decref(missing);
		return api_err(r, &e);
	}
	struct err ce = ERR_INIT;
	int can = year == bld_year_at(now) ? bld_may_change(db, sid, aid, now, &ce) : -1;
	if (can < 0 && ce.status >= 500) {
		json_decref(win);
		json_decref(st);
		json_decref(missing);
		return api_err(r, &ce);
	}
	const struct acc_grant *g = acc_active_grant(r);
	bool enter = acc_grant_is(g, "super_admin") ||
		     ((acc_grant_is(g, "bld_officer") || acc_grant_is(g, "school_admin")) && g->school_id == sid);
	const char *source = jstr(st, "rooms_source");
	json_t *item = json_pack(
	    "{s:I, s:I, s:i, s:o, s:b, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:s}", "school_id", (json_int_t)sid,
	    "area_id", (json_int_t)aid, "year", year, "window", win, "submitted", jint(st, "submitted_at") > 0,
	    "submitted_at", api_time(jint(st, "submitted_at")), "submitted_by_name", jstr(st, "submitted_by_name"),
	    "reopened_at", api_time(jint(st, "reopened_at")), "rooms_taught", or_null(json_object_get(st, "rooms_taught")),
	    "rooms_source",
	    enum_or_null(source, !strcmp(source, "census") ? "จากระบบ DMC" : *source ? "โรงเรียนกรอก" : ""),
	    "rooms_entered", or_null(json_object_get(st, "rooms_entered")), "census_rooms",
	    k == 1 ? json_integer(census) : json_null(), "missing", missing, "can_change", enter && can == 0, "refusal",
	    enter && can < 0 && year == bld_year_at(now) ? ce.msg : "");
	json_decref(st);
	return api_item(r, 200, item);
}

/* ... of the ?year= of a read (this year's by default) */
static int state_answer(struct req *r, long long sid)
{
	int year = year_param(r);
	return year ? state_of_year(r, sid, year) : 0;
}

static int state_get(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	int rc = 0;
	json_t *s = acc_school_for(r, &school_path, NULL, &rc);
	if (!s)
		return rc;
	long long sid = jint(s, "id");
	json_decref(s);
	return state_answer(r, sid);
}

static int photo_get(struct req *r)
{
	json_t *b = building_for(r, req_param_id(r, "id"));
	if (!b)
		return 0;
	json_decref(b);
	return bld_photo_file(r); /* the page's: the photo of that building only */
}

/* ---- the area --------------------------------------------------------------------- */

/* The area of the path and the ?year= of an area read; 0 with *rc the
 * answer already given (a bad parameter, another area's: 404). */
static long long area_year(struct req *r, int *year, int *rc)
{
	struct api_page pg;
	*rc = 0;
	if (api_page(r, &pg) < 0 || !(*year = year_param(r)))
		return 0;
	json_t *a = acc_area_for(r, &area_path, NULL, rc);
	if (!a)
		return 0;
	long long aid = jint(a, "id");
	json_decref(a);
	return aid;
}

static int overview_get(struct req *r)
{
	int year = 0, rc = 0;
	long long aid = area_year(r, &year, &rc);
	if (!aid)
		return rc;
	struct err e = ERR_INIT;
	json_t *win = window_item(r, year, aid, &e);
	json_t *m = win ? bld_area_overview(req_db(r), aid, year, &e) : NULL;
	if (!m) {
		json_decref(win);
		return api_err(r, &e);
	}
	json_t *schools = json_array(), *cond = json_array(), *photos = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(m, "schools"), i, x)
	{
		char href[80];
		snprintf(href, sizeof href, API_PREFIX "/bld/schools/%lld/buildings", jint(x, "school_id"));
		json_array_append_new(
		    schools, json_pack("{s:I, s:s, s:s, s:I, s:o, s:o, s:s}", "school_id", (json_int_t)jint(x, "school_id"),
				       "name", jstr(x, "name"), "obec_code", jstr(x, "obec_code"), "buildings",
				       (json_int_t)jint(x, "buildings"), "submitted_at", api_time(jint(x, "submitted_at")),
				       "reopened_at", api_time(jint(x, "reopened_at")), "href", href));
	}
	json_array_foreach(json_object_get(m, "by_condition"), i, x) json_array_append_new(
	    cond, json_pack("{s:o, s:I}", "condition", api_enum(jstr(x, "condition"), jstr(x, "label")), "n",
			    (json_int_t)jint(x, "n")));
	json_array_foreach(json_object_get(m, "dilapidated_photos"), i, x)
	{
		char href[112];
		snprintf(href, sizeof href, API_PREFIX "/bld/buildings/%lld/photos/%lld", jint(x, "building_id"),
			 jint(x, "id"));
		json_array_append_new(
		    photos, json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:I, s:s}", "id", (json_int_t)jint(x, "id"),
				      "building_id", (json_int_t)jint(x, "building_id"), "building", jstr(x, "building"),
				      "school", jstr(x, "school"), "year_built", (json_int_t)jint(x, "year_built"),
				      "width", (json_int_t)jint(x, "width"), "height", (json_int_t)jint(x, "height"), "href",
				      href));
	}
	json_t *item = json_pack("{s:I, s:i, s:o, s:I, s:I, s:I, s:o, s:O, s:o, s:o}", "area_id", (json_int_t)aid,
				 "year", year, "window", win, "school_count", (json_int_t)jint(m, "school_count"),
				 "submitted", (json_int_t)jint(m, "submitted"), "buildings",
				 (json_int_t)jint(m, "buildings"), "by_condition", cond, "by_age",
				 json_object_get(m, "by_age"), "schools", schools, "dilapidated_photos", photos);
	json_decref(m);
	return api_item(r, 200, item);
}

static int budget_get(struct req *r)
{
	int year = 0, rc = 0;
	long long aid = area_year(r, &year, &rc);
	if (!aid)
		return rc;
	struct err e = ERR_INIT;
	json_t *m = bld_budget(req_db(r), aid, year, &e);
	if (m && bld_budget_reasons(r, m, aid, year, &e) < 0) {
		json_decref(m);
		m = NULL;
	}
	if (!m)
		return api_err(r, &e);
	json_t *ok = json_array(), *not = json_array();
	size_t i, j;
	json_t *x, *y;
	json_array_foreach(json_object_get(m, "schools"), i, x)
	{
		json_t *rep = json_array();
		json_array_foreach(json_object_get(x, "replace"), j, y)
		{
			char href[80];
			snprintf(href, sizeof href, API_PREFIX "/bld/buildings/%lld", jint(y, "id"));
			json_array_append_new(rep, json_pack("{s:I, s:s, s:I, s:I, s:s}", "id", (json_int_t)jint(y, "id"),
							     "name", jstr(y, "name"), "year_built",
							     (json_int_t)jint(y, "year_built"), "age",
							     (json_int_t)jint(y, "age"), "href", href));
		}
		const char *source = jstr(x, "rooms_source");
		long long taught = jint(x, "taught");
		json_array_append_new(
		    ok, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:o}", "school_id",
				  (json_int_t)jint(x, "school_id"), "name", jstr(x, "name"), "obec_code",
				  jstr(x, "obec_code"), "submitted_at", api_time(jint(x, "submitted_at")), "rooms_taught",
				  taught >= 0 ? json_integer(taught) : json_null(), "rooms_source",
				  enum_or_null(source, !strcmp(source, "census") ? "จากระบบ DMC" : "โรงเรียนกรอก"),
				  "usable", (json_int_t)jint(x, "usable"), "lacking", (json_int_t)jint(x, "lacking"),
				  "replace", rep));
	}
	json_array_foreach(json_object_get(m, "not_submitted"), i, x) json_array_append_new(
	    not, json_pack("{s:I, s:s, s:s, s:s}", "school_id", (json_int_t)jint(x, "school_id"), "name",
			   jstr(x, "name"), "obec_code", jstr(x, "obec_code"), "reason", jstr(x, "reason")));
	json_t *item = json_pack("{s:I, s:i, s:I, s:I, s:I, s:o, s:o}", "area_id", (json_int_t)aid, "year", year,
				 "fiscal_year", (json_int_t)jint(m, "fiscal_year"), "lacking_total",
				 (json_int_t)jint(m, "lacking_total"), "replace_total",
				 (json_int_t)jint(m, "replace_total"), "schools", ok, "not_submitted", not);
	json_decref(m);
	return api_item(r, 200, item);
}

/* ---- writes: the pages' own handlers ------------------------------------------------ */

/* a submission or reopening is of this year's window (the page's own
 * write reads no ?year=), so its answer is too: a ?year= on the write
 * neither changes what it answers nor undoes the write when it is bad */
static int school_saved(struct req *r, int status, long long sid)
{
	(void)status;
	return state_of_year(r, sid, bld_year_at(clock_now(r)));
}

static const struct api_param year_params[] = {
    {"year", AP_INT, "ปีที่เก็บข้อมูล (พ.ศ.) ค่าเริ่มต้นคือปีปัจจุบัน", "collection year (Buddhist era), this year by default"},
    {NULL},
};

#define SEEN "bld_officer bld_area school_admin director area_admin super_admin"
#define ENTER "bld_officer school_admin super_admin"
#define AREA "bld_area area_admin super_admin"

static const struct api_route routes[] = {
    {"GET", "/bld/schools/:sid/buildings", buildings_list, NULL, "bld:read", SEEN,
     "อาคารและสิ่งก่อสร้างของโรงเรียน พร้อมห้องตามการใช้งานและรูปถ่าย (ลิงก์)",
     "A school's buildings with their rooms by use and photos (links)", building_schema, true, NULL, "id"},
    {"GET", "/bld/schools/:sid/state", state_get, NULL, "bld:read", SEEN,
     "สถานะข้อมูลอาคารเรียนของโรงเรียนในปี: ช่วงเวลาส่งข้อมูล การส่ง และสิ่งที่ยังขาด",
     "A school's collection year: the window, its submission and what is still missing", state_schema, false,
     year_params},
    {"GET", "/bld/buildings/:id", building_get, NULL, "bld:read", SEEN, "อาคารหนึ่งหลัง พร้อมประวัติการแก้ไข",
     "One building with its history", building_schema},
    {"GET", "/bld/buildings/:id/photos/:fid", photo_get, NULL, "bld:read", SEEN, "รูปถ่ายอาคาร (PNG หรือ JPEG)",
     "A photo of the building (PNG or JPEG)", "{\"type\":\"string\",\"format\":\"binary\"}"},
    {"GET", "/bld/areas/:aid/overview", overview_get, NULL, "bld:read", SEEN,
     "ภาพรวมของเขตพื้นที่: โรงเรียนที่ส่งข้อมูล อาคารตามสภาพและอายุ รูปอาคารทรุดโทรม",
     "The area's overview: who submitted, buildings by condition and age, photos of dilapidated ones",
     overview_schema, false, year_params},
    {"GET", "/bld/areas/:aid/budget", budget_get, NULL, "bld:read", SEEN,
     "บัญชีคำขอตั้งงบประมาณสิ่งก่อสร้าง (ปีงบประมาณ = ปีที่เก็บข้อมูล + 2)",
     "The budget request list (fiscal year = collection year + 2)", budget_schema, false, year_params},
    {"POST", "/bld/schools/:sid/buildings", NULL, bld_building_form, "bld:write", ENTER,
     "เพิ่มอาคาร/สิ่งก่อสร้าง (ในช่วงเวลาส่งข้อมูล ก่อนส่งข้อมูล)",
     "Add a building (inside the window, before the school submits)", building_schema, false, NULL, NULL, NULL,
     201, .page = bld_new_post, .answer = building_answer, .id_from = "/bld/buildings/"},
    {"POST", "/bld/buildings/:id", NULL, bld_building_form, "bld:write", ENTER,
     "แก้ไขข้อมูลอาคาร ต้องส่ง _version (ไม่ส่ง: 422, ข้อมูลเก่า: 409)",
     "Edit a building; _version is required (missing: 422, stale: 409)", building_schema, false, NULL, NULL, NULL, 0,
     API_VERSION_REQUIRED, .page = bld_edit_post, .answer = building_answer, .id_from = "/bld/buildings/"},
    {"POST", "/bld/buildings/:id/photos", NULL, bld_photo_form, "bld:write", ENTER,
     "เพิ่มรูปถ่ายอาคาร (multipart/form-data, JPG หรือ PNG, อาคารละไม่เกิน 5 รูป)",
     "Add a photo (multipart/form-data, JPEG or PNG, at most 5 a building)", building_schema,
     .page = bld_photo_post, .answer = building_answer, .id_from = "/bld/buildings/"},
    {"DELETE", "/bld/buildings/:id/photos/:fid", NULL, bld_empty_form, "bld:write", ENTER,
     "ลบรูปถ่ายอาคาร (ในช่วงเวลาส่งข้อมูล ก่อนส่งข้อมูล)", "Remove a photo of the building (inside the window, before "
     "the school submits)", building_schema, .page = bld_photo_delete_post, .answer = building_answer,
     .id_from = "/bld/buildings/"},
    {"POST", "/bld/schools/:sid/submit", NULL, bld_submit_form, "bld:write", ENTER,
     "ส่งข้อมูลอาคารเรียนของปี (ขาดข้อมูล: 422 ระบุทุกรายการ)",
     "Submit the school's year (something missing: 422 naming each item)", state_schema,
     .page = bld_submit_post, .answer = school_saved, .id_from = "/bld/schools/"},
    {"POST", "/bld/schools/:sid/reopen", NULL, bld_empty_form, "bld:write", AREA,
     "เขตพื้นที่เปิดให้โรงเรียนแก้ไขข้อมูลที่ส่งแล้ว", "The area reopens a submitted school", state_schema,
     .page = bld_reopen_post, .answer = school_saved, .id_from = "/bld/schools/"},
    {NULL},
};

const struct api_def bld_api = {"bld", "อาคารเรียน (B-OBEC)", routes};
