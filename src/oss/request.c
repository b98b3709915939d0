/* request: where requests live — storing a new one under a unique reference
 * code, moving it through the workflow with its history, its attachments,
 * and the lists applicants and officers page through.
 *
 * Sizes: a benchmark area has 200,000 requests. The lists therefore page
 * in index order (oss_requests_applicant, oss_requests_officer,
 * oss_requests_officer_all: the WHERE columns, then created_at and id in
 * the ORDER BY) and an officer's unfiltered list takes its total from
 * oss_status_counts (the sum over the months of oss_counts, kept by
 * triggers), which every submission and status change keeps in the same
 * transaction, instead of COUNT(*) over the service's rows. An applicant
 * has a handful of requests, so the applicant's list simply counts them. A
 * search counts its matches (the officer's search scans one service of one
 * area, as org.c's school search scans one area); a query that is a whole
 * reference code goes straight to the code's unique index.
 *
 * Races: two officers acting on one request at once — each UPDATE names the
 * status it read (WHERE status = $from), so the second finds nothing to
 * change and is told the request moved on (409) instead of overwriting the
 * first; on PostgreSQL the second UPDATE waits for the first to commit and
 * then re-checks its WHERE. Two requests of one service in one second — see
 * oss_request_insert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/form.h"
#include "core/search.h"
#include "core/thai.h"
#include "org/org.h"
#include "oss/oss_internal.h"

long long oss_ym(long long t)
{
	int y, mo;
	thai_local(t, &y, &mo, NULL, NULL, NULL, NULL, NULL);
	return (long long)y * 100 + mo;
}

static int counts_add(struct db *db, long long area_id, const char *service, long long ym, const char *status,
		      long long delta, struct err *e)
{
	return db_exec(db,
		       "INSERT INTO oss_counts (area_id, service, ym, status, n) VALUES ($1, $2, $3, $4, $5) "
		       "ON CONFLICT (area_id, service, ym, status) DO UPDATE SET n = oss_counts.n + excluded.n",
		       DB_ARGS(DB_INT(area_id), DB_TEXT(service), DB_INT(ym), DB_TEXT(status), DB_INT(delta)), e) < 0
		   ? -1
		   : 0;
}

static int history_add(struct db *db, long long request_id, long long at, long long actor_id, const char *actor_name,
		       enum oss_actor who, const char *action, const char *from, const char *to, const char *message,
		       long long file_id, struct err *e)
{
	return db_exec(
		   db,
		   "INSERT INTO oss_history (request_id, at, actor_id, actor_name, actor_role, action, from_status, "
		   "to_status, message, file_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
		   DB_ARGS(DB_INT(request_id), DB_INT(at), DB_INT(actor_id), DB_TEXT(actor_name ? actor_name : ""),
			   DB_TEXT(who == OSS_OFFICER ? "officer" : "applicant"), DB_TEXT(action), DB_TEXT(from),
			   DB_TEXT(to), DB_TEXT(message ? message : ""), file_id > 0 ? DB_INT(file_id) : DB_NULL),
		   e) < 0
		   ? -1
		   : 0;
}

/* The name lists show, kept in applicant_name (0013_oss_list.sql). */
static void applicant_name(json_t *data, struct buf *out)
{
	const char *k[] = {"title", "first_name", "last_name"};
	const char *v[3];
	for (int i = 0; i < 3; i++) {
		v[i] = json_string_value(json_object_get(data, k[i]));
		if (!v[i])
			v[i] = "";
	}
	buf_addf(out, "%s%s %s", v[0], v[1], v[2]);
}

/* ---- a new request ----------------------------------------------------------- */

static const char sql_insert[] =
    "INSERT INTO oss_requests (code, area_id, service, applicant_id, status, data, note, created_at, updated_at, "
    "status_at, queued_at, search, applicant_name) VALUES ($1, $2, $3, $4, 'submitted', $5, '', $6, $6, $6, $6, $7, "
    "$8) ON CONFLICT (code) DO NOTHING RETURNING id";

/* How many codes the 16-digit code's second already has (its own and its
 * sequences): every one of them sorts between base and base + "99". */
static long long codes_of_second(struct db *db, const char *base, struct err *e, int *rc)
{
	char upper[OSS_CODE_MAX + 1];
	memcpy(upper, base, OSS_CODE_LEN);
	memset(upper + OSS_CODE_LEN, '9', OSS_CODE_MAX - OSS_CODE_LEN);
	upper[OSS_CODE_MAX] = 0;
	long long n = 0;
	*rc = db_int_value(db, "SELECT COUNT(*) FROM oss_requests WHERE code >= $1 AND code <= $2",
			   DB_ARGS(DB_TEXT(base), DB_TEXT(upper)), &n, e);
	return n;
}

