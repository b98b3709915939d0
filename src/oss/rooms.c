/* rooms: the meeting-room desk an area runs beside AMSS++'s meeting-room
 * module (issue 10.14b, OSS-7) — what AMSS++ offers and the booking form
 * and calendar alone did not:
 *
 *   GET  /oss/rooms/free      which rooms of an area are free for a date
 *                             range at given hours (any signed-in user)
 *   GET  /oss/rooms/approve   the room requests waiting for a decision,
 *                             to tick and approve at once (approvers)
 *   POST /oss/rooms/approve   bulk approval
 *   GET  /oss/rooms/usage     a year's use per room and month (BE year),
 *                             ?format=csv|xlsx for the file
 *
 * and the approvers' count beside their menu entry on every page.
 *
 * An approver is an officer of service 31 in the area: the same grant
 * ("officer:31") that lets him process room requests (oss_officer_of).
 * Approving is the officer's "ดำเนินการเรียบร้อย" of each request
 * (oss_request_move, OSS_COMPLETE), with its history row and mail, so a
 * bulk approval is exactly what approving them one by one would store.
 *
 * The free-room search asks the same question as a booking (the same
 * checked day slots, oss_booking_slots) of all the area's active rooms at
 * once: one query reads the bookings of every room in the range from the
 * index oss_bookings_room (room_id, start_at, …), and the overlap of each
 * with the asked slots is decided here, so a room costs no query of its
 * own. A room is free when nothing overlaps and it holds the attendees.
 *
 * Bulk approval decides each ticked request on its own, in the handler's
 * one transaction: a request changed since the page was shown (its version,
 * carried with its tick as "id:version"), no longer waiting, or whose time
 * now overlaps an approved booking of the same room (checked under the
 * room's lock, as booking.c does) is refused with a Thai sentence naming
 * it; the others are approved. When any is refused the answer is 409 with
 * the list as it is now and the reasons, and what was approved stays
 * (req_commit_on_error); otherwise the list again with a flash. Stored
 * bookings never overlap each other (booking.c checks every submission), so
 * an overlap at approval means rows that came another way (an import, a
 * repair by hand): the approved booking wins, as in AMSS++.
 *
 * The usage report counts each booking row (a day of a booking) of a room
 * by its Bangkok month, with its hours; a cancelled request's rows are
 * gone (booking.c), so every row counts. One query, one pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/num.h"
#include "core/export.h"
#include "core/sheet.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"
#include "oss/oss_pages.h"

#define ROOM_SERVICE "31"
/* The waiting statuses: a decision is the officers' to make. */
#define PENDING_SQL "status IN ('submitted', 'in_progress', 'resubmitted')"
/* The approval list shows at most this many, oldest first. */
#define APPROVE_LIST_MAX 200

/* ---- the approvers' count (menu badge) -------------------------------------- */

/* The count comes from oss_status_counts (area, service, status → n; the
 * sum over the months of oss_counts, which every submission and status
 * change keeps in its transaction): three rows of the primary key,
 * whatever the number of requests
 * (a COUNT over the requests' index cost ~460k instructions a page with
 * 700 waiting). When the active grant is not itself officer:31 the user
 * may still hold one beside it (the role switcher shows an officer's
 * services as one entry): the EXISTS, computed once, answers that in the
 * same statement. */
static const char sql_pending_own[] =
    "SELECT " OSS_ROOMS_PENDING_SUM " FROM oss_status_counts WHERE area_id = $1 AND service = '31'";
static const char sql_pending_check[] =
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM grants WHERE area_id = $1 AND role = 'officer' AND service = '31' "
    "AND user_id = $2 AND revoked_at IS NULL) THEN (SELECT " OSS_ROOMS_PENDING_SUM " FROM oss_status_counts "
    "WHERE area_id = $1 AND service = '31') ELSE -1 END";

/* What an officers' page read of it this request, in the statement that
 * read its scope (oss_officer_scope): the menu is built later in the same
 * request on the same thread (view_page's layout), so the badge asks the
 * database nothing more. Keyed by the request's id: a value is never used
 * for another request. */
static _Thread_local struct {
	char req[24];
	long long user_id, area_id, pending;
	bool approver;
} badge_known;

void oss_rooms_badge_known(struct req *r, long long user_id, long long area_id, bool approver, long long pending)
{
	snprintf(badge_known.req, sizeof badge_known.req, "%s", req_id(r));
	badge_known.user_id = user_id;
	badge_known.area_id = area_id;
	badge_known.approver = approver;
	badge_known.pending = pending;
}

