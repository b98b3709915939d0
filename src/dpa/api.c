/* api: the personnel registry under /api/v1 (issue 15.1): a school's
 * staff, for whoever may see the school on the registry's pages (its own
 * school roles, its area's roles, the super admin). As the school's list
 * page, citizen IDs are masked and salaries, birth dates, phones and
 * e-mails are not given: the full record stays on /dpa/staff/:id,
 * whose reads are audited. One range of dpa_staff_school.
 *
 * The writes are the pages' own handlers (dpa_pages.h) run by
 * api_call_page: the same declared fields, domain functions, transaction,
 * mail and audit; each answers the resource as stored. An edit carries
 * _version (409 when the record changed since); adding a person active at
 * another school is 409 with the code transfer_offered (POST
 * …/transfers instead). Transfers are read from either side: the
 * person's school (incoming, one range of dpa_transfers_from) and the
 * asking school (outgoing, dpa_transfers_to). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acc/acc.h"
#include "core/api.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "dpa/dpa_internal.h"
#include "dpa/dpa_pages.h"

#define ENUM API_ENUM_SCHEMA
#define TIME API_TIME_SCHEMA
#define READERS "dpa_officer dpa_area school_admin director area_admin super_admin"
#define ENTER "dpa_officer school_admin dpa_area area_admin super_admin"

static const char staff_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"school_id\",\"area_id\",\"citizen_id_masked\",\"title\",\"first_name\","
    "\"last_name\",\"type\",\"position\",\"status\",\"complete\"],\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"school_id\":{\"type\":[\"integer\",\"null\"]},\"area_id\":{\"type\":\"integer\"},\"citizen_id_masked\":{\"type\":"
    "\"string\"},\"title\":{\"type\":\"string\"},\"first_name\":{\"type\":\"string\"},\"last_name\":{\"type\":"
    "\"string\"},\"type\":{\"oneOf\":[{\"type\":\"null\"}," ENUM "]},\"position\":{\"oneOf\":[{\"type\":\"null\"}," ENUM
    "]},\"position_no\":{\"type\":\"string\"},\"status\":" ENUM ",\"complete\":{\"type\":\"boolean\"}}}";

static json_t *code_label(json_t *x, const char *code, const char *label)
{
	return *jstr(x, code) ? api_enum(jstr(x, code), jstr(x, label)) : json_null();
}

static int staff_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	long long sid = req_param_id(r, "sid");
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
		 "COALESCE(p.label, '') AS position_label, s.position_no, s.status, s.missing "
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
		/* no retirement year in the list: it gives the birth year away,
		 * and the school's list page shows neither */
		json_array_append_new(
		    items, json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:b}", "id",
				     (json_int_t)jint(x, "id"), "school_id", (json_int_t)jint(x, "school_id"), "area_id",
				     (json_int_t)jint(x, "area_id"), "citizen_id_masked", buf_cstr(&m), "title",
				     jstr(x, "title"), "first_name", jstr(x, "first_name"), "last_name", jstr(x, "last_name"),
				     "type", code_label(x, "type", "type_label"), "position",
				     code_label(x, "position", "position_label"), "position_no", jstr(x, "position_no"),
				     "status", api_enum("active", "ปฏิบัติงาน"), "complete", jint(x, "missing") == 0));
		buf_release(&m);
	}
	json_decref(rows);
	return api_list(r, &pg, items, total);
}

/* --- one record ------------------------------------------------------------------- */

static const char staff_item_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"school_id\",\"area_id\",\"citizen_id_masked\",\"title\",\"first_name\","
    "\"last_name\",\"type\",\"position\",\"position_no\",\"status\",\"complete\",\"version\",\"updated_at\",\"href\"],"
    "\"properties\":{\"id\":{\"type\":\"integer\"},\"school_id\":{\"type\":[\"integer\",\"null\"],\"description\":"
    "\"null: บุคลากรของสำนักงานเขตพื้นที่ / null: the area office's staff\"},\"area_id\":{\"type\":\"integer\"},"
    "\"citizen_id_masked\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"first_name\":{\"type\":\"string\"},"
    "\"last_name\":{\"type\":\"string\"},\"type\":{\"oneOf\":[{\"type\":\"null\"}," ENUM "]},\"position\":{\"oneOf\":[{"
    "\"type\":\"null\"}," ENUM "]},\"position_no\":{\"type\":\"string\"},\"status\":" ENUM ",\"removed_reason\":{"
    "\"oneOf\":[{\"type\":\"null\"}," ENUM "]},\"removed_on\":" API_DATE_SCHEMA ",\"complete\":{\"type\":\"boolean\"},"
    "\"retire_fy\":{\"type\":[\"integer\",\"null\"],\"description\":\"ปีงบประมาณที่เกษียณ (ค.ศ.) การอ่านแต่ละครั้งถูกบันทึก / "
    "the fiscal year of retirement; each read is audited\"},\"version\":{\"type\":\"integer\",\"description\":\"ส่งเป็น "
    "_version เมื่อแก้ไข (409 เมื่อมีผู้อื่นแก้ก่อน) / send as _version with an edit (a stale one is 409)\"},"
    "\"updated_at\":" TIME ",\"href\":{\"type\":\"string\"}}}";

