/* api: One Stop Service under /api/v1 (issue 15.1): requests (with their
 * status history and files as links), submitting one (the page's own
 * submit: the same declared fields per service, checks, transaction,
 * history, mail and audit) and an officer's status change (the processing
 * page's own handler, refusing a stale _version with 409).
 *
 * Who sees what is the pages' rule (oss_access): the applicant his own
 * requests, an officer his services' requests of his area, the area admin
 * the area's. A list is one range of an index: the applicant's
 * (applicant_id, created_at, id) or the officers' (area_id, service,
 * [status,] created_at, id), with its total from oss_counts for officers;
 * on SQLite an officer's later page first finds where it starts by the
 * list's key (page_start, migration 0305).
 * An officer's list names one service (?service=, by default the service
 * of his active grant). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acc/acc.h"
#include "core/alloc.h"
#include "core/api.h"
#include "core/db.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "core/view.h"
#include "oss/oss.h"
#include "oss/oss_internal.h"
#include "oss/oss_pages.h"

#define ENUM API_ENUM_SCHEMA
#define TIME API_TIME_SCHEMA

static const char list_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"code\",\"area_id\",\"service\",\"status\",\"applicant\","
    "\"note\",\"created_at\",\"status_at\",\"href\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"code\":{\"type\":"
    "\"string\",\"description\":\"รหัสอ้างอิง 16-18 หลัก / reference code\"},\"area_id\":{\"type\":\"integer\"},"
    "\"service\":" ENUM ",\"status\":" ENUM ",\"applicant\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":"
    "\"integer\"},\"name\":{\"type\":\"string\"}}},\"note\":{\"type\":\"string\"},\"created_at\":" TIME
    ",\"status_at\":" TIME ",\"href\":{\"type\":\"string\"}}}";

static const char item_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"code\",\"area_id\",\"service\",\"status\",\"applicant\",\"note\","
    "\"created_at\",\"updated_at\",\"status_at\",\"version\",\"data\",\"files\",\"history\"],\"properties\":{"
    "\"id\":{\"type\":\"integer\"},\"code\":{\"type\":\"string\"},\"area_id\":{\"type\":\"integer\"},\"service\":" ENUM
    ",\"status\":" ENUM ",\"applicant\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":"
    "{\"type\":\"string\"}}},\"note\":{\"type\":\"string\"},\"created_at\":" TIME ",\"updated_at\":" TIME
    ",\"status_at\":" TIME ",\"version\":{\"type\":\"integer\",\"description\":\"ส่งเป็น _version เมื่อเปลี่ยนสถานะ "
    "(409 เมื่อมีผู้อื่นแก้ก่อน) / send as _version when changing the status\"},\"data\":{\"type\":\"object\","
    "\"description\":\"ช่องของแบบคำร้องของบริการ (เงินเป็นบาท, วันที่ ISO) / the service form's fields\"},"
    "\"files\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"slot\",\"name\",\"mime\","
    "\"size\",\"href\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"slot\":{\"type\":\"string\"},\"name\":{"
    "\"type\":\"string\"},\"mime\":{\"type\":\"string\"},\"size\":{\"type\":\"integer\"},\"created_at\":" TIME
    ",\"href\":{\"type\":\"string\"}}}},\"history\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":["
    "\"at\",\"actor_name\",\"to_status\",\"message\"],\"properties\":{\"at\":" TIME
    ",\"actor_name\":{\"type\":\"string\"},\"from_status\":{\"oneOf\":[{\"type\":\"null\"}," ENUM
    "]},\"to_status\":" ENUM ",\"message\":{\"type\":\"string\"},\"file_id\":{\"type\":[\"integer\",\"null\"]}}}}}}";

static json_t *service_enum(const char *code)
{
	const struct oss_service_def *d = oss_service_def(code);
	return api_enum(code, d ? d->name : "");
}

static json_t *status_enum(const char *name)
{
	int s = oss_status_parse(name);
	return api_enum(name, s >= 0 ? oss_status_label((enum oss_status)s) : "");
}

/* The service's fields in the API's types: money (satang) as baht text,
 * the rest as stored (dates are ISO already). */