long long oss_request_insert(struct db *db, long long area_id, const char *service, long long applicant_id,
			     const char *actor_name, json_t *data, const char *search, long long t,
			     char code[OSS_CODE_MAX + 1], struct err *e)
{
	char *text = json_dumps(data, JSON_COMPACT);
	if (!text)
		return err_set(e, 500, "oss_request_insert: data is not JSON");
	long long id = 0;
	int rc = 0, seq = 0;
	char base[OSS_CODE_MAX + 1];
	struct buf name = BUF_INIT;
	applicant_name(data, &name);
	if (oss_code_make(service, t, base) < 0) {
		free(text);
		buf_release(&name);
		return err_set(e, 500, "oss_request_insert: no code for service %s at %lld", service, t);
	}
	/* The code keeps the submission second; a taken code moves to the next
	 * sequence of that second. ON CONFLICT DO NOTHING: a taken code is no
	 * error, so the transaction stays usable on PostgreSQL (where the
	 * INSERT waits for a concurrent writer of the same code to commit).
	 * After a miss, jump to the count of the second's codes (one index
	 * range) rather than walking a burst one sequence at a time. */
	while (seq <= OSS_CODE_SEQ_MAX) {
		oss_code_make_seq(service, t, seq, code);
		struct buf full = BUF_INIT;
		buf_addf(&full, "%s %s", code, search ? search : "");
		rc = db_int_value(db, sql_insert,
				  DB_ARGS(DB_TEXT(code), DB_INT(area_id), DB_TEXT(service), DB_INT(applicant_id),
					  DB_TEXT(text), DB_INT(t), DB_TEXT(buf_cstr(&full)), DB_TEXT(buf_cstr(&name))),
				  &id, e);
		buf_release(&full);
		if (rc != 0)
			break;
		int qrc;
		long long n = codes_of_second(db, base, e, &qrc);
		if (qrc < 0) {
			rc = -1;
			break;
		}
		seq = n > seq ? (int)(n > OSS_CODE_SEQ_MAX + 1 ? OSS_CODE_SEQ_MAX + 1 : n) : seq + 1;
	}
	free(text);
	buf_release(&name);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, 503, "ระบบได้รับคำร้องจำนวนมากในขณะนี้ กรุณาส่งใหม่อีกครั้ง");
	if (counts_add(db, area_id, service, oss_ym(t), "submitted", 1, e) < 0 ||
	    history_add(db, id, t, applicant_id, actor_name, OSS_APPLICANT, "submit", NULL, "submitted", "", 0, e) < 0)
		return -1;
	return id;
}

/* ---- reading one ------------------------------------------------------------- */

#define REQUEST_COLS                                                                                                   \
	"id, code, area_id, service, applicant_id, status, data, note, result_file_id, created_at, updated_at, "       \
	"status_at, queued_at, version"

/* Replaces the data text of a row with the parsed object. */
static json_t *with_data(json_t *row, struct err *e)
{
	if (!row)
		return NULL;
	json_error_t je;
	json_t *d = json_loads(json_string_value(json_object_get(row, "data")), 0, &je);
	if (!d || !json_is_object(d)) {
		json_decref(d);
		err_set(e, 500, "oss_requests %lld: data is not a JSON object: %s",
			(long long)json_integer_value(json_object_get(row, "id")), je.text);
		json_decref(row);
		return NULL;
	}
	json_object_set_new(row, "data", d);
	return row;
}

json_t *oss_request_get(struct db *db, long long id, struct err *e)
{
	json_t *row =
	    db_row_json(db, "SELECT " REQUEST_COLS " FROM oss_requests WHERE id = $1", DB_ARGS(DB_INT(id)), e);
	if (!row && e->status == 404)
		err_set(e, 404, "ไม่พบคำร้องที่ระบุ");
	return with_data(row, e);
}

json_t *oss_request_by_code(struct db *db, const char *code, struct err *e)
{
	json_t *row =
	    db_row_json(db, "SELECT " REQUEST_COLS " FROM oss_requests WHERE code = $1", DB_ARGS(DB_TEXT(code)), e);
	if (!row && e->status == 404)
		err_set(e, 404, "ไม่พบคำร้องรหัสนี้ กรุณาตรวจสอบรหัสอ้างอิงอีกครั้ง");
	return with_data(row, e);
}

/* ---- moving it ---------------------------------------------------------------- */

void oss_request_expect(struct req *r, json_t *req)
{
	long long v = form_version(r);
	if (v >= 0)
		json_object_set_new(req, "version", json_integer(v));
}