/* The record the caller may see, as the record's page decides (its
 * school's roles, its area's; an area office's staff not to a school
 * role); answered with status (201 with Location). */
static int staff_answer(struct req *r, int status, long long id)
{
	struct err e = ERR_INIT;
	json_t *s = id > 0 ? dpa_staff_get(req_db(r), id, &e) : NULL;
	bool seen = false;
	if (s) {
		long long sid = jint(s, "school_id");
		const struct acc_grant *g = acc_active_grant(r);
		seen = (sid > 0 ? acc_for_school(r, sid) : acc_in_area(r, jint(s, "area_id"))) &&
		       !(g && g->scope == SCOPE_SCHOOL && sid == 0);
	}
	if (!seen) {
		json_decref(s);
		return id > 0 && e.status >= 500 ? api_err(r, &e) : api_error(r, 404, NULL, "ไม่พบบุคลากรคนนี้", NULL);
	}
	struct buf m = BUF_INIT;
	thai_citizen_id_mask(jstr(s, "citizen_id"), &m);
	char href[64];
	snprintf(href, sizeof href, API_PREFIX "/dpa/staff/%lld", id);
	bool active = !strcmp(jstr(s, "status"), "active");
	json_t *fy = json_object_get(s, "retire_fy");
	long long sid = jint(s, "school_id");
	/* the retirement year gives the birth year away: the record's page
	 * shows it (retire_text) beside the birth date and its read is audited
	 * so the API's read of it is too, as the page's (personal.read,
	 * the field named, never its value) */
	if (json_is_integer(fy))
		acc_audit_in(r, req_db(r), jint(s, "area_id"), acc_user_id(r), "personal.read", "dpa_staff", id,
			     json_pack("{s:[s], s:s}", "fields", "retire_fy", "page", "api"));
	json_t *item = json_pack(
	    "{s:I, s:o, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:b, s:O, s:I, s:o, s:s}", "id", (json_int_t)id,
	    "school_id", sid > 0 ? json_integer(sid) : json_null(), "area_id", (json_int_t)jint(s, "area_id"),
	    "citizen_id_masked", buf_cstr(&m), "title", jstr(s, "title"), "first_name", jstr(s, "first_name"), "last_name",
	    jstr(s, "last_name"), "type", code_label(s, "type", "type_label"), "position",
	    code_label(s, "position", "position_label"), "position_no", jstr(s, "position_no"), "status",
	    api_enum(jstr(s, "status"), active ? "ปฏิบัติงาน" : "จำหน่ายแล้ว"), "removed_reason",
	    code_label(s, "removed_reason", "removed_reason_label"), "removed_on", api_date(jstr(s, "removed_on")),
	    "complete", jint(s, "missing") == 0, "retire_fy", json_is_integer(fy) ? fy : json_null(), "version",
	    (json_int_t)jint(s, "version"), "updated_at", api_time(jint(s, "updated_at")), "href", href);
	buf_release(&m);
	json_decref(s);
	if (status == 201)
		req_add_header(r, "Location", href);
	return api_item(r, status, item);
}

static int staff_get(struct req *r)
{
	return staff_answer(r, 200, req_param_id(r, "id"));
}

static int added(struct req *r, const char *location)
{
	return staff_answer(r, 201, api_location_id(location, "/dpa/staff/"));
}

static int staff_add(struct req *r)
{
	return api_call_page(r, dpa_new_post, added);
}

/* an edit or removal of the path's record (a removal goes to the list) */
static int edited(struct req *r, const char *location)
{
	(void)location;
	return staff_answer(r, 200, req_param_id(r, "id"));
}

static int staff_edit(struct req *r)
{
	return api_call_page(r, dpa_staff_post, edited);
}

/* --- transfers (DPA-2) ---------------------------------------------------------------- */

