/* api: the student census under /api/v1 (issue 15.1): a school's learners,
 * for whoever may see the school on the census pages (a school role its
 * own school, an area role its area's, the national viewer every one).
 * Personal data is masked for every caller: the citizen ID or G-code
 * only as ident_masked; birth dates, guardians' phones and addresses are
 * not given. One range of the index dmc_learners_school (school, status,
 * Thai name order).
 *
 * The writes are the pages' own handlers (dmc_pages.h) run by
 * api_call_page: the same declared fields, domain functions, transaction
 * and audit; each answers the resource as stored. A learner's edits carry
 * _version (409 when the record changed since); adding a learner whose ID
 * is recorded at another school is refused with the code move_in_offered
 * (POST …/move-in instead); a round step outside its window is 409 with
 * round_window_closed, one not allowed yet or done already
 * round_step_refused. */
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
#include "core/view.h"
#include "dmc/dmc.h"
#include "dmc/dmc_internal.h"
#include "dmc/dmc_pages.h"

#define ENUM API_ENUM_SCHEMA
#define TIME API_TIME_SCHEMA
#define ALL "dmc_officer dmc_certifier dmc_area dmc_viewer school_admin director area_admin super_admin"
#define ENTER "dmc_officer school_admin"
#define CERTIFY "dmc_certifier director"

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

static bool may_see(struct req *r, long long school_id)
{
	return acc_grant_is(acc_active_grant(r), "dmc_viewer") || acc_for_school(r, school_id);
}

/* A citizen ID or G-code as the census's pages show it (X-5: most
 * learners are children, so less than an adult's mask shows). */
static void ident_mask(const char *ident, struct buf *m)
{
	dmc_ident_mask(ident, m);
}

/* a learner of the school's list */
static json_t *learner_row(json_t *x)
{
	struct buf m = BUF_INIT;
	ident_mask(jstr(x, "ident"), &m);
	const char *sex = jstr(x, "sex");
	json_t *item = json_pack(
	    "{s:I, s:I, s:s, s:o, s:s, s:s, s:o, s:o, s:I, s:o}", "id", (json_int_t)jint(x, "id"), "school_id",
	    (json_int_t)jint(x, "school_id"), "ident_masked", buf_cstr(&m), "title",
	    api_enum(jstr(x, "title"), jstr(x, "title_label")), "first_name", jstr(x, "first_name"), "last_name",
	    jstr(x, "last_name"), "sex", api_enum(sex, !strcmp(sex, "M") ? "ชาย" : "หญิง"), "grade",
	    api_enum(jstr(x, "grade"), jstr(x, "grade_label")), "room", (json_int_t)jint(x, "room"), "status",
	    api_enum(jstr(x, "status"), status_label(jstr(x, "status"))));
	buf_release(&m);
	return item;
}

static int learners_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	long long sid = req_param_id(r, "sid");
	if (!may_see(r, sid))
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
	return api_list_rows(r, &pg, rows, total, learner_row);
}


/* --- one learner ---------------------------------------------------------------- */

static const char learner_item_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"school_id\",\"ident_masked\",\"title\",\"first_name\",\"last_name\","
    "\"sex\",\"grade\",\"room\",\"status\",\"weight\",\"height\",\"version\",\"updated_at\",\"href\"],\"properties\":{"
    "\"id\":{\"type\":\"integer\"},\"school_id\":{\"type\":\"integer\"},\"ident_masked\":{\"type\":\"string\"},"
    "\"title\":" ENUM ",\"first_name\":{\"type\":\"string\"},\"last_name\":{\"type\":\"string\"},\"sex\":" ENUM
    ",\"grade\":" ENUM ",\"room\":{\"type\":\"integer\"},\"status\":" ENUM ",\"moved_to\":{\"type\":\"string\"},"
    "\"weight\":{\"type\":[\"string\",\"null\"],\"description\":\"กิโลกรัม / kg (\\\"35.5\\\")\"},\"height\":{\"type\":"
    "[\"string\",\"null\"],\"description\":\"เซนติเมตร / cm\"},\"version\":{\"type\":\"integer\",\"description\":"
    "\"ส่งเป็น _version เมื่อแก้ไข (409 เมื่อมีผู้อื่นแก้ก่อน) / send as _version with an edit (a stale one is 409)\"},"
    "\"updated_at\":" TIME ",\"href\":{\"type\":\"string\"}}}";

static json_t *tenths(json_t *x, const char *key)
{
	json_t *v = json_object_get(x, key);
	if (!json_is_integer(v))
		return json_null();
	char s[32];
	long long t = json_integer_value(v);
	snprintf(s, sizeof s, "%lld.%lld", t / 10, t % 10);
	return json_string(s);
}

