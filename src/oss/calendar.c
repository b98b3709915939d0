/* calendar: a meeting room's bookings of one month (issue item 7) —
 * GET /oss/rooms/:id/calendar?month=YYYY-MM for any signed-in user, so an
 * applicant sees which times are taken before he books. Each booked day
 * shows its date, its time, the service and the request's status. Staff of
 * the room's area also see each meeting's chairman and coordinator (issue
 * 10.14b: whom to ask about a taken time, as AMSS++'s office calendar
 * shows them); anyone else sees no one's personal data, and his own
 * bookings marked as his, with a link to the request.
 *
 * The calendar is the page the benchmark asks most of the booking data
 * (make bench, page rooms_cal), so it costs one index range and one pass:
 * the month is one query over oss_bookings_room (room_id, start_at, id,
 * end_at, request_id; migration 0303) in its order, the request joined by
 * its key, and each row goes from the statement straight into the page
 * model (no rows array decoded a second time). A room holds at most a few
 * dozen bookings a month, so the month is the page, with previous / next
 * links (no script; one booking a line, so a phone needs no sideways
 * scroll). */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "core/view.h"
#include "oss/oss_pages.h"

/* "2567-06" is no CE month: years are CE in the query, as <input
 * type=month> sends them; 0 and *y, *mo set, or -1. */
static int month_parse(const char *s, int *y, int *mo)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return -1;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return -1;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*mo = (s[5] - '0') * 10 + (s[6] - '0');
	return *y >= 2000 && *y <= 2200 && *mo >= 1 && *mo <= 12 ? 0 : -1;
}

static void month_link(long long room_id, int y, int mo, char *out, size_t n)
{
	if (mo < 1) {
		mo = 12;
		y--;
	} else if (mo > 12) {
		mo = 1;
		y++;
	}
	snprintf(out, n, "/oss/rooms/%lld/calendar?month=%04d-%02d", room_id, y, mo);
}

/* One index range of oss_bookings_room (room_id, start_at, id, …) in its
 * own order; the request is joined by its primary key for the service,
 * status and applicant. */
static const char sql_month[] =
    "SELECT b.start_at, b.end_at, r.id, r.service, r.status, r.applicant_id, b.chairman, b.coordinator "
    "FROM oss_bookings b JOIN oss_requests r ON r.id = b.request_id "
    "WHERE b.room_id = $1 AND b.start_at >= $2 AND b.start_at < $3 ORDER BY b.start_at, b.id";

static const char *const weekdays[] = {"อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์"};

/* One booking of the month as the page shows it, made straight from the
 * statement's row (no intermediate rows array). people: the viewer may see
 * the chairman and coordinator. */
static json_t *calendar_row(struct db_res *res, long long me, bool people)
{
	long long start = db_int(res, 0), end = db_int(res, 1), id = db_int(res, 2);
	int sy, smo, sd, sh, smi, ed, eh, emi, wd;
	thai_local(start, &sy, &smo, &sd, &sh, &smi, NULL, &wd);
	thai_local(end, NULL, NULL, &ed, &eh, &emi, NULL, NULL);
	/* a booking ends within its day; midnight shows as 24:00 */
	if (ed != sd && eh == 0 && emi == 0)
		eh = 24;
	struct buf b = BUF_INIT;
	json_t *row = json_object();
	buf_add_int(&b, sy);
	buf_addc(&b, '-');
	buf_add_2d(&b, smo);
	buf_addc(&b, '-');
	buf_add_2d(&b, sd);
	json_object_set_new(row, "date", json_string_nocheck(buf_cstr(&b)));
	buf_reset(&b);
	buf_adds(&b, weekdays[wd % 7]);
	buf_addc(&b, ' ');
	thai_date_short(&b, start);
	json_object_set_new(row, "date_text", json_string_nocheck(buf_cstr(&b)));
	buf_reset(&b);
	buf_add_2d(&b, sh);
	buf_addc(&b, ':');
	buf_add_2d(&b, smi);
	buf_adds(&b, "–");
	buf_add_2d(&b, eh);
	buf_addc(&b, ':');
	buf_add_2d(&b, emi);
	buf_adds(&b, " น.");
	json_object_set_new(row, "time_text", json_string_nocheck(buf_cstr(&b)));
	int st = oss_status_parse(db_text(res, 4));
	json_object_set_new(row, "service_name", json_string_nocheck(oss_service_name(db_text(res, 3))));
	json_object_set_new(row, "status_label", json_string_nocheck(oss_status_label(st)));
	json_object_set_new(row, "status_class", json_string_nocheck(oss_status_class(st)));
	bool mine = me > 0 && db_int(res, 5) == me;
	json_object_set_new(row, "mine", json_boolean(mine));
	if (mine) {
		buf_reset(&b);
		buf_adds(&b, "/oss/requests/");
		buf_add_int(&b, id);
		json_object_set_new(row, "url", json_string_nocheck(buf_cstr(&b)));
	}
	if (people || mine) {
		json_object_set_new(row, "chairman", jx_string(db_text(res, 6)));
		json_object_set_new(row, "coordinator", jx_string(db_text(res, 7)));
	}
	buf_release(&b);
	return row;
}