int oss_rooms_badge(struct req *r, long long *count)
{
	const struct acc_grant *g = acc_active_grant(r);
	*count = 0;
	if (!acc_grant_is(g, "officer") || g->area_id <= 0)
		return -1;
	if (badge_known.req[0] && !strcmp(badge_known.req, req_id(r)) && badge_known.user_id == g->user_id &&
	    badge_known.area_id == g->area_id) {
		if (!badge_known.approver)
			return -1; /* an officer of other services only */
		*count = badge_known.pending;
		return 0;
	}
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long n = 0;
	int rc = !strcmp(g->service, ROOM_SERVICE)
		     ? db_int_value(db, sql_pending_own, DB_ARGS(DB_INT(g->area_id)), &n, &e)
		     : db_int_value(db, sql_pending_check, DB_ARGS(DB_INT(g->area_id), DB_INT(g->user_id)), &n, &e);
	if (rc < 0) {
		log_error("oss_rooms_badge: %s", e.msg);
		return 0; /* the page goes on without the number */
	}
	if (n < 0)
		return -1; /* an officer of other services only */
	*count = n;
	return 0;
}

/* The area of an approver's (or, for the report, an area admin's) active
 * grant, or -1 with the answer given. */
static long long approver_area(struct req *r, bool admin_too, int *answered)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	const struct acc_grant *g = acc_active_grant(r);
	long long area = g ? g->area_id : 0;
	if (area > 0 && admin_too && acc_grant_is(g, "area_admin"))
		return area;
	if (area > 0 && oss_officer_of(r, db, area, ROOM_SERVICE, &e))
		return area;
	if (e.status >= 500) {
		*answered = view_err(r, &e);
		return -1;
	}
	oss_not_assigned_err(ROOM_SERVICE, &e);
	*answered = view_err(r, &e);
	return -1;
}

/* ---- free rooms ---------------------------------------------------------------- */

/* "25/06/2567" (or ISO, or a Thai month name) → "2024-06-25" in out; the
 * value unchanged when it is no date, so oss_booking_slots says what is
 * wrong with it. */
static void iso_date(const char *s, char out[16], const char **val)
{
	int y, m, d;
	if (s && *s && thai_date_input(s, &y, &m, &d) == 0) {
		snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
		*val = out;
	} else {
		*val = s ? s : "";
	}
}

static const char sql_free[] = "SELECT b.room_id, b.start_at, b.end_at FROM oss_rooms o JOIN oss_bookings b ON "
			       "b.room_id = o.id WHERE o.area_id = $1 AND o.active = 1 AND b.start_at > $2 AND "
			       "b.start_at < $3 AND b.end_at > $4 ORDER BY b.room_id, b.start_at";

json_t *oss_rooms_free(struct db *db, long long area_id, const struct oss_slot *slots, int n, long long attendees,
		       struct err *e)
{
	json_t *rooms = oss_rooms_list(db, area_id, true, e);
	if (!rooms)
		return NULL;
	/* every booking of the area's rooms that could touch a slot: none is
	 * longer than a day, so one starting a day before the first slot is
	 * the earliest */
	struct db_res *res;
	if (db_query(db, sql_free,
		     DB_ARGS(DB_INT(area_id), DB_INT(slots[0].start - 86400), DB_INT(slots[n - 1].end),
			     DB_INT(slots[0].start)),
		     &res, e) < 0) {
		json_decref(rooms);
		return NULL;
	}
	json_t *clash = json_object(); /* room id → the first clashing slot's text */
	int rc;
	while ((rc = db_next(res, e)) == 1) {
		struct oss_slot b = {db_int(res, 1), db_int(res, 2)};
		char key[24];
		snprintf(key, sizeof key, "%lld", db_int(res, 0));
		if (json_object_get(clash, key))
			continue;
		for (int i = 0; i < n; i++)
			if (oss_slots_overlap(b, slots[i])) {
				struct buf t = BUF_INIT;
				oss_slot_text(b, &t);
				json_object_set_new(clash, key, json_string(buf_cstr(&t)));
				buf_release(&t);
				break;
			}
	}
	db_res_free(res);
	if (rc < 0) {
		json_decref(clash);
		json_decref(rooms);
		return NULL;
	}
	size_t i;
	json_t *x;
	json_array_foreach(rooms, i, x)
	{
		char key[24];
		snprintf(key, sizeof key, "%lld", jint(x, "id"));
		const char *taken = json_string_value(json_object_get(clash, key));
		bool fits = attendees <= 0 || jint(x, "capacity") >= attendees;
		json_object_set_new(x, "free", json_boolean(!taken && fits));
		json_object_set_new(x, "fits", json_boolean(fits));
		json_object_set_new(x, "taken_text", taken ? json_string(taken) : json_null());
	}
	json_decref(clash);
	return rooms;
}