int oss_request_move(struct db *db, json_t *req, enum oss_actor who, enum oss_action act, long long actor_id,
		     const char *actor_name, const char *message, json_t *data, const char *search, long long file_id,
		     long long now, struct err *e)
{
	long long id = json_integer_value(json_object_get(req, "id"));
	/* the version the change was made from: the row's as read, or the
	 * form's (oss_request_expect) — an older one changes nothing */
	long long version = json_integer_value(json_object_get(req, "version"));
	const char *from_name = json_string_value(json_object_get(req, "status"));
	int from = oss_status_parse(from_name);
	if (from < 0)
		return err_set(e, 500, "oss_requests %lld: unknown status %s", id, from_name ? from_name : "(null)");
	enum oss_status to;
	if (oss_transition((enum oss_status)from, who, act, message, &to, e) < 0)
		return -1;
	if (!message)
		message = "";
	long long queued = to == OSS_RESUBMITTED ? now : json_integer_value(json_object_get(req, "queued_at"));
	long long result = json_integer_value(json_object_get(req, "result_file_id"));
	if (to == OSS_COMPLETED && file_id > 0)
		result = file_id;
	/* a step that keeps the status (an edit while still submitted) keeps
	 * when the status was set and the officer's note with it */
	bool same = (int)to == from;
	long long status_at = same ? json_integer_value(json_object_get(req, "status_at")) : now;
	const char *note = same ? json_string_value(json_object_get(req, "note")) : message;
	if (!note)
		note = "";
	long long n =
	    db_exec(db,
		    "UPDATE oss_requests SET status = $2, status_at = $3, updated_at = $8, note = $4, "
		    "queued_at = $5, result_file_id = $6, version = version + 1 "
		    "WHERE id = $1 AND status = $7 AND version = $9",
		    DB_ARGS(DB_INT(id), DB_TEXT(oss_status_name(to)), DB_INT(status_at), DB_TEXT(note), DB_INT(queued),
			    result > 0 ? DB_INT(result) : DB_NULL, DB_TEXT(from_name), DB_INT(now), DB_INT(version)),
		    e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 409, "คำร้องนี้เพิ่งถูกเปลี่ยนสถานะโดยผู้อื่น กรุณาโหลดหน้าใหม่แล้วตรวจสอบอีกครั้ง");
	json_object_set_new(req, "version", json_integer(version + 1));
	if (data) {
		char *text = json_dumps(data, JSON_COMPACT);
		const char *code = json_string_value(json_object_get(req, "code"));
		struct buf full = BUF_INIT, name = BUF_INIT;
		buf_addf(&full, "%s %s", code, search ? search : "");
		applicant_name(data, &name);
		long long m =
		    db_exec(db, "UPDATE oss_requests SET data = $2, search = $3, applicant_name = $4 WHERE id = $1",
			    DB_ARGS(DB_INT(id), DB_TEXT(text), DB_TEXT(buf_cstr(&full)), DB_TEXT(buf_cstr(&name))), e);
		free(text);
		buf_release(&full);
		buf_release(&name);
		if (m < 0)
			return -1;
		json_object_set(req, "data", data);
	}
	long long area_id = json_integer_value(json_object_get(req, "area_id"));
	const char *service = json_string_value(json_object_get(req, "service"));
	long long ym = oss_ym(json_integer_value(json_object_get(req, "created_at")));
	/* the two counter rows in one fixed order (by status name), so that
	 * concurrent moves on PostgreSQL never wait for each other in a cycle */
	const char *to_name = oss_status_name(to);
	bool from_first = strcmp(from_name, to_name) < 0;
	if ((int)to != from &&
	    (counts_add(db, area_id, service, ym, from_first ? from_name : to_name, from_first ? -1 : 1, e) < 0 ||
	     counts_add(db, area_id, service, ym, from_first ? to_name : from_name, from_first ? 1 : -1, e) < 0))
		return -1;
	if (to == OSS_CANCELLED &&
	    db_exec(db, "DELETE FROM oss_bookings WHERE request_id = $1", DB_ARGS(DB_INT(id)), e) < 0)
		return -1;
	/* a booking's rows carry its request's status for the room calendar
	 * (migration 0303) */
	if (to != OSS_CANCELLED && (int)to != from && service && !strcmp(service, "31") &&
	    db_exec(db, "UPDATE oss_bookings SET status = $2 WHERE request_id = $1",
		    DB_ARGS(DB_INT(id), DB_TEXT(to_name)), e) < 0)
		return -1;
	if (history_add(db, id, now, actor_id, actor_name, who, oss_action_name(act), from_name, oss_status_name(to),
			message, file_id, e) < 0)
		return -1;
	json_object_set_new(req, "status", json_string(oss_status_name(to)));
	json_object_set_new(req, "status_at", json_integer(status_at));
	json_object_set_new(req, "updated_at", json_integer(now));
	json_object_set_new(req, "note", json_string(note));
	json_object_set_new(req, "queued_at", json_integer(queued));
	json_object_set_new(req, "result_file_id", result > 0 ? json_integer(result) : json_null());
	return (int)to;
}