int oss_room_calendar(struct req *r)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long room_id = req_param_id(r, "id");
	json_t *room = room_id > 0 ? oss_room_get(db, room_id, &e) : NULL;
	if (!room) {
		if (e.status >= 500)
			return view_err(r, &e);
		return view_error(r, 404, "ไม่พบห้องประชุมที่ระบุ");
	}
	long long now = oss_now();
	int y, mo;
	const char *month = req_query(r, "month");
	if (month && *month) {
		if (month_parse(month, &y, &mo) < 0) {
			json_decref(room);
			return view_error(r, 400, "เดือนไม่ถูกต้อง กรุณาระบุเป็น ปี ค.ศ.-เดือน เช่น 2024-06");
		}
	} else {
		thai_local(now, &y, &mo, NULL, NULL, NULL, NULL, NULL);
	}
	long long from = thai_from_local(y, mo, 1, 0, 0, 0);
	long long to = mo == 12 ? thai_from_local(y + 1, 1, 1, 0, 0, 0) : thai_from_local(y, mo + 1, 1, 0, 0, 0);
	/* staff of the room's area see who chairs and who coordinates each
	 * meeting (as AMSS++ shows its office); anyone else only that the
	 * time is taken, and his own bookings in full */
	bool people = acc_grant_in_area(acc_active_grant(r), jint(room, "area_id"));
	long long me = acc_user_id(r);
	struct db_res *res;
	if (db_query(db, sql_month, DB_ARGS(DB_INT(room_id), DB_INT(from), DB_INT(to)), &res, &e) < 0) {
		json_decref(room);
		return view_err(r, &e);
	}
	json_t *out = json_array();
	int rc;
	while ((rc = db_next(res, &e)) == 1)
		json_array_append_new(out, calendar_row(res, me, people));
	db_res_free(res);
	if (rc < 0) {
		json_decref(out);
		json_decref(room);
		return view_err(r, &e);
	}
	char prev[80], next[80], cur[16], title[200];
	month_link(room_id, y, mo - 1, prev, sizeof prev);
	month_link(room_id, y, mo + 1, next, sizeof next);
	snprintf(cur, sizeof cur, "%04d-%02d", y, mo);
	snprintf(title, sizeof title, "ปฏิทินการจอง %s", jstr(room, "name"));
	char month_text[64];
	snprintf(month_text, sizeof month_text, "%s %d", thai_month_name(mo), y + 543);
	char book[64];
	snprintf(book, sizeof book, "/oss/new/31?area=%lld", jint(room, "area_id"));
	json_t *m = json_pack("{s:s, s:{s:I, s:O, s:O, s:b}, s:s, s:s, s:s, s:s, s:o, s:b, s:s}", "page_title", title,
			      "room", "id", (json_int_t)room_id, "name", json_object_get(room, "name"), "capacity",
			      json_object_get(room, "capacity"), "active", jint(room, "active") != 0, "month", cur,
			      "month_text", month_text, "prev_url", prev, "next_url", next, "rows", out, "has_rows",
			      json_array_size(out) > 0, "book_url", book);
	json_decref(room);
	return view_page(r, 200, "oss/calendar", m);
}