int oss_rooms_free_page(struct req *r)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	const struct acc_grant *g = acc_active_grant(r);
	long long area_id = req_query_int(r, "area", 0, 1, 1LL << 60);
	if (area_id <= 0 && g && g->area_id > 0)
		area_id = g->area_id;
	json_t *areas = org_areas_list(db, &e);
	if (!areas)
		return view_err(r, &e);
	if (area_id <= 0 && json_array_size(areas) == 1)
		area_id = jint(json_array_get(areas, 0), "id");
	json_t *area_opts = json_array();
	bool known = false;
	size_t i;
	json_t *x;
	json_array_foreach(areas, i, x)
	{
		bool sel = jint(x, "id") == area_id;
		known |= sel;
		json_array_append_new(area_opts, json_pack("{s:I, s:O, s:b}", "id", (json_int_t)jint(x, "id"), "name",
							   json_object_get(x, "name"), "selected", sel));
	}
	json_decref(areas);
	const char *sd = req_query(r, "start_date"), *ed = req_query(r, "end_date");
	const char *st = req_query(r, "start_time"), *et = req_query(r, "end_time");
	const char *att = req_query(r, "attendees");
	bool asked = (sd && *sd) || (ed && *ed) || (st && *st) || (et && *et);
	json_t *m =
	    json_pack("{s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:b, s:n, s:n, s:b}", "page_title", "ค้นหาห้องประชุมว่าง",
		      "areas", area_opts, "start_date", sd ? sd : "", "end_date", ed && *ed ? ed : (sd ? sd : ""),
		      "start_time", st && *st ? st : "09:00", "end_time", et && *et ? et : "12:00", "attendees",
		      att ? att : "", "asked", asked, "error", "rooms", "has_rooms", false);
	if (!asked)
		return view_page(r, 200, "oss/rooms_free", m);
	int status = 200;
	if (!known) {
		err_field(&e, "area", "กรุณาเลือกสำนักงานเขตพื้นที่จากรายการ");
		status = 400;
	}
	long long attendees = 0;
	if (status == 200 && att && *att) {
		struct buf ascii = BUF_INIT;
		thai_digits_ascii(att, &ascii);
		int bad = num_parse_ll(buf_cstr(&ascii), 1, 100000, &attendees);
		buf_release(&ascii);
		if (bad < 0) {
			err_field(&e, "attendees", "จำนวนผู้เข้าร่วมประชุมต้องเป็นจำนวนเต็ม 1 ถึง 100,000 คน");
			status = 400;
		}
	}
	struct oss_slot slots[OSS_BOOKING_MAX_DAYS];
	int n = 0;
	if (status == 200) {
		char d0[16], d1[16];
		const char *v0, *v1;
		iso_date(sd, d0, &v0);
		iso_date(ed && *ed ? ed : sd, d1, &v1);
		n = oss_booking_slots(v0, v1, st, et, oss_now(), slots, OSS_BOOKING_MAX_DAYS, &e);
		if (n < 0)
			status = 400;
	}
	if (status != 200) {
		json_object_set_new(m, "error", json_string(e.msg));
		json_object_set_new(m, "error_field", json_string(e.field));
		return view_page(r, status, "oss/rooms_free", m);
	}
	json_t *rooms = oss_rooms_free(db, area_id, slots, n, attendees, &e);
	if (!rooms) {
		json_decref(m);
		return view_err(r, &e);
	}
	/* each free room links the booking form filled with the search */
	char d0[16], d1[16];
	const char *v0, *v1;
	iso_date(sd, d0, &v0);
	iso_date(ed && *ed ? ed : sd, d1, &v1);
	long long nfree = 0;
	json_array_foreach(rooms, i, x)
	{
		char id[24], area[24];
		snprintf(id, sizeof id, "%lld", jint(x, "id"));
		snprintf(area, sizeof area, "%lld", area_id);
		json_t *p =
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "area", area, "room_id", id, "start_date", v0,
			      "end_date", v1, "start_time", st, "end_time", et, "attendees", att ? att : "");
		char *url = oss_url("/oss/new/31", p, 1);
		json_decref(p);
		json_object_set_new(x, "book_url", json_string(url));
		free(url);
		char cal[96];
		snprintf(cal, sizeof cal, "/oss/rooms/%s/calendar?month=%.7s", id, v0);
		json_object_set_new(x, "calendar_url", json_string(cal));
		nfree += json_is_true(json_object_get(x, "free"));
	}
	struct buf when = BUF_INIT;
	oss_slot_text(slots[0], &when);
	if (n > 1) {
		buf_adds(&when, " ถึง ");
		oss_slot_text(slots[n - 1], &when);
		buf_addf(&when, " (%d วัน เวลาเดียวกันทุกวัน)", n);
	}
	json_object_set_new(m, "when_text", json_string(buf_cstr(&when)));
	buf_release(&when);
	json_object_set_new(m, "free_count", json_integer(nfree));
	json_object_set_new(m, "has_rooms", json_boolean(json_array_size(rooms) > 0));
	json_object_set_new(m, "rooms", rooms);
	return view_page(r, 200, "oss/rooms_free", m);
}