static const char transfer_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"staff_id\",\"name\",\"citizen_id_masked\",\"from_area_id\","
    "\"from_school_id\",\"to_area_id\",\"to_school_id\",\"status\",\"note\",\"requested_at\",\"decided_at\","
    "\"decision_note\",\"href\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"staff_id\":{\"type\":\"integer\"},"
    "\"name\":{\"type\":\"string\"},\"citizen_id_masked\":{\"type\":\"string\"},\"from_area_id\":{\"type\":\"integer\"},"
    "\"from_school_id\":{\"type\":[\"integer\",\"null\"]},\"from_school_name\":{\"type\":\"string\"},\"to_area_id\":{"
    "\"type\":\"integer\"},\"to_school_id\":{\"type\":\"integer\"},\"to_school_name\":{\"type\":\"string\"},\"status\":"
    ENUM ",\"note\":{\"type\":\"string\"},\"requested_at\":" TIME ",\"decided_at\":" TIME ",\"decision_note\":{\"type\":"
    "\"string\"},\"href\":{\"type\":\"string\"}}}";

static const char *transfer_status_label(const char *st)
{
	return !strcmp(st, "pending")	 ? "รอพิจารณา"
	       : !strcmp(st, "approved") ? "อนุมัติแล้ว"
	       : !strcmp(st, "refused")	 ? "ไม่อนุมัติ"
					 : "ยกเลิกแล้ว";
}

#define TRANSFER_COLS                                                                                                  \
	"SELECT t.id, t.staff_id, s.citizen_id, s.title, s.first_name, s.last_name, t.from_area_id, "                    \
	"COALESCE(t.from_school_id, 0) AS from_school_id, COALESCE(fs.name, '') AS from_school_name, t.to_area_id, "     \
	"t.to_school_id, ts.name AS to_school_name, t.status, t.note, t.requested_at, "                                   \
	"COALESCE(t.decided_at, 0) AS decided_at, t.decision_note FROM dpa_transfers t "                                   \
	"JOIN dpa_staff s ON s.id = t.staff_id JOIN schools ts ON ts.id = t.to_school_id "                               \
	"LEFT JOIN schools fs ON fs.id = t.from_school_id "

static json_t *transfer_item(json_t *x)
{
	struct buf m = BUF_INIT, name = BUF_INIT;
	thai_citizen_id_mask(jstr(x, "citizen_id"), &m);
	buf_addf(&name, "%s%s %s", jstr(x, "title"), jstr(x, "first_name"), jstr(x, "last_name"));
	char href[64];
	snprintf(href, sizeof href, API_PREFIX "/dpa/transfers/%lld", jint(x, "id"));
	long long from = jint(x, "from_school_id");
	json_t *item = json_pack(
	    "{s:I, s:I, s:s, s:s, s:I, s:o, s:s, s:I, s:I, s:s, s:o, s:s, s:o, s:o, s:s, s:s}", "id",
	    (json_int_t)jint(x, "id"), "staff_id", (json_int_t)jint(x, "staff_id"), "name", buf_cstr(&name),
	    "citizen_id_masked", buf_cstr(&m), "from_area_id", (json_int_t)jint(x, "from_area_id"), "from_school_id",
	    from > 0 ? json_integer(from) : json_null(), "from_school_name", jstr(x, "from_school_name"), "to_area_id",
	    (json_int_t)jint(x, "to_area_id"), "to_school_id", (json_int_t)jint(x, "to_school_id"), "to_school_name",
	    jstr(x, "to_school_name"), "status", api_enum(jstr(x, "status"), transfer_status_label(jstr(x, "status"))),
	    "note", jstr(x, "note"), "requested_at", api_time(jint(x, "requested_at")), "decided_at",
	    api_time(jint(x, "decided_at")), "decision_note", jstr(x, "decision_note"), "href", href);
	buf_release(&m);
	buf_release(&name);
	return item;
}

/* A transfer seen by either side: the asking school (and its area), the
 * person's school or area office (and its area). */