int oss_request_message(struct db *db, json_t *req, long long actor_id, const char *actor_name, const char *message,
			long long file_id, long long now, struct err *e)
{
	long long id = json_integer_value(json_object_get(req, "id"));
	const char *status = json_string_value(json_object_get(req, "status"));
	int st = oss_status_parse(status);
	if (st < 0)
		return err_set(e, 500, "oss_requests %lld: unknown status", id);
	if (oss_message_check((enum oss_status)st, message, e) < 0)
		return -1;
	long long n = db_exec(db, "UPDATE oss_requests SET updated_at = $2, version = version + 1 WHERE id = $1 AND status = $3",
			      DB_ARGS(DB_INT(id), DB_INT(now), DB_TEXT(status)), e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 409, "คำร้องนี้เพิ่งถูกเปลี่ยนสถานะโดยผู้อื่น กรุณาโหลดหน้าใหม่แล้วตรวจสอบอีกครั้ง");
	if (history_add(db, id, now, actor_id, actor_name, OSS_OFFICER, "message", status, status, message, file_id,
			e) < 0)
		return -1;
	json_object_set_new(req, "updated_at", json_integer(now));
	return 0;
}

/* ---- files and history ---------------------------------------------------------- */

long long oss_file_add(struct db *db, long long request_id, const char *slot, const char *path, const char *name,
		       const char *mime, long long size, long long by, long long now, struct err *e)
{
	long long id = 0;
	int rc =
	    db_int_value(db,
			 "INSERT INTO oss_files (request_id, slot, path, name, mime, size, uploaded_by, created_at) "
			 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			 DB_ARGS(DB_INT(request_id), DB_TEXT(slot), DB_TEXT(path), DB_TEXT(name), DB_TEXT(mime),
				 DB_INT(size), DB_INT(by), DB_INT(now)),
			 &id, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, 500, "INSERT INTO oss_files returned no id");
	return id;
}

json_t *oss_request_files(struct db *db, long long request_id, struct err *e)
{
	return db_rows_json(db,
			    "SELECT id, slot, name, mime, size, created_at FROM oss_files WHERE id IN "
			    "(SELECT MAX(id) FROM oss_files WHERE request_id = $1 GROUP BY slot) ORDER BY id",
			    DB_ARGS(DB_INT(request_id)), e);
}

json_t *oss_file_get(struct db *db, long long request_id, long long file_id, struct err *e)
{
	json_t *f = db_row_json(db,
				"SELECT id, slot, path, name, mime, size, created_at FROM oss_files "
				"WHERE id = $1 AND request_id = $2",
				DB_ARGS(DB_INT(file_id), DB_INT(request_id)), e);
	if (!f && e->status == 404)
		err_set(e, 404, "ไม่พบไฟล์ที่ต้องการ");
	return f;
}

json_t *oss_request_history(struct db *db, long long request_id, struct err *e)
{
	return db_rows_json(db,
			    "SELECT id, at, actor_name, actor_role, action, from_status, to_status, message, file_id "
			    "FROM oss_history WHERE request_id = $1 ORDER BY id",
			    DB_ARGS(DB_INT(request_id)), e);
}

/* ---- lists ----------------------------------------------------------------------- */

/* The search SQL has one LIKE per word slot (core/search.h). */

/* what a list row shows: no data JSON to decode, the name has its column */
#define LIST_COLS "id, code, service, status, applicant_name, note, result_file_id, created_at, status_at, queued_at"
#define LIKE_3_8                                                                                                       \
	"search LIKE $3 AND search LIKE $4 AND search LIKE $5 AND search LIKE $6 AND search LIKE $7 AND search LIKE "  \
	"$8"
#define LIKE_4_9                                                                                                       \
	"search LIKE $4 AND search LIKE $5 AND search LIKE $6 AND search LIKE $7 AND search LIKE $8 AND search LIKE "  \
	"$9"
#define ORDER_NEWEST " ORDER BY created_at DESC, id DESC "
#define ORDER_OLDEST " ORDER BY created_at, id "

/* The applicant's list: few rows, so one count and one page query over
 * the applicant's index range; an empty query's patterns are all "%". */
static const char sql_my_count[] = "SELECT COUNT(*) FROM oss_requests WHERE applicant_id = $1 "
				   "AND (CAST($2 AS TEXT) = '' OR service = $2) AND " LIKE_3_8;
static const char sql_my_rows[] =
    "SELECT " LIST_COLS " FROM oss_requests WHERE applicant_id = $1 "
    "AND (CAST($2 AS TEXT) = '' OR service = $2) AND " LIKE_3_8 ORDER_NEWEST "LIMIT $9 OFFSET $10";

/* Without search words the applicant's list reads only its index: the
 * count from (applicant_id, service), the page walking (applicant_id,
 * created_at, id) or (applicant_id, service, created_at, id) backwards and
 * stopping at the page's end. */