static json_t *learner_item(json_t *l)
{
	struct buf m = BUF_INIT;
	ident_mask(jstr(l, "ident"), &m);
	char href[64];
	snprintf(href, sizeof href, API_PREFIX "/dmc/learners/%lld", jint(l, "id"));
	const char *sex = jstr(l, "sex");
	json_t *item = json_pack(
	    "{s:I, s:I, s:s, s:o, s:s, s:s, s:o, s:o, s:I, s:o, s:s, s:o, s:o, s:I, s:o, s:s}", "id",
	    (json_int_t)jint(l, "id"), "school_id", (json_int_t)jint(l, "school_id"), "ident_masked", buf_cstr(&m), "title",
	    api_enum(jstr(l, "title"), jstr(l, "title_label")), "first_name", jstr(l, "first_name"), "last_name",
	    jstr(l, "last_name"), "sex", api_enum(sex, !strcmp(sex, "M") ? "ชาย" : "หญิง"), "grade",
	    api_enum(jstr(l, "grade"), jstr(l, "grade_label")), "room", (json_int_t)jint(l, "room"), "status",
	    api_enum(jstr(l, "status"), status_label(jstr(l, "status"))), "moved_to", jstr(l, "moved_to"), "weight",
	    tenths(l, "weight_x10"), "height", tenths(l, "height_x10"), "version", (json_int_t)jint(l, "version"),
	    "updated_at", api_time(jint(l, "updated_at")), "href", href);
	buf_release(&m);
	return item;
}

/* The learner id as the caller may see it (its school's roles, its
 * area's, the national viewer), answered with status (201: with Location). */
static int learner_answer(struct req *r, int status, long long id)
{
	struct err e = ERR_INIT;
	json_t *l = id > 0 ? dmc_learner_get(req_db(r), id, &e) : NULL;
	if (!l || !may_see(r, jint(l, "school_id"))) {
		json_decref(l);
		return api_not_found(r, &e, "ไม่พบนักเรียนคนนี้");
	}
	json_t *item = learner_item(l);
	json_decref(l);
	return api_record(r, status, item, "/dmc/learners/", id);
}

static int learner_get(struct req *r)
{
	return learner_answer(r, 200, req_param_id(r, "id"));
}

/* --- what the area approves: drop-outs (and ID corrections) ------------------- */

static const char request_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"kind\",\"learner_id\",\"school_id\",\"area_id\",\"status\",\"reason\","
    "\"note\",\"requested_at\",\"decided_at\",\"decision_note\",\"href\"],\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"kind\":" ENUM ",\"learner_id\":{\"type\":\"integer\"},\"school_id\":{\"type\":\"integer\"},\"area_id\":{\"type\":"
    "\"integer\"},\"status\":" ENUM ",\"reason\":{\"oneOf\":[{\"type\":\"null\"}," ENUM "]},\"note\":{\"type\":"
    "\"string\"},\"requested_at\":" TIME ",\"decided_at\":" TIME ",\"decision_note\":{\"type\":\"string\"},\"href\":{"
    "\"type\":\"string\"}}}";

static const char *request_status_label(const char *st)
{
	return !strcmp(st, "pending")	 ? "รอเขตพื้นที่อนุมัติ"
	       : !strcmp(st, "approved") ? "อนุมัติแล้ว"
	       : !strcmp(st, "rejected") ? "ไม่อนุมัติ"
					 : "โรงเรียนยกเลิกคำขอ";
}

/* One request the caller may see (its school's, or its area's), answered. */
static int request_answer(struct req *r, int status, long long id)
{
	struct err e = ERR_INIT;
	json_t *x = id > 0 ? db_row_json(req_db(r),
					 "SELECT q.id, q.kind, q.learner_id, q.school_id, q.area_id, q.status, "
					 "COALESCE(q.reason, '') AS reason, COALESCE(d.label, '') AS reason_label, q.note, "
					 "q.requested_at, COALESCE(q.decided_at, 0) AS decided_at, q.decision_note "
					 "FROM dmc_requests q LEFT JOIN dmc_dropout_reasons d ON d.code = q.reason WHERE q.id = $1",
					 DB_ARGS(DB_INT(id)), &e)
			       : NULL;
	if (!x || !may_see(r, jint(x, "school_id"))) {
		json_decref(x);
		return api_not_found(r, &e, "ไม่พบคำขอนี้");
	}
	char href[64];
	snprintf(href, sizeof href, API_PREFIX "/dmc/requests/%lld", id);
	const char *kind = jstr(x, "kind");
	json_t *item = json_pack(
	    "{s:I, s:o, s:I, s:I, s:I, s:o, s:o, s:s, s:o, s:o, s:s, s:s}", "id", (json_int_t)id, "kind",
	    api_enum(kind, !strcmp(kind, "dropout") ? "ขอจำหน่ายออกกลางคัน" : "ขอแก้ไขเลขประจำตัวประชาชน"), "learner_id",
	    (json_int_t)jint(x, "learner_id"), "school_id", (json_int_t)jint(x, "school_id"), "area_id",
	    (json_int_t)jint(x, "area_id"), "status", api_enum(jstr(x, "status"), request_status_label(jstr(x, "status"))),
	    "reason", *jstr(x, "reason") ? api_enum(jstr(x, "reason"), jstr(x, "reason_label")) : json_null(), "note",
	    jstr(x, "note"), "requested_at", api_time(jint(x, "requested_at")), "decided_at",
	    api_time(jint(x, "decided_at")), "decision_note", jstr(x, "decision_note"), "href", href);
	json_decref(x);
	return api_record(r, status, item, "/dmc/requests/", id);
}