static json_t *data_out(const char *service, json_t *data)
{
	json_t *out = json_deep_copy(data ? data : json_object());
	const struct oss_service_def *d = oss_service_def(service);
	for (const struct field *f = d ? d->fields : NULL; f && f->name; f++) {
		json_t *v = json_object_get(out, f->name);
		if (f->type == FT_MONEY && json_is_integer(v))
			json_object_set_new(out, f->name, api_money(json_integer_value(v)));
	}
	return out;
}

/* One request as the API gives it (its files and history: two indexed
 * reads). NULL with e. */
static json_t *request_item(struct db *db, json_t *req, struct err *e)
{
	long long id = jint(req, "id");
	json_t *files = oss_request_files(db, id, e);
	if (!files)
		return NULL;
	json_t *hist = oss_request_history(db, id, e);
	if (!hist) {
		json_decref(files);
		return NULL;
	}
	json_t *fo = json_array(), *ho = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(files, i, x)
	{
		char href[96];
		snprintf(href, sizeof href, API_PREFIX "/oss/requests/%lld/files/%lld", id, jint(x, "id"));
		json_array_append_new(fo, json_pack("{s:I, s:s, s:s, s:s, s:I, s:o, s:s}", "id", (json_int_t)jint(x, "id"),
						    "slot", jstr(x, "slot"), "name", jstr(x, "name"), "mime",
						    jstr(x, "mime"), "size", (json_int_t)jint(x, "size"), "created_at",
						    api_time(jint(x, "created_at")), "href", href));
	}
	json_array_foreach(hist, i, x)
	{
		const char *from = jstr(x, "from_status");
		json_t *fid = json_object_get(x, "file_id");
		json_array_append_new(ho, json_pack("{s:o, s:s, s:o, s:o, s:s, s:O}", "at", api_time(jint(x, "at")),
						    "actor_name", jstr(x, "actor_name"), "from_status",
						    *from ? status_enum(from) : json_null(), "to_status",
						    status_enum(jstr(x, "to_status")), "message", jstr(x, "message"),
						    "file_id", json_is_integer(fid) && json_integer_value(fid) > 0 ? fid
														 : json_null()));
	}
	json_decref(files);
	json_decref(hist);
	json_t *data = json_object_get(req, "data");
	struct buf name = BUF_INIT;
	buf_addf(&name, "%s%s %s", jstr(data, "title"), jstr(data, "first_name"), jstr(data, "last_name"));
	json_t *item = json_pack("{s:I, s:s, s:I, s:o, s:o, s:{s:I, s:s}, s:s, s:o, s:o, s:o, s:I, s:o, s:o, s:o}", "id",
			 (json_int_t)id, "code", jstr(req, "code"), "area_id", (json_int_t)jint(req, "area_id"), "service",
			 service_enum(jstr(req, "service")), "status", status_enum(jstr(req, "status")), "applicant", "id",
			 (json_int_t)jint(req, "applicant_id"), "name", buf_cstr(&name), "note",
			 jstr(req, "note"), "created_at", api_time(jint(req, "created_at")), "updated_at",
			 api_time(jint(req, "updated_at")), "status_at", api_time(jint(req, "status_at")), "version",
			 (json_int_t)jint(req, "version"), "data", data_out(jstr(req, "service"), data), "files", fo,
			 "history", ho);
	buf_release(&name);
	return item;
}

/* --- reads ------------------------------------------------------------------ */

#define LIST_COLS "id, code, area_id, service, applicant_id, applicant_name, status, note, created_at, status_at"

static bool staff_grant(const struct acc_grant *g)
{
	return acc_grant_is(g, "officer") || acc_grant_is(g, "area_admin");
}

/* The {code, label_th} JSON of every service and status, written once:
 * a list of 100 rows wrote and escaped the same twelve labels 200 times. */
static struct {
	pthread_once_t once;
	char *service[OSS_SERVICE_COUNT];
	char *status[OSS_STATUS_COUNT];
} enums = {PTHREAD_ONCE_INIT};

