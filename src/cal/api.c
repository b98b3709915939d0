/* api: the data calendar under /api/v1 (issue 15.1): the deadlines
 * of an area and of one school, as the pages show them — every module's
 * deadlines gathered through core/module.h's hook (census rounds, KPI due
 * dates, the admin roster, school buildings …), by due time, each with the
 * schools that still owe it. A year back and about a year ahead, as the
 * pages and the feeds. Who may read: an area's calendar its area's roles
 * and the super admin; a school's its own school roles and its area's
 * (acc_area_for, acc_school_for), 404 otherwise. Reads only. */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "cal/cal_internal.h"
#include "core/api.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/jsonx.h"

#define TIME API_TIME_SCHEMA

static const char deadline_schema[] =
    "{\"type\":\"object\",\"required\":[\"key\",\"module\",\"title\",\"opens\",\"due\",\"href\",\"note\",\"past\","
    "\"open\",\"owing_count\",\"owing\"],\"properties\":{\"key\":{\"type\":\"string\",\"description\":\"รหัสคงที่ของ"
    "กำหนดการ / stable key (dmc.2569.1.confirm)\"},\"module\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},"
    "\"opens\":" TIME ",\"due\":" TIME ",\"href\":{\"type\":\"string\",\"description\":\"หน้าที่ทำงานนี้ / the page "
    "where the work is done\"},\"note\":{\"type\":\"string\"},\"past\":{\"type\":\"boolean\"},\"open\":{\"type\":"
    "\"boolean\"},\"owing_count\":{\"type\":\"integer\"},\"owing\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"required\":[\"school_id\",\"name\"],\"properties\":{\"school_id\":{\"type\":\"integer\"},\"name\":{\"type\":"
    "\"string\"},\"detail\":{\"type\":\"string\"},\"count\":{\"type\":\"integer\"},\"href\":{\"type\":\"string\"}}}}}}";

static json_t *deadline_item(json_t *dl)
{
	json_t *owing = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(dl, "owing"), i, o)
	{
		json_t *x = json_pack("{s:I, s:s}", "school_id", (json_int_t)jint(o, "school_id"), "name", jstr(o, "name"));
		if (*jstr(o, "detail"))
			json_object_set_new(x, "detail", json_string(jstr(o, "detail")));
		if (json_is_integer(json_object_get(o, "count")))
			json_object_set_new(x, "count", json_integer(jint(o, "count")));
		if (*jstr(o, "href"))
			json_object_set_new(x, "href", json_string(jstr(o, "href")));
		json_array_append_new(owing, x);
	}
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:b, s:b, s:I, s:o}", "key", jstr(dl, "key"), "module",
			 jstr(dl, "module"), "title", jstr(dl, "title"), "opens", api_time(jint(dl, "opens_at")), "due",
			 api_time(jint(dl, "due_at")), "href", jstr(dl, "href"), "note", jstr(dl, "note"), "past",
			 json_is_true(json_object_get(dl, "past")), "open", json_is_true(json_object_get(dl, "open")),
			 "owing_count", (json_int_t)json_array_size(json_object_get(dl, "owing")), "owing", owing);
}

/* The deadlines of area (school: one of its schools, 0 all), a page of
 * them in due order (a few dozen: gathered whole, as the pages do). */
static int answer(struct req *r, const struct api_page *pg, long long area, long long school)
{
	struct err e = ERR_INIT;
	json_t *all = cal_deadlines(req_db(r), area, school, clock_now(r), CAL_PAST_DAYS, CAL_AHEAD_DAYS, &e);
	if (!all)
		return api_err(r, &e);
	size_t n = json_array_size(all);
	json_t *items = json_array();
	for (size_t k = (size_t)pg->offset; k < n && k < (size_t)(pg->offset + pg->per_page); k++)
		json_array_append_new(items, deadline_item(json_array_get(all, pg->desc ? n - 1 - k : k)));
	json_decref(all);
	return api_list(r, pg, items, (long long)n);
}

static const struct acc_place place_path = {"id"};

static int area_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	int rc = 0;
	json_t *a = acc_area_for(r, &place_path, NULL, &rc);
	if (!a)
		return rc;
	long long id = jint(a, "id");
	json_decref(a);
	return answer(r, &pg, id, 0);
}

static int school_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	int rc = 0;
	json_t *s = acc_school_for(r, &place_path, NULL, &rc);
	if (!s)
		return rc;
	long long id = jint(s, "id"), area = jint(s, "area_id");
	json_decref(s);
	return answer(r, &pg, area, id);
}

static const struct api_route routes[] = {
    {"GET", "/cal/areas/:id/deadlines", area_list, NULL, "cal:read", "@area super_admin",
     "กำหนดส่งข้อมูลทุกระบบของเขตพื้นที่ ตามวันครบกำหนด พร้อมโรงเรียนที่ยังค้าง",
     "Every module's data deadlines of the area by due time, with the schools still owing each", deadline_schema, true,
     NULL, "due"},
    {"GET", "/cal/schools/:id/deadlines", school_list, NULL, "cal:read", "@school @area super_admin",
     "กำหนดส่งข้อมูลของโรงเรียน: สิ่งที่ต้องส่งและกำหนดส่ง", "A school's data deadlines: what it owes, by when",
     deadline_schema, true, NULL, "due"},
    {NULL},
};

const struct api_def cal_api = {"cal", "ปฏิทินการจัดทำข้อมูล", routes};