static int request_get(struct req *r)
{
	return request_answer(r, 200, req_param_id(r, "id"));
}

/* the drop-out request the page's handler just made: the learner's one
 * pending (dmc_requests_one_pending) */
static int dropout_asked(struct req *r, const char *location)
{
	(void)location;
	struct err e = ERR_INIT;
	long long id = 0;
	int k = db_int_value(req_db(r),
			     "SELECT id FROM dmc_requests WHERE learner_id = $1 AND kind = 'dropout' AND status = 'pending'",
			     DB_ARGS(DB_INT(req_param_id(r, "id"))), &id, &e);
	if (k < 0)
		return api_err(r, &e);
	return request_answer(r, 201, id);
}

static int learner_dropout(struct req *r)
{
	return api_call_page(r, dmc_learner_post, dropout_asked);
}

/* --- rounds -------------------------------------------------------------------------- */

static const char round_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"academic_year\",\"round_no\",\"label\",\"round_day\",\"entry_from\","
    "\"open_at\",\"close_at\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"academic_year\":{\"type\":\"integer\","
    "\"description\":\"ปีการศึกษา (พ.ศ.) / academic year (BE)\"},\"round_no\":{\"type\":\"integer\"},\"label\":{\"type\":"
    "\"string\"},\"round_day\":" API_DATE_SCHEMA ",\"entry_from\":" TIME ",\"open_at\":" TIME ",\"close_at\":" TIME
    ",\"certified\":{\"type\":\"integer\",\"description\":\"จำนวนโรงเรียนที่รับรองแล้ว / schools that certified\"}}}";

static json_t *round_base(json_t *x)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)jint(x, "id"), "academic_year",
			 (json_int_t)jint(x, "academic_year"), "round_no", (json_int_t)jint(x, "round_no"), "label",
			 jstr(x, "label"), "round_day", api_date(jstr(x, "round_day")), "entry_from",
			 api_time(jint(x, "entry_from")), "open_at", api_time(jint(x, "open_at")), "close_at",
			 api_time(jint(x, "close_at")));
}

static int rounds_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long year = req_query(r, "year") ? strtoll(req_query(r, "year"), NULL, 10) : 0;
	if (year <= 0) {
		/* the academic year of the round now (as OBEC laid it out) */
		json_t *cur = dmc_round_current(db, dmc_now(r), &e);
		if (!cur && e.status != 404)
			return api_err(r, &e);
		year = cur ? jint(cur, "academic_year") : thai_academic_year(dmc_now(r));
		json_decref(cur);
	}
	json_t *rows = dmc_rounds_year(db, year, &e); /* three rows at most */
	if (!rows)
		return api_err(r, &e);
	json_t *items = json_array();
	size_t n = json_array_size(rows);
	for (size_t i = 0; i < n; i++) {
		size_t k = pg.desc ? n - 1 - i : i;
		if ((long long)i < pg.offset || (long long)i >= pg.offset + pg.per_page)
			continue;
		json_t *x = json_array_get(rows, k), *it = round_base(x);
		json_object_set_new(it, "certified", json_integer(jint(x, "certified")));
		json_array_append_new(items, it);
	}
	json_decref(rows);
	return api_list(r, &pg, items, (long long)n);
}

static const char school_round_schema[] =
    "{\"type\":\"object\",\"required\":[\"school_id\",\"round\",\"window_open\",\"extended\",\"confirmed_at\","
    "\"certified_at\",\"acknowledged_at\"],\"properties\":{\"school_id\":{\"type\":\"integer\"},\"round\":{\"type\":"
    "\"object\",\"description\":\"รอบตามที่เขตพื้นที่ของโรงเรียนเห็น (ขยายเวลาได้) / the round as the school's area "
    "sees it\"},\"window_open\":{\"type\":\"boolean\"},\"extended\":{\"type\":\"boolean\"},\"confirmed_at\":" TIME
    ",\"certified_at\":" TIME ",\"acknowledged_at\":" TIME "}}";