#define MY_COUNT_ALL "SELECT COUNT(*) FROM oss_requests WHERE applicant_id = $1"
#define MY_COUNT_SERVICE "SELECT COUNT(*) FROM oss_requests WHERE applicant_id = $1 AND service = $2"
static const char sql_my_count_all[] = MY_COUNT_ALL;
static const char sql_my_rows_all[] = "SELECT " LIST_COLS ", (" MY_COUNT_ALL ") AS total FROM oss_requests "
				      "WHERE applicant_id = $1" ORDER_NEWEST "LIMIT $2 OFFSET $3";
static const char sql_my_count_service[] = MY_COUNT_SERVICE;
static const char sql_my_rows_service[] = "SELECT " LIST_COLS ", (" MY_COUNT_SERVICE ") AS total FROM oss_requests "
					  "WHERE applicant_id = $1 AND service = $2" ORDER_NEWEST "LIMIT $3 OFFSET $4";

/* The officers' lists. */
/* the totals from the counters kept on every write (oss_status_counts,
 * migration 0308: a row per status) */
#define TOTAL_ALL "SELECT CAST(SUM(n) AS BIGINT) FROM oss_status_counts WHERE area_id = $1 AND service = $2"
#define TOTAL_STATUS                                                                                                   \
	"SELECT CAST(SUM(n) AS BIGINT) FROM oss_status_counts WHERE area_id = $1 AND service = $2 AND status = $3"
static const char sql_total_all[] = TOTAL_ALL;
static const char sql_total_status[] = TOTAL_STATUS;
/* the page's rows with the total from the counters, in one query */
#define ROWS_ALL "SELECT " LIST_COLS ", (" TOTAL_ALL ") AS total FROM oss_requests WHERE area_id = $1 AND service = $2"
#define ROWS_STATUS                                                                                                    \
	"SELECT " LIST_COLS ", (" TOTAL_STATUS ") AS total FROM oss_requests WHERE area_id = $1 AND service = $2 "     \
	"AND status = $3"
/* [sort]: newest first, oldest first (both walk the same index) */
static const char *const sql_rows_all[] = {ROWS_ALL ORDER_NEWEST "LIMIT $3 OFFSET $4",
					   ROWS_ALL ORDER_OLDEST "LIMIT $3 OFFSET $4"};
static const char *const sql_rows_status[] = {ROWS_STATUS ORDER_NEWEST "LIMIT $4 OFFSET $5",
					      ROWS_STATUS ORDER_OLDEST "LIMIT $4 OFFSET $5"};
static const char sql_search_count[] = "SELECT COUNT(*) FROM oss_requests WHERE area_id = $1 AND service = $2 "
				       "AND (CAST($3 AS TEXT) = '' OR status = $3) AND " LIKE_4_9;
#define SEARCH_ROWS                                                                                                    \
	"SELECT " LIST_COLS " FROM oss_requests WHERE area_id = $1 AND service = $2 "                                  \
	"AND (CAST($3 AS TEXT) = '' OR status = $3) AND " LIKE_4_9
static const char *const sql_search_rows[] = {SEARCH_ROWS ORDER_NEWEST "LIMIT $10 OFFSET $11",
					      SEARCH_ROWS ORDER_OLDEST "LIMIT $10 OFFSET $11"};
static const char sql_code_rows[] = "SELECT " LIST_COLS " FROM oss_requests WHERE code = $1 AND area_id = $2 "
				    "AND service = $3 AND (CAST($4 AS TEXT) = '' OR status = $4)";
/* Overdue: open requests waiting on the officers, longest waiting first. */
#define OVERDUE_WHERE                                                                                                  \
	"WHERE area_id = $1 AND service = $2 AND status IN ('submitted', 'in_progress', 'resubmitted') "               \
	"AND queued_at < $3 AND " LIKE_4_9
static const char sql_overdue_count[] = "SELECT COUNT(*) FROM oss_requests " OVERDUE_WHERE;
static const char sql_overdue_rows[] =
    "SELECT " LIST_COLS " FROM oss_requests " OVERDUE_WHERE " ORDER BY queued_at, id LIMIT $10 OFFSET $11";
static const char sql_overdue_by_service[] =
    "SELECT service, COUNT(*) FROM oss_requests WHERE area_id = $1 "
    "AND status IN ('submitted', 'in_progress', 'resubmitted') AND queued_at < $2 GROUP BY service";

/* q checked and broken into patterns; 0, or -1 with e. */
static int query_prepare(const char *q, struct buf pat[SEARCH_SLOTS], struct err *e)
{
	for (int i = 0; i < SEARCH_SLOTS; i++)
		pat[i] = (struct buf)BUF_INIT;
	if (search_query_check(q, e) < 0)
		return -1;
	search_patterns(q, pat);
	return 0;
}