static void enums_build(void)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < OSS_SERVICE_COUNT; i++) {
		buf_reset(&b);
		api_buf_enum(&b, oss_services[i].code, oss_services[i].name);
		enums.service[i] = xstrdup(buf_cstr(&b));
	}
	for (int i = 0; i < OSS_STATUS_COUNT; i++) {
		buf_reset(&b);
		api_buf_enum(&b, oss_status_name((enum oss_status)i), oss_status_label((enum oss_status)i));
		enums.status[i] = xstrdup(buf_cstr(&b));
	}
	buf_release(&b);
}

static void add_service_enum(struct buf *b, const char *code)
{
	for (int i = 0; i < OSS_SERVICE_COUNT; i++)
		if (!strcmp(oss_services[i].code, code)) {
			buf_adds(b, enums.service[i]);
			return;
		}
	api_buf_enum(b, code, "");
}

static void add_status_enum(struct buf *b, const char *name)
{
	int st = oss_status_parse(name);
	if (st >= 0 && st < OSS_STATUS_COUNT)
		buf_adds(b, enums.status[st]);
	else
		api_buf_enum(b, name, "");
}

#define ADD_LIT(b, s) buf_add(b, s, sizeof s - 1)

/* One list row written straight as the list's JSON (list_schema): the
 * columns of LIST_COLS in order. */
static void list_row(struct buf *b, struct db_res *res)
{
	char id[24];
	size_t idn = buf_fmt_int(id, db_int(res, 0));
	ADD_LIT(b, "{\"id\":");
	buf_add(b, id, idn);
	ADD_LIT(b, ",\"code\":");
	jx_buf_str(b, db_text(res, 1));
	ADD_LIT(b, ",\"area_id\":");
	buf_add_int(b, db_int(res, 2));
	ADD_LIT(b, ",\"service\":");
	add_service_enum(b, db_text(res, 3));
	ADD_LIT(b, ",\"status\":");
	add_status_enum(b, db_text(res, 6));
	ADD_LIT(b, ",\"applicant\":{\"id\":");
	buf_add_int(b, db_int(res, 4));
	ADD_LIT(b, ",\"name\":");
	jx_buf_str(b, db_text(res, 5));
	ADD_LIT(b, "},\"note\":");
	jx_buf_str(b, db_text(res, 7));
	ADD_LIT(b, ",\"created_at\":");
	api_buf_time(b, db_int(res, 8));
	ADD_LIT(b, ",\"status_at\":");
	api_buf_time(b, db_int(res, 9));
	ADD_LIT(b, ",\"href\":\"" API_PREFIX "/oss/requests/");
	buf_add(b, id, idn);
	ADD_LIT(b, "\"}");
}

/* SQLite: the (created_at, id) of the entry at offset in the officers'
 * list of one area's service, newest (desc) or oldest first: a range of
 * oss_requests_officer_key (0305) with no end, so stepping over the offset
 * costs IfPos and Prev an entry, no compare; the entries past the
 * service's own are other services' (another list_key). 1 found, 0 when
 * the service has no entry there, -1 with e. */
static int page_start(struct db *db, long long key, bool desc, long long offset, long long *at, long long *id,
		      struct err *e)
{
	struct db_res *res;
	if (db_query(db,
		     desc ? "SELECT list_key, created_at, id FROM oss_requests INDEXED BY oss_requests_officer_key WHERE "
			    "list_key <= $1 ORDER BY list_key DESC, created_at DESC, id DESC LIMIT 1 OFFSET $2"
			  : "SELECT list_key, created_at, id FROM oss_requests INDEXED BY oss_requests_officer_key WHERE "
			    "list_key >= $1 ORDER BY list_key, created_at, id LIMIT 1 OFFSET $2",
		     DB_ARGS(DB_INT(key), DB_INT(offset)), &res, e) < 0)
		return -1;
	int rc = db_next(res, e);
	if (rc > 0 && db_int(res, 0) == key) {
		*at = db_int(res, 1);
		*id = db_int(res, 2);
	} else if (rc > 0) {
		rc = 0;
	}
	db_res_free(res);
	return rc;
}