static int transfer_answer(struct req *r, int status, long long id)
{
	struct err e = ERR_INIT;
	json_t *x = id > 0 ? db_row_json(req_db(r), TRANSFER_COLS "WHERE t.id = $1", DB_ARGS(DB_INT(id)), &e) : NULL;
	bool seen = false;
	if (x) {
		long long from = jint(x, "from_school_id");
		const struct acc_grant *g = acc_active_grant(r);
		seen = acc_for_school(r, jint(x, "to_school_id")) ||
		       (from > 0 ? acc_for_school(r, from)
				 : acc_in_area(r, jint(x, "from_area_id")) && !(g && g->scope == SCOPE_SCHOOL));
	}
	if (!seen) {
		json_decref(x);
		return id > 0 && e.status >= 500 ? api_err(r, &e) : api_error(r, 404, NULL, "ไม่พบคำขอย้ายนี้", NULL);
	}
	json_t *item = transfer_item(x);
	json_decref(x);
	if (status == 201)
		req_add_header(r, "Location", jstr(item, "href"));
	return api_item(r, status, item);
}

static int transfer_get(struct req *r)
{
	return transfer_answer(r, 200, req_param_id(r, "tid"));
}

static int transfers_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	long long sid = req_param_id(r, "sid");
	if (!acc_for_school(r, sid))
		return api_error(r, 404, NULL, "ไม่พบโรงเรียนนี้", NULL);
	const char *dir = req_query(r, "direction"), *status = req_query(r, "status");
	bool outgoing = dir && !strcmp(dir, "outgoing");
	status = status ? status : "";
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	/* incoming: dpa_transfers_from (from_school_id, status, requested_at);
	 * outgoing: dpa_transfers_to (to_school_id, requested_at) */
	const char *col = outgoing ? "t.to_school_id" : "t.from_school_id";
	char sql[1400];
	long long total = 0;
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM dpa_transfers t WHERE %s = $1 AND ($2 = '' OR t.status = $2)", col);
	if (db_int_value(db, sql, DB_ARGS(DB_INT(sid), DB_TEXT(status)), &total, &e) < 0)
		return api_err(r, &e);
	const char *o = pg.desc ? "DESC" : "ASC";
	snprintf(sql, sizeof sql,
		 TRANSFER_COLS "WHERE %s = $1 AND ($2 = '' OR t.status = $2) ORDER BY t.requested_at %s, t.id %s "
			       "LIMIT $3 OFFSET $4",
		 col, o, o);
	json_t *rows = db_rows_json(db, sql, DB_ARGS(DB_INT(sid), DB_TEXT(status), DB_INT(pg.per_page), DB_INT(pg.offset)), &e);
	if (!rows)
		return api_err(r, &e);
	json_t *items = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) json_array_append_new(items, transfer_item(x));
	json_decref(rows);
	return api_list(r, &pg, items, total);
}

/* the request the page's handler just made: the person's one pending
 * (dpa_transfers_one_pending), asked by this school */
static int transfer_asked(struct req *r, const char *location)
{
	(void)location;
	struct err e = ERR_INIT;
	long long id = 0;
	int k = db_int_value(req_db(r),
			     "SELECT t.id FROM dpa_transfers t JOIN dpa_staff s ON s.id = t.staff_id "
			     "WHERE s.citizen_id = $1 AND t.status = 'pending' AND t.to_school_id = $2",
			     DB_ARGS(DB_TEXT(form_value(r, "citizen_id")), DB_INT(req_param_id(r, "sid"))), &id, &e);
	if (k < 0)
		return api_err(r, &e);
	return transfer_answer(r, 201, id);
}

static int transfer_ask(struct req *r)
{
	return api_call_page(r, dpa_transfer_post, transfer_asked);
}

static int transfer_decided(struct req *r, const char *location)
{
	(void)location;
	return transfer_answer(r, 200, req_param_id(r, "tid"));
}

static int transfer_decide(struct req *r)
{
	return api_call_page(r, dpa_decide_post, transfer_decided);
}

/* --- the table ------------------------------------------------------------------------------ */

static const long act_edit = ACT_EDIT, act_remove = ACT_REMOVE, d_approve = D_APPROVE, d_refuse = D_REFUSE;

static const struct choice direction_choices[] = {
    {"incoming", "ขอย้ายบุคลากรของโรงเรียนนี้"}, {"outgoing", "โรงเรียนนี้ขอย้ายเข้า"}, {NULL, NULL}};
static const struct choice transfer_status_choices[] = {
    {"pending", "รอพิจารณา"}, {"approved", "อนุมัติแล้ว"}, {"refused", "ไม่อนุมัติ"}, {"withdrawn", "ยกเลิกแล้ว"}, {NULL, NULL}};
static const struct api_param transfer_params[] = {
    {"direction", AP_CHOICE, "incoming: คำขอย้ายบุคลากรของโรงเรียนนี้ (ค่าเริ่มต้น), outgoing: ที่โรงเรียนนี้ขอ",
     "incoming: requests for this school's staff (default); outgoing: this school's own requests", direction_choices},
    {"status", AP_CHOICE, "สถานะ", "status", transfer_status_choices},
    {NULL},
};