static int school_round_answer(struct req *r, long long sid, long long rid)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	if (!may_see(r, sid))
		return api_error(r, 404, NULL, "ไม่พบโรงเรียนนี้", NULL);
	json_t *round = rid > 0 ? dmc_round_for_school(db, rid, sid, &e) : NULL;
	if (!round)
		return api_not_found(r, &e, "ไม่พบรอบการจัดเก็บข้อมูลนี้");
	json_t *st = dmc_round_school(db, rid, sid, &e);
	if (!st) {
		json_decref(round);
		return api_err(r, &e);
	}
	bool open = dmc_window_state(jint(round, "open_at"), jint(round, "close_at"), dmc_now(r)) == DMC_WINDOW_OPEN;
	json_t *item = json_pack("{s:I, s:o, s:b, s:b, s:o, s:o, s:o}", "school_id", (json_int_t)sid, "round",
				 round_base(round), "window_open", open, "extended", jint(round, "extended") != 0,
				 "confirmed_at", api_time(jint(st, "confirmed_at")), "certified_at",
				 api_time(jint(st, "certified_at")), "acknowledged_at", api_time(jint(st, "acknowledged_at")));
	json_decref(st);
	json_decref(round);
	return api_item(r, 200, item);
}

static int school_round_get(struct req *r)
{
	return school_round_answer(r, req_param_id(r, "sid"), req_param_id(r, "rid"));
}

/* a step of the path's school in the path's round */
static int stepped(struct req *r, int status, long long rid)
{
	(void)status;
	return school_round_answer(r, req_param_id(r, "sid"), rid);
}

/* --- the area's dashboard ---------------------------------------------------------------- */

static const char dashboard_schema[] =
    "{\"type\":\"object\",\"required\":[\"area_id\",\"round\",\"n_schools\",\"n_confirmed\",\"n_certified\","
    "\"n_acknowledged\",\"male\",\"female\",\"total\",\"schools\"],\"properties\":{\"area_id\":{\"type\":\"integer\"},"
    "\"round\":{\"type\":[\"object\",\"null\"]},\"n_schools\":{\"type\":\"integer\"},\"n_confirmed\":{\"type\":"
    "\"integer\"},\"n_certified\":{\"type\":\"integer\"},\"n_acknowledged\":{\"type\":\"integer\"},\"male\":{\"type\":"
    "\"integer\"},\"female\":{\"type\":\"integer\"},\"total\":{\"type\":\"integer\"},\"schools\":{\"type\":\"array\","
    "\"items\":{\"type\":\"object\",\"required\":[\"school_id\",\"name\",\"obec_code\",\"confirmed_at\","
    "\"certified_at\",\"acknowledged_at\",\"male\",\"female\",\"total\"],\"properties\":{\"school_id\":{\"type\":"
    "\"integer\"},\"name\":{\"type\":\"string\"},\"obec_code\":{\"type\":\"string\"},\"confirmed_at\":" TIME
    ",\"certified_at\":" TIME ",\"acknowledged_at\":" TIME ",\"male\":{\"type\":\"integer\"},\"female\":{\"type\":"
    "\"integer\"},\"total\":{\"type\":\"integer\"},\"certified_total\":{\"type\":[\"integer\",\"null\"]}}}}}}";