/* The list: one range of an index (the officers' covering
 * oss_requests_officer_all, the applicant's oss_requests_applicant_all),
 * its rows written straight into the answer as they are read (no json_t
 * per row: building and freeing those trees was most of the answer's
 * cost, bench/README.md "The API"), the total from oss_counts for an
 * officer's service, a COUNT over his own index range for an applicant.
 * On SQLite an officer's page past the first without a status finds its
 * first entry with page_start (a range with no end of the list's key) and
 * reads its rows from there: the OFFSET's walk cost ~570 instructions an
 * entry in the plain range, ~130 there (bench/README.md "The API"). Only
 * while the offset is inside the service's count, so a page past the end
 * never walks the other services' entries. */
static int requests_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	const struct acc_grant *g = acc_active_grant(r);
	const char *service = req_query(r, "service");
	const char *status = req_query(r, "status");
	service = service ? service : "";
	status = status ? status : "";
	const char *dir = pg.desc ? "DESC" : "ASC";
	long long total = 0;
	char sql[512];
	struct db_res *res = NULL;
	if (staff_grant(g)) {
		if (!*service && acc_grant_is(g, "officer") && *g->service)
			service = g->service;
		if (!*service)
			return api_error(r, 400, "invalid_parameter", "กรุณาระบุบริการ (service) ของรายการคำร้อง",
					 json_pack("{s:s}", "service", "กรุณาระบุบริการ"));
		if (acc_grant_is(g, "officer")) {
			unsigned mask = 0;
			if (oss_officer_services(db, acc_user_id(r), g->area_id, &mask, &e) < 0)
				return api_err(r, &e);
			if (!(mask & oss_service_bit(service)))
				return api_error(r, 403, NULL, "ท่านไม่ได้รับมอบหมายให้ดูแลบริการนี้",
						 json_pack("{s:s}", "service", "ไม่ได้รับมอบหมาย"));
		}
		/* the total from the counters, not COUNT(*) over the range */
		if (db_int_value(db,
				 "SELECT COALESCE(SUM(n), 0) FROM oss_status_counts WHERE area_id = $1 AND service = $2 AND "
				 "($3 = '' OR status = $3)",
				 DB_ARGS(DB_INT(g->area_id), DB_TEXT(service), DB_TEXT(status)), &total, &e) < 0)
			return api_err(r, &e);
		bool probe = !*status && pg.offset > 0 && pg.offset < total && db_kind(db) == DB_SQLITE &&
			     oss_service_def(service);
		if (probe) {
			/* the page's first entry by the list's key, then the
			 * page from there (LIMIT 0 when the service has no
			 * entry at that offset: its count was ahead) */
			long long at = 0, from = 0;
			int found = page_start(db, g->area_id * 100 + strtol(service, NULL, 10), pg.desc, pg.offset, &at,
					       &from, &e);
			if (found < 0)
				return api_err(r, &e);
			snprintf(sql, sizeof sql,
				 "SELECT " LIST_COLS " FROM oss_requests INDEXED BY oss_requests_officer_all WHERE "
				 "area_id = $1 AND service = $2 AND (created_at, id) %s ($3, $4) ORDER BY created_at %s, "
				 "id %s LIMIT $5",
				 pg.desc ? "<=" : ">=", dir, dir);
			if (db_query(db, sql,
				     DB_ARGS(DB_INT(g->area_id), DB_TEXT(service), DB_INT(at), DB_INT(from),
					     DB_INT(found ? pg.per_page : 0)),
				     &res, &e) < 0)
				return api_err(r, &e);
		} else if (db_kind(db) == DB_POSTGRES && pg.offset > 0) {
			/* PostgreSQL: the OFFSET walks the narrow officers'
			 * index only (index-only scan), and just the page's
			 * rows are read from the table; walking the table's
			 * rows themselves cost 7 ms a page on average over
			 * pages 1-50 with 33,000 requests a service (pg_api_oss:
			 * 361 req/s). With a status its own index, as the
			 * generic plan of "($3 = '' OR status = $3)" reads
			 * every row's status from the table. */
			snprintf(sql, sizeof sql,
				 "SELECT " LIST_COLS " FROM oss_requests WHERE id IN (SELECT id FROM oss_requests "
				 "WHERE area_id = $1 AND service = $2 AND %s ORDER BY created_at %s, id %s LIMIT $4 "
				 "OFFSET $5) ORDER BY created_at %s, id %s",
				 *status ? "status = $3" : "CAST($3 AS TEXT) = ''", dir, dir, dir, dir);
		} else {
			snprintf(sql, sizeof sql,
				 "SELECT " LIST_COLS " FROM oss_requests WHERE area_id = $1 AND service = $2 AND "
				 "($3 = '' OR status = $3) ORDER BY created_at %s, id %s LIMIT $4 OFFSET $5",
				 dir, dir);
		}
		if (!probe && db_query(db, sql,
				       DB_ARGS(DB_INT(g->area_id), DB_TEXT(service), DB_TEXT(status), DB_INT(pg.per_page),
					       DB_INT(pg.offset)),
				       &res, &e) < 0)
			return api_err(r, &e);
	} else {
		/* the caller's own requests */
		long long uid = acc_user_id(r);
		if (db_int_value(db,
				 "SELECT COUNT(*) FROM oss_requests WHERE applicant_id = $1 AND ($2 = '' OR service = $2) "
				 "AND ($3 = '' OR status = $3)",
				 DB_ARGS(DB_INT(uid), DB_TEXT(service), DB_TEXT(status)), &total, &e) < 0)
			return api_err(r, &e);
		snprintf(sql, sizeof sql,
			 "SELECT " LIST_COLS " FROM oss_requests WHERE applicant_id = $1 AND ($2 = '' OR service = $2) "
			 "AND ($3 = '' OR status = $3) ORDER BY created_at %s, id %s LIMIT $4 OFFSET $5",
			 dir, dir);
		if (db_query(db, sql,
			     DB_ARGS(DB_INT(uid), DB_TEXT(service), DB_TEXT(status), DB_INT(pg.per_page),
				     DB_INT(pg.offset)),
			     &res, &e) < 0)
			return api_err(r, &e);
	}
	/* LIST_COLS carry no personal column (api_raw_begin checks) */
	struct api_raw raw = API_RAW_INIT;
	if (api_raw_begin(&raw, res, NULL, &e) < 0) {
		db_res_free(res);
		return api_err(r, &e);
	}
	pthread_once(&enums.once, enums_build);
	struct buf items = BUF_INIT;
	/* a row is about 600 bytes of JSON */
	buf_grow(&items, (size_t)pg.per_page * 640 + 2);
	buf_addc(&items, '[');
	int rc, n = 0;
	while ((rc = db_next(res, &e)) > 0) {
		if (n++)
			buf_addc(&items, ',');
		api_raw_row(&raw, res);
		list_row(&items, res);
	}
	db_res_free(res);
	if (rc < 0) {
		buf_release(&items);
		api_raw_release(&raw);
		return api_err(r, &e);
	}
	buf_addc(&items, ']');
	return api_list_raw(r, &pg, &items, total, &raw);
}