/* rows and the paging as the list page's object. */
static json_t *page_object(json_t *rows, const char *q, const struct org_paging *pg, struct err *e)
{
	(void)e;
	return json_pack("{s:o, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "rows", rows, "q", q, "total",
			 (json_int_t)pg->total, "page", (json_int_t)pg->page, "pages", (json_int_t)pg->pages,
			 "per_page", (json_int_t)pg->per_page, "from", (json_int_t)pg->from, "to", (json_int_t)pg->to);
}

/* A page of rows and its total in one query where it can be: sql_rows
 * carries the total as its last column "total" (a scalar subquery) and
 * takes LIMIT and OFFSET as its last two parameters (p[n-2], p[n-1], set
 * here). A page past the end finds no rows and so no total: then sql_count
 * (its parameters are the first n_count of p) counts, and the last page is
 * read again. */
static json_t *page_with_total(struct db *db, const char *sql_rows, const char *sql_count, struct db_val *p, int n,
			       int n_count, long long page, long long per_page, struct org_paging *pg, struct err *e)
{
	org_paging(0, 1, per_page, pg); /* the page size as org_paging takes it */
	long long size = pg->per_page;
	if (page < 1)
		page = 1;
	p[n - 2] = DB_INT(size);
	p[n - 1] = DB_INT((page - 1) * size);
	json_t *rows = db_rows_json(db, sql_rows, p, n, e);
	if (!rows)
		return NULL;
	long long total = 0;
	if (json_array_size(rows) > 0) {
		total = json_integer_value(json_object_get(json_array_get(rows, 0), "total"));
	} else if (db_int_value(db, sql_count, p, n_count, &total, e) < 0) {
		json_decref(rows);
		return NULL;
	}
	org_paging(total, page, size, pg);
	if (json_array_size(rows) == 0 && total > 0) {
		json_decref(rows);
		p[n - 1] = DB_INT(pg->offset);
		rows = db_rows_json(db, sql_rows, p, n, e);
		if (!rows)
			return NULL;
	}
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) json_object_del(row, "total");
	return rows;
}

json_t *oss_my_page(struct db *db, long long applicant_id, const char *service, const char *q, long long page,
		    long long per_page, struct err *e)
{
	struct buf pat[SEARCH_SLOTS];
	if (!q)
		q = "";
	if (query_prepare(q, pat, e) < 0) {
		search_patterns_release(pat);
		return NULL;
	}
	const char *svc = service ? service : "";
	long long total = 0;
	json_t *rows = NULL;
	struct org_paging pg;
	if (!*q) {
		search_patterns_release(pat);
		struct db_val p[4] = {DB_INT(applicant_id), DB_TEXT(svc)};
		if (*svc)
			rows = page_with_total(db, sql_my_rows_service, sql_my_count_service, p, 4, 2, page, per_page,
					       &pg, e);
		else
			rows = page_with_total(db, sql_my_rows_all, sql_my_count_all,
					       (struct db_val[]){p[0], p[2], p[3]}, 3, 1, page, per_page, &pg, e);
		(void)total;
		return rows ? page_object(rows, q, &pg, e) : NULL;
	}
	if (db_int_value(db, sql_my_count,
			 DB_ARGS(DB_INT(applicant_id), DB_TEXT(svc), DB_TEXT(pat[0].data), DB_TEXT(pat[1].data),
				 DB_TEXT(pat[2].data), DB_TEXT(pat[3].data), DB_TEXT(pat[4].data),
				 DB_TEXT(pat[5].data)),
			 &total, e) >= 0) {
		org_paging(total, page, per_page, &pg);
		rows =
		    db_rows_json(db, sql_my_rows,
				 DB_ARGS(DB_INT(applicant_id), DB_TEXT(svc), DB_TEXT(pat[0].data), DB_TEXT(pat[1].data),
					 DB_TEXT(pat[2].data), DB_TEXT(pat[3].data), DB_TEXT(pat[4].data),
					 DB_TEXT(pat[5].data), DB_INT(pg.per_page), DB_INT(pg.offset)),
				 e);
	}
	search_patterns_release(pat);
	return rows ? page_object(rows, q, &pg, e) : NULL;
}

static bool is_code(const char *q)
{
	return oss_code_seq(q) >= 0;
}

