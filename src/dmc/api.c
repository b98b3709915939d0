/* api: the student census under /api/v1 (issue 15.1): a school's learners,
 * for whoever may see the school on the census pages (a school role its
 * own school, an area role its area's, the national viewer every one).
 * Personal data is masked for every caller: the citizen ID or G-code
 * only as ident_masked; birth dates, guardians' phones and addresses are
 * not given. One range of the index dmc_learners_school (school, status,
 * Thai name order). */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "core/api.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"

#define ENUM API_ENUM_SCHEMA

static const char learner_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"school_id\",\"ident_masked\",\"title\",\"first_name\",\"last_name\","
    "\"sex\",\"grade\",\"room\",\"status\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"school_id\":{\"type\":"
    "\"integer\"},\"ident_masked\":{\"type\":\"string\",\"description\":\"เลขประจำตัวประชาชนหรือรหัส G แบบปิดบัง / "
    "masked citizen ID or G-code\"},\"title\":" ENUM ",\"first_name\":{\"type\":\"string\"},\"last_name\":{\"type\":"
    "\"string\"},\"sex\":" ENUM ",\"grade\":" ENUM ",\"room\":{\"type\":\"integer\"},\"status\":" ENUM "}}";

static const char *status_label(const char *s)
{
	if (!strcmp(s, "active"))
		return "กำลังศึกษา";
	if (!strcmp(s, "moved_out"))
		return "ย้ายออก";
	if (!strcmp(s, "graduated"))
		return "จบการศึกษา";
	return "จำหน่าย";
}

static int learners_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	long long sid = req_param_id(r, "id");
	if (!acc_grant_is(acc_active_grant(r), "dmc_viewer") && !acc_for_school(r, sid))
		return api_error(r, 404, NULL, "ไม่พบโรงเรียนนี้", NULL);
	const char *status = req_query(r, "status");
	status = status ? status : "active";
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long total = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM dmc_learners WHERE school_id = $1 AND status = $2",
			 DB_ARGS(DB_INT(sid), DB_TEXT(status)), &total, &e) < 0)
		return api_err(r, &e);
	const char *dir = pg.desc ? "DESC" : "ASC";
	char sql[768];
	snprintf(sql, sizeof sql,
		 "SELECT l.id, l.school_id, l.ident, l.title, t.label AS title_label, l.first_name, l.last_name, l.sex, "
		 "l.grade, g.label AS grade_label, l.room, l.status FROM dmc_learners l "
		 "JOIN dmc_titles t ON t.code = l.title JOIN dmc_grades g ON g.code = l.grade "
		 "WHERE l.school_id = $1 AND l.status = $2 "
		 "ORDER BY l.first_name COLLATE thai %s, l.last_name COLLATE thai %s, l.id %s LIMIT $3 OFFSET $4",
		 dir, dir, dir);
	json_t *rows = db_rows_json(db, sql, DB_ARGS(DB_INT(sid), DB_TEXT(status), DB_INT(pg.per_page), DB_INT(pg.offset)), &e);
	if (!rows)
		return api_err(r, &e);
	json_t *items = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		struct buf m = BUF_INIT;
		const char *ident = jstr(x, "ident");
		if (ident[0] == 'G') /* a G-code: its letter and the last four */
			buf_addf(&m, "G-xxxxxxxx-%s", strlen(ident) > 4 ? ident + strlen(ident) - 4 : "");
		else
			thai_citizen_id_mask(ident, &m);
		const char *sex = jstr(x, "sex");
		json_array_append_new(
		    items, json_pack("{s:I, s:I, s:s, s:o, s:s, s:s, s:o, s:o, s:I, s:o}", "id", (json_int_t)jint(x, "id"),
				     "school_id", (json_int_t)jint(x, "school_id"), "ident_masked", buf_cstr(&m), "title",
				     api_enum(jstr(x, "title"), jstr(x, "title_label")), "first_name", jstr(x, "first_name"),
				     "last_name", jstr(x, "last_name"), "sex",
				     api_enum(sex, !strcmp(sex, "M") ? "ชาย" : "หญิง"), "grade",
				     api_enum(jstr(x, "grade"), jstr(x, "grade_label")), "room", (json_int_t)jint(x, "room"),
				     "status", api_enum(jstr(x, "status"), status_label(jstr(x, "status")))));
		buf_release(&m);
	}
	json_decref(rows);
	return api_list(r, &pg, items, total);
}

static const struct choice status_choices[] = {
    {"active", "กำลังศึกษา"}, {"moved_out", "ย้ายออก"}, {"graduated", "จบการศึกษา"}, {"removed", "จำหน่าย"}, {NULL, NULL},
};
static const struct api_param params[] = {
    {"status", AP_CHOICE, "สถานะ (ค่าเริ่มต้น กำลังศึกษา)", "status (default active)", status_choices},
    {NULL},
};

static const struct api_route routes[] = {
    {"GET", "/dmc/schools/:id/learners", learners_list, NULL, "dmc:read",
     "dmc_officer dmc_certifier dmc_area dmc_viewer school_admin director area_admin super_admin",
     "นักเรียนของโรงเรียนตามลำดับชื่อ (เลขประจำตัวปิดบัง)", "A school's learners in Thai name order (IDs masked)",
     learner_schema, true, params, "name"},
    {NULL},
};

const struct api_def dmc_api = {"dmc", "ข้อมูลนักเรียนรายบุคคล (DMC)", routes};