/* The request of the path the caller may see, or NULL (answered). */
static json_t *visible(struct req *r, long long id, bool *officer)
{
	struct err e = ERR_INIT;
	json_t *req = oss_load_visible(r, req_db(r), id, officer, &e);
	if (!req)
		api_err(r, &e);
	return req;
}

static int request_answer(struct req *r, int status, long long id, bool audit)
{
	bool officer = false;
	json_t *req = visible(r, id, &officer);
	if (!req)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *item = request_item(db, req, &e);
	if (!item) {
		json_decref(req);
		return api_err(r, &e);
	}
	/* an officer reading an applicant's form reads personal data */
	if (officer && audit)
		oss_audit(r, db, "personal.read", "oss_request", id, jint(req, "area_id"),
			  json_pack("{s:s, s:s}", "code", jstr(req, "code"), "page", "api"));
	json_decref(req);
	return api_record(r, status, item, "/oss/requests/", id);
}

static int request_get(struct req *r)
{
	return request_answer(r, 200, req_param_id(r, "id"), true);
}

static int file_get(struct req *r)
{
	bool officer = false;
	json_t *req = visible(r, req_param_id(r, "id"), &officer);
	if (!req)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long fid = req_param_id(r, "fid");
	json_t *f = fid > 0 ? oss_file_get(db, jint(req, "id"), fid, &e) : NULL;
	if (!f) {
		json_decref(req);
		return fid > 0 ? api_err(r, &e) : api_error(r, 404, NULL, "ไม่พบไฟล์ที่ต้องการ", NULL);
	}
	if (officer)
		oss_audit(r, db, "personal.read", "oss_file", fid, jint(req, "area_id"),
			  json_pack("{s:s, s:s}", "code", jstr(req, "code"), "slot", jstr(f, "slot")));
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", http_settings()->data_dir, jstr(f, "path"));
	int rc = view_file(r, buf_cstr(&path), jstr(f, "mime"), jstr(f, "name"));
	buf_release(&path);
	json_decref(f);
	json_decref(req);
	return rc;
}