/* ---- bulk approval -------------------------------------------------------------- */

const struct field oss_rooms_approve_form[] = {
    {.name = "pick",
     .label = "คำขอที่เลือก",
     .type = FT_TEXT,
     .flags = F_MULTI,
     .max = 40,
     .pattern = "[0-9]+:[0-9]+",
     .pattern_msg = "รายการที่เลือกไม่ถูกต้อง กรุณาเปิดหน้ารายการใหม่แล้วเลือกอีกครั้ง"},
    {.name = "message", .label = "ข้อความถึงผู้จอง", .type = FT_TEXTAREA, .max = OSS_MESSAGE_MAX},
    {NULL},
};

/* The waiting room requests of the area with their booking (first day,
 * last day, room), oldest first: one query, the booking rows grouped by
 * request with MIN/MAX over oss_bookings_request. */
static const char sql_pending_list[] =
    "SELECT r.id, r.code, r.status, r.applicant_name, r.created_at, r.version, o.name, MIN(b.start_at), "
    "MAX(b.end_at), COUNT(b.id), MIN(b.chairman), MIN(b.coordinator), MIN(b.attendees) "
    "FROM oss_requests r LEFT JOIN oss_bookings b ON b.request_id = r.id LEFT JOIN oss_rooms o ON o.id = b.room_id "
    "WHERE r.area_id = $1 AND r.service = '31' AND r." PENDING_SQL " "
    "GROUP BY r.id, r.code, r.status, r.applicant_name, r.created_at, r.version, o.name "
    "ORDER BY r.created_at, r.id LIMIT 200"; /* APPROVE_LIST_MAX */

static json_t *pending_rows(struct db *db, long long area_id, json_t *refused, struct err *e)
{
	struct db_res *res;
	if (db_query(db, sql_pending_list, DB_ARGS(DB_INT(area_id)), &res, e) < 0)
		return NULL;
	json_t *rows = json_array();
	int rc;
	while ((rc = db_next(res, e)) == 1) {
		long long id = db_int(res, 0);
		int st = oss_status_parse(db_text(res, 2));
		struct buf when = BUF_INIT;
		if (db_int(res, 9) > 0) {
			struct oss_slot s = {db_int(res, 7), db_int(res, 8)};
			if (db_int(res, 9) > 1)
				buf_addf(&when, "%lld วัน: ", db_int(res, 9));
			oss_slot_text(s, &when);
		}
		char pick[48], key[24];
		snprintf(pick, sizeof pick, "%lld:%lld", id, db_int(res, 5));
		snprintf(key, sizeof key, "%lld", id);
		json_t *why = refused ? json_object_get(refused, key) : NULL;
		json_t *row =
		    json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:O?}", "id",
			      (json_int_t)id, "code", db_text(res, 1), "applicant_name", db_text(res, 3),
			      "created_at_text", oss_text_datetime(db_int(res, 4)), "status_label",
			      oss_status_label(st), "status_class", oss_status_class(st), "room_name", db_text(res, 6),
			      "when_text", buf_cstr(&when), "chairman", db_text(res, 10), "coordinator",
			      db_text(res, 11), "attendees", (json_int_t)db_int(res, 12), "pick", pick, "refused", why);
		buf_release(&when);
		json_array_append_new(rows, row);
	}
	db_res_free(res);
	if (rc < 0) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

static int approve_page(struct req *r, long long area_id, int status, json_t *refused, json_t *approved)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *rows = pending_rows(db, area_id, refused, &e);
	if (!rows)
		return view_err(r, &e);
	json_t *m = json_pack("{s:s, s:o, s:b, s:I, s:O?, s:O?, s:b, s:s}", "page_title", "อนุมัติการจองห้องประชุม", "rows",
			      rows, "has_rows", json_array_size(rows) > 0, "count", (json_int_t)json_array_size(rows),
			      "refused", refused, "approved", approved, "has_refused",
			      refused && json_object_size(refused) > 0, "message", form_value(r, "message"));
	json_object_set_new(m, "capped", json_boolean(json_array_size(json_object_get(m, "rows")) >= APPROVE_LIST_MAX));
	json_object_set_new(m, "form", form_model(r, oss_rooms_approve_form, NULL));
	return view_page(r, status, "oss/rooms_approve", m);
}

int oss_rooms_approve_get(struct req *r)
{
	int answered = 0;
	long long area = approver_area(r, false, &answered);
	if (area < 0)
		return answered;
	return approve_page(r, area, 200, NULL, NULL);
}