static const struct api_route routes[] = {
    {"GET", "/dpa/schools/:sid/staff", staff_list, NULL, "dpa:read", READERS,
     "บุคลากรของโรงเรียนตามลำดับชื่อ (เลขประจำตัวปิดบัง ไม่มีเงินเดือน)",
     "A school's staff in Thai name order (IDs masked, no salaries)", staff_schema, true, NULL, "name"},
    {"POST", "/dpa/schools/:sid/staff", staff_add, dpa_new_form, "dpa:write", ENTER,
     "เพิ่มบุคลากร (มีข้อมูลอยู่ที่โรงเรียนอื่น: 409 code transfer_offered ให้ขอย้ายแทน)",
     "Add a staff record (active at another school: 409 with code transfer_offered, ask for a transfer instead)",
     staff_item_schema, false, NULL, NULL, NULL, 201},
    {"POST", "/dpa/areas/:aid/staff", staff_add, dpa_new_form, "dpa:write", "dpa_area area_admin super_admin",
     "เพิ่มบุคลากรของสำนักงานเขตพื้นที่ (ไม่สังกัดโรงเรียน)", "Add a staff record of the area office (no school)",
     staff_item_schema, false, NULL, NULL, NULL, 201},
    {"GET", "/dpa/staff/:id", staff_get, NULL, "dpa:read", READERS, "บุคลากรหนึ่งคน (เลขประจำตัวปิดบัง ไม่มีเงินเดือน)",
     "One staff record (ID masked, no salary)", staff_item_schema},
    {"PATCH", "/dpa/staff/:id", staff_edit, dpa_edit_form, "dpa:write", ENTER,
     "แก้ไขข้อมูลบุคลากร (ช่องที่ไม่ได้ส่งคงค่าเดิม ส่ง _version: ถ้ามีผู้อื่นแก้ก่อนได้ 409)",
     "Edit a staff record (fields left out keep their values; send _version: a stale one is 409)",
     staff_item_schema, false, NULL, NULL, &act_edit, 0, API_VERSION_CHECKED},
    {"POST", "/dpa/staff/:id/remove", staff_edit, dpa_remove_form, "dpa:write", ENTER,
     "จำหน่ายบุคลากร พร้อมเหตุและวันที่ (ประวัติยังคงอยู่)", "Remove a staff record with reason and date (history kept)",
     staff_item_schema, false, NULL, NULL, &act_remove, 0, API_VERSION_CHECKED},
    {"GET", "/dpa/schools/:sid/transfers", transfers_list, NULL, "dpa:read", READERS,
     "คำขอย้ายบุคลากรของโรงเรียน (ขอย้ายออกจากโรงเรียนนี้ หรือที่โรงเรียนนี้ขอ)",
     "A school's transfer requests (for its staff, or its own)", transfer_schema, true, transfer_params,
     "-requested_at"},
    {"POST", "/dpa/schools/:sid/transfers", transfer_ask, dpa_transfer_form, "dpa:write", ENTER,
     "ขอย้ายข้อมูลบุคลากรที่มีรายชื่ออยู่ที่โรงเรียนอื่น", "Ask for the record of a person recorded at another school",
     transfer_schema, false, NULL, NULL, NULL, 201},
    {"GET", "/dpa/transfers/:tid", transfer_get, NULL, "dpa:read", READERS, "คำขอย้ายหนึ่งรายการ", "One transfer request",
     transfer_schema},
    {"POST", "/dpa/transfers/:tid/approve", transfer_decide, dpa_decision_form, "dpa:write", ENTER,
     "โรงเรียนต้นทาง (หรือเขตพื้นที่) อนุมัติการย้าย", "The person's school (or its area) approves the transfer",
     transfer_schema, false, NULL, NULL, &d_approve},
    {"POST", "/dpa/transfers/:tid/refuse", transfer_decide, dpa_decision_form, "dpa:write", ENTER,
     "โรงเรียนต้นทาง (หรือเขตพื้นที่) ไม่อนุมัติ (ต้องระบุเหตุผล)",
     "The person's school (or its area) refuses (decision_note required)", transfer_schema, false, NULL, NULL,
     &d_refuse},
    {NULL},
};

const struct api_def dpa_api = {"dpa", "ทะเบียนบุคลากร (DPA)", routes};