/* --- meeting rooms and their bookings (OSS-2.4, OSS-7) --------------------------- */

static const char room_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"area_id\",\"name\",\"capacity\",\"active\"],\"properties\":{"
    "\"id\":{\"type\":\"integer\"},\"area_id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"capacity\":{"
    "\"type\":\"integer\"},\"active\":{\"type\":\"boolean\"},\"bookings_href\":{\"type\":\"string\"}}}";

static const char booking_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"request_id\",\"room_id\",\"start_at\",\"end_at\",\"attendees\","
    "\"status\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"request_id\":{\"type\":\"integer\"},\"room_id\":{"
    "\"type\":\"integer\"},\"start_at\":" TIME ",\"end_at\":" TIME ",\"attendees\":{\"type\":\"integer\"},"
    "\"status\":" ENUM ",\"chairman\":{\"type\":\"string\",\"description\":\"เฉพาะเจ้าหน้าที่ของเขตและผู้จอง / staff of "
    "the area and the booker only\"},\"coordinator\":{\"type\":\"string\"}}}";

static json_t *room_item(json_t *x)
{
	char href[80];
	snprintf(href, sizeof href, API_PREFIX "/oss/rooms/%lld/bookings", jint(x, "id"));
	return json_pack("{s:I, s:I, s:s, s:I, s:b, s:s}", "id", (json_int_t)jint(x, "id"), "area_id",
			 (json_int_t)jint(x, "area_id"), "name", jstr(x, "name"), "capacity", (json_int_t)jint(x, "capacity"),
			 "active", jint(x, "active") != 0, "bookings_href", href);
}

static int rooms_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long aid = req_param_id(r, "id");
	long long total = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM oss_rooms WHERE area_id = $1", DB_ARGS(DB_INT(aid)), &total, &e) < 0)
		return api_err(r, &e);
	/* UNIQUE (area_id, name) */
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT id, area_id, name, capacity, active FROM oss_rooms WHERE area_id = $1 ORDER BY name %s, id "
		 "LIMIT $2 OFFSET $3",
		 pg.desc ? "DESC" : "ASC");
	json_t *rows = db_rows_json(db, sql, DB_ARGS(DB_INT(aid), DB_INT(pg.per_page), DB_INT(pg.offset)), &e);
	if (!rows)
		return api_err(r, &e);
	return api_list_rows(r, &pg, rows, total, room_item);
}

/* YYYY-MM-DD → Bangkok midnight (UTC seconds); -1 when not a date. */
static long long day_start(const char *iso)
{
	int y, m, d;
	if (!iso || strlen(iso) != 10 || sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3)
		return -1;
	return thai_from_local(y, m, d, 0, 0, 0);
}

