/* api: the personnel registry under /api/v1 (issue 15.1): a school's
 * staff, for whoever may see the school on the registry's pages (its own
 * school roles, its area's roles, the super admin). As the school's list
 * page, citizen IDs are masked and salaries, birth dates, phones and
 * e-mails are not given: the full record stays on /dpa/staff/:id,
 * whose reads are audited. One range of dpa_staff_school. */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "core/api.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"

#define ENUM API_ENUM_SCHEMA

static const char staff_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"school_id\",\"area_id\",\"citizen_id_masked\",\"title\",\"first_name\","
    "\"last_name\",\"type\",\"position\",\"status\",\"complete\"],\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"school_id\":{\"type\":[\"integer\",\"null\"]},\"area_id\":{\"type\":\"integer\"},\"citizen_id_masked\":{\"type\":"
    "\"string\"},\"title\":{\"type\":\"string\"},\"first_name\":{\"type\":\"string\"},\"last_name\":{\"type\":"
    "\"string\"},\"type\":{\"oneOf\":[{\"type\":\"null\"}," ENUM "]},\"position\":{\"oneOf\":[{\"type\":\"null\"}," ENUM
    "]},\"position_no\":{\"type\":\"string\"},\"status\":" ENUM ",\"complete\":{\"type\":\"boolean\"},\"retire_fy\":{"
    "\"type\":[\"integer\",\"null\"],\"description\":\"ปีงบประมาณที่เกษียณ (พ.ศ.) / fiscal year of retirement (BE)\"}}}";

static json_t *code_label(json_t *x, const char *code, const char *label)
{
	return *jstr(x, code) ? api_enum(jstr(x, code), jstr(x, label)) : json_null();
}

static int staff_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	long long sid = req_param_id(r, "id");
	if (!acc_for_school(r, sid))
		return api_error(r, 404, NULL, "ไม่พบโรงเรียนนี้", NULL);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long total = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM dpa_staff WHERE school_id = $1 AND status = 'active'",
			 DB_ARGS(DB_INT(sid)), &total, &e) < 0)
		return api_err(r, &e);
	const char *dir = pg.desc ? "DESC" : "ASC";
	char sql[900];
	snprintf(sql, sizeof sql,
		 "SELECT s.id, s.school_id, s.area_id, s.citizen_id, s.title, s.first_name, s.last_name, "
		 "COALESCE(s.type, '') AS type, COALESCE(t.label, '') AS type_label, COALESCE(s.position, '') AS position, "
		 "COALESCE(p.label, '') AS position_label, s.position_no, s.status, s.missing, s.retire_fy "
		 "FROM dpa_staff s LEFT JOIN dpa_types t ON t.code = s.type LEFT JOIN dpa_positions p ON p.code = s.position "
		 "WHERE s.school_id = $1 AND s.status = 'active' "
		 "ORDER BY s.first_name COLLATE thai %s, s.last_name COLLATE thai %s, s.id %s LIMIT $2 OFFSET $3",
		 dir, dir, dir);
	json_t *rows = db_rows_json(db, sql, DB_ARGS(DB_INT(sid), DB_INT(pg.per_page), DB_INT(pg.offset)), &e);
	if (!rows)
		return api_err(r, &e);
	json_t *items = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		struct buf m = BUF_INIT;
		thai_citizen_id_mask(jstr(x, "citizen_id"), &m);
		json_t *fy = json_object_get(x, "retire_fy");
		json_array_append_new(
		    items, json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:b, s:O}", "id",
				     (json_int_t)jint(x, "id"), "school_id", (json_int_t)jint(x, "school_id"), "area_id",
				     (json_int_t)jint(x, "area_id"), "citizen_id_masked", buf_cstr(&m), "title",
				     jstr(x, "title"), "first_name", jstr(x, "first_name"), "last_name", jstr(x, "last_name"),
				     "type", code_label(x, "type", "type_label"), "position",
				     code_label(x, "position", "position_label"), "position_no", jstr(x, "position_no"),
				     "status", api_enum("active", "ปฏิบัติงาน"), "complete", jint(x, "missing") == 0,
				     "retire_fy", json_is_integer(fy) ? fy : json_null()));
		buf_release(&m);
	}
	json_decref(rows);
	return api_list(r, &pg, items, total);
}

static const struct api_route routes[] = {
    {"GET", "/dpa/schools/:id/staff", staff_list, NULL, "dpa:read",
     "dpa_officer dpa_area school_admin director area_admin super_admin",
     "บุคลากรของโรงเรียนตามลำดับชื่อ (เลขประจำตัวปิดบัง ไม่มีเงินเดือน)",
     "A school's staff in Thai name order (IDs masked, no salaries)", staff_schema, true, NULL, "name"},
    {NULL},
};

const struct api_def dpa_api = {"dpa", "ทะเบียนบุคลากร (DPA)", routes};