/* The booking's rows of request id (its room and day slots). */
static int booking_of(struct db *db, long long id, long long *room, struct oss_slot *slots, int *n, struct err *e)
{
	struct db_res *res;
	if (db_query(db, "SELECT room_id, start_at, end_at FROM oss_bookings WHERE request_id = $1 ORDER BY start_at",
		     DB_ARGS(DB_INT(id)), &res, e) < 0)
		return -1;
	int rc;
	*n = 0;
	while ((rc = db_next(res, e)) == 1 && *n < OSS_BOOKING_MAX_DAYS) {
		*room = db_int(res, 0);
		slots[*n].start = db_int(res, 1);
		slots[*n].end = db_int(res, 2);
		(*n)++;
	}
	db_res_free(res);
	return rc < 0 ? -1 : 0;
}

/* An approved booking of the room (other than request id's) overlapping a
 * slot: its code and time in *why, 1; 0 when none. Under the room's lock. */
static const char sql_approved_clash[] =
    "SELECT b.start_at, b.end_at, r.code FROM oss_bookings b JOIN oss_requests r ON r.id = b.request_id "
    "WHERE b.room_id = $1 AND b.start_at > $2 AND b.start_at < $3 AND b.end_at > $4 AND b.request_id <> $5 "
    "AND r.status = 'completed' ORDER BY b.start_at LIMIT 1";