static int bookings_list(struct req *r)
{
	struct api_page pg;
	if (api_page(r, &pg) < 0)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long rid = req_param_id(r, "id");
	json_t *room = db_row_json(db, "SELECT id, area_id FROM oss_rooms WHERE id = $1", DB_ARGS(DB_INT(rid)), &e);
	if (!room)
		return e.status == 404 ? api_error(r, 404, NULL, "ไม่พบห้องประชุมที่ระบุ", NULL) : api_err(r, &e);
	long long area = jint(room, "area_id");
	json_decref(room);
	/* from … to (inclusive), by default this month and the next */
	long long now = oss_now();
	long long from = req_query(r, "from") ? day_start(req_query(r, "from")) : now - 31 * 86400LL;
	long long to = req_query(r, "to") ? day_start(req_query(r, "to")) + 86400 : now + 62 * 86400LL;
	if (to - from > 366 * 86400LL || to <= from)
		return api_error(r, 400, "invalid_parameter", "ช่วงวันที่ต้องไม่เกิน 1 ปี และวันเริ่มต้องไม่หลังวันสิ้นสุด",
				 json_pack("{s:s}", "to", "ช่วงวันที่ไม่ถูกต้อง"));
	long long total = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM oss_bookings WHERE room_id = $1 AND start_at >= $2 AND start_at < $3",
			 DB_ARGS(DB_INT(rid), DB_INT(from), DB_INT(to)), &total, &e) < 0)
		return api_err(r, &e);
	/* the covering index oss_bookings_room (room_id, start_at, id, …) */
	char sql[320];
	snprintf(sql, sizeof sql,
		 "SELECT id, request_id, room_id, start_at, end_at, attendees, status, applicant_id, chairman, coordinator "
		 "FROM oss_bookings WHERE room_id = $1 AND start_at >= $2 AND start_at < $3 ORDER BY start_at %s, id %s "
		 "LIMIT $4 OFFSET $5",
		 pg.desc ? "DESC" : "ASC", pg.desc ? "DESC" : "ASC");
	json_t *rows = db_rows_json(db, sql, DB_ARGS(DB_INT(rid), DB_INT(from), DB_INT(to), DB_INT(pg.per_page), DB_INT(pg.offset)),
				    &e);
	if (!rows)
		return api_err(r, &e);
	const struct acc_grant *g = acc_active_grant(r);
	bool staff = acc_grant_is(g, "super_admin") || (staff_grant(g) && g->area_id == area);
	json_t *items = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		json_t *b = json_pack("{s:I, s:I, s:I, s:o, s:o, s:I, s:o}", "id", (json_int_t)jint(x, "id"), "request_id",
				      (json_int_t)jint(x, "request_id"), "room_id", (json_int_t)jint(x, "room_id"), "start_at",
				      api_time(jint(x, "start_at")), "end_at", api_time(jint(x, "end_at")), "attendees",
				      (json_int_t)jint(x, "attendees"), "status", status_enum(jstr(x, "status")));
		/* who chairs a meeting: the area's staff and the booker, as the
		 * calendar's day detail */
		if (staff || jint(x, "applicant_id") == acc_user_id(r)) {
			json_object_set_new(b, "chairman", json_string(jstr(x, "chairman")));
			json_object_set_new(b, "coordinator", json_string(jstr(x, "coordinator")));
		}
		json_array_append_new(items, b);
	}
	json_decref(rows);
	return api_list(r, &pg, items, total);
}

/* --- writes: the pages' own handlers ------------------------------------------ */

static int submitted(struct req *r, int status, long long id)
{
	return request_answer(r, status, id, false);
}

/* the answer of an officer's write carries the applicant's form, as a GET
 * of the request does: the same personal.read audit */
static int processed(struct req *r, int status, long long id)
{
	return request_answer(r, status, id, true);
}

static const struct choice service_choices[] = {
    {"11", "11"}, {"12", "12"}, {"21", "21"}, {"31", "31"}, {"32", "32"}, {"41", "41"}, {NULL, NULL},
};
static const struct choice status_choices[] = {
    {"submitted", "submitted"}, {"in_progress", "in_progress"}, {"returned", "returned"},
    {"resubmitted", "resubmitted"}, {"completed", "completed"},	{"cancelled", "cancelled"},
    {NULL, NULL},
};
static const struct api_param booking_params[] = {
    {"from", AP_DATE, "ตั้งแต่วันที่ (ค่าเริ่มต้น 31 วันก่อน)", "from date (default: 31 days ago)"},
    {"to", AP_DATE, "ถึงวันที่ (ไม่เกิน 1 ปีจากวันเริ่ม)", "to date, inclusive (at most a year after from)"},
    {NULL},
};
static const struct api_param list_params[] = {
    {"service", AP_CHOICE, "บริการ (เจ้าหน้าที่: ค่าเริ่มต้นคือบริการของบทบาทที่ใช้อยู่)",
     "service (officers: by default the active grant's)", service_choices},
    {"status", AP_CHOICE, "สถานะ", "status", status_choices},
    {NULL},
};