static int dashboard_get(struct req *r)
{
	static const struct acc_place area_path = {"aid", "dmc_viewer", true};
	int rc = 0;
	json_t *area = acc_area_for(r, &area_path, "ข้อมูลนักเรียนรายโรงเรียนของเขตพื้นที่ดูได้เฉพาะเจ้าหน้าที่ของเขตพื้นที่และ สพฐ.", &rc);
	if (!area)
		return rc;
	long long aid = jint(area, "id");
	json_decref(area);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long now = dmc_now(r);
	const char *q = req_query(r, "round");
	long long rid = q ? strtoll(q, NULL, 10) : 0;
	json_t *round = rid > 0 ? dmc_round_get(db, rid, &e) : dmc_round_current_area(db, aid, now, &e);
	if (!round && e.status != 404)
		return api_err(r, &e);
	if (!round && rid > 0)
		return api_error(r, 404, NULL, "ไม่พบรอบการจัดเก็บข้อมูลนี้", NULL);
	err_clear(&e);
	/* counts as kept, or (a round closed) what the schools certified in it */
	bool past = round && now >= jint(round, "close_at") + 60;
	/* each school's totals only: no grade cells */
	json_t *dash = dmc_area_dashboard(db, aid, round ? jint(round, "id") : 0, 0, past, DMC_DASH_TOTALS, &e);
	if (!dash) {
		json_decref(round);
		return api_err(r, &e);
	}
	json_t *schools = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(dash, "schools"), i, x)
	{
		json_t *ct = json_object_get(x, "certified_total");
		json_array_append_new(
		    schools, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:I, s:o}", "school_id",
				       (json_int_t)jint(x, "school_id"), "name", jstr(x, "name"), "obec_code",
				       jstr(x, "obec_code"), "confirmed_at", api_time(jint(x, "confirmed_at")), "certified_at",
				       api_time(jint(x, "certified_at")), "acknowledged_at", api_time(jint(x, "acknowledged_at")),
				       "male", (json_int_t)jint(x, "male"), "female", (json_int_t)jint(x, "female"), "total",
				       (json_int_t)jint(x, "total"), "certified_total",
				       json_is_integer(ct) ? json_incref(ct) : json_null()));
	}
	json_t *item = json_pack("{s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "area_id", (json_int_t)aid, "round",
				 round ? round_base(round) : json_null(), "n_schools", (json_int_t)jint(dash, "n_schools"),
				 "n_confirmed", (json_int_t)jint(dash, "n_confirmed"), "n_certified",
				 (json_int_t)jint(dash, "n_certified"), "n_acknowledged", (json_int_t)jint(dash, "n_acknowledged"),
				 "male", (json_int_t)jint(dash, "male"), "female", (json_int_t)jint(dash, "female"), "total",
				 (json_int_t)jint(dash, "total"), "schools", schools);
	json_decref(dash);
	json_decref(round);
	return api_item(r, 200, item);
}

/* --- G-codes (GC-1) ---------------------------------------------------------------------------- */

static const char gcode_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"school_id\",\"area_id\",\"title\",\"first_name\",\"last_name\","
    "\"grade\",\"status\",\"note\",\"requested_at\",\"decided_at\",\"decision_note\",\"gcode\",\"learner_id\",\"docs\"],"
    "\"properties\":{\"id\":{\"type\":\"integer\"},\"school_id\":{\"type\":\"integer\"},\"area_id\":{\"type\":"
    "\"integer\"},\"title\":" ENUM ",\"first_name\":{\"type\":\"string\"},\"last_name\":{\"type\":\"string\"},"
    "\"grade\":" ENUM ",\"status\":" ENUM ",\"note\":{\"type\":\"string\"},\"requested_at\":" TIME ",\"decided_at\":"
    TIME ",\"decision_note\":{\"type\":\"string\"},\"gcode\":{\"type\":[\"string\",\"null\"],\"description\":"
    "\"รหัส G ที่เขตพื้นที่ออกให้ / the G-code the area issued\"},\"learner_id\":{\"type\":[\"integer\",\"null\"]},"
    "\"docs\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"kind\",\"filename\",\"mime\","
    "\"size\",\"href\"],\"properties\":{\"kind\":{\"type\":\"string\"},\"filename\":{\"type\":\"string\"},"
    "\"mime\":{\"type\":\"string\"},\"size\":{\"type\":\"integer\"},\"href\":{\"type\":\"string\"}}}}}}";

static const char *gcode_status_label(const char *st)
{
	return !strcmp(st, "pending")	 ? "รอเขตพื้นที่รับรอง"
	       : !strcmp(st, "approved") ? "รับรองแล้ว"
	       : !strcmp(st, "rejected") ? "ไม่รับรอง"
					 : "โรงเรียนยกเลิกคำขอ";
}