static int approved_clash(struct db *db, long long room, const struct oss_slot *slots, int n, long long id,
			  struct buf *why, struct err *e)
{
	if (db_lock(db, OSS_LOCK_ROOM_BASE + room, e) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct db_res *res;
		if (db_query(db, sql_approved_clash,
			     DB_ARGS(DB_INT(room), DB_INT(slots[i].start - 86400), DB_INT(slots[i].end),
				     DB_INT(slots[i].start), DB_INT(id)),
			     &res, e) < 0)
			return -1;
		int rc = db_next(res, e);
		if (rc == 1) {
			struct oss_slot s = {db_int(res, 0), db_int(res, 1)};
			buf_adds(why, "ช่วงเวลาทับกับการจองที่อนุมัติแล้ว (รหัส ");
			buf_adds(why, db_text(res, 2));
			buf_adds(why, " ");
			oss_slot_text(s, why);
			buf_adds(why, ") จึงไม่อนุมัติ กรุณาส่งคืนให้ผู้จองเลือกเวลาหรือห้องอื่น");
		}
		db_res_free(res);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Approves one ticked request "id:version": 1 approved, 0 refused with
 * the reason in *why, -1 on a fault. */
static int approve_one(struct req *r, struct db *db, long long area_id, long long id, long long version,
		       const char *message, struct buf *why, struct buf *codes, struct err *e)
{
	json_t *req = oss_request_get(db, id, e);
	if (!req) {
		if (e->status != 404)
			return -1;
		*e = (struct err)ERR_INIT;
		buf_adds(why, "ไม่พบคำขอนี้");
		return 0;
	}
	int rc = 0;
	int st = oss_status_parse(jstr(req, "status"));
	if (jint(req, "area_id") != area_id || strcmp(jstr(req, "service"), ROOM_SERVICE)) {
		buf_adds(why, "ไม่ใช่คำขอจองห้องประชุมของสำนักงานเขตพื้นที่ของคุณ");
		goto out;
	}
	if (jint(req, "version") != version) {
		buf_adds(why, "คำขอนี้ถูกแก้ไขเมื่อ ");
		thai_datetime_short(why, jint(req, "updated_at"));
		buf_adds(why, " หลังจากที่คุณเปิดหน้านี้ (สถานะตอนนี้: ");
		buf_adds(why, st >= 0 ? oss_status_label((enum oss_status)st) : "");
		buf_adds(why, ") จึงยังไม่อนุมัติ กรุณาตรวจสอบข้อมูลล่าสุดแล้วเลือกอีกครั้ง");
		goto out;
	}
	enum oss_status to;
	if (st < 0 || oss_transition((enum oss_status)st, OSS_OFFICER, OSS_COMPLETE, message, &to, e) < 0) {
		if (e->status >= 500)
			goto fail;
		buf_addf(why, "อนุมัติไม่ได้: %s", e->msg[0] ? e->msg : "สถานะของคำขอไม่อนุญาต");
		*e = (struct err)ERR_INIT;
		goto out;
	}
	long long room = 0;
	struct oss_slot slots[OSS_BOOKING_MAX_DAYS];
	int n = 0;
	if (booking_of(db, id, &room, slots, &n, e) < 0)
		goto fail;
	if (n == 0) {
		buf_adds(why, "คำขอนี้ไม่มีช่วงเวลาจองห้อง กรุณาเปิดคำขอเพื่อตรวจสอบ");
		goto out;
	}
	int c = approved_clash(db, room, slots, n, id, why, e);
	if (c < 0)
		goto fail;
	if (c > 0)
		goto out;
	if (oss_request_move(db, req, OSS_OFFICER, OSS_COMPLETE, acc_user_id(r), acc_display_name(r), message, NULL,
			     NULL, 0, oss_now(), e) < 0) {
		if (e->status != 409)
			goto fail;
		buf_adds(why, "คำขอนี้ถูกแก้ไขระหว่างที่อนุมัติ กรุณาตรวจสอบข้อมูลล่าสุดแล้วเลือกอีกครั้ง");
		*e = (struct err)ERR_INIT;
		goto out;
	}
	oss_notify_status(r, db, req, message);
	if (codes->len)
		buf_adds(codes, ", ");
	buf_adds(codes, jstr(req, "code"));
	rc = 1;
out:
	json_decref(req);
	return rc;
fail:
	json_decref(req);
	return -1;
}

int oss_rooms_approve_post(struct req *r)
{
	int answered = 0;
	long long area = approver_area(r, false, &answered);
	if (area < 0)
		return answered;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *picks = form_values(r, "pick");
	if (form_ok(r) && json_array_size(picks) == 0)
		form_error(r, "pick", "กรุณาเลือกคำขอที่จะอนุมัติอย่างน้อย 1 รายการ");
	if (!form_ok(r))
		return approve_page(r, area, 422, NULL, NULL);
	const char *message = form_value(r, "message");
	json_t *refused = json_object();
	json_t *approved = json_array();
	json_t *seen = json_object();
	struct buf codes = BUF_INIT;
	size_t i;
	json_t *v;
	json_array_foreach(picks, i, v)
	{
		long long id = 0, version = 0;
		const char *s = json_string_value(v);
		const char *colon = strchr(s, ':');
		int bad = !colon || num_parse_lln(s, (size_t)(colon - s), 1, 1LL << 62, &id) < 0 ||
			  num_parse_ll(colon + 1, 0, 1LL << 62, &version) < 0;
		char key[24];
		snprintf(key, sizeof key, "%lld", id);
		if (bad || json_object_get(seen, key))
			continue; /* a request ticked twice is decided once */
		json_object_set_new(seen, key, json_true());
		struct buf why = BUF_INIT;
		int rc = approve_one(r, db, area, id, version, message, &why, &codes, &e);
		if (rc < 0) {
			buf_release(&why);
			buf_release(&codes);
			json_decref(seen);
			json_decref(refused);
			json_decref(approved);
			return view_err(r, &e);
		}
		if (rc == 1)
			json_array_append_new(approved, json_integer(id));
		else
			json_object_set_new(refused, key, json_string(buf_cstr(&why)));
		buf_release(&why);
	}
	json_decref(seen);
	long long nok = (long long)json_array_size(approved);
	/* the audit page shows these keys in Thai (จำนวน, รหัสอ้างอิง) */
	if (nok > 0)
		oss_audit(r, db, "oss.room.approve", "oss_requests", 0, area,
			  json_pack("{s:I, s:s}", "count", (json_int_t)nok, "code", buf_cstr(&codes)));
	buf_release(&codes);
	if (json_object_size(refused) > 0) {
		/* what was approved stays; the list shows the others as they are
		 * now, each refused one with its reason */
		req_commit_on_error(r);
		struct buf msg = BUF_INIT;
		buf_addf(&msg, "อนุมัติแล้ว %lld รายการ ไม่อนุมัติ %zu รายการ (เหตุผลอยู่ที่แต่ละรายการด้านล่าง)", nok,
			 json_object_size(refused));
		form_error(r, "pick", buf_cstr(&msg));
		buf_release(&msg);
		int rc = approve_page(r, area, 409, refused, approved);
		json_decref(refused);
		json_decref(approved);
		return rc;
	}
	json_decref(refused);
	json_decref(approved);
	struct buf flash = BUF_INIT;
	buf_addf(&flash, "อนุมัติการจองห้องประชุมแล้ว %lld รายการ", nok);
	int rc = view_redirect(r, "/oss/rooms/approve", buf_cstr(&flash));
	buf_release(&flash);
	return rc;
}

/* ---- yearly usage per room and month -------------------------------------------- */

struct usage_room {
	long long id, capacity;
	const char *name; /* borrowed from the rooms list */
	long long count[12], minutes[12];
};

static const char sql_usage[] = "SELECT b.room_id, b.start_at, b.end_at FROM oss_rooms o JOIN oss_bookings b ON "
				"b.room_id = o.id WHERE o.area_id = $1 AND b.start_at >= $2 AND b.start_at < $3";

/* The rooms of the area (all, in name order) with their bookings of CE
 * year y counted by Bangkok month: *rooms is the list the names borrow
 * from, the caller frees both. */
static struct usage_room *usage_load(struct db *db, long long area_id, int y, json_t **rooms, size_t *n, struct err *e)
{
	*rooms = oss_rooms_list(db, area_id, false, e);
	if (!*rooms)
		return NULL;
	*n = json_array_size(*rooms);
	struct usage_room *u = xcalloc(*n ? *n : 1, sizeof *u);
	size_t i;
	json_t *x;
	json_array_foreach(*rooms, i, x)
	{
		u[i].id = jint(x, "id");
		u[i].capacity = jint(x, "capacity");
		u[i].name = jstr(x, "name");
	}
	struct db_res *res;
	if (db_query(db, sql_usage,
		     DB_ARGS(DB_INT(area_id), DB_INT(thai_from_local(y, 1, 1, 0, 0, 0)),
			     DB_INT(thai_from_local(y + 1, 1, 1, 0, 0, 0))),
		     &res, e) < 0) {
		free(u);
		json_decref(*rooms);
		return NULL;
	}
	int rc;
	size_t last = 0;
	while ((rc = db_next(res, e)) == 1) {
		long long room = db_int(res, 0), start = db_int(res, 1), end = db_int(res, 2);
		if (last >= *n || u[last].id != room)
			for (last = 0; last < *n && u[last].id != room; last++)
				;
		if (last >= *n)
			continue;
		int mo;
		thai_local(start, NULL, &mo, NULL, NULL, NULL, NULL, NULL);
		u[last].count[mo - 1]++;
		u[last].minutes[mo - 1] += (end - start) / 60;
	}
	db_res_free(res);
	if (rc < 0) {
		free(u);
		json_decref(*rooms);
		return NULL;
	}
	return u;
}

/* "12 ชม. 30 นาที" / "3 ชม." / "" for none */
static void hours_text(struct buf *b, long long minutes)
{
	if (minutes <= 0)
		return;
	buf_add_int(b, minutes / 60);
	buf_adds(b, " ชม.");
	if (minutes % 60) {
		buf_addc(b, ' ');
		buf_add_int(b, minutes % 60);
		buf_adds(b, " นาที");
	}
}

static int usage_export(struct req *r, enum sheet_format f, long long area_id, int be, const struct usage_room *u,
			size_t n)
{
	struct err e = ERR_INIT;
	struct sheet_col cols[2 + 12 + 2];
	char heads[12][32];
	cols[0] = (struct sheet_col){"ห้องประชุม", 30, SHEET_TEXT};
	cols[1] = (struct sheet_col){"ความจุ (คน)", 10, SHEET_NUMBER};
	for (int m = 0; m < 12; m++) {
		snprintf(heads[m], sizeof heads[m], "%s (ครั้ง)", thai_month_abbr(m + 1));
		cols[2 + m] = (struct sheet_col){heads[m], 10, SHEET_NUMBER};
	}
	cols[14] = (struct sheet_col){"รวม (ครั้ง)", 10, SHEET_NUMBER};
	cols[15] = (struct sheet_col){"รวม (ชั่วโมง)", 12, SHEET_NUMBER, 2};
	char title[96], base[48];
	snprintf(title, sizeof title, "การใช้ห้องประชุม ปี %d", be);
	snprintf(base, sizeof base, "room-usage-%d", be);
	const struct export_list l = {title, base, 16, cols};
	struct sheet *s = export_begin(r, f, &l, &e);
	if (!s)
		return view_err(r, &e);
	for (size_t i = 0; i < n; i++) {
		long long total = 0, minutes = 0;
		sheet_text(s, u[i].name);
		sheet_number(s, (double)u[i].capacity);
		for (int m = 0; m < 12; m++) {
			sheet_number(s, (double)u[i].count[m]);
			total += u[i].count[m];
			minutes += u[i].minutes[m];
		}
		sheet_number(s, (double)total);
		sheet_decimal2(s, (double)minutes / 60.0);
		sheet_row_end(s);
	}
	struct buf what = BUF_INIT;
	buf_addf(&what, "ปี พ.ศ. %d, %s", be, f == SHEET_XLSX ? "xlsx" : "csv");
	oss_audit(r, req_db(r), "oss.room.usage_export", "oss_rooms", 0, area_id,
		  json_pack("{s:s}", "filter", buf_cstr(&what)));
	buf_release(&what);
	return export_end(r, s, f, &l);
}

int oss_rooms_usage(struct req *r)
{
	int answered = 0;
	long long area = approver_area(r, true, &answered);
	if (area < 0)
		return answered;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	int y;
	thai_local(oss_now(), &y, NULL, NULL, NULL, NULL, NULL, NULL);
	int be = y + 543;
	const char *ys = req_query(r, "year");
	if (ys && *ys) {
		struct buf ascii = BUF_INIT;
		thai_digits_ascii(ys, &ascii);
		long long v = 0;
		int bad = num_parse_ll(buf_cstr(&ascii), 0, 1000000, &v);
		buf_release(&ascii);
		if (bad < 0)
			return view_error(r, 400, "ปีไม่ถูกต้อง กรุณาระบุปี พ.ศ. เป็นตัวเลข 4 หลัก เช่น 2569");
		if (v >= 1900 && v < 2400)
			return view_error(r, 400, "กรุณาระบุปีเป็น พ.ศ. (ปี ค.ศ. 2026 ตรงกับ พ.ศ. 2569)");
		if (v < 2500 || v > 2700)
			return view_error(r, 400, "ปี พ.ศ. ต้องอยู่ระหว่าง 2500 ถึง 2700");
		be = (int)v;
	}
	enum sheet_format f;
	const char *format = req_query(r, "format");
	bool file = format && *format;
	if (file && sheet_parse_format(format, &f) < 0)
		return view_error(r, 400, "รูปแบบไฟล์ไม่ถูกต้อง เลือกได้เฉพาะ csv หรือ xlsx");
	json_t *rooms;
	size_t n;
	struct usage_room *u = usage_load(db, area, be - 543, &rooms, &n, &e);
	if (!u)
		return view_err(r, &e);
	if (file) {
		int rc = usage_export(r, f, area, be, u, n);
		free(u);
		json_decref(rooms);
		return rc;
	}
	json_t *months = json_array();
	for (int m = 1; m <= 12; m++)
		json_array_append_new(months,
				      json_pack("{s:s, s:s}", "abbr", thai_month_abbr(m), "name", thai_month_name(m)));
	json_t *rows = json_array();
	long long month_count[12] = {0}, month_min[12] = {0};
	for (size_t i = 0; i < n; i++) {
		json_t *cells = json_array();
		long long total = 0, minutes = 0;
		for (int m = 0; m < 12; m++) {
			struct buf h = BUF_INIT;
			hours_text(&h, u[i].minutes[m]);
			json_array_append_new(cells, json_pack("{s:I, s:s, s:s}", "count", (json_int_t)u[i].count[m],
							       "hours", buf_cstr(&h), "month", thai_month_abbr(m + 1)));
			buf_release(&h);
			total += u[i].count[m];
			minutes += u[i].minutes[m];
			month_count[m] += u[i].count[m];
			month_min[m] += u[i].minutes[m];
		}
		struct buf h = BUF_INIT;
		hours_text(&h, minutes);
		json_array_append_new(rows,
				      json_pack("{s:I, s:s, s:I, s:o, s:I, s:s}", "id", (json_int_t)u[i].id, "name",
						u[i].name, "capacity", (json_int_t)u[i].capacity, "months", cells,
						"total", (json_int_t)total, "hours", buf_cstr(&h)));
		buf_release(&h);
	}
	json_t *totals = json_array();
	long long all = 0, all_min = 0;
	for (int m = 0; m < 12; m++) {
		struct buf h = BUF_INIT;
		hours_text(&h, month_min[m]);
		json_array_append_new(totals, json_pack("{s:I, s:s, s:s}", "count", (json_int_t)month_count[m], "hours",
							buf_cstr(&h), "month", thai_month_abbr(m + 1)));
		buf_release(&h);
		all += month_count[m];
		all_min += month_min[m];
	}
	struct buf h = BUF_INIT;
	hours_text(&h, all_min);
	free(u);
	json_decref(rooms);
	json_t *years = json_array();
	for (int k = y + 543 + 1; k >= y + 543 - 4; k--)
		json_array_append_new(years, json_pack("{s:i, s:b}", "value", k, "selected", k == be));
	char title[96], csv[64], xlsx[64];
	snprintf(title, sizeof title, "การใช้ห้องประชุม ปี พ.ศ. %d", be);
	snprintf(csv, sizeof csv, "/oss/rooms/usage?year=%d&format=csv", be);
	snprintf(xlsx, sizeof xlsx, "/oss/rooms/usage?year=%d&format=xlsx", be);
	json_t *m =
	    json_pack("{s:s, s:i, s:o, s:o, s:o, s:o, s:I, s:s, s:b, s:s, s:s}", "page_title", title, "year", be,
		      "years", years, "months", months, "rows", rows, "totals", totals, "total", (json_int_t)all,
		      "hours", buf_cstr(&h), "has_rows", n > 0, "csv_url", csv, "xlsx_url", xlsx);
	buf_release(&h);
	return view_page(r, 200, "oss/rooms_usage", m);
}