#define SUBMIT(code, fields, i)                                                                                        \
	{"POST", "/oss/services/" code "/requests", NULL, fields, "oss:write", NULL,                                  \
	 "ยื่นคำร้องบริการ " code " (ไฟล์แนบส่งแบบ multipart/form-data)",                                              \
	 "Submit a request of service " code " (attachments as multipart/form-data)", item_schema, false, NULL, NULL,   \
	 &oss_services[i], 201, .page = oss_submit_post, .answer = submitted, .id_from = "/oss/requests/"}

static const struct api_route routes[] = {
    {"GET", "/oss/requests", requests_list, NULL, "oss:read", NULL,
     "คำร้อง: ของผู้ยื่นเอง หรือของบริการที่เจ้าหน้าที่ดูแลในเขตพื้นที่ ใหม่สุดก่อน",
     "Requests: the caller's own, or (officers, area admins) one service's of the area, newest first", list_schema,
     true, list_params, "-created_at"},
    {"GET", "/oss/requests/:id", request_get, NULL, "oss:read", NULL,
     "คำร้องหนึ่งรายการ พร้อมประวัติสถานะและไฟล์แนบ (ลิงก์)", "One request with its status history and files (links)",
     item_schema},
    {"GET", "/oss/requests/:id/files/:fid", file_get, NULL, "oss:read", NULL, "ไฟล์แนบของคำร้อง",
     "A file of the request (png, jpeg or pdf)", "{\"type\":\"string\",\"format\":\"binary\"}"},
    {"GET", "/oss/areas/:id/rooms", rooms_list, NULL, "oss:read", NULL, "ห้องประชุมของเขตพื้นที่",
     "The area office's meeting rooms", room_schema, true, NULL, "name"},
    {"GET", "/oss/rooms/:id/bookings", bookings_list, NULL, "oss:read", NULL,
     "การจองห้องประชุม (หนึ่งแถวต่อวันของการจอง) ในช่วงวันที่", "A room's bookings (one per day of a booking) in a range",
     booking_schema, true, booking_params, "start_at"},
    SUBMIT("11", oss_fields_11, 0),
    SUBMIT("12", oss_fields_12, 1),
    SUBMIT("21", oss_fields_21, 2),
    SUBMIT("31", oss_fields_31, 3),
    SUBMIT("32", oss_fields_32, 4),
    SUBMIT("41", oss_fields_41, 5),
    {"POST", "/oss/requests/:id/status", NULL, oss_process_form, "oss:write", "officer area_admin",
     "เจ้าหน้าที่เปลี่ยนสถานะคำร้อง (ส่ง _version เพื่อป้องกันการบันทึกทับ: 409)",
     "An officer changes the request's status (send _version: a stale one is 409)", item_schema, false, NULL, NULL, NULL, 0,
     API_VERSION_CHECKED, .page = oss_process_post, .answer = processed, .id_from = "/oss/manage/requests/"},
    {"POST", "/oss/requests/:id/messages", NULL, oss_message_form, "oss:write", "officer area_admin",
     "เจ้าหน้าที่ส่งข้อความ (และไฟล์แนบ) ถึงผู้ยื่นคำร้องโดยไม่เปลี่ยนสถานะ: ส่งทางอีเมลและบันทึกในประวัติคำร้อง",
     "An officer writes to the applicant (with an optional file) without changing the status: e-mailed and kept in "
     "the request's history",
     item_schema, .page = oss_process_message, .answer = processed, .id_from = "/oss/manage/requests/"},
    {NULL},
};

const struct api_def oss_api = {"oss", "One Stop Service", routes};