json_t *oss_manage_page(struct db *db, long long area_id, const char *service, int status, long long overdue_before,
			enum oss_sort sort, const char *q, long long page, long long per_page, struct err *e)
{
	int so = sort == OSS_SORT_OLDEST ? 1 : 0;
	if (!q)
		q = "";
	const char *st = status >= 0 ? oss_status_name((enum oss_status)status) : "";
	struct buf pat[SEARCH_SLOTS];
	if (query_prepare(q, pat, e) < 0) {
		search_patterns_release(pat);
		return NULL;
	}
	const char *p[SEARCH_SLOTS];
	for (int i = 0; i < SEARCH_SLOTS; i++)
		p[i] = buf_cstr(&pat[i]);
	struct org_paging pg;
	json_t *rows = NULL;
	long long total = 0;
	if (overdue_before > 0) {
		if (db_int_value(db, sql_overdue_count,
				 DB_ARGS(DB_INT(area_id), DB_TEXT(service), DB_INT(overdue_before), DB_TEXT(p[0]),
					 DB_TEXT(p[1]), DB_TEXT(p[2]), DB_TEXT(p[3]), DB_TEXT(p[4]), DB_TEXT(p[5])),
				 &total, e) >= 0) {
			org_paging(total, page, per_page, &pg);
			rows =
			    db_rows_json(db, sql_overdue_rows,
					 DB_ARGS(DB_INT(area_id), DB_TEXT(service), DB_INT(overdue_before),
						 DB_TEXT(p[0]), DB_TEXT(p[1]), DB_TEXT(p[2]), DB_TEXT(p[3]),
						 DB_TEXT(p[4]), DB_TEXT(p[5]), DB_INT(pg.per_page), DB_INT(pg.offset)),
					 e);
		}
	} else if (is_code(q)) {
		rows = db_rows_json(db, sql_code_rows,
				    DB_ARGS(DB_TEXT(q), DB_INT(area_id), DB_TEXT(service), DB_TEXT(st)), e);
		if (rows)
			org_paging((long long)json_array_size(rows), 1, per_page, &pg);
	} else if (*q) {
		if (db_int_value(db, sql_search_count,
				 DB_ARGS(DB_INT(area_id), DB_TEXT(service), DB_TEXT(st), DB_TEXT(p[0]), DB_TEXT(p[1]),
					 DB_TEXT(p[2]), DB_TEXT(p[3]), DB_TEXT(p[4]), DB_TEXT(p[5])),
				 &total, e) >= 0) {
			org_paging(total, page, per_page, &pg);
			rows = db_rows_json(db, sql_search_rows[so],
					    DB_ARGS(DB_INT(area_id), DB_TEXT(service), DB_TEXT(st), DB_TEXT(p[0]),
						    DB_TEXT(p[1]), DB_TEXT(p[2]), DB_TEXT(p[3]), DB_TEXT(p[4]),
						    DB_TEXT(p[5]), DB_INT(pg.per_page), DB_INT(pg.offset)),
					    e);
		}
	} else if (status >= 0) {
		struct db_val a[5] = {DB_INT(area_id), DB_TEXT(service), DB_TEXT(st)};
		rows = page_with_total(db, sql_rows_status[so], sql_total_status, a, 5, 3, page, per_page, &pg, e);
	} else {
		struct db_val a[4] = {DB_INT(area_id), DB_TEXT(service)};
		rows = page_with_total(db, sql_rows_all[so], sql_total_all, a, 4, 2, page, per_page, &pg, e);
	}
	search_patterns_release(pat);
	return rows ? page_object(rows, q, &pg, e) : NULL;
}

/* The export: one query with every filter of the list (an unused filter
 * is '' or 0), in the list's order, read row by row. */
#define EXPORT_WHERE                                                                                                   \
	"WHERE area_id = $1 AND service = $2 AND (CAST($3 AS TEXT) = '' OR status = $3) "                              \
	"AND (CAST($4 AS BIGINT) = 0 OR (status IN ('submitted', 'in_progress', 'resubmitted') AND queued_at < $4)) "  \
	"AND (CAST($5 AS TEXT) = '' OR code = $5) AND search LIKE $6 AND search LIKE $7 AND search LIKE $8 "           \
	"AND search LIKE $9 AND search LIKE $10 AND search LIKE $11 "
#define EXPORT_COLS "code, status, data, note, result_file_id, created_at, status_at, queued_at"
static const char sql_export_newest[] =
    "SELECT " EXPORT_COLS " FROM oss_requests " EXPORT_WHERE ORDER_NEWEST "LIMIT $12";
static const char sql_export_oldest[] =
    "SELECT " EXPORT_COLS " FROM oss_requests " EXPORT_WHERE ORDER_OLDEST "LIMIT $12";
static const char sql_export_overdue[] =
    "SELECT " EXPORT_COLS " FROM oss_requests " EXPORT_WHERE "ORDER BY queued_at, id LIMIT $12";