/* read: a GET of the request, audited as its page is */
static int gcode_answer(struct req *r, int status, long long gid, bool read)
{
	struct err e = ERR_INIT;
	json_t *g = gid > 0 ? dmc_gcode_get(req_db(r), gid, &e) : NULL;
	if (!g || !may_see(r, jint(g, "school_id"))) {
		json_decref(g);
		return api_not_found(r, &e, "ไม่พบคำขอรหัส G นี้");
	}
	json_t *docs = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(g, "docs"), i, d)
	{
		char href[96];
		snprintf(href, sizeof href, API_PREFIX "/dmc/gcode/%lld/docs/%s", gid, jstr(d, "kind"));
		json_array_append_new(docs, json_pack("{s:s, s:s, s:s, s:I, s:s}", "kind", jstr(d, "kind"), "filename",
						      jstr(d, "filename"), "mime", jstr(d, "mime"), "size",
						      (json_int_t)jint(d, "size"), "href", href));
	}
	/* the page's own row for a read of the request (the learner's
	 * name and G-code); the answer's personal fields add no second one */
	if (read)
		acc_audit_in(r, req_db(r), jint(g, "area_id"), acc_user_id(r), "personal.read", "dmc_gcode_request", gid,
			     json_pack("{s:s}", "page", "api"));
	long long lid = jint(g, "learner_id");
	json_t *item = json_pack(
	    "{s:I, s:I, s:I, s:o, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:s, s:o, s:o, s:o}", "id", (json_int_t)gid,
	    "school_id", (json_int_t)jint(g, "school_id"), "area_id", (json_int_t)jint(g, "area_id"), "title",
	    api_enum(jstr(g, "title"), jstr(g, "title_label")), "first_name", jstr(g, "first_name"), "last_name",
	    jstr(g, "last_name"), "grade", api_enum(jstr(g, "grade"), jstr(g, "grade_label")), "status",
	    api_enum(jstr(g, "status"), gcode_status_label(jstr(g, "status"))), "note", jstr(g, "note"), "requested_at",
	    api_time(jint(g, "requested_at")), "decided_at", api_time(jint(g, "decided_at")), "decision_note",
	    jstr(g, "decision_note"), "gcode", *jstr(g, "gcode") ? json_string(jstr(g, "gcode")) : json_null(),
	    "learner_id", lid > 0 ? json_integer(lid) : json_null(), "docs", docs);
	json_decref(g);
	return api_record(r, status, item, "/dmc/gcode/", gid);
}

static int gcode_get(struct req *r)
{
	return gcode_answer(r, 200, req_param_id(r, "gid"), true);
}

/* A document of a request the caller may see; each read audited as the
 * page's (X-5: a learner's documents). */
static int gcode_doc_get(struct req *r)
{
	long long gid = req_param_id(r, "gid");
	const char *kind = req_param(r, "kind");
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *g = gid > 0 ? dmc_gcode_get(db, gid, &e) : NULL;
	if (!g || !may_see(r, jint(g, "school_id"))) {
		json_decref(g);
		return api_not_found(r, &e, "ไม่พบคำขอรหัส G นี้");
	}
	bool known = !strcmp(kind, "student_form") || !strcmp(kind, "guardian_doc") || !strcmp(kind, "other_doc");
	json_t *d = known ? dmc_gcode_doc_get(db, gid, kind, &e) : NULL;
	if (!d) {
		json_decref(g);
		return api_not_found(r, &e, "ไม่พบเอกสารนี้");
	}
	acc_audit_in(r, db, jint(g, "area_id"), acc_user_id(r), "personal.read", "dmc_gcode_doc", gid,
		     json_pack("{s:s, s:s}", "kind", kind, "page", "api"));
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", http_settings()->data_dir, jstr(d, "path"));
	int rc = view_file(r, buf_cstr(&path), jstr(d, "mime"), jstr(d, "filename"));
	buf_release(&path);
	json_decref(d);
	json_decref(g);
	return rc;
}

/* a write's answer: the request as stored, with no personal.read of its
 * own (the page's write is the school's own record, or the area's
 * decision) */
static int gcode_written(struct req *r, int status, long long gid)
{
	return gcode_answer(r, status, gid, false);
}

/* --- the table ------------------------------------------------------------------------------------- */

static const long act_move_out = ACT_MOVE_OUT, act_name = ACT_NAME, act_body = ACT_BODY, act_grade = ACT_GRADE,
		  act_dropout = ACT_DROPOUT, ra_confirm = RA_CONFIRM, ra_certify = RA_CERTIFY, yes = 1, no = 0;

static const struct choice status_choices[] = {
    {"active", "กำลังศึกษา"}, {"moved_out", "ย้ายออก"}, {"graduated", "จบการศึกษา"}, {"removed", "จำหน่าย"}, {NULL, NULL},
};
static const struct api_param params[] = {
    {"status", AP_CHOICE, "สถานะ (ค่าเริ่มต้น กำลังศึกษา)", "status (default active)", status_choices},
    {NULL},
};
static const struct api_param round_params[] = {
    {"year", AP_INT, "ปีการศึกษา (พ.ศ.) ค่าเริ่มต้น: ปีของรอบปัจจุบัน", "academic year (BE); default: the current round's"},
    {NULL},
};
static const struct choice doc_choices[] = {
    {"student_form", "แบบบันทึกข้อมูลนักเรียนพร้อมรูปถ่าย"}, {"guardian_doc", "เอกสารของบิดามารดาหรือผู้ปกครอง"},
    {"other_doc", "เอกสารอื่น"}, {NULL, NULL}};
static const struct api_param doc_params[] = {
    {"kind", AP_CHOICE, "ชนิดเอกสาร (ในเส้นทาง)", "the document's kind (in the path)", doc_choices},
    {NULL},
};
static const struct api_param dashboard_params[] = {
    {"round", AP_INT, "รอบ (ค่าเริ่มต้น: รอบปัจจุบันของเขตพื้นที่)", "round id (default: the area's current round)"},
    {NULL},
};

static const struct api_route routes[] = {
    {"GET", "/dmc/schools/:sid/learners", learners_list, NULL, "dmc:read", ALL,
     "นักเรียนของโรงเรียนตามลำดับชื่อ (เลขประจำตัวปิดบัง)", "A school's learners in Thai name order (IDs masked)",
     learner_schema, true, params, "name"},
    {"POST", "/dmc/schools/:sid/learners", NULL, dmc_learner_form, "dmc:write", ENTER,
     "เพิ่มนักเรียน (ไม่พบในโรงเรียนใด) เลขประจำตัวมีที่โรงเรียนอื่น: 422 code move_in_offered ให้ใช้ย้ายเข้า",
     "Add a learner found nowhere; an ID recorded at another school is 422 with code move_in_offered (move in instead)",
     learner_item_schema, false, NULL, NULL, NULL, 201, .page = dmc_add_post, .answer = learner_answer,
     .id_from = "/dmc/learners/"},
    {"POST", "/dmc/schools/:sid/move-in", NULL, dmc_move_in_form, "dmc:write", ENTER,
     "ย้ายนักเรียนเข้าด้วยเลขประจำตัวประชาชนหรือรหัส G (ระเบียนและประวัติย้ายมาด้วย)",
     "Move a learner in by citizen ID or G-code (the record and its history move)", learner_item_schema,
     .page = dmc_move_in_post, .answer = learner_answer, .id_from = "/dmc/learners/"},
    {"GET", "/dmc/learners/:id", learner_get, NULL, "dmc:read", ALL, "นักเรียนหนึ่งคน (เลขประจำตัวปิดบัง)",
     "One learner (ID masked)", learner_item_schema},
    {"PATCH", "/dmc/learners/:id", NULL, dmc_name_form, "dmc:write", ENTER,
     "แก้ไขคำนำหน้า ชื่อ นามสกุล (ช่องที่ไม่ได้ส่งคงค่าเดิม ส่ง _version: ถ้ามีผู้อื่นแก้ก่อนได้ 409)",
     "Edit the title and names (fields left out keep their values; send _version: a stale one is 409)",
     learner_item_schema, false, NULL, NULL, &act_name, 0, API_VERSION_CHECKED,
     .page = dmc_learner_post, .answer = learner_answer, .id_from = "id"},
    {"POST", "/dmc/learners/:id/grade", NULL, dmc_grade_form, "dmc:write", ENTER,
     "เปลี่ยนชั้นและห้อง (ส่ง _version)", "Change grade and room (send _version)", learner_item_schema, false, NULL,
     NULL, &act_grade, 0, API_VERSION_CHECKED,
     .page = dmc_learner_post, .answer = learner_answer, .id_from = "id"},
    {"POST", "/dmc/learners/:id/body", NULL, dmc_body_form, "dmc:write", ENTER,
     "บันทึกน้ำหนักและส่วนสูง (ส่ง _version)", "Record weight and height (send _version)", learner_item_schema, false,
     NULL, NULL, &act_body, 0, API_VERSION_CHECKED,
     .page = dmc_learner_post, .answer = learner_answer, .id_from = "id"},
    {"POST", "/dmc/learners/:id/move-out", NULL, dmc_move_out_form, "dmc:write", ENTER,
     "ย้ายนักเรียนออก พร้อมที่ที่ย้ายไป", "Move a learner out, with the destination", learner_item_schema, false, NULL,
     NULL, &act_move_out, 0, API_VERSION_CHECKED,
     .page = dmc_learner_post, .answer = learner_answer, .id_from = "id"},
    {"POST", "/dmc/learners/:id/dropout", learner_dropout, dmc_dropout_form, "dmc:write", ENTER,
     "ขอจำหน่ายออกกลางคัน (รอเขตพื้นที่อนุมัติ)", "Ask the area to remove a drop-out (waits for its approval)",
     request_schema, false, NULL, NULL, &act_dropout, 201},
    {"GET", "/dmc/requests/:id", request_get, NULL, "dmc:read", ALL, "คำขอจำหน่าย/แก้ไขเลขประจำตัวหนึ่งรายการ",
     "One drop-out or ID-correction request", request_schema},
    {"POST", "/dmc/areas/:aid/requests/:rid/approve", NULL, dmc_decision_form, "dmc:write", "dmc_area",
     "เขตพื้นที่อนุมัติคำขอ (การจำหน่ายมีผลทันที)", "The area approves a request (a removal takes effect)",
     request_schema, false, NULL, NULL, &yes, .page = dmc_decide_post, .answer = request_answer, .id_from = "rid"},
    {"POST", "/dmc/areas/:aid/requests/:rid/reject", NULL, dmc_decision_form, "dmc:write", "dmc_area",
     "เขตพื้นที่ไม่อนุมัติคำขอ (ต้องระบุเหตุผล)", "The area rejects a request (decision_note required)",
     request_schema, false, NULL, NULL, &no, .page = dmc_decide_post, .answer = request_answer, .id_from = "rid"},
    {"GET", "/dmc/rounds", rounds_list, NULL, "dmc:read", ALL, "รอบการจัดเก็บข้อมูลของปีการศึกษา",
     "The data collection rounds of an academic year", round_schema, true, round_params, "round_no"},
    {"GET", "/dmc/schools/:sid/rounds/:rid", school_round_get, NULL, "dmc:read", ALL,
     "ความคืบหน้าของโรงเรียนในรอบ (ยืนยัน รับรอง เขตรับทราบ)",
     "A school's progress in a round (confirmed, certified, acknowledged)", school_round_schema},
    {"POST", "/dmc/schools/:sid/rounds/:rid/confirm", NULL, dmc_empty_form, "dmc:write", ENTER,
     "เจ้าหน้าที่โรงเรียนยืนยันข้อมูล (นอกช่วงเวลา: 409 round_window_closed)",
     "The school's data officer confirms (outside the window: 409 round_window_closed)", school_round_schema, false,
     NULL, NULL, &ra_confirm, .page = dmc_round_post, .answer = stepped, .id_from = "rid"},
    {"POST", "/dmc/schools/:sid/rounds/:rid/certify", NULL, dmc_empty_form, "dmc:write", CERTIFY,
     "ผู้อำนวยการรับรองข้อมูล (ก่อนยืนยัน: 409 round_step_refused)",
     "The director certifies (before the confirmation: 409 round_step_refused)", school_round_schema, false, NULL,
     NULL, &ra_certify, .page = dmc_round_post, .answer = stepped, .id_from = "rid"},
    {"GET", "/dmc/areas/:aid/dashboard", dashboard_get, NULL, "dmc:read",
     "dmc_area dmc_viewer area_admin super_admin", "จำนวนนักเรียนและความคืบหน้าของแต่ละโรงเรียนในรอบ",
     "The area's learners and each school's progress in a round", dashboard_schema, false, dashboard_params},
    {"POST", "/dmc/schools/:sid/gcode", NULL, dmc_gcode_form, "dmc:write", ENTER,
     "ขอรหัส G พร้อมเอกสาร (multipart/form-data)", "Ask for a G-code, with the documents (multipart/form-data)",
     gcode_schema, false, NULL, NULL, NULL, 201, .page = dmc_gcode_new_post, .answer = gcode_written,
     .id_from = "/dmc/gcode/"},
    {"GET", "/dmc/gcode/:gid", gcode_get, NULL, "dmc:read", ALL, "คำขอรหัส G หนึ่งรายการ (การอ่านแต่ละครั้งถูกบันทึก)",
     "One G-code request (each read is audited)", gcode_schema},
    {"GET", "/dmc/gcode/:gid/docs/:kind", gcode_doc_get, NULL, "dmc:read", ALL,
     "เอกสารของคำขอรหัส G (student_form, guardian_doc, other_doc) การอ่านแต่ละครั้งถูกบันทึก",
     "A document of the request (student_form, guardian_doc, other_doc); each read is audited",
     "{\"type\":\"string\",\"format\":\"binary\"}", false, doc_params},
    {"POST", "/dmc/areas/:aid/gcode/:gid/approve", NULL, dmc_decision_form, "dmc:write", "dmc_area",
     "เขตพื้นที่รับรอง: ออกรหัส G และเพิ่มนักเรียนเข้าโรงเรียน", "The area certifies: issues the G-code and adds the learner",
     gcode_schema, false, NULL, NULL, &yes, .page = dmc_gcode_decide_post, .answer = gcode_written, .id_from = "gid"},
    {"POST", "/dmc/areas/:aid/gcode/:gid/reject", NULL, dmc_decision_form, "dmc:write", "dmc_area",
     "เขตพื้นที่ไม่รับรอง (ต้องระบุเหตุผล)", "The area refuses (decision_note required)", gcode_schema, false, NULL,
     NULL, &no, .page = dmc_gcode_decide_post, .answer = gcode_written, .id_from = "gid"},
    {NULL},
};

const struct api_def dmc_api = {"dmc", "ข้อมูลนักเรียนรายบุคคล (DMC)", routes};