int oss_manage_each(struct db *db, long long area_id, const char *service, int status, long long overdue_before,
		    enum oss_sort sort, const char *q, oss_row_fn fn, void *ctx, bool *cut, struct err *e)
{
	*cut = false;
	if (!q)
		q = "";
	struct buf pat[SEARCH_SLOTS];
	if (query_prepare(q, pat, e) < 0) {
		search_patterns_release(pat);
		return -1;
	}
	const char *code = "";
	if (is_code(q)) {
		/* a reference code is looked up by itself, as the list does */
		code = q;
		for (int i = 0; i < SEARCH_SLOTS; i++) {
			buf_reset(&pat[i]);
			buf_addc(&pat[i], '%');
		}
	}
	const char *st = status >= 0 && overdue_before <= 0 ? oss_status_name((enum oss_status)status) : "";
	struct db_res *res = NULL;
	int rc =
	    db_query(db,
		     overdue_before > 0	       ? sql_export_overdue
		     : sort == OSS_SORT_OLDEST ? sql_export_oldest
					       : sql_export_newest,
		     DB_ARGS(DB_INT(area_id), DB_TEXT(service), DB_TEXT(st),
			     DB_INT(overdue_before > 0 ? overdue_before : 0), DB_TEXT(code), DB_TEXT(buf_cstr(&pat[0])),
			     DB_TEXT(buf_cstr(&pat[1])), DB_TEXT(buf_cstr(&pat[2])), DB_TEXT(buf_cstr(&pat[3])),
			     DB_TEXT(buf_cstr(&pat[4])), DB_TEXT(buf_cstr(&pat[5])), DB_INT(OSS_EXPORT_MAX + 1)),
		     &res, e);
	search_patterns_release(pat);
	if (rc < 0)
		return -1;
	long long n = 0;
	while ((rc = db_next(res, e)) == 1) {
		if (n == OSS_EXPORT_MAX) {
			/* one row more than the file holds: it is cut here */
			*cut = true;
			rc = 0;
			break;
		}
		json_error_t je;
		json_t *data = json_loads(db_text(res, 2), 0, &je);
		if (!json_is_object(data)) {
			json_decref(data);
			data = json_object();
		}
		struct oss_export_row row = {
		    .code = db_text(res, 0),
		    .status = oss_status_parse(db_text(res, 1)),
		    .data = data,
		    .note = db_text(res, 3),
		    .has_result = !db_isnull(res, 4),
		    .created_at = db_int(res, 5),
		    .status_at = db_int(res, 6),
		    .queued_at = db_int(res, 7),
		};
		int x = fn(&row, ++n, ctx);
		json_decref(data);
		if (x < 0) {
			rc = -1;
			break;
		}
	}
	db_res_free(res);
	return rc < 0 ? -1 : 0;
}

int oss_overdue_counts(struct db *db, long long area_id, long long before, long long out[OSS_SERVICE_COUNT],
		       struct err *e)
{
	for (int i = 0; i < OSS_SERVICE_COUNT; i++)
		out[i] = 0;
	struct db_res *res;
	if (db_query(db, sql_overdue_by_service, DB_ARGS(DB_INT(area_id), DB_INT(before)), &res, e) < 0)
		return -1;
	int rc;
	while ((rc = db_next(res, e)) == 1)
		for (int i = 0; i < OSS_SERVICE_COUNT; i++)
			if (!strcmp(db_text(res, 0), oss_service_codes[i]))
				out[i] = db_int(res, 1);
	db_res_free(res);
	return rc < 0 ? -1 : 0;
}

json_t *oss_counts_get(struct db *db, long long area_id, long long ym_from, long long ym_to, struct err *e)
{
	json_t *by_status = db_rows_json(db,
					 "SELECT service, status, n FROM oss_status_counts WHERE area_id = $1 "
					 "ORDER BY service, status",
					 DB_ARGS(DB_INT(area_id)), e);
	if (!by_status)
		return NULL;
	json_t *by_month = db_rows_json(db,
					"SELECT ym, service, SUM(n) AS n FROM oss_counts WHERE area_id = $1 "
					"AND ym >= $2 AND ym <= $3 GROUP BY ym, service",
					DB_ARGS(DB_INT(area_id), DB_INT(ym_from), DB_INT(ym_to)), e);
	if (!by_month) {
		json_decref(by_status);
		return NULL;
	}
	json_t *s = json_object(), *m = json_object();
	size_t i;
	json_t *row;
	json_array_foreach(by_status, i, row)
	{
		const char *svc = json_string_value(json_object_get(row, "service"));
		json_t *o = json_object_get(s, svc);
		if (!o) {
			o = json_object();
			json_object_set_new(s, svc, o);
		}
		json_object_set(o, json_string_value(json_object_get(row, "status")), json_object_get(row, "n"));
	}
	json_array_foreach(by_month, i, row)
	{
		char ym[24];
		snprintf(ym, sizeof ym, "%lld", (long long)json_integer_value(json_object_get(row, "ym")));
		json_t *o = json_object_get(m, ym);
		if (!o) {
			o = json_object();
			json_object_set_new(m, ym, o);
		}
		json_object_set(o, json_string_value(json_object_get(row, "service")), json_object_get(row, "n"));
	}
	json_decref(by_status);
	json_decref(by_month);
	return json_pack("{s:o, s:o}", "by_status", s, "by_month", m);
}
